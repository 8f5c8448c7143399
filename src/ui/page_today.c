/* page_today.c - the fourth view, Today vs typical (SPEC 7): the selected
 * queue's (or all queues') calls per 15 minutes today against the typical
 * day, the peak ratio so far, the forecast for the next intervals, a table of
 * the queues, and at the bottom a rect for the staffing table. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "draw_kit.h"
#include "panel_staffing.h"
#include "glyphs.h"
#include "history.h"
#include "pages.h"
#include "textsafe.h"

#define TODAY_SLOTS MODEL_MAX_INTERVALS
#define LABEL_W 9

/* One curve: today's calls and typical calls per interval of the day. */
struct curve {
	double act[TODAY_SLOTS], typ[TODAY_SLOTS];
	int n_act;          /* today's intervals so far (the last one open) */
	int n_typ;          /* intervals with a typical value */
	double ratio;       /* so far; NAN unknown */
};

/* Adds queue q's intervals to c (several queues make the total's curve). */
static void curve_add(struct curve *c, const struct history *h, const struct snap_queue *q)
{
	int n = q->n_intervals < TODAY_SLOTS ? q->n_intervals : TODAY_SLOTS;
	for (int i = q->iv_first; i < n; i++)    /* none before it: empty */
		c->act[i] += q->intervals[i - q->iv_first].offered;
	if (n > c->n_act)
		c->n_act = n;
	for (int i = 0; i < TODAY_SLOTS; i++) {
		double t = history_typical_calls(h, q->name, i);
		if (isnan(t))
			continue;
		c->typ[i] += t;
		if (i + 1 > c->n_typ)
			c->n_typ = i + 1;
	}
}

/* The ratio so far: the open interval's typical weighed by how much of it passed. */
static void curve_ratio(struct curve *c, const struct snapshot *s)
{
	double act = 0, typ = 0;
	for (int i = 0; i < c->n_act && i < c->n_typ; i++) {
		double w = 1;
		if (i == c->n_act - 1) {
			w = (double)(s->as_of - s->day_start - (int64_t)i * MODEL_INTERVAL_S + 1) /
			    MODEL_INTERVAL_S;
			w = w < 0 ? 0 : w > 1 ? 1 : w;
		}
		act += c->act[i];
		typ += c->typ[i] * w;
	}
	c->ratio = typ > 0 ? act / typ : NAN;
}

static void curve_build(struct curve *c, const struct ui_view *v, const struct snapshot *s)
{
	memset(c, 0, sizeof *c);
	if (v->sel >= 0 && (size_t)v->sel < s->n_queues) {
		curve_add(c, s->history, &s->queues[v->sel]);
	} else {
		for (size_t i = 0; i < s->n_queues; i++)
			curve_add(c, s->history, &s->queues[i]);
	}
	curve_ratio(c, s);
}

static const char *times_sign(const struct ui_view *v)
{
	return v->text_flags & TEXTSAFE_UTF8 ? "\u00d7" : "x";
}

/* "×1.60", or the no-data glyph. */
static const char *fmt_ratio(const struct ui_view *v, char *buf, size_t n, double r)
{
	if (isnan(r))
		snprintf(buf, n, "%s", v->g->nodata);
	else
		snprintf(buf, n, "%s%.2f", times_sign(v), r);
	return buf;
}

/* One sparkline of vals[first..first+n) on row y, bars of cw columns, scaled to max. */
static void spark(const struct ui_view *v, const double *vals, int first, int n, int cw,
                  int y, int x, double max, enum role role)
{
	for (int i = 0; i < n; i++) {
		double val = vals[first + i];
		if (!(val > 0) || max <= 0)
			continue;
		int level = (int)ceil(val / max * GLYPHS_SPARK_LEVELS);
		level = level < 1 ? 1 : level > GLYPHS_SPARK_LEVELS ? GLYPHS_SPARK_LEVELS : level;
		for (int k = 0; k < (cw == 3 ? 2 : cw); k++)
			ui_put(v, y, x + i * cw + k, 1, role, v->g->spark[level - 1]);
	}
}

/* Hour marks under the curves, at the local time of each interval's start. */
static void axis(const struct ui_view *v, const struct snapshot *s, int first, int n, int cw,
                 int y, int x)
{
	for (int i = 0; i < n; i++) {
		time_t at = (time_t)(s->day_start + (int64_t)(first + i) * MODEL_INTERVAL_S);
		struct tm tm;
		char hh[8];
		localtime_r(&at, &tm);
		if (tm.tm_min != 0 || i * cw + 2 > n * cw)
			continue;
		strftime(hh, sizeof hh, cw >= 3 ? "%H:00" : "%H", &tm);
		ui_put(v, y, x + i * cw, cw >= 3 ? 5 : 2, ROLE_DIM, hh);
	}
}

/* The intervals worth showing: from the first with calls (today or typical)
 * to the last, and through now. */
