/*
 * test_isdn_cb.c - the callback decisions (plan, judge, decide) as tables,
 * then the callback logic itself between two gateways joined by an
 * in-process wire that plays the telephone company: it delivers SETUP
 * with the profile's IEs removed, relays rejection causes, answers, B
 * data and charging.  Autodetect must pick the cheapest carrier per
 * profile, remember it, and the address and token must arrive intact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "isdn_cb.h"
#include "isdn_line.h"
#include "isdn_xfer.h"

#define L ISDN_VIA_LLC
#define S ISDN_VIA_SUBADDR
#define B ISDN_VIA_B

static struct isdn_cb_peer
peer(enum isdn_cb_mode mode, int xfer, enum isdn_xfer_mode xm,
     enum isdn_dmode dm)
{
	struct isdn_cb_peer p;

	memset(&p, 0, sizeof(p));
	p.id = 9;
	p.mode = mode;
	p.transfer_ip = xfer;
	p.xfer_mode = xm;
	p.dmode = dm;
	memcpy(p.incoming, "5678", 5);
	memcpy(p.outgoing, "01234", 6);
	return p;
}

static void
test_plan(void **state)
{
	static const struct {
		enum isdn_xfer_mode xm;
		enum isdn_dmode dm;
		unsigned detected, carry;
		int b;
	} t[] = {
	    {ISDN_XM_AUTO_D_OR_B, ISDN_DM_LLC, 0, L | S, 1},
	    {ISDN_XM_AUTO_D_OR_B, ISDN_DM_LLC, S, S, 1},
	    {ISDN_XM_AUTO_D_OR_B, ISDN_DM_LLC, L, L, 1},
	    {ISDN_XM_AUTO_D_OR_B, ISDN_DM_LLC, B, 0, 1},
	    {ISDN_XM_AUTO_D, ISDN_DM_SUBADDR, 0, L | S, 0},
	    {ISDN_XM_AUTO_D, ISDN_DM_SUBADDR, L, L, 0},
	    {ISDN_XM_SPECIFIC_D, ISDN_DM_LLC, S, L, 0},
	    {ISDN_XM_SPECIFIC_D, ISDN_DM_SUBADDR, 0, S, 0},
	    {ISDN_XM_SPECIFIC_D, ISDN_DM_LLC_SUBADDR, 0, L | S, 0},
	    {ISDN_XM_SPECIFIC_D_B, ISDN_DM_SUBADDR, 0, S, 1},
	    {ISDN_XM_B, ISDN_DM_LLC, L, 0, 1},
	};
	struct isdn_cb_peer p;
	struct isdn_cb_plan pl;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = peer(ISDN_CB_ACTIVE, 1, t[i].xm, t[i].dm);
		assert_int_equal(isdn_cb_plan(&p, t[i].detected, &pl), 0);
		if (pl.carry != t[i].carry || pl.b_allowed != t[i].b)
			fail_msg("row %zu: carry %u b %d", i, pl.carry,
			         pl.b_allowed);
	}
	p = peer(ISDN_CB_BOTH, 0, ISDN_XM_AUTO_D_OR_B, ISDN_DM_LLC);
	assert_int_equal(isdn_cb_plan(&p, L, &pl), 0);
	assert_int_equal(pl.carry, 0);
	assert_int_equal(pl.b_allowed, 0);
	p.mode = ISDN_CB_PASSIVE;
	assert_int_equal(isdn_cb_plan(&p, 0, &pl), -1);
	p.mode = ISDN_CB_DISABLED;
	assert_int_equal(isdn_cb_plan(&p, 0, &pl), -1);
}

#define AUTO ISDN_XM_AUTO_D_OR_B
#define ACC  ISDN_ST_ACCEPTED
#define OK   ISDN_CB_OK

static void
test_judge(void **state)
{
	static const struct {
		enum isdn_xfer_mode xm;
		int xfer;
		unsigned carry;
		int b;
		struct isdn_cb_response resp;
		unsigned before;
		enum isdn_cb_res res;
		unsigned via, after;
	} t[] = {
	    /* clang-format off */
	    /* autodetect, the four profiles */
	    {AUTO, 1, L | S, 1, {0, 1, ACC | L | S, 21, 0, 0}, 0, OK, L | S, L | S},
	    {AUTO, 1, L | S, 1, {0, 1, ACC | S, 21, 0, 0}, 0, OK, S, S},
	    {AUTO, 1, L | S, 1, {0, 1, ACC | L, 21, 0, 0}, 0, OK, L, L},
	    {AUTO, 1, L | S, 1, {1, 1, ACC | ISDN_ST_B, 16, 0, 0}, 0, OK, B, B},
	    /* a status bit for an IE we did not send does not count */
	    {ISDN_XM_AUTO_D, 1, L, 0, {0, 1, ACC | S, 21, 0, 0}, L,
	     ISDN_CB_E_NOT_DELIVERED, 0, 0},
	    {ISDN_XM_SPECIFIC_D, 1, L, 0, {0, 1, ACC, 21, 0, 0}, 0,
	     ISDN_CB_E_NOT_DELIVERED, 0, 0},
	    {AUTO, 1, L | S, 1, {0, 1, ISDN_ST_REFUSED | L, 21, 0, 0}, L,
	     ISDN_CB_E_REFUSED, 0, L},
	    {AUTO, 1, L | S, 1, {0, 1, 0, 21, 0, 0}, 0, ISDN_CB_E_UNKNOWN, 0, 0},
	    {AUTO, 1, L, 1, {0, 0, 0, 17, 0, 0}, L, ISDN_CB_E_CALL, 0, L},
	    {AUTO, 1, L, 1, {0, 0, 0, 1, 0, 0}, L, ISDN_CB_E_CALL, 0, L},
	    {AUTO, 1, L, 1, {0, 0, 0, 21, 0, 0}, L, ISDN_CB_E_UNCONFIRMED, 0, L},
	    {AUTO, 1, L, 1, {0, 0, 0, 102, 1, 0}, L, ISDN_CB_E_TIMEOUT, 0, L},
	    {AUTO, 1, B, 1, {1, 0, 0, 16, 0, 1}, B, ISDN_CB_E_B_FAILED, 0, 0},
	    /* specific modes never remember */
	    {ISDN_XM_SPECIFIC_D_B, 1, S, 1, {1, 1, ACC | ISDN_ST_B, 16, 0, 0},
	     0, OK, B, 0},
	    /* no transfer: identification by number */
	    {AUTO, 0, 0, 0, {0, 1, ACC, 21, 0, 0}, 0, OK, 0, 0},
	    {AUTO, 0, 0, 0, {0, 0, 0, 21, 0, 0}, 0, OK, 0, 0},
	    /* clang-format on */
	};
	struct isdn_cb_result r;
	struct isdn_cb_peer p;
	struct isdn_cb_plan pl;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = peer(ISDN_CB_ACTIVE, t[i].xfer, t[i].xm, ISDN_DM_LLC);
		pl.carry = t[i].carry;
		pl.b_allowed = t[i].b;
		memset(&r, 0, sizeof(r));
		isdn_cb_judge(&p, &pl, &t[i].resp, t[i].before, &r);
		if (r.res != t[i].res || r.via != t[i].via ||
		    r.detected != t[i].after)
			fail_msg("row %zu: %s via %u detected %u", i,
			         isdn_cb_res_str(r.res), r.via, r.detected);
		assert_int_equal(r.peer_id, 9);
		assert_int_equal(r.sent, t[i].carry);
	}
}

