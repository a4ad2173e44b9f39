/*
 * agent_ev.c - drives Net-SNMP from the libevent loop (the lldpd/FRR
 * model): after every Net-SNMP activity the set of its descriptors and its
 * next timeout are read again with snmp_select_info2 and mirrored as
 * one-shot libevent events, so AgentX reconnects that reuse an fd number
 * are picked up and a slow SNMP client never stalls the rest of the daemon.
 */
#include "agent_snmp.h"

#include "common.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include <event2/event.h>
#include <event2/util.h>
#include <stdlib.h>

struct ev_watch {
	struct agent_ev *ev;
	struct event *e;
	int fd;
	struct ev_watch *next;
};

struct agent_ev {
	struct event_base *base;
	struct event *timeout;
	struct ev_watch *watches;
};

static void ev_read_cb(evutil_socket_t fd, short what, void *arg);

/* After Net-SNMP did something: store, run queued requests, re-sync. */
static void
ev_post(struct agent_ev *ev)
{
	snmp_store_if_needed();
	netsnmp_check_outstanding_agent_requests();
	agent_ev_update(ev);
}

static void
ev_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	snmp_timeout();
	run_alarms();
	ev_post(arg);
}

static void
watch_free(struct ev_watch *w)
{
	if (w->e != NULL)
		event_free(w->e);
	free(w);
}

void
agent_ev_update(struct agent_ev *ev)
{
	netsnmp_large_fd_set fds;
	struct timeval tv = {0, 0};
	struct ev_watch **wp, *w;
	int maxfd = 0, block = 1, fd;

	netsnmp_large_fd_set_init(&fds, FD_SETSIZE);
	snmp_select_info2(&maxfd, &fds, &tv, &block);
	/* Drop watches for descriptors Net-SNMP no longer uses. */
	for (wp = &ev->watches; (w = *wp) != NULL;) {
		if (w->fd >= maxfd || !NETSNMP_LARGE_FD_ISSET(w->fd, &fds)) {
			*wp = w->next;
			watch_free(w);
		} else {
			wp = &w->next;
		}
	}
	for (fd = 0; fd < maxfd; fd++) {
		if (!NETSNMP_LARGE_FD_ISSET(fd, &fds))
			continue;
		for (w = ev->watches; w != NULL && w->fd != fd; w = w->next)
			;
		if (w != NULL)
			continue;
		w = calloc(1, sizeof(*w));
		if (w == NULL)
			break;
		w->ev = ev;
		w->fd = fd;
		evutil_make_socket_nonblocking(fd);
		w->e = event_new(ev->base, fd, EV_READ, ev_read_cb, w);
		if (w->e == NULL || event_add(w->e, NULL) < 0) {
			watch_free(w);
			break;
		}
		w->next = ev->watches;
		ev->watches = w;
	}
	evtimer_del(ev->timeout);
	if (!block)
		evtimer_add(ev->timeout, &tv);
	netsnmp_large_fd_set_cleanup(&fds);
}

static void
ev_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ev_watch *w = arg, **wp;
	struct agent_ev *ev = w->ev;
	netsnmp_large_fd_set fds;

	(void)what;
	/* The event fired once; forget it so update re-arms this fd. */
	for (wp = &ev->watches; *wp != NULL; wp = &(*wp)->next)
		if (*wp == w) {
			*wp = w->next;
			break;
		}
	watch_free(w);
	netsnmp_large_fd_set_init(&fds, FD_SETSIZE);
	netsnmp_large_fd_setfd(fd, &fds);
	snmp_read2(&fds);
	netsnmp_large_fd_set_cleanup(&fds);
	ev_post(ev);
}

struct agent_ev *
agent_ev_new(struct event_base *base)
{
	struct agent_ev *ev = calloc(1, sizeof(*ev));

	if (ev == NULL)
		return NULL;
	ev->base = base;
	ev->timeout = evtimer_new(base, ev_timeout_cb, ev);
	if (ev->timeout == NULL) {
		free(ev);
		return NULL;
	}
	agent_ev_update(ev);
	return ev;
}

void
agent_ev_free(struct agent_ev *ev)
{
	struct ev_watch *w;

	if (ev == NULL)
		return;
	while ((w = ev->watches) != NULL) {
		ev->watches = w->next;
		watch_free(w);
	}
	event_free(ev->timeout);
	free(ev);
}
