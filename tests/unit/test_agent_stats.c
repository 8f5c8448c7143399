/* test_agent_stats.c - each agent's day (issue 16): hand-made logs with known
 * calls, pauses and rings; occupancy; the window; a new day; the long-call
 * alert at exactly its threshold; the agents logged off today in the JSON and
 * /metrics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agent_stats.h"
#include "alerts.h"
#include "config.h"
#include "exposition.h"
#include "figures.h"
#include "fixture_model.h"
#include "model.h"
#include "queuelog.h"
#include "snapshot.h"

#define T0 1767254400   /* 2026-01-01 08:00:00 UTC */

struct fixture {
	struct config cfg;
	struct model *m;
	struct agent_queue_figs buf[8];
	struct astat_pause pauses[ASTAT_FIGS_PAUSES];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	fx_model_open(&f->cfg, &f->m, 30);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	fx_model_close(&f->cfg, f->m);
	free(f);
	return 0;
}

/* Feeds one queue_log line, which must be an event. */
#define feed(f, ...) assert_int_not_equal(fx_feed((f)->m, __VA_ARGS__), -1)

/* Agent name's figures as of now. */
static struct agent_figs figs(struct fixture *f, const char *name, int64_t now)
{
	struct agent_figs a;
	model_advance(f->m, now);
	for (size_t i = 0; i < model_agent_count(f->m); i++) {
		struct agent_view v;
		if (model_agent(f->m, i, &v) && strcmp(v.name, name) == 0) {
			assert_true(model_agent_figs(f->m, i, &a, f->buf, 8, f->pauses));
			return a;
		}
	}
	fail_msg("no agent %s", name);
	return a;
}

/* One call of Alex in queue q: entered at t, answered 10 s later, talk s long. */
static void call(struct fixture *f, const char *id, const char *q, int64_t t, int talk)
{
	feed(f, "%lld|%s|%s|NONE|ENTERQUEUE||0555%s|1", (long long)t, id, q, id);
	feed(f, "%lld|%s|%s|Alex|CONNECT|10|%s.1|3", (long long)t + 10, id, q, id);
	feed(f, "%lld|%s|%s|Alex|COMPLETECALLER|10|%d|1", (long long)t + 10 + talk, id, q, talk);
}

/* A day of Alex: logged in at T0, one call of 300 s, 600 s of lunch, 100 s of
 * break, a ring not answered. At T0 + 3600: logged in 3600 s, paused 700 s,
 * busy 300 + 30 (wrap-up) s: occupancy 330 / 2900. */
static void test_occupancy(void **state)
{
	struct fixture *f = *state;
	feed(f, "%lld|NONE|sales|Alex|ADDMEMBER|", (long long)T0);
	call(f, "c1", "sales", T0 + 100, 300);
	feed(f, "%lld|NONE|sales|Alex|PAUSE|lunch", (long long)T0 + 500);
	feed(f, "%lld|NONE|sales|Alex|UNPAUSE|", (long long)T0 + 1100);
	feed(f, "%lld|NONE|sales|Alex|PAUSE|break", (long long)T0 + 1200);
	feed(f, "%lld|NONE|sales|Alex|UNPAUSE|", (long long)T0 + 1300);
	feed(f, "%lld|c2|sales|NONE|ENTERQUEUE||0555|1", (long long)T0 + 1390);
	feed(f, "%lld|c2|sales|Alex|RINGNOANSWER|15000", (long long)T0 + 1400);

	struct agent_figs a = figs(f, "Alex", T0 + 3600);
	assert_int_equal(a.today.answered, 1);
	assert_int_equal(a.today.completed, 1);
	assert_int_equal(a.today.talk_s, 300);
	assert_int_equal(a.today.hold_s, 10);
	assert_int_equal(a.today.rna, 1);
	assert_int_equal(a.today.ring_ms, 15000);
	assert_true(fabs(astat_aht(&a.today) - 330.0) < 1e-9);
	assert_int_equal(a.login_s, 3600);
	assert_int_equal(a.paused_s, 700);
	assert_int_equal(a.n_pauses, 2);
	assert_string_equal(a.pauses[0].reason, "lunch");
	assert_int_equal(a.pauses[0].s, 600);
	assert_string_equal(a.pauses[1].reason, "break");
	assert_int_equal(a.pauses[1].s, 100);
	assert_int_equal(a.busy_s, 330);
	assert_true(fabs(a.occupancy_pct - 100.0 * 330 / 2900) < 1e-9);
	/* the window (900 s) holds nothing of it by now */
	assert_int_equal(a.window.answered, 0);
	assert_int_equal(a.window.rna, 0);

	/* a pause in progress counts up to now */
	feed(f, "%lld|NONE|sales|Alex|PAUSE|lunch", (long long)T0 + 3600);
	a = figs(f, "Alex", T0 + 3700);
	assert_int_equal(a.paused_s, 800);
	assert_int_equal(a.pauses[0].s, 700);
	assert_true(a.paused_now);
	assert_true(fabs(agent_figure_value(&agent_figures[2], &a, T0 + 3700, "LUNCH") - 100) < 1e-9);
	assert_true(agent_figure_value(&agent_figures[2], &a, T0 + 3700, "break") == 0);
}

/* A pause reason longer than a reason's room is cut to its 31 bytes, today's
 * and the window's alike, the pause in progress and the closed one the same
 * reason: one entry each. */
