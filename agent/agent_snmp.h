/*
 * agent_snmp.h - the Net-SNMP side of the agent: one handler that serves
 * the whole IPSECGW-MIB from the configuration store, and the glue that
 * drives Net-SNMP from the libevent loop.  Private to agent/.
 */
#ifndef IPSECGW_AGENT_SNMP_H
#define IPSECGW_AGENT_SNMP_H

#include "agent_store.h"

struct event_base;
struct agent_ev;

int agent_snmp_register(struct agent_store *st);
void agent_snmp_unregister(void);

struct agent_ev *agent_ev_new(struct event_base *base);
void agent_ev_update(struct agent_ev *ev);
void agent_ev_free(struct agent_ev *ev);

/* Refreshes derived read-only values (statistics, oper status). */
void agent_status_refresh(struct agent_store *st, int gid);

#endif
