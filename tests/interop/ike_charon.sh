# IKEv1 against strongSwan's charon (kernel-libipsec, so always NAT-T):
# ipsecgwd in one network namespace, configured only through SNMP, charon
# in another, joined by a veth pair.  Main Mode + Quick Mode with
# pre-shared keys, ipsecgwd as initiator (admin status dialup) and as
# responder (swanctl --initiate), several phase 1 / phase 2 proposals
# offered, PFS; a wrong pre-shared key fails with a clear reason.
source "$IPSECGW_TOP/tests/interop/lib.sh"
source "$IPSECGW_TOP/tests/interop/charon.sh"
igw_init ike
GW_PID=""
igw_on_exit() {
	[ -n "$GW_PID" ] && kill -9 "$GW_PID" 2>/dev/null
	charon_stop C
}

ns_add gw
ns_add ch
ns_link gw 10.99.0.1/24 ch 10.99.0.2/24 >/dev/null
ns_lan gw 10.98.1.1/32
ns_lan ch 10.98.2.1/32

snmp() { ns_exec gw "$@"; }
sset() { snmp snmpset -v2c -c private -r1 -t3 "$AGENT" "$@" >/dev/null; }
get() { snmp snmpget -v2c -c public -r1 -t3 -Oqv "$AGENT" "$@"; }

# SNMP access and two trap sinks for ipsecgwd: snmptrapd receives the
# notifications (peer up/down, phase 1/2 failures) as SNMPv2c traps on
# port 16200 and as SNMPv3 authPriv traps on port 16201.
mkdir -m 700 "$T/state"
cat >"$T/state/ipsecgwd.conf" <<EOC
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
trap2sink 127.0.0.1:16200 public
createUser trapper SHA trap-auth-passphrase AES trap-priv-passphrase
trapsess -v 3 -u trapper -l authPriv -a SHA -A trap-auth-passphrase -x AES -X trap-priv-passphrase 127.0.0.1:16201
EOC
echo "disableAuthorization yes" >"$T/snmptrapd.conf"
TRAPD=""
command -v snmptrapd >/dev/null && TRAPD=$(command -v snmptrapd)
if [ -n "$TRAPD" ]; then
	mkdir -p "$T/trapd-v2c"
	ns_exec gw env SNMP_PERSISTENT_DIR="$T/trapd-v2c" "$TRAPD" -f -Lf "$T/traps.log" -C -c "$T/snmptrapd.conf" udp:127.0.0.1:16200 &
fi
ns_exec gw "$IPSECGWD" --foreground --state-dir "$T/state" --log-level info >"$T/gw.log" 2>&1 &
GW_PID=$!
for _ in $(seq 1 100); do
	case "$(get ipsecGlobEnable.0 2>/dev/null)" in true | false) break ;; esac
	sleep 0.1
done
# An SNMPv3 trap is authenticated with the sender's engine ID: the v3
# sink knows the user under ipsecgwd's engine ID, read over SNMP
# (snmpEngineID.0), and accepts nothing below authPriv.
if [ -n "$TRAPD" ]; then
	eid=$(get -Ox .1.3.6.1.6.3.10.2.1.1.0 | tr -d ' "\n')  # snmpEngineID.0
	cat >"$T/snmptrapd-v3.conf" <<EOC
createUser -e 0x$eid trapper SHA trap-auth-passphrase AES trap-priv-passphrase
authUser log trapper priv
EOC
	mkdir -p "$T/trapd-v3"
	ns_exec gw env SNMP_PERSISTENT_DIR="$T/trapd-v3" "$TRAPD" -f -Lf "$T/traps-v3.log" -C -c "$T/snmptrapd-v3.conf" udp:127.0.0.1:16201 &
	echo "    ipsecgwd's engine ID: 0x$eid"
fi

