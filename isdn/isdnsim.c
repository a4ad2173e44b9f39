/*
 * isdnsim.c - a simulated ISDN exchange for tests and demos: the process,
 * its Unix socket and one connection per subscriber; the exchange itself
 * is isdnsim_xchg.c.  docs/isdn.md describes the options, the telephone
 * company profiles and the control commands.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "common.h"
#include "isdn_frame.h"
#include "isdnsim.h"

/* The exchange and its open connections (freed at shutdown). */
struct server {
	struct xchg *x;
	struct client *clients;
};

struct client {
	struct client *next;
	struct server *srv;
	struct bufferevent *bev;
	struct xsub *sub;
};

struct opts {
	const char *socket;
	const char *pidfile;
	int foreground;
	int level;
	struct xchg_conf conf;
};

static void
client_send(void *io, uint8_t type, const uint8_t *p, size_t len)
{
	struct client *cl = io;
	uint8_t hdr[ISDN_FRAME_HDR];

	if (isdn_frame_header(type, len, hdr) < 0)
		return;
	(void)bufferevent_write(cl->bev, hdr, sizeof(hdr));
	if (len > 0)
		(void)bufferevent_write(cl->bev, p, len);
}

static void
client_release(struct client *cl)
{
	xchg_sub_gone(cl->srv->x, cl->sub);
	bufferevent_free(cl->bev);
	free(cl);
}

static void
client_close(struct client *cl)
{
	struct client **pp;

	for (pp = &cl->srv->clients; *pp != NULL; pp = &(*pp)->next)
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	client_release(cl);
}

/* Frames are copied out before they are handled, which may send to any
 * connection, but never closes this one. */
static void
on_read(struct bufferevent *bev, void *arg)
{
	struct client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t frame[ISDN_FRAME_HDR + ISDN_FRAME_PAYLOAD_MAX];
	const uint8_t *payload;
	size_t avail, plen, used;
	uint8_t type;
	int r;

	for (;;) {
		avail = evbuffer_get_length(in);
		if (avail > sizeof(frame))
			avail = sizeof(frame);
		if (evbuffer_copyout(in, frame, avail) < 0)
			return;
		r = isdn_frame_parse(frame, avail, &type, &payload, &plen,
		                     &used);
		if (r == 0)
			return;
		if (r < 0) {
			gw_warn("%s: bad frame length, closing", __func__);
			client_close(cl);
			return;
		}
		evbuffer_drain(in, used);
		xchg_sub_frame(cl->srv->x, cl->sub, type, payload, plen);
	}
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		client_close(arg);
}

static void
on_accept(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa,
          int salen, void *arg)
{
	struct event_base *base = evconnlistener_get_base(lis);
	struct client *cl = calloc(1, sizeof(*cl));

	(void)sa;
	(void)salen;
	if (cl == NULL) {
		close(fd);
		return;
	}
	cl->srv = arg;
	cl->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (cl->bev == NULL) {
		close(fd);
		free(cl);
		return;
	}
	cl->sub = xchg_sub_new(cl->srv->x, client_send, cl);
	if (cl->sub == NULL) {
		bufferevent_free(cl->bev);
		free(cl);
		return;
	}
	cl->next = cl->srv->clients;
	cl->srv->clients = cl;
	bufferevent_setcb(cl->bev, on_read, NULL, on_event, cl);
	(void)bufferevent_enable(cl->bev, EV_READ);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	gw_notice("isdnsim: signal %d, exiting", (int)sig);
	event_base_loopbreak(arg);
}

/* A stale socket from an earlier run is replaced; anything else that is
 * not a socket is left alone. */
static int
listen_unix(const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "isdnsim: socket path too long\n");
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			fprintf(stderr, "isdnsim: %s exists\n", path);
			return -1;
		}
		(void)unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 16) < 0 || evutil_make_socket_nonblocking(fd) < 0) {
		fprintf(stderr, "isdnsim: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: isdnsim --socket PATH [--profile NAME] [--foreground]\n"
	        "               [--log-level LEVEL] [--unit-seconds N] "
	        "[--t303 S]\n"
	        "               [--answer-timeout S] [--pidfile FILE]\n"
	        "profiles: pass-all (default), drop-llc, drop-subaddr, "
	        "drop-both\n");
}

