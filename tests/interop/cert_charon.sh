# Certificate authentication (RSA signatures) against strongSwan's charon.
# strongSwan's pki tool makes a test CA, the certificates of ipsecgwd and
# charon and a CRL revoking a third one; ipsecgwd gets the CA, its key, its
# certificate and the CRL over SNMP only (as docs/certificates.md shows),
# charon gets its own.  Main Mode and Aggressive Mode, ipsecgwd as
# initiator and as responder, each with a Quick Mode; then charon with the
# revoked certificate is refused with a clear ipsecPeerLastError.
source "$IPSECGW_TOP/tests/interop/lib.sh"
source "$IPSECGW_TOP/tests/interop/charon.sh"
command -v pki >/dev/null || { echo "strongSwan pki missing (scripts/deps installs strongswan-pki): skipped"; exit 77; }
igw_init cert
GW_PID=""
igw_on_exit() {
	[ -n "$GW_PID" ] && kill -9 "$GW_PID" 2>/dev/null
	charon_stop C
}

# The test PKI, made with strongSwan's pki: a CA, ipsecgwd's certificate
# (first alternative name gw.test: its default IKE ID), charon's, a third
# one for charon's ID that the CRL revokes.
P=$T/pki
mkdir -p "$P"
pki --gen --type rsa --size 2048 --outform pem >"$P/ca.key"
pki --self --ca --lifetime 30 --in "$P/ca.key" --dn "C=CH, O=Test, CN=Test CA" \
	--outform pem >"$P/ca.pem"
issue() { # NAME DN SAN...: a key and a certificate from the CA
	local name=$1 dn=$2 args=()
	shift 2
	for s in "$@"; do args+=(--san "$s"); done
	pki --gen --type rsa --size 2048 --outform pem >"$P/$name.key"
	pki --pub --in "$P/$name.key" | pki --issue --lifetime 30 --cacert "$P/ca.pem" \
		--cakey "$P/ca.key" --dn "$dn" "${args[@]}" --outform pem >"$P/$name.pem"
}
issue gw "C=CH, O=Test, CN=gw.test" gw.test 10.99.0.1
issue ch "C=CH, O=Test, CN=charon.test" charon.test
issue rv "C=CH, O=Test, CN=charon.test" charon.test
pki --signcrl --cacert "$P/ca.pem" --cakey "$P/ca.key" --lifetime 30 \
	--reason key-compromise --cert "$P/rv.pem" --outform pem >"$P/ca.crl"
ok "test PKI made with strongSwan's pki (CA, 3 certificates, CRL)"

ns_add gw
ns_add ch
ns_link gw 10.99.0.1/24 ch 10.99.0.2/24 >/dev/null
ns_lan gw 10.98.1.1/32
ns_lan ch 10.98.2.1/32

snmp() { ns_exec gw "$@"; }
sset() { snmp snmpset -v2c -c private -r1 -t5 "$AGENT" "$@" >/dev/null; }
get() { snmp snmpget -v2c -c public -r1 -t3 -Oqv "$AGENT" "$@"; }

mkdir -m 700 "$T/state"
cat >"$T/state/ipsecgwd.conf" <<EOC
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
EOC
ns_exec gw "$IPSECGWD" --foreground --state-dir "$T/state" --log-level info >"$T/gw.log" 2>&1 &
GW_PID=$!
for _ in $(seq 1 100); do
	case "$(get ipsecGlobEnable.0 2>/dev/null)" in true | false) break ;; esac
	sleep 0.1
done

# Our side, over SNMP only: the CA, our key and certificate, the CRL.
sset ipsecCertRowStatus.1 i createAndGo ipsecCertType.1 i ca \
	ipsecCertDescription.1 s "Test CA" ipsecCertData.1 s "$(cat "$P/ca.pem")"
sset ipsecKeyRowStatus.1 i createAndGo ipsecKeyDescription.1 s "gw key" \
	ipsecKeyImport.1 s "$(cat "$P/gw.key")"
sset ipsecCertRowStatus.2 i createAndGo ipsecCertType.2 i own \
	ipsecCertDescription.2 s "gw.test" ipsecCertData.2 s "$(cat "$P/gw.pem")"
sset ipsecCrlRowStatus.1 i createAndGo ipsecCrlDescription.1 s "Test CA" \
	ipsecCrlData.1 s "$(cat "$P/ca.crl")"
