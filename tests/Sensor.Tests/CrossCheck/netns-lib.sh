# Shell functions the namespace labs share (netns-lab.sh, socks-lab.sh); sourced, with $dir set to
# the lab's directory (pids and logs go there).

bg() { # bg NAME NS|- COMMAND...: start in the background, remember the pid, log to DIR/NAME.log
  local name=$1 ns=$2; shift 2
  if [ "$ns" = - ]; then "$@" >"$dir/$name.log" 2>&1 &
  else ip netns exec "$ns" "$@" >"$dir/$name.log" 2>&1 &
  fi
  echo $! >>"$dir/pids"
}

wait_for() { # wait_for FILE TEXT: up to 20 s
  for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2 || true; return 1
}

wait_port() { # wait_port NS ADDRESS PORT
  for _ in $(seq 200); do ip netns exec "$1" bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on $2:$3 in $1" >&2; return 1
}

link() { # link NS1 ADDR1 NS2 ADDR2 NAME: a veth pair between two namespaces, /24 on both ends
  ip link add "$5a" type veth peer name "$5b"
  ip link set "$5a" netns "$1"; ip link set "$5b" netns "$3"
  ip -n "$1" addr add "$2/24" dev "$5a"; ip -n "$1" link set "$5a" up
  ip -n "$3" addr add "$4/24" dev "$5b"; ip -n "$3" link set "$5b" up
}

capture_sessions() { # capture_sessions NS IFACE SERVER N: tcpdump on IFACE around N swaks sessions to SERVER:25 -> DIR/capture.pcap
  ip netns exec "$1" tcpdump --immediate-mode -i "$2" -w "$dir/capture.pcap" -U 'tcp port 25' >"$dir/tcpdump.log" 2>&1 &
  local tcpdump=$!
  wait_for "$dir/tcpdump.log" "listening on"
  for _ in $(seq "$4"); do
    ip netns exec "$1" swaks --server "$3:25" --from alice@example.test --to postmaster@mail.example.test \
      --helo client.example.test --tls-optional --quit-after RCPT >>"$dir/swaks.log" 2>&1 || true
  done
  sleep 0.5
  kill -INT "$tcpdump"; wait "$tcpdump" || true
}

teardown() { # teardown PREFIX LETTER...: kills what bg started, deletes the namespaces PREFIX-LETTER and their /etc/netns entries
  local prefix=$1; shift
  if [ -f "$dir/pids" ]; then while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$dir/pids"; fi
  for n in "$@"; do
    if ip netns list | grep -qw "$prefix-$n"; then
      for pid in $(ip netns pids "$prefix-$n"); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns delete "$prefix-$n"
    fi
    rm -rf "/etc/netns/$prefix-$n"
  done
}
