#!/bin/bash
# IP fragment captures: real sessions (smtp-auth-plain-cleartext.pcap and smtp-ipv6.pcap from
# make-smtp.sh: swaks against the loopback Postfix) with the client's segments rewritten as IP
# fragments by fragment_capture.py (Debian's python3-scapy); the TCP bytes are the captured ones,
# but for the forged fragments of the two conflict cases. Run after make-smtp.sh.
source "$(dirname "$0")/lib.sh"
cd "$CAPDIR"
for mode in inorder reversed duplicates overlap-same tiny conflict-first conflict-drop flood; do
  "$PY" "$TOOLS/fragment_capture.py" "$mode" smtp-auth-plain-cleartext.pcap "smtp-frag-$mode.pcap"
done
"$PY" "$TOOLS/fragment_capture.py" ipv6-reversed smtp-ipv6.pcap smtp-ipv6-frag-reversed.pcap
chmod 644 smtp-frag-*.pcap smtp-ipv6-frag-reversed.pcap
