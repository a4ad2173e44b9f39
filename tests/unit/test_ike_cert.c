/*
 * test_ike_cert.c - the pieces of certificate authentication, each on its
 * own: the raw RSA signature IKEv1 uses (PKCS#1 v1.5 without DigestInfo,
 * checked by recovering the signed octets), DSS as r | s, RSA encryption
 * of payload bodies, identities and how certificates name them, the
 * chain check (revoked, expired, foreign CA, intermediates, CRLs), CERT
 * and CR payloads, and the decoder's RSA-ciphertext mode with every
 * truncated prefix of such a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ike_build.h"
#include "ike_cert.h"
#include "ike_pk.h"
#include "ike_pld.h"
#include "test_ike_pki.h"

#include <openssl/bn.h>
#include <openssl/dsa.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <stdio.h>

struct keys {
	EVP_PKEY *ca_key, *sub_key, *other_key, *rsa, *rsa2, *dsa1, *dsa2;
	X509 *ca, *sub, *other_ca, *leaf, *revoked, *expired, *future, *foreign,
	    *via_sub, *nosan;
	X509_CRL *crl, *old_crl;
};

static struct keys K;

static int
setup(void **state)
{
	(void)state;
	K.ca_key = tp_rsa(2048);
	K.sub_key = tp_rsa(1024);
	K.other_key = tp_rsa(1024);
	K.rsa = tp_rsa(1024);
	K.rsa2 = tp_rsa(2048);
	K.dsa1 = tp_dsa(1024);
	K.dsa2 = tp_dsa(2048);
	K.ca = tp_cert(K.ca_key, "Test CA", NULL, NULL, NULL, 1, -1, 30);
	K.other_ca =
	    tp_cert(K.other_key, "Other CA", NULL, NULL, NULL, 1, -1, 30);
	/* An intermediate CA: self-made, then re-signed by the root. */
	K.sub = tp_cert(K.sub_key, "Sub CA", NULL, NULL, NULL, 2, -1, 30);
	X509_set_issuer_name(K.sub, X509_get_subject_name(K.ca));
	assert_true(X509_sign(K.sub, K.ca_key, EVP_sha256()) > 0);
	K.leaf = tp_cert(K.rsa, "gw.test",
	                 "URI:http://x.test/,DNS:gw.test,IP:10.0.0.1,"
	                 "email:gw@x.test",
	                 K.ca, K.ca_key, 10, -1, 30);
	K.revoked = tp_cert(K.rsa, "rv.test", "DNS:rv.test", K.ca, K.ca_key, 11,
	                    -1, 30);
	K.expired = tp_cert(K.rsa, "old.test", "DNS:old.test", K.ca, K.ca_key,
	                    12, -30, -1);
	K.future = tp_cert(K.rsa, "new.test", "DNS:new.test", K.ca, K.ca_key,
	                   13, 5, 30);
	K.foreign = tp_cert(K.rsa, "gw.test", "DNS:gw.test", K.other_ca,
	                    K.other_key, 14, -1, 30);
	K.via_sub = tp_cert(K.rsa2, "sub.test", "DNS:sub.test", K.sub,
	                    K.sub_key, 15, -1, 30);
	K.nosan = tp_cert(K.dsa1, "dss.test", NULL, K.ca, K.ca_key, 16, -1, 30);
	K.crl = tp_crl(K.ca, K.ca_key, &K.revoked, 1);
	/* A CRL whose next update has passed. */
	K.old_crl = tp_crl(K.ca, K.ca_key, &K.revoked, 1);
	{
		ASN1_TIME *t = ASN1_TIME_new();

		X509_gmtime_adj(t, -2L * 86400);
		X509_CRL_set1_lastUpdate(K.old_crl, t);
		X509_gmtime_adj(t, -86400);
		X509_CRL_set1_nextUpdate(K.old_crl, t);
		assert_true(X509_CRL_sign(K.old_crl, K.ca_key, EVP_sha256()) >
		            0);
		ASN1_TIME_free(t);
	}
	return 0;
}

