/*
 * agent_isdn.c - the IPSec callback over ISDN in the agent (C1 - C5): the
 * line given with --isdn registers ipsecGlobIsdnOwnNumber at the
 * exchange; the callback logic of isdn/ finds peers by their
 * ipsecPeerIsdnIncomingNumber and asks ipsecIsdnDspTable whether a called
 * number belongs to the IPSec service.
 *
 * Calling (A): when a tunnel to an active/both peer is needed (acquire,
 * admin status dialup) and no SA to it exists, the C5 hook runs, a token
 * is made and kept with our address in the peer's row, and the peer is
 * called.  The peer returns the token in Main Mode message 1
 * (token_check) and so is identified without its address.
 *
 * Called (B): a callback from a passive/both peer stores the address and
 * token in the peer's row and makes IKE start Main Mode to that address
 * with the token (ike_engine_callback), unless SAs to the peer exist.
 */
#include "agent_isdn.h"

#include "agent_engine.h"

#include "common.h"
#include "ike.h"
#include "isdn.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOKEN_SLOTS  64
#define RETRY_S      10  /* no automatic call for this long after a failure, */
#define RETRY_MAX_S  300 /* doubled for each further one up to this */
#define ANSWER_S     30  /* after a call without token: the peer's turn */
#define RECONNECT_MS 1000

/* What the agent keeps per peer besides its row. */
struct pstate {
	struct pstate *next;
	int32_t peer;
	int64_t next_try; /* no automatic callback before (monotonic s) */
	int64_t backoff;  /* after the next failure, 0: RETRY_S */
	uint32_t rx_addr; /* the address the peer transferred, host order */
	int rx_have;      /* and its token */
	uint8_t rx_token[ISDN_TOKEN_LEN];
	int64_t rx_until; /* its validity, by our own lifetime setting */
};

static struct agent_store *ist;
static struct event_base *ibase;
static char *line_spec;
static char *prep_script;
static uint32_t bind_addr;
static struct isdn_line *line;
static struct isdn_cb *icb;
static struct isdn_token slots[TOKEN_SLOTS];
static struct isdn_token_store tokens;
static struct pstate *states;
static struct event *tick;

static int64_t
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static int64_t
glob_int(int pos)
{
	const struct agent_row *g =
	    agent_store_get(ist, AGENT_G_ipsecGlobals, 0);

	return g != NULL ? g->v[pos].i : 0;
}

/* A string column as a C string (ISDN numbers, at most 32 digits). */
static void
col_str(const struct agent_row *r, int pos, char *out, size_t n)
{
	size_t len = r->v[pos].len < n - 1 ? r->v[pos].len : n - 1;

	if (len > 0)
		memcpy(out, r->v[pos].s, len);
	out[len] = '\0';
}

static struct agent_row *
peer_row(int32_t peer)
{
	struct agent_row *r =
	    agent_store_get(ist, AGENT_G_ipsecPeerTable, peer);

	if (r == NULL || r->v[AGENT_C_ipsecPeerRowStatus].i != AGENT_RS_ACTIVE)
		return NULL;
	return r;
}

static struct pstate *
pstate(int32_t peer, int create)
{
	struct pstate *s;

	for (s = states; s != NULL; s = s->next)
		if (s->peer == peer)
			return s;
	if (!create || (s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->peer = peer;
	s->next = states;
	states = s;
	return s;
}

static void
pstate_drop(int32_t peer)
{
	struct pstate **pp, *s;

	for (pp = &states; (s = *pp) != NULL; pp = &s->next)
		if (s->peer == peer) {
			*pp = s->next;
			explicit_bzero(s, sizeof(*s));
			free(s);
			return;
		}
}

/* C2: an ISAKMP SA in any state, or an IPsec SA, to the peer. */
static int
sas_exist(int32_t peer)
{
	struct agent_table *t = agent_store_table(ist, AGENT_G_ikeSaTable);
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i]->v[AGENT_C_ikeSaPeer].i == peer)
			return 1;
	t = agent_store_table(ist, AGENT_G_ipsecSaTable);
	for (i = 0; i < t->n; i++)
		if (t->rows[i]->v[AGENT_C_ipsecSaPeer].i == peer)
			return 1;
	return 0;
}

