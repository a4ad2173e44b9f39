# tests/interop/charon.sh - strongSwan's charon as the independent IKEv1 peer.
# This kernel has no ESP transform, so charon runs with kernel-libipsec
# (ESP in UDP, always NAT-T).  Each instance gets its own /run through a bind
# mount inside its namespace (charon's pid file path is compiled in) and its
# own vici socket, so several can run at once.  Source netns.sh first.

CHARON=/usr/lib/ipsec/charon
[ -x "$CHARON" ] || { echo "strongSwan charon not installed: skipped"; exit 77; }
command -v swanctl >/dev/null || { echo "swanctl not installed: skipped"; exit 77; }

# charon_start NAME NS DIR: DIR holds swanctl.conf; logs go to DIR/charon.log
# at levels that print the keys (ike=4, chd=4) for tshark decryption.
charon_start() {
	local name=$1 ns=$2 dir=$3
	mkdir -p "$dir/run"
	cat >"$dir/strongswan.conf" <<EOC
charon {
	load_modular = no
	i_dont_care_about_security_and_use_aggressive_mode_psk = yes
	load = random nonce openssl pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink socket-default vici
	filelog {
		main {
			path = $dir/charon.log
			time_format = %T
			append = yes
			flush_line = yes
			default = 1
			ike = 4
			chd = 4
			cfg = 2
			knl = 1
		}
	}
	plugins {
		vici {
			socket = unix://$dir/charon.vici
		}
	}
}
swanctl {
	load = pem pkcs1 x509 pubkey random openssl
}
EOC
	ns_exec "$ns" sh -c "mount --bind '$dir/run' /run && exec env STRONGSWAN_CONF='$dir/strongswan.conf' $CHARON" \
		>"$dir/stdout" 2>&1 </dev/null &
	eval "CHARON_PID_$name=$!"
	eval "CHARON_NS_$name=$ns"
	local i
	for i in $(seq 1 100); do
		[ -S "$dir/charon.vici" ] && break
		sleep 0.1
	done
	[ -S "$dir/charon.vici" ] || { cat "$dir/stdout"; return 1; }
	eval "CHARON_DIR_$name=$dir"
}

# sw NAME ARGS...: swanctl against that instance.
sw() {
	local name=$1 dir
	shift
	eval "dir=\$CHARON_DIR_$name"
	STRONGSWAN_CONF="$dir/strongswan.conf" swanctl "$@" --uri "unix://$dir/charon.vici"
}

# charon_stop NAME: stops that charon (the process in its namespace; $!
# is only the shell that started it) and waits until its ports are free.
charon_stop() {
	local ns pid i
	eval "ns=\${CHARON_NS_$1:-}"
	eval "pid=\${CHARON_PID_$1:-}"
	[ -n "$ns" ] || return 0
	for pid in $(ip netns pids "$NS_PREFIX$ns" 2>/dev/null); do
		[ "$(cat /proc/$pid/comm 2>/dev/null)" = charon ] && kill "$pid" 2>/dev/null
	done
	for i in $(seq 1 50); do
		pgrep -x charon >/dev/null || break
		ip netns pids "$NS_PREFIX$ns" 2>/dev/null | while read -r p; do cat /proc/$p/comm; done | grep -qx charon || break
		sleep 0.1
	done
	eval "CHARON_NS_$1="
}
