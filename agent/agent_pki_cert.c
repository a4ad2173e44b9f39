/*
 * agent_pki_cert.c - own, CA and peer certificates, CRLs and certificate
 * servers (K3, K4).  A certificate or CRL arrives in ipsecCertData or
 * ipsecCrlData (PEM, base64 DER or DER; or "tftp://server[:port]/file",
 * which is fetched inside the SET) and is checked before anything changes:
 * it must decode, must not have expired, must not be revoked by a stored
 * CRL, and must verify against its issuer when that CA certificate is
 * stored.  An own certificate must match one of the gateway's keys.  The
 * row then keeps the certificate as PEM, and the read-only columns show
 * what was read from it.  Whether it is trusted (ipsecCertState) is
 * re-evaluated whenever certificates, CRLs or servers change, and as time
 * passes.
 */
#include "agent_pki.h"

#include "common.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TFTP_TIMEOUT_MS 3000
#define TFTP_MAX        ((size_t)64 * 1024)
#define TEXT_MAX        256
#define XLIST_MAX       256 /* certificates or CRLs looked at */

X509 *
agent_pki_cert_of_row(const struct agent_row *r)
{
	const struct agent_val *v = &r->v[AGENT_C_ipsecCertData];
	char err[8];

	if (v->len == 0)
		return NULL;
	return agent_pki_cert_decode(v->s, v->len, AGENT_PKI_AUTO, err,
	                             sizeof(err));
}

static X509_CRL *
crl_of_row(const struct agent_row *r)
{
	const struct agent_val *v = &r->v[AGENT_C_ipsecCrlData];
	char err[8];

	if (v->len == 0)
		return NULL;
	return agent_pki_crl_decode(v->s, v->len, AGENT_PKI_AUTO, err,
	                            sizeof(err));
}

/*
 * "tftp://host[:port]/file" in a data column: fetched (blocking, at most
 * TFTP_TIMEOUT_MS).  Returns 1 with the file in out, 0 if v is no such
 * URL, -1 with err set.
 */
static int
fetch_url(const struct agent_val *v, uint8_t **out, size_t *outlen, char *file,
          size_t filelen, char *err, size_t errlen)
{
	char url[300], host[256], tftperr[160];
	const char *slash;
	uint16_t port;

	if (v->len < 7 || memcmp(v->s, "tftp://", 7) != 0)
		return 0;
	if (v->len >= sizeof(url)) {
		snprintf(err, errlen, "TFTP URL too long");
		return -1;
	}
	memcpy(url, v->s, v->len);
	url[v->len] = '\0';
	slash = strchr(url + 7, '/');
	if (slash == NULL || slash[1] == '\0' || memchr(url, 0, v->len)) {
		snprintf(err, errlen, "expected tftp://server[:port]/file");
		return -1;
	}
	url[slash - url] = '\0';
	if (agent_tftp_parse_server(url + 7, host, sizeof(host), &port) < 0) {
		snprintf(err, errlen, "bad TFTP server \"%.60s\"", url + 7);
		return -1;
	}
	snprintf(file, filelen, "%s", slash + 1);
	if (agent_tftp_get(host, port, slash + 1, TFTP_MAX, TFTP_TIMEOUT_MS,
	                   out, outlen, tftperr, sizeof(tftperr)) < 0) {
		snprintf(err, errlen, "TFTP %.40s:%u %.40s: %.90s", host, port,
		         slash + 1, tftperr);
		return -1;
	}
	gw_info("fetched %s (%zu bytes) from TFTP server %s port %u", slash + 1,
	        *outlen, host, port);
	return 1;
}

/* The bytes a SET wrote, fetched first if they are a TFTP URL. */
struct input {
	uint8_t *fetched;
	const uint8_t *p;
	size_t len;
	char file[256];
};