/* ipsecPeerLastCallback: local time, direction, what happened. */
static void
stamp(struct agent_row *r, const char *what)
{
	char buf[256], when[32];
	time_t t = time(NULL);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		when[0] = '\0';
	(void)snprintf(buf, sizeof(buf), "%s %s", when, what);
	agent_val_set_str(&r->v[AGENT_C_ipsecPeerLastCallback], buf,
	                  strlen(buf));
}

static void
put(struct agent_row *r, int pos, int64_t v)
{
	r->v[pos].i = v;
	r->v[pos].set = 1;
}

/* One ipsecPeerTable row as the callback logic sees it. */
static void
fill_peer(const struct agent_row *r, struct isdn_cb_peer *p)
{
	memset(p, 0, sizeof(*p));
	p->id = (uint32_t)r->index;
	p->mode = (enum isdn_cb_mode)r->v[AGENT_C_ipsecPeerCallbackMode].i;
	col_str(r, AGENT_C_ipsecPeerIsdnIncomingNumber, p->incoming,
	        sizeof(p->incoming));
	col_str(r, AGENT_C_ipsecPeerIsdnOutgoingNumber, p->outgoing,
	        sizeof(p->outgoing));
	p->transfer_ip = r->v[AGENT_C_ipsecPeerTransferOwnIp].i ==
	                 AGENT_E_ipsecPeerTransferOwnIp_true;
	p->xfer_mode =
	    (enum isdn_xfer_mode)r->v[AGENT_C_ipsecPeerTransferMode].i;
	p->dmode = (enum isdn_dmode)r->v[AGENT_C_ipsecPeerDChannelMode].i;
}

static int
is_active(int64_t mode)
{
	return mode == AGENT_E_ipsecPeerCallbackMode_active ||
	       mode == AGENT_E_ipsecPeerCallbackMode_both;
}

/* ---- called side (B) ---- */

static int
hook_lookup(void *arg, const char *calling, struct isdn_cb_peer *out)
{
	struct agent_table *t = agent_store_table(ist, AGENT_G_ipsecPeerTable);
	char in[ISDN_NUMBER_MAX + 1];
	size_t i;

	(void)arg;
	for (i = 0; i < t->n; i++) {
		const struct agent_row *r = t->rows[i];

		if (r->v[AGENT_C_ipsecPeerRowStatus].i != AGENT_RS_ACTIVE)
			continue;
		col_str(r, AGENT_C_ipsecPeerIsdnIncomingNumber, in, sizeof(in));
		if (in[0] != '\0' && isdn_number_match(in, calling)) {
			fill_peer(r, out);
			return 0;
		}
	}
	return -1;
}

/* ipsecIsdnDspTable: the first matching entry decides and counts. */
static int
hook_dispatch(void *arg, const char *called, enum isdn_bearer b)
{
	struct agent_table *t =
	    agent_store_table(ist, AGENT_G_ipsecIsdnDspTable);
	struct isdn_dsp_entry e[64];
	struct agent_row *rows[64];
	char nums[64][ISDN_NUMBER_MAX + 1];
	size_t i, n = 0;
	int k;

	(void)arg;
	for (i = 0; i < t->n && n < 64; i++) {
		struct agent_row *r = t->rows[i];

		if (r->v[AGENT_C_ipsecIsdnDspRowStatus].i != AGENT_RS_ACTIVE)
			continue;
		col_str(r, AGENT_C_ipsecIsdnDspLocalNumber, nums[n],
		        sizeof(nums[n]));
		e[n].number = nums[n];
		e[n].item =
		    (enum isdn_dsp_item)r->v[AGENT_C_ipsecIsdnDspItem].i;
		e[n].bearer =
		    (enum isdn_dsp_bearer)r->v[AGENT_C_ipsecIsdnDspBearer].i;
		e[n].mode =
		    (enum isdn_dsp_mode)r->v[AGENT_C_ipsecIsdnDspMode].i;
		rows[n++] = r;
	}
	k = isdn_dsp_match(e, n, called, b);
	if (k < 0) {
		gw_notice("ISDN call to %s: no ipsecIsdnDspTable entry gives "
		          "it to the IPSec service",
		          called);
		return 0;
	}
	rows[k]->v[AGENT_C_ipsecIsdnDspCalls].i++;
	rows[k]->v[AGENT_C_ipsecIsdnDspCalls].set = 1;
	return e[k].item == ISDN_DSP_IPSEC;
}

