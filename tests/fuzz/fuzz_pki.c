/*
 * fuzz_pki.c - libFuzzer harness for the certificate, CRL and key import
 * decoder (agent_pki_codec.c).  The first octet chooses what the rest is
 * read as (certificate, CRL, private key or subject name) and the import
 * format; whatever decodes is turned into every text the MIB shows and
 * back into PEM.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent_pki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
cert_texts(X509 *x)
{
	char buf[256];
	size_t len = 0;
	char *pem;

	agent_pki_name_text(X509_get_subject_name(x), buf, sizeof(buf));
	agent_pki_name_text(X509_get_issuer_name(x), buf, sizeof(buf));
	agent_pki_serial_text(X509_get0_serialNumber(x), buf, sizeof(buf));
	agent_pki_time_text(X509_get0_notBefore(x), buf, sizeof(buf));
	agent_pki_time_text(X509_get0_notAfter(x), buf, sizeof(buf));
	agent_pki_altnames_text(x, buf, sizeof(buf));
	if (X509_get0_pubkey(x) != NULL)
		agent_pki_fingerprint(X509_get0_pubkey(x), buf, sizeof(buf));
	pem = agent_pki_cert_pem(x, &len);
	free(pem);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[200], buf[256], *s;
	X509 *x;
	X509_CRL *crl;
	EVP_PKEY *k;
	X509_NAME *n;
	size_t len = 0;
	int fmt;

	if (size < 1)
		return 0;
	fmt = 1 + (data[0] >> 4) % 3;
	switch (data[0] & 3) {
	case 0:
		x = agent_pki_cert_decode(data + 1, size - 1, fmt, err,
		                          sizeof(err));
		if (x != NULL)
			cert_texts(x);
		X509_free(x);
		break;
	case 1:
		crl = agent_pki_crl_decode(data + 1, size - 1, fmt, err,
		                           sizeof(err));
		if (crl != NULL) {
			agent_pki_name_text(X509_CRL_get_issuer(crl), buf,
			                    sizeof(buf));
			s = agent_pki_crl_pem(crl, &len);
			free(s);
		}
		X509_CRL_free(crl);
		break;
	case 2:
		k = agent_pki_key_decode(data + 1, size - 1, err, sizeof(err));
		if (k != NULL)
			agent_pki_fingerprint(k, buf, sizeof(buf));
		EVP_PKEY_free(k);
		break;
	default:
		s = malloc(size);
		if (s == NULL)
			return 0;
		memcpy(s, data + 1, size - 1);
		s[size - 1] = '\0';
		n = agent_pki_name_parse(s, err, sizeof(err));
		if (n != NULL)
			agent_pki_name_text(n, buf, sizeof(buf));
		X509_NAME_free(n);
		free(s);
		break;
	}
	return 0;
}
