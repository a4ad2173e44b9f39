/*
 * menu_wizard.c - the IPSec Wizard (W): a menu with the configuration
 * history and "What to do?" (start / skip / abort / clear config / dump
 * messages), and the steps as small forms (the peer, then its traffic)
 * whose values are created in ONE SET at the end: the peer with its
 * address and pre-shared key, and a traffic entry protecting local net to
 * remote net with the default profiles.  The history is kept in memory
 * for the life of the program; it never contains the pre-shared key.
 */
#include <stdio.h>
#include <string.h>

#include "menu.h"

#define HIST_MAX  200
#define DUMP_FILE "ipsecgw-wizard.txt"

enum { W_START = 1, W_SKIP, W_ABORT, W_CLEAR, W_DUMP };
enum { ID_SELECT = MENU_ID_FIRST_LINK, ID_NEXT, ID_BACK };
enum { STEP_NONE, STEP_PEER, STEP_TRAFFIC };

static const struct menu_choice todo_ch[] = {
    {W_START, "start wizard"}, {W_SKIP, "skip"},          {W_ABORT, "abort"},
    {W_CLEAR, "clear config"}, {W_DUMP, "dump messages"},
};

/* What the wizard collected so far; survives leaving the screen. */
static struct {
	char hist[HIST_MAX][MENU_COLS + 1];
	int nhist;
	int step;
	struct menu_rec peer;
	struct menu_rec tr;
} wz;

static const char *const wz_peer_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecPeerDescription] = "Description",
    [MENU_COL_ipsecPeerAddress] = "Peer Address",
    [MENU_COL_ipsecPeerIds] = "Peer IDs",
    [MENU_COL_ipsecPeerPreSharedKey] = "Pre Shared Key",
};

static const char *const wz_tr_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecTrLocalAddress] = "Local Network",
    [MENU_COL_ipsecTrLocalMaskLen] = "Local Mask Bits",
    [MENU_COL_ipsecTrRemoteAddress] = "Remote Network",
    [MENU_COL_ipsecTrRemoteMaskLen] = "Remote Mask Bits",
};

/* The next free history line, dropping the oldest when full. */
static char *
hist_next(void)
{
	if (wz.nhist == HIST_MAX) {
		memmove(wz.hist[0], wz.hist[1],
		        sizeof(wz.hist[0]) * (HIST_MAX - 1));
		wz.nhist--;
	}
	return wz.hist[wz.nhist++];
}

/* Appends a line to the history (printf format). */
#define hist_add(...) snprintf(hist_next(), MENU_COLS + 1, __VA_ARGS__)

/* Shows the history in the list, scrolled to its end. */
static void
hist_show(struct menu_list *l, int height)
{
	int i;

	menu_list_alloc(l, wz.nhist);
	for (i = 0; i < wz.nhist; i++)
		snprintf(l->lines[i], sizeof(l->lines[i]), "%s", wz.hist[i]);
	l->sel = wz.nhist > 0 ? wz.nhist - 1 : 0;
	l->top = wz.nhist > height ? wz.nhist - height : 0;
}

/* The checks of the seed's first, non-interactive part (defaults). */
static void
check_defaults(void)
{
	struct menu_val v;

	hist_add("+ Check default IKE profile ...");
	if (menu_get_scalar(MENU_GLOB, MENU_COL_ipsecGlobDefaultIkeProfile,
	                    &v) == 0 &&
	    v.i != 0)
		hist_add("  already configured (profile %lld)", (long long)v.i);
	else
		hist_add("  none: the built-in defaults are used");
	hist_add("+ Check default IPSec profile ...");
	if (menu_get_scalar(MENU_GLOB, MENU_COL_ipsecGlobDefaultIpsecProfile,
	                    &v) == 0 &&
	    v.i != 0)
		hist_add("  already configured (profile %lld)", (long long)v.i);
	else
		hist_add("  none: the built-in defaults are used");
}

/* Starts a new run: empty records for the peer and its traffic entry. */
static void
wz_begin(void)
{
	menu_rec_init(&wz.peer, MENU_PEER, 0, MENU_COL_ipsecPeerRowStatus);
	wz.peer.labels = wz_peer_labels;
	wz.peer.is_new = 1;
	menu_rec_init(&wz.tr, MENU_TR, 0, MENU_COL_ipsecTrRowStatus);
	wz.tr.labels = wz_tr_labels;
	wz.tr.is_new = 1;
	menu_rec_setint(&wz.tr, MENU_COL_ipsecTrLocalMaskLen, 24);
	menu_rec_setint(&wz.tr, MENU_COL_ipsecTrRemoteMaskLen, 24);
	wz.step = STEP_PEER;
	hist_add("+ IPsec 1st step configuration started");
	check_defaults();
}

