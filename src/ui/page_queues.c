/* page_queues.c - page 1, the voice board: KPI tiles, the queue table, the
 * day's trend, the agents, the alerts and the waiting callers. */
#include "pages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "draw_kit.h"
#include "event.h"
#include "figures.h"
#include "natsort.h"
#include "qcells.h"
#include "queue_rows.h"
#include "textsafe.h"
#include "util.h"

/* ---- the page's own state: the table's rows, scroll, filter, sort, folds,
 * the alerts' page ---- */

#define QP_MAX_GROUPS 64
#define QC_COLS 16   /* the queue table's columns (qcols) */

/* A row's cells as last written and the values they were written from: a
 * value that did not move keeps its text (most of a thousand queues' 16
 * figures a second), written again only when it did. A cell's text is its
 * value's alone (its column's format, the glyphs), whichever row it was. */
struct qfresh {
	bool set;
	uint64_t bits[QC_COLS];      /* each value's bits (NAN included) */
	char text[QC_COLS][sizeof ((struct qcell *)0)->text];
};

struct qpage {
	char filter[64];
	bool editing;                /* typing the filter after '/' */
	enum qrows_sort sort;
	bool reverse;
	bool folded[QP_MAX_GROUPS];  /* by group index */
	struct qrow *rows;           /* the last frame's rows */
	size_t n_rows, cap_rows;
	char **row_group_names;      /* the last frame's group names, by group index */
	size_t n_group_names;
	int cursor;                  /* a row, or -1: the total */
	char cur_name[128];          /* the cursor's queue or group, to find it again */
	bool cur_is_group;
	int top;                     /* first row shown */
	int page_rows;               /* rows shown in the last frame */
	int alert_top;               /* first alert (or folded line) shown */
	int alert_page;              /* alert lines shown in the last frame */
	bool alerts_fold;            /* alerts of one rule on one line */
	int agent_filter;            /* 0: every agent, else 1 + an agent_filters[] entry */
	int agent_top;               /* first agent shown */
	int agent_page;              /* agents shown in the last frame */
	struct qcells cells;         /* the table's rows as drawn, by queue then group */
	struct qfresh *fresh;        /* the rows' cells as last written, by the same slots */
	size_t n_fresh;
	const struct glyphs *fresh_g;   /* the glyphs they were written with */
};

/* What 'f' steps through on the agent board. */
static const struct { enum agent_state st; const char *label; } agent_filters[] = {
	{ AGENT_ON_CALL, "on call" }, { AGENT_PAUSED, "paused" },
	{ AGENT_AVAILABLE, "available" }, { AGENT_WRAPUP, "wrap-up" },
};
#define AGENT_FILTERS ((int)(sizeof agent_filters / sizeof agent_filters[0]))

static void *qpage_new(void)
{
	struct qpage *p = xcalloc(1, sizeof *p);
	p->cursor = -1;
	return p;
}

static void qpage_free(void *state)
{
	struct qpage *p = state;
	if (!p)
		return;
	for (size_t i = 0; i < p->n_group_names; i++)
		free(p->row_group_names[i]);
	free(p->row_group_names);
	free(p->rows);
	qcells_free(&p->cells);
	free(p->fresh);
	free(p);
}

static struct qpage *qpage(struct ui_view *v)
{
	return ui_page_state(v, &page_queues);
}

/* ---- KPI tiles ----------------------------------------------------------- */

/* The detail lines of a tile (win: the window, "15m"). */
typedef void (*tile_detail_fn)(const struct ui_view *v, const struct snap_queue *q,
                               const char *win, struct ui_tile *t);

static void detail_waiting(const struct ui_view *v, const struct snap_queue *q,
                           const char *win, struct ui_tile *t)
{
	(void)v, (void)win;
	snprintf(t->detail, sizeof t->detail, "%lld offered today", (long long)q->today.c.offered);
	snprintf(t->short_detail, sizeof t->short_detail, "%lld today",
	         (long long)q->today.c.offered);
}

static void detail_longest(const struct ui_view *v, const struct snap_queue *q,
                           const char *win, struct ui_tile *t)
{
	char a[16];
	(void)v, (void)win;
	snprintf(t->detail, sizeof t->detail, "SL threshold %s",
	         ui_fmt_dur(a, sizeof a, q->sl_threshold_s));
	snprintf(t->short_detail, sizeof t->short_detail, "SL %s", a);
}

static void detail_sl(const struct ui_view *v, const struct snap_queue *q, const char *win,
                      struct ui_tile *t)
{
	char a[16];
	ui_fmt_pct(v, a, sizeof a, q->today.d.service_level_pct, false);
	snprintf(t->detail, sizeof t->detail, "%s %s today %s %s target %.0f%%", win, v->g->dot,
	         a, v->g->dot, q->sl_target_pct);
	snprintf(t->short_detail, sizeof t->short_detail, "today %s", a);
}

static void detail_abandon(const struct ui_view *v, const struct snap_queue *q,
                           const char *win, struct ui_tile *t)
{
	char a[16];
	ui_fmt_pct(v, a, sizeof a, q->today.d.abandon_rate_pct, true);
	snprintf(t->detail, sizeof t->detail, "%s %s today %s (%lld calls)", win, v->g->dot, a,
	         (long long)q->today.c.abandoned);
	snprintf(t->short_detail, sizeof t->short_detail, "today %s", a);
}

static void detail_asa(const struct ui_view *v, const struct snap_queue *q, const char *win,
                       struct ui_tile *t)
{
	char b[16];
	ui_fmt_secs(v, b, sizeof b, q->today.d.asa_s);
	snprintf(t->detail, sizeof t->detail, "%s %s today %s", win, v->g->dot, b);
	snprintf(t->short_detail, sizeof t->short_detail, "today %s", b);
}

static void detail_agents(const struct ui_view *v, const struct snap_queue *q,
                          const char *win, struct ui_tile *t)
{
	(void)win;
	snprintf(t->detail, sizeof t->detail, "of %d logged in %s %d on call",
	         q->agents.logged_in, v->g->dot, q->agents.on_call);
	snprintf(t->short_detail, sizeof t->short_detail, "of %d", q->agents.logged_in);
}

/* The KPI tiles, left to right: a figure, how it is written and coloured. */
static const struct tile_def {
	const char *label;
	const char *short_label;    /* for narrow tiles; "%s" is the window */
	const char *figure;
	enum ui_fmt fmt;
	const char *grade;          /* the figure whose grade colours it; NULL: its own */
	tile_detail_fn detail;
	bool calm_ok;               /* a value above 0 shows in the ok role (agents free) */
} tile_defs[LAYOUT_TILES] = {
	{ "Waiting", "Waiting", "waiting", UF_INT, "no_agent_available", detail_waiting, false },
	{ "Longest wait", "Longest", "longest_wait_s", UF_DUR, NULL, detail_longest, false },
	{ "Service level", "SL %s", "window.service_level_pct", UF_PCT, NULL, detail_sl, false },
	{ "Abandoned", "Aband %s", "window.abandon_rate_pct", UF_PCT1, NULL, detail_abandon,
	  false },
	{ "Avg speed of answer", "ASA %s", "window.asa_s", UF_SECS, NULL, detail_asa, false },
	{ "Agents available", "Available", "agents.available", UF_INT, "no_agent_available",
	  detail_agents, true },
};

/* The tiles of queue q. */
static void tiles_fill(const struct ui_view *v, const struct snapshot *s,
                       const struct snap_queue *q, struct ui_tile t[LAYOUT_TILES])
{
	char win[16];

	ui_fmt_window(win, sizeof win, s->window_s);
	memset(t, 0, sizeof(struct ui_tile) * LAYOUT_TILES);
	for (int i = 0; i < LAYOUT_TILES; i++) {
		const struct tile_def *d = &tile_defs[i];
		double x = ui_fmt_figure(v, t[i].value, sizeof t[i].value, d->figure, q, d->fmt);

		t[i].label = d->label;
		snprintf(t[i].short_label, sizeof t[i].short_label, d->short_label, win);
		d->detail(v, q, win, &t[i]);
		t[i].sev = ui_grade_of(d->grade ? d->grade : d->figure, q);
		t[i].calm_ok = d->calm_ok && x > 0;
	}
}

