#!/usr/bin/env bash
# bench/agent/peers10k.sh - how long an administrator's bulk script takes to
# create 10,000 peers with snmpset, and how much memory ipsecgwd needs for
# them.  Not a test: it measures and writes docs/benchmarks-agent.md.
# Usage: bench/agent/peers10k.sh [BUILD_DIR] [N]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
n=${2:-10000}
gw=$build/agent/ipsecgwd
[ -x "$gw" ] || { echo "build first: scripts/build"; exit 1; }
t=$(mktemp -d /tmp/ipsecgw-bench.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$t"' EXIT
export MIBDIRS="$top/mibs:$build/ietf-mibs" MIBS=IPSECGW-MIB SNMPCONFPATH="$t/client"
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
agent=udp:127.0.0.1:$port
S=(-v2c -c private -r2 -t10)

start() {
	"$gw" --foreground --state-dir "$t/state" --master "$agent" --ike-port 0 --natt-port 0 --tun none >>"$t/gw.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 600); do
		snmpget -v2c -c public -r0 -t1 "$agent" ipsecGlobEnable.0 >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	exit 1
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
now() { date +%s.%N; }

start
rss0=$(rss_kb)

# One snmpset per peer, as a naive script would do it (4 varbinds each).
t0=$(now)
for i in $(seq 1 "$n"); do
	echo "snmpset ${S[*]} $agent ipsecPeerRowStatus.$i i createAndGo ipsecPeerDescription.$i s peer-$i ipsecPeerAddress.$i s 10.$((i / 65536 % 256)).$((i / 256 % 256)).$((i % 256)) ipsecPeerPreSharedKey.$i s secret-$i >/dev/null"
done >"$t/one.sh"
bash -e "$t/one.sh"
t1=$(now)
rss1=$(rss_kb)

# Batched: 25 peers (100 varbinds) per snmpset, for the next n peers.
for ((i = n + 1; i <= 2 * n; i += 25)); do
	args=""
	for ((j = i; j < i + 25 && j <= 2 * n; j++)); do
		args+=" ipsecPeerRowStatus.$j i createAndGo ipsecPeerDescription.$j s peer-$j ipsecPeerPreSharedKey.$j s secret-$j"
	done
	echo "snmpset ${S[*]} $agent $args >/dev/null"
done >"$t/batch.sh"
t2=$(now)
bash -e "$t/batch.sh"
t3=$(now)
rss2=$(rss_kb)

t4=$(now)
rows=$(snmpbulkwalk -v2c -c public -Cr50 "$agent" ipsecPeerDescription | wc -l)
t5=$(now)

kill "$pid"; wait "$pid" 2>/dev/null || true
t6=$(now)
start
t7=$(now)
rss3=$(rss_kb)
size=$(du -k "$t/state/state.conf" | cut -f1)

cat <<EOR | tee "$top/docs/benchmarks-agent.md"
# Agent benchmark: $n and $((2 * n)) peers

Measured by \`bench/agent/peers10k.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores,
$(uname -r), build \`$(basename "$build")\`.  Every SET is journaled and fsynced
before its response.

| what | result |
|---|---|
| $n peers, one snmpset per peer (4 varbinds, one process each) | $(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s ($(printf '%.0f' "$(echo "$n / ($t1 - $t0)" | bc -l)") peers/s) |
| $n more peers, 25 peers (75 varbinds) per snmpset | $(printf '%.1f' "$(echo "$t3 - $t2" | bc)") s ($(printf '%.0f' "$(echo "$n / ($t3 - $t2)" | bc -l)") peers/s) |
| snmpbulkwalk of ipsecPeerDescription ($rows rows) | $(printf '%.2f' "$(echo "$t5 - $t4" | bc)") s |
| restart with $((2 * n)) peers until the first answer | $(printf '%.2f' "$(echo "$t7 - $t6" | bc)") s |
| daemon RSS: empty / $n peers / $((2 * n)) peers / after restart | $((rss0 / 1024)) / $((rss1 / 1024)) / $((rss2 / 1024)) / $((rss3 / 1024)) MiB |
| state.conf with $((2 * n)) peers | $((size / 1024)) MiB |
EOR
