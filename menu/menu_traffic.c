/*
 * menu_traffic.c - the three kinds of traffic lists in ipsecTrafficTable:
 * the pre IPsec rules, a peer's traffic list and the post IPsec rules
 * (R, P4).  One list screen serves all three ('i' insert below, 'u'/'d'
 * move, 'a' select the active entry, APPEND, DELETE), and one screen
 * edits an entry.  Moving an entry renumbers ipsecTrOrder in one SET.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "menu.h"

#define MAXENT (MENU_SET_MAX - 4)

enum { L_PROFILE_EDIT = MENU_ID_FIRST_LINK };

static const struct menu_choice proto_ch[] = {
    {255, "don't-verify"}, {1, "icmp"},  {6, "tcp"},    {17, "udp"},
    {47, "gre"},           {50, "esp"},  {51, "ah"},    {4, "ipip"},
    {41, "ipv6"},          {89, "ospf"}, {132, "sctp"},
};
static const struct menu_choice ltype_ch[] = {
    {1, "host"}, {2, "net"}, {3, "range"}, {4, "own"}};
static const struct menu_choice rtype_ch[] = {
    {1, "host"}, {2, "net"}, {3, "range"}, {5, "dhcp"}, {6, "peer"}};
static const struct menu_choice action_ch[] = {
    {1, "pass"}, {2, "drop"}, {3, "protect"}};
static const struct menu_choice default_ch[] = {{1, "drop it"},
                                                {2, "let pass"}};

static const char *const tr_labels[MENU_MAXCOL] = {
    [MENU_COL_ipsecTrList] = "List",
    [MENU_COL_ipsecTrPeer] = "Peer",
    [MENU_COL_ipsecTrOrder] = "Order",
    [MENU_COL_ipsecTrDescription] = "Description",
    [MENU_COL_ipsecTrProto] = "Protocol",
    [MENU_COL_ipsecTrLocalType] = "Local Type",
    [MENU_COL_ipsecTrLocalAddress] = "Local Ip",
    [MENU_COL_ipsecTrLocalMaskLen] = "Local Mask",
    [MENU_COL_ipsecTrLocalRangeEnd] = "Local Range End",
    [MENU_COL_ipsecTrLocalPort] = "Local Port",
    [MENU_COL_ipsecTrRemoteType] = "Remote Type",
    [MENU_COL_ipsecTrRemoteAddress] = "Remote Ip",
    [MENU_COL_ipsecTrRemoteMaskLen] = "Remote Mask",
    [MENU_COL_ipsecTrRemoteRangeEnd] = "Remote Range End",
    [MENU_COL_ipsecTrRemotePort] = "Remote Port",
    [MENU_COL_ipsecTrAction] = "Action",
    [MENU_COL_ipsecTrIpsecProfile] = "Profile",
    [MENU_COL_ipsecTrRowStatus] = "the entry",
};

/* Columns of an entry, in the order the list screen reads them. */
static const int tr_cols[] = {
    MENU_COL_ipsecTrList,          MENU_COL_ipsecTrPeer,
    MENU_COL_ipsecTrOrder,         MENU_COL_ipsecTrDescription,
    MENU_COL_ipsecTrProto,         MENU_COL_ipsecTrLocalType,
    MENU_COL_ipsecTrLocalAddress,  MENU_COL_ipsecTrLocalMaskLen,
    MENU_COL_ipsecTrLocalRangeEnd, MENU_COL_ipsecTrLocalPort,
    MENU_COL_ipsecTrRemoteType,    MENU_COL_ipsecTrRemoteAddress,
    MENU_COL_ipsecTrRemoteMaskLen, MENU_COL_ipsecTrRemoteRangeEnd,
    MENU_COL_ipsecTrRemotePort,    MENU_COL_ipsecTrAction,
    MENU_COL_ipsecTrIpsecProfile,
};
enum {
	P_LIST,
	P_PEER,
	P_ORDER,
	P_DESC,
	P_PROTO,
	P_LT,
	P_LA,
	P_LM,
	P_LE,
	P_LP,
	P_RT,
	P_RA,
	P_RM,
	P_RE,
	P_RP,
	P_ACT,
	P_PROF
};

