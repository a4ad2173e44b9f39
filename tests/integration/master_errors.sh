# Bad input of every kind gets the exact SNMP error status on the offending
# varbind and changes nothing; secrets never come back.
source "$(dirname "$0")/lib.sh"
start_gw "$T/state"
sset ipsecPeerRowStatus.1 i createAndGo ipsecPeerDescription.1 s "good" \
	ipsecPeerPreSharedKey.1 s "do-not-show-this" && ok "peer 1 created"
before=$(snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecgwObjects)

# Wrong type, out of range, unknown enumeration, too long.
expect_set_error wrongType ipsecPeerAdminStatus.1 ipsecPeerAdminStatus.1 s up
expect_set_error wrongType ipsecPeerDescription.1 ipsecPeerDescription.1 i 5
expect_set_error wrongType ipsecTrLocalAddress.1 ipsecTrLocalAddress.1 s 10.0.0.1
expect_set_error wrongValue ipsecPeerAdminStatus.1 ipsecPeerAdminStatus.1 i 9
expect_set_error wrongValue ikeProfileBlockTime.1 ikeProfileBlockTime.1 i 86401
expect_set_error wrongValue ipsecTrLocalMaskLen.1 ipsecTrLocalMaskLen.1 i 33
expect_set_error wrongValue ipsecGlobEnable.0 ipsecGlobEnable.0 i 3
expect_set_error wrongValue ipsecPeerDescription.1 ipsecPeerDescription.1 s "$(printf 'line\nbreak')"
expect_set_error wrongLength ipsecPeerDescription.1 ipsecPeerDescription.1 s "$(printf 'x%.0s' $(seq 1 256))"
expect_set_error wrongLength ipsecPeerIsdnIncomingNumber.1 ipsecPeerIsdnIncomingNumber.1 s "$(printf '1%.0s' $(seq 1 33))"
# notReady can only be read.
expect_set_error wrongValue ipsecPeerRowStatus.1 ipsecPeerRowStatus.1 i 3

# Names that do not exist or cannot be written.
expect_set_error notWritable ipsecPeerOperStatus.1 ipsecPeerOperStatus.1 i 1
expect_set_error notWritable ipsecStatsPeersTotal.0 ipsecStatsPeersTotal.0 u 5
expect_set_error noCreation ipsecGlobEnable.1 ipsecGlobEnable.1 i 1
expect_set_error noCreation ikeSaAdminAction.1 ikeSaAdminAction.1 i delete
expect_set_error inconsistentName ipsecPeerDescription.77 ipsecPeerDescription.77 s "no such row"

# RowStatus rules.
expect_set_error inconsistentValue ipsecPeerRowStatus.1 ipsecPeerRowStatus.1 i createAndGo
expect_set_error inconsistentValue ipsecPeerRowStatus.88 ipsecPeerRowStatus.88 i active
expect_set_error inconsistentValue ipsecTrRowStatus.50 ipsecTrRowStatus.50 i createAndGo
sset ipsecTrRowStatus.50 i createAndWait && ok "traffic entry without its list: createAndWait"
expect_eq notReady "$(get ipsecTrRowStatus.50)" "it is notReady (ipsecTrList missing)"
expect_set_error inconsistentValue ipsecTrRowStatus.50 ipsecTrRowStatus.50 i active
sset ipsecTrList.50 i postRules && ok "list set"
expect_eq notInService "$(get ipsecTrRowStatus.50)" "notReady became notInService"
sset ipsecTrRowStatus.50 i destroy

# Cross-row and semantic checks.
expect_set_error inconsistentValue ipsecPeerIkeProfile.1 ipsecPeerIkeProfile.1 i 999
expect_set_error inconsistentValue ipsecPeerIpsecProfile.1 ipsecPeerIpsecProfile.1 i 999
expect_set_error inconsistentValue ipsecPropAuthAlg.30 ipsecPropRowStatus.30 i createAndGo \
	ipsecPropEncAlg.30 i null ipsecPropAuthAlg.30 i none
expect_set_error inconsistentValue ipsecPropAuthAlg.31 ipsecPropRowStatus.31 i createAndGo \
	ipsecPropEncAlg.31 i aesGcm16 ipsecPropAuthAlg.31 i hmacSha1