[ "$(get ipsecCertState.2)" = valid ] && [ "$(get ipsecCertKey.2)" = 1 ] &&
	[ "$(get ipsecCrlRevocations.1)" = 1 ] &&
	ok "CA, key, own certificate and CRL imported over SNMP" ||
	fail "import: state $(get ipsecCertState.2) key $(get ipsecCertKey.2) CRL $(get ipsecCrlRevocations.1)"
sset ipsecPeerRowStatus.1 i createAndGo ipsecPeerDescription.1 s charon \
	ipsecPeerAddress.1 s 10.99.0.2 ipsecPeerIds.1 s charon.test
sset ipsecTrRowStatus.10 i createAndGo ipsecTrList.10 i peer ipsecTrPeer.10 i 1 \
	ipsecTrLocalAddress.10 a 10.98.1.0 ipsecTrLocalMaskLen.10 i 24 \
	ipsecTrRemoteAddress.10 a 10.98.2.0 ipsecTrRemoteMaskLen.10 i 24 ipsecTrAction.10 i protect
sset ikeProfileAuthMethod.1 i rsaSignature ikeProfileLocalCert.1 i 2
ok "peer with RSA signatures (ikeProfileAuthMethod, ikeProfileLocalCert) configured"

# charon_conf AGGRESSIVE CERT [LOCAL_ID REMOTE_ID]: charon's side with
# certificate CERT (ch or rv) and its key, the CA, and the IDs (charon.test
# and ipsecgwd's gw.test unless given).
C=$T/C
mkdir -p "$C/x509" "$C/x509ca" "$C/private"
cp "$P/ca.pem" "$C/x509ca/"
charon_conf() {
	rm -f "$C"/x509/*.pem "$C"/private/*.key
	cp "$P/$2.pem" "$C/x509/"
	cp "$P/$2.key" "$C/private/"
	cat >"$C/swanctl.conf" <<EOC
connections {
	gw {
		version = 1
		aggressive = $1
		local_addrs = 10.99.0.2
		remote_addrs = 10.99.0.1
		proposals = aes128-sha256-modp2048
		rekey_time = 0
		local {
			auth = pubkey
			certs = $2.pem
			id = "${3:-charon.test}"
		}
		remote {
			auth = pubkey
			id = "${4:-gw.test}"
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
EOC
	if [ -n "${CHARON_DIR_C:-}" ]; then
		sw C --unload-conn gw >/dev/null 2>&1 || true
		SWANCTL_DIR=$C sw C --load-all --clear --file "$C/swanctl.conf" >/dev/null 2>&1
	fi
	return 0
}
charon_conf no ch
charon_start C ch "$C"
SWANCTL_DIR=$C sw C --load-all --file "$C/swanctl.conf" >/dev/null

wait_state() { # WANT: waits for charon's view of the IKE and CHILD SA
	local i
	for i in $(seq 1 100); do
		if sw C --list-sas 2>/dev/null | grep -q "$1"; then return 0; fi
		sleep 0.1
	done
	return 1
}
reset() {
	sw C --terminate --ike gw >/dev/null 2>&1 || true
	sleep 0.3
	sset ipsecPeerAdminStatus.1 i up
}

# 1. Main Mode, ipsecgwd initiates.
sset ipsecPeerAdminStatus.1 i dialup
if wait_state INSTALLED; then
	ok "Main Mode with RSA signatures, ipsecgwd as initiator: CHILD_SA installed at charon"
else
	fail "Main Mode, initiator"; sw C --list-sas; tail -20 "$T/gw.log"
fi
t=$(snmp snmpwalk -v2c -c public -Oqv "$AGENT" ikeSaTarseh | head -1)
# ID protect, RSA signature, initiator, established, Rijndael, SHA-2.
[ "$t" = ISIER2 ] && ok "ikeSaTable row: TARSEH $t (S: RSA signatures)" || fail "TARSEH '$t'"
r=$(snmp snmpwalk -v2c -c public -Oqv "$AGENT" ikeSaRemoteId | head -1 | tr -d '"')
l=$(snmp snmpwalk -v2c -c public -Oqv "$AGENT" ikeSaLocalId | head -1 | tr -d '"')
[ "$r" = charon.test ] && [ "$l" = gw.test ] &&
	ok "IDs: ours is the certificate's first alternative name ($l), charon's $r" || fail "IDs '$l' '$r'"
grep -q "authentication of 'gw.test' with RSA_EMSA_PKCS1_NULL successful" "$C/charon.log" &&
	ok "charon verified our RSA signature (RSA_EMSA_PKCS1_NULL)" || fail "charon did not verify our signature"
grep -q "received end entity cert \"C=CH, O=Test, CN=gw.test\"" "$C/charon.log" &&
	ok "charon received our certificate (we answer its CR)" || fail "no certificate from us at charon"
grep -q "received cert request for 'C=CH, O=Test, CN=Test CA'" "$C/charon.log" &&
	ok "charon received our certificate request naming the CA" || fail "no CR at charon"

# 2. Main Mode, charon initiates.
reset
if sw C --initiate --timeout 20 --child net --ike gw 2>&1 | grep -q "initiate completed successfully"; then
	ok "Main Mode with RSA signatures, ipsecgwd as responder"
else
	fail "Main Mode, responder"; tail -20 "$T/gw.log"
fi

# 3. Aggressive Mode, both directions.
reset
charon_conf yes ch
sset ikeProfileMode.1 i aggressive
sset ipsecPeerAdminStatus.1 i dialup
if wait_state INSTALLED; then ok "Aggressive Mode with RSA signatures, ipsecgwd as initiator"
else fail "Aggressive Mode, initiator"; sw C --list-sas; tail -20 "$T/gw.log"; fi
snmp snmpwalk -v2c -c public -Oqv "$AGENT" ikeSaTarseh | grep -q "^ASIE" && ok "ikeSaTable: Aggressive Mode, RSA signatures (TARSEH AS..)" || fail "TARSEH for AM"
reset
if sw C --initiate --timeout 20 --child net --ike gw 2>&1 | grep -q "initiate completed successfully"; then
	ok "Aggressive Mode with RSA signatures, ipsecgwd as responder"
else fail "Aggressive Mode, responder"; tail -20 "$T/gw.log"; fi

# 3b. Distinguished names as IDs on both sides (ID_DER_ASN1_DN): ours from
# ikeProfileLocalId, charon's matched as a name in ipsecPeerIds.
reset
sset ikeProfileMode.1 i idProtect ikeProfileLocalId.1 s "C=CH, O=Test, CN=gw.test" \
	ipsecPeerIds.1 s "charon.test, C=CH, O=Test, CN=charon.test"
charon_conf no ch "C=CH, O=Test, CN=charon.test" "C=CH, O=Test, CN=gw.test"
if sw C --initiate --timeout 20 --child net --ike gw 2>&1 | grep -q "initiate completed successfully"; then
	r=$(snmp snmpwalk -v2c -c public -Oqv "$AGENT" ikeSaRemoteId | tail -1 | tr -d '"')
	ok "DN IDs both ways, ipsecgwd as responder (remote ID $r)"
else
	fail "DN IDs"; tail -5 "$T/gw.log"
fi
reset
sset ipsecPeerAdminStatus.1 i dialup
wait_state INSTALLED && ok "DN IDs both ways, ipsecgwd as initiator" || fail "DN IDs, initiator"
sset ikeProfileLocalId.1 s "" ipsecPeerIds.1 s charon.test

# 4. charon with the revoked certificate: refused both ways, with the reason.
reset
charon_conf no rv
if sw C --initiate --timeout 20 --child net --ike gw >/dev/null 2>&1; then
	fail "the revoked certificate was accepted"
else
	r=$(get ipsecPeerLastError.1)
	case "$r" in *"peer certificate revoked"*) ok "revoked certificate refused (responder): ipsecPeerLastError = $r" ;;
	*) fail "revoked (responder): '$r'"; tail -5 "$T/gw.log" ;; esac
fi
grep -q "INVALID_CERTIFICATE" "$C/charon.log" && ok "charon was told: INVALID-CERTIFICATE" || fail "no notify at charon"
reset
n0=$(grep -c "failed: peer certificate revoked" "$T/gw.log" || true)
sset ipsecPeerAdminStatus.1 i dialup
n=$n0
for _ in $(seq 1 100); do
	n=$(grep -c "failed: peer certificate revoked" "$T/gw.log" || true)
	[ "$n" -gt "$n0" ] && break
	sleep 0.1
done
r=$(get ipsecPeerLastError.1)
[ "$n" -gt "$n0" ] && case "$r" in *"peer certificate revoked"*) true ;; *) false ;; esac &&
	ok "revoked certificate refused (initiator): $r" || fail "revoked (initiator): '$r'" 
sw C --list-sas 2>/dev/null | grep -q INSTALLED && fail "a CHILD_SA with the revoked certificate" || ok "no SA with the revoked certificate"

# 5. The private key never reaches the log.
grep -q "PRIVATE KEY" "$T/gw.log" && fail "a private key is in the log" || ok "no private key in the log"
igw_finish
