/*
 * ike_mm.c - Main Mode (ID Protect, RFC 2409 section 5), as initiator and
 * as responder; with pre-shared keys:
 *
 *   I: HDR, SA, VID                 ->  <- R: HDR, SA, VID
 *   I: HDR, KE, Ni, NAT-D, NAT-D    ->  <- R: HDR, KE, Nr, NAT-D, NAT-D
 *   I: HDR*, IDii, HASH_I [, N(IC)] ->  <- R: HDR*, IDir, HASH_R
 *
 * With signatures CR payloads go with KE and [CERT], SIG_x replace HASH_x;
 * with RSA encryption ID and nonce go encrypted with KE and messages 5
 * and 6 carry HASH_x alone (ike_auth.c has what differs).
 *
 * When NAT-D shows a NAT (RFC 3947), messages 5 and 6 and everything after
 * them use the NAT-T port.  A responder answers a retransmitted request
 * with its last answer; an initiator retransmits until answered.
 */
#include "ike_cert.h"
#include "ike_int.h"

#include "common.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int first_with_peer(const struct ike_ph1 *sa);

static void
p1_inputs(const struct ike_ph1 *sa, struct ike_keys_p1 *in)
{
	size_t glen = 0;
	const uint8_t *gxy = ike_dh_secret(sa->dh, &glen);

	memset(in, 0, sizeof(*in));
	in->auth = ike_auth_family(sa);
	if (in->auth == IKE_KEYS_AUTH_PSK) {
		in->psk.base = sa->peer->conf.psk;
		in->psk.len = sa->peer->conf.psk_len;
	}
	in->ni.base = sa->ni;
	in->ni.len = sa->ni_len;
	in->nr.base = sa->nr;
	in->nr.len = sa->nr_len;
	in->gxi.base = sa->gxi;
	in->gxi.len = sa->gxi_len;
	in->gxr.base = sa->gxr;
	in->gxr.len = sa->gxr_len;
	in->gxy.base = gxy;
	in->gxy.len = glen;
	memcpy(in->cky_i, sa->icookie, IKE_COOKIE_LEN);
	memcpy(in->cky_r, sa->rcookie, IKE_COOKIE_LEN);
}

/* Our DH pair and nonce for message 3 or 4. */
int
ike_ph1_make_ke(struct ike_ph1 *sa)
{
	const uint8_t *pub;
	size_t len;
	uint8_t *g = sa->initiator ? sa->gxi : sa->gxr;
	uint8_t *n = sa->initiator ? sa->ni : sa->nr;

	sa->dh = ike_dh_new(sa->group);
	if (sa->dh == NULL || ike_dh_generate(sa->dh) < 0 ||
	    (pub = ike_dh_public(sa->dh, &len)) == NULL || len > IKE_DH_MAX)
		return -1;
	memcpy(g, pub, len);
	*(sa->initiator ? &sa->gxi_len : &sa->gxr_len) = len;
	*(sa->initiator ? &sa->ni_len : &sa->nr_len) = IKE_NONCE_LEN;
	return ike_crypto_random(n, IKE_NONCE_LEN);
}

/*
 * The peer's KE and nonce (with RSA encryption ike_auth_pke_take() has
 * decrypted the nonce already); then g^xy and every phase 1 key.
 */
