#!/bin/bash
# Link-type / file-format variants, and a capture with no mail at all.
# - no-mail.pcap, smtp-auth-plain-sll2.pcap, smtp-auth-plain-nanosecond.pcap: real, fresh sessions.
# - smtp-auth-plain-cleartext-{bigendian,rawip,null,vlan,truncated}.pcap and smtp-auth-plain-cleartext.pcapng:
#   derived packet for packet from smtp-auth-plain-cleartext.pcap (make-smtp.sh) with pcap_rewrite.py
#   and Wireshark's editcap.
source "$(dirname "$0")/lib.sh"
cd /tmp
SW=(swaks "${SWAKS_COMMON[@]}")
AUTH_ALICE=(--auth-user "$ALICE" --auth-password "$ALICE_PW")

# an HTTP transfer and nothing else
mkdir -p /tmp/sensor-http && echo "hello, not mail" > /tmp/sensor-http/index.html
"$PY" -m http.server 8080 --bind 127.0.0.1 --directory /tmp/sensor-http >/tmp/http.log 2>&1 &
HTTP_PID=$!
sleep 1
cap_start no-mail 'tcp port 8080'
curl -sS -o /dev/null http://127.0.0.1:8080/index.html
cap_stop
kill "$HTTP_PID"; wait "$HTTP_PID" 2>/dev/null || true

# Linux cooked v2 (tcpdump -i any on Debian 12 writes LINUX_SLL2)
cap_start smtp-auth-plain-sll2 'tcp port 587' -i any
"${SW[@]}" --server 127.0.0.1:587 --auth PLAIN "${AUTH_ALICE[@]}"
cap_stop
tcpdump -r "$CAPDIR/smtp-auth-plain-sll2.pcap" -c1 -e 2>&1 | head -2

# nanosecond timestamps
cap_start smtp-auth-plain-nanosecond 'tcp port 587' --time-stamp-precision=nano
"${SW[@]}" --server 127.0.0.1:587 --auth PLAIN "${AUTH_ALICE[@]}"
cap_stop

# derived from smtp-auth-plain-cleartext.pcap
SRC=$CAPDIR/smtp-auth-plain-cleartext.pcap
for op in bigendian rawip null vlan; do
  "$PY" "$TOOLS/pcap_rewrite.py" "$op" "$SRC" "$CAPDIR/smtp-auth-plain-cleartext-$op.pcap"
done
"$PY" "$TOOLS/pcap_rewrite.py" truncate "$SRC" "$CAPDIR/smtp-auth-plain-cleartext-truncated.pcap"
editcap -F pcapng "$SRC" "$CAPDIR/smtp-auth-plain-cleartext.pcapng"
chmod 644 "$CAPDIR"/smtp-auth-plain-cleartext*
for f in "$CAPDIR"/smtp-auth-plain-cleartext* "$CAPDIR"/smtp-auth-plain-sll2.pcap "$CAPDIR"/smtp-auth-plain-nanosecond.pcap; do
  echo "== $(basename "$f"): $(file -b "$f")"
done
