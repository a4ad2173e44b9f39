# NAT traversal through a real NAT (iptables MASQUERADE in a middle
# namespace), with strongSwan's charon as the peer:
#
#   1. ipsecgwd behind the NAT:  a -- gw(ipsecgwd) -- nat -- ch(charon) -- b
#   2. charon behind the NAT:    a -- gw(ipsecgwd) -- nat -- ch(charon) -- b
#      with the MASQUERADE on the other side of the NAT box
#   3. NAT-T disabled in our IKE profile while behind the NAT: the
#      negotiation fails with a clear reason and no SA.
#
# Traffic crosses the tunnel both ways; ikeSaNat shows which side is
# behind the NAT; the side behind the NAT sends keepalives on UDP 4500.
source "$IPSECGW_TOP/tests/interop/lib.sh"
source "$IPSECGW_TOP/tests/interop/charon.sh"
command -v iptables >/dev/null || { echo "iptables missing: skipped"; exit 77; }
igw_init natt
igw_on_exit() { charon_stop C; }
sset() { ns_exec gw snmpset -v2c -c private -r1 -t3 "$AGENT" "$@" >/dev/null; }
get() { ns_exec gw snmpget -v2c -c public -r1 -t3 -OqvU "$AGENT" "$@"; }

# topology GW_BEHIND: 1 = ipsecgwd's side is the inside of the NAT.
# Addresses: gw 10.91.1.2, ch 10.91.2.2, the NAT box .1 on both.
topology() {
	ns_add a
	ns_add gw
	ns_add nat
	ns_add ch
	ns_add b
	ns_link a 10.98.1.10/24 gw 10.98.1.1/24 >/dev/null
	read -r NAT_GW_IF _ < <(ns_link nat 10.91.1.1/24 gw 10.91.1.2/24)
	read -r NAT_CH_IF _ < <(ns_link nat 10.91.2.1/24 ch 10.91.2.2/24)
	ns_link ch 10.98.2.1/24 b 10.98.2.10/24 >/dev/null
	ip -n "$(ns_name a)" route add default via 10.98.1.1
	ip -n "$(ns_name b)" route add default via 10.98.2.1
	ip -n "$(ns_name gw)" route add 10.91.2.0/24 via 10.91.1.1
	ip -n "$(ns_name ch)" route add 10.91.1.0/24 via 10.91.2.1
	for n in gw nat ch; do ns_exec $n sysctl -qw net.ipv4.ip_forward=1; done
	if [ "$1" = 1 ]; then
		ns_exec nat iptables -t nat -A POSTROUTING -o "$NAT_CH_IF" -j MASQUERADE
		# The inside is not reachable from the outside.
		ns_exec nat iptables -A FORWARD -i "$NAT_CH_IF" -m conntrack --ctstate NEW -j DROP
	else
		ns_exec nat iptables -t nat -A POSTROUTING -o "$NAT_GW_IF" -j MASQUERADE
		ns_exec nat iptables -A FORWARD -i "$NAT_GW_IF" -m conntrack --ctstate NEW -j DROP
	fi
}

gw_start() { # NATT_SETTING PEER_ADDR
	rm -rf "${T:?}/state"
	mkdir -m 700 "$T/state"
	ns_exec gw "$IPSECGWD" --foreground --state-dir "$T/state" --log-level info >>"$T/gw.log" 2>&1 &
	for _ in $(seq 1 100); do
		case "$(get ipsecGlobEnable.0 2>/dev/null)" in true | false) break ;; esac
		sleep 0.1
	done
	sset ipsecGlobEnable.0 i true ikeProfileNatTraversal.1 i "$1"
	sset ipsecPeerRowStatus.1 i createAndGo ipsecPeerAddress.1 s "$2" \
		ipsecPeerIds.1 s 10.91.2.2 ipsecPeerPreSharedKey.1 s natt-interop-psk-0123456789
	sset ipsecTrRowStatus.10 i createAndGo ipsecTrList.10 i peer ipsecTrPeer.10 i 1 \
		ipsecTrLocalAddress.10 a 10.98.1.0 ipsecTrLocalMaskLen.10 i 24 \
		ipsecTrRemoteAddress.10 a 10.98.2.0 ipsecTrRemoteMaskLen.10 i 24 ipsecTrAction.10 i protect
}

