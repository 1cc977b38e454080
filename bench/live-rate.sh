#!/usr/bin/env bash
# Live capture rate benchmark: tcpreplay sends a slice of the bundled mixed traffic onto a veth at
# increasing rates; `sensor live` and `tcpdump -w /dev/null` capture the other end, one after the
# other at each rate (side by side, same slice, same veth). For each run: what tcpreplay sent, what
# reached the capture end of the veth, what the tool saw and what it says it dropped, and the tool's
# CPU time from /proc/PID/stat. See bench/README.md ("Live capture rate").
#
#   bench/live-rate.sh
#   env: RATES    tcpreplay speeds, in order (default "mbps=50 mbps=100 mbps=200 mbps=500 mbps=1000 topspeed");
#                 each is mbps=N (--mbps), pps=N (--pps) or topspeed (--topspeed)
#        REPS     runs of each tool at each rate (default 3; medians reported, the worst loss too)
#        PACKETS  slice size, the first N packets of SOURCE (default 200000)
#        WARMUP   packets sent at 10 kpps before each measured run, so the sensor's JIT is warm (default 10000)
#        SOURCE   default /work/bench-data/mixed-1g.pcap (generated with bench/Sensor.CaptureGen if missing)
#        TOOLS    default "sensor tcpdump"
#        OUT      default /work/bench-data/live-rate (rows.tsv, table.md, each run's logs)
#        SENSOR_ARGS  more `sensor live` options, e.g. "--workers 2"
#        NO_BUILD=1 to use the Release build as it is; TABLE_ONLY=1 to print the table of $OUT/rows.tsv again
# Needs root (namespaces, capture), tcpreplay, tcpdump, editcap. Creates the namespace sensor-bench-PID
# and the veth pair sbPIDh/sbPIDn; removes them on exit, and removes those of earlier runs that died.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RATES=${RATES:-"mbps=50 mbps=100 mbps=200 mbps=500 mbps=1000 topspeed"}
REPS=${REPS:-3}
PACKETS=${PACKETS:-200000}
WARMUP=${WARMUP:-10000}
SOURCE=${SOURCE:-/work/bench-data/mixed-1g.pcap}
TOOLS=${TOOLS:-"sensor tcpdump"}
OUT=${OUT:-/work/bench-data/live-rate}
mkdir -p "$OUT"

NS=sensor-bench-$$
HOST_IF=sb$$h   # root-namespace end: the tools capture here
INNER_IF=sb$$n  # namespace end: tcpreplay sends here

for tool in tcpreplay tcpdump editcap ip; do
  command -v "$tool" >/dev/null || { echo "live-rate: $tool is missing (bash scripts/setup-test-servers.sh installs it)" >&2; exit 2; }
done

# --- the table (from $OUT/rows.tsv) ---------------------------------------------------------------------------------
render_table() {
TABLE="$OUT/table.md"
{
  echo "Measured $(date -u -r "$OUT/rows.tsv" +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(uname -r);"
  echo "slice: first $PACKETS packets of $(basename "$SOURCE") ($(stat -c %s "$SLICE") bytes); median of $REPS runs per tool and rate."
  echo "lost = delivered to the veth end - seen by the tool (worst run in brackets); unaccounted = lost - drops the tool reported;"
  echo "before capture = sent by tcpreplay - delivered to the veth end. cores/Gbit/s = CPU seconds / Gbit sent."
  echo
  awk -F'\t' -v reps="$REPS" '
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
      return a[int((n + 1) / 2)]
    }
    NR == 1 { next }
    {
      k = $1 SUBSEP $2
      if (!(k in seenkey)) { seenkey[k] = 1; order[++n] = k }
      lost = $5 - $6; unacc = lost - $7 - $8
      L[k] = L[k] " " lost; U[k] = U[k] " " unacc; B[k] = B[k] " " ($4 - $5)
      M[k] = M[k] " " $9; P[k] = P[k] " " $10; C[k] = C[k] " " $11
      if (lost > worst[k] + 0) worst[k] = lost
      cpg[k] = cpg[k] " " ($12 > 0 ? $11 / ($12 * 8 / 1e9) : 0)
      if (lost > 0 || $7 + $8 > 0) lossy[k] = 1
      else if ($9 > bestrun[$2] + 0) { bestrun[$2] = $9; bestrunp[$2] = $10 }
    }
    END {
      print "| rate | tool | Mbit/s | kpps | before capture | lost [worst] | unaccounted | CPU s | cores per Gbit/s | vs tcpdump |"
      print "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
      for (i = 1; i <= n; i++) {
        split(order[i], kk, SUBSEP); rate = kk[1]; tool = kk[2]
        c = median(cpg[order[i]]); t = (rate SUBSEP "tcpdump")
        ratio = (tool != "tcpdump" && (t in cpg) && median(cpg[t]) > 0) ? sprintf("%.1f×", c / median(cpg[t])) : ""
        printf "| %s | %s | %.0f | %.0f | %d | %d [%d] | %d | %.2f | %.2f | %s |\n", rate, tool, median(M[order[i]]), median(P[order[i]]) / 1000,
          median(B[order[i]]), median(L[order[i]]), worst[order[i]], median(U[order[i]]), median(C[order[i]]), c, ratio
        if (!(order[i] in lossy) && median(M[order[i]]) > best[tool] + 0) { best[tool] = median(M[order[i]]); bestp[tool] = median(P[order[i]]) }
        tools[tool] = 1
      }
      print ""
      for (tool in tools)
        printf "- %s: highest rate with no loss in any of %d runs: %s\n", tool, reps,
          (tool in best) ? sprintf("%.0f Mbit/s, %.0f kpps (medians)", best[tool], bestp[tool] / 1000) : "none of the rates tried"
      for (tool in tools)
        printf "- %s: fastest single run with no loss: %s\n", tool,
          (tool in bestrun) ? sprintf("%.0f Mbit/s, %.0f kpps", bestrun[tool], bestrunp[tool] / 1000) : "none"
    }' "$OUT/rows.tsv"
} > "$TABLE"
cat "$TABLE"
}

