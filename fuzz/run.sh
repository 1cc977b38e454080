#!/usr/bin/env bash
# Builds, instruments and fuzzes one target with AFL++ (through SharpFuzz) for a bounded time.
#   bash fuzz/run.sh TARGET [SECONDS]      (default 600; targets: see fuzz/README.md)
# Runs at the lowest priority, one fuzzer process. Findings go to fuzz/findings/TARGET (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-600}
work=${FUZZ_WORK:-/tmp/sensor-fuzz}

if ! command -v afl-fuzz >/dev/null; then
  apt-get update -qq && apt-get install -y -qq afl++
fi
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz >/dev/null; then
  dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
fi

# Build into a folder of its own and instrument the copy there: bin/ keeps the plain build.
# FUZZ_PREBUILT=1 reuses the last instrumented build (several targets in a row).
if [ "${FUZZ_PREBUILT:-0}" != 1 ] || [ ! -f "$work/build/Sensor.Fuzz.dll" ]; then
  rm -rf "$work/build"
  dotnet build fuzz/Sensor.Fuzz/Sensor.Fuzz.csproj -c Release -nologo -v quiet -o "$work/build" >/dev/null
  sharpfuzz "$work/build/Sensor.Core.dll"
fi

if [ ! -d "fuzz/corpus/$target" ]; then
  echo "no seed corpus fuzz/corpus/$target" >&2
  exit 2
fi
out="fuzz/findings/$target"
mkdir -p "$out"
# AFL_SKIP_BIN_CHECK: the target is dotnet, not an AFL-compiled binary (SharpFuzz speaks the fork-server protocol itself).
# DOTNET_GCHeapHardLimit: 1 GiB; the parsers' caps keep them far below, so an OutOfMemoryException is unbounded growth.
# -t 5000: an input that runs over 5 s is a hang; -m none: .NET reserves much address space.
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
AFL_AUTORESUME=1 DOTNET_GCHeapHardLimit=0x40000000 DOTNET_TieredPGO=0 \
  nice -n 19 afl-fuzz -i "fuzz/corpus/$target" -o "$out" -t 5000 -m none -V "$seconds" \
  -- dotnet "$work/build/Sensor.Fuzz.dll" afl "$target" > "$out/afl.log" 2>&1 || true

stats="$out/default/fuzzer_stats"
if [ -f "$stats" ]; then
  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|bitmap_cvg|saved_crashes|saved_hangs|stability) ' "$stats"
  ls "$out/default/crashes" "$out/default/hangs" 2>/dev/null | grep -v README || true
else
  tail -30 "$out/afl.log"
  exit 1
fi
