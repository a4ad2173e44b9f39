/*
 * agent_ike.c - MIB rows to IKE engine configuration.  The Bintec model
 * lets almost every profile field say "default": take it from the default
 * profile (ipsecGlobDefaultIkeProfile / ...IpsecProfile), and where that
 * one says default too, from the built-in values below.
 */
#include "agent_ike.h"
#include "agent_pki.h"

#include "common.h"

#include <stdlib.h>
#include <string.h>

/* Built-in values behind the default profiles. */
#define BUILTIN_GROUP      14
#define BUILTIN_BLOCK_TIME 0
#define BUILTIN_LIFE_SEC   900
#define BUILTIN_LIFE_KB    11000
#define IKE_AUTH_PSK       1
#define IKE_HB_DEFAULT_MIB 1

/* IKE phase 1 numbers (RFC 2409 appendix A; private-use ones documented
 * in docs/algorithms.md). */
static uint16_t
ike_enc_of(int64_t mib)
{
	switch (mib) {
	case AGENT_E_ikePropEncAlg_des:
		return 1;
	case AGENT_E_ikePropEncAlg_des3:
		return 5;
	case AGENT_E_ikePropEncAlg_blowfish:
		return 3;
	case AGENT_E_ikePropEncAlg_cast128:
		return 6;
	case AGENT_E_ikePropEncAlg_twofish:
		return 65005;
	default:
		return 7; /* AES */
	}
}

static uint16_t
ike_hash_of(int64_t mib)
{
	switch (mib) {
	case AGENT_E_ikePropHashAlg_md5:
		return 1;
	case AGENT_E_ikePropHashAlg_sha1:
		return 2;
	case AGENT_E_ikePropHashAlg_tiger192:
		return 3;
	case AGENT_E_ikePropHashAlg_sha256:
		return 4;
	case AGENT_E_ikePropHashAlg_sha384:
		return 5;
	case AGENT_E_ikePropHashAlg_sha512:
		return 6;
	default:
		return 65001; /* RIPEMD-160 */
	}
}

/* IPsec DOI ESP transform IDs (RFC 2407 4.4.4, RFC 4106). */
static uint16_t
esp_transform_of(int64_t mib)
{
	switch (mib) {
	case AGENT_E_ipsecPropEncAlg_null:
		return 11;
	case AGENT_E_ipsecPropEncAlg_des:
		return 2;
	case AGENT_E_ipsecPropEncAlg_des3:
		return 3;
	case AGENT_E_ipsecPropEncAlg_blowfish:
		return 7;
	case AGENT_E_ipsecPropEncAlg_cast128:
		return 6;
	case AGENT_E_ipsecPropEncAlg_twofish:
		return 253;
	case AGENT_E_ipsecPropEncAlg_aesGcm16:
		return 20;
	default:
		return 12; /* AES-CBC */
	}
}

/* Authentication Algorithm attribute (RFC 2407 4.5, RFC 4868). */
static uint16_t
auth_attr_of(int64_t mib)
{
	switch (mib) {
	case AGENT_E_ipsecPropAuthAlg_hmacMd5:
		return 1;
	case AGENT_E_ipsecPropAuthAlg_hmacSha1:
		return 2;
	case AGENT_E_ipsecPropAuthAlg_hmacSha256:
		return 5;
	case AGENT_E_ipsecPropAuthAlg_hmacSha384:
		return 6;
	case AGENT_E_ipsecPropAuthAlg_hmacSha512:
		return 7;
	default:
		return 0;
	}
}

/* AH transform IDs follow the same algorithm (RFC 2407 4.4.3). */
static uint16_t
ah_transform_of(uint16_t auth_attr)
{
	return auth_attr == 1 ? 2 : auth_attr == 2 ? 3 : auth_attr;
}

static const struct agent_row *
row(struct agent_store *st, int gid, int64_t index)
{
	const struct agent_row *r;

	if (index <= 0 || index > INT32_MAX)
		return NULL;
	r = agent_store_get(st, gid, (int32_t)index);
	if (r == NULL ||
	    r->v[agent_mib_groups[gid].rowstatus_pos].i != AGENT_RS_ACTIVE)
		return NULL;
	return r;
}

