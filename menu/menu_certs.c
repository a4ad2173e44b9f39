/*
 * menu_certs.c - Certificate and Key Management (K): the submenu, the
 * list screen every table shares (APPEND or CREATE / DELETE / EXIT,
 * Return edits or views a row), the keys (K1) and the certificate
 * servers (K4).  Certificates and CRLs are in menu_certimp.c, requests in
 * menu_certreq.c.  Key material is never read nor shown: only a key's
 * description, algorithm, length, state and fingerprint.
 */
#include <stdio.h>
#include <string.h>

#include "menu_certs.h"

static const unsigned long oid_key[] = {MENU_OID_ipsecKeyEntry};
static const unsigned long oid_srv[] = {MENU_OID_ipsecCertServerEntry};

#define KEY oid_key, MENU_OIDLEN_ipsecKeyEntry
#define SRV oid_srv, MENU_OIDLEN_ipsecCertServerEntry

enum {
	L_KEYS = MENU_ID_FIRST_LINK,
	L_OWN,
	L_CA,
	L_PEER,
	L_CRL,
	L_SRV,
	L_REQ,
	ID_EXTRA,
};

static const struct menu_choice alg_ch[] = {{1, "rsa"}, {2, "dsa"}};
static const struct menu_choice kstate_ch[] = {
    {1, "generating"}, {2, "ready"}, {3, "failed"}};

#define NAME(ch, v) menu_choice_label(ch, MENU_N(ch), v)

/* ---- what the screens share ---- */

/* Opens a row's record: loaded, or (ncols 0) a new row. 0 if usable. */
int
menu_certs_open(struct menu_rec *r, const unsigned long *entry,
                size_t entry_len, int index, int rs_col, const int *cols,
                int ncols)
{
	char err[100];

	menu_rec_init(r, entry, entry_len, index, rs_col);
	if (ncols == 0) {
		r->is_new = 1;
		return 0;
	}
	return menu_rec_load(r, cols, ncols, err, sizeof(err));
}

/* A selection field of the edit screens. */
struct menu_field *
menu_certs_enum(struct menu_form *fm, int row, const char *label, int vcol,
                struct menu_rec *r, int col, const struct menu_choice *ch,
                int n)
{
	struct menu_field *f =
	    menu_add_bound(fm, MENU_F_ENUM, row, 5, label, vcol, 24, r, col);

	menu_field_choices(f, ch, n);
	return f;
}

/* Starts a form: its own path and title, or the wizard step's. */
void
menu_certs_form(struct menu_form *fm, const struct menu_step *st,
                const char *path, const char *title)
{
	menu_form_init(fm, st != NULL ? st->path : path,
	               st != NULL && st->title != NULL ? st->title : title);
	if (st != NULL && st->intro != NULL)
		menu_add(fm, MENU_F_LABEL, 2, 3, st->intro, 0, 0);
}

/* SAVE (or CREATE, START ...), SKIP for the wizard, CANCEL. */
void
menu_certs_buttons(struct menu_form *fm, int row, const struct menu_step *st,
                   const char *save)
{
	int skip = st != NULL && st->skip;

	menu_add_button(fm, row, skip ? 10 : 20, save, MENU_ID_SAVE);
	if (skip)
		menu_add_button(fm, row, 35, "SKIP", MENU_ID_SKIP);
	menu_add_button(fm, row, skip ? 55 : 50, "CANCEL", MENU_ID_CANCEL);
}

/* SAVE / SKIP / CANCEL loop of an edit screen; SAVE is one SET. */
int
menu_certs_run(struct menu_form *fm, struct menu_rec *r)
{
	for (;;) {
		int act = menu_form_run(fm);

		if (act == MENU_ID_CANCEL || act == MENU_ID_EXIT)
			return MENU_STEP_CANCEL;
		if (act == MENU_ID_SKIP)
			return MENU_STEP_SKIP;
		if (act == MENU_ID_SAVE && menu_save(fm, r) == 0)
			return MENU_STEP_DONE;
	}
}

/* ---- the list screens ---- */

/*
 * Reads the table into the list (filtered).  Re-reads it every second
 * while a row is busy (a key being generated, a request being sent).
 */
