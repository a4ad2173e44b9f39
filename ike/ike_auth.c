/*
 * ike_auth.c - the parts of Main and Aggressive Mode that depend on the
 * authentication method (I4, RFC 2409 5.1 to 5.4), so that ike_mm.c and
 * ike_am.c read the same for all of them:
 *
 *   pre-shared key   IDx, HASH_x
 *   DSS / RSA sig.   IDx, [CERT ...], SIG_x; CR payloads with KE (MM) or
 *                    in the first two messages (AM)
 *   RSA encryption   [HASH(1)], <IDx_b>PubKey, <Nx_b>PubKey with KE, then
 *                    HASH_x alone
 *
 * Certificates are sent when the peer asked for them (a CR payload) unless
 * "ignore CR" is set; without one from the peer we use a peer certificate
 * of ipsecCertTable that its ID names.  Failures are recorded on the peer
 * through ike_sa_fail() in words for ipsecPeerLastError.
 */
#include "ike_cert.h"
#include "ike_int.h"
#include "ike_pk.h"

#include "common.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <openssl/err.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(((struct ike_ph1 *)0)->idi_b) >= IKE_CERT_ID_MAX &&
                   sizeof(((struct ike_ph1 *)0)->idr_b) >= IKE_CERT_ID_MAX &&
                   IKE_ID_BODY_MAX <= IKE_CERT_ID_MAX,
               "ID buffers");

/* The negotiated method, or the configured one before the answer. */
static uint16_t
method(const struct ike_ph1 *sa)
{
	return sa->auth ? sa->auth : sa->peer->conf.p1.auth;
}

static int
is_sig(const struct ike_ph1 *sa)
{
	uint16_t m = method(sa);

	return m == IKE_AUTH_DSS_SIG || m == IKE_AUTH_RSA_SIG;
}

int
ike_auth_pke(const struct ike_ph1 *sa)
{
	return method(sa) == IKE_AUTH_RSA_ENC;
}

enum ike_keys_auth
ike_auth_family(const struct ike_ph1 *sa)
{
	if (is_sig(sa))
		return IKE_KEYS_AUTH_SIG;
	return ike_auth_pke(sa) ? IKE_KEYS_AUTH_PKE : IKE_KEYS_AUTH_PSK;
}

static const char *
method_name(uint16_t m)
{
	switch (m) {
	case IKE_AUTH_PSK:
		return "pre-shared keys";
	case IKE_AUTH_DSS_SIG:
		return "DSS signatures";
	case IKE_AUTH_RSA_SIG:
		return "RSA signatures";
	case IKE_AUTH_RSA_ENC:
		return "RSA encryption";
	default:
		return "an unsupported method";
	}
}

/*
 * Before the first message of either role: the method must be one we
 * implement and, with certificates, our own certificate and key must fit
 * it.  -1 (SA failed, reason recorded) if not.
 */
int
ike_auth_check_conf(struct ike_ph1 *sa)
{
	uint16_t m = method(sa);
	const struct ike_pki *p = sa->peer->conf.pki;
	int kind;

	if (m == IKE_AUTH_PSK)
		return 0;
	if (m != IKE_AUTH_DSS_SIG && m != IKE_AUTH_RSA_SIG &&
	    m != IKE_AUTH_RSA_ENC) {
		ike_sa_fail(sa, "authentication method %u is not supported", m);
		return -1;
	}
	if (p == NULL) {
		ike_sa_fail(sa,
		            "%s need an own certificate with its key "
		            "(ikeProfileLocalCert)",
		            method_name(m));
		return -1;
	}
	kind = ike_pk_sig_auth(p->key);
	if ((m == IKE_AUTH_DSS_SIG) != (kind == IKE_AUTH_DSS_SIG)) {
		ike_sa_fail(sa, "the own certificate has a%s key, %s need a%s",
		            kind == IKE_AUTH_DSS_SIG ? " DSA" : "n RSA",
		            method_name(m),
		            m == IKE_AUTH_DSS_SIG ? " DSA key" : "n RSA key");
		return -1;
	}
	return 0;
}