static int64_t
glob(struct agent_store *st, int pos)
{
	return agent_store_get(st, AGENT_G_ipsecGlobals, 0)->v[pos].i;
}

/* An integer column of prof, or of the default profile when it says dflt. */
static int64_t
pick(const struct agent_row *prof, const struct agent_row *def, int pos,
     int64_t dflt, int64_t builtin)
{
	if (prof != NULL && prof->v[pos].i != dflt)
		return prof->v[pos].i;
	if (def != NULL && def->v[pos].i != dflt)
		return def->v[pos].i;
	return builtin;
}

static const struct agent_val *
pick_list(const struct agent_row *prof, const struct agent_row *def, int pos)
{
	if (prof != NULL && prof->v[pos].len > 0)
		return &prof->v[pos];
	if (def != NULL)
		return &def->v[pos];
	return NULL;
}

/* Calls fn for each index of an IpsecgwIndexList (checked at SET time). */
static void
each_index(const struct agent_val *list, void (*fn)(void *, int32_t), void *arg)
{
	const char *p, *end;

	if (list == NULL || list->s == NULL)
		return;
	p = (const char *)list->s;
	end = p + list->len;
	while (p < end) {
		int32_t x = 0;

		while (p < end && *p >= '0' && *p <= '9')
			x = x * 10 + (*p++ - '0');
		fn(arg, x);
		if (p < end)
			p++; /* the comma */
	}
}

static void
lifetime(struct agent_store *st, int64_t idx, int64_t def_idx,
         struct ike_lifetime *l)
{
	const struct agent_row *r = row(st, AGENT_G_ipsecLifetimeTable, idx);
	int64_t based;

	if (r == NULL)
		r = row(st, AGENT_G_ipsecLifetimeTable, def_idx);
	l->seconds = BUILTIN_LIFE_SEC;
	l->kbytes = BUILTIN_LIFE_KB;
	l->policy = IKE_LIFE_LOOSE;
	if (r == NULL)
		return;
	based = r->v[AGENT_C_ipsecLifeBasedOn].i;
	l->seconds = based == AGENT_E_ipsecLifeBasedOn_traffic
	                 ? 0
	                 : (uint32_t)r->v[AGENT_C_ipsecLifeSeconds].i;
	l->kbytes = based == AGENT_E_ipsecLifeBasedOn_time
	                ? 0
	                : (uint32_t)r->v[AGENT_C_ipsecLifeKBytes].i;
	l->policy = (uint8_t)r->v[AGENT_C_ipsecLifePolicy].i;
}

struct p1_fill {
	struct agent_store *st;
	struct ike_p1_conf *c;
};

static void
add_p1_prop(void *arg, int32_t idx)
{
	struct p1_fill *f = arg;
	const struct agent_row *p = row(f->st, AGENT_G_ikeProposalTable, idx);
	struct ike_p1_prop *o;

	if (p == NULL || f->c->nprops == IKE_CONF_MAX_PROPS)
		return;
	o = &f->c->props[f->c->nprops++];
	o->enc = ike_enc_of(p->v[AGENT_C_ikePropEncAlg].i);
	o->keylen = (uint16_t)p->v[AGENT_C_ikePropKeyLength].i;
	o->hash = ike_hash_of(p->v[AGENT_C_ikePropHashAlg].i);
}

static uint8_t
heartbeats_of(int64_t mib)
{
	/* MIB: default(1) none(2) expect(3) send(4) both(5). */
	return mib <= IKE_HB_DEFAULT_MIB ? IKE_HB_NONE : (uint8_t)(mib - 1);
}

