/*
 * ike_int.h - what the parts of the IKE engine share: the engine, peers,
 * ISAKMP SAs and Quick Mode exchanges.  Private to ike/.
 */
#ifndef IPSECGW_IKE_INT_H
#define IPSECGW_IKE_INT_H

#include "ike.h"
#include "ike_build.h"
#include "ike_crypto.h"
#include "ike_dh.h"
#include "ike_keys.h"
#include "ike_net.h"
#include "ike_pld.h"
#include "isakmp.h"

#include <netinet/in.h>
#include <time.h>

#define IKE_NONCE_LEN 32
#define IKE_DH_MAX    1024 /* MODP 8192 would be 1024 octets */

struct event;

struct ike_peer {
	struct ike_peer_conf conf;
	struct ike_traffic *traffic; /* our copy of conf.traffic */
	time_t blocked_until;
	struct event *unblock;
	struct ike_engine *eng;
	/* IPSec callback (ike_cbk.c): the address the peer gave in its last
	 * callback (network order, 0: none), whether the phase 1 being
	 * started answers that callback, and the token its message 1
	 * returns. */
	uint32_t cb_addr;
	int cb_pending;
	uint8_t cb_token[IKE_CB_TOKEN_MAX];
	size_t cb_token_len;
	struct ike_peer *next;
};

enum ike_sa_state {
	IKE_SA_MM_I1 = 1, /* MM1 sent */
	IKE_SA_MM_R1,     /* MM2 sent */
	IKE_SA_MM_I2,     /* MM3 sent */
	IKE_SA_MM_R2,     /* MM4 sent */
	IKE_SA_MM_I3,     /* MM5 sent */
	IKE_SA_AM_I1,     /* AM1 sent */
	IKE_SA_AM_R1,     /* AM2 sent */
	IKE_SA_ESTABLISHED,
	IKE_SA_DEAD,
};

/* The last message sent, kept for retransmission. */
struct ike_out {
	uint8_t *data;
	size_t len;
	int natt;
	int tries;
	uint32_t wait_ms;
};

/* A Quick Mode exchange and, once done, the IPsec SA pair it made. */
struct ike_qm {
	struct ike_ph1 *sa;
	uint32_t msgid;
	int initiator;
	int done;
	int gone;       /* deleted after it was done */
	time_t started; /* an unanswered one counts as running until
	                   max_nego_s */
	time_t alive;   /* last inbound traffic or heartbeat (phase 2) */
	uint8_t iv[IKE_CRYPTO_BLOCK_MAX];
	struct ike_traffic tr; /* selectors and phase 2 conf */
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t ni_len, nr_len;
	struct ike_dh *dh; /* PFS */
	uint8_t peer_ke[IKE_DH_MAX];
	size_t peer_ke_len;
	struct ike_child_sa child; /* what was agreed */
	struct ike_out out;
	struct event *timer;
	uint32_t last_rx; /* hash of the last request */
	struct ike_qm *next;
};

struct ike_ph1 {
	struct ike_engine *eng;
	uint32_t index; /* ikeSaTable row */
	struct ike_peer *peer;
	int initiator;
	enum ike_sa_state state;
	uint8_t xchg;
	uint8_t icookie[IKE_COOKIE_LEN], rcookie[IKE_COOKIE_LEN];
	struct sockaddr_in local, remote;
	int natt;                  /* peer sent the RFC 3947 VID */
	int nat_local, nat_remote; /* NAT detected on our/their side */
	int floated;               /* using the NAT-T port */
	/* The chosen phase 1 transform. */
	uint16_t enc, keylen, hash, group, auth;
	uint32_t life_sec, life_kb;
	uint32_t prop_life_sec, prop_life_kb; /* as the initiator proposed */
	uint8_t xform_num;
	struct ike_dh *dh;
	uint8_t gxi[IKE_DH_MAX], gxr[IKE_DH_MAX];
	size_t gxi_len, gxr_len;
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t ni_len, nr_len;
	uint8_t idi_b[IKE_CONF_STR + 8]; /* IDii_b, Aggressive Mode */
	size_t idi_len;
	uint8_t *sai_b; /* initiator's SA body (for HASH_x) */
	size_t sai_len;
	struct ike_keys *keys;
	struct ike_cipher_ctx *cctx;
	uint8_t iv[IKE_CRYPTO_BLOCK_MAX]; /* phase 1 CBC chain */
	char local_id[IKE_CONF_STR], remote_id[IKE_CONF_STR];
	struct ike_out out;
	struct event *timer;  /* retransmission */
	struct event *expire; /* lifetime / negotiation limit */
	struct event *soft;   /* rekey before the lifetime ends */
	struct event *natka;  /* NAT keepalives while we are behind a NAT */
	struct event *dpd;    /* heartbeats (RFC 3706) */
	time_t last_heard;    /* last message from the peer */
	struct event *hb2;    /* phase 2 heartbeats of its IPsec SAs */
	struct event *tell;   /* RESPONDER-LIFETIME once the peer is up */
	uint32_t dpd_seq;
	uint32_t last_rx; /* hash of the last message taken */
	time_t created, established;
	struct ike_qm *qms;
	int want_qm; /* traffic index to start QM for */
	struct ike_ph1 *next;
	/* Signatures and RSA encryption (ike_auth.c). */
	int cr_seen;                     /* the peer sent a CR payload */
	uint8_t idr_b[IKE_CONF_STR + 8]; /* IDir_b, RSA encryption */
	size_t idr_len;
};

