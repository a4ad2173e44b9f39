/*
 * ike_pld.h - ISAKMP message decoding (RFC 2408, RFC 2407, RFC 2409, RFC
 * 3947, RFC 3706).  The decoder has no engine dependencies: it checks bytes
 * and says where things are; choosing proposals, checking hashes and
 * deciding whether to answer a bad message are the caller's business.
 *
 * Plaintext message (Main/Aggressive Mode messages 1-4):
 *
 *	struct ike_msg m;
 *	err = ike_pld_parse(&m, pkt, len);
 *
 * Encrypted message (E flag): two steps, the caller decrypts in between.
 *
 *	err = ike_pld_header(&m, pkt, len);	// cookies, version, length...
 *	... find the SA by m.hdr cookies, decrypt pkt + IKE_HDR_LEN into plain
 *	err = ike_pld_walk(&m, plain, plainlen, 0, IKE_PLD_F_PADDED);
 *
 * Afterwards m.pld offsets point into the buffer given to ike_pld_walk()
 * (m.buf), which must outlive their use.  Sub-decoders (ike_pld_sa(),
 * ike_pld_id(), ...) take a payload body (ike_pld_body()) and its length;
 * they check everything themselves, so they are safe on any bytes.
 */
#ifndef IPSECGW_IKE_PLD_H
#define IPSECGW_IKE_PLD_H

#include <stddef.h>
#include <stdint.h>

#include "isakmp.h"

/*
 * Decode results.  Each error value is the ISAKMP notify message type (RFC
 * 2408 3.14.1) of the same name, so ike_pld_err_notify() is a cast.  RFC
 * 2408 section 5 says what a receiver does; in every case the message (or
 * the payload) is discarded and the event MAY be logged.  "notify" below
 * means an Informational exchange with that type MAY be sent, as local
 * security policy dictates; "log" means the RFC has no notify for it.
 * Problems found inside a Notification or Delete payload are log only
 * (5.14, 5.15): ike_pld_err_may_notify() applies that rule using
 * ike_msg.err_type.  Values without a producer here are for the engine.
 */
