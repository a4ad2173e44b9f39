# Certificate and key management (K1-K4) over SNMP: RSA and DSA keys made
# by the daemon (private keys never readable, files 0600, never logged),
# PKCS#10 requests checked with openssl and uploaded to tftpd-hpa, CA, peer
# and own certificates and a CRL imported (PEM, base64 DER, TFTP), every
# kind of bad input refused on the right varbind with nothing changed, and
# all of it still there after a restart and after kill -9.
source "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || { echo "openssl missing"; exit 77; }
TFTPD=$(command -v in.tftpd || true)
[ -n "$TFTPD" ] || { echo "in.tftpd missing (scripts/deps installs tftpd-hpa)"; exit 77; }

P=$T/pki
mkdir -p "$P"
S=$T/state
start_gw "$S" --log-level debug

# Our own TFTP server on a free loopback port, with its own directory.
start_tftpd

# getbytes OID FILE: an OCTET STRING value, byte for byte.
getbytes() {
	snmpget "${SR[@]}" -Oqvx "$AGENT" "$1" |
		python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().replace("\"", "")))' >"$2"
}

# wait_for WANT OID: polls until get OID gives WANT (at most 60 s).
wait_for() {
	local i v=""
	for i in $(seq 1 300); do
		v=$(get "$2" 2>/dev/null || true)
		[ "$v" == "$1" ] && return 0
		sleep 0.2
	done
	echo "$2 is '$v', not '$1'"
	return 1
}

# The test PKI: a CA (with openssl ca for revocations), certificates.
test_ca
# issue NAME DAYS [openssl ca args]: a certificate for CN=NAME from the CA.
issue() {
	local name=$1 days=$2
	shift 2
	ossl req -newkey rsa:2048 -nodes -keyout "$P/$name.key" -subj "/CN=$name.example.net" \
		-addext "subjectAltName=DNS:$name.example.net" -out "$P/$name.csr"
	ossl ca -batch -config "$P/ca.cnf" -keyfile "$P/ca.key" -cert "$P/ca.pem" -notext \
		-in "$P/$name.csr" -out "$P/$name.pem" -days "$days" "$@"
}
issue peer 30
issue peer2 30
issue peer3 30
issue old 30 -startdate 20200101000000Z -enddate 20200201000000Z
# A CA with the same name but another key, and a certificate it signed.
ossl req -x509 -newkey rsa:2048 -nodes -keyout "$P/fake.key" -out "$P/fake.pem" -days 30 \
	-subj "/C=DE/O=Test/CN=Test CA"
ossl req -newkey rsa:2048 -nodes -keyout "$P/forged.key" -subj "/CN=forged" -out "$P/forged.csr"
ossl x509 -req -in "$P/forged.csr" -CA "$P/fake.pem" -CAkey "$P/fake.key" -days 30 -out "$P/forged.pem"
# A self-signed peer certificate that no stored CA vouches for.
ossl req -x509 -newkey rsa:2048 -nodes -keyout "$P/lone.key" -out "$P/lone.pem" -days 30 -subj "/CN=lone"
[ -s "$P/peer.pem" ] && [ -s "$P/old.pem" ] && [ -s "$P/forged.pem" ] && ok "test PKI made with openssl" ||
	{ cat "$T/openssl.log"; fail "openssl could not make the test PKI"; finish; }

# --- K1 keys ---------------------------------------------------------------
sset ipsecKeyRowStatus.1 i createAndGo ipsecKeyDescription.1 s "gw rsa" \
	ipsecKeyAlgorithm.1 i rsa ipsecKeyLength.1 i 2048 && ok "RSA 2048 key created"
sset ipsecKeyRowStatus.2 i createAndGo ipsecKeyDescription.2 s "gw dsa" \
	ipsecKeyAlgorithm.2 i dsa && ok "DSA key created (default length)"
