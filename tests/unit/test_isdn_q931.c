/*
 * test_isdn_q931.c - the Q.931 codec: hand-assembled messages (derived
 * octet by octet from Q.931 4.2 - 4.5 and written out in the comments)
 * decode to what they say and re-encode byte for byte; unknown IEs,
 * single-octet IEs and codeset shifts are skipped safely; each malformed
 * case yields its own error; and every truncated prefix of every valid
 * message is handled cleanly: a cut inside the header or an IE is an
 * error, a cut between IEs is a shorter message with fewer IEs (Q.931 has
 * no length field).  Inputs are copied to heap blocks of exactly their
 * size, so ASan sees any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "isdn_q931.h"

/* clang-format off */
/* SETUP, cref 1 octet = 5 from the originating side. */
static const uint8_t setup[] = {
	0x08, 0x01, 0x05, 0x05,
	0xa1,                   /* sending complete */
	0x04, 0x02, 0x88, 0x90, /* BC: ITU-T, unrestricted digital; circuit 64k */
	0x18, 0x01, 0x83,       /* chan id: basic, preferred, any channel */
	/* calling: ext 0, national (010), ISDN plan (0001) = 0x21; 3a: ext 1,
	 * presentation allowed (00), user provided verified (01) = 0x81 */
	0x6c, 0x06, 0x21, 0x81, '5', '6', '7', '8',
	0x6d, 0x03, 0x80, 0x50, 0x51, /* calling subaddress: NSAP, even */
	/* called: ext 1, unknown type (000), ISDN plan = 0x81; "01234" */
	0x70, 0x06, 0x81, '0', '1', '2', '3', '4',
	0x71, 0x04, 0xa0, 0x01, 0x02, 0x03, /* called subaddr: user specified */
	0x7c, 0x03, 0x88, 0x90, 0xa5,       /* LLC */
};
/* CALL PROCEEDING from the network: flag set, chan id exclusive B1. */
static const uint8_t proceeding[] = {0x08, 0x01, 0x85, 0x02, 0x18, 0x01, 0x89};
static const uint8_t alerting[] = {0x08, 0x01, 0x85, 0x01};
static const uint8_t connect[] = {0x08, 0x01, 0x85, 0x07, 0x18, 0x01, 0x8a};
static const uint8_t connect_ack[] = {0x08, 0x01, 0x05, 0x0f};
/* DISCONNECT, cause: ext 1, ITU-T, public network serving local user
 * (0010) = 0x82; ext 1, #16 = 0x90. */
static const uint8_t disconnect[] = {0x08, 0x01, 0x85, 0x45,
	0x08, 0x02, 0x82, 0x90};
/* DISCONNECT, user cause #21 with the callback status diagnostic. */
static const uint8_t disconnect_cb[] = {0x08, 0x01, 0x85, 0x45,
	0x08, 0x06, 0x80, 0x95, 'C', 'B', 0x01, 0x13};
/* RELEASE with charging total 12 in codeset 6: non-locking shift
 * 1001 1 110 = 0x9e, then IE 0x02. */
static const uint8_t release[] = {0x08, 0x01, 0x85, 0x4d,
	0x9e, 0x02, 0x03, 0x02, '1', '2'};
/* RELEASE COMPLETE, #1 unallocated number, with recommendation octet 3a
 * (ext 0 on octet 3 = 0x02, 3a = 0x80 Q.931). */
static const uint8_t release_complete[] = {0x08, 0x01, 0x85, 0x5a,
	0x08, 0x03, 0x02, 0x80, 0x81};
/* INFORMATION, charging during the call: 3 units. */
static const uint8_t information[] = {0x08, 0x01, 0x85, 0x7b,
	0x9e, 0x02, 0x02, 0x01, '3'};
/* Primary rate call reference (2 octets, 0x1234) and the dummy one. */
static const uint8_t setup_pri[] = {0x08, 0x02, 0x92, 0x34, 0x05,
	0x04, 0x03, 0x80, 0x90, 0xa3};