mkdir -p "$T/C"
# charon_conf AGGRESSIVE IKE_PROPOSALS ESP_PROPOSALS: (re)load charon's side.
charon_conf() {
	cat >"$T/C/swanctl.conf" <<EOC
connections {
	gw {
		version = 1
		aggressive = $1
		local_addrs = 10.99.0.2
		remote_addrs = 10.99.0.1
		proposals = $2
		rekey_time = 0
		${4:-}
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
				esp_proposals = $3
				start_action = none
				${5:-}
			}
		}
	}
}
secrets {
	ike-gw {
		id-a = 10.99.0.1
		id-b = 10.99.0.2
		secret = "interop-psk-0123456789"
	}
}
EOC
	[ -n "${CHARON_DIR_C:-}" ] && sw C --load-all --file "$T/C/swanctl.conf" >/dev/null 2>&1
	return 0
}
charon_conf no aes128-sha1-modp2048 aes128-sha1-modp2048
charon_start C ch "$T/C"
sw C --load-all --file "$T/C/swanctl.conf" >/dev/null

# Our side, through SNMP only: the default profiles offer AES-256/SHA-256,
# AES-128/SHA-256, AES-128/SHA1 (MODP 2048) in phase 1 and four ESP
# proposals with PFS MODP 2048 in phase 2; charon accepts only
# AES-128/SHA1 in both.
sset ipsecPeerRowStatus.1 i createAndGo ipsecPeerDescription.1 s charon \
	ipsecPeerAddress.1 s 10.99.0.2 ipsecPeerIds.1 s 10.99.0.2 \
	ipsecPeerPreSharedKey.1 s "interop-psk-0123456789"
sset ipsecTrRowStatus.10 i createAndGo ipsecTrList.10 i peer ipsecTrPeer.10 i 1 \
	ipsecTrLocalAddress.10 a 10.98.1.0 ipsecTrLocalMaskLen.10 i 24 \
	ipsecTrRemoteAddress.10 a 10.98.2.0 ipsecTrRemoteMaskLen.10 i 24 ipsecTrAction.10 i protect
ok "peer and traffic list configured over SNMP"

wait_state() { # WANT: waits for charon's view of the IKE and CHILD SA
	local i
	for i in $(seq 1 100); do
		if sw C --list-sas 2>/dev/null | grep -q "$1"; then return 0; fi
		sleep 0.1
	done
	return 1
}

# 1. ipsecgwd initiates (admin status dialup).
sset ipsecPeerAdminStatus.1 i dialup
if wait_state INSTALLED; then
	ok "ipsecgwd as initiator: charon shows the CHILD_SA installed"
	sw C --list-sas | grep -E "ESTABLISHED|INSTALLED|AES" | sed 's/^/    /'
else
	fail "ipsecgwd as initiator: no SA at charon"; sw C --list-sas; tail -20 "$T/gw.log"
fi
[ "$(get ipsecPeerOperStatus.1)" = up ] && ok "ipsecPeerOperStatus is up" || fail "oper status $(get ipsecPeerOperStatus.1)"
t=$(snmp snmpwalk -v2c -c public -Oqv "$AGENT" ikeSaTarseh | head -1)
# ID protect, PSK, initiator, established, Rijndael, SHA1.
[ "$t" = IPIERS ] && ok "ikeSaTable row: TARSEH $t" || fail "TARSEH '$t'"
snmp snmpwalk -v2c -c public "$AGENT" ikeSaState | grep -q established && ok "ikeSaTable: established" || fail "ikeSaTable not established"
[ "$(get ipsecStatsPhase1Established.0)" -ge 1 ] && [ "$(get ipsecStatsPhase2Established.0)" -ge 1 ] && ok "global statistics count the SAs" || fail "statistics"
snmp snmpwalk -v2c -c public "$AGENT" ipsecSaEncapsulation | grep -q udpTunnel && ok "ipsecSaTable: UDP-encapsulated tunnel (NAT-T with charon)" || fail "no ipsecSaTable bundle"

# 1b. Deleting the ISAKMP SA by SET tells charon (delete notification).
idx=$(snmp snmpwalk -v2c -c public -On -Oq "$AGENT" ikeSaState | awk '$2 ~ /established/ { sub(/.*\./, "", $1); print $1; exit }')
sset ikeSaAdminAction.$idx i delete
gone=0
for _ in $(seq 1 50); do
	sw C --list-sas 2>/dev/null | grep -q "gw: #.*ESTABLISHED" || { gone=1; break; }
	sleep 0.1
