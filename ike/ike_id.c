/*
 * ike_id.c - phase 1 identities and certificates (RFC 2407 4.6.2, RFC
 * 2409 5.1): the text forms operators configure (ikeProfileLocalId,
 * ipsecPeerIds) as ID payload bodies and back, the default identity a
 * certificate gives, and whether an identity is one a certificate names.
 * Distinguished names are compared as names (OpenSSL's canonical form),
 * so spacing, case and the written order do not matter.
 */
#include "ike_cert.h"

#include "common.h"
#include "ike_pld.h"
#include "isakmp.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ID_HDR 4 /* ID type, protocol, port */

/* An ID payload body of type with data. */
static int
put_id(uint8_t type, const void *data, size_t dlen, uint8_t *body, size_t cap,
       size_t *len)
{
	if (dlen == 0 || ID_HDR + dlen > cap)
		return -1;
	memset(body, 0, ID_HDR);
	body[0] = type;
	memcpy(body + ID_HDR, data, dlen);
	*len = ID_HDR + dlen;
	return 0;
}

static int
put_name(const X509_NAME *nm, uint8_t *body, size_t cap, size_t *len)
{
	unsigned char *der = NULL;
	int n = i2d_X509_NAME(nm, &der);
	int rc =
	    n > 0 ? put_id(IKE_ID_DER_ASN1_DN, der, (size_t)n, body, cap, len)
	          : -1;

	OPENSSL_free(der);
	return rc;
}

/* One "KEY=value" (spaces around either trimmed) added at loc. */
static int
dn_entry(X509_NAME *nm, const char *s, size_t n, int loc)
{
	char key[64];
	const char *eq, *v;
	size_t klen, vlen;

	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	eq = memchr(s, '=', n);
	if (eq == NULL)
		return -1;
	klen = (size_t)(eq - s);
	while (klen > 0 && isspace((unsigned char)s[klen - 1]))
		klen--;
	v = eq + 1;
	vlen = n - (size_t)(v - s);
	while (vlen > 0 && isspace((unsigned char)*v)) {
		v++;
		vlen--;
	}
	if (klen == 0 || klen >= sizeof(key) || vlen == 0 || vlen > INT32_MAX)
		return -1;
	memcpy(key, s, klen);
	key[klen] = '\0';
	return X509_NAME_add_entry_by_txt(nm, key, MBSTRING_UTF8,
	                                  (const unsigned char *)v, (int)vlen,
	                                  loc, 0) == 1
	           ? 0
	           : -1;
}

/*
 * "CN=a, O=b" (RFC 4514 order: the most specific first) or "/O=b/CN=a"
 * (the certificate's order); reverse builds the other order.
 */
static X509_NAME *
dn_parse(const char *s, size_t n, int reverse)
{
	X509_NAME *nm = X509_NAME_new();
	char sep = n > 0 && s[0] == '/' ? '/' : ',';
	int append = (sep == '/') != (reverse != 0);
	size_t i = sep == '/' ? 1 : 0, start = i;

	if (nm == NULL)
		return NULL;
	for (; i <= n; i++) {
		if (i < n && s[i] != sep)
			continue;
		if (i > start &&
		    dn_entry(nm, s + start, i - start, append ? -1 : 0) < 0)
			goto bad;
		start = i + 1;
	}
	if (X509_NAME_entry_count(nm) > 0)
		return nm;
bad:
	X509_NAME_free(nm);
	ERR_clear_error();
	return NULL;
}

/* Whether the text form s is a DN (an FQDN or address has no '='). */
static int
is_dn(const char *s, size_t n)
{
	return memchr(s, '=', n) != NULL;
}

int
ike_cert_text_to_id(const char *s, size_t n, X509 *x, uint8_t *body, size_t cap,
                    size_t *len)
{
	char t[IKE_CONF_STR];
	struct in_addr a;
	X509_NAME *nm, *alt;
	int rc;

	if (n == 0 || n >= sizeof(t))
		return -1;
	memcpy(t, s, n);
	t[n] = '\0';
	if (inet_pton(AF_INET, t, &a) == 1)
		return put_id(IKE_ID_IPV4_ADDR, &a.s_addr, 4, body, cap, len);
	if (strncmp(t, "keyid:", 6) == 0)
		return put_id(IKE_ID_KEY_ID, t + 6, n - 6, body, cap, len);
	if (!is_dn(t, n))
		return put_id(strchr(t, '@') ? IKE_ID_USER_FQDN : IKE_ID_FQDN,
		              t, n, body, cap, len);
	if ((nm = dn_parse(t, n, 0)) == NULL)
		return -1;
	/* The certificate's subject is sent as it is encoded there. */
	if (x != NULL && (alt = dn_parse(t, n, 1)) != NULL) {
		if (X509_NAME_cmp(nm, X509_get_subject_name(x)) != 0 &&
		    X509_NAME_cmp(alt, X509_get_subject_name(x)) == 0) {
			X509_NAME_free(nm);
			nm = alt;
		} else {
			X509_NAME_free(alt);
		}
	}
	rc = put_name(nm, body, cap, len);
	X509_NAME_free(nm);
	return rc;
}

