/*
 * menu_ui.c - the screen framework of ipsecgw-setup, in the look of the
 * Bintec Setup Tool: an 80x24 screen with the tool's name on the first
 * line, the bracketed menu path and the host on the second, fields with
 * labels and values, SAVE / CANCEL / EXIT buttons, a message line and a
 * help line at the bottom.  Cursor keys move, Return edits or opens,
 * Space cycles an enumeration.  No colour: reverse video marks the
 * current field.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "menu.h"

#define ROW_STATUS (MENU_ROWS - 2)
#define ROW_HELP   (MENU_ROWS - 1)
#define KEY_ESC    27

static int started;

/* Starts curses; refuses terminals smaller than the 80x24 screens. */
int
menu_ui_start(void)
{
	set_escdelay(25);
	if (initscr() == NULL)
		return -1;
	started = 1;
	if (LINES < MENU_ROWS || COLS < MENU_COLS) {
		menu_ui_end();
		fprintf(stderr, "ipsecgw-setup needs a terminal of at least "
		                "80x24 characters\n");
		return -1;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	return 0;
}

void
menu_ui_end(void)
{
	if (started)
		endwin();
	started = 0;
}

void
menu_form_init(struct menu_form *fm, const char *path, const char *title)
{
	memset(fm, 0, sizeof(*fm));
	snprintf(fm->path, sizeof(fm->path), "%s", path);
	snprintf(fm->title, sizeof(fm->title), "%s", title);
	fm->cur = -1;
}

struct menu_field *
menu_add(struct menu_form *fm, enum menu_ftype type, int row, int col,
         const char *label, int vcol, int width)
{
	struct menu_field *f;

	if (fm->n >= MENU_MAXFIELDS)
		abort(); /* a screen definition error, found by the tests */
	f = &fm->f[fm->n++];
	memset(f, 0, sizeof(*f));
	f->type = type;
	f->row = row;
	f->col = col;
	f->label = label;
	f->vcol = vcol;
	f->width = width;
	f->maxlen = MENU_STRMAX - 1;
	return f;
}

struct menu_field *
menu_add_bound(struct menu_form *fm, enum menu_ftype type, int row, int col,
               const char *label, int vcol, int width, struct menu_rec *r,
               int oc)
{
	struct menu_field *f = menu_add(fm, type, row, col, label, vcol, width);

	f->rec = r;
	f->oc = oc;
	return f;
}

struct menu_field *
menu_add_button(struct menu_form *fm, int row, int col, const char *label,
                int id)
{
	struct menu_field *f =
	    menu_add(fm, MENU_F_BUTTON, row, col, label, col, 0);

	f->id = id;
	return f;
}

struct menu_field *
menu_add_link(struct menu_form *fm, int row, int col, const char *label, int id)
{
	struct menu_field *f =
	    menu_add(fm, MENU_F_LINK, row, col, label, col, 0);

	f->id = id;
	return f;
}

struct menu_field *
menu_add_list(struct menu_form *fm, int row, int height, struct menu_list *l,
              int id)
{
	struct menu_field *f =
	    menu_add(fm, MENU_F_LIST, row, 0, NULL, 0, MENU_COLS);

	f->list = l;
	f->height = height;
	f->id = id;
	return f;
}

void
menu_field_choices(struct menu_field *f, const struct menu_choice *ch, int n)
{
	f->ch = ch;
	f->nch = n;
}

struct menu_field *
menu_find(struct menu_form *fm, int id)
{
	int i;

	for (i = 0; i < fm->n; i++)
		if (fm->f[i].id == id)
			return &fm->f[i];
	return NULL;
}

/* Makes room for n lines, keeping the highlight and scroll. */
int
menu_list_alloc(struct menu_list *l, int n)
{
	int sel = l->sel, top = l->top;

	menu_list_free(l);
	l->sel = sel;
	l->top = top;
	l->active = -1;
	l->n = n;
	l->lines = calloc((size_t)n + 1, sizeof(*l->lines));
	l->mark = calloc((size_t)n + 1, 1);
	l->key = calloc((size_t)n + 1, sizeof(*l->key));
	if (l->lines == NULL || l->mark == NULL || l->key == NULL) {
		menu_list_free(l);
		return -1;
	}
	return 0;
}

void
menu_list_free(struct menu_list *l)
{
	free(l->lines);
	free(l->mark);
	free(l->key);
	l->lines = NULL;
	l->mark = NULL;
	l->key = NULL;
	l->n = 0;
}

int
menu_list_marked(const struct menu_list *l, int *out, int max)
{
	int i, n = 0;

	for (i = 0; i < l->n && n < max; i++)
		if (l->mark[i])
			out[n++] = i;
	return n;
}

/*
 * The rows a DELETE applies to: the marked ones, else the highlighted one
 * once the operator confirms.  0 when there is nothing to delete.
 */
int
menu_list_targets(const struct menu_list *l, int *out, int max)
{
	int n = menu_list_marked(l, out, max);

	if (n == 0 && l->n > 0 && max > 0) {
		if (!menu_confirm("Delete the highlighted entry?"))
			return 0;
		out[n++] = l->sel;
	}
	return n;
}

/* The label of an enumeration value, "?" for one not in the list. */
const char *
menu_choice_label(const struct menu_choice *ch, size_t n, int64_t v)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (ch[k].val == v)
			return ch[k].label;
	return "?";
}

