/*
 * ike_keys.c - RFC 2409 key derivation on top of ike_crypto's prf and
 * hash.  Every formula is one prf over a list of pieces, so the code reads
 * like section 5 of the RFC.
 */
#include "ike_keys.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"

/* KEYMAT for ESP with AES-256 and HMAC-SHA2-512 needs 96; leave room. */
#define KEYMAT_MAX 1024

struct ike_keys *
ike_keys_new(const struct ike_hash_alg *hash,
             const struct ike_cipher_alg *cipher, unsigned key_bits)
{
	struct ike_keys *k;

	if (hash == NULL || cipher == NULL) {
		gw_err("%s: no hash or cipher", __func__);
		return NULL;
	}
	if (key_bits == 0)
		key_bits = cipher->key_default;
	if (cipher->mode != IKE_CIPHER_CBC ||
	    !ike_crypto_cipher_key_ok(cipher, key_bits) ||
	    key_bits / 8 > IKE_CRYPTO_KEY_MAX ||
	    hash->len > IKE_CRYPTO_HASH_MAX ||
	    cipher->block_len > IKE_CRYPTO_BLOCK_MAX ||
	    cipher->block_len > hash->len) {
		gw_err("%s: %s with %u-bit key and %s unusable for phase 1",
		       __func__, cipher->name, key_bits, hash->name);
		return NULL;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		gw_err("%s: out of memory", __func__);
		return NULL;
	}
	k->hash = hash;
	k->cipher = cipher;
	k->len = hash->len;
	k->key_len = key_bits / 8;
	k->iv_len = cipher->block_len;
	return k;
}

void
ike_keys_free(struct ike_keys *k)
{
	if (k == NULL)
		return;
	ike_crypto_cleanse(k, sizeof(*k));
	free(k);
}

static struct ike_crypto_iov
iov(const void *base, size_t len)
{
	struct ike_crypto_iov v = {base, len};

	return v;
}

static int
has(struct ike_crypto_iov v)
{
	return v.base != NULL && v.len > 0;
}

/*
 * SKEYID by family (section 5):
 *   PSK: prf(pre-shared-key, Ni_b | Nr_b)
 *   SIG: prf(Ni_b | Nr_b, g^xy)
 *   PKE: prf(hash(Ni_b | Nr_b), CKY-I | CKY-R)
 */
static int
skeyid(struct ike_keys *k, const struct ike_keys_p1 *in)
{
	uint8_t key[2 * 256];
	uint8_t h[IKE_CRYPTO_HASH_MAX];
	struct ike_crypto_iov v[2];
	int rc = -1;

	switch (in->auth) {
	case IKE_KEYS_AUTH_PSK:
		if (!has(in->psk)) {
			gw_err("%s: empty pre-shared key", __func__);
			return -1;
		}
		v[0] = in->ni;
		v[1] = in->nr;
		return ike_crypto_prf(k->hash, in->psk.base, in->psk.len, v, 2,
		                      k->skeyid);
	case IKE_KEYS_AUTH_SIG:
		if (in->ni.len > 256 || in->nr.len > 256) {
			gw_err("%s: nonce longer than 256 bytes", __func__);
			return -1;
		}
		memcpy(key, in->ni.base, in->ni.len);
		memcpy(key + in->ni.len, in->nr.base, in->nr.len);
		v[0] = in->gxy;
		rc = ike_crypto_prf(k->hash, key, in->ni.len + in->nr.len, v, 1,
		                    k->skeyid);
		ike_crypto_cleanse(key, sizeof(key));
		return rc;
	case IKE_KEYS_AUTH_PKE:
		v[0] = in->ni;
		v[1] = in->nr;
		if (ike_crypto_hash(k->hash, v, 2, h) == 0) {
			v[0] = iov(in->cky_i, IKE_KEYS_COOKIE_LEN);
			v[1] = iov(in->cky_r, IKE_KEYS_COOKIE_LEN);
			rc =
			    ike_crypto_prf(k->hash, h, k->len, v, 2, k->skeyid);
		}
		ike_crypto_cleanse(h, sizeof(h));
		return rc;
	}
	gw_err("%s: unknown authentication family %d", __func__, (int)in->auth);
	return -1;
}

