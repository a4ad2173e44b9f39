/*
 * ike_pld.c - ISAKMP message decoding.  A message is walked with size_t
 * offsets into the caller's buffer; every fixed part is memcpy()d into a
 * local wire struct after checking it fits, so no pointer ever moves past
 * the data and nothing is read unaligned.  Each generic header is checked
 * before a per-type check from a const table runs on the body, and
 * payloads are filed by type.  Failures return the matching ISAKMP notify
 * type and log why at debug level, never payload bytes (they may be keys).
 */
#include "ike_pld.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

typedef enum ike_pld_err (*check_fn)(uint8_t type, const uint8_t *body,
                                     size_t len, int phase);

/* A descriptor plus the decoder's private part: slot in ike_msg.pld
 * (1-based, 0 = not filed) and the body check. */
struct pld_type {
	struct ike_pld_desc desc;
	uint8_t slot;
	check_fn check;
};

static enum ike_pld_err chk_sa(uint8_t, const uint8_t *, size_t, int);
static enum ike_pld_err chk_data(uint8_t, const uint8_t *, size_t, int);
static enum ike_pld_err chk_id(uint8_t, const uint8_t *, size_t, int);
static enum ike_pld_err chk_cert(uint8_t, const uint8_t *, size_t, int);
static enum ike_pld_err chk_notify(uint8_t, const uint8_t *, size_t, int);
static enum ike_pld_err chk_delete(uint8_t, const uint8_t *, size_t, int);
static enum ike_pld_err chk_natoa(uint8_t, const uint8_t *, size_t, int);

/* One line per payload: name, fixed part, data min/max, error for a data
 * part out of range, slot, check.  SUB: inside an SA only. */
