/*
 * isdn_num.c - party numbers and the incoming-call dispatch table
 * (ipsecIsdnDspTable): which called numbers the IPSec service answers.
 */
#include "isdn.h"

#include <string.h>

int
isdn_number_valid(const char *n)
{
	size_t i, len;

	if (n == NULL)
		return 0;
	len = strnlen(n, ISDN_NUMBER_MAX + 1);
	if (len == 0 || len > ISDN_NUMBER_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || n[i] == '*' ||
		      n[i] == '#'))
			return 0;
	return 1;
}

/* The incoming number is entered without the trunk prefix "0" (seed 002
 * §3.1); exchanges that present it with the prefix still match. */
int
isdn_number_match(const char *incoming, const char *presented)
{
	if (!isdn_number_valid(incoming) || !isdn_number_valid(presented))
		return 0;
	if (strcmp(incoming, presented) == 0)
		return 1;
	return presented[0] == '0' && incoming[0] != '0' &&
	       strcmp(incoming, presented + 1) == 0;
}

static int
bearer_fits(enum isdn_dsp_bearer want, enum isdn_bearer got)
{
	switch (want) {
	case ISDN_DSP_ANY:
		return 1;
	case ISDN_DSP_DATA:
		return got == ISDN_BEARER_DATA;
	case ISDN_DSP_VOICE:
		return got == ISDN_BEARER_SPEECH || got == ISDN_BEARER_AUDIO;
	}
	return 0;
}

/* Right to left: the entry matches the end of the called number (an MSN
 * without the area code still matches); left to right: its start. */
static int
number_fits(const char *num, enum isdn_dsp_mode mode, const char *called)
{
	size_t n = strlen(num), c = strlen(called);

	if (n == 0 || n > c)
		return 0;
	if (mode == ISDN_DSP_LEFT_TO_RIGHT)
		return strncmp(num, called, n) == 0;
	return strcmp(num, called + (c - n)) == 0;
}

int
isdn_dsp_match(const struct isdn_dsp_entry *e, size_t n, const char *called,
               enum isdn_bearer bearer)
{
	size_t i;

	if (called == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (e[i].number != NULL &&
		    number_fits(e[i].number, e[i].mode, called) &&
		    bearer_fits(e[i].bearer, bearer))
			return (int)i;
	return -1;
}
