/*
 * agent_store.c - rows, tables and transactions of the configuration store.
 * A SET is recorded in a transaction, checked as a whole in prepare (RowStatus
 * rules, completeness, cross-row references), then persisted and applied in
 * commit; nothing in the store changes before every check has passed.
 */
#include "agent_store.h"

#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct agent_store {
	struct agent_table *tables;
	agent_store_observer observer;
	void *observer_arg;
	agent_store_persist_fn persist;
	void *persist_arg;
};

static int
is_string_type(uint8_t vt)
{
	return vt == AGENT_VT_STRING || vt == AGENT_VT_OCTETS;
}

struct agent_store *
agent_store_new(void)
{
	struct agent_store *st = calloc(1, sizeof(*st));
	size_t i;

	if (st == NULL)
		return NULL;
	st->tables = calloc(agent_mib_ngroups, sizeof(*st->tables));
	if (st->tables == NULL) {
		free(st);
		return NULL;
	}
	for (i = 0; i < agent_mib_ngroups; i++) {
		const struct agent_group *g = &agent_mib_groups[i];
		struct agent_row *r;

		st->tables[i].g = g;
		if (g->kind != AGENT_GROUP_SCALARS)
			continue;
		/* A scalar group is one row, index 0, holding the DEFVALs. */
		r = agent_row_new(g, 0);
		if (r == NULL || agent_store_put(st, (int)i, r) < 0) {
			agent_row_free(g, r);
			agent_store_free(st);
			return NULL;
		}
	}
	return st;
}

void
agent_store_free(struct agent_store *st)
{
	size_t i, j;

	if (st == NULL)
		return;
	for (i = 0; i < agent_mib_ngroups; i++) {
		struct agent_table *t = &st->tables[i];

		for (j = 0; j < t->n; j++)
			agent_row_free(t->g, t->rows[j]);
		free(t->rows);
	}
	free(st->tables);
	free(st);
}

struct agent_table *
agent_store_table(struct agent_store *st, int gid)
{
	if (gid < 0 || (size_t)gid >= agent_mib_ngroups)
		return NULL;
	return &st->tables[gid];
}

void
agent_store_set_observer(struct agent_store *st, agent_store_observer cb,
                         void *arg)
{
	st->observer = cb;
	st->observer_arg = arg;
}

void
agent_store_set_persist(struct agent_store *st, agent_store_persist_fn fn,
                        void *arg)
{
	st->persist = fn;
	st->persist_arg = arg;
}

/* Binary search: position of index, or where it would be inserted. */
static size_t
table_find(const struct agent_table *t, int32_t index, int *found)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->rows[mid]->index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < t->n && t->rows[lo]->index == index;
	return lo;
}

struct agent_row *
agent_store_get(struct agent_store *st, int gid, int32_t index)
{
	struct agent_table *t = agent_store_table(st, gid);
	int found;
	size_t pos;

	if (t == NULL)
		return NULL;
	pos = table_find(t, index, &found);
	return found ? t->rows[pos] : NULL;
}

struct agent_row *
agent_store_next(struct agent_store *st, int gid, int32_t after)
{
	struct agent_table *t = agent_store_table(st, gid);
	int found;
	size_t pos;

	if (t == NULL)
		return NULL;
	if (after == INT32_MAX)
		return NULL;
	pos = table_find(t, after + 1, &found);
	return pos < t->n ? t->rows[pos] : NULL;
}

int
agent_store_put(struct agent_store *st, int gid, struct agent_row *r)
{
	struct agent_table *t = agent_store_table(st, gid);
	int found;
	size_t pos;

	if (t == NULL)
		return -1;
	pos = table_find(t, r->index, &found);
	if (found) {
		agent_row_free(t->g, t->rows[pos]);
		t->rows[pos] = r;
		return 0;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct agent_row **nr = realloc(t->rows, cap * sizeof(*nr));

		if (nr == NULL)
			return -1;
		t->rows = nr;
		t->cap = cap;
	}
	memmove(&t->rows[pos + 1], &t->rows[pos],
	        (t->n - pos) * sizeof(*t->rows));
	t->rows[pos] = r;
	t->n++;
	return 0;
}

