/* test_ui_render.c - the wallboard drawn into a virtual screen (no tty) from a
 * hand-built snapshot, read back cell by cell; and the bytes a frame costs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <curses.h>

#include "draw_kit.h"
#include "figures.h"
#include "fixture_screen.h"
#include "glyphs.h"
#include "pages.h"
#include "theme.h"
#include "ui_draw.h"
#include "util.h"

#define AS_OF 1767283199   /* Thu 1 Jan 2026 15:59:59 UTC */

static struct snap_queue queues[3];
static struct agent_view agents[6];
static struct agent_figs agent_figs[6];
static struct snap_alert alerts[2];
static struct snap_source sources[1];
static struct snap_caller sales_callers[3], support_callers[2];
static struct snap_member members[5][2];
static struct snap_member *agent_queues[5];
static int agent_n_queues[5];
static struct snapshot snap;
static struct ui_view view;

static void period(struct snap_period *p, int64_t offered, int64_t answered, int64_t within,
                   int64_t abandoned, int64_t hold_s)
{
	memset(p, 0, sizeof *p);
	p->c.offered = offered;
	p->c.answered = answered;
	p->c.answered_within_sl = within;
	p->c.abandoned = abandoned;
	p->c.hold_s = hold_s;
	p->d = metrics_derive(&p->c, SL_OFFERED, 0);
}

/* Room for a hand-made queue's intervals and their grades (8 queues at most). */
static struct interval iv_room[8][MODEL_MAX_INTERVALS];
static unsigned char ivg_room[8][2][MODEL_MAX_INTERVALS];
static int n_room;

static void queue(struct snap_queue *q, const char *name, const char *display, int waiting,
                  int64_t longest, int avail, int on_call)
{
	int k = n_room++ % 8;
	memset(q, 0, sizeof *q);
	memset(iv_room[k], 0, sizeof iv_room[k]);
	q->intervals = iv_room[k];
	q->interval_grade[SNAP_IV_SL] = ivg_room[k][SNAP_IV_SL];
	q->interval_grade[SNAP_IV_ABANDON] = ivg_room[k][SNAP_IV_ABANDON];
	q->name = (char *)name;
	q->display = (char *)display;
	q->waiting = waiting;
	q->longest_wait_s = longest;
	q->agents.available = avail;
	q->agents.on_call = on_call;
	q->agents.logged_in = avail + on_call;
	q->sl_threshold_s = 20;
	q->sl_target_pct = 80;
	q->n_intervals = 64;   /* 16:00 */
	for (int i = 32; i < 64; i++) {
		q->intervals[i].offered = 10 + i % 7;
		q->intervals[i].answered = 9;
		q->intervals[i].answered_within_sl = 6 + i % 4;
		q->intervals[i].abandoned = 1;
	}
}

