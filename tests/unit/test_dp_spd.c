/*
 * test_dp_spd.c - the policy lookup and the outbound policy path: first
 * match in rule order (not most specific), selectors, ports and protocol,
 * the active-rule chain as the agent flattens it, the indexed lookup
 * against a plain scan on thousands of random rules, and packets through
 * dp_output with pass / drop / protect-with-acquire / default actions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "dataplane.h"
#include "dp_spd.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static struct dp_sel
net(uint32_t addr, int plen)
{
	struct dp_sel s = {0};
	uint32_t mask = plen == 0 ? 0 : UINT32_MAX << (32 - plen);

	s.type = plen == 0 ? DP_SEL_ANY : DP_SEL_NET;
	s.first = addr & mask;
	s.last = s.first | ~mask;
	return s;
}

static struct dp_rule
rule(int32_t index, uint8_t action, uint8_t proto, struct dp_sel l,
     struct dp_sel r)
{
	struct dp_rule x = {0};

	x.index = index;
	x.action = action;
	x.proto = proto;
	x.local = l;
	x.remote = r;
	x.list = DP_LIST_PEER;
	return x;
}

static struct dp_flow
flow(uint32_t src, uint32_t dst, uint8_t proto, uint16_t sp, uint16_t dp)
{
	struct dp_flow f = {src, dst, proto, sp, dp};

	return f;
}

static void
first_match_not_most_specific(void **state)
{
	struct dp_rule r[3];
	struct dp_spd *s;
	struct dp_flow f = flow(A(10, 1, 0, 5), A(10, 2, 0, 7), 1, 0, 0);

	(void)state;
	r[0] = rule(1, DP_PASS, 0, net(0, 0), net(A(10, 2, 0, 0), 16));
	r[1] = rule(2, DP_DROP, 0, net(0, 0), net(A(10, 2, 0, 7), 32));
	r[2] = rule(3, DP_PROTECT, 0, net(A(10, 1, 0, 0), 24), net(0, 0));
	s = dp_spd_new(r, 3);
	assert_non_null(s);
	assert_int_equal(dp_spd_lookup(s, &f), 0);
	f.dst = A(10, 3, 0, 1);
	assert_int_equal(dp_spd_lookup(s, &f), 2);
	f.src = A(10, 9, 0, 1);
	assert_int_equal(dp_spd_lookup(s, &f), -1);
	dp_spd_free(s);
}

static void
ports_and_protocol(void **state)
{
	struct dp_rule r[2];
	struct dp_spd *s;
	struct dp_flow f = flow(A(1, 1, 1, 1), A(2, 2, 2, 2), 17, 500, 500);

	(void)state;
	r[0] = rule(1, DP_PASS, 17, net(0, 0), net(0, 0));
	r[0].local.port = 500;
	r[0].remote.port = 500;
	r[1] = rule(2, DP_DROP, 6, net(0, 0), net(0, 0));
	s = dp_spd_new(r, 2);
	assert_int_equal(dp_spd_lookup(s, &f), 0);
	f.dport = 4500;
	assert_int_equal(dp_spd_lookup(s, &f), -1);
	f.proto = 6;
	assert_int_equal(dp_spd_lookup(s, &f), 1);
	dp_spd_free(s);
}

static void
ranges(void **state)
{
	struct dp_rule r[1];
	struct dp_spd *s;
	struct dp_sel rg = {DP_SEL_RANGE, A(10, 0, 0, 10), A(10, 0, 0, 20), 0};
	struct dp_flow f = flow(1, A(10, 0, 0, 10), 1, 0, 0);

	(void)state;
	r[0] = rule(1, DP_DROP, 0, net(0, 0), rg);
	s = dp_spd_new(r, 1);
	assert_int_equal(dp_spd_lookup(s, &f), 0);
	f.dst = A(10, 0, 0, 20);
	assert_int_equal(dp_spd_lookup(s, &f), 0);
	f.dst = A(10, 0, 0, 21);
	assert_int_equal(dp_spd_lookup(s, &f), -1);
	f.dst = A(10, 0, 0, 9);
	assert_int_equal(dp_spd_lookup(s, &f), -1);
	f.dst = UINT32_MAX;
	assert_int_equal(dp_spd_lookup(s, &f), -1);
	dp_spd_free(s);
}

/* The index must agree with the plain scan on every lookup. */
static void
index_agrees_with_scan(void **state)
{
	enum { N = 3000, LOOKUPS = 200000 };
	struct dp_rule *r = calloc(N, sizeof(*r));
	struct dp_spd *s;
	unsigned seed = 12345;
	size_t i;

	(void)state;
	for (i = 0; i < N; i++) {
		uint32_t base =
		    A(10, rand_r(&seed) % 64, rand_r(&seed) % 256, 0);
		int plen = 16 + rand_r(&seed) % 17;

		r[i] = rule((int32_t)i + 1, (uint8_t)(1 + i % 3),
		            i % 7 == 0 ? 6 : 0, net(A(192, 168, 0, 0), 16),
		            net(base, plen));
		if (i % 97 == 0)
			r[i].remote = net(0, 0);
		if (i % 31 == 0) {
			r[i].remote.type = DP_SEL_RANGE;
			r[i].remote.last = r[i].remote.first + 1000;
		}
	}
	s = dp_spd_new(r, N);
	assert_non_null(s);
	for (i = 0; i < LOOKUPS; i++) {
		struct dp_flow f =
		    flow(A(192, 168, rand_r(&seed) % 256, 1),
		         A(10, rand_r(&seed) % 64, rand_r(&seed) % 256,
		           rand_r(&seed) % 256),
		         (uint8_t)(i % 2 ? 6 : 1), 0, (uint16_t)(i % 3));

		assert_int_equal(dp_spd_lookup(s, &f),
		                 dp_spd_lookup_linear(s, &f));
	}
	dp_spd_free(s);
	free(r);
}

