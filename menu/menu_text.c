/*
 * menu_text.c - multi-line text for what a 255-character field cannot
 * hold: the editor in which a PEM certificate or CRL is pasted or typed
 * (a line with only "." or ^D ends it, so a terminal paste of the PEM and
 * a final "." is all it takes), and the viewer of a long text such as a
 * PKCS#10 request.  Long lines (base64 without line breaks) wrap at the
 * screen's width.  The whole text is sent in one SET by the screen.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "menu.h"

#define AREA_TOP   3
#define AREA_H     17 /* rows 3..19 */
#define AREA_W     78 /* text columns; column 79 holds the scroll marks */
#define ROW_INFO   20
#define ROW_STATUS (MENU_ROWS - 2)
#define ROW_HELP   (MENU_ROWS - 1)
#define KEY_ESC    27
#define CTRL(c)    ((c)&0x1f)

/* Makes room for n more bytes and the NUL; -1 without memory. */
static int
grow(struct menu_text *t, size_t n)
{
	size_t need = t->len + n + 1, cap = t->cap ? t->cap : 256;
	char *nb;

	if (need <= t->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	nb = realloc(t->buf, cap);
	if (nb == NULL)
		return -1;
	t->buf = nb;
	t->cap = cap;
	return 0;
}

/* Replaces the text (s may be NULL for empty); -1 without memory. */
int
menu_text_set(struct menu_text *t, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	t->len = 0;
	if (grow(t, n) != 0)
		return -1;
	if (n > 0)
		memcpy(t->buf, s, n);
	t->buf[n] = '\0';
	t->len = n;
	return 0;
}

void
menu_text_free(struct menu_text *t)
{
	free(t->buf);
	t->buf = NULL;
	t->len = 0;
	t->cap = 0;
}

/* The number of lines (a final newline does not start another). */
int
menu_text_lines(const struct menu_text *t)
{
	size_t i;
	int n = 1;

	if (t->len == 0)
		return 0;
	for (i = 0; i + 1 < t->len; i++)
		if (t->buf[i] == '\n')
			n++;
	return n;
}

/*
 * The wrapping rule, in one place: moves the position (row r, column c)
 * past character ch and returns the column ch is drawn in, or -1 for a
 * newline.  A full row leaves the position after its last character in
 * column AREA_W; the next character wraps.
 */
static int
wrap_step(char ch, int *r, int *c)
{
	if (ch == '\n') {
		(*r)++;
		*c = 0;
		return -1;
	}
	if (*c == AREA_W) {
		(*r)++;
		*c = 0;
	}
	return (*c)++;
}

/* Where offset off is shown: the screen row (counting wrapped rows) and
 * column. */
static void
where(const char *b, size_t off, int *row, int *col)
{
	int r = 0, c = 0;
	size_t i;

	for (i = 0; i < off; i++)
		(void)wrap_step(b[i], &r, &c);
	*row = r;
	*col = c;
}

/*
 * The offset shown nearest to row trow, column tcol (for the cursor keys):
 * the last one on that row not right of tcol, else the row's first.
 */
static size_t
offset_at(const char *b, size_t len, int trow, int tcol)
{
	int r = 0, c = 0, have_best = 0, have_first = 0;
	size_t i, best = 0, first = 0;

	if (trow < 0)
		return 0;
	for (i = 0; i <= len && r <= trow; i++) {
		if (r == trow && !have_first) {
			first = i;
			have_first = 1;
		}
		if (r == trow && c <= tcol) {
			best = i;
			have_best = 1;
		}
		if (i == len)
			break;
		(void)wrap_step(b[i], &r, &c);
	}
	if (have_best)
		return best;
	return have_first ? first : len;
}

/* Draws the wrapped rows top..top+height-1 of a text from screen row y. */
static void
draw_text(const char *b, size_t len, int top, int height, int y)
{
	int r = 0, c = 0, col;
	size_t i;

	for (i = 0; i < len; i++) {
		col = wrap_step(b[i], &r, &c);
		if (col < 0)
			continue;
		if (r >= top + height)
			break;
		if (r >= top)
			mvaddch(y + r - top, col, (chtype)(unsigned char)b[i]);
	}
}

/* The '^' and 'v' marks when there is more above or below. */
static void
draw_marks(int top, int height, int total, int y)
{
	if (top > 0)
		mvaddch(y, MENU_COLS - 1, '^');
	if (top + height < total)
		mvaddch(y + height - 1, MENU_COLS - 1, 'v');
}

/* The editor's state between keys. */
struct ed {
	struct menu_text w; /* the working copy */
	size_t pos;         /* the cursor's offset */
	int top;            /* the first wrapped row shown */
	char status[100];
	const char *path, *title, *prompt;
};

/* The line number (from 1) of the cursor. */
static int
line_of(const struct ed *e)
{
	size_t i;
	int n = 1;

	for (i = 0; i < e->pos; i++)
		if (e->w.buf[i] == '\n')
			n++;
	return n;
}

static void
ed_draw(struct ed *e)
{
	int crow, ccol, total, tcol;

	where(e->w.buf, e->pos, &crow, &ccol);
	where(e->w.buf, e->w.len, &total, &tcol);
	total++;
	if (crow < e->top)
		e->top = crow;
	if (crow >= e->top + AREA_H)
		e->top = crow - AREA_H + 1;
	erase();
	menu_ui_header(e->path, e->title);
	mvprintw(2, 1, "%.78s", e->prompt);
	draw_text(e->w.buf, e->w.len, e->top, AREA_H, AREA_TOP);
	draw_marks(e->top, AREA_H, total, AREA_TOP);
	mvprintw(ROW_INFO, 1, "Line %d, %zu bytes (at most %zu)", line_of(e),
	         e->w.len, e->w.max);
	mvaddnstr(ROW_STATUS, 0, e->status, MENU_COLS);
	mvaddstr(ROW_HELP, 0,
	         "A line with only '.' or ^D: done   Esc: cancel   ^U: clear "
	         "all");
	move(AREA_TOP + crow - e->top, ccol);
	refresh();
}

static void
ed_insert(struct ed *e, char c)
{
	if (e->w.len >= e->w.max) {
		snprintf(e->status, sizeof(e->status),
		         "The text is limited to %zu bytes", e->w.max);
		return;
	}
	if (grow(&e->w, 1) != 0)
		return;
	memmove(e->w.buf + e->pos + 1, e->w.buf + e->pos,
	        e->w.len - e->pos + 1);
	e->w.buf[e->pos++] = c;
	e->w.len++;
}

static void
ed_delete(struct ed *e, size_t from, size_t to)
{
	memmove(e->w.buf + from, e->w.buf + to, e->w.len - to + 1);
	e->w.len -= to - from;
	if (e->pos > to)
		e->pos -= to - from;
	else if (e->pos > from)
		e->pos = from;
}

/*
 * Return: ends the input when the cursor is at the end of a line holding
 * only "." (the line goes), else starts a new line.  1 when done.
 */
static int
ed_return(struct ed *e)
{
	size_t ls = e->pos, le = e->pos;

	while (ls > 0 && e->w.buf[ls - 1] != '\n')
		ls--;
	while (le < e->w.len && e->w.buf[le] != '\n')
		le++;
	if (le == e->pos && le - ls == 1 && e->w.buf[ls] == '.') {
		ed_delete(e, ls > 0 ? ls - 1 : ls, le);
		return 1;
	}
	ed_insert(e, '\n');
	return 0;
}

/* The cursor keys; returns 1 if ch was one. */
static int
ed_move(struct ed *e, int ch)
{
	int r, c;

	where(e->w.buf, e->pos, &r, &c);
	if (ch == KEY_LEFT && e->pos > 0)
		e->pos--;
	else if (ch == KEY_RIGHT && e->pos < e->w.len)
		e->pos++;
	else if (ch == KEY_UP)
		e->pos = offset_at(e->w.buf, e->w.len, r - 1, c);
	else if (ch == KEY_DOWN)
		e->pos = offset_at(e->w.buf, e->w.len, r + 1, c);
	else if (ch == KEY_PPAGE)
		e->pos = offset_at(e->w.buf, e->w.len, r - AREA_H, c);
	else if (ch == KEY_NPAGE)
		e->pos = offset_at(e->w.buf, e->w.len, r + AREA_H, c);
	else if (ch == KEY_HOME || ch == CTRL('a'))
		e->pos = offset_at(e->w.buf, e->w.len, r, 0);
	else if (ch == KEY_END || ch == CTRL('e'))
		e->pos = offset_at(e->w.buf, e->w.len, r, AREA_W);
	else
		return ch == KEY_LEFT || ch == KEY_RIGHT;
	return 1;
}

/* Drops trailing blank lines and spaces: the agent wants none. */
static void
ed_trim(struct ed *e)
{
	while (e->w.len > 0 && strchr(" \t\r\n", e->w.buf[e->w.len - 1]))
		e->w.buf[--e->w.len] = '\0';
}

/* One key; returns 1 when done, -1 when cancelled, else 0. */
static int
ed_key(struct ed *e, int ch)
{
	e->status[0] = '\0';
	if (ed_move(e, ch))
		return 0;
	switch (ch) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		return ed_return(e);
	case CTRL('d'):
		return 1;
	case KEY_ESC:
		return -1;
	case CTRL('u'):
		e->w.len = e->pos = 0;
		e->w.buf[0] = '\0';
		return 0;
	case KEY_BACKSPACE:
	case 127:
	case CTRL('h'):
		if (e->pos > 0)
			ed_delete(e, e->pos - 1, e->pos);
		return 0;
	case KEY_DC:
		if (e->pos < e->w.len)
			ed_delete(e, e->pos, e->pos + 1);
		return 0;
	case '\t':
		ed_insert(e, ' ');
		return 0;
	default:
		if (ch >= 0x20 && ch < 0x7f)
			ed_insert(e, (char)ch);
		return 0;
	}
}

