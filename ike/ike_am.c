/*
 * ike_am.c - Aggressive Mode (RFC 2409 section 5.4); with pre-shared keys:
 *
 *   I: HDR, SA, KE, Ni, IDii, VID             ->
 *        <- R: HDR, SA, KE, Nr, IDir, HASH_R, VID, NAT-D, NAT-D
 *   I: HDR*, HASH_I, NAT-D, NAT-D             ->
 *
 * With signatures both first messages may carry CR payloads and [CERT],
 * SIG_x replace HASH_x (ike_auth.c).
 *
 * Three messages, identities in clear: the responder finds the peer by
 * its ID (ipsecPeerIds), which is what dynamic addresses with pre-shared
 * keys need.  Message 3 is encrypted and, behind a NAT, already goes to
 * the NAT-T port, as strongSwan does.
 */
#include "ike_cert.h"
#include "ike_int.h"

#include "common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* AM1 after KE: Ni, IDii, [CR], or with RSA encryption [HASH(1)],
 * <IDii_b>, <Ni_b>; IDii_b is kept for HASH_I / SIG_I. */
static int
am_i_id_nonce(struct ike_ph1 *sa, struct ike_buf *b)
{
	if (ike_auth_pke(sa))
		return ike_auth_pke_build(sa, b);
	if (ike_build_nonce(b, sa->ni, sa->ni_len) < 0 ||
	    ike_ph1_build_id(sa, b, sa->idi_b, &sa->idi_len) < 0)
		return -1;
	return ike_auth_add_cr(sa, b);
}

int
ike_am_start(struct ike_engine *e, struct ike_peer *p, int32_t traffic)
{
	struct ike_ph1 *sa;
	struct ike_buf b;

	sa = ike_ph1_initiator_new(e, p, traffic, IKE_XCHG_AGGRESSIVE);
	if (sa == NULL || ike_auth_check_conf(sa) < 0)
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
	if (ike_p1_build_sa(sa, &b) < 0) {
		ike_buf_free(&b);
		ike_sa_fail(sa, "no phase 1 proposal fits the authentication "
		                "method (DSS signatures need SHA1)");
		return -1;
	}
	ike_build_ke(&b, sa->gxi, sa->gxi_len);
	if (am_i_id_nonce(sa, &b) < 0) {
		ike_buf_free(&b);
		return -1;
	}
	return ike_ph1_initiate(sa, &b, IKE_SA_AM_I1);
}

static void
am_i_recv2(struct ike_ph1 *sa, const struct ike_msg *m)
{
	const struct ike_pld *s = ike_pld_get(m, IKE_PLD_SA, 0);
	struct ike_buf b;
	uint16_t group = sa->group;
	char why[200] = "no SA payload";
	int rc;

	if (s == NULL ||
	    ike_p1_accept_reply(sa, ike_pld_body(m, s), s->len, why,
	                        sizeof(why)) != 0 ||
	    sa->group != group) {
		ike_sa_fail(sa, "the peer's answer is not acceptable: %s", why);
		return;
	}
	memcpy(sa->rcookie, m->hdr.rcookie, IKE_COOKIE_LEN);
	sa->natt = sa->peer->conf.p1.natt && ike_natt_vid_seen(m);
	if (ike_auth_pke(sa) && ike_auth_pke_take(sa, m) < 0)
		return;
	ike_auth_take_cr(sa, m);
	if (ike_ph1_take_ke(sa, m) < 0) {
		ike_sa_fail(sa, "bad key exchange or nonce in message 2");
		return;
	}
	if (ike_ph1_verify_auth(sa, m, 0) < 0)
		return;
	ike_natt_check(sa, m);
	ike_ph1_float(sa);
	ike_ph1_header(sa, &b);
	rc = ike_auth_add_proof(sa, &b, 1, sa->idi_b, sa->idi_len);
	if (rc < 0) {
		ike_buf_free(&b);
		return;
	}
	if (sa->natt)
		ike_natt_add_natd(sa, &b);
	ike_ph1_send(sa, &b, 1);
	ike_out_clear(&sa->out);
	ike_ph1_established(sa);
}

/*
 * The peer of an AM1: the one whose ipsecPeerIds has the ID, else the one
 * with the sender's address.  With RSA encryption the ID is ciphertext
 * (idtext says so), so only the address finds the peer.
 */
