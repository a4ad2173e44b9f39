/*
 * menu_certs.c - Certificate and Key Management (K): the keys, the own,
 * CA and peer certificates, the CRLs, the certificate servers and the
 * certificate requests.  Every table has a list screen (APPEND / DELETE /
 * EXIT, Return edits or views a row) and an edit screen whose SAVE is one
 * SET.  Key material is never read nor shown: only a key's description,
 * algorithm, length, state and fingerprint.
 */
#include <stdio.h>
#include <string.h>

#include "menu.h"

static const unsigned long oid_key[] = {MENU_OID_ipsecKeyEntry};
static const unsigned long oid_crl[] = {MENU_OID_ipsecCrlEntry};
static const unsigned long oid_srv[] = {MENU_OID_ipsecCertServerEntry};
static const unsigned long oid_req[] = {MENU_OID_ipsecCertReqEntry};

#define KEY oid_key, MENU_OIDLEN_ipsecKeyEntry
#define CRL oid_crl, MENU_OIDLEN_ipsecCrlEntry
#define SRV oid_srv, MENU_OIDLEN_ipsecCertServerEntry
#define REQ oid_req, MENU_OIDLEN_ipsecCertReqEntry

enum {
	L_KEYS = MENU_ID_FIRST_LINK,
	L_OWN,
	L_CA,
	L_PEER,
	L_CRL,
	L_SRV,
	L_REQ,
};

/* A table shown as a list, optionally only the rows of one type. */
struct certtab {
	const char *path;
	const char *title;
	const char *header;
	const char *help;
	const unsigned long *entry;
	size_t entry_len;
	const int *cols;
	int ncols;
	int rs_col;
	int filter_pos; /* position in cols of the type column, or -1 */
	int filter_val;
	void (*format)(const struct menu_table *t, int i, char *line,
	               size_t len);
	void (*edit)(const struct certtab *ct, int index, int is_new,
	             const char *path);
};

static const struct menu_choice alg_ch[] = {{1, "rsa"}, {2, "dsa"}};
static const struct menu_choice kstate_ch[] = {
    {1, "generating"}, {2, "ready"}, {3, "failed"}};
static const struct menu_choice ctype_ch[] = {
    {1, "own"}, {2, "CA"}, {3, "peer"}};
static const struct menu_choice fmt_ch[] = {
    {1, "auto"}, {2, "base64"}, {3, "binary"}};
static const struct menu_choice cstate_ch[] = {
    {1, "valid"},         {2, "expired"},   {3, "revoked"},
    {4, "not yet valid"}, {5, "untrusted"},
};
static const struct menu_choice method_ch[] = {
    {1, "scep"}, {2, "upload"}, {3, "show"}};
static const struct menu_choice alt_ch[] = {
    {1, "none"}, {2, "IP"}, {3, "DNS"}, {4, "E-mail"},
    {5, "URI"},  {6, "DN"}, {7, "RID"},
};
static const struct menu_choice enc_ch[] = {{1, "base64"}, {2, "binary"}};
static const struct menu_choice rstate_ch[] = {
    {1, "idle"}, {2, "pending"}, {3, "done"}, {4, "failed"}};

#define NAME(ch, v) menu_choice_label(ch, MENU_N(ch), v)

/* Reads the table into the list (filtered); returns the next free index. */
static int
load_ct(struct menu_form *fm, const struct certtab *ct, struct menu_list *l)
{
	struct menu_table t;
	char err[100];
	int i, n = 0, next = 1;

	if (menu_table_read(ct->entry, ct->entry_len, ct->cols, ct->ncols, &t,
	                    err, sizeof(err)) != 0) {
		menu_status(fm, "%s", err);
		menu_list_alloc(l, 0);
		return 1;
	}
	menu_list_alloc(l, t.n);
	for (i = 0; i < t.n; i++) {
		if (t.index[i] >= next)
			next = t.index[i] + 1;
		if (ct->filter_pos >= 0 &&
		    menu_table_get(&t, i, ct->filter_pos)->i != ct->filter_val)
			continue;
		ct->format(&t, i, l->lines[n], sizeof(l->lines[n]));
		l->key[n++] = t.index[i];
	}
	l->n = n;
	if (l->sel >= n)
		l->sel = n > 0 ? n - 1 : 0;
	menu_table_free(&t);
	return next;
}

