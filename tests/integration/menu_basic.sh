# ipsecgw-setup end to end: the menu runs in a tmux pane of 80x24 against a
# fresh ipsecgwd, is driven with send-keys and read with capture-pane, and
# what it did is checked on the agent with snmpget.
source "$(dirname "$0")/lib.sh"
: "${IPSECGW_SETUP:?}"
command -v tmux >/dev/null || { echo "tmux missing: skipped"; exit 77; }

# The committed OID header must match the MIB.
python3 "$IPSECGW_TOP/menu/gen-menu-oids" "$IPSECGW_TOP/mibs/IPSECGW-MIB.txt" \
	"$IPSECGW_IETF_MIBS" "$T/menu_oids_gen.h"
if cmp -s "$T/menu_oids_gen.h" "$IPSECGW_TOP/menu/menu_oids_gen.h"; then
	ok "menu/menu_oids_gen.h is up to date with the MIB"
else
	fail "menu/menu_oids_gen.h is stale: run menu/gen-menu-oids"
fi

start_gw "$T/state"
# An IPsec profile that is deleted behind the menu's back (see below).
sset ipsecProfileRowStatus.2 i createAndGo ipsecProfileDescription.2 s "short-lived"
SECRET="a very secret key"
source "$(dirname "$0")/menu_lib.sh"
start_menu

see "[IPSEC]: IPsec Configuration - Main Menu" "main menu shown"
see "ipsecgw Setup Tool" "title line"
screen >/dev/null

# --- create a peer -------------------------------------------------------
PEER=$(get ipsecGlobPeerNextFree.0)
press Down 2 # Configure Peers
keys Enter
see "[IPSEC][PEERS]: IPSec Configuration - Configure Peer List" "peer list"
keys Enter # APPEND (the list is empty)
see "[IPSEC][PEERS][ADD]: IPSec Peer" "peer APPEND screen"
see "Oper Status:   dormant" "a new peer is dormant"
text "Branch Hamburg"; keys Enter
press Down 2; text "198.51.100.7"; keys Enter
press Down 1; text "hamburg.example.net"; keys Enter
press Down 1; text "$SECRET"; keys Enter
screen >/dev/null
press Up 4 # back to Description, then wrap to CANCEL, left to SAVE
press Up 1
press Left 1
keys Enter
see "Branch Hamburg" "the new peer is listed"
see "198.51.100.7" "with its address"
expect_eq "Branch Hamburg" "$(get ipsecPeerDescription."$PEER")" "agent: peer description"
expect_eq "198.51.100.7" "$(get ipsecPeerAddress."$PEER")" "agent: peer address"
expect_eq "hamburg.example.net" "$(get ipsecPeerIds."$PEER")" "agent: peer IDs"
expect_eq active "$(get ipsecPeerRowStatus."$PEER")" "agent: peer row active"
screen >/dev/null

# --- edit its description ------------------------------------------------
press Up 1 # from APPEND to the list
keys Enter
see "[IPSEC][PEERS][EDIT]: IPSec Peer" "peer EDIT screen"
keys Enter C-u
text "Branch office Hamburg"; keys Enter
press Up 1
press Left 1
keys Enter
see "Branch office Hamburg" "edited description listed"
expect_eq "Branch office Hamburg" "$(get ipsecPeerDescription."$PEER")" "agent: description edited"

# CANCEL changes nothing on the agent.
keys Enter
see "[IPSEC][PEERS][EDIT]" "peer EDIT again"
keys Enter C-u
text "not saved"; keys Enter
press Up 1 # CANCEL
keys Enter
see "[IPSEC][PEERS]: IPSec" "back in the list after CANCEL"
expect_eq "Branch office Hamburg" "$(get ipsecPeerDescription."$PEER")" "agent: CANCEL kept the description"

