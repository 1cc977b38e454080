#!/usr/bin/env bash
# The main job on a bundled capture: a STARTTLS-stripping proxy caught in the act.
set -euo pipefail
cd "$(dirname "$0")/.."
db=$(mktemp -d)/sensor.db
dotnet run --project src/Sensor.Cli -c Release --no-build -- replay captures/smtp-strip-removed.pcap --db "$db" "$@"
