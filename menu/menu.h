/*
 * menu.h - ipsecgw-setup, the text menu ("Setup Tool") of ipsecgw.  It
 * talks only SNMP to ipsecgwd: every screen reads the MIB objects it shows
 * and SAVE writes the screen's changes in one SET PDU.
 *
 * Three layers: menu_snmp.c (the Net-SNMP session, records of one row or
 * scalar group, tables, SET PDUs), menu_ui.c (the screen framework: forms
 * with fields, lists, buttons, the Bintec look) and the screens
 * (menu_main.c, menu_peers.c, menu_traffic.c, menu_profiles.c,
 * menu_mon.c, menu_certs.c, menu_certimp.c, menu_certreq.c,
 * menu_wizard.c).  menu_text.c is the multi-line text input and viewer
 * for what does not fit a 255-character field (PEM certificates, CRLs,
 * PKCS#10 requests).
 */
#ifndef IPSECGW_MENU_H
#define IPSECGW_MENU_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "menu_oids_gen.h"

/* ---- values, records and tables (menu_snmp.c) ---- */

#define MENU_STRMAX 256 /* DisplayString (SIZE (0..255)) plus NUL */
#define MENU_MAXCOL 40  /* more than the widest table's columns */

enum menu_vtype {
	MENU_V_NONE = 0, /* not loaded, or noSuch... */
	MENU_V_INT,      /* INTEGER, Integer32 */
	MENU_V_UINT,     /* Unsigned32, Gauge32, Counter32, Counter64 */
	MENU_V_STR,      /* OCTET STRING */
	MENU_V_IP,       /* IpAddress, kept as dotted text in s */
};

struct menu_val {
	enum menu_vtype t;
	int64_t i;
	uint64_t u;
	char s[MENU_STRMAX];
};

/*
 * One table row or the scalars of a group: base is the entry (or group)
 * OID, instances are base.col.index (index 0: base.col.0).  Screens bind
 * their fields to columns; SAVE sends the dirty ones.
 */
struct menu_rec {
	const unsigned long *base;
	size_t base_len;
	int index;
	int is_new; /* SAVE creates the row with createAndGo */
	int rs_col; /* RowStatus column, 0 for scalars */
	struct menu_val v[MENU_MAXCOL];
	unsigned char dirty[MENU_MAXCOL];
	/* The last refused SET blamed this column (0: none). */
	int errcol;
	char errmsg[48];
	/* Optional names of columns for messages ([col] = "Peer IDs"). */
	const char *const *labels;
	/*
	 * Values longer than v[col].s (a PEM certificate): the screen owns
	 * the text, SAVE sends it instead of v[col].s.
	 */
	const char *big[MENU_MAXCOL];
};

/* Rows of a table as read by menu_table_read(), sorted by index. */
struct menu_table {
	int n;
	int ncols;
	int *index;
	struct menu_val *v; /* n * ncols values, row-major */
};

/* The result of a SET: status 0 is success. */
struct menu_seterr {
	long status;
	int vb;               /* 1-based varbind the agent blamed, or 0 */
	struct menu_rec *rec; /* the record owning it, if any */
	int col;              /* its column in rec */
	char text[128];       /* human-readable summary */
};

/* A SET PDU under construction: all varbinds go out at once. */
#define MENU_SET_MAX 96
struct menu_set {
	void *pdu;
	int n;
	struct menu_rec *rec[MENU_SET_MAX];
	int col[MENU_SET_MAX];
	int overflow;
};

int menu_snmp_open(int argc, char **argv, const char *agent);
void menu_snmp_close(void);
const char *menu_snmp_hostname(void);
const char *menu_errname(long status);

void menu_rec_init(struct menu_rec *r, const unsigned long *base,
                   size_t base_len, int index, int rs_col);
int menu_rec_load(struct menu_rec *r, const int *cols, int ncols, char *err,
                  size_t errlen);
void menu_rec_setint(struct menu_rec *r, int col, int64_t v);
void menu_rec_setstr(struct menu_rec *r, int col, enum menu_vtype t,
                     const char *s);
void menu_rec_setbig(struct menu_rec *r, int col, const char *text);
int64_t menu_rec_int(const struct menu_rec *r, int col);
const char *menu_rec_str(const struct menu_rec *r, int col);
void menu_rec_clean(struct menu_rec *r);

int menu_table_read(const unsigned long *entry, size_t entry_len,
                    const int *cols, int ncols, struct menu_table *t, char *err,
                    size_t errlen);
const struct menu_val *menu_table_get(const struct menu_table *t, int row,
                                      int colpos);
void menu_table_free(struct menu_table *t);

int menu_get_scalar(const unsigned long *group, size_t group_len, int col,
                    struct menu_val *out);
int menu_get_text(const unsigned long *entry, size_t entry_len, int col,
                  int index, char **out);
int menu_table_next(const unsigned long *entry, size_t entry_len, int col);

void menu_set_init(struct menu_set *s);
void menu_set_rec(struct menu_set *s, struct menu_rec *r);
void menu_set_int(struct menu_set *s, const unsigned long *base,
                  size_t base_len, int col, int index, int64_t v);
