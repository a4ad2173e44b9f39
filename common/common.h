/*
 * common.h - the small pieces every ipsecgw module shares: logging, durable
 * file writes and string helpers.  Nothing protocol-specific lives here.
 */
#ifndef IPSECGW_COMMON_H
#define IPSECGW_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Log levels follow syslog's numbering so they map 1:1. */
enum gw_log_level {
	GW_LOG_ERR = 3,
	GW_LOG_WARNING = 4,
	GW_LOG_NOTICE = 5,
	GW_LOG_INFO = 6,
	GW_LOG_DEBUG = 7,
};

void gw_log_init(const char *ident, int use_syslog, int level);
void gw_log_set_level(int level);
int gw_log_get_level(void);
int gw_log_level_parse(const char *name);
void gw_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void gw_vlog(int level, const char *fmt, va_list ap);

#define gw_err(...)    gw_log(GW_LOG_ERR, __VA_ARGS__)
#define gw_warn(...)   gw_log(GW_LOG_WARNING, __VA_ARGS__)
#define gw_notice(...) gw_log(GW_LOG_NOTICE, __VA_ARGS__)
#define gw_info(...)   gw_log(GW_LOG_INFO, __VA_ARGS__)
#define gw_debug(...)  gw_log(GW_LOG_DEBUG, __VA_ARGS__)

/*
 * Durable writes.  gw_file_replace() writes a whole file through a temporary
 * name, fsyncs it, renames it over the target and fsyncs the directory, so a
 * crash leaves either the old or the new file.  gw_fd_append_sync() appends
 * and fsyncs.  Both return 0 or -1 with errno set.
 */
int gw_file_replace(const char *path, const void *data, size_t len, int mode);
int gw_fd_append_sync(int fd, const void *data, size_t len);
int gw_dir_sync(const char *path);

/* A growable byte string for building text. */
struct gw_str {
	char *buf;
	size_t len;
	size_t cap;
};

void gw_str_init(struct gw_str *s);
void gw_str_free(struct gw_str *s);
void gw_str_reset(struct gw_str *s);
int gw_str_append(struct gw_str *s, const void *data, size_t len);
int gw_str_printf(struct gw_str *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends bytes as a double-quoted string with C-style \xNN escapes. */
int gw_str_quote(struct gw_str *s, const uint8_t *data, size_t len);
/*
 * Parses a quoted string produced by gw_str_quote() at *pp; on success stores
 * a malloc'd copy (NUL-terminated, length in *lenp) and advances *pp.
 */
int gw_str_unquote(const char **pp, uint8_t **out, size_t *lenp);

#endif