#define D(c, v) {c, v},
static const int tr_defs[][2] = {MENU_DEFVALS_ipsecTrafficEntry(D)};
#undef D

/* One list (pre rules, a peer's, post rules) as the screens see it. */
struct trlist {
	int list; /* MENU_E_ipsecTrList_* */
	int peer;
	const char *path;
	int n;
	int index[MAXENT];
	int order[MAXENT];
	int active; /* ipsecTrIndex of the active entry, 0: the first */
	struct menu_chlist prof;
};

/* An ordering to apply with the next SET: index[k] gets order[k]. */
struct reorder {
	int n;
	int index[MAXENT];
	int order[MAXENT];
};

/* The name the lists use for an IP protocol number. */
const char *
menu_proto_name(int64_t proto, char *buf, size_t len)
{
	size_t k;

	if (proto == 255 || proto == 0)
		return proto == 0 ? "all" : "any";
	for (k = 1; k < MENU_N(proto_ch); k++)
		if (proto_ch[k].val == proto)
			return proto_ch[k].label;
	snprintf(buf, len, "%lld", (long long)proto);
	return buf;
}

/* Adds the ipsecTrOrder changes of a move or insert to a SET. */
static void
add_reorder(struct menu_set *s, const struct reorder *ro)
{
	int k;

	for (k = 0; ro != NULL && k < ro->n; k++)
		menu_set_int(s, MENU_TR, MENU_COL_ipsecTrOrder, ro->index[k],
		             ro->order[k]);
}

/* Which of an entry's fields show, as the seed's screens do. */
static void
entry_update(struct menu_form *fm)
{
	const struct menu_rec *r = fm->ctx;
	int64_t proto = menu_rec_int(r, MENU_COL_ipsecTrProto);
	int64_t lt = menu_rec_int(r, MENU_COL_ipsecTrLocalType);
	int64_t rt = menu_rec_int(r, MENU_COL_ipsecTrRemoteType);
	int ports = proto == 6 || proto == 17;
	int peer = menu_rec_int(r, MENU_COL_ipsecTrList) == 2;
	int protect = menu_rec_int(r, MENU_COL_ipsecTrAction) == 3;

	/* fields 4..7 local, 10..13 remote: Ip, mask, end, Port */
	fm->f[4].hidden = lt == 4;
	fm->f[5].hidden = lt != 2;
	fm->f[6].hidden = lt != 3;
	fm->f[7].hidden = !ports;
	fm->f[10].hidden = rt == 5 || rt == 6;
	fm->f[11].hidden = rt != 2;
	fm->f[12].hidden = rt != 3;
	fm->f[13].hidden = !ports;
	fm->f[15].hidden = !peer || !protect;
	fm->f[16].hidden = !peer || !protect;
}

/* The Local: or Remote: line: type, Ip, / mask, - end, Port. */
static void
add_side(struct menu_form *fm, struct menu_rec *r, int row, int remote)
{
	struct menu_field *f;
	int base =
	    remote ? MENU_COL_ipsecTrRemoteType : MENU_COL_ipsecTrLocalType;

	menu_add(fm, MENU_F_LABEL, row - 1, 5, remote ? "Remote:" : "Local:", 0,
	         0);
	f = menu_add_bound(fm, MENU_F_ENUM, row, 10, "Type:", 16, 6, r, base);
	if (remote)
		menu_field_choices(f, rtype_ch, (int)MENU_N(rtype_ch));
	else
		menu_field_choices(f, ltype_ch, (int)MENU_N(ltype_ch));
	menu_add_bound(fm, MENU_F_IP, row, 24, "Ip:", 28, 15, r, base + 1);
	f = menu_add_bound(fm, MENU_F_INT, row, 44, "/", 46, 2, r, base + 2);
	f->help = "The prefix length (0..32)";
	f = menu_add_bound(fm, MENU_F_IP, row, 44, "-", 46, 15, r, base + 3);
	f->help = "The last address of the range";
	f = menu_add_bound(fm, MENU_F_INT, row, 63, "Port:", 69, 5, r,
	                   base + 4);
	f->help = "The port (tcp and udp only); 0 is any port";
}