static int
teardown(void **state)
{
	EVP_PKEY *const k[] = {K.ca_key, K.sub_key, K.other_key, K.rsa,
	                       K.rsa2,   K.dsa1,    K.dsa2};
	X509 *const x[] = {K.ca,      K.sub,     K.other_ca, K.leaf,
	                   K.revoked, K.expired, K.future,   K.foreign,
	                   K.via_sub, K.nosan};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		EVP_PKEY_free(k[i]);
	for (i = 0; i < sizeof(x) / sizeof(x[0]); i++)
		X509_free(x[i]);
	X509_CRL_free(K.crl);
	X509_CRL_free(K.old_crl);
	return 0;
}

static void
rsa_raw_signature(void **state)
{
	uint8_t hash[32], sig[IKE_PK_MAX], rec[IKE_PK_MAX];
	size_t siglen = 0, reclen = sizeof(rec), i;
	EVP_PKEY_CTX *ctx;

	(void)state;
	for (i = 0; i < sizeof(hash); i++)
		hash[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(ike_pk_sig_auth(K.rsa), IKE_AUTH_RSA_SIG);
	assert_int_equal(ike_pk_sign(K.rsa, hash, 20, sig, &siglen), 0);
	assert_int_equal(siglen, 128);
	/* The public operation gives back exactly the 20 octets: PKCS#1
	 * type 1 padding and no DigestInfo (RSA_EMSA_PKCS1_NULL). */
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, K.rsa, NULL);
	assert_int_equal(EVP_PKEY_verify_recover_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING),
	                 1);
	assert_int_equal(
	    EVP_PKEY_verify_recover(ctx, rec, &reclen, sig, siglen), 1);
	EVP_PKEY_CTX_free(ctx);
	assert_int_equal(reclen, 20);
	assert_memory_equal(rec, hash, 20);
	assert_int_equal(ike_pk_verify(K.rsa, hash, 20, sig, siglen), 1);
	/* Another hash, a changed signature, another key: no. */
	assert_int_equal(ike_pk_verify(K.rsa, hash + 1, 20, sig, siglen), 0);
	sig[5] ^= 1;
	assert_int_equal(ike_pk_verify(K.rsa, hash, 20, sig, siglen), 0);
	sig[5] ^= 1;
	assert_int_equal(ike_pk_verify(K.rsa2, hash, 20, sig, siglen), 0);
	/* SHA2-256 sized hashes with a 2048-bit key. */
	assert_int_equal(ike_pk_sign(K.rsa2, hash, 32, sig, &siglen), 0);
	assert_int_equal(siglen, 256);
	assert_int_equal(ike_pk_verify(K.rsa2, hash, 32, sig, siglen), 1);
}

/* Checks sig (r | s, half octets each) with OpenSSL's own DER form. */
static void
assert_dsa_halves(EVP_PKEY *k, const uint8_t *hash, const uint8_t *sig,
                  size_t half)
{
	DSA_SIG *ds = DSA_SIG_new();
	unsigned char *der = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
	int n;

	assert_int_equal(DSA_SIG_set0(ds, BN_bin2bn(sig, (int)half, NULL),
	                              BN_bin2bn(sig + half, (int)half, NULL)),
	                 1);
	n = i2d_DSA_SIG(ds, &der);
	assert_true(n > 0);
	assert_int_equal(EVP_PKEY_verify_init(ctx), 1);
	assert_int_equal(EVP_PKEY_verify(ctx, der, (size_t)n, hash, 20), 1);
	EVP_PKEY_CTX_free(ctx);
	OPENSSL_free(der);
	DSA_SIG_free(ds);
}