# --- a refused SAVE: an ISDN number with letters --------------------------
keys Enter
see "[IPSEC][PEERS][EDIT]" "peer EDIT for the callback"
press Down 5 # IPSec Callback >
keys Enter
see "[IPSEC][PEERS][EDIT][Callback]" "IPSec Callback screen"
gone "Incoming ISDN Number" "numbers hidden while callback is disabled"
press Space 3 # disabled -> passive -> active -> both
see "Incoming ISDN Number" "incoming number shown for both"
see "Outgoing ISDN Number" "outgoing number shown for both"
press Down 1; text "49abc"; keys Enter
press Down 1; text "04940123"; keys Enter
press Down 1; keys Space # Transfer own IP Address: yes
see "Mode :  autodetect best possible mode (D or B channel)" "transfer mode appears"
press Down 1; press Space 2
see "D-Channel Mode : LLC" "D-channel mode appears for a specific mode"
press Down 2 # SAVE
keys Enter
see "[IPSEC][PEERS][EDIT]: IPSec Peer" "back on the peer"
press Down 4 # Peer specific, Virtual Interface, Traffic List, SAVE
keys Enter
see "<inconsistentValue>" "refused SET shown next to the field"
see "SAVE refused: inconsistentValue (IPSec Callback: Incoming ISDN Number)" \
	"status line names the offending field"
screen >/dev/null
expect_eq "" "$(get ipsecPeerIsdnIncomingNumber."$PEER")" "agent: no incoming number stored"
expect_eq disabled "$(get ipsecPeerCallbackMode."$PEER")" "agent: callback still disabled"
keys Enter # the cursor is on IPSec Callback >
see "Incoming ISDN Number:49abc <inconsistentValue>" "error next to the number in the submenu"
press Up 1 # CANCEL (wraps)
keys Enter
see "[IPSEC][PEERS][EDIT]: IPSec Peer" "callback cancelled"
keys Escape
see "[IPSEC][PEERS]: IPSec" "peer cancelled"
expect_eq disabled "$(get ipsecPeerCallbackMode."$PEER")" "agent: unchanged after CANCEL"

# --- the peer's traffic list: an entry naming a profile deleted meanwhile --
TR2=$(get ipsecGlobTrNextFree.0)
keys Enter
see "[IPSEC][PEERS][EDIT]: IPSec Peer" "peer EDIT for its traffic list"
press Down 8 # Traffic List Settings >
keys Enter
see "[IPSEC][PEERS][EDIT][TRAFFIC]: Configure Traffic List" "peer traffic list"
keys Enter # APPEND (empty list)
see "[IPSEC][PEERS][EDIT][TRAFFIC][ADD]: Edit Traffic Entry" "traffic entry ADD"
gone "Profile" "no profile while the action is pass"
text "LAN to Hamburg"; keys Enter
press Down 3; text "192.168.1.0"; keys Enter
press Down 1; text "24"; keys Enter
press Down 2; text "10.1.0.0"; keys Enter
press Down 1; text "16"; keys Enter
press Down 1; press Space 2 # Action: protect
see "Action:        protect" "action protect"
see "Profile          default" "profile field appears for protect"
press Down 1; press Space 2
see "Profile          short-lived" "profile chosen"
sset ipsecProfileRowStatus.2 i destroy
press Down 2 # edit >, SAVE
keys Enter
see "short-lived                 edit > <inconsistentValue>" "dangling profile refused next to the field"
see "SAVE refused: inconsistentValue (Profile)" "status line names Profile"
expect_eq "No Such Instance currently exists at this OID" \
	"$(get ipsecTrRowStatus."$TR2" 2>&1)" "agent: no entry created"
expect_eq "$TR2" "$(get ipsecGlobTrNextFree.0)" "agent: next free index unchanged"
keys Space # the cursor is on Profile: back to default
see "Profile          default" "profile back to default"
press Down 2
keys Enter
see "10.1.0.0        M16" "protected entry listed"
see "PR  default" "entry protects with the peer's profile"
expect_eq protect "$(get ipsecTrAction."$TR2")" "agent: entry protects"
expect_eq "$PEER" "$(get ipsecTrPeer."$TR2")" "agent: entry belongs to the peer"
expect_eq "24 bits" "$(get ipsecTrLocalMaskLen."$TR2")" "agent: local mask"
keys Escape
see "[IPSEC][PEERS][EDIT]: IPSec Peer" "back on the peer"
sleep 0.2
keys Escape
see "[IPSEC][PEERS]: IPSec" "back in the peer list"
sleep 0.2
keys Escape
see "[IPSEC]: IPsec Configuration - Main Menu" "back in the main menu"

