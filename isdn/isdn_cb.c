/*
 * isdn_cb.c - the IPSec callback over a line: places callback calls (C3,
 * C5) and answers incoming ones (C1, C4 step 4).  Outgoing: prepare hook,
 * SETUP with the record in the IEs the plan names, then either the
 * callee's rejection carries its status (D channel, free) or the callee
 * answers and the record goes over the B channel, acknowledged by an ACK
 * frame, after which we hang up.  Incoming: dispatch, match the calling
 * number to a peer, pull the record from LLC / subaddress / B channel,
 * report the event and answer per isdn_cb_decide().
 */
#include "isdn_cb.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "common.h"
#include "isdn_xfer.h"

enum out_state {
	OUT_PREPARING,
	OUT_CALLING,
	OUT_B_WAIT_ACK,
	OUT_CLEARING,
};

struct cb_out {
	struct cb_out *next;
	struct isdn_cb *cb;
	struct isdn_cb_peer peer;
	struct isdn_xfer xfer;
	int have_xfer;
	struct isdn_cb_plan plan;
	enum out_state st;
	uint32_t call;
	int have_call;
	struct isdn_cb_response resp;
	uint32_t units;
	struct event *timer;
	uint8_t rx[ISDN_BFRAME_MAX];
	size_t rx_len;
};

enum in_state {
	IN_WAIT_CONNECT,
	IN_WAIT_B,
	IN_WAIT_CLEAR,
};

struct cb_in {
	struct cb_in *next;
	struct isdn_cb *cb;
	uint32_t call;
	enum in_state st;
	int reported;
	struct isdn_cb_event ev;
	struct event *timer;
	uint8_t rx[ISDN_BFRAME_MAX];
	size_t rx_len;
};

struct cb_memo {
	uint32_t peer_id;
	unsigned via;
};

struct isdn_cb {
	struct event_base *evb;
	struct isdn_line *line;
	struct isdn_cb_conf conf;
	struct isdn_cb_hooks hooks;
	void *arg;
	struct cb_out *outs;
	struct cb_in *ins;
	struct cb_memo *memo;
	size_t n_memo;
};

static void timer_arm(struct event *ev, uint32_t secs);
static void in_progress(struct cb_in *i, enum isdn_progress p);

/* Remembered autodetect results, one per peer. */
static struct cb_memo *
memo_find(const struct isdn_cb *cb, uint32_t peer_id)
{
	size_t i;

	for (i = 0; i < cb->n_memo; i++)
		if (cb->memo[i].peer_id == peer_id)
			return &cb->memo[i];
	return NULL;
}

static void
memo_set(struct isdn_cb *cb, uint32_t peer_id, unsigned via)
{
	struct cb_memo *m = memo_find(cb, peer_id), *n;

	if (m != NULL) {
		m->via = via;
		return;
	}
	if (via == 0)
		return;
	n = realloc(cb->memo, (cb->n_memo + 1) * sizeof(*n));
	if (n == NULL)
		return;
	cb->memo = n;
	cb->memo[cb->n_memo].peer_id = peer_id;
	cb->memo[cb->n_memo].via = via;
	cb->n_memo++;
}

unsigned
isdn_cb_detected(const struct isdn_cb *cb, uint32_t peer_id)
{
	const struct cb_memo *m = memo_find(cb, peer_id);

	return m != NULL ? m->via : 0;
}

void
isdn_cb_forget(struct isdn_cb *cb, uint32_t peer_id)
{
	memo_set(cb, peer_id, 0);
}

static struct cb_out *
out_by_call(struct isdn_cb *cb, uint32_t call)
{
	struct cb_out *o;

	for (o = cb->outs; o != NULL; o = o->next) {
		if (o->have_call && o->call == call)
			return o;
	}
	return NULL;
}

static struct cb_out *
out_by_peer(struct isdn_cb *cb, uint32_t peer_id)
{
	struct cb_out *o;

	for (o = cb->outs; o != NULL; o = o->next) {
		if (o->peer.id == peer_id)
			return o;
	}
	return NULL;
}

