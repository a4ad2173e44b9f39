/*
 * isdn_cb_logic.c - the callback's decisions, free of I/O.  The D channel
 * is free because the callee rejects the call after reading it; the B
 * channel needs an answered, charged call.  So every mode that may use
 * the D channel tries it first, and a SETUP that also asks for a B channel
 * lets a callee that received nothing answer at once: the fallback costs
 * one charged call and no extra free one.
 */
#include "isdn_cb.h"

#include "isdn_xfer.h"

int
isdn_cb_autodetect(const struct isdn_cb_peer *peer)
{
	return peer->transfer_ip && (peer->xfer_mode == ISDN_XM_AUTO_D_OR_B ||
	                             peer->xfer_mode == ISDN_XM_AUTO_D);
}

static unsigned
dmode_bits(enum isdn_dmode d)
{
	switch (d) {
	case ISDN_DM_SUBADDR:
		return ISDN_VIA_SUBADDR;
	case ISDN_DM_LLC_SUBADDR:
		return ISDN_VIA_LLC | ISDN_VIA_SUBADDR;
	default:
		return ISDN_VIA_LLC;
	}
}

/* Autodetect sends LLC and subaddress together until it knows which of
 * them reach the peer, then only what worked (or B directly). */
int
isdn_cb_plan(const struct isdn_cb_peer *peer, unsigned detected,
             struct isdn_cb_plan *plan)
{
	unsigned d = detected & (ISDN_VIA_LLC | ISDN_VIA_SUBADDR);

	plan->carry = 0;
	plan->b_allowed = 0;
	if (peer->mode != ISDN_CB_ACTIVE && peer->mode != ISDN_CB_BOTH)
		return -1;
	if (!peer->transfer_ip)
		return 0;
	switch (peer->xfer_mode) {
	case ISDN_XM_AUTO_D_OR_B:
		plan->b_allowed = 1;
		if (!(detected & ISDN_VIA_B))
			plan->carry =
			    d != 0 ? d : ISDN_VIA_LLC | ISDN_VIA_SUBADDR;
		break;
	case ISDN_XM_AUTO_D:
		plan->carry = d != 0 ? d : ISDN_VIA_LLC | ISDN_VIA_SUBADDR;
		break;
	case ISDN_XM_SPECIFIC_D:
		plan->carry = dmode_bits(peer->dmode);
		break;
	case ISDN_XM_SPECIFIC_D_B:
		plan->carry = dmode_bits(peer->dmode);
		plan->b_allowed = 1;
		break;
	case ISDN_XM_B:
		plan->b_allowed = 1;
		break;
	}
	return 0;
}

/* The callee's status octet, from cause #21 or a B-channel ACK. */
static enum isdn_cb_res
judge_status(const struct isdn_cb_peer *peer, const struct isdn_cb_plan *plan,
             uint8_t st, int connected, unsigned *via)
{
	*via = 0;
	if (st & ISDN_ST_REFUSED)
		return ISDN_CB_E_REFUSED;
	if (!(st & ISDN_ST_ACCEPTED))
		return ISDN_CB_E_UNKNOWN;
	if (connected) {
		*via = (st & ISDN_ST_B) ? ISDN_VIA_B : 0;
		return *via != 0 ? ISDN_CB_OK : ISDN_CB_E_B_FAILED;
	}
	*via = st & plan->carry & (ISDN_VIA_LLC | ISDN_VIA_SUBADDR);
	if (!peer->transfer_ip || *via != 0)
		return ISDN_CB_OK;
	return ISDN_CB_E_NOT_DELIVERED;
}

static enum isdn_cb_res
judge_res(const struct isdn_cb_peer *peer, const struct isdn_cb_plan *plan,
          const struct isdn_cb_response *resp, unsigned *via)
{
	*via = 0;
	if (resp->have_status)
		return judge_status(peer, plan, resp->status, resp->connected,
		                    via);
	if (resp->connected)
		return ISDN_CB_E_B_FAILED;
	if (resp->timeout)
		return ISDN_CB_E_TIMEOUT;
	/* A peer without the status diagnostic: identification by the
	 * calling number still worked if it rejected as a callee does. */
	if (resp->cause == ISDN_CAUSE_REJECTED)
		return peer->transfer_ip ? ISDN_CB_E_UNCONFIRMED : ISDN_CB_OK;
	return ISDN_CB_E_CALL;
}