static const uint8_t release_dummy[] = {0x08, 0x00, 0x4d};
/* clang-format on */

struct vec {
	const char *name;
	const uint8_t *b;
	size_t len;
};

#define V(x)                                                                   \
	{                                                                      \
#x, x, sizeof(x)                                               \
	}
static const struct vec valid[] = {
    V(setup),       V(proceeding),       V(alerting),      V(connect),
    V(connect_ack), V(disconnect),       V(disconnect_cb), V(release),
    V(information), V(release_complete), V(setup_pri),     V(release_dummy),
};
#undef V

/* Decodes a copy of exactly len octets. */
static enum isdn_q931_err
dec(const uint8_t *b, size_t len, struct isdn_q931_msg *m)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);
	enum isdn_q931_err e;

	assert_non_null(copy);
	if (len > 0)
		memcpy(copy, b, len);
	e = isdn_q931_decode(copy, len, m);
	free(copy);
	return e;
}

static void
test_setup_fields(void **state)
{
	struct isdn_q931_msg m;

	(void)state;
	assert_int_equal(dec(setup, sizeof(setup), &m), ISDN_Q931_OK);
	assert_int_equal(m.type, ISDN_Q931_SETUP);
	assert_int_equal(m.cref_len, 1);
	assert_int_equal(m.cref, 5);
	assert_int_equal(m.cref_flag, 0);
	assert_int_equal(m.present,
	                 ISDN_Q931_F_SENDING_COMPLETE | ISDN_Q931_F_BEARER |
	                     ISDN_Q931_F_CHANID | ISDN_Q931_F_CALLING |
	                     ISDN_Q931_F_CALLING_SUB | ISDN_Q931_F_CALLED |
	                     ISDN_Q931_F_CALLED_SUB | ISDN_Q931_F_LLC);
	assert_int_equal(m.bearer.cap, ISDN_CAP_DIGITAL);
	assert_int_equal(m.bearer.mode, 0);
	assert_int_equal(m.bearer.rate, 0x10);
	assert_int_equal(isdn_q931_bearer_kind(&m.bearer), ISDN_BEARER_DATA);
	assert_int_equal(m.chanid.sel, 3);
	assert_int_equal(m.chanid.exclusive, 0);
	assert_string_equal(m.calling.digits, "5678");
	assert_int_equal(m.calling.type, 2);
	assert_int_equal(m.calling.plan, 1);
	assert_int_equal(m.calling.has_3a, 1);
	assert_int_equal(m.calling.presentation, 0);
	assert_int_equal(m.calling.screening, 1);
	assert_int_equal(m.calling_sub.type, ISDN_SUBADDR_NSAP);
	assert_int_equal(m.calling_sub.len, 2);
	assert_string_equal(m.called.digits, "01234");
	assert_int_equal(m.called.plan, 1);
	assert_int_equal(m.called_sub.type, ISDN_SUBADDR_USER);
	assert_int_equal(m.called_sub.odd, 0);
	assert_int_equal(m.called_sub.len, 3);
	assert_memory_equal(m.called_sub.info, "\x01\x02\x03", 3);
	assert_int_equal(m.llc.len, 3);
	assert_memory_equal(m.llc.raw, "\x88\x90\xa5", 3);
	assert_int_equal(m.llc.cap, ISDN_CAP_DIGITAL);
	assert_int_equal(m.n_skipped, 0);
}

