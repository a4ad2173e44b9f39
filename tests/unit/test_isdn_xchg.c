/*
 * test_isdn_xchg.c - the simulated exchange driven directly, without
 * sockets: registration, routing with the trunk prefix, calling number
 * screening, the telephone company profiles, rejection with the user's
 * cause and diagnostic passed through, answer with charging and B-channel
 * relay, clearing in three steps, a subscriber vanishing, and the control
 * commands the shell tests use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "common.h"
#include "isdn_frame.h"
#include "isdn_q931.h"
#include "isdnsim.h"

struct frame {
	uint8_t type;
	uint8_t p[ISDN_Q931_MAX_LEN];
	size_t len;
};

struct fsub {
	struct xsub *s;
	struct frame f[16];
	size_t n;
};

static void
fsend(void *io, uint8_t type, const uint8_t *p, size_t len)
{
	struct fsub *f = io;

	assert_true(f->n < 16);
	assert_true(len <= sizeof(f->f[0].p));
	f->f[f->n].type = type;
	memcpy(f->f[f->n].p, p, len);
	f->f[f->n].len = len;
	f->n++;
}

struct rig {
	struct event_base *base;
	struct xchg *x;
	struct fsub a, b;
};

static void
reg(struct rig *r, struct fsub *f, const char *num, uint8_t want)
{
	size_t n = f->n;

	xchg_sub_frame(r->x, f->s, ISDN_FRAME_REGISTER, (const uint8_t *)num,
	               strlen(num));
	assert_int_equal(f->n, n + 1);
	assert_int_equal(f->f[n].type, want);
}

static void
rig_init(struct rig *r, enum xchg_profile p)
{
	struct xchg_conf c = {.profile = p};

	memset(r, 0, sizeof(*r));
	r->base = event_base_new();
	r->x = xchg_new(r->base, &c);
	assert_non_null(r->x);
	r->a.s = xchg_sub_new(r->x, fsend, &r->a);
	r->b.s = xchg_sub_new(r->x, fsend, &r->b);
	reg(r, &r->a, "5678", ISDN_FRAME_REG_ACK);
	reg(r, &r->b, "1234", ISDN_FRAME_REG_ACK);
	r->a.n = r->b.n = 0;
}

static void
rig_free(struct rig *r)
{
	xchg_free(r->x);
	event_base_free(r->base);
}

static void
send_q(struct rig *r, struct fsub *f, const struct isdn_q931_msg *m)
{
	uint8_t buf[ISDN_Q931_MAX_LEN];
	size_t len = 0;

	assert_int_equal(isdn_q931_encode(m, buf, sizeof(buf), &len),
	                 ISDN_Q931_OK);
	xchg_sub_frame(r->x, f->s, ISDN_FRAME_Q931, buf, len);
}

static void
send_simple(struct rig *r, struct fsub *f, uint8_t type, uint16_t cref,
            int flag, uint8_t cause)
{
	struct isdn_q931_msg m;
	struct isdn_cause c = {.value = cause};

	isdn_q931_init(&m, type, cref, flag);
	if (cause != 0)
		isdn_q931_cause_set(&m, &c);
	send_q(r, f, &m);
}

/* The i-th frame f received, decoded as Q.931. */
static struct isdn_q931_msg
got(const struct fsub *f, size_t i, uint8_t type)
{
	struct isdn_q931_msg m;

	assert_true(i < f->n);
	assert_int_equal(f->f[i].type, ISDN_FRAME_Q931);
	assert_int_equal(isdn_q931_decode(f->f[i].p, f->f[i].len, &m),
	                 ISDN_Q931_OK);
	if (m.type != type)
		fail_msg("frame %zu: %s, wanted %s", i,
		         isdn_q931_type_str(m.type), isdn_q931_type_str(type));
	return m;
}