# --- pre IPsec rules: append, move up, select active ----------------------
TR=$(get ipsecGlobTrNextFree.0)
press Up 1 # Pre IPSec Rules >
keys Enter
see "[IPSEC][PRE IPSEC TRAFFIC]: Configure Traffic List" "pre rules list"
see "'u'/'d' to move up/down, 'a' to select as active traffic list" "list help"
see "*0.0.0.0" "first rule is the active one"
press Down 2 # past the two default rules to APPEND
keys Enter
see "[IPSEC][PRE IPSEC TRAFFIC][ADD]: Edit Traffic Entry" "pre rule ADD screen"
text "drop a host"; keys Enter
press Down 5 # Protocol, Local Type, Ip, mask, Remote Type
press Space 4 # net -> range -> dhcp -> peer -> host
press Down 1; text "203.0.113.66"; keys Enter
press Down 1; keys Space # Action: drop
press Down 1
keys Enter
see "203.0.113.66    M32" "new rule listed with M32"
see "DR" "new rule drops"
expect_eq preRules "$(get ipsecTrList."$TR")" "agent: rule in the pre rules"
expect_eq drop "$(get ipsecTrAction."$TR")" "agent: rule drops"
expect_eq 203.0.113.66 "$(get ipsecTrRemoteAddress."$TR")" "agent: rule's remote host"
expect_eq 30 "$(get ipsecTrOrder."$TR")" "agent: appended after the others"
press Up 1 # the new (last) rule
keys u
see "Moved up." "rule moved up"
expect_eq 20 "$(get ipsecTrOrder."$TR")" "agent: moved rule has order 20"
expect_eq 30 "$(get ipsecTrOrder.2)" "agent: the rule below has order 30"
screen | sed -n 10p | grep -qF "203.0.113.66" && ok "moved rule is second on screen" ||
	fail "moved rule is not second on screen"
keys a
see "Entries above the active one are ignored." "rule made active"
expect_eq "$TR" "$(get ipsecGlobPreRulesActive.0)" "agent: active pre rule"
sleep 0.3
screen | sed -n 10p | grep -q '^\*' && ok "active marker on the moved rule" ||
	fail "no active marker on the moved rule"
keys Escape
see "[IPSEC]: IPsec Configuration - Main Menu" "main menu again"

# --- post rules: what to do with anything that didn't match -------------
press Down 2 # Post IPSec Rules >
keys Enter
see "What to do with anything that didn't match:  let pass" "post rules default action"
keys Space
see "drop it" "default action drop"
expect_eq drop "$(get ipsecGlobDefaultAction.0)" "agent: default action drop"
keys Escape
see "[IPSEC]: IPsec Configuration - Main Menu" "main menu after post rules"

# --- monitoring ------------------------------------------------------------
press Down 8 # IKE, edit, IPsec, edit, Cert, Advanced, Wizard, Monitoring
keys Enter
see "[IPSEC][MONITORING]: IPSec Monitoring" "monitoring menu"
keys Enter
see "[IPSEC][MONITORING][STATS]: IPSec Monitoring - Global Statistics" "global statistics"
see "/1" "statistics count the peer"
see "Protect:" "packet counters"
keys Escape
see "[IPSEC][MONITORING]: IPSec Monitoring" "back from statistics"
sleep 0.2
press Down 1; keys Enter
see "[IPSEC][MONITORING][IKE SAS]: IPSec Monitoring - IKE SAs" "IKE SAs"
see "S: State    : N=Negotiate" "TARSEH help shown"
see "TARSEH" "TARSEH column"
keys h
gone "S: State    : N=Negotiate" "'h' hides the help"
keys h
see "S: State    : N=Negotiate" "'h' shows it again"
see "DELETE" "IKE SAs have DELETE"
keys Escape
see "[IPSEC][MONITORING]: IPSec Monitoring" "back from IKE SAs"
sleep 0.2
press Down 1; keys Enter
see "[IPSEC][MONITORING][IPSEC BUNDLES]: IPsec Monitoring - IPsec SA Bundles" "IPsec SA bundles"
see "CEA" "CEA column"
keys Escape
see "[IPSEC][MONITORING]: IPSec Monitoring" "back from bundles"
sleep 0.2
keys Escape
see "[IPSEC]: IPsec Configuration - Main Menu" "main menu after monitoring"

