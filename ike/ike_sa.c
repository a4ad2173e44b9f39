/*
 * ike_sa.c - ISAKMP SAs: creation with fresh cookies, lookup by cookies,
 * state changes (logged, reported to the agent for the ikeSaTable),
 * retransmission with back-off, and tear-down.
 */
#include "ike_int.h"

#include "common.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {
    "",      "MM_I1", "MM_R1", "MM_I2",       "MM_R2",
    "MM_I3", "AM_I1", "AM_R1", "ESTABLISHED", "DEAD",
};

struct retx {
	struct ike_ph1 *sa;
	struct ike_out *out;
	struct event **timer;
};

/* The newest other established ISAKMP SA with the same peer, or NULL. */
static struct ike_ph1 *
successor(const struct ike_ph1 *sa)
{
	struct ike_ph1 *o, *best = NULL;

	for (o = sa->eng->sas; o != NULL; o = o->next)
		if (o != sa && o->peer == sa->peer && sa->peer != NULL &&
		    o->state == IKE_SA_ESTABLISHED &&
		    (best == NULL || o->established > best->established))
			best = o;
	return best;
}

/*
 * A rekeyed ISAKMP SA hands its IPsec SAs to its successor: they keep
 * carrying traffic until their own lifetimes end.  1 if there was one.
 */
static int
adopt_children(struct ike_ph1 *sa)
{
	struct ike_ph1 *next = successor(sa);
	struct ike_qm **pp = &sa->qms, **tail, *qm;
	int moved = 0;

	if (next == NULL)
		return 0;
	for (tail = &next->qms; *tail != NULL; tail = &(*tail)->next)
		;
	/* Only finished ones: a Quick Mode under way needs the old keys. */
	while ((qm = *pp) != NULL) {
		if (!qm->done) {
			pp = &qm->next;
			continue;
		}
		*pp = qm->next;
		qm->next = NULL;
		qm->sa = next;
		if (qm->timer != NULL) {
			struct retx *r = event_get_callback_arg(qm->timer);

			r->sa = next;
		}
		*tail = qm;
		tail = &qm->next;
		moved++;
	}
	if (moved > 0)
		ike_dpd_p2_start(next);
	if (moved > 0)
		gw_notice("ISAKMP SA %u: its %d IPsec SAs now belong to "
		          "ISAKMP SA %u",
		          sa->index, moved, next->index);
	return 1;
}

/*
 * Before the lifetime ends a new phase 1 is set up, by the initiator at
 * 90 % and by the responder at 95 % (if the initiator did not), so that the
 * tunnel never depends on a negotiation after the old SA is gone.
 */
static void
on_soft(evutil_socket_t fd, short what, void *arg)
{
	struct ike_ph1 *sa = arg;
	struct ike_peer *p = sa->peer;
	const struct ike_ph1 *o;

	(void)fd;
	(void)what;
	if (sa->state != IKE_SA_ESTABLISHED || p == NULL)
		return;
	for (o = sa->eng->sas; o != NULL; o = o->next)
		if (o != sa && o->peer == p && o->state != IKE_SA_DEAD &&
		    o->created >= sa->created)
			return; /* already rekeyed */
	gw_notice("ISAKMP SA %u: rekeying before its lifetime ends", sa->index);
	if (p->conf.p1.mode == IKE_MODE_AGGRESSIVE ||
	    p->conf.p1.mode == IKE_MODE_AGGRESSIVE_ONLY)
		ike_am_start(sa->eng, p, -1);
	else
		ike_mm_start(sa->eng, p, -1);
}

/* The rekey point, counted from establishment (now, or earlier when a
 * RESPONDER-LIFETIME shortened the lifetime later). */
static void
arm_soft(struct ike_ph1 *sa)
{
	struct timeval tv = {1, 0};
	time_t at, el = time(NULL) - sa->established;

	if (sa->life_sec < 10)
		return;
	at = (time_t)sa->life_sec * (sa->initiator ? 90 : 95) / 100;
	if (at > el)
		tv.tv_sec = at - el;
	if (sa->soft == NULL)
		sa->soft = evtimer_new(sa->eng->base, on_soft, sa);
	if (sa->soft != NULL)
		evtimer_add(sa->soft, &tv);
}

/*
 * One timer per SA: until established it bounds the negotiation
 * (ipsecGlobMaxNegotiationTime), afterwards it is the hard lifetime.
 */
