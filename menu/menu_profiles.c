/*
 * menu_profiles.c - IKE (phase 1) profiles (I), IPsec (phase 2) profiles
 * (S), the proposal catalogues they choose from (View Proposals) and the
 * lifetimes (Edit Lifetimes).  All are tables with a list screen
 * (APPEND / DELETE / EXIT) and, except the proposals, an edit screen.
 */
#include <stdio.h>
#include <string.h>

#include "menu.h"

enum { L_VIEW_PROPS = MENU_ID_FIRST_LINK, L_EDIT_LIFE };

/* A table shown as a list: how to read, format and edit its rows. */
struct tabscreen {
	const char *path;
	const char *title;
	const char *header;
	const unsigned long *entry;
	size_t entry_len;
	const int *cols;
	int ncols;
	int rs_col;
	void (*format)(const struct menu_table *t, int i, char *line,
	               size_t len);
	void (*edit)(int index, int is_new, const char *path);
};

static const struct menu_choice group_ch[] = {
    {100, "default"},           {1, "1 (768-bit MODP)"},
    {2, "2 (1024-bit MODP)"},   {5, "5 (1536-bit MODP)"},
    {14, "14 (2048-bit MODP)"}, {15, "15 (3072-bit MODP)"},
    {16, "16 (4096-bit MODP)"}, {19, "19 (256-bit ECP)"},
    {20, "20 (384-bit ECP)"},
};
static const struct menu_choice pfs_ch[] = {
    {100, "default"},           {101, "none"},
    {1, "1 (768-bit MODP)"},    {2, "2 (1024-bit MODP)"},
    {5, "5 (1536-bit MODP)"},   {14, "14 (2048-bit MODP)"},
    {15, "15 (3072-bit MODP)"}, {16, "16 (4096-bit MODP)"},
    {19, "19 (256-bit ECP)"},   {20, "20 (384-bit ECP)"},
};
static const struct menu_choice auth_ch[] = {
    {14, "default"},       {1, "Preshared Keys"}, {2, "DSA Signatures"},
    {3, "RSA Signatures"}, {4, "RSA Encryption"},
};
static const struct menu_choice mode_ch[] = {
    {3, "default"},         {1, "id_protect"},      {2, "aggressive"},
    {4, "id-protect-only"}, {5, "aggressive-only"},
};
static const struct menu_choice hb_ch[] = {
    {1, "default"}, {2, "none"}, {3, "expect"}, {4, "send"}, {5, "both"}};
static const struct menu_choice nat_ch[] = {
    {1, "default"}, {2, "enabled"}, {3, "disabled"}};
static const struct menu_choice ipcomp_ch[] = {
    {1, "default"}, {2, "no comp"}, {3, "force comp"}};
static const struct menu_choice pmtu_ch[] = {
    {1, "default"}, {2, "no"}, {3, "yes"}};
static const struct menu_choice based_ch[] = {
    {3, "Time and Traffic"}, {1, "Time"}, {2, "Traffic"}};
static const struct menu_choice policy_ch[] = {
    {1, "Loose"}, {2, "Strict"}, {3, "Notify"}};
static const struct menu_choice ikeenc_ch[] = {
    {2, "des"},     {3, "des3"},    {4, "blowfish"},
    {5, "cast128"}, {6, "twofish"}, {7, "aes"},
};
static const struct menu_choice ikehash_ch[] = {
    {3, "md5"},    {4, "sha1"},   {5, "ripemd160"}, {6, "tiger192"},
    {7, "sha256"}, {8, "sha384"}, {9, "sha512"},
};
static const struct menu_choice espenc_ch[] = {
    {1, "null"},    {2, "des"},     {3, "des3"}, {4, "blowfish"},
    {5, "cast128"}, {6, "twofish"}, {7, "aes"},  {8, "aes-gcm"},
};
static const struct menu_choice espauth_ch[] = {
    {2, "none"},   {4, "md5"},    {6, "sha1"},
    {7, "sha256"}, {8, "sha384"}, {9, "sha512"},
};