/* Where a field's value lives: its record's column or its own. */
static struct menu_val *
fval(struct menu_field *f)
{
	if (f->rec != NULL)
		return &f->rec->v[f->oc];
	return f->lv;
}

static int
focusable(const struct menu_field *f)
{
	if (f->type == MENU_F_LIST && f->list->n == 0)
		return 0;
	return !f->hidden && f->type != MENU_F_LABEL && f->type != MENU_F_RO;
}

static int
is_text(const struct menu_field *f)
{
	return f->type == MENU_F_TEXT || f->type == MENU_F_SECRET ||
	       f->type == MENU_F_INT || f->type == MENU_F_UINT ||
	       f->type == MENU_F_IP;
}

/* The label of an enumeration value, or the number. */
static const char *
choice_label(const struct menu_field *f, int64_t v, char *buf, size_t len)
{
	int k;

	for (k = 0; k < f->nch; k++)
		if (f->ch[k].val == v)
			return f->ch[k].label;
	snprintf(buf, len, "%lld", (long long)v);
	return buf;
}

/* A multi-line text in one line: its size and its first line. */
static void
block_summary(const struct menu_text *t, char *buf, size_t len)
{
	int n;

	buf[0] = '\0';
	if (t == NULL || t->len == 0)
		return;
	n = menu_text_lines(t);
	snprintf(buf, len, "%d line%s: %.*s", n, n == 1 ? "" : "s",
	         (int)strcspn(t->buf, "\r\n"), t->buf);
}

/* The text a field's value is shown as. */
static void
fmt_value(struct menu_field *f, char *buf, size_t len)
{
	const struct menu_val *v = fval(f);
	char tmp[32];

	buf[0] = '\0';
	if (f->type == MENU_F_BLOCK) {
		block_summary(f->text, buf, len);
		if (buf[0] == '\0' && f->empty != NULL)
			snprintf(buf, len, "%s", f->empty);
		return;
	}
	if (v == NULL)
		return;
	switch (f->type) {
	case MENU_F_SECRET:
		snprintf(buf, len, "*");
		break;
	case MENU_F_INT:
		if (v->t != MENU_V_NONE)
			snprintf(buf, len, "%lld", (long long)v->i);
		break;
	case MENU_F_UINT:
		if (v->t != MENU_V_NONE)
			snprintf(buf, len, "%llu", (unsigned long long)v->u);
		break;
	case MENU_F_ENUM:
		snprintf(buf, len, "%s",
		         choice_label(f, v->i, tmp, sizeof(tmp)));
		break;
	case MENU_F_RO:
		if (f->nch > 0)
			snprintf(buf, len, "%s",
			         choice_label(f, v->i, tmp, sizeof(tmp)));
		else if (v->t == MENU_V_INT)
			snprintf(buf, len, "%lld", (long long)v->i);
		else if (v->t == MENU_V_UINT)
			snprintf(buf, len, "%llu", (unsigned long long)v->u);
		else
			snprintf(buf, len, "%s", v->s);
		break;
	default:
		snprintf(buf, len, "%s", v->s);
		break;
	}
	if (buf[0] == '\0' && f->empty != NULL)
		snprintf(buf, len, "%s", f->empty);
}

