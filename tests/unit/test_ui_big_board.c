/* test_ui_big_board.c - the queue view of a big centre (issue 15) drawn into a
 * virtual screen from a real model: the agent board's pages reach every
 * agent, the table's title counts "of 1,000", the alerts panel puts the worst
 * first and folds one rule into one line, and --cycle turns the table's pages
 * and then the views. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "fixture_model.h"
#include "fixture_screen.h"
#include "pages.h"
#include "snapshot.h"
#include "ui_draw.h"

#define T0 1767254400   /* 2026-01-01 08:00:00 UTC */

struct fixture {
	struct config cfg;
	struct model *m;
	struct snapshot s;
	struct ui_view v;
	SCREEN *scr;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	fx_model_open(&f->cfg, &f->m, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (f->scr)
		fx_close_screen(f->scr, &f->v);
	f->s.alerts = NULL;
	f->s.n_alerts = 0;
	snapshot_free(&f->s);
	fx_model_close(&f->cfg, f->m);
	free(f);
	return 0;
}

#define feed(f, ...) assert_int_not_equal(fx_feed((f)->m, __VA_ARGS__), -1)

/* Builds the snapshot as of now and opens a rows x cols screen on it. */
static void build_and_open(struct fixture *f, int64_t now, int rows, int cols)
{
	model_advance(f->m, now);
	snapshot_build(&f->s, f->m, &f->cfg);
	f->scr = fx_open_screen(&f->v, NULL, rows, cols);
}

/* The first row holding text; -1 when none. */
static int row_of(const char *text)
{
	return fx_find_row(text, NULL, NULL);
}

/* Reads "A-B" just before tail in row; 0, or -1 when there is none. */
static int range_of(const char *row, const char *tail, int *from, int *to)
{
	const char *end = strstr(row, tail), *p = end;
	while (p && p > row && (p[-1] == '-' || (p[-1] >= '0' && p[-1] <= '9')))
		p--;
	return p && p < end && sscanf(p, "%d-%d", from, to) == 2 ? 0 : -1;
}

/* Marks in seen[] every "Ag NNN" on the screen; returns how many it found. */
static int agents_on_screen(bool *seen, int n)
{
	int found = 0;
	for (int y = 0; y < LINES; y++) {
		const char *r = fx_row(y);
		for (const char *p = strstr(r, "Ag "); p; p = strstr(p + 3, "Ag ")) {
			int k;
			if (sscanf(p + 3, "%3d", &k) == 1 && k >= 0 && k < n) {
				seen[k] = true;
				found++;
			}
		}
	}
	return found;
}

/* The queue view's agent board pages ('>') through every agent logged in:
 * none is left out between the first page and the second (the first page
 * once gave its last slot to "+N more" while its title said "1-cap" and the
 * next page started after cap); the title's range says what is shown. */
static void test_agent_board_pages_reach_everyone(void **state)
{
	struct fixture *f = *state;
	enum { N = 200 };
	bool seen[N] = { false };
	int pages = 0, first = 0, from = 0, to = 0;

	for (int i = 0; i < N; i++)
		feed(f, "%d|NONE|sales|Ag %03d|ADDMEMBER|", T0 + i, i);
	build_and_open(f, T0 + 600, 24, 80);
	ui_draw_screen(&f->v, &f->s);
	int y = fx_find_row("Agents", " of 200", NULL);
	if (y < 0)
		fx_dump_screen();
	assert_true(y >= 0);
	assert_int_equal(range_of(fx_row(y), " of 200", &from, &to), 0);
	first = agents_on_screen(seen, N);
	assert_int_equal(from, 1);
	for (pages = 1; pages < N; pages++) {
		assert_true(ui_view_key(&f->v, '>'));
		ui_draw_screen(&f->v, &f->s);
		if (fx_find_row("Agents", "-200 of 200", NULL) >= 0) {
			agents_on_screen(seen, N);
			break;
		}
		agents_on_screen(seen, N);
	}
	for (int i = 0; i < N; i++)
		if (!seen[i])
			fail_msg("Ag %03d is on no page of the agent board (%d pages, %d on the first)",
			         i, pages + 1, first);
	/* the range in the title is what the first page showed */
	assert_int_equal(to, first);
}

/* 1,000 queues: the table's title counts them with a thousands separator,
 * at the top and at the end. */
static void test_title_thousands(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 1000; i++)
		feed(f, "%d|NONE|q%d|Ag %03d|ADDMEMBER|", T0, i, i % 100);
	build_and_open(f, T0 + 60, 60, 220);
	ui_draw_screen(&f->v, &f->s);
	if (row_of(" 1\u2013") < 0 || fx_find_row(" 1\u2013", " of 1,000", NULL) < 0)
		fx_dump_screen();
	assert_true(fx_find_row(" 1\u2013", " of 1,000 ", NULL) >= 0);
	assert_true(ui_view_key(&f->v, KEY_END));
	ui_draw_screen(&f->v, &f->s);
	if (fx_find_row("\u20131,000 of 1,000 ", NULL, NULL) < 0)
		fx_dump_screen();
	assert_true(fx_find_row("\u20131,000 of 1,000 ", NULL, NULL) >= 0);
	/* natural order: the last row is q999, and q2 comes before q10 */
	assert_true(fx_find_row(" q999 ", NULL, NULL) >= 0);
	assert_true(ui_view_key(&f->v, KEY_HOME));
	ui_draw_screen(&f->v, &f->s);
	int y2 = row_of(" q2 "), y10 = row_of(" q10 ");
	assert_true(y2 > 0 && y10 > y2);
}

