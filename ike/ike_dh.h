/*
 * ike_dh.h - Diffie-Hellman for IKEv1 through OpenSSL 3 EVP_PKEY: MODP
 * groups 1, 2 (RFC 2409), 5, 14, 15, 16 (RFC 3526) and ECP groups 19, 20,
 * 21 (RFC 5903).
 *
 * A context holds one exchange: ike_dh_new() picks the group,
 * ike_dh_generate() makes the key pair, ike_dh_derive() takes the peer's
 * value.  The two expensive steps touch only their context, so they can run
 * on a worker thread while the engine waits; nothing is global besides the
 * library initialisation done once by ike_dh_new().
 *
 * Wire format: MODP values are big-endian, left-padded to the prime length;
 * ECP values are x | y, each padded to the field size, without the point
 * format byte (RFC 5903 section 7).  Shared secrets are padded likewise
 * (ECP: the x coordinate only).
 */
#ifndef IPSECGW_IKE_DH_H
#define IPSECGW_IKE_DH_H

#include <stddef.h>
#include <stdint.h>

#define IKE_DH_PUB_MAX    512 /* MODP 4096 */
#define IKE_DH_SECRET_MAX 512

enum ike_dh_type {
	IKE_DH_MODP = 1,
	IKE_DH_ECP,
};

struct ike_dh_group {
	uint16_t id; /* IKE Group Description attribute */
	const char *name;
	enum ike_dh_type type;
	uint16_t pub_len;    /* bytes of the KE payload data */
	uint16_t secret_len; /* bytes of g^xy */
};

/* NULL when the group is not supported.  _at() enumerates (i from 0). */
const struct ike_dh_group *ike_dh_group_get(uint16_t id);
const struct ike_dh_group *ike_dh_group_at(size_t i);

struct ike_dh;

/* A context for group id; NULL (logged) if unknown or out of memory. */
struct ike_dh *ike_dh_new(uint16_t id);
/* Frees the context, cleansing the private key and shared secret. */
void ike_dh_free(struct ike_dh *dh);
const struct ike_dh_group *ike_dh_group(const struct ike_dh *dh);

/* Generates the key pair and its wire-format public value. */
int ike_dh_generate(struct ike_dh *dh);

/* The public value (pub_len bytes) after generate(), else NULL. */
const uint8_t *ike_dh_public(const struct ike_dh *dh, size_t *lenp);

/*
 * Validates the peer's public value (exact length; MODP: 1 < y < p - 1 and
 * in the prime-order subgroup; ECP: a point on the curve) and computes the
 * shared secret.  Fails without a secret on any invalid value.
 */
int ike_dh_derive(struct ike_dh *dh, const uint8_t *peer, size_t len);

/* The shared secret (secret_len bytes) after derive(), else NULL. */
const uint8_t *ike_dh_secret(const struct ike_dh *dh, size_t *lenp);

#endif