#define W(s) sizeof(struct ike_wire_##s)
#define TOP(t, n, fix, min, max, err, slot, fn)                                \
	[t] = {{n, t, 1, fix, min, max, IKE_PLD_ERR_##err}, slot, fn}
#define SUB(t, n, fix, max)                                                    \
	[t] = {{n, t, 0, fix, 0, max, IKE_PLD_ERR_PAYLOAD_MALFORMED}, 0, NULL}

static const struct pld_type types[256] = {
    TOP(IKE_PLD_SA, "SA", W(sa), W(prop), 0, BAD_PROPOSAL_SYNTAX, 1, chk_sa),
    SUB(IKE_PLD_PROPOSAL, "Proposal", W(prop) - IKE_GEN_LEN, IKE_SPI_MAX),
    SUB(IKE_PLD_TRANSFORM, "Transform", W(xform) - IKE_GEN_LEN, 0),
    TOP(IKE_PLD_KE, "KE", 0, 1, 0, INVALID_KEY_INFORMATION, 2, chk_data),
    TOP(IKE_PLD_ID, "ID", W(id), 1, 0, INVALID_ID_INFORMATION, 3, chk_id),
    TOP(IKE_PLD_CERT, "CERT", W(cert), 1, 0, INVALID_CERTIFICATE, 4, chk_cert),
    TOP(IKE_PLD_CR, "CR", W(cert), 0, 0, PAYLOAD_MALFORMED, 5, chk_cert),
    TOP(IKE_PLD_HASH, "HASH", 0, 1, 0, INVALID_HASH_INFORMATION, 6, chk_data),
    TOP(IKE_PLD_SIG, "SIG", 0, 1, 0, INVALID_SIGNATURE, 7, chk_data),
    TOP(IKE_PLD_NONCE, "NONCE", 0, IKE_NONCE_MIN, IKE_NONCE_MAX,
        PAYLOAD_MALFORMED, 8, chk_data),
    TOP(IKE_PLD_NOTIFY, "N", W(notify), 0, 0, PAYLOAD_MALFORMED, 9, chk_notify),
    TOP(IKE_PLD_DELETE, "D", W(delete), 1, 0, PAYLOAD_MALFORMED, 10,
        chk_delete),
    TOP(IKE_PLD_VID, "VID", 0, 1, 0, PAYLOAD_MALFORMED, 11, chk_data),
    TOP(IKE_PLD_NATD, "NAT-D", 0, 1, 0, PAYLOAD_MALFORMED, 12, chk_data),
    TOP(IKE_PLD_NATOA, "NAT-OA", W(natoa), 4, 16, PAYLOAD_MALFORMED, 13,
        chk_natoa),
    TOP(IKE_PLD_NATD_DRAFT, "NAT-D(draft)", 0, 1, 0, PAYLOAD_MALFORMED, 14,
        chk_data),
    TOP(IKE_PLD_NATOA_DRAFT, "NAT-OA(draft)", W(natoa), 4, 16,
        PAYLOAD_MALFORMED, 15, chk_natoa),
};

#undef TOP
#undef SUB
#undef W

static const char *const err_names[] = {
    [IKE_N_INVALID_PAYLOAD_TYPE] = "INVALID-PAYLOAD-TYPE",
    [IKE_N_DOI_NOT_SUPPORTED] = "DOI-NOT-SUPPORTED",
    [IKE_N_SITUATION_NOT_SUPPORTED] = "SITUATION-NOT-SUPPORTED",
    [IKE_N_INVALID_COOKIE] = "INVALID-COOKIE",
    [IKE_N_INVALID_MAJOR_VERSION] = "INVALID-MAJOR-VERSION",
    [IKE_N_INVALID_MINOR_VERSION] = "INVALID-MINOR-VERSION",
    [IKE_N_INVALID_EXCHANGE_TYPE] = "INVALID-EXCHANGE-TYPE",
    [IKE_N_INVALID_FLAGS] = "INVALID-FLAGS",
    [IKE_N_INVALID_MESSAGE_ID] = "INVALID-MESSAGE-ID",
    [IKE_N_INVALID_PROTOCOL_ID] = "INVALID-PROTOCOL-ID",
    [IKE_N_INVALID_SPI] = "INVALID-SPI",
    [IKE_N_INVALID_TRANSFORM_ID] = "INVALID-TRANSFORM-ID",
    [IKE_N_ATTRIBUTES_NOT_SUPPORTED] = "ATTRIBUTES-NOT-SUPPORTED",
    [IKE_N_NO_PROPOSAL_CHOSEN] = "NO-PROPOSAL-CHOSEN",
    [IKE_N_BAD_PROPOSAL_SYNTAX] = "BAD-PROPOSAL-SYNTAX",
    [IKE_N_PAYLOAD_MALFORMED] = "PAYLOAD-MALFORMED",
    [IKE_N_INVALID_KEY_INFORMATION] = "INVALID-KEY-INFORMATION",
    [IKE_N_INVALID_ID_INFORMATION] = "INVALID-ID-INFORMATION",
    [IKE_N_INVALID_CERT_ENCODING] = "INVALID-CERT-ENCODING",
    [IKE_N_INVALID_CERTIFICATE] = "INVALID-CERTIFICATE",
    [IKE_N_CERT_TYPE_UNSUPPORTED] = "CERT-TYPE-UNSUPPORTED",
    [IKE_N_INVALID_CERT_AUTHORITY] = "INVALID-CERT-AUTHORITY",
    [IKE_N_INVALID_HASH_INFORMATION] = "INVALID-HASH-INFORMATION",
    [IKE_N_AUTHENTICATION_FAILED] = "AUTHENTICATION-FAILED",
    [IKE_N_INVALID_SIGNATURE] = "INVALID-SIGNATURE",
    [IKE_N_ADDRESS_NOTIFICATION] = "ADDRESS-NOTIFICATION",
    [IKE_N_NOTIFY_SA_LIFETIME] = "NOTIFY-SA-LIFETIME",
    [IKE_N_CERTIFICATE_UNAVAILABLE] = "CERTIFICATE-UNAVAILABLE",
    [IKE_N_UNSUPPORTED_EXCHANGE_TYPE] = "UNSUPPORTED-EXCHANGE-TYPE",
    [IKE_N_UNEQUAL_PAYLOAD_LENGTHS] = "UNEQUAL-PAYLOAD-LENGTHS",
};

/* Attribute classes: phase 1 (RFC 2409 Appendix A), IPsec DOI (RFC 2407
 * 4.5 plus ECN tunnel and ESN). */
static const uint8_t p1_class[] = {
    [IKE_ATTR_ENC_ALG] = IKE_ATTR_BASIC,
    [IKE_ATTR_HASH_ALG] = IKE_ATTR_BASIC,
    [IKE_ATTR_AUTH_METHOD] = IKE_ATTR_BASIC,
    [IKE_ATTR_GROUP_DESC] = IKE_ATTR_BASIC,
    [IKE_ATTR_GROUP_TYPE] = IKE_ATTR_BASIC,
    [IKE_ATTR_GROUP_PRIME] = IKE_ATTR_VAR,
    [IKE_ATTR_GROUP_GEN_ONE] = IKE_ATTR_VAR,
    [IKE_ATTR_GROUP_GEN_TWO] = IKE_ATTR_VAR,
    [IKE_ATTR_GROUP_CURVE_A] = IKE_ATTR_VAR,
    [IKE_ATTR_GROUP_CURVE_B] = IKE_ATTR_VAR,
    [IKE_ATTR_LIFE_TYPE] = IKE_ATTR_BASIC,
    [IKE_ATTR_LIFE_DURATION] = IKE_ATTR_VAR,
    [IKE_ATTR_PRF] = IKE_ATTR_BASIC,
    [IKE_ATTR_KEY_LENGTH] = IKE_ATTR_BASIC,
    [IKE_ATTR_FIELD_SIZE] = IKE_ATTR_BASIC,
    [IKE_ATTR_GROUP_ORDER] = IKE_ATTR_VAR,
};

static const uint8_t p2_class[] = {
    [IKE_IPSEC_ATTR_LIFE_TYPE] = IKE_ATTR_BASIC,
    [IKE_IPSEC_ATTR_LIFE_DURATION] = IKE_ATTR_VAR,
    [IKE_IPSEC_ATTR_GROUP_DESC] = IKE_ATTR_BASIC,
    [IKE_IPSEC_ATTR_ENCAP_MODE] = IKE_ATTR_BASIC,
    [IKE_IPSEC_ATTR_AUTH_ALG] = IKE_ATTR_BASIC,
    [IKE_IPSEC_ATTR_KEY_LENGTH] = IKE_ATTR_BASIC,
    [IKE_IPSEC_ATTR_KEY_ROUNDS] = IKE_ATTR_BASIC,
    [IKE_IPSEC_ATTR_COMP_DICT] = IKE_ATTR_BASIC,
    [IKE_IPSEC_ATTR_COMP_PRIVALG] = IKE_ATTR_VAR,
    [IKE_IPSEC_ATTR_ECN_TUNNEL] = IKE_ATTR_BASIC,
    [IKE_IPSEC_ATTR_ESN] = IKE_ATTR_BASIC,
};

/*
 * Every failure goes through here so each one is logged the same way, with
 * the function name and the reason; formatting is skipped unless debug
 * logging is on, since malformed packets are cheap for an attacker to send.
 */
static enum ike_pld_err fail(const char *fn, enum ike_pld_err err,
                             const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum ike_pld_err
fail(const char *fn, enum ike_pld_err err, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	if (gw_log_get_level() < GW_LOG_DEBUG)
		return err;
	va_start(ap, fmt);
	/* clang-analyzer loses va_start when it inlines this into callers. */
	vsnprintf(why, sizeof(why), fmt, ap); // NOLINT(clang-analyzer-valist.*)
	va_end(ap);
	gw_debug("%s: %s: %s", fn, why, ike_pld_err_str(err));
	return err;
}

const struct ike_pld_desc *
ike_pld_desc(uint8_t type)
{
	if (types[type].desc.name == NULL)
		return NULL;
	return &types[type].desc;
}

const char *
ike_pld_name(uint8_t type)
{
	if (type == IKE_PLD_NONE)
		return "NONE";
	if (types[type].desc.name == NULL)
		return "unknown";
	return types[type].desc.name;
}

uint16_t
ike_pld_err_notify(enum ike_pld_err err)
{
	if (err <= IKE_PLD_OK)
		return 0;
	return (uint16_t)err;
}

const char *
ike_pld_err_str(enum ike_pld_err err)
{
	if (err == IKE_PLD_OK)
		return "ok";
	if (err == IKE_PLD_DROP)
		return "drop";
	if ((size_t)err < sizeof(err_names) / sizeof(err_names[0]) &&
	    err_names[err] != NULL)
		return err_names[err];
	return "unknown error";
}

/* RFC 2408 5.2 logs a bad cookie without answering; 5.14 and 5.15 only log
 * problems in Notification and Delete payloads, so notifies never loop. */
int
ike_pld_err_may_notify(const struct ike_msg *m, enum ike_pld_err err)
{
	if (err == IKE_PLD_OK || err == IKE_PLD_DROP ||
	    err == IKE_PLD_ERR_INVALID_COOKIE)
		return 0;
	if (m != NULL &&
	    (m->err_type == IKE_PLD_NOTIFY || m->err_type == IKE_PLD_DELETE))
		return 0;
	return 1;
}

int
ike_pld_phase(uint8_t exchange)
{
	switch (exchange) {
	case IKE_XCHG_BASE:
	case IKE_XCHG_IDPROT:
	case IKE_XCHG_AUTH_ONLY:
	case IKE_XCHG_AGGRESSIVE:
		return IKE_PHASE_1;
	case IKE_XCHG_QUICK:
		return IKE_PHASE_2;
	default:
		return IKE_PHASE_ANY;
	}
}

static int
exchange_known(uint8_t exchange)
{
	switch (exchange) {
	case IKE_XCHG_BASE:
	case IKE_XCHG_IDPROT:
	case IKE_XCHG_AUTH_ONLY:
	case IKE_XCHG_AGGRESSIVE:
	case IKE_XCHG_INFO:
	case IKE_XCHG_TRANSACTION:
	case IKE_XCHG_QUICK:
	case IKE_XCHG_NEWGROUP:
		return 1;
	default:
		return 0;
	}
}

/* Phase 1 runs under message ID 0 (RFC 2409 5); Quick Mode, New Group and
 * Transaction exchanges need their own non-zero ID.  Informational
 * exchanges before phase 1 completes are sent both ways in practice. */
static int
msgid_ok(uint8_t exchange, uint32_t msgid)
{
	switch (ike_pld_phase(exchange)) {
	case IKE_PHASE_1:
		return msgid == 0;
	case IKE_PHASE_2:
		return msgid != 0;
	default:
		return exchange == IKE_XCHG_INFO || msgid != 0;
	}
}

static int
top_level(uint8_t type)
{
	return types[type].slot != 0;
}

/* Checks a body length against the type's descriptor, which is what makes
 * the decoder and the builder agree on sizes. */
static enum ike_pld_err
desc_len(const char *fn, uint8_t type, size_t len)
{
	const struct ike_pld_desc *d = ike_pld_desc(type);
	size_t data;

	if (d == NULL)
		return fail(fn, IKE_PLD_ERR_INVALID_PAYLOAD_TYPE,
		            "no descriptor for payload type %u", type);
	if (len < d->fixed)
		return fail(fn, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "%s body of %zu octets, fixed part is %u", d->name,
		            len, d->fixed);
	data = len - d->fixed;
	if (data < d->min_data || (d->max_data != 0 && data > d->max_data))
		return fail(fn, d->len_err, "%s data of %zu octets, not %u..%u",
		            d->name, data, d->min_data,
		            d->max_data != 0 ? d->max_data : IKE_PLD_MAX_LEN);
	return IKE_PLD_OK;
}

/* The builder runs this too, so it never emits what the walker refuses. */
enum ike_pld_err
ike_pld_check(uint8_t type, const uint8_t *body, size_t len, int phase)
{
	if (!top_level(type) || types[type].check == NULL)
		return fail(__func__, IKE_PLD_ERR_INVALID_PAYLOAD_TYPE,
		            "payload type %u not allowed in the chain", type);
	return types[type].check(type, body, len, phase);
}

/*
 * RFC 2408 5.1/5.2 in the order the RFC lists them, version first since an
 * IKEv2 header means nothing else can be read.  Everything here is in
 * clear even when the body is encrypted, so it runs before decryption.
 */
enum ike_pld_err
ike_pld_header(struct ike_msg *m, const uint8_t *pkt, size_t len)
{
	struct ike_wire_hdr w;
	struct ike_hdr *h = &m->hdr;

	memset(m, 0, sizeof(*m));
	if (pkt == NULL || len < IKE_HDR_LEN)
		return fail(__func__, IKE_PLD_DROP,
		            "%zu octets, shorter than a header", len);
	memcpy(&w, pkt, sizeof(w));
	memcpy(h->icookie, w.icookie, sizeof(h->icookie));
	memcpy(h->rcookie, w.rcookie, sizeof(h->rcookie));
	h->next = w.next;
	h->version = w.version;
	h->exchange = w.exchange;
	h->flags = w.flags;
	h->msgid = ntohl(w.msgid);
	h->length = ntohl(w.length);
	m->buf = pkt;
	m->len = len;
	if (h->version >> 4 != IKE_VERSION_MAJOR)
		return fail(__func__, IKE_PLD_ERR_INVALID_MAJOR_VERSION,
		            "version %u.%u", h->version >> 4,
		            h->version & 0xfU);
	if ((h->version & 0xfU) != IKE_VERSION_MINOR)
		return fail(__func__, IKE_PLD_ERR_INVALID_MINOR_VERSION,
		            "version %u.%u", h->version >> 4,
		            h->version & 0xfU);
	if (h->length != len)
		return fail(__func__, IKE_PLD_ERR_UNEQUAL_PAYLOAD_LENGTHS,
		            "header length %u, datagram %zu", h->length, len);
	if (memcmp(h->icookie, "\0\0\0\0\0\0\0\0", IKE_COOKIE_LEN) == 0)
		return fail(__func__, IKE_PLD_ERR_INVALID_COOKIE,
		            "zero initiator cookie");
	if (!exchange_known(h->exchange))
		return fail(__func__, IKE_PLD_ERR_INVALID_EXCHANGE_TYPE,
		            "exchange type %u", h->exchange);
	if ((h->flags & ~IKE_FLAG_ALL) != 0)
		return fail(__func__, IKE_PLD_ERR_INVALID_FLAGS, "flags 0x%02x",
		            h->flags);
	if (!msgid_ok(h->exchange, h->msgid))
		return fail(__func__, IKE_PLD_ERR_INVALID_MESSAGE_ID,
		            "message ID 0x%08x in exchange %u", h->msgid,
		            h->exchange);
	if (!top_level(h->next))
		return fail(__func__, IKE_PLD_ERR_INVALID_PAYLOAD_TYPE,
		            "first payload type %u", h->next);
	return IKE_PLD_OK;
}

/* Records a payload under its type and in chain order. */
static enum ike_pld_err
file_pld(struct ike_msg *m, uint8_t type, size_t off, size_t plen)
{
	unsigned int slot = types[type].slot - 1U;
	struct ike_pld *p;

	if (m->nchain >= IKE_PLD_MAX_CHAIN)
		return fail(__func__, IKE_PLD_DROP, "more than %d payloads",
		            IKE_PLD_MAX_CHAIN);
	if (m->count[slot] >= IKE_PLD_MAX_PER_TYPE)
		return fail(__func__, IKE_PLD_DROP, "more than %d %s payloads",
		            IKE_PLD_MAX_PER_TYPE, ike_pld_name(type));
	p = &m->pld[slot][m->count[slot]];
	p->hdr = off;
	p->off = off + IKE_GEN_LEN;
	p->len = plen - IKE_GEN_LEN;
	p->type = type;
	p->pos = (uint8_t)m->nchain;
	m->chain_type[m->nchain] = type;
	m->chain_idx[m->nchain] = m->count[slot];
	m->nchain++;
	m->count[slot]++;
	return IKE_PLD_OK;
}

/* RFC 2408 5.3: one generic header, then the per-type check. */
static enum ike_pld_err
walk_one(struct ike_msg *m, uint8_t type, size_t off, int phase,
         unsigned int flags, uint8_t *next, size_t *plenp)
{
	struct ike_wire_gen g;
	size_t left = m->len - off;
	size_t plen;
	enum ike_pld_err err;

	m->err_type = type;
	m->err_off = off;
	if (!top_level(type))
		return fail(__func__, IKE_PLD_ERR_INVALID_PAYLOAD_TYPE,
		            "payload type %u", type);
	if (left < sizeof(g))
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "%s header needs 4 octets, %zu left",
		            ike_pld_name(type), left);
	memcpy(&g, m->buf + off, sizeof(g));
	plen = ntohs(g.length);
	if (g.reserved != 0)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "%s RESERVED is %u", ike_pld_name(type),
		            g.reserved);
	if (plen < sizeof(g))
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "%s length %zu", ike_pld_name(type), plen);
	if (plen > left)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "%s length %zu, %zu octets left",
		            ike_pld_name(type), plen, left);
	if (g.next != IKE_PLD_NONE && !top_level(g.next))
		return fail(__func__, IKE_PLD_ERR_INVALID_PAYLOAD_TYPE,
		            "%s followed by payload type %u",
		            ike_pld_name(type), g.next);
	if ((flags & IKE_PLD_F_PKE) &&
	    (type == IKE_PLD_ID || type == IKE_PLD_NONCE))
		/* RSA ciphertext: only the length is ours to check. */
		err = plen > sizeof(g) ? IKE_PLD_OK
		                       : IKE_PLD_ERR_PAYLOAD_MALFORMED;
	else
		err = types[type].check(type, m->buf + off + sizeof(g),
		                        plen - sizeof(g), phase);
	if (err != IKE_PLD_OK)
		return err;
	err = file_pld(m, type, off, plen);
	if (err != IKE_PLD_OK)
		return err;
	*next = g.next;
	*plenp = plen;
	return IKE_PLD_OK;
}