int
ike_ph1_take_ke(struct ike_ph1 *sa, const struct ike_msg *m)
{
	const struct ike_pld *ke = ike_pld_get(m, IKE_PLD_KE, 0);
	const struct ike_pld *no = ike_pld_get(m, IKE_PLD_NONCE, 0);
	uint8_t *g = sa->initiator ? sa->gxr : sa->gxi;
	uint8_t *n = sa->initiator ? sa->nr : sa->ni;
	int pke = ike_auth_pke(sa);
	struct ike_keys_p1 in;

	if (ke == NULL || ke->len > IKE_DH_MAX ||
	    (!pke && (no == NULL || no->len < IKE_NONCE_MIN ||
	              no->len > IKE_NONCE_MAX)))
		return -1;
	memcpy(g, ike_pld_body(m, ke), ke->len);
	*(sa->initiator ? &sa->gxr_len : &sa->gxi_len) = ke->len;
	if (!pke) {
		memcpy(n, ike_pld_body(m, no), no->len);
		*(sa->initiator ? &sa->nr_len : &sa->ni_len) = no->len;
	}
	if (ike_dh_derive(sa->dh, ike_pld_body(m, ke), ke->len) < 0)
		return -1;
	sa->keys = ike_keys_new(ike_crypto_hash_by_ike(sa->hash),
	                        ike_crypto_cipher_by_ike(sa->enc), sa->keylen);
	if (sa->keys == NULL)
		return -1;
	p1_inputs(sa, &in);
	if (ike_keys_phase1(sa->keys, &in) < 0)
		return -1;
	return ike_crypt_setup(sa);
}

/*
 * Our identity (ike_auth_id_body()) as an ID payload; its body is copied
 * to id (IKE_ID_BODY_MAX octets) for HASH_x / SIG_x.  -1 (SA failed) if
 * it cannot be made.
 */
int
ike_ph1_build_id(struct ike_ph1 *sa, struct ike_buf *b, uint8_t *id,
                 size_t *len)
{
	if (ike_auth_id_body(sa, id, IKE_ID_BODY_MAX, len) < 0) {
		ike_sa_fail(sa, "the local ID '%s' cannot be sent",
		            sa->peer->conf.p1.local_id);
		return -1;
	}
	return ike_build_payload(b, IKE_PLD_ID, id, *len);
}

/*
 * An ID payload as text: a.b.c.d, an FQDN, user@fqdn, keyid:TEXT or a DN
 * as "CN=gw1, O=Example".
 */
int
ike_ph1_id_text(const uint8_t *body, size_t len, char *out, size_t n)
{
	struct ike_id id;
	size_t k;

	if (ike_pld_id(body, len, &id) != IKE_PLD_OK || n < 8)
		return -1;
	if (id.type == IKE_ID_IPV4_ADDR && id.len == 4) {
		struct in_addr a;

		memcpy(&a.s_addr, id.data, 4);
		snprintf(out, n, "%s", inet_ntoa(a));
		return 0;
	}
	if (id.type == IKE_ID_DER_ASN1_DN)
		return ike_cert_dn_text(id.data, id.len, out, n);
	k = id.len < n - 7 ? id.len : n - 7;
	snprintf(out, n, "%s%.*s", id.type == IKE_ID_KEY_ID ? "keyid:" : "",
	         (int)k, (const char *)id.data);
	return 0;
}

/* The peer's ID as text; checked against ipsecPeerIds when set. */
static int
check_id(struct ike_ph1 *sa, const uint8_t *body, size_t len)
{
	const char *ids = sa->peer->conf.ids;

	if (ike_ph1_id_text(body, len, sa->remote_id, sizeof(sa->remote_id)) <
	    0)
		return -1;
	if (ids[0] == '\0' || ike_cert_id_in_list(body, len, ids))
		return 0;
	return 1;
}

/* HASH_I or HASH_R over the ID payload body at off in b (or in m). */
int
ike_ph1_auth_hash(struct ike_ph1 *sa, int initiator, const uint8_t *id_b,
                  size_t id_len, uint8_t *out)
{
	struct ike_keys_p1 in;
	struct ike_crypto_iov sai = {sa->sai_b, sa->sai_len};
	struct ike_crypto_iov idb = {id_b, id_len};

	p1_inputs(sa, &in);
	return ike_keys_hash_auth(sa->keys, &in, initiator, sai, idb, out);
}

/* A header for the SA's phase 1 exchange (Main or Aggressive Mode). */
void
ike_ph1_header(struct ike_ph1 *sa, struct ike_buf *b)
{
	ike_buf_init(b);
	ike_build_header(b, sa->icookie, sa->rcookie, sa->xchg, 0, 0);
}

