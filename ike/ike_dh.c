/*
 * ike_dh.c - Diffie-Hellman groups over OpenSSL 3 EVP_PKEY.  Groups 5 to 16
 * are OpenSSL's named RFC 3526 groups ("modp_2048"); OpenSSL has no name
 * for the RFC 2409 groups 1 and 2, so their domain parameters are built from
 * the RFC primes (BN_get_rfc2409_prime_*) with g = 2.
 */
#include "ike_dh.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "common.h"
#include "ike_crypto.h"

struct dh_desc {
	struct ike_dh_group grp; /* first: descriptors point here */
	const char *ossl_group;  /* OpenSSL group name, or NULL */
	BIGNUM *(*prime)(BIGNUM *);
};

/*
 *   id  name      type  pub  secret  OpenSSL
 *   1   modp768   MODP  96   96      RFC 2409 prime, explicit parameters
 *   2   modp1024  MODP  128  128     RFC 2409 prime, explicit parameters
 *   5   modp1536  MODP  192  192     modp_1536
 *   14  modp2048  MODP  256  256     modp_2048
 *   15  modp3072  MODP  384  384     modp_3072
 *   16  modp4096  MODP  512  512     modp_4096
 *   19  ecp256    ECP   64   32      P-256
 *   20  ecp384    ECP   96   48      P-384
 *   21  ecp521    ECP   132  66      P-521
 */
static const struct dh_desc groups[] = {
    {{1, "modp768", IKE_DH_MODP, 96, 96}, NULL, BN_get_rfc2409_prime_768},
    {{2, "modp1024", IKE_DH_MODP, 128, 128}, NULL, BN_get_rfc2409_prime_1024},
    {{5, "modp1536", IKE_DH_MODP, 192, 192}, "modp_1536", NULL},
    {{14, "modp2048", IKE_DH_MODP, 256, 256}, "modp_2048", NULL},
    {{15, "modp3072", IKE_DH_MODP, 384, 384}, "modp_3072", NULL},
    {{16, "modp4096", IKE_DH_MODP, 512, 512}, "modp_4096", NULL},
    {{19, "ecp256", IKE_DH_ECP, 64, 32}, "P-256", NULL},
    {{20, "ecp384", IKE_DH_ECP, 96, 48}, "P-384", NULL},
    {{21, "ecp521", IKE_DH_ECP, 132, 66}, "P-521", NULL},
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

struct ike_dh {
	const struct dh_desc *d;
	EVP_PKEY *key; /* own key pair, after generate */
	int have_pub;
	int have_secret;
	uint8_t pub[IKE_DH_PUB_MAX];
	uint8_t secret[IKE_DH_SECRET_MAX];
};

const struct ike_dh_group *
ike_dh_group_get(uint16_t id)
{
	size_t i;

	for (i = 0; i < NGROUPS; i++)
		if (groups[i].grp.id == id)
			return &groups[i].grp;
	return NULL;
}

const struct ike_dh_group *
ike_dh_group_at(size_t i)
{
	return i < NGROUPS ? &groups[i].grp : NULL;
}

/*
 * Pushes the explicit p and g = 2 of groups 1 and 2.  No q: OpenSSL 3.0's
 * FIPS 186-4 style key generation refuses q for these small primes; the
 * subgroup check is done in peer_modp() instead.
 */
static int
push_explicit(OSSL_PARAM_BLD *bld, const struct dh_desc *d, BIGNUM **bn)
{
	bn[0] = d->prime(NULL);
	bn[1] = BN_new();
	if (bn[0] == NULL || bn[1] == NULL || !BN_set_word(bn[1], 2) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, bn[0]) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, bn[1])) {
		ike_crypto_ossl_error(__func__, d->grp.name);
		return -1;
	}
	return 0;
}

/*
 * Builds an EVP_PKEY holding the group's domain parameters and, when pub
 * is given, a peer public key (MODP: integer; ECP: encoded point).
 */
static EVP_PKEY *
dh_fromdata(const struct dh_desc *d, const BIGNUM *ypub, const uint8_t *pt,
            size_t ptlen)
{
	OSSL_PARAM_BLD *bld;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *bn[2] = {NULL, NULL};
	int sel, ok = 0;

	if ((bld = OSSL_PARAM_BLD_new()) == NULL) {
		ike_crypto_ossl_error(__func__, "OSSL_PARAM_BLD_new");
		return NULL;
	}
	if (d->ossl_group != NULL)
		ok = OSSL_PARAM_BLD_push_utf8_string(
		    bld, OSSL_PKEY_PARAM_GROUP_NAME, d->ossl_group, 0);
	else
		ok = push_explicit(bld, d, bn) == 0;
	if (ok && ypub != NULL)
		ok = OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, ypub);
	if (ok && pt != NULL)
		ok = OSSL_PARAM_BLD_push_octet_string(
		    bld, OSSL_PKEY_PARAM_PUB_KEY, pt, ptlen);
	sel = ypub != NULL || pt != NULL ? EVP_PKEY_PUBLIC_KEY
	                                 : EVP_PKEY_KEY_PARAMETERS;
	if (!ok || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (pctx = EVP_PKEY_CTX_new_from_name(
	         NULL, d->grp.type == IKE_DH_MODP ? "DH" : "EC", NULL)) ==
	        NULL ||
	    EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, sel, params) != 1) {
		/* For a peer value this is the normal way to refuse it. */
		if (sel == EVP_PKEY_PUBLIC_KEY) {
			gw_warn("%s: %s: peer value refused: %s", __func__,
			        d->grp.name,
			        ERR_reason_error_string(ERR_peek_error()) !=
			                NULL
			            ? ERR_reason_error_string(ERR_peek_error())
			            : "import failed");
			ERR_clear_error();
		} else
			ike_crypto_ossl_error(__func__, d->grp.name);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn[0]);
	BN_free(bn[1]);
	return pkey;
}