static size_t
udp_packet(uint8_t *p, uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp)
{
	memset(p, 0, 28);
	p[0] = 0x45;
	p[3] = 28;
	p[8] = 64;
	p[9] = 17;
	for (int i = 0; i < 4; i++) {
		p[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		p[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	p[20] = (uint8_t)(sp >> 8);
	p[21] = (uint8_t)sp;
	p[22] = (uint8_t)(dp >> 8);
	p[23] = (uint8_t)dp;
	p[25] = 8;
	return 28;
}

static void
flow_parse_prefixes(void **state)
{
	uint8_t p[28];
	struct dp_flow f;
	size_t n = udp_packet(p, A(1, 2, 3, 4), A(5, 6, 7, 8), 1000, 53), k;

	(void)state;
	assert_int_equal(dp_flow_parse(p, n, &f), 0);
	assert_int_equal(f.src, A(1, 2, 3, 4));
	assert_int_equal(f.dport, 53);
	/* A prefix shorter than the IPv4 total length is malformed. */
	for (k = 0; k < n; k++)
		assert_int_equal(dp_flow_parse(p, k, &f), -1);
	p[6] = 0x20; /* more fragments, offset 0: ports still there */
	assert_int_equal(dp_flow_parse(p, n, &f), 0);
	assert_int_equal(f.sport, 1000);
	p[7] = 1; /* a later fragment: no ports */
	assert_int_equal(dp_flow_parse(p, n, &f), 0);
	assert_int_equal(f.sport, 0);
}

struct acq {
	int calls;
	int32_t peer, traffic;
};

static void
on_acquire(void *arg, int32_t peer, int32_t traffic)
{
	struct acq *a = arg;

	a->calls++;
	a->peer = peer;
	a->traffic = traffic;
}

/* Policy through dp_output: counters and the acquire for protect. */
static void
output_policy(void **state)
{
	struct event_base *base = event_base_new();
	struct dp_conf conf = {.no_io = 1};
	struct dp_callbacks cb = {.acquire = on_acquire};
	struct acq acq = {0};
	struct dataplane *dp = dp_new(base, &conf, &cb, &acq);
	struct dp_rule r[3];
	struct dp_policy pol = {1, 0, r, 3};
	struct dp_stats st;
	uint8_t p[28];

	(void)state;
	assert_non_null(dp);
	r[0] = rule(11, DP_DROP, 17, net(0, 0), net(A(10, 2, 0, 9), 32));
	r[0].list = DP_LIST_PRE;
	r[1] = rule(12, DP_PROTECT, 0, net(A(10, 1, 0, 0), 24),
	            net(A(10, 2, 0, 0), 24));
	r[1].peer = 7;
	r[2] = rule(13, DP_PASS, 0, net(0, 0), net(A(10, 3, 0, 0), 24));
	r[2].list = DP_LIST_POST;
	assert_int_equal(dp_set_policy(dp, &pol), 0);

	dp_output(dp, p, udp_packet(p, A(10, 1, 0, 1), A(10, 2, 0, 9), 1, 2));
	dp_output(dp, p, udp_packet(p, A(10, 1, 0, 1), A(10, 2, 0, 8), 1, 2));
	dp_output(dp, p, udp_packet(p, A(10, 1, 0, 1), A(10, 3, 0, 8), 1, 2));
	dp_output(dp, p, udp_packet(p, A(10, 1, 0, 1), A(10, 4, 0, 8), 1, 2));
	dp_output(dp, p, 10); /* truncated */
	dp_get_stats(dp, &st);
	assert_int_equal(st.out_total, 5);
	assert_int_equal(st.out_dropped, 2); /* pre rule, default drop */
	assert_int_equal(st.out_passed, 1);
	assert_int_equal(st.out_errors, 1);
	assert_int_equal(acq.calls, 1);
	assert_int_equal(acq.peer, 7);
	assert_int_equal(acq.traffic, 12);
	assert_int_equal(dp_rule_matches(dp, 11), 1);
	assert_int_equal(dp_rule_matches(dp, 12), 1);

	/* Counters survive a new policy; default pass; IPsec off. */
	pol.default_pass = 1;
	assert_int_equal(dp_set_policy(dp, &pol), 0);
	assert_int_equal(dp_rule_matches(dp, 11), 1);
	dp_output(dp, p, udp_packet(p, A(10, 1, 0, 1), A(10, 4, 0, 8), 1, 2));
	pol.enabled = 0;
	assert_int_equal(dp_set_policy(dp, &pol), 0);
	dp_output(dp, p, udp_packet(p, A(10, 1, 0, 1), A(10, 2, 0, 9), 1, 2));
	dp_get_stats(dp, &st);
	assert_int_equal(st.out_passed, 3);
	assert_int_equal(dp_rule_matches(dp, 11), 1);
	dp_free(dp);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(first_match_not_most_specific),
	    cmocka_unit_test(ports_and_protocol),
	    cmocka_unit_test(ranges),
	    cmocka_unit_test(index_agrees_with_scan),
	    cmocka_unit_test(flow_parse_prefixes),
	    cmocka_unit_test(output_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
