# The scripts in examples/ run as documented against a live ipsecgwd.
source "$(dirname "$0")/lib.sh"
start_gw "$T/state"
export AGENT
out=$(SNMP="-v2c -c private" "$IPSECGW_TOP/examples/add-peer.sh" Hamburg 198.51.100.7 s3cret 192.168.1.0/24 10.1.0.0/16)
expect_eq "peer 1 (Hamburg) created with traffic entry 3" "$out" "add-peer.sh creates peer and entry"
out=$(SNMP="-v2c -c private" "$IPSECGW_TOP/examples/add-peer.sh" Berlin 198.51.100.8 s3cret2 192.168.1.0/24 10.2.0.0/16)
expect_eq "peer 2 (Berlin) created with traffic entry 4" "$out" "the next free indices are used"
expect_eq protect "$(get ipsecTrAction.4)" "the entry protects"
expect_eq '16 bits' "$(get ipsecTrRemoteMaskLen.4)" "remote prefix"
list=$("$IPSECGW_TOP/examples/list-peers.sh")
grep -q "^1 .*dormant.*198.51.100.7.*Hamburg" <<<"$list" && ok "list-peers.sh shows Hamburg" || fail "list: $list"
grep -q "^2 .*Berlin" <<<"$list" && ok "list-peers.sh shows Berlin" || fail "list: $list"
# Log level follows the MIB at run time.
sset ipsecGlobLogLevel.0 i debug && ok "log level set to debug"
grep -q "log level is now 7" "$T/gw.log" && ok "the daemon applied it" || fail "log level not applied"
finish