static void
dss_signature(void **state)
{
	uint8_t hash[20], sig[IKE_PK_MAX];
	size_t siglen = 0;

	(void)state;
	memset(hash, 0x5a, sizeof(hash));
	assert_int_equal(ike_pk_sig_auth(K.dsa1), IKE_AUTH_DSS_SIG);
	/* DSA-1024: 40 octets, as RFC 2409 implementations send. */
	assert_int_equal(ike_pk_sign(K.dsa1, hash, 20, sig, &siglen), 0);
	assert_int_equal(siglen, 40);
	assert_dsa_halves(K.dsa1, hash, sig, 20);
	assert_int_equal(ike_pk_verify(K.dsa1, hash, 20, sig, 40), 1);
	assert_int_equal(ike_pk_verify(K.dsa1, hash, 20, sig, 39), 0);
	sig[39] ^= 0x80;
	assert_int_equal(ike_pk_verify(K.dsa1, hash, 20, sig, 40), 0);
	/* DSA-2048: halves as long as its q. */
	assert_int_equal(ike_pk_sign(K.dsa2, hash, 20, sig, &siglen), 0);
	assert_int_equal(siglen, 64);
	assert_dsa_halves(K.dsa2, hash, sig, siglen / 2);
	assert_int_equal(ike_pk_verify(K.dsa2, hash, 20, sig, siglen), 1);
	assert_int_equal(ike_pk_verify(K.dsa1, hash, 20, sig, siglen), 0);
}

static void
rsa_encryption(void **state)
{
	uint8_t nonce[32], ct[IKE_PK_MAX], pt[IKE_PK_MAX];
	size_t ctlen = 0, ptlen = 0;

	(void)state;
	memset(nonce, 0xa5, sizeof(nonce));
	assert_int_equal(
	    ike_pk_encrypt(K.rsa, nonce, sizeof(nonce), ct, &ctlen), 0);
	assert_int_equal(ctlen, 128);
	assert_int_equal(
	    ike_pk_decrypt(K.rsa, ct, ctlen, pt, sizeof(pt), &ptlen), 0);
	assert_int_equal(ptlen, sizeof(nonce));
	assert_memory_equal(pt, nonce, sizeof(nonce));
	/* Too small a buffer, the wrong key, garbage, a DSA key. */
	assert_int_equal(ike_pk_decrypt(K.rsa, ct, ctlen, pt, 16, &ptlen), -1);
	assert_int_equal(
	    ike_pk_decrypt(K.rsa2, ct, ctlen, pt, sizeof(pt), &ptlen), -1);
	ct[0] ^= 0xff;
	ct[64] ^= 0x01;
	assert_int_equal(
	    ike_pk_decrypt(K.rsa, ct, ctlen, pt, sizeof(pt), &ptlen), -1);
	assert_int_equal(
	    ike_pk_encrypt(K.dsa1, nonce, sizeof(nonce), ct, &ctlen), -1);
	assert_int_equal(
	    ike_pk_decrypt(K.dsa1, ct, 128, pt, sizeof(pt), &ptlen), -1);
}

static size_t
id_of(const char *s, X509 *x, uint8_t *body)
{
	size_t len = 0;

	assert_int_equal(
	    ike_cert_text_to_id(s, strlen(s), x, body, IKE_CERT_ID_MAX, &len),
	    0);
	return len;
}

