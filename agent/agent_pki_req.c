/*
 * agent_pki_req.c - certificate requests (K2): a PKCS#10 request for one of
 * the gateway's keys, with a subject and up to three subject alternative
 * names (by default the gateway's first IP address and its host name),
 * signed with that key.  Method show leaves the PEM in ipsecCertReqPkcs10;
 * upload also sends it to a TFTP server after the commit (state pending,
 * then done or failed with the reason); SCEP is refused as not supported
 * yet.  The request is made whenever a SET touches an active row.
 */
#include "agent_pki.h"

#include "common.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NALTS 3

static const int alt_type_col[NALTS] = {AGENT_C_ipsecCertReqAltName1Type,
                                        AGENT_C_ipsecCertReqAltName2Type,
                                        AGENT_C_ipsecCertReqAltName3Type};
static const int alt_col[NALTS] = {AGENT_C_ipsecCertReqAltName1,
                                   AGENT_C_ipsecCertReqAltName2,
                                   AGENT_C_ipsecCertReqAltName3};

/* A running upload. */
struct upload {
	int32_t index;
	struct agent_tftp_job *job;
	struct upload *next;
};

static struct upload *uploads;

/* The gateway's first IPv4 address that is up and not loopback. */
static int
first_ip(char *buf, size_t len)
{
	struct ifaddrs *ifa, *i;
	int rc = -1;

	if (getifaddrs(&ifa) < 0)
		return -1;
	for (i = ifa; i != NULL && rc < 0; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
		    !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (inet_ntop(AF_INET,
		              &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
		              buf, (socklen_t)len) != NULL)
			rc = 0;
	}
	freeifaddrs(ifa);
	return rc;
}

static int
host_name(char *buf, size_t len)
{
	if (gethostname(buf, len) < 0 || buf[0] == '\0')
		return -1;
	buf[len - 1] = '\0';
	return 0;
}

static int
valid_dns(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '.' || s[i] == '*' || s[i] == '_'))
			return 0;
	return i > 0;
}

static int
ia5(GENERAL_NAME *gn, int type, const char *s)
{
	ASN1_IA5STRING *v = ASN1_IA5STRING_new();

	if (v == NULL || ASN1_STRING_set(v, s, (int)strlen(s)) != 1) {
		ASN1_IA5STRING_free(v);
		return -1;
	}
	GENERAL_NAME_set0_value(gn, type, v);
	return 0;
}

/* One subject alternative name of type (the MIB's enumeration). */
static GENERAL_NAME *
make_alt(int type, const char *s, char *err, size_t errlen)
{
	GENERAL_NAME *gn = GENERAL_NAME_new();
	ASN1_OCTET_STRING *ip;
	ASN1_OBJECT *oid;
	X509_NAME *dn;
	int rc = -1;

	if (gn == NULL)
		return NULL;
	switch (type) {
	case AGENT_E_ipsecCertReqAltName1Type_ip:
		ip = a2i_IPADDRESS(s);
		if (ip != NULL) {
			GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
			rc = 0;
		}
		break;
	case AGENT_E_ipsecCertReqAltName1Type_dns:
		rc = valid_dns(s) ? ia5(gn, GEN_DNS, s) : -1;
		break;
	case AGENT_E_ipsecCertReqAltName1Type_email:
		rc = strchr(s, '@') != NULL ? ia5(gn, GEN_EMAIL, s) : -1;
		break;
	case AGENT_E_ipsecCertReqAltName1Type_uri:
		rc = strchr(s, ':') != NULL ? ia5(gn, GEN_URI, s) : -1;
		break;
	case AGENT_E_ipsecCertReqAltName1Type_dn:
		dn = agent_pki_name_parse(s, err, errlen);
		if (dn != NULL) {
			GENERAL_NAME_set0_value(gn, GEN_DIRNAME, dn);
			rc = 0;
		}
		break;
	case AGENT_E_ipsecCertReqAltName1Type_rid:
		oid = OBJ_txt2obj(s, 1);
		if (oid != NULL) {
			GENERAL_NAME_set0_value(gn, GEN_RID, oid);
			rc = 0;
		}
		break;
	default:
		break;
	}
	ERR_clear_error();
	if (rc < 0) {
		if (type != AGENT_E_ipsecCertReqAltName1Type_dn)
			snprintf(err, errlen, "\"%.60s\" is not a valid %s", s,
			         type == AGENT_E_ipsecCertReqAltName1Type_ip
			             ? "IP address"
			         : type == AGENT_E_ipsecCertReqAltName1Type_dns
			             ? "DNS name"
			         : type ==
			                 AGENT_E_ipsecCertReqAltName1Type_email
			             ? "e-mail address"
			         : type == AGENT_E_ipsecCertReqAltName1Type_uri
			             ? "URI"
			             : "OID");
		GENERAL_NAME_free(gn);
		return NULL;
	}
	return gn;
}

