/*
 * isdn_q931.c - Q.931 message codec.  Decoding walks the message with a
 * size_t offset, checks every IE length against what is left before
 * looking inside, and hands the contents of known IEs to a per-type
 * decoder from a const table (codeset, identifier, length range).  Unknown
 * IEs, single-octet IEs and IEs of other codesets are skipped; a repeated
 * IE keeps its first occurrence (Q.931 5.8.7.1).  Encoding writes IEs in
 * ascending identifier order as Q.931 4.5.1 requires.
 */
#include "isdn_q931.h"

#include <string.h>

typedef enum isdn_q931_err (*ie_dec_fn)(struct isdn_q931_msg *m,
                                        const uint8_t *b, size_t len);

struct ie_desc {
	uint8_t codeset;
	uint8_t id;
	uint8_t min;
	uint8_t max;
	uint32_t flag;
	ie_dec_fn dec;
};

static enum isdn_q931_err dec_bearer(struct isdn_q931_msg *, const uint8_t *,
                                     size_t);
static enum isdn_q931_err dec_cause(struct isdn_q931_msg *, const uint8_t *,
                                    size_t);
static enum isdn_q931_err dec_chanid(struct isdn_q931_msg *, const uint8_t *,
                                     size_t);
static enum isdn_q931_err dec_calling(struct isdn_q931_msg *, const uint8_t *,
                                      size_t);
static enum isdn_q931_err dec_calling_sub(struct isdn_q931_msg *,
                                          const uint8_t *, size_t);
static enum isdn_q931_err dec_called(struct isdn_q931_msg *, const uint8_t *,
                                     size_t);
static enum isdn_q931_err dec_called_sub(struct isdn_q931_msg *,
                                         const uint8_t *, size_t);
static enum isdn_q931_err dec_llc(struct isdn_q931_msg *, const uint8_t *,
                                  size_t);
static enum isdn_q931_err dec_charge(struct isdn_q931_msg *, const uint8_t *,
                                     size_t);

/* Contents lengths follow the message tables of Q.931 3.1 (IE length
 * minus identifier and length octets). */
static const struct ie_desc ie_table[] = {
    {0, ISDN_IE_BEARER, 2, 10, ISDN_Q931_F_BEARER, dec_bearer},
    {0, ISDN_IE_CAUSE, 2, 30, ISDN_Q931_F_CAUSE, dec_cause},
    {0, ISDN_IE_CHANID, 1, 6, ISDN_Q931_F_CHANID, dec_chanid},
    {0, ISDN_IE_CALLING, 1, 2 + ISDN_NUMBER_MAX, ISDN_Q931_F_CALLING,
     dec_calling},
    {0, ISDN_IE_CALLING_SUB, 1, ISDN_SUBADDR_MAX, ISDN_Q931_F_CALLING_SUB,
     dec_calling_sub},
    {0, ISDN_IE_CALLED, 1, 1 + ISDN_NUMBER_MAX, ISDN_Q931_F_CALLED, dec_called},
    {0, ISDN_IE_CALLED_SUB, 1, ISDN_SUBADDR_MAX, ISDN_Q931_F_CALLED_SUB,
     dec_called_sub},
    {0, ISDN_IE_LLC, 2, ISDN_LLC_MAX, ISDN_Q931_F_LLC, dec_llc},
    {6, ISDN_IE6_CHARGING, 2, 11, ISDN_Q931_F_CHARGE, dec_charge},
};

static const struct ie_desc *
ie_lookup(uint8_t codeset, uint8_t id)
{
	size_t i;

	for (i = 0; i < sizeof(ie_table) / sizeof(ie_table[0]); i++)
		if (ie_table[i].codeset == codeset && ie_table[i].id == id)
			return &ie_table[i];
	return NULL;
}

static int
type_known(uint8_t t)
{
	switch (t) {
	case ISDN_Q931_ALERTING:
	case ISDN_Q931_CALL_PROCEEDING:
	case ISDN_Q931_SETUP:
	case ISDN_Q931_CONNECT:
	case ISDN_Q931_CONNECT_ACK:
	case ISDN_Q931_DISCONNECT:
	case ISDN_Q931_RELEASE:
	case ISDN_Q931_RELEASE_COMPLETE:
	case ISDN_Q931_INFORMATION:
		return 1;
	default:
		return 0;
	}
}