static void build_snapshot(void)
{
	memset(&snap, 0, sizeof snap);
	snap.as_of = AS_OF;
	snap.window_s = 900;
	snap.site = (char *)"Acme Support";
	snprintf(snap.sla, sizeof snap.sla, "80/20");
	/* a queue name carrying an escape sequence: it must reach the screen inert */
	queue(&queues[0], "billing\x1b[31m", NULL, 0, 0, 2, 1);
	period(&queues[0].window, 10, 10, 10, 0, 50);
	period(&queues[0].today, 120, 115, 110, 5, 900);
	queue(&queues[1], "sales", "Sales", 3, 95, 0, 6);
	period(&queues[1].window, 35, 25, 25, 10, 600);     /* SL 71%, abandon 28.6% */
	period(&queues[1].today, 400, 350, 300, 50, 6000);
	queue(&queues[2], "support", "Support", 2, 12, 1, 4);
	period(&queues[2].window, 20, 19, 17, 1, 200);      /* SL 85% */
	period(&queues[2].today, 300, 290, 260, 10, 3000);
	snap.queues = queues;
	snap.n_queues = 3;
	queue(&snap.total, "total", NULL, 5, 95, 3, 11);
	period(&snap.total.window, 65, 54, 52, 11, 850);    /* SL 80% */
	period(&snap.total.today, 820, 755, 670, 65, 9900);
	snap.total.agents.paused = 1;
	snap.total.agents.logged_in = 15;

	agents[0] = (struct agent_view){ "Alex", AGENT_ON_CALL, AS_OF - 185, 2, 0, NULL };
	agents[1] = (struct agent_view){ "Blake", AGENT_AVAILABLE, AS_OF - 30, 1, 0, NULL };
	agents[2] = (struct agent_view){ "Casey", AGENT_PAUSED, AS_OF - 700, 2, 0, "lunch" };
	agents[3] = (struct agent_view){ "Dana\x07", AGENT_ON_CALL, AS_OF - 20, 1, 0, NULL };
	agents[4] = (struct agent_view){ "Eli", AGENT_WRAPUP, AS_OF - 5, 1, 0, NULL };
	/* Fay logged off 40 minutes ago: after the logged-in five */
	agents[5] = (struct agent_view){ "Fay", (enum agent_state)AGENT_LOGGED_OFF, AS_OF - 2400, 0,
		0, NULL };
	memset(agent_figs, 0, sizeof agent_figs);
	for (int i = 0; i < 6; i++)
		agent_figs[i].occupancy_pct = agent_figs[i].wtime.occupancy_pct = NAN;
	agent_figs[5].today.answered = 7;
	agent_figs[5].off_since = AS_OF - 2400;
	snap.agents = agents;
	snap.agent_figs = agent_figs;
	snap.n_agents = 5;
	snap.n_agents_off = 1;
	/* queues 0 billing, 1 sales, 2 support; Casey is paused in sales only */
	{
		static const struct { int n; struct snap_member m[2]; } in[5] = {
			{ 2, { { 1, false }, { 2, false } } },   /* Alex */
			{ 1, { { 0, false } } },                 /* Blake */
			{ 2, { { 1, true }, { 2, false } } },    /* Casey */
			{ 1, { { 2, false } } },                 /* Dana */
			{ 1, { { 2, false } } },                 /* Eli */
		};
		for (int i = 0; i < 5; i++) {
			memcpy(members[i], in[i].m, sizeof members[i]);
			agent_queues[i] = members[i];
			agent_n_queues[i] = in[i].n;
		}
		snap.agent_queues = agent_queues;
		snap.agent_n_queues = agent_n_queues;
	}
	/* waiting callers, longest first; one caller ID carries escape sequences */
	memset(sales_callers, 0, sizeof sales_callers);
	sales_callers[0].callerid = "+1 555 0100";
	sales_callers[0].waiting_s = 95;
	sales_callers[1].callerid = "\x1b]0;pwned\x07\x1b[31m+1 555 0142";
	sales_callers[1].waiting_s = 40;
	sales_callers[2].callerid = "+1 555 0199";
	sales_callers[2].waiting_s = 7;
	queues[1].callers = sales_callers;
	queues[1].n_callers = 3;
	memset(support_callers, 0, sizeof support_callers);
	support_callers[0].callerid = "+44 20 7946 0000";
	support_callers[0].waiting_s = 12;
	support_callers[1].callerid = "";                     /* no caller ID */
	support_callers[1].waiting_s = 3;
	queues[2].callers = support_callers;
	queues[2].n_callers = 2;

	memset(alerts, 0, sizeof alerts);
	snprintf(alerts[0].rule, sizeof alerts[0].rule, "sl_low");
	snprintf(alerts[0].queue, sizeof alerts[0].queue, "sales");
	alerts[0].severity = SEV_CRITICAL;
	alerts[0].since = AS_OF - 125;
	snprintf(alerts[0].message, sizeof alerts[0].message, "service level 71%% below 80%%");
	snprintf(alerts[1].rule, sizeof alerts[1].rule, "wait_long");
	snprintf(alerts[1].queue, sizeof alerts[1].queue, "total");
	alerts[1].severity = SEV_WARNING;
	alerts[1].since = AS_OF - 600;
	alerts[1].acknowledged = true;
	snprintf(alerts[1].message, sizeof alerts[1].message, "longest wait 1:35");
	static const struct snap_alert *alertp[2] = { &alerts[0], &alerts[1] };
	snap.alerts = alertp;
	snap.n_alerts = 2;
	snapshot_grade(&snap, NULL);   /* as snapshot_build does, with the built-in levels */

	memset(sources, 0, sizeof sources);
	snprintf(sources[0].name, sizeof sources[0].name, "/var/log/asterisk/queue_log");
	sources[0].kind = "file";
	sources[0].state = SRC_FOLLOWING;
	snap.sources = sources;
	snap.n_sources = 1;
}

