#!/usr/bin/env bash
# Replay's peak memory on hostile captures, against its memory budget: a million SYNs, 200,000 SMTP
# sessions left open mid-line and 100,000 IMAP literals announced at 4 GiB (sensor-capturegen --flood),
# each replayed with a real stripped session after it (captures/smtp-strip-mangled.pcap), at the
# default budget (1024 MiB) and at --memory-budget 256.
#
#   bench/flood-memory.sh [DIR]     DIR default /work/bench-data/floods: the flood captures are made there when missing
#   env: SENSOR (default the Release build), BASE (another build, run the same way with no budget option: the before)
# Prints per flood and budget: peak resident set (MiB), flows evicted, and whether the strip was reported.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/work/bench-data/floods}
SENSOR=${SENSOR:-$ROOT/src/Sensor.Cli/bin/Release/net10.0/sensor}
GEN="$ROOT/bench/Sensor.CaptureGen/bin/Release/net10.0/sensor-capturegen"
STRIP="$ROOT/captures/smtp-strip-mangled.pcap"
mkdir -p "$DIR"
[ -x "$GEN" ] || dotnet build -c Release "$ROOT/bench/Sensor.CaptureGen/Sensor.CaptureGen.csproj" -v q -nologo >&2
declare -A counts=([syns]=1000000 [open-lines]=200000 [literals]=100000)
for kind in syns open-lines literals; do
  [ -f "$DIR/$kind.pcap" ] || "$GEN" "$DIR/$kind.pcap" --flood "$kind" --count "${counts[$kind]}" >&2
done

# measure LABEL BINARY ARGS... -> one line
measure() {
  local label=$1 bin=$2; shift 2
  /usr/bin/time -o "$DIR/time.out" -f "%M %e" "$bin" replay --json --no-db --no-progress "$@" > "$DIR/out.jsonl" 2> /dev/null || true
  read -r kb secs < "$DIR/time.out"
  local evicted strips
  evicted=$(grep '"type":"stats"' "$DIR/out.jsonl" | grep -o '"flows_evicted":[0-9]*' | cut -d: -f2)
  strips=$(grep -c '"kind":"starttls-stripped"' "$DIR/out.jsonl" || true)
  printf '%-11s %-22s peak RSS %6d MiB  %6.1f s  flows evicted %9s  strip reported: %s\n' "$kind" "$label" $((kb / 1024)) "$secs" "${evicted:-?}" "$([ "$strips" -ge 1 ] && echo yes || echo NO)"
}
for kind in syns open-lines literals; do
  [ -z "${BASE:-}" ] || measure "before (no budget)" "$BASE" "$DIR/$kind.pcap" "$STRIP"
  measure "default (1024 MiB)" "$SENSOR" "$DIR/$kind.pcap" "$STRIP"
  measure "--memory-budget 256" "$SENSOR" --memory-budget 256 "$DIR/$kind.pcap" "$STRIP"
done
