/* panel_staffing.c - the staffing table (panel_staffing.h). */
#include "panel_staffing.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "draw_kit.h"

/* Column widths: the queue name takes what is left. */
#define PS_NEED_W 6
#define PS_HAVE_W 6
#define PS_GAP_W 6
#define PS_SL_W 9
#define PS_GROUP_W (PS_NEED_W + PS_HAVE_W + PS_GAP_W + PS_SL_W)
#define PS_MODEL_W 10
#define PS_NAME_MIN 8

/* What fits in r.w: how many intervals (2, 1 or 0: need and have only), the
 * model column, the name's width. */
struct ps_plan {
	int groups;
	bool model;
	bool short_group;    /* need and have only */
	int name_w;
};

static struct ps_plan ps_plan(int w)
{
	struct ps_plan p = { 2, true, false, 0 };
	int sep = 2;   /* " │" before each group */
	if (w < PS_NAME_MIN + 1 + 2 * (PS_GROUP_W + sep) + PS_MODEL_W)
		p.model = false;
	if (w < PS_NAME_MIN + 1 + 2 * (PS_GROUP_W + sep))
		p.groups = 1;
	if (w < PS_NAME_MIN + 1 + PS_GROUP_W + sep) {
		p.short_group = true;
		p.groups = 1;
	}
	p.name_w = w - 1 - p.groups * ((p.short_group ? PS_NEED_W + PS_HAVE_W : PS_GROUP_W) + sep)
	           - (p.model ? PS_MODEL_W : 0);
	if (p.name_w > 32)
		p.name_w = 32;
	return p;
}

/* The grade of a staffed interval: short of agents a warning, short with the
 * predicted SL more than 10 points under target critical (as the Need column). */
static enum alert_severity ps_grade(const struct staff_interval *iv)
{
	if (iv->required_agents < 0 || iv->gap <= 0)
		return SEV_OK;
	return iv->sl_predicted_pct < iv->sl_target_pct - 10 ? SEV_CRITICAL : SEV_WARNING;
}

/* The predicted SL's grade against the target. */
static enum alert_severity ps_sl_grade(const struct staff_interval *iv)
{
	if (isnan(iv->sl_predicted_pct) || iv->sl_predicted_pct >= iv->sl_target_pct)
		return SEV_OK;
	return iv->sl_predicted_pct < iv->sl_target_pct - 10 ? SEV_CRITICAL : SEV_WARNING;
}

/* One interval's cells from x; returns the x after them. */
static int ps_group(const struct ui_view *v, const struct ps_plan *p, int y, int x,
                    const struct staff_interval *iv)
{
	char buf[32];
	bool known = iv->required_agents >= 0;
	enum alert_severity sev = ps_grade(iv);
	enum role need_role = ui_sev_role(sev, known && iv->gap <= 0 ? ROLE_OK : ROLE_NORMAL);

	ui_put(v, y, x, 1, ROLE_DIM, v->g->vline);
	x += 2;
	if (known)
		snprintf(buf, sizeof buf, "%d", iv->required_agents);
	else
		snprintf(buf, sizeof buf, "%s", v->g->nodata);
	ui_put_right(v, y, x, PS_NEED_W - 1, need_role, buf);
	x += PS_NEED_W;
	snprintf(buf, sizeof buf, "%d", iv->available_agents);
	ui_put_right(v, y, x, PS_HAVE_W - 1, ROLE_NORMAL, buf);
	x += PS_HAVE_W;
	if (p->short_group)
		return x;
	if (known)
		snprintf(buf, sizeof buf, iv->gap > 0 ? "+%d" : "%d", iv->gap);
	else
		snprintf(buf, sizeof buf, "%s", v->g->nodata);
	ui_put_right(v, y, x, PS_GAP_W - 1, ui_sev_role(sev, ROLE_NORMAL), buf);
	x += PS_GAP_W;
	ui_fmt_pct(v, buf, sizeof buf, iv->sl_predicted_pct, false);
	ui_put_right(v, y, x, PS_SL_W - 1, ui_sev_role(ps_sl_grade(iv), ROLE_NORMAL), buf);
	return x + PS_SL_W;
}