/* A protocol list holding the entry's protocol even if it is unusual. */
static void
proto_choices(struct menu_chlist *cl, int64_t cur)
{
	size_t k;
	int found = 0;

	cl->n = 0;
	for (k = 0; k < MENU_N(proto_ch); k++) {
		cl->c[cl->n++] = proto_ch[k];
		found |= proto_ch[k].val == cur;
	}
	if (!found) {
		cl->c[cl->n].val = cur;
		snprintf(cl->c[cl->n].label, sizeof(cl->c[cl->n].label),
		         "proto %lld", (long long)cur);
		cl->n++;
	}
}

/* The Edit Traffic Entry screen of the seed bound to r. */
static void
build_entry(struct menu_form *fm, struct menu_rec *r, struct trlist *tl,
            struct menu_chlist *protos)
{
	struct menu_field *f;
	char path[80];

	snprintf(path, sizeof(path), "%s[%s]", tl->path,
	         r->is_new ? "ADD" : "EDIT");
	menu_form_init(fm, path, "Edit Traffic Entry");
	f = menu_add_bound(fm, MENU_F_TEXT, 3, 0, "Description:", 14, 50, r,
	                   MENU_COL_ipsecTrDescription);
	f->help = "What the entry is for";
	f = menu_add_bound(fm, MENU_F_ENUM, 5, 5, "Protocol:", 20, 14, r,
	                   MENU_COL_ipsecTrProto);
	menu_field_choices(f, protos->c, protos->n);
	add_side(fm, r, 8, 0);
	add_side(fm, r, 11, 1);
	f = menu_add_bound(fm, MENU_F_ENUM, 13, 5, "Action:", 20, 8, r,
	                   MENU_COL_ipsecTrAction);
	menu_field_choices(f, action_ch,
	                   tl->list == MENU_E_ipsecTrList_peer ? 3 : 2);
	f = menu_add_bound(fm, MENU_F_ENUM, 15, 5, "Profile", 22, 26, r,
	                   MENU_COL_ipsecTrIpsecProfile);
	menu_field_choices(f, tl->prof.c, tl->prof.n);
	f->help = "The IPsec (phase 2) profile for protect; default: the "
	          "peer's";
	menu_add_link(fm, 15, 50, "edit >", L_PROFILE_EDIT);
	menu_add_button(fm, 17, 15, "SAVE", MENU_ID_SAVE);
	menu_add_button(fm, 17, 45, "CANCEL", MENU_ID_CANCEL);
	fm->ctx = r;
	fm->update = entry_update;
	fm->cur = 0;
}

/*
 * The entry APPEND/EDIT screen.  index 0 creates an entry at order
 * new_order; ro (may be NULL) renumbers others in the same SET.
 */