static enum agent_err
get_input(struct agent_pki_row *c, int pos, struct input *in)
{
	const struct agent_val *v = &c->r->v[pos];
	char err[200];
	int rc;

	memset(in, 0, sizeof(*in));
	rc = fetch_url(v, &in->fetched, &in->len, in->file, sizeof(in->file),
	               err, sizeof(err));
	if (rc < 0)
		return agent_pki_refuse(c, pos, AGENT_ERR_INCONSISTENTVALUE,
		                        "%s", err);
	in->p = rc ? in->fetched : v->s;
	if (!rc)
		in->len = v->len;
	return AGENT_OK;
}

/* A TFTP import names the row after its file if the SET did not. */
static void
default_description(struct agent_pki_row *c, int pos, const char *file)
{
	char d[TEXT_MAX];
	size_t i;

	if (file[0] == '\0' || c->r->v[pos].len > 0)
		return;
	snprintf(d, sizeof(d), "%s", file);
	for (i = 0; d[i] != '\0'; i++)
		if (d[i] < 0x20 || d[i] == 0x7f)
			d[i] = '?';
	agent_pki_put_str(c->r, pos, d);
}

/* Stores canonical PEM in the data column (the MIB reads back PEM). */
static enum agent_err
store_pem(struct agent_pki_row *c, int pos, char *pem, size_t len)
{
	const struct agent_range *rg = c->g->objs[pos].ranges;

	if (pem == NULL)
		return AGENT_ERR_RESOURCEUNAVAILABLE;
	if ((int64_t)len > rg[0].max) {
		free(pem);
		return agent_pki_refuse(c, pos, AGENT_ERR_WRONGVALUE,
		                        "%zu bytes as PEM, more than %lld", len,
		                        (long long)rg[0].max);
	}
	agent_val_set_str(&c->r->v[pos], pem, len);
	free(pem);
	return AGENT_OK;
}

/* ---- views of the certificates and CRLs after the transaction ---- */

struct xlist {
	int32_t skip;  /* the row being checked */
	int want_type; /* 0: any */
	X509 *x[XLIST_MAX];
	int32_t idx[XLIST_MAX];
	size_t n;
	X509_CRL *crl[XLIST_MAX];
	int32_t crlidx[XLIST_MAX];
	size_t ncrl;
};

static void
collect_cert(void *arg, const struct agent_row *r)
{
	struct xlist *l = arg;
	X509 *x;

	if (r->index == l->skip || l->n == XLIST_MAX ||
	    !agent_pki_is_active(r,
	                         &agent_mib_groups[AGENT_G_ipsecCertTable]) ||
	    (l->want_type && r->v[AGENT_C_ipsecCertType].i != l->want_type))
		return;
	x = agent_pki_cert_of_row(r);
	if (x == NULL)
		return;
	l->idx[l->n] = r->index;
	l->x[l->n++] = x;
}

static void
collect_crl(void *arg, const struct agent_row *r)
{
	struct xlist *l = arg;
	X509_CRL *crl;

	if (r->index == l->skip || l->ncrl == XLIST_MAX ||
	    !agent_pki_is_active(r, &agent_mib_groups[AGENT_G_ipsecCrlTable]))
		return;
	crl = crl_of_row(r);
	if (crl == NULL)
		return;
	l->crlidx[l->ncrl] = r->index;
	l->crl[l->ncrl++] = crl;
}

static void
xlist_free(struct xlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		X509_free(l->x[i]);
	for (i = 0; i < l->ncrl; i++)
		X509_CRL_free(l->crl[i]);
	l->n = l->ncrl = 0;
}

/* Index of the stored CRL that revokes x, or 0. */
static int32_t
revoked_by(const struct xlist *l, X509 *x)
{
	X509_REVOKED *rev;
	size_t i;

	for (i = 0; i < l->ncrl; i++)
		if (X509_NAME_cmp(X509_CRL_get_issuer(l->crl[i]),
		                  X509_get_issuer_name(x)) == 0 &&
		    X509_CRL_get0_by_cert(l->crl[i], &rev, x) == 1)
			return l->crlidx[i];
	return 0;
}

/* ---- certificates ---- */