/* At 80x24 the range at the end of 1,000 queues is whole, not cut to
 * "991–1,000/1,…": without thousands separators when they do not fit. */
static void test_title_thousands_80x24(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 1000; i++)
		feed(f, "%d|NONE|q%d|Ag %03d|ADDMEMBER|", T0, i, i % 100);
	build_and_open(f, T0 + 60, 24, 80);
	ui_draw_screen(&f->v, &f->s);
	assert_true(ui_view_key(&f->v, KEY_END));
	ui_draw_screen(&f->v, &f->s);
	if (fx_find_row("\u20131000/1000 ", NULL, NULL) < 0)
		fx_dump_screen();
	assert_int_equal(row_of("1,\u2026"), -1);
	assert_true(fx_find_row("\u20131000/1000 ", NULL, NULL) >= 0);
}

/* The alerts panel: the worst first whatever the snapshot's order; 'z' folds
 * the alerts of one rule into one line naming how many. */
static void test_alerts_worst_first_and_fold(void **state)
{
	struct fixture *f = *state;
	static struct snap_alert al[4];
	static const struct { const char *rule, *queue; enum alert_severity sev; } in[4] = {
		{ "sl_low", "q1", SEV_WARNING }, { "sl_low", "q2", SEV_WARNING },
		{ "wait_long", "q3", SEV_CRITICAL }, { "sl_low", "q4", SEV_WARNING },
	};
	for (int i = 1; i <= 4; i++)
		feed(f, "%d|NONE|q%d|Ag %03d|ADDMEMBER|", T0, i, i);
	build_and_open(f, T0 + 60, 40, 160);
	memset(al, 0, sizeof al);
	for (int i = 0; i < 4; i++) {
		snprintf(al[i].rule, sizeof al[i].rule, "%s", in[i].rule);
		snprintf(al[i].queue, sizeof al[i].queue, "%s", in[i].queue);
		snprintf(al[i].message, sizeof al[i].message, "msg-%s-%s", in[i].rule, in[i].queue);
		al[i].severity = in[i].sev;
		al[i].since = T0 + 60 - i;
	}
	static const struct snap_alert *alp[4];
	for (int i = 0; i < 4; i++)
		alp[i] = &al[i];
	f->s.alerts = alp;
	f->s.n_alerts = 4;
	ui_draw_screen(&f->v, &f->s);
	int crit = row_of("msg-wait_long-q3"), w1 = row_of("msg-sl_low-q1");
	if (crit < 0 || w1 < 0)
		fx_dump_screen();
	assert_true(crit > 0 && w1 > crit);
	assert_true(ui_view_key(&f->v, 'z'));
	ui_draw_screen(&f->v, &f->s);
	int fold = row_of("sl_low on 3 queues");
	if (fold < 0)
		fx_dump_screen();
	assert_true(fold > 0);
	assert_true(row_of("msg-wait_long-q3") >= 0 && row_of("msg-wait_long-q3") < fold);
	assert_int_equal(row_of("msg-sl_low-q2"), -1);
}

/* --cycle: each step turns the table's page while there is one more, then
 * goes to the next view; all the views in turn, then the queues again. */
static void test_cycle_pages_then_views(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 70; i++)
		feed(f, "%d|NONE|q%d|Ag %03d|ADDMEMBER|", T0, i, i);
	build_and_open(f, T0 + 60, 24, 80);
	ui_draw_screen(&f->v, &f->s);
	assert_int_equal(f->v.page, 0);
	assert_true(fx_find_row(" 1\u2013", " of 70", NULL) >= 0);
	int steps = 0;
	while (f->v.page == 0 && steps < 70) {
		ui_view_cycle(&f->v, T0 + 61);
		ui_draw_screen(&f->v, &f->s);
		steps++;
		if (f->v.page == 0 && fx_find_row(" 1\u2013", " of 70", NULL) >= 0)
			fail_msg("--cycle step %d: still on the first rows", steps);
	}
	assert_true(steps >= 2);         /* 70 rows do not fit 80x24: a page turned first */
	assert_int_equal(f->v.page, 1);
	/* the other views are not drawn here: the snapshot has no history, which
	 * the Today view needs (main always hands one) */
	for (size_t i = 1; i < ui_n_pages; i++) {
		ui_view_cycle(&f->v, T0 + 61);
		assert_int_equal(f->v.page, (int)((i + 1) % ui_n_pages));
	}
	ui_draw_screen(&f->v, &f->s);
	assert_int_equal(f->v.page, 0);
	assert_true(fx_find_row(" 1\u2013", " of 70", NULL) >= 0);   /* back at the top */
}