static void
screen_entry(struct trlist *tl, int index, int new_order,
             const struct reorder *ro)
{
	struct menu_form fm;
	struct menu_rec r;
	struct menu_chlist protos;
	char err[100];

	menu_rec_init(&r, MENU_TR, index, MENU_COL_ipsecTrRowStatus);
	r.labels = tr_labels;
	if (index == 0) {
		struct menu_val nf;

		if (menu_get_scalar(MENU_GLOB, MENU_COL_ipsecGlobTrNextFree,
		                    &nf) != 0)
			return;
		r.index = (int)nf.i;
		r.is_new = 1;
		menu_rec_defaults(&r, tr_defs, (int)MENU_N(tr_defs));
		menu_rec_setint(&r, MENU_COL_ipsecTrList, tl->list);
		if (tl->peer != 0)
			menu_rec_setint(&r, MENU_COL_ipsecTrPeer, tl->peer);
		menu_rec_setint(&r, MENU_COL_ipsecTrOrder, new_order);
	} else if (menu_rec_load(&r, tr_cols, (int)MENU_N(tr_cols), err,
	                         sizeof(err)) != 0) {
		return;
	}
	proto_choices(&protos, menu_rec_int(&r, MENU_COL_ipsecTrProto));
	build_entry(&fm, &r, tl, &protos);
	for (;;) {
		int act = menu_form_run(&fm);
		struct menu_set s;
		struct menu_seterr e;

		if (act == MENU_ID_CANCEL)
			return;
		if (act == L_PROFILE_EDIT) {
			menu_screen_ipsec_profiles("[IPSEC][PHASE2]");
			menu_chlist_table(&tl->prof, MENU_IPSECPROF,
			                  MENU_COL_ipsecProfileDescription,
			                  "default");
			fm.f[15].nch = tl->prof.n;
		}
		if (act != MENU_ID_SAVE)
			continue;
		menu_set_init(&s);
		menu_set_rec(&s, &r);
		add_reorder(&s, ro);
		if (menu_set_send(&s, &e) == 0)
			return;
		menu_show_seterr(&fm, &e);
	}
}

/* The M/R column: mask length Mn, or range count Rn (R2). */
static int
type_mr(char *buf, size_t len, const struct menu_table *t, int i, int type,
        int addr, int mask, int end)
{
	const struct menu_val *a = menu_table_get(t, i, addr);
	struct in_addr x, y;

	switch (menu_table_get(t, i, type)->i) {
	case 1:
		return snprintf(buf, len, "M32");
	case 2:
		return snprintf(buf, len, "M%lld",
		                (long long)menu_table_get(t, i, mask)->i);
	case 3:
		if (inet_pton(AF_INET, a->s, &x) != 1 ||
		    inet_pton(AF_INET, menu_table_get(t, i, end)->s, &y) != 1)
			return snprintf(buf, len, "R?");
		return snprintf(buf, len, "R%lu",
		                (unsigned long)ntohl(y.s_addr) -
		                    (unsigned long)ntohl(x.s_addr) + 1UL);
	default:
		buf[0] = '\0';
		return 0;
	}
}

/* The address column: an address, or own/dhcp/peer. */
static const char *
side_addr(const struct menu_table *t, int i, int type, int addr)
{
	switch (menu_table_get(t, i, type)->i) {
	case 4:
		return "own Address";
	case 5:
		return "dhcp";
	case 6:
		return "peer Address";
	default:
		return menu_table_get(t, i, addr)->s;
	}
}

/* The description of a phase 2 profile for the Proposal column. */
static const char *
profile_name(const struct trlist *tl, int64_t p)
{
	int k;

	for (k = 0; k < tl->prof.n; k++)
		if (tl->prof.c[k].val == p)
			return tl->prof.c[k].label;
	return "?";
}

/* One line of the list, in the columns of the seed's traffic list. */
static void
format_line(const struct trlist *tl, const struct menu_table *t, int i,
            char *line, size_t len)
{
	char lmr[16], rmr[16], lp[8] = "", rp[8] = "", pb[16];
	int64_t proto = menu_table_get(t, i, P_PROTO)->i;
	int64_t act = menu_table_get(t, i, P_ACT)->i;

	type_mr(lmr, sizeof(lmr), t, i, P_LT, P_LA, P_LM, P_LE);
	type_mr(rmr, sizeof(rmr), t, i, P_RT, P_RA, P_RM, P_RE);
	if (proto == 6 || proto == 17) {
		snprintf(lp, sizeof(lp), "%lld",
		         (long long)menu_table_get(t, i, P_LP)->i);
		snprintf(rp, sizeof(rp), "%lld",
		         (long long)menu_table_get(t, i, P_RP)->i);
	}
	/* The line is cut at the screen width on purpose. */
	if (snprintf(line, len,
	             "%-14.14s %-4s %-5s %-5.5s %-15.15s %-5s %-5s %-3s %-.14s",
	             side_addr(t, i, P_LT, P_LA), lmr, lp,
	             menu_proto_name(proto, pb, sizeof(pb)),
	             side_addr(t, i, P_RT, P_RA), rmr, rp,
	             act == 1   ? "PA"
	             : act == 2 ? "DR"
	                        : "PR",
	             tl->list == MENU_E_ipsecTrList_peer
	                 ? profile_name(tl, menu_table_get(t, i, P_PROF)->i)
	                 : "default") < 0)
		line[0] = '\0';
}

