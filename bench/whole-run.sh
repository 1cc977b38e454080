#!/usr/bin/env bash
# Whole-run benchmark: sensor against tcpdump's raw read (the floor) on a large mixed capture, and
# against tshark's credential tap on a slice of it. See bench/README.md.
#
#   bench/whole-run.sh [FILE] [SLICE_PACKETS]
#     FILE           default /work/bench-data/mixed-1g.pcap (generated with bench/Sensor.CaptureGen if missing)
#     SLICE_PACKETS  default 200000: the first N packets, for the like-for-like comparison with tshark
#   env: REPS (default 3) rounds; each round runs tcpdump and the sensor commands back to back
#        (ratios are taken per round, then the median); the median wall and CPU time and the highest
#        peak RSS are reported. WITH_DB (default 1): also the default run with a fresh LiteDB store.
#        OUT (default /work/bench-data/results) where outputs and the table go.
#        SENSOR (default: the `dotnet build -c Release` CLI) the sensor executable to measure, e.g. the
#        native one of bench/publish-sensor-aot.sh or the ReadyToRun one of bench/publish-sensor.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FILE=${1:-/work/bench-data/mixed-1g.pcap}
N=${2:-200000}
REPS=${REPS:-3}
OUT=${OUT:-/work/bench-data/results}
mkdir -p "$OUT" "$(dirname "$FILE")"

