/*
 * dp_spd.h - the security policy database: the ordered rule chain of
 * struct dp_policy compiled for first-match lookups that stay fast with
 * thousands of rules, and the packet fields the rules look at.
 */
#ifndef IPSECGW_DP_SPD_H
#define IPSECGW_DP_SPD_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane.h"

/* What a rule compares, from an inner IPv4 packet (host order). */
struct dp_flow {
	uint32_t src, dst;
	uint8_t proto;
	uint16_t sport, dport; /* 0 unless TCP/UDP and first fragment */
};

struct dp_spd;

/* Compiles a copy of the rules; NULL when out of memory. */
struct dp_spd *dp_spd_new(const struct dp_rule *rules, size_t n);
void dp_spd_free(struct dp_spd *s);
size_t dp_spd_count(const struct dp_spd *s);
const struct dp_rule *dp_spd_rule(const struct dp_spd *s, size_t i);
/*
 * Outbound: the position of the first rule whose local side matches the
 * source and remote side the destination, or -1.
 */
long dp_spd_lookup(const struct dp_spd *s, const struct dp_flow *f);
/* The same by scanning every rule (tests compare both). */
long dp_spd_lookup_linear(const struct dp_spd *s, const struct dp_flow *f);

/* 0 and *f filled for a well-formed IPv4 packet, -1 otherwise. */
int dp_flow_parse(const uint8_t *pkt, size_t len, struct dp_flow *f);
/* 1 if the address/port lies within the selector. */
int dp_sel_match(const struct dp_sel *s, uint32_t addr, uint16_t port);

#endif