static void
text_identities(void **state)
{
	uint8_t b[IKE_CERT_ID_MAX], b2[IKE_CERT_ID_MAX];
	char t[128];
	size_t n, n2;

	(void)state;
	n = id_of("10.0.0.1", NULL, b);
	assert_int_equal(n, 8);
	assert_int_equal(b[0], IKE_ID_IPV4_ADDR);
	assert_memory_equal(b + 4, "\x0a\x00\x00\x01", 4);
	n = id_of("gw.test", NULL, b);
	assert_int_equal(b[0], IKE_ID_FQDN);
	assert_memory_equal(b + 4, "gw.test", n - 4);
	n = id_of("gw@x.test", NULL, b);
	assert_int_equal(n, 4 + 9);
	assert_int_equal(b[0], IKE_ID_USER_FQDN);
	n = id_of("keyid:abc", NULL, b);
	assert_int_equal(b[0], IKE_ID_KEY_ID);
	assert_int_equal(n, 7);
	/* Both DN notations give the certificate's order, O then CN. */
	n = id_of("CN=gw.test, O=Test", NULL, b);
	n2 = id_of("/O=Test/CN=gw.test", NULL, b2);
	assert_int_equal(b[0], IKE_ID_DER_ASN1_DN);
	assert_int_equal(n, n2);
	assert_memory_equal(b, b2, n);
	assert_int_equal(ike_cert_dn_text(b + 4, n - 4, t, sizeof(t)), 0);
	assert_string_equal(t, "CN=gw.test, O=Test");
	/* Written in the "wrong" order, the certificate's order wins. */
	n = id_of("O=Test, CN=gw.test", K.leaf, b);
	assert_memory_equal(b, b2, n);
	assert_true(ike_cert_id_matches(K.leaf, b, n));
	/* Not a DN, too long for the buffer, empty. */
	assert_int_equal(ike_cert_text_to_id("=x", 2, NULL, b, sizeof(b), &n),
	                 -1);
	assert_int_equal(ike_cert_text_to_id("CN=x", 4, NULL, b, 6, &n), -1);
	assert_int_equal(ike_cert_text_to_id("", 0, NULL, b, sizeof(b), &n),
	                 -1);
	assert_int_equal(
	    ike_cert_dn_text((const uint8_t *)"\x30\x05", 2, t, sizeof(t)), -1);
}

static void
certificate_identities(void **state)
{
	uint8_t b[IKE_CERT_ID_MAX];
	size_t n = 0;
	char t[128];

	(void)state;
	/* The first name with an ID type (the URI has none). */
	assert_int_equal(ike_cert_default_id(K.leaf, b, sizeof(b), &n), 0);
	assert_int_equal(b[0], IKE_ID_FQDN);
	assert_memory_equal(b + 4, "gw.test", 7);
	/* No alternative name: the subject. */
	assert_int_equal(ike_cert_default_id(K.nosan, b, sizeof(b), &n), 0);
	assert_int_equal(b[0], IKE_ID_DER_ASN1_DN);
	assert_int_equal(ike_cert_dn_text(b + 4, n - 4, t, sizeof(t)), 0);
	assert_string_equal(t, "CN=dss.test, O=Test");
	assert_true(ike_cert_id_matches(K.nosan, b, n));
	/* Each kind of name, and what does not match. */
	assert_true(ike_cert_id_matches(K.leaf, b, id_of("GW.TEST", NULL, b)));
	assert_true(ike_cert_id_matches(K.leaf, b, id_of("10.0.0.1", NULL, b)));
	assert_true(
	    ike_cert_id_matches(K.leaf, b, id_of("gw@x.test", NULL, b)));
	assert_true(ike_cert_id_matches(K.leaf, b,
	                                id_of("CN=gw.test,O=Test", NULL, b)));
	assert_false(ike_cert_id_matches(K.leaf, b, id_of("rv.test", NULL, b)));
	assert_false(
	    ike_cert_id_matches(K.leaf, b, id_of("10.0.0.2", NULL, b)));
	assert_false(
	    ike_cert_id_matches(K.leaf, b, id_of("gw.test@x", NULL, b)));
	assert_false(
	    ike_cert_id_matches(K.leaf, b, id_of("keyid:gw.test", NULL, b)));
	assert_false(ike_cert_id_matches(K.leaf, b,
	                                 id_of("CN=rv.test, O=Test", NULL, b)));
	assert_false(ike_cert_id_matches(NULL, b, n));
	assert_false(ike_cert_id_matches(K.leaf, b, 3));
}

struct items {
	char s[8][64];
	int n;
};

