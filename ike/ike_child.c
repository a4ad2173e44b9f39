/*
 * ike_child.c - what the dataplane needs to know about an agreed SA pair's
 * algorithms, taken from the same descriptors that Quick Mode negotiated
 * and derived KEYMAT with, so the two can never disagree on key lengths.
 */
#include "ike.h"
#include "ike_crypto.h"
#include "isakmp.h"

#include <stdio.h>
#include <string.h>

int
ike_child_alg(const struct ike_child_sa *c, struct ike_child_alg *a)
{
	const struct ike_hash_alg *ha = ike_crypto_hash_by_auth(c->auth);
	const struct ike_cipher_alg *ca = NULL;

	memset(a, 0, sizeof(*a));
	a->block_len = 1;
	if (c->proto == IKE_PROTO_IPSEC_ESP) {
		unsigned bits;

		ca = ike_crypto_cipher_by_esp(c->transform);
		if (ca == NULL)
			return -1;
		bits = c->keylen ? c->keylen : ca->key_default;
		ike_crypto_cipher_libname(ca, bits, a->cipher,
		                          sizeof(a->cipher));
		a->aead = ca->mode == IKE_CIPHER_AEAD;
		a->block_len = ca->block_len;
		a->iv_len = ca->iv_len;
		a->enc_key_len = (uint16_t)(bits / 8 + ca->salt_len);
		a->icv_len = ca->icv_len;
	} else if (ha == NULL) {
		return -1; /* AH without integrity */
	}
	if (ha != NULL) {
		const char *name = ike_crypto_hash_libname(ha);

		if (name == NULL)
			return -1;
		(void)snprintf(a->digest, sizeof(a->digest), "%s", name);
		a->auth_key_len = ha->len;
		a->icv_len = ha->icv_len;
	}
	if ((size_t)a->enc_key_len + a->auth_key_len != c->key_len)
		return -1;
	return 0;
}
