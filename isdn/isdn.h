/*
 * isdn.h - the ISDN side of the IPSec callback, as the agent sees it:
 * the callback token store, the line driver interface (a simulated
 * exchange today, CAPI 2.0 later), the callback logic that places and
 * answers callback calls, and the incoming-call dispatch match.  Nothing
 * here knows SNMP or IKE: the agent translates MIB rows into these structs
 * and hands back what the callbacks report.  docs/isdn.md describes the
 * wire formats and the autodetect procedure.
 */
#ifndef IPSECGW_ISDN_H
#define IPSECGW_ISDN_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct isdn_line;
struct isdn_cb;

#define ISDN_NUMBER_MAX     32 /* digits in a party number (MIB: 0..32) */
#define ISDN_TOKEN_LEN      8  /* random octets of a callback token */
#define ISDN_LLC_MAX        16 /* contents of a low layer compatibility IE */
#define ISDN_SUBADDR_MAX    21 /* contents of a subaddress IE (type + 20) */
#define ISDN_CAUSE_DIAG_MAX 28

/* The gateway address and token a callback transfers (C4). */
struct isdn_xfer {
	uint8_t addr[4]; /* IPv4, network order */
	uint8_t token[ISDN_TOKEN_LEN];
};

/*
 * Token store (C4 steps 2 and 6).  One token per peer; the caller owns the
 * slot array (e.g. next to its MIB rows), so there is no hidden state.
 * Times are seconds on any monotonic clock the caller chooses.
 */
enum isdn_token_state {
	ISDN_TOKEN_EMPTY = 0,
	ISDN_TOKEN_ACTIVE,
	ISDN_TOKEN_USED,
};

struct isdn_token {
	uint32_t peer_id;
	uint8_t state; /* enum isdn_token_state */
	uint8_t token[ISDN_TOKEN_LEN];
	uint8_t addr[4];
	int64_t created;
	int64_t expires;
};

struct isdn_token_store {
	struct isdn_token *slots;
	size_t cap;
};

enum isdn_token_err {
	ISDN_TOKEN_OK = 0,
	ISDN_TOKEN_ERR_WRONG,    /* no such token */
	ISDN_TOKEN_ERR_EXPIRED,  /* known, but its lifetime is over */
	ISDN_TOKEN_ERR_REPLAYED, /* known, already used once */
	ISDN_TOKEN_ERR_FULL,     /* no free slot */
	ISDN_TOKEN_ERR_RAND,     /* the random generator failed */
	ISDN_TOKEN_ERR_ARG,      /* lifetime 0 or NULL argument */
};

void isdn_token_store_init(struct isdn_token_store *st,
                           struct isdn_token *slots, size_t cap);
/* Makes a fresh random token for the peer, replacing its previous one. */
enum isdn_token_err isdn_token_create(struct isdn_token_store *st,
                                      uint32_t peer_id, const uint8_t addr[4],
                                      int64_t now, uint32_t lifetime,
                                      struct isdn_token **out);
/* Accepts a token once; *peer_id is set for OK, EXPIRED and REPLAYED. */
enum isdn_token_err isdn_token_verify(struct isdn_token_store *st,
                                      const uint8_t token[ISDN_TOKEN_LEN],
                                      int64_t now, uint32_t *peer_id);
const struct isdn_token *isdn_token_find(const struct isdn_token_store *st,
                                         uint32_t peer_id);
/* Seconds left (0 when empty or expired): ipsecPeerCallbackTokenExpiry. */
uint32_t isdn_token_remaining(const struct isdn_token *t, int64_t now);
void isdn_token_remove(struct isdn_token_store *st, uint32_t peer_id);
/* Empties slots whose token expired; returns how many. */
size_t isdn_token_expire(struct isdn_token_store *st, int64_t now);
const char *isdn_token_err_str(enum isdn_token_err e);