static void test_long_reason(void **state)
{
	struct fixture *f = *state;
	const char *longer = "a-reason-of-forty-bytes-and-then-some-more";
	char cut[ASTAT_REASON_LEN];
	struct agent_figs a;
	snprintf(cut, sizeof cut, "%s", longer);
	feed(f, "%lld|NONE|sales|Alex|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|NONE|sales|Alex|PAUSE|%s", (long long)T0 + 100, longer);
	feed(f, "%lld|NONE|sales|Alex|UNPAUSE|", (long long)T0 + 200);
	feed(f, "%lld|NONE|sales|Alex|PAUSE|%s", (long long)T0 + 300, longer);
	a = figs(f, "Alex", T0 + 350);
	assert_int_equal(strlen(cut), ASTAT_REASON_LEN - 1);
	assert_int_equal(a.n_pauses, 1);
	assert_string_equal(a.pauses[0].reason, cut);
	assert_int_equal(a.pauses[0].s, 150);
	assert_int_equal(a.wtime.n_pauses, 1);
	assert_string_equal(a.wtime.pauses[0].reason, cut);
	assert_int_equal(a.wtime.pauses[0].s, 150);
}

/* The current call's caller id as it came, short or long (up to 39 bytes;
 * longer ones cut there), each call's replacing the last's. */
static void test_callerid(void **state)
{
	struct fixture *f = *state;
	static const char *ids[] = { "+15552927470", "sip:a-rather-long-caller@example.org",
	                             "0555", "sip:a-caller-name-longer-than-39-bytes@example.org",
	                             "" };
	char cut[40];
	feed(f, "%lld|NONE|sales|Alex|ADDMEMBER|", (long long)T0);
	for (int i = 0; i < 5; i++) {
		int64_t t = T0 + 100 + 1000 * i;
		feed(f, "%lld|c%d|sales|NONE|ENTERQUEUE||%s|1", (long long)t, i, ids[i]);
		feed(f, "%lld|c%d|sales|Alex|CONNECT|10|c%d.1|3", (long long)t + 10, i, i);
		struct agent_figs a = figs(f, "Alex", t + 20);
		assert_true(a.on_call);
		snprintf(cut, sizeof cut, "%s", ids[i]);
		assert_string_equal(a.callerid, cut);
		feed(f, "%lld|c%d|sales|Alex|COMPLETECALLER|10|100|1", (long long)t + 110, i);
	}
}

/* The same person in two queues is one agent with one figure per queue; the
 * window counts only the last window_s; a new day starts from zero. */
static void test_queues_window_day(void **state)
{
	struct fixture *f = *state;
	call(f, "c1", "sales", T0, 100);
	call(f, "c2", "support", T0 + 1000, 200);
	struct agent_figs a = figs(f, "Alex", T0 + 1300);
	assert_int_equal(model_agent_count(f->m), 1);
	assert_int_equal(a.today.answered, 2);
	assert_int_equal(a.today.talk_s, 300);
	assert_int_equal(a.n_queues, 2);
	assert_int_equal(a.queues[0].today.answered, 1);
	assert_int_equal(a.queues[0].today.talk_s, 100);
	assert_int_equal(a.queues[1].today.talk_s, 200);
	assert_int_equal(a.window.answered, 1);        /* c1 (T0 + 10) left at T0 + 910 */
	assert_int_equal(a.window.talk_s, 200);
	a = figs(f, "Alex", T0 + 2200);
	assert_int_equal(a.window.answered, 0);
	assert_int_equal(a.today.answered, 2);
	/* the next day: today's figures start again, logged-in time from midnight */
	a = figs(f, "Alex", T0 + 16 * 3600 + 60);
	assert_int_equal(a.today.answered, 0);
	assert_int_equal(a.n_queues, 0);
	assert_int_equal(a.login_s, 60);
}

/* The window (T0 + 2700, T0 + 3600] of Alex: logged in all of it (900 s);
 * coffee from T0 + 2600 to T0 + 2800 (100 s of it in the window), lunch 200 s,
 * a break open since T0 + 3500 (100 s); one call of 100 s talk + 30 s
 * wrap-up: occupancy 130 / (900 - 400). Bea joined at T0 + 3300 and left at
 * T0 + 3500: 200 s logged in, then logged off today. */
