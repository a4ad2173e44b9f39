/*
 * dp_sa.h - one IPsec SA pair of the dataplane (tunnel mode, IPv4): the
 * keyed cipher/HMAC/deflate state of both directions, the outbound sequence
 * number, the inbound anti-replay window, lifetimes and per-SA counters,
 * and the two operations on packets: encapsulate an inner IP packet into an
 * outer one (ESP RFC 4303, AH RFC 4302, IPComp RFC 3173, UDP encapsulation
 * RFC 3948) and the reverse.
 *
 * Algorithms arrive resolved (OpenSSL names, lengths) so that this module
 * needs no algorithm table of its own: the agent fills struct dp_alg from
 * the IKE engine's descriptors.  Nothing is allocated per packet.
 */
#ifndef IPSECGW_DP_SA_H
#define IPSECGW_DP_SA_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dataplane.h"

/* Results of dp_sa_encap/dp_sa_decap (negative) and their counters. */
enum dp_err {
	DP_OK = 0,
	DP_E_MALFORMED = -1, /* too short, bad lengths, bad header */
	DP_E_AUTH = -2,      /* ICV mismatch */
	DP_E_REPLAY = -3,    /* sequence number seen or left of the window */
	DP_E_PAD = -4,       /* padding bytes or pad length wrong */
	DP_E_DECOMP = -5,    /* IPComp payload does not inflate */
	DP_E_NOSPACE = -6,   /* output buffer too small */
	DP_E_EXPIRED = -7,   /* hard lifetime or sequence number exhausted */
	DP_E_CRYPTO = -8,    /* library failure (logged) */
};

/* Lifetime state reported by dp_sa_life(). */
enum dp_life {
	DP_LIFE_OK = 0,
	DP_LIFE_SOFT, /* time for a rekey (once per SA) */
	DP_LIFE_HARD, /* the SA must go */
};

/* Room a caller leaves in front of and behind a packet for encapsulation. */
#define DP_SA_OVERHEAD 128

struct dp_sa;

/*
 * Keys the contexts of both directions from c (which the caller cleanses
 * afterwards; the SA keeps only library contexts and cleanses its copies).
 * now is the install time for lifetimes.  NULL on bad or unsupported
 * parameters, logged without key material.
 */
struct dp_sa *dp_sa_new(const struct dp_sa_conf *c, time_t now);
void dp_sa_free(struct dp_sa *sa);
const struct dp_sa_conf *dp_sa_conf(const struct dp_sa *sa); /* keys zeroed */
const struct dp_sa_stats *dp_sa_stats(const struct dp_sa *sa);

/*
 * Outbound: in is an inner IPv4 packet of len bytes.  out receives the whole
 * outer IPv4 packet as it goes on the wire: IPv4 header (src local, dst
 * remote, protocol 50/51, or 17 with a UDP header from local_port to
 * remote_port when the SA is UDP-encapsulated), then ESP or AH, with the
 * inner packet compressed first when the SA has IPComp and that shrinks it.
 * *out_len is set on success.  Counts bytes/packets out.
 */
int dp_sa_encap(struct dp_sa *sa, const uint8_t *in, size_t len, uint8_t *out,
                size_t cap, size_t *out_len);

/*
 * Inbound: pkt is the whole outer IPv4 packet as received (for a
 * UDP-encapsulated SA the caller may pass just the UDP payload with
 * udp_payload set, since a UDP socket delivers only that).  The SPI must
 * be this SA's inbound one (the caller looked it up).  out receives the
 * inner IPv4 packet; it is checked for a sane IPv4 header but not against
 * selectors.  Counts bytes/packets in and every error by cause.
 */
int dp_sa_decap(struct dp_sa *sa, const uint8_t *pkt, size_t len,
                int udp_payload, uint8_t *out, size_t cap, size_t *out_len);

/* Soft/hard lifetime check by time and bytes; SOFT is returned once. */
enum dp_life dp_sa_life(struct dp_sa *sa, time_t now);

/*
 * Finds the protocol and SPI of an inbound IPsec packet without keys: for
 * a whole IPv4 packet (proto ESP, AH) or a UDP payload (ESP in UDP, the
 * caller has already skipped IKE's non-ESP marker traffic).  Returns 0 and
 * fills *proto (DP_PROTO_ESP/AH) and *spi (host order), or DP_E_MALFORMED.
 */
int dp_sa_peek(const uint8_t *pkt, size_t len, int udp_payload, uint8_t *proto,
               uint32_t *spi);

#endif