/* Destroys the marked rows (or, after asking, the highlighted one). */
static void
delete_ct(struct menu_form *fm, const struct certtab *ct, struct menu_list *l)
{
	int rows[MENU_SET_MAX], n, i;
	struct menu_set s;
	struct menu_seterr e;

	n = menu_list_targets(l, rows, (int)MENU_N(rows));
	if (n == 0)
		return;
	menu_set_init(&s);
	for (i = 0; i < n; i++)
		menu_set_int(&s, ct->entry, ct->entry_len, ct->rs_col,
		             l->key[rows[i]], MENU_E_ipsecKeyRowStatus_destroy);
	if (menu_set_send(&s, &e) != 0) {
		menu_show_seterr(fm, &e);
		menu_status(fm, "%s (still in use?)", e.text);
	} else {
		menu_status(fm, "Deleted %d entr%s.", n, n == 1 ? "y" : "ies");
	}
}

/* A list screen of the submenu: Return edits, APPEND, DELETE, EXIT. */
static void
run_ct(const struct certtab *ct)
{
	struct menu_form fm;
	struct menu_list l = {0};
	int next;

	menu_form_init(&fm, ct->path, ct->title);
	if (ct->help != NULL)
		menu_add(&fm, MENU_F_LABEL, 3, 2, ct->help, 0, 0);
	menu_add(&fm, MENU_F_LABEL, 4, 0, ct->header, 0, 0);
	menu_add_list(&fm, 5, 13, &l, MENU_ID_LIST);
	menu_add_button(&fm, 19, 5, "APPEND", MENU_ID_APPEND);
	menu_add_button(&fm, 19, 25, "DELETE", MENU_ID_DELETE);
	menu_add_button(&fm, 19, 45, "EXIT", MENU_ID_EXIT);
	next = load_ct(&fm, ct, &l);
	for (;;) {
		int act = menu_form_run(&fm);
		char path[80];

		if (act == MENU_ID_EXIT)
			break;
		snprintf(path, sizeof(path), "%.70s[%s]", ct->path,
		         act == MENU_ID_APPEND ? "ADD" : "EDIT");
		if (act == MENU_ACT_ENTER)
			ct->edit(ct, l.key[l.sel], 0, path);
		else if (act == MENU_ID_APPEND)
			ct->edit(ct, next, 1, path);
		else if (act == MENU_ID_DELETE)
			delete_ct(&fm, ct, &l);
		next = load_ct(&fm, ct, &l);
		if (act == MENU_ID_APPEND && l.n > 0)
			l.sel = l.n - 1;
	}
	menu_list_free(&l);
}

/* Opens a row's record: loaded, or a new row with its DEFVALs. */
static int
open_ct(struct menu_rec *r, const struct certtab *ct, int index, int is_new,
        const int *cols, int ncols, const int (*defs)[2], int ndefs)
{
	char err[100];

	menu_rec_init(r, ct->entry, ct->entry_len, index, ct->rs_col);
	r->is_new = is_new;
	if (is_new) {
		menu_rec_defaults(r, defs, ndefs);
		return 0;
	}
	return menu_rec_load(r, cols, ncols, err, sizeof(err));
}

/* SAVE / CANCEL loop of an edit screen; SAVE is one SET. */
static void
run_edit(struct menu_form *fm, struct menu_rec *r)
{
	for (;;) {
		int act = menu_form_run(fm);

		if (act == MENU_ID_CANCEL || act == MENU_ID_EXIT)
			return;
		if (act == MENU_ID_SAVE && menu_save(fm, r) == 0)
			return;
	}
}

/* A selection field of the edit screens. */
static struct menu_field *
add_enum(struct menu_form *fm, int row, const char *label, int vcol,
         struct menu_rec *r, int col, const struct menu_choice *ch, int n)
{
	struct menu_field *f =
	    menu_add_bound(fm, MENU_F_ENUM, row, 5, label, vcol, 20, r, col);

	menu_field_choices(f, ch, n);
	return f;
}

/* ---- keys ---- */