#define NAME(ch, v) menu_choice_label(ch, MENU_N(ch), v)

/* Reads the table into the list; returns the next free index. */
static int
load_tab(struct menu_form *fm, const struct tabscreen *ts, struct menu_list *l)
{
	struct menu_table t;
	char err[100];
	int i, next = 1;

	if (menu_table_read(ts->entry, ts->entry_len, ts->cols, ts->ncols, &t,
	                    err, sizeof(err)) != 0) {
		menu_status(fm, "%s", err);
		menu_list_alloc(l, 0);
		return 1;
	}
	menu_list_alloc(l, t.n);
	for (i = 0; i < t.n; i++) {
		ts->format(&t, i, l->lines[i], sizeof(l->lines[i]));
		l->key[i] = t.index[i];
		if (t.index[i] >= next)
			next = t.index[i] + 1;
	}
	menu_table_free(&t);
	return next;
}

/* Destroys the marked (or highlighted) rows with one SET. */
static void
delete_rows(struct menu_form *fm, const struct tabscreen *ts,
            struct menu_list *l)
{
	int rows[MENU_SET_MAX], n, i;
	struct menu_set s;
	struct menu_seterr e;

	n = menu_list_targets(l, rows, MENU_SET_MAX);
	if (n == 0)
		return;
	menu_set_init(&s);
	for (i = 0; i < n; i++)
		menu_set_int(&s, ts->entry, ts->entry_len, ts->rs_col,
		             l->key[rows[i]],
		             MENU_E_ipsecPeerRowStatus_destroy);
	if (menu_set_send(&s, &e) != 0) {
		menu_show_seterr(fm, &e);
		menu_status(fm, "%s (still in use?)", e.text);
	} else {
		menu_status(fm, "Deleted %d entr%s.", n, n == 1 ? "y" : "ies");
	}
}

/* A table's list screen: Return edits, APPEND, DELETE, EXIT. */
static void
run_tabscreen(const struct tabscreen *ts)
{
	struct menu_form fm;
	struct menu_list l = {0};
	int next;

	menu_form_init(&fm, ts->path, ts->title);
	menu_add(&fm, MENU_F_LABEL, 3, 0, ts->header, 0, 0);
	menu_add_list(&fm, 4, 14, &l, MENU_ID_LIST);
	if (ts->edit != NULL)
		menu_add_button(&fm, 19, 5, "APPEND", MENU_ID_APPEND);
	menu_add_button(&fm, 19, 25, "DELETE", MENU_ID_DELETE);
	menu_add_button(&fm, 19, 45, "EXIT", MENU_ID_EXIT);
	next = load_tab(&fm, ts, &l);
	for (;;) {
		int act = menu_form_run(&fm);
		char path[80];

		if (act == MENU_ID_EXIT)
			break;
		snprintf(path, sizeof(path), "%s[%s]", ts->path,
		         act == MENU_ID_APPEND ? "ADD" : "EDIT");
		if (act == MENU_ACT_ENTER && ts->edit != NULL)
			ts->edit(l.key[l.sel], 0, path);
		else if (act == MENU_ID_APPEND && ts->edit != NULL)
			ts->edit(next, 1, path);
		else if (act == MENU_ID_DELETE)
			delete_rows(&fm, ts, &l);
		next = load_tab(&fm, ts, &l);
		if (act == MENU_ID_APPEND)
			l.sel = l.n - 1;
	}
	menu_list_free(&l);
}

