#!/usr/bin/env bash
# The figures of record in one sequence, for a quiet machine: publishes the native and the
# ReadyToRun builds, then runs the whole-run replay benchmark, the build comparisons, the probe
# benchmark and the survey benchmark back to back. bench/README.md ("Figures of record") has the
# last results and what each line means.
#
#   bench/figures-of-record.sh
#   env: BASE  an earlier native sensor to compare with, side by side (optional)
#        OUT   where the logs go (default /work/bench-data/record)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-/work/bench-data/record}
mkdir -p "$OUT"
cd "$ROOT"
mark() { echo "== $1 $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"; }
mark "start (commit $(git rev-parse --short HEAD))"
AOT=$(bash bench/publish-sensor-aot.sh "$OUT/sensor-aot" 2>/dev/null)
R2R=$(bash bench/publish-sensor.sh "$OUT/sensor-r2r" 2>/dev/null)
mark built
SENSOR=$AOT REPS=5 OUT="$OUT/whole-run" bash bench/whole-run.sh > "$OUT/whole-run.log" 2>&1
mark "whole-run done"
if [ -n "${BASE:-}" ]; then
  bash bench/compare-builds.sh "$BASE" "$AOT" /work/bench-data/mixed-1g.pcap 5 > "$OUT/compare-base.log" 2>&1
  mark "compare with BASE done"
fi
bash bench/compare-builds.sh "$R2R" "$AOT" /work/bench-data/mixed-1g.pcap 5 > "$OUT/compare-r2r.log" 2>&1
mark "compare with ReadyToRun done"
REPS=21 TESTSSL_REPS=1 OUT="$OUT/probe" bash bench/probe-bench.sh > "$OUT/probe.log" 2>&1
mark "probe done"
SENSOR=$AOT REPS=5 CONCURRENCY="128 256" OUT="$OUT/survey" bash bench/survey-bench.sh 1000 > "$OUT/survey.log" 2>&1
mark "survey done"
