/* page_channels.c - page 2, every channel (SPEC 6): the customer's voice in
 * tiles (CSAT, NPS, CES, FCR), one row per channel and the total with the
 * backlog, first response, resolution and satisfaction of today, and the top
 * reasons on each channel. It reads the contacts as the JSON snapshot writes
 * them (ui_contacts_json), so the screen and --json agree figure by figure. */
#include "pages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw_kit.h"
#include "figures.h"
#include "textsafe.h"
#include "util.h"

/* ---- levels -------------------------------------------------------------- */

/* How good a contact figure is. One table, until the snapshot grades contact
 * figures itself (then clevel_grade takes the grades from there, as page 1
 * does): the defaults a team lead expects (SPEC 6, issue 13), the same
 * levels as the built-in contact alert rules (ct_builtins) where they watch
 * the figure, applied to every channel. */
struct clevel {
	const char *key;          /* a key of a period ("csat_pct"), or a live key */
	int op;                   /* FIG_ABOVE or FIG_BELOW */
	double warning, critical; /* per_target: multiples of the channel's frt_target_s */
	bool per_target;
	const char *n_key;        /* judged only on at least min_n of these ... */
	const char *n_key_else;   /* ... or of these when n_key counts none */
	int64_t min_n;
};

static const struct clevel clevels[] = {
	{ "csat_pct", FIG_BELOW, 80, 70, false, "csat_n", NULL, 10 },
	{ "nps", FIG_BELOW, 0, -20, false, "nps_n", NULL, 10 },
	{ "ces_avg", FIG_ABOVE, 4, 5, false, "ces_n", NULL, 10 },
	{ "fcr_pct", FIG_BELOW, 70, 60, false, "fcr_n", "created_with_customer", 10 },
	{ "frt_within_pct", FIG_BELOW, 80, 60, false, "first_responses", NULL, 10 },
	{ "abandon_rate_pct", FIG_ABOVE, 20, 30, false, "created", NULL, 10 },
	{ "oldest_unanswered_s", FIG_ABOVE, 1, 2, true, NULL, NULL, 0 },
};

static const struct clevel *clevel_find(const char *key)
{
	for (size_t i = 0; i < sizeof clevels / sizeof clevels[0]; i++)
		if (strcmp(clevels[i].key, key) == 0)
			return &clevels[i];
	return NULL;
}

/* The grade of value x of figure key, in period per (its counts) of a scope
 * whose first-response target is target_s (NAN: none). */
static enum alert_severity clevel_grade(const char *key, double x, const json_t *per,
                                        double target_s)
{
	const struct clevel *lv = clevel_find(key);
	double k = 1, n;

	if (!lv || isnan(x))
		return SEV_OK;
	if (lv->n_key) {
		n = ui_json_num(per, lv->n_key);
		if (lv->n_key_else && !(n > 0))
			n = ui_json_num(per, lv->n_key_else);
		if (!(n >= (double)lv->min_n))
			return SEV_OK;
	}
	if (lv->per_target) {
		if (isnan(target_s) || target_s <= 0 || x <= 0)
			return SEV_OK;
		k = target_s;
	}
	if (lv->op == FIG_ABOVE)
		return x > lv->critical * k ? SEV_CRITICAL : x > lv->warning * k ? SEV_WARNING : SEV_OK;
	return x < lv->critical * k ? SEV_CRITICAL : x < lv->warning * k ? SEV_WARNING : SEV_OK;
}

/* ---- cells --------------------------------------------------------------- */

enum cfmt { CF_INT, CF_SECS, CF_PCT, CF_PCT1, CF_NUM0, CF_NUM1, CF_MIX };

/* A row of the table: a channel, the total, or the selected queue's contacts. */
struct crow {
	const json_t *o;                /* its object in the contacts' JSON */
	const char *label;
	const struct snap_queue *voice; /* voice figures from this queue, or NULL */
	bool total, selected;
};

/* Writes x as fmt says. */
static void cfmt_write(const struct ui_view *v, char *buf, size_t n, double x, enum cfmt fmt)
{
	if (isnan(x) && fmt != CF_PCT && fmt != CF_PCT1 && fmt != CF_MIX) {
		snprintf(buf, n, "%s", v->g->nodata);
		return;
	}
	switch (fmt) {
	case CF_INT: snprintf(buf, n, "%.0f", x); break;
	case CF_SECS: ui_fmt_secs(v, buf, n, x); break;
	case CF_PCT: case CF_MIX: ui_fmt_pct(v, buf, n, x, false); break;
	case CF_PCT1: ui_fmt_pct(v, buf, n, x, true); break;
	case CF_NUM0: snprintf(buf, n, "%.0f", x); break;
	case CF_NUM1: snprintf(buf, n, "%.1f", x); break;
	}
}