/* Q.850 cause values the callback code uses or reports. */
#define ISDN_CAUSE_UNALLOCATED       1
#define ISDN_CAUSE_NORMAL            16
#define ISDN_CAUSE_BUSY              17
#define ISDN_CAUSE_NO_USER_RESPONSE  18
#define ISDN_CAUSE_NO_ANSWER         19
#define ISDN_CAUSE_REJECTED          21
#define ISDN_CAUSE_DEST_OUT_OF_ORDER 27
#define ISDN_CAUSE_INVALID_NUMBER    28
#define ISDN_CAUSE_NORMAL_UNSPEC     31
#define ISDN_CAUSE_NO_CHANNEL        34
#define ISDN_CAUSE_TEMP_FAILURE      41
#define ISDN_CAUSE_INVALID_CREF      81
#define ISDN_CAUSE_INCOMPATIBLE      88
#define ISDN_CAUSE_INVALID_MSG       95
#define ISDN_CAUSE_MANDATORY_MISSING 96
#define ISDN_CAUSE_INVALID_IE        100
#define ISDN_CAUSE_TIMER_EXPIRY      102

/* Cause locations (Q.850 octet 3). */
#define ISDN_LOC_USER       0
#define ISDN_LOC_PUBLIC_LOC 2

struct isdn_cause {
	uint8_t value;
	uint8_t location;
	uint8_t diag_len;
	uint8_t diag[ISDN_CAUSE_DIAG_MAX];
};

const char *isdn_cause_str(uint8_t value);

enum isdn_bearer {
	ISDN_BEARER_DATA = 1,   /* unrestricted digital information, 64k */
	ISDN_BEARER_SPEECH = 2, /* speech, A-law */
	ISDN_BEARER_AUDIO = 3,  /* 3.1 kHz audio */
	ISDN_BEARER_OTHER = 4,
};

/* An incoming call as a driver presents it (CAPI: CONNECT_IND). */
struct isdn_setup {
	char calling[ISDN_NUMBER_MAX + 1]; /* as presented, "" if none */
	char called[ISDN_NUMBER_MAX + 1];
	enum isdn_bearer bearer;
	int b_channel;   /* a B channel is offered: the call can be answered */
	uint8_t llc_len; /* 0: no LLC IE */
	uint8_t llc[ISDN_LLC_MAX];
	uint8_t called_sub_len; /* 0: no called party subaddress IE */
	uint8_t called_sub[ISDN_SUBADDR_MAX];
};

/* An outgoing call (CAPI: CONNECT_REQ). */
struct isdn_call_req {
	const char *called;
	const char *calling; /* our own number, NULL or "" for the default */
	enum isdn_bearer bearer;
	int b_channel; /* B-channel data may be used: ask for a B channel */
	const uint8_t *llc;
	size_t llc_len;
	const uint8_t *called_sub;
	size_t called_sub_len;
};

enum isdn_progress {
	ISDN_PROG_PROCEEDING = 1,
	ISDN_PROG_ALERTING,
	ISDN_PROG_CONNECTED,
	ISDN_PROG_RELEASED,
};

/*
 * What a line reports.  Calls are named by a driver-assigned id, unique
 * for the line's lifetime.  RELEASED is the last report for a call; its
 * cause is the first one seen while clearing.
 */
struct isdn_line_cbs {
	void (*incoming)(void *arg, uint32_t call, const struct isdn_setup *s);
	void (*progress)(void *arg, uint32_t call, enum isdn_progress p,
	                 const struct isdn_cause *cause);
	void (*b_data)(void *arg, uint32_t call, const uint8_t *data,
	               size_t len);
	/* Charging units so far (final: the total at the end of the call). */
	void (*charge)(void *arg, uint32_t call, uint32_t units, int final);
	/* The line became usable (registered) or was lost. */
	void (*state)(void *arg, int up);
};

void isdn_line_set_cbs(struct isdn_line *l, const struct isdn_line_cbs *cbs,
                       void *arg);
int isdn_line_call(struct isdn_line *l, const struct isdn_call_req *req,
                   uint32_t *call);
int isdn_line_alert(struct isdn_line *l, uint32_t call);
int isdn_line_answer(struct isdn_line *l, uint32_t call);
/* Rejects, disconnects or aborts whatever state the call is in. */
int isdn_line_hangup(struct isdn_line *l, uint32_t call,
                     const struct isdn_cause *cause);
int isdn_line_send_b(struct isdn_line *l, uint32_t call, const uint8_t *data,
                     size_t len);
int isdn_line_is_up(const struct isdn_line *l);
const char *isdn_line_name(const struct isdn_line *l);
void isdn_line_free(struct isdn_line *l);

