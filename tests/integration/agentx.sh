# AgentX: ipsecgwd as a subagent of Debian's snmpd (its own config, loopback
# only); the configuration is served through snmpd, after snmpd restarts
# the subagent registers again by itself, and its notifications reach
# snmpd's trap sinks (SNMPv2c and SNMPv3).
source "$(dirname "$0")/lib.sh"
command -v snmpd >/dev/null || { echo "snmpd not installed: skipped"; exit 77; }
SNMPD=$(command -v snmpd)
PORT=$(free_port)
AGENT="udp:127.0.0.1:$PORT"
TRAP2=$(free_port)
TRAP3=$(free_port)
cat >"$T/snmpd.conf" <<EOC
master agentx
agentXSocket $T/agentx.sock
agentaddress $AGENT
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
# generous: a SET waits for the subagent's fsync, and CI machines are busy
agentxTimeout 10
trap2sink 127.0.0.1:$TRAP2 public
createUser trapper SHA trap-auth-passphrase AES trap-priv-passphrase
trapsess -v 3 -u trapper -l authPriv -a SHA -A trap-auth-passphrase -x AES -X trap-priv-passphrase 127.0.0.1:$TRAP3
EOC
mkdir -p "$T/snmpd-persist"
start_snmpd() {
	SNMP_PERSISTENT_DIR="$T/snmpd-persist" "$SNMPD" -f -Lf "$T/snmpd.log" -C -c "$T/snmpd.conf" -p "$T/snmpd.pid" &
	SNMPD_PID=$!
	PIDS+=("$SNMPD_PID")
	for _ in $(seq 1 50); do [ -S "$T/agentx.sock" ] && return 0; sleep 0.1; done
	fail "snmpd did not start"; cat "$T/snmpd.log"; exit 1
}
start_snmpd
"$IPSECGWD" --foreground --state-dir "$T/state" --agentx "$T/agentx.sock" --ike-bind 127.0.0.1 --ike-port 0 --natt-port 0 --tun none >>"$T/gw.log" 2>&1 &
GW_PID=$!
PIDS+=("$GW_PID")
wait_ready
ok "ipsecgwd answers through snmpd"
sset ipsecPeerRowStatus.5 i createAndGo ipsecPeerDescription.5 s "via agentx" && ok "SET through snmpd"
expect_eq 'via agentx' "$(get ipsecPeerDescription.5)" "GET through snmpd"
expect_set_error wrongValue ipsecPeerAdminStatus.5 ipsecPeerAdminStatus.5 i 42
expect_set_error inconsistentValue ipsecPeerIkeProfile.5 ipsecPeerIkeProfile.5 i 4242
n=$(snmpbulkwalk "${SR[@]}" -Cr20 "$AGENT" ipsecgwMIB | wc -l)
[ "$n" -gt 50 ] && ok "bulkwalk through snmpd returns $n objects" || fail "bulkwalk returned $n"

kill "$SNMPD_PID"; wait "$SNMPD_PID" 2>/dev/null || true
rm -f "$T/agentx.sock"
start_snmpd
back=0
for _ in $(seq 1 300); do
	if [ "$(get ipsecPeerDescription.5 2>/dev/null)" == 'via agentx' ]; then back=1; break; fi
	sleep 0.1
done
[ "$back" -eq 1 ] && ok "subagent registered again after snmpd restart" || fail "subagent did not come back"
kill -0 "$GW_PID" && ok "ipsecgwd survived the master's restart" || fail "ipsecgwd died"

# Notifications: a phase 1 that fails at once (nothing answers IKE at
# 127.0.0.3, and trust ICMP is on) sends ipsecPhase1Failure to snmpd over
# AgentX; snmpd forwards it to a v2c and an SNMPv3 authPriv receiver.  The
# v3 receiver knows the user under snmpd's engine ID.
if command -v snmptrapd >/dev/null; then
	echo "disableAuthorization yes" >"$T/trapd2.conf"
	eid=$(snmpget "${SR[@]}" -Oqvx "$AGENT" .1.3.6.1.6.3.10.2.1.1.0 | tr -d ' "\n')
	cat >"$T/trapd3.conf" <<EOC
createUser -e 0x$eid trapper SHA trap-auth-passphrase AES trap-priv-passphrase
authUser log trapper priv
EOC
	mkdir -p "$T/trapd2" "$T/trapd3"
	SNMP_PERSISTENT_DIR="$T/trapd2" snmptrapd -f -Lf "$T/traps2.log" -C -c "$T/trapd2.conf" "udp:127.0.0.1:$TRAP2" &
	PIDS+=($!)
	SNMP_PERSISTENT_DIR="$T/trapd3" snmptrapd -f -Lf "$T/traps3.log" -C -c "$T/trapd3.conf" "udp:127.0.0.1:$TRAP3" &
	PIDS+=($!)
	sleep 0.5
	sset ipsecGlobTrustIcmpMsg.0 i true
	sset ipsecPeerAddress.5 s 127.0.0.3 ipsecPeerPreSharedKey.5 s "agentx-trap-test-key"
	sset ipsecPeerAdminStatus.5 i dialup
	got=0
	for _ in $(seq 1 100); do
		if grep -q "ipsecPhase1Failure" "$T/traps2.log" 2>/dev/null &&
			grep -q "ipsecPhase1Failure" "$T/traps3.log" 2>/dev/null; then got=1; break; fi
		sleep 0.1
	done
	if [ $got -eq 1 ] && grep -q "nothing answers IKE at 127.0.0.3" "$T/traps3.log"; then
		ok "ipsecPhase1Failure through snmpd as SNMPv2c and SNMPv3 authPriv traps, with the reason"
	else
		fail "notifications through snmpd: $(cat "$T/traps2.log" "$T/traps3.log" 2>/dev/null | tail -4)"
	fi
else
	echo "snmptrapd not installed: notification part skipped"
fi
grep -q "agentx-trap-test-key" "$T/gw.log" "$T/snmpd.log" && fail "a key is in a log" || ok "no key in the logs"
finish
