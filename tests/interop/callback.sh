# The IPSec callback over ISDN between two ipsecgwd (C1 - C5): isdnsim is
# the exchange (its socket in the test's folder, reached from both
# namespaces), A (5678) knows no address for B, B (1234) knows A only by
# its ISDN number.  A calls B, transferring its address and a token; B
# starts Main Mode with pre-shared keys to that address and returns the
# token, by which A finds B; then a ping crosses the tunnel.  Checked:
# every callback mode (passive-only and active-only refusing the other
# direction), every D-channel mode and the B channel, autodetect against
# each telephone company profile (cheapest working mode, B only when
# nothing else passes, the charge counted by ipsecgwd and isdnsim), no
# callback while the tunnel is up (on either side), wrong / expired /
# replayed tokens refused and logged, the C5 hook before each call.  The
# time from the call to the established tunnel is printed, not asserted.
#
#   LAN 10.96.1.1 (lo) A 10.97.0.1 ---- 10.97.0.2 B (lo) LAN 10.96.2.1
#        ISDN 5678  \________ isdnsim ________/  ISDN 1234
ISDNSIM=${ISDNSIM:-${IPSECGW_BUILD:-}/isdn/isdnsim}
ISDN_DIAL=${ISDN_DIAL:-${IPSECGW_BUILD:-}/isdn/isdn_dial}
source "$IPSECGW_TOP/tests/interop/lib.sh"
[ -x "$ISDNSIM" ] && [ -x "$ISDN_DIAL" ] || { echo "isdnsim not built: skipped"; exit 77; }
igw_init callback
SOCK=$T/isdn.sock
declare -A PID
SIM=""
TIMES=()
igw_on_exit() {
	local p
	for p in "${PID[@]}" $SIM; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
expect_eq() { if [ "$1" == "$2" ]; then ok "$3"; else fail "$3 (wanted '$1', got '$2')"; fi; }

ns_add a
ns_add b
ns_link a 10.97.0.1/24 b 10.97.0.2/24 >/dev/null
ns_lan a 10.96.1.1/32
ns_lan b 10.96.2.1/32
ip -n "$(ns_name a)" route add 10.96.2.0/24 via 10.97.0.2
ip -n "$(ns_name b)" route add 10.96.1.0/24 via 10.97.0.1
get() { local n=$1; shift; ns_exec "$n" snmpget -v2c -c public -r1 -t3 -OqvU "$AGENT" "$@" | tr -d '"'; }
ctl() { "$ISDN_DIAL" --socket "$SOCK" --ctl "$*"; }
# ctl_num NUMBER KEY: one of isdnsim's per-number counters.
ctl_num() { ctl "number $1" | tr ' ' '\n' | sed -n "/^$2\$/{n;p}"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# via N: how the last callback of row 1 went ("outgoing llc" -> "llc").
last_cb() { get "$1" ipsecPeerLastCallback.1 | cut -d' ' -f3-; }

"$ISDNSIM" --socket "$SOCK" --profile pass-all --foreground --log-level info >"$T/sim.log" 2>&1 &
SIM=$!
for _ in $(seq 1 100); do ctl stats >/dev/null 2>&1 && break; sleep 0.05; done

# C5: A's hook records each call it precedes; it prints no address, so A
# transfers the source address of its route (10.97.0.1).
cat >"$T/prepare.sh" <<EOF
#!/bin/sh
echo "\$(date +%s%N) prepare \$1 \$2" >>"$T/prepare.log"
EOF
chmod +x "$T/prepare.sh"
start_gw() {
	local n=$1
	shift
	ns_exec "$n" "$IPSECGWD" --foreground --state-dir "$T/$n" --log-level info \
		--isdn "sim:$SOCK" "$@" >>"$T/$n.log" 2>&1 &
	PID[$n]=$!
	for _ in $(seq 1 100); do
		case "$(get "$n" ipsecGlobEnable.0 2>/dev/null)" in true | false) return 0 ;; esac
		sleep 0.1
	done
	fail "ipsecgwd $n did not start"
	exit 1
}
start_gw a --isdn-prepare "$T/prepare.sh"
start_gw b

# A: B is peer 1, no address, callback active; B: A is peer 1, passive.
sset a ipsecGlobIsdnOwnNumber.0 s 5678 ipsecGlobCallbackTokenLifetime.0 i 10
sset b ipsecGlobIsdnOwnNumber.0 s 1234 ipsecGlobCallbackTokenLifetime.0 i 10
# Neither knows the other's address: the callback brings it.
igw_tunnel a "" 10.96.1.0 10.96.2.0 ipsecPeerPreSharedKey.1 s callback-test-key \
	ipsecPeerCallbackMode.1 i active ipsecPeerIsdnOutgoingNumber.1 s 01234 \
	ipsecPeerIsdnIncomingNumber.1 s 1234 ipsecPeerTransferOwnIp.1 i true \
	ipsecPeerTransferMode.1 i autodetectDorB
igw_tunnel b "" 10.96.2.0 10.96.1.0 ipsecPeerPreSharedKey.1 s callback-test-key \
	ipsecPeerCallbackMode.1 i passive ipsecPeerIsdnIncomingNumber.1 s 5678 \
	ipsecPeerIsdnOutgoingNumber.1 s 05678 ipsecPeerTransferOwnIp.1 i true
# The incoming-call answering table gives each own number to IPSec.
sset a ipsecIsdnDspRowStatus.1 i createAndGo ipsecIsdnDspLocalNumber.1 s 5678
sset b ipsecIsdnDspRowStatus.1 i createAndGo ipsecIsdnDspLocalNumber.1 s 1234
for n in a b; do sset "$n" ipsecGlobEnable.0 i true; done
for _ in $(seq 1 50); do
	[ "$(ctl_num 5678 registered)" = yes ] && [ "$(ctl_num 1234 registered)" = yes ] && break
	sleep 0.1
done
[ "$(ctl_num 5678 registered)/$(ctl_num 1234 registered)" = yes/yes ] &&
	ok "both gateways registered their own number at isdnsim" ||
	fail "registration: $(ctl "number 5678") / $(ctl "number 1234")"
expect_eq "" "$(get a ipsecPeerAddress.1)" "A has no address for B"

sas() { walk "$1" ipsecSaSpiIn | grep -c . || true; }
ikesas() { walk "$1" ikeSaPeer | grep -c . || true; }
# wait_tunnel SECONDS: both sides hold IPsec SAs; sets ELAPSED (ms since T0).
wait_tunnel() {
	local end=$(($(now_ms) + $1 * 1000))
	while [ "$(now_ms)" -lt "$end" ]; do
		if [ "$(sas a)" -gt 0 ] && [ "$(sas b)" -gt 0 ]; then
			ELAPSED=$(($(now_ms) - T0))
			return 0
		fi
		sleep 0.02
	done
	return 1
}
# teardown: both peers down (SAs deleted), then up again.
teardown() {
	local n
	for n in a b; do sset "$n" ipsecPeerAdminStatus.1 i down; done
	for _ in $(seq 1 50); do
		[ "$(ikesas a)" -eq 0 ] && [ "$(ikesas b)" -eq 0 ] && break
		sleep 0.1
	done
	for n in a b; do sset "$n" ipsecPeerAdminStatus.1 i up; done
}
ping_through() {
	if ns_exec a ping -c 3 -i 0.2 -W 3 -I 10.96.1.1 10.96.2.1 >"$T/ping" 2>&1; then
		ok "$1: ping from A's LAN to B's LAN through the tunnel"
	else
		fail "$1: no ping through the tunnel"
		tail -3 "$T/ping"
	fi
}
# timed LABEL CMD...: runs CMD (which triggers the callback), waits for the
# tunnel and records the time from the call.
timed() {
	local label=$1
	shift
	T0=$(now_ms)
	"$@"
	if wait_tunnel 15; then
		ok "$label: tunnel up ${ELAPSED} ms after the call"
		TIMES+=("$label: ${ELAPSED} ms")
		echo "# call to tunnel ($label): ${ELAPSED} ms"
		return 0
	fi
	fail "$label: no tunnel (A: $(get a ipsecPeerLastError.1); B: $(get b ipsecPeerLastError.1))"
	tail -5 "$T/a.log" "$T/b.log"
	return 1
}
# no_tunnel LABEL: after a moment, no ISAKMP SA was established on A.
no_tunnel() {
	sleep "${2:-2}"
	if walk a ikeSaState | grep -q established; then fail "$1: a tunnel came up"; else ok "$1: no tunnel"; fi
}
dialup() { sset "$1" ipsecPeerAdminStatus.1 i dialup; }
first_ping() { ns_exec a ping -c 1 -W 1 -I 10.96.1.1 10.96.2.1 >/dev/null 2>&1 || true; }

# 1. Traffic from A's LAN needs the tunnel: the acquire becomes a callback.
timed "acquire, pass-all, autodetect" first_ping
ping_through "acquire"
expect_eq 1 "$(get a ipsecPeerCallsSent.1)" "A counts one callback call sent"
expect_eq 1 "$(get b ipsecPeerCallsReceived.1)" "B counts one callback received"
expect_eq "outgoing llc+subaddr" "$(last_cb a)" "A: ipsecPeerLastCallback says outgoing via LLC and subaddress"
expect_eq "incoming llc+subaddr" "$(last_cb b)" "B: ipsecPeerLastCallback says incoming via LLC and subaddress"
expect_eq 10.97.0.1 "$(get a ipsecPeerCallbackAddress.1)" "A stored its own address with the token in B's row"
expect_eq 10.97.0.1 "$(get b ipsecPeerCallbackAddress.1)" "B stored the address A transferred in A's row"
expect_eq 0 "$(get a ipsecPeerCallbackTokenExpiry.1)" "A's token is used up (expiry 0)"
expect_eq 10.97.0.2 "$(walk a ikeSaRemoteIp | tail -1)" "A's ISAKMP SA is with B's address, learnt from IKE"
expect_eq responder "$(walk a ikeSaRole | tail -1)" "A is the responder: B set the tunnel up"
[ "$(walk a ikeSaXchType | tail -1)" = idProtect ] && ok "exchange type idProtect (Main Mode)" || fail "exchange type $(walk a ikeSaXchType)"
grep -q "callback token of peer 1 returned by 10.97.0.2: accepted" "$T/a.log" &&
	ok "A identified B by the token in Main Mode message 1" || fail "no token acceptance in A's log"
expect_eq 1 "$(get b ipsecIsdnDspCalls.1)" "B's ipsecIsdnDspTable entry dispatched the call"
expect_eq "1 0" "$(ctl_num 5678 calls_out) $(ctl_num 5678 answered_out)" "isdnsim: one call from 5678, not answered (free)"
[ "$(grep -c "prepare 1 01234" "$T/prepare.log" 2>/dev/null)" = 1 ] && ok "C5: the prepare hook ran before the call" || fail "prepare hook: $(cat "$T/prepare.log" 2>/dev/null)"
hook=$(grep -n "C5 hook" "$T/a.log" | head -1 | cut -d: -f1)
call=$(grep -n "out_dial: calling 01234" "$T/a.log" | head -1 | cut -d: -f1)
[ -n "$hook" ] && [ -n "$call" ] && [ "$hook" -lt "$call" ] && ok "C5 hook logged before the SETUP went out" || fail "C5 order: hook '$hook' call '$call'"

# 2. No callback while SAs exist: dialup on A and a call from A's number
# both leave the tunnel alone (B's side is checked at the end).
calls0=$(ctl_num 5678 calls_out)
dialup a
sleep 1
expect_eq "$calls0" "$(ctl_num 5678 calls_out)" "dialup with the tunnel up: no ISDN call"
expect_eq 1 "$(get a ipsecPeerCallsSent.1)" "A still counts one call"
ping_through "dialup while up"

# 3. Replayed: B acts as if called again (admin status callback) with the
# token it already returned once; A refuses it.
teardown
sset b ipsecPeerAdminStatus.1 i callback
no_tunnel "replayed token"
grep -q "Main Mode from 10.97.0.2 refused: callback token was used before (peer 1)" "$T/a.log" &&
	ok "A refused and logged the replayed token" || fail "no replay refusal in A's log"
case "$(get a ipsecPeerLastError.1)" in
*"was used before"*) ok "A's ipsecPeerLastError names the replayed token" ;;
*) fail "LastError: $(get a ipsecPeerLastError.1)" ;;
esac

