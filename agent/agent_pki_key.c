/*
 * agent_pki_key.c - key pairs (K1).  The private key lives only in
 * STATE/pki/key-N.pem (PKCS#8, mode 0600); the row holds its parameters,
 * and ipsecKeyImport is emptied before the transaction is journaled, so no
 * key reaches state.conf, the log or an SNMP read.
 *
 * Ordering: a key made or imported by a SET is written (temporary file,
 * fsync, rename, directory fsync) before the journal commits the row, so
 * an acknowledged key always has its file.  A file whose SET never
 * committed is removed before the next SET and at start.  Keys up to 2048
 * bits are generated inside the SET; larger ones in a worker thread after
 * the commit (ipsecKeyState generating, then ready), and a restart resumes
 * a generation the crash interrupted (the row is there, the file is not).
 */
#include "agent_pki.h"

#include "common.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SYNC_MAX_BITS 2048

/* A key made or imported by the transaction being checked. */
struct txkey {
	int32_t index;
	EVP_PKEY *k; /* NULL: to be generated in the second pass */
};

/* A generation for the worker thread. */
struct job {
	int32_t index;
	int alg;
	int bits;
	unsigned long e;
	int cancelled;
	EVP_PKEY *result;
	struct job *next;
};

static char *key_dir;
static struct txkey *txkeys;
static size_t ntxkeys;
static struct job *queue;
static struct job *running;
static pthread_t worker;
static int wake[2] = {-1, -1};
static struct event *wake_ev;

static void
key_path(int32_t index, char *buf, size_t len)
{
	snprintf(buf, len, "%s/key-%d.pem", key_dir, (int)index);
}

/* RSA with exponent e, or DSA with FIPS 186-4 domain parameters. */
static EVP_PKEY *
generate(int alg, int bits, unsigned long e)
{
	EVP_PKEY_CTX *ctx = NULL, *kctx = NULL;
	EVP_PKEY *params = NULL, *k = NULL;
	BIGNUM *bn = NULL;

	if (alg == AGENT_E_ipsecKeyAlgorithm_rsa) {
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
		bn = BN_new();
		if (ctx == NULL || bn == NULL || BN_set_word(bn, e) != 1 ||
		    EVP_PKEY_keygen_init(ctx) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) <= 0 ||
		    EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, bn) <= 0 ||
		    EVP_PKEY_generate(ctx, &k) <= 0)
			k = NULL;
	} else {
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL);
		if (ctx != NULL && EVP_PKEY_paramgen_init(ctx) > 0 &&
		    EVP_PKEY_CTX_set_dsa_paramgen_bits(ctx, bits) > 0 &&
		    EVP_PKEY_CTX_set_dsa_paramgen_q_bits(
		        ctx, bits >= 2048 ? 256 : 160) > 0 &&
		    EVP_PKEY_paramgen(ctx, &params) > 0)
			kctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
		if (kctx == NULL || EVP_PKEY_keygen_init(kctx) <= 0 ||
		    EVP_PKEY_generate(kctx, &k) <= 0)
			k = NULL;
	}
	BN_free(bn);
	EVP_PKEY_free(params);
	EVP_PKEY_CTX_free(kctx);
	EVP_PKEY_CTX_free(ctx);
	return k;
}

/* Writes the key durably with mode 0600; the PEM never leaves secmem. */
static int
write_key(int32_t index, EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_secmem());
	char path[4096], *data;
	long n;
	int rc = -1;

	key_path(index, path, sizeof(path));
	if (b != NULL &&
	    PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) == 1 &&
	    (n = BIO_get_mem_data(b, &data)) > 0)
		rc = gw_file_replace(path, data, (size_t)n, 0600);
	if (rc < 0)
		gw_err("%s: cannot write %s: %s", __func__, path,
		       strerror(errno));
	BIO_free(b);
	return rc;
}

static EVP_PKEY *
read_key(int32_t index)
{
	char path[4096];
	EVP_PKEY *k = NULL;
	FILE *f;

	key_path(index, path, sizeof(path));
	f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return k;
}

