/*
 * test_dp_pmtu.c - propagate PMTU (S2): the outer DF follows the inner
 * packet only with propagation; the inner MTU announced for a packet that
 * does not fit; the ICMP "fragmentation needed" built for its sender, and
 * none for ICMP errors or later fragments; every truncated prefix of the
 * inner packet gives no ICMP or a well-formed one; an outer packet split
 * for a smaller path MTU.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dp_int.h"
#include "dp_pmtu.h"
#include "test_dp_util.h"

static uint8_t in[1500], out[1600], icmp[128];

/* Without propagation the outer header never forbids fragmentation. */
static void
df_follows_setting(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t olen;

	(void)state;
	tu_conf(&c, &tu_aes, &tu_sha1);
	c.pmtu = 0;
	tu_pair(&c, &us, &peer);
	tu_inner(in, 1400, 1, 1); /* tu_inner sets DF */
	assert_true(dp_pmtu_df(in));
	assert_int_equal(dp_sa_encap(peer, in, 1400, out, sizeof(out), &olen),
	                 0);
	assert_int_equal(dp_get16(out + 6), 0);
	dp_sa_free(us);
	dp_sa_free(peer);
	tu_conf(&c, &tu_aes, &tu_sha1);
	tu_pair(&c, &us, &peer);
	assert_int_equal(dp_sa_encap(peer, in, 1400, out, sizeof(out), &olen),
	                 0);
	assert_int_equal(dp_get16(out + 6), DP_IP_DF);
	dp_sa_free(us);
	dp_sa_free(peer);
}

static void
inner_mtu(void **state)
{
	(void)state;
	/* 1400 bytes became 1458: 58 of overhead, +15 of padding slack. */
	assert_int_equal(dp_pmtu_inner(1400, 1458, 1300), (1300 - 73) & ~3u);
	assert_int_equal(dp_pmtu_inner(1400, 1458, 600), 552);
	assert_int_equal(dp_pmtu_inner(1400, 1400, 1300), 552);
}

static void
icmp_for_sender(void **state)
{
	size_t n;

	(void)state;
	tu_inner(in, 1400, 1, 2);
	n = dp_pmtu_icmp(in, 1400, 1232, icmp, sizeof(icmp));
	assert_int_equal(n, 20 + 8 + 20 + 8);
	assert_int_equal(icmp[0], 0x45);
	assert_int_equal(dp_get16(icmp + 2), n);
	assert_int_equal(icmp[9], 1);
	assert_int_equal(dp_get32(icmp + 12), 0); /* the kernel picks it */
	assert_int_equal(dp_get32(icmp + 16), dp_pmtu_src(in));
	assert_int_equal(icmp[20], 3);
	assert_int_equal(icmp[21], 4);
	assert_int_equal(dp_get16(icmp + 26), 1232);
	assert_int_equal(dp_pkt_cksum(icmp + 20, n - 20), 0);
	assert_memory_equal(icmp + 28, in, 28);
	/* Too small a buffer: nothing. */
	assert_int_equal(dp_pmtu_icmp(in, 1400, 1232, icmp, 40), 0);
}

static void
no_icmp_about_errors(void **state)
{
	(void)state;
	tu_inner(in, 100, 1, 3);
	in[9] = 1;  /* ICMP ... */
	in[20] = 3; /* ... destination unreachable */
	assert_int_equal(dp_pmtu_icmp(in, 100, 1232, icmp, sizeof(icmp)), 0);
	in[20] = 8; /* an echo request is answered */
	assert_int_not_equal(dp_pmtu_icmp(in, 100, 1232, icmp, sizeof(icmp)),
	                     0);
	tu_inner(in, 100, 1, 3);
	dp_put16(in + 6, 0x00b9); /* a later fragment */
	assert_int_equal(dp_pmtu_icmp(in, 100, 1232, icmp, sizeof(icmp)), 0);
	in[0] = 0x65; /* not IPv4 */
	assert_int_equal(dp_pmtu_icmp(in, 100, 1232, icmp, sizeof(icmp)), 0);
	in[0] = 0x44; /* header shorter than 20 */
	assert_int_equal(dp_pmtu_icmp(in, 100, 1232, icmp, sizeof(icmp)), 0);
}

/* Each prefix in a heap block of its own size, so ASan sees overreads. */
static void
truncated_prefixes(void **state)
{
	size_t cut, n;

	(void)state;
	tu_inner(in, 60, 1, 4);
	for (cut = 0; cut <= 60; cut++) {
		uint8_t *p = malloc(cut ? cut : 1);

		assert_non_null(p);
		memcpy(p, in, cut);
		n = dp_pmtu_icmp(p, cut, 1232, icmp, sizeof(icmp));
		if (cut < 20) {
			assert_int_equal(n, 0);
		} else {
			assert_int_equal(n, 28 + (cut < 28 ? cut : 28));
			assert_int_equal(dp_pkt_cksum(icmp + 20, n - 20), 0);
		}
		free(p);
	}
}

/* Fragments of an outer packet put back together give the packet. */
static void
fragments(void **state)
{
	static uint8_t frag[1500], joined[1500];
	size_t off = 0, n, got = 0, count = 0;

	(void)state;
	tu_inner(in, 1458, 1, 5);
	dp_put16(in + 6, 0); /* no DF: may be fragmented */
	while ((n = dp_pmtu_frag(in, 1458, 1300, &off, frag)) != 0) {
		uint16_t fo = dp_get16(frag + 6);

		assert_true(n <= 1300);
		assert_int_equal(dp_get16(frag + 2), n);
		assert_int_equal(dp_pkt_cksum(frag, 20), 0);
		assert_int_equal((size_t)(fo & 0x1fff) * 8, got);
		assert_memory_equal(frag + 12, in + 12, 8);
		memcpy(joined + got, frag + 20, n - 20);
		got += n - 20;
		count++;
		assert_int_equal((fo & 0x2000) != 0, got < 1438);
	}
	assert_int_equal(count, 2);
	assert_int_equal(got, 1438);
	assert_memory_equal(joined, in + 20, 1438);
	/* DF: never split; a tiny MTU: nothing. */
	off = 0;
	dp_put16(in + 6, DP_IP_DF);
	assert_int_equal(dp_pmtu_frag(in, 1458, 1300, &off, frag), 0);
	dp_put16(in + 6, 0);
	assert_int_equal(dp_pmtu_frag(in, 1458, 27, &off, frag), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(df_follows_setting),
	    cmocka_unit_test(inner_mtu),
	    cmocka_unit_test(icmp_for_sender),
	    cmocka_unit_test(no_icmp_about_errors),
	    cmocka_unit_test(truncated_prefixes),
	    cmocka_unit_test(fragments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
