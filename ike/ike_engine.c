/*
 * ike_engine.c - the engine's front: peers pushed by the agent, the
 * dispatch of received messages to the right ISAKMP SA (by cookies) and
 * exchange, and the operations the agent asks for (initiate, delete).
 */
#include "ike_int.h"

#include "common.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

int
ike_engine_resolve(const char *address, struct sockaddr_in *out)
{
	struct addrinfo hints = {0}, *res = NULL;

	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	if (address[0] == '\0')
		return -1;
	if (inet_pton(AF_INET, address, &out->sin_addr) == 1)
		return 0;
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(address, NULL, &hints, &res) != 0 || res == NULL)
		return -1;
	memcpy(out, res->ai_addr, sizeof(*out));
	freeaddrinfo(res);
	return 0;
}

struct ike_peer *
ike_engine_peer(struct ike_engine *e, int32_t index)
{
	struct ike_peer *p;

	for (p = e->peers; p != NULL && p->conf.index != index; p = p->next)
		;
	return p;
}

/* The peer whose configured address is sin's, else one without address. */
struct ike_peer *
ike_engine_peer_by_addr(struct ike_engine *e, const struct sockaddr_in *sin)
{
	struct ike_peer *p, *any = NULL;
	struct in_addr a;

	for (p = e->peers; p != NULL; p = p->next) {
		if (inet_pton(AF_INET, p->conf.address, &a) == 1 &&
		    a.s_addr == sin->sin_addr.s_addr)
			return p;
		if (p->conf.address[0] == '\0' && any == NULL)
			any = p;
	}
	return any;
}

/* The peer that lists id in its ipsecPeerIds. */
struct ike_peer *
ike_engine_peer_by_id(struct ike_engine *e, const char *id)
{
	struct ike_peer *p;
	size_t idlen = strlen(id);

	for (p = e->peers; p != NULL; p = p->next) {
		const char *s = p->conf.ids;

		while (*s != '\0') {
			size_t n = strcspn(s, ",");

			if (n == idlen && strncmp(s, id, n) == 0)
				return p;
			s += n;
			s += *s == ',';
		}
	}
	return NULL;
}

static void reap(struct ike_engine *e);

/* Anti-clogging: refuse a new responder SA beyond the configured limits. */
int
ike_engine_admit(struct ike_engine *e, const struct ike_net_dgram *d)
{
	uint32_t all, half;

	ike_sa_count(e, &all, &half);
	if (all >= e->g.max_sas || half >= e->g.max_half_open) {
		gw_notice("phase 1 from %s dropped: %s",
		          inet_ntoa(d->remote.sin_addr),
		          all >= e->g.max_sas ? "ipsecGlobMaxIkeSas reached"
		                              : "ipsecGlobMaxHalfOpen reached");
		return 0;
	}
	return 1;
}

static void
on_unblock(evutil_socket_t fd, short what, void *arg)
{
	struct ike_peer *p = arg;

	(void)fd;
	(void)what;
	p->blocked_until = 0;
	if (p->eng->cb.peer_state != NULL)
		p->eng->cb.peer_state(p->eng->cb_arg, p->conf.index,
		                      IKE_PEER_DORMANT, "");
}

/*
 * After a failure, a peer with a block time (I7) is not called again
 * from here until it is over; 1 if it is blocked now.
 */
int
ike_engine_block(struct ike_engine *e, struct ike_peer *p)
{
	if (p->conf.p1.block_time <= 0)
		return 0;
	p->blocked_until = time(NULL) + p->conf.p1.block_time;
	ike_engine_unblock_later(e, p);
	return 1;
}

/* The peer leaves "blocked" when its block time is over (I7). */
void
ike_engine_unblock_later(struct ike_engine *e, struct ike_peer *p)
{
	struct timeval tv = {p->conf.p1.block_time, 0};

	p->eng = e;
	if (p->unblock == NULL)
		p->unblock = evtimer_new(e->base, on_unblock, p);
	if (p->unblock != NULL)
		evtimer_add(p->unblock, &tv);
}

void
ike_engine_reap(struct ike_engine *e)
{
	reap(e);
}

static void
reap(struct ike_engine *e)
{
	struct ike_ph1 *sa, *next;

	for (sa = e->sas; sa != NULL; sa = next) {
		next = sa->next;
		if (sa->state == IKE_SA_DEAD)
			ike_sa_free(sa);
	}
}