expect_eq ready "$(get ipsecKeyState.1)" "RSA key ready when the SET returns"
expect_eq ready "$(get ipsecKeyState.2)" "DSA key ready"
expect_eq "2048 bits" "$(get ipsecKeyLength.1)" "RSA key length"
expect_eq "1024 bits" "$(get ipsecKeyLength.2)" "DSA key length defaults to 1024"
expect_eq dsa "$(get ipsecKeyAlgorithm.2)" "DSA algorithm"
walk=$(snmpwalk "${SR[@]}" -Oq "$AGENT" ipsecKeyDescription)
grep -q 'gw rsa' <<<"$walk" && grep -q 'gw dsa' <<<"$walk" && ok "both keys listed" || fail "key list: $walk"
expect_eq '""' "$(get ipsecKeyImport.1)" "the private key reads back empty"
expect_eq 600 "$(stat -c %a "$S/pki/key-1.pem")" "key file is mode 0600"
expect_eq 600 "$(stat -c %a "$S/pki/key-2.pem")" "DSA key file is mode 0600"
fp=$(openssl pkey -in "$S/pki/key-1.pem" -pubout -outform DER | sha256sum | cut -c1-64 | tr a-f A-F)
expect_eq "$fp" "$(get ipsecKeyFingerprint.1 | tr -d ':"')" "fingerprint is the SHA-256 of the public key"
grep -q "PRIVATE KEY" "$S/state.conf" "$S/state.journal" && fail "a private key is in the state file" ||
	ok "no private key in state.conf or the journal"
expect_set_error inconsistentValue ipsecKeyLength.3 ipsecKeyRowStatus.3 i createAndGo \
	ipsecKeyAlgorithm.3 i dsa ipsecKeyLength.3 i 1536
expect_set_error wrongValue ipsecKeyPublicExponent.3 ipsecKeyRowStatus.3 i createAndGo \
	ipsecKeyPublicExponent.3 u 65536
expect_set_error wrongValue ipsecKeyLength.3 ipsecKeyRowStatus.3 i createAndGo ipsecKeyLength.3 i 256
expect_set_error inconsistentValue ipsecKeyLength.1 ipsecKeyLength.1 i 1024
# Import a key made elsewhere (PKCS#8 PEM).
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$P/imported.key"
sset ipsecKeyRowStatus.4 i createAndGo ipsecKeyDescription.4 s "imported" \
	ipsecKeyImport.4 s "$(cat "$P/imported.key")" && ok "key imported"
expect_eq "1024 bits" "$(get ipsecKeyLength.4)" "imported key's length read from it"
cmp -s <(openssl pkey -in "$P/imported.key") <(openssl pkey -in "$S/pki/key-4.pem") &&
	ok "imported key stored as given" || fail "imported key differs"
expect_set_error wrongValue ipsecKeyImport.5 ipsecKeyRowStatus.5 i createAndGo \
	ipsecKeyImport.5 s "-----BEGIN PRIVATE KEY-----
garbage
-----END PRIVATE KEY-----"
[ ! -e "$S/pki/key-5.pem" ] && ok "no file for a refused key" || fail "file of a refused key"

# --- K2 requests -----------------------------------------------------------
sset ipsecCertReqRowStatus.1 i createAndGo ipsecCertReqKey.1 i 1 \
	ipsecCertReqSubject.1 s "CN=gw1,O=Example" \
	ipsecCertReqAltName1Type.1 i ip ipsecCertReqAltName1.1 s 198.51.100.1 \
	ipsecCertReqAltName2Type.1 i dns ipsecCertReqAltName2.1 s gw1.example.net \
	ipsecCertReqAltName3Type.1 i email ipsecCertReqAltName3.1 s admin@example.net &&
	ok "request for key 1 (show)"
expect_eq done "$(get ipsecCertReqState.1)" "request made"
getbytes ipsecCertReqPkcs10.1 "$P/req1.pem"
out=$(openssl req -in "$P/req1.pem" -verify -noout -text 2>&1)
grep -q "verify OK" <<<"$out" && ok "PKCS#10 signature verifies (openssl req -verify)" || fail "request: $out"
grep -q "Subject: O = Example, CN = gw1" <<<"$out" && ok "subject" || fail "subject: $out"
grep -q "IP Address:198.51.100.1, DNS:gw1.example.net, email:admin@example.net" <<<"$out" &&
	ok "three subject alternative names" || fail "alt names: $out"
cmp -s <(openssl req -in "$P/req1.pem" -pubkey -noout) <(openssl pkey -in "$S/pki/key-1.pem" -pubout) &&
	ok "request carries key 1" || fail "request key differs"
