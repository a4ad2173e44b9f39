/*
 * agent_snmp.c - serves IPSECGW-MIB to Net-SNMP from the configuration
 * store through one raw handler over the whole subtree, so that every SET
 * PDU arrives as one unit and can be all-or-nothing.
 *
 * SET phases: RESERVE1 checks each varbind's name, type and value and
 * records it in a transaction; RESERVE2 runs the RowStatus and cross-row
 * checks; ACTION persists (journal + fsync) and applies it, so the change is
 * durable before any response leaves (in AgentX this is CommitSet); COMMIT
 * forgets the undo images; UNDO restores them; FREE discards.
 */
#include "agent_snmp.h"

#include "common.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <string.h>

static struct agent_store *gw_store;
static netsnmp_handler_registration *snmp_reg;
static struct agent_txn *snmp_txn; /* SETs are serialized by the agent */

struct inst {
	int gid;
	int pos;
	int32_t index;
};

/* -1, 0, 1 like memcmp, over OIDs; a proper prefix sorts first. */
static int
oid_cmp(const oid *a, size_t alen, const uint32_t *b, size_t blen)
{
	size_t i, n = alen < blen ? alen : blen;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static int
readable(const struct agent_obj *o)
{
	return o->access == AGENT_ACC_RO || o->access == AGENT_ACC_RW;
}

/*
 * Maps an exact instance OID to (group, object, index).  Returns AGENT_OK,
 * or the error a SET should answer: NOCREATION for names that can never
 * exist, NOTWRITABLE / NOACCESS per the object's access.
 */
static enum agent_err
resolve(const oid *name, size_t len, struct inst *in, int *gid_out)
{
	size_t gi;

	*gid_out = -1;
	for (gi = 0; gi < agent_mib_ngroups; gi++) {
		const struct agent_group *g = &agent_mib_groups[gi];
		const oid *rest = name + g->oid_len;
		size_t rlen;
		int pos;

		if (len <= g->oid_len ||
		    oid_cmp(name, g->oid_len, g->oid, g->oid_len) != 0)
			continue;
		rlen = len - g->oid_len;
		pos = agent_schema_pos_by_subid(g, (uint32_t)rest[0]);
		*gid_out = (int)gi;
		if (pos < 0)
			return AGENT_ERR_NOCREATION;
		in->gid = (int)gi;
		in->pos = pos;
		if (g->kind == AGENT_GROUP_SCALARS) {
			if (rlen != 2 || rest[1] != 0)
				return AGENT_ERR_NOCREATION;
			in->index = 0;
		} else {
			if (rlen != 2 || rest[1] < 1 || rest[1] > INT32_MAX)
				return AGENT_ERR_NOCREATION;
			in->index = (int32_t)rest[1];
		}
		if (g->objs[pos].access == AGENT_ACC_NONE ||
		    g->objs[pos].access == AGENT_ACC_NOTIFY)
			return AGENT_ERR_NOACCESS;
		return AGENT_OK;
	}
	return AGENT_ERR_NOCREATION;
}

static u_char
asn_type(const struct agent_obj *o)
{
	switch (o->vtype) {
	case AGENT_VT_UNSIGNED:
	case AGENT_VT_GAUGE32:
		return ASN_GAUGE;
	case AGENT_VT_STRING:
	case AGENT_VT_OCTETS:
		return ASN_OCTET_STR;
	case AGENT_VT_IPADDR:
		return ASN_IPADDRESS;
	case AGENT_VT_COUNTER32:
		return ASN_COUNTER;
	case AGENT_VT_COUNTER64:
		return ASN_COUNTER64;
	case AGENT_VT_TIMETICKS:
		return ASN_TIMETICKS;
	default:
		return ASN_INTEGER;
	}
}

static void
set_value(netsnmp_variable_list *vb, const struct agent_obj *o,
          const struct agent_val *v)
{
	struct counter64 c64;
	uint32_t u32, ip;
	long l;

	switch (o->vtype) {
	case AGENT_VT_STRING:
	case AGENT_VT_OCTETS:
		if (o->flags & AGENT_F_SECRET)
			snmp_set_var_typed_value(vb, ASN_OCTET_STR, "", 0);
		else
			snmp_set_var_typed_value(vb, ASN_OCTET_STR, v->s,
			                         v->s ? v->len : 0);
		break;
	case AGENT_VT_IPADDR:
		ip = htonl((uint32_t)v->i);
		snmp_set_var_typed_value(vb, ASN_IPADDRESS, &ip, 4);
		break;
	case AGENT_VT_COUNTER64:
		c64.high = (u_long)((uint64_t)v->i >> 32);
		c64.low = (u_long)((uint64_t)v->i & 0xffffffffu);
		snmp_set_var_typed_value(vb, ASN_COUNTER64, &c64, sizeof(c64));
		break;
	case AGENT_VT_UNSIGNED:
	case AGENT_VT_GAUGE32:
	case AGENT_VT_COUNTER32:
	case AGENT_VT_TIMETICKS:
		u32 = (uint32_t)v->i;
		snmp_set_var_typed_value(vb, asn_type(o), &u32, sizeof(u32));
		break;
	default:
		l = (long)v->i;
		snmp_set_var_typed_value(vb, ASN_INTEGER, &l, sizeof(l));
		break;
	}
}

static void
do_get(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req)
{
	netsnmp_variable_list *vb = req->requestvb;
	const struct agent_group *g;
	struct agent_row *row;
	struct inst in = {-1, -1, 0};
	enum agent_err err;
	int gid;

	err = resolve(vb->name, vb->name_length, &in, &gid);
	if (err != AGENT_OK) {
		/* A known readable object with a bad instance: noSuchInstance.
		 */
		netsnmp_set_request_error(
		    reqinfo, req,
		    err == AGENT_ERR_NOCREATION && in.gid >= 0 &&
		            readable(&agent_mib_groups[in.gid].objs[in.pos])
		        ? SNMP_NOSUCHINSTANCE
		        : SNMP_NOSUCHOBJECT);
		return;
	}
	g = &agent_mib_groups[in.gid];
	agent_status_refresh(gw_store, in.gid);
	row = agent_store_get(gw_store, in.gid, in.index);
	if (row == NULL) {
		netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
		return;
	}
	set_value(vb, &g->objs[in.pos], &row->v[in.pos]);
}

/* Next instance after name within group g, or 0 if the group has none. */
static int
next_in_group(const struct agent_group *g, int gid, const oid *name, size_t len,
              struct inst *out)
{
	int c = oid_cmp(name, len < g->oid_len ? len : g->oid_len, g->oid,
	                g->oid_len);
	oid col = 0, idx = 0;
	int have_col = 0, have_idx = 0;
	size_t pos;

	if (c > 0)
		return 0;
	if (c == 0 && len > g->oid_len) {
		col = name[g->oid_len];
		have_col = 1;
		if (len > g->oid_len + 1) {
			idx = name[g->oid_len + 1];
			have_idx = 1;
		}
	}
	if (c < 0)
		have_col = 0; /* before the group: its first instance */
	agent_status_refresh(gw_store, gid);
	for (pos = 0; pos < g->nobjs; pos++) {
		const struct agent_obj *o = &g->objs[pos];
		struct agent_row *row;
		int32_t after = -1;

		if (!readable(o) || (have_col && o->subid < col))
			continue;
		if (have_col && o->subid == col && have_idx) {
			if (idx > INT32_MAX)
				continue;
			after = (int32_t)idx;
		}
		row = agent_store_next(gw_store, gid, after);
		if (row == NULL)
			continue;
		out->gid = gid;
		out->pos = (int)pos;
		out->index = row->index;
		return 1;
	}
	return 0;
}

static void
do_getnext(netsnmp_request_info *req)
{
	netsnmp_variable_list *vb = req->requestvb;
	size_t gi;
	struct inst in;

	for (gi = 0; gi < agent_mib_ngroups; gi++) {
		const struct agent_group *g = &agent_mib_groups[gi];
		oid next[MAX_OID_LEN];
		size_t n;
		struct agent_row *row;

		if (!next_in_group(g, (int)gi, vb->name, vb->name_length, &in))
			continue;
		for (n = 0; n < g->oid_len; n++)
			next[n] = g->oid[n];
		next[n++] = g->objs[in.pos].subid;
		next[n++] = (oid)in.index;
		row = agent_store_get(gw_store, in.gid, in.index);
		snmp_set_var_objid(vb, next, n);
		set_value(vb, &g->objs[in.pos], &row->v[in.pos]);
		return;
	}
	/* Nothing after it here: leave the varbind for the next subtree. */
}

static int
vb_type_ok(const struct agent_obj *o, const netsnmp_variable_list *vb)
{
	if (vb->type != asn_type(o))
		return 0;
	if (o->vtype == AGENT_VT_IPADDR)
		return vb->val_len == 4;
	return 1;
}

/* Converts a varbind to a store value without copying strings. */
static void
vb_value(const struct agent_obj *o, const netsnmp_variable_list *vb,
         struct agent_val *v)
{
	uint32_t ip;

	memset(v, 0, sizeof(*v));
	if (o->vtype == AGENT_VT_STRING || o->vtype == AGENT_VT_OCTETS) {
		v->s = vb->val.string;
		v->len = (uint32_t)vb->val_len;
	} else if (o->vtype == AGENT_VT_IPADDR) {
		memcpy(&ip, vb->val.string, 4);
		v->i = ntohl(ip);
	} else if (o->vtype == AGENT_VT_UNSIGNED) {
		v->i = (uint32_t)*vb->val.integer;
	} else {
		v->i = (int32_t)*vb->val.integer;
	}
	v->set = 1;
}

static netsnmp_request_info *
request_at(netsnmp_request_info *reqs, int n)
{
	while (reqs != NULL && n-- > 0)
		reqs = reqs->next;
	return reqs;
}

static void
fail_set(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *reqs,
         int vb, enum agent_err err)
{
	netsnmp_request_info *r = request_at(reqs, vb < 0 ? 0 : vb);

	if (snmp_txn != NULL && snmp_txn->reason[0] != '\0')
		gw_notice("SET refused: %s", snmp_txn->reason);
	netsnmp_set_request_error(reqinfo, r ? r : reqs, (int)err);
}

static void
set_reserve1(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *reqs)
{
	netsnmp_request_info *r;
	int vb = 0;

	agent_txn_free(snmp_txn);
	snmp_txn = agent_txn_new(gw_store);
	if (snmp_txn == NULL) {
		netsnmp_set_request_error(reqinfo, reqs,
		                          SNMP_ERR_RESOURCEUNAVAILABLE);
		return;
	}
	for (r = reqs; r != NULL; r = r->next, vb++) {
		netsnmp_variable_list *v = r->requestvb;
		const struct agent_obj *o;
		struct agent_val val;
		struct inst in;
		enum agent_err err;
		int gid;

		err = resolve(v->name, v->name_length, &in, &gid);
		if (err != AGENT_OK) {
			fail_set(reqinfo, reqs, vb, err);
			return;
		}
		o = &agent_mib_groups[in.gid].objs[in.pos];
		if (o->access != AGENT_ACC_RW) {
			fail_set(reqinfo, reqs, vb, AGENT_ERR_NOTWRITABLE);
			return;
		}
		if (!vb_type_ok(o, v)) {
			fail_set(reqinfo, reqs, vb,
			         v->type == asn_type(o) ? AGENT_ERR_WRONGLENGTH
			                                : AGENT_ERR_WRONGTYPE);
			return;
		}
		vb_value(o, v, &val);
		err =
		    agent_txn_set(snmp_txn, in.gid, in.index, in.pos, &val, vb);
		if (err != AGENT_OK) {
			fail_set(reqinfo, reqs, vb, err);
			return;
		}
	}
}

static int
handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
        netsnmp_agent_request_info *reqinfo, netsnmp_request_info *reqs)
{
	netsnmp_request_info *r;
	enum agent_err err;

	(void)h;
	(void)reg;
	switch (reqinfo->mode) {
	case MODE_GET:
		for (r = reqs; r != NULL; r = r->next)
			do_get(reqinfo, r);
		break;
	case MODE_GETNEXT:
		for (r = reqs; r != NULL; r = r->next)
			do_getnext(r);
		break;
	case MODE_SET_RESERVE1:
		set_reserve1(reqinfo, reqs);
		break;
	case MODE_SET_RESERVE2:
		if (snmp_txn == NULL)
			break;
		err = agent_txn_prepare(snmp_txn);
		if (err != AGENT_OK)
			fail_set(reqinfo, reqs, snmp_txn->err_vb, err);
		break;
	case MODE_SET_ACTION:
		if (snmp_txn == NULL)
			break;
		err = agent_txn_commit(snmp_txn);
		if (err != AGENT_OK)
			fail_set(reqinfo, reqs, snmp_txn->err_vb, err);
		break;
	case MODE_SET_UNDO:
		if (snmp_txn != NULL)
			agent_txn_undo(snmp_txn);
		/* FALLTHROUGH */
	case MODE_SET_COMMIT:
	case MODE_SET_FREE:
		agent_txn_free(snmp_txn);
		snmp_txn = NULL;
		break;
	default:
		break;
	}
	return SNMP_ERR_NOERROR;
}

int
agent_snmp_register(struct agent_store *st)
{
	oid root[MAX_OID_LEN];
	size_t i;

	gw_store = st;
	for (i = 0; i < agent_mib_root_len; i++)
		root[i] = agent_mib_root[i];
	snmp_reg = netsnmp_create_handler_registration(
	    "ipsecgw", handler, root, agent_mib_root_len, HANDLER_CAN_RWRITE);
	if (snmp_reg == NULL ||
	    netsnmp_register_handler(snmp_reg) != MIB_REGISTERED_OK) {
		gw_err("%s: cannot register the IPSECGW-MIB subtree", __func__);
		return -1;
	}
	return 0;
}

void
agent_snmp_unregister(void)
{
	agent_txn_free(snmp_txn);
	snmp_txn = NULL;
	if (snmp_reg != NULL)
		netsnmp_unregister_handler(snmp_reg);
	snmp_reg = NULL;
}