/*
 * The full-screen editor: the text t (empty or what was entered before)
 * is edited in a copy; Return on a line with only "." or ^D takes it
 * (1), Esc keeps t as it was (0).  t->max bounds its size.
 */
int
menu_text_edit(struct menu_text *t, const char *path, const char *title,
               const char *prompt)
{
	struct ed e;
	char line[MENU_COLS * 2];
	int rc = 0;

	memset(&e, 0, sizeof(e));
	e.w.max = t->max > 0 ? t->max : MENU_STRMAX - 1;
	if (menu_text_set(&e.w, t->buf) != 0)
		return 0;
	e.pos = e.w.len;
	snprintf(line, sizeof(line),
	         "%s paste or type it, then a line with only \".\"", prompt);
	e.path = path;
	e.title = title;
	e.prompt = line;
	curs_set(1);
	timeout(-1);
	while (rc == 0) {
		int ch;

		ed_draw(&e);
		ch = getch();
		if (ch != KEY_RESIZE && ch != ERR)
			rc = ed_key(&e, ch);
	}
	curs_set(0);
	if (rc > 0) {
		ed_trim(&e);
		rc = menu_text_set(t, e.w.buf) == 0;
	} else {
		rc = 0;
	}
	menu_text_free(&e.w);
	return rc;
}