/* Algorithm, length, exponent and fingerprint of a ready key. */
static void
set_ready(struct agent_row *r, EVP_PKEY *k)
{
	char fp[128] = "";
	BIGNUM *e = NULL;

	agent_pki_put_int(r, AGENT_C_ipsecKeyAlgorithm,
	                  EVP_PKEY_get_base_id(k) == EVP_PKEY_DSA
	                      ? AGENT_E_ipsecKeyAlgorithm_dsa
	                      : AGENT_E_ipsecKeyAlgorithm_rsa);
	agent_pki_put_int(r, AGENT_C_ipsecKeyLength, EVP_PKEY_get_bits(k));
	if (EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e) == 1 &&
	    BN_num_bits(e) <= 32)
		agent_pki_put_int(r, AGENT_C_ipsecKeyPublicExponent,
		                  (int64_t)BN_get_word(e));
	BN_free(e);
	agent_pki_fingerprint(k, fp, sizeof(fp));
	agent_pki_put_str(r, AGENT_C_ipsecKeyFingerprint, fp);
	agent_pki_put_int(r, AGENT_C_ipsecKeyState,
	                  AGENT_E_ipsecKeyState_ready);
}

static int
sync_size(int64_t alg, int64_t bits)
{
	(void)alg;
	return bits <= SYNC_MAX_BITS;
}

static int
txkey_add(int32_t index, EVP_PKEY *k)
{
	struct txkey *n = realloc(txkeys, (ntxkeys + 1) * sizeof(*n));

	if (n == NULL)
		return -1;
	txkeys = n;
	txkeys[ntxkeys].index = index;
	txkeys[ntxkeys++].k = k;
	return 0;
}

static struct txkey *
txkey_find(int32_t index)
{
	size_t i;

	for (i = 0; i < ntxkeys; i++)
		if (txkeys[i].index == index)
			return &txkeys[i];
	return NULL;
}

/* An imported key: its parameters replace what the SET said. */
static enum agent_err
check_import(struct agent_pki_row *c)
{
	struct agent_val *v = &c->r->v[AGENT_C_ipsecKeyImport];
	char err[160];
	EVP_PKEY *k = agent_pki_key_decode(v->s, v->len, err, sizeof(err));
	int id, bits;

	/* The key bytes leave the row now: nothing journals them. */
	OPENSSL_cleanse(v->s, v->len);
	agent_val_set_str(v, "", 0);
	if (k == NULL)
		return agent_pki_refuse(c, AGENT_C_ipsecKeyImport,
		                        AGENT_ERR_WRONGVALUE, "%s", err);
	id = EVP_PKEY_get_base_id(k);
	bits = EVP_PKEY_get_bits(k);
	if ((id != EVP_PKEY_RSA && id != EVP_PKEY_DSA) || bits < 512 ||
	    bits > 4096) {
		EVP_PKEY_free(k);
		return agent_pki_refuse(c, AGENT_C_ipsecKeyImport,
		                        AGENT_ERR_WRONGVALUE,
		                        "only RSA and DSA keys of 512 to 4096 "
		                        "bits can be imported");
	}
	if ((c->tr->vb[AGENT_C_ipsecKeyAlgorithm] >= 0 &&
	     c->r->v[AGENT_C_ipsecKeyAlgorithm].i !=
	         (id == EVP_PKEY_DSA ? AGENT_E_ipsecKeyAlgorithm_dsa
	                             : AGENT_E_ipsecKeyAlgorithm_rsa)) ||
	    (c->tr->vb[AGENT_C_ipsecKeyLength] >= 0 &&
	     c->r->v[AGENT_C_ipsecKeyLength].i != bits)) {
		EVP_PKEY_free(k);
		return agent_pki_refuse(c, AGENT_C_ipsecKeyImport,
		                        AGENT_ERR_INCONSISTENTVALUE,
		                        "the imported key is not what "
		                        "ipsecKeyAlgorithm/ipsecKeyLength say");
	}
	set_ready(c->r, k);
	if (txkey_add(c->r->index, k) < 0) {
		EVP_PKEY_free(k);
		return AGENT_ERR_RESOURCEUNAVAILABLE;
	}
	return AGENT_OK;
}