/* Unlinks a row without freeing it. */
static struct agent_row *
store_unlink(struct agent_store *st, int gid, int32_t index)
{
	struct agent_table *t = agent_store_table(st, gid);
	struct agent_row *r;
	int found;
	size_t pos;

	if (t == NULL)
		return NULL;
	pos = table_find(t, index, &found);
	if (!found)
		return NULL;
	r = t->rows[pos];
	memmove(&t->rows[pos], &t->rows[pos + 1],
	        (t->n - pos - 1) * sizeof(*t->rows));
	t->n--;
	return r;
}

void
agent_store_remove(struct agent_store *st, int gid, int32_t index)
{
	struct agent_row *r = store_unlink(st, gid, index);

	if (r != NULL)
		agent_row_free(&agent_mib_groups[gid], r);
}

int
agent_val_set_str(struct agent_val *v, const void *data, size_t len)
{
	uint8_t *s = malloc(len + 1);

	if (s == NULL)
		return -1;
	if (len > 0)
		memcpy(s, data, len);
	s[len] = '\0';
	free(v->s);
	v->s = s;
	v->len = (uint32_t)len;
	v->set = 1;
	return 0;
}

/* A new row carries the DEFVALs; mandatory columns stay unset. */
struct agent_row *
agent_row_new(const struct agent_group *g, int32_t index)
{
	struct agent_row *r;
	size_t i;

	r = calloc(1, sizeof(*r) + g->nobjs * sizeof(struct agent_val));
	if (r == NULL)
		return NULL;
	r->index = index;
	for (i = 0; i < g->nobjs; i++) {
		const struct agent_obj *o = &g->objs[i];
		struct agent_val *v = &r->v[i];

		if (o->flags & AGENT_F_INDEX) {
			v->i = index;
			v->set = 1;
		} else if (o->flags & AGENT_F_DEFVAL) {
			v->i = o->def_int;
			v->set = 1;
			if (is_string_type(o->vtype) &&
			    agent_val_set_str(v, o->def_str,
			                      strlen(o->def_str)) < 0) {
				agent_row_free(g, r);
				return NULL;
			}
		} else if (o->access != AGENT_ACC_RW ||
		           o->vtype == AGENT_VT_ROWSTATUS) {
			v->set = 1; /* read-only: engine-provided */
		}
	}
	agent_status_init_row((int)(g - agent_mib_groups), r);
	return r;
}

struct agent_row *
agent_row_dup(const struct agent_group *g, const struct agent_row *src)
{
	struct agent_row *r;
	size_t i;

	r = malloc(sizeof(*r) + g->nobjs * sizeof(struct agent_val));
	if (r == NULL)
		return NULL;
	memcpy(r, src, sizeof(*r) + g->nobjs * sizeof(struct agent_val));
	for (i = 0; i < g->nobjs; i++) {
		if (src->v[i].s == NULL)
			continue;
		r->v[i].s = NULL;
		if (agent_val_set_str(&r->v[i], src->v[i].s, src->v[i].len) <
		    0) {
			while (i-- > 0)
				free(r->v[i].s);
			free(r);
			return NULL;
		}
		r->v[i].set = src->v[i].set;
	}
	return r;
}

void
agent_row_free(const struct agent_group *g, struct agent_row *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < g->nobjs; i++)
		free(r->v[i].s);
	free(r);
}

int
agent_row_complete(const struct agent_group *g, const struct agent_row *r)
{
	size_t i;

	for (i = 0; i < g->nobjs; i++)
		if (!r->v[i].set)
			return 0;
	return 1;
}

