/*
 * isdn_q931.h - Q.931 / ETSI EDSS1 (EN 300 403) layer 3 messages: the
 * call control subset the IPSec callback and the simulated exchange use.
 *
 *   octet 1      protocol discriminator 0x08
 *   octet 2      0000 LLLL  length of the call reference (0..2 here)
 *   octet 3..    F vvvvvvv [vvvvvvvv]  flag + call reference value
 *   next         0 ttttttt  message type
 *   then         information elements: single octet (bit 8 = 1) or
 *                identifier, length, contents (bit 8 = 0)
 *
 * Codeset 0 IEs below are decoded; the network-specific charging IE is
 * decoded in codeset 6 (reached with a shift); everything else is skipped.
 * Decoding never reads past the given length and reports the first
 * problem as an error code; encoding writes into the caller's buffer.
 */
#ifndef IPSECGW_ISDN_Q931_H
#define IPSECGW_ISDN_Q931_H

#include <stddef.h>
#include <stdint.h>

#include "isdn.h"

#define ISDN_Q931_PD      0x08
#define ISDN_Q931_MAX_LEN 260 /* N201 of LAPD: one I frame */

enum isdn_q931_type {
	ISDN_Q931_ALERTING = 0x01,
	ISDN_Q931_CALL_PROCEEDING = 0x02,
	ISDN_Q931_SETUP = 0x05,
	ISDN_Q931_CONNECT = 0x07,
	ISDN_Q931_CONNECT_ACK = 0x0f,
	ISDN_Q931_DISCONNECT = 0x45,
	ISDN_Q931_RELEASE = 0x4d,
	ISDN_Q931_RELEASE_COMPLETE = 0x5a,
	ISDN_Q931_INFORMATION = 0x7b,
};

/* Information element identifiers. */
#define ISDN_IE_BEARER           0x04
#define ISDN_IE_CAUSE            0x08
#define ISDN_IE_CHANID           0x18
#define ISDN_IE_CALLING          0x6c
#define ISDN_IE_CALLING_SUB      0x6d
#define ISDN_IE_CALLED           0x70
#define ISDN_IE_CALLED_SUB       0x71
#define ISDN_IE_LLC              0x7c
#define ISDN_IE_SHIFT            0x90 /* 1001 N ccc: N = non-locking */
#define ISDN_IE_SENDING_COMPLETE 0xa1
#define ISDN_IE6_CHARGING        0x02 /* codeset 6 */

/* Bits of isdn_q931_msg.present. */
#define ISDN_Q931_F_BEARER           0x0001u
#define ISDN_Q931_F_CAUSE            0x0002u
#define ISDN_Q931_F_CHANID           0x0004u
#define ISDN_Q931_F_CALLING          0x0008u
#define ISDN_Q931_F_CALLING_SUB      0x0010u
#define ISDN_Q931_F_CALLED           0x0020u
#define ISDN_Q931_F_CALLED_SUB       0x0040u
#define ISDN_Q931_F_LLC              0x0080u
#define ISDN_Q931_F_CHARGE           0x0100u
#define ISDN_Q931_F_SENDING_COMPLETE 0x0200u

enum isdn_q931_err {
	ISDN_Q931_OK = 0,
	ISDN_Q931_ERR_SHORT,      /* shorter than the header */
	ISDN_Q931_ERR_PD,         /* not protocol discriminator 0x08 */
	ISDN_Q931_ERR_CREF,       /* call reference length not 0..2 */
	ISDN_Q931_ERR_MSGTYPE,    /* unknown message type */
	ISDN_Q931_ERR_IE_TRUNC,   /* IE runs past the end of the message */
	ISDN_Q931_ERR_IE_LEN,     /* IE length out of range for its type */
	ISDN_Q931_ERR_IE_CONTENT, /* IE contents invalid */
	ISDN_Q931_ERR_SHIFT,      /* locking shift to a lower codeset */
	ISDN_Q931_ERR_MANDATORY,  /* mandatory IE missing */
	ISDN_Q931_ERR_NOSPACE,    /* encode: buffer too small */
	ISDN_Q931_ERR_ARG,        /* encode: field out of range */
};

/* Bearer capability: contents kept as sent, main fields decoded. */
struct isdn_ie_bearer {
	uint8_t len; /* 2..10 */
	uint8_t raw[10];
	uint8_t coding; /* octet 3 bits 7-6 */
	uint8_t cap;    /* information transfer capability */
	uint8_t mode;   /* octet 4 bits 7-6: 0 circuit */
	uint8_t rate;   /* octet 4 bits 5-1: 0x10 = 64 kbit/s */
	uint8_t l1;     /* user information layer 1 protocol, 0 = absent */
};

