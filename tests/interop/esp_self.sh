# The dataplane between two ipsecgwd without NAT: plain ESP (IP protocol
# 50), AH and ESP+IPComp on raw sockets, checked on the wire with tshark,
# and the policy cases of the manual (R, P4): a pre rule that drops, a
# pass-in-plain entry, traffic that matches no list with the default
# action drop and pass, post rules, and IPsec switched off (G1).
#
#   LAN 10.96.1.1 (lo) a 10.97.0.1 ---- 10.97.0.2 b (lo) LAN 10.96.2.1
source "$IPSECGW_TOP/tests/interop/lib.sh"
command -v tshark >/dev/null || { echo "tshark missing: skipped"; exit 77; }
igw_init espself

ns_add a
ns_add b
read -r A_IF _ < <(ns_link a 10.97.0.1/24 b 10.97.0.2/24)
ns_lan a 10.96.1.1/32
ns_lan b 10.96.2.1/32
# What a gateway has anyway: the other LAN is reachable in plain.
ip -n "$(ns_name a)" route add 10.96.2.0/24 via 10.97.0.2
ip -n "$(ns_name b)" route add 10.96.1.0/24 via 10.97.0.1
igw_start a b
sset a ipsecPeerRowStatus.1 i createAndGo ipsecPeerAddress.1 s 10.97.0.2 ipsecPeerPreSharedKey.1 s esp-self-key
sset b ipsecPeerRowStatus.1 i createAndGo ipsecPeerAddress.1 s 10.97.0.1 ipsecPeerPreSharedKey.1 s esp-self-key
sset a ipsecTrRowStatus.10 i createAndGo ipsecTrList.10 i peer ipsecTrPeer.10 i 1 ipsecTrOrder.10 i 10 \
	ipsecTrLocalAddress.10 a 10.96.1.0 ipsecTrLocalMaskLen.10 i 24 \
	ipsecTrRemoteAddress.10 a 10.96.2.0 ipsecTrRemoteMaskLen.10 i 24 ipsecTrAction.10 i protect
sset b ipsecTrRowStatus.10 i createAndGo ipsecTrList.10 i peer ipsecTrPeer.10 i 1 ipsecTrOrder.10 i 10 \
	ipsecTrLocalAddress.10 a 10.96.2.0 ipsecTrLocalMaskLen.10 i 24 \
	ipsecTrRemoteAddress.10 a 10.96.1.0 ipsecTrRemoteMaskLen.10 i 24 ipsecTrAction.10 i protect
for n in a b; do sset "$n" ipsecGlobEnable.0 i true; done
ok "two gateways with IPsec on, configured over SNMP"

# capture NAME CMD...: runs CMD while dumpcap records a's link.
capture() { capture_in a "$A_IF" "not udp port 500 and not udp port 4500" "$@"; }
# pings [ARGS]: 5 pings from a's LAN to b's LAN.
pings() { ns_exec a ping -c 5 -i 0.2 -W 3 "$@" -I 10.96.1.1 10.96.2.1 >"$T/ping" 2>&1; }
sa_sum() { walk a "$1" | awk '{ s += $1 } END { print s + 0 }'; }
stat() { get a "ipsecStats$1.0"; }
# renegotiate: new SAs with the profiles as they are now.
renegotiate() {
	for n in a b; do sset "$n" ipsecPeerAdminStatus.1 i down; done
	for n in a b; do sset "$n" ipsecPeerAdminStatus.1 i up; done
}

# 1. Plain ESP, the first packet bringing the tunnel up (acquire).
ns_exec a ping -c 1 -W 5 -I 10.96.1.1 10.96.2.1 >/dev/null 2>&1 || true
out0=$(sa_sum ipsecSaOutPackets) in0=$(sa_sum ipsecSaInPackets) prot0=$(stat InProtected)
if capture esp pings; then ok "ESP: ping through the tunnel set up on demand"; else fail "ESP: ping"; tail -5 "$T/a.log"; fi
out1=$(sa_sum ipsecSaOutPackets) in1=$(sa_sum ipsecSaInPackets) prot1=$(stat InProtected)
[ "$(count esp 'ip.proto == 50')" -eq 10 ] && [ "$(count esp icmp)" -eq 0 ] &&
	ok "ESP: tshark sees 10 ESP packets (IP protocol 50) and no ICMP in clear" ||
	fail "ESP: tshark sees $(count esp 'ip.proto == 50') ESP, $(count esp icmp) ICMP"
