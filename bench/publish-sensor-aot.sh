#!/usr/bin/env bash
# Publishes the sensor CLI as a Native AOT executable (linux-x64, no .NET runtime needed, no JIT)
# into DIR (default /work/bench-data/sensor-aot) and prints the binary's path. The same by hand:
#   dotnet publish src/Sensor.Cli/Sensor.Cli.csproj -c Release -r linux-x64 -p:PublishAot=true -o DIR
# ILC links with the system C toolchain: clang, lld and zlib's headers are installed when missing.
# bench/aot-check.sh runs the result against the JIT build on every verb.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/work/bench-data/sensor-aot}
if ! command -v clang > /dev/null || ! command -v ld.lld > /dev/null || [[ ! -e /usr/include/zlib.h ]]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang lld zlib1g-dev >&2
fi
dotnet publish "$ROOT/src/Sensor.Cli/Sensor.Cli.csproj" -c Release -r linux-x64 -p:PublishAot=true -o "$DIR" -v q -nologo >&2
echo "$DIR/sensor"
