/*
 * dp_comp.c - IPComp payload compression (RFC 3173) with DEFLATE
 * (RFC 2394): raw deflate blocks without zlib header or checksum, hence
 * zlib's negative windowBits.  Each packet is compressed on its own, so
 * the per-SA streams are reset per packet (which keeps zlib's buffers:
 * nothing is allocated per packet).
 */
#include "dp_int.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"

/*
 * A 4 KB history covers any packet an MTU lets through and keeps the
 * deflate state near 140 KB per SA; the inflater accepts the full 32 KB
 * window RFC 2394 allows the peer.
 */
#define COMP_WBITS_OUT 12
#define COMP_WBITS_IN  15
#define COMP_MEMLEVEL  8

int
dp_comp_init(struct dp_comp *z)
{
	memset(z, 0, sizeof(*z));
	if ((z->scratch = malloc(DP_IP_MAX)) == NULL) {
		gw_err("%s: out of memory", __func__);
		return -1;
	}
	if (deflateInit2(&z->def, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
	                 -COMP_WBITS_OUT, COMP_MEMLEVEL,
	                 Z_DEFAULT_STRATEGY) != Z_OK) {
		gw_err("%s: deflateInit2 failed", __func__);
		return -1;
	}
	z->def_ok = 1;
	if (inflateInit2(&z->inf, -COMP_WBITS_IN) != Z_OK) {
		gw_err("%s: inflateInit2 failed", __func__);
		return -1;
	}
	z->inf_ok = 1;
	return 0;
}

void
dp_comp_free(struct dp_comp *z)
{
	if (z->def_ok)
		deflateEnd(&z->def);
	if (z->inf_ok)
		inflateEnd(&z->inf);
	free(z->scratch);
	memset(z, 0, sizeof(*z));
}

/*
 * Compresses in into at most cap bytes of out.  Returns 1 with *out_len
 * set when the whole packet fit, 0 when it did not (the caller sends it
 * uncompressed), DP_E_CRYPTO on a zlib failure.
 */
int
dp_comp_deflate(struct dp_comp *z, const uint8_t *in, size_t len, uint8_t *out,
                size_t cap, size_t *out_len)
{
	int rc;

	if (!z->def_ok || deflateReset(&z->def) != Z_OK)
		return DP_E_CRYPTO;
	z->def.next_in = in;
	z->def.avail_in = (uInt)len;
	z->def.next_out = out;
	z->def.avail_out = (uInt)cap;
	rc = deflate(&z->def, Z_FINISH);
	if (rc == Z_STREAM_END) {
		*out_len = cap - z->def.avail_out;
		return 1;
	}
	/* Z_OK or Z_BUF_ERROR: out of room, i.e. not smaller. */
	return rc == Z_OK || rc == Z_BUF_ERROR ? 0 : DP_E_CRYPTO;
}

/*
 * Inflates one IPComp payload into out (cap bytes at most, and never more
 * than an IPv4 datagram).  The payload must be exactly one complete
 * deflate stream, as RFC 2394 senders finish each datagram; a truncated
 * stream, trailing bytes or corrupt data are DP_E_DECOMP.
 */
int
dp_comp_inflate(struct dp_comp *z, const uint8_t *in, size_t len, uint8_t *out,
                size_t cap, size_t *out_len)
{
	size_t room = cap < DP_IP_MAX ? cap : DP_IP_MAX;
	int rc;

	if (!z->inf_ok || inflateReset(&z->inf) != Z_OK)
		return DP_E_CRYPTO;
	if (len == 0)
		return DP_E_DECOMP;
	z->inf.next_in = in;
	z->inf.avail_in = (uInt)len;
	z->inf.next_out = out;
	z->inf.avail_out = (uInt)room;
	rc = inflate(&z->inf, Z_FINISH);
	if (rc == Z_STREAM_END && z->inf.avail_in == 0) {
		*out_len = room - z->inf.avail_out;
		return 0;
	}
	if (z->inf.avail_out == 0 && room < DP_IP_MAX)
		return DP_E_NOSPACE;
	return DP_E_DECOMP;
}