/* Sends b (finished, encrypted if enc) and keeps it for retransmission. */
int
ike_ph1_send(struct ike_ph1 *sa, struct ike_buf *b, int enc)
{
	int rc = ike_build_finish(b);

	if (rc == 0 && enc)
		rc = ike_crypt_encrypt(sa, sa->iv, b);
	if (rc == 0)
		rc = ike_sa_send(sa, &sa->out, &sa->timer, b, sa->initiator);
	ike_buf_free(b);
	return rc;
}

/*
 * An initiator SA towards peer p for exchange xchg: cookies, the peer's
 * address (resolved) and ports.  NULL, with the reason recorded, if the
 * address cannot be resolved.
 */
struct ike_ph1 *
ike_ph1_initiator_new(struct ike_engine *e, struct ike_peer *p, int32_t traffic,
                      uint8_t xchg)
{
	struct ike_ph1 *sa = ike_sa_new(e, 1);

	if (sa == NULL)
		return NULL;
	sa->peer = p;
	sa->xchg = xchg;
	sa->want_qm = traffic;
	if (ike_cbk_remote(p, &sa->remote) < 0) {
		ike_sa_fail(sa, "cannot resolve the peer address '%s'",
		            p->conf.address);
		return NULL;
	}
	sa->remote.sin_port = htons(e->g.ike_port);
	sa->local.sin_family = AF_INET;
	sa->local.sin_port = htons(e->g.ike_port);
	return sa;
}

/* Sends an initiator's first message and says the peer is negotiating. */
int
ike_ph1_initiate(struct ike_ph1 *sa, struct ike_buf *b, enum ike_sa_state st)
{
	struct ike_engine *e = sa->eng;
	struct ike_peer *p = sa->peer;

	if (p->conf.p1.natt)
		ike_natt_add_vids(b);
	ike_sa_set_state(sa, st);
	if (e->cb.peer_state != NULL)
		e->cb.peer_state(e->cb_arg, p->conf.index, IKE_PEER_NEGOTIATING,
		                 "");
	gw_info("phase 1 with peer %d (%s): %s Mode as initiator",
	        p->conf.index, p->conf.address,
	        sa->xchg == IKE_XCHG_AGGRESSIVE ? "Aggressive" : "Main");
	return ike_ph1_send(sa, b, 0);
}

/* Initiator, message 1. */
int
ike_mm_start(struct ike_engine *e, struct ike_peer *p, int32_t traffic)
{
	struct ike_ph1 *sa;
	struct ike_buf b;

	sa = ike_ph1_initiator_new(e, p, traffic, IKE_XCHG_IDPROT);
	if (sa == NULL || ike_auth_check_conf(sa) < 0)
		return -1;
	ike_ph1_header(sa, &b);
	if (ike_p1_build_sa(sa, &b) < 0) {
		ike_buf_free(&b);
		ike_sa_fail(sa, "no phase 1 proposal fits the authentication "
		                "method (DSS signatures need SHA1)");
		return -1;
	}
	ike_cbk_add_vid(p, &b); /* IPSec callback token, if answering one */
	return ike_ph1_initiate(sa, &b, IKE_SA_MM_I1);
}

/* Messages 3 and 4 after KE: the nonce and CR payloads, or with RSA
 * encryption the encrypted ID and nonce. */
static int
add_nonce(struct ike_ph1 *sa, struct ike_buf *b)
{
	if (ike_auth_pke(sa))
		return ike_auth_pke_build(sa, b);
	ike_build_nonce(b, sa->initiator ? sa->ni : sa->nr,
	                sa->initiator ? sa->ni_len : sa->nr_len);
	return ike_auth_add_cr(sa, b);
}

/*
 * Message 5 or 6: our ID and its proof (HASH_x or [CERT], SIG_x); with
 * RSA encryption HASH_x alone over the ID sent encrypted before.
 */
static int
add_auth(struct ike_ph1 *sa, struct ike_buf *b)
{
	uint8_t id[IKE_ID_BODY_MAX];
	size_t len = 0;

	if (ike_auth_pke(sa))
		return ike_auth_add_proof(
		    sa, b, sa->initiator, sa->initiator ? sa->idi_b : sa->idr_b,
		    sa->initiator ? sa->idi_len : sa->idr_len);
	if (ike_ph1_build_id(sa, b, id, &len) < 0)
		return -1;
	return ike_auth_add_proof(sa, b, sa->initiator, id, len);
}