static void
load_ct(struct menu_form *fm, const struct certtab *ct, struct menu_list *l)
{
	struct menu_table t;
	char err[100];
	int i, n = 0, busy = 0;

	if (menu_table_read(ct->entry, ct->entry_len, ct->cols, ct->ncols, &t,
	                    err, sizeof(err)) != 0) {
		menu_status(fm, "%s", err);
		menu_list_alloc(l, 0);
		return;
	}
	menu_list_alloc(l, t.n);
	for (i = 0; i < t.n; i++) {
		if (ct->filter_val != 0 &&
		    menu_table_get(&t, i, ct->filter_pos)->i != ct->filter_val)
			continue;
		busy |= ct->busy_val != 0 &&
		        menu_table_get(&t, i, ct->busy_pos)->i == ct->busy_val;
		ct->format(&t, i, l->lines[n], sizeof(l->lines[n]));
		l->key[n++] = t.index[i];
	}
	l->n = n;
	if (l->sel >= n)
		l->sel = n > 0 ? n - 1 : 0;
	fm->refresh_ms = busy ? 1000 : 0;
	menu_table_free(&t);
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
	if (menu_set_send(&s, &e) != 0)
		menu_status(fm, "%s (still in use?)", e.text);
	else
		menu_status(fm, "Deleted %d entr%s.", n, n == 1 ? "y" : "ies");
}

/* Highlights the row with the given index, if it is listed. */
static void
select_key(struct menu_list *l, int index)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->key[i] == index)
			l->sel = i;
}

/* Builds a list screen: help line, header, list and buttons. */
static void
build_ct(struct menu_form *fm, const struct certtab *ct, struct menu_list *l,
         const char *append)
{
	menu_form_init(fm, ct->path, ct->title);
	if (ct->help != NULL)
		menu_add(fm, MENU_F_LABEL, 3, 2, ct->help, 0, 0);
	menu_add(fm, MENU_F_LABEL, 4, 0, ct->header, 0, 0);
	menu_add_list(fm, 5, 13, l, MENU_ID_LIST);
	menu_add_button(fm, 19, 5, append, MENU_ID_APPEND);
	menu_add_button(fm, 19, 25, "DELETE", MENU_ID_DELETE);
	if (ct->keys != NULL) {
		menu_add_button(fm, 19, 39, "REQUEST CERT", ID_EXTRA);
		menu_add_button(fm, 19, 59, "EXIT", MENU_ID_EXIT);
	} else {
		menu_add_button(fm, 19, 45, "EXIT", MENU_ID_EXIT);
	}
	fm->keys = ct->keys;
}

/*
 * A list screen of the submenu: Return edits, APPEND (CREATE, IMPORT),
 * DELETE, EXIT, and the table's own keys.
 */
static void
run_ct(const struct certtab *ct, const char *append, const char *add)
{
	struct menu_form fm;
	struct menu_list l = {0};

	build_ct(&fm, ct, &l, append);
	load_ct(&fm, ct, &l);
	for (;;) {
		int act = menu_form_run(&fm), index = 0;
		char path[80];

		if (act == MENU_ID_EXIT)
			break;
		snprintf(path, sizeof(path), "%.68s[%s]", ct->path,
		         act == MENU_ID_APPEND ? add : "EDIT");
		if (act == MENU_ACT_ENTER)
			ct->edit(ct, l.key[l.sel], path);
		else if (act == MENU_ID_APPEND)
			index = ct->append(ct, path);
		else if (act == MENU_ID_DELETE)
			delete_ct(&fm, ct, &l);
		else if ((act == MENU_ACT_KEY || act == ID_EXTRA) &&
		         ct->key != NULL)
			ct->key(ct, ct->keys[0], l.n > 0 ? l.key[l.sel] : 0,
			        path);
		load_ct(&fm, ct, &l);
		if (index > 0)
			select_key(&l, index);
	}
	menu_list_free(&l);
}

/* ---- keys (K1) ---- */

static const int key_cols[] = {
    MENU_COL_ipsecKeyDescription, MENU_COL_ipsecKeyAlgorithm,
    MENU_COL_ipsecKeyLength,      MENU_COL_ipsecKeyState,
    MENU_COL_ipsecKeyFingerprint,
};

