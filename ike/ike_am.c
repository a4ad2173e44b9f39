/*
 * ike_am.c - Aggressive Mode (RFC 2409 section 5.4) with pre-shared keys:
 *
 *   I: HDR, SA, KE, Ni, IDii, VID             ->
 *        <- R: HDR, SA, KE, Nr, IDir, HASH_R, VID, NAT-D, NAT-D
 *   I: HDR*, HASH_I, NAT-D, NAT-D             ->
 *
 * Three messages, identities in clear: the responder finds the peer by
 * its ID (ipsecPeerIds), which is what dynamic addresses with pre-shared
 * keys need.  Message 3 is encrypted and, behind a NAT, already goes to
 * the NAT-T port, as strongSwan does.
 */
#include "ike_int.h"

#include "common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
ike_am_start(struct ike_engine *e, struct ike_peer *p, int32_t traffic)
{
	struct ike_ph1 *sa;
	struct ike_buf b;
	size_t off;

	sa = ike_ph1_initiator_new(e, p, traffic, IKE_XCHG_AGGRESSIVE);
	if (sa == NULL)
		return -1;
	sa->group = p->conf.p1.group;
	if (sa->local.sin_addr.s_addr == INADDR_ANY) {
		/* Our address goes into IDii: ask the routing table. */
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		socklen_t sl = sizeof(sa->local);
		struct sockaddr_in tmp = sa->remote;

		if (fd >= 0 &&
		    connect(fd, (struct sockaddr *)&tmp, sizeof(tmp)) == 0)
			getsockname(fd, (struct sockaddr *)&sa->local, &sl);
		if (fd >= 0)
			close(fd);
		sa->local.sin_port = htons(e->g.ike_port);
	}
	if (ike_ph1_make_ke(sa) < 0) {
		ike_sa_fail(sa, "cannot create the Diffie-Hellman value");
		return -1;
	}
	ike_ph1_header(sa, &b);
	ike_p1_build_sa(sa, &b);
	ike_build_ke(&b, sa->gxi, sa->gxi_len);
	ike_build_nonce(&b, sa->ni, sa->ni_len);
	ike_ph1_build_id(sa, &b, &off);
	/* HASH_I will need IDii_b. */
	sa->idi_len = b.len - off;
	memcpy(sa->idi_b, b.data + off, sa->idi_len);
	return ike_ph1_initiate(sa, &b, IKE_SA_AM_I1);
}

static void
am_i_recv2(struct ike_ph1 *sa, const struct ike_msg *m)
{
	const struct ike_pld *s = ike_pld_get(m, IKE_PLD_SA, 0);
	uint8_t hash[IKE_CRYPTO_HASH_MAX];
	struct ike_buf b;
	uint16_t group = sa->group;

	if (s == NULL ||
	    ike_p1_accept_reply(sa, ike_pld_body(m, s), s->len) != 0 ||
	    sa->group != group) {
		ike_sa_fail(sa, "the peer chose a transform we did not offer");
		return;
	}
	memcpy(sa->rcookie, m->hdr.rcookie, IKE_COOKIE_LEN);
	sa->natt = sa->peer->conf.p1.natt && ike_natt_vid_seen(m);
	if (ike_ph1_take_ke(sa, m) < 0) {
		ike_sa_fail(sa, "bad key exchange or nonce in message 2");
		return;
	}
	if (ike_ph1_verify_auth(sa, m, 0) < 0)
		return;
	ike_natt_check(sa, m);
	ike_ph1_float(sa);
	if (ike_ph1_auth_hash(sa, 1, sa->idi_b, sa->idi_len, hash) < 0) {
		ike_sa_fail(sa, "cannot compute HASH_I");
		return;
	}
	ike_ph1_header(sa, &b);
	ike_build_hash(&b, hash, sa->keys->len);
	if (sa->natt)
		ike_natt_add_natd(sa, &b);
	ike_ph1_send(sa, &b, 1);
	ike_out_clear(&sa->out);
	ike_ph1_established(sa);
}