static int
in_ranges(const struct agent_obj *o, int64_t x)
{
	uint8_t i;

	if (o->nranges == 0)
		return 1;
	for (i = 0; i < o->nranges; i++)
		if (x >= o->ranges[i].min && x <= o->ranges[i].max)
			return 1;
	return 0;
}

enum agent_err
agent_obj_check(const struct agent_obj *o, const struct agent_val *v)
{
	uint32_t i;

	switch (o->vtype) {
	case AGENT_VT_ENUM:
	case AGENT_VT_ROWSTATUS:
		for (i = 0; i < o->nenums; i++)
			if (o->enums[i].value == v->i)
				return AGENT_OK;
		return AGENT_ERR_WRONGVALUE;
	case AGENT_VT_INTEGER:
	case AGENT_VT_UNSIGNED:
		return in_ranges(o, v->i) ? AGENT_OK : AGENT_ERR_WRONGVALUE;
	case AGENT_VT_STRING:
		for (i = 0; i < v->len; i++)
			if (v->s[i] < 0x20 || v->s[i] == 0x7f)
				return AGENT_ERR_WRONGVALUE;
		/* FALLTHROUGH */
	case AGENT_VT_OCTETS:
		return in_ranges(o, v->len) ? AGENT_OK : AGENT_ERR_WRONGLENGTH;
	case AGENT_VT_IPADDR:
		return AGENT_OK;
	default:
		return AGENT_ERR_NOTWRITABLE;
	}
}

struct agent_txn *
agent_txn_new(struct agent_store *st)
{
	struct agent_txn *t = calloc(1, sizeof(*t));

	if (t != NULL) {
		t->st = st;
		t->err_vb = -1;
	}
	return t;
}

void
agent_txn_free(struct agent_txn *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		struct agent_txn_row *tr = &t->rows[i];
		const struct agent_group *g = &agent_mib_groups[tr->gid];

		/* After commit the old rows belong to us, before it the new. */
		if (t->applied)
			agent_row_free(g, tr->old_row);
		else
			agent_row_free(g, tr->new_row);
		free(tr->vb);
	}
	free(t->rows);
	free(t);
}

void
agent_txn_fail(struct agent_txn *t, int vb, const char *fmt, ...)
{
	va_list ap;

	t->err_vb = vb;
	va_start(ap, fmt);
	vsnprintf(t->reason, sizeof(t->reason), fmt, ap);
	va_end(ap);
}

static struct agent_txn_row *
txn_find(struct agent_txn *t, int gid, int32_t index)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i].gid == gid && t->rows[i].index == index)
			return &t->rows[i];
	return NULL;
}

/* The row entry for (gid, index), added on first use with a working copy. */
static struct agent_txn_row *
txn_row(struct agent_txn *t, int gid, int32_t index)
{
	const struct agent_group *g = &agent_mib_groups[gid];
	struct agent_txn_row *tr = txn_find(t, gid, index);
	size_t i;

	if (tr != NULL)
		return tr;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct agent_txn_row *nr = realloc(t->rows, cap * sizeof(*nr));

		if (nr == NULL)
			return NULL;
		t->rows = nr;
		t->cap = cap;
	}
	tr = &t->rows[t->n];
	memset(tr, 0, sizeof(*tr));
	tr->gid = gid;
	tr->index = index;
	tr->vb = malloc(g->nobjs * sizeof(int));
	if (tr->vb == NULL)
		return NULL;
	for (i = 0; i < g->nobjs; i++)
		tr->vb[i] = -1;
	tr->old_row = agent_store_get(t->st, gid, index);
	tr->new_row = tr->old_row ? agent_row_dup(g, tr->old_row)
	                          : agent_row_new(g, index);
	if (tr->new_row == NULL) {
		free(tr->vb);
		return NULL;
	}
	t->n++;
	return tr;
}

