/* test_ui_traffic.c - what the screen sends a terminal as the figures move:
 * colour only where a figure needs attention, the live figures of a row side
 * by side, the table's coarse longest wait, and the grid redrawing only
 * tiles that changed. A virtual xterm-256color screen (no tty), read back
 * cell by cell, its bytes counted per frame. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "figures.h"
#include "fixture_screen.h"
#include "pages.h"
#include "theme.h"
#include "ui_draw.h"

#define AS_OF 1767283199   /* Thu 1 Jan 2026 15:59:59 UTC */
#define NQ 40

static struct snap_queue queues[NQ];
static char qnames[NQ][16];
static struct snapshot snap;
static struct ui_view view;

static void period(struct snap_period *p, int64_t offered, int64_t answered, int64_t within,
                   int64_t abandoned)
{
	memset(p, 0, sizeof *p);
	p->c.offered = offered;
	p->c.answered = answered;
	p->c.answered_within_sl = within;
	p->c.abandoned = abandoned;
	p->c.hold_s = answered * 10;
	p->d = metrics_derive(&p->c, SL_OFFERED, 0);
}

/* Queue i: calm (SL above target, few abandons), agents free, callers waiting
 * a few seconds. */
static void queue(int i, int waiting, int64_t longest, int avail)
{
	struct snap_queue *q = &queues[i];

	memset(q, 0, sizeof *q);
	snprintf(qnames[i], sizeof qnames[i], "q%02d", i);
	q->name = qnames[i];
	q->waiting = waiting;
	q->longest_wait_s = longest;
	q->agents.available = avail;
	q->agents.on_call = 5 + i % 3;
	q->agents.logged_in = avail + q->agents.on_call;
	q->sl_threshold_s = 20;
	q->sl_target_pct = 80;
	period(&q->window, 40, 38, 36, 2);
	period(&q->today, 400 + i, 380 + i, 360, 20);
}

static void build(void)
{
	memset(&snap, 0, sizeof snap);
	snap.as_of = AS_OF;
	snap.window_s = 900;
	snprintf(snap.sla, sizeof snap.sla, "80/20");
	for (int i = 0; i < NQ; i++)
		queue(i, 2, 5 + i, 3);
	snap.queues = queues;
	snap.n_queues = NQ;
	queue(0, 2, 5, 3);
	memset(&snap.total, 0, sizeof snap.total);
	snap.total.name = (char *)"total";
	snap.total.waiting = 2 * NQ;
	snap.total.longest_wait_s = 5 + NQ - 1;
	snap.total.agents.available = 3 * NQ;
	snap.total.agents.on_call = 6 * NQ;
	snap.total.sl_threshold_s = 20;
	snap.total.sl_target_pct = 80;
	period(&snap.total.window, 40 * NQ, 38 * NQ, 36 * NQ, 2 * NQ);
	period(&snap.total.today, 400 * NQ, 380 * NQ, 360 * NQ, 20 * NQ);
	snapshot_grade(&snap, NULL);
}

/* The x of the last column of heading text in the queue table's heading row
 * (the row holding "Queue" and "Waiting"), -1 when not shown. */
static int heading_end(const char *heading, int *y)
{
	const char *r, *at;

	*y = fx_find_row("Queue", "Waiting", NULL);
	if (*y < 0)
		return -1;
	r = fx_row(*y);
	at = strstr(r, heading);
	return at ? (int)(at - r) + (int)strlen(heading) - 1 : -1;
}

static attr_t cell_attr(int y, int x)
{
	return (attr_t)(mvwinch(stdscr, y, x) & (A_COLOR | A_ATTRIBUTES));
}

static attr_t role_attr(enum role r)
{
	return view.attr[r] & (A_COLOR | A_ATTRIBUTES);
}

/* A figure in the ok state is drawn in the table's normal attributes (agents
 * free included); one that needs attention keeps its colour. */