static enum agent_err
check_new(struct agent_pki_row *c)
{
	int64_t alg = c->r->v[AGENT_C_ipsecKeyAlgorithm].i;
	int64_t bits = c->r->v[AGENT_C_ipsecKeyLength].i;

	if (c->r->v[AGENT_C_ipsecKeyImport].len > 0)
		return check_import(c);
	if (alg == AGENT_E_ipsecKeyAlgorithm_rsa &&
	    c->r->v[AGENT_C_ipsecKeyPublicExponent].i % 2 == 0)
		return agent_pki_refuse(c, AGENT_C_ipsecKeyPublicExponent,
		                        AGENT_ERR_WRONGVALUE,
		                        "an RSA public exponent is odd");
	if (alg == AGENT_E_ipsecKeyAlgorithm_dsa && bits != 1024 &&
	    bits != 2048 && bits != 3072)
		return agent_pki_refuse(
		    c, AGENT_C_ipsecKeyLength, AGENT_ERR_INCONSISTENTVALUE,
		    "DSA keys have 1024, 2048 or 3072 bits");
	agent_pki_put_str(c->r, AGENT_C_ipsecKeyFingerprint, "");
	agent_pki_put_int(c->r, AGENT_C_ipsecKeyState,
	                  AGENT_E_ipsecKeyState_generating);
	if (sync_size(alg, bits) && txkey_add(c->r->index, NULL) < 0)
		return AGENT_ERR_RESOURCEUNAVAILABLE;
	return AGENT_OK;
}

enum agent_err
agent_pki_key_check(struct agent_pki_row *c)
{
	static const int fixed[] = {AGENT_C_ipsecKeyAlgorithm,
	                            AGENT_C_ipsecKeyLength,
	                            AGENT_C_ipsecKeyPublicExponent};
	const struct agent_row *o = c->tr->old_row;
	size_t i;

	if (o == NULL)
		return check_new(c);
	if (c->r->v[AGENT_C_ipsecKeyImport].len > 0) {
		OPENSSL_cleanse(c->r->v[AGENT_C_ipsecKeyImport].s,
		                c->r->v[AGENT_C_ipsecKeyImport].len);
		agent_val_set_str(&c->r->v[AGENT_C_ipsecKeyImport], "", 0);
		return agent_pki_refuse(c, AGENT_C_ipsecKeyImport,
		                        AGENT_ERR_INCONSISTENTVALUE,
		                        "a key cannot be replaced; create a "
		                        "new row");
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (c->r->v[fixed[i]].i != o->v[fixed[i]].i)
			return agent_pki_refuse(
			    c, fixed[i], AGENT_ERR_INCONSISTENTVALUE,
			    "an existing key cannot be changed; create a new "
			    "one");
	return AGENT_OK;
}

static struct agent_txn_row *
txn_key_row(struct agent_txn *t, int32_t index)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i].gid == AGENT_G_ipsecKeyTable &&
		    t->rows[i].index == index)
			return &t->rows[i];
	return NULL;
}