static void
test_clearing_fields(void **state)
{
	struct isdn_q931_msg m;

	(void)state;
	assert_int_equal(dec(disconnect, sizeof(disconnect), &m), ISDN_Q931_OK);
	assert_int_equal(m.type, ISDN_Q931_DISCONNECT);
	assert_int_equal(m.cref_flag, 1);
	assert_int_equal(m.cause.value, ISDN_CAUSE_NORMAL);
	assert_int_equal(m.cause.location, ISDN_LOC_PUBLIC_LOC);
	assert_int_equal(m.cause.diag_len, 0);

	assert_int_equal(dec(disconnect_cb, sizeof(disconnect_cb), &m),
	                 ISDN_Q931_OK);
	assert_int_equal(m.cause.value, ISDN_CAUSE_REJECTED);
	assert_int_equal(m.cause.location, ISDN_LOC_USER);
	assert_int_equal(m.cause.diag_len, 4);
	assert_memory_equal(m.cause.diag, "CB\x01\x13", 4);

	assert_int_equal(dec(release_complete, sizeof(release_complete), &m),
	                 ISDN_Q931_OK);
	assert_int_equal(m.cause.value, ISDN_CAUSE_UNALLOCATED);
	assert_int_equal(m.cause.has_rec, 1);
	assert_int_equal(m.cause.rec, 0);

	assert_int_equal(dec(release, sizeof(release), &m), ISDN_Q931_OK);
	assert_int_equal(m.present, ISDN_Q931_F_CHARGE);
	assert_int_equal(m.charge_kind, ISDN_CHARGE_TOTAL);
	assert_int_equal(m.charge_units, 12);

	assert_int_equal(dec(information, sizeof(information), &m),
	                 ISDN_Q931_OK);
	assert_int_equal(m.charge_kind, ISDN_CHARGE_DURING);
	assert_int_equal(m.charge_units, 3);
}

static void
test_call_refs(void **state)
{
	struct isdn_q931_msg m;

	(void)state;
	assert_int_equal(dec(setup_pri, sizeof(setup_pri), &m), ISDN_Q931_OK);
	assert_int_equal(m.cref_len, 2);
	assert_int_equal(m.cref, 0x1234);
	assert_int_equal(m.cref_flag, 1);
	assert_int_equal(isdn_q931_bearer_kind(&m.bearer), ISDN_BEARER_SPEECH);
	assert_int_equal(m.bearer.l1, 3); /* G.711 A-law */
	assert_int_equal(dec(release_dummy, sizeof(release_dummy), &m),
	                 ISDN_Q931_OK);
	assert_int_equal(m.cref_len, 0);
	assert_int_equal(m.cref, 0);
	assert_int_equal(dec(connect, sizeof(connect), &m), ISDN_Q931_OK);
	assert_int_equal(m.chanid.sel, 2);
	assert_int_equal(m.chanid.exclusive, 1);
}

/* Every valid vector re-encodes to exactly its own bytes. */
static void
test_reencode(void **state)
{
	uint8_t out[ISDN_Q931_MAX_LEN];
	struct isdn_q931_msg m;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		n = 0;
		assert_int_equal(dec(valid[i].b, valid[i].len, &m),
		                 ISDN_Q931_OK);
		assert_int_equal(isdn_q931_encode(&m, out, sizeof(out), &n),
		                 ISDN_Q931_OK);
		if (n != valid[i].len || memcmp(out, valid[i].b, n) != 0)
			fail_msg("%s does not re-encode", valid[i].name);
	}
}

