/*
 * ike_build.c - ISAKMP message encoding.  Payloads are appended to a
 * growable buffer; each one's generic header is written first and its
 * length patched when the body is complete, then the body is handed to the
 * decoder's per-type check so both sides share one idea of a valid
 * payload.  The SA payload nests proposals and transforms, tracked by
 * depth, with their Next Payload fields, lengths and transform counts
 * fixed as each level closes.
 */
#include "ike_build.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "ike_pld.h"

#define BUF_MIN 512

/*
 * Builder failures are local bugs or memory exhaustion: log, and make the
 * buffer fail from now on so one check at the end is enough.  A macro so
 * the message keeps the caller's __func__ and printf checking.
 */
#define FAIL(b, ...) (gw_warn(__VA_ARGS__), (b)->err = 1, -1)

void
ike_buf_init(struct ike_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
ike_buf_free(struct ike_buf *b)
{
	if (b->data != NULL) {
		explicit_bzero(b->data, b->cap);
		free(b->data);
	}
	ike_buf_init(b);
}

size_t
ike_buf_last_body(const struct ike_buf *b)
{
	return b->last + IKE_GEN_LEN;
}

/* Grows by copying rather than realloc() so the old block, which may hold
 * plaintext, is wiped before it is freed. */
static int
reserve(struct ike_buf *b, size_t extra)
{
	size_t cap = b->cap != 0 ? b->cap : BUF_MIN;
	uint8_t *nb;

	if (b->err)
		return -1;
	if (extra > UINT32_MAX - b->len)
		return FAIL(b, "%s: message over 4 GB", __func__);
	if (b->len + extra <= b->cap)
		return 0;
	while (cap < b->len + extra)
		cap *= 2;
	nb = malloc(cap);
	if (nb == NULL)
		return FAIL(b, "%s: out of memory for %zu octets", __func__,
		            cap);
	if (b->data != NULL) {
		memcpy(nb, b->data, b->len);
		explicit_bzero(b->data, b->cap);
		free(b->data);
	}
	b->data = nb;
	b->cap = cap;
	return 0;
}

/* Appends len octets of data, or zeros when data is NULL. */
static int
put(struct ike_buf *b, const void *data, size_t len)
{
	if (reserve(b, len) < 0)
		return -1;
	if (len == 0)
		return 0;
	if (data != NULL)
		memcpy(b->data + b->len, data, len);
	else
		memset(b->data + b->len, 0, len);
	b->len += len;
	return 0;
}

static void
put16_at(struct ike_buf *b, size_t off, size_t v)
{
	uint16_t n = htons((uint16_t)v);

	memcpy(b->data + off, &n, sizeof(n));
}

int
ike_build_header(struct ike_buf *b, const uint8_t *icookie,
                 const uint8_t *rcookie, uint8_t exchange, uint8_t flags,
                 uint32_t msgid)
{
	struct ike_wire_hdr w;

	if (b->err)
		return -1;
	if (b->len != 0)
		return FAIL(b, "%s: header after %zu octets", __func__, b->len);
	if (icookie == NULL)
		return FAIL(b, "%s: no initiator cookie", __func__);
	memset(&w, 0, sizeof(w));
	memcpy(w.icookie, icookie, sizeof(w.icookie));
	if (rcookie != NULL)
		memcpy(w.rcookie, rcookie, sizeof(w.rcookie));
	w.next = IKE_PLD_NONE;
	w.version = IKE_VERSION;
	w.exchange = exchange;
	w.flags = flags;
	w.msgid = htonl(msgid);
	w.length = htonl(IKE_HDR_LEN);
	if (put(b, &w, sizeof(w)) < 0)
		return -1;
	b->has_hdr = 1;
	b->np_open = 1;
	b->np = IKE_HDR_NEXT_OFF;
	return 0;
}

static int
close_xform(struct ike_buf *b)
{
	size_t plen;

	if (b->depth < 3)
		return 0;
	plen = b->len - b->xform;
	if (plen > IKE_PLD_MAX_LEN)
		return FAIL(b, "%s: transform of %zu octets", __func__, plen);
	put16_at(b, b->xform + 2, plen);
	b->depth = 2;
	return 0;
}

/* Closing a proposal writes its length and the transform count. */
static int
close_prop(struct ike_buf *b)
{
	size_t plen;

	if (close_xform(b) < 0)
		return -1;
	if (b->depth < 2)
		return 0;
	if (b->nxform == 0)
		return FAIL(b, "%s: proposal without transforms", __func__);
	plen = b->len - b->prop;
	if (plen > IKE_PLD_MAX_LEN)
		return FAIL(b, "%s: proposal of %zu octets", __func__, plen);
	put16_at(b, b->prop + 2, plen);
	b->data[b->prop + offsetof(struct ike_wire_prop, nxform)] = b->nxform;
	b->depth = 1;
	return 0;
}

/* The decoder's check on the finished body keeps both sides in step. */
static int
pld_end(struct ike_buf *b, size_t off, uint8_t type)
{
	size_t plen;
	enum ike_pld_err err;

	if (b->err)
		return -1;
	plen = b->len - off;
	if (plen > IKE_PLD_MAX_LEN)
		return FAIL(b, "%s: %s payload of %zu octets", __func__,
		            ike_pld_name(type), plen);
	put16_at(b, off + 2, plen);
	err = ike_pld_check(type, b->data + off + IKE_GEN_LEN,
	                    plen - IKE_GEN_LEN, IKE_PHASE_ANY);
	if (err != IKE_PLD_OK)
		return FAIL(b, "%s: %s payload would not decode: %s", __func__,
		            ike_pld_name(type), ike_pld_err_str(err));
	return 0;
}

static int
close_sa(struct ike_buf *b)
{
	if (b->depth == 0)
		return 0;
	if (close_prop(b) < 0)
		return -1;
	b->depth = 0;
	return pld_end(b, b->sa, IKE_PLD_SA);
}

/* Starts a top-level payload: links it from the previous Next Payload
 * field (or the header's) and leaves its own open for the next one. */
static int
pld_begin(struct ike_buf *b, uint8_t type, size_t *off)
{
	const struct ike_pld_desc *d = ike_pld_desc(type);
	struct ike_wire_gen g;

	if (close_sa(b) < 0 || b->err)
		return -1;
	if (d == NULL || !d->top)
		return FAIL(b, "%s: payload type %u not allowed", __func__,
		            type);
	if (!b->np_open && b->len != 0)
		return FAIL(b, "%s: chain already closed", __func__);
	memset(&g, 0, sizeof(g));
	*off = b->len;
	if (put(b, &g, sizeof(g)) < 0)
		return -1;
	if (b->np_open)
		b->data[b->np] = type;
	if (b->first == IKE_PLD_NONE)
		b->first = type;
	b->np_open = 1;
	b->np = *off;
	b->last = *off;
	return 0;
}

/* A payload made of a fixed part and up to two variable parts. */
static int
pld3(struct ike_buf *b, uint8_t type, const void *fixed, size_t flen,
     const void *v1, size_t len1, const void *v2, size_t len2)
{
	size_t off = 0;

	if (pld_begin(b, type, &off) < 0 || put(b, fixed, flen) < 0 ||
	    put(b, v1, len1) < 0 || put(b, v2, len2) < 0)
		return -1;
	return pld_end(b, off, type);
}

int
ike_build_payload(struct ike_buf *b, uint8_t type, const void *body, size_t len)
{
	return pld3(b, type, body, len, NULL, 0, NULL, 0);
}

int
ike_build_raw(struct ike_buf *b, uint8_t first, const void *data, size_t len)
{
	const struct ike_pld_desc *d = ike_pld_desc(first);

	if (close_sa(b) < 0 || b->err)
		return -1;
	if (d == NULL || !d->top)
		return FAIL(b, "%s: payload type %u not allowed", __func__,
		            first);
	if (!b->np_open && b->len != 0)
		return FAIL(b, "%s: chain already closed", __func__);
	if (put(b, data, len) < 0)
		return -1;
	if (b->np_open)
		b->data[b->np] = first;
	if (b->first == IKE_PLD_NONE)
		b->first = first;
	b->np_open = 0;
	return 0;
}

int
ike_build_finish(struct ike_buf *b)
{
	uint32_t n;

	if (close_sa(b) < 0 || b->err)
		return -1;
	if (b->has_hdr) {
		n = htonl((uint32_t)b->len);
		memcpy(b->data + IKE_HDR_LEN_OFF, &n, sizeof(n));
	}
	return 0;
}

int
ike_build_sa_begin(struct ike_buf *b, uint32_t doi, uint32_t situation)
{
	struct ike_wire_sa w;
	size_t off = 0;

	w.doi = htonl(doi);
	w.situation = htonl(situation);
	if (pld_begin(b, IKE_PLD_SA, &off) < 0 || put(b, &w, sizeof(w)) < 0)
		return -1;
	b->sa = off;
	b->depth = 1;
	b->nprop = 0;
	return 0;
}

int
ike_build_prop(struct ike_buf *b, uint8_t num, uint8_t proto,
               const uint8_t *spi, uint8_t spi_size)
{
	struct ike_wire_prop w;
	size_t off = 0;

	if (b->err)
		return -1;
	if (b->depth < 1)
		return FAIL(b, "%s: proposal outside an SA", __func__);
	if (spi_size > IKE_SPI_MAX || (spi_size != 0 && spi == NULL))
		return FAIL(b, "%s: SPI of %u octets", __func__, spi_size);
	if (close_prop(b) < 0)
		return -1;
	memset(&w, 0, sizeof(w));
	w.num = num;
	w.proto = proto;
	w.spi_size = spi_size;
	off = b->len;
	if (put(b, &w, sizeof(w)) < 0 || put(b, spi, spi_size) < 0)
		return -1;
	if (b->nprop > 0)
		b->data[b->prop] = IKE_PLD_PROPOSAL;
	b->prop = off;
	b->proto = proto;
	b->nxform = 0;
	b->nprop++;
	b->depth = 2;
	return 0;
}

int
ike_build_xform(struct ike_buf *b, uint8_t num, uint8_t id)
{
	struct ike_wire_xform w;
	size_t off = 0;

	if (b->err)
		return -1;
	if (b->depth < 2)
		return FAIL(b, "%s: transform outside a proposal", __func__);
	if (b->nxform == UINT8_MAX)
		return FAIL(b, "%s: more than 255 transforms", __func__);
	if (close_xform(b) < 0)
		return -1;
	memset(&w, 0, sizeof(w));
	w.num = num;
	w.id = id;
	off = b->len;
	if (put(b, &w, sizeof(w)) < 0)
		return -1;
	if (b->nxform > 0)
		b->data[b->xform] = IKE_PLD_TRANSFORM;
	b->xform = off;
	b->nxform++;
	b->depth = 3;
	return 0;
}

static int
attr_tlv(struct ike_buf *b, uint16_t type, const void *data, size_t len)
{
	struct ike_wire_attr w;

	if (len > UINT16_MAX)
		return FAIL(b, "%s: attribute %u of %zu octets", __func__, type,
		            len);
	w.type = htons(type);
	w.lv = htons((uint16_t)len);
	if (put(b, &w, sizeof(w)) < 0 || put(b, data, len) < 0)
		return -1;
	return 0;
}

/*
 * A number attribute's wire form into out (at most 12 octets): TV when tv
 * is allowed and the value fits 16 bits, else TLV of 4 or 8 octets.
 */
static size_t
attr_number(uint8_t *out, uint16_t type, uint64_t value, int tv)
{
	size_t n, i;

	if (tv && value <= UINT16_MAX) {
		type |= IKE_ATTR_AF;
		out[0] = (uint8_t)(type >> 8);
		out[1] = (uint8_t)type;
		out[2] = (uint8_t)(value >> 8);
		out[3] = (uint8_t)value;
		return 4;
	}
	n = value > UINT32_MAX ? 8 : 4;
	out[0] = (uint8_t)(type >> 8);
	out[1] = (uint8_t)type;
	out[2] = 0;
	out[3] = (uint8_t)n;
	for (i = 0; i < n; i++)
		out[4 + i] = (uint8_t)(value >> (8 * (n - 1 - i)));
	return 4 + n;
}

int
ike_build_attr(struct ike_buf *b, uint16_t type, uint64_t value)
{
	uint8_t w[12];
	int cls;

	if (b->err)
		return -1;
	if (b->depth != 3 || type > IKE_ATTR_TYPE)
		return FAIL(b, "%s: attribute %u outside a transform", __func__,
		            type);
	cls = ike_pld_attr_class(b->proto, type);
	if (cls == IKE_ATTR_BASIC && value > UINT16_MAX)
		return FAIL(b, "%s: basic attribute %u over 16 bits", __func__,
		            type);
	return put(b, w, attr_number(w, type, value, cls != IKE_ATTR_VAR));
}

int
ike_build_attr_var(struct ike_buf *b, uint16_t type, const void *data,
                   size_t len)
{
	if (b->err)
		return -1;
	if (b->depth != 3 || type > IKE_ATTR_TYPE)
		return FAIL(b, "%s: attribute %u outside a transform", __func__,
		            type);
	if (ike_pld_attr_class(b->proto, type) == IKE_ATTR_BASIC)
		return FAIL(b, "%s: basic attribute %u as TLV", __func__, type);
	return attr_tlv(b, type, data, len);
}

int
ike_build_sa_end(struct ike_buf *b)
{
	if (b->err)
		return -1;
	if (b->depth == 0)
		return FAIL(b, "%s: no open SA", __func__);
	return close_sa(b);
}

int
ike_build_ke(struct ike_buf *b, const void *data, size_t len)
{
	return ike_build_payload(b, IKE_PLD_KE, data, len);
}

int
ike_build_nonce(struct ike_buf *b, const void *data, size_t len)
{
	return ike_build_payload(b, IKE_PLD_NONCE, data, len);
}

int
ike_build_hash(struct ike_buf *b, const void *data, size_t len)
{
	return ike_build_payload(b, IKE_PLD_HASH, data, len);
}

int
ike_build_sig(struct ike_buf *b, const void *data, size_t len)
{
	return ike_build_payload(b, IKE_PLD_SIG, data, len);
}

int
ike_build_vid(struct ike_buf *b, const void *vid, size_t len)
{
	return ike_build_payload(b, IKE_PLD_VID, vid, len);
}

int
ike_build_natd(struct ike_buf *b, uint8_t type, const void *hash, size_t len)
{
	if (type != IKE_PLD_NATD && type != IKE_PLD_NATD_DRAFT)
		return FAIL(b, "%s: payload type %u is not NAT-D", __func__,
		            type);
	return ike_build_payload(b, type, hash, len);
}

int
ike_build_natoa(struct ike_buf *b, uint8_t type, uint8_t id_type,
                const void *addr, size_t len)
{
	struct ike_wire_natoa w;

	if (type != IKE_PLD_NATOA && type != IKE_PLD_NATOA_DRAFT)
		return FAIL(b, "%s: payload type %u is not NAT-OA", __func__,
		            type);
	memset(&w, 0, sizeof(w));
	w.type = id_type;
	return pld3(b, type, &w, sizeof(w), addr, len, NULL, 0);
}

int
ike_build_id(struct ike_buf *b, uint8_t id_type, uint8_t proto, uint16_t port,
             const void *data, size_t len)
{
	struct ike_wire_id w;

	w.type = id_type;
	w.proto = proto;
	w.port = htons(port);
	return pld3(b, IKE_PLD_ID, &w, sizeof(w), data, len, NULL, 0);
}

int
ike_build_pke(struct ike_buf *b, uint8_t type, const void *data, size_t len)
{
	size_t off = 0;

	if (type != IKE_PLD_ID && type != IKE_PLD_NONCE)
		return FAIL(b, "%s: payload type %u is not ID/NONCE", __func__,
		            type);
	if (len == 0 || len > IKE_PLD_MAX_LEN - IKE_GEN_LEN)
		return FAIL(b, "%s: %zu octets of ciphertext", __func__, len);
	if (pld_begin(b, type, &off) < 0 || put(b, data, len) < 0)
		return -1;
	put16_at(b, off + 2, b->len - off);
	return 0;
}

int
ike_build_cert(struct ike_buf *b, uint8_t type, uint8_t encoding,
               const void *data, size_t len)
{
	struct ike_wire_cert w;

	if (type != IKE_PLD_CERT && type != IKE_PLD_CR)
		return FAIL(b, "%s: payload type %u is not CERT/CR", __func__,
		            type);
	w.encoding = encoding;
	return pld3(b, type, &w, sizeof(w), data, len, NULL, 0);
}

int
ike_build_notify(struct ike_buf *b, uint32_t doi, uint8_t proto, uint16_t type,
                 const void *spi, uint8_t spi_size, const void *data,
                 size_t len)
{
	struct ike_wire_notify w;

	w.doi = htonl(doi);
	w.proto = proto;
	w.spi_size = spi_size;
	w.type = htons(type);
	return pld3(b, IKE_PLD_NOTIFY, &w, sizeof(w), spi, spi_size, data, len);
}

int
ike_build_delete(struct ike_buf *b, uint32_t doi, uint8_t proto,
                 uint8_t spi_size, const void *spis, uint16_t nspi)
{
	struct ike_wire_delete w;

	w.doi = htonl(doi);
	w.proto = proto;
	w.spi_size = spi_size;
	w.nspi = htons(nspi);
	return pld3(b, IKE_PLD_DELETE, &w, sizeof(w), spis,
	            (size_t)spi_size * nspi, NULL, 0);
}

size_t
ike_build_life_data(uint8_t *out, int phase1, uint32_t seconds, uint32_t kbytes)
{
	uint16_t lt = phase1 ? IKE_ATTR_LIFE_TYPE : IKE_IPSEC_ATTR_LIFE_TYPE;
	uint16_t ld =
	    phase1 ? IKE_ATTR_LIFE_DURATION : IKE_IPSEC_ATTR_LIFE_DURATION;
	size_t n = 0;

	if (seconds) {
		n += attr_number(out + n, lt, IKE_LIFE_SECONDS, 1);
		n += attr_number(out + n, ld, seconds, 1);
	}
	if (kbytes) {
		n += attr_number(out + n, lt, IKE_LIFE_KILOBYTES, 1);
		n += attr_number(out + n, ld, kbytes, 1);
	}
	return n;
}