static int
collect(void *arg, const char *s, size_t n)
{
	struct items *it = arg;

	snprintf(it->s[it->n++], sizeof(it->s[0]), "%.*s", (int)n, s);
	return 0;
}

static void
id_lists(void **state)
{
	struct items it = {{{0}}, 0};
	uint8_t b[IKE_CERT_ID_MAX];
	size_t n;

	(void)state;
	/* Adjacent X=Y parts form one DN; the slash form needs no help. */
	ike_cert_list_each("a.test, CN=x, O=y,10.0.0.1 ,/O=y/CN=z,u@v", collect,
	                   &it);
	assert_int_equal(it.n, 5);
	assert_string_equal(it.s[0], "a.test");
	assert_string_equal(it.s[1], "CN=x, O=y");
	assert_string_equal(it.s[2], "10.0.0.1");
	assert_string_equal(it.s[3], "/O=y/CN=z");
	assert_string_equal(it.s[4], "u@v");
	n = id_of("CN=z, O=y", NULL, b);
	assert_true(ike_cert_id_in_list(b, n, "a.test, /O=y/CN=z"));
	assert_true(ike_cert_id_in_list(b, n, "O=y,CN=z"));
	assert_false(ike_cert_id_in_list(b, n, "CN=x, O=y"));
	n = id_of("A.test", NULL, b);
	assert_true(ike_cert_id_in_list(b, n, "x, a.test"));
	assert_false(ike_cert_id_in_list(b, n, "CN=a.test"));
	n = id_of("10.0.0.1", NULL, b);
	assert_true(ike_cert_id_in_list(b, n, "CN=x, O=y,10.0.0.1"));
	assert_false(ike_cert_id_in_list(b, n, ""));
}

/* A pki with the CA (and sub), CRLs as given, own certificate leaf. */
static struct ike_pki *
pki_with(X509_CRL *crl, int with_sub, unsigned flags, X509 *peer, int trust)
{
	struct tp_der c = tp_der_x509(K.leaf), k = tp_der_key(K.rsa);
	struct tp_der ca = tp_der_x509(K.ca), sub = tp_der_x509(K.sub);
	struct tp_der cl = {NULL, 0}, pd = {NULL, 0};
	struct ike_der cas[2] = {{ca.p, ca.len}, {sub.p, sub.len}}, crls, pe;
	uint8_t t = (uint8_t)trust;
	struct ike_pki_conf pc;
	struct ike_pki *p;
	char err[128];

	memset(&pc, 0, sizeof(pc));
	pc.cert = (struct ike_der){c.p, c.len};
	pc.key = (struct ike_der){k.p, k.len};
	pc.cas = cas;
	pc.ncas = with_sub ? 2 : 1;
	if (crl != NULL) {
		cl = tp_der_crl(crl);
		crls = (struct ike_der){cl.p, cl.len};
		pc.crls = &crls;
		pc.ncrls = 1;
	}
	if (peer != NULL) {
		pd = tp_der_x509(peer);
		pe = (struct ike_der){pd.p, pd.len};
		pc.peers = &pe;
		pc.trusted = &t;
		pc.npeers = 1;
	}
	pc.flags = flags;
	p = ike_pki_new(&pc, err, sizeof(err));
	assert_non_null(p);
	tp_der_free(&c);
	tp_der_free(&k);
	tp_der_free(&ca);
	tp_der_free(&sub);
	tp_der_free(&cl);
	tp_der_free(&pd);
	return p;
}

static void
expect_verify(struct ike_pki *p, X509 *x, STACK_OF(X509) * more,
              const char *want)
{
	char why[256];
	int rc = ike_cert_verify(p, x, more, NULL, why, sizeof(why));

	if (want == NULL) {
		if (rc != 0)
			fail_msg("refused: %s", why);
		return;
	}
	assert_int_equal(rc, -1);
	if (strstr(why, want) == NULL)
		fail_msg("wanted '%s', got '%s'", want, why);
}

