/*
 * agent_check.c - the checks that need more than one value: references
 * between rows (a peer's profile must exist, a used profile cannot be
 * destroyed), and the semantic rules of the product manual (no ESP with
 * NULL encryption and no authentication, protect only in peer lists, ...).
 * They run on the image the store will have after the transaction, so a
 * multi-varbind SET is judged as a whole.
 */
#include "agent_pki.h"
#include "agent_store.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ref {
	int src_gid;
	int src_pos;
	int dst_gid;
	int is_list; /* IpsecgwIndexList instead of one index */
};

static const struct ref refs[] = {
    {AGENT_G_ipsecGlobals, AGENT_C_ipsecGlobDefaultIkeProfile,
     AGENT_G_ikeProfileTable, 0},
    {AGENT_G_ipsecGlobals, AGENT_C_ipsecGlobDefaultIpsecProfile,
     AGENT_G_ipsecProfileTable, 0},
    {AGENT_G_ipsecGlobals, AGENT_C_ipsecGlobPreRulesActive,
     AGENT_G_ipsecTrafficTable, 0},
    {AGENT_G_ipsecGlobals, AGENT_C_ipsecGlobPostRulesActive,
     AGENT_G_ipsecTrafficTable, 0},
    {AGENT_G_ipsecPeerTable, AGENT_C_ipsecPeerIkeProfile,
     AGENT_G_ikeProfileTable, 0},
    {AGENT_G_ipsecPeerTable, AGENT_C_ipsecPeerIpsecProfile,
     AGENT_G_ipsecProfileTable, 0},
    {AGENT_G_ipsecPeerTable, AGENT_C_ipsecPeerActiveTrafficEntry,
     AGENT_G_ipsecTrafficTable, 0},
    {AGENT_G_ikeProfileTable, AGENT_C_ikeProfileProposals,
     AGENT_G_ikeProposalTable, 1},
    {AGENT_G_ikeProfileTable, AGENT_C_ikeProfileLifetime,
     AGENT_G_ipsecLifetimeTable, 0},
    {AGENT_G_ikeProfileTable, AGENT_C_ikeProfileLocalCert,
     AGENT_G_ipsecCertTable, 0},
    {AGENT_G_ikeProfileTable, AGENT_C_ikeProfileCaCerts, AGENT_G_ipsecCertTable,
     1},
    {AGENT_G_ipsecProfileTable, AGENT_C_ipsecProfileProposals,
     AGENT_G_ipsecProposalTable, 1},
    {AGENT_G_ipsecProfileTable, AGENT_C_ipsecProfileLifetime,
     AGENT_G_ipsecLifetimeTable, 0},
    {AGENT_G_ipsecTrafficTable, AGENT_C_ipsecTrPeer, AGENT_G_ipsecPeerTable, 0},
    {AGENT_G_ipsecTrafficTable, AGENT_C_ipsecTrIpsecProfile,
     AGENT_G_ipsecProfileTable, 0},
    {AGENT_G_ipsecCertTable, AGENT_C_ipsecCertKey, AGENT_G_ipsecKeyTable, 0},
    {AGENT_G_ipsecCertReqTable, AGENT_C_ipsecCertReqKey, AGENT_G_ipsecKeyTable,
     0},
};

#define NREFS    (sizeof(refs) / sizeof(refs[0]))
#define LIST_MAX 16

struct rowctx {
	struct agent_txn *t;
	const struct agent_txn_row *tr;
	const struct agent_group *g;
	const struct agent_row *r;
};

/* The varbind that set column pos, else the row's RowStatus, else any. */
static int
blame(const struct rowctx *c, int pos)
{
	size_t i;

	if (c->tr->vb[pos] >= 0)
		return c->tr->vb[pos];
	if (c->g->rowstatus_pos >= 0 && c->tr->vb[c->g->rowstatus_pos] >= 0)
		return c->tr->vb[c->g->rowstatus_pos];
	for (i = 0; i < c->g->nobjs; i++)
		if (c->tr->vb[i] >= 0)
			return c->tr->vb[i];
	return -1;
}

