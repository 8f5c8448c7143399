/* layout.h - where each panel of the wallboard goes, for a terminal of a
 * given size. Pure arithmetic: no curses. */
#ifndef CCBOARD_LAYOUT_H
#define CCBOARD_LAYOUT_H

#include <stdbool.h>

/* Below this size the screen only says it is too small. */
#define LAYOUT_MIN_ROWS 16
#define LAYOUT_MIN_COLS 60
/* From this size on (a floor monitor) the KPI tiles use big digits. */
#define LAYOUT_BIG_ROWS 36
#define LAYOUT_BIG_COLS 110
/* From this width the trend spans the screen and agents sit beside alerts. */
#define LAYOUT_WIDE_COLS 120

#define LAYOUT_TILES 6
#define LAYOUT_TILE_ROWS_COMPACT 3   /* label, value, detail */
#define LAYOUT_TILE_ROWS_BIG 8       /* label, 5 rows of digits, detail, gap */
#define LAYOUT_TREND_ROWS 4          /* title, volume, SL, abandon */
#define LAYOUT_TREND_MAX_ROWS 2      /* rows per sparkline at most */

struct rect { int y, x, h, w; };

struct layout_in {
	int rows, cols;
	int n_queues;
	int n_agents;
	int n_alerts;
	int n_callers;             /* waiting callers listed for the selection */
};

struct layout {
	bool too_small;
	bool big_tiles;
	bool wide;                 /* trend full width, agents beside alerts */
	bool trend_axis;           /* an hour axis under the sparklines */
	struct rect header, tiles, queues, trend, agents, alerts, footer;
	struct rect waiting;       /* under the alerts; h 0 when there is no room */
	struct rect tile[LAYOUT_TILES];
	int queue_rows;            /* queue rows shown (heading and total excluded) */
	int agent_rows;            /* rows for the list of agents (0: counts only) */
	int agent_cols;            /* columns of that list */
	int alert_rows;            /* alert lines shown */
	int waiting_rows;          /* waiting callers listed (0: no Waiting panel) */
	int trend_rows;            /* rows per sparkline (taller with room to spare) */
};

/* The Waiting panel shares the alerts' column: alerts keep the rows they need
 * (title and one line each) while the panel keeps at least its title and
 * LAYOUT_WAITING_MIN - 1 callers (or half the column when both want more);
 * below LAYOUT_WAITING_MIN + 2 rows in that column there is no panel. */
#define LAYOUT_WAITING_MIN 3
/* Narrower than this, an alert takes two lines (the message under the head). */
#define LAYOUT_ALERT_ONE_LINE_W 70

/* Fills l for the terminal and counts in in. */
void layout_compute(struct layout *l, const struct layout_in *in);

/* One column of a table: its width (gap included) and priority (0 = always). */
struct layout_col {
	int width;
	int prio;
};

/* Chooses which of n columns fit in avail columns beside a flexible column of
 * at least min_flex (and at most max_flex) columns: lower priority numbers
 * first, ties by position. Sets shown[i]; returns the flexible column's width. */
int layout_columns(int avail, const struct layout_col *cols, int n, int min_flex,
                   int max_flex, bool *shown);

/* Width of each column of the agent list for a panel w columns wide. */
#define LAYOUT_AGENT_COL_W 30

#endif
