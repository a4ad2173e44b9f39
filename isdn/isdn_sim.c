/*
 * isdn_sim.c - the `sim` line driver: a subscriber line of isdnsim over a
 * Unix stream socket (isdn_frame.h), driven by libevent.  It speaks the
 * user side of Q.931 basic call control: SETUP / CALL PROCEEDING /
 * ALERTING / CONNECT / CONNECT ACKNOWLEDGE, and clearing with DISCONNECT,
 * RELEASE, RELEASE COMPLETE.  A lost connection releases every call with
 * cause #41 and, if configured, reconnects and registers again.
 */
#include "isdn_line.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "common.h"
#include "isdn_frame.h"
#include "isdn_q931.h"

/* Q.931 user-side call states (5.1, 5.2); the numbers are the standard's. */
enum ustate {
	U0_NULL = 0,
	U1_INITIATED = 1,
	U3_OUT_PROCEEDING = 3,
	U4_DELIVERED = 4,
	U6_PRESENT = 6,
	U7_RECEIVED = 7,
	U8_CONNECT_REQ = 8,
	U10_ACTIVE = 10,
	U11_DISC_REQ = 11,
	U19_REL_REQ = 19,
};

struct sim_call {
	struct sim_call *next;
	uint32_t id;
	uint16_t cref;
	int outgoing; /* we allocated the call reference */
	enum ustate st;
	uint8_t chan; /* B channel 1 or 2, 0 none */
	int have_cause;
	struct isdn_cause cause; /* first cause seen while clearing */
};

struct sim_line {
	struct isdn_line base; /* first: the public handle */
	struct event_base *evb;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char msns[8][ISDN_NUMBER_MAX + 1];
	size_t n_msns;
	uint32_t reconnect_ms;
	struct bufferevent *bev;
	struct event *retry;
	int up;
	size_t n_acked;
	uint32_t next_id;
	struct sim_call *calls;
};

static const struct isdn_line_ops sim_ops;

static void sim_connect(struct sim_line *sl);

static struct sim_call *
call_by_id(struct sim_line *sl, uint32_t id)
{
	struct sim_call *c;

	for (c = sl->calls; c != NULL; c = c->next) {
		if (c->id == id)
			return c;
	}
	return NULL;
}

static struct sim_call *
call_by_cref(struct sim_line *sl, uint16_t cref, int outgoing)
{
	struct sim_call *c;

	for (c = sl->calls; c != NULL; c = c->next) {
		if (c->cref == cref && c->outgoing == outgoing)
			return c;
	}
	return NULL;
}

static int
send_frame(struct sim_line *sl, uint8_t type, const uint8_t *p, size_t len)
{
	uint8_t hdr[ISDN_FRAME_HDR];

	if (sl->bev == NULL || isdn_frame_header(type, len, hdr) < 0)
		return -1;
	if (bufferevent_write(sl->bev, hdr, sizeof(hdr)) < 0 ||
	    (len > 0 && bufferevent_write(sl->bev, p, len) < 0))
		return -1;
	return 0;
}

static int
send_msg(struct sim_line *sl, const struct isdn_q931_msg *m)
{
	uint8_t buf[ISDN_Q931_MAX_LEN];
	enum isdn_q931_err err;
	size_t len = 0;

	err = isdn_q931_encode(m, buf, sizeof(buf), &len);
	if (err != ISDN_Q931_OK) {
		gw_warn("%s: cannot encode %s: %s", __func__,
		        isdn_q931_type_str(m->type), isdn_q931_err_str(err));
		return -1;
	}
	gw_debug("%s: -> %s cref %u", __func__, isdn_q931_type_str(m->type),
	         m->cref);
	return send_frame(sl, ISDN_FRAME_Q931, buf, len);
}

/* A message about call c (flag set on references the network made). */
static int
send_simple(struct sim_line *sl, const struct sim_call *c, uint8_t type,
            const struct isdn_cause *cause)
{
	struct isdn_q931_msg m;

	isdn_q931_init(&m, type, c->cref, !c->outgoing);
	if (cause != NULL)
		isdn_q931_cause_set(&m, cause);
	return send_msg(sl, &m);
}

static void
note_cause(struct sim_call *c, const struct isdn_cause *cause)
{
	if (!c->have_cause && cause != NULL && cause->value != 0) {
		c->cause = *cause;
		c->have_cause = 1;
	}
}

/* The call is gone: unlink it before reporting so the user may start
 * new calls from inside the callback. */