/* The group of the cursor's row, or NULL (a queue's row, or the total). */
static const struct snap_group *cursor_group(struct ui_view *v, const struct snapshot *s)
{
	const struct qpage *p = qpage(v);
	if (p->cursor < 0 || (size_t)p->cursor >= p->n_rows || p->rows[p->cursor].queue >= 0)
		return NULL;
	return (size_t)p->rows[p->cursor].group < s->n_groups ? &s->groups[p->rows[p->cursor].group]
	                                                       : NULL;
}

static void draw_tiles(struct ui_view *v, const struct snapshot *s)
{
	const struct layout *l = &v->lay;
	const struct snap_group *g = cursor_group(v, s);
	const struct snap_queue *q = g ? &g->q : ui_selected_queue(v, s);
	struct ui_tile t[LAYOUT_TILES];

	tiles_fill(v, s, q, t);
	if (l->big_tiles)
		ui_section(v, l->tiles.y, l->tiles.x, l->tiles.w, ui_queue_label(q, !g && v->sel < 0),
		           g ? "group" : v->sel < 0 ? "all queues" : "selected queue");
	/* one scale for every tile: double-width pixels when all fit */
	ui_tiles_row(v, t, LAYOUT_TILES, l->tile, l->big_tiles,
	             l->big_tiles ? ui_tiles_scale(t, LAYOUT_TILES, l->tile) : 2);
}

/* ---- queue table --------------------------------------------------------- */

/* The queue table's columns, left to right: a figure, how it is written and
 * coloured, its headings ("%s" is the window, "15m") and widths, and its
 * priority (0 is dropped last when the screen is narrow). A figure in the ok
 * state is drawn plain: colour marks only what needs attention (the eye goes
 * to it, and a terminal gets no colour change with each figure that moves). */
struct qcol_def {
	const char *figure;
	enum ui_fmt fmt;
	const char *grade;           /* the figure whose grade colours it; NULL: its own */
	const char *narrow, *wide;
	int w_narrow, w_wide;
	int prio;
	bool live;                   /* moves every few seconds: packed, no padding */
};

static const struct qcol_def qcols[] = {
	{ "waiting", UF_INT, "no_agent_available", "Wait", "Waiting", 5, 8, 0, true },
	{ "longest_wait_s", UF_WAIT, NULL, "Longest", "Longest", 8, 8, 0, true },
	{ "agents.on_call", UF_INT, NULL, "Call", "On call", 5, 8, 3, true },
	{ "agents.available", UF_INT, "no_agent_available", "Avail", "Avail", 6, 6, 1, true },
	{ "today.offered", UF_INT, NULL, "Offer", "Offered", 6, 8, 2, true },
	{ "today.answered", UF_INT, NULL, "Answ", "Answered", 6, 9, 2, true },
	{ "today.abandoned", UF_INT, NULL, "Aband", "Abandoned", 6, 10, 2, true },
	{ "agents_required", UF_INT, NULL, "Need", "Need", 5, 6, 1, false },   /* staffing */
	{ "window.service_level_pct", UF_PCT, NULL, "SL %s", "SL %s", 7, 8, 0, false },
	{ "today.service_level_pct", UF_PCT, NULL, "SL day", "SL today", 7, 10, 1, false },
	{ "window.abandon_rate_pct", UF_PCT1, NULL, "Ab %s", "Aband %s", 7, 11, 0, false },
	{ "today.abandon_rate_pct", UF_PCT1, NULL, "Ab day", "Aband today", 7, 13, 4, false },
	{ "window.asa_s", UF_SECS, NULL, "ASA", "ASA %s", 6, 9, 1, false },
	{ "today.aht_s", UF_SECS, NULL, "AHT", "AHT today", 6, 11, 5, false },
	{ "agents.paused", UF_INT, NULL, "Pause", "Paused", 6, 8, 3, false },
	{ "agents.logged_in", UF_INT, NULL, "Login", "Logged in", 6, 11, 5, false },
};
#define QC_COUNT ((int)(sizeof qcols / sizeof qcols[0]))
_Static_assert(sizeof qcols / sizeof qcols[0] == QC_COLS, "QC_COLS counts qcols");
_Static_assert(sizeof qcols / sizeof qcols[0] <= QCELLS_MAX, "a row's cells fit qcells");

/* The Need column's index: shown only when some queue's staffing is known. */
static int qc_need(void)
{
	for (int i = 0; i < QC_COUNT; i++)
		if (strcmp(qcols[i].figure, "agents_required") == 0)
			return i;
	return -1;
}

/* Whether any queue of s knows the agents its current interval needs. */
static bool staffing_known(const struct snapshot *s)
{
	for (size_t i = 0; i < s->n_queues; i++)
		if (s->queues[i].staffing.n > 0 && s->queues[i].staffing.iv[0].required_agents >= 0)
			return true;
	return false;
}

#define QT_MARK_W 3   /* selection and state markers before the name */
/* Rows whose figures moved redrawn per frame (qcells.h): a page of up to 12
 * rows is live each second, the 55 of a 250x70 board come round in ~5 s. */
#define QT_ROWS_PER_S 12

struct qtable {
	bool shown[QC_COUNT];
	bool wide;
	int name_w;
	int pad;                 /* extra columns each shown column gets */
	int w_cols;              /* the shown columns' width */
};

static int qcol_w(const struct qtable *t, int c)
{
	return (t->wide ? qcols[c].w_wide : qcols[c].w_narrow) + (qcols[c].live ? 0 : t->pad);
}

static void qtable_plan(struct qtable *t, int cols, bool need)
{
	struct layout_col lc[QC_COUNT];

	t->wide = cols >= LAYOUT_WIDE_COLS;
	for (int i = 0; i < QC_COUNT; i++) {
		lc[i].width = t->wide ? qcols[i].w_wide : qcols[i].w_narrow;
		lc[i].prio = qcols[i].prio;
	}
	if (!need && qc_need() >= 0)
		lc[qc_need()].prio = 16;   /* past every priority layout_columns shows */
	t->name_w = layout_columns(cols - QT_MARK_W - 1, lc, QC_COUNT, t->wide ? 16 : 10,
	                           t->wide ? 32 : 24, t->shown);
	/* share what is left over between the columns, up to 4 each */
	{
		int used = QT_MARK_W + 1 + t->name_w, n = 0;

		t->pad = 0;
		for (int i = 0; i < QC_COUNT; i++) {
			if (t->shown[i]) {
				used += lc[i].width;
				n += !qcols[i].live;
			}
		}
		if (n > 0)
			t->pad = (cols - used) / n > 4 ? 4 : (cols - used) / n;
	}
	t->w_cols = 0;
	for (int i = 0; i < QC_COUNT; i++)
		if (t->shown[i])
			t->w_cols += qcol_w(t, i);
}

/* Each column's figure and the figure grading it, found once. */
static const struct figure *qcol_fig[QC_COUNT], *qcol_grade[QC_COUNT];

static void qcols_find(void)
{
	static bool found;

	if (found)
		return;
	for (int c = 0; c < QC_COUNT; c++) {
		qcol_fig[c] = figure_find(qcols[c].figure);
		qcol_grade[c] = figure_find(qcols[c].grade ? qcols[c].grade : qcols[c].figure);
	}
	found = true;
}

/* Text and severity of column c for queue q. */
static enum alert_severity qcell(const struct ui_view *v, const struct snap_queue *q, int c,
                                 char *buf, size_t n)
{
	qcols_find();
	ui_fmt_fig(v, buf, n, qcol_fig[c], q, qcols[c].fmt);
	return ui_grade_fig(qcol_grade[c], q);
}

/* "1,000" */
static void fmt_count(char *buf, size_t n, long v)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof tmp, "%ld", v), o = 0;
	for (int k = 0; k < len && (size_t)o + 2 < n; k++) {
		if (k && (len - k) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[k];
	}
	buf[o] = '\0';
}

/* The name heading: the filter being typed, else the rows shown ("41–95 of
 * 1,000", "41–95/1,000" when narrow) when not all fit or a filter is set,
 * else "Queue". */
