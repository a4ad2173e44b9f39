/*
 * dp_engine.c - the dataplane's packet paths and SA database.
 *
 * Outbound: inner packets routed into the TUN device are read in batches,
 * looked up in the SPD (first match: pass, drop, protect; no match: the
 * default action), protected with the rule's newest SA, and sent as whole
 * IPv4 packets through one marked raw socket in one sendmmsg per batch.
 * A protect rule without an SA keeps the latest packet and asks for an SA
 * (acquire); the packet leaves as soon as the SA arrives.
 *
 * Inbound: ESP and AH from raw sockets (recvmmsg batches) or ESP in UDP from
 * IKE's NAT-T socket; the SA is found by SPI, the packet decapsulated, the
 * inner packet checked against the SA's selectors and written to the TUN.
 *
 * The buffers of a batch are part of struct dataplane: nothing is allocated
 * per packet.
 */
#include "dataplane.h"
#include "dp_io.h"
#include "dp_nl.h"
#include "dp_pmtu.h"
#include "dp_sa.h"
#include "dp_spd.h"

#include "common.h"

#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DP_BATCH      32
#define DP_PKT_MAX    9216
#define DP_MAX_ROUTES 4096

struct dp_slot {
	struct dp_sa *sa;
	struct dp_sa_conf conf; /* keys zeroed */
	time_t added;
	uint64_t seq; /* installation order: the newest SA wins */
	uint64_t err_policy;
	uint16_t
	    path_mtu; /* towards the peer, with propagate PMTU; 0: unknown */
};

struct dp_pending {
	uint8_t pkt[DP_PKT_MAX];
	size_t len;
	time_t last_acquire;
};

struct dp_route {
	uint32_t dst;
	uint8_t plen;
};

struct dataplane {
	struct event_base *base;
	struct dp_conf conf;
	struct dp_callbacks cb;
	void *arg;
	int tun_fd, ifindex, rx_esp, rx_ah, tx;
	struct event *ev_tun, *ev_esp, *ev_ah, *ev_timer;
	uint8_t enabled, default_pass;
	struct dp_spd *spd;
	struct dp_slot **rule_sa; /* per rule position */
	uint64_t *rule_hits;
	struct dp_pending **pending;
	struct dp_slot **sas;
	size_t nsas;
	uint64_t seq;
	struct dp_route *routes;
	size_t nroutes;
	struct dp_stats st;
	unsigned since_check; /* packets since the last lifetime check */
	/* batch buffers */
	uint8_t in[DP_BATCH][DP_PKT_MAX];
	uint8_t out[DP_BATCH][DP_PKT_MAX + DP_SA_OVERHEAD];
	uint8_t frag[DP_PKT_MAX + DP_SA_OVERHEAD]; /* a packet being split */
	struct mmsghdr msg[DP_BATCH];
	struct iovec iov[DP_BATCH];
	struct sockaddr_in addr[DP_BATCH];
	size_t nout;
};

/* ---- SA database ---- */

static struct dp_slot *
slot_by_spi(const struct dataplane *dp, uint8_t proto, uint32_t spi)
{
	size_t i;
	uint8_t doi = proto == DP_PROTO_AH ? DP_DOI_AH : DP_DOI_ESP;

	for (i = 0; i < dp->nsas; i++)
		if (dp->sas[i]->conf.spi_in == spi &&
		    dp->sas[i]->conf.proto == doi)
			return dp->sas[i];
	return NULL;
}

static struct dp_slot *
slot_by_index(const struct dataplane *dp, uint32_t index, size_t *pos)
{
	size_t i;

	for (i = 0; i < dp->nsas; i++)
		if (dp->sas[i]->conf.index == index) {
			if (pos != NULL)
				*pos = i;
			return dp->sas[i];
		}
	return NULL;
}

/* The newest SA serving the rule at position i, or NULL. */
static struct dp_slot *
newest_for(const struct dataplane *dp, const struct dp_rule *r)
{
	struct dp_slot *best = NULL;
	size_t i;

	for (i = 0; i < dp->nsas; i++) {
		struct dp_slot *s = dp->sas[i];

		if (s->conf.traffic == r->index && s->conf.peer == r->peer &&
		    (best == NULL || s->seq > best->seq))
			best = s;
	}
	return best;
}