/* Choices of a profile's Lifetime: the lifetime rows, 0 the default. */
static void
life_choices(struct menu_chlist *cl)
{
	static const int cols[] = {MENU_COL_ipsecLifeDescription,
	                           MENU_COL_ipsecLifeSeconds,
	                           MENU_COL_ipsecLifeKBytes};
	struct menu_table t;
	char err[80];
	int i;

	cl->n = 1;
	cl->c[0].val = 0;
	snprintf(cl->c[0].label, sizeof(cl->c[0].label), "use default");
	if (menu_table_read(MENU_LIFE, cols, 3, &t, err, sizeof(err)) != 0)
		return;
	for (i = 0; i < t.n && cl->n < MENU_MAXCHOICE; i++) {
		struct menu_choice *c = &cl->c[cl->n++];
		const char *d = menu_table_get(&t, i, 0)->s;

		c->val = t.index[i];
		if (d[0] != '\0')
			snprintf(c->label, sizeof(c->label), "%.40s", d);
		else
			snprintf(
			    c->label, sizeof(c->label), "%llus/%lluKB",
			    (unsigned long long)menu_table_get(&t, i, 1)->u,
			    (unsigned long long)menu_table_get(&t, i, 2)->u);
	}
	menu_table_free(&t);
}

/*
 * Runs a profile edit screen (shared by phase 1 and 2): View Proposals and
 * Edit Lifetimes refresh the lifetime choices; SAVE sends one SET.
 */
static void
run_profile(struct menu_form *fm, struct menu_rec *r, struct menu_field *lf,
            struct menu_chlist *lives, int phase1)
{
	for (;;) {
		int act = menu_form_run(fm);

		if (act == MENU_ID_CANCEL)
			return;
		if (act == MENU_ID_SAVE && menu_save(fm, r) == 0)
			return;
		if (act == L_VIEW_PROPS && phase1)
			menu_screen_ike_proposals("[IPSEC][IKE PROPOSALS]");
		else if (act == L_VIEW_PROPS)
			menu_screen_ipsec_proposals("[IPSEC][IPSEC PROPOSALS]");
		else if (act == L_EDIT_LIFE) {
			menu_screen_lifetimes("[IPSEC][LIFETIME]");
			life_choices(lives);
			lf->nch = lives->n;
		}
	}
}

/* A selection field in the column of the profile screens. */
static struct menu_field *
add_enum(struct menu_form *fm, int row, const char *label, struct menu_rec *r,
         int col, const struct menu_choice *ch, int n)
{
	struct menu_field *f =
	    menu_add_bound(fm, MENU_F_ENUM, row, 3, label, 28, 40, r, col);

	menu_field_choices(f, ch, n);
	return f;
}

static const int ike_cols[] = {
    MENU_COL_ikeProfileDescription, MENU_COL_ikeProfileProposals,
    MENU_COL_ikeProfileLifetime,    MENU_COL_ikeProfileGroup,
    MENU_COL_ikeProfileAuthMethod,  MENU_COL_ikeProfileMode,
    MENU_COL_ikeProfileHeartbeats,  MENU_COL_ikeProfileBlockTime,
    MENU_COL_ikeProfileLocalId,     MENU_COL_ikeProfileLocalCert,
    MENU_COL_ikeProfileCaCerts,     MENU_COL_ikeProfileNatTraversal,
};

#define D(c, v) {c, v},
static const int ike_defs[][2] = {MENU_DEFVALS_ikeProfileEntry(D)};
static const int ipsec_defs[][2] = {MENU_DEFVALS_ipsecProfileEntry(D)};
static const int life_defs[][2] = {MENU_DEFVALS_ipsecLifetimeEntry(D)};
#undef D

/* Opens a profile's record: loaded, or a new row with the DEFVALs. */
static int
open_rec(struct menu_rec *r, const unsigned long *entry, size_t len, int index,
         int is_new, int rs_col, const int *cols, int ncols,
         const int (*defs)[2], int ndefs)
{
	char err[100];

	menu_rec_init(r, entry, len, index, rs_col);
	r->is_new = is_new;
	if (is_new) {
		menu_rec_defaults(r, defs, ndefs);
		return 0;
	}
	return menu_rec_load(r, cols, ncols, err, sizeof(err));
}

