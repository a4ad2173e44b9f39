/*
 * test_dp_esp.c - ESP through dp_sa_encap/dp_sa_decap: round trips for
 * every cipher and integrity combination the agent can install (our SA
 * against the peer's, both directions), the wire format (outer header,
 * SPI, sequence numbers, padding, an ICV recomputed here with OpenSSL's
 * HMAC()), ESP in UDP, tampering, anti-replay, crafted trailers,
 * truncation and buffer limits, each with its counter.
 */
#include "test_dp_util.h"

#include <openssl/hmac.h>

static uint8_t in[TU_BUF], pkt[TU_BUF], out[TU_BUF], tmp[TU_BUF];

static size_t
esp_align(const struct dp_sa_conf *c)
{
	return c->alg.block_len > 4 ? c->alg.block_len : 4;
}

/* The outer header of a packet the peer sent to us. */
static void
check_outer(const uint8_t *p, size_t len, uint8_t proto)
{
	assert_int_equal(p[0], 0x45);
	assert_int_equal(p[1], 0xb8); /* DSCP of tu_inner() */
	assert_int_equal(dp_get16(p + 2), len);
	assert_int_equal(dp_get16(p + 6), DP_IP_DF);
	assert_int_equal(p[8], 64);
	assert_int_equal(p[9], proto);
	assert_int_equal(dp_pkt_cksum(p, DP_IP_HLEN), 0);
	assert_int_equal(dp_get32(p + 12), TU_REMOTE);
	assert_int_equal(dp_get32(p + 16), TU_LOCAL);
}

/* The ICV recomputed with OpenSSL's one-shot HMAC() and the peer's key. */
static void
check_icv(const struct dp_sa_conf *c, const uint8_t *esp, size_t len)
{
	const EVP_MD *md = EVP_get_digestbyname(c->alg.digest);
	uint8_t full[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	size_t icv = c->alg.icv_len;

	if (md == NULL) /* RIPEMD160 lives in a provider only */
		return;
	assert_non_null(HMAC(md, c->key_in + c->alg.enc_key_len,
	                     (int)c->alg.auth_key_len, esp, len - icv, full,
	                     &n));
	assert_memory_equal(full, esp + len - icv, icv);
}

/*
 * The ESP part of a packet from the peer: SPI, sequence number, length
 * alignment, the ICV, and for ESP_NULL the clear trailer.
 */
static void
check_esp(const struct dp_sa_conf *c, const uint8_t *esp, size_t len,
          uint32_t seq, size_t ilen)
{
	size_t fixed = DP_ESP_HLEN + c->alg.iv_len + c->alg.icv_len;
	size_t ctl = len - fixed, i, pad;
	const uint8_t *pt = esp + DP_ESP_HLEN + c->alg.iv_len;

	assert_int_equal(dp_get32(esp), c->spi_in);
	assert_int_equal(dp_get32(esp + 4), seq);
	assert_int_equal(ctl % esp_align(c), 0);
	assert_int_equal(ctl, dp_roundup(ilen + 2, esp_align(c)));
	if (c->alg.digest[0] != '\0')
		check_icv(c, esp, len);
	if (c->alg.cipher[0] != '\0')
		return;
	pad = ctl - ilen - 2;
	for (i = 0; i < pad; i++)
		assert_int_equal(pt[ilen + i], i + 1);
	assert_int_equal(pt[ctl - 2], pad);
	assert_int_equal(pt[ctl - 1], DP_NH_IPIP);
}

static const size_t sizes[] = {20, 21, 63, 64, 99, 1400, 1500};

/* Packets both ways over one SA pair; counters on both sides. */
static void
roundtrip(const struct dp_sa_conf *c)
{
	struct dp_sa *us, *peer;
	size_t i, olen = 0, got = 0, bytes = 0, hl;

	tu_pair(c, &us, &peer);
	hl = DP_IP_HLEN + (c->local_port != 0 ? DP_UDP_HLEN : 0);
	for (i = 0; i < TU_N(sizes); i++) {
		tu_inner(in, sizes[i], 1, (uint32_t)i);
		assert_int_equal(
		    dp_sa_encap(peer, in, sizes[i], pkt, sizeof(pkt), &olen),
		    0);
		check_outer(pkt, olen,
		            c->local_port != 0 ? DP_PROTO_UDP : DP_PROTO_ESP);
		check_esp(c, pkt + hl, olen - hl, (uint32_t)i + 1, sizes[i]);
		assert_int_equal(
		    dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got), 0);
		assert_int_equal(got, sizes[i]);
		assert_memory_equal(out, in, got);
		/* And from us to the peer. */
		assert_int_equal(
		    dp_sa_encap(us, in, sizes[i], pkt, sizeof(pkt), &olen), 0);
		assert_int_equal(
		    dp_sa_decap(peer, pkt, olen, 0, out, sizeof(out), &got), 0);
		assert_memory_equal(out, in, sizes[i]);
		bytes += sizes[i];
	}
	assert_int_equal(dp_sa_stats(us)->in_packets, TU_N(sizes));
	assert_int_equal(dp_sa_stats(us)->in_bytes, bytes);
	assert_int_equal(dp_sa_stats(us)->out_packets, TU_N(sizes));
	assert_int_equal(dp_sa_stats(us)->out_bytes, bytes);
	assert_int_equal(dp_sa_stats(peer)->out_packets, TU_N(sizes));
	assert_int_equal(tu_errors(us), 0);
	assert_int_equal(tu_errors(peer), 0);
	dp_sa_free(us);
	dp_sa_free(peer);
}

