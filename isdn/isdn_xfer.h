/*
 * isdn_xfer.h - how a callback carries the caller's IPv4 address and token
 * (docs/isdn.md has the byte diagrams).  One 15-octet record
 *
 *   version(1) = 1 | IPv4 address(4) | token(8) | CRC-16/CCITT-FALSE(2)
 *
 * travels in the low layer compatibility IE (after an octet 3 of 0x88),
 * in a user-specified called party subaddress (after the type octet
 * 0xa0), in both (duplicated, so either alone suffices), or inside a
 * B-channel frame once the call is connected.  The callee's reply tells
 * the caller what arrived: a status octet in the diagnostic of cause #21
 * (D channel) or in an ACK frame (B channel).
 */
#ifndef IPSECGW_ISDN_XFER_H
#define IPSECGW_ISDN_XFER_H

#include <stddef.h>
#include <stdint.h>

#include "isdn.h"

#define ISDN_XFER_VERSION    1
#define ISDN_XFER_REC_LEN    15
#define ISDN_XFER_LLC_OCTET3 0x88 /* ITU-T coding, unrestricted digital */
#define ISDN_XFER_LLC_LEN    (1 + ISDN_XFER_REC_LEN)
#define ISDN_XFER_SUB_OCTET3 0xa0 /* user specified, even */
#define ISDN_XFER_SUB_LEN    (1 + ISDN_XFER_REC_LEN)

/* B-channel frames: 'I' 'C' type len body crc16. */
#define ISDN_BFRAME_XFER     1
#define ISDN_BFRAME_ACK      2
#define ISDN_BFRAME_BODY_MAX 32
#define ISDN_BFRAME_HDR      4
#define ISDN_BFRAME_MAX      (ISDN_BFRAME_HDR + ISDN_BFRAME_BODY_MAX + 2)

/* The callee's status octet (cause #21 diagnostic, B-channel ACK). */
#define ISDN_ST_LLC      0x01 /* a valid record arrived in the LLC */
#define ISDN_ST_SUBADDR  0x02 /* ... in the called party subaddress */
#define ISDN_ST_B        0x04 /* ... over the B channel */
#define ISDN_ST_ACCEPTED 0x10 /* the peer takes the callback */
#define ISDN_ST_REFUSED  0x20 /* the peer refuses callbacks from us */
#define ISDN_ST_DIAG_LEN 4    /* 'C' 'B' version status */

enum isdn_xfer_err {
	ISDN_XFER_OK = 0,
	ISDN_XFER_ERR_SHORT,   /* B frame: not complete yet */
	ISDN_XFER_ERR_LEN,     /* wrong length */
	ISDN_XFER_ERR_VERSION, /* unknown record version */
	ISDN_XFER_ERR_CHECK,   /* check value mismatch */
	ISDN_XFER_ERR_ADDR,    /* not a usable unicast IPv4 address */
	ISDN_XFER_ERR_CARRIER, /* the IE is not one of ours */
	ISDN_XFER_ERR_MAGIC,   /* B frame does not start with 'I' 'C' */
	ISDN_XFER_ERR_TYPE,    /* unknown B frame type */
};

uint16_t isdn_xfer_crc16(const uint8_t *p, size_t len);
int isdn_xfer_addr_ok(const uint8_t addr[4]);

enum isdn_xfer_err isdn_xfer_pack(const struct isdn_xfer *x,
                                  uint8_t out[ISDN_XFER_REC_LEN]);
enum isdn_xfer_err isdn_xfer_unpack(const uint8_t *p, size_t len,
                                    struct isdn_xfer *x);

/* IE contents (without identifier and length octets). */
enum isdn_xfer_err isdn_xfer_to_llc(const struct isdn_xfer *x,
                                    uint8_t out[ISDN_XFER_LLC_LEN]);
enum isdn_xfer_err isdn_xfer_from_llc(const uint8_t *p, size_t len,
                                      struct isdn_xfer *x);
enum isdn_xfer_err isdn_xfer_to_subaddr(const struct isdn_xfer *x,
                                        uint8_t out[ISDN_XFER_SUB_LEN]);
enum isdn_xfer_err isdn_xfer_from_subaddr(const uint8_t *p, size_t len,
                                          struct isdn_xfer *x);

/* B-channel frames. */
enum isdn_xfer_err isdn_bframe_build(uint8_t type, const uint8_t *body,
                                     size_t blen, uint8_t *out, size_t cap,
                                     size_t *out_len);
/*
 * Parses one frame at the start of p.  ERR_SHORT: more bytes needed.
 * On OK the body is copied out and *used is the frame's size.
 */
enum isdn_xfer_err isdn_bframe_parse(const uint8_t *p, size_t len,
                                     uint8_t *type,
                                     uint8_t body[ISDN_BFRAME_BODY_MAX],
                                     size_t *blen, size_t *used);

/* The callee's D-channel reply: cause #21 with the status diagnostic. */
void isdn_xfer_status_cause(uint8_t status, struct isdn_cause *c);
/* 0 and *status if c is such a reply, -1 otherwise. */
int isdn_xfer_cause_status(const struct isdn_cause *c, uint8_t *status);

const char *isdn_xfer_err_str(enum isdn_xfer_err e);

#endif