static int
num_arg(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 86400)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
	    {"socket", required_argument, NULL, 's'},
	    {"profile", required_argument, NULL, 'p'},
	    {"foreground", no_argument, NULL, 'f'},
	    {"log-level", required_argument, NULL, 'l'},
	    {"unit-seconds", required_argument, NULL, 'u'},
	    {"t303", required_argument, NULL, 't'},
	    {"answer-timeout", required_argument, NULL, 'a'},
	    {"pidfile", required_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c, bad = 0;

	while ((c = getopt_long(argc, argv, "s:p:fl:u:t:a:P:h", lo, NULL)) !=
	       -1) {
		switch (c) {
		case 's':
			o->socket = optarg;
			break;
		case 'p':
			bad |= xchg_profile_parse(optarg, &o->conf.profile);
			break;
		case 'f':
			o->foreground = 1;
			break;
		case 'l':
			o->level = gw_log_level_parse(optarg);
			bad |= o->level < 0;
			break;
		case 'u':
			bad |= num_arg(optarg, &o->conf.unit_secs);
			break;
		case 't':
			bad |= num_arg(optarg, &o->conf.t303_secs);
			break;
		case 'a':
			bad |= num_arg(optarg, &o->conf.answer_secs);
			break;
		case 'P':
			o->pidfile = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			bad = 1;
			break;
		}
	}
	if (bad || o->socket == NULL || optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static void
write_pidfile(const char *path)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (path != NULL && gw_file_replace(path, buf, (size_t)n, 0644) < 0)
		gw_warn("isdnsim: %s: %s", path, strerror(errno));
}

static int
run(const struct opts *o, int fd)
{
	struct event_base *base = event_base_new();
	struct evconnlistener *lis = NULL;
	struct event *sigint = NULL, *sigterm = NULL;
	struct server srv = {NULL, NULL};
	struct client *cl;
	int rc = 1;

	if (base == NULL)
		goto out;
	srv.x = xchg_new(base, &o->conf);
	sigint = evsignal_new(base, SIGINT, on_signal, base);
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	lis = evconnlistener_new(base, on_accept, &srv, LEV_OPT_CLOSE_ON_FREE,
	                         -1, fd);
	if (srv.x == NULL || sigint == NULL || sigterm == NULL || lis == NULL ||
	    event_add(sigint, NULL) < 0 || event_add(sigterm, NULL) < 0)
		goto out;
	fd = -1;
	gw_notice("isdnsim: listening on %s, profile %s", o->socket,
	          xchg_profile_name(o->conf.profile));
	rc = event_base_dispatch(base) < 0;
out:
	if (fd >= 0)
		close(fd);
	while ((cl = srv.clients) != NULL) {
		srv.clients = cl->next;
		client_release(cl);
	}
	if (lis != NULL)
		evconnlistener_free(lis);
	if (sigint != NULL)
		event_free(sigint);
	if (sigterm != NULL)
		event_free(sigterm);
	xchg_free(srv.x);
	if (base != NULL)
		event_base_free(base);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o;
	int fd, rc;

	memset(&o, 0, sizeof(o));
	o.level = GW_LOG_NOTICE;
	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	(void)signal(SIGPIPE, SIG_IGN);
	fd = listen_unix(o.socket);
	if (fd < 0)
		return 1;
	/* The socket exists before the parent returns, so a script may
	 * connect right after starting the daemon. */
	if (!o.foreground && daemon(0, 0) < 0) {
		fprintf(stderr, "isdnsim: daemon: %s\n", strerror(errno));
		return 1;
	}
	gw_log_init("isdnsim", !o.foreground, o.level);
	write_pidfile(o.pidfile);
	rc = run(&o, fd);
	(void)unlink(o.socket);
	if (o.pidfile != NULL)
		(void)unlink(o.pidfile);
	return rc;
}