/* Every cipher with every integrity algorithm (and without). */
static void
test_all_combinations(void **state)
{
	struct dp_sa_conf c;
	size_t i, j;

	(void)state;
	for (i = 0; i < TU_N(tu_ciphers); i++) {
		if (tu_ciphers[i].name[0] != '\0') {
			tu_conf(&c, &tu_ciphers[i], NULL);
			roundtrip(&c);
		}
		for (j = 0; j < TU_N(tu_hashes); j++) {
			tu_conf(&c, &tu_ciphers[i], &tu_hashes[j]);
			roundtrip(&c);
		}
	}
	for (i = 0; i < TU_N(tu_gcm); i++) {
		tu_conf(&c, &tu_gcm[i], NULL);
		roundtrip(&c);
	}
}

/*
 * CBC IVs are random per packet, also across refills of the SA's pool of
 * random bytes; the outer identification counts up.
 */
static void
test_cbc_iv_random(void **state)
{
	static uint8_t ivs[300][16];
	const struct tu_cipher *ci[] = {&tu_aes, &tu_ciphers[0]};
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t a = 0, i, j, k, ivl;
	uint16_t id = 0;

	(void)state;
	for (k = 0; k < TU_N(ci); k++) {
		tu_conf(&c, ci[k], &tu_sha1);
		tu_pair(&c, &us, &peer);
		ivl = ci[k]->iv;
		tu_inner(in, 100, 0, 1);
		for (i = 0; i < TU_N(ivs); i++) {
			assert_int_equal(
			    dp_sa_encap(peer, in, 100, pkt, sizeof(pkt), &a),
			    0);
			memcpy(ivs[i], pkt + 28, ivl);
			if (i > 0)
				assert_int_equal(dp_get16(pkt + 4),
				                 (uint16_t)(id + 1));
			id = dp_get16(pkt + 4);
		}
		for (i = 0; i < TU_N(ivs); i++)
			for (j = i + 1; j < TU_N(ivs); j++)
				assert_memory_not_equal(ivs[i], ivs[j], ivl);
		dp_sa_free(us);
		dp_sa_free(peer);
	}
}

