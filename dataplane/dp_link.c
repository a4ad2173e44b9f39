/*
 * dp_link.c - link state changes from rtnetlink (RTNLGRP_LINK), for "sync
 * SAs with local interface" (A): when an interface goes from up to down,
 * the SAs whose traffic used it are deleted.  Only transitions count: the
 * first message about an interface just records its state.
 */
#include "dataplane.h"

#include "common.h"

#include <event2/event.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINK_MAX 256

struct dp_link_watch {
	int fd;
	struct event *ev;
	dp_link_down_fn cb;
	void *arg;
	int index[LINK_MAX];
	uint8_t up[LINK_MAX];
	size_t n;
};

static int
usable(unsigned flags)
{
	return (flags & IFF_UP) && (flags & IFF_RUNNING);
}

/* 1 if the link was known to be up and is not any more. */
static int
went_down(struct dp_link_watch *w, int index, unsigned flags)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->index[i] == index) {
			int was = w->up[i];

			w->up[i] = (uint8_t)usable(flags);
			return was && !w->up[i];
		}
	if (w->n < LINK_MAX) {
		w->index[w->n] = index;
		w->up[w->n++] = (uint8_t)usable(flags);
	}
	return 0;
}

static void
link_msg(struct dp_link_watch *w, const struct nlmsghdr *h)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct rtattr *a;
	int alen = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));
	char name[IFNAMSIZ] = "";

	if (alen < 0)
		return;
	for (a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen))
		if (a->rta_type == IFLA_IFNAME) {
			size_t n = RTA_PAYLOAD(a) < IFNAMSIZ ? RTA_PAYLOAD(a)
			                                     : IFNAMSIZ - 1;

			memcpy(name, RTA_DATA(a), n);
			name[n] = '\0';
		}
	if ((h->nlmsg_type == RTM_DELLINK ||
	     went_down(w, ifi->ifi_index, ifi->ifi_flags)) &&
	    name[0] != '\0') {
		gw_info("interface %s went down", name);
		w->cb(w->arg, name);
	}
}

static void
on_netlink(evutil_socket_t fd, short what, void *arg)
{
	struct dp_link_watch *w = arg;
	char buf[8192];
	ssize_t n;

	(void)what;
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		const struct nlmsghdr *h;
		int len = (int)n;

		for (h = (const struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len))
			if (h->nlmsg_type == RTM_NEWLINK ||
			    h->nlmsg_type == RTM_DELLINK)
				link_msg(w, h);
	}
}

/* Subscribes, then asks for every link once to learn the starting state. */
struct dp_link_watch *
dp_link_watch_new(struct event_base *base, dp_link_down_fn cb, void *arg)
{
	struct dp_link_watch *w = calloc(1, sizeof(*w));
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK,
	                         .nl_groups = RTMGRP_LINK};
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req;

	if (w == NULL)
		return NULL;
	w->cb = cb;
	w->arg = arg;
	w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	               NETLINK_ROUTE);
	if (w->fd < 0 || bind(w->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETLINK;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.i.ifi_family = AF_UNSPEC;
	if (send(w->fd, &req, sizeof(req), 0) < 0)
		goto fail;
	w->ev = event_new(base, w->fd, EV_READ | EV_PERSIST, on_netlink, w);
	if (w->ev == NULL || event_add(w->ev, NULL) < 0)
		goto fail;
	return w;
fail:
	gw_warn("%s: no link state from rtnetlink", __func__);
	dp_link_watch_free(w);
	return NULL;
}

void
dp_link_watch_free(struct dp_link_watch *w)
{
	if (w == NULL)
		return;
	if (w->ev != NULL)
		event_free(w->ev);
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}