static enum agent_err refuse(const struct rowctx *c, int pos, const char *fmt,
                             ...) __attribute__((format(printf, 3, 4)));

static enum agent_err
refuse(const struct rowctx *c, int pos, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	agent_txn_fail(c->t, blame(c, pos), "%s.%d: %s", c->g->objs[pos].name,
	               c->r->index, msg);
	return AGENT_ERR_INCONSISTENTVALUE;
}

static int64_t
ival(const struct rowctx *c, int pos)
{
	return c->r->v[pos].i;
}

/*
 * Parses an IpsecgwIndexList ("3,1,2").  Returns the count, or -1 if the
 * syntax is wrong, an index repeats or there are more than LIST_MAX.
 */
static int
parse_list(const struct agent_val *v, int32_t *out)
{
	const char *p = (const char *)v->s, *end = p + v->len;
	int n = 0, i;

	if (v->len == 0)
		return 0;
	while (p < end) {
		long x = 0;
		int digits = 0;

		while (p < end && *p >= '0' && *p <= '9' && digits < 10) {
			x = x * 10 + (*p++ - '0');
			digits++;
		}
		if (digits == 0 || x < 1 || x > INT32_MAX || n == LIST_MAX)
			return -1;
		for (i = 0; i < n; i++)
			if (out[i] == x)
				return -1;
		out[n++] = (int32_t)x;
		if (p < end && *p++ != ',')
			return -1;
		if (p == end && end[-1] == ',')
			return -1;
	}
	return n;
}

/* Every index a reference column names must be a row of its table. */
static enum agent_err
check_refs_from(const struct rowctx *c)
{
	size_t i;

	for (i = 0; i < NREFS; i++) {
		const struct ref *rf = &refs[i];
		int32_t list[LIST_MAX];
		int n, k;

		if (rf->src_gid != c->tr->gid)
			continue;
		if (rf->is_list) {
			n = parse_list(&c->r->v[rf->src_pos], list);
			if (n < 0)
				return refuse(
				    c, rf->src_pos,
				    "not a list of up to %d distinct indices "
				    "like \"3,1,2\"",
				    LIST_MAX);
		} else {
			list[0] = (int32_t)ival(c, rf->src_pos);
			n = list[0] != 0;
		}
		for (k = 0; k < n; k++)
			if (agent_txn_view(c->t, rf->dst_gid, list[k]) == NULL)
				return refuse(
				    c, rf->src_pos, "no %s row %d",
				    agent_mib_groups[rf->dst_gid].name,
				    list[k]);
	}
	return AGENT_OK;
}

static int
refers_to(const struct ref *rf, const struct agent_row *r, int32_t index)
{
	int32_t list[LIST_MAX];
	int n, k;

	if (!rf->is_list)
		return r->v[rf->src_pos].i == index;
	n = parse_list(&r->v[rf->src_pos], list);
	for (k = 0; k < n; k++)
		if (list[k] == index)
			return 1;
	return 0;
}

