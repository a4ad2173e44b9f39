/*
 * fuzz_ike_token.c - libFuzzer harness for the IPSec callback token
 * vendor ID (ike/ike_token.c): the input is read as one vendor ID body
 * and as a whole ISAKMP message whose vendor IDs are searched for a
 * token; a token found is built into a vendor ID again and must read back
 * the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike_pld.h"
#include "ike_token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
round_trip(const uint8_t *t, size_t len)
{
	uint8_t vid[IKE_TOKEN_VID_MAX];
	const uint8_t *back = NULL;
	size_t blen = 0;
	int n = ike_token_vid_build(t, len, vid, sizeof(vid));

	if (n < 0 ||
	    ike_token_vid_parse(vid, (size_t)n, &back, &blen) !=
	        IKE_TOKEN_FOUND ||
	    blen != len || memcmp(back, t, len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t tok[IKE_CB_TOKEN_MAX];
	const uint8_t *t = NULL;
	size_t tlen = 0;
	struct ike_msg m;

	if (ike_token_vid_parse(data, size, &t, &tlen) == IKE_TOKEN_FOUND)
		round_trip(t, tlen);
	if (ike_pld_parse(&m, data, size) == IKE_PLD_OK &&
	    ike_token_find(&m, tok, &tlen) == IKE_TOKEN_FOUND)
		round_trip(tok, tlen);
	return 0;
}
