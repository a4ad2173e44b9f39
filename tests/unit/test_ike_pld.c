/*
 * test_ike_pld.c - the ISAKMP codec: hand-written IKEv1 messages decode to
 * what they say, the builder reproduces them byte for byte, every payload
 * type survives build -> parse, every malformed case yields its own notify
 * type, and every truncated prefix of a valid message is refused cleanly
 * (each prefix is copied to a heap block of exactly its size, so ASan sees
 * any read past it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common.h"
#include "ike_build.h"
#include "ike_pld.h"

static const uint8_t icky[8] = {0x5f, 0x0c, 0x21, 0x9a, 0x3e, 0x17, 0x88, 0x41};
static const uint8_t rcky[8] = {0xc4, 0x02, 0x7e, 0x51, 0x90, 0xaa, 0x13, 0x6d};

/*
 * Main Mode message 1 as an initiator offering AES-128/SHA2-256,
 * AES-256/SHA1 and 3DES/SHA1 with PSK, 8 hours, and announcing NAT-T (RFC
 * 3947 and draft-02) and DPD.
 */
/* clang-format off */
static const uint8_t mm1[] = {
	/* 0: header, next SA, 1.0, Main Mode, no flags, ID 0, length 224 */
	0x5f, 0x0c, 0x21, 0x9a, 0x3e, 0x17, 0x88, 0x41, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x10, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xe0,
	/* 28: SA, next VID, 136; IPsec DOI, SIT_IDENTITY_ONLY */
	0x0d, 0x00, 0x00, 0x88, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	/* 40: proposal 1, last, 124; ISAKMP, no SPI, 3 transforms */
	0x00, 0x00, 0x00, 0x7c, 0x01, 0x01, 0x00, 0x03,
	/* 48: transform 1 KEY_IKE, 40: AES-CBC 128, SHA2-256, PSK, group 14,
	 * seconds, 28800 as TLV */
	0x03, 0x00, 0x00, 0x28, 0x01, 0x01, 0x00, 0x00, 0x80, 0x01, 0x00, 0x07,
	0x80, 0x0e, 0x00, 0x80, 0x80, 0x02, 0x00, 0x04, 0x80, 0x03, 0x00, 0x01,
	0x80, 0x04, 0x00, 0x0e, 0x80, 0x0b, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x04,
	0x00, 0x00, 0x70, 0x80,
	/* 88: transform 2, 40: AES-CBC 256, SHA1, PSK, group 14 */
	0x03, 0x00, 0x00, 0x28, 0x02, 0x01, 0x00, 0x00, 0x80, 0x01, 0x00, 0x07,
	0x80, 0x0e, 0x01, 0x00, 0x80, 0x02, 0x00, 0x02, 0x80, 0x03, 0x00, 0x01,
	0x80, 0x04, 0x00, 0x0e, 0x80, 0x0b, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x04,
	0x00, 0x00, 0x70, 0x80,
	/* 128: transform 3, last, 36: 3DES, SHA1, PSK, group 2 */
	0x00, 0x00, 0x00, 0x24, 0x03, 0x01, 0x00, 0x00, 0x80, 0x01, 0x00, 0x05,
	0x80, 0x02, 0x00, 0x02, 0x80, 0x03, 0x00, 0x01, 0x80, 0x04, 0x00, 0x02,
	0x80, 0x0b, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x04, 0x00, 0x00, 0x70, 0x80,
	/* 164: VID RFC 3947 */
	0x0d, 0x00, 0x00, 0x14, 0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
	0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f,
	/* 184: VID draft-ietf-ipsec-nat-t-ike-02\n */
	0x0d, 0x00, 0x00, 0x14, 0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e,
	0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b, 0x1f,
	/* 204: VID DPD 1.0, last */
	0x00, 0x00, 0x00, 0x14, 0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
	0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
};
/* clang-format on */

/* Offsets into mm1 the malformed cases patch. */
#define MM1_SA      28
#define MM1_PROP    40
#define MM1_NXFORM  47
#define MM1_T1      48
#define MM1_T3      128
#define MM1_T3_LIFE 156
#define MM1_VID3    204

/* Quick Mode message 1 header: E flag, message ID, length 28 + 208. */
/* clang-format off */
static const uint8_t qm1_hdr[] = {
	0x5f, 0x0c, 0x21, 0x9a, 0x3e, 0x17, 0x88, 0x41, 0xc4, 0x02, 0x7e, 0x51,
	0x90, 0xaa, 0x13, 0x6d, 0x08, 0x10, 0x20, 0x01, 0x4f, 0x1c, 0x2e, 0x3d,
	0x00, 0x00, 0x00, 0xec,
};
/* clang-format on */

/*
 * Its decrypted body: HASH(1), SA with ESP-AES + IPComp (AND, both
 * proposal 1) or ESP-3DES (proposal 2), Ni, IDci, IDcr, then CBC padding.
 */
/* clang-format off */
static const uint8_t qm1_body[] = {
	/* 0: HASH, next SA, 24 */
	0x01, 0x00, 0x00, 0x18, 0x7a, 0x31, 0x0e, 0x95, 0xc2, 0x44, 0x18, 0x60,
	0x5b, 0x9d, 0x22, 0xe0, 0x04, 0x8f, 0x71, 0x3c, 0xaa, 0x09, 0x6e, 0xd3,
	/* 24: SA, next NONCE, 118 */
	0x0a, 0x00, 0x00, 0x76, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	/* 36: proposal 1 ESP, SPI 4, 1 transform, 44 */
	0x02, 0x00, 0x00, 0x2c, 0x01, 0x03, 0x04, 0x01, 0xc1, 0x5e, 0x70, 0x0a,
	/* 48: ESP_AES_CBC: seconds, 3600 TLV, tunnel, HMAC-SHA, 128 bits */
	0x00, 0x00, 0x00, 0x20, 0x01, 0x0c, 0x00, 0x00, 0x80, 0x01, 0x00, 0x01,
	0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x0e, 0x10, 0x80, 0x04, 0x00, 0x01,
	0x80, 0x05, 0x00, 0x02, 0x80, 0x06, 0x00, 0x80,
	/* 80: proposal 1 IPComp, CPI 0x1234, 1 transform, 22 */
	0x02, 0x00, 0x00, 0x16, 0x01, 0x04, 0x02, 0x01, 0x12, 0x34,
	/* 90: IPCOMP_DEFLATE, tunnel */
	0x00, 0x00, 0x00, 0x0c, 0x01, 0x02, 0x00, 0x00, 0x80, 0x04, 0x00, 0x01,
	/* 102: proposal 2 ESP, last, 40 */
	0x00, 0x00, 0x00, 0x28, 0x02, 0x03, 0x04, 0x01, 0xc1, 0x5e, 0x70, 0x0b,
	/* 114: ESP_3DES: seconds, 3600, tunnel, HMAC-SHA */
	0x00, 0x00, 0x00, 0x1c, 0x01, 0x03, 0x00, 0x00, 0x80, 0x01, 0x00, 0x01,
	0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x0e, 0x10, 0x80, 0x04, 0x00, 0x01,
	0x80, 0x05, 0x00, 0x02,
	/* 142: NONCE, next ID, 20 */
	0x05, 0x00, 0x00, 0x14, 0x3b, 0x8e, 0x61, 0x02, 0xd7, 0x4c, 0x90, 0x1f,
	0x66, 0x2a, 0xe1, 0x5d, 0x88, 0x07, 0xc3, 0x49,
	/* 162: IDci 10.1.0.0/16, next ID */
	0x05, 0x00, 0x00, 0x10, 0x04, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x00, 0x00,
	0xff, 0xff, 0x00, 0x00,
	/* 178: IDcr 10.2.0.0/16, last */
	0x00, 0x00, 0x00, 0x10, 0x04, 0x00, 0x00, 0x00, 0x0a, 0x02, 0x00, 0x00,
	0xff, 0xff, 0x00, 0x00,
	/* 194: padding to 16 octets, last octet the pad length */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x0d,
};
/* clang-format on */
#define QM1_END 194

/* Informational: HDR*, HASH, N(R-U-THERE, seq 6699); body decrypted. */
/* clang-format off */
static const uint8_t dpd_hdr[] = {
	0x5f, 0x0c, 0x21, 0x9a, 0x3e, 0x17, 0x88, 0x41, 0xc4, 0x02, 0x7e, 0x51,
	0x90, 0xaa, 0x13, 0x6d, 0x08, 0x10, 0x05, 0x01, 0x9a, 0x1b, 0x2c, 0x3d,
	0x00, 0x00, 0x00, 0x5c,
};
/* clang-format on */

/* clang-format off */
static const uint8_t dpd_body[] = {
	/* 0: HASH, next N, 24 */
	0x0b, 0x00, 0x00, 0x18, 0x11, 0x52, 0x9e, 0x03, 0x4d, 0x7b, 0xe8, 0x20,
	0x35, 0xc6, 0x0f, 0x91, 0x72, 0xbd, 0x44, 0x08, 0xe9, 0x56, 0x1a, 0x8c,
	/* 24: N, last, 32: DOI 1, ISAKMP, SPI 16, R-U-THERE */
	0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x01, 0x01, 0x10, 0x8d, 0x28,
	0x5f, 0x0c, 0x21, 0x9a, 0x3e, 0x17, 0x88, 0x41, 0xc4, 0x02, 0x7e, 0x51,
	0x90, 0xaa, 0x13, 0x6d, 0x00, 0x00, 0x1a, 0x2b,
	/* 56: padding */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
};
/* clang-format on */
#define DPD_END 56

/* Parses a copy on the heap of exactly len octets. */
static enum ike_pld_err
parse_copy(const uint8_t *pkt, size_t len)
{
	struct ike_msg m;
	uint8_t *p = malloc(len != 0 ? len : 1);
	enum ike_pld_err err;

	assert_non_null(p);
	memcpy(p, pkt, len);
	err = ike_pld_parse(&m, p, len);
	free(p);
	return err;
}

/*
 * Runs step 1 on the datagram as received (header + full body standing in
 * for the ciphertext), then step 2 on a heap copy of the first n octets of
 * the decrypted body.
 */
