/*
 * agent_pki_codec.c - the bytes an operator or a TFTP server hands us,
 * turned into OpenSSL objects (PEM, base64 DER or binary DER, detected or
 * as told), and those objects turned into the text the MIB shows.  Nothing
 * here knows the store; it is fed untrusted bytes by the fuzzer too.
 */
#include "agent_pki.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DER_MAX ((size_t)64 * 1024)

void
agent_pki_ssl_error(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	snprintf(err, errlen, "%s%s%s", what, r ? ": " : "", r ? r : "");
	ERR_clear_error();
}

static int
is_b64(uint8_t c)
{
	return isalnum(c) || c == '+' || c == '/' || c == '=';
}

static int
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Leading whitespace skipped: does the input start with a PEM line? */
static int
looks_pem(const uint8_t *in, size_t len)
{
	size_t i = 0;

	while (i < len && is_space(in[i]))
		i++;
	return len - i >= 11 && memcmp(in + i, "-----BEGIN ", 11) == 0;
}

static int
looks_b64(const uint8_t *in, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (is_space(in[i]))
			continue;
		if (!is_b64(in[i]))
			return 0;
		n++;
	}
	return n > 0;
}

/* Base64 without PEM lines (whitespace allowed) to DER; malloc'd. */
static uint8_t *
b64_decode(const uint8_t *in, size_t len, size_t *outlen)
{
	EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
	uint8_t *out = malloc(len / 4 * 3 + 3);
	int n = 0, m = 0, ok = 0;

	if (ctx != NULL && out != NULL && len <= DER_MAX * 2) {
		EVP_DecodeInit(ctx);
		ok = EVP_DecodeUpdate(ctx, out, &n, in, (int)len) >= 0 &&
		     EVP_DecodeFinal(ctx, out + n, &m) == 1;
	}
	EVP_ENCODE_CTX_free(ctx);
	if (!ok || n + m == 0) {
		free(out);
		return NULL;
	}
	*outlen = (size_t)n + (size_t)m;
	return out;
}

enum kind { K_CERT, K_CRL };

/* Parses DER, insisting that it is one object and nothing after it. */
static void *
from_der(enum kind k, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	void *obj;

	if (len > DER_MAX)
		return NULL;
	obj = k == K_CERT ? (void *)d2i_X509(NULL, &p, (long)len)
	                  : (void *)d2i_X509_CRL(NULL, &p, (long)len);
	if (obj != NULL && p != der + len) {
		if (k == K_CERT)
			X509_free(obj);
		else
			X509_CRL_free(obj);
		ERR_put_error(ERR_LIB_ASN1, 0, ASN1_R_TOO_LONG, __FILE__,
		              __LINE__);
		return NULL;
	}
	return obj;
}

static void *
from_pem(enum kind k, const uint8_t *in, size_t len)
{
	BIO *b = BIO_new_mem_buf(in, (int)len);
	void *obj = NULL;

	if (b == NULL || len > DER_MAX * 2) {
		BIO_free(b);
		return NULL;
	}
	obj = k == K_CERT ? (void *)PEM_read_bio_X509(b, NULL, NULL, NULL)
	                  : (void *)PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
	BIO_free(b);
	return obj;
}

/*
 * The decoding common to certificates and CRLs.  auto: PEM if it starts
 * like PEM, DER if it starts with a SEQUENCE, else base64; base64: PEM or
 * bare base64; binary: DER only.
 */
static void *
decode(enum kind k, const uint8_t *in, size_t len, int fmt, char *err,
       size_t errlen)
{
	const char *what = k == K_CERT ? "certificate" : "CRL";
	uint8_t *der;
	size_t dlen = 0;
	void *obj = NULL;

	ERR_clear_error();
	if (len == 0) {
		snprintf(err, errlen, "no %s given", what);
		return NULL;
	}
	if (fmt == AGENT_PKI_BINARY ||
	    (fmt == AGENT_PKI_AUTO && in[0] == 0x30)) {
		obj = from_der(k, in, len);
		if (obj == NULL)
			agent_pki_ssl_error(err, errlen,
			                    "not a DER-encoded X.509 object");
		return obj;
	}
	if (looks_pem(in, len)) {
		obj = from_pem(k, in, len);
		if (obj == NULL)
			agent_pki_ssl_error(err, errlen,
			                    "truncated or damaged PEM");
		return obj;
	}
	if (!looks_b64(in, len)) {
		snprintf(err, errlen, "neither PEM, base64 nor DER%s",
		         fmt == AGENT_PKI_BASE64 ? " (format base64)" : "");
		return NULL;
	}
	der = b64_decode(in, len, &dlen);
	if (der == NULL) {
		snprintf(err, errlen, "bad base64");
		return NULL;
	}
	obj = from_der(k, der, dlen);
	free(der);
	if (obj == NULL)
		agent_pki_ssl_error(err, errlen,
		                    "base64 that is not a DER-encoded object");
	return obj;
}

