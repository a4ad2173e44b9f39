# Certificate authentication between two ipsecgwd, for what charon does
# not do: DSS signatures (Main and Aggressive Mode) and RSA encryption
# (RFC 2409 5.2, with and without the key hash payload), plus RSA
# signatures under the advanced settings (don't send CR, ignore CR, don't
# send certificate chains).  Each gateway makes its own keys and
# certificate requests over SNMP; a test CA (openssl) signs them, A's RSA
# certificate through an intermediate CA that only A stores, so its chain
# has to travel.  Every case ends with a ping through the tunnel.
source "$IPSECGW_TOP/tests/interop/lib.sh"
command -v openssl >/dev/null || { echo "openssl missing: skipped"; exit 77; }
igw_init certself

ns_add a
ns_add b
ns_link a 10.95.0.1/24 b 10.95.0.2/24 >/dev/null
ns_lan a 10.94.1.1/32
ns_lan b 10.94.2.1/32
# Key generation happens inside the SET: allow it time.
sset() { local n=$1; shift; ns_exec "$n" snmpset -v2c -c private -r0 -t30 "$AGENT" "$@" >/dev/null; }
getbytes() { # NS OID FILE: an OCTET STRING value, byte for byte
	ns_exec "$1" snmpget -v2c -c public -r1 -t3 -Oqvx "$AGENT" "$2" |
		python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().replace("\"", "")))' >"$3"
}

igw_start a b

# The test CA, and an intermediate CA under it for A's RSA certificate.
P=$T/pki
mkdir -p "$P"
ossl() { openssl "$@" >>"$T/openssl.log" 2>&1; }
ossl req -x509 -newkey rsa:2048 -nodes -keyout "$P/ca.key" -out "$P/ca.pem" -days 30 \
	-subj "/O=Test/CN=Test CA" -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign"
ossl req -newkey rsa:2048 -nodes -keyout "$P/sub.key" -out "$P/sub.csr" -subj "/O=Test/CN=Sub CA"
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$P/ca.ext"
ossl x509 -req -in "$P/sub.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial -days 30 \
	-extfile "$P/ca.ext" -out "$P/sub.pem"

# Each gateway: a DSA key (A 1024, B 2048 bits) and an RSA key, a request
# for each with the gateway's names, signed by the CA (A's RSA one by the
# intermediate), imported as own certificates; the CA certificates.
idx=0
for n in a b; do
	idx=$((idx + 1))
	bits=$([ $n = a ] && echo 1024 || echo 2048)
	sset $n ipsecKeyRowStatus.1 i createAndGo ipsecKeyAlgorithm.1 i dsa ipsecKeyLength.1 i "$bits"
	sset $n ipsecKeyRowStatus.2 i createAndGo ipsecKeyAlgorithm.2 i rsa ipsecKeyLength.2 i 2048
	sset $n ipsecCertReqRowStatus.1 i createAndGo ipsecCertReqKey.1 i 1 \
		ipsecCertReqSubject.1 s "CN=$n-dss.test,O=Test" \
		ipsecCertReqAltName1Type.1 i dns ipsecCertReqAltName1.1 s "$n-dss.test"
	sset $n ipsecCertReqRowStatus.2 i createAndGo ipsecCertReqKey.2 i 2 \
		ipsecCertReqSubject.2 s "CN=$n.test,O=Test" \
		ipsecCertReqAltName1Type.2 i dns ipsecCertReqAltName1.2 s "$n.test" \
		ipsecCertReqAltName2Type.2 i ip ipsecCertReqAltName2.2 s "10.95.0.$idx"
	getbytes $n ipsecCertReqPkcs10.1 "$P/$n-dss.csr"
	getbytes $n ipsecCertReqPkcs10.2 "$P/$n.csr"
	ossl x509 -req -in "$P/$n-dss.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial \
		-days 30 -copy_extensions copy -out "$P/$n-dss.pem"
	if [ $n = a ]; then
		ossl x509 -req -in "$P/$n.csr" -CA "$P/sub.pem" -CAkey "$P/sub.key" -CAcreateserial \
			-days 30 -copy_extensions copy -out "$P/$n.pem"
		sset $n ipsecCertRowStatus.2 i createAndGo ipsecCertType.2 i ca \
			ipsecCertData.2 s "$(cat "$P/sub.pem")"
	else
		ossl x509 -req -in "$P/$n.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial \
			-days 30 -copy_extensions copy -out "$P/$n.pem"
	fi
	sset $n ipsecCertRowStatus.1 i createAndGo ipsecCertType.1 i ca ipsecCertData.1 s "$(cat "$P/ca.pem")"
	sset $n ipsecCertRowStatus.3 i createAndGo ipsecCertType.3 i own ipsecCertData.3 s "$(cat "$P/$n-dss.pem")"
	sset $n ipsecCertRowStatus.4 i createAndGo ipsecCertType.4 i own ipsecCertData.4 s "$(cat "$P/$n.pem")"
done
if [ "$(get a ipsecCertState.3)" = valid ] && [ "$(get a ipsecCertState.4)" = valid ] &&
	[ "$(get b ipsecCertState.3)" = valid ] && [ "$(get b ipsecCertState.4)" = valid ] &&
	[ "$(get a ipsecCertKey.3)" = 1 ] && [ "$(get b ipsecCertKey.4)" = 2 ]; then
	ok "keys made and certificates requested and imported over SNMP"
else
	fail "certificates: A $(get a ipsecCertState.3)/$(get a ipsecCertState.4) B $(get b ipsecCertState.3)/$(get b ipsecCertState.4)"