static void
relink_rules(struct dataplane *dp)
{
	size_t i, n = dp->spd != NULL ? dp_spd_count(dp->spd) : 0;

	for (i = 0; i < n; i++) {
		const struct dp_rule *r = dp_spd_rule(dp->spd, i);

		dp->rule_sa[i] =
		    r->action == DP_PROTECT ? newest_for(dp, r) : NULL;
	}
}

/* ---- output ---- */

static void
queue_out(struct dataplane *dp, size_t len, uint32_t dst)
{
	size_t k = dp->nout++;

	dp->iov[k].iov_base = dp->out[k];
	dp->iov[k].iov_len = len;
	memset(&dp->addr[k], 0, sizeof(dp->addr[k]));
	dp->addr[k].sin_family = AF_INET;
	dp->addr[k].sin_addr.s_addr = htonl(dst);
	memset(&dp->msg[k], 0, sizeof(dp->msg[k]));
	dp->msg[k].msg_hdr.msg_iov = &dp->iov[k];
	dp->msg[k].msg_hdr.msg_iovlen = 1;
	dp->msg[k].msg_hdr.msg_name = &dp->addr[k];
	dp->msg[k].msg_hdr.msg_namelen = sizeof(dp->addr[k]);
}

/* One sendmmsg for the batch; packets the kernel refuses are errors. */
static void
flush_out(struct dataplane *dp)
{
	size_t done = 0;

	while (done < dp->nout) {
		int n;

		if (dp->tx < 0)
			break;
		n = sendmmsg(dp->tx, dp->msg + done,
		             (unsigned)(dp->nout - done), 0);
		if (n <= 0) {
			/* Skip the packet the kernel refused (no route, ...).
			 */
			dp->st.out_errors++;
			done++;
			continue;
		}
		done += (size_t)n;
	}
	dp->nout = 0;
}

static void
send_plain(struct dataplane *dp, const uint8_t *pkt, size_t len,
           const struct dp_flow *f)
{
	if (dp->nout == DP_BATCH)
		flush_out(dp);
	memcpy(dp->out[dp->nout], pkt, len);
	queue_out(dp, len, f->dst);
	dp->st.out_passed++;
}

/*
 * Propagate PMTU: the protected packet would exceed the path MTU to the
 * peer and its sender forbade fragmentation; the sender is told how much
 * fits into the tunnel (ICMP fragmentation needed), as a router would.
 */
static void
too_big(struct dataplane *dp, const struct dp_slot *s, const uint8_t *pkt,
        size_t len, size_t olen)
{
	uint16_t mtu = dp_pmtu_inner(len, olen, s->path_mtu);
	size_t n =
	    dp_pmtu_icmp(pkt, len, mtu, dp->out[dp->nout], sizeof(dp->out[0]));

	dp->st.out_dropped++;
	if (n == 0)
		return;
	queue_out(dp, n, dp_pmtu_src(pkt));
}

/*
 * The protected packet in the next output slot is larger than the path
 * MTU and carries no DF: it leaves in fragments, which the peer's kernel
 * reassembles before its raw socket sees the packet.
 */
static void
send_fragments(struct dataplane *dp, const struct dp_slot *s, size_t olen)
{
	size_t off = 0, n;

	memcpy(dp->frag, dp->out[dp->nout], olen);
	for (;;) {
		if (dp->nout == DP_BATCH)
			flush_out(dp);
		n = dp_pmtu_frag(dp->frag, olen, s->path_mtu, &off,
		                 dp->out[dp->nout]);
		if (n == 0)
			break;
		queue_out(dp, n, s->conf.remote);
	}
	dp->st.out_protected++;
}