/*
 * What an accepted callback makes IKE do (C2, C4 step 5): phase 1 to the
 * transferred address with the token; a callback by number alone is
 * enough too (seed 002 §3.1), then IKE goes to the configured address
 * (or the one transferred last).
 */
static void
answer(const struct agent_row *r, const struct pstate *s, int xfer)
{
	struct ike_engine *e = agent_engine_ike();

	if (e == NULL)
		return;
	if (r->v[AGENT_C_ipsecPeerAdminStatus].i ==
	    AGENT_E_ipsecPeerAdminStatus_down) {
		gw_notice("callback from peer %d: the peer is down, no tunnel",
		          r->index);
		return;
	}
	if (sas_exist(r->index)) {
		gw_notice("callback from peer %d ignored: SAs to it exist",
		          r->index);
		return;
	}
	if (xfer)
		(void)ike_engine_callback(e, r->index, s->rx_addr, s->rx_token,
		                          ISDN_TOKEN_LEN, 0);
	else
		(void)ike_engine_initiate(e, r->index, 0);
}

static void
hook_received(void *arg, const struct isdn_cb_event *ev)
{
	struct agent_row *r = peer_row((int32_t)ev->peer_id);
	struct pstate *s;
	char what[64];
	struct in_addr a;

	(void)arg;
	if (ev->verdict == ISDN_CB_IN_UNKNOWN || r == NULL) {
		gw_notice("ISDN call from %s to %s: no peer has this "
		          "ipsecPeerIsdnIncomingNumber",
		          ev->calling[0] ? ev->calling : "(no number)",
		          ev->called);
		return;
	}
	r->v[AGENT_C_ipsecPeerCallsReceived].i++;
	r->v[AGENT_C_ipsecPeerCallsReceived].set = 1;
	if (ev->verdict == ISDN_CB_IN_REFUSED) {
		gw_notice("callback from peer %d (calling %s) refused: its "
		          "callback mode does not take calls",
		          r->index, ev->calling);
		stamp(r, "incoming refused");
		return;
	}
	s = pstate(r->index, 1);
	if (s == NULL)
		return;
	(void)snprintf(what, sizeof(what), "incoming %s",
	               isdn_via_str(ev->via));
	stamp(r, what);
	if (ev->has_xfer) {
		memcpy(&a.s_addr, ev->xfer.addr, 4);
		s->rx_addr = ntohl(a.s_addr);
		memcpy(s->rx_token, ev->xfer.token, ISDN_TOKEN_LEN);
		s->rx_have = 1;
		s->rx_until =
		    now_s() + glob_int(AGENT_C_ipsecGlobCallbackTokenLifetime);
		put(r, AGENT_C_ipsecPeerCallbackAddress, s->rx_addr);
		put(r, AGENT_C_ipsecPeerCallbackTokenExpiry,
		    glob_int(AGENT_C_ipsecGlobCallbackTokenLifetime));
		gw_notice("callback from peer %d (calling %s): address %s and "
		          "token via %s",
		          r->index, ev->calling, inet_ntoa(a),
		          isdn_via_str(ev->via));
	} else {
		/* an earlier token must not be offered again */
		explicit_bzero(s->rx_token, sizeof(s->rx_token));
		s->rx_have = 0;
		gw_notice("callback from peer %d (calling %s), identified by "
		          "its number",
		          r->index, ev->calling);
	}
	answer(r, s, ev->has_xfer);
}

