/*
 * agent_trap.h - IPSECGW-MIB notifications (agent_trap.c).  Private to
 * agent/.
 */
#ifndef IPSECGW_AGENT_TRAP_H
#define IPSECGW_AGENT_TRAP_H

#include "agent_snmp.h"

/* The sub-identifiers under ipsecgwNotifications. */
enum agent_trap_kind {
	AGENT_TRAP_PEER_UP = 1,
	AGENT_TRAP_PEER_DOWN = 2,
	AGENT_TRAP_PHASE1_FAILURE = 3,
	AGENT_TRAP_PHASE2_FAILURE = 4,
};

void agent_trap_init(struct agent_ev *ev);
/* Warns about SNMPv3 trapsess lines whose user was never created. */
void agent_trap_check_v3_users(const char *conf_path);
void agent_trap_peer(enum agent_trap_kind kind, const struct agent_row *peer,
                     const char *reason);

#endif