static void
send_protected(struct dataplane *dp, struct dp_slot *s, const uint8_t *pkt,
               size_t len)
{
	size_t olen;
	int rc;

	if (dp->nout == DP_BATCH)
		flush_out(dp);
	rc = dp_sa_encap(s->sa, pkt, len, dp->out[dp->nout], sizeof(dp->out[0]),
	                 &olen);
	if (rc != DP_OK) {
		dp->st.out_errors++;
		return;
	}
	if (s->path_mtu && olen > s->path_mtu) {
		if (s->conf.pmtu && dp_pmtu_df(pkt))
			too_big(dp, s, pkt, len, olen);
		else
			send_fragments(dp, s, olen);
		return;
	}
	queue_out(dp, olen, s->conf.remote);
	dp->st.out_protected++;
}

/* Keeps the packet (the latest one) and asks for an SA, once a second. */
static void
acquire(struct dataplane *dp, size_t pos, const struct dp_rule *r,
        const uint8_t *pkt, size_t len)
{
	struct dp_pending *p = dp->pending[pos];
	time_t now = time(NULL);

	if (p == NULL) {
		p = calloc(1, sizeof(*p));
		if (p == NULL) {
			dp->st.out_dropped++;
			return;
		}
		dp->pending[pos] = p;
	} else if (p->len > 0) {
		dp->st.out_dropped++; /* the older queued packet */
	}
	memcpy(p->pkt, pkt, len);
	p->len = len;
	if (p->last_acquire != now && dp->cb.acquire != NULL) {
		p->last_acquire = now;
		dp->st.acquires++;
		dp->cb.acquire(dp->arg, r->peer, r->index);
	}
}

void
dp_output(struct dataplane *dp, const uint8_t *pkt, size_t len)
{
	struct dp_flow f;
	const struct dp_rule *r;
	long pos;

	dp->st.out_total++;
	if (len > DP_PKT_MAX || dp_flow_parse(pkt, len, &f) < 0) {
		dp->st.out_errors++;
		return;
	}
	if (!dp->enabled) {
		send_plain(dp, pkt, len, &f);
		return;
	}
	pos = dp->spd != NULL ? dp_spd_lookup(dp->spd, &f) : -1;
	if (pos < 0) {
		if (dp->default_pass)
			send_plain(dp, pkt, len, &f);
		else
			dp->st.out_dropped++;
		return;
	}
	dp->rule_hits[pos]++;
	r = dp_spd_rule(dp->spd, (size_t)pos);
	if (r->action == DP_PASS)
		send_plain(dp, pkt, len, &f);
	else if (r->action == DP_DROP)
		dp->st.out_dropped++;
	else if (dp->rule_sa[pos] != NULL)
		send_protected(dp, dp->rule_sa[pos], pkt, len);
	else
		acquire(dp, (size_t)pos, r, pkt, len);
}

static void check_lifetimes(struct dataplane *dp);

/*
 * At high rates a byte lifetime passes from soft to hard in well under the
 * timer's second: every few hundred packets the lifetimes are checked on
 * the packet path too, so the rekey starts in time.
 */
static void
maybe_check(struct dataplane *dp, unsigned packets)
{
	dp->since_check += packets;
	if (dp->since_check >= 256) {
		dp->since_check = 0;
		check_lifetimes(dp);
	}
}

static void
on_tun(evutil_socket_t fd, short what, void *arg)
{
	struct dataplane *dp = arg;
	int i;

	(void)what;
	for (i = 0; i < DP_BATCH; i++) {
		ssize_t n = read(fd, dp->in[0], sizeof(dp->in[0]));

		if (n <= 0)
			break;
		dp_output(dp, dp->in[0], (size_t)n);
	}
	flush_out(dp);
	maybe_check(dp, (unsigned)i);
}

/* ---- input ---- */

/* The inner packet must lie within the SA's selectors (remote to local). */
static int
inner_ok(const struct dp_sa_conf *c, const uint8_t *pkt, size_t len)
{
	struct dp_flow f;

	if (dp_flow_parse(pkt, len, &f) < 0)
		return 0;
	if (c->sel_proto != 0 && c->sel_proto != f.proto)
		return 0;
	return dp_sel_match(&c->remote_sel, f.src, f.sport) &&
	       dp_sel_match(&c->local_sel, f.dst, f.dport);
}