/* A general name as an ID payload body, if it has an ID type. */
static int
gen_to_id(const GENERAL_NAME *g, uint8_t *body, size_t cap, size_t *len)
{
	const ASN1_STRING *s;

	switch (g->type) {
	case GEN_IPADD:
		s = g->d.iPAddress;
		return ASN1_STRING_length(s) == 4
		           ? put_id(IKE_ID_IPV4_ADDR, ASN1_STRING_get0_data(s),
		                    4, body, cap, len)
		           : -1;
	case GEN_DNS:
	case GEN_EMAIL:
		s = g->type == GEN_DNS ? g->d.dNSName : g->d.rfc822Name;
		return put_id(g->type == GEN_DNS ? IKE_ID_FQDN
		                                 : IKE_ID_USER_FQDN,
		              ASN1_STRING_get0_data(s),
		              (size_t)ASN1_STRING_length(s), body, cap, len);
	case GEN_DIRNAME:
		return put_name(g->d.dirn, body, cap, len);
	default:
		return -1;
	}
}

int
ike_cert_default_id(X509 *x, uint8_t *body, size_t cap, size_t *len)
{
	GENERAL_NAMES *gens =
	    X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	int i, rc = -1;

	for (i = 0; gens != NULL && rc < 0 && i < sk_GENERAL_NAME_num(gens);
	     i++)
		rc = gen_to_id(sk_GENERAL_NAME_value(gens, i), body, cap, len);
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
	if (rc == 0)
		return 0;
	return put_name(X509_get_subject_name(x), body, cap, len);
}

int
ike_cert_dn_text(const uint8_t *der, size_t len, char *out, size_t n)
{
	const unsigned char *p = der;
	X509_NAME *nm = d2i_X509_NAME(NULL, &p, (long)len);
	BIO *b = nm != NULL ? BIO_new(BIO_s_mem()) : NULL;
	int got = -1, i;

	if (b != NULL && n > 0 &&
	    X509_NAME_print_ex(b, nm, 0,
	                       (XN_FLAG_RFC2253 & ~XN_FLAG_SEP_MASK) |
	                           XN_FLAG_SEP_CPLUS_SPC) >= 0)
		got = BIO_read(b, out, (int)n - 1);
	if (got >= 0) {
		out[got] = '\0';
		for (i = 0; i < got; i++)
			if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
				out[i] = '?';
	}
	BIO_free(b);
	X509_NAME_free(nm);
	ERR_clear_error();
	return got >= 0 ? 0 : -1;
}

static X509_NAME *
id_name(const struct ike_id *id)
{
	const unsigned char *p = id->data;

	return d2i_X509_NAME(NULL, &p, (long)id->len);
}

/* Whether a general name of x is the ID's (same type, same value). */
static int
gen_matches(const GENERAL_NAME *g, const struct ike_id *id, const X509_NAME *nm)
{
	const ASN1_STRING *s = NULL;

	switch (id->type) {
	case IKE_ID_IPV4_ADDR:
		s = g->type == GEN_IPADD ? g->d.iPAddress : NULL;
		return s != NULL && (size_t)ASN1_STRING_length(s) == id->len &&
		       memcmp(ASN1_STRING_get0_data(s), id->data, id->len) == 0;
	case IKE_ID_FQDN:
	case IKE_ID_USER_FQDN:
		if (g->type == GEN_DNS && id->type == IKE_ID_FQDN)
			s = g->d.dNSName;
		else if (g->type == GEN_EMAIL && id->type == IKE_ID_USER_FQDN)
			s = g->d.rfc822Name;
		return s != NULL && (size_t)ASN1_STRING_length(s) == id->len &&
		       strncasecmp((const char *)ASN1_STRING_get0_data(s),
		                   (const char *)id->data, id->len) == 0;
	case IKE_ID_DER_ASN1_DN:
		return g->type == GEN_DIRNAME && nm != NULL &&
		       X509_NAME_cmp(g->d.dirn, nm) == 0;
	default:
		return 0;
	}
}

int
ike_cert_id_matches(X509 *x, const uint8_t *body, size_t len)
{
	struct ike_id id;
	GENERAL_NAMES *gens;
	X509_NAME *nm = NULL;
	int i, hit = 0;

	if (x == NULL || ike_pld_id(body, len, &id) != IKE_PLD_OK)
		return 0;
	if (id.type == IKE_ID_DER_ASN1_DN) {
		if ((nm = id_name(&id)) == NULL) {
			ERR_clear_error();
			return 0;
		}
		hit = X509_NAME_cmp(nm, X509_get_subject_name(x)) == 0;
	}
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; !hit && gens != NULL && i < sk_GENERAL_NAME_num(gens); i++)
		hit = gen_matches(sk_GENERAL_NAME_value(gens, i), &id, nm);
	GENERAL_NAMES_free(gens);
	X509_NAME_free(nm);
	ERR_clear_error();
	return hit;
}

