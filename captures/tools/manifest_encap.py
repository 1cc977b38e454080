"""Manifest entries of the tunnelled captures (make-encap.sh).

Each capture carries the same sessions as the real capture it was made like: the scapy-wrapped ones
wrap that capture's frames byte for byte, and the VXLAN ones ran the same clients against the same
servers through a real VXLAN tunnel. So an entry names those captures (one per customer, in the order
of their SYNs) instead of repeating their expectations; the endpoints are the inner addresses.
"""

PLAIN = "smtp-auth-plain-cleartext.pcap"
LOGIN = "smtp-auth-login-cleartext.pcap"
IMAP = "imap-login-cleartext.pcap"
POP3 = "pop3-user-pass-cleartext.pcap"
IPV6 = "smtp-ipv6.pcap"
WRAP = "tools/make-encap.sh: tools/encap_wrap.py {mode} (scapy) around the frames of {base}, inner bytes untouched"
VXLAN = "tools/make-encap.sh: Linux VXLAN devices (VNI {vni}) in namespaces encap-c1/encap-s1, tcpdump on the underlay veth; {what}"

SPEC = [
    ("encap-vxlan.pcap", VXLAN.format(vni=1001, what="swaks --server 10.0.0.2:587 --auth PLAIN"),
     "Real VXLAN (UDP 4789, VNI 1001) between two namespaces; inner 10.0.0.1 -> 10.0.0.2:587 relayed to Postfix: AUTH PLAIN and one message in the clear.",
     [PLAIN]),
    ("encap-vxlan-two-customers.pcap",
     VXLAN.format(vni="1001 and 1002", what="two customers, same underlay and inner addresses, swaks --local-port 40587 in both at once, mergecap"),
     "Two customers reusing every address and the same client port at the same time, told apart only by the VNI: "
     "AUTH PLAIN and a message in VNI 1001, AUTH LOGIN in VNI 1002; two sessions, not one.",
     [PLAIN, LOGIN]),
    ("encap-vxlan-imap.pcap", VXLAN.format(vni=1001, what="tools/mailbox_client.py imap-quoted 10.0.0.2 143 (alice, then bob)"),
     "Real VXLAN; two IMAP LOGINs in the clear through the tunnel.", [IMAP]),
    ("encap-pppoe.pcap", WRAP.format(mode="pppoe", base=PLAIN),
     "PPPoE session 0x2a17, PPP protocol 0x0021, after PADI/PADO and an LCP echo request/reply (keepalives, not mail).", [PLAIN]),
    ("encap-mpls.pcap", WRAP.format(mode="mpls", base=PLAIN),
     "Two MPLS labels (per-direction transport label, then 16), inner IPv4 found by its version nibble.", [PLAIN]),
    ("encap-mpls-pseudowire.pcap", WRAP.format(mode="mpls-pw", base=IMAP),
     "Ethernet pseudowire over MPLS: two labels, a control word (RFC 4385), the whole original Ethernet frame.", [IMAP]),
    ("encap-gre-key-seq.pcap", WRAP.format(mode="gre", base=PLAIN),
     "GRE (RFC 2890) with key 0x5001 and sequence numbers, IPv4 inside.", [PLAIN]),
    ("encap-gre-checksum.pcap", WRAP.format(mode="gre-csum", base=POP3),
     "GRE with the checksum present (RFC 2784), POP3 USER/PASS inside.", [POP3]),
    ("encap-gretap.pcap", WRAP.format(mode="gretap", base=IMAP),
     "GRE transparent Ethernet bridging (0x6558, gretap) with key 7: the original Ethernet frames inside.", [IMAP]),
    ("encap-erspan2.pcap", WRAP.format(mode="erspan2", base=PLAIN),
     "ERSPAN type II (GRE 0x88BE with sequence numbers, session 100): mirrored Ethernet frames.", [PLAIN]),
    ("encap-erspan3-platform.pcap", WRAP.format(mode="erspan3", base=IMAP),
     "ERSPAN type III (GRE 0x22EB, session 200) with the 8-byte platform-specific sub-header (O flag).", [IMAP]),
    ("encap-geneve-options.pcap", WRAP.format(mode="geneve", base=PLAIN),
     "Geneve (UDP 6081, VNI 4242) with two options (28 bytes), Ethernet inside.", [PLAIN]),
    ("encap-l2tp.pcap", WRAP.format(mode="l2tp", base=POP3),
     "L2TPv2 data messages (UDP 1701, length and Ns/Nr, per-direction tunnel/session ids) with PPP (FF 03 0021), after a ZLB control message.",
     [POP3]),
    ("encap-gtpu-extensions.pcap", WRAP.format(mode="gtpu", base=PLAIN),
     "GTP-U G-PDUs (UDP 2152, per-direction TEIDs) with a sequence number and a PDU session container extension header, after an echo request/response.",
     [PLAIN]),
    ("encap-ipip.pcap", WRAP.format(mode="ipip", base=IMAP), "IPv4 in IPv4 (protocol 4).", [IMAP]),
    ("encap-6in4.pcap", WRAP.format(mode="6in4", base=IPV6), "IPv6 in IPv4 (protocol 41, 6in4/sit).", [IPV6]),
    ("encap-4in6.pcap", WRAP.format(mode="4in6", base=PLAIN), "IPv4 in IPv6 (next header 4).", [PLAIN]),
    ("encap-vxlan-in-gre.pcap", WRAP.format(mode="in-gre", base="encap-vxlan.pcap"),
     "Nested: the real VXLAN capture's underlay packets inside GRE (key 9): GRE / IPv4 / UDP / VXLAN / Ethernet / IPv4 / TCP.", [PLAIN]),
    ("encap-vxlan-mpls-pppoe-vlan.pcap", WRAP.format(mode="mpls-over-pppoe", base="encap-vxlan-imap.pcap"),
     "Nested: VLAN 7 / PPPoE / PPP MPLS (0x0281) / MPLS / IPv4 / UDP / VXLAN / Ethernet / IPv4 / TCP, from the real VXLAN IMAP capture.",
     [IMAP]),
]


def resolved(entry, spec):
    """An entry with the sessions and findings of the captures it names, findings renumbered."""
    file, made_by, desc, bases = entry
    sessions, findings = [], []
    for base in bases:
        _, _, _, base_sessions, base_findings = next(e for e in spec if e[0] == base)
        findings += [(i + len(sessions), *rest) for i, *rest in base_findings]
        sessions += base_sessions
    return file, made_by, desc, sessions, findings