static void
input(struct dataplane *dp, const uint8_t *pkt, size_t len, int udp)
{
	uint8_t proto;
	uint32_t spi;
	struct dp_slot *s;
	size_t ilen;

	dp->st.in_total++;
	if (dp_sa_peek(pkt, len, udp, &proto, &spi) < 0) {
		dp->st.in_errors++;
		return;
	}
	s = slot_by_spi(dp, proto, spi);
	if (s == NULL) {
		dp->st.no_sa++;
		dp->st.in_dropped++;
		return;
	}
	if (dp_sa_decap(s->sa, pkt, len, udp, dp->out[0], sizeof(dp->out[0]),
	                &ilen) != DP_OK) {
		dp->st.in_errors++;
		return;
	}
	if (!inner_ok(&s->conf, dp->out[0], ilen)) {
		s->err_policy++;
		dp->st.policy_mismatch++;
		dp->st.in_dropped++;
		return;
	}
	dp->st.in_protected++;
	if (dp->tun_fd >= 0 && write(dp->tun_fd, dp->out[0], ilen) < 0)
		dp->st.in_errors++;
}

static void
on_raw(evutil_socket_t fd, short what, void *arg)
{
	struct dataplane *dp = arg;
	struct mmsghdr m[DP_BATCH];
	struct iovec v[DP_BATCH];
	int i, n;

	(void)what;
	memset(m, 0, sizeof(m));
	for (i = 0; i < DP_BATCH; i++) {
		v[i].iov_base = dp->in[i];
		v[i].iov_len = sizeof(dp->in[i]);
		m[i].msg_hdr.msg_iov = &v[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	n = recvmmsg(fd, m, DP_BATCH, MSG_DONTWAIT, NULL);
	for (i = 0; i < n; i++) {
		if (m[i].msg_hdr.msg_flags & MSG_TRUNC) {
			dp->st.in_total++;
			dp->st.in_errors++;
			continue;
		}
		input(dp, dp->in[i], m[i].msg_len, 0);
	}
	if (n > 0)
		maybe_check(dp, (unsigned)n);
}

void
dp_udp_rx(struct dataplane *dp, uint32_t src, uint16_t sport, uint32_t dst,
          const uint8_t *data, size_t len)
{
	(void)src;
	(void)sport;
	(void)dst;
	input(dp, data, len, 1);
	maybe_check(dp, 1);
}

/* ---- lifetimes ---- */

static int
superseded(const struct dataplane *dp, const struct dp_slot *s)
{
	size_t i;

	for (i = 0; i < dp->nsas; i++)
		if (dp->sas[i]->conf.peer == s->conf.peer &&
		    dp->sas[i]->conf.traffic == s->conf.traffic &&
		    dp->sas[i]->seq > s->seq)
			return 1;
	return 0;
}

static void refresh_pmtu(struct dataplane *dp);

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	check_lifetimes(arg);
	refresh_pmtu(arg);
}

/*
 * The kernel's path MTU towards each peer (the outgoing device's MTU, or
 * less once a router reported it): larger protected packets are split
 * or, with propagate PMTU and DF, answered with "fragmentation needed".
 */
static void
refresh_pmtu(struct dataplane *dp)
{
	size_t i, j;

	if (dp->conf.no_io)
		return;
	for (i = 0; i < dp->nsas; i++) {
		struct dp_slot *s = dp->sas[i];

		/* The SAs to one peer (rekeys, several entries) share it. */
		s->path_mtu = 0;
		for (j = 0; j < i && s->path_mtu == 0; j++)
			if (dp->sas[j]->conf.remote == s->conf.remote)
				s->path_mtu = dp->sas[j]->path_mtu;
		if (s->path_mtu == 0)
			s->path_mtu =
			    dp_pmtu_query(s->conf.remote, dp->conf.fwmark);
	}
}

static void
check_lifetimes(struct dataplane *dp)
{
	time_t now = time(NULL);
	size_t i = 0;

	while (i < dp->nsas) {
		struct dp_slot *s = dp->sas[i];
		enum dp_life l = dp_sa_life(s->sa, now);
		uint32_t index = s->conf.index;
		int32_t peer = s->conf.peer, traffic = s->conf.traffic;

		/* An SA already replaced by a newer one needs no rekey. */
		if (l == DP_LIFE_SOFT && dp->cb.expire != NULL &&
		    !superseded(dp, s))
			dp->cb.expire(dp->arg, index, peer, traffic, 0);
		if (l == DP_LIFE_HARD) {
			gw_info("IPsec SA %u: hard lifetime reached", index);
			dp_sa_del(dp, index);
			if (dp->cb.expire != NULL)
				dp->cb.expire(dp->arg, index, peer, traffic, 1);
			continue;
		}
		i++;
	}
}

/* ---- control ---- */

/* The prefixes covering [first, last], at most max of them. */
static size_t
cover(uint32_t first, uint32_t last, struct dp_route *out, size_t max)
{
	size_t n = 0;
	uint64_t a = first;

	while (a <= last && n < max) {
		uint8_t plen = 32;

		while (plen > 0) {
			uint64_t size = 1ull << (33 - plen);

			if ((a & (size - 1)) != 0 || a + size - 1 > last)
				break;
			plen--;
		}
		out[n].dst = (uint32_t)a;
		out[n].plen = plen;
		n++;
		a += 1ull << (32 - plen);
	}
	return n;
}

static int
route_in(const struct dp_route *set, size_t n, const struct dp_route *r)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (set[i].dst == r->dst && set[i].plen == r->plen)
			return 1;
	return 0;
}

