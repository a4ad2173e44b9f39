/*
 * menu_mon.c - IPSEC -> MONITORING (M): global statistics, the IKE SAs
 * with their TARSEH letters and the IPsec SA bundles with CEA.  The
 * screens re-read the agent every second; DELETE writes delete to the
 * SAs' ...AdminAction in one SET.
 */
#include <stdio.h>
#include <string.h>

#include "menu.h"

#define REFRESH_MS 1000
#define MAXMARK    64

enum { L_STATS = MENU_ID_FIRST_LINK, L_IKESAS, L_IPSECSAS };

static const int stats_cols[] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
                                 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};

/* A read-only counter of ipsecStats at a fixed place. */
static void
stat_field(struct menu_form *fm, struct menu_rec *r, int row, int col,
           const char *label, int vcol, int oc)
{
	menu_add_bound(fm, MENU_F_RO, row, col, label, vcol, 10, r, oc);
}

/* Global statistics (M1), laid out as the seed's screen. */
static void
screen_stats(void)
{
	static const char *const names[] = {
	    "Total  :", "Passed :", "Dropped:", "Protect:", "Errors :"};
	struct menu_form fm;
	struct menu_rec r;
	char err[100];
	int k;

	menu_rec_init(&r, MENU_STATS, 0, 0);
	menu_form_init(&fm, "[IPSEC][MONITORING][STATS]",
	               "IPSec Monitoring - Global Statistics");
	stat_field(&fm, &r, 3, 1, "Peers    Up     :", 20,
	           MENU_COL_ipsecStatsPeersUp);
	stat_field(&fm, &r, 3, 26, "/", 27, MENU_COL_ipsecStatsPeersTotal);
	stat_field(&fm, &r, 3, 36, "Dormant:", 45,
	           MENU_COL_ipsecStatsPeersDormant);
	stat_field(&fm, &r, 3, 55, "Blocked:", 64,
	           MENU_COL_ipsecStatsPeersBlocked);
	stat_field(&fm, &r, 5, 1, "SAs      Phase 1:", 20,
	           MENU_COL_ipsecStatsPhase1Established);
	stat_field(&fm, &r, 5, 26, "/", 27, MENU_COL_ipsecStatsPhase1Total);
	stat_field(&fm, &r, 5, 36, "Phase 2:", 45,
	           MENU_COL_ipsecStatsPhase2Established);
	stat_field(&fm, &r, 5, 51, "/", 52, MENU_COL_ipsecStatsPhase2Total);
	menu_add(&fm, MENU_F_LABEL, 7, 1, "Packets            In           Out",
	         0, 0);
	for (k = 0; k < 5; k++) {
		stat_field(&fm, &r, 9 + k, 10, names[k], 20,
		           MENU_COL_ipsecStatsInTotal + k);
		stat_field(&fm, &r, 9 + k, 32, NULL, 33,
		           MENU_COL_ipsecStatsOutTotal + k);
	}
	menu_add_button(&fm, 16, 31, "EXIT", MENU_ID_EXIT);
	fm.refresh_ms = REFRESH_MS;
	for (;;) {
		if (menu_rec_load(&r, stats_cols, (int)MENU_N(stats_cols), err,
		                  sizeof(err)) != 0)
			menu_status(&fm, "%s", err);
		if (menu_form_run(&fm) == MENU_ID_EXIT)
			return;
	}
}

/* Keys of the marked lines, to mark them again after a refresh. */
static int
save_marks(const struct menu_list *l, int *keys)
{
	int i, n = 0;

	for (i = 0; i < l->n && n < MAXMARK; i++)
		if (l->mark[i])
			keys[n++] = l->key[i];
	return n;
}

/* Marks again the lines whose keys save_marks() kept. */
static void
restore_marks(struct menu_list *l, const int *keys, int n)
{
	int i, k;

	for (i = 0; i < l->n; i++)
		for (k = 0; k < n; k++)
			if (l->key[i] == keys[k])
				l->mark[i] = 1;
}

/* One kind of SA list: which table, columns and line format. */
struct salist {
	const unsigned long *entry;
	size_t entry_len;
	const int *cols;
	int ncols;
	int action_col;
	void (*format)(const struct menu_table *t, int i, char *line,
	               size_t len);
};

