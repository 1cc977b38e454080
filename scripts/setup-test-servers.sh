#!/usr/bin/env bash
# What the integration tests start or drive, from Debian's packages (as root, or with sudo):
# - postfix and dovecot configured on 127.0.0.1/::1 only (captures/tools/setup-servers.sh), for the probe and fieldtest tests;
# - unbound and knot, which the DNS tests start themselves on 127.0.0.x with a config in a temp dir;
# - chromium, to render the fieldtest HTML report headless;
# - nats-server, which the agent tests start themselves on 127.0.0.1 with a user/password config in a temp dir;
# - tcpreplay (tcpreplay, tcprewrite) and socat for the live tests on veth pairs in namespaces they create
#   (tests/Sensor.Tests/LiveNet) and bench/live-rate.sh; iproute2 for `ip netns`.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO bash captures/tools/setup-servers.sh
need=()
for pkg in unbound knot knot-dnsutils chromium nats-server tcpreplay socat iproute2; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
