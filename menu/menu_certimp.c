/*
 * menu_certimp.c - the own, CA and peer certificates (K3) and the CRLs
 * (K4): their lists (flags O, CA, N, T), the import screen (by TFTP,
 * which the gateway fetches during the SET, or by direct input of the PEM
 * in the multi-line editor, sent whole in one SET) and the edit screens
 * (description, type, force trusted; what the gateway read from it; the
 * PEM itself).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "menu_certs.h"

static const unsigned long oid_crl[] = {MENU_OID_ipsecCrlEntry};

#define CRL oid_crl, MENU_OIDLEN_ipsecCrlEntry

enum { HOW_TFTP = 1, HOW_DIRECT = 2 };
enum { ID_VIEW = MENU_ID_FIRST_LINK };

static const struct menu_choice ctype_ch[] = {
    {1, "Own Certificate"}, {2, "Certificate Authority"}, {3, "Peer"}};
static const struct menu_choice fmt_ch[] = {
    {1, "auto"}, {2, "base64"}, {3, "binary"}};
static const struct menu_choice how_ch[] = {{HOW_TFTP, "TFTP"},
                                            {HOW_DIRECT, "Direct Input"}};
static const struct menu_choice cstate_ch[] = {
    {1, "valid"},         {2, "expired"},   {3, "revoked"},
    {4, "not yet valid"}, {5, "untrusted"},
};

#define NAME(ch, v) menu_choice_label(ch, MENU_N(ch), v)

/* What differs between importing a certificate and a CRL. */
struct imp_desc {
	const unsigned long *entry;
	size_t entry_len;
	int rs_col, desc_col, data_col, fmt_col;
	int type_col;  /* 0: a CRL */
	int force_col; /* 0: a CRL */
	size_t max;    /* the data column's SIZE */
	const char *data_label;
	const char *path;
	const char *title;
	const char *const *labels;
};

static const char *const cert_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecCertDescription] = "Description",
    [MENU_COL_ipsecCertType] = "Type of Certificate",
    [MENU_COL_ipsecCertData] = "Certificate Data",
    [MENU_COL_ipsecCertImportFormat] = "Import Format",
    [MENU_COL_ipsecCertForceTrusted] = "Force Trusted",
};

static const char *const crl_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecCrlDescription] = "Description",
    [MENU_COL_ipsecCrlData] = "CRL Data",
    [MENU_COL_ipsecCrlImportFormat] = "Import Format",
};

static const struct imp_desc cert_desc = {
    menu_oid_cert,
    MENU_OIDLEN_ipsecCertEntry,
    MENU_COL_ipsecCertRowStatus,
    MENU_COL_ipsecCertDescription,
    MENU_COL_ipsecCertData,
    MENU_COL_ipsecCertImportFormat,
    MENU_COL_ipsecCertType,
    MENU_COL_ipsecCertForceTrusted,
    16384,
    "Certificate Data:",
    "[IPSEC][CERTMGMT][IMPORT]",
    "IPSec Configuration - Get Certificate",
    cert_labels,
};

static const struct imp_desc crl_desc = {
    oid_crl,
    MENU_OIDLEN_ipsecCrlEntry,
    MENU_COL_ipsecCrlRowStatus,
    MENU_COL_ipsecCrlDescription,
    MENU_COL_ipsecCrlData,
    MENU_COL_ipsecCrlImportFormat,
    0,
    0,
    65000,
    "CRL Data:",
    "[IPSEC][CERTMGMT][CRLS][IMPORT]",
    "IPSec Configuration - Get CRL",
    crl_labels,
};

/* The import screen's state: the row, how, and what was typed. */
struct imp {
	const struct imp_desc *d;
	struct menu_rec r;
	struct menu_val how, server, file;
	struct menu_text text;
};