/* The `sim` driver: a subscriber line of isdnsim (docs/isdn.md). */
struct isdn_sim_conf {
	const char *path;        /* isdnsim's Unix socket */
	const char *const *msns; /* our numbers; the first is the default */
	size_t n_msns;
	uint32_t reconnect_ms; /* 0: do not reconnect when lost */
};

struct isdn_line *isdn_sim_open(struct event_base *base,
                                const struct isdn_sim_conf *conf);

/* Party numbers: 1..32 of 0-9 * #. */
int isdn_number_valid(const char *n);
/*
 * Whether a presented calling party number is the configured incoming
 * number.  The incoming number is stored without the trunk prefix "0"
 * (seed 002 §3.1); a presented number that carries it still matches.
 */
int isdn_number_match(const char *incoming, const char *presented);

/* ipsecIsdnDspTable: which called numbers the IPSec service answers. */
enum isdn_dsp_item { ISDN_DSP_IPSEC = 1, ISDN_DSP_IGNORE = 2 };
enum isdn_dsp_bearer {
	ISDN_DSP_ANY = 1,
	ISDN_DSP_DATA = 2,
	ISDN_DSP_VOICE = 3,
};
enum isdn_dsp_mode { ISDN_DSP_RIGHT_TO_LEFT = 1, ISDN_DSP_LEFT_TO_RIGHT = 2 };

struct isdn_dsp_entry {
	const char *number;
	enum isdn_dsp_item item;
	enum isdn_dsp_bearer bearer;
	enum isdn_dsp_mode mode;
};

/* Index of the first entry matching the call, -1 if none. */
int isdn_dsp_match(const struct isdn_dsp_entry *e, size_t n, const char *called,
                   enum isdn_bearer bearer);

/*
 * Callback logic.  Values of the enums equal the MIB's INTEGER values
 * (ipsecPeerCallbackMode, ipsecPeerTransferMode, ipsecPeerDChannelMode).
 */
enum isdn_cb_mode {
	ISDN_CB_DISABLED = 1,
	ISDN_CB_PASSIVE = 2,
	ISDN_CB_ACTIVE = 3,
	ISDN_CB_BOTH = 4,
};

enum isdn_xfer_mode {
	ISDN_XM_AUTO_D_OR_B = 1,
	ISDN_XM_AUTO_D = 2,
	ISDN_XM_SPECIFIC_D = 3,
	ISDN_XM_SPECIFIC_D_B = 4,
	ISDN_XM_B = 5,
};

enum isdn_dmode {
	ISDN_DM_LLC = 1,
	ISDN_DM_SUBADDR = 2,
	ISDN_DM_LLC_SUBADDR = 3,
};

/* How an address and token travelled; 0 = not at all (number only). */
#define ISDN_VIA_LLC     0x01u
#define ISDN_VIA_SUBADDR 0x02u
#define ISDN_VIA_B       0x04u

/* A peer's callback settings (one ipsecPeerTable row). */
struct isdn_cb_peer {
	uint32_t id;
	enum isdn_cb_mode mode;
	char incoming[ISDN_NUMBER_MAX + 1]; /* calling number it calls from */
	char outgoing[ISDN_NUMBER_MAX + 1]; /* number we dial */
	int transfer_ip;
	enum isdn_xfer_mode xfer_mode;
	enum isdn_dmode dmode;
};

struct isdn_cb_conf {
	char own_number[ISDN_NUMBER_MAX + 1]; /* ipsecGlobIsdnOwnNumber */
	uint32_t call_timeout_s; /* whole outgoing attempt; 0: 30 */
	uint32_t b_timeout_s;    /* B-channel exchange; 0: 10 */
};

enum isdn_cb_verdict {
	ISDN_CB_IN_ACCEPTED = 1, /* passive/both: set up the tunnel */
	ISDN_CB_IN_REFUSED,      /* active-only or disabled peer */
	ISDN_CB_IN_UNKNOWN,      /* no peer has this incoming number */
};

