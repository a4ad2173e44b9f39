# ipsecgw-setup's Certificate and Key Management (K1-K4) and the wizard's
# certificate steps (W) end to end: the menu runs in tmux against a fresh
# ipsecgwd; keys, a request whose PEM is shown, certificates pasted into
# the multi-line editor (made here with openssl) or fetched by TFTP, a
# refused certificate shown next to its field, force trusted, a CRL, and
# the wizard with RSA signatures; every result is checked with snmpget.
source "$(dirname "$0")/lib.sh"
: "${IPSECGW_SETUP:?}"
command -v tmux >/dev/null || { echo "tmux missing: skipped"; exit 77; }
command -v openssl >/dev/null || { echo "openssl missing: skipped"; exit 77; }
TFTPD=$(command -v in.tftpd || true)

start_gw "$T/state"
source "$(dirname "$0")/menu_lib.sh"

# The test PKI: a CA (openssl ca for the CRL) and a lone peer certificate.
P=$T/pki
test_ca
ossl req -x509 -newkey rsa:2048 -nodes -keyout "$P/lone.key" -out "$P/lone.pem" -days 30 \
	-subj "/CN=lone.example.net"
# sign REQ OUT: the CA signs a PKCS#10 request the gateway made.
sign() {
	ossl ca -batch -config "$P/ca.cnf" -keyfile "$P/ca.key" -cert "$P/ca.pem" -notext \
		-in "$1" -out "$2" -days 30
}
# pkcs10 N FILE: the request the agent made, as PEM.
pkcs10() {
	snmpget "${SR[@]}" -Oqvx "$AGENT" "ipsecCertReqPkcs10.$1" |
		python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().replace("\"", "")))' >"$2"
}
if [ -n "$TFTPD" ]; then
	start_tftpd
fi

start_menu
see "[IPSEC]: IPsec Configuration - Main Menu" "main menu shown"
press Down 8 # Certificate and Key Management >
keys Enter
see "[IPSEC][CERTMGMT]: IPSec Configuration - Certificate and Key Management" "cert and key submenu"
shot certmgmt

# --- K1: an RSA key, proposed with 2048 bits ------------------------------
keys Enter # Key Management >
see "[IPSEC][CERTMGMT][KEYS]: IPSec Configuration - Configure Keys" "key list"
see "CREATE              DELETE        REQUEST CERT        EXIT" "key list buttons of the seed"
keys Enter # CREATE (the list is empty)
see "[IPSEC][CERTMGMT][KEYS][CREATE]: IPSec Configuration - Create Keys" "Create Keys"
see "Key Size (Bits):        2048" "2048 bits proposed"
text "gw key"; keys Enter
press Down 2
see "2048 proposed: RSA under 2048 bits counts as breakable; 512..4096" "the help line says why"
shot key-create
press Down 2 # RSA Public Exponent, CREATE
keys Enter
see "gw key                                   rsa         2048  ready" "the key is listed, ready"
expect_eq "2048 bits" "$(get ipsecKeyLength.1)" "agent: 2048 bits"
expect_eq rsa "$(get ipsecKeyAlgorithm.1)" "agent: RSA"
expect_eq ready "$(get ipsecKeyState.1)" "agent: key ready"
expect_eq 65537 "$(get ipsecKeyPublicExponent.1)" "agent: exponent 65537"
shot key-list

# A DSA key, then deleted; the key in use cannot be.
keys Enter # CREATE again
see "[IPSEC][CERTMGMT][KEYS][CREATE]" "Create Keys again"
text "spare"; keys Enter
press Down 1; keys Space
see "Algorithm:              dsa" "DSA chosen"
gone "RSA Public Exponent" "no exponent for DSA"
press Down 1 # Key Size
see "DSA: 1024, 2048 or 3072 bits; 2048 proposed" "DSA sizes in the help"
text "1536"; keys Enter
press Down 1 # CREATE
keys Enter
see "Key Size (Bits):        1536 <inconsistentValue>" "a DSA size the agent refuses, next to the field"
see "SAVE refused: inconsistentValue (Key Size (Bits))" "status line names Key Size"
expect_eq "No Such Instance currently exists at this OID" "$(get ipsecKeyDescription.2 2>&1)" "agent: no key 2"
text "2048"; keys Enter # the cursor went to the field
press Down 1
keys Enter
see "spare                                    dsa         2048  ready" "DSA key listed"
expect_eq dsa "$(get ipsecKeyAlgorithm.2)" "agent: DSA key"

