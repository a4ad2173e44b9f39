# smilint must print nothing for IPSECGW-MIB at level 6, and Net-SNMP must
# parse it.
set -euo pipefail
out=$(SMIPATH="$IPSECGW_IETF_MIBS" smilint -l 6 -s "$IPSECGW_TOP/mibs/IPSECGW-MIB.txt" 2>&1)
if [ -n "$out" ]; then echo "$out"; echo "0 passed, 1 failed"; exit 1; fi
echo "ok - smilint -l 6 -s is silent"
out=$(snmptranslate -M "$IPSECGW_TOP/mibs:$IPSECGW_IETF_MIBS" -m IPSECGW-MIB \
	-On IPSECGW-MIB::ipsecPeerRowStatus 2>&1)
case "$out" in
.1.3.6.1.4.1.*) echo "ok - Net-SNMP parses it ($out)" ;;
*) echo "$out"; echo "1 passed, 1 failed"; exit 1 ;;
esac
echo "2 passed, 0 failed"
