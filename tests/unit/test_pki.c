/*
 * test_pki.c - the certificate and TFTP code that reads untrusted bytes:
 * certificates, CRLs and keys in every import format (and every truncated
 * prefix of them refused cleanly), subject names, PKCS#10 requests, and
 * the TFTP state machine for reads and writes, including lost packets,
 * foreign blocks, server errors and every truncated prefix of a packet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "agent_pki.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <stdlib.h>
#include <string.h>

/* A self-signed CA certificate and a CRL of it, made in memory. */
struct fixture {
	EVP_PKEY *key;
	X509 *cert;
	X509_CRL *crl;
	unsigned char *der;
	int derlen;
	char *pem;
	size_t pemlen;
};

static EVP_PKEY *
make_key(void)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *k = NULL;

	assert_non_null(ctx);
	assert_true(EVP_PKEY_keygen_init(ctx) > 0);
	assert_true(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 1024) > 0);
	assert_true(EVP_PKEY_generate(ctx, &k) > 0);
	EVP_PKEY_CTX_free(ctx);
	return k;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	X509_NAME *n;
	X509_REVOKED *rev = X509_REVOKED_new();
	ASN1_INTEGER *serial = ASN1_INTEGER_new();
	ASN1_TIME *now = ASN1_TIME_set(NULL, time(NULL));
	char err[100];
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	f->key = make_key();
	f->cert = X509_new();
	X509_set_version(f->cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(f->cert), 0x1234);
	X509_gmtime_adj(X509_getm_notBefore(f->cert), -60);
	X509_gmtime_adj(X509_getm_notAfter(f->cert), 3600);
	n = agent_pki_name_parse("CN=Unit CA,O=Test", err, sizeof(err));
	assert_non_null(n);
	X509_set_subject_name(f->cert, n);
	X509_set_issuer_name(f->cert, n);
	X509_set_pubkey(f->cert, f->key);
	X509V3_set_ctx(&ctx, f->cert, f->cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	                          "critical,CA:TRUE");
	X509_add_ext(f->cert, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name,
	                          "DNS:ca.example.net,IP:192.0.2.1");
	X509_add_ext(f->cert, ext, -1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(f->cert, f->key, EVP_sha256()) > 0);
	f->derlen = i2d_X509(f->cert, &f->der);
	f->pem = agent_pki_cert_pem(f->cert, &f->pemlen);
	f->crl = X509_CRL_new();
	X509_CRL_set_version(f->crl, 1);
	X509_CRL_set_issuer_name(f->crl, n);
	X509_CRL_set1_lastUpdate(f->crl, now);
	ASN1_INTEGER_set(serial, 0x99);
	X509_REVOKED_set_serialNumber(rev, serial);
	X509_REVOKED_set_revocationDate(rev, now);
	X509_CRL_add0_revoked(f->crl, rev);
	assert_true(X509_CRL_sign(f->crl, f->key, EVP_sha256()) > 0);
	ASN1_INTEGER_free(serial);
	ASN1_TIME_free(now);
	X509_NAME_free(n);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	EVP_PKEY_free(f->key);
	X509_free(f->cert);
	X509_CRL_free(f->crl);
	OPENSSL_free(f->der);
	free(f->pem);
	free(f);
	return 0;
}