/* Writes text cut at the width and at the screen edge. */
static void
put_clipped(int row, int col, const char *s, int width)
{
	if (col >= MENU_COLS || width <= 0)
		return;
	if (col + width > MENU_COLS)
		width = MENU_COLS - col;
	mvaddnstr(row, col, s, width);
}

/* The two title lines: tool, menu path and title, host. */
void
menu_ui_header(const char *path, const char *title)
{
	const char *host = menu_snmp_hostname();
	char line[2 * MENU_COLS];
	int hl = (int)strlen(host);

	mvaddstr(0, 0, "ipsecgw Setup Tool");
	mvaddstr(0, MENU_COLS - 18, "IPsec VPN Gateway");
	if (title[0] != '\0')
		snprintf(line, sizeof(line), "%s: %s", path, title);
	else
		snprintf(line, sizeof(line), "%s", path);
	if (hl > 30)
		hl = 30;
	put_clipped(1, 0, line, MENU_COLS - hl - 1);
	put_clipped(1, MENU_COLS - hl, host, hl);
}

/* The visible lines of a list with highlight, marks and arrows. */
static void
draw_list(struct menu_field *f, int current)
{
	struct menu_list *l = f->list;
	int i;

	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (l->sel < 0)
		l->sel = 0;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + f->height)
		l->top = l->sel - f->height + 1;
	for (i = 0; i < f->height && l->top + i < l->n; i++) {
		int k = l->top + i;
		int on = current && k == l->sel;

		if (on)
			attron(A_REVERSE);
		else if (k == l->sel)
			attron(A_BOLD);
		mvaddnstr(f->row + i, 1, l->lines[k], MENU_COLS - 2);
		attroff(A_REVERSE | A_BOLD);
		if (l->mark[k])
			mvaddch(f->row + i, 0, 'x');
		else if (k == l->active)
			mvaddch(f->row + i, 0, '*');
	}
	if (l->top > 0)
		mvaddch(f->row, MENU_COLS - 1, '^');
	if (l->top + f->height < l->n)
		mvaddch(f->row + f->height - 1, MENU_COLS - 1, 'v');
}

/* The column after a field's label and value. */
static int
field_end(const struct menu_field *f)
{
	if (f->type == MENU_F_LINK || f->type == MENU_F_BUTTON ||
	    f->type == MENU_F_LABEL)
		return f->col + (f->label ? (int)strlen(f->label) : 0);
	return f->vcol + f->width;
}

/*
 * Shows "<status>" after a value the agent refused, behind anything else
 * on the same line (or at its end when there is no room).
 */
static void
draw_error(const struct menu_form *fm, const struct menu_field *f)
{
	const struct menu_rec *r = f->rec;
	char buf[64];
	int k, hit, len, endcol;

	if (r == NULL || r->errcol == 0 || f->hidden)
		return;
	hit = f->type != MENU_F_LINK && r->errcol == f->oc;
	for (k = 0; k < f->nsub; k++)
		hit |= f->type == MENU_F_LINK && f->subcols[k] == r->errcol;
	if (!hit)
		return;
	endcol = f->type == MENU_F_LINK ? field_end(f) : f->vcol;
	if (f->type != MENU_F_LINK) {
		char val[MENU_STRMAX + 32];

		fmt_value((struct menu_field *)f, val, sizeof(val));
		len = (int)strlen(val);
		endcol += len < f->width ? len : f->width;
	}
	for (k = 0; k < fm->n; k++) {
		const struct menu_field *g = &fm->f[k];

		if (g != f && !g->hidden && g->row == f->row &&
		    g->col >= endcol && field_end(g) > endcol)
			endcol = field_end(g);
	}
	len = snprintf(buf, sizeof(buf), "<%s>", r->errmsg);
	if (endcol + 1 + len > MENU_COLS)
		endcol = MENU_COLS - len - 1;
	mvaddstr(f->row, endcol + 1, buf);
}