static void test_window_time(void **state)
{
	struct fixture *f = *state;
	feed(f, "%lld|NONE|sales|Alex|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|NONE|sales|Alex|PAUSE|coffee", (long long)T0 + 2600);
	feed(f, "%lld|NONE|sales|Alex|UNPAUSE|", (long long)T0 + 2800);
	feed(f, "%lld|NONE|sales|Alex|PAUSE|lunch", (long long)T0 + 2900);
	feed(f, "%lld|NONE|sales|Alex|UNPAUSE|", (long long)T0 + 3100);
	call(f, "c1", "sales", T0 + 3300, 100);
	feed(f, "%lld|NONE|sales|Bea|ADDMEMBER|", (long long)T0 + 3300);
	feed(f, "%lld|NONE|sales|Bea|REMOVEMEMBER|", (long long)T0 + 3500);
	feed(f, "%lld|NONE|sales|Alex|PAUSE|break", (long long)T0 + 3500);

	struct agent_figs a = figs(f, "Alex", T0 + 3600);
	assert_int_equal(a.wtime.login_s, 900);
	assert_int_equal(a.wtime.paused_s, 400);
	assert_int_equal(a.wtime.n_pauses, 3);
	assert_string_equal(a.wtime.pauses[0].reason, "coffee");
	assert_int_equal(a.wtime.pauses[0].s, 100);
	assert_string_equal(a.wtime.pauses[1].reason, "lunch");
	assert_int_equal(a.wtime.pauses[1].s, 200);
	assert_string_equal(a.wtime.pauses[2].reason, "break");
	assert_int_equal(a.wtime.pauses[2].s, 100);
	assert_int_equal(a.wtime.busy_s, 130);
	assert_true(fabs(a.wtime.occupancy_pct - 100.0 * 130 / 500) < 1e-9);
	assert_int_equal(a.off_since, 0);
	assert_int_equal(a.paused_s, 500);             /* today: every pause */

	/* 15 minutes later the window holds only the break (open) */
	a = figs(f, "Alex", T0 + 4500);
	assert_int_equal(a.wtime.login_s, 900);
	assert_int_equal(a.wtime.paused_s, 900);
	assert_int_equal(a.wtime.n_pauses, 1);
	assert_true(isnan(a.wtime.occupancy_pct));

	/* Bea, logged off: the one agent logged off today */
	size_t bea = SIZE_MAX, n_off = 0;
	int64_t since = 0;
	for (size_t i = 0; i < model_agent_count(f->m); i++)
		if (model_agent_off_today(f->m, i, &since)) {
			bea = i;
			n_off++;
			assert_int_equal(since, T0 + 3500);
		}
	assert_int_equal(n_off, 1);
	assert_string_equal(model_agent_name(f->m, bea), "Bea");
	struct agent_figs b;
	assert_true(model_agent_figs(f->m, bea, &b, f->buf, 8, f->pauses));
	assert_int_equal(b.off_since, T0 + 3500);
	model_advance(f->m, T0 + 3600);
	assert_true(model_agent_figs(f->m, bea, &b, f->buf, 8, f->pauses));
	assert_int_equal(b.wtime.login_s, 200);
	/* the next day she is no one's of today */
	model_advance(f->m, T0 + 16 * 3600 + 60);
	assert_false(model_agent_off_today(f->m, bea, &since));
}

/* A RINGNOANSWER line written twice (real logs repeat lines) is one missed
 * ring; the same agent rung again on the same call later is another. */
static void test_rna_duplicate(void **state)
{
	struct fixture *f = *state;
	feed(f, "%lld|NONE|sales|Alex|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|NONE|sales|Bea|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|c1|sales|NONE|ENTERQUEUE||0555|1", (long long)T0 + 10);
	feed(f, "%lld|c1|sales|Alex|RINGNOANSWER|15000", (long long)T0 + 25);
	feed(f, "%lld|c1|sales|Bea|RINGNOANSWER|15000", (long long)T0 + 25);
	feed(f, "%lld|c1|sales|Alex|RINGNOANSWER|15000", (long long)T0 + 25);
	feed(f, "%lld|c1|sales|Alex|RINGNOANSWER|15000", (long long)T0 + 45);
	struct agent_figs a = figs(f, "Alex", T0 + 60);
	assert_int_equal(a.today.rna, 2);
	assert_int_equal(a.window.rna, 2);
	assert_int_equal(a.today.ring_ms, 30000);
	assert_int_equal(a.queues[0].today.rna, 2);
	assert_int_equal(figs(f, "Bea", T0 + 60).today.rna, 1);
}

/* Many records leave the window at once, of agents in no order, in all four
 * of its rings (holds and short talks tiny, longer talks small, rings of 5 s
 * narrow, of 15 s wide): each agent loses exactly its own, whichever records
 * were looked at ahead of it. */
struct timed_line {
	int64_t t;
	char text[96];
};

static int timed_cmp(const void *a, const void *b)
{
	const struct timed_line *x = a, *y = b;
	return (x->t > y->t) - (x->t < y->t);
}

static int many_talk(int i)
{
	return i % 4 == 0 ? 800 : i % 4 == 1 ? 400 : i % 4 == 2 ? 20 : 100;
}

static int many_ring(int i)
{
	return i % 3 == 0 ? 2000 : i % 3 == 1 ? 5000 : 15000;
}

static void test_window_many_out(void **state)
{
	struct fixture *f = *state;
	enum { N = 40 };
	static struct timed_line l[4 * N];
	char name[N][8];
	for (int k = 0; k < N; k++) {            /* agents' indices out of their calls' order */
		int i = (k * 17) % N;
		snprintf(name[i], sizeof name[i], "A%02d", i);
		feed(f, "%lld|NONE|q%d|%s|ADDMEMBER|", (long long)T0 - 100, i % 3, name[i]);
	}
	for (int i = 0; i < N; i++) {
		int64_t t = T0 + i * 10;
		l[4 * i] = (struct timed_line){ t, "" };
		snprintf(l[4 * i].text, sizeof l[4 * i].text, "%lld|c%d|q%d|NONE|ENTERQUEUE||0555|1",
		         (long long)t, i, i % 3);
		l[4 * i + 1] = (struct timed_line){ t + 5, "" };
		snprintf(l[4 * i + 1].text, sizeof l[4 * i + 1].text, "%lld|c%d|q%d|%s|RINGNOANSWER|%d",
		         (long long)t + 5, i, i % 3, name[i], many_ring(i));
		l[4 * i + 2] = (struct timed_line){ t + 10, "" };
		snprintf(l[4 * i + 2].text, sizeof l[4 * i + 2].text, "%lld|c%d|q%d|%s|CONNECT|10|c%d.1|3",
		         (long long)t + 10, i, i % 3, name[i], i);
		l[4 * i + 3] = (struct timed_line){ t + 10 + many_talk(i), "" };
		snprintf(l[4 * i + 3].text, sizeof l[4 * i + 3].text,
		         "%lld|c%d|q%d|%s|COMPLETECALLER|10|%d|1", (long long)(t + 10 + many_talk(i)), i,
		         i % 3, name[i], many_talk(i));
	}
	qsort(l, 4 * N, sizeof *l, timed_cmp);
	for (int j = 0; j < 4 * N; j++)
		feed(f, "%s", l[j].text);
	assert_int_equal(f->cfg.window_s, 900);
	for (int64_t now = T0 + 1200; now <= T0 + 2200; now += 100) {
		int64_t edge = now - 900;
		for (int i = 0; i < N; i++) {
			int64_t t = T0 + i * 10, end = t + 10 + many_talk(i);
			struct agent_figs a = figs(f, name[i], now);
			assert_int_equal(a.window.rna, t + 5 > edge);
			assert_int_equal(a.window.ring_ms, t + 5 > edge ? many_ring(i) : 0);
			assert_int_equal(a.window.answered, t + 10 > edge);
			assert_int_equal(a.window.hold_s, t + 10 > edge ? 10 : 0);
			assert_int_equal(a.window.completed, end > edge);
			assert_int_equal(a.window.talk_s, end > edge ? many_talk(i) : 0);
			assert_int_equal(a.today.answered, 1);
			assert_int_equal(a.today.talk_s, many_talk(i));
		}
	}
}