/* Separate from the header step so the caller can decrypt in between; the
 * padding of an encrypted body (RFC 2409 5) follows the last payload. */
enum ike_pld_err
ike_pld_walk(struct ike_msg *m, const uint8_t *buf, size_t len, size_t off,
             unsigned int flags)
{
	uint8_t type = m->hdr.next;
	int phase = ike_pld_phase(m->hdr.exchange);
	size_t plen = 0;
	enum ike_pld_err err;

	m->buf = buf;
	m->len = len;
	m->end = 0;
	m->nchain = 0;
	memset(m->count, 0, sizeof(m->count));
	m->err_type = type;
	m->err_off = off;
	if (buf == NULL || off > len)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "start %zu beyond %zu octets", off, len);
	while (type != IKE_PLD_NONE) {
		err = walk_one(m, type, off, phase, flags, &type, &plen);
		if (err != IKE_PLD_OK)
			return err;
		off += plen;
	}
	m->end = off;
	if (off != len && (flags & IKE_PLD_F_PADDED) == 0) {
		m->err_type = IKE_PLD_NONE;
		m->err_off = off;
		return fail(__func__, IKE_PLD_ERR_UNEQUAL_PAYLOAD_LENGTHS,
		            "payloads end at %zu, message at %zu", off, len);
	}
	m->err_type = IKE_PLD_NONE;
	m->err_off = 0;
	return IKE_PLD_OK;
}

