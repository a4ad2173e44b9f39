/*
 * agent_ike.h - translates MIB rows into the IKE engine's configuration:
 * every "default" is resolved here (peer -> its profile -> the global
 * default profile -> built-in values), so the engine never sees the MIB.
 * Private to agent/.
 */
#ifndef IPSECGW_AGENT_IKE_H
#define IPSECGW_AGENT_IKE_H

#include "agent_store.h"
#include "ike.h"

/*
 * Fills c for peer index (traffic entries allocated into c->traffic; free
 * with agent_ike_peer_free).  Returns -1 if the peer does not exist or is
 * not active.
 */
int agent_ike_peer(struct agent_store *st, int32_t index,
                   struct ike_peer_conf *c);
void agent_ike_peer_free(struct ike_peer_conf *c);
void agent_ike_global(struct agent_store *st, struct ike_global_conf *g);
/*
 * One traffic list's active rows in order from its marker (0: the first);
 * peer < 0 matches any.  free() the array; NULL when out of memory.
 */
const struct agent_row **agent_traffic_list(struct agent_store *st,
                                            int64_t list, int64_t peer,
                                            int32_t marker, size_t *count);

#endif