/* The counts are kept in 32 bits, the sums of times in 64: two lines of
 * nearly INT32_MAX seconds (or ms) add up past 32 bits, today, in the window
 * and in the queue. */
static void test_long_sums(void **state)
{
	struct fixture *f = *state;
	const int64_t big = 2000000000;
	for (int i = 0; i < 2; i++) {
		feed(f, "%lld|c%d|sales|NONE|ENTERQUEUE||0555|1", (long long)T0 + i * 100, i);
		feed(f, "%lld|c%d|sales|Alex|CONNECT|%lld|c%d.1|3", (long long)T0 + i * 100 + 10, i,
		     (long long)big, i);
		feed(f, "%lld|c%d|sales|Alex|COMPLETEAGENT|10|%lld|1", (long long)T0 + i * 100 + 20,
		     i, (long long)big);
		feed(f, "%lld|c%d|sales|Bea|RINGNOANSWER|%lld", (long long)T0 + i * 100 + 5, i,
		     (long long)big);
	}
	struct agent_figs a = figs(f, "Alex", T0 + 300);
	assert_int_equal(a.today.answered, 2);
	assert_true(a.today.hold_s == 2 * big && a.window.hold_s == 2 * big);
	assert_true(a.today.talk_s == 2 * big && a.window.talk_s == 2 * big);
	assert_int_equal(a.n_queues, 1);
	assert_true(a.queues[0].today.talk_s == 2 * big && a.queues[0].window.hold_s == 2 * big);
	a = figs(f, "Bea", T0 + 300);
	assert_int_equal(a.today.rna, 2);
	assert_true(a.today.ring_ms == 2 * big && a.window.ring_ms == 2 * big);
	/* the window gives them back exactly */
	a = figs(f, "Alex", T0 + 1200);
	assert_true(a.window.talk_s == 0 && a.window.answered == 0 && a.today.talk_s == 2 * big);
}

/* The JSON's window of an agent holds its logged-in and paused time, pauses
 * and occupancy, as today does. */
static void test_window_json(void **state)
{
	struct fixture *f = *state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	feed(f, "%lld|NONE|sales|Alex|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|NONE|sales|Alex|PAUSE|coffee", (long long)T0 + 2600);
	feed(f, "%lld|NONE|sales|Alex|UNPAUSE|", (long long)T0 + 2800);
	call(f, "c1", "sales", T0 + 3000, 100);
	model_advance(f->m, T0 + 3600);
	snapshot_build(&s, f->m, &f->cfg);
	json_t *a = agent_stats_json(&s), *w = json_object_get(json_array_get(a, 0), "window");
	assert_int_equal(json_integer_value(json_object_get(w, "login_s")), 900);
	assert_int_equal(json_integer_value(json_object_get(w, "paused_s")), 100);
	json_t *p = json_array_get(json_object_get(w, "pauses"), 0);
	assert_string_equal(json_string_value(json_object_get(p, "reason")), "coffee");
	assert_int_equal(json_integer_value(json_object_get(p, "seconds")), 100);
	assert_true(fabs(json_real_value(json_object_get(w, "occupancy_pct")) - 16.25) < 1e-9);
	json_decref(a);
	snapshot_free(&s);
}

/* A board of one queue (--queue) keeps each agent's own figures beside it,
 * the queues renumbered: Bea's, not those of Alex who was before her. */
