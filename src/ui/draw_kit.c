/* draw_kit.c - what every page draws with: text made safe and cut to a
 * width, section titles, and the formats of durations, percentages and
 * figures, with the grade-to-colour mapping. */
#include "draw_kit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "bigdigits.h"
#include "contacts.h"
#include "figures.h"
#include "natsort.h"
#include "textsafe.h"

/* ---- grades: the snapshot grades, the screen maps a grade to a role ------- */

enum alert_severity ui_sev_max(enum alert_severity a, enum alert_severity b)
{
	return a > b ? a : b;
}

enum role ui_sev_role(enum alert_severity sev, enum role calm)
{
	return sev == SEV_CRITICAL ? ROLE_CRITICAL : sev == SEV_WARNING ? ROLE_WARNING : calm;
}

/* ---- drawing helpers ----------------------------------------------------- */

/* Draws text (made safe, cut to w columns) at (y, x). Returns the width drawn. */
int ui_put(const struct ui_view *v, int y, int x, int w, enum role r, const char *text)
{
	char buf[1024];
	int tw;

	if (w <= 0)
		return 0;
	tw = textsafe_copy(buf, sizeof buf, text, w, v->text_flags);
	attrset(v->attr[r]);
	mvaddstr(y, x, buf);
	attrset(A_NORMAL);
	return tw;
}

/* Draws text right-aligned in the w columns at (y, x). */
void ui_put_right(const struct ui_view *v, int y, int x, int w, enum role r,
                      const char *text)
{
	char buf[1024];
	int tw = textsafe_copy(buf, sizeof buf, text, w, v->text_flags);

	attrset(v->attr[r]);
	mvaddstr(y, x + w - tw, buf);
	attrset(A_NORMAL);
}

/* Draws text right-aligned in the w columns at (y, x) in attributes a. */
void ui_put_right_attr(const struct ui_view *v, int y, int x, int w, attr_t a, const char *text)
{
	char buf[1024];
	int tw = textsafe_copy(buf, sizeof buf, text, w, v->text_flags);

	attrset(a);
	mvaddstr(y, x + w - tw, buf);
	attrset(A_NORMAL);
}

attr_t ui_cell_attr(const struct ui_view *v, enum role r)
{
	attr_t a = v->attr[r];
	short fg = -1, bg = -1;

	if (PAIR_NUMBER(a) > 0)
		pair_content((short)PAIR_NUMBER(a), &fg, &bg);
	return fg != -1 || bg != -1 ? a & ~A_BOLD : a;
}

void ui_put_center(const struct ui_view *v, int y, int x, int w, enum role r,
                       const char *text)
{
	char buf[1024];
	int tw = textsafe_copy(buf, sizeof buf, text, w, v->text_flags);

	attrset(v->attr[r]);
	mvaddstr(y, x + (w - tw) / 2, buf);
	attrset(A_NORMAL);
}

void ui_fill(const struct ui_view *v, int y, int x, int w, enum role r)
{
	if (w > 0)
		mvhline(y, x, (chtype)' ' | v->attr[r], w);
}

/* Draws glyph w times from (y, x) in role r, as w one-column puts of it
 * would: one cell made and copied along the line (whline_set) rather than a
 * put per column, each decoding the glyph's bytes again in curses. Puts it
 * column by column when it is not one character one column wide. */
static void ui_rule(const struct ui_view *v, int y, int x, int w, enum role r,
                    const char *glyph)
{
	char buf[16];
	wchar_t wc[2] = { 0, 0 };
	mbstate_t ps;
	size_t len;
	cchar_t cell;

	if (w <= 0)
		return;
	memset(&ps, 0, sizeof ps);
	if (textsafe_copy(buf, sizeof buf, glyph, 1, v->text_flags) != 1 ||
	    (len = mbrtowc(&wc[0], buf, strlen(buf), &ps)) != strlen(buf) || wcwidth(wc[0]) != 1 ||
	    setcchar(&cell, wc, A_NORMAL, 0, NULL) != OK) {
		for (int i = 0; i < w; i++)
			ui_put(v, y, x + i, 1, r, glyph);
		return;
	}
	attrset(v->attr[r]);
	mvhline_set(y, x, &cell, w);
	attrset(A_NORMAL);
}