void
isdn_cb_judge(const struct isdn_cb_peer *peer, const struct isdn_cb_plan *plan,
              const struct isdn_cb_response *resp, unsigned detected,
              struct isdn_cb_result *r)
{
	unsigned via = 0;

	r->peer_id = peer->id;
	r->sent = plan->carry;
	r->b_allowed = plan->b_allowed;
	r->connected = resp->connected;
	r->cause = resp->cause;
	r->res = judge_res(peer, plan, resp, &via);
	r->via = via;
	/* What worked is remembered; a failed delivery forgets, other
	 * failures (busy, unallocated, timeout) say nothing about it. */
	r->detected = detected;
	if (r->res == ISDN_CB_OK)
		r->detected = via;
	if (!isdn_cb_autodetect(peer) || r->res == ISDN_CB_E_NOT_DELIVERED ||
	    r->res == ISDN_CB_E_B_FAILED)
		r->detected = 0;
}

/* A known passive/both peer is accepted; a record that arrived in the D
 * channel is enough, otherwise an offered B channel is taken. */
void
isdn_cb_decide(const struct isdn_cb_peer *peer, unsigned via_ok, int b_offered,
               struct isdn_cb_answer *a)
{
	via_ok &= ISDN_VIA_LLC | ISDN_VIA_SUBADDR;
	a->connect = 0;
	if (peer == NULL) {
		a->status = 0;
		a->verdict = ISDN_CB_IN_UNKNOWN;
		return;
	}
	if (peer->mode != ISDN_CB_PASSIVE && peer->mode != ISDN_CB_BOTH) {
		a->status = (uint8_t)(ISDN_ST_REFUSED | via_ok);
		a->verdict = ISDN_CB_IN_REFUSED;
		return;
	}
	a->verdict = ISDN_CB_IN_ACCEPTED;
	a->status = (uint8_t)(ISDN_ST_ACCEPTED | via_ok);
	if (via_ok == 0 && b_offered)
		a->connect = 1;
}

const char *
isdn_cb_res_str(enum isdn_cb_res r)
{
	static const char *const names[] = {
	    [ISDN_CB_OK] = "ok",
	    [ISDN_CB_E_NOT_ACTIVE] = "not-active",
	    [ISDN_CB_E_CONFIG] = "config",
	    [ISDN_CB_E_IN_PROGRESS] = "in-progress",
	    [ISDN_CB_E_LINE] = "line",
	    [ISDN_CB_E_PREPARE] = "prepare-failed",
	    [ISDN_CB_E_CALL] = "call-failed",
	    [ISDN_CB_E_REFUSED] = "refused",
	    [ISDN_CB_E_UNKNOWN] = "unknown-peer",
	    [ISDN_CB_E_NOT_DELIVERED] = "not-delivered",
	    [ISDN_CB_E_UNCONFIRMED] = "unconfirmed",
	    [ISDN_CB_E_B_FAILED] = "b-failed",
	    [ISDN_CB_E_TIMEOUT] = "timeout",
	};

	if ((size_t)r < sizeof(names) / sizeof(names[0]) && names[r] != NULL)
		return names[r];
	return "unknown";
}

const char *
isdn_via_str(unsigned via)
{
	switch (via & (ISDN_VIA_LLC | ISDN_VIA_SUBADDR | ISDN_VIA_B)) {
	case 0:
		return "number";
	case ISDN_VIA_LLC:
		return "llc";
	case ISDN_VIA_SUBADDR:
		return "subaddr";
	case ISDN_VIA_LLC | ISDN_VIA_SUBADDR:
		return "llc+subaddr";
	case ISDN_VIA_B:
		return "b";
	case ISDN_VIA_B | ISDN_VIA_LLC:
		return "llc+b";
	case ISDN_VIA_B | ISDN_VIA_SUBADDR:
		return "subaddr+b";
	default:
		return "llc+subaddr+b";
	}
}