static void test_one_queue_board(void **state)
{
	struct fixture *f = *state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	feed(f, "%lld|NONE|support|Alex|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|NONE|sales|Bea|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|c1|support|NONE|ENTERQUEUE||0555|1", (long long)T0 + 10);
	feed(f, "%lld|c1|support|Alex|CONNECT|5|c1.1|3", (long long)T0 + 15);
	for (int i = 0; i < 2; i++) {
		feed(f, "%lld|b%d|sales|NONE|ENTERQUEUE||0555|1", (long long)T0 + 20 + i, i);
		feed(f, "%lld|b%d|sales|Bea|CONNECT|5|b.1|3", (long long)T0 + 25 + i, i);
	}
	model_advance(f->m, T0 + 60);
	s.only = "sales";
	s.only_queue = true;
	snapshot_build(&s, f->m, &f->cfg);
	assert_int_equal(s.n_queues, 1);
	assert_int_equal(s.n_agents, 1);
	assert_string_equal(s.agents[0].name, "Bea");
	assert_int_equal(snapshot_agent_figs(&s, 0)->today.answered, 2);
	assert_int_equal(snapshot_agent_figs(&s, 0)->n_queues, 1);
	assert_int_equal(snapshot_agent_figs(&s, 0)->queues[0].queue, 0);
	assert_int_equal(snapshot_agent_figs(&s, 0)->call_queue, 0);
	snapshot_free(&s);
}

struct seen {
	int raised;
	char message[256], queue[128];
};

static void on_alert(void *ctx, const struct alert_event *ev)
{
	struct seen *s = ctx;
	if (ev->change == ALERT_RAISED && strcmp(ev->alert.rule, "long_call") == 0) {
		s->raised++;
		snprintf(s->message, sizeof s->message, "%s", ev->alert.message);
		snprintf(s->queue, sizeof s->queue, "%s", ev->alert.queue);
	}
}

/* The built-in long_call rule: a call of 30 minutes raises a warning at
 * exactly 1800 s, naming the agent; it clears when the call ends. */
static void test_long_call_alert(void **state)
{
	struct fixture *f = *state;
	struct alert_rules *rules = alert_rules_new();
	struct alerts *al = alerts_new(rules);
	struct snapshot s;
	struct seen seen = { 0 };
	memset(&s, 0, sizeof s);
	feed(f, "%lld|c1|sales|NONE|ENTERQUEUE||0555|1", (long long)T0);
	feed(f, "%lld|c1|sales|Alex|CONNECT|5|c1.1|3", (long long)T0 + 5);
	model_advance(f->m, T0 + 5 + 1799);
	snapshot_build(&s, f->m, &f->cfg);
	alerts_eval(al, &s, T0 + 5 + 1799, on_alert, &seen);
	assert_int_equal(seen.raised, 0);
	assert_int_equal(s.long_call_s, 1800);
	assert_int_equal(snapshot_agent_figs(&s, 0)->call_since, T0 + 5);
	model_advance(f->m, T0 + 5 + 1800);
	snapshot_build(&s, f->m, &f->cfg);
	alerts_eval(al, &s, T0 + 5 + 1800, on_alert, &seen);
	assert_int_equal(seen.raised, 1);
	assert_string_equal(seen.queue, "agent:Alex");
	assert_non_null(strstr(seen.message, "Alex"));
	assert_int_equal(s.n_alerts, 1);
	assert_int_equal(s.alerts[0]->severity, SEV_WARNING);
	feed(f, "%lld|c1|sales|Alex|COMPLETEAGENT|5|1900|1", (long long)T0 + 1905);
	snapshot_build(&s, f->m, &f->cfg);
	alerts_eval(al, &s, T0 + 1905, on_alert, &seen);
	assert_int_equal(s.n_alerts, 0);
	snapshot_free(&s);
	alerts_free(al);
	alert_rules_free(rules);
}

/* rna_count: rings not answered in the window, per agent. */
static void test_rna_rule(void **state)
{
	struct fixture *f = *state;
	struct alert_rules *rules = alert_rules_new();
	char *cause = NULL;
	assert_int_equal(alert_rules_set(rules, "missed", "metric", "rna_count", &cause), 0);
	assert_int_equal(alert_rules_set(rules, "missed", "op", "above", &cause), 0);
	assert_int_equal(alert_rules_set(rules, "missed", "warning", "2", &cause), 0);
	assert_int_equal(alert_rules_validate(rules, &cause), 0);
	struct alerts *al = alerts_new(rules);
	struct snapshot s;
	memset(&s, 0, sizeof s);
	feed(f, "%lld|NONE|sales|Robin|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|c1|sales|NONE|ENTERQUEUE||0555|1", (long long)T0 + 1);
	feed(f, "%lld|c1|sales|Robin|RINGNOANSWER|15000", (long long)T0 + 16);
	model_advance(f->m, T0 + 20);
	snapshot_build(&s, f->m, &f->cfg);
	alerts_eval(al, &s, T0 + 20, NULL, NULL);
	assert_int_equal(s.n_alerts, 0);
	feed(f, "%lld|c1|sales|Robin|RINGNOANSWER|15000", (long long)T0 + 36);
	snapshot_build(&s, f->m, &f->cfg);
	alerts_eval(al, &s, T0 + 36, NULL, NULL);
	assert_int_equal(s.n_alerts, 1);
	assert_string_equal(s.alerts[0]->queue, "agent:Robin");
	/* both leave the window */
	feed(f, "%lld|c1|sales|NONE|ABANDON|1|1|39", (long long)T0 + 40);
	model_advance(f->m, T0 + 36 + 900);
	snapshot_build(&s, f->m, &f->cfg);
	alerts_eval(al, &s, T0 + 36 + 900, NULL, NULL);
	assert_int_equal(s.n_alerts, 0);
	snapshot_free(&s);
	alerts_free(al);
	alert_rules_free(rules);
}

