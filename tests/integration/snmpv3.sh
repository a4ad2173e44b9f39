# SNMP access from DIR/ipsecgwd.conf: an SNMPv3 authPriv user works, a wrong
# pass phrase and the try-it v2c communities are refused once the file exists.
source "$(dirname "$0")/lib.sh"
mkdir -m 700 "$T/state"
cat >"$T/state/ipsecgwd.conf" <<'EOC'
createUser ops SHA "ops-auth-passphrase" AES "ops-priv-passphrase"
rwuser ops priv
trapsess -v 3 -u ops -l authPriv -a SHA -A "ops-auth-passphrase" -x AES -X "ops-priv-passphrase" 127.0.0.1:16299
trapsess -v 3 -u nms -l authPriv -a SHA -A "nms-auth-passphrase" -x AES -X "nms-priv-passphrase" 127.0.0.1:16299
EOC
PORT=$(free_port)
AGENT="udp:127.0.0.1:$PORT"
"$IPSECGWD" --foreground --state-dir "$T/state" --master "$AGENT" --ike-port 0 --natt-port 0 --tun none >>"$T/gw.log" 2>&1 &
GW_PID=$!
PIDS+=("$GW_PID")
V3=(-v3 -l authPriv -u ops -a SHA -A ops-auth-passphrase -x AES -X ops-priv-passphrase -r1 -t3)
up=0
for _ in $(seq 1 100); do
	snmpget "${V3[@]}" -r0 -t1 "$AGENT" ipsecGlobEnable.0 >/dev/null 2>&1 && { up=1; break; }
	sleep 0.1
done
[ $up -eq 1 ] && ok "SNMPv3 authPriv user answers" || { fail "no answer over SNMPv3"; cat "$T/gw.log"; }
snmpset "${V3[@]}" "$AGENT" ipsecPeerRowStatus.1 i createAndGo ipsecPeerDescription.1 s v3 >/dev/null \
	&& ok "SNMPv3 SET" || fail "SNMPv3 SET refused"
out=$(snmpget -v3 -l authPriv -u ops -a SHA -A wrong-passphrase -x AES -X ops-priv-passphrase -r0 -t2 \
	"$AGENT" ipsecPeerDescription.1 2>&1) && fail "wrong pass phrase accepted: $out" || ok "wrong pass phrase refused"
out=$(snmpget -v2c -c public -r0 -t2 "$AGENT" ipsecPeerDescription.1 2>&1) && fail "v2c public still answers: $out" \
	|| ok "try-it v2c community gone once ipsecgwd.conf exists"
out=$(snmpget -v3 -l noAuthNoPriv -u ops -r0 -t2 "$AGENT" ipsecPeerDescription.1 2>&1) && fail "noAuthNoPriv accepted" \
	|| ok "noAuthNoPriv refused for a priv user"
grep -q "ipsecgwd.conf:4: SNMPv3 traps to user nms cannot be sent: add \"createUser nms\"" "$T/gw.log" &&
	ok "a trapsess whose SNMPv3 user was never created is named at start" || fail "no warning for the trapsess of nms"
grep -q "traps to user ops" "$T/gw.log" && fail "warning for ops, who has a createUser line" || ok "no warning for a trap user that exists"
grep -q "ops-auth-passphrase\|nms-auth-passphrase" "$T/gw.log" && fail "pass phrase in the log" || ok "pass phrase not in the log"
finish