/*
 * The certificate material may be replaced while a negotiation runs (a
 * SET pushes the peer again); if it is gone, the negotiation cannot go on.
 */
static int
need_pki(struct ike_ph1 *sa)
{
	if (sa->peer->conf.pki != NULL)
		return 0;
	ike_sa_fail(sa, "the own certificate was removed during the "
	                "negotiation");
	return -1;
}

/*
 * Our identity (I8): the configured local ID, else with certificates the
 * certificate's first alternative name or subject, else our address.
 * Also its text for the ikeSaTable.
 */
int
ike_auth_id_body(struct ike_ph1 *sa, uint8_t *body, size_t cap, size_t *len)
{
	const char *id = sa->peer->conf.p1.local_id;
	const struct ike_pki *p =
	    method(sa) != IKE_AUTH_PSK ? sa->peer->conf.pki : NULL;
	int rc;

	if (id[0] != '\0')
		rc = ike_cert_text_to_id(id, strlen(id), p ? p->cert : NULL,
		                         body, cap, len);
	else if (p != NULL)
		rc = ike_cert_default_id(p->cert, body, cap, len);
	else
		rc = ike_cert_text_to_id(inet_ntoa(sa->local.sin_addr),
		                         strlen(inet_ntoa(sa->local.sin_addr)),
		                         NULL, body, cap, len);
	if (rc == 0)
		ike_ph1_id_text(body, *len, sa->local_id, sizeof(sa->local_id));
	return rc;
}

int
ike_auth_add_cr(struct ike_ph1 *sa, struct ike_buf *b)
{
	const struct ike_pki *p = sa->peer->conf.pki;

	if (!is_sig(sa) || p == NULL || (p->flags & IKE_PKI_NO_CR))
		return 0;
	return ike_cert_add_crs(p, b);
}

void
ike_auth_take_cr(struct ike_ph1 *sa, const struct ike_msg *m)
{
	if (ike_pld_count(m, IKE_PLD_CR) > 0)
		sa->cr_seen = 1;
}

/* HASH_I or HASH_R over id_b as the peer must also compute it. */
static int
auth_hash(struct ike_ph1 *sa, int initiator, const uint8_t *id_b, size_t id_len,
          uint8_t *out)
{
	if (ike_ph1_auth_hash(sa, initiator, id_b, id_len, out) < 0) {
		ike_sa_fail(sa, "cannot compute HASH_%s",
		            initiator ? "I" : "R");
		return -1;
	}
	return 0;
}

/* After our ID: HASH_x, or [CERT ...] and SIG_x. */
int
ike_auth_add_proof(struct ike_ph1 *sa, struct ike_buf *b, int initiator,
                   const uint8_t *id_b, size_t id_len)
{
	const struct ike_pki *p = sa->peer->conf.pki;
	uint8_t hash[IKE_CRYPTO_HASH_MAX], sig[IKE_PK_MAX];
	size_t siglen = 0;
	int rc;

	if (auth_hash(sa, initiator, id_b, id_len, hash) < 0)
		return -1;
	if (!is_sig(sa)) {
		rc = ike_build_hash(b, hash, sa->keys->len);
		ike_crypto_cleanse(hash, sizeof(hash));
		return rc;
	}
	if (need_pki(sa) < 0) {
		ike_crypto_cleanse(hash, sizeof(hash));
		return -1;
	}
	if (sa->cr_seen && !(p->flags & IKE_PKI_IGNORE_CR) &&
	    ike_cert_add_certs(p, b) < 0) {
		ike_sa_fail(sa, "cannot add our certificates to the message");
		return -1;
	}
	rc = ike_pk_sign(p->key, hash, sa->keys->len, sig, &siglen);
	ike_crypto_cleanse(hash, sizeof(hash));
	if (rc < 0) {
		ike_sa_fail(sa, "cannot sign HASH_%s with our key",
		            initiator ? "I" : "R");
		return -1;
	}
	return ike_build_sig(b, sig, siglen);
}

