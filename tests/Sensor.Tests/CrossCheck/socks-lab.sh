#!/usr/bin/env bash
# The network-namespace lab of the SOCKS5 vantage tests (SocksVantageTests). Four namespaces:
#
#   PREFIX-l  "here": the sensor                 10.78.1.2 --veth-- 10.78.1.1  PREFIX-m
#             and the proxy's network            10.78.4.2 --veth-- 10.78.4.1  PREFIX-p
#   PREFIX-m  the path from here and its resolver: intercepts the server address 10.78.0.1:25 like a
#             transparent middlebox and relays to the server's side (10.78.3.1 --veth-- 10.78.3.2)
#             through the STARTTLS-stripping proxy (PATH=strip) or straight (PATH=direct); here's DNS
#             resolver is a real unbound on 10.78.1.1:53 that answers truthfully (DNS=honest) or says
#             NXDOMAIN for the mail host (DNS=lying)
#   PREFIX-p  the proxy's place: a real dante SOCKS5 server on 10.78.4.1:1080 that connects out from
#             10.78.2.2 (--veth-- 10.78.2.1 PREFIX-s) and resolves names through its own unbound on
#             127.0.0.1:53 (always truthful), named in /etc/netns/PREFIX-p/resolv.conf
#   PREFIX-s  the server's side: answers on 10.78.0.1:25, relaying to the loopback postfix of the root
#             namespace over a Unix socket (file-system sockets cross network namespaces)
#
# The zone: lab.test MX 10 mx.lab.test, mx.lab.test A 10.78.0.1. Both sides see the same server
# address; only the path (and here's resolver) differ. No traffic leaves these namespaces and the
# root namespace's loopback.
#
# usage: socks-lab.sh up DIR PREFIX PATH DNS
#        socks-lab.sh capture DIR PREFIX    # tcpdump in L around one swaks session -> DIR/capture.pcap
#        socks-lab.sh down DIR PREFIX       # kills what `up` started, deletes the namespaces and their /etc/netns entries
set -euo pipefail
cmd=$1 dir=$2 prefix=$3
proxy="$(cd "$(dirname "$0")/../../.." && pwd)/captures/tools/striptls_proxy.py"
# shellcheck source=netns-lib.sh
source "$(dirname "$0")/netns-lib.sh"

resolver() { # resolver NS ADDRESS honest|lying: unbound on ADDRESS:53 in NS with the lab's zone, nothing asked outside
  local ns=$1 address=$2 mode=$3 conf="$dir/unbound-$1.conf"
  {
    echo "server:"
    echo "  interface: $address"
    echo "  port: 53"
    echo "  do-ip6: no"
    echo "  do-daemonize: no"
    echo "  username: \"\""
    echo "  chroot: \"\""
    echo "  directory: \"$dir\""
    echo "  pidfile: \"$dir/unbound-$ns.pid\""
    echo "  use-syslog: no"
    echo "  logfile: \"\""
    echo "  num-threads: 1"
    echo "  access-control: 0.0.0.0/0 allow"
    echo "  local-zone: \".\" refuse"
    echo "  local-zone: \"test.\" static"
    echo "  local-data: 'lab.test. MX 10 mx.lab.test.'"
    if [ "$mode" = honest ]; then echo "  local-data: 'mx.lab.test. A 10.78.0.1'"; fi
    echo "remote-control:"
    echo "  control-enable: no"
  } >"$conf"
  bg "unbound-$ns" "$ns" /usr/sbin/unbound -d -c "$conf"
  for _ in $(seq 200); do ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/$address/53" 2>/dev/null && return 0; sleep 0.1; done
  echo "unbound did not start in $ns" >&2; cat "$dir/unbound-$ns.log" >&2; return 1
}

case $cmd in
up)
  path=$4 dns=$5
  : >"$dir/pids"
  for n in l m p s; do
    ip netns add "$prefix-$n"; ip -n "$prefix-$n" link set lo up
    mkdir -p "/etc/netns/$prefix-$n"
  done
  link "$prefix-l" 10.78.1.2 "$prefix-m" 10.78.1.1 "${prefix}lm"
  link "$prefix-l" 10.78.4.2 "$prefix-p" 10.78.4.1 "${prefix}lp"
  link "$prefix-p" 10.78.2.2 "$prefix-s" 10.78.2.1 "${prefix}ps"
  link "$prefix-m" 10.78.3.1 "$prefix-s" 10.78.3.2 "${prefix}ms"
  ip -n "$prefix-l" route add default via 10.78.1.1
  ip -n "$prefix-p" route add 10.78.0.1/32 via 10.78.2.1
  ip -n "$prefix-m" addr add 10.78.0.1/32 dev lo
  ip -n "$prefix-s" addr add 10.78.0.1/32 dev lo
  echo "nameserver 10.78.1.1" >"/etc/netns/$prefix-l/resolv.conf"
  echo "nameserver 127.0.0.1" >"/etc/netns/$prefix-p/resolv.conf"
  resolver "$prefix-m" 10.78.1.1 "$dns"
  resolver "$prefix-p" 127.0.0.1 honest
  bg mail-bridge - socat "UNIX-LISTEN:$dir/mail.sock,fork" TCP:127.0.0.1:25
  for _ in $(seq 100); do [ -S "$dir/mail.sock" ] && break; sleep 0.1; done
  bg s-front "$prefix-s" socat TCP-LISTEN:25,fork,reuseaddr "UNIX-CONNECT:$dir/mail.sock"
  wait_port "$prefix-s" 10.78.0.1 25
  if [ "$path" = strip ]; then
    bg m-front "$prefix-m" socat TCP-LISTEN:25,bind=10.78.0.1,fork,reuseaddr TCP:127.0.0.1:10025
    bg m-proxy "$prefix-m" python3 "$proxy" --proto smtp --mode strip --listen 127.0.0.1:10025 --upstream 127.0.0.1:10026
    bg m-back "$prefix-m" socat TCP-LISTEN:10026,bind=127.0.0.1,fork,reuseaddr TCP:10.78.3.2:25
    wait_port "$prefix-m" 127.0.0.1 10025; wait_port "$prefix-m" 127.0.0.1 10026
  else
    bg m-front "$prefix-m" socat TCP-LISTEN:25,bind=10.78.0.1,fork,reuseaddr TCP:10.78.3.2:25
  fi
  wait_port "$prefix-m" 10.78.0.1 25
  cat >"$dir/danted.conf" <<CONF
logoutput: stderr
internal: 10.78.4.1 port = 1080
external: 10.78.2.2
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 command: connect }
CONF
  bg danted "$prefix-p" /usr/sbin/danted -f "$dir/danted.conf" -N 1 -p "$dir/danted.pid"
  wait_port "$prefix-l" 10.78.4.1 1080
  ;;
capture)
  capture_sessions "$prefix-l" "${prefix}lma" 10.78.0.1 1
  ;;
down)
  teardown "$prefix" l m p s
  ;;
esac
