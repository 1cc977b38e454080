#!/usr/bin/env bash
# Survey throughput: `sensor survey` of COUNT loopback servers (bench/Sensor.ProbeTargets: one
# process listening on 127.0.1.1, 127.0.1.2 ... port 25, a fifth each: STARTTLS with a real TLS
# handshake, no STARTTLS, 454 refusal, slow banner, reset), in servers per second. See bench/README.md.
#
#   bench/survey-bench.sh [COUNT]       COUNT default 1000
#   env: CONCURRENCY (default "32 128") the --concurrency values measured, REPS (default 3) runs of each,
#        the median is reported; OUT (default /work/bench-data/survey) where lists, outputs and the table go;
#        SENSOR (default: the ReadyToRun binary that bench/publish-sensor.sh makes) the sensor to run.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
COUNT=${1:-1000}
REPS=${REPS:-3}
CONCURRENCY=${CONCURRENCY:-"32 128"}
OUT=${OUT:-/work/bench-data/survey}
mkdir -p "$OUT"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }

SENSOR=${SENSOR:-$(bash "$ROOT/bench/publish-sensor.sh")}
dotnet build -c Release "$ROOT/bench/Sensor.ProbeTargets/Sensor.ProbeTargets.csproj" -v q -nologo >&2
TARGETS="$ROOT/bench/Sensor.ProbeTargets/bin/Release/net10.0/sensor-probetargets"

"$TARGETS" "$COUNT" --list "$OUT/list.txt" > "$OUT/targets.log" 2>&1 &
TPID=$!
trap 'kill $TPID 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "^ready" "$OUT/targets.log" 2>/dev/null && break; sleep 0.1; done
grep -q "^ready $COUNT" "$OUT/targets.log" || { echo "probe targets did not start: $(cat "$OUT/targets.log")" >&2; exit 1; }

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf "| servers | concurrency | median wall (s) | servers/s | outcomes (last run) |\n| ---: | ---: | ---: | ---: | --- |\n" > "$OUT/table.md"
for c in $CONCURRENCY; do
  : > "$OUT/walls-$c"
  for r in $(seq "$REPS"); do
    /usr/bin/time -f "%e" -o "$OUT/time-$c-$r" "$SENSOR" survey "$OUT/list.txt" --no-db --no-progress --json --timeout 5 \
      --concurrency "$c" > "$OUT/survey-$c.jsonl"
    cat "$OUT/time-$c-$r" >> "$OUT/walls-$c"
  done
  wall=$(median < "$OUT/walls-$c")
  outcomes=$(jq -r 'select(.type=="probe") | .outcome' "$OUT/survey-$c.jsonl" | sort | uniq -c | awk '{printf "%s%s %s", sep, $2, $1; sep=", "}')
  rate=$(awk -v n="$COUNT" -v w="$wall" 'BEGIN {printf "%.0f", n / w}')
  printf "| %s | %s | %s | %s | %s |\n" "$COUNT" "$c" "$wall" "$rate" "$outcomes" >> "$OUT/table.md"
done
cat "$OUT/table.md"