/* The remote networks of protect rules go into the TUN device. */
static void
sync_routes(struct dataplane *dp, const struct dp_policy *pol)
{
	struct dp_route *want = calloc(DP_MAX_ROUTES, sizeof(*want));
	size_t i, n = 0;

	if (want == NULL)
		return;
	for (i = 0; pol->enabled && i < pol->nrules && n < DP_MAX_ROUTES; i++) {
		const struct dp_rule *r = &pol->rules[i];
		struct dp_route tmp[64];
		size_t k, m;

		if (r->action != DP_PROTECT)
			continue;
		m = r->remote.type == DP_SEL_ANY
		        ? cover(0, UINT32_MAX, tmp, 64)
		        : cover(r->remote.first, r->remote.last, tmp, 64);
		for (k = 0; k < m && n < DP_MAX_ROUTES; k++)
			if (!route_in(want, n, &tmp[k]))
				want[n++] = tmp[k];
	}
	for (i = 0; i < dp->nroutes; i++)
		if (!route_in(want, n, &dp->routes[i]))
			dp_nl_route(0, dp->routes[i].dst, dp->routes[i].plen,
			            dp->ifindex, dp->conf.table);
	for (i = 0; i < n; i++)
		if (!route_in(dp->routes, dp->nroutes, &want[i]))
			dp_nl_route(1, want[i].dst, want[i].plen, dp->ifindex,
			            dp->conf.table);
	free(dp->routes);
	dp->routes = want;
	dp->nroutes = n;
}

struct hit {
	int32_t index;
	uint64_t hits;
};

static int
cmp_hit(const void *a, const void *b)
{
	int32_t x = ((const struct hit *)a)->index;
	int32_t y = ((const struct hit *)b)->index;

	return (x > y) - (x < y);
}

/* Match counters survive a policy change, per ipsecTrIndex. */
static void
carry_hits(const struct dataplane *dp, struct dp_spd *spd, uint64_t *hits)
{
	size_t i, n = dp->spd != NULL ? dp_spd_count(dp->spd) : 0;
	struct hit *old = calloc(n + 1, sizeof(*old));

	if (old == NULL)
		return;
	for (i = 0; i < n; i++) {
		old[i].index = dp_spd_rule(dp->spd, i)->index;
		old[i].hits = dp->rule_hits[i];
	}
	qsort(old, n, sizeof(*old), cmp_hit);
	for (i = 0; i < dp_spd_count(spd); i++) {
		struct hit key = {dp_spd_rule(spd, i)->index, 0};
		const struct hit *h =
		    bsearch(&key, old, n, sizeof(*old), cmp_hit);

		if (h != NULL)
			hits[i] = h->hits;
	}
	free(old);
}