X509 *
agent_pki_cert_decode(const uint8_t *in, size_t len, int fmt, char *err,
                      size_t errlen)
{
	return decode(K_CERT, in, len, fmt, err, errlen);
}

X509_CRL *
agent_pki_crl_decode(const uint8_t *in, size_t len, int fmt, char *err,
                     size_t errlen)
{
	return decode(K_CRL, in, len, fmt, err, errlen);
}

/* Never asks for a pass phrase: encrypted keys simply fail. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

EVP_PKEY *
agent_pki_key_decode(const uint8_t *in, size_t len, char *err, size_t errlen)
{
	EVP_PKEY *k = NULL;
	const unsigned char *p = in;
	BIO *b;

	ERR_clear_error();
	if (len == 0 || len > DER_MAX) {
		snprintf(err, errlen, "no key given or too long");
		return NULL;
	}
	if (looks_pem(in, len)) {
		if (memmem(in, len, "ENCRYPTED", 9) != NULL) {
			snprintf(err, errlen,
			         "encrypted private keys are not supported");
			return NULL;
		}
		b = BIO_new_mem_buf(in, (int)len);
		if (b != NULL)
			k = PEM_read_bio_PrivateKey(b, NULL, no_passphrase,
			                            NULL);
		BIO_free(b);
	} else {
		k = d2i_AutoPrivateKey(NULL, &p, (long)len);
		if (k != NULL && p != in + len) {
			EVP_PKEY_free(k);
			k = NULL;
		}
	}
	if (k == NULL)
		agent_pki_ssl_error(err, errlen,
		                    "not a private key in PEM "
		                    "or DER");
	ERR_clear_error();
	return k;
}

/* Reads a memory BIO's contents into a malloc'd, terminated string. */
static char *
bio_text(BIO *b, size_t *len)
{
	char *data, *out = NULL;
	long n = BIO_get_mem_data(b, &data);

	if (n >= 0 && (out = malloc((size_t)n + 1)) != NULL) {
		memcpy(out, data, (size_t)n);
		out[n] = '\0';
		if (len != NULL)
			*len = (size_t)n;
	}
	return out;
}

char *
agent_pki_cert_pem(X509 *x, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *out = NULL;

	if (b != NULL && PEM_write_bio_X509(b, x) == 1)
		out = bio_text(b, len);
	BIO_free(b);
	return out;
}

char *
agent_pki_crl_pem(X509_CRL *crl, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *out = NULL;

	if (b != NULL && PEM_write_bio_X509_CRL(b, crl) == 1)
		out = bio_text(b, len);
	BIO_free(b);
	return out;
}

/* Fits a BIO's text into buf, cutting it at len - 1, printable only. */
static void
bio_to_buf(BIO *b, char *buf, size_t len)
{
	char *data;
	long n = b ? BIO_get_mem_data(b, &data) : 0;
	size_t i, k = 0;

	for (i = 0; n > 0 && i < (size_t)n && k + 1 < len; i++)
		buf[k++] = data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '?';
	if (len > 0)
		buf[k] = '\0';
	BIO_free(b);
}

void
agent_pki_name_text(const X509_NAME *n, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());

	if (b != NULL)
		X509_NAME_print_ex(b, n, 0,
		                   (XN_FLAG_RFC2253 & ~XN_FLAG_SEP_MASK) |
		                       XN_FLAG_SEP_CPLUS_SPC);
	bio_to_buf(b, buf, len);
}

void
agent_pki_serial_text(const ASN1_INTEGER *s, char *buf, size_t len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(s, NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	snprintf(buf, len, "%s", hex ? hex : "");
	OPENSSL_free(hex);
	BN_free(bn);
}

void
agent_pki_time_text(const ASN1_TIME *t, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());

	if (b != NULL && t != NULL)
		ASN1_TIME_print(b, t);
	bio_to_buf(b, buf, len);
}

