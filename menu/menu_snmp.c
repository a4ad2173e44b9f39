/*
 * menu_snmp.c - the menu's only way to the gateway: one Net-SNMP session
 * to ipsecgwd, reading records (one row or the scalars of a group) and
 * tables by numeric OID, and writing a screen's changes as one SET PDU so
 * that the agent applies all of them or none.
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "menu.h"

_Static_assert(_Generic((oid)0, unsigned long : 1, default : 0),
               "menu.h keeps OIDs as unsigned long");

const unsigned long menu_oid_glob[] = {MENU_OID_ipsecGlobals};
const unsigned long menu_oid_peer[] = {MENU_OID_ipsecPeerEntry};
const unsigned long menu_oid_ikeprof[] = {MENU_OID_ikeProfileEntry};
const unsigned long menu_oid_ipsecprof[] = {MENU_OID_ipsecProfileEntry};
const unsigned long menu_oid_ikeprop[] = {MENU_OID_ikeProposalEntry};
const unsigned long menu_oid_ipsecprop[] = {MENU_OID_ipsecProposalEntry};
const unsigned long menu_oid_life[] = {MENU_OID_ipsecLifetimeEntry};
const unsigned long menu_oid_tr[] = {MENU_OID_ipsecTrafficEntry};
const unsigned long menu_oid_cert[] = {MENU_OID_ipsecCertEntry};
const unsigned long menu_oid_stats[] = {MENU_OID_ipsecStats};
const unsigned long menu_oid_ikesa[] = {MENU_OID_ikeSaEntry};
const unsigned long menu_oid_ipsecsa[] = {MENU_OID_ipsecSaEntry};

static netsnmp_session *sess;
static char hostname[64];
static char agent_host[64];

static const char *const errnames[] = {
    "noError",
    "tooBig",
    "noSuchName",
    "badValue",
    "readOnly",
    "genErr",
    "noAccess",
    "wrongType",
    "wrongLength",
    "wrongEncoding",
    "wrongValue",
    "noCreation",
    "inconsistentValue",
    "resourceUnavailable",
    "commitFailed",
    "undoFailed",
    "authorizationError",
    "notWritable",
    "inconsistentName",
};

/* The RFC 3416 name of an error status, as the screens show it. */
const char *
menu_errname(long status)
{
	if (status >= 0 && (size_t)status < MENU_N(errnames))
		return errnames[status];
	return "error";
}

/* The host part of "udp:HOST:PORT", for the title when sysName is absent. */
static void
parse_agent_host(const char *agent)
{
	const char *p = agent, *q;
	size_t n;

	if (strncmp(p, "udp:", 4) == 0 || strncmp(p, "tcp:", 4) == 0)
		p += 4;
	q = strrchr(p, ':');
	n = q != NULL ? (size_t)(q - p) : strlen(p);
	if (n >= sizeof(agent_host))
		n = sizeof(agent_host) - 1;
	memcpy(agent_host, p, n);
	agent_host[n] = '\0';
}

/* Fills hostname: sysName.0 if the agent serves it, else a local guess. */
static void
find_hostname(void)
{
	static const unsigned long sysname[] = {1, 3, 6, 1, 2, 1, 1, 5};
	struct menu_val v;

	if (menu_get_scalar(sysname, MENU_N(sysname), 0, &v) == 0 &&
	    v.t == MENU_V_STR && v.s[0] != '\0') {
		snprintf(hostname, sizeof(hostname), "%.63s", v.s);
		return;
	}
	if (strncmp(agent_host, "127.", 4) == 0 ||
	    strcmp(agent_host, "localhost") == 0 || agent_host[0] == '\0') {
		if (gethostname(hostname, sizeof(hostname) - 1) != 0)
			snprintf(hostname, sizeof(hostname), "localhost");
		return;
	}
	snprintf(hostname, sizeof(hostname), "%s", agent_host);
}