/* ---- calling side (A) ---- */

/* Expired tokens are swept only when the store is full: until then a
 * late one is refused as expired rather than as unknown. */
static enum isdn_token_err
make_token(int32_t peer, const uint8_t a[4], struct isdn_token **t)
{
	uint32_t life =
	    (uint32_t)glob_int(AGENT_C_ipsecGlobCallbackTokenLifetime);
	enum isdn_token_err e;

	e = isdn_token_create(&tokens, (uint32_t)peer, a, now_s(), life, t);
	if (e == ISDN_TOKEN_ERR_FULL && isdn_token_expire(&tokens, now_s()))
		e = isdn_token_create(&tokens, (uint32_t)peer, a, now_s(), life,
		                      t);
	return e;
}

/* C4 step 2 after C5: a token with our address, then the call. */
static void
prep_done(void *arg, int32_t peer, int ok, uint32_t addr)
{
	struct agent_row *r = peer_row(peer);
	struct isdn_token *t = NULL;
	struct isdn_xfer x;
	uint8_t a[4];
	uint32_t n;

	(void)arg;
	if (icb == NULL)
		return;
	if (!ok || r == NULL) {
		(void)isdn_cb_ready(icb, (uint32_t)peer, 0, NULL);
		return;
	}
	if (r->v[AGENT_C_ipsecPeerTransferOwnIp].i !=
	    AGENT_E_ipsecPeerTransferOwnIp_true) {
		(void)isdn_cb_ready(icb, (uint32_t)peer, 1, NULL);
		return;
	}
	if (addr == 0)
		addr = agent_isdn_local_addr(bind_addr);
	n = htonl(addr);
	memcpy(a, &n, 4);
	if (addr == 0 || make_token(peer, a, &t) != ISDN_TOKEN_OK) {
		gw_err("callback to peer %d: %s", peer,
		       addr == 0 ? "no local address to transfer"
		                 : "cannot create a token");
		(void)isdn_cb_ready(icb, (uint32_t)peer, 0, NULL);
		return;
	}
	(void)pstate(peer, 1);
	put(r, AGENT_C_ipsecPeerCallbackAddress, addr);
	put(r, AGENT_C_ipsecPeerCallbackTokenExpiry,
	    isdn_token_remaining(t, now_s()));
	memcpy(x.addr, t->addr, 4);
	memcpy(x.token, t->token, ISDN_TOKEN_LEN);
	(void)isdn_cb_ready(icb, (uint32_t)peer, 1, &x);
	explicit_bzero(&x, sizeof(x));
}

static void
hook_prepare(void *arg, uint32_t peer_id)
{
	struct agent_row *r = peer_row((int32_t)peer_id);
	char num[ISDN_NUMBER_MAX + 1] = "";

	(void)arg;
	if (r != NULL)
		col_str(r, AGENT_C_ipsecPeerIsdnOutgoingNumber, num,
		        sizeof(num));
	if (agent_isdn_prep_start(ibase, prep_script, (int32_t)peer_id, num,
	                          prep_done, NULL) < 0)
		(void)isdn_cb_ready(icb, peer_id, 0, NULL);
}

/*
 * No automatic call while the peer is expected to answer the last one
 * (its token is valid and unused), and after failures for RETRY_S,
 * doubling up to RETRY_MAX_S: a callee that keeps answering on the B
 * channel without taking the record must not cost a call every few
 * seconds.
 */
static void
hold_off(struct pstate *s, int ok, const struct isdn_token *t)
{
	int64_t now = now_s();

	if (ok) {
		s->backoff = 0;
		s->next_try = now + (t != NULL && t->state == ISDN_TOKEN_ACTIVE
		                         ? (int64_t)isdn_token_remaining(t, now)
		                         : ANSWER_S);
		return;
	}
	if (s->backoff < RETRY_S)
		s->backoff = RETRY_S;
	s->next_try = now + s->backoff;
	s->backoff =
	    s->backoff * 2 > RETRY_MAX_S ? RETRY_MAX_S : s->backoff * 2;
}

