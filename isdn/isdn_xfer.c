/*
 * isdn_xfer.c - the address/token record and its carriers (LLC, called
 * party subaddress, B-channel frame) plus the callee's status reply.  The
 * check value is a CRC: it catches damage and foreign IE contents, not
 * forgery.  Authenticity comes later: the token must come back inside IKE
 * phase 1, which the pre-shared key protects.
 */
#include "isdn_xfer.h"

#include <string.h>

/* CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xffff, no reflection,
 * no final xor; "123456789" gives 0x29b1. */
uint16_t
isdn_xfer_crc16(const uint8_t *p, size_t len)
{
	uint16_t crc = 0xffff;
	size_t i;
	int b;

	for (i = 0; i < len; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (b = 0; b < 8; b++)
			crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021)
			                     : (uint16_t)(crc << 1);
	}
	return crc;
}

/* "This network" (0/8), multicast (224/4) and reserved/broadcast (240/4)
 * can never be a peer to start IKE with. */
int
isdn_xfer_addr_ok(const uint8_t addr[4])
{
	return addr[0] != 0 && addr[0] < 224;
}

enum isdn_xfer_err
isdn_xfer_pack(const struct isdn_xfer *x, uint8_t out[ISDN_XFER_REC_LEN])
{
	uint16_t crc;

	if (!isdn_xfer_addr_ok(x->addr))
		return ISDN_XFER_ERR_ADDR;
	out[0] = ISDN_XFER_VERSION;
	memcpy(out + 1, x->addr, 4);
	memcpy(out + 5, x->token, ISDN_TOKEN_LEN);
	crc = isdn_xfer_crc16(out, 5 + ISDN_TOKEN_LEN);
	out[13] = (uint8_t)(crc >> 8);
	out[14] = (uint8_t)crc;
	return ISDN_XFER_OK;
}

enum isdn_xfer_err
isdn_xfer_unpack(const uint8_t *p, size_t len, struct isdn_xfer *x)
{
	uint16_t crc;

	if (len != ISDN_XFER_REC_LEN)
		return ISDN_XFER_ERR_LEN;
	if (p[0] != ISDN_XFER_VERSION)
		return ISDN_XFER_ERR_VERSION;
	crc = isdn_xfer_crc16(p, 5 + ISDN_TOKEN_LEN);
	if (p[13] != (uint8_t)(crc >> 8) || p[14] != (uint8_t)crc)
		return ISDN_XFER_ERR_CHECK;
	if (!isdn_xfer_addr_ok(p + 1))
		return ISDN_XFER_ERR_ADDR;
	memcpy(x->addr, p + 1, 4);
	memcpy(x->token, p + 5, ISDN_TOKEN_LEN);
	return ISDN_XFER_OK;
}

enum isdn_xfer_err
isdn_xfer_to_llc(const struct isdn_xfer *x, uint8_t out[ISDN_XFER_LLC_LEN])
{
	out[0] = ISDN_XFER_LLC_OCTET3;
	return isdn_xfer_pack(x, out + 1);
}

enum isdn_xfer_err
isdn_xfer_from_llc(const uint8_t *p, size_t len, struct isdn_xfer *x)
{
	if (len < 1 || p[0] != ISDN_XFER_LLC_OCTET3)
		return ISDN_XFER_ERR_CARRIER;
	return isdn_xfer_unpack(p + 1, len - 1, x);
}

enum isdn_xfer_err
isdn_xfer_to_subaddr(const struct isdn_xfer *x, uint8_t out[ISDN_XFER_SUB_LEN])
{
	out[0] = ISDN_XFER_SUB_OCTET3;
	return isdn_xfer_pack(x, out + 1);
}

enum isdn_xfer_err
isdn_xfer_from_subaddr(const uint8_t *p, size_t len, struct isdn_xfer *x)
{
	if (len < 1 || p[0] != ISDN_XFER_SUB_OCTET3)
		return ISDN_XFER_ERR_CARRIER;
	return isdn_xfer_unpack(p + 1, len - 1, x);
}