/* Re-reads an SA table into the list, keeping the DELETE marks. */
static void
load_sas(struct menu_form *fm, const struct salist *sl, struct menu_list *l)
{
	struct menu_table t;
	char err[100];
	int keys[MAXMARK], nk = save_marks(l, keys), i;

	if (menu_table_read(sl->entry, sl->entry_len, sl->cols, sl->ncols, &t,
	                    err, sizeof(err)) != 0) {
		menu_status(fm, "%s", err);
		menu_list_alloc(l, 0);
		return;
	}
	menu_list_alloc(l, t.n);
	for (i = 0; i < t.n; i++) {
		sl->format(&t, i, l->lines[i], sizeof(l->lines[i]));
		l->key[i] = t.index[i];
	}
	menu_table_free(&t);
	restore_marks(l, keys, nk);
}

/* DELETE: writes delete to the marked (or highlighted) SAs at once. */
static void
delete_sas(struct menu_form *fm, const struct salist *sl, struct menu_list *l)
{
	int rows[MAXMARK], n, i;
	struct menu_set s;
	struct menu_seterr e;

	n = menu_list_marked(l, rows, MAXMARK);
	if (n == 0 && l->n > 0) {
		if (!menu_confirm("Delete the highlighted SA?"))
			return;
		rows[n++] = l->sel;
	}
	if (n == 0) {
		menu_status(fm, "No SA to delete.");
		return;
	}
	menu_set_init(&s);
	for (i = 0; i < n; i++)
		menu_set_int(&s, sl->entry, sl->entry_len, sl->action_col,
		             l->key[rows[i]], MENU_E_ikeSaAdminAction_delete);
	if (menu_set_send(&s, &e) != 0)
		menu_show_seterr(fm, &e);
	else
		menu_status(fm, "Deleted %d SA%s.", n, n == 1 ? "" : "s");
}

static const char *const tarseh_help[] = {
    "T: xch.-Type: B=Base      I=Id-prot.  O=auth-Only A=Aggressive",
    "A: Auth-Meth: P=P-S-Key   D=DSA-sign. S=RSA-sign. E=RSA-encryption",
    "R: Role     : I=Initiator R=Responder",
    "S: State    : N=Negotiate E=Establ.   D=Delete W=Waiting-for-remove",
    "E: Enc.-Alg : d=DES D=3DES B=Blowfish C=Cast R=Rijndael T=Twofish",
    "H: Hash-Alg : M=MD5       S=SHA1      T=Tiger      R=Ripemd160 2=SHA-2",
    "type 'h' to toggle this help",
};

/* One IKE SA line: remote ID, remote IP, local ID, TARSEH. */
static void
fmt_ikesa(const struct menu_table *t, int i, char *line, size_t len)
{
	snprintf(line, len, "%-23.23s %-15s %-19.19s %-6s",
	         menu_table_get(t, i, 0)->s, menu_table_get(t, i, 1)->s,
	         menu_table_get(t, i, 2)->s, menu_table_get(t, i, 3)->s);
}

static const int ikesa_cols[] = {MENU_COL_ikeSaRemoteId, MENU_COL_ikeSaRemoteIp,
                                 MENU_COL_ikeSaLocalId, MENU_COL_ikeSaTarseh};

/* Lays out the IKE SA screen with or without the TARSEH help. */
static void
build_ikesas(struct menu_form *fm, struct menu_list *l, int help)
{
	int row = 3, k;

	menu_form_init(fm, "[IPSEC][MONITORING][IKE SAS]",
	               "IPSec Monitoring - IKE SAs");
	for (k = 0; help && k < (int)MENU_N(tarseh_help); k++)
		menu_add(fm, MENU_F_LABEL, row++, 0, tarseh_help[k], 0, 0);
	if (!help)
		menu_add(fm, MENU_F_LABEL, row++, 0, tarseh_help[6], 0, 0);
	row++;
	menu_add(fm, MENU_F_LABEL, row++, 0,
	         " Remote ID               Remote IP       Local ID           "
	         "  TARSEH",
	         0, 0);
	menu_add_list(fm, row, 19 - row, l, MENU_ID_LIST);
	menu_add_button(fm, 20, 5, "DELETE", MENU_ID_DELETE);
	menu_add_button(fm, 20, 25, "EXIT", MENU_ID_EXIT);
	fm->keys = "h";
	fm->refresh_ms = REFRESH_MS;
}