# 4. Expired: B is down when A calls, so it only stores the token; after
# the lifetime (10 s) B acts as if called and A refuses.
teardown
sset b ipsecPeerAdminStatus.1 i down
dialup a
for _ in $(seq 1 50); do [ "$(get a ipsecPeerCallsSent.1)" = 2 ] && break; sleep 0.1; done
grep -q "callback from peer 1: the peer is down, no tunnel" "$T/b.log" && ok "B (down) took the callback but set nothing up" || fail "B reacted to the callback while down"
left=$(get a ipsecPeerCallbackTokenExpiry.1)
[ "$left" -gt 0 ] && [ "$left" -le 10 ] && ok "A's new token counts down (ipsecPeerCallbackTokenExpiry $left)" || fail "token expiry '$left'"
sleep 11
expect_eq 0 "$(get a ipsecPeerCallbackTokenExpiry.1)" "A's token has expired"
sset b ipsecPeerAdminStatus.1 i callback
no_tunnel "expired token"
grep -q "refused: callback token has expired (peer 1)" "$T/a.log" &&
	ok "A refused and logged the expired token" || fail "no expiry refusal in A's log"

# 5. Wrong: a callback from another line (7777, known to B as peer 2)
# makes B offer a token A never issued.
teardown
sset b ipsecPeerRowStatus.2 i createAndGo ipsecPeerPreSharedKey.2 s other-key \
	ipsecPeerCallbackMode.2 i passive ipsecPeerIsdnIncomingNumber.2 s 7777