static void span(const struct curve *c, int *first, int *n)
{
	int lo = -1, hi = c->n_act - 1;
	for (int i = 0; i < TODAY_SLOTS; i++) {
		if (c->act[i] > 0 || c->typ[i] > 0) {
			if (lo < 0)
				lo = i;
			if (i > hi)
				hi = i;
		}
	}
	*first = lo < 0 ? 0 : lo;
	*n = hi >= *first ? hi - *first + 1 : 0;
}

/* The two curves, the hour axis; returns the rows used. */
static int draw_curves(const struct ui_view *v, const struct snapshot *s, const struct curve *c,
                       struct rect r)
{
	int first, n, width = r.w - LABEL_W - 1, cw = 1;
	span(c, &first, &n);
	if (n == 0 || r.h < 3 || width < 4)
		return 0;
	if (n > width) {            /* the latest intervals that fit */
		first += n - width;
		n = width;
	}
	if (width / n > 1)
		cw = width / n > 3 ? 3 : width / n;
	double max = 0;
	for (int i = first; i < first + n; i++)
		max = fmax(max, fmax(c->act[i], c->typ[i]));
	ui_put(v, r.y, r.x, LABEL_W, ROLE_LABEL, "Today");
	spark(v, c->act, first, n < c->n_act - first ? n : c->n_act - first, cw, r.y, r.x + LABEL_W,
	      max, ROLE_SPARK);
	ui_put(v, r.y + 1, r.x, LABEL_W, ROLE_LABEL, "Typical");
	spark(v, c->typ, first, n, cw, r.y + 1, r.x + LABEL_W, max, ROLE_DIM);
	axis(v, s, first, n, cw, r.y + 2, r.x + LABEL_W);
	return 3;
}

/* "Next  10:30 19.2  10:45 22.4 ..." from the current interval on. */
static void draw_forecast(const struct ui_view *v, const struct snapshot *s,
                          const struct curve *c, int y, int x, int w)
{
	int col = LABEL_W;
	ui_put(v, y, x, LABEL_W, ROLE_LABEL, "Forecast");
	double ratio = isnan(c->ratio) ? 1.0 : c->ratio;
	for (int i = c->n_act > 0 ? c->n_act - 1 : 0; i < c->n_typ && col + 12 <= w; i++) {
		if (!(c->typ[i] > 0))
			continue;         /* a time of day with no calls on a typical day */
		time_t at = (time_t)(s->day_start + (int64_t)i * MODEL_INTERVAL_S);
		struct tm tm;
		char hm[8], cell[32];
		localtime_r(&at, &tm);
		strftime(hm, sizeof hm, "%H:%M", &tm);
		ui_put(v, y, x + col, 6, ROLE_DIM, hm);
		snprintf(cell, sizeof cell, "%.0f", c->typ[i] * ratio);
		ui_put(v, y, x + col + 6, 5, ROLE_NORMAL, cell);
		col += 12;
	}
}

static void fmt_pair(char *buf, size_t n, const char *what, double peak, double normal,
                     const char *unit, const char *nodata)
{
	char a[16], b[16];
	snprintf(a, sizeof a, "%s", nodata);
	snprintf(b, sizeof b, "%s", nodata);
	if (!isnan(peak))
		snprintf(a, sizeof a, "%.0f%s", peak, unit);
	if (!isnan(normal))
		snprintf(b, sizeof b, "%.0f%s", normal, unit);
	snprintf(buf, n, "%s %s vs %s", what, a, b);
}

/* "Peaks    sales: 2 of 8 past days x1.2 the median: AHT 300s vs 200s  SL 50% vs 100%  CSAT
 * 60% vs 90%": the past peak days against the normal ones, for the selected
 * queue (all queues: the first with a typical day). */
static void draw_peak_days(const struct ui_view *v, const struct snapshot *s, int y, int x,
                           int w)
{
	struct hist_days_cmp d;
	const struct snap_queue *q = NULL;
	for (size_t i = 0; i < s->n_queues && q == NULL; i++)
		if ((v->sel < 0 || (size_t)v->sel == i) &&
		    history_days_compare(s->history, s->queues[i].name, &d))
			q = &s->queues[i];
	if (q == NULL)
		return;
	char line[256], p[3][48];
	fmt_pair(p[0], sizeof p[0], "AHT", d.aht_s[0], d.aht_s[1], "s", v->g->nodata);
	fmt_pair(p[1], sizeof p[1], "SL", d.service_level_pct[0], d.service_level_pct[1], "%",
	         v->g->nodata);
	fmt_pair(p[2], sizeof p[2], "CSAT", d.csat_pct[0], d.csat_pct[1], "%", v->g->nodata);
	snprintf(line, sizeof line, "%s: %d of %d past days %s%.1f the median: %s  %s  %s",
	         ui_queue_label(q, false),
	         d.days[0], d.days[0] + d.days[1], times_sign(v), HISTORY_PEAK_DAY_RATIO, p[0],
	         p[1], p[2]);
	ui_put(v, y, x, LABEL_W, ROLE_LABEL, "Peaks");
	ui_put(v, y, x + LABEL_W, w - LABEL_W, d.days[0] ? ROLE_NORMAL : ROLE_DIM, line);
}