static void test_ok_figures_plain(void **state)
{
	SCREEN *scr = fx_open_screen(&view, NULL, 60, 220);
	int hy, x, y;

	(void)state;
	build();
	queues[3].agents.available = 0;           /* callers waiting, no one free: critical */
	snapshot_grade(&snap, NULL);
	ui_draw_screen(&view, &snap);
	x = heading_end("Avail", &hy);
	assert_true(x > 0);
	y = fx_find_row("q01", NULL, NULL);
	assert_true(y > hy);
	assert_int_equal(mvwinch(stdscr, y, x) & A_CHARTEXT, '3');
	assert_int_equal(cell_attr(y, x), role_attr(ROLE_NORMAL));
	/* colour marks it, with no bold to reset after it */
	y = fx_find_row("q03", NULL, NULL);
	assert_int_equal(cell_attr(y, x - 1), role_attr(ROLE_CRITICAL) & ~(attr_t)A_BOLD);
	/* the big tile of the total keeps the ok colour for agents free */
	assert_int_not_equal(role_attr(ROLE_OK), role_attr(ROLE_NORMAL));
	fx_close_screen(scr, &view);
}

/* The heading's x where text heading ends (its right edge), -1 when absent. */
static int head_x(const char *heading)
{
	int y;
	return heading_end(heading, &y);
}

/* The figures that move every second sit side by side, packed (each within
 * 8 columns of the last): a row's changes are one short run on the terminal
 * (ncurses moves by a full cursor address past 7 columns). */
static void test_live_columns_adjacent(void **state)
{
	static const char *const live[] = { "Waiting", "Longest", "On call", "Avail", "Offered",
		"Answered" };
	SCREEN *scr = fx_open_screen(&view, NULL, 70, 250);
	int prev = -1;

	(void)state;
	build();
	ui_draw_screen(&view, &snap);
	for (size_t i = 0; i < sizeof live / sizeof live[0]; i++) {
		int x = head_x(live[i]);

		assert_true(x > prev);
		if (prev >= 0 && x - prev > (i == 5 ? 9 : 8))
			fail_msg("%s ends %d columns after %s", live[i], x - prev, live[i - 1]);
		prev = x;
	}
	/* the slow ones come after */
	assert_true(head_x("SL 15m") > prev);
	assert_true(head_x("Logged in") > prev);
	fx_close_screen(scr, &view);
}

/* The row of queue i (its name) as drawn. */
static const char *qrow_text(int i)
{
	int y = fx_find_row(qnames[i], NULL, NULL);
	return y < 0 ? "" : fx_row(y);
}

/* Of the calm rows whose figures moved, 12 a frame are redrawn, those held
 * longest first, so each comes round; a row whose grade changes, the selected
 * row, and every row when the clock stands still (a key) at once. */
static void test_calm_rows_come_round(void **state)
{
	SCREEN *scr = fx_open_screen(&view, NULL, 70, 250);
	char before[NQ][512];
	int moved = 0;

	(void)state;
	build();
	ui_draw_screen(&view, &snap);
	for (int i = 0; i < NQ; i++)
		snprintf(before[i], sizeof before[i], "%s", qrow_text(i));
	assert_non_null(strstr(before[7], "q07"));
	for (int i = 0; i < NQ; i++)
		queues[i].agents.on_call += 10;          /* every row moves */
	snap.as_of++;
	snapshot_grade(&snap, NULL);
	ui_draw_screen(&view, &snap);
	for (int i = 0; i < NQ; i++)
		moved += strcmp(before[i], qrow_text(i)) != 0;
	assert_int_equal(moved, 12);
	for (int k = 0; k < 3; k++) {                 /* 40 rows: all round in 4 frames */
		snap.as_of++;
		ui_draw_screen(&view, &snap);
	}
	for (int i = 0; i < NQ; i++)
		assert_string_not_equal(before[i], qrow_text(i));
	/* a grade change shows at once: q30 loses its free agents */
	for (int i = 0; i < NQ; i++) {
		queues[i].agents.on_call += 10;
		snprintf(before[i], sizeof before[i], "%s", qrow_text(i));
	}
	queues[30].agents.available = 0;
	snap.as_of++;
	snapshot_grade(&snap, NULL);
	ui_draw_screen(&view, &snap);
	assert_string_not_equal(before[30], qrow_text(30));
	assert_non_null(strstr(qrow_text(30), "\u2716"));
	/* the same second drawn again (a key pressed): every row as it is now */
	ui_draw_screen(&view, &snap);
	for (int i = 0; i < NQ; i++)
		assert_string_not_equal(before[i], qrow_text(i));
	fx_close_screen(scr, &view);
}