sset ipsecCertReqRowStatus.2 i createAndGo ipsecCertReqKey.2 i 2 && ok "request with defaults (DSA key)"
getbytes ipsecCertReqPkcs10.2 "$P/req2.pem"
out=$(openssl req -in "$P/req2.pem" -verify -noout -text 2>&1)
grep -q "verify OK" <<<"$out" && ok "DSA-signed request verifies" || fail "request 2: $out"
grep -q "Subject: CN = $(hostname)" <<<"$out" && ok "default subject is the host name" || fail "subject 2: $out"
grep -q "DNS:$(hostname)" <<<"$out" && ok "default DNS name is the host name" || fail "dns 2: $out"
ip=$(ip -4 -o addr show up scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -1)
if [ -n "$ip" ]; then
	grep -q "IP Address:$ip" <<<"$out" && ok "default IP is the first address ($ip)" || fail "ip 2: $out"
fi
sset ipsecCertReqRowStatus.3 i createAndGo ipsecCertReqKey.3 i 1 ipsecCertReqMethod.3 i upload \
	ipsecCertReqSubject.3 s "CN=gw1" ipsecCertReqServer.3 s "127.0.0.1:$TPORT" \
	ipsecCertReqFile.3 s "req3.pem" && ok "upload request (base64)"
wait_for done ipsecCertReqState.3 && ok "uploaded" || fail "upload: $(get ipsecCertReqError.3)"
getbytes ipsecCertReqPkcs10.3 "$P/req3.pem"
cmp -s "$P/req3.pem" "$TD/req3.pem" && ok "the TFTP server has the request as shown" || fail "uploaded file differs"
sset ipsecCertReqRowStatus.4 i createAndGo ipsecCertReqKey.4 i 1 ipsecCertReqMethod.4 i upload \
	ipsecCertReqSubject.4 s "CN=gw1" ipsecCertReqServer.4 s "127.0.0.1:$TPORT" \
	ipsecCertReqFile.4 s "req4.der" ipsecCertReqEncoding.4 i binary && ok "upload request (binary)"
wait_for done ipsecCertReqState.4 && ok "binary uploaded" || fail "upload 4: $(get ipsecCertReqError.4)"
getbytes ipsecCertReqPkcs10.4 "$P/req4.pem"
cmp -s <(openssl req -in "$P/req4.pem" -outform DER) "$TD/req4.der" && ok "binary upload is the DER" ||
	fail "binary upload differs"
sset ipsecCertReqRowStatus.5 i createAndGo ipsecCertReqKey.5 i 1 ipsecCertReqMethod.5 i upload \
	ipsecCertReqServer.5 s "127.0.0.1:$(free_port)" && ok "upload to nobody accepted"
wait_for failed ipsecCertReqState.5 && ok "upload to a silent server fails" || fail "upload 5"
get ipsecCertReqError.5 | grep -q "no answer from TFTP server" && ok "with the reason" ||
	fail "reason: $(get ipsecCertReqError.5)"
expect_set_error inconsistentValue ipsecCertReqMethod.6 ipsecCertReqRowStatus.6 i createAndGo \
	ipsecCertReqKey.6 i 1 ipsecCertReqMethod.6 i scep
grep -q "SCEP enrolment is not supported yet" "$T/gw.log" && ok "SCEP: not supported yet, logged" || fail "no SCEP reason"
expect_set_error wrongValue ipsecCertReqAltName1.6 ipsecCertReqRowStatus.6 i createAndGo \
	ipsecCertReqKey.6 i 1 ipsecCertReqAltName1Type.6 i ip ipsecCertReqAltName1.6 s "300.1.2.3"
expect_set_error wrongValue ipsecCertReqSubject.6 ipsecCertReqRowStatus.6 i createAndGo \
	ipsecCertReqKey.6 i 1 ipsecCertReqSubject.6 s "nonsense"
expect_set_error inconsistentValue ipsecCertReqMethod.6 ipsecCertReqRowStatus.6 i createAndGo \
	ipsecCertReqKey.6 i 1 ipsecCertReqMethod.6 i upload

# The CA signs request 1: the gateway's own certificate.
ossl ca -batch -config "$P/ca.cnf" -keyfile "$P/ca.key" -cert "$P/ca.pem" -notext \
	-in "$P/req1.pem" -out "$P/own.pem" -days 30
cp "$P/own.pem" "$TD/own.pem"

# --- K3 certificates, K4 CRLs and servers ----------------------------------
before=$(snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecCertTable; snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecCrlTable)
expect_set_error wrongValue ipsecCertData.1 ipsecCertRowStatus.1 i createAndGo ipsecCertType.1 i ca \
	ipsecCertData.1 s "garbage, not a certificate"