static const char *const key_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecKeyDescription] = "Description",
    [MENU_COL_ipsecKeyAlgorithm] = "Algorithm",
    [MENU_COL_ipsecKeyLength] = "Key Size (Bits)",
    [MENU_COL_ipsecKeyPublicExponent] = "RSA Public Exponent",
};

#define KEY_HELP_RSA                                                           \
	"2048 proposed: RSA under 2048 bits counts as breakable; 512..4096"
#define KEY_HELP_DSA "DSA: 1024, 2048 or 3072 bits; 2048 proposed"

/* Create Keys: the exponent only for RSA, the size's help per algorithm. */
static void
key_update(struct menu_form *fm)
{
	const struct menu_rec *r = fm->ctx;
	int rsa = menu_rec_int(r, MENU_COL_ipsecKeyAlgorithm) !=
	          MENU_E_ipsecKeyAlgorithm_dsa;
	int i;

	for (i = 0; i < fm->n; i++) {
		struct menu_field *f = &fm->f[i];

		if (f->rec != r)
			continue;
		if (f->oc == MENU_COL_ipsecKeyPublicExponent)
			f->hidden = !rsa;
		else if (f->oc == MENU_COL_ipsecKeyLength)
			f->help = rsa ? KEY_HELP_RSA : KEY_HELP_DSA;
	}
}

/* The Create Keys form (K1, 7.1.1); alg != 0 fixes the algorithm. */
static void
key_form(struct menu_form *fm, struct menu_rec *r, const struct menu_step *st,
         int alg)
{
	struct menu_field *f;

	menu_certs_form(fm, st, "[IPSEC][CERTMGMT][KEYS][CREATE]",
	                "IPSec Configuration - Create Keys");
	f = menu_add_bound(fm, MENU_F_TEXT, 4, 5, "Description:", 29, 45, r,
	                   MENU_COL_ipsecKeyDescription);
	f->help = "A name for the key";
	f = menu_certs_enum(fm, 5, "Algorithm:", 29, r,
	                    MENU_COL_ipsecKeyAlgorithm, alg_ch,
	                    (int)MENU_N(alg_ch));
	f->help = "rsa or dsa; <Space> to select";
	if (alg != 0)
		f->type = MENU_F_RO;
	menu_add_bound(fm, MENU_F_INT, 6, 5, "Key Size (Bits):", 29, 6, r,
	               MENU_COL_ipsecKeyLength);
	f = menu_add_bound(fm, MENU_F_UINT, 7, 5, "RSA Public Exponent:", 29,
	                   12, r, MENU_COL_ipsecKeyPublicExponent);
	f->help = "Part of the public key; keep 65537 unless your CA says "
	          "otherwise";
	menu_certs_buttons(fm, 10, st, "CREATE");
	fm->ctx = r;
	fm->update = key_update;
	fm->cur = 0;
}

/*
 * Creates a key on the gateway (the SET generates it).  2048 bits are
 * proposed instead of the MIB's 1024: RSA and DSA keys under 2048 bits
 * are no longer considered safe.  Returns MENU_STEP_* and the index.
 */
int
menu_key_create(const struct menu_step *st, int alg, int *index)
{
	struct menu_form fm;
	struct menu_rec r;
	int rc;

	menu_certs_open(&r, KEY,
	                menu_table_next(KEY, MENU_COL_ipsecKeyDescription),
	                MENU_COL_ipsecKeyRowStatus, NULL, 0);
	r.labels = key_labels;
	r.v[MENU_COL_ipsecKeyAlgorithm] = (struct menu_val){
	    .t = MENU_V_INT,
	    .i = alg != 0 ? alg : MENU_E_ipsecKeyAlgorithm_rsa};
	r.dirty[MENU_COL_ipsecKeyAlgorithm] = alg != 0;
	menu_rec_setint(&r, MENU_COL_ipsecKeyLength, 2048);
	r.v[MENU_COL_ipsecKeyPublicExponent] =
	    (struct menu_val){.t = MENU_V_UINT, .i = 65537, .u = 65537};
	key_form(&fm, &r, st, alg);
	rc = menu_certs_run(&fm, &r);
	if (rc == MENU_STEP_DONE)
		*index = r.index;
	return rc;
}

/* APPEND on the key list. */
static int
append_key(const struct certtab *ct, const char *path)
{
	const struct menu_step st = {path, NULL, NULL, 0};
	int index = 0;

	(void)ct;
	if (menu_key_create(&st, 0, &index) != MENU_STEP_DONE)
		return 0;
	return index;
}

