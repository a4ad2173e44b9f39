/*
 * dp_esp.c - ESP in tunnel mode (RFC 4303), optionally in UDP (RFC 3948).
 *
 *   outer IPv4 | [UDP] | SPI | Seq | IV | payload | pad | pad len | NH | ICV
 *                        `------- ICV (HMAC) covers ------------------'
 *                                        `-- encrypted -------------'
 *
 * The payload is the inner IPv4 packet (NH 4) or an IPComp header and the
 * compressed packet (NH 108).  Padding is 1, 2, 3, ... up to the cipher
 * block and at least 4-byte alignment.  With AES-GCM (RFC 4106) the
 * nonce is the salt and the 8-byte IV, the AAD is SPI | Seq and the tag
 * is the ICV.
 */
#include "dp_int.h"

#include <string.h>

#include <openssl/crypto.h>

static size_t
esp_align(const struct dp_alg *a)
{
	return a->block_len > 4 ? a->block_len : 4;
}

/*
 * Moves slen payload bytes to their place first (src may lie in out's
 * headroom, see dp_sa.h), then writes trailer, headers and IV, encrypts
 * and authenticates, and finally the outer header.
 */
int
dp_esp_encap(struct dp_sa *sa, const uint8_t *src, size_t slen, uint8_t nh,
             uint8_t tos, uint16_t df, uint8_t *out, size_t cap,
             size_t *out_len)
{
	const struct dp_alg *a = &sa->conf.alg;
	size_t hl = DP_IP_HLEN + (sa->udp ? DP_UDP_HLEN : 0);
	size_t ptl = dp_roundup(slen + 2, esp_align(a));
	size_t total = hl + DP_ESP_HLEN + a->iv_len + ptl + a->icv_len;
	uint8_t *esp = out + hl, *pt = esp + DP_ESP_HLEN + a->iv_len;
	size_t i, pad = ptl - slen - 2;
	uint32_t seq;
	int rc;

	if (total > cap || total > DP_IP_MAX)
		return DP_E_NOSPACE;
	if (sa->seq_out == UINT32_MAX)
		return DP_E_EXPIRED;
	memmove(pt, src, slen);
	for (i = 0; i < pad; i++)
		pt[slen + i] = (uint8_t)(i + 1);
	pt[ptl - 2] = (uint8_t)pad;
	pt[ptl - 1] = nh;
	seq = ++sa->seq_out;
	dp_put32(esp, sa->conf.spi_out);
	dp_put32(esp + 4, seq);
	rc = dp_sa_make_iv(sa, seq, esp + DP_ESP_HLEN, a->iv_len);
	if (rc == 0)
		rc = dp_esp_protect(sa, esp, ptl);
	if (rc != 0)
		return rc;
	dp_pkt_outer_build(sa, out, total,
	                   sa->udp ? DP_PROTO_UDP : DP_PROTO_ESP, tos, df);
	*out_len = total;
	return 0;
}

/*
 * Encrypts the pt_len bytes after SPI, Seq and IV in place and appends
 * the ICV.  The trailer is whatever the caller put there: the tests and
 * the fuzz harness use this to authenticate deliberately bad packets.
 */
int
dp_esp_protect(struct dp_sa *sa, uint8_t *esp, size_t pt_len)
{
	const struct dp_alg *a = &sa->conf.alg;
	uint8_t *iv = esp + DP_ESP_HLEN, *ct = iv + a->iv_len;
	struct dp_iov v;
	int rc;

	if (sa->enc.kind == DP_CIPHER_GCM)
		return dp_cipher_gcm_seal(&sa->enc, iv, esp, DP_ESP_HLEN, ct,
		                          pt_len, ct + pt_len);
	if ((rc = dp_cipher_cbc(&sa->enc, iv, ct, ct, pt_len)) != 0)
		return rc;
	if (sa->mac_out.ctx == NULL)
		return 0;
	v.p = esp;
	v.len = DP_ESP_HLEN + a->iv_len + pt_len;
	return dp_mac_compute(&sa->mac_out, &v, 1, ct + pt_len);
}

/* The HMAC over SPI .. ciphertext, compared in constant time. */
static int
esp_verify(struct dp_sa *sa, const uint8_t *esp, size_t covered)
{
	uint8_t icv[DP_ICV_MAX];
	struct dp_iov v = {esp, covered};
	int rc;

	if ((rc = dp_mac_compute(&sa->mac_in, &v, 1, icv)) != 0)
		return rc;
	rc = CRYPTO_memcmp(icv, esp + covered, sa->mac_in.icv_len) != 0
	         ? DP_E_AUTH
	         : 0;
	OPENSSL_cleanse(icv, sizeof(icv));
	return rc;
}

/* Pad length and the padding bytes 1, 2, 3, ... (RFC 4303 2.4). */
static int
esp_trailer(const uint8_t *pt, size_t ptl, size_t *plen)
{
	size_t i, pad = pt[ptl - 2];

	if (pad + 2 > ptl)
		return DP_E_PAD;
	for (i = 0; i < pad; i++)
		if (pt[ptl - 2 - pad + i] != (uint8_t)(i + 1))
			return DP_E_PAD;
	*plen = ptl - 2 - pad;
	return 0;
}

/*
 * Inbound, in the order RFC 4303 3.4 gives: lengths and SPI, the replay
 * window (check only), the ICV (before decrypting), then the window is
 * updated, the payload decrypted into out and the trailer checked.  On
 * success out holds the payload (*plen bytes) and *nh its type.
 */
int
dp_esp_decap(struct dp_sa *sa, const uint8_t *esp, size_t len, uint8_t *out,
             size_t cap, size_t *plen, uint8_t *nh)
{
	const struct dp_alg *a = &sa->conf.alg;
	size_t fixed = DP_ESP_HLEN + a->iv_len + a->icv_len, ctl;
	const uint8_t *iv = esp + DP_ESP_HLEN, *ct = iv + a->iv_len;
	uint32_t seq;
	int rc;

	if (len < fixed + 4)
		return DP_E_MALFORMED;
	ctl = len - fixed;
	if (ctl % esp_align(a) != 0 || dp_get32(esp) != sa->conf.spi_in)
		return DP_E_MALFORMED;
	seq = dp_get32(esp + 4);
	if ((rc = dp_replay_check(&sa->replay, seq)) != 0)
		return rc;
	if (ctl > cap)
		return DP_E_NOSPACE;
	if (sa->dec.kind == DP_CIPHER_GCM) {
		rc = dp_cipher_gcm_open(&sa->dec, iv, esp, DP_ESP_HLEN, ct, out,
		                        ctl, ct + ctl);
		if (rc != 0)
			return rc;
		dp_replay_update(&sa->replay, seq);
	} else {
		if (sa->mac_in.ctx != NULL &&
		    (rc = esp_verify(sa, esp, len - a->icv_len)) != 0)
			return rc;
		dp_replay_update(&sa->replay, seq);
		if ((rc = dp_cipher_cbc(&sa->dec, iv, ct, out, ctl)) != 0)
			return rc;
	}
	*nh = out[ctl - 1];
	return esp_trailer(out, ctl, plen);
}