static void
on_expire(evutil_socket_t fd, short what, void *arg)
{
	struct ike_ph1 *sa = arg;

	(void)fd;
	(void)what;
	if (sa->state == IKE_SA_ESTABLISHED) {
		gw_notice("ISAKMP SA %u: lifetime of %u s reached", sa->index,
		          sa->life_sec);
		if (adopt_children(sa)) {
			ike_info_delete(sa);
			ike_sa_set_state(sa, IKE_SA_DEAD);
			ike_engine_reap(sa->eng);
			return;
		}
		ike_info_delete(sa);
		ike_sa_set_state(sa, IKE_SA_DEAD);
		if (sa->peer != NULL && sa->eng->cb.peer_state != NULL)
			sa->eng->cb.peer_state(sa->eng->cb_arg,
			                       sa->peer->conf.index,
			                       IKE_PEER_DORMANT, "");
	} else if (sa->state != IKE_SA_DEAD) {
		ike_sa_fail(sa, "the negotiation took longer than %u s",
		            sa->eng->g.max_nego_s);
	}
	ike_engine_reap(sa->eng);
}

static void
arm_expire(struct ike_ph1 *sa, uint32_t seconds)
{
	struct timeval tv = {(time_t)seconds, 0};

	if (seconds == 0)
		return;
	if (sa->expire == NULL)
		sa->expire = evtimer_new(sa->eng->base, on_expire, sa);
	if (sa->expire != NULL)
		evtimer_add(sa->expire, &tv);
}

/*
 * The responder told us (RESPONDER-LIFETIME) that it uses a shorter
 * lifetime than the one we proposed: ours ends with it, so that we rekey
 * before the peer drops the SA.  Longer values change nothing.
 */
void
ike_sa_shorten(struct ike_ph1 *sa, uint32_t seconds, uint32_t kbytes)
{
	time_t el = time(NULL) - sa->established;

	if (sa->state != IKE_SA_ESTABLISHED)
		return;
	if (kbytes && (!sa->life_kb || kbytes < sa->life_kb))
		sa->life_kb = kbytes;
	if (seconds && (!sa->life_sec || seconds < sa->life_sec)) {
		gw_notice("ISAKMP SA %u: the peer's lifetime is %u s "
		          "(RESPONDER-LIFETIME), ours %u s: using the peer's",
		          sa->index, seconds, sa->life_sec);
		sa->life_sec = seconds;
		arm_expire(sa,
		           (time_t)seconds > el ? seconds - (uint32_t)el : 1);
		arm_soft(sa);
	}
	ike_sa_report(sa);
}

/* How many SAs exist, and how many are still being negotiated. */
void
ike_sa_count(struct ike_engine *e, uint32_t *all, uint32_t *half_open)
{
	struct ike_ph1 *sa;

	*all = *half_open = 0;
	for (sa = e->sas; sa != NULL; sa = sa->next) {
		if (sa->state == IKE_SA_DEAD)
			continue;
		(*all)++;
		if (sa->state != IKE_SA_ESTABLISHED && !sa->initiator)
			(*half_open)++;
	}
}

struct ike_ph1 *
ike_sa_new(struct ike_engine *e, int initiator)
{
	struct ike_ph1 *sa = calloc(1, sizeof(*sa));

	if (sa == NULL)
		return NULL;
	sa->eng = e;
	sa->initiator = initiator;
	sa->index = ++e->next_index;
	sa->created = time(NULL);
	sa->want_qm = -1;
	if (ike_crypto_random(initiator ? sa->icookie : sa->rcookie,
	                      IKE_COOKIE_LEN) < 0) {
		free(sa);
		return NULL;
	}
	sa->next = e->sas;
	e->sas = sa;
	arm_expire(sa, e->g.max_nego_s);
	return sa;
}

/* rcookie NULL or all zero: match on the initiator cookie alone. */
struct ike_ph1 *
ike_sa_find(struct ike_engine *e, const uint8_t *icookie,
            const uint8_t *rcookie)
{
	static const uint8_t zero[IKE_COOKIE_LEN];
	struct ike_ph1 *sa;

	for (sa = e->sas; sa != NULL; sa = sa->next) {
		if (sa->state == IKE_SA_DEAD ||
		    memcmp(sa->icookie, icookie, IKE_COOKIE_LEN) != 0)
			continue;
		if (rcookie == NULL ||
		    memcmp(rcookie, zero, IKE_COOKIE_LEN) == 0 ||
		    memcmp(sa->rcookie, zero, IKE_COOKIE_LEN) == 0 ||
		    memcmp(sa->rcookie, rcookie, IKE_COOKIE_LEN) == 0)
			return sa;
	}
	return NULL;
}