static void
phase1(struct agent_store *st, int64_t prof_idx, struct ike_p1_conf *c)
{
	int64_t def_idx = glob(st, AGENT_C_ipsecGlobDefaultIkeProfile);
	const struct agent_row *def = row(st, AGENT_G_ikeProfileTable, def_idx);
	const struct agent_row *p =
	    row(st, AGENT_G_ikeProfileTable, prof_idx ? prof_idx : def_idx);
	struct p1_fill f = {st, c};
	int64_t mode, v;
	const struct agent_val *id;

	memset(c, 0, sizeof(*c));
	each_index(pick_list(p, def, AGENT_C_ikeProfileProposals), add_p1_prop,
	           &f);
	if (c->nprops == 0) { /* built-in: AES-128/SHA1, the common ground */
		c->props[0] = (struct ike_p1_prop){7, 128, 2};
		c->nprops = 1;
	}
	c->group =
	    (uint16_t)pick(p, def, AGENT_C_ikeProfileGroup,
	                   AGENT_E_ikeProfileGroup_default, BUILTIN_GROUP);
	v = pick(p, def, AGENT_C_ikeProfileAuthMethod,
	         AGENT_E_ikeProfileAuthMethod_default, IKE_AUTH_PSK);
	c->auth = (uint16_t)v;
	mode =
	    pick(p, def, AGENT_C_ikeProfileMode, AGENT_E_ikeProfileMode_default,
	         AGENT_E_ikeProfileMode_idProtect);
	c->mode =
	    mode == AGENT_E_ikeProfileMode_aggressive      ? IKE_MODE_AGGRESSIVE
	    : mode == AGENT_E_ikeProfileMode_idProtectOnly ? IKE_MODE_MAIN_ONLY
	    : mode == AGENT_E_ikeProfileMode_aggressiveOnly
	        ? IKE_MODE_AGGRESSIVE_ONLY
	        : IKE_MODE_MAIN;
	c->heartbeats = heartbeats_of(pick(p, def, AGENT_C_ikeProfileHeartbeats,
	                                   AGENT_E_ikeProfileHeartbeats_default,
	                                   AGENT_E_ikeProfileHeartbeats_none));
	c->natt = pick(p, def, AGENT_C_ikeProfileNatTraversal,
	               AGENT_E_ikeProfileNatTraversal_default,
	               AGENT_E_ikeProfileNatTraversal_enabled) !=
	          AGENT_E_ikeProfileNatTraversal_disabled;
	c->block_time = (int32_t)pick(p, def, AGENT_C_ikeProfileBlockTime, -1,
	                              BUILTIN_BLOCK_TIME);
	id = pick_list(p, def, AGENT_C_ikeProfileLocalId);
	if (id != NULL && id->s != NULL)
		memcpy(c->local_id, id->s,
		       id->len < IKE_CONF_STR ? id->len : 0);
	lifetime(st, p ? p->v[AGENT_C_ikeProfileLifetime].i : 0,
	         def ? def->v[AGENT_C_ikeProfileLifetime].i : 0, &c->life);
}

struct p2_fill {
	struct agent_store *st;
	struct ike_p2_conf *c;
};

static void
add_p2_prop(void *arg, int32_t idx)
{
	struct p2_fill *f = arg;
	const struct agent_row *p = row(f->st, AGENT_G_ipsecProposalTable, idx);
	struct ike_p2_prop *o;

	if (p == NULL || f->c->nprops == IKE_CONF_MAX_PROPS)
		return;
	o = &f->c->props[f->c->nprops++];
	o->auth = auth_attr_of(p->v[AGENT_C_ipsecPropAuthAlg].i);
	o->keylen = (uint16_t)p->v[AGENT_C_ipsecPropKeyLength].i;
	if (p->v[AGENT_C_ipsecPropProtocol].i == AGENT_E_ipsecPropProtocol_ah) {
		o->proto = 2;
		o->transform = ah_transform_of(o->auth);
		o->keylen = 0;
	} else {
		o->proto = 3;
		o->transform =
		    esp_transform_of(p->v[AGENT_C_ipsecPropEncAlg].i);
	}
}

