#!/usr/bin/env bash
# The network-namespace lab of the interference test (NetnsInterferenceTests). Four namespaces:
#
#   PREFIX-l  "here": the client, the capture and the sensor      10.77.1.2 --veth-- 10.77.1.1  PREFIX-m
#   PREFIX-m  the path from here: intercepts the server address 10.77.0.1:25 like a transparent
#             middlebox and relays to the server's side (10.77.3.1 --veth-- 10.77.3.2) through the
#             STARTTLS-stripping proxy (PATH=strip), a proxy that strips on every other connection
#             (PATH=alternate), one that answers with another greeting and EHLO list but keeps
#             STARTTLS (PATH=reanswer; both verdict_proxy.py), straight (PATH=direct), or straight from a
#             differently set TCP/IP stack (PATH=otherstack: initial TTL 128, no SACK, timestamps or window
#             scaling; a terminating proxy that passes the dialogue, STARTTLS included, unchanged)
#   PREFIX-a  the agent's place: a real `sensor agent`            10.77.2.2 --veth-- 10.77.2.1  PREFIX-s
#   PREFIX-s  the server's side: answers on port 25 (10.77.0.1 and its link addresses), relaying
#             to the mail server through the stripping proxy (SERVER=strip: the destination's own
#             firewall, on everyone's path), through the proxy that strips on every other connection
#             from each source (SERVER=alternate: a server that varies) or straight (SERVER=direct)
#
# Both sides see the same server address, 10.77.0.1:25; only the path differs. The mail server is
# the real loopback postfix of the root namespace (127.0.0.1:25), reached from inside S over a Unix
# socket (file-system sockets cross network namespaces) that socat in the root namespace relays to
# it; the NATS server on the root namespace's loopback is reached the same way from L and A. No
# traffic leaves the namespaces made here and the root namespace's loopback.
#
# usage: netns-lab.sh up DIR PREFIX PATH SERVER NATS_PORT SENSOR_DLL NATS_USER NATS_PASSWORD_FILE
#        netns-lab.sh capture DIR PREFIX [N] # tcpdump in L around N swaks sessions (default 1) -> DIR/capture.pcap
#        netns-lab.sh down DIR PREFIX        # kills what `up` started, deletes the namespaces
set -euo pipefail
cmd=$1 dir=$2 prefix=$3
proxy="$(cd "$(dirname "$0")/../../.." && pwd)/captures/tools/striptls_proxy.py"
verdict_proxy="$(cd "$(dirname "$0")" && pwd)/verdict_proxy.py"
# shellcheck source=netns-lib.sh
source "$(dirname "$0")/netns-lib.sh"

serve_mail() { # serve_mail NS strip|alternate|reanswer|direct UPSTREAM: port 25 in NS relays to UPSTREAM (a socat address), through a proxy or not
  local ns=$1 mode=$2 upstream=$3
  if [ "$mode" = alternate ] || [ "$mode" = reanswer ]; then
    # listens on port 25 itself, so it sees each client's own address
    bg "$ns-proxy" "$ns" python3 "$verdict_proxy" --mode "$mode" --listen 0.0.0.0:25 --upstream 127.0.0.1:10026
    bg "$ns-back" "$ns" socat TCP-LISTEN:10026,bind=127.0.0.1,fork,reuseaddr "$upstream"
    wait_port "$ns" 127.0.0.1 10026
  elif [ "$mode" = strip ]; then
    bg "$ns-front" "$ns" socat TCP-LISTEN:25,fork,reuseaddr TCP:127.0.0.1:10025
    bg "$ns-proxy" "$ns" python3 "$proxy" --proto smtp --mode strip --listen 127.0.0.1:10025 --upstream 127.0.0.1:10026
    bg "$ns-back" "$ns" socat TCP-LISTEN:10026,bind=127.0.0.1,fork,reuseaddr "$upstream"
    wait_port "$ns" 127.0.0.1 10025
  else
    bg "$ns-front" "$ns" socat TCP-LISTEN:25,fork,reuseaddr "$upstream"
  fi
  wait_port "$ns" 10.77.0.1 25
}

case $cmd in
up)
  path=$4 server=$5 nats_port=$6 dll=$7 user=$8 password_file=$9
  : >"$dir/pids"
  for n in l m a s; do ip netns add "$prefix-$n"; ip -n "$prefix-$n" link set lo up; done
  link "$prefix-l" 10.77.1.2 "$prefix-m" 10.77.1.1 "${prefix}lm"
  link "$prefix-a" 10.77.2.2 "$prefix-s" 10.77.2.1 "${prefix}as"
  link "$prefix-m" 10.77.3.1 "$prefix-s" 10.77.3.2 "${prefix}ms"
  ip -n "$prefix-l" route add default via 10.77.1.1
  ip -n "$prefix-a" route add default via 10.77.2.1
  ip -n "$prefix-m" addr add 10.77.0.1/32 dev lo
  ip -n "$prefix-s" addr add 10.77.0.1/32 dev lo
  bg mail-bridge - socat "UNIX-LISTEN:$dir/mail.sock,fork" TCP:127.0.0.1:25
  bg nats-bridge - socat "UNIX-LISTEN:$dir/nats.sock,fork" "TCP:127.0.0.1:$nats_port"
  for _ in $(seq 100); do [ -S "$dir/mail.sock" ] && [ -S "$dir/nats.sock" ] && break; sleep 0.1; done
  serve_mail "$prefix-s" "$server" "UNIX-CONNECT:$dir/mail.sock"
  if [ "$path" = otherstack ]; then
    ip netns exec "$prefix-m" sysctl -q -w net.ipv4.ip_default_ttl=128 net.ipv4.tcp_sack=0 net.ipv4.tcp_timestamps=0 net.ipv4.tcp_window_scaling=0
    path=direct
  fi
  serve_mail "$prefix-m" "$path" TCP:10.77.3.2:25
  for n in l a; do bg "nats-$n" "$prefix-$n" socat TCP-LISTEN:4222,bind=127.0.0.1,fork,reuseaddr "UNIX-CONNECT:$dir/nats.sock"; done
  wait_port "$prefix-a" 127.0.0.1 4222; wait_port "$prefix-l" 127.0.0.1 4222
  bg agent "$prefix-a" dotnet "$dll" agent --name far --bus nats://127.0.0.1:4222 --user "$user" --password-file "$password_file" --allow 10.77.0.0/16
  wait_for "$dir/agent.log" "agent far listening"
  ;;
capture)
  capture_sessions "$prefix-l" "${prefix}lma" 10.77.0.1 "${4:-1}"
  ;;
down)
  teardown "$prefix" l m a s
  ;;
esac
