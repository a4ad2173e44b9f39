#!/usr/bin/env bash
# examples/add-peer.sh - create a site-to-site peer with its traffic list in
# one SNMP SET (all or nothing), using the next free indices.
#
#   add-peer.sh NAME ADDRESS PSK LOCAL_NET/LEN REMOTE_NET/LEN
#
# SNMP access comes from the environment: AGENT (default udp:127.0.0.1:1161)
# and SNMP (default "-v2c -c private"), plus MIBDIRS/MIBS for IPSECGW-MIB.
set -euo pipefail
[ $# -eq 5 ] || { sed -n '3,9p' "$0"; exit 2; }
name=$1 address=$2 psk=$3 local=$4 remote=$5
AGENT=${AGENT:-udp:127.0.0.1:1161}
read -r -a SNMP <<<"${SNMP:--v2c -c private}"

peer=$(snmpget "${SNMP[@]}" -Oqv "$AGENT" ipsecGlobPeerNextFree.0)
tr=$(snmpget "${SNMP[@]}" -Oqv "$AGENT" ipsecGlobTrNextFree.0)
snmpset "${SNMP[@]}" "$AGENT" \
	ipsecPeerRowStatus."$peer" i createAndGo \
	ipsecPeerDescription."$peer" s "$name" \
	ipsecPeerAddress."$peer" s "$address" \
	ipsecPeerPreSharedKey."$peer" s "$psk" \
	ipsecTrRowStatus."$tr" i createAndGo \
	ipsecTrList."$tr" i peer ipsecTrPeer."$tr" i "$peer" \
	ipsecTrDescription."$tr" s "$name: $local <-> $remote" \
	ipsecTrLocalType."$tr" i net ipsecTrLocalAddress."$tr" a "${local%/*}" \
	ipsecTrLocalMaskLen."$tr" i "${local#*/}" \
	ipsecTrRemoteType."$tr" i net ipsecTrRemoteAddress."$tr" a "${remote%/*}" \
	ipsecTrRemoteMaskLen."$tr" i "${remote#*/}" \
	ipsecTrAction."$tr" i protect >/dev/null
echo "peer $peer ($name) created with traffic entry $tr"