/* A destroyed row must not be named by any row that remains. */
static enum agent_err
check_refs_to(struct agent_txn *t, const struct agent_txn_row *tr)
{
	const struct agent_group *g = &agent_mib_groups[tr->gid];
	size_t i, j;

	for (i = 0; i < NREFS; i++) {
		const struct ref *rf = &refs[i];
		struct agent_table *src;

		if (rf->dst_gid != tr->gid)
			continue;
		src = agent_store_table(t->st, rf->src_gid);
		for (j = 0; j < src->n; j++) {
			const struct agent_row *r =
			    agent_txn_view(t, rf->src_gid, src->rows[j]->index);

			if (r != NULL && refers_to(rf, r, tr->index)) {
				agent_txn_fail(t, tr->vb[g->rowstatus_pos],
				               "%s row %d is in use by %s.%d",
				               g->name, tr->index,
				               src->g->objs[rf->src_pos].name,
				               r->index);
				return AGENT_ERR_INCONSISTENTVALUE;
			}
		}
		/* Rows created by this same transaction. */
		for (j = 0; j < t->n; j++) {
			const struct agent_txn_row *o = &t->rows[j];

			if (o->gid == rf->src_gid && o->old_row == NULL &&
			    o->new_row != NULL &&
			    refers_to(rf, o->new_row, tr->index)) {
				agent_txn_fail(t, tr->vb[g->rowstatus_pos],
				               "%s row %d is in use by %s.%d",
				               g->name, tr->index,
				               src->g->objs[rf->src_pos].name,
				               o->index);
				return AGENT_ERR_INCONSISTENTVALUE;
			}
		}
	}
	return AGENT_OK;
}

/* Valid key lengths per cipher, in bits (0 = the cipher's usual one). */
static int
keylen_ok(int alg_is_ike, int64_t alg, int64_t bits)
{
	int aes = alg_is_ike ? alg == AGENT_E_ikePropEncAlg_aes
	                     : alg == AGENT_E_ipsecPropEncAlg_aesCbc ||
	                           alg == AGENT_E_ipsecPropEncAlg_aesGcm16;
	int twofish = alg_is_ike ? alg == AGENT_E_ikePropEncAlg_twofish
	                         : alg == AGENT_E_ipsecPropEncAlg_twofish;
	int blowfish = alg_is_ike ? alg == AGENT_E_ikePropEncAlg_blowfish
	                          : alg == AGENT_E_ipsecPropEncAlg_blowfish;
	int cast = alg_is_ike ? alg == AGENT_E_ikePropEncAlg_cast128
	                      : alg == AGENT_E_ipsecPropEncAlg_cast128;

	if (bits == 0)
		return 1;
	if (aes || twofish)
		return bits == 128 || bits == 192 || bits == 256;
	if (blowfish)
		return bits >= 40 && bits <= 448 && bits % 8 == 0;
	if (cast)
		return bits >= 40 && bits <= 128 && bits % 8 == 0;
	return 0; /* DES, 3DES and NULL have a fixed key */
}

static enum agent_err
check_ike_proposal(const struct rowctx *c)
{
	if (!keylen_ok(1, ival(c, AGENT_C_ikePropEncAlg),
	               ival(c, AGENT_C_ikePropKeyLength)))
		return refuse(c, AGENT_C_ikePropKeyLength,
		              "key length %d is not valid for this cipher",
		              (int)ival(c, AGENT_C_ikePropKeyLength));
	return AGENT_OK;
}

static enum agent_err
check_ipsec_proposal(const struct rowctx *c)
{
	int64_t proto = ival(c, AGENT_C_ipsecPropProtocol);
	int64_t enc = ival(c, AGENT_C_ipsecPropEncAlg);
	int64_t auth = ival(c, AGENT_C_ipsecPropAuthAlg);

	if (proto == AGENT_E_ipsecPropProtocol_ah) {
		if (auth == AGENT_E_ipsecPropAuthAlg_none)
			return refuse(c, AGENT_C_ipsecPropAuthAlg,
			              "AH needs an authentication algorithm");
		return AGENT_OK;
	}
	if (enc == AGENT_E_ipsecPropEncAlg_null &&
	    auth == AGENT_E_ipsecPropAuthAlg_none)
		return refuse(
		    c, AGENT_C_ipsecPropAuthAlg,
		    "ESP with NULL encryption and no authentication would "
		    "protect nothing");
	if (enc == AGENT_E_ipsecPropEncAlg_aesGcm16 &&
	    auth != AGENT_E_ipsecPropAuthAlg_none)
		return refuse(c, AGENT_C_ipsecPropAuthAlg,
		              "AES-GCM includes integrity: the authentication "
		              "algorithm must be none");
	if (!keylen_ok(0, enc, ival(c, AGENT_C_ipsecPropKeyLength)))
		return refuse(c, AGENT_C_ipsecPropKeyLength,
		              "key length %d is not valid for this cipher",
		              (int)ival(c, AGENT_C_ipsecPropKeyLength));
	return AGENT_OK;
}