static void test_80x24_every_panel(void **state)
{
	FILE *out = fopen("/dev/null", "w");
	SCREEN *scr = fx_open_screen(&view, out, 24, 80);
	int y, ysales, ytotal;

	(void)state;
	build_snapshot();
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	/* header: site, SLA, source health, clock, alert count */
	assert_int_equal(fx_find_row("Acme Support", "SLA 80/20", "15:59:59"), 0);
	assert_int_equal(fx_find_row("queue_log following", NULL, NULL), 0);
	assert_int_equal(fx_find_row("1 alert", NULL, NULL), 0);   /* one not acknowledged */
	/* tiles of the total: waiting 5, longest 1:35, SL 80% */
	y = fx_find_row("Waiting", "Longest", "Available");
	assert_int_equal(y, 1);
	assert_non_null(strstr(fx_row(2), " 5 "));
	assert_non_null(strstr(fx_row(2), "1:35"));
	assert_non_null(strstr(fx_row(2), "80%"));
	/* the queue table: heading, rows with live and window figures, total */
	assert_true(fx_find_row("Queue", "Wait", "Longest") > 2);
	ysales = fx_find_row("Sales", "1:35", "71%");
	assert_true(ysales > 0);
	assert_non_null(strstr(fx_row(ysales), "29%"));       /* 10 of 35 abandoned */
	assert_non_null(strstr(fx_row(ysales), "\u2716"));    /* critical marker */
	assert_true(fx_find_row("Support", "85%", NULL) > ysales);
	assert_true(fx_find_row("billing", NULL, NULL) > 0);
	ytotal = fx_find_row("Total", "80%", NULL);
	assert_true(ytotal > ysales);
	assert_non_null(strstr(fx_row(ytotal), "\u25b6"));    /* the total is selected */
	/* bottom panels */
	assert_true(fx_find_row("Today by 15 min", NULL, NULL) > ytotal);
	assert_true(fx_find_row("Calls", NULL, NULL) > ytotal);
	assert_true(fx_find_row("Agents", "15 logged in", NULL) > ytotal);
	assert_true(fx_find_row("Avail", "Blake", "30s") > 0);
	assert_true(fx_find_row("On call", "Alex", "3m") > 0);
	assert_true(fx_find_row("Alerts", "2 active", NULL) > ytotal);
	assert_true(fx_find_row("15:57:54", "for 2m", "Sales") > 0);
	assert_true(fx_find_row("service level 71% below 80%", NULL, NULL) > 0);
	assert_true(fx_find_row("(acknowledged)", NULL, NULL) > 0);
	assert_int_equal(fx_find_row("q", "quit", "help"), 23);
	/* external text reached the screen inert */
	for (y = 0; y < LINES; y++) {
		assert_null(strchr(fx_row(y), '\x1b'));
		assert_null(strchr(fx_row(y), '\x07'));
	}
	assert_true(fx_find_row("Dana?", NULL, NULL) > 0);
	fx_close_screen(scr, &view);
	fclose(out);
}

/* The Agents view lists the agents logged off today (state, time since),
 * finds them with f, sorts them by name among the others; its help box lists
 * its own keys, not the frame's "select a queue". */
static void test_agents_view(void **state)
{
	FILE *out = fopen("/dev/null", "w");
	SCREEN *scr = fx_open_screen(&view, out, 24, 80);
	int y;

	(void)state;
	build_snapshot();
	view.page = ui_page_find("agents");
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	assert_true(fx_find_row("Agents", "6 of 6", NULL) > 0);
	y = fx_find_row("Off", "Fay", "40m");
	assert_true(y > fx_find_row("Eli", NULL, NULL));     /* by name */
	assert_non_null(strstr(fx_row(y), " 7 "));
	for (int i = 0; i < 6; i++)                        /* each state, then the logged off */
		ui_view_key(&view, 'f');
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	assert_true(fx_find_row("1 of 1 ", "logged off", NULL) > 0);
	assert_true(fx_find_row("Fay", NULL, NULL) > 0);
	assert_int_equal(fx_find_row("Alex", NULL, NULL), -1);
	ui_view_key(&view, 'f');
	ui_view_key(&view, '?');
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	assert_true(fx_find_row("Agents: keys", NULL, NULL) > 0);
	assert_int_equal(fx_find_row("select a queue", NULL, NULL), -1);
	assert_true(fx_find_row("Up Down", "scroll a row", NULL) > 0);
	assert_true(fx_find_row("the logged off", NULL, NULL) > 0);
	fx_close_screen(scr, &view);
	fclose(out);
}

/* A group's row selected: the tiles show the group's figures, and its name;
 * Home goes back to the total (the tiles' first choice). */
static void test_group_tiles_and_home(void **state)
{
	FILE *out = fopen("/dev/null", "w");
	SCREEN *scr = fx_open_screen(&view, out, 24, 80);
	static struct snap_group group;
	static int group_members[2] = { 1, 2 };

	(void)state;
	build_snapshot();
	memset(&group, 0, sizeof group);
	queue(&group.q, "emea", "EMEA", 9, 200, 1, 10);
	group.members = group_members;
	group.n_members = 2;
	snap.groups = &group;
	snap.n_groups = 1;
	snapshot_grade(&snap, NULL);
	ui_draw_screen(&view, &snap);
	assert_true(ui_view_key(&view, KEY_DOWN));          /* the total, then the group's row */
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	assert_true(fx_find_row("\u25b6", "EMEA", NULL) > 0);
	assert_non_null(strstr(fx_row(2), " 9 "));
	assert_non_null(strstr(fx_row(2), "3:20"));
	assert_true(fx_find_row("showing EMEA", NULL, NULL) > 0 || fx_find_row("EMEA", NULL, NULL) > 0);
	assert_true(ui_view_key(&view, KEY_DOWN));          /* a queue of the group */
	assert_true(ui_view_key(&view, KEY_HOME));
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	assert_non_null(strstr(fx_row(2), " 5 "));
	assert_non_null(strstr(fx_row(2), "1:35"));
	assert_true(fx_find_row("\u25b6", "Total", NULL) > 0);
	snap.groups = NULL;
	snap.n_groups = 0;
	fx_close_screen(scr, &view);
	fclose(out);
}