# --- K2: a request for key 1, shown in full --------------------------------
press Up 1 # the list (last row: spare)
press Up 1 # gw key
keys e
see "[IPSEC][CERTMGMT][KEYS][ENROLL]: IPSec Configuration - Request Certificate" "'e' requests a certificate"
see "Key to enroll:  gw key" "for the highlighted key"
see "IP     (the gateway's address)" "alt name 1 defaults to the address"
see "DNS    (the gateway's host name)" "alt name 2 defaults to the host name"
text "CN=gw1,O=Example"; keys Enter
shot request
press Down 7 # six alt name fields, START
keys Enter
see "[IPSEC][CERTMGMT][KEYS][ENROLL][SHOW]: Certificate Request (PKCS#10)" "the request is shown"
see "-----BEGIN CERTIFICATE REQUEST-----" "its PEM"
shot pkcs10
expect_eq done "$(get ipsecCertReqState.1)" "agent: request made"
expect_eq 1 "$(get ipsecCertReqKey.1)" "agent: for key 1"
pkcs10 1 "$P/req1.pem"
out=$(openssl req -in "$P/req1.pem" -verify -noout -subject 2>&1)
grep -q "verify OK" <<<"$out" && grep -q "O = Example, CN = gw1" <<<"$out" &&
	ok "agent: the PKCS#10 verifies, subject as typed" || fail "request: $out"
line2=$(sed -n 2p "$P/req1.pem")
see "$line2" "the screen shows the agent's PEM"
keys End
see "-----END CERTIFICATE REQUEST-----" "End scrolls to the end of the PEM"
keys Enter
see "[IPSEC][CERTMGMT][KEYS]: IPSec" "back in the key list"

press Down 1 # spare
keys Space # mark it
see "x   2  spare" "spare marked for DELETE"
press Down 1 # CREATE
press Right 1 # DELETE
keys Enter
gone "spare" "spare deleted"
expect_eq "No Such Instance currently exists at this OID" "$(get ipsecKeyDescription.2 2>&1)" "agent: key 2 gone"
keys Enter # DELETE again: the highlighted gw key, in use by request 1
see "Delete the highlighted entry? (y/n)" "DELETE asks for the highlighted entry"
keys y
see "SAVE refused: inconsistentValue (still in use?)" "a key in use is not deleted"
expect_eq ready "$(get ipsecKeyState.1)" "agent: key 1 still there"
keys Escape
see "[IPSEC][CERTMGMT]: IPSec" "back in the submenu"

# --- K3: the CA certificate by direct input --------------------------------
press Down 2 # Own, CA
keys Enter
see "[IPSEC][CERTMGMT][CA]: IPSec Configuration - CA Certificates" "CA list"
see "Flags: 'O'= own cert, 'CA'= CA cert, 'N'= no CRLs, 'T'= cert forced trusted" "flags legend"
keys Enter # IMPORT
see "[IPSEC][CERTMGMT][CA][IMPORT]: IPSec Configuration - Get Certificate" "import screen"
see "Type of Certificate:      Certificate Authority" "type from the list"
text "Test CA"; keys Enter
press Down 1; keys Space # Import using: Direct Input
see "Import using:             Direct Input" "direct input chosen"
see "Certificate Data:         (none: <Return> to paste)" "data field"
press Down 1
keys Enter
see "[IPSEC][CERTMGMT][CA][IMPORT][INPUT]" "the multi-line editor"
see "Certificate Data: paste or type it, then a line with only \".\"" "editor prompt"
text "$(head -5 "$P/ca.pem")"
see "$(sed -n 5p "$P/ca.pem")" "pasted lines shown"
shot editor
keys C-u
text "$(cat "$P/ca.pem")"; keys Enter; text "."; keys Enter
n=$(wc -l <"$P/ca.pem")
see "Certificate Data:         $n lines: -----BEGIN CERTIFICATE-----" "the whole PEM taken"
shot import
press Down 2 # Import Format, START
keys Enter
see "CA N" "CA listed with flags CA and N"
see "Test CA" "with its description"
see "CN=Test CA, O=Test, C=DE" "and its subject"
shot ca-list
expect_eq ca "$(get ipsecCertType.1)" "agent: type ca"
expect_eq true "$(get ipsecCertIsCa.1)" "agent: flag CA"
expect_eq true "$(get ipsecCertNoCrls.1)" "agent: flag N"
expect_eq valid "$(get ipsecCertState.1)" "agent: CA valid"
snmpget "${SR[@]}" -Oqvx "$AGENT" ipsecCertData.1 |
	python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().replace("\"", "")))' >"$P/ca.back"