static int
digit_ok(uint8_t c)
{
	return (c >= '0' && c <= '9') || c == '*' || c == '#';
}

/* Octet 4 of the bearer capability may be extended (4a, 4b) and, for
 * multirate, followed by the rate multiplier; layer 1 comes after. */
static enum isdn_q931_err
bearer_parse(struct isdn_ie_bearer *bc, const uint8_t *b, size_t len)
{
	size_t i = 1;

	if (len < 2 || len > sizeof(bc->raw) || !(b[0] & 0x80))
		return ISDN_Q931_ERR_IE_CONTENT;
	memset(bc, 0, sizeof(*bc));
	memcpy(bc->raw, b, len);
	bc->len = (uint8_t)len;
	bc->coding = (b[0] >> 5) & 3;
	bc->cap = b[0] & 0x1f;
	bc->mode = (b[1] >> 5) & 3;
	bc->rate = b[1] & 0x1f;
	while (!(b[i] & 0x80)) {
		if (++i >= len)
			return ISDN_Q931_ERR_IE_CONTENT;
	}
	i++;
	if (bc->rate == 0x18) { /* rate multiplier, octet 4.1 */
		if (i >= len)
			return ISDN_Q931_ERR_IE_CONTENT;
		i++;
	}
	if (i < len && ((b[i] >> 5) & 3) == 1)
		bc->l1 = b[i] & 0x1f;
	return ISDN_Q931_OK;
}

static enum isdn_q931_err
dec_bearer(struct isdn_q931_msg *m, const uint8_t *b, size_t len)
{
	return bearer_parse(&m->bearer, b, len);
}

/* Octet 3 (coding, location), optional 3a (recommendation), octet 4
 * (cause value), then diagnostics. */
static enum isdn_q931_err
dec_cause(struct isdn_q931_msg *m, const uint8_t *b, size_t len)
{
	struct isdn_ie_cause *c = &m->cause;
	size_t i = 1;

	memset(c, 0, sizeof(*c));
	c->coding = (b[0] >> 5) & 3;
	c->location = b[0] & 0x0f;
	if (!(b[0] & 0x80)) {
		if (!(b[1] & 0x80))
			return ISDN_Q931_ERR_IE_CONTENT;
		c->has_rec = 1;
		c->rec = b[1] & 0x7f;
		i = 2;
	}
	if (i >= len || !(b[i] & 0x80))
		return ISDN_Q931_ERR_IE_CONTENT;
	c->value = b[i++] & 0x7f;
	if (len - i > sizeof(c->diag))
		return ISDN_Q931_ERR_IE_LEN;
	c->diag_len = (uint8_t)(len - i);
	memcpy(c->diag, b + i, len - i);
	return ISDN_Q931_OK;
}

static enum isdn_q931_err
dec_chanid(struct isdn_q931_msg *m, const uint8_t *b, size_t len)
{
	struct isdn_ie_chanid *ci = &m->chanid;

	if (!(b[0] & 0x80))
		return ISDN_Q931_ERR_IE_CONTENT;
	memset(ci, 0, sizeof(*ci));
	memcpy(ci->raw, b, len);
	ci->len = (uint8_t)len;
	ci->primary = (b[0] >> 5) & 1;
	ci->exclusive = (b[0] >> 3) & 1;
	ci->dchan = (b[0] >> 2) & 1;
	ci->sel = b[0] & 3;
	return ISDN_Q931_OK;
}

static enum isdn_q931_err
digits_copy(struct isdn_ie_number *n, const uint8_t *b, size_t len)
{
	size_t i;

	if (len > ISDN_NUMBER_MAX)
		return ISDN_Q931_ERR_IE_LEN;
	for (i = 0; i < len; i++) {
		if (!digit_ok(b[i]))
			return ISDN_Q931_ERR_IE_CONTENT;
		n->digits[i] = (char)b[i];
	}
	n->digits[len] = '\0';
	return ISDN_Q931_OK;
}

