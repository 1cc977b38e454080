#!/bin/bash
# Captures of both sides of the wire, of non-mail flows on mail ports, and of exact credentials.
# Each capture filters on a loopback address of its own (127.0.0.61-64), so nothing else on lo is in it.
#   - server side: striptls_proxy.py listens on 127.0.0.61 and connects upstream from 127.0.0.62
#     (--source); only the proxy->server leg (host 127.0.0.62) is captured: what a sensor beside
#     the server sees.
#   - non-mail: curl POSTs an HTTP request whose body holds a STARTTLS/STLS line, from 127.0.0.63.
#   - exact credentials: dave / 'Ünïcødé-Pä55\x' and erin / caf\xe9-Pa55 (not UTF-8), from 127.0.0.64.
source "$(dirname "$0")/lib.sh"
cd /tmp
MC=("$PY" "$TOOLS/mailbox_client.py")
CURL=(curl -sS -o /dev/null)
PROXY=127.0.0.61
UP=127.0.0.62
WEB=127.0.0.63
SRC=127.0.0.64
DAVE=dave
DAVE_PW='Ünïcødé-Pä55\x'
ERIN=erin
ERIN_PW=$(printf 'caf\351-Pa55')

# ---- server side: the client's STARTTLS/STLS overwritten on the way (XXXXXXXA / XXXX)
cap_start smtp-server-side-mangled-command "host $UP and tcp port 25"
proxy_start smtp mangle-command $PROXY:25 127.0.0.1:25 --source $UP
swaks --server $PROXY:25 --tls-optional --auth PLAIN --auth-user "$ALICE" --auth-password "$ALICE_PW" \
      "${SWAKS_COMMON[@]}" >/dev/null 2>&1 || true
proxy_stop
cap_stop

# curl_mangled PROTO PORT: curl --ssl (falls back to the clear) through mangle-command, AUTH PLAIN
curl_mangled() {
  cap_start "$1-server-side-mangled-command" "host $UP and tcp port $2"
  proxy_start "$1" mangle-command $PROXY:"$2" 127.0.0.1:"$2" --source $UP
  "${CURL[@]}" --ssl -k "$1://$PROXY/" -u "$ALICE:$ALICE_PW" --login-options AUTH=PLAIN || true
  proxy_stop
  cap_stop
}
curl_mangled imap 143
curl_mangled pop3 110

# ---- server side: the same client used STARTTLS before (proxy pass), then the offer is removed on
# its side (proxy strip) and it logs in in the clear; the server's side still shows STARTTLS offered.
cap_start smtp-server-side-not-shown "host $UP and tcp port 587"
proxy_start smtp pass $PROXY:587 127.0.0.1:587 --source $UP
swaks --server $PROXY:587 --tls --auth PLAIN --auth-user "$ALICE" --auth-password "$ALICE_PW" --quit-after AUTH >/dev/null 2>&1
proxy_stop
proxy_start smtp strip $PROXY:587 127.0.0.1:587 --source $UP
swaks --server $PROXY:587 --tls-optional --auth PLAIN --auth-user "$ALICE" --auth-password "$ALICE_PW" \
      --quit-after AUTH >/dev/null 2>&1
proxy_stop
cap_stop

# curl_not_shown PROTO PORT: curl --ssl-reqd through pass, then curl --ssl through strip, AUTH PLAIN
curl_not_shown() {
  cap_start "$1-server-side-not-shown" "host $UP and tcp port $2"
  local mode tls
  for mode in pass strip; do
    tls=--ssl-reqd; [ $mode = strip ] && tls=--ssl
    proxy_start "$1" $mode $PROXY:"$2" 127.0.0.1:"$2" --source $UP
    "${CURL[@]}" $tls -k "$1://$PROXY/" -u "$ALICE:$ALICE_PW" --login-options AUTH=PLAIN
    proxy_stop
  done
  cap_stop
}
curl_not_shown imap 143
curl_not_shown pop3 110

# ---- not mail: HTTP POSTs whose bodies hold STARTTLS/STLS (and AUTH) lines, to Postfix on 25 and
# on 2600 (a port nothing names) and to Dovecot's POP3; each server refuses the request line.
BODY=$(printf 'hello\r\nSTARTTLS\r\nAUTH PLAIN %s\r\n' "$(printf '\0alice@example.test\0S3cret-Pa55' | base64)")
cap_start smtp-http-post-port25 "host $WEB and tcp port 25"
"${CURL[@]}" --interface $WEB -m 5 -X POST --data-binary "$BODY" http://127.0.0.1:25/ || true
cap_stop

cap_start smtp-http-post-port2600 "host $WEB and tcp port 2600"
"${CURL[@]}" --interface $WEB -m 5 -X POST --data-binary "$BODY" http://127.0.0.1:2600/ || true
cap_stop

cap_start pop3-http-post "host $WEB and tcp port 110"
"${CURL[@]}" --interface $WEB -m 5 -X POST --data-binary "$(printf 'STLS\r\nUSER bob\r\nPASS hunter2\r\n')" http://127.0.0.1:110/ || true
cap_stop

# ---- exact credentials: a backslash and non-ASCII letters; a password that is not UTF-8
cap_start smtp-auth-unicode "host $SRC and tcp port 587"
swaks --server 127.0.0.1:587 -li $SRC --auth PLAIN --auth-user "$DAVE" --auth-password "$DAVE_PW" --quit-after AUTH >/dev/null 2>&1
swaks --server 127.0.0.1:587 -li $SRC --auth LOGIN --auth-user "$DAVE" --auth-password "$DAVE_PW" --quit-after AUTH >/dev/null 2>&1
cap_stop

cap_start imap-login-unicode "host $SRC and tcp port 143"
MAILBOX_CLIENT_SOURCE=$SRC "${MC[@]}" imap-quoted 127.0.0.1 143 "$DAVE" "$DAVE_PW"
cap_stop

cap_start pop3-user-pass-unicode "host $SRC and tcp port 110"
MAILBOX_CLIENT_SOURCE=$SRC "${MC[@]}" pop3-user 127.0.0.1 110 "$DAVE" "$DAVE_PW"
MAILBOX_CLIENT_SOURCE=$SRC "${MC[@]}" pop3-user 127.0.0.1 110 "$ERIN" "$ERIN_PW"
cap_stop
