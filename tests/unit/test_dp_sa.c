/*
 * test_dp_sa.c - the SA object itself: which configurations install, the
 * keyless copy dp_sa_conf() returns, soft and hard lifetimes by time,
 * bytes and sequence numbers (explicit clock values, no sleeping),
 * dp_sa_peek, and the anti-replay window against a simple model.
 */
#include "test_dp_util.h"

static uint8_t in[TU_BUF], pkt[TU_BUF], out[TU_BUF];

static void
refused(const struct dp_sa_conf *c)
{
	struct dp_sa *sa = dp_sa_new(c, TU_T0);

	assert_null(sa);
}

/* Each of these is refused before any packet could be processed. */
static void
test_conf_refused(void **state)
{
	struct dp_sa_conf c;

	(void)state;
	tu_conf(&c, &tu_aes, &tu_sha1);
	c.key_len--;
	refused(&c);
	tu_conf(&c, &tu_aes, &tu_sha1);
	strcpy(c.alg.cipher, "NO-SUCH-CBC");
	refused(&c);
	tu_conf(&c, &tu_aes, &tu_sha1);
	strcpy(c.alg.cipher, "AES-128-CTR");
	refused(&c);
	tu_conf(&c, &tu_aes, &tu_sha1);
	strcpy(c.alg.cipher, "AES-128-ECB");
	refused(&c);
	tu_conf(&c, &tu_aes, &tu_sha1);
	c.alg.enc_key_len = 24; /* AES-128 with a 192-bit key */
	c.key_len = 24 + 20;
	refused(&c);
	tu_conf(&c, &tu_aes, &tu_sha1);
	c.alg.iv_len = 8;
	refused(&c);
	tu_conf(&c, &tu_aes, &tu_sha1);
	c.alg.block_len = 8;
	refused(&c);
	tu_conf(&c, &tu_aes, &tu_sha1);
	strcpy(c.alg.digest, "NO-SUCH-HASH");
	refused(&c);
	tu_conf(&c, &tu_aes, &tu_sha1);
	c.alg.icv_len = 21; /* longer than SHA-1 */
	refused(&c);
	tu_conf(&c, &tu_aes, NULL);
	c.alg.icv_len = 12; /* an ICV without integrity */
	refused(&c);
	tu_conf(&c, &tu_null, NULL); /* neither */
	refused(&c);
	tu_conf(&c, &tu_gcm[0], &tu_sha1); /* AEAD plus HMAC */
	refused(&c);
	tu_conf(&c, &tu_gcm[0], NULL);
	c.alg.icv_len = 10;
	refused(&c);
	tu_conf(&c, &tu_gcm[0], NULL);
	c.alg.iv_len = 12;
	refused(&c);
	tu_conf(&c, &tu_ciphers[2], &tu_sha1);
	c.alg.enc_key_len = 4; /* Blowfish below 40 bits */
	c.key_len = 4 + 20;
	refused(&c);
	tu_conf(&c, &tu_ciphers[2], &tu_sha1);
	c.alg.enc_key_len = 57;
	c.key_len = 57 + 20;
	refused(&c);
	tu_conf(&c, &tu_ciphers[5], &tu_sha1);
	c.alg.enc_key_len = 17; /* CAST above 128 bits */
	c.key_len = 17 + 20;
	refused(&c);
	tu_conf(&c, &tu_ciphers[13], &tu_sha1);
	c.alg.enc_key_len = 24; /* no 192-bit Twofish */
	c.key_len = 24 + 20;
	refused(&c);
	tu_conf(&c, NULL, &tu_sha1);
	strcpy(c.alg.cipher, "AES-128-CBC"); /* AH with a cipher */
	refused(&c);
	tu_conf(&c, NULL, NULL); /* AH without integrity */
	refused(&c);
	tu_conf(&c, NULL, &tu_sha1);
	c.local_port = c.remote_port = 4500; /* no AH in UDP */
	refused(&c);
	tu_conf(&c, &tu_aes, &tu_sha1);
	c.replay_window = DP_REPLAY_MAX + 1;
	refused(&c);
	tu_conf(&c, &tu_aes, &tu_sha1);
	c.proto = 99;
	refused(&c);
	tu_conf(&c, &tu_aes, &tu_sha1);
	memset(c.alg.cipher, 'A', sizeof(c.alg.cipher)); /* unterminated */
	refused(&c);
}