static void
cert_formats(void **state)
{
	struct fixture *f = *state;
	char err[200], b64[4096], buf[256];
	X509 *x;
	int n;

	/* PEM, DER and base64 DER, detected and as told. */
	x = agent_pki_cert_decode((uint8_t *)f->pem, f->pemlen, AGENT_PKI_AUTO,
	                          err, sizeof(err));
	assert_non_null(x);
	assert_int_equal(X509_cmp(x, f->cert), 0);
	X509_free(x);
	x = agent_pki_cert_decode(f->der, (size_t)f->derlen, AGENT_PKI_AUTO,
	                          err, sizeof(err));
	assert_non_null(x);
	X509_free(x);
	x = agent_pki_cert_decode(f->der, (size_t)f->derlen, AGENT_PKI_BINARY,
	                          err, sizeof(err));
	assert_non_null(x);
	X509_free(x);
	n = EVP_EncodeBlock((unsigned char *)b64, f->der, f->derlen);
	x = agent_pki_cert_decode((uint8_t *)b64, (size_t)n, AGENT_PKI_BASE64,
	                          err, sizeof(err));
	assert_non_null(x);
	X509_free(x);
	x = agent_pki_cert_decode((uint8_t *)b64, (size_t)n, AGENT_PKI_AUTO,
	                          err, sizeof(err));
	assert_non_null(x);
	/* The text the MIB shows. */
	agent_pki_name_text(X509_get_subject_name(x), buf, sizeof(buf));
	assert_string_equal(buf, "CN=Unit CA, O=Test");
	agent_pki_serial_text(X509_get0_serialNumber(x), buf, sizeof(buf));
	assert_string_equal(buf, "1234");
	agent_pki_altnames_text(x, buf, sizeof(buf));
	assert_string_equal(buf, "DNS:ca.example.net, IP:192.0.2.1");
	X509_free(x);
	/* PEM as binary, DER with a byte more, garbage: refused. */
	assert_null(agent_pki_cert_decode((uint8_t *)f->pem, f->pemlen,
	                                  AGENT_PKI_BINARY, err, sizeof(err)));
	assert_null(agent_pki_cert_decode((uint8_t *)"hello, world!", 13,
	                                  AGENT_PKI_AUTO, err, sizeof(err)));
	assert_string_equal(err, "neither PEM, base64 nor DER");
	assert_null(
	    agent_pki_cert_decode(NULL, 0, AGENT_PKI_AUTO, err, sizeof(err)));
}

/* Every truncated prefix of PEM and DER fails cleanly. */
static void
cert_prefixes(void **state)
{
	struct fixture *f = *state;
	char err[200];
	size_t i;

	for (i = 0; i < (size_t)f->derlen; i++)
		assert_null(agent_pki_cert_decode(f->der, i, AGENT_PKI_AUTO,
		                                  err, sizeof(err)));
	/* PEM: the END line is needed, so every cut before it fails. */
	for (i = 0; i + 26 < f->pemlen; i++)
		assert_null(agent_pki_cert_decode(
		    (uint8_t *)f->pem, i, AGENT_PKI_AUTO, err, sizeof(err)));
}

static void
crl_formats(void **state)
{
	struct fixture *f = *state;
	unsigned char *der = NULL;
	int n = i2d_X509_CRL(f->crl, &der), i;
	size_t len = 0;
	char err[200], *pem = agent_pki_crl_pem(f->crl, &len);
	X509_CRL *c;

	c = agent_pki_crl_decode((uint8_t *)pem, len, AGENT_PKI_AUTO, err,
	                         sizeof(err));
	assert_non_null(c);
	assert_int_equal(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(c)), 1);
	assert_int_equal(X509_CRL_verify(c, f->key), 1);
	X509_CRL_free(c);
	c = agent_pki_crl_decode(der, (size_t)n, AGENT_PKI_BINARY, err,
	                         sizeof(err));
	assert_non_null(c);
	X509_CRL_free(c);
	for (i = 0; i < n; i++)
		assert_null(agent_pki_crl_decode(der, (size_t)i, AGENT_PKI_AUTO,
		                                 err, sizeof(err)));
	/* A certificate is not a CRL. */
	assert_null(agent_pki_crl_decode(f->der, (size_t)f->derlen,
	                                 AGENT_PKI_AUTO, err, sizeof(err)));
	OPENSSL_free(der);
	free(pem);
}

static void
key_formats(void **state)
{
	struct fixture *f = *state;
	BIO *b = BIO_new(BIO_s_mem());
	unsigned char *der = NULL;
	int n = i2d_PrivateKey(f->key, &der), i;
	char err[200], *pem;
	long plen;
	EVP_PKEY *k;

	PEM_write_bio_PrivateKey(b, f->key, NULL, NULL, 0, NULL, NULL);
	plen = BIO_get_mem_data(b, &pem);
	k = agent_pki_key_decode((uint8_t *)pem, (size_t)plen, err,
	                         sizeof(err));
	assert_non_null(k);
	assert_int_equal(EVP_PKEY_eq(k, f->key), 1);
	EVP_PKEY_free(k);
	k = agent_pki_key_decode(der, (size_t)n, err, sizeof(err));
	assert_non_null(k);
	EVP_PKEY_free(k);
	for (i = 0; i < n; i++)
		assert_null(
		    agent_pki_key_decode(der, (size_t)i, err, sizeof(err)));
	assert_null(agent_pki_key_decode(
	    (const uint8_t *)"-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38, err,
	    sizeof(err)));
	assert_string_equal(err, "encrypted private keys are not supported");
	OPENSSL_clear_free(der, (size_t)n);
	BIO_free(b);
}

