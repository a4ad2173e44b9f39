/*
 * ike_net.c - UDP sockets of the IKE engine (see ike_net.h).
 */
#include "ike_net.h"

#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <linux/errqueue.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NET_MAX_DGRAM      65535
#define NON_ESP_MARKER_LEN 4

struct net_sock {
	struct ike_net *net;
	int fd;
	int natt;
	uint16_t port;
	struct event *ev;
};

struct ike_net {
	struct ike_net_conf conf;
	struct net_sock sock[2]; /* [0] IKE port, [1] NAT-T port */
	uint64_t dropped;
	uint8_t buf[NET_MAX_DGRAM];
};

/* Sorts a datagram from the NAT-T port: IKE, keepalive or ESP. */
static void
deliver(struct ike_net *n, struct ike_net_dgram *d)
{
	static const uint8_t marker[NON_ESP_MARKER_LEN];

	if (!d->natt) {
		n->conf.ike_rx(n->conf.arg, d);
		return;
	}
	if (d->len == 1 && d->data[0] == 0xff)
		return; /* NAT keepalive (RFC 3948 2.3) */
	if (d->len >= NON_ESP_MARKER_LEN &&
	    memcmp(d->data, marker, NON_ESP_MARKER_LEN) == 0) {
		d->data += NON_ESP_MARKER_LEN;
		d->len -= NON_ESP_MARKER_LEN;
		n->conf.ike_rx(n->conf.arg, d);
		return;
	}
	/* RFC 3948 2.2: anything else of at least an ESP header is ESP. */
	if (d->len >= 8 && n->conf.esp_rx != NULL) {
		n->conf.esp_rx(n->conf.arg, d);
		return;
	}
	n->dropped++;
}

/*
 * ICMP errors for our datagrams (IP_RECVERR): the engine decides whether to
 * trust a port or host unreachable (advanced setting "trust ICMP").
 */
static void
read_errors(struct ike_net *n, int fd)
{
	union {
		struct cmsghdr hdr;
		/* IP_PKTINFO comes along with the error. */
		uint8_t buf[CMSG_SPACE(sizeof(struct sock_extended_err) +
		                       sizeof(struct sockaddr_in)) +
		            CMSG_SPACE(sizeof(struct in_pktinfo))];
	} cbuf;
	uint8_t data[64];
	struct sockaddr_in to;
	struct iovec iov = {data, sizeof(data)};
	struct msghdr mh;
	struct cmsghdr *c;

	for (;;) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &to;
		mh.msg_namelen = sizeof(to);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		if (recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		for (c = CMSG_FIRSTHDR(&mh); c != NULL;
		     c = CMSG_NXTHDR(&mh, c)) {
			struct sock_extended_err ee;

			if (c->cmsg_level != IPPROTO_IP ||
			    c->cmsg_type != IP_RECVERR)
				continue;
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			if (ee.ee_origin == SO_EE_ORIGIN_ICMP &&
			    ee.ee_type == 3 && n->conf.icmp_rx != NULL)
				n->conf.icmp_rx(n->conf.arg, &to, ee.ee_code);
		}
	}
}

/* Reads one datagram with the address it was sent to (IP_PKTINFO). */
static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	struct net_sock *s = arg;
	struct ike_net *n = s->net;
	union {
		struct cmsghdr hdr;
		uint8_t buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} cbuf;
	struct ike_net_dgram d;
	struct iovec iov = {n->buf, sizeof(n->buf)};
	struct msghdr mh = {0};
	struct cmsghdr *c;
	ssize_t len;

	(void)what;
	read_errors(n, fd);
	memset(&d, 0, sizeof(d));
	mh.msg_name = &d.remote;
	mh.msg_namelen = sizeof(d.remote);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.buf;
	mh.msg_controllen = sizeof(cbuf.buf);
	len = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (len < 0) {
		if (errno != EAGAIN && errno != EINTR)
			gw_debug("%s: recvmsg: %s", __func__, strerror(errno));
		return;
	}
	if ((mh.msg_flags & MSG_TRUNC) || len == 0) {
		n->dropped++;
		return;
	}
	d.local.sin_family = AF_INET;
	d.local.sin_port = htons(s->port);
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			d.local.sin_addr = pi.ipi_addr;
		}
	d.natt = s->natt;
	d.data = n->buf;
	d.len = (size_t)len;
	deliver(n, &d);
}

