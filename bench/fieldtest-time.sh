#!/usr/bin/env bash
# The field test's time against one `sensor probe` of the same servers, side by side, on loopback:
# a local unbound serves example.test (MX mx1 -> 127.0.0.1, A 127.0.0.1) and the names that name the
# network, a local nats-server carries one `sensor agent` (lab), and the loopback postfix/dovecot
# (captures/tools/setup-servers.sh) are the servers. Each round runs
#   sensor probe example.test --proto all --resolver R --attempts 3 --no-db --json
#   sensor fieldtest example.test --resolver R --attempts 3 --via lab --bus ... --no-db --json
# one after the other, and prints every time and the medians.
#   bash bench/fieldtest-time.sh [ROUNDS]   (default 7; needs a Release build, unbound and nats-server)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-7}
SENSOR=(dotnet "$ROOT/src/Sensor.Cli/bin/Release/net10.0/sensor.dll")
DIR=$(mktemp -d /tmp/sensor-fieldtest-time.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$DIR"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
NATS_PORT=$(free_port); DNS_PORT=$(free_port)
echo benchpass > "$DIR/password"
cat > "$DIR/nats.conf" <<CONF
listen: "127.0.0.1:$NATS_PORT"
authorization { user: "sensor", password: "benchpass" }
CONF
cat > "$DIR/unbound.conf" <<CONF
server:
  interface: 127.0.0.1
  port: $DNS_PORT
  do-ip6: no
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$DIR"
  pidfile: "$DIR/unbound.pid"
  use-syslog: no
  logfile: ""
  num-threads: 1
  access-control: 127.0.0.0/8 allow
  local-zone: "." refuse
  local-zone: "test." static
  local-data: 'example.test. MX 10 mx1.example.test.'
  local-data: 'mx1.example.test. A 127.0.0.1'
  local-data: 'example.test. A 127.0.0.1'
  local-data: 'o-o.myaddr.l.google.com. TXT "192.0.2.1"'
  local-data: '1.2.0.192.origin.asn.cymru.com. TXT "64500 | 192.0.2.0/24 | NL | ripencc | 2001-01-01"'
  local-data: 'AS64500.asn.cymru.com. TXT "64500 | NL | ripencc | 2001-01-01 | EXAMPLE-NET - Example Networks, NL"'
remote-control:
  control-enable: no
CONF
/usr/sbin/nats-server -c "$DIR/nats.conf" > "$DIR/nats.log" 2>&1 & PIDS+=($!)
/usr/sbin/unbound -d -c "$DIR/unbound.conf" > "$DIR/unbound.log" 2>&1 & PIDS+=($!)
sleep 1
BUS=(--bus "nats://127.0.0.1:$NATS_PORT" --user sensor --password-file "$DIR/password")
"${SENSOR[@]}" agent --name lab --allow 127.0.0.0/8 --rate 100000 "${BUS[@]}" > "$DIR/agent.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 50); do grep -q listening "$DIR/agent.log" && break; sleep 0.2; done
RESOLVER=127.0.0.1:$DNS_PORT

seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null; end=$(date +%s.%N); printf "%.2f\n" "$(echo "$end - $start" | bc)"; }
probe=(); field=()
for _ in $(seq 1 "$ROUNDS"); do
  probe+=("$(seconds "${SENSOR[@]}" probe example.test --proto all --resolver "$RESOLVER" --attempts 3 --no-db --json)")
  field+=("$(seconds "${SENSOR[@]}" fieldtest example.test --resolver "$RESOLVER" --attempts 3 --via lab "${BUS[@]}" --no-db --json)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "probe:     ${probe[*]}   median $(median "${probe[@]}") s"
echo "fieldtest: ${field[*]}   median $(median "${field[@]}") s"