static void test_selection_moves_tiles(void **state)
{
	FILE *out = fopen("/dev/null", "w");
	SCREEN *scr = fx_open_screen(&view, out, 24, 80);

	(void)state;
	build_snapshot();
	ui_draw_screen(&view, &snap);
	assert_true(ui_view_key(&view, '\t'));   /* total -> first queue */
	assert_true(ui_view_key(&view, '\t'));   /* -> sales */
	ui_draw_screen(&view, &snap);
	assert_string_equal(view.sel_name, "sales");
	assert_true(fx_find_row("showing Sales", NULL, NULL) == 23);
	assert_non_null(strstr(fx_row(2), " 3 "));         /* sales has 3 waiting */
	assert_non_null(strstr(fx_row(2), "71%"));
	assert_non_null(strstr(fx_row(fx_find_row("Sales", "1:35", NULL)), "\u25b6"));
	/* selection follows the name when the queue list changes */
	snap.queues = &queues[1];
	snap.n_queues = 2;
	ui_draw_screen(&view, &snap);
	assert_int_equal(view.sel, 0);
	assert_true(ui_view_key(&view, KEY_BTAB));
	ui_draw_screen(&view, &snap);
	assert_int_equal(view.sel, -1);
	assert_true(fx_find_row("showing Total", NULL, NULL) == 23);
	/* help */
	assert_true(ui_view_key(&view, '?'));
	ui_draw_screen(&view, &snap);
	assert_true(fx_find_row("acknowledge the active alerts", NULL, NULL) > 0);
	assert_true(ui_view_key(&view, 27));
	ui_draw_screen(&view, &snap);
	assert_int_equal(fx_find_row("acknowledge the active alerts", NULL, NULL), -1);
	/* views: 1 is the queue board; a number past the last view is not a key */
	assert_true(ui_view_key(&view, '1'));
	assert_int_equal(view.page, 0);
	assert_false(ui_view_key(&view, '9'));
	assert_int_equal(view.page, 0);
	fx_close_screen(scr, &view);
	fclose(out);
}

/* The Waiting panel (longest first, caller IDs made harmless) and the agent
 * board of the selected queue. */
static void test_waiting_and_queue_agents(void **state)
{
	FILE *out = fopen("/dev/null", "w");
	SCREEN *scr = fx_open_screen(&view, out, 24, 80);
	int y0, y1, y2, y3;

	(void)state;
	build_snapshot();
	ui_draw_screen(&view, &snap);
	/* the total: every queue's callers, longest first, with their queue */
	assert_true(fx_find_row("Waiting \u2500", " 5 ", NULL) > 10);
	y0 = fx_find_row("+1 555 0100", "1:35", NULL);
	y1 = fx_find_row("+1 555 0142", "0:40", NULL);
	y2 = fx_find_row("+44 20 7946", "0:12", NULL);
	y3 = fx_find_row("+1 555 0199", "0:07", NULL);
	if (y0 < 0 || y1 < 0 || y2 < 0 || y3 < 0)
		fx_dump_screen();
	assert_true(y0 > 0);
	assert_int_equal(y1, y0 + 1);
	assert_int_equal(y2, y0 + 2);
	assert_int_equal(y3, y0 + 3);
	assert_int_equal(fx_find_row("unknown", "0:03", NULL), y0 + 4);
	/* graded by the longest wait's levels (longest_wait: 60 s, 120 s) */
	assert_non_null(strstr(fx_row(y0), "\u25b2"));       /* 95 s >= 60 s: warning */
	assert_null(strstr(fx_row(y0), "\u2716"));
	assert_null(strstr(fx_row(y1), "\u25b2"));           /* 40 s: ok */
	for (int y = 0; y < LINES; y++) {
		assert_null(strchr(fx_row(y), '\x1b'));
		assert_null(strstr(fx_row(y), "[31m"));
		assert_null(strstr(fx_row(y), "pwned"));
	}
	assert_true(fx_find_row("Agents", "15 logged in", NULL) > 0);
	assert_true(fx_find_row("Blake", NULL, NULL) > 0);
	/* select sales: its callers only, its agents only, Casey paused there */
	assert_true(ui_view_key(&view, '\t'));
	assert_true(ui_view_key(&view, '\t'));
	ui_draw_screen(&view, &snap);
	assert_string_equal(view.sel_name, "sales");
	assert_true(fx_find_row("Waiting \u00b7 Sales", "3", NULL) > 0);
	y0 = fx_find_row("+1 555 0100", "1:35", NULL);
	assert_true(y0 > 0);
	assert_int_equal(fx_find_row("+1 555 0142", "0:40", NULL), y0 + 1);
	assert_int_equal(fx_find_row("+44 20 7946", NULL, NULL), -1);
	assert_true(fx_find_row("Agents \u00b7 Sales", "6 logged in", NULL) > 0);
	assert_true(fx_find_row("Alex", NULL, NULL) > 0);
	assert_true(fx_find_row("Paused", "Casey", NULL) > 0);
	assert_int_equal(fx_find_row("Blake", NULL, NULL), -1);
	assert_int_equal(fx_find_row("Eli", NULL, NULL), -1);
	/* billing: no one waiting */
	assert_true(ui_view_key(&view, KEY_BTAB));
	ui_draw_screen(&view, &snap);
	assert_true(fx_find_row("no one waiting", NULL, NULL) > 0);
	assert_true(fx_find_row("Blake", NULL, NULL) > 0);
	assert_int_equal(fx_find_row("Alex", NULL, NULL), -1);
	fx_close_screen(scr, &view);
	fclose(out);
}

