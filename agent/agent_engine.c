/*
 * agent_engine.c - the glue between the configuration store and the IKE
 * engine: committed changes are translated and pushed (agent_ike.c), admin
 * status dialup/callback starts a negotiation, and the engine's reports
 * become rows of ikeSaTable / ipsecSaTable and the peers' oper status and
 * last error.  Key material never reaches the store.
 */
#include "agent_dp.h"
#include "agent_engine.h"
#include "agent_ike.h"
#include "agent_isdn.h"
#include "agent_trap.h"

#include "common.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <ifaddrs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ike_engine *engine;
static struct dataplane *dplane;
static struct dp_link_watch *links;
static struct event *alive_ev;
static struct agent_store *estore;
static struct event_base *ebase;
static uint64_t failures;

static void
put_str(struct agent_row *r, int pos, const char *s)
{
	agent_val_set_str(&r->v[pos], s, strlen(s));
}

static void
put_int(struct agent_row *r, int pos, int64_t v)
{
	r->v[pos].i = v;
	r->v[pos].set = 1;
}

/* IKE attribute values to the MIB's enumerations. */
static int64_t
mib_enc(uint16_t enc)
{
	switch (enc) {
	case 1:
		return AGENT_E_ikeSaEncAlg_des;
	case 5:
		return AGENT_E_ikeSaEncAlg_des3;
	case 3:
		return AGENT_E_ikeSaEncAlg_blowfish;
	case 6:
		return AGENT_E_ikeSaEncAlg_cast128;
	case 65005:
	case 65289:
		return AGENT_E_ikeSaEncAlg_twofish;
	default:
		return AGENT_E_ikeSaEncAlg_aes;
	}
}

static int64_t
mib_hash(uint16_t h)
{
	static const int64_t map[] = {0,
	                              AGENT_E_ikeSaHashAlg_md5,
	                              AGENT_E_ikeSaHashAlg_sha1,
	                              AGENT_E_ikeSaHashAlg_tiger192,
	                              AGENT_E_ikeSaHashAlg_sha256,
	                              AGENT_E_ikeSaHashAlg_sha384,
	                              AGENT_E_ikeSaHashAlg_sha512};

	if (h < sizeof(map) / sizeof(map[0]) && map[h] != 0)
		return map[h];
	return AGENT_E_ikeSaHashAlg_ripemd160;
}

/* The six TARSEH letters of the monitoring screen (M2). */
static void
tarseh(const struct ike_sa_info *in, char *out)
{
	static const char xch[] = "?BIOA";
	static const char auth[] = "?PDSE";
	static const char st[] = "?NED";
	int64_t e = mib_enc(in->enc), h = mib_hash(in->hash);

	out[0] = in->xchg < 5 ? xch[in->xchg] : '?';
	out[1] = in->auth < 5 ? auth[in->auth] : '?';
	out[2] = in->initiator ? 'I' : 'R';
	out[3] = in->state < 4 ? st[in->state] : 'W';
	out[4] = "??dDBCTR"[e];
	out[5] = h == AGENT_E_ikeSaHashAlg_md5         ? 'M'
	         : h == AGENT_E_ikeSaHashAlg_sha1      ? 'S'
	         : h == AGENT_E_ikeSaHashAlg_tiger192  ? 'T'
	         : h == AGENT_E_ikeSaHashAlg_ripemd160 ? 'R'
	                                               : '2';
	out[6] = '\0';
}