/* A section title: "─ Title ─── right ──" across w columns. */
void ui_section(const struct ui_view *v, int y, int x, int w, const char *title,
                    const char *right)
{
	int tw;

	ui_rule(v, y, x, w, ROLE_DIM, v->g->hline);
	if (w < 6)
		return;
	ui_put(v, y, x + 1, 1, ROLE_DIM, " ");
	tw = ui_put(v, y, x + 2, w - 4, ROLE_TITLE, title);
	ui_put(v, y, x + 2 + tw, 1, ROLE_DIM, " ");
	if (right && *right) {
		char buf[256];
		int rw = textsafe_copy(buf, sizeof buf, right, w - tw - 8, v->text_flags);

		if (rw > 0) {
			ui_put(v, y, x + w - rw - 3, 1, ROLE_DIM, " ");
			ui_put(v, y, x + w - rw - 2, rw, ROLE_DIM, buf);
			ui_put(v, y, x + w - 2, 1, ROLE_DIM, " ");
		}
	}
}

/* ---- formatting ---------------------------------------------------------- */

/* The formats below write what snprintf would, byte for byte (cut to n
 * like it), without it: a frame writes a thousand figures, and snprintf
 * costs ten times the digits. */

/* Appends the decimal digits of x (as "%lld"; at least two with pad2, as
 * "%02d" of 0..99) at p, which has room for 21; returns the end. */
static char *put_ll(char *p, long long x, bool pad2)
{
	char tmp[24];
	int k = 0;
	unsigned long long u = x < 0 ? 0ull - (unsigned long long)x : (unsigned long long)x;

	do
		tmp[k++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (pad2 && k < 2)
		tmp[k++] = '0';
	if (x < 0)
		*p++ = '-';
	while (k > 0)
		*p++ = tmp[--k];
	return p;
}

/* Copies len bytes of text into buf (n bytes) as snprintf "%s" would. */
static void put_text(char *buf, size_t n, const char *text, size_t len)
{
	if (n == 0)
		return;
	if (len > n - 1)
		len = n - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
}

/* "a:bb" and, with c >= 0, "a:bb:cc" (bb and cc 0..59), then suffix. */
static void put_clock(char *buf, size_t n, int a, int b, int c, const char *suffix)
{
	char tmp[80], *p = put_ll(tmp, a, false);

	if (b >= 0) {
		*p++ = ':';
		p = put_ll(p, b, true);
	}
	if (c >= 0) {
		*p++ = ':';
		p = put_ll(p, c, true);
	}
	while (*suffix)
		*p++ = *suffix++;
	put_text(buf, n, tmp, (size_t)(p - tmp));
}

/* "m:ss", or "h:mm:ss" from an hour. */
const char *ui_fmt_dur(char *buf, size_t n, int64_t s)
{
	if (s < 0)
		s = 0;
	if (s >= 3600)
		put_clock(buf, n, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60), "");
	else
		put_clock(buf, n, (int)(s / 60), (int)(s % 60), -1, "");
	return buf;
}

/* A duration in state for lists: "45s", "12m", "1h05". */
const char *ui_fmt_age(char *buf, size_t n, int64_t s)
{
	char tmp[48], *p = tmp;

	if (s < 0)
		s = 0;
	if (s < 60) {
		p = put_ll(p, (int)s, false);
		*p++ = 's';
	} else if (s < 3600) {
		p = put_ll(p, (int)(s / 60), false);
		*p++ = 'm';
	} else {
		p = put_ll(p, (int)(s / 3600), false);
		*p++ = 'h';
		p = put_ll(p, (int)(s / 60 % 60), true);
	}
	put_text(buf, n, tmp, (size_t)(p - tmp));
	return buf;
}

/* "%.0f%%" of pct: pct less its whole part is exact below 2^52, so the
 * rounding (to even on a tie, as printf) is decided exactly. Negative
 * (-0 too) or huge values go to snprintf. */
static void put_pct0(char *buf, size_t n, double pct)
{
	char tmp[32], *p;
	double whole, frac;
	long long r;

	if (!(pct >= 0.0 && pct < 1e15) || signbit(pct)) {   /* -0 prints "-0%" */
		snprintf(buf, n, "%.0f%%", pct);
		return;
	}
	whole = floor(pct);
	frac = pct - whole;
	r = (long long)whole;
	if (frac > 0.5 || (frac == 0.5 && (r & 1)))
		r++;
	p = put_ll(tmp, r, false);
	*p++ = '%';
	put_text(buf, n, tmp, (size_t)(p - tmp));
}

/* "83%" (or "4.2%" below 10 with decimals), or the no-data glyph. */
const char *ui_fmt_pct(const struct ui_view *v, char *buf, size_t n, double pct,
                           bool decimals)
{
	if (isnan(pct))
		put_text(buf, n, v->g->nodata, strlen(v->g->nodata));
	else if (decimals && pct < 10.0)
		snprintf(buf, n, "%.1f%%", pct);
	else
		put_pct0(buf, n, pct);
	return buf;
}

