/*
 * agent_isdn.h - the IPSec callback in the agent (agent_isdn.c): the glue
 * between the MIB rows, the isdn library (line, callback logic, tokens)
 * and the IKE engine.  Private to agent/.
 */
#ifndef IPSECGW_AGENT_ISDN_H
#define IPSECGW_AGENT_ISDN_H

#include "agent_store.h"

#include <stddef.h>
#include <stdint.h>

struct event_base;

/*
 * line: "sim:PATH" (isdnsim's socket), NULL: no ISDN.  prepare: the C5
 * script or NULL.  bind: --ike-bind (host order, 0: any), the address we
 * transfer when the prepare script names none.
 */
int agent_isdn_start(struct agent_store *st, struct event_base *base,
                     const char *line, const char *prepare, uint32_t bind);
void agent_isdn_stop(void);
void agent_isdn_changed(int gid, const struct agent_row *old_row,
                        const struct agent_row *new_row);

/*
 * Hooks for agent_engine.c.  acquire: a tunnel to the peer is needed; 1
 * if the callback takes care of it (a call is placed, running, or waits
 * for the peer's answer), 0 if IKE should initiate itself.  admin: the
 * peer's admin status became dialup or callback; 1 if handled.
 */
int agent_isdn_acquire(int32_t peer);
int agent_isdn_admin(int32_t peer, int64_t admin);
/* struct ike_callbacks.token_check */
int agent_isdn_token_check(void *arg, const uint8_t *token, size_t len,
                           uint32_t from, int32_t *peer, char *why,
                           size_t whylen);

/* agent_isdn_prep.c: C5 before a call (ok 0: failed; addr 0: none). */
typedef void (*agent_isdn_prep_done)(void *arg, int32_t peer, int ok,
                                     uint32_t addr);
int agent_isdn_prep_start(struct event_base *base, const char *script,
                          int32_t peer, const char *number,
                          agent_isdn_prep_done done, void *arg);
void agent_isdn_prep_cancel(int32_t peer);
int agent_isdn_prep_running(int32_t peer);
void agent_isdn_prep_stop(void);
/* Our current address (host order), 0 if none is found. */
uint32_t agent_isdn_local_addr(uint32_t bind);

#endif