enum ike_pld_err {
	/* Not worth an answer: shorter than a header, or over our limits. */
	IKE_PLD_DROP = -1,
	IKE_PLD_OK = 0,
	/* 5.2/5.3: Next Payload unknown, or not allowed there. notify. */
	IKE_PLD_ERR_INVALID_PAYLOAD_TYPE = IKE_N_INVALID_PAYLOAD_TYPE,
	/* 5.4 SA: notify.  5.14/5.15 N, D: log. */
	IKE_PLD_ERR_DOI_NOT_SUPPORTED = IKE_N_DOI_NOT_SUPPORTED,
	/* 5.4 SA situation other than SIT_IDENTITY_ONLY: notify. */
	IKE_PLD_ERR_SITUATION_NOT_SUPPORTED = IKE_N_SITUATION_NOT_SUPPORTED,
	/* 5.2 all-zero initiator cookie: log only, never answered. */
	IKE_PLD_ERR_INVALID_COOKIE = IKE_N_INVALID_COOKIE,
	/* 5.2 major version is not 1: notify. */
	IKE_PLD_ERR_INVALID_MAJOR_VERSION = IKE_N_INVALID_MAJOR_VERSION,
	/* 5.2 minor version is not 0: notify. */
	IKE_PLD_ERR_INVALID_MINOR_VERSION = IKE_N_INVALID_MINOR_VERSION,
	/* 5.2 exchange type not defined: notify. */
	IKE_PLD_ERR_INVALID_EXCHANGE_TYPE = IKE_N_INVALID_EXCHANGE_TYPE,
	/* 5.2 undefined flag bits, or E where plaintext was asked: notify. */
	IKE_PLD_ERR_INVALID_FLAGS = IKE_N_INVALID_FLAGS,
	/* 5.2 phase 1 with a non-zero, phase 2 with a zero ID: notify. */
	IKE_PLD_ERR_INVALID_MESSAGE_ID = IKE_N_INVALID_MESSAGE_ID,
	/* 5.5 proposal protocol: notify.  N, D: log. */
	IKE_PLD_ERR_INVALID_PROTOCOL_ID = IKE_N_INVALID_PROTOCOL_ID,
	/* 5.5 SPI size wrong for the protocol: notify.  N, D: log. */
	IKE_PLD_ERR_INVALID_SPI = IKE_N_INVALID_SPI,
	/* 5.6 phase 1 transform other than KEY_IKE: notify. */
	IKE_PLD_ERR_INVALID_TRANSFORM_ID = IKE_N_INVALID_TRANSFORM_ID,
	/* Attribute value in a form we cannot use (ike_pld_attr_value). */
	IKE_PLD_ERR_ATTRIBUTES_NOT_SUPPORTED = IKE_N_ATTRIBUTES_NOT_SUPPORTED,
	IKE_PLD_ERR_NO_PROPOSAL_CHOSEN = IKE_N_NO_PROPOSAL_CHOSEN,
	/* 5.5/5.6 proposal/transform structure, counts, numbering: notify. */
	IKE_PLD_ERR_BAD_PROPOSAL_SYNTAX = IKE_N_BAD_PROPOSAL_SYNTAX,
	/* 5.3 reserved non-zero, lengths, sizes: notify. */
	IKE_PLD_ERR_PAYLOAD_MALFORMED = IKE_N_PAYLOAD_MALFORMED,
	/* 5.7 empty KE: notify. */
	IKE_PLD_ERR_INVALID_KEY_INFORMATION = IKE_N_INVALID_KEY_INFORMATION,
	/* 5.8 unknown ID type or data size wrong for it: notify. */
	IKE_PLD_ERR_INVALID_ID_INFORMATION = IKE_N_INVALID_ID_INFORMATION,
	/* 5.9/5.10 undefined certificate encoding: notify. */
	IKE_PLD_ERR_INVALID_CERT_ENCODING = IKE_N_INVALID_CERT_ENCODING,
	/* 5.9 empty certificate data: notify. */
	IKE_PLD_ERR_INVALID_CERTIFICATE = IKE_N_INVALID_CERTIFICATE,
	IKE_PLD_ERR_CERT_TYPE_UNSUPPORTED = IKE_N_CERT_TYPE_UNSUPPORTED,
	IKE_PLD_ERR_INVALID_CERT_AUTHORITY = IKE_N_INVALID_CERT_AUTHORITY,
	/* 5.11 empty hash: notify. */
	IKE_PLD_ERR_INVALID_HASH_INFORMATION = IKE_N_INVALID_HASH_INFORMATION,
	IKE_PLD_ERR_AUTHENTICATION_FAILED = IKE_N_AUTHENTICATION_FAILED,
	/* 5.12 empty signature: notify. */
	IKE_PLD_ERR_INVALID_SIGNATURE = IKE_N_INVALID_SIGNATURE,
	IKE_PLD_ERR_ADDRESS_NOTIFICATION = IKE_N_ADDRESS_NOTIFICATION,
	IKE_PLD_ERR_NOTIFY_SA_LIFETIME = IKE_N_NOTIFY_SA_LIFETIME,
	IKE_PLD_ERR_CERTIFICATE_UNAVAILABLE = IKE_N_CERTIFICATE_UNAVAILABLE,
	IKE_PLD_ERR_UNSUPPORTED_EXCHANGE_TYPE = IKE_N_UNSUPPORTED_EXCHANGE_TYPE,
	/* 5.1 header Length is not the datagram length, or the payload
	 * lengths do not add up to it: the message MUST be rejected; notify. */
	IKE_PLD_ERR_UNEQUAL_PAYLOAD_LENGTHS = IKE_N_UNEQUAL_PAYLOAD_LENGTHS,
};

/* The SA sub-decoder's extra checks depend on the phase (RFC 2409 5). */
#define IKE_PHASE_ANY 0
#define IKE_PHASE_1   1 /* one proposal, PROTO_ISAKMP, KEY_IKE */
#define IKE_PHASE_2   2 /* AH, ESP, IPComp; AND bundles by number */

/* Limits of one decoded message; exceeding them is IKE_PLD_DROP. */
#define IKE_PLD_MAX_PER_TYPE 16
#define IKE_PLD_MAX_CHAIN    48
#define IKE_PLD_NSLOTS       15

/* ike_pld_walk() flags. */
#define IKE_PLD_F_PADDED 0x01 /* bytes after the last payload are padding */
/* ID and NONCE bodies are RSA ciphertext (RFC 2409 5.2): only their
 * generic header is checked; the caller decrypts and checks them. */
#define IKE_PLD_F_PKE 0x02

