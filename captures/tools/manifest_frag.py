"""Manifest entries of the IP fragment captures (make-fragments.sh): each is a real session whose
client segments were rewritten as IP fragments; what the sensor must read is what a Linux receiver
reassembles. The ip-fragment-overlap-conflict anomalies are asserted by the replay tests."""
from build_manifest import smtp, cred, MAIL, ALICE

FORGED = "mallo@example.test"
HOW = "tools/make-fragments.sh: fragment_capture.py {mode} of smtp-auth-plain-cleartext.pcap"
SESSION = [smtp(587, auth=[("PLAIN", ALICE)], messages=1)]
FOUND = [cred(0, "smtp-auth-plain", ALICE), MAIL(0)]

SPEC = [
    ("smtp-frag-inorder.pcap", HOW.format(mode="inorder"),
     "Every client segment with data as 24-byte IPv4 fragments in order; AUTH PLAIN and a message in the clear.",
     SESSION, FOUND),
    ("smtp-frag-reversed.pcap", HOW.format(mode="reversed"),
     "Every client segment as IPv4 fragments, last fragment first.", SESSION, FOUND),
    ("smtp-frag-duplicates.pcap", HOW.format(mode="duplicates"),
     "Every fragment twice, then the whole set again: duplicates with the same bytes, dropped.", SESSION, FOUND),
    ("smtp-frag-overlap-same.pcap", HOW.format(mode="overlap-same"),
     "32-byte fragments every 16 bytes: each overlaps the next with the same bytes; no anomaly.", SESSION, FOUND),
    ("smtp-frag-tiny.pcap", HOW.format(mode="tiny"),
     "8-byte fragments: the first holds 8 bytes of the TCP header (RFC 1858 tiny fragments); reassembled as a receiver does.",
     SESSION, FOUND),
    ("smtp-frag-conflict-first.pcap", HOW.format(mode="conflict-first"),
     "Forged fragments naming mallo@example.test arrive before the genuine ones at the same offsets: a Linux "
     "receiver keeps the first (duplicates inside a run), so mallo is the user read; anomaly ip-fragment-overlap-conflict.",
     [smtp(587, auth=[("PLAIN", FORGED)], messages=1)], [cred(0, "smtp-auth-plain", FORGED), MAIL(0)]),
    ("smtp-frag-conflict-drop.pcap", HOW.format(mode="conflict-drop"),
     "A forged fragment straddles two genuine ones with other bytes: the datagram is dropped (RFC 5722, Linux); "
     "the whole segment retransmitted 200 ms later carries alice; anomaly ip-fragment-overlap-conflict.",
     SESSION, FOUND),
    ("smtp-frag-flood.pcap", HOW.format(mode="flood"),
     "6000 tiny first fragments that never finish around the AUTH segment's fragments: the fragment memory cap "
     "evicts the oldest, the AUTH datagram is whole in time.", SESSION, FOUND),
    ("smtp-ipv6-frag-reversed.pcap", "tools/make-fragments.sh: fragment_capture.py ipv6-reversed of smtp-ipv6.pcap",
     "AUTH LOGIN over IPv6, every client segment in 24-byte Fragment-header fragments, last first.",
     [smtp(587, auth=[("LOGIN", ALICE)], messages=1)], [cred(0, "smtp-auth-login", ALICE), MAIL(0)]),
]
