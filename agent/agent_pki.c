/*
 * agent_pki.c - certificate and key management as the agent sees it: the
 * checks a SET on the key, certificate, CRL, server and request tables
 * must pass (run in RESERVE2, before anything changes), what a committed
 * change sets off (key files removed, uploads started, trust re-evaluated),
 * the start-up pass that rebuilds the read-only columns, and the material
 * IKE needs for signature authentication.
 */
#include "agent_pki.h"

#include "common.h"

#include <openssl/x509.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REEVALUATE_SECS 10

static struct agent_store *pki_st;
static struct event_base *pki_base;
static time_t pki_evaluated;

struct agent_store *
agent_pki_store(void)
{
	return pki_st;
}

struct event_base *
agent_pki_base(void)
{
	return pki_base;
}

/* The varbind that set column pos, else the row's RowStatus, else any. */
static int
blame(const struct agent_pki_row *c, int pos)
{
	size_t i;

	if (pos >= 0 && c->tr->vb[pos] >= 0)
		return c->tr->vb[pos];
	if (c->g->rowstatus_pos >= 0 && c->tr->vb[c->g->rowstatus_pos] >= 0)
		return c->tr->vb[c->g->rowstatus_pos];
	for (i = 0; i < c->g->nobjs; i++)
		if (c->tr->vb[i] >= 0)
			return c->tr->vb[i];
	return -1;
}

enum agent_err
agent_pki_refuse(const struct agent_pki_row *c, int pos, enum agent_err err,
                 const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	agent_txn_fail(c->t, blame(c, pos), "%s.%d: %s",
	               c->g->objs[pos >= 0 ? pos : c->g->rowstatus_pos].name,
	               c->r->index, msg);
	return err;
}

int
agent_pki_written(const struct agent_pki_row *c, int pos)
{
	return c->tr->old_row == NULL || c->tr->vb[pos] >= 0;
}

int
agent_pki_is_active(const struct agent_row *r, const struct agent_group *g)
{
	return r->v[g->rowstatus_pos].i == AGENT_RS_ACTIVE;
}

void
agent_pki_put_str(struct agent_row *r, int pos, const char *s)
{
	agent_val_set_str(&r->v[pos], s, strlen(s));
}

void
agent_pki_put_int(struct agent_row *r, int pos, int64_t v)
{
	r->v[pos].i = v;
	r->v[pos].set = 1;
}

void
agent_pki_each(struct agent_txn *t, int gid,
               void (*fn)(void *arg, const struct agent_row *r), void *arg)
{
	struct agent_table *tab = agent_store_table(t->st, gid);
	size_t i;

	for (i = 0; i < tab->n; i++) {
		const struct agent_row *r =
		    agent_txn_view(t, gid, tab->rows[i]->index);

		if (r != NULL)
			fn(arg, r);
	}
	for (i = 0; i < t->n; i++)
		if (t->rows[i].gid == gid && t->rows[i].old_row == NULL &&
		    t->rows[i].new_row != NULL)
			fn(arg, t->rows[i].new_row);
}

typedef enum agent_err (*check_fn)(struct agent_pki_row *c);

/* Runs fn on the rows of gid this transaction creates or changes. */
static enum agent_err
check_rows(struct agent_txn *t, int gid, int only_type, check_fn fn)
{
	size_t i;
	enum agent_err err;

	for (i = 0; i < t->n; i++) {
		struct agent_txn_row *tr = &t->rows[i];
		struct agent_pki_row c = {t, tr, &agent_mib_groups[gid],
		                          tr->new_row};

		if (tr->gid != gid || tr->new_row == NULL)
			continue;
		if (only_type != 0 &&
		    (tr->new_row->v[AGENT_C_ipsecCertType].i ==
		     AGENT_E_ipsecCertType_ca) != (only_type > 0))
			continue;
		err = fn(&c);
		if (err != AGENT_OK)
			return err;
	}
	return AGENT_OK;
}