/* How the call ended: counters, ipsecPeerLastCallback, the log. */
static void
hook_done(void *arg, const struct isdn_cb_result *res)
{
	struct agent_row *r = peer_row((int32_t)res->peer_id);
	struct pstate *s = pstate((int32_t)res->peer_id, 1);
	int preparing = agent_isdn_prep_running((int32_t)res->peer_id);
	const struct isdn_token *t =
	    isdn_token_find(&tokens, (uint32_t)res->peer_id);
	char what[128];

	(void)arg;
	agent_isdn_prep_cancel((int32_t)res->peer_id);
	if (res->res == ISDN_CB_OK)
		(void)snprintf(what, sizeof(what), "outgoing %s",
		               isdn_via_str(res->via));
	else
		(void)snprintf(what, sizeof(what),
		               "outgoing failed: %s (cause "
		               "%u)",
		               isdn_cb_res_str(res->res), res->cause);
	gw_notice("callback to peer %d: %s (sent %s%s, %s, %u units)",
	          (int)res->peer_id,
	          res->res == ISDN_CB_OK ? isdn_via_str(res->via)
	                                 : isdn_cb_res_str(res->res),
	          res->sent ? isdn_via_str(res->sent) : "nothing",
	          res->b_allowed ? ", B allowed" : "",
	          res->connected ? "charged" : "not charged", res->units);
	if (s != NULL)
		hold_off(s, res->res == ISDN_CB_OK, t);
	if (r == NULL)
		return;
	stamp(r, what);
	if (!preparing && res->res != ISDN_CB_E_PREPARE &&
	    res->res != ISDN_CB_E_CONFIG && res->res != ISDN_CB_E_LINE) {
		r->v[AGENT_C_ipsecPeerCallsSent].i++;
		r->v[AGENT_C_ipsecPeerCallsSent].set = 1;
	}
	if (res->connected) {
		r->v[AGENT_C_ipsecPeerChargedCalls].i++;
		r->v[AGENT_C_ipsecPeerChargedCalls].set = 1;
	}
}

static void
hook_line_state(void *arg, int up)
{
	(void)arg;
	gw_notice("ISDN line %s %s", line != NULL ? isdn_line_name(line) : "",
	          up ? "up: registered at the exchange" : "down");
}

/*
 * C2: the callback is placed whenever a tunnel is needed and no SA to the
 * peer exists.  Automatic requests (acquire) wait after a failure and
 * while the peer is expected to answer the last call; dialup does not.
 */
static int
place(int32_t peer, int forced)
{
	struct agent_row *r = peer_row(peer);
	struct isdn_cb_peer p;
	struct pstate *s;
	enum isdn_cb_res res;

	if (r == NULL || !is_active(r->v[AGENT_C_ipsecPeerCallbackMode].i) ||
	    sas_exist(peer))
		return 0;
	if (icb == NULL || !isdn_line_is_up(line)) {
		gw_info("peer %d: active callback, but no ISDN line is up",
		        peer);
		return 0;
	}
	s = pstate(peer, 1);
	if (s == NULL)
		return 0;
	if (!forced && now_s() < s->next_try)
		return 1;
	fill_peer(r, &p);
	res = isdn_cb_start(icb, &p, NULL);
	if (res == ISDN_CB_OK) {
		gw_notice("callback to peer %d: calling %s", peer, p.outgoing);
		s->next_try = now_s() + RETRY_S;
		return 1;
	}
	if (res == ISDN_CB_E_IN_PROGRESS)
		return 1;
	gw_warn("callback to peer %d not placed: %s", peer,
	        isdn_cb_res_str(res));
	hold_off(s, 0, NULL);
	return 0;
}

int
agent_isdn_acquire(int32_t peer)
{
	if (ist == NULL)
		return 0;
	return place(peer, 0);
}

/*
 * dialup sets a tunnel up once, with every kind of connection including
 * the callback; callback acts as if the peer had just called: phase 1 to
 * the address (and with the token) it transferred last.
 */
