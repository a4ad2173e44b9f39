/*
 * ike_dpd.c - heartbeats (I6) as RFC 3706 dead peer detection, so that
 * strongSwan's and other gateways' DPD interoperate: R-U-THERE with a
 * sequence number every interval when we send heartbeats, R-U-THERE-ACK to
 * every R-U-THERE we get, and when we expect them, an SA that hears
 * nothing from its peer for three intervals is deleted and the peer goes
 * dormant until it comes back.
 */
#include "ike_int.h"

#include "common.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <string.h>

#define DPD_INTERVAL 10L /* seconds */
#define DPD_MISSES   3L

static uint8_t
heartbeats(const struct ike_ph1 *sa)
{
	return sa->peer != NULL ? sa->peer->conf.p1.heartbeats : IKE_HB_NONE;
}

static void
send_dpd(struct ike_ph1 *sa, uint16_t type, uint32_t seq)
{
	uint8_t spi[2 * IKE_COOKIE_LEN];
	uint32_t nseq = htonl(seq);

	memcpy(spi, sa->icookie, IKE_COOKIE_LEN);
	memcpy(spi + IKE_COOKIE_LEN, sa->rcookie, IKE_COOKIE_LEN);
	ike_info_notify_data(sa, type, spi, sizeof(spi), IKE_PROTO_ISAKMP,
	                     &nseq, sizeof(nseq));
}

/*
 * The SA and its IPsec SAs go; the peer is dormant until it is back, or
 * first blocked for its block time (I7) like after a failed phase 1.
 */
static void
peer_gone(struct ike_ph1 *sa)
{
	struct ike_engine *e = sa->eng;
	int blocked;

	ike_sa_set_state(sa, IKE_SA_DEAD);
	if (sa->peer != NULL) {
		blocked = ike_engine_block(e, sa->peer);
		if (e->cb.peer_state != NULL)
			e->cb.peer_state(
			    e->cb_arg, sa->peer->conf.index,
			    blocked ? IKE_PEER_BLOCKED : IKE_PEER_DORMANT,
			    "heartbeats stopped: the peer is gone");
	}
	ike_engine_reap(e);
}

static void
on_dpd(evutil_socket_t fd, short what, void *arg)
{
	struct ike_ph1 *sa = arg;
	uint8_t hb = heartbeats(sa);
	struct timeval tv = {DPD_INTERVAL, 0};

	(void)fd;
	(void)what;
	if (sa->state != IKE_SA_ESTABLISHED)
		return;
	if ((hb == IKE_HB_EXPECT || hb == IKE_HB_BOTH) &&
	    time(NULL) - sa->last_heard > DPD_INTERVAL * DPD_MISSES) {
		gw_notice("ISAKMP SA %u: no heartbeat from the peer for %ld s: "
		          "deleted",
		          sa->index, DPD_INTERVAL * DPD_MISSES);
		peer_gone(sa);
		return;
	}
	if (hb == IKE_HB_SEND || hb == IKE_HB_BOTH)
		send_dpd(sa, IKE_N_R_U_THERE, ++sa->dpd_seq);
	evtimer_add(sa->dpd, &tv);
}

/* Arms the heartbeat timer of a freshly established SA. */
void
ike_dpd_start(struct ike_ph1 *sa)
{
	struct timeval tv = {DPD_INTERVAL, 0};

	sa->last_heard = time(NULL);
	if (heartbeats(sa) == IKE_HB_NONE)
		return;
	if (sa->dpd == NULL) {
		if (ike_crypto_random(&sa->dpd_seq, sizeof(sa->dpd_seq)) < 0)
			sa->dpd_seq = 1;
		sa->dpd_seq &= 0x7fffffff; /* room before wrapping */
		sa->dpd = evtimer_new(sa->eng->base, on_dpd, sa);
	}
	if (sa->dpd != NULL)
		evtimer_add(sa->dpd, &tv);
}

/* An R-U-THERE is always answered; an ACK only proves the peer lives. */
void
ike_dpd_recv(struct ike_ph1 *sa, const struct ike_notify *n)
{
	uint32_t seq;

	if (ike_pld_dpd(n, &seq) != IKE_PLD_OK) {
		gw_info("ISAKMP SA %u: malformed heartbeat ignored", sa->index);
		return;
	}
	sa->last_heard = time(NULL);
	if (n->type == IKE_N_R_U_THERE)
		send_dpd(sa, IKE_N_R_U_THERE_ACK, seq);
}

/*
 * Phase 2 heartbeats (I6, per IPsec profile): an IPsec SA that received no
 * traffic for an interval makes us send R-U-THERE (send/both), and one that
 * neither received traffic nor heard from the peer for three intervals is
 * deleted (expect/both); phase 1 lives on.  The dataplane reports traffic
 * through ike_engine_child_alive().
 */
static void
on_p2(evutil_socket_t fd, short what, void *arg)
{
	struct ike_ph1 *sa = arg;
	struct timeval tv = {DPD_INTERVAL, 0};
	time_t now = time(NULL);
	struct ike_qm *qm;
	int probe = 0;
	uint32_t dead = 0;

	(void)fd;
	(void)what;
	if (sa->state != IKE_SA_ESTABLISHED)
		return;
	for (qm = sa->qms; qm != NULL; qm = qm->next) {
		uint8_t hb = qm->tr.p2.heartbeats;
		time_t seen =
		    qm->alive > sa->last_heard ? qm->alive : sa->last_heard;

		if (!qm->done || hb == IKE_HB_NONE || hb == 0)
			continue;
		if ((hb == IKE_HB_SEND || hb == IKE_HB_BOTH) &&
		    now - qm->alive >= DPD_INTERVAL)
			probe = 1;
		if ((hb == IKE_HB_EXPECT || hb == IKE_HB_BOTH) &&
		    now - seen > DPD_INTERVAL * DPD_MISSES && dead == 0)
			dead = qm->child.index;
	}
	if (dead != 0 && now - sa->last_heard > DPD_INTERVAL * DPD_MISSES) {
		/* Not even our R-U-THEREs are answered: the peer is gone. */
		gw_notice("ISAKMP SA %u: IPsec SA %u carries nothing and the "
		          "peer answers no heartbeat: deleted",
		          sa->index, dead);
		peer_gone(sa);
		return;
	}
	if (probe)
		send_dpd(sa, IKE_N_R_U_THERE, ++sa->dpd_seq);
	evtimer_add(sa->hb2, &tv);
	if (dead != 0) {
		gw_notice("IPsec SA %u: no traffic and no heartbeat for %ld s: "
		          "deleted",
		          dead, DPD_INTERVAL * DPD_MISSES);
		ike_engine_delete_child(sa->eng, dead);
	}
}

/* Arms the phase 2 heartbeat timer when an IPsec SA asks for it. */
void
ike_dpd_p2_start(struct ike_ph1 *sa)
{
	struct timeval tv = {DPD_INTERVAL, 0};

	if (sa->hb2 == NULL) {
		if (sa->dpd_seq == 0 &&
		    ike_crypto_random(&sa->dpd_seq, sizeof(sa->dpd_seq)) < 0)
			sa->dpd_seq = 1;
		sa->dpd_seq &= 0x7fffffff;
		sa->hb2 = evtimer_new(sa->eng->base, on_p2, sa);
	}
	if (sa->hb2 != NULL && !evtimer_pending(sa->hb2, NULL))
		evtimer_add(sa->hb2, &tv);
}
