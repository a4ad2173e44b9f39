/*
 * ike_p1.c - phase 1 proposals: the SA payload an initiator offers (one
 * transform per configured proposal, RFC 2409 appendix A attributes), the
 * responder's choice among the peer's transforms in the peer's order, and
 * the initiator's check of the answer.  A refused offer is described in
 * words ("peer offered AES-256/SHA1/modp1024") for the log and the MIB.
 */
#include "ike_int.h"

#include "common.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct p1_attrs {
	uint16_t enc, keylen, hash, auth, group;
	uint32_t life_sec, life_kb;
};

static int
build_xform(struct ike_buf *b, uint8_t num, const struct p1_attrs *a)
{
	ike_build_xform(b, num, IKE_KEY_IKE);
	ike_build_attr(b, IKE_ATTR_ENC_ALG, a->enc);
	if (a->keylen)
		ike_build_attr(b, IKE_ATTR_KEY_LENGTH, a->keylen);
	ike_build_attr(b, IKE_ATTR_HASH_ALG, a->hash);
	ike_build_attr(b, IKE_ATTR_AUTH_METHOD, a->auth);
	ike_build_attr(b, IKE_ATTR_GROUP_DESC, a->group);
	if (a->life_sec) {
		ike_build_attr(b, IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
		ike_build_attr(b, IKE_ATTR_LIFE_DURATION, a->life_sec);
	}
	if (a->life_kb) {
		ike_build_attr(b, IKE_ATTR_LIFE_TYPE, IKE_LIFE_KILOBYTES);
		ike_build_attr(b, IKE_ATTR_LIFE_DURATION, a->life_kb);
	}
	return b->err ? -1 : 0;
}

/* Keeps a copy of the SA body just built: HASH_I/R cover SAi_b. */
static int
keep_sai(struct ike_ph1 *sa, struct ike_buf *b)
{
	size_t off = ike_buf_last_body(b);

	free(sa->sai_b);
	sa->sai_len = b->len - off;
	sa->sai_b = malloc(sa->sai_len);
	if (sa->sai_b == NULL)
		return -1;
	memcpy(sa->sai_b, b->data + off, sa->sai_len);
	return 0;
}

/*
 * The ISAKMP proposal's SPI is redundant with the cookies (RFC 2408 2.4):
 * with ipsecGlobZeroCookies it is sent zeroed, ipsecGlobCookieSize octets
 * long but at most the 16 of a cookie pair (what ISAKMP allows), else
 * left out.
 */
static void
build_p1_prop(struct ike_ph1 *sa, struct ike_buf *b)
{
	static const uint8_t zero[16];
	uint8_t n = sa->eng->g.zero_cookies ? sa->eng->g.cookie_size : 0;

	if (n > sizeof(zero))
		n = sizeof(zero);
	if (n != 0 && n != sizeof(zero))
		n = 0; /* only 0 and 16 are valid sizes for ISAKMP */
	ike_build_prop(b, 1, IKE_PROTO_ISAKMP, n ? zero : NULL, n);
}

/* RFC 2409 5.1 and appendix A: DSS signatures go with SHA (SHA1) only. */
static int
hash_fits_auth(uint16_t hash, uint16_t auth)
{
	return auth != IKE_AUTH_DSS_SIG || hash == IKE_HASH_SHA;
}

/* -1 also when no configured proposal fits the authentication method. */
int
ike_p1_build_sa(struct ike_ph1 *sa, struct ike_buf *b)
{
	const struct ike_p1_conf *c = &sa->peer->conf.p1;
	uint8_t i, n = 0;

	ike_build_sa_begin(b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY);
	build_p1_prop(sa, b);
	for (i = 0; i < c->nprops; i++) {
		struct p1_attrs a = {c->props[i].enc,  c->props[i].keylen,
		                     c->props[i].hash, c->auth,
		                     c->group,         c->life.seconds,
		                     c->life.kbytes};

		if (hash_fits_auth(a.hash, a.auth))
			build_xform(b, ++n, &a);
	}
	if (n == 0)
		return -1;
	ike_build_sa_end(b);
	return b->err ? -1 : keep_sai(sa, b);
}

/* Reads one transform's attributes; -1 on a form we cannot use. */
static int
read_xform(struct ike_xform *x, struct p1_attrs *a)
{
	struct ike_attr at;
	uint64_t v;
	unsigned int i;
	int life_type = 0;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < x->nattr; i++) {
		if (ike_pld_xform_next(x, &at) != IKE_PLD_OK ||
		    ike_pld_attr_value(&at, &v) != IKE_PLD_OK)
			return -1;
		switch (at.type) {
		case IKE_ATTR_ENC_ALG:
			a->enc = (uint16_t)v;
			break;
		case IKE_ATTR_KEY_LENGTH:
			a->keylen = (uint16_t)v;
			break;
		case IKE_ATTR_HASH_ALG:
			a->hash = (uint16_t)v;
			break;
		case IKE_ATTR_AUTH_METHOD:
			a->auth = (uint16_t)v;
			break;
		case IKE_ATTR_GROUP_DESC:
			a->group = (uint16_t)v;
			break;
		case IKE_ATTR_LIFE_TYPE:
			life_type = (int)v;
			break;
		case IKE_ATTR_LIFE_DURATION:
			if (life_type == IKE_LIFE_SECONDS)
				a->life_sec =
				    v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
			else if (life_type == IKE_LIFE_KILOBYTES)
				a->life_kb =
				    v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
			break;
		default:
			break;
		}
	}
	if (!life_type) /* no lifetime attributes: the customary 8 hours */
		a->life_sec = IKE_LIFE_DEFAULT_SEC;
	return 0;
}