struct ike_engine {
	struct event_base *base;
	struct ike_net *net;
	struct ike_global_conf g;
	struct ike_callbacks cb;
	void *cb_arg;
	struct ike_peer *peers;
	struct ike_ph1 *sas;
	uint32_t next_index;
	uint32_t next_child;
	uint64_t malformed;
};

/* ike_sa.c */
struct ike_ph1 *ike_sa_new(struct ike_engine *e, int initiator);
struct ike_ph1 *ike_sa_find(struct ike_engine *e, const uint8_t *icookie,
                            const uint8_t *rcookie);
void ike_sa_set_state(struct ike_ph1 *sa, enum ike_sa_state st);
void ike_sa_fail(struct ike_ph1 *sa, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ike_sa_free(struct ike_ph1 *sa);
int ike_sa_send(struct ike_ph1 *sa, struct ike_out *out, struct event **timer,
                struct ike_buf *b, int retransmit);
void ike_sa_report(struct ike_ph1 *sa);
uint32_t ike_sa_rx_hash(const uint8_t *pkt, size_t len);
void ike_out_clear(struct ike_out *o);
void ike_sa_count(struct ike_engine *e, uint32_t *all, uint32_t *half_open);

/* ike_crypt.c: the CBC encryption of messages after phase 1 KE. */
int ike_crypt_encrypt(struct ike_ph1 *sa, uint8_t *iv, struct ike_buf *b);
int ike_crypt_decrypt(struct ike_ph1 *sa, uint8_t *iv, const uint8_t *pkt,
                      size_t len, uint8_t **plain, size_t *plain_len);
int ike_crypt_setup(struct ike_ph1 *sa);

/* ike_cbk.c: the IPSec callback's side of Main Mode. */
int ike_cbk_remote(const struct ike_peer *p, struct sockaddr_in *out);
int ike_cbk_add_vid(const struct ike_peer *p, struct ike_buf *b);
int ike_cbk_responder_peer(struct ike_engine *e, const struct ike_net_dgram *d,
                           const struct ike_msg *m, struct ike_peer **out);

/* ike_natt.c */
int ike_natt_add_vids(struct ike_buf *b);
int ike_natt_vid_seen(const struct ike_msg *m);
int ike_natt_add_natd(struct ike_ph1 *sa, struct ike_buf *b);
void ike_natt_check(struct ike_ph1 *sa, const struct ike_msg *m);

/* ike_p1.c: phase 1 proposals. */
int ike_p1_build_sa(struct ike_ph1 *sa, struct ike_buf *b);
uint16_t ike_p1_select(struct ike_ph1 *sa, const uint8_t *body, size_t len,
                       char *why, size_t whylen);
int ike_p1_build_reply_sa(struct ike_ph1 *sa, struct ike_buf *b);
/* Matching policy strict (I2) accepts exactly our lifetime, nothing else. */
static inline int
ike_life_refused(const struct ike_lifetime *l, uint32_t seconds,
                 uint32_t kbytes)
{
	return l->policy == IKE_LIFE_STRICT &&
	       (seconds != l->seconds || kbytes != l->kbytes);
}
/* Responder with matching policy notify: RESPONDER-LIFETIME if shortened. */
void ike_p1_tell_lifetime(struct ike_ph1 *sa);
/* A shorter lifetime the responder announced for this ISAKMP SA. */
void ike_sa_shorten(struct ike_ph1 *sa, uint32_t seconds, uint32_t kbytes);
uint16_t ike_p1_accept_reply(struct ike_ph1 *sa, const uint8_t *body,
                             size_t len, char *why, size_t whylen);

/* ike_mm.c: also the phase 1 steps Aggressive Mode shares. */
void ike_ph1_header(struct ike_ph1 *sa, struct ike_buf *b);
int ike_ph1_send(struct ike_ph1 *sa, struct ike_buf *b, int enc);
int ike_ph1_make_ke(struct ike_ph1 *sa);
int ike_ph1_take_ke(struct ike_ph1 *sa, const struct ike_msg *m);
#define IKE_ID_BODY_MAX (IKE_CONF_STR + 8) /* our ID payload bodies */
int ike_ph1_build_id(struct ike_ph1 *sa, struct ike_buf *b, uint8_t *id,
                     size_t *len);
int ike_ph1_auth_hash(struct ike_ph1 *sa, int initiator, const uint8_t *id_b,
                      size_t id_len, uint8_t *out);
int ike_ph1_verify_auth(struct ike_ph1 *sa, const struct ike_msg *m,
                        int from_initiator);
void ike_ph1_float(struct ike_ph1 *sa);
void ike_ph1_established(struct ike_ph1 *sa);
struct ike_ph1 *ike_ph1_initiator_new(struct ike_engine *e, struct ike_peer *p,
                                      int32_t traffic, uint8_t xchg);
int ike_ph1_initiate(struct ike_ph1 *sa, struct ike_buf *b,
                     enum ike_sa_state st);
struct ike_ph1 *ike_ph1_respond_new(struct ike_engine *e,
                                    const struct ike_net_dgram *d,
                                    const struct ike_msg *m, struct ike_peer *p,
                                    uint8_t xchg);
void ike_ph1_initial_contact(struct ike_ph1 *sa, const struct ike_msg *m);
int ike_mm_start(struct ike_engine *e, struct ike_peer *p, int32_t traffic);
void ike_mm_recv(struct ike_ph1 *sa, const struct ike_net_dgram *d,
                 const struct ike_msg *m, const uint8_t *pkt);
struct ike_ph1 *ike_mm_respond(struct ike_engine *e,
                               const struct ike_net_dgram *d,
                               const struct ike_msg *m);

/* ike_am.c */
int ike_am_start(struct ike_engine *e, struct ike_peer *p, int32_t traffic);
void ike_am_step(struct ike_ph1 *sa, const struct ike_net_dgram *d,
                 const struct ike_msg *m);
struct ike_ph1 *ike_am_respond(struct ike_engine *e,
                               const struct ike_net_dgram *d,
                               const struct ike_msg *m);

/* ike_qm.c */
int ike_qm_start(struct ike_ph1 *sa, int32_t traffic);
void ike_qm_recv(struct ike_ph1 *sa, const struct ike_net_dgram *d,
                 const uint8_t *pkt, size_t len);
void ike_qm_free(struct ike_qm *qm);

/* ike_info.c */
int ike_info_send(struct ike_ph1 *sa, uint16_t type, const void *spi,
                  uint8_t spi_size, uint8_t proto);
void ike_info_notify_plain(struct ike_engine *e, const struct ike_net_dgram *d,
                           const struct ike_hdr *h, uint16_t type);
void ike_info_recv(struct ike_ph1 *sa, const uint8_t *pkt, size_t len);
int ike_info_delete(struct ike_ph1 *sa);
int ike_info_delete_child(struct ike_ph1 *sa, uint8_t proto, uint32_t spi_in);
int ike_info_notify_data(struct ike_ph1 *sa, uint16_t type, const void *spi,
                         uint8_t spi_size, uint8_t proto, const void *data,
                         size_t len);

/* ike_dpd.c */
void ike_dpd_start(struct ike_ph1 *sa);
void ike_dpd_p2_start(struct ike_ph1 *sa);
void ike_natt_keepalive_start(struct ike_ph1 *sa);
void ike_qm_failed(struct ike_ph1 *sa, int32_t traffic, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ike_dpd_recv(struct ike_ph1 *sa, const struct ike_notify *n);

/* ike_auth.c: what depends on the authentication method (I4). */
enum ike_keys_auth ike_auth_family(const struct ike_ph1 *sa);
int ike_auth_pke(const struct ike_ph1 *sa);
int ike_auth_check_conf(struct ike_ph1 *sa);
int ike_auth_id_body(struct ike_ph1 *sa, uint8_t *body, size_t cap,
                     size_t *len);
int ike_auth_add_cr(struct ike_ph1 *sa, struct ike_buf *b);
void ike_auth_take_cr(struct ike_ph1 *sa, const struct ike_msg *m);
int ike_auth_add_proof(struct ike_ph1 *sa, struct ike_buf *b, int initiator,
                       const uint8_t *id_b, size_t id_len);
int ike_auth_check_proof(struct ike_ph1 *sa, const struct ike_msg *m,
                         int from_initiator, const uint8_t *id_b,
                         size_t id_len);
int ike_auth_pke_build(struct ike_ph1 *sa, struct ike_buf *b);
int ike_auth_pke_take(struct ike_ph1 *sa, const struct ike_msg *m);
struct ike_peer *ike_auth_peer_by_id(struct ike_engine *e, const uint8_t *id,
                                     size_t len);

/* ike_engine.c */
struct ike_peer *ike_engine_peer_by_addr(struct ike_engine *e,
                                         const struct sockaddr_in *sin);
struct ike_peer *ike_engine_peer_by_id(struct ike_engine *e, const char *id);
int ike_ph1_id_text(const uint8_t *body, size_t len, char *out, size_t n);
struct ike_peer *ike_engine_peer(struct ike_engine *e, int32_t index);
int ike_engine_resolve(const char *address, struct sockaddr_in *out);
void ike_engine_reap(struct ike_engine *e);
int ike_engine_block(struct ike_engine *e, struct ike_peer *p);
void ike_engine_unblock_later(struct ike_engine *e, struct ike_peer *p);
int ike_engine_admit(struct ike_engine *e, const struct ike_net_dgram *d);

#endif
