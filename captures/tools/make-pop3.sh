#!/bin/bash
# POP3 captures: real Dovecot 2.3 (setup-servers.sh), clients curl and scripted python (mailbox_client.py).
source "$(dirname "$0")/lib.sh"
cd /tmp
MC=("$PY" "$TOOLS/mailbox_client.py")
CURL=(curl -sS -o /dev/null)

# USER/PASS in the clear (scripted: CAPA, USER, PASS, STAT, QUIT)
cap_start pop3-user-pass-cleartext 'tcp port 110'
"${MC[@]}" pop3-user 127.0.0.1 110 "$BOB" "$BOB_PW"
cap_stop

# APOP (curl computes MD5(timestamp+password) from Dovecot's greeting)
cap_start pop3-apop 'tcp port 110'
"${CURL[@]}" pop3://127.0.0.1/ -u "$BOB:$BOB_PW" --login-options AUTH=+APOP
cap_stop

# AUTH PLAIN in the clear (curl)
cap_start pop3-auth-plain-cleartext 'tcp port 110'
"${CURL[@]}" pop3://127.0.0.1/ -u "$ALICE:$ALICE_PW" --login-options AUTH=PLAIN
cap_stop

# AUTH CRAM-MD5 (curl)
cap_start pop3-auth-cram-md5 'tcp port 110'
"${CURL[@]}" pop3://127.0.0.1/ -u "$BOB:$BOB_PW" --login-options AUTH=CRAM-MD5
cap_stop

# clean STLS: curl --ssl-reqd, AUTH PLAIN inside TLS
cap_start pop3-stls-clean 'tcp port 110'
"${CURL[@]}" --ssl-reqd -k pop3://127.0.0.1/ -u "$ALICE:$ALICE_PW" --login-options AUTH=PLAIN
cap_stop

# STLS removed: same proxy address 127.0.0.2:110, pass (clean STLS) then strip (curl --ssl falls back
# to AUTH PLAIN in the clear). Client leg only.
cap_start pop3-stls-stripped-removed 'host 127.0.0.2 and tcp port 110'
proxy_start pop3 pass 127.0.0.2:110 127.0.0.1:110
"${CURL[@]}" --ssl-reqd -k pop3://127.0.0.2/ -u "$ALICE:$ALICE_PW" --login-options AUTH=PLAIN
proxy_stop
proxy_start pop3 strip 127.0.0.2:110 127.0.0.1:110
"${CURL[@]}" --ssl -k pop3://127.0.0.2/ -u "$ALICE:$ALICE_PW" --login-options AUTH=PLAIN
proxy_stop
cap_stop

# STLS answered -ERR by the proxy; curl --ssl carries on with AUTH PLAIN in the clear
cap_start pop3-stls-rejected 'host 127.0.0.2 and tcp port 110'
proxy_start pop3 reject 127.0.0.2:110 127.0.0.1:110
"${CURL[@]}" --ssl -k pop3://127.0.0.2/ -u "$ALICE:$ALICE_PW" --login-options AUTH=PLAIN
proxy_stop
cap_stop

# STLS overwritten with XXXA in CAPA; scripted USER/PASS in the clear
cap_start pop3-stls-mangled 'host 127.0.0.2 and tcp port 110'
proxy_start pop3 mangle 127.0.0.2:110 127.0.0.1:110
"${MC[@]}" pop3-user 127.0.0.2 110 "$BOB" "$BOB_PW"
proxy_stop
cap_stop