#define D(c, v) {c, v},
static const int key_defs[][2] = {MENU_DEFVALS_ipsecKeyEntry(D)};
static const int cert_defs[][2] = {MENU_DEFVALS_ipsecCertEntry(D)};
static const int crl_defs[][2] = {MENU_DEFVALS_ipsecCrlEntry(D)};
static const int srv_defs[][2] = {MENU_DEFVALS_ipsecCertServerEntry(D)};
#undef D

static const int key_cols[] = {
    MENU_COL_ipsecKeyDescription, MENU_COL_ipsecKeyAlgorithm,
    MENU_COL_ipsecKeyLength,      MENU_COL_ipsecKeyState,
    MENU_COL_ipsecKeyFingerprint,
};

static const char *const key_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecKeyDescription] = "Description",
    [MENU_COL_ipsecKeyAlgorithm] = "Algorithm",
    [MENU_COL_ipsecKeyLength] = "Key Size (Bits)",
};

/*
 * Create Keys (K, 7.1.1): description, algorithm and size; an existing
 * key is only shown (its material never leaves the gateway).
 */
static void
edit_key(const struct certtab *ct, int index, int is_new, const char *path)
{
	struct menu_form fm;
	struct menu_rec r;
	struct menu_field *f;

	if (open_ct(&r, ct, index, is_new, key_cols, (int)MENU_N(key_cols),
	            key_defs, (int)MENU_N(key_defs)) != 0)
		return;
	r.labels = key_labels;
	menu_form_init(&fm, path,
	               is_new ? "IPSec Configuration - Create Keys"
	                      : "IPSec Configuration - Key");
	f = menu_add_bound(&fm, is_new ? MENU_F_TEXT : MENU_F_RO, 4, 5,
	                   "Description:", 29, 45, &r,
	                   MENU_COL_ipsecKeyDescription);
	f->help = "A name for the key";
	f = add_enum(&fm, 5, "Algorithm:", 29, &r, MENU_COL_ipsecKeyAlgorithm,
	             alg_ch, (int)MENU_N(alg_ch));
	f->help = "rsa or dsa; <Space> to select";
	if (!is_new)
		f->type = MENU_F_RO;
	f = menu_add_bound(&fm, is_new ? MENU_F_INT : MENU_F_RO, 6, 5,
	                   "Key Size (Bits):", 29, 6, &r,
	                   MENU_COL_ipsecKeyLength);
	f->help = "512..4096 bits; 2048 or more is recommended (default "
	          "1024)";
	if (is_new) {
		menu_add_button(&fm, 9, 16, "CREATE", MENU_ID_SAVE);
		menu_add_button(&fm, 9, 51, "CANCEL", MENU_ID_CANCEL);
		fm.cur = 0;
	} else {
		f = add_enum(&fm, 7, "State:", 29, &r, MENU_COL_ipsecKeyState,
		             kstate_ch, (int)MENU_N(kstate_ch));
		f->type = MENU_F_RO;
		menu_add_bound(&fm, MENU_F_RO, 8, 5, "Fingerprint:", 29, 50, &r,
		               MENU_COL_ipsecKeyFingerprint);
		menu_add_button(&fm, 10, 35, "EXIT", MENU_ID_EXIT);
		fm.cur = fm.n - 1;
	}
	run_edit(&fm, &r);
}

/* One line of the key list. */
static void
fmt_key(const struct menu_table *t, int i, char *line, size_t len)
{
	snprintf(line, len, "%4d  %-40.40s %-9s %6lld  %-10s", t->index[i],
	         menu_table_get(t, i, 0)->s,
	         NAME(alg_ch, menu_table_get(t, i, 1)->i),
	         (long long)menu_table_get(t, i, 2)->i,
	         NAME(kstate_ch, menu_table_get(t, i, 3)->i));
}

/* ---- certificates ---- */

static const int cert_list_cols[] = {
    MENU_COL_ipsecCertDescription,  MENU_COL_ipsecCertType,
    MENU_COL_ipsecCertIsCa,         MENU_COL_ipsecCertNoCrls,
    MENU_COL_ipsecCertForceTrusted, MENU_COL_ipsecCertSerial,
    MENU_COL_ipsecCertSubject,
};

static const int cert_cols[] = {
    MENU_COL_ipsecCertDescription,  MENU_COL_ipsecCertType,
    MENU_COL_ipsecCertForceTrusted, MENU_COL_ipsecCertSerial,
    MENU_COL_ipsecCertSubject,      MENU_COL_ipsecCertIssuer,
    MENU_COL_ipsecCertState,
};

