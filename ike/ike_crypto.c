/*
 * ike_crypto.c - algorithm tables and thin wrappers over OpenSSL 3 and
 * libgcrypt.  Nothing here implements a primitive; each descriptor names the
 * library algorithm that does the work.
 */
#include "ike_crypto.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gcrypt.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "common.h"

enum crypto_lib { LIB_OPENSSL, LIB_GCRYPT };

/*
 * Hashes.  RIPEMD-160 has no IKE phase 1 number: 65001, the first
 * private-use value, is ours.  Tiger is the original Anderson/Biham
 * algorithm with the byte order of its reference code and the NESSIE
 * vectors (libgcrypt's TIGER1, not the old GnuPG byte-swapped TIGER).
 *
 *   name       IKE    AH  auth  len  block  icv  library
 *   md5        1      2   1     16   64     12   OpenSSL
 *   sha1       2      3   2     20   64     12   OpenSSL
 *   tiger      3      -   -     24   64     -    libgcrypt (TIGER1)
 *   sha2-256   4      5   5     32   64     16   OpenSSL
 *   sha2-384   5      6   6     48   128    24   OpenSSL
 *   sha2-512   6      7   7     64   128    32   OpenSSL
 *   ripemd160  65001  8   8     20   64     12   OpenSSL (legacy in < 3.0.7)
 */
struct hash_impl {
	struct ike_hash_alg alg; /* first: descriptors point here */
	const char *ossl;        /* OpenSSL digest name */
	enum crypto_lib lib;
	int gcry; /* libgcrypt GCRY_MD_* */
};

#define OSSL_HASH(name, ike, ah, auth, len, blk, icv, ossl)                    \
	{                                                                      \
		{name, ike, ah, auth, len, blk, icv, "OpenSSL"}, ossl,         \
		    LIB_OPENSSL, 0                                             \
	}

static const struct hash_impl hashes[] = {
    OSSL_HASH("md5", 1, 2, 1, 16, 64, 12, "MD5"),
    OSSL_HASH("sha1", 2, 3, 2, 20, 64, 12, "SHA1"),
    {{"tiger", 3, 0, 0, 24, 64, 0, "libgcrypt"},
     NULL,
     LIB_GCRYPT,
     GCRY_MD_TIGER1},
    OSSL_HASH("sha2-256", 4, 5, 5, 32, 64, 16, "SHA2-256"),
    OSSL_HASH("sha2-384", 5, 6, 6, 48, 128, 24, "SHA2-384"),
    OSSL_HASH("sha2-512", 6, 7, 7, 64, 128, 32, "SHA2-512"),
    OSSL_HASH("ripemd160", IKE_CRYPTO_HASH_RIPEMD160_PRIV, 8, 8, 20, 64, 12,
              "RIPEMD160"),
};

#define NHASHES (sizeof(hashes) / sizeof(hashes[0]))

/*
 * Ciphers.  Twofish has no IKE number: 65005 is the value FreeS/WAN,
 * Openswan and libreswan send, 65289 (SSH Sentinel's) is accepted too; its
 * ESP number 253 is the FreeS/WAN one.  libgcrypt has no 192-bit Twofish,
 * hence the step of 128.  AES-GCM-16 is ESP only (IKEv1 has no AEAD).
 *
 *   name          IKE    ESP  block  iv  key bits (min-max/default/step)
 *   des-cbc       1      2    8      8   64
 *   blowfish-cbc  3      7    8      8   40-448/128/8
 *   3des-cbc      5      3    8      8   192
 *   cast128-cbc   6      6    8      8   40-128/128/8
 *   aes-cbc       7      12   16     16  128-256/128/64
 *   camellia-cbc  8      22   16     16  128-256/128/64
 *   twofish-cbc   65005  253  16     16  128-256/128/128
 *   aes-gcm-16    -      20   1      8   128-256/128/64, salt 4, icv 16
 *   null          -      11   1      0   0
 */