/* The IKE (phase 1) profile screen (I1-I9). */
static void
edit_ike(int index, int is_new, const char *path)
{
	struct menu_form fm;
	struct menu_rec r;
	struct menu_chlist lives, certs;
	struct menu_field *f, *lf;
	char desc[40];

	if (open_rec(&r, MENU_IKEPROF, index, is_new,
	             MENU_COL_ikeProfileRowStatus, ike_cols,
	             (int)MENU_N(ike_cols), ike_defs,
	             (int)MENU_N(ike_defs)) != 0)
		return;
	life_choices(&lives);
	menu_chlist_table(&certs, MENU_CERT, MENU_COL_ipsecCertDescription,
	                  "none");
	menu_form_init(&fm, path, "IKE (Phase 1) Profile");
	snprintf(desc, sizeof(desc), "Description (Idx %d) :", index);
	menu_add_bound(&fm, MENU_F_TEXT, 3, 1, desc, 28, 50, &r,
	               MENU_COL_ikeProfileDescription);
	f = menu_add_bound(&fm, MENU_F_TEXT, 4, 3,
	                   "Proposal              :", 28, 30, &r,
	                   MENU_COL_ikeProfileProposals);
	f->empty = "none/default";
	f->help = "Proposal indices by preference, e.g. 2,3,1 (see View "
	          "Proposals)";
	lf = add_enum(&fm, 5, "Lifetime              :", &r,
	              MENU_COL_ikeProfileLifetime, lives.c, lives.n);
	add_enum(&fm, 6, "Group                 :", &r,
	         MENU_COL_ikeProfileGroup, group_ch, (int)MENU_N(group_ch));
	add_enum(&fm, 7, "Authentication Method :", &r,
	         MENU_COL_ikeProfileAuthMethod, auth_ch, (int)MENU_N(auth_ch));
	add_enum(&fm, 8, "Mode                  :", &r, MENU_COL_ikeProfileMode,
	         mode_ch, (int)MENU_N(mode_ch));
	add_enum(&fm, 9, "Heartbeats            :", &r,
	         MENU_COL_ikeProfileHeartbeats, hb_ch, (int)MENU_N(hb_ch));
	f = menu_add_bound(&fm, MENU_F_INT, 10, 3,
	                   "Block Time            :", 28, 6, &r,
	                   MENU_COL_ikeProfileBlockTime);
	f->help = "Seconds a peer is blocked after a failed phase 1; -1 "
	          "default, 0 never";
	menu_add_bound(&fm, MENU_F_TEXT, 11, 3, "Local ID              :", 28,
	               50, &r, MENU_COL_ikeProfileLocalId);
	add_enum(&fm, 12, "Local Certificate     :", &r,
	         MENU_COL_ikeProfileLocalCert, certs.c, certs.n);
	menu_add_bound(&fm, MENU_F_TEXT, 13, 3, "CA Certificates       :", 28,
	               50, &r, MENU_COL_ikeProfileCaCerts);
	add_enum(&fm, 14, "Nat-Traversal         :", &r,
	         MENU_COL_ikeProfileNatTraversal, nat_ch, (int)MENU_N(nat_ch));
	menu_add_link(&fm, 16, 3, "View Proposals >", L_VIEW_PROPS);
	menu_add_link(&fm, 17, 3, "Edit Lifetimes >", L_EDIT_LIFE);
	menu_add_button(&fm, 19, 25, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 19, 55, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 0;
	run_profile(&fm, &r, lf, &lives, 1);
}

static const int ipsec_cols[] = {
    MENU_COL_ipsecProfileDescription,   MENU_COL_ipsecProfileProposals,
    MENU_COL_ipsecProfileIpComp,        MENU_COL_ipsecProfileLifetime,
    MENU_COL_ipsecProfilePfsGroup,      MENU_COL_ipsecProfileHeartbeats,
    MENU_COL_ipsecProfilePropagatePmtu,
};

/* The IPsec (phase 2) profile screen (S1, S2). */
static void
edit_ipsec(int index, int is_new, const char *path)
{
	struct menu_form fm;
	struct menu_rec r;
	struct menu_chlist lives;
	struct menu_field *f, *lf;
	char desc[40];

	if (open_rec(&r, MENU_IPSECPROF, index, is_new,
	             MENU_COL_ipsecProfileRowStatus, ipsec_cols,
	             (int)MENU_N(ipsec_cols), ipsec_defs,
	             (int)MENU_N(ipsec_defs)) != 0)
		return;
	life_choices(&lives);
	menu_form_init(&fm, path, "IPsec (Phase 2) Profile");
	snprintf(desc, sizeof(desc), "Description (Idx %d) :", index);
	menu_add_bound(&fm, MENU_F_TEXT, 3, 1, desc, 28, 50, &r,
	               MENU_COL_ipsecProfileDescription);
	f = menu_add_bound(&fm, MENU_F_TEXT, 5, 3,
	                   "Proposal              :", 28, 30, &r,
	                   MENU_COL_ipsecProfileProposals);
	f->empty = "default";
	f->help = "Proposal indices by preference, e.g. 2,4,1 (see View "
	          "Proposals)";
	add_enum(&fm, 6, "IPComp                :", &r,
	         MENU_COL_ipsecProfileIpComp, ipcomp_ch,
	         (int)MENU_N(ipcomp_ch));
	lf = add_enum(&fm, 7, "Lifetime              :", &r,
	              MENU_COL_ipsecProfileLifetime, lives.c, lives.n);
	add_enum(&fm, 8, "Use PFS               :", &r,
	         MENU_COL_ipsecProfilePfsGroup, pfs_ch, (int)MENU_N(pfs_ch));
	add_enum(&fm, 9, "Heartbeats            :", &r,
	         MENU_COL_ipsecProfileHeartbeats, hb_ch, (int)MENU_N(hb_ch));
	add_enum(&fm, 10, "Propagate PMTU        :", &r,
	         MENU_COL_ipsecProfilePropagatePmtu, pmtu_ch,
	         (int)MENU_N(pmtu_ch));
	menu_add_link(&fm, 12, 3, "View Proposals >", L_VIEW_PROPS);
	menu_add_link(&fm, 13, 3, "Edit Lifetimes >", L_EDIT_LIFE);
	menu_add_button(&fm, 15, 25, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 15, 55, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 0;
	run_profile(&fm, &r, lf, &lives, 0);
}

static const int life_cols[] = {
    MENU_COL_ipsecLifeDescription, MENU_COL_ipsecLifeBasedOn,
    MENU_COL_ipsecLifeSeconds,     MENU_COL_ipsecLifeKBytes,
    MENU_COL_ipsecLifePolicy,
};

/* Seconds and Kb appear as the restriction needs them (I2). */
static void
life_update(struct menu_form *fm)
{
	int64_t based = menu_rec_int(fm->ctx, MENU_COL_ipsecLifeBasedOn);

	fm->f[3].hidden = fm->f[4].hidden = based == 2;
	fm->f[5].hidden = fm->f[6].hidden = based == 1;
}

/* The lifetime screen (I2): Seconds and Kb as Based On needs. */
static void
edit_life(int index, int is_new, const char *path)
{
	struct menu_form fm;
	struct menu_rec r;
	struct menu_field *f;

	if (open_rec(&r, MENU_LIFE, index, is_new, MENU_COL_ipsecLifeRowStatus,
	             life_cols, (int)MENU_N(life_cols), life_defs,
	             (int)MENU_N(life_defs)) != 0)
		return;
	menu_form_init(&fm, path, "IPsec Configuration - Life Times");
	menu_add(&fm, MENU_F_LABEL, 3, 5, "Edit Lifetime Values", 0, 0);
	menu_add_bound(&fm, MENU_F_TEXT, 5, 10, "Description:", 41, 36, &r,
	               MENU_COL_ipsecLifeDescription);
	f = menu_add_bound(&fm, MENU_F_ENUM, 7, 10,
	                   "Lifetime Restriction Based On:", 41, 17, &r,
	                   MENU_COL_ipsecLifeBasedOn);
	menu_field_choices(f, based_ch, 3);
	menu_add_bound(&fm, MENU_F_UINT, 9, 15, NULL, 15, 11, &r,
	               MENU_COL_ipsecLifeSeconds);
	menu_add(&fm, MENU_F_LABEL, 9, 27, "Seconds", 0, 0);
	menu_add_bound(&fm, MENU_F_UINT, 11, 15, NULL, 15, 11, &r,
	               MENU_COL_ipsecLifeKBytes);
	menu_add(&fm, MENU_F_LABEL, 11, 27, "Kb", 0, 0);
	f = menu_add_bound(&fm, MENU_F_ENUM, 13, 10, "Matching Policy:", 41, 8,
	                   &r, MENU_COL_ipsecLifePolicy);
	menu_field_choices(f, policy_ch, 3);
	menu_add_button(&fm, 15, 20, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 15, 55, "CANCEL", MENU_ID_CANCEL);
	fm.ctx = &r;
	fm.update = life_update;
	fm.cur = 1;
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_CANCEL)
			return;
		if (act == MENU_ID_SAVE && menu_save(&fm, &r) == 0)
			return;
	}
}

