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

ns_exec gw "$IPSECGWD" --foreground --state-dir "$T/state" --log-level info >"$T/gw.log" 2>&1 &
GW_PID=$!
for _ in $(seq 1 100); do
	case "$(get ipsecGlobEnable.0 2>/dev/null)" in true | false) break ;; esac
	sleep 0.1
done

mkdir -p "$T/C"
cat >"$T/C/swanctl.conf" <<EOC
connections {
	gw {
		version = 1
		local_addrs = 10.99.0.2
		remote_addrs = 10.99.0.1
		proposals = aes128-sha1-modp2048
		rekey_time = 0
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
				esp_proposals = aes128-sha1-modp2048
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
snmp snmpwalk -v2c -c public "$AGENT" ipsecSaEncapsulation | grep -q udpTunnel && ok "ipsecSaTable: UDP-encapsulated tunnel (NAT-T with charon)" || fail "no ipsecSaTable bundle"

# 2. charon initiates, ipsecgwd responds.
sw C --terminate --ike gw >/dev/null 2>&1 || true
sleep 0.5
if sw C --initiate --child net --ike gw 2>&1 | grep -q "initiate completed successfully"; then
	ok "ipsecgwd as responder: charon's Main Mode + Quick Mode completed"
else
	fail "ipsecgwd as responder"; tail -20 "$T/gw.log"
fi

# 3. A wrong pre-shared key: clear failure, reason in the MIB.
sw C --terminate --ike gw >/dev/null 2>&1 || true
sset ipsecPeerPreSharedKey.1 s "not-the-right-key" ipsecPeerAdminStatus.1 i up
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
grep -q "interop-psk\|not-the-right-key" "$T/gw.log" && fail "a key is in the log" || ok "no key in the log"
echo "$PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
