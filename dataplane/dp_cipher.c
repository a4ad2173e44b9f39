/*
 * dp_cipher.c - the dataplane's keyed crypto contexts: one cipher and one
 * HMAC per SA direction, keyed once when the SA is installed and then only
 * re-initialised per packet (a new IV for the cipher, the same key for the
 * HMAC), so that nothing is re-keyed or allocated here on the packet path.
 * (OpenSSL 3.0's HMAC re-initialisation itself still duplicates its
 * digest state: two small allocations inside libcrypto per packet, none
 * for AES-GCM; 3.0 has no public call that avoids them.)
 *
 * OpenSSL 3 EVP does the CBC ciphers, AES-GCM (RFC 4106) and HMAC;
 * libgcrypt does Twofish-CBC.  DES, Blowfish and CAST come from OpenSSL's
 * legacy provider, loaded here once (the dataplane does not depend on the
 * IKE library that loads it for phase 1).
 */
#include "dp_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/provider.h>

#include "common.h"

static CRYPTO_ONCE init_once = CRYPTO_ONCE_STATIC_INIT;
static int init_status = -1;
static EVP_MAC *hmac_alg; /* fetched once, shared by every SA */
static OSSL_PROVIDER *prov_legacy, *prov_default;

/* Logs the oldest queued OpenSSL error (never key material), clears all. */
void
dp_crypto_error(const char *func, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		gw_err("%s: %s: %s", func, what, buf);
	} else
		gw_err("%s: %s failed", func, what);
	ERR_clear_error();
}

/* libgcrypt must be initialised once by whoever comes first. */
static int
gcry_init(void)
{
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P))
		return 0;
	if (gcry_check_version(GCRYPT_VERSION) == NULL) {
		gw_err("%s: libgcrypt %s is older than %s", __func__,
		       gcry_check_version(NULL), GCRYPT_VERSION);
		return -1;
	}
	/* No secure memory: keys live in the library contexts. */
	if (gcry_control(GCRYCTL_DISABLE_SECMEM, 0) != 0 ||
	    gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0) != 0) {
		gw_err("%s: libgcrypt initialisation failed", __func__);
		return -1;
	}
	return 0;
}

/*
 * Loading "legacy" into the default library context switches off the
 * implicit default provider, so "default" is loaded explicitly as well.
 * The providers stay loaded for the life of the process.
 */