/* The copy kept by the SA has no keys and everything else. */
static void
test_conf_copy(void **state)
{
	struct dp_sa_conf c, want;
	const struct dp_sa_conf *got;
	struct dp_sa *sa;

	(void)state;
	tu_conf(&c, &tu_aes, &tu_sha1);
	c.replay_window = DP_REPLAY_MAX;
	c.life_seconds = 900;
	c.life_kbytes = 11000;
	sa = dp_sa_new(&c, TU_T0);
	assert_non_null(sa);
	got = dp_sa_conf(sa);
	want = c;
	memset(want.key_in, 0, sizeof(want.key_in));
	memset(want.key_out, 0, sizeof(want.key_out));
	assert_memory_equal(got, &want, sizeof(want));
	assert_int_equal(dp_sa_stats(sa)->in_packets, 0);
	dp_sa_free(sa);
	dp_sa_free(NULL);
}

static size_t
send_one(struct dp_sa *sa, size_t len)
{
	size_t olen = 0;

	tu_inner(in, len, 1, 1);
	assert_int_equal(dp_sa_encap(sa, in, len, pkt, sizeof(pkt), &olen), 0);
	return olen;
}

/* Time: SOFT once from 90%, HARD at 100%, then nothing goes through. */
static void
test_life_time(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t olen, got = 0;

	(void)state;
	tu_conf(&c, &tu_aes, &tu_sha1);
	c.life_seconds = 100;
	tu_pair(&c, &us, &peer);
	assert_int_equal(dp_sa_life(us, TU_T0 - 50), DP_LIFE_OK);
	assert_int_equal(dp_sa_life(us, TU_T0), DP_LIFE_OK);
	assert_int_equal(dp_sa_life(us, TU_T0 + 89), DP_LIFE_OK);
	assert_int_equal(dp_sa_life(us, TU_T0 + 90), DP_LIFE_SOFT);
	assert_int_equal(dp_sa_life(us, TU_T0 + 91), DP_LIFE_OK);
	assert_int_equal(dp_sa_life(us, TU_T0 + 99), DP_LIFE_OK);
	olen = send_one(peer, 100);
	assert_int_equal(dp_sa_life(us, TU_T0 + 100), DP_LIFE_HARD);
	assert_int_equal(dp_sa_life(us, TU_T0 + 101), DP_LIFE_HARD);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 DP_E_EXPIRED);
	assert_int_equal(dp_sa_encap(us, in, 100, out, sizeof(out), &got),
	                 DP_E_EXPIRED);
	assert_int_equal(tu_errors(us), 0);
	/* Straight past both thresholds: HARD, no SOFT first. */
	assert_int_equal(dp_sa_life(peer, TU_T0 + 500), DP_LIFE_HARD);
	dp_sa_free(us);
	dp_sa_free(peer);
}

/* Bytes: either direction's inner bytes count against life_kbytes. */
static void
test_life_bytes(void **state)
{
	struct dp_sa_conf c, pc;
	struct dp_sa *us, *peer;
	size_t i, olen = 0, got = 0;

	(void)state;
	tu_conf(&c, &tu_gcm[0], NULL);
	tu_swap(&c, &pc);   /* the peer has no limit */
	c.life_kbytes = 10; /* 10240 bytes, SOFT from 8192 (80 %) */
	us = dp_sa_new(&c, TU_T0);
	peer = dp_sa_new(&pc, TU_T0);
	assert_non_null(us);
	assert_non_null(peer);
	for (i = 0; i < 8; i++)
		(void)send_one(us, 1000);
	assert_int_equal(dp_sa_life(us, TU_T0), DP_LIFE_OK);
	(void)send_one(us, 1000);
	assert_int_equal(dp_sa_life(us, TU_T0), DP_LIFE_SOFT);
	assert_int_equal(dp_sa_life(us, TU_T0), DP_LIFE_OK);
	(void)send_one(us, 1000);
	(void)send_one(us, 1000); /* 10000 < 10240: still goes */
	assert_int_equal(dp_sa_encap(us, in, 1000, pkt, sizeof(pkt), &olen),
	                 DP_E_EXPIRED);
	assert_int_equal(dp_sa_stats(us)->out_bytes, 11000);
	assert_int_equal(dp_sa_life(us, TU_T0), DP_LIFE_HARD);
	olen = send_one(peer, 1000);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 DP_E_EXPIRED);
	dp_sa_free(us);
	/* A fresh receiver: inbound bytes alone reach the limit. */
	us = dp_sa_new(&c, TU_T0);
	assert_non_null(us);
	for (i = 0; i < 11; i++) {
		olen = send_one(peer, 1000);
		assert_int_equal(
		    dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got), 0);
		assert_int_equal(dp_sa_life(us, TU_T0), i == 8 ? DP_LIFE_SOFT
		                                        : i < 10
		                                            ? DP_LIFE_OK
		                                            : DP_LIFE_HARD);
	}
	olen = send_one(peer, 1000);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 DP_E_EXPIRED);
	assert_int_equal(dp_sa_life(us, TU_T0), DP_LIFE_HARD);
	assert_int_equal(dp_sa_stats(us)->in_bytes, 11000);
	dp_sa_free(us);
	dp_sa_free(peer);
}