static void
test_decide(void **state)
{
	struct isdn_cb_peer p = peer(ISDN_CB_PASSIVE, 0, 1, 1);
	struct isdn_cb_answer a;

	(void)state;
	isdn_cb_decide(NULL, L, 1, &a);
	assert_int_equal(a.verdict, ISDN_CB_IN_UNKNOWN);
	assert_int_equal(a.connect, 0);
	assert_int_equal(a.status, 0);
	isdn_cb_decide(&p, L | S, 1, &a);
	assert_int_equal(a.verdict, ISDN_CB_IN_ACCEPTED);
	assert_int_equal(a.connect, 0);
	assert_int_equal(a.status, ISDN_ST_ACCEPTED | L | S);
	isdn_cb_decide(&p, 0, 1, &a);
	assert_int_equal(a.connect, 1);
	isdn_cb_decide(&p, 0, 0, &a);
	assert_int_equal(a.connect, 0);
	assert_int_equal(a.status, ISDN_ST_ACCEPTED);
	p.mode = ISDN_CB_ACTIVE;
	isdn_cb_decide(&p, S, 1, &a);
	assert_int_equal(a.verdict, ISDN_CB_IN_REFUSED);
	assert_int_equal(a.connect, 0);
	assert_int_equal(a.status, ISDN_ST_REFUSED | S);
	p.mode = ISDN_CB_DISABLED;
	isdn_cb_decide(&p, 0, 1, &a);
	assert_int_equal(a.verdict, ISDN_CB_IN_REFUSED);
	assert_int_equal(a.connect, 0);
}

