#!/usr/bin/env bash
# What the integration tests start or drive, from Debian's packages (as root, or with sudo):
# - postfix and dovecot configured on 127.0.0.1/::1 only (captures/tools/setup-servers.sh), for the probe and fieldtest tests;
# - unbound and knot, which the DNS tests start themselves on 127.0.0.x with a config in a temp dir;
# - chromium, to render the fieldtest and survey HTML reports headless;
# - openssl, whose s_server serves the DANE-TA test's chain (the test makes the chain with it too);
# - nats-server, which the agent and fleet tests start themselves on 127.0.0.1 with a user/password config
#   (and for the fleet tests JetStream, its store) in a temp dir;
# - socat and iproute2, with which the cross-check's network-namespace test (tests/Sensor.Tests/CrossCheck/netns-lab.sh)
#   relays between the namespaces it makes and the loopback postfix and nats-server;
# - dante-server, the SOCKS5 server (danted) the SOCKS vantage tests start in a network namespace with unbound beside it
#   (tests/Sensor.Tests/CrossCheck/socks-lab.sh; swaks and tcpdump come with captures/tools/setup-servers.sh);
# - tcpreplay (tcpreplay, tcprewrite) and socat for the live tests on veth pairs in namespaces they create
#   (tests/Sensor.Tests/LiveNet) and bench/live-rate.sh.
# - for the packaging and operations tests: dpkg-dev, lintian, man-db, logrotate and systemd (systemd-analyze) for
#   the .deb, qemu-user-static and binfmt-support with arm64's C and C++ runtime (multiarch) for the arm64 build,
#   wine for the Windows build, prometheus for promtool, zip for the Windows archive.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO bash captures/tools/setup-servers.sh
need=()
dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64
for pkg in unbound knot knot-dnsutils chromium nats-server socat iproute2 openssl tcpreplay dante-server \
    dpkg-dev lintian man-db logrotate systemd qemu-user-static binfmt-support libc6:arm64 libstdc++6:arm64 \
    libgcc-s1:arm64 libssl3:arm64 zlib1g:arm64 wine wine64 prometheus zip; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