cmp -s <(openssl x509 -in "$P/ca.pem" -outform DER) <(openssl x509 -in "$P/ca.back" -outform DER) &&
	ok "agent: the certificate is the one pasted" || fail "agent: certificate differs"

# A garbage certificate: refused, the error next to the data.
keys Enter # IMPORT (the cursor stayed on it)
see "[IPSEC][CERTMGMT][CA][IMPORT]" "import again"
text "junk"; keys Enter
press Down 1; keys Space
press Down 1; keys Enter
see "[IPSEC][CERTMGMT][CA][IMPORT][INPUT]" "editor again"
text "this is not a certificate"; keys Enter; text "."; keys Enter
press Down 2
keys Enter
see "Certificate Data:         1 line: this is not a certificate <wrongValue>" "the agent's error next to the data"
see "SAVE refused: wrongValue (Certificate Data)" "status line names the field"
shot import-error
expect_eq "IPSECGW-MIB::ipsecCertDescription.1 = STRING: Test CA" \
	"$(snmpwalk "${SR[@]}" "$AGENT" ipsecCertDescription)" "agent: nothing imported"
keys Escape
see "[IPSEC][CERTMGMT][CA]: IPSec" "import cancelled"
keys Escape
see "[IPSEC][CERTMGMT]: IPSec" "submenu"

# --- K3: the own certificate, by TFTP if there is a server -----------------
sign "$P/req1.pem" "$P/own.pem"
press Up 1 # Own Certificates
keys Enter
see "[IPSEC][CERTMGMT][OWN]: IPSec Configuration - Own Certificates" "own list"
keys Enter # IMPORT
see "[IPSEC][CERTMGMT][OWN][IMPORT]" "own import"
see "Type of Certificate:      Own Certificate" "type own"
if [ -n "$TFTPD" ]; then
	cp "$P/own.pem" "$TD/own.pem"
	press Down 1 # Import using: TFTP
	press Down 1; text "127.0.0.1:$TPORT"; keys Enter
	press Down 1; text "own.pem"; keys Enter
	see "URL:                      tftp://127.0.0.1:$TPORT/own.pem" "the URL the gateway fetches"
	press Down 2
	keys Enter
	see "own.pem                O" "own certificate fetched by TFTP, flag O"
	expect_eq own.pem "$(get ipsecCertDescription.2)" "agent: the file name is the description"
else
	echo "# in.tftpd missing: the own certificate is pasted instead"
	text "gw1"; keys Enter
	press Down 1; keys Space; press Down 1; keys Enter
	paste "$P/own.pem"
	press Down 2
	keys Enter
	see "gw1                    O" "own certificate, flag O"
fi
expect_eq own "$(get ipsecCertType.2)" "agent: type own"
expect_eq 1 "$(get ipsecCertKey.2)" "agent: it found key 1"
expect_eq valid "$(get ipsecCertState.2)" "agent: own certificate valid"
press Up 1
keys Enter # EDIT
see "[IPSEC][CERTMGMT][OWN][EDIT]: IPSec Configuration - Certificate" "own certificate EDIT"
see "Uses Key:  1 gw key" "its key"
see "Issuer:             CN=Test CA, O=Test, C=DE" "its issuer"
see "State:              valid" "its state"
shot cert-edit
keys Escape
see "[IPSEC][CERTMGMT][OWN]: IPSec" "back in the own list"
keys Escape
see "[IPSEC][CERTMGMT]: IPSec" "submenu again"

# --- K3: a peer certificate nobody vouches for, forced trusted -------------
press Down 2 # CA, Peer
keys Enter
see "[IPSEC][CERTMGMT][PEER]: IPSec Configuration - Peer Certificates" "peer list"
keys Enter
see "[IPSEC][CERTMGMT][PEER][IMPORT]" "peer import"
see "Force Trusted:            no" "force trusted offered for peers"
text "lone"; keys Enter
press Down 2; keys Space; press Down 1; keys Enter
paste "$P/lone.pem"
press Down 2
keys Enter
see "CN=lone.example.net" "peer listed"
expect_eq untrusted "$(get ipsecCertState.3)" "agent: no CA vouches for it"
press Up 1
keys Enter
see "State:              untrusted" "EDIT shows untrusted"
keys C-u; text "lone peer"; keys Enter
press Down 2; keys Space
see "Force Trusted:      yes" "force trusted chosen"
press Down 2 # Certificate Contents >, SAVE
keys Enter
see "lone peer              CA T" "flag T listed (and CA: a self-signed certificate)"
expect_eq true "$(get ipsecCertForceTrusted.3)" "agent: forced trusted"
expect_eq valid "$(get ipsecCertState.3)" "agent: now valid"
expect_eq "lone peer" "$(get ipsecCertDescription.3)" "agent: description edited"
keys Escape
see "[IPSEC][CERTMGMT]: IPSec" "submenu after peers"
keys Escape
see "[IPSEC]: IPsec Configuration - Main Menu" "main menu"