/*
 * The order matters: keys before the certificates that must match them,
 * CA certificates before the CRLs they sign and the certificates they
 * issue, key files only once everything else passed, requests last as
 * they are signed with those keys.
 */
enum agent_err
agent_pki_check_txn(struct agent_txn *t)
{
	enum agent_err err;

	if (pki_st == NULL || t->st != pki_st)
		return AGENT_OK;
	agent_pki_key_sweep_pending();
	err = check_rows(t, AGENT_G_ipsecKeyTable, 0, agent_pki_key_check);
	if (err == AGENT_OK)
		err = check_rows(t, AGENT_G_ipsecCertServerTable, 0,
		                 agent_pki_server_check);
	if (err == AGENT_OK)
		err = check_rows(t, AGENT_G_ipsecCertTable, 1,
		                 agent_pki_cert_check);
	if (err == AGENT_OK)
		err = check_rows(t, AGENT_G_ipsecCrlTable, 0,
		                 agent_pki_crl_check);
	if (err == AGENT_OK)
		err = check_rows(t, AGENT_G_ipsecCertTable, -1,
		                 agent_pki_cert_check);
	if (err == AGENT_OK)
		err = agent_pki_key_commit_files(t);
	if (err == AGENT_OK)
		err = check_rows(t, AGENT_G_ipsecCertReqTable, 0,
		                 agent_pki_req_check);
	return err;
}

void
agent_pki_changed(int gid, const struct agent_row *old_row,
                  const struct agent_row *new_row)
{
	if (pki_st == NULL)
		return;
	switch (gid) {
	case AGENT_G_ipsecKeyTable:
		agent_pki_key_changed(old_row, new_row);
		break;
	case AGENT_G_ipsecCertReqTable:
		agent_pki_req_changed(old_row, new_row);
		return;
	case AGENT_G_ipsecCertTable:
	case AGENT_G_ipsecCrlTable:
	case AGENT_G_ipsecCertServerTable:
		break;
	default:
		return;
	}
	agent_pki_cert_reevaluate(pki_st);
	pki_evaluated = time(NULL);
}

void
agent_pki_refresh(struct agent_store *st, int gid)
{
	time_t now = time(NULL);

	if (st != pki_st || gid != AGENT_G_ipsecCertTable ||
	    (now >= pki_evaluated && now - pki_evaluated < REEVALUATE_SECS))
		return;
	agent_pki_cert_reevaluate(st);
	pki_evaluated = now;
}

int
agent_pki_start(struct agent_store *st, struct event_base *base,
                const char *dir)
{
	pki_st = st;
	pki_base = base;
	if (agent_pki_key_init(dir) < 0) {
		pki_st = NULL;
		return -1;
	}
	agent_pki_key_load_all();
	agent_pki_cert_load_all(st);
	agent_pki_req_load_all(st);
	agent_pki_cert_reevaluate(st);
	pki_evaluated = time(NULL);
	return 0;
}

void
agent_pki_stop(void)
{
	agent_pki_req_fini();
	agent_pki_key_fini();
	pki_st = NULL;
	pki_base = NULL;
}

/* DER of a certificate or CRL into a blob; -1 on failure. */
static int
blob_x509(struct agent_pki_blob *b, X509 *x, X509_CRL *crl)
{
	unsigned char *der = NULL;
	int n = x ? i2d_X509(x, &der) : i2d_X509_CRL(crl, &der);

	if (n <= 0)
		return -1;
	b->der = malloc((size_t)n);
	if (b->der == NULL) {
		OPENSSL_free(der);
		return -1;
	}
	memcpy(b->der, der, (size_t)n);
	b->len = (size_t)n;
	OPENSSL_free(der);
	return 0;
}

static int
blob_push(struct agent_pki_blob **arr, size_t *n, X509 *x, X509_CRL *crl)
{
	struct agent_pki_blob *na = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (na == NULL)
		return -1;
	*arr = na;
	if (blob_x509(&na[*n], x, crl) < 0)
		return -1;
	(*n)++;
	return 0;
}