static void
crypto_init_once(void)
{
	if ((prov_legacy = OSSL_PROVIDER_load(NULL, "legacy")) == NULL) {
		dp_crypto_error(__func__, "OpenSSL legacy provider (DES, "
		                          "Blowfish, CAST) unavailable");
		return;
	}
	if ((prov_default = OSSL_PROVIDER_load(NULL, "default")) == NULL) {
		dp_crypto_error(__func__, "OpenSSL default provider");
		return;
	}
	if ((hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL) {
		dp_crypto_error(__func__, "EVP_MAC_fetch(HMAC)");
		return;
	}
	if (gcry_init() != 0)
		return;
	init_status = 0;
}

int
dp_crypto_init(void)
{
	if (!CRYPTO_THREAD_run_once(&init_once, crypto_init_once)) {
		gw_err("%s: CRYPTO_THREAD_run_once failed", __func__);
		return -1;
	}
	return init_status;
}

/*
 * Key sizes of the variable-length ciphers (RFC 2451: Blowfish 40-448
 * bits, CAST-128 40-128 bits).  OpenSSL 3 providers do not flag variable
 * key lengths, and a fixed-length cipher must keep its own.
 */
static int
evp_key_ok(const struct dp_alg *a, const EVP_CIPHER *ci, size_t key_len)
{
	if (strcasecmp(a->cipher, "BF-CBC") == 0)
		return key_len >= 5 && key_len <= 56;
	if (strcasecmp(a->cipher, "CAST5-CBC") == 0)
		return key_len >= 5 && key_len <= 16;
	return key_len == (size_t)EVP_CIPHER_get_key_length(ci);
}

/* Checks the descriptor against what the EVP cipher really is. */
static int
evp_check(const struct dp_alg *a, const EVP_CIPHER *ci, size_t key_len)
{
	int mode = EVP_CIPHER_get_mode(ci);

	if (a->aead) {
		if (mode != EVP_CIPH_GCM_MODE || a->iv_len != DP_GCM_IV_LEN ||
		    (a->icv_len != 8 && a->icv_len != 12 && a->icv_len != 16))
			return -1;
	} else if (mode != EVP_CIPH_CBC_MODE ||
	           a->block_len != EVP_CIPHER_get_block_size(ci) ||
	           a->iv_len != EVP_CIPHER_get_iv_length(ci))
		return -1;
	return evp_key_ok(a, ci, key_len) ? 0 : -1;
}

/*
 * Keys an EVP context for one direction.  Variable-length ciphers
 * (Blowfish, CAST) need the key length set between choosing the cipher
 * and giving the key; padding is off because ESP pads itself.
 */
static int
evp_init(struct dp_cipher *c, const struct dp_alg *a, const uint8_t *key,
         int enc)
{
	size_t key_len = a->enc_key_len - (a->aead ? DP_SALT_LEN : 0);
	EVP_CIPHER *ci;
	int ok;

	if ((ci = EVP_CIPHER_fetch(NULL, a->cipher, NULL)) == NULL) {
		dp_crypto_error(__func__, a->cipher);
		return -1;
	}
	if (evp_check(a, ci, key_len) != 0) {
		gw_err("%s: %s does not match the algorithm's lengths",
		       __func__, a->cipher);
		EVP_CIPHER_free(ci);
		return -1;
	}
	c->kind = a->aead ? DP_CIPHER_GCM : DP_CIPHER_EVP_CBC;
	c->ctx = EVP_CIPHER_CTX_new();
	ok = c->ctx != NULL &&
	     EVP_CipherInit_ex2(c->ctx, ci, NULL, NULL, enc, NULL) &&
	     EVP_CIPHER_CTX_set_key_length(c->ctx, (int)key_len) &&
	     EVP_CipherInit_ex2(c->ctx, NULL, key, NULL, enc, NULL) &&
	     EVP_CIPHER_CTX_set_padding(c->ctx, 0);
	EVP_CIPHER_free(ci);
	if (!ok) {
		dp_crypto_error(__func__, a->cipher);
		return -1;
	}
	if (a->aead)
		memcpy(c->salt, key + key_len, DP_SALT_LEN);
	return 0;
}

static int
gcry_cbc_init(struct dp_cipher *c, const struct dp_alg *a, const uint8_t *key)
{
	gcry_error_t err;

	if (a->aead || a->block_len != 16 || a->iv_len != 16 ||
	    (a->enc_key_len != 16 && a->enc_key_len != 32)) {
		gw_err("%s: bad Twofish lengths", __func__);
		return -1;
	}
	c->kind = DP_CIPHER_GCRY_CBC;
	err = gcry_cipher_open(&c->gh, GCRY_CIPHER_TWOFISH,
	                       GCRY_CIPHER_MODE_CBC, 0);
	if (err != 0) {
		c->gh = NULL;
		gw_err("%s: gcry_cipher_open: %s", __func__,
		       gcry_strerror(err));
		return -1;
	}
	if ((err = gcry_cipher_setkey(c->gh, key, a->enc_key_len)) != 0) {
		gw_err("%s: gcry_cipher_setkey: %s", __func__,
		       gcry_strerror(err));
		return -1;
	}
	return 0;
}

/*
 * Keys c for one direction (enc 1: outbound) from the first enc_key_len
 * bytes of key.  An empty cipher name is ESP_NULL: the identity.
 */
int
dp_cipher_init(struct dp_cipher *c, const struct dp_alg *a, const uint8_t *key,
               int enc)
{
	memset(c, 0, sizeof(*c));
	c->block_len = a->block_len;
	c->iv_len = a->iv_len;
	c->tag_len = a->aead ? a->icv_len : 0;
	c->enc = enc != 0;
	if (a->cipher[0] == '\0') {
		if (a->aead || a->iv_len != 0 || a->enc_key_len != 0 ||
		    a->block_len > 1)
			return -1;
		c->kind = DP_CIPHER_NONE;
		return 0;
	}
	if (a->aead && a->enc_key_len <= DP_SALT_LEN)
		return -1;
	if (strcasecmp(a->cipher, "twofish-cbc") == 0)
		return gcry_cbc_init(c, a, key);
	return evp_init(c, a, key, enc);
}

/* Both libraries wipe their key schedules when freeing. */
void
dp_cipher_free(struct dp_cipher *c)
{
	EVP_CIPHER_CTX_free(c->ctx);
	if (c->gh != NULL)
		gcry_cipher_close(c->gh);
	OPENSSL_cleanse(c, sizeof(*c));
}

static int
gcry_cbc(struct dp_cipher *c, const uint8_t *iv, const uint8_t *in,
         uint8_t *out, size_t len)
{
	gcry_error_t err;

	if ((err = gcry_cipher_setiv(c->gh, iv, c->iv_len)) != 0) {
		gw_err("%s: gcry_cipher_setiv: %s", __func__,
		       gcry_strerror(err));
		return DP_E_CRYPTO;
	}
	/* libgcrypt wants NULL input for in-place operation. */
	if (c->enc)
		err =
		    gcry_cipher_encrypt(c->gh, out, len, in == out ? NULL : in,
		                        in == out ? 0 : len);
	else
		err =
		    gcry_cipher_decrypt(c->gh, out, len, in == out ? NULL : in,
		                        in == out ? 0 : len);
	if (err != 0) {
		gw_err("%s: Twofish: %s", __func__, gcry_strerror(err));
		return DP_E_CRYPTO;
	}
	return 0;
}

/*
 * One CBC pass over whole blocks after resetting only the IV; in and out
 * may be the same buffer.  The direction is the one the context was
 * keyed for.  ESP_NULL copies.
 */
int
dp_cipher_cbc(struct dp_cipher *c, const uint8_t *iv, const uint8_t *in,
              uint8_t *out, size_t len)
{
	int outl = 0;

	if (c->kind == DP_CIPHER_NONE) {
		if (in != out && len > 0)
			memmove(out, in, len);
		return 0;
	}
	if (len % c->block_len != 0 || len > INT32_MAX)
		return DP_E_MALFORMED;
	if (c->kind == DP_CIPHER_GCRY_CBC)
		return gcry_cbc(c, iv, in, out, len);
	if (c->kind != DP_CIPHER_EVP_CBC)
		return DP_E_CRYPTO;
	if (!EVP_CipherInit_ex2(c->ctx, NULL, NULL, iv, -1, NULL) ||
	    !EVP_CipherUpdate(c->ctx, out, &outl, in, (int)len) ||
	    (size_t)outl != len) {
		dp_crypto_error(__func__, "EVP_CipherUpdate");
		return DP_E_CRYPTO;
	}
	return 0;
}

/* Sets the RFC 4106 nonce (salt | explicit IV) and feeds the AAD. */
static int
gcm_start(struct dp_cipher *c, const uint8_t *iv, const uint8_t *aad,
          size_t aad_len)
{
	uint8_t nonce[DP_SALT_LEN + DP_GCM_IV_LEN];
	int outl = 0;

	memcpy(nonce, c->salt, DP_SALT_LEN);
	memcpy(nonce + DP_SALT_LEN, iv, DP_GCM_IV_LEN);
	if (!EVP_CipherInit_ex2(c->ctx, NULL, NULL, nonce, -1, NULL) ||
	    !EVP_CipherUpdate(c->ctx, NULL, &outl, aad, (int)aad_len)) {
		dp_crypto_error(__func__, "AES-GCM init");
		return DP_E_CRYPTO;
	}
	return 0;
}

/* Encrypts buf in place and writes the tag_len-byte tag. */
int
dp_cipher_gcm_seal(struct dp_cipher *c, const uint8_t *iv, const uint8_t *aad,
                   size_t aad_len, uint8_t *buf, size_t len, uint8_t *tag)
{
	int outl = 0, finl = 0;

	if (c->kind != DP_CIPHER_GCM || len > INT32_MAX)
		return DP_E_CRYPTO;
	if (gcm_start(c, iv, aad, aad_len) != 0)
		return DP_E_CRYPTO;
	if (!EVP_CipherUpdate(c->ctx, buf, &outl, buf, (int)len) ||
	    !EVP_CipherFinal_ex(c->ctx, buf + outl, &finl) ||
	    (size_t)outl + (size_t)finl != len ||
	    !EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_GET_TAG, c->tag_len,
	                         tag)) {
		dp_crypto_error(__func__, "AES-GCM encrypt");
		return DP_E_CRYPTO;
	}
	return 0;
}