const char *ui_fmt_secs(const struct ui_view *v, char *buf, size_t n, double s)
{
	if (isnan(s))
		put_text(buf, n, v->g->nodata, strlen(v->g->nodata));
	else
		ui_fmt_dur(buf, n, (int64_t)llround(s));
	return buf;
}

/* "15m" for the rolling window. */
const char *ui_fmt_window(char *buf, size_t n, int window_s)
{
	if (window_s % 3600 == 0)
		snprintf(buf, n, "%dh", window_s / 3600);
	else if (window_s % 60 == 0)
		snprintf(buf, n, "%dm", window_s / 60);
	else
		snprintf(buf, n, "%ds", window_s);
	return buf;
}

/* Writes figure name of q into buf as fmt says; returns its value. */
double ui_fmt_figure(const struct ui_view *v, char *buf, size_t n, const char *name,
                         const struct snap_queue *q, enum ui_fmt fmt)
{
	return ui_fmt_fig(v, buf, n, figure_find(name), q, fmt);
}

double ui_fmt_fig(const struct ui_view *v, char *buf, size_t n, const struct figure *f,
                  const struct snap_queue *q, enum ui_fmt fmt)
{
	double x = figure_value(f, q);
	switch (fmt) {
	case UF_INT:
		if (isnan(x)) {
			put_text(buf, n, v->g->nodata, strlen(v->g->nodata));
		} else {
			char tmp[24];
			put_text(buf, n, tmp, (size_t)(put_ll(tmp, (long long)x, false) - tmp));
		}
		break;
	case UF_DUR: ui_fmt_dur(buf, n, (int64_t)x); break;
	case UF_SECS: ui_fmt_secs(v, buf, n, x); break;
	case UF_PCT: ui_fmt_pct(v, buf, n, x, false); break;
	case UF_PCT1: ui_fmt_pct(v, buf, n, x, true); break;
	case UF_WAIT:
		if (x < UI_WAIT_MINUTES_S)
			ui_fmt_dur(buf, n, (int64_t)x);
		else
			ui_fmt_age(buf, n, (int64_t)x);
		break;
	}
	return x;
}

/* The grade the snapshot gave figure name on q. */
enum alert_severity ui_grade_of(const char *name, const struct snap_queue *q)
{
	return ui_grade_fig(figure_find(name), q);
}

enum alert_severity ui_grade_fig(const struct figure *f, const struct snap_queue *q)
{
	return f ? (enum alert_severity)q->grade[figure_index(f)] : SEV_OK;
}

const char *ui_sev_glyph(const struct ui_view *v, enum alert_severity sev)
{
	return sev == SEV_CRITICAL ? v->g->critical : sev == SEV_WARNING ? v->g->warning : " ";
}

/* The selected queue (or the total) of s. */
const struct snap_queue *ui_selected_queue(const struct ui_view *v,
                                               const struct snapshot *s)
{
	return v->sel >= 0 && (size_t)v->sel < s->n_queues ? &s->queues[v->sel] : &s->total;
}

const char *ui_queue_label(const struct snap_queue *q, bool is_total)
{
	if (is_total)
		return "Total";
	return q->display && *q->display ? q->display : q->name ? q->name : "?";
}

const char *ui_selection_label(const struct ui_view *v, const struct snapshot *s)
{
	if (v->sel >= 0 && (size_t)v->sel < s->n_queues)
		return ui_queue_label(&s->queues[v->sel], false);
	return v->sel >= 0 && v->sel_name[0] ? v->sel_name : "Total";
}

/* ---- KPI tiles (the pages of every channel) ------------------------------ */

/* Attributes for big-digit blocks: the role's own background when it has one
 * (or is already reverse), else reverse video of its foreground. */
static attr_t tile_block_attr(const struct ui_view *v, enum role r)
{
	attr_t a = v->attr[r];
	short fg = -1, bg = -1, nfg = -1, nbg = -1;

	if (a & A_REVERSE)
		return a;
	if (PAIR_NUMBER(a) > 0)
		pair_content((short)PAIR_NUMBER(a), &fg, &bg);
	if (PAIR_NUMBER(v->attr[ROLE_NORMAL]) > 0)
		pair_content((short)PAIR_NUMBER(v->attr[ROLE_NORMAL]), &nfg, &nbg);
	return bg != -1 && bg != nbg ? a : a | A_REVERSE;
}

static enum role tile_role(const struct ui_tile *t)
{
	return ui_sev_role(t->sev, t->calm_ok ? ROLE_OK : ROLE_TILE);
}

