#!/usr/bin/env bash
# Single-tunnel throughput, in one run on one machine:
#
#   host a -- gw1 ==== gw2 -- host b     (network namespaces, veth)
#
# with the tunnel between two ipsecgwd (plain ESP, no NAT), between
# ipsecgwd and charon (ESP in UDP, charon has kernel-libipsec only), and
# between two charon (kernel-libipsec, ESP in UDP).  For each: iperf3 TCP,
# UDP with 1400-byte and 64-byte datagrams (unlimited rate, what arrives
# counts), for AES-128-CBC/HMAC-SHA1 and AES-128-GCM.  Then the OpenSSL
# per-core ceiling of the same ciphers (`openssl speed -evp`).
#
# Usage: bench/esp/throughput.sh [BUILD_DIR] [SECONDS]  (root; writes
# docs/benchmarks-esp.md).  Not part of the tests: nothing here asserts.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
secs=${2:-5}
export IPSECGWD=$build/agent/ipsecgwd IPSECGW_TOP=$top IPSECGW_IETF_MIBS=$build/ietf-mibs
source "$top/tests/interop/netns.sh"
source "$top/tests/interop/charon.sh"
T=$(mktemp -d /tmp/ipsecgw-bench-esp.XXXXXX)
cleanup() {
	charon_stop C1 2>/dev/null || true
	charon_stop C2 2>/dev/null || true
	ns_cleanup
	rm -rf "$T"
}
trap cleanup EXIT
export MIBDIRS="$top/mibs:$IPSECGW_IETF_MIBS" MIBS=IPSECGW-MIB SNMPCONFPATH="$T/client"
AGENT=udp:127.0.0.1:1161
sset() { local n=$1; shift; ns_exec "$n" snmpset -v2c -c private -r1 -t3 "$AGENT" "$@" >/dev/null; }
get() { local n=$1; shift; ns_exec "$n" snmpget -v2c -c public -r1 -t3 -Oqv "$AGENT" "$@"; }

topology() {
	ns_add a
	ns_add g1
	ns_add g2
	ns_add b
	ns_link a 10.95.1.10/24 g1 10.95.1.1/24 >/dev/null
	ns_link g1 10.94.0.1/24 g2 10.94.0.2/24 >/dev/null
	ns_link g2 10.95.2.1/24 b 10.95.2.10/24 >/dev/null
	ip -n "$(ns_name a)" route add default via 10.95.1.1
	ip -n "$(ns_name b)" route add default via 10.95.2.1
	for n in g1 g2; do ns_exec $n sysctl -qw net.ipv4.ip_forward=1; done
}

# gw_start NS LOCAL_NET REMOTE_NET PEER_ADDR PROPOSAL
gw_start() {
	local n=$1
	rm -rf "${T:?}/$n"
	mkdir -m 700 "$T/$n"
	ns_exec "$n" "$IPSECGWD" --foreground --state-dir "$T/$n" --log-level warning >"$T/$n.log" 2>&1 &
	for _ in $(seq 1 100); do
		case "$(get "$n" ipsecGlobEnable.0 2>/dev/null)" in true | false) break ;; esac
		sleep 0.1
	done
	sset "$n" ipsecGlobEnable.0 i true ipsecProfileProposals.1 s "$5" ipsecProfilePfsGroup.1 i none
	sset "$n" ipsecPeerRowStatus.1 i createAndGo ipsecPeerAddress.1 s "$4" \
		ipsecPeerIds.1 s "$4" ipsecPeerPreSharedKey.1 s bench-psk-0123456789
	sset "$n" ipsecTrRowStatus.10 i createAndGo ipsecTrList.10 i peer ipsecTrPeer.10 i 1 \
		ipsecTrLocalAddress.10 a "$2" ipsecTrLocalMaskLen.10 i 24 \
		ipsecTrRemoteAddress.10 a "$3" ipsecTrRemoteMaskLen.10 i 24 ipsecTrAction.10 i protect
}

# charon_side NAME NS LOCAL REMOTE LOCAL_TS REMOTE_TS ESP
charon_side() {
	rm -rf "${T:?}/$1"
	mkdir -p "$T/$1"
	cat >"$T/$1/swanctl.conf" <<EOC
connections {
	gw {
		version = 1
		local_addrs = $3
		remote_addrs = $4
		proposals = aes128-sha1-modp2048
		rekey_time = 0
		local { auth = psk
			id = $3 }
		remote { auth = psk
			id = $4 }
		children {
			net {
				local_ts = $5
				remote_ts = $6
				esp_proposals = $7
				start_action = trap
				rekey_time = 0
				life_time = 0
			}
		}
	}
}
secrets { ike-gw { id-a = 10.94.0.1
		id-b = 10.94.0.2
		secret = "bench-psk-0123456789" } }
EOC
	charon_start "$1" "$2" "$T/$1"
	sw "$1" --load-all --file "$T/$1/swanctl.conf" >/dev/null 2>&1
}

