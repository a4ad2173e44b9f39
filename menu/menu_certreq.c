/*
 * menu_certreq.c - certificate requests (K2, seed 7.1.2 "Request
 * Certificate"): a PKCS#10 request for one of the gateway's keys, made by
 * the gateway when the row is created, then shown here in full (method
 * show) or sent to a TFTP server (upload, whose state the screen follows
 * until it is done or failed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "menu_certs.h"

static const unsigned long oid_key[] = {MENU_OID_ipsecKeyEntry};
static const unsigned long oid_req[] = {MENU_OID_ipsecCertReqEntry};

#define KEY oid_key, MENU_OIDLEN_ipsecKeyEntry
#define REQ oid_req, MENU_OIDLEN_ipsecCertReqEntry

enum { ID_PKCS10 = MENU_ID_FIRST_LINK };

static const struct menu_choice method_ch[] = {
    {1, "SCEP"}, {2, "Upload"}, {3, "Show"}};
static const struct menu_choice alt_ch[] = {
    {1, "NONE"}, {2, "IP"}, {3, "DNS"}, {4, "Email"},
    {5, "URI"},  {6, "DN"}, {7, "RID"},
};
static const struct menu_choice enc_ch[] = {{1, "base64"}, {2, "binary"}};
static const struct menu_choice rstate_ch[] = {
    {1, "idle"}, {2, "pending"}, {3, "done"}, {4, "failed"}};

#define NAME(ch, v) menu_choice_label(ch, MENU_N(ch), v)

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
    MENU_COL_ipsecCertReqState,    MENU_COL_ipsecCertReqError,
};

static const char *const req_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecCertReqKey] = "Key to enroll",
    [MENU_COL_ipsecCertReqMethod] = "Method",
    [MENU_COL_ipsecCertReqSubject] = "Subject Name",
    [MENU_COL_ipsecCertReqAltName1Type] = "Subject Alt Name 1",
    [MENU_COL_ipsecCertReqAltName1] = "Subject Alt Name 1",
    [MENU_COL_ipsecCertReqAltName2Type] = "Subject Alt Name 2",
    [MENU_COL_ipsecCertReqAltName2] = "Subject Alt Name 2",
    [MENU_COL_ipsecCertReqAltName3Type] = "Subject Alt Name 3",
    [MENU_COL_ipsecCertReqAltName3] = "Subject Alt Name 3",
    [MENU_COL_ipsecCertReqServer] = "Server",
    [MENU_COL_ipsecCertReqFile] = "Certname",
    [MENU_COL_ipsecCertReqEncoding] = "Encoding",
};

#define ALT_TYPE(k) (MENU_COL_ipsecCertReqAltName1Type + 2 * (k))
#define ALT_NAME(k) (MENU_COL_ipsecCertReqAltName1 + 2 * (k))

/*
 * Shows the request's PKCS#10 in full, to be copied to the CA (or checked
 * before an upload).
 */
static void
show_pkcs10(int index, const char *path)
{
	char *pem = NULL, vpath[96], l1[80], l2[80];
	const char *head[2] = {l1, l2};

	snprintf(vpath, sizeof(vpath), "%.70s[SHOW]", path);
	if (menu_get_text(REQ, MENU_COL_ipsecCertReqPkcs10, index, &pem) != 0 ||
	    pem[0] == '\0') {
		free(pem);
		menu_confirm("The gateway has not made this request. OK?");
		return;
	}
	snprintf(l1, sizeof(l1),
	         "Request %d: give this PKCS#10 request to your CA", index);
	snprintf(l2, sizeof(l2),
	         "(copy it from the screen, or read "
	         "ipsecCertReqPkcs10 with snmpget)");
	menu_text_view(vpath, "Certificate Request (PKCS#10)", head, 2, pem);
	free(pem);
}

