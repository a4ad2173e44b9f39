/*
 * dp_sa.c - one SA pair: installing it (checking the resolved algorithms,
 * keying both directions, cleansing the key copies), lifetimes, counters,
 * and the two packet operations, which put IPComp, ESP/AH and the outer
 * header together and count every failure by cause.
 */
#include "dp_int.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common.h"

/* SOFT once 90% of the 32-bit sequence space is used. */
#define SEQ_SOFT (UINT32_MAX - UINT32_MAX / 10)

static int
esp_conf_ok(const struct dp_alg *a)
{
	int has_enc = a->cipher[0] != '\0', has_mac = a->digest[0] != '\0';

	if (a->aead)
		return has_enc && !has_mac && a->auth_key_len == 0;
	/* RFC 4303 3.2: confidentiality, integrity or both. */
	if (!has_enc && !has_mac)
		return 0;
	if (!has_mac && (a->icv_len != 0 || a->auth_key_len != 0))
		return 0;
	return a->block_len >= 1 && a->block_len <= DP_IV_MAX;
}

/* Rejects what the packet code cannot process, before keying anything. */
static int
conf_ok(const struct dp_sa_conf *c)
{
	const struct dp_alg *a = &c->alg;

	if (c->key_len != a->enc_key_len + a->auth_key_len ||
	    c->key_len > sizeof(c->key_in) ||
	    c->replay_window > DP_REPLAY_MAX || a->iv_len > DP_IV_MAX ||
	    a->icv_len > DP_ICV_MAX ||
	    memchr(a->cipher, '\0', sizeof(a->cipher)) == NULL ||
	    memchr(a->digest, '\0', sizeof(a->digest)) == NULL)
		return 0;
	if (c->proto == DP_DOI_ESP)
		return esp_conf_ok(a);
	if (c->proto != DP_DOI_AH)
		return 0;
	/* AH: integrity only, and RFC 3948 has no AH in UDP. */
	return a->cipher[0] == '\0' && a->digest[0] != '\0' && !a->aead &&
	       a->enc_key_len == 0 && a->iv_len == 0 &&
	       (c->local_port == 0 || c->remote_port == 0);
}

/* Keys both directions: key_out for what we send, key_in for the peer's. */
static int
sa_keys(struct dp_sa *sa, const struct dp_sa_conf *c)
{
	const struct dp_alg *a = &c->alg;

	if (c->proto == DP_DOI_ESP &&
	    (dp_cipher_init(&sa->enc, a, c->key_out, 1) != 0 ||
	     dp_cipher_init(&sa->dec, a, c->key_in, 0) != 0))
		return -1;
	if (a->digest[0] == '\0')
		return 0;
	if (dp_mac_init(&sa->mac_out, a->digest, c->key_out + a->enc_key_len,
	                a->auth_key_len, a->icv_len) != 0 ||
	    dp_mac_init(&sa->mac_in, a->digest, c->key_in + a->enc_key_len,
	                a->auth_key_len, a->icv_len) != 0)
		return -1;
	return 0;
}

struct dp_sa *
dp_sa_new(const struct dp_sa_conf *c, time_t now)
{
	struct dp_sa *sa;
	uint8_t id[2];

	if (dp_crypto_init() != 0)
		return NULL;
	if (!conf_ok(c)) {
		gw_err("%s: SA %u: unsupported parameters (%.*s/%.*s)",
		       __func__, c->index, (int)sizeof(c->alg.cipher),
		       c->alg.cipher, (int)sizeof(c->alg.digest),
		       c->alg.digest);
		return NULL;
	}
	if ((sa = calloc(1, sizeof(*sa))) == NULL) {
		gw_err("%s: out of memory", __func__);
		return NULL;
	}
	sa->conf = *c;
	OPENSSL_cleanse(sa->conf.key_in, sizeof(sa->conf.key_in));
	OPENSSL_cleanse(sa->conf.key_out, sizeof(sa->conf.key_out));
	sa->udp =
	    c->proto == DP_DOI_ESP && c->local_port != 0 && c->remote_port != 0;
	sa->installed = now;
	dp_replay_init(&sa->replay, c->replay_window);
	if (RAND_bytes(id, sizeof(id)) == 1)
		sa->ip_id = dp_get16(id);
	if (sa_keys(sa, c) != 0 ||
	    (c->ipcomp && dp_comp_init(&sa->comp) != 0)) {
		gw_err("%s: SA %u: keying failed", __func__, c->index);
		dp_sa_free(sa);
		return NULL;
	}
	return sa;
}