/* The alternative names as the request's extension; -1 names the bad one. */
static int
add_alts(X509_REQ *req, const int *types, const char *const *alts, int nalts,
         char *err, size_t errlen)
{
	GENERAL_NAMES *gens = GENERAL_NAMES_new();
	STACK_OF(X509_EXTENSION) *exts = NULL;
	X509_EXTENSION *ext = NULL;
	int i, rc = -1;

	if (gens == NULL)
		return -2;
	for (i = 0; i < nalts; i++) {
		GENERAL_NAME *gn;

		if (types[i] == AGENT_E_ipsecCertReqAltName1Type_none)
			continue;
		gn = make_alt(types[i], alts[i], err, errlen);
		if (gn == NULL || !sk_GENERAL_NAME_push(gens, gn)) {
			GENERAL_NAME_free(gn);
			rc = -(10 + i);
			goto out;
		}
	}
	rc = 0;
	if (sk_GENERAL_NAME_num(gens) == 0)
		goto out;
	exts = sk_X509_EXTENSION_new_null();
	ext = X509V3_EXT_i2d(NID_subject_alt_name, 0, gens);
	if (exts == NULL || ext == NULL || !sk_X509_EXTENSION_push(exts, ext) ||
	    X509_REQ_add_extensions(req, exts) != 1) {
		if (exts == NULL || sk_X509_EXTENSION_num(exts) == 0)
			X509_EXTENSION_free(ext);
		rc = -2;
	}
out:
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	GENERAL_NAMES_free(gens);
	return rc;
}

/*
 * Builds the request; with key NULL only the names are checked.  On error
 * err says why; *bad (if given) is the alternative name at fault (1..3),
 * 0 for the subject, -1 otherwise.
 */
static X509_REQ *
req_build(EVP_PKEY *key, const char *subject, const int *types,
          const char *const *alts, int nalts, int *bad, char *err,
          size_t errlen)
{
	X509_REQ *req = X509_REQ_new();
	X509_NAME *name = agent_pki_name_parse(subject, err, errlen);
	int rc;

	*bad = -1;
	if (req == NULL || name == NULL) {
		*bad = name == NULL ? 0 : -1;
		goto fail;
	}
	if (X509_REQ_set_version(req, 0) != 1 ||
	    X509_REQ_set_subject_name(req, name) != 1)
		goto fail;
	rc = add_alts(req, types, alts, nalts, err, errlen);
	if (rc <= -10)
		*bad = -rc - 9;
	if (rc < 0)
		goto fail;
	if (key != NULL && (X509_REQ_set_pubkey(req, key) != 1 ||
	                    X509_REQ_sign(req, key, EVP_sha256()) <= 0)) {
		agent_pki_ssl_error(err, errlen, "signing the request failed");
		goto fail;
	}
	X509_NAME_free(name);
	return req;
fail:
	X509_NAME_free(name);
	X509_REQ_free(req);
	ERR_clear_error();
	return NULL;
}

X509_REQ *
agent_pki_req_make(EVP_PKEY *key, const char *subject, const int *alt_types,
                   const char *const *alts, int nalts, char *err, size_t errlen)
{
	int bad;

	return req_build(key, subject, alt_types, alts, nalts, &bad, err,
	                 errlen);
}

