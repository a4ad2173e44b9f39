/*
 * ike_info.c - Informational exchanges: notifications without an SA
 * (plaintext, only for refusals of a first message, RFC 2408 5) and with
 * one (encrypted, HASH(1)-protected, RFC 2409 5.7), and the handling of
 * received deletes and notifications.
 */
#include "ike_int.h"

#include "common.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* A plaintext notify answering a message we refuse before any SA. */
void
ike_info_notify_plain(struct ike_engine *e, const struct ike_net_dgram *d,
                      const struct ike_hdr *h, uint16_t type)
{
	struct ike_buf b;
	uint8_t rcookie[IKE_COOKIE_LEN] = {0};

	ike_buf_init(&b);
	ike_build_header(&b, h->icookie, rcookie, IKE_XCHG_INFO, 0, 0);
	ike_build_notify(&b, IKE_DOI_IPSEC, IKE_PROTO_ISAKMP, type, h->icookie,
	                 0, NULL, 0);
	if (ike_build_finish(&b) == 0)
		ike_net_send(e->net, &d->local, &d->remote, d->natt, b.data,
		             b.len);
	ike_buf_free(&b);
}

/*
 * Starts an Informational under the ISAKMP SA: header and an empty HASH(1)
 * (its offset in *hoff); the caller adds the payload, then info_finish().
 */
static int
info_begin(struct ike_ph1 *sa, struct ike_buf *b, uint32_t *msgid, uint8_t *iv,
           size_t *hoff)
{
	if (sa->keys == NULL || ike_crypto_random(msgid, 4) < 0 ||
	    ike_keys_phase2_iv(sa->keys, sa->iv, *msgid, iv) < 0)
		return -1;
	ike_buf_init(b);
	ike_build_header(b, sa->icookie, sa->rcookie, IKE_XCHG_INFO, 0, *msgid);
	ike_build_hash(b, NULL, sa->keys->len);
	*hoff = ike_buf_last_body(b);
	return 0;
}

/* HASH(1) over the payloads after it, encryption, sending (RFC 2409 5.7). */
static int
info_finish(struct ike_ph1 *sa, struct ike_buf *b, uint32_t msgid, uint8_t *iv,
            size_t hoff)
{
	struct ike_crypto_iov rest;
	int rc = -1;

	if (ike_build_finish(b) == 0) {
		rest.base = b->data + hoff + sa->keys->len;
		rest.len = b->len - hoff - sa->keys->len;
		if (ike_keys_qm_hash1(sa->keys, msgid, rest, b->data + hoff) ==
		        0 &&
		    ike_crypt_encrypt(sa, iv, b) == 0)
			rc = ike_net_send(sa->eng->net, &sa->local, &sa->remote,
			                  sa->floated, b->data, b->len);
	}
	ike_buf_free(b);
	return rc;
}

/* An encrypted Informational with one notify, under an established SA. */
int
ike_info_notify_data(struct ike_ph1 *sa, uint16_t type, const void *spi,
                     uint8_t spi_size, uint8_t proto, const void *data,
                     size_t len)
{
	uint8_t iv[IKE_CRYPTO_BLOCK_MAX];
	struct ike_buf b;
	uint32_t msgid;
	size_t hoff;

	if (info_begin(sa, &b, &msgid, iv, &hoff) < 0)
		return -1;
	ike_build_notify(&b, IKE_DOI_IPSEC, proto ? proto : IKE_PROTO_ISAKMP,
	                 type, spi, spi_size, data, len);
	return info_finish(sa, &b, msgid, iv, hoff);
}

int
ike_info_send(struct ike_ph1 *sa, uint16_t type, const void *spi,
              uint8_t spi_size, uint8_t proto)
{
	return ike_info_notify_data(sa, type, spi, spi_size, proto, NULL, 0);
}

/*
 * Tells the peer the ISAKMP SA is gone (RFC 2408 3.15, SPI = the cookie
 * pair), so that it does not keep using it; protected by HASH(1).
 */