done
[ $gone -eq 1 ] && ok "ikeSaAdminAction delete: charon removed its IKE SA" || fail "charon still has the IKE SA"
[ "$(get ipsecPeerOperStatus.1)" = dormant ] && ok "peer dormant after the delete" || fail "oper status $(get ipsecPeerOperStatus.1)"

# 2. charon initiates, ipsecgwd responds.
sw C --terminate --ike gw >/dev/null 2>&1 || true
sleep 0.5
if sw C --initiate --child net --ike gw 2>&1 | grep -q "initiate completed successfully"; then
	ok "ipsecgwd as responder: charon's Main Mode + Quick Mode completed"
else
	fail "ipsecgwd as responder"; tail -20 "$T/gw.log"
fi

# Resets both sides: charon deletes its SAs (and tells us).
reset() {
	sw C --terminate --ike gw >/dev/null 2>&1 || true
	sleep 0.3
	sset ipsecPeerAdminStatus.1 i up
}

# 2b. Three phase 1 and four phase 2 proposals: ipsecgwd offers its default
# profiles; charon accepts one combination at a time, so every one of ours
# must be chosen once.
for combo in "aes256-sha256-modp2048 aes256-sha256-modp2048 AES_CBC-256/HMAC_SHA2_256_128" \
	"aes128-sha256-modp2048 aes256gcm16-modp2048 AES_GCM_16-256" \
	"aes128-sha1-modp2048 aes128gcm16-modp2048 AES_GCM_16-128" \
	"aes128-sha256-modp2048 aes128-sha1-modp2048 AES_CBC-128/HMAC_SHA1_96"; do
	set -- $combo
	reset
	charon_conf no "$1" "$2"
	sset ipsecPeerAdminStatus.1 i dialup
	if wait_state INSTALLED && sw C --list-sas | grep -q "ESP:$3"; then
		ok "Main Mode + Quick Mode with IKE $1 / ESP $2 (PFS)"
	else
		fail "IKE $1 / ESP $2"; sw C --list-sas; tail -5 "$T/gw.log"
	fi
done

# 2c. Aggressive Mode, both directions (charon needs aggressive = yes).
reset
charon_conf yes aes128-sha1-modp2048 aes128-sha1-modp2048
sset ikeProfileMode.1 i aggressive
sset ipsecPeerAdminStatus.1 i dialup
if wait_state INSTALLED; then ok "Aggressive Mode + Quick Mode, ipsecgwd as initiator"
else fail "Aggressive Mode as initiator"; tail -5 "$T/gw.log"; fi
snmp snmpwalk -v2c -c public -Oqv "$AGENT" ikeSaTarseh | grep -q "^APIE" && ok "ikeSaTable: Aggressive Mode initiator (TARSEH A.I.)" || fail "TARSEH for AM"
reset
if sw C --initiate --child net --ike gw 2>&1 | grep -q "initiate completed successfully"; then
	ok "Aggressive Mode + Quick Mode, ipsecgwd as responder"
else fail "Aggressive Mode as responder"; tail -5 "$T/gw.log"; fi

# 2d. Mode restrictions: id-protect-only refuses Aggressive Mode, and
# aggressive-only refuses Main Mode, with a clear log line.
reset
sset ikeProfileMode.1 i idProtectOnly
if sw C --initiate --child net --ike gw >/dev/null 2>&1; then fail "Aggressive Mode accepted by idProtectOnly"
else grep -q "allows Main Mode only" "$T/gw.log" && ok "idProtectOnly refuses Aggressive Mode" || fail "no reason logged"; fi
reset
charon_conf no aes128-sha1-modp2048 aes128-sha1-modp2048
sset ikeProfileMode.1 i aggressiveOnly
if sw C --initiate --child net --ike gw >/dev/null 2>&1; then fail "Main Mode accepted by aggressiveOnly"
else grep -q "allows Aggressive Mode only" "$T/gw.log" && ok "aggressiveOnly refuses Main Mode" || fail "no reason logged"; fi
sset ikeProfileMode.1 i idProtect

