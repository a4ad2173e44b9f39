# Traffic through ipsecgwd and strongSwan's charon (kernel-libipsec, so ESP
# in UDP 4500):
#
#   host a 10.98.1.10 -- gw (ipsecgwd) 10.99.0.1 -- 10.99.0.2 ch (charon) -- host b 10.98.2.10
#
# ping and iperf3 TCP in both directions for ESP AES-CBC/HMAC-SHA1 and ESP
# AES-GCM-16, the first packet triggering the negotiation (acquire); the
# SA and global counters checked against what was sent; tshark decodes the
# captured packets as ESP and, given charon's keys, decrypts them.
source "$IPSECGW_TOP/tests/interop/lib.sh"
source "$IPSECGW_TOP/tests/interop/charon.sh"
command -v iperf3 >/dev/null || { echo "iperf3 missing: skipped"; exit 77; }
igw_init esp
igw_on_exit() { charon_stop C; }

ns_add a
ns_add gw
ns_add ch
ns_add b
read -r _ GW_LAN < <(ns_link a 10.98.1.10/24 gw 10.98.1.1/24)
read -r GW_WAN _ < <(ns_link gw 10.99.0.1/24 ch 10.99.0.2/24)
ns_link ch 10.98.2.1/24 b 10.98.2.10/24 >/dev/null
ip -n "$(ns_name a)" route add default via 10.98.1.1
ip -n "$(ns_name b)" route add default via 10.98.2.1
for n in gw ch; do ns_exec $n sysctl -qw net.ipv4.ip_forward=1; done

snmp() { ns_exec gw "$@"; }
sset() { snmp snmpset -v2c -c private -r1 -t3 "$AGENT" "$@" >/dev/null; }
get() { snmp snmpget -v2c -c public -r1 -t3 -OqvU "$AGENT" "$@"; }
walk() { snmp snmpwalk -v2c -c public -r1 -t3 -OqvU "$AGENT" "$@" 2>/dev/null | grep -v '^No more\|^No Such' || true; }

mkdir -m 700 "$T/state"
ns_exec gw "$IPSECGWD" --foreground --state-dir "$T/state" --log-level info >"$T/gw.log" 2>&1 &
for _ in $(seq 1 100); do
	case "$(get ipsecGlobEnable.0 2>/dev/null)" in true | false) break ;; esac
	sleep 0.1
done

# charon_conf ESP_PROPOSALS [CONN_OPTS [CHILD_OPTS]]: charon's side; it
# initiates only where a case says so (swanctl --initiate).
mkdir -p "$T/C"
charon_conf() {
	cat >"$T/C/swanctl.conf" <<EOC
connections {
	gw {
		version = 1
		local_addrs = 10.99.0.2
		remote_addrs = 10.99.0.1
		proposals = aes128-sha1-modp2048
		${2:-rekey_time = 0}
		local {
			auth = psk
			id = 10.99.0.2
		}
		remote {
			auth = psk
			id = 10.99.0.1
		}
		children {
			net {
				local_ts = 10.98.2.0/24
				remote_ts = 10.98.1.0/24
				esp_proposals = $1
				start_action = none
				${3:-}
			}
		}
	}
}
secrets {
	ike-gw {
		id-a = 10.99.0.1
		id-b = 10.99.0.2
		secret = "esp-interop-psk-0123456789"
	}
}
EOC
	if [ -n "${CHARON_DIR_C:-}" ]; then sw C --load-all --file "$T/C/swanctl.conf" >/dev/null 2>&1; fi
	return 0
}
charon_conf aes128-sha1-modp2048
charon_start C ch "$T/C"
sw C --load-all --file "$T/C/swanctl.conf" >/dev/null

# Our side, through SNMP only: IPsec on, one peer, one protect entry.
sset ipsecGlobEnable.0 i true
# No volume rekeying during the first cases; it has its own case below.
sset ipsecLifeKBytes.1 u 1000000
sset ipsecPeerRowStatus.1 i createAndGo ipsecPeerDescription.1 s charon \
	ipsecPeerAddress.1 s 10.99.0.2 ipsecPeerIds.1 s 10.99.0.2 \
	ipsecPeerPreSharedKey.1 s "esp-interop-psk-0123456789"
sset ipsecTrRowStatus.10 i createAndGo ipsecTrList.10 i peer ipsecTrPeer.10 i 1 \
	ipsecTrLocalAddress.10 a 10.98.1.0 ipsecTrLocalMaskLen.10 i 24 \
	ipsecTrRemoteAddress.10 a 10.98.2.0 ipsecTrRemoteMaskLen.10 i 24 ipsecTrAction.10 i protect
