/*
 * agent_store.h - the configuration store: typed rows described by the MIB
 * schema, changed only through transactions that are validated completely
 * before anything changes, then persisted and applied as one unit.
 * Private to agent/; it knows nothing about Net-SNMP.
 */
#ifndef IPSECGW_AGENT_STORE_H
#define IPSECGW_AGENT_STORE_H

#include "agent_schema.h"

/* Error statuses, numerically equal to the SNMP error-status values. */
enum agent_err {
	AGENT_OK = 0,
	AGENT_ERR_GENERR = 5,
	AGENT_ERR_NOACCESS = 6,
	AGENT_ERR_WRONGTYPE = 7,
	AGENT_ERR_WRONGLENGTH = 8,
	AGENT_ERR_WRONGVALUE = 10,
	AGENT_ERR_NOCREATION = 11,
	AGENT_ERR_INCONSISTENTVALUE = 12,
	AGENT_ERR_RESOURCEUNAVAILABLE = 13,
	AGENT_ERR_COMMITFAILED = 14,
	AGENT_ERR_NOTWRITABLE = 17,
	AGENT_ERR_INCONSISTENTNAME = 18,
};

enum agent_rowstatus {
	AGENT_RS_ACTIVE = 1,
	AGENT_RS_NOTINSERVICE = 2,
	AGENT_RS_NOTREADY = 3,
	AGENT_RS_CREATEANDGO = 4,
	AGENT_RS_CREATEANDWAIT = 5,
	AGENT_RS_DESTROY = 6,
};

/* One column value.  Numbers (IpAddress in host order) use i, strings s. */
struct agent_val {
	int64_t i;
	uint8_t *s;
	uint32_t len;
	uint8_t set; /* 0: mandatory column not given yet */
};

struct agent_row {
	int32_t index;        /* 0 for the single row of a scalar group */
	struct agent_val v[]; /* one per object of the group */
};

struct agent_table {
	const struct agent_group *g;
	struct agent_row **rows; /* sorted by index */
	size_t n;
	size_t cap;
};

struct agent_store;

/* Called after a transaction is applied: old/new NULL for create/delete. */
typedef void (*agent_store_observer)(void *arg, int gid,
                                     const struct agent_row *old_row,
                                     const struct agent_row *new_row);

struct agent_store *agent_store_new(void);
void agent_store_free(struct agent_store *st);
struct agent_table *agent_store_table(struct agent_store *st, int gid);
struct agent_row *agent_store_get(struct agent_store *st, int gid,
                                  int32_t index);
/* First row with index > after (after = -1 gives the first row). */
struct agent_row *agent_store_next(struct agent_store *st, int gid,
                                   int32_t after);
void agent_store_set_observer(struct agent_store *st, agent_store_observer cb,
                              void *arg);

/* Rows: allocation, defaults and copying. */
struct agent_row *agent_row_new(const struct agent_group *g, int32_t index);
struct agent_row *agent_row_dup(const struct agent_group *g,
                                const struct agent_row *r);
void agent_row_free(const struct agent_group *g, struct agent_row *r);
int agent_val_set_str(struct agent_val *v, const void *data, size_t len);
int agent_row_complete(const struct agent_group *g, const struct agent_row *r);
/* Inserts or replaces a row directly (loading, engine-owned status rows). */
int agent_store_put(struct agent_store *st, int gid, struct agent_row *r);
void agent_store_remove(struct agent_store *st, int gid, int32_t index);

/* Range, size and enumeration check of one value against its object. */
enum agent_err agent_obj_check(const struct agent_obj *o,
                               const struct agent_val *v);

/* Transactions. */
struct agent_txn_row {
	int gid;
	int32_t index;
	struct agent_row *old_row; /* the store's row, NULL if absent */
	struct agent_row *new_row; /* image after the txn, NULL = delete */
	int rs_req;                /* RowStatus value written, or 0 */
	int *vb;                   /* varbind index that set each column, -1 */
};

struct agent_txn {
	struct agent_store *st;
	struct agent_txn_row *rows;
	size_t n;
	size_t cap;
	int applied;
	int err_vb;       /* offending varbind after a failure */
	char reason[256]; /* why, for the log and the menu */
};

struct agent_txn *agent_txn_new(struct agent_store *st);
void agent_txn_free(struct agent_txn *t);
/* Records one varbind's value; checks only the value itself. */
enum agent_err agent_txn_set(struct agent_txn *t, int gid, int32_t index,
                             int pos, const struct agent_val *v, int vb);
/* RowStatus semantics, completeness and cross-row checks. */
enum agent_err agent_txn_prepare(struct agent_txn *t);
/* Persists (through the hook) and applies; on failure nothing changes. */
enum agent_err agent_txn_commit(struct agent_txn *t);
/* Reverts an applied transaction (a later varbind of the PDU failed). */
void agent_txn_undo(struct agent_txn *t);
/* Looks a row up as it will be after the transaction. */
const struct agent_row *agent_txn_view(struct agent_txn *t, int gid,
                                       int32_t index);
void agent_txn_fail(struct agent_txn *t, int vb, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Persistence hook used by commit and undo; NULL disables persistence. */
typedef int (*agent_store_persist_fn)(void *arg, struct agent_txn *t, int undo);
void agent_store_set_persist(struct agent_store *st, agent_store_persist_fn fn,
                             void *arg);

/* Initial read-only values of a new row (agent_status.c). */
void agent_status_init_row(int gid, struct agent_row *r);

/* Cross-row and semantic checks (agent_check.c). */
enum agent_err agent_check_txn(struct agent_txn *t);

#endif