"$ISDN_DIAL" --socket "$SOCK" --number 7777 --call 01234 --peer-mode active \
	--xfer auto --addr 10.97.0.1 >"$T/forged" 2>&1 || true
grep -q "res=ok" "$T/forged" && ok "a callback from 7777 reached B" || fail "forged call: $(cat "$T/forged")"
no_tunnel "unknown token"
grep -q "Main Mode from 10.97.0.2 refused: callback token is unknown" "$T/a.log" &&
	ok "A refused and logged the token it never issued" || fail "no refusal of the unknown token in A's log"
sset b ipsecPeerRowStatus.2 i destroy

# 6. Autodetect against each telephone company: the cheapest mode that
# works, the B channel (charged) only when the D channel carries nothing.
declare -A WANT=([pass-all]=llc+subaddr [drop-llc]=subaddr [drop-subaddr]=llc [drop-both]=b)
AUTODETECT=""
for p in pass-all drop-llc drop-subaddr drop-both; do
	teardown
	ctl profile "$p" >/dev/null
	charged0=$(get a ipsecPeerChargedCalls.1)
	ans0=$(ctl_num 5678 answered_out)
	want=${WANT[$p]}
	charge=0
	[ "$want" = b ] && charge=1
	timed "autodetect, $p" dialup a && ping_through "autodetect, $p"
	expect_eq "outgoing $want" "$(last_cb a)" "$p: autodetect chose $want"
	expect_eq "incoming $want" "$(last_cb b)" "$p: B took the address from $want"
	expect_eq "$charge" "$(($(get a ipsecPeerChargedCalls.1) - charged0))" "$p: ipsecPeerChargedCalls +$charge"
	expect_eq "$charge" "$(($(ctl_num 5678 answered_out) - ans0))" "$p: isdnsim charged $charge call(s)"
	AUTODETECT+="$p=$(last_cb a | cut -d' ' -f2) "