/* Phase 1 messages 1-4 must be plaintext: E there is a flags error. */
enum ike_pld_err
ike_pld_parse_flags(struct ike_msg *m, const uint8_t *pkt, size_t len,
                    unsigned int flags)
{
	enum ike_pld_err err = ike_pld_header(m, pkt, len);

	if (err != IKE_PLD_OK)
		return err;
	if (m->hdr.flags & IKE_FLAG_E)
		return fail(__func__, IKE_PLD_ERR_INVALID_FLAGS,
		            "encrypted message where plaintext is expected");
	return ike_pld_walk(m, pkt, len, IKE_HDR_LEN,
	                    flags & ~IKE_PLD_F_PADDED);
}

enum ike_pld_err
ike_pld_parse(struct ike_msg *m, const uint8_t *pkt, size_t len)
{
	return ike_pld_parse_flags(m, pkt, len, 0);
}

unsigned int
ike_pld_count(const struct ike_msg *m, uint8_t type)
{
	if (!top_level(type))
		return 0;
	return m->count[types[type].slot - 1U];
}

const struct ike_pld *
ike_pld_get(const struct ike_msg *m, uint8_t type, unsigned int i)
{
	if (i >= ike_pld_count(m, type))
		return NULL;
	return &m->pld[types[type].slot - 1U][i];
}

const struct ike_pld *
ike_pld_nth(const struct ike_msg *m, unsigned int pos)
{
	if (pos >= m->nchain)
		return NULL;
	return ike_pld_get(m, m->chain_type[pos], m->chain_idx[pos]);
}

const uint8_t *
ike_pld_body(const struct ike_msg *m, const struct ike_pld *p)
{
	if (p == NULL || p->off > m->len || p->len > m->len - p->off)
		return NULL;
	return m->buf + p->off;
}

/* SPI sizes per protocol (RFC 2407 4.4.1, RFC 2408): the ISAKMP SPI is
 * the cookie pair and may be omitted in a proposal; an IPComp CPI is 16
 * bits, sent in two or four octets. */
static enum ike_pld_err
spi_check(const char *fn, uint8_t proto, uint8_t size, int in_delete)
{
	int ok;

	switch (proto) {
	case IKE_PROTO_ISAKMP:
		ok = size == IKE_SPI_MAX || (size == 0 && !in_delete);
		break;
	case IKE_PROTO_IPSEC_AH:
	case IKE_PROTO_IPSEC_ESP:
		ok = size == 4;
		break;
	case IKE_PROTO_IPCOMP:
		ok = size == 2 || size == 4;
		break;
	default:
		return fail(fn, IKE_PLD_ERR_INVALID_PROTOCOL_ID, "protocol %u",
		            proto);
	}
	if (!ok)
		return fail(fn, IKE_PLD_ERR_INVALID_SPI,
		            "SPI size %u for protocol %u", size, proto);
	return IKE_PLD_OK;
}

