/*
 * ike_crypto.h - the algorithms of the IKEv1 engine behind one small,
 * table-driven interface: hashes and their HMAC (the IKEv1 prf), CBC block
 * ciphers without padding, AES-GCM for ESP, constant-time comparison,
 * cleansing and a replaceable random source.
 *
 * Every primitive comes from a library: OpenSSL 3 (default provider, plus the
 * legacy provider for DES, Blowfish, CAST-128 and RIPEMD-160) and libgcrypt
 * (Twofish, Tiger).  docs/algorithms.md lists the numbers used on the wire,
 * including the private-use values chosen for RIPEMD-160 and Twofish.
 *
 * All functions return 0 on success and -1 on failure after logging the
 * reason with the function name; key material is never logged.
 */
#ifndef IPSECGW_IKE_CRYPTO_H
#define IPSECGW_IKE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* Sizes callers may use for stack buffers. */
#define IKE_CRYPTO_HASH_MAX  64 /* SHA2-512 */
#define IKE_CRYPTO_BLOCK_MAX 16 /* AES, Camellia, Twofish */
#define IKE_CRYPTO_KEY_MAX   56 /* Blowfish 448 bits; AES-256-GCM is 36 */

/* Private-use values (RFC 2409 App. A, 65001-65535), see docs/algorithms.md */
#define IKE_CRYPTO_HASH_RIPEMD160_PRIV 65001
#define IKE_CRYPTO_ENC_TWOFISH_PRIV    65005
#define IKE_CRYPTO_ENC_TWOFISH_SSH     65289
#define IKE_CRYPTO_ESP_TWOFISH_PRIV    253

/* One piece of a concatenated input: prf(K, a | b | c) takes three. */
struct ike_crypto_iov {
	const void *base;
	size_t len;
};

/*
 * A hash and its HMAC.  IKEv1 uses HMAC with the negotiated hash as prf
 * (RFC 2409 section 5); the same descriptor gives the IPsec numbers.
 * Values of 0 mean "not defined for this use".
 */
struct ike_hash_alg {
	const char *name;   /* short name used in configuration */
	uint16_t ike_id;    /* phase 1 Hash Algorithm attribute */
	uint16_t ah_id;     /* IPsec DOI AH transform ID */
	uint16_t auth_id;   /* IPsec DOI Authentication Algorithm attribute */
	uint16_t len;       /* digest length = prf output length, bytes */
	uint16_t block_len; /* hash block length (HMAC key padding), bytes */
	uint16_t icv_len;   /* truncated HMAC length in AH and ESP, bytes */
	const char *lib;    /* "OpenSSL" or "libgcrypt" */
};

enum ike_cipher_mode {
	IKE_CIPHER_CBC = 1, /* block cipher in CBC mode, no padding */
	IKE_CIPHER_AEAD,    /* AES-GCM with an implicit salt (RFC 4106) */
	IKE_CIPHER_NULL,    /* ESP_NULL (RFC 2410): the identity */
};

/*
 * A cipher.  Key sizes are in bits as in the Key Length attribute;
 * key_min == key_max means a fixed key size and no Key Length attribute.
 * For AEAD, the keying material is the key followed by salt_len bytes.
 */
struct ike_cipher_alg {
	const char *name;
	uint16_t ike_id;    /* phase 1 Encryption Algorithm attribute */
	uint16_t ike_alias; /* another value accepted on receipt, 0: none */
	uint16_t esp_id;    /* IPsec DOI ESP transform ID */
	enum ike_cipher_mode mode;
	uint16_t block_len; /* padding unit, bytes (1: stream-like) */
	uint16_t iv_len;    /* bytes on the wire */
	uint16_t key_min;   /* bits */
	uint16_t key_max;
	uint16_t key_default;
	uint16_t key_step; /* allowed sizes: key_min + n * key_step */
	uint16_t salt_len; /* AEAD only, bytes */
	uint16_t icv_len;  /* AEAD only, bytes */
	const char *lib;
};

/*
 * Loads the OpenSSL legacy and default providers and initialises libgcrypt,
 * once per process (thread-safe).  Every constructor below calls it, so an
 * explicit call only serves to fail early at startup.
 */
int ike_crypto_init(void);

/* Logs the oldest queued OpenSSL error for func (or that what failed). */
void ike_crypto_ossl_error(const char *func, const char *what);