static void
finish(struct sim_line *sl, struct sim_call *c)
{
	struct isdn_cause cause = {.value = ISDN_CAUSE_NORMAL};
	struct sim_call **pp;

	for (pp = &sl->calls; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	if (c->have_cause)
		cause = c->cause;
	if (sl->base.cbs.progress != NULL)
		sl->base.cbs.progress(sl->base.arg, c->id, ISDN_PROG_RELEASED,
		                      &cause);
	free(c);
}

static void
progress(struct sim_line *sl, struct sim_call *c, enum isdn_progress p)
{
	if (sl->base.cbs.progress != NULL)
		sl->base.cbs.progress(sl->base.arg, c->id, p, NULL);
}

static uint8_t
chan_of(const struct isdn_q931_msg *m)
{
	const struct isdn_ie_chanid *ci = &m->chanid;

	if (!(m->present & ISDN_Q931_F_CHANID) || ci->primary || ci->dchan)
		return 0;
	return (ci->sel == 1 || ci->sel == 2) ? ci->sel : 0;
}

static int
sim_call(struct isdn_line *l, const struct isdn_call_req *req, uint32_t *id)
{
	struct sim_line *sl = (struct sim_line *)l;
	struct isdn_q931_msg m;
	struct sim_call *c;
	uint16_t cref;

	if (!sl->up)
		return -1;
	for (cref = 1; cref <= 0x7f; cref++)
		if (call_by_cref(sl, cref, 1) == NULL)
			break;
	if (cref > 0x7f)
		return -1;
	isdn_q931_init(&m, ISDN_Q931_SETUP, cref, 0);
	m.present = ISDN_Q931_F_BEARER | ISDN_Q931_F_CHANID |
	            ISDN_Q931_F_CALLED | ISDN_Q931_F_SENDING_COMPLETE;
	isdn_q931_bearer_set(&m.bearer, req->bearer);
	isdn_q931_chanid_bri(&m.chanid, 0, req->b_channel ? 3 : 0);
	if (isdn_q931_number_set(&m.called, req->called) < 0)
		return -1;
	if (req->calling != NULL && req->calling[0] != '\0') {
		if (isdn_q931_number_set(&m.calling, req->calling) < 0)
			return -1;
		m.present |= ISDN_Q931_F_CALLING;
	}
	if (req->llc_len > 0) {
		if (isdn_q931_llc_set(&m.llc, req->llc, req->llc_len) < 0)
			return -1;
		m.present |= ISDN_Q931_F_LLC;
	}
	if (req->called_sub_len > 0) {
		if (isdn_q931_subaddr_from_raw(&m.called_sub, req->called_sub,
		                               req->called_sub_len) < 0)
			return -1;
		m.present |= ISDN_Q931_F_CALLED_SUB;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	c->id = ++sl->next_id;
	c->cref = cref;
	c->outgoing = 1;
	c->st = U1_INITIATED;
	if (send_msg(sl, &m) < 0) {
		free(c);
		return -1;
	}
	c->next = sl->calls;
	sl->calls = c;
	*id = c->id;
	return 0;
}

static int
sim_alert(struct isdn_line *l, uint32_t id)
{
	struct sim_line *sl = (struct sim_line *)l;
	struct sim_call *c = call_by_id(sl, id);

	if (c == NULL || c->st != U6_PRESENT)
		return -1;
	c->st = U7_RECEIVED;
	return send_simple(sl, c, ISDN_Q931_ALERTING, NULL);
}

static int
sim_answer(struct isdn_line *l, uint32_t id)
{
	struct sim_line *sl = (struct sim_line *)l;
	struct sim_call *c = call_by_id(sl, id);

	if (c == NULL || c->chan == 0 ||
	    (c->st != U6_PRESENT && c->st != U7_RECEIVED))
		return -1;
	c->st = U8_CONNECT_REQ;
	return send_simple(sl, c, ISDN_Q931_CONNECT, NULL);
}

/* Before any answer to a SETUP the call is refused with RELEASE COMPLETE;
 * later with DISCONNECT.  A second hangup while clearing gives up on the
 * network and releases locally. */
static int
sim_hangup(struct isdn_line *l, uint32_t id, const struct isdn_cause *cause)
{
	struct sim_line *sl = (struct sim_line *)l;
	struct sim_call *c = call_by_id(sl, id);
	struct isdn_cause tmo = {.value = ISDN_CAUSE_TIMER_EXPIRY};

	if (c == NULL)
		return -1;
	switch (c->st) {
	case U6_PRESENT:
		note_cause(c, cause);
		(void)send_simple(sl, c, ISDN_Q931_RELEASE_COMPLETE, cause);
		finish(sl, c);
		return 0;
	case U11_DISC_REQ:
	case U19_REL_REQ:
		note_cause(c, &tmo);
		(void)send_simple(sl, c, ISDN_Q931_RELEASE_COMPLETE, &tmo);
		finish(sl, c);
		return 0;
	default:
		note_cause(c, cause);
		c->st = U11_DISC_REQ;
		return send_simple(sl, c, ISDN_Q931_DISCONNECT, cause);
	}
}

static int
sim_send_b(struct isdn_line *l, uint32_t id, const uint8_t *data, size_t len)
{
	struct sim_line *sl = (struct sim_line *)l;
	struct sim_call *c = call_by_id(sl, id);
	uint8_t buf[ISDN_FRAME_PAYLOAD_MAX];

	if (c == NULL || c->st != U10_ACTIVE || c->chan == 0 ||
	    len > sizeof(buf) - 1)
		return -1;
	buf[0] = c->chan;
	if (len > 0)
		memcpy(buf + 1, data, len);
	return send_frame(sl, ISDN_FRAME_BDATA, buf, len + 1);
}

static int
sim_is_up(const struct isdn_line *l)
{
	return ((const struct sim_line *)l)->up;
}

static void
release_all(struct sim_line *sl, uint8_t value)
{
	struct isdn_cause cause = {.value = value, .location = 1};
	struct sim_call *c;

	while ((c = sl->calls) != NULL) {
		note_cause(c, &cause);
		finish(sl, c);
	}
}

static void
sim_free(struct isdn_line *l)
{
	struct sim_line *sl = (struct sim_line *)l;
	struct sim_call *c;

	while ((c = sl->calls) != NULL) {
		sl->calls = c->next;
		free(c);
	}
	if (sl->bev != NULL)
		bufferevent_free(sl->bev);
	if (sl->retry != NULL)
		event_free(sl->retry);
	free(sl);
}

static const struct isdn_line_ops sim_ops = {
    .name = "sim",
    .call = sim_call,
    .alert = sim_alert,
    .answer = sim_answer,
    .hangup = sim_hangup,
    .send_b = sim_send_b,
    .is_up = sim_is_up,
    .free = sim_free,
};

/* A SETUP from the network: a new incoming call in state U6. */
static void
rx_setup(struct sim_line *sl, const struct isdn_q931_msg *m)
{
	static const struct isdn_cause incompatible = {
	    .value = ISDN_CAUSE_INCOMPATIBLE};
	struct isdn_setup s;
	struct sim_call *c;

	if (call_by_cref(sl, m->cref, 0) != NULL)
		return;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return;
	c->id = ++sl->next_id;
	c->cref = m->cref;
	c->st = U6_PRESENT;
	c->chan = chan_of(m);
	c->next = sl->calls;
	sl->calls = c;
	memset(&s, 0, sizeof(s));
	if (m->present & ISDN_Q931_F_CALLING)
		memcpy(s.calling, m->calling.digits, sizeof(s.calling));
	if (m->present & ISDN_Q931_F_CALLED)
		memcpy(s.called, m->called.digits, sizeof(s.called));
	s.bearer = isdn_q931_bearer_kind(&m->bearer);
	s.b_channel = c->chan != 0;
	if (m->present & ISDN_Q931_F_LLC) {
		s.llc_len = m->llc.len;
		memcpy(s.llc, m->llc.raw, m->llc.len);
	}
	if (m->present & ISDN_Q931_F_CALLED_SUB)
		s.called_sub_len = (uint8_t)isdn_q931_subaddr_to_raw(
		    &m->called_sub, s.called_sub, sizeof(s.called_sub));
	if (sl->base.cbs.incoming != NULL)
		sl->base.cbs.incoming(sl->base.arg, c->id, &s);
	else
		(void)sim_hangup(&sl->base, c->id, &incompatible);
}

static void
rx_charge(struct sim_line *sl, struct sim_call *c,
          const struct isdn_q931_msg *m)
{
	if ((m->present & ISDN_Q931_F_CHARGE) && sl->base.cbs.charge != NULL)
		sl->base.cbs.charge(sl->base.arg, c->id, m->charge_units,
		                    m->charge_kind == ISDN_CHARGE_TOTAL);
}

/* Clearing from the network side (Q.931 5.3.4, 5.3.5). */
static void
rx_clearing(struct sim_line *sl, struct sim_call *c,
            const struct isdn_q931_msg *m)
{
	struct isdn_cause cause;

	isdn_q931_cause_get(m, &cause);
	note_cause(c, &cause);
	rx_charge(sl, c, m);
	switch (m->type) {
	case ISDN_Q931_DISCONNECT:
		c->st = U19_REL_REQ;
		(void)send_simple(sl, c, ISDN_Q931_RELEASE, NULL);
		break;
	case ISDN_Q931_RELEASE:
		(void)send_simple(sl, c, ISDN_Q931_RELEASE_COMPLETE, NULL);
		finish(sl, c);
		break;
	default:
		finish(sl, c);
		break;
	}
}

static void
rx_progress(struct sim_line *sl, struct sim_call *c,
            const struct isdn_q931_msg *m)
{
	uint8_t ch = chan_of(m);

	if (ch != 0 && c->outgoing)
		c->chan = ch;
	switch (m->type) {
	case ISDN_Q931_CALL_PROCEEDING:
		if (c->st == U1_INITIATED) {
			c->st = U3_OUT_PROCEEDING;
			progress(sl, c, ISDN_PROG_PROCEEDING);
		}
		break;
	case ISDN_Q931_ALERTING:
		if (c->st == U1_INITIATED || c->st == U3_OUT_PROCEEDING) {
			c->st = U4_DELIVERED;
			progress(sl, c, ISDN_PROG_ALERTING);
		}
		break;
	case ISDN_Q931_CONNECT:
		if (c->outgoing && c->st >= U1_INITIATED &&
		    c->st <= U4_DELIVERED) {
			c->st = U10_ACTIVE;
			(void)send_simple(sl, c, ISDN_Q931_CONNECT_ACK, NULL);
			progress(sl, c, ISDN_PROG_CONNECTED);
		}
		break;
	case ISDN_Q931_CONNECT_ACK:
		if (c->st == U8_CONNECT_REQ) {
			c->st = U10_ACTIVE;
			progress(sl, c, ISDN_PROG_CONNECTED);
		}
		break;
	case ISDN_Q931_INFORMATION:
		rx_charge(sl, c, m);
		break;
	default:
		break;
	}
}

static void
rx_q931(struct sim_line *sl, const uint8_t *p, size_t len)
{
	struct isdn_q931_msg m;
	enum isdn_q931_err err = isdn_q931_decode(p, len, &m);
	struct isdn_cause cause = {.value = ISDN_CAUSE_INVALID_CREF};
	struct sim_call *c, tmp;

	if (err != ISDN_Q931_OK) {
		gw_info("%s: dropped message: %s", __func__,
		        isdn_q931_err_str(err));
		if (m.type == ISDN_Q931_SETUP && !m.cref_flag &&
		    err >= ISDN_Q931_ERR_IE_TRUNC) {
			memset(&tmp, 0, sizeof(tmp));
			tmp.cref = m.cref;
			cause.value = isdn_q931_err_cause(err);
			(void)send_simple(sl, &tmp, ISDN_Q931_RELEASE_COMPLETE,
			                  &cause);
		}
		return;
	}
	gw_debug("%s: <- %s cref %u", __func__, isdn_q931_type_str(m.type),
	         m.cref);
	if (m.type == ISDN_Q931_SETUP && !m.cref_flag) {
		rx_setup(sl, &m);
		return;
	}
	/* flag set: about a reference we allocated */
	c = call_by_cref(sl, m.cref, m.cref_flag);
	if (c == NULL) {
		if (m.type == ISDN_Q931_RELEASE_COMPLETE)
			return;
		memset(&tmp, 0, sizeof(tmp));
		tmp.cref = m.cref;
		tmp.outgoing = m.cref_flag;
		(void)send_simple(sl, &tmp, ISDN_Q931_RELEASE_COMPLETE, &cause);
		return;
	}
	if (m.type == ISDN_Q931_DISCONNECT || m.type == ISDN_Q931_RELEASE ||
	    m.type == ISDN_Q931_RELEASE_COMPLETE)
		rx_clearing(sl, c, &m);
	else
		rx_progress(sl, c, &m);
}

static void
rx_bdata(struct sim_line *sl, const uint8_t *p, size_t len)
{
	struct sim_call *c;

	if (len < 1)
		return;
	for (c = sl->calls; c != NULL; c = c->next) {
		if (c->chan != p[0] || c->st != U10_ACTIVE)
			continue;
		if (sl->base.cbs.b_data != NULL)
			sl->base.cbs.b_data(sl->base.arg, c->id, p + 1,
			                    len - 1);
		return;
	}
}

static void
line_lost(struct sim_line *sl)
{
	int was_up = sl->up;
	struct timeval tv;

	if (sl->bev != NULL) {
		bufferevent_free(sl->bev);
		sl->bev = NULL;
	}
	sl->up = 0;
	sl->n_acked = 0;
	release_all(sl, ISDN_CAUSE_TEMP_FAILURE);
	if (was_up && sl->base.cbs.state != NULL)
		sl->base.cbs.state(sl->base.arg, 0);
	if (sl->reconnect_ms > 0) {
		tv.tv_sec = sl->reconnect_ms / 1000;
		tv.tv_usec = (suseconds_t)(sl->reconnect_ms % 1000) * 1000;
		evtimer_add(sl->retry, &tv);
	}
}

static void
rx_frame(struct sim_line *sl, uint8_t type, const uint8_t *p, size_t len)
{
	switch (type) {
	case ISDN_FRAME_REG_ACK:
		if (++sl->n_acked == sl->n_msns && !sl->up) {
			sl->up = 1;
			gw_info("%s: line up as %s", __func__, sl->msns[0]);
			if (sl->base.cbs.state != NULL)
				sl->base.cbs.state(sl->base.arg, 1);
		}
		break;
	case ISDN_FRAME_REG_NAK:
		gw_err("%s: registration refused: %.*s", __func__, (int)len,
		       (const char *)p);
		line_lost(sl);
		break;
	case ISDN_FRAME_Q931:
		rx_q931(sl, p, len);
		break;
	case ISDN_FRAME_BDATA:
		rx_bdata(sl, p, len);
		break;
	default:
		break;
	}
}

/* Frames are copied out before dispatch: a handler may drop the
 * connection, which frees the buffer. */
static void
on_read(struct bufferevent *bev, void *arg)
{
	struct sim_line *sl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t frame[ISDN_FRAME_HDR + ISDN_FRAME_PAYLOAD_MAX];
	const uint8_t *payload;
	size_t avail, plen, used;
	uint8_t type;
	int r;

	while (sl->bev == bev) {
		avail = evbuffer_get_length(in);
		if (avail > sizeof(frame))
			avail = sizeof(frame);
		if (evbuffer_copyout(in, frame, avail) < 0)
			return;
		r = isdn_frame_parse(frame, avail, &type, &payload, &plen,
		                     &used);
		if (r == 0)
			return;
		if (r < 0) {
			gw_err("%s: bad frame from isdnsim", __func__);
			line_lost(sl);
			return;
		}
		evbuffer_drain(in, used);
		rx_frame(sl, type, payload, plen);
	}
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct sim_line *sl = arg;
	size_t i;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		gw_debug("%s: connected to %s", __func__, sl->path);
		for (i = 0; i < sl->n_msns; i++)
			(void)send_frame(sl, ISDN_FRAME_REGISTER,
			                 (const uint8_t *)sl->msns[i],
			                 strlen(sl->msns[i]));
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		gw_info("%s: lost %s", __func__, sl->path);
		line_lost(sl);
	}
}

static void
sim_connect(struct sim_line *sl)
{
	struct sockaddr_un sa;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, sl->path, sizeof(sa.sun_path));
	sl->bev = bufferevent_socket_new(sl->evb, -1, BEV_OPT_CLOSE_ON_FREE);
	if (sl->bev == NULL) {
		line_lost(sl);
		return;
	}
	bufferevent_setcb(sl->bev, on_read, NULL, on_event, sl);
	if (bufferevent_enable(sl->bev, EV_READ) < 0 ||
	    bufferevent_socket_connect(sl->bev, (struct sockaddr *)&sa,
	                               sizeof(sa)) < 0) {
		gw_debug("%s: %s: %s", __func__, sl->path, strerror(errno));
		line_lost(sl);
	}
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sim_connect(arg);
}

struct isdn_line *
isdn_sim_open(struct event_base *base, const struct isdn_sim_conf *conf)
{
	struct sim_line *sl;
	size_t i;

	if (base == NULL || conf == NULL || conf->path == NULL ||
	    conf->n_msns == 0 || conf->n_msns > 8)
		return NULL;
	sl = calloc(1, sizeof(*sl));
	if (sl == NULL)
		return NULL;
	sl->base.ops = &sim_ops;
	sl->evb = base;
	sl->reconnect_ms = conf->reconnect_ms;
	if (strlen(conf->path) >= sizeof(sl->path))
		goto bad;
	memcpy(sl->path, conf->path, strlen(conf->path) + 1);
	for (i = 0; i < conf->n_msns; i++) {
		if (!isdn_number_valid(conf->msns[i]))
			goto bad;
		memcpy(sl->msns[i], conf->msns[i], strlen(conf->msns[i]) + 1);
	}
	sl->n_msns = conf->n_msns;
	sl->retry = evtimer_new(base, on_retry, sl);
	if (sl->retry == NULL)
		goto bad;
	sim_connect(sl);
	return &sl->base;
bad:
	sim_free(&sl->base);
	return NULL;
}