/* TFTP or direct input: show that way's fields; the URL as typed. */
static void
imp_update(struct menu_form *fm)
{
	struct imp *im = fm->ctx;
	int tftp = im->how.i == HOW_TFTP, i;
	struct menu_val *url = &im->r.v[im->d->data_col];

	url->t = MENU_V_STR;
	url->s[0] = '\0';
	if (im->server.s[0] != '\0' && im->file.s[0] != '\0')
		snprintf(url->s, sizeof(url->s), "tftp://%.100s/%.140s",
		         im->server.s, im->file.s);
	for (i = 0; i < fm->n; i++) {
		struct menu_field *f = &fm->f[i];

		if (f->lv == &im->server || f->lv == &im->file ||
		    (f->rec == &im->r && f->oc == im->d->data_col &&
		     f->type == MENU_F_RO))
			f->hidden = !tftp;
		else if (f->type == MENU_F_BLOCK)
			f->hidden = tftp;
		else if (f->rec == &im->r && im->d->force_col != 0 &&
		         f->oc == im->d->force_col)
			f->hidden = menu_rec_int(&im->r, im->d->type_col) !=
			            MENU_E_ipsecCertType_peer;
	}
}

/* A text field of the screen's own (server, file name). */
static void
own_text(struct menu_form *fm, int row, const char *label, struct menu_val *v,
         const char *help)
{
	struct menu_field *f = menu_add(fm, MENU_F_TEXT, row, 5, label, 31, 44);

	f->lv = v;
	f->help = help;
}

/* The import screen (K3 7.2.1 "Get Certificate", K4 "Get CRL"). */
static void
imp_form(struct menu_form *fm, struct imp *im, const struct menu_step *st)
{
	const struct imp_desc *d = im->d;
	struct menu_field *f;

	menu_certs_form(fm, st, d->path, d->title);
	f = menu_add_bound(fm, MENU_F_TEXT, 4, 5, "Description:", 31, 44,
	                   &im->r, d->desc_col);
	f->help = "A name (by TFTP: the file name if you leave it empty)";
	if (d->type_col != 0) {
		f = menu_certs_enum(fm, 5, "Type of Certificate:", 31, &im->r,
		                    d->type_col, ctype_ch,
		                    (int)MENU_N(ctype_ch));
		f->type = MENU_F_RO;
		f = menu_certs_enum(fm, 6, "Force Trusted:", 31, &im->r,
		                    d->force_col, menu_yesno, 2);
		f->help = "yes: trust this peer certificate without a CA";
	}
	f = menu_add(fm, MENU_F_ENUM, 8, 5, "Import using:", 31, 14);
	f->lv = &im->how;
	menu_field_choices(f, how_ch, (int)MENU_N(how_ch));
	f->help = "TFTP: the gateway fetches the file; Direct Input: paste "
	          "the PEM";
	own_text(fm, 9, "Server:", &im->server,
	         "The TFTP server: host or host:port (port 69 if none)");
	own_text(fm, 10, "Name:", &im->file, "The file on the TFTP server");
	menu_add_bound(fm, MENU_F_RO, 11, 5, "URL:", 31, 44, &im->r,
	               d->data_col);
	f = menu_add_bound(fm, MENU_F_BLOCK, 9, 5, d->data_label, 31, 44,
	                   &im->r, d->data_col);
	f->text = &im->text;
	f->empty = "(none: <Return> to paste)";
	f->help = "<Return> opens the editor: paste the PEM, end with a line "
	          "'.'";
	menu_certs_enum(fm, 13, "Import Format:", 31, &im->r, d->fmt_col,
	                fmt_ch, (int)MENU_N(fmt_ch))
	    ->help = "auto recognises PEM, base64 and DER; binary is DER";
	menu_certs_buttons(fm, 16, st, "START");
	fm->ctx = im;
	fm->update = imp_update;
	fm->cur = 0;
}

/* Puts the data in the row as chosen; -1 (with a message) if none. */
static int
imp_data(struct menu_form *fm, struct imp *im)
{
	int col = im->d->data_col;

	if (im->how.i == HOW_TFTP) {
		char url[MENU_STRMAX];

		if (im->r.v[col].s[0] == '\0') {
			menu_status(fm, "Type the TFTP server and the name.");
			return -1;
		}
		snprintf(url, sizeof(url), "%s", im->r.v[col].s);
		im->r.big[col] = NULL;
		menu_rec_setstr(&im->r, col, MENU_V_STR, url);
		return 0;
	}
	if (im->text.len == 0) {
		menu_status(fm, "Paste the data first (<Return> on it).");
		return -1;
	}
	menu_rec_setbig(&im->r, col, im->text.buf);
	return 0;
}

