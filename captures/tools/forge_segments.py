#!/usr/bin/python3
"""Adds what an on-path attacker sends to a real capture of a real session (Debian's python3-scapy).

Every packet of the real session is kept, with its TCP checksum recomputed as the wire carries it
(a span port sees checksums as sent; tcpdump on lo sees them before the stack fills them in), then
the forged packets are added as the attacker sends them: same addresses, ports, sequence and
acknowledgment numbers as the real segment they race.

  forge_segments.py race-first IN OUT      a stripped copy of the server's EHLO reply (the
                                           "250-STARTTLS" line deleted, the first line padded with
                                           spaces to the same length) arrives just before the real one
  forge_segments.py race-after IN OUT      IN is a client leg through striptls_proxy.py strip-padded
                                           plus its upstream leg: the client leg is kept, and the real
                                           server's EHLO reply (from the upstream leg) arrives just after
                                           the stripped one, for the same sequence range
  forge_segments.py badsum IN OUT          the stripped copy of race-first, with a bad TCP checksum
  forge_segments.py rst IN OUT             a RST from the server inside the client's window but 1000
                                           bytes past the next expected sequence number, just before
                                           the client's LOGIN/AUTH line
"""
import sys

from scapy.all import IP, TCP, Raw, rdpcap, wrpcap

FORGED_GAP = 0.0001  # seconds between a forged packet and the real one it races


def tcp_packets(packets):
    return [p for p in packets if p.haslayer(TCP)]


def good_checksums(packets):
    """Every packet with the checksum its sender's NIC would have put on the wire."""
    out = []
    for p in packets:
        q = p.copy()
        del q[TCP].chksum
        q = q.__class__(bytes(q))
        q.time = p.time
        out.append(q)
    return out


def payload(p):
    return bytes(p[TCP].payload) if p.haslayer(Raw) else b""


def find(packets, test):
    for i, p in enumerate(packets):
        if test(p):
            return i
    raise SystemExit("segment not found")


def is_ehlo_reply(p, port, with_starttls):
    data = payload(p)
    return p[TCP].sport == port and data.startswith(b"250-") and (b"250-STARTTLS\r\n" in data) == with_starttls


def stripped_same_length(reply):
    """The EHLO reply without its STARTTLS line, the first line padded so the length stays the same."""
    lines = reply.split(b"\r\n")
    kept = [line for line in lines if line != b"250-STARTTLS"]
    kept[0] += b" " * (len(reply) - len(b"\r\n".join(kept)))
    return b"\r\n".join(kept)


def forged_copy(real, data, dt, bad_checksum=False):
    """A segment like real (headers, options, flags) carrying data, dt seconds from it."""
    q = real.copy()
    q[TCP].remove_payload()
    if data:
        q[TCP].add_payload(Raw(data))
    q[IP].id = (real[IP].id + 4242) & 0xFFFF
    del q[IP].len, q[IP].chksum, q[TCP].chksum
    q = q.__class__(bytes(q))
    if bad_checksum:
        q[TCP].chksum ^= 0x5A5A
        q = q.__class__(bytes(q))
    q.time = real.time + dt
    return q


def server_port(packets):
    syn = next(p for p in packets if p[TCP].flags == "S")
    return syn[TCP].dport


def race_first(packets, bad_checksum=False):
    packets = good_checksums(tcp_packets(packets))
    port = server_port(packets)
    i = find(packets, lambda p: is_ehlo_reply(p, port, True))
    real = packets[i]
    forged = forged_copy(real, stripped_same_length(payload(real)), -FORGED_GAP, bad_checksum)
    return packets[:i] + [forged] + packets[i:]


def race_after(packets):
    packets = good_checksums(tcp_packets(packets))
    syns = [p for p in packets if p[TCP].flags == "S"]
    client_leg = (syns[0][IP].src, syns[0][TCP].sport, syns[0][IP].dst, syns[0][TCP].dport)
    upstream_port = syns[1][TCP].dport
    real_reply = payload(packets[find(packets, lambda p: is_ehlo_reply(p, upstream_port, True))])

    def on_client_leg(p):
        ends = {(p[IP].src, p[TCP].sport), (p[IP].dst, p[TCP].dport)}
        return ends == {(client_leg[0], client_leg[1]), (client_leg[2], client_leg[3])}

    leg = [p for p in packets if on_client_leg(p)]
    i = find(leg, lambda p: is_ehlo_reply(p, client_leg[3], False))
    if len(payload(leg[i])) != len(real_reply):
        raise SystemExit("stripped reply and real reply differ in length")
    return leg[:i + 1] + [forged_copy(leg[i], real_reply, FORGED_GAP)] + leg[i + 1:]


def reset(packets):
    packets = good_checksums(tcp_packets(packets))
    port = server_port(packets)
    i = find(packets, lambda p: p[TCP].dport == port and (b" LOGIN " in payload(p) or payload(p).startswith(b"AUTH ")))
    line = packets[i]
    rst = line.copy()
    rst[TCP].remove_payload()
    rst[IP].src, rst[IP].dst = line[IP].dst, line[IP].src
    rst[TCP].sport, rst[TCP].dport = line[TCP].dport, line[TCP].sport
    # The server's next sequence number is what the client acknowledges: 1000 past it is inside any window.
    rst[TCP].seq, rst[TCP].ack, rst[TCP].flags, rst[TCP].options = line[TCP].ack + 1000, line[TCP].seq, "RA", []
    rst[IP].id = (line[IP].id + 4242) & 0xFFFF
    del rst[IP].len, rst[IP].chksum, rst[TCP].chksum, rst[TCP].dataofs
    rst = rst.__class__(bytes(rst))
    rst.time = line.time - FORGED_GAP
    return packets[:i] + [rst] + packets[i:]


def main():
    mode, src, dst = sys.argv[1:4]
    packets = rdpcap(src)
    out = {"race-first": race_first, "race-after": race_after, "rst": reset,
           "badsum": lambda p: race_first(p, bad_checksum=True)}[mode](packets)
    wrpcap(dst, out)


if __name__ == "__main__":
    main()
