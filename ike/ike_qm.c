/*
 * ike_qm.c - Quick Mode (RFC 2409 section 5.5), with and without PFS:
 *
 *   I: HDR*, HASH(1), SA, Ni [, KE] , IDci, IDcr  ->
 *                <- R: HDR*, HASH(2), SA, Nr [, KE], IDci, IDcr
 *   I: HDR*, HASH(3)                              ->
 *
 * Each exchange has its own IV chain, starting from hash(last phase 1
 * block | M-ID).  Behind a NAT the SAs use UDP-encapsulated tunnel mode
 * (RFC 3947).  The keyed SA pair goes to the dataplane through the
 * child_install callback; KEYMAT is cleansed right after.
 */
#include "ike_int.h"

#include "common.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct qm_id {
	uint8_t type; /* enum ike_sel_type */
	uint32_t addr, end;
	uint8_t proto;
	uint16_t port;
};

void
ike_qm_free(struct ike_qm *qm)
{
	if (qm->timer != NULL) {
		free(event_get_callback_arg(qm->timer));
		event_free(qm->timer);
	}
	ike_out_clear(&qm->out);
	ike_dh_free(qm->dh);
	ike_crypto_cleanse(qm, sizeof(*qm));
	free(qm);
}

static struct ike_qm *
qm_new(struct ike_ph1 *sa, uint32_t msgid, int initiator)
{
	struct ike_qm *qm = calloc(1, sizeof(*qm));

	if (qm == NULL)
		return NULL;
	qm->sa = sa;
	qm->msgid = msgid;
	qm->initiator = initiator;
	qm->started = time(NULL);
	if (ike_keys_phase2_iv(sa->keys, sa->iv, msgid, qm->iv) < 0 ||
	    ike_crypto_random(&qm->child.spi_in, 4) < 0) {
		free(qm);
		return NULL;
	}
	qm->child.spi_in = ntohl(qm->child.spi_in) | 0x100; /* never < 256 */
	/* CPIs 0-255 are IANA's, 61440-65535 private (RFC 3173 3.3). */
	qm->child.cpi_in = (uint16_t)(256 + qm->child.spi_in % 61184);
	qm->next = sa->qms;
	sa->qms = qm;
	return qm;
}

/* Concrete addresses of a selector side (own and peer resolved). */
static struct qm_id
sel_id(const struct ike_ph1 *sa, const struct ike_sel *s, uint8_t proto)
{
	struct qm_id id = {s->type, s->addr, s->end, proto, s->port};

	if (s->type == IKE_SEL_OWN || s->type == IKE_SEL_PEER) {
		id.type = IKE_SEL_HOST;
		id.addr =
		    ntohl(s->type == IKE_SEL_OWN ? sa->local.sin_addr.s_addr
		                                 : sa->remote.sin_addr.s_addr);
	}
	if (id.type == IKE_SEL_NET && id.end == 32)
		id.type = IKE_SEL_HOST;
	return id;
}

static void
build_qm_id(struct ike_buf *b, const struct qm_id *id)
{
	uint32_t v[2] = {htonl(id->addr), 0};

	if (id->type == IKE_SEL_HOST) {
		ike_build_id(b, IKE_ID_IPV4_ADDR, id->proto, id->port, v, 4);
		return;
	}
	if (id->type == IKE_SEL_RANGE) {
		v[1] = htonl(id->end);
		ike_build_id(b, IKE_ID_IPV4_ADDR_RANGE, id->proto, id->port, v,
		             8);
		return;
	}
	v[1] = htonl(id->end ? 0xffffffffu << (32 - id->end) : 0);
	ike_build_id(b, IKE_ID_IPV4_ADDR_SUBNET, id->proto, id->port, v, 8);
}

static int
parse_qm_id(const struct ike_msg *m, const struct ike_pld *p, struct qm_id *o)
{
	struct ike_id id;
	uint32_t a, e;

	if (ike_pld_id(ike_pld_body(m, p), p->len, &id) != IKE_PLD_OK)
		return -1;
	o->proto = id.proto;
	o->port = id.port;
	if (id.type == IKE_ID_IPV4_ADDR && id.len == 4) {
		memcpy(&a, id.data, 4);
		o->type = IKE_SEL_HOST;
		o->addr = ntohl(a);
		o->end = 32;
		return 0;
	}
	if ((id.type == IKE_ID_IPV4_ADDR_SUBNET ||
	     id.type == IKE_ID_IPV4_ADDR_RANGE) &&
	    id.len == 8) {
		memcpy(&a, id.data, 4);
		memcpy(&e, id.data + 4, 4);
		o->addr = ntohl(a);
		e = ntohl(e);
		if (id.type == IKE_ID_IPV4_ADDR_RANGE) {
			o->type = IKE_SEL_RANGE;
			o->end = e;
			return 0;
		}
		o->type = IKE_SEL_NET;
		o->end = (uint32_t)__builtin_popcount(e);
		if (o->end == 32)
			o->type = IKE_SEL_HOST;
		return 0;
	}
	return -1;
}