/* Built from fields with the helpers, then decoded back. */
static void
test_build_roundtrip(void **state)
{
	struct isdn_cause c = {.value = ISDN_CAUSE_BUSY, .location = 0};
	struct isdn_q931_msg m, d;
	uint8_t out[ISDN_Q931_MAX_LEN], raw[ISDN_SUBADDR_MAX];
	const uint8_t sub[] = {0xa8, 0x12, 0x34, 0x5f};
	const uint8_t llc[] = {0x88, 0x90, 0x01, 0x02};
	size_t n = 0;

	(void)state;
	isdn_q931_init(&m, ISDN_Q931_SETUP, 0x42, 0);
	m.present = ISDN_Q931_F_BEARER | ISDN_Q931_F_CHANID |
	            ISDN_Q931_F_CALLING | ISDN_Q931_F_CALLED |
	            ISDN_Q931_F_CALLED_SUB | ISDN_Q931_F_LLC |
	            ISDN_Q931_F_CHARGE;
	isdn_q931_bearer_set(&m.bearer, ISDN_BEARER_AUDIO);
	isdn_q931_chanid_bri(&m.chanid, 1, 1);
	assert_int_equal(isdn_q931_number_set(&m.calling, "*31#0891234"), 0);
	assert_int_equal(isdn_q931_number_set(&m.called, "4711"), 0);
	assert_int_equal(
	    isdn_q931_subaddr_from_raw(&m.called_sub, sub, sizeof(sub)), 0);
	assert_int_equal(isdn_q931_llc_set(&m.llc, llc, sizeof(llc)), 0);
	m.charge_kind = ISDN_CHARGE_TOTAL;
	m.charge_units = 4294967295u;
	isdn_q931_cause_set(&m, &c);
	assert_int_equal(isdn_q931_encode(&m, out, sizeof(out), &n),
	                 ISDN_Q931_OK);
	assert_int_equal(isdn_q931_decode(out, n, &d), ISDN_Q931_OK);
	assert_int_equal(d.present, m.present);
	assert_int_equal(d.cref, 0x42);
	assert_int_equal(isdn_q931_bearer_kind(&d.bearer), ISDN_BEARER_AUDIO);
	assert_int_equal(d.chanid.sel, 1);
	assert_int_equal(d.chanid.exclusive, 1);
	assert_string_equal(d.calling.digits, "*31#0891234");
	assert_string_equal(d.called.digits, "4711");
	assert_int_equal(d.called_sub.odd, 1);
	assert_int_equal(
	    isdn_q931_subaddr_to_raw(&d.called_sub, raw, sizeof(raw)),
	    sizeof(sub));
	assert_memory_equal(raw, sub, sizeof(sub));
	assert_memory_equal(d.llc.raw, llc, sizeof(llc));
	assert_int_equal(d.charge_units, 4294967295u);
	assert_int_equal(d.cause.value, ISDN_CAUSE_BUSY);
	assert_int_equal(d.cause.location, 0);
}

/* Where the IEs of a valid vector end: a cut there leaves a valid,
 * shorter message. */
static int
at_boundary(const uint8_t *b, size_t len, size_t cut)
{
	size_t off = 3 + (b[1] & 0x0f);

	if (cut < off)
		return 0;
	while (off < cut)
		off += (b[off] & 0x80) ? 1 : 2 + (size_t)b[off + 1];
	(void)len;
	return off == cut;
}

static void
test_truncated_prefixes(void **state)
{
	struct isdn_q931_msg m, full;
	enum isdn_q931_err e;
	size_t i, cut;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		assert_int_equal(dec(valid[i].b, valid[i].len, &full),
		                 ISDN_Q931_OK);
		for (cut = 0; cut < valid[i].len; cut++) {
			e = dec(valid[i].b, cut, &m);
			if (!at_boundary(valid[i].b, valid[i].len, cut)) {
				if (e == ISDN_Q931_OK)
					fail_msg("%s cut at %zu decoded",
					         valid[i].name, cut);
				continue;
			}
			/* between IEs: fewer IEs, or a missing mandatory */
			if (e == ISDN_Q931_ERR_MANDATORY)
				continue;
			assert_int_equal(e, ISDN_Q931_OK);
			assert_int_equal(m.present & ~full.present, 0);
			assert_true(m.present != full.present);
		}
	}
}

struct bad {
	const char *name;
	uint8_t b[20];
	uint32_t len;
	enum isdn_q931_err err;
};