static enum ike_pld_err
walk_copy(const uint8_t *hdr, const uint8_t *body, size_t full, size_t n)
{
	struct ike_msg m;
	uint8_t *pkt = malloc(IKE_HDR_LEN + full);
	uint8_t *p = malloc(n != 0 ? n : 1);
	enum ike_pld_err err;

	assert_non_null(pkt);
	assert_non_null(p);
	memcpy(pkt, hdr, IKE_HDR_LEN);
	memcpy(pkt + IKE_HDR_LEN, body, full);
	assert_int_equal(ike_pld_header(&m, pkt, IKE_HDR_LEN + full),
	                 IKE_PLD_OK);
	memcpy(p, body, n);
	err = ike_pld_walk(&m, p, n, 0, IKE_PLD_F_PADDED);
	free(p);
	free(pkt);
	return err;
}

static void
set32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A hand-made message: header then one payload of the given body. */
static size_t
one_pld(uint8_t *out, uint8_t exch, uint32_t msgid, uint8_t type,
        const uint8_t *body, size_t len)
{
	memcpy(out, mm1, IKE_HDR_LEN);
	out[IKE_HDR_NEXT_OFF] = type;
	out[18] = exch;
	set32(out + 20, msgid);
	out[IKE_HDR_LEN] = IKE_PLD_NONE;
	out[IKE_HDR_LEN + 1] = 0;
	set16(out + IKE_HDR_LEN + 2, (uint16_t)(len + IKE_GEN_LEN));
	memcpy(out + IKE_HDR_LEN + IKE_GEN_LEN, body, len);
	set32(out + IKE_HDR_LEN_OFF, (uint32_t)(IKE_HDR_LEN + 4 + len));
	return IKE_HDR_LEN + IKE_GEN_LEN + len;
}

/* Parses a one-payload Main Mode message (Informational: no SA rules). */
static enum ike_pld_err
one(uint8_t type, const uint8_t *body, size_t len)
{
	uint8_t buf[600];
	size_t n;

	assert_true(len + 32 <= sizeof(buf));
	n = one_pld(buf, IKE_XCHG_INFO, 7, type, body, len);
	return parse_copy(buf, n);
}

/* Patches one octet of mm1 and parses the result. */
static enum ike_pld_err
mm1_patch(size_t off, uint8_t v)
{
	uint8_t buf[sizeof(mm1)];

	memcpy(buf, mm1, sizeof(buf));
	buf[off] = v;
	return parse_copy(buf, sizeof(buf));
}

static void
desc_table(void **state)
{
	static const uint8_t top[] = {
	    IKE_PLD_SA,     IKE_PLD_KE,         IKE_PLD_ID,
	    IKE_PLD_CERT,   IKE_PLD_CR,         IKE_PLD_HASH,
	    IKE_PLD_SIG,    IKE_PLD_NONCE,      IKE_PLD_NOTIFY,
	    IKE_PLD_DELETE, IKE_PLD_VID,        IKE_PLD_NATD,
	    IKE_PLD_NATOA,  IKE_PLD_NATD_DRAFT, IKE_PLD_NATOA_DRAFT};
	const struct ike_pld_desc *d;
	unsigned int i, n = 0;

	(void)state;
	for (i = 0; i < sizeof(top); i++) {
		d = ike_pld_desc(top[i]);
		assert_non_null(d);
		assert_int_equal(d->type, top[i]);
		assert_true(d->top);
		assert_string_equal(ike_pld_name(top[i]), d->name);
	}
	for (i = 0; i < 256; i++)
		if (ike_pld_desc((uint8_t)i) != NULL &&
		    ike_pld_desc((uint8_t)i)->top)
			n++;
	assert_int_equal(n, sizeof(top));
	assert_int_equal(n, IKE_PLD_NSLOTS);
	assert_false(ike_pld_desc(IKE_PLD_PROPOSAL)->top);
	assert_false(ike_pld_desc(IKE_PLD_TRANSFORM)->top);
	assert_null(ike_pld_desc(14));
	assert_null(ike_pld_desc(IKE_PLD_NONE));
	assert_string_equal(ike_pld_name(200), "unknown");
	assert_int_equal(ike_pld_desc(IKE_PLD_NONCE)->min_data, 8);
	assert_int_equal(ike_pld_desc(IKE_PLD_NONCE)->max_data, 256);
	assert_int_equal(ike_pld_desc(IKE_PLD_NOTIFY)->fixed,
	                 sizeof(struct ike_wire_notify));
	assert_int_equal(ike_pld_phase(IKE_XCHG_IDPROT), IKE_PHASE_1);
	assert_int_equal(ike_pld_phase(IKE_XCHG_AGGRESSIVE), IKE_PHASE_1);
	assert_int_equal(ike_pld_phase(IKE_XCHG_QUICK), IKE_PHASE_2);
	assert_int_equal(ike_pld_phase(IKE_XCHG_INFO), IKE_PHASE_ANY);
}

static void
err_helpers(void **state)
{
	struct ike_msg m;

	(void)state;
	assert_int_equal(ike_pld_err_notify(IKE_PLD_ERR_PAYLOAD_MALFORMED), 16);
	assert_int_equal(
	    ike_pld_err_notify(IKE_PLD_ERR_UNEQUAL_PAYLOAD_LENGTHS), 30);
	assert_int_equal(ike_pld_err_notify(IKE_PLD_ERR_INVALID_MAJOR_VERSION),
	                 5);
	assert_int_equal(ike_pld_err_notify(IKE_PLD_DROP), 0);
	assert_int_equal(ike_pld_err_notify(IKE_PLD_OK), 0);
	assert_string_equal(ike_pld_err_str(IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX),
	                    "BAD-PROPOSAL-SYNTAX");
	assert_string_equal(ike_pld_err_str(IKE_PLD_DROP), "drop");
	assert_string_equal(ike_pld_err_str((enum ike_pld_err)31),
	                    "unknown error");
	memset(&m, 0, sizeof(m));
	assert_true(ike_pld_err_may_notify(&m, IKE_PLD_ERR_INVALID_FLAGS));
	assert_false(ike_pld_err_may_notify(&m, IKE_PLD_DROP));
	assert_false(ike_pld_err_may_notify(&m, IKE_PLD_ERR_INVALID_COOKIE));
	m.err_type = IKE_PLD_DELETE;
	assert_false(ike_pld_err_may_notify(&m, IKE_PLD_ERR_INVALID_SPI));
	m.err_type = IKE_PLD_SA;
	assert_true(ike_pld_err_may_notify(&m, IKE_PLD_ERR_INVALID_SPI));
}

/* Checks one attribute's type and numeric value. */
static void
expect_attr(struct ike_xform *x, uint16_t type, uint64_t val, int tv)
{
	struct ike_attr a;
	uint64_t v;

	assert_int_equal(ike_pld_xform_next(x, &a), IKE_PLD_OK);
	assert_int_equal(a.type, type);
	assert_int_equal(a.tv, tv);
	assert_int_equal(ike_pld_attr_value(&a, &v), IKE_PLD_OK);
	assert_int_equal(v, val);
}