static void
test_numbers(void **state)
{
	const struct isdn_dsp_entry dsp[] = {
	    {"99", ISDN_DSP_IGNORE, ISDN_DSP_ANY, ISDN_DSP_RIGHT_TO_LEFT},
	    {"1234", ISDN_DSP_IPSEC, ISDN_DSP_DATA, ISDN_DSP_RIGHT_TO_LEFT},
	    {"030", ISDN_DSP_IPSEC, ISDN_DSP_VOICE, ISDN_DSP_LEFT_TO_RIGHT},
	};

	(void)state;
	assert_true(isdn_number_valid("0301234*#"));
	assert_false(isdn_number_valid(""));
	assert_false(isdn_number_valid("12a"));
	assert_false(isdn_number_valid("123456789012345678901234567890123"));
	assert_true(isdn_number_match("1234", "1234"));
	assert_true(isdn_number_match("1234", "01234"));
	assert_false(isdn_number_match("1234", "001234"));
	assert_false(isdn_number_match("1234", "12345"));
	assert_false(isdn_number_match("", ""));
	assert_int_equal(isdn_dsp_match(dsp, 3, "301234", ISDN_BEARER_DATA), 1);
	assert_int_equal(isdn_dsp_match(dsp, 3, "301234", ISDN_BEARER_SPEECH),
	                 -1);
	assert_int_equal(isdn_dsp_match(dsp, 3, "0301299", ISDN_BEARER_DATA),
	                 0);
	assert_int_equal(isdn_dsp_match(dsp, 3, "0301288", ISDN_BEARER_AUDIO),
	                 2);
	assert_int_equal(isdn_dsp_match(dsp, 3, "234", ISDN_BEARER_DATA), -1);
	assert_int_equal(isdn_dsp_match(dsp, 3, NULL, ISDN_BEARER_DATA), -1);
}

/* ---- two gateways on an in-process wire ---- */

enum act_kind {
	A_SETUP,   /* deliver the caller's SETUP to the callee */
	A_REJECT,  /* callee refused before answering: both released */
	A_CONNECT, /* callee answered */
	A_B,       /* B data to the other side */
	A_RELEASE, /* clearing after connect: both released */
};

struct act {
	enum act_kind kind;
	int to_callee;
	struct isdn_cause cause;
	uint8_t data[64];
	size_t len;
};

struct mline {
	struct isdn_line base;
	struct wire *w;
	int callee;
	int up;
};

struct wire {
	struct mline a, b; /* a calls, b answers */
	int profile;       /* bit 1: drop LLC, bit 2: drop subaddress */
	int busy;
	struct isdn_setup setup;
	int active, answered;
	struct act q[16];
	size_t nq;
	int n_setups, n_charged;
};

static void
push(struct wire *w, const struct act *a)
{
	assert_true(w->nq < 16);
	w->q[w->nq++] = *a;
}

static int
m_call(struct isdn_line *l, const struct isdn_call_req *r, uint32_t *id)
{
	struct wire *w = ((struct mline *)l)->w;
	struct isdn_setup *s = &w->setup;
	struct act a = {.kind = A_SETUP};

	if (w->active)
		return -1;
	memset(s, 0, sizeof(*s));
	memcpy(s->calling, r->calling, strlen(r->calling) + 1);
	memcpy(s->called, r->called + 1, strlen(r->called)); /* drop "0" */
	s->bearer = r->bearer;
	s->b_channel = r->b_channel;
	if (!(w->profile & 1) && r->llc_len > 0) {
		s->llc_len = (uint8_t)r->llc_len;
		memcpy(s->llc, r->llc, r->llc_len);
	}
	if (!(w->profile & 2) && r->called_sub_len > 0) {
		s->called_sub_len = (uint8_t)r->called_sub_len;
		memcpy(s->called_sub, r->called_sub, r->called_sub_len);
	}
	w->active = 1;
	w->answered = 0;
	w->n_setups++;
	*id = 100 + (uint32_t)w->n_setups;
	push(w, &a);
	return 0;
}