/* One line of the IKE profile list. */
static void
fmt_ikeprof(const struct menu_table *t, int i, char *line, size_t len)
{
	snprintf(line, len, "%4d  %-30.30s %-16.16s %-16s", t->index[i],
	         menu_table_get(t, i, 0)->s,
	         menu_table_get(t, i, 1)->s[0] ? menu_table_get(t, i, 1)->s
	                                       : "none/default",
	         NAME(mode_ch, menu_table_get(t, i, 2)->i));
}

static const int ikeprof_list_cols[] = {MENU_COL_ikeProfileDescription,
                                        MENU_COL_ikeProfileProposals,
                                        MENU_COL_ikeProfileMode};

void
menu_screen_ike_profiles(const char *path)
{
	struct tabscreen ts = {
	    path,
	    "IKE (Phase 1) Profiles",
	    "  Idx  Description                    Proposals        Mode",
	    MENU_IKEPROF,
	    ikeprof_list_cols,
	    (int)MENU_N(ikeprof_list_cols),
	    MENU_COL_ikeProfileRowStatus,
	    fmt_ikeprof,
	    edit_ike,
	};

	run_tabscreen(&ts);
}

/* One line of the IPsec profile list. */
static void
fmt_ipsecprof(const struct menu_table *t, int i, char *line, size_t len)
{
	snprintf(line, len, "%4d  %-30.30s %-16.16s %-16s", t->index[i],
	         menu_table_get(t, i, 0)->s,
	         menu_table_get(t, i, 1)->s[0] ? menu_table_get(t, i, 1)->s
	                                       : "default",
	         NAME(pfs_ch, menu_table_get(t, i, 2)->i));
}

