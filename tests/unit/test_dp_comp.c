/*
 * test_dp_comp.c - IPComp (RFC 3173) with DEFLATE (RFC 2394) in front of
 * ESP and AH: when compression is used or skipped (and counted), the
 * IPComp header, interoperability with plain zlib raw deflate in both
 * directions, and inbound payloads that must not inflate.
 */
#include "test_dp_util.h"

static uint8_t in[TU_BUF], pkt[TU_BUF], out[TU_BUF], tmp[TU_BUF];
static uint8_t big[80000];

static void
ipcomp_conf(struct dp_sa_conf *c, const struct tu_cipher *ci,
            const struct tu_hash *h)
{
	tu_conf(c, ci, h);
	c->ipcomp = 1;
}

/* Raw inflate with zlib directly, as a peer would. */
static size_t
raw_inflate(const uint8_t *p, size_t len, uint8_t *o, size_t cap)
{
	z_stream z;
	size_t n;

	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, -15), Z_OK);
	z.next_in = p;
	z.avail_in = (uInt)len;
	z.next_out = o;
	z.avail_out = (uInt)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	n = cap - z.avail_out;
	inflateEnd(&z);
	return n;
}

/* Raw deflate with zlib directly (level 9, 32 KB window). */
static size_t
raw_deflate(const uint8_t *p, size_t len, uint8_t *o, size_t cap)
{
	z_stream z;
	size_t n;

	memset(&z, 0, sizeof(z));
	assert_int_equal(
	    deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = p;
	z.avail_in = (uInt)len;
	z.next_out = o;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	n = cap - z.avail_out;
	deflateEnd(&z);
	return n;
}

/*
 * ESP_NULL shows the payload: a compressible packet goes as IPComp
 * (next header 108, IPComp header with the peer's CPI), a small or an
 * incompressible one as it is, counted in comp_skipped.
 */
static void
test_esp_when_compressed(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t olen = 0, got = 0, n, plen;
	const uint8_t *p = pkt + DP_IP_HLEN + DP_ESP_HLEN;

	(void)state;
	ipcomp_conf(&c, &tu_null, &tu_sha1);
	tu_pair(&c, &us, &peer);
	tu_inner(in, 1000, 0, 1);
	assert_int_equal(dp_sa_encap(peer, in, 1000, pkt, sizeof(pkt), &olen),
	                 0);
	assert_true(olen < 200);
	plen = olen - DP_IP_HLEN - DP_ESP_HLEN - 12;
	assert_int_equal(p[plen - 1], DP_PROTO_COMP);
	assert_int_equal(p[0], DP_NH_IPIP);
	assert_int_equal(p[1], 0);
	assert_int_equal(dp_get16(p + 2), c.cpi_in);
	n = raw_inflate(p + 4, plen - 2 - p[plen - 2] - 4, tmp, sizeof(tmp));
	assert_int_equal(n, 1000);
	assert_memory_equal(tmp, in, 1000);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 0);
	assert_int_equal(got, 1000);
	assert_memory_equal(out, in, 1000);
	assert_int_equal(dp_sa_stats(peer)->comp_skipped, 0);
	assert_int_equal(dp_sa_stats(us)->in_bytes, 1000);
	/* Below the threshold. */
	tu_inner(in, 89, 0, 2);
	assert_int_equal(dp_sa_encap(peer, in, 89, pkt, sizeof(pkt), &olen), 0);
	assert_int_equal(pkt[olen - 13], DP_NH_IPIP);
	assert_int_equal(dp_sa_stats(peer)->comp_skipped, 1);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 0);
	assert_memory_equal(out, in, 89);
	/* At the threshold, compressible: compressed. */
	tu_inner(in, 90, 0, 3);
	assert_int_equal(dp_sa_encap(peer, in, 90, pkt, sizeof(pkt), &olen), 0);
	assert_int_equal(pkt[olen - 13], DP_PROTO_COMP);
	assert_int_equal(dp_sa_stats(peer)->comp_skipped, 1);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 0);
	assert_memory_equal(out, in, 90);
	/* Incompressible. */
	tu_inner(in, 1000, 1, 4);
	assert_int_equal(dp_sa_encap(peer, in, 1000, pkt, sizeof(pkt), &olen),
	                 0);
	assert_int_equal(pkt[olen - 13], DP_NH_IPIP);
	assert_memory_equal(p, in, 1000);
	assert_int_equal(dp_sa_stats(peer)->comp_skipped, 2);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 0);
	assert_memory_equal(out, in, 1000);
	assert_int_equal(dp_sa_stats(us)->in_packets, 4);
	assert_int_equal(tu_errors(us), 0);
	dp_sa_free(us);
	dp_sa_free(peer);
}