/*
 * The peer's proof is refused: it is told (encrypted, the keys exist by
 * now) so that it stops at once, and the reason is recorded.
 */
static void refuse(struct ike_ph1 *sa, uint16_t type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
refuse(struct ike_ph1 *sa, uint16_t type, const char *fmt, ...)
{
	uint8_t spi[2 * IKE_COOKIE_LEN];
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap); // NOLINT(clang-analyzer-valist.*)
	va_end(ap);
	memcpy(spi, sa->icookie, IKE_COOKIE_LEN);
	memcpy(spi + IKE_COOKIE_LEN, sa->rcookie, IKE_COOKIE_LEN);
	if (sa->keys != NULL)
		ike_info_send(sa, type, spi, sizeof(spi), IKE_PROTO_ISAKMP);
	ike_sa_fail(sa, "%s", why);
}

/* The peer's CERT payloads: first certificate, the others, CRLs. */
struct peer_certs {
	X509 *leaf;
	STACK_OF(X509) * more;
	STACK_OF(X509_CRL) * crls;
};

static void
certs_free(struct peer_certs *c)
{
	X509_free(c->leaf);
	sk_X509_pop_free(c->more, X509_free);
	sk_X509_CRL_pop_free(c->crls, X509_CRL_free);
	memset(c, 0, sizeof(*c));
}

static void
certs_read(const struct ike_msg *m, struct peer_certs *c)
{
	unsigned int i, n = ike_pld_count(m, IKE_PLD_CERT);
	struct ike_cert ct;

	memset(c, 0, sizeof(*c));
	c->more = sk_X509_new_null();
	c->crls = sk_X509_CRL_new_null();
	for (i = 0; i < n; i++) {
		const struct ike_pld *pl = ike_pld_get(m, IKE_PLD_CERT, i);
		const unsigned char *d;

		if (ike_pld_cert(IKE_PLD_CERT, ike_pld_body(m, pl), pl->len,
		                 &ct) != IKE_PLD_OK)
			continue;
		d = ct.data;
		if (ct.encoding == IKE_CERT_X509_SIG) {
			X509 *x = d2i_X509(NULL, &d, (long)ct.len);

			if (x != NULL && c->leaf == NULL)
				c->leaf = x;
			else if (x != NULL && !sk_X509_push(c->more, x))
				X509_free(x);
		} else if (ct.encoding == IKE_CERT_CRL) {
			X509_CRL *crl = d2i_X509_CRL(NULL, &d, (long)ct.len);

			if (crl != NULL && !sk_X509_CRL_push(c->crls, crl))
				X509_CRL_free(crl);
		} else {
			gw_info("ISAKMP SA: certificate encoding %u ignored",
			        ct.encoding);
		}
	}
	ERR_clear_error();
}

/* Whether x is a peer certificate of the table marked trusted (T). */
static int
forced_trusted(const struct ike_pki *p, X509 *x)
{
	int i;

	for (i = 0; i < sk_X509_num(p->peers); i++)
		if (p->trusted != NULL && p->trusted[i] &&
		    X509_cmp(sk_X509_value(p->peers, i), x) == 0)
			return 1;
	return 0;
}

/*
 * The peer's certificate, checked: the one it sent, else one of the table
 * its ID names; chain and revocation unless forced trusted; its ID must be
 * one the certificate names.  Returns the public key (a new reference).
 */
