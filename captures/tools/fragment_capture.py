#!/usr/bin/python3
"""Rewrites a real capture (Ethernet, from `tcpdump -i lo`) with the client's TCP segments sent as IP
fragments, the way a router (IPv4) or the source host (IPv6) would cut them, in the orders and with
the overlaps a hostile or broken path produces. The TCP bytes inside are never changed, except in
the two conflict cases, where a forged fragment carries other bytes. Needs Debian's python3-scapy.

  fragment_capture.py MODE IN OUT

  inorder          every client segment with data cut into 24-byte fragments, in order
  reversed         the same, last fragment first
  duplicates       every fragment twice, then the whole set once more
  overlap-same     fragments 32 bytes long every 16 bytes: each overlaps the next with the same bytes
  tiny             8-byte fragments: the first holds less than a TCP header (RFC 1858, RFC 3128)
  conflict-first   the AUTH segment: forged fragments with another user come first, then the genuine
                   ones at the same offsets; Linux keeps the first (a duplicate inside a run)
  conflict-drop    the AUTH segment: a forged fragment straddling two genuine ones with other bytes;
                   Linux drops the datagram (RFC 5722); the genuine segment follows whole, as TCP's
                   retransmission 200 ms later
  ipv6-reversed    IPv6: every client segment with data in 24-byte Fragment-header fragments, last first
  flood            6000 tiny first fragments from 198.51.100.0/24 that never finish, around the AUTH
                   segment's own fragments (inorder), to press the sensor's fragment memory cap
"""
import random
import sys

from scapy.all import IP, IPv6, IPv6ExtHdrFragment, Ether, Raw, PcapReader, PcapWriter, TCP  # noqa: F401

FORGED_USER = b"mallo@example.test"     # as long as alice@example.test: same base64 length
GENUINE_USER = b"alice@example.test"


def client_data(pkt, client_port):
    tcp = pkt.getlayer(TCP)
    return tcp is not None and tcp.sport == client_port and len(bytes(tcp.payload)) > 0


def chunks(payload, size, step=None):
    """(offset, bytes) pieces of the IP payload; every piece but the last is a multiple of 8 long."""
    step = step or size
    out, offset = [], 0
    while offset < len(payload):
        out.append((offset, payload[offset:offset + size]))
        if offset + size >= len(payload):
            break
        offset += step
    return out


