/*
 * test_isdn_sim.c - the `sim` line driver against a scripted exchange on a
 * real Unix socket in the same event loop: registration, an outgoing call
 * through proceeding, connect, B data, charging and clearing; an incoming
 * call answered and one refused; the connection lost in mid-call (calls
 * released with #41, the line reconnects and registers again); a refused
 * registration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "common.h"
#include "isdn_frame.h"
#include "isdn_q931.h"

struct xframe {
	uint8_t type;
	uint8_t p[512];
	size_t len;
};

/* The scripted exchange and what the line reported. */
struct fx {
	struct event_base *base;
	struct evconnlistener *lis;
	struct bufferevent *conn;
	int n_accepts;
	struct xframe rx[32];
	size_t nrx;
	char dir[64];
	char path[96];
	struct isdn_line *line;
	/* reports */
	int up, n_state;
	uint32_t in_call;
	struct isdn_setup setup;
	int n_incoming;
	enum isdn_progress prog[16];
	struct isdn_cause cause;
	size_t nprog;
	uint8_t bdata[64];
	size_t blen;
	uint32_t units;
	int final;
};

static void
fx_read(struct bufferevent *bev, void *arg)
{
	struct fx *f = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t buf[ISDN_FRAME_HDR + ISDN_FRAME_PAYLOAD_MAX];
	const uint8_t *p;
	size_t avail, plen, used;
	uint8_t type;

	for (;;) {
		avail = evbuffer_get_length(in);
		if (avail > sizeof(buf))
			avail = sizeof(buf);
		evbuffer_copyout(in, buf, avail);
		if (isdn_frame_parse(buf, avail, &type, &p, &plen, &used) != 1)
			return;
		evbuffer_drain(in, used);
		assert_true(f->nrx < 32 && plen <= sizeof(f->rx[0].p));
		f->rx[f->nrx].type = type;
		memcpy(f->rx[f->nrx].p, p, plen);
		f->rx[f->nrx].len = plen;
		f->nrx++;
	}
}

static void
fx_event(struct bufferevent *bev, short what, void *arg)
{
	struct fx *f = arg;

	(void)what;
	bufferevent_free(bev);
	if (f->conn == bev)
		f->conn = NULL;
}

