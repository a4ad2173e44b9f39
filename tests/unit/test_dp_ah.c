/*
 * test_dp_ah.c - AH in tunnel mode (RFC 4302) through dp_sa_encap and
 * dp_sa_decap: the header and its length field, an ICV recomputed here
 * with OpenSSL's HMAC() over the outer header with its mutable fields
 * zeroed, the AH header with a zero ICV and the payload; which header
 * changes the ICV ignores and which it catches; options, replay and
 * truncation, each with its counter.
 */
#include "test_dp_util.h"

#include <openssl/hmac.h>

static uint8_t in[TU_BUF], pkt[TU_BUF], out[TU_BUF], tmp[TU_BUF];

/* RFC 4302 2.2 and 3.3.3.1, computed independently of dp_ah.c. */
static void
check_icv(const struct dp_sa_conf *c, const uint8_t *p, size_t len)
{
	const EVP_MD *md = EVP_get_digestbyname(c->alg.digest);
	size_t icvf = dp_roundup(c->alg.icv_len, 4);
	uint8_t full[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (md == NULL) /* RIPEMD160 lives in a provider only */
		return;
	memcpy(tmp, p, len);
	tmp[1] = 0;                /* TOS */
	memset(tmp + 6, 0, 3);     /* flags, offset, TTL */
	memset(tmp + 10, 0, 2);    /* checksum */
	memset(tmp + 32, 0, icvf); /* ICV */
	assert_non_null(
	    HMAC(md, c->key_in, (int)c->alg.auth_key_len, tmp, len, full, &n));
	assert_memory_equal(full, p + 32, c->alg.icv_len);
}

static void
roundtrip(const struct dp_sa_conf *c)
{
	static const size_t sizes[] = {20, 21, 100, 1400};
	struct dp_sa *us, *peer;
	size_t i, olen = 0, got = 0, ahl;

	ahl = DP_AH_HLEN + dp_roundup(c->alg.icv_len, 4);
	tu_pair(c, &us, &peer);
	for (i = 0; i < TU_N(sizes); i++) {
		tu_inner(in, sizes[i], 1, (uint32_t)i);
		assert_int_equal(
		    dp_sa_encap(peer, in, sizes[i], pkt, sizeof(pkt), &olen),
		    0);
		assert_int_equal(olen, DP_IP_HLEN + ahl + sizes[i]);
		assert_int_equal(pkt[0], 0x45);
		assert_int_equal(pkt[9], DP_PROTO_AH);
		assert_int_equal(dp_get16(pkt + 2), olen);
		assert_int_equal(dp_get16(pkt + 6), DP_IP_DF);
		assert_int_equal(pkt[8], 64);
		assert_int_equal(dp_pkt_cksum(pkt, DP_IP_HLEN), 0);
		assert_int_equal(pkt[20], DP_NH_IPIP);
		assert_int_equal(pkt[21], ahl / 4 - 2);
		assert_int_equal(dp_get16(pkt + 22), 0);
		assert_int_equal(dp_get32(pkt + 24), TU_SPI_IN);
		assert_int_equal(dp_get32(pkt + 28), i + 1);
		assert_memory_equal(pkt + DP_IP_HLEN + ahl, in, sizes[i]);
		check_icv(c, pkt, olen);
		assert_int_equal(
		    dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got), 0);
		assert_int_equal(got, sizes[i]);
		assert_memory_equal(out, in, got);
		assert_int_equal(
		    dp_sa_encap(us, in, sizes[i], pkt, sizeof(pkt), &olen), 0);
		assert_int_equal(
		    dp_sa_decap(peer, pkt, olen, 0, out, sizeof(out), &got), 0);
	}
	assert_int_equal(dp_sa_stats(us)->in_packets, TU_N(sizes));
	assert_int_equal(dp_sa_stats(peer)->in_packets, TU_N(sizes));
	assert_int_equal(tu_errors(us) + tu_errors(peer), 0);
	dp_sa_free(us);
	dp_sa_free(peer);
}

/* Every HMAC; the AH length field for 96, 128, 192 and 256-bit ICVs. */
static void
test_roundtrip(void **state)
{
	struct dp_sa_conf c;
	size_t j;

	(void)state;
	for (j = 0; j < TU_N(tu_hashes); j++) {
		tu_conf(&c, NULL, &tu_hashes[j]);
		roundtrip(&c);
	}
	/* An ICV that is not a multiple of 32 bits is padded (IPv4). */
	tu_conf(&c, NULL, &tu_sha1);
	c.alg.icv_len = 10;
	roundtrip(&c);
}

/*
 * Changes to mutable fields (TOS, flags, TTL; checksum fixed) keep the
 * ICV valid; changes to immutable ones (identification, addresses)
 * break it.
 */