/*
 * Decrypts and checks the tag; on a mismatch the unauthenticated plaintext
 * is wiped from out and DP_E_AUTH returned.
 */
int
dp_cipher_gcm_open(struct dp_cipher *c, const uint8_t *iv, const uint8_t *aad,
                   size_t aad_len, const uint8_t *in, uint8_t *out, size_t len,
                   const uint8_t *tag)
{
	uint8_t t[16];
	int outl = 0, finl = 0;

	if (c->kind != DP_CIPHER_GCM || len > INT32_MAX)
		return DP_E_CRYPTO;
	if (gcm_start(c, iv, aad, aad_len) != 0)
		return DP_E_CRYPTO;
	memcpy(t, tag, c->tag_len);
	if (!EVP_CipherUpdate(c->ctx, out, &outl, in, (int)len) ||
	    !EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_SET_TAG, c->tag_len,
	                         t)) {
		dp_crypto_error(__func__, "AES-GCM decrypt");
		return DP_E_CRYPTO;
	}
	if (EVP_CipherFinal_ex(c->ctx, out + outl, &finl) <= 0) {
		ERR_clear_error();
		OPENSSL_cleanse(out, len);
		return DP_E_AUTH;
	}
	return 0;
}

/*
 * Keys an HMAC context once.  OpenSSL 3's HMAC keeps the key when it is
 * re-initialised with a NULL key, which is what dp_mac_compute does per
 * packet (checked by test_dp_crypto against RFC 2202/4231 vectors run
 * back to back on one context).
 */
