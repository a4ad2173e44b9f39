/*
 * agent_tftp_io.c - TFTP over UDP for agent_tftp.c's state machine.  A read
 * (certificate import) runs inside a SET, so it blocks, but never longer
 * than its deadline; a write (PKCS#10 upload) runs from the libevent loop
 * and reports when it is done.  The server answers from a new port (its
 * TID); we lock to the first one and ignore datagrams from any other.
 */
#include "agent_pki.h"

#include "common.h"

#include <errno.h>
#include <event2/event.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RETRANSMIT_MS 1000
#define PUT_TRIES     5

/* A UDP socket and the server's address (numeric hosts never block). */
static int
open_peer(const char *host, uint16_t port, struct sockaddr_storage *sa,
          socklen_t *salen, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	char ps[8];
	int fd, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	snprintf(ps, sizeof(ps), "%u", port);
	rc = getaddrinfo(host, ps, &hints, &res);
	if (rc != 0 || res == NULL) {
		snprintf(err, errlen, "cannot resolve %s: %s", host,
		         gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	            0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
	} else {
		memcpy(sa, res->ai_addr, res->ai_addrlen);
		*salen = res->ai_addrlen;
	}
	freeaddrinfo(res);
	return fd;
}

static uint16_t
sa_port(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

static void
sa_set_port(struct sockaddr_storage *sa, uint16_t port)
{
	if (sa->ss_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)sa)->sin_port = htons(port);
}

/*
 * One datagram from the server; 0 if it is not for us (wrong host or
 * TID).  The first answer fixes the server's TID.
 */
static ssize_t
recv_from_server(int fd, uint8_t *buf, size_t len, struct sockaddr_storage *srv,
                 int *locked)
{
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t n;

	memset(&from, 0, sizeof(from));
	n = recvfrom(fd, buf, len, 0, (struct sockaddr *)&from, &flen);
	if (n < 0)
		return n;
	if (from.ss_family != srv->ss_family)
		return 0;
	if (!*locked) {
		sa_set_port(srv, sa_port(&from));
		*locked = 1;
	} else if (sa_port(&from) != sa_port(srv)) {
		return 0;
	}
	return n;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
agent_tftp_get(const char *host, uint16_t port, const char *file, size_t max,
               int timeout_ms, uint8_t **data, size_t *len, char *err,
               size_t errlen)
{
	struct agent_tftp x;
	struct sockaddr_storage srv;
	socklen_t slen = 0;
	int64_t deadline = now_ms() + timeout_ms, resend;
	int fd, locked = 0, rc = -1;
	enum agent_tftp_rc st = AGENT_TFTP_SEND;
	uint8_t pkt[4 + AGENT_TFTP_BLOCK + 1];

	if (agent_tftp_start(&x, 0, file, NULL, 0, max) < 0) {
		snprintf(err, errlen, "%s", x.err);
		return -1;
	}
	fd = open_peer(host, port, &srv, &slen, err, errlen);
	if (fd < 0)
		return -1;
	while (st == AGENT_TFTP_SEND || st == AGENT_TFTP_IGNORE) {
		ssize_t n = 0;

		if (st == AGENT_TFTP_SEND)
			(void)sendto(fd, x.out, x.outlen, 0,
			             (struct sockaddr *)&srv, slen);
		resend = now_ms() + RETRANSMIT_MS;
		while (n <= 0) {
			struct pollfd pfd = {fd, POLLIN, 0};
			int64_t left =
			    (resend < deadline ? resend : deadline) - now_ms();

			if (left <= 0)
				break;
			if (poll(&pfd, 1, (int)left) > 0)
				n = recv_from_server(fd, pkt, sizeof(pkt), &srv,
				                     &locked);
		}
		if (n > 0) {
			st = agent_tftp_input(&x, pkt, (size_t)n);
			continue;
		}
		if (now_ms() >= deadline) {
			snprintf(err, errlen,
			         "no answer from TFTP server %.100s port %u",
			         host, port);
			goto out;
		}
		st = AGENT_TFTP_SEND; /* timeout: send again */
	}
	if (x.outlen > 0)
		(void)sendto(fd, x.out, x.outlen, 0, (struct sockaddr *)&srv,
		             slen);
	if (st == AGENT_TFTP_DONE) {
		*data = x.buf;
		*len = x.len;
		x.buf = NULL;
		rc = 0;
	} else {
		snprintf(err, errlen, "%s", x.err);
	}
out:
	agent_tftp_free(&x);
	close(fd);
	return rc;
}

struct agent_tftp_job {
	struct agent_tftp x;
	uint8_t *data;
	struct sockaddr_storage srv;
	socklen_t slen;
	int fd;
	int locked;
	int tries;
	struct event *ev;
	agent_tftp_done_fn done;
	void *arg;
	char host[256];
	uint16_t port;
};

static void
job_free(struct agent_tftp_job *j)
{
	if (j->ev != NULL)
		event_free(j->ev);
	if (j->fd >= 0)
		close(j->fd);
	agent_tftp_free(&j->x);
	free(j->data);
	free(j);
}

static void
job_finish(struct agent_tftp_job *j, int ok, const char *err)
{
	agent_tftp_done_fn done = j->done;
	void *arg = j->arg;

	if (j->x.outlen > 0)
		(void)sendto(j->fd, j->x.out, j->x.outlen, 0,
		             (struct sockaddr *)&j->srv, j->slen);
	job_free(j);
	done(arg, ok, err);
}

static void
job_send(struct agent_tftp_job *j)
{
	struct timeval tv = {RETRANSMIT_MS / 1000, 0};

	(void)sendto(j->fd, j->x.out, j->x.outlen, 0,
	             (struct sockaddr *)&j->srv, j->slen);
	event_add(j->ev, &tv);
}

/* A datagram or a timeout for a running upload. */
static void
job_event(evutil_socket_t fd, short what, void *arg)
{
	struct agent_tftp_job *j = arg;
	uint8_t pkt[4 + AGENT_TFTP_BLOCK + 1];
	char msg[160];
	ssize_t n;

	(void)fd;
	if (what & EV_TIMEOUT) {
		if (++j->tries >= PUT_TRIES) {
			snprintf(msg, sizeof(msg),
			         "no answer from TFTP server %.100s port %u",
			         j->host, j->port);
			j->x.outlen = 0;
			job_finish(j, 0, msg);
			return;
		}
		job_send(j);
		return;
	}
	n = recv_from_server(j->fd, pkt, sizeof(pkt), &j->srv, &j->locked);
	if (n <= 0)
		return; /* not ours; the pending timeout stays */
	switch (agent_tftp_input(&j->x, pkt, (size_t)n)) {
	case AGENT_TFTP_SEND:
		j->tries = 0;
		job_send(j);
		break;
	case AGENT_TFTP_DONE:
		job_finish(j, 1, "");
		break;
	case AGENT_TFTP_FAIL:
		snprintf(msg, sizeof(msg), "%s", j->x.err);
		job_finish(j, 0, msg);
		break;
	default:
		break;
	}
}

struct agent_tftp_job *
agent_tftp_put(struct event_base *base, const char *host, uint16_t port,
               const char *file, const uint8_t *data, size_t len,
               agent_tftp_done_fn done, void *arg)
{
	struct agent_tftp_job *j = calloc(1, sizeof(*j));
	char err[160];

	if (j == NULL)
		return NULL;
	j->fd = -1;
	j->done = done;
	j->arg = arg;
	j->port = port;
	snprintf(j->host, sizeof(j->host), "%s", host);
	j->data = malloc(len ? len : 1);
	if (j->data == NULL)
		goto fail;
	if (len > 0)
		memcpy(j->data, data, len);
	if (agent_tftp_start(&j->x, 1, file, j->data, len, 0) < 0) {
		gw_err("%s: %s", __func__, j->x.err);
		goto fail;
	}
	j->fd = open_peer(host, port, &j->srv, &j->slen, err, sizeof(err));
	if (j->fd < 0) {
		gw_err("%s: %s", __func__, err);
		goto fail;
	}
	j->ev = event_new(base, j->fd, EV_READ | EV_PERSIST, job_event, j);
	if (j->ev == NULL)
		goto fail;
	job_send(j);
	return j;
fail:
	job_free(j);
	return NULL;
}

void
agent_tftp_cancel(struct agent_tftp_job *j)
{
	if (j != NULL)
		job_free(j);
}