/* A field's label and value; the current one in reverse. */
static void
draw_field(struct menu_field *f, int current)
{
	char val[MENU_STRMAX + 32];
	int w;

	if (f->hidden)
		return;
	if (f->type == MENU_F_LIST) {
		draw_list(f, current);
		return;
	}
	if (f->type == MENU_F_LINK || f->type == MENU_F_BUTTON) {
		if (current)
			attron(A_REVERSE);
		mvaddstr(f->row, f->col, f->label);
		attroff(A_REVERSE);
		return;
	}
	if (f->label != NULL)
		mvaddstr(f->row, f->col, f->label);
	if (f->type == MENU_F_LABEL)
		return;
	fmt_value(f, val, sizeof(val));
	w = f->width;
	if (current) {
		attron(A_REVERSE);
		mvprintw(f->row, f->vcol, "%-*.*s", w, w, val);
		attroff(A_REVERSE);
	} else {
		put_clipped(f->row, f->vcol, val, w);
	}
}

/* The help line for a field that has none of its own. */
static const char *
default_help(const struct menu_field *f)
{
	switch (f->type) {
	case MENU_F_TEXT:
	case MENU_F_IP:
		return "Type or press <Return> to edit, cursor keys to move";
	case MENU_F_SECRET:
		return "Type the new key (it is never shown or read back)";
	case MENU_F_INT:
	case MENU_F_UINT:
		return "Type a number or press <Return> to edit";
	case MENU_F_ENUM:
		return "Use <Space> to select, <Return> to see all choices";
	case MENU_F_LINK:
		return "Press <Return> to open the submenu";
	case MENU_F_BLOCK:
		return "Press <Return> to paste or type the text (several "
		       "lines)";
	case MENU_F_LIST:
		return "<Return> edits the highlighted entry, <Space> marks it "
		       "for DELETE";
	case MENU_F_BUTTON:
		return "Press <Return> to select";
	default:
		return "";
	}
}

/* Redraws the whole screen (curses sends only what changed). */
static void
draw_form(struct menu_form *fm)
{
	int i;

	erase();
	menu_ui_header(fm->path, fm->title);
	for (i = 0; i < fm->n; i++)
		draw_field(&fm->f[i], i == fm->cur);
	for (i = 0; i < fm->n; i++)
		draw_error(fm, &fm->f[i]);
	put_clipped(ROW_STATUS, 0, fm->status, MENU_COLS);
	if (fm->cur >= 0) {
		const struct menu_field *f = &fm->f[fm->cur];
		put_clipped(ROW_HELP, 0, f->help ? f->help : default_help(f),
		            MENU_COLS);
	}
	refresh();
}

/* Moves to the next (dir 1) or previous (dir -1) focusable field. */
static void
move_focus(struct menu_form *fm, int dir, int same_row)
{
	int i, k;

	for (i = 1; i <= fm->n; i++) {
		k = (fm->cur + dir * i + fm->n * 2) % fm->n;
		if (same_row && fm->f[k].row != fm->f[fm->cur].row)
			continue;
		if (focusable(&fm->f[k])) {
			if (fm->f[k].type == MENU_F_LIST && dir < 0 &&
			    fm->f[k].list->n > 0 && !same_row)
				fm->f[k].list->sel = fm->f[k].list->n - 1;
			fm->cur = k;
			return;
		}
	}
}

/*
 * Edits text in place.  Returns 1 with buf replaced on Return, 0 on Esc.
 * first is a character typed on the field (which starts a new value).
 */