/* A value of a row and its grade: key in the row's period ("today" or
 * "window"; the row itself for a live key); on the voice row, the queue figure
 * voice instead when given, of the same period (a call's first response is its
 * answer: SPEC 6.2 leaves calls to SPEC 2). */
static double crow_value(const struct crow *r, const char *period, const char *key, bool live,
                         const char *voice, enum alert_severity *sev)
{
	const json_t *per = json_object_get(r->o, period);
	double x;

	if (r->voice && voice) {
		char name[64];
		const struct figure *f;

		if (strncmp(voice, "today.", 6) == 0)
			snprintf(name, sizeof name, "%s.%s", period, voice + 6);
		else
			snprintf(name, sizeof name, "%s", voice);
		f = figure_find(name);
		*sev = f ? ui_grade_of(name, r->voice) : SEV_OK;
		return f ? figure_value(f, r->voice) : NAN;
	}
	x = ui_json_num(live ? r->o : per, key);
	*sev = clevel_grade(key, x, per, ui_json_num(r->o, "frt_target_s"));
	return x;
}

/* ---- the channel table --------------------------------------------------- */

struct ccol_def {
	const char *key;
	bool live;
	enum cfmt fmt;
	const char *voice;           /* the queue figure on the voice row, or NULL */
	const char *narrow, *wide;
	int w_narrow, w_wide;
	int prio;
};

static const struct ccol_def ccols[] = {
	{ "mix_pct", false, CF_MIX, NULL, "Mix", "Mix", 5, 16, 1 },
	{ "created", false, CF_INT, NULL, "Today", "Created", 6, 9, 0 },
	{ "open", true, CF_INT, "waiting", "Open", "Open", 6, 7, 0 },
	{ "unanswered", true, CF_INT, "waiting", "Unans", "Unanswered", 6, 12, 0 },
	{ "oldest_unanswered_s", true, CF_SECS, "longest_wait_s", "Oldest", "Oldest unans", 9, 14, 0 },
	{ "frt_avg_s", false, CF_SECS, "today.asa_s", "FRT", "1st reply", 9, 11, 2 },
	{ "frt_within_pct", false, CF_PCT, "today.service_level_pct", "In tgt", "In target", 7, 11,
	  0 },
	{ "resolution_avg_s", false, CF_SECS, NULL, "Resol", "Resolution", 9, 12, 3 },
	{ "replies_per_resolution", false, CF_NUM1, NULL, "Rep/R", "Replies/res", 6, 13, 4 },
	{ "csat_pct", false, CF_PCT, NULL, "CSAT", "CSAT", 6, 7, 0 },
	{ "nps", false, CF_NUM0, NULL, "NPS", "NPS", 5, 6, 1 },
	{ "ces_avg", false, CF_NUM1, NULL, "CES", "CES", 5, 6, 2 },
	{ "fcr_pct", false, CF_PCT, NULL, "FCR", "FCR", 5, 6, 1 },
	{ "abandon_rate_pct", false, CF_PCT1, "today.abandon_rate_pct", "Ab%", "Abandon", 6, 9, 1 },
};
#define CC_COUNT ((int)(sizeof ccols / sizeof ccols[0]))
#define CT_MARK_W 3

struct ctable {
	const char *period;          /* "today" or "window" (no live columns) */
	bool shown[CC_COUNT];
	bool wide;
	int name_w, pad;
};

static int ccol_w(const struct ctable *t, int c)
{
	return (t->wide ? ccols[c].w_wide : ccols[c].w_narrow) + t->pad;
}

static void ctable_plan(struct ctable *t, int cols, const char *period)
{
	struct layout_col lc[CC_COUNT];
	bool window = strcmp(period, "window") == 0;
	int used, n = 0;

	t->period = period;
	t->wide = cols >= LAYOUT_WIDE_COLS;
	for (int i = 0; i < CC_COUNT; i++) {
		lc[i].width = t->wide ? ccols[i].w_wide : ccols[i].w_narrow;
		lc[i].prio = window && ccols[i].live ? 99 : ccols[i].prio;   /* never shown */
	}
	t->name_w = layout_columns(cols - CT_MARK_W - 1, lc, CC_COUNT, t->wide ? 14 : 10,
	                           t->wide ? 24 : 16, t->shown);
	used = CT_MARK_W + 1 + t->name_w;
	for (int i = 0; i < CC_COUNT; i++)
		if (t->shown[i]) {
			used += lc[i].width;
			n++;
		}
	t->pad = n > 0 ? (cols - used) / n : 0;
	if (t->pad > 3)
		t->pad = 3;
}

