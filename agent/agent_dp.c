/*
 * agent_dp.c - the MIB seen from the dataplane: the traffic table, the
 * peers and the globals become one ordered rule chain (struct dp_policy),
 * an SA pair agreed by IKE becomes a struct dp_sa_conf, and the
 * dataplane's counters become ipsecStats, ipsecSaTable and ipsecTrMatches.
 */
#include "agent_dp.h"
#include "agent_ike.h"

#include "common.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static const struct agent_row *
glob_row(struct agent_store *st)
{
	return agent_store_get(st, AGENT_G_ipsecGlobals, 0);
}

static uint32_t
host_addr(const struct agent_val *v)
{
	return (uint32_t)v->i;
}

/* A network as the range it covers; prefix length 0 is any address. */
static void
net_sel(uint32_t addr, int64_t plen, struct dp_sel *s)
{
	uint32_t mask = plen == 0 ? 0 : UINT32_MAX << (32 - plen);

	s->type = plen == 0 ? DP_SEL_ANY : DP_SEL_NET;
	s->first = addr & mask;
	s->last = s->first | ~mask;
}

/* own: the local address the peer is reached from, once known. */
static void
own_sel(const struct agent_row *peer, struct dp_sel *s)
{
	uint32_t a = peer != NULL
	                 ? host_addr(&peer->v[AGENT_C_ipsecPeerLocalAddress])
	                 : 0;

	s->type = a != 0 ? DP_SEL_HOST : DP_SEL_ANY;
	s->first = s->last = a;
}

/* peer: the peer's own address, when it is given as an IPv4 address. */
static int
peer_sel(const struct agent_row *peer, struct dp_sel *s)
{
	const struct agent_val *v;
	char buf[64];
	struct in_addr a;

	if (peer == NULL)
		return -1;
	v = &peer->v[AGENT_C_ipsecPeerAddress];
	if (v->len == 0 || v->len >= sizeof(buf))
		return -1;
	memcpy(buf, v->s, v->len);
	buf[v->len] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	s->type = DP_SEL_HOST;
	s->first = s->last = ntohl(a.s_addr);
	return 0;
}

/*
 * One side of an entry; -1 when the side cannot match anything yet (dhcp
 * before a lease, peer given by name) so the entry is left out.
 */
static int
side(const struct agent_row *r, const struct agent_row *peer, int remote,
     struct dp_sel *s)
{
	int type_pos =
	    remote ? AGENT_C_ipsecTrRemoteType : AGENT_C_ipsecTrLocalType;
	int64_t type = r->v[type_pos].i;
	uint32_t addr = host_addr(&r->v[type_pos + 1]);
	int64_t plen = r->v[type_pos + 2].i;
	uint32_t end = host_addr(&r->v[type_pos + 3]);

	memset(s, 0, sizeof(*s));
	s->port = (uint16_t)r->v[type_pos + 4].i;
	switch (type) {
	case AGENT_E_ipsecTrLocalType_host:
		s->type = DP_SEL_HOST;
		s->first = s->last = addr;
		return 0;
	case AGENT_E_ipsecTrLocalType_net:
		net_sel(addr, plen, s);
		return 0;
	case AGENT_E_ipsecTrLocalType_range:
		s->type = DP_SEL_RANGE;
		s->first = addr;
		s->last = end;
		return 0;
	case AGENT_E_ipsecTrLocalType_own:
		own_sel(peer, s);
		return 0;
	case AGENT_E_ipsecTrRemoteType_peer:
		return peer_sel(peer, s);
	default: /* dhcp: comes with RFC 3456 */
		return -1;
	}
}

static void
add_rule(struct dp_rule *out, size_t *n, const struct agent_row *r,
         const struct agent_row *peer, uint8_t list)
{
	struct dp_rule *o = &out[*n];
	int64_t proto = r->v[AGENT_C_ipsecTrProto].i;

	memset(o, 0, sizeof(*o));
	o->index = r->index;
	o->peer = peer != NULL ? peer->index : 0;
	o->list = list;
	o->action = (uint8_t)r->v[AGENT_C_ipsecTrAction].i;
	o->proto = proto == 255 ? 0 : (uint8_t)proto;
	/* dhcp/peer have no effect in pre and post rules (R1). */
	if (peer == NULL && (r->v[AGENT_C_ipsecTrRemoteType].i ==
	                         AGENT_E_ipsecTrRemoteType_dhcp ||
	                     r->v[AGENT_C_ipsecTrRemoteType].i ==
	                         AGENT_E_ipsecTrRemoteType_peer))
		return;
	if (side(r, peer, 0, &o->local) < 0 || side(r, peer, 1, &o->remote) < 0)
		return;
	(*n)++;
}