int
dp_mac_init(struct dp_mac *m, const char *digest, const uint8_t *key,
            size_t key_len, size_t icv_len)
{
	OSSL_PARAM p[2];
	EVP_MD *md;
	int size;

	memset(m, 0, sizeof(*m));
	if ((md = EVP_MD_fetch(NULL, digest, NULL)) == NULL) {
		dp_crypto_error(__func__, digest);
		return -1;
	}
	size = EVP_MD_get_size(md);
	EVP_MD_free(md);
	if (icv_len == 0 || icv_len > (size_t)size || icv_len > DP_ICV_MAX ||
	    key_len == 0) {
		gw_err("%s: %s: bad ICV or key length", __func__, digest);
		return -1;
	}
	m->icv_len = (uint16_t)icv_len;
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	                                        (char *)digest, 0);
	p[1] = OSSL_PARAM_construct_end();
	if ((m->ctx = EVP_MAC_CTX_new(hmac_alg)) == NULL ||
	    !EVP_MAC_init(m->ctx, key, key_len, p)) {
		dp_crypto_error(__func__, digest);
		return -1;
	}
	return 0;
}

void
dp_mac_free(struct dp_mac *m)
{
	EVP_MAC_CTX_free(m->ctx);
	m->ctx = NULL;
}

/* HMAC over the pieces, truncated to icv_len bytes into icv. */
int
dp_mac_compute(struct dp_mac *m, const struct dp_iov *v, size_t n, uint8_t *icv)
{
	uint8_t full[EVP_MAX_MD_SIZE];
	size_t i, outl = 0;

	if (m->ctx == NULL || !EVP_MAC_init(m->ctx, NULL, 0, NULL))
		goto fail;
	for (i = 0; i < n; i++)
		if (v[i].len > 0 && !EVP_MAC_update(m->ctx, v[i].p, v[i].len))
			goto fail;
	if (!EVP_MAC_final(m->ctx, full, &outl, sizeof(full)) ||
	    outl < m->icv_len)
		goto fail;
	memcpy(icv, full, m->icv_len);
	OPENSSL_cleanse(full, sizeof(full));
	return 0;
fail:
	dp_crypto_error(__func__, "HMAC");
	return DP_E_CRYPTO;
}