/* ESP in UDP: the header, and both ways of handing the packet over. */
static void
test_udp_encap(void **state)
{
	struct dp_sa_conf c, plain;
	struct dp_sa *us, *peer, *us_plain, *peer_plain;
	size_t olen = 0, got = 0;

	(void)state;
	tu_conf(&c, &tu_aes, &tu_sha1);
	c.local_port = 4500;
	c.remote_port = 14500;
	roundtrip(&c);
	tu_pair(&c, &us, &peer);
	tu_inner(in, 300, 0, 3);
	assert_int_equal(dp_sa_encap(peer, in, 300, pkt, sizeof(pkt), &olen),
	                 0);
	assert_int_equal(pkt[9], DP_PROTO_UDP);
	assert_int_equal(dp_get16(pkt + 20), 14500);
	assert_int_equal(dp_get16(pkt + 22), 4500);
	assert_int_equal(dp_get16(pkt + 24), olen - DP_IP_HLEN);
	assert_int_equal(dp_get16(pkt + 26), 0);
	/* A UDP socket's payload: starts at the SPI. */
	assert_int_equal(
	    dp_sa_decap(us, pkt + 28, olen - 28, 1, out, sizeof(out), &got), 0);
	assert_memory_equal(out, in, 300);
	assert_int_equal(
	    dp_sa_decap(us, pkt + 28, olen - 28, 1, out, sizeof(out), &got),
	    DP_E_REPLAY);
	/* A UDP length that disagrees with the IP length. */
	assert_int_equal(dp_sa_encap(peer, in, 300, pkt, sizeof(pkt), &olen),
	                 0);
	dp_put16(pkt + 24, (uint16_t)(olen - DP_IP_HLEN - 4));
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 DP_E_MALFORMED);
	/* Plain ESP from the same keys is accepted by the UDP SA ... */
	tu_conf(&plain, &tu_aes, &tu_sha1);
	tu_pair(&plain, &us_plain, &peer_plain);
	dp_sa_test_set_seq_out(peer_plain, 100);
	tu_inner(in, 200, 0, 4);
	assert_int_equal(
	    dp_sa_encap(peer_plain, in, 200, pkt, sizeof(pkt), &olen), 0);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 0);
	/* ... but a plain SA refuses UDP payloads and UDP packets. */
	assert_int_equal(dp_sa_decap(us_plain, pkt + 20, olen - 20, 1, out,
	                             sizeof(out), &got),
	                 DP_E_MALFORMED);
	assert_int_equal(dp_sa_encap(peer, in, 200, pkt, sizeof(pkt), &olen),
	                 0);
	assert_int_equal(
	    dp_sa_decap(us_plain, pkt, olen, 0, out, sizeof(out), &got),
	    DP_E_MALFORMED);
	assert_int_equal(dp_sa_stats(us_plain)->err_malformed, 2);
	dp_sa_free(us);
	dp_sa_free(peer);
	dp_sa_free(us_plain);
	dp_sa_free(peer_plain);
}

/*
 * Each byte flipped in turn: the outer header fails its checksum and a
 * wrong SPI is malformed; anything the ICV covers fails authentication.
 */
static void
tamper(const struct dp_sa_conf *c)
{
	struct dp_sa *us, *peer;
	size_t olen = 0, got = 0, i;
	uint64_t auth = 0, malformed = 0;

	tu_pair(c, &us, &peer);
	tu_inner(in, 200, 1, 9);
	assert_int_equal(dp_sa_encap(peer, in, 200, pkt, sizeof(pkt), &olen),
	                 0);
	for (i = 0; i < olen; i++) {
		memcpy(tmp, pkt, olen);
		tmp[i] ^= 0x80;
		int rc = dp_sa_decap(us, tmp, olen, 0, out, sizeof(out), &got);

		if (i < DP_IP_HLEN + 4) {
			assert_int_equal(rc, DP_E_MALFORMED);
			malformed++;
		} else {
			assert_int_equal(rc, DP_E_AUTH);
			auth++;
		}
	}
	assert_int_equal(dp_sa_stats(us)->err_auth, auth);
	assert_int_equal(dp_sa_stats(us)->err_malformed, malformed);
	assert_int_equal(dp_sa_stats(us)->in_packets, 0);
	/* Nothing moved the window: the original still goes through. */
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 0);
	dp_sa_free(us);
	dp_sa_free(peer);
}

