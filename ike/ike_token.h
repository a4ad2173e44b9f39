/*
 * ike_token.h - the IPSec callback token in IKE (C4 steps 5 and 6): a
 * vendor ID payload whose body is a fixed 16-octet prefix followed by the
 * token the callback transferred over ISDN (docs/isdn.md, "The token in
 * IKE").  Codec only, no engine state, so the fuzz harness and the unit
 * test use it alone.
 */
#ifndef IPSECGW_IKE_TOKEN_H
#define IPSECGW_IKE_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "ike.h"

struct ike_buf;
struct ike_msg;

/* MD5("ipsecgw IPSec callback token 1") */
#define IKE_TOKEN_PREFIX                                                       \
	"\xb8\x97\xea\x89\xcf\x02\x14\x81\xba\x8a\x62\x58\xa2\xbb\x1d\xcb"
#define IKE_TOKEN_PREFIX_LEN 16
#define IKE_TOKEN_VID_MAX    (IKE_TOKEN_PREFIX_LEN + IKE_CB_TOKEN_MAX)

enum ike_token_res {
	IKE_TOKEN_NONE = 0,  /* not a token vendor ID / none in the message */
	IKE_TOKEN_FOUND = 1, /* one token */
	IKE_TOKEN_BAD = -1,  /* our prefix, but a token of a bad length, or
	                        two different tokens in one message */
};

/* prefix || token into out (IKE_TOKEN_VID_MAX); its length, -1 if the
 * token length is outside IKE_CB_TOKEN_MIN..IKE_CB_TOKEN_MAX. */
int ike_token_vid_build(const uint8_t *token, size_t len, uint8_t *out,
                        size_t outlen);
/* Reads one vendor ID body; the token points into body. */
enum ike_token_res ike_token_vid_parse(const uint8_t *body, size_t len,
                                       const uint8_t **token, size_t *tlen);
/* The token of a decoded message, copied to token (IKE_CB_TOKEN_MAX). */
enum ike_token_res ike_token_find(const struct ike_msg *m, uint8_t *token,
                                  size_t *tlen);
/* Appends the token vendor ID to a message under construction. */
int ike_token_add(struct ike_buf *b, const uint8_t *token, size_t len);

#endif