static void qtable_title(const struct ui_view *v, const struct qpage *p, int shown, int w,
                         char *buf, size_t n)
{
	char a[16], b[16], c[16];
	const char *dash = v->g->utf8 ? "\xe2\x80\x93" : "-";
	if (p->editing) {
		snprintf(buf, n, "/%s_", p->filter);
		return;
	}
	if (shown >= (int)p->n_rows && !p->filter[0]) {
		snprintf(buf, n, "Queue");
		return;
	}
	fmt_count(a, sizeof a, p->n_rows ? p->top + 1 : 0);
	fmt_count(b, sizeof b, p->top + shown);
	fmt_count(c, sizeof c, (long)p->n_rows);
	snprintf(buf, n, "%s%s%s of %s%s%s", a, dash, b, c, p->filter[0] ? " /" : "", p->filter);
	if (textsafe_width(buf) > w)
		snprintf(buf, n, "%s%s%s/%s%s%s", a, dash, b, c, p->filter[0] ? " /" : "", p->filter);
	if (textsafe_width(buf) > w)        /* 80 columns and thousands of queues: no commas */
		snprintf(buf, n, "%d%s%d/%ld%s%s", p->n_rows ? p->top + 1 : 0, dash, p->top + shown,
		         (long)p->n_rows, p->filter[0] ? " /" : "", p->filter);
}

/* The column a sort key shows in (-1: the name). */
static int sort_column(enum qrows_sort k)
{
	static const char *const fig[QR_SORT_COUNT] = {
		[QR_WAITING] = "waiting", [QR_LONGEST] = "longest_wait_s",
		[QR_SL] = "window.service_level_pct", [QR_ABANDON] = "window.abandon_rate_pct",
	};
	for (int c = 0; fig[k] && c < QC_COUNT; c++)
		if (strcmp(qcols[c].figure, fig[k]) == 0)
			return c;
	return -1;
}

static void qtable_heading(const struct ui_view *v, const struct snapshot *s,
                           const struct qtable *t, struct rect r, const struct qpage *p,
                           int shown)
{
	char win[16], head[48], name[96];
	int x = r.x + QT_MARK_W + t->name_w, sc = sort_column(p->sort);

	ui_fmt_window(win, sizeof win, s->window_s);
	qtable_title(v, p, shown, t->name_w, name, sizeof name);
	ui_put(v, r.y, r.x + QT_MARK_W, t->name_w, p->editing ? ROLE_KEY : ROLE_HEADING, name);
	for (int c = 0; c < QC_COUNT; c++) {
		int w = qcol_w(t, c);
		char label[48];

		if (!t->shown[c])
			continue;
		snprintf(label, sizeof label, t->wide ? qcols[c].wide : qcols[c].narrow, win);
		snprintf(head, sizeof head, "%s%s", c == sc ? (p->reverse ? v->g->up : v->g->down)
		                                            : "", label);
		ui_put_right(v, r.y, x, w, ROLE_HEADING, head);
		x += w;
	}
}

/* The cells of q, every column (hidden ones too: the row's mark counts them).
 * With f (the cells last written in the row's slot), a value that did not
 * move keeps the text written for it. */
static void qrow_fresh(const struct ui_view *v, const struct snap_queue *q, struct qcell *out,
                       struct qfresh *f)
{
	if (!f) {
		for (int c = 0; c < QC_COUNT; c++)
			out[c].sev = (unsigned char)qcell(v, q, c, out[c].text, sizeof out[c].text);
		return;
	}
	qcols_find();
	for (int c = 0; c < QC_COUNT; c++) {
		double x = figure_value(qcol_fig[c], q);
		uint64_t bits;

		memcpy(&bits, &x, sizeof bits);
		if (!f->set || bits != f->bits[c]) {
			ui_fmt_fig(v, f->text[c], sizeof f->text[c], qcol_fig[c], q, qcols[c].fmt);
			f->bits[c] = bits;
		}
		memcpy(out[c].text, f->text[c], sizeof out[c].text);
		out[c].sev = (unsigned char)ui_grade_fig(qcol_grade[c], q);
	}
	f->set = true;
}

/* The slot of row cells last written for slot (the queues', then the
 * groups', then the total's), or NULL; forgets them all when the glyphs
 * changed. */
static struct qfresh *qfresh_slot(const struct ui_view *v, struct qpage *p, size_t slot,
                                  size_t n)
{
	if (n > p->n_fresh || p->fresh_g != v->g) {
		p->fresh = xrealloc(p->fresh, (n > p->n_fresh ? n : p->n_fresh) * sizeof *p->fresh);
		if (p->fresh_g != v->g)
			p->n_fresh = 0;
		memset(p->fresh + p->n_fresh, 0, (n - p->n_fresh) * sizeof *p->fresh);
		p->n_fresh = n;
		p->fresh_g = v->g;
	}
	return slot < p->n_fresh ? &p->fresh[slot] : NULL;
}

static void qtable_row(const struct ui_view *v, const struct qtable *t, int y, int x0,
                       const struct qcell *cell, bool is_total, bool selected,
                       const char *label)
{
	enum alert_severity worst = SEV_OK;
	enum role calm = is_total ? ROLE_TOTAL : ROLE_NORMAL;
	int x = x0 + QT_MARK_W + t->name_w;

	if (is_total)   /* the gaps in its attributes too: no bold toggled between figures */
		ui_fill(v, y, x, t->w_cols, calm);
	for (int c = 0; c < QC_COUNT; c++) {
		enum alert_severity sev = (enum alert_severity)cell[c].sev;
		int w = qcol_w(t, c);

		worst = ui_sev_max(worst, sev);
		if (!t->shown[c])
			continue;
		if (sev != SEV_OK) {   /* a badge: one space each side */
			char badge[sizeof cell[c].text + 2];

			snprintf(badge, sizeof badge, " %s ", cell[c].text);
			ui_put_right_attr(v, y, x + 1, w, ui_cell_attr(v, ui_sev_role(sev, calm)), badge);
		} else {
			ui_put_right(v, y, x, w, calm, cell[c].text);
		}
		x += w;
	}
	if (selected) {
		ui_put(v, y, x0, 1, ROLE_SELECTED, v->g->selected);
		ui_fill(v, y, x0 + QT_MARK_W, t->name_w - 1, ROLE_SELECTED);
	}
	ui_put(v, y, x0 + 1, 1, ui_sev_role(worst, calm), ui_sev_glyph(v, worst));
	ui_put(v, y, x0 + QT_MARK_W + (selected ? 1 : 0), t->name_w - 2,
	    selected ? ROLE_SELECTED : calm, label);
}

/* Keeps the cursor inside the rows shown. */
static void qtable_scroll(struct qpage *p, int rows)
{
	int n = (int)p->n_rows;

	if (p->cursor >= 0) {
		if (p->cursor < p->top)
			p->top = p->cursor;
		if (p->cursor >= p->top + rows)
			p->top = p->cursor - rows + 1;
	}
	if (p->top > n - rows)
		p->top = n - rows;
	if (p->top < 0)
		p->top = 0;
}

/* The label of row r: a group with its fold mark, a queue of a group indented. */
static const char *row_label(const struct ui_view *v, const struct snapshot *s,
                             const struct qpage *p, const struct qrow *r, char *buf, size_t n)
{
	if (r->queue < 0) {
		bool folded = r->group < QP_MAX_GROUPS && p->folded[r->group];
		snprintf(buf, n, "%s %s", folded ? "+" : "-",
		         ui_queue_label(&s->groups[r->group].q, false));
		(void)v;
		return buf;
	}
	if (r->group >= 0) {
		snprintf(buf, n, "  %s", ui_queue_label(&s->queues[r->queue], false));
		return buf;
	}
	return NULL;
}

/* Draws the shown rows from p->top, each with its fresh cells or, while
 * calm, the cells held (qcells.h): at most QT_ROWS_PER_S rows whose figures
 * moved are redrawn per frame, so that a page of 55 queues of a busy centre
 * comes round every few seconds instead of moving every row each second. */