static void
free_policy(struct dataplane *dp)
{
	size_t i, n = dp->spd != NULL ? dp_spd_count(dp->spd) : 0;

	for (i = 0; dp->pending != NULL && i < n; i++)
		free(dp->pending[i]);
	free(dp->pending);
	free(dp->rule_sa);
	free(dp->rule_hits);
	dp_spd_free(dp->spd);
	dp->pending = NULL;
	dp->rule_sa = NULL;
	dp->rule_hits = NULL;
	dp->spd = NULL;
}

int
dp_set_policy(struct dataplane *dp, const struct dp_policy *pol)
{
	struct dp_spd *spd = dp_spd_new(pol->rules, pol->nrules);
	size_t n = pol->nrules + 1;
	struct dp_slot **rule_sa = calloc(n, sizeof(struct dp_slot *));
	uint64_t *hits = calloc(n, sizeof(*hits));
	struct dp_pending **pending = calloc(n, sizeof(struct dp_pending *));

	if (spd == NULL || rule_sa == NULL || hits == NULL || pending == NULL) {
		dp_spd_free(spd);
		free(rule_sa);
		free(hits);
		free(pending);
		gw_err("%s: out of memory for %zu rules", __func__,
		       pol->nrules);
		return -1;
	}
	carry_hits(dp, spd, hits);
	free_policy(dp);
	dp->spd = spd;
	dp->rule_sa = rule_sa;
	dp->rule_hits = hits;
	dp->pending = pending;
	dp->enabled = pol->enabled;
	dp->default_pass = pol->default_pass;
	relink_rules(dp);
	if (!dp->conf.no_io)
		sync_routes(dp, pol);
	return 0;
}

/* A packet that waited for this SA leaves now. */
static void
flush_pending(struct dataplane *dp)
{
	size_t i, n = dp->spd != NULL ? dp_spd_count(dp->spd) : 0;

	for (i = 0; i < n; i++) {
		struct dp_pending *p = dp->pending[i];

		if (p != NULL && p->len > 0 && dp->rule_sa[i] != NULL) {
			send_protected(dp, dp->rule_sa[i], p->pkt, p->len);
			p->len = 0;
		}
	}
	flush_out(dp);
}

int
dp_sa_add(struct dataplane *dp, const struct dp_sa_conf *c)
{
	struct dp_slot *s, **grown;

	if (slot_by_index(dp, c->index, NULL) != NULL)
		dp_sa_del(dp, c->index);
	s = calloc(1, sizeof(*s));
	grown =
	    realloc((void *)dp->sas, (dp->nsas + 1) * sizeof(struct dp_slot *));
	if (s == NULL || grown == NULL) {
		free(s);
		if (grown != NULL)
			dp->sas = grown;
		return -1;
	}
	dp->sas = grown;
	s->added = time(NULL);
	s->sa = dp_sa_new(c, s->added);
	if (s->sa == NULL) {
		free(s);
		return -1;
	}
	s->conf = *dp_sa_conf(s->sa);
	if (!dp->conf.no_io)
		s->path_mtu = dp_pmtu_query(s->conf.remote, dp->conf.fwmark);
	s->seq = ++dp->seq;
	dp->sas[dp->nsas++] = s;
	relink_rules(dp);
	flush_pending(dp);
	return 0;
}

void
dp_sa_del(struct dataplane *dp, uint32_t index)
{
	size_t pos;
	struct dp_slot *s = slot_by_index(dp, index, &pos);

	if (s == NULL)
		return;
	memmove(&dp->sas[pos], &dp->sas[pos + 1],
	        (dp->nsas - pos - 1) * sizeof(struct dp_slot *));
	dp->nsas--;
	relink_rules(dp);
	dp_sa_free(s->sa);
	free(s);
}

int
dp_sa_info(const struct dataplane *dp, uint32_t index, struct dp_sa_stats *st,
           uint32_t *seconds_left)
{
	const struct dp_slot *s = slot_by_index(dp, index, NULL);
	time_t age;

	if (s == NULL)
		return -1;
	*st = *dp_sa_stats(s->sa);
	st->err_policy += s->err_policy;
	age = time(NULL) - s->added;
	*seconds_left = s->conf.life_seconds == 0 ? 0
	                : age >= (time_t)s->conf.life_seconds
	                    ? 0
	                    : (uint32_t)(s->conf.life_seconds - age);
	return 0;
}

