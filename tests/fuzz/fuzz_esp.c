/*
 * fuzz_esp.c - libFuzzer harness for the dataplane's inbound path:
 * dp_sa_peek and dp_sa_decap over ESP, AH, IPComp and ESP in UDP, with
 * the real ciphers, HMACs and zlib.
 *
 * The first input byte chooses:
 *   bits 0-3  the SA (modulo 7): ESP AES-128-CBC/HMAC-SHA1, ESP
 *             AES-128-GCM, AH HMAC-SHA1, ESP AES-CBC/SHA1 with IPComp,
 *             ESP in UDP (AES-CBC/SHA1), ESP NULL/HMAC-SHA1, AH with
 *             IPComp;
 *   bit 4     for ESP in UDP: the rest is a UDP payload (starts at the
 *             SPI) instead of a whole IPv4 packet;
 *   bit 7     seal: the harness plays the peer and makes the rest a
 *             packet that authenticates.  It fixes the outer lengths,
 *             protocol and checksum, sets the SPI, then encrypts the
 *             bytes after the IV as plaintext and writes the ICV (AH:
 *             computes the ICV), so that mutations reach the padding,
 *             next header, IPComp and inner header checks.
 * The rest is the packet.  Every failure must be counted exactly once;
 * a packet that decapsulates must encapsulate again and come back the
 * same through the peer's SA.  The seeds are valid packets of each kind,
 * plain and in their sealed (plaintext) form.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_int.h"
#include "dp_pmtu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	K_CBC,
	K_GCM,
	K_AH,
	K_COMP,
	K_UDP,
	K_NULL,
	K_AHCOMP,
	NKINDS,
};

struct pair {
	struct dp_sa *rx; /* ours, under test */
	struct dp_sa *tx; /* the peer's: swapped keys and SPIs */
};

static struct pair pairs[NKINDS];
static uint8_t pkt[DP_IP_MAX + 1], out[DP_IP_MAX + 1];
static uint8_t again[DP_IP_MAX + 1], back[DP_IP_MAX + 1];

static void
set_alg(struct dp_alg *a, const char *cipher, uint16_t block, uint16_t iv,
        uint16_t key, const char *digest)
{
	memset(a, 0, sizeof(*a));
	(void)snprintf(a->cipher, sizeof(a->cipher), "%s", cipher);
	a->block_len = block;
	a->iv_len = iv;
	a->enc_key_len = key;
	if (digest[0] != '\0') {
		(void)snprintf(a->digest, sizeof(a->digest), "%s", digest);
		a->auth_key_len = 20;
		a->icv_len = 12;
	}
}

static void
conf_for(int k, struct dp_sa_conf *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->index = (uint32_t)k + 1;
	c->proto = k == K_AH || k == K_AHCOMP ? DP_DOI_AH : DP_DOI_ESP;
	if (k == K_GCM) {
		set_alg(&c->alg, "AES-128-GCM", 1, 8, 20, "");
		c->alg.aead = 1;
		c->alg.icv_len = 16;
	} else if (k == K_AH || k == K_AHCOMP || k == K_NULL)
		set_alg(&c->alg, "", 1, 0, 0, "SHA1");
	else
		set_alg(&c->alg, "AES-128-CBC", 16, 16, 16, "SHA1");
	c->ipcomp = k == K_COMP || k == K_AHCOMP;
	c->cpi_in = 0x4a01;
	c->cpi_out = 0x4b02;
	c->spi_in = 0x1001;
	c->spi_out = 0x2002;
	c->local = 0x0a000001;
	c->remote = 0x0a000002;
	if (k == K_UDP)
		c->local_port = c->remote_port = 4500;
	c->key_len = (uint16_t)(c->alg.enc_key_len + c->alg.auth_key_len);
	for (i = 0; i < c->key_len; i++) {
		c->key_in[i] = (uint8_t)(i * 7 + 1);
		c->key_out[i] = (uint8_t)(i * 13 + 5);
	}
}

static void
setup(void)
{
	struct dp_sa_conf c, p;
	int k;

	if (pairs[0].rx != NULL)
		return;
	for (k = 0; k < NKINDS; k++) {
		conf_for(k, &c);
		p = c;
		p.spi_in = c.spi_out;
		p.spi_out = c.spi_in;
		p.cpi_in = c.cpi_out;
		p.cpi_out = c.cpi_in;
		p.local = c.remote;
		p.remote = c.local;
		memcpy(p.key_in, c.key_out, sizeof(p.key_in));
		memcpy(p.key_out, c.key_in, sizeof(p.key_out));
		pairs[k].rx = dp_sa_new(&c, 0);
		pairs[k].tx = dp_sa_new(&p, 0);
		if (pairs[k].rx == NULL || pairs[k].tx == NULL)
			abort();
	}
}