enum agent_err
agent_txn_set(struct agent_txn *t, int gid, int32_t index, int pos,
              const struct agent_val *v, int vb)
{
	const struct agent_group *g = &agent_mib_groups[gid];
	const struct agent_obj *o = &g->objs[pos];
	struct agent_txn_row *tr;
	struct agent_val *dst;
	enum agent_err err;

	if (o->access != AGENT_ACC_RW) {
		agent_txn_fail(t, vb, "%s is not writable", o->name);
		return AGENT_ERR_NOTWRITABLE;
	}
	err = agent_obj_check(o, v);
	if (err == AGENT_OK && o->vtype == AGENT_VT_ROWSTATUS &&
	    v->i == AGENT_RS_NOTREADY)
		err = AGENT_ERR_WRONGVALUE;
	if (err != AGENT_OK) {
		agent_txn_fail(t, vb, "%s.%d: value out of range", o->name,
		               index);
		return err;
	}
	tr = txn_row(t, gid, index);
	if (tr == NULL)
		return AGENT_ERR_RESOURCEUNAVAILABLE;
	if (tr->vb[pos] >= 0) {
		/* RFC 3416: the same object twice in one PDU is refused. */
		agent_txn_fail(t, vb, "%s.%d given twice", o->name, index);
		return AGENT_ERR_INCONSISTENTVALUE;
	}
	tr->vb[pos] = vb;
	if (o->vtype == AGENT_VT_ROWSTATUS) {
		tr->rs_req = (int)v->i;
		return AGENT_OK;
	}
	dst = &tr->new_row->v[pos];
	if (is_string_type(o->vtype)) {
		if (agent_val_set_str(dst, v->s, v->len) < 0)
			return AGENT_ERR_RESOURCEUNAVAILABLE;
	} else {
		dst->i = v->i;
		dst->set = 1;
	}
	return AGENT_OK;
}

/* The varbind to blame for a row-level problem: RowStatus, else any. */
static int
row_blame_vb(const struct agent_txn_row *tr, const struct agent_group *g)
{
	size_t i;

	if (g->rowstatus_pos >= 0 && tr->vb[g->rowstatus_pos] >= 0)
		return tr->vb[g->rowstatus_pos];
	for (i = 0; i < g->nobjs; i++)
		if (tr->vb[i] >= 0)
			return tr->vb[i];
	return -1;
}

/* RFC 2579 RowStatus state machine for one row of a config table. */
static enum agent_err
prepare_rowstatus(struct agent_txn *t, struct agent_txn_row *tr)
{
	const struct agent_group *g = &agent_mib_groups[tr->gid];
	int rsp = g->rowstatus_pos;
	int vb = row_blame_vb(tr, g);
	int complete = agent_row_complete(g, tr->new_row);
	int64_t cur = tr->old_row ? tr->old_row->v[rsp].i : 0;

	switch (tr->rs_req) {
	case 0:
		if (tr->old_row == NULL) {
			agent_txn_fail(
			    t, vb,
			    "%s row %d does not exist (create it with "
			    "RowStatus createAndGo or createAndWait)",
			    g->name, tr->index);
			return AGENT_ERR_INCONSISTENTNAME;
		}
		if (cur == AGENT_RS_NOTREADY && complete)
			tr->new_row->v[rsp].i = AGENT_RS_NOTINSERVICE;
		break;
	case AGENT_RS_CREATEANDGO:
	case AGENT_RS_CREATEANDWAIT:
		if (tr->old_row != NULL) {
			agent_txn_fail(t, vb, "%s row %d already exists",
			               g->name, tr->index);
			return AGENT_ERR_INCONSISTENTVALUE;
		}
		if (tr->rs_req == AGENT_RS_CREATEANDGO && !complete)
			goto incomplete;
		tr->new_row->v[rsp].i = tr->rs_req == AGENT_RS_CREATEANDGO
		                            ? AGENT_RS_ACTIVE
		                        : complete ? AGENT_RS_NOTINSERVICE
		                                   : AGENT_RS_NOTREADY;
		break;
	case AGENT_RS_ACTIVE:
	case AGENT_RS_NOTINSERVICE:
		if (tr->old_row == NULL) {
			agent_txn_fail(t, vb, "%s row %d does not exist",
			               g->name, tr->index);
			return AGENT_ERR_INCONSISTENTVALUE;
		}
		if (!complete)
			goto incomplete;
		tr->new_row->v[rsp].i = tr->rs_req;
		break;
	case AGENT_RS_DESTROY:
		agent_row_free(g, tr->new_row);
		tr->new_row = NULL;
		break;
	default:
		return AGENT_ERR_WRONGVALUE;
	}
	if (tr->new_row != NULL)
		tr->new_row->v[rsp].set = 1;
	return AGENT_OK;
incomplete:
	for (size_t i = 0; i < g->nobjs; i++)
		if (!tr->new_row->v[i].set) {
			agent_txn_fail(
			    t, vb, "%s row %d cannot be active: %s is not set",
			    g->name, tr->index, g->objs[i].name);
			break;
		}
	return AGENT_ERR_INCONSISTENTVALUE;
}