#define ISDN_CAP_SPEECH  0x00
#define ISDN_CAP_DIGITAL 0x08
#define ISDN_CAP_AUDIO   0x10

/* Channel identification (basic access decoded, primary kept raw). */
struct isdn_ie_chanid {
	uint8_t len; /* 1..6 */
	uint8_t raw[6];
	uint8_t primary;   /* interface type: 1 = other than basic */
	uint8_t exclusive; /* 1 = only the indicated channel */
	uint8_t dchan;     /* the D channel is indicated */
	uint8_t sel;       /* basic: 0 none, 1 B1, 2 B2, 3 any */
};

struct isdn_ie_cause {
	uint8_t coding;
	uint8_t location;
	uint8_t has_rec; /* octet 3a present */
	uint8_t rec;
	uint8_t value;
	uint8_t diag_len;
	uint8_t diag[ISDN_CAUSE_DIAG_MAX];
};

struct isdn_ie_number {
	uint8_t type;   /* type of number, bits 7-5 */
	uint8_t plan;   /* numbering plan, bits 4-1 */
	uint8_t has_3a; /* calling only: presentation and screening */
	uint8_t presentation;
	uint8_t screening;
	char digits[ISDN_NUMBER_MAX + 1];
};

struct isdn_ie_subaddr {
	uint8_t type; /* 0 NSAP, 2 user specified */
	uint8_t odd;
	uint8_t len; /* 0..20 */
	uint8_t info[20];
};

#define ISDN_SUBADDR_NSAP 0
#define ISDN_SUBADDR_USER 2

struct isdn_ie_llc {
	uint8_t len; /* 2..16 */
	uint8_t raw[ISDN_LLC_MAX];
	uint8_t coding; /* octet 3, as in the bearer capability */
	uint8_t cap;
};

/* Codeset 6 charging information: kind octet + 1..10 IA5 digits. */
#define ISDN_CHARGE_DURING 0x01
#define ISDN_CHARGE_TOTAL  0x02

struct isdn_q931_msg {
	uint8_t type;
	uint8_t cref_len;  /* 0, 1 (basic access) or 2 (primary rate) */
	uint8_t cref_flag; /* 1: sent by the side that did not allocate it */
	uint16_t cref;     /* without the flag */
	uint32_t present;  /* ISDN_Q931_F_* */
	struct isdn_ie_bearer bearer;
	struct isdn_ie_cause cause;
	struct isdn_ie_chanid chanid;
	struct isdn_ie_number calling;
	struct isdn_ie_subaddr calling_sub;
	struct isdn_ie_number called;
	struct isdn_ie_subaddr called_sub;
	struct isdn_ie_llc llc;
	uint8_t charge_kind;
	uint32_t charge_units;
	uint16_t n_skipped;  /* unknown IEs and IEs of other codesets */
	uint16_t n_repeated; /* repeated IEs (only the first counts) */
};

enum isdn_q931_err isdn_q931_decode(const uint8_t *buf, size_t len,
                                    struct isdn_q931_msg *m);
/* Writes m into buf; *out_len is the message length. */
enum isdn_q931_err isdn_q931_encode(const struct isdn_q931_msg *m, uint8_t *buf,
                                    size_t cap, size_t *out_len);

void isdn_q931_init(struct isdn_q931_msg *m, uint8_t type, uint16_t cref,
                    int flag);
/* Fill the raw IEs from the usual values. */
void isdn_q931_bearer_set(struct isdn_ie_bearer *bc, enum isdn_bearer b);
enum isdn_bearer isdn_q931_bearer_kind(const struct isdn_ie_bearer *bc);
void isdn_q931_chanid_bri(struct isdn_ie_chanid *ci, int exclusive,
                          uint8_t sel);
int isdn_q931_llc_set(struct isdn_ie_llc *llc, const uint8_t *raw, size_t len);
/* Copies digits into a number IE: 0 ok, -1 invalid or too long. */
int isdn_q931_number_set(struct isdn_ie_number *n, const char *digits);
void isdn_q931_cause_set(struct isdn_q931_msg *m, const struct isdn_cause *c);
void isdn_q931_cause_get(const struct isdn_q931_msg *m, struct isdn_cause *c);
/* Subaddress IE contents (type octet + info) to and from the struct. */
int isdn_q931_subaddr_from_raw(struct isdn_ie_subaddr *s, const uint8_t *raw,
                               size_t len);
size_t isdn_q931_subaddr_to_raw(const struct isdn_ie_subaddr *s, uint8_t *raw,
                                size_t cap);

const char *isdn_q931_err_str(enum isdn_q931_err e);
const char *isdn_q931_type_str(uint8_t type);
/* The cause a receiver sends back for a decode error (Q.931 5.8). */
uint8_t isdn_q931_err_cause(enum isdn_q931_err e);

#endif
