/*
 * dp_ah.c - AH in tunnel mode (RFC 4302), IPv4 outer header without
 * options.
 *
 *   outer IPv4 | NH | Len | Reserved | SPI | Seq | ICV (+pad) | payload
 *
 * Len is the AH length in 32-bit words minus 2; the ICV field is padded
 * to a multiple of 4 bytes (IPv4).  The ICV covers the outer header with
 * its mutable fields (TOS, flags and fragment offset, TTL, checksum) set
 * to zero, the AH header with a zero ICV field, and the payload.  The
 * payload is the inner packet (NH 4) or IPComp (NH 108).
 */
#include "dp_int.h"

#include <string.h>

#include <openssl/crypto.h>

static const uint8_t zeros[DP_ICV_MAX];

static size_t
ah_len(const struct dp_sa *sa)
{
	return DP_AH_HLEN + dp_roundup(sa->conf.alg.icv_len, 4);
}

/*
 * The ICV of the len-byte packet at ip whose AH header (ahl bytes) follows
 * a 20-byte IPv4 header.  The input stays untouched: the header is copied
 * to zero its mutable fields and the ICV field is fed as zeros.
 */
static int
ah_icv(struct dp_mac *m, const uint8_t *ip, size_t len, size_t ahl,
       uint8_t *icv)
{
	uint8_t hdr[DP_IP_HLEN];
	struct dp_iov v[4];

	memcpy(hdr, ip, DP_IP_HLEN);
	hdr[1] = 0;            /* TOS */
	hdr[6] = hdr[7] = 0;   /* flags, fragment offset */
	hdr[8] = 0;            /* TTL */
	hdr[10] = hdr[11] = 0; /* header checksum */
	v[0].p = hdr;
	v[0].len = DP_IP_HLEN;
	v[1].p = ip + DP_IP_HLEN;
	v[1].len = DP_AH_HLEN;
	v[2].p = zeros;
	v[2].len = ahl - DP_AH_HLEN;
	v[3].p = ip + DP_IP_HLEN + ahl;
	v[3].len = len - DP_IP_HLEN - ahl;
	return dp_mac_compute(m, v, 4, icv);
}

/* Payload first (src may lie in out's headroom), then the headers. */
int
dp_ah_encap(struct dp_sa *sa, const uint8_t *src, size_t slen, uint8_t nh,
            uint8_t tos, uint16_t df, uint8_t *out, size_t cap, size_t *out_len)
{
	size_t ahl = ah_len(sa), total = DP_IP_HLEN + ahl + slen;
	uint8_t *ah = out + DP_IP_HLEN;
	int rc;

	if (total > cap || total > DP_IP_MAX)
		return DP_E_NOSPACE;
	if (sa->seq_out == UINT32_MAX)
		return DP_E_EXPIRED;
	memmove(ah + ahl, src, slen);
	ah[0] = nh;
	ah[1] = (uint8_t)(ahl / 4 - 2);
	ah[2] = ah[3] = 0;
	dp_put32(ah + 4, sa->conf.spi_out);
	dp_put32(ah + 8, ++sa->seq_out);
	dp_pkt_outer_build(sa, out, total, DP_PROTO_AH, tos, df);
	if ((rc = dp_ah_protect(sa, out, total)) != 0)
		return rc;
	*out_len = total;
	return 0;
}

/*
 * Computes and writes the ICV of a complete outbound AH packet (outer
 * header without options, AH header filled in).  Also used by the tests
 * and the fuzz harness to authenticate packets they crafted.
 */
int
dp_ah_protect(struct dp_sa *sa, uint8_t *ip, size_t len)
{
	size_t ahl = ah_len(sa);
	uint8_t *icv = ip + DP_IP_HLEN + DP_AH_HLEN;

	if (len < DP_IP_HLEN + ahl || (ip[0] & 0x0f) != 5)
		return DP_E_MALFORMED;
	memset(icv, 0, ahl - DP_AH_HLEN);
	return ah_icv(&sa->mac_out, ip, len, ahl, icv);
}

/*
 * Inbound: ip is the whole outer packet of len bytes (its total length).
 * Header and lengths, the replay window (check), the ICV in constant
 * time, then the window update.  The payload stays where it is.
 */
int
dp_ah_decap(struct dp_sa *sa, const uint8_t *ip, size_t len,
            const uint8_t **payload, size_t *plen, uint8_t *nh)
{
	size_t ahl = ah_len(sa);
	const uint8_t *ah = ip + DP_IP_HLEN;
	uint8_t icv[DP_ICV_MAX];
	uint32_t seq;
	int rc;

	/* Options would need their own mutable/immutable treatment. */
	if ((ip[0] & 0x0f) != 5 || len < DP_IP_HLEN + ahl ||
	    ((size_t)ah[1] + 2) * 4 != ahl ||
	    dp_get32(ah + 4) != sa->conf.spi_in)
		return DP_E_MALFORMED;
	seq = dp_get32(ah + 8);
	if ((rc = dp_replay_check(&sa->replay, seq)) != 0)
		return rc;
	if ((rc = ah_icv(&sa->mac_in, ip, len, ahl, icv)) != 0)
		return rc;
	rc = CRYPTO_memcmp(icv, ah + DP_AH_HLEN, sa->mac_in.icv_len) != 0
	         ? DP_E_AUTH
	         : 0;
	OPENSSL_cleanse(icv, sizeof(icv));
	if (rc != 0)
		return rc;
	dp_replay_update(&sa->replay, seq);
	*nh = ah[0];
	*payload = ah + ahl;
	*plen = len - DP_IP_HLEN - ahl;
	return 0;
}