static unsigned
eff_keylen(uint16_t enc, uint16_t keylen)
{
	const struct ike_cipher_alg *c = ike_crypto_cipher_by_ike(enc);

	return keylen ? keylen : c ? c->key_default : 0;
}

enum p1_fit { P1_NO, P1_OK, P1_LIFE };

/*
 * Whether a matches one of our proposals (P1_OK), and if it does but the
 * matching policy strict refuses its lifetime, P1_LIFE: the refusal then
 * names the lifetimes, not the algorithms.
 */
static enum p1_fit
acceptable(const struct ike_ph1 *sa, const struct p1_attrs *a)
{
	const struct ike_p1_conf *c = &sa->peer->conf.p1;
	const struct ike_cipher_alg *ca = ike_crypto_cipher_by_ike(a->enc);
	uint8_t i;

	if (ca == NULL || ike_crypto_hash_by_ike(a->hash) == NULL ||
	    a->auth != c->auth || a->group != c->group ||
	    !hash_fits_auth(a->hash, a->auth) ||
	    eff_keylen(a->enc, a->keylen) > sa->eng->g.max_key_len)
		return P1_NO;
	for (i = 0; i < c->nprops; i++)
		if (ike_crypto_cipher_by_ike(c->props[i].enc) == ca &&
		    eff_keylen(c->props[i].enc, c->props[i].keylen) ==
		        eff_keylen(a->enc, a->keylen) &&
		    c->props[i].hash == a->hash)
			break;
	if (i == c->nprops)
		return P1_NO;
	if (ike_life_refused(&c->life, a->life_sec, a->life_kb))
		return P1_LIFE;
	return P1_OK;
}

static void
describe(const struct ike_ph1 *sa, const struct p1_attrs *a, enum p1_fit fit,
         char *buf, size_t n)
{
	const struct ike_cipher_alg *c = ike_crypto_cipher_by_ike(a->enc);
	const struct ike_hash_alg *h = ike_crypto_hash_by_ike(a->hash);
	const struct ike_lifetime *l = &sa->peer->conf.p1.life;
	size_t used = strlen(buf);

	if (used + 2 >= n)
		return;
	if (fit == P1_LIFE)
		snprintf(buf + used, n - used,
		         "%slifetime %u s/%u kB where matching policy strict "
		         "requires %u s/%u kB",
		         used ? ", " : "", a->life_sec, a->life_kb, l->seconds,
		         l->kbytes);
	else
		snprintf(buf + used, n - used, "%s%s-%u/%s/group %u/auth %u",
		         used ? ", " : "", c ? c->name : "unknown",
		         eff_keylen(a->enc, a->keylen), h ? h->name : "unknown",
		         a->group, a->auth);
}

/* Stores the chosen transform; lifetimes per the matching policy. */
static void
take(struct ike_ph1 *sa, const struct p1_attrs *a, uint8_t num)
{
	const struct ike_lifetime *l = &sa->peer->conf.p1.life;

	sa->enc = a->enc;
	sa->keylen = a->keylen;
	sa->hash = a->hash;
	sa->auth = a->auth;
	sa->group = a->group;
	sa->xform_num = num;
	sa->life_sec = sa->prop_life_sec = a->life_sec;
	sa->life_kb = sa->prop_life_kb = a->life_kb;
	if (l->policy == IKE_LIFE_NOTIFY) {
		if (l->seconds && (!a->life_sec || a->life_sec > l->seconds))
			sa->life_sec = l->seconds;
		if (l->kbytes && (!a->life_kb || a->life_kb > l->kbytes))
			sa->life_kb = l->kbytes;
	}
}

/* Sends the RESPONDER-LIFETIME that ike_p1_tell_lifetime() scheduled. */
static void
on_tell(evutil_socket_t fd, short what, void *arg)
{
	struct ike_ph1 *sa = arg;
	uint8_t spi[2 * IKE_COOKIE_LEN], data[IKE_LIFE_DATA_MAX];
	const struct ike_lifetime *l = &sa->peer->conf.p1.life;
	size_t n;

	(void)fd;
	(void)what;
	if (sa->state != IKE_SA_ESTABLISHED)
		return;
	memcpy(spi, sa->icookie, IKE_COOKIE_LEN);
	memcpy(spi + IKE_COOKIE_LEN, sa->rcookie, IKE_COOKIE_LEN);
	n = ike_build_life_data(data, 1, l->seconds ? sa->life_sec : 0,
	                        l->kbytes ? sa->life_kb : 0);
	if (ike_info_notify_data(sa, IKE_N_RESPONDER_LIFETIME, spi, sizeof(spi),
	                         IKE_PROTO_ISAKMP, data, n) == 0)
		gw_info("phase 1 with peer %d: told the peer our shorter "
		        "lifetime (%u s, %u kB) with RESPONDER-LIFETIME",
		        sa->peer->conf.index, sa->life_sec, sa->life_kb);
}