static int
digits_only(const struct agent_val *v)
{
	uint32_t i;

	for (i = 0; i < v->len; i++)
		if ((v->s[i] < '0' || v->s[i] > '9') && v->s[i] != '*' &&
		    v->s[i] != '#')
			return 0;
	return 1;
}

static enum agent_err
check_peer(const struct rowctx *c)
{
	int64_t mode = ival(c, AGENT_C_ipsecPeerCallbackMode);
	int in = mode == AGENT_E_ipsecPeerCallbackMode_passive ||
	         mode == AGENT_E_ipsecPeerCallbackMode_both;
	int out = mode == AGENT_E_ipsecPeerCallbackMode_active ||
	          mode == AGENT_E_ipsecPeerCallbackMode_both;
	const struct agent_row *te;
	int32_t act = (int32_t)ival(c, AGENT_C_ipsecPeerActiveTrafficEntry);

	if (!digits_only(&c->r->v[AGENT_C_ipsecPeerIsdnIncomingNumber]))
		return refuse(c, AGENT_C_ipsecPeerIsdnIncomingNumber,
		              "an ISDN number has only digits, * and #");
	if (!digits_only(&c->r->v[AGENT_C_ipsecPeerIsdnOutgoingNumber]))
		return refuse(c, AGENT_C_ipsecPeerIsdnOutgoingNumber,
		              "an ISDN number has only digits, * and #");
	if (in && c->r->v[AGENT_C_ipsecPeerIsdnIncomingNumber].len == 0)
		return refuse(
		    c, AGENT_C_ipsecPeerCallbackMode,
		    "passive callback needs ipsecPeerIsdnIncomingNumber");
	if (out && c->r->v[AGENT_C_ipsecPeerIsdnOutgoingNumber].len == 0)
		return refuse(
		    c, AGENT_C_ipsecPeerCallbackMode,
		    "active callback needs ipsecPeerIsdnOutgoingNumber");
	te = act ? agent_txn_view(c->t, AGENT_G_ipsecTrafficTable, act) : NULL;
	if (te != NULL &&
	    (te->v[AGENT_C_ipsecTrList].i != AGENT_E_ipsecTrList_peer ||
	     te->v[AGENT_C_ipsecTrPeer].i != c->r->index))
		return refuse(c, AGENT_C_ipsecPeerActiveTrafficEntry,
		              "traffic entry %d is not in this peer's list",
		              act);
	return AGENT_OK;
}

static enum agent_err
check_side(const struct rowctx *c, int type_pos, int addr_pos, int end_pos,
           int64_t range_val)
{
	if (ival(c, type_pos) == range_val &&
	    (uint32_t)ival(c, end_pos) < (uint32_t)ival(c, addr_pos))
		return refuse(c, end_pos,
		              "a range cannot end before it starts");
	return AGENT_OK;
}