static void
phase2(struct agent_store *st, int64_t prof_idx, struct ike_p2_conf *c)
{
	int64_t def_idx = glob(st, AGENT_C_ipsecGlobDefaultIpsecProfile);
	const struct agent_row *def =
	    row(st, AGENT_G_ipsecProfileTable, def_idx);
	const struct agent_row *p =
	    row(st, AGENT_G_ipsecProfileTable, prof_idx ? prof_idx : def_idx);
	struct p2_fill f = {st, c};
	int64_t v;

	memset(c, 0, sizeof(*c));
	each_index(pick_list(p, def, AGENT_C_ipsecProfileProposals),
	           add_p2_prop, &f);
	if (c->nprops == 0) { /* built-in: ESP AES-128 / HMAC-SHA1-96 */
		c->props[0] = (struct ike_p2_prop){3, 12, 128, 2};
		c->nprops = 1;
	}
	/* IPComp "default" is a behaviour of its own (S1): accept either,
	 * propose with IPComp first; not a pointer to the default profile. */
	v = (p ? p : def) ? (p ? p : def)->v[AGENT_C_ipsecProfileIpComp].i
	                  : AGENT_E_ipsecProfileIpComp_default;
	c->ipcomp = v == AGENT_E_ipsecProfileIpComp_forceComp ? IKE_IPCOMP_FORCE
	            : v == AGENT_E_ipsecProfileIpComp_noComp  ? IKE_IPCOMP_NEVER
	                                                     : IKE_IPCOMP_ALLOW;
	v = pick(p, def, AGENT_C_ipsecProfilePfsGroup,
	         AGENT_E_ipsecProfilePfsGroup_default,
	         AGENT_E_ipsecProfilePfsGroup_none);
	c->pfs_group = v == AGENT_E_ipsecProfilePfsGroup_none ? 0 : (uint16_t)v;
	c->heartbeats =
	    heartbeats_of(pick(p, def, AGENT_C_ipsecProfileHeartbeats,
	                       AGENT_E_ipsecProfileHeartbeats_default,
	                       AGENT_E_ipsecProfileHeartbeats_none));
	c->pmtu = pick(p, def, AGENT_C_ipsecProfilePropagatePmtu,
	               AGENT_E_ipsecProfilePropagatePmtu_default,
	               AGENT_E_ipsecProfilePropagatePmtu_no) ==
	          AGENT_E_ipsecProfilePropagatePmtu_yes;
	lifetime(st, p ? p->v[AGENT_C_ipsecProfileLifetime].i : 0,
	         def ? def->v[AGENT_C_ipsecProfileLifetime].i : 0, &c->life);
}

static void
selector(const struct agent_row *r, int type_pos, int addr_pos, int mask_pos,
         int end_pos, int port_pos, struct ike_sel *s)
{
	s->type = (uint8_t)r->v[type_pos].i;
	s->addr = (uint32_t)r->v[addr_pos].i;
	s->end = s->type == IKE_SEL_RANGE ? (uint32_t)r->v[end_pos].i
	                                  : (uint32_t)r->v[mask_pos].i;
	s->port = (uint16_t)r->v[port_pos].i;
}