static const char *const cert_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecCertDescription] = "Description",
    [MENU_COL_ipsecCertType] = "Type",
    [MENU_COL_ipsecCertData] = "Certificate Data",
    [MENU_COL_ipsecCertImportFormat] = "Import Format",
    [MENU_COL_ipsecCertForceTrusted] = "Force Trusted",
};

/* One line of a certificate list: flags O, CA, N, T (K). */
static void
fmt_cert(const struct menu_table *t, int i, char *line, size_t len)
{
	char flags[16];

	snprintf(
	    flags, sizeof(flags), "%s%s%s%s",
	    menu_table_get(t, i, 1)->i == MENU_E_ipsecCertType_own ? "O" : "",
	    menu_table_get(t, i, 2)->i == MENU_E_ipsecCertIsCa_true ? "CA" : "",
	    menu_table_get(t, i, 3)->i == MENU_E_ipsecCertNoCrls_true ? "N"
	                                                              : "",
	    menu_table_get(t, i, 4)->i == MENU_E_ipsecCertForceTrusted_true
	        ? "T"
	        : "");
	snprintf(line, len, "%4d  %-24.24s %-5s %-12.12s %-28.28s", t->index[i],
	         menu_table_get(t, i, 0)->s, flags, menu_table_get(t, i, 5)->s,
	         menu_table_get(t, i, 6)->s);
}

/*
 * A certificate: APPEND imports one (description, type, format, data as
 * text); EDIT changes description, type and force trusted and shows what
 * the gateway read from it.
 */
static void
edit_cert(const struct certtab *ct, int index, int is_new, const char *path)
{
	struct menu_form fm;
	struct menu_rec r;
	struct menu_field *f;

	if (open_ct(&r, ct, index, is_new, cert_cols, (int)MENU_N(cert_cols),
	            cert_defs, (int)MENU_N(cert_defs)) != 0)
		return;
	r.labels = cert_labels;
	if (is_new)
		menu_rec_setint(&r, MENU_COL_ipsecCertType, ct->filter_val);
	menu_form_init(&fm, path, "IPSec Configuration - Certificate");
	menu_add_bound(&fm, MENU_F_TEXT, 3, 5, "Description:", 25, 50, &r,
	               MENU_COL_ipsecCertDescription);
	add_enum(&fm, 4, "Type:", 25, &r, MENU_COL_ipsecCertType, ctype_ch,
	         (int)MENU_N(ctype_ch));
	f = add_enum(&fm, 5, "Force Trusted:", 25, &r,
	             MENU_COL_ipsecCertForceTrusted, menu_yesno, 2);
	f->help = "yes: trust it without checking its chain";
	if (is_new) {
		add_enum(&fm, 6, "Import Format:", 25, &r,
		         MENU_COL_ipsecCertImportFormat, fmt_ch,
		         (int)MENU_N(fmt_ch));
		f = menu_add_bound(&fm, MENU_F_TEXT, 7, 5, "Data:", 25, 50, &r,
		                   MENU_COL_ipsecCertData);
		f->help = "The certificate as text (PEM or base64)";
	} else {
		menu_add_bound(&fm, MENU_F_RO, 7, 5, "Serial:", 25, 50, &r,
		               MENU_COL_ipsecCertSerial);
		menu_add_bound(&fm, MENU_F_RO, 8, 5, "Subject:", 25, 54, &r,
		               MENU_COL_ipsecCertSubject);
		menu_add_bound(&fm, MENU_F_RO, 9, 5, "Issuer:", 25, 54, &r,
		               MENU_COL_ipsecCertIssuer);
		f = add_enum(&fm, 10, "State:", 25, &r, MENU_COL_ipsecCertState,
		             cstate_ch, (int)MENU_N(cstate_ch));
		f->type = MENU_F_RO;
	}
	menu_add_button(&fm, 12, 20, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 12, 50, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 0;
	run_edit(&fm, &r);
}

/* ---- CRLs ---- */

static const int crl_cols[] = {MENU_COL_ipsecCrlDescription,
                               MENU_COL_ipsecCrlIssuer, MENU_COL_ipsecCrlNumber,
                               MENU_COL_ipsecCrlRevocations};

static const char *const crl_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecCrlDescription] = "Description",
    [MENU_COL_ipsecCrlData] = "CRL Data",
    [MENU_COL_ipsecCrlImportFormat] = "Import Format",
};

