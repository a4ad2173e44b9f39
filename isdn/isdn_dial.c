/*
 * isdn_dial.c - a test endpoint for isdnsim: one gateway's ISDN side with
 * one peer, using the sim driver and the callback logic exactly as the
 * agent will.  As caller it makes callbacks and prints how each ended; as
 * callee it prints every callback it receives; --ctl sends one control
 * command to isdnsim.  Output is one "key=value" line per event so shell
 * tests can check it (tests/integration/isdn_sim.sh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "common.h"
#include "isdn.h"
#include "isdn_cb.h"
#include "isdn_frame.h"

struct dial {
	struct event_base *base;
	struct isdn_line *line;
	struct isdn_cb *cb;
	struct isdn_cb_peer peer;
	const char *socket;
	const char *own;
	const char *call;
	const char *ctl;
	int listen;
	int busy;
	int use_prepare;
	uint8_t addr[4];
	int have_addr;
	uint32_t lifetime;
	unsigned calls, done, count, seen;
	unsigned timeout;
	int rc;
	struct isdn_token slots[4];
	struct isdn_token_store tokens;
};

static int64_t
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static void
hex(const uint8_t *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static void
print_xfer(const char *what, unsigned n, const struct isdn_xfer *x)
{
	char a[INET_ADDRSTRLEN], t[2 * ISDN_TOKEN_LEN + 1];

	inet_ntop(AF_INET, x->addr, a, sizeof(a));
	hex(x->token, ISDN_TOKEN_LEN, t);
	printf("%s n=%u addr=%s token=%s\n", what, n, a, t);
	fflush(stdout);
}

static void start_next(struct dial *d);

static void
on_start_next(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	start_next(arg);
}

/* Leaves the loop a moment later so the last clearing messages reach
 * the exchange before the connection closes. */
static void
finish(struct dial *d, int rc)
{
	struct timeval tv = {0, 200000};

	d->rc = rc;
	event_base_loopexit(d->base, &tv);
}

static void
hook_done(void *arg, const struct isdn_cb_result *r)
{
	struct dial *d = arg;
	struct timeval tv = {0, 0};

	d->done++;
	printf("result n=%u res=%s via=%s sent=%s b=%d cause=%u connected=%d "
	       "units=%u detected=%s\n",
	       d->done, isdn_cb_res_str(r->res), isdn_via_str(r->via),
	       r->sent ? isdn_via_str(r->sent) : "none", r->b_allowed, r->cause,
	       r->connected, r->units,
	       r->detected ? isdn_via_str(r->detected) : "none");
	fflush(stdout);
	if (d->done >= d->calls)
		finish(d, 0);
	else
		event_base_once(d->base, -1, EV_TIMEOUT, on_start_next, d, &tv);
}

/* C4 step 2, after C5: create the token, then continue asynchronously
 * the way an agent waiting for its interface would. */
static void
on_ready(evutil_socket_t fd, short what, void *arg)
{
	struct dial *d = arg;
	struct isdn_token *t = NULL;
	struct isdn_xfer x;
	enum isdn_token_err e;

	(void)fd;
	(void)what;
	memset(&x, 0, sizeof(x));
	if (d->peer.transfer_ip) {
		e = isdn_token_create(&d->tokens, d->peer.id, d->addr, now_s(),
		                      d->lifetime, &t);
		if (e != ISDN_TOKEN_OK) {
			fprintf(stderr, "isdn_dial: token: %s\n",
			        isdn_token_err_str(e));
			(void)isdn_cb_ready(d->cb, d->peer.id, 0, NULL);
			return;
		}
		memcpy(x.addr, t->addr, 4);
		memcpy(x.token, t->token, ISDN_TOKEN_LEN);
		print_xfer("sent", d->done + 1, &x);
	}
	(void)isdn_cb_ready(d->cb, d->peer.id, 1, &x);
}

static void
hook_prepare(void *arg, uint32_t peer_id)
{
	struct dial *d = arg;
	struct timeval tv = {0, 0};

	printf("prepare n=%u peer=%u\n", d->done + 1, peer_id);
	event_base_once(d->base, -1, EV_TIMEOUT, on_ready, d, &tv);
}

static int
hook_lookup(void *arg, const char *calling, struct isdn_cb_peer *out)
{
	struct dial *d = arg;

	if (!isdn_number_match(d->peer.incoming, calling))
		return -1;
	*out = d->peer;
	return 0;
}

static void
hook_received(void *arg, const struct isdn_cb_event *ev)
{
	static const char *const verdicts[] = {"", "accepted", "refused",
	                                       "unknown"};
	struct dial *d = arg;

	d->seen++;
	printf("received n=%u verdict=%s peer=%u via=%s bad=%s calling=%s "
	       "called=%s\n",
	       d->seen, verdicts[ev->verdict], ev->peer_id,
	       isdn_via_str(ev->via), ev->bad ? isdn_via_str(ev->bad) : "none",
	       ev->calling[0] ? ev->calling : "-", ev->called);
	if (ev->has_xfer)
		print_xfer("xfer", d->seen, &ev->xfer);
	fflush(stdout);
	if (d->count > 0 && d->seen >= d->count)
		finish(d, 0);
}