/* The read-only columns that come straight from the certificate. */
static void
fill_cert_columns(struct agent_row *r, X509 *x)
{
	char buf[TEXT_MAX], a[80], b[80];

	agent_pki_serial_text(X509_get0_serialNumber(x), buf, sizeof(buf));
	agent_pki_put_str(r, AGENT_C_ipsecCertSerial, buf);
	agent_pki_name_text(X509_get_subject_name(x), buf, sizeof(buf));
	agent_pki_put_str(r, AGENT_C_ipsecCertSubject, buf);
	agent_pki_name_text(X509_get_issuer_name(x), buf, sizeof(buf));
	agent_pki_put_str(r, AGENT_C_ipsecCertIssuer, buf);
	agent_pki_altnames_text(x, buf, sizeof(buf));
	agent_pki_put_str(r, AGENT_C_ipsecCertSubjectAltNames, buf);
	agent_pki_time_text(X509_get0_notBefore(x), a, sizeof(a));
	agent_pki_time_text(X509_get0_notAfter(x), b, sizeof(b));
	snprintf(buf, sizeof(buf), "%s - %s", a, b);
	agent_pki_put_str(r, AGENT_C_ipsecCertValidity, buf);
	agent_pki_put_int(r, AGENT_C_ipsecCertIsCa,
	                  X509_check_ca(x) ? AGENT_E_ipsecCertIsCa_true
	                                   : AGENT_E_ipsecCertIsCa_false);
}

static void
clear_cert_columns(struct agent_row *r)
{
	static const int cols[] = {
	    AGENT_C_ipsecCertSerial, AGENT_C_ipsecCertSubject,
	    AGENT_C_ipsecCertIssuer, AGENT_C_ipsecCertSubjectAltNames,
	    AGENT_C_ipsecCertValidity};
	size_t i;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		agent_pki_put_str(r, cols[i], "");
}

struct keymatch {
	X509 *x;
	int32_t found;
};

static void
match_key(void *arg, const struct agent_row *r)
{
	struct keymatch *m = arg;
	EVP_PKEY *k;

	if (m->found != 0 ||
	    r->v[AGENT_C_ipsecKeyState].i != AGENT_E_ipsecKeyState_ready)
		return;
	k = agent_pki_key_get(r->index);
	if (k != NULL && X509_check_private_key(m->x, k) == 1)
		m->found = r->index;
	EVP_PKEY_free(k);
	ERR_clear_error();
}

/* own: the key column names the matching key (found if not given). */
static enum agent_err
check_own_key(struct agent_pki_row *c, X509 *x)
{
	int32_t idx = (int32_t)c->r->v[AGENT_C_ipsecCertKey].i;
	struct keymatch m = {x, 0};
	EVP_PKEY *k;
	int ok;

	if (c->r->v[AGENT_C_ipsecCertType].i != AGENT_E_ipsecCertType_own) {
		if (idx != 0)
			return agent_pki_refuse(
			    c, AGENT_C_ipsecCertKey,
			    AGENT_ERR_INCONSISTENTVALUE,
			    "only an own certificate has a key: must be 0");
		return AGENT_OK;
	}
	if (idx != 0) {
		k = agent_pki_key_get(idx);
		ok = k != NULL && X509_check_private_key(x, k) == 1;
		EVP_PKEY_free(k);
		ERR_clear_error();
		if (!ok)
			return agent_pki_refuse(
			    c, AGENT_C_ipsecCertKey,
			    AGENT_ERR_INCONSISTENTVALUE,
			    "key %d does not match the certificate", idx);
		return AGENT_OK;
	}
	agent_pki_each(c->t, AGENT_G_ipsecKeyTable, match_key, &m);
	if (m.found == 0)
		return agent_pki_refuse(
		    c, AGENT_C_ipsecCertType, AGENT_ERR_INCONSISTENTVALUE,
		    "no key of this gateway matches the certificate's public "
		    "key (create or import its key first)");
	agent_pki_put_int(c->r, AGENT_C_ipsecCertKey, m.found);
	return AGENT_OK;
}