/* One line of the CRL list. */
static void
fmt_crl(const struct menu_table *t, int i, char *line, size_t len)
{
	snprintf(line, len, "%4d  %-26.26s %-32.32s %-10.10s", t->index[i],
	         menu_table_get(t, i, 0)->s, menu_table_get(t, i, 1)->s,
	         menu_table_get(t, i, 2)->s);
}

/* A CRL: imported as text on APPEND; afterwards only its description. */
static void
edit_crl(const struct certtab *ct, int index, int is_new, const char *path)
{
	struct menu_form fm;
	struct menu_rec r;
	struct menu_field *f;

	if (open_ct(&r, ct, index, is_new, crl_cols, (int)MENU_N(crl_cols),
	            crl_defs, (int)MENU_N(crl_defs)) != 0)
		return;
	r.labels = crl_labels;
	menu_form_init(&fm, path, "IPSec Configuration - Revocation List");
	menu_add_bound(&fm, MENU_F_TEXT, 3, 5, "Description:", 25, 50, &r,
	               MENU_COL_ipsecCrlDescription);
	if (is_new) {
		add_enum(&fm, 4, "Import Format:", 25, &r,
		         MENU_COL_ipsecCrlImportFormat, fmt_ch,
		         (int)MENU_N(fmt_ch));
		f = menu_add_bound(&fm, MENU_F_TEXT, 5, 5, "Data:", 25, 50, &r,
		                   MENU_COL_ipsecCrlData);
		f->help = "The CRL as text (PEM or base64)";
	} else {
		menu_add_bound(&fm, MENU_F_RO, 5, 5, "Issuer:", 25, 54, &r,
		               MENU_COL_ipsecCrlIssuer);
		menu_add_bound(&fm, MENU_F_RO, 6, 5, "Number:", 25, 30, &r,
		               MENU_COL_ipsecCrlNumber);
		menu_add_bound(&fm, MENU_F_RO, 7, 5, "Revocations:", 25, 10, &r,
		               MENU_COL_ipsecCrlRevocations);
	}
	menu_add_button(&fm, 10, 20, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 10, 50, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 0;
	run_edit(&fm, &r);
}

/* ---- certificate servers ---- */

static const int srv_cols[] = {MENU_COL_ipsecCertServerDescription,
                               MENU_COL_ipsecCertServerUrl,
                               MENU_COL_ipsecCertServerPreference};

static const char *const srv_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecCertServerDescription] = "Description",
    [MENU_COL_ipsecCertServerUrl] = "URL",
    [MENU_COL_ipsecCertServerPreference] = "Preference",
};

/* One line of the certificate server list. */
static void
fmt_srv(const struct menu_table *t, int i, char *line, size_t len)
{
	snprintf(line, len, "%4d  %-24.24s %-38.38s %4lld", t->index[i],
	         menu_table_get(t, i, 0)->s, menu_table_get(t, i, 1)->s,
	         (long long)menu_table_get(t, i, 2)->i);
}

