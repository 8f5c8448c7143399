/* test_panel_staffing.c - the staffing panel drawn into a virtual screen (no
 * tty) from a hand-built snapshot and read back: figures, colours by the gap,
 * the narrow form, the selected queue, "+N more", nothing known yet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <curses.h>

#include "fixture_screen.h"
#include "panel_staffing.h"
#include "staffing.h"
#include "theme.h"
#include "ui_draw.h"

#define NOW 1767283199   /* Thu 1 Jan 2026 15:59:59 UTC: intervals 15:45 and 16:00 */

static struct snap_queue queues[4];
static struct snapshot snap;
static struct ui_view view;

/* Queue q staffed: forecast calls, AHT 180 s, have agents, Erlang C or A. */
static void staffed(struct snap_queue *q, const char *name, double calls, int have, bool a)
{
	struct staff_forecast fc = { calls, 180, STAFF_SRC_TODAY };
	memset(q, 0, sizeof *q);
	q->name = q->display = name;
	q->sl_threshold_s = 20;
	q->sl_target_pct = 80;
	q->staffing.n = STAFF_INTERVALS;
	for (int k = 0; k < STAFF_INTERVALS; k++) {
		q->staffing.iv[k].interval_start = NOW - 899 + k * 900;
		staffing_interval(&q->staffing.iv[k], &fc, have, 20, 80,
		                  a ? STAFF_ERLANG_A : STAFF_ERLANG_C, a ? 60 : NAN);
		fc.calls *= 1.5;   /* the next interval busier */
	}
}

static void build(void)
{
	memset(&snap, 0, sizeof snap);
	snap.as_of = NOW;
	staffed(&queues[0], "billing", 50, 20, false);   /* 10 Erlangs: plenty */
	staffed(&queues[1], "sales", 100, 10, false);    /* 20 Erlangs: short */
	staffed(&queues[2], "support", 30, 5, true);     /* 6 Erlangs, Erlang A */
	memset(&queues[3], 0, sizeof queues[3]);         /* no staffing known */
	queues[3].name = queues[3].display = "quiet";
	snap.queues = queues;
	snap.n_queues = 4;
	view.sel = -1;
}

/* The colour pair of the last character of text on row y (fx_row() is UTF-8:
 * columns are counted in characters). */
static short pair_at(int y, const char *text)
{
	const char *r = fx_row(y), *p = strstr(r, text);
	int col = -1;
	assert_non_null(p);
	for (const char *c = r; c < p + strlen(text); c++)
		col += ((unsigned char)*c & 0xC0) != 0x80;
	return (short)PAIR_NUMBER(mvinch(y, col) & A_COLOR);
}

static void test_wide(void **state)
{
	(void)state;
	SCREEN *scr = fx_open_screen(&view, NULL, 30, 200);
	build();
	erase();
	panel_staffing(&view, &snap, (struct rect){ 2, 0, 10, 200 });
	fx_dump_screen();
	int y = fx_find_row("Staffing", "now 15:45", NULL);
	assert_int_equal(y, 2);
	assert_non_null(strstr(fx_row(2), "next 16:00"));
	assert_non_null(strstr(fx_row(3), "Queue"));
	assert_non_null(strstr(fx_row(3), "SL next"));
	assert_non_null(strstr(fx_row(3), "Model"));
	/* sales: 20 Erlangs need erlang_c_required agents, 10 here */
	const struct staff_interval *iv = &queues[1].staffing.iv[0];
	char want[64];
	int ys = fx_find_row("sales", NULL, NULL);
	assert_true(ys > 3);
	snprintf(want, sizeof want, " %d %*d %*s+%d ", iv->required_agents, 5, 10,
	         iv->gap >= 10 ? 2 : 3, "", iv->gap);
	if (!strstr(fx_row(ys), want))
		fail_msg("'%s' not in '%s'", want, fx_row(ys));
	assert_non_null(strstr(fx_row(ys), "Erlang C"));
	snprintf(want, sizeof want, "+%d", iv->gap);
	assert_int_equal(pair_at(ys, want), PAIR_NUMBER(view.attr[ROLE_CRITICAL]));
	/* billing has agents to spare: a negative gap, need in the ok role */
	int yb = fx_find_row("billing", NULL, NULL);
	assert_true(queues[0].staffing.iv[0].gap < 0);
	snprintf(want, sizeof want, " %d    20 ", queues[0].staffing.iv[0].required_agents);
	assert_non_null(strstr(fx_row(yb), want));
	want[strlen(want) - 7] = '\0';                      /* " 14": the need */
	assert_int_equal(pair_at(yb, want), PAIR_NUMBER(view.attr[ROLE_OK]));
	snprintf(want, sizeof want, " %d ", queues[0].staffing.iv[0].gap);
	assert_non_null(strstr(fx_row(yb), want));
	assert_non_null(strstr(fx_row(fx_find_row("support", NULL, NULL)), "Erlang A"));
	assert_int_equal(fx_find_row("quiet", NULL, NULL), -1);   /* nothing known: not listed */
	fx_close_screen(scr, &view);
}

/* 40 columns: one interval, no model; 4 rows: "+N more"; a selection. */
static void test_narrow_more_selected(void **state)
{
	(void)state;
	SCREEN *scr = fx_open_screen(&view, NULL, 24, 80);
	build();
	erase();
	panel_staffing(&view, &snap, (struct rect){ 0, 0, 4, 40 });
	fx_dump_screen();
	assert_non_null(strstr(fx_row(1), "SL now"));
	assert_null(strstr(fx_row(1), "SL next"));
	assert_null(strstr(fx_row(1), "Model"));
	assert_non_null(strstr(fx_row(2), "billing"));
	assert_non_null(strstr(fx_row(3), "+2 more"));         /* sales and support */
	erase();
	view.sel = 1;                                       /* sales only */
	panel_staffing(&view, &snap, (struct rect){ 0, 0, 6, 80 });
	fx_dump_screen();
	assert_true(fx_find_row("sales", NULL, NULL) == 2);
	assert_int_equal(fx_find_row("billing", NULL, NULL), -1);
	assert_int_equal(fx_find_row("support", NULL, NULL), -1);
	/* nothing known anywhere */
	erase();
	view.sel = -1;
	snap.queues = &queues[3];
	snap.n_queues = 1;
	panel_staffing(&view, &snap, (struct rect){ 0, 0, 4, 80 });
	fx_dump_screen();
	assert_non_null(strstr(fx_row(0), "not known yet"));
	assert_non_null(strstr(fx_row(2), "no forecast yet"));
	fx_close_screen(scr, &view);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wide),
		cmocka_unit_test(test_narrow_more_selected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
