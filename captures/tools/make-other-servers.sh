#!/bin/bash
# Captures made against servers none of the other scripts use: OpenSMTPD 6.8, Cyrus IMAP/POP3 3.6,
# Courier IMAP/POP3 5.0/1.0, Dovecot's submission service and GNU Mailutils' imap4d/pop3d, with clients not used elsewhere (isync's mbsync, offlineimap3) beside
# curl, swaks and openssl s_client. Each server's Debian package conflicts with Postfix or Dovecot
# (mail-transport-agent, imap-server, pop3-server), so none is installed: apt-get download + dpkg -x
# into a temp dir (as make-exim.sh does), only their libraries come from apt. Non-default ports on
# 127.0.0.1, so other captures filtered on 25/143/110 never see this traffic:
#   OpenSMTPD 2526, Cyrus IMAP 2143 / POP3 2110, Courier IMAP 3143 (3144 broken TLS) / POP3 3110,
#   Dovecot submission 2587 (relaying to OpenSMTPD), GNU Mailutils imap4d 4143 / pop3d 4110.
source "$(dirname "$0")/lib.sh"
cd /tmp
need=()
for pkg in mailutils-imap4d mailutils-pop3d isync offlineimap3 sasl2-bin libical3 courier-authdaemon courier-authlib-userdb libcourier-unicode4 \
           libgamin0 gnutls-bin libevent-2.1-7 libdb5.3 dovecot-submissiond; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; fi
