# Shared by the interop tests: the temp directory, ok/fail counting,
# cleanup of the namespaces (after the test's own igw_on_exit, if it
# defines one, e.g. to stop charon), and SNMP helpers that run inside a
# namespace.
#   source "$IPSECGW_TOP/tests/interop/lib.sh"; igw_init NAME
set -euo pipefail
: "${IPSECGWD:?}" "${IPSECGW_TOP:?}" "${IPSECGW_IETF_MIBS:?}"
source "$IPSECGW_TOP/tests/interop/netns.sh"
PASSES=0
FAILS=0
ok() { PASSES=$((PASSES + 1)); echo "ok - $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL - $*"; }

igw_cleanup() {
	if declare -F igw_on_exit >/dev/null; then igw_on_exit || true; fi
	ns_cleanup
	if [ "$FAILS" -eq 0 ]; then rm -rf "$T"; else echo "kept $T"; fi
}

# igw_init NAME: the temp directory and the MIB environment.
igw_init() {
	T=$(mktemp -d "/tmp/ipsecgw-$1.XXXXXX")
	trap igw_cleanup EXIT
	export MIBDIRS="$IPSECGW_TOP/mibs:$IPSECGW_IETF_MIBS" MIBS=IPSECGW-MIB SNMPCONFPATH="$T/client"
	AGENT=udp:127.0.0.1:1161
}

sset() { local n=$1; shift; ns_exec "$n" snmpset -v2c -c private -r1 -t3 "$AGENT" "$@" >/dev/null; }
get() { local n=$1; shift; ns_exec "$n" snmpget -v2c -c public -r1 -t3 -OqvU "$AGENT" "$@"; }
# walk NS OBJECT: the values of a column; an empty table gives nothing.
walk() { local n=$1; shift; ns_exec "$n" snmpwalk -v2c -c public -r1 -t3 -OqvU "$AGENT" "$@" 2>/dev/null | grep -v '^No more\|^No Such' || true; }

# igw_tunnel NS PEER_ADDR LOCAL_NET REMOTE_NET [ipsecPeer varbinds...]:
# peer 1 (at PEER_ADDR, or none when empty) and its protect entry 10 for
# LOCAL_NET/24 -> REMOTE_NET/24, in the ipsecgwd of NS.
igw_tunnel() {
	local n=$1 addr=$2 lnet=$3 rnet=$4
	shift 4
	if [ -n "$addr" ]; then set -- ipsecPeerAddress.1 s "$addr" "$@"; fi
	sset "$n" ipsecPeerRowStatus.1 i createAndGo "$@"
	sset "$n" ipsecTrRowStatus.10 i createAndGo ipsecTrList.10 i peer ipsecTrPeer.10 i 1 \
		ipsecTrLocalAddress.10 a "$lnet" ipsecTrLocalMaskLen.10 i 24 \
		ipsecTrRemoteAddress.10 a "$rnet" ipsecTrRemoteMaskLen.10 i 24 ipsecTrAction.10 i protect
}

# igw_start NS...: one ipsecgwd per namespace (state in $T/NS, log in
# $T/NS.log), each answering SNMP before this returns.
igw_start() {
	local n
	for n in "$@"; do
		ns_exec "$n" "$IPSECGWD" --foreground --state-dir "$T/$n" --log-level info >"$T/$n.log" 2>&1 &
	done
	for n in "$@"; do
		for _ in $(seq 1 100); do
			case "$(get "$n" ipsecGlobEnable.0 2>/dev/null)" in true | false) break ;; esac
			sleep 0.1
		done
	done
}

# capture_in NS IF FILTER NAME CMD...: runs CMD while dumpcap records IF
# in NS (capture filter FILTER) to $T/NAME.pcap; CMD's status.
capture_in() {
	local ns=$1 ifc=$2 filter=$3 name=$4 rc=0 p
	shift 4
	ns_exec "$ns" dumpcap -q -i "$ifc" -f "$filter" -w "$T/$name.pcap" >/dev/null 2>&1 &
	sleep 1
	"$@" || rc=$?
	sleep 0.5
	for p in $(ip netns pids "$(ns_name "$ns")"); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = dumpcap ] && kill "$p"
	done
	sleep 0.5
	return $rc
}
# count NAME DISPLAY_FILTER: packets of $T/NAME.pcap that match.
count() { tshark -r "$T/$1.pcap" -Y "$2" 2>/dev/null | wc -l; }

# igw_finish: the summary line and the exit status.
igw_finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}