static enum agent_err
check_traffic(const struct rowctx *c)
{
	int64_t list = ival(c, AGENT_C_ipsecTrList);
	int64_t proto = ival(c, AGENT_C_ipsecTrProto);
	enum agent_err err;

	if (!c->r->v[AGENT_C_ipsecTrList].set)
		return AGENT_OK; /* notReady until ipsecTrList is set */
	if (list == AGENT_E_ipsecTrList_peer &&
	    ival(c, AGENT_C_ipsecTrPeer) == 0)
		return refuse(
		    c, AGENT_C_ipsecTrPeer,
		    "an entry of a peer's traffic list needs its peer");
	if (list != AGENT_E_ipsecTrList_peer &&
	    ival(c, AGENT_C_ipsecTrPeer) != 0)
		return refuse(
		    c, AGENT_C_ipsecTrPeer,
		    "pre and post rules belong to no peer: must be 0");
	if (list != AGENT_E_ipsecTrList_peer &&
	    ival(c, AGENT_C_ipsecTrAction) == AGENT_E_ipsecTrAction_protect)
		return refuse(
		    c, AGENT_C_ipsecTrAction,
		    "protect is only possible in a peer's traffic list");
	if (proto != 6 && proto != 17 &&
	    (ival(c, AGENT_C_ipsecTrLocalPort) != 0 ||
	     ival(c, AGENT_C_ipsecTrRemotePort) != 0))
		return refuse(c,
		              ival(c, AGENT_C_ipsecTrLocalPort) != 0
		                  ? AGENT_C_ipsecTrLocalPort
		                  : AGENT_C_ipsecTrRemotePort,
		              "ports apply only to tcp (6) and udp (17)");
	err = check_side(
	    c, AGENT_C_ipsecTrLocalType, AGENT_C_ipsecTrLocalAddress,
	    AGENT_C_ipsecTrLocalRangeEnd, AGENT_E_ipsecTrLocalType_range);
	if (err == AGENT_OK)
		err = check_side(c, AGENT_C_ipsecTrRemoteType,
		                 AGENT_C_ipsecTrRemoteAddress,
		                 AGENT_C_ipsecTrRemoteRangeEnd,
		                 AGENT_E_ipsecTrRemoteType_range);
	return err;
}

/* The active-rule markers must name an entry of the right list. */
static enum agent_err
check_globals(const struct rowctx *c)
{
	static const struct {
		int pos;
		int64_t list;
	} marks[] = {
	    {AGENT_C_ipsecGlobPreRulesActive, AGENT_E_ipsecTrList_preRules},
	    {AGENT_C_ipsecGlobPostRulesActive, AGENT_E_ipsecTrList_postRules},
	};
	size_t i;

	for (i = 0; i < 2; i++) {
		int32_t idx = (int32_t)ival(c, marks[i].pos);
		const struct agent_row *te =
		    idx ? agent_txn_view(c->t, AGENT_G_ipsecTrafficTable, idx)
		        : NULL;

		if (te != NULL && te->v[AGENT_C_ipsecTrList].i != marks[i].list)
			return refuse(c, marks[i].pos,
			              "traffic entry %d is not in that list",
			              idx);
	}
	return AGENT_OK;
}

static enum agent_err
check_row(struct rowctx *c)
{
	enum agent_err err = check_refs_from(c);

	if (err != AGENT_OK)
		return err;
	switch (c->tr->gid) {
	case AGENT_G_ipsecGlobals:
		return check_globals(c);
	case AGENT_G_ipsecPeerTable:
		return check_peer(c);
	case AGENT_G_ikeProposalTable:
		return check_ike_proposal(c);
	case AGENT_G_ipsecProposalTable:
		return check_ipsec_proposal(c);
	case AGENT_G_ipsecTrafficTable:
		return check_traffic(c);
	default:
		return AGENT_OK;
	}
}

enum agent_err
agent_check_txn(struct agent_txn *t)
{
	enum agent_err err;
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct agent_txn_row *tr = &t->rows[i];
		struct rowctx c = {t, tr, &agent_mib_groups[tr->gid],
		                   tr->new_row};

		if (c.g->kind == AGENT_GROUP_STATUS_TABLE)
			continue;
		err = tr->new_row != NULL   ? check_row(&c)
		      : tr->old_row != NULL ? check_refs_to(t, tr)
		                            : AGENT_OK;
		if (err != AGENT_OK)
			return err;
	}
	/* Keys, certificates, CRLs and requests: parsed and completed. */
	return agent_pki_check_txn(t);
}