static EVP_PKEY *
peer_key(struct ike_ph1 *sa, const struct ike_msg *m, const uint8_t *id_b,
         size_t id_len)
{
	const struct ike_pki *p = sa->peer->conf.pki;
	struct peer_certs c;
	X509 *x;
	EVP_PKEY *k = NULL;
	char why[256];
	int trusted = 0;

	certs_read(m, &c);
	x = c.leaf;
	if (x == NULL)
		x = ike_cert_peer_cert(p, id_b, id_len, NULL, NULL, &trusted);
	else
		trusted = forced_trusted(p, x);
	if (x == NULL)
		refuse(sa, IKE_N_CERTIFICATE_UNAVAILABLE,
		       "the peer sent no certificate and no peer certificate "
		       "in ipsecCertTable names its ID %s",
		       sa->remote_id);
	else if (!trusted &&
	         ike_cert_verify(p, x, c.more, c.crls, why, sizeof(why)) < 0)
		refuse(sa, IKE_N_INVALID_CERTIFICATE, "%s", why);
	else if (!ike_cert_id_matches(x, id_b, id_len))
		refuse(sa, IKE_N_INVALID_ID_INFORMATION,
		       "peer ID %s does not match its certificate",
		       sa->remote_id);
	else if ((k = X509_get_pubkey(x)) == NULL)
		refuse(sa, IKE_N_INVALID_CERTIFICATE,
		       "the peer certificate has no usable key");
	certs_free(&c);
	ERR_clear_error();
	return k;
}

static int
check_hash(struct ike_ph1 *sa, const struct ike_msg *m, int from_initiator,
           const uint8_t *id_b, size_t id_len)
{
	const struct ike_pld *h = ike_pld_get(m, IKE_PLD_HASH, 0);
	uint8_t want[IKE_CRYPTO_HASH_MAX];
	int ok;

	if (h == NULL) {
		ike_sa_fail(sa, "message without HASH payload");
		return -1;
	}
	if (auth_hash(sa, from_initiator, id_b, id_len, want) < 0)
		return -1;
	ok = h->len == sa->keys->len &&
	     ike_crypto_ct_equal(want, ike_pld_body(m, h), h->len);
	ike_crypto_cleanse(want, sizeof(want));
	if (ok)
		return 0;
	if (ike_auth_pke(sa))
		ike_sa_fail(sa,
		            "authentication failed: HASH_%s mismatch (the "
		            "peer could not decrypt our nonce)",
		            from_initiator ? "I" : "R");
	else
		ike_sa_fail(sa,
		            "authentication failed: the pre-shared keys "
		            "differ (HASH_%s mismatch)",
		            from_initiator ? "I" : "R");
	return -1;
}

/* The peer's HASH_x, or its certificate and SIG_x, over id_b. */
int
ike_auth_check_proof(struct ike_ph1 *sa, const struct ike_msg *m,
                     int from_initiator, const uint8_t *id_b, size_t id_len)
{
	const struct ike_pld *s = ike_pld_get(m, IKE_PLD_SIG, 0);
	uint8_t want[IKE_CRYPTO_HASH_MAX];
	EVP_PKEY *k;
	int ok;

	if (!is_sig(sa))
		return check_hash(sa, m, from_initiator, id_b, id_len);
	if (s == NULL) {
		ike_sa_fail(sa, "message without SIG payload");
		return -1;
	}
	if (need_pki(sa) < 0 || (k = peer_key(sa, m, id_b, id_len)) == NULL)
		return -1;
	if (ike_pk_sig_auth(k) != sa->auth) {
		refuse(sa, IKE_N_INVALID_CERTIFICATE,
		       "the peer certificate has a%s key, but %s were "
		       "negotiated",
		       ike_pk_sig_auth(k) == IKE_AUTH_DSS_SIG ? " DSA"
		                                              : "n RSA",
		       method_name(sa->auth));
		EVP_PKEY_free(k);
		return -1;
	}
	ok = auth_hash(sa, from_initiator, id_b, id_len, want) == 0 &&
	     ike_pk_verify(k, want, sa->keys->len, ike_pld_body(m, s),
	                   s->len) == 1;
	ike_crypto_cleanse(want, sizeof(want));
	EVP_PKEY_free(k);
	if (!ok && sa->state != IKE_SA_DEAD)
		refuse(sa, IKE_N_INVALID_SIGNATURE,
		       "authentication failed: the peer's signature does not "
		       "verify (SIG_%s)",
		       from_initiator ? "I" : "R");
	return ok ? 0 : -1;
}

/*
 * RSA encryption needs the peer's certificate before anything is sent:
 * the table's certificate for the configured IDs (initiator) or for the
 * ID the initiator sent (responder), checked like a received one.
 */
