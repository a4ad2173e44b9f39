/*
 * test_store.c - the configuration store's SET semantics as plain function
 * calls: RowStatus (RFC 2579), value checks, cross-row references and
 * all-or-nothing transactions.
 */
#include "test_util.h"

#include <stdlib.h>

#define PEER "ipsecPeerTable"

/* createAndGo a peer with a description; returns the error. */
static enum agent_err
make_peer(struct agent_store *st, int32_t idx, const char *descr)
{
	struct agent_txn *t = agent_txn_new(st);
	enum agent_err err;

	err = tu_set_int(t, PEER, idx, "ipsecPeerRowStatus",
	                 AGENT_RS_CREATEANDGO, 0);
	if (err == AGENT_OK)
		err =
		    tu_set_str(t, PEER, idx, "ipsecPeerDescription", descr, 1);
	if (err == AGENT_OK)
		err = tu_run(t);
	agent_txn_free(t);
	return err;
}

static void
create_and_go(void **state)
{
	struct agent_store *st = *state;
	const struct agent_row *r;

	assert_int_equal(make_peer(st, 7, "branch office"), AGENT_OK);
	r = tu_row(st, PEER, 7);
	assert_non_null(r);
	assert_int_equal(tu_int(st, PEER, 7, "ipsecPeerRowStatus"),
	                 AGENT_RS_ACTIVE);
	assert_memory_equal(
	    r->v[tu_pos(tu_gid(PEER), "ipsecPeerDescription")].s,
	    "branch office", 13);
	/* Admin status has its DEFVAL up(1). */
	assert_int_equal(tu_int(st, PEER, 7, "ipsecPeerAdminStatus"), 1);
	/* Creating it again is inconsistentValue and changes nothing. */
	assert_int_equal(make_peer(st, 7, "other"),
	                 AGENT_ERR_INCONSISTENTVALUE);
	r = tu_row(st, PEER, 7);
	assert_memory_equal(
	    r->v[tu_pos(tu_gid(PEER), "ipsecPeerDescription")].s,
	    "branch office", 13);
}

static void
column_of_missing_row(void **state)
{
	struct agent_txn *t = agent_txn_new(*state);

	assert_int_equal(tu_set_str(t, PEER, 3, "ipsecPeerDescription", "x", 0),
	                 AGENT_OK);
	assert_int_equal(agent_txn_prepare(t), AGENT_ERR_INCONSISTENTNAME);
	assert_int_equal(t->err_vb, 0);
	agent_txn_free(t);
	assert_null(tu_row(*state, PEER, 3));
}

static void
bad_values(void **state)
{
	struct agent_txn *t = agent_txn_new(*state);
	char longdescr[300];

	memset(longdescr, 'a', sizeof(longdescr) - 1);
	longdescr[sizeof(longdescr) - 1] = '\0';
	assert_int_equal(
	    tu_set_str(t, PEER, 1, "ipsecPeerDescription", longdescr, 0),
	    AGENT_ERR_WRONGLENGTH);
	assert_int_equal(
	    tu_set_str(t, PEER, 1, "ipsecPeerDescription", "tab\there", 0),
	    AGENT_ERR_WRONGVALUE);
	assert_int_equal(tu_set_int(t, PEER, 1, "ipsecPeerAdminStatus", 9, 0),
	                 AGENT_ERR_WRONGVALUE);
	assert_int_equal(tu_set_int(t, PEER, 1, "ipsecPeerAdminStatus", 0, 0),
	                 AGENT_ERR_WRONGVALUE);
	/* notReady can be read but never written. */
	assert_int_equal(
	    tu_set_int(t, PEER, 1, "ipsecPeerRowStatus", AGENT_RS_NOTREADY, 0),
	    AGENT_ERR_WRONGVALUE);
	assert_int_equal(tu_set_int(t, PEER, 1, "ipsecPeerOperStatus", 1, 0),
	                 AGENT_ERR_NOTWRITABLE);
	agent_txn_free(t);
}

static void
wait_then_activate(void **state)
{
	struct agent_store *st = *state;
	struct agent_txn *t = agent_txn_new(st);

	assert_int_equal(tu_set_int(t, PEER, 2, "ipsecPeerRowStatus",
	                            AGENT_RS_CREATEANDWAIT, 0),
	                 AGENT_OK);
	assert_int_equal(tu_run(t), AGENT_OK);
	agent_txn_free(t);
	assert_int_equal(tu_int(st, PEER, 2, "ipsecPeerRowStatus"),
	                 AGENT_RS_NOTINSERVICE);
	t = agent_txn_new(st);
	tu_set_int(t, PEER, 2, "ipsecPeerRowStatus", AGENT_RS_ACTIVE, 0);
	assert_int_equal(tu_run(t), AGENT_OK);
	agent_txn_free(t);
	assert_int_equal(tu_int(st, PEER, 2, "ipsecPeerRowStatus"),
	                 AGENT_RS_ACTIVE);
	/* active on a row that does not exist is inconsistentValue. */
	t = agent_txn_new(st);
	tu_set_int(t, PEER, 99, "ipsecPeerRowStatus", AGENT_RS_ACTIVE, 0);
	assert_int_equal(tu_run(t), AGENT_ERR_INCONSISTENTVALUE);
	agent_txn_free(t);
	assert_null(tu_row(st, PEER, 99));
}