static void
test_tamper(void **state)
{
	struct dp_sa_conf c;

	(void)state;
	tu_conf(&c, &tu_aes, &tu_sha1);
	tamper(&c);
	tu_conf(&c, &tu_gcm[0], NULL);
	tamper(&c);
	tu_conf(&c, &tu_null, &tu_sha1);
	tamper(&c);
	tu_conf(&c, &tu_ciphers[1], &tu_hashes[0]); /* 3DES, MD5 */
	tamper(&c);
	tu_conf(&c, &tu_ciphers[13], &tu_hashes[4]); /* Twofish, SHA2-512 */
	tamper(&c);
}

/* A packet from the peer carrying sequence number seq. */
static size_t
packet_seq(struct dp_sa *peer, uint32_t seq, uint8_t *p)
{
	size_t olen = 0;

	tu_inner(in, 80, 0, seq);
	dp_sa_test_set_seq_out(peer, seq - 1);
	assert_int_equal(dp_sa_encap(peer, in, 80, p, TU_BUF, &olen), 0);
	assert_int_equal(dp_get32(p + DP_IP_HLEN + 4), seq);
	return olen;
}

static int
deliver(struct dp_sa *us, struct dp_sa *peer, uint32_t seq)
{
	size_t n = packet_seq(peer, seq, pkt), got = 0;

	return dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got);
}

/* Window edges for one window size (RFC 4303 3.4.3). */
static void
window(uint16_t size)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	uint32_t w = size == 0 ? 64 : size, top = 3 * w + 5, jump;
	size_t n, got = 0;

	tu_conf(&c, &tu_aes, &tu_sha1);
	c.replay_window = size;
	tu_pair(&c, &us, &peer);
	assert_int_equal(deliver(us, peer, top), 0);
	assert_int_equal(deliver(us, peer, top - w + 1), 0); /* oldest in */
	assert_int_equal(deliver(us, peer, top - w), DP_E_REPLAY);
	assert_int_equal(deliver(us, peer, top), DP_E_REPLAY);
	assert_int_equal(deliver(us, peer, top - w + 1), DP_E_REPLAY);
	assert_int_equal(deliver(us, peer, top - 1), 0);
	assert_int_equal(deliver(us, peer, top + 1), 0);
	assert_int_equal(deliver(us, peer, top - w + 2), 0);
	/* A replayed number with a broken ICV is a replay, not forgery. */
	n = packet_seq(peer, top, pkt);
	pkt[n - 1] ^= 1;
	assert_int_equal(dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got),
	                 DP_E_REPLAY);
	/* A forged far-ahead number does not move the window. */
	n = packet_seq(peer, top + 10 * w, pkt);
	pkt[n - 1] ^= 1;
	assert_int_equal(dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got),
	                 DP_E_AUTH);
	assert_int_equal(deliver(us, peer, top - w + 3), 0);
	/* A jump further than the whole bitmap, then its window edges. */
	jump = top + 40 * w + 77;
	assert_int_equal(deliver(us, peer, jump), 0);
	assert_int_equal(deliver(us, peer, jump - w + 1), 0);
	assert_int_equal(deliver(us, peer, jump - w), DP_E_REPLAY);
	assert_int_equal(deliver(us, peer, top + 1), DP_E_REPLAY);
	assert_int_equal(deliver(us, peer, jump - 1), 0);
	assert_int_equal(dp_sa_stats(us)->err_replay, 6);
	assert_int_equal(dp_sa_stats(us)->err_auth, 1);
	assert_int_equal(dp_sa_stats(us)->in_packets, 9);
	dp_sa_free(us);
	dp_sa_free(peer);
}

