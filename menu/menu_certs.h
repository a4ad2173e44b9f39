/*
 * menu_certs.h - what the screens of Certificate and Key Management share
 * (menu_certs.c: the submenu, the lists, keys and servers;
 * menu_certimp.c: certificates and CRLs; menu_certreq.c: requests).
 */
#ifndef IPSECGW_MENU_CERTS_H
#define IPSECGW_MENU_CERTS_H

#include "menu.h"

#define MENU_ID_SKIP 50 /* the wizard's SKIP button */

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
	int filter_pos; /* position in cols of the type column, or 0 */
	int filter_val; /* 0: every row */
	void (*format)(const struct menu_table *t, int i, char *line,
	               size_t len);
	/* Return on a row, and APPEND (returns the new row's index or 0). */
	void (*edit)(const struct certtab *ct, int index, const char *path);
	int (*append)(const struct certtab *ct, const char *path);
	/* Extra keys on a row ('e' on a key requests a certificate). */
	const char *keys;
	void (*key)(const struct certtab *ct, int key, int index,
	            const char *path);
	/* A state column (position in cols) whose value busy_val means the
	 * row is still changing: the list is then re-read every second. */
	int busy_pos;
	int busy_val;
};

void menu_certs_certtab(struct certtab *ct, int type);
void menu_certs_crltab(struct certtab *ct);
void menu_certs_reqtab(struct certtab *ct);

int menu_certs_open(struct menu_rec *r, const unsigned long *entry,
                    size_t entry_len, int index, int rs_col, const int *cols,
                    int ncols);
struct menu_field *menu_certs_enum(struct menu_form *fm, int row,
                                   const char *label, int vcol,
                                   struct menu_rec *r, int col,
                                   const struct menu_choice *ch, int n);
void menu_certs_form(struct menu_form *fm, const struct menu_step *st,
                     const char *path, const char *title);
void menu_certs_buttons(struct menu_form *fm, int row,
                        const struct menu_step *st, const char *save);
int menu_certs_run(struct menu_form *fm, struct menu_rec *r);

#endif