/* Step 1: the peer.  Returns ID_NEXT or MENU_ID_CANCEL. */
static int
step_peer(const char *err)
{
	struct menu_form fm;
	struct menu_field *f;

	menu_form_init(&fm, "[IPSEC][WIZARD][PEER]",
	               "IPsec Wizard - Step 1 of 2: Peer");
	menu_add(&fm, MENU_F_LABEL, 3, 3,
	         "Which gateway do you want to connect to?", 0, 0);
	menu_add_bound(&fm, MENU_F_TEXT, 5, 5, "Description:", 24, 50, &wz.peer,
	               MENU_COL_ipsecPeerDescription)
	    ->help = "A name for the peer";
	menu_add_bound(&fm, MENU_F_TEXT, 6, 5, "Peer Address:", 24, 50,
	               &wz.peer, MENU_COL_ipsecPeerAddress)
	    ->help = "The peer's IP address or host name";
	menu_add_bound(&fm, MENU_F_TEXT, 7, 5, "Peer IDs:", 24, 50, &wz.peer,
	               MENU_COL_ipsecPeerIds)
	    ->help = "IDs, comma-separated: address, FQDN, user@fqdn";
	f = menu_add_bound(&fm, MENU_F_SECRET, 8, 5, "Pre Shared Key:", 24, 30,
	                   &wz.peer, MENU_COL_ipsecPeerPreSharedKey);
	f->help = "Type the pass phrase agreed with the peer (never shown)";
	menu_add_button(&fm, 11, 20, "NEXT", ID_NEXT);
	menu_add_button(&fm, 11, 50, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 1;
	if (err != NULL)
		menu_status(&fm, "%s", err);
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_CANCEL)
			return act;
		if (act != ID_NEXT)
			continue;
		if (!wz.peer.dirty[MENU_COL_ipsecPeerPreSharedKey])
			menu_status(&fm, "Type the pre-shared key first.");
		else if (menu_rec_str(&wz.peer, MENU_COL_ipsecPeerAddress)[0] ==
		         '\0')
			menu_status(&fm, "Type the peer's address first.");
		else
			return act;
	}
}

/* Step 2: local and remote network.  ID_NEXT, ID_BACK or CANCEL. */
static int
step_traffic(const char *err)
{
	struct menu_form fm;

	menu_form_init(&fm, "[IPSEC][WIZARD][TRAFFIC]",
	               "IPsec Wizard - Step 2 of 2: Traffic");
	menu_add(&fm, MENU_F_LABEL, 3, 3,
	         "Which traffic is to be protected (local net <-> remote net)?",
	         0, 0);
	menu_add_bound(&fm, MENU_F_IP, 5, 5, "Local Network:", 24, 15, &wz.tr,
	               MENU_COL_ipsecTrLocalAddress)
	    ->help = "The network behind this gateway, e.g. 192.168.1.0";
	menu_add_bound(&fm, MENU_F_INT, 5, 42, "Mask Bits:", 54, 3, &wz.tr,
	               MENU_COL_ipsecTrLocalMaskLen)
	    ->help = "0..32, e.g. 24";
	menu_add_bound(&fm, MENU_F_IP, 6, 5, "Remote Network:", 24, 15, &wz.tr,
	               MENU_COL_ipsecTrRemoteAddress)
	    ->help = "The network behind the peer, e.g. 10.1.0.0";
	menu_add_bound(&fm, MENU_F_INT, 6, 42, "Mask Bits:", 54, 3, &wz.tr,
	               MENU_COL_ipsecTrRemoteMaskLen)
	    ->help = "0..32, e.g. 16";
	menu_add(&fm, MENU_F_LABEL, 8, 3,
	         "The entry protects with the default IKE and IPsec profiles.",
	         0, 0);
	menu_add_button(&fm, 11, 10, "FINISH", ID_NEXT);
	menu_add_button(&fm, 11, 35, "BACK", ID_BACK);
	menu_add_button(&fm, 11, 55, "CANCEL", MENU_ID_CANCEL);
	fm.cur = 1;
	if (err != NULL)
		menu_status(&fm, "%s", err);
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_CANCEL || act == ID_BACK)
			return act;
		if (act != ID_NEXT)
			continue;
		if (menu_rec_str(&wz.tr, MENU_COL_ipsecTrLocalAddress)[0] ==
		        '\0' ||
		    menu_rec_str(&wz.tr, MENU_COL_ipsecTrRemoteAddress)[0] ==
		        '\0')
			menu_status(&fm, "Type both networks first.");
		else
			return act;
	}
}

/*
 * Creates what the steps collected in one SET: the peer and, unless the
 * traffic step was skipped, its traffic entry.  0 on success, else the
 * agent's error is in e.
 */