/* Makes the outer header consistent: length, no fragment, checksum. */
static size_t
seal_outer(uint8_t *p, size_t len, uint8_t proto)
{
	size_t hl;

	if (len < DP_IP_HLEN || len > DP_IP_MAX)
		return 0;
	hl = (size_t)(p[0] & 0x0f) * 4;
	if (p[0] >> 4 != 4 || hl < DP_IP_HLEN || hl > len)
		return 0;
	dp_put16(p + 2, (uint16_t)len);
	p[6] &= 0x40;
	p[7] = 0;
	p[9] = proto;
	dp_put16(p + 10, 0);
	dp_put16(p + 10, dp_pkt_cksum(p, hl));
	return hl;
}

/* The peer's side of an ESP packet whose plaintext is the input. */
static void
seal_esp(const struct pair *pr, int udp_payload, uint8_t *p, size_t len)
{
	const struct dp_sa_conf *c = dp_sa_conf(pr->tx);
	size_t off = 0, fixed = DP_ESP_HLEN + c->alg.iv_len + c->alg.icv_len;
	size_t ptl;
	int udp = c->local_port != 0;

	if (!udp_payload) {
		off = seal_outer(p, len, udp ? DP_PROTO_UDP : DP_PROTO_ESP);
		if (off == 0)
			return;
		if (udp) {
			if (len < off + DP_UDP_HLEN)
				return;
			dp_put16(p + off + 4, (uint16_t)(len - off));
			off += DP_UDP_HLEN;
		}
	}
	if (len < off + fixed)
		return;
	ptl = len - off - fixed;
	if (ptl % c->alg.block_len != 0)
		return;
	dp_put32(p + off, c->spi_out);
	(void)dp_esp_protect(pr->tx, p + off, ptl);
}

static void
seal_ah(const struct pair *pr, uint8_t *p, size_t len)
{
	const struct dp_sa_conf *c = dp_sa_conf(pr->tx);

	if (len < DP_IP_HLEN + 24)
		return;
	p[0] = 0x45;
	(void)seal_outer(p, len, DP_PROTO_AH);
	p[DP_IP_HLEN + 1] = 4;
	dp_put32(p + DP_IP_HLEN + 4, c->spi_out);
	(void)dp_ah_protect(pr->tx, p, len);
}

static uint64_t
errors(const struct dp_sa *sa)
{
	const struct dp_sa_stats *s = dp_sa_stats(sa);

	return s->err_auth + s->err_replay + s->err_pad + s->err_malformed +
	       s->err_decomp;
}

/* What came out goes back through our outbound and the peer's inbound. */
static void
roundtrip(const struct pair *pr, size_t len)
{
	size_t alen = 0, blen = 0;
	int rc;

	rc = dp_sa_encap(pr->rx, out, len, again, sizeof(again), &alen);
	if (rc == DP_E_NOSPACE)
		return;
	if (rc != DP_OK ||
	    dp_sa_decap(pr->tx, again, alen, 0, back, sizeof(back), &blen) !=
	        DP_OK ||
	    blen != len || memcmp(back, out, len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct pair *pr;
	size_t len, olen = 0;
	uint8_t proto = 0;
	uint32_t spi = 0;
	int k, udp_payload, rc;

	if (size < 1 || size - 1 > DP_IP_MAX)
		return 0;
	setup();
	k = (data[0] & 0x0f) % NKINDS;
	udp_payload = k == K_UDP && (data[0] & 0x10) != 0;
	pr = &pairs[k];
	len = size - 1;
	memcpy(pkt, data + 1, len);
	dp_sa_test_reset(pr->rx);
	dp_sa_test_reset(pr->tx);
	if (data[0] & 0x80) {
		if (k == K_AH || k == K_AHCOMP)
			seal_ah(pr, pkt, len);
		else
			seal_esp(pr, udp_payload, pkt, len);
	}
	(void)dp_sa_peek(pkt, len, udp_payload, &proto, &spi);
	/* The "fragmentation needed" for a packet from the protected side. */
	if (dp_pmtu_icmp(data + 1, len, 1232, again, 128) >
	    DP_IP_HLEN + 8 + 60 + 8)
		abort();
	rc =
	    dp_sa_decap(pr->rx, pkt, len, udp_payload, out, sizeof(out), &olen);
	switch (rc) {
	case DP_OK:
		if (errors(pr->rx) != 0 ||
		    dp_sa_stats(pr->rx)->in_packets != 1 ||
		    dp_pkt_inner_ok(out, olen) != 0)
			abort();
		roundtrip(pr, olen);
		break;
	case DP_E_MALFORMED:
	case DP_E_AUTH:
	case DP_E_REPLAY:
	case DP_E_PAD:
	case DP_E_DECOMP:
		if (errors(pr->rx) != 1 || dp_sa_stats(pr->rx)->in_packets != 0)
			abort();
		break;
	default:
		abort(); /* no crypto failure, no lack of space here */
	}
	return 0;
}
