/* layout.c - panel rectangles from the terminal size. */
#include "layout.h"

#include <string.h>

static struct rect rect_make(int y, int x, int h, int w)
{
	struct rect r = { y, x, h > 0 ? h : 0, w > 0 ? w : 0 };
	return r;
}

/* Splits the tile strip into LAYOUT_TILES equal tiles with a one-column gap. */
static void layout_tiles(struct layout *l)
{
	int w = l->tiles.w, gap = 1;
	int tw = (w - gap * (LAYOUT_TILES - 1)) / LAYOUT_TILES;
	int extra = w - gap * (LAYOUT_TILES - 1) - tw * LAYOUT_TILES;
	int x = l->tiles.x;

	for (int i = 0; i < LAYOUT_TILES; i++) {
		int this_w = tw + (i < extra ? 1 : 0);

		l->tile[i] = rect_make(l->tiles.y, x, l->tiles.h, this_w);
		x += this_w + gap;
	}
}

/* Rows the bottom panels need at least. */
static int bottom_min(bool wide)
{
	/* wide: trend above, then agents | alerts (title, counts, 2 lines);
	 * narrow: trend and agents (title, counts) on the left, alerts right. */
	return wide ? LAYOUT_TREND_ROWS + 4 : LAYOUT_TREND_ROWS + 3;
}

/* Rows per sparkline on a wide screen: taller when agents and alerts leave
 * rows unused below. */
static int trend_rows_for(const struct layout *l, struct rect r, const struct layout_in *in)
{
	int th = LAYOUT_TREND_ROWS + (l->trend_axis ? 1 : 0);
	int agent_cols = (r.w * 3 / 5) / LAYOUT_AGENT_COL_W;
	int need_agents = 2 + (in->n_agents + (agent_cols ? agent_cols : 1) - 1) /
	                  (agent_cols ? agent_cols : 1);
	int shown_callers = in->n_callers < 1 ? 1 : in->n_callers > 8 ? 8 : in->n_callers;
	int need_alerts = 1 + in->n_alerts + 1 + shown_callers;   /* the Waiting panel below */
	int need = need_agents > need_alerts ? need_agents : need_alerts;
	int spare = r.h - th - 1 - (need > 6 ? need : 6), rows = 1;

	while (rows < LAYOUT_TREND_MAX_ROWS && spare >= 3) {
		rows++;
		spare -= 3;
	}
	return rows;
}

/* Splits the alerts' column between the alerts (above) and the waiting
 * callers (below), as layout.h describes. */
static void layout_waiting(struct layout *l, const struct layout_in *in)
{
	struct rect r = l->alerts;
	int gap = r.h >= 12 ? 1 : 0, avail = r.h - gap;
	int per_alert = r.w < LAYOUT_ALERT_ONE_LINE_W ? 2 : 1;
	int want_a = 1 + (in->n_alerts > 0 ? per_alert * in->n_alerts : 1);
	int want_w = 1 + (in->n_callers > 0 ? in->n_callers : 1);
	int keep_w, ah;

	l->waiting = rect_make(0, 0, 0, 0);
	l->waiting_rows = 0;
	if (r.h < LAYOUT_WAITING_MIN + 2)
		return;
	keep_w = avail / 2 > LAYOUT_WAITING_MIN ? avail / 2 : LAYOUT_WAITING_MIN;
	if (keep_w > want_w)
		keep_w = want_w;
	ah = avail - keep_w < want_a ? avail - keep_w : want_a;
	if (ah < 2)
		ah = 2;
	l->alerts = rect_make(r.y, r.x, ah, r.w);
	l->waiting = rect_make(r.y + ah + gap, r.x, r.h - ah - gap, r.w);
	l->waiting_rows = l->waiting.h - 1;
}