static void
names_and_requests(void **state)
{
	struct fixture *f = *state;
	static const int types[3] = {AGENT_E_ipsecCertReqAltName1Type_ip,
	                             AGENT_E_ipsecCertReqAltName1Type_dns,
	                             AGENT_E_ipsecCertReqAltName1Type_rid};
	static const char *const alts[3] = {"2001:db8::1", "gw.example.net",
	                                    "1.2.3.4"};
	static const int bad_types[1] = {
	    AGENT_E_ipsecCertReqAltName1Type_email};
	static const char *const bad_alts[1] = {"no-at-sign"};
	char err[200], buf[256];
	X509_NAME *n;
	X509_REQ *req;

	n = agent_pki_name_parse("/C=DE/O=Te\\/st/CN=gw", err, sizeof(err));
	assert_non_null(n);
	agent_pki_name_text(n, buf, sizeof(buf));
	assert_string_equal(buf, "CN=gw, O=Te/st, C=DE");
	X509_NAME_free(n);
	n = agent_pki_name_parse("CN=a\\, b,O=X", err, sizeof(err));
	assert_non_null(n);
	agent_pki_name_text(n, buf, sizeof(buf));
	assert_string_equal(buf, "CN=a\\, b, O=X");
	X509_NAME_free(n);
	assert_null(agent_pki_name_parse("nonsense", err, sizeof(err)));
	assert_null(agent_pki_name_parse("XX=1", err, sizeof(err)));
	assert_null(agent_pki_name_parse("", err, sizeof(err)));
	req = agent_pki_req_make(f->key, "CN=gw", types, alts, 3, err,
	                         sizeof(err));
	assert_non_null(req);
	assert_int_equal(X509_REQ_verify(req, f->key), 1);
	X509_REQ_free(req);
	assert_null(agent_pki_req_make(f->key, "CN=gw", bad_types, bad_alts, 1,
	                               err, sizeof(err)));
	assert_non_null(strstr(err, "not a valid e-mail address"));
}

/* ---- TFTP ---- */

static size_t
pkt(uint8_t *p, int op, int block, const void *data, size_t len)
{
	p[0] = 0;
	p[1] = (uint8_t)op;
	p[2] = (uint8_t)(block >> 8);
	p[3] = (uint8_t)block;
	if (len > 0)
		memcpy(p + 4, data, len);
	return 4 + len;
}

static void
tftp_read(void **state)
{
	struct agent_tftp x;
	uint8_t p[600], data[700];
	size_t n;

	(void)state;
	memset(data, 'a', sizeof(data));
	assert_int_equal(agent_tftp_start(&x, 0, "f.pem", NULL, 0, 1000), 0);
	assert_memory_equal(x.out, "\0\1f.pem\0octet\0", 14);
	n = pkt(p, 3, 1, data, 512);
	assert_int_equal(agent_tftp_input(&x, p, n), AGENT_TFTP_SEND);
	assert_memory_equal(x.out, "\0\4\0\1", 4);
	/* The same block again (our ACK was lost): ACK again, keep once. */
	assert_int_equal(agent_tftp_input(&x, p, n), AGENT_TFTP_SEND);
	assert_int_equal(x.len, 512);
	/* A block from the future is ignored. */
	n = pkt(p, 3, 5, data, 10);
	assert_int_equal(agent_tftp_input(&x, p, n), AGENT_TFTP_IGNORE);
	n = pkt(p, 3, 2, data, 100);
	assert_int_equal(agent_tftp_input(&x, p, n), AGENT_TFTP_DONE);
	assert_int_equal(x.len, 612);
	agent_tftp_free(&x);
	/* Too large, and the server's error. */
	assert_int_equal(agent_tftp_start(&x, 0, "f", NULL, 0, 600), 0);
	n = pkt(p, 3, 1, data, 512);
	assert_int_equal(agent_tftp_input(&x, p, n), AGENT_TFTP_SEND);
	n = pkt(p, 3, 2, data, 512);
	assert_int_equal(agent_tftp_input(&x, p, n), AGENT_TFTP_FAIL);
	assert_memory_equal(x.out, "\0\5\0\3", 4);
	agent_tftp_free(&x);
	assert_int_equal(agent_tftp_start(&x, 0, "f", NULL, 0, 600), 0);
	n = pkt(p, 5, 1, "File not found", 15);
	assert_int_equal(agent_tftp_input(&x, p, n), AGENT_TFTP_FAIL);
	assert_string_equal(x.err, "TFTP server error 1: File not found");
	agent_tftp_free(&x);
	assert_int_equal(agent_tftp_start(&x, 0, "", NULL, 0, 600), -1);
}