static void
start_next(struct dial *d)
{
	struct isdn_cb_plan plan;
	enum isdn_cb_res r;
	unsigned det = isdn_cb_detected(d->cb, d->peer.id);

	if (isdn_cb_plan(&d->peer, det, &plan) == 0)
		printf("plan n=%u carry=%s b=%d detected=%s\n", d->done + 1,
		       plan.carry ? isdn_via_str(plan.carry) : "none",
		       plan.b_allowed, det ? isdn_via_str(det) : "none");
	fflush(stdout);
	r = isdn_cb_start(d->cb, &d->peer, NULL);
	if (r != ISDN_CB_OK) {
		printf("result n=%u res=%s\n", d->done + 1, isdn_cb_res_str(r));
		fflush(stdout);
		finish(d, 0);
	}
}

/* --busy: a line that is always busy, without the callback logic. */
static void
busy_incoming(void *arg, uint32_t call, const struct isdn_setup *s)
{
	struct dial *d = arg;
	struct isdn_cause c = {.value = ISDN_CAUSE_BUSY};

	printf("busy calling=%s\n", s->calling);
	fflush(stdout);
	(void)isdn_line_hangup(d->line, call, &c);
}

static void
line_state(void *arg, int up)
{
	struct dial *d = arg;

	printf("line %s\n", up ? "up" : "down");
	fflush(stdout);
	if (up && d->call != NULL && d->done == 0)
		start_next(d);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	printf("timeout\n");
	fflush(stdout);
	finish(arg, 1);
}

static int
parse_mode(const char *s, struct isdn_cb_peer *p)
{
	static const char *const m[] = {"", "disabled", "passive", "active",
	                                "both"};
	int i;

	for (i = 1; i <= 4; i++)
		if (strcmp(s, m[i]) == 0) {
			p->mode = (enum isdn_cb_mode)i;
			return 0;
		}
	return -1;
}

static int
parse_xfer(const char *s, struct isdn_cb_peer *p)
{
	static const char *const m[] = {"none", "auto", "auto-d",
	                                "d",    "d-b",  "b"};
	int i;

	for (i = 0; i <= 5; i++)
		if (strcmp(s, m[i]) == 0) {
			p->transfer_ip = i != 0;
			if (i != 0)
				p->xfer_mode = (enum isdn_xfer_mode)i;
			return 0;
		}
	return -1;
}

static int
parse_dmode(const char *s, struct isdn_cb_peer *p)
{
	if (strcmp(s, "llc") == 0)
		p->dmode = ISDN_DM_LLC;
	else if (strcmp(s, "subaddr") == 0)
		p->dmode = ISDN_DM_SUBADDR;
	else if (strcmp(s, "both") == 0)
		p->dmode = ISDN_DM_LLC_SUBADDR;
	else
		return -1;
	return 0;
}

static int
copy_number(char *dst, const char *src)
{
	if (!isdn_number_valid(src))
		return -1;
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr,
	        "usage: isdn_dial --socket PATH --ctl CMD\n"
	        "       isdn_dial --socket PATH --number OWN [peer options]\n"
	        "                 (--call NUMBER [--calls N] [--addr IP] |\n"
	        "                  --listen [--count N] [--busy])\n"
	        "peer options: --peer-number N --peer-mode "
	        "disabled|passive|active|both\n"
	        "              --xfer none|auto|auto-d|d|d-b|b --dmode "
	        "llc|subaddr|both\n"
	        "other: --lifetime S --timeout S --no-prepare --log-level L\n");
}

static int
opt_one(struct dial *d, int c, const char *arg)
{
	switch (c) {
	case 's':
		d->socket = arg;
		return 0;
	case 'n':
		d->own = arg;
		return isdn_number_valid(arg) ? 0 : -1;
	case 'c':
		d->call = arg;
		return copy_number(d->peer.outgoing, arg);
	case 'L':
		d->listen = 1;
		return 0;
	case 'C':
		d->ctl = arg;
		return 0;
	case 'p':
		return copy_number(d->peer.incoming, arg);
	case 'm':
		return parse_mode(arg, &d->peer);
	case 'x':
		return parse_xfer(arg, &d->peer);
	case 'd':
		return parse_dmode(arg, &d->peer);
	case 'a':
		d->have_addr = 1;
		return inet_pton(AF_INET, arg, d->addr) == 1 ? 0 : -1;
	case 'k':
		d->calls = (unsigned)strtoul(arg, NULL, 10);
		return d->calls > 0 ? 0 : -1;
	case 'K':
		d->count = (unsigned)strtoul(arg, NULL, 10);
		return 0;
	case 'b':
		d->busy = 1;
		return 0;
	case 'T':
		d->lifetime = (uint32_t)strtoul(arg, NULL, 10);
		return d->lifetime > 0 ? 0 : -1;
	case 't':
		d->timeout = (unsigned)strtoul(arg, NULL, 10);
		return d->timeout > 0 ? 0 : -1;
	case 'P':
		d->use_prepare = 0;
		return 0;
	case 'l':
		gw_log_set_level(gw_log_level_parse(arg));
		return gw_log_level_parse(arg) < 0 ? -1 : 0;
	default:
		return -1;
	}
}

