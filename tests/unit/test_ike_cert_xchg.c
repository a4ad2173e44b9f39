/*
 * test_ike_cert_xchg.c - two IKE engines in one process, on 127.0.0.1 and
 * 127.0.0.2, authenticating phase 1 with certificates made by the test:
 * RSA and DSS signatures in Main and Aggressive Mode, RSA encryption
 * (with and without the key hash payload), the certificate request
 * settings (no CR: the peer certificate comes from the table; no chains),
 * and the refusals with their reasons: a revoked certificate, a foreign
 * CA, an ID its certificate does not name, a DSA key where RSA was asked.
 * Each case runs phase 1 and a Quick Mode to completion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ike.h"
#include "isakmp.h"
#include "test_ike_pki.h"
#include "test_ike_util.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct side {
	struct ike_engine *e;
	int up;    /* ISAKMP SA established */
	int child; /* IPsec SA pair installed */
	int failed;
	uint8_t auth;
	char reason[256];
	char remote_id[IKE_CONF_STR];
	char local_id[IKE_CONF_STR];
};

static void
on_sa(void *arg, const struct ike_sa_info *in)
{
	struct side *s = arg;

	if (in->state != 2)
		return;
	s->up = 1;
	s->auth = in->auth;
	snprintf(s->remote_id, sizeof(s->remote_id), "%s", in->remote_id);
	snprintf(s->local_id, sizeof(s->local_id), "%s", in->local_id);
}

static void
on_child(void *arg, const struct ike_child_sa *c)
{
	struct side *s = arg;

	(void)c;
	s->child = 1;
}

static void
on_peer(void *arg, int32_t peer, int oper, const char *reason)
{
	struct side *s = arg;

	(void)peer;
	(void)oper;
	if (reason[0] != '\0') {
		s->failed = 1;
		snprintf(s->reason, sizeof(s->reason), "%s", reason);
	}
}

/* The material both sides draw from (made once: DSA parameters take a
 * while). */
struct pki {
	EVP_PKEY *ca_key, *other_key, *a_rsa, *b_rsa, *a_dsa, *b_dsa, *c_rsa;
	X509 *ca, *other_ca, *a_rsa_x, *b_rsa_x, *a_dsa_x, *b_dsa_x, *c_rsa_x;
	X509 *b_foreign_x; /* B's key, certified by another CA */
	X509_CRL *crl;     /* revokes C */
};

static struct pki P;