/* Hides what the chosen method does not use; the alt names' defaults. */
static void
req_update(struct menu_form *fm)
{
	const struct menu_rec *r = fm->ctx;
	int64_t m = menu_rec_int(r, MENU_COL_ipsecCertReqMethod);
	int i;

	for (i = 0; i < fm->n; i++) {
		struct menu_field *f = &fm->f[i];
		int k = (f->oc - MENU_COL_ipsecCertReqAltName1) / 2;

		if (f->rec != r)
			continue;
		if (f->oc == MENU_COL_ipsecCertReqServer ||
		    f->oc == MENU_COL_ipsecCertReqFile)
			f->hidden = m == MENU_E_ipsecCertReqMethod_show;
		else if (f->oc == MENU_COL_ipsecCertReqEncoding)
			f->hidden = m != MENU_E_ipsecCertReqMethod_upload;
		else if (f->type == MENU_F_TEXT && k >= 0 && k < 3 &&
		         f->oc == ALT_NAME(k))
			f->empty = menu_rec_int(r, ALT_TYPE(k)) ==
			                   MENU_E_ipsecCertReqAltName1Type_ip
			               ? "(the gateway's address)"
			           : menu_rec_int(r, ALT_TYPE(k)) ==
			                   MENU_E_ipsecCertReqAltName1Type_dns
			               ? "(the gateway's host name)"
			               : NULL;
	}
}

/* The Request Certificate form (seed "Certificate Enrollment"). */
static void
req_form(struct menu_form *fm, struct menu_rec *r, const struct menu_step *st,
         const struct menu_chlist *keys, int fixed_key)
{
	struct menu_field *f;
	int k, first;

	menu_certs_form(fm, st, "[IPSEC][CERTMGMT][REQS][ENROLL]",
	                "IPSec Configuration - Request Certificate");
	first = fm->n;
	f = menu_certs_enum(fm, 4, "Key to enroll:", 21, r,
	                    MENU_COL_ipsecCertReqKey, keys->c, keys->n);
	if (fixed_key)
		f->type = MENU_F_RO;
	menu_certs_enum(fm, 5, "Method:", 21, r, MENU_COL_ipsecCertReqMethod,
	                method_ch, (int)MENU_N(method_ch))
	    ->help = "Show: the request is shown here; Upload: sent by TFTP; "
	             "SCEP: no";
	f = menu_add_bound(fm, MENU_F_TEXT, 6, 5, "Subject Name:", 21, 54, r,
	                   MENU_COL_ipsecCertReqSubject);
	f->help = "e.g. CN=gw.example.com,O=Example,C=DE or /O=Example/CN=gw";
	f->empty = "(CN=the gateway's host name)";
	menu_add(fm, MENU_F_LABEL, 8, 5,
	         "Subject Alternative Names (optional):", 0, 0);
	menu_add(fm, MENU_F_LABEL, 9, 7, "Type   Value", 0, 0);
	for (k = 0; k < 3; k++) {
		f = menu_add_bound(fm, MENU_F_ENUM, 10 + k, 7, NULL, 7, 6, r,
		                   ALT_TYPE(k));
		menu_field_choices(f, alt_ch, (int)MENU_N(alt_ch));
		menu_add_bound(fm, MENU_F_TEXT, 10 + k, 14, NULL, 14, 50, r,
		               ALT_NAME(k))
		    ->help = "IP, DNS name, e-mail, URI, DN or RID as the type "
		             "says";
	}
	menu_add_bound(fm, MENU_F_TEXT, 14, 5, "Server:", 21, 40, r,
	               MENU_COL_ipsecCertReqServer)
	    ->help = "The TFTP server: host or host:port (no tftp://)";
	f = menu_add_bound(fm, MENU_F_TEXT, 15, 5, "Certname:", 21, 40, r,
	                   MENU_COL_ipsecCertReqFile);
	f->help = "The file name on the server";
	f->empty = "(ipsecgw-req-N.pem)";
	menu_certs_enum(fm, 16, "Encoding:", 21, r,
	                MENU_COL_ipsecCertReqEncoding, enc_ch,
	                (int)MENU_N(enc_ch));
	menu_certs_buttons(fm, 18, st, "START");
	fm->ctx = r;
	fm->update = req_update;
	fm->cur = fixed_key ? first + 2 : first; /* Subject Name, or Key */
}

/*
 * The defaults as the gateway applies them (not sent): IP and DNS names
 * first, method show.  Once one alternative name is given, all three
 * types are sent, so that what the screen shows is what is requested.
 */
