#!/usr/bin/env bash
# What publishing to the bus costs a whole replay: `sensor replay --json CAPTURE` without and with
# `--bus` to a local nats-server (JetStream, its store in a temp dir), with --no-db and with the
# default store, in interleaved rounds. Each bus run publishes as its own sensor name, so the
# stream's duplicate window never hides a record of an earlier round.
#   CAPTURE=/path/to.pcap [REPS=3] [SENSOR=.../sensor.dll] [BASELINE=.../sensor.dll] bash bench/bus-bench.sh
# BASELINE, another build, adds its --no-db --bus run to each round (before/after in one run).
set -euo pipefail
cd "$(dirname "$0")/.."
capture=${CAPTURE:?CAPTURE=a capture to replay}
reps=${REPS:-3}
sensor=${SENSOR:-src/Sensor.Cli/bin/Release/net10.0/sensor.dll}
work=$(mktemp -d)
nats=
trap '[ -n "$nats" ] && kill "$nats"; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/password"
cat > "$work/nats.conf" <<CONF
listen: "127.0.0.1:$port"
authorization { user: "bench", password: "$(cat "$work/password")" }
jetstream { store_dir: "$work/js" }
CONF
nats-server -c "$work/nats.conf" > "$work/nats.log" 2>&1 &
nats=$!
sleep 1
bus=(--bus "nats://127.0.0.1:$port" --user bench --password-file "$work/password")

# run LABEL DLL ARGS...: one replay; prints wall time, peak RSS, records written and records the bus acknowledged
run() {
  local label=$1 dll=$2
  shift 2
  rm -rf "$work/data" && mkdir -p "$work/data"
  /usr/bin/time -f "%e %M" -o "$work/time" env XDG_DATA_HOME="$work/data" \
    dotnet "$dll" replay --json --no-progress --verbose "$@" "$capture" > "$work/out" 2> "$work/err" || { tail -3 "$work/err"; exit 1; }
  read -r wall rss < "$work/time"
  local published
  published=$(grep -o 'bus: [0-9]* records published' "$work/err" | grep -o '[0-9]*' || echo -)
  printf '%-20s %7.2f s %6d MB %8d records %8s published\n' "$label" "$wall" $((rss / 1024)) \
    "$(grep -vc '"type":"stats"' "$work/out")" "$published"
}

for round in $(seq "$reps"); do
  echo "round $round"
  run "no-db" "$sensor" --no-db
  run "no-db, bus" "$sensor" --no-db "${bus[@]}" --sensor-name "bus-$round"
  if [ -n "${BASELINE:-}" ]; then
    run "no-db, bus, baseline" "$BASELINE" --no-db "${bus[@]}" --sensor-name "baseline-$round"
  fi
  run "store" "$sensor" --db "$work/data/sensor.db"
  run "store, bus" "$sensor" --db "$work/data/sensor.db" "${bus[@]}" --sensor-name "store-$round"
done