/* The ikeSaTable view of the SA, sent to the agent on every change. */
void
ike_sa_report(struct ike_ph1 *sa)
{
	struct ike_engine *e = sa->eng;
	struct ike_sa_info in;
	time_t now = time(NULL);

	if (e->cb.sa_update == NULL)
		return;
	memset(&in, 0, sizeof(in));
	in.index = sa->index;
	in.peer = sa->peer ? sa->peer->conf.index : 0;
	in.state = sa->state == IKE_SA_ESTABLISHED ? 2
	           : sa->state == IKE_SA_DEAD      ? 3
	                                           : 1;
	in.xchg = sa->xchg;
	in.auth = (uint8_t)(sa->auth ? sa->auth : IKE_AUTH_PSK);
	in.initiator = (uint8_t)sa->initiator;
	in.enc = sa->enc;
	in.hash = sa->hash;
	in.group = sa->group;
	in.keylen = sa->keylen;
	in.local = ntohl(sa->local.sin_addr.s_addr);
	in.remote = ntohl(sa->remote.sin_addr.s_addr);
	in.remote_port = ntohs(sa->remote.sin_port);
	memcpy(in.icookie, sa->icookie, 8);
	memcpy(in.rcookie, sa->rcookie, 8);
	in.nat = !sa->natt                         ? 5
	         : sa->nat_local && sa->nat_remote ? 4
	         : sa->nat_remote                  ? 3
	         : sa->nat_local                   ? 2
	                                           : 1;
	if (sa->state == IKE_SA_ESTABLISHED && sa->life_sec > 0 &&
	    now - sa->established < (time_t)sa->life_sec)
		in.lifetime_left =
		    sa->life_sec - (uint32_t)(now - sa->established);
	snprintf(in.local_id, sizeof(in.local_id), "%s", sa->local_id);
	snprintf(in.remote_id, sizeof(in.remote_id), "%s", sa->remote_id);
	e->cb.sa_update(e->cb_arg, &in);
}

void
ike_sa_set_state(struct ike_ph1 *sa, enum ike_sa_state st)
{
	gw_debug("ISAKMP SA %u: %s -> %s", sa->index, state_names[sa->state],
	         state_names[st]);
	sa->state = st;
	if (st == IKE_SA_ESTABLISHED) {
		sa->established = time(NULL);
		ike_dpd_start(sa);
		ike_natt_keepalive_start(sa);
		if (sa->expire != NULL)
			evtimer_del(sa->expire);
		arm_expire(sa, sa->life_sec);
		arm_soft(sa);
	}
	ike_sa_report(sa);
}

/* Logs why, tells the agent (peer reason), and kills the SA. */
void
ike_sa_fail(struct ike_ph1 *sa, const char *fmt, ...)
{
	struct ike_engine *e = sa->eng;
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	/* clang-analyzer loses va_start when it inlines this into callers. */
	vsnprintf(why, sizeof(why), fmt, // NOLINT(clang-analyzer-valist.*)
	          ap);
	va_end(ap);
	gw_notice("phase 1 with %s failed: %s", inet_ntoa(sa->remote.sin_addr),
	          why);
	if (sa->peer != NULL) {
		int blocked = sa->initiator && ike_engine_block(e, sa->peer);

		if (e->cb.peer_state != NULL)
			e->cb.peer_state(
			    e->cb_arg, sa->peer->conf.index,
			    blocked ? IKE_PEER_BLOCKED : IKE_PEER_DORMANT, why);
	}
	ike_sa_set_state(sa, IKE_SA_DEAD);
	if (sa->timer != NULL)
		event_del(sa->timer);
}

void
ike_out_clear(struct ike_out *o)
{
	free(o->data);
	memset(o, 0, sizeof(*o));
}

static void
transmit(struct ike_ph1 *sa, const struct ike_out *o)
{
	ike_net_send(sa->eng->net, &sa->local, &sa->remote, o->natt, o->data,
	             o->len);
}