void
dp_get_stats(const struct dataplane *dp, struct dp_stats *st)
{
	*st = dp->st;
}

uint64_t
dp_rule_matches(const struct dataplane *dp, int32_t index)
{
	size_t i, n = dp->spd != NULL ? dp_spd_count(dp->spd) : 0;

	for (i = 0; i < n; i++)
		if (dp_spd_rule(dp->spd, i)->index == index)
			return dp->rule_hits[i];
	return 0;
}

static int
open_io(struct dataplane *dp)
{
	const char *name =
	    dp->conf.tun_name[0] ? dp->conf.tun_name : "ipsecgw0";

	dp->tun_fd = dp_io_tun(name, dp->conf.mtu, &dp->ifindex);
	dp->rx_esp = dp_io_raw_rx(DP_PROTO_ESP);
	dp->rx_ah = dp_io_raw_rx(DP_PROTO_AH);
	dp->tx = dp_io_raw_tx(dp->conf.fwmark);
	if (dp->tun_fd < 0 || dp->rx_esp < 0 || dp->rx_ah < 0 || dp->tx < 0)
		return -1;
	dp->ev_tun =
	    event_new(dp->base, dp->tun_fd, EV_READ | EV_PERSIST, on_tun, dp);
	dp->ev_esp =
	    event_new(dp->base, dp->rx_esp, EV_READ | EV_PERSIST, on_raw, dp);
	dp->ev_ah =
	    event_new(dp->base, dp->rx_ah, EV_READ | EV_PERSIST, on_raw, dp);
	if (dp->ev_tun == NULL || dp->ev_esp == NULL || dp->ev_ah == NULL)
		return -1;
	event_add(dp->ev_tun, NULL);
	event_add(dp->ev_esp, NULL);
	event_add(dp->ev_ah, NULL);
	return dp_nl_rule(1, dp->conf.fwmark, dp->conf.table);
}

struct dataplane *
dp_new(struct event_base *base, const struct dp_conf *conf,
       const struct dp_callbacks *cb, void *arg)
{
	struct dataplane *dp = calloc(1, sizeof(*dp));
	struct timeval sec = {1, 0};

	if (dp == NULL)
		return NULL;
	dp->base = base;
	dp->conf = *conf;
	if (dp->conf.mtu == 0)
		dp->conf.mtu = 1400;
	if (cb != NULL)
		dp->cb = *cb;
	dp->arg = arg;
	dp->tun_fd = dp->rx_esp = dp->rx_ah = dp->tx = -1;
	if (!dp->conf.no_io && open_io(dp) < 0) {
		dp_free(dp);
		return NULL;
	}
	dp->ev_timer = event_new(base, -1, EV_PERSIST, on_timer, dp);
	if (dp->ev_timer == NULL) {
		dp_free(dp);
		return NULL;
	}
	event_add(dp->ev_timer, &sec);
	return dp;
}

void
dp_free(struct dataplane *dp)
{
	size_t i;

	if (dp == NULL)
		return;
	if (dp->tun_fd >= 0) {
		for (i = 0; i < dp->nroutes; i++)
			dp_nl_route(0, dp->routes[i].dst, dp->routes[i].plen,
			            dp->ifindex, dp->conf.table);
		dp_nl_rule(0, dp->conf.fwmark, dp->conf.table);
	}
	struct event *evs[] = {dp->ev_tun, dp->ev_esp, dp->ev_ah, dp->ev_timer};
	for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i] != NULL)
			event_free(evs[i]);
	int fds[] = {dp->tun_fd, dp->rx_esp, dp->rx_ah, dp->tx};
	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	while (dp->nsas > 0)
		dp_sa_del(dp, dp->sas[0]->conf.index);
	free(dp->sas);
	free_policy(dp);
	free(dp->routes);
	free(dp);
}