# 2e. Proposals that do not match: refused with what the peer offered.
reset
charon_conf no 3des-md5-modp1024 aes128-sha1-modp2048
if sw C --initiate --child net --ike gw >/dev/null 2>&1; then fail "3DES/MD5/modp1024 accepted"
else
	r=$(get ipsecPeerLastError.1)
	case "$r" in *"no proposal chosen: peer offered"*3des*md5*) ok "mismatch refused: ipsecPeerLastError = $r" ;;
	*) fail "mismatch reason: '$r'" ;; esac
fi
grep -q "NO-PROPOSAL-CHOSEN\|NO_PROPOSAL_CHOSEN" "$T/C/charon.log" && ok "charon received NO-PROPOSAL-CHOSEN" || fail "charon got no notify"

# 2f. Quick Mode without PFS.
reset
charon_conf no aes128-sha1-modp2048 aes128-sha1
sset ipsecProfilePfsGroup.1 i none
sset ipsecPeerAdminStatus.1 i dialup
if wait_state INSTALLED && ! sw C --list-sas | grep "ESP:" | grep -q MODP; then ok "Quick Mode without PFS"
else fail "Quick Mode without PFS"; sw C --list-sas; fi
reset

# 2f2. IPComp "default": proposed first; charon (no IPComp with
# kernel-libipsec) takes the plain ESP proposal that follows.
charon_conf no aes128-sha1-modp2048 aes128-sha1
sset ipsecProfileIpComp.1 i default
sset ipsecPeerAdminStatus.1 i dialup
if wait_state INSTALLED && snmp snmpwalk -v2c -c public -Oqv "$AGENT" ipsecSaCea | grep -qx -- "-E-"; then
	ok "IPComp proposed first, charon chose plain ESP"
else fail "IPComp default against charon"; sw C --list-sas; fi
sset ipsecProfileIpComp.1 i noComp
reset

# 2g. Lifetime matching policy (I2) against the lifetimes charon proposes
# as initiator.  charon offers reauth_time + over_time in phase 1 (no
# volume) and the CHILD_SA's life_time / life_bytes in phase 2.  Ours:
# lifetime entry 1 (900 s and 11000 kB) for both phases, or entry 4
# (900 s, time only) where charon must be able to propose exactly ours.
# lt_try POLICY_P1 POLICY_P2 CONN_OPTS CHILD_OPTS: one charon-initiated
# setup; the lifetimes ipsecgwd used are then in its log.
LT_P1_LONG="reauth_time = 7200s
		over_time = 0s"
LT_P1_900="reauth_time = 900s
		over_time = 0s"
lt_try() {
	reset
	sset ipsecLifePolicy.1 i "$1" ipsecLifePolicy.4 i "$2"
	charon_conf no aes128-sha1-modp2048 aes128-sha1 "$3" "$4"
	LT_LOG0=$(wc -l <"$T/gw.log")
	LT_CH0=$(wc -l <"$T/C/charon.log")
	sw C --initiate --child net --ike gw >/dev/null 2>&1 || true
	sleep 0.5
}
lt_gw() { tail -n +"$((LT_LOG0 + 1))" "$T/gw.log"; }
lt_ch() { tail -n +"$((LT_CH0 + 1))" "$T/C/charon.log"; }
sset ipsecLifeRowStatus.4 i createAndGo ipsecLifeBasedOn.4 i time ipsecLifeSeconds.4 u 900
sset ipsecProfileLifetime.1 i 1 ikeProfileLifetime.1 i 1

# loose: charon's 7200 s in phase 1 and its 1200 s / 50000 kB in phase 2
# are used as proposed, though ours are shorter.
lt_try loose loose "$LT_P1_LONG" "life_time = 1200s
				rekey_time = 1000s
				life_bytes = 50000000"
if grep -q "phase 1 with peer 1 established (.*responder.*lifetime 7200 s/0 kB)" <<<"$(lt_gw)" &&
	grep -Eq "IPsec SA established .*lifetime 1200 s/50000 kB" <<<"$(lt_gw)"; then
	ok "loose: charon's lifetimes used (phase 1 7200 s, phase 2 1200 s and its volume)"
