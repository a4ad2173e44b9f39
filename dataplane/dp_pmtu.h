/*
 * dp_pmtu.h - path MTU towards a peer and the ICMP "fragmentation
 * needed" for a protected packet that does not fit (dp_pmtu.c).
 */
#ifndef IPSECGW_DP_PMTU_H
#define IPSECGW_DP_PMTU_H

#include <stddef.h>
#include <stdint.h>

/* The kernel's path MTU to dst (route lookup with mark), 0 if unknown. */
uint16_t dp_pmtu_query(uint32_t dst, uint32_t mark);
/* The inner MTU to announce when inner_len bytes became out_len bytes. */
uint16_t dp_pmtu_inner(size_t inner_len, size_t out_len, uint16_t path_mtu);
/* Whether the (checked) IPv4 packet forbids fragmentation. */
int dp_pmtu_df(const uint8_t *pkt);
/* Its source address, host order. */
uint32_t dp_pmtu_src(const uint8_t *pkt);
/* ICMP type 3 code 4 to the sender of inner (IPv4, source left 0 for the
 * kernel), announcing mtu; its length, or 0 when none may be sent. */
size_t dp_pmtu_icmp(const uint8_t *inner, size_t len, uint16_t mtu,
                    uint8_t *out, size_t cap);

/* The next fragment of pkt for mtu into out (advancing *off); 0: done,
 * or the packet may not be fragmented (DF). */
size_t dp_pmtu_frag(const uint8_t *pkt, size_t len, uint16_t mtu, size_t *off,
                    uint8_t *out);

#endif