static int
wz_create(int with_traffic, struct menu_seterr *e)
{
	struct menu_val nf;
	struct menu_set s;

	if (menu_get_scalar(MENU_GLOB, MENU_COL_ipsecGlobPeerNextFree, &nf) !=
	    0) {
		snprintf(e->text, sizeof(e->text), "cannot read the next peer");
		e->rec = NULL;
		return -1;
	}
	wz.peer.index = (int)nf.i;
	menu_set_init(&s);
	menu_set_rec(&s, &wz.peer);
	if (with_traffic) {
		if (menu_get_scalar(MENU_GLOB, MENU_COL_ipsecGlobTrNextFree,
		                    &nf) != 0) {
			snprintf(e->text, sizeof(e->text),
			         "cannot read the next traffic entry");
			e->rec = NULL;
			return -1;
		}
		wz.tr.index = (int)nf.i;
		menu_rec_setint(&wz.tr, MENU_COL_ipsecTrList,
		                MENU_E_ipsecTrList_peer);
		menu_rec_setint(&wz.tr, MENU_COL_ipsecTrPeer, wz.peer.index);
		menu_rec_setint(&wz.tr, MENU_COL_ipsecTrOrder, 10);
		menu_rec_setint(&wz.tr, MENU_COL_ipsecTrLocalType,
		                MENU_E_ipsecTrLocalType_net);
		menu_rec_setint(&wz.tr, MENU_COL_ipsecTrRemoteType,
		                MENU_E_ipsecTrRemoteType_net);
		menu_rec_setint(&wz.tr, MENU_COL_ipsecTrAction,
		                MENU_E_ipsecTrAction_protect);
		menu_rec_setstr(&wz.tr, MENU_COL_ipsecTrDescription, MENU_V_STR,
		                "wizard");
		menu_set_rec(&s, &wz.tr);
	}
	return menu_set_send(&s, e);
}

/* The history lines of a created configuration (no key material). */
static void
wz_done(int with_traffic)
{
	hist_add("+ Peer %.40s created (index %d)",
	         menu_rec_str(&wz.peer, MENU_COL_ipsecPeerDescription),
	         wz.peer.index);
	hist_add("  address %.40s, pre-shared key set",
	         menu_rec_str(&wz.peer, MENU_COL_ipsecPeerAddress));
	if (with_traffic)
		hist_add(
		    "+ Traffic entry %d: %.15s/%d <-> %.15s/%d protect",
		    wz.tr.index,
		    menu_rec_str(&wz.tr, MENU_COL_ipsecTrLocalAddress),
		    (int)menu_rec_int(&wz.tr, MENU_COL_ipsecTrLocalMaskLen),
		    menu_rec_str(&wz.tr, MENU_COL_ipsecTrRemoteAddress),
		    (int)menu_rec_int(&wz.tr, MENU_COL_ipsecTrRemoteMaskLen));
	hist_add("+ Done: the peer uses the default profiles");
	wz.step = STEP_NONE;
}

/*
 * Runs the steps from the current one to the end (or to CANCEL); a
 * refused SET returns to the step whose field the agent blamed.
 */
static void
wz_run(struct menu_form *menu, int skip_traffic)
{
	char err[160] = "";

	for (;;) {
		int act;
		struct menu_seterr e;

		if (wz.step == STEP_PEER) {
			act = step_peer(err[0] ? err : NULL);
			err[0] = '\0';
			if (act == MENU_ID_CANCEL)
				break;
			hist_add(
			    "+ Peer %.32s at %.36s",
			    menu_rec_str(&wz.peer,
			                 MENU_COL_ipsecPeerDescription),
			    menu_rec_str(&wz.peer, MENU_COL_ipsecPeerAddress));
			wz.step = STEP_TRAFFIC;
			if (!skip_traffic)
				continue;
		} else if (!skip_traffic) {
			act = step_traffic(err[0] ? err : NULL);
			err[0] = '\0';
			if (act == MENU_ID_CANCEL)
				break;
			if (act == ID_BACK) {
				wz.step = STEP_PEER;
				continue;
			}
		}
		if (wz_create(!skip_traffic, &e) == 0) {
			wz_done(!skip_traffic);
			menu_status(menu, "The wizard created the peer.");
			return;
		}
		snprintf(err, sizeof(err), "SET refused: %.120s", e.text);
		hist_add("- %.70s", err);
		if (e.rec == &wz.peer || skip_traffic)
			wz.step = STEP_PEER;
	}
	hist_add("  (paused at step %d: \"start wizard\" continues)", wz.step);
}