/*
 * Opens the session.  The SNMP options (-v, -c, -u, -l, -a, -A, -x, -X,
 * -r, -t, ...) are Net-SNMP's own, so snmp.conf defaults apply as for
 * snmpget; the agent address comes from --agent.  No MIB is loaded.
 */
int
menu_snmp_open(int argc, char **argv, const char *agent)
{
	netsnmp_session s;
	char **av = calloc((size_t)argc + 2, sizeof(*av));
	int i, rc;

	if (av == NULL)
		return -1;
	for (i = 0; i < argc; i++)
		av[i] = argv[i];
	av[argc] = (char *)agent;
	setenv("MIBS", "", 1);
	rc = snmp_parse_args(argc + 1, av, &s, "", NULL);
	free(av);
	if (rc < 0)
		return -1;
	parse_agent_host(agent);
	sess = snmp_open(&s);
	if (sess == NULL) {
		snmp_sess_perror("ipsecgw-setup", &s);
		return -1;
	}
	find_hostname();
	return 0;
}

void
menu_snmp_close(void)
{
	if (sess != NULL)
		snmp_close(sess);
	sess = NULL;
	snmp_shutdown("snmpapp");
}

const char *
menu_snmp_hostname(void)
{
	return hostname;
}

/* Converts a received varbind into the menu's value type. */
static void
to_val(const netsnmp_variable_list *vb, struct menu_val *out)
{
	size_t n, k;

	memset(out, 0, sizeof(*out));
	switch (vb->type) {
	case ASN_INTEGER:
		out->t = MENU_V_INT;
		out->i = *vb->val.integer;
		out->u = (uint64_t)out->i;
		break;
	case ASN_UNSIGNED:
	case ASN_COUNTER:
	case ASN_TIMETICKS:
		out->t = MENU_V_UINT;
		out->u = (unsigned long)*vb->val.integer & 0xffffffffUL;
		out->i = (int64_t)out->u;
		break;
	case ASN_COUNTER64:
		out->t = MENU_V_UINT;
		out->u = ((uint64_t)vb->val.counter64->high << 32) |
		         (vb->val.counter64->low & 0xffffffffUL);
		out->i = (int64_t)out->u;
		break;
	case ASN_OCTET_STR:
		out->t = MENU_V_STR;
		n = vb->val_len < MENU_STRMAX - 1 ? vb->val_len
		                                  : MENU_STRMAX - 1;
		for (k = 0; k < n; k++) {
			unsigned char c = vb->val.string[k];
			out->s[k] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
		break;
	case ASN_IPADDRESS:
		out->t = MENU_V_IP;
		if (vb->val_len == 4)
			snprintf(out->s, sizeof(out->s), "%u.%u.%u.%u",
			         vb->val.string[0], vb->val.string[1],
			         vb->val.string[2], vb->val.string[3]);
		break;
	default:
		out->t = MENU_V_NONE;
		break;
	}
}

/* Sends pdu and waits; returns the response or NULL with err filled. */
static netsnmp_pdu *
exchange(netsnmp_pdu *pdu, char *err, size_t errlen)
{
	netsnmp_pdu *resp = NULL;
	int st = snmp_synch_response(sess, pdu, &resp);

	if (st == STAT_SUCCESS && resp != NULL)
		return resp;
	if (st == STAT_TIMEOUT)
		snprintf(err, errlen, "no answer from the agent");
	else
		snprintf(err, errlen, "SNMP error: %s",
		         snmp_api_errstring(sess->s_snmp_errno));
	if (resp != NULL)
		snmp_free_pdu(resp);
	return NULL;
}

/* base.col.index (scalars: index 0) into name; returns its length. */
static size_t
make_oid(oid *name, const unsigned long *base, size_t base_len, int col,
         int index)
{
	memcpy(name, base, base_len * sizeof(oid));
	name[base_len] = (oid)col;
	name[base_len + 1] = (oid)index;
	return base_len + 2;
}

void
menu_rec_init(struct menu_rec *r, const unsigned long *base, size_t base_len,
              int index, int rs_col)
{
	memset(r, 0, sizeof(*r));
	r->base = base;
	r->base_len = base_len;
	r->index = index;
	r->rs_col = rs_col;
}

/*
 * Reads the given columns of a record with one GET.  Returns 0, or -1 with
 * a message (the row does not exist, the agent did not answer).
 */
int
menu_rec_load(struct menu_rec *r, const int *cols, int ncols, char *err,
              size_t errlen)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET), *resp;
	netsnmp_variable_list *vb;
	oid name[MAX_OID_LEN];
	int i;

	for (i = 0; i < ncols; i++) {
		size_t len =
		    make_oid(name, r->base, r->base_len, cols[i], r->index);
		snmp_add_null_var(pdu, name, len);
	}
	resp = exchange(pdu, err, errlen);
	if (resp == NULL)
		return -1;
	if (resp->errstat != SNMP_ERR_NOERROR) {
		snprintf(err, errlen, "GET refused: %s",
		         menu_errname(resp->errstat));
		snmp_free_pdu(resp);
		return -1;
	}
	for (i = 0, vb = resp->variables; vb != NULL && i < ncols;
	     vb = vb->next_variable, i++) {
		if (cols[i] <= 0 || cols[i] >= MENU_MAXCOL)
			continue;
		to_val(vb, &r->v[cols[i]]);
		r->dirty[cols[i]] = 0;
		if (r->v[cols[i]].t == MENU_V_NONE && r->index != 0) {
			snprintf(err, errlen,
			         "row %d does not exist (any more)", r->index);
			snmp_free_pdu(resp);
			return -1;
		}
	}
	snmp_free_pdu(resp);
	return 0;
}

