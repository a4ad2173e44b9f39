/*
 * agent_persist.c - the state file format and its durable update.
 *
 * Both files are text, one record per line, so an administrator can read
 * them and an error can name a line:
 *   R <group> <index> <object>=<value> ...   full image of a row
 *   D <group> <index>                        row destroyed
 * The snapshot starts with "ipsecgw-state 1 seq N" and ends with
 * "end <records>".  The journal holds transactions "T seq" ... "C seq crc32";
 * a transaction whose commit line is missing or wrong at the very end of the
 * journal was never acknowledged (the crash came before fsync returned) and
 * is dropped; anything wrong elsewhere is corruption and stops the daemon.
 */
#include "agent_persist.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define STATE_MAGIC     "ipsecgw-state 1"
#define COMPACT_DEFAULT (8u << 20)

struct agent_persist {
	struct agent_store *st;
	char *snap_path;
	char *journal_path;
	int journal_fd;
	size_t journal_bytes;
	size_t compact_limit;
	uint64_t seq;
};

static int
persistable(const struct agent_group *g)
{
	return g->kind != AGENT_GROUP_STATUS_TABLE;
}

static int
saved_column(const struct agent_obj *o)
{
	return o->access == AGENT_ACC_RW;
}

int
agent_persist_row_line(struct gw_str *out, int gid, const struct agent_row *r)
{
	const struct agent_group *g = &agent_mib_groups[gid];
	size_t i;
	int rc;

	rc = gw_str_printf(out, "R %s %" PRId32, g->name, r->index);
	for (i = 0; rc == 0 && i < g->nobjs; i++) {
		const struct agent_obj *o = &g->objs[i];
		const struct agent_val *v = &r->v[i];
		struct in_addr a;
		char ip[INET_ADDRSTRLEN];

		if (!saved_column(o) || !v->set)
			continue;
		rc = gw_str_printf(out, " %s=", o->name);
		if (rc < 0)
			break;
		switch (o->vtype) {
		case AGENT_VT_STRING:
		case AGENT_VT_OCTETS:
			rc = gw_str_quote(out, v->s, v->len);
			break;
		case AGENT_VT_IPADDR:
			a.s_addr = htonl((uint32_t)v->i);
			inet_ntop(AF_INET, &a, ip, sizeof(ip));
			rc = gw_str_printf(out, "%s", ip);
			break;
		default:
			rc = gw_str_printf(out, "%" PRId64, v->i);
			break;
		}
	}
	return rc < 0 ? -1 : gw_str_append(out, "\n", 1);
}

/* Parses "name=value" at *pp into the row; returns an error text or NULL. */
static const char *
parse_pair(const struct agent_group *g, struct agent_row *r, const char **pp)
{
	const char *p = *pp, *eq = strchr(p, '=');
	char name[128];
	struct agent_val val = {0};
	const struct agent_obj *o;
	int pos;

	if (eq == NULL || (size_t)(eq - p) >= sizeof(name))
		return "expected object=value";
	memcpy(name, p, (size_t)(eq - p));
	name[eq - p] = '\0';
	pos = agent_schema_obj_pos(g, name);
	if (pos < 0 || !saved_column(&g->objs[pos]))
		return "unknown or read-only object";
	o = &g->objs[pos];
	p = eq + 1;
	if (o->vtype == AGENT_VT_STRING || o->vtype == AGENT_VT_OCTETS) {
		size_t slen;

		if (gw_str_unquote(&p, &val.s, &slen) < 0)
			return "bad quoted string";
		val.len = (uint32_t)slen;
	} else if (o->vtype == AGENT_VT_IPADDR) {
		char ip[INET_ADDRSTRLEN];
		size_t n = strcspn(p, " \n");
		struct in_addr a;

		if (n >= sizeof(ip))
			return "bad IP address";
		memcpy(ip, p, n);
		ip[n] = '\0';
		if (inet_pton(AF_INET, ip, &a) != 1)
			return "bad IP address";
		val.i = ntohl(a.s_addr);
		p += n;
	} else {
		char *end;

		errno = 0;
		val.i = strtoll(p, &end, 10);
		if (end == p || errno != 0)
			return "bad number";
		p = end;
	}
	if (*p != ' ' && *p != '\n' && *p != '\0') {
		free(val.s);
		return "junk after value";
	}
	if (o->vtype != AGENT_VT_ROWSTATUS &&
	    agent_obj_check(o, &val) != AGENT_OK) {
		free(val.s);
		return "value out of range for its object";
	}
	free(r->v[pos].s);
	r->v[pos] = val;
	r->v[pos].set = 1;
	*pp = p;
	return NULL;
}