/* Resends the last message with doubling waits, then gives up. */
static void
on_retransmit(evutil_socket_t fd, short what, void *arg)
{
	struct retx *r = arg;
	struct ike_ph1 *sa = r->sa;
	const struct ike_global_conf *g = &sa->eng->g;
	struct timeval tv;

	(void)fd;
	(void)what;
	if (r->out->data == NULL)
		return;
	if (r->out->tries >= g->max_retries) {
		/* Without NAT-T a NAT on the path swallows ESP: say so. */
		ike_sa_fail(sa,
		            "no answer from the peer after %d "
		            "retransmissions%s",
		            r->out->tries,
		            sa->peer != NULL && !sa->peer->conf.p1.natt
		                ? " (NAT traversal is disabled: behind a NAT "
		                  "only NAT-T carries IPsec)"
		                : "");
		return;
	}
	r->out->tries++;
	r->out->wait_ms *= 2;
	if (r->out->wait_ms > g->retry_max_s * 1000)
		r->out->wait_ms = g->retry_max_s * 1000;
	transmit(sa, r->out);
	tv.tv_sec = r->out->wait_ms / 1000;
	tv.tv_usec = (suseconds_t)(r->out->wait_ms % 1000) * 1000;
	evtimer_add(*r->timer, &tv);
}

/*
 * Sends a finished message and keeps it; with retransmit, it is sent again
 * until an answer arrives (the caller clears out when one does).
 */
int
ike_sa_send(struct ike_ph1 *sa, struct ike_out *out, struct event **timer,
            struct ike_buf *b, int retransmit)
{
	struct timeval tv;
	struct retx *r;

	if (b->err)
		return -1;
	ike_out_clear(out);
	out->data = malloc(b->len);
	if (out->data == NULL)
		return -1;
	memcpy(out->data, b->data, b->len);
	out->len = b->len;
	out->natt = sa->floated;
	out->wait_ms = sa->eng->g.retry_ms ? sa->eng->g.retry_ms : 2000;
	transmit(sa, out);
	if (!retransmit)
		return 0;
	if (*timer == NULL) {
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return -1;
		r->sa = sa;
		r->out = out;
		r->timer = timer;
		*timer = evtimer_new(sa->eng->base, on_retransmit, r);
		if (*timer == NULL) {
			free(r);
			return -1;
		}
	}
	tv.tv_sec = out->wait_ms / 1000;
	tv.tv_usec = (suseconds_t)(out->wait_ms % 1000) * 1000;
	return evtimer_add(*timer, &tv);
}

/* A cheap fingerprint to recognise a retransmitted request. */
uint32_t
ike_sa_rx_hash(const uint8_t *pkt, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ pkt[i]) * 16777619u;
	return h;
}

static void
free_timer(struct event *ev)
{
	if (ev == NULL)
		return;
	free(event_get_callback_arg(ev));
	event_free(ev);
}

void
ike_sa_free(struct ike_ph1 *sa)
{
	struct ike_engine *e = sa->eng;
	struct ike_ph1 **pp;
	struct ike_qm *qm;

	for (pp = &e->sas; *pp != NULL; pp = &(*pp)->next)
		if (*pp == sa) {
			*pp = sa->next;
			break;
		}
	/* With a successor the IPsec SAs live on; else they go with it. */
	if (sa->state == IKE_SA_DEAD)
		adopt_children(sa);
	while ((qm = sa->qms) != NULL) {
		sa->qms = qm->next;
		if (qm->done && e->cb.child_delete != NULL)
			e->cb.child_delete(e->cb_arg, qm->child.index);
		ike_qm_free(qm);
	}
	if (e->cb.sa_delete != NULL)
		e->cb.sa_delete(e->cb_arg, sa->index);
	free_timer(sa->timer);
	if (sa->expire != NULL)
		event_free(sa->expire);
	if (sa->dpd != NULL)
		event_free(sa->dpd);
	if (sa->natka != NULL)
		event_free(sa->natka);
	if (sa->soft != NULL)
		event_free(sa->soft);
	if (sa->hb2 != NULL)
		event_free(sa->hb2);
	if (sa->tell != NULL)
		event_free(sa->tell);
	ike_out_clear(&sa->out);
	ike_dh_free(sa->dh);
	ike_keys_free(sa->keys);
	ike_crypto_cipher_free(sa->cctx);
	free(sa->sai_b);
	ike_crypto_cleanse(sa, sizeof(*sa));
	free(sa);
}