struct cipher_impl {
	struct ike_cipher_alg alg; /* first: descriptors point here */
	const char *ossl; /* EVP name; "%u" is replaced by the key bits */
	enum crypto_lib lib;
	int gcry; /* libgcrypt GCRY_CIPHER_* */
};

#define CBC(name, ike, alias, esp, blk, kmin, kmax, kdef, kstep, lib, ossl)    \
	{                                                                      \
		{name,  ike, alias, esp,  IKE_CIPHER_CBC,                      \
		 blk,   blk, kmin,  kmax, kdef,                                \
		 kstep, 0,   0,     lib},                                      \
		    ossl, LIB_OPENSSL, 0                                       \
	}

static const struct cipher_impl ciphers[] = {
    CBC("des-cbc", 1, 0, 2, 8, 64, 64, 64, 0, "OpenSSL legacy", "DES-CBC"),
    CBC("blowfish-cbc", 3, 0, 7, 8, 40, 448, 128, 8, "OpenSSL legacy",
        "BF-CBC"),
    CBC("3des-cbc", 5, 0, 3, 8, 192, 192, 192, 0, "OpenSSL", "DES-EDE3-CBC"),
    CBC("cast128-cbc", 6, 0, 6, 8, 40, 128, 128, 8, "OpenSSL legacy",
        "CAST5-CBC"),
    CBC("aes-cbc", 7, 0, 12, 16, 128, 256, 128, 64, "OpenSSL", "AES-%u-CBC"),
    CBC("camellia-cbc", 8, 0, 22, 16, 128, 256, 128, 64, "OpenSSL",
        "CAMELLIA-%u-CBC"),
    {{"twofish-cbc", IKE_CRYPTO_ENC_TWOFISH_PRIV, IKE_CRYPTO_ENC_TWOFISH_SSH,
      IKE_CRYPTO_ESP_TWOFISH_PRIV, IKE_CIPHER_CBC, 16, 16, 128, 256, 128, 128,
      0, 0, "libgcrypt"},
     NULL,
     LIB_GCRYPT,
     GCRY_CIPHER_TWOFISH},
    {{"aes-gcm-16", 0, 0, 20, IKE_CIPHER_AEAD, 1, 8, 128, 256, 128, 64, 4, 16,
      "OpenSSL"},
     "AES-%u-GCM",
     LIB_OPENSSL,
     0},
    {{"null", 0, 0, 11, IKE_CIPHER_NULL, 1, 0, 0, 0, 0, 0, 0, 0, "none"},
     NULL,
     LIB_OPENSSL,
     0},
};

#define NCIPHERS (sizeof(ciphers) / sizeof(ciphers[0]))

/* OpenSSL keeps a key schedule per direction; libgcrypt one for both. */
struct ike_cipher_ctx {
	const struct cipher_impl *impl;
	EVP_CIPHER_CTX *enc;
	EVP_CIPHER_CTX *dec;
	gcry_cipher_hd_t gh;
	uint8_t salt[4];
};

static CRYPTO_ONCE init_once = CRYPTO_ONCE_STATIC_INIT;
static int init_status = -1;
static OSSL_PROVIDER *prov_default;
static OSSL_PROVIDER *prov_legacy;

static int default_random(void *buf, size_t len);
static ike_crypto_random_fn random_fn = default_random;

/* Logs the oldest queued OpenSSL error (or what failed) and clears them. */
void
ike_crypto_ossl_error(const char *func, const char *what)
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

/*
 * Runs once.  Loading "legacy" into the default library context disables
 * the implicit default provider, so "default" is loaded explicitly as well.
 */