static void
fx_accept(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa,
          int salen, void *arg)
{
	struct fx *f = arg;

	(void)lis;
	(void)sa;
	(void)salen;
	f->conn = bufferevent_socket_new(f->base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(f->conn, fx_read, NULL, fx_event, f);
	bufferevent_enable(f->conn, EV_READ);
	f->n_accepts++;
}

static void
fx_send(struct fx *f, uint8_t type, const uint8_t *p, size_t len)
{
	uint8_t hdr[ISDN_FRAME_HDR];

	assert_non_null(f->conn);
	assert_int_equal(isdn_frame_header(type, len, hdr), 0);
	bufferevent_write(f->conn, hdr, sizeof(hdr));
	if (len > 0)
		bufferevent_write(f->conn, p, len);
}

static void
fx_q931(struct fx *f, const struct isdn_q931_msg *m)
{
	uint8_t buf[ISDN_Q931_MAX_LEN];
	size_t len = 0;

	assert_int_equal(isdn_q931_encode(m, buf, sizeof(buf), &len),
	                 ISDN_Q931_OK);
	fx_send(f, ISDN_FRAME_Q931, buf, len);
}

/* Runs the loop until cond holds (at most a few hundred turns). */
#define RUN_UNTIL(f, cond)                                                     \
	do {                                                                   \
		int n_ = 0;                                                    \
		while (!(cond) && n_++ < 400)                                  \
			event_base_loop((f)->base, EVLOOP_ONCE);               \
		assert_true(cond);                                             \
	} while (0)

static struct isdn_q931_msg
rx_q931(struct fx *f, size_t i, uint8_t type)
{
	struct isdn_q931_msg m;

	RUN_UNTIL(f, f->nrx > i);
	assert_int_equal(f->rx[i].type, ISDN_FRAME_Q931);
	assert_int_equal(isdn_q931_decode(f->rx[i].p, f->rx[i].len, &m),
	                 ISDN_Q931_OK);
	if (m.type != type)
		fail_msg("frame %zu is %s, wanted %s", i,
		         isdn_q931_type_str(m.type), isdn_q931_type_str(type));
	return m;
}

static void
on_incoming(void *arg, uint32_t call, const struct isdn_setup *s)
{
	struct fx *f = arg;

	f->in_call = call;
	f->setup = *s;
	f->n_incoming++;
}

static void
on_progress(void *arg, uint32_t call, enum isdn_progress p,
            const struct isdn_cause *c)
{
	struct fx *f = arg;

	(void)call;
	assert_true(f->nprog < 16);
	f->prog[f->nprog++] = p;
	if (c != NULL)
		f->cause = *c;
}

static void
on_b_data(void *arg, uint32_t call, const uint8_t *d, size_t n)
{
	struct fx *f = arg;

	(void)call;
	memcpy(f->bdata, d, n);
	f->blen = n;
}

static void
on_charge(void *arg, uint32_t call, uint32_t units, int final)
{
	struct fx *f = arg;

	(void)call;
	f->units = units;
	f->final = final;
}

static void
on_state(void *arg, int up)
{
	struct fx *f = arg;

	f->up = up;
	f->n_state++;
}

static const struct isdn_line_cbs cbs = {on_incoming, on_progress, on_b_data,
                                         on_charge, on_state};

/* A line with numbers 5678 and 5679, registered. */
static void
fx_open(struct fx *f, uint32_t reconnect_ms, int ack)
{
	static const char *const msns[] = {"5678", "5679"};
	struct isdn_sim_conf c = {NULL, msns, 2, 0};
	struct sockaddr_un sa;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_isdn_sim.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/s", f->dir);
	f->base = event_base_new();
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, f->path, strlen(f->path) + 1);
	f->lis = evconnlistener_new_bind(f->base, fx_accept, f,
	                                 LEV_OPT_CLOSE_ON_FREE, 4,
	                                 (struct sockaddr *)&sa, sizeof(sa));
	assert_non_null(f->lis);
	c.path = f->path;
	c.reconnect_ms = reconnect_ms;
	f->line = isdn_sim_open(f->base, &c);
	assert_non_null(f->line);
	isdn_line_set_cbs(f->line, &cbs, f);
	RUN_UNTIL(f, f->nrx == 2);
	assert_int_equal(f->rx[0].type, ISDN_FRAME_REGISTER);
	assert_memory_equal(f->rx[0].p, "5678", 4);
	assert_memory_equal(f->rx[1].p, "5679", 4);
	if (!ack)
		return;
	fx_send(f, ISDN_FRAME_REG_ACK, (const uint8_t *)"5678", 4);
	event_base_loop(f->base, EVLOOP_NONBLOCK);
	assert_false(isdn_line_is_up(f->line));
	fx_send(f, ISDN_FRAME_REG_ACK, (const uint8_t *)"5679", 4);
	RUN_UNTIL(f, f->up);
	assert_true(isdn_line_is_up(f->line));
	assert_string_equal(isdn_line_name(f->line), "sim");
	f->nrx = 0;
}

static void
fx_close(struct fx *f)
{
	isdn_line_free(f->line);
	if (f->conn != NULL)
		bufferevent_free(f->conn);
	evconnlistener_free(f->lis);
	event_base_free(f->base);
	unlink(f->path);
	rmdir(f->dir);
}