/* Applies one R or D record line to the store. */
static const char *
apply_record(struct agent_store *st, const char *line)
{
	char kind, gname[64];
	int32_t index;
	int n = 0, gid;
	const struct agent_group *g;
	struct agent_row *r;
	const char *p, *err;

	if (sscanf(line, "%c %63s %" SCNd32 "%n", &kind, gname, &index, &n) <
	        3 ||
	    (kind != 'R' && kind != 'D'))
		return "expected a row record";
	g = agent_schema_group(gname);
	if (g == NULL || !persistable(g))
		return "unknown table";
	gid = (int)(g - agent_mib_groups);
	if ((g->kind == AGENT_GROUP_SCALARS) != (index == 0) || index < 0)
		return "bad row index";
	if (kind == 'D') {
		agent_store_remove(st, gid, index);
		return NULL;
	}
	r = agent_row_new(g, index);
	if (r == NULL)
		return "out of memory";
	for (p = line + n; *p == ' ';) {
		p++;
		if ((err = parse_pair(g, r, &p)) != NULL) {
			agent_row_free(g, r);
			return err;
		}
	}
	if (*p != '\n' && *p != '\0') {
		agent_row_free(g, r);
		return "junk at end of record";
	}
	if (agent_store_put(st, gid, r) < 0) {
		agent_row_free(g, r);
		return "out of memory";
	}
	return NULL;
}

int
agent_persist_load_text(struct agent_store *st, const char *text,
                        const char *what)
{
	const char *line = text;
	int lineno = 0;

	while (*line != '\0') {
		const char *nl = strchr(line, '\n'), *err;

		lineno++;
		if (*line != '#' && *line != '\n') {
			err = apply_record(st, line);
			if (err != NULL) {
				gw_err("%s line %d: %s", what, lineno, err);
				return -1;
			}
		}
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	return 0;
}

static char *
read_file(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long sz;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)sz + 1)) != NULL) {
		if (fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
			free(buf);
			buf = NULL;
		} else {
			buf[sz] = '\0';
			*lenp = (size_t)sz;
		}
	}
	fclose(f);
	if (buf == NULL && errno == 0)
		errno = EIO;
	return buf;
}

/* Splits text into lines in place; returns the count, or 0 on ENOMEM. */
static size_t
split_lines(char *text, char ***linesp)
{
	size_t n = 0, cap = 64;
	char **lines = malloc(cap * sizeof(*lines)), *p = text;

	*linesp = lines;
	if (lines == NULL)
		return 0;
	while (*p != '\0') {
		char *nl = strchr(p, '\n');

		if (n == cap) {
			char **bigger =
			    realloc(lines, (cap *= 2) * sizeof(*lines));

			if (bigger == NULL)
				return n;
			*linesp = lines = bigger;
		}
		lines[n++] = p;
		if (nl == NULL)
			break; /* no newline: a torn final line */
		*nl = '\0';
		p = nl + 1;
	}
	return n;
}

static int
load_snapshot(struct agent_persist *p, int *present)
{
	size_t len = 0, n, i, records = 0;
	char *text, **lines = NULL;
	unsigned long long seq;
	int rc = -1, endn = -1;

	errno = 0;
	text = read_file(p->snap_path, &len);
	*present = text != NULL;
	if (text == NULL) {
		if (errno == ENOENT)
			return 0;
		gw_err("state file %s: cannot read: %s", p->snap_path,
		       strerror(errno));
		return -1;
	}
	n = split_lines(text, &lines);
	if (n == 0 || sscanf(lines[0], STATE_MAGIC " seq %llu", &seq) != 1) {
		gw_err("state file %s line 1: not an ipsecgw state file",
		       p->snap_path);
		goto out;
	}
	p->seq = seq;
	for (i = 1; i < n; i++) {
		const char *err;

		if (lines[i][0] == '#' || lines[i][0] == '\0')
			continue;
		if (sscanf(lines[i], "end %d", &endn) == 1) {
			if ((size_t)endn != records || i + 1 != n)
				endn = -1;
			break;
		}
		err = apply_record(p->st, lines[i]);
		if (err != NULL) {
			gw_err("state file %s line %zu: %s", p->snap_path,
			       i + 1, err);
			goto out;
		}
		records++;
	}
	if (endn < 0) {
		gw_err("state file %s line %zu: truncated or damaged (no valid "
		       "end marker)",
		       p->snap_path, i + 1);
		goto out;
	}
	rc = 0;
out:
	free(lines);
	free(text);
	return rc;
}