static void
setup_from_a(struct rig *r, const char *calling, const char *called, int want_b)
{
	const uint8_t llc[] = {0x88, 0x90, 0x01};
	const uint8_t sub[] = {0xa0, 0x42};
	struct isdn_q931_msg m;

	isdn_q931_init(&m, ISDN_Q931_SETUP, 3, 0);
	m.present = ISDN_Q931_F_BEARER | ISDN_Q931_F_CHANID |
	            ISDN_Q931_F_CALLED | ISDN_Q931_F_LLC |
	            ISDN_Q931_F_CALLED_SUB;
	isdn_q931_bearer_set(&m.bearer, ISDN_BEARER_DATA);
	isdn_q931_chanid_bri(&m.chanid, 0, want_b ? 3 : 0);
	assert_int_equal(isdn_q931_number_set(&m.called, called), 0);
	if (calling != NULL) {
		m.present |= ISDN_Q931_F_CALLING;
		assert_int_equal(isdn_q931_number_set(&m.calling, calling), 0);
	}
	assert_int_equal(isdn_q931_llc_set(&m.llc, llc, sizeof(llc)), 0);
	assert_int_equal(
	    isdn_q931_subaddr_from_raw(&m.called_sub, sub, sizeof(sub)), 0);
	send_q(r, &r->a, &m);
}

static void
ctl(struct rig *r, const char *cmd, char *out, size_t cap)
{
	struct gw_str s;

	gw_str_init(&s);
	xchg_ctl(r->x, cmd, &s);
	snprintf(out, cap, "%.*s", (int)s.len, s.buf);
	gw_str_free(&s);
}

static void
test_register(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, XCHG_PASS_ALL);
	reg(&r, &r.b, "5678", ISDN_FRAME_REG_NAK);
	assert_memory_equal(r.b.f[0].p, "5678 in use", 11);
	reg(&r, &r.b, "12x4", ISDN_FRAME_REG_NAK);
	reg(&r, &r.b, "1234", ISDN_FRAME_REG_ACK); /* again: fine */
	reg(&r, &r.b, "1235", ISDN_FRAME_REG_ACK);
	rig_free(&r);
}

static void
test_unallocated(void **state)
{
	struct isdn_q931_msg m;
	struct rig r;
	char out[256];

	(void)state;
	rig_init(&r, XCHG_PASS_ALL);
	setup_from_a(&r, "5678", "09999", 1);
	assert_int_equal(r.a.n, 1);
	m = got(&r.a, 0, ISDN_Q931_RELEASE_COMPLETE);
	assert_int_equal(m.cref, 3);
	assert_int_equal(m.cref_flag, 1);
	assert_int_equal(m.cause.value, ISDN_CAUSE_UNALLOCATED);
	assert_int_equal(r.b.n, 0);
	ctl(&r, "number 5678", out, sizeof(out));
	assert_non_null(strstr(out, "calls_out 1 "));
	assert_non_null(strstr(out, "rejected_out 1 "));
	ctl(&r, "stats", out, sizeof(out));
	assert_non_null(strstr(out, "unallocated 1\n"));
	rig_free(&r);
}

/* drop-llc, caller claims a number that is not its own: the callee sees
 * the caller's real number, the MSN it registered, no LLC. */
