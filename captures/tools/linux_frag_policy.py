#!/usr/bin/python3
"""Asks the running Linux kernel which bytes it reassembles when IPv4 and IPv6 fragments overlap, the
policy the sensor follows (docs/ip-fragments.md). Two network namespaces joined by a veth pair
(frag-policy-tx, frag-policy-rx, removed at the end); scapy sends the same fragment patterns as
fragment_capture.py, as UDP so the receiver can print what its socket got. Needs root and python3-scapy.

  linux_frag_policy.py      prints one line per pattern: what the receiving socket read, or nothing
"""
import subprocess
import sys
import time

PATTERNS = {
    # name: fragments sent in this order, (bytes, start, end) of the 56-byte UDP datagram (8 header + 48 data)
    "forged first, then the genuine fragments at the same offsets": [("F", 24, 48), ("G", 0, 24), ("G", 24, 48), ("G", 48, 56)],
    "genuine in order, then a forged fragment across their boundary": [("G", 0, 24), ("G", 24, 48), ("F", 16, 40), ("G", 48, 56)],
    "genuine in order, then the same bytes across their boundary": [("G", 0, 24), ("G", 24, 48), ("G", 16, 40), ("G", 48, 56)],
    "genuine out of order, then a forged one over two runs": [("G", 24, 48), ("G", 0, 24), ("F", 16, 32), ("G", 48, 56)],
    "genuine out of order, then the same bytes over two runs": [("G", 24, 48), ("G", 0, 24), ("G", 16, 32), ("G", 48, 56)],
    "genuine in order, then a forged one inside their run": [("G", 0, 24), ("G", 24, 48), ("F", 24, 40), ("G", 48, 56)],
}
RX, TX = "frag-policy-rx", "frag-policy-tx"


def sh(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True)


def setup():
    teardown()
    sh("ip", "netns", "add", RX)
    sh("ip", "netns", "add", TX)
    sh("ip", "link", "add", "fragp-tx", "netns", TX, "type", "veth", "peer", "name", "fragp-rx", "netns", RX)
    for ns, dev, v4, v6 in ((TX, "fragp-tx", "10.99.0.1/24", "fd99::1/64"), (RX, "fragp-rx", "10.99.0.2/24", "fd99::2/64")):
        sh("ip", "-n", ns, "addr", "add", v4, "dev", dev)
        sh("ip", "-n", ns, "addr", "add", v6, "dev", dev, "nodad")
        sh("ip", "-n", ns, "link", "set", dev, "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")


def teardown():
    sh("ip", "netns", "del", RX, check=False)
    sh("ip", "netns", "del", TX, check=False)


SENDER = r'''
import sys, time
from scapy.all import Ether, IP, IPv6, IPv6ExtHdrFragment, UDP, Raw, sendp, raw
v6, spec, ident, mac = sys.argv[1] == "6", eval(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
data = {"G": b"GENUINE-" * 6, "F": b"FORGED!!" * 6}
dst = "fd99::2" if v6 else "10.99.0.2"
for label, start, end in spec:
    body = raw(UDP(sport=4000, dport=5000, len=56, chksum=0) / Raw(data[label]))[start:end]
    more = end < 56
    if v6:
        pkt = IPv6(src="fd99::1", dst=dst) / IPv6ExtHdrFragment(nh=17, offset=start // 8, m=int(more), id=ident) / Raw(body)
    else:
        pkt = IP(src="10.99.0.1", dst=dst, proto=17, id=ident, flags="MF" if more else 0, frag=start // 8) / Raw(body)
    sendp(Ether(dst=mac) / pkt, iface="fragp-tx", verbose=False)
time.sleep(0.2)
end = (IPv6(src="fd99::1", dst=dst) if v6 else IP(src="10.99.0.1", dst=dst)) / UDP(sport=4000, dport=5000) / Raw(b"END")
sendp(Ether(dst=mac) / end, iface="fragp-tx", verbose=False)
'''

RECEIVER = r'''
import socket, sys
s = socket.socket(socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET, socket.SOCK_DGRAM)
# No UDP checksum (a forged datagram would fail one made over the genuine bytes); IPv6 must be told to take that.
if sys.argv[1] == "6":
    s.setsockopt(socket.IPPROTO_UDP, 102, 1)  # UDP_NO_CHECK6_RX
s.bind(("::" if sys.argv[1] == "6" else "0.0.0.0", 5000))
print("READY", flush=True)
s.settimeout(30)
got = []
while (data := s.recv(100)) != b"END":
    got.append(data.decode())
print(" + ".join(got) or "(nothing: datagram dropped)")
'''


def receiver_mac():
    return sh("ip", "-n", RX, "-o", "link", "show", "fragp-rx").stdout.split("link/ether ")[1].split()[0]


def run(version, spec, ident):
    rx = subprocess.Popen(["ip", "netns", "exec", RX, "/usr/bin/python3", "-c", RECEIVER, version],
                          stdout=subprocess.PIPE, text=True)
    rx.stdout.readline()
    sh("ip", "netns", "exec", TX, "/usr/bin/python3", "-c", SENDER, version, repr(spec), str(ident), receiver_mac())
    return rx.communicate()[0].strip()


def main():
    setup()
    try:
        print(f"kernel {sh('uname', '-r').stdout.strip()}")
        ident = 0x7100
        for version in ("4", "6"):
            for name, spec in PATTERNS.items():
                ident += 1
                print(f"IPv{version} {name}: {run(version, spec, ident)}")
    finally:
        teardown()


if __name__ == "__main__":
    sys.exit(main())
