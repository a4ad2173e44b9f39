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

static void
on_dpd(evutil_socket_t fd, short what, void *arg)
{
	struct ike_ph1 *sa = arg;
	struct ike_engine *e = sa->eng;
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
		ike_sa_set_state(sa, IKE_SA_DEAD);
		if (sa->peer != NULL && e->cb.peer_state != NULL)
			e->cb.peer_state(
			    e->cb_arg, sa->peer->conf.index, IKE_PEER_DORMANT,
			    "heartbeats stopped: the peer is gone");
		ike_engine_reap(e);
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
