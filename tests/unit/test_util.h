/*
 * test_util.h - helpers shared by the agent unit tests: name-based access
 * to the generated schema so the tests read like the MIB.
 */
#ifndef IPSECGW_TEST_UTIL_H
#define IPSECGW_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "agent_persist.h"
#include "agent_store.h"

static inline int
tu_gid(const char *table)
{
	const struct agent_group *g = agent_schema_group(table);

	assert_non_null(g);
	return (int)(g - agent_mib_groups);
}

static inline int
tu_pos(int gid, const char *obj)
{
	int pos = agent_schema_obj_pos(&agent_mib_groups[gid], obj);

	assert_true(pos >= 0);
	return pos;
}

/* Records an integer varbind number vb in t. */
static inline enum agent_err
tu_set_int(struct agent_txn *t, const char *table, int32_t idx, const char *obj,
           int64_t val, int vb)
{
	int gid = tu_gid(table);
	struct agent_val v = {.i = val, .set = 1};

	return agent_txn_set(t, gid, idx, tu_pos(gid, obj), &v, vb);
}

static inline enum agent_err
tu_set_str(struct agent_txn *t, const char *table, int32_t idx, const char *obj,
           const char *s, int vb)
{
	int gid = tu_gid(table);
	struct agent_val v = {
	    .s = (uint8_t *)(uintptr_t)s, .len = (uint32_t)strlen(s), .set = 1};

	return agent_txn_set(t, gid, idx, tu_pos(gid, obj), &v, vb);
}

/* prepare + commit, returning the first error. */
static inline enum agent_err
tu_run(struct agent_txn *t)
{
	enum agent_err err = agent_txn_prepare(t);

	if (err == AGENT_OK)
		err = agent_txn_commit(t);
	return err;
}

static inline const struct agent_row *
tu_row(struct agent_store *st, const char *table, int32_t idx)
{
	return agent_store_get(st, tu_gid(table), idx);
}

static inline int64_t
tu_int(struct agent_store *st, const char *table, int32_t idx, const char *obj)
{
	const struct agent_row *r = tu_row(st, table, idx);

	assert_non_null(r);
	return r->v[tu_pos(tu_gid(table), obj)].i;
}

/* cmocka setup: a store holding the first-start configuration. */
static inline int
tu_setup_defaults(void **state)
{
	struct agent_store *st = agent_store_new();

	*state = st;
	return st == NULL ||
	       agent_persist_load_text(st, agent_defaults_text, "defaults") < 0;
}

static inline int
tu_teardown_store(void **state)
{
	agent_store_free(*state);
	return 0;
}

#endif
