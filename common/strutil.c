/*
 * strutil.c - a growable string and the quoting used by the state file, so
 * descriptions with any bytes round-trip exactly through a text format.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
gw_str_init(struct gw_str *s)
{
	s->buf = NULL;
	s->len = 0;
	s->cap = 0;
}

void
gw_str_free(struct gw_str *s)
{
	free(s->buf);
	gw_str_init(s);
}

void
gw_str_reset(struct gw_str *s)
{
	s->len = 0;
	if (s->buf != NULL)
		s->buf[0] = '\0';
}

static int
reserve(struct gw_str *s, size_t extra)
{
	size_t need = s->len + extra + 1;
	size_t cap = s->cap ? s->cap : 256;
	char *nb;

	if (need <= s->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	nb = realloc(s->buf, cap);
	if (nb == NULL)
		return -1;
	s->buf = nb;
	s->cap = cap;
	return 0;
}

int
gw_str_append(struct gw_str *s, const void *data, size_t len)
{
	if (reserve(s, len) < 0)
		return -1;
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	s->buf[s->len] = '\0';
	return 0;
}

int
gw_str_printf(struct gw_str *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(s, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
	return 0;
}

int
gw_str_quote(struct gw_str *s, const uint8_t *data, size_t len)
{
	size_t i;

	if (gw_str_append(s, "\"", 1) < 0)
		return -1;
	for (i = 0; i < len; i++) {
		uint8_t c = data[i];
		int rc;

		if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f)
			rc = gw_str_printf(s, "\\x%02x", c);
		else
			rc = gw_str_append(s, &c, 1);
		if (rc < 0)
			return -1;
	}
	return gw_str_append(s, "\"", 1);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
gw_str_unquote(const char **pp, uint8_t **out, size_t *lenp)
{
	const char *p = *pp;
	uint8_t *buf;
	size_t n = 0;

	if (*p != '"')
		return -1;
	buf = malloc(strlen(p) + 1);
	if (buf == NULL)
		return -1;
	for (p++; *p != '"'; p++) {
		if (*p == '\0' || *p == '\n')
			goto bad;
		if (*p == '\\') {
			int hi, lo;

			if (p[1] != 'x' || (hi = hexval(p[2])) < 0 ||
			    (lo = hexval(p[3])) < 0)
				goto bad;
			buf[n++] = (uint8_t)(hi << 4 | lo);
			p += 3;
		} else {
			buf[n++] = (uint8_t)*p;
		}
	}
	buf[n] = '\0';
	/* The buffer was sized for the rest of the input: keep only n. */
	*out = malloc(n + 1);
	if (*out == NULL) {
		*out = buf;
	} else {
		memcpy(*out, buf, n + 1);
		free(buf);
	}
	*lenp = n;
	*pp = p + 1;
	return 0;
bad:
	free(buf);
	return -1;
}