if [ -n "${TABLE_ONLY:-}" ]; then
  SLICE="$OUT/slice-$PACKETS.pcap"
  render_table
  exit 0
fi

# --- the veth pair -----------------------------------------------------------------------------
remove_leftovers() {
  local ns pid
  for ns in $(ip netns list | awk '{print $1}' | grep '^sensor-bench-' || true); do
    pid=${ns#sensor-bench-}
    [ -d "/proc/$pid" ] || ip netns delete "$ns" 2>/dev/null || true
  done
}
cleanup() {
  [ -n "${TOOL_PID:-}" ] && kill "$TOOL_PID" 2>/dev/null || true
  ip netns delete "$NS" 2>/dev/null || true
  ip link delete "$HOST_IF" 2>/dev/null || true
}
trap cleanup EXIT
remove_leftovers
ip netns add "$NS"
# MTU 65535: the slice has frames up to the size of segments captured on lo.
ip link add "$HOST_IF" mtu 65535 type veth peer name "$INNER_IF" mtu 65535 netns "$NS"
sysctl -qw "net.ipv6.conf.$HOST_IF.disable_ipv6=1"
ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$INNER_IF.disable_ipv6=1"
ip link set "$HOST_IF" up
ip -n "$NS" link set "$INNER_IF" up
# The host end has no address and the frames carry other MACs: the host's IP stack drops them unseen.

# --- build and traffic -------------------------------------------------------------------------
if [ -z "${NO_BUILD:-}" ]; then
  echo "== build (Release)" >&2
  dotnet build -c Release "$ROOT/src/Sensor.Cli/Sensor.Cli.csproj" -v q -nologo >&2
fi
SENSOR="$ROOT/src/Sensor.Cli/bin/Release/net10.0/sensor"
if [ ! -f "$SOURCE" ]; then
  echo "== generating $SOURCE" >&2
  dotnet run -c Release --project "$ROOT/bench/Sensor.CaptureGen" -- "$SOURCE" >&2
fi
SLICE="$OUT/slice-$PACKETS.pcap"
if [ ! -s "$SLICE" ]; then
  echo "== slice: first $PACKETS packets of $SOURCE" >&2
  editcap -r "$SOURCE" "$SLICE" "1-$PACKETS"
fi
WARM="$OUT/warmup-$WARMUP.pcap"
[ -s "$WARM" ] || editcap -r "$SLICE" "$WARM" "1-$WARMUP"

# --- one run -----------------------------------------------------------------------------------
rx_packets() { cat "/sys/class/net/$HOST_IF/statistics/rx_packets"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
CLK_TCK=$(getconf CLK_TCK)

# start_tool TOOL LOG -> TOOL_PID, once the tool says it captures
start_tool() {
  local tool=$1 log=$2 ready
  case $tool in
    sensor)  # shellcheck disable=SC2086
             "$SENSOR" live -i "$HOST_IF" --json --no-db --log-file "$log.log" ${SENSOR_ARGS:-} > /dev/null 2> "$log.err" &
             ready="capturing on" ;;
    tcpdump) # -B: the same 32 MiB kernel ring as the sensor's default (LiveCaptureOptions.KernelBufferBytes)
             tcpdump -i "$HOST_IF" -n -B 32768 -w /dev/null tcp 2> "$log.err" &
             ready="listening on" ;;
  esac
  TOOL_PID=$!
  for _ in $(seq 600); do grep -qs "$ready" "$log.err" && return 0; sleep 0.1; done
  echo "live-rate: $tool did not start: $(cat "$log.err")" >&2; exit 1
}