static void
mm1_decode(void **state)
{
	static const uint16_t enc[] = {IKE_ENC_AES_CBC, IKE_ENC_AES_CBC,
	                               IKE_ENC_3DES_CBC};
	static const uint16_t hash[] = {IKE_HASH_SHA2_256, IKE_HASH_SHA,
	                                IKE_HASH_SHA};
	static const uint16_t keylen[] = {128, 256, 0};
	static const uint16_t group[] = {14, 14, 2};
	static const char *const vids[] = {IKE_VID_RFC3947,
	                                   IKE_VID_NATT_DRAFT_02N, IKE_VID_DPD};
	struct ike_msg m;
	struct ike_sa sa;
	struct ike_prop p;
	struct ike_xform x;
	struct ike_data d;
	const struct ike_pld *pl;
	unsigned int i;

	(void)state;
	assert_int_equal(ike_pld_parse(&m, mm1, sizeof(mm1)), IKE_PLD_OK);
	assert_memory_equal(m.hdr.icookie, icky, 8);
	assert_int_equal(m.hdr.exchange, IKE_XCHG_IDPROT);
	assert_int_equal(m.hdr.version, IKE_VERSION);
	assert_int_equal(m.hdr.length, sizeof(mm1));
	assert_int_equal(m.nchain, 4);
	assert_int_equal(m.end, sizeof(mm1));
	assert_int_equal(ike_pld_count(&m, IKE_PLD_SA), 1);
	assert_int_equal(ike_pld_count(&m, IKE_PLD_VID), 3);
	assert_int_equal(ike_pld_count(&m, IKE_PLD_KE), 0);
	assert_int_equal(ike_pld_count(&m, IKE_PLD_PROPOSAL), 0);
	assert_null(ike_pld_get(&m, IKE_PLD_VID, 3));
	assert_null(ike_pld_nth(&m, 4));
	pl = ike_pld_get(&m, IKE_PLD_SA, 0);
	assert_int_equal(pl->hdr, MM1_SA);
	assert_int_equal(pl->len, 132);
	assert_int_equal(pl->pos, 0);
	assert_ptr_equal(ike_pld_nth(&m, 0), pl);
	assert_int_equal(
	    ike_pld_sa(ike_pld_body(&m, pl), pl->len, IKE_PHASE_1, &sa),
	    IKE_PLD_OK);
	assert_int_equal(sa.doi, IKE_DOI_IPSEC);
	assert_int_equal(sa.situation, IKE_SIT_IDENTITY_ONLY);
	assert_int_equal(sa.nprop, 1);
	assert_int_equal(ike_pld_sa_next(&sa, &p), IKE_PLD_OK);
	assert_int_equal(p.proto, IKE_PROTO_ISAKMP);
	assert_int_equal(p.spi_size, 0);
	assert_int_equal(p.nxform, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(ike_pld_prop_next(&p, &x), IKE_PLD_OK);
		assert_int_equal(x.num, i + 1);
		assert_int_equal(x.id, IKE_KEY_IKE);
		assert_int_equal(x.nattr, keylen[i] ? 7 : 6);
		expect_attr(&x, IKE_ATTR_ENC_ALG, enc[i], 1);
		if (keylen[i])
			expect_attr(&x, IKE_ATTR_KEY_LENGTH, keylen[i], 1);
		expect_attr(&x, IKE_ATTR_HASH_ALG, hash[i], 1);
		expect_attr(&x, IKE_ATTR_AUTH_METHOD, IKE_AUTH_PSK, 1);
		expect_attr(&x, IKE_ATTR_GROUP_DESC, group[i], 1);
		expect_attr(&x, IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS, 1);
		expect_attr(&x, IKE_ATTR_LIFE_DURATION, 28800, 0);
	}
	/* Past the end, iterators refuse rather than read on. */
	assert_int_equal(ike_pld_prop_next(&p, &x),
	                 IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX);
	assert_int_equal(ike_pld_sa_next(&sa, &p),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	for (i = 0; i < 3; i++) {
		pl = ike_pld_get(&m, IKE_PLD_VID, i);
		assert_int_equal(pl->pos, i + 1);
		assert_int_equal(ike_pld_data(IKE_PLD_VID, ike_pld_body(&m, pl),
		                              pl->len, &d),
		                 IKE_PLD_OK);
		assert_int_equal(d.len, IKE_VID_LEN);
		assert_memory_equal(d.data, vids[i], IKE_VID_LEN);
	}
	assert_int_equal(ike_pld_get(&m, IKE_PLD_VID, 2)->hdr, MM1_VID3);
}

/* The Quick Mode SA: ESP AND IPComp as proposal 1, ESP alone as 2. */
static void
qm1_check_sa(const struct ike_msg *m)
{
	const struct ike_pld *pl = ike_pld_get(m, IKE_PLD_SA, 0);
	struct ike_sa sa;
	struct ike_prop p;
	struct ike_xform x;

	assert_int_equal(
	    ike_pld_sa(ike_pld_body(m, pl), pl->len, IKE_PHASE_2, &sa),
	    IKE_PLD_OK);
	assert_int_equal(sa.nprop, 3);
	assert_int_equal(ike_pld_sa_next(&sa, &p), IKE_PLD_OK);
	assert_int_equal(p.num, 1);
	assert_int_equal(p.proto, IKE_PROTO_IPSEC_ESP);
	assert_int_equal(p.spi_size, 4);
	assert_memory_equal(p.spi, "\xc1\x5e\x70\x0a", 4);
	assert_int_equal(ike_pld_prop_next(&p, &x), IKE_PLD_OK);
	assert_int_equal(x.id, IKE_ESP_AES_CBC);
	assert_int_equal(x.nattr, 5);
	expect_attr(&x, IKE_IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS, 1);
	expect_attr(&x, IKE_IPSEC_ATTR_LIFE_DURATION, 3600, 0);
	expect_attr(&x, IKE_IPSEC_ATTR_ENCAP_MODE, IKE_ENCAP_TUNNEL, 1);
	expect_attr(&x, IKE_IPSEC_ATTR_AUTH_ALG, IKE_AUTH_HMAC_SHA, 1);
	expect_attr(&x, IKE_IPSEC_ATTR_KEY_LENGTH, 128, 1);
	assert_int_equal(ike_pld_sa_next(&sa, &p), IKE_PLD_OK);
	assert_int_equal(p.num, 1);
	assert_int_equal(p.proto, IKE_PROTO_IPCOMP);
	assert_int_equal(p.spi_size, 2);
	assert_memory_equal(p.spi, "\x12\x34", 2);
	assert_int_equal(ike_pld_prop_next(&p, &x), IKE_PLD_OK);
	assert_int_equal(x.id, IKE_IPCOMP_DEFLATE);
	assert_int_equal(ike_pld_sa_next(&sa, &p), IKE_PLD_OK);
	assert_int_equal(p.num, 2);
	assert_int_equal(ike_pld_prop_next(&p, &x), IKE_PLD_OK);
	assert_int_equal(x.id, IKE_ESP_3DES);
	/* The same SA is not a phase 1 SA. */
	assert_int_equal(
	    ike_pld_sa(ike_pld_body(m, pl), pl->len, IKE_PHASE_1, &sa),
	    IKE_PLD_ERR_INVALID_PROTOCOL_ID);
}

static void
qm1_decode(void **state)
{
	uint8_t pkt[sizeof(qm1_hdr) + sizeof(qm1_body)];
	struct ike_msg m;
	struct ike_id id;
	struct ike_data d;
	const struct ike_pld *pl;
	static const uint8_t net1[] = {10, 1, 0, 0, 255, 255, 0, 0};

	(void)state;
	memcpy(pkt, qm1_hdr, sizeof(qm1_hdr));
	memcpy(pkt + sizeof(qm1_hdr), qm1_body, sizeof(qm1_body));
	/* Step 1 on the datagram as received (the body is ciphertext). */
	assert_int_equal(ike_pld_header(&m, pkt, sizeof(pkt)), IKE_PLD_OK);
	assert_int_equal(m.hdr.exchange, IKE_XCHG_QUICK);
	assert_int_equal(m.hdr.flags, IKE_FLAG_E);
	assert_int_equal(m.hdr.msgid, 0x4f1c2e3d);
	assert_memory_equal(m.hdr.rcookie, rcky, 8);
	assert_int_equal(ike_pld_parse(&m, pkt, sizeof(pkt)),
	                 IKE_PLD_ERR_INVALID_FLAGS);
	/* Step 2 on the plaintext, padding allowed after the chain. */
	assert_int_equal(ike_pld_header(&m, pkt, sizeof(pkt)), IKE_PLD_OK);
	assert_int_equal(
	    ike_pld_walk(&m, qm1_body, sizeof(qm1_body), 0, IKE_PLD_F_PADDED),
	    IKE_PLD_OK);
	assert_int_equal(m.end, QM1_END);
	assert_int_equal(ike_pld_walk(&m, qm1_body, sizeof(qm1_body), 0, 0),
	                 IKE_PLD_ERR_UNEQUAL_PAYLOAD_LENGTHS);
	assert_int_equal(
	    ike_pld_walk(&m, qm1_body, sizeof(qm1_body), 0, IKE_PLD_F_PADDED),
	    IKE_PLD_OK);
	assert_int_equal(ike_pld_nth(&m, 0)->type, IKE_PLD_HASH);
	assert_int_equal(ike_pld_count(&m, IKE_PLD_ID), 2);
	pl = ike_pld_get(&m, IKE_PLD_NONCE, 0);
	assert_int_equal(
	    ike_pld_data(IKE_PLD_NONCE, ike_pld_body(&m, pl), pl->len, &d),
	    IKE_PLD_OK);
	assert_int_equal(d.len, 16);
	pl = ike_pld_get(&m, IKE_PLD_ID, 0);
	assert_int_equal(ike_pld_id(ike_pld_body(&m, pl), pl->len, &id),
	                 IKE_PLD_OK);
	assert_int_equal(id.type, IKE_ID_IPV4_ADDR_SUBNET);
	assert_int_equal(id.len, 8);
	assert_memory_equal(id.data, net1, 8);
	qm1_check_sa(&m);
}

static void
dpd_decode(void **state)
{
	uint8_t pkt[sizeof(dpd_hdr) + sizeof(dpd_body)];
	struct ike_msg m;
	struct ike_notify n;
	const struct ike_pld *pl;
	uint32_t seq;

	(void)state;
	memcpy(pkt, dpd_hdr, sizeof(dpd_hdr));
	memcpy(pkt + sizeof(dpd_hdr), dpd_body, sizeof(dpd_body));
	assert_int_equal(ike_pld_header(&m, pkt, sizeof(pkt)), IKE_PLD_OK);
	assert_int_equal(m.hdr.exchange, IKE_XCHG_INFO);
	assert_int_equal(
	    ike_pld_walk(&m, dpd_body, sizeof(dpd_body), 0, IKE_PLD_F_PADDED),
	    IKE_PLD_OK);
	assert_int_equal(m.end, DPD_END);
	assert_int_equal(ike_pld_count(&m, IKE_PLD_HASH), 1);
	pl = ike_pld_get(&m, IKE_PLD_NOTIFY, 0);
	assert_non_null(pl);
	assert_int_equal(pl->pos, 1);
	assert_int_equal(ike_pld_notify(ike_pld_body(&m, pl), pl->len, &n),
	                 IKE_PLD_OK);
	assert_int_equal(n.type, IKE_N_R_U_THERE);
	assert_int_equal(n.proto, IKE_PROTO_ISAKMP);
	assert_int_equal(n.spi_size, 16);
	assert_memory_equal(n.spi, icky, 8);
	assert_memory_equal(n.spi + 8, rcky, 8);
	assert_int_equal(ike_pld_dpd(&n, &seq), IKE_PLD_OK);
	assert_int_equal(seq, 6699);
	n.len = 3;
	assert_int_equal(ike_pld_dpd(&n, &seq), IKE_PLD_ERR_PAYLOAD_MALFORMED);
	n.len = 4;
	n.spi_size = 8;
	assert_int_equal(ike_pld_dpd(&n, &seq), IKE_PLD_ERR_INVALID_SPI);
	n.spi_size = 16;
	n.type = IKE_N_INITIAL_CONTACT;
	assert_int_equal(ike_pld_dpd(&n, &seq), IKE_PLD_ERR_PAYLOAD_MALFORMED);
}

/* The three Main Mode transforms through the builder. */
static void
build_mm1_xform(struct ike_buf *b, uint8_t num, uint16_t enc, uint16_t keylen,
                uint16_t hash, uint16_t group)
{
	ike_build_xform(b, num, IKE_KEY_IKE);
	ike_build_attr(b, IKE_ATTR_ENC_ALG, enc);
	if (keylen)
		ike_build_attr(b, IKE_ATTR_KEY_LENGTH, keylen);
	ike_build_attr(b, IKE_ATTR_HASH_ALG, hash);
	ike_build_attr(b, IKE_ATTR_AUTH_METHOD, IKE_AUTH_PSK);
	ike_build_attr(b, IKE_ATTR_GROUP_DESC, group);
	ike_build_attr(b, IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	ike_build_attr(b, IKE_ATTR_LIFE_DURATION, 28800);
}

static void
build_mm1(void **state)
{
	struct ike_buf b;

	(void)state;
	ike_buf_init(&b);
	assert_int_equal(
	    ike_build_header(&b, icky, NULL, IKE_XCHG_IDPROT, 0, 0), 0);
	assert_int_equal(
	    ike_build_sa_begin(&b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY), 0);
	assert_int_equal(ike_build_prop(&b, 1, IKE_PROTO_ISAKMP, NULL, 0), 0);
	build_mm1_xform(&b, 1, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA2_256, 14);
	build_mm1_xform(&b, 2, IKE_ENC_AES_CBC, 256, IKE_HASH_SHA, 14);
	build_mm1_xform(&b, 3, IKE_ENC_3DES_CBC, 0, IKE_HASH_SHA, 2);
	assert_int_equal(ike_build_vid(&b, IKE_VID_RFC3947, IKE_VID_LEN), 0);
	assert_int_equal(ike_build_vid(&b, IKE_VID_NATT_DRAFT_02N, IKE_VID_LEN),
	                 0);
	assert_int_equal(ike_build_vid(&b, IKE_VID_DPD, IKE_VID_LEN), 0);
	assert_int_equal(ike_build_finish(&b), 0);
	assert_int_equal(b.len, sizeof(mm1));
	assert_memory_equal(b.data, mm1, sizeof(mm1));
	assert_int_equal(b.first, IKE_PLD_SA);
	ike_buf_free(&b);
	assert_null(b.data);
}

/* Builds the Quick Mode body; hash is filled in afterwards like HASH(1). */
static void
build_qm1_body(struct ike_buf *b)
{
	static const uint8_t spi1[] = {0xc1, 0x5e, 0x70, 0x0a};
	static const uint8_t spi2[] = {0xc1, 0x5e, 0x70, 0x0b};
	static const uint8_t cpi[] = {0x12, 0x34};

	ike_buf_init(b);
	ike_build_hash(b, NULL, 20);
	ike_build_sa_begin(b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY);
	ike_build_prop(b, 1, IKE_PROTO_IPSEC_ESP, spi1, 4);
	ike_build_xform(b, 1, IKE_ESP_AES_CBC);
	ike_build_attr(b, IKE_IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	ike_build_attr(b, IKE_IPSEC_ATTR_LIFE_DURATION, 3600);
	ike_build_attr(b, IKE_IPSEC_ATTR_ENCAP_MODE, IKE_ENCAP_TUNNEL);
	ike_build_attr(b, IKE_IPSEC_ATTR_AUTH_ALG, IKE_AUTH_HMAC_SHA);
	ike_build_attr(b, IKE_IPSEC_ATTR_KEY_LENGTH, 128);
	ike_build_prop(b, 1, IKE_PROTO_IPCOMP, cpi, 2);
	ike_build_xform(b, 1, IKE_IPCOMP_DEFLATE);
	ike_build_attr(b, IKE_IPSEC_ATTR_ENCAP_MODE, IKE_ENCAP_TUNNEL);
	ike_build_prop(b, 2, IKE_PROTO_IPSEC_ESP, spi2, 4);
	ike_build_xform(b, 1, IKE_ESP_3DES);
	ike_build_attr(b, IKE_IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	ike_build_attr(b, IKE_IPSEC_ATTR_LIFE_DURATION, 3600);
	ike_build_attr(b, IKE_IPSEC_ATTR_ENCAP_MODE, IKE_ENCAP_TUNNEL);
	ike_build_attr(b, IKE_IPSEC_ATTR_AUTH_ALG, IKE_AUTH_HMAC_SHA);
	ike_build_sa_end(b);
	ike_build_nonce(b, qm1_body + 146, 16);
	ike_build_id(b, IKE_ID_IPV4_ADDR_SUBNET, 0, 0, qm1_body + 170, 8);
	ike_build_id(b, IKE_ID_IPV4_ADDR_SUBNET, 0, 0, qm1_body + 186, 8);
}

static void
build_qm1(void **state)
{
	struct ike_buf body, pkt;

	(void)state;
	build_qm1_body(&body);
	assert_int_equal(ike_build_finish(&body), 0);
	assert_int_equal(body.first, IKE_PLD_HASH);
	assert_int_equal(ike_buf_last_body(&body), 182);
	assert_int_equal(body.len, QM1_END);
	/* HASH(1) covers what follows it; fill it in now. */
	memcpy(body.data + 4, qm1_body + 4, 20);
	assert_memory_equal(body.data, qm1_body, QM1_END);
	/* The sent message: header, then the (here pretend) ciphertext. */
	ike_buf_init(&pkt);
	assert_int_equal(ike_build_header(&pkt, icky, rcky, IKE_XCHG_QUICK,
	                                  IKE_FLAG_E, 0x4f1c2e3d),
	                 0);
	assert_int_equal(
	    ike_build_raw(&pkt, body.first, qm1_body, sizeof(qm1_body)), 0);
	assert_int_equal(ike_build_finish(&pkt), 0);
	assert_int_equal(pkt.len, sizeof(qm1_hdr) + sizeof(qm1_body));
	assert_memory_equal(pkt.data, qm1_hdr, sizeof(qm1_hdr));
	/* Nothing may follow a raw chain. */
	assert_int_equal(ike_build_vid(&pkt, IKE_VID_DPD, IKE_VID_LEN), -1);
	assert_int_equal(ike_build_finish(&pkt), -1);
	ike_buf_free(&pkt);
	ike_buf_free(&body);
}

/* Builds one payload of every type into an Informational message. */
static void
build_all(struct ike_buf *b)
{
	static const uint8_t ke[128] = {0x42};
	static const uint8_t sig[64] = {0x5a};
	static const uint8_t cert[40] = {0x30, 0x26};
	static const uint8_t prime[96] = {0xff, 0xff};
	static const uint8_t spis[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};

	ike_buf_init(b);
	ike_build_header(b, icky, rcky, IKE_XCHG_INFO, 0, 0x11223344);
	ike_build_sa_begin(b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY);
	ike_build_prop(b, 1, IKE_PROTO_ISAKMP, NULL, 0);
	ike_build_xform(b, 1, IKE_KEY_IKE);
	ike_build_attr(b, IKE_ATTR_LIFE_DURATION, 0x123456789aULL);
	ike_build_attr_var(b, IKE_ATTR_GROUP_PRIME, prime, sizeof(prime));
	ike_build_attr(b, 0x7000, 70000);
	ike_build_ke(b, ke, sizeof(ke));
	ike_build_id(b, IKE_ID_FQDN, 17, 500, "vpn.example.org", 15);
	ike_build_cert(b, IKE_PLD_CERT, IKE_CERT_X509_SIG, cert, sizeof(cert));
	ike_build_cert(b, IKE_PLD_CR, IKE_CERT_X509_SIG, NULL, 0);
	ike_build_hash(b, "0123456789abcdefghij", 20);
	ike_build_sig(b, sig, sizeof(sig));
	ike_build_nonce(b, "01234567", 8);
	ike_build_notify(b, IKE_DOI_IPSEC, IKE_PROTO_IPSEC_ESP,
	                 IKE_N_RESPONDER_LIFETIME, "\xc1\x5e\x70\x0a", 4,
	                 "\x80\x01\x00\x01", 4);
	ike_build_delete(b, IKE_DOI_IPSEC, IKE_PROTO_IPSEC_ESP, 4, spis, 3);
	ike_build_vid(b, IKE_VID_RFC3947, IKE_VID_LEN);
	ike_build_natd(b, IKE_PLD_NATD, "abcdefghijklmnopqrst", 20);
	ike_build_natoa(b, IKE_PLD_NATOA, IKE_ID_IPV4_ADDR, "\xc0\xa8\x01\x02",
	                4);
	ike_build_natd(b, IKE_PLD_NATD_DRAFT, "0123456789012345", 16);
	ike_build_natoa(b, IKE_PLD_NATOA_DRAFT, IKE_ID_IPV6_ADDR, v6,
	                sizeof(v6));
}

/* Decodes the SA build_all() made, down to its three attributes. */
static void
check_all_sa(const struct ike_msg *m)
{
	const struct ike_pld *pl = ike_pld_get(m, IKE_PLD_SA, 0);
	struct ike_sa sa;
	struct ike_prop p;
	struct ike_xform x;
	struct ike_attr a;
	uint64_t v;

	assert_int_equal(
	    ike_pld_sa(ike_pld_body(m, pl), pl->len, IKE_PHASE_1, &sa),
	    IKE_PLD_OK);
	assert_int_equal(ike_pld_sa_next(&sa, &p), IKE_PLD_OK);
	assert_int_equal(ike_pld_prop_next(&p, &x), IKE_PLD_OK);
	assert_int_equal(x.nattr, 3);
	expect_attr(&x, IKE_ATTR_LIFE_DURATION, 0x123456789aULL, 0);
	assert_int_equal(ike_pld_xform_next(&x, &a), IKE_PLD_OK);
	assert_int_equal(a.type, IKE_ATTR_GROUP_PRIME);
	assert_int_equal(a.len, 96);
	assert_int_equal(a.data[0], 0xff);
	assert_int_equal(ike_pld_attr_value(&a, &v),
	                 IKE_PLD_ERR_ATTRIBUTES_NOT_SUPPORTED);
	/* Unknown and over 16 bits: TLV. */
	expect_attr(&x, 0x7000, 70000, 0);
	assert_int_equal(ike_pld_xform_next(&x, &a),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
}

/* The body and length of the first payload of a type. */
static const uint8_t *
body_of(const struct ike_msg *m, uint8_t type, size_t *len)
{
	const struct ike_pld *pl = ike_pld_get(m, type, 0);

	assert_non_null(pl);
	*len = pl->len;
	return ike_pld_body(m, pl);
}

static void
roundtrip_all(void **state)
{
	struct ike_buf b;
	struct ike_msg m;
	const uint8_t *body;
	size_t len;
	struct ike_id id;
	struct ike_cert c;
	struct ike_notify n;
	struct ike_delete d;
	struct ike_natoa o;
	struct ike_data dt;

	(void)state;
	build_all(&b);
	assert_int_equal(ike_build_finish(&b), 0);
	assert_int_equal(ike_pld_parse(&m, b.data, b.len), IKE_PLD_OK);
	assert_int_equal(m.nchain, IKE_PLD_NSLOTS);
	check_all_sa(&m);
	body = body_of(&m, IKE_PLD_KE, &len);
	assert_int_equal(ike_pld_data(IKE_PLD_KE, body, len, &dt), IKE_PLD_OK);
	assert_int_equal(dt.len, 128);
	assert_int_equal(dt.data[0], 0x42);
	body = body_of(&m, IKE_PLD_ID, &len);
	assert_int_equal(ike_pld_id(body, len, &id), IKE_PLD_OK);
	assert_int_equal(id.type, IKE_ID_FQDN);
	assert_int_equal(id.proto, 17);
	assert_int_equal(id.port, 500);
	assert_memory_equal(id.data, "vpn.example.org", 15);
	body = body_of(&m, IKE_PLD_CERT, &len);
	assert_int_equal(ike_pld_cert(IKE_PLD_CERT, body, len, &c), IKE_PLD_OK);
	assert_int_equal(c.encoding, IKE_CERT_X509_SIG);
	assert_int_equal(c.len, 40);
	body = body_of(&m, IKE_PLD_CR, &len);
	assert_int_equal(ike_pld_cert(IKE_PLD_CR, body, len, &c), IKE_PLD_OK);
	assert_int_equal(c.len, 0);
	body = body_of(&m, IKE_PLD_HASH, &len);
	assert_int_equal(ike_pld_data(IKE_PLD_HASH, body, len, &dt),
	                 IKE_PLD_OK);
	assert_memory_equal(dt.data, "0123456789abcdefghij", 20);
	body = body_of(&m, IKE_PLD_SIG, &len);
	assert_int_equal(ike_pld_data(IKE_PLD_SIG, body, len, &dt), IKE_PLD_OK);
	assert_int_equal(dt.len, 64);
	body = body_of(&m, IKE_PLD_NONCE, &len);
	assert_int_equal(ike_pld_data(IKE_PLD_NONCE, body, len, &dt),
	                 IKE_PLD_OK);
	assert_int_equal(dt.len, 8);
	body = body_of(&m, IKE_PLD_NOTIFY, &len);
	assert_int_equal(ike_pld_notify(body, len, &n), IKE_PLD_OK);
	assert_int_equal(n.type, IKE_N_RESPONDER_LIFETIME);
	assert_int_equal(n.spi_size, 4);
	assert_memory_equal(n.spi, "\xc1\x5e\x70\x0a", 4);
	assert_int_equal(n.len, 4);
	assert_memory_equal(n.data, "\x80\x01\x00\x01", 4);
	body = body_of(&m, IKE_PLD_DELETE, &len);
	assert_int_equal(ike_pld_delete(body, len, &d), IKE_PLD_OK);
	assert_int_equal(d.nspi, 3);
	assert_memory_equal(ike_pld_delete_spi(&d, 2), "\x09\x0a\x0b\x0c", 4);
	assert_null(ike_pld_delete_spi(&d, 3));
	body = body_of(&m, IKE_PLD_VID, &len);
	assert_int_equal(ike_pld_data(IKE_PLD_VID, body, len, &dt), IKE_PLD_OK);
	assert_memory_equal(dt.data, IKE_VID_RFC3947, 16);
	body = body_of(&m, IKE_PLD_NATD, &len);
	assert_int_equal(ike_pld_data(IKE_PLD_NATD, body, len, &dt),
	                 IKE_PLD_OK);
	assert_int_equal(dt.len, 20);
	body = body_of(&m, IKE_PLD_NATOA, &len);
	assert_int_equal(ike_pld_natoa(IKE_PLD_NATOA, body, len, &o),
	                 IKE_PLD_OK);
	assert_int_equal(o.type, IKE_ID_IPV4_ADDR);
	assert_memory_equal(o.addr, "\xc0\xa8\x01\x02", 4);
	body = body_of(&m, IKE_PLD_NATD_DRAFT, &len);
	assert_int_equal(ike_pld_data(IKE_PLD_NATD_DRAFT, body, len, &dt),
	                 IKE_PLD_OK);
	assert_int_equal(dt.len, 16);
	body = body_of(&m, IKE_PLD_NATOA_DRAFT, &len);
	assert_int_equal(ike_pld_natoa(IKE_PLD_NATOA_DRAFT, body, len, &o),
	                 IKE_PLD_OK);
	assert_int_equal(o.len, 16);
	ike_buf_free(&b);
}

/* Every ID type with a valid size round-trips through ike_build_id(). */
static void
roundtrip_ids(void **state)
{
	static const struct {
		uint8_t type;
		size_t len;
	} ids[] = {
	    {IKE_ID_IPV4_ADDR, 4},       {IKE_ID_FQDN, 9},
	    {IKE_ID_USER_FQDN, 17},      {IKE_ID_IPV4_ADDR_SUBNET, 8},
	    {IKE_ID_IPV6_ADDR, 16},      {IKE_ID_IPV6_ADDR_SUBNET, 32},
	    {IKE_ID_IPV4_ADDR_RANGE, 8}, {IKE_ID_IPV6_ADDR_RANGE, 32},
	    {IKE_ID_DER_ASN1_DN, 30},    {IKE_ID_DER_ASN1_GN, 12},
	    {IKE_ID_KEY_ID, 5},
	};
	uint8_t data[32];
	struct ike_buf b;
	struct ike_msg m;
	struct ike_id id;
	const struct ike_pld *pl;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		ike_buf_init(&b);
		ike_build_header(&b, icky, rcky, IKE_XCHG_QUICK, 0, 99);
		ike_build_id(&b, ids[i].type, 6, 443, data, ids[i].len);
		assert_int_equal(ike_build_finish(&b), 0);
		assert_int_equal(ike_pld_parse(&m, b.data, b.len), IKE_PLD_OK);
		pl = ike_pld_get(&m, IKE_PLD_ID, 0);
		assert_int_equal(ike_pld_id(ike_pld_body(&m, pl), pl->len, &id),
		                 IKE_PLD_OK);
		assert_int_equal(id.type, ids[i].type);
		assert_int_equal(id.port, 443);
		assert_int_equal(id.len, ids[i].len);
		assert_memory_equal(id.data, data, ids[i].len);
		ike_buf_free(&b);
		/* One octet short or long is refused by the builder. */
		ike_buf_init(&b);
		ike_build_header(&b, icky, rcky, IKE_XCHG_QUICK, 0, 99);
		if (ids[i].len == 4 || ids[i].len == 8 || ids[i].len >= 16)
			assert_int_equal(ike_build_id(&b, ids[i].type, 0, 0,
			                              data, ids[i].len - 1),
			                 ids[i].type <=
			                             IKE_ID_IPV6_ADDR_RANGE &&
			                         ids[i].type != IKE_ID_FQDN &&
			                         ids[i].type != IKE_ID_USER_FQDN
			                     ? -1
			                     : 0);
		ike_buf_free(&b);
	}
}

static void
build_errors(void **state)
{
	static const uint8_t n[300] = {0};
	struct ike_buf b;

	(void)state;
	/* Nonce sizes come from the descriptor (RFC 2409: 8..256). */
	ike_buf_init(&b);
	assert_int_equal(ike_build_nonce(&b, n, 7), -1);
	assert_int_equal(b.err, 1);
	assert_int_equal(ike_build_nonce(&b, n, 8), -1); /* sticky */
	ike_buf_free(&b);
	ike_buf_init(&b);
	assert_int_equal(ike_build_nonce(&b, n, 257), -1);
	ike_buf_free(&b);
	ike_buf_init(&b);
	assert_int_equal(ike_build_nonce(&b, n, 256), 0);
	assert_int_equal(ike_build_finish(&b), 0);
	assert_int_equal(b.len, 260);
	ike_buf_free(&b);
}

/* SA nesting and attribute forms the builder refuses. */
static void
build_errors_sa(void **state)
{
	struct ike_buf b;

	(void)state;
	/* SA structure. */
	ike_buf_init(&b);
	assert_int_equal(ike_build_prop(&b, 1, IKE_PROTO_ISAKMP, NULL, 0), -1);
	ike_buf_free(&b);
	ike_buf_init(&b);
	ike_build_sa_begin(&b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY);
	assert_int_equal(ike_build_xform(&b, 1, IKE_KEY_IKE), -1);
	ike_buf_free(&b);
	ike_buf_init(&b);
	ike_build_sa_begin(&b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY);
	ike_build_prop(&b, 1, IKE_PROTO_ISAKMP, NULL, 0);
	assert_int_equal(ike_build_finish(&b), -1); /* no transform */
	ike_buf_free(&b);
	ike_buf_init(&b);
	ike_build_sa_begin(&b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY);
	assert_int_equal(ike_build_sa_end(&b), -1); /* no proposal */
	ike_buf_free(&b);
	ike_buf_init(&b);
	ike_build_sa_begin(&b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY);
	ike_build_prop(&b, 1, IKE_PROTO_IPSEC_ESP, (const uint8_t *)"abcd", 4);
	ike_build_xform(&b, 1, IKE_ESP_AES_CBC);
	assert_int_equal(ike_build_attr(&b, IKE_IPSEC_ATTR_KEY_LENGTH, 65536),
	                 -1);
	ike_buf_free(&b);
	ike_buf_init(&b);
	ike_build_sa_begin(&b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY);
	ike_build_prop(&b, 1, IKE_PROTO_IPSEC_ESP, (const uint8_t *)"abcd", 4);
	ike_build_xform(&b, 1, IKE_ESP_AES_CBC);
	assert_int_equal(
	    ike_build_attr_var(&b, IKE_IPSEC_ATTR_ENCAP_MODE, "\x00\x01", 2),
	    -1);
	ike_buf_free(&b);
	/* An SPI size the decoder would refuse. */
	ike_buf_init(&b);
	ike_build_sa_begin(&b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY);
	ike_build_prop(&b, 1, IKE_PROTO_IPSEC_ESP, (const uint8_t *)"abc", 3);
	ike_build_xform(&b, 1, IKE_ESP_AES_CBC);
	assert_int_equal(ike_build_sa_end(&b), -1);
	ike_buf_free(&b);
}

/* Payload types, header order, sizes the decoder would refuse. */
static void
build_errors_misc(void **state)
{
	static const uint8_t n[300] = {0};
	struct ike_buf b;

	(void)state;
	/* Not top-level payloads, bad sub-types, header after payloads. */
	ike_buf_init(&b);
	assert_int_equal(ike_build_payload(&b, IKE_PLD_PROPOSAL, n, 8), -1);
	ike_buf_free(&b);
	ike_buf_init(&b);
	assert_int_equal(ike_build_natd(&b, IKE_PLD_VID, n, 16), -1);
	ike_buf_free(&b);
	ike_buf_init(&b);
	assert_int_equal(ike_build_cert(&b, IKE_PLD_HASH, 4, n, 16), -1);
	ike_buf_free(&b);
	ike_buf_init(&b);
	assert_int_equal(ike_build_natoa(&b, IKE_PLD_NATD, 1, n, 4), -1);
	ike_buf_free(&b);
	ike_buf_init(&b);
	ike_build_vid(&b, IKE_VID_DPD, IKE_VID_LEN);
	assert_int_equal(ike_build_header(&b, icky, rcky, 2, 0, 0), -1);
	ike_buf_free(&b);
	ike_buf_init(&b);
	assert_int_equal(ike_build_header(&b, NULL, rcky, 2, 0, 0), -1);
	ike_buf_free(&b);
	ike_buf_init(&b);
	assert_int_equal(
	    ike_build_delete(&b, IKE_DOI_IPSEC, IKE_PROTO_IPSEC_ESP, 4, n, 0),
	    -1);
	ike_buf_free(&b);
	/* A large message grows the buffer through several sizes. */
	ike_buf_init(&b);
	ike_build_header(&b, icky, rcky, IKE_XCHG_INFO, 0, 1);
	for (int i = 0; i < 16; i++)
		ike_build_ke(&b, n, sizeof(n));
	assert_int_equal(ike_build_finish(&b), 0);
	assert_int_equal(b.len, IKE_HDR_LEN + 16 * (sizeof(n) + 4));
	ike_buf_free(&b);
}

static void
bad_header(void **state)
{
	uint8_t buf[sizeof(mm1)];

	(void)state;
	assert_int_equal(parse_copy(mm1, 27), IKE_PLD_DROP);
	assert_int_equal(parse_copy(mm1, 0), IKE_PLD_DROP);
	assert_int_equal(mm1_patch(17, 0x20),
	                 IKE_PLD_ERR_INVALID_MAJOR_VERSION);
	assert_int_equal(mm1_patch(17, 0x00),
	                 IKE_PLD_ERR_INVALID_MAJOR_VERSION);
	assert_int_equal(mm1_patch(17, 0x11),
	                 IKE_PLD_ERR_INVALID_MINOR_VERSION);
	/* Header Length against the datagram, both ways. */
	assert_int_equal(mm1_patch(27, 0xe1),
	                 IKE_PLD_ERR_UNEQUAL_PAYLOAD_LENGTHS);
	assert_int_equal(mm1_patch(27, 0xdf),
	                 IKE_PLD_ERR_UNEQUAL_PAYLOAD_LENGTHS);
	assert_int_equal(mm1_patch(24, 0x01),
	                 IKE_PLD_ERR_UNEQUAL_PAYLOAD_LENGTHS);
	memcpy(buf, mm1, sizeof(buf));
	memset(buf, 0, 8);
	assert_int_equal(parse_copy(buf, sizeof(buf)),
	                 IKE_PLD_ERR_INVALID_COOKIE);
	assert_int_equal(mm1_patch(18, 0), IKE_PLD_ERR_INVALID_EXCHANGE_TYPE);
	assert_int_equal(mm1_patch(18, 31), IKE_PLD_ERR_INVALID_EXCHANGE_TYPE);
	assert_int_equal(mm1_patch(18, 243), IKE_PLD_ERR_INVALID_EXCHANGE_TYPE);
	assert_int_equal(mm1_patch(19, 0x08), IKE_PLD_ERR_INVALID_FLAGS);
	assert_int_equal(mm1_patch(19, IKE_FLAG_E), IKE_PLD_ERR_INVALID_FLAGS);
	assert_int_equal(mm1_patch(23, 1), IKE_PLD_ERR_INVALID_MESSAGE_ID);
	/* Quick Mode needs a message ID. */
	memcpy(buf, mm1, sizeof(buf));
	buf[18] = IKE_XCHG_QUICK;
	assert_int_equal(parse_copy(buf, sizeof(buf)),
	                 IKE_PLD_ERR_INVALID_MESSAGE_ID);
	assert_int_equal(mm1_patch(16, 0), IKE_PLD_ERR_INVALID_PAYLOAD_TYPE);
	assert_int_equal(mm1_patch(16, 14), IKE_PLD_ERR_INVALID_PAYLOAD_TYPE);
	assert_int_equal(mm1_patch(16, IKE_PLD_TRANSFORM),
	                 IKE_PLD_ERR_INVALID_PAYLOAD_TYPE);
}

static void
bad_chain(void **state)
{
	uint8_t buf[sizeof(mm1) + 8];
	struct ike_msg m;
	size_t i;

	(void)state;
	/* Payload length < 4, past the end, not ending the message. */
	assert_int_equal(mm1_patch(MM1_VID3 + 3, 3),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(mm1_patch(MM1_VID3 + 3, 0),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(mm1_patch(MM1_VID3 + 3, 0x15),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(mm1_patch(MM1_SA + 2, 0x01),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(mm1_patch(MM1_VID3 + 3, 0x13),
	                 IKE_PLD_ERR_UNEQUAL_PAYLOAD_LENGTHS);
	/* Unknown next payload: undefined, sub-payload, private. */
	assert_int_equal(mm1_patch(MM1_VID3, 14),
	                 IKE_PLD_ERR_INVALID_PAYLOAD_TYPE);
	assert_int_equal(mm1_patch(MM1_SA, IKE_PLD_PROPOSAL),
	                 IKE_PLD_ERR_INVALID_PAYLOAD_TYPE);
	assert_int_equal(mm1_patch(MM1_SA, 200),
	                 IKE_PLD_ERR_INVALID_PAYLOAD_TYPE);
	/* Non-zero RESERVED. */
	assert_int_equal(mm1_patch(MM1_VID3 + 1, 1),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(mm1_patch(MM1_SA + 1, 0x80),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	/* Where it failed is recorded for the notify decision. */
	memcpy(buf, mm1, sizeof(mm1));
	buf[MM1_VID3 + 1] = 1;
	assert_int_equal(ike_pld_parse(&m, buf, sizeof(mm1)),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(m.err_type, IKE_PLD_VID);
	assert_int_equal(m.err_off, MM1_VID3);
	/* Trailing octets after the last payload of a plaintext message. */
	memcpy(buf, mm1, sizeof(mm1));
	memset(buf + sizeof(mm1), 0, 8);
	set32(buf + IKE_HDR_LEN_OFF, sizeof(buf));
	assert_int_equal(parse_copy(buf, sizeof(buf)),
	                 IKE_PLD_ERR_UNEQUAL_PAYLOAD_LENGTHS);
	/* Walk start beyond the buffer. */
	assert_int_equal(ike_pld_header(&m, mm1, sizeof(mm1)), IKE_PLD_OK);
	assert_int_equal(ike_pld_walk(&m, mm1, 10, 20, 0),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	/* More payloads than we keep: dropped, not answered. */
	{
		struct ike_buf b;

		ike_buf_init(&b);
		ike_build_header(&b, icky, rcky, IKE_XCHG_INFO, 0, 5);
		for (i = 0; i <= IKE_PLD_MAX_PER_TYPE; i++)
			ike_build_vid(&b, IKE_VID_DPD, IKE_VID_LEN);
		assert_int_equal(ike_build_finish(&b), 0);
		assert_int_equal(ike_pld_parse(&m, b.data, b.len),
		                 IKE_PLD_DROP);
		ike_buf_free(&b);
		ike_buf_init(&b);
		ike_build_header(&b, icky, rcky, IKE_XCHG_INFO, 0, 5);
		for (i = 0; i <= IKE_PLD_MAX_CHAIN / 4; i++) {
			ike_build_vid(&b, IKE_VID_DPD, IKE_VID_LEN);
			ike_build_hash(&b, NULL, 20);
			ike_build_nonce(&b, NULL, 8);
			ike_build_ke(&b, NULL, 8);
		}
		assert_int_equal(ike_build_finish(&b), 0);
		assert_int_equal(ike_pld_parse(&m, b.data, b.len),
		                 IKE_PLD_DROP);
		ike_buf_free(&b);
	}
}

static void
bad_sa(void **state)
{
	uint8_t buf[sizeof(mm1)];

	(void)state;
	assert_int_equal(mm1_patch(MM1_SA + 7, 2),
	                 IKE_PLD_ERR_DOI_NOT_SUPPORTED);
	assert_int_equal(mm1_patch(MM1_SA + 11, 3),
	                 IKE_PLD_ERR_SITUATION_NOT_SUPPORTED);
	/* Attribute overflow: the last TLV claims 8 octets, 4 are left. */
	assert_int_equal(mm1_patch(MM1_T3_LIFE + 3, 8),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	/* A TLV in place of the last TV: its length runs past the end. */
	assert_int_equal(mm1_patch(MM1_T1 + 8, 0x00),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	/* Transform count against the chain, both ways, and none. */
	assert_int_equal(mm1_patch(MM1_NXFORM, 2),
	                 IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX);
	assert_int_equal(mm1_patch(MM1_NXFORM, 4),
	                 IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX);
	assert_int_equal(mm1_patch(MM1_NXFORM, 0),
	                 IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX);
	/* Transform Next Payload other than 3 or 0. */
	assert_int_equal(mm1_patch(MM1_T1, IKE_PLD_PROPOSAL),
	                 IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX);
	assert_int_equal(mm1_patch(MM1_T1 + 1, 1),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(mm1_patch(MM1_T1 + 7, 1),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(mm1_patch(MM1_T1 + 3, 0x07),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	/* Phase 1: KEY_IKE only, ISAKMP only, SPI size 0 or 16. */
	assert_int_equal(mm1_patch(MM1_T3 + 5, 2),
	                 IKE_PLD_ERR_INVALID_TRANSFORM_ID);
	assert_int_equal(mm1_patch(MM1_PROP + 5, IKE_PROTO_IPSEC_ESP),
	                 IKE_PLD_ERR_INVALID_SPI);
	assert_int_equal(mm1_patch(MM1_PROP + 5, 9),
	                 IKE_PLD_ERR_INVALID_PROTOCOL_ID);
	assert_int_equal(mm1_patch(MM1_PROP + 6, 4), IKE_PLD_ERR_INVALID_SPI);
	/* Proposal Next Payload says more follow, but the SA ends. */
	assert_int_equal(mm1_patch(MM1_PROP, IKE_PLD_PROPOSAL),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(mm1_patch(MM1_PROP, IKE_PLD_SA),
	                 IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX);
	/* Proposal shorter than its transforms. */
	assert_int_equal(mm1_patch(MM1_PROP + 3, 0x7b),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	memcpy(buf, mm1, sizeof(buf));
	buf[MM1_PROP + 3] = 0x04;
	assert_int_equal(parse_copy(buf, sizeof(buf)),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	/* A TLV basic attribute decodes but its value is refused. */
	{
		struct ike_attr a = {.type = IKE_ATTR_ENC_ALG,
		                     .proto = IKE_PROTO_ISAKMP,
		                     .data = (const uint8_t *)"\x00\x07",
		                     .len = 2};
		uint64_t v;

		assert_int_equal(ike_pld_attr_value(&a, &v),
		                 IKE_PLD_ERR_ATTRIBUTES_NOT_SUPPORTED);
		a.type = IKE_ATTR_LIFE_DURATION;
		assert_int_equal(ike_pld_attr_value(&a, &v), IKE_PLD_OK);
		assert_int_equal(v, 7);
		a.len = 0;
		assert_int_equal(ike_pld_attr_value(&a, &v),
		                 IKE_PLD_ERR_ATTRIBUTES_NOT_SUPPORTED);
	}
	assert_int_equal(ike_pld_attr_class(IKE_PROTO_ISAKMP, IKE_ATTR_PRF),
	                 IKE_ATTR_BASIC);
	assert_int_equal(ike_pld_attr_class(IKE_PROTO_IPSEC_ESP,
	                                    IKE_IPSEC_ATTR_LIFE_DURATION),
	                 IKE_ATTR_VAR);
	assert_int_equal(ike_pld_attr_class(IKE_PROTO_IPSEC_AH, 300),
	                 IKE_ATTR_UNKNOWN);
	assert_int_equal(ike_pld_attr_class(9, 1), IKE_ATTR_UNKNOWN);
}

/* Decodes a patched copy of the Quick Mode SA body in phase 2. */
static enum ike_pld_err
qm_sa_patch(size_t off, uint8_t v, int phase)
{
	uint8_t sa[118 - 4];
	struct ike_sa s;

	memcpy(sa, qm1_body + 28, sizeof(sa));
	if (off != 0)
		sa[off - 28] = v;
	return ike_pld_sa(sa, sizeof(sa), phase, &s);
}

static void
bad_sa_phase2(void **state)
{
	(void)state;
	assert_int_equal(qm_sa_patch(0, 0, IKE_PHASE_2), IKE_PLD_OK);
	assert_int_equal(qm_sa_patch(0, 0, IKE_PHASE_ANY), IKE_PLD_OK);
	/* SPI size inconsistent with the protocol. */
	assert_int_equal(qm_sa_patch(36 + 6, 3, IKE_PHASE_2),
	                 IKE_PLD_ERR_INVALID_SPI);
	assert_int_equal(qm_sa_patch(80 + 6, 16, IKE_PHASE_2),
	                 IKE_PLD_ERR_INVALID_SPI);
	/* Numbers must not go down; one protocol per AND bundle. */
	assert_int_equal(qm_sa_patch(102 + 4, 0, IKE_PHASE_2),
	                 IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX);
	assert_int_equal(qm_sa_patch(80 + 5, IKE_PROTO_IPSEC_ESP, IKE_PHASE_2),
	                 IKE_PLD_ERR_INVALID_SPI);
	assert_int_equal(qm_sa_patch(102 + 4, 1, IKE_PHASE_2),
	                 IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX);
	/* Phase 2 never negotiates ISAKMP. */
	assert_int_equal(qm_sa_patch(80 + 5, IKE_PROTO_ISAKMP, IKE_PHASE_ANY),
	                 IKE_PLD_ERR_INVALID_SPI);
	assert_int_equal(qm_sa_patch(0, 0, IKE_PHASE_1),
	                 IKE_PLD_ERR_INVALID_PROTOCOL_ID);
}

static void
bad_payloads(void **state)
{
	static const uint8_t z[300] = {0};
	static const uint8_t id_v4[] = {0x0c, 0x00, 0x00, 0x00,
	                                0x01, 0x02, 0x03, 0x04};
	uint8_t b[64];

	(void)state;
	/* Nonce too short / too long (RFC 2409 5). */
	assert_int_equal(one(IKE_PLD_NONCE, z, 7),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(one(IKE_PLD_NONCE, z, 257),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(one(IKE_PLD_NONCE, z, 8), IKE_PLD_OK);
	assert_int_equal(one(IKE_PLD_KE, z, 0),
	                 IKE_PLD_ERR_INVALID_KEY_INFORMATION);
	assert_int_equal(one(IKE_PLD_HASH, z, 0),
	                 IKE_PLD_ERR_INVALID_HASH_INFORMATION);
	assert_int_equal(one(IKE_PLD_SIG, z, 0), IKE_PLD_ERR_INVALID_SIGNATURE);
	assert_int_equal(one(IKE_PLD_VID, z, 0), IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(one(IKE_PLD_NATD, z, 0),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	/* ID: unknown type, size wrong for the type, empty, no fixed part. */
	memcpy(b, id_v4, sizeof(id_v4));
	assert_int_equal(one(IKE_PLD_ID, b, 8),
	                 IKE_PLD_ERR_INVALID_ID_INFORMATION);
	b[0] = IKE_ID_IPV4_ADDR;
	assert_int_equal(one(IKE_PLD_ID, b, 8), IKE_PLD_OK);
	assert_int_equal(one(IKE_PLD_ID, b, 7),
	                 IKE_PLD_ERR_INVALID_ID_INFORMATION);
	b[0] = IKE_ID_FQDN;
	assert_int_equal(one(IKE_PLD_ID, b, 4),
	                 IKE_PLD_ERR_INVALID_ID_INFORMATION);
	assert_int_equal(one(IKE_PLD_ID, b, 3), IKE_PLD_ERR_PAYLOAD_MALFORMED);
	/* CERT / CR. */
	b[0] = 0;
	assert_int_equal(one(IKE_PLD_CERT, b, 8),
	                 IKE_PLD_ERR_INVALID_CERT_ENCODING);
	b[0] = 11;
	assert_int_equal(one(IKE_PLD_CR, b, 1),
	                 IKE_PLD_ERR_INVALID_CERT_ENCODING);
	b[0] = IKE_CERT_X509_SIG;
	assert_int_equal(one(IKE_PLD_CERT, b, 1),
	                 IKE_PLD_ERR_INVALID_CERTIFICATE);
	assert_int_equal(one(IKE_PLD_CR, b, 1), IKE_PLD_OK);
	assert_int_equal(one(IKE_PLD_CR, b, 0), IKE_PLD_ERR_PAYLOAD_MALFORMED);
}

/* Notification and Delete payloads. */
static void
bad_notify_delete(void **state)
{
	static const uint8_t n_esp[] = {0x00, 0x00, 0x00, 0x01, 0x03, 0x04,
	                                0x60, 0x02, 0xc1, 0x5e, 0x70, 0x0a};
	static const uint8_t d_esp[] = {0x00, 0x00, 0x00, 0x01,
	                                0x03, 0x04, 0x00, 0x02};
	static const uint8_t d_none[] = {0x00, 0x00, 0x00, 0x01,
	                                 0x03, 0x04, 0x00, 0x00};
	uint8_t b[64];

	(void)state;
	/* Notify: DOI, protocol, type 0, SPI past the end. */
	memcpy(b, n_esp, sizeof(n_esp));
	assert_int_equal(one(IKE_PLD_NOTIFY, b, 12), IKE_PLD_OK);
	assert_int_equal(one(IKE_PLD_NOTIFY, b, 11),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(one(IKE_PLD_NOTIFY, b, 7),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	b[3] = 2;
	assert_int_equal(one(IKE_PLD_NOTIFY, b, 12),
	                 IKE_PLD_ERR_DOI_NOT_SUPPORTED);
	b[3] = 1;
	b[4] = 5;
	assert_int_equal(one(IKE_PLD_NOTIFY, b, 12),
	                 IKE_PLD_ERR_INVALID_PROTOCOL_ID);
	b[4] = 3;
	b[5] = 17;
	assert_int_equal(one(IKE_PLD_NOTIFY, b, 12), IKE_PLD_ERR_INVALID_SPI);
	b[5] = 4;
	b[6] = b[7] = 0;
	assert_int_equal(one(IKE_PLD_NOTIFY, b, 12),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	/* Delete: SPI count and size against the length, sizes, count 0. */
	memcpy(b, d_esp, sizeof(d_esp));
	assert_int_equal(one(IKE_PLD_DELETE, b, 16), IKE_PLD_OK);
	assert_int_equal(one(IKE_PLD_DELETE, b, 12),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(one(IKE_PLD_DELETE, b, 20),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	b[5] = 8;
	assert_int_equal(one(IKE_PLD_DELETE, b, 24), IKE_PLD_ERR_INVALID_SPI);
	b[4] = IKE_PROTO_ISAKMP;
	b[5] = 16;
	b[7] = 1;
	assert_int_equal(one(IKE_PLD_DELETE, b, 24), IKE_PLD_OK);
	b[5] = 0;
	b[7] = 0;
	assert_int_equal(one(IKE_PLD_DELETE, b, 9), IKE_PLD_ERR_INVALID_SPI);
	b[4] = 0;
	assert_int_equal(one(IKE_PLD_DELETE, b, 9),
	                 IKE_PLD_ERR_INVALID_PROTOCOL_ID);
	b[3] = 7;
	assert_int_equal(one(IKE_PLD_DELETE, b, 9),
	                 IKE_PLD_ERR_DOI_NOT_SUPPORTED);
	memcpy(b, d_none, sizeof(d_none));
	assert_int_equal(one(IKE_PLD_DELETE, b, 12),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
}

/* NAT-OA, and sub-decoders asked for a type they do not handle. */
static void
bad_natoa_types(void **state)
{
	static const uint8_t z[16] = {0};
	static const uint8_t oa_v4[] = {0x01, 0x00, 0x00, 0x00,
	                                0xc0, 0xa8, 0x01, 0x02};
	uint8_t b[64];

	(void)state;
	/* NAT-OA: address size for the ID type, ID type. */
	memcpy(b, oa_v4, sizeof(oa_v4));
	assert_int_equal(one(IKE_PLD_NATOA, b, 8), IKE_PLD_OK);
	assert_int_equal(one(IKE_PLD_NATOA_DRAFT, b, 8), IKE_PLD_OK);
	assert_int_equal(one(IKE_PLD_NATOA, b, 7),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	b[0] = IKE_ID_FQDN;
	assert_int_equal(one(IKE_PLD_NATOA, b, 8),
	                 IKE_PLD_ERR_INVALID_ID_INFORMATION);
	/* Sub-decoders asked for the wrong type. */
	{
		struct ike_data d;
		struct ike_cert c;
		struct ike_natoa o;

		assert_int_equal(ike_pld_data(IKE_PLD_SA, z, 8, &d),
		                 IKE_PLD_ERR_INVALID_PAYLOAD_TYPE);
		assert_int_equal(ike_pld_cert(IKE_PLD_KE, z, 8, &c),
		                 IKE_PLD_ERR_INVALID_PAYLOAD_TYPE);
		assert_int_equal(ike_pld_natoa(IKE_PLD_NATD, z, 8, &o),
		                 IKE_PLD_ERR_INVALID_PAYLOAD_TYPE);
		assert_int_equal(ike_pld_check(IKE_PLD_TRANSFORM, z, 8, 0),
		                 IKE_PLD_ERR_INVALID_PAYLOAD_TYPE);
	}
}

/* Iterators on zeroed state (a caller that ignored an error) refuse. */
static void
iterators_defensive(void **state)
{
	struct ike_sa sa;
	struct ike_prop p;
	struct ike_xform x;
	struct ike_attr a;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	memset(&p, 0, sizeof(p));
	memset(&x, 0, sizeof(x));
	assert_int_equal(ike_pld_sa_next(&sa, &p),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	p.nxform = 1;
	assert_int_equal(ike_pld_prop_next(&p, &x),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	x.nattr = 1;
	assert_int_equal(ike_pld_xform_next(&x, &a),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(ike_pld_sa(mm1 + 32, 7, IKE_PHASE_ANY, &sa),
	                 IKE_PLD_ERR_PAYLOAD_MALFORMED);
	assert_int_equal(ike_pld_sa(mm1 + 32, 8, IKE_PHASE_ANY, &sa),
	                 IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX);
}

/*
 * Every prefix of a plaintext message fails: as received (the header
 * Length no longer matches) and with the Length patched to the prefix, so
 * the payload walker itself meets the cut.
 */
static void
prefixes_plain(const uint8_t *msg, size_t len)
{
	uint8_t *p;
	size_t n;

	assert_int_equal(parse_copy(msg, len), IKE_PLD_OK);
	for (n = 0; n < len; n++) {
		assert_int_not_equal(parse_copy(msg, n), IKE_PLD_OK);
		p = malloc(n != 0 ? n : 1);
		assert_non_null(p);
		memcpy(p, msg, n);
		if (n >= IKE_HDR_LEN)
			set32(p + IKE_HDR_LEN_OFF, (uint32_t)n);
		assert_int_not_equal(parse_copy(p, n), IKE_PLD_OK);
		free(p);
	}
}

/* Every prefix of a decrypted body that cuts into the chain fails (cuts
 * into the padding are legitimately fine). */
static void
prefixes_body(const uint8_t *hdr, const uint8_t *body, size_t len, size_t end)
{
	size_t n;

	assert_int_equal(walk_copy(hdr, body, len, len), IKE_PLD_OK);
	assert_int_equal(walk_copy(hdr, body, len, end), IKE_PLD_OK);
	for (n = 0; n < end; n++)
		assert_int_not_equal(walk_copy(hdr, body, len, n), IKE_PLD_OK);
}

static void
truncated_prefixes(void **state)
{
	uint8_t pkt[sizeof(qm1_hdr) + sizeof(qm1_body)];
	struct ike_buf b;
	struct ike_msg m;
	size_t n;

	(void)state;
	gw_log_set_level(GW_LOG_NOTICE);
	prefixes_plain(mm1, sizeof(mm1));
	build_all(&b);
	assert_int_equal(ike_build_finish(&b), 0);
	prefixes_plain(b.data, b.len);
	ike_buf_free(&b);
	prefixes_body(qm1_hdr, qm1_body, sizeof(qm1_body), QM1_END);
	prefixes_body(dpd_hdr, dpd_body, sizeof(dpd_body), DPD_END);
	/* The encrypted datagram's header step refuses every prefix. */
	memcpy(pkt, qm1_hdr, sizeof(qm1_hdr));
	memcpy(pkt + sizeof(qm1_hdr), qm1_body, sizeof(qm1_body));
	for (n = 0; n < sizeof(pkt); n++) {
		uint8_t *p = malloc(n != 0 ? n : 1);

		assert_non_null(p);
		memcpy(p, pkt, n);
		assert_int_not_equal(ike_pld_header(&m, p, n), IKE_PLD_OK);
		free(p);
	}
	/* The SA body alone: every prefix is refused by ike_pld_sa(). */
	for (n = 0; n < 114; n++) {
		uint8_t *p = malloc(n != 0 ? n : 1);
		struct ike_sa sa;

		assert_non_null(p);
		memcpy(p, qm1_body + 28, n);
		assert_int_not_equal(ike_pld_sa(p, n, IKE_PHASE_2, &sa),
		                     IKE_PLD_OK);
		free(p);
	}
	gw_log_set_level(GW_LOG_DEBUG);
}

/*
 * RESPONDER-LIFETIME data as ike_build_life_data() writes it (phase 2,
 * seconds as TV, kB as a 4-octet TLV): decoded back; every prefix either
 * ends on a complete Life Type / Life Duration pair (then it gives what
 * those pairs say) or is refused; nonsense is refused.
 */
static void
responder_lifetime(void **state)
{
	uint8_t data[IKE_LIFE_DATA_MAX];
	struct ike_notify n = {.doi = IKE_DOI_IPSEC,
	                       .proto = IKE_PROTO_IPSEC_ESP,
	                       .type = IKE_N_RESPONDER_LIFETIME};
	uint32_t sec, kb;
	size_t len = ike_build_life_data(data, 0, 900, 100000), cut;
	static const uint8_t bad_order[] = {0x80, 2, 0, 1, 0x80, 1, 0, 1};
	static const uint8_t bad_type[] = {0x80, 1, 0, 7, 0x80, 2, 0, 9};
	static const uint8_t zero[] = {0x80, 1, 0, 1, 0x80, 2, 0, 0};

	(void)state;
	assert_int_equal(len, 20); /* 4 + 4, then 4 + a 4-octet TLV of 8 */
	n.data = data;
	n.len = len;
	assert_int_equal(ike_pld_lifetime(&n, &sec, &kb), IKE_PLD_OK);
	assert_int_equal(sec, 900);
	assert_int_equal(kb, 100000);
	for (cut = 0; cut < len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);

		assert_non_null(copy);
		memcpy(copy, data, cut);
		n.data = copy;
		n.len = cut;
		if (cut == 8) {
			assert_int_equal(ike_pld_lifetime(&n, &sec, &kb),
			                 IKE_PLD_OK);
			assert_int_equal(sec, 900);
			assert_int_equal(kb, 0);
		} else {
			assert_int_not_equal(ike_pld_lifetime(&n, &sec, &kb),
			                     IKE_PLD_OK);
		}
		free(copy);
	}
	/* Phase 1 numbering for the ISAKMP SA. */
	len = ike_build_life_data(data, 1, 7200, 0);
	n.proto = IKE_PROTO_ISAKMP;
	n.data = data;
	n.len = len;
	assert_int_equal(ike_pld_lifetime(&n, &sec, &kb), IKE_PLD_OK);
	assert_int_equal(sec, 7200);
	n.proto = IKE_PROTO_IPSEC_ESP; /* phase 2 numbers do not match */
	assert_int_not_equal(ike_pld_lifetime(&n, &sec, &kb), IKE_PLD_OK);
	n.data = bad_order;
	n.len = sizeof(bad_order);
	assert_int_not_equal(ike_pld_lifetime(&n, &sec, &kb), IKE_PLD_OK);
	n.data = bad_type;
	n.len = sizeof(bad_type);
	assert_int_not_equal(ike_pld_lifetime(&n, &sec, &kb), IKE_PLD_OK);
	n.data = zero;
	n.len = sizeof(zero);
	assert_int_not_equal(ike_pld_lifetime(&n, &sec, &kb), IKE_PLD_OK);
	n.type = IKE_N_R_U_THERE;
	assert_int_not_equal(ike_pld_lifetime(&n, &sec, &kb), IKE_PLD_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(desc_table),
	    cmocka_unit_test(err_helpers),
	    cmocka_unit_test(mm1_decode),
	    cmocka_unit_test(qm1_decode),
	    cmocka_unit_test(dpd_decode),
	    cmocka_unit_test(build_mm1),
	    cmocka_unit_test(build_qm1),
	    cmocka_unit_test(roundtrip_all),
	    cmocka_unit_test(roundtrip_ids),
	    cmocka_unit_test(build_errors),
	    cmocka_unit_test(build_errors_sa),
	    cmocka_unit_test(build_errors_misc),
	    cmocka_unit_test(bad_header),
	    cmocka_unit_test(bad_chain),
	    cmocka_unit_test(bad_sa),
	    cmocka_unit_test(bad_sa_phase2),
	    cmocka_unit_test(bad_payloads),
	    cmocka_unit_test(bad_notify_delete),
	    cmocka_unit_test(bad_natoa_types),
	    cmocka_unit_test(iterators_defensive),
	    cmocka_unit_test(truncated_prefixes),
	    cmocka_unit_test(responder_lifetime),
	};

	/* Debug level runs every failure's log line under the sanitizers. */
	gw_log_init("test_ike_pld", 0, GW_LOG_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
