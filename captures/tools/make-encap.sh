#!/bin/bash
# Tunnelled mail: real Postfix/Dovecot sessions carried through tunnels, captured on the underlay.
#
# Real tunnels: this kernel has VXLAN (and veth, bridges) but no GRE, Geneve, ERSPAN, L2TP, IPIP/sit,
# MPLS or PPP, so the VXLAN captures come from Linux's own VXLAN devices in network namespaces
# (encap-*), captured on the underlay veth with tcpdump; every other encapsulation is made by
# tools/encap_wrap.py (scapy), which wraps the frames of a real capture, inner bytes untouched.
# Needs root. The servers are the loopback test servers (setup-servers.sh), reached from the
# namespaces through socat over a Unix socket (bytes relayed unchanged).
source "$(dirname "$0")/lib.sh"
cd /tmp
SW=(swaks "${SWAKS_COMMON[@]}")
AUTH_ALICE=(--auth-user "$ALICE" --auth-password "$ALICE_PW")
WORK=$(mktemp -d /tmp/encap-captures.XXXXXX)
RELAYS=()

cleanup() {
  for pid in "${RELAYS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for ns in encap-c1 encap-s1 encap-c2 encap-s2; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# relay PORT: root namespace Unix socket -> the loopback server on PORT
relay() {
  socat "UNIX-LISTEN:$WORK/$1.sock,fork" "TCP:127.0.0.1:$1" &
  RELAYS+=($!)
}

# customer N VNI: client namespace encap-cN (inner 10.0.0.1) and server namespace encap-sN (inner
# 10.0.0.2, socat listening on 587 and 143) joined by a veth underlay 10.99.0.1 <-> 10.99.0.2 and a
# VXLAN device with the given VNI. Both customers use the same addresses, underlay and inner.
customer() {
  local n=$1 vni=$2
  ip netns add "encap-c$n"
  ip netns add "encap-s$n"
  ip link add "encap-u$n" netns "encap-c$n" type veth peer name "encap-v$n" netns "encap-s$n"
  ip -n "encap-c$n" addr add 10.99.0.1/24 dev "encap-u$n"
  ip -n "encap-s$n" addr add 10.99.0.2/24 dev "encap-v$n"
  ip -n "encap-c$n" link add vx0 type vxlan id "$vni" local 10.99.0.1 remote 10.99.0.2 dstport 4789 dev "encap-u$n"
  ip -n "encap-s$n" link add vx0 type vxlan id "$vni" local 10.99.0.2 remote 10.99.0.1 dstport 4789 dev "encap-v$n"
  ip -n "encap-c$n" addr add 10.0.0.1/24 dev vx0
  ip -n "encap-s$n" addr add 10.0.0.2/24 dev vx0
  for ns in "encap-c$n" "encap-s$n"; do
    ip -n "$ns" link set lo up
    for dev in $(ip -n "$ns" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -v '^lo$'); do ip -n "$ns" link set "$dev" up; done
  done
  for port in 587 143; do
    ip netns exec "encap-s$n" socat "TCP-LISTEN:$port,bind=10.0.0.2,fork,reuseaddr" "UNIX-CONNECT:$WORK/$port.sock" &
    RELAYS+=($!)
  done
  sleep 1
}

# ucap_start N FILE: tcpdump on customer N's underlay veth
ucap_start() {
  ip netns exec "encap-c$1" tcpdump -i "encap-u$1" -U -s 0 -w "$2" 2>"$2.log" &
  eval "UCAP$1=$!"
  for i in $(seq 1 50); do grep -q "listening on" "$2.log" 2>/dev/null && break; sleep 0.1; done
  sleep 0.3
}

ucap_stop() {
  sleep 1
  local pid
  eval "pid=\$UCAP$1"
  kill -INT "$pid"; wait "$pid" || true
}

relay 587
relay 143
customer 1 1001
customer 2 1002

# 1. one customer: AUTH PLAIN and a message through VXLAN (VNI 1001)
ucap_start 1 "$WORK/vxlan.pcap"
ip netns exec encap-c1 "${SW[@]}" --server 10.0.0.2:587 --auth PLAIN "${AUTH_ALICE[@]}"
ucap_stop 1
cp "$WORK/vxlan.pcap" "$CAPDIR/encap-vxlan.pcap"

# 2. two customers, same inner and outer addresses and the same client port, at the same time,
#    VNI 1001 (AUTH PLAIN and a message) and VNI 1002 (AUTH LOGIN, no message)
ucap_start 1 "$WORK/c1.pcap"
ucap_start 2 "$WORK/c2.pcap"
ip netns exec encap-c1 "${SW[@]}" --server 10.0.0.2:587 --local-port 40587 --auth PLAIN "${AUTH_ALICE[@]}" &
C1=$!
sleep 0.3
ip netns exec encap-c2 "${SW[@]}" --server 10.0.0.2:587 --local-port 40587 --auth LOGIN "${AUTH_ALICE[@]}" --quit-after AUTH
wait "$C1"
ucap_stop 1
ucap_stop 2
mergecap -F pcap -w "$CAPDIR/encap-vxlan-two-customers.pcap" "$WORK/c1.pcap" "$WORK/c2.pcap"

# 3. IMAP LOGIN (alice, then bob) through VXLAN: the base for the scapy-wrapped IMAP captures
ucap_start 1 "$WORK/imap.pcap"
ip netns exec encap-c1 "$PY" "$TOOLS/mailbox_client.py" imap-quoted 10.0.0.2 143 "$ALICE" "$ALICE_PW"
ip netns exec encap-c1 "$PY" "$TOOLS/mailbox_client.py" imap-quoted 10.0.0.2 143 "$BOB" "$BOB_PW"
ucap_stop 1
cp "$WORK/imap.pcap" "$CAPDIR/encap-vxlan-imap.pcap"

# 4. every other encapsulation: wrapped around real captures, inner bytes untouched
W="$PY $TOOLS/encap_wrap.py"
$W pppoe     "$CAPDIR/smtp-auth-plain-cleartext.pcap" "$CAPDIR/encap-pppoe.pcap"
$W mpls      "$CAPDIR/smtp-auth-plain-cleartext.pcap" "$CAPDIR/encap-mpls.pcap"
$W mpls-pw   "$CAPDIR/imap-login-cleartext.pcap"      "$CAPDIR/encap-mpls-pseudowire.pcap"
$W gre       "$CAPDIR/smtp-auth-plain-cleartext.pcap" "$CAPDIR/encap-gre-key-seq.pcap"
$W gre-csum  "$CAPDIR/pop3-user-pass-cleartext.pcap"  "$CAPDIR/encap-gre-checksum.pcap"
$W gretap    "$CAPDIR/imap-login-cleartext.pcap"      "$CAPDIR/encap-gretap.pcap"
$W erspan2   "$CAPDIR/smtp-auth-plain-cleartext.pcap" "$CAPDIR/encap-erspan2.pcap"
$W erspan3   "$CAPDIR/imap-login-cleartext.pcap"      "$CAPDIR/encap-erspan3-platform.pcap"
$W geneve    "$CAPDIR/smtp-auth-plain-cleartext.pcap" "$CAPDIR/encap-geneve-options.pcap"
$W l2tp      "$CAPDIR/pop3-user-pass-cleartext.pcap"  "$CAPDIR/encap-l2tp.pcap"
$W gtpu      "$CAPDIR/smtp-auth-plain-cleartext.pcap" "$CAPDIR/encap-gtpu-extensions.pcap"
$W ipip      "$CAPDIR/imap-login-cleartext.pcap"      "$CAPDIR/encap-ipip.pcap"
$W 6in4      "$CAPDIR/smtp-ipv6.pcap"                 "$CAPDIR/encap-6in4.pcap"
$W 4in6      "$CAPDIR/smtp-auth-plain-cleartext.pcap" "$CAPDIR/encap-4in6.pcap"
$W in-gre    "$CAPDIR/encap-vxlan.pcap"               "$CAPDIR/encap-vxlan-in-gre.pcap"
$W mpls-over-pppoe "$CAPDIR/encap-vxlan-imap.pcap"    "$CAPDIR/encap-vxlan-mpls-pppoe-vlan.pcap"
chmod 644 "$CAPDIR"/encap-*.pcap
for f in "$CAPDIR"/encap-*.pcap; do echo "== $(basename "$f"): $(stat -c %s "$f") bytes"; done