void
menu_rec_setint(struct menu_rec *r, int col, int64_t v)
{
	if (col <= 0 || col >= MENU_MAXCOL)
		return;
	if (r->v[col].t != MENU_V_UINT)
		r->v[col].t = MENU_V_INT;
	r->v[col].i = v;
	r->v[col].u = (uint64_t)v;
	r->dirty[col] = 1;
}

void
menu_rec_setstr(struct menu_rec *r, int col, enum menu_vtype t, const char *s)
{
	if (col <= 0 || col >= MENU_MAXCOL)
		return;
	r->v[col].t = t;
	snprintf(r->v[col].s, sizeof(r->v[col].s), "%s", s);
	r->dirty[col] = 1;
}

/*
 * A value too long for v[col].s: the record keeps only the pointer (the
 * screen owns the text and keeps it until SAVE); NULL or "" unsets it.
 */
void
menu_rec_setbig(struct menu_rec *r, int col, const char *text)
{
	if (col <= 0 || col >= MENU_MAXCOL)
		return;
	r->big[col] = text != NULL && text[0] != '\0' ? text : NULL;
	r->v[col].t = MENU_V_STR;
	r->v[col].s[0] = '\0';
	r->dirty[col] = r->big[col] != NULL;
}

int64_t
menu_rec_int(const struct menu_rec *r, int col)
{
	return col > 0 && col < MENU_MAXCOL ? r->v[col].i : 0;
}

const char *
menu_rec_str(const struct menu_rec *r, int col)
{
	return col > 0 && col < MENU_MAXCOL ? r->v[col].s : "";
}

/* Forgets changes and errors after a successful SAVE. */
void
menu_rec_clean(struct menu_rec *r)
{
	memset(r->dirty, 0, sizeof(r->dirty));
	memset(r->big, 0, sizeof(r->big));
	r->is_new = 0;
	r->errcol = 0;
	r->errmsg[0] = '\0';
}

