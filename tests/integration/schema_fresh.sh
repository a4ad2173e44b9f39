# The committed agent/agent_mib_gen.[ch] must be what the generator makes
# from the MIB today: the MIB is the single source of truth.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$IPSECGW_TOP/scripts/gen-mib-schema" "$IPSECGW_TOP/mibs/IPSECGW-MIB.txt" \
	"$IPSECGW_IETF_MIBS" "$out"
for f in agent_mib_gen.c agent_mib_gen.h; do
	if ! diff -u "$IPSECGW_TOP/agent/$f" "$out/$f"; then
		echo "agent/$f is stale: run scripts/gen-mib-schema mibs/IPSECGW-MIB.txt build/ietf-mibs agent"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
echo "1 passed, 0 failed"