/* Places trend, agents and alerts in the rectangle r. */
static void layout_bottom(struct layout *l, struct rect r, const struct layout_in *in)
{
	int lw, th;

	l->trend_rows = l->wide ? trend_rows_for(l, r, in) : 1;
	th = 1 + 3 * l->trend_rows + (l->trend_axis ? 1 : 0);
	if (l->wide) {
		l->trend = rect_make(r.y, r.x, th, r.w);
		lw = r.w * 3 / 5;
		l->agents = rect_make(r.y + th + 1, r.x, r.h - th - 1, lw);
		l->alerts = rect_make(r.y + th + 1, r.x + lw + 2, r.h - th - 1, r.w - lw - 2);
	} else {
		lw = (r.w - 2) / 2;
		l->trend = rect_make(r.y, r.x, th, lw);
		l->agents = rect_make(r.y + th, r.x, r.h - th, lw);
		l->alerts = rect_make(r.y, r.x + lw + 2, r.h, r.w - lw - 2);
	}
	l->agent_rows = l->agents.h - 2;
	if (l->agent_rows < 0)
		l->agent_rows = 0;
	l->agent_cols = l->agents.w / LAYOUT_AGENT_COL_W;
	if (l->agent_cols < 1)
		l->agent_cols = 1;
	layout_waiting(l, in);
	l->alert_rows = l->alerts.h - 1;
	if (l->alert_rows < 0)
		l->alert_rows = 0;
}

void layout_compute(struct layout *l, const struct layout_in *in)
{
	int rows = in->rows, cols = in->cols, mid, qh, want_q, bmin, tiles_h;

	memset(l, 0, sizeof *l);
	if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
		l->too_small = true;
		return;
	}
	l->wide = cols >= LAYOUT_WIDE_COLS;
	l->header = rect_make(0, 0, 1, cols);
	l->footer = rect_make(rows - 1, 0, 1, cols);
	want_q = (in->n_queues > 0 ? in->n_queues : 1) + 2;
	bmin = bottom_min(l->wide);

	/* Big digits only when every queue and a useful bottom still fit. */
	mid = rows - 2 - LAYOUT_TILE_ROWS_BIG;
	l->big_tiles = rows >= LAYOUT_BIG_ROWS && cols >= LAYOUT_BIG_COLS &&
	               mid - 1 >= want_q + bmin + 4;
	tiles_h = l->big_tiles ? LAYOUT_TILE_ROWS_BIG : LAYOUT_TILE_ROWS_COMPACT;
	l->tiles = rect_make(1, 0, tiles_h, cols);
	layout_tiles(l);

	/* A blank row under the tiles and between the table and the bottom panels
	 * when there is room for it. */
	mid = rows - 2 - tiles_h;
	{
		int gap_top = mid - want_q - bmin >= 4 ? 1 : 0;
		int y = 1 + tiles_h + gap_top;
		int gap_mid;

		mid -= gap_top;
		qh = want_q;
		if (qh > mid - bmin)
			qh = mid - bmin;
		if (qh < 3)
			qh = 3;
		l->queues = rect_make(y, 0, qh, cols);
		l->queue_rows = qh - 2;
		gap_mid = mid - qh - bmin >= 2 ? 1 : 0;
		l->trend_axis = l->wide && mid - qh - gap_mid - bmin >= 6;
		layout_bottom(l, rect_make(y + qh + gap_mid, 0, mid - qh - gap_mid, cols), in);
	}
}

int layout_columns(int avail, const struct layout_col *cols, int n, int min_flex,
                   int max_flex, bool *shown)
{
	int used = 0, flex;

	for (int i = 0; i < n; i++)
		shown[i] = false;
	for (int prio = 0; prio < 16; prio++) {
		for (int i = 0; i < n; i++) {
			if (cols[i].prio != prio)
				continue;
			if (used + cols[i].width + min_flex > avail)
				goto done;   /* keep columns of one priority whole, left first */
			used += cols[i].width;
			shown[i] = true;
		}
	}
done:
	flex = avail - used;
	if (flex > max_flex)
		flex = max_flex;
	return flex;
}
