/*
 * ike_build.h - ISAKMP message encoding, from the same descriptors the
 * decoder uses (ike_pld_desc()); every finished payload is run through the
 * decoder's check, so the builder never emits what ike_pld_walk() rejects.
 *
 *	struct ike_buf b;
 *	ike_buf_init(&b);
 *	ike_build_header(&b, icookie, rcookie, IKE_XCHG_IDPROT, 0, 0);
 *	ike_build_sa_begin(&b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY);
 *	ike_build_prop(&b, 1, IKE_PROTO_ISAKMP, NULL, 0);
 *	ike_build_xform(&b, 1, IKE_KEY_IKE);
 *	ike_build_attr(&b, IKE_ATTR_ENC_ALG, IKE_ENC_AES_CBC);
 *	...
 *	ike_build_vid(&b, IKE_VID_RFC3947, IKE_VID_LEN);
 *	if (ike_build_finish(&b) < 0) ...	// b.data, b.len
 *	ike_buf_free(&b);
 *
 * Next Payload fields are chained as payloads are added, an open SA is
 * closed by the next top-level payload or by ike_build_finish(), which
 * also writes the header Length.  Errors are sticky: after the first
 * failure every call returns -1 and ike_build_finish() reports it, so
 * callers may check once at the end.  For an encrypted message, build the
 * body without a header (b.first is the first payload type), encrypt it,
 * then ike_build_header() + ike_build_raw() + ike_build_finish().
 */
#ifndef IPSECGW_IKE_BUILD_H
#define IPSECGW_IKE_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "isakmp.h"

struct ike_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	int err;       /* sticky failure */
	int has_hdr;   /* data starts with an ISAKMP header */
	int np_open;   /* a Next Payload field waits at np */
	size_t np;     /* offset of that field */
	uint8_t first; /* first payload type (also without a header) */
	size_t last;   /* generic header of the last top-level payload */
	/* SA under construction: depth 0 none, 1 SA, 2 proposal, 3
	 * transform; offsets of their generic headers. */
	int depth;
	size_t sa;
	size_t prop;
	size_t xform;
	unsigned int nprop; /* proposals in the open SA */
	uint8_t proto;      /* of the open proposal: attribute classes */
	uint8_t nxform;     /* transforms in the open proposal */
};

void ike_buf_init(struct ike_buf *b);
/* Wipes (the buffer may hold plaintext of encrypted payloads) and frees. */
void ike_buf_free(struct ike_buf *b);
/* Offset of the last top-level payload's body (e.g. to fill a HASH). */
size_t ike_buf_last_body(const struct ike_buf *b);

int ike_build_header(struct ike_buf *b, const uint8_t *icookie,
                     const uint8_t *rcookie, uint8_t exchange, uint8_t flags,
                     uint32_t msgid);
/* A payload whose body the caller assembled; checked like any other. */
int ike_build_payload(struct ike_buf *b, uint8_t type, const void *body,
                      size_t len);
/* Appends an already encoded chain (ciphertext) that starts with first. */
int ike_build_raw(struct ike_buf *b, uint8_t first, const void *data,
                  size_t len);
/* Closes an open SA and writes the header Length; -1 if anything failed. */
int ike_build_finish(struct ike_buf *b);

int ike_build_sa_begin(struct ike_buf *b, uint32_t doi, uint32_t situation);
/* Proposals with the same num are AND-ed (ESP + IPComp). */
int ike_build_prop(struct ike_buf *b, uint8_t num, uint8_t proto,
                   const uint8_t *spi, uint8_t spi_size);
int ike_build_xform(struct ike_buf *b, uint8_t num, uint8_t id);
/* TV when the attribute is basic (or unknown and < 65536), else TLV of 4
 * or 8 octets; a basic attribute's value must fit in 16 bits. */
int ike_build_attr(struct ike_buf *b, uint16_t type, uint64_t value);
/*
 * The attribute list of a RESPONDER-LIFETIME notification (RFC 2407
 * 4.6.3.1): Life Type / Life Duration pairs for the non-zero limits, with
 * the phase 1 (ISAKMP) or phase 2 attribute numbers.  out holds at least
 * IKE_LIFE_DATA_MAX octets; returns the length.
 */
#define IKE_LIFE_DATA_MAX 24
size_t ike_build_life_data(uint8_t *out, int phase1, uint32_t seconds,
                           uint32_t kbytes);
/* TLV with the given value bytes (e.g. a group prime). */
int ike_build_attr_var(struct ike_buf *b, uint16_t type, const void *data,
                       size_t len);
int ike_build_sa_end(struct ike_buf *b);

int ike_build_ke(struct ike_buf *b, const void *data, size_t len);
int ike_build_nonce(struct ike_buf *b, const void *data, size_t len);
/* data NULL: len zero octets, to be filled in once the rest is built. */
int ike_build_hash(struct ike_buf *b, const void *data, size_t len);
int ike_build_sig(struct ike_buf *b, const void *data, size_t len);
int ike_build_vid(struct ike_buf *b, const void *vid, size_t len);
/* type IKE_PLD_NATD or IKE_PLD_NATD_DRAFT. */
int ike_build_natd(struct ike_buf *b, uint8_t type, const void *hash,
                   size_t len);
/* type IKE_PLD_NATOA or IKE_PLD_NATOA_DRAFT; id_type IPv4 or IPv6. */
int ike_build_natoa(struct ike_buf *b, uint8_t type, uint8_t id_type,
                    const void *addr, size_t len);
int ike_build_id(struct ike_buf *b, uint8_t id_type, uint8_t proto,
                 uint16_t port, const void *data, size_t len);
/* An ID or NONCE payload whose body is RSA ciphertext (RFC 2409 5.2):
 * only its length is checked, the decoder's IKE_PLD_F_PKE reads it. */
int ike_build_pke(struct ike_buf *b, uint8_t type, const void *data,
                  size_t len);
/* type IKE_PLD_CERT or IKE_PLD_CR. */
int ike_build_cert(struct ike_buf *b, uint8_t type, uint8_t encoding,
                   const void *data, size_t len);
int ike_build_notify(struct ike_buf *b, uint32_t doi, uint8_t proto,
                     uint16_t type, const void *spi, uint8_t spi_size,
                     const void *data, size_t len);
/* nspi SPIs of spi_size octets each, back to back in spis. */
int ike_build_delete(struct ike_buf *b, uint32_t doi, uint8_t proto,
                     uint8_t spi_size, const void *spis, uint16_t nspi);

#endif
