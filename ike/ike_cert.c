/*
 * ike_cert.c - the certificate material of a peer (struct ike_pki): parsed
 * once from the DER the agent pushes and shared by reference, CERT and CR
 * payloads (RFC 2408 3.9, 3.10) and the check of a peer's certificate
 * chain with OpenSSL's X509_STORE, CRLs included.
 */
#include "ike_cert.h"

#include "common.h"
#include "ike_crypto.h"
#include "isakmp.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The deepest CA chain we send or accept. */
#define CHAIN_MAX 8

static X509 *
x509_of(const struct ike_der *d)
{
	const unsigned char *p = d->data;

	if (d->data == NULL || d->len == 0 || d->len > INT32_MAX)
		return NULL;
	return d2i_X509(NULL, &p, (long)d->len);
}

static X509_CRL *
crl_of(const struct ike_der *d)
{
	const unsigned char *p = d->data;

	if (d->data == NULL || d->len == 0 || d->len > INT32_MAX)
		return NULL;
	return d2i_X509_CRL(NULL, &p, (long)d->len);
}

/* Certificates from DER into st; what of them is named in err. */
static int
push_certs(STACK_OF(X509) * st, const struct ike_der *d, size_t n,
           const char *what, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		X509 *x = x509_of(&d[i]);

		if (x == NULL || !sk_X509_push(st, x)) {
			X509_free(x);
			snprintf(err, errlen, "%s %zu does not decode", what,
			         i + 1);
			return -1;
		}
	}
	return 0;
}

/* The parts after the own certificate and key. */
static int
pki_lists(struct ike_pki *p, const struct ike_pki_conf *c, char *err,
          size_t errlen)
{
	size_t i;

	if (push_certs(p->cas, c->cas, c->ncas, "CA certificate", err, errlen) <
	        0 ||
	    push_certs(p->peers, c->peers, c->npeers, "peer certificate", err,
	               errlen) < 0 ||
	    push_certs(p->req, c->req_cas, c->nreq_cas, "requested CA", err,
	               errlen) < 0)
		return -1;
	for (i = 0; i < c->ncrls; i++) {
		X509_CRL *crl = crl_of(&c->crls[i]);

		if (crl == NULL || !sk_X509_CRL_push(p->crls, crl)) {
			X509_CRL_free(crl);
			snprintf(err, errlen, "CRL %zu does not decode", i + 1);
			return -1;
		}
	}
	if (c->npeers > 0) {
		p->trusted = calloc(c->npeers, 1);
		if (p->trusted == NULL)
			return -1;
		if (c->trusted != NULL)
			memcpy(p->trusted, c->trusted, c->npeers);
	}
	/* Without a choice, certificate requests name every CA. */
	for (i = 0; c->nreq_cas == 0 && i < (size_t)sk_X509_num(p->cas); i++) {
		X509 *x = sk_X509_value(p->cas, (int)i);

		if (X509_up_ref(x) != 1 || !sk_X509_push(p->req, x))
			return -1;
	}
	return 0;
}