static void
mm_i_recv2(struct ike_ph1 *sa, const struct ike_msg *m)
{
	const struct ike_pld *s = ike_pld_get(m, IKE_PLD_SA, 0);
	struct ike_buf b;
	char why[200];
	uint16_t err;

	if (s == NULL) {
		ike_sa_fail(sa, "message 2 without an SA payload");
		return;
	}
	err = ike_p1_accept_reply(sa, ike_pld_body(m, s), s->len, why,
	                          sizeof(why));
	if (err != 0) {
		ike_sa_fail(sa, "the peer's answer is not acceptable: %s", why);
		return;
	}
	memcpy(sa->rcookie, m->hdr.rcookie, IKE_COOKIE_LEN);
	sa->natt = sa->peer->conf.p1.natt && ike_natt_vid_seen(m);
	if (ike_ph1_make_ke(sa) < 0) {
		ike_sa_fail(sa, "cannot create the Diffie-Hellman value");
		return;
	}
	ike_ph1_header(sa, &b);
	ike_build_ke(&b, sa->gxi, sa->gxi_len);
	if (add_nonce(sa, &b) < 0) {
		ike_buf_free(&b);
		return;
	}
	if (sa->natt)
		ike_natt_add_natd(sa, &b);
	ike_sa_set_state(sa, IKE_SA_MM_I2);
	ike_ph1_send(sa, &b, 0);
}

/* After NAT-D in message 3/4: move to the NAT-T port if a NAT is there. */
void
ike_ph1_float(struct ike_ph1 *sa)
{
	if (!sa->natt || (!sa->nat_local && !sa->nat_remote) || sa->floated)
		return;
	sa->floated = 1;
	sa->remote.sin_port = htons(sa->eng->g.natt_port);
	sa->local.sin_port = htons(sa->eng->g.natt_port);
}

static void
mm_i_recv4(struct ike_ph1 *sa, const struct ike_msg *m)
{
	struct ike_buf b;

	if (ike_auth_pke(sa) && ike_auth_pke_take(sa, m) < 0)
		return;
	ike_auth_take_cr(sa, m);
	if (ike_ph1_take_ke(sa, m) < 0) {
		ike_sa_fail(sa, "bad key exchange or nonce in message 4");
		return;
	}
	ike_natt_check(sa, m);
	ike_ph1_float(sa);
	ike_ph1_header(sa, &b);
	if (add_auth(sa, &b) < 0) {
		ike_buf_free(&b);
		return;
	}
	/* Not when rekeying: the peer would drop the SAs we still use. */
	if (!sa->eng->g.no_initial_contact && first_with_peer(sa))
		ike_build_notify(&b, IKE_DOI_IPSEC, IKE_PROTO_ISAKMP,
		                 IKE_N_INITIAL_CONTACT, NULL, 0, NULL, 0);
	ike_sa_set_state(sa, IKE_SA_MM_I3);
	ike_ph1_send(sa, &b, 1);
}

void
ike_ph1_established(struct ike_ph1 *sa)
{
	struct ike_engine *e = sa->eng;

	ike_sa_set_state(sa, IKE_SA_ESTABLISHED);
	gw_notice("phase 1 with peer %d established (%s, %s, %s%s, "
	          "lifetime %u s/%u kB)",
	          sa->peer->conf.index, inet_ntoa(sa->remote.sin_addr),
	          sa->initiator ? "initiator" : "responder",
	          sa->remote_id[0] ? sa->remote_id : "?",
	          sa->floated ? ", NAT-T" : "", sa->life_sec, sa->life_kb);
	sa->peer->blocked_until = 0;
	ike_p1_tell_lifetime(sa);
	if (e->cb.peer_state != NULL)
		e->cb.peer_state(e->cb_arg, sa->peer->conf.index,
		                 IKE_PEER_NEGOTIATING, "");
	if (sa->want_qm >= 0)
		ike_qm_start(sa, sa->want_qm);
}