enum agent_err
agent_txn_prepare(struct agent_txn *t)
{
	enum agent_err err;
	size_t i;

	for (i = 0; i < t->n; i++) {
		struct agent_txn_row *tr = &t->rows[i];
		const struct agent_group *g = &agent_mib_groups[tr->gid];

		if (g->kind == AGENT_GROUP_CONFIG_TABLE) {
			err = prepare_rowstatus(t, tr);
			if (err != AGENT_OK)
				return err;
		} else if (tr->old_row == NULL) {
			/* Status rows are made by the engines, never by SET. */
			agent_txn_fail(t, row_blame_vb(tr, g),
			               "%s row %d does not exist", g->name,
			               tr->index);
			return AGENT_ERR_NOCREATION;
		}
	}
	return agent_check_txn(t);
}

const struct agent_row *
agent_txn_view(struct agent_txn *t, int gid, int32_t index)
{
	struct agent_txn_row *tr = txn_find(t, gid, index);

	if (tr != NULL)
		return tr->new_row;
	return agent_store_get(t->st, gid, index);
}

/* Swaps the images in: new rows into the store, old ones kept in tr. */
static void
txn_swap(struct agent_txn *t, int undo)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		struct agent_txn_row *tr = &t->rows[i];
		struct agent_row *in = undo ? tr->old_row : tr->new_row;

		store_unlink(t->st, tr->gid, tr->index);
		if (in != NULL)
			agent_store_put(t->st, tr->gid, in);
	}
}

enum agent_err
agent_txn_commit(struct agent_txn *t)
{
	size_t i;

	if (t->st->persist != NULL &&
	    t->st->persist(t->st->persist_arg, t, 0) < 0) {
		agent_txn_fail(t, t->err_vb, "cannot save the configuration");
		return AGENT_ERR_COMMITFAILED;
	}
	txn_swap(t, 0);
	t->applied = 1;
	if (t->st->observer != NULL)
		for (i = 0; i < t->n; i++)
			t->st->observer(t->st->observer_arg, t->rows[i].gid,
			                t->rows[i].old_row, t->rows[i].new_row);
	return AGENT_OK;
}

void
agent_txn_undo(struct agent_txn *t)
{
	size_t i;

	if (!t->applied)
		return;
	if (t->st->persist != NULL &&
	    t->st->persist(t->st->persist_arg, t, 1) < 0)
		gw_err("%s: cannot save the undone configuration", __func__);
	txn_swap(t, 1);
	t->applied = 0;
	if (t->st->observer != NULL)
		for (i = 0; i < t->n; i++)
			t->st->observer(t->st->observer_arg, t->rows[i].gid,
			                t->rows[i].new_row, t->rows[i].old_row);
}
