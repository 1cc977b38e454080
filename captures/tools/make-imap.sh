#!/bin/bash
# IMAP captures: real Dovecot 2.3 (setup-servers.sh), clients curl and scripted python (mailbox_client.py).
source "$(dirname "$0")/lib.sh"
cd /tmp
MC=("$PY" "$TOOLS/mailbox_client.py")
CURL=(curl -sS -o /dev/null)

# LOGIN command with quoted strings in the clear (two sessions: alice, bob)
cap_start imap-login-cleartext 'tcp port 143'
"${MC[@]}" imap-quoted 127.0.0.1 143 "$ALICE" "$ALICE_PW"
"${MC[@]}" imap-quoted 127.0.0.1 143 "$BOB" "$BOB_PW"
cap_stop

# LOGIN with synchronizing literals {N} (waits for "+"), then LITERAL+ {N+} in one write
cap_start imap-login-literal 'tcp port 143'
"${MC[@]}" imap-literal 127.0.0.1 143 "$ALICE" "$ALICE_PW"
"${MC[@]}" imap-literal-plus 127.0.0.1 143 "$BOB" "$BOB_PW"
cap_stop

# AUTHENTICATE PLAIN with SASL-IR (curl)
cap_start imap-authenticate-plain 'tcp port 143'
"${CURL[@]}" imap://127.0.0.1/ -u "$ALICE:$ALICE_PW" --login-options AUTH=PLAIN
cap_stop

# AUTHENTICATE CRAM-MD5 (curl)
cap_start imap-authenticate-cram-md5 'tcp port 143'
"${CURL[@]}" imap://127.0.0.1/ -u "$BOB:$BOB_PW" --login-options AUTH=CRAM-MD5
cap_stop

# non-standard port 10143: LOGIN quoted in the clear (detect IMAP by its greeting)
cap_start imap-nonstandard-port 'tcp port 10143'
"${MC[@]}" imap-quoted 127.0.0.1 10143 "$ALICE" "$ALICE_PW"
cap_stop

# clean STARTTLS: curl --ssl-reqd, AUTHENTICATE PLAIN inside TLS
cap_start imap-starttls-clean 'tcp port 143'
"${CURL[@]}" --ssl-reqd -k imap://127.0.0.1/ -u "$ALICE:$ALICE_PW" --login-options AUTH=PLAIN
cap_stop

# STARTTLS removed: same proxy address 127.0.0.2:143 -> 127.0.0.1:143, first pass mode (curl --ssl-reqd,
# clean), then strip mode (opportunistic curl --ssl finds no STARTTLS and authenticates in the clear).
# Client leg only.
cap_start imap-strip-removed 'host 127.0.0.2 and tcp port 143'
proxy_start imap pass 127.0.0.2:143 127.0.0.1:143
"${CURL[@]}" --ssl-reqd -k imap://127.0.0.2/ -u "$ALICE:$ALICE_PW" --login-options AUTH=PLAIN
proxy_stop
proxy_start imap strip 127.0.0.2:143 127.0.0.1:143
"${CURL[@]}" --ssl -k imap://127.0.0.2/ -u "$ALICE:$ALICE_PW" --login-options AUTH=PLAIN
proxy_stop
cap_stop

# stripped session with no earlier knowledge of the server: AUTHENTICATE LOGIN in the clear
cap_start imap-strip-absent-unknown 'host 127.0.0.3 and tcp port 143'
proxy_start imap strip 127.0.0.3:143 127.0.0.1:143
"${CURL[@]}" --ssl -k imap://127.0.0.3/ -u "$BOB:$BOB_PW" --login-options AUTH=LOGIN
proxy_stop
cap_stop

# STARTTLS overwritten with XXXXXXXA in greeting and CAPABILITY; curl --ssl logs in in the clear
cap_start imap-strip-mangled 'host 127.0.0.2 and tcp port 143'
proxy_start imap mangle 127.0.0.2:143 127.0.0.1:143
"${CURL[@]}" --ssl -k imap://127.0.0.2/ -u "$ALICE:$ALICE_PW" --login-options AUTH=PLAIN
proxy_stop
cap_stop

# the proxy answers STARTTLS with "NO" itself; curl --ssl carries on in the clear
cap_start imap-starttls-rejected 'host 127.0.0.2 and tcp port 143'
proxy_start imap reject 127.0.0.2:143 127.0.0.1:143
"${CURL[@]}" --ssl -k imap://127.0.0.2/ -u "$ALICE:$ALICE_PW" --login-options AUTH=PLAIN
proxy_stop
cap_stop

# LOGIN with a quoted password that needs escaping: carol / pa"ss\word sent as "pa\"ss\\word"
cap_start imap-login-escaped 'tcp port 143'
"${MC[@]}" imap-quoted 127.0.0.1 143 "$CAROL" "$CAROL_PW"
cap_stop
