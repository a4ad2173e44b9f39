/*
 * isdn_frame.c - length-prefixed framing for the isdnsim stream.  Pure
 * byte functions, so the fuzz harness can reach them without libevent.
 */
#include "isdn_frame.h"

int
isdn_frame_header(uint8_t type, size_t len, uint8_t hdr[ISDN_FRAME_HDR])
{
	size_t n = len + 1;

	if (len > ISDN_FRAME_PAYLOAD_MAX)
		return -1;
	hdr[0] = (uint8_t)(n >> 8);
	hdr[1] = (uint8_t)n;
	hdr[2] = type;
	return 0;
}

int
isdn_frame_parse(const uint8_t *p, size_t len, uint8_t *type,
                 const uint8_t **payload, size_t *plen, size_t *used)
{
	size_t n;

	if (len < 2)
		return 0;
	n = ((size_t)p[0] << 8) | p[1];
	if (n == 0 || n - 1 > ISDN_FRAME_PAYLOAD_MAX)
		return -1;
	if (len - 2 < n)
		return 0;
	*type = p[2];
	*payload = p + ISDN_FRAME_HDR;
	*plen = n - 1;
	*used = n + 2;
	return 1;
}