static X509 *
pke_peer_cert(struct ike_ph1 *sa)
{
	const struct ike_pki *p = sa->peer->conf.pki;
	char why[256];
	int trusted = 0;
	X509 *x;

	if (sa->initiator)
		x = ike_cert_peer_cert(p, NULL, 0, sa->peer->conf.ids,
		                       sa->peer->conf.address, &trusted);
	else
		x = ike_cert_peer_cert(p, sa->idi_b, sa->idi_len, NULL, NULL,
		                       &trusted);
	if (x == NULL) {
		ike_sa_fail(sa,
		            "RSA encryption needs the peer's certificate: "
		            "none of type peer in ipsecCertTable names %s",
		            sa->initiator ? (sa->peer->conf.ids[0]
		                                 ? sa->peer->conf.ids
		                                 : sa->peer->conf.address)
		                          : sa->remote_id);
		return NULL;
	}
	if (!trusted &&
	    ike_cert_verify(p, x, NULL, NULL, why, sizeof(why)) < 0) {
		ike_sa_fail(sa, "%s", why);
		return NULL;
	}
	return x;
}

/* One payload body RSA-encrypted to k (RFC 2409 5.2: the body only). */
static int
pke_payload(struct ike_buf *b, uint8_t type, EVP_PKEY *k, const uint8_t *in,
            size_t len)
{
	uint8_t ct[IKE_PK_MAX];
	size_t n = 0;

	if (ike_pk_encrypt(k, in, len, ct, &n) < 0)
		return -1;
	return ike_build_pke(b, type, ct, n);
}

/*
 * Message 3 (initiator: [HASH(1)], <IDii_b>PubKey_r, <Ni_b>PubKey_r) or 4
 * (responder: <IDir_b>PubKey_i, <Nr_b>PubKey_i), after KE.  Our ID body
 * is kept for HASH_x.
 */
int
ike_auth_pke_build(struct ike_ph1 *sa, struct ike_buf *b)
{
	const struct ike_pki *p = sa->peer->conf.pki;
	uint8_t kh[IKE_CRYPTO_HASH_MAX];
	uint8_t *id = sa->initiator ? sa->idi_b : sa->idr_b;
	size_t *idlen = sa->initiator ? &sa->idi_len : &sa->idr_len;
	EVP_PKEY *k;
	X509 *x;
	int rc = -1;

	if (need_pki(sa) < 0 || (x = pke_peer_cert(sa)) == NULL)
		return -1;
	if (ike_auth_id_body(sa, id, IKE_CERT_ID_MAX, idlen) < 0) {
		ike_sa_fail(sa, "our local ID does not fit an ID payload");
		return -1;
	}
	if (sa->initiator && !(p->flags & IKE_PKI_NO_KEY_HASH)) {
		/* Aggressive Mode has nothing negotiated yet: our first
		 * proposal's hash. */
		const struct ike_hash_alg *ha = ike_crypto_hash_by_ike(
		    sa->hash ? sa->hash : sa->peer->conf.p1.props[0].hash);

		if (ha == NULL || ike_cert_hash(ha, x, kh) < 0) {
			ike_sa_fail(sa, "cannot hash the peer certificate");
			return -1;
		}
		ike_build_hash(b, kh, ha->len);
	}
	k = X509_get_pubkey(x);
	if (k != NULL && pke_payload(b, IKE_PLD_ID, k, id, *idlen) == 0 &&
	    pke_payload(b, IKE_PLD_NONCE, k, sa->initiator ? sa->ni : sa->nr,
	                sa->initiator ? sa->ni_len : sa->nr_len) == 0)
		rc = 0;
	EVP_PKEY_free(k);
	if (rc < 0)
		ike_sa_fail(sa, "cannot encrypt our ID and nonce to the peer's "
		                "key");
	return rc;
}

/*
 * The key hash, if the peer sent one, must be our certificate's.  RFC
 * 2409 says "the negotiated hash", which Aggressive Mode does not have
 * yet, so any hash of that length that gives our certificate's is taken.
 */