/* Reads the generic header of a Proposal or Transform inside its parent,
 * which ends at end; next_type is what may follow it. */
static enum ike_pld_err
sub_hdr(const char *fn, const uint8_t *buf, size_t off, size_t end,
        size_t fixed, uint8_t next_type, struct ike_wire_gen *g, size_t *plen)
{
	size_t left = off <= end ? end - off : 0;

	*plen = 0;
	if (buf == NULL || left < fixed)
		return fail(fn, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "%s needs %zu octets, %zu left",
		            ike_pld_name(next_type), fixed, left);
	memcpy(g, buf + off, sizeof(*g));
	*plen = ntohs(g->length);
	if (g->reserved != 0)
		return fail(fn, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "%s RESERVED is %u", ike_pld_name(next_type),
		            g->reserved);
	if (*plen < fixed || *plen > left)
		return fail(fn, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "%s length %zu, %zu octets left",
		            ike_pld_name(next_type), *plen, left);
	if (g->next != next_type && g->next != IKE_PLD_NONE)
		return fail(fn, IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX,
		            "%s followed by payload type %u",
		            ike_pld_name(next_type), g->next);
	return IKE_PLD_OK;
}

/* The proposal chain must end exactly at the end of the SA (RFC 2408 3.5),
 * or a later proposal would be read from whatever follows. */
enum ike_pld_err
ike_pld_sa_next(struct ike_sa *sa, struct ike_prop *p)
{
	struct ike_wire_prop w;
	size_t plen;
	enum ike_pld_err err;

	memset(p, 0, sizeof(*p));
	err = sub_hdr(__func__, sa->buf, sa->off, sa->end, sizeof(w),
	              IKE_PLD_PROPOSAL, &w.gen, &plen);
	if (err != IKE_PLD_OK)
		return err;
	memcpy(&w, sa->buf + sa->off, sizeof(w));
	if ((w.gen.next == IKE_PLD_NONE) != (sa->off + plen == sa->end))
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "last proposal ends at %zu, SA at %zu",
		            sa->off + plen, sa->end);
	err = spi_check(__func__, w.proto, w.spi_size, 0);
	if (err != IKE_PLD_OK)
		return err;
	if (sizeof(w) + w.spi_size > plen)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "SPI of %u octets in a proposal of %zu", w.spi_size,
		            plen);
	if (w.nxform == 0)
		return fail(__func__, IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX,
		            "proposal %u without transforms", w.num);
	p->num = w.num;
	p->proto = w.proto;
	p->spi_size = w.spi_size;
	p->nxform = w.nxform;
	memcpy(p->spi, sa->buf + sa->off + sizeof(w), w.spi_size);
	p->buf = sa->buf;
	p->off = sa->off + sizeof(w) + w.spi_size;
	p->end = sa->off + plen;
	sa->off += plen;
	return IKE_PLD_OK;
}

/* One data attribute at off (RFC 2408 3.3); *size is its wire size. */
static enum ike_pld_err
attr_read(const uint8_t *buf, size_t off, size_t end, struct ike_attr *a,
          size_t *size)
{
	struct ike_wire_attr w;
	size_t left = off <= end ? end - off : 0;
	uint16_t type;
	size_t i;

	*size = 0;
	if (buf == NULL || left < sizeof(w))
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "attribute needs 4 octets, %zu left", left);
	memcpy(&w, buf + off, sizeof(w));
	type = ntohs(w.type);
	a->type = type & IKE_ATTR_TYPE;
	a->tv = (type & IKE_ATTR_AF) != 0;
	a->val = ntohs(w.lv);
	a->data = NULL;
	a->len = 0;
	*size = sizeof(w);
	if (a->tv)
		return IKE_PLD_OK;
	a->len = ntohs(w.lv);
	if (a->len > left - sizeof(w))
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "attribute %u of %zu octets, %zu left", a->type,
		            a->len, left - sizeof(w));
	a->data = buf + off + sizeof(w);
	a->val = 0;
	if (a->len <= sizeof(a->val))
		for (i = 0; i < a->len; i++)
			a->val = a->val << 8 | a->data[i];
	*size += a->len;
	return IKE_PLD_OK;
}

/*
 * The declared transform count and the Next Payload chain must agree (RFC
 * 2408 3.5); counting attributes here lets callers loop by count.
 */
enum ike_pld_err
ike_pld_prop_next(struct ike_prop *p, struct ike_xform *x)
{
	struct ike_wire_xform w;
	struct ike_attr a;
	size_t plen, off, size;
	int last;
	enum ike_pld_err err;

	memset(x, 0, sizeof(*x));
	if (p->idx >= p->nxform)
		return fail(__func__, IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX,
		            "proposal %u declares %u transforms", p->num,
		            p->nxform);
	err = sub_hdr(__func__, p->buf, p->off, p->end, sizeof(w),
	              IKE_PLD_TRANSFORM, &w.gen, &plen);
	if (err != IKE_PLD_OK)
		return err;
	memcpy(&w, p->buf + p->off, sizeof(w));
	last = p->idx + 1 == p->nxform;
	if (last != (w.gen.next == IKE_PLD_NONE))
		return fail(
		    __func__, IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX,
		    "proposal %u declares %u transforms, chain %s at %u",
		    p->num, p->nxform, last ? "goes on" : "ends", p->idx + 1);
	if (last && p->off + plen != p->end)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "%zu octets after the last transform",
		            p->end - p->off - plen);
	if (w.reserved2 != 0)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "transform %u RESERVED2 is %u", w.num,
		            ntohs(w.reserved2));
	x->num = w.num;
	x->id = w.id;
	x->proto = p->proto;
	x->buf = p->buf;
	x->off = p->off + sizeof(w);
	x->end = p->off + plen;
	for (off = x->off; off < x->end; off += size) {
		err = attr_read(x->buf, off, x->end, &a, &size);
		if (err != IKE_PLD_OK)
			return err;
		x->nattr++;
	}
	p->off += plen;
	p->idx++;
	return IKE_PLD_OK;
}