int
agent_isdn_admin(int32_t peer, int64_t admin)
{
	struct ike_engine *e = agent_engine_ike();
	struct pstate *s;

	if (ist == NULL || e == NULL)
		return 0;
	if (admin == AGENT_E_ipsecPeerAdminStatus_dialup)
		return place(peer, 1);
	if (admin != AGENT_E_ipsecPeerAdminStatus_callback)
		return 0;
	s = pstate(peer, 0);
	if (s == NULL || s->rx_addr == 0)
		return 0;
	gw_notice("peer %d: admin status callback, as if it had called", peer);
	(void)ike_engine_callback(e, peer, s->rx_addr,
	                          s->rx_have ? s->rx_token : NULL,
	                          s->rx_have ? ISDN_TOKEN_LEN : 0, 0);
	return 1;
}

/*
 * C4 step 6: a token returned in Main Mode message 1.  Good once, within
 * ipsecGlobCallbackTokenLifetime; a refusal names the peer's row.
 */
int
agent_isdn_token_check(void *arg, const uint8_t *token, size_t len,
                       uint32_t from, int32_t *peer, char *why, size_t whylen)
{
	struct in_addr a = {htonl(from)};
	enum isdn_token_err err = ISDN_TOKEN_ERR_WRONG;
	uint32_t id = 0;
	struct agent_row *r;
	struct pstate *s;
	char text[200];

	(void)arg;
	if (ist != NULL && len == ISDN_TOKEN_LEN)
		err = isdn_token_verify(&tokens, token, now_s(), &id);
	r = id != 0 ? peer_row((int32_t)id) : NULL;
	if (err == ISDN_TOKEN_OK && r != NULL) {
		*peer = (int32_t)id;
		put(r, AGENT_C_ipsecPeerCallbackTokenExpiry, 0);
		s = pstate((int32_t)id, 0);
		if (s != NULL)
			s->next_try = 0;
		gw_notice("callback token of peer %u returned by %s: accepted",
		          id, inet_ntoa(a));
		return 0;
	}
	(void)snprintf(why, whylen, "%s",
	               err == ISDN_TOKEN_ERR_EXPIRED    ? "has expired"
	               : err == ISDN_TOKEN_ERR_REPLAYED ? "was used before"
	               : err == ISDN_TOKEN_OK ? "names a peer that is gone"
	                                      : "is unknown");
	if (r != NULL) {
		(void)snprintf(text, sizeof(text),
		               "callback token from %s refused: it %s",
		               inet_ntoa(a), why);
		agent_val_set_str(&r->v[AGENT_C_ipsecPeerLastError], text,
		                  strlen(text));
		(void)snprintf(why + strlen(why), whylen - strlen(why),
		               " (peer %u)", id);
	}
	return -1;
}

/* ---- the line ---- */

static void
close_line(void)
{
	isdn_cb_free(icb);
	icb = NULL;
	isdn_line_free(line);
	line = NULL;
	agent_isdn_prep_stop();
}

/* The line registers ipsecGlobIsdnOwnNumber; without one it waits. */
static void
open_line(void)
{
	static const struct isdn_cb_hooks hooks = {
	    .lookup = hook_lookup,
	    .dispatch = hook_dispatch,
	    .prepare = hook_prepare,
	    .received = hook_received,
	    .done = hook_done,
	    .line_state = hook_line_state,
	};
	const struct agent_row *g =
	    agent_store_get(ist, AGENT_G_ipsecGlobals, 0);
	struct isdn_cb_conf conf;
	struct isdn_sim_conf sc;
	const char *msn = conf.own_number;

	memset(&conf, 0, sizeof(conf));
	if (g != NULL)
		col_str(g, AGENT_C_ipsecGlobIsdnOwnNumber, conf.own_number,
		        sizeof(conf.own_number));
	if (!isdn_number_valid(conf.own_number)) {
		gw_warn("ISDN: no ipsecGlobIsdnOwnNumber, the line stays "
		        "closed until it is set");
		return;
	}
	memset(&sc, 0, sizeof(sc));
	sc.path = line_spec + 4; /* after "sim:" */
	sc.msns = &msn;
	sc.n_msns = 1;
	sc.reconnect_ms = RECONNECT_MS;
	line = isdn_sim_open(ibase, &sc);
	if (line != NULL)
		icb = isdn_cb_new(ibase, line, &conf, &hooks, NULL);
	if (icb == NULL) {
		gw_err("ISDN: cannot open %s", line_spec);
		close_line();
		return;
	}
	gw_notice("ISDN line %s: own number %s", line_spec, conf.own_number);
}