enum isdn_xfer_err
isdn_bframe_build(uint8_t type, const uint8_t *body, size_t blen, uint8_t *out,
                  size_t cap, size_t *out_len)
{
	size_t n = ISDN_BFRAME_HDR + blen;
	uint16_t crc;

	if (blen > ISDN_BFRAME_BODY_MAX || cap < n + 2)
		return ISDN_XFER_ERR_LEN;
	out[0] = 'I';
	out[1] = 'C';
	out[2] = type;
	out[3] = (uint8_t)blen;
	if (blen > 0)
		memcpy(out + ISDN_BFRAME_HDR, body, blen);
	crc = isdn_xfer_crc16(out, n);
	out[n] = (uint8_t)(crc >> 8);
	out[n + 1] = (uint8_t)crc;
	*out_len = n + 2;
	return ISDN_XFER_OK;
}

/* Bodies have a fixed size per type: a record, or one status octet. */
static enum isdn_xfer_err
bframe_body_check(uint8_t type, size_t blen)
{
	switch (type) {
	case ISDN_BFRAME_XFER:
		return blen == ISDN_XFER_REC_LEN ? ISDN_XFER_OK
		                                 : ISDN_XFER_ERR_LEN;
	case ISDN_BFRAME_ACK:
		return blen == 1 ? ISDN_XFER_OK : ISDN_XFER_ERR_LEN;
	default:
		return ISDN_XFER_ERR_TYPE;
	}
}

enum isdn_xfer_err
isdn_bframe_parse(const uint8_t *p, size_t len, uint8_t *type,
                  uint8_t body[ISDN_BFRAME_BODY_MAX], size_t *blen,
                  size_t *used)
{
	enum isdn_xfer_err err;
	size_t n;
	uint16_t crc;

	if ((len >= 1 && p[0] != 'I') || (len >= 2 && p[1] != 'C'))
		return ISDN_XFER_ERR_MAGIC;
	if (len < ISDN_BFRAME_HDR)
		return ISDN_XFER_ERR_SHORT;
	if (p[3] > ISDN_BFRAME_BODY_MAX)
		return ISDN_XFER_ERR_LEN;
	n = ISDN_BFRAME_HDR + p[3];
	if (len < n + 2)
		return ISDN_XFER_ERR_SHORT;
	crc = isdn_xfer_crc16(p, n);
	if (p[n] != (uint8_t)(crc >> 8) || p[n + 1] != (uint8_t)crc)
		return ISDN_XFER_ERR_CHECK;
	err = bframe_body_check(p[2], p[3]);
	if (err != ISDN_XFER_OK)
		return err;
	*type = p[2];
	*blen = p[3];
	memcpy(body, p + ISDN_BFRAME_HDR, p[3]);
	*used = n + 2;
	return ISDN_XFER_OK;
}

/* Q.850 allows a user-supplied diagnostic with cause #21 (call
 * rejected); ours is 'C' 'B', the record version and the status. */
void
isdn_xfer_status_cause(uint8_t status, struct isdn_cause *c)
{
	memset(c, 0, sizeof(*c));
	c->value = ISDN_CAUSE_REJECTED;
	c->location = ISDN_LOC_USER;
	c->diag_len = ISDN_ST_DIAG_LEN;
	c->diag[0] = 'C';
	c->diag[1] = 'B';
	c->diag[2] = ISDN_XFER_VERSION;
	c->diag[3] = status;
}

int
isdn_xfer_cause_status(const struct isdn_cause *c, uint8_t *status)
{
	if (c->value != ISDN_CAUSE_REJECTED ||
	    c->diag_len != ISDN_ST_DIAG_LEN || c->diag[0] != 'C' ||
	    c->diag[1] != 'B' || c->diag[2] != ISDN_XFER_VERSION)
		return -1;
	*status = c->diag[3];
	return 0;
}

const char *
isdn_xfer_err_str(enum isdn_xfer_err e)
{
	static const char *const names[] = {
	    [ISDN_XFER_OK] = "ok",
	    [ISDN_XFER_ERR_SHORT] = "incomplete",
	    [ISDN_XFER_ERR_LEN] = "wrong length",
	    [ISDN_XFER_ERR_VERSION] = "unknown version",
	    [ISDN_XFER_ERR_CHECK] = "check value mismatch",
	    [ISDN_XFER_ERR_ADDR] = "unusable address",
	    [ISDN_XFER_ERR_CARRIER] = "not a callback record",
	    [ISDN_XFER_ERR_MAGIC] = "bad frame start",
	    [ISDN_XFER_ERR_TYPE] = "unknown frame type",
	};

	if ((size_t)e < sizeof(names) / sizeof(names[0]) && names[e] != NULL)
		return names[e];
	return "unknown error";
}