/* The mix column: a bar of the share, then the share. */
static void mix_cell(const struct ui_view *v, int y, int x, int w, double pct, enum role calm)
{
	char num[16];
	int nw, bar;

	ui_fmt_pct(v, num, sizeof num, pct, false);
	nw = textsafe_width(num);
	ui_put_right(v, y, x, w, calm, num);
	bar = w - nw - 2;
	if (bar < 2 || isnan(pct))
		return;
	for (int i = 0; i < (int)lround(pct / 100.0 * bar) && i < bar; i++)
		ui_put(v, y, x + 1 + i, 1, ROLE_SPARK, v->g->spark[GLYPHS_SPARK_LEVELS - 1]);
}

static void ctable_heading(const struct ui_view *v, const struct ctable *t, int y, int x0)
{
	int x = x0 + CT_MARK_W + t->name_w;

	ui_put(v, y, x0 + CT_MARK_W, t->name_w, ROLE_HEADING, "Channel");
	for (int c = 0; c < CC_COUNT; c++) {
		if (!t->shown[c])
			continue;
		ui_put_right(v, y, x, ccol_w(t, c), ROLE_HEADING, t->wide ? ccols[c].wide
		                                                           : ccols[c].narrow);
		x += ccol_w(t, c);
	}
}

static void ctable_row(const struct ui_view *v, const struct ctable *t, int y, int x0,
                       const struct crow *r)
{
	enum role calm = r->total ? ROLE_TOTAL : ROLE_NORMAL;
	enum alert_severity worst = SEV_OK;
	int x = x0 + CT_MARK_W + t->name_w;
	char buf[48];

	for (int c = 0; c < CC_COUNT; c++) {
		enum alert_severity sev;
		double val = crow_value(r, t->period, ccols[c].key, ccols[c].live, ccols[c].voice,
		                        &sev);
		int w = ccol_w(t, c);

		worst = ui_sev_max(worst, sev);
		if (!t->shown[c])
			continue;
		if (ccols[c].fmt == CF_MIX) {
			mix_cell(v, y, x, w, val, calm);
		} else if (sev != SEV_OK) {   /* a badge: one space each side */
			char badge[56];

			cfmt_write(v, buf, sizeof buf, val, ccols[c].fmt);
			snprintf(badge, sizeof badge, " %s ", buf);
			ui_put_right(v, y, x + 1, w, ui_sev_role(sev, calm), badge);
		} else {
			cfmt_write(v, buf, sizeof buf, val, ccols[c].fmt);
			ui_put_right(v, y, x, w, calm, buf);
		}
		x += w;
	}
	if (r->selected) {
		ui_put(v, y, x0, 1, ROLE_SELECTED, v->g->selected);
		ui_fill(v, y, x0 + CT_MARK_W, t->name_w - 1, ROLE_SELECTED);
	}
	ui_put(v, y, x0 + 1, 1, ui_sev_role(worst, calm), ui_sev_glyph(v, worst));
	ui_put(v, y, x0 + CT_MARK_W + (r->selected ? 1 : 0), t->name_w - 2,
	       r->selected ? ROLE_SELECTED : calm, r->label);
}

/* The object of queue name in the contacts' JSON ("contacts"), or NULL. */
static const json_t *queue_contacts(const json_t *root, const char *name)
{
	size_t i;
	json_t *q;

	json_array_foreach(json_object_get(root, "queues"), i, q)
		if (strcmp(json_string_value(json_object_get(q, "name")) ?: "", name) == 0)
			return json_object_get(q, "contacts");
	return NULL;
}

/* The rows: each channel (sorted by name), the total, and the selected
 * queue's contacts. Returns how many (rows has room for channels + 2). */
static int crows_fill(const struct ui_view *v, const struct snapshot *s, const json_t *root,
                      struct crow *rows)
{
	const json_t *chs = json_object_get(root, "channels"), *ch, *qc;
	int n = 0;
	size_t i;

	json_array_foreach(chs, i, ch) {
		const char *name = json_string_value(json_object_get(ch, "name")) ?: "?";

		rows[n++] = (struct crow){ .o = ch,
			.label = json_string_value(json_object_get(ch, "display")) ?: name,
			.voice = strcmp(name, "voice") == 0 ? &s->total : NULL };
	}
	rows[n++] = (struct crow){ .o = json_object_get(root, "channel_total"), .label = "Total",
		.total = true, .selected = v->sel < 0 };
	if (v->sel >= 0 && (qc = queue_contacts(root, v->sel_name)) != NULL) {
		const struct snap_queue *q = (size_t)v->sel < s->n_queues ? &s->queues[v->sel] : NULL;

		rows[n++] = (struct crow){ .o = qc, .label = ui_selection_label(v, s),
			.voice = q && (q->today.c.offered > 0 || q->waiting > 0) ? q : NULL,
			.selected = true };
	}
	return n;
}

