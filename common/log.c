/*
 * log.c - leveled logging to stderr or syslog.  Callers must never pass key
 * material here: the configuration store only ever logs object names.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

static int log_level = GW_LOG_NOTICE;
static int log_syslog;
static const char *log_ident = "ipsecgw";

void
gw_log_init(const char *ident, int use_syslog, int level)
{
	log_ident = ident;
	log_syslog = use_syslog;
	log_level = level;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
gw_log_set_level(int level)
{
	log_level = level;
}

int
gw_log_get_level(void)
{
	return log_level;
}

/* Accepts syslog names or numbers so operators can use either. */
int
gw_log_level_parse(const char *name)
{
	static const struct {
		const char *name;
		int level;
	} names[] = {
	    {"err", GW_LOG_ERR},         {"error", GW_LOG_ERR},
	    {"warning", GW_LOG_WARNING}, {"warn", GW_LOG_WARNING},
	    {"notice", GW_LOG_NOTICE},   {"info", GW_LOG_INFO},
	    {"debug", GW_LOG_DEBUG},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0)
			return names[i].level;
	if (name[0] >= '3' && name[0] <= '7' && name[1] == '\0')
		return name[0] - '0';
	return -1;
}

void
gw_vlog(int level, const char *fmt, va_list ap)
{
	static const char *const tags[] = {
	    "", "", "", "error", "warning", "notice", "info", "debug"};
	char tbuf[32];
	struct tm tm;
	time_t now;

	if (level > log_level)
		return;
	if (log_syslog) {
		vsyslog(level, fmt, ap);
		return;
	}
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(tbuf, sizeof(tbuf), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s %s[%s]: ", tbuf, log_ident,
	        (level >= 0 && level <= 7) ? tags[level] : "?");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
gw_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gw_vlog(level, fmt, ap);
	va_end(ap);
}
