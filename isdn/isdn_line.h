/*
 * isdn_line.h - what a line driver implements.  A driver embeds struct
 * isdn_line first in its own state and fills in an ops table; the public
 * isdn_line_*() calls in isdn.h dispatch through it, and the driver
 * reports through the isdn_line_cbs its user installed.  The operations
 * map one to one onto CAPI 2.0 so a CAPI driver fits without changes
 * above this layer:
 *
 *   call      CONNECT_REQ (CIP from the bearer, called/calling number,
 *             called subaddress, LLC; B protocol only with b_channel)
 *   alert     ALERT_REQ
 *   answer    CONNECT_RESP with Reject = 0 (accept)
 *   hangup    CONNECT_RESP with Reject = 0x3480|cause before answering,
 *             DISCONNECT_REQ afterwards
 *   send_b    DATA_B3_REQ
 *
 * and reports incoming <- CONNECT_IND, progress <- INFO_IND (proceeding,
 * alerting), CONNECT_ACTIVE_IND, DISCONNECT_IND; b_data <- DATA_B3_IND;
 * charge <- INFO_IND with the charging information / AOC facility.
 */
#ifndef IPSECGW_ISDN_LINE_H
#define IPSECGW_ISDN_LINE_H

#include "isdn.h"

struct isdn_line_ops {
	const char *name;
	int (*call)(struct isdn_line *l, const struct isdn_call_req *req,
	            uint32_t *call);
	int (*alert)(struct isdn_line *l, uint32_t call);
	int (*answer)(struct isdn_line *l, uint32_t call);
	int (*hangup)(struct isdn_line *l, uint32_t call,
	              const struct isdn_cause *cause);
	int (*send_b)(struct isdn_line *l, uint32_t call, const uint8_t *data,
	              size_t len);
	int (*is_up)(const struct isdn_line *l);
	void (*free)(struct isdn_line *l);
};

struct isdn_line {
	const struct isdn_line_ops *ops;
	struct isdn_line_cbs cbs;
	void *arg;
};

#endif
