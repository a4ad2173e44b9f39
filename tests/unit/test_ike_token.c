/*
 * test_ike_token.c - the IPSec callback token in IKE: the vendor ID codec
 * (prefix = MD5 of its name, round trip, every truncated prefix, wrong
 * lengths, two disagreeing tokens, whole messages cut short), and two
 * engines in one process on 127.0.0.1 (A) and 127.0.0.2 (B): B answers a
 * callback with Main Mode carrying A's token, A knows no address for B
 * and finds it by the token; a refused token gives A no SA; without a
 * token_check hook the token is ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ike.h"
#include "ike_build.h"
#include "ike_pld.h"
#include "ike_token.h"
#include "test_ike_util.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const uint8_t tok8[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

static void
prefix_is_md5_of_its_name(void **state)
{
	static const char name[] = "ipsecgw IPSec callback token 1";
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	(void)state;
	assert_int_equal(
	    EVP_Digest(name, strlen(name), md, &n, EVP_md5(), NULL), 1);
	assert_int_equal(n, IKE_TOKEN_PREFIX_LEN);
	assert_memory_equal(md, IKE_TOKEN_PREFIX, IKE_TOKEN_PREFIX_LEN);
}

static void
vid_round_trip(void **state)
{
	uint8_t vid[IKE_TOKEN_VID_MAX], big[IKE_CB_TOKEN_MAX + 1] = {0};
	const uint8_t *t = NULL;
	size_t tlen = 0;
	int n;

	(void)state;
	n = ike_token_vid_build(tok8, sizeof(tok8), vid, sizeof(vid));
	assert_int_equal(n, 24);
	assert_memory_equal(vid, IKE_TOKEN_PREFIX, 16);
	assert_int_equal(ike_token_vid_parse(vid, (size_t)n, &t, &tlen),
	                 IKE_TOKEN_FOUND);
	assert_int_equal(tlen, 8);
	assert_memory_equal(t, tok8, 8);
	/* token lengths outside 8..16 are neither built nor taken */
	assert_int_equal(ike_token_vid_build(tok8, 7, vid, sizeof(vid)), -1);
	assert_int_equal(
	    ike_token_vid_build(big, sizeof(big), vid, sizeof(vid) + 1), -1);
	assert_int_equal(ike_token_vid_build(tok8, 8, vid, 23), -1);
	assert_int_equal(
	    ike_token_vid_build(big, IKE_CB_TOKEN_MAX, vid, sizeof(vid)), 32);
	assert_int_equal(ike_token_vid_parse(vid, 32, &t, &tlen),
	                 IKE_TOKEN_FOUND);
	assert_int_equal(tlen, 16);
	/* another vendor's ID is not ours */
	assert_int_equal(ike_token_vid_parse((const uint8_t *)IKE_VID_RFC3947,
	                                     IKE_VID_LEN, &t, &tlen),
	                 IKE_TOKEN_NONE);
	vid[3] ^= 1;
	assert_int_equal(ike_token_vid_parse(vid, 24, &t, &tlen),
	                 IKE_TOKEN_NONE);
}

/* Every truncated prefix of a valid body: never a token. */
static void
vid_truncated(void **state)
{
	uint8_t vid[IKE_TOKEN_VID_MAX];
	const uint8_t *t;
	size_t len, tlen;
	int n = ike_token_vid_build(tok8, 8, vid, sizeof(vid));

	(void)state;
	for (len = 0; len < (size_t)n; len++) {
		enum ike_token_res r = ike_token_vid_parse(vid, len, &t, &tlen);

		assert_int_equal(r, len < IKE_TOKEN_PREFIX_LEN ? IKE_TOKEN_NONE
		                                               : IKE_TOKEN_BAD);
	}
	assert_int_equal(ike_token_vid_parse(NULL, 0, &t, &tlen),
	                 IKE_TOKEN_NONE);
}

