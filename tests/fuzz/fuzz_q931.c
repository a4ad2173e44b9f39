/*
 * fuzz_q931.c - libFuzzer harness for the Q.931 decoder and the callback
 * record parsers.  Each input is decoded as a D-channel message, and
 * again behind a fixed SETUP-like header chosen by the first octet so
 * mutations reach the IE walker directly.  Whatever decodes must encode,
 * decode again to the same fields and encode to the same octets; LLC and
 * subaddress contents go through the record parsers; the raw input also
 * goes through the isdnsim framing and the B-channel frame parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../isdn/isdn_frame.h"
#include "../../isdn/isdn_q931.h"
#include "../../isdn/isdn_xfer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
records(const struct isdn_q931_msg *m)
{
	uint8_t raw[ISDN_SUBADDR_MAX];
	struct isdn_xfer x;
	size_t n;

	if (m->present & ISDN_Q931_F_LLC)
		(void)isdn_xfer_from_llc(m->llc.raw, m->llc.len, &x);
	if (m->present & ISDN_Q931_F_CALLED_SUB) {
		n = isdn_q931_subaddr_to_raw(&m->called_sub, raw, sizeof(raw));
		(void)isdn_xfer_from_subaddr(raw, n, &x);
	}
	if (m->present & ISDN_Q931_F_CAUSE) {
		struct isdn_cause c;
		uint8_t st;

		isdn_q931_cause_get(m, &c);
		(void)isdn_xfer_cause_status(&c, &st);
		(void)isdn_cause_str(c.value);
	}
}

/* decode -> encode -> decode -> encode must be stable. */
static void
roundtrip(const uint8_t *buf, size_t len)
{
	uint8_t out1[512], out2[512];
	struct isdn_q931_msg m, m2;
	size_t n1 = 0, n2 = 0;
	enum isdn_q931_err e = isdn_q931_decode(buf, len, &m);

	(void)isdn_q931_err_str(e);
	(void)isdn_q931_err_cause(e);
	if (e != ISDN_Q931_OK)
		return;
	(void)isdn_q931_type_str(m.type);
	records(&m);
	if (isdn_q931_encode(&m, out1, sizeof(out1), &n1) != ISDN_Q931_OK)
		abort();
	if (isdn_q931_decode(out1, n1, &m2) != ISDN_Q931_OK)
		abort();
	if (m2.present != m.present || m2.type != m.type || m2.cref != m.cref)
		abort();
	if (isdn_q931_encode(&m2, out2, sizeof(out2), &n2) != ISDN_Q931_OK ||
	    n1 != n2 || memcmp(out1, out2, n1) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t types[] = {ISDN_Q931_SETUP,
	                                ISDN_Q931_CALL_PROCEEDING,
	                                ISDN_Q931_ALERTING,
	                                ISDN_Q931_CONNECT,
	                                ISDN_Q931_DISCONNECT,
	                                ISDN_Q931_RELEASE,
	                                ISDN_Q931_RELEASE_COMPLETE,
	                                ISDN_Q931_INFORMATION};
	uint8_t body[ISDN_BFRAME_BODY_MAX], type;
	const uint8_t *payload;
	size_t plen, used, blen;
	uint8_t *copy;

	roundtrip(data, size);
	if (size > 0) {
		copy = malloc(size + 3);
		if (copy == NULL)
			return 0;
		copy[0] = ISDN_Q931_PD;
		copy[1] = 1;
		copy[2] = 0x05;
		copy[3] = types[data[0] % sizeof(types)];
		memcpy(copy + 4, data + 1, size - 1);
		roundtrip(copy, size + 3);
		free(copy);
	}
	(void)isdn_frame_parse(data, size, &type, &payload, &plen, &used);
	(void)isdn_bframe_parse(data, size, &type, body, &blen, &used);
	return 0;
}