static enum agent_err
check_type(struct agent_pki_row *c, X509 *x)
{
	int64_t type = c->r->v[AGENT_C_ipsecCertType].i;

	if (type == AGENT_E_ipsecCertType_ca && X509_check_ca(x) == 0)
		return agent_pki_refuse(c, AGENT_C_ipsecCertType,
		                        AGENT_ERR_INCONSISTENTVALUE,
		                        "not a CA certificate (no CA basic "
		                        "constraint)");
	if (type != AGENT_E_ipsecCertType_peer &&
	    c->r->v[AGENT_C_ipsecCertForceTrusted].i ==
	        AGENT_E_ipsecCertForceTrusted_true)
		return agent_pki_refuse(c, AGENT_C_ipsecCertForceTrusted,
		                        AGENT_ERR_INCONSISTENTVALUE,
		                        "only a peer certificate can be forced "
		                        "trusted");
	return check_own_key(c, x);
}

/*
 * A newly written certificate against the stored ones: not twice, signed
 * by its issuer if that CA is stored, not revoked by a stored CRL.
 */
static enum agent_err
check_against_store(struct agent_pki_row *c, X509 *x)
{
	struct xlist l = {.skip = c->r->index};
	enum agent_err err = AGENT_OK;
	int32_t issuer = 0, crl;
	int verified = 0;
	size_t i;

	agent_pki_each(c->t, AGENT_G_ipsecCertTable, collect_cert, &l);
	agent_pki_each(c->t, AGENT_G_ipsecCrlTable, collect_crl, &l);
	for (i = 0; i < l.n && err == AGENT_OK; i++) {
		if (X509_cmp(l.x[i], x) == 0)
			err = agent_pki_refuse(c, AGENT_C_ipsecCertData,
			                       AGENT_ERR_INCONSISTENTVALUE,
			                       "the same certificate is row %d",
			                       l.idx[i]);
		else if (X509_check_ca(l.x[i]) &&
		         X509_NAME_cmp(X509_get_subject_name(l.x[i]),
		                       X509_get_issuer_name(x)) == 0) {
			issuer = l.idx[i];
			verified |=
			    X509_verify(x, X509_get0_pubkey(l.x[i])) == 1;
		}
	}
	ERR_clear_error();
	if (err == AGENT_OK && issuer != 0 && !verified)
		err = agent_pki_refuse(
		    c, AGENT_C_ipsecCertData, AGENT_ERR_INCONSISTENTVALUE,
		    "its signature does not verify with CA certificate %d",
		    issuer);
	if (err == AGENT_OK && (crl = revoked_by(&l, x)) != 0)
		err = agent_pki_refuse(c, AGENT_C_ipsecCertData,
		                       AGENT_ERR_INCONSISTENTVALUE,
		                       "revoked by CRL %d", crl);
	xlist_free(&l);
	return err;
}

/* A certificate the SET wrote: decoded, dated, stored as PEM. */
static X509 *
import_cert(struct agent_pki_row *c, enum agent_err *err)
{
	struct input in;
	char why[200];
	X509 *x;
	size_t len = 0;
	char *pem;

	*err = get_input(c, AGENT_C_ipsecCertData, &in);
	if (*err != AGENT_OK)
		return NULL;
	x = agent_pki_cert_decode(in.p, in.len,
	                          (int)c->r->v[AGENT_C_ipsecCertImportFormat].i,
	                          why, sizeof(why));
	free(in.fetched);
	if (x == NULL) {
		*err = agent_pki_refuse(c, AGENT_C_ipsecCertData,
		                        AGENT_ERR_WRONGVALUE,
		                        "not a certificate: %s", why);
		return NULL;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0) {
		agent_pki_time_text(X509_get0_notAfter(x), why, sizeof(why));
		*err = agent_pki_refuse(c, AGENT_C_ipsecCertData,
		                        AGENT_ERR_WRONGVALUE,
		                        "the certificate expired on %s", why);
		X509_free(x);
		return NULL;
	}
	if (X509_check_issued(x, x) == X509_V_OK &&
	    X509_verify(x, X509_get0_pubkey(x)) != 1) {
		ERR_clear_error();
		*err = agent_pki_refuse(c, AGENT_C_ipsecCertData,
		                        AGENT_ERR_WRONGVALUE,
		                        "bad self-signature");
		X509_free(x);
		return NULL;
	}
	default_description(c, AGENT_C_ipsecCertDescription, in.file);
	pem = agent_pki_cert_pem(x, &len);
	*err = store_pem(c, AGENT_C_ipsecCertData, pem, len);
	if (*err != AGENT_OK) {
		X509_free(x);
		return NULL;
	}
	return x;
}

