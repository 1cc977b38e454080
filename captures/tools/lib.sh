# Shared helpers for the make-*.sh capture scripts (sourced, not run).
# All traffic is on loopback only.
set -euo pipefail
CAPDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=$CAPDIR/tools
PY=/usr/bin/python3            # Debian's python3, standard library only
ALICE=alice@example.test
ALICE_PW=S3cret-Pa55
BOB=bob
BOB_PW=hunter2
CAROL=carol
CAROL_PW='pa"ss\word'
SWAKS_COMMON=(--ehlo client.example.test --from alice@example.test --to bob@example.test
              --header "Subject: sensor capture test" --body "Hello Bob, this is a capture test.")
TCPDUMP_PID=
PROXY_PID=

# cap_start NAME FILTER [extra tcpdump args...]  (interface lo unless -i given in extras)
cap_start() {
  local name=$1 filter=$2; shift 2
  local iface=(-i lo)
  for a in "$@"; do [ "$a" = "-i" ] && iface=(); done
  rm -f "$CAPDIR/$name.pcap"
  tcpdump "${iface[@]}" -U -s 0 "$@" -w "$CAPDIR/$name.pcap" "$filter" 2>/tmp/tcpdump-$name.log &
  TCPDUMP_PID=$!
  CUR_CAP=$name
  # wait until tcpdump is listening
  for i in $(seq 1 50); do grep -q "listening on" /tmp/tcpdump-$name.log 2>/dev/null && break; sleep 0.1; done
  sleep 0.3
}

cap_stop() {
  sleep 1
  kill -INT "$TCPDUMP_PID"
  wait "$TCPDUMP_PID" || true
  TCPDUMP_PID=
  chmod 644 "$CAPDIR/$CUR_CAP.pcap"
  echo "== $CUR_CAP.pcap: $(stat -c %s "$CAPDIR/$CUR_CAP.pcap") bytes; connections (client > server):"
  tcpdump -nr "$CAPDIR/$CUR_CAP.pcap" 2>/dev/null | grep 'Flags \[S\],' \
    | sed -E 's/.* IP6? ([^ ]+) > ([^ ]+): .*/    \1 > \2/'
}

# proxy_start PROTO MODE LISTEN UPSTREAM [extra proxy args, e.g. --source 127.0.0.6]
proxy_start() {
  "$PY" "$TOOLS/striptls_proxy.py" --proto "$1" --mode "$2" --listen "$3" --upstream "$4" "${@:5}" \
      >/tmp/proxy.out 2>>/tmp/proxy.log &
  PROXY_PID=$!
  for i in $(seq 1 50); do grep -q READY /tmp/proxy.out 2>/dev/null && break; sleep 0.1; done
}

proxy_stop() {
  if [ -n "$PROXY_PID" ]; then kill "$PROXY_PID" 2>/dev/null || true; wait "$PROXY_PID" 2>/dev/null || true; fi
  PROXY_PID=
  sleep 0.3
}

# The mailbox and user settings of a second Dovecot instance (the users of setup-servers.sh), for
# the make-*.sh scripts that start one with a config of their own.
DOVECOT_USERS_CONF=$(cat "$TOOLS/dovecot-users.conf")

cleanup() {
  [ -n "${TCPDUMP_PID:-}" ] && kill -INT "$TCPDUMP_PID" 2>/dev/null || true
  [ -n "${PROXY_PID:-}" ] && kill "$PROXY_PID" 2>/dev/null || true
}
trap cleanup EXIT
