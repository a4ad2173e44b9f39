# IPSec callback over the simulated exchange: isdnsim runs with each
# telephone company profile, two isdn_dial endpoints (caller 5678 dialling
# "01234", callee 1234) place and answer callbacks with the sim driver and
# the callback logic.  Checks the mode autodetect picks per profile, that
# it is remembered for the next call, that address and token arrive
# intact, what isdnsim charged, and the refusals (passive-only caller,
# active-only callee, unknown numbers, busy).
set -euo pipefail
: "${ISDNSIM:?}" "${ISDN_DIAL:?}"
T=$(mktemp -d /tmp/ipsecgw-isdn.XXXXXX)
SOCK=$T/isdn.sock
PIDS=()
FAILS=0
PASSES=0

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ "$FAILS" -eq 0 ]; then rm -rf "$T"; else echo "kept $T"; fi
}
trap cleanup EXIT

ok() { PASSES=$((PASSES + 1)); echo "ok - $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL - $*"; }
expect_eq() {
	if [ "$1" == "$2" ]; then ok "$3"; else fail "$3 (wanted '$1', got '$2')"; fi
}

# field FILE PREFIX KEY: value of KEY= on the first line starting PREFIX.
field() {
	{ grep -m1 "^$2" "$1" || true; } | tr ' ' '\n' | sed -n "s/^$3=//p"
}

ctl() { "$ISDN_DIAL" --socket "$SOCK" --ctl "$*"; }
# ctl_num NUMBER KEY: one counter of "number NUMBER".
ctl_num() { ctl "number $1" | tr ' ' '\n' | sed -n "/^$2\$/{n;p}"; }

start_sim() {
	"$ISDNSIM" --socket "$SOCK" --profile "$1" --foreground \
		--log-level info >>"$T/sim.log" 2>&1 &
	SIM=$!
	PIDS+=("$SIM")
	local i
	for i in $(seq 1 100); do
		ctl stats >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	cat "$T/sim.log"
	fail "isdnsim did not start"
	exit 1
}

# isdnsim exits 0 on SIGTERM (and, under ASan, only without leaks).
stop_sim() {
	kill "$SIM" 2>/dev/null || true
	if wait "$SIM"; then ok "isdnsim stopped cleanly"; else
		fail "isdnsim exited with $?"; fi
}

# callee OUT [isdn_dial args]: 1234, waits until its line is up.
callee() {
	local out=$1
	shift
	"$ISDN_DIAL" --socket "$SOCK" --number 1234 --listen --timeout 60 \
		--peer-number 5678 "$@" \
		>"$out" 2>>"$T/dial.log" &
	CALLEE=$!
	PIDS+=("$CALLEE")
	local i
	for i in $(seq 1 100); do
		grep -q "^line up" "$out" && return 0
		sleep 0.05
	done
	fail "callee did not register"
	exit 1
}

# caller OUT [isdn_dial args]: 5678 calls 01234 (trunk prefix "0").
caller() {
	local out=$1
	shift
	"$ISDN_DIAL" --socket "$SOCK" --number 5678 --call 01234 \
		--peer-number 1234 --timeout 30 "$@" >"$out" 2>>"$T/dial.log" ||
		fail "caller exited with $? ($*)"
}

wait_callee() {
	wait "$CALLEE" 2>/dev/null || fail "callee exited with an error"
}

# same_xfer CALLER_OUT N CALLEE_OUT M LABEL: the address and token the
# caller's call N sent are exactly those of the callee's callback M.
same_xfer() {
	local s r
	s=$(grep "^sent n=$2 " "$1" | cut -d' ' -f3-) || true
	r=$(grep "^xfer n=$4 " "$3" | cut -d' ' -f3-) || true
	if [ -n "$s" ] && [ "$s" == "$r" ]; then
		ok "$5: address and token arrive intact ($r)"
	else
		fail "$5: sent '$s', received '$r'"
	fi
}

declare -A WANT=([pass-all]=llc+subaddr [drop-llc]=subaddr
	[drop-subaddr]=llc [drop-both]=b)
declare -A DELIVERED=([pass-all]=llc+subaddr [drop-llc]=subaddr
	[drop-subaddr]=llc [drop-both]=none)
DETECTED=""