static struct cb_in *
in_by_call(struct isdn_cb *cb, uint32_t call)
{
	struct cb_in *i;

	for (i = cb->ins; i != NULL; i = i->next) {
		if (i->call == call)
			return i;
	}
	return NULL;
}

static void
out_release(struct cb_out *o)
{
	if (o->timer != NULL)
		event_free(o->timer);
	memset(&o->xfer, 0, sizeof(o->xfer));
	free(o);
}

static void
out_free(struct cb_out *o)
{
	struct cb_out **pp;

	for (pp = &o->cb->outs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			break;
		}
	out_release(o);
}

/* The attempt is over: judge, remember, report, forget. */
static void
out_done(struct cb_out *o, enum isdn_cb_res forced)
{
	struct isdn_cb *cb = o->cb;
	struct isdn_cb_result r;

	memset(&r, 0, sizeof(r));
	isdn_cb_judge(&o->peer, &o->plan, &o->resp,
	              isdn_cb_detected(cb, o->peer.id), &r);
	if (forced != ISDN_CB_OK)
		r.res = forced;
	r.units = o->units;
	if (isdn_cb_autodetect(&o->peer))
		memo_set(cb, o->peer.id, r.detected);
	gw_notice("%s: callback to peer %u: %s via %s (sent %s%s, cause %u, "
	          "%s, %u units)",
	          __func__, o->peer.id, isdn_cb_res_str(r.res),
	          isdn_via_str(r.via), isdn_via_str(r.sent),
	          r.b_allowed ? ", B allowed" : "", r.cause,
	          r.connected ? "charged" : "free", r.units);
	out_free(o);
	if (cb->hooks.done != NULL)
		cb->hooks.done(cb->arg, &r);
}

static void
out_hangup(struct cb_out *o, uint8_t value)
{
	struct isdn_cause c = {.value = value};

	o->st = OUT_CLEARING;
	timer_arm(o->timer, o->cb->conf.b_timeout_s);
	(void)isdn_line_hangup(o->cb->line, o->call, &c);
}

/* SETUP with the record in the planned IEs. */
static enum isdn_cb_res
out_dial(struct cb_out *o)
{
	struct isdn_cb *cb = o->cb;
	uint8_t llc[ISDN_XFER_LLC_LEN], sub[ISDN_XFER_SUB_LEN];
	struct isdn_call_req req;

	memset(&req, 0, sizeof(req));
	req.called = o->peer.outgoing;
	req.calling = cb->conf.own_number;
	req.bearer = ISDN_BEARER_DATA;
	req.b_channel = o->plan.b_allowed;
	if (o->peer.transfer_ip && !o->have_xfer)
		return ISDN_CB_E_CONFIG;
	if (o->plan.carry & ISDN_VIA_LLC) {
		if (isdn_xfer_to_llc(&o->xfer, llc) != ISDN_XFER_OK)
			return ISDN_CB_E_CONFIG;
		req.llc = llc;
		req.llc_len = sizeof(llc);
	}
	if (o->plan.carry & ISDN_VIA_SUBADDR) {
		if (isdn_xfer_to_subaddr(&o->xfer, sub) != ISDN_XFER_OK)
			return ISDN_CB_E_CONFIG;
		req.called_sub = sub;
		req.called_sub_len = sizeof(sub);
	}
	if (o->plan.b_allowed && o->peer.transfer_ip &&
	    !isdn_xfer_addr_ok(o->xfer.addr))
		return ISDN_CB_E_CONFIG;
	if (isdn_line_call(cb->line, &req, &o->call) < 0)
		return ISDN_CB_E_LINE;
	o->have_call = 1;
	o->st = OUT_CALLING;
	timer_arm(o->timer, cb->conf.call_timeout_s);
	gw_info("%s: calling %s for peer %u, %s in D%s", __func__,
	        o->peer.outgoing, o->peer.id,
	        o->plan.carry ? isdn_via_str(o->plan.carry) : "nothing",
	        o->plan.b_allowed ? ", B allowed" : "");
	return ISDN_CB_OK;
}