static void
on_sa_update(void *arg, const struct ike_sa_info *in)
{
	const struct agent_group *g = &agent_mib_groups[AGENT_G_ikeSaTable];
	struct agent_row *r = agent_row_new(g, (int32_t)in->index);
	char t[8];

	(void)arg;
	if (r == NULL)
		return;
	put_int(r, AGENT_C_ikeSaPeer, in->peer);
	put_str(r, AGENT_C_ikeSaRemoteId, in->remote_id);
	put_int(r, AGENT_C_ikeSaRemoteIp, in->remote);
	put_int(r, AGENT_C_ikeSaRemotePort, in->remote_port);
	put_str(r, AGENT_C_ikeSaLocalId, in->local_id);
	put_int(r, AGENT_C_ikeSaLocalIp, in->local);
	put_int(r, AGENT_C_ikeSaXchType, in->xchg ? in->xchg : 2);
	put_int(r, AGENT_C_ikeSaAuthMethod, in->auth ? in->auth : 1);
	put_int(r, AGENT_C_ikeSaRole, in->initiator ? 1 : 2);
	put_int(r, AGENT_C_ikeSaState, in->state);
	put_int(r, AGENT_C_ikeSaEncAlg, mib_enc(in->enc));
	put_int(r, AGENT_C_ikeSaHashAlg, mib_hash(in->hash));
	put_int(r, AGENT_C_ikeSaDhGroup, in->group);
	agent_val_set_str(&r->v[AGENT_C_ikeSaCookieI], in->icookie, 8);
	agent_val_set_str(&r->v[AGENT_C_ikeSaCookieR], in->rcookie, 8);
	put_int(r, AGENT_C_ikeSaNat, in->nat);
	put_int(r, AGENT_C_ikeSaLifetimeLeft, in->lifetime_left);
	tarseh(in, t);
	put_str(r, AGENT_C_ikeSaTarseh, t);
	put_int(r, AGENT_C_ikeSaAdminAction, AGENT_E_ikeSaAdminAction_none);
	if (agent_store_put(estore, AGENT_G_ikeSaTable, r) < 0)
		agent_row_free(g, r);
}

static void
on_sa_delete(void *arg, uint32_t index)
{
	(void)arg;
	agent_store_remove(estore, AGENT_G_ikeSaTable, (int32_t)index);
}

static void
selector_text(const struct ike_sel *s, char *buf, size_t n)
{
	uint32_t a = s->addr, e = s->end;

	if (s->type == IKE_SEL_RANGE)
		snprintf(buf, n, "%u.%u.%u.%u-%u.%u.%u.%u", a >> 24,
		         a >> 16 & 255, a >> 8 & 255, a & 255, e >> 24,
		         e >> 16 & 255, e >> 8 & 255, e & 255);
	else if (s->type == IKE_SEL_NET)
		snprintf(buf, n, "%u.%u.%u.%u/%u", a >> 24, a >> 16 & 255,
		         a >> 8 & 255, a & 255, e);
	else if (s->type == IKE_SEL_OWN || s->type == IKE_SEL_PEER)
		snprintf(buf, n, "%s", s->type == IKE_SEL_OWN ? "own" : "peer");
	else
		snprintf(buf, n, "%u.%u.%u.%u", a >> 24, a >> 16 & 255,
		         a >> 8 & 255, a & 255);
}

static int64_t
mib_esp(uint16_t t)
{
	switch (t) {
	case 11:
		return AGENT_E_ipsecSaEncAlg_null;
	case 2:
		return AGENT_E_ipsecSaEncAlg_des;
	case 3:
		return AGENT_E_ipsecSaEncAlg_des3;
	case 7:
		return AGENT_E_ipsecSaEncAlg_blowfish;
	case 6:
		return AGENT_E_ipsecSaEncAlg_cast128;
	case 253:
		return AGENT_E_ipsecSaEncAlg_twofish;
	case 20:
		return AGENT_E_ipsecSaEncAlg_aesGcm16;
	default:
		return AGENT_E_ipsecSaEncAlg_aesCbc;
	}
}

static int64_t
mib_auth(uint16_t a)
{
	static const int64_t map[] = {AGENT_E_ipsecSaAuthAlg_none,
	                              AGENT_E_ipsecSaAuthAlg_hmacMd5,
	                              AGENT_E_ipsecSaAuthAlg_hmacSha1,
	                              AGENT_E_ipsecSaAuthAlg_none,
	                              AGENT_E_ipsecSaAuthAlg_none,
	                              AGENT_E_ipsecSaAuthAlg_hmacSha256,
	                              AGENT_E_ipsecSaAuthAlg_hmacSha384,
	                              AGENT_E_ipsecSaAuthAlg_hmacSha512};

	return a < sizeof(map) / sizeof(map[0]) ? map[a]
	                                        : AGENT_E_ipsecSaAuthAlg_none;
}