/* Bounded by nattr and by the transform end, whichever comes first. */
enum ike_pld_err
ike_pld_xform_next(struct ike_xform *x, struct ike_attr *a)
{
	size_t size;
	enum ike_pld_err err;

	memset(a, 0, sizeof(*a));
	if (x->idx >= x->nattr)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "transform %u has %u attributes", x->num, x->nattr);
	err = attr_read(x->buf, x->off, x->end, a, &size);
	if (err != IKE_PLD_OK)
		return err;
	a->proto = x->proto;
	x->off += size;
	x->idx++;
	return IKE_PLD_OK;
}

/* Attribute numbers mean different things in phase 1 and phase 2; the
 * proposal's protocol says which table applies. */
int
ike_pld_attr_class(uint8_t proto, uint16_t type)
{
	switch (proto) {
	case IKE_PROTO_ISAKMP:
		if (type < sizeof(p1_class))
			return p1_class[type];
		return IKE_ATTR_UNKNOWN;
	case IKE_PROTO_IPSEC_AH:
	case IKE_PROTO_IPSEC_ESP:
	case IKE_PROTO_IPCOMP:
		if (type < sizeof(p2_class))
			return p2_class[type];
		return IKE_ATTR_UNKNOWN;
	default:
		return IKE_ATTR_UNKNOWN;
	}
}

/* RFC 2409 Appendix A: basic attributes must not be sent as variable, and
 * a variable one we read as a number has to fit in 64 bits. */
enum ike_pld_err
ike_pld_attr_value(const struct ike_attr *a, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (a->tv) {
		*v = a->val;
		return IKE_PLD_OK;
	}
	if (ike_pld_attr_class(a->proto, a->type) == IKE_ATTR_BASIC)
		return fail(__func__, IKE_PLD_ERR_ATTRIBUTES_NOT_SUPPORTED,
		            "basic attribute %u in TLV form", a->type);
	if (a->data == NULL || a->len == 0 || a->len > sizeof(*v))
		return fail(__func__, IKE_PLD_ERR_ATTRIBUTES_NOT_SUPPORTED,
		            "attribute %u value of %zu octets", a->type,
		            a->len);
	for (i = 0; i < a->len; i++)
		*v = *v << 8 | a->data[i];
	return IKE_PLD_OK;
}

/* Proposal numbers only grow; equal numbers form one AND bundle in which
 * each protocol appears once (RFC 2408 4.2). */
static enum ike_pld_err
prop_order(const struct ike_prop *p, unsigned int n, uint8_t *prev,
           unsigned int *protos)
{
	unsigned int bit = 1U << p->proto;

	if (n > 0 && p->num < *prev)
		return fail(__func__, IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX,
		            "proposal %u after %u", p->num, *prev);
	if (n > 0 && p->num == *prev) {
		if (*protos & bit)
			return fail(__func__, IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX,
			            "protocol %u twice in proposal %u",
			            p->proto, p->num);
		*protos |= bit;
	} else {
		*protos = bit;
	}
	*prev = p->num;
	return IKE_PLD_OK;
}

/* Walks one proposal down to its attributes, applying the phase rules of
 * RFC 2409 5 (phase 1: ISAKMP protocol, KEY_IKE transforms). */
static enum ike_pld_err
prop_check(struct ike_prop *p, int phase)
{
	struct ike_xform x;
	struct ike_attr a;
	unsigned int i, j;
	enum ike_pld_err err;

	if (phase == IKE_PHASE_1 && p->proto != IKE_PROTO_ISAKMP)
		return fail(__func__, IKE_PLD_ERR_INVALID_PROTOCOL_ID,
		            "phase 1 proposal for protocol %u", p->proto);
	if (phase == IKE_PHASE_2 && p->proto == IKE_PROTO_ISAKMP)
		return fail(__func__, IKE_PLD_ERR_INVALID_PROTOCOL_ID,
		            "phase 2 proposal for ISAKMP");
	for (i = 0; i < p->nxform; i++) {
		err = ike_pld_prop_next(p, &x);
		if (err != IKE_PLD_OK)
			return err;
		if (phase == IKE_PHASE_1 && x.id != IKE_KEY_IKE)
			return fail(__func__, IKE_PLD_ERR_INVALID_TRANSFORM_ID,
			            "phase 1 transform ID %u", x.id);
		for (j = 0; j < x.nattr; j++) {
			err = ike_pld_xform_next(&x, &a);
			if (err != IKE_PLD_OK)
				return err;
		}
	}
	return IKE_PLD_OK;
}

/*
 * Validates the whole tree once, so a caller that then iterates by count
 * only meets errors if it ignored this result.  Only the IPsec DOI with
 * SIT_IDENTITY_ONLY is supported: other situations carry labelled-domain
 * fields before the proposals (RFC 2407 4.6.1).
 */
enum ike_pld_err
ike_pld_sa(const uint8_t *body, size_t len, int phase, struct ike_sa *sa)
{
	struct ike_wire_sa w;
	struct ike_sa it;
	struct ike_prop p;
	unsigned int n = 0, protos = 0;
	uint8_t prev = 0;
	enum ike_pld_err err;

	memset(sa, 0, sizeof(*sa));
	err = desc_len(__func__, IKE_PLD_SA, len);
	if (err != IKE_PLD_OK)
		return err;
	memcpy(&w, body, sizeof(w));
	sa->doi = ntohl(w.doi);
	sa->situation = ntohl(w.situation);
	if (sa->doi != IKE_DOI_IPSEC)
		return fail(__func__, IKE_PLD_ERR_DOI_NOT_SUPPORTED, "DOI %u",
		            sa->doi);
	if (sa->situation != IKE_SIT_IDENTITY_ONLY)
		return fail(__func__, IKE_PLD_ERR_SITUATION_NOT_SUPPORTED,
		            "situation 0x%x", sa->situation);
	sa->buf = body;
	sa->off = sizeof(w);
	sa->end = len;
	it = *sa;
	while (it.off < it.end) {
		err = ike_pld_sa_next(&it, &p);
		if (err == IKE_PLD_OK)
			err = prop_order(&p, n, &prev, &protos);
		if (err == IKE_PLD_OK)
			err = prop_check(&p, phase);
		if (err != IKE_PLD_OK)
			return err;
		n++;
	}
	if (phase == IKE_PHASE_1 && n != 1)
		return fail(__func__, IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX,
		            "%u proposals in a phase 1 SA", n);
	sa->nprop = n;
	return IKE_PLD_OK;
}

/* Opaque payloads differ only in their size limits and the notify for an
 * empty one, both of which come from the descriptor. */