/*
 * Verifies IDx and its proof (HASH_x, or CERT and SIG_x) of message 5 or
 * 6 (decrypted in m); with RSA encryption HASH_x over the ID taken with
 * message 3 or 4.
 */
int
ike_ph1_verify_auth(struct ike_ph1 *sa, const struct ike_msg *m,
                    int from_initiator)
{
	const struct ike_pld *id = ike_pld_get(m, IKE_PLD_ID, 0);
	int idc;

	if (ike_auth_pke(sa))
		return ike_auth_check_proof(
		    sa, m, from_initiator,
		    from_initiator ? sa->idi_b : sa->idr_b,
		    from_initiator ? sa->idi_len : sa->idr_len);
	if (id == NULL) {
		ike_sa_fail(sa, "message without ID payload");
		return -1;
	}
	idc = check_id(sa, ike_pld_body(m, id), id->len);
	if (idc < 0) {
		ike_sa_fail(sa, "malformed ID payload");
		return -1;
	}
	if (ike_auth_check_proof(sa, m, from_initiator, ike_pld_body(m, id),
	                         id->len) < 0)
		return -1;
	if (idc > 0) {
		ike_sa_fail(sa, "peer ID %s is not in ipsecPeerIds",
		            sa->remote_id);
		return -1;
	}
	return 0;
}

static void
mm_i_recv6(struct ike_ph1 *sa, const struct ike_msg *m)
{
	if (ike_ph1_verify_auth(sa, m, 0) < 0)
		return;
	ike_out_clear(&sa->out);
	ike_ph1_established(sa);
}

/*
 * A responder SA for the first message from peer p: cookies, addresses,
 * the chosen phase 1 proposal.  A refusal is answered with its notify and
 * recorded with what the peer offered; then NULL.
 */
struct ike_ph1 *
ike_ph1_respond_new(struct ike_engine *e, const struct ike_net_dgram *d,
                    const struct ike_msg *m, struct ike_peer *p, uint8_t xchg)
{
	const struct ike_pld *s = ike_pld_get(m, IKE_PLD_SA, 0);
	struct ike_ph1 *sa = ike_sa_new(e, 0);
	char why[200];
	uint16_t err;

	if (sa == NULL)
		return NULL;
	sa->peer = p;
	sa->xchg = xchg;
	sa->remote = d->remote;
	sa->local = d->local;
	memcpy(sa->icookie, m->hdr.icookie, IKE_COOKIE_LEN);
	err = ike_p1_select(sa, ike_pld_body(m, s), s->len, why, sizeof(why));
	if (err != 0) {
		ike_info_notify_plain(e, d, &m->hdr, err);
		ike_sa_fail(sa, "no proposal chosen: peer offered %s", why);
		return NULL;
	}
	sa->natt = p->conf.p1.natt && ike_natt_vid_seen(m);
	return sa;
}