int menu_set_send(struct menu_set *s, struct menu_seterr *e);

/* ---- the screen framework (menu_ui.c) ---- */

#define MENU_COLS      80
#define MENU_ROWS      24
#define MENU_MAXFIELDS 48
#define MENU_MAXCHOICE 64

enum menu_ftype {
	MENU_F_LABEL,  /* static text */
	MENU_F_RO,     /* a value that cannot be edited */
	MENU_F_TEXT,   /* DisplayString */
	MENU_F_SECRET, /* write-only string, shown as '*' */
	MENU_F_INT,    /* Integer32 */
	MENU_F_UINT,   /* Unsigned32 */
	MENU_F_IP,     /* IpAddress */
	MENU_F_ENUM,   /* one of choices; Space cycles, Return lists */
	MENU_F_LINK,   /* "Submenu >": Return opens it */
	MENU_F_BUTTON, /* SAVE, CANCEL, ... */
	MENU_F_LIST,   /* a scrolling list of rows (see menu_list) */
	MENU_F_BLOCK, /* multi-line text (menu_text); Return opens the editor */
};

struct menu_choice {
	int64_t val;
	char label[48];
};

/* A list of choices built at run time (e.g. the IKE profiles). */
struct menu_chlist {
	int n;
	struct menu_choice c[MENU_MAXCHOICE];
};

/* The rows a MENU_F_LIST field shows; the screen fills lines. */
struct menu_list {
	int n;
	int sel;
	int top;
	char (*lines)[MENU_COLS + 1];
	unsigned char *mark; /* marked with Space for DELETE */
	int *key;            /* screen's key of each line (row index) */
	int active;          /* line drawn with '*' in column 0, or -1 */
};

struct menu_field {
	enum menu_ftype type;
	int row, col;      /* where the label starts */
	const char *label; /* may be NULL */
	int vcol, width;   /* where the value is shown, and how wide */
	struct menu_rec *rec;
	int oc;              /* column of rec holding the value */
	struct menu_val *lv; /* or a value of the screen's own */
	const struct menu_choice *ch;
	int nch;
	int maxlen;        /* text fields */
	const char *empty; /* shown for an empty text */
	const char *help;  /* the help line while the field is current */
	int id;            /* returned for links, buttons and lists */
	int hidden;
	struct menu_list *list; /* MENU_F_LIST */
	int height;             /* MENU_F_LIST: visible lines */
	const int *subcols;     /* MENU_F_LINK: rec columns of the submenu */
	int nsub;
	struct menu_text *text; /* MENU_F_BLOCK: the text it edits */
};

/* Actions menu_form_run() returns besides a field's id. */
enum {
	MENU_ACT_TIMEOUT = -1, /* refresh_ms passed without a key */
	MENU_ACT_KEY = -2,     /* one of the form's keys: see form->key */
	MENU_ACT_ENTER = -3,   /* Return on a list row */
	MENU_ACT_CHANGED = -4, /* a field with notify set was changed */
};

/* Button and link ids shared by all screens. */
enum {
	MENU_ID_SAVE = 1,
	MENU_ID_CANCEL,
	MENU_ID_EXIT,
	MENU_ID_DELETE,
	MENU_ID_APPEND,
	MENU_ID_LIST,
	MENU_ID_FIRST_LINK = 100,
};

struct menu_form {
	char path[80];  /* "[IPSEC][PEERS][EDIT]" */
	char title[60]; /* "IPSec Configuration - Configure Peers" */
	struct menu_field f[MENU_MAXFIELDS];
	int n;
	int cur;
	char status[200]; /* the message line */
	const char *keys; /* extra keys returned as MENU_ACT_KEY */
	int key;          /* the key that was returned */
	int refresh_ms;   /* > 0: return MENU_ACT_TIMEOUT after that */
	int notify;       /* return MENU_ACT_CHANGED after a change */
	void (*update)(struct menu_form *fm); /* hide/show after a change */
	void *ctx;
};

int menu_ui_start(void);
void menu_ui_end(void);
void menu_form_init(struct menu_form *fm, const char *path, const char *title);
struct menu_field *menu_add(struct menu_form *fm, enum menu_ftype type, int row,
                            int col, const char *label, int vcol, int width);
struct menu_field *menu_add_bound(struct menu_form *fm, enum menu_ftype type,
                                  int row, int col, const char *label, int vcol,
                                  int width, struct menu_rec *r, int oc);
struct menu_field *menu_add_button(struct menu_form *fm, int row, int col,
                                   const char *label, int id);
struct menu_field *menu_add_link(struct menu_form *fm, int row, int col,
                                 const char *label, int id);
struct menu_field *menu_add_list(struct menu_form *fm, int row, int height,
                                 struct menu_list *l, int id);
void menu_field_choices(struct menu_field *f, const struct menu_choice *ch,
                        int n);
struct menu_field *menu_find(struct menu_form *fm, int id);
int menu_form_run(struct menu_form *fm);
/* Puts a message on the screen's message line (printf format). */
#define menu_status(fm, ...)                                                   \
	snprintf((fm)->status, sizeof((fm)->status), __VA_ARGS__)