/* The active-entry marker of this list. */
static int
read_active(const struct trlist *tl)
{
	struct menu_val v;
	int col = tl->list == MENU_E_ipsecTrList_preRules
	              ? MENU_COL_ipsecGlobPreRulesActive
	              : MENU_COL_ipsecGlobPostRulesActive;
	struct menu_rec r;
	char err[80];
	int pc = MENU_COL_ipsecPeerActiveTrafficEntry;

	if (tl->list != MENU_E_ipsecTrList_peer)
		return menu_get_scalar(MENU_GLOB, col, &v) == 0 ? (int)v.i : 0;
	menu_rec_init(&r, MENU_PEER, tl->peer, 0);
	if (menu_rec_load(&r, &pc, 1, err, sizeof(err)) != 0)
		return 0;
	return (int)menu_rec_int(&r, pc);
}

/* Reads the list's entries sorted by (order, index) into tl and l. */
static void
load_list(struct menu_form *fm, struct trlist *tl, struct menu_list *l)
{
	struct menu_table t;
	char err[100];
	int i, j, pos[MAXENT] = {0};

	tl->n = 0;
	if (menu_table_read(MENU_TR, tr_cols, (int)MENU_N(tr_cols), &t, err,
	                    sizeof(err)) != 0) {
		menu_status(fm, "%s", err);
		menu_list_alloc(l, 0);
		return;
	}
	for (i = 0; i < t.n && tl->n < MAXENT; i++) {
		if (menu_table_get(&t, i, P_LIST)->i != tl->list ||
		    menu_table_get(&t, i, P_PEER)->i != tl->peer)
			continue;
		/* insertion sort by (order, index); t is sorted by index */
		for (j = tl->n; j > 0 && tl->order[j - 1] >
		                             menu_table_get(&t, i, P_ORDER)->i;
		     j--) {
			tl->order[j] = tl->order[j - 1];
			tl->index[j] = tl->index[j - 1];
			pos[j] = pos[j - 1];
		}
		tl->order[j] = (int)menu_table_get(&t, i, P_ORDER)->i;
		tl->index[j] = t.index[i];
		pos[j] = i;
		tl->n++;
	}
	tl->active = read_active(tl);
	menu_list_alloc(l, tl->n);
	for (i = 0; i < tl->n; i++) {
		format_line(tl, &t, pos[i], l->lines[i], sizeof(l->lines[i]));
		l->key[i] = tl->index[i];
		if (tl->index[i] == tl->active || (tl->active == 0 && i == 0))
			l->active = i;
	}
	menu_table_free(&t);
}

/*
 * Positions after moving: the entries in display order perm[] get orders
 * 10, 20, ...; only those that change go into ro.
 */
static void
renumber(const struct trlist *tl, const int *perm, int n, int skip_at,
         struct reorder *ro)
{
	int k, slot = 0;

	ro->n = 0;
	for (k = 0; k < n; k++, slot++) {
		int want;

		if (slot == skip_at)
			slot++;
		want = (slot + 1) * 10;
		if (tl->order[perm[k]] != want) {
			ro->index[ro->n] = tl->index[perm[k]];
			ro->order[ro->n++] = want;
		}
	}
}