enum agent_err
agent_pki_key_commit_files(struct agent_txn *t)
{
	size_t i;

	for (i = 0; i < ntxkeys; i++) {
		struct agent_txn_row *tr = txn_key_row(t, txkeys[i].index);
		struct agent_pki_row c;

		if (tr == NULL || tr->new_row == NULL)
			continue;
		c = (struct agent_pki_row){
		    t, tr, &agent_mib_groups[AGENT_G_ipsecKeyTable],
		    tr->new_row};
		if (txkeys[i].k == NULL) {
			txkeys[i].k =
			    generate((int)c.r->v[AGENT_C_ipsecKeyAlgorithm].i,
			             (int)c.r->v[AGENT_C_ipsecKeyLength].i,
			             (unsigned long)c.r
			                 ->v[AGENT_C_ipsecKeyPublicExponent]
			                 .i);
			if (txkeys[i].k == NULL) {
				char err[160];

				agent_pki_ssl_error(err, sizeof(err),
				                    "key generation failed");
				return agent_pki_refuse(
				    &c, AGENT_C_ipsecKeyLength,
				    AGENT_ERR_WRONGVALUE, "%s", err);
			}
			set_ready(c.r, txkeys[i].k);
		}
		if (write_key(txkeys[i].index, txkeys[i].k) < 0)
			return agent_pki_refuse(&c, -1,
			                        AGENT_ERR_RESOURCEUNAVAILABLE,
			                        "cannot write the key file");
	}
	return AGENT_OK;
}

void
agent_pki_key_sweep_pending(void)
{
	struct agent_store *st = agent_pki_store();
	char path[4096];
	size_t i;

	for (i = 0; i < ntxkeys; i++) {
		if (st != NULL && agent_store_get(st, AGENT_G_ipsecKeyTable,
		                                  txkeys[i].index) == NULL) {
			key_path(txkeys[i].index, path, sizeof(path));
			if (unlink(path) == 0)
				gw_dir_sync(path);
		}
		EVP_PKEY_free(txkeys[i].k);
	}
	free(txkeys);
	txkeys = NULL;
	ntxkeys = 0;
}

EVP_PKEY *
agent_pki_key_get(int32_t index)
{
	struct txkey *tk = txkey_find(index);

	if (tk != NULL && tk->k != NULL) {
		EVP_PKEY_up_ref(tk->k);
		return tk->k;
	}
	return key_dir != NULL ? read_key(index) : NULL;
}

/* ---- the worker for large keys ---- */

static void *
worker_main(void *arg)
{
	struct job *j = arg;
	char c = 1;

	j->result = generate(j->alg, j->bits, j->e);
	if (write(wake[1], &c, 1) < 0)
		return NULL;
	return NULL;
}

static void
start_next(void)
{
	if (running != NULL || queue == NULL)
		return;
	running = queue;
	queue = queue->next;
	if (pthread_create(&worker, NULL, worker_main, running) != 0) {
		gw_err("%s: cannot start the key generation thread", __func__);
		free(running);
		running = NULL;
	}
}

/* A generation finished: file first, then the row says ready. */
static void
job_done(evutil_socket_t fd, short what, void *arg)
{
	struct agent_store *st = agent_pki_store();
	struct job *j = running;
	struct agent_row *r;
	char c;

	(void)what;
	(void)arg;
	if (read(fd, &c, 1) != 1 || j == NULL)
		return;
	pthread_join(worker, NULL);
	running = NULL;
	r = j->cancelled || st == NULL
	        ? NULL
	        : agent_store_get(st, AGENT_G_ipsecKeyTable, j->index);
	if (r != NULL && j->result != NULL &&
	    write_key(j->index, j->result) == 0) {
		set_ready(r, j->result);
		gw_notice("key %d: %d-bit %s key ready", (int)j->index, j->bits,
		          j->alg == AGENT_E_ipsecKeyAlgorithm_dsa ? "DSA"
		                                                  : "RSA");
	} else if (r != NULL) {
		agent_pki_put_int(r, AGENT_C_ipsecKeyState,
		                  AGENT_E_ipsecKeyState_failed);
		gw_err("key %d: generation failed", (int)j->index);
	}
	EVP_PKEY_free(j->result);
	free(j);
	start_next();
}