/* Every datagram of the IKE and NAT-T ports comes through here. */
static void
on_ike(void *arg, const struct ike_net_dgram *d)
{
	struct ike_engine *e = arg;
	struct ike_msg m;
	struct ike_ph1 *sa;
	enum ike_pld_err err;

	err = ike_pld_header(&m, d->data, d->len);
	if (err != IKE_PLD_OK) {
		e->malformed++;
		gw_info("from %s: malformed ISAKMP header: %s",
		        inet_ntoa(d->remote.sin_addr), ike_pld_err_str(err));
		return;
	}
	sa = ike_sa_find(e, m.hdr.icookie, m.hdr.rcookie);
	if (sa == NULL) {
		int p1 = m.hdr.exchange == IKE_XCHG_IDPROT ||
		         m.hdr.exchange == IKE_XCHG_AGGRESSIVE;

		if (p1 && !ike_engine_admit(e, d)) {
			reap(e);
			return;
		}
		/* Aggressive Mode with RSA encryption: ID and nonce are
		 * ciphertext (RFC 2409 5.2); ike_am_respond() checks them. */
		if (p1 &&
		    (ike_pld_parse(&m, d->data, d->len) == IKE_PLD_OK ||
		     (m.hdr.exchange == IKE_XCHG_AGGRESSIVE &&
		      ike_pld_parse_flags(&m, d->data, d->len, IKE_PLD_F_PKE) ==
		          IKE_PLD_OK))) {
			if (m.hdr.exchange == IKE_XCHG_IDPROT)
				ike_mm_respond(e, d, &m);
			else
				ike_am_respond(e, d, &m);
		} else if (p1)
			e->malformed++;
		else
			gw_info("from %s: exchange %u for an unknown SA "
			        "dropped",
			        inet_ntoa(d->remote.sin_addr), m.hdr.exchange);
		reap(e);
		return;
	}
	sa->last_heard = time(NULL);
	switch (m.hdr.exchange) {
	case IKE_XCHG_IDPROT:
	case IKE_XCHG_AGGRESSIVE:
		ike_mm_recv(sa, d, &m, d->data);
		break;
	case IKE_XCHG_QUICK:
		ike_qm_recv(sa, d, d->data, d->len);
		break;
	case IKE_XCHG_INFO:
		ike_info_recv(sa, d->data, d->len);
		break;
	default:
		gw_info("ISAKMP SA %u: exchange type %u not supported",
		        sa->index, m.hdr.exchange);
		break;
	}
	reap(e);
}

/*
 * "Trust ICMP messages" (A): a port or host unreachable that is the first
 * answer to a new phase 1 ends that negotiation at once instead of after
 * every retransmission.  Later ones, and all without the setting, are
 * only logged: ICMP is easily forged.
 */
static void
on_icmp(void *arg, const struct sockaddr_in *to, int code)
{
	struct ike_engine *e = arg;
	struct ike_ph1 *sa;
	const char *what = code == 3 ? "port" : code == 1 ? "host" : NULL;

	if (what == NULL)
		return;
	for (sa = e->sas; sa != NULL; sa = sa->next) {
		if (sa->remote.sin_addr.s_addr != to->sin_addr.s_addr ||
		    (sa->state != IKE_SA_MM_I1 && sa->state != IKE_SA_AM_I1))
			continue;
		if (!e->g.trust_icmp) {
			gw_info("ICMP %s unreachable from %s ignored (trust "
			        "ICMP messages is off)",
			        what, inet_ntoa(to->sin_addr));
			return;
		}
		ike_sa_fail(sa,
		            "ICMP %s unreachable as the first answer: "
		            "nothing answers IKE at %s",
		            what, inet_ntoa(to->sin_addr));
		reap(e);
		return;
	}
}

/* ESP in UDP is the dataplane's; the engine only owns the socket. */
static void
on_esp(void *arg, const struct ike_net_dgram *d)
{
	struct ike_engine *e = arg;

	if (e->cb.esp_rx != NULL)
		e->cb.esp_rx(e->cb_arg, ntohl(d->remote.sin_addr.s_addr),
		             ntohs(d->remote.sin_port),
		             ntohl(d->local.sin_addr.s_addr), d->data, d->len);
}

