/*
 * agent_pki.h - certificate and key management (K1-K4): key pairs in
 * files of the state directory, certificates and CRLs in the store,
 * PKCS#10 requests, and the TFTP client that moves them.  Private to
 * agent/.
 *
 * agent_pki.c        start-up, the SET checks and the commit observer
 * agent_pki_key.c    key generation (in the SET or in a worker) and files
 * agent_pki_cert.c   certificate and CRL checks, derived columns, trust
 * agent_pki_req.c    PKCS#10 requests: subject, alternative names, upload
 * agent_pki_codec.c  untrusted bytes to OpenSSL objects and back to text
 * agent_tftp.c       RFC 1350 packets and transfer state, no I/O
 * agent_tftp_io.c    TFTP over UDP: a bounded blocking read, a libevent write
 */
#ifndef IPSECGW_AGENT_PKI_H
#define IPSECGW_AGENT_PKI_H

#include "agent_store.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stddef.h>
#include <stdint.h>

struct event_base;

/* ---- the module (agent_pki.c) ---- */

/*
 * Loads what the rows name (key files, certificates, CRLs), fills their
 * read-only columns, removes key files no row owns and resumes key
 * generations a restart interrupted.  dir is the state directory.
 */
int agent_pki_start(struct agent_store *st, struct event_base *base,
                    const char *dir);
void agent_pki_stop(void);
/* Checks (and completes) the PKI rows of a transaction; RESERVE2. */
enum agent_err agent_pki_check_txn(struct agent_txn *t);
/* Store observer: acts on committed PKI rows. */
void agent_pki_changed(int gid, const struct agent_row *old_row,
                       const struct agent_row *new_row);
/* Re-evaluates time-dependent certificate states before a read. */
void agent_pki_refresh(struct agent_store *st, int gid);

/* DER bytes; keys are wiped when freed. */
struct agent_pki_blob {
	uint8_t *der;
	size_t len;
};

/*
 * What phase 1 signature authentication needs for one own certificate:
 * the certificate, its private key (PKCS#8), the CA certificates and the
 * CRLs of the store.  key_alg is AGENT_E_ipsecKeyAlgorithm_rsa or _dsa.
 */
struct agent_pki_material {
	struct agent_pki_blob cert;
	struct agent_pki_blob key;
	int key_alg;
	struct agent_pki_blob *cas;
	size_t ncas;
	struct agent_pki_blob *crls;
	size_t ncrls;
};

int agent_pki_own_material(int32_t cert_index, struct agent_pki_material *m);
void agent_pki_material_free(struct agent_pki_material *m);

/* ---- shared between the agent_pki_*.c files ---- */

/* The store the module works on and its directory (NULL before start). */
struct agent_store *agent_pki_store(void);
struct event_base *agent_pki_base(void);

/* Context of one row being checked inside a transaction. */
struct agent_pki_row {
	struct agent_txn *t;
	struct agent_txn_row *tr;
	const struct agent_group *g;
	struct agent_row *r; /* the row's image after the transaction */
};