for p in pass-all drop-llc drop-subaddr drop-both; do
	want=${WANT[$p]}
	charged=0
	[ "$want" == b ] && charged=1
	start_sim "$p"
	callee "$T/callee-$p" --peer-mode passive --count 3
	# one autodetect callback
	caller "$T/caller1-$p" --peer-mode active --xfer auto \
		--addr 198.51.100.7
	out=$T/caller1-$p
	expect_eq ok "$(field "$out" "result n=1" res)" "$p: callback succeeds"
	expect_eq "$want" "$(field "$out" "result n=1" via)" \
		"$p: autodetect chooses $want"
	expect_eq llc+subaddr "$(field "$out" "result n=1" sent)" \
		"$p: the first call tries LLC and subaddress together"
	expect_eq "$charged" "$(field "$out" "result n=1" connected)" \
		"$p: answered (charged) only for the B channel"
	expect_eq "$charged" "$(ctl_num 5678 answered_out)" \
		"$p: isdnsim counted $charged charged call(s)"
	expect_eq "$charged" "$(ctl_num 5678 units)" \
		"$p: isdnsim charged $charged unit(s)"
	expect_eq "${DELIVERED[$p]}" "$(ctl last | tr ' ' '\n' | sed -n '/^delivered$/{n;p}')" \
		"$p: isdnsim delivered ${DELIVERED[$p]}"
	expect_eq "$want" "$(field "$T/callee-$p" "received n=1" via)" \
		"$p: the callee took the record from $want"
	expect_eq accepted "$(field "$T/callee-$p" "received n=1" verdict)" \
		"$p: the callee accepts the callback from 5678"
	same_xfer "$out" 1 "$T/callee-$p" 1 "$p"
	# two more in one process: the second uses the detected mode
	caller "$T/caller2-$p" --peer-mode both --xfer auto \
		--addr 203.0.113.45 --calls 2
	out=$T/caller2-$p
	carry=$want
	[ "$want" == b ] && carry=none
	expect_eq "$carry" "$(field "$out" "plan n=2" carry)" \
		"$p: the next call carries $carry in the D channel"
	expect_eq "$want" "$(field "$out" "result n=2" via)" \
		"$p: the next call works via $want"
	expect_eq "$want" "$(field "$out" "result n=2" detected)" \
		"$p: the detected mode stays remembered"
	wait_callee
	same_xfer "$out" 1 "$T/callee-$p" 2 "$p, second run"
	same_xfer "$out" 2 "$T/callee-$p" 3 "$p, remembered mode"
	expect_eq "$((charged * 3))" "$(ctl_num 5678 answered_out)" \
		"$p: three callbacks, $((charged * 3)) charged"
	DETECTED+="$p=$want "
	stop_sim
done
echo "# detected modes: $DETECTED"

start_sim pass-all
# passive-only refuses to call: nothing reaches the exchange
caller "$T/passive" --peer-mode passive --xfer auto --addr 198.51.100.7
expect_eq not-active "$(field "$T/passive" "result n=1" res)" \
	"a passive-only peer refuses to make calls"
expect_eq 0 "$(ctl_num 5678 calls_out)" "no call was placed for it"

# active-only callee refuses incoming callbacks and reports them
callee "$T/active" --peer-mode active --count 1
caller "$T/active-caller" --peer-mode active --xfer auto --addr 198.51.100.7
wait_callee
expect_eq refused "$(field "$T/active-caller" "result n=1" res)" \
	"the caller learns that the peer refuses"
expect_eq refused "$(field "$T/active" "received n=1" verdict)" \
	"an active-only callee reports the callback as refused"
expect_eq 0 "$(field "$T/active-caller" "result n=1" connected)" \
	"a refused callback costs nothing"

# unknown called number: the exchange answers #1
"$ISDN_DIAL" --socket "$SOCK" --number 5678 --call 09999 --timeout 30 \
	--peer-mode active >"$T/unalloc" 2>>"$T/dial.log" || true
expect_eq call-failed "$(field "$T/unalloc" "result n=1" res)" \
	"a call to an unknown number fails"
expect_eq 1 "$(field "$T/unalloc" "result n=1" cause)" \
	"with cause 1 (unallocated number)"

# the callee does not know the calling number
callee "$T/stranger" --peer-number 4444 --peer-mode passive --count 1
caller "$T/stranger-caller" --peer-mode active --xfer auto --addr 198.51.100.7
wait_callee
expect_eq unknown-peer "$(field "$T/stranger-caller" "result n=1" res)" \
	"a callee that does not know 5678 says so"
expect_eq unknown "$(field "$T/stranger" "received n=1" verdict)" \
	"the callee reports an unknown caller"

# busy callee: #17
callee "$T/busy" --busy
caller "$T/busy-caller" --peer-mode active --xfer auto --addr 198.51.100.7
kill "$CALLEE" 2>/dev/null || true
wait "$CALLEE" 2>/dev/null || true
expect_eq 17 "$(field "$T/busy-caller" "result n=1" cause)" \
	"a busy callee clears with cause 17"

# specific D-channel modes through a company that drops the LLC
ctl profile drop-llc >/dev/null
callee "$T/spec" --peer-mode passive --count 3
caller "$T/spec-d" --peer-mode active --xfer d --dmode llc --addr 198.51.100.7
expect_eq not-delivered "$(field "$T/spec-d" "result n=1" res)" \
	"specific D (LLC) through drop-llc: nothing delivered"
expect_eq 0 "$(field "$T/spec-d" "result n=1" connected)" "and nothing charged"
caller "$T/spec-db" --peer-mode active --xfer d-b --dmode llc --addr 198.51.100.7
expect_eq b "$(field "$T/spec-db" "result n=1" via)" \
	"specific D falling back on B uses the B channel"
same_xfer "$T/spec-db" 1 "$T/spec" 2 "specific D with fallback"
caller "$T/spec-sub" --peer-mode active --xfer d --dmode subaddr --addr 198.51.100.7
expect_eq subaddr "$(field "$T/spec-sub" "result n=1" via)" \
	"specific D (SUBADDR) through drop-llc works"
wait_callee
stop_sim

echo "$PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