done
echo "# autodetect: $AUTODETECT"

# 7. Each specific transfer mode (pass-all), then what a company that
# drops the LLC does to them.
ctl profile pass-all >/dev/null
mode_case() { # TRANSFER_MODE DMODE WANT_VIA LABEL
	teardown
	sset a ipsecPeerTransferMode.1 i "$1" ipsecPeerDChannelMode.1 i "$2"
	if [ "$3" = none ]; then
		# Nothing arrives, and the call is not answered: B knows the
		# caller by its number only (enough for it to start IKE to
		# the address it knows).
		local c0
		c0=$(get a ipsecPeerChargedCalls.1)
		dialup a
		sleep 1
		case "$(last_cb a)" in "outgoing failed: not-delivered"*) ok "$4: not delivered" ;; *) fail "$4: $(last_cb a)" ;; esac
		expect_eq "$c0" "$(get a ipsecPeerChargedCalls.1)" "$4: nothing charged"
		expect_eq "incoming number" "$(last_cb b)" "$4: B identified A by its number alone"
		return
	fi
	timed "$4" dialup a
	expect_eq "outgoing $3" "$(last_cb a)" "$4: transferred via $3"
}
mode_case specificD llc llc "specific D channel, LLC"
mode_case specificD subaddr subaddr "specific D channel, SUBADDR"
mode_case specificD llcAndSubaddr llc+subaddr "specific D channel, LLC and SUBADDR"
mode_case bOnly llc b "B channel"
ping_through "B channel"
ctl profile drop-llc >/dev/null
mode_case specificD llc none "specific LLC through drop-llc"
mode_case specificDFallbackB llc b "specific LLC with fallback on B through drop-llc"
ctl profile drop-both >/dev/null
mode_case autodetectDOnly llc none "autodetect D only through drop-both"
ctl profile pass-all >/dev/null
sset a ipsecPeerTransferMode.1 i autodetectDorB ipsecPeerDChannelMode.1 i llc