enum ike_pld_err
ike_pld_data(uint8_t type, const uint8_t *body, size_t len, struct ike_data *d)
{
	enum ike_pld_err err;

	d->data = NULL;
	d->len = 0;
	switch (type) {
	case IKE_PLD_KE:
	case IKE_PLD_HASH:
	case IKE_PLD_SIG:
	case IKE_PLD_NONCE:
	case IKE_PLD_VID:
	case IKE_PLD_NATD:
	case IKE_PLD_NATD_DRAFT:
		break;
	default:
		return fail(__func__, IKE_PLD_ERR_INVALID_PAYLOAD_TYPE,
		            "payload type %u is not opaque data", type);
	}
	err = desc_len(__func__, type, len);
	if (err != IKE_PLD_OK)
		return err;
	d->data = body;
	d->len = len;
	return IKE_PLD_OK;
}

/* Identification data sizes fixed by the type (RFC 2407 4.6.2); 0 means
 * any non-empty length. */
static size_t
id_size(uint8_t type)
{
	switch (type) {
	case IKE_ID_IPV4_ADDR:
		return 4;
	case IKE_ID_IPV4_ADDR_SUBNET:
	case IKE_ID_IPV4_ADDR_RANGE:
		return 8;
	case IKE_ID_IPV6_ADDR:
		return 16;
	case IKE_ID_IPV6_ADDR_SUBNET:
	case IKE_ID_IPV6_ADDR_RANGE:
		return 32;
	default:
		return 0;
	}
}

/* Address types have exact sizes; checking them here spares every user of
 * an ID from re-checking before copying an address. */
enum ike_pld_err
ike_pld_id(const uint8_t *body, size_t len, struct ike_id *id)
{
	struct ike_wire_id w;
	size_t want;
	enum ike_pld_err err;

	memset(id, 0, sizeof(*id));
	err = desc_len(__func__, IKE_PLD_ID, len);
	if (err != IKE_PLD_OK)
		return err;
	memcpy(&w, body, sizeof(w));
	if (w.type < IKE_ID_IPV4_ADDR || w.type > IKE_ID_KEY_ID)
		return fail(__func__, IKE_PLD_ERR_INVALID_ID_INFORMATION,
		            "ID type %u", w.type);
	want = id_size(w.type);
	if (want != 0 && len - sizeof(w) != want)
		return fail(__func__, IKE_PLD_ERR_INVALID_ID_INFORMATION,
		            "ID type %u with %zu octets, not %zu", w.type,
		            len - sizeof(w), want);
	id->type = w.type;
	id->proto = w.proto;
	id->port = ntohs(w.port);
	id->data = body + sizeof(w);
	id->len = len - sizeof(w);
	return IKE_PLD_OK;
}

/* CERT and CR share the layout; only RFC 2408 encodings 1..10 are known,
 * and a request may leave the authority empty. */
enum ike_pld_err
ike_pld_cert(uint8_t type, const uint8_t *body, size_t len, struct ike_cert *c)
{
	struct ike_wire_cert w;
	enum ike_pld_err err;

	memset(c, 0, sizeof(*c));
	if (type != IKE_PLD_CERT && type != IKE_PLD_CR)
		return fail(__func__, IKE_PLD_ERR_INVALID_PAYLOAD_TYPE,
		            "payload type %u is not CERT or CR", type);
	err = desc_len(__func__, type, len);
	if (err != IKE_PLD_OK)
		return err;
	memcpy(&w, body, sizeof(w));
	if (w.encoding == IKE_CERT_NONE || w.encoding > IKE_CERT_LAST)
		return fail(__func__, IKE_PLD_ERR_INVALID_CERT_ENCODING,
		            "%s encoding %u", ike_pld_name(type), w.encoding);
	c->encoding = w.encoding;
	c->data = body + sizeof(w);
	c->len = len - sizeof(w);
	return IKE_PLD_OK;
}

/* Lenient on protocol and SPI size: notifies arrive about things we may
 * not have, and RFC 2408 5.14 only logs their problems anyway. */
enum ike_pld_err
ike_pld_notify(const uint8_t *body, size_t len, struct ike_notify *n)
{
	struct ike_wire_notify w;
	size_t rest;
	enum ike_pld_err err;

	memset(n, 0, sizeof(*n));
	err = desc_len(__func__, IKE_PLD_NOTIFY, len);
	if (err != IKE_PLD_OK)
		return err;
	memcpy(&w, body, sizeof(w));
	n->doi = ntohl(w.doi);
	n->proto = w.proto;
	n->spi_size = w.spi_size;
	n->type = ntohs(w.type);
	rest = len - sizeof(w);
	if (n->doi != IKE_DOI_ISAKMP && n->doi != IKE_DOI_IPSEC)
		return fail(__func__, IKE_PLD_ERR_DOI_NOT_SUPPORTED, "DOI %u",
		            n->doi);
	/* Protocol 0 is seen for notifies about no SA in particular. */
	if (n->proto > IKE_PROTO_IPCOMP)
		return fail(__func__, IKE_PLD_ERR_INVALID_PROTOCOL_ID,
		            "protocol %u", n->proto);
	if (n->type == 0)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "notify message type 0");
	if (n->spi_size > IKE_SPI_MAX)
		return fail(__func__, IKE_PLD_ERR_INVALID_SPI, "SPI size %u",
		            n->spi_size);
	if (n->spi_size > rest)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "SPI of %u octets, %zu left", n->spi_size, rest);
	n->spi = body + sizeof(w);
	n->data = n->spi + n->spi_size;
	n->len = rest - n->spi_size;
	return IKE_PLD_OK;
}

/* RFC 3706: the SPI is both cookies and the data one sequence number;
 * anything else is not a DPD message we can answer. */
enum ike_pld_err
ike_pld_dpd(const struct ike_notify *n, uint32_t *seq)
{
	uint32_t v;

	*seq = 0;
	if (n->type != IKE_N_R_U_THERE && n->type != IKE_N_R_U_THERE_ACK)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "notify %u is not DPD", n->type);
	if (n->spi_size != IKE_DPD_SPI_SIZE)
		return fail(__func__, IKE_PLD_ERR_INVALID_SPI,
		            "DPD SPI size %u", n->spi_size);
	if (n->len != IKE_DPD_SEQ_LEN || n->data == NULL)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "DPD data of %zu octets", n->len);
	memcpy(&v, n->data, sizeof(v));
	*seq = ntohl(v);
	return IKE_PLD_OK;
}

/*
 * RESPONDER-LIFETIME (RFC 2407 4.6.3.1): the data is a list of Life Type /
 * Life Duration attribute pairs, with the phase 1 numbers when the notify
 * is about the ISAKMP SA.  A type without its duration, an unknown type,
 * a zero or a duration over 32 bits make the list unusable.
 */