static void
crypto_init_once(void)
{
	prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
	if (prov_legacy == NULL) {
		ike_crypto_ossl_error(
		    __func__, "OpenSSL legacy provider unavailable "
		              "(needed for DES, Blowfish, CAST, RIPEMD-160)");
		return;
	}
	prov_default = OSSL_PROVIDER_load(NULL, "default");
	if (prov_default == NULL) {
		ike_crypto_ossl_error(__func__,
		                      "OpenSSL default provider unavailable");
		return;
	}
	if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
		if (gcry_check_version(GCRYPT_VERSION) == NULL) {
			gw_err("%s: libgcrypt %s is older than %s", __func__,
			       gcry_check_version(NULL), GCRYPT_VERSION);
			return;
		}
		/* No secure memory: keys live in cleansed library contexts. */
		if (gcry_control(GCRYCTL_DISABLE_SECMEM, 0) != 0 ||
		    gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0) != 0) {
			gw_err("%s: libgcrypt initialisation failed", __func__);
			return;
		}
	}
	init_status = 0;
}

int
ike_crypto_init(void)
{
	if (!CRYPTO_THREAD_run_once(&init_once, crypto_init_once)) {
		gw_err("%s: CRYPTO_THREAD_run_once failed", __func__);
		return -1;
	}
	if (init_status != 0)
		gw_err("%s: crypto libraries not available", __func__);
	return init_status;
}

const struct ike_hash_alg *
ike_crypto_hash_by_ike(uint16_t ike_id)
{
	size_t i;

	for (i = 0; i < NHASHES; i++)
		if (ike_id != 0 && hashes[i].alg.ike_id == ike_id)
			return &hashes[i].alg;
	return NULL;
}

const struct ike_hash_alg *
ike_crypto_hash_by_auth(uint16_t auth_id)
{
	size_t i;

	for (i = 0; i < NHASHES; i++)
		if (auth_id != 0 && hashes[i].alg.auth_id == auth_id)
			return &hashes[i].alg;
	return NULL;
}

const struct ike_hash_alg *
ike_crypto_hash_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NHASHES; i++)
		if (strcasecmp(hashes[i].alg.name, name) == 0)
			return &hashes[i].alg;
	return NULL;
}

const struct ike_hash_alg *
ike_crypto_hash_at(size_t i)
{
	return i < NHASHES ? &hashes[i].alg : NULL;
}

const struct ike_cipher_alg *
ike_crypto_cipher_by_ike(uint16_t ike_id)
{
	size_t i;

	if (ike_id == 0)
		return NULL;
	for (i = 0; i < NCIPHERS; i++)
		if (ciphers[i].alg.ike_id == ike_id ||
		    ciphers[i].alg.ike_alias == ike_id)
			return &ciphers[i].alg;
	return NULL;
}

const struct ike_cipher_alg *
ike_crypto_cipher_by_esp(uint16_t esp_id)
{
	size_t i;

	for (i = 0; i < NCIPHERS; i++)
		if (esp_id != 0 && ciphers[i].alg.esp_id == esp_id)
			return &ciphers[i].alg;
	return NULL;
}

/*
 * AES and Camellia are named by key size ("AES-%u-CBC"); the dataplane
 * fetches the same names, so they are made in one place.  libgcrypt
 * ciphers go by their descriptor name, NULL by "".
 */
void
ike_crypto_cipher_libname(const struct ike_cipher_alg *alg, unsigned bits,
                          char *out, size_t len)
{
	const struct cipher_impl *c = (const struct cipher_impl *)alg;
	const char *pct;

	if (c->lib == LIB_GCRYPT) {
		(void)snprintf(out, len, "%s", alg->name);
		return;
	}
	if (c->ossl == NULL) {
		(void)snprintf(out, len, "%s", "");
		return;
	}
	pct = strstr(c->ossl, "%u");
	if (pct != NULL)
		(void)snprintf(out, len, "%.*s%u%s", (int)(pct - c->ossl),
		               c->ossl, bits, pct + 2);
	else
		(void)snprintf(out, len, "%s", c->ossl);
}

const char *
ike_crypto_hash_libname(const struct ike_hash_alg *alg)
{
	return ((const struct hash_impl *)alg)->ossl;
}