static int
edit_line(int row, int col, int width, char *buf, size_t max, int secret,
          int first)
{
	char s[MENU_STRMAX];
	size_t len, pos, off = 0, k;
	int ch;

	snprintf(s, sizeof(s), "%s", first >= 0 || secret ? "" : buf);
	len = pos = strlen(s);
	if (max >= sizeof(s))
		max = sizeof(s) - 1;
	if (first >= 0 && len < max) {
		s[len++] = (char)first;
		s[len] = '\0';
		pos = len;
	}
	curs_set(1);
	timeout(-1);
	for (;;) {
		if (pos < off)
			off = pos;
		if (pos >= off + (size_t)width)
			off = pos - (size_t)width + 1;
		attron(A_REVERSE);
		for (k = 0; k < (size_t)width; k++) {
			char c =
			    off + k < len ? (secret ? '*' : s[off + k]) : ' ';
			mvaddch(row, col + (int)k, (chtype)(unsigned char)c);
		}
		attroff(A_REVERSE);
		move(row, col + (int)(pos - off));
		refresh();
		ch = getch();
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			curs_set(0);
			snprintf(buf, MENU_STRMAX, "%s", s);
			return 1;
		} else if (ch == KEY_ESC) {
			curs_set(0);
			return 0;
		} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) &&
		           pos > 0) {
			memmove(s + pos - 1, s + pos, len - pos + 1);
			pos--;
			len--;
		} else if (ch == KEY_DC && pos < len) {
			memmove(s + pos, s + pos + 1, len - pos);
			len--;
		} else if (ch == KEY_LEFT && pos > 0) {
			pos--;
		} else if (ch == KEY_RIGHT && pos < len) {
			pos++;
		} else if (ch == KEY_HOME || ch == 1) {
			pos = 0;
		} else if (ch == KEY_END || ch == 5) {
			pos = len;
		} else if (ch == 21) { /* ^U */
			len = pos = 0;
			s[0] = '\0';
		} else if (ch >= 0x20 && ch < 0x7f && len < max) {
			memmove(s + pos + 1, s + pos, len - pos + 1);
			s[pos++] = (char)ch;
			len++;
		}
	}
}

/* Stores an integer in the field's record (marking it changed) or value. */
static void
store_int(struct menu_field *f, int64_t v)
{
	struct menu_val *mv = fval(f);

	if (f->rec != NULL) {
		menu_rec_setint(f->rec, f->oc, v);
		if (f->type == MENU_F_UINT)
			f->rec->v[f->oc].t = MENU_V_UINT;
		if (f->rec->errcol == f->oc)
			f->rec->errcol = 0;
	} else if (mv != NULL) {
		mv->t = MENU_V_INT;
		mv->i = v;
		mv->u = (uint64_t)v;
	}
}

static void
store_str(struct menu_field *f, enum menu_vtype t, const char *s)
{
	struct menu_val *mv = fval(f);

	if (f->rec != NULL) {
		menu_rec_setstr(f->rec, f->oc, t, s);
		if (f->rec->errcol == f->oc)
			f->rec->errcol = 0;
	} else if (mv != NULL) {
		mv->t = t;
		snprintf(mv->s, sizeof(mv->s), "%s", s);
	}
}

/* Parses what was typed into a field; 0 if stored, -1 if not valid. */
static int
apply_text(struct menu_form *fm, struct menu_field *f, const char *s)
{
	char *end;
	struct in_addr a;

	switch (f->type) {
	case MENU_F_INT: {
		long long v = strtoll(s, &end, 10);
		if (s[0] == '\0' || *end != '\0') {
			menu_status(fm, "Not a number: %s", s);
			return -1;
		}
		store_int(f, v);
		return 0;
	}
	case MENU_F_UINT: {
		unsigned long long v = strtoull(s, &end, 10);
		if (s[0] == '\0' || *end != '\0' || s[0] == '-') {
			menu_status(fm, "Not a number: %s", s);
			return -1;
		}
		store_int(f, (int64_t)v);
		return 0;
	}
	case MENU_F_IP:
		if (s[0] != '\0' && inet_pton(AF_INET, s, &a) != 1) {
			menu_status(fm, "Not an IPv4 address: %s", s);
			return -1;
		}
		store_str(f, MENU_V_IP, s[0] ? s : "0.0.0.0");
		return 0;
	default:
		store_str(f, MENU_V_STR, s);
		if (f->type == MENU_F_SECRET)
			menu_status(fm, "The key will be set on SAVE");
		return 0;
	}
}