fi

igw_tunnel a 10.95.0.2 10.94.1.0 10.94.2.0 ipsecPeerIds.1 s "b-dss.test,b.test"
igw_tunnel b 10.95.0.1 10.94.2.0 10.94.1.0 ipsecPeerIds.1 s "a-dss.test,a.test"
for n in a b; do sset "$n" ipsecGlobEnable.0 i true; done

# setup METHOD CERT MODE: both gateways, peer down and up around it.
setup() {
	for n in a b; do
		sset "$n" ipsecPeerAdminStatus.1 i down
		sset "$n" ikeProfileAuthMethod.1 i "$1" ikeProfileLocalCert.1 i "$2" ikeProfileMode.1 i "$3"
		sset "$n" ipsecPeerAdminStatus.1 i up
	done
}
# up LABEL: A dials; both must be up with an IPsec SA and pass a ping.
up() {
	local i
	sset a ipsecPeerAdminStatus.1 i dialup
	for i in $(seq 1 100); do
		[ "$(get a ipsecPeerOperStatus.1)" = up ] && [ "$(get b ipsecPeerOperStatus.1)" = up ] && break
		sleep 0.1
	done
	if [ "$(get a ipsecPeerOperStatus.1)" = up ] &&
		ns_exec a ping -c 2 -i 0.2 -W 3 -I 10.94.1.1 10.94.2.1 >"$T/ping" 2>&1; then
		ok "$1"
	else
		fail "$1: A '$(get a ipsecPeerLastError.1)' B '$(get b ipsecPeerLastError.1)'"
		tail -n 5 "$T/a.log" "$T/b.log"
	fi
}
# refused LABEL WANT: A dials; phase 1 fails with WANT at A or B.
refused() {
	local i ra rb
	sset a ipsecPeerAdminStatus.1 i dialup
	for i in $(seq 1 100); do
		ra=$(get a ipsecPeerLastError.1)
		rb=$(get b ipsecPeerLastError.1)
		case "$ra $rb" in *"$2"*) break ;; esac
		sleep 0.1
	done
	case "$ra $rb" in *"$2"*) ok "$1: $2" ;; *) fail "$1: A '$ra' B '$rb'" ;; esac
}
tarseh() { ns_exec a snmpwalk -v2c -c public -Oqv "$AGENT" ikeSaTarseh | grep -v "No Such" | tail -1; }

# DSS signatures, Main Mode and Aggressive Mode (SHA1 proposal chosen).
setup dsaSignature 3 idProtect
up "DSS signatures, Main Mode (DSA-1024 / DSA-2048)"
[ "$(tarseh)" = IDIERS ] && ok "ikeSaTable: TARSEH IDIERS (D: DSS, S: SHA1)" || fail "TARSEH '$(tarseh)'"
setup dsaSignature 3 aggressive
up "DSS signatures, Aggressive Mode"

# RSA signatures; A's certificate needs its intermediate CA, sent as chain.
setup rsaSignature 4 idProtect
up "RSA signatures, Main Mode, A's chain through its intermediate CA"
setup rsaSignature 4 aggressive
up "RSA signatures, Aggressive Mode"
sset a ipsecGlobNoCertChains.0 i true
setup rsaSignature 4 idProtect
refused "don't send cert chains: B cannot place A's certificate" "not issued by a trusted CA"
sset a ipsecGlobNoCertChains.0 i false

# Don't send CR (A) and ignore CR (B): B sends no certificate, so A needs
# B's certificate in its table (type peer).
sset a ipsecGlobNoCrPayloads.0 i true
setup rsaSignature 4 idProtect
refused "don't send CR, no peer certificate stored" "the peer sent no certificate"
sset a ipsecCertRowStatus.5 i createAndGo ipsecCertType.5 i peer ipsecCertData.5 s "$(cat "$P/b.pem")"
setup rsaSignature 4 idProtect
up "don't send CR: B's certificate from A's peer certificates"
sset a ipsecGlobNoCrPayloads.0 i false
sset b ipsecGlobIgnoreCrPayloads.0 i true
setup rsaSignature 4 aggressive
up "ignore CR (B): B's certificate from A's peer certificates, Aggressive Mode"
sset b ipsecGlobIgnoreCrPayloads.0 i false

# RSA encryption: each needs the other's certificate beforehand.  B does
# not store the intermediate CA of A's certificate: it is forced trusted.
sset b ipsecCertRowStatus.5 i createAndGo ipsecCertType.5 i peer ipsecCertForceTrusted.5 i true \
	ipsecCertData.5 s "$(cat "$P/a.pem")"
setup rsaEncryption 4 idProtect
up "RSA encryption, Main Mode"
[ "$(tarseh)" = IEIER2 ] && ok "ikeSaTable: TARSEH IEIER2 (E: RSA encryption)" || fail "TARSEH '$(tarseh)'"
setup rsaEncryption 4 aggressive
up "RSA encryption, Aggressive Mode"
sset a ipsecGlobNoKeyHashPayloads.0 i true
setup rsaEncryption 4 idProtect
up "RSA encryption without the key hash payload"
sset a ipsecGlobNoKeyHashPayloads.0 i false
sset b ipsecCertRowStatus.5 i destroy
setup rsaEncryption 4 idProtect
refused "RSA encryption, B lacks A's certificate" "RSA encryption needs the peer's certificate"

for n in a b; do
	grep -q "PRIVATE KEY" "$T/$n.log" && fail "a private key in $n's log" || ok "no private key in $n's log"
done
igw_finish