/* HDR, VID(NAT-T), token VIDs...: a Main Mode message 1 without SA. */
static void
build_msg(struct ike_buf *b, const uint8_t *t1, const uint8_t *t2)
{
	static const uint8_t icky[8] = {1, 2, 3, 4, 5, 6, 7, 8}, rcky[8];

	ike_buf_init(b);
	ike_build_header(b, icky, rcky, IKE_XCHG_IDPROT, 0, 0);
	ike_build_vid(b, IKE_VID_RFC3947, IKE_VID_LEN);
	if (t1 != NULL)
		ike_token_add(b, t1, 8);
	if (t2 != NULL)
		ike_token_add(b, t2, 8);
	assert_int_equal(ike_build_finish(b), 0);
}

static void
find_in_message(void **state)
{
	static const uint8_t other[8] = {9, 9, 9, 9, 9, 9, 9, 9};
	struct ike_buf b;
	struct ike_msg m;
	uint8_t t[IKE_CB_TOKEN_MAX];
	size_t tlen = 0, len;

	(void)state;
	build_msg(&b, NULL, NULL);
	assert_int_equal(ike_pld_parse(&m, b.data, b.len), IKE_PLD_OK);
	assert_int_equal(ike_token_find(&m, t, &tlen), IKE_TOKEN_NONE);
	ike_buf_free(&b);

	build_msg(&b, tok8, tok8); /* the same token twice is one token */
	assert_int_equal(ike_pld_parse(&m, b.data, b.len), IKE_PLD_OK);
	assert_int_equal(ike_token_find(&m, t, &tlen), IKE_TOKEN_FOUND);
	assert_int_equal(tlen, 8);
	assert_memory_equal(t, tok8, 8);
	/* every truncated prefix of the message: refused by the decoder */
	for (len = 0; len < b.len; len++)
		assert_int_not_equal(ike_pld_parse(&m, b.data, len),
		                     IKE_PLD_OK);
	ike_buf_free(&b);

	build_msg(&b, tok8, other); /* two different tokens: unusable */
	assert_int_equal(ike_pld_parse(&m, b.data, b.len), IKE_PLD_OK);
	assert_int_equal(ike_token_find(&m, t, &tlen), IKE_TOKEN_BAD);
	ike_buf_free(&b);
}

/* ---- two engines ---- */

struct side {
	struct ike_engine *e;
	int established;
	uint32_t remote; /* of the established SA, host order */
	int checks;      /* token_check calls */
	int accept;      /* what token_check answers */
	uint8_t seen[IKE_CB_TOKEN_MAX];
	size_t seen_len;
	uint32_t from;
};

static struct side A, B;

static void
on_sa(void *arg, const struct ike_sa_info *in)
{
	struct side *s = arg;

	if (in->state == 2) {
		s->established++;
		s->remote = in->remote;
	}
}

static int
check(void *arg, const uint8_t *token, size_t len, uint32_t from, int32_t *peer,
      char *why, size_t whylen)
{
	struct side *s = arg;

	s->checks++;
	memcpy(s->seen, token, len);
	s->seen_len = len;
	s->from = from;
	if (s->accept) {
		*peer = 1;
		return 0;
	}
	snprintf(why, whylen, "was used before");
	return -1;
}

static void
peer_conf(struct ike_peer_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->index = 1;
	c->admin = 1;
	memcpy(c->psk, "callback-psk", 12);
	c->psk_len = 12;
	c->p1.props[0] = (struct ike_p1_prop){7, 128, 2};
	c->p1.nprops = 1;
	c->p1.group = 14;
	c->p1.auth = 1;
	c->p1.mode = IKE_MODE_MAIN;
	c->p1.heartbeats = IKE_HB_NONE;
	c->p1.life.seconds = 900;
	c->p1.life.policy = IKE_LIFE_LOOSE;
}