/* Sequence numbers: SOFT at 90% of 2^32, HARD before they would wrap. */
static void
test_life_seq(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t olen = 0, got = 0;
	uint32_t soft = UINT32_MAX - UINT32_MAX / 10;

	(void)state;
	tu_conf(&c, NULL, &tu_sha1);
	tu_pair(&c, &us, &peer);
	dp_sa_test_set_seq_out(peer, soft - 2);
	(void)send_one(peer, 100);
	assert_int_equal(dp_sa_life(peer, TU_T0), DP_LIFE_OK);
	(void)send_one(peer, 100);
	assert_int_equal(dp_sa_life(peer, TU_T0), DP_LIFE_SOFT);
	dp_sa_test_set_seq_out(peer, UINT32_MAX - 1);
	olen = send_one(peer, 100);
	assert_int_equal(dp_get32(pkt + 28), UINT32_MAX);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 0);
	assert_int_equal(dp_sa_encap(peer, in, 100, pkt, sizeof(pkt), &olen),
	                 DP_E_EXPIRED);
	assert_int_equal(dp_sa_life(peer, TU_T0), DP_LIFE_HARD);
	/* The receiver's window tops out without trouble. */
	assert_int_equal(dp_replay_check(&us->replay, UINT32_MAX), DP_E_REPLAY);
	assert_int_equal(dp_sa_life(us, TU_T0 + 1000000), DP_LIFE_OK);
	dp_sa_free(us);
	dp_sa_free(peer);
}