static int
m_alert(struct isdn_line *l, uint32_t id)
{
	(void)l;
	(void)id;
	return 0;
}

static int
m_answer(struct isdn_line *l, uint32_t id)
{
	struct wire *w = ((struct mline *)l)->w;
	struct act a = {.kind = A_CONNECT};

	(void)id;
	if (!w->setup.b_channel)
		return -1;
	push(w, &a);
	return 0;
}

static int
m_hangup(struct isdn_line *l, uint32_t id, const struct isdn_cause *c)
{
	struct wire *w = ((struct mline *)l)->w;
	struct act a = {.kind = w->answered ? A_RELEASE : A_REJECT};

	(void)id;
	if (!w->active)
		return -1;
	a.cause = *c;
	w->active = 0;
	push(w, &a);
	return 0;
}

static int
m_send_b(struct isdn_line *l, uint32_t id, const uint8_t *d, size_t n)
{
	struct mline *ml = (struct mline *)l;
	struct act a = {.kind = A_B, .to_callee = !ml->callee};

	(void)id;
	assert_true(n <= sizeof(a.data));
	if (!ml->w->answered)
		return -1;
	memcpy(a.data, d, n);
	a.len = n;
	push(ml->w, &a);
	return 0;
}

static int
m_is_up(const struct isdn_line *l)
{
	return ((const struct mline *)l)->up;
}

static void
m_free(struct isdn_line *l)
{
	(void)l;
}

static const struct isdn_line_ops mops = {"mock",   m_call,   m_alert, m_answer,
                                          m_hangup, m_send_b, m_is_up, m_free};

static void
released(struct mline *m, uint32_t id, const struct isdn_cause *c)
{
	m->base.cbs.progress(m->base.arg, id, ISDN_PROG_RELEASED, c);
}

/* Runs the queued actions until the wire is quiet. */
static void
pump(struct wire *w)
{
	uint32_t ia = 100 + (uint32_t)w->n_setups, ib = 200 + ia;
	struct isdn_cause busy = {.value = ISDN_CAUSE_BUSY};
	struct act a;
	size_t i;

	while (w->nq > 0) {
		a = w->q[0];
		for (i = 1; i < w->nq; i++)
			w->q[i - 1] = w->q[i];
		w->nq--;
		switch (a.kind) {
		case A_SETUP:
			if (w->busy) {
				w->active = 0;
				released(&w->a, ia, &busy);
				break;
			}
			w->b.base.cbs.incoming(w->b.base.arg, ib, &w->setup);
			break;
		case A_REJECT:
			released(&w->a, ia, &a.cause);
			released(&w->b, ib, &a.cause);
			break;
		case A_CONNECT:
			w->answered = 1;
			w->n_charged++;
			w->a.base.cbs.progress(w->a.base.arg, ia,
			                       ISDN_PROG_CONNECTED, NULL);
			w->a.base.cbs.charge(w->a.base.arg, ia, 1, 0);
			w->b.base.cbs.progress(w->b.base.arg, ib,
			                       ISDN_PROG_CONNECTED, NULL);
			break;
		case A_B:
			if (a.to_callee)
				w->b.base.cbs.b_data(w->b.base.arg, ib, a.data,
				                     a.len);
			else
				w->a.base.cbs.b_data(w->a.base.arg, ia, a.data,
				                     a.len);
			break;
		case A_RELEASE:
			w->answered = 0;
			released(&w->a, ia, &a.cause);
			released(&w->b, ib, &a.cause);
			break;
		}
	}
}

struct gw {
	struct isdn_cb *cb;
	struct isdn_cb_peer peer;
	struct isdn_cb_result res;
	int n_res;
	struct isdn_cb_event ev;
	int n_ev;
	int n_prepare;
};

static int
h_lookup(void *arg, const char *calling, struct isdn_cb_peer *out)
{
	struct gw *g = arg;

	if (!isdn_number_match(g->peer.incoming, calling))
		return -1;
	*out = g->peer;
	return 0;
}

static void
h_received(void *arg, const struct isdn_cb_event *ev)
{
	struct gw *g = arg;

	g->ev = *ev;
	g->n_ev++;
}