static void
chain_checks(void **state)
{
	struct ike_pki *p = pki_with(K.crl, 0, 0, NULL, 0);
	struct ike_pki *nocrl = pki_with(NULL, 0, 0, NULL, 0);
	struct ike_pki *old = pki_with(K.old_crl, 0, 0, NULL, 0);
	STACK_OF(X509) *more = sk_X509_new_null();
	STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
	char why[256];

	(void)state;
	expect_verify(p, K.leaf, NULL, NULL);
	expect_verify(p, K.revoked, NULL, "peer certificate revoked");
	expect_verify(p, K.expired, NULL, "peer certificate expired");
	expect_verify(p, K.future, NULL, "not yet valid");
	expect_verify(p, K.foreign, NULL, "not issued by a trusted CA");
	/* Without a CRL the CA's certificates are not checked (flag N). */
	expect_verify(nocrl, K.revoked, NULL, NULL);
	/* ... but a CRL the peer sends is used. */
	assert_int_equal(X509_CRL_up_ref(K.crl), 1);
	sk_X509_CRL_push(crls, K.crl);
	assert_int_equal(
	    ike_cert_verify(nocrl, K.revoked, NULL, crls, why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "revoked"));
	expect_verify(old, K.leaf, NULL,
	              "CRL for the peer certificate has expired");
	/* An intermediate the peer sends completes the chain. */
	expect_verify(p, K.via_sub, NULL, "not issued by a trusted CA");
	assert_int_equal(X509_up_ref(K.sub), 1);
	sk_X509_push(more, K.sub);
	expect_verify(p, K.via_sub, more, NULL);
	sk_X509_pop_free(more, X509_free);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	ike_pki_unref(p);
	ike_pki_unref(nocrl);
	ike_pki_unref(old);
}

static void
peer_table(void **state)
{
	struct ike_pki *p = pki_with(NULL, 0, 0, K.leaf, 1);
	uint8_t b[IKE_CERT_ID_MAX];
	int trusted = 0;
	size_t n;

	(void)state;
	n = id_of("gw@x.test", NULL, b);
	assert_ptr_equal(ike_cert_peer_cert(p, b, n, NULL, NULL, &trusted),
	                 sk_X509_value(p->peers, 0));
	assert_int_equal(trusted, 1);
	n = id_of("rv.test", NULL, b);
	assert_null(ike_cert_peer_cert(p, b, n, NULL, NULL, &trusted));
	/* By the configured IDs, else by the address. */
	assert_non_null(ike_cert_peer_cert(
	    p, NULL, 0, "x.test, CN=gw.test, O=Test", "10.9.9.9", &trusted));
	assert_null(
	    ike_cert_peer_cert(p, NULL, 0, "x.test", "10.0.0.1", &trusted));
	assert_non_null(
	    ike_cert_peer_cert(p, NULL, 0, "", "10.0.0.1", &trusted));
	assert_null(ike_cert_peer_cert(p, NULL, 0, "", "", &trusted));
	ike_pki_unref(p);
}

/* Parses b's message; counts CERT payloads of each encoding. */
static void
count_certs(const struct ike_buf *b, int *x509, int *crl, int *cr)
{
	struct ike_msg m;
	struct ike_cert c;
	unsigned int i;

	assert_int_equal(ike_pld_parse(&m, b->data, b->len), IKE_PLD_OK);
	*x509 = *crl = 0;
	for (i = 0; i < ike_pld_count(&m, IKE_PLD_CERT); i++) {
		const struct ike_pld *p = ike_pld_get(&m, IKE_PLD_CERT, i);

		assert_int_equal(
		    ike_pld_cert(IKE_PLD_CERT, ike_pld_body(&m, p), p->len, &c),
		    IKE_PLD_OK);
		*x509 += c.encoding == IKE_CERT_X509_SIG;
		*crl += c.encoding == IKE_CERT_CRL;
	}
	*cr = (int)ike_pld_count(&m, IKE_PLD_CR);
}