else fail "loose: $(grep -o 'lifetime [0-9]* s/[0-9]* kB' <<<"$(lt_gw)" | tr '\n' ' ')"; fi
left=$(snmp snmpwalk -v2c -c public -OqvU "$AGENT" ikeSaLifetimeLeft | sort -n | tail -1)
[ "${left:-0}" -gt 7000 ] && ok "ikeSaLifetimeLeft shows charon's lifetime ($left s left)" || fail "ikeSaLifetimeLeft $left"

# strict: a phase 1 lifetime other than ours is refused, with the reason.
lt_try strict loose "$LT_P1_LONG" "life_time = 1200s"
r=$(get ipsecPeerLastError.1)
case "$r" in
*"lifetime 7200 s/0 kB where matching policy strict requires 900 s/11000 kB"*) ok "strict: charon's 7200 s refused in phase 1: $r" ;;
*) fail "strict phase 1: ipsecPeerLastError = '$r'" ;;
esac
grep -q "NO_PROPOSAL_CHOSEN" <<<"$(lt_ch)" && ok "charon was told NO-PROPOSAL-CHOSEN" || fail "no NO-PROPOSAL-CHOSEN at charon"
# strict, and charon proposes exactly ours (entry 4 for phase 1): accepted;
# its phase 2 life_time of 1200 s is refused by the strict entry 4 ...
sset ikeProfileLifetime.1 i 4 ipsecProfileLifetime.1 i 4
lt_try strict strict "$LT_P1_900" "life_time = 1200s"
r=$(get ipsecPeerLastError.1)
if grep -q "phase 1 with peer 1 established (.*lifetime 900 s/0 kB)" <<<"$(lt_gw)" &&
	[[ "$r" == *"lifetime 1200 s/0 kB is not the 900 s/0 kB that matching policy strict requires"* ]]; then
	ok "strict: phase 1 with exactly our 900 s accepted, phase 2 with 1200 s refused: $r"
else fail "strict: $r / $(grep -o 'lifetime [0-9]* s/[0-9]* kB' <<<"$(lt_gw)" | tr '\n' ' ')"; fi
# ... and accepted when charon proposes our 900 s there as well.
lt_try strict strict "$LT_P1_900" "life_time = 900s
				rekey_time = 800s"
grep -q "IPsec SA established .*lifetime 900 s/0 kB" <<<"$(lt_gw)" && wait_state INSTALLED &&
	ok "strict: phase 2 with exactly our 900 s accepted" || fail "strict phase 2 with our lifetime: $(get ipsecPeerLastError.1)"
sset ikeProfileLifetime.1 i 1 ipsecProfileLifetime.1 i 1

# notify: longer proposals are accepted, ours (900 s / 11000 kB) used, and
# charon is told in both phases with RESPONDER-LIFETIME (24576).
lt_try notify loose "$LT_P1_LONG" "life_time = 1200s
				rekey_time = 1000s"
if grep -q "phase 1 with peer 1 established (.*lifetime 900 s/11000 kB)" <<<"$(lt_gw)" &&
	grep -q "IPsec SA established .*lifetime 900 s/11000 kB" <<<"$(lt_gw)"; then
	ok "notify: our shorter lifetimes used in both phases"
else fail "notify: $(grep -o 'lifetime [0-9]* s/[0-9]* kB' <<<"$(lt_gw)" | tr '\n' ' ')"; fi
for _ in $(seq 1 50); do grep -q "told the peer our shorter lifetime" <<<"$(lt_gw)" && break; sleep 0.1; done
sleep 0.3
grep -Eq "received (RESPONDER_LIFETIME|\(24576\)) notify" <<<"$(lt_ch)" &&
	ok "charon received RESPONDER-LIFETIME for the ISAKMP SA: $(grep -Eo 'received (RESPONDER_LIFETIME|\(24576\)) notify' <<<"$(lt_ch)" | head -1)" ||
	fail "no phase 1 RESPONDER-LIFETIME at charon"