/* Runs the line editor on a text field; returns 1 if the value changed. */
static int
edit_field(struct menu_form *fm, struct menu_field *f, int first)
{
	char buf[MENU_STRMAX];
	int w = f->width;

	fmt_value(f, buf, sizeof(buf));
	if (f->empty != NULL && strcmp(buf, f->empty) == 0)
		buf[0] = '\0';
	if (f->type == MENU_F_IP && strcmp(buf, "0.0.0.0") == 0)
		buf[0] = '\0';
	if (f->vcol + w > MENU_COLS)
		w = MENU_COLS - f->vcol;
	if (!edit_line(f->row, f->vcol, w, buf, (size_t)f->maxlen,
	               f->type == MENU_F_SECRET, first))
		return 0;
	return apply_text(fm, f, buf) == 0;
}

/*
 * Runs the multi-line editor on a block field; the record then sends the
 * whole text on SAVE.  Returns 1 if the text changed.
 */
static int
edit_block(struct menu_form *fm, struct menu_field *f)
{
	char path[96], prompt[100];

	snprintf(path, sizeof(path), "%.70s[INPUT]", fm->path);
	snprintf(prompt, sizeof(prompt), "%s", f->label ? f->label : "Text:");
	if (f->text == NULL ||
	    !menu_text_edit(f->text, path, fm->title, prompt))
		return 0;
	if (f->rec != NULL) {
		menu_rec_setbig(f->rec, f->oc, f->text->buf);
		if (f->rec->errcol == f->oc)
			f->rec->errcol = 0;
	}
	return 1;
}

/* Space / Backspace: the next or previous choice. */
static void
cycle_enum(struct menu_field *f, int dir)
{
	const struct menu_val *v = fval(f);
	int k, cur = 0;

	if (f->nch == 0 || v == NULL)
		return;
	for (k = 0; k < f->nch; k++)
		if (f->ch[k].val == v->i)
			cur = k;
	store_int(f, f->ch[(cur + dir + f->nch) % f->nch].val);
}

/* A box listing an enumeration's choices; returns 1 if one was picked. */
static int
popup_enum(struct menu_field *f)
{
	const struct menu_val *v = fval(f);
	int k, w = 10, h, sel = 0, top = 0, ch;
	WINDOW *win;

	for (k = 0; k < f->nch; k++) {
		if ((int)strlen(f->ch[k].label) + 4 > w)
			w = (int)strlen(f->ch[k].label) + 4;
		if (v != NULL && f->ch[k].val == v->i)
			sel = k;
	}
	h = f->nch < 14 ? f->nch : 14;
	win = newwin(h + 2, w, (MENU_ROWS - h - 2) / 2, (MENU_COLS - w) / 2);
	if (win == NULL)
		return 0;
	keypad(win, TRUE);
	for (;;) {
		if (sel < top)
			top = sel;
		if (sel >= top + h)
			top = sel - h + 1;
		werase(win);
		wborder(win, '|', '|', '-', '-', '+', '+', '+', '+');
		for (k = 0; k < h; k++) {
			if (top + k == sel)
				wattron(win, A_REVERSE);
			mvwprintw(win, k + 1, 2, "%-*.*s", w - 4, w - 4,
			          f->ch[top + k].label);
			wattroff(win, A_REVERSE);
		}
		wrefresh(win);
		ch = wgetch(win);
		if (ch == KEY_UP && sel > 0)
			sel--;
		else if (ch == KEY_DOWN && sel < f->nch - 1)
			sel++;
		else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER ||
		         ch == KEY_ESC)
			break;
	}
	delwin(win);
	touchwin(stdscr);
	if (ch == KEY_ESC)
		return 0;
	store_int(f, f->ch[sel].val);
	return 1;
}

/* Page keys and Space (mark for DELETE) in a list. */
static void
list_key(struct menu_field *f, int ch)
{
	struct menu_list *l = f->list;

	if (ch == KEY_NPAGE)
		l->sel += f->height;
	else if (ch == KEY_PPAGE)
		l->sel -= f->height;
	else if (ch == ' ' && l->n > 0) {
		l->mark[l->sel] ^= 1;
		l->sel++;
	}
	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (l->sel < 0)
		l->sel = 0;
}

/* The id of the CANCEL or EXIT button, what Esc means on this screen. */
static int
escape_id(const struct menu_form *fm)
{
	int i;

	for (i = 0; i < fm->n; i++)
		if (fm->f[i].type == MENU_F_BUTTON &&
		    (fm->f[i].id == MENU_ID_CANCEL ||
		     fm->f[i].id == MENU_ID_EXIT))
			return fm->f[i].id;
	return 0;
}