static void ps_heading(const struct ui_view *v, const struct ps_plan *p, int y, int x)
{
	ui_put(v, y, x + 1, p->name_w - 1, ROLE_HEADING, "Queue");
	x += 1 + p->name_w;
	for (int k = 0; k < p->groups; k++) {
		ui_put(v, y, x, 1, ROLE_DIM, v->g->vline);
		x += 2;
		ui_put_right(v, y, x, PS_NEED_W - 1, ROLE_HEADING, "Need");
		x += PS_NEED_W;
		ui_put_right(v, y, x, PS_HAVE_W - 1, ROLE_HEADING, "Have");
		x += PS_HAVE_W;
		if (p->short_group)
			continue;
		ui_put_right(v, y, x, PS_GAP_W - 1, ROLE_HEADING, "Gap");
		x += PS_GAP_W;
		ui_put_right(v, y, x, PS_SL_W - 1, ROLE_HEADING, k ? "SL next" : "SL now");
		x += PS_SL_W;
	}
	if (p->model)
		ui_put_right(v, y, x, PS_MODEL_W - 1, ROLE_HEADING, "Model");
}

static void ps_row(const struct ui_view *v, const struct ps_plan *p, int y, int x,
                   const struct snap_queue *q)
{
	const struct staff_queue *sq = &q->staffing;
	ui_put(v, y, x + 1, p->name_w - 1, ROLE_NORMAL, ui_queue_label(q, false));
	x += 1 + p->name_w;
	for (int k = 0; k < p->groups; k++)
		x = ps_group(v, p, y, x, &sq->iv[k]);
	if (p->model)
		ui_put_right(v, y, x, PS_MODEL_W - 1, ROLE_DIM,
		             sq->iv[0].model == STAFF_ERLANG_A ? "Erlang A" : "Erlang C");
}

/* The section's right side: "now 15:45 · next 16:00" (local times). */
static void ps_title_right(const struct ui_view *v, const struct snapshot *s, char *buf,
                           size_t n)
{
	const struct snap_queue *q = NULL;
	char a[8], b[8];
	struct tm tm;
	time_t t;
	for (size_t i = 0; i < s->n_queues && !q; i++)
		if (s->queues[i].staffing.n > 0)
			q = &s->queues[i];
	if (!q) {
		snprintf(buf, n, "not known yet");
		return;
	}
	t = (time_t)q->staffing.iv[0].interval_start;
	localtime_r(&t, &tm);
	strftime(a, sizeof a, "%H:%M", &tm);
	t = (time_t)q->staffing.iv[1].interval_start;
	localtime_r(&t, &tm);
	strftime(b, sizeof b, "%H:%M", &tm);
	snprintf(buf, n, "now %s %s next %s", a, v->g->dot, b);
}

/* Whether queue i of s is listed: staffed, and the one selected if any. */
static bool ps_listed(const struct ui_view *v, const struct snapshot *s, size_t i)
{
	return (v->sel < 0 || (size_t)v->sel == i) && s->queues[i].staffing.n > 0;
}

void panel_staffing(const struct ui_view *v, const struct snapshot *s, struct rect r)
{
	struct ps_plan p = ps_plan(r.w);
	char right[64];
	int rows = r.h - 2, total = 0, shown = 0;

	if (r.h <= 0 || r.w < PS_NAME_MIN + PS_NEED_W + PS_HAVE_W + 3)
		return;
	ps_title_right(v, s, right, sizeof right);
	ui_section(v, r.y, r.x, r.w, "Staffing", right);
	if (r.h < 2)
		return;
	ps_heading(v, &p, r.y + 1, r.x);
	for (size_t i = 0; i < s->n_queues; i++)
		total += ps_listed(v, s, i);
	if (total == 0 && rows > 0)
		ui_put(v, r.y + 2, r.x + 1, r.w - 1, ROLE_DIM,
		       "no forecast yet: no completed interval or handled call today");
	for (size_t i = 0; i < s->n_queues && rows > 0; i++) {
		if (!ps_listed(v, s, i))
			continue;
		if (shown == rows - 1 && total > rows) {   /* the last row says how many more */
			char more[32];
			snprintf(more, sizeof more, "+%d more", total - shown);
			ui_put(v, r.y + 2 + shown, r.x + 1, r.w - 1, ROLE_DIM, more);
			break;
		}
		ps_row(v, &p, r.y + 2 + shown++, r.x, &s->queues[i]);
	}
}