ok "IPsec enabled, peer and protect entry configured over SNMP"
if grep -q "10.98.2.0/24 dev ipsecgw0" <<<"$(ip -n "$(ns_name gw)" route show table all)"; then
	ok "the protected network is routed into the tunnel device"
else
	fail "no route into ipsecgw0"; ip -n "$(ns_name gw)" route show table all; tail -20 "$T/gw.log"
fi

# sa_counter COLUMN: the sum over the installed SAs.
sa_counter() { walk "$1" | awk '{ s += $1 } END { print s + 0 }'; }

# tunnel_case NAME CHARON_ESP WANT_ALG
tunnel_case() {
	local name=$1 esp=$2 want=$3 out0 in0 out1 in1 prot0 prot1
	sw C --terminate --ike gw >/dev/null 2>&1 || true
	sleep 0.3
	charon_conf "$esp"
	local cap="$T/$name.pcap"
	ns_exec gw dumpcap -q -i "$GW_WAN" -f "udp port 4500" -w "$cap" >/dev/null 2>&1 &
	sleep 1
	# The first packets find no SA: the acquire sets the tunnel up.
	if ns_exec a ping -c 3 -i 0.3 -W 5 10.98.2.10 >"$T/ping0" 2>&1 ||
		ns_exec a ping -c 3 -i 0.3 -W 5 10.98.2.10 >"$T/ping0" 2>&1; then
		ok "$name: ping a -> b through the tunnel set up on demand"
	else
		fail "$name: no ping through the tunnel"; cat "$T/ping0"; tail -20 "$T/gw.log"; sw C --list-sas
		return
	fi
	if grep -q "ESP:$want" <<<"$(sw C --list-sas)"; then ok "$name: charon uses $want"; else fail "$name: charon's SA is not $want"; sw C --list-sas; fi
	out0=$(sa_counter ipsecSaOutPackets)
	in0=$(sa_counter ipsecSaInPackets)
	prot0=$(get ipsecStatsOutProtected.0)
	ns_exec b ping -c 10 -i 0.1 -W 2 10.98.1.10 >/dev/null && ok "$name: ping b -> a (10 packets)" || fail "$name: ping b -> a"
	out1=$(sa_counter ipsecSaOutPackets)
	in1=$(sa_counter ipsecSaInPackets)
	prot1=$(get ipsecStatsOutProtected.0)
	if [ $((out1 - out0)) -eq 10 ] && [ $((in1 - in0)) -eq 10 ] && [ $((prot1 - prot0)) -eq 10 ]; then
		ok "$name: counters: 10 packets in and 10 out on the SA, 10 protected globally"
	else
		fail "$name: counters in $((in1 - in0)) out $((out1 - out0)) protected $((prot1 - prot0))"
	fi
	# The capture holds the pings only: decrypting iperf3's volume would
	# take tshark minutes.
	sleep 0.5
	for p in $(ip netns pids "$(ns_name gw)"); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = dumpcap ] && kill "$p"
	done
	sleep 0.5
	ns_exec b iperf3 -s -1 -D -I "$T/iperf.pid" >/dev/null 2>&1
	sleep 0.5
	if ns_exec a timeout 30 iperf3 -c 10.98.2.10 -t 3 -J >"$T/$name-up.json" 2>&1; then
		ok "$name: iperf3 TCP a -> b: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.0f Mbit/s" % (d["end"]["sum_received"]["bits_per_second"]/1e6))' "$T/$name-up.json")"
	else
		fail "$name: iperf3 a -> b"; tail -5 "$T/$name-up.json"
	fi
	ns_exec b iperf3 -s -1 -D -I "$T/iperf.pid" >/dev/null 2>&1
	sleep 0.5
	if ns_exec a timeout 30 iperf3 -c 10.98.2.10 -t 3 -R -J >"$T/$name-down.json" 2>&1; then
		ok "$name: iperf3 TCP b -> a: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.0f Mbit/s" % (d["end"]["sum_received"]["bits_per_second"]/1e6))' "$T/$name-down.json")"
	else
		fail "$name: iperf3 b -> a"; tail -5 "$T/$name-down.json"
	fi
	if [ "$(timeout 60 tshark -r "$cap" -Y esp 2>/dev/null | wc -l)" -gt 20 ]; then
		ok "$name: tshark decodes the captured UDP 4500 packets as ESP"
	else
		fail "$name: tshark sees no ESP"
	fi
	mapfile -t topts < <(python3 "$IPSECGW_TOP/tests/interop/charon_esp_keys.py" "$T/C/charon.log")
	local icmp
	icmp=$(timeout 60 tshark -r "$cap" "${topts[@]}" -Y "esp && icmp" 2>/dev/null | wc -l)
	if [ "$icmp" -ge 20 ]; then
		ok "$name: with the SA keys tshark decrypts the ESP and finds the ICMP inside ($icmp packets)"
	else
		fail "$name: tshark could not decrypt ($icmp ICMP packets)"; printf '%s\n' "${topts[@]}" | sed 's/[0-9a-f]\{16,\}/KEY/g'
	fi
}