/* 'u' / 'd': swaps the highlighted entry with its neighbour. */
static void
move_entry(struct menu_form *fm, struct trlist *tl, struct menu_list *l,
           int dir)
{
	int perm[MAXENT], k, other = l->sel + dir;
	struct reorder ro;
	struct menu_set s;
	struct menu_seterr e;

	if (l->n < 2 || other < 0 || other >= tl->n)
		return;
	for (k = 0; k < tl->n; k++)
		perm[k] = k;
	perm[l->sel] = other;
	perm[other] = l->sel;
	renumber(tl, perm, tl->n, -1, &ro);
	menu_set_init(&s);
	add_reorder(&s, &ro);
	if (menu_set_send(&s, &e) != 0) {
		menu_show_seterr(fm, &e);
		return;
	}
	l->sel = other;
	menu_status(fm, "Moved %s.", dir < 0 ? "up" : "down");
}

/* 'a': the highlighted entry becomes the active one (R2, P3). */
static void
select_active(struct menu_form *fm, struct trlist *tl, struct menu_list *l)
{
	struct menu_set s;
	struct menu_seterr e;

	if (l->n == 0)
		return;
	menu_set_init(&s);
	if (tl->list == MENU_E_ipsecTrList_peer)
		menu_set_int(&s, MENU_PEER,
		             MENU_COL_ipsecPeerActiveTrafficEntry, tl->peer,
		             l->key[l->sel]);
	else
		menu_set_int(&s, MENU_GLOB,
		             tl->list == MENU_E_ipsecTrList_preRules
		                 ? MENU_COL_ipsecGlobPreRulesActive
		                 : MENU_COL_ipsecGlobPostRulesActive,
		             0, l->key[l->sel]);
	if (menu_set_send(&s, &e) != 0)
		menu_show_seterr(fm, &e);
	else
		menu_status(fm, "Entries above the active one are ignored.");
}

/* 'i': a new entry below the highlighted one. */
static void
insert_entry(struct trlist *tl, struct menu_list *l)
{
	int perm[MAXENT], k, at = l->n == 0 ? 0 : l->sel + 1;
	struct reorder ro;

	for (k = 0; k < tl->n; k++)
		perm[k] = k;
	renumber(tl, perm, tl->n, at, &ro);
	screen_entry(tl, 0, (at + 1) * 10, &ro);
	l->sel = at;
}

/* APPEND: a new entry after the last one. */
static void
append_entry(struct trlist *tl, struct menu_list *l)
{
	screen_entry(tl, 0, tl->n > 0 ? tl->order[tl->n - 1] + 10 : 10, NULL);
	l->sel = tl->n;
}

/* Deletes the marked (or the highlighted) entries in one SET. */
static void
delete_entries(struct menu_form *fm, struct trlist *tl, struct menu_list *l)
{
	int rows[MAXENT], n, i;
	struct menu_set s;
	struct menu_seterr e;

	n = menu_list_targets(l, rows, MAXENT);
	if (n == 0)
		return;
	menu_set_init(&s);
	for (i = 0; i < n; i++) {
		int idx = l->key[rows[i]];

		if (idx == tl->active && tl->list == MENU_E_ipsecTrList_peer)
			menu_set_int(&s, MENU_PEER,
			             MENU_COL_ipsecPeerActiveTrafficEntry,
			             tl->peer, 0);
		else if (idx == tl->active)
			menu_set_int(&s, MENU_GLOB,
			             tl->list == MENU_E_ipsecTrList_preRules
			                 ? MENU_COL_ipsecGlobPreRulesActive
			                 : MENU_COL_ipsecGlobPostRulesActive,
			             0, 0);
		menu_set_int(&s, MENU_TR, MENU_COL_ipsecTrRowStatus, idx,
		             MENU_E_ipsecTrRowStatus_destroy);
	}
	if (menu_set_send(&s, &e) != 0)
		menu_show_seterr(fm, &e);
	else
		menu_status(fm, "Deleted %d entr%s.", n, n == 1 ? "y" : "ies");
}