static void
req_defaults(struct menu_rec *r, int key)
{
	static const int alt[3] = {MENU_E_ipsecCertReqAltName1Type_ip,
	                           MENU_E_ipsecCertReqAltName1Type_dns,
	                           MENU_E_ipsecCertReqAltName1Type_none};
	int k;

	menu_rec_setint(r, MENU_COL_ipsecCertReqKey, key);
	r->v[MENU_COL_ipsecCertReqMethod] = (struct menu_val){
	    .t = MENU_V_INT, .i = MENU_E_ipsecCertReqMethod_show};
	r->v[MENU_COL_ipsecCertReqEncoding] =
	    (struct menu_val){.t = MENU_V_INT, .i = 1};
	for (k = 0; k < 3; k++)
		r->v[ALT_TYPE(k)] =
		    (struct menu_val){.t = MENU_V_INT, .i = alt[k]};
}

static void
req_alt_dirty(struct menu_rec *r)
{
	int k, any = 0;

	for (k = 0; k < 3; k++)
		any |= r->dirty[ALT_TYPE(k)] | r->dirty[ALT_NAME(k)];
	for (k = 0; k < 3 && any; k++)
		r->dirty[ALT_TYPE(k)] = 1;
}

/* START / SKIP / CANCEL: START creates the row, the gateway the request. */
static int
req_run(struct menu_form *fm, struct menu_rec *r)
{
	for (;;) {
		int act = menu_form_run(fm);

		if (act == MENU_ID_CANCEL)
			return MENU_STEP_CANCEL;
		if (act == MENU_ID_SKIP)
			return MENU_STEP_SKIP;
		if (act != MENU_ID_SAVE)
			continue;
		req_alt_dirty(r);
		if (menu_save(fm, r) == 0)
			return MENU_STEP_DONE;
	}
}

/*
 * Requests a certificate for a key (key 0: the operator chooses it).
 * After START the request is shown (method show) or its upload followed.
 * Returns MENU_STEP_* and the new request's index.
 */
int
menu_req_create(const struct menu_step *st, int key, int *index)
{
	struct menu_form fm;
	struct menu_rec r;
	struct menu_chlist keys;
	int rc;

	menu_chlist_table(&keys, KEY, MENU_COL_ipsecKeyDescription, NULL);
	if (keys.n == 0) {
		menu_confirm("Create a key first (Key Management). OK?");
		return MENU_STEP_CANCEL;
	}
	menu_certs_open(&r, REQ, menu_table_next(REQ, MENU_COL_ipsecCertReqKey),
	                MENU_COL_ipsecCertReqRowStatus, NULL, 0);
	r.labels = req_labels;
	req_defaults(&r, key != 0 ? key : (int)keys.c[keys.n - 1].val);
	req_form(&fm, &r, st, &keys, key != 0);
	rc = req_run(&fm, &r);
	if (rc != MENU_STEP_DONE)
		return rc;
	*index = r.index;
	if (menu_rec_int(&r, MENU_COL_ipsecCertReqMethod) ==
	    MENU_E_ipsecCertReqMethod_show)
		show_pkcs10(r.index, fm.path);
	else
		menu_req_view(r.index, fm.path);
	return MENU_STEP_DONE;
}

/* One line of the request list. */
static void
fmt_req(const struct menu_table *t, int i, char *line, size_t len)
{
	snprintf(line, len, "%4d  %5lld  %-7s %-42.42s %-8s", t->index[i],
	         (long long)menu_table_get(t, i, 0)->i,
	         NAME(method_ch, menu_table_get(t, i, 1)->i),
	         menu_table_get(t, i, 2)->s,
	         NAME(rstate_ch, menu_table_get(t, i, 3)->i));
}

/*
 * A request: what was asked, its state (re-read every second while an
 * upload is pending), the reason of a failure, and its PKCS#10.
 */
