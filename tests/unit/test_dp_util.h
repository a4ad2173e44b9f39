/*
 * test_dp_util.h - helpers shared by the dataplane packet-transform tests
 * (test_dp_*.c): the algorithm list the agent can hand over, SA pairs
 * built with swapped keys and SPIs (our SA and the peer's), inner
 * packets, hex vectors and an IV source the tests control.
 */
#ifndef IPSECGW_TEST_DP_UTIL_H
#define IPSECGW_TEST_DP_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dp_int.h"

#define TU_BUF     (DP_IP_MAX + 2 * DP_SA_OVERHEAD)
#define TU_T0      1000
#define TU_LOCAL   0x0a000001u /* 10.0.0.1 */
#define TU_REMOTE  0x0a000002u /* 10.0.0.2 */
#define TU_SPI_IN  0x1001u
#define TU_SPI_OUT 0x2002u

struct tu_cipher {
	const char *name;
	uint8_t aead;
	uint16_t block, iv, key, icv;
};

struct tu_hash {
	const char *name;
	uint16_t key, icv;
};

/* What agent_dp_sa_conf() produces for each ESP cipher (docs/algorithms.md). */
static const struct tu_cipher tu_ciphers[] = {
    {"DES-CBC", 0, 8, 8, 8, 0},
    {"DES-EDE3-CBC", 0, 8, 8, 24, 0},
    {"BF-CBC", 0, 8, 8, 16, 0},
    {"BF-CBC", 0, 8, 8, 5, 0},
    {"BF-CBC", 0, 8, 8, 56, 0},
    {"CAST5-CBC", 0, 8, 8, 16, 0},
    {"CAST5-CBC", 0, 8, 8, 5, 0},
    {"AES-128-CBC", 0, 16, 16, 16, 0},
    {"AES-192-CBC", 0, 16, 16, 24, 0},
    {"AES-256-CBC", 0, 16, 16, 32, 0},
    {"CAMELLIA-128-CBC", 0, 16, 16, 16, 0},
    {"CAMELLIA-192-CBC", 0, 16, 16, 24, 0},
    {"CAMELLIA-256-CBC", 0, 16, 16, 32, 0},
    {"twofish-cbc", 0, 16, 16, 16, 0},
    {"twofish-cbc", 0, 16, 16, 32, 0},
    {"", 0, 1, 0, 0, 0},
};

static const struct tu_cipher tu_gcm[] = {
    {"AES-128-GCM", 1, 1, 8, 20, 16},
    {"AES-192-GCM", 1, 1, 8, 28, 16},
    {"AES-256-GCM", 1, 1, 8, 36, 16},
};

static const struct tu_hash tu_hashes[] = {
    {"MD5", 16, 12},      {"SHA1", 20, 12},     {"SHA2-256", 32, 16},
    {"SHA2-384", 48, 24}, {"SHA2-512", 64, 32}, {"RIPEMD160", 20, 12},
};

static const struct tu_cipher tu_aes = {"AES-128-CBC", 0, 16, 16, 16, 0};
static const struct tu_hash tu_sha1 = {"SHA1", 20, 12};
static const struct tu_cipher tu_null = {"", 0, 1, 0, 0, 0};

#define TU_N(a) (sizeof(a) / sizeof((a)[0]))

/* Decodes hex (spaces allowed) into out; returns the length. */
static inline size_t
tu_unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int b;

	while (*s != '\0') {
		if (*s == ' ') {
			s++;
			continue;
		}
		assert_true(n < max);
		assert_int_equal(sscanf(s, "%2x", &b), 1);
		out[n++] = (uint8_t)b;
		s += 2;
	}
	return n;
}

/*
 * A conf for our side: ESP with cipher c (NULL: AH) and hash h (NULL: no
 * integrity), deterministic keys different per direction.
 */
static inline void
tu_conf(struct dp_sa_conf *c, const struct tu_cipher *ci,
        const struct tu_hash *h)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->index = 7;
	c->proto = ci != NULL ? DP_DOI_ESP : DP_DOI_AH;
	c->alg.block_len = 1;
	if (ci != NULL) {
		(void)snprintf(c->alg.cipher, sizeof(c->alg.cipher), "%s",
		               ci->name);
		c->alg.aead = ci->aead;
		c->alg.block_len = ci->block;
		c->alg.iv_len = ci->iv;
		c->alg.enc_key_len = ci->key;
		c->alg.icv_len = ci->icv;
	}
	if (h != NULL) {
		(void)snprintf(c->alg.digest, sizeof(c->alg.digest), "%s",
		               h->name);
		c->alg.auth_key_len = h->key;
		c->alg.icv_len = h->icv;
	}
	c->spi_in = TU_SPI_IN;
	c->spi_out = TU_SPI_OUT;
	c->cpi_in = 0x4a01;
	c->cpi_out = 0x4b02;
	c->local = TU_LOCAL;
	c->remote = TU_REMOTE;
	c->pmtu = 1; /* propagate PMTU: the outer DF follows the inner one */
	c->key_len = (uint16_t)(c->alg.enc_key_len + c->alg.auth_key_len);
	for (i = 0; i < c->key_len; i++) {
		c->key_in[i] = (uint8_t)(i * 7 + 1);
		c->key_out[i] = (uint8_t)(i * 13 + 5);
	}
}

