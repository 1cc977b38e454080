#!/bin/bash
# TCP tricks an on-path attacker plays, on real sessions: a real Postfix/Dovecot session captured on
# lo, then forge_segments.py (Debian's python3-scapy) writes it as a span port sees it (checksums as
# sent) with the attacker's packets added. The urgent-data capture is a real client sending MSG_OOB.
# Run from anywhere; needs root.
source "$(dirname "$0")/lib.sh"
cd /tmp
SW=(swaks "${SWAKS_COMMON[@]}")
AUTH_ALICE=(--auth-user "$ALICE" --auth-password "$ALICE_PW")
FORGE=("$PY" "$TOOLS/forge_segments.py")

# forge MODE NAME: the real capture NAME-real.pcap becomes NAME.pcap with the forged packets
forge() {
  "${FORGE[@]}" "$1" "$CAPDIR/$2-real.pcap" "$CAPDIR/$2.pcap"
  rm -f "$CAPDIR/$2-real.pcap"
  chmod 644 "$CAPDIR/$2.pcap"
}

# 1. injection race, the stripped EHLO reply first: the client took the real one (it sent STARTTLS)
cap_start smtp-race-stripped-first-real 'tcp port 587'
"${SW[@]}" --server 127.0.0.1:587 --tls --auth PLAIN "${AUTH_ALICE[@]}"
cap_stop
forge race-first smtp-race-stripped-first

# 2. injection race, the real EHLO reply second: the client took the stripped one (an opportunistic
#    client really got it through striptls_proxy.py strip-padded and sent AUTH PLAIN in the clear)
proxy_start smtp strip-padded 127.0.0.2:587 127.0.0.1:587
cap_start smtp-race-stripped-believed-real 'tcp port 587'
"${SW[@]}" --server 127.0.0.2:587 --tls-optional --auth PLAIN "${AUTH_ALICE[@]}"
cap_stop
proxy_stop
forge race-after smtp-race-stripped-believed

# 3. the stripped EHLO reply first, with a bad TCP checksum: the client's stack dropped it
cap_start smtp-forged-bad-checksum-real 'tcp port 587'
"${SW[@]}" --server 127.0.0.1:587 --tls --auth PLAIN "${AUTH_ALICE[@]}"
cap_stop
forge badsum smtp-forged-bad-checksum

# 4. a RST from the server's side inside the client's window, not at its next sequence number,
#    just before LOGIN: the client's stack answers with a challenge ACK and the session goes on
cap_start imap-rst-in-window-real 'tcp port 143'
"$PY" "$TOOLS/mailbox_client.py" imap-quoted 127.0.0.1 143 "$BOB" "$BOB_PW"
cap_stop
forge rst imap-rst-in-window

# 5. LOGIN whose password has one urgent byte (MSG_OOB) in it: Dovecot checks it without that byte
cap_start imap-urgent-login 'tcp port 143'
"$PY" "$TOOLS/urgent_client.py" 127.0.0.1 143 "$BOB" "$BOB_PW"
cap_stop