static void
test_errors(void **state)
{
	/* clang-format off */
	static const struct bad bad[] = {
	    {"empty", {0}, 0, ISDN_Q931_ERR_SHORT},
	    {"two octets", {0x08, 0x01}, 2, ISDN_Q931_ERR_SHORT},
	    {"cref cut", {0x08, 0x02, 0x01}, 3, ISDN_Q931_ERR_SHORT},
	    {"pd", {0x09, 0x01, 0x05, 0x05}, 4, ISDN_Q931_ERR_PD},
	    {"cref len 3", {0x08, 0x03, 0, 0, 1, 0x4d}, 6, ISDN_Q931_ERR_CREF},
	    {"cref spare", {0x08, 0x11, 0x05, 0x4d}, 4, ISDN_Q931_ERR_CREF},
	    {"type bit 8", {0x08, 0x01, 0x05, 0x85}, 4, ISDN_Q931_ERR_MSGTYPE},
	    {"type 0x06", {0x08, 0x01, 0x05, 0x06}, 4, ISDN_Q931_ERR_MSGTYPE},
	    {"ie no len", {0x08, 0x01, 0x05, 0x01, 0x1e}, 5,
	     ISDN_Q931_ERR_IE_TRUNC},
	    {"ie overrun", {0x08, 0x01, 0x05, 0x01, 0x1e, 0x05, 0x81}, 7,
	     ISDN_Q931_ERR_IE_TRUNC},
	    {"bc len 1", {0x08, 0x01, 0x05, 0x05, 0x04, 0x01, 0x88}, 7,
	     ISDN_Q931_ERR_IE_LEN},
	    {"bc 4 open", {0x08, 0x01, 0x05, 0x05, 0x04, 0x02, 0x88, 0x10}, 8,
	     ISDN_Q931_ERR_IE_CONTENT},
	    {"bc no ext", {0x08, 0x01, 0x05, 0x05, 0x04, 0x02, 0x08, 0x90}, 8,
	     ISDN_Q931_ERR_IE_CONTENT},
	    {"called digit A", {0x08, 0x01, 0x05, 0x07, 0x70, 0x02, 0x81, 'A'},
	     8, ISDN_Q931_ERR_IE_CONTENT},
	    {"called 3a", {0x08, 0x01, 0x05, 0x07, 0x70, 0x02, 0x01, '1'}, 8,
	     ISDN_Q931_ERR_IE_CONTENT},
	    {"calling 3a cut", {0x08, 0x01, 0x05, 0x07, 0x6c, 0x01, 0x01}, 7,
	     ISDN_Q931_ERR_IE_CONTENT},
	    {"cause no ext", {0x08, 0x01, 0x05, 0x5a, 0x08, 0x02, 0x82, 0x10},
	     8, ISDN_Q931_ERR_IE_CONTENT},
	    {"cause 3a only", {0x08, 0x01, 0x05, 0x5a, 0x08, 0x02, 0x02, 0x80},
	     8, ISDN_Q931_ERR_IE_CONTENT},
	    {"subaddr type", {0x08, 0x01, 0x05, 0x07, 0x71, 0x02, 0xc0, 1}, 8,
	     ISDN_Q931_ERR_IE_CONTENT},
	    {"llc len 1", {0x08, 0x01, 0x05, 0x07, 0x7c, 0x01, 0x88}, 7,
	     ISDN_Q931_ERR_IE_LEN},
	    {"charge digit", {0x08, 0x01, 0x05, 0x7b, 0x9e, 0x02, 0x02, 1, 'x'},
	     9, ISDN_Q931_ERR_IE_CONTENT},
	    {"charge 2^32", {0x08, 0x01, 0x05, 0x7b, 0x9e, 0x02, 0x0b, 1, '4',
	     '2', '9', '4', '9', '6', '7', '2', '9', '6'}, 18,
	     ISDN_Q931_ERR_IE_CONTENT},
	    {"shift down", {0x08, 0x01, 0x05, 0x01, 0x95, 0x90}, 6,
	     ISDN_Q931_ERR_SHIFT},
	    {"setup no bc", {0x08, 0x01, 0x05, 0x05, 0x70, 0x02, 0x81, '1'}, 8,
	     ISDN_Q931_ERR_MANDATORY},
	    {"disc no cause", {0x08, 0x01, 0x85, 0x45}, 4,
	     ISDN_Q931_ERR_MANDATORY},
	};
	/* clang-format on */
	struct isdn_q931_msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dec(bad[i].b, bad[i].len, &m) != bad[i].err)
			fail_msg(
			    "%s: got %s", bad[i].name,
			    isdn_q931_err_str(dec(bad[i].b, bad[i].len, &m)));
	assert_int_equal(isdn_q931_decode(NULL, 0, &m), ISDN_Q931_ERR_SHORT);
	assert_int_equal(isdn_q931_err_cause(ISDN_Q931_ERR_MANDATORY), 96);
	assert_int_equal(isdn_q931_err_cause(ISDN_Q931_ERR_IE_CONTENT), 100);
}