/* Sort key of a traffic entry: (order, index). */
static int
tr_cmp(const void *a, const void *b)
{
	const struct agent_row *x = *(const struct agent_row *const *)a;
	const struct agent_row *y = *(const struct agent_row *const *)b;
	int64_t ox = x->v[AGENT_C_ipsecTrOrder].i;
	int64_t oy = y->v[AGENT_C_ipsecTrOrder].i;

	if (ox != oy)
		return ox < oy ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * One ordered traffic list as IKE and the dataplane both read it: the
 * active rows of list (of peer, or of any peer when peer < 0) in (order,
 * index) order, starting at the marker entry (0: the first), since entries
 * before the active one are ignored (R2, P3).  Free the array.
 */
const struct agent_row **
agent_traffic_list(struct agent_store *st, int64_t list, int64_t peer,
                   int32_t marker, size_t *count)
{
	struct agent_table *t =
	    agent_store_table(st, AGENT_G_ipsecTrafficTable);
	const struct agent_row **rows =
	    calloc(t->n + 1, sizeof(const struct agent_row *));
	size_t i, n = 0, start = 0;

	*count = 0;
	if (rows == NULL)
		return NULL;
	for (i = 0; i < t->n; i++) {
		const struct agent_row *r = t->rows[i];

		if (r->v[AGENT_C_ipsecTrList].i == list &&
		    (peer < 0 || r->v[AGENT_C_ipsecTrPeer].i == peer) &&
		    r->v[AGENT_C_ipsecTrRowStatus].i == AGENT_RS_ACTIVE)
			rows[n++] = r;
	}
	qsort((void *)rows, n, sizeof(const struct agent_row *), tr_cmp);
	for (i = 0; marker != 0 && i < n; i++)
		if (rows[i]->index == marker)
			start = i;
	memmove((void *)rows, (const void *)(rows + start),
	        (n - start) * sizeof(const struct agent_row *));
	*count = n - start;
	return rows;
}

/* The peer's active protect entries, in list order from its marker on. */
static int
traffic(struct agent_store *st, const struct agent_row *peer,
        struct ike_peer_conf *c)
{
	size_t i, n;
	const struct agent_row **mine = agent_traffic_list(
	    st, AGENT_E_ipsecTrList_peer, peer->index,
	    (int32_t)peer->v[AGENT_C_ipsecPeerActiveTrafficEntry].i, &n);

	if (mine == NULL)
		return -1;
	c->traffic = calloc(n + 1, sizeof(*c->traffic));
	if (c->traffic == NULL) {
		free((void *)mine);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct agent_row *r = mine[i];
		struct ike_traffic *o;
		int64_t prof;

		if (r->v[AGENT_C_ipsecTrAction].i !=
		    AGENT_E_ipsecTrAction_protect)
			continue;
		o = &c->traffic[c->ntraffic++];
		o->index = r->index;
		o->proto = r->v[AGENT_C_ipsecTrProto].i == 255
		               ? 0
		               : (uint8_t)r->v[AGENT_C_ipsecTrProto].i;
		selector(
		    r, AGENT_C_ipsecTrLocalType, AGENT_C_ipsecTrLocalAddress,
		    AGENT_C_ipsecTrLocalMaskLen, AGENT_C_ipsecTrLocalRangeEnd,
		    AGENT_C_ipsecTrLocalPort, &o->local);
		selector(
		    r, AGENT_C_ipsecTrRemoteType, AGENT_C_ipsecTrRemoteAddress,
		    AGENT_C_ipsecTrRemoteMaskLen, AGENT_C_ipsecTrRemoteRangeEnd,
		    AGENT_C_ipsecTrRemotePort, &o->remote);
		prof = r->v[AGENT_C_ipsecTrIpsecProfile].i;
		phase2(st,
		       prof ? prof : peer->v[AGENT_C_ipsecPeerIpsecProfile].i,
		       &o->p2);
	}
	free((void *)mine);
	return 0;
}

static void
copy_str(char *dst, const struct agent_val *v)
{
	size_t n = v->len < IKE_CONF_STR - 1 ? v->len : IKE_CONF_STR - 1;

	if (n > 0)
		memcpy(dst, v->s, n);
	dst[n] = '\0';
}

/* DER blobs handed to ike_pki_new(), freed afterwards. */
struct der_list {
	struct ike_der *d;
	uint8_t *flag; /* per blob: forced trusted */
	size_t n;
};

static void
der_push(struct der_list *l, X509 *x, uint8_t flag)
{
	unsigned char *der = NULL;
	int n = x != NULL ? i2d_X509(x, &der) : -1;
	struct ike_der *nd;
	uint8_t *nf;

	if (n > 0 && (nd = realloc(l->d, (l->n + 1) * sizeof(*nd))) != NULL) {
		l->d = nd;
		if ((nf = realloc(l->flag, l->n + 1)) != NULL) {
			l->flag = nf;
			nd[l->n].data = der;
			nd[l->n].len = (size_t)n;
			nf[l->n++] = flag;
			der = NULL;
		}
	}
	OPENSSL_free(der);
	X509_free(x);
}

static void
der_free(struct der_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		OPENSSL_free((void *)l->d[i].data);
	free(l->d);
	free(l->flag);
	memset(l, 0, sizeof(*l));
}

/* Every active peer certificate (K3), with its flag T. */
static void
peer_certs(struct agent_store *st, struct der_list *l)
{
	struct agent_table *t = agent_store_table(st, AGENT_G_ipsecCertTable);
	const struct agent_group *g = &agent_mib_groups[AGENT_G_ipsecCertTable];
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct agent_row *r = t->rows[i];

		if (agent_pki_is_active(r, g) &&
		    r->v[AGENT_C_ipsecCertType].i == AGENT_E_ipsecCertType_peer)
			der_push(l, agent_pki_cert_of_row(r),
			         r->v[AGENT_C_ipsecCertForceTrusted].i ==
			             AGENT_E_ipsecCertForceTrusted_true);
	}
}