/* Calling party number: octet 3a (presentation, screening) is present
 * when octet 3 has its extension bit clear. */
static enum isdn_q931_err
dec_calling(struct isdn_q931_msg *m, const uint8_t *b, size_t len)
{
	struct isdn_ie_number *n = &m->calling;
	size_t i = 1;

	memset(n, 0, sizeof(*n));
	n->type = (b[0] >> 4) & 7;
	n->plan = b[0] & 0x0f;
	if (!(b[0] & 0x80)) {
		if (len < 2 || !(b[1] & 0x80))
			return ISDN_Q931_ERR_IE_CONTENT;
		n->has_3a = 1;
		n->presentation = (b[1] >> 5) & 3;
		n->screening = b[1] & 3;
		i = 2;
	}
	return digits_copy(n, b + i, len - i);
}

static enum isdn_q931_err
dec_called(struct isdn_q931_msg *m, const uint8_t *b, size_t len)
{
	struct isdn_ie_number *n = &m->called;

	if (!(b[0] & 0x80))
		return ISDN_Q931_ERR_IE_CONTENT;
	memset(n, 0, sizeof(*n));
	n->type = (b[0] >> 4) & 7;
	n->plan = b[0] & 0x0f;
	return digits_copy(n, b + 1, len - 1);
}

int
isdn_q931_subaddr_from_raw(struct isdn_ie_subaddr *s, const uint8_t *raw,
                           size_t len)
{
	uint8_t type;

	if (len < 1 || len > ISDN_SUBADDR_MAX || !(raw[0] & 0x80))
		return -1;
	type = (raw[0] >> 4) & 7;
	if (type != ISDN_SUBADDR_NSAP && type != ISDN_SUBADDR_USER)
		return -1;
	memset(s, 0, sizeof(*s));
	s->type = type;
	s->odd = (raw[0] >> 3) & 1;
	s->len = (uint8_t)(len - 1);
	memcpy(s->info, raw + 1, len - 1);
	return 0;
}

size_t
isdn_q931_subaddr_to_raw(const struct isdn_ie_subaddr *s, uint8_t *raw,
                         size_t cap)
{
	if (s->len > sizeof(s->info) || cap < (size_t)s->len + 1 ||
	    (s->type != ISDN_SUBADDR_NSAP && s->type != ISDN_SUBADDR_USER))
		return 0;
	raw[0] = (uint8_t)(0x80 | (s->type << 4) | ((s->odd & 1) << 3));
	memcpy(raw + 1, s->info, s->len);
	return (size_t)s->len + 1;
}

static enum isdn_q931_err
dec_calling_sub(struct isdn_q931_msg *m, const uint8_t *b, size_t len)
{
	if (isdn_q931_subaddr_from_raw(&m->calling_sub, b, len) < 0)
		return ISDN_Q931_ERR_IE_CONTENT;
	return ISDN_Q931_OK;
}

static enum isdn_q931_err
dec_called_sub(struct isdn_q931_msg *m, const uint8_t *b, size_t len)
{
	if (isdn_q931_subaddr_from_raw(&m->called_sub, b, len) < 0)
		return ISDN_Q931_ERR_IE_CONTENT;
	return ISDN_Q931_OK;
}

/* The LLC travels end to end unexamined by the network, so only its
 * length is checked; octet 3 is decoded for convenience. */
static enum isdn_q931_err
dec_llc(struct isdn_q931_msg *m, const uint8_t *b, size_t len)
{
	if (isdn_q931_llc_set(&m->llc, b, len) < 0)
		return ISDN_Q931_ERR_IE_LEN;
	return ISDN_Q931_OK;
}

static enum isdn_q931_err
dec_charge(struct isdn_q931_msg *m, const uint8_t *b, size_t len)
{
	uint64_t v = 0;
	size_t i;

	for (i = 1; i < len; i++) {
		if (b[i] < '0' || b[i] > '9')
			return ISDN_Q931_ERR_IE_CONTENT;
		v = v * 10 + (uint64_t)(b[i] - '0');
		if (v > UINT32_MAX)
			return ISDN_Q931_ERR_IE_CONTENT;
	}
	m->charge_kind = b[0];
	m->charge_units = (uint32_t)v;
	return ISDN_Q931_OK;
}