need() { command -v "$1" >/dev/null 2>&1 || { echo "installing $2" >&2; apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
need tcpdump tcpdump
need tshark tshark
need jq jq

echo "== build (Release)" >&2
dotnet build -c Release "$ROOT/src/Sensor.Cli/Sensor.Cli.csproj" -v q -nologo >&2
dotnet build -c Release "$ROOT/bench/Sensor.CaptureGen/Sensor.CaptureGen.csproj" -v q -nologo >&2
SENSOR=${SENSOR:-$ROOT/src/Sensor.Cli/bin/Release/net10.0/sensor}
echo "== sensor: $SENSOR" >&2
GEN="$ROOT/bench/Sensor.CaptureGen/bin/Release/net10.0/sensor-capturegen"

if [ ! -f "$FILE" ]; then
  echo "== generating $FILE" >&2
  "$GEN" "$FILE" >&2
fi
SLICE="$OUT/slice-$N.pcap"
echo "== slice: first $N packets -> $SLICE" >&2
tcpdump -r "$FILE" -c "$N" -w "$SLICE" 2>/dev/null

echo "== warming the page cache" >&2
cat "$FILE" "$SLICE" > /dev/null

ROWS="$OUT/rows.tsv"
: > "$ROWS"
rm -f "$OUT"/*.runs
# run_once LABEL CMD...  -> runs CMD once (stdout to $OUT/LABEL.out), appends "wall rss_kb cpu_s" to $OUT/LABEL.runs.
run_once() {
  local label=$1; shift
  /usr/bin/time -f '%e %M %U %S' -o "$OUT/$label.time" "$@" > "$OUT/$label.out" 2> "$OUT/$label.err" || true
  read -r w m u s < <(tail -1 "$OUT/$label.time")
  echo "$w $m $(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')" >> "$OUT/$label.runs"
  echo "   $label: ${w} s, $((m / 1024)) MB, $(tail -1 "$OUT/$label.runs" | cut -d' ' -f3) s CPU" >&2
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# summarise LABEL full|slice -> one row of $ROWS: median wall, highest RSS, median CPU, every wall.
summarise() {
  local label=$1 which=$2 runs="$OUT/$1.runs"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$which" "$(cut -d' ' -f1 "$runs" | median)" \
    "$(cut -d' ' -f2 "$runs" | sort -g | tail -1)" "$(cut -d' ' -f3 "$runs" | median)" "$(cut -d' ' -f1 "$runs" | tr '\n' ' ')" >> "$ROWS"
}
# The machine is shared and noisy: each repetition runs tcpdump and the sensor commands back to back,
# so every ratio compares runs made under the same load.
DB="$OUT/run.db"
echo "== full file ($REPS rounds, alternating)" >&2
for ((i = 1; i <= REPS; i++)); do
  run_once tcpdump-read   tcpdump -r "$FILE" -w /dev/null
  run_once sensor-json    "$SENSOR" replay "$FILE" --json --no-db
  run_once sensor-summary "$SENSOR" replay "$FILE" --no-db
  if [ "${WITH_DB:-1}" = 1 ]; then
    rm -f "$DB" "$DB"-log
    run_once sensor-db "$SENSOR" replay "$FILE" --db "$DB" --json
  fi
done
summarise tcpdump-read full; summarise sensor-json full; summarise sensor-summary full
[ "${WITH_DB:-1}" = 1 ] && summarise sensor-db full
cp "$OUT/sensor-json.out" "$OUT/sensor-full.jsonl"
echo "== slice ($REPS rounds, alternating)" >&2
for ((i = 1; i <= REPS; i++)); do
  run_once tcpdump-read-slice tcpdump -r "$SLICE" -w /dev/null
  run_once sensor-json-slice  "$SENSOR" replay "$SLICE" --json --no-db
  run_once tshark-credentials tshark -r "$SLICE" -q -z credentials
done
summarise tcpdump-read-slice slice; summarise sensor-json-slice slice; summarise tshark-credentials slice
# Per-round ratio (same load), then the median over rounds.
ratio() { paste -d' ' <(cut -d' ' -f1 "$OUT/$1.runs") <(cut -d' ' -f1 "$OUT/$2.runs") | awk '{ printf "%.2f\n", $1 / $2 }' | median; }

packets_of() { capinfos -c -M "$1" 2>/dev/null | awk -F': *' '/Number of packets/ {gsub(/[^0-9]/, "", $2); print $2}'; }
FULL_PACKETS=$( [ -f "$FILE.json" ] && jq .packets "$FILE.json" || packets_of "$FILE")
SLICE_PACKETS=$(packets_of "$SLICE")
FULL_BYTES=$(stat -c %s "$FILE"); SLICE_BYTES=$(stat -c %s "$SLICE")

TABLE="$OUT/table.md"
{
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM; median of $REPS runs (all runs in the last column), page cache warm."
  echo
  echo "| tool | file | packets | bytes | wall s | CPU s | peak RSS MB | MB/s | runs (s) |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  while IFS=$'\t' read -r label which wall rss cpu runs; do
    if [ "$which" = full ]; then p=$FULL_PACKETS; b=$FULL_BYTES; name=$(basename "$FILE"); else p=$SLICE_PACKETS; b=$SLICE_BYTES; name=$(basename "$SLICE"); fi
    awk -v l="$label" -v n="$name" -v p="$p" -v b="$b" -v w="$wall" -v c="$cpu" -v r="$rss" -v runs="$runs" \
      'BEGIN { printf "| %s | %s | %d | %d | %.2f | %.2f | %.0f | %.0f | %s |\n", l, n, p, b, w, c, r/1024, (w > 0 ? b/w/1e6 : 0), runs }'
  done < "$ROWS"
  echo
  wall() { awk -F'\t' -v l="$1" '$1 == l {print $3}' "$ROWS"; }
  rss() { awk -F'\t' -v l="$1" '$1 == l {print $4}' "$ROWS"; }
  cpu() { awk -F'\t' -v l="$1" '$1 == l {print $5}' "$ROWS"; }
  r=$(ratio sensor-json tcpdump-read)
  awk -v r="$r" 'BEGIN { printf "- sensor --json / tcpdump raw read (full file, median of per-round ratios): **%.2fx** (target: within 2x: %s)\n", r, (r <= 2 ? "met" : "NOT met") }'
  echo "- sensor summary / tcpdump raw read (full file): **$(ratio sensor-summary tcpdump-read)x**"
  [ -f "$OUT/sensor-db.runs" ] && echo "- sensor with the LiteDB store (fresh --db, --json) / tcpdump raw read: **$(ratio sensor-db tcpdump-read)x**"
  echo "- tshark -z credentials / sensor --json (same $N-packet slice): **$(ratio tshark-credentials sensor-json-slice)x** (above 1: tshark is slower; below 1: sensor is slower)"
  awk -v a="$(cpu sensor-json)" -v t="$(cpu tcpdump-read)" 'BEGIN { printf "- CPU time (user + system, all threads), sensor --json / tcpdump: **%.2fx** (%.2f s / %.2f s)\n", a/t, a, t }'
  awk -v a="$(rss sensor-json)" -v b="$(rss sensor-summary)" 'BEGIN { m = (a > b ? a : b) / 1024; printf "- sensor peak RSS on the full file: **%.0f MB** (target: under 200 MB: %s)\n", m, (m < 200 ? "met" : "NOT met") }'
  [ -f "$OUT/sensor-db.runs" ] && awk -v a="$(rss sensor-db)" 'BEGIN { printf "- peak RSS with the LiteDB store: **%.0f MB**\n", a / 1024 }'
  echo
  echo "Sensor output on the full file (--json, records by type) vs what the generator wrote:"
  echo
  echo '```'
  jq -r .type "$OUT/sensor-full.jsonl" | sort | uniq -c
  echo "sessions by protocol:"; jq -r 'select(.type=="session") | .protocol' "$OUT/sensor-full.jsonl" | sort | uniq -c
  echo "findings by kind/variant:"; jq -r 'select(.type=="finding") | .kind + (if .variant then "/" + .variant else "" end)' "$OUT/sensor-full.jsonl" | sort | uniq -c
  if [ -f "$FILE.json" ]; then
    echo "generator ($FILE.json):"
    jq -r '"  mail sessions written: \(.mail.sessions) \(.mail.sessions_by_protocol)\n  findings the manifest predicts: \(.mail.expected_findings_total)\n  mail share of bytes: \(.mail.share_of_bytes)\n  bulk flows: \(.bulk.flows) (\(.bulk.flows_without_syn) without SYN)"' "$FILE.json"
  fi
  echo "sensor on the slice: $(jq -r .type "$OUT/sensor-json-slice.out" | sort | uniq -c | tr -s ' \n' ' ')"
  echo "sensor credential findings on the slice (plaintext + crackable): $(jq -r 'select(.type=="finding" and (.kind=="plaintext-credential" or .kind=="crackable-credential")) | .kind' "$OUT/sensor-json-slice.out" | wc -l)"
  echo "tshark -z credentials on the slice: $(grep -cE '^[[:space:]]*[0-9]+[[:space:]]' "$OUT/tshark-credentials.out" || true) credential rows ($(awk '$1 ~ /^[0-9]+$/ {print $2}' "$OUT/tshark-credentials.out" | sort | uniq -c | tr -s ' \n' ' '))"
  echo '```'
} > "$TABLE"
cat "$TABLE"

# STAGES=1: also split a run's time by stage (bench/Sensor.Benchmarks "stages" mode), see bench/README.md.
if [ "${STAGES:-0}" = 1 ]; then
  dotnet build -c Release "$ROOT/bench/Sensor.Benchmarks/Sensor.Benchmarks.csproj" -v q -nologo >&2
  DOTNET_gcServer=0 "$ROOT/bench/Sensor.Benchmarks/bin/Release/net10.0/Sensor.Benchmarks" stages "$FILE" | tee "$OUT/stages.txt"
fi