/* Series per agent in /metrics only with [http] agent_metrics = yes. */
static void test_exposition(void **state)
{
	struct fixture *f = *state;
	struct snapshot s;
	char *text = NULL;
	size_t n = 0;
	FILE *out;
	memset(&s, 0, sizeof s);
	call(f, "c1", "sales", T0, 100);
	model_advance(f->m, T0 + 200);
	snapshot_build(&s, f->m, &f->cfg);
	out = open_memstream(&text, &n);
	expo_write(&s, NULL, out);
	fclose(out);
	assert_null(strstr(text, "ccboard_agent_"));
	free(text);
	f->cfg.http_agent_metrics = true;
	out = open_memstream(&text, &n);
	expo_write(&s, NULL, out);
	fclose(out);
	assert_non_null(strstr(text, "\nccboard_agent_answered_today{agent=\"Alex\"} 1\n"));
	assert_non_null(strstr(text, "\nccboard_agent_talk_seconds_today{agent=\"Alex\"} 100\n"));
	assert_non_null(strstr(text, "\nccboard_agent_state{agent=\"Alex\",state=\"available\"} 1\n"));
	free(text);
	snapshot_free(&s);
}

/* An outcome that names an agent (ABANDON written with one) makes none up:
 * the model did not take it, and max_agents would not have been checked. */
static void test_no_agent_made_up(void **state)
{
	struct fixture *f = *state;
	feed(f, "%lld|c1|sales|NONE|ENTERQUEUE||0555|1", (long long)T0);
	feed(f, "%lld|c1|sales|Ghost|ABANDON|1|1|9", (long long)T0 + 9);
	assert_int_equal(model_agent_count(f->m), 0);
}

static void assert_by_name(const struct snapshot *s)
{
	for (size_t i = 1; i < s->n_agents; i++)
		assert_true(strcmp(s->agents[i - 1].name, s->agents[i].name) < 0);
}

/* The snapshot's agents stay sorted by name from build to build (it reuses
 * the last order when it still holds): agents joining, leaving, coming back. */
static void test_agent_order(void **state)
{
	struct fixture *f = *state;
	struct snapshot s;
	const char *names[] = { "Zoe", "Max", "Bea", "Kim", "Ann" };
	memset(&s, 0, sizeof s);
	for (int i = 0; i < 5; i++) {
		feed(f, "%lld|NONE|sales|%s|ADDMEMBER|", (long long)T0 + i, names[i]);
		snapshot_build(&s, f->m, &f->cfg);
		assert_int_equal(s.n_agents, i + 1);
		assert_by_name(&s);
	}
	snapshot_build(&s, f->m, &f->cfg);
	assert_by_name(&s);
	feed(f, "%lld|NONE|sales|Bea|REMOVEMEMBER|", (long long)T0 + 10);
	snapshot_build(&s, f->m, &f->cfg);
	assert_int_equal(s.n_agents, 4);
	assert_by_name(&s);
	feed(f, "%lld|NONE|sales|Bob|ADDMEMBER|", (long long)T0 + 11);
	feed(f, "%lld|NONE|sales|Bea|ADDMEMBER|", (long long)T0 + 12);
	snapshot_build(&s, f->m, &f->cfg);
	assert_int_equal(s.n_agents, 6);
	assert_by_name(&s);
	assert_string_equal(s.agents[0].name, "Ann");
	assert_string_equal(s.agents[2].name, "Bob");
	snapshot_free(&s);
}

/* The clocked figures of a read at t0 brought to a later t by agent_figs_at
 * are those read at t, as long as t is in the read's clock span; past it
 * (agent_figs_due) the figures are read again. Alex logs in, takes a
 * call and ends it (wrap-up), is on a call again; then pauses (no span). */
static void assert_clock_at(const struct agent_figs *a, const struct agent_figs *b, int64_t t)
{
	struct agent_clock ca, cb;
	agent_figs_at(a, t, &ca);
	agent_figs_at(b, t, &cb);
	const struct astat_time *x[2] = { &ca.today, &ca.window }, *y[2] = { &cb.today, &cb.window };
	for (int k = 0; k < 2; k++) {
		assert_int_equal(x[k]->login_s, y[k]->login_s);
		assert_int_equal(x[k]->paused_s, y[k]->paused_s);
		assert_int_equal(x[k]->busy_s, y[k]->busy_s);
		assert_memory_equal(&x[k]->occupancy_pct, &y[k]->occupancy_pct, sizeof(double));
		assert_int_equal(x[k]->n_pauses, y[k]->n_pauses);
		for (int i = 0; i < x[k]->n_pauses; i++) {
			assert_string_equal(x[k]->pauses[i].reason, y[k]->pauses[i].reason);
			assert_int_equal(x[k]->pauses[i].s, y[k]->pauses[i].s);
		}
	}
}