/* An incoming callback ("callback received: peer, address, token, how"). */
struct isdn_cb_event {
	uint32_t peer_id; /* 0 for UNKNOWN */
	enum isdn_cb_verdict verdict;
	unsigned via; /* ISDN_VIA_* that carried a valid record */
	unsigned bad; /* ISDN_VIA_* that carried something invalid */
	int has_xfer;
	struct isdn_xfer xfer;
	char calling[ISDN_NUMBER_MAX + 1];
	char called[ISDN_NUMBER_MAX + 1];
};

enum isdn_cb_res {
	ISDN_CB_OK = 0,
	ISDN_CB_E_NOT_ACTIVE,    /* disabled or passive-only: we never call */
	ISDN_CB_E_CONFIG,        /* no outgoing number, missing address */
	ISDN_CB_E_IN_PROGRESS,   /* a callback to this peer is running */
	ISDN_CB_E_LINE,          /* line down or driver failure */
	ISDN_CB_E_PREPARE,       /* the bring-up hook reported failure */
	ISDN_CB_E_CALL,          /* cleared by the network or callee: cause */
	ISDN_CB_E_REFUSED,       /* the peer refuses our callbacks */
	ISDN_CB_E_UNKNOWN,       /* the peer does not know our number */
	ISDN_CB_E_NOT_DELIVERED, /* nothing arrived and B was not allowed */
	ISDN_CB_E_UNCONFIRMED,   /* rejected without a callback status */
	ISDN_CB_E_B_FAILED,      /* the B-channel exchange failed */
	ISDN_CB_E_TIMEOUT,
};

/* How an outgoing callback ended. */
struct isdn_cb_result {
	uint32_t peer_id;
	enum isdn_cb_res res;
	unsigned sent;     /* ISDN_VIA_* carried in the SETUP */
	int b_allowed;     /* the SETUP asked for a B channel */
	unsigned via;      /* ISDN_VIA_* that delivered (B: connected) */
	uint8_t cause;     /* clearing cause, 0 if none */
	int connected;     /* the call was answered, hence charged */
	uint32_t units;    /* charging units reported by the network */
	unsigned detected; /* remembered working mode afterwards */
};

struct isdn_cb_hooks {
	/* Finds the peer whose incoming number presented calls from. */
	int (*lookup)(void *arg, const char *calling, struct isdn_cb_peer *out);
	/* 1 if the IPSec service answers calls to this number; NULL: all. */
	int (*dispatch)(void *arg, const char *called, enum isdn_bearer b);
	/*
	 * C5: bring the Internet interface up and propagate dynamic DNS,
	 * then call isdn_cb_ready() (also from inside the hook).  NULL: the
	 * address given to isdn_cb_start() is used at once.
	 */
	void (*prepare)(void *arg, uint32_t peer_id);
	void (*received)(void *arg, const struct isdn_cb_event *ev);
	void (*done)(void *arg, const struct isdn_cb_result *r);
	/* The line came up (registered) or went down; may be NULL. */
	void (*line_state)(void *arg, int up);
};

struct isdn_cb *isdn_cb_new(struct event_base *base, struct isdn_line *line,
                            const struct isdn_cb_conf *conf,
                            const struct isdn_cb_hooks *hooks, void *arg);
void isdn_cb_free(struct isdn_cb *cb);
/*
 * Starts a callback to the peer.  With transfer_ip, xfer is the address
 * and token to send (without a prepare hook) or NULL (isdn_cb_ready()
 * supplies it).  A non-OK return means nothing started and done() will
 * not be called.
 */
enum isdn_cb_res isdn_cb_start(struct isdn_cb *cb,
                               const struct isdn_cb_peer *peer,
                               const struct isdn_xfer *xfer);
/* Ends the prepare step: ok 0 aborts with ISDN_CB_E_PREPARE. */
enum isdn_cb_res isdn_cb_ready(struct isdn_cb *cb, uint32_t peer_id, int ok,
                               const struct isdn_xfer *xfer);
/* The remembered working mode (ISDN_VIA_*) of autodetect, 0 if none. */
unsigned isdn_cb_detected(const struct isdn_cb *cb, uint32_t peer_id);
/* Forgets it, e.g. when the peer's settings change. */
void isdn_cb_forget(struct isdn_cb *cb, uint32_t peer_id);

const char *isdn_cb_res_str(enum isdn_cb_res r);
/* "llc", "subaddr", "llc+subaddr", "b", "number" ... */
const char *isdn_via_str(unsigned via);

#endif