WORK=$(mktemp -d); chmod 755 "$WORK"
PIDS=()
stop_all() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/cyrus/master.pid" ] && kill "$(cat "$WORK/cyrus/master.pid")" 2>/dev/null || true
  for f in "$WORK"/courier/*.pid "$WORK"/mailutils/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  [ -n "${AUTHDAEMON:-}" ] && authdaemond stop >/dev/null 2>&1 || true
  [ -f "$WORK/submission/run/master.pid" ] && doveadm -c "$WORK/submission/dovecot.conf" stop 2>/dev/null || true
  sleep 0.5; rm -rf "$WORK"
}
trap 'stop_all; cleanup' EXIT
(cd "$WORK" && apt-get download -q opensmtpd cyrus-common cyrus-imapd cyrus-pop3d courier-base courier-imap courier-pop >/dev/null \
  && for f in *.deb; do dpkg -x "$f" root; done)
ROOT=$WORK/root
wait_port() { for i in $(seq 1 50); do ss -ltn | grep -q "127.0.0.1:$1 " && return; sleep 0.1; done; echo "port $1 not listening" >&2; exit 1; }
SWAKS_MSG=(--ehlo client.example.test --from "$ALICE" --to bob@example.test
           --header "Subject: sensor capture test" --body "Hello Bob, this is a capture test.")

# ------------------------------------------------------------------------------------ OpenSMTPD
# Debian's OpenSMTPD 6.8 signs in a separate privsep process through an engine OpenSSL 3 no longer
# calls: every handshake ends with the server's internal_error alert (RSA and ECDSA keys alike).
# AUTH is offered only inside TLS (OpenSMTPD never lists it in the clear).
for name in opensmtpd opensmtpq; do id -g $name >/dev/null 2>&1 || addgroup --system $name >/dev/null; done
for name in opensmtpd opensmtpq; do
  id $name >/dev/null 2>&1 || adduser --system --home /var/lib/opensmtpd/empty --no-create-home \
    --disabled-password --ingroup $name $name >/dev/null 2>&1
done
mkdir -p /var/lib/opensmtpd/empty "$WORK/smtpd"
printf '%s %s\n' "$ALICE" "$("$ROOT/usr/libexec/opensmtpd/encrypt" "$ALICE_PW")" > "$WORK/smtpd/creds"
cat > "$WORK/smtpd/smtpd.conf" <<CONF
pki smtpd.example.test cert "/etc/sensor-test/mail.pem"
pki smtpd.example.test key "/etc/sensor-test/mail.key"
table creds file:$WORK/smtpd/creds
table vusers { "@" = nobody }
listen on 127.0.0.1 port 2526 tls pki smtpd.example.test hostname smtpd.example.test auth-optional <creds>
action "sink" mda "/bin/cat > /dev/null" virtual <vusers>
match from any for any action "sink"
CONF
"$ROOT/usr/sbin/smtpd" -d -f "$WORK/smtpd/smtpd.conf" >"$WORK/smtpd/log" 2>&1 &
PIDS+=($!)
wait_port 2526

# A message in the clear (STARTTLS offered, not used), then a client that sends AUTH PLAIN although
# the server lists no AUTH before TLS: 503, but the password has crossed all the same.
cap_start smtp-opensmtpd-cleartext 'tcp port 2526'
swaks --server 127.0.0.1:2526 "${SWAKS_MSG[@]}" >/dev/null
"$PY" "$TOOLS/smtp_client.py" blind-auth 127.0.0.1 2526 2>/dev/null
cap_stop

# swaks --tls and openssl s_client -starttls smtp: 220 to STARTTLS, ClientHello, then the server's
# fatal internal_error alert in the clear.
cap_start smtp-opensmtpd-tls-alert 'tcp port 2526'
swaks --server 127.0.0.1:2526 --tls "${SWAKS_MSG[@]}" >/dev/null 2>&1 || true
(sleep 1; printf 'QUIT\r\n') | openssl s_client -quiet -starttls smtp -connect 127.0.0.1:2526 >/dev/null 2>&1 || true
cap_stop

# A proxy on the server's own port (127.0.0.2:2526, as an intercepting box answers) deletes STARTTLS
# from OpenSMTPD's EHLO reply, both legs captured: the opportunistic client sends its message in the clear.
proxy_start smtp strip 127.0.0.2:2526 127.0.0.1:2526
cap_start smtp-opensmtpd-strip-removed 'tcp port 2526'
swaks --server 127.0.0.2:2526 --tls-optional "${SWAKS_MSG[@]}" >/dev/null
cap_stop
proxy_stop

# ------------------------------------------------------------------------------------ Cyrus
# Cyrus 3.6 under its own master process, SASL users in a sasldb (sasl2-bin's saslpasswd2, realm =
# servername), APOP allowed. The greeting names the host and lists capabilities; after login the
# tagged OK carries a new [CAPABILITY ...] list.
id cyrus >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /var/spool/cyrus --gid mail \
  --shell /usr/sbin/nologin cyrus
CY=$WORK/cyrus
mkdir -p "$CY/conf" "$CY/spool"
# Its own self-signed certificate with the address as a name: mbsync checks the host name even for
# a certificate it was told to trust, and only against DNS names (hence DNS:127.0.0.1).
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=cyrus.example.test \
  -addext "subjectAltName=DNS:cyrus.example.test,DNS:127.0.0.1,IP:127.0.0.1" -keyout "$CY/mail.key" -out "$CY/mail.pem" 2>/dev/null
cat > "$CY/imapd.conf" <<CONF
configdirectory: $CY/conf
partition-default: $CY/spool
defaultpartition: default
servername: cyrus.example.test
admins: cyrus
allowplaintext: yes
allowapop: yes
unixhierarchysep: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $CY/sasldb2
sasl_mech_list: PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1
tls_server_cert: $CY/mail.pem
tls_server_key: $CY/mail.key
CONF
BIN=$ROOT/usr/lib/cyrus/bin
cat > "$CY/cyrus.conf" <<CONF
START {
  recover cmd="$BIN/ctl_cyrusdb -r -C $CY/imapd.conf"
}
SERVICES {
  imap cmd="$BIN/imapd -C $CY/imapd.conf" listen="127.0.0.1:2143" prefork=0
  pop3 cmd="$BIN/pop3d -C $CY/imapd.conf" listen="127.0.0.1:2110" prefork=0
}
EVENTS {
}
CONF
for u in "$BOB:$BOB_PW" "alice:$ALICE_PW" "cyrus:cyrus-admin-pw"; do
  printf '%s' "${u#*:}" | saslpasswd2 -p -c -f "$CY/sasldb2" -u cyrus.example.test "${u%%:*}"
done
chown -R cyrus:mail "$CY"; chmod 600 "$CY/mail.key"
LD_LIBRARY_PATH=$ROOT/usr/lib/x86_64-linux-gnu "$BIN/master" -C "$CY/imapd.conf" -M "$CY/cyrus.conf" \
  -p "$CY/master.pid" -d -L "$CY/master.log"
wait_port 2143; wait_port 2110
"$PY" - <<PYEOF
import imaplib
m = imaplib.IMAP4("127.0.0.1", 2143)
m.login("cyrus", "cyrus-admin-pw")
for u in ("bob", "alice"):
    m.create("user/" + u)
m.logout()
PYEOF

# mbsync (isync) configuration: remote INBOX on a server, local Maildir; SSLType None|STARTTLS.
MB=$WORK/mbsync
mbsync_run() {  # PORT USER PASS SSLTYPE AUTHMECHS (the server's certificate in $SERVER_CERT)
  rm -rf "$MB"; mkdir -p "$MB/mail"; cp "$SERVER_CERT" "$MB/cert.pem"
  cat > "$MB/rc" <<CONF
IMAPAccount acct
Host 127.0.0.1
Port $1
User $2
Pass $3
SSLType $4
AuthMechs $5
CertificateFile $MB/cert.pem

IMAPStore remote
Account acct

MaildirStore local
Path $MB/mail/
Inbox $MB/mail/INBOX

Channel ch
Far :remote:
Near :local:
Patterns INBOX
Create Near
SyncState *
CONF
  mbsync -q -c "$MB/rc" -a
}
# Clean upgrades of one server: IMAP by mbsync, curl and s_client; POP3 by curl and s_client (no CAPA).
imap_starttls_clean() {  # NAME PORT
  cap_start "$1" "tcp port $2"
  mbsync_run "$2" "$BOB" "$BOB_PW" STARTTLS PLAIN
  curl -s --ssl-reqd -k "imap://127.0.0.1:$2/" -u "$BOB:$BOB_PW" --login-options AUTH=PLAIN >/dev/null
  (sleep 1; printf 'a1 LOGOUT\r\n'; sleep 0.5) | openssl s_client -quiet -starttls imap -connect "127.0.0.1:$2" >/dev/null 2>&1 || true
  cap_stop
}
pop3_stls_clean() {  # NAME PORT
  cap_start "$1" "tcp port $2"
  curl -s --ssl-reqd -k "pop3://127.0.0.1:$2/" -u "$BOB:$BOB_PW" --login-options AUTH=PLAIN >/dev/null
  (sleep 1; printf 'QUIT\r\n'; sleep 0.5) | openssl s_client -quiet -starttls pop3 -connect "127.0.0.1:$2" >/dev/null 2>&1 || true
  cap_stop
}

# offlineimap3 (imaplib2): one IMAP -> Maildir sync; STARTTLS yes|no, one SASL mechanism.
OI=$WORK/offlineimap
offlineimap_run() {  # PORT USER PASS STARTTLS MECH
  rm -rf "$OI"; mkdir -p "$OI/mail"
  cat > "$OI/rc" <<CONF
[general]
accounts = acct
metadata = $OI/meta
[Account acct]
localrepository = L
remoterepository = R
[Repository L]
type = Maildir
localfolders = $OI/mail
[Repository R]
type = IMAP
remotehost = 127.0.0.1
remoteport = $1
remoteuser = $2
remotepass = $3
ssl = no
starttls = $4
sslcacertfile = $SERVER_CERT
auth_mechanisms = $5
CONF
  offlineimap -c "$OI/rc" -o -u quiet
}

SERVER_CERT=$CY/mail.pem
# Clean STARTTLS: mbsync (AUTHENTICATE PLAIN inside TLS), curl --ssl-reqd, openssl s_client.
imap_starttls_clean imap-cyrus-starttls-clean 2143

# mbsync with SSLType None and AuthMechs LOGIN: the LOGIN command in the clear.
cap_start imap-cyrus-mbsync-login 'tcp port 2143'
mbsync_run 2143 "$BOB" "$BOB_PW" None LOGIN
cap_stop

# offlineimap3 without STARTTLS, AUTHENTICATE CRAM-MD5.
cap_start imap-cyrus-offlineimap-cram-md5 'tcp port 2143'
offlineimap_run 2143 alice "$ALICE_PW" no CRAM-MD5
cap_stop

# curl AUTHENTICATE LOGIN (no SASL-IR for LOGIN) and DIGEST-MD5 in the clear.
cap_start imap-cyrus-authenticate-login-digest 'tcp port 2143'
curl -s "imap://127.0.0.1:2143/" -u "$BOB:$BOB_PW" --login-options AUTH=LOGIN >/dev/null
curl -s "imap://127.0.0.1:2143/" -u "alice:$ALICE_PW" --login-options AUTH=DIGEST-MD5 >/dev/null
cap_stop

# A proxy that deletes STARTTLS from Cyrus's greeting and CAPABILITY: curl --ssl (opportunistic)
# logs in in the clear; mbsync (SSLType STARTTLS) refuses to go on without it.
proxy_start imap strip 127.0.0.1:12143 127.0.0.1:2143
cap_start imap-cyrus-strip-removed 'tcp port 12143'
curl -s --ssl "imap://127.0.0.1:12143/" -u "$BOB:$BOB_PW" --login-options AUTH=PLAIN >/dev/null
mbsync_run 12143 "$BOB" "$BOB_PW" STARTTLS PLAIN 2>/dev/null || true
cap_stop
proxy_stop

# POP3: clean STLS (curl, s_client), APOP, USER/PASS, AUTH LOGIN.
pop3_stls_clean pop3-cyrus-stls-clean 2110
cap_start pop3-cyrus-apop 'tcp port 2110'
curl -s "pop3://127.0.0.1:2110/" -u "$BOB:$BOB_PW" --login-options AUTH=+APOP >/dev/null
cap_stop
cap_start pop3-cyrus-user-login 'tcp port 2110'
"$PY" "$TOOLS/mailbox_client.py" pop3-user 127.0.0.1 2110 "$BOB" "$BOB_PW" 2>/dev/null
curl -s "pop3://127.0.0.1:2110/" -u "alice:$ALICE_PW" --login-options AUTH=LOGIN >/dev/null
cap_stop
# A proxy that answers STLS itself with -ERR: curl --ssl carries on with AUTH PLAIN in the clear.
proxy_start pop3 reject 127.0.0.1:12110 127.0.0.1:2110
cap_start pop3-cyrus-stls-rejected 'tcp port 12110'
curl -s --ssl "pop3://127.0.0.1:12110/" -u "$BOB:$BOB_PW" --login-options AUTH=PLAIN >/dev/null
cap_stop
proxy_stop
# TLS 1.2 (openssl s_client -tls1_2): a full handshake, then one resumed from its saved session
# (abbreviated: the server's ChangeCipherSpec comes first), then POP3 STLS with a CBC suite.
cap_start imap-pop3-cyrus-tls12 'tcp port 2143 or tcp port 2110'
(sleep 1; printf 'a1 LOGOUT\r\n'; sleep 0.5) | openssl s_client -quiet -starttls imap -tls1_2 -connect 127.0.0.1:2143 \
  -sess_out "$WORK/tls12.session" >/dev/null 2>&1 || true
(sleep 1; printf 'a1 LOGOUT\r\n'; sleep 0.5) | openssl s_client -quiet -starttls imap -tls1_2 -connect 127.0.0.1:2143 \
  -sess_in "$WORK/tls12.session" >/dev/null 2>&1 || true
(sleep 1; printf 'QUIT\r\n'; sleep 0.5) | openssl s_client -quiet -starttls pop3 -tls1_2 -cipher ECDHE-RSA-AES128-SHA \
  -connect 127.0.0.1:2110 >/dev/null 2>&1 || true
cap_stop

# curl --sasl-ir: AUTHENTICATE LOGIN / AUTH LOGIN with the user name as the initial response.
cap_start imap-pop3-cyrus-sasl-ir-login 'tcp port 2143 or tcp port 2110'
curl -s --sasl-ir "imap://127.0.0.1:2143/" -u "$BOB:$BOB_PW" --login-options AUTH=LOGIN >/dev/null
curl -s --sasl-ir "pop3://127.0.0.1:2110/" -u "alice:$ALICE_PW" --login-options AUTH=LOGIN >/dev/null
cap_stop

# ------------------------------------------------------------------------------------ Courier
# Courier-IMAP 5.0.13 and Courier POP3 1.0.16 under couriertcpd, STARTTLS through couriertls
# (GnuTLS), users in a userdb (crypt and HMAC-MD5 secrets, so CRAM-MD5 works) served by the packaged
# courier-authdaemon with authmodulelist="authuserdb". The greeting lists capabilities without a
# host name; AUTH=PLAIN is offered only after STARTTLS.
CO=$WORK/courier
mkdir -p "$CO"
sed -i 's/^authmodulelist=.*/authmodulelist="authuserdb"/' /etc/courier/authdaemonrc
for u in "$BOB:$BOB_PW" "alice:$ALICE_PW"; do
  n=${u%%:*}; p=${u#*:}
  mkdir -p "$CO/home/$n"; "$ROOT/usr/bin/maildirmake.courier" "$CO/home/$n/Maildir"
  userdb "$n" set uid=8 gid=8 home="$CO/home/$n" mail="$CO/home/$n/Maildir"
  printf '%s\n%s\n' "$p" "$p" | userdbpw | userdb "$n" set systempw
  printf '%s\n%s\n' "$p" "$p" | userdbpw -hmac-md5 | userdb "$n" set hmac-md5pw
done
chown -R 8:8 "$CO/home"; makeuserdb
authdaemond stop >/dev/null 2>&1 || true; authdaemond start; AUTHDAEMON=1
# couriertls runs unprivileged and wants key and certificate in one file; a throw-away pair.
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=courier.example.test \
  -addext "subjectAltName=DNS:courier.example.test,DNS:127.0.0.1,IP:127.0.0.1" -keyout "$CO/key.pem" -out "$CO/cert.pem" 2>/dev/null
cat "$CO/key.pem" "$CO/cert.pem" > "$CO/server.pem"; chmod 644 "$CO/server.pem"
openssl dhparam -dsaparam -out "$CO/dh.pem" 2048 2>/dev/null
export TLS_CERTFILE=$CO/server.pem TLS_DHPARAMS=$CO/dh.pem COURIERTLS=$ROOT/usr/bin/couriertls MAILDIRPATH=Maildir
(
  export IMAP_CAPABILITY="IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE AUTH=CRAM-MD5"
  export IMAP_CAPABILITY_TLS="$IMAP_CAPABILITY AUTH=PLAIN" IMAP_STARTTLS=YES IMAP_TLS_REQUIRED=0
  "$ROOT/usr/sbin/couriertcpd" -address=127.0.0.1 -pid="$CO/imapd.pid" -stderr=syslog -maxprocs=20 3143 \
    "$ROOT/usr/lib/courier/courier/imaplogin" "$ROOT/usr/bin/imapd" Maildir &
  export POP3AUTH="LOGIN CRAM-MD5" POP3AUTH_TLS="LOGIN PLAIN CRAM-MD5" POP3_STARTTLS=YES POP3_TLS_REQUIRED=0
  "$ROOT/usr/sbin/couriertcpd" -address=127.0.0.1 -pid="$CO/pop3d.pid" -stderr=syslog -maxprocs=20 3110 \
    "$ROOT/usr/lib/courier/courier/courierpop3login" "$ROOT/usr/lib/courier/courier/courierpop3d" Maildir &
)
wait_port 3143; wait_port 3110
SERVER_CERT=$CO/cert.pem

# Clean STARTTLS: mbsync (AUTHENTICATE PLAIN, offered only inside TLS), curl, openssl s_client.
imap_starttls_clean imap-courier-starttls-clean 3143

# In the clear: curl AUTHENTICATE CRAM-MD5, then mbsync's LOGIN command.
cap_start imap-courier-cram-md5-login 'tcp port 3143'
curl -s "imap://127.0.0.1:3143/" -u "$BOB:$BOB_PW" --login-options AUTH=CRAM-MD5 >/dev/null
mbsync_run 3143 alice "$ALICE_PW" None LOGIN
cap_stop

# A proxy that overwrites STARTTLS with XXXXXXXA: offlineimap3 (starttls = yes, which it only
# uses when offered) carries on in the clear with CRAM-MD5.
proxy_start imap mangle 127.0.0.1:13143 127.0.0.1:3143
cap_start imap-courier-strip-mangled 'tcp port 13143'
offlineimap_run 13143 "$BOB" "$BOB_PW" yes CRAM-MD5
cap_stop
proxy_stop

# POP3: clean STLS (curl, s_client); CRAM-MD5 and USER/PASS in the clear.
pop3_stls_clean pop3-courier-stls-clean 3110
cap_start pop3-courier-cram-md5-user 'tcp port 3110'
curl -s "pop3://127.0.0.1:3110/" -u "$BOB:$BOB_PW" --login-options AUTH=CRAM-MD5 >/dev/null
"$PY" "$TOOLS/mailbox_client.py" pop3-user 127.0.0.1 3110 alice "$ALICE_PW" 2>/dev/null
cap_stop

# RFC 2449 PIPELINING (Courier offers it): USER and PASS in one write, then STAT, LIST, RETR 1 and
# QUIT in one (Courier loses commands pipelined behind PASS: its pop3d starts afresh after login).
# The message in bob's Maildir has lines that look like POP3 replies and a dot-stuffed line.
printf 'From: alice@example.test\nTo: bob@example.test\nSubject: pipelined\n\n+OK not a reply\n-ERR nor this\n.\n..two dots\nend\n' \
  > "$CO/home/$BOB/Maildir/new/1700000000.M1P1.capture"
chown 8:8 "$CO/home/$BOB/Maildir/new/1700000000.M1P1.capture"
cap_start pop3-courier-pipelined 'tcp port 3110'
"$PY" "$TOOLS/mailbox_client.py" pop3-pipelined 127.0.0.1 3110 "$BOB" "$BOB_PW" 2>/dev/null
cap_stop

# A proxy on 127.0.0.2:3110: relays a clean STLS session, then (restarted to strip) deletes STLS
# from CAPA; curl --ssl falls back to AUTH LOGIN in the clear.
cap_start pop3-courier-stls-stripped 'tcp port 3110 and host 127.0.0.2'
proxy_start pop3 pass 127.0.0.2:3110 127.0.0.1:3110
curl -s --ssl-reqd -k "pop3://127.0.0.2:3110/" -u "$BOB:$BOB_PW" --login-options AUTH=PLAIN >/dev/null
proxy_stop
proxy_start pop3 strip 127.0.0.2:3110 127.0.0.1:3110
curl -s --ssl "pop3://127.0.0.2:3110/" -u "$BOB:$BOB_PW" --login-options AUTH=LOGIN >/dev/null
cap_stop
proxy_stop

# Courier-IMAP whose couriertls cannot read its key (root-only file): it accepts STARTTLS, reads the
# ClientHello, then writes its failure in plaintext ("NO STARTTLS failed: ... Permission denied").
cp "$CO/server.pem" "$CO/unreadable.pem"; chmod 600 "$CO/unreadable.pem"
(
  export IMAP_CAPABILITY="IMAP4rev1 UIDPLUS CHILDREN NAMESPACE IDLE AUTH=CRAM-MD5" IMAP_STARTTLS=YES IMAP_TLS_REQUIRED=0
  export TLS_CERTFILE=$CO/unreadable.pem
  "$ROOT/usr/sbin/couriertcpd" -address=127.0.0.1 -pid="$CO/imapd-broken.pid" -stderr=syslog -maxprocs=20 3144 \
    "$ROOT/usr/lib/courier/courier/imaplogin" "$ROOT/usr/bin/imapd" Maildir &
)
wait_port 3144
cap_start imap-courier-starttls-server-failed 'tcp port 3144'
(sleep 1; printf 'a1 LOGOUT\r\n'; sleep 0.5) | openssl s_client -quiet -starttls imap -connect 127.0.0.1:3144 >/dev/null 2>&1 || true
cap_stop

# ------------------------------------------------------------------------------------ Dovecot submission
# Dovecot 2.3's submission service (dovecot-submissiond) as a second instance on 127.0.0.1:2587,
# relaying to the OpenSMTPD above (never to Postfix's ports, which other captures filter on).
DS=$WORK/submission
mkdir -p "$DS"
cat > "$DS/dovecot.conf" <<CONF
base_dir = $DS/run
instance_name = dovecot-submission
protocols = submission
listen = 127.0.0.1
hostname = submission.example.test
ssl = yes
ssl_cert = </etc/sensor-test/mail.pem
ssl_key = </etc/sensor-test/mail.key
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5
log_path = $DS/dovecot.log
submission_relay_host = 127.0.0.1
submission_relay_port = 2526
submission_relay_trusted = yes
$DOVECOT_USERS_CONF
service submission-login {
  inet_listener submission {
    port = 2587
  }
}
CONF
dovecot -c "$DS/dovecot.conf"
wait_port 2587
# AUTH PLAIN and a message in the clear; AUTH CRAM-MD5; a clean STARTTLS session with a message.
cap_start smtp-dovecot-submission 'tcp port 2587'
swaks --server 127.0.0.1:2587 --auth PLAIN --auth-user "$ALICE" --auth-password "$ALICE_PW" "${SWAKS_MSG[@]}" >/dev/null
swaks --server 127.0.0.1:2587 --auth CRAM-MD5 --auth-user "$BOB" --auth-password "$BOB_PW" --quit-after AUTH \
  --ehlo client.example.test >/dev/null
swaks --server 127.0.0.1:2587 --tls --auth PLAIN --auth-user "$ALICE" --auth-password "$ALICE_PW" "${SWAKS_MSG[@]}" >/dev/null
cap_stop
# curl's SMTP client: AUTH LOGIN with the user name as initial response (--sasl-ir), one message.
printf 'From: %s\r\nTo: bob@example.test\r\nSubject: curl capture\r\n\r\nHello Bob.\r\n' "$ALICE" > "$DS/message.txt"
cap_start smtp-dovecot-submission-curl 'tcp port 2587'
curl -s --sasl-ir "smtp://127.0.0.1:2587/" -u "$ALICE:$ALICE_PW" --login-options AUTH=LOGIN \
  --mail-from "$ALICE" --mail-rcpt bob@example.test -T "$DS/message.txt"
cap_stop
# OpenSMTPD's own client, smtp(1) (opportunistic STARTTLS, -C: any certificate): a clean session,
# then through a box on 127.0.0.2:2587 that deletes STARTTLS (both legs): smtp(1) refuses to
# authenticate without TLS ("Authentication requires TLS") and sends nothing else.
cap_start smtp-opensmtpd-client-stripped 'tcp port 2587'
printf 'Subject: smtp(1) capture\n\nHello Bob.\n' | "$ROOT/usr/bin/smtp" -C -F "$ALICE" -H client.example.test \
  -s "smtp://$BOB:$BOB_PW@127.0.0.1:2587" bob@example.test >/dev/null
proxy_start smtp strip 127.0.0.2:2587 127.0.0.1:2587
printf 'Subject: smtp(1) capture\n\nHello Bob.\n' | "$ROOT/usr/bin/smtp" -C -F "$ALICE" -H client.example.test \
  -s "smtp://$BOB:$BOB_PW@127.0.0.2:2587" bob@example.test >/dev/null 2>&1 || true
cap_stop
proxy_stop
doveadm -c "$DS/dovecot.conf" stop

# ------------------------------------------------------------------------------------ GNU Mailutils
# imap4d and pop3d 3.15 (mailutils-imap4d/-pop3d install beside Dovecot: no conflict, started here
# only) in daemon mode with STARTTLS/STLS, users in a virtual-domain passwd file (SHA-512 crypt,
# "generic" authentication), logging in as user@example.test. The IMAP greeting is a bare
# "* OK IMAP4rev1"; the POP3 greeting carries an APOP timestamp, but no APOP secrets are set up.
MU=$WORK/mailutils
mkdir -p "$MU/vdomain" "$MU/home/$BOB" "$MU/home/alice"; chown 8:8 "$MU/home/$BOB" "$MU/home/alice"
{ echo "$BOB:$(openssl passwd -6 "$BOB_PW"):8:8::$MU/home/$BOB:/bin/false"
  echo "alice:$(openssl passwd -6 "$ALICE_PW"):8:8::$MU/home/alice:/bin/false"; } > "$MU/vdomain/example.test"
for d in imap4d:4143 pop3d:4110; do
  cat > "$MU/${d%%:*}.conf" <<CONF
logging { syslog no; }
mode daemon;
foreground yes;
pidfile $MU/${d%%:*}.pid;
auth {
  authorization virtdomain;
  authentication generic;
}
virtdomain {
  passwd-dir $MU/vdomain;
}
tls-file-checks {
  key-file none;
  cert-file none;
  ca-file none;
}
tls {
  ssl-certificate-file /etc/sensor-test/mail.pem;
  ssl-key-file /etc/sensor-test/mail.key;
}
mailbox {
  mailbox-pattern "mbox://$MU/home/\${user}/inbox";
}
server 127.0.0.1:${d#*:} {
  tls-mode stls;
}
CONF
  "${d%%:*}" --config-file="$MU/${d%%:*}.conf" >"$MU/${d%%:*}.log" 2>&1 &
  wait_port "${d#*:}"
done
# IMAP: the LOGIN command in the clear, then clean STARTTLS (curl AUTHENTICATE LOGIN inside, s_client).
cap_start imap-mailutils 'tcp port 4143'
"$PY" "$TOOLS/mailbox_client.py" imap-quoted 127.0.0.1 4143 "$BOB@example.test" "$BOB_PW" 2>/dev/null
curl -s --ssl-reqd -k "imap://127.0.0.1:4143/" -u "$BOB@example.test:$BOB_PW" --login-options AUTH=LOGIN >/dev/null
(sleep 1; printf 'a1 LOGOUT\r\n'; sleep 0.5) | openssl s_client -quiet -starttls imap -connect 127.0.0.1:4143 >/dev/null 2>&1 || true
cap_stop
# POP3: USER/PASS in the clear; APOP in the clear, refused (no APOP secret); clean STLS (curl, whose
# APOP inside TLS is refused too; curl 7.88 takes no AUTH=+LOGIN for USER/PASS).
cap_start pop3-mailutils 'tcp port 4110'
"$PY" "$TOOLS/mailbox_client.py" pop3-user 127.0.0.1 4110 "alice@example.test" "$ALICE_PW" 2>/dev/null
curl -s "pop3://127.0.0.1:4110/" -u "$BOB@example.test:$BOB_PW" --login-options AUTH=+APOP >/dev/null || true
curl -s --ssl-reqd -k "pop3://127.0.0.1:4110/" -u "$BOB@example.test:$BOB_PW" >/dev/null || true
cap_stop
