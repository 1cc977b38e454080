#!/usr/bin/env bash
# Installs `sensor` for everyday use on a Debian machine with the .NET SDK: the native build
# (Native AOT; starts in about 10 ms and needs no .NET runtime to run, which short runs such as one
# `sensor probe` feel most) in PREFIX/lib/sensor, linked as PREFIX/bin/sensor, with the man page and the bash and
# zsh completions under PREFIX/share (bash-completion and zsh look in /usr/local/share too). Installs libpcap,
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
$SUDO install -D -m 0644 docs/sensor.1 "$PREFIX/share/man/man1/sensor.1"
$SUDO install -D -m 0644 deploy/completions/sensor.bash "$PREFIX/share/bash-completion/completions/sensor"
$SUDO install -D -m 0644 deploy/completions/_sensor "$PREFIX/share/zsh/site-functions/_sensor"
echo "installed: $PREFIX/bin/sensor ($("$PREFIX/bin/sensor" --version))"