static void
on_out_timer(evutil_socket_t fd, short what, void *arg)
{
	struct cb_out *o = arg;

	(void)fd;
	(void)what;
	switch (o->st) {
	case OUT_PREPARING:
		out_done(o, ISDN_CB_E_TIMEOUT);
		break;
	case OUT_CALLING:
		o->resp.timeout = 1;
		out_hangup(o, ISDN_CAUSE_TIMER_EXPIRY);
		break;
	case OUT_B_WAIT_ACK:
		o->resp.b_failed = 1;
		out_hangup(o, ISDN_CAUSE_TIMER_EXPIRY);
		break;
	case OUT_CLEARING:
		/* the driver releases locally on a second hangup; if it no
		 * longer knows the call, nothing more will come */
		if (isdn_line_hangup(o->cb->line, o->call, NULL) < 0)
			out_done(o, ISDN_CB_OK);
		break;
	}
}

enum isdn_cb_res
isdn_cb_start(struct isdn_cb *cb, const struct isdn_cb_peer *peer,
              const struct isdn_xfer *xfer)
{
	struct cb_out *o;
	enum isdn_cb_res r;
	struct isdn_cb_plan plan;

	if (isdn_cb_plan(peer, isdn_cb_detected(cb, peer->id), &plan) < 0)
		return ISDN_CB_E_NOT_ACTIVE;
	if (!isdn_number_valid(peer->outgoing))
		return ISDN_CB_E_CONFIG;
	if (out_by_peer(cb, peer->id) != NULL)
		return ISDN_CB_E_IN_PROGRESS;
	if (!isdn_line_is_up(cb->line))
		return ISDN_CB_E_LINE;
	o = calloc(1, sizeof(*o));
	if (o == NULL)
		return ISDN_CB_E_LINE;
	o->cb = cb;
	o->peer = *peer;
	o->plan = plan;
	o->timer = evtimer_new(cb->evb, on_out_timer, o);
	o->next = cb->outs;
	cb->outs = o;
	if (o->timer == NULL) {
		out_free(o);
		return ISDN_CB_E_LINE;
	}
	if (cb->hooks.prepare != NULL) {
		o->st = OUT_PREPARING;
		timer_arm(o->timer, cb->conf.call_timeout_s);
		cb->hooks.prepare(cb->arg, peer->id);
		return ISDN_CB_OK;
	}
	if (xfer != NULL) {
		o->xfer = *xfer;
		o->have_xfer = 1;
	}
	r = out_dial(o);
	if (r != ISDN_CB_OK)
		out_free(o);
	return r;
}

enum isdn_cb_res
isdn_cb_ready(struct isdn_cb *cb, uint32_t peer_id, int ok,
              const struct isdn_xfer *xfer)
{
	struct cb_out *o = out_by_peer(cb, peer_id);
	enum isdn_cb_res r;

	if (o == NULL || o->st != OUT_PREPARING)
		return ISDN_CB_E_CONFIG;
	if (!ok) {
		out_done(o, ISDN_CB_E_PREPARE);
		return ISDN_CB_OK;
	}
	if (xfer != NULL) {
		o->xfer = *xfer;
		o->have_xfer = 1;
	}
	r = out_dial(o);
	if (r != ISDN_CB_OK)
		out_done(o, r);
	return ISDN_CB_OK;
}

/* Answered: send the record over B and wait for the ACK frame. */
static void
out_connected(struct cb_out *o)
{
	uint8_t rec[ISDN_XFER_REC_LEN], frame[ISDN_BFRAME_MAX];
	size_t n = 0;

	o->resp.connected = 1;
	if (!o->plan.b_allowed || !o->have_xfer ||
	    isdn_xfer_pack(&o->xfer, rec) != ISDN_XFER_OK ||
	    isdn_bframe_build(ISDN_BFRAME_XFER, rec, sizeof(rec), frame,
	                      sizeof(frame), &n) != ISDN_XFER_OK ||
	    isdn_line_send_b(o->cb->line, o->call, frame, n) < 0) {
		o->resp.b_failed = 1;
		out_hangup(o, ISDN_CAUSE_NORMAL);
		return;
	}
	o->st = OUT_B_WAIT_ACK;
	timer_arm(o->timer, o->cb->conf.b_timeout_s);
}