/* Real ciphers, many sizes and both kinds of payload, both directions. */
static void
test_esp_roundtrip(void **state)
{
	static const size_t sizes[] = {20, 89, 90, 91, 500, 1400, 9000};
	const struct tu_cipher *ci[] = {&tu_aes, &tu_gcm[0], &tu_ciphers[13]};
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t i, k, kind, olen = 0, got = 0, bytes = 0;

	(void)state;
	for (k = 0; k < TU_N(ci); k++) {
		ipcomp_conf(&c, ci[k], ci[k]->aead ? NULL : &tu_sha1);
		tu_pair(&c, &us, &peer);
		bytes = 0;
		for (kind = 0; kind < 2; kind++)
			for (i = 0; i < TU_N(sizes); i++) {
				tu_inner(in, sizes[i], (int)kind, (uint32_t)i);
				assert_int_equal(dp_sa_encap(peer, in, sizes[i],
				                             pkt, sizeof(pkt),
				                             &olen),
				                 0);
				assert_int_equal(dp_sa_decap(us, pkt, olen, 0,
				                             out, sizeof(out),
				                             &got),
				                 0);
				assert_int_equal(got, sizes[i]);
				assert_memory_equal(out, in, got);
				assert_int_equal(dp_sa_encap(us, in, sizes[i],
				                             pkt, sizeof(pkt),
				                             &olen),
				                 0);
				assert_int_equal(dp_sa_decap(peer, pkt, olen, 0,
				                             out, sizeof(out),
				                             &got),
				                 0);
				bytes += sizes[i];
			}
		/* Skipped: 20 and 89 twice, and the random ones >= 90. */
		assert_int_equal(dp_sa_stats(peer)->comp_skipped, 4 + 5);
		assert_int_equal(dp_sa_stats(us)->in_bytes, bytes);
		assert_int_equal(tu_errors(us) + tu_errors(peer), 0);
		dp_sa_free(us);
		dp_sa_free(peer);
	}
}

/* AH: next header 108, the IPComp header right behind AH. */
static void
test_ah(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t olen = 0, got = 0, n;
	const uint8_t *p = pkt + DP_IP_HLEN + 24;

	(void)state;
	ipcomp_conf(&c, NULL, &tu_sha1);
	tu_pair(&c, &us, &peer);
	tu_inner(in, 1200, 0, 1);
	assert_int_equal(dp_sa_encap(peer, in, 1200, pkt, sizeof(pkt), &olen),
	                 0);
	assert_int_equal(pkt[DP_IP_HLEN], DP_PROTO_COMP);
	assert_int_equal(p[0], DP_NH_IPIP);
	assert_int_equal(dp_get16(p + 2), c.cpi_in);
	n = raw_inflate(p + 4, olen - DP_IP_HLEN - 24 - 4, tmp, sizeof(tmp));
	assert_int_equal(n, 1200);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 0);
	assert_memory_equal(out, in, 1200);
	tu_inner(in, 1200, 1, 1);
	assert_int_equal(dp_sa_encap(peer, in, 1200, pkt, sizeof(pkt), &olen),
	                 0);
	assert_int_equal(pkt[DP_IP_HLEN], DP_NH_IPIP);
	assert_int_equal(dp_sa_stats(peer)->comp_skipped, 1);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 0);
	assert_memory_equal(out, in, 1200);
	dp_sa_free(us);
	dp_sa_free(peer);
}