# --- IKE profile, proposals, lifetimes ------------------------------------
press Up 6 # IKE (Phase 1) Defaults edit >
keys Enter
see "[IPSEC][PHASE1]: IKE (Phase 1) Profiles" "IKE profile list"
keys Enter
see "[IPSEC][PHASE1][EDIT]: IKE (Phase 1) Profile" "IKE profile edit"
see "Description (Idx 1) :      *autogenerated*" "profile description"
see "Group                 :  14 (2048-bit MODP)" "profile group"
see "Nat-Traversal         :  enabled" "profile NAT-T"
press Down 7; text "60"; keys Enter
press Up 8
press Left 1
keys Enter
see "[IPSEC][PHASE1]: IKE (Phase 1) Profiles" "profile saved"
expect_eq "60 seconds" "$(get ikeProfileBlockTime.1)" "agent: block time 60"
keys Enter
see "Block Time            :  60" "block time shown"
press Down 12 # View Proposals >
keys Enter
see "[IPSEC][IKE PROPOSALS]: IKE Proposal" "IKE proposals"
see "AES256/SHA256" "proposal catalogue"
keys Escape
see "[IPSEC][PHASE1][EDIT]" "back from proposals"
press Down 1; keys Enter # Edit Lifetimes >
see "[IPSEC][LIFETIME]: IPsec Configuration - Life Times" "lifetime list"
keys Enter
see "Lifetime Restriction Based On: Time and Traffic" "lifetime edit"
see "900         Seconds" "lifetime seconds"
keys Down Space Space # Traffic only: the seconds disappear
gone "Seconds" "seconds hidden for traffic-only lifetimes"
keys Escape
see "[IPSEC][LIFETIME]: IPsec" "lifetime cancelled"
expect_eq timeAndTraffic "$(get ipsecLifeBasedOn.1)" "agent: lifetime unchanged"
sleep 0.2
keys Escape
see "[IPSEC][PHASE1][EDIT]" "back on the profile"
sleep 0.2
keys Escape
see "[IPSEC][PHASE1]: IKE" "back in the profile list"
sleep 0.2
keys Escape
see "[IPSEC]: IPsec Configuration - Main Menu" "main menu after profiles"

# --- advanced settings ---------------------------------------------------
press Down 4 # IPsec defaults, edit >, Certificates, Advanced Settings
keys Enter
see "[IPSEC][ADVANCED]: IPSec Configuration - Advanced Settings" "advanced settings"
see "Don't Send CRLs           :  yes" "CRLs default"
press Down 5; keys Space # Trust ICMP Messages
see "Trust ICMP Messages       :  yes" "trust ICMP toggled"
press Up 6
press Left 1
keys Enter
see "[IPSEC]: IPsec Configuration - Main Menu" "advanced settings saved"
expect_eq true "$(get ipsecGlobTrustIcmpMsg.0)" "agent: trust ICMP"

# --- certificate and key management: a key and a certificate server -------
press Up 1 # Certificate and Key Management >
keys Enter
see "[IPSEC][CERTMGMT]: IPSec Configuration - Certificate and Key Management" "cert and key submenu"
keys Enter # Key Management >
see "[IPSEC][CERTMGMT][KEYS]: IPSec Configuration - Configure Keys" "key list"
keys Enter # CREATE (no keys yet)
see "[IPSEC][CERTMGMT][KEYS][CREATE]: IPSec Configuration - Create Keys" "key CREATE screen"
see "Key Size (Bits):        2048" "key size proposed: 2048"
see "RSA Public Exponent:    65537" "RSA exponent shown"
text "gateway key"; keys Enter
press Down 2 # Algorithm, Key Size
see "2048 proposed: RSA under 2048 bits counts as breakable" "key size help says why 2048"
keys C-u; text "2048"; keys Enter
press Down 2 # RSA Public Exponent, CREATE
keys Enter
see "gateway key" "new key listed"
see "gateway key                              rsa         2048" "with algorithm and length"
expect_eq "gateway key" "$(get ipsecKeyDescription.1)" "agent: key description"
expect_eq "2048 bits" "$(get ipsecKeyLength.1)" "agent: key length"
expect_eq rsa "$(get ipsecKeyAlgorithm.1)" "agent: key algorithm"
see "gateway key                              rsa         2048  ready" "the key is ready"
screen >/dev/null
keys Escape
see "[IPSEC][CERTMGMT]: IPSec" "back in the cert submenu"
press Down 5 # Own, CA, Peer, CRLs, Certificate Servers
keys Enter
see "[IPSEC][CERTMGMT][SERVERS]: IPSec Configuration - Certificate Servers" "cert server list"
keys Enter # APPEND
see "[IPSEC][CERTMGMT][SERVERS][ADD]" "cert server ADD screen"
text "Company CA"; keys Enter
press Down 1; text "ldap://ca.example.com"; keys Enter
press Down 1; text "5"; keys Enter
press Down 1 # SAVE
keys Enter
see "ldap://ca.example.com" "new cert server listed"
expect_eq "Company CA" "$(get ipsecCertServerDescription.1)" "agent: cert server description"
expect_eq "ldap://ca.example.com" "$(get ipsecCertServerUrl.1)" "agent: cert server URL"
expect_eq 5 "$(get ipsecCertServerPreference.1)" "agent: cert server preference"
keys Escape
see "[IPSEC][CERTMGMT]: IPSec" "back in the cert submenu again"
sleep 0.2
keys Escape
see "[IPSEC]: IPsec Configuration - Main Menu" "main menu after cert management"