charon_up() { # REMOTE_ADDRS START_ACTION
	rm -rf "${T:?}/C"
	mkdir -p "$T/C"
	cat >"$T/C/swanctl.conf" <<EOC
connections {
	gw {
		version = 1
		local_addrs = 10.91.2.2
		remote_addrs = $1
		proposals = aes128-sha1-modp2048
		rekey_time = 0
		local {
			auth = psk
			id = 10.91.2.2
		}
		remote {
			auth = psk
			id = 10.91.1.2
		}
		children {
			net {
				local_ts = 10.98.2.0/24
				remote_ts = 10.98.1.0/24
				esp_proposals = aes128-sha1-modp2048
				start_action = $2
			}
		}
	}
}
secrets {
	ike-gw {
		id-a = 10.91.1.2
		id-b = 10.91.2.2
		secret = "natt-interop-psk-0123456789"
	}
}
EOC
	charon_start C ch "$T/C"
	sw C --load-all --file "$T/C/swanctl.conf" >/dev/null 2>&1
}

both_ways() { # LABEL
	if ns_exec a ping -c 3 -i 0.3 -W 5 10.98.2.10 >/dev/null 2>&1 ||
		ns_exec a ping -c 3 -i 0.3 -W 5 10.98.2.10 >/dev/null 2>&1; then
		ok "$1: ping a -> b through the tunnel"
	else
		fail "$1: no ping a -> b"; tail -5 "$T/gw.log"; sw C --list-sas
	fi
	ns_exec b ping -c 3 -i 0.3 -W 5 10.98.1.10 >/dev/null 2>&1 && ok "$1: ping b -> a" || fail "$1: no ping b -> a"
}

stop_all() {
	charon_stop C
	ns_cleanup
}

# 1. ipsecgwd behind the NAT; it initiates on the first packet.
topology 1
charon_up %any none
gw_start default 10.91.2.2
both_ways "ipsecgwd behind NAT"
nat=$(ns_exec gw snmpwalk -v2c -c public -OqvU "$AGENT" ikeSaNat 2>/dev/null | head -1)
# charon with kernel-libipsec always claims to be behind a NAT itself (it
# forces UDP encapsulation), so "both" is what RFC 3947 detection says.
case $nat in local | both) ok "ikeSaNat: $nat (we are behind the NAT)" ;; *) fail "ikeSaNat '$nat'" ;; esac
grep -q "remote '10.91.1.2' @ 10.91.2.1\[4500\]" <<<"$(sw C --list-sas)" && ok "charon sees us at the NAT's address, on UDP 4500, with our own ID" || { fail "charon's view"; sw C --list-sas; }
# Keepalives keep the mapping: one-octet UDP 4500 datagrams within 25 s.
ns_exec nat dumpcap -q -i "$NAT_GW_IF" -f "udp port 4500 and udp[4:2] = 9" -a duration:25 -w "$T/ka.pcap" >/dev/null 2>&1 || true
n=$(tshark -r "$T/ka.pcap" 2>/dev/null | wc -l)
[ "$n" -ge 1 ] && ok "NAT keepalives on UDP 4500 while idle ($n in 25 s)" || fail "no NAT keepalive in 25 s"
both_ways "ipsecgwd behind NAT, after an idle period"
stop_all

# 2. charon behind the NAT; it initiates (we cannot reach it).
topology 2
gw_start default 10.91.2.2
sset ipsecPeerAddress.1 s ""
charon_up 10.91.1.2 none
if sw C --initiate --child net --ike gw 2>&1 | grep -q "initiate completed successfully"; then
	ok "charon behind NAT: Main Mode + Quick Mode to ipsecgwd"
else
	fail "charon behind NAT: negotiation"; tail -10 "$T/gw.log"
fi
nat=$(ns_exec gw snmpwalk -v2c -c public -OqvU "$AGENT" ikeSaNat 2>/dev/null | head -1)
[ "$nat" = remote ] && ok "ikeSaNat: remote (the peer is behind the NAT)" || fail "ikeSaNat '$nat'"
both_ways "charon behind NAT"
stop_all

# 3. NAT-T disabled on our side while behind the NAT.
topology 1
charon_up %any none
gw_start disabled 10.91.2.2
sset ipsecGlobMaxRetries.0 i 2 ipsecGlobRetryTimeout.0 i 500
sset ipsecPeerAdminStatus.1 i dialup
for _ in $(seq 1 120); do
	err=$(get ipsecPeerLastError.1 2>/dev/null || true)
	[ -n "$err" ] && [ "$err" != '""' ] && break
	sleep 0.25
done
if ns_exec a ping -c 2 -W 2 10.98.2.10 >/dev/null 2>&1; then
	fail "NAT-T disabled: traffic passed"
else
	ok "NAT-T disabled behind a NAT: no tunnel"
fi
echo "    ipsecPeerLastError: $err"
grep -q "NAT traversal is disabled" <<<"$err" && ok "NAT-T disabled: ipsecPeerLastError says why" || fail "NAT-T disabled: no reason given"
stop_all
echo "# $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