/* ipsecPeerCallbackTokenExpiry counts down once a second. */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	int64_t now = now_s();
	struct pstate *s;

	(void)fd;
	(void)what;
	(void)arg;
	for (s = states; s != NULL; s = s->next) {
		struct agent_row *r = peer_row(s->peer);
		const struct isdn_token *t =
		    isdn_token_find(&tokens, (uint32_t)s->peer);
		int64_t left = 0;

		if (r == NULL)
			continue;
		if (t != NULL && t->state == ISDN_TOKEN_ACTIVE)
			left = isdn_token_remaining(t, now);
		else if (s->rx_have && s->rx_until > now)
			left = s->rx_until - now;
		put(r, AGENT_C_ipsecPeerCallbackTokenExpiry, left);
	}
}

int
agent_isdn_start(struct agent_store *st, struct event_base *base,
                 const char *spec, const char *prepare, uint32_t bind)
{
	struct timeval tv = {1, 0};

	if (spec == NULL)
		return 0;
	if (strncmp(spec, "sim:", 4) != 0 || spec[4] == '\0') {
		gw_err("--isdn %s: the driver must be sim:PATH", spec);
		return -1;
	}
	ist = st;
	ibase = base;
	bind_addr = bind;
	line_spec = strdup(spec);
	prep_script = prepare != NULL ? strdup(prepare) : NULL;
	isdn_token_store_init(&tokens, slots, TOKEN_SLOTS);
	tick = event_new(base, -1, EV_PERSIST, on_tick, NULL);
	if (line_spec == NULL || (prepare != NULL && prep_script == NULL) ||
	    tick == NULL || event_add(tick, &tv) < 0) {
		agent_isdn_stop();
		return -1;
	}
	open_line();
	return 0;
}

void
agent_isdn_stop(void)
{
	close_line();
	if (tick != NULL)
		event_free(tick);
	tick = NULL;
	while (states != NULL)
		pstate_drop(states->peer);
	explicit_bzero(slots, sizeof(slots));
	free(line_spec);
	free(prep_script);
	line_spec = prep_script = NULL;
	ist = NULL;
	ibase = NULL;
}

/*
 * A new own number means registering again; any change of a peer's row
 * forgets what autodetect learnt for it (the settings, or the telephone
 * company behind them, may have changed).
 */
void
agent_isdn_changed(int gid, const struct agent_row *old_row,
                   const struct agent_row *new_row)
{
	const struct agent_row *r = new_row != NULL ? new_row : old_row;
	char a[ISDN_NUMBER_MAX + 1], b[ISDN_NUMBER_MAX + 1];

	if (ist == NULL || r == NULL)
		return;
	if (gid == AGENT_G_ipsecGlobals && old_row != NULL && new_row != NULL) {
		col_str(old_row, AGENT_C_ipsecGlobIsdnOwnNumber, a, sizeof(a));
		col_str(new_row, AGENT_C_ipsecGlobIsdnOwnNumber, b, sizeof(b));
		if (strcmp(a, b) != 0) {
			close_line();
			open_line();
		}
	} else if (gid == AGENT_G_ipsecPeerTable) {
		if (icb != NULL)
			isdn_cb_forget(icb, (uint32_t)r->index);
		if (new_row == NULL) {
			isdn_token_remove(&tokens, (uint32_t)r->index);
			pstate_drop(r->index);
		}
	}
}