static void
test_delivery_and_reject(void **state)
{
	struct isdn_q931_msg m;
	struct isdn_cause c = {.value = ISDN_CAUSE_REJECTED, .diag_len = 4};
	struct rig r;
	char out[256];

	(void)state;
	rig_init(&r, XCHG_DROP_LLC);
	setup_from_a(&r, "1111", "01234", 0);
	m = got(&r.a, 0, ISDN_Q931_CALL_PROCEEDING);
	assert_int_equal(m.present & ISDN_Q931_F_CHANID, 0);
	m = got(&r.b, 0, ISDN_Q931_SETUP);
	assert_int_equal(m.cref_flag, 0);
	assert_string_equal(m.called.digits, "1234");
	assert_string_equal(m.calling.digits, "5678");
	assert_int_equal(m.calling.screening, 3);
	assert_int_equal(m.present & ISDN_Q931_F_LLC, 0);
	assert_true(m.present & ISDN_Q931_F_CALLED_SUB);
	assert_int_equal(m.chanid.sel, 0);
	/* the callee rejects with #21 and a diagnostic: passed unchanged */
	isdn_q931_init(&m, ISDN_Q931_RELEASE_COMPLETE, m.cref, 1);
	memcpy(c.diag, "CB\x01\x12", 4);
	isdn_q931_cause_set(&m, &c);
	send_q(&r, &r.b, &m);
	m = got(&r.a, 1, ISDN_Q931_DISCONNECT);
	assert_int_equal(m.cause.value, ISDN_CAUSE_REJECTED);
	assert_int_equal(m.cause.location, 0);
	assert_int_equal(m.cause.diag_len, 4);
	assert_memory_equal(m.cause.diag, "CB\x01\x12", 4);
	send_simple(&r, &r.a, ISDN_Q931_RELEASE, 3, 0, 0);
	(void)got(&r.a, 2, ISDN_Q931_RELEASE_COMPLETE);
	ctl(&r, "last", out, sizeof(out));
	assert_string_equal(out, "calling 5678 called 1234 delivered subaddr "
	                         "dropped llc cause 21 connected 0 units 0\n");
	ctl(&r, "stats", out, sizeof(out));
	assert_non_null(strstr(out, "calls_now 0\n"));
	rig_free(&r);
}

static void
test_connect_charge_bdata(void **state)
{
	struct isdn_q931_msg m;
	struct rig r;
	uint16_t bref;
	uint8_t data[] = {1, 'h', 'i'};
	char out[256];

	(void)state;
	rig_init(&r, XCHG_PASS_ALL);
	setup_from_a(&r, "5678", "1234", 1);
	m = got(&r.a, 0, ISDN_Q931_CALL_PROCEEDING);
	assert_int_equal(m.chanid.sel, 1);
	assert_int_equal(m.chanid.exclusive, 1);
	m = got(&r.b, 0, ISDN_Q931_SETUP);
	assert_int_equal(m.calling.screening, 1);
	assert_int_equal(m.chanid.sel, 1);
	assert_true(m.present & ISDN_Q931_F_LLC);
	bref = m.cref;
	send_simple(&r, &r.b, ISDN_Q931_ALERTING, bref, 1, 0);
	(void)got(&r.a, 1, ISDN_Q931_ALERTING);
	send_simple(&r, &r.b, ISDN_Q931_CONNECT, bref, 1, 0);
	(void)got(&r.b, 1, ISDN_Q931_CONNECT_ACK);
	(void)got(&r.a, 2, ISDN_Q931_CONNECT);
	m = got(&r.a, 3, ISDN_Q931_INFORMATION);
	assert_int_equal(m.charge_kind, ISDN_CHARGE_DURING);
	assert_int_equal(m.charge_units, 1);
	/* B data from A's B1 arrives on B's channel */
	xchg_sub_frame(r.x, r.a.s, ISDN_FRAME_BDATA, data, sizeof(data));
	assert_int_equal(r.b.f[2].type, ISDN_FRAME_BDATA);
	assert_int_equal(r.b.f[2].len, 3);
	assert_memory_equal(r.b.f[2].p + 1, "hi", 2);
	/* data on a channel without a call goes nowhere */
	data[0] = 2;
	xchg_sub_frame(r.x, r.a.s, ISDN_FRAME_BDATA, data, sizeof(data));
	assert_int_equal(r.b.n, 3);
	/* A clears: RELEASE with the total to A, DISCONNECT to B */
	send_simple(&r, &r.a, ISDN_Q931_DISCONNECT, 3, 0, ISDN_CAUSE_NORMAL);
	m = got(&r.a, 4, ISDN_Q931_RELEASE);
	assert_int_equal(m.charge_kind, ISDN_CHARGE_TOTAL);
	assert_int_equal(m.charge_units, 1);
	m = got(&r.b, 3, ISDN_Q931_DISCONNECT);
	assert_int_equal(m.cause.value, ISDN_CAUSE_NORMAL);
	assert_int_equal(m.present & ISDN_Q931_F_CHARGE, 0);
	send_simple(&r, &r.a, ISDN_Q931_RELEASE_COMPLETE, 3, 0, 0);
	send_simple(&r, &r.b, ISDN_Q931_RELEASE, bref, 1, 0);
	(void)got(&r.b, 4, ISDN_Q931_RELEASE_COMPLETE);
	ctl(&r, "number 5678", out, sizeof(out));
	assert_string_equal(out, "number 5678 registered yes calls_out 1 "
	                         "calls_in 0 answered_out 1 answered_in 0 "
	                         "rejected_out 0 units 1\n");
	ctl(&r, "last", out, sizeof(out));
	assert_non_null(strstr(out, "connected 1 units 1"));
	rig_free(&r);
}