static void test_figs_at(void **state)
{
	struct fixture *f = *state;
	struct astat_pause kept[ASTAT_FIGS_PAUSES];
	struct agent_figs a;
	int reads = 0, spans = 0;
	f->cfg.window_s = 120;
	feed(f, "%lld|NONE|sales|Alex|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|NONE|sales|Alex|PAUSE|lunch", (long long)T0 + 5);
	feed(f, "%lld|NONE|sales|Alex|UNPAUSE|", (long long)T0 + 25);
	call(f, "c1", "sales", T0 + 40, 50);
	feed(f, "%lld|c2|sales|NONE|ENTERQUEUE||0555|1", (long long)T0 + 200);
	feed(f, "%lld|c2|sales|Alex|CONNECT|10|c2.1|3", (long long)T0 + 210);
	a = figs(f, "Alex", T0 + 215);
	for (int64_t t = T0 + 216; t < T0 + 600; t++) {
		struct agent_figs b = figs(f, "Alex", t);
		if (t == T0 + 400)
			feed(f, "%lld|NONE|sales|Alex|PAUSE|break", (long long)t);
		if (a.stamp == b.stamp && a.on_call == b.on_call && t < agent_figs_due(&a)) {
			assert_true(a.clock_span > 0 && t - a.clock_at <= (int64_t)a.clock_span);
			assert_clock_at(&a, &b, t);
			spans++;
			continue;
		}
		/* changed, or the span ran out: read again, kept as a fill keeps it */
		a = b;
		memcpy(kept, b.pauses, (size_t)(b.n_pauses + b.wtime.n_pauses) * sizeof *kept);
		a.pauses = kept;
		a.wtime.pauses = kept + a.n_pauses;
		assert_clock_at(&a, &b, t);
		reads++;
	}
	/* on the call, nearly every second brought to the clock; paused, none */
	assert_true(spans > 150);
	assert_true(reads >= 200);
	assert_int_equal(a.clock_span, 0);
	assert_int_equal(agent_figs_due(&a), T0 + 600);
}

/* The stamp (agent_figs.stamp) changes with every change the model makes to
 * an agent's figures and with nothing else: not with the clock alone, not
 * with another agent's events; no two agents share one. The today stamp
 * changes the same but for a record leaving the window. */
static void test_stamp(void **state)
{
	struct fixture *f = *state;
	feed(f, "%lld|NONE|sales|Alex|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|NONE|sales|Bea|ADDMEMBER|", (long long)T0);
	call(f, "c1", "sales", T0 + 100, 60);
	struct agent_figs a = figs(f, "Alex", T0 + 200), b = figs(f, "Bea", T0 + 200);
	assert_true(a.stamp != 0 && b.stamp != 0 && a.stamp != b.stamp);
	assert_true(a.stamp_today != 0 && a.stamp_today != b.stamp_today);
	uint64_t sa = a.stamp, ta = a.stamp_today;
	a = figs(f, "Alex", T0 + 500);                 /* the clock alone */
	assert_true(a.stamp == sa);
	assert_int_equal(a.login_s, 500);
	feed(f, "%lld|NONE|sales|Bea|PAUSE|lunch", (long long)T0 + 600);   /* another agent */
	a = figs(f, "Alex", T0 + 600);
	assert_true(a.stamp == sa);
	assert_true(figs(f, "Bea", T0 + 600).stamp != b.stamp);
	a = figs(f, "Alex", T0 + 900);                 /* its CONNECT leaves the window */
	assert_int_equal(a.window.answered, 1);
	assert_true(a.stamp == sa);
	a = figs(f, "Alex", T0 + 1011);
	assert_int_equal(a.window.answered, 0);
	assert_true(a.stamp != sa);
	assert_true(a.stamp_today == ta);              /* today's figures did not change */
	assert_int_equal(a.today.answered, 1);
	sa = a.stamp;
	feed(f, "%lld|NONE|sales|Alex|PAUSE|break", (long long)T0 + 1100);   /* its own event */
	a = figs(f, "Alex", T0 + 1100);
	assert_true(a.stamp != sa && a.stamp_today != ta);
}

/* The line snapshot_write_json writes of s (checked equal to jansson's,
 * snapshot_write_json_ref), parsed. */
static json_t *line_of(const struct snapshot *s)
{
	char *fast = NULL, *ref = NULL;
	size_t nf = 0, nr = 0;
	FILE *out = open_memstream(&fast, &nf);
	assert_int_equal(snapshot_write_json(s, out), 0);
	fclose(out);
	out = open_memstream(&ref, &nr);
	assert_int_equal(snapshot_write_json_ref(s, out), 0);
	fclose(out);
	assert_string_equal(fast, ref);
	json_t *j = json_loads(fast, 0, NULL);
	assert_non_null(j);
	free(fast);
	free(ref);
	return j;
}

static json_t *agent_at(json_t *line, size_t i, const char *name, const char *state)
{
	json_t *a = json_array_get(json_object_get(line, "agents"), i);
	assert_non_null(a);
	assert_string_equal(json_string_value(json_object_get(a, "name")), name);
	assert_string_equal(json_string_value(json_object_get(a, "state")), state);
	return a;
}

static int64_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	assert_true(json_is_integer(v));
	return (int64_t)json_integer_value(v);
}

/* The day of Bea (a call, a lunch, a ring missed, out of both her queues),
 * of Cy (out while on a call) and of two agents out early, by REMOVEMEMBER
 * and AGENTLOGOFF: the JSON lists Alex, still in, then the four logged off
 * in natural order of their names, state logged_off since they left, no
 * queue, no call, their day's figures; /metrics likewise. */
