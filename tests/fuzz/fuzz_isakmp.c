/*
 * fuzz_isakmp.c - libFuzzer harness for the ISAKMP decoder.  Each input is
 * decoded three ways: as received (header check, then the payload walk,
 * over the body as if decrypted when the E flag is set), again with the
 * header Length forced to the input size so mutations reach the walker
 * without having to guess it, and straight through one sub-decoder chosen
 * by the first octet.  Whatever the walk files goes through its
 * sub-decoder and the SA tree is iterated down to attribute values.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike_pld.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Steps through an SA tree; on a tree that failed validation the
 * iterators are driven anyway, a bounded number of times, since callers
 * may do the same. */
static void
sa_tree(const uint8_t *b, size_t len, int phase)
{
	struct ike_sa sa;
	struct ike_prop p;
	struct ike_xform x;
	struct ike_attr a;
	unsigned int i, j, k, nprop;
	uint64_t v;

	if (ike_pld_sa(b, len, phase, &sa) == IKE_PLD_OK) {
		nprop = sa.nprop;
	} else {
		memset(&sa, 0, sizeof(sa));
		sa.buf = b;
		sa.off = len < sizeof(struct ike_wire_sa)
		             ? len
		             : sizeof(struct ike_wire_sa);
		sa.end = len;
		nprop = 8;
	}
	for (i = 0; i < nprop; i++) {
		if (ike_pld_sa_next(&sa, &p) != IKE_PLD_OK)
			return;
		for (j = 0; j < p.nxform; j++) {
			if (ike_pld_prop_next(&p, &x) != IKE_PLD_OK)
				break;
			for (k = 0; k < x.nattr; k++) {
				if (ike_pld_xform_next(&x, &a) != IKE_PLD_OK)
					break;
				(void)ike_pld_attr_value(&a, &v);
				(void)ike_pld_attr_class(a.proto, a.type);
			}
		}
	}
}

/* One payload body through the sub-decoder for its type. */
static void
sub(uint8_t type, const uint8_t *b, size_t len, int phase)
{
	struct ike_id id;
	struct ike_cert c;
	struct ike_notify n;
	struct ike_delete d;
	struct ike_natoa o;
	struct ike_data dt;
	uint32_t seq, sec, kb;
	unsigned int i;

	switch (type) {
	case IKE_PLD_SA:
		sa_tree(b, len, phase);
		break;
	case IKE_PLD_ID:
		(void)ike_pld_id(b, len, &id);
		break;
	case IKE_PLD_CERT:
	case IKE_PLD_CR:
		(void)ike_pld_cert(type, b, len, &c);
		break;
	case IKE_PLD_NOTIFY:
		if (ike_pld_notify(b, len, &n) == IKE_PLD_OK) {
			(void)ike_pld_dpd(&n, &seq);
			(void)ike_pld_lifetime(&n, &sec, &kb);
		}
		break;
	case IKE_PLD_DELETE:
		if (ike_pld_delete(b, len, &d) == IKE_PLD_OK)
			for (i = 0; i <= d.nspi; i++)
				(void)ike_pld_delete_spi(&d, i);
		break;
	case IKE_PLD_NATOA:
	case IKE_PLD_NATOA_DRAFT:
		(void)ike_pld_natoa(type, b, len, &o);
		break;
	default:
		(void)ike_pld_data(type, b, len, &dt);
		break;
	}
}

/* The full decode of a datagram, as the engine would run it. */
static void
decode(const uint8_t *pkt, size_t len)
{
	struct ike_msg m;
	const struct ike_pld *p;
	enum ike_pld_err err;
	unsigned int i;

	err = ike_pld_header(&m, pkt, len);
	if (err == IKE_PLD_OK)
		err = ike_pld_walk(&m, pkt, len, IKE_HDR_LEN,
		                   (m.hdr.flags & IKE_FLAG_E) ? IKE_PLD_F_PADDED
		                                              : 0);
	(void)ike_pld_err_may_notify(&m, err);
	(void)ike_pld_err_str(err);
	if (err != IKE_PLD_OK)
		return;
	for (i = 0; i < m.nchain; i++) {
		p = ike_pld_nth(&m, i);
		if (p != NULL)
			sub(p->type, ike_pld_body(&m, p), p->len,
			    ike_pld_phase(m.hdr.exchange));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t types[] = {
	    IKE_PLD_SA,     IKE_PLD_KE,         IKE_PLD_ID,
	    IKE_PLD_CERT,   IKE_PLD_CR,         IKE_PLD_HASH,
	    IKE_PLD_SIG,    IKE_PLD_NONCE,      IKE_PLD_NOTIFY,
	    IKE_PLD_DELETE, IKE_PLD_VID,        IKE_PLD_NATD,
	    IKE_PLD_NATOA,  IKE_PLD_NATD_DRAFT, IKE_PLD_NATOA_DRAFT};
	uint8_t *copy;
	uint32_t n;

	decode(data, size);
	if (size >= IKE_HDR_LEN && size <= UINT32_MAX) {
		copy = malloc(size);
		if (copy == NULL)
			return 0;
		memcpy(copy, data, size);
		n = (uint32_t)size;
		copy[IKE_HDR_LEN_OFF] = (uint8_t)(n >> 24);
		copy[IKE_HDR_LEN_OFF + 1] = (uint8_t)(n >> 16);
		copy[IKE_HDR_LEN_OFF + 2] = (uint8_t)(n >> 8);
		copy[IKE_HDR_LEN_OFF + 3] = (uint8_t)n;
		decode(copy, size);
		free(copy);
	}
	if (size > 0)
		sub(types[data[0] % sizeof(types)], data + 1, size - 1,
		    (data[0] / sizeof(types)) % 3);
	return 0;
}