/* Protocol discriminator, call reference and message type. */
static enum isdn_q931_err
dec_header(const uint8_t *buf, size_t len, struct isdn_q931_msg *m, size_t *off)
{
	size_t crlen;

	if (len < 3)
		return ISDN_Q931_ERR_SHORT;
	if (buf[0] != ISDN_Q931_PD)
		return ISDN_Q931_ERR_PD;
	if ((buf[1] & 0xf0) != 0 || buf[1] > 2)
		return ISDN_Q931_ERR_CREF;
	crlen = buf[1];
	if (len < 3 + crlen)
		return ISDN_Q931_ERR_SHORT;
	m->cref_len = (uint8_t)crlen;
	if (crlen >= 1) {
		m->cref_flag = buf[2] >> 7;
		m->cref = buf[2] & 0x7f;
	}
	if (crlen == 2)
		m->cref = (uint16_t)((m->cref << 8) | buf[3]);
	m->type = buf[2 + crlen];
	if (!type_known(m->type))
		return ISDN_Q931_ERR_MSGTYPE;
	*off = 3 + crlen;
	return ISDN_Q931_OK;
}

/* Codeset 1..3 are reserved, 4 ISO/IEC, 5 national, 6 local network, 7
 * user specific.  A locking shift may not go back to a lower codeset
 * (Q.931 4.5.3); a non-locking shift covers the next IE only. */
static enum isdn_q931_err
dec_shift(uint8_t id, uint8_t *active, int *once)
{
	uint8_t cs = id & 7;

	if (id & 0x08) {
		*once = cs;
		return ISDN_Q931_OK;
	}
	if (cs < *active)
		return ISDN_Q931_ERR_SHIFT;
	*active = cs;
	*once = -1;
	return ISDN_Q931_OK;
}

static enum isdn_q931_err
dec_ie(struct isdn_q931_msg *m, uint8_t cs, uint8_t id, const uint8_t *b,
       size_t len)
{
	const struct ie_desc *d = ie_lookup(cs, id);
	enum isdn_q931_err err;

	if (d == NULL) {
		m->n_skipped++;
		return ISDN_Q931_OK;
	}
	if (len < d->min || len > d->max)
		return ISDN_Q931_ERR_IE_LEN;
	if (m->present & d->flag) {
		m->n_repeated++;
		return ISDN_Q931_OK;
	}
	err = d->dec(m, b, len);
	if (err == ISDN_Q931_OK)
		m->present |= d->flag;
	return err;
}

static enum isdn_q931_err
dec_ies(const uint8_t *buf, size_t len, size_t off, struct isdn_q931_msg *m)
{
	enum isdn_q931_err err;
	uint8_t active = 0, cs, id;
	int once = -1;
	size_t ielen;

	while (off < len) {
		id = buf[off];
		if ((id & 0xf0) == ISDN_IE_SHIFT) {
			err = dec_shift(id, &active, &once);
			if (err != ISDN_Q931_OK)
				return err;
			off++;
			continue;
		}
		cs = once >= 0 ? (uint8_t)once : active;
		once = -1;
		if (id & 0x80) {
			if (cs == 0 && id == ISDN_IE_SENDING_COMPLETE)
				m->present |= ISDN_Q931_F_SENDING_COMPLETE;
			else
				m->n_skipped++;
			off++;
			continue;
		}
		if (len - off < 2)
			return ISDN_Q931_ERR_IE_TRUNC;
		ielen = buf[off + 1];
		if (ielen > len - off - 2)
			return ISDN_Q931_ERR_IE_TRUNC;
		err = dec_ie(m, cs, id, buf + off + 2, ielen);
		if (err != ISDN_Q931_OK)
			return err;
		off += 2 + ielen;
	}
	return ISDN_Q931_OK;
}

