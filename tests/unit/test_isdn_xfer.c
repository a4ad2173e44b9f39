/*
 * test_isdn_xfer.c - the address/token record, its LLC and subaddress
 * carriers, the B-channel frames and the callee's status diagnostic: known
 * vectors (the CRC values were computed independently and checked against
 * the CRC-16/CCITT-FALSE check value), every single-bit error refused,
 * every truncated prefix refused, foreign IE contents told apart from
 * damaged ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "isdn_xfer.h"

static const struct isdn_xfer x0 = {
    {198, 51, 100, 7}, {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}};

/* clang-format off */
/* version 1, 198.51.100.7, token, CRC-16 over the 13 octets before it */
static const uint8_t rec0[ISDN_XFER_REC_LEN] = {
	0x01, 0xc6, 0x33, 0x64, 0x07,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x68, 0xd1,
};
/* 'I' 'C', XFER, 15, the record, CRC-16 over the 19 octets before it */
static const uint8_t bxfer0[] = {
	0x49, 0x43, 0x01, 0x0f,
	0x01, 0xc6, 0x33, 0x64, 0x07,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x68, 0xd1,
	0xe0, 0xe2,
};
/* ACK with status ACCEPTED | B */
static const uint8_t back0[] = {0x49, 0x43, 0x02, 0x01, 0x14, 0x52, 0xbc};
/* clang-format on */

static void
test_crc(void **state)
{
	(void)state;
	assert_int_equal(isdn_xfer_crc16((const uint8_t *)"123456789", 9),
	                 0x29b1);
	assert_int_equal(isdn_xfer_crc16(NULL, 0), 0xffff);
}

static void
test_record(void **state)
{
	uint8_t out[ISDN_XFER_REC_LEN];
	struct isdn_xfer x;

	(void)state;
	assert_int_equal(isdn_xfer_pack(&x0, out), ISDN_XFER_OK);
	assert_memory_equal(out, rec0, sizeof(rec0));
	memset(&x, 0, sizeof(x));
	assert_int_equal(isdn_xfer_unpack(rec0, sizeof(rec0), &x),
	                 ISDN_XFER_OK);
	assert_memory_equal(&x, &x0, sizeof(x));
}

/* No single-bit error and no truncation goes through. */
static void
test_record_damage(void **state)
{
	uint8_t b[ISDN_XFER_REC_LEN + 1];
	struct isdn_xfer x;
	size_t i, n;
	int bit;

	(void)state;
	for (i = 0; i < sizeof(rec0); i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(b, rec0, sizeof(rec0));
			b[i] ^= (uint8_t)(1u << bit);
			assert_int_not_equal(
			    isdn_xfer_unpack(b, sizeof(rec0), &x),
			    ISDN_XFER_OK);
		}
	b[0] = 2;
	assert_int_equal(isdn_xfer_unpack(b, sizeof(rec0), &x),
	                 ISDN_XFER_ERR_VERSION);
	memcpy(b, rec0, sizeof(rec0));
	b[14] ^= 1;
	assert_int_equal(isdn_xfer_unpack(b, sizeof(rec0), &x),
	                 ISDN_XFER_ERR_CHECK);
	for (n = 0; n < sizeof(rec0); n++)
		assert_int_equal(isdn_xfer_unpack(rec0, n, &x),
		                 ISDN_XFER_ERR_LEN);
	memcpy(b, rec0, sizeof(rec0));
	b[15] = 0;
	assert_int_equal(isdn_xfer_unpack(b, sizeof(b), &x), ISDN_XFER_ERR_LEN);
}

static void
test_addresses(void **state)
{
	static const uint8_t bad[][4] = {{0, 0, 0, 0},   {0, 1, 2, 3},
	                                 {224, 0, 0, 1}, {239, 1, 1, 1},
	                                 {240, 0, 0, 1}, {255, 255, 255, 255}};
	static const uint8_t good[][4] = {
	    {1, 0, 0, 0}, {127, 0, 0, 1}, {10, 1, 2, 3}, {223, 255, 255, 254}};
	struct isdn_xfer x = x0, y;
	uint8_t out[ISDN_XFER_REC_LEN];
	uint16_t crc;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(x.addr, bad[i], 4);
		assert_int_equal(isdn_xfer_pack(&x, out), ISDN_XFER_ERR_ADDR);
		/* a record with it and a correct CRC is refused as well */
		memcpy(out, rec0, sizeof(out));
		memcpy(out + 1, bad[i], 4);
		crc = isdn_xfer_crc16(out, 13);
		out[13] = (uint8_t)(crc >> 8);
		out[14] = (uint8_t)crc;
		assert_int_equal(isdn_xfer_unpack(out, sizeof(out), &y),
		                 ISDN_XFER_ERR_ADDR);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memcpy(x.addr, good[i], 4);
		assert_int_equal(isdn_xfer_pack(&x, out), ISDN_XFER_OK);
		assert_int_equal(isdn_xfer_unpack(out, sizeof(out), &y),
		                 ISDN_XFER_OK);
		assert_memory_equal(y.addr, good[i], 4);
	}
}