[ $((out1 - out0)) -eq 5 ] && [ $((in1 - in0)) -eq 5 ] && [ $((prot1 - prot0)) -eq 5 ] &&
	ok "ESP: ipsecSaTable counts 5 out and 5 in, ipsecStatsInProtected 5" ||
	fail "ESP: counters out $((out1 - out0)) in $((in1 - in0)) protected $((prot1 - prot0))"
[ "$(walk a ipsecSaEncapsulation | tail -1)" = tunnel ] && ok "ESP: ipsecSaEncapsulation tunnel (no NAT, no UDP)" || fail "encapsulation $(walk a ipsecSaEncapsulation)"

# 2. AH with HMAC-SHA1 (ipsecProposalTable 20).
for n in a b; do sset "$n" ipsecProfileProposals.1 s 20; done
renegotiate
ns_exec a ping -c 1 -W 5 -I 10.96.1.1 10.96.2.1 >/dev/null 2>&1 || true
if capture ah pings; then ok "AH: ping through the tunnel"; else fail "AH: ping"; tail -5 "$T/a.log"; fi
[ "$(count ah ah)" -eq 10 ] && [ "$(count ah 'ah && icmp')" -eq 10 ] &&
	ok "AH: tshark sees 10 AH packets carrying the ICMP (authenticated, not encrypted)" ||
	fail "AH: tshark sees $(count ah ah) AH packets"

# 3. ESP + IPComp: 1000 bytes of zeros travel in much smaller packets.
for n in a b; do sset "$n" ipsecProfileProposals.1 s 1 ipsecProfileIpComp.1 i forceComp; done
renegotiate
ns_exec a ping -c 1 -W 5 -I 10.96.1.1 10.96.2.1 >/dev/null 2>&1 || true
if capture comp pings -s 1000 -p 00; then ok "ESP+IPComp: 1000-byte pings through the tunnel"; else fail "ESP+IPComp: ping"; tail -5 "$T/a.log"; fi
big=$(tshark -r "$T/comp.pcap" -Y esp -T fields -e frame.len 2>/dev/null | sort -n | tail -1)
[ "$(walk a ipsecSaCea | tail -1)" = CE- ] && [ -n "$big" ] && [ "$big" -lt 300 ] &&
	ok "ESP+IPComp: bundle CE-, the largest ESP frame is $big bytes for 1028-byte packets" ||
	fail "ESP+IPComp: CEA $(walk a ipsecSaCea | tail -1), largest ESP frame '$big'"
for n in a b; do sset "$n" ipsecProfileIpComp.1 i noComp; done
renegotiate
ns_exec a ping -c 1 -W 5 -I 10.96.1.1 10.96.2.1 >/dev/null 2>&1 || true

# 4. A pre rule dropping ICMP to b's LAN; removed again.
sset a ipsecTrRowStatus.21 i createAndGo ipsecTrList.21 i preRules ipsecTrProto.21 i 1 \
	ipsecTrRemoteAddress.21 a 10.96.2.0 ipsecTrRemoteMaskLen.21 i 24 ipsecTrAction.21 i drop
drop0=$(stat OutDropped)
if pings; then fail "pre rule drop: the ping went through"; else ok "pre rule drop: no ping"; fi
[ $(($(stat OutDropped) - drop0)) -ge 5 ] && [ "$(get a ipsecTrMatches.21)" -ge 5 ] &&
	ok "pre rule drop: ipsecTrMatches.21 $(get a ipsecTrMatches.21), ipsecStatsOutDropped +$(($(stat OutDropped) - drop0))" ||
	fail "pre rule drop counters: matches $(get a ipsecTrMatches.21)"
