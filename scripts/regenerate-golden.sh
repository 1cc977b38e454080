#!/bin/bash
# Rewrites captures/expected/*.jsonl (the golden JSON Lines output of every capture) from the current
# build, on purpose: after a change to the output, run this, read `git diff captures/expected`, commit.
set -euo pipefail
cd "$(dirname "$0")/.."
nice -n 10 dotnet build tests/Sensor.Tests -c Release -nologo -v quiet
rm -f captures/expected/*.jsonl
SENSOR_REGENERATE_GOLDEN=1 nice -n 10 dotnet test tests/Sensor.Tests -c Release --no-build \
  --filter "FullyQualifiedName~GoldenOutputTests.WholeOutputIsTheGoldenOne"
echo "captures/expected/ rewritten: $(ls captures/expected | wc -l) files; review with git diff captures/expected"