static void test_logged_off_json(void **state)
{
	struct fixture *f = *state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	feed(f, "%lld|NONE|sales|Alex|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|NONE|sales|Bea|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|NONE|support|Bea|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|NONE|sales|Cy|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|NONE|sales|Zed 10|AGENTLOGIN|", (long long)T0);
	feed(f, "%lld|NONE|sales|Zed 2|ADDMEMBER|", (long long)T0);
	feed(f, "%lld|NONE|sales|Zed 2|REMOVEMEMBER|", (long long)T0 + 50);
	feed(f, "%lld|NONE|sales|Zed 10|AGENTLOGOFF|", (long long)T0 + 80);
	feed(f, "%lld|c1|sales|NONE|ENTERQUEUE||0555|1", (long long)T0 + 100);
	feed(f, "%lld|c1|sales|Bea|CONNECT|10|c1.1|3", (long long)T0 + 110);
	feed(f, "%lld|c1|sales|Bea|COMPLETECALLER|10|120|1", (long long)T0 + 230);
	feed(f, "%lld|NONE|NONE|Bea|PAUSEALL|lunch", (long long)T0 + 400);
	feed(f, "%lld|NONE|NONE|Bea|UNPAUSEALL|", (long long)T0 + 460);
	feed(f, "%lld|c2|support|NONE|ENTERQUEUE||0556|1", (long long)T0 + 490);
	feed(f, "%lld|c2|support|Bea|RINGNOANSWER|4500", (long long)T0 + 500);
	model_advance(f->m, T0 + 650);
	snapshot_build(&s, f->m, &f->cfg);
	json_t *line = line_of(&s);             /* Bea still in: her text is kept */
	agent_at(line, 1, "Bea", "available");
	json_decref(line);

	feed(f, "%lld|NONE|sales|Bea|REMOVEMEMBER|", (long long)T0 + 660);
	feed(f, "%lld|NONE|support|Bea|REMOVEMEMBER|", (long long)T0 + 700);
	feed(f, "%lld|c3|sales|NONE|ENTERQUEUE||0557|1", (long long)T0 + 800);
	feed(f, "%lld|c3|sales|Cy|CONNECT|10|c3.1|3", (long long)T0 + 810);
	feed(f, "%lld|NONE|sales|Cy|REMOVEMEMBER|", (long long)T0 + 900);
	model_advance(f->m, T0 + 1000);
	snapshot_build(&s, f->m, &f->cfg);
	assert_int_equal(s.n_agents, 1);
	assert_int_equal(s.n_agents_off, 4);
	line = line_of(&s);
	assert_int_equal(json_array_size(json_object_get(line, "agents")), 5);
	agent_at(line, 0, "Alex", "available");
	json_t *b = agent_at(line, 1, "Bea", "logged_off"), *t = json_object_get(b, "today");
	assert_int_equal(jint(b, "since"), T0 + 700);
	assert_null(json_object_get(b, "reason"));
	assert_int_equal(json_array_size(json_object_get(b, "queues")), 0);
	assert_true(json_is_null(json_object_get(b, "call")));
	assert_int_equal(jint(t, "answered"), 1);
	assert_int_equal(jint(t, "completed"), 1);
	assert_int_equal(jint(t, "talk_s"), 120);
	assert_int_equal(jint(t, "hold_s"), 10);
	assert_int_equal(jint(t, "rna"), 1);
	assert_true(fabs(json_real_value(json_object_get(t, "ring_s")) - 4.5) < 1e-9);
	assert_true(fabs(json_real_value(json_object_get(t, "aht_s")) - 150.0) < 1e-9);
	assert_int_equal(jint(t, "login_s"), 700);
	assert_int_equal(jint(t, "paused_s"), 60);
	assert_true(fabs(json_real_value(json_object_get(t, "occupancy_pct")) - 23.44) < 1e-9);
	assert_int_equal(json_array_size(json_object_get(t, "queues")), 2);
	t = json_object_get(b, "window");         /* from T0 + 100: the call, 600 s in */
	assert_int_equal(jint(t, "answered"), 1);
	assert_int_equal(jint(t, "login_s"), 600);
	json_t *c = agent_at(line, 2, "Cy", "logged_off");
	assert_int_equal(jint(c, "since"), T0 + 900);
	assert_true(json_is_null(json_object_get(c, "call")));
	assert_int_equal(jint(json_object_get(c, "today"), "answered"), 1);
	assert_int_equal(jint(agent_at(line, 3, "Zed 2", "logged_off"), "since"), T0 + 50);
	assert_int_equal(jint(agent_at(line, 4, "Zed 10", "logged_off"), "since"), T0 + 80);
	json_decref(line);

	char *text = NULL;
	size_t n = 0;
	f->cfg.http_agent_metrics = true;
	FILE *out = open_memstream(&text, &n);
	expo_write(&s, NULL, out);
	fclose(out);
	assert_non_null(strstr(text, "\nccboard_agent_state{agent=\"Alex\",state=\"available\"} 1\n"
	                             "ccboard_agent_state{agent=\"Bea\",state=\"logged_off\"} 1\n"));
	assert_non_null(strstr(text, "\nccboard_agent_state{agent=\"Zed 10\",state=\"logged_off\"} 1\n"));
	assert_non_null(strstr(text, "\nccboard_agent_answered_today{agent=\"Bea\"} 1\n"));
	assert_non_null(strstr(text, "\nccboard_agent_talk_seconds_today{agent=\"Bea\"} 120\n"));
	assert_non_null(strstr(text, "\nccboard_agent_paused_seconds_today{agent=\"Bea\"} 60\n"));
	assert_non_null(strstr(text, "\nccboard_agent_call_duration_seconds{agent=\"Cy\"} 0\n"));
	free(text);

	feed(f, "%lld|NONE|sales|Bea|ADDMEMBER|", (long long)T0 + 1100);   /* back: listed in */
	model_advance(f->m, T0 + 1100);
	snapshot_build(&s, f->m, &f->cfg);
	line = line_of(&s);
	agent_at(line, 1, "Bea", "available");
	agent_at(line, 2, "Cy", "logged_off");
	json_decref(line);
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_occupancy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callerid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queues_window_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_call_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rna_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exposition, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_agent_made_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rna_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_many_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_sums, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_queue_board, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_figs_at, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logged_off_json, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
