/*
 * ike_keys.h - IKEv1 key material (RFC 2409 section 5 and appendix B):
 * SKEYID for the three authentication families, SKEYID_d/_a/_e, the phase 1
 * encryption key and IV, the phase 2 and informational IVs, HASH_I/HASH_R,
 * Quick Mode HASH(1..3) and phase 2 KEYMAT.
 *
 * prf is HMAC with the negotiated hash (no PRF attribute is defined).  All
 * secrets live in struct ike_keys, which ike_keys_free() cleanses; the
 * functions here also cleanse their temporaries.  Inputs are the payload
 * bodies without generic headers (Ni_b, SAi_b, IDii_b ...), as RFC 2409
 * defines them.
 */
#ifndef IPSECGW_IKE_KEYS_H
#define IPSECGW_IKE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "ike_crypto.h"

/* Authentication families with distinct SKEYID formulas. */
enum ike_keys_auth {
	IKE_KEYS_AUTH_PSK = 1, /* pre-shared key */
	IKE_KEYS_AUTH_SIG,     /* DSS and RSA signatures */
	IKE_KEYS_AUTH_PKE,     /* public key encryption (both variants) */
};

#define IKE_KEYS_COOKIE_LEN 8

/* Phase 1 inputs; unused members may stay empty for a given family. */
struct ike_keys_p1 {
	enum ike_keys_auth auth;
	struct ike_crypto_iov psk; /* PSK only */
	struct ike_crypto_iov ni;  /* Ni_b */
	struct ike_crypto_iov nr;  /* Nr_b */
	struct ike_crypto_iov gxi; /* initiator's KE data (g^xi) */
	struct ike_crypto_iov gxr; /* responder's KE data (g^xr) */
	struct ike_crypto_iov gxy; /* shared secret, padded */
	uint8_t cky_i[IKE_KEYS_COOKIE_LEN];
	uint8_t cky_r[IKE_KEYS_COOKIE_LEN];
};

/*
 * The ISAKMP SA's secrets.  len is the prf output length; enc_key holds
 * key_len bytes (appendix B expansion applied) and iv the initial phase 1
 * IV (block_len bytes of hash(g^xi | g^xr)).
 */
struct ike_keys {
	const struct ike_hash_alg *hash;
	const struct ike_cipher_alg *cipher;
	size_t len;
	size_t key_len;
	size_t iv_len;
	uint8_t skeyid[IKE_CRYPTO_HASH_MAX];
	uint8_t skeyid_d[IKE_CRYPTO_HASH_MAX];
	uint8_t skeyid_a[IKE_CRYPTO_HASH_MAX];
	uint8_t skeyid_e[IKE_CRYPTO_HASH_MAX];
	uint8_t enc_key[IKE_CRYPTO_KEY_MAX];
	uint8_t iv[IKE_CRYPTO_BLOCK_MAX];
};

/*
 * Phase 2 inputs for KEYMAT.  spi is the SPI of the SA being keyed (the
 * one its receiver chose), in host order; gqm is the PFS secret, empty
 * without PFS.  proto is the IPsec DOI protocol ID (AH 2, ESP 3).
 */
struct ike_keys_p2 {
	uint8_t proto;
	uint32_t spi;
	struct ike_crypto_iov gqm;
	struct ike_crypto_iov ni;
	struct ike_crypto_iov nr;
};

/*
 * Allocates the key set for a negotiated hash and cipher; key_bits is the
 * Key Length attribute (0: the cipher's default).  NULL on bad input.
 */
struct ike_keys *ike_keys_new(const struct ike_hash_alg *hash,
                              const struct ike_cipher_alg *cipher,
                              unsigned key_bits);
/* Cleanses and frees. */
void ike_keys_free(struct ike_keys *k);

/*
 * SKEYID per family, then SKEYID_d, SKEYID_a, SKEYID_e, the encryption key
 * and, when gxi and gxr are given, the phase 1 IV.
 */
int ike_keys_phase1(struct ike_keys *k, const struct ike_keys_p1 *in);

/*
 * HASH_I (initiator != 0) = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R |
 * SAi_b | IDii_b), HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I |
 * SAi_b | IDir_b).  out gets k->len bytes.
 */
int ike_keys_hash_auth(const struct ike_keys *k, const struct ike_keys_p1 *in,
                       int initiator, struct ike_crypto_iov sai_b,
                       struct ike_crypto_iov id_b, uint8_t *out);

/*
 * The IV of a phase 2 or informational exchange: hash(last phase 1 CBC
 * block | M-ID) cut to the block size.  last_block has k->iv_len bytes;
 * so has iv.  msgid is in host order.
 */
int ike_keys_phase2_iv(const struct ike_keys *k, const uint8_t *last_block,
                       uint32_t msgid, uint8_t *iv);

/*
 * Quick Mode hashes; out gets k->len bytes.  rest is the message from the
 * payload after HASH to the end (HASH(1) also serves Informational).
 *   HASH(1) = prf(SKEYID_a, M-ID | rest)
 *   HASH(2) = prf(SKEYID_a, M-ID | Ni_b | rest)
 *   HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
 */
int ike_keys_qm_hash1(const struct ike_keys *k, uint32_t msgid,
                      struct ike_crypto_iov rest, uint8_t *out);
int ike_keys_qm_hash2(const struct ike_keys *k, uint32_t msgid,
                      struct ike_crypto_iov ni_b, struct ike_crypto_iov rest,
                      uint8_t *out);
int ike_keys_qm_hash3(const struct ike_keys *k, uint32_t msgid,
                      struct ike_crypto_iov ni_b, struct ike_crypto_iov nr_b,
                      uint8_t *out);

/*
 * KEYMAT = K1 | K2 | ... cut to len bytes, with
 * K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b) and
 * Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b).
 */
int ike_keys_keymat(const struct ike_keys *k, const struct ike_keys_p2 *in,
                    uint8_t *out, size_t len);

#endif
