/*
 * ike_crypt.c - encryption of IKEv1 messages (RFC 2409 section 5.3 and
 * appendix B): everything after the header is CBC-encrypted, padded to the
 * block size, and the IV of the next message is the last ciphertext block
 * of this one (one chain for phase 1, one per Quick Mode or Informational
 * exchange starting from hash(last phase 1 block | M-ID)).
 */
#include "ike_int.h"

#include "common.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* Keys the cipher once SKEYID_e and the encryption key exist. */
int
ike_crypt_setup(struct ike_ph1 *sa)
{
	sa->cctx = ike_crypto_cipher_new(sa->keys->cipher, sa->keys->enc_key,
	                                 sa->keys->key_len);
	if (sa->cctx == NULL)
		return -1;
	memcpy(sa->iv, sa->keys->iv, sa->keys->iv_len);
	return 0;
}

/*
 * Pads and encrypts the finished message in b after its header, sets the
 * E flag and the length, and advances iv.
 */
int
ike_crypt_encrypt(struct ike_ph1 *sa, uint8_t *iv, struct ike_buf *b)
{
	size_t bl = sa->keys->iv_len, body, pad, total;
	uint8_t *nd;
	uint32_t nlen;

	if (b->err || b->len < IKE_HDR_LEN)
		return -1;
	body = b->len - IKE_HDR_LEN;
	pad = (bl - body % bl) % bl;
	total = b->len + pad;
	if (total > b->cap) {
		nd = realloc(b->data, total);
		if (nd == NULL)
			return -1;
		b->data = nd;
		b->cap = total;
	}
	memset(b->data + b->len, 0, pad);
	b->len = total;
	if (ike_crypto_cbc_encrypt(sa->cctx, iv, b->data + IKE_HDR_LEN,
	                           b->data + IKE_HDR_LEN,
	                           total - IKE_HDR_LEN) < 0)
		return -1;
	b->data[IKE_HDR_LEN - 9] |= IKE_FLAG_E; /* flags octet (offset 19) */
	nlen = htonl((uint32_t)total);
	memcpy(b->data + IKE_HDR_LEN_OFF, &nlen, 4);
	return 0;
}

/*
 * Decrypts the body of pkt into a new buffer (header copied in front so
 * payload offsets stay those of the message) and advances iv.
 */
int
ike_crypt_decrypt(struct ike_ph1 *sa, uint8_t *iv, const uint8_t *pkt,
                  size_t len, uint8_t **plain, size_t *plain_len)
{
	size_t bl = sa->keys->iv_len;
	uint8_t *out;

	if (len <= IKE_HDR_LEN || (len - IKE_HDR_LEN) % bl != 0) {
		gw_debug("%s: %zu bytes is not whole cipher blocks", __func__,
		         len);
		return -1;
	}
	out = malloc(len);
	if (out == NULL)
		return -1;
	memcpy(out, pkt, IKE_HDR_LEN);
	if (ike_crypto_cbc_decrypt(sa->cctx, iv, pkt + IKE_HDR_LEN,
	                           out + IKE_HDR_LEN, len - IKE_HDR_LEN) < 0) {
		free(out);
		return -1;
	}
	*plain = out;
	*plain_len = len;
	return 0;
}