enum isdn_q931_err
isdn_q931_decode(const uint8_t *buf, size_t len, struct isdn_q931_msg *m)
{
	enum isdn_q931_err err;
	size_t off = 0;

	memset(m, 0, sizeof(*m));
	if (buf == NULL)
		return ISDN_Q931_ERR_SHORT;
	err = dec_header(buf, len, m, &off);
	if (err != ISDN_Q931_OK)
		return err;
	err = dec_ies(buf, len, off, m);
	if (err != ISDN_Q931_OK)
		return err;
	if (m->type == ISDN_Q931_SETUP && !(m->present & ISDN_Q931_F_BEARER))
		return ISDN_Q931_ERR_MANDATORY;
	if (m->type == ISDN_Q931_DISCONNECT &&
	    !(m->present & ISDN_Q931_F_CAUSE))
		return ISDN_Q931_ERR_MANDATORY;
	return ISDN_Q931_OK;
}

/* Encoder: a cursor that remembers the first failure. */
struct wr {
	uint8_t *buf;
	size_t cap;
	size_t off;
	enum isdn_q931_err err;
};

static void
put(struct wr *w, const void *p, size_t n)
{
	if (w->err != ISDN_Q931_OK)
		return;
	if (w->cap - w->off < n) {
		w->err = ISDN_Q931_ERR_NOSPACE;
		return;
	}
	memcpy(w->buf + w->off, p, n);
	w->off += n;
}

static void
put8(struct wr *w, uint8_t v)
{
	put(w, &v, 1);
}

static void
put_ie(struct wr *w, uint8_t id, const uint8_t *b, size_t len)
{
	if (len > 255) {
		if (w->err == ISDN_Q931_OK)
			w->err = ISDN_Q931_ERR_ARG;
		return;
	}
	put8(w, id);
	put8(w, (uint8_t)len);
	put(w, b, len);
}

static void
fail(struct wr *w, enum isdn_q931_err e)
{
	if (w->err == ISDN_Q931_OK)
		w->err = e;
}

static void
enc_header(struct wr *w, const struct isdn_q931_msg *m)
{
	uint8_t f = m->cref_flag ? 0x80 : 0;

	if (!type_known(m->type) || m->cref_len > 2 ||
	    (m->cref_len == 0 && (m->cref != 0 || m->cref_flag)) ||
	    (m->cref_len == 1 && m->cref > 0x7f) ||
	    (m->cref_len == 2 && m->cref > 0x7fff)) {
		fail(w, ISDN_Q931_ERR_ARG);
		return;
	}
	put8(w, ISDN_Q931_PD);
	put8(w, m->cref_len);
	if (m->cref_len == 1)
		put8(w, (uint8_t)(f | m->cref));
	if (m->cref_len == 2) {
		put8(w, (uint8_t)(f | (m->cref >> 8)));
		put8(w, (uint8_t)m->cref);
	}
	put8(w, m->type);
}

static void
enc_number(struct wr *w, uint8_t id, const struct isdn_ie_number *n,
           int calling)
{
	uint8_t b[2 + ISDN_NUMBER_MAX];
	size_t i = 0, nd = strnlen(n->digits, sizeof(n->digits));
	size_t k;

	if (nd > ISDN_NUMBER_MAX || n->type > 7 || n->plan > 15) {
		fail(w, ISDN_Q931_ERR_ARG);
		return;
	}
	for (k = 0; k < nd; k++)
		if (!digit_ok((uint8_t)n->digits[k])) {
			fail(w, ISDN_Q931_ERR_ARG);
			return;
		}
	b[i++] = (uint8_t)(((calling && n->has_3a) ? 0 : 0x80) |
	                   (n->type << 4) | n->plan);
	if (calling && n->has_3a)
		b[i++] = (uint8_t)(0x80 | ((n->presentation & 3) << 5) |
		                   (n->screening & 3));
	memcpy(b + i, n->digits, nd);
	put_ie(w, id, b, i + nd);
}

static void
enc_subaddr(struct wr *w, uint8_t id, const struct isdn_ie_subaddr *s)
{
	uint8_t b[ISDN_SUBADDR_MAX];
	size_t n = isdn_q931_subaddr_to_raw(s, b, sizeof(b));

	if (n == 0) {
		fail(w, ISDN_Q931_ERR_ARG);
		return;
	}
	put_ie(w, id, b, n);
}

