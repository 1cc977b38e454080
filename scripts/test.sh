#!/usr/bin/env bash
# Runs the whole test suite (unit, parser, replay-against-manifest, adversarial and CLI tests).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet test Sensor.sln -c Release -nologo --logger "console;verbosity=normal" "$@"