tunnel_case cbc aes128-sha1-modp2048 AES_CBC-128/HMAC_SHA1_96
tunnel_case gcm aes128gcm16-modp2048 AES_GCM_16-128

# IPsec SA deleted by SET: charon is told, the next packet brings a new one.
idx=$(snmp snmpwalk -v2c -c public -On -OqU "$AGENT" ipsecSaSpiIn 2>/dev/null | tail -1 | awk '{ sub(/.*\./, "", $1); print $1 }')
sset "ipsecSaAdminAction.$idx" i delete
gone=0
for _ in $(seq 1 50); do
	grep -q INSTALLED <<<"$(sw C --list-sas 2>/dev/null)" || { gone=1; break; }
	sleep 0.1
done
[ $gone -eq 1 ] && ok "ipsecSaAdminAction delete: charon removed its CHILD_SA" || fail "charon kept the CHILD_SA"
ns_exec a ping -c 3 -i 0.3 -W 5 10.98.2.10 >/dev/null 2>&1 && ok "the next packets bring a new IPsec SA" || fail "no new SA after the delete"

# Rekeying: phase 2 on volume (6000 kB) under an iperf3 run at 30 Mbit/s
# in both directions (so the number of rekeys does not depend on the
# machine's speed), then phase 1 and phase 2 on time (15 s) under pings.
children() { grep -c 'CHILD_SA net{[0-9]*} established' "$T/C/charon.log" || true; }
ikes() { grep -c 'IKE_SA gw\[[0-9]*\] established' "$T/C/charon.log" || true; }
sset ipsecLifeRowStatus.2 i createAndGo ipsecLifeBasedOn.2 i traffic ipsecLifeKBytes.2 u 6000
sset ipsecProfileLifetime.1 i 2
sw C --terminate --ike gw >/dev/null 2>&1 || true
sleep 0.3
ns_exec a ping -c 2 -W 5 10.98.2.10 >/dev/null 2>&1 || true
c0=$(children)
ns_exec b iperf3 -s -1 -D >/dev/null 2>&1
sleep 0.5
up=$(ns_exec a timeout 30 iperf3 -c 10.98.2.10 -b 30M -t 8 -J 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bytes"])' || echo 0)
ns_exec b iperf3 -s -1 -D >/dev/null 2>&1
sleep 0.5
down=$(ns_exec a timeout 30 iperf3 -c 10.98.2.10 -b 30M -t 8 -R -J 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bytes"])' || echo 0)
c1=$(children)
if [ "$up" -gt 0 ] && [ "$down" -gt 0 ] && [ $((c1 - c0)) -ge 3 ]; then
	ok "phase 2 rekeyed $((c1 - c0)) times on volume while iperf3 moved $((up / 1000000)) MB up and $((down / 1000000)) MB down without losing its connection"
else
	fail "volume rekeying: $((c1 - c0)) new CHILD_SAs, iperf3 $up / $down bytes"
fi
sset ipsecLifeRowStatus.3 i createAndGo ipsecLifeBasedOn.3 i time ipsecLifeSeconds.3 u 15
sset ipsecProfileLifetime.1 i 3 ikeProfileLifetime.1 i 3
sw C --terminate --ike gw >/dev/null 2>&1 || true
sleep 0.3
ns_exec a ping -c 2 -W 5 10.98.2.10 >/dev/null 2>&1 || true
c0=$(children) i0=$(ikes)
loss=$(ns_exec a ping -c 60 -i 0.5 -W 2 10.98.2.10 2>/dev/null | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
c1=$(children) i1=$(ikes)
if [ "$loss" = 0 ] && [ $((c1 - c0)) -ge 1 ] && [ $((i1 - i0)) -ge 1 ]; then
	ok "phase 1 rekeyed $((i1 - i0)) and phase 2 $((c1 - c0)) times on time during 30 s of pings, none lost"
else
	fail "time rekeying: loss $loss%, $((i1 - i0)) new IKE SAs, $((c1 - c0)) new CHILD_SAs"; grep -i 'rekey\|adopt\|lifetime' "$T/gw.log" | tail -8
fi

# Rekeying with ipsecgwd as the responder: charon sets the tunnel up and
# proposes 20 s lifetimes, which ipsecgwd (loose) accepts; charon rekeys
# first (its CHILD_SA after 8 s, its IKE SA by reauthentication after
# 12 s), so ipsecgwd answers those exchanges, under 30 s of pings.
sset ipsecProfileLifetime.1 i 1 ikeProfileLifetime.1 i 1
sw C --terminate --ike gw >/dev/null 2>&1 || true
charon_conf aes128-sha1-modp2048 "reauth_time = 12s
		over_time = 8s
		rand_time = 0s" "rekey_time = 8s
				life_time = 20s
				rand_time = 0s"
sleep 0.3
sw C --initiate --child net --ike gw >/dev/null 2>&1 || true
c0=$(children) i0=$(ikes)
q0=$(grep -c "generating QUICK_MODE request" "$T/C/charon.log" || true)
loss=$(ns_exec a ping -c 60 -i 0.5 -W 2 10.98.2.10 2>/dev/null | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
c1=$(children) i1=$(ikes)
q1=$(grep -c "generating QUICK_MODE request" "$T/C/charon.log" || true)
# charon logs two requests per Quick Mode it initiates (messages 1 and 3).
if [ "$loss" = 0 ] && [ $((c1 - c0)) -ge 2 ] && [ $((q1 - q0)) -ge 4 ]; then
	ok "ipsecgwd as responder: charon rekeyed phase 2 $((c1 - c0)) times ($(((q1 - q0) / 2)) Quick Modes it initiated) and phase 1 $((i1 - i0)) times during 30 s of pings, none lost"
else
	fail "responder rekeying: loss $loss%, $((i1 - i0)) new IKE SAs, $((c1 - c0)) new CHILD_SAs, $((q1 - q0)) Quick Modes from charon"; grep -i 'rekey\|adopt\|lifetime\|responder' "$T/gw.log" | tail -8
fi
sw C --terminate --ike gw >/dev/null 2>&1 || true
charon_conf aes128-sha1-modp2048

# Phase 2 heartbeats (profile: both): an idle IPsec SA is probed with
# R-U-THERE, which charon answers; when charon dies (killed by its PID) the
# IPsec SA is deleted after three silent intervals; when it is back, the
# next packets bring a new tunnel.
sset ipsecProfileLifetime.1 i 1 ikeProfileLifetime.1 i 1 ipsecProfileHeartbeats.1 i both
sw C --terminate --ike gw >/dev/null 2>&1 || true
sleep 0.3
ns_exec a ping -c 2 -W 5 10.98.2.10 >/dev/null 2>&1 || true
probed=0
for _ in $(seq 1 30); do
	grep -q "parsed INFORMATIONAL_V1 request .*N(DPD)" "$T/C/charon.log" && { probed=1; break; }
	sleep 1
done
[ $probed -eq 1 ] && ok "phase 2 heartbeat: the idle IPsec SA is probed, charon answers" || fail "no phase 2 R-U-THERE reached charon"
for p in $(ip netns pids "$(ns_name ch)"); do [ "$(cat /proc/$p/comm 2>/dev/null)" = charon ] && kill -9 "$p"; done
gone=0
for _ in $(seq 1 70); do
	grep -qE "no traffic and no heartbeat|carries nothing and the peer answers no heartbeat" "$T/gw.log" && { gone=1; break; }
	sleep 1
done
[ $gone -eq 1 ] && ok "phase 2 heartbeats stopped: $(grep -oE "IPsec SA [0-9]+ (carries nothing|.*no heartbeat).*" "$T/gw.log" | tail -1)" || fail "the IPsec SA outlived its peer"
rm -f "$T/C/charon.vici"
charon_start C ch "$T/C"
sw C --load-all --file "$T/C/swanctl.conf" >/dev/null 2>&1
back=0
for _ in $(seq 1 5); do
	ns_exec a ping -c 2 -W 3 10.98.2.10 >/dev/null 2>&1 && { back=1; break; }
done
[ $back -eq 1 ] && ok "charon restarted: the tunnel comes back on demand" || fail "no tunnel after charon's restart"

if grep -qiE 'key.*[0-9a-f]{32}' "$T/gw.log"; then fail "key material in ipsecgwd's log"; else ok "no key material in ipsecgwd's log"; fi
echo "# $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
