/*
 * isdnsim_xchg.c - the simulated exchange: the network side of Q.931 for
 * every subscriber.  A call has two legs, the caller's (a, the subscriber
 * chose the call reference) and the callee's (b, the exchange chose it).
 * Clearing follows Q.931 5.3: a DISCONNECT is answered with RELEASE, a
 * RELEASE with RELEASE COMPLETE, and the other leg is sent DISCONNECT
 * with the same cause.  The caller's number pays: one unit on answer and
 * one per unit period, reported as codeset-6 charging information in
 * INFORMATION messages and as the total in the clearing message.
 */
#include "isdnsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "common.h"
#include "isdn_frame.h"
#include "isdn_q931.h"

#define MSN_MAX 8

enum leg_state {
	LEG_IDLE = 0, /* gone */
	LEG_SETUP,    /* call being set up */
	LEG_ACTIVE,   /* connected */
	LEG_DISC,     /* we sent DISCONNECT, wait for RELEASE */
	LEG_REL,      /* we sent RELEASE, wait for RELEASE COMPLETE */
};

enum call_state {
	X_PRESENT,  /* SETUP delivered, no answer yet */
	X_ALERTING, /* callee alerting or proceeding */
	X_ACTIVE,
	X_CLEARING,
};

struct xsub {
	struct xsub *next;
	uint32_t id;
	xsub_send_fn send;
	void *io;
	char msn[MSN_MAX][ISDN_NUMBER_MAX + 1];
	size_t n_msn;
	uint8_t chan_busy[3]; /* B1, B2 at 1, 2 */
};

struct leg {
	struct xsub *sub;
	uint16_t cref;
	int net_cref; /* the exchange allocated cref (callee leg) */
	uint8_t chan;
	enum leg_state st;
};

struct xcall {
	struct xcall *next;
	struct xchg *x;
	uint32_t id;
	struct leg a, b;
	enum call_state st;
	struct event *timer;
	struct event *tick;
	char calling[ISDN_NUMBER_MAX + 1];
	char called[ISDN_NUMBER_MAX + 1];
	unsigned delivered; /* 1 LLC, 2 called subaddress */
	unsigned dropped;
	uint8_t cause;
	int connected;
	uint32_t units;
};

struct numstat {
	char number[ISDN_NUMBER_MAX + 1];
	uint32_t calls_out, calls_in;
	uint32_t answered_out, answered_in;
	uint32_t rejected_out;
	uint32_t units;
};

struct xlast {
	char calling[ISDN_NUMBER_MAX + 1];
	char called[ISDN_NUMBER_MAX + 1];
	unsigned delivered, dropped;
	uint8_t cause;
	int connected;
	uint32_t units;
};

struct xchg {
	struct event_base *evb;
	struct xchg_conf conf;
	struct xsub *subs;
	struct xcall *calls;
	struct numstat *ns;
	size_t n_ns;
	uint32_t next_call, next_sub;
	uint64_t n_calls, n_connected, n_unallocated, n_units, n_b_octets;
	struct xlast last;
};

static const char *const profile_names[] = {
    [XCHG_PASS_ALL] = "pass-all",
    [XCHG_DROP_LLC] = "drop-llc",
    [XCHG_DROP_SUBADDR] = "drop-subaddr",
    [XCHG_DROP_BOTH] = "drop-both",
};

int
xchg_profile_parse(const char *name, enum xchg_profile *p)
{
	size_t i;

	for (i = 0; i < sizeof(profile_names) / sizeof(profile_names[0]); i++)
		if (strcasecmp(name, profile_names[i]) == 0) {
			*p = (enum xchg_profile)i;
			return 0;
		}
	return -1;
}

const char *
xchg_profile_name(enum xchg_profile p)
{
	if ((size_t)p < sizeof(profile_names) / sizeof(profile_names[0]))
		return profile_names[p];
	return "unknown";
}