struct ike_engine *
ike_engine_new(struct event_base *base, const struct ike_global_conf *g,
               uint32_t bind, uint16_t port, uint16_t natt_port,
               const struct ike_callbacks *cb, void *arg)
{
	struct ike_engine *e;
	struct ike_net_conf nc = {0};

	if (ike_crypto_init() < 0)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->base = base;
	e->g = *g;
	e->cb = *cb;
	e->cb_arg = arg;
	nc.bind.s_addr = htonl(bind);
	nc.port = port;
	nc.natt_port = natt_port;
	nc.ike_rx = on_ike;
	nc.esp_rx = on_esp;
	nc.icmp_rx = on_icmp;
	nc.arg = e;
	e->net = ike_net_new(base, &nc);
	if (e->net == NULL) {
		free(e);
		return NULL;
	}
	/* Ports 0 (tests): what we got is what peers must use. */
	e->g.ike_port = ike_net_port(e->net, 0);
	e->g.natt_port = ike_net_port(e->net, 1);
	return e;
}

void
ike_engine_free(struct ike_engine *e)
{
	struct ike_peer *p;

	if (e == NULL)
		return;
	while (e->sas != NULL)
		ike_sa_free(e->sas);
	while ((p = e->peers) != NULL) {
		e->peers = p->next;
		if (p->unblock != NULL)
			event_free(p->unblock);
		free(p->traffic);
		ike_pki_unref(p->conf.pki);
		ike_crypto_cleanse(p, sizeof(*p));
		free(p);
	}
	ike_net_free(e->net);
	free(e);
}

void
ike_engine_set_global(struct ike_engine *e, const struct ike_global_conf *g)
{
	uint16_t port = e->g.ike_port, natt = e->g.natt_port;

	e->g = *g;
	e->g.ike_port = port; /* sockets stay where they are */
	e->g.natt_port = natt;
}

/* Deletes every SA of a peer, with delete notifications. */
static void
delete_peer_sas(struct ike_engine *e, struct ike_peer *p)
{
	struct ike_ph1 *sa;
	int any = 0;

	for (sa = e->sas; sa != NULL; sa = sa->next)
		if (sa->peer == p && sa->state != IKE_SA_DEAD) {
			ike_info_delete(sa);
			ike_sa_set_state(sa, IKE_SA_DEAD);
			any = 1;
		}
	if (any && e->cb.peer_state != NULL)
		e->cb.peer_state(e->cb_arg, p->conf.index, IKE_PEER_DORMANT,
		                 "");
	reap(e);
}

int
ike_engine_peer_set(struct ike_engine *e, const struct ike_peer_conf *c)
{
	struct ike_peer *p = ike_engine_peer(e, c->index);
	struct ike_traffic *t = NULL;

	if (c->ntraffic > 0) {
		t = calloc(c->ntraffic, sizeof(*t));
		if (t == NULL)
			return -1;
		memcpy(t, c->traffic, c->ntraffic * sizeof(*t));
	}
	if (p == NULL) {
		p = calloc(1, sizeof(*p));
		if (p == NULL) {
			free(t);
			return -1;
		}
		p->next = e->peers;
		e->peers = p;
	}
	free(p->traffic);
	ike_pki_ref(c->pki); /* before the old one goes: it may be the same */
	ike_pki_unref(p->conf.pki);
	p->conf = *c;
	p->traffic = t;
	p->conf.traffic = t;
	if (c->admin == 2) /* down: delete its SAs and refuse new ones */
		delete_peer_sas(e, p);
	return 0;
}

void
ike_engine_peer_remove(struct ike_engine *e, int32_t index)
{
	struct ike_peer **pp, *p;
	struct ike_ph1 *sa;

	for (pp = &e->peers; (p = *pp) != NULL; pp = &p->next)
		if (p->conf.index == index)
			break;
	if (p == NULL)
		return;
	for (sa = e->sas; sa != NULL; sa = sa->next)
		if (sa->peer == p) {
			ike_info_delete(sa);
			sa->peer = NULL;
			ike_sa_set_state(sa, IKE_SA_DEAD);
		}
	*pp = p->next;
	if (p->unblock != NULL)
		event_free(p->unblock);
	free(p->traffic);
	ike_pki_unref(p->conf.pki);
	ike_crypto_cleanse(p, sizeof(*p));
	free(p);
	reap(e);
}

