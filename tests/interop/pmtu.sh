# Path MTU (S2 "propagate PMTU") between two ipsecgwd with a router in the
# middle whose link towards B has an MTU of only 1300:
#
#   LAN 10.94.1.1 a 10.95.1.2 -- 10.95.1.1 r 10.95.2.1 == 10.95.2.2 b LAN 10.94.2.1
#                                            (MTU 1300)
# - propagate yes: a 1400-byte ping with DF gets "fragmentation needed"
#   from A's tunnel with the inner MTU that fits, and a ping of that size
#   then crosses; TCP (iperf3) finds its segment size the same way.
# - propagate no: the outer header carries no DF, so the same ping crosses
#   in fragments: the router fragments A's packets, B (whose own link is
#   the small one) fragments its answers itself.
source "$IPSECGW_TOP/tests/interop/lib.sh"
igw_init pmtu

ns_add a
ns_add r
ns_add b
ns_link a 10.95.1.2/24 r 10.95.1.1/24 >/dev/null
read -r R_B_IF B_IF < <(ns_link r 10.95.2.1/24 b 10.95.2.2/24)
ip -n "$(ns_name r)" link set "$R_B_IF" mtu 1300
ip -n "$(ns_name b)" link set "$B_IF" mtu 1300
ns_lan a 10.94.1.1/32
ns_lan b 10.94.2.1/32
ip -n "$(ns_name a)" route add 10.95.2.0/24 via 10.95.1.1
ip -n "$(ns_name b)" route add 10.95.1.0/24 via 10.95.2.1
ns_exec r sysctl -qw net.ipv4.ip_forward=1

igw_start a b
igw_tunnel a 10.95.2.2 10.94.1.0 10.94.2.0 ipsecPeerPreSharedKey.1 s pmtu-test-key
igw_tunnel b 10.95.1.2 10.94.2.0 10.94.1.0 ipsecPeerPreSharedKey.1 s pmtu-test-key
for n in a b; do
	sset "$n" ipsecProfilePropagatePmtu.1 i yes ipsecProfileIpComp.1 i noComp
	sset "$n" ipsecGlobEnable.0 i true
done
ok "two gateways, a 1300-byte link between them, propagate PMTU on"

big() { ns_exec a ping -M do -c "$1" -i "$2" -W 2 -s "$3" -I 10.94.1.1 10.94.2.1 2>&1 || true; }
ns_exec a ping -c 2 -W 5 -I 10.94.1.1 10.94.2.1 >/dev/null 2>&1 || true
# The first big packets teach A's kernel the 1300 (from the router's
# ICMP); A's tunnel then tells the sender what fits.
out=$(big 4 1.5 1372)
mtu=$(grep -oE "mtu ?= ?[0-9]+" <<<"$out" | grep -oE "[0-9]+" | tail -1 || true)
if [ -n "$mtu" ] && [ "$mtu" -lt 1300 ] && [ "$mtu" -ge 1200 ]; then
	ok "propagate: a 1400-byte ping with DF is answered with fragmentation needed, mtu $mtu"
else
	fail "propagate: no fragmentation needed: $(tail -4 <<<"$out")"; tail -5 "$T/a.log"
fi
if [ -n "$mtu" ] && ns_exec a ping -M do -c 3 -i 0.3 -W 3 -s $((mtu - 28)) -I 10.94.1.1 10.94.2.1 >/dev/null 2>&1; then
	ok "propagate: a ping of $mtu bytes with DF crosses the tunnel"
else
	fail "propagate: no ping of ${mtu:-?} bytes"
fi
if command -v iperf3 >/dev/null; then
	ns_exec b iperf3 -s -1 -D -B 10.94.2.1 >/dev/null 2>&1
	sleep 0.5
	got=$(ns_exec a timeout 30 iperf3 -c 10.94.2.1 -B 10.94.1.1 -t 3 -J 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bytes"])' 2>/dev/null || echo 0)
	[ "${got:-0}" -gt 1000000 ] && ok "propagate: TCP through the tunnel ($((got / 1000)) kB in 3 s, path MTU discovery)" ||
		fail "propagate: TCP moved ${got:-0} bytes"
fi

# Without propagation: the kernel forgets what it learnt, and the same
# DF ping crosses, the tunnel packets being fragmented on the way.
for n in a b; do
	sset "$n" ipsecPeerAdminStatus.1 i down
	sset "$n" ipsecProfilePropagatePmtu.1 i no
	sset "$n" ipsecPeerAdminStatus.1 i up
done
ip -n "$(ns_name a)" route flush cache
ns_exec a ping -c 2 -W 5 -I 10.94.1.1 10.94.2.1 >/dev/null 2>&1 || true
out=$(big 3 0.5 1372)
if grep -q " 0% packet loss" <<<"$out"; then
	ok "no propagation: 1400-byte pings with DF cross the 1300-byte link in fragments"
else
	fail "no propagation: $(tail -3 <<<"$out")"; tail -5 "$T/a.log" "$T/b.log"
fi
igw_finish