struct ike_dh *
ike_dh_new(uint16_t id)
{
	const struct ike_dh_group *g = ike_dh_group_get(id);
	struct ike_dh *dh;

	if (g == NULL) {
		gw_err("%s: unsupported DH group %u", __func__, id);
		return NULL;
	}
	/* The once-only library set-up happens here, not in a worker. */
	if (ike_crypto_init() != 0)
		return NULL;
	if ((dh = calloc(1, sizeof(*dh))) == NULL) {
		gw_err("%s: out of memory", __func__);
		return NULL;
	}
	dh->d = (const struct dh_desc *)(const void *)g;
	return dh;
}

void
ike_dh_free(struct ike_dh *dh)
{
	if (dh == NULL)
		return;
	EVP_PKEY_free(dh->key); /* OpenSSL clears the private key */
	OPENSSL_cleanse(dh, sizeof(*dh));
	free(dh);
}

const struct ike_dh_group *
ike_dh_group(const struct ike_dh *dh)
{
	return &dh->d->grp;
}

/* MODP: the public integer, big-endian, left-padded to the prime size. */
static int
export_modp(struct ike_dh *dh)
{
	BIGNUM *y = NULL;
	int rc = 0;

	if (!EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY, &y) ||
	    BN_bn2binpad(y, dh->pub, dh->d->grp.pub_len) < 0) {
		ike_crypto_ossl_error(__func__, dh->d->grp.name);
		rc = -1;
	}
	BN_free(y);
	return rc;
}

/* ECP: OpenSSL gives 0x04 | x | y; IKE carries x | y (RFC 5903). */
static int
export_ecp(struct ike_dh *dh)
{
	uint8_t pt[1 + IKE_DH_PUB_MAX];
	size_t len = 0;

	if (!EVP_PKEY_get_octet_string_param(dh->key,
	                                     OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
	                                     pt, sizeof(pt), &len)) {
		ike_crypto_ossl_error(__func__, dh->d->grp.name);
		return -1;
	}
	if (len != 1u + dh->d->grp.pub_len || pt[0] != 0x04) {
		gw_err("%s: %s: unexpected point encoding (%zu bytes)",
		       __func__, dh->d->grp.name, len);
		return -1;
	}
	memcpy(dh->pub, pt + 1, dh->d->grp.pub_len);
	return 0;
}

/* Key generation is the first slow step; it only touches dh. */
int
ike_dh_generate(struct ike_dh *dh)
{
	EVP_PKEY *params;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	int rc;

	if (dh->key != NULL) {
		gw_err("%s: key pair already generated", __func__);
		return -1;
	}
	if ((params = dh_fromdata(dh->d, NULL, NULL, 0)) == NULL)
		return -1;
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL)) == NULL ||
	    EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_generate(ctx, &key) != 1) {
		ike_crypto_ossl_error(__func__, dh->d->grp.name);
		EVP_PKEY_CTX_free(ctx);
		EVP_PKEY_free(params);
		return -1;
	}
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(params);
	dh->key = key;
	rc = dh->d->grp.type == IKE_DH_MODP ? export_modp(dh) : export_ecp(dh);
	dh->have_pub = rc == 0;
	return rc;
}

const uint8_t *
ike_dh_public(const struct ike_dh *dh, size_t *lenp)
{
	if (!dh->have_pub)
		return NULL;
	if (lenp != NULL)
		*lenp = dh->d->grp.pub_len;
	return dh->pub;
}

/*
 * MODP peer values: 0, 1 and p - 1 give trivial secrets, anything >= p is
 * not a group element, and since every group here has a safe prime
 * p = 2q + 1 with g = 2 generating the order-q subgroup, a value with
 * y^q != 1 (mod p) cannot come from an honest peer.
 */
