#!/usr/bin/env bash
# bench/ike/setups.sh - Main Mode + Quick Mode setups per second with
# ipsecgwd as responder versus charon as responder, the same charon
# initiator, the same proposal (AES-128/SHA1/MODP 2048, ESP AES-128/SHA1),
# in one run.  Each setup is a full MM+QM (swanctl --initiate) followed by
# its teardown.  Writes docs/benchmarks.md.  Needs root (namespaces).
# Usage: bench/ike/setups.sh [BUILD_DIR] [N]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
n=${2:-100}
IPSECGWD=$build/agent/ipsecgwd
source "$top/tests/interop/netns.sh"
source "$top/tests/interop/charon.sh"
T=$(mktemp -d /tmp/ipsecgw-bench-ike.XXXXXX)
GW_PID=""
trap '[ -n "$GW_PID" ] && kill $GW_PID 2>/dev/null; charon_stop I; charon_stop R; ns_cleanup; [ -s "$T/gw.log" ] && tail -5 "$T/gw.log"; rm -rf "$T"' EXIT

ns_add i
ns_add r
ns_link i 10.95.0.1/24 r 10.95.0.2/24 >/dev/null
ns_lan i 10.94.1.1/32
ns_lan r 10.94.2.1/32
conf() { # DIR LOCAL REMOTE LNET RNET
	mkdir -p "$1"
	cat >"$1/swanctl.conf" <<EOC
connections { b { version = 1
	local_addrs = $2
	remote_addrs = $3
	proposals = aes128-sha1-modp2048
	rekey_time = 0
	local { auth = psk
		id = $2 }
	remote { auth = psk
		id = $3 }
	children { net { local_ts = $4
		remote_ts = $5
		esp_proposals = aes128-sha1
		start_action = none } } } }
secrets { ike-b { id-a = 10.95.0.1
	id-b = 10.95.0.2
	secret = "bench-psk-0123456789" } }
EOC
}
conf "$T/I" 10.95.0.1 10.95.0.2 10.94.1.0/24 10.94.2.0/24
charon_start I i "$T/I"
sw I --load-all --file "$T/I/swanctl.conf" >/dev/null 2>&1

# time_setups: N initiations from charon I; prints seconds.
time_setups() {
	local s e k
	s=$(date +%s.%N)
	for k in $(seq 1 "$n"); do
		sw I --initiate --child net --ike b >/dev/null 2>&1 || { echo "setup $k failed" >&2; return 1; }
		sw I --terminate --ike b >/dev/null 2>&1 || true
	done
	e=$(date +%s.%N)
	echo "$e - $s" | bc
}

# Responder 1: charon.
conf "$T/R" 10.95.0.2 10.95.0.1 10.94.2.0/24 10.94.1.0/24
charon_start R r "$T/R"
sw R --load-all --file "$T/R/swanctl.conf" >/dev/null 2>&1
t_charon=$(time_setups)
charon_stop R

# Responder 2: ipsecgwd, configured over SNMP.
export MIBDIRS="$top/mibs:$build/ietf-mibs" MIBS=IPSECGW-MIB SNMPCONFPATH="$T/client"
ns_exec r "$IPSECGWD" --foreground --state-dir "$T/gw" --log-level notice >"$T/gw.log" 2>&1 &
GW_PID=$!
sleep 1; kill -0 $GW_PID 2>/dev/null || { echo "ipsecgwd did not start:"; cat "$T/gw.log"; exit 1; }
for _ in $(seq 1 100); do
	ns_exec r snmpget -v2c -c public -r0 -t1 udp:127.0.0.1:1161 ipsecGlobEnable.0 >/dev/null 2>&1 && break
	sleep 0.1
done
S=(-v2c -c private udp:127.0.0.1:1161)
ns_exec r snmpset "${S[@]}" ikeProfileProposals.1 s 1 ipsecProfileProposals.1 s 1 \
	ipsecProfilePfsGroup.1 i none >/dev/null
ns_exec r snmpset "${S[@]}" ipsecPeerRowStatus.1 i createAndGo ipsecPeerAddress.1 s 10.95.0.1 \
	ipsecPeerPreSharedKey.1 s bench-psk-0123456789 \
	ipsecTrRowStatus.10 i createAndGo ipsecTrList.10 i peer ipsecTrPeer.10 i 1 \
	ipsecTrLocalAddress.10 a 10.94.2.0 ipsecTrLocalMaskLen.10 i 24 \
	ipsecTrRemoteAddress.10 a 10.94.1.0 ipsecTrRemoteMaskLen.10 i 24 ipsecTrAction.10 i protect >/dev/null
t_gw=$(time_setups)
gwpid=$(ip netns pids "$(ns_name r)" | while read -r p; do [ "$(cat /proc/$p/comm)" = ipsecgwd ] && echo "$p"; done | head -1)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$gwpid/status")

r_charon=$(echo "scale=1; $n / $t_charon" | bc)
r_gw=$(echo "scale=1; $n / $t_gw" | bc)
ratio=$(echo "scale=2; $r_gw / $r_charon" | bc)
cat <<EOR | tee "$top/docs/benchmarks.md"
# Benchmarks

## IKE: Main Mode + Quick Mode setups per second (bench/ike/setups.sh)

Measured on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r).  The same
strongSwan charon ($(/usr/lib/ipsec/charon --version 2>/dev/null | head -1 || echo charon)) initiates $n
setups in a row (\`swanctl --initiate\`, then \`--terminate\`), each a full
Main Mode (PSK, AES-128/SHA1/MODP 2048) and Quick Mode (ESP AES-128/SHA1,
no PFS, NAT-T because charon uses kernel-libipsec), against charon and then
against ipsecgwd as responder, in one run, in two network namespaces.  The
initiator's own cost is in both figures, so the ratio understates the
difference between the responders.

| responder | $n setups | setups/s |
|---|---|---|
| charon | $(printf '%.2f' "$t_charon") s | $r_charon |
| ipsecgwd | $(printf '%.2f' "$t_gw") s | $r_gw |

Ratio ipsecgwd / charon: **$ratio**.  ipsecgwd RSS after the run: $((rss / 1024)) MiB.

See also [benchmarks-agent.md](benchmarks-agent.md) for the SNMP agent.
EOR