struct ca_fill {
	struct agent_store *st;
	struct der_list *l;
};

static void
add_req_ca(void *arg, int32_t idx)
{
	struct ca_fill *f = arg;
	const struct agent_row *r = row(f->st, AGENT_G_ipsecCertTable, idx);

	if (r != NULL &&
	    r->v[AGENT_C_ipsecCertType].i == AGENT_E_ipsecCertType_ca)
		der_push(f->l, agent_pki_cert_of_row(r), 0);
}

/* The advanced settings (A) that concern certificates. */
static unsigned
pki_flags(struct agent_store *st)
{
	unsigned f = 0;

	if (glob(st, AGENT_C_ipsecGlobIgnoreCrPayloads) ==
	    AGENT_E_ipsecGlobIgnoreCrPayloads_true)
		f |= IKE_PKI_IGNORE_CR;
	if (glob(st, AGENT_C_ipsecGlobNoCrPayloads) ==
	    AGENT_E_ipsecGlobNoCrPayloads_true)
		f |= IKE_PKI_NO_CR;
	if (glob(st, AGENT_C_ipsecGlobNoCertChains) ==
	    AGENT_E_ipsecGlobNoCertChains_true)
		f |= IKE_PKI_NO_CHAINS;
	if (glob(st, AGENT_C_ipsecGlobNoCrls) == AGENT_E_ipsecGlobNoCrls_true)
		f |= IKE_PKI_NO_CRLS;
	if (glob(st, AGENT_C_ipsecGlobNoKeyHashPayloads) ==
	    AGENT_E_ipsecGlobNoKeyHashPayloads_true)
		f |= IKE_PKI_NO_KEY_HASH;
	return f;
}

static void
blobs(const struct agent_pki_blob *b, size_t n, struct ike_der *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[i].data = b[i].der;
		out[i].len = b[i].len;
	}
}

/*
 * The certificate material of a peer whose profile authenticates with
 * signatures or RSA encryption (I8): the own certificate and key of
 * ikeProfileLocalCert, every CA certificate and CRL, the peer
 * certificates, and ikeProfileCaCerts as the CAs our requests name.  The
 * private key is only in memory that agent_pki_material_free() wipes and
 * in the engine's parsed key.  NULL (logged) if unusable.
 */
static struct ike_pki *
peer_pki(struct agent_store *st, int32_t peer, int64_t cert,
         const struct agent_val *cas)
{
	struct agent_pki_material m;
	struct ike_pki_conf pc;
	struct der_list peers = {0}, req = {0};
	struct ca_fill f = {st, &req};
	struct ike_der *dc = NULL, *dl = NULL;
	struct ike_pki *p = NULL;
	char err[160];

	if (cert <= 0 || cert > INT32_MAX ||
	    agent_pki_own_material((int32_t)cert, &m) < 0) {
		gw_warn("peer %d: ikeProfileLocalCert %lld is not an active "
		        "own certificate with its key",
		        peer, (long long)cert);
		return NULL;
	}
	memset(&pc, 0, sizeof(pc));
	dc = calloc(m.ncas + 1, sizeof(*dc));
	dl = calloc(m.ncrls + 1, sizeof(*dl));
	if (dc != NULL && dl != NULL) {
		blobs(m.cas, m.ncas, dc);
		blobs(m.crls, m.ncrls, dl);
		peer_certs(st, &peers);
		each_index(cas, add_req_ca, &f);
		pc.cert = (struct ike_der){m.cert.der, m.cert.len};
		pc.key = (struct ike_der){m.key.der, m.key.len};
		pc.cas = dc;
		pc.ncas = m.ncas;
		pc.crls = dl;
		pc.ncrls = m.ncrls;
		pc.peers = peers.d;
		pc.trusted = peers.flag;
		pc.npeers = peers.n;
		pc.req_cas = req.d;
		pc.nreq_cas = req.n;
		pc.flags = pki_flags(st);
		p = ike_pki_new(&pc, err, sizeof(err));
		if (p == NULL)
			gw_warn("peer %d: certificate %lld unusable: %s", peer,
			        (long long)cert, err);
	}
	free(dc);
	free(dl);
	der_free(&peers);
	der_free(&req);
	agent_pki_material_free(&m);
	return p;
}