expect_set_error inconsistentValue ipsecPropAuthAlg.32 ipsecPropRowStatus.32 i createAndGo \
	ipsecPropProtocol.32 i ah ipsecPropAuthAlg.32 i none
expect_set_error inconsistentValue ikePropKeyLength.30 ikePropRowStatus.30 i createAndGo \
	ikePropEncAlg.30 i des3 ikePropKeyLength.30 i 256
expect_set_error inconsistentValue ikeProfileProposals.1 ikeProfileProposals.1 s "1,999"
expect_set_error inconsistentValue ikeProfileProposals.1 ikeProfileProposals.1 s "1,,2"
expect_set_error inconsistentValue ikeProfileProposals.1 ikeProfileProposals.1 s "2,2"
expect_set_error inconsistentValue ipsecTrAction.40 ipsecTrRowStatus.40 i createAndGo \
	ipsecTrList.40 i preRules ipsecTrAction.40 i protect
expect_set_error inconsistentValue ipsecTrRowStatus.41 ipsecTrRowStatus.41 i createAndGo ipsecTrList.41 i peer
expect_set_error inconsistentValue ipsecTrPeer.42 ipsecTrRowStatus.42 i createAndGo \
	ipsecTrList.42 i peer ipsecTrPeer.42 i 555
expect_set_error inconsistentValue ipsecTrLocalPort.43 ipsecTrRowStatus.43 i createAndGo \
	ipsecTrList.43 i postRules ipsecTrProto.43 i 1 ipsecTrLocalPort.43 i 80
expect_set_error inconsistentValue ipsecTrRemoteRangeEnd.44 ipsecTrRowStatus.44 i createAndGo \
	ipsecTrList.44 i postRules ipsecTrRemoteType.44 i range ipsecTrRemoteAddress.44 a 10.0.0.9 \
	ipsecTrRemoteRangeEnd.44 a 10.0.0.1
expect_set_error inconsistentValue ipsecPeerCallbackMode.1 ipsecPeerCallbackMode.1 i passive
expect_set_error inconsistentValue ipsecPeerIsdnOutgoingNumber.1 ipsecPeerIsdnOutgoingNumber.1 s "0301-234"
expect_set_error inconsistentValue ipsecGlobPreRulesActive.0 ipsecGlobPreRulesActive.0 i 777
# A profile in use cannot be destroyed.
expect_set_error inconsistentValue ikeProfileRowStatus.1 ikeProfileRowStatus.1 i destroy
expect_set_error inconsistentValue ikePropRowStatus.2 ikePropRowStatus.2 i destroy

# Multi-varbind SETs are all or nothing: a good change with a bad one.
expect_set_error inconsistentValue ipsecPeerIkeProfile.2 ipsecPeerDescription.1 s "changed" \
	ipsecPeerRowStatus.2 i createAndGo ipsecPeerIkeProfile.2 i 999
expect_set_error wrongValue ipsecPeerAdminStatus.1 ipsecPeerDescription.1 s "changed" \
	ipsecPeerAdminStatus.1 i 42
# The read-only community cannot write at all.
out=$(snmpset -v2c -c public -r0 -t2 "$AGENT" ipsecPeerDescription.1 s "x" 2>&1) || true
grep -q "noAccess" <<<"$out" && ok "read-only community refused (noAccess)" || fail "public could write: $out"

after=$(snmpbulkwalk "${SR[@]}" -Oq "$AGENT" ipsecgwObjects)
if [ "$before" == "$after" ]; then ok "nothing changed after all the refused SETs"
else fail "refused SETs changed something: $(diff <(echo "$before") <(echo "$after") | head)"; fi

# Secrets: write-only, never in a walk or the log.
expect_eq '""' "$(get ipsecPeerPreSharedKey.1)" "PSK reads back as an empty string"
grep -q "do-not-show-this" <<<"$after" && fail "PSK visible in a walk" || ok "PSK never in a walk"
grep -q "do-not-show-this" "$T/gw.log" && fail "PSK in the log" || ok "PSK never in the log"
grep -q "SET refused: ipsecPeerIkeProfile.1: no ikeProfileTable row 999" "$T/gw.log" \
	&& ok "the log says why a SET was refused" || fail "no clear reason in the log"
finish
