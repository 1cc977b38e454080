#!/usr/bin/env bash
# Side-by-side: tcpdump's raw read, one sensor build and another, alternating in each round, so
# every round compares runs made under the same load (the machine is shared and noisy).
#
#   bench/compare-builds.sh BASE_SENSOR NEW_SENSOR [FILE] [ROUNDS]
#     BASE_SENSOR, NEW_SENSOR  paths of two `sensor` executables (e.g. main's and a branch's Release build)
#     FILE    default /work/bench-data/mixed-1g.pcap;  ROUNDS  default 5
# Prints per round: wall s / CPU s (user + system) / peak RSS MB / output lines, and the load average.
set -euo pipefail
BASE=$1; NEW=$2; FILE=${3:-/work/bench-data/mixed-1g.pcap}; ROUNDS=${4:-5}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
# run CMD... -> "wall cpu rss_mb lines"
run() {
  /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" > "$TMP/out" 2> "$TMP/err" || true
  read -r w u s m < "$TMP/time"
  echo "$w $(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }') $((m / 1024)) $(wc -l < "$TMP/out")"
}
cat "$FILE" > /dev/null
echo "round | tcpdump wall cpu | base wall cpu MB lines | new wall cpu MB lines | load"
for ((i = 1; i <= ROUNDS; i++)); do
  echo "$i | $(run tcpdump -r "$FILE" -w /dev/null | cut -d' ' -f1-2) | $(run "$BASE" replay "$FILE" --json --no-db) | $(run "$NEW" replay "$FILE" --json --no-db) | $(cut -d' ' -f1 /proc/loadavg)"
done