/* Handles Up/Down, which scroll a list before leaving it. */
static void
vertical(struct menu_form *fm, int dir)
{
	struct menu_field *f = &fm->f[fm->cur];

	if (f->type == MENU_F_LIST && f->list->n > 0) {
		int nsel = f->list->sel + dir;

		if (nsel >= 0 && nsel < f->list->n) {
			f->list->sel = nsel;
			return;
		}
	}
	move_focus(fm, dir, 0);
}

/* Return or Space on the current field; returns an action or 0. */
static int
activate(struct menu_form *fm, struct menu_field *f, int ch)
{
	int changed = 0;

	if (f->type == MENU_F_LINK || f->type == MENU_F_BUTTON)
		return ch == ' ' ? 0 : f->id;
	if (f->type == MENU_F_LIST) {
		if (ch == ' ') {
			list_key(f, ch);
			return 0;
		}
		return f->list->n > 0 ? MENU_ACT_ENTER : 0;
	}
	if (f->type == MENU_F_BLOCK) {
		changed = edit_block(fm, f);
	} else if (f->type == MENU_F_ENUM) {
		if (ch == ' ') {
			cycle_enum(f, 1);
			changed = 1;
		} else {
			changed = popup_enum(f);
		}
	} else if (is_text(f)) {
		changed = edit_field(fm, f, ch == ' ' ? ' ' : -1);
	}
	if (changed && fm->update != NULL)
		fm->update(fm);
	return changed && fm->notify ? MENU_ACT_CHANGED : 0;
}

/* The first focusable field, if cur is not one. */
static void
fix_focus(struct menu_form *fm)
{
	if (fm->cur >= 0 && fm->cur < fm->n && focusable(&fm->f[fm->cur]))
		return;
	if (fm->cur < 0 || fm->cur >= fm->n)
		fm->cur = fm->n - 1;
	move_focus(fm, 1, 0);
}

/*
 * Runs the screen until something needs the caller: a link, button or
 * list row was chosen (its id, MENU_ACT_ENTER), one of fm->keys was typed
 * (MENU_ACT_KEY), a value changed with fm->notify set, or refresh_ms
 * passed (MENU_ACT_TIMEOUT).  The form keeps its state between calls.
 */
int
menu_form_run(struct menu_form *fm)
{
	if (fm->update != NULL)
		fm->update(fm);
	for (;;) {
		struct menu_field *f;
		int ch, act;

		fix_focus(fm);
		draw_form(fm);
		timeout(fm->refresh_ms > 0 ? fm->refresh_ms : -1);
		ch = getch();
		if (ch == ERR)
			return fm->refresh_ms > 0 ? MENU_ACT_TIMEOUT : 0;
		if (ch == KEY_RESIZE)
			continue;
		fm->status[0] = '\0';
		f = &fm->f[fm->cur];
		switch (ch) {
		case KEY_UP:
			vertical(fm, -1);
			continue;
		case KEY_DOWN:
			vertical(fm, 1);
			continue;
		case '\t':
			move_focus(fm, 1, 0);
			continue;
		case KEY_BTAB:
			move_focus(fm, -1, 0);
			continue;
		case KEY_LEFT:
			move_focus(fm, -1, 1);
			continue;
		case KEY_RIGHT:
			move_focus(fm, 1, 1);
			continue;
		case KEY_NPAGE:
		case KEY_PPAGE:
			if (f->type == MENU_F_LIST)
				list_key(f, ch);
			continue;
		case KEY_ESC:
			if (escape_id(fm) != 0)
				return escape_id(fm);
			continue;
		case KEY_BACKSPACE:
		case 127:
			if (f->type == MENU_F_ENUM) {
				cycle_enum(f, -1);
				if (fm->update != NULL)
					fm->update(fm);
				if (fm->notify)
					return MENU_ACT_CHANGED;
			}
			continue;
		case '\n':
		case '\r':
		case KEY_ENTER:
		case ' ':
			act = activate(fm, f, ch);
			if (act != 0)
				return act;
			continue;
		default:
			break;
		}
		if (ch >= 0x20 && ch < 0x7f && is_text(f)) {
			if (edit_field(fm, f, ch) && fm->update != NULL)
				fm->update(fm);
			if (fm->notify)
				return MENU_ACT_CHANGED;
		} else if (ch > 0 && ch < 0x7f && fm->keys != NULL &&
		           strchr(fm->keys, ch) != NULL) {
			fm->key = ch;
			return MENU_ACT_KEY;
		}
	}
}

