/*
 * fuzz_tftp.c - libFuzzer harness for the TFTP state machine
 * (agent_tftp.c).  The first octet says read or write and how large the
 * file to write is; the rest is a series of datagrams from the "server",
 * each preceded by its length (two octets), fed in until the transfer
 * ends.  The packet to send must always fit the buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent_pki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t src[4096];
	struct agent_tftp x;
	size_t off = 1;

	if (size < 1)
		return 0;
	memset(src, 'x', sizeof(src));
	if (agent_tftp_start(&x, data[0] & 1, "fuzz.pem", src,
	                     (size_t)(data[0] >> 1) * 32, 2048) < 0)
		return 0;
	while (off + 2 <= size) {
		size_t n = (size_t)data[off] << 8 | data[off + 1];
		enum agent_tftp_rc rc;

		off += 2;
		if (n > size - off)
			n = size - off;
		rc = agent_tftp_input(&x, data + off, n);
		off += n;
		if (x.outlen > sizeof(x.out))
			abort();
		if (rc == AGENT_TFTP_DONE || rc == AGENT_TFTP_FAIL)
			break;
	}
	if (!x.writing && x.len > x.max)
		abort();
	agent_tftp_free(&x);
	return 0;
}