/* The keys go to the dataplane's contexts and nowhere else. */
static void
install_child(const struct ike_child_sa *c)
{
	struct dp_sa_conf d;

	if (dplane == NULL)
		return;
	if (agent_dp_sa_conf(c, &d) < 0 || dp_sa_add(dplane, &d) < 0)
		gw_err("IPsec SA %u of peer %d: the dataplane cannot use it",
		       c->index, c->peer);
	explicit_bzero(&d, sizeof(d));
}

/*
 * The SA pair is recorded (without keys) so that the MIB shows what was
 * agreed, and installed in the dataplane.
 */
static void
on_child_install(void *arg, const struct ike_child_sa *c)
{
	const struct agent_group *g = &agent_mib_groups[AGENT_G_ipsecSaTable];
	struct agent_row *r = agent_row_new(g, (int32_t)c->index);
	char sel[64];

	(void)arg;
	if (r == NULL)
		return;
	put_int(r, AGENT_C_ipsecSaPeer, c->peer);
	selector_text(&c->local_sel, sel, sizeof(sel));
	put_str(r, AGENT_C_ipsecSaLocal, sel);
	put_int(r, AGENT_C_ipsecSaLocalPort, c->local_sel.port);
	put_int(r, AGENT_C_ipsecSaProto, c->sel_proto);
	selector_text(&c->remote_sel, sel, sizeof(sel));
	put_str(r, AGENT_C_ipsecSaRemote, sel);
	put_int(r, AGENT_C_ipsecSaRemotePort, c->remote_sel.port);
	put_str(r, AGENT_C_ipsecSaCea,
	        c->ipcomp ? (c->proto == 2 ? "C-A" : "CE-")
	                  : (c->proto == 2 ? "--A" : "-E-"));
	put_int(r, AGENT_C_ipsecSaSpiIn, c->spi_in);
	put_int(r, AGENT_C_ipsecSaSpiOut, c->spi_out);
	put_int(r, AGENT_C_ipsecSaEncAlg,
	        c->proto == 2 ? AGENT_E_ipsecSaEncAlg_null
	                      : mib_esp(c->transform));
	put_int(r, AGENT_C_ipsecSaAuthAlg, mib_auth(c->auth));
	put_int(r, AGENT_C_ipsecSaEncapsulation,
	        c->encap == 3 || c->encap == 61443 ? 2 : 1);
	put_int(r, AGENT_C_ipsecSaLifetimeLeft, c->life.seconds);
	put_int(r, AGENT_C_ipsecSaAdminAction, AGENT_E_ipsecSaAdminAction_none);
	if (agent_store_put(estore, AGENT_G_ipsecSaTable, r) < 0)
		agent_row_free(g, r);
	install_child(c);
}

static void
on_child_delete(void *arg, uint32_t index)
{
	(void)arg;
	if (dplane != NULL)
		dp_sa_del(dplane, index);
	agent_store_remove(estore, AGENT_G_ipsecSaTable, (int32_t)index);
}

static void
on_peer_state(void *arg, int32_t peer, int oper, const char *reason)
{
	struct agent_row *r =
	    agent_store_get(estore, AGENT_G_ipsecPeerTable, peer);
	int64_t was;

	(void)arg;
	if (r == NULL)
		return;
	was = r->v[AGENT_C_ipsecPeerOperStatus].i;
	if (oper == IKE_PEER_NEGOTIATING && was != IKE_PEER_NEGOTIATING)
		r->v[AGENT_C_ipsecPeerNegotiations].i++;
	r->v[AGENT_C_ipsecPeerOperStatus].i = oper;
	if (reason[0] != '\0')
		agent_val_set_str(&r->v[AGENT_C_ipsecPeerLastError], reason,
		                  strnlen(reason, 255));
	if (oper == IKE_PEER_UP && was != IKE_PEER_UP) {
		agent_trap_peer(AGENT_TRAP_PEER_UP, r, "");
	} else if (was == IKE_PEER_UP && oper != IKE_PEER_UP) {
		agent_trap_peer(AGENT_TRAP_PEER_DOWN, r,
		                reason[0] ? reason : "no SA left");
	} else if (reason[0] != '\0') {
		/* A negotiation that failed (the peer was not up). */
		r->v[AGENT_C_ipsecPeerFailures].i++;
		failures++;
		agent_trap_peer(AGENT_TRAP_PHASE1_FAILURE, r, reason);
	}
}