static void
h_done(void *arg, const struct isdn_cb_result *r)
{
	struct gw *g = arg;

	g->res = *r;
	g->n_res++;
}

static void
h_prepare(void *arg, uint32_t peer_id)
{
	struct gw *g = arg;

	assert_int_equal(peer_id, g->peer.id);
	g->n_prepare++;
}

struct rig {
	struct event_base *base;
	struct wire w;
	struct gw ga, gb;
};

static const struct isdn_xfer xa = {{198, 51, 100, 7},
                                    {9, 8, 7, 6, 5, 4, 3, 2}};

static void
rig_init(struct rig *r, int profile, int prepare)
{
	struct isdn_cb_hooks h = {
	    .lookup = h_lookup, .received = h_received, .done = h_done};
	struct isdn_cb_conf ca = {.own_number = "5678"};
	struct isdn_cb_conf cb = {.own_number = "1234"};

	memset(r, 0, sizeof(*r));
	r->base = event_base_new();
	assert_non_null(r->base);
	r->w.profile = profile;
	r->w.a = (struct mline){{&mops, {0}, NULL}, &r->w, 0, 1};
	r->w.b = (struct mline){{&mops, {0}, NULL}, &r->w, 1, 1};
	r->ga.peer = peer(ISDN_CB_ACTIVE, 1, ISDN_XM_AUTO_D_OR_B, ISDN_DM_LLC);
	memcpy(r->ga.peer.incoming, "1234", 5);
	r->gb.peer = peer(ISDN_CB_PASSIVE, 1, ISDN_XM_AUTO_D_OR_B, ISDN_DM_LLC);
	if (prepare)
		h.prepare = h_prepare;
	r->ga.cb = isdn_cb_new(r->base, &r->w.a.base, &ca, &h, &r->ga);
	h.prepare = NULL;
	r->gb.cb = isdn_cb_new(r->base, &r->w.b.base, &cb, &h, &r->gb);
	assert_non_null(r->ga.cb);
	assert_non_null(r->gb.cb);
}

static void
rig_free(struct rig *r)
{
	isdn_cb_free(r->ga.cb);
	isdn_cb_free(r->gb.cb);
	event_base_free(r->base);
}

/* One callback from a to b; returns a's result. */
static enum isdn_cb_res
callback(struct rig *r)
{
	int before = r->ga.n_res;

	assert_int_equal(isdn_cb_start(r->ga.cb, &r->ga.peer, &xa), ISDN_CB_OK);
	pump(&r->w);
	assert_int_equal(r->ga.n_res, before + 1);
	return r->ga.res.res;
}

static void
test_autodetect_profiles(void **state)
{
	static const struct {
		int profile;
		unsigned via;
	} t[] = {{0, L | S}, {1, S}, {2, L}, {3, B}};
	struct rig r;
	size_t i;
	int call;

	(void)state;
	for (i = 0; i < 4; i++) {
		rig_init(&r, t[i].profile, 0);
		for (call = 1; call <= 2; call++) {
			assert_int_equal(callback(&r), ISDN_CB_OK);
			assert_int_equal(r.ga.res.via, t[i].via);
			assert_int_equal(r.ga.res.detected, t[i].via);
			/* the second call sends only what worked */
			assert_int_equal(r.ga.res.sent, call == 1 ? L | S
			                                : t[i].via == B
			                                    ? 0
			                                    : t[i].via);
			assert_int_equal(r.ga.res.connected, t[i].via == B);
			assert_int_equal(r.ga.res.units, t[i].via == B);
			assert_int_equal(r.gb.n_ev, call);
			assert_int_equal(r.gb.ev.verdict, ISDN_CB_IN_ACCEPTED);
			assert_int_equal(r.gb.ev.peer_id, 9);
			assert_int_equal(r.gb.ev.via, t[i].via);
			assert_int_equal(r.gb.ev.has_xfer, 1);
			assert_memory_equal(&r.gb.ev.xfer, &xa, sizeof(xa));
			assert_string_equal(r.gb.ev.calling, "5678");
		}
		assert_int_equal(r.w.n_charged, t[i].via == B ? 2 : 0);
		assert_int_equal(isdn_cb_detected(r.ga.cb, 9), t[i].via);
		isdn_cb_forget(r.ga.cb, 9);
		assert_int_equal(isdn_cb_detected(r.ga.cb, 9), 0);
		rig_free(&r);
	}
}