/* Responder: AM1 from a peer found by its ID (else by its address). */
struct ike_ph1 *
ike_am_respond(struct ike_engine *e, const struct ike_net_dgram *d,
               const struct ike_msg *m)
{
	const struct ike_pld *s = ike_pld_get(m, IKE_PLD_SA, 0);
	const struct ike_pld *id = ike_pld_get(m, IKE_PLD_ID, 0);
	char idtext[IKE_CONF_STR];
	struct ike_peer *p = NULL;
	struct ike_ph1 *sa;
	struct ike_buf b;
	uint8_t hash[IKE_CRYPTO_HASH_MAX];
	size_t off;

	if (s == NULL || id == NULL ||
	    ike_ph1_id_text(ike_pld_body(m, id), id->len, idtext,
	                    sizeof(idtext)) < 0) {
		e->malformed++;
		return NULL;
	}
	p = ike_engine_peer_by_id(e, idtext);
	if (p == NULL)
		p = ike_engine_peer_by_addr(e, &d->remote);
	if (p == NULL || p->conf.admin == 2 ||
	    p->conf.p1.mode == IKE_MODE_MAIN_ONLY) {
		gw_notice("Aggressive Mode from %s (ID %s) refused: %s",
		          inet_ntoa(d->remote.sin_addr), idtext,
		          p == NULL ? "no peer with this ID or address"
		          : p->conf.admin == 2
		              ? "the peer is administratively down"
		              : "the profile allows Main Mode only");
		ike_info_notify_plain(e, d, &m->hdr,
		                      p == NULL ? IKE_N_INVALID_ID_INFORMATION
		                                : IKE_N_NO_PROPOSAL_CHOSEN);
		return NULL;
	}
	sa = ike_ph1_respond_new(e, d, m, p, IKE_XCHG_AGGRESSIVE);
	if (sa == NULL)
		return NULL;
	if (ike_ph1_make_ke(sa) < 0 || ike_ph1_take_ke(sa, m) < 0) {
		ike_sa_fail(sa, "bad key exchange or nonce in message 1");
		return sa;
	}
	snprintf(sa->remote_id, sizeof(sa->remote_id), "%s", idtext);
	/* HASH_I covers IDii_b: keep it until message 3. */
	if (id->len > sizeof(sa->idi_b)) {
		ike_sa_fail(sa, "ID payload too long");
		return sa;
	}
	memcpy(sa->idi_b, ike_pld_body(m, id), id->len);
	sa->idi_len = id->len;
	ike_ph1_header(sa, &b);
	ike_p1_build_reply_sa(sa, &b);
	ike_build_ke(&b, sa->gxr, sa->gxr_len);
	ike_build_nonce(&b, sa->nr, sa->nr_len);
	ike_ph1_build_id(sa, &b, &off);
	if (ike_ph1_auth_hash(sa, 0, b.data + off, b.len - off, hash) < 0) {
		ike_buf_free(&b);
		ike_sa_fail(sa, "cannot compute HASH_R");
		return sa;
	}
	ike_build_hash(&b, hash, sa->keys->len);
	if (sa->natt) {
		ike_natt_add_vids(&b);
		ike_natt_add_natd(sa, &b);
	}
	ike_sa_set_state(sa, IKE_SA_AM_R1);
	if (e->cb.peer_state != NULL)
		e->cb.peer_state(e->cb_arg, p->conf.index, IKE_PEER_NEGOTIATING,
		                 "");
	ike_ph1_send(sa, &b, 0);
	return sa;
}

static void
am_r_recv3(struct ike_ph1 *sa, const struct ike_net_dgram *d,
           const struct ike_msg *m)
{
	const struct ike_pld *h = ike_pld_get(m, IKE_PLD_HASH, 0);
	uint8_t want[IKE_CRYPTO_HASH_MAX];

	if (h == NULL || h->len != sa->keys->len ||
	    ike_ph1_auth_hash(sa, 1, sa->idi_b, sa->idi_len, want) < 0 ||
	    !ike_crypto_ct_equal(want, ike_pld_body(m, h), h->len)) {
		ike_sa_fail(sa, "authentication failed: the pre-shared keys "
		                "differ (HASH_I mismatch)");
		return;
	}
	ike_natt_check(sa, m);
	/* The initiator may already use the NAT-T port for message 3. */
	sa->remote = d->remote;
	sa->local = d->local;
	sa->floated = d->natt;
	ike_out_clear(&sa->out);
	ike_ph1_established(sa);
}

/* The Aggressive Mode step for a message taken by ike_mm_recv(). */
void
ike_am_step(struct ike_ph1 *sa, const struct ike_net_dgram *d,
            const struct ike_msg *m)
{
	if (sa->state == IKE_SA_AM_I1)
		am_i_recv2(sa, m);
	else if (sa->state == IKE_SA_AM_R1)
		am_r_recv3(sa, d, m);
}