static int
setup(void **state)
{
	(void)state;
	P.ca_key = tp_rsa(2048);
	P.ca = tp_cert(P.ca_key, "Test CA", NULL, NULL, NULL, 1, -1, 30);
	P.other_key = tp_rsa(1024);
	P.other_ca =
	    tp_cert(P.other_key, "Other CA", NULL, NULL, NULL, 1, -1, 30);
	P.a_rsa = tp_rsa(1024);
	P.b_rsa = tp_rsa(2048);
	P.c_rsa = tp_rsa(1024);
	P.a_dsa = tp_dsa(1024);
	P.b_dsa = tp_dsa(2048);
	P.a_rsa_x = tp_cert(P.a_rsa, "a.test", "DNS:a.test", P.ca, P.ca_key, 10,
	                    -1, 30);
	P.b_rsa_x = tp_cert(P.b_rsa, "b.test", "IP:127.0.0.2,DNS:b.test", P.ca,
	                    P.ca_key, 11, -1, 30);
	P.c_rsa_x = tp_cert(P.c_rsa, "b.test", "IP:127.0.0.2", P.ca, P.ca_key,
	                    12, -1, 30);
	P.a_dsa_x =
	    tp_cert(P.a_dsa, "a-dss.test", NULL, P.ca, P.ca_key, 13, -1, 30);
	P.b_dsa_x = tp_cert(P.b_dsa, "b-dss.test", "email:gw@b.test", P.ca,
	                    P.ca_key, 14, -1, 30);
	P.b_foreign_x = tp_cert(P.b_rsa, "b.test", "IP:127.0.0.2", P.other_ca,
	                        P.other_key, 15, -1, 30);
	P.crl = tp_crl(P.ca, P.ca_key, &P.c_rsa_x, 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(P.ca_key);
	EVP_PKEY_free(P.other_key);
	EVP_PKEY_free(P.a_rsa);
	EVP_PKEY_free(P.b_rsa);
	EVP_PKEY_free(P.c_rsa);
	EVP_PKEY_free(P.a_dsa);
	EVP_PKEY_free(P.b_dsa);
	X509_free(P.ca);
	X509_free(P.other_ca);
	X509_free(P.a_rsa_x);
	X509_free(P.b_rsa_x);
	X509_free(P.c_rsa_x);
	X509_free(P.a_dsa_x);
	X509_free(P.b_dsa_x);
	X509_free(P.b_foreign_x);
	X509_CRL_free(P.crl);
	return 0;
}

/* One side's configuration for a case. */
struct cfg {
	X509 *cert;
	EVP_PKEY *key;
	X509 *peer_cert; /* in the peer certificate table, or NULL */
	int peer_trusted;
	unsigned flags;
	const char *ids;      /* ipsecPeerIds */
	const char *local_id; /* ikeProfileLocalId */
};

static struct ike_pki *
make_pki(const struct cfg *c)
{
	struct tp_der cert = tp_der_x509(c->cert), key = tp_der_key(c->key);
	struct tp_der ca = tp_der_x509(P.ca), crl = tp_der_crl(P.crl);
	struct tp_der peer = {NULL, 0};
	struct ike_der cas = {ca.p, ca.len}, crls = {crl.p, crl.len}, pd;
	uint8_t trusted = (uint8_t)c->peer_trusted;
	struct ike_pki_conf pc;
	struct ike_pki *p;
	char err[160];

	memset(&pc, 0, sizeof(pc));
	pc.cert = (struct ike_der){cert.p, cert.len};
	pc.key = (struct ike_der){key.p, key.len};
	pc.cas = &cas;
	pc.ncas = 1;
	pc.crls = &crls;
	pc.ncrls = 1;
	if (c->peer_cert != NULL) {
		peer = tp_der_x509(c->peer_cert);
		pd = (struct ike_der){peer.p, peer.len};
		pc.peers = &pd;
		pc.trusted = &trusted;
		pc.npeers = 1;
	}
	pc.flags = c->flags;
	p = ike_pki_new(&pc, err, sizeof(err));
	if (p == NULL)
		fail_msg("ike_pki_new: %s", err);
	tp_der_free(&cert);
	tp_der_free(&key);
	tp_der_free(&ca);
	tp_der_free(&crl);
	tp_der_free(&peer);
	return p;
}

static void
peer_conf(struct ike_peer_conf *pc, struct ike_traffic *tr, const char *addr,
          uint16_t auth, uint8_t mode, const struct cfg *c, int local_first)
{
	memset(pc, 0, sizeof(*pc));
	memset(tr, 0, sizeof(*tr));
	pc->index = 1;
	pc->admin = 1;
	snprintf(pc->address, sizeof(pc->address), "%s", addr);
	snprintf(pc->ids, sizeof(pc->ids), "%s", c->ids ? c->ids : "");
	pc->p1.props[0] = (struct ike_p1_prop){7, 128, IKE_HASH_SHA};
	pc->p1.props[1] = (struct ike_p1_prop){7, 256, IKE_HASH_SHA2_256};
	pc->p1.nprops = 2;
	pc->p1.group = 14;
	pc->p1.auth = auth;
	pc->p1.mode = mode;
	pc->p1.heartbeats = IKE_HB_NONE;
	pc->p1.life = (struct ike_lifetime){900, 0, IKE_LIFE_LOOSE};
	snprintf(pc->p1.local_id, sizeof(pc->p1.local_id), "%s",
	         c->local_id ? c->local_id : "");
	tr->index = 10;
	tr->local = (struct ike_sel){
	    IKE_SEL_NET, local_first ? 0x0a010000 : 0x0a020000, 24, 0};
	tr->remote = (struct ike_sel){
	    IKE_SEL_NET, local_first ? 0x0a020000 : 0x0a010000, 24, 0};
	tr->p2.props[0] = (struct ike_p2_prop){3, 12, 128, 2};
	tr->p2.nprops = 1;
	tr->p2.ipcomp = IKE_IPCOMP_NEVER;
	tr->p2.heartbeats = IKE_HB_NONE;
	tr->p2.life = (struct ike_lifetime){900, 0, IKE_LIFE_LOOSE};
	pc->traffic = tr;
	pc->ntraffic = 1;
	pc->pki = auth == IKE_AUTH_PSK ? NULL : make_pki(c);
}

static struct ike_engine *
engine(struct event_base *base, uint32_t addr, uint16_t port, uint16_t natt,
       struct side *s)
{
	static const struct ike_callbacks cb = {.sa_update = on_sa,
	                                        .child_install = on_child,
	                                        .peer_state = on_peer};
	struct ike_global_conf g;
	struct ike_engine *e;

	memset(&g, 0, sizeof(g));
	g.ike_port = port;
	g.natt_port = natt;
	g.max_retries = 2;
	g.retry_ms = 400;
	g.retry_max_s = 1;
	g.max_nego_s = 10;
	g.max_sas = 10;
	g.max_half_open = 10;
	g.max_key_len = 1024;
	e = ike_engine_new(base, &g, addr, port, natt, &cb, s);
	assert_non_null(e);
	return e;
}

/*
 * A (127.0.0.1) initiates to B (127.0.0.2) with auth and mode; runs the
 * loop until both have their IPsec SAs, or one side failed, or 20 s.
 */
static void
run(uint16_t auth, uint8_t mode, const struct cfg *ca, const struct cfg *cb,
    struct side *a, struct side *b)
{
	struct event_base *base = event_base_new();
	uint16_t port = ti_free_port(), natt = ti_free_port();
	struct ike_peer_conf pa, pb;
	struct ike_traffic ta, tb;
	time_t end = time(NULL) + 20;

	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	a->e = engine(base, 0x7f000001, port, natt, a);
	b->e = engine(base, 0x7f000002, port, natt, b);
	peer_conf(&pa, &ta, "127.0.0.2", auth, mode, ca, 1);
	peer_conf(&pb, &tb, "127.0.0.1", auth, mode, cb, 0);
	assert_int_equal(ike_engine_peer_set(a->e, &pa), 0);
	assert_int_equal(ike_engine_peer_set(b->e, &pb), 0);
	ike_pki_unref(pa.pki); /* the engines hold their own references */
	ike_pki_unref(pb.pki);
	ike_engine_initiate(a->e, 1, 0);
	while (!(a->child && b->child) && !a->failed && !b->failed &&
	       time(NULL) < end) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(1000);
	}
	ike_engine_free(a->e);
	ike_engine_free(b->e);
	event_base_free(base);
}

