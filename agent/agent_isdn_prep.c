/*
 * agent_isdn_prep.c - C5, before a callback call: the interface to the
 * Internet is brought up and, with dynamic DNS, the new address is
 * propagated; only then is the peer called, so that it can reach us.
 * How that is done is the appliance's business, so it is a hook: the
 * script given with --isdn-prepare runs (without blocking the loop) as
 *
 *     SCRIPT PEER_INDEX OUTGOING_NUMBER
 *
 * exits 0 when we are online, and may print the address to transfer on
 * its first line of output.  Without a script the hook only logs.  The
 * address is otherwise --ike-bind, or the source address of the default
 * route, or the first address of an interface that is up.
 */
#include "agent_isdn.h"

#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define OUT_MAX 64

struct prep {
	struct prep *next;
	int32_t peer;
	pid_t pid;
	int fd;
	struct event *rd;
	struct event *reap;
	char out[OUT_MAX];
	size_t out_len;
	agent_isdn_prep_done done;
	void *arg;
};

static struct prep *preps;

/* The source address towards TEST-NET-1: no packet is sent. */
static uint32_t
route_addr(void)
{
	struct sockaddr_in to = {0}, me = {0};
	socklen_t len = sizeof(me);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	uint32_t a = 0;

	if (fd < 0)
		return 0;
	to.sin_family = AF_INET;
	to.sin_port = htons(9);
	to.sin_addr.s_addr = htonl(0xc0000201); /* 192.0.2.1 */
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&me, &len) == 0)
		a = ntohl(me.sin_addr.s_addr);
	close(fd);
	return a;
}

/* The first IPv4 address of an interface that is up, not loopback and
 * not point-to-point (our own tunnel device is one). */
static uint32_t
iface_addr(void)
{
	struct ifaddrs *all, *i;
	uint32_t a = 0;

	if (getifaddrs(&all) < 0)
		return 0;
	for (i = all; i != NULL && a == 0; i = i->ifa_next)
		if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET &&
		    (i->ifa_flags & IFF_UP) &&
		    !(i->ifa_flags & (IFF_LOOPBACK | IFF_POINTOPOINT)))
			a = ntohl(((struct sockaddr_in *)(void *)i->ifa_addr)
			              ->sin_addr.s_addr);
	freeifaddrs(all);
	return a;
}

uint32_t
agent_isdn_local_addr(uint32_t bind)
{
	uint32_t a;

	if (bind != 0)
		return bind;
	a = route_addr();
	return a != 0 ? a : iface_addr();
}

static void
prep_free(struct prep *p)
{
	struct prep **pp;

	for (pp = &preps; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	if (p->rd != NULL)
		event_free(p->rd);
	if (p->reap != NULL)
		event_free(p->reap);
	if (p->fd >= 0)
		close(p->fd);
	free(p);
}

/* The script's verdict and the address it printed, if any. */
static void
finish(struct prep *p, int status)
{
	agent_isdn_prep_done done = p->done;
	void *arg = p->arg;
	int32_t peer = p->peer;
	struct in_addr a = {0};
	int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;

	p->out[strcspn(p->out, "\r\n \t")] = '\0';
	if (ok && p->out[0] != '\0' && inet_pton(AF_INET, p->out, &a) != 1) {
		gw_warn("--isdn-prepare for peer %d printed '%s', not an IPv4 "
		        "address",
		        peer, p->out);
		ok = 0;
	}
	if (!ok)
		gw_warn("--isdn-prepare for peer %d failed (%s %d)", peer,
		        WIFEXITED(status) ? "exit status" : "signal",
		        WIFEXITED(status) ? WEXITSTATUS(status)
		                          : WTERMSIG(status));
	prep_free(p);
	done(arg, peer, ok, ntohl(a.s_addr));
}

/* After EOF the script is about to exit: collect it without blocking. */
static void
on_reap(evutil_socket_t fd, short what, void *arg)
{
	struct prep *p = arg;
	struct timeval tv = {0, 20000};
	int status = 0;
	pid_t r;

	(void)fd;
	(void)what;
	r = waitpid(p->pid, &status, WNOHANG);
	if (r == 0) {
		evtimer_add(p->reap, &tv);
		return;
	}
	finish(p, r == p->pid ? status : 1 << 8);
}

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	struct prep *p = arg;
	char buf[256];
	ssize_t n;
	size_t k;

	(void)what;
	n = read(fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		k = (size_t)n < OUT_MAX - 1 - p->out_len
		        ? (size_t)n
		        : OUT_MAX - 1 - p->out_len;
		memcpy(p->out + p->out_len, buf, k);
		p->out_len += k;
		p->out[p->out_len] = '\0';
		return;
	}
	event_del(p->rd);
	on_reap(-1, 0, p);
}

/* stdin /dev/null, stdout to us, stderr to our log; no other fd. */
static int
spawn(struct prep *p, const char *script, const char *number)
{
	posix_spawn_file_actions_t fa;
	char peer[16];
	char *argv[4] = {strdup(script), peer, strdup(number), NULL};
	int fds[2], rc = ENOMEM;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		free(argv[0]);
		free(argv[2]);
		return -1;
	}
	(void)snprintf(peer, sizeof(peer), "%d", (int)p->peer);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	if (argv[0] != NULL && argv[2] != NULL)
		rc = posix_spawn(&p->pid, script, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(argv[0]);
	free(argv[2]);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		errno = rc;
		return -1;
	}
	p->fd = fds[0];
	(void)fcntl(p->fd, F_SETFL, O_NONBLOCK);
	return 0;
}

int
agent_isdn_prep_start(struct event_base *base, const char *script, int32_t peer,
                      const char *number, agent_isdn_prep_done done, void *arg)
{
	struct prep *p;

	if (script == NULL) {
		gw_notice("callback to peer %d: C5 hook: no --isdn-prepare "
		          "script, the interface is taken as up",
		          peer);
		done(arg, peer, 1, 0);
		return 0;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -1;
	p->peer = peer;
	p->fd = -1;
	p->done = done;
	p->arg = arg;
	if (spawn(p, script, number) < 0) {
		gw_err("--isdn-prepare %s: %s", script, strerror(errno));
		free(p);
		return -1;
	}
	p->next = preps;
	preps = p;
	p->rd = event_new(base, p->fd, EV_READ | EV_PERSIST, on_read, p);
	p->reap = evtimer_new(base, on_reap, p);
	if (p->rd == NULL || p->reap == NULL || event_add(p->rd, NULL) < 0) {
		agent_isdn_prep_cancel(peer);
		return -1;
	}
	gw_notice("callback to peer %d: C5 hook: %s %d %s (pid %d)", peer,
	          script, peer, number, (int)p->pid);
	return 0;
}

/* Ends a script that is still running for the peer (timeout, stop). */
void
agent_isdn_prep_cancel(int32_t peer)
{
	struct prep *p;

	for (p = preps; p != NULL && p->peer != peer; p = p->next)
		;
	if (p == NULL)
		return;
	if (p->pid > 0 && kill(p->pid, SIGKILL) == 0)
		(void)waitpid(p->pid, NULL, 0);
	prep_free(p);
}

int
agent_isdn_prep_running(int32_t peer)
{
	const struct prep *p;

	for (p = preps; p != NULL && p->peer != peer; p = p->next)
		;
	return p != NULL;
}

void
agent_isdn_prep_stop(void)
{
	while (preps != NULL)
		agent_isdn_prep_cancel(preps->peer);
}