void
dp_sa_free(struct dp_sa *sa)
{
	if (sa == NULL)
		return;
	dp_cipher_free(&sa->enc);
	dp_cipher_free(&sa->dec);
	dp_mac_free(&sa->mac_out);
	dp_mac_free(&sa->mac_in);
	dp_comp_free(&sa->comp);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

const struct dp_sa_conf *
dp_sa_conf(const struct dp_sa *sa)
{
	return &sa->conf;
}

const struct dp_sa_stats *
dp_sa_stats(const struct dp_sa *sa)
{
	return &sa->stats;
}

/* Each direction is an SA of its own; the pair goes with the first. */
static uint64_t
sa_bytes(const struct dp_sa *sa)
{
	return sa->stats.in_bytes > sa->stats.out_bytes ? sa->stats.in_bytes
	                                                : sa->stats.out_bytes;
}

/* The byte limit is enforced per packet; time only in dp_sa_life(). */
static int
sa_expired(struct dp_sa *sa)
{
	uint64_t limit = (uint64_t)sa->conf.life_kbytes * 1024;

	if (!sa->dead && limit != 0 && sa_bytes(sa) >= limit)
		sa->dead = 1;
	return sa->dead;
}

enum dp_life
dp_sa_life(struct dp_sa *sa, time_t now)
{
	uint64_t blim = (uint64_t)sa->conf.life_kbytes * 1024;
	uint64_t slim = sa->conf.life_seconds, bytes = sa_bytes(sa);
	uint64_t age =
	    now > sa->installed ? (uint64_t)(now - sa->installed) : 0;

	if (sa->dead || (slim != 0 && age >= slim) ||
	    (blim != 0 && bytes >= blim) || sa->seq_out == UINT32_MAX) {
		sa->dead = 1;
		return DP_LIFE_HARD;
	}
	if (sa->soft_sent)
		return DP_LIFE_OK;
	if ((slim != 0 && age >= slim - slim / 10) ||
	    (blim != 0 && bytes >= blim - blim / 5) ||
	    sa->seq_out >= SEQ_SOFT) {
		sa->soft_sent = 1;
		return DP_LIFE_SOFT;
	}
	return DP_LIFE_OK;
}

/* Files an error under its counter and passes it on. */
static int
sa_count(struct dp_sa *sa, int rc)
{
	switch (rc) {
	case DP_E_MALFORMED:
		sa->stats.err_malformed++;
		break;
	case DP_E_AUTH:
		sa->stats.err_auth++;
		break;
	case DP_E_REPLAY:
		sa->stats.err_replay++;
		break;
	case DP_E_PAD:
		sa->stats.err_pad++;
		break;
	case DP_E_DECOMP:
		sa->stats.err_decomp++;
		break;
	default:
		break;
	}
	return rc;
}

/*
 * CBC IVs are random (RFC 3602).  OpenSSL 3's RAND_bytes costs about 2 us
 * per call whatever the size, more than encrypting a whole packet, so
 * they are drawn DP_IV_POOL bytes at a time and each byte used once.
 * For GCM the IV only has to be unique: the sequence number, which
 * never wraps under one key.
 */
int
dp_sa_make_iv(struct dp_sa *sa, uint32_t seq, uint8_t *iv, size_t len)
{
	uint8_t *p;

	if (len == 0)
		return 0;
	if (sa->iv_fn != NULL)
		return sa->iv_fn(sa->iv_arg, seq, iv, len) == 0 ? 0
		                                                : DP_E_CRYPTO;
	if (sa->enc.kind == DP_CIPHER_GCM) {
		memset(iv, 0, len - 4);
		dp_put32(iv + len - 4, seq);
		return 0;
	}
	if (sa->iv_left < len) {
		if (RAND_bytes(sa->iv_pool, sizeof(sa->iv_pool)) != 1) {
			dp_crypto_error(__func__, "RAND_bytes");
			return DP_E_CRYPTO;
		}
		sa->iv_left = sizeof(sa->iv_pool);
	}
	p = sa->iv_pool + sizeof(sa->iv_pool) - sa->iv_left;
	memcpy(iv, p, len);
	memset(p, 0, len);
	sa->iv_left -= (uint16_t)len;
	return 0;
}

/*
 * Deflates into the scratch buffer behind room for the IPComp header when
 * the packet is big enough and the result (header included) is smaller
 * (RFC 3173 2.2); otherwise the packet goes as it is.
 */
static int
comp_out(struct dp_sa *sa, const uint8_t **src, size_t *slen, uint8_t *nh)
{
	uint8_t *buf = sa->comp.scratch;
	size_t clen = 0, len = *slen;
	int rc;

	if (len < DP_COMP_MIN) {
		sa->stats.comp_skipped++;
		return 0;
	}
	rc = dp_comp_deflate(&sa->comp, *src, len, buf + DP_COMP_HLEN,
	                     len - DP_COMP_HLEN - 1, &clen);
	if (rc <= 0) {
		sa->stats.comp_skipped++;
		return rc;
	}
	buf[0] = DP_NH_IPIP;
	buf[1] = 0;
	dp_put16(buf + 2, sa->conf.cpi_out);
	*src = buf;
	*slen = clen + DP_COMP_HLEN;
	*nh = DP_PROTO_COMP;
	return 0;
}

int
dp_sa_encap(struct dp_sa *sa, const uint8_t *in, size_t len, uint8_t *out,
            size_t cap, size_t *out_len)
{
	const uint8_t *src = in;
	size_t slen = len;
	uint8_t tos, nh = DP_NH_IPIP;
	uint16_t df;
	int rc;

	if (sa_expired(sa))
		return DP_E_EXPIRED;
	if (dp_pkt_inner_ok(in, len) != 0)
		return sa_count(sa, DP_E_MALFORMED);
	/* Read before anything is written: in may lie inside out. */
	tos = in[1];
	/* DF goes outside only with propagate PMTU; else routers on the
	 * path may fragment the protected packet (RFC 4301 8.1). */
	df = sa->conf.pmtu ? dp_get16(in + 6) & DP_IP_DF : 0;
	if (sa->conf.ipcomp && (rc = comp_out(sa, &src, &slen, &nh)) != 0)
		return rc;
	if (sa->conf.proto == DP_DOI_ESP)
		rc =
		    dp_esp_encap(sa, src, slen, nh, tos, df, out, cap, out_len);
	else
		rc = dp_ah_encap(sa, src, slen, nh, tos, df, out, cap, out_len);
	if (rc != 0)
		return sa_count(sa, rc);
	sa->stats.out_packets++;
	sa->stats.out_bytes += len;
	return 0;
}

/* Finds the ESP header: UDP payload, plain ESP, or ESP in UDP. */
static int
esp_in(struct dp_sa *sa, const uint8_t *pkt, size_t len, int udp_payload,
       uint8_t *out, size_t cap, size_t *plen, uint8_t *nh)
{
	struct dp_outer o;

	if (udp_payload)
		return sa->udp ? dp_esp_decap(sa, pkt, len, out, cap, plen, nh)
		               : DP_E_MALFORMED;
	if (dp_pkt_outer_parse(pkt, len, &o) != 0 ||
	    (o.proto != DP_PROTO_ESP && (o.proto != DP_PROTO_UDP || !sa->udp)))
		return DP_E_MALFORMED;
	return dp_esp_decap(sa, pkt + o.off, o.len - o.off, out, cap, plen, nh);
}

static int
ah_in(struct dp_sa *sa, const uint8_t *pkt, size_t len, int udp_payload,
      const uint8_t **payload, size_t *plen, uint8_t *nh)
{
	struct dp_outer o;

	if (udp_payload || dp_pkt_outer_parse(pkt, len, &o) != 0 ||
	    o.proto != DP_PROTO_AH)
		return DP_E_MALFORMED;
	return dp_ah_decap(sa, pkt, o.len, payload, plen, nh);
}

/*
 * Inflates an IPComp payload into out.  The header must announce IPv4
 * and carry our inbound CPI (or the well-known DEFLATE one); flags are
 * ignored as RFC 3173 says.  A payload that already sits in out (ESP
 * decrypted it there) is moved to the scratch buffer first.
 */
static int
comp_in(struct dp_sa *sa, const uint8_t *p, size_t plen, uint8_t *out,
        size_t cap, size_t *out_len)
{
	uint16_t cpi;

	if (plen < DP_COMP_HLEN || plen - DP_COMP_HLEN > DP_IP_MAX ||
	    p[0] != DP_NH_IPIP)
		return DP_E_MALFORMED;
	cpi = dp_get16(p + 2);
	if (cpi != sa->conf.cpi_in && cpi != DP_COMP_CPI_DEFLATE)
		return DP_E_MALFORMED;
	if (p == out) {
		memcpy(sa->comp.scratch, p + DP_COMP_HLEN, plen - DP_COMP_HLEN);
		p = sa->comp.scratch;
	} else
		p += DP_COMP_HLEN;
	return dp_comp_inflate(&sa->comp, p, plen - DP_COMP_HLEN, out, cap,
	                       out_len);
}

/* The payload's next header decides: IPv4 as it is, or IPComp. */
static int
deliver(struct dp_sa *sa, uint8_t nh, const uint8_t *p, size_t plen,
        uint8_t *out, size_t cap, size_t *out_len)
{
	int rc;

	if (nh == DP_NH_IPIP) {
		if (plen > cap)
			return DP_E_NOSPACE;
		if (p != out)
			memmove(out, p, plen);
		*out_len = plen;
	} else if (nh == DP_PROTO_COMP && sa->conf.ipcomp) {
		if ((rc = comp_in(sa, p, plen, out, cap, out_len)) != 0)
			return rc;
	} else
		return DP_E_MALFORMED;
	return dp_pkt_inner_ok(out, *out_len);
}

int
dp_sa_decap(struct dp_sa *sa, const uint8_t *pkt, size_t len, int udp_payload,
            uint8_t *out, size_t cap, size_t *out_len)
{
	const uint8_t *payload = out;
	size_t plen = 0;
	uint8_t nh = 0;
	int rc;

	if (sa_expired(sa))
		return DP_E_EXPIRED;
	if (sa->conf.proto == DP_DOI_ESP)
		rc = esp_in(sa, pkt, len, udp_payload, out, cap, &plen, &nh);
	else
		rc = ah_in(sa, pkt, len, udp_payload, &payload, &plen, &nh);
	if (rc == 0)
		rc = deliver(sa, nh, payload, plen, out, cap, out_len);
	if (rc != 0)
		return sa_count(sa, rc);
	sa->stats.in_packets++;
	sa->stats.in_bytes += *out_len;
	return 0;
}

void
dp_sa_test_set_iv_fn(struct dp_sa *sa, dp_sa_iv_fn fn, void *arg)
{
	sa->iv_fn = fn;
	sa->iv_arg = arg;
}

void
dp_sa_test_set_seq_out(struct dp_sa *sa, uint32_t last_sent)
{
	sa->seq_out = last_sent;
}

/* Back to the installed state (fuzzing reuses one SA per input). */
void
dp_sa_test_reset(struct dp_sa *sa)
{
	dp_replay_init(&sa->replay, sa->conf.replay_window);
	memset(&sa->stats, 0, sizeof(sa->stats));
	sa->seq_out = 0;
	sa->soft_sent = 0;
	sa->dead = 0;
}