grep -q "QUICK_MODE response.*N((24576))" <<<"$(lt_ch)" && ok "charon received RESPONDER-LIFETIME (24576) in Quick Mode" || fail "no RESPONDER-LIFETIME at charon"
left=$(snmp snmpwalk -v2c -c public -OqvU "$AGENT" ipsecSaLifetimeLeft | sort -n | tail -1)
[ "${left:-0}" -le 900 ] && [ "${left:-0}" -gt 880 ] && ok "ipsecSaTable: our 900 s lifetime is used ($left s left)" || fail "ipsecSaLifetimeLeft $left"
sset ipsecLifePolicy.1 i loose ipsecLifePolicy.4 i loose
reset
charon_conf no aes128-sha1-modp2048 aes128-sha1

# 2h. INITIAL-CONTACT: charon dies (kill -9, so no delete reaches us),
# comes back and sets the tunnel up again; its INITIAL-CONTACT makes us
# drop the stale ISAKMP SA instead of keeping two.
charon_conf no aes128-sha1-modp2048 aes128-sha1
sset ipsecPeerAdminStatus.1 i dialup
wait_state INSTALLED || true
for p in $(ip netns pids "$(ns_name ch)"); do [ "$(cat /proc/$p/comm)" = charon ] && kill -9 "$p"; done
sleep 0.5
rm -f "$T/C/charon.vici"
charon_start C ch "$T/C"
sw C --load-all --file "$T/C/swanctl.conf" >/dev/null 2>&1
sw C --initiate --child net --ike gw >/dev/null 2>&1 || true
n=$(snmp snmpwalk -v2c -c public -Oqv "$AGENT" ikeSaState | grep -c established || true)
grep -q "replaced after INITIAL-CONTACT" "$T/gw.log" && [ "$n" -eq 1 ] && ok "INITIAL-CONTACT replaced the stale ISAKMP SA ($n established)" || fail "INITIAL-CONTACT: $n established"
reset

# 2i. Heartbeats as RFC 3706 DPD: charon sends R-U-THERE every 2 s and
# gets our ACKs; with heartbeats "both" we send R-U-THERE too; when charon
# dies, our SA is deleted after three silent intervals (30 s), and the
# peer is blocked for the profile's block time (5 s here), then dormant.
reset
charon_conf no aes128-sha1-modp2048 aes128-sha1 "dpd_delay = 2s"
bt0=$(get ikeProfileBlockTime.1 | grep -oE -- "-?[0-9]+" || true)
sset ikeProfileHeartbeats.1 i both ikeProfileBlockTime.1 i 5
sset ipsecPeerAdminStatus.1 i dialup
wait_state INSTALLED || true
sleep 12
grep -q "parsed INFORMATIONAL_V1 .*N(DPD_ACK)" "$T/C/charon.log" && ok "charon's R-U-THERE answered with R-U-THERE-ACK" || fail "no DPD_ACK at charon"
grep -q "parsed INFORMATIONAL_V1 .*N(DPD) \]" "$T/C/charon.log" && ok "our R-U-THERE reached charon" || fail "no DPD request from us"
sw C --list-sas | grep -q ESTABLISHED && ok "the IKE SA stays up with heartbeats" || fail "IKE SA gone"
for p in $(ip netns pids "$(ns_name ch)"); do [ "$(cat /proc/$p/comm)" = charon ] && kill -9 "$p"; done
gone=0
for _ in $(seq 1 60); do
	case "$(get ipsecPeerLastError.1)" in *"heartbeats stopped"*) gone=1; break ;; esac
	sleep 1
done
st=$(get ipsecPeerOperStatus.1)
[ $gone -eq 1 ] && [ "$st" = blocked ] && ok "dead peer detected: $(get ipsecPeerLastError.1), peer $st" || fail "dead peer: detected $gone, peer $st"
back=0
for _ in $(seq 1 80); do [ "$(get ipsecPeerOperStatus.1)" = dormant ] && { back=1; break; }; sleep 0.1; done
[ $back -eq 1 ] && ok "dormant again when the block time is over" || fail "after the block time: $(get ipsecPeerOperStatus.1)"
sset ikeProfileHeartbeats.1 i none ikeProfileBlockTime.1 i "$bt0"
rm -f "$T/C/charon.vici"
charon_start C ch "$T/C"
charon_conf no aes128-sha1-modp2048 aes128-sha1
reset