# measure LABEL: warms the tunnel up, then TCP, UDP 1400 and UDP 64.
measure() {
	local label=$1 r
	ns_exec a ping -c 3 -W 5 10.95.2.10 >/dev/null 2>&1 || ns_exec a ping -c 3 -W 5 10.95.2.10 >/dev/null 2>&1 || true
	r="| $label"
	for mode in tcp udp1400 udp64; do
		ns_exec b iperf3 -s -1 -D >/dev/null 2>&1
		sleep 0.5
		case $mode in
		tcp) args=() ;;
		udp1400) args=(-u -b 0 -l 1400) ;;
		udp64) args=(-u -b 0 -l 64) ;;
		esac
		if ns_exec a iperf3 -c 10.95.2.10 -t "$secs" -J "${args[@]}" >"$T/out.json" 2>/dev/null; then
			r="$r | $(python3 - "$T/out.json" "$mode" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))["end"]
    d["sum_received" if sys.argv[2] == "tcp" else "sum"]
except (KeyError, ValueError):
    print("failed")
    sys.exit(0)
if sys.argv[2] == "tcp":
    print("%.0f Mbit/s" % (d["sum_received"]["bits_per_second"] / 1e6))
else:
    s = d["sum"]
    got = s["packets"] - s["lost_packets"]
    secs = s["seconds"] or 1
    print("%.0f Mbit/s, %.0f kpps (%.0f%% lost)" % (
        s["bits_per_second"] * (1 - s["lost_percent"] / 100) / 1e6,
        got / secs / 1e3, s["lost_percent"]))
PY
)"
		else
			r="$r | failed"
		fi
		sleep 0.5
	done
	echo "$r |" | tee -a "$T/rows"
}

run_case() { # CIPHER_LABEL OUR_PROPOSAL CHARON_ESP
	local label=$1 prop=$2 esp=$3
	topology
	gw_start g1 10.95.1.0 10.95.2.0 10.94.0.2 "$prop"
	gw_start g2 10.95.2.0 10.95.1.0 10.94.0.1 "$prop"
	measure "ipsecgwd - ipsecgwd, $label (ESP)"
	ns_cleanup
	topology
	gw_start g1 10.95.1.0 10.95.2.0 10.94.0.2 "$prop"
	charon_side C2 g2 10.94.0.2 10.94.0.1 10.95.2.0/24 10.95.1.0/24 "$esp"
	measure "ipsecgwd - charon, $label (ESP in UDP)"
	charon_stop C2
	ns_cleanup
	topology
	charon_side C1 g1 10.94.0.1 10.94.0.2 10.95.1.0/24 10.95.2.0/24 "$esp"
	charon_side C2 g2 10.94.0.2 10.94.0.1 10.95.2.0/24 10.95.1.0/24 "$esp"
	sw C1 --initiate --child net --ike gw >/dev/null 2>&1 || true
	measure "charon - charon, $label (ESP in UDP)"
	charon_stop C1
	charon_stop C2
	ns_cleanup
}

: >"$T/rows"
run_case "AES-128-CBC/HMAC-SHA1" 1 aes128-sha1
run_case "AES-128-GCM" 3 aes128gcm16

ceiling() { # EVP name
	openssl speed -evp "$1" -seconds 2 -bytes 1400 2>/dev/null | awk -v n="$1" '/^[a-zA-Z0-9-]+ +[0-9.]+k/ { printf "| %s | %.0f MB/s (%.0f Mbit/s) |\n", n, $2 / 1000, $2 * 8 / 1000 }'
}
{
	echo "# ESP throughput: ipsecgwd and strongSwan kernel-libipsec"
	echo
	echo "Measured by \`bench/esp/throughput.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores"
	echo "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), ${secs} s per iperf3 run."
	echo "Both gateways, both hosts and iperf3 share the machine's cores."
	echo
	echo "| tunnel | iperf3 TCP | UDP 1400 bytes | UDP 64 bytes |"
	echo "|---|---|---|---|"
	cat "$T/rows"
	echo
	echo "The crypto ceiling of one core for 1400-byte buffers (\`openssl speed -evp\`):"
	echo
	echo "| cipher | throughput |"
	echo "|---|---|"
	ceiling aes-128-cbc
	ceiling sha1
	ceiling aes-128-gcm
} >"$top/docs/benchmarks-esp.md"
cat "$top/docs/benchmarks-esp.md"
