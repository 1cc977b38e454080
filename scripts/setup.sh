#!/usr/bin/env bash
# Installs what Sensor and its tests need on a fresh Debian machine that has the .NET SDK:
# libpcap (SharpPcap loads it at run time; -dev gives the unversioned libpcap.so name), tcpdump (tests and benchmarks read captures with it)
# and zsh (a test completes `sensor` words with the generated zsh completion).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for pkg in libpcap0.8 libpcap-dev tcpdump zsh; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
dotnet build Sensor.sln -c Release -nologo -v quiet