/* An ESP_NULL packet from the peer with payload p and next header nh. */
static size_t
craft_esp(struct dp_sa *peer, uint32_t seq, const uint8_t *p, size_t len,
          uint8_t nh)
{
	size_t ptl = dp_roundup(len + 2, 4), i, pad = ptl - len - 2;

	dp_put32(tmp, TU_SPI_IN);
	dp_put32(tmp + 4, seq);
	memcpy(tmp + DP_ESP_HLEN, p, len);
	for (i = 0; i < pad; i++)
		tmp[DP_ESP_HLEN + len + i] = (uint8_t)(i + 1);
	tmp[DP_ESP_HLEN + ptl - 2] = (uint8_t)pad;
	tmp[DP_ESP_HLEN + ptl - 1] = nh;
	assert_int_equal(dp_esp_protect(peer, tmp, ptl), 0);
	return tu_wrap(pkt, tmp, DP_ESP_HLEN + ptl + 12, DP_PROTO_ESP);
}

/* An AH packet from the peer with payload p and next header nh. */
static size_t
craft_ah(struct dp_sa *peer, uint32_t seq, const uint8_t *p, size_t len,
         uint8_t nh)
{
	size_t n = DP_IP_HLEN + 24 + len;

	memcpy(tmp, p, len);
	memset(pkt + DP_IP_HLEN, 0, 24);
	memcpy(pkt + DP_IP_HLEN + 24, tmp, len);
	pkt[DP_IP_HLEN] = nh;
	pkt[DP_IP_HLEN + 1] = 4;
	dp_put32(pkt + DP_IP_HLEN + 4, TU_SPI_IN);
	dp_put32(pkt + DP_IP_HLEN + 8, seq);
	tu_wrap(pkt, pkt + DP_IP_HLEN, n - DP_IP_HLEN, DP_PROTO_AH);
	assert_int_equal(dp_ah_protect(peer, pkt, n), 0);
	return n;
}

/* An IPComp payload: header with cpi and next header, then data. */
static size_t
comp_payload(uint8_t *p, uint8_t nh, uint16_t cpi, const uint8_t *data,
             size_t len)
{
	p[0] = nh;
	p[1] = 0x5a; /* flags are ignored */
	dp_put16(p + 2, cpi);
	memcpy(p + 4, data, len);
	return len + 4;
}

/* Inbound IPComp payloads through ESP or AH, good and bad. */
static void
bad_payloads(int ah)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	static uint8_t z[TU_BUF], pl[TU_BUF];
	size_t n, zl, pn, got = 0;
	uint32_t seq = 1;
	uint16_t cpi;

	ipcomp_conf(&c, ah ? NULL : &tu_null, &tu_sha1);
	tu_pair(&c, &us, &peer);
	cpi = c.cpi_in;
#define SEND(p, l, nh)                                                         \
	(ah ? craft_ah(peer, seq++, p, l, nh)                                  \
	    : craft_esp(peer, seq++, p, l, nh))