expect_set_error wrongValue ipsecCertData.1 ipsecCertRowStatus.1 i createAndGo ipsecCertType.1 i ca \
	ipsecCertData.1 s "$(head -c 600 "$P/ca.pem")"
expect_set_error wrongValue ipsecCertData.1 ipsecCertRowStatus.1 i createAndGo \
	ipsecCertImportFormat.1 i binary ipsecCertData.1 s "$(cat "$P/ca.pem")"
expect_set_error wrongValue ipsecCertData.1 ipsecCertRowStatus.1 i createAndGo \
	ipsecCertData.1 s "$(cat "$P/old.pem")"
grep -q "ipsecCertData.1: the certificate expired on" "$T/gw.log" && ok "expiry logged" || fail "expiry not logged"
expect_set_error inconsistentValue ipsecCertData.1 ipsecCertRowStatus.1 i createAndGo \
	ipsecCertData.1 s "tftp://127.0.0.1:$TPORT/no-such-file.pem"
expect_set_error inconsistentValue ipsecCertRowStatus.1 ipsecCertRowStatus.1 i createAndGo
expect_eq "$before" "$(snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecCertTable; snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecCrlTable)" \
	"refused imports changed nothing"

sset ipsecCertRowStatus.1 i createAndGo ipsecCertType.1 i ca ipsecCertDescription.1 s "Test CA" \
	ipsecCertData.1 s "$(cat "$P/ca.pem")" && ok "CA certificate imported (PEM)"
expect_eq true "$(get ipsecCertIsCa.1)" "flag CA"
expect_eq true "$(get ipsecCertNoCrls.1)" "flag N: no CRL point, no server, no CRL"
expect_eq valid "$(get ipsecCertState.1)" "CA valid"
expect_eq 'CN=Test CA, O=Test, C=DE' "$(get ipsecCertSubject.1)" "CA subject"
getbytes ipsecCertData.1 "$P/ca.back"
cmp -s <(openssl x509 -in "$P/ca.pem" -outform DER) <(openssl x509 -in "$P/ca.back" -outform DER) &&
	ok "certificate reads back as PEM" || fail "read back differs"

sset ipsecCertRowStatus.2 i createAndGo ipsecCertType.2 i peer ipsecCertDescription.2 s "peer" \
	ipsecCertImportFormat.2 i base64 \
	ipsecCertData.2 s "$(openssl x509 -in "$P/peer.pem" -outform DER | base64 -w0)" && ok "peer imported (base64 DER)"
expect_eq valid "$(get ipsecCertState.2)" "peer valid (issued by the stored CA)"
expect_eq 'CN=peer.example.net' "$(get ipsecCertSubject.2)" "peer subject"
expect_eq 'CN=Test CA, O=Test, C=DE' "$(get ipsecCertIssuer.2)" "peer issuer"
expect_eq "$(openssl x509 -in "$P/peer.pem" -noout -serial | cut -d= -f2)" "$(get ipsecCertSerial.2)" "peer serial"
expect_eq 'DNS:peer.example.net' "$(get ipsecCertSubjectAltNames.2)" "peer alternative names"
get ipsecCertValidity.2 | grep -q "GMT - .*GMT" && ok "validity shown" || fail "validity: $(get ipsecCertValidity.2)"
sset ipsecCertRowStatus.3 i createAndGo ipsecCertType.3 i own \
	ipsecCertData.3 s "tftp://127.0.0.1:$TPORT/own.pem" && ok "own certificate fetched by TFTP"
expect_eq 1 "$(get ipsecCertKey.3)" "own certificate found its key (flag O)"
expect_eq 'own.pem' "$(get ipsecCertDescription.3)" "TFTP file name is the description"
expect_eq valid "$(get ipsecCertState.3)" "own certificate valid"
sset ipsecCertRowStatus.4 i createAndGo ipsecCertData.4 s "$(cat "$P/lone.pem")" && ok "lone peer imported"
expect_eq untrusted "$(get ipsecCertState.4)" "no CA vouches for it"
sset ipsecCertForceTrusted.4 i true && ok "forced trusted"
expect_eq valid "$(get ipsecCertState.4)" "flag T makes it valid"
sset ipsecCertDescription.4 s "renamed" && expect_eq 'renamed' "$(get ipsecCertDescription.4)" "description changed"
sset ipsecCertRowStatus.5 i createAndGo ipsecCertImportFormat.5 i binary \
	ipsecCertData.5 x "$(openssl x509 -in "$P/peer2.pem" -outform DER | od -An -v -tx1 | tr -d ' \n')" &&
	ok "peer2 imported (binary DER)"