const struct ike_cipher_alg *
ike_crypto_cipher_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NCIPHERS; i++)
		if (strcasecmp(ciphers[i].alg.name, name) == 0)
			return &ciphers[i].alg;
	return NULL;
}

const struct ike_cipher_alg *
ike_crypto_cipher_at(size_t i)
{
	return i < NCIPHERS ? &ciphers[i].alg : NULL;
}

int
ike_crypto_cipher_key_ok(const struct ike_cipher_alg *alg, unsigned bits)
{
	if (bits < alg->key_min || bits > alg->key_max)
		return 0;
	if (alg->key_step == 0)
		return bits == alg->key_min;
	return (bits - alg->key_min) % alg->key_step == 0;
}

/* Descriptors handed out are the first member of an entry of our table. */
static const struct hash_impl *
hash_impl(const struct ike_hash_alg *alg)
{
	const struct hash_impl *h = (const struct hash_impl *)(const void *)alg;

	if (h < hashes || h >= hashes + NHASHES)
		return NULL;
	return h;
}

static const struct cipher_impl *
cipher_impl(const struct ike_cipher_alg *alg)
{
	const struct cipher_impl *c =
	    (const struct cipher_impl *)(const void *)alg;

	if (c < ciphers || c >= ciphers + NCIPHERS)
		return NULL;
	return c;
}

/*
 * libgcrypt path for hash and HMAC (Tiger): one handle, written piecewise,
 * closed (and wiped by libgcrypt) before returning.
 */