/* Phase 2 failed: the reason goes to the row and ipsecPhase2Failure. */
static void
on_child_failed(void *arg, int32_t peer, int32_t traffic, const char *reason)
{
	struct agent_row *r =
	    agent_store_get(estore, AGENT_G_ipsecPeerTable, peer);
	char text[256];

	(void)arg;
	if (r == NULL)
		return;
	(void)snprintf(text, sizeof(text), "traffic entry %d: %s", traffic,
	               reason);
	agent_val_set_str(&r->v[AGENT_C_ipsecPeerLastError], text,
	                  strnlen(text, 255));
	r->v[AGENT_C_ipsecPeerFailures].i++;
	failures++;
	agent_trap_peer(AGENT_TRAP_PHASE2_FAILURE, r, text);
}

/* Pushes one peer (or removes it when gone or not active). */
static void
push_peer(int32_t index)
{
	struct ike_peer_conf c;

	if (agent_ike_peer(estore, index, &c) < 0) {
		ike_engine_peer_remove(engine, index);
		return;
	}
	if (ike_engine_peer_set(engine, &c) < 0)
		gw_err("%s: cannot configure peer %d", __func__, index);
	agent_ike_peer_free(&c);
}

static void
push_policy(void)
{
	struct dp_policy pol;

	if (dplane == NULL || agent_dp_policy(estore, &pol) < 0)
		return;
	if (dp_set_policy(dplane, &pol) < 0)
		gw_err("the dataplane refused the policy of %zu rules",
		       pol.nrules);
	agent_dp_policy_free(&pol);
}

static void
on_esp_rx(void *arg, uint32_t src, uint16_t sport, uint32_t dst,
          const uint8_t *data, size_t len)
{
	(void)arg;
	if (dplane != NULL)
		dp_udp_rx(dplane, src, sport, dst, data, len);
}

/*
 * A packet needs an SA: IKE sets one up (phase 1 first if needed), or
 * for an active callback peer without SAs the ISDN callback makes the
 * peer set it up (agent_isdn.c).
 */
static void
on_acquire(void *arg, int32_t peer, int32_t traffic)
{
	(void)arg;
	if (engine != NULL && !agent_isdn_acquire(peer))
		ike_engine_initiate(engine, peer, traffic);
}

/* Soft expiry: a new SA for the same entry; hard: the old one goes. */
static void
on_expire(void *arg, uint32_t index, int32_t peer, int32_t traffic, int hard)
{
	(void)arg;
	if (engine == NULL)
		return;
	if (hard) {
		/* IKE may have forgotten it (its phase 1 is gone): the row
		 * goes. */
		if (ike_engine_delete_child(engine, index) < 0)
			agent_store_remove(estore, AGENT_G_ipsecSaTable,
			                   (int32_t)index);
	} else
		ike_engine_initiate(engine, peer, traffic);
}

/*
 * Inbound traffic on an IPsec SA proves it alive: IKE's phase 2
 * heartbeats only probe and expire SAs that carry nothing.
 */
static void
on_alive_timer(evutil_socket_t fd, short what, void *arg)
{
	struct agent_table *t = agent_store_table(estore, AGENT_G_ipsecSaTable);
	size_t i;

	(void)fd;
	(void)what;
	(void)arg;
	for (i = 0; engine != NULL && dplane != NULL && i < t->n; i++) {
		struct agent_row *r = t->rows[i];
		struct dp_sa_stats st;
		uint32_t left;

		if (dp_sa_info(dplane, (uint32_t)r->index, &st, &left) < 0)
			continue;
		if ((int64_t)st.in_packets != r->v[AGENT_C_ipsecSaInPackets].i)
			ike_engine_child_alive(engine, (uint32_t)r->index);
		r->v[AGENT_C_ipsecSaInPackets].i = (int64_t)st.in_packets;
		r->v[AGENT_C_ipsecSaInPackets].set = 1;
	}
}