/* START / SKIP / CANCEL of the import screen; START is one SET. */
static int
imp_run(struct menu_form *fm, struct imp *im)
{
	for (;;) {
		int act = menu_form_run(fm);

		if (act == MENU_ID_CANCEL)
			return MENU_STEP_CANCEL;
		if (act == MENU_ID_SKIP)
			return MENU_STEP_SKIP;
		if (act != MENU_ID_SAVE || imp_data(fm, im) != 0)
			continue;
		if (menu_save(fm, &im->r) == 0)
			return MENU_STEP_DONE;
		imp_update(fm); /* the URL field shows what was sent */
	}
}

/* Imports a certificate or CRL into a new row; MENU_STEP_* and index. */
static int
import(const struct imp_desc *d, const struct menu_step *st, int type,
       int *index)
{
	struct menu_form fm;
	struct imp im;
	int rc;

	memset(&im, 0, sizeof(im));
	im.d = d;
	im.how = (struct menu_val){.t = MENU_V_INT, .i = HOW_TFTP};
	im.text.max = d->max;
	menu_certs_open(&im.r, d->entry, d->entry_len,
	                menu_table_next(d->entry, d->entry_len, d->desc_col),
	                d->rs_col, NULL, 0);
	im.r.labels = d->labels;
	im.r.v[d->fmt_col] = (struct menu_val){.t = MENU_V_INT, .i = 1};
	if (d->type_col != 0) {
		menu_rec_setint(&im.r, d->type_col, type);
		im.r.v[d->force_col] =
		    (struct menu_val){.t = MENU_V_INT, .i = 2};
	}
	imp_form(&fm, &im, st);
	rc = imp_run(&fm, &im);
	if (rc == MENU_STEP_DONE)
		*index = im.r.index;
	menu_text_free(&im.text);
	return rc;
}

/* Imports a certificate of the given type (own, ca, peer). */
int
menu_cert_import(const struct menu_step *st, int type, int *index)
{
	return import(&cert_desc, st, type, index);
}

int
menu_crl_import(const struct menu_step *st, int *index)
{
	return import(&crl_desc, st, 0, index);
}

/* Shows the PEM the gateway keeps of a certificate or CRL. */
static void
view_pem(const unsigned long *entry, size_t entry_len, int col, int index,
         const char *path, const char *what)
{
	char *pem = NULL, line[80], vpath[96], title[60];
	const char *head[1] = {line};

	snprintf(vpath, sizeof(vpath), "%.70s[PEM]", path);
	snprintf(title, sizeof(title), "%.12s Contents", what);
	if (menu_get_text(entry, entry_len, col, index, &pem) != 0) {
		menu_confirm("The agent did not return it. OK?");
		return;
	}
	snprintf(line, sizeof(line),
	         "%s %d as the gateway keeps it (PEM):", what, index);
	menu_text_view(vpath, title, head, 1, pem);
	free(pem);
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
    MENU_COL_ipsecCertForceTrusted, MENU_COL_ipsecCertKey,
    MENU_COL_ipsecCertIsCa,         MENU_COL_ipsecCertNoCrls,
    MENU_COL_ipsecCertSerial,       MENU_COL_ipsecCertSubject,
    MENU_COL_ipsecCertIssuer,       MENU_COL_ipsecCertSubjectAltNames,
    MENU_COL_ipsecCertValidity,     MENU_COL_ipsecCertState,
};