static int
gcry_digest(const struct hash_impl *h, const void *key, size_t keylen,
            const struct ike_crypto_iov *v, size_t n, uint8_t *out)
{
	gcry_md_hd_t hd;
	gcry_error_t err;
	const unsigned char *res;
	size_t i;

	err = gcry_md_open(&hd, h->gcry, key != NULL ? GCRY_MD_FLAG_HMAC : 0);
	if (err != 0) {
		gw_err("%s: gcry_md_open(%s): %s", __func__, h->alg.name,
		       gcry_strerror(err));
		return -1;
	}
	if (key != NULL && (err = gcry_md_setkey(hd, key, keylen)) != 0) {
		gw_err("%s: gcry_md_setkey(%s): %s", __func__, h->alg.name,
		       gcry_strerror(err));
		gcry_md_close(hd);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (v[i].len > 0)
			gcry_md_write(hd, v[i].base, v[i].len);
	res = gcry_md_read(hd, h->gcry);
	if (res == NULL) {
		gw_err("%s: gcry_md_read(%s) failed", __func__, h->alg.name);
		gcry_md_close(hd);
		return -1;
	}
	memcpy(out, res, h->alg.len);
	gcry_md_close(hd);
	return 0;
}

/* OpenSSL plain digest over the pieces. */
static int
ossl_hash(const struct hash_impl *h, const struct ike_crypto_iov *v, size_t n,
          uint8_t *out)
{
	EVP_MD *md;
	EVP_MD_CTX *ctx = NULL;
	unsigned int outl = 0;
	size_t i;
	int rc = -1;

	if ((md = EVP_MD_fetch(NULL, h->ossl, NULL)) == NULL) {
		ike_crypto_ossl_error(__func__, h->ossl);
		return -1;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex2(ctx, md, NULL)) {
		ike_crypto_ossl_error(__func__, "EVP_DigestInit_ex2");
		goto done;
	}
	for (i = 0; i < n; i++)
		if (v[i].len > 0 &&
		    !EVP_DigestUpdate(ctx, v[i].base, v[i].len)) {
			ike_crypto_ossl_error(__func__, "EVP_DigestUpdate");
			goto done;
		}
	if (!EVP_DigestFinal_ex(ctx, out, &outl) || outl != h->alg.len) {
		ike_crypto_ossl_error(__func__, "EVP_DigestFinal_ex");
		goto done;
	}
	rc = 0;
done:
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return rc;
}

/* OpenSSL HMAC through EVP_MAC; the MAC context is cleansed on free. */
static int
ossl_hmac(const struct hash_impl *h, const void *key, size_t keylen,
          const struct ike_crypto_iov *v, size_t n, uint8_t *out)
{
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t i, outl = 0;
	int rc = -1;

	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL) {
		ike_crypto_ossl_error(__func__, "EVP_MAC_fetch(HMAC)");
		return -1;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	                                             (char *)h->ossl, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    !EVP_MAC_init(ctx, key, keylen, params)) {
		ike_crypto_ossl_error(__func__, "EVP_MAC_init");
		goto done;
	}
	for (i = 0; i < n; i++)
		if (v[i].len > 0 && !EVP_MAC_update(ctx, v[i].base, v[i].len)) {
			ike_crypto_ossl_error(__func__, "EVP_MAC_update");
			goto done;
		}
	if (!EVP_MAC_final(ctx, out, &outl, h->alg.len) || outl != h->alg.len) {
		ike_crypto_ossl_error(__func__, "EVP_MAC_final");
		goto done;
	}
	rc = 0;
done:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

int
ike_crypto_hash(const struct ike_hash_alg *alg, const struct ike_crypto_iov *v,
                size_t n, uint8_t *out)
{
	const struct hash_impl *h = hash_impl(alg);

	if (h == NULL) {
		gw_err("%s: unknown hash descriptor", __func__);
		return -1;
	}
	if (ike_crypto_init() != 0)
		return -1;
	if (h->lib == LIB_GCRYPT)
		return gcry_digest(h, NULL, 0, v, n, out);
	return ossl_hash(h, v, n, out);
}

int
ike_crypto_prf(const struct ike_hash_alg *alg, const void *key, size_t keylen,
               const struct ike_crypto_iov *v, size_t n, uint8_t *out)
{
	const struct hash_impl *h = hash_impl(alg);

	if (h == NULL) {
		gw_err("%s: unknown hash descriptor", __func__);
		return -1;
	}
	/* IKEv1 never keys its prf with nothing; treat it as a bug. */
	if (key == NULL || keylen == 0) {
		gw_err("%s: empty prf key", __func__);
		return -1;
	}
	if (ike_crypto_init() != 0)
		return -1;
	if (h->lib == LIB_GCRYPT)
		return gcry_digest(h, key, keylen, v, n, out);
	return ossl_hmac(h, key, keylen, v, n, out);
}

/*
 * Keys one OpenSSL context for one direction.  Variable-length ciphers
 * (Blowfish, CAST) need the length set between choosing the cipher and
 * giving the key; padding is off because IKE and ESP pad themselves.
 */
static EVP_CIPHER_CTX *
ossl_cipher_ctx(const EVP_CIPHER *cipher, const uint8_t *key, size_t keylen,
                int enc)
{
	EVP_CIPHER_CTX *ctx;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL) {
		ike_crypto_ossl_error(__func__, "EVP_CIPHER_CTX_new");
		return NULL;
	}
	if (!EVP_CipherInit_ex2(ctx, cipher, NULL, NULL, enc, NULL) ||
	    !EVP_CIPHER_CTX_set_key_length(ctx, (int)keylen) ||
	    !EVP_CipherInit_ex2(ctx, NULL, key, NULL, enc, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0)) {
		ike_crypto_ossl_error(__func__, EVP_CIPHER_get0_name(cipher));
		EVP_CIPHER_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int
ossl_cipher_new(struct ike_cipher_ctx *c, const uint8_t *key, size_t keylen)
{
	char name[32];
	EVP_CIPHER *cipher;

	ike_crypto_cipher_libname(&c->impl->alg, (unsigned)keylen * 8, name,
	                          sizeof(name));
	if ((cipher = EVP_CIPHER_fetch(NULL, name, NULL)) == NULL) {
		ike_crypto_ossl_error(__func__, name);
		return -1;
	}
	c->enc = ossl_cipher_ctx(cipher, key, keylen, 1);
	c->dec =
	    c->enc != NULL ? ossl_cipher_ctx(cipher, key, keylen, 0) : NULL;
	EVP_CIPHER_free(cipher);
	return c->dec != NULL ? 0 : -1;
}

static int
gcry_cipher_new(struct ike_cipher_ctx *c, const uint8_t *key, size_t keylen)
{
	gcry_error_t err;

	err = gcry_cipher_open(&c->gh, c->impl->gcry, GCRY_CIPHER_MODE_CBC, 0);
	if (err != 0) {
		gw_err("%s: gcry_cipher_open(%s): %s", __func__,
		       c->impl->alg.name, gcry_strerror(err));
		c->gh = NULL;
		return -1;
	}
	if ((err = gcry_cipher_setkey(c->gh, key, keylen)) != 0) {
		gw_err("%s: gcry_cipher_setkey(%s): %s", __func__,
		       c->impl->alg.name, gcry_strerror(err));
		return -1;
	}
	return 0;
}

/* Checks the key length against the descriptor, then keys the library. */
struct ike_cipher_ctx *
ike_crypto_cipher_new(const struct ike_cipher_alg *alg, const uint8_t *key,
                      size_t keylen)
{
	const struct cipher_impl *impl = cipher_impl(alg);
	struct ike_cipher_ctx *c;
	size_t klen;
	int rc;

	if (impl == NULL) {
		gw_err("%s: unknown cipher descriptor", __func__);
		return NULL;
	}
	klen = keylen >= alg->salt_len ? keylen - alg->salt_len : 0;
	if (keylen < alg->salt_len || klen > IKE_CRYPTO_KEY_MAX ||
	    !ike_crypto_cipher_key_ok(alg, (unsigned)klen * 8)) {
		gw_err("%s: %s: bad key length %zu", __func__, alg->name,
		       keylen);
		return NULL;
	}
	if (ike_crypto_init() != 0)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		gw_err("%s: out of memory", __func__);
		return NULL;
	}
	c->impl = impl;
	if (alg->mode == IKE_CIPHER_NULL)
		return c;
	memcpy(c->salt, key + klen, alg->salt_len);
	if (impl->lib == LIB_GCRYPT)
		rc = gcry_cipher_new(c, key, klen);
	else
		rc = ossl_cipher_new(c, key, klen);
	if (rc != 0) {
		ike_crypto_cipher_free(c);
		return NULL;
	}
	return c;
}

void
ike_crypto_cipher_free(struct ike_cipher_ctx *c)
{
	if (c == NULL)
		return;
	/* Both libraries wipe their key schedules when freeing. */
	EVP_CIPHER_CTX_free(c->enc);
	EVP_CIPHER_CTX_free(c->dec);
	if (c->gh != NULL)
		gcry_cipher_close(c->gh);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

const struct ike_cipher_alg *
ike_crypto_cipher_alg(const struct ike_cipher_ctx *c)
{
	return &c->impl->alg;
}

/* Shared argument checks for the CBC entry points. */
static int
cbc_check(const char *func, const struct ike_cipher_ctx *c, size_t len)
{
	const struct ike_cipher_alg *alg;

	if (c == NULL) {
		gw_err("%s: no cipher context", func);
		return -1;
	}
	alg = &c->impl->alg;
	if (alg->mode == IKE_CIPHER_AEAD) {
		gw_err("%s: %s is an AEAD cipher", func, alg->name);
		return -1;
	}
	if (len % alg->block_len != 0 || len > INT_MAX) {
		gw_err("%s: %s: length %zu is not whole blocks", func,
		       alg->name, len);
		return -1;
	}
	return 0;
}

/* One pass of EVP over whole blocks after resetting the IV only. */
static int
ossl_cbc(EVP_CIPHER_CTX *ctx, const uint8_t *iv, const uint8_t *in,
         uint8_t *out, size_t len)
{
	int outl = 0, finl = 0;

	if (!EVP_CipherInit_ex2(ctx, NULL, NULL, iv, -1, NULL)) {
		ike_crypto_ossl_error(__func__, "EVP_CipherInit_ex2");
		return -1;
	}
	if (!EVP_CipherUpdate(ctx, out, &outl, in, (int)len) ||
	    !EVP_CipherFinal_ex(ctx, out + outl, &finl) ||
	    (size_t)outl + (size_t)finl != len) {
		ike_crypto_ossl_error(__func__, "EVP_CipherUpdate");
		return -1;
	}
	return 0;
}

static int
gcry_cbc(gcry_cipher_hd_t h, int enc, const uint8_t *iv, const uint8_t *in,
         uint8_t *out, size_t len, size_t ivlen)
{
	gcry_error_t err;

	if ((err = gcry_cipher_setiv(h, iv, ivlen)) != 0) {
		gw_err("%s: gcry_cipher_setiv: %s", __func__,
		       gcry_strerror(err));
		return -1;
	}
	/* libgcrypt wants NULL input for in-place operation. */
	if (enc)
		err = gcry_cipher_encrypt(h, out, len, in == out ? NULL : in,
		                          in == out ? 0 : len);
	else
		err = gcry_cipher_decrypt(h, out, len, in == out ? NULL : in,
		                          in == out ? 0 : len);
	if (err != 0) {
		gw_err("%s: gcry_cipher_%s: %s", __func__,
		       enc ? "encrypt" : "decrypt", gcry_strerror(err));
		return -1;
	}
	return 0;
}

/*
 * Runs one direction and leaves the last ciphertext block in iv.  For
 * decryption that block is input and may be overwritten in place, so it
 * is saved first.
 */
static int
cbc_run(struct ike_cipher_ctx *c, int enc, uint8_t *iv, const uint8_t *in,
        uint8_t *out, size_t len)
{
	const struct ike_cipher_alg *alg = &c->impl->alg;
	uint8_t next[IKE_CRYPTO_BLOCK_MAX];
	int rc;

	if (alg->mode == IKE_CIPHER_NULL) {
		if (in != out && len > 0)
			memmove(out, in, len);
		return 0;
	}
	if (len == 0)
		return 0;
	if (!enc)
		memcpy(next, in + len - alg->iv_len, alg->iv_len);
	if (c->impl->lib == LIB_GCRYPT)
		rc = gcry_cbc(c->gh, enc, iv, in, out, len, alg->iv_len);
	else
		rc = ossl_cbc(enc ? c->enc : c->dec, iv, in, out, len);
	if (rc != 0)
		return -1;
	memcpy(iv, enc ? out + len - alg->iv_len : next, alg->iv_len);
	return 0;
}

int
ike_crypto_cbc_encrypt(struct ike_cipher_ctx *c, uint8_t *iv, const uint8_t *in,
                       uint8_t *out, size_t len)
{
	if (cbc_check(__func__, c, len) != 0)
		return -1;
	return cbc_run(c, 1, iv, in, out, len);
}

int
ike_crypto_cbc_decrypt(struct ike_cipher_ctx *c, uint8_t *iv, const uint8_t *in,
                       uint8_t *out, size_t len)
{
	if (cbc_check(__func__, c, len) != 0)
		return -1;
	return cbc_run(c, 0, iv, in, out, len);
}

/*
 * GCM through EVP: the nonce is salt | iv (12 bytes, the EVP default), the
 * AAD goes in with a NULL output, the tag is read or set by parameter.
 */
static int
aead_run(struct ike_cipher_ctx *c, int enc, const uint8_t *iv,
         const uint8_t *aad, size_t aadlen, const uint8_t *in, uint8_t *out,
         size_t len, uint8_t *icv)
{
	const struct ike_cipher_alg *alg = &c->impl->alg;
	EVP_CIPHER_CTX *ctx = enc ? c->enc : c->dec;
	uint8_t nonce[12];
	OSSL_PARAM params[2];
	int outl = 0, finl = 0;

	if (alg->mode != IKE_CIPHER_AEAD || len > INT_MAX || aadlen > INT_MAX) {
		gw_err("%s: %s: not AEAD or too long", __func__, alg->name);
		return -1;
	}
	memcpy(nonce, c->salt, alg->salt_len);
	memcpy(nonce + alg->salt_len, iv, alg->iv_len);
	params[0] = OSSL_PARAM_construct_octet_string(
	    OSSL_CIPHER_PARAM_AEAD_TAG, icv, alg->icv_len);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_CipherInit_ex2(ctx, NULL, NULL, nonce, -1, NULL) ||
	    (aadlen > 0 &&
	     !EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)aadlen)) ||
	    (len > 0 && !EVP_CipherUpdate(ctx, out, &outl, in, (int)len))) {
		ike_crypto_ossl_error(__func__, "EVP_CipherUpdate");
		return -1;
	}
	if (!enc && !EVP_CIPHER_CTX_set_params(ctx, params)) {
		ike_crypto_ossl_error(__func__, "set AEAD tag");
		return -1;
	}
	if (!EVP_CipherFinal_ex(ctx, out + (len > 0 ? outl : 0), &finl)) {
		/* A bad tag is the peer's problem, not a library error. */
		ERR_clear_error();
		if (enc)
			gw_err("%s: %s: EVP_CipherFinal_ex failed", __func__,
			       alg->name);
		return -1;
	}
	if (enc && !EVP_CIPHER_CTX_get_params(ctx, params)) {
		ike_crypto_ossl_error(__func__, "get AEAD tag");
		return -1;
	}
	return 0;
}

