/*
 * ike_cbk.c - the IKE side of the IPSec callback (C4 steps 5 and 6).  The
 * called gateway starts Main Mode to the address the caller transferred
 * over ISDN and returns the caller's token in message 1
 * (ike_token.c); the caller, which may not know the called gateway's
 * address at all, finds the peer - and so the pre-shared key - by that
 * token instead of by address.  Whether a token is good (issued by us, to
 * which peer, not expired, not used before) is the agent's knowledge: it
 * keeps the tokens with the MIB rows and answers through token_check.
 */
#include "ike_int.h"
#include "ike_token.h"

#include "common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* An ISAKMP SA with the peer, in any state but dead. */
static int
has_sa(const struct ike_engine *e, const struct ike_peer *p)
{
	const struct ike_ph1 *sa;

	for (sa = e->sas; sa != NULL; sa = sa->next)
		if (sa->peer == p && sa->state != IKE_SA_DEAD)
			return 1;
	return 0;
}

/*
 * The phase 1 started here answers the peer's request, so the block time
 * after a failed phase 1 (I7, "locally initiated setups") does not hold
 * it back; the token goes into the message 1 built during the start and
 * is forgotten right after.
 */
int
ike_engine_callback(struct ike_engine *e, int32_t peer, uint32_t addr,
                    const uint8_t *token, size_t len, int32_t traffic)
{
	struct ike_peer *p = ike_engine_peer(e, peer);
	struct in_addr a;
	int rc;

	if (p == NULL || (len > 0 && (token == NULL || len < IKE_CB_TOKEN_MIN ||
	                              len > IKE_CB_TOKEN_MAX)))
		return -1;
	if (addr != 0)
		p->cb_addr = htonl(addr);
	a.s_addr = p->cb_addr;
	if (p->conf.admin == 2) {
		gw_notice("callback for peer %d: the peer is administratively "
		          "down, no phase 1",
		          peer);
		return -1;
	}
	if (has_sa(e, p)) {
		gw_notice("callback for peer %d: SAs to it exist, nothing to "
		          "do",
		          peer);
		return 0;
	}
	gw_notice("callback for peer %d: phase 1 to %s%s", peer,
	          a.s_addr != 0 ? inet_ntoa(a) : p->conf.address,
	          len > 0 ? " returning its token" : "");
	p->cb_pending = 1;
	if (len > 0)
		memcpy(p->cb_token, token, len);
	p->cb_token_len = len;
	if (p->conf.p1.mode == IKE_MODE_AGGRESSIVE ||
	    p->conf.p1.mode == IKE_MODE_AGGRESSIVE_ONLY) {
		/* Aggressive Mode names the peer by its ID in the clear. */
		if (len > 0)
			gw_info("peer %d: Aggressive Mode carries no callback "
			        "token",
			        peer);
		rc = ike_am_start(e, p, traffic);
	} else {
		rc = ike_mm_start(e, p, traffic);
	}
	ike_crypto_cleanse(p->cb_token, sizeof(p->cb_token));
	p->cb_token_len = 0;
	p->cb_pending = 0;
	ike_engine_reap(e);
	return rc;
}

/*
 * Where an initiator sends: the transferred address for the phase 1 that
 * answers a callback, else the configured one; the transferred one also
 * stands in while none is configured or it does not resolve (a stale
 * dynamic DNS name is exactly what the transfer avoids).
 */
int
ike_cbk_remote(const struct ike_peer *p, struct sockaddr_in *out)
{
	if (!p->cb_pending && ike_engine_resolve(p->conf.address, out) == 0)
		return 0;
	if (p->cb_addr == 0)
		return p->cb_pending ? ike_engine_resolve(p->conf.address, out)
		                     : -1;
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_addr.s_addr = p->cb_addr;
	return 0;
}

/* Main Mode message 1 of a phase 1 that answers a callback. */
int
ike_cbk_add_vid(const struct ike_peer *p, struct ike_buf *b)
{
	if (!p->cb_pending || p->cb_token_len == 0)
		return 0;
	return ike_token_add(b, p->cb_token, p->cb_token_len);
}

/* A token we do not accept: logged, answered, the message dropped. */
static void
refuse(struct ike_engine *e, const struct ike_net_dgram *d,
       const struct ike_msg *m, const char *why)
{
	gw_notice("Main Mode from %s refused: callback token %s",
	          inet_ntoa(d->remote.sin_addr), why);
	ike_info_notify_plain(e, d, &m->hdr, IKE_N_AUTHENTICATION_FAILED);
}

/*
 * The peer a Main Mode message 1 comes from: the one its callback token
 * names (C4 step 6), else the one configured with its address (or one
 * without address).  -1 when it carries a token we refuse - wrong,
 * expired, replayed or malformed: such a message never falls back to
 * the address, it was meant for a callback and is not one.
 */
int
ike_cbk_responder_peer(struct ike_engine *e, const struct ike_net_dgram *d,
                       const struct ike_msg *m, struct ike_peer **out)
{
	uint8_t tok[IKE_CB_TOKEN_MAX];
	size_t tlen = 0;
	char why[160];
	int32_t idx = 0;
	enum ike_token_res r = ike_token_find(m, tok, &tlen);

	*out = NULL;
	if (r == IKE_TOKEN_NONE || e->cb.token_check == NULL) {
		*out = ike_engine_peer_by_addr(e, &d->remote);
		return 0;
	}
	if (r == IKE_TOKEN_BAD) {
		refuse(e, d, m, "malformed");
		return -1;
	}
	why[0] = '\0';
	if (e->cb.token_check(e->cb_arg, tok, tlen,
	                      ntohl(d->remote.sin_addr.s_addr), &idx, why,
	                      sizeof(why)) < 0) {
		ike_crypto_cleanse(tok, sizeof(tok));
		refuse(e, d, m, why[0] != '\0' ? why : "refused");
		return -1;
	}
	ike_crypto_cleanse(tok, sizeof(tok));
	*out = ike_engine_peer(e, idx);
	if (*out == NULL) {
		refuse(e, d, m, "names a peer that is not configured");
		return -1;
	}
	gw_info("Main Mode from %s: callback token of peer %d accepted",
	        inet_ntoa(d->remote.sin_addr), idx);
	return 0;
}
