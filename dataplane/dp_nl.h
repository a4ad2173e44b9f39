/*
 * dp_nl.h - the routing the dataplane needs, over rtnetlink: the protected
 * remote networks are routed into the TUN device in a table of their own,
 * and one rule sends every packet not marked with our firewall mark to that
 * table, so the gateway's own IKE and ESP packets never loop into it.
 */
#ifndef IPSECGW_DP_NL_H
#define IPSECGW_DP_NL_H

#include <stdint.h>

/* ip rule add not fwmark MARK lookup TABLE pref TABLE (add = 0: del). */
int dp_nl_rule(int add, uint32_t mark, uint32_t table);
/* ip route add DST/PLEN dev IFINDEX table TABLE (add = 0: del). */
int dp_nl_route(int add, uint32_t dst, uint8_t plen, int ifindex,
                uint32_t table);

#endif