/* The table of period ("today", "window") in r. Returns the rows used. */
static int draw_table(const struct ui_view *v, const struct snapshot *s, const json_t *root,
                      struct rect r, const char *period)
{
	size_t nch = json_array_size(json_object_get(root, "channels"));
	struct crow *rows = xcalloc(nch + 2, sizeof *rows);
	int n = crows_fill(v, s, root, rows), fixed = n - (int)nch, y = r.y + 2;
	int room = r.h - 2, nshow = n <= room ? (int)nch : room - fixed > 0 ? room - fixed : 0;
	struct ctable t;
	char right[48];

	snprintf(right, sizeof right, "%zu channel%s", nch, nch == 1 ? "" : "s");
	if (strcmp(period, "window") == 0) {
		char win[16], title[48];

		ui_fmt_window(win, sizeof win, s->window_s);
		snprintf(title, sizeof title, "Channels, last %s", win);
		ui_section(v, r.y, r.x, r.w, title, NULL);
	} else {
		ui_section(v, r.y, r.x, r.w, "Channels today", right);
	}
	ctable_plan(&t, r.w, period);
	ctable_heading(v, &t, r.y + 1, r.x);
	/* the total and the selection stay when channels do not all fit */
	for (int i = 0; i < nshow; i++)
		ctable_row(v, &t, y++, r.x, &rows[i]);
	for (int k = (int)nch; k < n && y < r.y + r.h; k++)
		ctable_row(v, &t, y++, r.x, &rows[k]);
	free(rows);
	return y - r.y;
}

/* ---- tiles --------------------------------------------------------------- */

static void tile_fill(const struct ui_view *v, struct ui_tile *t, const char *label,
                      const char *key, enum cfmt fmt, const json_t *o, const char *n_key,
                      const char *more)
{
	const json_t *per = json_object_get(o, "today");
	double x = ui_json_num(per, key), n = ui_json_num(per, n_key);
	double w = ui_json_num(json_object_get(o, "window"), key);
	char win[16], wv[16];

	memset(t, 0, sizeof *t);
	t->label = label;
	snprintf(t->short_label, sizeof t->short_label, "%s", label);
	cfmt_write(v, t->value, sizeof t->value, x, fmt);
	t->sev = clevel_grade(key, x, per, NAN);
	cfmt_write(v, wv, sizeof wv, w, fmt);
	ui_fmt_window(win, sizeof win, (int)ui_json_num(json_object_get(o, "window"), "seconds"));
	snprintf(t->detail, sizeof t->detail, "%.0f %s today %s %s %s%s%s", isnan(n) ? 0 : n,
	         strcmp(n_key, "created_with_customer") == 0 ? "contacts" : "answers", v->g->dot,
	         win, wv, more ? " " : "", more ? more : "");
	snprintf(t->short_detail, sizeof t->short_detail, "%.0f %s", isnan(n) ? 0 : n,
	         strcmp(n_key, "created_with_customer") == 0 ? "contacts" : "answers");
}

#define CT_TILES 4

static void draw_tiles(const struct ui_view *v, const struct snapshot *s, const json_t *root,
                       struct rect r, bool big)
{
	const json_t *o = json_object_get(root, "channel_total");
	struct ui_tile t[CT_TILES];
	char title[160];
	bool fcr_surveys;

	if (v->sel >= 0)
		o = queue_contacts(root, v->sel_name);
	fcr_surveys = ui_json_num(json_object_get(o, "today"), "fcr_n") > 0;
	tile_fill(v, &t[0], "CSAT", "csat_pct", CF_PCT, o, "csat_n", NULL);
	tile_fill(v, &t[1], "NPS", "nps", CF_NUM0, o, "nps_n", NULL);
	tile_fill(v, &t[2], "Effort (CES)", "ces_avg", CF_NUM1, o, "ces_n", "(1 easy, 7 hard)");
	tile_fill(v, &t[3], "First contact resolution", "fcr_pct", CF_PCT, o,
	          fcr_surveys ? "fcr_n" : "created_with_customer",
	          fcr_surveys ? NULL : "(no repeat)");
	snprintf(t[2].short_label, sizeof t[2].short_label, "CES");
	snprintf(t[3].short_label, sizeof t[3].short_label, "FCR");
	snprintf(title, sizeof title, "Customer's voice %s %s", v->g->dot,
	         ui_selection_label(v, s));
	ui_tiles_draw(v, t, CT_TILES, r, big, title, v->sel < 0 ? "all channels" : "selected queue");
	if (!o && r.h > 1)
		ui_put(v, r.y + r.h - 1, r.x + 1, r.w - 2, ROLE_DIM, "no contact in this queue today");
}