/* Replays committed journal transactions newer than the snapshot. */
static int
load_journal(struct agent_persist *p)
{
	size_t len = 0, n, i, start = 0;
	char *text, **lines = NULL;
	unsigned long long tseq = 0, cseq;
	unsigned long crc;
	int in_txn = 0, rc = -1, partial;

	errno = 0;
	text = read_file(p->journal_path, &len);
	if (text == NULL)
		return errno == ENOENT ? 0 : -1;
	/* A last line without its newline was never completely written. */
	partial = len > 0 && text[len - 1] != '\n';
	n = split_lines(text, &lines);
	if (n > 0 && partial)
		n--;
	for (i = 0; i < n; i++) {
		if (!in_txn) {
			if (sscanf(lines[i], "T %llu", &tseq) != 1)
				goto torn_or_corrupt;
			in_txn = 1;
			start = i + 1;
		} else if (lines[i][0] == 'C') {
			uLong c = crc32(0L, Z_NULL, 0);
			size_t j;

			if (sscanf(lines[i], "C %llu %lx", &cseq, &crc) != 2 ||
			    cseq != tseq)
				goto torn_or_corrupt;
			for (j = start; j < i; j++) {
				c = crc32(c, (const Bytef *)lines[j],
				          (uInt)strlen(lines[j]));
				c = crc32(c, (const Bytef *)"\n", 1);
			}
			if (c != crc)
				goto torn_or_corrupt;
			in_txn = 0;
			if (tseq <= p->seq)
				continue; /* already in the snapshot */
			for (j = start; j < i; j++) {
				const char *err = apply_record(p->st, lines[j]);

				if (err != NULL) {
					gw_err("state file %s line %zu: %s",
					       p->journal_path, j + 1, err);
					goto out;
				}
			}
			p->seq = tseq;
		}
	}
	if (in_txn)
		gw_warn("%s: dropping an unacknowledged transaction at the end",
		        p->journal_path);
	rc = 0;
	goto out;
torn_or_corrupt:
	/* Only the last transaction may be torn by a crash. */
	for (size_t j = i + 1; j < n; j++)
		if (lines[j][0] != '\0')
			goto corrupt;
	gw_warn("%s: dropping an unacknowledged transaction at the end",
	        p->journal_path);
	rc = 0;
	goto out;
corrupt:
	gw_err("state file %s line %zu: damaged journal record",
	       p->journal_path, i + 1);
out:
	free(lines);
	free(text);
	return rc;
}

static int
snapshot_text(struct agent_store *st, uint64_t seq, struct gw_str *out)
{
	size_t gid, records = 0;

	if (gw_str_printf(out,
	                  STATE_MAGIC
	                  " seq %" PRIu64 "\n# written by "
	                  "ipsecgwd; secrets inside: keep mode 0600\n",
	                  seq) < 0)
		return -1;
	for (gid = 0; gid < agent_mib_ngroups; gid++) {
		struct agent_table *t = agent_store_table(st, (int)gid);
		size_t i;

		if (!persistable(t->g))
			continue;
		for (i = 0; i < t->n; i++, records++)
			if (agent_persist_row_line(out, (int)gid, t->rows[i]) <
			    0)
				return -1;
	}
	return gw_str_printf(out, "end %zu\n", records);
}

int
agent_persist_compact(struct agent_persist *p)
{
	struct gw_str s;
	int rc;

	gw_str_init(&s);
	rc = snapshot_text(p->st, p->seq, &s);
	if (rc == 0)
		rc = gw_file_replace(p->snap_path, s.buf, s.len, 0600);
	gw_str_free(&s);
	if (rc < 0) {
		gw_err("%s: cannot write %s: %s", __func__, p->snap_path,
		       strerror(errno));
		return -1;
	}
	/* The snapshot now holds every transaction; replays skip by seq. */
	if (ftruncate(p->journal_fd, 0) < 0 || fsync(p->journal_fd) < 0) {
		gw_err("%s: cannot truncate %s: %s", __func__, p->journal_path,
		       strerror(errno));
		return -1;
	}
	p->journal_bytes = 0;
	return 0;
}