static void
test_mutable_fields(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t olen = 0, got = 0, i;
	static const size_t immutable[] = {4, 5, 12, 15, 16, 19};

	(void)state;
	tu_conf(&c, NULL, &tu_hashes[2]);
	tu_pair(&c, &us, &peer);
	tu_inner(in, 300, 0, 1);
	assert_int_equal(dp_sa_encap(peer, in, 300, pkt, sizeof(pkt), &olen),
	                 0);
	for (i = 0; i < TU_N(immutable); i++) {
		memcpy(tmp, pkt, olen);
		tmp[immutable[i]] ^= 0x10;
		tu_recsum(tmp);
		assert_int_equal(
		    dp_sa_decap(us, tmp, olen, 0, out, sizeof(out), &got),
		    DP_E_AUTH);
	}
	memcpy(tmp, pkt, olen);
	tmp[1] = 0x2e;
	tmp[6] = 0;
	tmp[8] = 1;
	tu_recsum(tmp);
	assert_int_equal(dp_sa_decap(us, tmp, olen, 0, out, sizeof(out), &got),
	                 0);
	assert_memory_equal(out, in, 300);
	assert_int_equal(dp_sa_stats(us)->err_auth, TU_N(immutable));
	dp_sa_free(us);
	dp_sa_free(peer);
}

/* Each byte flipped: header checks or the ICV catch every one. */
static void
test_tamper(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t olen = 0, got = 0, i;
	uint64_t malformed = 0;
	int rc;

	(void)state;
	tu_conf(&c, NULL, &tu_sha1);
	tu_pair(&c, &us, &peer);
	tu_inner(in, 120, 1, 4);
	assert_int_equal(dp_sa_encap(peer, in, 120, pkt, sizeof(pkt), &olen),
	                 0);
	for (i = 0; i < olen; i++) {
		memcpy(tmp, pkt, olen);
		tmp[i] ^= 0x80;
		rc = dp_sa_decap(us, tmp, olen, 0, out, sizeof(out), &got);
		/* IP header (checksum), AH length, SPI: malformed. */
		if (i < 20 || i == 21 || (i >= 24 && i < 28)) {
			assert_int_equal(rc, DP_E_MALFORMED);
			malformed++;
		} else
			assert_int_equal(rc, DP_E_AUTH);
	}
	assert_int_equal(dp_sa_stats(us)->err_malformed, malformed);
	assert_int_equal(dp_sa_stats(us)->err_auth, olen - malformed);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 0);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 DP_E_REPLAY);
	assert_int_equal(dp_sa_stats(us)->err_replay, 1);
	dp_sa_free(us);
	dp_sa_free(peer);
}

/* Outer options, a UDP payload and an ESP packet are not AH. */
static void
test_refused(void **state)
{
	struct dp_sa_conf c, e;
	struct dp_sa *us, *peer, *eus, *epeer;
	size_t olen = 0, got = 0;

	(void)state;
	tu_conf(&c, NULL, &tu_sha1);
	tu_pair(&c, &us, &peer);
	tu_inner(in, 100, 0, 1);
	assert_int_equal(dp_sa_encap(peer, in, 100, pkt, sizeof(pkt), &olen),
	                 0);
	/* Four NOP options after the header. */
	memcpy(tmp, pkt, DP_IP_HLEN);
	memset(tmp + DP_IP_HLEN, 1, 4);
	memcpy(tmp + DP_IP_HLEN + 4, pkt + DP_IP_HLEN, olen - DP_IP_HLEN);
	tmp[0] = 0x46;
	dp_put16(tmp + 2, (uint16_t)(olen + 4));
	tu_recsum(tmp);
	assert_int_equal(
	    dp_sa_decap(us, tmp, olen + 4, 0, out, sizeof(out), &got),
	    DP_E_MALFORMED);
	assert_int_equal(
	    dp_sa_decap(us, pkt + 20, olen - 20, 1, out, sizeof(out), &got),
	    DP_E_MALFORMED);
	tu_conf(&e, &tu_aes, &tu_sha1);
	tu_pair(&e, &eus, &epeer);
	assert_int_equal(dp_sa_encap(epeer, in, 100, tmp, sizeof(tmp), &olen),
	                 0);
	assert_int_equal(dp_sa_decap(us, tmp, olen, 0, out, sizeof(out), &got),
	                 DP_E_MALFORMED);
	/* And an ESP SA refuses AH. */
	assert_int_equal(dp_sa_encap(peer, in, 100, pkt, sizeof(pkt), &olen),
	                 0);
	assert_int_equal(dp_sa_decap(eus, pkt, olen, 0, out, sizeof(out), &got),
	                 DP_E_MALFORMED);
	assert_int_equal(dp_sa_stats(us)->err_malformed, 3);
	assert_int_equal(dp_sa_stats(eus)->err_malformed, 1);
	dp_sa_free(us);
	dp_sa_free(peer);
	dp_sa_free(eus);
	dp_sa_free(epeer);
}

/* Every prefix, as cut and with the outer length and checksum fixed. */
static void
test_truncated(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t olen = 0, got = 0, n;
	uint64_t tries = 0;
	int rc;

	(void)state;
	tu_conf(&c, NULL, &tu_hashes[3]);
	tu_pair(&c, &us, &peer);
	tu_inner(in, 90, 1, 3);
	assert_int_equal(dp_sa_encap(peer, in, 90, pkt, sizeof(pkt), &olen), 0);
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
	dp_sa_free(us);
	dp_sa_free(peer);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_mutable_fields),
	    cmocka_unit_test(test_tamper),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