static void
expect_up(const struct side *a, const struct side *b, uint8_t auth)
{
	if (!a->child || !b->child)
		fail_msg("not established: A '%s', B '%s'", a->reason,
		         b->reason);
	assert_int_equal(a->auth, auth);
	assert_int_equal(b->auth, auth);
}

static void
expect_fail(const struct side *a, const struct side *b, const char *want)
{
	if (strstr(a->reason, want) == NULL && strstr(b->reason, want) == NULL)
		fail_msg("wanted '%s': A '%s', B '%s'", want, a->reason,
		         b->reason);
	assert_false(a->child && b->child);
}

static void
rsa_sig_main(void **state)
{
	struct cfg ca = {P.a_rsa_x, P.a_rsa, NULL, 0, 0, NULL, NULL};
	struct cfg cb = {P.b_rsa_x, P.b_rsa, NULL, 0, 0, "a.test", NULL};
	struct side a, b;

	(void)state;
	run(IKE_AUTH_RSA_SIG, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_up(&a, &b, IKE_AUTH_RSA_SIG);
	/* Default IDs: the first alternative name of each certificate. */
	assert_string_equal(a.local_id, "a.test");
	assert_string_equal(a.remote_id, "127.0.0.2");
	assert_string_equal(b.remote_id, "a.test");
}

static void
rsa_sig_aggressive(void **state)
{
	struct cfg ca = {P.a_rsa_x,         P.a_rsa,     NULL, 0,
	                 IKE_PKI_NO_CHAINS, "127.0.0.2", NULL};
	struct cfg cb = {P.b_rsa_x, P.b_rsa, NULL, 0, 0, "a.test", NULL};
	struct side a, b;

	(void)state;
	run(IKE_AUTH_RSA_SIG, IKE_MODE_AGGRESSIVE, &ca, &cb, &a, &b);
	expect_up(&a, &b, IKE_AUTH_RSA_SIG);
}

/* A DN as the local ID, matched against "CN=.., O=.." in B's IDs. */
static void
rsa_sig_dn(void **state)
{
	struct cfg ca = {P.a_rsa_x,          P.a_rsa, NULL, 0, 0, NULL,
	                 "CN=a.test, O=Test"};
	struct cfg cb = {
	    P.b_rsa_x, P.b_rsa, NULL, 0, 0, "x.test, /O=Test/CN=a.test", NULL};
	struct side a, b;

	(void)state;
	run(IKE_AUTH_RSA_SIG, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_up(&a, &b, IKE_AUTH_RSA_SIG);
	assert_string_equal(b.remote_id, "CN=a.test, O=Test");
}

static void
dss_main_and_aggressive(void **state)
{
	struct cfg ca = {P.a_dsa_x, P.a_dsa, NULL, 0, 0, NULL, NULL};
	struct cfg cb = {P.b_dsa_x, P.b_dsa, NULL, 0, 0, NULL, NULL};
	struct side a, b;

	(void)state;
	run(IKE_AUTH_DSS_SIG, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_up(&a, &b, IKE_AUTH_DSS_SIG);
	/* No alternative name: the subject is the ID. */
	assert_string_equal(b.remote_id, "CN=a-dss.test, O=Test");
	assert_string_equal(a.remote_id, "gw@b.test");
	run(IKE_AUTH_DSS_SIG, IKE_MODE_AGGRESSIVE, &ca, &cb, &a, &b);
	expect_up(&a, &b, IKE_AUTH_DSS_SIG);
}

/* Without CR payloads from A, B sends no certificate: A uses its table. */
static void
no_cr_uses_table(void **state)
{
	struct cfg ca = {P.a_rsa_x,     P.a_rsa, P.b_rsa_x, 0,
	                 IKE_PKI_NO_CR, NULL,    NULL};
	struct cfg cb = {P.b_rsa_x, P.b_rsa, NULL, 0, 0, NULL, NULL};
	struct side a, b;

	(void)state;
	run(IKE_AUTH_RSA_SIG, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_up(&a, &b, IKE_AUTH_RSA_SIG);
	/* Without the table entry, A has nothing to check B with. */
	ca.peer_cert = NULL;
	run(IKE_AUTH_RSA_SIG, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_fail(&a, &b, "the peer sent no certificate");
}

static void
rsa_encryption(void **state)
{
	struct cfg ca = {P.a_rsa_x, P.a_rsa, P.b_rsa_x, 0, 0, NULL, NULL};
	struct cfg cb = {P.b_rsa_x, P.b_rsa, P.a_rsa_x, 0, 0, NULL, NULL};
	struct side a, b;

	(void)state;
	run(IKE_AUTH_RSA_ENC, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_up(&a, &b, IKE_AUTH_RSA_ENC);
	assert_string_equal(b.remote_id, "a.test");
	ca.flags = IKE_PKI_NO_KEY_HASH;
	run(IKE_AUTH_RSA_ENC, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_up(&a, &b, IKE_AUTH_RSA_ENC);
	run(IKE_AUTH_RSA_ENC, IKE_MODE_AGGRESSIVE, &ca, &cb, &a, &b);
	expect_up(&a, &b, IKE_AUTH_RSA_ENC);
	/* B does not know A's certificate: it cannot answer. */
	cb.peer_cert = NULL;
	run(IKE_AUTH_RSA_ENC, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_fail(&a, &b, "RSA encryption needs the peer's certificate");
	/* A encrypts to another key than B's. */
	cb.peer_cert = P.a_rsa_x;
	ca.peer_cert = P.c_rsa_x;
	ca.peer_trusted = 1;
	ca.flags = 0;
	run(IKE_AUTH_RSA_ENC, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_fail(&a, &b, "key hash mismatch");
}

static void
refusals(void **state)
{
	struct cfg ca = {P.a_rsa_x, P.a_rsa, NULL, 0, 0, NULL, NULL};
	struct cfg cb = {P.c_rsa_x, P.c_rsa, NULL, 0, 0, NULL, NULL};
	struct side a, b;

	(void)state;
	/* B's certificate is on the CRL. */
	run(IKE_AUTH_RSA_SIG, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_fail(&a, &b, "peer certificate revoked");
	/* B's certificate comes from a CA A does not trust. */
	cb.cert = P.b_foreign_x;
	cb.key = P.b_rsa;
	run(IKE_AUTH_RSA_SIG, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_fail(&a, &b, "not issued by a trusted CA");
	/* ... unless that certificate is in A's table, forced trusted. */
	ca.peer_cert = P.b_foreign_x;
	ca.peer_trusted = 1;
	run(IKE_AUTH_RSA_SIG, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_up(&a, &b, IKE_AUTH_RSA_SIG);
	/* B claims an ID its certificate does not name. */
	ca.peer_cert = NULL;
	cb.cert = P.b_rsa_x;
	cb.local_id = "other.test";
	run(IKE_AUTH_RSA_SIG, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_fail(&a, &b,
	            "peer ID other.test does not match its certificate");
	/* B's ID is not the one A is configured for. */
	cb.local_id = NULL;
	ca.ids = "c.test";
	run(IKE_AUTH_RSA_SIG, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_fail(&a, &b, "is not in ipsecPeerIds");
	/* A DSA certificate where RSA signatures are configured. */
	ca.ids = NULL;
	ca.cert = P.a_dsa_x;
	ca.key = P.a_dsa;
	run(IKE_AUTH_RSA_SIG, IKE_MODE_MAIN, &ca, &cb, &a, &b);
	expect_fail(&a, &b, "the own certificate has a DSA key");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rsa_sig_main),
	    cmocka_unit_test(rsa_sig_aggressive),
	    cmocka_unit_test(rsa_sig_dn),
	    cmocka_unit_test(dss_main_and_aggressive),
	    cmocka_unit_test(no_cr_uses_table),
	    cmocka_unit_test(rsa_encryption),
	    cmocka_unit_test(refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