enum agent_err
agent_pki_cert_check(struct agent_pki_row *c)
{
	int written = agent_pki_written(c, AGENT_C_ipsecCertData);
	enum agent_err err = AGENT_OK;
	X509 *x;

	if (c->r->v[AGENT_C_ipsecCertData].len == 0) {
		clear_cert_columns(c->r);
		if (agent_pki_is_active(c->r, c->g))
			return agent_pki_refuse(
			    c, AGENT_C_ipsecCertData,
			    AGENT_ERR_INCONSISTENTVALUE,
			    "no certificate: write it to ipsecCertData");
		return AGENT_OK;
	}
	x = written ? import_cert(c, &err) : agent_pki_cert_of_row(c->r);
	if (x == NULL)
		return err != AGENT_OK
		           ? err
		           : agent_pki_refuse(c, AGENT_C_ipsecCertData,
		                              AGENT_ERR_GENERR,
		                              "the stored certificate is "
		                              "damaged");
	err = check_type(c, x);
	if (err == AGENT_OK && written)
		err = check_against_store(c, x);
	if (err == AGENT_OK)
		fill_cert_columns(c->r, x);
	X509_free(x);
	return err;
}

/* ---- CRLs ---- */

static void
fill_crl_columns(struct agent_row *r, X509_CRL *crl)
{
	char buf[TEXT_MAX], a[80], b[80];
	ASN1_INTEGER *num =
	    X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(crl);

	agent_pki_name_text(X509_CRL_get_issuer(crl), buf, sizeof(buf));
	agent_pki_put_str(r, AGENT_C_ipsecCrlIssuer, buf);
	buf[0] = '\0';
	if (num != NULL)
		agent_pki_serial_text(num, buf, sizeof(buf));
	ASN1_INTEGER_free(num);
	agent_pki_put_str(r, AGENT_C_ipsecCrlNumber, buf);
	agent_pki_put_int(r, AGENT_C_ipsecCrlRevocations,
	                  rev ? sk_X509_REVOKED_num(rev) : 0);
	agent_pki_time_text(X509_CRL_get0_lastUpdate(crl), a, sizeof(a));
	if (X509_CRL_get0_nextUpdate(crl) != NULL)
		agent_pki_time_text(X509_CRL_get0_nextUpdate(crl), b,
		                    sizeof(b));
	else
		snprintf(b, sizeof(b), "(none)");
	snprintf(buf, sizeof(buf), "%s - %s", a, b);
	agent_pki_put_str(r, AGENT_C_ipsecCrlValidity, buf);
	ERR_clear_error();
}

/* Only a CRL signed by a stored CA certificate is accepted. */
static enum agent_err
check_crl_issuer(struct agent_pki_row *c, X509_CRL *crl)
{
	struct xlist l = {.skip = -1, .want_type = AGENT_E_ipsecCertType_ca};
	char name[TEXT_MAX];
	int32_t issuer = 0;
	int verified = 0;
	size_t i;

	agent_pki_each(c->t, AGENT_G_ipsecCertTable, collect_cert, &l);
	for (i = 0; i < l.n; i++)
		if (X509_NAME_cmp(X509_get_subject_name(l.x[i]),
		                  X509_CRL_get_issuer(crl)) == 0) {
			issuer = l.idx[i];
			verified |=
			    X509_CRL_verify(crl, X509_get0_pubkey(l.x[i])) == 1;
		}
	xlist_free(&l);
	ERR_clear_error();
	if (issuer == 0) {
		agent_pki_name_text(X509_CRL_get_issuer(crl), name,
		                    sizeof(name));
		return agent_pki_refuse(
		    c, AGENT_C_ipsecCrlData, AGENT_ERR_INCONSISTENTVALUE,
		    "no CA certificate of its issuer %.80s: "
		    "import that first",
		    name);
	}
	if (!verified)
		return agent_pki_refuse(
		    c, AGENT_C_ipsecCrlData, AGENT_ERR_INCONSISTENTVALUE,
		    "its signature does not verify with CA certificate %d",
		    issuer);
	return AGENT_OK;
}

