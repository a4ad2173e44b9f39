# tests/interop/netns.sh - network namespaces joined by veth pairs for the
# interoperability tests.  Every namespace and link the test creates carries
# the test's own prefix and is removed on exit; addresses are taken from the
# test's own 10.9x.0.0/16 blocks and traffic never leaves the namespaces.
# Needs root: tests that source this skip (exit 77) without it.

[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces): skipped"; exit 77; }
command -v ip >/dev/null || { echo "iproute2 missing: skipped"; exit 77; }

NS_PREFIX="igw$$"
NS_LIST=()

# ns_add NAME: a namespace with loopback up.
ns_add() {
	local ns="$NS_PREFIX$1"
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	NS_LIST+=("$ns")
}

# ns_name NAME: the real namespace name.
ns_name() { echo "$NS_PREFIX$1"; }

# ns_link A ADDR_A/LEN B ADDR_B/LEN: a veth pair between namespaces A and B.
ns_link() {
	local a="$NS_PREFIX$1" aa=$2 b="$NS_PREFIX$3" ba=$4
	local ia="v${NS_PREFIX: -6}${1:0:3}${3:0:3}" ib="v${NS_PREFIX: -6}${3:0:3}${1:0:3}"
	ip link add "$ia" netns "$a" type veth peer name "$ib" netns "$b"
	ip -n "$a" addr add "$aa" dev "$ia"
	ip -n "$b" addr add "$ba" dev "$ib"
	ip -n "$a" link set "$ia" up
	ip -n "$b" link set "$ib" up
	echo "$ia $ib"
}

# ns_lan NAME ADDR/32: a "LAN" address on the namespace's loopback.
ns_lan() { ip -n "$NS_PREFIX$1" addr add "$2" dev lo; }

# ns_exec NAME CMD...: run a command inside a namespace.
ns_exec() { local ns="$NS_PREFIX$1"; shift; ip netns exec "$ns" "$@"; }

ns_cleanup() {
	local ns
	for ns in "${NS_LIST[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	NS_LIST=()
}