static void
test_replay_windows(void **state)
{
	(void)state;
	window(0); /* the default 64 */
	window(32);
	window(64);
	window(100);
	window(1024);
}

/* Every number in a window, shuffled, is accepted exactly once. */
static void
test_replay_shuffled(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	uint32_t i, seq;

	(void)state;
	tu_conf(&c, &tu_gcm[0], NULL);
	c.replay_window = 128;
	tu_pair(&c, &us, &peer);
	for (i = 0; i < 128; i++) {
		seq = 1 + (i * 37) % 128; /* a permutation of 1..128 */
		assert_int_equal(deliver(us, peer, seq), 0);
	}
	for (i = 1; i <= 128; i++)
		assert_int_equal(deliver(us, peer, i), DP_E_REPLAY);
	assert_int_equal(deliver(us, peer, 129), 0);
	assert_int_equal(dp_sa_stats(us)->err_replay, 128);
	dp_sa_free(us);
	dp_sa_free(peer);
}

/*
 * A packet from the peer with a trailer the test writes: the inner packet
 * (ilen bytes of in), pad bytes pad[], pad length and next header.  The
 * ICV is valid, so decap gets as far as the trailer.
 */
static size_t
craft(struct dp_sa *peer, const struct dp_sa_conf *c, uint32_t seq, size_t ilen,
      const uint8_t *pad, size_t npad, uint8_t padlen, uint8_t nh)
{
	size_t ivl = c->alg.iv_len, hl = DP_ESP_HLEN + ivl, ptl;
	uint8_t *esp = tmp;

	ptl = ilen + npad + 2;
	dp_put32(esp, TU_SPI_IN);
	dp_put32(esp + 4, seq);
	memset(esp + DP_ESP_HLEN, 0x42, ivl);
	memcpy(esp + hl, in, ilen);
	memcpy(esp + hl + ilen, pad, npad);
	esp[hl + ilen + npad] = padlen;
	esp[hl + ilen + npad + 1] = nh;
	assert_int_equal(dp_esp_protect(peer, esp, ptl), 0);
	return tu_wrap(pkt, esp, hl + ptl + c->alg.icv_len, DP_PROTO_ESP);
}

