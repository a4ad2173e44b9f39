# IKEv1 against strongSwan's charon (kernel-libipsec, so always NAT-T):
# ipsecgwd in one network namespace, configured only through SNMP, charon
# in another, joined by a veth pair.  Main Mode + Quick Mode with
# pre-shared keys, ipsecgwd as initiator (admin status dialup) and as
# responder (swanctl --initiate), several phase 1 / phase 2 proposals
# offered, PFS; a wrong pre-shared key fails with a clear reason.
set -euo pipefail
: "${IPSECGWD:?}" "${IPSECGW_TOP:?}" "${IPSECGW_IETF_MIBS:?}"
source "$IPSECGW_TOP/tests/interop/netns.sh"
source "$IPSECGW_TOP/tests/interop/charon.sh"
T=$(mktemp -d /tmp/ipsecgw-ike.XXXXXX)
PASSES=0
FAILS=0
GW_PID=""
cleanup() {
	[ -n "$GW_PID" ] && kill -9 "$GW_PID" 2>/dev/null
	charon_stop C
	ns_cleanup
	if [ "$FAILS" -eq 0 ]; then rm -rf "$T"; else echo "kept $T"; fi
}
trap cleanup EXIT
ok() { PASSES=$((PASSES + 1)); echo "ok - $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL - $*"; }

ns_add gw
ns_add ch
ns_link gw 10.99.0.1/24 ch 10.99.0.2/24 >/dev/null
ns_lan gw 10.98.1.1/32
ns_lan ch 10.98.2.1/32

export MIBDIRS="$IPSECGW_TOP/mibs:$IPSECGW_IETF_MIBS" MIBS=IPSECGW-MIB SNMPCONFPATH="$T/client"
AGENT=udp:127.0.0.1:1161
snmp() { ns_exec gw "$@"; }
sset() { snmp snmpset -v2c -c private -r1 -t3 "$AGENT" "$@" >/dev/null; }
get() { snmp snmpget -v2c -c public -r1 -t3 -Oqv "$AGENT" "$@"; }

# SNMP access and a trap sink for ipsecgwd; snmptrapd receives the
# notifications (peer up/down, phase 1 failure).
mkdir -m 700 "$T/state"
cat >"$T/state/ipsecgwd.conf" <<EOC
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
trap2sink 127.0.0.1:16200 public
EOC
echo "disableAuthorization yes" >"$T/snmptrapd.conf"
if command -v snmptrapd >/dev/null; then
	ns_exec gw snmptrapd -f -Lf "$T/traps.log" -C -c "$T/snmptrapd.conf" udp:127.0.0.1:16200 &
fi
ns_exec gw "$IPSECGWD" --foreground --state-dir "$T/state" --log-level info >"$T/gw.log" 2>&1 &
GW_PID=$!
for _ in $(seq 1 100); do
	case "$(get ipsecGlobEnable.0 2>/dev/null)" in true | false) break ;; esac
	sleep 0.1
done

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

# 2g. Lifetime matching policy notify: charon proposes a longer phase 2
# lifetime; ipsecgwd (responder) uses its own 900 s and says so with a
# RESPONDER-LIFETIME notification (strongSwan 5.9 parses it but keeps its
# own lifetime, so we check what it received and what we use).
reset
sset ipsecLifePolicy.1 i notify
charon_conf no aes128-sha1-modp2048 aes128-sha1
sw C --initiate --child net --ike gw >/dev/null 2>&1 || true
grep -q "QUICK_MODE response.*N((24576))" "$T/C/charon.log" && ok "charon received RESPONDER-LIFETIME (24576) in Quick Mode" || fail "no RESPONDER-LIFETIME at charon"
snmp snmpwalk -v2c -c public -Oqv "$AGENT" ipsecSaLifetimeLeft | grep -qx "900 seconds" && ok "ipsecSaTable: our 900 s lifetime is used" || fail "lifetime: $(snmp snmpwalk -v2c -c public -Oqv "$AGENT" ipsecSaLifetimeLeft | tr '\n' ' ')"
sset ipsecLifePolicy.1 i loose
reset

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
# dies, our SA is deleted after three silent intervals (30 s).
reset
charon_conf no aes128-sha1-modp2048 aes128-sha1 "dpd_delay = 2s"
sset ikeProfileHeartbeats.1 i both
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
[ $gone -eq 1 ] && ok "dead peer detected: $(get ipsecPeerLastError.1), peer $(get ipsecPeerOperStatus.1)" || fail "dead peer not detected"
sset ikeProfileHeartbeats.1 i none
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
grep -q "interop-psk\|not-the-right-key" "$T/gw.log" && fail "a key is in the log" || ok "no key in the log"
echo "$PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