static void
test_specific_modes(void **state)
{
	struct rig r;

	(void)state;
	/* LLC only through a company that drops it: nothing, no charge */
	rig_init(&r, 1, 0);
	r.ga.peer.xfer_mode = ISDN_XM_SPECIFIC_D;
	assert_int_equal(callback(&r), ISDN_CB_E_NOT_DELIVERED);
	assert_int_equal(r.ga.res.connected, 0);
	assert_int_equal(r.gb.ev.via, 0);
	assert_int_equal(r.gb.ev.has_xfer, 0);
	/* ... with fallback on B: one charged call */
	r.ga.peer.xfer_mode = ISDN_XM_SPECIFIC_D_B;
	assert_int_equal(callback(&r), ISDN_CB_OK);
	assert_int_equal(r.ga.res.via, B);
	assert_int_equal(r.ga.res.sent, L);
	assert_int_equal(r.w.n_charged, 1);
	assert_memory_equal(&r.gb.ev.xfer, &xa, sizeof(xa));
	/* B only: no D-channel IE at all */
	r.ga.peer.xfer_mode = ISDN_XM_B;
	r.w.profile = 0;
	assert_int_equal(callback(&r), ISDN_CB_OK);
	assert_int_equal(r.ga.res.sent, 0);
	assert_int_equal(r.ga.res.via, B);
	assert_int_equal(r.w.setup.llc_len, 0);
	/* autodetect D only through drop-both: refused delivery, free */
	r.ga.peer.xfer_mode = ISDN_XM_AUTO_D;
	r.w.profile = 3;
	assert_int_equal(callback(&r), ISDN_CB_E_NOT_DELIVERED);
	assert_int_equal(r.w.n_charged, 2);
	assert_int_equal(isdn_cb_detected(r.ga.cb, 9), 0);
	/* no transfer at all: identification by number */
	r.ga.peer.transfer_ip = 0;
	assert_int_equal(callback(&r), ISDN_CB_OK);
	assert_int_equal(r.ga.res.via, 0);
	assert_int_equal(r.gb.ev.verdict, ISDN_CB_IN_ACCEPTED);
	assert_int_equal(r.gb.ev.has_xfer, 0);
	rig_free(&r);
}

static void
test_roles(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, 0, 0);
	/* passive-only never calls */
	r.ga.peer.mode = ISDN_CB_PASSIVE;
	assert_int_equal(isdn_cb_start(r.ga.cb, &r.ga.peer, &xa),
	                 ISDN_CB_E_NOT_ACTIVE);
	r.ga.peer.mode = ISDN_CB_DISABLED;
	assert_int_equal(isdn_cb_start(r.ga.cb, &r.ga.peer, &xa),
	                 ISDN_CB_E_NOT_ACTIVE);
	assert_int_equal(r.w.n_setups, 0);
	/* active-only callee refuses incoming callbacks, and says so */
	r.ga.peer.mode = ISDN_CB_BOTH;
	r.gb.peer.mode = ISDN_CB_ACTIVE;
	assert_int_equal(callback(&r), ISDN_CB_E_REFUSED);
	assert_int_equal(r.gb.ev.verdict, ISDN_CB_IN_REFUSED);
	assert_int_equal(r.gb.ev.via, L | S);
	assert_int_equal(r.w.n_charged, 0);
	/* a callee that does not know our number */
	r.gb.peer.mode = ISDN_CB_PASSIVE;
	memcpy(r.gb.peer.incoming, "9999", 5);
	assert_int_equal(callback(&r), ISDN_CB_E_UNKNOWN);
	assert_int_equal(r.gb.ev.verdict, ISDN_CB_IN_UNKNOWN);
	assert_int_equal(r.gb.ev.peer_id, 0);
	/* busy line */
	r.w.busy = 1;
	assert_int_equal(callback(&r), ISDN_CB_E_CALL);
	assert_int_equal(r.ga.res.cause, ISDN_CAUSE_BUSY);
	/* the line is down */
	r.w.a.up = 0;
	assert_int_equal(isdn_cb_start(r.ga.cb, &r.ga.peer, &xa),
	                 ISDN_CB_E_LINE);
	/* no outgoing number */
	r.w.a.up = 1;
	r.ga.peer.outgoing[0] = '\0';
	assert_int_equal(isdn_cb_start(r.ga.cb, &r.ga.peer, &xa),
	                 ISDN_CB_E_CONFIG);
	rig_free(&r);
}