static void test_too_small_and_big(void **state)
{
	FILE *out = fopen("/dev/null", "w");
	SCREEN *scr = fx_open_screen(&view, out, 15, 70);

	(void)state;
	build_snapshot();
	ui_draw_screen(&view, &snap);
	assert_true(fx_find_row("terminal too small (need 60x16, have 70x15)", NULL, NULL) >= 0);
	/* narrower than the sentence: its two halves on two lines, not cut */
	resizeterm(8, 30);
	ui_draw_screen(&view, &snap);
	assert_true(fx_find_row("terminal too small", NULL, NULL) == 3);
	assert_true(fx_find_row("need 60x16, have 30x8", NULL, NULL) == 4);
	assert_true(fx_find_row("q quits", NULL, NULL) == 5);
	resizeterm(50, 200);
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	assert_true(view.lay.big_tiles);
	assert_true(fx_find_row("WAITING", "LONGEST WAIT", "SERVICE LEVEL") > 0);
	assert_true(fx_find_row("Aband today", "On call", "Logged in") > 0);
	assert_true(fx_find_row("Thu 01 Jan", "15:59:59", NULL) == 0);
	/* the big digits are reverse-video blocks */
	{
		int y = fx_find_row("WAITING", NULL, NULL) + 1, blocks = 0;

		for (int r = y; r < y + 5; r++)
			for (int x = 0; x < COLS / 6; x++)
				blocks += (mvinch(r, x) & A_REVERSE) != 0;
		assert_true(blocks >= 7);   /* "5" has 11 pixels at least 1 column wide */
	}
	fx_close_screen(scr, &view);
	fclose(out);
}

/* The trend's hour axis at 200x60 in zone tz: the labels (space-separated)
 * and the column of the first. Interval i of the model starts day_start +
 * i x 15 min in real seconds, so each label is that epoch's local hour. */
static void axis_labels(const char *tz, int64_t as_of, int day_start_min, int n,
                        char *labels, size_t size, int *first_x)
{
	FILE *out = fopen("/dev/null", "w");
	SCREEN *scr = fx_open_screen(&view, out, 60, 200);
	const char *r;
	int y;

	setenv("TZ", tz, 1);
	tzset();
	build_snapshot();
	snap.as_of = as_of;
	snap.total.n_intervals = n;
	for (int i = 0; i < n; i++)
		snap.total.intervals[i].offered = 1 + i % 5;
	util_day_bounds(as_of, day_start_min, &snap.day_start, &(int64_t){ 0 });
	ui_draw_screen(&view, &snap);
	assert_true(view.lay.trend_axis);
	y = view.lay.trend.y + 1 + 3 * view.lay.trend_rows;
	r = fx_row(y);
	print_message("%s as of %lld, day start %02d:%02d: |%s|\n", tz, (long long)as_of,
	              day_start_min / 60, day_start_min % 60, r);
	*first_x = (int)strspn(r, " ");
	labels[0] = '\0';
	for (const char *p = r; *p; ) {
		size_t k = strcspn(p += strspn(p, " "), " ");

		if (k == 0)
			break;
		snprintf(labels + strlen(labels), size - strlen(labels), "%s%.*s",
		         labels[0] ? " " : "", (int)k, p);
		p += k;
	}
	fx_close_screen(scr, &view);
	fclose(out);
	setenv("TZ", "UTC", 1);
	tzset();
}

/* On a DST day the axis reads the real local time of each interval: the day
 * that began yesterday at day_start is 23 or 25 hours long, not 24. */
static void test_trend_axis_dst(void **state)
{
	char labels[512];
	int x, label_x = 9;   /* the sparklines start after their 9-column labels */

	(void)state;
	/* New York, Sun 8 Mar 2026 04:10 EDT; the day began Sat 06:00 EST, 85
	 * intervals ago; 02:00 never happened */
	axis_labels("America/New_York", 1772957400, 6 * 60, 85, labels, sizeof labels, &x);
	assert_string_equal(labels, "06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 "
	                            "00 01 03 04");
	assert_int_equal(x, label_x);
	/* Berlin, Sun 25 Oct 2026 05:10 CET; the day began Sat 06:00 CEST, 97
	 * intervals ago; 02:00 came twice */
	axis_labels("Europe/Berlin", 1792901400, 6 * 60, 97, labels, sizeof labels, &x);
	assert_string_equal(labels, "06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 "
	                            "00 01 02 02 03 04 05");
	assert_int_equal(x, label_x);
	/* Berlin the same morning, the day from midnight (CEST): 25 intervals */
	axis_labels("Europe/Berlin", 1792901400, 0, 25, labels, sizeof labels, &x);
	assert_string_equal(labels, "00:00 01:00 02:00 02:00 03:00 04:00 05:00");
	assert_int_equal(x, label_x);
}