static int
parse(int argc, char **argv, struct dial *d)
{
	static const struct option lo[] = {
	    {"socket", required_argument, NULL, 's'},
	    {"number", required_argument, NULL, 'n'},
	    {"call", required_argument, NULL, 'c'},
	    {"listen", no_argument, NULL, 'L'},
	    {"ctl", required_argument, NULL, 'C'},
	    {"peer-number", required_argument, NULL, 'p'},
	    {"peer-mode", required_argument, NULL, 'm'},
	    {"xfer", required_argument, NULL, 'x'},
	    {"dmode", required_argument, NULL, 'd'},
	    {"addr", required_argument, NULL, 'a'},
	    {"calls", required_argument, NULL, 'k'},
	    {"count", required_argument, NULL, 'K'},
	    {"busy", no_argument, NULL, 'b'},
	    {"lifetime", required_argument, NULL, 'T'},
	    {"timeout", required_argument, NULL, 't'},
	    {"no-prepare", no_argument, NULL, 'P'},
	    {"log-level", required_argument, NULL, 'l'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1)
		if (opt_one(d, c, optarg) < 0) {
			usage();
			return -1;
		}
	if (d->socket == NULL || optind != argc ||
	    (d->ctl == NULL &&
	     (d->own == NULL || (d->call == NULL) == !d->listen)) ||
	    (d->call != NULL && d->peer.transfer_ip && !d->have_addr)) {
		usage();
		return -1;
	}
	return 0;
}

/* One control command over a plain blocking socket. */
static int
ctl(const char *path, const char *cmd)
{
	uint8_t hdr[ISDN_FRAME_HDR],
	    buf[ISDN_FRAME_HDR + ISDN_FRAME_PAYLOAD_MAX];
	const uint8_t *payload;
	size_t len = 0, plen, used;
	struct sockaddr_un sa;
	uint8_t type;
	ssize_t n;
	int fd, r = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path) ||
	    isdn_frame_header(ISDN_FRAME_CTL, strlen(cmd), hdr) < 0)
		return 1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr) ||
	    write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd)) {
		fprintf(stderr, "isdn_dial: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	while (r == 0 && len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		r = isdn_frame_parse(buf, len, &type, &payload, &plen, &used);
	}
	close(fd);
	if (r != 1 || type != ISDN_FRAME_CTL_REPLY)
		return 1;
	fwrite(payload, 1, plen, stdout);
	return 0;
}

static int
setup(struct dial *d)
{
	static const struct isdn_line_cbs busy = {.incoming = busy_incoming,
	                                          .state = line_state};
	struct isdn_cb_hooks hooks = {.lookup = hook_lookup,
	                              .received = hook_received,
	                              .done = hook_done,
	                              .line_state = line_state};
	struct isdn_cb_conf conf;
	struct isdn_sim_conf sc = {
	    .path = d->socket, .msns = &d->own, .n_msns = 1, .reconnect_ms = 0};

	d->line = isdn_sim_open(d->base, &sc);
	if (d->line == NULL)
		return -1;
	if (d->busy) {
		isdn_line_set_cbs(d->line, &busy, d);
		return 0;
	}
	memset(&conf, 0, sizeof(conf));
	memcpy(conf.own_number, d->own, strlen(d->own) + 1);
	if (d->use_prepare)
		hooks.prepare = hook_prepare;
	d->cb = isdn_cb_new(d->base, d->line, &conf, &hooks, d);
	return d->cb == NULL ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct dial d;
	struct event *tmo;
	struct timeval tv;

	memset(&d, 0, sizeof(d));
	d.peer.id = 1;
	d.peer.mode = ISDN_CB_BOTH;
	d.peer.xfer_mode = ISDN_XM_AUTO_D_OR_B;
	d.peer.dmode = ISDN_DM_LLC;
	d.calls = 1;
	d.count = 1;
	d.lifetime = 120;
	d.timeout = 20;
	d.use_prepare = 1;
	gw_log_init("isdn_dial", 0, GW_LOG_WARNING);
	if (parse(argc, argv, &d) < 0)
		return 2;
	if (d.ctl != NULL)
		return ctl(d.socket, d.ctl);
	isdn_token_store_init(&d.tokens, d.slots, 4);
	d.base = event_base_new();
	if (d.base == NULL || setup(&d) < 0) {
		fprintf(stderr, "isdn_dial: cannot set up the line\n");
		return 1;
	}
	tmo = evtimer_new(d.base, on_timeout, &d);
	tv.tv_sec = d.timeout;
	tv.tv_usec = 0;
	evtimer_add(tmo, &tv);
	d.rc = 1;
	event_base_dispatch(d.base);
	event_free(tmo);
	isdn_cb_free(d.cb);
	isdn_line_free(d.line);
	event_base_free(d.base);
	return d.rc;
}
