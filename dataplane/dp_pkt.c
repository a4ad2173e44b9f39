/*
 * dp_pkt.c - the IPv4 and UDP headers around ESP and AH: building the
 * outer header of an outbound packet, checking the outer header of an
 * inbound one, the sanity check of a decapsulated inner packet, and
 * dp_sa_peek, which finds the SPI of an inbound packet without keys.
 */
#include "dp_int.h"

#include <string.h>

#define IP_TTL_OUT 64

/* The Internet checksum (RFC 1071) over len bytes, in host order. */
uint16_t
dp_pkt_cksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += dp_get16(p + i);
	if (len % 2 != 0)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16 != 0)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Writes the outer IPv4 header (and the UDP header for ESP in UDP) of a
 * total-byte packet: DSCP copied from the inner packet (RFC 4301
 * 5.1.2.1), DF as the caller decided (propagate PMTU), ECN not copied, identification from the SA's counter, UDP
 * checksum 0 as RFC 3948 allows.
 */
void
dp_pkt_outer_build(struct dp_sa *sa, uint8_t *out, size_t total, uint8_t proto,
                   uint8_t tos, uint16_t df)
{
	out[0] = 0x45;
	out[1] = tos & 0xfc;
	dp_put16(out + 2, (uint16_t)total);
	dp_put16(out + 4, sa->ip_id++);
	dp_put16(out + 6, df & DP_IP_DF);
	out[8] = IP_TTL_OUT;
	out[9] = proto;
	dp_put16(out + 10, 0);
	dp_put32(out + 12, sa->conf.local);
	dp_put32(out + 16, sa->conf.remote);
	dp_put16(out + 10, dp_pkt_cksum(out, DP_IP_HLEN));
	if (proto != DP_PROTO_UDP)
		return;
	dp_put16(out + DP_IP_HLEN, sa->conf.local_port);
	dp_put16(out + DP_IP_HLEN + 2, sa->conf.remote_port);
	dp_put16(out + DP_IP_HLEN + 4, (uint16_t)(total - DP_IP_HLEN));
	dp_put16(out + DP_IP_HLEN + 6, 0);
}

/*
 * Checks an inbound outer header: IPv4, a sane header and total length
 * (bytes beyond the total length are ignored), a correct header checksum
 * and no fragment (the kernel reassembles before a raw socket sees it).
 * For UDP the UDP length must match and o->off points past it.
 */
int
dp_pkt_outer_parse(const uint8_t *pkt, size_t len, struct dp_outer *o)
{
	memset(o, 0, sizeof(*o));
	if (len < DP_IP_HLEN || pkt[0] >> 4 != 4)
		return DP_E_MALFORMED;
	o->hlen = (size_t)(pkt[0] & 0x0f) * 4;
	o->len = dp_get16(pkt + 2);
	o->proto = pkt[9];
	if (o->hlen < DP_IP_HLEN || o->len < o->hlen || o->len > len ||
	    (dp_get16(pkt + 6) & DP_IP_MF_OFF) != 0 ||
	    dp_pkt_cksum(pkt, o->hlen) != 0)
		return DP_E_MALFORMED;
	o->off = o->hlen;
	if (o->proto != DP_PROTO_UDP)
		return 0;
	if (o->len - o->hlen < DP_UDP_HLEN ||
	    dp_get16(pkt + o->hlen + 4) != o->len - o->hlen)
		return DP_E_MALFORMED;
	o->off += DP_UDP_HLEN;
	return 0;
}

/* A decapsulated packet must be one whole IPv4 datagram. */
int
dp_pkt_inner_ok(const uint8_t *p, size_t len)
{
	size_t hl;

	if (len < DP_IP_HLEN || p[0] >> 4 != 4)
		return DP_E_MALFORMED;
	hl = (size_t)(p[0] & 0x0f) * 4;
	if (hl < DP_IP_HLEN || dp_get16(p + 2) != len || hl > len)
		return DP_E_MALFORMED;
	return 0;
}

/* The SPI of an ESP header in a UDP payload; 0 is IKE's non-ESP marker. */
static int
peek_esp(const uint8_t *p, size_t len, uint8_t *proto, uint32_t *spi)
{
	if (len < DP_ESP_HLEN || dp_get32(p) == 0)
		return DP_E_MALFORMED;
	*proto = DP_PROTO_ESP;
	*spi = dp_get32(p);
	return 0;
}

int
dp_sa_peek(const uint8_t *pkt, size_t len, int udp_payload, uint8_t *proto,
           uint32_t *spi)
{
	struct dp_outer o;
	const uint8_t *p;

	if (udp_payload)
		return peek_esp(pkt, len, proto, spi);
	if (dp_pkt_outer_parse(pkt, len, &o) != 0)
		return DP_E_MALFORMED;
	p = pkt + o.off;
	switch (o.proto) {
	case DP_PROTO_ESP:
	case DP_PROTO_UDP:
		return peek_esp(p, o.len - o.off, proto, spi);
	case DP_PROTO_AH:
		if (o.len - o.off < DP_AH_HLEN || dp_get32(p + 4) == 0)
			return DP_E_MALFORMED;
		*proto = DP_PROTO_AH;
		*spi = dp_get32(p + 4);
		return 0;
	default:
		return DP_E_MALFORMED;
	}
}
