/*
 * ike_pk.c - RSA and DSA for phase 1 (see ike_pk.h): raw signatures over
 * the IKE hash and PKCS#1 v1.5 encryption, all through EVP_PKEY_CTX with
 * no message digest set, so OpenSSL signs and verifies the given octets
 * as they are.
 */
#include "ike_pk.h"

#include "common.h"
#include "ike_crypto.h"
#include "isakmp.h"

#include <openssl/core_names.h>
#include <openssl/dsa.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <string.h>

int
ike_pk_sig_auth(const EVP_PKEY *k)
{
	if (k == NULL)
		return 0;
	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_RSA:
		return IKE_AUTH_RSA_SIG;
	case EVP_PKEY_DSA:
		return IKE_AUTH_DSS_SIG;
	default:
		return 0;
	}
}

/* The length of one DSA signature half: the octets of the group order. */
static size_t
dsa_half(const EVP_PKEY *k)
{
	BIGNUM *q = NULL;
	size_t n = 0;

	if (EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_FFC_Q, &q) == 1)
		n = (size_t)BN_num_bytes(q);
	BN_free(q);
	return n;
}

/* A context for op on k, with PKCS#1 v1.5 padding for RSA. */
static EVP_PKEY_CTX *
pk_ctx(EVP_PKEY *k, int (*init)(EVP_PKEY_CTX *), const char *what)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);

	if (ctx == NULL || init(ctx) != 1 ||
	    (EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA &&
	     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1)) {
		ike_crypto_ossl_error(__func__, what);
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* DER DSA-Sig-Value to r | s, each half octets. */
static int
dsa_der_to_raw(const uint8_t *der, size_t derlen, size_t half, uint8_t *out)
{
	const unsigned char *p = der;
	DSA_SIG *s = d2i_DSA_SIG(NULL, &p, (long)derlen);
	const BIGNUM *r = NULL, *sv = NULL;
	int rc = -1;

	if (s == NULL)
		return -1;
	DSA_SIG_get0(s, &r, &sv);
	if (BN_bn2binpad(r, out, (int)half) == (int)half &&
	    BN_bn2binpad(sv, out + half, (int)half) == (int)half)
		rc = 0;
	DSA_SIG_free(s);
	return rc;
}

/* r | s to DER; *der is OPENSSL_malloc'd. */
static int
dsa_raw_to_der(const uint8_t *sig, size_t half, unsigned char **der)
{
	DSA_SIG *s = DSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, (int)half, NULL);
	BIGNUM *sv = BN_bin2bn(sig + half, (int)half, NULL);
	int n = -1;

	if (s != NULL && r != NULL && sv != NULL && DSA_SIG_set0(s, r, sv)) {
		r = sv = NULL; /* owned by s now */
		n = i2d_DSA_SIG(s, der);
	}
	BN_free(r);
	BN_free(sv);
	DSA_SIG_free(s);
	return n;
}

int
ike_pk_sign(EVP_PKEY *key, const uint8_t *hash, size_t len, uint8_t *sig,
            size_t *siglen)
{
	int auth = ike_pk_sig_auth(key);
	EVP_PKEY_CTX *ctx;
	uint8_t der[IKE_PK_MAX + 16];
	size_t n = sizeof(der), half = 0;
	int rc = -1;

	if (auth == 0) {
		gw_err("%s: the key is neither RSA nor DSA", __func__);
		return -1;
	}
	if ((ctx = pk_ctx(key, EVP_PKEY_sign_init, "EVP_PKEY_sign_init")) ==
	    NULL)
		return -1;
	if (EVP_PKEY_sign(ctx, NULL, &n, hash, len) != 1 || n > sizeof(der) ||
	    EVP_PKEY_sign(ctx, der, &n, hash, len) != 1) {
		ike_crypto_ossl_error(__func__, "EVP_PKEY_sign");
		goto out;
	}
	if (auth == IKE_AUTH_RSA_SIG) {
		memcpy(sig, der, n);
		*siglen = n;
		rc = 0;
	} else if ((half = dsa_half(key)) > 0 && 2 * half <= IKE_PK_MAX &&
	           dsa_der_to_raw(der, n, half, sig) == 0) {
		*siglen = 2 * half;
		rc = 0;
	} else {
		gw_err("%s: cannot encode the DSA signature", __func__);
	}
out:
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

int
ike_pk_verify(EVP_PKEY *pub, const uint8_t *hash, size_t len,
              const uint8_t *sig, size_t siglen)
{
	int auth = ike_pk_sig_auth(pub);
	unsigned char *der = NULL;
	EVP_PKEY_CTX *ctx;
	size_t half;
	int rc, n;

	if (auth == 0)
		return -1;
	if (auth == IKE_AUTH_DSS_SIG) {
		half = dsa_half(pub);
		if (half == 0 || siglen != 2 * half)
			return 0;
		n = dsa_raw_to_der(sig, half, &der);
		if (n <= 0)
			return -1;
		sig = der;
		siglen = (size_t)n;
	}
	ctx = pk_ctx(pub, EVP_PKEY_verify_init, "EVP_PKEY_verify_init");
	rc = ctx == NULL ? -1
	                 : EVP_PKEY_verify(ctx, sig, siglen, hash, len) == 1;
	/* A bad signature leaves errors queued: they are the answer. */
	ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	OPENSSL_free(der);
	return rc;
}

int
ike_pk_encrypt(EVP_PKEY *pub, const uint8_t *in, size_t len, uint8_t *out,
               size_t *outlen)
{
	EVP_PKEY_CTX *ctx;
	size_t n = IKE_PK_MAX;
	int rc = -1;

	if (EVP_PKEY_get_base_id(pub) != EVP_PKEY_RSA) {
		gw_err("%s: RSA encryption needs an RSA key", __func__);
		return -1;
	}
	ctx = pk_ctx(pub, EVP_PKEY_encrypt_init, "EVP_PKEY_encrypt_init");
	if (ctx == NULL)
		return -1;
	if (EVP_PKEY_encrypt(ctx, NULL, &n, in, len) != 1 || n > IKE_PK_MAX ||
	    EVP_PKEY_encrypt(ctx, out, &n, in, len) != 1)
		ike_crypto_ossl_error(__func__, "EVP_PKEY_encrypt");
	else {
		*outlen = n;
		rc = 0;
	}
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

int
ike_pk_decrypt(EVP_PKEY *key, const uint8_t *in, size_t len, uint8_t *out,
               size_t cap, size_t *outlen)
{
	uint8_t plain[IKE_PK_MAX];
	EVP_PKEY_CTX *ctx;
	size_t n = sizeof(plain);
	int rc = -1;

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA || len > IKE_PK_MAX)
		return -1;
	ctx = pk_ctx(key, EVP_PKEY_decrypt_init, "EVP_PKEY_decrypt_init");
	if (ctx == NULL)
		return -1;
	/* Bad padding is the peer's (or an attacker's) doing: no log. */
	if (EVP_PKEY_decrypt(ctx, plain, &n, in, len) == 1 && n <= cap) {
		memcpy(out, plain, n);
		*outlen = n;
		rc = 0;
	}
	ERR_clear_error();
	ike_crypto_cleanse(plain, sizeof(plain));
	EVP_PKEY_CTX_free(ctx);
	return rc;
}