struct ike_pki *
ike_pki_new(const struct ike_pki_conf *c, char *err, size_t errlen)
{
	struct ike_pki *p;
	const unsigned char *k = c->key.data;

	snprintf(err, errlen, "out of memory");
	if (ike_crypto_init() < 0 || (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->refs = 1;
	p->flags = c->flags;
	p->cas = sk_X509_new_null();
	p->crls = sk_X509_CRL_new_null();
	p->peers = sk_X509_new_null();
	p->req = sk_X509_new_null();
	if (p->cas == NULL || p->crls == NULL || p->peers == NULL ||
	    p->req == NULL)
		goto fail;
	if ((p->cert = x509_of(&c->cert)) == NULL) {
		snprintf(err, errlen, "no usable own certificate");
		goto fail;
	}
	if (k == NULL || c->key.len == 0 || c->key.len > INT32_MAX ||
	    (p->key = d2i_AutoPrivateKey(NULL, &k, (long)c->key.len)) == NULL) {
		snprintf(err, errlen, "the private key does not decode");
		goto fail;
	}
	if (X509_check_private_key(p->cert, p->key) != 1) {
		snprintf(err, errlen,
		         "the private key does not belong to the "
		         "own certificate");
		goto fail;
	}
	if (pki_lists(p, c, err, errlen) < 0)
		goto fail;
	err[0] = '\0';
	return p;
fail:
	ERR_clear_error();
	ike_pki_unref(p);
	return NULL;
}

struct ike_pki *
ike_pki_ref(struct ike_pki *p)
{
	if (p != NULL)
		p->refs++;
	return p;
}

void
ike_pki_unref(struct ike_pki *p)
{
	if (p == NULL || --p->refs > 0)
		return;
	X509_free(p->cert);
	EVP_PKEY_free(p->key); /* OpenSSL clears private key numbers */
	sk_X509_pop_free(p->cas, X509_free);
	sk_X509_CRL_pop_free(p->crls, X509_CRL_free);
	sk_X509_pop_free(p->peers, X509_free);
	sk_X509_pop_free(p->req, X509_free);
	free(p->trusted);
	free(p);
}

/* A stored CRL is enough to check revocation; no CRL, no check (N). */
static int
verify_cb(int ok, X509_STORE_CTX *ctx)
{
	if (!ok &&
	    X509_STORE_CTX_get_error(ctx) == X509_V_ERR_UNABLE_TO_GET_CRL)
		return 1;
	return ok;
}

/* Words for the MIB (ipsecPeerLastError) for a chain error. */
static void
chain_error(int e, X509 *leaf, char *why, size_t n)
{
	char subj[160] = "?";
	unsigned char *der = NULL;
	int len = i2d_X509_NAME(X509_get_subject_name(leaf), &der);

	if (len > 0)
		ike_cert_dn_text(der, (size_t)len, subj, sizeof(subj));
	OPENSSL_free(der);
	switch (e) {
	case X509_V_ERR_CERT_REVOKED:
		snprintf(why, n, "peer certificate revoked (%s)", subj);
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		snprintf(why, n, "peer certificate expired (%s)", subj);
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		snprintf(why, n, "peer certificate not yet valid (%s)", subj);
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		snprintf(why, n,
		         "peer certificate not issued by a trusted CA (%s)",
		         subj);
		break;
	case X509_V_ERR_CRL_HAS_EXPIRED:
		snprintf(why, n,
		         "the CRL for the peer certificate has expired");
		break;
	default:
		snprintf(why, n, "peer certificate not trusted: %s (%s)",
		         X509_verify_cert_error_string(e), subj);
		break;
	}
}

int
ike_cert_verify(const struct ike_pki *p, X509 *leaf, STACK_OF(X509) * untrusted,
                STACK_OF(X509_CRL) * crls, char *why, size_t n)
{
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int i, rc = -1, e;

	snprintf(why, n, "cannot check the peer certificate (out of memory)");
	if (st == NULL || ctx == NULL)
		goto out;
	for (i = 0; i < sk_X509_num(p->cas); i++)
		X509_STORE_add_cert(st, sk_X509_value(p->cas, i));
	for (i = 0; i < sk_X509_CRL_num(p->crls); i++)
		X509_STORE_add_crl(st, sk_X509_CRL_value(p->crls, i));
	if (X509_STORE_CTX_init(ctx, st, leaf, untrusted) != 1)
		goto out;
	if (sk_X509_CRL_num(p->crls) > 0 || sk_X509_CRL_num(crls) > 0)
		X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_CRL_CHECK |
		                                  X509_V_FLAG_CRL_CHECK_ALL);
	if (crls != NULL)
		X509_STORE_CTX_set0_crls(ctx, crls);
	X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
	if (X509_verify_cert(ctx) == 1) {
		rc = 0;
		why[0] = '\0';
	} else {
		e = X509_STORE_CTX_get_error(ctx);
		chain_error(e, leaf, why, n);
	}
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return rc;
}

/* A CERT or CR payload of a certificate, CRL or name as DER. */
static int
add_der(struct ike_buf *b, uint8_t type, uint8_t enc, X509 *x, X509_CRL *crl,
        const X509_NAME *nm)
{
	unsigned char *der = NULL;
	int n = x     ? i2d_X509(x, &der)
	        : crl ? i2d_X509_CRL(crl, &der)
	              : i2d_X509_NAME(nm, &der);
	int rc = n > 0 ? ike_build_cert(b, type, enc, der, (size_t)n) : -1;

	OPENSSL_free(der);
	return rc;
}

int
ike_cert_add_crs(const struct ike_pki *p, struct ike_buf *b)
{
	int i;

	if (sk_X509_num(p->req) == 0)
		return ike_build_cert(b, IKE_PLD_CR, IKE_CERT_X509_SIG, NULL,
		                      0);
	for (i = 0; i < sk_X509_num(p->req); i++)
		if (add_der(b, IKE_PLD_CR, IKE_CERT_X509_SIG, NULL, NULL,
		            X509_get_subject_name(sk_X509_value(p->req, i))) <
		    0)
			return -1;
	return 0;
}

/* Our CA chain upwards from x, as far as our CA certificates reach. */
static int
chain_of(const struct ike_pki *p, X509 *x, X509 **out)
{
	int n = 0, i;

	while (n < CHAIN_MAX && X509_check_issued(x, x) != X509_V_OK) {
		X509 *up = NULL;

		for (i = 0; up == NULL && i < sk_X509_num(p->cas); i++)
			if (X509_check_issued(sk_X509_value(p->cas, i), x) ==
			    X509_V_OK)
				up = sk_X509_value(p->cas, i);
		if (up == NULL)
			break;
		out[n++] = x = up;
	}
	return n;
}

/* CRLs issued by a certificate of the chain. */
static int
add_crls(const struct ike_pki *p, X509 *const *chain, int n, struct ike_buf *b)
{
	int i, k;

	for (i = 0; i < sk_X509_CRL_num(p->crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(p->crls, i);

		for (k = 0; k < n; k++) {
			if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
			                  X509_get_subject_name(chain[k])) != 0)
				continue;
			if (add_der(b, IKE_PLD_CERT, IKE_CERT_CRL, NULL, crl,
			            NULL) < 0)
				return -1;
			break;
		}
	}
	return 0;
}

int
ike_cert_add_certs(const struct ike_pki *p, struct ike_buf *b)
{
	X509 *chain[CHAIN_MAX];
	int n, i;

	if (add_der(b, IKE_PLD_CERT, IKE_CERT_X509_SIG, p->cert, NULL, NULL) <
	    0)
		return -1;
	n = chain_of(p, p->cert, chain);
	for (i = 0; !(p->flags & IKE_PKI_NO_CHAINS) && i < n; i++)
		if (add_der(b, IKE_PLD_CERT, IKE_CERT_X509_SIG, chain[i], NULL,
		            NULL) < 0)
			return -1;
	if (!(p->flags & IKE_PKI_NO_CRLS) && n > 0)
		return add_crls(p, chain, n, b);
	return 0;
}

int
ike_cert_hash(const struct ike_hash_alg *h, X509 *x, uint8_t *out)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der), rc = -1;
	struct ike_crypto_iov v;

	if (n > 0) {
		v.base = der;
		v.len = (size_t)n;
		rc = ike_crypto_hash(h, &v, 1, out);
	}
	OPENSSL_free(der);
	return rc;
}