static void tile_compact(const struct ui_view *v, const struct ui_tile *t, struct rect r)
{
	const char *label = textsafe_width(t->label) + 2 <= r.w ? t->label : t->short_label;
	const char *detail = textsafe_width(t->detail) + 1 <= r.w ? t->detail : t->short_detail;
	enum role role = tile_role(t);
	char val[64];
	int x = r.x + 1;

	ui_put(v, r.y, x, r.w - 1, ROLE_LABEL, label);
	snprintf(val, sizeof val, " %s ", t->value);
	x += ui_put(v, r.y + 1, x, r.w - 3, role, val);
	if (t->sev != SEV_OK)
		ui_put(v, r.y + 1, x + 1, 1, role, ui_sev_glyph(v, t->sev));
	ui_put(v, r.y + 2, r.x + 1, r.w - 1, ROLE_DIM, detail);
}

static void tile_big(const struct ui_view *v, const struct ui_tile *t, struct rect r, int scale)
{
	enum role role = tile_role(t);
	int dw = bigdigits_width(t->value, scale);
	char label[96];

	snprintf(label, sizeof label, "%s",
	         textsafe_width(t->label) + 4 <= r.w ? t->label : t->short_label);
	for (char *p = label; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	ui_put(v, r.y + 1, r.x + 1, r.w - 3, ROLE_LABEL, label);
	if (t->sev != SEV_OK)
		ui_put(v, r.y + 1, r.x + r.w - 2, 1, role, ui_sev_glyph(v, t->sev));
	if (dw <= r.w - 2 && bigdigits_can_draw(t->value))
		bigdigits_draw(stdscr, r.y + 2, r.x + (r.w - dw) / 2, t->value, scale,
		               tile_block_attr(v, role));
	else
		ui_put_center(v, r.y + 4, r.x, r.w, role, t->value);
	ui_put_center(v, r.y + 7, r.x, r.w, ROLE_DIM,
	              textsafe_width(t->detail) <= r.w ? t->detail : t->short_detail);
}

int ui_tiles_scale(const struct ui_tile *t, int n, const struct rect *r)
{
	for (int i = 0; i < n; i++)
		if (bigdigits_width(t[i].value, 2) > r[i].w - 4)
			return 1;
	return 2;
}

void ui_tiles_row(const struct ui_view *v, const struct ui_tile *t, int n, const struct rect *r,
                  bool big, int scale)
{
	for (int i = 0; i < n; i++) {
		if (big) {
			tile_big(v, &t[i], r[i], scale);
			continue;
		}
		tile_compact(v, &t[i], r[i]);
		for (int y = 0; i > 0 && y < r[i].h; y++)
			ui_put(v, r[i].y + y, r[i].x - 1, 1, ROLE_DIM, v->g->vline);
	}
}

#define UI_MAX_TILES 16

void ui_tiles_draw(const struct ui_view *v, const struct ui_tile *t, int n, struct rect r,
                   bool big, const char *title, const char *right)
{
	int tw = n > 0 ? (r.w - (n - 1)) / n : 0, scale = 2;
	struct rect ti[UI_MAX_TILES];

	if (n <= 0 || tw < 4)
		return;
	if (n > UI_MAX_TILES)
		n = UI_MAX_TILES;
	for (int i = 0; i < n; i++) {
		ti[i] = (struct rect){ r.y, r.x + i * (tw + 1), r.h,
			i == n - 1 ? r.w - i * (tw + 1) : tw };
		if (big && bigdigits_width(t[i].value, 2) > tw - 4)   /* the narrow ones' width */
			scale = 1;
	}
	if (big)
		ui_section(v, r.y, r.x, r.w, title, right);
	ui_tiles_row(v, t, n, ti, big, scale);
}

/* ---- the contacts of a snapshot, as the JSON writes them ----------------- */

/* A queue only contact events name: its contacts are read when it is
 * selected (Tab reaches it). */
static json_t *contact_queue(void *ctx, const char *name)
{
	(void)ctx;
	return json_pack("{s:s}", "name", name);
}

json_t *ui_contacts_json(const struct snapshot *s)
{
	json_t *root, *qs;

	if (!s->contacts || !contacts_any(s->contacts))
		return NULL;
	root = json_object();
	qs = json_array();
	for (size_t i = 0; i < s->n_queues; i++)
		json_array_append_new(qs, json_pack("{s:s}", "name",
		                      s->queues[i].name ? s->queues[i].name : ""));
	json_object_set_new(root, "queues", qs);
	contacts_json(s->contacts, root, contact_queue, NULL);
	return root;
}

double ui_json_num(const json_t *o, const char *key)
{
	json_t *x = o ? json_object_get(o, key) : NULL;

	return json_is_number(x) ? json_number_value(x) : NAN;
}
