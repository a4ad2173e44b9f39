/*
 * agent_status.c - the read-only values the agent derives itself: the
 * statistics that count configuration (peers by state), the next free
 * indices for scripts that create rows, and the initial state of read-only
 * columns of a new row until an engine reports on it.
 */
#include "agent_dp.h"
#include "agent_engine.h"
#include "agent_pki.h"
#include "agent_snmp.h"

static void
set_i(struct agent_row *r, int pos, int64_t v)
{
	r->v[pos].i = v;
	r->v[pos].set = 1;
}

/* The lowest index >= 1 that no row of gid uses. */
static int64_t
first_free(struct agent_store *st, int gid)
{
	struct agent_table *t = agent_store_table(st, gid);
	int64_t want = 1;
	size_t i;

	for (i = 0; i < t->n && t->rows[i]->index == want; i++)
		want++;
	return want > INT32_MAX ? INT32_MAX : want;
}

/* M1's SA counts, from the tables the engine keeps up to date. */
static void
refresh_sa_stats(struct agent_store *st, struct agent_row *s)
{
	struct agent_table *ike = agent_store_table(st, AGENT_G_ikeSaTable);
	struct agent_table *ips = agent_store_table(st, AGENT_G_ipsecSaTable);
	uint64_t malformed, failed;
	int64_t est = 0;
	size_t i;

	for (i = 0; i < ike->n; i++)
		est += ike->rows[i]->v[AGENT_C_ikeSaState].i ==
		       AGENT_E_ikeSaState_established;
	set_i(s, AGENT_C_ipsecStatsPhase1Established, est);
	set_i(s, AGENT_C_ipsecStatsPhase1Total, (int64_t)ike->n);
	/* Bundles are recorded once agreed. */
	set_i(s, AGENT_C_ipsecStatsPhase2Established, (int64_t)ips->n);
	set_i(s, AGENT_C_ipsecStatsPhase2Total, (int64_t)ips->n);
	agent_engine_counters(&malformed, &failed);
	set_i(s, AGENT_C_ipsecStatsIkeMalformed, (int64_t)malformed);
	set_i(s, AGENT_C_ipsecStatsIkeFailures, (int64_t)failed);
}

static void
refresh_stats(struct agent_store *st, struct agent_row *s)
{
	struct agent_table *peers =
	    agent_store_table(st, AGENT_G_ipsecPeerTable);
	int64_t up = 0, dormant = 0, blocked = 0;
	size_t i;

	for (i = 0; i < peers->n; i++) {
		switch (peers->rows[i]->v[AGENT_C_ipsecPeerOperStatus].i) {
		case AGENT_E_ipsecPeerOperStatus_up:
			up++;
			break;
		case AGENT_E_ipsecPeerOperStatus_blocked:
			blocked++;
			break;
		case AGENT_E_ipsecPeerOperStatus_dormant:
			dormant++;
			break;
		default:
			break;
		}
	}
	refresh_sa_stats(st, s);
	agent_dp_refresh_stats(agent_engine_dp(), s);
	set_i(s, AGENT_C_ipsecStatsPeersTotal, (int64_t)peers->n);
	set_i(s, AGENT_C_ipsecStatsPeersUp, up);
	set_i(s, AGENT_C_ipsecStatsPeersDormant, dormant);
	set_i(s, AGENT_C_ipsecStatsPeersBlocked, blocked);
}

void
agent_status_refresh(struct agent_store *st, int gid)
{
	struct agent_row *r;

	switch (gid) {
	case AGENT_G_ipsecStats:
		r = agent_store_get(st, gid, 0);
		if (r != NULL)
			refresh_stats(st, r);
		break;
	case AGENT_G_ipsecGlobals:
		r = agent_store_get(st, gid, 0);
		if (r == NULL)
			break;
		set_i(r, AGENT_C_ipsecGlobPeerNextFree,
		      first_free(st, AGENT_G_ipsecPeerTable));
		set_i(r, AGENT_C_ipsecGlobTrNextFree,
		      first_free(st, AGENT_G_ipsecTrafficTable));
		break;
	case AGENT_G_ipsecSaTable:
		agent_dp_refresh_sas(agent_engine_dp(), st);
		break;
	case AGENT_G_ipsecTrafficTable:
		agent_dp_refresh_traffic(agent_engine_dp(), st);
		break;
	case AGENT_G_ipsecCertTable:
		agent_pki_refresh(st, gid);
		break;
	default:
		break;
	}
}

/*
 * A row that was just created (or loaded) has no engine state yet: say so
 * honestly instead of showing the first enumeration value.
 */
void
agent_status_init_row(int gid, struct agent_row *r)
{
	size_t i;
	const struct agent_group *g = &agent_mib_groups[gid];

	for (i = 0; i < g->nobjs; i++) {
		const struct agent_obj *o = &g->objs[i];

		/* TruthValue flags start false. */
		if (o->access == AGENT_ACC_RO && o->vtype == AGENT_VT_ENUM &&
		    o->nenums == 2 && o->enums[1].value == 2 &&
		    o->enums[0].value == 1 && o->enums[1].name[0] == 'f')
			set_i(r, (int)i, 2);
	}
	switch (gid) {
	case AGENT_G_ipsecPeerTable:
		set_i(r, AGENT_C_ipsecPeerOperStatus,
		      AGENT_E_ipsecPeerOperStatus_dormant);
		break;
	case AGENT_G_ipsecKeyTable:
		/* Until agent_pki.c has the key (agent_pki_key.c). */
		set_i(r, AGENT_C_ipsecKeyState,
		      AGENT_E_ipsecKeyState_generating);
		break;
	case AGENT_G_ipsecCertTable:
		set_i(r, AGENT_C_ipsecCertState,
		      AGENT_E_ipsecCertState_untrusted);
		break;
	case AGENT_G_ipsecCertReqTable:
		set_i(r, AGENT_C_ipsecCertReqState,
		      AGENT_E_ipsecCertReqState_idle);
		break;
	default:
		break;
	}
}
