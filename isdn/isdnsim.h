/*
 * isdnsim.h - the simulated exchange's core, separate from its process and
 * socket handling (isdnsim.c) so the routing can be driven directly.
 * Subscribers register their numbers; SETUP is routed by called number,
 * the calling number is screened and presented, the telephone company
 * profile removes IEs from the delivered SETUP, progress and clearing are
 * relayed, B-channel data flows once connected, and answered calls are
 * charged to the caller's number.
 */
#ifndef IPSECGW_ISDNSIM_H
#define IPSECGW_ISDNSIM_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct gw_str;
struct xchg;
struct xsub;

enum xchg_profile {
	XCHG_PASS_ALL = 0,
	XCHG_DROP_LLC,
	XCHG_DROP_SUBADDR,
	XCHG_DROP_BOTH,
};

struct xchg_conf {
	enum xchg_profile profile;
	uint32_t unit_secs;   /* one charging unit per this many seconds */
	uint32_t t303_secs;   /* callee must respond to SETUP within */
	uint32_t answer_secs; /* callee must answer within, once alerted */
};

/* Sends a frame (isdn_frame.h) to the subscriber's connection. */
typedef void (*xsub_send_fn)(void *io, uint8_t type, const uint8_t *p,
                             size_t len);

int xchg_profile_parse(const char *name, enum xchg_profile *p);
const char *xchg_profile_name(enum xchg_profile p);

struct xchg *xchg_new(struct event_base *base, const struct xchg_conf *conf);
void xchg_free(struct xchg *x);
struct xsub *xchg_sub_new(struct xchg *x, xsub_send_fn send, void *io);
/* The connection is gone: clears its calls, forgets its numbers. */
void xchg_sub_gone(struct xchg *x, struct xsub *s);
void xchg_sub_frame(struct xchg *x, struct xsub *s, uint8_t type,
                    const uint8_t *p, size_t len);
/* A control command; the answer is appended to reply. */
void xchg_ctl(struct xchg *x, const char *cmd, struct gw_str *reply);

#endif
