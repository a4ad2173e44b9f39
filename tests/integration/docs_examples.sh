# Runs every ```sh block of docs/configuration.md and docs/certificates.md,
# in order, each document against a fresh ipsecgwd and in an empty working
# directory: the documented commands must work exactly as written.  A block
# starting with "# fails with: STATUS" must fail with that error status.
source "$(dirname "$0")/lib.sh"
for doc in configuration certificates; do
	start_gw "$T/state-$doc"
	mkdir -p "$T/work-$doc"
	cd "$T/work-$doc"
	python3 - "$IPSECGW_TOP/docs/$doc.md" "$T/blocks-$doc" <<'PY'
import os, re, sys
text = open(sys.argv[1]).read()
os.makedirs(sys.argv[2])
for i, b in enumerate(re.findall(r"```sh\n(.*?)```", text, re.S)):
    open(os.path.join(sys.argv[2], "%03d.sh" % i), "w").write(b)
PY
	for b in "$T"/blocks-$doc/*.sh; do
		# The doc's own settings are for an administrator's machine.
		body=$(grep -v -E '^(export MIBDIRS|AGENT=|SNMP=)' "$b" || true)
		want=$(sed -n 's/^# fails with: //p' "$b")
		out=$(SNMP="-v2c -c private -r1 -t3" AGENT="$AGENT" bash -e -c "$body" 2>&1) && rc=0 || rc=$?
		name="$doc block $(basename "$b" .sh): $(grep -v '^#' "$b" | head -1 | cut -c1-60)"
		if [ -z "$want" ]; then
			[ $rc -eq 0 ] && ok "$name" || fail "$name: $out"
		else
			[ $rc -ne 0 ] && grep -q "Reason: $want" <<<"$out" && ok "$name fails with $want" ||
				fail "$name: expected $want, got: $out"
		fi
	done
	stop_gw
done
finish