static const uint8_t ICKY[8] = {1, 2, 3, 4, 5, 6, 7, 8};

static void
cert_payloads(void **state)
{
	unsigned flags[] = {0, IKE_PKI_NO_CHAINS, IKE_PKI_NO_CRLS,
	                    IKE_PKI_NO_CHAINS | IKE_PKI_NO_CRLS};
	int want_x[] = {2, 1, 2, 1}, want_crl[] = {1, 1, 0, 0};
	struct ike_buf b;
	struct ike_msg m;
	int x, crl, cr;
	size_t i, k;

	(void)state;
	for (i = 0; i < 4; i++) {
		struct ike_pki *p = pki_with(K.crl, 1, flags[i], NULL, 0);

		ike_buf_init(&b);
		ike_build_header(&b, ICKY, NULL, IKE_XCHG_IDPROT, 0, 0);
		assert_int_equal(ike_cert_add_certs(p, &b), 0);
		assert_int_equal(ike_cert_add_crs(p, &b), 0);
		assert_int_equal(ike_build_finish(&b), 0);
		count_certs(&b, &x, &crl, &cr);
		assert_int_equal(x, want_x[i]);
		assert_int_equal(crl, want_crl[i]);
		assert_int_equal(cr, 2); /* one per CA */
		/* Every truncated prefix is refused cleanly. */
		for (k = 0; i == 0 && k < b.len; k++)
			assert_int_not_equal(ike_pld_parse(&m, b.data, k),
			                     IKE_PLD_OK);
		ike_buf_free(&b);
		ike_pki_unref(p);
	}
}

static void
cr_names_the_ca(void **state)
{
	struct ike_pki *p = pki_with(NULL, 0, 0, NULL, 0);
	unsigned char *der = NULL;
	int n = i2d_X509_NAME(X509_get_subject_name(K.ca), &der);
	const struct ike_pld *pl;
	struct ike_cert c;
	struct ike_buf b;
	struct ike_msg m;
	uint8_t h[IKE_CRYPTO_HASH_MAX], want[EVP_MAX_MD_SIZE];
	unsigned char *cder = NULL;
	unsigned int wl = 0;
	int cn;

	(void)state;
	ike_buf_init(&b);
	ike_build_header(&b, ICKY, NULL, IKE_XCHG_IDPROT, 0, 0);
	assert_int_equal(ike_cert_add_crs(p, &b), 0);
	assert_int_equal(ike_build_finish(&b), 0);
	assert_int_equal(ike_pld_parse(&m, b.data, b.len), IKE_PLD_OK);
	assert_int_equal(ike_pld_count(&m, IKE_PLD_CR), 1);
	pl = ike_pld_get(&m, IKE_PLD_CR, 0);
	assert_int_equal(
	    ike_pld_cert(IKE_PLD_CR, ike_pld_body(&m, pl), pl->len, &c),
	    IKE_PLD_OK);
	assert_int_equal(c.encoding, IKE_CERT_X509_SIG);
	assert_int_equal(c.len, (size_t)n);
	assert_memory_equal(c.data, der, c.len);
	ike_buf_free(&b);
	OPENSSL_free(der);
	/* The key hash of RSA encryption: hash of the certificate's DER. */
	cn = i2d_X509(K.leaf, &cder);
	assert_int_equal(
	    EVP_Digest(cder, (size_t)cn, want, &wl, EVP_sha1(), NULL), 1);
	assert_int_equal(ike_cert_hash(ike_crypto_hash_by_ike(2), K.leaf, h),
	                 0);
	assert_memory_equal(h, want, wl);
	OPENSSL_free(cder);
	ike_pki_unref(p);
}