/* ikeProfileLocalCert and ikeProfileCaCerts of the peer's profile. */
static struct ike_pki *
profile_pki(struct agent_store *st, const struct agent_row *peer)
{
	int64_t def_idx = glob(st, AGENT_C_ipsecGlobDefaultIkeProfile);
	int64_t idx = peer->v[AGENT_C_ipsecPeerIkeProfile].i;
	const struct agent_row *def = row(st, AGENT_G_ikeProfileTable, def_idx);
	const struct agent_row *p =
	    row(st, AGENT_G_ikeProfileTable, idx ? idx : def_idx);

	return peer_pki(st, peer->index,
	                pick(p, def, AGENT_C_ikeProfileLocalCert, 0, 0),
	                pick_list(p, def, AGENT_C_ikeProfileCaCerts));
}

int
agent_ike_peer(struct agent_store *st, int32_t index, struct ike_peer_conf *c)
{
	const struct agent_row *p = row(st, AGENT_G_ipsecPeerTable, index);
	const struct agent_val *psk;

	memset(c, 0, sizeof(*c));
	if (p == NULL)
		return -1;
	c->index = index;
	c->admin = (uint8_t)p->v[AGENT_C_ipsecPeerAdminStatus].i;
	copy_str(c->name, &p->v[AGENT_C_ipsecPeerDescription]);
	copy_str(c->address, &p->v[AGENT_C_ipsecPeerAddress]);
	copy_str(c->ids, &p->v[AGENT_C_ipsecPeerIds]);
	psk = &p->v[AGENT_C_ipsecPeerPreSharedKey];
	c->psk_len = (uint16_t)(psk->len <= sizeof(c->psk) ? psk->len : 0);
	if (c->psk_len > 0)
		memcpy(c->psk, psk->s, c->psk_len);
	phase1(st, p->v[AGENT_C_ipsecPeerIkeProfile].i, &c->p1);
	if (c->p1.auth != IKE_AUTH_PSK)
		c->pki = profile_pki(st, p);
	if (traffic(st, p, c) < 0) {
		ike_pki_unref(c->pki);
		c->pki = NULL;
		return -1;
	}
	return 0;
}

void
agent_ike_peer_free(struct ike_peer_conf *c)
{
	free(c->traffic);
	ike_pki_unref(c->pki);    /* the engine keeps its own reference */
	memset(c, 0, sizeof(*c)); /* also wipes the pre-shared key */
}

void
agent_ike_global(struct agent_store *st, struct ike_global_conf *g)
{
	memset(g, 0, sizeof(*g));
	g->ike_port = (uint16_t)glob(st, AGENT_C_ipsecGlobIkePort);
	g->natt_port = (uint16_t)glob(st, AGENT_C_ipsecGlobNatTPort);
	g->max_retries = (uint8_t)glob(st, AGENT_C_ipsecGlobMaxRetries);
	g->retry_ms = (uint32_t)glob(st, AGENT_C_ipsecGlobRetryTimeout);
	g->retry_max_s = (uint32_t)glob(st, AGENT_C_ipsecGlobRetryTimeoutMax);
	g->max_nego_s = (uint32_t)glob(st, AGENT_C_ipsecGlobMaxNegotiationTime);
	g->max_sas = (uint32_t)glob(st, AGENT_C_ipsecGlobMaxIkeSas);
	g->max_half_open = (uint32_t)glob(st, AGENT_C_ipsecGlobMaxHalfOpen);
	g->zero_cookies = glob(st, AGENT_C_ipsecGlobZeroCookies) == 1;
	g->cookie_size = (uint8_t)glob(st, AGENT_C_ipsecGlobCookieSize);
	g->no_initial_contact =
	    glob(st, AGENT_C_ipsecGlobNoInitialContact) == 1;
	g->trust_icmp = glob(st, AGENT_C_ipsecGlobTrustIcmpMsg) == 1;
	g->max_key_len = (uint16_t)glob(st, AGENT_C_ipsecGlobMaxKeyLength);
}