/* The flags of the seed: O own, CA a CA, N no CRLs, T forced trusted. */
static void
cert_flags(int64_t type, int64_t ca, int64_t nocrls, int64_t forced, char *buf,
           size_t len)
{
	const char *tok[4];
	size_t off = 0;
	int n = 0, k;

	if (type == MENU_E_ipsecCertType_own)
		tok[n++] = "O";
	if (ca == MENU_E_ipsecCertIsCa_true)
		tok[n++] = "CA";
	if (nocrls == MENU_E_ipsecCertNoCrls_true)
		tok[n++] = "N";
	if (forced == MENU_E_ipsecCertForceTrusted_true)
		tok[n++] = "T";
	buf[0] = '\0';
	for (k = 0; k < n && off < len; k++) {
		int w = snprintf(buf + off, len - off, "%s%s", k ? " " : "",
		                 tok[k]);

		off += w > 0 ? (size_t)w : 0;
	}
}

#define CERT_FMT "%4d  %-22.22s %-8.8s %-12.12s %-26.26s"

/* One line of a certificate list. */
static void
fmt_cert(const struct menu_table *t, int i, char *line, size_t len)
{
	char flags[16] = "";

	cert_flags(menu_table_get(t, i, 1)->i, menu_table_get(t, i, 2)->i,
	           menu_table_get(t, i, 3)->i, menu_table_get(t, i, 4)->i,
	           flags, sizeof(flags));
	snprintf(line, len, CERT_FMT, t->index[i], menu_table_get(t, i, 0)->s,
	         flags, menu_table_get(t, i, 5)->s, menu_table_get(t, i, 6)->s);
}

/* Force trusted is for peer certificates only. */
static void
cert_update(struct menu_form *fm)
{
	const struct menu_rec *r = fm->ctx;
	int i;

	for (i = 0; i < fm->n; i++)
		if (fm->f[i].rec == r &&
		    fm->f[i].oc == MENU_COL_ipsecCertForceTrusted)
			fm->f[i].hidden =
			    menu_rec_int(r, MENU_COL_ipsecCertType) !=
			    MENU_E_ipsecCertType_peer;
}

/* The read-only part of a certificate's screen. */
static void
cert_contents(struct menu_form *fm, struct menu_rec *r, struct menu_val *flags,
              struct menu_val *key)
{
	static const struct {
		int col;
		const char *label;
	} ro[] = {
	    {MENU_COL_ipsecCertSerial, "Serial:"},
	    {MENU_COL_ipsecCertSubject, "Subject:"},
	    {MENU_COL_ipsecCertIssuer, "Issuer:"},
	    {MENU_COL_ipsecCertSubjectAltNames, "Alt Names:"},
	    {MENU_COL_ipsecCertValidity, "Validity:"},
	};
	struct menu_field *f;
	size_t k;

	f = menu_add(fm, MENU_F_RO, 6, 5, "Flags:", 25, 10);
	f->lv = flags;
	f = menu_add(fm, MENU_F_RO, 6, 40, "Uses Key:", 51, 28);
	f->lv = key;
	for (k = 0; k < MENU_N(ro); k++)
		menu_add_bound(fm, MENU_F_RO, 7 + (int)k, 5, ro[k].label, 25,
		               54, r, ro[k].col);
	f = menu_certs_enum(fm, 12, "State:", 25, r, MENU_COL_ipsecCertState,
	                    cstate_ch, (int)MENU_N(cstate_ch));
	f->type = MENU_F_RO;
}

/* The "Uses Key" text of an own certificate: index and description. */
static void
cert_key(const struct menu_rec *r, struct menu_val *key)
{
	struct menu_chlist keys;
	static const unsigned long oid_key[] = {MENU_OID_ipsecKeyEntry};
	int64_t k = menu_rec_int(r, MENU_COL_ipsecCertKey);

	memset(key, 0, sizeof(*key));
	key->t = MENU_V_STR;
	if (k == 0)
		return;
	menu_chlist_table(&keys, oid_key, MENU_OIDLEN_ipsecKeyEntry,
	                  MENU_COL_ipsecKeyDescription, NULL);
	snprintf(key->s, sizeof(key->s), "%lld %.20s", (long long)k,
	         menu_choice_label(keys.c, (size_t)keys.n, k));
}

/*
 * A certificate (K3 "Change Certificate Attributes"): description, type
 * and force trusted can change; the rest is what the gateway read from
 * it, and "Certificate Contents >" shows the PEM.
 */
