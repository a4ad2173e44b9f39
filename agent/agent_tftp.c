/*
 * agent_tftp.c - the TFTP protocol of RFC 1350 as a state machine with no
 * I/O: the request packet, then one call per datagram from the server
 * that answers with the next packet to send.  Octet mode only, no options
 * (RFC 2347), so every block is 512 bytes and a shorter one ends the file.
 *
 *   RRQ/WRQ:  | 01/02 | filename | 0 | "octet" | 0 |
 *   DATA:     | 03 | block (2) | 0..512 bytes |
 *   ACK:      | 04 | block (2) |
 *   ERROR:    | 05 | code (2) | message | 0 |
 */
#include "agent_pki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OP_RRQ = 1,
	OP_WRQ = 2,
	OP_DATA = 3,
	OP_ACK = 4,
	OP_ERROR = 5,
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* An ERROR packet for the server, telling it why we stop. */
static void
build_error(struct agent_tftp *x, uint16_t code, const char *msg)
{
	size_t n = strlen(msg);

	if (n > sizeof(x->out) - 5)
		n = sizeof(x->out) - 5;
	put16(x->out, OP_ERROR);
	put16(x->out + 2, code);
	memcpy(x->out + 4, msg, n);
	x->out[4 + n] = 0;
	x->outlen = 5 + n;
}

/* The next DATA packet of a write: block x->block + 1. */
static void
build_data(struct agent_tftp *x)
{
	size_t off = (size_t)x->block * AGENT_TFTP_BLOCK, n = 0;

	if (off < x->srclen)
		n = x->srclen - off;
	if (n > AGENT_TFTP_BLOCK)
		n = AGENT_TFTP_BLOCK;
	x->block++;
	put16(x->out, OP_DATA);
	put16(x->out + 2, x->block);
	if (n > 0)
		memcpy(x->out + 4, x->src + off, n);
	x->outlen = 4 + n;
	x->last_sent = n < AGENT_TFTP_BLOCK;
}

int
agent_tftp_start(struct agent_tftp *x, int writing, const char *file,
                 const uint8_t *src, size_t srclen, size_t max)
{
	static const char mode[] = "octet";
	size_t n = strlen(file);

	memset(x, 0, sizeof(*x));
	x->writing = writing;
	x->src = src;
	x->srclen = srclen;
	x->max = max;
	/* 65535 blocks at most: block numbers must not wrap. */
	if (n == 0 || n + sizeof(mode) + 3 > sizeof(x->out) ||
	    srclen >= (size_t)65535 * AGENT_TFTP_BLOCK ||
	    max >= (size_t)65535 * AGENT_TFTP_BLOCK) {
		snprintf(x->err, sizeof(x->err), "bad file name or size");
		return -1;
	}
	put16(x->out, writing ? OP_WRQ : OP_RRQ);
	memcpy(x->out + 2, file, n + 1);
	memcpy(x->out + 3 + n, mode, sizeof(mode));
	x->outlen = 3 + n + sizeof(mode);
	return 0;
}

/* The server's ERROR packet: its code and (printable part of) message. */
static enum agent_tftp_rc
got_error(struct agent_tftp *x, const uint8_t *pkt, size_t len)
{
	char msg[96];
	size_t i, n = 0;

	for (i = 4; i < len && pkt[i] != 0 && n + 1 < sizeof(msg); i++)
		msg[n++] = pkt[i] >= 0x20 && pkt[i] < 0x7f ? (char)pkt[i] : '?';
	msg[n] = '\0';
	snprintf(x->err, sizeof(x->err), "TFTP server error %u: %s",
	         (unsigned)get16(pkt + 2), n ? msg : "(no message)");
	x->outlen = 0;
	return AGENT_TFTP_FAIL;
}

static enum agent_tftp_rc
read_input(struct agent_tftp *x, const uint8_t *pkt, size_t len)
{
	uint16_t blk;
	size_t n;
	uint8_t *nb;

	if (get16(pkt) != OP_DATA || len > 4 + AGENT_TFTP_BLOCK)
		return AGENT_TFTP_IGNORE;
	blk = get16(pkt + 2);
	if (blk == x->block && x->block > 0) {
		/* Our ACK was lost: acknowledge again, keep nothing. */
		put16(x->out, OP_ACK);
		put16(x->out + 2, blk);
		x->outlen = 4;
		return AGENT_TFTP_SEND;
	}
	if (blk != (uint16_t)(x->block + 1))
		return AGENT_TFTP_IGNORE;
	n = len - 4;
	if (x->len + n > x->max) {
		snprintf(x->err, sizeof(x->err), "file larger than %zu bytes",
		         x->max);
		build_error(x, 3, "file too large");
		return AGENT_TFTP_FAIL;
	}
	if (n > 0) {
		nb = realloc(x->buf, x->len + n);
		if (nb == NULL) {
			snprintf(x->err, sizeof(x->err), "out of memory");
			build_error(x, 3, "out of memory");
			return AGENT_TFTP_FAIL;
		}
		x->buf = nb;
		memcpy(x->buf + x->len, pkt + 4, n);
		x->len += n;
	}
	x->block = blk;
	put16(x->out, OP_ACK);
	put16(x->out + 2, blk);
	x->outlen = 4;
	return n < AGENT_TFTP_BLOCK ? AGENT_TFTP_DONE : AGENT_TFTP_SEND;
}

static enum agent_tftp_rc
write_input(struct agent_tftp *x, const uint8_t *pkt, size_t len)
{
	if (get16(pkt) != OP_ACK || len != 4)
		return AGENT_TFTP_IGNORE;
	/* A duplicate ACK is not answered (Sorcerer's Apprentice). */
	if (get16(pkt + 2) != x->block)
		return AGENT_TFTP_IGNORE;
	if (x->block > 0 && x->last_sent) {
		x->outlen = 0;
		return AGENT_TFTP_DONE;
	}
	build_data(x);
	return AGENT_TFTP_SEND;
}

enum agent_tftp_rc
agent_tftp_input(struct agent_tftp *x, const uint8_t *pkt, size_t len)
{
	if (len < 4)
		return AGENT_TFTP_IGNORE;
	if (get16(pkt) == OP_ERROR)
		return got_error(x, pkt, len);
	return x->writing ? write_input(x, pkt, len) : read_input(x, pkt, len);
}

void
agent_tftp_free(struct agent_tftp *x)
{
	free(x->buf);
	x->buf = NULL;
	x->len = 0;
}

int
agent_tftp_parse_server(const char *s, char *host, size_t hostlen,
                        uint16_t *port)
{
	const char *colon, *end;
	size_t n;
	long p = 69;

	if (s[0] == '[') {
		end = strchr(s, ']');
		if (end == NULL)
			return -1;
		n = (size_t)(end - s - 1);
		s++;
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			return -1;
	} else {
		colon = strchr(s, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL; /* a bare IPv6 address */
		n = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (n == 0 || n >= hostlen)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (colon != NULL) {
		char *e;

		p = strtol(colon + 1, &e, 10);
		if (e == colon + 1 || *e != '\0' || p < 1 || p > 65535)
			return -1;
	}
	*port = (uint16_t)p;
	return 0;
}