static const int ipsecprof_list_cols[] = {MENU_COL_ipsecProfileDescription,
                                          MENU_COL_ipsecProfileProposals,
                                          MENU_COL_ipsecProfilePfsGroup};

void
menu_screen_ipsec_profiles(const char *path)
{
	struct tabscreen ts = {
	    path,
	    "IPsec (Phase 2) Profiles",
	    "  Idx  Description                    Proposals        PFS",
	    MENU_IPSECPROF,
	    ipsecprof_list_cols,
	    (int)MENU_N(ipsecprof_list_cols),
	    MENU_COL_ipsecProfileRowStatus,
	    fmt_ipsecprof,
	    edit_ipsec,
	};

	run_tabscreen(&ts);
}

/* One line of View Proposals (phase 1). */
static void
fmt_ikeprop(const struct menu_table *t, int i, char *line, size_t len)
{
	char kl[16] = "";

	if (menu_table_get(t, i, 2)->i != 0)
		snprintf(kl, sizeof(kl), "%lld",
		         (long long)menu_table_get(t, i, 2)->i);
	snprintf(line, len, "%4d  %-24.24s %-9s %-5s %-10s", t->index[i],
	         menu_table_get(t, i, 0)->s,
	         NAME(ikeenc_ch, menu_table_get(t, i, 1)->i), kl,
	         NAME(ikehash_ch, menu_table_get(t, i, 3)->i));
}

