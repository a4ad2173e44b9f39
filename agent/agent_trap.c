/*
 * agent_trap.c - the notifications of IPSECGW-MIB (peer up, peer down,
 * phase 1 and phase 2 failures), sent through Net-SNMP: as master agent
 * to the trap sinks of ipsecgwd.conf (trap2sink, trapsess for SNMPv3), as
 * AgentX subagent through snmpd to its sinks.
 */
#include "agent_trap.h"

#include "common.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdio.h>
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

/* The user of an SNMPv3 trap (not inform) session line, or NULL. */
static const char *
v3_trap_user(char *line)
{
	const char *user = NULL;
	int v3 = 0, inform = 0;
	char *tok, *save = NULL, *prev = NULL;

	tok = strtok_r(line, " \t\r\n", &save);
	if (tok == NULL || strcmp(tok, "trapsess") != 0)
		return NULL;
	while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
		if (strcmp(tok, "-v3") == 0 ||
		    (prev != NULL && strcmp(prev, "-v") == 0 &&
		     strcmp(tok, "3") == 0))
			v3 = 1;
		else if (strcmp(tok, "-Ci") == 0)
			inform = 1;
		else if (strncmp(tok, "-u", 2) == 0 && tok[2] != '\0')
			user = tok + 2;
		else if (prev != NULL && strcmp(prev, "-u") == 0)
			user = tok;
		prev = tok;
	}
	return v3 && !inform ? user : NULL;
}

/*
 * Net-SNMP 5.9 sends an SNMPv3 trap only if its user is in the agent's
 * own user table, which a trapsess line alone does not achieve: say so
 * at start, naming the line, instead of a "USM unknown security name"
 * at the first notification.
 */
void
agent_trap_check_v3_users(const char *conf_path)
{
	u_char eid[SNMP_MAXBUF_SMALL];
	size_t eid_len = snmpv3_get_engineID(eid, sizeof(eid));
	char line[1024];
	const char *user;
	unsigned no = 0;
	FILE *f = fopen(conf_path, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		no++;
		user = v3_trap_user(line);
		if (user != NULL && usm_get_user(eid, eid_len, user) == NULL)
			gw_warn("%s:%u: SNMPv3 traps to user %s cannot be "
			        "sent: add \"createUser %s\" with the same "
			        "pass phrases to this file",
			        conf_path, no, user, user);
	}
	fclose(f);
}
