# Two advanced settings (A) between two ipsecgwd in network namespaces:
#
# - Trust ICMP messages: a peer address where nothing answers IKE sends
#   ICMP port unreachable; trusted, the negotiation ends at once with that
#   reason; not trusted, it runs until the retransmissions give up.
# - Sync SAs with local interface: when the interface under the tunnel goes
#   down, its SAs are deleted; without the setting they stay.
source "$IPSECGW_TOP/tests/interop/lib.sh"
igw_init adv
rows() { ns_exec "$1" snmpwalk -v2c -c public -r1 -t3 -OqvU "$AGENT" "$2" 2>/dev/null | grep -vc '^No more\|^No Such' || true; }

ns_add a
ns_add b
ns_add x
read -r A_IF _ < <(ns_link a 10.90.0.1/24 b 10.90.0.2/24)
ns_link a 10.89.0.1/24 x 10.89.0.2/24 >/dev/null
ns_lan a 10.96.1.1/32
ns_lan b 10.96.2.1/32
igw_start a b

# Trust ICMP: peer 2 of a is x, where nothing listens on UDP 500.
sset a ipsecGlobMaxRetries.0 i 2 ipsecGlobRetryTimeout.0 i 500
sset a ipsecPeerRowStatus.2 i createAndGo ipsecPeerAddress.2 s 10.89.0.2 ipsecPeerPreSharedKey.2 s nobody-home
last_error() { # waits for ipsecPeerLastError.2 to become non-empty
	local e=""
	for _ in $(seq 1 100); do
		e=$(get a ipsecPeerLastError.2 2>/dev/null | tr -d '"')
		[ -n "$e" ] && break
		sleep 0.1
	done
	echo "$e"
}
sset a ipsecGlobTrustIcmpMsg.0 i true
sset a ipsecPeerAdminStatus.2 i dialup
err=$(last_error)
echo "    trusted: $err"
grep -q "ICMP port unreachable as the first answer" <<<"$err" && ok "trust ICMP: the port unreachable ends the negotiation at once" || fail "trust ICMP: '$err'"
sset a ipsecPeerRowStatus.2 i destroy
sset a ipsecGlobTrustIcmpMsg.0 i false
sset a ipsecPeerRowStatus.2 i createAndGo ipsecPeerAddress.2 s 10.89.0.2 ipsecPeerPreSharedKey.2 s nobody-home
sset a ipsecPeerAdminStatus.2 i dialup
err=$(last_error)
echo "    not trusted: $err"
grep -q "no answer from the peer" <<<"$err" && grep -q "trust ICMP messages is off" "$T/a.log" &&
	ok "trust ICMP off: the ICMP is logged and ignored, the retransmissions decide" || fail "trust ICMP off: '$err'"
sset a ipsecPeerRowStatus.2 i destroy

# Sync SAs: a tunnel between a and b over A_IF.
igw_tunnel a 10.90.0.2 10.96.1.0 10.96.2.0 ipsecPeerPreSharedKey.1 s adv-key
igw_tunnel b 10.90.0.1 10.96.2.0 10.96.1.0 ipsecPeerPreSharedKey.1 s adv-key
for n in a b; do sset "$n" ipsecGlobEnable.0 i true; done
tunnel_up() {
	ns_exec a ping -c 2 -W 5 -I 10.96.1.1 10.96.2.1 >/dev/null 2>&1 ||
		ns_exec a ping -c 2 -W 5 -I 10.96.1.1 10.96.2.1 >/dev/null 2>&1
}
sa_count_after_down() { # waits a moment after the link went down
	sleep 2
	echo "$(rows a ikeSaState) $(rows a ipsecSaSpiIn)"
}

sset a ipsecGlobSyncSas.0 i false
tunnel_up && ok "tunnel up over $A_IF" || fail "no tunnel"
ip -n "$(ns_name a)" link set "$A_IF" down
read -r ike ips < <(sa_count_after_down)
[ "$ike" -ge 1 ] && [ "$ips" -ge 1 ] && ok "sync SAs off: the SAs stay when $A_IF goes down ($ike ISAKMP, $ips IPsec)" || fail "sync off: $ike / $ips SAs"
ip -n "$(ns_name a)" link set "$A_IF" up
sleep 1
sset a ipsecGlobSyncSas.0 i true
tunnel_up && ok "tunnel carries traffic again" || fail "no tunnel after the link came back"
ip -n "$(ns_name a)" link set "$A_IF" down
read -r ike ips < <(sa_count_after_down)
[ "$ike" -eq 0 ] && [ "$ips" -eq 0 ] && ok "sync SAs on: the SAs are deleted when $A_IF goes down" || fail "sync on: $ike / $ips SAs left"
grep -q "went down: ISAKMP SA" "$T/a.log" && ok "the log says why the SAs went" || fail "no log line"
ip -n "$(ns_name a)" link set "$A_IF" up
sleep 1
tunnel_up && ok "the next packet brings the tunnel back" || fail "no tunnel after sync deleted it"
echo "# $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