int
ike_info_delete(struct ike_ph1 *sa)
{
	uint8_t iv[IKE_CRYPTO_BLOCK_MAX], spi[2 * IKE_COOKIE_LEN];
	struct ike_buf b;
	uint32_t msgid;
	size_t hoff;

	if (sa->state != IKE_SA_ESTABLISHED ||
	    info_begin(sa, &b, &msgid, iv, &hoff) < 0)
		return -1;
	memcpy(spi, sa->icookie, IKE_COOKIE_LEN);
	memcpy(spi + IKE_COOKIE_LEN, sa->rcookie, IKE_COOKIE_LEN);
	ike_build_delete(&b, IKE_DOI_IPSEC, IKE_PROTO_ISAKMP, sizeof(spi), spi,
	                 1);
	gw_notice("ISAKMP SA %u: deleted, peer notified", sa->index);
	return info_finish(sa, &b, msgid, iv, hoff);
}

/*
 * Tells the peer an IPsec SA pair is gone: the SPI of a Delete is the
 * one the receiver of the Delete knows, our inbound SPI (RFC 2408 3.15).
 */
int
ike_info_delete_child(struct ike_ph1 *sa, uint8_t proto, uint32_t spi_in)
{
	uint8_t iv[IKE_CRYPTO_BLOCK_MAX];
	uint32_t spi = htonl(spi_in);
	struct ike_buf b;
	uint32_t msgid;
	size_t hoff;

	if (sa->state != IKE_SA_ESTABLISHED ||
	    info_begin(sa, &b, &msgid, iv, &hoff) < 0)
		return -1;
	ike_build_delete(&b, IKE_DOI_IPSEC, proto, 4, (const uint8_t *)&spi, 1);
	return info_finish(sa, &b, msgid, iv, hoff);
}

/* The peer deleted IPsec SAs: its SPIs are our outbound ones. */
static void
delete_children(struct ike_ph1 *sa, const struct ike_delete *dl)
{
	struct ike_engine *e = sa->eng;
	struct ike_qm *qm;
	unsigned int i;

	for (i = 0; i < dl->nspi && dl->spi_size == 4; i++) {
		const uint8_t *spi = ike_pld_delete_spi(dl, i);
		uint32_t v;

		if (spi == NULL)
			break;
		memcpy(&v, spi, 4);
		v = ntohl(v);
		for (qm = sa->qms; qm != NULL; qm = qm->next)
			if (qm->done && qm->child.spi_out == v) {
				gw_notice("peer %d: IPsec SA %08x deleted by "
				          "the peer",
				          qm->child.peer, v);
				qm->done = 0;
				qm->gone = 1;
				if (e->cb.child_delete != NULL)
					e->cb.child_delete(e->cb_arg,
					                   qm->child.index);
			}
	}
}

/* The Quick Mode we started that waits for its answer, if any. */
static struct ike_qm *
pending_qm(const struct ike_ph1 *sa)
{
	struct ike_qm *qm;

	for (qm = sa->qms; qm != NULL; qm = qm->next)
		if (qm->initiator && !qm->done && !qm->gone)
			return qm;
	return NULL;
}

/* RESPONDER-LIFETIME for the ISAKMP SA (RFC 2407 4.6.3.1). */
static void
responder_lifetime(struct ike_ph1 *sa, const struct ike_notify *n)
{
	uint32_t sec, kb;

	if (ike_pld_lifetime(n, &sec, &kb) != IKE_PLD_OK) {
		sa->eng->malformed++;
		gw_info("ISAKMP SA %u: unusable RESPONDER-LIFETIME ignored",
		        sa->index);
		return;
	}
	ike_sa_shorten(sa, sec, kb);
}