/* 'e' or REQUEST CERT on the key list: a request for that key. */
static void
key_request(const struct certtab *ct, int key, int index, const char *path)
{
	const struct menu_step st = {"[IPSEC][CERTMGMT][KEYS][ENROLL]", NULL,
	                             NULL, 0};
	int req = 0;

	(void)ct;
	(void)key;
	(void)path;
	if (index > 0)
		menu_req_create(&st, index, &req);
}

/*
 * An existing key: only its description can change; the rest is shown,
 * the fingerprint (SHA-256, 95 characters) on two lines.
 */
static void
edit_key(const struct certtab *ct, int index, const char *path)
{
	struct menu_form fm;
	struct menu_rec r;
	struct menu_field *f;
	struct menu_val fp[2];
	const char *s;
	int k;

	if (menu_certs_open(&r, KEY, index, MENU_COL_ipsecKeyRowStatus,
	                    key_cols, (int)MENU_N(key_cols)) != 0)
		return;
	r.labels = key_labels;
	menu_form_init(&fm, path, "IPSec Configuration - Key");
	menu_add_bound(&fm, MENU_F_TEXT, 4, 5, "Description:", 29, 45, &r,
	               MENU_COL_ipsecKeyDescription);
	f = menu_certs_enum(&fm, 5, "Algorithm:", 29, &r,
	                    MENU_COL_ipsecKeyAlgorithm, alg_ch,
	                    (int)MENU_N(alg_ch));
	f->type = MENU_F_RO;
	menu_add_bound(&fm, MENU_F_RO, 6, 5, "Key Size (Bits):", 29, 6, &r,
	               MENU_COL_ipsecKeyLength);
	f = menu_certs_enum(&fm, 7, "State:", 29, &r, MENU_COL_ipsecKeyState,
	                    kstate_ch, (int)MENU_N(kstate_ch));
	f->type = MENU_F_RO;
	menu_add(&fm, MENU_F_LABEL, 8, 5, "Fingerprint:", 0, 0);
	s = menu_rec_str(&r, MENU_COL_ipsecKeyFingerprint);
	for (k = 0; k < 2; k++) {
		size_t off = (size_t)k * 48;

		memset(&fp[k], 0, sizeof(fp[k]));
		fp[k].t = MENU_V_STR;
		if (strlen(s) > off)
			snprintf(fp[k].s, sizeof(fp[k].s), "%.48s", s + off);
		f = menu_add(&fm, MENU_F_RO, 8 + k, 29, NULL, 29, 48);
		f->lv = &fp[k];
	}
	menu_add_button(&fm, 12, 10, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 12, 30, "REQUEST CERT", ID_EXTRA);
	menu_add_button(&fm, 12, 55, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 0;
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_CANCEL)
			return;
		if (act == ID_EXTRA)
			key_request(ct, 'e', index, path);
		if (act == MENU_ID_SAVE && menu_save(&fm, &r) == 0)
			return;
	}
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

/* ---- certificate servers (K4, 7.3.1) ---- */

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

/* The certificate server form: description, URL, preference. */
static void
srv_form(struct menu_form *fm, struct menu_rec *r)
{
	struct menu_field *f;

	menu_add_bound(fm, MENU_F_TEXT, 4, 5, "Description:", 25, 50, r,
	               MENU_COL_ipsecCertServerDescription);
	f = menu_add_bound(fm, MENU_F_TEXT, 5, 5, "URL:", 25, 50, r,
	                   MENU_COL_ipsecCertServerUrl);
	f->help = "Where CRLs are fetched: ldap://, ldaps://, http:// or "
	          "https://";
	f = menu_add_bound(fm, MENU_F_INT, 6, 5, "Preference:", 25, 4, r,
	                   MENU_COL_ipsecCertServerPreference);
	f->help = "0..255: servers are asked by preference, 0 first";
	fm->cur = fm->n - 3;
}