static void
out_b_data(struct cb_out *o, const uint8_t *data, size_t len)
{
	uint8_t body[ISDN_BFRAME_BODY_MAX], type = 0;
	size_t blen = 0, used = 0;
	enum isdn_xfer_err err;

	if (o->st != OUT_B_WAIT_ACK)
		return;
	if (len > sizeof(o->rx) - o->rx_len)
		len = sizeof(o->rx) - o->rx_len;
	memcpy(o->rx + o->rx_len, data, len);
	o->rx_len += len;
	err = isdn_bframe_parse(o->rx, o->rx_len, &type, body, &blen, &used);
	if (err == ISDN_XFER_ERR_SHORT && o->rx_len < sizeof(o->rx))
		return;
	if (err == ISDN_XFER_OK && type == ISDN_BFRAME_ACK) {
		o->resp.have_status = 1;
		o->resp.status = body[0];
	} else {
		o->resp.b_failed = 1;
	}
	out_hangup(o, ISDN_CAUSE_NORMAL);
}

/* The callee's rejection may carry its status in cause #21. */
static void
out_released(struct cb_out *o, const struct isdn_cause *cause)
{
	uint8_t st;

	o->have_call = 0;
	if (cause != NULL) {
		o->resp.cause = cause->value;
		if (!o->resp.connected &&
		    isdn_xfer_cause_status(cause, &st) == 0) {
			o->resp.have_status = 1;
			o->resp.status = st;
		}
	}
	out_done(o, ISDN_CB_OK);
}

static void
out_progress(struct cb_out *o, enum isdn_progress p,
             const struct isdn_cause *cause)
{
	switch (p) {
	case ISDN_PROG_CONNECTED:
		if (o->st == OUT_CALLING)
			out_connected(o);
		break;
	case ISDN_PROG_RELEASED:
		out_released(o, cause);
		break;
	default:
		break;
	}
}

static void
in_release(struct cb_in *i)
{
	if (i->timer != NULL)
		event_free(i->timer);
	memset(&i->ev, 0, sizeof(i->ev));
	free(i);
}

static void
in_free(struct cb_in *i)
{
	struct cb_in **pp;

	for (pp = &i->cb->ins; *pp != NULL; pp = &(*pp)->next)
		if (*pp == i) {
			*pp = i->next;
			break;
		}
	in_release(i);
}

static void
report(struct isdn_cb *cb, const struct isdn_cb_event *ev)
{
	gw_notice("%s: callback from %s (peer %u): %s via %s%s", __func__,
	          ev->calling[0] ? ev->calling : "unknown number", ev->peer_id,
	          ev->verdict == ISDN_CB_IN_ACCEPTED  ? "accepted"
	          : ev->verdict == ISDN_CB_IN_REFUSED ? "refused"
	                                              : "unknown caller",
	          isdn_via_str(ev->via),
	          ev->bad ? " (invalid record seen)" : "");
	if (cb->hooks.received != NULL)
		cb->hooks.received(cb->arg, ev);
}

/* Looks at one carrier: a valid record sets via, a foreign IE is
 * ignored, anything else of ours that fails to decode sets bad. */
static void
take_record(struct isdn_cb_event *ev, unsigned bit, enum isdn_xfer_err err,
            const struct isdn_xfer *x)
{
	if (err == ISDN_XFER_OK) {
		if (!ev->has_xfer) {
			ev->xfer = *x;
			ev->has_xfer = 1;
		}
		ev->via |= bit;
	} else if (err != ISDN_XFER_ERR_CARRIER) {
		ev->bad |= bit;
	}
}

static void
extract(const struct isdn_setup *s, struct isdn_cb_event *ev)
{
	struct isdn_xfer x;

	if (s->llc_len > 0)
		take_record(ev, ISDN_VIA_LLC,
		            isdn_xfer_from_llc(s->llc, s->llc_len, &x), &x);
	if (s->called_sub_len > 0)
		take_record(ev, ISDN_VIA_SUBADDR,
		            isdn_xfer_from_subaddr(s->called_sub,
		                                   s->called_sub_len, &x),
		            &x);
	memset(&x, 0, sizeof(x));
}