# wait_idle PID: the tool has read what the wire carried once it stops using CPU. libpcap hands over
# a partly filled ring block only when its timeout ends (1 s for tcpdump, 250 ms for the sensor):
# wait that long first, or the last frames would count as lost.
wait_idle() {
  local before after
  sleep 1.5
  after=$(cpu_ticks "$1")
  for _ in $(seq 120); do
    before=$after; sleep 0.5; after=$(cpu_ticks "$1")
    [ "$after" -le "$((before + 1))" ] && return 0
  done
}

# seen_dropped TOOL LOG -> "SEEN KERNEL_DROPPED SENSOR_DROPPED" from what the tool printed at exit;
# SEEN is what the tool analysed (tcpdump: wrote)
seen_dropped() {
  case $1 in
    sensor)  local read kdrop sdrop
             read -r read kdrop < <(grep -m1 -oE "$HOST_IF: [0-9]+ packets, [0-9]+ bytes, [0-9]+ dropped by the kernel" "$2.log" | awk '{print $2, $6}')
             sdrop=$(grep -m1 -oE '[0-9]+ frames dropped by the sensor' "$2.log" | awk '{print $1}')
             # frames read but discarded by the sensor (full queues) were not analysed
             echo "$((read - ${sdrop:-0})) $kdrop ${sdrop:-0}" ;;
    tcpdump) echo "$(awk '/packets captured/ {print $1}' "$2.err") $(awk '/dropped by kernel/ {print $1}' "$2.err") 0" ;;
  esac
}

ROWS="$OUT/rows.tsv"
printf 'rate\ttool\trep\tsent\tdelivered\tseen\tkernel_dropped\tsensor_dropped\tmbps\tpps\tcpu_s\tbytes\n' > "$ROWS"
run() { # RATE TOOL REP
  local rate=$1 tool=$2 rep=$3 log="$OUT/$2-$1-$3" option rx0 rx1 cpu0 cpu1
  case $rate in topspeed) option=--topspeed ;; mbps=*) option=--mbps=${rate#mbps=} ;; pps=*) option=--pps=${rate#pps=} ;;
                *) echo "live-rate: unknown rate '$rate'" >&2; exit 2 ;; esac
  start_tool "$tool" "$log"
  rx0=$(rx_packets)
  ip netns exec "$NS" tcpreplay -i "$INNER_IF" --preload-pcap --pps=10000 "$WARM" > "$log.warmup" 2>&1
  wait_idle "$TOOL_PID"
  cpu0=$(cpu_ticks "$TOOL_PID")
  ip netns exec "$NS" tcpreplay -i "$INNER_IF" --preload-pcap "$option" "$SLICE" > "$log.tcpreplay" 2>&1
  wait_idle "$TOOL_PID"
  cpu1=$(cpu_ticks "$TOOL_PID"); rx1=$(rx_packets)
  kill -TERM "$TOOL_PID"; wait "$TOOL_PID" || true; TOOL_PID=
  local sent mbps pps bytes
  sent=$(cat "$log.warmup" "$log.tcpreplay" | awk '/Successful packets:/ {n += $3} END {print n}')
  bytes=$(awk '/^Actual:/ {gsub(/\(/, "", $4); print $4}' "$log.tcpreplay")
  read -r mbps pps < <(awk '/^Rated:/ {print $4, $6}' "$log.tcpreplay")
  read -r seen kdrop sdrop < <(seen_dropped "$tool" "$log")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rate" "$tool" "$rep" "$sent" "$((rx1 - rx0))" "$seen" "$kdrop" "$sdrop" \
    "$mbps" "$pps" "$(awk -v t=$((cpu1 - cpu0)) -v h="$CLK_TCK" 'BEGIN {printf "%.2f", t / h}')" "$bytes" >> "$ROWS"
  echo "   $rate $tool #$rep: $(tail -1 "$ROWS" | cut -f4-)" >&2
}

echo "== rates: $RATES; $REPS runs of each of: $TOOLS (columns: sent delivered seen kernel_dropped sensor_dropped mbps pps cpu_s bytes)" >&2
for rate in $RATES; do
  for ((rep = 1; rep <= REPS; rep++)); do
    for tool in $TOOLS; do run "$rate" "$tool" "$rep"; done
  done
done

render_table
