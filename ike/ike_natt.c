/*
 * ike_natt.c - NAT traversal in phase 1 (RFC 3947): the vendor IDs that
 * announce it, and the NAT-D payloads, hash(CKY-I | CKY-R | IP | Port),
 * that tell each side whether an address was rewritten on the way.  When
 * a NAT is found, both sides float to the NAT-T port after message 4, and
 * the side behind the NAT keeps its mapping open with keepalives.
 */
#include "ike_int.h"

#include "common.h"

#include <event2/event.h>
#include <string.h>

int
ike_natt_add_vids(struct ike_buf *b)
{
	ike_build_vid(b, IKE_VID_RFC3947, IKE_VID_LEN);
	return ike_build_vid(b, IKE_VID_DPD, IKE_VID_LEN);
}

int
ike_natt_vid_seen(const struct ike_msg *m)
{
	unsigned int i, n = ike_pld_count(m, IKE_PLD_VID);

	for (i = 0; i < n; i++) {
		const struct ike_pld *p = ike_pld_get(m, IKE_PLD_VID, i);

		if (p->len == IKE_VID_LEN &&
		    memcmp(ike_pld_body(m, p), IKE_VID_RFC3947, IKE_VID_LEN) ==
		        0)
			return 1;
	}
	return 0;
}

/* hash(CKY-I | CKY-R | IP | Port) with the negotiated hash. */
static int
natd_hash(const struct ike_ph1 *sa, const struct sockaddr_in *a, uint8_t *out)
{
	const struct ike_hash_alg *h = ike_crypto_hash_by_ike(sa->hash);
	struct ike_crypto_iov v[4] = {
	    {sa->icookie, IKE_COOKIE_LEN},
	    {sa->rcookie, IKE_COOKIE_LEN},
	    {&a->sin_addr.s_addr, 4},
	    {&a->sin_port, 2},
	};

	if (h == NULL)
		return -1;
	return ike_crypto_hash(h, v, 4, out);
}

/* NAT-D for the peer's address first, then for ours (RFC 3947 3.2). */
int
ike_natt_add_natd(struct ike_ph1 *sa, struct ike_buf *b)
{
	const struct ike_hash_alg *h = ike_crypto_hash_by_ike(sa->hash);
	uint8_t d[IKE_CRYPTO_HASH_MAX];

	if (h == NULL || natd_hash(sa, &sa->remote, d) < 0)
		return -1;
	ike_build_natd(b, IKE_PLD_NATD, d, h->len);
	if (natd_hash(sa, &sa->local, d) < 0)
		return -1;
	return ike_build_natd(b, IKE_PLD_NATD, d, h->len);
}

/*
 * The first NAT-D the peer sent is its view of our address, the others
 * its own addresses; a mismatch means that side is behind a NAT.
 */
void
ike_natt_check(struct ike_ph1 *sa, const struct ike_msg *m)
{
	const struct ike_hash_alg *h = ike_crypto_hash_by_ike(sa->hash);
	unsigned int i, n = ike_pld_count(m, IKE_PLD_NATD);
	uint8_t mine[IKE_CRYPTO_HASH_MAX], theirs[IKE_CRYPTO_HASH_MAX];
	int remote_ok = 0;

	if (!sa->natt || n < 2 || h == NULL ||
	    natd_hash(sa, &sa->local, mine) < 0 ||
	    natd_hash(sa, &sa->remote, theirs) < 0)
		return;
	for (i = 0; i < n; i++) {
		const struct ike_pld *p = ike_pld_get(m, IKE_PLD_NATD, i);
		const uint8_t *body = ike_pld_body(m, p);

		if (p->len != h->len)
			continue;
		if (i == 0)
			sa->nat_local =
			    !ike_crypto_ct_equal(body, mine, h->len);
		else if (ike_crypto_ct_equal(body, theirs, h->len))
			remote_ok = 1;
	}
	sa->nat_remote = !remote_ok;
	if (sa->nat_local || sa->nat_remote)
		gw_info("ISAKMP SA %u: NAT detected (%s behind a NAT)",
		        sa->index,
		        sa->nat_local ? (sa->nat_remote ? "both" : "we are")
		                      : "the peer is");
}

#define NATT_KEEPALIVE_S 20L

static void
on_keepalive(evutil_socket_t fd, short what, void *arg)
{
	struct ike_ph1 *sa = arg;
	struct timeval tv = {NATT_KEEPALIVE_S, 0};

	(void)fd;
	(void)what;
	if (sa->state != IKE_SA_ESTABLISHED)
		return;
	ike_net_keepalive(sa->eng->net, &sa->remote);
	evtimer_add(sa->natka, &tv);
}

/*
 * Behind a NAT, the mapping for UDP 4500 must not expire while the tunnel
 * is idle: a one-octet keepalive every 20 s keeps it (RFC 3948 2.3).
 */
void
ike_natt_keepalive_start(struct ike_ph1 *sa)
{
	struct timeval tv = {NATT_KEEPALIVE_S, 0};

	if (!sa->nat_local || !sa->floated)
		return;
	if (sa->natka == NULL)
		sa->natka = evtimer_new(sa->eng->base, on_keepalive, sa);
	if (sa->natka != NULL)
		evtimer_add(sa->natka, &tv);
}