static void
test_no_channel_and_errors(void **state)
{
	static const uint8_t bad_setup[] = {0x08, 0x01, 0x07, 0x05, 0x04, 0x02,
	                                    0x88, 0x90, 0x70, 0x02, 0x81, 'x'};
	struct isdn_q931_msg m;
	struct rig r;

	(void)state;
	rig_init(&r, XCHG_PASS_ALL);
	/* a D-channel-only call cannot be answered */
	setup_from_a(&r, NULL, "1234", 0);
	m = got(&r.b, 0, ISDN_Q931_SETUP);
	assert_string_equal(m.calling.digits, "5678");
	send_simple(&r, &r.b, ISDN_Q931_CONNECT, m.cref, 1, 0);
	m = got(&r.a, 1, ISDN_Q931_DISCONNECT);
	assert_int_equal(m.cause.value, ISDN_CAUSE_NO_CHANNEL);
	(void)got(&r.b, 1, ISDN_Q931_DISCONNECT);
	/* bad IE contents in a SETUP: #100 */
	xchg_sub_frame(r.x, r.a.s, ISDN_FRAME_Q931, bad_setup,
	               sizeof(bad_setup));
	m = got(&r.a, 2, ISDN_Q931_RELEASE_COMPLETE);
	assert_int_equal(m.cref, 7);
	assert_int_equal(m.cause.value, ISDN_CAUSE_INVALID_IE);
	/* a message for a call reference nobody knows: #81 */
	send_simple(&r, &r.a, ISDN_Q931_CONNECT, 55, 0, 0);
	m = got(&r.a, 3, ISDN_Q931_RELEASE_COMPLETE);
	assert_int_equal(m.cause.value, ISDN_CAUSE_INVALID_CREF);
	rig_free(&r);
}

static void
test_sub_gone(void **state)
{
	struct isdn_q931_msg m;
	struct rig r;
	char out[256];

	(void)state;
	rig_init(&r, XCHG_PASS_ALL);
	setup_from_a(&r, "5678", "1234", 1);
	(void)got(&r.b, 0, ISDN_Q931_SETUP);
	xchg_sub_gone(r.x, r.b.s);
	m = got(&r.a, 1, ISDN_Q931_DISCONNECT);
	assert_int_equal(m.cause.value, ISDN_CAUSE_DEST_OUT_OF_ORDER);
	send_simple(&r, &r.a, ISDN_Q931_RELEASE, 3, 0, 0);
	(void)got(&r.a, 2, ISDN_Q931_RELEASE_COMPLETE);
	ctl(&r, "number 1234", out, sizeof(out));
	assert_non_null(strstr(out, "registered no"));
	ctl(&r, "stats", out, sizeof(out));
	assert_non_null(strstr(out, "subscribers 1\ncalls_now 0\n"));
	rig_free(&r);
}

/* Runs the loop until f has received n frames (timers fire). */
static void
run_until(struct rig *r, const struct fsub *f, size_t n)
{
	int i;

	for (i = 0; i < 50 && f->n < n; i++)
		event_base_loop(r->base, EVLOOP_ONCE);
	assert_true(f->n >= n);
}

/* T303: a callee that never answers the SETUP; then one that alerts but
 * never answers; then charging units while connected. */