/* The private key as PKCS#8 DER, in memory that is wiped when freed. */
static int
blob_key(struct agent_pki_blob *b, EVP_PKEY *k)
{
	unsigned char *der = NULL;
	int n = i2d_PrivateKey(k, &der);

	if (n <= 0)
		return -1;
	b->der = malloc((size_t)n);
	if (b->der != NULL) {
		memcpy(b->der, der, (size_t)n);
		b->len = (size_t)n;
	}
	OPENSSL_clear_free(der, (size_t)n);
	return b->der != NULL ? 0 : -1;
}

/* CA certificates and CRLs of the store, active rows only. */
static int
material_trust(struct agent_pki_material *m)
{
	struct agent_table *ct =
	    agent_store_table(pki_st, AGENT_G_ipsecCertTable);
	struct agent_table *lt =
	    agent_store_table(pki_st, AGENT_G_ipsecCrlTable);
	const struct agent_group *cg =
	    &agent_mib_groups[AGENT_G_ipsecCertTable];
	const struct agent_group *lg = &agent_mib_groups[AGENT_G_ipsecCrlTable];
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < ct->n; i++) {
		const struct agent_row *r = ct->rows[i];
		X509 *x;

		if (!agent_pki_is_active(r, cg) ||
		    r->v[AGENT_C_ipsecCertType].i != AGENT_E_ipsecCertType_ca)
			continue;
		x = agent_pki_cert_of_row(r);
		rc = x ? blob_push(&m->cas, &m->ncas, x, NULL) : 0;
		X509_free(x);
	}
	for (i = 0; rc == 0 && i < lt->n; i++) {
		const struct agent_row *r = lt->rows[i];
		const struct agent_val *v = &r->v[AGENT_C_ipsecCrlData];
		char err[8];
		X509_CRL *crl;

		if (!agent_pki_is_active(r, lg) || v->len == 0)
			continue;
		crl = agent_pki_crl_decode(v->s, v->len, AGENT_PKI_AUTO, err,
		                           sizeof(err));
		rc = crl ? blob_push(&m->crls, &m->ncrls, NULL, crl) : 0;
		X509_CRL_free(crl);
	}
	return rc;
}

int
agent_pki_own_material(int32_t cert_index, struct agent_pki_material *m)
{
	const struct agent_row *r;
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (pki_st == NULL)
		return -1;
	r = agent_store_get(pki_st, AGENT_G_ipsecCertTable, cert_index);
	if (r == NULL ||
	    r->v[AGENT_C_ipsecCertType].i != AGENT_E_ipsecCertType_own ||
	    !agent_pki_is_active(r, &agent_mib_groups[AGENT_G_ipsecCertTable]))
		return -1;
	x = agent_pki_cert_of_row(r);
	k = agent_pki_key_get((int32_t)r->v[AGENT_C_ipsecCertKey].i);
	if (x == NULL || k == NULL)
		goto out;
	m->key_alg = EVP_PKEY_get_base_id(k) == EVP_PKEY_DSA
	                 ? AGENT_E_ipsecKeyAlgorithm_dsa
	                 : AGENT_E_ipsecKeyAlgorithm_rsa;
	if (blob_x509(&m->cert, x, NULL) < 0 || blob_key(&m->key, k) < 0 ||
	    material_trust(m) < 0)
		goto out;
	rc = 0;
out:
	X509_free(x);
	EVP_PKEY_free(k);
	if (rc < 0)
		agent_pki_material_free(m);
	return rc;
}

void
agent_pki_material_free(struct agent_pki_material *m)
{
	size_t i;

	free(m->cert.der);
	if (m->key.der != NULL)
		OPENSSL_cleanse(m->key.der, m->key.len);
	free(m->key.der);
	for (i = 0; i < m->ncas; i++)
		free(m->cas[i].der);
	for (i = 0; i < m->ncrls; i++)
		free(m->crls[i].der);
	free(m->cas);
	free(m->crls);
	memset(m, 0, sizeof(*m));
}