/* A new certificate server; MENU_STEP_* and its index. */
int
menu_srv_create(const struct menu_step *st, int *index)
{
	struct menu_form fm;
	struct menu_rec r;
	int rc;

	menu_certs_open(
	    &r, SRV, menu_table_next(SRV, MENU_COL_ipsecCertServerDescription),
	    MENU_COL_ipsecCertServerRowStatus, NULL, 0);
	r.labels = srv_labels;
	r.v[MENU_COL_ipsecCertServerPreference] =
	    (struct menu_val){.t = MENU_V_INT, .i = 0};
	menu_certs_form(&fm, st, "[IPSEC][CERTMGMT][SERVERS][ADD]",
	                "IPSec Configuration - Certificate Server");
	srv_form(&fm, &r);
	menu_certs_buttons(&fm, 9, st, "SAVE");
	rc = menu_certs_run(&fm, &r);
	if (rc == MENU_STEP_DONE)
		*index = r.index;
	return rc;
}

static int
append_srv(const struct certtab *ct, const char *path)
{
	const struct menu_step st = {path, NULL, NULL, 0};
	int index = 0;

	(void)ct;
	return menu_srv_create(&st, &index) == MENU_STEP_DONE ? index : 0;
}

static void
edit_srv(const struct certtab *ct, int index, const char *path)
{
	struct menu_form fm;
	struct menu_rec r;

	(void)ct;
	if (menu_certs_open(&r, SRV, index, MENU_COL_ipsecCertServerRowStatus,
	                    srv_cols, (int)MENU_N(srv_cols)) != 0)
		return;
	r.labels = srv_labels;
	menu_form_init(&fm, path, "IPSec Configuration - Certificate Server");
	srv_form(&fm, &r);
	menu_certs_buttons(&fm, 9, NULL, "SAVE");
	menu_certs_run(&fm, &r);
}

/* ---- the submenu ---- */

static const struct certtab key_tab = {
    .path = "[IPSEC][CERTMGMT][KEYS]",
    .title = "IPSec Configuration - Configure Keys",
    .header = "  Idx  Description                              "
              "Algorithm Length  State",
    .help = "Highlight an entry and type 'e' to generate a pkcs#10 "
            "certificate request",
    .entry = oid_key,
    .entry_len = MENU_OIDLEN_ipsecKeyEntry,
    .cols = key_cols,
    .ncols = 4,
    .rs_col = MENU_COL_ipsecKeyRowStatus,
    .format = fmt_key,
    .edit = edit_key,
    .append = append_key,
    .keys = "e",
    .key = key_request,
    .busy_pos = 3,
    .busy_val = MENU_E_ipsecKeyState_generating,
};

static const struct certtab srv_tab = {
    .path = "[IPSEC][CERTMGMT][SERVERS]",
    .title = "IPSec Configuration - Certificate Servers",
    .header = "  Idx  Description              URL"
              "                                    Pref",
    .help = "Servers CRLs are fetched from, asked by preference (0 first)",
    .entry = oid_srv,
    .entry_len = MENU_OIDLEN_ipsecCertServerEntry,
    .cols = srv_cols,
    .ncols = (int)MENU_N(srv_cols),
    .rs_col = MENU_COL_ipsecCertServerRowStatus,
    .format = fmt_srv,
    .edit = edit_srv,
    .append = append_srv,
};

/* Runs the list of the link chosen in the submenu. */
static void
cert_link(int act)
{
	struct certtab ct;

	switch (act) {
	case L_KEYS:
		run_ct(&key_tab, "CREATE", "CREATE");
		break;
	case L_OWN:
		menu_certs_certtab(&ct, MENU_E_ipsecCertType_own);
		run_ct(&ct, "IMPORT", "IMPORT");
		break;
	case L_CA:
		menu_certs_certtab(&ct, MENU_E_ipsecCertType_ca);
		run_ct(&ct, "IMPORT", "IMPORT");
		break;
	case L_PEER:
		menu_certs_certtab(&ct, MENU_E_ipsecCertType_peer);
		run_ct(&ct, "IMPORT", "IMPORT");
		break;
	case L_CRL:
		menu_certs_crltab(&ct);
		run_ct(&ct, "IMPORT", "IMPORT");
		break;
	case L_SRV:
		run_ct(&srv_tab, "APPEND", "ADD");
		break;
	case L_REQ:
		menu_certs_reqtab(&ct);
		run_ct(&ct, "REQUEST", "ENROLL");
		break;
	default:
		break;
	}
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