/* At creation: the subject and the first two names default (K2). */
static void
fill_defaults(struct agent_pki_row *c)
{
	char ip[64], host[256], subj[300];
	struct agent_row *r = c->r;
	int i;

	if (r->v[AGENT_C_ipsecCertReqSubject].len == 0 &&
	    host_name(host, sizeof(host)) == 0) {
		snprintf(subj, sizeof(subj), "CN=%.250s", host);
		agent_pki_put_str(r, AGENT_C_ipsecCertReqSubject, subj);
	}
	if (c->tr->old_row == NULL &&
	    c->tr->vb[AGENT_C_ipsecCertReqAltName1Type] < 0 &&
	    c->tr->vb[AGENT_C_ipsecCertReqAltName2Type] < 0) {
		agent_pki_put_int(r, AGENT_C_ipsecCertReqAltName1Type,
		                  AGENT_E_ipsecCertReqAltName1Type_ip);
		agent_pki_put_int(r, AGENT_C_ipsecCertReqAltName2Type,
		                  AGENT_E_ipsecCertReqAltName2Type_dns);
	}
	/* An IP or DNS name without a value: the gateway's own. */
	for (i = 0; i < NALTS; i++) {
		int64_t type = r->v[alt_type_col[i]].i;

		if (r->v[alt_col[i]].len > 0)
			continue;
		if (type == AGENT_E_ipsecCertReqAltName1Type_ip)
			agent_pki_put_str(r, alt_col[i],
			                  first_ip(ip, sizeof(ip)) == 0 ? ip
			                                                : "");
		else if (type == AGENT_E_ipsecCertReqAltName1Type_dns)
			agent_pki_put_str(
			    r, alt_col[i],
			    host_name(host, sizeof(host)) == 0 ? host : "");
		if (r->v[alt_col[i]].len == 0)
			agent_pki_put_int(
			    r, alt_type_col[i],
			    AGENT_E_ipsecCertReqAltName1Type_none);
	}
}

/* PEM of a request into the read-only column; -1 if too large. */
static int
store_pkcs10(struct agent_row *r, X509_REQ *req)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long n = 0;
	int rc = -1;

	if (b != NULL && PEM_write_bio_X509_REQ(b, req) == 1 &&
	    (n = BIO_get_mem_data(b, &data)) > 0 && n <= 8192) {
		agent_val_set_str(&r->v[AGENT_C_ipsecCertReqPkcs10], data,
		                  (size_t)n);
		rc = 0;
	}
	BIO_free(b);
	return rc;
}

/* Makes the request of row r with its key; err says why not. */
static X509_REQ *
row_request(const struct agent_row *r, EVP_PKEY *key, int *bad, char *err,
            size_t errlen)
{
	const char *alts[NALTS];
	int types[NALTS], i;

	for (i = 0; i < NALTS; i++) {
		types[i] = (int)r->v[alt_type_col[i]].i;
		alts[i] =
		    r->v[alt_col[i]].s ? (const char *)r->v[alt_col[i]].s : "";
	}
	return req_build(key,
	                 r->v[AGENT_C_ipsecCertReqSubject].s
	                     ? (const char *)r->v[AGENT_C_ipsecCertReqSubject].s
	                     : "",
	                 types, alts, NALTS, bad, err, errlen);
}

static enum agent_err
check_upload(struct agent_pki_row *c)
{
	const struct agent_val *s = &c->r->v[AGENT_C_ipsecCertReqServer];
	char host[256];
	uint16_t port;

	if (s->len == 0 || agent_tftp_parse_server((const char *)s->s, host,
	                                           sizeof(host), &port) < 0)
		return agent_pki_refuse(
		    c,
		    c->tr->vb[AGENT_C_ipsecCertReqServer] >= 0
		        ? AGENT_C_ipsecCertReqServer
		        : AGENT_C_ipsecCertReqMethod,
		    AGENT_ERR_INCONSISTENTVALUE,
		    "upload needs a TFTP server: host or host:port");
	return AGENT_OK;
}