/* clear config: destroys every peer and every peer's traffic entry. */
static void
wz_clear(struct menu_form *fm)
{
	static const int cols[] = {MENU_COL_ipsecTrList};
	static const int pcols[] = {MENU_COL_ipsecPeerDescription};
	struct menu_table t, p;
	struct menu_set s;
	struct menu_seterr e;
	char err[100];
	int i, n = 0;

	if (!menu_confirm("Delete ALL peers and their traffic lists?"))
		return;
	if (menu_table_read(MENU_TR, cols, 1, &t, err, sizeof(err)) != 0) {
		menu_status(fm, "%s", err);
		return;
	}
	if (menu_table_read(MENU_PEER, pcols, 1, &p, err, sizeof(err)) != 0) {
		menu_table_free(&t);
		menu_status(fm, "%s", err);
		return;
	}
	menu_set_init(&s);
	for (i = 0; i < t.n; i++)
		if (menu_table_get(&t, i, 0)->i == MENU_E_ipsecTrList_peer)
			menu_set_int(&s, MENU_TR, MENU_COL_ipsecTrRowStatus,
			             t.index[i],
			             MENU_E_ipsecTrRowStatus_destroy);
	for (i = 0; i < p.n; i++, n++)
		menu_set_int(&s, MENU_PEER, MENU_COL_ipsecPeerRowStatus,
		             p.index[i], MENU_E_ipsecPeerRowStatus_destroy);
	menu_table_free(&t);
	menu_table_free(&p);
	if (s.n == 0) {
		menu_status(fm, "No peers configured.");
		return;
	}
	if (menu_set_send(&s, &e) != 0) {
		menu_status(fm, "%s", e.text);
		hist_add("- clear config refused: %.50s", e.text);
		return;
	}
	hist_add("+ Configuration cleared: %d peer%s deleted", n,
	         n == 1 ? "" : "s");
	menu_status(fm, "Deleted %d peer%s and their traffic lists.", n,
	            n == 1 ? "" : "s");
}

/* dump messages: writes the history to a file in the working directory. */
static void
wz_dump(struct menu_form *fm)
{
	FILE *f = fopen(DUMP_FILE, "w");
	int i;

	if (f == NULL) {
		menu_status(fm, "Cannot write %s", DUMP_FILE);
		return;
	}
	for (i = 0; i < wz.nhist; i++)
		fprintf(f, "%s\n", wz.hist[i]);
	if (fclose(f) != 0)
		menu_status(fm, "Cannot write %s", DUMP_FILE);
	else
		menu_status(fm, "%d messages written to %s", wz.nhist,
		            DUMP_FILE);
}

/* Carries out what "What to do?" names. */
static void
wz_do(struct menu_form *fm, int64_t todo)
{
	switch (todo) {
	case W_START:
		if (wz.step == STEP_NONE)
			wz_begin();
		wz_run(fm, 0);
		break;
	case W_SKIP:
		if (wz.step == STEP_NONE) {
			menu_status(fm, "Nothing to skip: start the wizard.");
		} else if (wz.step == STEP_PEER) {
			hist_add("- Peer step skipped: nothing created");
			wz.step = STEP_NONE;
		} else {
			hist_add("- Traffic step skipped");
			wz_run(fm, 1);
		}
		break;
	case W_ABORT:
		if (wz.step != STEP_NONE)
			hist_add("- Wizard aborted: nothing created");
		wz.step = STEP_NONE;
		menu_status(fm, "Aborted.");
		break;
	case W_CLEAR:
		wz_clear(fm);
		break;
	case W_DUMP:
		wz_dump(fm);
		break;
	default:
		break;
	}
}

/* The Wizard menu (W): history, What to do?, SELECT and EXIT. */
void
menu_screen_wizard(void)
{
	struct menu_form fm;
	struct menu_list l = {0};
	struct menu_val todo = {.t = MENU_V_INT, .i = W_START};
	struct menu_field *f;

	menu_form_init(&fm, "[IPSEC][WIZARD]",
	               "IPsec Configuration - Wizard Menu");
	menu_add(&fm, MENU_F_LABEL, 3, 3,
	         "IPsec 1st step configurations wizard", 0, 0);
	menu_add(&fm, MENU_F_LABEL, 4, 3, "Configuration History:", 0, 0);
	menu_add_list(&fm, 5, 11, &l, MENU_ID_LIST);
	f = menu_add(&fm, MENU_F_ENUM, 17, 3, "What to do?", 55, 16);
	f->lv = &todo;
	menu_field_choices(f, todo_ch, (int)MENU_N(todo_ch));
	f->help = "<Space> to choose, then SELECT";
	menu_add_button(&fm, 19, 20, "SELECT", ID_SELECT);
	menu_add_button(&fm, 19, 50, "EXIT", MENU_ID_EXIT);
	hist_show(&l, 11);
	fm.cur = 3;
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_EXIT || act == MENU_ID_CANCEL)
			break;
		if (act == ID_SELECT) {
			wz_do(&fm, todo.i);
			hist_show(&l, 11);
		}
	}
	menu_list_free(&l);
}
