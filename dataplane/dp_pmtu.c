/*
 * dp_pmtu.c - "propagate PMTU" (S2): the path MTU towards a peer as the
 * kernel knows it, and the ICMP "fragmentation needed" that tells the
 * sender of a too large protected packet how much fits into the tunnel.
 *
 * The kernel learns a smaller path MTU from the ICMP a router sends back
 * for our outer packets (raw and UDP sockets update the route's PMTU);
 * we read it with IP_MTU on a UDP socket connected to the peer.  Without
 * propagation the outer header carries no DF, and routers fragment.
 */
#include "dp_int.h"
#include "dp_pmtu.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ICMP_HLEN      8
#define ICMP_QUOTE     8 /* octets of the datagram after its header */
#define DP_PROTO_ICMP  1
#define ICMP_UNREACH   3
#define ICMP_FRAG_NEED 4
#define DP_PMTU_FLOOR  552 /* Linux's min_pmtu: smaller is not believed */
#define DP_IP_MF       0x2000

uint16_t
dp_pmtu_query(uint32_t dst, uint32_t mark)
{
	struct sockaddr_in sin;
	int mtu = 0, fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	socklen_t len = sizeof(mtu);

	if (fd < 0)
		return 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(9); /* any: only the route matters */
	sin.sin_addr.s_addr = htonl(dst);
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0 ||
	    connect(fd, (const struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &len) < 0)
		mtu = 0;
	close(fd);
	return mtu > 0 && mtu <= UINT16_MAX ? (uint16_t)mtu : 0;
}

/*
 * The largest inner packet whose protected form fits into path_mtu, when
 * one of inner_len bytes became out_len bytes: the per-packet overhead
 * plus a cipher block of padding, in case a shorter packet pads more.
 */
uint16_t
dp_pmtu_inner(size_t inner_len, size_t out_len, uint16_t path_mtu)
{
	size_t overhead = out_len - inner_len + DP_IV_MAX - 1;

	if (out_len <= inner_len || path_mtu <= overhead + DP_PMTU_FLOOR)
		return DP_PMTU_FLOOR;
	return (uint16_t)((path_mtu - overhead) & ~3u);
}

int
dp_pmtu_df(const uint8_t *pkt)
{
	return (dp_get16(pkt + 6) & DP_IP_DF) != 0;
}

uint32_t
dp_pmtu_src(const uint8_t *pkt)
{
	return dp_get32(pkt + 12);
}

size_t
dp_pmtu_icmp(const uint8_t *inner, size_t len, uint16_t mtu, uint8_t *out,
             size_t cap)
{
	size_t ihl, quote, total;

	if (len < DP_IP_HLEN || (inner[0] >> 4) != 4)
		return 0;
	ihl = (size_t)(inner[0] & 0x0f) * 4;
	if (ihl < DP_IP_HLEN || ihl > len)
		return 0;
	/* Never about an ICMP error, nor a later fragment (RFC 1812). */
	if ((dp_get16(inner + 6) & 0x1fff) != 0 ||
	    (inner[9] == DP_PROTO_ICMP && len > ihl && inner[ihl] != 0 &&
	     inner[ihl] != 8))
		return 0;
	quote = ihl + (len - ihl < ICMP_QUOTE ? len - ihl : ICMP_QUOTE);
	total = DP_IP_HLEN + ICMP_HLEN + quote;
	if (total > cap)
		return 0;
	memset(out, 0, DP_IP_HLEN + ICMP_HLEN);
	out[0] = 0x45;
	out[1] = 0xc0; /* internetwork control, as routers send ICMP */
	dp_put16(out + 2, (uint16_t)total);
	out[8] = 64;
	out[9] = DP_PROTO_ICMP;
	/* Source 0: the kernel fills in our address towards the sender. */
	memcpy(out + 16, inner + 12, 4);
	out[DP_IP_HLEN] = ICMP_UNREACH;
	out[DP_IP_HLEN + 1] = ICMP_FRAG_NEED;
	dp_put16(out + DP_IP_HLEN + 6, mtu);
	memcpy(out + DP_IP_HLEN + ICMP_HLEN, inner, quote);
	dp_put16(out + DP_IP_HLEN + 2,
	         dp_pkt_cksum(out + DP_IP_HLEN, ICMP_HLEN + quote));
	return total;
}

/*
 * One fragment (RFC 791) of an outer packet that is larger than the path
 * MTU and may be fragmented: raw sockets with our own IP header are not
 * fragmented by the kernel, so the dataplane does it.  *off is the next
 * payload offset, advanced here; 0 returned when all was written.
 */
size_t
dp_pmtu_frag(const uint8_t *pkt, size_t len, uint16_t mtu, size_t *off,
             uint8_t *out)
{
	size_t ihl = (size_t)(pkt[0] & 0x0f) * 4, room, n;
	uint16_t fo;

	if (len < ihl || *off >= len - ihl || mtu < ihl + 8 ||
	    (dp_get16(pkt + 6) & DP_IP_DF))
		return 0;
	room = (mtu - ihl) & ~(size_t)7;
	n = len - ihl - *off;
	if (n > room)
		n = room;
	memcpy(out, pkt, ihl);
	memcpy(out + ihl, pkt + ihl + *off, n);
	/* Our outer packets are never fragments themselves: offset from 0. */
	fo = (uint16_t)(*off >> 3);
	if (*off + n < len - ihl)
		fo |= DP_IP_MF;
	dp_put16(out + 2, (uint16_t)(ihl + n));
	dp_put16(out + 6, fo);
	dp_put16(out + 10, 0);
	dp_put16(out + 10, dp_pkt_cksum(out, ihl));
	*off += n;
	return ihl + n;
}