static void
trailers(const struct tu_cipher *ci)
{
	static const uint8_t good[17] = {1,  2,  3,  4,  5,  6,  7,  8, 9,
	                                 10, 11, 12, 13, 14, 15, 16, 17};
	static const uint8_t bad[17] = {1,  2,  3,  4,  5,  0,  7,  8, 9,
	                                10, 11, 12, 13, 14, 15, 16, 17};
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t n, got = 0, ilen, npad;
	uint32_t seq = 1;

	tu_conf(&c, ci, &tu_sha1);
	tu_pair(&c, &us, &peer);
	/* Inner length chosen so the plaintext fills whole blocks. */
	npad = 14;
	ilen = 64 - npad - 2;
	tu_inner(in, ilen, 0, 5);
	n = craft(peer, &c, seq++, ilen, good, npad, (uint8_t)npad, 4);
	assert_int_equal(dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got), 0);
	assert_int_equal(got, ilen);
	/* A wrong padding byte. */
	n = craft(peer, &c, seq++, ilen, bad, npad, (uint8_t)npad, 4);
	assert_int_equal(dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got),
	                 DP_E_PAD);
	/* Pad length pointing before the plaintext, or just too long. */
	n = craft(peer, &c, seq++, ilen, good, npad, 255, 4);
	assert_int_equal(dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got),
	                 DP_E_PAD);
	n = craft(peer, &c, seq++, ilen, good, npad, (uint8_t)(npad + 1), 4);
	assert_int_equal(dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got),
	                 DP_E_PAD);
	/* Next header TCP, and IPComp on an SA without IPComp. */
	n = craft(peer, &c, seq++, ilen, good, npad, (uint8_t)npad, 6);
	assert_int_equal(dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got),
	                 DP_E_MALFORMED);
	n = craft(peer, &c, seq++, ilen, good, npad, (uint8_t)npad, 108);
	assert_int_equal(dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got),
	                 DP_E_MALFORMED);
	/* Inner total length one byte off. */
	dp_put16(in + 2, (uint16_t)(ilen - 1));
	n = craft(peer, &c, seq++, ilen, good, npad, (uint8_t)npad, 4);
	assert_int_equal(dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got),
	                 DP_E_MALFORMED);
	/* Not IPv4 inside. */
	tu_inner(in, ilen, 0, 5);
	in[0] = 0x65;
	n = craft(peer, &c, seq++, ilen, good, npad, (uint8_t)npad, 4);
	assert_int_equal(dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got),
	                 DP_E_MALFORMED);
	/* More padding than needed is fine (RFC 4303 2.4). */
	tu_inner(in, 64 - 17 - 2 + 16, 0, 6);
	n = craft(peer, &c, seq++, 64 - 17 - 2 + 16, good, 17, 17, 4);
	assert_int_equal(dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got), 0);
	assert_int_equal(dp_sa_stats(us)->err_pad, 3);
	assert_int_equal(dp_sa_stats(us)->err_malformed, 4);
	assert_int_equal(dp_sa_stats(us)->err_auth, 0);
	assert_int_equal(dp_sa_stats(us)->in_packets, 2);
	dp_sa_free(us);
	dp_sa_free(peer);
}

static void
test_bad_trailers(void **state)
{
	(void)state;
	trailers(&tu_null); /* ESP_NULL + HMAC: the trailer is visible */
	trailers(&tu_aes);
	trailers(&tu_ciphers[0]); /* DES */
}

/*
 * Every prefix of a valid packet fails and is counted: as cut (the IP
 * length no longer matches) and with the outer lengths and checksum
 * fixed up so that the ESP checks themselves see the short packet.
 */
static void
truncate_all(const struct dp_sa_conf *c, int udp_payload)
{
	struct dp_sa *us, *peer;
	size_t olen = 0, got = 0, n, off = 0;
	uint64_t tries = 0;
	int rc;

	tu_pair(c, &us, &peer);
	tu_inner(in, 150, 1, 2);
	assert_int_equal(dp_sa_encap(peer, in, 150, pkt, sizeof(pkt), &olen),
	                 0);
	if (udp_payload)
		off = DP_IP_HLEN + DP_UDP_HLEN;
	for (n = 0; n < olen - off; n++) {
		rc = dp_sa_decap(us, pkt + off, n, udp_payload, out,
		                 sizeof(out), &got);
		assert_true(rc == DP_E_MALFORMED || rc == DP_E_AUTH);
		tries++;
		if (udp_payload || n < DP_IP_HLEN + 1)
			continue;
		memcpy(tmp, pkt, n);
		dp_put16(tmp + 2, (uint16_t)n);
		if (tmp[9] == DP_PROTO_UDP && n >= DP_IP_HLEN + DP_UDP_HLEN)
			dp_put16(tmp + 24, (uint16_t)(n - DP_IP_HLEN));
		tu_recsum(tmp);
		rc = dp_sa_decap(us, tmp, n, 0, out, sizeof(out), &got);
		assert_true(rc == DP_E_MALFORMED || rc == DP_E_AUTH);
		tries++;
	}
	assert_int_equal(tu_errors(us), tries);
	assert_int_equal(dp_sa_decap(us, pkt + off, olen - off, udp_payload,
	                             out, sizeof(out), &got),
	                 0);
	assert_int_equal(got, 150);
	dp_sa_free(us);
	dp_sa_free(peer);
}