static int
pke_key_hash(struct ike_ph1 *sa, const struct ike_msg *m)
{
	const struct ike_pld *h = ike_pld_get(m, IKE_PLD_HASH, 0);
	const struct ike_hash_alg *ha;
	uint8_t mine[IKE_CRYPTO_HASH_MAX];
	size_t i;

	if (h == NULL)
		return 0;
	for (i = 0; (ha = ike_crypto_hash_at(i)) != NULL; i++)
		if (ha->len == h->len &&
		    ike_cert_hash(ha, sa->peer->conf.pki->cert, mine) == 0 &&
		    memcmp(mine, ike_pld_body(m, h), h->len) == 0)
			return 0;
	ike_sa_fail(sa, "RSA encryption: the peer encrypted to another "
	                "certificate (key hash mismatch)");
	return -1;
}

/* Decrypts the body of the first payload of type into out. */
static int
pke_open(struct ike_ph1 *sa, const struct ike_msg *m, uint8_t type,
         uint8_t *out, size_t cap, size_t *len)
{
	const struct ike_pld *pl = ike_pld_get(m, type, 0);

	if (pl != NULL &&
	    ike_pk_decrypt(sa->peer->conf.pki->key, ike_pld_body(m, pl),
	                   pl->len, out, cap, len) == 0)
		return 0;
	ike_sa_fail(sa,
	            "RSA encryption: cannot decrypt the peer's %s (it "
	            "used another key)",
	            type == IKE_PLD_ID ? "ID" : "nonce");
	return -1;
}

/*
 * Message 3 or 4 with RSA encryption: the peer's ID and nonce, decrypted
 * with our key, into the SA (the nonce where ike_ph1_take_ke() leaves
 * it); the ID must be in ipsecPeerIds and, for the initiator, the one of
 * the certificate we encrypted to.
 */
int
ike_auth_pke_take(struct ike_ph1 *sa, const struct ike_msg *m)
{
	uint8_t *id = sa->initiator ? sa->idr_b : sa->idi_b;
	size_t *idlen = sa->initiator ? &sa->idr_len : &sa->idi_len;
	uint8_t *n = sa->initiator ? sa->nr : sa->ni;
	size_t *nlen = sa->initiator ? &sa->nr_len : &sa->ni_len;
	const char *ids = sa->peer->conf.ids;
	int trusted;

	if (need_pki(sa) < 0 || (!sa->initiator && pke_key_hash(sa, m) < 0) ||
	    pke_open(sa, m, IKE_PLD_ID, id, IKE_CERT_ID_MAX, idlen) < 0 ||
	    pke_open(sa, m, IKE_PLD_NONCE, n, IKE_NONCE_MAX, nlen) < 0)
		return -1;
	if (*nlen < IKE_NONCE_MIN ||
	    ike_ph1_id_text(id, *idlen, sa->remote_id, sizeof(sa->remote_id)) <
	        0) {
		ike_sa_fail(sa, "RSA encryption: malformed ID or nonce");
		return -1;
	}
	if (ids[0] != '\0' && !ike_cert_id_in_list(id, *idlen, ids)) {
		ike_sa_fail(sa, "peer ID %s is not in ipsecPeerIds",
		            sa->remote_id);
		return -1;
	}
	if (sa->initiator &&
	    !ike_cert_id_matches(ike_cert_peer_cert(sa->peer->conf.pki, NULL, 0,
	                                            ids, sa->peer->conf.address,
	                                            &trusted),
	                         id, *idlen)) {
		ike_sa_fail(sa, "peer ID %s does not match its certificate",
		            sa->remote_id);
		return -1;
	}
	return 0;
}

/* The peer that lists the ID in ipsecPeerIds (DNs compared as names). */
struct ike_peer *
ike_auth_peer_by_id(struct ike_engine *e, const uint8_t *id, size_t len)
{
	struct ike_peer *p;

	for (p = e->peers; p != NULL; p = p->next)
		if (p->conf.ids[0] != '\0' &&
		    ike_cert_id_in_list(id, len, p->conf.ids))
			return p;
	return NULL;
}
