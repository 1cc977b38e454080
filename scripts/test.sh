#!/usr/bin/env bash
# Runs the whole test suite (unit, parser, replay-against-manifest, adversarial, CLI and integration tests).
#   bash scripts/test.sh            everything (CI); needs scripts/setup-test-servers.sh and root
#   bash scripts/test.sh --unit     only the tests that need no root, no server, no network namespace and no release build
# Further arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."
filter=()
if [ "${1:-}" = "--unit" ]; then
  shift
  filter=(--filter "Category!=Integration&Category!=Packaging")
fi
# Minimal console output: each failure with its message and stack, then the counts, so the end of a CI log names what failed.
dotnet test Sensor.sln -c Release -nologo --logger "console;verbosity=minimal" "${filter[@]}" "$@"