/* Responder, message 2: a new SA for a message 1 from a configured peer. */
struct ike_ph1 *
ike_mm_respond(struct ike_engine *e, const struct ike_net_dgram *d,
               const struct ike_msg *m)
{
	struct ike_peer *p;
	const struct ike_pld *s = ike_pld_get(m, IKE_PLD_SA, 0);
	struct ike_ph1 *sa;
	struct ike_buf b;

	/* By its IPSec callback token, else by address (ike_cbk.c). */
	if (ike_cbk_responder_peer(e, d, m, &p) < 0)
		return NULL;
	if (p == NULL || s == NULL) {
		gw_notice("Main Mode from %s refused: %s",
		          inet_ntoa(d->remote.sin_addr),
		          p == NULL ? "no peer with this address is configured"
		                    : "no SA payload");
		ike_info_notify_plain(e, d, &m->hdr, IKE_N_NO_PROPOSAL_CHOSEN);
		return NULL;
	}
	if (p->conf.admin == 2 || p->conf.p1.mode == IKE_MODE_AGGRESSIVE_ONLY) {
		gw_notice("Main Mode from peer %d refused: %s", p->conf.index,
		          p->conf.admin == 2
		              ? "the peer is administratively down"
		              : "the profile allows Aggressive Mode "
		                "only");
		ike_info_notify_plain(e, d, &m->hdr, IKE_N_NO_PROPOSAL_CHOSEN);
		return NULL;
	}
	sa = ike_ph1_respond_new(e, d, m, p, IKE_XCHG_IDPROT);
	if (sa == NULL)
		return NULL;
	if (ike_auth_check_conf(sa) < 0) {
		ike_info_notify_plain(e, d, &m->hdr,
		                      IKE_N_AUTHENTICATION_FAILED);
		return NULL;
	}
	ike_ph1_header(sa, &b);
	ike_p1_build_reply_sa(sa, &b);
	if (sa->natt)
		ike_natt_add_vids(&b);
	ike_sa_set_state(sa, IKE_SA_MM_R1);
	if (e->cb.peer_state != NULL)
		e->cb.peer_state(e->cb_arg, p->conf.index, IKE_PEER_NEGOTIATING,
		                 "");
	ike_ph1_send(sa, &b, 0);
	return sa;
}

static void
mm_r_recv3(struct ike_ph1 *sa, const struct ike_msg *m)
{
	struct ike_buf b;

	if (ike_auth_pke(sa) && ike_auth_pke_take(sa, m) < 0)
		return;
	if (ike_ph1_make_ke(sa) < 0 || ike_ph1_take_ke(sa, m) < 0) {
		ike_sa_fail(sa, "bad key exchange or nonce in message 3");
		return;
	}
	ike_auth_take_cr(sa, m);
	ike_natt_check(sa, m);
	ike_ph1_header(sa, &b);
	ike_build_ke(&b, sa->gxr, sa->gxr_len);
	if (add_nonce(sa, &b) < 0) {
		ike_buf_free(&b);
		return;
	}
	if (sa->natt)
		ike_natt_add_natd(sa, &b);
	ike_sa_set_state(sa, IKE_SA_MM_R2);
	ike_ph1_send(sa, &b, 0);
}

/* 1 if no other established ISAKMP SA with this peer exists. */
static int
first_with_peer(const struct ike_ph1 *sa)
{
	const struct ike_ph1 *o;

	for (o = sa->eng->sas; o != NULL; o = o->next)
		if (o != sa && o->peer == sa->peer &&
		    o->state == IKE_SA_ESTABLISHED)
			return 0;
	return 1;
}

/*
 * INITIAL-CONTACT (RFC 2407 4.6.3.3): the peer has just started and keeps
 * no older SA with us, so ours with it are stale: drop them quietly.
 */
void
ike_ph1_initial_contact(struct ike_ph1 *sa, const struct ike_msg *m)
{
	unsigned int i, n = ike_pld_count(m, IKE_PLD_NOTIFY);
	struct ike_ph1 *o;
	struct ike_notify nt;

	for (i = 0; i < n; i++) {
		const struct ike_pld *p = ike_pld_get(m, IKE_PLD_NOTIFY, i);

		if (ike_pld_notify(ike_pld_body(m, p), p->len, &nt) ==
		        IKE_PLD_OK &&
		    nt.type == IKE_N_INITIAL_CONTACT)
			break;
	}
	if (i == n)
		return;
	for (o = sa->eng->sas; o != NULL; o = o->next)
		if (o != sa && o->peer == sa->peer && o->state != IKE_SA_DEAD) {
			gw_notice(
			    "ISAKMP SA %u: replaced after INITIAL-CONTACT",
			    o->index);
			ike_sa_set_state(o, IKE_SA_DEAD);
		}
}

