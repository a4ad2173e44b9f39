/*
 * isdn_cb.h - the decisions of the IPSec callback as pure functions, so
 * they can be tested without a line: what the next call carries (plan),
 * what the callee's response means for the caller (judge) and how a
 * callee answers an incoming call (decide).  docs/isdn.md, "Autodetect",
 * describes the procedure these implement.
 */
#ifndef IPSECGW_ISDN_CB_H
#define IPSECGW_ISDN_CB_H

#include "isdn.h"

/* What a callback call sends. */
struct isdn_cb_plan {
	unsigned carry; /* ISDN_VIA_LLC | ISDN_VIA_SUBADDR in the SETUP */
	int b_allowed;  /* ask for a B channel: the callee may answer */
};

/* What came back. */
struct isdn_cb_response {
	int connected;   /* the callee answered */
	int have_status; /* a status octet arrived (cause #21 or B ACK) */
	uint8_t status;  /* ISDN_ST_* */
	uint8_t cause;   /* clearing cause, 0 if none */
	int timeout;     /* no final answer in time */
	int b_failed;    /* connected, but no valid ACK frame */
};

/* How a callee answers. */
struct isdn_cb_answer {
	int connect;    /* answer so the record can come over B */
	uint8_t status; /* ISDN_ST_* sent with the rejection */
	enum isdn_cb_verdict verdict;
};

/* -1 if the peer does not make calls (disabled or passive-only). */
int isdn_cb_plan(const struct isdn_cb_peer *peer, unsigned detected,
                 struct isdn_cb_plan *plan);
/* Fills r (res, via, cause, connected, detected) from the response. */
void isdn_cb_judge(const struct isdn_cb_peer *peer,
                   const struct isdn_cb_plan *plan,
                   const struct isdn_cb_response *resp, unsigned detected,
                   struct isdn_cb_result *r);
/* peer NULL: the calling number is unknown. */
void isdn_cb_decide(const struct isdn_cb_peer *peer, unsigned via_ok,
                    int b_offered, struct isdn_cb_answer *a);
/* Autodetect modes remember what worked; the others never do. */
int isdn_cb_autodetect(const struct isdn_cb_peer *peer);

#endif