static void
start(struct event_base *base, int with_check)
{
	struct ike_global_conf g = {0};
	struct ike_callbacks ca = {.sa_update = on_sa}, cb = ca;
	struct ike_peer_conf c;
	uint16_t port = ti_free_port(), natt = ti_free_port();

	memset(&A, 0, sizeof(A));
	memset(&B, 0, sizeof(B));
	g.max_retries = 3;
	g.retry_ms = 300;
	g.retry_max_s = 1;
	g.max_nego_s = 10;
	g.max_sas = 100;
	g.max_half_open = 100;
	g.zero_cookies = 1;
	g.cookie_size = 32;
	g.max_key_len = 1024;
	if (with_check)
		ca.token_check = check;
	A.e = ike_engine_new(base, &g, 0x7f000001, port, natt, &ca, &A);
	B.e = ike_engine_new(base, &g, 0x7f000002, port, natt, &cb, &B);
	assert_non_null(A.e);
	assert_non_null(B.e);
	peer_conf(&c); /* neither knows the other's address */
	assert_int_equal(ike_engine_peer_set(A.e, &c), 0);
	assert_int_equal(ike_engine_peer_set(B.e, &c), 0);
}

static void
run(struct event_base *base, int *until, int seconds)
{
	time_t end = time(NULL) + seconds;

	while ((until == NULL || *until == 0) && time(NULL) < end) {
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		usleep(2000);
	}
}

static void
stop(struct event_base *base)
{
	ike_engine_free(A.e);
	ike_engine_free(B.e);
	event_base_free(base);
}

static void
callback_main_mode(void **state)
{
	struct event_base *base = event_base_new();

	(void)state;
	start(base, 1);
	A.accept = 1;
	assert_int_equal(ike_engine_callback(B.e, 1, 0x7f000001, tok8, 8, -1),
	                 0);
	run(base, &A.established, 10);
	run(base, &B.established, 2);
	assert_int_equal(A.checks, 1);
	assert_int_equal(A.seen_len, 8);
	assert_memory_equal(A.seen, tok8, 8);
	assert_int_equal(A.from, 0x7f000002);
	assert_int_equal(A.established, 1);
	assert_int_equal(B.established, 1);
	assert_int_equal(A.remote, 0x7f000002);
	assert_int_equal(B.remote, 0x7f000001);
	/* SAs exist: a second callback does nothing */
	assert_int_equal(ike_engine_callback(B.e, 1, 0x7f000001, tok8, 8, -1),
	                 0);
	run(base, NULL, 1);
	assert_int_equal(A.checks, 1);
	/* bad token lengths are refused before anything starts */
	assert_int_equal(ike_engine_callback(B.e, 1, 0x7f000001, tok8, 4, -1),
	                 -1);
	assert_int_equal(ike_engine_callback(B.e, 2, 0x7f000001, tok8, 8, -1),
	                 -1);
	stop(base);
}

static void
refused_token(void **state)
{
	struct event_base *base = event_base_new();

	(void)state;
	start(base, 1);
	A.accept = 0;
	assert_int_equal(ike_engine_callback(B.e, 1, 0x7f000001, tok8, 8, -1),
	                 0);
	run(base, &A.checks, 5);
	run(base, NULL, 1);
	/* each retransmission of message 1 is asked about and refused */
	assert_true(A.checks >= 1);
	assert_int_equal(A.established, 0);
	assert_int_equal(B.established, 0);
	stop(base);
}

static void
token_ignored_without_hook(void **state)
{
	struct event_base *base = event_base_new();

	(void)state;
	start(base, 0);
	assert_int_equal(ike_engine_callback(B.e, 1, 0x7f000001, tok8, 8, -1),
	                 0);
	run(base, &A.established, 10);
	assert_int_equal(A.established, 1);
	assert_int_equal(A.checks, 0);
	stop(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(prefix_is_md5_of_its_name),
	    cmocka_unit_test(vid_round_trip),
	    cmocka_unit_test(vid_truncated),
	    cmocka_unit_test(find_in_message),
	    cmocka_unit_test(callback_main_mode),
	    cmocka_unit_test(refused_token),
	    cmocka_unit_test(token_ignored_without_hook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