before=$(snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecCertTable; snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecKeyTable)
expect_set_error inconsistentValue ipsecCertData.6 ipsecCertRowStatus.6 i createAndGo \
	ipsecCertData.6 s "$(cat "$P/forged.pem")"
grep -q "signature does not verify with CA certificate 1" "$T/gw.log" && ok "bad signature logged" || fail "no signature reason"
expect_set_error inconsistentValue ipsecCertData.6 ipsecCertRowStatus.6 i createAndGo \
	ipsecCertData.6 s "$(cat "$P/peer.pem")"
expect_set_error inconsistentValue ipsecCertType.6 ipsecCertRowStatus.6 i createAndGo \
	ipsecCertType.6 i own ipsecCertData.6 s "$(cat "$P/peer3.pem")"
expect_set_error inconsistentValue ipsecCertType.6 ipsecCertRowStatus.6 i createAndGo \
	ipsecCertType.6 i ca ipsecCertData.6 s "$(cat "$P/peer3.pem")"
expect_set_error inconsistentValue ipsecCertForceTrusted.1 ipsecCertForceTrusted.1 i true
expect_set_error inconsistentValue ipsecCertType.2 ipsecCertType.2 i own
expect_set_error inconsistentValue ipsecKeyRowStatus.1 ipsecKeyRowStatus.1 i destroy
grep -q "ipsecKeyTable row 1 is in use by" "$T/gw.log" && ok "key in use: logged" || fail "no in-use reason"
expect_eq "$before" "$(snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecCertTable; snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecKeyTable)" \
	"refused SETs changed nothing"

# The CA revokes peer2 and peer3 and publishes a CRL.
ossl ca -config "$P/ca.cnf" -keyfile "$P/ca.key" -cert "$P/ca.pem" -revoke "$P/peer2.pem"
ossl ca -config "$P/ca.cnf" -keyfile "$P/ca.key" -cert "$P/ca.pem" -revoke "$P/peer3.pem"
ossl ca -config "$P/ca.cnf" -keyfile "$P/ca.key" -cert "$P/ca.pem" -gencrl -out "$P/crl.pem"
ossl crl -in "$P/crl.pem" -outform DER -out "$TD/crl.der"
ossl ca -config "$P/ca.cnf" -keyfile "$P/fake.key" -cert "$P/fake.pem" -gencrl -out "$P/fake-crl.pem"
expect_set_error inconsistentValue ipsecCrlData.1 ipsecCrlRowStatus.1 i createAndGo \
	ipsecCrlData.1 s "$(cat "$P/fake-crl.pem")"
expect_set_error wrongValue ipsecCrlData.1 ipsecCrlRowStatus.1 i createAndGo ipsecCrlData.1 s "no CRL"
sset ipsecCrlRowStatus.1 i createAndGo ipsecCrlData.1 s "tftp://127.0.0.1:$TPORT/crl.der" && ok "CRL fetched by TFTP (DER)"
expect_eq 'CN=Test CA, O=Test, C=DE' "$(get ipsecCrlIssuer.1)" "CRL issuer"
expect_eq '01' "$(get ipsecCrlNumber.1)" "CRL number"
expect_eq 2 "$(get ipsecCrlRevocations.1)" "CRL revokes two"
expect_eq revoked "$(get ipsecCertState.5)" "the stored peer2 is now revoked"
expect_eq false "$(get ipsecCertNoCrls.1)" "flag N cleared by the CRL"
expect_set_error inconsistentValue ipsecCertData.6 ipsecCertRowStatus.6 i createAndGo \
	ipsecCertData.6 s "$(cat "$P/peer3.pem")"
grep -q "ipsecCertData.6: revoked by CRL 1" "$T/gw.log" && ok "revocation logged" || fail "no revocation reason"
sset ipsecCertServerRowStatus.1 i createAndGo ipsecCertServerDescription.1 s "company CA" \
	ipsecCertServerUrl.1 s "ldap://ca.example.net" ipsecCertServerPreference.1 i 0 && ok "certificate server"