static int
sock_open(struct ike_net *n, struct event_base *base, int natt, uint16_t port)
{
	struct net_sock *s = &n->sock[natt];
	struct sockaddr_in sin = {0};
	socklen_t slen = sizeof(sin);
	int one = 1;

	s->net = n;
	s->natt = natt;
	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		goto fail;
	sin.sin_family = AF_INET;
	sin.sin_addr = n->conf.bind;
	sin.sin_port = htons(port);
	if (setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) <
	        0 ||
	    setsockopt(s->fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0 ||
	    setsockopt(s->fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)) < 0 ||
	    bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&sin, &slen) < 0)
		goto fail;
	s->port = ntohs(sin.sin_port);
	s->ev = event_new(base, s->fd, EV_READ | EV_PERSIST, on_read, s);
	if (s->ev == NULL || event_add(s->ev, NULL) < 0)
		goto fail;
	return 0;
fail:
	gw_err("%s: UDP port %u: %s", __func__, port, strerror(errno));
	return -1;
}

struct ike_net *
ike_net_new(struct event_base *base, const struct ike_net_conf *conf)
{
	struct ike_net *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->conf = *conf;
	n->sock[0].fd = n->sock[1].fd = -1;
	if (sock_open(n, base, 0, conf->port) < 0 ||
	    sock_open(n, base, 1, conf->natt_port) < 0) {
		ike_net_free(n);
		return NULL;
	}
	return n;
}

void
ike_net_free(struct ike_net *n)
{
	int i;

	if (n == NULL)
		return;
	for (i = 0; i < 2; i++) {
		if (n->sock[i].ev != NULL)
			event_free(n->sock[i].ev);
		if (n->sock[i].fd >= 0)
			close(n->sock[i].fd);
	}
	free(n);
}

uint16_t
ike_net_port(const struct ike_net *n, int natt)
{
	return n->sock[natt ? 1 : 0].port;
}

uint64_t
ike_net_dropped(const struct ike_net *n)
{
	return n->dropped;
}

/* sendmsg with an optional source address (IP_PKTINFO). */
static int
send_from(int fd, const struct sockaddr_in *local,
          const struct sockaddr_in *remote, struct iovec *iov, size_t iovcnt)
{
	union {
		struct cmsghdr hdr;
		uint8_t buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} cbuf;
	struct msghdr mh = {0};
	ssize_t rc;

	mh.msg_name = (void *)remote;
	mh.msg_namelen = sizeof(*remote);
	mh.msg_iov = iov;
	mh.msg_iovlen = iovcnt;
	if (local != NULL && local->sin_addr.s_addr != INADDR_ANY) {
		struct cmsghdr *c;
		struct in_pktinfo pi = {0};

		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		pi.ipi_spec_dst = local->sin_addr;
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
	rc = sendmsg(fd, &mh, MSG_DONTWAIT);
	if (rc < 0) {
		gw_debug("%s: sendmsg to %s:%u: %s", __func__,
		         inet_ntoa(remote->sin_addr), ntohs(remote->sin_port),
		         strerror(errno));
		return -1;
	}
	return 0;
}

int
ike_net_send(struct ike_net *n, const struct sockaddr_in *local,
             const struct sockaddr_in *remote, int natt, const uint8_t *buf,
             size_t len)
{
	static const uint8_t marker[NON_ESP_MARKER_LEN];
	struct iovec iov[2];
	size_t k = 0;

	if (natt) {
		iov[k].iov_base = (void *)marker;
		iov[k++].iov_len = sizeof(marker);
	}
	iov[k].iov_base = (void *)buf;
	iov[k++].iov_len = len;
	return send_from(n->sock[natt ? 1 : 0].fd, local, remote, iov, k);
}

int
ike_net_keepalive(struct ike_net *n, const struct sockaddr_in *remote)
{
	static const uint8_t ka = 0xff;
	struct iovec iov = {(void *)&ka, 1};

	return send_from(n->sock[1].fd, NULL, remote, &iov, 1);
}
