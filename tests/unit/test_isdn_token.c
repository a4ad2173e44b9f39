/*
 * test_isdn_token.c - the callback token store: a token is accepted once
 * within its lifetime; a wrong, expired or replayed one is refused with
 * its own error; a new token replaces the peer's old one; the caller's
 * slot array is the only state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "isdn.h"

static const uint8_t addr_a[4] = {198, 51, 100, 7};
static const uint8_t addr_b[4] = {203, 0, 113, 9};

static void
test_once(void **state)
{
	struct isdn_token slots[4], *t = NULL;
	struct isdn_token_store st;
	uint8_t tok[ISDN_TOKEN_LEN];
	uint32_t peer = 0;

	(void)state;
	isdn_token_store_init(&st, slots, 4);
	assert_int_equal(isdn_token_create(&st, 7, addr_a, 1000, 120, &t),
	                 ISDN_TOKEN_OK);
	assert_non_null(t);
	assert_int_equal(t->peer_id, 7);
	assert_memory_equal(t->addr, addr_a, 4);
	assert_int_equal(t->expires, 1120);
	assert_int_equal(isdn_token_remaining(t, 1000), 120);
	assert_int_equal(isdn_token_remaining(t, 1119), 1);
	memcpy(tok, t->token, sizeof(tok));
	assert_int_equal(isdn_token_verify(&st, tok, 1119, &peer),
	                 ISDN_TOKEN_OK);
	assert_int_equal(peer, 7);
	peer = 0;
	assert_int_equal(isdn_token_verify(&st, tok, 1119, &peer),
	                 ISDN_TOKEN_ERR_REPLAYED);
	assert_int_equal(peer, 7);
	tok[3] ^= 0x40;
	assert_int_equal(isdn_token_verify(&st, tok, 1001, &peer),
	                 ISDN_TOKEN_ERR_WRONG);
}

static void
test_expired(void **state)
{
	struct isdn_token slots[2], *t = NULL;
	struct isdn_token_store st;
	uint8_t tok[ISDN_TOKEN_LEN];
	uint32_t peer = 0;

	(void)state;
	isdn_token_store_init(&st, slots, 2);
	assert_int_equal(isdn_token_create(&st, 3, addr_a, 50, 10, &t),
	                 ISDN_TOKEN_OK);
	memcpy(tok, t->token, sizeof(tok));
	assert_int_equal(isdn_token_remaining(t, 60), 0);
	assert_int_equal(isdn_token_verify(&st, tok, 60, &peer),
	                 ISDN_TOKEN_ERR_EXPIRED);
	assert_int_equal(peer, 3);
	/* an expired token is never accepted later either */
	assert_int_equal(isdn_token_verify(&st, tok, 61, &peer),
	                 ISDN_TOKEN_ERR_EXPIRED);
	/* once swept it is simply unknown */
	assert_int_equal(isdn_token_expire(&st, 61), 1);
	assert_null(isdn_token_find(&st, 3));
	assert_int_equal(isdn_token_verify(&st, tok, 61, &peer),
	                 ISDN_TOKEN_ERR_WRONG);
}

static void
test_replace_and_peers(void **state)
{
	struct isdn_token slots[2], *t = NULL;
	struct isdn_token_store st;
	uint8_t old[ISDN_TOKEN_LEN], tb[ISDN_TOKEN_LEN];
	uint32_t peer = 0;

	(void)state;
	isdn_token_store_init(&st, slots, 2);
	assert_int_equal(isdn_token_create(&st, 1, addr_a, 0, 100, &t),
	                 ISDN_TOKEN_OK);
	memcpy(old, t->token, sizeof(old));
	assert_int_equal(isdn_token_create(&st, 2, addr_b, 0, 100, &t),
	                 ISDN_TOKEN_OK);
	memcpy(tb, t->token, sizeof(tb));
	assert_memory_not_equal(old, tb, sizeof(tb));
	/* full: a third peer does not fit */
	assert_int_equal(isdn_token_create(&st, 3, addr_a, 0, 100, NULL),
	                 ISDN_TOKEN_ERR_FULL);
	/* a new token for peer 1 takes its slot and voids the old one */
	assert_int_equal(isdn_token_create(&st, 1, addr_b, 5, 100, &t),
	                 ISDN_TOKEN_OK);
	assert_memory_not_equal(old, t->token, sizeof(old));
	assert_memory_equal(isdn_token_find(&st, 1)->addr, addr_b, 4);
	assert_int_equal(isdn_token_verify(&st, old, 6, &peer),
	                 ISDN_TOKEN_ERR_WRONG);
	assert_int_equal(isdn_token_verify(&st, tb, 6, &peer), ISDN_TOKEN_OK);
	assert_int_equal(peer, 2);
	isdn_token_remove(&st, 2);
	assert_null(isdn_token_find(&st, 2));
	assert_int_equal(isdn_token_verify(&st, tb, 6, &peer),
	                 ISDN_TOKEN_ERR_WRONG);
	assert_int_equal(isdn_token_create(&st, 3, addr_a, 0, 100, NULL),
	                 ISDN_TOKEN_OK);
}

static void
test_args(void **state)
{
	struct isdn_token slots[1];
	struct isdn_token_store st, empty;
	uint8_t tok[ISDN_TOKEN_LEN] = {0};

	(void)state;
	isdn_token_store_init(&st, slots, 1);
	isdn_token_store_init(&empty, NULL, 0);
	assert_int_equal(isdn_token_create(&st, 1, addr_a, 0, 0, NULL),
	                 ISDN_TOKEN_ERR_ARG);
	assert_int_equal(isdn_token_create(NULL, 1, addr_a, 0, 10, NULL),
	                 ISDN_TOKEN_ERR_ARG);
	assert_int_equal(isdn_token_create(&empty, 1, addr_a, 0, 10, NULL),
	                 ISDN_TOKEN_ERR_FULL);
	/* an all-zero guess never matches an empty slot */
	assert_int_equal(isdn_token_verify(&st, tok, 0, NULL),
	                 ISDN_TOKEN_ERR_WRONG);
	assert_int_equal(isdn_token_remaining(NULL, 0), 0);
	assert_int_equal(isdn_token_expire(&empty, 100), 0);
	assert_string_equal(isdn_token_err_str(ISDN_TOKEN_ERR_REPLAYED),
	                    "token already used");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_once),
	    cmocka_unit_test(test_expired),
	    cmocka_unit_test(test_replace_and_peers),
	    cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
