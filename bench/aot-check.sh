#!/usr/bin/env bash
# Runs the Native AOT sensor and the JIT build on the same inputs and diffs what they print, verb by
# verb, so whatever trimming or AOT breaks shows up as a difference (or a failure) here.
#
#   bench/aot-check.sh [AOT_SENSOR] [JIT_SENSOR]
#     AOT_SENSOR  default: bash bench/publish-sensor-aot.sh's output (published if missing)
#     JIT_SENSOR  default: src/Sensor.Cli/bin/Release/net10.0/sensor (run `dotnet build -c Release` first)
#
# Needs the loopback postfix (25) and dovecot (143) of scripts/setup-test-servers.sh and a
# nats-server on PATH. Each build gets its own data folder holding the same fingerprint key (the
# secret fingerprints are an HMAC under a per-folder random key). Normalised before diffing, because
# they differ from run to run by nature: every "ts" (the time a probe or verdict was made),
# "duration_ms" (how long a probe took), "run" (a run's id: its start and a random part) and
# "secret_fingerprint" (with --no-db each run keys them with its own random key). Prints one line per check and "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
AOT=${1:-/work/bench-data/sensor-aot/sensor}
JIT=${2:-$ROOT/src/Sensor.Cli/bin/Release/net10.0/sensor}
[[ -x $AOT ]] || AOT=$(bash "$ROOT/bench/publish-sensor-aot.sh")
[[ -x $JIT ]] || { echo "no JIT build at $JIT (dotnet build Sensor.sln -c Release)" >&2; exit 2; }
file "$AOT" | grep -q ELF || { echo "$AOT is not a native executable" >&2; exit 2; }

W=$(mktemp -d); NATS_PID=
trap '[[ -n $NATS_PID ]] && kill "$NATS_PID" 2>/dev/null; sleep 0.5; rm -rf "$W"' EXIT
head -c 32 /dev/urandom > "$W/fingerprint.key"
for b in aot jit; do mkdir -p "$W/$b/data/sensor"; cp "$W/fingerprint.key" "$W/$b/data/sensor/"; done
declare -A BIN=([aot]=$AOT [jit]=$JIT)
PASSED=0; FAILED=0