/* The traffic list screen of the seed, with R3 for post rules. */
static void
build_list(struct menu_form *fm, struct trlist *tl, struct menu_list *l,
           struct menu_rec *g)
{
	struct menu_field *f;
	int post = tl->list == MENU_E_ipsecTrList_postRules;

	menu_form_init(fm, tl->path, "Configure Traffic List");
	menu_add(fm, MENU_F_LABEL, 3, 0,
	         "Highlight an entry and type 'i' to insert new entry below,",
	         0, 0);
	menu_add(fm, MENU_F_LABEL, 4, 0,
	         "'u'/'d' to move up/down, 'a' to select as active traffic "
	         "list",
	         0, 0);
	if (post) {
		f = menu_add_bound(
		    fm, MENU_F_ENUM, 6, 0,
		    "What to do with anything that didn't match:", 45, 9, g,
		    MENU_COL_ipsecGlobDefaultAction);
		menu_field_choices(f, default_ch, 2);
		f->help = "Applied at once: drop or let pass what matched no "
		          "rule";
		fm->notify = 1;
	}
	menu_add(fm, MENU_F_LABEL, 7, 0,
	         " Local Address  M/R  Port  Proto Remote Address  M/R   Port  "
	         "A   Proposal",
	         0, 0);
	f = menu_add_list(fm, 8, 10, l, MENU_ID_LIST);
	f->help = "<Return> edits, <Space> marks for DELETE, i/u/d/a as above";
	menu_add_button(fm, 19, 5, "APPEND", MENU_ID_APPEND);
	menu_add_button(fm, 19, 25, "DELETE", MENU_ID_DELETE);
	menu_add_button(fm, 19, 45, "EXIT", MENU_ID_EXIT);
	fm->keys = "iuda";
}

/* The list keys i, u, d and a. */
static void
list_key(struct menu_form *fm, struct trlist *tl, struct menu_list *l)
{
	switch (fm->key) {
	case 'i':
		insert_entry(tl, l);
		break;
	case 'u':
		move_entry(fm, tl, l, -1);
		break;
	case 'd':
		move_entry(fm, tl, l, 1);
		break;
	case 'a':
		select_active(fm, tl, l);
		break;
	default:
		break;
	}
}

/*
 * The traffic list screen of the pre rules, the post rules (with the
 * global default action) or peer's list (list == peer).
 */
void
menu_screen_traffic(int list, int peer, const char *path)
{
	struct trlist tl;
	struct menu_form fm;
	struct menu_list l = {0};
	struct menu_rec g;
	char err[80];
	int col = MENU_COL_ipsecGlobDefaultAction;

	memset(&tl, 0, sizeof(tl));
	tl.list = list;
	tl.peer = peer;
	tl.path = path;
	menu_chlist_table(&tl.prof, MENU_IPSECPROF,
	                  MENU_COL_ipsecProfileDescription, "default");
	menu_rec_init(&g, MENU_GLOB, 0, 0);
	build_list(&fm, &tl, &l, &g);
	if (menu_rec_load(&g, &col, 1, err, sizeof(err)) != 0)
		menu_status(&fm, "%s", err);
	load_list(&fm, &tl, &l);
	for (;;) {
		int act = menu_form_run(&fm);

		if (act == MENU_ID_EXIT)
			break;
		if (act == MENU_ACT_CHANGED)
			menu_save(&fm, &g);
		else if (act == MENU_ACT_ENTER)
			screen_entry(&tl, l.key[l.sel], 0, NULL);
		else if (act == MENU_ID_APPEND)
			append_entry(&tl, &l);
		else if (act == MENU_ID_DELETE)
			delete_entries(&fm, &tl, &l);
		else if (act == MENU_ACT_KEY)
			list_key(&fm, &tl, &l);
		load_list(&fm, &tl, &l);
	}
	menu_list_free(&l);
}