/* Reads one scalar (group.col.0), or group.0 itself when col is 0. */
int
menu_get_scalar(const unsigned long *group, size_t group_len, int col,
                struct menu_val *out)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET), *resp;
	oid name[MAX_OID_LEN];
	size_t len = group_len;
	char err[80];

	memcpy(name, group, group_len * sizeof(oid));
	if (col > 0)
		name[len++] = (oid)col;
	name[len++] = 0;
	snmp_add_null_var(pdu, name, len);
	resp = exchange(pdu, err, sizeof(err));
	if (resp == NULL)
		return -1;
	if (resp->errstat != SNMP_ERR_NOERROR || resp->variables == NULL) {
		snmp_free_pdu(resp);
		return -1;
	}
	to_val(resp->variables, out);
	snmp_free_pdu(resp);
	return out->t == MENU_V_NONE ? -1 : 0;
}

/*
 * Reads one OCTET STRING of any length (a PEM certificate, a PKCS#10
 * request) into a new NUL-terminated string; bytes that are not printable
 * text become '?'.  0, or -1 when the agent has no such value.
 */
int
menu_get_text(const unsigned long *entry, size_t entry_len, int col, int index,
              char **out)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET), *resp;
	const netsnmp_variable_list *vb;
	oid name[MAX_OID_LEN];
	size_t len = make_oid(name, entry, entry_len, col, index), k;
	char err[80];

	*out = NULL;
	snmp_add_null_var(pdu, name, len);
	resp = exchange(pdu, err, sizeof(err));
	if (resp == NULL)
		return -1;
	vb = resp->variables;
	if (resp->errstat != SNMP_ERR_NOERROR || vb == NULL ||
	    vb->type != ASN_OCTET_STR) {
		snmp_free_pdu(resp);
		return -1;
	}
	*out = malloc(vb->val_len + 1);
	if (*out != NULL) {
		size_t n = 0;

		for (k = 0; k < vb->val_len; k++) {
			unsigned char c = vb->val.string[k];

			if (c != '\r')
				(*out)[n++] =
				    (c >= 0x20 && c < 0x7f) || c == '\n'
				        ? (char)c
				        : '?';
		}
		(*out)[n] = '\0';
	}
	snmp_free_pdu(resp);
	return *out != NULL ? 0 : -1;
}