enum agent_err
agent_pki_crl_check(struct agent_pki_row *c)
{
	struct input in;
	enum agent_err err;
	X509_CRL *crl;
	char why[200], *pem;
	size_t len = 0;

	if (c->r->v[AGENT_C_ipsecCrlData].len == 0) {
		agent_pki_put_str(c->r, AGENT_C_ipsecCrlIssuer, "");
		agent_pki_put_str(c->r, AGENT_C_ipsecCrlNumber, "");
		agent_pki_put_str(c->r, AGENT_C_ipsecCrlValidity, "");
		if (agent_pki_is_active(c->r, c->g))
			return agent_pki_refuse(
			    c, AGENT_C_ipsecCrlData,
			    AGENT_ERR_INCONSISTENTVALUE,
			    "no CRL: write it to ipsecCrlData");
		return AGENT_OK;
	}
	if (!agent_pki_written(c, AGENT_C_ipsecCrlData))
		return AGENT_OK;
	err = get_input(c, AGENT_C_ipsecCrlData, &in);
	if (err != AGENT_OK)
		return err;
	crl = agent_pki_crl_decode(in.p, in.len,
	                           (int)c->r->v[AGENT_C_ipsecCrlImportFormat].i,
	                           why, sizeof(why));
	free(in.fetched);
	if (crl == NULL)
		return agent_pki_refuse(c, AGENT_C_ipsecCrlData,
		                        AGENT_ERR_WRONGVALUE, "not a CRL: %s",
		                        why);
	err = check_crl_issuer(c, crl);
	if (err == AGENT_OK) {
		default_description(c, AGENT_C_ipsecCrlDescription, in.file);
		pem = agent_pki_crl_pem(crl, &len);
		err = store_pem(c, AGENT_C_ipsecCrlData, pem, len);
	}
	if (err == AGENT_OK)
		fill_crl_columns(c->r, crl);
	X509_CRL_free(crl);
	return err;
}

/* ---- certificate servers ---- */

enum agent_err
agent_pki_server_check(struct agent_pki_row *c)
{
	static const char *const schemes[] = {"ldap://", "ldaps://", "http://",
	                                      "https://"};
	const struct agent_val *u = &c->r->v[AGENT_C_ipsecCertServerUrl];
	size_t i, n;

	if (!u->set)
		return AGENT_OK; /* notReady until the URL is set */
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		n = strlen(schemes[i]);
		if (u->len > n &&
		    strncmp((const char *)u->s, schemes[i], n) == 0)
			return AGENT_OK;
	}
	return agent_pki_refuse(c, AGENT_C_ipsecCertServerUrl,
	                        AGENT_ERR_WRONGVALUE,
	                        "expected an ldap://, ldaps://, http:// or "
	                        "https:// URL");
}

/* ---- trust: re-evaluated after changes and as time passes ---- */

static int
has_crl_dp(X509 *x)
{
	STACK_OF(DIST_POINT) *dp =
	    X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
	int n = dp ? sk_DIST_POINT_num(dp) : 0;

	sk_DIST_POINT_pop_free(dp, DIST_POINT_free);
	return n > 0;
}

static int
crl_of_issuer(const struct xlist *l, X509 *ca)
{
	size_t i;

	for (i = 0; i < l->ncrl; i++)
		if (X509_NAME_cmp(X509_CRL_get_issuer(l->crl[i]),
		                  X509_get_subject_name(ca)) == 0)
			return 1;
	return 0;
}