static int
qm_id_eq(const struct qm_id *a, const struct qm_id *b)
{
	return a->type == b->type && a->addr == b->addr &&
	       (a->type == IKE_SEL_HOST || a->end == b->end) &&
	       a->proto == b->proto && a->port == b->port;
}

static uint16_t
encap_mode(const struct ike_ph1 *sa)
{
	return sa->floated ? IKE_ENCAP_UDP_TUNNEL : IKE_ENCAP_TUNNEL;
}

static void
build_prop(struct ike_buf *b, const struct ike_qm *qm, uint8_t num,
           const struct ike_p2_prop *p, const struct ike_lifetime *life)
{
	const struct ike_p2_conf *c = &qm->tr.p2;
	uint32_t nspi = htonl(qm->child.spi_in);
	uint8_t spi[4];

	memcpy(spi, &nspi, 4);
	ike_build_prop(b, num, p->proto, spi, 4);
	ike_build_xform(b, 1, (uint8_t)p->transform);
	ike_build_attr(b, IKE_IPSEC_ATTR_ENCAP_MODE, encap_mode(qm->sa));
	if (p->auth)
		ike_build_attr(b, IKE_IPSEC_ATTR_AUTH_ALG, p->auth);
	if (p->keylen)
		ike_build_attr(b, IKE_IPSEC_ATTR_KEY_LENGTH, p->keylen);
	if (life->seconds) {
		ike_build_attr(b, IKE_IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
		ike_build_attr(b, IKE_IPSEC_ATTR_LIFE_DURATION, life->seconds);
	}
	if (life->kbytes) {
		ike_build_attr(b, IKE_IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_KILOBYTES);
		ike_build_attr(b, IKE_IPSEC_ATTR_LIFE_DURATION, life->kbytes);
	}
	if (c->pfs_group)
		ike_build_attr(b, IKE_IPSEC_ATTR_GROUP_DESC, c->pfs_group);
}

/* The IPComp half of a proposal (RFC 3173 4.1): a two-octet CPI. */
static void
build_comp(struct ike_buf *b, const struct ike_qm *qm, uint8_t num,
           const struct ike_lifetime *life)
{
	uint8_t cpi[2] = {(uint8_t)(qm->child.cpi_in >> 8),
	                  (uint8_t)qm->child.cpi_in};

	ike_build_prop(b, num, IKE_PROTO_IPCOMP, cpi, 2);
	ike_build_xform(b, 1, IKE_IPCOMP_DEFLATE);
	ike_build_attr(b, IKE_IPSEC_ATTR_ENCAP_MODE, encap_mode(qm->sa));
	if (life->seconds) {
		ike_build_attr(b, IKE_IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
		ike_build_attr(b, IKE_IPSEC_ATTR_LIFE_DURATION, life->seconds);
	}
}

/* Fills the HASH payload at hoff: fn covers the message after it. */
static int
fill_hash(struct ike_qm *qm, struct ike_buf *b, size_t hoff, int which)
{
	const struct ike_keys *k = qm->sa->keys;
	size_t rest = hoff + k->len;
	struct ike_crypto_iov r = {b->data + rest, b->len - rest};
	struct ike_crypto_iov ni = {qm->ni, qm->ni_len};

	if (which == 1)
		return ike_keys_qm_hash1(k, qm->msgid, r, b->data + hoff);
	return ike_keys_qm_hash2(k, qm->msgid, ni, r, b->data + hoff);
}

static int
qm_send(struct ike_qm *qm, struct ike_buf *b, int retransmit)
{
	int rc = ike_crypt_encrypt(qm->sa, qm->iv, b);

	if (rc == 0)
		rc = ike_sa_send(qm->sa, &qm->out, &qm->timer, b, retransmit);
	ike_buf_free(b);
	return rc;
}

static int
make_nonce_ke(struct ike_qm *qm, int initiator)
{
	uint8_t *n = initiator ? qm->ni : qm->nr;

	*(initiator ? &qm->ni_len : &qm->nr_len) = IKE_NONCE_LEN;
	if (ike_crypto_random(n, IKE_NONCE_LEN) < 0)
		return -1;
	if (qm->tr.p2.pfs_group == 0)
		return 0;
	qm->dh = ike_dh_new(qm->tr.p2.pfs_group);
	return qm->dh == NULL || ike_dh_generate(qm->dh) < 0 ? -1 : 0;
}

static void
build_ke_ids(struct ike_qm *qm, struct ike_buf *b)
{
	struct qm_id li = sel_id(qm->sa, &qm->tr.local, qm->tr.proto);
	struct qm_id ri = sel_id(qm->sa, &qm->tr.remote, qm->tr.proto);
	size_t len;

	if (qm->dh != NULL) {
		const uint8_t *pub = ike_dh_public(qm->dh, &len);

		ike_build_ke(b, pub, len);
	}
	/* IDci is the initiator's side, IDcr the responder's. */
	build_qm_id(b, qm->initiator ? &li : &ri);
	build_qm_id(b, qm->initiator ? &ri : &li);
}

/*
 * The offer, numbered in order of preference: with IPComp first (both
 * halves share a proposal number, RFC 2408 4.2), then without, as the
 * profile's IPComp setting says (S1).
 */
static void
build_offer(struct ike_buf *b, const struct ike_qm *qm,
            const struct ike_traffic *tr)
{
	uint8_t num = 1, pass, i;

	for (pass = 0; pass < 2; pass++) {
		int comp = pass == 0;

		if ((comp && tr->p2.ipcomp == IKE_IPCOMP_NEVER) ||
		    (!comp && tr->p2.ipcomp == IKE_IPCOMP_FORCE))
			continue;
		for (i = 0; i < tr->p2.nprops; i++, num++) {
			build_prop(b, qm, num, &tr->p2.props[i], &tr->p2.life);
			if (comp)
				build_comp(b, qm, num, &tr->p2.life);
		}
	}
}

/* Initiator: QM1 for one of the peer's protect entries. */
int
ike_qm_start(struct ike_ph1 *sa, int32_t traffic)
{
	struct ike_peer *p = sa->peer;
	const struct ike_traffic *tr = NULL;
	struct ike_qm *qm;
	struct ike_buf b;
	uint32_t msgid;
	size_t i, hoff;

	for (i = 0; i < p->conf.ntraffic; i++)
		if (traffic <= 0 || p->traffic[i].index == traffic) {
			tr = &p->traffic[i];
			break;
		}
	if (tr == NULL) {
		gw_notice("peer %d: no protect entry %d in its traffic list",
		          p->conf.index, traffic);
		return -1;
	}
	if (ike_crypto_random(&msgid, 4) < 0 || msgid == 0 ||
	    (qm = qm_new(sa, msgid, 1)) == NULL)
		return -1;
	qm->tr = *tr;
	if (make_nonce_ke(qm, 1) < 0)
		return -1;
	ike_buf_init(&b);
	ike_build_header(&b, sa->icookie, sa->rcookie, IKE_XCHG_QUICK, 0,
	                 msgid);
	ike_build_hash(&b, NULL, sa->keys->len);
	hoff = ike_buf_last_body(&b);
	ike_build_sa_begin(&b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY);
	build_offer(&b, qm, tr);
	ike_build_sa_end(&b);
	ike_build_nonce(&b, qm->ni, qm->ni_len);
	build_ke_ids(qm, &b);
	if (ike_build_finish(&b) < 0 || fill_hash(qm, &b, hoff, 1) < 0) {
		ike_buf_free(&b);
		return -1;
	}
	gw_info("peer %d: Quick Mode for traffic entry %d", p->conf.index,
	        tr->index);
	return qm_send(qm, &b, 1);
}

struct p2_pick {
	uint8_t comp; /* an IPComp proposal goes with it (same number) */
	uint16_t cpi; /* the peer's CPI */
	uint8_t proto;
	uint16_t transform, auth, keylen, encap, group;
	uint32_t spi, life_sec, life_kb;
};

static int
read_p2(struct ike_prop *pr, struct p2_pick *o)
{
	struct ike_xform x;
	struct ike_attr at;
	uint64_t v;
	unsigned int i;
	int lt = 0;

	if (pr->nxform < 1 || pr->spi_size != 4 ||
	    ike_pld_prop_next(pr, &x) != IKE_PLD_OK)
		return -1;
	memset(o, 0, sizeof(*o));
	o->proto = pr->proto;
	memcpy(&o->spi, pr->spi, 4);
	o->spi = ntohl(o->spi);
	o->transform = x.id;
	for (i = 0; i < x.nattr; i++) {
		if (ike_pld_xform_next(&x, &at) != IKE_PLD_OK ||
		    ike_pld_attr_value(&at, &v) != IKE_PLD_OK)
			return -1;
		switch (at.type) {
		case IKE_IPSEC_ATTR_ENCAP_MODE:
			o->encap = (uint16_t)v;
			break;
		case IKE_IPSEC_ATTR_AUTH_ALG:
			o->auth = (uint16_t)v;
			break;
		case IKE_IPSEC_ATTR_KEY_LENGTH:
			o->keylen = (uint16_t)v;
			break;
		case IKE_IPSEC_ATTR_GROUP_DESC:
			o->group = (uint16_t)v;
			break;
		case IKE_IPSEC_ATTR_LIFE_TYPE:
			lt = (int)v;
			break;
		case IKE_IPSEC_ATTR_LIFE_DURATION:
			if (lt == IKE_LIFE_SECONDS)
				o->life_sec = (uint32_t)v;
			else if (lt == IKE_LIFE_KILOBYTES)
				o->life_kb = (uint32_t)v;
			break;
		default:
			break;
		}
	}
	if (!lt) /* no lifetime attributes: the default 8 hours */
		o->life_sec = IKE_LIFE_DEFAULT_SEC;
	return 0;
}

enum p2_fit { P2_NO, P2_OK, P2_LIFE };

/* Like phase 1: P2_LIFE when only matching policy strict refuses it. */
static enum p2_fit
p2_ok(const struct ike_qm *qm, const struct p2_pick *o)
{
	const struct ike_p2_conf *c = &qm->tr.p2;
	int udp = o->encap == IKE_ENCAP_UDP_TUNNEL ||
	          o->encap == IKE_ENCAP_UDP_TUNNEL_DRAFT;
	uint8_t i;

	if ((o->encap != IKE_ENCAP_TUNNEL && !udp) || udp != qm->sa->floated ||
	    o->group != c->pfs_group)
		return P2_NO;
	for (i = 0; i < c->nprops; i++) {
		const struct ike_p2_prop *p = &c->props[i];

		if (p->proto == o->proto && p->transform == o->transform &&
		    p->auth == o->auth && p->keylen == o->keylen)
			break;
	}
	if (i == c->nprops)
		return P2_NO;
	if (ike_life_refused(&c->life, o->life_sec, o->life_kb))
		return P2_LIFE;
	return P2_OK;
}

/* The IPComp half of a proposal: the peer's CPI, deflate only. */
static int
read_comp(struct ike_prop *pr, uint16_t *cpi)
{
	struct ike_xform x;

	if (pr->nxform < 1 || (pr->spi_size != 2 && pr->spi_size != 4) ||
	    ike_pld_prop_next(pr, &x) != IKE_PLD_OK ||
	    x.id != IKE_IPCOMP_DEFLATE)
		return -1;
	*cpi = (uint16_t)(pr->spi[pr->spi_size - 2] << 8 |
	                  pr->spi[pr->spi_size - 1]);
	return 0;
}

/*
 * The first acceptable proposal of an SA payload (peer's order).  The
 * protocols of one proposal number are a bundle: ESP or AH, with IPComp
 * or without, which must suit the profile's IPComp setting.  -1 when
 * none fits, -2 when one would but for matching policy strict (out then
 * holds the lifetimes offered).
 */
static int
pick_p2(struct ike_qm *qm, const struct ike_msg *m, struct p2_pick *out)
{
	const struct ike_pld *s = ike_pld_get(m, IKE_PLD_SA, 0);
	uint8_t mode = qm->tr.p2.ipcomp;
	struct ike_sa sap;
	struct ike_prop pr;
	struct p2_pick cur;
	unsigned int i;
	int have = 0, comp = 0, bad = 0, num = -1, life_refused = 0;
	enum p2_fit ok = P2_NO;
	uint16_t cpi = 0;

	if (s == NULL || ike_pld_sa(ike_pld_body(m, s), s->len, IKE_PHASE_2,
	                            &sap) != IKE_PLD_OK)
		return -1;
	for (i = 0; i <= sap.nprop; i++) {
		int end = i == sap.nprop;

		if (!end && ike_pld_sa_next(&sap, &pr) != IKE_PLD_OK)
			return -1;
		if (end || pr.num != num) {
			/* A bundle is complete: take it if it suits. */
			if (have && ok != P2_NO && !bad &&
			    !(comp && mode == IKE_IPCOMP_NEVER) &&
			    !(!comp && mode == IKE_IPCOMP_FORCE)) {
				*out = cur;
				out->comp = (uint8_t)comp;
				out->cpi = cpi;
				if (ok == P2_OK)
					return 0;
				life_refused = 1;
			}
			if (end)
				break;
			have = comp = bad = 0;
			ok = P2_NO;
			num = pr.num;
		}
		if (pr.proto == IKE_PROTO_IPCOMP) {
			comp = 1;
			bad |= read_comp(&pr, &cpi) < 0;
		} else if (!have) {
			have = 1;
			ok = read_p2(&pr, &cur) == 0 ? p2_ok(qm, &cur) : P2_NO;
		} else {
			bad = 1; /* AH+ESP bundles are not offered */
		}
	}
	return life_refused ? -2 : -1;
}

/* A refusal by matching policy strict, naming both lifetimes. */
static void
life_refused(struct ike_qm *qm, const struct p2_pick *pk, const char *what,
             const char *tail)
{
	ike_qm_failed(qm->sa, qm->tr.index,
	              "%s the peer's lifetime %u s/%u kB is not the %u s/%u kB "
	              "that matching policy strict requires%s",
	              what, pk->life_sec, pk->life_kb, qm->tr.p2.life.seconds,
	              qm->tr.p2.life.kbytes, tail);
}

/*
 * Matching policy notify (I2): a peer proposing a longer lifetime than
 * ours is accepted, ours is used, and the peer is told with a
 * RESPONDER-LIFETIME notification (RFC 2407 4.6.3.1).  Returns whether.
 */
static int
use_own_lifetime(const struct ike_lifetime *mine, struct p2_pick *pk)
{
	int changed = 0;

	if (mine->policy != IKE_LIFE_NOTIFY)
		return 0;
	if (mine->seconds && (!pk->life_sec || pk->life_sec > mine->seconds)) {
		pk->life_sec = mine->seconds;
		changed = 1;
	}
	if (mine->kbytes && (!pk->life_kb || pk->life_kb > mine->kbytes)) {
		pk->life_kb = mine->kbytes;
		changed = 1;
	}
	return changed;
}

static void
responder_lifetime(struct ike_buf *b, const struct p2_pick *pk,
                   const struct ike_lifetime *mine)
{
	uint8_t data[IKE_LIFE_DATA_MAX];
	uint32_t spi = htonl(pk->spi);
	size_t n =
	    ike_build_life_data(data, 0, mine->seconds ? pk->life_sec : 0,
	                        mine->kbytes ? pk->life_kb : 0);

	ike_build_notify(b, IKE_DOI_IPSEC, pk->proto, IKE_N_RESPONDER_LIFETIME,
	                 &spi, 4, data, n);
}

/*
 * Initiator: a RESPONDER-LIFETIME in the answer (RFC 2407 4.6.3.1) means
 * the peer keeps the SA for less than the lifetime in the proposal; ours
 * then ends with the peer's, whatever our matching policy, since an SA
 * the peer has dropped carries nothing.
 */
static void
take_responder_lifetime(struct ike_qm *qm, const struct ike_msg *m,
                        struct p2_pick *pk)
{
	unsigned int i;

	for (i = 0; i < ike_pld_count(m, IKE_PLD_NOTIFY); i++) {
		const struct ike_pld *p = ike_pld_get(m, IKE_PLD_NOTIFY, i);
		struct ike_notify n;
		uint32_t sec, kb;

		if (ike_pld_notify(ike_pld_body(m, p), p->len, &n) !=
		        IKE_PLD_OK ||
		    n.type != IKE_N_RESPONDER_LIFETIME || n.proto != pk->proto)
			continue;
		if (ike_pld_lifetime(&n, &sec, &kb) != IKE_PLD_OK) {
			qm->sa->eng->malformed++;
			continue;
		}
		if (sec && (!pk->life_sec || sec < pk->life_sec))
			pk->life_sec = sec;
		if (kb && (!pk->life_kb || kb < pk->life_kb))
			pk->life_kb = kb;
		gw_info("peer %d: the responder's lifetime is %u s/%u kB "
		        "(RESPONDER-LIFETIME); the IPsec SA lives %u s/%u kB",
		        qm->sa->peer->conf.index, sec, kb, pk->life_sec,
		        pk->life_kb);
	}
}

/* KEYMAT for both directions, handed to the dataplane, then cleansed. */
static int
install(struct ike_qm *qm, const struct p2_pick *pk)
{
	struct ike_ph1 *sa = qm->sa;
	struct ike_engine *e = sa->eng;
	struct ike_child_sa *c = &qm->child;
	const struct ike_cipher_alg *ca =
	    pk->proto == IKE_PROTO_IPSEC_ESP
	        ? ike_crypto_cipher_by_esp(pk->transform)
	        : NULL;
	const struct ike_hash_alg *ha = ike_crypto_hash_by_auth(pk->auth);
	struct ike_keys_p2 in;
	size_t glen = 0, klen = 0;
	const uint8_t *gqm = qm->dh ? ike_dh_secret(qm->dh, &glen) : NULL;

	if (ca != NULL)
		klen += (pk->keylen ? pk->keylen : ca->key_default) / 8 +
		        ca->salt_len;
	if (ha != NULL)
		klen += ha->len;
	if (klen > sizeof(c->key_in))
		return -1;
	c->index = ++e->next_child;
	c->peer = sa->peer->conf.index;
	c->traffic = qm->tr.index;
	c->proto = pk->proto;
	c->transform = pk->transform;
	c->auth = pk->auth;
	c->keylen = pk->keylen;
	c->encap = pk->encap;
	c->local = ntohl(sa->local.sin_addr.s_addr);
	c->remote = ntohl(sa->remote.sin_addr.s_addr);
	c->local_port = ntohs(sa->local.sin_port);
	c->remote_port = ntohs(sa->remote.sin_port);
	c->local_sel = qm->tr.local;
	c->remote_sel = qm->tr.remote;
	c->sel_proto = qm->tr.proto;
	c->life.seconds = pk->life_sec;
	c->life.kbytes = pk->life_kb;
	c->pmtu = qm->tr.p2.pmtu;
	c->key_len = (uint16_t)klen;
	memset(&in, 0, sizeof(in));
	in.proto = pk->proto;
	in.gqm.base = gqm;
	in.gqm.len = glen;
	in.ni.base = qm->ni;
	in.ni.len = qm->ni_len;
	in.nr.base = qm->nr;
	in.nr.len = qm->nr_len;
	in.spi = c->spi_in;
	if (ike_keys_keymat(sa->keys, &in, c->key_in, klen) < 0)
		return -1;
	in.spi = c->spi_out;
	if (ike_keys_keymat(sa->keys, &in, c->key_out, klen) < 0)
		return -1;
	qm->done = 1;
	gw_notice("peer %d: IPsec SA established for traffic entry %d "
	          "(SPIs %08x in, %08x out%s, lifetime %u s/%u kB)",
	          c->peer, c->traffic, c->spi_in, c->spi_out,
	          sa->floated ? ", UDP-encapsulated" : "", c->life.seconds,
	          c->life.kbytes);
	qm->alive = time(NULL);
	if (qm->tr.p2.heartbeats != IKE_HB_NONE && qm->tr.p2.heartbeats != 0)
		ike_dpd_p2_start(sa);
	if (e->cb.child_install != NULL)
		e->cb.child_install(e->cb_arg, c);
	if (e->cb.peer_state != NULL)
		e->cb.peer_state(e->cb_arg, c->peer, IKE_PEER_UP, "");
	ike_crypto_cleanse(c->key_in, sizeof(c->key_in));
	ike_crypto_cleanse(c->key_out, sizeof(c->key_out));
	return 0;
}

static int
take_nonce_ke(struct ike_qm *qm, const struct ike_msg *m, int from_initiator)
{
	const struct ike_pld *no = ike_pld_get(m, IKE_PLD_NONCE, 0);
	const struct ike_pld *ke = ike_pld_get(m, IKE_PLD_KE, 0);
	uint8_t *n = from_initiator ? qm->ni : qm->nr;

	if (no == NULL || no->len > IKE_NONCE_MAX)
		return -1;
	memcpy(n, ike_pld_body(m, no), no->len);
	*(from_initiator ? &qm->ni_len : &qm->nr_len) = no->len;
	if (qm->tr.p2.pfs_group == 0)
		return ke == NULL ? 0 : -1;
	if (ke == NULL || ke->len > IKE_DH_MAX)
		return -1;
	memcpy(qm->peer_ke, ike_pld_body(m, ke), ke->len);
	qm->peer_ke_len = ke->len;
	return 0;
}

/* HASH(1) or HASH(2): the first payload, over the rest of the message. */
static int
check_hash(struct ike_qm *qm, const struct ike_msg *m, int which)
{
	const struct ike_pld *h = ike_pld_nth(m, 0);
	const struct ike_keys *k = qm->sa->keys;
	uint8_t want[IKE_CRYPTO_HASH_MAX];
	struct ike_crypto_iov rest, ni = {qm->ni, qm->ni_len};

	if (h == NULL || h->type != IKE_PLD_HASH || h->len != k->len)
		return -1;
	rest.base = m->buf + h->off + h->len;
	rest.len = m->end - (h->off + h->len);
	if ((which == 1 ? ike_keys_qm_hash1(k, qm->msgid, rest, want)
	                : ike_keys_qm_hash2(k, qm->msgid, ni, rest, want)) < 0)
		return -1;
	return ike_crypto_ct_equal(want, ike_pld_body(m, h), k->len) ? 0 : -1;
}

/* Responder: the peer's protect entry whose selectors are IDcr/IDci. */
static const struct ike_traffic *
match_traffic(struct ike_ph1 *sa, const struct ike_msg *m)
{
	const struct ike_pld *a = ike_pld_get(m, IKE_PLD_ID, 0);
	const struct ike_pld *b = ike_pld_get(m, IKE_PLD_ID, 1);
	struct qm_id ci, cr;
	size_t i;

	if (a == NULL || b == NULL || parse_qm_id(m, a, &ci) < 0 ||
	    parse_qm_id(m, b, &cr) < 0)
		return NULL;
	for (i = 0; i < sa->peer->conf.ntraffic; i++) {
		const struct ike_traffic *t = &sa->peer->traffic[i];
		struct qm_id l = sel_id(sa, &t->local, t->proto);
		struct qm_id r = sel_id(sa, &t->remote, t->proto);

		if (qm_id_eq(&l, &cr) && qm_id_eq(&r, &ci))
			return t;
	}
	return NULL;
}

static void
qm_r_recv1(struct ike_ph1 *sa, struct ike_qm *qm, const struct ike_msg *m)
{
	const struct ike_traffic *tr = match_traffic(sa, m);
	struct ike_lifetime theirs = {0, 0, 0};
	struct p2_pick pk;
	struct ike_buf b;
	size_t hoff;
	int notify_life, rc;

	if (tr == NULL) {
		ike_qm_failed(sa, 0,
		              "Quick Mode refused: the proposed selectors "
		              "match no protect entry of the traffic list");
		ike_info_send(sa, IKE_N_INVALID_ID_INFORMATION, NULL, 0, 0);
		return;
	}
	qm->tr = *tr;
	if (check_hash(qm, m, 1) < 0 || take_nonce_ke(qm, m, 1) < 0) {
		ike_qm_failed(sa, tr->index,
		              "Quick Mode refused: bad HASH(1), nonce or KE");
		return;
	}
	rc = pick_p2(qm, m, &pk);
	if (rc == -2)
		life_refused(qm, &pk,
		             "Quick Mode:", " (NO-PROPOSAL-CHOSEN sent)");
	else if (rc < 0)
		ike_qm_failed(sa, tr->index,
		              "Quick Mode: none of the peer's phase 2 "
		              "proposals is acceptable (NO-PROPOSAL-CHOSEN "
		              "sent)");
	if (rc < 0) {
		ike_info_send(sa, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0, 0);
		return;
	}
	qm->child.spi_out = pk.spi;
	qm->child.ipcomp = pk.comp;
	qm->child.cpi_out = pk.cpi;
	theirs.seconds = pk.life_sec;
	theirs.kbytes = pk.life_kb;
	notify_life = use_own_lifetime(&qm->tr.p2.life, &pk);
	if (make_nonce_ke(qm, 0) < 0 ||
	    (qm->dh != NULL &&
	     ike_dh_derive(qm->dh, qm->peer_ke, qm->peer_ke_len) < 0))
		return;
	ike_buf_init(&b);
	ike_build_header(&b, sa->icookie, sa->rcookie, IKE_XCHG_QUICK, 0,
	                 qm->msgid);
	ike_build_hash(&b, NULL, sa->keys->len);
	hoff = ike_buf_last_body(&b);
	ike_build_sa_begin(&b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY);
	{
		struct ike_p2_prop p = {pk.proto, pk.transform, pk.keylen,
		                        pk.auth};

		build_prop(&b, qm, 1, &p, &theirs);
		if (pk.comp)
			build_comp(&b, qm, 1, &theirs);
	}
	ike_build_sa_end(&b);
	ike_build_nonce(&b, qm->nr, qm->nr_len);
	build_ke_ids(qm, &b);
	if (notify_life)
		responder_lifetime(&b, &pk, &qm->tr.p2.life);
	if (ike_build_finish(&b) < 0 || fill_hash(qm, &b, hoff, 2) < 0) {
		ike_buf_free(&b);
		return;
	}
	qm->child.life.seconds = pk.life_sec;
	qm->child.encap = pk.encap;
	qm_send(qm, &b, 0);
	/* Keep the choice until HASH(3) arrives. */
	qm->child.proto = pk.proto;
	qm->child.transform = pk.transform;
	qm->child.auth = pk.auth;
	qm->child.keylen = pk.keylen;
	qm->child.life.kbytes = pk.life_kb;
}

static void
qm_r_recv3(struct ike_qm *qm, const struct ike_msg *m)
{
	const struct ike_pld *h = ike_pld_nth(m, 0);
	const struct ike_keys *k = qm->sa->keys;
	struct ike_crypto_iov ni = {qm->ni, qm->ni_len};
	struct ike_crypto_iov nr = {qm->nr, qm->nr_len};
	uint8_t want[IKE_CRYPTO_HASH_MAX];
	struct p2_pick pk;

	if (h == NULL || h->type != IKE_PLD_HASH || h->len != k->len ||
	    ike_keys_qm_hash3(k, qm->msgid, ni, nr, want) < 0 ||
	    !ike_crypto_ct_equal(want, ike_pld_body(m, h), k->len)) {
		gw_notice("peer %d: Quick Mode: bad HASH(3)",
		          qm->sa->peer->conf.index);
		return;
	}
	memset(&pk, 0, sizeof(pk));
	pk.proto = qm->child.proto;
	pk.transform = qm->child.transform;
	pk.auth = qm->child.auth;
	pk.keylen = qm->child.keylen;
	pk.encap = qm->child.encap;
	pk.life_sec = qm->child.life.seconds;
	pk.life_kb = qm->child.life.kbytes;
	install(qm, &pk);
}

static void
qm_i_recv2(struct ike_qm *qm, const struct ike_msg *m)
{
	struct ike_ph1 *sa = qm->sa;
	struct ike_crypto_iov ni = {qm->ni, qm->ni_len};
	struct ike_crypto_iov nr;
	struct p2_pick pk;
	struct ike_buf b;
	size_t hoff;
	int rc = 0;

	if (take_nonce_ke(qm, m, 0) < 0 || check_hash(qm, m, 2) < 0 ||
	    (rc = pick_p2(qm, m, &pk)) < 0 ||
	    (qm->dh != NULL &&
	     ike_dh_derive(qm->dh, qm->peer_ke, qm->peer_ke_len) < 0)) {
		if (rc == -2)
			life_refused(qm, &pk, "Quick Mode answer refused:", "");
		else
			ike_qm_failed(sa, qm->tr.index,
			              "Quick Mode answer refused (hash, nonce, "
			              "KE or a proposal we did not make)");
		return;
	}
	qm->child.spi_out = pk.spi;
	qm->child.ipcomp = pk.comp;
	qm->child.cpi_out = pk.cpi;
	take_responder_lifetime(qm, m, &pk);
	ike_out_clear(&qm->out);
	nr.base = qm->nr;
	nr.len = qm->nr_len;
	ike_buf_init(&b);
	ike_build_header(&b, sa->icookie, sa->rcookie, IKE_XCHG_QUICK, 0,
	                 qm->msgid);
	ike_build_hash(&b, NULL, sa->keys->len);
	hoff = ike_buf_last_body(&b);
	if (ike_build_finish(&b) < 0 ||
	    ike_keys_qm_hash3(sa->keys, qm->msgid, ni, nr, b.data + hoff) < 0) {
		ike_buf_free(&b);
		return;
	}
	qm_send(qm, &b, 0);
	install(qm, &pk);
}

/* Decrypts a Quick Mode message and runs the step of its exchange. */
void
ike_qm_recv(struct ike_ph1 *sa, const struct ike_net_dgram *d,
            const uint8_t *pkt, size_t len)
{
	struct ike_msg m;
	struct ike_qm *qm;
	uint8_t *plain = NULL;
	size_t plen = 0;
	uint32_t msgid, rx = ike_sa_rx_hash(pkt, len);
	uint8_t iv[IKE_CRYPTO_BLOCK_MAX];

	if (sa->state != IKE_SA_ESTABLISHED ||
	    ike_pld_header(&m, pkt, len) != IKE_PLD_OK ||
	    !(m.hdr.flags & IKE_FLAG_E))
		return;
	msgid = m.hdr.msgid;
	for (qm = sa->qms; qm != NULL && qm->msgid != msgid; qm = qm->next)
		;
	if (qm != NULL && rx == qm->last_rx) {
		if (!qm->initiator && qm->out.data != NULL)
			ike_net_send(sa->eng->net, &sa->local, &sa->remote,
			             sa->floated, qm->out.data, qm->out.len);
		return;
	}
	if (qm == NULL && (qm = qm_new(sa, msgid, 0)) == NULL)
		return;
	memcpy(iv, qm->iv, sizeof(iv));
	if (ike_crypt_decrypt(sa, iv, pkt, len, &plain, &plen) < 0 ||
	    ike_pld_walk(&m, plain, plen, IKE_HDR_LEN, IKE_PLD_F_PADDED) !=
	        IKE_PLD_OK) {
		sa->eng->malformed++;
		free(plain);
		return;
	}
	memcpy(qm->iv, iv, sizeof(iv));
	qm->last_rx = rx;
	(void)d;
	if (qm->done)
		;
	else if (!qm->initiator && qm->ni_len == 0)
		qm_r_recv1(sa, qm, &m);
	else if (!qm->initiator)
		qm_r_recv3(qm, &m);
	else
		qm_i_recv2(qm, &m);
	free(plain);
}

/*
 * Phase 2 failures reach the peer's last error and the ipsecPhase2Failure
 * notification through the agent, not only the log.
 */
void
ike_qm_failed(struct ike_ph1 *sa, int32_t traffic, const char *fmt, ...)
{
	struct ike_engine *e = sa->eng;
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(reason, sizeof(reason),
	                fmt, // NOLINT(clang-analyzer-valist.*)
	                ap);
	va_end(ap);
	gw_notice("peer %d: %s", sa->peer != NULL ? sa->peer->conf.index : 0,
	          reason);
	if (sa->peer != NULL && e->cb.child_failed != NULL)
		e->cb.child_failed(e->cb_arg, sa->peer->conf.index, traffic,
		                   reason);
}
