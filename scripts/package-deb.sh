#!/usr/bin/env bash
# Builds the Debian package of `sensor` with dpkg-deb from a published binary and prints its path:
#
#   bash scripts/package-deb.sh BINARY VERSION ARCH [OUTDIR]      ARCH: x64|amd64 or arm64
#
# Contents: /usr/bin/sensor; the systemd unit (deploy/sensor.service, with the binary at /usr/bin);
# the annotated config as the conffile /etc/sensor/sensor.json (0640 root:sensor); the logrotate
# snippet (deploy/sensor.logrotate: logrotate rotates the events file, the shipped config does not);
# the man page (docs/sensor.1) and the bash and zsh completions (deploy/completions), all three generated from the
# command tree (scripts/generate-docs.sh); LICENSE and THIRD-PARTY-NOTICES.md as /usr/share/doc/sensor/copyright.
# postinst makes the `sensor` system user; nothing is enabled or started: the interface is set first.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BINARY=${1:?usage: scripts/package-deb.sh BINARY VERSION ARCH [OUTDIR]}
VERSION=${2:?version}
case ${3:?arch} in
  x64|amd64) ARCH=amd64 ;;
  arm64) ARCH=arm64 ;;
  *) echo "package-deb: ARCH must be x64, amd64 or arm64, not '$3'" >&2; exit 2 ;;
esac
OUT=${4:-$ROOT/dist}
# Debian orders 1.0~rc1 before 1.0, as semantic versioning orders 1.0-rc1 before 1.0 (deb-version(7)).
DEBVERSION=${VERSION//-/\~}
pkg=$(mktemp -d)
trap 'rm -rf "$pkg"' EXIT
root=$pkg/sensor
doc=$root/usr/share/doc/sensor

install -D -m 0755 "$BINARY" "$root/usr/bin/sensor"
install -d -m 0755 "$root/lib/systemd/system" "$root/etc/sensor" "$root/etc/logrotate.d" "$root/usr/share/man/man1" "$doc" \
    "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions"
sed -e 's#/usr/local/bin/sensor#/usr/bin/sensor#g' \
    -e 's#^Documentation=.*#Documentation=man:sensor(1) file:///usr/share/doc/sensor/operations.md#' \
    -e '/^# Install: binary at/,/^# (The .deb/d' \
    "$ROOT/deploy/sensor.service" > "$root/lib/systemd/system/sensor.service"
install -m 0640 "$ROOT/deploy/sensor.json" "$root/etc/sensor/sensor.json"
install -m 0644 "$ROOT/deploy/sensor.logrotate" "$root/etc/logrotate.d/sensor"
gzip -9n < "$ROOT/docs/sensor.1" > "$root/usr/share/man/man1/sensor.1.gz"
install -m 0644 "$ROOT/deploy/completions/sensor.bash" "$root/usr/share/bash-completion/completions/sensor"
install -m 0644 "$ROOT/deploy/completions/_sensor" "$root/usr/share/zsh/vendor-completions/_sensor"
install -m 0644 "$ROOT/docs/install.md" "$ROOT/docs/operations.md" "$doc/"
gzip -9n < "$ROOT/THIRD-PARTY-NOTICES.md" > "$doc/THIRD-PARTY-NOTICES.md.gz"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: sensor"
  echo
  echo "Files: *"
  echo "Copyright: 2026 The Sensor authors"
  echo "License: Apache-2.0"
  echo " On Debian systems the full text is in /usr/share/common-licenses/Apache-2.0."
  echo " The licences of the libraries compiled into /usr/bin/sensor are listed in"
  echo " /usr/share/doc/sensor/THIRD-PARTY-NOTICES.md.gz."
} > "$doc/copyright"
{
  echo "sensor ($DEBVERSION) unstable; urgency=medium"
  echo
  echo "  * Release $VERSION."
  echo
  echo " -- The Sensor authors <sensor@example.org>  $(date -u -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}")"
} | gzip -9n > "$doc/changelog.gz"

mkdir -p "$root/DEBIAN"
echo /etc/sensor/sensor.json > "$root/DEBIAN/conffiles"
echo /etc/logrotate.d/sensor >> "$root/DEBIAN/conffiles"
cat > "$root/DEBIAN/control" <<EOF
Package: sensor
Version: $DEBVERSION
Architecture: $ARCH
Maintainer: The Sensor authors <sensor@example.org>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: adduser, libc6 (>= 2.36), libgcc-s1, libstdc++6, zlib1g, libssl3, libpcap0.8 (>= 1.10)
Recommends: ca-certificates, logrotate
Section: net
Priority: optional
Homepage: https://example.org/sensor
Description: detects STARTTLS stripping and cleartext mail credentials
 Sensor reads packet captures and live interfaces, reassembles TCP and
 reconstructs every SMTP, IMAP and POP3 session. It reports credentials sent
 in the clear, STARTTLS removed, mangled or refused on the path, weak TLS and
 mail sent without TLS, and probes mail servers from other vantage points to
 tell interference on the path from a server that lacks TLS.
 .
 The package installs the sensor command, a systemd unit for live capture
 (sensor.service, not enabled: set the interface in /etc/sensor/sensor.json
 first) and a logrotate rule for its events file.
EOF
cat > "$root/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    # The service runs as this user, with CAP_NET_RAW and CAP_NET_ADMIN only (sensor.service).
    adduser --system --group --quiet --home /var/lib/sensor --no-create-home --shell /usr/sbin/nologin sensor
    # The config may name credential files: readable by the service, not by every user.
    chown root:sensor /etc/sensor/sensor.json
    chmod 0640 /etc/sensor/sensor.json
    if [ -d /run/systemd/system ]; then
        systemctl --system daemon-reload > /dev/null || true
    fi
fi
EOF
cat > "$root/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
    deb-systemd-invoke stop sensor.service > /dev/null || true
fi
EOF
cat > "$root/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload > /dev/null || true
fi
if [ "$1" = purge ]; then
    # The store, the events and the evidence are the site's data until it purges the package.
    rm -rf /var/lib/sensor /var/log/sensor
fi
EOF
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
mkdir -p "$OUT"
deb="$OUT/sensor_${DEBVERSION}_$ARCH.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" > /dev/null
echo "$deb"