static void
test_carriers(void **state)
{
	uint8_t llc[ISDN_XFER_LLC_LEN], sub[ISDN_XFER_SUB_LEN];
	static const uint8_t plain_llc[] = {0x88, 0x90};
	static const uint8_t nsap[] = {0x80, 0x50, 0x01};
	struct isdn_xfer x;

	(void)state;
	assert_int_equal(isdn_xfer_to_llc(&x0, llc), ISDN_XFER_OK);
	assert_int_equal(llc[0], 0x88);
	assert_memory_equal(llc + 1, rec0, sizeof(rec0));
	assert_int_equal(isdn_xfer_from_llc(llc, sizeof(llc), &x),
	                 ISDN_XFER_OK);
	assert_memory_equal(&x, &x0, sizeof(x));
	assert_int_equal(isdn_xfer_to_subaddr(&x0, sub), ISDN_XFER_OK);
	assert_int_equal(sub[0], 0xa0);
	assert_memory_equal(sub + 1, rec0, sizeof(rec0));
	assert_int_equal(isdn_xfer_from_subaddr(sub, sizeof(sub), &x),
	                 ISDN_XFER_OK);
	assert_memory_equal(&x, &x0, sizeof(x));
	/* an ordinary LLC of someone else is short: damaged, not foreign,
	 * since its octet 3 is the same */
	assert_int_equal(isdn_xfer_from_llc(plain_llc, sizeof(plain_llc), &x),
	                 ISDN_XFER_ERR_LEN);
	llc[0] = 0x90; /* 3.1 kHz audio: not ours */
	assert_int_equal(isdn_xfer_from_llc(llc, sizeof(llc), &x),
	                 ISDN_XFER_ERR_CARRIER);
	assert_int_equal(isdn_xfer_from_subaddr(nsap, sizeof(nsap), &x),
	                 ISDN_XFER_ERR_CARRIER);
	sub[0] = 0xa8; /* odd indicator set */
	assert_int_equal(isdn_xfer_from_subaddr(sub, sizeof(sub), &x),
	                 ISDN_XFER_ERR_CARRIER);
	assert_int_equal(isdn_xfer_from_subaddr(sub, 0, &x),
	                 ISDN_XFER_ERR_CARRIER);
}

static void
test_bframes(void **state)
{
	uint8_t out[ISDN_BFRAME_MAX], body[ISDN_BFRAME_BODY_MAX], type = 0;
	uint8_t st = ISDN_ST_ACCEPTED | ISDN_ST_B, two[64];
	size_t n = 0, blen = 0, used = 0;

	(void)state;
	assert_int_equal(isdn_bframe_build(ISDN_BFRAME_XFER, rec0, sizeof(rec0),
	                                   out, sizeof(out), &n),
	                 ISDN_XFER_OK);
	assert_int_equal(n, sizeof(bxfer0));
	assert_memory_equal(out, bxfer0, n);
	assert_int_equal(
	    isdn_bframe_build(ISDN_BFRAME_ACK, &st, 1, out, sizeof(out), &n),
	    ISDN_XFER_OK);
	assert_memory_equal(out, back0, sizeof(back0));
	/* two frames back to back: the first is parsed, used says where
	 * the second starts */
	memcpy(two, bxfer0, sizeof(bxfer0));
	memcpy(two + sizeof(bxfer0), back0, sizeof(back0));
	assert_int_equal(isdn_bframe_parse(two, sizeof(bxfer0) + sizeof(back0),
	                                   &type, body, &blen, &used),
	                 ISDN_XFER_OK);
	assert_int_equal(type, ISDN_BFRAME_XFER);
	assert_int_equal(blen, sizeof(rec0));
	assert_memory_equal(body, rec0, blen);
	assert_int_equal(used, sizeof(bxfer0));
	assert_int_equal(isdn_bframe_parse(two + used, sizeof(back0), &type,
	                                   body, &blen, &used),
	                 ISDN_XFER_OK);
	assert_int_equal(type, ISDN_BFRAME_ACK);
	assert_int_equal(body[0], st);
	assert_int_equal(isdn_bframe_build(1, rec0, 33, out, sizeof(out), &n),
	                 ISDN_XFER_ERR_LEN);
	assert_int_equal(isdn_bframe_build(1, rec0, 15, out, 20, &n),
	                 ISDN_XFER_ERR_LEN);
}