/* ---- reasons ------------------------------------------------------------- */

struct reason { const char *name; json_int_t n; };

static int reason_cmp(const void *pa, const void *pb)
{
	const struct reason *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* One line: "email   returns 31 · billing 12 · ...", most frequent first. */
static void reasons_line(const struct ui_view *v, const json_t *ch, int y, int x, int w)
{
	const json_t *rs = json_object_get(ch, "reasons");
	struct reason *list = xcalloc(json_object_size(rs) + 1, sizeof *list);
	const char *key;
	json_t *val;
	size_t n = 0;
	int lw = 12, cx = x + lw;

	json_object_foreach((json_t *)rs, key, val)
		list[n++] = (struct reason){ key, json_integer_value(val) };
	qsort(list, n, sizeof *list, reason_cmp);
	ui_put(v, y, x + 1, lw - 2, ROLE_LABEL,
	       json_string_value(json_object_get(ch, "display")) ?: "?");
	for (size_t i = 0; i < n && cx < x + w - 4; i++) {
		char count[32], name[128];

		if (i > 0)
			cx += ui_put(v, y, cx, x + w - cx, ROLE_DIM, "  ");
		if (textsafe_copy(name, sizeof name, list[i].name, 40, v->text_flags) == 0)
			snprintf(name, sizeof name, "?");   /* nothing printable in it */
		cx += ui_put(v, y, cx, x + w - cx, ROLE_NORMAL, name);
		snprintf(count, sizeof count, " %lld", (long long)list[i].n);
		cx += ui_put(v, y, cx, x + w - cx, ROLE_DIM, count);
	}
	free(list);
}

static void draw_reasons(const struct ui_view *v, const json_t *root, struct rect r)
{
	const json_t *chs = json_object_get(root, "channels"), *ch;
	int y = r.y + 1;
	size_t i;

	if (r.h < 2)
		return;
	ui_section(v, r.y, r.x, r.w, "Top reasons today", NULL);
	json_array_foreach(chs, i, ch) {
		if (json_object_size(json_object_get(ch, "reasons")) == 0)
			continue;
		if (y >= r.y + r.h)
			break;
		reasons_line(v, ch, y++, r.x, r.w);
	}
	if (y == r.y + 1)
		ui_put(v, y, r.x + 1, r.w - 1, ROLE_DIM, "no reason given today");
}

/* ---- the page ------------------------------------------------------------ */

/* Rows of a table: title, heading, the channels, the total, the selection. */
static int table_rows(const struct ui_view *v, const json_t *root)
{
	return 2 + (int)json_array_size(json_object_get(root, "channels")) + 1 + (v->sel >= 0);
}

static void channels_draw(struct ui_view *v, const struct snapshot *s, struct rect body)
{
	json_t *root = ui_contacts_json(s);
	bool big = body.y + body.h + 1 >= LAYOUT_BIG_ROWS && body.w >= LAYOUT_BIG_COLS;
	int th = big ? LAYOUT_TILE_ROWS_BIG : LAYOUT_TILE_ROWS_COMPACT, y = body.y, end;

	if (!root) {
		ui_section(v, body.y, body.x, body.w, "Channels", NULL);
		ui_put(v, body.y + 2, body.x + 2, body.w - 4, ROLE_DIM,
		       "no contact event yet: channels appear with the first one (SPEC 6.1)");
		return;
	}
	end = body.y + body.h;
	draw_tiles(v, s, root, (struct rect){ y, body.x, th, body.w }, big);
	y += th + (big ? 0 : 1);
	y += draw_table(v, s, root, (struct rect){ y, body.x, end - y, body.w }, "today");
	if (end - y >= 4)
		y++;
	/* the window's table too when it and the reasons fit whole */
	if (end - y >= 2 * table_rows(v, root) + 2) {
		y += draw_table(v, s, root, (struct rect){ y, body.x, end - y, body.w }, "window");
		y++;
	}
	draw_reasons(v, root, (struct rect){ y, body.x, end - y, body.w });
	json_decref(root);
}

const struct ui_page page_channels = {
	.name = "channels",
	.title = "Channels",
	.draw = channels_draw,
};