/* dp_sa_peek on every kind of packet, prefixes and IKE's marker. */
static void
test_peek(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t olen, n;
	uint8_t proto = 0, ike[12] = {0, 0, 0, 0, 1, 2, 3, 4};
	uint32_t spi = 0;

	(void)state;
	tu_conf(&c, &tu_aes, &tu_sha1);
	tu_pair(&c, &us, &peer);
	olen = send_one(peer, 100);
	assert_int_equal(dp_sa_peek(pkt, olen, 0, &proto, &spi), 0);
	assert_int_equal(proto, DP_PROTO_ESP);
	assert_int_equal(spi, TU_SPI_IN);
	for (n = 0; n < DP_IP_HLEN + DP_ESP_HLEN; n++)
		assert_int_equal(dp_sa_peek(pkt, n, 0, &proto, &spi),
		                 DP_E_MALFORMED);
	pkt[9] = 6;
	tu_recsum(pkt);
	assert_int_equal(dp_sa_peek(pkt, olen, 0, &proto, &spi),
	                 DP_E_MALFORMED);
	pkt[9] = DP_PROTO_ESP;
	tu_recsum(pkt);
	assert_int_equal(dp_sa_peek(pkt, olen, 0, &proto, &spi), 0);
	pkt[10] ^= 1;
	assert_int_equal(dp_sa_peek(pkt, olen, 0, &proto, &spi),
	                 DP_E_MALFORMED);
	dp_sa_free(us);
	dp_sa_free(peer);

	tu_conf(&c, NULL, &tu_sha1);
	tu_pair(&c, &us, &peer);
	olen = send_one(peer, 100);
	assert_int_equal(dp_sa_peek(pkt, olen, 0, &proto, &spi), 0);
	assert_int_equal(proto, DP_PROTO_AH);
	assert_int_equal(spi, TU_SPI_IN);
	for (n = 0; n < DP_IP_HLEN + DP_AH_HLEN; n++)
		assert_int_equal(dp_sa_peek(pkt, n, 0, &proto, &spi),
		                 DP_E_MALFORMED);
	dp_sa_free(us);
	dp_sa_free(peer);

	tu_conf(&c, &tu_aes, &tu_sha1);
	c.local_port = c.remote_port = 4500;
	tu_pair(&c, &us, &peer);
	olen = send_one(peer, 100);
	proto = 0;
	assert_int_equal(dp_sa_peek(pkt, olen, 0, &proto, &spi), 0);
	assert_int_equal(proto, DP_PROTO_ESP);
	assert_int_equal(spi, TU_SPI_IN);
	spi = 0;
	assert_int_equal(dp_sa_peek(pkt + 28, olen - 28, 1, &proto, &spi), 0);
	assert_int_equal(spi, TU_SPI_IN);
	for (n = 0; n < DP_ESP_HLEN; n++)
		assert_int_equal(dp_sa_peek(pkt + 28, n, 1, &proto, &spi),
		                 DP_E_MALFORMED);
	/* IKE behind the non-ESP marker, and a NAT keepalive. */
	assert_int_equal(dp_sa_peek(ike, sizeof(ike), 1, &proto, &spi),
	                 DP_E_MALFORMED);
	ike[0] = 0xff;
	assert_int_equal(dp_sa_peek(ike, 1, 1, &proto, &spi), DP_E_MALFORMED);
	dp_sa_free(us);
	dp_sa_free(peer);
}

/* The bitmap against a plain model: top and a flag per number. */
static void
replay_model(uint32_t size)
{
	static uint8_t seen[40000];
	struct dp_replay rp;
	uint32_t top = 0, seed = 7, seq, i, r, w = size == 0 ? 64 : size;
	int want;

	memset(seen, 0, sizeof(seen));
	dp_replay_init(&rp, size);
	for (i = 0; i < 30000; i++) {
		seed = seed * 1103515245u + 12345u;
		r = (seed >> 16) % 1500; /* from 300 ahead to 1199 behind */
		seq = top + 300 > r ? top + 300 - r : 1 + r;
		if (seq >= sizeof(seen))
			seq = sizeof(seen) - 1;
		want = seq == 0 || (seq <= top && (top - seq >= w || seen[seq]))
		           ? DP_E_REPLAY
		           : 0;
		assert_int_equal(dp_replay_check(&rp, seq), want);
		if (want == 0 && seed % 3 != 0) {
			dp_replay_update(&rp, seq);
			seen[seq] = 1;
			if (seq > top)
				top = seq;
		}
	}
	assert_true(top > 20000);
}

static void
test_replay_model(void **state)
{
	(void)state;
	replay_model(0);
	replay_model(1);
	replay_model(63);
	replay_model(65);
	replay_model(500);
	replay_model(1024);
}

/* The top of the sequence space. */
static void
test_replay_top(void **state)
{
	struct dp_replay r;

	(void)state;
	dp_replay_init(&r, 64);
	assert_int_equal(dp_replay_check(&r, 0), DP_E_REPLAY);
	assert_int_equal(dp_replay_check(&r, UINT32_MAX), 0);
	dp_replay_update(&r, UINT32_MAX);
	assert_int_equal(dp_replay_check(&r, UINT32_MAX), DP_E_REPLAY);
	assert_int_equal(dp_replay_check(&r, UINT32_MAX - 63), 0);
	assert_int_equal(dp_replay_check(&r, UINT32_MAX - 64), DP_E_REPLAY);
	assert_int_equal(dp_replay_check(&r, 1), DP_E_REPLAY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conf_refused),
	    cmocka_unit_test(test_conf_copy),
	    cmocka_unit_test(test_life_time),
	    cmocka_unit_test(test_life_bytes),
	    cmocka_unit_test(test_life_seq),
	    cmocka_unit_test(test_peek),
	    cmocka_unit_test(test_replay_model),
	    cmocka_unit_test(test_replay_top),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
