# ipsecgwd against ipsecgwd, for the algorithms and groups charon does not
# offer: Blowfish, CAST, Twofish, DES, Tiger, RIPEMD-160, MODP 768/1536/
# 3072/4096, ECP 256/384, ESP NULL and AH.  Two daemons in two network
# namespaces, both configured only through SNMP; A dials B for each combo
# and a ping crosses the tunnel both ways with the agreed algorithms.
source "$IPSECGW_TOP/tests/interop/lib.sh"
igw_init self

ns_add a
ns_add b
ns_link a 10.97.0.1/24 b 10.97.0.2/24 >/dev/null
ns_lan a 10.96.1.1/32
ns_lan b 10.96.2.1/32
igw_start a b
# A's peer is B and the other way round, with mirrored traffic lists.
igw_tunnel a 10.97.0.2 10.96.1.0 10.96.2.0 ipsecPeerPreSharedKey.1 s self-test-key
igw_tunnel b 10.97.0.1 10.96.2.0 10.96.1.0 ipsecPeerPreSharedKey.1 s self-test-key
for n in a b; do sset "$n" ipsecGlobEnable.0 i true; done
ok "two gateways configured over SNMP"

# ping_through LABEL [PING ARGS]: a ping from A's LAN address to B's.
ping_through() {
	local label=$1
	shift
	if ns_exec a ping -c 2 -i 0.2 -W 3 "$@" -I 10.96.1.1 10.96.2.1 >"$T/ping" 2>&1; then
		ok "$label: ping through the tunnel"
	else
		fail "$label: no ping through the tunnel"; tail -3 "$T/ping"; tail -5 "$T/a.log"
	fi
}

# phase 1 proposal (ikeProposalTable index of the first-start catalogue),
# DH group, phase 2 proposal (ipsecProposalTable index), PFS group, label.
combos=(
	"7 modp768 5 none Blowfish/Tiger-192/MODP768 + ESP Blowfish/HMAC-MD5"
	"8 modp1536 10 modp1536 Blowfish/RIPEMD-160/MODP1536 + ESP CAST/HMAC-SHA1, PFS"
	"16 modp3072 14 none CAST/RIPEMD-160/MODP3072 + ESP Twofish/HMAC-SHA1"
	"21 modp4096 18 none Twofish/MD5/MODP4096 + ESP NULL/HMAC-SHA1"
	"24 ecp256 20 ecp256 Twofish/RIPEMD-160/ECP256 + AH HMAC-SHA1, PFS"
	"17 ecp384 11 none DES/MD5/ECP384 + ESP DES/HMAC-MD5"
	"12 modp1024 21 none 3DES/RIPEMD-160/MODP1024 + AH HMAC-SHA2-256"
	"4 modp2048 13 modp2048 AES-256/SHA2-512/MODP2048 + ESP Twofish/HMAC-MD5, PFS"
)
for c in "${combos[@]}"; do
	read -r p1 grp p2 pfs label <<<"$c"
	for n in a b; do
		sset "$n" ipsecPeerAdminStatus.1 i down
		sset "$n" ikeProfileProposals.1 s "$p1" ikeProfileGroup.1 i "$grp" \
			ipsecProfileProposals.1 s "$p2" ipsecProfilePfsGroup.1 i "$pfs"
		sset "$n" ipsecPeerAdminStatus.1 i up
	done
	sset a ipsecPeerAdminStatus.1 i dialup
	up=0
	for _ in $(seq 1 100); do
		[ "$(get b ipsecPeerOperStatus.1)" = up ] && [ "$(get a ipsecPeerOperStatus.1)" = up ] && { up=1; break; }
		sleep 0.1
	done
	if [ $up -eq 1 ] && [ -n "$(walk b ipsecSaSpiIn)" ]; then
		ok "$label"
		ping_through "$label"
	else
		fail "$label: A $(get a ipsecPeerLastError.1) / B $(get b ipsecPeerLastError.1)"
	fi