# --- the wizard: a peer with PSK and a protected traffic entry, one SET ----
WPEER=$(get ipsecGlobPeerNextFree.0)
WTR=$(get ipsecGlobTrNextFree.0)
SECRET2="wizard secret phrase"
press Down 2 # Advanced Settings, Wizard
keys Enter
see "[IPSEC][WIZARD]: IPsec Configuration - Wizard Menu" "wizard menu"
see "start wizard" "wizard offers start"
press Down 1 # SELECT
keys Enter
see "[IPSEC][WIZARD][AUTH]: IPsec Wizard - Step 1 of 3: Authentication" "wizard step 1"
see "Authentication Method:  Pre Shared Keys" "pre-shared keys proposed"
press Down 1 # NEXT
keys Enter
see "[IPSEC][WIZARD][PEER]: IPsec Wizard - Step 2 of 3: Peer" "wizard step 2"
text "Branch Bremen"; keys Enter
press Down 1; text "203.0.113.9"; keys Enter
press Down 2; text "$SECRET2"; keys Enter
press Down 1 # NEXT
keys Enter
see "[IPSEC][WIZARD][TRAFFIC]: IPsec Wizard - Step 3 of 3: Traffic" "wizard step 3"
shot wizard-traffic
expect_eq "No Such Instance currently exists at this OID" \
	"$(get ipsecPeerRowStatus."$WPEER" 2>&1)" "agent: nothing created before the end"
text "192.168.2.0"; keys Enter
press Down 2; text "10.2.0.0"; keys Enter
press Down 1; text "16"; keys Enter
press Down 1 # FINISH
keys Enter
see "+ Done: the peer uses the default profiles" "wizard history shows the result"
see "+ Peer Branch Bremen created (index $WPEER)" "history names the peer"
shot wizard-psk
screen >/dev/null
expect_eq "Branch Bremen" "$(get ipsecPeerDescription."$WPEER")" "agent: wizard peer"
expect_eq 203.0.113.9 "$(get ipsecPeerAddress."$WPEER")" "agent: wizard peer address"
expect_eq active "$(get ipsecPeerRowStatus."$WPEER")" "agent: wizard peer active"
expect_eq "$WPEER" "$(get ipsecTrPeer."$WTR")" "agent: wizard traffic entry on the peer"
expect_eq protect "$(get ipsecTrAction."$WTR")" "agent: wizard entry protects"
expect_eq 10.2.0.0 "$(get ipsecTrRemoteAddress."$WTR")" "agent: wizard remote net"
expect_eq "24 bits" "$(get ipsecTrLocalMaskLen."$WTR")" "agent: wizard local mask"
keys Escape
see "[IPSEC]: IPsec Configuration - Main Menu" "main menu after the wizard"
press Up 1 # back to Advanced Settings

# --- main menu: enable IPSec, SAVE, EXIT ---------------------------------
press Up 9 # Enable IPSec
keys Space
see "Enable IPSec     : yes" "IPSec switched on (not yet saved)"
expect_eq false "$(get ipsecGlobEnable.0)" "agent: nothing sent before SAVE"
press Up 3 # wraps: EXIT, CANCEL, SAVE
keys Enter
see "Saved." "main menu SAVE"
expect_eq true "$(get ipsecGlobEnable.0)" "agent: IPSec enabled"
press Right 2 # EXIT
keys Enter
menu_exit_checks
if grep -qF -e "$SECRET" -e "$SECRET2" "$SCREENS"; then
	fail "the pre-shared key appeared on a screen"
else
	ok "the pre-shared key was never shown"
fi
finish
