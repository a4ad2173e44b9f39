#!/usr/bin/env bash
# examples/list-peers.sh - one line per peer: index, state, address, name.
# SNMP access as in add-peer.sh (AGENT, SNMP).
set -euo pipefail
AGENT=${AGENT:-udp:127.0.0.1:1161}
read -r -a SNMP <<<"${SNMP:--v2c -c public}"
snmptable "${SNMP[@]}" -Cf '|' -CH -Ci "$AGENT" ipsecPeerTable 2>/dev/null |
	awk -F'|' 'NF > 5 { printf "%-6s %-8s %-8s %-20s %s\n", $1, $3, $4, $5, $2 }'
