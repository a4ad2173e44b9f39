/*
 * dp_int.h - private to the packet-transform core of the dataplane
 * (dp_sa, dp_cipher, dp_esp, dp_ah, dp_comp, dp_replay, dp_pkt): the SA
 * structure and the helpers the files share.  Unit tests and the fuzz
 * harness include it for the test hooks and the raw protect functions,
 * which let them build packets with chosen IVs, sequence numbers and
 * (bad) trailers that still carry a valid ICV.
 */
#ifndef IPSECGW_DP_INT_H
#define IPSECGW_DP_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <gcrypt.h>
#include <openssl/evp.h>
#ifndef ZLIB_CONST
#define ZLIB_CONST /* const input pointers */
#endif
#include <zlib.h>

#include "dp_sa.h"

#define DP_IP_MAX           65535 /* largest IPv4 datagram */
#define DP_IP_HLEN          20    /* our outer header: no options */
#define DP_UDP_HLEN         8
#define DP_ESP_HLEN         8  /* SPI, sequence number */
#define DP_AH_HLEN          12 /* next header .. sequence number */
#define DP_COMP_HLEN        4
#define DP_IV_MAX           16
#define DP_ICV_MAX          64
#define DP_IV_POOL          1024 /* random CBC IVs fetched in one call */
#define DP_SALT_LEN         4    /* RFC 4106 */
#define DP_GCM_IV_LEN       8
#define DP_COMP_MIN         90 /* smaller inner packets go uncompressed */
#define DP_COMP_CPI_DEFLATE 2  /* well-known CPI, RFC 3173 / 2394 */
#define DP_NH_IPIP          4
#define DP_PROTO_UDP        17
#define DP_IP_DF            0x4000
#define DP_IP_MF_OFF        0x3fff /* MF flag and fragment offset */

/* Anti-replay window: a ring of bits, one per sequence number. */
#define DP_REPLAY_DEFAULT 64
#define DP_REPLAY_MAX     1024
#define DP_REPLAY_WORDS   (DP_REPLAY_MAX / 64 + 1)

/* A contiguous piece of data fed to the HMAC. */
struct dp_iov {
	const void *p;
	size_t len;
};

enum dp_cipher_kind {
	DP_CIPHER_NONE = 0, /* ESP_NULL or AH: identity */
	DP_CIPHER_EVP_CBC,
	DP_CIPHER_GCRY_CBC, /* Twofish */
	DP_CIPHER_GCM,      /* RFC 4106 */
};

/* One direction's keyed cipher; the key lives only in the library state. */
struct dp_cipher {
	enum dp_cipher_kind kind;
	EVP_CIPHER_CTX *ctx;
	gcry_cipher_hd_t gh;
	uint8_t salt[DP_SALT_LEN];
	uint16_t block_len, iv_len, tag_len;
	uint8_t enc; /* keyed for encryption */
};

/* One direction's keyed HMAC, re-initialised (key kept) per packet. */
struct dp_mac {
	EVP_MAC_CTX *ctx; /* NULL: no separate integrity */
	uint16_t icv_len;
};

/* Per-SA deflate state, reset per packet, and a payload-sized scratch. */
struct dp_comp {
	z_stream def, inf;
	uint8_t def_ok, inf_ok;
	uint8_t *scratch; /* DP_IP_MAX bytes */
};

struct dp_replay {
	uint32_t top;  /* highest sequence number accepted, 0: none */
	uint32_t size; /* window in packets */
	uint64_t bits[DP_REPLAY_WORDS];
};

/* Fills len bytes of IV for the packet with sequence number seq. */
typedef int (*dp_sa_iv_fn)(void *arg, uint32_t seq, uint8_t *iv, size_t len);

struct dp_sa {
	struct dp_sa_conf conf; /* keys zeroed */
	struct dp_sa_stats stats;
	struct dp_cipher enc, dec; /* key_out, key_in */
	struct dp_mac mac_out, mac_in;
	struct dp_comp comp;
	struct dp_replay replay;
	uint32_t seq_out; /* last sequence number sent */
	uint16_t ip_id;
	uint8_t udp;       /* ESP in UDP (RFC 3948) */
	uint8_t soft_sent; /* DP_LIFE_SOFT reported */
	uint8_t dead;      /* hard lifetime reached */
	time_t installed;
	dp_sa_iv_fn iv_fn; /* test hook, NULL: RAND_bytes or counter */
	void *iv_arg;
	uint16_t iv_left; /* unused bytes at the end of iv_pool */
	uint8_t iv_pool[DP_IV_POOL];
};

