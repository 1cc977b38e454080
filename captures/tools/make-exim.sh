#!/bin/bash
# Exim 4.96 on both ends, unpacked from Debian's packages beside Postfix (exim4-daemon-light conflicts
# with postfix as a package, so it is never installed: apt-get download + dpkg -x into a temp dir).
# Server on 127.0.0.5:2525 with a three-line greeting, PIPELINING, PIPECONNECT and CHUNKING; the
# client (exim's smtp transport) sends each message with BDAT. Loopback only.
source "$(dirname "$0")/lib.sh"
EXIM=$(mktemp -d); chmod 755 "$EXIM"
DAEMON_PID=
trap '[ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null; rm -rf "$EXIM"; cleanup' EXIT
dpkg -s libgnutls-dane0 libidn12 >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgnutls-dane0 libidn12
(cd "$EXIM" && apt-get download -q exim4-daemon-light >/dev/null && dpkg -x exim4-daemon-light_*.deb root)
BIN=$EXIM/root/usr/sbin/exim4
# The binary is built for the Debian-exim user and /var/log/exim4 (panic log) even with -C.
id Debian-exim >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin Debian-exim
mkdir -p /var/log/exim4 "$EXIM/spool" "$EXIM/cspool" "$EXIM/log"
chown Debian-exim /var/log/exim4 "$EXIM/spool" "$EXIM/cspool" "$EXIM/log"

cat > "$EXIM/server.conf" <<CONF
primary_hostname = exim.example.test
exim_user = Debian-exim
exim_group = mail
never_users =
spool_directory = $EXIM/spool
log_file_path = $EXIM/log/%slog
daemon_smtp_ports = 2525
local_interfaces = 127.0.0.5
smtp_banner = \${primary_hostname} ESMTP Exim \${version_number}\\nno UCE here\\nwelcome to the test
tls_certificate = /etc/sensor-test/mail.pem
tls_privatekey = /etc/sensor-test/mail.key
tls_advertise_hosts = *
chunking_advertise_hosts = *
pipelining_connect_advertise_hosts = *
acl_smtp_rcpt = accept
host_lookup =
rfc1413_hosts =
begin routers
sink:
  driver = accept
  transport = devnull
begin transports
devnull:
  driver = appendfile
  file = /dev/null
  user = mail
CONF
cat > "$EXIM/client.conf" <<CONF
primary_hostname = client.example.test
exim_path = $BIN
exim_user = Debian-exim
exim_group = mail
never_users =
spool_directory = $EXIM/cspool
log_file_path = $EXIM/log/c%slog
host_lookup =
begin routers
out:
  driver = manualroute
  route_list = * 127.0.0.5::2525
  self = send
  transport = remote
begin transports
remote:
  driver = smtp
  hosts_avoid_tls = *
  hosts_try_chunking = *
  hosts_pipe_connect = *
  helo_data = client.example.test
CONF
chmod 644 "$EXIM"/*.conf
"$BIN" -C "$EXIM/server.conf" -bd -oP "$EXIM/exim.pid"
for i in $(seq 1 50); do ss -ltn | grep -q '127.0.0.5:2525 ' && break; sleep 0.1; done
DAEMON_PID=$(cat "$EXIM/exim.pid")

# Two messages: the first connection learns that the server offers PIPECONNECT; the second sends
# EHLO, MAIL, RCPT and "BDAT n LAST" before the greeting has arrived (client speaks first).
body() { printf 'From: %s\nTo: bob@example.test\nSubject: exim capture %s\n\n' "$ALICE" "$1"; seq -f 'line %g of the body' 1 40; printf '.\nafter a dot line\n'; }
cap_start smtp-exim-pipeconnect-bdat 'tcp port 2525'
body 1 | "$BIN" -C "$EXIM/client.conf" -odf -f "$ALICE" bob@example.test
body 2 | "$BIN" -C "$EXIM/client.conf" -odf -f "$ALICE" bob@example.test
cap_stop
kill "$DAEMON_PID"; DAEMON_PID=