static void qtable_rows(struct ui_view *v, const struct snapshot *s, struct qpage *p,
                        const struct qtable *t, struct rect r, int shown)
{
	struct qcell (*fresh)[QC_COUNT] = xcalloc((size_t)(shown > 0 ? shown : 1), sizeof *fresh);
	struct qcells_row *rows = xcalloc((size_t)(shown > 0 ? shown : 1), sizeof *rows);
	const struct qcell **cells = xcalloc((size_t)(shown > 0 ? shown : 1), sizeof *cells);

	qcells_reserve(&p->cells, s->n_queues + s->n_groups);
	for (int i = 0; i < shown; i++) {
		const struct qrow *row = &p->rows[p->top + i];
		const struct snap_queue *q = row->queue < 0 ? &s->groups[row->group].q
		                                            : &s->queues[row->queue];
		size_t slot = row->queue < 0 ? s->n_queues + (size_t)row->group : (size_t)row->queue;
		qrow_fresh(v, q, fresh[i], qfresh_slot(v, p, slot, s->n_queues + s->n_groups + 1));
		rows[i] = (struct qcells_row){ .slot = slot, .key = qcells_key(q->name),
			.fresh = fresh[i], .now = p->top + i == p->cursor };
	}
	qcells_frame(&p->cells, rows, (size_t)(shown > 0 ? shown : 0), QC_COUNT, s->as_of,
	             QT_ROWS_PER_S, cells);
	for (int i = 0; i < shown; i++) {
		const struct qrow *row = &p->rows[p->top + i];
		const struct snap_queue *q = row->queue < 0 ? &s->groups[row->group].q
		                                            : &s->queues[row->queue];
		const char *label;
		char buf[160];

		label = row_label(v, s, p, row, buf, sizeof buf);
		qtable_row(v, t, r.y + 1 + i, r.x, cells[i], false, p->top + i == p->cursor,
		           label ? label : ui_queue_label(q, false));
	}
	free(cells);
	free(rows);
	free(fresh);
}

static void draw_queues(struct ui_view *v, const struct snapshot *s)
{
	struct qpage *p = qpage(v);
	struct rect r = v->lay.queues;
	struct qtable t;
	int rows = v->lay.queue_rows, shown;

	p->page_rows = rows > 0 ? rows : 1;
	qtable_plan(&t, r.w, staffing_known(s));
	qtable_scroll(p, rows);
	shown = (int)p->n_rows - p->top;
	if (shown > rows)
		shown = rows;
	qtable_heading(v, s, &t, r, p, shown > 0 ? shown : 0);
	qtable_rows(v, s, p, &t, r, shown);
	if (p->n_rows == 0)
		ui_put(v, r.y + 1, r.x + QT_MARK_W, r.w - QT_MARK_W, ROLE_DIM,
		    s->n_queues ? "no queue matches the filter (Esc clears)" : "no queue seen yet");
	{
		struct qcell total[QC_COUNT];

		size_t slot = s->n_queues + s->n_groups;   /* after the queues' and groups' */

		qrow_fresh(v, &s->total, total, qfresh_slot(v, p, slot, slot + 1));
		qtable_row(v, &t, r.y + 1 + (shown > 0 ? shown : 1), r.x, total, true,
		           p->cursor < 0, "Total");
	}
}

/* Rebuilds the rows of s in p and finds the cursor's row again. */
static void qpage_rows(struct ui_view *v, struct qpage *p, const struct snapshot *s)
{
	struct qrows_opts o = { p->filter, p->sort, p->reverse, p->folded,
		s->n_groups < QP_MAX_GROUPS ? s->n_groups : QP_MAX_GROUPS };
	size_t need = qrows_max(s);

	if (need > p->cap_rows) {
		p->cap_rows = need;
		p->rows = xrealloc(p->rows, need * sizeof *p->rows);
	}
	p->n_rows = qrows_build(s, &o, p->rows);
	for (size_t i = 0; i < p->n_group_names; i++)
		free(p->row_group_names[i]);
	p->row_group_names = xrealloc(p->row_group_names,
	                              (s->n_groups ? s->n_groups : 1) * sizeof *p->row_group_names);
	for (size_t i = 0; i < s->n_groups; i++)
		p->row_group_names[i] = xstrdup(s->groups[i].q.name);
	p->n_group_names = s->n_groups;
	/* the frame's keys (Tab...) may have moved the selection */
	if (!p->cur_is_group && strcmp(p->cur_name, v->sel_name) != 0)
		snprintf(p->cur_name, sizeof p->cur_name, "%s", v->sel_name);
	p->cursor = -1;
	for (size_t i = 0; i < p->n_rows && p->cur_name[0]; i++) {
		const struct qrow *r = &p->rows[i];
		const char *name = r->queue < 0 ? s->groups[r->group].q.name
		                                : s->queues[r->queue].name;
		if ((r->queue < 0) == p->cur_is_group && strcmp(name, p->cur_name) == 0) {
			p->cursor = (int)i;
			break;
		}
	}
}

/* ---- agent board --------------------------------------------------------- */

struct agent_look { const char *tag; enum role role; };

static struct agent_look agent_look(const struct agent_view *a)
{
	if (a->status == MS_UNAVAILABLE || a->status == MS_INVALID)
		return (struct agent_look){ "Unavail", ROLE_DIM };
	switch (a->state) {
	case AGENT_AVAILABLE: return (struct agent_look){ "Avail", ROLE_OK };
	case AGENT_RINGING: return (struct agent_look){ "Ringing", ROLE_WARNING };
	case AGENT_ON_CALL: return (struct agent_look){ "On call", ROLE_BUSY };
	case AGENT_WRAPUP: return (struct agent_look){ "Wrap-up", ROLE_DIM };
	case AGENT_PAUSED: return (struct agent_look){ "Paused", ROLE_PAUSED };
	case AGENT_STATE_COUNT: break;
	}
	return (struct agent_look){ "?", ROLE_DIM };
}

_Static_assert(AGENT_AVAILABLE == 0 && AGENT_RINGING == 1 && AGENT_ON_CALL == 2 &&
               AGENT_WRAPUP == 3 && AGENT_PAUSED == 4, "the states in the board's order");

/* Where an agent comes on the board: available, ringing, on call, wrap-up,
 * paused (the states' own order), then unknown states, then unavailable.
 * Read for each of 10,000 agents a frame: no switch. */
static inline int agent_order(const struct agent_view *a)
{
	if (a->status == MS_UNAVAILABLE || a->status == MS_INVALID)
		return 6;
	return (unsigned)a->state < AGENT_STATE_COUNT ? (int)a->state : 5;
}

/* Free agents first, then ringing, on call, wrap-up, paused; longest in state first. */
static int agent_cmp(const void *pa, const void *pb)
{
	const struct agent_view *a = *(const struct agent_view *const *)pa;
	const struct agent_view *b = *(const struct agent_view *const *)pb;
	int oa = agent_order(a), ob = agent_order(b);

	if (oa != ob)
		return oa - ob;
	if (a->since != b->since)
		return a->since < b->since ? -1 : 1;
	return strcmp(a->name ? a->name : "", b->name ? b->name : "");
}

static void agents_counts(const struct ui_view *v, const struct agent_counts *c, struct rect r)
{
	struct { int n; const char *label; enum role role; } parts[] = {
		{ c->available, "available", ROLE_OK }, { c->ringing, "ringing", ROLE_WARNING },
		{ c->on_call, "on call", ROLE_BUSY }, { c->wrapup, "wrap-up", ROLE_DIM },
		{ c->paused, "paused", ROLE_PAUSED }, { c->unavailable, "unavailable", ROLE_DIM },
	};
	int x = r.x + 1;
	char num[16];

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		int need;

		if ((i == 1 || i == 5) && parts[i].n == 0)
			continue;   /* ringing and unavailable only when there are some */
		snprintf(num, sizeof num, "%d", parts[i].n);
		need = textsafe_width(num) + textsafe_width(parts[i].label) + 3;
		if (x + need > r.x + r.w)
			break;
		x += ui_put(v, r.y + 1, x, r.w, parts[i].n ? parts[i].role : ROLE_DIM, num);
		x += ui_put(v, r.y + 1, x + 1, r.w, ROLE_DIM, parts[i].label) + 3;
	}
}