static void
enc_cause(struct wr *w, const struct isdn_ie_cause *c)
{
	uint8_t b[3 + ISDN_CAUSE_DIAG_MAX];
	size_t i = 0;

	if (c->coding > 3 || c->location > 15 || c->value > 127 ||
	    c->diag_len > (c->has_rec ? 27 : 28)) {
		fail(w, ISDN_Q931_ERR_ARG);
		return;
	}
	b[i++] =
	    (uint8_t)((c->has_rec ? 0 : 0x80) | (c->coding << 5) | c->location);
	if (c->has_rec)
		b[i++] = (uint8_t)(0x80 | c->rec);
	b[i++] = (uint8_t)(0x80 | c->value);
	memcpy(b + i, c->diag, c->diag_len);
	put_ie(w, ISDN_IE_CAUSE, b, i + c->diag_len);
}

static void
enc_raw(struct wr *w, uint8_t id, const uint8_t *raw, size_t len, size_t min,
        size_t max)
{
	if (len < min || len > max) {
		fail(w, ISDN_Q931_ERR_ARG);
		return;
	}
	put_ie(w, id, raw, len);
}

/* Charging information goes to codeset 6 through a non-locking shift. */
static void
enc_charge(struct wr *w, const struct isdn_q931_msg *m)
{
	uint8_t b[11], d[10];
	uint32_t v = m->charge_units;
	size_t n = 0, i;

	do {
		d[n++] = (uint8_t)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	b[0] = m->charge_kind;
	for (i = 0; i < n; i++)
		b[1 + i] = d[n - 1 - i];
	put8(w, ISDN_IE_SHIFT | 0x08 | 6);
	put_ie(w, ISDN_IE6_CHARGING, b, n + 1);
}

enum isdn_q931_err
isdn_q931_encode(const struct isdn_q931_msg *m, uint8_t *buf, size_t cap,
                 size_t *out_len)
{
	struct wr w = {buf, cap, 0, ISDN_Q931_OK};
	uint32_t p = m->present;

	enc_header(&w, m);
	if (p & ISDN_Q931_F_SENDING_COMPLETE)
		put8(&w, ISDN_IE_SENDING_COMPLETE);
	if (p & ISDN_Q931_F_BEARER)
		enc_raw(&w, ISDN_IE_BEARER, m->bearer.raw, m->bearer.len, 2,
		        sizeof(m->bearer.raw));
	if (p & ISDN_Q931_F_CAUSE)
		enc_cause(&w, &m->cause);
	if (p & ISDN_Q931_F_CHANID)
		enc_raw(&w, ISDN_IE_CHANID, m->chanid.raw, m->chanid.len, 1,
		        sizeof(m->chanid.raw));
	if (p & ISDN_Q931_F_CALLING)
		enc_number(&w, ISDN_IE_CALLING, &m->calling, 1);
	if (p & ISDN_Q931_F_CALLING_SUB)
		enc_subaddr(&w, ISDN_IE_CALLING_SUB, &m->calling_sub);
	if (p & ISDN_Q931_F_CALLED)
		enc_number(&w, ISDN_IE_CALLED, &m->called, 0);
	if (p & ISDN_Q931_F_CALLED_SUB)
		enc_subaddr(&w, ISDN_IE_CALLED_SUB, &m->called_sub);
	if (p & ISDN_Q931_F_LLC)
		enc_raw(&w, ISDN_IE_LLC, m->llc.raw, m->llc.len, 2,
		        sizeof(m->llc.raw));
	if (p & ISDN_Q931_F_CHARGE)
		enc_charge(&w, m);
	if (w.err == ISDN_Q931_OK && out_len != NULL)
		*out_len = w.off;
	return w.err;
}

void
isdn_q931_init(struct isdn_q931_msg *m, uint8_t type, uint16_t cref, int flag)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->cref_len = 1;
	m->cref = cref;
	m->cref_flag = flag ? 1 : 0;
}

