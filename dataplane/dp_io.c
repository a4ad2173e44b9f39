/*
 * dp_io.c - opening the dataplane's descriptors.  Everything is
 * non-blocking: the loop reads until EAGAIN and never waits in a syscall.
 */
#include "dp_io.h"

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* MTU and IFF_UP through an ordinary socket, as ip link does. */
static int
link_up(const char *name, uint16_t mtu, int *ifindex)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ok = 0;

	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_mtu = mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0)
		ok = -1;
	if (ok == 0 && ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		ok = -1;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ok == 0 && ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		ok = -1;
	if (ok == 0 && ioctl(s, SIOCGIFINDEX, &ifr) < 0)
		ok = -1;
	if (ok == 0)
		*ifindex = ifr.ifr_ifindex;
	else
		gw_err("%s: %s: %s", __func__, name, strerror(errno));
	close(s);
	return ok;
}

int
dp_io_tun(const char *name, uint16_t mtu, int *ifindex)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		gw_err("%s: /dev/net/tun: %s", __func__, strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		gw_err("%s: %s: %s", __func__, name, strerror(errno));
		close(fd);
		return -1;
	}
	if (link_up(ifr.ifr_name, mtu, ifindex) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
dp_io_raw_rx(int proto)
{
	int fd =
	    socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	int size = 4 << 20;

	if (fd < 0) {
		gw_err("%s: raw socket for protocol %d: %s", __func__, proto,
		       strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

int
dp_io_raw_tx(uint32_t mark)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	                IPPROTO_RAW);
	int size = 4 << 20;

	if (fd < 0) {
		gw_err("%s: raw socket: %s", __func__, strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0) {
		gw_err("%s: SO_MARK: %s", __func__, strerror(errno));
		close(fd);
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	return fd;
}