/* The header, converted to host order. */
struct ike_hdr {
	uint8_t icookie[IKE_COOKIE_LEN];
	uint8_t rcookie[IKE_COOKIE_LEN];
	uint8_t next;
	uint8_t version;
	uint8_t exchange;
	uint8_t flags;
	uint32_t msgid;
	uint32_t length;
};

/* One payload found by the walker; offsets into ike_msg.buf. */
struct ike_pld {
	size_t hdr;   /* generic header */
	size_t off;   /* body: hdr + IKE_GEN_LEN */
	size_t len;   /* body length: Payload Length - IKE_GEN_LEN */
	uint8_t type; /* payload type */
	uint8_t pos;  /* position in the chain, 0 = first */
};

struct ike_msg {
	struct ike_hdr hdr;
	const uint8_t *buf; /* what the payload offsets refer to */
	size_t len;
	size_t end; /* end of the last payload (padding starts here) */
	/* Where the last failure was: payload type (IKE_PLD_NONE for the
	 * header) and the offset of its generic header in buf. */
	uint8_t err_type;
	size_t err_off;
	unsigned int nchain;
	uint8_t chain_type[IKE_PLD_MAX_CHAIN];
	uint8_t chain_idx[IKE_PLD_MAX_CHAIN];
	uint8_t count[IKE_PLD_NSLOTS];
	struct ike_pld pld[IKE_PLD_NSLOTS][IKE_PLD_MAX_PER_TYPE];
};

/*
 * One descriptor per payload type, shared by decoder, builder and tests:
 * the body is `fixed` octets of fixed fields then data of min_data to
 * max_data octets (max_data 0: up to the 16-bit length); a data part out
 * of range is `len_err`.  Proposal and Transform have descriptors but are
 * not allowed in the top-level chain (top == 0).
 */
struct ike_pld_desc {
	const char *name;
	uint8_t type;
	uint8_t top;
	uint16_t fixed;
	uint16_t min_data;
	uint16_t max_data;
	enum ike_pld_err len_err;
};

/* Step 1: the 28-byte header of a datagram of len bytes (RFC 2408 5.1,
 * 5.2).  m->hdr is filled even on failure when len >= IKE_HDR_LEN, so a
 * notify can carry the cookies. */
enum ike_pld_err ike_pld_header(struct ike_msg *m, const uint8_t *pkt,
                                size_t len);
/* Step 2: the payload chain starting with m->hdr.next at buf + off. */
enum ike_pld_err ike_pld_walk(struct ike_msg *m, const uint8_t *buf, size_t len,
                              size_t off, unsigned int flags);
/* Both steps for a message that must be plaintext (E set: INVALID_FLAGS). */
enum ike_pld_err ike_pld_parse(struct ike_msg *m, const uint8_t *pkt,
                               size_t len);
/* The same with ike_pld_walk() flags (IKE_PLD_F_PKE). */
enum ike_pld_err ike_pld_parse_flags(struct ike_msg *m, const uint8_t *pkt,
                                     size_t len, unsigned int flags);

unsigned int ike_pld_count(const struct ike_msg *m, uint8_t type);
const struct ike_pld *ike_pld_get(const struct ike_msg *m, uint8_t type,
                                  unsigned int i);
/* The payload at chain position pos, or NULL. */
const struct ike_pld *ike_pld_nth(const struct ike_msg *m, unsigned int pos);
const uint8_t *ike_pld_body(const struct ike_msg *m, const struct ike_pld *p);

const struct ike_pld_desc *ike_pld_desc(uint8_t type);
const char *ike_pld_name(uint8_t type);
/* IKE_PHASE_* whose SA rules apply to an exchange type. */
int ike_pld_phase(uint8_t exchange);
/* The per-type check the walker runs on a body (phase for SA payloads). */
enum ike_pld_err ike_pld_check(uint8_t type, const uint8_t *body, size_t len,
                               int phase);

uint16_t ike_pld_err_notify(enum ike_pld_err err);
const char *ike_pld_err_str(enum ike_pld_err err);
/* Whether RFC 2408 section 5 allows answering err with a notify. */
int ike_pld_err_may_notify(const struct ike_msg *m, enum ike_pld_err err);

/*
 * SA payload -> proposals -> transforms -> attributes.  ike_pld_sa()
 * checks the whole tree (lengths, next payload fields, counts, proposal
 * numbering, SPI sizes, phase rules) and counts proposals; the *_next()
 * iterators then step through it, nprop / nxform / nattr times each.
 * Iterators re-check bounds, so a caller that ignored an error is safe.
 */