# 2g. Phase 2 failure: charon accepts none of our ESP proposals; the
# reason reaches ipsecPeerLastError and the ipsecPhase2Failure notification.
charon_conf no aes128-sha1-modp2048 3des-md5
sset ipsecPeerAdminStatus.1 i dialup
r=""
for _ in $(seq 1 60); do
	r=$(get ipsecPeerLastError.1)
	case "$r" in *"Quick Mode refused by the peer"*) break ;; esac
	sleep 0.2
done
case "$r" in
*NO-PROPOSAL-CHOSEN*) ok "phase 2 failure: ipsecPeerLastError = $r" ;;
*) fail "phase 2 failure: ipsecPeerLastError = '$r'" ;;
esac
reset

# 3. A wrong pre-shared key: clear failure, reason in the MIB.
charon_conf no aes128-sha1-modp2048 aes128-sha1
sset ipsecPeerPreSharedKey.1 s "not-the-right-key" ipsecPeerAdminStatus.1 i up \
	ikeProfileBlockTime.1 i 3
sset ipsecPeerAdminStatus.1 i dialup
for _ in $(seq 1 60); do
	r=$(get ipsecPeerLastError.1)
	case "$r" in *"pre-shared keys differ"* | *"no answer"*) break ;; esac
	sleep 0.2
done
case "$r" in
*"pre-shared keys differ"* | *"no answer"*) ok "wrong key refused: ipsecPeerLastError = $r" ;;
*) fail "wrong key: ipsecPeerLastError = '$r'" ;;
esac
# Block time (I7): blocked after the failed phase 1, dormant 3 s later.
[ "$(get ipsecPeerOperStatus.1)" = blocked ] && ok "peer blocked after the failed phase 1" || fail "oper status $(get ipsecPeerOperStatus.1), not blocked"
back=0
for _ in $(seq 1 60); do [ "$(get ipsecPeerOperStatus.1)" = dormant ] && { back=1; break; }; sleep 0.1; done
[ $back -eq 1 ] && ok "dormant again when the block time is over" || fail "still $(get ipsecPeerOperStatus.1)"
[ "$(get ipsecStatsIkeFailures.0)" -ge 1 ] && [ "$(get ipsecPeerFailures.1)" -ge 1 ] && \
	[ "$(get ipsecPeerNegotiations.1)" -ge 5 ] && ok "failure and negotiation counters ($(get ipsecPeerNegotiations.1) negotiations, $(get ipsecPeerFailures.1) failures)" || fail "counters"
if [ -f "$T/traps.log" ]; then
	for t in ipsecPeerUp ipsecPeerDown ipsecPhase1Failure ipsecPhase2Failure; do
		grep -q "IPSECGW-MIB::$t" "$T/traps.log" && ok "notification $t received by snmptrapd" || fail "no $t notification"
	done
	grep -q "pre-shared keys differ" "$T/traps.log" && ok "the failure notification carries the reason" || fail "no reason in the notification"
	grep -q "NO-PROPOSAL-CHOSEN" "$T/traps.log" && ok "the phase 2 failure notification carries the reason" || fail "no reason in the phase 2 notification"
fi
if [ -f "$T/traps-v3.log" ]; then
	for t in ipsecPeerUp ipsecPeerDown ipsecPhase1Failure ipsecPhase2Failure; do
		n=$(grep -c "IPSECGW-MIB::$t" "$T/traps-v3.log" || true)
		[ "$n" -ge 1 ] && ok "notification $t received as an SNMPv3 authPriv trap ($n)" || fail "no SNMPv3 $t notification"
	done
	grep -q "pre-shared keys differ" "$T/traps-v3.log" && ok "the SNMPv3 failure notification carries the reason" || fail "no reason in the SNMPv3 notification"
fi
grep -q "interop-psk\|not-the-right-key" "$T/gw.log" && fail "a key is in the log" || ok "no key in the log"
igw_finish
