/*
 * test_ike_net.c - the IKE sockets on loopback: IKE on the IKE port, IKE
 * with the non-ESP marker on the NAT-T port (marker added and stripped),
 * NAT keepalives swallowed, ESP in UDP handed to the dataplane callback,
 * runts dropped and counted, and the reply source address recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ike_net.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct rx {
	int ike, esp;
	int natt;
	size_t len;
	uint8_t data[64];
	struct sockaddr_in local;
};

static void
on_ike(void *arg, const struct ike_net_dgram *d)
{
	struct rx *r = arg;

	r->ike++;
	r->natt = d->natt;
	r->len = d->len < sizeof(r->data) ? d->len : sizeof(r->data);
	memcpy(r->data, d->data, r->len);
	r->local = d->local;
}

static void
on_esp(void *arg, const struct ike_net_dgram *d)
{
	struct rx *r = arg;

	r->esp++;
	r->len = d->len;
}

static struct sockaddr_in
lo(uint16_t port)
{
	struct sockaddr_in s = {0};

	s.sin_family = AF_INET;
	s.sin_port = htons(port);
	s.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return s;
}

/* Runs the loop until nothing is pending. */
static void
pump(struct event_base *b)
{
	int i;

	for (i = 0; i < 20; i++) {
		usleep(2000);
		event_base_loop(b, EVLOOP_NONBLOCK);
	}
}

static void
raw_send(uint16_t port, const void *buf, size_t len)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = lo(port);

	assert_true(fd >= 0);
	assert_int_equal(
	    sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)),
	    (ssize_t)len);
	close(fd);
}

static void
ports_and_marker(void **state)
{
	struct event_base *b = event_base_new();
	struct rx ra = {0}, rb = {0};
	struct ike_net_conf ca = {
	    {htonl(INADDR_LOOPBACK)}, 0, 0, on_ike, on_esp, NULL, &ra};
	struct ike_net_conf cb = {
	    {htonl(INADDR_LOOPBACK)}, 0, 0, on_ike, on_esp, NULL, &rb};
	struct ike_net *a = ike_net_new(b, &ca), *bn = ike_net_new(b, &cb);
	struct sockaddr_in to;
	static const uint8_t ike[] = "an IKE message";
	static const uint8_t ka = 0xff;
	static const uint8_t esp[12] = {0, 0, 0x10, 1, 0, 0, 0, 1, 9, 9, 9, 9};
	static const uint8_t runt[3] = {1, 2, 3};

	(void)state;
	assert_non_null(a);
	assert_non_null(bn);
	assert_int_not_equal(ike_net_port(a, 0), ike_net_port(a, 1));

	to = lo(ike_net_port(bn, 0));
	assert_int_equal(ike_net_send(a, NULL, &to, 0, ike, sizeof(ike)), 0);
	pump(b);
	assert_int_equal(rb.ike, 1);
	assert_int_equal(rb.natt, 0);
	assert_memory_equal(rb.data, ike, sizeof(ike));
	assert_int_equal(rb.local.sin_addr.s_addr, htonl(INADDR_LOOPBACK));

	/* NAT-T port: the marker is added on send and stripped on receipt. */
	to = lo(ike_net_port(bn, 1));
	assert_int_equal(ike_net_send(a, &rb.local, &to, 1, ike, sizeof(ike)),
	                 0);
	pump(b);
	assert_int_equal(rb.ike, 2);
	assert_int_equal(rb.natt, 1);
	assert_int_equal(rb.len, sizeof(ike));
	assert_memory_equal(rb.data, ike, sizeof(ike));

	/* Keepalive: swallowed; ESP: to the dataplane; runt: dropped. */
	assert_int_equal(ike_net_keepalive(a, &to), 0);
	raw_send(ike_net_port(bn, 1), &ka, 1);
	raw_send(ike_net_port(bn, 1), esp, sizeof(esp));
	raw_send(ike_net_port(bn, 1), runt, sizeof(runt));
	pump(b);
	assert_int_equal(rb.ike, 2);
	assert_int_equal(rb.esp, 1);
	assert_int_equal(rb.len, sizeof(esp));
	assert_int_equal(ike_net_dropped(bn), 1);

	ike_net_free(a);
	ike_net_free(bn);
	event_base_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ports_and_marker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