/*
 * Appends one ordered list (pre, a peer's, post) from its active entry on:
 * entries before the marker are ignored (R2, P3).
 */
static void
add_list(struct agent_store *st, struct dp_rule *out, size_t *n, uint8_t list,
         const struct agent_row *peer, int32_t marker)
{
	size_t i, k;
	const struct agent_row **rows = agent_traffic_list(
	    st, list, peer != NULL ? peer->index : -1, marker, &k);

	for (i = 0; rows != NULL && i < k; i++)
		add_rule(out, n, rows[i], peer, list);
	free((void *)rows);
}

int
agent_dp_policy(struct agent_store *st, struct dp_policy *pol)
{
	const struct agent_row *g = glob_row(st);
	struct agent_table *peers =
	    agent_store_table(st, AGENT_G_ipsecPeerTable);
	struct agent_table *t =
	    agent_store_table(st, AGENT_G_ipsecTrafficTable);
	struct dp_rule *rules = calloc(t->n + 1, sizeof(*rules));
	size_t i, n = 0;

	memset(pol, 0, sizeof(*pol));
	if (rules == NULL || g == NULL) {
		free(rules);
		return -1;
	}
	pol->enabled =
	    g->v[AGENT_C_ipsecGlobEnable].i == AGENT_E_ipsecGlobEnable_true;
	pol->default_pass = g->v[AGENT_C_ipsecGlobDefaultAction].i ==
	                    AGENT_E_ipsecGlobDefaultAction_pass;
	add_list(st, rules, &n, AGENT_E_ipsecTrList_preRules, NULL,
	         (int32_t)g->v[AGENT_C_ipsecGlobPreRulesActive].i);
	for (i = 0; i < peers->n; i++) {
		const struct agent_row *p = peers->rows[i];

		if (p->v[AGENT_C_ipsecPeerRowStatus].i != AGENT_RS_ACTIVE ||
		    p->v[AGENT_C_ipsecPeerAdminStatus].i ==
		        AGENT_E_ipsecPeerAdminStatus_down)
			continue;
		add_list(st, rules, &n, AGENT_E_ipsecTrList_peer, p,
		         (int32_t)p->v[AGENT_C_ipsecPeerActiveTrafficEntry].i);
	}
	add_list(st, rules, &n, AGENT_E_ipsecTrList_postRules, NULL,
	         (int32_t)g->v[AGENT_C_ipsecGlobPostRulesActive].i);
	pol->rules = rules;
	pol->nrules = n;
	return 0;
}

void
agent_dp_policy_free(struct dp_policy *pol)
{
	free((void *)pol->rules);
	memset(pol, 0, sizeof(*pol));
}

static void
sel_of(const struct ike_sel *in, struct dp_sel *out)
{
	memset(out, 0, sizeof(*out));
	out->port = in->port;
	switch (in->type) {
	case IKE_SEL_NET:
		net_sel(in->addr, in->end, out);
		break;
	case IKE_SEL_RANGE:
		out->type = DP_SEL_RANGE;
		out->first = in->addr;
		out->last = in->end;
		break;
	default:
		out->type = DP_SEL_HOST;
		out->first = out->last = in->addr;
		break;
	}
}