# --- W: the wizard with RSA signatures -------------------------------------
WPEER=$(get ipsecGlobPeerNextFree.0)
WTR=$(get ipsecGlobTrNextFree.0)
press Down 2 # Advanced Settings, Wizard (from Certificate and Key Management)
keys Enter
see "[IPSEC][WIZARD]: IPsec Configuration - Wizard Menu" "wizard menu"
press Down 1 # SELECT
keys Enter
see "[IPSEC][WIZARD][AUTH]: IPsec Wizard - Step 1 of 3: Authentication" "authentication step"
keys Space
see "Authentication Method:  RSA Signatures" "RSA signatures chosen"
see "Step 1 of 8: Authentication" "eight steps with certificates"
shot wizard-auth
press Down 1; keys Enter
see "[IPSEC][WIZARD][KEYS][CREATE]: IPsec Wizard - Step 2 of 8: Key Pair" "key step"
see "A key pair for your certificate (SKIP: use the newest key)" "key step explained"
see "CREATE                   SKIP                CANCEL" "with SKIP"
text "wizard key"; keys Enter
press Down 3 # Key Size, Exponent, CREATE
keys Enter
see "[IPSEC][WIZARD][ENROLL]: IPsec Wizard - Step 3 of 8: Request Certificate" "request step"
see "Key to enroll:  wizard key" "for the new key"
text "CN=wizard-gw,O=Example"; keys Enter
press Down 7
keys Enter
see "-----BEGIN CERTIFICATE REQUEST-----" "the wizard shows the request"
REQ=$(snmpwalk "${SR[@]}" -Oqs "$AGENT" ipsecCertReqKey | awk '$2 == 2 {sub(/.*\./, "", $1); print $1}')
expect_eq 2 "$REQ" "agent: request 2 for key 2"
pkcs10 "$REQ" "$P/req2.pem"
sign "$P/req2.pem" "$P/wizard.pem"
[ -s "$P/wizard.pem" ] && ok "the test CA signed the wizard's request" || fail "signing failed"
keys Enter
see "[IPSEC][WIZARD][OWN]: IPsec Wizard - Step 4 of 8: Own Certificate" "own certificate step"
text "wizard-gw"; keys Enter
press Down 1; keys Space; press Down 1; keys Enter
paste "$P/wizard.pem"
see "Certificate Data:         $(wc -l <"$P/wizard.pem") lines: -----BEGIN CERTIFICATE-----" "the PEM taken"
shot wizard-own
press Down 2
keys Enter
# The CA of step 5 is installed already; it has no CRLs: step 6 asks.
see "[IPSEC][WIZARD][SERVERS]: IPsec Wizard - Step 6 of 8: CRL Server" "CRL server step"
see "The CA names no CRL distribution point: where are its CRLs?" "because of flag N"
text "Test CA CRLs"; keys Enter
press Down 1; text "http://ca.example.net/crl"; keys Enter
shot wizard-srv
press Down 2
keys Enter
see "[IPSEC][WIZARD][PEER]: IPsec Wizard - Step 7 of 8: Peer" "peer step"
gone "Pre Shared Key" "no pre-shared key with certificates"
text "Branch Kiel"; keys Enter
press Down 1; text "203.0.113.20"; keys Enter
press Down 1; text "CN=kiel.example.net"; keys Enter
press Down 1; keys Enter
see "[IPSEC][WIZARD][TRAFFIC]: IPsec Wizard - Step 8 of 8: Traffic" "traffic step"
text "192.168.3.0"; keys Enter
press Down 2; text "10.3.0.0"; keys Enter
press Down 1; text "16"; keys Enter
press Down 1; keys Enter
see "+ Done: the peer uses IKE profile 2" "the wizard created the peer"
see "+ CA certificate 1 is installed: CN=Test CA, O=Test, C=DE" "history: the CA was found"
see "+ IKE profile 2: own certificate 4, CA 1" "history: the profile"
shot wizard-done
expect_eq "Branch Kiel" "$(get ipsecPeerDescription."$WPEER")" "agent: wizard peer"
expect_eq 2 "$(get ipsecPeerIkeProfile."$WPEER")" "agent: peer uses IKE profile 2"
expect_eq rsaSignature "$(get ikeProfileAuthMethod.2)" "agent: profile signs with RSA"
expect_eq 4 "$(get ikeProfileLocalCert.2)" "agent: profile's own certificate"
expect_eq 1 "$(get ikeProfileCaCerts.2)" "agent: profile's CA"
expect_eq own "$(get ipsecCertType.4)" "agent: wizard certificate is own"
expect_eq 2 "$(get ipsecCertKey.4)" "agent: ... for the wizard's key"
expect_eq valid "$(get ipsecCertState.4)" "agent: ... valid"
expect_eq "http://ca.example.net/crl" "$(get ipsecCertServerUrl.1)" "agent: CRL server"
expect_eq false "$(get ipsecCertNoCrls.1)" "agent: flag N cleared by the server"
expect_eq "$WPEER" "$(get ipsecTrPeer."$WTR")" "agent: traffic entry of the peer"
keys Escape
see "[IPSEC]: IPsec Configuration - Main Menu" "main menu after the wizard"