/* No TUN device (not root, or --tun none): policy and SAs without I/O. */
static int
start_dataplane(struct event_base *base, const char *tun)
{
	static const struct dp_callbacks cb = {.acquire = on_acquire,
	                                       .expire = on_expire};
	struct dp_conf dc;

	memset(&dc, 0, sizeof(dc));
	dc.fwmark = 0x5ec0;
	dc.table = 221;
	if (tun == NULL || strcmp(tun, "none") == 0) {
		dc.no_io = 1;
	} else {
		(void)snprintf(dc.tun_name, sizeof(dc.tun_name), "%s", tun);
		dplane = dp_new(base, &dc, &cb, NULL);
		if (dplane != NULL) {
			gw_notice("dataplane on %s", dc.tun_name);
			return 0;
		}
		gw_warn("dataplane without packet I/O: cannot open %s",
		        dc.tun_name);
		dc.no_io = 1;
	}
	dplane = dp_new(base, &dc, &cb, NULL);
	return dplane != NULL ? 0 : -1;
}

static void defer_delete(uint32_t index, int child);

/*
 * Sync SAs with local interface (A): the ISAKMP SAs on an address of the
 * interface that went down are deleted, and their IPsec SAs with them.
 */
static void
on_link_down(void *arg, const char *ifname)
{
	const struct agent_row *g =
	    agent_store_get(estore, AGENT_G_ipsecGlobals, 0);
	struct agent_table *t = agent_store_table(estore, AGENT_G_ikeSaTable);
	struct ifaddrs *all, *i;
	size_t k;

	(void)arg;
	if (engine == NULL || g == NULL ||
	    g->v[AGENT_C_ipsecGlobSyncSas].i != AGENT_E_ipsecGlobSyncSas_true ||
	    getifaddrs(&all) < 0)
		return;
	for (i = all; i != NULL; i = i->ifa_next) {
		uint32_t a;

		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, ifname) != 0)
			continue;
		a = ntohl(((struct sockaddr_in *)(void *)i->ifa_addr)
		              ->sin_addr.s_addr);
		for (k = 0; k < t->n; k++)
			if ((uint32_t)t->rows[k]->v[AGENT_C_ikeSaLocalIp].i ==
			    a) {
				gw_notice("%s went down: ISAKMP SA %d goes "
				          "(sync SAs with local interface)",
				          ifname, t->rows[k]->index);
				defer_delete((uint32_t)t->rows[k]->index, 0);
			}
	}
	freeifaddrs(all);
}

const struct dataplane *
agent_engine_dp(void)
{
	return dplane;
}

struct ike_engine *
agent_engine_ike(void)
{
	return engine;
}

static void
push_all(void)
{
	struct agent_table *t =
	    agent_store_table(estore, AGENT_G_ipsecPeerTable);
	struct ike_global_conf g;
	size_t i;

	agent_ike_global(estore, &g);
	ike_engine_set_global(engine, &g);
	for (i = 0; i < t->n; i++)
		push_peer(t->rows[i]->index);
	push_policy();
}

