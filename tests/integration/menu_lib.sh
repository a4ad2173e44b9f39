# tmux helpers of the menu tests (menu_basic.sh, menu_pki.sh): the menu
# runs in a tmux pane of 80x24, is driven with send-keys and read with
# capture-pane.  Source after lib.sh and start_gw.
SOCK="$T/tmux.sock"
SCREENS="$T/screens.log"
tm() { tmux -S "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null || true; cleanup' EXIT

# start_menu: ipsecgw-setup against $AGENT; its exit code goes to setup.rc.
start_menu() {
	tm new-session -d -s menu -x 80 -y 24 \
		"$IPSECGW_SETUP --agent $AGENT -v 2c -c private -r1 -t3 2>$T/setup.err; echo \$? >$T/setup.rc; sleep 60"
}

screen() { tm capture-pane -p -t menu | tee -a "$SCREENS"; }
keys() { tm send-keys -t menu "$@"; }
text() { tm send-keys -t menu -l -- "$1"; }

# paste FILE: types a file into the multi-line editor and ends it with ".".
paste() {
	text "$(cat "$1")"
	keys Enter
	text "."
	keys Enter
}

# shot NAME: with MENU_SHOTS set, keeps the screen as MENU_SHOTS/NAME.txt
# (the captures of docs/menu.md are made this way).
shot() {
	[ -n "${MENU_SHOTS:-}" ] || return 0
	mkdir -p "$MENU_SHOTS"
	sleep 0.3
	tm capture-pane -p -t menu >"$MENU_SHOTS/$1.txt"
}

# wait_for TEXT: until the screen shows TEXT (fixed string), at most 10 s.
wait_for() {
	local i
	for i in $(seq 1 100); do
		tm capture-pane -p -t menu | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

# see TEXT WHAT: the screen must show TEXT.
see() {
	if wait_for "$1"; then ok "$2"; else
		fail "$2: '$1' not on the screen:"
		screen
	fi
}

# gone TEXT WHAT: the screen must stop showing TEXT.
gone() {
	local i
	for i in $(seq 1 50); do
		tm capture-pane -p -t menu | grep -qF -- "$1" || { ok "$2"; return 0; }
		sleep 0.1
	done
	fail "$2: '$1' still on the screen"
	screen
}

# Moves with n presses of a cursor key, then lets the screen settle.
press() {
	local k=$1 n=$2 i
	for i in $(seq 1 "$n"); do keys "$k"; done
	sleep 0.3
}

# menu_exit: EXIT must end ipsecgw-setup with 0 and no sanitizer report.
menu_exit_checks() {
	local i
	for i in $(seq 1 50); do [ -s "$T/setup.rc" ] && break; sleep 0.1; done
	expect_eq 0 "$(cat "$T/setup.rc" 2>/dev/null)" "ipsecgw-setup exits with 0"
	if grep -q "ERROR: AddressSanitizer\|runtime error" "$T/setup.err"; then
		fail "sanitizer report: $(head -5 "$T/setup.err")"
	else
		ok "no sanitizer report"
	fi
}