static struct ike_peer *
am_peer(struct ike_engine *e, const struct ike_net_dgram *d,
        const struct ike_msg *m, char *idtext, size_t n, int *id_ok)
{
	const struct ike_pld *id = ike_pld_get(m, IKE_PLD_ID, 0);
	struct ike_peer *p = NULL;

	*id_ok = ike_ph1_id_text(ike_pld_body(m, id), id->len, idtext, n) == 0;
	if (*id_ok)
		p = ike_auth_peer_by_id(e, ike_pld_body(m, id), id->len);
	else
		snprintf(idtext, n, "(encrypted)");
	if (p == NULL)
		p = ike_engine_peer_by_addr(e, &d->remote);
	return p;
}

/* AM2 after SA and KE: Nr, IDir, [CERT], SIG_R (or HASH_R), [CR]; with
 * RSA encryption <IDir_b>, <Nr_b>, HASH_R. */
static int
am_r_auth(struct ike_ph1 *sa, struct ike_buf *b)
{
	uint8_t id[IKE_ID_BODY_MAX];
	size_t len = 0;

	if (ike_auth_pke(sa))
		return ike_auth_pke_build(sa, b) < 0 ||
		               ike_auth_add_proof(sa, b, 0, sa->idr_b,
		                                  sa->idr_len) < 0
		           ? -1
		           : 0;
	if (ike_build_nonce(b, sa->nr, sa->nr_len) < 0 ||
	    ike_ph1_build_id(sa, b, id, &len) < 0 ||
	    ike_auth_add_proof(sa, b, 0, id, len) < 0)
		return -1;
	return ike_auth_add_cr(sa, b);
}

/* The initiator's ID (kept for HASH_I / SIG_I) and nonce. */
static int
am_r_take(struct ike_ph1 *sa, const struct ike_msg *m, const char *idtext)
{
	const struct ike_pld *id = ike_pld_get(m, IKE_PLD_ID, 0);
	const char *ids = sa->peer->conf.ids;

	if (ike_auth_pke(sa)) {
		if (ike_auth_pke_take(sa, m) < 0)
			return -1;
	} else {
		snprintf(sa->remote_id, sizeof(sa->remote_id), "%s", idtext);
		if (id->len > sizeof(sa->idi_b)) {
			ike_sa_fail(sa, "ID payload too long");
			return -1;
		}
		memcpy(sa->idi_b, ike_pld_body(m, id), id->len);
		sa->idi_len = id->len;
		if (ids[0] != '\0' &&
		    !ike_cert_id_in_list(sa->idi_b, sa->idi_len, ids)) {
			ike_sa_fail(sa, "peer ID %s is not in ipsecPeerIds",
			            sa->remote_id);
			return -1;
		}
	}
	ike_auth_take_cr(sa, m);
	if (ike_ph1_make_ke(sa) < 0 || ike_ph1_take_ke(sa, m) < 0) {
		ike_sa_fail(sa, "bad key exchange or nonce in message 1");
		return -1;
	}
	return 0;
}

/* Responder: AM1 from a peer found by its ID (else by its address). */
struct ike_ph1 *
ike_am_respond(struct ike_engine *e, const struct ike_net_dgram *d,
               const struct ike_msg *m)
{
	const struct ike_pld *s = ike_pld_get(m, IKE_PLD_SA, 0);
	char idtext[IKE_CONF_STR];
	struct ike_peer *p = NULL;
	struct ike_ph1 *sa;
	struct ike_buf b;
	int id_ok = 0;

	if (s == NULL || ike_pld_get(m, IKE_PLD_ID, 0) == NULL) {
		e->malformed++;
		return NULL;
	}
	p = am_peer(e, d, m, idtext, sizeof(idtext), &id_ok);
	if (!id_ok && (p == NULL || p->conf.p1.auth != IKE_AUTH_RSA_ENC)) {
		e->malformed++;
		return NULL;
	}
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
	if (ike_auth_check_conf(sa) < 0) {
		ike_info_notify_plain(e, d, &m->hdr,
		                      IKE_N_AUTHENTICATION_FAILED);
		return NULL;
	}
	if (am_r_take(sa, m, idtext) < 0)
		return sa;
	ike_ph1_header(sa, &b);
	ike_p1_build_reply_sa(sa, &b);
	ike_build_ke(&b, sa->gxr, sa->gxr_len);
	if (am_r_auth(sa, &b) < 0) {
		ike_buf_free(&b);
		return sa;
	}
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
	if (ike_auth_check_proof(sa, m, 1, sa->idi_b, sa->idi_len) < 0)
		return;
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