/* A certificate server (K, 7.3.1): description, URL, preference. */
static void
edit_srv(const struct certtab *ct, int index, int is_new, const char *path)
{
	struct menu_form fm;
	struct menu_rec r;
	struct menu_field *f;

	if (open_ct(&r, ct, index, is_new, srv_cols, (int)MENU_N(srv_cols),
	            srv_defs, (int)MENU_N(srv_defs)) != 0)
		return;
	r.labels = srv_labels;
	menu_form_init(&fm, path, "IPSec Configuration - Certificate Server");
	menu_add_bound(&fm, MENU_F_TEXT, 3, 5, "Description:", 25, 50, &r,
	               MENU_COL_ipsecCertServerDescription);
	f = menu_add_bound(&fm, MENU_F_TEXT, 4, 5, "URL:", 25, 50, &r,
	                   MENU_COL_ipsecCertServerUrl);
	f->help = "e.g. ldap://ca.example.com or http://ca.example.com/scep";
	f = menu_add_bound(&fm, MENU_F_INT, 5, 5, "Preference:", 25, 4, &r,
	                   MENU_COL_ipsecCertServerPreference);
	f->help = "0..255: servers are asked by preference";
	menu_add_button(&fm, 8, 20, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 8, 50, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 0;
	run_edit(&fm, &r);
}

/* ---- certificate requests ---- */

static const int req_list_cols[] = {
    MENU_COL_ipsecCertReqKey, MENU_COL_ipsecCertReqMethod,
    MENU_COL_ipsecCertReqSubject, MENU_COL_ipsecCertReqState};

static const int req_cols[] = {
    MENU_COL_ipsecCertReqKey,      MENU_COL_ipsecCertReqMethod,
    MENU_COL_ipsecCertReqSubject,  MENU_COL_ipsecCertReqAltName1Type,
    MENU_COL_ipsecCertReqAltName1, MENU_COL_ipsecCertReqAltName2Type,
    MENU_COL_ipsecCertReqAltName2, MENU_COL_ipsecCertReqAltName3Type,
    MENU_COL_ipsecCertReqAltName3, MENU_COL_ipsecCertReqServer,
    MENU_COL_ipsecCertReqFile,     MENU_COL_ipsecCertReqEncoding,
    MENU_COL_ipsecCertReqPkcs10,   MENU_COL_ipsecCertReqState,
    MENU_COL_ipsecCertReqError,
};

static const char *const req_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecCertReqKey] = "Key",
    [MENU_COL_ipsecCertReqMethod] = "Method",
    [MENU_COL_ipsecCertReqSubject] = "Subject",
    [MENU_COL_ipsecCertReqAltName1Type] = "Subject Alt Name 1",
    [MENU_COL_ipsecCertReqAltName1] = "Subject Alt Name 1",
    [MENU_COL_ipsecCertReqAltName2Type] = "Subject Alt Name 2",
    [MENU_COL_ipsecCertReqAltName2] = "Subject Alt Name 2",
    [MENU_COL_ipsecCertReqAltName3Type] = "Subject Alt Name 3",
    [MENU_COL_ipsecCertReqAltName3] = "Subject Alt Name 3",
    [MENU_COL_ipsecCertReqServer] = "Server",
    [MENU_COL_ipsecCertReqFile] = "File Name",
    [MENU_COL_ipsecCertReqEncoding] = "Encoding",
};

/* One line of the request list. */
static void
fmt_req(const struct menu_table *t, int i, char *line, size_t len)
{
	snprintf(line, len, "%4d  key %-5lld %-7s %-40.40s %-8s", t->index[i],
	         (long long)menu_table_get(t, i, 0)->i,
	         NAME(method_ch, menu_table_get(t, i, 1)->i),
	         menu_table_get(t, i, 2)->s,
	         NAME(rstate_ch, menu_table_get(t, i, 3)->i));
}

/* The state of a request, its error and the start of its PKCS#10. */
static void
view_req(struct menu_rec *r, const char *path)
{
	struct menu_form fm;
	struct menu_val p[3];
	const char *pk = menu_rec_str(r, MENU_COL_ipsecCertReqPkcs10);
	struct menu_field *f;
	int k;

	menu_form_init(&fm, path, "IPSec Configuration - Certificate Request");
	menu_add_bound(&fm, MENU_F_RO, 3, 5, "Subject:", 20, 56, r,
	               MENU_COL_ipsecCertReqSubject);
	f = menu_add_bound(&fm, MENU_F_RO, 4, 5, "State:", 20, 10, r,
	                   MENU_COL_ipsecCertReqState);
	menu_field_choices(f, rstate_ch, (int)MENU_N(rstate_ch));
	menu_add_bound(&fm, MENU_F_RO, 5, 5, "Error:", 20, 56, r,
	               MENU_COL_ipsecCertReqError);
	menu_add(&fm, MENU_F_LABEL, 7, 5, "PKCS#10:", 0, 0);
	for (k = 0; k < 3; k++) {
		size_t off = (size_t)k * 70, n = strlen(pk);

		memset(&p[k], 0, sizeof(p[k]));
		p[k].t = MENU_V_STR;
		if (off < n)
			snprintf(p[k].s, sizeof(p[k].s), "%.70s", pk + off);
		f = menu_add(&fm, MENU_F_RO, 8 + k, 5, NULL, 5, 70);
		f->lv = &p[k];
	}
	menu_add_button(&fm, 13, 35, "EXIT", MENU_ID_EXIT);
	fm.cur = fm.n - 1;
	run_edit(&fm, r);
}

