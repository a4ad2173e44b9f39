/*
 * dp_nl.c - two rtnetlink requests (a policy rule and a route), each sent
 * with an acknowledgement requested so that failures are reported, not
 * lost.  Addresses are host order.
 */
#include "dp_nl.h"

#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct nl_req {
	struct nlmsghdr h;
	union {
		struct rtmsg rt;
		struct fib_rule_hdr fr;
	} u;
	char attrs[128];
};

static void
add_attr(struct nl_req *r, uint16_t type, const void *data, uint16_t len)
{
	struct rtattr *a =
	    (struct rtattr *)((char *)&r->h + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (uint16_t)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Sends one request and waits for its acknowledgement: 0 or -errno. */
static int
nl_talk(struct nl_req *r)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	char buf[1024];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int err = -EIO;
	ssize_t n;

	if (fd < 0)
		return -errno;
	r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->h.nlmsg_seq = 1;
	if (sendto(fd, r, r->h.nlmsg_len, 0, (struct sockaddr *)&sa,
	           sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;

		if (h->nlmsg_type == NLMSG_ERROR)
			err = ((const struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
	close(fd);
	return err;
}

int
dp_nl_rule(int add, uint32_t mark, uint32_t table)
{
	struct nl_req r;
	uint32_t mask = 0xffffffff;
	int err;

	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(r.u.fr));
	r.h.nlmsg_type = add ? RTM_NEWRULE : RTM_DELRULE;
	r.h.nlmsg_flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
	r.u.fr.family = AF_INET;
	r.u.fr.action = FR_ACT_TO_TBL;
	r.u.fr.flags = FIB_RULE_INVERT;
	r.u.fr.table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	add_attr(&r, FRA_TABLE, &table, sizeof(table));
	add_attr(&r, FRA_PRIORITY, &table, sizeof(table));
	add_attr(&r, FRA_FWMARK, &mark, sizeof(mark));
	add_attr(&r, FRA_FWMASK, &mask, sizeof(mask));
	err = nl_talk(&r);
	if (err == -EEXIST)
		err = 0;
	if (err < 0)
		gw_warn("%s: %s rule for table %u: %s", __func__,
		        add ? "adding" : "removing", table, strerror(-err));
	return err < 0 ? -1 : 0;
}

int
dp_nl_route(int add, uint32_t dst, uint8_t plen, int ifindex, uint32_t table)
{
	struct nl_req r;
	uint32_t d = htonl(dst), oif = (uint32_t)ifindex;
	int err;

	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(r.u.rt));
	r.h.nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	r.h.nlmsg_flags = add ? NLM_F_CREATE | NLM_F_REPLACE : 0;
	r.u.rt.rtm_family = AF_INET;
	r.u.rt.rtm_dst_len = plen;
	r.u.rt.rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	r.u.rt.rtm_protocol = RTPROT_STATIC;
	r.u.rt.rtm_scope = RT_SCOPE_LINK;
	r.u.rt.rtm_type = RTN_UNICAST;
	add_attr(&r, RTA_TABLE, &table, sizeof(table));
	add_attr(&r, RTA_DST, &d, sizeof(d));
	add_attr(&r, RTA_OIF, &oif, sizeof(oif));
	err = nl_talk(&r);
	if (err < 0 && !(err == -ESRCH && !add))
		gw_warn("%s: %s route %u.%u.%u.%u/%u: %s", __func__,
		        add ? "adding" : "removing", dst >> 24,
		        (dst >> 16) & 0xff, (dst >> 8) & 0xff, dst & 0xff, plen,
		        strerror(-err));
	return err < 0 ? -1 : 0;
}