enum agent_err
agent_pki_req_check(struct agent_pki_row *c)
{
	int64_t method = c->r->v[AGENT_C_ipsecCertReqMethod].i;
	int32_t kidx = (int32_t)c->r->v[AGENT_C_ipsecCertReqKey].i;
	const struct agent_row *k;
	EVP_PKEY *key = NULL;
	X509_REQ *req;
	char err[200];
	int bad;

	if (method == AGENT_E_ipsecCertReqMethod_scep)
		return agent_pki_refuse(c, AGENT_C_ipsecCertReqMethod,
		                        AGENT_ERR_INCONSISTENTVALUE,
		                        "SCEP enrolment is not supported yet; "
		                        "use upload or show");
	fill_defaults(c);
	if (method == AGENT_E_ipsecCertReqMethod_upload &&
	    check_upload(c) != AGENT_OK)
		return AGENT_ERR_INCONSISTENTVALUE;
	agent_pki_put_str(c->r, AGENT_C_ipsecCertReqError, "");
	if (agent_pki_is_active(c->r, c->g)) {
		k = agent_txn_view(c->t, AGENT_G_ipsecKeyTable, kidx);
		if (k == NULL ||
		    k->v[AGENT_C_ipsecKeyState].i !=
		        AGENT_E_ipsecKeyState_ready ||
		    (key = agent_pki_key_get(kidx)) == NULL)
			return agent_pki_refuse(
			    c, AGENT_C_ipsecCertReqKey,
			    AGENT_ERR_INCONSISTENTVALUE,
			    "key %d is not ready (still being generated?)",
			    kidx);
	}
	req = row_request(c->r, key, &bad, err, sizeof(err));
	if (req == NULL) {
		EVP_PKEY_free(key);
		return agent_pki_refuse(c,
		                        bad == 0  ? AGENT_C_ipsecCertReqSubject
		                        : bad > 0 ? alt_col[bad - 1]
		                                  : AGENT_C_ipsecCertReqKey,
		                        bad >= 0 ? AGENT_ERR_WRONGVALUE
		                                 : AGENT_ERR_INCONSISTENTVALUE,
		                        "%s", err);
	}
	agent_pki_put_str(c->r, AGENT_C_ipsecCertReqPkcs10, "");
	agent_pki_put_int(c->r, AGENT_C_ipsecCertReqState,
	                  AGENT_E_ipsecCertReqState_idle);
	if (key != NULL) {
		if (store_pkcs10(c->r, req) < 0) {
			X509_REQ_free(req);
			EVP_PKEY_free(key);
			return agent_pki_refuse(c, -1, AGENT_ERR_GENERR,
			                        "the request is too large");
		}
		agent_pki_put_int(c->r, AGENT_C_ipsecCertReqState,
		                  method == AGENT_E_ipsecCertReqMethod_upload
		                      ? AGENT_E_ipsecCertReqState_pending
		                      : AGENT_E_ipsecCertReqState_done);
	}
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	return AGENT_OK;
}

/* ---- uploads ---- */

static void
upload_forget(int32_t index)
{
	struct upload **pp = &uploads, *u;

	while ((u = *pp) != NULL) {
		if (u->index == index) {
			*pp = u->next;
			agent_tftp_cancel(u->job);
			free(u);
		} else {
			pp = &u->next;
		}
	}
}

static void
upload_done(void *arg, int ok, const char *err)
{
	struct upload *u = arg, **pp;
	struct agent_store *st = agent_pki_store();
	struct agent_row *r =
	    st ? agent_store_get(st, AGENT_G_ipsecCertReqTable, u->index)
	       : NULL;

	if (r != NULL) {
		agent_pki_put_int(r, AGENT_C_ipsecCertReqState,
		                  ok ? AGENT_E_ipsecCertReqState_done
		                     : AGENT_E_ipsecCertReqState_failed);
		agent_pki_put_str(r, AGENT_C_ipsecCertReqError, err);
	}
	if (ok)
		gw_notice("certificate request %d uploaded", (int)u->index);
	else
		gw_warn("certificate request %d: upload failed: %s",
		        (int)u->index, err);
	for (pp = &uploads; *pp != NULL; pp = &(*pp)->next)
		if (*pp == u) {
			*pp = u->next;
			break;
		}
	free(u);
}