static void
enqueue(const struct agent_row *r)
{
	struct job *j = calloc(1, sizeof(*j)), **pp;

	if (j == NULL || wake_ev == NULL) {
		free(j);
		return;
	}
	j->index = r->index;
	j->alg = (int)r->v[AGENT_C_ipsecKeyAlgorithm].i;
	j->bits = (int)r->v[AGENT_C_ipsecKeyLength].i;
	j->e = (unsigned long)r->v[AGENT_C_ipsecKeyPublicExponent].i;
	for (pp = &queue; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = j;
	start_next();
}

static void
cancel_jobs(int32_t index)
{
	struct job **pp = &queue, *j;

	if (running != NULL && running->index == index)
		running->cancelled = 1;
	while ((j = *pp) != NULL) {
		if (j->index == index) {
			*pp = j->next;
			free(j);
		} else {
			pp = &j->next;
		}
	}
}

void
agent_pki_key_changed(const struct agent_row *old_row,
                      const struct agent_row *new_row)
{
	char path[4096];

	if (new_row == NULL && old_row != NULL) {
		cancel_jobs(old_row->index);
		key_path(old_row->index, path, sizeof(path));
		if (unlink(path) == 0)
			gw_dir_sync(path);
		gw_notice("key %d deleted", (int)old_row->index);
		return;
	}
	if (old_row == NULL && new_row != NULL &&
	    new_row->v[AGENT_C_ipsecKeyState].i ==
	        AGENT_E_ipsecKeyState_generating)
		enqueue(new_row);
}

/* Key files that no row owns, and temporary files of a crash. */
static void
sweep_orphans(struct agent_store *st)
{
	DIR *d = opendir(key_dir);
	struct dirent *e;
	char path[4096];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		int idx = 0, n = 0;

		if (e->d_name[0] == '.')
			continue;
		if (sscanf(e->d_name, "key-%d.pem%n", &idx, &n) == 1 &&
		    e->d_name[n] == '\0' &&
		    agent_store_get(st, AGENT_G_ipsecKeyTable, idx) != NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", key_dir, e->d_name);
		if (unlink(path) == 0)
			gw_info("removed %s: no key row owns it", path);
	}
	closedir(d);
	gw_dir_sync(key_dir);
}

void
agent_pki_key_load_all(void)
{
	struct agent_store *st = agent_pki_store();
	struct agent_table *t = agent_store_table(st, AGENT_G_ipsecKeyTable);
	size_t i;

	sweep_orphans(st);
	for (i = 0; i < t->n; i++) {
		struct agent_row *r = t->rows[i];
		EVP_PKEY *k = read_key(r->index);

		if (k != NULL) {
			set_ready(r, k);
			EVP_PKEY_free(k);
			continue;
		}
		agent_pki_put_int(r, AGENT_C_ipsecKeyState,
		                  AGENT_E_ipsecKeyState_generating);
		gw_notice("key %d: no key file yet, generating it",
		          (int)r->index);
		enqueue(r);
	}
}

int
agent_pki_key_init(const char *dir)
{
	size_t n = strlen(dir) + 8;

	key_dir = malloc(n);
	if (key_dir == NULL)
		return -1;
	snprintf(key_dir, n, "%s/pki", dir);
	if (mkdir(key_dir, 0700) < 0 && errno != EEXIST) {
		gw_err("%s: %s", key_dir, strerror(errno));
		goto fail;
	}
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0)
		goto fail;
	wake_ev = event_new(agent_pki_base(), wake[0], EV_READ | EV_PERSIST,
	                    job_done, NULL);
	if (wake_ev == NULL || event_add(wake_ev, NULL) < 0)
		goto fail;
	return 0;
fail:
	agent_pki_key_fini();
	return -1;
}

void
agent_pki_key_fini(void)
{
	struct job *j;

	if (running != NULL) {
		pthread_join(worker, NULL);
		EVP_PKEY_free(running->result);
		free(running);
		running = NULL;
	}
	while ((j = queue) != NULL) {
		queue = j->next;
		free(j);
	}
	if (wake_ev != NULL)
		event_free(wake_ev);
	wake_ev = NULL;
	for (int i = 0; i < 2; i++)
		if (wake[i] >= 0)
			close(wake[i]);
	wake[0] = wake[1] = -1;
	agent_pki_key_sweep_pending();
	free(key_dir);
	key_dir = NULL;
}