/* Refuses the SET, blaming the varbind that set column pos. */
enum agent_err agent_pki_refuse(const struct agent_pki_row *c, int pos,
                                enum agent_err err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Was column pos written by this transaction (or is the row new)? */
int agent_pki_written(const struct agent_pki_row *c, int pos);
int agent_pki_is_active(const struct agent_row *r, const struct agent_group *g);
void agent_pki_put_str(struct agent_row *r, int pos, const char *s);
void agent_pki_put_int(struct agent_row *r, int pos, int64_t v);
/* Calls fn for every row of gid as it will be after the transaction. */
void agent_pki_each(struct agent_txn *t, int gid,
                    void (*fn)(void *arg, const struct agent_row *r),
                    void *arg);

/* ---- keys (agent_pki_key.c) ---- */

int agent_pki_key_init(const char *dir);
void agent_pki_key_fini(void);
enum agent_err agent_pki_key_check(struct agent_pki_row *c);
/* Second pass of a SET: generates the small keys, writes the key files. */
enum agent_err agent_pki_key_commit_files(struct agent_txn *t);
/* Forgets key files of transactions that never committed. */
void agent_pki_key_sweep_pending(void);
void agent_pki_key_changed(const struct agent_row *old_row,
                           const struct agent_row *new_row);
/* At start: states of the loaded rows, orphan files, resumed jobs. */
void agent_pki_key_load_all(void);
/* The private key of key row index (also one made in this txn), or NULL. */
EVP_PKEY *agent_pki_key_get(int32_t index);

/* ---- certificates and CRLs (agent_pki_cert.c) ---- */

enum agent_err agent_pki_cert_check(struct agent_pki_row *c);
enum agent_err agent_pki_crl_check(struct agent_pki_row *c);
enum agent_err agent_pki_server_check(struct agent_pki_row *c);
/* Recomputes state, CA and no-CRL flags of every certificate row. */
void agent_pki_cert_reevaluate(struct agent_store *st);
/* Fills the read-only columns of loaded certificate and CRL rows. */
void agent_pki_cert_load_all(struct agent_store *st);
X509 *agent_pki_cert_of_row(const struct agent_row *r);

/* ---- requests (agent_pki_req.c) ---- */

enum agent_err agent_pki_req_check(struct agent_pki_row *c);
void agent_pki_req_changed(const struct agent_row *old_row,
                           const struct agent_row *new_row);
void agent_pki_req_load_all(struct agent_store *st);
void agent_pki_req_fini(void);
/* PKCS#10 for key with subject and alternative names (for tests too). */
X509_REQ *agent_pki_req_make(EVP_PKEY *key, const char *subject,
                             const int *alt_types, const char *const *alts,
                             int nalts, char *err, size_t errlen);

/* ---- codec (agent_pki_codec.c): no store, fuzzed ---- */

/* Import formats: the values of ipsecCertImportFormat. */
enum agent_pki_fmt {
	AGENT_PKI_AUTO = 1,
	AGENT_PKI_BASE64 = 2,
	AGENT_PKI_BINARY = 3,
};

X509 *agent_pki_cert_decode(const uint8_t *in, size_t len, int fmt, char *err,
                            size_t errlen);
X509_CRL *agent_pki_crl_decode(const uint8_t *in, size_t len, int fmt,
                               char *err, size_t errlen);
/* A private key in PEM or DER; encrypted keys are refused. */
EVP_PKEY *agent_pki_key_decode(const uint8_t *in, size_t len, char *err,
                               size_t errlen);
/* Canonical PEM text (malloc'd, NUL-terminated) or NULL. */
char *agent_pki_cert_pem(X509 *x, size_t *len);
char *agent_pki_crl_pem(X509_CRL *crl, size_t *len);
/* Text forms for the read-only columns. */
void agent_pki_name_text(const X509_NAME *n, char *buf, size_t len);
void agent_pki_serial_text(const ASN1_INTEGER *s, char *buf, size_t len);
void agent_pki_time_text(const ASN1_TIME *t, char *buf, size_t len);
void agent_pki_altnames_text(X509 *x, char *buf, size_t len);
/* SHA-256 of the public key (SubjectPublicKeyInfo), hex with colons. */
int agent_pki_fingerprint(EVP_PKEY *k, char *buf, size_t len);
/* Parses "CN=gw1,O=Example" or "/CN=gw1/O=Example". */
X509_NAME *agent_pki_name_parse(const char *s, char *err, size_t errlen);
/* Copies OpenSSL's last error reason into err and clears the queue. */
void agent_pki_ssl_error(char *err, size_t errlen, const char *what);

/* ---- TFTP (agent_tftp.c: protocol; agent_tftp_io.c: sockets) ---- */

#define AGENT_TFTP_BLOCK 512

enum agent_tftp_rc {
	AGENT_TFTP_SEND = 1, /* send x->out */
	AGENT_TFTP_IGNORE,   /* nothing to do */
	AGENT_TFTP_DONE,     /* finished (send x->out first if outlen) */
	AGENT_TFTP_FAIL,     /* failed: x->err (send x->out if outlen) */
};

struct agent_tftp {
	int writing;        /* WRQ: we send the data */
	uint16_t block;     /* last block sent (WRQ) or acknowledged (RRQ) */
	const uint8_t *src; /* WRQ: the data (not owned) */
	size_t srclen;
	uint8_t *buf; /* RRQ: what arrived (malloc'd) */
	size_t len;
	size_t max;    /* RRQ: refuse larger files */
	int last_sent; /* WRQ: the final (short) block went out */
	uint8_t out[4 + AGENT_TFTP_BLOCK];
	size_t outlen; /* the packet to (re)send */
	char err[128];
};

/* Prepares a read (RRQ) or write (WRQ) request in x->out. */
int agent_tftp_start(struct agent_tftp *x, int writing, const char *file,
                     const uint8_t *src, size_t srclen, size_t max);
/* Feeds one datagram from the server; says what to do next. */
enum agent_tftp_rc agent_tftp_input(struct agent_tftp *x, const uint8_t *pkt,
                                    size_t len);
void agent_tftp_free(struct agent_tftp *x);

/* "host", "host:port", "[v6]:port"; port defaults to 69. */
int agent_tftp_parse_server(const char *s, char *host, size_t hostlen,
                            uint16_t *port);
/* Reads a file, waiting at most timeout_ms in all. */
int agent_tftp_get(const char *host, uint16_t port, const char *file,
                   size_t max, int timeout_ms, uint8_t **data, size_t *len,
                   char *err, size_t errlen);

struct agent_tftp_job;
typedef void (*agent_tftp_done_fn)(void *arg, int ok, const char *err);
/* Writes data (copied) to the server from the event loop. */
struct agent_tftp_job *agent_tftp_put(struct event_base *base, const char *host,
                                      uint16_t port, const char *file,
                                      const uint8_t *data, size_t len,
                                      agent_tftp_done_fn done, void *arg);
void agent_tftp_cancel(struct agent_tftp_job *j);

#endif