int
ike_crypto_aead_seal(struct ike_cipher_ctx *c, const uint8_t *iv,
                     const uint8_t *aad, size_t aadlen, const uint8_t *in,
                     uint8_t *out, size_t len, uint8_t *icv)
{
	if (c == NULL) {
		gw_err("%s: no cipher context", __func__);
		return -1;
	}
	return aead_run(c, 1, iv, aad, aadlen, in, out, len, icv);
}

int
ike_crypto_aead_open(struct ike_cipher_ctx *c, const uint8_t *iv,
                     const uint8_t *aad, size_t aadlen, const uint8_t *in,
                     uint8_t *out, size_t len, const uint8_t *icv)
{
	uint8_t tag[16];

	if (c == NULL || c->impl->alg.icv_len > sizeof(tag)) {
		gw_err("%s: no AEAD cipher context", __func__);
		return -1;
	}
	memcpy(tag, icv, c->impl->alg.icv_len);
	if (aead_run(c, 0, iv, aad, aadlen, in, out, len, tag) != 0) {
		/* Never hand out plaintext that failed authentication. */
		if (len > 0)
			OPENSSL_cleanse(out, len);
		gw_debug("%s: %s: ICV mismatch", __func__, c->impl->alg.name);
		return -1;
	}
	return 0;
}

int
ike_crypto_ct_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

void
ike_crypto_cleanse(void *p, size_t len)
{
	if (p != NULL && len > 0)
		OPENSSL_cleanse(p, len);
}

/* RAND_bytes takes an int: feed it in bounded pieces. */
static int
default_random(void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t chunk;

	if (ike_crypto_init() != 0)
		return -1;
	while (len > 0) {
		chunk = len > 65536 ? 65536 : len;
		if (RAND_bytes(p, (int)chunk) != 1) {
			ike_crypto_ossl_error(__func__, "RAND_bytes");
			return -1;
		}
		p += chunk;
		len -= chunk;
	}
	return 0;
}

int
ike_crypto_random(void *buf, size_t len)
{
	if (random_fn(buf, len) != 0) {
		gw_err("%s: no random bytes", __func__);
		return -1;
	}
	return 0;
}

ike_crypto_random_fn
ike_crypto_set_random(ike_crypto_random_fn fn)
{
	ike_crypto_random_fn old = random_fn;

	random_fn = fn != NULL ? fn : default_random;
	return old;
}