static void
test_timers(void **state)
{
	struct xchg_conf c = {.t303_secs = 1, .answer_secs = 1, .unit_secs = 1};
	struct isdn_q931_msg m;
	struct rig r;

	(void)state;
	rig_init(&r, XCHG_PASS_ALL);
	xchg_free(r.x);
	r.x = xchg_new(r.base, &c);
	r.a.s = xchg_sub_new(r.x, fsend, &r.a);
	r.b.s = xchg_sub_new(r.x, fsend, &r.b);
	reg(&r, &r.a, "5678", ISDN_FRAME_REG_ACK);
	reg(&r, &r.b, "1234", ISDN_FRAME_REG_ACK);
	r.a.n = r.b.n = 0;
	setup_from_a(&r, "5678", "1234", 1);
	run_until(&r, &r.a, 2);
	m = got(&r.a, 1, ISDN_Q931_DISCONNECT);
	assert_int_equal(m.cause.value, ISDN_CAUSE_NO_USER_RESPONSE);
	m = got(&r.b, 1, ISDN_Q931_RELEASE_COMPLETE);
	assert_int_equal(m.cause.value, ISDN_CAUSE_TIMER_EXPIRY);
	send_simple(&r, &r.a, ISDN_Q931_RELEASE, 3, 0, 0);
	r.a.n = r.b.n = 0;

	setup_from_a(&r, "5678", "1234", 1);
	m = got(&r.b, 0, ISDN_Q931_SETUP);
	send_simple(&r, &r.b, ISDN_Q931_ALERTING, m.cref, 1, 0);
	run_until(&r, &r.a, 3);
	m = got(&r.a, 2, ISDN_Q931_DISCONNECT);
	assert_int_equal(m.cause.value, ISDN_CAUSE_NO_ANSWER);
	send_simple(&r, &r.a, ISDN_Q931_RELEASE, 3, 0, 0);
	m = got(&r.b, 1, ISDN_Q931_DISCONNECT);
	send_simple(&r, &r.b, ISDN_Q931_RELEASE, m.cref, 1, 0);
	r.a.n = r.b.n = 0;

	setup_from_a(&r, "5678", "1234", 1);
	m = got(&r.b, 0, ISDN_Q931_SETUP);
	send_simple(&r, &r.b, ISDN_Q931_CONNECT, m.cref, 1, 0);
	run_until(&r, &r.a, 4);
	m = got(&r.a, 3, ISDN_Q931_INFORMATION);
	assert_int_equal(m.charge_units, 2);
	rig_free(&r);
}

static void
test_ctl(void **state)
{
	struct rig r;
	char out[256];
	enum xchg_profile p;

	(void)state;
	rig_init(&r, XCHG_PASS_ALL);
	ctl(&r, "profile", out, sizeof(out));
	assert_string_equal(out, "profile pass-all\n");
	ctl(&r, "profile drop-both", out, sizeof(out));
	assert_string_equal(out, "profile drop-both\n");
	ctl(&r, "stats", out, sizeof(out));
	assert_non_null(strstr(out, "profile drop-both\nsubscribers 2\n"));
	ctl(&r, "reset", out, sizeof(out));
	assert_string_equal(out, "ok\n");
	ctl(&r, "frobnicate", out, sizeof(out));
	assert_memory_equal(out, "error", 5);
	assert_int_equal(xchg_profile_parse("drop-subaddr", &p), 0);
	assert_int_equal(p, XCHG_DROP_SUBADDR);
	assert_int_equal(xchg_profile_parse("drop-all", &p), -1);
	rig_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_register),
	    cmocka_unit_test(test_unallocated),
	    cmocka_unit_test(test_delivery_and_reject),
	    cmocka_unit_test(test_connect_charge_bdata),
	    cmocka_unit_test(test_no_channel_and_errors),
	    cmocka_unit_test(test_sub_gone),
	    cmocka_unit_test(test_timers),
	    cmocka_unit_test(test_ctl),
	};

	gw_log_init("test_isdn_xchg", 0, GW_LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