/* Numbers are at most ISDN_NUMBER_MAX digits wherever they come from. */
static void
num_copy(char dst[ISDN_NUMBER_MAX + 1], const char *src)
{
	size_t n = strnlen(src, ISDN_NUMBER_MAX);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static struct numstat *
numstat(struct xchg *x, const char *number)
{
	struct numstat *n;
	size_t i;

	if (number == NULL || number[0] == '\0')
		return NULL;
	for (i = 0; i < x->n_ns; i++)
		if (strcmp(x->ns[i].number, number) == 0)
			return &x->ns[i];
	n = realloc(x->ns, (x->n_ns + 1) * sizeof(*n));
	if (n == NULL)
		return NULL;
	x->ns = n;
	n = &x->ns[x->n_ns++];
	memset(n, 0, sizeof(*n));
	num_copy(n->number, number);
	return n;
}

static void
timer_arm(struct event *ev, uint32_t secs)
{
	struct timeval tv = {.tv_sec = secs, .tv_usec = 0};

	evtimer_add(ev, &tv);
}

static struct xsub *
sub_by_number(struct xchg *x, const char *num)
{
	struct xsub *s;
	size_t i;

	for (s = x->subs; s != NULL; s = s->next) {
		for (i = 0; i < s->n_msn; i++)
			if (strcmp(s->msn[i], num) == 0)
				return s;
	}
	return NULL;
}

static int
sub_has_number(const struct xsub *s, const char *num)
{
	size_t i;

	for (i = 0; i < s->n_msn; i++)
		if (strcmp(s->msn[i], num) == 0)
			return 1;
	return 0;
}

static uint8_t
chan_alloc(struct xsub *s)
{
	uint8_t c;

	for (c = 1; c <= 2; c++)
		if (!s->chan_busy[c]) {
			s->chan_busy[c] = 1;
			return c;
		}
	return 0;
}

static void
send_msg(struct xsub *s, const struct isdn_q931_msg *m)
{
	uint8_t buf[ISDN_Q931_MAX_LEN];
	size_t len = 0;

	if (isdn_q931_encode(m, buf, sizeof(buf), &len) != ISDN_Q931_OK) {
		gw_err("%s: cannot encode %s", __func__,
		       isdn_q931_type_str(m->type));
		return;
	}
	gw_debug("%s: sub %u <- %s cref %u", __func__, s->id,
	         isdn_q931_type_str(m->type), m->cref);
	s->send(s->io, ISDN_FRAME_Q931, buf, len);
}

/* A message to one leg; the flag is set on references the subscriber
 * allocated.  charge: attach the caller's units (kind). */
static void
leg_send(const struct xcall *c, const struct leg *l, uint8_t type,
         uint8_t cause, uint8_t charge)
{
	struct isdn_q931_msg m;
	struct isdn_cause cs = {.value = cause,
	                        .location = ISDN_LOC_PUBLIC_LOC};

	if (l->sub == NULL)
		return;
	isdn_q931_init(&m, type, l->cref, !l->net_cref);
	if (cause != 0)
		isdn_q931_cause_set(&m, &cs);
	if (charge != 0 && l == &c->a && c->units > 0) {
		m.present |= ISDN_Q931_F_CHARGE;
		m.charge_kind = charge;
		m.charge_units = c->units;
	}
	if (l->chan != 0 &&
	    (type == ISDN_Q931_CALL_PROCEEDING || type == ISDN_Q931_CONNECT)) {
		m.present |= ISDN_Q931_F_CHANID;
		isdn_q931_chanid_bri(&m.chanid, 1, l->chan);
	}
	send_msg(l->sub, &m);
}

/* A reply without a call: RELEASE COMPLETE to a SETUP we refuse. */
static void
refuse(struct xsub *s, uint16_t cref, uint8_t cause)
{
	struct isdn_q931_msg m;
	struct isdn_cause cs = {.value = cause,
	                        .location = ISDN_LOC_PUBLIC_LOC};

	isdn_q931_init(&m, ISDN_Q931_RELEASE_COMPLETE, cref, 1);
	isdn_q931_cause_set(&m, &cs);
	send_msg(s, &m);
}

static void
leg_done(struct leg *l)
{
	if (l->sub != NULL && l->chan != 0)
		l->sub->chan_busy[l->chan] = 0;
	l->sub = NULL;
	l->chan = 0;
	l->st = LEG_IDLE;
}

static void
call_free(struct xchg *x, struct xcall *c)
{
	struct xcall **pp;

	for (pp = &x->calls; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	event_free(c->timer);
	event_free(c->tick);
	free(c);
}

/* Both legs gone: keep what the last call did for the control channel. */
static void
maybe_end(struct xchg *x, struct xcall *c)
{
	if (c->a.st != LEG_IDLE || c->b.st != LEG_IDLE)
		return;
	memcpy(x->last.calling, c->calling, sizeof(x->last.calling));
	memcpy(x->last.called, c->called, sizeof(x->last.called));
	x->last.delivered = c->delivered;
	x->last.dropped = c->dropped;
	x->last.cause = c->cause;
	x->last.connected = c->connected;
	x->last.units = c->units;
	gw_info("%s: call %u %s -> %s ended, cause %u, %u units", __func__,
	        c->id, c->calling, c->called, c->cause, c->units);
	call_free(x, c);
}

/* The network clears one leg that is not clearing yet. */
static void
leg_disconnect(struct xcall *c, struct leg *l, uint8_t cause)
{
	if (l->st != LEG_SETUP && l->st != LEG_ACTIVE)
		return;
	leg_send(c, l, ISDN_Q931_DISCONNECT, cause, ISDN_CHARGE_TOTAL);
	l->st = LEG_DISC;
}

static void
call_clearing(struct xchg *x, struct xcall *c, uint8_t cause)
{
	if (c->cause == 0)
		c->cause = cause != 0 ? cause : ISDN_CAUSE_NORMAL_UNSPEC;
	c->st = X_CLEARING;
	evtimer_del(c->tick);
	timer_arm(c->timer, x->conf.t303_secs);
}

/* A clearing message from leg l (Q.931 5.3.3 - 5.3.5). */
static void
leg_rx_clear(struct xchg *x, struct xcall *c, struct leg *l,
             const struct isdn_q931_msg *m)
{
	struct leg *o = l == &c->a ? &c->b : &c->a;
	uint8_t cause = (m->present & ISDN_Q931_F_CAUSE) ? m->cause.value : 0;

	call_clearing(x, c, cause);
	switch (m->type) {
	case ISDN_Q931_DISCONNECT:
		if (l->st == LEG_REL)
			break;
		leg_send(c, l, ISDN_Q931_RELEASE, 0, ISDN_CHARGE_TOTAL);
		l->st = LEG_REL;
		break;
	case ISDN_Q931_RELEASE:
		leg_send(c, l, ISDN_Q931_RELEASE_COMPLETE, 0, 0);
		leg_done(l);
		break;
	default:
		leg_done(l);
		break;
	}
	/* A user's cause goes to the other party unchanged (with its
	 * diagnostic, which the callback status travels in). */
	if (o->st == LEG_SETUP || o->st == LEG_ACTIVE) {
		struct isdn_q931_msg d;
		struct isdn_cause cs;

		isdn_q931_init(&d, ISDN_Q931_DISCONNECT, o->cref, !o->net_cref);
		isdn_q931_cause_get(m, &cs);
		if (cs.value == 0)
			cs.value = ISDN_CAUSE_NORMAL;
		isdn_q931_cause_set(&d, &cs);
		if (o == &c->a && c->units > 0) {
			d.present |= ISDN_Q931_F_CHARGE;
			d.charge_kind = ISDN_CHARGE_TOTAL;
			d.charge_units = c->units;
		}
		if (o->sub != NULL)
			send_msg(o->sub, &d);
		o->st = LEG_DISC;
	}
	maybe_end(x, c);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct xcall *c = arg;
	struct numstat *ns = numstat(c->x, c->calling);

	(void)fd;
	(void)what;
	c->units++;
	c->x->n_units++;
	if (ns != NULL)
		ns->units++;
	leg_send(c, &c->a, ISDN_Q931_INFORMATION, 0, ISDN_CHARGE_DURING);
	timer_arm(c->tick, c->x->conf.unit_secs);
}

/* T303 / answer timeout while setting up; T305/T308 while clearing. */
static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct xcall *c = arg;
	struct xchg *x = c->x;

	(void)fd;
	(void)what;
	switch (c->st) {
	case X_PRESENT:
		call_clearing(x, c, ISDN_CAUSE_NO_USER_RESPONSE);
		leg_send(c, &c->b, ISDN_Q931_RELEASE_COMPLETE,
		         ISDN_CAUSE_TIMER_EXPIRY, 0);
		leg_done(&c->b);
		leg_disconnect(c, &c->a, ISDN_CAUSE_NO_USER_RESPONSE);
		break;
	case X_ALERTING:
		call_clearing(x, c, ISDN_CAUSE_NO_ANSWER);
		leg_disconnect(c, &c->a, ISDN_CAUSE_NO_ANSWER);
		leg_disconnect(c, &c->b, ISDN_CAUSE_NO_ANSWER);
		break;
	case X_ACTIVE:
		break;
	case X_CLEARING:
		leg_send(c, &c->a, ISDN_Q931_RELEASE_COMPLETE,
		         ISDN_CAUSE_TIMER_EXPIRY, 0);
		leg_send(c, &c->b, ISDN_Q931_RELEASE_COMPLETE,
		         ISDN_CAUSE_TIMER_EXPIRY, 0);
		leg_done(&c->a);
		leg_done(&c->b);
		break;
	}
	maybe_end(x, c);
}

/* The callee answered: connect both sides and start charging. */
static void
call_connect(struct xchg *x, struct xcall *c)
{
	struct numstat *ns;

	if (c->a.chan == 0 || c->b.chan == 0) {
		call_clearing(x, c, ISDN_CAUSE_NO_CHANNEL);
		leg_disconnect(c, &c->a, ISDN_CAUSE_NO_CHANNEL);
		leg_disconnect(c, &c->b, ISDN_CAUSE_NO_CHANNEL);
		return;
	}
	leg_send(c, &c->b, ISDN_Q931_CONNECT_ACK, 0, 0);
	leg_send(c, &c->a, ISDN_Q931_CONNECT, 0, 0);
	c->a.st = LEG_ACTIVE;
	c->b.st = LEG_ACTIVE;
	c->st = X_ACTIVE;
	c->connected = 1;
	c->units = 1;
	x->n_connected++;
	x->n_units++;
	evtimer_del(c->timer);
	ns = numstat(x, c->calling);
	if (ns != NULL) {
		ns->answered_out++;
		ns->units++;
	}
	ns = numstat(x, c->called);
	if (ns != NULL)
		ns->answered_in++;
	leg_send(c, &c->a, ISDN_Q931_INFORMATION, 0, ISDN_CHARGE_DURING);
	timer_arm(c->tick, x->conf.unit_secs);
}

static void
rx_from_callee(struct xchg *x, struct xcall *c, const struct isdn_q931_msg *m)
{
	switch (m->type) {
	case ISDN_Q931_CALL_PROCEEDING:
	case ISDN_Q931_ALERTING:
		if (c->st != X_PRESENT && c->st != X_ALERTING)
			break;
		if (m->type == ISDN_Q931_ALERTING)
			leg_send(c, &c->a, ISDN_Q931_ALERTING, 0, 0);
		c->st = X_ALERTING;
		timer_arm(c->timer, x->conf.answer_secs);
		break;
	case ISDN_Q931_CONNECT:
		if (c->st == X_PRESENT || c->st == X_ALERTING)
			call_connect(x, c);
		break;
	default:
		break;
	}
}

/* The calling number is screened: one of the caller's own numbers passes
 * as "user provided, verified and passed", anything else is replaced by
 * its first number, "network provided" (Q.951 CLIP). */
static void
screen_calling(const struct xsub *s, const struct isdn_q931_msg *in,
               struct isdn_ie_number *out)
{
	const char *num = s->msn[0];
	uint8_t screening = 3;

	if ((in->present & ISDN_Q931_F_CALLING) &&
	    sub_has_number(s, in->calling.digits)) {
		num = in->calling.digits;
		screening = 1;
	}
	(void)isdn_q931_number_set(out, num);
	out->has_3a = 1;
	out->presentation = 0;
	out->screening = screening;
}

static uint16_t
cref_alloc(struct xchg *x, const struct xsub *s)
{
	struct xcall *c;
	uint16_t cref;
	int used;

	for (cref = 1; cref <= 0x7f; cref++) {
		used = 0;
		for (c = x->calls; c != NULL; c = c->next) {
			if (c->b.sub == s && c->b.cref == cref)
				used = 1;
		}
		if (!used)
			return cref;
	}
	return 0;
}

/* The SETUP the callee sees: what the telephone company lets through. */
static void
build_delivery(struct xchg *x, struct xcall *c, const struct isdn_q931_msg *in,
               struct isdn_q931_msg *out)
{
	int drop_llc = x->conf.profile == XCHG_DROP_LLC ||
	               x->conf.profile == XCHG_DROP_BOTH;
	int drop_sub = x->conf.profile == XCHG_DROP_SUBADDR ||
	               x->conf.profile == XCHG_DROP_BOTH;

	isdn_q931_init(out, ISDN_Q931_SETUP, c->b.cref, 0);
	out->present = ISDN_Q931_F_BEARER | ISDN_Q931_F_CHANID |
	               ISDN_Q931_F_CALLING | ISDN_Q931_F_CALLED |
	               ISDN_Q931_F_SENDING_COMPLETE;
	out->bearer = in->bearer;
	isdn_q931_chanid_bri(&out->chanid, c->b.chan != 0, c->b.chan);
	screen_calling(c->a.sub, in, &out->calling);
	(void)isdn_q931_number_set(&out->called, c->called);
	if (in->present & ISDN_Q931_F_LLC) {
		if (drop_llc) {
			c->dropped |= 1;
		} else {
			out->present |= ISDN_Q931_F_LLC;
			out->llc = in->llc;
			c->delivered |= 1;
		}
	}
	if (in->present & ISDN_Q931_F_CALLED_SUB) {
		if (drop_sub) {
			c->dropped |= 2;
		} else {
			out->present |= ISDN_Q931_F_CALLED_SUB;
			out->called_sub = in->called_sub;
			c->delivered |= 2;
		}
	}
	if ((in->present & ISDN_Q931_F_CALLING_SUB) && !drop_sub) {
		out->present |= ISDN_Q931_F_CALLING_SUB;
		out->calling_sub = in->calling_sub;
	}
	num_copy(c->calling, out->calling.digits);
}

/* Called number to subscriber; a dialled trunk prefix "0" is removed
 * when the number without it is the one registered (seed 002 §3.1). */
static struct xsub *
route(struct xchg *x, const char *dialled, const char **msn)
{
	struct xsub *s = sub_by_number(x, dialled);

	*msn = dialled;
	if (s == NULL && dialled[0] == '0' && dialled[1] != '\0') {
		s = sub_by_number(x, dialled + 1);
		*msn = dialled + 1;
	}
	return s;
}

static struct xcall *
call_new(struct xchg *x, struct xsub *caller, uint16_t cref)
{
	struct xcall *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->x = x;
	c->id = ++x->next_call;
	c->timer = evtimer_new(x->evb, on_timer, c);
	c->tick = evtimer_new(x->evb, on_tick, c);
	if (c->timer == NULL || c->tick == NULL) {
		if (c->timer != NULL)
			event_free(c->timer);
		if (c->tick != NULL)
			event_free(c->tick);
		free(c);
		return NULL;
	}
	c->a.sub = caller;
	c->a.cref = cref;
	c->a.st = LEG_SETUP;
	c->next = x->calls;
	x->calls = c;
	return c;
}

static void
count_unallocated(struct xchg *x, struct xsub *s, const struct isdn_q931_msg *m)
{
	struct isdn_ie_number calling;
	struct numstat *ns;

	x->n_unallocated++;
	screen_calling(s, m, &calling);
	ns = numstat(x, calling.digits);
	if (ns != NULL) {
		ns->calls_out++;
		ns->rejected_out++;
	}
	memset(&x->last, 0, sizeof(x->last));
	memcpy(x->last.calling, calling.digits, sizeof(x->last.calling));
	memcpy(x->last.called, m->called.digits, sizeof(x->last.called));
	x->last.cause = ISDN_CAUSE_UNALLOCATED;
}

/* A new call from subscriber s: route, take channels, deliver. */
static void
rx_setup(struct xchg *x, struct xsub *s, const struct isdn_q931_msg *m)
{
	struct isdn_q931_msg out;
	struct xsub *callee;
	const char *msn;
	struct xcall *c;
	struct numstat *ns;
	int wants_b = !((m->present & ISDN_Q931_F_CHANID) &&
	                m->chanid.sel == 0 && !m->chanid.primary);

	x->n_calls++;
	if (!(m->present & ISDN_Q931_F_CALLED) || m->called.digits[0] == '\0') {
		refuse(s, m->cref, ISDN_CAUSE_INVALID_NUMBER);
		return;
	}
	callee = route(x, m->called.digits, &msn);
	if (callee == NULL) {
		count_unallocated(x, s, m);
		refuse(s, m->cref, ISDN_CAUSE_UNALLOCATED);
		return;
	}
	c = call_new(x, s, m->cref);
	if (c == NULL) {
		refuse(s, m->cref, ISDN_CAUSE_TEMP_FAILURE);
		return;
	}
	if (wants_b && (c->a.chan = chan_alloc(s)) == 0) {
		refuse(s, m->cref, ISDN_CAUSE_NO_CHANNEL);
		c->a.st = LEG_IDLE;
		call_free(x, c);
		return;
	}
	num_copy(c->called, msn);
	c->b.sub = callee;
	c->b.net_cref = 1;
	c->b.cref = cref_alloc(x, callee);
	c->b.chan = wants_b ? chan_alloc(callee) : 0;
	c->b.st = LEG_SETUP;
	leg_send(c, &c->a, ISDN_Q931_CALL_PROCEEDING, 0, 0);
	build_delivery(x, c, m, &out);
	send_msg(callee, &out);
	c->st = X_PRESENT;
	timer_arm(c->timer, x->conf.t303_secs);
	ns = numstat(x, c->calling);
	if (ns != NULL)
		ns->calls_out++;
	ns = numstat(x, c->called);
	if (ns != NULL)
		ns->calls_in++;
	gw_info("%s: call %u %s -> %s (%s, B %s)", __func__, c->id, c->calling,
	        c->called, xchg_profile_name(x->conf.profile),
	        wants_b ? "wanted" : "not wanted");
}

static struct xcall *
call_by_leg(struct xchg *x, const struct xsub *s, uint16_t cref, int net_cref,
            struct leg **l)
{
	struct xcall *c;

	for (c = x->calls; c != NULL; c = c->next) {
		if (c->a.sub == s && c->a.cref == cref && !net_cref) {
			*l = &c->a;
			return c;
		}
		if (c->b.sub == s && c->b.cref == cref && net_cref) {
			*l = &c->b;
			return c;
		}
	}
	return NULL;
}

static void
rx_q931(struct xchg *x, struct xsub *s, const uint8_t *p, size_t len)
{
	struct isdn_q931_msg m;
	enum isdn_q931_err err = isdn_q931_decode(p, len, &m);
	struct xcall *c;
	struct leg *l = NULL;

	if (err != ISDN_Q931_OK) {
		gw_info("%s: sub %u: %s", __func__, s->id,
		        isdn_q931_err_str(err));
		if (m.type == ISDN_Q931_SETUP && !m.cref_flag &&
		    err >= ISDN_Q931_ERR_IE_TRUNC)
			refuse(s, m.cref, isdn_q931_err_cause(err));
		return;
	}
	gw_debug("%s: sub %u -> %s cref %u", __func__, s->id,
	         isdn_q931_type_str(m.type), m.cref);
	/* flag clear: the subscriber allocated the reference */
	c = call_by_leg(x, s, m.cref, m.cref_flag, &l);
	if (c == NULL) {
		if (m.type == ISDN_Q931_SETUP && !m.cref_flag)
			rx_setup(x, s, &m);
		else if (m.type != ISDN_Q931_RELEASE_COMPLETE)
			refuse(s, m.cref, ISDN_CAUSE_INVALID_CREF);
		return;
	}
	switch (m.type) {
	case ISDN_Q931_DISCONNECT:
	case ISDN_Q931_RELEASE:
	case ISDN_Q931_RELEASE_COMPLETE:
		leg_rx_clear(x, c, l, &m);
		break;
	default:
		if (l == &c->b)
			rx_from_callee(x, c, &m);
		break;
	}
}

static void
rx_register(struct xchg *x, struct xsub *s, const uint8_t *p, size_t len)
{
	char num[ISDN_NUMBER_MAX + 1], msg[96];
	struct xsub *owner;

	if (len == 0 || len > ISDN_NUMBER_MAX) {
		s->send(s->io, ISDN_FRAME_REG_NAK, (const uint8_t *)"- invalid",
		        9);
		return;
	}
	memcpy(num, p, len);
	num[len] = '\0';
	owner = sub_by_number(x, num);
	if (!isdn_number_valid(num) || (owner != NULL && owner != s) ||
	    (owner == NULL && s->n_msn >= MSN_MAX)) {
		len = (size_t)snprintf(msg, sizeof(msg), "%s %s", num,
		                       owner != NULL ? "in use" : "invalid");
		s->send(s->io, ISDN_FRAME_REG_NAK, (const uint8_t *)msg, len);
		return;
	}
	if (owner == NULL)
		memcpy(s->msn[s->n_msn++], num, sizeof(num));
	gw_info("%s: sub %u registered %s", __func__, s->id, num);
	s->send(s->io, ISDN_FRAME_REG_ACK, (const uint8_t *)num, strlen(num));
}

/* B-channel data goes to the other leg of the active call on it. */
static void
rx_bdata(struct xchg *x, struct xsub *s, const uint8_t *p, size_t len)
{
	uint8_t buf[ISDN_FRAME_PAYLOAD_MAX];
	struct leg *from, *to;
	struct xcall *c;

	if (len < 1 || len > sizeof(buf))
		return;
	for (c = x->calls; c != NULL; c = c->next) {
		if (c->st != X_ACTIVE)
			continue;
		from = c->a.sub == s && c->a.chan == p[0]   ? &c->a
		       : c->b.sub == s && c->b.chan == p[0] ? &c->b
		                                            : NULL;
		if (from == NULL)
			continue;
		to = from == &c->a ? &c->b : &c->a;
		if (to->sub == NULL || to->st != LEG_ACTIVE)
			return;
		buf[0] = to->chan;
		memcpy(buf + 1, p + 1, len - 1);
		x->n_b_octets += len - 1;
		to->sub->send(to->sub->io, ISDN_FRAME_BDATA, buf, len);
		return;
	}
}

void
xchg_sub_frame(struct xchg *x, struct xsub *s, uint8_t type, const uint8_t *p,
               size_t len)
{
	struct gw_str reply;
	char cmd[256];

	switch (type) {
	case ISDN_FRAME_REGISTER:
		rx_register(x, s, p, len);
		break;
	case ISDN_FRAME_Q931:
		rx_q931(x, s, p, len);
		break;
	case ISDN_FRAME_BDATA:
		rx_bdata(x, s, p, len);
		break;
	case ISDN_FRAME_CTL:
		if (len >= sizeof(cmd))
			len = sizeof(cmd) - 1;
		memcpy(cmd, p, len);
		cmd[len] = '\0';
		gw_str_init(&reply);
		xchg_ctl(x, cmd, &reply);
		s->send(s->io, ISDN_FRAME_CTL_REPLY, (const uint8_t *)reply.buf,
		        reply.len);
		gw_str_free(&reply);
		break;
	default:
		gw_info("%s: sub %u: unknown frame type %u", __func__, s->id,
		        type);
		break;
	}
}

struct xsub *
xchg_sub_new(struct xchg *x, xsub_send_fn send, void *io)
{
	struct xsub *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->id = ++x->next_sub;
	s->send = send;
	s->io = io;
	s->next = x->subs;
	x->subs = s;
	return s;
}

/* Its calls lose that leg at once; the other party hears #27. */
void
xchg_sub_gone(struct xchg *x, struct xsub *s)
{
	struct xcall *c, *next;
	struct xsub **pp;
	struct leg *l, *o;

	for (c = x->calls; c != NULL; c = next) {
		next = c->next;
		if (c->a.sub != s && c->b.sub != s)
			continue;
		l = c->a.sub == s ? &c->a : &c->b;
		o = l == &c->a ? &c->b : &c->a;
		leg_done(l);
		if (o->sub == s)
			leg_done(o);
		call_clearing(x, c, ISDN_CAUSE_DEST_OUT_OF_ORDER);
		leg_disconnect(c, o, ISDN_CAUSE_DEST_OUT_OF_ORDER);
		maybe_end(x, c);
	}
	gw_info("%s: sub %u left", __func__, s->id);
	for (pp = &x->subs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	free(s);
}

static void
ctl_stats(struct xchg *x, struct gw_str *r)
{
	struct xcall *c;
	struct xsub *s;
	unsigned nsub = 0, ncall = 0, nact = 0;

	for (s = x->subs; s != NULL; s = s->next) {
		nsub++;
	}
	for (c = x->calls; c != NULL; c = c->next) {
		ncall++;
		nact += c->st == X_ACTIVE;
	}
	gw_str_printf(
	    r,
	    "profile %s\nsubscribers %u\ncalls_now %u\nactive_now "
	    "%u\ncalls %llu\nconnected %llu\nunallocated %llu\nunits "
	    "%llu\nb_octets %llu\n",
	    xchg_profile_name(x->conf.profile), nsub, ncall, nact,
	    (unsigned long long)x->n_calls, (unsigned long long)x->n_connected,
	    (unsigned long long)x->n_unallocated,
	    (unsigned long long)x->n_units, (unsigned long long)x->n_b_octets);
}

static const char *
ies_str(unsigned v)
{
	static const char *const s[] = {"none", "llc", "subaddr",
	                                "llc+subaddr"};

	return s[v & 3];
}

static void
ctl_number(struct xchg *x, const char *num, struct gw_str *r)
{
	const struct numstat *n = NULL;
	size_t i;

	for (i = 0; i < x->n_ns; i++)
		if (strcmp(x->ns[i].number, num) == 0)
			n = &x->ns[i];
	gw_str_printf(r,
	              "number %s registered %s calls_out %u calls_in %u "
	              "answered_out %u answered_in %u rejected_out %u units "
	              "%u\n",
	              num, sub_by_number(x, num) != NULL ? "yes" : "no",
	              n ? n->calls_out : 0, n ? n->calls_in : 0,
	              n ? n->answered_out : 0, n ? n->answered_in : 0,
	              n ? n->rejected_out : 0, n ? n->units : 0);
}

void
xchg_ctl(struct xchg *x, const char *cmd, struct gw_str *r)
{
	char word[32], arg[64];
	int n;
	enum xchg_profile p;

	word[0] = arg[0] = '\0';
	n = sscanf(cmd, "%31s %63s", word, arg);
	if (n >= 1 && strcmp(word, "stats") == 0) {
		ctl_stats(x, r);
	} else if (n == 2 && strcmp(word, "number") == 0) {
		ctl_number(x, arg, r);
	} else if (n >= 1 && strcmp(word, "last") == 0) {
		gw_str_printf(r,
		              "calling %s called %s delivered %s dropped %s "
		              "cause %u connected %d units %u\n",
		              x->last.calling[0] ? x->last.calling : "-",
		              x->last.called[0] ? x->last.called : "-",
		              ies_str(x->last.delivered),
		              ies_str(x->last.dropped), x->last.cause,
		              x->last.connected, x->last.units);
	} else if (n == 2 && strcmp(word, "profile") == 0 &&
	           xchg_profile_parse(arg, &p) == 0) {
		x->conf.profile = p;
		gw_str_printf(r, "profile %s\n", xchg_profile_name(p));
	} else if (n == 1 && strcmp(word, "profile") == 0) {
		gw_str_printf(r, "profile %s\n",
		              xchg_profile_name(x->conf.profile));
	} else if (n >= 1 && strcmp(word, "reset") == 0) {
		free(x->ns);
		x->ns = NULL;
		x->n_ns = 0;
		x->n_calls = x->n_connected = x->n_unallocated = 0;
		x->n_units = x->n_b_octets = 0;
		memset(&x->last, 0, sizeof(x->last));
		gw_str_printf(r, "ok\n");
	} else {
		gw_str_printf(r, "error: commands: stats, number NUM, last, "
		                 "profile [NAME], reset\n");
	}
}

struct xchg *
xchg_new(struct event_base *base, const struct xchg_conf *conf)
{
	struct xchg *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return NULL;
	x->evb = base;
	x->conf = *conf;
	if (x->conf.unit_secs == 0)
		x->conf.unit_secs = 60;
	if (x->conf.t303_secs == 0)
		x->conf.t303_secs = 4;
	if (x->conf.answer_secs == 0)
		x->conf.answer_secs = 30;
	return x;
}

void
xchg_free(struct xchg *x)
{
	struct xcall *c;
	struct xsub *s;

	if (x == NULL)
		return;
	while ((c = x->calls) != NULL) {
		x->calls = c->next;
		event_free(c->timer);
		event_free(c->tick);
		free(c);
	}
	while ((s = x->subs) != NULL) {
		x->subs = s->next;
		free(s);
	}
	free(x->ns);
	free(x);
}