static void
tftp_write(void **state)
{
	struct agent_tftp x;
	uint8_t p[8], data[1024];

	(void)state;
	memset(data, 'b', sizeof(data));
	/* 1024 bytes: two full blocks and an empty third one. */
	assert_int_equal(agent_tftp_start(&x, 1, "req.pem", data, 1024, 0), 0);
	assert_memory_equal(x.out, "\0\2req.pem\0octet\0", 16);
	assert_int_equal(agent_tftp_input(&x, p, pkt(p, 4, 0, NULL, 0)),
	                 AGENT_TFTP_SEND);
	assert_int_equal(x.outlen, 516);
	assert_int_equal(agent_tftp_input(&x, p, pkt(p, 4, 0, NULL, 0)),
	                 AGENT_TFTP_IGNORE); /* duplicate ACK */
	assert_int_equal(agent_tftp_input(&x, p, pkt(p, 4, 1, NULL, 0)),
	                 AGENT_TFTP_SEND);
	assert_int_equal(agent_tftp_input(&x, p, pkt(p, 4, 2, NULL, 0)),
	                 AGENT_TFTP_SEND);
	assert_int_equal(x.outlen, 4);
	assert_int_equal(agent_tftp_input(&x, p, pkt(p, 4, 3, NULL, 0)),
	                 AGENT_TFTP_DONE);
	agent_tftp_free(&x);
}

/* Every truncated prefix of every packet kind: nothing breaks. */
static void
tftp_prefixes(void **state)
{
	struct agent_tftp x;
	uint8_t p[600], data[512];
	size_t n, i;
	int op, w;

	(void)state;
	memset(data, 'c', sizeof(data));
	for (w = 0; w < 2; w++)
		for (op = 1; op <= 6; op++) {
			n = pkt(p, op, 1, data, op == 5 ? 20 : 512);
			for (i = 0; i < n; i++) {
				enum agent_tftp_rc rc;

				agent_tftp_start(&x, w, "f", data, 100, 4096);
				rc = agent_tftp_input(&x, p, i);
				assert_true(rc >= AGENT_TFTP_SEND &&
				            rc <= AGENT_TFTP_FAIL);
				assert_true(x.outlen <= sizeof(x.out));
				agent_tftp_free(&x);
			}
		}
}

static void
tftp_servers(void **state)
{
	char host[64];
	uint16_t port;

	(void)state;
	assert_int_equal(
	    agent_tftp_parse_server("10.0.0.1", host, sizeof(host), &port), 0);
	assert_string_equal(host, "10.0.0.1");
	assert_int_equal(port, 69);
	assert_int_equal(agent_tftp_parse_server("tftp.example.net:6969", host,
	                                         sizeof(host), &port),
	                 0);
	assert_string_equal(host, "tftp.example.net");
	assert_int_equal(port, 6969);
	assert_int_equal(agent_tftp_parse_server("[2001:db8::1]:70", host,
	                                         sizeof(host), &port),
	                 0);
	assert_string_equal(host, "2001:db8::1");
	assert_int_equal(port, 70);
	assert_int_equal(
	    agent_tftp_parse_server("2001:db8::1", host, sizeof(host), &port),
	    0);
	assert_int_equal(
	    agent_tftp_parse_server("h:0", host, sizeof(host), &port), -1);
	assert_int_equal(
	    agent_tftp_parse_server(":69", host, sizeof(host), &port), -1);
	assert_int_equal(
	    agent_tftp_parse_server("h:x", host, sizeof(host), &port), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cert_formats),
	    cmocka_unit_test(cert_prefixes),
	    cmocka_unit_test(crl_formats),
	    cmocka_unit_test(key_formats),
	    cmocka_unit_test(names_and_requests),
	    cmocka_unit_test(tftp_read),
	    cmocka_unit_test(tftp_write),
	    cmocka_unit_test(tftp_prefixes),
	    cmocka_unit_test(tftp_servers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
