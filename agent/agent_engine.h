/*
 * agent_engine.h - the agent's side of the IKE engine (agent_engine.c).
 * Private to agent/.
 */
#ifndef IPSECGW_AGENT_ENGINE_H
#define IPSECGW_AGENT_ENGINE_H

#include "agent_store.h"

struct event_base;

/* ports < 0: from ipsecGlobIkePort / ipsecGlobNatTPort; 0: any free. */
/* tun: the TUN device name, "none" or NULL: no packet I/O. */
int agent_engine_start(struct agent_store *st, struct event_base *base,
                       uint32_t bind, int ike_port, int natt_port,
                       const char *tun);
void agent_engine_stop(void);
void agent_engine_changed(int gid, const struct agent_row *old_row,
                          const struct agent_row *new_row);

/* IKE messages dropped as malformed; failed negotiations. */
void agent_engine_counters(uint64_t *malformed, uint64_t *failed);

/* The dataplane, for the counters agent_status.c serves. */
struct dataplane;
const struct dataplane *agent_engine_dp(void);

/* The IKE engine, for the ISDN callback (agent_isdn.c); NULL if none. */
struct ike_engine;
struct ike_engine *agent_engine_ike(void);

#endif