static void
on_in_timer(evutil_socket_t fd, short what, void *arg)
{
	struct cb_in *i = arg;
	struct isdn_cause c = {.value = i->st == IN_WAIT_CLEAR
	                                    ? ISDN_CAUSE_NORMAL
	                                    : ISDN_CAUSE_TIMER_EXPIRY};

	(void)fd;
	(void)what;
	timer_arm(i->timer, i->cb->conf.b_timeout_s);
	if (isdn_line_hangup(i->cb->line, i->call, &c) < 0)
		in_progress(i, ISDN_PROG_RELEASED);
}

/* Answer so that the record can come over the B channel. */
static int
in_answer(struct isdn_cb *cb, uint32_t call, const struct isdn_cb_event *ev)
{
	struct cb_in *i = calloc(1, sizeof(*i));

	if (i == NULL)
		return -1;
	i->cb = cb;
	i->call = call;
	i->ev = *ev;
	i->st = IN_WAIT_CONNECT;
	i->timer = evtimer_new(cb->evb, on_in_timer, i);
	i->next = cb->ins;
	cb->ins = i;
	if (i->timer == NULL || isdn_line_answer(cb->line, call) < 0) {
		in_free(i);
		return -1;
	}
	timer_arm(i->timer, cb->conf.b_timeout_s);
	return 0;
}