/* One alternative name as "TYPE:value". */
static void
altname_text(const GENERAL_NAME *gn, char *buf, size_t len)
{
	const unsigned char *ip;
	char a[INET6_ADDRSTRLEN] = "?", name[256];
	int n;

	switch (gn->type) {
	case GEN_DNS:
	case GEN_EMAIL:
	case GEN_URI:
		snprintf(buf, len, "%s:%.*s",
		         gn->type == GEN_DNS     ? "DNS"
		         : gn->type == GEN_EMAIL ? "email"
		                                 : "URI",
		         ASN1_STRING_length(gn->d.ia5),
		         (const char *)ASN1_STRING_get0_data(gn->d.ia5));
		break;
	case GEN_IPADD:
		ip = ASN1_STRING_get0_data(gn->d.ip);
		n = ASN1_STRING_length(gn->d.ip);
		if (n == 4 || n == 16)
			inet_ntop(n == 4 ? AF_INET : AF_INET6, ip, a,
			          sizeof(a));
		snprintf(buf, len, "IP:%s", a);
		break;
	case GEN_DIRNAME:
		agent_pki_name_text(gn->d.dirn, name, sizeof(name));
		snprintf(buf, len, "DN:%s", name);
		break;
	case GEN_RID:
		OBJ_obj2txt(name, sizeof(name), gn->d.rid, 1);
		snprintf(buf, len, "RID:%s", name);
		break;
	default:
		snprintf(buf, len, "other");
		break;
	}
}

void
agent_pki_altnames_text(X509 *x, char *buf, size_t len)
{
	GENERAL_NAMES *gens =
	    X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		char one[300];
		int n;

		altname_text(sk_GENERAL_NAME_value(gens, i), one, sizeof(one));
		n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
		             one);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	for (size_t k = 0; k < used; k++)
		if (buf[k] < 0x20 || buf[k] == 0x7f)
			buf[k] = '?';
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
}

int
agent_pki_fingerprint(EVP_PKEY *k, char *buf, size_t len)
{
	unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	int n = i2d_PUBKEY(k, &der);
	size_t used = 0;

	if (n <= 0 ||
	    EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL) != 1) {
		OPENSSL_free(der);
		return -1;
	}
	OPENSSL_free(der);
	for (i = 0; i < mdlen && used + 4 <= len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%02X",
		                         i ? ":" : "", md[i]);
	return 0;
}

/* Adds one "type=value" (value unescaped) to the name at loc. */
static int
name_add(X509_NAME *n, char *rdn, int loc, char *err, size_t errlen)
{
	char *eq = strchr(rdn, '='), *r, *w;

	while (*rdn == ' ')
		rdn++;
	if (eq == NULL || eq == rdn) {
		snprintf(err, errlen, "expected type=value, got \"%.40s\"",
		         rdn);
		return -1;
	}
	*eq = '\0';
	for (r = eq - 1; r > rdn && *r == ' '; r--)
		*r = '\0';
	for (r = w = eq + 1; *r != '\0'; r++) {
		if (*r == '\\' && r[1] != '\0')
			r++;
		*w++ = *r;
	}
	*w = '\0';
	if (X509_NAME_add_entry_by_txt(n, rdn, MBSTRING_UTF8,
	                               (const unsigned char *)(eq + 1), -1, loc,
	                               0) != 1) {
		ERR_clear_error();
		snprintf(err, errlen,
		         "unknown attribute \"%.20s\" or bad value", rdn);
		return -1;
	}
	return 0;
}

/*
 * The comma form is an LDAP string (RFC 4514): its first RDN is the most
 * specific, the last in DER order.  The slash form is in DER order, as
 * "openssl req -subj" takes it.
 */
X509_NAME *
agent_pki_name_parse(const char *s, char *err, size_t errlen)
{
	X509_NAME *n = X509_NAME_new();
	char *copy = strdup(s), *p, *start;
	char sep = s[0] == '/' ? '/' : ',';
	int rc = 0;

	if (n == NULL || copy == NULL)
		goto fail;
	start = p = copy + (sep == '/');
	for (;; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p != sep && *p != '\0')
			continue;
		if (p == start && *p == '\0')
			break;
		{
			char end = *p;

			*p = '\0';
			rc = name_add(n, start, sep == ',' ? 0 : -1, err,
			              errlen);
			if (rc < 0 || end == '\0')
				break;
		}
		start = p + 1;
	}
	if (rc < 0 || X509_NAME_entry_count(n) == 0) {
		if (rc == 0)
			snprintf(err, errlen, "empty name");
		goto fail;
	}
	free(copy);
	return n;
fail:
	free(copy);
	X509_NAME_free(n);
	return NULL;
}
