/*
 * agent_persist.h - durable configuration: a snapshot (state.conf) written
 * atomically, plus a journal (state.journal) to which every committed SET is
 * appended and fsynced before the SNMP response goes out.  Private to agent/.
 */
#ifndef IPSECGW_AGENT_PERSIST_H
#define IPSECGW_AGENT_PERSIST_H

#include "agent_store.h"
#include "common.h"

struct agent_persist;

/*
 * Loads DIR/state.conf and DIR/state.journal into st (or, on first start,
 * the built-in defaults) and attaches itself as st's persistence hook.
 * On a corrupt file it returns NULL after logging the file and line.
 */
struct agent_persist *agent_persist_open(struct agent_store *st,
                                         const char *dir);
void agent_persist_close(struct agent_persist *p);
/* Writes a fresh snapshot and empties the journal. */
int agent_persist_compact(struct agent_persist *p);
/* Journal size at which a commit triggers a compaction. */
void agent_persist_set_compact_limit(struct agent_persist *p, size_t bytes);

/* Parses records in the state format into st (defaults, tests). */
int agent_persist_load_text(struct agent_store *st, const char *text,
                            const char *what);
/* Appends the state-format line for one row to out. */
int agent_persist_row_line(struct gw_str *out, int gid,
                           const struct agent_row *r);

extern const char agent_defaults_text[];

#endif