/*
 * Matching policy notify as responder: the peer learns the shorter
 * lifetime we use with a RESPONDER-LIFETIME notification (SPI = the
 * cookie pair), so that it rekeys in time instead of losing the SA at our
 * expiry.  A second later: sent at once, it could overtake our last Main
 * Mode message, and the peer could not decrypt it yet.
 */
void
ike_p1_tell_lifetime(struct ike_ph1 *sa)
{
	struct timeval tv = {1, 0};

	/* Only policy notify makes ours differ from the proposed one. */
	if (sa->initiator || (sa->life_sec == sa->prop_life_sec &&
	                      sa->life_kb == sa->prop_life_kb))
		return;
	if (sa->tell == NULL)
		sa->tell = evtimer_new(sa->eng->base, on_tell, sa);
	if (sa->tell != NULL)
		evtimer_add(sa->tell, &tv);
}

/*
 * Responder: picks the first of the peer's transforms we accept; keeps
 * SAi_b.  Returns 0 or the notify type, with why filled in on refusal.
 */
uint16_t
ike_p1_select(struct ike_ph1 *sa, const uint8_t *body, size_t len, char *why,
              size_t whylen)
{
	struct ike_sa sap;
	struct ike_prop prop;
	struct ike_xform x;
	struct p1_attrs a;
	enum p1_fit fit;
	unsigned int i;

	why[0] = '\0';
	if (ike_pld_sa(body, len, IKE_PHASE_1, &sap) != IKE_PLD_OK ||
	    ike_pld_sa_next(&sap, &prop) != IKE_PLD_OK)
		return IKE_N_BAD_PROPOSAL_SYNTAX;
	for (i = 0; i < prop.nxform; i++) {
		if (ike_pld_prop_next(&prop, &x) != IKE_PLD_OK ||
		    read_xform(&x, &a) < 0)
			return IKE_N_BAD_PROPOSAL_SYNTAX;
		fit = acceptable(sa, &a);
		if (fit == P1_OK) {
			take(sa, &a, x.num);
			free(sa->sai_b);
			sa->sai_b = malloc(len);
			if (sa->sai_b == NULL)
				return IKE_N_NO_PROPOSAL_CHOSEN;
			memcpy(sa->sai_b, body, len);
			sa->sai_len = len;
			return 0;
		}
		describe(sa, &a, fit, why, whylen);
	}
	return IKE_N_NO_PROPOSAL_CHOSEN;
}

int
ike_p1_build_reply_sa(struct ike_ph1 *sa, struct ike_buf *b)
{
	/* The transform as proposed: a shorter lifetime of ours (policy
	 * notify) is announced with RESPONDER-LIFETIME, not by changing it. */
	struct p1_attrs a = {sa->enc,         sa->keylen, sa->hash,
	                     sa->auth,        sa->group,  sa->prop_life_sec,
	                     sa->prop_life_kb};

	ike_build_sa_begin(b, IKE_DOI_IPSEC, IKE_SIT_IDENTITY_ONLY);
	build_p1_prop(sa, b);
	build_xform(b, sa->xform_num, &a);
	return ike_build_sa_end(b);
}

/*
 * Initiator: the responder's answer must be one transform we offered
 * (with matching policy strict, with our lifetime); why says what it was.
 */
uint16_t
ike_p1_accept_reply(struct ike_ph1 *sa, const uint8_t *body, size_t len,
                    char *why, size_t whylen)
{
	struct ike_sa sap;
	struct ike_prop prop;
	struct ike_xform x;
	struct p1_attrs a;
	enum p1_fit fit;

	snprintf(why, whylen, "not a single transform");
	if (ike_pld_sa(body, len, IKE_PHASE_1, &sap) != IKE_PLD_OK ||
	    ike_pld_sa_next(&sap, &prop) != IKE_PLD_OK || prop.nxform != 1 ||
	    ike_pld_prop_next(&prop, &x) != IKE_PLD_OK ||
	    read_xform(&x, &a) < 0)
		return IKE_N_BAD_PROPOSAL_SYNTAX;
	fit = acceptable(sa, &a);
	if (fit != P1_OK) {
		why[0] = '\0';
		describe(sa, &a, fit, why, whylen);
		return IKE_N_NO_PROPOSAL_CHOSEN;
	}
	take(sa, &a, x.num);
	return 0;
}