static void
test_truncated(void **state)
{
	struct dp_sa_conf c;

	(void)state;
	tu_conf(&c, &tu_aes, &tu_sha1);
	truncate_all(&c, 0);
	tu_conf(&c, &tu_gcm[2], NULL);
	truncate_all(&c, 0);
	tu_conf(&c, &tu_null, &tu_hashes[2]);
	truncate_all(&c, 0);
	tu_conf(&c, &tu_ciphers[2], &tu_hashes[5]); /* Blowfish, RIPEMD */
	truncate_all(&c, 0);
	tu_conf(&c, &tu_aes, &tu_sha1);
	c.local_port = c.remote_port = 4500;
	truncate_all(&c, 0);
	truncate_all(&c, 1);
}

/* Without integrity a short packet can only fail on its lengths. */
static void
test_truncated_no_icv(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t olen = 0, got = 0, n;

	(void)state;
	tu_conf(&c, &tu_aes, NULL);
	tu_pair(&c, &us, &peer);
	tu_inner(in, 150, 1, 2);
	assert_int_equal(dp_sa_encap(peer, in, 150, pkt, sizeof(pkt), &olen),
	                 0);
	for (n = 0; n < olen; n++)
		assert_true(dp_sa_decap(us, pkt, n, 0, out, sizeof(out), &got) <
		            0);
	assert_int_equal(tu_errors(us), olen);
	dp_sa_free(us);
	dp_sa_free(peer);
}

/* Buffers too small, packets too big, bad inner packets on the way out. */
static void
test_limits(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t olen = 0, got = 0, need;

	(void)state;
	tu_conf(&c, &tu_aes, &tu_sha1);
	tu_pair(&c, &us, &peer);
	tu_inner(in, 100, 0, 1);
	need = DP_IP_HLEN + 8 + 16 + 112 + 12;
	assert_int_equal(dp_sa_encap(peer, in, 100, pkt, need - 1, &olen),
	                 DP_E_NOSPACE);
	assert_int_equal(dp_sa_encap(peer, in, 100, pkt, need, &olen), 0);
	assert_int_equal(olen, need);
	assert_int_equal(dp_get32(pkt + 24), 1); /* no number was lost */
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, 111, &got),
	                 DP_E_NOSPACE);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, 112, &got), 0);
	/* The largest inner packet that fits in one outer datagram. */
	tu_inner(in, 65440, 1, 2);
	assert_int_equal(dp_sa_encap(peer, in, 65440, pkt, sizeof(pkt), &olen),
	                 0);
	assert_int_equal(olen, 65512);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 0);
	assert_memory_equal(out, in, 65440);
	tu_inner(in, 65480, 1, 2);
	assert_int_equal(dp_sa_encap(peer, in, 65480, pkt, sizeof(pkt), &olen),
	                 DP_E_NOSPACE);
	/* Inner packets that are not one IPv4 datagram. */
	tu_inner(in, 100, 0, 1);
	assert_int_equal(dp_sa_encap(peer, in, 19, pkt, sizeof(pkt), &olen),
	                 DP_E_MALFORMED);
	assert_int_equal(dp_sa_encap(peer, in, 99, pkt, sizeof(pkt), &olen),
	                 DP_E_MALFORMED);
	in[0] = 0x60;
	assert_int_equal(dp_sa_encap(peer, in, 100, pkt, sizeof(pkt), &olen),
	                 DP_E_MALFORMED);
	in[0] = 0x44;
	assert_int_equal(dp_sa_encap(peer, in, 100, pkt, sizeof(pkt), &olen),
	                 DP_E_MALFORMED);
	assert_int_equal(dp_sa_stats(peer)->err_malformed, 4);
	assert_int_equal(dp_sa_stats(peer)->out_packets, 2);
	dp_sa_free(us);
	dp_sa_free(peer);
}

/*
 * The caller may leave the inner packet in the output buffer behind
 * DP_SA_OVERHEAD bytes of headroom and encapsulate in place.
 */
