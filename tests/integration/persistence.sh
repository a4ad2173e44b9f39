# Persistence: restart keeps everything, kill -9 at random moments never
# loses an acknowledged SET, a damaged state file stops the daemon with the
# file and line and is left untouched.
source "$(dirname "$0")/lib.sh"

S=$T/state
start_gw "$S"
sset ipsecPeerRowStatus.1 i createAndGo ipsecPeerDescription.1 s "Berlin office" \
	ipsecPeerAddress.1 s "gw.example.net" ipsecPeerPreSharedKey.1 s "Tr0ub4dor&3" \
	&& ok "peer 1 created"
sset ipsecGlobEnable.0 i true && ok "IPSec enabled"
stop_gw
start_gw "$S"
expect_eq 'Berlin office' "$(get ipsecPeerDescription.1)" "description survives a restart"
expect_eq 'gw.example.net' "$(get ipsecPeerAddress.1)" "address survives a restart"
expect_eq 'true' "$(get ipsecGlobEnable.0)" "global enable survives a restart"
expect_eq '""' "$(get ipsecPeerPreSharedKey.1)" "the pre-shared key reads back empty"
if snmpwalk "${SR[@]}" "$AGENT" ipsecgwMIB 2>&1 | grep -q "Tr0ub4dor"; then
	fail "the pre-shared key is visible in a walk"
else ok "the pre-shared key never appears in a walk"; fi
if grep -q "Tr0ub4dor" "$T/gw.log"; then fail "the key is in the log"; else ok "the key is not in the log"; fi
mode=$(stat -c %a "$S/state.conf")
expect_eq 600 "$mode" "state.conf is mode 0600"

# kill -9 while a script creates peers: every acknowledged one must be back.
acked=$T/acked
: >"$acked"
next=100
for round in $(seq 1 8); do
	(
		i=$next
		while true; do
			if snmpset -v2c -c private -r0 -t2 "$AGENT" ipsecPeerRowStatus.$i i createAndGo \
				ipsecPeerDescription.$i s "peer $i" >/dev/null 2>&1; then
				echo "$i" >>"$acked"
			fi
			i=$((i + 1))
		done
	) &
	writer=$!
	sleep "0.$((RANDOM % 9 + 1))"
	kill -9 "$GW_PID"
	wait "$GW_PID" 2>/dev/null || true
	kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null || true
	start_gw "$S"
	missing=0
	while read -r i; do
		[ "$(get ipsecPeerDescription.$i 2>/dev/null)" == "peer $i" ] || missing=$((missing + 1))
	done <"$acked"
	n=$(wc -l <"$acked")
	if [ "$missing" -eq 0 ]; then ok "round $round: all $n acknowledged peers survived kill -9"
	else fail "round $round: $missing of $n acknowledged peers lost"; fi
	next=$((next + 1000))
done
[ "$(wc -l <"$acked")" -gt 0 ] || fail "no SET was acknowledged at all"

# A damaged state file: clear error naming file and line, nothing rewritten.
stop_gw
line=$(grep -n "^R ipsecPeerTable 1 " "$S/state.conf" | cut -d: -f1)
sed -i "${line}s/ipsecPeerAdminStatus=1/ipsecPeerAdminStatus=77/" "$S/state.conf"
sum=$(sha256sum <"$S/state.conf")
if "$IPSECGWD" --foreground --state-dir "$S" --master "udp:127.0.0.1:$(free_port)" --tun none >"$T/bad.log" 2>&1; then
	fail "ipsecgwd started with a damaged state file"
else
	if grep -q "state file $S/state.conf line $line: value out of range" "$T/bad.log"; then
		ok "damaged file refused, naming file and line $line"
	else fail "unclear error: $(cat "$T/bad.log")"; fi
fi
expect_eq "$sum" "$(sha256sum <"$S/state.conf")" "the damaged file was not overwritten"
finish