void
menu_req_view(int index, const char *path)
{
	struct menu_form fm;
	struct menu_rec r;
	struct menu_field *f;
	struct menu_chlist keys;
	struct menu_val key = {.t = MENU_V_STR};
	char err[100];

	if (menu_certs_open(&r, REQ, index, MENU_COL_ipsecCertReqRowStatus,
	                    req_cols, (int)MENU_N(req_cols)) != 0)
		return;
	menu_chlist_table(&keys, KEY, MENU_COL_ipsecKeyDescription, NULL);
	snprintf(key.s, sizeof(key.s), "%lld %.40s",
	         (long long)menu_rec_int(&r, MENU_COL_ipsecCertReqKey),
	         menu_choice_label(keys.c, (size_t)keys.n,
	                           menu_rec_int(&r, MENU_COL_ipsecCertReqKey)));
	menu_form_init(&fm, path, "IPSec Configuration - Certificate Request");
	f = menu_add(&fm, MENU_F_RO, 4, 5, "Key to enroll:", 25, 50);
	f->lv = &key;
	f = menu_add_bound(&fm, MENU_F_RO, 5, 5, "Method:", 25, 10, &r,
	                   MENU_COL_ipsecCertReqMethod);
	menu_field_choices(f, method_ch, (int)MENU_N(method_ch));
	menu_add_bound(&fm, MENU_F_RO, 6, 5, "Subject Name:", 25, 54, &r,
	               MENU_COL_ipsecCertReqSubject)
	    ->empty = "(CN=the gateway's host name)";
	menu_add_bound(&fm, MENU_F_RO, 7, 5, "Server:", 25, 54, &r,
	               MENU_COL_ipsecCertReqServer);
	menu_add_bound(&fm, MENU_F_RO, 8, 5, "Certname:", 25, 54, &r,
	               MENU_COL_ipsecCertReqFile);
	f = menu_add_bound(&fm, MENU_F_RO, 10, 5,
	                   "State of Last Enrollment:", 31, 10, &r,
	                   MENU_COL_ipsecCertReqState);
	menu_field_choices(f, rstate_ch, (int)MENU_N(rstate_ch));
	menu_add_bound(&fm, MENU_F_RO, 11, 5, "Error:", 25, 54, &r,
	               MENU_COL_ipsecCertReqError);
	menu_add_link(&fm, 13, 5, "Show PKCS#10 Request >", ID_PKCS10);
	menu_add_button(&fm, 15, 35, "EXIT", MENU_ID_EXIT);
	fm.cur = fm.n - 2;
	for (;;) {
		int act;

		fm.refresh_ms = menu_rec_int(&r, MENU_COL_ipsecCertReqState) ==
		                        MENU_E_ipsecCertReqState_pending
		                    ? 1000
		                    : 0;
		act = menu_form_run(&fm);
		if (act == MENU_ID_EXIT)
			return;
		if (act == ID_PKCS10)
			show_pkcs10(index, path);
		if (menu_rec_load(&r, req_cols, (int)MENU_N(req_cols), err,
		                  sizeof(err)) != 0)
			menu_status(&fm, "%s", err);
	}
}

static void
view_req(const struct certtab *ct, int index, const char *path)
{
	(void)ct;
	menu_req_view(index, path);
}

static int
append_req(const struct certtab *ct, const char *path)
{
	const struct menu_step st = {path, NULL, NULL, 0};
	int index = 0;

	(void)ct;
	return menu_req_create(&st, 0, &index) == MENU_STEP_DONE ? index : 0;
}

/* The request list: the state of uploads is followed while pending. */
void
menu_certs_reqtab(struct certtab *ct)
{
	static char header[MENU_COLS + 1];

	snprintf(header, sizeof(header), " %4s  %5s  %-7s %-42s %s", "Idx",
	         "Key", "Method", "Subject", "State");
	memset(ct, 0, sizeof(*ct));
	ct->path = "[IPSEC][CERTMGMT][REQS]";
	ct->title = "IPSec Configuration - Certificate Requests";
	ct->header = header;
	ct->help = "REQUEST requests a certificate; <Return> shows a request";
	ct->entry = oid_req;
	ct->entry_len = MENU_OIDLEN_ipsecCertReqEntry;
	ct->cols = req_list_cols;
	ct->ncols = (int)MENU_N(req_list_cols);
	ct->rs_col = MENU_COL_ipsecCertReqRowStatus;
	ct->format = fmt_req;
	ct->edit = view_req;
	ct->append = append_req;
	ct->busy_pos = 3;
	ct->busy_val = MENU_E_ipsecCertReqState_pending;
}