/* Unknown IEs, single-octet IEs, other codesets and repeats. */
static void
test_skipping(void **state)
{
	/* clang-format off */
	static const uint8_t msg[] = {
	    0x08, 0x01, 0x85, 0x01,
	    0x1e, 0x02, 0x81, 0x88, /* progress indicator: unknown here */
	    0xb1,                   /* congestion level: single octet */
	    0x9f, 0x04, 0x02, 0x88, 0x90, /* non-locking to 7: skipped BC */
	    0x08, 0x02, 0x80, 0x90, /* cause #16 */
	    0x08, 0x02, 0x80, 0x91, /* repeated cause: ignored */
	    0x95,                   /* locking shift to 5 */
	    0x70, 0x02, 0x81, '1',  /* codeset 5: skipped */
	    0xa1,                   /* single octet in codeset 5 */
	    0x9e, 0x02, 0x02, 0x01, '7', /* charging in codeset 6 */
	    0x02, 0x01, 0x00,       /* back in codeset 5: skipped */
	};
	/* clang-format on */
	struct isdn_q931_msg m;

	(void)state;
	assert_int_equal(dec(msg, sizeof(msg), &m), ISDN_Q931_OK);
	assert_int_equal(m.present, ISDN_Q931_F_CAUSE | ISDN_Q931_F_CHARGE);
	assert_int_equal(m.cause.value, 16);
	assert_int_equal(m.charge_units, 7);
	assert_int_equal(m.n_skipped, 6);
	assert_int_equal(m.n_repeated, 1);
}

static void
test_encode_errors(void **state)
{
	uint8_t out[ISDN_Q931_MAX_LEN];
	struct isdn_q931_msg m;
	size_t cap, n = 0;

	(void)state;
	assert_int_equal(dec(setup, sizeof(setup), &m), ISDN_Q931_OK);
	for (cap = 0; cap < sizeof(setup); cap++)
		assert_int_equal(isdn_q931_encode(&m, out, cap, &n),
		                 ISDN_Q931_ERR_NOSPACE);
	m.called.digits[1] = 'x';
	assert_int_equal(isdn_q931_encode(&m, out, sizeof(out), &n),
	                 ISDN_Q931_ERR_ARG);
	assert_int_equal(dec(setup, sizeof(setup), &m), ISDN_Q931_OK);
	m.called_sub.len = 21;
	assert_int_equal(isdn_q931_encode(&m, out, sizeof(out), &n),
	                 ISDN_Q931_ERR_ARG);
	isdn_q931_init(&m, ISDN_Q931_ALERTING, 0x80, 0);
	assert_int_equal(isdn_q931_encode(&m, out, sizeof(out), &n),
	                 ISDN_Q931_ERR_ARG);
	isdn_q931_init(&m, 0x33, 1, 0);
	assert_int_equal(isdn_q931_encode(&m, out, sizeof(out), &n),
	                 ISDN_Q931_ERR_ARG);
	isdn_q931_init(&m, ISDN_Q931_RELEASE, 1, 0);
	m.present = ISDN_Q931_F_CAUSE;
	m.cause.diag_len = 29;
	assert_int_equal(isdn_q931_encode(&m, out, sizeof(out), &n),
	                 ISDN_Q931_ERR_ARG);
	assert_int_equal(isdn_q931_number_set(&m.called, "123456789012345678"
	                                                 "901234567890123"),
	                 -1);
	assert_int_equal(isdn_q931_llc_set(&m.llc, out, 17), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_setup_fields),
	    cmocka_unit_test(test_clearing_fields),
	    cmocka_unit_test(test_call_refs),
	    cmocka_unit_test(test_reencode),
	    cmocka_unit_test(test_build_roundtrip),
	    cmocka_unit_test(test_truncated_prefixes),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_skipping),
	    cmocka_unit_test(test_encode_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
