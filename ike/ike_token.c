/*
 * ike_token.c - the IPSec callback token vendor ID.  The called gateway
 * (B) returns the token it received over ISDN in Main Mode message 1, so
 * that the caller (A), which does not know B's address, can tell which
 * peer - and so which pre-shared key - the exchange belongs to before it
 * needs the key for message 5.  A vendor ID is the one payload every
 * IKEv1 implementation already skips when it does not know it.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Next Payload  |   RESERVED    |    Payload Length (28..36)    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  prefix: MD5("ipsecgw IPSec callback token 1"), 16 octets     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  token, 8..16 octets (8 from the ISDN record)                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#include "ike_token.h"

#include "ike_build.h"
#include "ike_pld.h"

#include <string.h>

/* Without its terminating NUL: exactly the 16 octets. */
static const uint8_t prefix[IKE_TOKEN_PREFIX_LEN] = IKE_TOKEN_PREFIX;

int
ike_token_vid_build(const uint8_t *token, size_t len, uint8_t *out,
                    size_t outlen)
{
	if (token == NULL || len < IKE_CB_TOKEN_MIN || len > IKE_CB_TOKEN_MAX ||
	    outlen < IKE_TOKEN_PREFIX_LEN + len)
		return -1;
	memcpy(out, prefix, sizeof(prefix));
	memcpy(out + IKE_TOKEN_PREFIX_LEN, token, len);
	return (int)(IKE_TOKEN_PREFIX_LEN + len);
}

enum ike_token_res
ike_token_vid_parse(const uint8_t *body, size_t len, const uint8_t **token,
                    size_t *tlen)
{
	size_t n;

	if (body == NULL || len < IKE_TOKEN_PREFIX_LEN ||
	    memcmp(body, prefix, IKE_TOKEN_PREFIX_LEN) != 0)
		return IKE_TOKEN_NONE;
	n = len - IKE_TOKEN_PREFIX_LEN;
	if (n < IKE_CB_TOKEN_MIN || n > IKE_CB_TOKEN_MAX)
		return IKE_TOKEN_BAD;
	*token = body + IKE_TOKEN_PREFIX_LEN;
	*tlen = n;
	return IKE_TOKEN_FOUND;
}

/*
 * Every vendor ID is looked at: one with our prefix but a bad length, or
 * two that disagree, make the whole message's token unusable rather than
 * letting the order of payloads decide.
 */
enum ike_token_res
ike_token_find(const struct ike_msg *m, uint8_t *token, size_t *tlen)
{
	unsigned int i, n = ike_pld_count(m, IKE_PLD_VID);
	enum ike_token_res res = IKE_TOKEN_NONE;
	const uint8_t *t;
	size_t len;

	for (i = 0; i < n; i++) {
		const struct ike_pld *p = ike_pld_get(m, IKE_PLD_VID, i);

		switch (
		    ike_token_vid_parse(ike_pld_body(m, p), p->len, &t, &len)) {
		case IKE_TOKEN_NONE:
			break;
		case IKE_TOKEN_BAD:
			return IKE_TOKEN_BAD;
		case IKE_TOKEN_FOUND:
			if (res == IKE_TOKEN_FOUND &&
			    (len != *tlen || memcmp(token, t, len) != 0))
				return IKE_TOKEN_BAD;
			memcpy(token, t, len);
			*tlen = len;
			res = IKE_TOKEN_FOUND;
			break;
		}
	}
	return res;
}

int
ike_token_add(struct ike_buf *b, const uint8_t *token, size_t len)
{
	uint8_t vid[IKE_TOKEN_VID_MAX];
	int n = ike_token_vid_build(token, len, vid, sizeof(vid));

	if (n < 0)
		return -1;
	return ike_build_vid(b, vid, (size_t)n);
}