/* Queue | Today | Typical | Peak | Next: one row per queue, so far today. */
static int draw_table(const struct ui_view *v, const struct snapshot *s, struct rect r)
{
	static const char *const head[] = { "Queue", "Today", "Typical", "Peak", "Next 15m" };
	static const int cw[] = { 0, 8, 9, 8, 10 };
	int name_w = r.w - 35;
	if (r.h < 2 || name_w < 6)
		return 0;
	int x = r.x;
	for (int k = 0; k < 5; k++) {
		int w = k ? cw[k] : name_w;
		if (k)
			ui_put_right(v, r.y, x, w, ROLE_HEADING, head[k]);
		else
			ui_put(v, r.y, x, w, ROLE_HEADING, head[k]);
		x += w;
	}
	int row = 1;
	for (size_t i = 0; i < s->n_queues && row < r.h; i++) {
		const struct snap_queue *q = &s->queues[i];
		struct curve c;
		memset(&c, 0, sizeof c);
		curve_add(&c, s->history, q);
		curve_ratio(&c, s);
		double act = 0, typ = 0;
		for (int k = 0; k < c.n_act; k++) {
			act += c.act[k];
			typ += k < c.n_typ ? c.typ[k] : 0;
		}
		char b[4][32];
		snprintf(b[0], sizeof b[0], "%.0f", act);
		snprintf(b[1], sizeof b[1], "%.0f", typ);
		fmt_ratio(v, b[2], sizeof b[2], c.ratio);
		double next = NAN;
		if (c.n_act < c.n_typ)
			next = c.typ[c.n_act] * (isnan(c.ratio) ? 1.0 : c.ratio);
		if (isnan(next))
			snprintf(b[3], sizeof b[3], "%s", v->g->nodata);
		else
			snprintf(b[3], sizeof b[3], "%.0f", next);
		enum role role = (int)i == v->sel ? ROLE_SELECTED : ROLE_NORMAL;
		int y = r.y + row++;
		ui_put(v, y, r.x, name_w, role, ui_queue_label(q, false));
		x = r.x + name_w;
		for (int k = 1; k < 5; k++) {
			enum role cr = k == 3 && c.ratio >= 1.25 ? ROLE_WARNING : role;
			ui_put_right(v, y, x, cw[k], cr, b[k - 1]);
			x += cw[k];
		}
	}
	return row;
}

/* The rows kept at the bottom of the page for the staffing table. */
static struct rect staffing_rect(struct rect body)
{
	int h = body.h >= 18 ? 8 : body.h >= 12 ? 4 : 0;
	return (struct rect){ body.y + body.h - h, body.x, h, body.w };
}

static void draw_no_history(const struct ui_view *v, const struct snapshot *s, struct rect r)
{
	const char *detail = "";
	const char *status = s->history ? history_status(s->history, &detail) : "off";
	char line[256];
	snprintf(line, sizeof line, "No typical day yet: history %s%s%s.", status,
	         *detail ? ": " : "", detail);
	ui_put(v, r.y, r.x, r.w, ROLE_DIM, line);
	if (r.h > 1)
		ui_put(v, r.y + 1, r.x, r.w, ROLE_DIM,
		       "The board keeps each 15-minute interval; ccboard --import FILE... loads past logs.");
}

static void today_draw(struct ui_view *v, const struct snapshot *s, struct rect body)
{
	struct rect staff = staffing_rect(body);
	struct rect top = { body.y, body.x, body.h - staff.h, body.w };
	struct curve c;
	char title[200], ratio[32];

	if (top.h < 1)
		return;
	curve_build(&c, v, s);
	const struct snap_queue *q = ui_selected_queue(v, s);
	snprintf(title, sizeof title, "Today vs typical %s %s", v->g->dot,
	         v->sel < 0 ? "all queues" : ui_queue_label(q, false));
	snprintf(title + strlen(title), sizeof title - strlen(title), " %s peak %s so far",
	         v->g->dot, fmt_ratio(v, ratio, sizeof ratio, c.ratio));
	ui_section(v, top.y, top.x, top.w, title, NULL);
	struct rect r = { top.y + 1, top.x, top.h - 1, top.w };
	if (s->history == NULL || c.n_typ == 0) {
		draw_no_history(v, s, r);
	} else {
		int used = draw_curves(v, s, &c, r);
		if (used && r.h > used)
			draw_forecast(v, s, &c, r.y + used, r.x, r.w);
		if (used && r.h > used + 3)       /* the spare line under the forecast */
			draw_peak_days(v, s, r.y + used + 1, r.x, r.w);
		used += used ? 2 : 0;
		if (r.h > used)
			draw_table(v, s, (struct rect){ r.y + used, r.x, r.h - used, r.w });
	}
	if (staff.h > 0)
		panel_staffing(v, s, staff);
}

const struct ui_page page_today = {
	.name = "today",
	.title = "Today vs typical",
	.draw = today_draw,
};