/* Descriptor look-ups; NULL when unknown.  _at() enumerates (i from 0). */
const struct ike_hash_alg *ike_crypto_hash_by_ike(uint16_t ike_id);
const struct ike_hash_alg *ike_crypto_hash_by_auth(uint16_t auth_id);
const struct ike_hash_alg *ike_crypto_hash_by_name(const char *name);
const struct ike_hash_alg *ike_crypto_hash_at(size_t i);
const struct ike_cipher_alg *ike_crypto_cipher_by_ike(uint16_t ike_id);
const struct ike_cipher_alg *ike_crypto_cipher_by_esp(uint16_t esp_id);
const struct ike_cipher_alg *ike_crypto_cipher_by_name(const char *name);
const struct ike_cipher_alg *ike_crypto_cipher_at(size_t i);

/*
 * The name a library knows the algorithm by: an OpenSSL EVP cipher name
 * for a key of bits ("AES-128-CBC"), the descriptor name for libgcrypt
 * ciphers ("twofish-cbc"), "" for NULL; an OpenSSL digest name for hashes
 * (NULL for libgcrypt-only hashes).
 */
void ike_crypto_cipher_libname(const struct ike_cipher_alg *alg, unsigned bits,
                               char *out, size_t len);
const char *ike_crypto_hash_libname(const struct ike_hash_alg *alg);

/* 1 if bits is a key size the algorithm accepts, else 0. */
int ike_crypto_cipher_key_ok(const struct ike_cipher_alg *alg, unsigned bits);

/* out receives alg->len bytes: hash(v[0] | ... | v[n-1]). */
int ike_crypto_hash(const struct ike_hash_alg *alg,
                    const struct ike_crypto_iov *v, size_t n, uint8_t *out);

/* out receives alg->len bytes: HMAC-hash(key, v[0] | ... | v[n-1]). */
int ike_crypto_prf(const struct ike_hash_alg *alg, const void *key,
                   size_t keylen, const struct ike_crypto_iov *v, size_t n,
                   uint8_t *out);

/*
 * A keyed cipher context, reusable for any number of messages in both
 * directions.  keylen is in bytes (AEAD: key plus salt).  Freeing cleanses
 * every copy of the key.
 */
struct ike_cipher_ctx;

struct ike_cipher_ctx *ike_crypto_cipher_new(const struct ike_cipher_alg *alg,
                                             const uint8_t *key, size_t keylen);
void ike_crypto_cipher_free(struct ike_cipher_ctx *ctx);
const struct ike_cipher_alg *
ike_crypto_cipher_alg(const struct ike_cipher_ctx *ctx);

/*
 * CBC over whole blocks (len a multiple of block_len); in == out is
 * allowed.  iv holds iv_len bytes: the IV on entry and the last ciphertext
 * block on return, which is the next IV of an IKEv1 CBC chain.
 */
int ike_crypto_cbc_encrypt(struct ike_cipher_ctx *ctx, uint8_t *iv,
                           const uint8_t *in, uint8_t *out, size_t len);
int ike_crypto_cbc_decrypt(struct ike_cipher_ctx *ctx, uint8_t *iv,
                           const uint8_t *in, uint8_t *out, size_t len);

/*
 * AEAD as ESP uses it (RFC 4106): nonce = salt | iv (iv_len bytes), aad
 * authenticated only, icv of icv_len bytes.  open() fails, and zeroes out,
 * when the ICV does not verify.
 */
int ike_crypto_aead_seal(struct ike_cipher_ctx *ctx, const uint8_t *iv,
                         const uint8_t *aad, size_t aadlen, const uint8_t *in,
                         uint8_t *out, size_t len, uint8_t *icv);
int ike_crypto_aead_open(struct ike_cipher_ctx *ctx, const uint8_t *iv,
                         const uint8_t *aad, size_t aadlen, const uint8_t *in,
                         uint8_t *out, size_t len, const uint8_t *icv);

/* 1 if the len bytes at a and b are equal, in time independent of them. */
int ike_crypto_ct_equal(const void *a, const void *b, size_t len);

/* Overwrites len bytes in a way the compiler cannot drop. */
void ike_crypto_cleanse(void *p, size_t len);

/*
 * Random bytes for nonces, cookies, IVs and SPIs.  The default source is
 * OpenSSL's RAND_bytes; tests install a deterministic one.  set_random()
 * returns the previous source; NULL restores the default.
 */
typedef int (*ike_crypto_random_fn)(void *buf, size_t len);

int ike_crypto_random(void *buf, size_t len);
ike_crypto_random_fn ike_crypto_set_random(ike_crypto_random_fn fn);

#endif