/* The choices of a request's key: the key table by description. */
static void
key_choices(struct menu_chlist *cl)
{
	menu_chlist_table(cl, KEY, MENU_COL_ipsecKeyDescription, NULL);
}

/*
 * Request Certificate (K, 7.1.2): the key, the method, the subject, three
 * alternative names with their types, the server and file, the encoding.
 * An existing request is shown with its state and PKCS#10.
 */
static void
edit_req(const struct certtab *ct, int index, int is_new, const char *path)
{
	struct menu_form fm;
	struct menu_rec r;
	struct menu_chlist keys;
	struct menu_field *f;
	int k;

	if (open_ct(&r, ct, index, is_new, req_cols, (int)MENU_N(req_cols),
	            NULL, 0) != 0)
		return;
	r.labels = req_labels;
	if (!is_new) {
		view_req(&r, path);
		return;
	}
	key_choices(&keys);
	if (keys.n == 0) {
		menu_confirm("Create a key first (Key Management). OK?");
		return;
	}
	menu_rec_setint(&r, MENU_COL_ipsecCertReqKey, keys.c[0].val);
	menu_rec_setint(&r, MENU_COL_ipsecCertReqMethod, 3);
	for (k = 0; k < 3; k++)
		menu_rec_setint(&r, MENU_COL_ipsecCertReqAltName1Type + 2 * k,
		                1);
	menu_rec_setint(&r, MENU_COL_ipsecCertReqEncoding, 1);
	menu_form_init(&fm, path, "IPSec Configuration - Request Certificate");
	add_enum(&fm, 3, "Key:", 28, &r, MENU_COL_ipsecCertReqKey, keys.c,
	         keys.n);
	f = add_enum(&fm, 4, "Method:", 28, &r, MENU_COL_ipsecCertReqMethod,
	             method_ch, (int)MENU_N(method_ch));
	f->help = "scep: ask the server; upload: to the file; show: PKCS#10 "
	          "here";
	menu_add_bound(&fm, MENU_F_TEXT, 5, 5, "Subject:", 28, 48, &r,
	               MENU_COL_ipsecCertReqSubject)
	    ->help = "e.g. CN=gw.example.com,O=Example,C=DE";
	for (k = 0; k < 3; k++) {
		static const char *const lab[] = {
		    "Subject Alt Name #1:", "Subject Alt Name #2:",
		    "Subject Alt Name #3:"};
		f = menu_add_bound(&fm, MENU_F_ENUM, 6 + k, 5, lab[k], 28, 7,
		                   &r,
		                   MENU_COL_ipsecCertReqAltName1Type + 2 * k);
		menu_field_choices(f, alt_ch, (int)MENU_N(alt_ch));
		menu_add_bound(&fm, MENU_F_TEXT, 6 + k, 36, NULL, 36, 40, &r,
		               MENU_COL_ipsecCertReqAltName1 + 2 * k);
	}
	menu_add_bound(&fm, MENU_F_TEXT, 9, 5, "Server:", 28, 48, &r,
	               MENU_COL_ipsecCertReqServer)
	    ->help = "The SCEP server's URL (method scep)";
	menu_add_bound(&fm, MENU_F_TEXT, 10, 5, "File Name:", 28, 48, &r,
	               MENU_COL_ipsecCertReqFile)
	    ->help = "Where the request is written (method upload)";
	add_enum(&fm, 11, "Encoding:", 28, &r, MENU_COL_ipsecCertReqEncoding,
	         enc_ch, (int)MENU_N(enc_ch));
	menu_add_button(&fm, 14, 20, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 14, 50, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 0;
	run_edit(&fm, &r);
}

/* ---- the submenu ---- */

#define CERT_HEADER "  Idx  Description              Flags Serial       Subject"

/* Runs the list of the link chosen in the submenu. */
static void
cert_link(int act)
{
	struct certtab ct = {0};

	ct.entry = menu_oid_cert;
	ct.entry_len = MENU_OIDLEN_ipsecCertEntry;
	ct.cols = cert_list_cols;
	ct.ncols = (int)MENU_N(cert_list_cols);
	ct.rs_col = MENU_COL_ipsecCertRowStatus;
	ct.format = fmt_cert;
	ct.edit = edit_cert;
	ct.header = CERT_HEADER;
	ct.help = "Flags: O own, CA certificate authority, N no CRLs, T force "
	          "trusted";
	ct.filter_pos = 1;
	switch (act) {
	case L_KEYS:
		ct = (struct certtab){
		    "[IPSEC][CERTMGMT][KEYS]",
		    "IPSec Configuration - Configure Keys",
		    "  Idx  Description                              "
		    "Algorithm Length  State",
		    "Keys are generated on the gateway; 2048 bits or more "
		    "recommended",
		    KEY,
		    key_cols,
		    4,
		    MENU_COL_ipsecKeyRowStatus,
		    -1,
		    0,
		    fmt_key,
		    edit_key,
		};
		break;
	case L_OWN:
		ct.path = "[IPSEC][CERTMGMT][OWN]";
		ct.title = "IPSec Configuration - Own Certificates";
		ct.filter_val = MENU_E_ipsecCertType_own;
		break;
	case L_CA:
		ct.path = "[IPSEC][CERTMGMT][CA]";
		ct.title = "IPSec Configuration - CA Certificates";
		ct.filter_val = MENU_E_ipsecCertType_ca;
		break;
	case L_PEER:
		ct.path = "[IPSEC][CERTMGMT][PEER]";
		ct.title = "IPSec Configuration - Peer Certificates";
		ct.filter_val = MENU_E_ipsecCertType_peer;
		break;
	case L_CRL:
		ct = (struct certtab){
		    "[IPSEC][CERTMGMT][CRLS]",
		    "IPSec Configuration - Certificate Revocation Lists",
		    "  Idx  Description                Issuer"
		    "                           Number",
		    NULL,
		    CRL,
		    crl_cols,
		    3,
		    MENU_COL_ipsecCrlRowStatus,
		    -1,
		    0,
		    fmt_crl,
		    edit_crl,
		};
		break;
	case L_SRV:
		ct = (struct certtab){
		    "[IPSEC][CERTMGMT][SERVERS]",
		    "IPSec Configuration - Certificate Servers",
		    "  Idx  Description              URL"
		    "                                    Pref",
		    NULL,
		    SRV,
		    srv_cols,
		    (int)MENU_N(srv_cols),
		    MENU_COL_ipsecCertServerRowStatus,
		    -1,
		    0,
		    fmt_srv,
		    edit_srv,
		};
		break;
	case L_REQ:
		ct = (struct certtab){
		    "[IPSEC][CERTMGMT][REQUESTS]",
		    "IPSec Configuration - Certificate Requests",
		    "  Idx  Key       Method  Subject"
		    "                                  State",
		    "APPEND requests a certificate; <Return> shows a request",
		    REQ,
		    req_list_cols,
		    (int)MENU_N(req_list_cols),
		    MENU_COL_ipsecCertReqRowStatus,
		    -1,
		    0,
		    fmt_req,
		    edit_req,
		};
		break;
	default:
		return;
	}
	run_ct(&ct);
}

/* Certificate and Key Management (K): one link per table. */
void
menu_screen_certs(void)
{
	struct menu_form fm;

	menu_form_init(&fm, "[IPSEC][CERTMGMT]",
	               "IPSec Configuration - Certificate and Key Management");
	menu_add_link(&fm, 4, 10, "Key Management >", L_KEYS);
	menu_add_link(&fm, 5, 10, "Own Certificates >", L_OWN);
	menu_add_link(&fm, 6, 10, "Certificate Authority Certificates >", L_CA);
	menu_add_link(&fm, 7, 10, "Peer Certificates >", L_PEER);
	menu_add_link(&fm, 8, 10, "Certificate Revocation Lists >", L_CRL);
	menu_add_link(&fm, 9, 10, "Certificate Servers >", L_SRV);
	menu_add_link(&fm, 10, 10, "Certificate Requests >", L_REQ);
	menu_add_button(&fm, 13, 35, "EXIT", MENU_ID_EXIT);
	fm.cur = 0;
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_EXIT || act == MENU_ID_CANCEL)
			return;
		if (act >= MENU_ID_FIRST_LINK)
			cert_link(act);
	}
}