done
# IPComp (S1): force on both sides gives an ESP+IPComp bundle (CEA "CE-");
# default (propose it first, accept either) against noComp falls back to
# plain ESP; force against noComp fails.
ipcomp_case() { # A_MODE B_MODE WANT_CEA LABEL
	for n in a b; do
		sset "$n" ipsecPeerAdminStatus.1 i down
		sset "$n" ikeProfileProposals.1 s 1 ikeProfileGroup.1 i modp2048 \
			ipsecProfileProposals.1 s 1 ipsecProfilePfsGroup.1 i none
	done
	sset a ipsecProfileIpComp.1 i "$1"
	sset b ipsecProfileIpComp.1 i "$2"
	for n in a b; do sset "$n" ipsecPeerAdminStatus.1 i up; done
	sset a ipsecPeerAdminStatus.1 i dialup
	local cea="" up=0
	for _ in $(seq 1 40); do
		[ "$(get a ipsecPeerOperStatus.1)" = up ] && { up=1; break; }
		sleep 0.1
	done
	cea=$(walk b ipsecSaCea | tail -1)
	if [ "$3" = none ]; then
		[ $up -eq 0 ] && [ -z "$cea" ] && ok "$4" || fail "$4: got a bundle '$cea'"
	else
		[ "$cea" = "$3" ] && ok "$4 (CEA $cea)" || fail "$4: CEA '$cea'"
		# Compressible 1000-byte pings exercise deflate both ways.
		ping_through "$4" -s 1000 -p 00
	fi
}
ipcomp_case forceComp forceComp CE- "IPComp forced on both sides: ESP+IPComp bundle"
ipcomp_case default noComp -E- "IPComp proposed first, refused by the responder: plain ESP"
ipcomp_case default default CE- "IPComp proposed first and accepted"
ipcomp_case forceComp noComp none "IPComp forced against noComp: no IPsec SA"
# Lifetime matching policy notify (I2) between two ipsecgwd: B keeps SAs
# for 600 s / 5000 kB and tells A, which proposed its 900 s / 11000 kB,
# with RESPONDER-LIFETIME in the Quick Mode answer and in an Informational
# after phase 1; A then uses B's shorter lifetimes for both SAs.
for n in a b; do
	sset "$n" ipsecPeerAdminStatus.1 i down
	sset "$n" ipsecProfileIpComp.1 i noComp
done
sset b ipsecLifeRowStatus.5 i createAndGo ipsecLifeSeconds.5 u 600 ipsecLifeKBytes.5 u 5000 ipsecLifePolicy.5 i notify
sset b ikeProfileLifetime.1 i 5 ipsecProfileLifetime.1 i 5
for n in a b; do sset "$n" ipsecPeerAdminStatus.1 i up; done
sset a ipsecPeerAdminStatus.1 i dialup
told=0
for _ in $(seq 1 50); do
	grep -q "the peer's lifetime is 600 s (RESPONDER-LIFETIME)" "$T/a.log" && { told=1; break; }
	sleep 0.1
done
p1=$(walk a ikeSaLifetimeLeft | sort -n | tail -1)
p2=$(walk a ipsecSaLifetimeLeft | sort -n | tail -1)
if [ $told -eq 1 ] && grep -q "the responder's lifetime is 600 s/5000 kB" "$T/a.log" &&
	[ "${p1:-0}" -le 600 ] && [ "${p1:-0}" -gt 580 ] && [ "${p2:-0}" -le 600 ] && [ "${p2:-0}" -gt 580 ]; then
	ok "notify: A uses B's 600 s in phase 1 ($p1 s left) and phase 2 ($p2 s left) after RESPONDER-LIFETIME"
	ping_through "shortened lifetimes"
else
	fail "notify between two ipsecgwd: told=$told, phase 1 $p1 s, phase 2 $p2 s left"; grep -i "lifetime" "$T/a.log" | tail -4
fi
igw_finish