/*
 * Appendix B: the cipher key is the start of SKEYID_e, or when that is too
 * short, K1 | K2 | ... with K1 = prf(SKEYID_e, 0) (one zero octet) and
 * Kn = prf(SKEYID_e, Kn-1).
 */
static int
enc_key(struct ike_keys *k)
{
	uint8_t blk[IKE_CRYPTO_HASH_MAX];
	const uint8_t zero = 0;
	struct ike_crypto_iov v;
	size_t done, n;

	if (k->key_len <= k->len) {
		memcpy(k->enc_key, k->skeyid_e, k->key_len);
		return 0;
	}
	v = iov(&zero, 1);
	for (done = 0; done < k->key_len; done += n) {
		if (ike_crypto_prf(k->hash, k->skeyid_e, k->len, &v, 1, blk) !=
		    0) {
			ike_crypto_cleanse(blk, sizeof(blk));
			return -1;
		}
		n = k->key_len - done < k->len ? k->key_len - done : k->len;
		memcpy(k->enc_key + done, blk, n);
		v = iov(k->enc_key + done, k->len);
		if (n < k->len)
			break;
	}
	ike_crypto_cleanse(blk, sizeof(blk));
	return 0;
}

/*
 * The chain of section 5:
 *   SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 *   SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 *   SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
 * then the encryption key and the IV hash(g^xi | g^xr).
 */
int
ike_keys_phase1(struct ike_keys *k, const struct ike_keys_p1 *in)
{
	static const uint8_t num[3] = {0, 1, 2};
	uint8_t *const out[3] = {k->skeyid_d, k->skeyid_a, k->skeyid_e};
	uint8_t h[IKE_CRYPTO_HASH_MAX];
	struct ike_crypto_iov v[5];
	int i;

	if (!has(in->ni) || !has(in->nr) || !has(in->gxy)) {
		gw_err("%s: nonces and g^xy are required", __func__);
		return -1;
	}
	if (skeyid(k, in) != 0)
		goto fail;
	v[1] = in->gxy;
	v[2] = iov(in->cky_i, IKE_KEYS_COOKIE_LEN);
	v[3] = iov(in->cky_r, IKE_KEYS_COOKIE_LEN);
	for (i = 0; i < 3; i++) {
		v[0] = iov(i > 0 ? out[i - 1] : NULL, i > 0 ? k->len : 0);
		v[4] = iov(&num[i], 1);
		if (ike_crypto_prf(k->hash, k->skeyid, k->len, v, 5, out[i]) !=
		    0)
			goto fail;
	}
	if (enc_key(k) != 0)
		goto fail;
	if (has(in->gxi) && has(in->gxr)) {
		v[0] = in->gxi;
		v[1] = in->gxr;
		if (ike_crypto_hash(k->hash, v, 2, h) != 0)
			goto fail;
		memcpy(k->iv, h, k->iv_len);
	}
	return 0;
fail:
	gw_err("%s: phase 1 key derivation failed", __func__);
	ike_crypto_cleanse(k->skeyid, sizeof(k->skeyid));
	ike_crypto_cleanse(k->skeyid_d, sizeof(k->skeyid_d));
	ike_crypto_cleanse(k->skeyid_a, sizeof(k->skeyid_a));
	ike_crypto_cleanse(k->skeyid_e, sizeof(k->skeyid_e));
	ike_crypto_cleanse(k->enc_key, sizeof(k->enc_key));
	return -1;
}

/* Section 5: the responder's hash swaps the DH values and the cookies. */
int
ike_keys_hash_auth(const struct ike_keys *k, const struct ike_keys_p1 *in,
                   int initiator, struct ike_crypto_iov sai_b,
                   struct ike_crypto_iov id_b, uint8_t *out)
{
	struct ike_crypto_iov v[6];
	struct ike_crypto_iov ci = iov(in->cky_i, IKE_KEYS_COOKIE_LEN);
	struct ike_crypto_iov cr = iov(in->cky_r, IKE_KEYS_COOKIE_LEN);