/* Every prefix is "need more" (never OK), every bit flip is refused. */
static void
test_bframe_damage(void **state)
{
	uint8_t b[sizeof(bxfer0)], body[ISDN_BFRAME_BODY_MAX], type;
	size_t i, blen, used;
	int bit;
	uint8_t *copy;

	(void)state;
	for (i = 0; i < sizeof(bxfer0); i++) {
		copy = malloc(i > 0 ? i : 1);
		assert_non_null(copy);
		memcpy(copy, bxfer0, i);
		assert_int_equal(
		    isdn_bframe_parse(copy, i, &type, body, &blen, &used),
		    ISDN_XFER_ERR_SHORT);
		free(copy);
	}
	for (i = 0; i < sizeof(bxfer0); i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(b, bxfer0, sizeof(b));
			b[i] ^= (uint8_t)(1u << bit);
			assert_int_not_equal(isdn_bframe_parse(b, sizeof(b),
			                                       &type, body,
			                                       &blen, &used),
			                     ISDN_XFER_OK);
		}
	memcpy(b, bxfer0, sizeof(b));
	b[0] = 'X';
	assert_int_equal(isdn_bframe_parse(b, 1, &type, body, &blen, &used),
	                 ISDN_XFER_ERR_MAGIC);
	b[0] = 'I';
	b[3] = 33;
	assert_int_equal(
	    isdn_bframe_parse(b, sizeof(b), &type, body, &blen, &used),
	    ISDN_XFER_ERR_LEN);
}

static void
test_bframe_type_len(void **state)
{
	uint8_t out[ISDN_BFRAME_MAX], body[ISDN_BFRAME_BODY_MAX], type;
	size_t n = 0, blen, used;

	(void)state;
	assert_int_equal(isdn_bframe_build(7, rec0, 1, out, sizeof(out), &n),
	                 ISDN_XFER_OK);
	assert_int_equal(isdn_bframe_parse(out, n, &type, body, &blen, &used),
	                 ISDN_XFER_ERR_TYPE);
	assert_int_equal(
	    isdn_bframe_build(ISDN_BFRAME_ACK, rec0, 2, out, sizeof(out), &n),
	    ISDN_XFER_OK);
	assert_int_equal(isdn_bframe_parse(out, n, &type, body, &blen, &used),
	                 ISDN_XFER_ERR_LEN);
	assert_int_equal(
	    isdn_bframe_build(ISDN_BFRAME_XFER, rec0, 14, out, sizeof(out), &n),
	    ISDN_XFER_OK);
	assert_int_equal(isdn_bframe_parse(out, n, &type, body, &blen, &used),
	                 ISDN_XFER_ERR_LEN);
}

static void
test_status_cause(void **state)
{
	struct isdn_cause c;
	uint8_t st = 0;

	(void)state;
	isdn_xfer_status_cause(ISDN_ST_ACCEPTED | ISDN_ST_LLC, &c);
	assert_int_equal(c.value, ISDN_CAUSE_REJECTED);
	assert_int_equal(c.location, ISDN_LOC_USER);
	assert_int_equal(c.diag_len, 4);
	assert_memory_equal(c.diag, "CB\x01\x11", 4);
	assert_int_equal(isdn_xfer_cause_status(&c, &st), 0);
	assert_int_equal(st, ISDN_ST_ACCEPTED | ISDN_ST_LLC);
	c.diag[2] = 2;
	assert_int_equal(isdn_xfer_cause_status(&c, &st), -1);
	isdn_xfer_status_cause(0, &c);
	c.value = ISDN_CAUSE_BUSY;
	assert_int_equal(isdn_xfer_cause_status(&c, &st), -1);
	memset(&c, 0, sizeof(c));
	c.value = ISDN_CAUSE_REJECTED;
	assert_int_equal(isdn_xfer_cause_status(&c, &st), -1);
	assert_string_equal(isdn_xfer_err_str(ISDN_XFER_ERR_CHECK),
	                    "check value mismatch");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_crc),
	    cmocka_unit_test(test_record),
	    cmocka_unit_test(test_record_damage),
	    cmocka_unit_test(test_addresses),
	    cmocka_unit_test(test_carriers),
	    cmocka_unit_test(test_bframes),
	    cmocka_unit_test(test_bframe_damage),
	    cmocka_unit_test(test_bframe_type_len),
	    cmocka_unit_test(test_status_cause),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
