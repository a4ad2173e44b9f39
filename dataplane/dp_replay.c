/*
 * dp_replay.c - the inbound anti-replay window of RFC 4303 3.4.3 (32-bit
 * sequence numbers, no ESN).  The bitmap is a ring indexed by the
 * sequence number itself (as in RFC 6479): advancing the window clears
 * only the words it moves into instead of shifting the whole map, so the
 * cost does not grow with the window size.  The ring has one word more
 * than the largest window, so every number inside the window keeps its
 * bit while the window moves.
 */
#include "dp_int.h"

#include <string.h>

#define WORD(seq) (((seq) / 64) % DP_REPLAY_WORDS)
#define BIT(seq)  ((uint64_t)1 << ((seq) % 64))

void
dp_replay_init(struct dp_replay *r, uint32_t size)
{
	memset(r, 0, sizeof(*r));
	r->size = size == 0 ? DP_REPLAY_DEFAULT : size;
	if (r->size > DP_REPLAY_MAX)
		r->size = DP_REPLAY_MAX;
}

/*
 * Whether seq may still be accepted: newer than anything seen, or inside
 * the window and not seen.  Sequence number 0 is never sent.  Does not
 * change the window: that waits until the ICV has verified.
 */
int
dp_replay_check(const struct dp_replay *r, uint32_t seq)
{
	if (seq == 0)
		return DP_E_REPLAY;
	if (seq > r->top)
		return 0;
	if (r->top - seq >= r->size)
		return DP_E_REPLAY;
	return (r->bits[WORD(seq)] & BIT(seq)) != 0 ? DP_E_REPLAY : 0;
}

/* Records an authenticated seq, moving the window right if it is new. */
void
dp_replay_update(struct dp_replay *r, uint32_t seq)
{
	uint32_t w, from, to;

	if (seq > r->top) {
		from = r->top / 64;
		to = seq / 64;
		if (to - from >= DP_REPLAY_WORDS)
			memset(r->bits, 0, sizeof(r->bits));
		else
			for (w = from + 1; w <= to; w++)
				r->bits[w % DP_REPLAY_WORDS] = 0;
		r->top = seq;
	}
	r->bits[WORD(seq)] |= BIT(seq);
}