def v4_fragments(pkt, pieces, ident):
    ip = pkt[IP]
    return fragments(pkt, pieces, lambda offset, more: IP(
        src=ip.src, dst=ip.dst, ttl=ip.ttl, tos=ip.tos, proto=ip.proto, id=ident, flags="MF" if more else 0, frag=offset // 8))


def v6_fragments(pkt, pieces, ident):
    ip = pkt[IPv6]
    return fragments(pkt, pieces, lambda offset, more: IPv6(src=ip.src, dst=ip.dst, hlim=ip.hlim, tc=ip.tc, fl=ip.fl) /
                     IPv6ExtHdrFragment(nh=ip.nh, offset=offset // 8, m=int(more), id=ident))


def fragments(pkt, pieces, headers):
    """Each piece behind the headers made for its offset; More Fragments on all but the one reaching the end."""
    payload_end = len(ip_payload(pkt))
    return [Ether(src=pkt[Ether].src, dst=pkt[Ether].dst) / headers(offset, offset + len(data) < payload_end) / Raw(data)
            for offset, data in pieces]


def ip_payload(pkt):
    return bytes(pkt[IPv6].payload) if IPv6 in pkt else bytes(pkt[IP].payload)


def rewrite(mode, packets):
    syn = next(p for p in packets if TCP in p and p[TCP].flags == "S")
    client_port = syn[TCP].sport
    out, ident = [], 0x5100
    for pkt in packets:
        if not client_data(pkt, client_port):
            out.append(pkt)
            continue
        ident += 1
        payload = ip_payload(pkt)
        frags = fragments_for(mode, pkt, payload, ident)
        for i, f in enumerate(frags):
            f.time = pkt.time + i * 0.00001
        out.extend(frags)
    return out


def fragments_for(mode, pkt, payload, ident):
    if mode == "inorder":
        return v4_fragments(pkt, chunks(payload, 24), ident)
    if mode == "reversed":
        return v4_fragments(pkt, chunks(payload, 24), ident)[::-1]
    if mode == "duplicates":
        frags = v4_fragments(pkt, chunks(payload, 24), ident)
        return [f for f in frags for _ in (0, 1)] + frags
    if mode == "overlap-same":
        return v4_fragments(pkt, chunks(payload, 32, 16), ident)
    if mode == "tiny":
        return v4_fragments(pkt, chunks(payload, 8), ident)
    if mode == "ipv6-reversed":
        return v6_fragments(pkt, chunks(payload, 24), ident)[::-1]
    if mode in ("conflict-first", "conflict-drop", "flood"):
        if b"AUTH PLAIN " not in payload:
            return [pkt]
        return special(mode, pkt, payload, ident)
    raise SystemExit(__doc__)


def forged_payload(payload):
    import base64
    line_start = payload.index(b"AUTH PLAIN ") + len(b"AUTH PLAIN ")
    line_end = payload.index(b"\r\n", line_start)
    forged = base64.b64encode(base64.b64decode(payload[line_start:line_end]).replace(GENUINE_USER, FORGED_USER))
    assert len(forged) == line_end - line_start
    return payload[:line_start] + forged + payload[line_end:]


def special(mode, pkt, payload, ident):
    genuine = chunks(payload, 24)
    if mode == "flood":
        return v4_fragments(pkt, genuine, ident)
    forged = chunks(forged_payload(payload), 24)
    differing = [i for i, ((_, g), (_, f)) in enumerate(zip(genuine, forged)) if g != f]
    if mode == "conflict-first":
        return v4_fragments(pkt, [forged[i] for i in differing], ident) + v4_fragments(pkt, genuine, ident)
    # conflict-drop: genuine fragments up to the first differing one, then a forged fragment from the
    # middle of it into the next (partly over held data, other bytes): the datagram is dropped.
    k = differing[0]
    offset = genuine[k][0] + 8
    straddle = (offset, forged_payload(payload)[offset:offset + 24])
    frags = v4_fragments(pkt, genuine[:k + 1] + [straddle] + genuine[k + 1:], ident)
    retransmission = pkt.copy()
    retransmission.time = pkt.time + 0.2
    return frags + [retransmission]


def add_flood(packets, rng):
    """Tiny first fragments (8 bytes, MF set, never finished) before, between and after the AUTH fragments."""
    auth = [i for i, p in enumerate(packets) if IP in p and p[IP].flags == "MF" and p[IP].frag == 0]
    first = auth[0]
    template = packets[first]
    flood = []
    for n in range(6000):
        frag = IP(src=f"198.51.100.{n % 250 + 1}", dst=template[IP].dst, proto=6, id=n + 1,
                  flags="MF", frag=0) / Raw(rng.randbytes(8))
        flood.append(Ether(src=template[Ether].src, dst=template[Ether].dst) / frag)
    t = template.time
    previous = packets[first - 1].time
    before, middle, after = flood[:3000], flood[3000:4000], flood[4000:]
    for i, f in enumerate(before):
        f.time = previous + (t - previous) * (i + 1) / (len(before) + 1)
    auth_frags = [p for p in packets[first:] if IP in p and p[IP].id == template[IP].id]
    rest = [p for p in packets[first:] if not (IP in p and p[IP].id == template[IP].id)]
    clock = t
    for f in middle + auth_frags[1:] + after:
        clock += 0.0000001
        f.time = clock
    shift = max(0, clock - rest[0].time + 0.000001)
    for p in rest:
        p.time += shift
    return packets[:first] + before + [auth_frags[0]] + middle + auth_frags[1:] + after + rest


MODES = ["inorder", "reversed", "duplicates", "overlap-same", "tiny", "conflict-first", "conflict-drop", "flood", "ipv6-reversed"]


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    mode, src, dst = sys.argv[1:4]
    packets = list(PcapReader(src))
    out = rewrite(mode, packets)
    if mode == "flood":
        out = add_flood(out, random.Random(3128))
    # Each file an hour after its source and a minute after the one before: replayed together with the
    # source (files are merged in time order), the same connection must not interleave with itself.
    for p in {id(p): p for p in out}.values():   # a duplicated fragment is one object written twice
        p.time += 3600 + 60 * MODES.index(mode)
    writer = PcapWriter(dst, linktype=1, sync=True)
    for p in out:
        writer.write(p)
    writer.close()


if __name__ == "__main__":
    main()
