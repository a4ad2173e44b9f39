/*
 * isdn_line.c - the driver-independent entry points: argument checks and
 * dispatch through the driver's ops table.
 */
#include "isdn_line.h"

#include <string.h>

void
isdn_line_set_cbs(struct isdn_line *l, const struct isdn_line_cbs *cbs,
                  void *arg)
{
	if (cbs != NULL)
		l->cbs = *cbs;
	else
		memset(&l->cbs, 0, sizeof(l->cbs));
	l->arg = arg;
}

int
isdn_line_call(struct isdn_line *l, const struct isdn_call_req *req,
               uint32_t *call)
{
	if (l == NULL || req == NULL || call == NULL || req->called == NULL ||
	    !isdn_number_valid(req->called))
		return -1;
	return l->ops->call(l, req, call);
}

int
isdn_line_alert(struct isdn_line *l, uint32_t call)
{
	return l == NULL ? -1 : l->ops->alert(l, call);
}

int
isdn_line_answer(struct isdn_line *l, uint32_t call)
{
	return l == NULL ? -1 : l->ops->answer(l, call);
}

int
isdn_line_hangup(struct isdn_line *l, uint32_t call,
                 const struct isdn_cause *cause)
{
	struct isdn_cause normal = {.value = ISDN_CAUSE_NORMAL};

	if (l == NULL)
		return -1;
	return l->ops->hangup(l, call, cause != NULL ? cause : &normal);
}

int
isdn_line_send_b(struct isdn_line *l, uint32_t call, const uint8_t *data,
                 size_t len)
{
	if (l == NULL || (data == NULL && len > 0))
		return -1;
	return l->ops->send_b(l, call, data, len);
}

int
isdn_line_is_up(const struct isdn_line *l)
{
	return l != NULL && l->ops->is_up(l);
}

const char *
isdn_line_name(const struct isdn_line *l)
{
	return l == NULL ? "none" : l->ops->name;
}

void
isdn_line_free(struct isdn_line *l)
{
	if (l != NULL)
		l->ops->free(l);
}
