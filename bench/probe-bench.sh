#!/usr/bin/env bash
# One full probe of one server, whole process, side by side: `sensor probe` (the native build of
# bench/publish-sensor-aot.sh, the ReadyToRun one and the `dotnet build` one) against posttls-finger
# (as the issue runs it, with no CA list; with the system CA bundle, -F; with the hashed CA directory,
# -P: the sensor checks trust against both, reading the bundle's names and the directory on demand)
# and testssl.sh --starttls smtp, all against the loopback postfix on 127.0.0.1:25, plus partial
# sensor runs that show what the time is made of. See bench/README.md.
#
#   bench/probe-bench.sh
#   env: REPS (default 21) interleaved runs of each fast command, median reported;
#        TESTSSL_REPS (default 3) runs of testssl.sh (about a minute each); OUT (default /work/bench-data/probe)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPS=${REPS:-21}
TESTSSL_REPS=${TESTSSL_REPS:-3}
OUT=${OUT:-/work/bench-data/probe}
mkdir -p "$OUT"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
# testssl.sh is for this benchmark only, not for the tests or CI
command -v testssl >/dev/null || command -v testssl.sh >/dev/null || { apt-get update -qq && apt-get install -y -qq testssl.sh >/dev/null; }
TESTSSL=$(command -v testssl || command -v testssl.sh)
[ -x /usr/sbin/posttls-finger ] || { apt-get update -qq && apt-get install -y -qq postfix >/dev/null; }

R2R=$(bash "$ROOT/bench/publish-sensor.sh" "$OUT/sensor-r2r")
AOT=$(bash "$ROOT/bench/publish-sensor-aot.sh" "$OUT/sensor-aot")
dotnet build -c Release "$ROOT/src/Sensor.Cli/Sensor.Cli.csproj" -v q -nologo >&2
JIT="$ROOT/src/Sensor.Cli/bin/Release/net10.0/sensor"
TARGET=127.0.0.1:25
"$R2R" probe "$TARGET" --no-db --json | grep -q '"outcome":"ok"' || { echo "no STARTTLS probe of $TARGET possible: is the test postfix running (scripts/setup-test-servers.sh)?" >&2; exit 1; }

declare -A CMDS=(
  [posttls-finger]="/usr/sbin/posttls-finger -c [127.0.0.1]:25"
  [posttls-finger-cafile]="/usr/sbin/posttls-finger -c -F /etc/ssl/certs/ca-certificates.crt [127.0.0.1]:25"
  [posttls-finger-capath]="/usr/sbin/posttls-finger -c -P /etc/ssl/certs [127.0.0.1]:25"
  [sensor-aot]="$AOT probe $TARGET --no-db"
  [sensor-aot-store]="$AOT probe $TARGET --db $OUT/bench-aot.db"
  [aot-startup-only]="$AOT --version"
  [sensor-r2r]="$R2R probe $TARGET --no-db"
  [sensor-r2r-store]="$R2R probe $TARGET --db $OUT/bench.db"
  [sensor-jit]="$JIT probe $TARGET --no-db"
  [r2r-startup-only]="$R2R --version"
  [r2r-no-tls]="$R2R probe 127.0.0.1:9 --proto smtp --no-db"
)
ORDER=(posttls-finger posttls-finger-cafile posttls-finger-capath sensor-aot sensor-aot-store sensor-r2r sensor-r2r-store sensor-jit aot-startup-only r2r-startup-only r2r-no-tls)
for name in "${ORDER[@]}"; do : > "$OUT/walls-$name"; done
# wall from bash's EPOCHREALTIME (microseconds: /usr/bin/time's %e has 10 ms steps, as long as a
# whole posttls-finger run), CPU and peak RSS from /usr/bin/time; one line "wall user sys maxrss_kb"
timed() {
  local out=$1; shift
  local start=$EPOCHREALTIME
  /usr/bin/time -f "%U %S %M" -o "$OUT/time.tmp" "$@" > /dev/null 2>&1 || true
  local end=$EPOCHREALTIME
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.4f", b - a}') $(grep -E '^[0-9.]+ ' "$OUT/time.tmp")" >> "$out"
}
for _ in $(seq "$REPS"); do
  for name in "${ORDER[@]}"; do
    timed "$OUT/walls-$name" ${CMDS[$name]}
  done
done
: > "$OUT/walls-testssl"
for _ in $(seq "$TESTSSL_REPS"); do
  timed "$OUT/walls-testssl" "$TESTSSL" --quiet --color 0 --starttls smtp "$TARGET"
done

# /usr/bin/time adds "Command exited with non-zero status N" lines: keep the number lines only
col() { grep -E '^[0-9.]+ ' "$1" | awk -v c="$2" '{print (c == "cpu") ? $2 + $3 : $c}' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else print "-"}'; }
base=$(col "$OUT/walls-posttls-finger" 1)
cafile=$(col "$OUT/walls-posttls-finger-cafile" 1)
basecpu=$(col "$OUT/walls-posttls-finger" cpu)
{
  printf "| run | median wall (s) | wall vs posttls-finger | vs posttls-finger -F CA bundle | median CPU user+sys (s) | median peak RSS (MB) |\n| --- | ---: | ---: | ---: | ---: | ---: |\n"
  for name in "${ORDER[@]}" testssl; do
    m=$(col "$OUT/walls-$name" 1)
    printf "| %s | %s | %s | %s | %s | %.0f |\n" "$name" "$m" "$(ratio "$m" "$base")" "$(ratio "$m" "$cafile")" "$(col "$OUT/walls-$name" cpu)" "$(awk -v k="$(col "$OUT/walls-$name" 4)" 'BEGIN {print k / 1024}')"
  done
  printf "\nposttls-finger median CPU: %s s. Runs: %s each (testssl.sh: %s), interleaved; load average at the end: %s\n" "$basecpu" "$REPS" "$TESTSSL_REPS" "$(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/table.md"