static void
edit_cert(const struct certtab *ct, int index, const char *path)
{
	struct menu_form fm;
	struct menu_rec r;
	struct menu_val flags, key;
	struct menu_field *f;

	(void)ct;
	if (menu_certs_open(&r, menu_oid_cert, MENU_OIDLEN_ipsecCertEntry,
	                    index, MENU_COL_ipsecCertRowStatus, cert_cols,
	                    (int)MENU_N(cert_cols)) != 0)
		return;
	r.labels = cert_labels;
	memset(&flags, 0, sizeof(flags));
	flags.t = MENU_V_STR;
	cert_flags(menu_rec_int(&r, MENU_COL_ipsecCertType),
	           menu_rec_int(&r, MENU_COL_ipsecCertIsCa),
	           menu_rec_int(&r, MENU_COL_ipsecCertNoCrls),
	           menu_rec_int(&r, MENU_COL_ipsecCertForceTrusted), flags.s,
	           sizeof(flags.s));
	cert_key(&r, &key);
	menu_form_init(&fm, path, "IPSec Configuration - Certificate");
	menu_add_bound(&fm, MENU_F_TEXT, 3, 5, "Description:", 25, 50, &r,
	               MENU_COL_ipsecCertDescription);
	menu_certs_enum(&fm, 4, "Type:", 25, &r, MENU_COL_ipsecCertType,
	                ctype_ch, (int)MENU_N(ctype_ch))
	    ->help = "Own, CA or peer certificate: the gateway checks the new "
	             "type";
	f = menu_certs_enum(&fm, 5, "Force Trusted:", 25, &r,
	                    MENU_COL_ipsecCertForceTrusted, menu_yesno, 2);
	f->help = "yes: trust this peer certificate without a CA (flag T)";
	cert_contents(&fm, &r, &flags, &key);
	menu_add_link(&fm, 14, 5, "Certificate Contents >", ID_VIEW);
	menu_add_button(&fm, 16, 20, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 16, 50, "CANCEL", MENU_ID_CANCEL);
	fm.ctx = &r;
	fm.update = cert_update;
	fm.cur = 0;
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_CANCEL)
			return;
		if (act == ID_VIEW)
			view_pem(menu_oid_cert, MENU_OIDLEN_ipsecCertEntry,
			         MENU_COL_ipsecCertData, index, path,
			         "Certificate");
		if (act == MENU_ID_SAVE && menu_save(&fm, &r) == 0)
			return;
	}
}

static int
append_cert(const struct certtab *ct, const char *path)
{
	const struct menu_step st = {path, NULL, NULL, 0};
	int index = 0;

	return menu_cert_import(&st, ct->filter_val, &index) == MENU_STEP_DONE
	           ? index
	           : 0;
}

/* The list of one type of certificate (own, CA, peer). */
void
menu_certs_certtab(struct certtab *ct, int type)
{
	static char header[MENU_COLS + 1];

	snprintf(header, sizeof(header), " %4s  %-22s %-8s %-12s %s", "Idx",
	         "Description", "Flags", "Serial", "Subject");
	memset(ct, 0, sizeof(*ct));
	ct->path = type == MENU_E_ipsecCertType_own ? "[IPSEC][CERTMGMT][OWN]"
	           : type == MENU_E_ipsecCertType_ca
	               ? "[IPSEC][CERTMGMT][CA]"
	               : "[IPSEC][CERTMGMT][PEER]";
	ct->title = type == MENU_E_ipsecCertType_own
	                ? "IPSec Configuration - Own Certificates"
	            : type == MENU_E_ipsecCertType_ca
	                ? "IPSec Configuration - CA Certificates"
	                : "IPSec Configuration - Peer Certificates";
	ct->header = header;
	ct->help = "Flags: 'O'= own cert, 'CA'= CA cert, 'N'= no CRLs, 'T'= "
	           "cert forced trusted";
	ct->entry = menu_oid_cert;
	ct->entry_len = MENU_OIDLEN_ipsecCertEntry;
	ct->cols = cert_list_cols;
	ct->ncols = (int)MENU_N(cert_list_cols);
	ct->rs_col = MENU_COL_ipsecCertRowStatus;
	ct->filter_pos = 1;
	ct->filter_val = type;
	ct->format = fmt_cert;
	ct->edit = edit_cert;
	ct->append = append_cert;
}