static void
test_prepare(void **state)
{
	struct rig r;
	struct isdn_xfer bad = xa;

	(void)state;
	rig_init(&r, 0, 1);
	assert_int_equal(isdn_cb_start(r.ga.cb, &r.ga.peer, NULL), ISDN_CB_OK);
	assert_int_equal(r.ga.n_prepare, 1);
	assert_int_equal(r.w.n_setups, 0);
	assert_int_equal(isdn_cb_start(r.ga.cb, &r.ga.peer, NULL),
	                 ISDN_CB_E_IN_PROGRESS);
	assert_int_equal(isdn_cb_ready(r.ga.cb, 9, 0, NULL), ISDN_CB_OK);
	assert_int_equal(r.ga.n_res, 1);
	assert_int_equal(r.ga.res.res, ISDN_CB_E_PREPARE);
	assert_int_equal(isdn_cb_ready(r.ga.cb, 9, 1, &xa), ISDN_CB_E_CONFIG);
	/* the address known only after bring-up is the one sent */
	assert_int_equal(isdn_cb_start(r.ga.cb, &r.ga.peer, NULL), ISDN_CB_OK);
	assert_int_equal(isdn_cb_ready(r.ga.cb, 9, 1, &xa), ISDN_CB_OK);
	pump(&r.w);
	assert_int_equal(r.ga.res.res, ISDN_CB_OK);
	assert_memory_equal(&r.gb.ev.xfer, &xa, sizeof(xa));
	/* an unusable address is a configuration error, nothing is sent */
	bad.addr[0] = 0;
	assert_int_equal(isdn_cb_start(r.ga.cb, &r.ga.peer, NULL), ISDN_CB_OK);
	assert_int_equal(isdn_cb_ready(r.ga.cb, 9, 1, &bad), ISDN_CB_OK);
	assert_int_equal(r.ga.res.res, ISDN_CB_E_CONFIG);
	assert_int_equal(r.w.n_setups, 1);
	rig_free(&r);
}

/* A damaged record in one IE is reported as bad; the good one is used. */
static void
test_damaged_ie(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, 0, 0);
	assert_int_equal(isdn_cb_start(r.ga.cb, &r.ga.peer, &xa), ISDN_CB_OK);
	assert_int_equal(r.w.q[0].kind, A_SETUP);
	r.w.setup.llc[5] ^= 0x10;
	pump(&r.w);
	assert_int_equal(r.ga.res.res, ISDN_CB_OK);
	assert_int_equal(r.ga.res.via, S);
	assert_int_equal(r.gb.ev.via, S);
	assert_int_equal(r.gb.ev.bad, L);
	assert_memory_equal(&r.gb.ev.xfer, &xa, sizeof(xa));
	rig_free(&r);
}

/* The SETUP is lost: the caller gives up after call_timeout_s. */
static void
test_timeout(void **state)
{
	struct isdn_cb_hooks h = {
	    .lookup = h_lookup, .received = h_received, .done = h_done};
	struct isdn_cb_conf c = {.own_number = "5678", .call_timeout_s = 1};
	struct rig r;
	int i;

	(void)state;
	rig_init(&r, 0, 0);
	isdn_cb_free(r.ga.cb);
	r.ga.cb = isdn_cb_new(r.base, &r.w.a.base, &c, &h, &r.ga);
	assert_int_equal(isdn_cb_start(r.ga.cb, &r.ga.peer, &xa), ISDN_CB_OK);
	r.w.nq = 0;
	for (i = 0; i < 50 && r.ga.n_res == 0; i++) {
		event_base_loop(r.base, EVLOOP_ONCE);
		pump(&r.w);
	}
	assert_int_equal(r.ga.n_res, 1);
	assert_int_equal(r.ga.res.res, ISDN_CB_E_TIMEOUT);
	assert_int_equal(r.ga.res.cause, ISDN_CAUSE_TIMER_EXPIRY);
	assert_int_equal(r.gb.n_ev, 0);
	rig_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plan),
	    cmocka_unit_test(test_judge),
	    cmocka_unit_test(test_decide),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_autodetect_profiles),
	    cmocka_unit_test(test_specific_modes),
	    cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_prepare),
	    cmocka_unit_test(test_damaged_ie),
	    cmocka_unit_test(test_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
