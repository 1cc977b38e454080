#!/usr/bin/env bash
# The network-namespace lab of the --locate tests (LocateLabTests): a chain of routers between a
# client and a mail server, and optionally a STARTTLS-stripping box on one of the routers.
#
#   PREFIX-c  the client (the sensor)         10.9.0.2, default via 10.9.0.1
#   PREFIX-rK router K (forwarding on)        10.9.(K-1).1 towards the client, 10.9.K.2 towards the server:
#                                              its ICMP time exceeded comes from 10.9.(K-1).1
#   PREFIX-s  the mail server, hop ROUTERS+1  10.9.ROUTERS.1:25, relaying to the real loopback postfix of the
#                                              root namespace over a Unix socket (file-system sockets cross
#                                              network namespaces) that socat in the root namespace relays
#   on router BOX (0: none), a transparent TCP-terminating proxy: iptables REDIRECTs port 25 to the
#   server's address into captures/tools/striptls_proxy.py --mode strip, which relays to the server
#   (the box's own connection, not redirected); everything else it routes, as a router does.
#
# IPv6 the same way: fd09:0:0:K::1 and fd09:0:0:K::2 on link K (10.9.K.1 and 10.9.K.2), the server at
# [fd09:0:0:ROUTERS::1]:25.
#
# No traffic leaves the namespaces made here and the root namespace's loopback.
#
# usage: locate-lab.sh up DIR PREFIX ROUTERS BOX
#        locate-lab.sh down DIR PREFIX
set -euo pipefail
cmd=$1 dir=$2 prefix=$3
proxy="$(cd "$(dirname "$0")/../../.." && pwd)/captures/tools/striptls_proxy.py"
# shellcheck source=netns-lib.sh
source "$(dirname "$0")/netns-lib.sh"

case $cmd in
up)
  routers=$4 box=$5 server="10.9.$4.1"
  : >"$dir/pids"
  ip netns add "$prefix-c"; ip netns add "$prefix-s"
  for k in $(seq "$routers"); do
    ip netns add "$prefix-r$k"
    ip netns exec "$prefix-r$k" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  done
  near=$prefix-c
  for k in $(seq 0 "$routers"); do
    far=$prefix-s; [ "$k" -lt "$routers" ] && far=$prefix-r$((k + 1))
    link "$near" "10.9.$k.2" "$far" "10.9.$k.1" "${prefix}l$k"
    ip -n "$near" addr add "fd09:0:0:$k::2/64" dev "${prefix}l${k}a" nodad
    ip -n "$far" addr add "fd09:0:0:$k::1/64" dev "${prefix}l${k}b" nodad
    near=$far
  done
  for n in c s $(seq -f 'r%g' "$routers"); do ip -n "$prefix-$n" link set lo up; done
  ip -n "$prefix-c" route add default via 10.9.0.1
  ip -n "$prefix-c" -6 route add default via fd09:0:0:0::1
  ip -n "$prefix-s" route add default via "10.9.$routers.2"
  ip -n "$prefix-s" -6 route add default via "fd09:0:0:$routers::2"
  for k in $(seq "$routers"); do
    if [ "$k" -lt "$routers" ]; then
      ip -n "$prefix-r$k" route add default via "10.9.$k.1"
      ip -n "$prefix-r$k" -6 route add default via "fd09:0:0:$k::1"
    fi
    for j in $(seq 0 $((k - 2))); do
      ip -n "$prefix-r$k" route add "10.9.$j.0/24" via "10.9.$((k - 1)).2"
      ip -n "$prefix-r$k" -6 route add "fd09:0:0:$j::/64" via "fd09:0:0:$((k - 1))::2"
    done
  done
  bg mail-bridge - socat "UNIX-LISTEN:$dir/mail.sock,fork" TCP:127.0.0.1:25
  for _ in $(seq 100); do [ -S "$dir/mail.sock" ] && break; sleep 0.1; done
  bg server "$prefix-s" socat TCP6-LISTEN:25,ipv6only=0,fork,reuseaddr "UNIX-CONNECT:$dir/mail.sock"
  wait_port "$prefix-s" "$server" 25
  if [ "$box" -gt 0 ]; then
    ns=$prefix-r$box
    ip netns exec "$ns" iptables -t nat -A PREROUTING -p tcp -d "$server" --dport 25 -j REDIRECT --to-ports 10024
    ip netns exec "$ns" ip6tables -t nat -A PREROUTING -p tcp -d "fd09:0:0:$routers::1" --dport 25 -j REDIRECT --to-ports 10024
    bg box-front "$ns" socat TCP6-LISTEN:10024,ipv6only=0,fork,reuseaddr TCP:127.0.0.1:10025
    bg box-proxy "$ns" python3 "$proxy" --proto smtp --mode strip --listen 127.0.0.1:10025 --upstream 127.0.0.1:10026
    bg box-back "$ns" socat TCP-LISTEN:10026,bind=127.0.0.1,fork,reuseaddr "TCP:$server:25"
    wait_port "$ns" 127.0.0.1 10025
  fi
  wait_port "$prefix-c" "$server" 25
  wait_port "$prefix-c" "fd09:0:0:$routers::1" 25
  ;;
down)
  teardown "$prefix" c s r1 r2 r3 r4
  ;;
esac