expect_set_error wrongValue ipsecCertServerUrl.2 ipsecCertServerRowStatus.2 i createAndGo \
	ipsecCertServerUrl.2 s "ca.example.net"
expect_eq 'ldap://ca.example.net' "$(get ipsecCertServerUrl.1)" "server URL"

# --- restart, kill -9, asynchronous generation ------------------------------
snap() {
	snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecKeyTable
	snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecCertTable
	snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecCrlTable
	snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecCertServerTable
	snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecCertReqKey
	snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecCertReqSubject
	getbytes ipsecCertReqPkcs10.1 /dev/stdout
}
snap >"$P/before-restart"
stop_gw
start_gw "$S"
snap >"$P/after-restart"
diff "$P/before-restart" "$P/after-restart" >"$P/restart.diff" && ok "everything is back after a restart" ||
	fail "after restart: $(cat "$P/restart.diff")"
# A DSA signature is randomised: request 2 is made again, as valid as before.
getbytes ipsecCertReqPkcs10.2 "$P/req2.again"
openssl req -in "$P/req2.again" -verify -noout 2>&1 | grep -q "verify OK" &&
	cmp -s <(openssl req -in "$P/req2.again" -pubkey -noout) <(openssl req -in "$P/req2.pem" -pubkey -noout) &&
	ok "DSA request made again after the restart" || fail "request 2 after restart"

sset ipsecKeyRowStatus.7 i createAndGo ipsecKeyLength.7 i 1024 && ok "key 7 created"
kill -9 "$GW_PID"
wait "$GW_PID" 2>/dev/null || true
fp7=$(openssl pkey -in "$S/pki/key-7.pem" -pubout -outform DER | sha256sum | cut -c1-64 | tr a-f A-F)
start_gw "$S"
expect_eq ready "$(get ipsecKeyState.7)" "acknowledged key survives kill -9"
expect_eq "$fp7" "$(get ipsecKeyFingerprint.7 | tr -d ':"')" "same key after kill -9"
sset ipsecCertReqRowStatus.7 i createAndGo ipsecCertReqKey.7 i 7 ipsecCertReqSubject.7 s "CN=k7" &&
	ok "the key is usable after kill -9"
getbytes ipsecCertReqPkcs10.7 "$P/req7.pem"
openssl req -in "$P/req7.pem" -verify -noout 2>&1 | grep -q "verify OK" && ok "its request verifies" || fail "request 7"

sset ipsecKeyRowStatus.8 i createAndGo ipsecKeyLength.8 i 4096 && ok "RSA 4096 accepted"
expect_eq generating "$(get ipsecKeyState.8)" "large keys are generated after the SET"
expect_set_error inconsistentValue ipsecCertReqKey.8 ipsecCertReqRowStatus.8 i createAndGo ipsecCertReqKey.8 i 8
wait_for ready ipsecKeyState.8 && ok "RSA 4096 ready" || fail "key 8 never ready"
expect_eq "4096 bits" "$(get ipsecKeyLength.8)" "its length"
sset ipsecKeyRowStatus.9 i createAndGo ipsecKeyLength.9 i 4096 && ok "another RSA 4096"
kill -9 "$GW_PID"
wait "$GW_PID" 2>/dev/null || true
rm -f "$S/pki/key-9.pem" # whether or not it was finished: the restart must make it
start_gw "$S"
wait_for ready ipsecKeyState.9 && ok "generation resumed after the restart" || fail "key 9 not resumed"
[ -s "$S/pki/key-9.pem" ] && ok "its file exists" || fail "no file for key 9"

sset ipsecKeyRowStatus.7 i destroy ipsecCertReqRowStatus.7 i destroy && ok "key 7 and its request deleted"
[ ! -e "$S/pki/key-7.pem" ] && ok "key file removed" || fail "key 7 file left"
touch "$S/pki/key-99.pem"
stop_gw
start_gw "$S"
[ ! -e "$S/pki/key-99.pem" ] && ok "a key file without a row is removed at start" || fail "orphan kept"

# Nothing secret in the log, ever.
for k in "$S"/pki/key-*.pem "$P/imported.key"; do
	line=$(sed -n 3p "$k")
	grep -qF -- "$line" "$T/gw.log" && fail "key material of $k in the log"
done
grep -q "PRIVATE KEY" "$T/gw.log" && fail "a private key in the log" || ok "no key material in the log"
finish
