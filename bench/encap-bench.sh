#!/usr/bin/env bash
# Replay speed inside tunnels: the same generated capture plain, in PPPoE and in VXLAN, each against
# tcpdump's raw read of the same file, alternating in every round (the machine is shared and noisy).
#
#   bench/encap-bench.sh [DIR] [MIN_BYTES]
#     DIR        default /work/bench-data/encap: mixed-{none,pppoe,vxlan}.pcap are generated there when missing
#     MIN_BYTES  default 268435456 (256 MiB; the 1 GB bench capture's mix, a quarter of the size)
#   env: REPS (default 3), MAIL_SESSIONS (default 15000), BASE (another sensor build, also run on the
#        plain file in each round, e.g. the previous release's, to see that plain Ethernet kept its speed), SENSOR (default the Release build; e.g. the native one of publish-sensor-aot.sh)
# Prints per round and file: tcpdump and sensor (replay --json --no-db) wall and CPU (user + system)
# seconds and their ratios; then the median ratios. On a loaded machine the CPU ratio is the steadier.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/work/bench-data/encap}
MIN_BYTES=${2:-268435456}
REPS=${REPS:-3}
SENSOR=${SENSOR:-$ROOT/src/Sensor.Cli/bin/Release/net10.0/sensor}
GEN="$ROOT/bench/Sensor.CaptureGen/bin/Release/net10.0/sensor-capturegen"
mkdir -p "$DIR"
[ -x "$GEN" ] || dotnet build -c Release "$ROOT/bench/Sensor.CaptureGen/Sensor.CaptureGen.csproj" -v q -nologo >&2
for wrap in none pppoe vxlan; do
  [ -f "$DIR/mixed-$wrap.pcap" ] || "$GEN" "$DIR/mixed-$wrap.pcap" --min-bytes "$MIN_BYTES" --mail-sessions "${MAIL_SESSIONS:-15000}" --wrap "$wrap" >&2
done

# run CMD... -> "wall cpu"
run() {
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -o "$DIR/time.out" -f "%U %S" "$@" > /dev/null 2>&1
  t1=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc) $(awk '{print $1 + $2}' "$DIR/time.out")"
}
median() { tr ' ' '\n' <<< "$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A ratios cpuratios
for round in $(seq 1 "$REPS"); do
  for wrap in none pppoe vxlan; do
    f="$DIR/mixed-$wrap.pcap"
    read -r tw tc <<< "$(run tcpdump -r "$f" -w /dev/null)"
    read -r sw sc <<< "$(run "$SENSOR" replay --json --no-db --no-progress "$f")"
    r=$(echo "scale=2; $sw / $tw" | bc)
    rc=$(echo "scale=2; $sc / $tc" | bc)
    ratios[$wrap]+="$r "
    cpuratios[$wrap]+="$rc "
    printf 'round %d %-6s wall: tcpdump %5.2f s, sensor %5.2f s, %5sx   cpu: tcpdump %5.2f s, sensor %5.2f s, %5sx   (load %s)\n' \
      "$round" "$wrap" "$tw" "$sw" "$r" "$tc" "$sc" "$rc" "$(cut -d' ' -f1 /proc/loadavg)"
    if [ "$wrap" = none ] && [ -n "${BASE:-}" ]; then
      read -r bw bc_ <<< "$(run "$BASE" replay --json --no-db --no-progress "$f")"
      printf 'round %d none   BASE: sensor %5.2f s wall, %5.2f s cpu\n' "$round" "$bw" "$bc_"
    fi
  done
done
for wrap in none pppoe vxlan; do
  printf 'median %-6s wall %sx, cpu %sx\n' "$wrap" "$(median "${ratios[$wrap]}")" "$(median "${cpuratios[$wrap]}")"
done