/* The usual encodings (ETSI EN 300 403 annex: 64 kbit/s unrestricted,
 * and A-law speech / 3.1 kHz audio with G.711 layer 1). */
void
isdn_q931_bearer_set(struct isdn_ie_bearer *bc, enum isdn_bearer b)
{
	static const uint8_t data[] = {0x88, 0x90};
	static const uint8_t speech[] = {0x80, 0x90, 0xa3};
	static const uint8_t audio[] = {0x90, 0x90, 0xa3};

	if (b == ISDN_BEARER_SPEECH)
		(void)bearer_parse(bc, speech, sizeof(speech));
	else if (b == ISDN_BEARER_AUDIO)
		(void)bearer_parse(bc, audio, sizeof(audio));
	else
		(void)bearer_parse(bc, data, sizeof(data));
}

enum isdn_bearer
isdn_q931_bearer_kind(const struct isdn_ie_bearer *bc)
{
	switch (bc->cap) {
	case ISDN_CAP_DIGITAL:
		return ISDN_BEARER_DATA;
	case ISDN_CAP_SPEECH:
		return ISDN_BEARER_SPEECH;
	case ISDN_CAP_AUDIO:
		return ISDN_BEARER_AUDIO;
	default:
		return ISDN_BEARER_OTHER;
	}
}

/* Basic access, no interface identifier, channel by sel. */
void
isdn_q931_chanid_bri(struct isdn_ie_chanid *ci, int exclusive, uint8_t sel)
{
	memset(ci, 0, sizeof(*ci));
	ci->len = 1;
	ci->exclusive = exclusive ? 1 : 0;
	ci->sel = sel & 3;
	ci->raw[0] = (uint8_t)(0x80 | (ci->exclusive << 3) | ci->sel);
}

int
isdn_q931_llc_set(struct isdn_ie_llc *llc, const uint8_t *raw, size_t len)
{
	if (len < 2 || len > sizeof(llc->raw))
		return -1;
	memset(llc, 0, sizeof(*llc));
	memcpy(llc->raw, raw, len);
	llc->len = (uint8_t)len;
	llc->coding = (raw[0] >> 5) & 3;
	llc->cap = raw[0] & 0x1f;
	return 0;
}

int
isdn_q931_number_set(struct isdn_ie_number *n, const char *digits)
{
	size_t len = strlen(digits), i;

	if (len > ISDN_NUMBER_MAX)
		return -1;
	for (i = 0; i < len; i++)
		if (!digit_ok((uint8_t)digits[i]))
			return -1;
	memset(n, 0, sizeof(*n));
	n->plan = 1; /* ISDN/telephony numbering plan (E.164) */
	memcpy(n->digits, digits, len + 1);
	return 0;
}

void
isdn_q931_cause_set(struct isdn_q931_msg *m, const struct isdn_cause *c)
{
	struct isdn_ie_cause *ie = &m->cause;
	size_t n =
	    c->diag_len < sizeof(ie->diag) ? c->diag_len : sizeof(ie->diag);

	memset(ie, 0, sizeof(*ie));
	ie->location = c->location & 0x0f;
	ie->value = c->value & 0x7f;
	ie->diag_len = (uint8_t)n;
	memcpy(ie->diag, c->diag, n);
	m->present |= ISDN_Q931_F_CAUSE;
}

void
isdn_q931_cause_get(const struct isdn_q931_msg *m, struct isdn_cause *c)
{
	memset(c, 0, sizeof(*c));
	if (!(m->present & ISDN_Q931_F_CAUSE))
		return;
	c->value = m->cause.value;
	c->location = m->cause.location;
	c->diag_len = m->cause.diag_len;
	memcpy(c->diag, m->cause.diag, m->cause.diag_len);
}