# The active-rule marker: with rule 22 active, rule 21 (ordered before) is ignored.
sset a ipsecTrRowStatus.22 i createAndGo ipsecTrList.22 i preRules ipsecTrOrder.22 i 5 ipsecTrProto.22 i 17 ipsecTrAction.22 i pass
sset a ipsecGlobPreRulesActive.0 i 22
if pings; then ok "pre rules: the drop rule before the active one is ignored"; else fail "pre rules: active marker not honoured"; fi
sset a ipsecGlobPreRulesActive.0 i 0
sset a ipsecTrRowStatus.21 i destroy ipsecTrRowStatus.22 i destroy
pings && ok "pre rule removed: ping again" || fail "ping after removing the pre rule"

# 5. A pass entry before the protect entry: ICMP goes in plain.
for n in a b; do
	sset "$n" ipsecTrRowStatus.11 i createAndGo ipsecTrList.11 i peer ipsecTrPeer.11 i 1 ipsecTrOrder.11 i 1 \
		ipsecTrProto.11 i 1 ipsecTrAction.11 i pass
done
if capture plain pings; then ok "pass entry: ping"; else fail "pass entry: ping"; fi
[ "$(count plain icmp)" -eq 10 ] && [ "$(count plain esp)" -eq 0 ] &&
	ok "pass entry: tshark sees the 10 ICMP packets in plain, no ESP" ||
	fail "pass entry: $(count plain icmp) ICMP, $(count plain esp) ESP"
for n in a b; do sset "$n" ipsecTrRowStatus.11 i destroy; done

# 6. Traffic in the tunnel device that matches no list (source a's WAN
# address, not a's LAN): the default action, then post rules.
nolist() { ns_exec a ping -c 3 -i 0.2 -W 2 -I 10.97.0.1 10.96.2.1 >/dev/null 2>&1; }
sset a ipsecGlobDefaultAction.0 i drop
if nolist; then fail "no list, default drop: ping went through"; else ok "no list matched, default drop: dropped"; fi
sset a ipsecGlobDefaultAction.0 i pass
if capture nolist nolist; then ok "no list matched, default pass: ping in plain"; else fail "no list, default pass: no ping"; fi
[ "$(count nolist 'icmp && !esp')" -ge 6 ] && ok "default pass: in plain on the wire" || fail "default pass: $(count nolist icmp) plain ICMP"
sset a ipsecTrRowStatus.23 i createAndGo ipsecTrList.23 i postRules ipsecTrProto.23 i 1 ipsecTrAction.23 i drop
if nolist; then fail "post rule drop: ping went through"; else ok "post rule drop beats the default pass"; fi
[ "$(get a ipsecTrMatches.23)" -ge 3 ] && ok "post rule counted ($(get a ipsecTrMatches.23))" || fail "post rule matches $(get a ipsecTrMatches.23)"
sset a ipsecTrRowStatus.23 i destroy
sset a ipsecGlobDefaultAction.0 i drop
sset a ipsecTrRowStatus.24 i createAndGo ipsecTrList.24 i postRules ipsecTrProto.24 i 1 ipsecTrAction.24 i pass
nolist && ok "post rule pass beats the default drop" || fail "post rule pass"
sset a ipsecTrRowStatus.24 i destroy
pings && ok "the protect entry is unaffected by the post rules" || fail "protected ping after post rules"

# 7. IPsec off (G1): the tunnel routes go, nothing is processed.
sset a ipsecGlobEnable.0 i false
if grep -q . <<<"$(ip -n "$(ns_name a)" route show table 221 2>/dev/null)"; then fail "routes left in table 221"; else ok "Enable IPSec = no: no routes into the tunnel device"; fi
sset a ipsecGlobEnable.0 i true
grep -q "10.96.2.0/24 dev ipsecgw0" <<<"$(ip -n "$(ns_name a)" route show table 221)" && ok "Enable IPSec = yes: routes back" || fail "routes not restored"

for n in a b; do
	if grep -qiE 'key.*[0-9a-f]{32}' "$T/$n.log"; then fail "key material in $n's log"; fi
done
echo "# $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