/* The peer's view of the same SA pair. */
static inline void
tu_swap(const struct dp_sa_conf *c, struct dp_sa_conf *p)
{
	*p = *c;
	p->spi_in = c->spi_out;
	p->spi_out = c->spi_in;
	p->cpi_in = c->cpi_out;
	p->cpi_out = c->cpi_in;
	p->local = c->remote;
	p->remote = c->local;
	p->local_port = c->remote_port;
	p->remote_port = c->local_port;
	memcpy(p->key_in, c->key_out, sizeof(p->key_in));
	memcpy(p->key_out, c->key_in, sizeof(p->key_out));
}

/* Our SA (receiver) and the peer's (sender); both must install. */
static inline void
tu_pair(const struct dp_sa_conf *c, struct dp_sa **us, struct dp_sa **peer)
{
	struct dp_sa_conf p;

	tu_swap(c, &p);
	*us = dp_sa_new(c, TU_T0);
	*peer = dp_sa_new(&p, TU_T0);
	assert_non_null(*us);
	assert_non_null(*peer);
}

/* An IPv4/UDP packet of len bytes; kind 0 compressible, 1 random. */
static inline void
tu_inner(uint8_t *p, size_t len, int kind, uint32_t seed)
{
	size_t i;

	assert_true(len >= DP_IP_HLEN);
	memset(p, 0, DP_IP_HLEN);
	p[0] = 0x45;
	p[1] = 0xb8; /* DSCP EF, ECN 0 */
	dp_put16(p + 2, (uint16_t)len);
	dp_put16(p + 4, (uint16_t)seed);
	dp_put16(p + 6, DP_IP_DF);
	p[8] = 63;
	p[9] = 17;
	dp_put32(p + 12, 0xc0a80101u);
	dp_put32(p + 16, 0xc0a80201u);
	dp_put16(p + 10, dp_pkt_cksum(p, DP_IP_HLEN));
	for (i = DP_IP_HLEN; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = kind == 0 ? (uint8_t)("ipsecgw "[i % 8])
		                 : (uint8_t)(seed >> 16);
	}
}

/* An IV source for known-answer tests: hands out iv[] for every packet. */
struct tu_iv {
	uint8_t iv[DP_IV_MAX];
	size_t len;
	uint32_t last_seq;
};

static inline int
tu_iv_fn(void *arg, uint32_t seq, uint8_t *iv, size_t len)
{
	struct tu_iv *t = arg;

	assert_int_equal(len, t->len);
	memcpy(iv, t->iv, len);
	t->last_seq = seq;
	return 0;
}

/* Wraps an ESP packet (from the SPI on) in an outer IPv4 header. */
static inline size_t
tu_wrap(uint8_t *out, const uint8_t *esp, size_t len, uint8_t proto)
{
	memmove(out + DP_IP_HLEN, esp, len);
	memset(out, 0, DP_IP_HLEN);
	out[0] = 0x45;
	dp_put16(out + 2, (uint16_t)(len + DP_IP_HLEN));
	out[8] = 64;
	out[9] = proto;
	dp_put32(out + 12, TU_REMOTE);
	dp_put32(out + 16, TU_LOCAL);
	dp_put16(out + 10, dp_pkt_cksum(out, DP_IP_HLEN));
	return len + DP_IP_HLEN;
}

/* Sum of the error counters: every failure must be counted once. */
static inline uint64_t
tu_errors(const struct dp_sa *sa)
{
	const struct dp_sa_stats *s = dp_sa_stats(sa);

	return s->err_auth + s->err_replay + s->err_pad + s->err_malformed +
	       s->err_decomp;
}

/* Fixes the outer header checksum after a test changed the header. */
static inline void
tu_recsum(uint8_t *ip)
{
	dp_put16(ip + 10, 0);
	dp_put16(ip + 10, dp_pkt_cksum(ip, (size_t)(ip[0] & 0x0f) * 4));
}

#endif
