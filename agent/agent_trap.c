/*
 * agent_trap.c - the notifications of IPSECGW-MIB (peer up, peer down,
 * phase 1 failure), sent through Net-SNMP: as master agent to the trap
 * sinks of ipsecgwd.conf (trap2sink, trapsess for SNMPv3), as AgentX
 * subagent through snmpd to its sinks.
 */
#include "agent_trap.h"

#include "common.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <string.h>

static struct agent_ev *trap_ev;

void
agent_trap_init(struct agent_ev *ev)
{
	trap_ev = ev;
}

/* OID of a column instance: group entry . column . index. */
static size_t
col_oid(oid *out, int gid, int pos, int32_t index)
{
	const struct agent_group *g = &agent_mib_groups[gid];
	size_t i;

	for (i = 0; i < g->oid_len; i++)
		out[i] = g->oid[i];
	out[i++] = g->objs[pos].subid;
	out[i++] = (oid)index;
	return i;
}

static void
add_str(netsnmp_variable_list **vars, int gid, int pos, int32_t index,
        const void *s, size_t len)
{
	oid o[MAX_OID_LEN];
	size_t n = col_oid(o, gid, pos, index);

	snmp_varlist_add_variable(vars, o, n, ASN_OCTET_STR, s, len);
}

void
agent_trap_peer(enum agent_trap_kind kind, const struct agent_row *peer,
                const char *reason)
{
	static const oid snmptrap[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
	const struct agent_val *d = &peer->v[AGENT_C_ipsecPeerDescription];
	const struct agent_val *a = &peer->v[AGENT_C_ipsecPeerAddress];
	netsnmp_variable_list *vars = NULL;
	oid trap[MAX_OID_LEN], o[MAX_OID_LEN];
	size_t i, n;
	long oper = (long)peer->v[AGENT_C_ipsecPeerOperStatus].i;

	/* ipsecgwNotifications is ipsecgwMIB.0, the parent of our root. */
	for (i = 0; i + 1 < agent_mib_root_len; i++)
		trap[i] = agent_mib_root[i];
	trap[i++] = 0;
	trap[i++] = (oid)kind;
	snmp_varlist_add_variable(&vars, snmptrap, OID_LENGTH(snmptrap),
	                          ASN_OBJECT_ID, trap, i * sizeof(oid));
	add_str(&vars, AGENT_G_ipsecPeerTable, AGENT_C_ipsecPeerDescription,
	        peer->index, d->s, d->s ? d->len : 0);
	add_str(&vars, AGENT_G_ipsecPeerTable, AGENT_C_ipsecPeerAddress,
	        peer->index, a->s, a->s ? a->len : 0);
	if (kind != AGENT_TRAP_PHASE1_FAILURE) {
		n = col_oid(o, AGENT_G_ipsecPeerTable,
		            AGENT_C_ipsecPeerOperStatus, peer->index);
		snmp_varlist_add_variable(&vars, o, n, ASN_INTEGER, &oper,
		                          sizeof(oper));
	}
	if (kind != AGENT_TRAP_PEER_UP) {
		/* ipsecNotifyReason.0 */
		n = col_oid(o, AGENT_G_ipsecNotifyObjects,
		            AGENT_C_ipsecNotifyReason, 0);
		snmp_varlist_add_variable(&vars, o, n, ASN_OCTET_STR, reason,
		                          strlen(reason));
	}
	send_v2trap(vars);
	snmp_free_varbind(vars);
	if (trap_ev != NULL)
		agent_ev_update(trap_ev);
	gw_info("notification %d sent for peer %d", (int)kind, peer->index);
}