int
agent_engine_start(struct agent_store *st, struct event_base *base,
                   uint32_t bind, int ike_port, int natt_port, const char *tun)
{
	static const struct ike_callbacks cb = {
	    .sa_update = on_sa_update,
	    .sa_delete = on_sa_delete,
	    .child_install = on_child_install,
	    .child_delete = on_child_delete,
	    .peer_state = on_peer_state,
	    .child_failed = on_child_failed,
	    .esp_rx = on_esp_rx,
	    .token_check = agent_isdn_token_check,
	};
	struct ike_global_conf g;

	estore = st;
	ebase = base;
	if (start_dataplane(base, tun) < 0)
		return -1;
	links = dp_link_watch_new(base, on_link_down, NULL);
	alive_ev = event_new(base, -1, EV_PERSIST, on_alive_timer, NULL);
	if (alive_ev != NULL) {
		struct timeval tv = {5, 0};

		event_add(alive_ev, &tv);
	}
	agent_ike_global(st, &g);
	engine = ike_engine_new(
	    base, &g, bind, (uint16_t)(ike_port >= 0 ? ike_port : g.ike_port),
	    (uint16_t)(natt_port >= 0 ? natt_port : g.natt_port), &cb, NULL);
	if (engine == NULL)
		return -1;
	push_all();
	gw_notice("IKE on UDP ports %u and %u", ike_engine_port(engine, 0),
	          ike_engine_port(engine, 1));
	return 0;
}

void
agent_engine_stop(void)
{
	ike_engine_free(engine);
	engine = NULL;
	dp_free(dplane);
	dplane = NULL;
	dp_link_watch_free(links);
	links = NULL;
	if (alive_ev != NULL)
		event_free(alive_ev);
	alive_ev = NULL;
}

/*
 * Deleting an SA removes its row: done from the loop, not from inside the
 * commit that wrote ...AdminAction, which still refers to that row.
 */
struct pending_delete {
	uint32_t index;
	int child;
};

static void
deferred_delete(evutil_socket_t fd, short what, void *arg)
{
	struct pending_delete *p = arg;

	(void)fd;
	(void)what;
	if (engine != NULL && p->child)
		ike_engine_delete_child(engine, p->index);
	else if (engine != NULL)
		ike_engine_delete_sa(engine, p->index);
	free(p);
}

static void
defer_delete(uint32_t index, int child)
{
	struct pending_delete *p = malloc(sizeof(*p));

	if (p == NULL)
		return;
	p->index = index;
	p->child = child;
	if (event_base_once(ebase, -1, EV_TIMEOUT, deferred_delete, p, NULL) <
	    0)
		free(p);
}

/* Store observer: what a committed change means for the engine. */
void
agent_engine_changed(int gid, const struct agent_row *old_row,
                     const struct agent_row *new_row)
{
	const struct agent_row *r = new_row ? new_row : old_row;
	int64_t admin;

	if (engine == NULL || r == NULL)
		return;
	switch (gid) {
	case AGENT_G_ipsecPeerTable:
		push_peer(r->index);
		push_policy();
		/* dialup and callback act once, when they are set. */
		admin =
		    new_row ? new_row->v[AGENT_C_ipsecPeerAdminStatus].i : 0;
		if ((admin == AGENT_E_ipsecPeerAdminStatus_dialup ||
		     admin == AGENT_E_ipsecPeerAdminStatus_callback) &&
		    (old_row == NULL ||
		     old_row->v[AGENT_C_ipsecPeerAdminStatus].i != admin) &&
		    !agent_isdn_admin(r->index, admin))
			ike_engine_initiate(engine, r->index, 0);
		break;
	case AGENT_G_ikeSaTable:
		if (new_row != NULL && new_row->v[AGENT_C_ikeSaAdminAction].i ==
		                           AGENT_E_ikeSaAdminAction_delete)
			defer_delete((uint32_t)r->index, 0);
		break;
	case AGENT_G_ipsecSaTable:
		if (new_row != NULL &&
		    new_row->v[AGENT_C_ipsecSaAdminAction].i ==
		        AGENT_E_ipsecSaAdminAction_delete)
			defer_delete((uint32_t)r->index, 1);
		break;
	case AGENT_G_ipsecTrafficTable:
		if (r->v[AGENT_C_ipsecTrPeer].i > 0)
			push_peer((int32_t)r->v[AGENT_C_ipsecTrPeer].i);
		push_policy();
		break;
	default:
		/* Profiles, proposals, lifetimes, globals: every peer. */
		push_all();
		break;
	}
}

void
agent_engine_counters(uint64_t *malformed, uint64_t *failed)
{
	*malformed = engine != NULL ? ike_engine_malformed(engine) : 0;
	*failed = failures;
}