static int
modp_check(const struct ike_dh *dh, const BIGNUM *y, const BIGNUM *p)
{
	BN_CTX *bctx;
	BIGNUM *pm1, *q, *r;
	int rc = -1;

	if ((bctx = BN_CTX_new()) == NULL) {
		ike_crypto_ossl_error(__func__, "BN_CTX_new");
		return -1;
	}
	BN_CTX_start(bctx);
	pm1 = BN_CTX_get(bctx);
	q = BN_CTX_get(bctx);
	if ((r = BN_CTX_get(bctx)) == NULL || BN_copy(pm1, p) == NULL ||
	    !BN_sub_word(pm1, 1) || !BN_rshift1(q, pm1)) {
		ike_crypto_ossl_error(__func__, dh->d->grp.name);
		goto done;
	}
	if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0) {
		gw_warn("%s: %s: peer value out of range (0, 1, p-1 or >= p)",
		        __func__, dh->d->grp.name);
		goto done;
	}
	if (!BN_mod_exp(r, y, q, p, bctx)) {
		ike_crypto_ossl_error(__func__, dh->d->grp.name);
		goto done;
	}
	if (!BN_is_one(r)) {
		gw_warn("%s: %s: peer value outside the prime-order subgroup",
		        __func__, dh->d->grp.name);
		goto done;
	}
	rc = 0;
done:
	BN_CTX_end(bctx);
	BN_CTX_free(bctx);
	return rc;
}

/* Checks the value, then imports it with the group's parameters. */
static EVP_PKEY *
peer_modp(const struct ike_dh *dh, const uint8_t *peer, size_t len)
{
	BIGNUM *y, *p = NULL;
	EVP_PKEY *pkey = NULL;

	if ((y = BN_bin2bn(peer, (int)len, NULL)) == NULL ||
	    !EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_FFC_P, &p)) {
		ike_crypto_ossl_error(__func__, dh->d->grp.name);
		goto done;
	}
	if (modp_check(dh, y, p) == 0)
		pkey = dh_fromdata(dh->d, y, NULL, 0);
done:
	BN_free(y);
	BN_free(p);
	return pkey;
}

/* ECP peer values: x | y becomes 0x04 | x | y, decoded (on-curve) here. */
static EVP_PKEY *
peer_ecp(const struct ike_dh *dh, const uint8_t *peer, size_t len)
{
	uint8_t pt[1 + IKE_DH_PUB_MAX];

	pt[0] = 0x04;
	memcpy(pt + 1, peer, len);
	return dh_fromdata(dh->d, NULL, pt, len + 1);
}

/* OpenSSL's public key check, then the derivation padded to size. */
static int
dh_compute(struct ike_dh *dh, EVP_PKEY *peer)
{
	EVP_PKEY_CTX *chk, *ctx = NULL;
	size_t len = dh->d->grp.secret_len;
	int rc = -1;

	if ((chk = EVP_PKEY_CTX_new_from_pkey(NULL, peer, NULL)) == NULL ||
	    EVP_PKEY_public_check(chk) != 1) {
		ike_crypto_ossl_error(__func__, "peer public value invalid");
		goto done;
	}
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) != 1 ||
	    (dh->d->grp.type == IKE_DH_MODP &&
	     EVP_PKEY_CTX_set_dh_pad(ctx, 1) != 1) ||
	    EVP_PKEY_derive_set_peer(ctx, peer) != 1 ||
	    EVP_PKEY_derive(ctx, dh->secret, &len) != 1) {
		ike_crypto_ossl_error(__func__, dh->d->grp.name);
		goto done;
	}
	if (len != dh->d->grp.secret_len) {
		gw_err("%s: %s: secret is %zu bytes", __func__, dh->d->grp.name,
		       len);
		OPENSSL_cleanse(dh->secret, sizeof(dh->secret));
		goto done;
	}
	rc = 0;
done:
	EVP_PKEY_CTX_free(chk);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

/* The second slow step; like generate it only touches dh. */
int
ike_dh_derive(struct ike_dh *dh, const uint8_t *peer, size_t len)
{
	EVP_PKEY *pkey;
	int rc;

	if (dh->key == NULL) {
		gw_err("%s: no key pair yet", __func__);
		return -1;
	}
	if (dh->have_secret) {
		gw_err("%s: secret already derived", __func__);
		return -1;
	}
	if (len != dh->d->grp.pub_len) {
		gw_warn("%s: %s: peer value is %zu bytes, want %u", __func__,
		        dh->d->grp.name, len, dh->d->grp.pub_len);
		return -1;
	}
	if (dh->d->grp.type == IKE_DH_MODP)
		pkey = peer_modp(dh, peer, len);
	else
		pkey = peer_ecp(dh, peer, len);
	if (pkey == NULL)
		return -1;
	rc = dh_compute(dh, pkey);
	EVP_PKEY_free(pkey);
	dh->have_secret = rc == 0;
	return rc;
}

const uint8_t *
ike_dh_secret(const struct ike_dh *dh, size_t *lenp)
{
	if (!dh->have_secret)
		return NULL;
	if (lenp != NULL)
		*lenp = dh->d->grp.secret_len;
	return dh->secret;
}