# sensor BUILD ARGS... : runs one build in its own data folder (@B in an argument becomes the build's
# name); stdout to $W/BUILD.out, exit code appended.
sensor() {
  local b=$1; shift
  (cd "$W/$b" && XDG_DATA_HOME="$W/$b/data" timeout 120 "${BIN[$b]}" "${@//@B/$b}" > "$W/$b.out" 2> "$W/$b.err"; echo "exit $?" >> "$W/$b.out")
}
# stop PID [SIGNAL] : signals a process this script started and waits until it is gone (or says so).
stop() {
  kill -"${2:-TERM}" "$1" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  echo "FAIL process $1 did not stop on SIG${2:-TERM} within 10 s"; FAILED=$((FAILED + 1)); kill -KILL "$1"
}
normalise() {
  jq -c 'walk(if type == "object" then with_entries(if .key == "ts" then .value = "T" elif .key == "duration_ms" then .value = 0
    elif (.key == "run" and (.value | type) == "string") then .value = "R"
    elif (.key == "secret_fingerprint" and (.value | type) == "string") then .value = "F" else . end) else . end)' 2>/dev/null \
    || cat  # not JSON (a table or a help text): as printed
}
# The run's own clock in text output: "... at 2026-11-29T16:50:49.539167Z", "... in 0.14 s".
normalise_text() { sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/T/g; s/ in [0-9.]+ s$/ in N s/'; }
# check NAME KIND ARGS... : runs both builds, normalises (KIND json: JSON Lines before the exit line), diffs.
check() {
  local name=$1 kind=$2; shift 2
  sensor aot "$@"; sensor jit "$@"
  for b in aot jit; do
    if [[ $kind == json ]]; then { grep -v '^exit ' "$W/$b.out" | normalise; grep '^exit ' "$W/$b.out"; } > "$W/$b.norm"
    else cat "$W/$b.out" "$W/$b.err" | normalise_text > "$W/$b.norm"; fi
  done
  if diff -q "$W/aot.norm" "$W/jit.norm" > /dev/null; then
    echo "ok   $name ($(grep -v '^exit ' "$W/jit.norm" | wc -l) lines, $(tail -1 "$W/jit.norm"))"; PASSED=$((PASSED + 1))
  else
    echo "FAIL $name:"; diff "$W/aot.norm" "$W/jit.norm" | head -20; head -5 "$W/aot.err"; FAILED=$((FAILED + 1))
  fi
}

CAPTURES=$(cd "$ROOT" && ls captures/*.pcap captures/*.pcapng 2>/dev/null)
echo "# replay --json --no-db, each capture"
for f in $CAPTURES; do check "replay $f" json replay "$ROOT/$f" --json --no-db; done

echo "# replay with the default LiteDB store, twice: the second run judges with the first run's server history"
ALL=$(for f in $CAPTURES; do echo "$ROOT/$f"; done)
CLEAN=$(echo "$ALL" | grep -- '-clean\.pcap$'); REST=$(echo "$ALL" | grep -v -- '-clean\.pcap$')
check "replay (store, 1st run: the clean STARTTLS captures)" json replay $CLEAN --json
# What each build stored: every field name with its BSON type and count, from the raw file.
census() {
  python3 -c 'import re, sys, collections
data = open(sys.argv[1], "rb").read()
names = collections.Counter((m.group(1)[0], m.group(2).decode()) for m in re.finditer(rb"([\x01-\x13])([a-z_][a-z_0-9]{2,})\x00", data))
for (kind, name), n in sorted(names.items()): print(f"bson-type {kind} {name} x{n}")' "$1"
}
census "$W/aot/data/sensor/sensor.db" > "$W/aot.census"; census "$W/jit/data/sensor/sensor.db" > "$W/jit.census"
if [[ -s $W/jit.census ]] && diff -q "$W/aot.census" "$W/jit.census" > /dev/null; then
  echo "ok   both stores hold the same fields ($(wc -l < "$W/jit.census") field names and BSON types)"; PASSED=$((PASSED + 1))
else echo "FAIL the stores differ (< aot, > jit):"; diff "$W/aot.census" "$W/jit.census" | head -20; FAILED=$((FAILED + 1)); fi
for b in aot jit; do cp "$W/$b/data/sensor/sensor.db" "$W/$b-store.db"; done  # for the cross-read below
check "replay (store, 2nd run: the other captures)" json replay $REST --json
grep -v '^exit ' "$W/jit.out" | normalise > "$W/second-run"
sensor jit replay $REST --json --no-db; grep -v '^exit ' "$W/jit.out" | normalise > "$W/no-history"
if diff -q "$W/second-run" "$W/no-history" > /dev/null; then
  echo "FAIL the store's history changed nothing in the 2nd run: the check proves nothing"; FAILED=$((FAILED + 1))
else
  echo "ok   the stored history changed $(diff "$W/second-run" "$W/no-history" | grep -c '^<') record(s) of the 2nd run"; PASSED=$((PASSED + 1))
fi
# The AOT-written store read by the JIT build: a field the AOT build lost would change this run.
BIN[aot]=$JIT; check "the JIT build's 2nd run over the AOT-written store" json replay $REST --json --db "$W/@B-store.db"; BIN[aot]=$AOT
check "replay, summary tables" text replay $ALL --no-db
printf '{"policies": {"example.test": {"mode": "enforce", "mxs": [".example.test"]}}}' > "$W/policy.json"
check "replay --policy (EFF policy.json)" json replay $ALL --json --no-db --policy "$W/policy.json"
check "replay --evidence (one pcap per finding)" json replay $ALL --json --no-db --evidence ev
for b in aot jit; do (cd "$W/$b/ev" && md5sum * 2>/dev/null) > "$W/$b.ev"; done
if [[ -s $W/jit.ev ]] && diff -q "$W/aot.ev" "$W/jit.ev" > /dev/null; then
  echo "ok   the evidence pcaps are the same ($(wc -l < "$W/jit.ev") files, md5)"; PASSED=$((PASSED + 1))
else echo "FAIL the evidence pcaps differ:"; diff "$W/aot.ev" "$W/jit.ev" | head -10; FAILED=$((FAILED + 1)); fi

echo "# rules, probes, import, fieldtest"
check "rules check rules/default.yaml" text rules check "$ROOT/rules/default.yaml"
check "probe 127.0.0.1:25 --json --no-db" json probe 127.0.0.1:25 --json --no-db
grep -v '^exit ' "$W/jit.out" | jq -c '.vantage = "elsewhere"' > "$W/elsewhere.jsonl"
check "probe 127.0.0.1:25 --json (store)" json probe 127.0.0.1:25 --json
check "probe 127.0.0.1:143 --proto imap --json (store)" json probe 127.0.0.1:143 --proto imap --json
check "import (probe records from elsewhere)" text import "$W/elsewhere.jsonl"
check "replay with stored and imported probes: cross-check verdicts" json replay $ALL --json
check "replay --crosscheck (servers probed on the fly from here)" json replay $REST --json --no-db --crosscheck --crosscheck-timeout 3
check "fieldtest 127.0.0.1:25 --json (compares with the stored probes)" json fieldtest 127.0.0.1:25 --json
check "fieldtest 127.0.0.1:25 --report F.html" text fieldtest 127.0.0.1:25 --report F.html --no-db
for b in aot jit; do sed -E 's/[0-9]+ ms/N ms/g' "$W/$b/F.html" | normalise_text > "$W/$b.html" 2>/dev/null; done
if [[ -s $W/jit.html ]] && diff -q "$W/aot.html" "$W/jit.html" > /dev/null; then
  echo "ok   fieldtest HTML report ($(wc -c < "$W/jit.html") bytes, the same but for times)"; PASSED=$((PASSED + 1))
else echo "FAIL fieldtest HTML report:"; diff "$W/aot.html" "$W/jit.html" | head -10; FAILED=$((FAILED + 1)); fi
check "live --help" text live --help

echo "# live: the configuration file (checked key by key, bound), Serilog sinks from it, the Prometheus endpoint"
printf '{ "Capture": { "Interfacez": ["lo"] } }' > "$W/bad-key.json"
printf '{ "Capture": { "Interfaces": ["lo"], "BufferMb": "lots" } }' > "$W/bad-value.json"
check "live --config with an unknown key" text live --config "$W/bad-key.json"
check "live --config with a value of the wrong type" text live --config "$W/bad-value.json"
MPORT=$((20000 + RANDOM % 20000))
cat > "$W/live.json" <<JSON
{ "Capture": { "Interfaces": ["lo"], "Bpf": "tcp port 25", "BufferMb": 4 },
  "Storage": { "Enabled": false },
  "Sinks": { "JsonLines": { "Path": "events.jsonl", "RotateEvery": "01:00:00", "Keep": 2 } },
  "Caps": { "Workers": 1, "MemoryBudgetMb": 64 },
  "Metrics": { "Prometheus": "127.0.0.1:$MPORT", "StatsInterval": "00:00:01" },
  "Logging": { "MinimumLevel": "Information",
    "WriteTo": [ { "Name": "File", "Args": { "path": "live.log", "outputTemplate": "{Level:w}: {Message:lj}{NewLine}" } } ] } }
JSON
for b in aot jit; do
  (cd "$W/$b" && XDG_DATA_HOME="$W/$b/data" exec "${BIN[$b]}" live --config "$W/live.json" > "$W/live-$b.out" 2> "$W/live-$b.err") &
  LIVE=$!; sleep 2
  "$JIT" probe 127.0.0.1:25 --no-db > /dev/null 2>&1  # a real SMTP session on lo for the capture (SharpPcap)
  sleep 2
  curl -s "http://127.0.0.1:$MPORT/metrics" | grep -o '^[a-z_]*' | sort -u > "$W/metrics-$b"
  stop "$LIVE" INT
  # the file sink from the config's Logging section, with the stats line every second
  # (other work may use port 25 too: only whether the probe's session was seen is compared)
  seen=$(jq -c 'select(.type == "session" and .server == "127.0.0.1:25" and .starttls_attempted and .tls_established) | .protocol' "$W/$b/events.jsonl" 2>/dev/null | sort -u)
  { echo "metrics: $(tr '\n' ' ' < "$W/metrics-$b")"; echo "captured STARTTLS sessions to 127.0.0.1:25: $seen"; sed -E 's/[0-9]+/N/g' "$W/$b/live.log" | sort -u; } > "$W/live-$b"
done
if [[ -s $W/metrics-jit ]] && grep -q . "$W/jit/live.log" && grep -q '"smtp"' "$W/live-jit" && diff -q "$W/live-aot" "$W/live-jit" > /dev/null; then
  echo "ok   live --config on lo: the probe's session captured, same metric names ($(wc -l < "$W/metrics-jit")) and log lines (file sink from the config)"; PASSED=$((PASSED + 1))
else echo "FAIL live --config (< aot, > jit):"; diff "$W/live-aot" "$W/live-jit" | head -20; head -5 "$W/live-aot.err"; FAILED=$((FAILED + 1)); fi

echo "# DNS (DnsClient against an unbound on loopback): MX, A, TLSA, MTA-STS and TLS-RPT TXT; survey and its LiteDB journal"
DPORT=$((20000 + RANDOM % 20000)); mkdir -p "$W/unbound"
cat > "$W/unbound/unbound.conf" <<CONF
server:
  interface: 127.0.0.86
  port: $DPORT
  do-ip6: no
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$W/unbound"
  pidfile: "$W/unbound/unbound.pid"
  use-syslog: no
  logfile: ""
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
  local-zone: "." refuse
  local-zone: "test." static
  local-data: "mail.test. MX 10 mx.mail.test."
  local-data: "mx.mail.test. A 127.0.0.1"
  local-data: "_25._tcp.mx.mail.test. TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  local-data: '_mta-sts.mail.test. TXT "v=STSv1; id=20261129"'
  local-data: '_smtp._tls.mail.test. TXT "v=TLSRPTv1; rua=mailto:tlsrpt@mail.test"'
remote-control:
  control-enable: no
CONF
unbound -c "$W/unbound/unbound.conf" > "$W/unbound/log" 2>&1 & UNBOUND_PID=$!
sleep 1
check "probe mail.test (MX, TLSA, MTA-STS via DNS) --json --no-db" json probe mail.test --proto smtp --resolver "127.0.0.86:$DPORT" --timeout 3 --json --no-db
printf 'mail.test\n127.0.0.1:25\n127.0.0.1:2600\n' > "$W/domains.txt"
check "survey (1st run, store and journal)" json survey "$W/domains.txt" --resolver "127.0.0.86:$DPORT" --timeout 3 --json --no-progress
check "survey (2nd run: resumed from the journal, nothing probed again)" json survey "$W/domains.txt" --resolver "127.0.0.86:$DPORT" --timeout 3 --json --no-progress
kill "$UNBOUND_PID"

echo "# NATS: a probe agent answering probe --via, replay publishing through the LiteDB outbox, tail"
PORT=$((20000 + RANDOM % 20000)); TOKEN=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "$TOKEN" > "$W/token"
nats-server -a 127.0.0.1 -p "$PORT" --auth "$TOKEN" -js -sd "$W/js" > "$W/nats.log" 2>&1 & NATS_PID=$!
sleep 1
NATS=(--bus "nats://127.0.0.1:$PORT" --token-file "$W/token")
for b in aot jit; do
  (cd "$W/$b" && XDG_DATA_HOME="$W/$b/data" exec "${BIN[$b]}" agent "${NATS[@]}" --name "agent-$b" --allow 127.0.0.0/8 > "$W/agent-$b.log" 2>&1) &
  echo $! > "$W/agent-$b.pid"
done
sleep 2
for via in aot jit; do
  check "probe --via agent-$via (both builds as client)" json probe 127.0.0.1:25 --json --no-db "${NATS[@]}" --via "agent-$via"
done
for b in aot jit; do stop "$(cat "$W/agent-$b.pid")"; done
check "replay --bus (records through the LiteDB outbox to JetStream)" json replay $ALL --json --no-db "${NATS[@]}" --sensor-name pub-@B
for pub in aot jit; do
  check "tail --all --no-follow --json of what the $pub build published" json tail --all --no-follow --json --sensor "pub-$pub" "${NATS[@]}"
  grep -v '^exit ' "$W/jit.out" | normalise | jq -c 'del(.sensor)' > "$W/tail-$pub"
done
if [[ -s $W/tail-jit ]] && diff -q "$W/tail-aot" "$W/tail-jit" > /dev/null; then
  echo "ok   the AOT build published what the JIT build published ($(wc -l < "$W/tail-jit") findings)"; PASSED=$((PASSED + 1))
else echo "FAIL published findings differ:"; diff "$W/tail-aot" "$W/tail-jit" | head -10; FAILED=$((FAILED + 1)); fi

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
