/* test_layout.c - panel rectangles for every terminal size from the minimum to a wall. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdbool.h>

#include "layout.h"

static struct layout lay_full(int rows, int cols, int nq, int n_alerts, int n_callers)
{
	struct layout l;
	struct layout_in in = { .rows = rows, .cols = cols, .n_queues = nq, .n_agents = 20,
	                        .n_alerts = n_alerts, .n_callers = n_callers };

	layout_compute(&l, &in);
	return l;
}

static struct layout lay(int rows, int cols, int nq)
{
	struct layout l;
	struct layout_in in = { .rows = rows, .cols = cols, .n_queues = nq, .n_agents = 20,
	                        .n_alerts = 3, .n_callers = 5 };

	layout_compute(&l, &in);
	return l;
}

static bool inside(struct rect r, int rows, int cols)
{
	return r.y >= 0 && r.x >= 0 && r.h > 0 && r.w > 0 && r.y + r.h <= rows &&
	       r.x + r.w <= cols;
}

static bool overlap(struct rect a, struct rect b)
{
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static void test_too_small(void **state)
{
	(void)state;
	assert_true(lay(LAYOUT_MIN_ROWS - 1, 80, 3).too_small);
	assert_true(lay(24, LAYOUT_MIN_COLS - 1, 3).too_small);
	assert_false(lay(LAYOUT_MIN_ROWS, LAYOUT_MIN_COLS, 3).too_small);
}

static void test_80x24_compact_and_complete(void **state)
{
	struct layout l = lay(24, 80, 4);

	(void)state;
	assert_false(l.too_small);
	assert_false(l.big_tiles);
	assert_false(l.wide);
	assert_int_equal(l.header.y, 0);
	assert_int_equal(l.footer.y, 23);
	assert_int_equal(l.tiles.h, LAYOUT_TILE_ROWS_COMPACT);
	assert_int_equal(l.queue_rows, 4);           /* every queue fits */
	assert_int_equal(l.queues.h, 6);             /* heading + 4 + total */
	assert_true(l.agents.h >= 2);
	assert_true(l.alert_rows >= 3);
	assert_int_equal(l.trend.h, LAYOUT_TREND_ROWS);
	/* tiles share the width, one column apart */
	assert_int_equal(l.tile[0].x, 0);
	assert_int_equal(l.tile[5].x + l.tile[5].w, 80);
	assert_true(l.tile[0].w >= 12);
}

static void test_big_tiles_on_a_floor_monitor(void **state)
{
	struct layout l = lay(40, 120, 5);

	(void)state;
	assert_true(l.big_tiles);
	assert_true(l.wide);
	assert_int_equal(l.tiles.h, LAYOUT_TILE_ROWS_BIG);
	assert_int_equal(l.queue_rows, 5);
	assert_int_equal(l.trend.w, 120);
	assert_int_equal(l.agents.y, l.alerts.y);
	assert_true(l.agent_rows >= 4);
	/* too many queues for big digits: compact tiles so the table fits */
	l = lay(40, 120, 20);
	assert_false(l.big_tiles);
	assert_int_equal(l.queue_rows, 20);
}

static void test_many_queues_are_capped(void **state)
{
	struct layout l = lay(24, 80, 40);

	(void)state;
	assert_true(l.queue_rows >= 1);
	assert_true(l.queue_rows < 40);
	assert_true(l.trend.h == LAYOUT_TREND_ROWS);
	assert_true(l.queues.y + l.queues.h <= l.trend.y);
}

static void test_every_size_fits(void **state)
{
	(void)state;
	for (int rows = LAYOUT_MIN_ROWS; rows <= 70; rows++) {
		for (int cols = LAYOUT_MIN_COLS; cols <= 250; cols += 7) {
			for (int nq = 0; nq <= 12; nq += 6) {
				struct layout l = lay(rows, cols, nq);
				struct rect r[] = { l.header, l.tiles, l.queues, l.trend,
				                    l.agents, l.alerts, l.footer, l.waiting };
				int n = (int)(sizeof r / sizeof r[0]) - (l.waiting_rows > 0 ? 0 : 1);

				assert_false(l.too_small);
				for (int i = 0; i < n; i++) {
					if (!inside(r[i], rows, cols))
						fail_msg("%dx%d: panel %d outside", cols, rows, i);
					for (int j = i + 1; j < n; j++)
						if (overlap(r[i], r[j]))
							fail_msg("%dx%d: panels %d and %d overlap",
							         cols, rows, i, j);
				}
				assert_true(l.queue_rows >= 1);
			}
		}
	}
}

/* The Waiting panel: under the alerts in their column, on 80x24 as on a wall. */
static void test_waiting_panel(void **state)
{
	struct layout l = lay_full(24, 80, 5, 0, 12);

	(void)state;
	assert_true(l.waiting_rows >= 4);               /* most of the column on 80x24 */
	assert_int_equal(l.waiting.x, l.alerts.x);
	assert_int_equal(l.waiting.w, l.alerts.w);
	assert_int_equal(l.alerts.h, 2);                /* title and "all clear" */
	assert_int_equal(l.waiting.y, l.alerts.y + l.alerts.h);
	assert_int_equal(l.waiting.y + l.waiting.h, l.footer.y);
	/* many alerts and many callers: each keeps half */
	l = lay_full(40, 120, 5, 30, 30);
	assert_true(l.wide);
	assert_true(l.waiting_rows >= 4);
	assert_true(l.alert_rows >= 4);
	assert_true(l.waiting_rows + 1 >= l.alert_rows);
	/* a few alerts keep every row they need, the callers get the rest */
	l = lay_full(50, 200, 5, 3, 30);
	assert_int_equal(l.alert_rows, 3);
	assert_true(l.waiting_rows >= 8);
	assert_int_equal(l.waiting.y + l.waiting.h, l.footer.y);
	/* wide but low, the table full: no room left for it, the alerts keep the column */
	l = lay_full(LAYOUT_MIN_ROWS, 130, 12, 1, 3);
	assert_int_equal(l.waiting_rows, 0);
	assert_int_equal(l.waiting.h, 0);
	assert_true(l.alerts.h >= 2);
}

static void test_columns_by_priority(void **state)
{
	const struct layout_col cols[] = { {6, 0}, {8, 0}, {7, 2}, {7, 1}, {6, 3} };
	bool shown[5];
	int flex;

	(void)state;
	flex = layout_columns(36, cols, 5, 10, 30, shown);
	assert_true(shown[0] && shown[1] && shown[3]);
	assert_false(shown[2]);                   /* 6+8+7 = 21, +7 would leave 8 < 10 */
	assert_false(shown[4]);
	assert_int_equal(flex, 36 - 21);
	flex = layout_columns(200, cols, 5, 10, 30, shown);
	for (int i = 0; i < 5; i++)
		assert_true(shown[i]);
	assert_int_equal(flex, 30);               /* capped at max_flex */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_80x24_compact_and_complete),
		cmocka_unit_test(test_big_tiles_on_a_floor_monitor),
		cmocka_unit_test(test_many_queues_are_capped),
		cmocka_unit_test(test_every_size_fits),
		cmocka_unit_test(test_waiting_panel),
		cmocka_unit_test(test_columns_by_priority),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