static void
mm_r_recv5(struct ike_ph1 *sa, const struct ike_net_dgram *d,
           const struct ike_msg *m)
{
	struct ike_buf b;

	/* The initiator may have floated to the NAT-T port. */
	sa->remote = d->remote;
	sa->local = d->local;
	sa->floated = d->natt;
	if (ike_ph1_verify_auth(sa, m, 1) < 0)
		return;
	ike_auth_take_cr(sa, m); /* charon asks for certificates here */
	ike_ph1_initial_contact(sa, m);
	ike_ph1_header(sa, &b);
	if (add_auth(sa, &b) < 0) {
		ike_buf_free(&b);
		return;
	}
	ike_ph1_send(sa, &b, 1);
	ike_ph1_established(sa);
}

/* Parses (decrypting first when E is set) and runs the step for the state. */
void
ike_mm_recv(struct ike_ph1 *sa, const struct ike_net_dgram *d,
            const struct ike_msg *hdr, const uint8_t *pkt)
{
	struct ike_msg m;
	uint8_t *plain = NULL;
	size_t plen = 0;
	uint32_t rx = ike_sa_rx_hash(pkt, d->len);
	enum ike_pld_err err;

	if (rx == sa->last_rx) {
		if (!sa->initiator && sa->out.data != NULL)
			ike_net_send(sa->eng->net, &sa->local, &sa->remote,
			             sa->out.natt, sa->out.data, sa->out.len);
		return; /* a retransmission of what we already took */
	}
	if (hdr->hdr.flags & IKE_FLAG_E) {
		uint8_t iv[IKE_CRYPTO_BLOCK_MAX];

		if (sa->cctx == NULL)
			return;
		memcpy(iv, sa->iv, sizeof(iv));
		if (ike_crypt_decrypt(sa, iv, pkt, d->len, &plain, &plen) < 0) {
			sa->eng->malformed++;
			return;
		}
		m = *hdr;
		err = ike_pld_walk(&m, plain, plen, IKE_HDR_LEN,
		                   IKE_PLD_F_PADDED);
		if (err != IKE_PLD_OK &&
		    (sa->state == IKE_SA_MM_R2 || sa->state == IKE_SA_AM_R1)) {
			/* Garbage after decryption: the keys differ. */
			ike_info_notify_plain(sa->eng, d, &hdr->hdr,
			                      IKE_N_PAYLOAD_MALFORMED);
			ike_sa_fail(sa,
			            "authentication failed: cannot read the "
			            "peer's identity message (%s)",
			            ike_auth_family(sa) == IKE_KEYS_AUTH_PSK
			                ? "the pre-shared keys differ"
			            : ike_auth_pke(sa)
			                ? "the peer could not decrypt our nonce"
			                : "the keys differ");
			free(plain);
			return;
		}
		if (err == IKE_PLD_OK)
			memcpy(sa->iv, iv, sizeof(iv));
	} else {
		/* RSA encryption: ID and nonce of MM3/4, AM2 are ciphertext. */
		int pke = ike_auth_pke(sa) && (sa->state == IKE_SA_MM_R1 ||
		                               sa->state == IKE_SA_MM_I2 ||
		                               sa->state == IKE_SA_AM_I1);

		err = ike_pld_parse_flags(&m, pkt, d->len,
		                          pke ? IKE_PLD_F_PKE : 0);
	}
	if (err != IKE_PLD_OK) {
		gw_info("ISAKMP SA %u: dropped a malformed message: %s",
		        sa->index, ike_pld_err_str(err));
		sa->eng->malformed++;
		free(plain);
		return;
	}
	sa->last_rx = rx;
	if (sa->local.sin_addr.s_addr == INADDR_ANY)
		sa->local.sin_addr = d->local.sin_addr;
	switch (sa->state) {
	case IKE_SA_MM_I1:
		mm_i_recv2(sa, &m);
		break;
	case IKE_SA_MM_I2:
		mm_i_recv4(sa, &m);
		break;
	case IKE_SA_MM_I3:
		mm_i_recv6(sa, &m);
		break;
	case IKE_SA_MM_R1:
		mm_r_recv3(sa, &m);
		break;
	case IKE_SA_MM_R2:
		mm_r_recv5(sa, d, &m);
		break;
	case IKE_SA_AM_I1:
	case IKE_SA_AM_R1:
		ike_am_step(sa, d, &m);
		break;
	default:
		break;
	}
	free(plain);
}
