#!/bin/bash
# Installs and configures the real mail servers used for the captures (Debian 12).
# Re-runnable. Binds ONLY loopback (127.0.0.1, ::1). Starts daemons directly (no systemd).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

apt_retry() {
  for i in $(seq 1 60); do
    if "$@"; then return 0; fi
    echo "apt failed (dpkg lock held?), retry $i in 10s" >&2; sleep 10
  done
  return 1
}

if ! dpkg -s postfix dovecot-imapd dovecot-pop3d swaks libauthen-sasl-perl tshark >/dev/null 2>&1; then
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  echo "postfix postfix/mailname string mail.example.test" | debconf-set-selections
  apt_retry apt-get update
  DEBIAN_FRONTEND=noninteractive apt_retry apt-get install -y postfix dovecot-imapd dovecot-pop3d swaks tcpdump openssl curl tshark libauthen-sasl-perl
fi

# ---- certificate -----------------------------------------------------------
CERTDIR=/etc/sensor-test
mkdir -p $CERTDIR
if [ ! -f $CERTDIR/mail.pem ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
    -subj "/CN=mail.example.test" -addext "subjectAltName=DNS:mail.example.test" \
    -keyout $CERTDIR/mail.key -out $CERTDIR/mail.pem
  chmod 600 $CERTDIR/mail.key
fi

# ---- stop anything running ------------------------------------------------
postfix stop >/dev/null 2>&1 || true
doveadm stop >/dev/null 2>&1 || true
sleep 1

# ---- dovecot ---------------------------------------------------------------
mkdir -p /var/mail/sensor-test
chmod 1777 /var/mail/sensor-test
cat > /etc/dovecot/sensor-users <<'USERS'
alice@example.test:{PLAIN}S3cret-Pa55:8:8::/var/mail/sensor-test/alice::
bob:{PLAIN}hunter2:8:8::/var/mail/sensor-test/bob::
carol:{PLAIN}pa"ss\word:8:8::/var/mail/sensor-test/carol::
dave:{PLAIN}Ünïcødé-Pä55\x:8:8::/var/mail/sensor-test/dave::
USERS
# erin's password is not UTF-8: "caf", the Latin-1 byte e9, "-Pa55" (Dovecot compares the bytes)
printf 'erin:{PLAIN}caf\351-Pa55:8:8::/var/mail/sensor-test/erin::\n' >> /etc/dovecot/sensor-users
chmod 644 /etc/dovecot/sensor-users
{
cat <<'CONF'
# Sensor capture test server (written by captures/tools/setup-servers.sh)
protocols = imap pop3
listen = 127.0.0.1, ::1
ssl = yes
ssl_cert = </etc/sensor-test/mail.pem
ssl_key = </etc/sensor-test/mail.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 digest-md5 apop
auth_verbose = yes
log_path = /var/log/dovecot-sensor.log
CONF
cat "$HERE/dovecot-users.conf"
cat <<'CONF'
service imap-login {
  inet_listener imap {
    port = 143
  }
  inet_listener imap-alt {
    port = 10143
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 110
  }
  inet_listener pop3s {
    port = 0
  }
}
service auth {
  unix_listener /var/spool/postfix/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
pop3_uidl_format = %08Xu%08Xv
CONF
} > /etc/dovecot/dovecot.conf

# ---- postfix ---------------------------------------------------------------
cat > /etc/postfix/main.cf <<'CONF'
# Sensor capture test server (written by captures/tools/setup-servers.sh)
compatibility_level = 3.6
myhostname = mail.example.test
mydomain = example.test
myorigin = $mydomain
mydestination = example.test, mail.example.test, localhost
inet_interfaces = 127.0.0.1, [::1]
inet_protocols = all
mynetworks = 127.0.0.0/8 [::1]/128
smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)
biff = no
append_dot_mydomain = no
readme_directory = no
alias_maps =
alias_database =
local_recipient_maps =
luser_relay = sink
# every local recipient is delivered to the discard transport
local_transport = discard:
default_transport = discard:
relay_transport = discard:
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
message_size_limit = 20480000
smtpd_tls_cert_file = /etc/sensor-test/mail.pem
smtpd_tls_key_file = /etc/sensor-test/mail.key
smtpd_tls_security_level = may
smtpd_tls_auth_only = no
smtpd_tls_loglevel = 1
smtp_tls_security_level = none
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
# SASL AUTH is offered on every port (25 too) so proxied sessions on 25 can leak credentials
smtpd_sasl_auth_enable = yes
maillog_file = /var/log/postfix-sensor.log
CONF

cat > /etc/postfix/master.cf <<'CONF'
# Sensor capture test server (written by captures/tools/setup-servers.sh)
smtp       inet  n       -       y       -       -       smtpd
submission inet  n       -       y       -       -       smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=may
  -o smtpd_tls_auth_only=no
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,permit_mynetworks,reject
2600       inet  n       -       y       -       -       smtpd
  -o syslog_name=postfix/2600
  -o smtpd_tls_security_level=may
  -o smtpd_tls_auth_only=no
  -o smtpd_sasl_auth_enable=yes
# old-protocol listener for the tls-weak capture: TLSv1 only, SECLEVEL=0 ciphers
2625       inet  n       -       y       -       -       smtpd
  -o syslog_name=postfix/2625
  -o smtpd_tls_security_level=may
  -o smtpd_tls_protocols=TLSv1
  -o smtpd_tls_mandatory_protocols=TLSv1
  -o tls_medium_cipherlist=DEFAULT@SECLEVEL=0
  -o smtpd_tls_ciphers=medium
pickup     unix  n       -       y       60      1       pickup
cleanup    unix  n       -       y       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
tlsmgr     unix  -       -       y       1000?   1       tlsmgr
rewrite    unix  -       -       y       -       -       trivial-rewrite
bounce     unix  -       -       y       -       0       bounce
defer      unix  -       -       y       -       0       bounce
trace      unix  -       -       y       -       0       bounce
verify     unix  -       -       y       -       1       verify
flush      unix  n       -       y       1000?   0       flush
proxymap   unix  -       -       n       -       -       proxymap
proxywrite unix  -       -       n       -       1       proxymap
smtp       unix  -       -       y       -       -       smtp
relay      unix  -       -       y       -       -       smtp
showq      unix  n       -       y       -       -       showq
error      unix  -       -       y       -       -       error
retry      unix  -       -       y       -       -       error
discard    unix  -       -       y       -       -       discard
local      unix  -       n       n       -       -       local
virtual    unix  -       n       n       -       -       virtual
lmtp       unix  -       -       y       -       -       lmtp
anvil      unix  -       -       y       -       1       anvil
scache     unix  -       -       y       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
CONF

echo mail.example.test > /etc/mailname
newaliases >/dev/null 2>&1 || true
postfix check || true

# ---- start -----------------------------------------------------------------
mkdir -p /var/spool/postfix/private
dovecot
sleep 1
postfix start
sleep 2
echo "--- listening:"
ss -ltnp | grep -E ':(25|587|2600|2625|143|10143|110)\b' || true