# 8. Callback modes.  A passive-only or disabled never calls (and cannot
# reach B without its address); an active-only or disabled B refuses.
for m in passive disabled; do
	teardown
	sset a ipsecPeerCallbackMode.1 i "$m"
	c0=$(ctl_num 5678 calls_out)
	dialup a
	no_tunnel "A $m"
	expect_eq "$c0" "$(ctl_num 5678 calls_out)" "A $m: no ISDN call"
done
grep -q "cannot resolve the peer address ''" "$T/a.log" && ok "A then tries IKE itself and fails: no address for B" || fail "no direct attempt logged"
sset a ipsecPeerCallbackMode.1 i active
for m in active disabled; do
	teardown
	sset b ipsecPeerCallbackMode.1 i "$m"
	dialup a
	no_tunnel "B $m"
	case "$(last_cb a)" in "outgoing failed: refused"*) ok "B $m: A learns that B refuses" ;; *) fail "B $m: A says $(last_cb a)" ;; esac
	expect_eq "incoming refused" "$(last_cb b)" "B $m: refused the incoming callback"
done
# both on both sides: B calls A now, A sets the tunnel up and B finds A
# by its token.
teardown
sset b ipsecPeerCallbackMode.1 i both
sset a ipsecPeerCallbackMode.1 i both
sent_b=$(get b ipsecPeerCallsSent.1)
timed "both, B calls A" dialup b
ping_through "both, B calls A"
expect_eq $((sent_b + 1)) "$(get b ipsecPeerCallsSent.1)" "B (both) placed the call"
expect_eq initiator "$(walk a ikeSaRole | tail -1)" "A (both) answered B's callback as initiator"
grep -q "callback token of peer 1 returned by 10.97.0.1: accepted" "$T/b.log" &&
	ok "B identified A by B's token" || fail "no token acceptance in B's log"
teardown
timed "both, A calls B" dialup a
# passive-only B: a dialup does not call A; B initiates IKE itself, to
# the address A transferred last (B has none configured).
teardown
sset b ipsecPeerCallbackMode.1 i passive
c0=$(ctl_num 1234 calls_out)
T0=$(now_ms)
dialup b
wait_tunnel 10 && [ "$(walk b ikeSaRole | tail -1)" = initiator ] &&
	ok "B passive-only dialup: B set the tunnel up itself to A's last transferred address" ||
	fail "B passive-only dialup: no direct tunnel"
expect_eq "$c0" "$(ctl_num 1234 calls_out)" "B passive-only: no ISDN call"
teardown
timed "active A, passive B again" dialup a

# 9. B ignores a callback while its SAs to A exist: A vanishes without
# deleting them, and a call from A's number comes in.
recv0=$(get b ipsecPeerCallsReceived.1)
for p in $(ip netns pids "$(ns_name a)"); do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = ipsecgwd ] && kill -9 "$p"
done
for _ in $(seq 1 50); do [ "$(ctl_num 5678 registered)" = no ] && break; sleep 0.1; done
ike0=$(ikesas b)
"$ISDN_DIAL" --socket "$SOCK" --number 5678 --call 01234 --peer-mode active \
	--xfer auto --addr 10.97.0.1 >"$T/late" 2>&1 || true
sleep 1
expect_eq $((recv0 + 1)) "$(get b ipsecPeerCallsReceived.1)" "B received the callback"
grep -q "callback from peer 1 ignored: SAs to it exist" "$T/b.log" && ok "B ignored it: SAs to A exist" || fail "B did not log the ignored callback"
expect_eq "$ike0" "$(ikesas b)" "B started no new phase 1"

# B stops cleanly (line, tokens and the callback logic freed).
for p in $(ip netns pids "$(ns_name b)"); do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = ipsecgwd ] && kill -TERM "$p"
done
for _ in $(seq 1 50); do grep -q "signal 15" "$T/b.log" && [ -z "$(ip netns pids "$(ns_name b)")" ] && break; sleep 0.1; done
[ -z "$(ip netns pids "$(ns_name b)")" ] && ok "B stopped on SIGTERM" || fail "B did not stop"
for n in a b; do
	if grep -qiE 'key.*[0-9a-f]{32}|callback-test-key' "$T/$n.log"; then fail "secrets in $n's log"; fi
	if grep -qE 'AddressSanitizer|runtime error' "$T/$n.log"; then fail "sanitizer report in $n's log"; fi
done
echo "# call-to-tunnel times:"
for t in "${TIMES[@]}"; do echo "#   $t"; done
echo "# $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