static void
destroy(void **state)
{
	struct agent_store *st = *state;
	struct agent_txn *t;

	assert_int_equal(make_peer(st, 4, "x"), AGENT_OK);
	t = agent_txn_new(st);
	tu_set_int(t, PEER, 4, "ipsecPeerRowStatus", AGENT_RS_DESTROY, 0);
	assert_int_equal(tu_run(t), AGENT_OK);
	agent_txn_free(t);
	assert_null(tu_row(st, PEER, 4));
	/* Destroying a row that is not there is no error (RFC 2579). */
	t = agent_txn_new(st);
	tu_set_int(t, PEER, 4, "ipsecPeerRowStatus", AGENT_RS_DESTROY, 0);
	assert_int_equal(tu_run(t), AGENT_OK);
	agent_txn_free(t);
}

static void
dangling_reference(void **state)
{
	struct agent_store *st = *state;
	struct agent_txn *t = agent_txn_new(st);

	tu_set_int(t, PEER, 5, "ipsecPeerRowStatus", AGENT_RS_CREATEANDGO, 0);
	tu_set_int(t, PEER, 5, "ipsecPeerIkeProfile", 4242, 1);
	assert_int_equal(tu_run(t), AGENT_ERR_INCONSISTENTVALUE);
	assert_int_equal(t->err_vb, 1);
	assert_non_null(strstr(t->reason, "ikeProfileTable"));
	agent_txn_free(t);
	assert_null(tu_row(st, PEER, 5));
}

/* A multi-varbind SET with one bad row leaves every row untouched. */
static void
all_or_nothing(void **state)
{
	struct agent_store *st = *state;
	struct agent_txn *t;

	assert_int_equal(make_peer(st, 1, "first"), AGENT_OK);
	t = agent_txn_new(st);
	tu_set_str(t, PEER, 1, "ipsecPeerDescription", "changed", 0);
	tu_set_int(t, PEER, 8, "ipsecPeerRowStatus", AGENT_RS_CREATEANDGO, 1);
	tu_set_int(t, PEER, 8, "ipsecPeerIpsecProfile", 4242, 2);
	assert_int_not_equal(tu_run(t), AGENT_OK);
	agent_txn_free(t);
	assert_memory_equal(
	    tu_row(st, PEER, 1)
	        ->v[tu_pos(tu_gid(PEER), "ipsecPeerDescription")]
	        .s,
	    "first", 5);
	assert_null(tu_row(st, PEER, 8));
}

/* UNDO after ACTION (another subagent failed) restores the old images. */
static void
undo(void **state)
{
	struct agent_store *st = *state;
	struct agent_txn *t;

	assert_int_equal(make_peer(st, 1, "first"), AGENT_OK);
	t = agent_txn_new(st);
	tu_set_str(t, PEER, 1, "ipsecPeerDescription", "changed", 0);
	tu_set_int(t, PEER, 9, "ipsecPeerRowStatus", AGENT_RS_CREATEANDGO, 1);
	assert_int_equal(tu_run(t), AGENT_OK);
	assert_non_null(tu_row(st, PEER, 9));
	agent_txn_undo(t);
	agent_txn_free(t);
	assert_null(tu_row(st, PEER, 9));
	assert_memory_equal(
	    tu_row(st, PEER, 1)
	        ->v[tu_pos(tu_gid(PEER), "ipsecPeerDescription")]
	        .s,
	    "first", 5);
}

static void
scalars(void **state)
{
	struct agent_store *st = *state;
	struct agent_txn *t = agent_txn_new(st);

	/* G1: IPSec is off until enabled (TruthValue false = 2). */
	assert_int_equal(tu_int(st, "ipsecGlobals", 0, "ipsecGlobEnable"), 2);
	tu_set_int(t, "ipsecGlobals", 0, "ipsecGlobEnable", 1, 0);
	assert_int_equal(tu_run(t), AGENT_OK);
	agent_txn_free(t);
	assert_int_equal(tu_int(st, "ipsecGlobals", 0, "ipsecGlobEnable"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(create_and_go, tu_setup_defaults,
	                                    tu_teardown_store),
	    cmocka_unit_test_setup_teardown(
	        column_of_missing_row, tu_setup_defaults, tu_teardown_store),
	    cmocka_unit_test_setup_teardown(bad_values, tu_setup_defaults,
	                                    tu_teardown_store),
	    cmocka_unit_test_setup_teardown(
	        wait_then_activate, tu_setup_defaults, tu_teardown_store),
	    cmocka_unit_test_setup_teardown(destroy, tu_setup_defaults,
	                                    tu_teardown_store),
	    cmocka_unit_test_setup_teardown(
	        dangling_reference, tu_setup_defaults, tu_teardown_store),
	    cmocka_unit_test_setup_teardown(all_or_nothing, tu_setup_defaults,
	                                    tu_teardown_store),
	    cmocka_unit_test_setup_teardown(undo, tu_setup_defaults,
	                                    tu_teardown_store),
	    cmocka_unit_test_setup_teardown(scalars, tu_setup_defaults,
	                                    tu_teardown_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
