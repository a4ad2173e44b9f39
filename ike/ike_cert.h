/*
 * ike_cert.h - X.509 for phase 1: the parsed certificate material of a
 * peer (struct ike_pki, built by ike_pki_new() from what the agent
 * pushes), identities and how they match certificates, CERT and CR
 * payloads, and the check of a peer's chain against the CA certificates
 * and CRLs.  No SA state: ike_auth.c uses these per exchange.  Private to
 * ike/.
 */
#ifndef IPSECGW_IKE_CERT_H
#define IPSECGW_IKE_CERT_H

#include "ike.h"
#include "ike_build.h"
#include "ike_crypto.h"

#include <openssl/x509.h>

#include <stddef.h>
#include <stdint.h>

/* The largest ID payload body we send or keep (type, proto, port, data). */
#define IKE_CERT_ID_MAX (IKE_CONF_STR + 8)

struct ike_pki {
	int refs;
	unsigned flags; /* IKE_PKI_* */
	X509 *cert;     /* ours */
	EVP_PKEY *key;  /* its private key */
	STACK_OF(X509) * cas;
	STACK_OF(X509_CRL) * crls;
	STACK_OF(X509) * peers; /* peer certificates of the table */
	uint8_t *trusted;       /* per peer certificate: flag T */
	STACK_OF(X509) * req;   /* CAs named in our CR payloads */
};

/*
 * An identity as text ("10.0.0.1", "gw.example.net", "user@example.net",
 * "keyid:abc", "CN=gw1, O=Example" or "/O=Example/CN=gw1") to an ID payload
 * body.  x, if given, decides the order of a DN that matches its subject
 * either way.  -1 if it does not fit cap or is not a valid DN.
 */
int ike_cert_text_to_id(const char *s, size_t n, X509 *x, uint8_t *body,
                        size_t cap, size_t *len);
/* Our default identity: the certificate's first subject alternative name
 * that is an IPv4 address, DNS name, e-mail address or DN, else its
 * subject (ID_DER_ASN1_DN). */
int ike_cert_default_id(X509 *x, uint8_t *body, size_t cap, size_t *len);
/* A DER DN as "CN=gw1, O=Example"; -1 if it does not decode. */
int ike_cert_dn_text(const uint8_t *der, size_t len, char *out, size_t n);

/* 1 if the ID payload body names x (subject or alternative name). */
int ike_cert_id_matches(X509 *x, const uint8_t *id, size_t len);
/* 1 if the ID is one of the comma-separated list (ipsecPeerIds); a DN
 * there is written "CN=a, O=b" (adjacent X=Y parts form one DN) or
 * "/O=b/CN=a", and compared as a name, not as text. */
int ike_cert_id_in_list(const uint8_t *id, size_t len, const char *list);
/* Calls fn for each item of such a list; stops when fn returns non-zero. */
int ike_cert_list_each(const char *list,
                       int (*fn)(void *arg, const char *s, size_t n),
                       void *arg);

/*
 * A peer certificate of the table for the peer: the one its ID payload
 * names (id non-NULL), else one naming a configured ID (ids) or, with no
 * IDs, its address.  *trusted says whether flag T is set.  Not a new
 * reference.
 */
X509 *ike_cert_peer_cert(const struct ike_pki *p, const uint8_t *id,
                         size_t idlen, const char *ids, const char *address,
                         int *trusted);

/*
 * Checks leaf's chain against our CA certificates, with untrusted (the
 * peer's other certificates, may be NULL) as intermediates, and revocation
 * against our CRLs and crls (the peer's, may be NULL) when there are any:
 * a CA without a CRL is not checked for revocation.  0 if trusted; else
 * -1 with why ("peer certificate revoked", ...).
 */
int ike_cert_verify(const struct ike_pki *p, X509 *leaf,
                    STACK_OF(X509) * untrusted, STACK_OF(X509_CRL) * crls,
                    char *why, size_t n);

/* CR payloads naming our CAs (one without authority when we have none). */
int ike_cert_add_crs(const struct ike_pki *p, struct ike_buf *b);
/* CERT payloads: our certificate, then (IKE_PKI_NO_CHAINS unset) its CA
 * chain, then (IKE_PKI_NO_CRLS unset) the CRLs of that chain. */
int ike_cert_add_certs(const struct ike_pki *p, struct ike_buf *b);

/* hash(DER of x): the key hash payload of RSA encryption (RFC 2409 5.2). */
int ike_cert_hash(const struct ike_hash_alg *h, X509 *x, uint8_t *out);

#endif
