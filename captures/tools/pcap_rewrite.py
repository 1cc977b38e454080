#!/usr/bin/env python3
"""Rewrites a classic little-endian Ethernet pcap (what `tcpdump -i lo -w` writes) into other
link types and layouts, packet for packet (same timestamps, same IP packets). Standard library only.

  pcap_rewrite.py bigendian IN OUT    same records, file written big-endian (magic a1b2c3d4 as BE)
  pcap_rewrite.py rawip     IN OUT    DLT_RAW (101): Ethernet header removed, records start at IP
  pcap_rewrite.py null      IN OUT    DLT_NULL (0): 4-byte address family in the writer's (little-endian)
                                      byte order in place of the Ethernet header: 2 = AF_INET
                                      (IPv6 would be written as 30, the macOS value)
  pcap_rewrite.py vlan      IN OUT    Ethernet with an 802.1Q tag (TPID 0x8100, VLAN 42, PCP 0)
                                      inserted after the MAC addresses
  pcap_rewrite.py truncate  IN OUT    file cut in the middle of its last packet record's data
"""
import struct
import sys

DLT_NULL, DLT_EN10MB, DLT_RAW = 0, 1, 101


def read_pcap(path):
    data = open(path, "rb").read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        e, nano = "<", False
    elif magic == b"\x4d\x3c\xb2\xa1":
        e, nano = "<", True
    else:
        raise SystemExit(f"{path}: expected little-endian classic pcap")
    vmaj, vmin, tz, sig, snap, link = struct.unpack(e + "HHiIII", data[4:24])
    recs, off = [], 24
    while off + 16 <= len(data):
        ts, tfrac, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        recs.append([ts, tfrac, orig, data[off + 16:off + 16 + incl]])
        off += 16 + incl
    return dict(nano=nano, snap=snap, link=link, recs=recs)


def write_pcap(path, cap, link, endian="<", recs=None):
    magic = 0xA1B23C4D if cap["nano"] else 0xA1B2C3D4
    out = [struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, cap["snap"], link)]
    for ts, tfrac, orig, pkt in (recs if recs is not None else cap["recs"]):
        out.append(struct.pack(endian + "IIII", ts, tfrac, len(pkt), orig) + pkt)
    open(path, "wb").write(b"".join(out))


def main():
    op, src, dst = sys.argv[1:4]
    cap = read_pcap(src)
    if cap["link"] != DLT_EN10MB:
        raise SystemExit("input must be Ethernet (DLT 1)")
    recs = cap["recs"]
    if op == "bigendian":
        write_pcap(dst, cap, DLT_EN10MB, ">")
    elif op == "rawip":
        write_pcap(dst, cap, DLT_RAW, recs=[[t, f, o - 14, p[14:]] for t, f, o, p in recs])
    elif op == "null":
        def fam(p):
            et = p[12:14]
            return {b"\x08\x00": 2, b"\x86\xdd": 30}[et]
        write_pcap(dst, cap, DLT_NULL,
                   recs=[[t, f, o - 10, struct.pack("<I", fam(p)) + p[14:]] for t, f, o, p in recs])
    elif op == "vlan":
        tag = b"\x81\x00" + struct.pack(">H", 42)
        write_pcap(dst, cap, DLT_EN10MB, recs=[[t, f, o + 4, p[:12] + tag + p[12:]] for t, f, o, p in recs])
    elif op == "truncate":
        write_pcap(dst, cap, DLT_EN10MB)
        data = open(dst, "rb").read()
        last_len = len(recs[-1][3])
        cut = len(data) - last_len // 2          # inside the last record's packet bytes
        open(dst, "wb").write(data[:cut])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