static long frame_bytes(FILE *out, long *pos)
{
	long now, n;

	fflush(out);
	now = ftell(out);
	n = now - *pos;
	*pos = now;
	return n;
}

static void test_bytes_per_frame(void **state)
{
	FILE *out = tmpfile();
	SCREEN *scr;
	long pos = 0, first, same, tick, sel;

	(void)state;
	assert_non_null(out);
	scr = fx_open_screen(&view, out, 24, 80);
	build_snapshot();
	ui_draw_screen(&view, &snap);
	first = frame_bytes(out, &pos);
	ui_draw_screen(&view, &snap);
	same = frame_bytes(out, &pos);
	snap.as_of++;                 /* the clock ticks: header and ages change */
	ui_draw_screen(&view, &snap);
	tick = frame_bytes(out, &pos);
	ui_view_key(&view, '\t');
	ui_draw_screen(&view, &snap);
	sel = frame_bytes(out, &pos);
	print_message("bytes per frame at 80x24: first %ld, identical %ld, one second later %ld, "
	              "selection moved %ld\n", first, same, tick, sel);
	assert_true(first > 1000);
	assert_true(same < 16);
	assert_true(tick < 200);
	assert_true(sel < first);
	fx_close_screen(scr, &view);
	fclose(out);
}

/* The screen colours what the snapshot graded, and nothing else. */
/* Every cell of a rows x cols screen of snap (text and attributes) into cells. */
static void screen_cells(int rows, int cols, chtype *cells)
{
	FILE *out = fopen("/dev/null", "w");
	SCREEN *scr = fx_open_screen(&view, out, rows, cols);

	ui_draw_screen(&view, &snap);
	for (int y = 0; y < rows; y++)
		for (int x = 0; x < cols; x++)
			cells[y * cols + x] = mvwinch(stdscr, y, x);
	fx_close_screen(scr, &view);
	fclose(out);
}

/* The queues' and total's intervals held from 32 (the first with calls),
 * not from the day's start, draw the same screen: the trend's bars, their
 * colours (the intervals' grades) and the empty morning before them. */
static void test_trend_held_from_first(void **state)
{
	static const int size[2][2] = { { 24, 80 }, { 60, 200 } };
	static chtype a[60 * 200], b[60 * 200];
	struct snap_queue *q[4] = { &queues[0], &queues[1], &queues[2], &snap.total };

	(void)state;
	for (int k = 0; k < 2; k++) {
		int rows = size[k][0], cols = size[k][1];
		build_snapshot();
		screen_cells(rows, cols, a);
		for (int i = 0; i < 4; i++) {
			for (int j = 0; j < 32; j++)
				assert_int_equal(q[i]->intervals[j].offered, 0);
			q[i]->iv_first = 32;
			q[i]->intervals += 32;
			q[i]->interval_grade[SNAP_IV_SL] += 32;
			q[i]->interval_grade[SNAP_IV_ABANDON] += 32;
		}
		screen_cells(rows, cols, b);
		assert_memory_equal(a, b, (size_t)(rows * cols) * sizeof *a);
	}
}

static void test_colours_follow_grades(void **state)
{
	FILE *out = fopen("/dev/null", "w");
	SCREEN *scr = fx_open_screen(&view, out, 24, 80);
	size_t lw = figure_index(figure_find("longest_wait_s"));
	int y, x;
	const char *r;

	(void)state;
	build_snapshot();
	for (int i = 0; i < 3; i++)
		memset(queues[i].grade, SEV_OK, sizeof queues[i].grade);
	memset(snap.total.grade, SEV_OK, sizeof snap.total.grade);
	snap.total.grade[lw] = SEV_CRITICAL;         /* 1:35: critical only because graded so */
	ui_draw_screen(&view, &snap);
	r = fx_row(2);
	x = (int)(strstr(r, "1:35") - r);
	assert_true(x > 0);
	assert_int_equal(mvwinch(stdscr, 2, x) & A_COLOR, view.attr[ROLE_CRITICAL] & A_COLOR);
	y = fx_find_row("Sales", "1:35", NULL);
	assert_true(y > 0);
	assert_null(strstr(fx_row(y), "\u2716"));       /* Sales graded ok: no marker */
	assert_null(strstr(fx_row(y), "\u26a0"));
	snap.total.grade[lw] = SEV_OK;
	ui_draw_screen(&view, &snap);
	assert_int_not_equal(mvwinch(stdscr, 2, x) & A_COLOR, view.attr[ROLE_CRITICAL] & A_COLOR);
	/* the help lists the levels the snapshot was graded by */
	assert_true(ui_view_key(&view, '?'));
	ui_draw_screen(&view, &snap);
	assert_true(fx_find_row("service level", "below target ", "below target-10") > 0);
	assert_true(fx_find_row("longest wait", "from 1:00", "from 2:00") > 0);
	assert_true(fx_find_row("abandon rate", "from 10%", "from 20%") > 0);
	assert_true(fx_find_row("no agent", "\u2716 from 1", NULL) > 0);
	fx_close_screen(scr, &view);
	fclose(out);
}