int menu_confirm(const char *question);
void menu_show_seterr(struct menu_form *fm, const struct menu_seterr *e);
int menu_save(struct menu_form *fm, struct menu_rec *r);
void menu_rec_defaults(struct menu_rec *r, const int (*defs)[2], int n);

int menu_list_alloc(struct menu_list *l, int n);
void menu_list_free(struct menu_list *l);
int menu_list_marked(const struct menu_list *l, int *out, int max);
int menu_list_targets(const struct menu_list *l, int *out, int max);
const char *menu_choice_label(const struct menu_choice *ch, size_t n,
                              int64_t v);

/* ---- multi-line text (menu_text.c) ---- */

/* A growing text with newlines, e.g. a PEM certificate. */
struct menu_text {
	char *buf; /* NUL-terminated, or NULL while empty */
	size_t len;
	size_t cap;
	size_t max; /* the most the object takes (its SIZE) */
};

int menu_text_set(struct menu_text *t, const char *s);
void menu_text_free(struct menu_text *t);
int menu_text_lines(const struct menu_text *t);
int menu_text_edit(struct menu_text *t, const char *path, const char *title,
                   const char *prompt);
void menu_text_view(const char *path, const char *title,
                    const char *const *head, int nhead, const char *text);
void menu_ui_header(const char *path, const char *title);

/* ---- screens ---- */

extern const struct menu_choice menu_yesno[2];

void menu_chlist_table(struct menu_chlist *cl, const unsigned long *entry,
                       size_t entry_len, int desc_col, const char *zero);
void menu_screen_main(void);
void menu_screen_peers(void);
void menu_screen_traffic(int list, int peer, const char *path);
void menu_screen_ike_profiles(const char *path);
void menu_screen_ipsec_profiles(const char *path);
void menu_screen_ike_proposals(const char *path);
void menu_screen_ipsec_proposals(const char *path);
void menu_screen_lifetimes(const char *path);
void menu_screen_monitoring(void);
void menu_screen_certs(void);

/*
 * The certificate screens as steps of the wizard: a path and title of its
 * own, a line of explanation and a SKIP button besides SAVE and CANCEL.
 */
struct menu_step {
	const char *path;
	const char *title; /* NULL: the screen's own title */
	const char *intro; /* a line above the fields, or NULL */
	int skip;          /* offer SKIP */
};

enum {
	MENU_STEP_CANCEL = -1,
	MENU_STEP_DONE = 0,
	MENU_STEP_SKIP = 1,
};

int menu_key_create(const struct menu_step *st, int alg, int *index);
int menu_req_create(const struct menu_step *st, int key, int *index);
void menu_req_view(int index, const char *path);
int menu_cert_import(const struct menu_step *st, int type, int *index);
int menu_crl_import(const struct menu_step *st, int *index);
int menu_srv_create(const struct menu_step *st, int *index);
void menu_screen_wizard(void);
const char *menu_proto_name(int64_t proto, char *buf, size_t len);

/* OIDs as arrays, defined once in menu_snmp.c. */
extern const unsigned long menu_oid_glob[];
extern const unsigned long menu_oid_peer[];
extern const unsigned long menu_oid_ikeprof[];
extern const unsigned long menu_oid_ipsecprof[];
extern const unsigned long menu_oid_ikeprop[];
extern const unsigned long menu_oid_ipsecprop[];
extern const unsigned long menu_oid_life[];
extern const unsigned long menu_oid_tr[];
extern const unsigned long menu_oid_cert[];
extern const unsigned long menu_oid_stats[];
extern const unsigned long menu_oid_ikesa[];
extern const unsigned long menu_oid_ipsecsa[];

/* An OID array and its length, for the functions taking both. */
#define MENU_GLOB      menu_oid_glob, MENU_OIDLEN_ipsecGlobals
#define MENU_PEER      menu_oid_peer, MENU_OIDLEN_ipsecPeerEntry
#define MENU_IKEPROF   menu_oid_ikeprof, MENU_OIDLEN_ikeProfileEntry
#define MENU_IPSECPROF menu_oid_ipsecprof, MENU_OIDLEN_ipsecProfileEntry
#define MENU_IKEPROP   menu_oid_ikeprop, MENU_OIDLEN_ikeProposalEntry
#define MENU_IPSECPROP menu_oid_ipsecprop, MENU_OIDLEN_ipsecProposalEntry
#define MENU_LIFE      menu_oid_life, MENU_OIDLEN_ipsecLifetimeEntry
#define MENU_TR        menu_oid_tr, MENU_OIDLEN_ipsecTrafficEntry
#define MENU_CERT      menu_oid_cert, MENU_OIDLEN_ipsecCertEntry
#define MENU_STATS     menu_oid_stats, MENU_OIDLEN_ipsecStats
#define MENU_IKESA     menu_oid_ikesa, MENU_OIDLEN_ikeSaEntry
#define MENU_IPSECSA   menu_oid_ipsecsa, MENU_OIDLEN_ipsecSaEntry

#define MENU_N(x) (sizeof(x) / sizeof((x)[0]))

#endif