# --- K4: a CRL by direct input ---------------------------------------------
ossl ca -config "$P/ca.cnf" -keyfile "$P/ca.key" -cert "$P/ca.pem" -gencrl -out "$P/crl.pem"
press Up 2 # Advanced Settings, Certificate and Key Management
keys Enter
see "[IPSEC][CERTMGMT]: IPSec" "submenu for CRLs"
press Down 4
keys Enter
see "[IPSEC][CERTMGMT][CRLS]: IPSec Configuration - CRL Management" "CRL list"
keys Enter
see "[IPSEC][CERTMGMT][CRLS][IMPORT]: IPSec Configuration - Get CRL" "CRL import"
text "Test CA CRL"; keys Enter
press Down 1; keys Space; press Down 1; keys Enter
paste "$P/crl.pem"
press Down 2
keys Enter
see "Test CA CRL            CN=Test CA, O=Test, C=DE" "CRL listed with its issuer"
shot crl-list
expect_eq 'CN=Test CA, O=Test, C=DE' "$(get ipsecCrlIssuer.1)" "agent: CRL issuer"
expect_eq 0 "$(get ipsecCrlRevocations.1)" "agent: no revocations"
keys Escape
see "[IPSEC][CERTMGMT]: IPSec" "submenu after CRLs"

# --- K2: a request uploaded by TFTP, its state followed ----------------------
if [ -n "$TFTPD" ]; then
	press Down 2 # Certificate Servers, Certificate Requests
	keys Enter
	see "[IPSEC][CERTMGMT][REQS]: IPSec Configuration - Certificate Requests" "request list"
	see "CN=wizard-gw,O=Example" "the wizard's request listed"
	keys Tab Enter # REQUEST
	see "[IPSEC][CERTMGMT][REQS][ENROLL]" "request screen"
	gone "Encoding:" "no encoding for method Show"
	press Down 1; keys Space Space
	see "Method:         Upload" "method Upload"
	see "Encoding:       base64" "encoding for Upload"
	press Down 8; text "127.0.0.1:$TPORT"; keys Enter
	press Down 1; text "gw1-req.pem"; keys Enter
	press Down 2
	keys Enter
	see "State of Last Enrollment: done" "the upload is followed until done"
	shot request-upload
	expect_eq done "$(get ipsecCertReqState.3)" "agent: uploaded"
	pkcs10 3 "$P/req3.pem"
	cmp -s "$P/req3.pem" "$TD/gw1-req.pem" && ok "the TFTP server got the request" ||
		fail "uploaded request differs"
	keys Escape
	see "3      2  Upload  CN=$(hostname)" "listed as uploaded, subject the host name"
	keys Escape
	see "[IPSEC][CERTMGMT]: IPSec" "submenu after requests"
fi
keys Escape
see "[IPSEC]: IPsec Configuration - Main Menu" "main menu at the end"
press Down 6 # Advanced, Wizard, Monitoring, SAVE, CANCEL, EXIT
keys Enter
menu_exit_checks
finish
