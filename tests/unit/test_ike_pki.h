/*
 * test_ike_pki.h - a throw-away PKI for the certificate tests, made with
 * OpenSSL in the test itself: RSA and DSA keys, a CA, end-entity
 * certificates with subject alternative names, and CRLs.  Static
 * functions, included by test_ike_cert.c and test_ike_cert_xchg.c.
 */
#ifndef IPSECGW_TEST_IKE_PKI_H
#define IPSECGW_TEST_IKE_PKI_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdlib.h>
#include <string.h>

static EVP_PKEY *
tp_rsa(unsigned bits)
{
	EVP_PKEY *k = EVP_RSA_gen(bits);

	assert_non_null(k);
	return k;
}

static EVP_PKEY *
tp_dsa(unsigned bits)
{
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL);
	EVP_PKEY_CTX *kc = NULL;
	EVP_PKEY *params = NULL, *k = NULL;

	assert_non_null(pc);
	assert_int_equal(EVP_PKEY_paramgen_init(pc), 1);
	assert_int_equal(EVP_PKEY_CTX_set_dsa_paramgen_bits(pc, (int)bits), 1);
	/* As the agent makes them: q of 160 bits for DSA-1024 (RFC 2409's
	 * 40-octet signatures), 256 above. */
	assert_int_equal(
	    EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pc, bits >= 2048 ? 256 : 160),
	    1);
	assert_int_equal(EVP_PKEY_paramgen(pc, &params), 1);
	kc = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
	assert_non_null(kc);
	assert_int_equal(EVP_PKEY_keygen_init(kc), 1);
	assert_int_equal(EVP_PKEY_keygen(kc, &k), 1);
	EVP_PKEY_CTX_free(pc);
	EVP_PKEY_CTX_free(kc);
	EVP_PKEY_free(params);
	return k;
}

static void
tp_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/*
 * A certificate for key with subject O=Test, CN=cn (and san, e.g.
 * "DNS:a.test,IP:10.0.0.1", if given), valid from days_from to days_to
 * (relative to now), signed by issuer/ikey or self-signed as a CA.
 */
static X509 *
tp_cert(EVP_PKEY *key, const char *cn, const char *san, X509 *issuer,
        EVP_PKEY *ikey, long serial, long days_from, long days_to)
{
	X509 *x = X509_new();
	X509_NAME *n;

	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), days_from * 86400);
	X509_gmtime_adj(X509_getm_notAfter(x), days_to * 86400);
	X509_set_pubkey(x, key);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	                           (const unsigned char *)"Test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	                           (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	if (issuer == NULL) {
		tp_ext(x, x, NID_basic_constraints, "critical,CA:TRUE");
		tp_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign");
	}
	if (san != NULL)
		tp_ext(x, issuer ? issuer : x, NID_subject_alt_name, san);
	assert_true(X509_sign(x, ikey ? ikey : key, EVP_sha256()) > 0);
	return x;
}

/* A CRL of ca revoking the certificates in revoked (n of them). */
static X509_CRL *
tp_crl(X509 *ca, EVP_PKEY *cakey, X509 *const *revoked, int n)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();
	int i;

	assert_non_null(crl);
	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
	X509_gmtime_adj(t, 0);
	X509_CRL_set1_lastUpdate(crl, t);
	X509_gmtime_adj(t, 30L * 86400);
	X509_CRL_set1_nextUpdate(crl, t);
	for (i = 0; i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new();

		X509_REVOKED_set_serialNumber(
		    r, X509_get_serialNumber(revoked[i]));
		X509_gmtime_adj(t, 0);
		X509_REVOKED_set_revocationDate(r, t);
		X509_CRL_add0_revoked(crl, r);
	}
	X509_CRL_sort(crl);
	assert_true(X509_CRL_sign(crl, cakey, EVP_sha256()) > 0);
	ASN1_TIME_free(t);
	return crl;
}

/* DER of a certificate, CRL or private key, in a buffer to free(). */
struct tp_der {
	unsigned char *p;
	size_t len;
};

static struct tp_der
tp_der_x509(X509 *x)
{
	struct tp_der d = {NULL, 0};
	int n = i2d_X509(x, &d.p);

	assert_true(n > 0);
	d.len = (size_t)n;
	return d;
}

static struct tp_der
tp_der_crl(X509_CRL *c)
{
	struct tp_der d = {NULL, 0};
	int n = i2d_X509_CRL(c, &d.p);

	assert_true(n > 0);
	d.len = (size_t)n;
	return d;
}

static struct tp_der
tp_der_key(EVP_PKEY *k)
{
	struct tp_der d = {NULL, 0};
	int n = i2d_PrivateKey(k, &d.p);

	assert_true(n > 0);
	d.len = (size_t)n;
	return d;
}

static void
tp_der_free(struct tp_der *d)
{
	OPENSSL_free(d->p);
	d->p = NULL;
	d->len = 0;
}

#endif