static void test_themes_load(void **state)
{
	static const char *const names[] = {
		"default", "light", "high-contrast", "colorblind", "mono",
	};
	struct theme t;
	char *cause = NULL, *path, bad[] = "/tmp/ccboard-theme-XXXXXX";
	FILE *f;
	int fd;

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		path = theme_find(names[i], NULL, &cause);
		assert_non_null(path);
		assert_int_equal(theme_load(&t, path, &cause), 0);
		assert_string_equal(t.name, names[i]);
		free(path);
	}
	assert_true(t.spec[THEME_MONO][ROLE_CRITICAL].set);
	assert_null(theme_find("no-such-theme", NULL, &cause));
	assert_non_null(strstr(cause, "unknown theme 'no-such-theme'"));
	free(cause);
	/* a bad colour names its line */
	fd = mkstemp(bad);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("[theme]\nname = x\n[8]\nok = green default\ncritical = 200 red\n", f);
	fclose(f);
	assert_int_equal(theme_load(&t, bad, &cause), -1);
	assert_non_null(strstr(cause, ":5: [8] critical: not a colour '200'"));
	free(cause);
	remove(bad);
	/* the ladder */
	assert_int_equal(theme_level_for(256, true, NULL), THEME_256);
	assert_int_equal(theme_level_for(256, true, ""), THEME_256);
	assert_int_equal(theme_level_for(256, true, "1"), THEME_MONO);
	assert_int_equal(theme_level_for(16, true, NULL), THEME_16);
	assert_int_equal(theme_level_for(8, true, NULL), THEME_8);
	assert_int_equal(theme_level_for(0, false, NULL), THEME_MONO);
}

/* Many agents, paged at 80x24: by name (the logged off merged in by name) and
 * by time in state, each page carries on the order of the one before, every
 * agent once (only the page shown is put in order: no sort of them all). */
static void agents_paged(int *seen, int *order, int *n_order)
{
	for (int page = 0; page < 40; page++) {
		for (int y = 0; y < 24; y++) {
			const char *a = strstr(fx_row(y), " N");
			int id;
			/* the last page ends at the last agent: it may show some again */
			if (a && sscanf(a, " N%3d", &id) == 1 && id >= 0 && id < 150 && !seen[id]) {
				seen[id]++;
				order[(*n_order)++] = id;
			}
		}
		ui_view_key(&view, KEY_NPAGE);
		ui_draw_screen(&view, &snap);
		fx_dump_screen();
		if (*n_order >= 150)
			break;
	}
}

static void test_agents_sorted_pages(void **state)
{
	static struct agent_view many[150];
	static struct agent_figs figs[150];
	static char names[150][8];
	int seen[150], order[300], n = 0;
	FILE *out = fopen("/dev/null", "w");
	SCREEN *scr = fx_open_screen(&view, out, 24, 80);

	(void)state;
	build_snapshot();
	/* N000..N149: the even ones logged in (listed first by name), the odd off */
	for (int k = 0; k < 150; k++) {
		int id = k < 75 ? 2 * k : 2 * (k - 75) + 1;
		snprintf(names[k], sizeof names[k], "N%03d", id);
		many[k] = (struct agent_view){ names[k], k < 75 ? AGENT_AVAILABLE :
			(enum agent_state)AGENT_LOGGED_OFF, AS_OF - 60 * ((id * 37) % 150) - 1, 0, 0,
			NULL };
		memset(&figs[k], 0, sizeof figs[k]);
		figs[k].occupancy_pct = NAN;
	}
	snap.agents = many;
	snap.agent_figs = figs;
	snap.n_agents = 75;
	snap.n_agents_off = 75;
	snap.agent_n_queues = NULL;
	view.page = ui_page_find("agents");
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	memset(seen, 0, sizeof seen);
	agents_paged(seen, order, &n);
	assert_int_equal(n, 150);
	for (int i = 0; i < 150; i++) {
		assert_int_equal(seen[i], 1);
		assert_int_equal(order[i], i);
	}
	ui_view_key(&view, 's');               /* by state */
	ui_view_key(&view, 's');               /* by time in state: the longest first */
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	memset(seen, 0, sizeof seen);
	n = 0;
	agents_paged(seen, order, &n);
	assert_int_equal(n, 150);
	for (int i = 0; i < 150; i++) {
		assert_int_equal(seen[i], 1);
		assert_int_equal((order[i] * 37) % 150, 149 - i);
	}
	fx_close_screen(scr, &view);
	fclose(out);
}

/* A queue found by name by bisection in the snapshot's order (natural, a
 * total order: "q1" and "q01" are two queues), NULL names being none. */