/* Position of index in t->index (sorted), or -1. */
static int
find_row(const struct menu_table *t, int index)
{
	int lo = 0, hi = t->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (t->index[mid] == index)
			return mid;
		if (t->index[mid] < index)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Appends a row (the walk returns indices in order), growing t. */
static int
add_row(struct menu_table *t, int index, int *cap)
{
	if (t->n == *cap) {
		int nc = *cap ? *cap * 2 : 16;
		int *ni = realloc(t->index, (size_t)nc * sizeof(*ni));
		struct menu_val *nv;

		if (ni == NULL)
			return -1;
		t->index = ni;
		nv = realloc(t->v, (size_t)nc * (size_t)t->ncols * sizeof(*nv));
		if (nv == NULL)
			return -1;
		t->v = nv;
		*cap = nc;
	}
	t->index[t->n] = index;
	memset(&t->v[(size_t)t->n * (size_t)t->ncols], 0,
	       (size_t)t->ncols * sizeof(*t->v));
	return t->n++;
}

/*
 * Walks one column with GETBULK (GETNEXT for v1).  The first column
 * decides which rows exist; later columns fill those rows.
 */
static int
walk_column(const unsigned long *entry, size_t entry_len, int col, int pos,
            struct menu_table *t, int *cap, char *err, size_t errlen)
{
	oid start[MAX_OID_LEN], cur[MAX_OID_LEN];
	size_t slen = make_oid(start, entry, entry_len, col, 0) - 1, clen;

	memcpy(cur, start, slen * sizeof(oid));
	clen = slen;
	for (;;) {
		int bulk = sess->version != SNMP_VERSION_1;
		netsnmp_pdu *pdu =
		    snmp_pdu_create(bulk ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT);
		netsnmp_pdu *resp;
		netsnmp_variable_list *vb;

		if (bulk) {
			pdu->non_repeaters = 0;
			pdu->max_repetitions = 30;
		}
		snmp_add_null_var(pdu, cur, clen);
		resp = exchange(pdu, err, errlen);
		if (resp == NULL)
			return -1;
		for (vb = resp->variables; vb != NULL; vb = vb->next_variable) {
			int row;

			if (vb->type == SNMP_ENDOFMIBVIEW ||
			    vb->name_length != slen + 1 ||
			    memcmp(vb->name, start, slen * sizeof(oid)) != 0 ||
			    resp->errstat != SNMP_ERR_NOERROR) {
				snmp_free_pdu(resp);
				return 0;
			}
			row = pos == 0 ? add_row(t, (int)vb->name[slen], cap)
			               : find_row(t, (int)vb->name[slen]);
			if (row >= 0)
				to_val(vb,
				       &t->v[(size_t)row * (size_t)t->ncols +
				             (size_t)pos]);
			memcpy(cur, vb->name, vb->name_length * sizeof(oid));
			clen = vb->name_length;
		}
		snmp_free_pdu(resp);
	}
}

/* Reads the listed columns of every row of a table (index 1..2^31-1). */
int
menu_table_read(const unsigned long *entry, size_t entry_len, const int *cols,
                int ncols, struct menu_table *t, char *err, size_t errlen)
{
	int i, cap = 0;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	for (i = 0; i < ncols; i++)
		if (walk_column(entry, entry_len, cols[i], i, t, &cap, err,
		                errlen) != 0) {
			menu_table_free(t);
			return -1;
		}
	return 0;
}

/* The index after the highest row of a table (1 when it is empty). */
int
menu_table_next(const unsigned long *entry, size_t entry_len, int col)
{
	struct menu_table t;
	char err[80];
	int i, next = 1;

	if (menu_table_read(entry, entry_len, &col, 1, &t, err, sizeof(err)) !=
	    0)
		return 1;
	for (i = 0; i < t.n; i++)
		if (t.index[i] >= next)
			next = t.index[i] + 1;
	menu_table_free(&t);
	return next;
}

const struct menu_val *
menu_table_get(const struct menu_table *t, int row, int colpos)
{
	return &t->v[(size_t)row * (size_t)t->ncols + (size_t)colpos];
}

void
menu_table_free(struct menu_table *t)
{
	free(t->index);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

void
menu_set_init(struct menu_set *s)
{
	memset(s, 0, sizeof(*s));
	s->pdu = snmp_pdu_create(SNMP_MSG_SET);
}

/* Adds one varbind of the value v, remembering which record owns it. */
static void
add_vb(struct menu_set *s, const unsigned long *base, size_t base_len, int col,
       int index, const struct menu_val *v, struct menu_rec *r)
{
	oid name[MAX_OID_LEN];
	size_t len = make_oid(name, base, base_len, col, index);
	long l = (long)v->i;
	unsigned long ul = (unsigned long)v->u;
	struct in_addr a = {0};

	if (s->n >= MENU_SET_MAX) {
		s->overflow = 1;
		return;
	}
	switch (v->t) {
	case MENU_V_UINT:
		snmp_pdu_add_variable(s->pdu, name, len, ASN_UNSIGNED, &ul,
		                      sizeof(ul));
		break;
	case MENU_V_STR:
		snmp_pdu_add_variable(s->pdu, name, len, ASN_OCTET_STR, v->s,
		                      strlen(v->s));
		break;
	case MENU_V_IP:
		if (v->s[0] != '\0' && inet_pton(AF_INET, v->s, &a) != 1)
			a.s_addr = 0;
		snmp_pdu_add_variable(s->pdu, name, len, ASN_IPADDRESS, &a, 4);
		break;
	default:
		snmp_pdu_add_variable(s->pdu, name, len, ASN_INTEGER, &l,
		                      sizeof(l));
		break;
	}
	s->rec[s->n] = r;
	s->col[s->n] = col;
	s->n++;
}

/* Adds a long string value of a record (its big text). */
static void
add_big(struct menu_set *s, struct menu_rec *r, int col)
{
	oid name[MAX_OID_LEN];
	size_t len = make_oid(name, r->base, r->base_len, col, r->index);

	if (s->n >= MENU_SET_MAX) {
		s->overflow = 1;
		return;
	}
	snmp_pdu_add_variable(s->pdu, name, len, ASN_OCTET_STR, r->big[col],
	                      strlen(r->big[col]));
	s->rec[s->n] = r;
	s->col[s->n] = col;
	s->n++;
}

/* Adds a record's changes: createAndGo first for a new row. */
void
menu_set_rec(struct menu_set *s, struct menu_rec *r)
{
	int c;

	if (r->is_new && r->rs_col > 0) {
		/* RowStatus values are the same in every table. */
		struct menu_val v = {.t = MENU_V_INT,
		                     .i =
		                         MENU_E_ipsecPeerRowStatus_createAndGo};

		add_vb(s, r->base, r->base_len, r->rs_col, r->index, &v, r);
	}
	for (c = 1; c < MENU_MAXCOL; c++) {
		if (!r->dirty[c] || c == r->rs_col)
			continue;
		if (r->big[c] != NULL)
			add_big(s, r, c);
		else
			add_vb(s, r->base, r->base_len, c, r->index, &r->v[c],
			       r);
	}
}

/* Adds a varbind no record owns (orders, markers, destroy). */
void
menu_set_int(struct menu_set *s, const unsigned long *base, size_t base_len,
             int col, int index, int64_t v)
{
	struct menu_val mv = {.t = MENU_V_INT, .i = v};

	add_vb(s, base, base_len, col, index, &mv, NULL);
}

/* Records which varbind the agent refused, for the screens to show. */
static void
blame(struct menu_set *s, struct menu_seterr *e, long status, long index)
{
	e->status = status;
	e->vb = (int)index;
	if (index >= 1 && index <= s->n) {
		e->rec = s->rec[index - 1];
		e->col = s->col[index - 1];
	}
	if (e->rec != NULL) {
		e->rec->errcol = e->col;
		snprintf(e->rec->errmsg, sizeof(e->rec->errmsg), "%s",
		         menu_errname(status));
	}
	snprintf(e->text, sizeof(e->text), "SAVE refused: %s",
	         menu_errname(status));
}

/*
 * Sends the SET.  Returns 0 when the agent applied everything (the
 * records involved are then clean), else -1 with e describing the refusal
 * and the blamed record's errcol set.
 */
int
menu_set_send(struct menu_set *s, struct menu_seterr *e)
{
	netsnmp_pdu *resp;
	int i;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < s->n; i++)
		if (s->rec[i] != NULL)
			s->rec[i]->errcol = 0;
	if (s->overflow || s->n == 0) {
		snmp_free_pdu(s->pdu);
		s->pdu = NULL;
		e->status = s->n == 0 ? 0 : -1;
		snprintf(e->text, sizeof(e->text), "%s",
		         s->n == 0 ? "nothing to save" : "too many changes");
		return s->n == 0 ? 0 : -1;
	}
	resp = exchange(s->pdu, e->text, sizeof(e->text));
	s->pdu = NULL;
	if (resp == NULL) {
		e->status = -1;
		return -1;
	}
	if (resp->errstat != SNMP_ERR_NOERROR) {
		blame(s, e, resp->errstat, resp->errindex);
		snmp_free_pdu(resp);
		return -1;
	}
	snmp_free_pdu(resp);
	for (i = 0; i < s->n; i++)
		if (s->rec[i] != NULL)
			menu_rec_clean(s->rec[i]);
	return 0;
}