enum ike_pld_err
ike_pld_lifetime(const struct ike_notify *n, uint32_t *seconds,
                 uint32_t *kbytes)
{
	int p1 = n->proto == IKE_PROTO_ISAKMP;
	uint16_t lt = p1 ? IKE_ATTR_LIFE_TYPE : IKE_IPSEC_ATTR_LIFE_TYPE;
	uint16_t ld =
	    p1 ? IKE_ATTR_LIFE_DURATION : IKE_IPSEC_ATTR_LIFE_DURATION;
	struct ike_attr a;
	enum ike_pld_err err;
	size_t off = 0, size;
	uint64_t kind = 0, v;

	*seconds = *kbytes = 0;
	if (n->type != IKE_N_RESPONDER_LIFETIME || n->len == 0)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "notify %u with %zu octets is no lifetime", n->type,
		            n->len);
	while (off < n->len) {
		err = attr_read(n->data, off, n->len, &a, &size);
		if (err != IKE_PLD_OK)
			return err;
		off += size;
		a.proto = n->proto;
		if (ike_pld_attr_value(&a, &v) != IKE_PLD_OK)
			return IKE_PLD_ERR_PAYLOAD_MALFORMED;
		if (a.type == lt && kind == 0 &&
		    (v == IKE_LIFE_SECONDS || v == IKE_LIFE_KILOBYTES)) {
			kind = v;
		} else if (a.type == ld && kind != 0 && v != 0 &&
		           v <= UINT32_MAX) {
			*(kind == IKE_LIFE_SECONDS ? seconds : kbytes) =
			    (uint32_t)v;
			kind = 0;
		} else {
			return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
			            "lifetime attribute %u (value %llu) out of "
			            "place",
			            a.type, (unsigned long long)v);
		}
	}
	if (kind != 0)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "life type without its duration");
	return IKE_PLD_OK;
}

/* The SPI list must fill the payload exactly: count times size. */
enum ike_pld_err
ike_pld_delete(const uint8_t *body, size_t len, struct ike_delete *d)
{
	struct ike_wire_delete w;
	size_t rest;
	enum ike_pld_err err;

	memset(d, 0, sizeof(*d));
	err = desc_len(__func__, IKE_PLD_DELETE, len);
	if (err != IKE_PLD_OK)
		return err;
	memcpy(&w, body, sizeof(w));
	d->doi = ntohl(w.doi);
	d->proto = w.proto;
	d->spi_size = w.spi_size;
	d->nspi = ntohs(w.nspi);
	rest = len - sizeof(w);
	if (d->doi != IKE_DOI_ISAKMP && d->doi != IKE_DOI_IPSEC)
		return fail(__func__, IKE_PLD_ERR_DOI_NOT_SUPPORTED, "DOI %u",
		            d->doi);
	err = spi_check(__func__, d->proto, d->spi_size, 1);
	if (err != IKE_PLD_OK)
		return err;
	if (d->nspi == 0 || (size_t)d->nspi * d->spi_size != rest)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "%u SPIs of %u octets in %zu", d->nspi, d->spi_size,
		            rest);
	d->spis = body + sizeof(w);
	return IKE_PLD_OK;
}

const uint8_t *
ike_pld_delete_spi(const struct ike_delete *d, unsigned int i)
{
	if (d->spis == NULL || i >= d->nspi)
		return NULL;
	return d->spis + (size_t)i * d->spi_size;
}

/* RFC 3947 5.2 carries one IPv4 or IPv6 address, nothing else. */
enum ike_pld_err
ike_pld_natoa(uint8_t type, const uint8_t *body, size_t len,
              struct ike_natoa *o)
{
	struct ike_wire_natoa w;
	size_t want;
	enum ike_pld_err err;

	memset(o, 0, sizeof(*o));
	if (type != IKE_PLD_NATOA && type != IKE_PLD_NATOA_DRAFT)
		return fail(__func__, IKE_PLD_ERR_INVALID_PAYLOAD_TYPE,
		            "payload type %u is not NAT-OA", type);
	err = desc_len(__func__, type, len);
	if (err != IKE_PLD_OK)
		return err;
	memcpy(&w, body, sizeof(w));
	if (w.type != IKE_ID_IPV4_ADDR && w.type != IKE_ID_IPV6_ADDR)
		return fail(__func__, IKE_PLD_ERR_INVALID_ID_INFORMATION,
		            "NAT-OA ID type %u", w.type);
	want = id_size(w.type);
	if (len - sizeof(w) != want)
		return fail(__func__, IKE_PLD_ERR_PAYLOAD_MALFORMED,
		            "NAT-OA address of %zu octets, not %zu",
		            len - sizeof(w), want);
	o->type = w.type;
	o->addr = body + sizeof(w);
	o->len = want;
	return IKE_PLD_OK;
}

/* Adapters from the walker's uniform check signature to the decoders. */
static enum ike_pld_err
chk_sa(uint8_t type, const uint8_t *body, size_t len, int phase)
{
	struct ike_sa sa;

	(void)type;
	return ike_pld_sa(body, len, phase, &sa);
}

static enum ike_pld_err
chk_data(uint8_t type, const uint8_t *body, size_t len, int phase)
{
	struct ike_data d;

	(void)phase;
	return ike_pld_data(type, body, len, &d);
}

static enum ike_pld_err
chk_id(uint8_t type, const uint8_t *body, size_t len, int phase)
{
	struct ike_id id;

	(void)type;
	(void)phase;
	return ike_pld_id(body, len, &id);
}

static enum ike_pld_err
chk_cert(uint8_t type, const uint8_t *body, size_t len, int phase)
{
	struct ike_cert c;

	(void)phase;
	return ike_pld_cert(type, body, len, &c);
}

static enum ike_pld_err
chk_notify(uint8_t type, const uint8_t *body, size_t len, int phase)
{
	struct ike_notify n;

	(void)type;
	(void)phase;
	return ike_pld_notify(body, len, &n);
}

static enum ike_pld_err
chk_delete(uint8_t type, const uint8_t *body, size_t len, int phase)
{
	struct ike_delete d;

	(void)type;
	(void)phase;
	return ike_pld_delete(body, len, &d);
}

static enum ike_pld_err
chk_natoa(uint8_t type, const uint8_t *body, size_t len, int phase)
{
	struct ike_natoa o;

	(void)phase;
	return ike_pld_natoa(type, body, len, &o);
}