/* ---- CRLs ---- */

static const int crl_cols[] = {
    MENU_COL_ipsecCrlDescription, MENU_COL_ipsecCrlIssuer,
    MENU_COL_ipsecCrlNumber,      MENU_COL_ipsecCrlRevocations,
    MENU_COL_ipsecCrlValidity,
};

#define CRL_FMT "%4d  %-22.22s %-34.34s %-8.8s %5llu"

/* One line of the CRL list: description, issuer, number, revocations. */
static void
fmt_crl(const struct menu_table *t, int i, char *line, size_t len)
{
	snprintf(line, len, CRL_FMT, t->index[i], menu_table_get(t, i, 0)->s,
	         menu_table_get(t, i, 1)->s, menu_table_get(t, i, 2)->s,
	         (unsigned long long)menu_table_get(t, i, 3)->u);
}

/* A CRL: its description can change; what it says is shown. */
static void
edit_crl(const struct certtab *ct, int index, const char *path)
{
	struct menu_form fm;
	struct menu_rec r;

	(void)ct;
	if (menu_certs_open(&r, CRL, index, MENU_COL_ipsecCrlRowStatus,
	                    crl_cols, (int)MENU_N(crl_cols)) != 0)
		return;
	r.labels = crl_labels;
	menu_form_init(&fm, path, "IPSec Configuration - CRL Management");
	menu_add(&fm, MENU_F_LABEL, 3, 5,
	         "Change Certificate Revocation List Attributes", 0, 0);
	menu_add_bound(&fm, MENU_F_TEXT, 5, 5, "Description:", 25, 50, &r,
	               MENU_COL_ipsecCrlDescription);
	menu_add_bound(&fm, MENU_F_RO, 7, 5, "Issuer:", 25, 54, &r,
	               MENU_COL_ipsecCrlIssuer);
	menu_add_bound(&fm, MENU_F_RO, 8, 5, "Number:", 25, 30, &r,
	               MENU_COL_ipsecCrlNumber);
	menu_add_bound(&fm, MENU_F_RO, 9, 5, "Revocations:", 25, 10, &r,
	               MENU_COL_ipsecCrlRevocations);
	menu_add_bound(&fm, MENU_F_RO, 10, 5, "Validity:", 25, 54, &r,
	               MENU_COL_ipsecCrlValidity);
	menu_add_link(&fm, 12, 5, "CRL Contents >", ID_VIEW);
	menu_add_button(&fm, 14, 20, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 14, 50, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 1;
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_CANCEL)
			return;
		if (act == ID_VIEW)
			view_pem(CRL, MENU_COL_ipsecCrlData, index, path,
			         "CRL");
		if (act == MENU_ID_SAVE && menu_save(&fm, &r) == 0)
			return;
	}
}

static int
append_crl(const struct certtab *ct, const char *path)
{
	const struct menu_step st = {path, NULL, NULL, 0};
	int index = 0;

	(void)ct;
	return menu_crl_import(&st, &index) == MENU_STEP_DONE ? index : 0;
}

/* The CRL list (K4). */
void
menu_certs_crltab(struct certtab *ct)
{
	static char header[MENU_COLS + 1];

	snprintf(header, sizeof(header), " %4s  %-22s %-34s %-8s %5s", "Idx",
	         "Description", "Issuer", "Number", "NumC");
	memset(ct, 0, sizeof(*ct));
	ct->path = "[IPSEC][CERTMGMT][CRLS]";
	ct->title = "IPSec Configuration - CRL Management";
	ct->header = header;
	ct->help = "NumC: how many certificates the CRL revokes";
	ct->entry = oid_crl;
	ct->entry_len = MENU_OIDLEN_ipsecCrlEntry;
	ct->cols = crl_cols;
	ct->ncols = 4;
	ct->rs_col = MENU_COL_ipsecCrlRowStatus;
	ct->format = fmt_crl;
	ct->edit = edit_crl;
	ct->append = append_crl;
}