struct ike_sa {
	uint32_t doi;
	uint32_t situation;
	unsigned int nprop;
	const uint8_t *buf; /* the SA body */
	size_t off;         /* next proposal */
	size_t end;
};

struct ike_prop {
	uint8_t num;
	uint8_t proto;
	uint8_t spi_size;
	uint8_t nxform;
	uint8_t spi[IKE_SPI_MAX];
	const uint8_t *buf;
	size_t off; /* next transform */
	size_t end;
	unsigned int idx;
};

struct ike_xform {
	uint8_t num;
	uint8_t id;
	uint8_t proto; /* of the proposal: selects the attribute table */
	unsigned int nattr;
	const uint8_t *buf;
	size_t off; /* next attribute */
	size_t end;
	unsigned int idx;
};

struct ike_attr {
	uint16_t type;       /* without the AF bit */
	uint8_t tv;          /* 1: TV form, value in val */
	uint8_t proto;       /* of the proposal */
	uint64_t val;        /* TV value; TLV value when len <= 8 */
	const uint8_t *data; /* TLV value */
	size_t len;
};

/* Attribute classes (RFC 2409 Appendix A, RFC 2407 4.5). */
#define IKE_ATTR_UNKNOWN 0
#define IKE_ATTR_BASIC   1
#define IKE_ATTR_VAR     2

enum ike_pld_err ike_pld_sa(const uint8_t *body, size_t len, int phase,
                            struct ike_sa *sa);
enum ike_pld_err ike_pld_sa_next(struct ike_sa *sa, struct ike_prop *p);
enum ike_pld_err ike_pld_prop_next(struct ike_prop *p, struct ike_xform *x);
enum ike_pld_err ike_pld_xform_next(struct ike_xform *x, struct ike_attr *a);
/* Class of attribute type in a proposal of protocol proto. */
int ike_pld_attr_class(uint8_t proto, uint16_t type);
/* The attribute as a number; basic attributes must be TV (RFC 2409). */
enum ike_pld_err ike_pld_attr_value(const struct ike_attr *a, uint64_t *v);

struct ike_data {
	const uint8_t *data;
	size_t len;
};

struct ike_id {
	uint8_t type;
	uint8_t proto;
	uint16_t port;
	const uint8_t *data;
	size_t len;
};

struct ike_cert {
	uint8_t encoding; /* Cert Encoding, or Cert. Type in a request */
	const uint8_t *data;
	size_t len;
};

struct ike_notify {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;
	const uint8_t *spi;
	const uint8_t *data;
	size_t len;
};

struct ike_delete {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t nspi;
	const uint8_t *spis; /* nspi * spi_size octets */
};

struct ike_natoa {
	uint8_t type;
	const uint8_t *addr;
	size_t len;
};

/* KE, HASH, SIG, NONCE, VID, NAT-D (either number): opaque data checked
 * against the descriptor (nonce 8..256 octets). */
enum ike_pld_err ike_pld_data(uint8_t type, const uint8_t *body, size_t len,
                              struct ike_data *d);
enum ike_pld_err ike_pld_id(const uint8_t *body, size_t len, struct ike_id *id);
/* CERT or CR. */
enum ike_pld_err ike_pld_cert(uint8_t type, const uint8_t *body, size_t len,
                              struct ike_cert *c);
enum ike_pld_err ike_pld_notify(const uint8_t *body, size_t len,
                                struct ike_notify *n);
/* R-U-THERE / R-U-THERE-ACK sequence number (RFC 3706). */
enum ike_pld_err ike_pld_dpd(const struct ike_notify *n, uint32_t *seq);
/* RESPONDER-LIFETIME data: seconds and kB (0 where the list has none). */
enum ike_pld_err ike_pld_lifetime(const struct ike_notify *n, uint32_t *seconds,
                                  uint32_t *kbytes);
enum ike_pld_err ike_pld_delete(const uint8_t *body, size_t len,
                                struct ike_delete *d);
/* The i-th SPI of a decoded Delete payload, or NULL. */
const uint8_t *ike_pld_delete_spi(const struct ike_delete *d, unsigned int i);
/* NAT-OA under either number. */
enum ike_pld_err ike_pld_natoa(uint8_t type, const uint8_t *body, size_t len,
                               struct ike_natoa *o);

#endif