/* Big-endian access without alignment assumptions. */
static inline uint16_t
dp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
dp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void
dp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
dp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline size_t
dp_roundup(size_t n, size_t unit)
{
	return (n + unit - 1) / unit * unit;
}

/* dp_cipher.c */
int dp_crypto_init(void);
void dp_crypto_error(const char *func, const char *what);
int dp_cipher_init(struct dp_cipher *c, const struct dp_alg *a,
                   const uint8_t *key, int enc);
void dp_cipher_free(struct dp_cipher *c);
int dp_cipher_cbc(struct dp_cipher *c, const uint8_t *iv, const uint8_t *in,
                  uint8_t *out, size_t len);
int dp_cipher_gcm_seal(struct dp_cipher *c, const uint8_t *iv,
                       const uint8_t *aad, size_t aad_len, uint8_t *buf,
                       size_t len, uint8_t *tag);
int dp_cipher_gcm_open(struct dp_cipher *c, const uint8_t *iv,
                       const uint8_t *aad, size_t aad_len, const uint8_t *in,
                       uint8_t *out, size_t len, const uint8_t *tag);
int dp_mac_init(struct dp_mac *m, const char *digest, const uint8_t *key,
                size_t key_len, size_t icv_len);
void dp_mac_free(struct dp_mac *m);
int dp_mac_compute(struct dp_mac *m, const struct dp_iov *v, size_t n,
                   uint8_t *icv);

/* dp_replay.c */
void dp_replay_init(struct dp_replay *r, uint32_t size);
int dp_replay_check(const struct dp_replay *r, uint32_t seq);
void dp_replay_update(struct dp_replay *r, uint32_t seq);

/* dp_comp.c */
int dp_comp_init(struct dp_comp *z);
void dp_comp_free(struct dp_comp *z);
int dp_comp_deflate(struct dp_comp *z, const uint8_t *in, size_t len,
                    uint8_t *out, size_t cap, size_t *out_len);
int dp_comp_inflate(struct dp_comp *z, const uint8_t *in, size_t len,
                    uint8_t *out, size_t cap, size_t *out_len);

/* dp_pkt.c: IPv4/UDP headers. */
struct dp_outer {
	size_t hlen;   /* IP header length */
	size_t len;    /* IP total length */
	uint8_t proto; /* IP protocol */
	size_t off;    /* where ESP/AH starts (after UDP for proto 17) */
};

uint16_t dp_pkt_cksum(const uint8_t *p, size_t len);
void dp_pkt_outer_build(struct dp_sa *sa, uint8_t *out, size_t total,
                        uint8_t proto, uint8_t tos, uint16_t df);
int dp_pkt_outer_parse(const uint8_t *pkt, size_t len, struct dp_outer *o);
int dp_pkt_inner_ok(const uint8_t *p, size_t len);

/* dp_esp.c */
int dp_esp_encap(struct dp_sa *sa, const uint8_t *src, size_t slen, uint8_t nh,
                 uint8_t tos, uint16_t df, uint8_t *out, size_t cap,
                 size_t *out_len);
int dp_esp_protect(struct dp_sa *sa, uint8_t *esp, size_t pt_len);
int dp_esp_decap(struct dp_sa *sa, const uint8_t *esp, size_t len, uint8_t *out,
                 size_t cap, size_t *plen, uint8_t *nh);

/* dp_ah.c */
int dp_ah_encap(struct dp_sa *sa, const uint8_t *src, size_t slen, uint8_t nh,
                uint8_t tos, uint16_t df, uint8_t *out, size_t cap,
                size_t *out_len);
int dp_ah_protect(struct dp_sa *sa, uint8_t *ip, size_t len);
int dp_ah_decap(struct dp_sa *sa, const uint8_t *ip, size_t len,
                const uint8_t **payload, size_t *plen, uint8_t *nh);

/* dp_sa.c: per-packet IV and the test hooks. */
int dp_sa_make_iv(struct dp_sa *sa, uint32_t seq, uint8_t *iv, size_t len);
void dp_sa_test_set_iv_fn(struct dp_sa *sa, dp_sa_iv_fn fn, void *arg);
void dp_sa_test_set_seq_out(struct dp_sa *sa, uint32_t last_sent);
void dp_sa_test_reset(struct dp_sa *sa);

#endif
