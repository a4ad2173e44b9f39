/*
 * menu_peers.c - IPSEC -> CONFIGURE PEERS: the peer list, the peer's
 * APPEND/EDIT screen (P1, P2) and its submenus IPSec Callback (C1, C3),
 * Peer specific Settings (P3) and Interface IP Settings.  The submenus
 * edit the same record as the peer screen: their SAVE keeps the values,
 * and the peer's SAVE sends everything in one SET.
 */
#include <stdio.h>
#include <string.h>

#include "menu.h"

enum {
	L_CALLBACK = MENU_ID_FIRST_LINK,
	L_SPECIAL,
	L_TRAFFIC,
	L_IFIP,
	L_IKE_EDIT,
	L_IPSEC_EDIT,
	L_SELECT_TRAFFIC,
};

static const struct menu_choice admin_ch[] = {
    {1, "up"}, {2, "down"}, {3, "dialup"}, {4, "callback"}};
static const struct menu_choice oper_ch[] = {
    {1, "up"}, {2, "dormant"}, {3, "blocked"}, {4, "negotiating"}};
static const struct menu_choice cbmode_ch[] = {
    {1, "disabled"}, {2, "passive"}, {3, "active"}, {4, "both"}};
static const struct menu_choice xfer_ch[] = {
    {1, "autodetect best possible mode (D or B channel)"},
    {2, "autodetect best possible mode (D channel only)"},
    {3, "use specific D channel mode"},
    {4, "try specific D channel mode, fall back on B"},
    {5, "use B channel"}};
static const struct menu_choice dmode_ch[] = {
    {1, "LLC"}, {2, "SUBADDR"}, {3, "LLC-and-SUBADDR"}};

#define PC(x) MENU_COL_ipsecPeer##x
static const char *const peer_labels[MENU_MAXCOL] = {
    [PC(Description)] = "Description",
    [PC(AdminStatus)] = "Admin Status",
    [PC(Address)] = "Peer Address",
    [PC(Ids)] = "Peer IDs",
    [PC(PreSharedKey)] = "Pre Shared Key",
    [PC(VirtualInterface)] = "Virtual Interface",
    [PC(IfLocalAddress)] = "Interface IP Settings: Local",
    [PC(IfRemoteAddress)] = "Interface IP Settings: Remote",
    [PC(IfRemoteMaskLen)] = "Interface IP Settings: Mask",
    [PC(IkeProfile)] = "Peer specific Settings: IKE Profile",
    [PC(IpsecProfile)] = "Peer specific Settings: IPsec Profile",
    [PC(ActiveTrafficEntry)] = "Active Traffic List",
    [PC(CallbackMode)] = "IPSec Callback: ISDN Callback",
    [PC(IsdnIncomingNumber)] = "IPSec Callback: Incoming ISDN Number",
    [PC(IsdnOutgoingNumber)] = "IPSec Callback: Outgoing ISDN Number",
    [PC(TransferOwnIp)] = "IPSec Callback: Transfer own IP",
    [PC(TransferMode)] = "IPSec Callback: Mode",
    [PC(DChannelMode)] = "IPSec Callback: D-Channel Mode",
    [PC(RowStatus)] = "the peer",
};
#undef PC

static const int callback_cols[] = {
    MENU_COL_ipsecPeerCallbackMode,       MENU_COL_ipsecPeerIsdnIncomingNumber,
    MENU_COL_ipsecPeerIsdnOutgoingNumber, MENU_COL_ipsecPeerTransferOwnIp,
    MENU_COL_ipsecPeerTransferMode,       MENU_COL_ipsecPeerDChannelMode,
};
static const int special_cols[] = {
    MENU_COL_ipsecPeerIkeProfile,
    MENU_COL_ipsecPeerIpsecProfile,
    MENU_COL_ipsecPeerActiveTrafficEntry,
};
static const int ifip_cols[] = {
    MENU_COL_ipsecPeerIfLocalAddress,
    MENU_COL_ipsecPeerIfRemoteAddress,
    MENU_COL_ipsecPeerIfRemoteMaskLen,
};