static void
test_outgoing(void **state)
{
	const uint8_t llc[] = {0x88, 0x90, 0x42};
	const uint8_t sub[] = {0xa0, 0x01};
	struct isdn_call_req req = {"01234", "5679",     ISDN_BEARER_DATA,
	                            1,       llc,        sizeof(llc),
	                            sub,     sizeof(sub)};
	struct isdn_q931_msg m;
	struct fx f;
	uint32_t id = 0;
	uint8_t b[] = {1, 'o', 'k'};

	(void)state;
	fx_open(&f, 0, 1);
	assert_int_equal(isdn_line_call(f.line, &req, &id), 0);
	m = rx_q931(&f, 0, ISDN_Q931_SETUP);
	assert_int_equal(m.cref_flag, 0);
	assert_string_equal(m.called.digits, "01234");
	assert_string_equal(m.calling.digits, "5679");
	assert_int_equal(m.chanid.sel, 3);
	assert_memory_equal(m.llc.raw, llc, sizeof(llc));
	assert_int_equal(m.called_sub.info[0], 0x01);
	assert_true(m.present & ISDN_Q931_F_SENDING_COMPLETE);
	/* B-channel data before the call is up is refused */
	assert_int_equal(isdn_line_send_b(f.line, id, b, 1), -1);
	isdn_q931_init(&m, ISDN_Q931_CALL_PROCEEDING, m.cref, 1);
	m.present = ISDN_Q931_F_CHANID;
	isdn_q931_chanid_bri(&m.chanid, 1, 1);
	fx_q931(&f, &m);
	RUN_UNTIL(&f, f.nprog == 1);
	assert_int_equal(f.prog[0], ISDN_PROG_PROCEEDING);
	m.type = ISDN_Q931_CONNECT;
	m.present = 0;
	fx_q931(&f, &m);
	RUN_UNTIL(&f, f.nprog == 2);
	assert_int_equal(f.prog[1], ISDN_PROG_CONNECTED);
	(void)rx_q931(&f, 1, ISDN_Q931_CONNECT_ACK);
	/* B data both ways on B1 */
	assert_int_equal(isdn_line_send_b(f.line, id, b + 1, 2), 0);
	RUN_UNTIL(&f, f.nrx == 3);
	assert_int_equal(f.rx[2].type, ISDN_FRAME_BDATA);
	assert_memory_equal(f.rx[2].p, b, 3);
	fx_send(&f, ISDN_FRAME_BDATA, b, sizeof(b));
	RUN_UNTIL(&f, f.blen == 2);
	assert_memory_equal(f.bdata, "ok", 2);
	isdn_q931_init(&m, ISDN_Q931_INFORMATION, m.cref, 1);
	m.present = ISDN_Q931_F_CHARGE;
	m.charge_kind = ISDN_CHARGE_DURING;
	m.charge_units = 3;
	fx_q931(&f, &m);
	RUN_UNTIL(&f, f.units == 3);
	assert_int_equal(f.final, 0);
	/* we clear: DISCONNECT, the exchange's RELEASE carries the total */
	assert_int_equal(isdn_line_hangup(f.line, id, NULL), 0);
	m = rx_q931(&f, 3, ISDN_Q931_DISCONNECT);
	assert_int_equal(m.cause.value, ISDN_CAUSE_NORMAL);
	isdn_q931_init(&m, ISDN_Q931_RELEASE, m.cref, 1);
	m.present = ISDN_Q931_F_CHARGE;
	m.charge_kind = ISDN_CHARGE_TOTAL;
	m.charge_units = 4;
	fx_q931(&f, &m);
	RUN_UNTIL(&f, f.nprog == 3);
	assert_int_equal(f.prog[2], ISDN_PROG_RELEASED);
	assert_int_equal(f.cause.value, ISDN_CAUSE_NORMAL);
	assert_int_equal(f.units, 4);
	assert_int_equal(f.final, 1);
	(void)rx_q931(&f, 4, ISDN_Q931_RELEASE_COMPLETE);
	assert_int_equal(isdn_line_hangup(f.line, id, NULL), -1);
	fx_close(&f);
}

static struct isdn_q931_msg
incoming_setup(uint16_t cref, uint8_t sel)
{
	const uint8_t sub[] = {0xa0, 0x33, 0x44};
	struct isdn_q931_msg m;

	isdn_q931_init(&m, ISDN_Q931_SETUP, cref, 0);
	m.present = ISDN_Q931_F_BEARER | ISDN_Q931_F_CHANID |
	            ISDN_Q931_F_CALLING | ISDN_Q931_F_CALLED |
	            ISDN_Q931_F_CALLED_SUB;
	isdn_q931_bearer_set(&m.bearer, ISDN_BEARER_DATA);
	isdn_q931_chanid_bri(&m.chanid, 1, sel);
	(void)isdn_q931_number_set(&m.calling, "1234");
	(void)isdn_q931_number_set(&m.called, "5678");
	(void)isdn_q931_subaddr_from_raw(&m.called_sub, sub, sizeof(sub));
	return m;
}