static void test_queue_find(void **state)
{
	struct snap_queue qs[] = { { .name = NULL }, { .name = "q1" }, { .name = "q01" },
	                           { .name = "q2" }, { .name = "q10" }, { .name = "sales" } };
	struct snapshot s = { .queues = qs, .n_queues = sizeof qs / sizeof qs[0] };

	(void)state;
	for (size_t i = 1; i < s.n_queues; i++)
		assert_int_equal(snapshot_queue_find(&s, qs[i].name), (long)i);
	assert_int_equal(snapshot_queue_find(&s, ""), -1);
	assert_int_equal(snapshot_queue_find(&s, "q3"), -1);
	assert_int_equal(snapshot_queue_find(&s, "q001"), -1);
	assert_int_equal(snapshot_queue_find(&s, "zz"), -1);
	s.n_queues = 0;
	assert_int_equal(snapshot_queue_find(&s, "q1"), -1);
}

/* The formats written without snprintf write what it would: whole
 * percentages rounded as printf rounds (a half to even, the value's exact
 * binary fraction), -0 and huge values too, durations and ages, and a
 * buffer too short cut as snprintf cuts. */
static void test_formats_as_snprintf(void **state)
{
	static const double pcts[] = { 0, -0.0, 0.5, 1.5, 2.5, 99.5, 100.5, 0.49999999999999994,
		33.333333333333336, 66.66666666666667, 12.5, 4.25, 9.95, 9.999, 10.0, 1e300,
		-3.7, 0.05, 87.50000000000001, 1e15, 4503599627370495.5 };
	static const int64_t secs[] = { -5, 0, 1, 59, 60, 61, 599, 3599, 3600, 3661, 35999,
		86399, 360000, 9876543 };
	struct ui_view v;
	char a[32], b[32];

	(void)state;
	memset(&v, 0, sizeof v);
	v.g = glyphs_get(true);
	for (size_t i = 0; i < sizeof pcts / sizeof pcts[0]; i++) {
		for (int d = 0; d < 2; d++) {
			ui_fmt_pct(&v, a, sizeof a, pcts[i], d);
			snprintf(b, sizeof b, d && pcts[i] < 10.0 ? "%.1f%%" : "%.0f%%", pcts[i]);
			assert_string_equal(a, b);
		}
	}
	for (int k = 0; k <= 20000; k++) {   /* every tenth of a percent, and the halves */
		double x = k / 20.0;
		ui_fmt_pct(&v, a, sizeof a, x, false);
		snprintf(b, sizeof b, "%.0f%%", x);
		assert_string_equal(a, b);
	}
	ui_fmt_pct(&v, a, sizeof a, NAN, false);
	assert_string_equal(a, v.g->nodata);
	for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++) {
		int64_t s = secs[i] < 0 ? 0 : secs[i];
		for (size_t n = 1; n <= sizeof a; n += n < 8 ? 1 : 8) {
			ui_fmt_dur(a, n, secs[i]);
			if (s >= 3600)
				snprintf(b, n, "%d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60),
				         (int)(s % 60));
			else
				snprintf(b, n, "%d:%02d", (int)(s / 60), (int)(s % 60));
			assert_string_equal(a, b);
			ui_fmt_age(a, n, secs[i]);
			if (s < 60)
				snprintf(b, n, "%ds", (int)s);
			else if (s < 3600)
				snprintf(b, n, "%dm", (int)(s / 60));
			else
				snprintf(b, n, "%dh%02d", (int)(s / 3600), (int)(s / 60 % 60));
			assert_string_equal(a, b);
		}
	}
}

/* A cell's text is kept from frame to frame while its value holds; the
 * glyphs it was written with are part of it: a figure with no data shows
 * the new glyphs' mark once they change, its value the same. */
static void test_kept_cells_follow_glyphs(void **state)
{
	SCREEN *scr = fx_open_screen(&view, NULL, 24, 80);
	int y;

	(void)state;
	build_snapshot();
	period(&queues[0].window, 0, 0, 0, 0, 0);      /* billing: SL, abandon with no data */
	ui_draw_screen(&view, &snap);
	y = fx_find_row("billing", NULL, NULL);
	assert_true(y > 0);
	assert_non_null(strstr(fx_row(y), "\u2013"));
	ui_draw_screen(&view, &snap);                    /* kept: the same */
	assert_non_null(strstr(fx_row(y), "\u2013"));
	view.g = glyphs_get(false);
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	y = fx_find_row("billing", NULL, NULL);
	assert_true(y > 0);
	assert_null(strstr(fx_row(y), "\u2013"));
	assert_non_null(strstr(fx_row(y), " - "));
	fx_close_screen(scr, &view);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_80x24_every_panel),
		cmocka_unit_test(test_selection_moves_tiles),
		cmocka_unit_test(test_agents_view),
		cmocka_unit_test(test_agents_sorted_pages),
		cmocka_unit_test(test_group_tiles_and_home),
		cmocka_unit_test(test_waiting_and_queue_agents),
		cmocka_unit_test(test_too_small_and_big),
		cmocka_unit_test(test_bytes_per_frame),
		cmocka_unit_test(test_colours_follow_grades),
		cmocka_unit_test(test_trend_held_from_first),
		cmocka_unit_test(test_themes_load),
		cmocka_unit_test(test_trend_axis_dst),
		cmocka_unit_test(test_queue_find),
		cmocka_unit_test(test_formats_as_snprintf),
		cmocka_unit_test(test_kept_cells_follow_glyphs),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