/* Received Informational: verify HASH(1), then act on N and D. */
void
ike_info_recv(struct ike_ph1 *sa, const uint8_t *pkt, size_t len)
{
	struct ike_msg m;
	uint8_t iv[IKE_CRYPTO_BLOCK_MAX], want[IKE_CRYPTO_HASH_MAX];
	uint8_t *plain = NULL;
	size_t plen = 0;
	const struct ike_pld *h;
	struct ike_crypto_iov rest;
	unsigned int i;

	if (ike_pld_header(&m, pkt, len) != IKE_PLD_OK)
		return;
	if (!(m.hdr.flags & IKE_FLAG_E) || sa->keys == NULL) {
		gw_info("ISAKMP SA %u: unprotected Informational ignored",
		        sa->index);
		return;
	}
	if (ike_keys_phase2_iv(sa->keys, sa->iv, m.hdr.msgid, iv) < 0 ||
	    ike_crypt_decrypt(sa, iv, pkt, len, &plain, &plen) < 0 ||
	    ike_pld_walk(&m, plain, plen, IKE_HDR_LEN, IKE_PLD_F_PADDED) !=
	        IKE_PLD_OK) {
		sa->eng->malformed++;
		free(plain);
		/* An unreadable answer to our identity: different keys. */
		if (sa->state == IKE_SA_MM_I3)
			ike_sa_fail(sa, "authentication failed: the peer "
			                "could not read our identity message "
			                "(the pre-shared keys differ)");
		return;
	}
	h = ike_pld_nth(&m, 0);
	if (h == NULL || h->type != IKE_PLD_HASH || h->len != sa->keys->len) {
		free(plain);
		return;
	}
	rest.base = m.buf + h->off + h->len;
	rest.len = m.end - (h->off + h->len);
	if (ike_keys_qm_hash1(sa->keys, m.hdr.msgid, rest, want) < 0 ||
	    !ike_crypto_ct_equal(want, ike_pld_body(&m, h), h->len)) {
		gw_notice("ISAKMP SA %u: Informational with a bad hash ignored",
		          sa->index);
		free(plain);
		return;
	}
	for (i = 0; i < ike_pld_count(&m, IKE_PLD_NOTIFY); i++) {
		const struct ike_pld *p = ike_pld_get(&m, IKE_PLD_NOTIFY, i);
		struct ike_notify n;
		struct ike_qm *q;

		if (ike_pld_notify(ike_pld_body(&m, p), p->len, &n) !=
		    IKE_PLD_OK)
			continue;
		if (n.type == IKE_N_R_U_THERE || n.type == IKE_N_R_U_THERE_ACK)
			ike_dpd_recv(sa, &n);
		else if (n.type == IKE_N_RESPONDER_LIFETIME &&
		         n.proto == IKE_PROTO_ISAKMP)
			responder_lifetime(sa, &n);
		else if (n.type < 8192 && sa->state != IKE_SA_ESTABLISHED &&
		         sa->state != IKE_SA_DEAD) {
			/* Phase 1 refused, e.g. our certificate. */
			ike_sa_fail(sa, "the peer refused phase 1: %s",
			            ike_pld_err_str((enum ike_pld_err)n.type));
			break;
		} else if (n.type < 8192 && (q = pending_qm(sa)) != NULL) {
			q->gone = 1; /* finished, unsuccessfully */
			ike_qm_failed(
			    sa, q->tr.index,
			    "Quick Mode refused by the peer: %s",
			    ike_pld_err_str((enum ike_pld_err)n.type));
		} else
			gw_info("ISAKMP SA %u: peer notified %u", sa->index,
			        n.type);
	}
	for (i = 0; i < ike_pld_count(&m, IKE_PLD_DELETE); i++) {
		const struct ike_pld *p = ike_pld_get(&m, IKE_PLD_DELETE, i);
		struct ike_delete dl;

		if (ike_pld_delete(ike_pld_body(&m, p), p->len, &dl) !=
		    IKE_PLD_OK)
			continue;
		if (dl.proto != IKE_PROTO_ISAKMP) {
			delete_children(sa, &dl);
			continue;
		}
		gw_notice("ISAKMP SA %u: deleted by the peer", sa->index);
		ike_sa_set_state(sa, IKE_SA_DEAD);
	}
	free(plain);
}