/* Every column the peer screens show (not the write-only key). */
static const int peer_cols[] = {
    MENU_COL_ipsecPeerDescription,
    MENU_COL_ipsecPeerAdminStatus,
    MENU_COL_ipsecPeerOperStatus,
    MENU_COL_ipsecPeerAddress,
    MENU_COL_ipsecPeerIds,
    MENU_COL_ipsecPeerVirtualInterface,
    MENU_COL_ipsecPeerIfLocalAddress,
    MENU_COL_ipsecPeerIfRemoteAddress,
    MENU_COL_ipsecPeerIfRemoteMaskLen,
    MENU_COL_ipsecPeerIkeProfile,
    MENU_COL_ipsecPeerIpsecProfile,
    MENU_COL_ipsecPeerActiveTrafficEntry,
    MENU_COL_ipsecPeerCallbackMode,
    MENU_COL_ipsecPeerIsdnIncomingNumber,
    MENU_COL_ipsecPeerIsdnOutgoingNumber,
    MENU_COL_ipsecPeerTransferOwnIp,
    MENU_COL_ipsecPeerTransferMode,
    MENU_COL_ipsecPeerDChannelMode,
    MENU_COL_ipsecPeerLastError,
};

#define D(c, v) {c, v},
static const int peer_defs[][2] = {MENU_DEFVALS_ipsecPeerEntry(D)};
#undef D

/*
 * Runs a submenu on the peer's record: SAVE keeps its changes for the
 * peer's SAVE, CANCEL restores the record as it was.
 */
static int
run_sub(struct menu_form *fm, struct menu_rec *r)
{
	struct menu_rec before = *r;

	for (;;) {
		int act = menu_form_run(fm);

		if (act == MENU_ID_SAVE)
			return 1;
		if (act == MENU_ID_CANCEL) {
			*r = before;
			return 0;
		}
	}
}

/* Callback fields appear as the seed's screen shows them (C1, C3). */
static void
callback_update(struct menu_form *fm)
{
	const struct menu_rec *r = fm->ctx;
	int64_t mode = menu_rec_int(r, MENU_COL_ipsecPeerCallbackMode);
	int64_t xfer = menu_rec_int(r, MENU_COL_ipsecPeerTransferMode);
	int own = menu_rec_int(r, MENU_COL_ipsecPeerTransferOwnIp) == 1;

	fm->f[1].hidden = mode != 2 && mode != 4;
	fm->f[2].hidden = mode != 3 && mode != 4;
	fm->f[4].hidden = !own;
	fm->f[5].hidden = !own || (xfer != 3 && xfer != 4);
}

/* The IPSec Callback submenu (C1, C3) of the peer record r. */
static void
screen_callback(struct menu_rec *r, const char *path)
{
	struct menu_form fm;
	struct menu_field *f;
	char p[80];

	snprintf(p, sizeof(p), "%.64s[Callback]", path);
	menu_form_init(&fm, p, "IPSec Callback");
	f = menu_add_bound(&fm, MENU_F_ENUM, 3, 5, "ISDN Callback:", 26, 10, r,
	                   MENU_COL_ipsecPeerCallbackMode);
	menu_field_choices(f, cbmode_ch, 4);
	f = menu_add_bound(&fm, MENU_F_TEXT, 5, 5, "Incoming ISDN Number:", 26,
	                   32, r, MENU_COL_ipsecPeerIsdnIncomingNumber);
	f->maxlen = 32;
	f->help = "The number the peer calls from, without the trunk prefix 0";
	f = menu_add_bound(&fm, MENU_F_TEXT, 6, 5, "Outgoing ISDN Number:", 26,
	                   32, r, MENU_COL_ipsecPeerIsdnOutgoingNumber);
	f->maxlen = 32;
	f->help = "The number to call the peer, usually with the prefix 0";
	f = menu_add_bound(&fm, MENU_F_ENUM, 8, 5,
	                   "Transfer own IP Address over ISDN:", 41, 4, r,
	                   MENU_COL_ipsecPeerTransferOwnIp);
	menu_field_choices(f, menu_yesno, 2);
	f = menu_add_bound(&fm, MENU_F_ENUM, 10, 5, "Mode :", 13, 50, r,
	                   MENU_COL_ipsecPeerTransferMode);
	menu_field_choices(f, xfer_ch, 5);
	f = menu_add_bound(&fm, MENU_F_ENUM, 11, 5, "D-Channel Mode :", 22, 16,
	                   r, MENU_COL_ipsecPeerDChannelMode);
	menu_field_choices(f, dmode_ch, 3);
	menu_add_button(&fm, 13, 15, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 13, 45, "CANCEL", MENU_ID_CANCEL);
	fm.ctx = r;
	fm.update = callback_update;
	fm.cur = 0;
	run_sub(&fm, r);
}

