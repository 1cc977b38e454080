#!/usr/bin/env python3
"""Wraps every frame of a real capture in an encapsulation, the inner bytes untouched.

  encap_wrap.py MODE IN.pcap OUT.pcap

For the tunnels this machine's kernel cannot make (make-encap.sh says which): the frames of IN
(Ethernet, as tcpdump writes on lo or on a veth) keep their IP packet, or their whole Ethernet frame
for the layer-2 tunnels, byte for byte, and get the outer headers of MODE, built with scapy. The
first frame's source is the client: the two directions get each their own per-direction identifiers
(MPLS labels, L2TP tunnel/session ids, GTP-U TEIDs), as real peers choose their own. Timestamps are kept.
"""
import struct
import sys

from scapy.all import (GRE, IP, PPP, UDP, Dot1Q, Ether, IPv6, PPPoE, PPPoED, Raw, RawPcapReader, PcapWriter)
from scapy.contrib.erspan import ERSPAN_II, ERSPAN_III, ERSPAN_PlatformSpecific
from scapy.contrib.geneve import GENEVE, GeneveOptions
from scapy.contrib.gtp import GTP_U_Header, GTPPDUSessionContainer, GTPEchoRequest, GTPEchoResponse
from scapy.contrib.mpls import MPLS
from scapy.layers.ppp import PPP_LCP_Echo

A, B = "198.18.0.1", "198.18.0.2"             # underlay (RFC 2544 benchmarking range)
A6, B6 = "2001:db8:ffff::1", "2001:db8:ffff::2"
MAC_A, MAC_B = "02:00:00:00:aa:01", "02:00:00:00:bb:02"


def eth(up, payload, etype):
    return Ether(src=MAC_A if up else MAC_B, dst=MAC_B if up else MAC_A, type=etype) / payload


def outer_ip(up, payload, proto):
    return IP(src=A if up else B, dst=B if up else A, proto=proto, flags="DF", ttl=64) / payload


def udp(up, sport, dport, payload):
    return outer_ip(up, UDP(sport=sport if up else dport, dport=dport if up else sport) / payload, 17)


def cw():
    return Raw(b"\x00\x00\x00\x00")  # pseudowire control word, RFC 4385: first nibble 0


def wrap(mode, up, n, frame, ip):
    """One wrapped frame. frame: the whole Ethernet frame; ip: its IP packet (bytes)."""
    inner, inner_frame = Raw(ip), Raw(frame)
    if mode == "pppoe":
        return eth(up, PPPoE(sessionid=0x2a17) / PPP(proto=0x0021) / inner, 0x8864)
    if mode == "mpls":
        return eth(up, MPLS(label=1000 if up else 2000, s=0, ttl=63) / MPLS(label=16, s=1, ttl=63) / inner, 0x8847)
    if mode == "mpls-pw":
        return eth(up, MPLS(label=3000 if up else 4000, s=0) / MPLS(label=77, s=1) / cw() / inner_frame, 0x8847)
    if mode == "gre":
        return eth(up, outer_ip(up, GRE(key_present=1, key=0x5001, seqnum_present=1, sequence_number=n, proto=0x0800) / inner, 47), 0x0800)
    if mode == "gre-csum":
        return eth(up, outer_ip(up, GRE(chksum_present=1, proto=0x0800) / inner, 47), 0x0800)
    if mode == "gretap":
        return eth(up, outer_ip(up, GRE(key_present=1, key=7, proto=0x6558) / inner_frame, 47), 0x0800)
    if mode == "erspan2":
        span = ERSPAN_II(ver=1, session_id=100, index=5)
        return eth(up, outer_ip(up, GRE(seqnum_present=1, sequence_number=n, proto=0x88BE) / Raw(bytes(span) + frame), 47), 0x0800)
    if mode == "erspan3":
        span = ERSPAN_III(ver=2, session_id=200, timestamp=n, hw=3, o=1) / ERSPAN_PlatformSpecific(platf_id=3, info1=0x1234, info2=0x55667788)
        return eth(up, outer_ip(up, GRE(seqnum_present=1, sequence_number=n, proto=0x22EB) / Raw(bytes(span) + frame), 47), 0x0800)
    if mode == "geneve":
        options = [GeneveOptions(classid=0x0102, type=0x80, data=b"\x00\x00\x00\x2a"),
                   GeneveOptions(classid=0xffff, type=0x01, data=b"sensor-geneve-op")]
        return eth(up, udp(up, 51000 + n % 64, 6081, GENEVE(vni=4242, proto=0x6558, options=options) / inner_frame), 0x0800)
    if mode == "l2tp":
        # L2TPv2 data message (RFC 2661 §3.1) with length and Ns/Nr; ids are the receiver's
        tunnel, session = (11, 21) if up else (12, 22)
        ppp = b"\xff\x03\x00\x21" + ip
        header = struct.pack("!HHHHHH", 0x4802, 12 + len(ppp), tunnel, session, n & 0xffff, 0)
        return eth(up, udp(up, 1701, 1701, Raw(header + ppp)), 0x0800)
    if mode == "gtpu":
        gtp = GTP_U_Header(teid=0x1001 if up else 0x2002, gtp_type=255, E=1, S=1, seq=n & 0xffff, next_ex=0x85)
        container = GTPPDUSessionContainer(type=1 if up else 0, QFI=9, NextExtHdr=0)
        return eth(up, udp(up, 2152, 2152, gtp / container / inner), 0x0800)
    if mode == "ipip":
        return eth(up, outer_ip(up, inner, 4), 0x0800)
    if mode == "6in4":
        return eth(up, outer_ip(up, inner, 41), 0x0800)
    if mode == "4in6":
        return eth(up, IPv6(src=A6 if up else B6, dst=B6 if up else A6, nh=4) / inner, 0x86DD)
    if mode == "in-gre":
        return eth(up, IP(src="198.19.0.1" if up else "198.19.0.2", dst="198.19.0.2" if up else "198.19.0.1", proto=47)
                   / GRE(key_present=1, key=9, proto=0x0800) / inner, 0x0800)
    if mode == "mpls-over-pppoe":
        return Ether(src=MAC_A if up else MAC_B, dst=MAC_B if up else MAC_A) / Dot1Q(vlan=7, type=0x8864) / PPPoE(sessionid=0x0b0b) \
            / PPP(proto=0x0281) / MPLS(label=5000 if up else 6000, s=1) / inner
    if mode.startswith("vlan-"):
        return Ether(src=MAC_A if up else MAC_B, dst=MAC_B if up else MAC_A) / Dot1Q(vlan=int(mode[5:]), type=frame[12] << 8 | frame[13]) / inner
    raise SystemExit(f"unknown mode {mode}")


