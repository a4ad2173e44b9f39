# Shared helpers for the integration tests: each test sources this, starts
# its own ipsecgwd (and snmpd) on loopback in a private temp directory, and
# everything is cleaned up on exit.
set -euo pipefail

: "${IPSECGWD:?}" "${IPSECGW_TOP:?}" "${IPSECGW_IETF_MIBS:?}"
T=$(mktemp -d /tmp/ipsecgw-it.XXXXXX)
PIDS=()
FAILS=0
PASSES=0

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ "$FAILS" -eq 0 ]; then rm -rf "$T"; else echo "kept $T"; fi
}
trap cleanup EXIT

export MIBDIRS="$IPSECGW_TOP/mibs:$IPSECGW_IETF_MIBS"
export MIBS="IPSECGW-MIB"
export SNMPCONFPATH="$T/client"   # keep ~/.snmp and /etc/snmp out of it
mkdir -p "$T/client"

free_port() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_gw STATE_DIR [ipsecgwd args...]: master agent on a free port.
start_gw() {
	local dir=$1
	shift
	PORT=${PORT:-$(free_port)}
	AGENT="udp:127.0.0.1:$PORT"
	"$IPSECGWD" --foreground --state-dir "$dir" --master "$AGENT" \
		--ike-port 0 --natt-port 0 --tun none "$@" \
		>>"$T/gw.log" 2>&1 &
	GW_PID=$!
	PIDS+=("$GW_PID")
	wait_ready
}

wait_ready() {
	local i
	for i in $(seq 1 100); do
		# An AgentX master answers noSuchObject until we registered.
		case "$(snmpget -v2c -c public -r0 -t1 -Oqv "$AGENT" ipsecGlobEnable.0 2>&1)" in
		true | false) return 0 ;;
		esac
		kill -0 "$GW_PID" 2>/dev/null || { cat "$T/gw.log"; fail "ipsecgwd died"; exit 1; }
		sleep 0.1
	done
	cat "$T/gw.log"
	fail "ipsecgwd did not answer"
	exit 1
}

stop_gw() {
	kill "$GW_PID" 2>/dev/null || true
	wait "$GW_PID" 2>/dev/null || true
}

ok() { PASSES=$((PASSES + 1)); echo "ok - $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL - $*"; }

SW=(-v2c -c private -r1 -t3)
SR=(-v2c -c public -r1 -t3)

# sset ARGS...: snmpset that must succeed.
sset() {
	local out
	if out=$(snmpset "${SW[@]}" "$AGENT" "$@" 2>&1); then
		return 0
	fi
	echo "$out"
	return 1
}

# expect_set_error STATUS FAILED_OBJECT ARGS...: snmpset must fail with
# exactly that error status, naming that varbind.
expect_set_error() {
	local want=$1 obj=$2
	shift 2
	local out
	out=$(snmpset -Ir "${SW[@]}" "$AGENT" "$@" 2>&1) && {
		fail "expected $want for $*, but the SET succeeded"
		return 0
	}
	if grep -q "Reason: $want" <<<"$out" && grep -q "Failed object: .*$obj" <<<"$out"; then
		ok "$want on $obj"
	else
		fail "expected $want on $obj for $*; got: $out"
	fi
}

get() { snmpget "${SR[@]}" -Oqv "$AGENT" "$@"; }

# expect_eq WANT GOT WHAT
expect_eq() {
	if [ "$1" == "$2" ]; then ok "$3"; else fail "$3: want '$1', got '$2'"; fi
}

finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}

# test_ca: a test CA in $P (openssl ca, so that it can revoke and sign
# CRLs): $P/ca.cnf, ca.key, ca.pem; ossl runs openssl with its output in
# $T/openssl.log.
ossl() { openssl "$@" >>"$T/openssl.log" 2>&1; }
test_ca() {
	mkdir -p "$P"
	cat >"$P/ca.cnf" <<EOF
[ca]
default_ca = CA_default
[CA_default]
dir = $P
database = $P/index.txt
new_certs_dir = $P
serial = $P/serial
crlnumber = $P/crlnumber
default_md = sha256
default_crl_days = 30
policy = policy_any
unique_subject = no
copy_extensions = copy
[policy_any]
commonName = supplied
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
	: >"$P/index.txt"
	echo 1000 >"$P/serial"
	echo 01 >"$P/crlnumber"
	ossl req -x509 -newkey rsa:2048 -nodes -keyout "$P/ca.key" -out "$P/ca.pem" -days 365 \
		-subj "/C=DE/O=Test/CN=Test CA" -config "$P/ca.cnf" -extensions v3_ca
}

# start_tftpd: our own TFTP server ($TFTPD) on a free loopback port
# ($TPORT), serving and accepting files in $TD.
start_tftpd() {
	TD=$T/tftp
	mkdir -p "$TD"
	chmod 777 "$TD"
	TPORT=$(free_port)
	"$TFTPD" -L -a "127.0.0.1:$TPORT" -s -c -u root -p "$TD" >>"$T/tftpd.log" 2>&1 &
	PIDS+=($!)
}
