#!/bin/bash
# Captures through real proxy software from Debian's packages (not our striptls_proxy.py):
# stunnel4, Postfix's postscreen and perdition (see below), and nginx's mail proxy (nginx-light + libnginx-mod-mail) in front of the loopback Dovecot (143, 110)
# and Postfix (25). nginx answers with its OWN greeting and capability list, authenticates the
# client itself (auth_http, answered here by nginx's own http block), then logs in upstream in
# plaintext. With "starttls off" its capability list has no STARTTLS although Dovecot/Postfix behind
# it offer one: what a client sees through such a box. Both legs are captured (nginx listens on
# 127.0.0.4:111xx; the upstream leg is nginx -> 127.0.0.1:143/110/25), only while one client runs,
# so the captures hold no other helper's traffic on those ports (checked by the SYN list printed).
source "$(dirname "$0")/lib.sh"
cd /tmp
need=()
for pkg in nginx-light libnginx-mod-mail; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
if ((${#need[@]})); then apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; fi
WORK=$(mktemp -d); chmod 755 "$WORK"
NGINX_PID=
trap '[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null; sleep 0.3; rm -rf "$WORK"; cleanup' EXIT
CURL=(curl -sS -o /dev/null)

# auth_http: every login is accepted and sent to the loopback test server of its protocol.
cat > "$WORK/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_mail_module.so;
daemon off;
master_process off;
pid $WORK/nginx.pid;
error_log $WORK/error.log info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $WORK; proxy_temp_path $WORK; fastcgi_temp_path $WORK; uwsgi_temp_path $WORK; scgi_temp_path $WORK;
  server {
    listen 127.0.0.4:18080;
    location /imap { add_header Auth-Status OK; add_header Auth-Server 127.0.0.1; add_header Auth-Port 143; return 204; }
    location /pop3 { add_header Auth-Status OK; add_header Auth-Server 127.0.0.1; add_header Auth-Port 110; return 204; }
    location /smtp { add_header Auth-Status OK; add_header Auth-Server 127.0.0.1; add_header Auth-Port 25; return 204; }
  }
}
mail {
  server_name proxy.example.test;
  ssl_certificate /etc/sensor-test/mail.pem;
  ssl_certificate_key /etc/sensor-test/mail.key;
  server { listen 127.0.0.4:11143; protocol imap; starttls off; auth_http 127.0.0.4:18080/imap; }
  server { listen 127.0.0.4:11144; protocol imap; starttls on;  auth_http 127.0.0.4:18080/imap; }
  server { listen 127.0.0.4:11110; protocol pop3; starttls off; auth_http 127.0.0.4:18080/pop3; }
  server { listen 127.0.0.4:11025; protocol smtp; starttls off; xclient off; smtp_auth login plain; auth_http 127.0.0.4:18080/smtp; }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK" &
NGINX_PID=$!
for i in $(seq 1 50); do ss -ltn | grep -q "127.0.0.4:11025 " && break; sleep 0.1; done

# starttls off: curl --ssl (opportunistic) sees no STARTTLS from nginx and sends AUTHENTICATE PLAIN
# in the clear; nginx then sends LOGIN to Dovecot (which offered STARTTLS in its greeting) in the clear.
cap_start imap-nginx-starttls-off 'tcp port 11143 or tcp port 143'
"${CURL[@]}" --ssl imap://127.0.0.4:11143/ -u "$BOB:$BOB_PW"
cap_stop

# starttls on: the client leg is a clean STARTTLS session (nginx's own certificate and TLS);
# the upstream leg is still LOGIN in the clear.
cap_start imap-nginx-starttls-on 'tcp port 11144 or tcp port 143'
"${CURL[@]}" --ssl-reqd -k imap://127.0.0.4:11144/ -u "$BOB:$BOB_PW"
cap_stop

# POP3, starttls off: nginx's CAPA has no STLS; USER/PASS in the clear on both legs.
cap_start pop3-nginx-starttls-off 'tcp port 11110 or tcp port 110'
"${CURL[@]}" --ssl pop3://127.0.0.4:11110/ -u "$BOB:$BOB_PW"
cap_stop

# SMTP, starttls off: nginx's EHLO reply has no STARTTLS; swaks --tls-optional sends AUTH PLAIN and
# the message in the clear; nginx relays the message to Postfix on 25 (EHLO, no STARTTLS, no AUTH).
cap_start smtp-nginx-starttls-off 'tcp port 11025 or tcp port 25'
swaks --server 127.0.0.4:11025 --tls-optional --auth PLAIN --auth-user "$ALICE" --auth-password "$ALICE_PW" "${SWAKS_COMMON[@]}" >/dev/null
cap_stop
kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=

# ------------------------------------------------------------------------------------ stunnel4
# stunnel 5.68 (stunnel4): a client-mode service with "protocol = smtp" takes plaintext SMTP on
# 127.0.0.4:11026 and does EHLO + STARTTLS itself towards Postfix on 25; a server-mode service wraps
# the plaintext Dovecot IMAP on 143 in implicit TLS on 127.0.0.4:993.
dpkg -s stunnel4 >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends stunnel4
cat > "$WORK/stunnel.conf" <<CONF
foreground = yes
pid =
[smtp-starttls-upstream]
client = yes
accept = 127.0.0.4:11026
connect = 127.0.0.1:25
protocol = smtp
[imaps]
accept = 127.0.0.4:993
connect = 127.0.0.1:143
cert = /etc/sensor-test/mail.pem
key = /etc/sensor-test/mail.key
CONF
stunnel "$WORK/stunnel.conf" >"$WORK/stunnel.log" 2>&1 &
NGINX_PID=$!   # the one proxy process the EXIT trap stops
for i in $(seq 1 50); do ss -ltn | grep -q "127.0.0.4:993 " && break; sleep 0.1; done

# Client leg: Postfix's own banner passed through, then the EHLO reply Postfix gives inside TLS (no
# STARTTLS, AUTH listed): swaks --tls-optional sends AUTH PLAIN and a message in the clear to the box;
# the upstream leg is a clean STARTTLS session from stunnel.
cap_start smtp-stunnel-starttls-upstream 'tcp port 11026 or tcp port 25'
swaks --server 127.0.0.4:11026 --tls-optional --auth PLAIN --auth-user "$ALICE" --auth-password "$ALICE_PW" "${SWAKS_COMMON[@]}" >/dev/null
cap_stop

# Implicit TLS (imaps) on port 993 of another address, LOGIN inside it; stunnel's upstream leg carries the
# LOGIN to Dovecot in the clear.
cap_start imap-stunnel-implicit-tls 'tcp port 993 or tcp port 143'
"${CURL[@]}" -k imaps://127.0.0.4:993/ -u "$BOB:$BOB_PW" --login-options AUTH=PLAIN
cap_stop
kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=

# ------------------------------------------------------------------------------------ postscreen
# Postfix's postscreen in front of smtpd, in a second Postfix instance of its own (main.cf of the
# test Postfix, own queue/data directories, banner host screen.example.test) on 127.0.0.1:11027
# (Postfix only binds addresses an interface has). Pre-greet test (a "220-" line, 2 s wait, then
# "220 "), and the deep protocol tests: postscreen answers EHLO itself (no PIPELINING) and, once
# the client got past RCPT, says 450 4.3.2; the next connection goes to the real smtpd.
PF=$WORK/postfix
mkdir -p "$PF/conf" "$PF/spool" "$PF/data"; chown postfix "$PF/data"
cp /etc/postfix/main.cf "$PF/conf/"
postconf -c "$PF/conf" -e "queue_directory=$PF/spool" "data_directory=$PF/data" inet_interfaces=127.0.0.1 \
  inet_protocols=ipv4 myhostname=screen.example.test syslog_name=postfix-screen "maillog_file=$PF/maillog" \
  "maillog_file_prefixes=$PF" smtpd_sasl_auth_enable=no postscreen_access_list= postscreen_greet_action=enforce \
  postscreen_greet_wait=2s postscreen_pipelining_enable=yes postscreen_non_smtp_command_enable=yes \
  postscreen_bare_newline_enable=yes postscreen_tls_security_level=may "postscreen_cache_map=btree:$PF/data/postscreen_cache"
{ echo "127.0.0.1:11027 inet n - n - 1 postscreen"
  echo "smtpd pass - - n - - smtpd"
  echo "tlsproxy unix - - n - 0 tlsproxy"
  echo "dnsblog unix - - n - 0 dnsblog"
  for s in "pickup unix n - n 60 1" "cleanup unix n - n - 0" "qmgr unix n - n 300 1" "tlsmgr unix - - n 1000? 1" \
           "rewrite unix - - n - - trivial-rewrite" "bounce unix - - n - 0" "defer unix - - n - 0 bounce" \
           "trace unix - - n - 0 bounce" "verify unix - - n - 1" "flush unix n - n 1000? 0" "proxymap unix - - n - -" \
           "smtp unix - - n - -" "showq unix n - n - -" "error unix - - n - -" "retry unix - - n - - error" \
           "discard unix - - n - -" "anvil unix - - n - 1" "scache unix - - n - 1" "postlog unix-dgram n - n - 1 postlogd"; do
    set -- $s; [ $# -eq 7 ] && echo "$s $1" || echo "$s"
  done; } > "$PF/conf/master.cf"
postfix -c "$PF/conf" start >/dev/null
trap 'postfix -c "$PF/conf" stop >/dev/null 2>&1; sleep 0.5; rm -rf "$WORK"; cleanup' EXIT
for i in $(seq 1 50); do ss -ltn | grep -q "127.0.0.1:11027 " && break; sleep 0.1; done

# 1) swaks in the clear: pre-greeting, postscreen's own EHLO reply (STARTTLS listed), 450 at RCPT;
# 2) the same again, now handed to smtpd: the message in the clear; 3) swaks --tls: clean STARTTLS.
cap_start smtp-postscreen 'tcp port 11027'
swaks --server 127.0.0.1:11027 "${SWAKS_COMMON[@]}" >/dev/null 2>&1 || true
swaks --server 127.0.0.1:11027 "${SWAKS_COMMON[@]}" >/dev/null
swaks --server 127.0.0.1:11027 --tls "${SWAKS_COMMON[@]}" >/dev/null
cap_stop

# A client (from 127.0.0.5, which postscreen has not seen) that sends EHLO before the greeting:
# postscreen sends only the "220-" line, then the EHLO reply; MAIL+RCPT sent without PIPELINING
# get "250" and "550 5.5.1 Protocol error".
cap_start smtp-postscreen-pregreet 'tcp port 11027'
"$PY" - <<'PY'
import socket, time
s = socket.create_connection(("127.0.0.1", 11027), source_address=("127.0.0.5", 0))
s.settimeout(1)
def send(data, wait):
    s.sendall(data); time.sleep(wait)
    try:
        while s.recv(4096): pass
    except OSError: pass
send(b"EHLO early.example.test\r\n", 3)
send(b"MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n", 1)
send(b"QUIT\r\n", 0.5)
PY
cap_stop
postfix -c "$PF/conf" stop >/dev/null 2>&1 || true

# ------------------------------------------------------------------------------------ perdition
# perdition 2.2 (IMAP4 proxy; every user to 127.0.0.1:143, no map library): greets with its own
# "* OK [CAPABILITY IMAP4 IMAP4REV1 ...] perdition ready on 127.0.0.4 ..." and logs in upstream itself.
dpkg -s perdition >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends perdition
perdition_start() {  # perdition_start PORT SSL_MODE
  perdition.imap4 -P IMAP4 -b 127.0.0.4 -l "$1" -s 127.0.0.1 -p 143 --no_daemon --pid_file "" -M "" \
    --ssl_mode "$2" --ssl_cert_file /etc/sensor-test/mail.pem --ssl_key_file /etc/sensor-test/mail.key \
    --ssl_no_cert_verify --ssl_no_cn_verify >"$WORK/perdition.log" 2>&1 &
  for i in $(seq 1 50); do ss -ltn | grep -q "127.0.0.4:$1 " && break; sleep 0.1; done
  # perdition forks its listener even with --no_daemon: stop that process, found by its port.
  NGINX_PID=$(ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
}
trap '[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null; sleep 0.3; rm -rf "$WORK"; cleanup' EXIT

# tls_listen: STARTTLS offered to the client (curl --ssl-reqd: TLS 1.3 after a HelloRetryRequest,
# perdition asks for a client certificate); perdition's LOGIN to Dovecot in the clear.
perdition_start 12143 tls_listen
cap_start imap-perdition-starttls 'tcp port 12143 or tcp port 143'
"${CURL[@]}" --ssl-reqd -k imap://127.0.0.4:12143/ -u "$BOB:$BOB_PW"
cap_stop
kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=

# tls_outgoing: perdition does STARTTLS towards Dovecot and lists no STARTTLS to its client;
# curl --ssl (opportunistic) sends LOGIN in the clear to the box.
perdition_start 12144 tls_outgoing
cap_start imap-perdition-tls-outgoing 'tcp port 12144 or tcp port 143'
"${CURL[@]}" --ssl imap://127.0.0.4:12144/ -u "$BOB:$BOB_PW"
cap_stop