static void agent_entry(const struct ui_view *v, const struct snapshot *s,
                        const struct agent_view *a, int y, int x, int w)
{
	struct agent_look lk = agent_look(a);
	char age[16], name[160];
	int tag_w = 8, age_w = 5, name_w = w - tag_w - age_w - 2;

	if (a->state == AGENT_ON_CALL && s->long_call_s > 0 && s->as_of - a->since >= s->long_call_s) {
		snprintf(name, sizeof name, "%s%s", v->g->warning, lk.tag);   /* a long call */
		ui_put(v, y, x, tag_w, ROLE_WARNING, name);
	} else {
		ui_put(v, y, x, tag_w, lk.role, lk.tag);
	}
	if (a->state == AGENT_PAUSED && a->reason && *a->reason && name_w >= 24)
		snprintf(name, sizeof name, "%s (%s)", a->name ? a->name : "?", a->reason);
	else
		snprintf(name, sizeof name, "%s", a->name ? a->name : "?");
	ui_put(v, y, x + tag_w, name_w, ROLE_NORMAL, name);
	ui_put_right(v, y, x + tag_w + name_w, age_w, ROLE_DIM,
	          ui_fmt_age(age, sizeof age, s->as_of - a->since));
}

/* Agent i of s if the board lists it: every agent for the total; for a
 * queue, its members, paused when paused in that queue (then a copy in
 * *copy); with filter, those in that state only. NULL when not listed. */
static const struct agent_view *agent_pick(const struct ui_view *v, const struct snapshot *s,
                                           size_t i, int filter, struct agent_view *copy)
{
	const struct snap_member *ms = NULL;
	const struct agent_view *a = &s->agents[i];

	if (v->sel >= 0 && (ms = snapshot_agent_in(s, i, (size_t)v->sel)) == NULL)
		return NULL;
	if (ms && ms->paused && (a->state == AGENT_AVAILABLE || a->state == AGENT_WRAPUP)) {
		*copy = *a;
		copy->state = AGENT_PAUSED;
		a = copy;
	}
	if (filter && a->state != agent_filters[filter - 1].st)
		return NULL;
	return a;
}

#define AGENT_COL_MAX_W 44      /* wider, the age drifts away from the name */
#define WAITING_MAX_W 56        /* the same for a caller's wait */

/* Sifts a[i] down the max-heap a[0..n-1] (by agent_cmp). */
static void heap_down(const struct agent_view **a, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, big = i;
		if (l < n && agent_cmp(&a[l], &a[big]) > 0)
			big = l;
		if (r < n && agent_cmp(&a[r], &a[big]) > 0)
			big = r;
		if (big == i)
			return;
		const struct agent_view *t = a[i];
		a[i] = a[big];
		a[big] = t;
		i = big;
	}
}

