/*
 * test_ike_util.h - helpers for the IKE unit tests that run two engines
 * over loopback (test_ike_token, test_ike_cert_xchg).  Include after
 * <cmocka.h>.
 */
#ifndef IPSECGW_TEST_IKE_UTIL_H
#define IPSECGW_TEST_IKE_UTIL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

/* A UDP port free on every local address, for IKE and NAT-T alike. */
static inline uint16_t
ti_free_port(void)
{
	struct sockaddr_in s = {0};
	socklen_t sl = sizeof(s);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	s.sin_family = AF_INET;
	s.sin_addr.s_addr = htonl(INADDR_ANY);
	assert_int_equal(bind(fd, (struct sockaddr *)&s, sizeof(s)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&s, &sl), 0);
	close(fd);
	return ntohs(s.sin_port);
}

#endif
