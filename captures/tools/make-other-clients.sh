#!/bin/bash
# Captures made with clients and servers other than swaks/curl/s_client against Postfix/Dovecot:
# fetchmail, msmtp, python's imaplib, GNU SASL's gsasl, openssl s_client with a TLS version the
# server refuses, aiosmtpd as a second SMTP server and a second Dovecot instance offering SCRAM.
# Loopback only; Postfix/Dovecot from setup-servers.sh.
source "$(dirname "$0")/lib.sh"
cd /tmp
need=()
for pkg in fetchmail msmtp python3-aiosmtpd gsasl; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
if ((${#need[@]})); then apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; fi
SERVER_PID=
stop_server() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; }
trap 'stop_server; cleanup' EXIT

# fetchmail (OpenSSL, certificate checking on by default) upgrades with STARTTLS, gets Dovecot's
# ServerHello, refuses the self-signed certificate with a fatal unknown_ca alert and resets.
RC=$(mktemp); chmod 600 "$RC"
printf 'poll 127.0.0.1 proto imap user "%s" password "%s"\n' "$BOB" "$BOB_PW" > "$RC"
cap_start imap-starttls-cert-refused 'tcp port 143'
fetchmail -v -k --nosyslog -f "$RC" --mda "cat >/dev/null" || true   # exits 2: the TLS error
cap_stop
rm -f "$RC"

# openssl s_client offers only TLSv1.3 to Postfix's TLSv1-only listener: the server answers the
# ClientHello with a fatal protocol_version alert and closes.
cap_start smtp-starttls-version-refused 'tcp port 2625'
(sleep 1; printf 'QUIT\r\n'; sleep 0.5) | openssl s_client -quiet -starttls smtp -connect 127.0.0.1:2625 -tls1_3 || true
cap_stop

# msmtp (GnuTLS build, no TLS): EHLO, AUTH PLAIN, then MAIL/RCPT/RCPT/DATA pipelined in one write.
cap_start smtp-msmtp-pipelined 'tcp port 587'
printf 'From: %s\nTo: %s\nSubject: msmtp capture\n\nHello Bob and Carol.\n' "$ALICE" "bob@example.test" \
  | msmtp --host=127.0.0.1 --port=587 --tls=off --auth=plain --user="$ALICE" --passwordeval="echo $ALICE_PW" \
      --from="$ALICE" --domain=client.example.test bob@example.test carol@example.test
cap_stop

# python imaplib: LOGIN with a wrong password (NO [AUTHENTICATIONFAILED]), then the right one.
cap_start imap-login-failed-then-ok 'tcp port 143'
"$PY" "$TOOLS/imaplib_client.py" login-retry 127.0.0.1 143 "$ALICE" "wrong pass" "$ALICE_PW"
cap_stop

# aiosmtpd on 127.0.0.1:2525 (no STARTTLS at all): swaks AUTH LOGIN and a message in the clear.
"$PY" "$TOOLS/aiosmtpd_server.py" 127.0.0.1 2525 > /tmp/aiosmtpd.out 2>/tmp/aiosmtpd.log &
SERVER_PID=$!
for i in $(seq 1 50); do grep -q READY /tmp/aiosmtpd.out 2>/dev/null && break; sleep 0.1; done
cap_start smtp-aiosmtpd-no-starttls 'tcp port 2525'
swaks --server 127.0.0.1:2525 --auth LOGIN --auth-user "$ALICE" --auth-password "$ALICE_PW" "${SWAKS_COMMON[@]}" >/dev/null
cap_stop

# dumpcap on two interfaces into one pcapng: lo (Ethernet) filtered to the aiosmtpd session on
# 2525, any (Linux cooked v1) to a Postfix session on 2600. libpcap (tcpdump too) stops at the first
# frame of the second link type; dumpcap writes each interface's frames in chunks.
rm -f "$CAPDIR/smtp-two-interfaces.pcapng"
dumpcap -q -i lo -f 'tcp port 2525' -i any -f 'tcp port 2600' -w "$CAPDIR/smtp-two-interfaces.pcapng" 2>/tmp/dumpcap.log &
DUMPCAP_PID=$!
for i in $(seq 1 50); do grep -q "^File:" /tmp/dumpcap.log 2>/dev/null && break; sleep 0.1; done
sleep 1
swaks --server 127.0.0.1:2525 --auth PLAIN --auth-user "$ALICE" --auth-password "$ALICE_PW" "${SWAKS_COMMON[@]}" >/dev/null
swaks --server 127.0.0.1:2600 --auth LOGIN --auth-user "$ALICE" --auth-password "$ALICE_PW" --quit-after AUTH \
  --ehlo client.example.test >/dev/null
sleep 1
kill -INT "$DUMPCAP_PID"; wait "$DUMPCAP_PID" || true
chmod 644 "$CAPDIR/smtp-two-interfaces.pcapng"
echo "== smtp-two-interfaces.pcapng: $(stat -c %s "$CAPDIR/smtp-two-interfaces.pcapng") bytes; connections (interface client > server):"
tshark -r "$CAPDIR/smtp-two-interfaces.pcapng" -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' \
  -T fields -e frame.interface_name -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport 2>/dev/null | sed 's/^/    /'
stop_server

# msmtp AUTH NTLM (GNU SASL/libntlm: NetNTLMv1) to aiosmtpd offering NTLM as Exchange does, on 127.0.0.1:2527.
"$PY" "$TOOLS/aiosmtpd_server.py" 127.0.0.1 2527 ntlm > /tmp/aiosmtpd.out 2>/tmp/aiosmtpd.log &
SERVER_PID=$!
for i in $(seq 1 50); do grep -q READY /tmp/aiosmtpd.out 2>/dev/null && break; sleep 0.1; done
cap_start smtp-auth-ntlm 'tcp port 2527'
printf 'From: %s\nTo: %s\nSubject: ntlm capture\n\nHello Bob.\n' "$ALICE" "bob@example.test" \
  | msmtp --host=127.0.0.1 --port=2527 --tls=off --auth=ntlm --user=alice --passwordeval="echo $ALICE_PW" \
      --from="$ALICE" --domain=client.example.test bob@example.test
cap_stop
stop_server

# A second Dovecot (own base_dir, IMAP on 127.0.0.1:20143 only) offering SCRAM-SHA-1/-256 in the
# clear; gsasl --imap logs in with SCRAM-SHA-256 (no SASL-IR: an empty "+" comes first).
DC2=$(mktemp -d); chmod 755 "$DC2"
cat > "$DC2/dovecot.conf" <<CONF
base_dir = $DC2/run
instance_name = dovecot-scram
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = </etc/sensor-test/mail.pem
ssl_key = </etc/sensor-test/mail.key
disable_plaintext_auth = no
auth_mechanisms = plain scram-sha-1 scram-sha-256
log_path = $DC2/dovecot.log
$DOVECOT_USERS_CONF
service imap-login {
  inet_listener imap {
    port = 20143
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
CONF
dovecot -c "$DC2/dovecot.conf"
for i in $(seq 1 50); do ss -ltn | grep -q '127.0.0.1:20143 ' && break; sleep 0.1; done
cap_start imap-authenticate-scram-sha-256 'tcp port 20143'
gsasl --imap --connect=127.0.0.1:20143 --no-starttls --mechanism=SCRAM-SHA-256 \
  --authentication-id="$BOB" --password="$BOB_PW" </dev/null >/dev/null
cap_stop
doveadm -c "$DC2/dovecot.conf" stop
rm -rf "$DC2"