/* Whether the text at s starts like "KEY=" (a DN attribute). */
static int
dn_attr_start(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] == ' ')
		i++;
	if (i == n || !isalpha((unsigned char)s[i]))
		return 0;
	while (i < n &&
	       (isalnum((unsigned char)s[i]) || s[i] == '.' || s[i] == '-'))
		i++;
	while (i < n && s[i] == ' ')
		i++;
	return i < n && s[i] == '=';
}

int
ike_cert_list_each(const char *list,
                   int (*fn)(void *arg, const char *s, size_t n), void *arg)
{
	const char *p = list;
	int rc;

	while (*p != '\0') {
		size_t n = strcspn(p, ","), k;

		/* "CN=a, O=b": the parts after a DN part belong to it. */
		if (p[0] != '/' && is_dn(p, n))
			while (
			    p[n] == ',' &&
			    dn_attr_start(p + n + 1, strcspn(p + n + 1, ",")))
				n += 1 + strcspn(p + n + 1, ",");
		k = n;
		while (k > 0 && p[k - 1] == ' ')
			k--;
		while (k > 0 && *p == ' ') {
			p++;
			k--;
			n--;
		}
		if (k > 0 && (rc = fn(arg, p, k)) != 0)
			return rc;
		p += n;
		p += *p == ',';
	}
	return 0;
}

struct id_cmp {
	struct ike_id id;
	X509_NAME *nm; /* the ID's, when it is a DN */
};

/* 1 if list item s names the identity in arg. */
static int
item_is(void *arg, const char *s, size_t n)
{
	const struct id_cmp *c = arg;
	uint8_t body[IKE_CERT_ID_MAX];
	struct ike_id it;
	X509_NAME *nm;
	size_t len;
	int hit, order;

	if (c->nm != NULL) {
		for (order = 0; order < 2; order++) {
			nm = is_dn(s, n) ? dn_parse(s, n, order) : NULL;
			hit = nm != NULL && X509_NAME_cmp(nm, c->nm) == 0;
			X509_NAME_free(nm);
			if (hit)
				return 1;
		}
		return 0;
	}
	if (ike_cert_text_to_id(s, n, NULL, body, sizeof(body), &len) < 0 ||
	    ike_pld_id(body, len, &it) != IKE_PLD_OK || it.type != c->id.type ||
	    it.len != c->id.len)
		return 0;
	if (it.type == IKE_ID_FQDN || it.type == IKE_ID_USER_FQDN)
		return strncasecmp((const char *)it.data,
		                   (const char *)c->id.data, it.len) == 0;
	return memcmp(it.data, c->id.data, it.len) == 0;
}

int
ike_cert_id_in_list(const uint8_t *id, size_t len, const char *list)
{
	struct id_cmp c;
	int hit;

	memset(&c, 0, sizeof(c));
	if (ike_pld_id(id, len, &c.id) != IKE_PLD_OK)
		return 0;
	if (c.id.type == IKE_ID_DER_ASN1_DN && (c.nm = id_name(&c.id)) == NULL)
		return 0;
	hit = ike_cert_list_each(list, item_is, &c) == 1;
	X509_NAME_free(c.nm);
	ERR_clear_error();
	return hit;
}

struct cert_cmp {
	X509 *x;
};

/* 1 if list item s is an identity the certificate names. */
static int
item_names_cert(void *arg, const char *s, size_t n)
{
	const struct cert_cmp *c = arg;
	uint8_t body[IKE_CERT_ID_MAX];
	size_t len;

	return ike_cert_text_to_id(s, n, c->x, body, sizeof(body), &len) == 0 &&
	       ike_cert_id_matches(c->x, body, len);
}

X509 *
ike_cert_peer_cert(const struct ike_pki *p, const uint8_t *id, size_t idlen,
                   const char *ids, const char *address, int *trusted)
{
	int i;

	*trusted = 0;
	for (i = 0; p != NULL && i < sk_X509_num(p->peers); i++) {
		struct cert_cmp c = {sk_X509_value(p->peers, i)};
		int hit;

		if (id != NULL)
			hit = ike_cert_id_matches(c.x, id, idlen);
		else if (ids != NULL && ids[0] != '\0')
			hit = ike_cert_list_each(ids, item_names_cert, &c) == 1;
		else
			hit = address != NULL && address[0] != '\0' &&
			      item_names_cert(&c, address, strlen(address));
		if (hit) {
			*trusted = p->trusted != NULL && p->trusted[i];
			return c.x;
		}
	}
	return NULL;
}