/* The request's bytes in the chosen encoding: PEM or DER. */
static int
upload_bytes(struct agent_row *r, uint8_t **out, size_t *len)
{
	const struct agent_val *pem = &r->v[AGENT_C_ipsecCertReqPkcs10];
	BIO *b;
	X509_REQ *req;
	unsigned char *der = NULL;
	int n;

	if (r->v[AGENT_C_ipsecCertReqEncoding].i ==
	    AGENT_E_ipsecCertReqEncoding_base64) {
		*out = malloc(pem->len + 1);
		if (*out == NULL)
			return -1;
		memcpy(*out, pem->s, pem->len);
		*len = pem->len;
		return 0;
	}
	b = BIO_new_mem_buf(pem->s, (int)pem->len);
	req = b ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	n = req ? i2d_X509_REQ(req, &der) : -1;
	X509_REQ_free(req);
	if (n <= 0)
		return -1;
	*out = malloc((size_t)n);
	if (*out != NULL)
		memcpy(*out, der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(der);
	return *out ? 0 : -1;
}

static void
upload_start(struct agent_row *r)
{
	const char *srv = (const char *)r->v[AGENT_C_ipsecCertReqServer].s;
	const struct agent_val *fv = &r->v[AGENT_C_ipsecCertReqFile];
	int bin = r->v[AGENT_C_ipsecCertReqEncoding].i ==
	          AGENT_E_ipsecCertReqEncoding_binary;
	struct upload *u = calloc(1, sizeof(*u));
	char host[256], file[300];
	uint8_t *data = NULL;
	size_t len = 0;
	uint16_t port;

	if (fv->len > 0)
		snprintf(file, sizeof(file), "%s", (const char *)fv->s);
	else
		snprintf(file, sizeof(file), "ipsecgw-req-%d.%s", (int)r->index,
		         bin ? "der" : "pem");
	if (u == NULL || srv == NULL ||
	    agent_tftp_parse_server(srv, host, sizeof(host), &port) < 0 ||
	    upload_bytes(r, &data, &len) < 0) {
		free(u);
		free(data);
		agent_pki_put_int(r, AGENT_C_ipsecCertReqState,
		                  AGENT_E_ipsecCertReqState_failed);
		agent_pki_put_str(r, AGENT_C_ipsecCertReqError,
		                  "cannot start the upload");
		return;
	}
	u->index = r->index;
	u->job = agent_tftp_put(agent_pki_base(), host, port, file, data, len,
	                        upload_done, u);
	free(data);
	if (u->job == NULL) {
		free(u);
		agent_pki_put_int(r, AGENT_C_ipsecCertReqState,
		                  AGENT_E_ipsecCertReqState_failed);
		agent_pki_put_str(r, AGENT_C_ipsecCertReqError,
		                  "cannot reach the TFTP server");
		return;
	}
	u->next = uploads;
	uploads = u;
	gw_info("certificate request %d: uploading %s to %s", (int)r->index,
	        file, srv);
}

void
agent_pki_req_changed(const struct agent_row *old_row,
                      const struct agent_row *new_row)
{
	struct agent_store *st = agent_pki_store();
	struct agent_row *r;

	if (old_row != NULL)
		upload_forget(old_row->index);
	if (new_row == NULL || new_row->v[AGENT_C_ipsecCertReqState].i !=
	                           AGENT_E_ipsecCertReqState_pending)
		return;
	r = agent_store_get(st, AGENT_G_ipsecCertReqTable, new_row->index);
	if (r != NULL)
		upload_start(r);
}

/* After a restart: the request is made again, not sent again. */
void
agent_pki_req_load_all(struct agent_store *st)
{
	struct agent_table *t =
	    agent_store_table(st, AGENT_G_ipsecCertReqTable);
	const struct agent_group *g =
	    &agent_mib_groups[AGENT_G_ipsecCertReqTable];
	size_t i;

	for (i = 0; i < t->n; i++) {
		struct agent_row *r = t->rows[i];
		EVP_PKEY *key;
		X509_REQ *req = NULL;
		char err[200];
		int bad;

		if (!agent_pki_is_active(r, g))
			continue;
		key =
		    agent_pki_key_get((int32_t)r->v[AGENT_C_ipsecCertReqKey].i);
		if (key != NULL)
			req = row_request(r, key, &bad, err, sizeof(err));
		if (req != NULL && store_pkcs10(r, req) == 0 &&
		    r->v[AGENT_C_ipsecCertReqMethod].i ==
		        AGENT_E_ipsecCertReqMethod_show)
			agent_pki_put_int(r, AGENT_C_ipsecCertReqState,
			                  AGENT_E_ipsecCertReqState_done);
		X509_REQ_free(req);
		EVP_PKEY_free(key);
	}
}

void
agent_pki_req_fini(void)
{
	struct upload *u;

	while ((u = uploads) != NULL) {
		uploads = u->next;
		agent_tftp_cancel(u->job);
		free(u);
	}
}