/* The agent board's 'f' shows one state at a time, only agents in it: on
 * call, then paused (with the reason), then available. */
static void test_agent_board_filter(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 6; i++)     /* all on one page */
		feed(f, "%d|NONE|sales|Ag %03d|ADDMEMBER|", T0 + i, i);
	for (int i = 0; i < 6; i += 3) {
		feed(f, "%d|c%d|sales|NONE|ENTERQUEUE||0555|1", T0 + 20, i);
		feed(f, "%d|c%d|sales|Ag %03d|CONNECT|5|c%d.1|3", T0 + 25, i, i, i);
	}
	feed(f, "%d|NONE|sales|Ag 001|PAUSE|lunch", T0 + 30);
	build_and_open(f, T0 + 60, 24, 80);
	ui_draw_screen(&f->v, &f->s);
	assert_true(row_of("Ag 001") > 0 && row_of("Ag 002") > 0 && row_of("Ag 003") > 0);
	static const struct { const char *title, *in[3], *out[2]; } step[] = {
		{ "on call", { "Ag 000", "Ag 003", NULL }, { "Ag 001", "Ag 002" } },
		{ "paused", { "Ag 001", NULL, NULL }, { "Ag 000", "Ag 002" } },
		{ "avail", { "Ag 002", "Ag 004", "Ag 005" }, { "Ag 000", "Ag 001" } },
	};
	for (size_t k = 0; k < sizeof step / sizeof step[0]; k++) {
		assert_true(ui_view_key(&f->v, 'f'));
		ui_draw_screen(&f->v, &f->s);
		int t = fx_find_row("Agents", step[k].title, NULL);
		if (t < 0)
			t = fx_find_row("Agents", "Avail", NULL);
		if (t < 0)
			fx_dump_screen();
		assert_true(t >= 0);
		for (int i = 0; i < 3 && step[k].in[i]; i++)
			if (row_of(step[k].in[i]) < 0) {
				fx_dump_screen();
				fail_msg("filter %s: %s missing", step[k].title, step[k].in[i]);
			}
		if (k == 1 && fx_find_row("Ag 001", "lunch", NULL) < 0) {
			fx_dump_screen();
			fail_msg("the paused agent without its reason");
		}
		for (int i = 0; i < 2; i++)
			if (row_of(step[k].out[i]) >= 0) {
				fx_dump_screen();
				fail_msg("filter %s: %s shown", step[k].title, step[k].out[i]);
			}
	}
}

/* A row of the Agents view: state, time in it, the queue and caller of the
 * call, answered today, AHT (talk + wrap-up), missed rings, occupancy. Alex:
 * logged in at T0, a call of 300 s (+ 30 s wrap-up), a ring missed, on a
 * call from 0555123 in support since T0 + 3000; at T0 + 3600 logged in
 * 3600 s, busy 330 + 600 s: occupancy 26%. */
static void test_agents_view_row(void **state)
{
	struct fixture *f = *state;
	f->cfg.defaults.wrapup_s = 30;
	feed(f, "%d|NONE|sales|Alex|ADDMEMBER|", T0);
	feed(f, "%d|NONE|support|Alex|ADDMEMBER|", T0);
	feed(f, "%d|c1|sales|NONE|ENTERQUEUE||0555000|1", T0 + 100);
	feed(f, "%d|c1|sales|Alex|CONNECT|10|c1.1|3", T0 + 110);
	feed(f, "%d|c1|sales|Alex|COMPLETECALLER|10|300|1", T0 + 410);
	feed(f, "%d|c2|sales|NONE|ENTERQUEUE||0555001|1", T0 + 1000);
	feed(f, "%d|c2|sales|Alex|RINGNOANSWER|15000", T0 + 1015);
	feed(f, "%d|c2|sales|NONE|ABANDON|1|1|20", T0 + 1020);
	feed(f, "%d|c3|support|NONE|ENTERQUEUE||0555123|1", T0 + 2995);
	feed(f, "%d|c3|support|Alex|CONNECT|5|c3.1|3", T0 + 3000);
	build_and_open(f, T0 + 3600, 24, 80);
	f->v.page = ui_page_find("agents");
	ui_draw_screen(&f->v, &f->s);
	int y = fx_find_row("Alex", "support", "0555123");
	if (y < 0)
		fx_dump_screen();
	assert_true(y > 0);
	const char *r = fx_row(y);
	if (!strstr(r, "On call") || !strstr(r, "10m") || !strstr(r, " 5:30 ") ||
	    !strstr(r, " 26%") || !strstr(r, "  2 ") || !strstr(r, "  1 "))
		fail_msg("the row of Alex: '%s'", r);
}

int main(void)
{
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_title_thousands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alerts_worst_first_and_fold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cycle_pages_then_views, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_board_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agents_view_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_title_thousands_80x24, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_board_pages_reach_everyone, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