/* Asks a yes/no question on the message line. */
int
menu_confirm(const char *question)
{
	int ch;

	move(ROW_STATUS, 0);
	clrtoeol();
	mvprintw(ROW_STATUS, 0, "%s (y/n)", question);
	refresh();
	timeout(-1);
	ch = getch();
	return ch == 'y' || ch == 'Y';
}

/* Puts a refused SET on the screen: next to the field, and in words. */
void
menu_show_seterr(struct menu_form *fm, const struct menu_seterr *e)
{
	const char *what = NULL;
	int i, k;

	menu_status(fm, "%s", e->text);
	if (e->rec == NULL)
		return;
	for (i = 0; i < fm->n; i++) {
		struct menu_field *f = &fm->f[i];

		if (f->rec != e->rec || f->hidden)
			continue;
		if (f->type != MENU_F_LINK && f->oc == e->col) {
			fm->cur = i;
			what = f->label;
			break;
		}
		for (k = 0; k < f->nsub; k++)
			if (f->type == MENU_F_LINK && f->subcols[k] == e->col)
				fm->cur = i;
	}
	if (what == NULL && e->rec->labels != NULL && e->col > 0 &&
	    e->col < MENU_MAXCOL)
		what = e->rec->labels[e->col];
	if (what != NULL) {
		char buf[48];
		size_t n;

		snprintf(buf, sizeof(buf), "%s", what);
		n = strlen(buf);
		while (n > 0 && (buf[n - 1] == ':' || buf[n - 1] == ' '))
			buf[--n] = '\0';
		menu_status(fm, "%s (%s)", e->text, buf);
	}
}

/* Fills cl with the rows of a table: index and description. */
void
menu_chlist_table(struct menu_chlist *cl, const unsigned long *entry,
                  size_t entry_len, int desc_col, const char *zero)
{
	struct menu_table t;
	char err[80];
	int i, cols[1] = {desc_col};

	cl->n = 0;
	if (zero != NULL) {
		cl->c[0].val = 0;
		snprintf(cl->c[0].label, sizeof(cl->c[0].label), "%s", zero);
		cl->n = 1;
	}
	if (menu_table_read(entry, entry_len, cols, 1, &t, err, sizeof(err)) !=
	    0)
		return;
	for (i = 0; i < t.n && cl->n < MENU_MAXCHOICE; i++) {
		struct menu_choice *c = &cl->c[cl->n++];
		const char *d = menu_table_get(&t, i, 0)->s;

		c->val = t.index[i];
		if (d[0] != '\0')
			snprintf(c->label, sizeof(c->label), "%.40s", d);
		else
			snprintf(c->label, sizeof(c->label), "%d (no name)",
			         t.index[i]);
	}
	menu_table_free(&t);
}

/* SAVE of a one-record screen: one SET; shows the outcome. 0 if saved. */
int
menu_save(struct menu_form *fm, struct menu_rec *r)
{
	struct menu_set s;
	struct menu_seterr e;

	menu_set_init(&s);
	menu_set_rec(&s, r);
	if (menu_set_send(&s, &e) != 0) {
		menu_show_seterr(fm, &e);
		return -1;
	}
	menu_status(fm, "Saved.");
	return 0;
}

/* Shows a new row's DEFVALs (not sent: the agent applies them itself). */
void
menu_rec_defaults(struct menu_rec *r, const int (*defs)[2], int n)
{
	int k;

	for (k = 0; k < n; k++) {
		int c = defs[k][0];

		if (c <= 0 || c >= MENU_MAXCOL)
			continue;
		r->v[c].t = MENU_V_INT;
		r->v[c].i = defs[k][1];
		r->v[c].u = (uint64_t)(int64_t)defs[k][1];
	}
}
