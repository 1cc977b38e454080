#!/usr/bin/env bash
# Installs `sensor` for everyday use on a Debian machine with the .NET SDK: the native build
# (Native AOT; starts in about 10 ms and needs no .NET runtime to run, which short runs such as one
# `sensor probe` feel most) in PREFIX/lib/sensor, linked as PREFIX/bin/sensor. Installs libpcap,
# and clang, lld and zlib's headers for the native compile, from Debian's packages.
#
#   bash scripts/install.sh [PREFIX]     PREFIX default /usr/local (sudo is used when not root)
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${1:-/usr/local}
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
dpkg -s libpcap0.8 > /dev/null 2>&1 || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libpcap0.8; }
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
binary=$(bash bench/publish-sensor-aot.sh "$build/sensor")
$SUDO mkdir -p "$PREFIX/lib/sensor" "$PREFIX/bin"
$SUDO cp "$binary" "$PREFIX/lib/sensor/sensor"
$SUDO ln -sf "$PREFIX/lib/sensor/sensor" "$PREFIX/bin/sensor"
echo "installed: $PREFIX/bin/sensor ($("$PREFIX/bin/sensor" --version))"