static void
ciphertext_payloads(void **state)
{
	uint8_t ct[300];
	struct ike_buf b;
	struct ike_msg m;
	size_t k;

	(void)state;
	memset(ct, 0xee, sizeof(ct)); /* ID type 0xee, nonce of 300 */
	ike_buf_init(&b);
	ike_build_header(&b, ICKY, NULL, IKE_XCHG_IDPROT, 0, 0);
	ike_build_ke(&b, ct, 64);
	assert_int_equal(ike_build_pke(&b, IKE_PLD_ID, ct, 128), 0);
	assert_int_equal(ike_build_pke(&b, IKE_PLD_NONCE, ct, sizeof(ct)), 0);
	assert_int_equal(ike_build_finish(&b), 0);
	/* The strict decoder refuses it; the RSA-ciphertext mode takes it. */
	assert_int_not_equal(ike_pld_parse(&m, b.data, b.len), IKE_PLD_OK);
	assert_int_equal(ike_pld_parse_flags(&m, b.data, b.len, IKE_PLD_F_PKE),
	                 IKE_PLD_OK);
	assert_int_equal(ike_pld_get(&m, IKE_PLD_NONCE, 0)->len, sizeof(ct));
	assert_int_equal(ike_pld_get(&m, IKE_PLD_ID, 0)->len, 128);
	for (k = 0; k < b.len; k++)
		assert_int_not_equal(
		    ike_pld_parse_flags(&m, b.data, k, IKE_PLD_F_PKE),
		    IKE_PLD_OK);
	ike_buf_free(&b);
	/* Only ID and NONCE, never empty. */
	ike_buf_init(&b);
	assert_int_equal(ike_build_pke(&b, IKE_PLD_HASH, ct, 8), -1);
	ike_buf_free(&b);
	ike_buf_init(&b);
	assert_int_equal(ike_build_pke(&b, IKE_PLD_ID, ct, 0), -1);
	ike_buf_free(&b);
}

static void
pki_errors(void **state)
{
	struct tp_der c = tp_der_x509(K.leaf), k = tp_der_key(K.rsa2);
	struct ike_der bad = {(const uint8_t *)"\x30\x03\x01\x01\x00", 5};
	struct ike_pki_conf pc;
	struct ike_pki *p;
	char err[128];

	(void)state;
	memset(&pc, 0, sizeof(pc));
	pc.cert = bad;
	pc.key = (struct ike_der){k.p, k.len};
	assert_null(ike_pki_new(&pc, err, sizeof(err)));
	assert_string_equal(err, "no usable own certificate");
	pc.cert = (struct ike_der){c.p, c.len};
	assert_null(ike_pki_new(&pc, err, sizeof(err)));
	assert_string_equal(err, "the private key does not belong to the own "
	                         "certificate");
	pc.key = bad;
	assert_null(ike_pki_new(&pc, err, sizeof(err)));
	assert_string_equal(err, "the private key does not decode");
	tp_der_free(&k);
	k = tp_der_key(K.rsa);
	pc.key = (struct ike_der){k.p, k.len};
	pc.cas = &bad;
	pc.ncas = 1;
	assert_null(ike_pki_new(&pc, err, sizeof(err)));
	assert_string_equal(err, "CA certificate 1 does not decode");
	pc.ncas = 0;
	p = ike_pki_new(&pc, err, sizeof(err));
	assert_non_null(p);
	assert_ptr_equal(ike_pki_ref(p), p);
	ike_pki_unref(p);
	ike_pki_unref(p);
	ike_pki_unref(NULL);
	tp_der_free(&c);
	tp_der_free(&k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rsa_raw_signature),
	    cmocka_unit_test(dss_signature),
	    cmocka_unit_test(rsa_encryption),
	    cmocka_unit_test(text_identities),
	    cmocka_unit_test(certificate_identities),
	    cmocka_unit_test(id_lists),
	    cmocka_unit_test(chain_checks),
	    cmocka_unit_test(peer_table),
	    cmocka_unit_test(cert_payloads),
	    cmocka_unit_test(cr_names_the_ca),
	    cmocka_unit_test(ciphertext_payloads),
	    cmocka_unit_test(pki_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