/* Sifts a[i] up the max-heap a[0..i]. */
static void heap_up(const struct agent_view **a, int i)
{
	while (i > 0 && agent_cmp(&a[i], &a[(i - 1) / 2]) > 0) {
		const struct agent_view *t = a[i];
		a[i] = a[(i - 1) / 2];
		a[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

/* The heap of the board's first k agents (agents_first). */
struct agents_heap {
	const struct agent_view **a;
	int k, h;
	int top_order;       /* the heap's last agent, once full */
	int64_t top_since;
};

/* Offers agent a to the heap: kept while the heap fills, then in place of
 * its top when it comes before; most of 10,000 agents come after the top by
 * their state or its age alone (no full compare, names). */
static inline void heap_offer(struct agents_heap *hp, const struct agent_view *a)
{
	int o;

	if (hp->h < hp->k) {
		hp->a[hp->h] = a;
		heap_up(hp->a, hp->h++);
	} else {
		o = agent_order(a);
		if (hp->k == 0 || o > hp->top_order || (o == hp->top_order && a->since > hp->top_since))
			return;
		if (agent_cmp(&a, &hp->a[0]) >= 0)
			return;
		hp->a[0] = a;
		heap_down(hp->a, hp->k, 0);
	}
	hp->top_order = agent_order(hp->a[0]);
	hp->top_since = hp->a[0]->since;
}

/* Puts the first k listed agents in board order at first[0..] (*shown: how
 * many, k at most; copies has room for every agent when a queue is
 * selected) and returns how many agents are listed: one pass with a heap of
 * k, so that a page of 40 among 10,000 agents is neither a list of all of
 * them nor a full sort. */
static int agents_first(const struct ui_view *v, const struct snapshot *s, int filter, int k,
                        const struct agent_view **first, struct agent_view *copies, int *shown)
{
	struct agents_heap hp = { .a = first, .k = k };
	int n = 0;

	if (v->sel < 0 && !filter) {         /* every agent as it is */
		for (size_t i = 0; i < s->n_agents; i++)
			heap_offer(&hp, &s->agents[i]);
		n = (int)s->n_agents;
	} else {
		for (size_t i = 0; i < s->n_agents; i++) {
			const struct agent_view *a = agent_pick(v, s, i, filter,
			                                        copies ? &copies[n] : NULL);
			if (a) {
				heap_offer(&hp, a);
				n++;
			}
		}
	}
	qsort(first, (size_t)hp.h, sizeof *first, agent_cmp);
	*shown = hp.h;
	return n;
}

/* Lists the agents from the top-th of n (first: the shown first of them, in
 * board order, to the page's end) in columns of rows; the title's range says
 * how many more ('>' pages). */
static void agents_list(const struct ui_view *v, const struct snapshot *s,
                        const struct agent_view **first, int shown, int n, struct rect r,
                        int top)
{
	int rows = v->lay.agent_rows, cols = v->lay.agent_cols, cap = rows * cols, col_w;
	int left = n - top;

	if (cap <= 0 || left <= 0)
		return;
	if (cols > 1 && (left + rows - 1) / rows < cols)
		cols = (left + rows - 1) / rows;   /* fewer, wider columns when they all fit */
	col_w = (r.w + 2) / cols;
	if (col_w > AGENT_COL_MAX_W)
		col_w = AGENT_COL_MAX_W;
	for (int i = 0; i < left && i < cap && top + i < shown; i++) {
		int y = r.y + 2 + i % rows, x = r.x + 1 + (i / rows) * col_w;

		agent_entry(v, s, first[top + i], y, x, col_w - 2);
	}
}

/* The agent board: the selected queue's agents ("Agents · sales"), or
 * everyone; 'f' shows one state only, '<' '>' page. */
static void draw_agents(struct ui_view *v, const struct snapshot *s)
{
	struct qpage *p = qpage(v);
	struct rect r = v->lay.agents;
	const struct snap_queue *q = ui_selected_queue(v, s);
	char right[96], title[160], range[48] = "";
	const struct agent_view **list;
	struct agent_view *copies = NULL;
	int n, shown, cap = v->lay.agent_rows * v->lay.agent_cols;
	int k = (p->agent_top > 0 ? p->agent_top : 0) + (cap > 0 ? cap : 0);

	if (r.h <= 0)
		return;
	/* the page's end: the clamp below moves the top back, never on */
	list = xmalloc((size_t)(k > 0 ? k : 1) * sizeof *list);
	if (v->sel >= 0)
		copies = xmalloc((s->n_agents ? s->n_agents : 1) * sizeof *copies);
	n = agents_first(v, s, p->agent_filter, k, list, copies, &shown);
	p->agent_page = cap > 0 ? cap : 1;
	if (p->agent_top > n - 1)
		p->agent_top = (n - 1) / p->agent_page * p->agent_page;
	if (p->agent_top < 0)
		p->agent_top = 0;
	if (p->agent_top > 0 || (cap > 0 && n > cap))
		snprintf(range, sizeof range, " %d-%d of %d", p->agent_top + 1,
		         p->agent_top + cap < n ? p->agent_top + cap : n, n);
	snprintf(title, sizeof title, "Agents%s%s%s%s", v->sel >= 0 ? " " : "",
	         v->sel >= 0 ? v->g->dot : "", v->sel >= 0 ? " " : "",
	         v->sel >= 0 ? ui_queue_label(q, false) : "");
	if (p->agent_filter)
		snprintf(right, sizeof right, "%s%s %s", agent_filters[p->agent_filter - 1].label,
		         range, v->g->dot);
	else
		snprintf(right, sizeof right, "%s%s%d logged in", range, range[0] ? " · " : "",
		         q->agents.logged_in);
	if (p->agent_filter)
		snprintf(right + strlen(right), sizeof right - strlen(right), " %d logged in",
		         q->agents.logged_in);
	ui_section(v, r.y, r.x, r.w, title, right);
	if (r.h >= 2) {
		agents_counts(v, &q->agents, r);
		if (n == 0 && v->lay.agent_rows > 0 && (p->agent_filter || v->sel >= 0))
			ui_put(v, r.y + 2, r.x + 1, r.w - 1, ROLE_DIM, p->agent_filter ?
			       "no agent in that state (f: next)" : "no agent logged in to this queue");
		agents_list(v, s, list, shown, n, r, p->agent_top);
	}
	free(copies);
	free(list);
}

/* ---- waiting callers ----------------------------------------------------- */

struct waiting_entry {
	const struct snap_caller *c;
	const struct snap_queue *q;
};

/* Longest wait first; ties in queue order. */
static int waiting_cmp(const void *pa, const void *pb)
{
	const struct waiting_entry *a = pa, *b = pb;

	if (a->c->waiting_s != b->c->waiting_s)
		return a->c->waiting_s > b->c->waiting_s ? -1 : 1;
	return a->q != b->q ? (a->q < b->q ? -1 : 1) : (a->c < b->c ? -1 : a->c > b->c);
}

/* The callers listed for the selection: the queue's, or every queue's for the
 * total, longest first. Returns how many (out has room for them all). */
static int waiting_pick(const struct ui_view *v, const struct snapshot *s,
                        struct waiting_entry *out)
{
	int n = 0;

	for (size_t i = 0; i < s->n_queues; i++) {
		if (v->sel >= 0 && (size_t)v->sel != i)
			continue;
		for (int k = 0; k < s->queues[i].n_callers; k++)
			out[n++] = (struct waiting_entry){ &s->queues[i].callers[k], &s->queues[i] };
	}
	if (v->sel < 0)
		qsort(out, (size_t)n, sizeof *out, waiting_cmp);
	return n;
}

/* Callers waiting in the selected queue (or all queues), from s. */
static int waiting_count(const struct ui_view *v, const struct snapshot *s)
{
	int n = 0;

	for (size_t i = 0; i < s->n_queues; i++)
		if (v->sel < 0 || (size_t)v->sel == i)
			n += s->queues[i].n_callers;
	return n;
}

/* One caller: its ID (made safe by put), its queue for the total, and m:ss
 * coloured by its grade (the longest wait's levels). */
static void waiting_entry(const struct ui_view *v, const struct waiting_entry *e, int y,
                          int x, int w)
{
	enum alert_severity sev = (enum alert_severity)e->q->caller_grade[e->c - e->q->callers];
	int dur_w = 7, label_w, id_w;
	char dur[24];

	if (w > WAITING_MAX_W)
		w = WAITING_MAX_W;
	label_w = v->sel < 0 && w >= 34 ? (w >= 48 ? 16 : 12) : 0;
	id_w = w - dur_w - label_w - 1;

	ui_put(v, y, x + 1, 1, ui_sev_role(sev, ROLE_NORMAL), ui_sev_glyph(v, sev));
	if (e->c->callerid[0])
		ui_put(v, y, x + 3, id_w - 4, ROLE_NORMAL, e->c->callerid);
	else
		ui_put(v, y, x + 3, id_w - 4, ROLE_DIM, "unknown");
	if (label_w)
		ui_put(v, y, x + id_w, label_w - 1, ROLE_DIM, ui_queue_label(e->q, false));
	ui_put_right(v, y, x + w - dur_w - 1, dur_w, ui_sev_role(sev, ROLE_NORMAL),
	          ui_fmt_dur(dur, sizeof dur, e->c->waiting_s));
}

static void draw_waiting(const struct ui_view *v, const struct snapshot *s)
{
	struct rect r = v->lay.waiting;
	const struct snap_queue *q = ui_selected_queue(v, s);
	int rows = v->lay.waiting_rows, n, shown;
	char title[160], right[48];
	struct waiting_entry *list;

	if (r.h <= 0 || rows <= 0)
		return;
	if (v->sel >= 0)
		snprintf(title, sizeof title, "Waiting %s %s", v->g->dot, ui_queue_label(q, false));
	else
		snprintf(title, sizeof title, "Waiting");
	snprintf(right, sizeof right, "%d waiting", q->waiting);
	ui_section(v, r.y, r.x, r.w, title, right);
	list = xcalloc((size_t)waiting_count(v, s) + 1, sizeof *list);
	n = waiting_pick(v, s, list);
	if (n == 0) {
		ui_put(v, r.y + 1, r.x + 1, 1, ROLE_OK, v->g->ok);
		ui_put(v, r.y + 1, r.x + 3, r.w - 3, ROLE_DIM, "no one waiting");
	}
	shown = n < rows ? n : rows;
	if (q->waiting > shown && shown == rows)
		shown = rows - 1;   /* the last row says how many more */
	for (int i = 0; i < shown; i++)
		waiting_entry(v, &list[i], r.y + 1 + i, r.x, r.w);
	if (q->waiting > shown && shown < rows) {
		char more[32];

		snprintf(more, sizeof more, "+%d more", q->waiting - shown);
		ui_put(v, r.y + 1 + shown, r.x + 3, r.w - 3, ROLE_DIM, more);
	}
	free(list);
}

/* ---- alerts -------------------------------------------------------------- */

/* The display name of queue name in s ("Total" for the total). */
static const char *alert_queue_label(const struct snapshot *s, const char *name)
{
	long i;

	if (strcmp(name, "total") == 0 || !*name)
		return "Total";
	i = snapshot_queue_find(s, name);
	return i >= 0 ? ui_queue_label(&s->queues[i], false) : name;
}

/* One alert on one line (wide panels) or two (the message under the head).
 * Returns the rows used. */
static int alert_entry(const struct ui_view *v, const struct snapshot *s,
                       const struct snap_alert *a, int y, int x, int w, bool two)
{
	enum role role = a->acknowledged ? ROLE_DIM : ui_sev_role(a->severity, ROLE_NORMAL);
	enum role text = a->acknowledged ? ROLE_DIM : ROLE_NORMAL;
	char when[16], age[24], msg[512];
	time_t t = (time_t)a->since;
	struct tm tm;
	int qx, qw = w >= LAYOUT_ALERT_ONE_LINE_W ? 16 : w - 22;

	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%H:%M:%S", &tm);
	snprintf(age, sizeof age, "for %s", ui_fmt_age(msg, sizeof msg, s->as_of - a->since));
	ui_put(v, y, x + 1, 1, role, ui_sev_glyph(v, a->severity));
	ui_put(v, y, x + 3, 8, text, when);
	ui_put(v, y, x + 12, 8, ROLE_DIM, age);
	qx = x + 21;
	qx += ui_put(v, y, qx, qw, a->acknowledged ? ROLE_DIM : ROLE_TITLE,
	          alert_queue_label(s, a->queue));
	snprintf(msg, sizeof msg, "%s%s", a->message[0] ? a->message : a->rule,
	         a->acknowledged ? " (acknowledged)" : "");
	if (two) {
		ui_put(v, y + 1, x + 3, w - 3, text, msg);
		return 2;
	}
	if (w >= LAYOUT_ALERT_ONE_LINE_W)
		qx = x + 21 + qw;
	ui_put(v, y, qx + 1, x + w - qx - 1, text, msg);
	return 1;
}

/* Where alert a goes in the panel's order: 0 for the worst new one. */
static int alert_key(const struct snap_alert *a)
{
	int sev = a->severity > SEV_CRITICAL ? SEV_CRITICAL : a->severity < SEV_OK ? SEV_OK :
	          (int)a->severity;
	return (a->acknowledged ? SEV_CRITICAL + 1 : 0) + SEV_CRITICAL - sev;
}

/* The alert lines: indexes into s->alerts, worst first (the new before the
 * acknowledged, then by severity, then the snapshot's order: newest first);
 * folded, the first alert of each rule stands for the rule (*count: how
 * many it has). Returns how many lines; idx and count have room for
 * s->n_alerts. Ordered by counting: six keys, and thousands of alerts a tick
 * sorted by compares read each alert again and again. */
static int alert_lines(const struct snapshot *s, bool fold, int *idx, int *count)
{
	enum { SEVS = SEV_CRITICAL + 1, KEYS = 2 * SEVS };
	int n = (int)s->n_alerts, k = 0, at[KEYS + 1] = { 0 };
	for (int i = 0; i < n; i++)         /* count[i]: alert i's key, until placed */
		at[1 + (count[i] = alert_key(s->alerts[i]))]++;
	for (int key = 1; key <= KEYS; key++)
		at[key] += at[key - 1];
	for (int i = 0; i < n; i++)
		idx[at[count[i]]++] = i;
	for (int i = 0; i < n; i++) {
		int j = 0;
		if (fold)
			while (j < k && strcmp(s->alerts[idx[j]]->rule, s->alerts[idx[i]]->rule) != 0)
				j++;
		if (fold && j < k) {
			count[j]++;
			continue;
		}
		idx[k] = idx[i];
		count[k++] = 1;
	}
	return k;
}

/* "sl_low on 97 queues", worst grade first. */
static void alert_folded(const struct ui_view *v, const struct snap_alert *a, int count, int y,
                         int x, int w)
{
	char text[160];
	enum role role = a->acknowledged ? ROLE_DIM : ui_sev_role(a->severity, ROLE_NORMAL);
	snprintf(text, sizeof text, "%s on %d queues", a->rule, count);
	ui_put(v, y, x + 1, 1, role, ui_sev_glyph(v, a->severity));
	ui_put(v, y, x + 3, w - 3, a->acknowledged ? ROLE_DIM : ROLE_TITLE, text);
}

static void draw_alerts(struct ui_view *v, const struct snapshot *s)
{
	struct qpage *p = qpage(v);
	struct rect r = v->lay.alerts;
	int rows = v->lay.alert_rows, n = (int)s->n_alerts, unacked = 0, lines, per;
	int *idx, *count;
	char right[96];
	bool two;

	if (r.h <= 0)
		return;
	for (int i = 0; i < n; i++)
		unacked += !s->alerts[i]->acknowledged;
	idx = xmalloc((size_t)(n ? n : 1) * sizeof *idx);
	count = xmalloc((size_t)(n ? n : 1) * sizeof *count);
	lines = alert_lines(s, p->alerts_fold, idx, count);
	two = r.w < LAYOUT_ALERT_ONE_LINE_W && rows >= 2 * lines;
	per = rows > 0 ? (two ? rows / 2 : rows) : 1;
	p->alert_page = per;
	if (p->alert_top > lines - per)
		p->alert_top = lines - per;
	if (p->alert_top < 0)
		p->alert_top = 0;
	if (n == 0)
		snprintf(right, sizeof right, "none");
	else if (lines > per)
		snprintf(right, sizeof right, "%d-%d of %d%s, %d active%s%.0d%s", p->alert_top + 1,
		         p->alert_top + per < lines ? p->alert_top + per : lines, lines,
		         p->alerts_fold ? " rules" : "", n, unacked ? ", " : "", unacked,
		         unacked ? " new" : "");
	else
		snprintf(right, sizeof right, "%d active%s%.0d%s", n, unacked ? ", " : "",
		         unacked, unacked ? " new" : "");
	ui_section(v, r.y, r.x, r.w, "Alerts", right);
	if (n == 0 && rows > 0) {
		ui_put(v, r.y + 1, r.x + 1, 1, ROLE_OK, v->g->ok);
		ui_put(v, r.y + 1, r.x + 3, r.w - 3, ROLE_DIM, "all clear");
	}
	for (int i = p->alert_top, y = r.y + 1; i < lines && y < r.y + 1 + rows; i++) {
		if (count[i] > 1)
			alert_folded(v, s->alerts[idx[i]], count[i], y++, r.x, r.w);
		else
			y += alert_entry(v, s, s->alerts[idx[i]], y, r.x, r.w, two);
	}
	free(idx);
	free(count);
}

/* ---- trend --------------------------------------------------------------- */

enum spark_kind { SPARK_VOLUME, SPARK_SL, SPARK_ABANDON };

/* Value of interval iv for kind k; NAN when it has no denominator. */
static double spark_value(const struct snap_queue *q, const struct interval *iv,
                          enum spark_kind k)
{
	struct derived d;

	if (k == SPARK_VOLUME)
		return iv->offered;
	d = snapshot_interval_derived(q, iv);
	return k == SPARK_SL ? d.service_level_pct : d.abandon_rate_pct;
}

struct spark_geom {
	int first, n;     /* intervals shown */
	int x, y;         /* top-left of the bars */
	int rows;         /* rows per sparkline */
	int cw;           /* columns per interval */
};

/* The abandon sparkline's scale reaches at least this far. */
#define SPARK_ABANDON_FLOOR_PCT 20.0

/* One sparkline, g.rows tall: each row holds eight levels of the bar. */
static void spark_row(const struct ui_view *v, const struct snap_queue *q, enum spark_kind k,
                      const struct spark_geom *g)
{
	double max = k == SPARK_SL ? 100.0 : k == SPARK_ABANDON ? SPARK_ABANDON_FLOOR_PCT : 1.0;
	int levels = GLYPHS_SPARK_LEVELS * g->rows, bar_w = g->cw == 3 ? 2 : g->cw;

	for (int i = g->first; i < g->first + g->n; i++) {
		double val = spark_value(q, snapshot_interval(q, i), k);

		if (!isnan(val) && val > max)
			max = val;
	}
	for (int i = g->first; i < g->first + g->n; i++) {
		double val = spark_value(q, snapshot_interval(q, i), k);
		enum role role = ROLE_SPARK;
		int level, x = g->x + (i - g->first) * g->cw;

		if (isnan(val) || (k == SPARK_VOLUME && val <= 0))
			continue;
		level = (int)ceil(val / max * levels);
		if (level < 1)
			level = 1;
		if (level > levels)
			level = levels;
		if (k != SPARK_VOLUME)
			role = ui_sev_role((enum alert_severity)snapshot_interval_grade(q,
			                k == SPARK_SL ? SNAP_IV_SL : SNAP_IV_ABANDON, i), ROLE_OK);
		for (int row = 0; row < g->rows; row++) {
			int fill = level - GLYPHS_SPARK_LEVELS * row;

			if (fill <= 0)
				break;
			if (fill > GLYPHS_SPARK_LEVELS)
				fill = GLYPHS_SPARK_LEVELS;
			for (int c = 0; c < bar_w; c++)
				ui_put(v, g->y + g->rows - 1 - row, x + c, 1, role, v->g->spark[fill - 1]);
		}
	}
}

/* Hour marks under the sparklines: interval i starts i x 15 min (real
 * seconds) after the day's start (the model's, so a reloaded day_start and a
 * 23- or 25-hour day are followed); each mark is the local time of that epoch. */
static void trend_axis(const struct ui_view *v, const struct snapshot *s,
                       const struct spark_geom *g, int y)
{
	int64_t day0 = s->day_start;

	for (int i = g->first; i < g->first + g->n; i++) {
		time_t at = (time_t)(day0 + (int64_t)i * MODEL_INTERVAL_S);
		int x = g->x + (i - g->first) * g->cw;
		struct tm tm;
		char hh[8];

		localtime_r(&at, &tm);
		if (tm.tm_min != 0 || x + 2 > g->x + g->n * g->cw + 1)
			continue;
		strftime(hh, sizeof hh, g->cw >= 3 ? "%H:00" : "%H", &tm);
		ui_put(v, y, x, g->cw >= 3 ? 5 : 2, ROLE_DIM, hh);
	}
}

static void draw_trend(const struct ui_view *v, const struct snapshot *s)
{
	struct rect r = v->lay.trend;
	const struct snap_queue *q = ui_selected_queue(v, s);
	static const char *const labels[] = { "Calls", "SL %", "Aband %" };
	int label_w = 9, val_w = 6, width = r.w - label_w - val_w - 2, n = q->n_intervals;
	struct spark_geom g = { .rows = v->lay.trend_rows > 0 ? v->lay.trend_rows : 1, .cw = 1 };
	char title[160], buf[32];

	if (r.h <= 0)
		return;
	snprintf(title, sizeof title, "Today by %d min %s %s", MODEL_INTERVAL_S / 60, v->g->dot,
	         ui_queue_label(q, v->sel < 0));
	ui_section(v, r.y, r.x, r.w, title, NULL);
	if (n > MODEL_MAX_INTERVALS)
		n = MODEL_MAX_INTERVALS;
	if (n > 0 && width / n > 1)
		g.cw = width / n > 3 ? 3 : width / n;
	g.n = n < width ? n : width;
	g.first = n - g.n;
	g.x = r.x + label_w;
	for (int k = 0; k < 3 && 1 + (k + 1) * g.rows <= r.h; k++) {
		double last = n > 0 ? spark_value(q, snapshot_interval(q, n - 1), (enum spark_kind)k) : NAN;

		g.y = r.y + 1 + k * g.rows;
		ui_put(v, g.y, r.x + 1, label_w - 1, ROLE_LABEL, labels[k]);
		if (g.n > 0)
			spark_row(v, q, (enum spark_kind)k, &g);
		if (k == SPARK_VOLUME)
			snprintf(buf, sizeof buf, "%.0f", isnan(last) ? 0.0 : last);
		else
			ui_fmt_pct(v, buf, sizeof buf, last, k == SPARK_ABANDON);
		ui_put_right(v, g.y + g.rows - 1, r.x + r.w - val_w - 1, val_w, ROLE_NORMAL, buf);
	}
	if (v->lay.trend_axis && r.h >= 2 + 3 * g.rows && g.n > 0)
		trend_axis(v, s, &g, r.y + 1 + 3 * g.rows);
}

/* ---- the page ------------------------------------------------------------ */

/* Lays the panels out in body (the rows between header and footer), then draws them. */
static void queues_draw(struct ui_view *v, const struct snapshot *s, struct rect body)
{
	struct qpage *p = qpage(v);
	struct layout_in in = { .rows = body.y + body.h + 1, .cols = body.w,
		.n_agents = (int)s->n_agents, .n_alerts = (int)s->n_alerts };

	if (v->sel >= (int)s->n_queues)
		v->sel = -1;                     /* a queue of contacts only: not on this board */
	qpage_rows(v, p, s);
	in.n_queues = (int)p->n_rows;
	in.n_callers = waiting_count(v, s);
	if (v->sel >= 0)
		in.n_agents = s->queues[v->sel].agents.logged_in;
	layout_compute(&v->lay, &in);
	if (v->lay.too_small)
		return;
	draw_tiles(v, s);
	draw_queues(v, s);
	draw_trend(v, s);
	draw_agents(v, s);
	draw_alerts(v, s);
	draw_waiting(v, s);
}

/* Points the cursor at row i (-1: the total) and the selection at its queue. */
static void cursor_set(struct ui_view *v, struct qpage *p, int i)
{
	const struct qrow *r;
	int n = (int)p->n_rows;

	p->cursor = i < -1 ? -1 : i >= n ? n - 1 : i;
	if (p->cursor < 0) {
		p->cur_name[0] = '\0';
		p->cur_is_group = false;
		v->sel_name[0] = '\0';
		return;
	}
	r = &p->rows[p->cursor];
	p->cur_is_group = r->queue < 0;
	if (p->cur_is_group) {
		snprintf(p->cur_name, sizeof p->cur_name, "%s",
		         (size_t)r->group < p->n_group_names ? p->row_group_names[r->group] : "");
		v->sel_name[0] = '\0';
	} else {
		snprintf(p->cur_name, sizeof p->cur_name, "%s", v->names && (size_t)r->queue <
		         v->n_names ? v->names[r->queue] : "");
		snprintf(v->sel_name, sizeof v->sel_name, "%s", p->cur_name);
	}
}

/* Moves the cursor by step rows, the total after the last row. */
static void cursor_move(struct ui_view *v, struct qpage *p, int step)
{
	int n = (int)p->n_rows, pos = p->cursor < 0 ? n : p->cursor;
	pos = ((pos + step) % (n + 1) + (n + 1)) % (n + 1);
	cursor_set(v, p, pos == n ? -1 : pos);
}

/* Enter, + and -: folds or unfolds the cursor's group (+ and - elsewhere: all). */
static void fold_key(struct ui_view *v, struct qpage *p, int key)
{
	const struct qrow *r = p->cursor >= 0 ? &p->rows[p->cursor] : NULL;
	int g = r ? r->group : -1;

	if (g < 0 || g >= QP_MAX_GROUPS) {
		if (key == '+' || key == '-')
			for (int i = 0; i < QP_MAX_GROUPS; i++)
				p->folded[i] = key == '-';
		return;
	}
	p->folded[g] = key == '-' ? true : key == '+' ? false : !p->folded[g];
	if (p->folded[g] && r->queue >= 0) {          /* the cursor goes to its group */
		for (int i = p->cursor; i >= 0; i--)
			if (p->rows[i].queue < 0 && p->rows[i].group == g) {
				cursor_set(v, p, i);
				break;
			}
	}
}

/* Typing the filter: letters add, Backspace takes back, Enter keeps it, Esc
 * clears it. Every key is the filter's meanwhile. */
static bool filter_key(struct qpage *p, int key)
{
	size_t n = strlen(p->filter);
	if (key == 27) {
		p->filter[0] = '\0';
		p->editing = false;
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		p->editing = false;
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (n)
			p->filter[n - 1] = '\0';
	} else if (key >= 32 && key < 127 && n + 1 < sizeof p->filter) {
		p->filter[n] = (char)key;
		p->filter[n + 1] = '\0';
	}
	if (key != KEY_RESIZE)
		p->top = 0;
	return key != KEY_RESIZE;
}

/* The queue page's keys: scrolling, the filter, the sort, folds, alert pages. */
static bool queues_key(struct ui_view *v, int key)
{
	struct qpage *p = qpage(v);

	if (p->editing)
		return filter_key(p, key);
	switch (key) {
	case '/':
		p->editing = true;
		return true;
	case 27:
		if (!p->filter[0])
			return false;
		p->filter[0] = '\0';
		return true;
	case 's':
		p->sort = (enum qrows_sort)((p->sort + 1) % QR_SORT_COUNT);
		return true;
	case 'S':
		p->reverse = !p->reverse;
		return true;
	case '\t': case KEY_DOWN: case 'j':
		cursor_move(v, p, 1);
		return true;
	case KEY_BTAB: case KEY_UP: case 'k':
		cursor_move(v, p, -1);
		return true;
	case KEY_NPAGE:
		p->top += p->page_rows;
		cursor_set(v, p, (p->cursor < 0 ? 0 : p->cursor) + p->page_rows);
		return true;
	case KEY_PPAGE:
		p->top -= p->page_rows;
		cursor_set(v, p, (p->cursor < 0 ? (int)p->n_rows : p->cursor) - p->page_rows);
		if (p->cursor < 0 && p->n_rows)
			cursor_set(v, p, 0);
		return true;
	case KEY_HOME:                       /* the total (the tiles' first choice), the top */
		cursor_set(v, p, -1);
		p->top = 0;
		return true;
	case KEY_END:
		cursor_set(v, p, (int)p->n_rows - 1);
		return true;
	case '\n': case '\r': case KEY_ENTER: case '+': case '-':
		fold_key(v, p, key);
		return true;
	case ']':
		p->alert_top += p->alert_page;
		return true;
	case '[':
		p->alert_top -= p->alert_page;
		return true;
	case 'z':
		p->alerts_fold = !p->alerts_fold;
		p->alert_top = 0;
		return true;
	case 'f':
		p->agent_filter = (p->agent_filter + 1) % (AGENT_FILTERS + 1);
		p->agent_top = 0;
		return true;
	case '>':
		p->agent_top += p->agent_page;
		return true;
	case '<':
		p->agent_top -= p->agent_page;
		return true;
	}
	return false;
}

/* --cycle: the table's next rows (the selection goes to the total, so that
 * it does not hold the table), back to the first after the last. */
static bool queues_cycle(struct ui_view *v)
{
	struct qpage *p = qpage(v);

	cursor_set(v, p, -1);
	if (p->top + p->page_rows >= (int)p->n_rows) {
		p->top = 0;
		return false;
	}
	p->top += p->page_rows;
	return true;
}

static const char *const queues_help[][2] = {
	{ "PgUp PgDn Home End", "page the table" },
	{ "Enter + -", "fold / unfold a group" },
	{ "/ Esc  s S", "filter by name; sort, reverse" },
	{ "[ ] z  < > f", "alerts: page, by rule; agents: page, state" },
};

const struct ui_page page_queues = {
	.name = "queues",
	.title = "Queues",
	.draw = queues_draw,
	.key = queues_key,
	.cycle = queues_cycle,
	.help = queues_help,
	.n_help = sizeof queues_help / sizeof queues_help[0],
	.state_new = qpage_new,
	.state_free = qpage_free,
};