/* The table writes a wait of 5 minutes or more in whole minutes; the tile
 * keeps the seconds. */
static void test_longest_wait_minutes(void **state)
{
	SCREEN *scr = fx_open_screen(&view, NULL, 60, 220);
	int y;

	(void)state;
	build();
	queues[2].longest_wait_s = 299;
	queues[4].longest_wait_s = 7 * 60 + 30;
	queues[6].longest_wait_s = 3600 + 5 * 60 + 9;
	snap.total.longest_wait_s = 7 * 60 + 30;
	snapshot_grade(&snap, NULL);
	ui_draw_screen(&view, &snap);
	assert_non_null(strstr(qrow_text(2), " 4:59 "));
	assert_non_null(strstr(qrow_text(4), " 7m "));
	assert_null(strstr(qrow_text(4), "7:30"));
	assert_non_null(strstr(qrow_text(6), " 1h05 "));
	y = fx_find_row("Total", NULL, NULL);
	assert_true(y > 0);
	assert_non_null(strstr(fx_row(y), " 7m "));
	assert_true(fx_find_row("7:30", NULL, NULL) > 0);   /* the tile */
	assert_true(fx_find_row("7:30", NULL, NULL) < y);
	fx_close_screen(scr, &view);
}

/* The screen's cells as text plus attributes, row by row. */
static void grab(chtype *buf, int rows, int cols)
{
	for (int y = 0; y < rows; y++)
		for (int x = 0; x < cols; x++)
			buf[y * cols + x] = mvwinch(stdscr, y, x);
}

static long frame_bytes(FILE *out, long *pos)
{
	long now;

	fflush(out);
	now = ftell(out);
	now -= *pos;
	*pos += now;
	return now;
}

/* The agents grid draws a tile from what it drew before while the agent's
 * name, state and marks stay: the same cells as drawn anew, nothing sent
 * for a frame where nothing changed, and a tile whose agent changed (state,
 * or another name in its slot) drawn anew. */
static void test_grid_tiles_kept(void **state)
{
	static struct agent_view ag[300];
	static struct agent_figs figs[300];
	static char names[300][16];
	static chtype a[60 * 200], b[60 * 200];
	FILE *out = tmpfile();
	SCREEN *scr = fx_open_screen(&view, out, 60, 200);
	long pos = 0, second;
	int y, x;

	(void)state;
	build();
	for (int k = 0; k < 300; k++) {
		snprintf(names[k], sizeof names[k], "Agent %03d", k);
		ag[k] = (struct agent_view){ names[k], (enum agent_state)(k % 4), AS_OF - k, 1, 0, NULL };
		memset(&figs[k], 0, sizeof figs[k]);
		figs[k].occupancy_pct = NAN;
	}
	snap.agents = ag;
	snap.agent_figs = figs;
	snap.n_agents = 300;
	view.page = ui_page_find("agents");
	ui_view_key(&view, 'g');
	ui_draw_screen(&view, &snap);
	frame_bytes(out, &pos);
	grab(a, 60, 200);
	ui_draw_screen(&view, &snap);              /* every tile from its memo */
	second = frame_bytes(out, &pos);
	grab(b, 60, 200);
	assert_memory_equal(a, b, sizeof a);
	assert_true(second < 16);
	ag[5].state = AGENT_PAUSED;                 /* a state changes */
	names[7][0] = 'Z';                          /* another name in the same slot */
	ui_draw_screen(&view, &snap);
	assert_true(fx_find_row("Zgent 007", NULL, NULL) > 0);
	assert_true(fx_find_row("Agent 007", NULL, NULL) < 0);
	y = fx_find_row("Agent 005", NULL, NULL);
	assert_true(y > 0);
	x = (int)(strstr(fx_row(y), "Agent 005") - fx_row(y));
	assert_int_equal(mvwinch(stdscr, y, x) & A_COLOR, view.attr[ROLE_PAUSED] & A_COLOR);
	fx_close_screen(scr, &view);
	fclose(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_figures_plain),
		cmocka_unit_test(test_live_columns_adjacent),
		cmocka_unit_test(test_calm_rows_come_round),
		cmocka_unit_test(test_longest_wait_minutes),
		cmocka_unit_test(test_grid_tiles_kept),
	};

	setenv("TZ", "UTC", 1);
	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