/* IKE SAs (M2): TARSEH, 'h' toggles the help above the list. */
static void
screen_ikesas(void)
{
	static const struct salist sl = {MENU_IKESA, ikesa_cols,
	                                 (int)MENU_N(ikesa_cols),
	                                 MENU_COL_ikeSaAdminAction, fmt_ikesa};
	struct menu_form fm;
	struct menu_list l = {0};
	int help = 1;

	build_ikesas(&fm, &l, help);
	for (;;) {
		int act;

		load_sas(&fm, &sl, &l);
		act = menu_form_run(&fm);
		if (act == MENU_ID_EXIT)
			break;
		if (act == MENU_ID_DELETE)
			delete_sas(&fm, &sl, &l);
		if (act == MENU_ACT_KEY && fm.key == 'h') {
			int cur = fm.f[fm.cur].type == MENU_F_BUTTON
			              ? fm.f[fm.cur].id
			              : 0;

			help = !help;
			build_ikesas(&fm, &l, help);
			if (cur != 0)
				fm.cur = (int)(menu_find(&fm, cur) - fm.f);
		}
	}
	menu_list_free(&l);
}

/* One bundle line: selectors, protocol, CEA, bytes in and out. */
static void
fmt_ipsecsa(const struct menu_table *t, int i, char *line, size_t len)
{
	char pb[16];

	snprintf(
	    line, len, "%-18.18s %5lld %-4.4s %-18.18s %5lld %-4s %7llu %7llu",
	    menu_table_get(t, i, 0)->s, (long long)menu_table_get(t, i, 1)->i,
	    menu_proto_name(menu_table_get(t, i, 2)->i, pb, sizeof(pb)),
	    menu_table_get(t, i, 3)->s, (long long)menu_table_get(t, i, 4)->i,
	    menu_table_get(t, i, 5)->s,
	    (unsigned long long)menu_table_get(t, i, 6)->u,
	    (unsigned long long)menu_table_get(t, i, 7)->u);
}

static const int ipsecsa_cols[] = {
    MENU_COL_ipsecSaLocal,    MENU_COL_ipsecSaLocalPort,  MENU_COL_ipsecSaProto,
    MENU_COL_ipsecSaRemote,   MENU_COL_ipsecSaRemotePort, MENU_COL_ipsecSaCea,
    MENU_COL_ipsecSaInOctets, MENU_COL_ipsecSaOutOctets,
};

/* IPsec SA bundles (M3) with CEA and the bytes in and out. */
static void
screen_ipsecsas(void)
{
	static const struct salist sl = {
	    MENU_IPSECSA, ipsecsa_cols, (int)MENU_N(ipsecsa_cols),
	    MENU_COL_ipsecSaAdminAction, fmt_ipsecsa};
	struct menu_form fm;
	struct menu_list l = {0};

	menu_form_init(&fm, "[IPSEC][MONITORING][IPSEC BUNDLES]",
	               "IPsec Monitoring - IPsec SA Bundles");
	menu_add(&fm, MENU_F_LABEL, 3, 0,
	         " Local              LPort Pto  Remote             RPort CEA  "
	         "     In     Out",
	         0, 0);
	menu_add(&fm, MENU_F_LABEL, 4, 0,
	         " CEA: C=IPComp E=ESP A=AH; In/Out in bytes", 0, 0);
	menu_add_list(&fm, 6, 13, &l, MENU_ID_LIST);
	menu_add_button(&fm, 20, 5, "DELETE", MENU_ID_DELETE);
	menu_add_button(&fm, 20, 25, "EXIT", MENU_ID_EXIT);
	fm.refresh_ms = REFRESH_MS;
	for (;;) {
		int act;

		load_sas(&fm, &sl, &l);
		act = menu_form_run(&fm);
		if (act == MENU_ID_EXIT)
			break;
		if (act == MENU_ID_DELETE)
			delete_sas(&fm, &sl, &l);
	}
	menu_list_free(&l);
}

/* The monitoring submenu. */
void
menu_screen_monitoring(void)
{
	struct menu_form fm;

	menu_form_init(&fm, "[IPSEC][MONITORING]", "IPSec Monitoring");
	menu_add_link(&fm, 4, 5, "Global Statistics >", L_STATS);
	menu_add_link(&fm, 6, 5, "IKE Security Associations >", L_IKESAS);
	menu_add_link(&fm, 8, 5, "IPSec SA Bundles >", L_IPSECSAS);
	menu_add_button(&fm, 11, 31, "EXIT", MENU_ID_EXIT);
	for (;;) {
		switch (menu_form_run(&fm)) {
		case MENU_ID_EXIT:
			return;
		case L_STATS:
			screen_stats();
			break;
		case L_IKESAS:
			screen_ikesas();
			break;
		case L_IPSECSAS:
			screen_ipsecsas();
			break;
		default:
			break;
		}
	}
}