static void
test_incoming(void **state)
{
	struct isdn_cause busy = {.value = ISDN_CAUSE_BUSY};
	struct isdn_q931_msg m;
	struct fx f;

	(void)state;
	fx_open(&f, 0, 1);
	m = incoming_setup(9, 2);
	fx_q931(&f, &m);
	RUN_UNTIL(&f, f.n_incoming == 1);
	assert_string_equal(f.setup.calling, "1234");
	assert_string_equal(f.setup.called, "5678");
	assert_int_equal(f.setup.bearer, ISDN_BEARER_DATA);
	assert_int_equal(f.setup.b_channel, 1);
	assert_int_equal(f.setup.llc_len, 0);
	assert_int_equal(f.setup.called_sub_len, 3);
	assert_memory_equal(f.setup.called_sub, "\xa0\x33\x44", 3);
	assert_int_equal(isdn_line_alert(f.line, f.in_call), 0);
	(void)rx_q931(&f, 0, ISDN_Q931_ALERTING);
	assert_int_equal(isdn_line_answer(f.line, f.in_call), 0);
	m = rx_q931(&f, 1, ISDN_Q931_CONNECT);
	assert_int_equal(m.cref, 9);
	assert_int_equal(m.cref_flag, 1);
	isdn_q931_init(&m, ISDN_Q931_CONNECT_ACK, 9, 0);
	fx_q931(&f, &m);
	RUN_UNTIL(&f, f.nprog == 1);
	assert_int_equal(f.prog[0], ISDN_PROG_CONNECTED);
	/* the network clears: we answer RELEASE, it completes */
	isdn_q931_init(&m, ISDN_Q931_DISCONNECT, 9, 0);
	isdn_q931_cause_set(&m, &busy);
	fx_q931(&f, &m);
	(void)rx_q931(&f, 2, ISDN_Q931_RELEASE);
	isdn_q931_init(&m, ISDN_Q931_RELEASE_COMPLETE, 9, 0);
	fx_q931(&f, &m);
	RUN_UNTIL(&f, f.nprog == 2);
	assert_int_equal(f.cause.value, ISDN_CAUSE_BUSY);
	/* a call without a B channel cannot be answered, only refused,
	 * and the refusal is RELEASE COMPLETE with our cause */
	m = incoming_setup(10, 0);
	fx_q931(&f, &m);
	RUN_UNTIL(&f, f.n_incoming == 2);
	assert_int_equal(f.setup.b_channel, 0);
	assert_int_equal(isdn_line_answer(f.line, f.in_call), -1);
	assert_int_equal(isdn_line_hangup(f.line, f.in_call, &busy), 0);
	m = rx_q931(&f, 3, ISDN_Q931_RELEASE_COMPLETE);
	assert_int_equal(m.cref, 10);
	assert_int_equal(m.cause.value, ISDN_CAUSE_BUSY);
	/* unknown call reference: #81 */
	isdn_q931_init(&m, ISDN_Q931_CONNECT_ACK, 77, 0);
	fx_q931(&f, &m);
	m = rx_q931(&f, 4, ISDN_Q931_RELEASE_COMPLETE);
	assert_int_equal(m.cause.value, ISDN_CAUSE_INVALID_CREF);
	fx_close(&f);
}

static void
test_lost_and_reconnect(void **state)
{
	struct isdn_call_req req = {"1234", NULL, ISDN_BEARER_DATA, 0, NULL, 0,
	                            NULL,   0};
	struct fx f;
	uint32_t id = 0;

	(void)state;
	fx_open(&f, 50, 1);
	assert_int_equal(isdn_line_call(f.line, &req, &id), 0);
	(void)rx_q931(&f, 0, ISDN_Q931_SETUP);
	bufferevent_free(f.conn);
	f.conn = NULL;
	RUN_UNTIL(&f, f.nprog == 1);
	assert_int_equal(f.prog[0], ISDN_PROG_RELEASED);
	assert_int_equal(f.cause.value, ISDN_CAUSE_TEMP_FAILURE);
	assert_int_equal(f.up, 0);
	assert_int_equal(isdn_line_call(f.line, &req, &id), -1);
	/* it comes back by itself and registers both numbers again */
	RUN_UNTIL(&f, f.n_accepts == 2 && f.nrx == 3);
	assert_int_equal(f.rx[1].type, ISDN_FRAME_REGISTER);
	assert_int_equal(f.rx[2].type, ISDN_FRAME_REGISTER);
	fx_send(&f, ISDN_FRAME_REG_ACK, (const uint8_t *)"5678", 4);
	fx_send(&f, ISDN_FRAME_REG_ACK, (const uint8_t *)"5679", 4);
	RUN_UNTIL(&f, f.up);
	assert_int_equal(f.n_state, 3);
	fx_close(&f);
}

static void
test_refused_registration(void **state)
{
	struct fx f;

	(void)state;
	fx_open(&f, 0, 0);
	fx_send(&f, ISDN_FRAME_REG_NAK, (const uint8_t *)"5678 in use", 11);
	RUN_UNTIL(&f, f.conn == NULL);
	assert_false(isdn_line_is_up(f.line));
	assert_int_equal(f.n_state, 0);
	fx_close(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_outgoing),
	    cmocka_unit_test(test_incoming),
	    cmocka_unit_test(test_lost_and_reconnect),
	    cmocka_unit_test(test_refused_registration),
	};

	gw_log_init("test_isdn_sim", 0, GW_LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