#define DECAP(len) dp_sa_decap(us, pkt, len, 0, out, sizeof(out), &got)
	/* zlib's own raw deflate at level 9 with a 32 KB window. */
	tu_inner(in, 3000, 0, 1);
	zl = raw_deflate(in, 3000, z, sizeof(z));
	pn = comp_payload(pl, 4, cpi, z, zl);
	n = SEND(pl, pn, 108);
	assert_int_equal(DECAP(n), 0);
	assert_memory_equal(out, in, 3000);
	/* The well-known DEFLATE CPI is accepted too, others are not. */
	pn = comp_payload(pl, 4, DP_COMP_CPI_DEFLATE, z, zl);
	n = SEND(pl, pn, 108);
	assert_int_equal(DECAP(n), 0);
	pn = comp_payload(pl, 4, (uint16_t)(cpi + 1), z, zl);
	n = SEND(pl, pn, 108);
	assert_int_equal(DECAP(n), DP_E_MALFORMED);
	/* IPComp must carry IPv4 in a tunnel, and have its header. */
	pn = comp_payload(pl, 6, cpi, z, zl);
	n = SEND(pl, pn, 108);
	assert_int_equal(DECAP(n), DP_E_MALFORMED);
	n = SEND(pl, 3, 108);
	assert_int_equal(DECAP(n), DP_E_MALFORMED);
	/* Corrupt (block type 3), truncated, empty, trailing bytes. */
	z[0] |= 0x06;
	pn = comp_payload(pl, 4, cpi, z, zl);
	n = SEND(pl, pn, 108);
	assert_int_equal(DECAP(n), DP_E_DECOMP);
	zl = raw_deflate(in, 3000, z, sizeof(z));
	pn = comp_payload(pl, 4, cpi, z, zl - 3);
	n = SEND(pl, pn, 108);
	assert_int_equal(DECAP(n), DP_E_DECOMP);
	pn = comp_payload(pl, 4, cpi, z, 0);
	n = SEND(pl, pn, 108);
	assert_int_equal(DECAP(n), DP_E_DECOMP);
	z[zl] = 0;
	pn = comp_payload(pl, 4, cpi, z, zl + 1);
	n = SEND(pl, pn, 108);
	assert_int_equal(DECAP(n), DP_E_DECOMP);
	/* Inflates to more than any IPv4 datagram. */
	memset(big, 0, sizeof(big));
	zl = raw_deflate(big, sizeof(big), z, sizeof(z));
	pn = comp_payload(pl, 4, cpi, z, zl);
	n = SEND(pl, pn, 108);
	assert_int_equal(DECAP(n), DP_E_DECOMP);
	/* Inflates to an inner packet whose length field disagrees. */
	dp_put16(in + 2, 2999);
	zl = raw_deflate(in, 3000, z, sizeof(z));
	pn = comp_payload(pl, 4, cpi, z, zl);
	n = SEND(pl, pn, 108);
	assert_int_equal(DECAP(n), DP_E_MALFORMED);
	/* Uncompressed (next header 4) on an IPComp SA is fine. */
	tu_inner(in, 500, 1, 2);
	n = SEND(in, 500, 4);
	assert_int_equal(DECAP(n), 0);
	assert_memory_equal(out, in, 500);
#undef SEND
#undef DECAP
	assert_int_equal(dp_sa_stats(us)->err_decomp, 5);
	assert_int_equal(dp_sa_stats(us)->err_malformed, 4);
	assert_int_equal(dp_sa_stats(us)->in_packets, 3);
	dp_sa_free(us);
	dp_sa_free(peer);
}

static void
test_bad_payloads(void **state)
{
	(void)state;
	bad_payloads(0);
	bad_payloads(1);
}

/* Every prefix of compressed packets, cut and with lengths fixed up. */
static void
truncated(const struct dp_sa_conf *c)
{
	struct dp_sa *us, *peer;
	size_t olen = 0, got = 0, n;
	uint64_t tries = 0;
	int rc;

	tu_pair(c, &us, &peer);
	tu_inner(in, 700, 0, 2);
	assert_int_equal(dp_sa_encap(peer, in, 700, pkt, sizeof(pkt), &olen),
	                 0);
	assert_int_equal(dp_sa_stats(peer)->comp_skipped, 0);
	for (n = 0; n < olen; n++) {
		rc = dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got);
		assert_int_equal(rc, DP_E_MALFORMED);
		tries++;
		if (n < DP_IP_HLEN)
			continue;
		memcpy(tmp, pkt, n);
		dp_put16(tmp + 2, (uint16_t)n);
		tu_recsum(tmp);
		rc = dp_sa_decap(us, tmp, n, 0, out, sizeof(out), &got);
		assert_true(rc == DP_E_MALFORMED || rc == DP_E_AUTH);
		tries++;
	}
	assert_int_equal(tu_errors(us), tries);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 0);
	assert_memory_equal(out, in, 700);
	dp_sa_free(us);
	dp_sa_free(peer);
}

static void
test_truncated(void **state)
{
	struct dp_sa_conf c;

	(void)state;
	ipcomp_conf(&c, &tu_aes, &tu_sha1);
	truncated(&c);
	ipcomp_conf(&c, NULL, &tu_hashes[2]);
	truncated(&c);
	ipcomp_conf(&c, &tu_gcm[1], NULL);
	truncated(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_esp_when_compressed),
	    cmocka_unit_test(test_esp_roundtrip),
	    cmocka_unit_test(test_ah),
	    cmocka_unit_test(test_bad_payloads),
	    cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
