/*
 * dp_spd.c - first-match policy lookup.
 *
 * Rules are ordered, so a lookup must return the first matching rule, not
 * the most specific one.  The index cuts the destination address space into
 * the elementary intervals that the rules' remote ranges bound; each
 * interval keeps, in rule order, the rules whose remote range covers it.  A
 * lookup is a binary search plus a scan of the few candidates, instead of a
 * scan of every rule.  When wide rules would blow the index up (every
 * interval repeating them), the SPD falls back to the plain scan.
 */
#include "dp_spd.h"

#include <stdlib.h>
#include <string.h>

#define SPD_MAX_CANDIDATES (1u << 22)

struct dp_spd {
	struct dp_rule *rules;
	size_t n;
	uint32_t *starts; /* interval i is [starts[i], starts[i+1]) */
	size_t nint;
	uint32_t *off; /* candidates of i: ids[off[i] .. off[i+1]) */
	uint32_t *ids;
	int linear;
};

int
dp_sel_match(const struct dp_sel *s, uint32_t addr, uint16_t port)
{
	if (s->port != 0 && s->port != port)
		return 0;
	return s->type == DP_SEL_ANY || (addr >= s->first && addr <= s->last);
}

static int
rule_match(const struct dp_rule *r, const struct dp_flow *f)
{
	if (r->proto != 0 && r->proto != f->proto)
		return 0;
	return dp_sel_match(&r->remote, f->dst, f->dport) &&
	       dp_sel_match(&r->local, f->src, f->sport);
}

static void
remote_range(const struct dp_rule *r, uint32_t *first, uint32_t *last)
{
	if (r->remote.type == DP_SEL_ANY) {
		*first = 0;
		*last = UINT32_MAX;
	} else {
		*first = r->remote.first;
		*last = r->remote.last;
	}
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The interval holding addr: the last start <= addr. */
static size_t
interval_of(const struct dp_spd *s, uint32_t addr)
{
	size_t lo = 0, hi = s->nint;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->starts[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Collects the sorted, unique interval starts (0 is always one). */
static int
build_starts(struct dp_spd *s)
{
	size_t i, k = 0;

	s->starts = calloc(2 * s->n + 1, sizeof(*s->starts));
	if (s->starts == NULL)
		return -1;
	s->starts[k++] = 0;
	for (i = 0; i < s->n; i++) {
		uint32_t first, last;

		remote_range(&s->rules[i], &first, &last);
		s->starts[k++] = first;
		if (last != UINT32_MAX)
			s->starts[k++] = last + 1;
	}
	qsort(s->starts, k, sizeof(*s->starts), cmp_u32);
	s->nint = 0;
	for (i = 0; i < k; i++)
		if (s->nint == 0 || s->starts[s->nint - 1] != s->starts[i])
			s->starts[s->nint++] = s->starts[i];
	return 0;
}

/* Two passes over the rules: count per interval, then fill in order. */
static int
build_candidates(struct dp_spd *s)
{
	size_t i, j, total = 0;
	uint32_t *fill;

	s->off = calloc(s->nint + 1, sizeof(*s->off));
	if (s->off == NULL)
		return -1;
	for (i = 0; i < s->n; i++) {
		uint32_t first, last;

		remote_range(&s->rules[i], &first, &last);
		size_t a = interval_of(s, first), b = interval_of(s, last);
		total += b - a + 1;
		if (total > SPD_MAX_CANDIDATES) {
			s->linear = 1;
			return 0;
		}
		for (j = a; j <= b; j++)
			s->off[j + 1]++;
	}
	for (j = 0; j < s->nint; j++)
		s->off[j + 1] += s->off[j];
	s->ids = calloc(total + 1, sizeof(*s->ids));
	fill = calloc(s->nint + 1, sizeof(*fill));
	if (s->ids == NULL || fill == NULL) {
		free(fill);
		return -1;
	}
	memcpy(fill, s->off, (s->nint + 1) * sizeof(*fill));
	for (i = 0; i < s->n; i++) {
		uint32_t first, last;

		remote_range(&s->rules[i], &first, &last);
		size_t a = interval_of(s, first), b = interval_of(s, last);
		for (j = a; j <= b; j++)
			s->ids[fill[j]++] = (uint32_t)i;
	}
	free(fill);
	return 0;
}

struct dp_spd *
dp_spd_new(const struct dp_rule *rules, size_t n)
{
	struct dp_spd *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->n = n;
	s->rules = calloc(n + 1, sizeof(*rules));
	if (s->rules == NULL)
		goto fail;
	if (n > 0)
		memcpy(s->rules, rules, n * sizeof(*rules));
	if (build_starts(s) < 0 || build_candidates(s) < 0)
		goto fail;
	return s;
fail:
	dp_spd_free(s);
	return NULL;
}

void
dp_spd_free(struct dp_spd *s)
{
	if (s == NULL)
		return;
	free(s->rules);
	free(s->starts);
	free(s->off);
	free(s->ids);
	free(s);
}

size_t
dp_spd_count(const struct dp_spd *s)
{
	return s->n;
}

const struct dp_rule *
dp_spd_rule(const struct dp_spd *s, size_t i)
{
	return i < s->n ? &s->rules[i] : NULL;
}

long
dp_spd_lookup_linear(const struct dp_spd *s, const struct dp_flow *f)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (rule_match(&s->rules[i], f))
			return (long)i;
	return -1;
}

long
dp_spd_lookup(const struct dp_spd *s, const struct dp_flow *f)
{
	size_t iv, k;

	if (s->linear)
		return dp_spd_lookup_linear(s, f);
	iv = interval_of(s, f->dst);
	for (k = s->off[iv]; k < s->off[iv + 1]; k++)
		if (rule_match(&s->rules[s->ids[k]], f))
			return (long)s->ids[k];
	return -1;
}

int
dp_flow_parse(const uint8_t *p, size_t len, struct dp_flow *f)
{
	size_t hl;

	if (len < 20 || (p[0] >> 4) != 4)
		return -1;
	hl = (size_t)(p[0] & 0x0f) * 4;
	if (hl < 20 || hl > len || (((size_t)p[2] << 8) | p[3]) > len)
		return -1;
	memset(f, 0, sizeof(*f));
	f->proto = p[9];
	f->src = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 |
	         (uint32_t)p[14] << 8 | p[15];
	f->dst = (uint32_t)p[16] << 24 | (uint32_t)p[17] << 16 |
	         (uint32_t)p[18] << 8 | p[19];
	/* Ports only in the first fragment of TCP and UDP. */
	if ((f->proto == 6 || f->proto == 17) && ((p[6] & 0x1f) | p[7]) == 0 &&
	    len >= hl + 4) {
		f->sport = (uint16_t)(p[hl] << 8 | p[hl + 1]);
		f->dport = (uint16_t)(p[hl + 2] << 8 | p[hl + 3]);
	}
	return 0;
}