def extras(mode, ts):
    """Frames a real link of this kind also carries, which hold no mail (discovery, keepalives, echo)."""
    if mode == "pppoe":
        # PPPoE discovery (RFC 2516 §5) and an LCP echo exchange (PPP keepalive, RFC 1661 §5.8)
        yield ts - 0.004, eth(True, PPPoED(code=0x09, sessionid=0), 0x8863)
        yield ts - 0.003, eth(False, PPPoED(code=0x07, sessionid=0), 0x8863)
        yield ts - 0.002, eth(True, PPPoE(sessionid=0x2a17) / PPP(proto=0xc021) / PPP_LCP_Echo(code=9, id=1, magic_number=0x1234), 0x8864)
        yield ts - 0.001, eth(False, PPPoE(sessionid=0x2a17) / PPP(proto=0xc021) / PPP_LCP_Echo(code=10, id=1, magic_number=0x5678), 0x8864)
    elif mode == "gtpu":
        yield ts - 0.002, eth(True, udp(True, 2152, 2152, GTP_U_Header(teid=0, gtp_type=1, S=1, seq=1) / GTPEchoRequest()), 0x0800)
        yield ts - 0.001, eth(False, udp(False, 2152, 2152, GTP_U_Header(teid=0, gtp_type=2, S=1, seq=1) / GTPEchoResponse()), 0x0800)
    elif mode == "l2tp":
        # a ZLB control message (T, L, S bits; RFC 2661 §5.8): no PPP inside
        yield ts - 0.001, eth(True, udp(True, 1701, 1701, Raw(struct.pack("!HHHHHH", 0xc802, 12, 12, 0, 1, 1))), 0x0800)


def ip_of(frame):
    etype = struct.unpack("!H", frame[12:14])[0]
    if etype not in (0x0800, 0x86DD):
        raise SystemExit(f"frame with ethertype {etype:#x}: only untagged IP frames are wrapped")
    return frame[14:]


def client_of(ip):
    return ip[12:16] if ip[0] >> 4 == 4 else ip[8:24]


def main():
    mode, src, dst = sys.argv[1:4]
    out = []
    client = None
    for n, (frame, meta) in enumerate(RawPcapReader(src)):
        ts = meta.sec + meta.usec / 1e6
        ip = ip_of(frame)
        client = client or client_of(ip)
        if n == 0:
            out.extend(extras(mode, ts))
        out.append((ts, wrap(mode, client_of(ip) == client, n, frame, ip)))
    writer = PcapWriter(dst, linktype=1, sync=True)
    for ts, packet in sorted(out, key=lambda p: p[0]):
        packet.time = ts
        if len(packet) > 65535:
            raise SystemExit(f"{src}: a wrapped frame of {len(packet)} bytes does not fit")
        writer.write(packet)
    writer.close()


if __name__ == "__main__":
    main()