const char *
isdn_q931_err_str(enum isdn_q931_err e)
{
	static const char *const names[] = {
	    [ISDN_Q931_OK] = "ok",
	    [ISDN_Q931_ERR_SHORT] = "message too short",
	    [ISDN_Q931_ERR_PD] = "not a Q.931 protocol discriminator",
	    [ISDN_Q931_ERR_CREF] = "bad call reference length",
	    [ISDN_Q931_ERR_MSGTYPE] = "unknown message type",
	    [ISDN_Q931_ERR_IE_TRUNC] = "information element truncated",
	    [ISDN_Q931_ERR_IE_LEN] = "information element length out of range",
	    [ISDN_Q931_ERR_IE_CONTENT] = "invalid information element contents",
	    [ISDN_Q931_ERR_SHIFT] = "locking shift to a lower codeset",
	    [ISDN_Q931_ERR_MANDATORY] = "mandatory information element missing",
	    [ISDN_Q931_ERR_NOSPACE] = "buffer too small",
	    [ISDN_Q931_ERR_ARG] = "field out of range",
	};

	if ((size_t)e < sizeof(names) / sizeof(names[0]) && names[e] != NULL)
		return names[e];
	return "unknown error";
}

const char *
isdn_q931_type_str(uint8_t type)
{
	switch (type) {
	case ISDN_Q931_ALERTING:
		return "ALERTING";
	case ISDN_Q931_CALL_PROCEEDING:
		return "CALL PROCEEDING";
	case ISDN_Q931_SETUP:
		return "SETUP";
	case ISDN_Q931_CONNECT:
		return "CONNECT";
	case ISDN_Q931_CONNECT_ACK:
		return "CONNECT ACKNOWLEDGE";
	case ISDN_Q931_DISCONNECT:
		return "DISCONNECT";
	case ISDN_Q931_RELEASE:
		return "RELEASE";
	case ISDN_Q931_RELEASE_COMPLETE:
		return "RELEASE COMPLETE";
	case ISDN_Q931_INFORMATION:
		return "INFORMATION";
	default:
		return "unknown";
	}
}

uint8_t
isdn_q931_err_cause(enum isdn_q931_err e)
{
	switch (e) {
	case ISDN_Q931_ERR_MSGTYPE:
		return 97; /* message type non-existent or not implemented */
	case ISDN_Q931_ERR_MANDATORY:
		return ISDN_CAUSE_MANDATORY_MISSING;
	case ISDN_Q931_ERR_IE_LEN:
	case ISDN_Q931_ERR_IE_CONTENT:
	case ISDN_Q931_ERR_SHIFT:
		return ISDN_CAUSE_INVALID_IE;
	default:
		return ISDN_CAUSE_INVALID_MSG;
	}
}

const char *
isdn_cause_str(uint8_t value)
{
	static const struct {
		uint8_t v;
		const char *s;
	} names[] = {
	    {ISDN_CAUSE_UNALLOCATED, "unallocated number"},
	    {ISDN_CAUSE_NORMAL, "normal call clearing"},
	    {ISDN_CAUSE_BUSY, "user busy"},
	    {ISDN_CAUSE_NO_USER_RESPONSE, "no user responding"},
	    {ISDN_CAUSE_NO_ANSWER, "no answer from user"},
	    {ISDN_CAUSE_REJECTED, "call rejected"},
	    {ISDN_CAUSE_DEST_OUT_OF_ORDER, "destination out of order"},
	    {ISDN_CAUSE_INVALID_NUMBER, "invalid number format"},
	    {ISDN_CAUSE_NORMAL_UNSPEC, "normal, unspecified"},
	    {ISDN_CAUSE_NO_CHANNEL, "no circuit/channel available"},
	    {ISDN_CAUSE_TEMP_FAILURE, "temporary failure"},
	    {ISDN_CAUSE_INVALID_CREF, "invalid call reference value"},
	    {ISDN_CAUSE_INCOMPATIBLE, "incompatible destination"},
	    {ISDN_CAUSE_INVALID_MSG, "invalid message, unspecified"},
	    {ISDN_CAUSE_MANDATORY_MISSING, "mandatory IE missing"},
	    {97, "message type non-existent"},
	    {ISDN_CAUSE_INVALID_IE, "invalid IE contents"},
	    {ISDN_CAUSE_TIMER_EXPIRY, "recovery on timer expiry"},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].v == value)
			return names[i].s;
	return "other cause";
}