/* The persistence hook: one journal transaction, fsynced, per commit. */
static int
persist_txn(void *arg, struct agent_txn *t, int undo)
{
	struct agent_persist *p = arg;
	struct gw_str s, body;
	size_t i;
	int rc = -1;

	gw_str_init(&s);
	gw_str_init(&body);
	for (i = 0; i < t->n; i++) {
		const struct agent_txn_row *tr = &t->rows[i];
		const struct agent_row *r = undo ? tr->old_row : tr->new_row;

		if (!persistable(&agent_mib_groups[tr->gid]))
			continue;
		if (r != NULL ? agent_persist_row_line(&body, tr->gid, r) < 0
		              : gw_str_printf(&body, "D %s %" PRId32 "\n",
		                              agent_mib_groups[tr->gid].name,
		                              tr->index) < 0)
			goto out;
	}
	if (body.len == 0) {
		rc = 0;
		goto out;
	}
	if (gw_str_printf(&s, "T %" PRIu64 "\n", p->seq + 1) < 0 ||
	    gw_str_append(&s, body.buf, body.len) < 0 ||
	    gw_str_printf(&s, "C %" PRIu64 " %lx\n", p->seq + 1,
	                  crc32(crc32(0L, Z_NULL, 0), (const Bytef *)body.buf,
	                        (uInt)body.len)) < 0)
		goto out;
	if (gw_fd_append_sync(p->journal_fd, s.buf, s.len) < 0) {
		gw_err("%s: cannot write %s: %s", __func__, p->journal_path,
		       strerror(errno));
		/* Cut off whatever part reached the file. */
		if (ftruncate(p->journal_fd, (off_t)p->journal_bytes) < 0)
			gw_err("%s: cannot repair %s", __func__,
			       p->journal_path);
		goto out;
	}
	p->seq++;
	p->journal_bytes += s.len;
	rc = 0;
	if (p->journal_bytes > p->compact_limit)
		agent_persist_compact(p); /* the journal already has it */
out:
	gw_str_free(&s);
	gw_str_free(&body);
	return rc;
}

static char *
path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%s/%s", dir, name);
	return s;
}

/* A missing or empty journal next to a missing snapshot is a first start. */
static int
journal_empty(const char *path)
{
	struct stat sb;

	return stat(path, &sb) != 0 || sb.st_size == 0;
}

struct agent_persist *
agent_persist_open(struct agent_store *st, const char *dir)
{
	struct agent_persist *p = calloc(1, sizeof(*p));
	int present;

	if (p == NULL)
		return NULL;
	p->st = st;
	p->journal_fd = -1;
	p->compact_limit = COMPACT_DEFAULT;
	p->snap_path = path_join(dir, "state.conf");
	p->journal_path = path_join(dir, "state.journal");
	if (p->snap_path == NULL || p->journal_path == NULL)
		goto fail;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		gw_err("state directory %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (load_snapshot(p, &present) < 0)
		goto fail;
	if (!present && journal_empty(p->journal_path)) {
		gw_notice("first start: creating the default configuration "
		          "in %s",
		          dir);
		if (agent_persist_load_text(st, agent_defaults_text,
		                            "built-in defaults") < 0)
			goto fail;
	} else if (!present) {
		gw_err("state file %s: missing while %s exists; refusing to "
		       "start with a partial configuration",
		       p->snap_path, p->journal_path);
		goto fail;
	}
	if (load_journal(p) < 0)
		goto fail;
	p->journal_fd = open(p->journal_path,
	                     O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (p->journal_fd < 0) {
		gw_err("state file %s: %s", p->journal_path, strerror(errno));
		goto fail;
	}
	if (agent_persist_compact(p) < 0)
		goto fail;
	agent_store_set_persist(st, persist_txn, p);
	return p;
fail:
	agent_persist_close(p);
	return NULL;
}

void
agent_persist_set_compact_limit(struct agent_persist *p, size_t bytes)
{
	p->compact_limit = bytes;
}

void
agent_persist_close(struct agent_persist *p)
{
	if (p == NULL)
		return;
	agent_store_set_persist(p->st, NULL, NULL);
	if (p->journal_fd >= 0)
		close(p->journal_fd);
	free(p->snap_path);
	free(p->journal_path);
	free(p);
}
