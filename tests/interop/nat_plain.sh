# Plain ESP through a NAT without NAT traversal (seed 003): two ipsecgwd,
# NAT-T disabled on both, A behind an iptables MASQUERADE.  ESP's
# integrity check covers neither IP address, so the rewritten source
# address does not matter and the tunnel carries traffic as IP protocol 50;
# AH covers the outer addresses, so the same NAT makes every AH packet
# fail its check at B (counted, dropped), which is why NAT-T exists.
#
#   LAN 10.92.1.1 a 10.93.1.2 -- 10.93.1.1 nat 10.93.2.1 -- 10.93.2.2 b LAN 10.92.2.1
#                               (MASQUERADE towards b)
source "$IPSECGW_TOP/tests/interop/lib.sh"
command -v iptables >/dev/null || { echo "iptables missing: skipped"; exit 77; }
command -v tshark >/dev/null || { echo "tshark missing: skipped"; exit 77; }
igw_init natplain

ns_add a
ns_add nat
ns_add b
ns_link a 10.93.1.2/24 nat 10.93.1.1/24 >/dev/null
read -r NAT_B_IF B_IF < <(ns_link nat 10.93.2.1/24 b 10.93.2.2/24)
ns_lan a 10.92.1.1/32
ns_lan b 10.92.2.1/32
ip -n "$(ns_name a)" route add 10.93.2.0/24 via 10.93.1.1
ns_exec nat sysctl -qw net.ipv4.ip_forward=1
ns_exec nat iptables -t nat -A POSTROUTING -o "$NAT_B_IF" -j MASQUERADE
ns_exec nat iptables -A FORWARD -i "$NAT_B_IF" -m conntrack --ctstate NEW -j DROP

igw_start a b
# A knows B by its address; B knows A only as the NAT's address, and A's
# identity (its own address in the ID payload) as one of its IDs.
igw_tunnel a 10.93.2.2 10.92.1.0 10.92.2.0 ipsecPeerPreSharedKey.1 s nat-plain-key
igw_tunnel b 10.93.2.1 10.92.2.0 10.92.1.0 ipsecPeerIds.1 s 10.93.1.2 ipsecPeerPreSharedKey.1 s nat-plain-key
for n in a b; do
	sset "$n" ikeProfileNatTraversal.1 i disabled ipsecProfileIpComp.1 i noComp
	sset "$n" ipsecGlobEnable.0 i true
done
ok "A behind a MASQUERADE NAT, NAT-T disabled on both gateways"

# capture NAME CMD...: runs CMD while dumpcap records B's link.
capture() { capture_in b "$B_IF" "not udp port 500" "$@"; }
pings() { ns_exec a ping -c 5 -i 0.2 -W 3 -I 10.92.1.1 10.92.2.1 >"$T/ping" 2>&1; }

# 1. ESP (the default profile's AES proposals): the first packet brings
# the tunnel up; then five pings cross as ESP from the NAT's address.
ns_exec a ping -c 1 -W 5 -I 10.92.1.1 10.92.2.1 >/dev/null 2>&1 || true
if capture esp pings; then ok "ESP through the NAT: ping through the tunnel"; else fail "ESP through the NAT: no ping"; tail -5 "$T/a.log" "$T/b.log"; fi
n=$(count esp 'ip.proto == 50 && ip.src == 10.93.2.1')
[ "$n" -eq 5 ] && [ "$(count esp 'udp || icmp')" -eq 0 ] &&
	ok "tshark at B: 5 ESP packets (IP protocol 50) from the NAT's address, no UDP encapsulation, no ICMP in clear" ||
	fail "tshark at B: $n ESP from 10.93.2.1, $(count esp 'udp || icmp') UDP/ICMP"
[ "$(walk a ikeSaNat | tail -1)" = disabled ] && [ "$(walk b ipsecSaEncapsulation | tail -1)" = tunnel ] &&
	ok "ikeSaNat disabled (no NAT detection), ipsecSaEncapsulation tunnel" ||
	fail "ikeSaNat '$(walk a ikeSaNat)', encapsulation '$(walk b ipsecSaEncapsulation)'"
[ "$(walk b ikeSaRemoteIp | tail -1)" = 10.93.2.1 ] && ok "B's ISAKMP SA is with the NAT's address" || fail "B's ikeSaRemoteIp '$(walk b ikeSaRemoteIp)'"

# 2. AH (ipsecProposalTable 20, HMAC-SHA1): the IKE exchange works through
# the NAT, but B refuses every AH packet, whose source address the NAT
# rewrote after A computed the ICV.
for n in a b; do
	sset "$n" ipsecPeerAdminStatus.1 i down
	sset "$n" ipsecProfileProposals.1 s 20
	sset "$n" ipsecPeerAdminStatus.1 i up
done
ns_exec a ping -c 1 -W 5 -I 10.92.1.1 10.92.2.1 >/dev/null 2>&1 || true
err0=$(get b ipsecStatsInErrors.0)
if capture ah pings; then fail "AH through the NAT: pings answered"; else ok "AH through the NAT: no ping crosses"; fi
err1=$(get b ipsecStatsInErrors.0)
[ "$(count ah 'ah && ip.src == 10.93.2.1')" -ge 5 ] && [ $((err1 - err0)) -ge 5 ] &&
	ok "AH: $(count ah 'ah && ip.src == 10.93.2.1') AH packets from the NAT's address reach B, which counts $((err1 - err0)) in ipsecStatsInErrors" ||
	fail "AH: $(count ah ah) AH packets at B, ipsecStatsInErrors +$((err1 - err0))"
grep -qi "nat-plain-key" "$T/a.log" "$T/b.log" && fail "a key in a log" || ok "no key in the logs"
igw_finish
