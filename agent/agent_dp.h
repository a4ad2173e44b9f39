/*
 * agent_dp.h - translation between the MIB and the dataplane
 * (agent_dp.c).  Private to agent/.
 */
#ifndef IPSECGW_AGENT_DP_H
#define IPSECGW_AGENT_DP_H

#include "agent_store.h"
#include "dataplane.h"
#include "ike.h"

/* The rule chain of the current configuration; free with _free(). */
int agent_dp_policy(struct agent_store *st, struct dp_policy *pol);
void agent_dp_policy_free(struct dp_policy *pol);
/* IKE's SA pair in the dataplane's terms (keys copied: cleanse d). */
int agent_dp_sa_conf(const struct ike_child_sa *c, struct dp_sa_conf *d);
void agent_dp_refresh_stats(const struct dataplane *dp, struct agent_row *s);
void agent_dp_refresh_sas(const struct dataplane *dp, struct agent_store *st);
void agent_dp_refresh_traffic(const struct dataplane *dp,
                              struct agent_store *st);

#endif