/* Interface IP Settings of a route-based peer (P2). */
static void
screen_ifip(struct menu_rec *r, const char *path)
{
	struct menu_form fm;
	struct menu_field *f;
	char p[80];

	snprintf(p, sizeof(p), "%.64s[INTERFACE]", path);
	menu_form_init(&fm, p, "Interface IP Settings");
	menu_add_bound(&fm, MENU_F_IP, 4, 5, "Local IP Address   :", 26, 15, r,
	               MENU_COL_ipsecPeerIfLocalAddress);
	menu_add_bound(&fm, MENU_F_IP, 6, 5, "Remote Network     :", 26, 15, r,
	               MENU_COL_ipsecPeerIfRemoteAddress);
	f = menu_add_bound(&fm, MENU_F_INT, 6, 42, "/", 44, 3, r,
	                   MENU_COL_ipsecPeerIfRemoteMaskLen);
	f->help = "The prefix length of the remote network (0..32)";
	menu_add_button(&fm, 10, 15, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 10, 45, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 0;
	run_sub(&fm, r);
}

/* Peer specific settings (P3): profiles and the active traffic list. */
static void
screen_special(struct menu_rec *r, const char *path)
{
	struct menu_form fm;
	struct menu_field *f;
	struct menu_chlist ike, ipsec;
	struct menu_rec before = *r;
	char p[80], head[80];
	int act;

	snprintf(p, sizeof(p), "%.64s[SPECIAL]", path);
	snprintf(head, sizeof(head), "Special settings for %.50s",
	         menu_rec_str(r, MENU_COL_ipsecPeerDescription));
	menu_chlist_table(&ike, MENU_IKEPROF, MENU_COL_ikeProfileDescription,
	                  "default");
	menu_chlist_table(&ipsec, MENU_IPSECPROF,
	                  MENU_COL_ipsecProfileDescription, "default");
	menu_form_init(&fm, p, "IPSec Peer Special Settings");
	menu_add(&fm, MENU_F_LABEL, 3, 1, head, 0, 0);
	f = menu_add_bound(&fm, MENU_F_ENUM, 5, 5, "IKE (Phase 1) Profile:", 30,
	                   22, r, MENU_COL_ipsecPeerIkeProfile);
	menu_field_choices(f, ike.c, ike.n);
	menu_add_link(&fm, 5, 54, "edit >", L_IKE_EDIT);
	f = menu_add_bound(&fm, MENU_F_ENUM, 7, 5,
	                   "IPsec (Phase 2) Profile:", 30, 22, r,
	                   MENU_COL_ipsecPeerIpsecProfile);
	menu_field_choices(f, ipsec.c, ipsec.n);
	menu_add_link(&fm, 7, 54, "edit >", L_IPSEC_EDIT);
	f = menu_add_link(&fm, 9, 5, "Select Different Traffic List >",
	                  L_SELECT_TRAFFIC);
	f->hidden = r->is_new ||
	            menu_rec_int(r, MENU_COL_ipsecPeerVirtualInterface) == 1;
	menu_add_button(&fm, 12, 15, "SAVE", MENU_ID_SAVE);
	menu_add_button(&fm, 12, 45, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 1;
	for (;;) {
		act = menu_form_run(&fm);
		if (act == MENU_ID_SAVE)
			return;
		if (act == MENU_ID_CANCEL) {
			*r = before;
			return;
		}
		if (act == L_IKE_EDIT)
			menu_screen_ike_profiles(
			    "[IPSEC][PEERS][SPECIAL][PHASE1]");
		else if (act == L_IPSEC_EDIT)
			menu_screen_ipsec_profiles(
			    "[IPSEC][PEERS][SPECIAL][PHASE2]");
		else if (act == L_SELECT_TRAFFIC)
			menu_screen_traffic(MENU_E_ipsecTrList_peer, r->index,
			                    "[IPSEC][PEERS][EDIT][TRAFFIC]");
		menu_chlist_table(&ike, MENU_IKEPROF,
		                  MENU_COL_ikeProfileDescription, "default");
		menu_chlist_table(&ipsec, MENU_IPSECPROF,
		                  MENU_COL_ipsecProfileDescription, "default");
		fm.f[1].nch = ike.n;
		fm.f[3].nch = ipsec.n;
	}
}

/* Traffic List Settings for list peers, Interface IP for virtual ones. */
static void
peer_update(struct menu_form *fm)
{
	const struct menu_rec *r = fm->ctx;
	int vi = menu_rec_int(r, MENU_COL_ipsecPeerVirtualInterface) == 1;

	menu_find(fm, L_TRAFFIC)->hidden = vi;
	menu_find(fm, L_IFIP)->hidden = !vi;
}

/* The peer APPEND/EDIT screen of the seed (P1, P2) bound to r. */
static void
build_peer(struct menu_form *fm, struct menu_rec *r)
{
	struct menu_field *f;

	menu_form_init(
	    fm, r->is_new ? "[IPSEC][PEERS][ADD]" : "[IPSEC][PEERS][EDIT]",
	    "IPSec Peer");
	f = menu_add_bound(fm, MENU_F_TEXT, 3, 5, "Description:", 24, 50, r,
	                   MENU_COL_ipsecPeerDescription);
	f->help = "A description of the peer (up to 255 characters)";
	f = menu_add_bound(fm, MENU_F_ENUM, 4, 5, "Admin Status:", 24, 9, r,
	                   MENU_COL_ipsecPeerAdminStatus);
	menu_field_choices(f, admin_ch, 4);
	f = menu_add_bound(fm, MENU_F_RO, 4, 35, "Oper Status:", 50, 12, r,
	                   MENU_COL_ipsecPeerOperStatus);
	menu_field_choices(f, oper_ch, 4);
	f = menu_add_bound(fm, MENU_F_TEXT, 6, 5, "Peer Address:", 24, 50, r,
	                   MENU_COL_ipsecPeerAddress);
	f->help = "The peer's IP address or host name (may be empty)";
	f = menu_add_bound(fm, MENU_F_TEXT, 7, 5, "Peer IDs:", 24, 50, r,
	                   MENU_COL_ipsecPeerIds);
	f->help = "IDs, comma-separated: address, FQDN, user@fqdn, keyid:TEXT";
	f = menu_add_bound(fm, MENU_F_SECRET, 8, 5, "Pre Shared Key:", 24, 30,
	                   r, MENU_COL_ipsecPeerPreSharedKey);
	f->help = "Type the pass phrase agreed with the peer (never shown)";
	f = menu_add_link(fm, 10, 5, "IPSec Callback >", L_CALLBACK);
	f->rec = r;
	f->subcols = callback_cols;
	f->nsub = (int)MENU_N(callback_cols);
	f = menu_add_link(fm, 11, 5, "Peer specific Settings >", L_SPECIAL);
	f->rec = r;
	f->subcols = special_cols;
	f->nsub = (int)MENU_N(special_cols);
	f = menu_add_bound(fm, MENU_F_ENUM, 13, 5, "Virtual Interface:", 24, 4,
	                   r, MENU_COL_ipsecPeerVirtualInterface);
	menu_field_choices(f, menu_yesno, 2);
	menu_add_link(fm, 14, 5, "Traffic List Settings >", L_TRAFFIC);
	f = menu_add_link(fm, 14, 5, "Interface IP Settings >", L_IFIP);
	f->rec = r;
	f->subcols = ifip_cols;
	f->nsub = (int)MENU_N(ifip_cols);
	menu_add_bound(fm, MENU_F_RO, 18, 5, "Last Error:", 17, 60, r,
	               MENU_COL_ipsecPeerLastError);
	menu_add_button(fm, 16, 15, "SAVE", MENU_ID_SAVE);
	menu_add_button(fm, 16, 45, "CANCEL", MENU_ID_CANCEL);
	fm->ctx = r;
	fm->update = peer_update;
	fm->cur = 0;
}

/* A new peer must exist before traffic entries can name it. */
static int
ensure_saved(struct menu_form *fm, struct menu_rec *r)
{
	if (!r->is_new)
		return 0;
	if (!menu_confirm("The new peer must be saved first. Save it now?"))
		return -1;
	return menu_save(fm, r);
}

/* The peer APPEND/EDIT screen; index 0 appends a new peer. */
static void
screen_peer(int index)
{
	struct menu_form fm;
	struct menu_rec r;
	char err[100];

	menu_rec_init(&r, MENU_PEER, index, MENU_COL_ipsecPeerRowStatus);
	r.labels = peer_labels;
	if (index == 0) {
		struct menu_val nf;

		if (menu_get_scalar(MENU_GLOB, MENU_COL_ipsecGlobPeerNextFree,
		                    &nf) != 0)
			return;
		r.index = (int)nf.i;
		r.is_new = 1;
		menu_rec_defaults(&r, peer_defs, (int)MENU_N(peer_defs));
		menu_rec_setint(&r, MENU_COL_ipsecPeerOperStatus, 2);
		r.dirty[MENU_COL_ipsecPeerOperStatus] = 0;
	}
	build_peer(&fm, &r);
	if (!r.is_new && menu_rec_load(&r, peer_cols, (int)MENU_N(peer_cols),
	                               err, sizeof(err)) != 0)
		menu_status(&fm, "%s", err);
	for (;;) {
		int act = menu_form_run(&fm);

		switch (act) {
		case MENU_ID_CANCEL:
			return;
		case MENU_ID_SAVE:
			if (menu_save(&fm, &r) == 0)
				return;
			break;
		case L_CALLBACK:
			screen_callback(&r, fm.path);
			break;
		case L_SPECIAL:
			screen_special(&r, fm.path);
			break;
		case L_IFIP:
			screen_ifip(&r, fm.path);
			break;
		case L_TRAFFIC:
			if (ensure_saved(&fm, &r) == 0)
				menu_screen_traffic(
				    MENU_E_ipsecTrList_peer, r.index,
				    "[IPSEC][PEERS][EDIT][TRAFFIC]");
			break;
		default:
			break;
		}
	}
}

static const int list_cols[] = {
    MENU_COL_ipsecPeerDescription,
    MENU_COL_ipsecPeerAddress,
    MENU_COL_ipsecPeerAdminStatus,
    MENU_COL_ipsecPeerOperStatus,
};

/* Re-reads the peers into the list (description, address, states). */
static void
load_list(struct menu_form *fm, struct menu_list *l)
{
	struct menu_table t;
	char err[100];
	int i;

	if (menu_table_read(MENU_PEER, list_cols, (int)MENU_N(list_cols), &t,
	                    err, sizeof(err)) != 0) {
		menu_list_alloc(l, 0);
		menu_status(fm, "%s", err);
		return;
	}
	menu_list_alloc(l, t.n);
	for (i = 0; i < t.n; i++) {
		snprintf(l->lines[i], sizeof(l->lines[i]),
		         " %-30.30s %-22.22s %-8.8s %.8s",
		         menu_table_get(&t, i, 0)->s,
		         menu_table_get(&t, i, 1)->s,
		         menu_choice_label(admin_ch, MENU_N(admin_ch),
		                           menu_table_get(&t, i, 2)->i),
		         menu_choice_label(oper_ch, MENU_N(oper_ch),
		                           menu_table_get(&t, i, 3)->i));
		l->key[i] = t.index[i];
	}
	menu_table_free(&t);
}

/*
 * Deletes the marked peers (or the highlighted one) with one SET, their
 * traffic lists with them: an entry naming a peer keeps it from going.
 */
static void
delete_peers(struct menu_form *fm, struct menu_list *l)
{
	int rows[MENU_SET_MAX / 2], n, i, j,
	    cols[2] = {MENU_COL_ipsecTrList, MENU_COL_ipsecTrPeer};
	struct menu_table t;
	struct menu_set s;
	struct menu_seterr e;
	char err[100];

	n = menu_list_marked(l, rows, (int)MENU_N(rows));
	if (n == 0 && l->n > 0) {
		if (!menu_confirm("Delete the highlighted peer?"))
			return;
		rows[n++] = l->sel;
	}
	if (n == 0 ||
	    menu_table_read(MENU_TR, cols, 2, &t, err, sizeof(err)) != 0)
		return;
	menu_set_init(&s);
	for (i = 0; i < n; i++) {
		int peer = l->key[rows[i]];

		for (j = 0; j < t.n; j++)
			if (menu_table_get(&t, j, 0)->i ==
			        MENU_E_ipsecTrList_peer &&
			    menu_table_get(&t, j, 1)->i == peer)
				menu_set_int(&s, MENU_TR,
				             MENU_COL_ipsecTrRowStatus,
				             t.index[j],
				             MENU_E_ipsecTrRowStatus_destroy);
		menu_set_int(&s, MENU_PEER, MENU_COL_ipsecPeerRowStatus, peer,
		             MENU_E_ipsecPeerRowStatus_destroy);
	}
	menu_table_free(&t);
	if (menu_set_send(&s, &e) != 0)
		menu_show_seterr(fm, &e);
	else
		menu_status(fm, "Deleted %d peer%s.", n, n == 1 ? "" : "s");
}

/* The list of peers with APPEND, DELETE and EXIT. */
void
menu_screen_peers(void)
{
	struct menu_form fm;
	struct menu_list l = {0};

	menu_form_init(&fm, "[IPSEC][PEERS]",
	               "IPSec Configuration - Configure Peer List");
	menu_add(
	    &fm, MENU_F_LABEL, 3, 2,
	    "Description                    Remote Address         Admin    "
	    "Oper",
	    0, 0);
	menu_add_list(&fm, 4, 14, &l, MENU_ID_LIST);
	menu_add_button(&fm, 19, 5, "APPEND", MENU_ID_APPEND);
	menu_add_button(&fm, 19, 25, "DELETE", MENU_ID_DELETE);
	menu_add_button(&fm, 19, 45, "EXIT", MENU_ID_EXIT);
	load_list(&fm, &l);
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_EXIT)
			break;
		if (act == MENU_ACT_ENTER)
			screen_peer(l.key[l.sel]);
		else if (act == MENU_ID_APPEND)
			screen_peer(0);
		else if (act == MENU_ID_DELETE)
			delete_peers(&fm, &l);
		load_list(&fm, &l);
		if (act == MENU_ID_APPEND)
			l.sel = l.n - 1;
	}
	menu_list_free(&l);
}