static void
test_in_place(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t olen = 0, got = 0, k;
	const struct tu_cipher *ci[] = {&tu_aes, &tu_gcm[0], &tu_null};

	(void)state;
	for (k = 0; k < TU_N(ci); k++) {
		tu_conf(&c, ci[k], ci[k]->aead ? NULL : &tu_hashes[4]);
		tu_pair(&c, &us, &peer);
		tu_inner(in, 1400, 1, 8);
		memcpy(pkt + DP_SA_OVERHEAD, in, 1400);
		assert_int_equal(dp_sa_encap(peer, pkt + DP_SA_OVERHEAD, 1400,
		                             pkt, 1400 + 2 * DP_SA_OVERHEAD,
		                             &olen),
		                 0);
		assert_int_equal(
		    dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got), 0);
		assert_int_equal(got, 1400);
		assert_memory_equal(out, in, 1400);
		dp_sa_free(us);
		dp_sa_free(peer);
	}
}

/* The outer header itself: fragments, options, versions, lengths. */
static void
test_outer_header(void **state)
{
	struct dp_sa_conf c;
	struct dp_sa *us, *peer;
	size_t olen = 0, got = 0;

	(void)state;
	tu_conf(&c, &tu_aes, &tu_sha1);
	tu_pair(&c, &us, &peer);
	tu_inner(in, 100, 0, 1);
	assert_int_equal(dp_sa_encap(peer, in, 100, pkt, sizeof(pkt), &olen),
	                 0);
	/* More fragments, or an offset. */
	memcpy(tmp, pkt, olen);
	dp_put16(tmp + 6, 0x2000);
	tu_recsum(tmp);
	assert_int_equal(dp_sa_decap(us, tmp, olen, 0, out, sizeof(out), &got),
	                 DP_E_MALFORMED);
	dp_put16(tmp + 6, 0x0001);
	tu_recsum(tmp);
	assert_int_equal(dp_sa_decap(us, tmp, olen, 0, out, sizeof(out), &got),
	                 DP_E_MALFORMED);
	/* TTL and DF are nobody's business: still accepted. */
	memcpy(tmp, pkt, olen);
	tmp[8] = 3;
	dp_put16(tmp + 6, 0);
	tu_recsum(tmp);
	/* Trailing bytes beyond the IP total length are ignored. */
	assert_int_equal(
	    dp_sa_decap(us, tmp, olen + 7, 0, out, sizeof(out), &got), 0);
	/* AH protocol number on an ESP SA. */
	assert_int_equal(dp_sa_encap(peer, in, 100, pkt, sizeof(pkt), &olen),
	                 0);
	memcpy(tmp, pkt, olen);
	tmp[9] = DP_PROTO_AH;
	tu_recsum(tmp);
	assert_int_equal(dp_sa_decap(us, tmp, olen, 0, out, sizeof(out), &got),
	                 DP_E_MALFORMED);
	/* IHL below 5. */
	memcpy(tmp, pkt, olen);
	tmp[0] = 0x44;
	tu_recsum(tmp);
	assert_int_equal(dp_sa_decap(us, tmp, olen, 0, out, sizeof(out), &got),
	                 DP_E_MALFORMED);
	assert_int_equal(dp_sa_stats(us)->err_malformed, 4);
	assert_int_equal(dp_sa_decap(us, pkt, olen, 0, out, sizeof(out), &got),
	                 0);
	dp_sa_free(us);
	dp_sa_free(peer);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_combinations),
	    cmocka_unit_test(test_cbc_iv_random),
	    cmocka_unit_test(test_udp_encap),
	    cmocka_unit_test(test_tamper),
	    cmocka_unit_test(test_replay_windows),
	    cmocka_unit_test(test_replay_shuffled),
	    cmocka_unit_test(test_bad_trailers),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_truncated_no_icv),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_in_place),
	    cmocka_unit_test(test_outer_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