static void
on_incoming(void *arg, uint32_t call, const struct isdn_setup *s)
{
	struct isdn_cb *cb = arg;
	struct isdn_cause c = {.value = ISDN_CAUSE_INCOMPATIBLE};
	struct isdn_cb_peer peer;
	struct isdn_cb_event ev;
	struct isdn_cb_answer a;
	int found;

	if (cb->hooks.dispatch != NULL &&
	    !cb->hooks.dispatch(cb->arg, s->called, s->bearer)) {
		(void)isdn_line_hangup(cb->line, call, &c);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	memcpy(ev.calling, s->calling, sizeof(ev.calling));
	memcpy(ev.called, s->called, sizeof(ev.called));
	memset(&peer, 0, sizeof(peer));
	found = s->calling[0] != '\0' && cb->hooks.lookup != NULL &&
	        cb->hooks.lookup(cb->arg, s->calling, &peer) == 0;
	extract(s, &ev);
	isdn_cb_decide(found ? &peer : NULL, ev.via, s->b_channel, &a);
	ev.peer_id = found ? peer.id : 0;
	ev.verdict = a.verdict;
	if (a.connect && in_answer(cb, call, &ev) == 0)
		return;
	isdn_xfer_status_cause(a.status, &c);
	(void)isdn_line_hangup(cb->line, call, &c);
	report(cb, &ev);
	memset(&ev, 0, sizeof(ev));
}

/* The record arrived over B: acknowledge, report, wait for the caller
 * to hang up (it pays for the call). */
static void
in_b_data(struct cb_in *i, const uint8_t *data, size_t len)
{
	uint8_t body[ISDN_BFRAME_BODY_MAX], type = 0, frame[ISDN_BFRAME_MAX];
	uint8_t st = ISDN_ST_ACCEPTED;
	size_t blen = 0, used = 0, n = 0;
	enum isdn_xfer_err err;
	struct isdn_xfer x;

	if (i->st != IN_WAIT_B)
		return;
	if (len > sizeof(i->rx) - i->rx_len)
		len = sizeof(i->rx) - i->rx_len;
	memcpy(i->rx + i->rx_len, data, len);
	i->rx_len += len;
	err = isdn_bframe_parse(i->rx, i->rx_len, &type, body, &blen, &used);
	if (err == ISDN_XFER_ERR_SHORT && i->rx_len < sizeof(i->rx))
		return;
	if (err == ISDN_XFER_OK && type == ISDN_BFRAME_XFER)
		err = isdn_xfer_unpack(body, blen, &x);
	else if (err == ISDN_XFER_OK)
		err = ISDN_XFER_ERR_TYPE;
	take_record(&i->ev, ISDN_VIA_B, err, &x);
	if (i->ev.via & ISDN_VIA_B)
		st |= ISDN_ST_B;
	if (isdn_bframe_build(ISDN_BFRAME_ACK, &st, 1, frame, sizeof(frame),
	                      &n) == ISDN_XFER_OK)
		(void)isdn_line_send_b(i->cb->line, i->call, frame, n);
	i->st = IN_WAIT_CLEAR;
	timer_arm(i->timer, i->cb->conf.b_timeout_s);
	i->reported = 1;
	report(i->cb, &i->ev);
	memset(&x, 0, sizeof(x));
}

static void
in_progress(struct cb_in *i, enum isdn_progress p)
{
	if (p == ISDN_PROG_CONNECTED && i->st == IN_WAIT_CONNECT) {
		i->st = IN_WAIT_B;
		return;
	}
	if (p != ISDN_PROG_RELEASED)
		return;
	/* Cleared before a record came: still a callback by number. */
	if (!i->reported) {
		if (i->st == IN_WAIT_B)
			i->ev.bad |= ISDN_VIA_B;
		report(i->cb, &i->ev);
	}
	in_free(i);
}

static void
on_progress(void *arg, uint32_t call, enum isdn_progress p,
            const struct isdn_cause *cause)
{
	struct isdn_cb *cb = arg;
	struct cb_out *o = out_by_call(cb, call);
	struct cb_in *i;

	if (o != NULL) {
		out_progress(o, p, cause);
		return;
	}
	i = in_by_call(cb, call);
	if (i != NULL)
		in_progress(i, p);
}

static void
on_b_data(void *arg, uint32_t call, const uint8_t *data, size_t len)
{
	struct isdn_cb *cb = arg;
	struct cb_out *o = out_by_call(cb, call);
	struct cb_in *i;

	if (o != NULL) {
		out_b_data(o, data, len);
		return;
	}
	i = in_by_call(cb, call);
	if (i != NULL)
		in_b_data(i, data, len);
}

static void
on_charge(void *arg, uint32_t call, uint32_t units, int final)
{
	struct cb_out *o = out_by_call(arg, call);

	(void) final;
	if (o != NULL && units > o->units)
		o->units = units;
}

static void
on_state(void *arg, int up)
{
	struct isdn_cb *cb = arg;

	if (cb->hooks.line_state != NULL)
		cb->hooks.line_state(cb->arg, up);
}

static void
timer_arm(struct event *ev, uint32_t secs)
{
	struct timeval tv = {.tv_sec = secs, .tv_usec = 0};

	if (ev != NULL)
		evtimer_add(ev, &tv);
}

struct isdn_cb *
isdn_cb_new(struct event_base *base, struct isdn_line *line,
            const struct isdn_cb_conf *conf, const struct isdn_cb_hooks *hooks,
            void *arg)
{
	static const struct isdn_line_cbs cbs = {
	    .incoming = on_incoming,
	    .progress = on_progress,
	    .b_data = on_b_data,
	    .charge = on_charge,
	    .state = on_state,
	};
	struct isdn_cb *cb;

	if (base == NULL || line == NULL || hooks == NULL)
		return NULL;
	cb = calloc(1, sizeof(*cb));
	if (cb == NULL)
		return NULL;
	cb->evb = base;
	cb->line = line;
	if (conf != NULL)
		cb->conf = *conf;
	if (cb->conf.call_timeout_s == 0)
		cb->conf.call_timeout_s = 30;
	if (cb->conf.b_timeout_s == 0)
		cb->conf.b_timeout_s = 10;
	cb->hooks = *hooks;
	cb->arg = arg;
	isdn_line_set_cbs(line, &cbs, cb);
	return cb;
}

void
isdn_cb_free(struct isdn_cb *cb)
{
	struct cb_out *o;
	struct cb_in *i;

	if (cb == NULL)
		return;
	isdn_line_set_cbs(cb->line, NULL, NULL);
	while ((o = cb->outs) != NULL) {
		cb->outs = o->next;
		out_release(o);
	}
	while ((i = cb->ins) != NULL) {
		cb->ins = i->next;
		in_release(i);
	}
	free(cb->memo);
	free(cb);
}
