# AgentX: ipsecgwd as a subagent of Debian's snmpd (its own config, loopback
# only); the configuration is served through snmpd, and after snmpd restarts
# the subagent registers again by itself.
source "$(dirname "$0")/lib.sh"
command -v snmpd >/dev/null || { echo "snmpd not installed: skipped"; exit 77; }
SNMPD=$(command -v snmpd)
PORT=$(free_port)
AGENT="udp:127.0.0.1:$PORT"
cat >"$T/snmpd.conf" <<EOC
master agentx
agentXSocket $T/agentx.sock
agentaddress $AGENT
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
# generous: a SET waits for the subagent's fsync, and CI machines are busy
agentxTimeout 10
EOC
start_snmpd() {
	"$SNMPD" -f -Lf "$T/snmpd.log" -C -c "$T/snmpd.conf" -p "$T/snmpd.pid" &
	SNMPD_PID=$!
	PIDS+=("$SNMPD_PID")
	for _ in $(seq 1 50); do [ -S "$T/agentx.sock" ] && return 0; sleep 0.1; done
	fail "snmpd did not start"; cat "$T/snmpd.log"; exit 1
}
start_snmpd
"$IPSECGWD" --foreground --state-dir "$T/state" --agentx "$T/agentx.sock" --ike-port 0 --natt-port 0 --tun none >>"$T/gw.log" 2>&1 &
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
finish