int
agent_dp_sa_conf(const struct ike_child_sa *c, struct dp_sa_conf *d)
{
	struct ike_child_alg a;

	memset(d, 0, sizeof(*d));
	if (ike_child_alg(c, &a) < 0)
		return -1;
	d->index = c->index;
	d->peer = c->peer;
	d->traffic = c->traffic;
	d->proto = (uint8_t)c->proto;
	memcpy(d->alg.cipher, a.cipher, sizeof(d->alg.cipher));
	d->alg.aead = a.aead;
	d->alg.block_len = a.block_len;
	d->alg.iv_len = a.iv_len;
	d->alg.enc_key_len = a.enc_key_len;
	memcpy(d->alg.digest, a.digest, sizeof(d->alg.digest));
	d->alg.auth_key_len = a.auth_key_len;
	d->alg.icv_len = a.icv_len;
	d->ipcomp = c->ipcomp;
	d->cpi_in = c->cpi_in;
	d->cpi_out = c->cpi_out;
	d->spi_in = c->spi_in;
	d->spi_out = c->spi_out;
	d->local = c->local;
	d->remote = c->remote;
	/* UDP-Encapsulated-Tunnel: RFC 3947 (3) and the draft value. */
	if (c->encap == 3 || c->encap == 61443) {
		d->local_port = c->local_port;
		d->remote_port = c->remote_port;
	}
	sel_of(&c->local_sel, &d->local_sel);
	sel_of(&c->remote_sel, &d->remote_sel);
	d->sel_proto = c->sel_proto;
	d->life_seconds = c->life.seconds;
	d->pmtu = c->pmtu;
	d->life_kbytes = c->life.kbytes;
	d->key_len = c->key_len;
	memcpy(d->key_in, c->key_in, sizeof(d->key_in));
	memcpy(d->key_out, c->key_out, sizeof(d->key_out));
	return 0;
}

static void
set_c(struct agent_row *r, int pos, uint64_t v)
{
	r->v[pos].i = (int64_t)v;
	r->v[pos].set = 1;
}

/* ipsecStats In/Out, from the dataplane's global counters (M1). */
void
agent_dp_refresh_stats(const struct dataplane *dp, struct agent_row *s)
{
	struct dp_stats st;

	if (dp == NULL)
		return;
	dp_get_stats(dp, &st);
	set_c(s, AGENT_C_ipsecStatsInTotal, st.in_total);
	set_c(s, AGENT_C_ipsecStatsInPassed, st.in_passed);
	set_c(s, AGENT_C_ipsecStatsInDropped, st.in_dropped);
	set_c(s, AGENT_C_ipsecStatsInProtected, st.in_protected);
	set_c(s, AGENT_C_ipsecStatsInErrors, st.in_errors);
	set_c(s, AGENT_C_ipsecStatsOutTotal, st.out_total);
	set_c(s, AGENT_C_ipsecStatsOutPassed, st.out_passed);
	set_c(s, AGENT_C_ipsecStatsOutDropped, st.out_dropped);
	set_c(s, AGENT_C_ipsecStatsOutProtected, st.out_protected);
	set_c(s, AGENT_C_ipsecStatsOutErrors, st.out_errors);
}

/* Per-SA bytes, packets, errors and lifetime left (ipsecSaTable). */
void
agent_dp_refresh_sas(const struct dataplane *dp, struct agent_store *st)
{
	struct agent_table *t = agent_store_table(st, AGENT_G_ipsecSaTable);
	size_t i;

	for (i = 0; dp != NULL && i < t->n; i++) {
		struct agent_row *r = t->rows[i];
		struct dp_sa_stats s;
		uint32_t left;

		if (dp_sa_info(dp, (uint32_t)r->index, &s, &left) < 0)
			continue;
		set_c(r, AGENT_C_ipsecSaInOctets, s.in_bytes);
		set_c(r, AGENT_C_ipsecSaOutOctets, s.out_bytes);
		set_c(r, AGENT_C_ipsecSaInPackets, s.in_packets);
		set_c(r, AGENT_C_ipsecSaOutPackets, s.out_packets);
		set_c(r, AGENT_C_ipsecSaErrors,
		      s.err_auth + s.err_replay + s.err_pad + s.err_malformed +
		          s.err_decomp + s.err_policy);
		set_c(r, AGENT_C_ipsecSaLifetimeLeft, left);
	}
}

/* ipsecTrMatches. */
void
agent_dp_refresh_traffic(const struct dataplane *dp, struct agent_store *st)
{
	struct agent_table *t =
	    agent_store_table(st, AGENT_G_ipsecTrafficTable);
	size_t i;

	for (i = 0; dp != NULL && i < t->n; i++)
		set_c(t->rows[i], AGENT_C_ipsecTrMatches,
		      dp_rule_matches(dp, t->rows[i]->index));
}