/*
 * Shows a long text read-only (a PKCS#10 request, a certificate) below
 * nhead lines of explanation; cursor and page keys scroll, Return or Esc
 * leaves.
 */
void
menu_text_view(const char *path, const char *title, const char *const *head,
               int nhead, const char *text)
{
	size_t len = strlen(text);
	int y = AREA_TOP + nhead + (nhead > 0), h = ROW_INFO - y;
	int top = 0, total, col, i, ch = 0;

	where(text, len, &total, &col);
	total++;
	timeout(-1);
	for (;;) {
		int maxtop = total > h ? total - h : 0;

		top = top < 0 ? 0 : top > maxtop ? maxtop : top;
		erase();
		menu_ui_header(path, title);
		for (i = 0; i < nhead; i++)
			mvprintw(AREA_TOP + i, 1, "%.78s", head[i]);
		draw_text(text, len, top, h, y);
		draw_marks(top, h, total, y);
		attron(A_REVERSE);
		mvaddstr(ROW_INFO + 1, 37, "EXIT");
		attroff(A_REVERSE);
		mvaddstr(ROW_HELP, 0,
		         "Cursor and page keys scroll, <Return> or <Esc> "
		         "leaves");
		refresh();
		ch = getch();
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER ||
		    ch == KEY_ESC || ch == 'q')
			return;
		if (ch == KEY_UP)
			top--;
		else if (ch == KEY_DOWN)
			top++;
		else if (ch == KEY_PPAGE)
			top -= h;
		else if (ch == KEY_NPAGE || ch == ' ')
			top += h;
		else if (ch == KEY_HOME)
			top = 0;
		else if (ch == KEY_END)
			top = maxtop;
	}
}
