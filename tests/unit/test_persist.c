/*
 * test_persist.c - durability of the configuration: snapshot and journal
 * round trips, a crash cut at every byte of the journal, and damaged files
 * that must stop the daemon without being overwritten.
 */
#include "test_util.h"

#include "agent_persist.h"
#include "common.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define PEER "ipsecPeerTable"

struct fx {
	char dir[64];
	struct agent_store *st;
	struct agent_persist *p;
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
spit(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void
path(char *buf, size_t n, const struct fx *fx, const char *name)
{
	snprintf(buf, n, "%s/%s", fx->dir, name);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ipsecgw-ut.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	gw_log_init("test", 0, GW_LOG_ERR);
	*state = fx;
	return 0;
}

static void
fx_close(struct fx *fx)
{
	agent_persist_close(fx->p);
	agent_store_free(fx->st);
	fx->p = NULL;
	fx->st = NULL;
}

static int
fx_open(struct fx *fx)
{
	fx_close(fx);
	fx->st = agent_store_new();
	fx->p = agent_persist_open(fx->st, fx->dir);
	return fx->p != NULL;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];

	fx_close(fx);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static void
add_peer(struct fx *fx, int32_t idx, const char *descr)
{
	struct agent_txn *t = agent_txn_new(fx->st);

	tu_set_int(t, PEER, idx, "ipsecPeerRowStatus", AGENT_RS_CREATEANDGO, 0);
	tu_set_str(t, PEER, idx, "ipsecPeerDescription", descr, 1);
	tu_set_str(t, PEER, idx, "ipsecPeerPreSharedKey", "s3cr\"et\n", 2);
	assert_int_equal(tu_run(t), AGENT_OK);
	agent_txn_free(t);
}

/* Text image of the whole persistable store, for comparisons. */
static char *
dump(struct agent_store *st)
{
	struct gw_str s;
	size_t g, i;

	gw_str_init(&s);
	for (g = 0; g < agent_mib_ngroups; g++) {
		struct agent_table *t = agent_store_table(st, (int)g);

		if (t->g->kind == AGENT_GROUP_STATUS_TABLE)
			continue;
		for (i = 0; i < t->n; i++)
			agent_persist_row_line(&s, (int)g, t->rows[i]);
	}
	gw_str_append(&s, "", 0);
	return s.buf;
}

static void
first_start_defaults(void **state)
{
	struct fx *fx = *state;
	char p[128];
	struct stat sb;

	assert_true(fx_open(fx));
	/* The wizard's defaults: profiles and the IKE pre rule exist. */
	assert_true(agent_store_table(fx->st, tu_gid("ikeProfileTable"))->n >
	            0);
	assert_true(agent_store_table(fx->st, tu_gid("ipsecProfileTable"))->n >
	            0);
	assert_true(agent_store_table(fx->st, tu_gid("ikeProposalTable"))->n >
	            0);
	assert_true(agent_store_table(fx->st, tu_gid("ipsecProposalTable"))->n >
	            0);
	assert_true(agent_store_table(fx->st, tu_gid("ipsecTrafficTable"))->n >
	            0);
	path(p, sizeof(p), fx, "state.conf");
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
}

static void
round_trip(void **state)
{
	struct fx *fx = *state;
	char *before, *after;

	assert_true(fx_open(fx));
	add_peer(fx, 1, "one");
	add_peer(fx, 2, "two with \"quotes\" and \\");
	before = dump(fx->st);
	assert_true(fx_open(fx)); /* replays the journal */
	after = dump(fx->st);
	assert_string_equal(before, after);
	free(after);
	assert_int_equal(agent_persist_compact(fx->p), 0);
	assert_true(fx_open(fx)); /* from the snapshot alone */
	after = dump(fx->st);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/*
 * A crash can cut the journal after any byte: every prefix must load, and
 * give exactly the state after the last complete transaction in it.
 */
static void
journal_every_prefix(void **state)
{
	struct fx *fx = *state;
	char jp[128], sp[128], *journal, *snap0, *states[4];
	size_t jlen, slen, cut, ends[4], k, n = 0;

	path(jp, sizeof(jp), fx, "state.journal");
	path(sp, sizeof(sp), fx, "state.conf");
	assert_true(fx_open(fx));
	snap0 = slurp(sp, &slen);
	states[n] = dump(fx->st);
	ends[n++] = 0;
	for (k = 1; k <= 3; k++) {
		char d[16];
		size_t len;

		snprintf(d, sizeof(d), "peer %zu", k);
		add_peer(fx, (int32_t)k, d);
		states[n] = dump(fx->st);
		free(slurp(jp, &len));
		ends[n++] = len;
	}
	fx_close(fx);
	journal = slurp(jp, &jlen);
	for (cut = 0; cut <= jlen; cut++) {
		char *got;
		size_t want = 0;

		spit(sp, snap0, slen);
		spit(jp, journal, cut);
		for (k = 0; k < n; k++)
			if (ends[k] <= cut)
				want = k;
		assert_true(fx_open(fx));
		got = dump(fx->st);
		assert_string_equal(got, states[want]);
		free(got);
		fx_close(fx);
	}
	free(journal);
	free(snap0);
	for (k = 0; k < n; k++)
		free(states[k]);
}

static void
corrupt_snapshot_refused(void **state)
{
	struct fx *fx = *state;
	char sp[128], *orig, *bad, *again;
	size_t len, len2;

	assert_true(fx_open(fx));
	add_peer(fx, 1, "one");
	assert_int_equal(agent_persist_compact(fx->p), 0);
	fx_close(fx);
	path(sp, sizeof(sp), fx, "state.conf");
	orig = slurp(sp, &len);
	/* A value out of range in the middle. */
	bad = strdup(orig);
	{
		char *p = strstr(bad, "ipsecPeerAdminStatus=");

		assert_non_null(p);
		p[strlen("ipsecPeerAdminStatus=")] = '9';
	}
	spit(sp, bad, len);
	assert_false(fx_open(fx));
	again = slurp(sp, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(again, bad, len); /* nothing overwritten */
	free(again);
	/*
	 * Every truncated prefix of the snapshot is refused too (only the
	 * final newline may be missing: then every record is still there).
	 */
	for (size_t cut = 0; cut + 1 < len; cut++) {
		spit(sp, orig, cut);
		assert_false(fx_open(fx));
	}
	free(bad);
	free(orig);
}

static void
corrupt_journal_middle_refused(void **state)
{
	struct fx *fx = *state;
	char jp[128], *j;
	size_t len;

	assert_true(fx_open(fx));
	add_peer(fx, 1, "one");
	add_peer(fx, 2, "two");
	fx_close(fx);
	path(jp, sizeof(jp), fx, "state.journal");
	j = slurp(jp, &len);
	/* Flip a byte inside the first transaction's body. */
	{
		char *p = strstr(j, "one");

		assert_non_null(p);
		p[0] = 'X';
	}
	spit(jp, j, len);
	assert_false(fx_open(fx));
	free(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(first_start_defaults, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(journal_every_prefix, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(corrupt_snapshot_refused, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(corrupt_journal_middle_refused,
	                                    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
