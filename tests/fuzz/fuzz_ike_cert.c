/*
 * fuzz_ike_cert.c - libFuzzer harness for what phase 1 certificate
 * authentication reads from the peer: ID payload bodies (DN text, the
 * match against a certificate's names and against an ipsecPeerIds list),
 * the text forms of identities, and messages whose ID and nonce are RSA
 * ciphertext (IKE_PLD_F_PKE) with CERT payloads decoded as certificates
 * and CRLs and run through the chain check.  The first octet chooses.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike_cert.h"
#include "ike_pld.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ike_pki *pki;

/* A self-signed certificate with names of every ID type, as our own, CA
 * and peer certificate at once. */
static void
make_pki(void)
{
	EVP_PKEY *k = EVP_RSA_gen(1024);
	X509 *x = X509_new();
	X509_NAME *n = X509_get_subject_name(x);
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	unsigned char *cd = NULL, *kd = NULL;
	int cl, kl;
	struct ike_pki_conf pc;
	struct ike_der c;
	char err[128];

	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	                           (const unsigned char *)"f.test", -1, -1, 0);
	X509_set_issuer_name(x, n);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name,
	                        "DNS:f.test,IP:10.0.0.1,email:a@f.test");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	X509_sign(x, k, EVP_sha256());
	cl = i2d_X509(x, &cd);
	kl = i2d_PrivateKey(k, &kd);
	memset(&pc, 0, sizeof(pc));
	c = (struct ike_der){cd, (size_t)cl};
	pc.cert = c;
	pc.key = (struct ike_der){kd, (size_t)kl};
	pc.cas = &c;
	pc.ncas = 1;
	pc.peers = &c;
	pc.npeers = 1;
	pki = ike_pki_new(&pc, err, sizeof(err));
	OPENSSL_free(cd);
	OPENSSL_clear_free(kd, (size_t)kl);
	X509_free(x);
	EVP_PKEY_free(k);
}

static const char list[] = "a.test, CN=x, O=y,10.0.0.1, /O=y/CN=z,u@f.test";

static void
id_body(const uint8_t *d, size_t n)
{
	char text[256];
	int trusted;

	(void)ike_cert_dn_text(d, n, text, sizeof(text));
	(void)ike_cert_id_matches(pki->cert, d, n);
	(void)ike_cert_id_in_list(d, n, list);
	(void)ike_cert_peer_cert(pki, d, n, NULL, NULL, &trusted);
}

static int
item(void *arg, const char *s, size_t n)
{
	uint8_t body[IKE_CERT_ID_MAX];
	size_t len;

	(void)arg;
	if (ike_cert_text_to_id(s, n, pki->cert, body, sizeof(body), &len) == 0)
		id_body(body, len);
	return 0;
}

static void
text(const uint8_t *d, size_t n)
{
	char s[300];

	if (n >= sizeof(s))
		n = sizeof(s) - 1;
	memcpy(s, d, n);
	s[n] = '\0';
	(void)ike_cert_list_each(s, item, NULL);
}

/* What ike_auth.c does with a message's CERT and ID payloads. */
static void
message(const uint8_t *d, size_t n)
{
	struct ike_msg m;
	struct ike_cert c;
	unsigned int i;
	char why[256];

	if (ike_pld_parse_flags(&m, d, n, IKE_PLD_F_PKE) != IKE_PLD_OK)
		return;
	for (i = 0; i < ike_pld_count(&m, IKE_PLD_ID); i++) {
		const struct ike_pld *p = ike_pld_get(&m, IKE_PLD_ID, i);

		id_body(ike_pld_body(&m, p), p->len);
	}
	for (i = 0; i < ike_pld_count(&m, IKE_PLD_CERT); i++) {
		const struct ike_pld *p = ike_pld_get(&m, IKE_PLD_CERT, i);
		const unsigned char *q;
		X509 *x;
		X509_CRL *crl;
		STACK_OF(X509_CRL) * crls;

		if (ike_pld_cert(IKE_PLD_CERT, ike_pld_body(&m, p), p->len,
		                 &c) != IKE_PLD_OK)
			continue;
		q = c.data;
		if (c.encoding == IKE_CERT_X509_SIG &&
		    (x = d2i_X509(NULL, &q, (long)c.len)) != NULL) {
			(void)ike_cert_verify(pki, x, NULL, NULL, why,
			                      sizeof(why));
			X509_free(x);
		} else if (c.encoding == IKE_CERT_CRL &&
		           (crl = d2i_X509_CRL(NULL, &q, (long)c.len)) !=
		               NULL) {
			crls = sk_X509_CRL_new_null();
			sk_X509_CRL_push(crls, crl);
			(void)ike_cert_verify(pki, pki->cert, NULL, crls, why,
			                      sizeof(why));
			sk_X509_CRL_pop_free(crls, X509_CRL_free);
		}
	}
	ERR_clear_error();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (pki == NULL)
		make_pki();
	if (size < 1 || pki == NULL)
		return 0;
	switch (data[0] % 3) {
	case 0:
		id_body(data + 1, size - 1);
		break;
	case 1:
		text(data + 1, size - 1);
		break;
	default:
		message(data + 1, size - 1);
		break;
	}
	return 0;
}