static const int ikeprop_cols[] = {
    MENU_COL_ikePropDescription, MENU_COL_ikePropEncAlg,
    MENU_COL_ikePropKeyLength, MENU_COL_ikePropHashAlg};

void
menu_screen_ike_proposals(const char *path)
{
	struct tabscreen ts = {
	    path,
	    "IKE Proposal",
	    "  Idx  Description              Cipher    Bits  Hash",
	    MENU_IKEPROP,
	    ikeprop_cols,
	    (int)MENU_N(ikeprop_cols),
	    MENU_COL_ikePropRowStatus,
	    fmt_ikeprop,
	    NULL,
	};

	run_tabscreen(&ts);
}

/* One line of View Proposals (phase 2); AH has no cipher. */
static void
fmt_ipsecprop(const struct menu_table *t, int i, char *line, size_t len)
{
	char kl[16] = "";
	int ah = menu_table_get(t, i, 1)->i == 2;

	if (menu_table_get(t, i, 3)->i != 0)
		snprintf(kl, sizeof(kl), "%lld",
		         (long long)menu_table_get(t, i, 3)->i);
	snprintf(line, len, "%4d  %-24.24s %-5s %-9s %-5s %-8s", t->index[i],
	         menu_table_get(t, i, 0)->s, ah ? "AH" : "ESP",
	         ah ? "none" : NAME(espenc_ch, menu_table_get(t, i, 2)->i),
	         ah ? "" : kl, NAME(espauth_ch, menu_table_get(t, i, 4)->i));
}

static const int ipsecprop_cols[] = {
    MENU_COL_ipsecPropDescription, MENU_COL_ipsecPropProtocol,
    MENU_COL_ipsecPropEncAlg,      MENU_COL_ipsecPropKeyLength,
    MENU_COL_ipsecPropAuthAlg,
};

void
menu_screen_ipsec_proposals(const char *path)
{
	struct tabscreen ts = {
	    path,
	    "IPsec Proposal",
	    "  Idx  Description              Proto Cipher    Bits  Auth",
	    MENU_IPSECPROP,
	    ipsecprop_cols,
	    (int)MENU_N(ipsecprop_cols),
	    MENU_COL_ipsecPropRowStatus,
	    fmt_ipsecprop,
	    NULL,
	};

	run_tabscreen(&ts);
}

/* One line of the lifetime list. */
static void
fmt_life(const struct menu_table *t, int i, char *line, size_t len)
{
	snprintf(line, len, "%4d  %-24.24s %-16s %9llu %9llu  %s", t->index[i],
	         menu_table_get(t, i, 0)->s,
	         NAME(based_ch, menu_table_get(t, i, 1)->i),
	         (unsigned long long)menu_table_get(t, i, 2)->u,
	         (unsigned long long)menu_table_get(t, i, 3)->u,
	         NAME(policy_ch, menu_table_get(t, i, 4)->i));
}

void
menu_screen_lifetimes(const char *path)
{
	struct tabscreen ts = {
	    path,
	    "IPsec Configuration - Life Times",
	    "  Idx  Description              Based On           Seconds        "
	    "Kb  Policy",
	    MENU_LIFE,
	    life_cols,
	    (int)MENU_N(life_cols),
	    MENU_COL_ipsecLifeRowStatus,
	    fmt_life,
	    edit_life,
	};

	run_tabscreen(&ts);
}