/* The state of one certificate given the stored CAs and CRLs. */
static int64_t
cert_state(X509_STORE *store, const struct xlist *l, X509 *x, int forced)
{
	X509_STORE_CTX *ctx;
	int ok, e;

	if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0)
		return AGENT_E_ipsecCertState_notYetValid;
	if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0)
		return AGENT_E_ipsecCertState_expired;
	if (revoked_by(l, x) != 0)
		return AGENT_E_ipsecCertState_revoked;
	if (forced)
		return AGENT_E_ipsecCertState_valid;
	ctx = X509_STORE_CTX_new();
	if (ctx == NULL || X509_STORE_CTX_init(ctx, store, x, NULL) != 1) {
		X509_STORE_CTX_free(ctx);
		return AGENT_E_ipsecCertState_untrusted;
	}
	ok = X509_verify_cert(ctx) == 1;
	e = X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	if (ok)
		return AGENT_E_ipsecCertState_valid;
	return e == X509_V_ERR_CERT_HAS_EXPIRED
	           ? AGENT_E_ipsecCertState_expired
	           : AGENT_E_ipsecCertState_untrusted;
}

void
agent_pki_cert_reevaluate(struct agent_store *st)
{
	struct agent_table *t = agent_store_table(st, AGENT_G_ipsecCertTable);
	struct agent_txn *none = agent_txn_new(st);
	struct xlist l = {.skip = -1, .want_type = AGENT_E_ipsecCertType_ca};
	X509_STORE *store = X509_STORE_new();
	int servers =
	    agent_store_table(st, AGENT_G_ipsecCertServerTable)->n > 0;
	size_t i;

	if (none == NULL || store == NULL)
		goto out;
	agent_pki_each(none, AGENT_G_ipsecCertTable, collect_cert, &l);
	agent_pki_each(none, AGENT_G_ipsecCrlTable, collect_crl, &l);
	for (i = 0; i < l.n; i++)
		X509_STORE_add_cert(store, l.x[i]);
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	ERR_clear_error();
	for (i = 0; i < t->n; i++) {
		struct agent_row *r = t->rows[i];
		X509 *x = agent_pki_cert_of_row(r);
		int ca =
		    r->v[AGENT_C_ipsecCertType].i == AGENT_E_ipsecCertType_ca;

		if (x == NULL) {
			agent_pki_put_int(r, AGENT_C_ipsecCertState,
			                  AGENT_E_ipsecCertState_untrusted);
			continue;
		}
		agent_pki_put_int(r, AGENT_C_ipsecCertNoCrls,
		                  ca && !servers && !has_crl_dp(x) &&
		                          !crl_of_issuer(&l, x)
		                      ? AGENT_E_ipsecCertNoCrls_true
		                      : AGENT_E_ipsecCertNoCrls_false);
		agent_pki_put_int(
		    r, AGENT_C_ipsecCertState,
		    cert_state(store, &l, x,
		               r->v[AGENT_C_ipsecCertType].i ==
		                       AGENT_E_ipsecCertType_peer &&
		                   r->v[AGENT_C_ipsecCertForceTrusted].i ==
		                       AGENT_E_ipsecCertForceTrusted_true));
		X509_free(x);
	}
out:
	ERR_clear_error();
	xlist_free(&l);
	X509_STORE_free(store);
	agent_txn_free(none);
}

void
agent_pki_cert_load_all(struct agent_store *st)
{
	struct agent_table *t = agent_store_table(st, AGENT_G_ipsecCertTable);
	size_t i;

	for (i = 0; i < t->n; i++) {
		X509 *x = agent_pki_cert_of_row(t->rows[i]);

		if (x != NULL)
			fill_cert_columns(t->rows[i], x);
		else if (t->rows[i]->v[AGENT_C_ipsecCertData].len > 0)
			gw_warn("certificate %d: the stored certificate cannot "
			        "be read",
			        (int)t->rows[i]->index);
		X509_free(x);
	}
	t = agent_store_table(st, AGENT_G_ipsecCrlTable);
	for (i = 0; i < t->n; i++) {
		X509_CRL *crl = crl_of_row(t->rows[i]);

		if (crl != NULL)
			fill_crl_columns(t->rows[i], crl);
		X509_CRL_free(crl);
	}
	ERR_clear_error();
}
