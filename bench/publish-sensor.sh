#!/usr/bin/env bash
# Publishes the sensor CLI as the fast-starting build (ReadyToRun, linux-x64, framework-dependent)
# into DIR (default /work/bench-data/sensor-r2r) and prints the binary's path. Users get the same with
#   dotnet publish src/Sensor.Cli -c Release -r linux-x64 -o DIR
# (the project sets PublishReadyToRun for a runtime-specific publish).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/work/bench-data/sensor-r2r}
dotnet publish "$ROOT/src/Sensor.Cli/Sensor.Cli.csproj" -c Release -r linux-x64 --self-contained false -o "$DIR" -v q -nologo >&2
echo "$DIR/sensor"
