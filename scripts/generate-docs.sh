#!/usr/bin/env bash
# Regenerates the documents made from the code: docs/findings.md and docs/anomalies.md (from the
# catalogue in src/Sensor.Core/Catalogue), docs/schema/records.schema.json (from the record types), and the
# man page docs/sensor.1 with the shell completions deploy/completions/sensor.bash and _sensor (from the command
# tree, src/Sensor.Cli/SensorCommandLine.cs). Run it after adding a finding variant, an anomaly name, a record
# field, a verb or an option; commit what it changes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
dotnet build "$ROOT/tests/Sensor.Tests" -c Release -v q -nologo
SENSOR_WRITE_DOCS=1 dotnet test "$ROOT/tests/Sensor.Tests" -c Release --no-build -v q --filter "FullyQualifiedName~GeneratedDocsTests|FullyQualifiedName~CommandLineDocsTests.CheckedInFile"
