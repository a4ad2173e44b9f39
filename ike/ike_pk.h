/*
 * ike_pk.h - the public key operations of IKEv1 phase 1 (RFC 2409 5.1 and
 * 5.2), on OpenSSL 3 EVP keys:
 *
 *   RSA signature: PKCS#1 v1.5 block type 1 over the raw HASH_I/HASH_R,
 *   without a DigestInfo (what IKEv1 implementations sign; strongSwan
 *   calls it RSA_EMSA_PKCS1_NULL).
 *   DSS signature: DSA over the raw hash, sent as r | s, each as long as
 *   the group order q (20 octets for DSA-1024 as in RFC 2409).
 *   RSA encryption: PKCS#1 v1.5 block type 2 of a payload body.
 *
 * Private to ike/.  Functions return 0 on success and -1 on failure after
 * logging why (never key material); verification returns 1 / 0 / -1.
 */
#ifndef IPSECGW_IKE_PK_H
#define IPSECGW_IKE_PK_H

#include <openssl/evp.h>

#include <stddef.h>
#include <stdint.h>

/* A signature or RSA ciphertext of the largest key we accept (RSA-8192). */
#define IKE_PK_MAX 1024

/* The IKE authentication method (IKE_AUTH_*) a key can serve, or 0. */
int ike_pk_sig_auth(const EVP_PKEY *k);

/* sig gets the signature of hash; *siglen is its length. */
int ike_pk_sign(EVP_PKEY *key, const uint8_t *hash, size_t len, uint8_t *sig,
                size_t *siglen);
/* 1 if sig is key's signature of hash, 0 if not, -1 on an error. */
int ike_pk_verify(EVP_PKEY *pub, const uint8_t *hash, size_t len,
                  const uint8_t *sig, size_t siglen);

/* out (IKE_PK_MAX octets) gets in encrypted to pub's RSA key. */
int ike_pk_encrypt(EVP_PKEY *pub, const uint8_t *in, size_t len, uint8_t *out,
                   size_t *outlen);
/* out (cap octets) gets in decrypted with key; -1 on bad padding too. */
int ike_pk_decrypt(EVP_PKEY *key, const uint8_t *in, size_t len, uint8_t *out,
                   size_t cap, size_t *outlen);

#endif