	if (!has(in->gxi) || !has(in->gxr) || !has(sai_b) || !has(id_b)) {
		gw_err("%s: g^xi, g^xr, SAi_b and ID_b are required", __func__);
		return -1;
	}
	v[0] = initiator ? in->gxi : in->gxr;
	v[1] = initiator ? in->gxr : in->gxi;
	v[2] = initiator ? ci : cr;
	v[3] = initiator ? cr : ci;
	v[4] = sai_b;
	v[5] = id_b;
	return ike_crypto_prf(k->hash, k->skeyid, k->len, v, 6, out);
}

static void
put32(uint8_t *p, uint32_t x)
{
	p[0] = (uint8_t)(x >> 24);
	p[1] = (uint8_t)(x >> 16);
	p[2] = (uint8_t)(x >> 8);
	p[3] = (uint8_t)x;
}

/* Appendix B: the IV of every exchange after phase 1 starts fresh. */
int
ike_keys_phase2_iv(const struct ike_keys *k, const uint8_t *last_block,
                   uint32_t msgid, uint8_t *iv)
{
	uint8_t mid[4], h[IKE_CRYPTO_HASH_MAX];
	struct ike_crypto_iov v[2];

	put32(mid, msgid);
	v[0] = iov(last_block, k->iv_len);
	v[1] = iov(mid, sizeof(mid));
	if (ike_crypto_hash(k->hash, v, 2, h) != 0)
		return -1;
	memcpy(iv, h, k->iv_len);
	return 0;
}

int
ike_keys_qm_hash1(const struct ike_keys *k, uint32_t msgid,
                  struct ike_crypto_iov rest, uint8_t *out)
{
	uint8_t mid[4];
	struct ike_crypto_iov v[2];

	put32(mid, msgid);
	v[0] = iov(mid, sizeof(mid));
	v[1] = rest;
	return ike_crypto_prf(k->hash, k->skeyid_a, k->len, v, 2, out);
}

int
ike_keys_qm_hash2(const struct ike_keys *k, uint32_t msgid,
                  struct ike_crypto_iov ni_b, struct ike_crypto_iov rest,
                  uint8_t *out)
{
	uint8_t mid[4];
	struct ike_crypto_iov v[3];

	put32(mid, msgid);
	v[0] = iov(mid, sizeof(mid));
	v[1] = ni_b;
	v[2] = rest;
	return ike_crypto_prf(k->hash, k->skeyid_a, k->len, v, 3, out);
}

int
ike_keys_qm_hash3(const struct ike_keys *k, uint32_t msgid,
                  struct ike_crypto_iov ni_b, struct ike_crypto_iov nr_b,
                  uint8_t *out)
{
	const uint8_t zero = 0;
	uint8_t mid[4];
	struct ike_crypto_iov v[4];

	put32(mid, msgid);
	v[0] = iov(&zero, 1);
	v[1] = iov(mid, sizeof(mid));
	v[2] = ni_b;
	v[3] = nr_b;
	return ike_crypto_prf(k->hash, k->skeyid_a, k->len, v, 4, out);
}

/*
 * Section 5.5: each block feeds the previous one (K1 has none) in front of
 * the same seed, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b.
 */
int
ike_keys_keymat(const struct ike_keys *k, const struct ike_keys_p2 *in,
                uint8_t *out, size_t len)
{
	uint8_t spi[4], blk[IKE_CRYPTO_HASH_MAX];
	struct ike_crypto_iov v[6];
	size_t done, n;
	int rc = 0;

	if (len == 0 || len > KEYMAT_MAX || !has(in->ni) || !has(in->nr)) {
		gw_err("%s: bad KEYMAT request (%zu bytes)", __func__, len);
		return -1;
	}
	put32(spi, in->spi);
	v[0] = iov(NULL, 0);
	v[1] = in->gqm;
	v[2] = iov(&in->proto, 1);
	v[3] = iov(spi, sizeof(spi));
	v[4] = in->ni;
	v[5] = in->nr;
	for (done = 0; done < len; done += n) {
		if (ike_crypto_prf(k->hash, k->skeyid_d, k->len, v, 6, blk) !=
		    0) {
			rc = -1;
			ike_crypto_cleanse(out, len);
			break;
		}
		n = len - done < k->len ? len - done : k->len;
		memcpy(out + done, blk, n);
		v[0] = iov(out + done, k->len);
	}
	ike_crypto_cleanse(blk, sizeof(blk));
	return rc;
}