/* A Quick Mode for traffic that we started and that is still running. */
static int
qm_running(const struct ike_ph1 *sa, int32_t traffic, time_t since)
{
	const struct ike_qm *qm;

	for (qm = sa->qms; qm != NULL; qm = qm->next)
		if (qm->initiator && !qm->done && !qm->gone &&
		    qm->started > since &&
		    (traffic <= 0 || qm->tr.index == traffic))
			return 1;
	return 0;
}

/*
 * Dialup, callback, acquire and rekey all come here, and the dataplane
 * repeats its acquire while a negotiation runs: a Quick Mode goes on the
 * newest established ISAKMP SA, a phase 1 under way takes the request
 * along, and nothing is started twice.
 */
int
ike_engine_initiate(struct ike_engine *e, int32_t peer, int32_t traffic)
{
	struct ike_peer *p = ike_engine_peer(e, peer);
	struct ike_ph1 *sa, *est = NULL, *nego = NULL;
	time_t since = time(NULL) - (e->g.max_nego_s ? e->g.max_nego_s : 30);

	if (p == NULL)
		return -1;
	if (p->blocked_until > time(NULL)) {
		gw_info("peer %d is blocked after a failed phase 1", peer);
		return -1;
	}
	for (sa = e->sas; sa != NULL; sa = sa->next) {
		if (sa->peer != p || sa->state == IKE_SA_DEAD)
			continue;
		if (sa->state != IKE_SA_ESTABLISHED) {
			nego = sa;
			continue;
		}
		if (qm_running(sa, traffic, since))
			return 0;
		if (est == NULL || sa->established > est->established)
			est = sa;
	}
	if (est != NULL)
		return ike_qm_start(est, traffic);
	if (nego != NULL) {
		if (nego->initiator && nego->want_qm < 0)
			nego->want_qm = traffic > 0 ? traffic : 0;
		return 0;
	}
	if (p->conf.p1.mode == IKE_MODE_AGGRESSIVE ||
	    p->conf.p1.mode == IKE_MODE_AGGRESSIVE_ONLY)
		return ike_am_start(e, p, traffic);
	return ike_mm_start(e, p, traffic);
}

int
ike_engine_delete_sa(struct ike_engine *e, uint32_t index)
{
	struct ike_ph1 *sa;

	for (sa = e->sas; sa != NULL; sa = sa->next)
		if (sa->index == index) {
			ike_info_delete(sa);
			ike_sa_set_state(sa, IKE_SA_DEAD);
			if (sa->peer != NULL && e->cb.peer_state != NULL)
				e->cb.peer_state(e->cb_arg,
				                 sa->peer->conf.index,
				                 IKE_PEER_DORMANT, "");
			reap(e);
			return 0;
		}
	return -1;
}

int
ike_engine_delete_child(struct ike_engine *e, uint32_t index)
{
	struct ike_ph1 *sa;
	struct ike_qm *qm;

	for (sa = e->sas; sa != NULL; sa = sa->next)
		for (qm = sa->qms; qm != NULL; qm = qm->next)
			if (qm->done && qm->child.index == index) {
				ike_info_delete_child(sa, qm->child.proto,
				                      qm->child.spi_in);
				gw_notice("peer %d: IPsec SA %u deleted, peer "
				          "notified",
				          qm->child.peer, index);
				qm->done = 0;
				qm->gone = 1;
				if (e->cb.child_delete != NULL)
					e->cb.child_delete(e->cb_arg, index);
				return 0;
			}
	return -1;
}

void
ike_engine_child_alive(struct ike_engine *e, uint32_t index)
{
	struct ike_ph1 *sa;
	struct ike_qm *qm;

	for (sa = e->sas; sa != NULL; sa = sa->next)
		for (qm = sa->qms; qm != NULL; qm = qm->next)
			if (qm->done && qm->child.index == index) {
				qm->alive = time(NULL);
				return;
			}
}

uint16_t
ike_engine_port(const struct ike_engine *e, int natt)
{
	return natt ? e->g.natt_port : e->g.ike_port;
}

uint64_t
ike_engine_malformed(const struct ike_engine *e)
{
	return e->malformed;
}
