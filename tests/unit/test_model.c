/* test_model.c - hand-worked scenarios for every figure of SPEC 2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "fixture_model.h"
#include "model.h"
#include "queuelog.h"
#include "snapshot.h"

#define T0 1767254400   /* 2026-01-01 08:00:00 UTC */

struct fixture {
	struct config cfg;
	struct model *m;
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
	fx_model_close(&f->cfg, f->m);
	free(f);
	return 0;
}

/* Feeds one queue_log line; returns what model_apply said (or -1 if not an event). */
#define feed(f, ...) fx_feed((f)->m, __VA_ARGS__)

static size_t qidx(struct fixture *f, const char *name)
{
	for (size_t i = 0; i < model_queue_count(f->m); i++)
		if (strcmp(model_queue_name(f->m, i), name) == 0)
			return i;
	fail_msg("no queue %s", name);
	return 0;
}

static const struct counts *today(struct fixture *f, const char *q)
{
	return model_queue_today(f->m, qidx(f, q));
}

static const struct counts *window(struct fixture *f, const char *q)
{
	return model_queue_window(f->m, qidx(f, q));
}

static struct agent_counts agents_of(struct fixture *f, const char *q, struct agent_counts *total)
{
	struct agent_counts per[64], t;
	model_agent_counts(f->m, per, &t);
	if (total)
		*total = t;
	return per[qidx(f, q)];
}

static void test_answered_call(void **state)
{
	struct fixture *f = *state;
	feed(f, "%d|c1|sales|NONE|ENTERQUEUE||555|1", T0);
	model_advance(f->m, T0 + 12);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "sales")), 1);
	assert_int_equal(model_queue_longest_wait(f->m, qidx(f, "sales")), 12);
	feed(f, "%d|c1|sales|Alex|CONNECT|15|c1b|3", T0 + 15);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "sales")), 0);
	assert_int_equal(model_queue_longest_wait(f->m, qidx(f, "sales")), 0);
	assert_int_equal(agents_of(f, "sales", NULL).on_call, 1);
	feed(f, "%d|c1|sales|Alex|COMPLETECALLER|15|100|1", T0 + 115);
	const struct counts *c = today(f, "sales");
	assert_int_equal(c->offered, 1);
	assert_int_equal(c->answered, 1);
	assert_int_equal(c->answered_within_sl, 1);
	assert_int_equal(c->hold_s, 15);
	assert_int_equal(c->completed, 1);
	assert_int_equal(c->talk_s, 100);
	struct agent_counts a = agents_of(f, "sales", NULL);
	assert_int_equal(a.logged_in, 1);           /* first seen on a call */
	assert_int_equal(a.on_call, 0);
	assert_int_equal(a.available, 1);
	struct derived d = metrics_derive(c, SL_OFFERED, 0);
	assert_true(fabs(d.service_level_pct - 100.0) < 1e-9);
	assert_true(fabs(d.asa_s - 15.0) < 1e-9);
	assert_true(fabs(d.aht_s - 100.0) < 1e-9);
	d = metrics_derive(c, SL_OFFERED, 30);
	assert_true(fabs(d.aht_s - 130.0) < 1e-9);
	assert_true(isnan(d.avg_abandon_wait_s));
}

/* 10 calls: 5 answered (3 within 20 s), 3 abandoned (wait 2, 10, 40), 1 timeout, 1 key. */
static void test_sl_formulas(void **state)
{
	struct fixture *f = *state;
	static const int hold[] = { 5, 20, 21, 60, 10 };
	static const int wait[] = { 2, 10, 40 };
	int id = 0;
	for (int i = 0; i < 5; i++, id++) {
		feed(f, "%d|c%d|q|NONE|ENTERQUEUE||1|1", T0 + id, id);
		feed(f, "%d|c%d|q|A%d|CONNECT|%d|x|1", T0 + id + hold[i], id, i, hold[i]);
	}
	for (int i = 0; i < 3; i++, id++) {
		feed(f, "%d|c%d|q|NONE|ENTERQUEUE||1|1", T0 + id, id);
		feed(f, "%d|c%d|q|NONE|ABANDON|1|1|%d", T0 + id + wait[i], id, wait[i]);
	}
	feed(f, "%d|c%d|q|NONE|ENTERQUEUE||1|1", T0 + id, id);
	feed(f, "%d|c%d|q|NONE|EXITWITHTIMEOUT|1|1|300", T0 + id + 300, id);
	id++;
	feed(f, "%d|c%d|q|NONE|ENTERQUEUE||1|1", T0 + id, id);
	feed(f, "%d|c%d|q|NONE|EXITWITHKEY|1|1|1|30", T0 + id + 30, id);

	const struct counts *c = today(f, "q");
	assert_int_equal(c->offered, 10);
	assert_int_equal(c->answered, 5);
	assert_int_equal(c->answered_within_sl, 3);
	assert_int_equal(c->abandoned, 3);
	assert_int_equal(c->abandoned_short, 1);
	assert_int_equal(c->abandoned_within_sl, 2);
	assert_int_equal(c->timed_out, 1);
	assert_int_equal(c->exited_key, 1);
	assert_int_equal(c->abandon_wait_s, 52);
	struct derived d = metrics_derive(c, SL_OFFERED, 0);
	assert_true(fabs(d.service_level_pct - 100.0 * 3 / 9) < 1e-9);   /* 3 / (10 - 1) */
	assert_true(fabs(d.abandon_rate_pct - 100.0 * 2 / 9) < 1e-9);
	assert_true(fabs(d.asa_s - 116.0 / 5) < 1e-9);
	assert_true(fabs(d.avg_abandon_wait_s - 52.0 / 3) < 1e-9);
	d = metrics_derive(c, SL_ANSWERED, 0);
	assert_true(fabs(d.service_level_pct - 60.0) < 1e-9);              /* 3 / 5 */
	d = metrics_derive(c, SL_ABANDONS_POSITIVE, 0);
	assert_true(fabs(d.service_level_pct - 100.0 * 5 / 9) < 1e-9);     /* (3 + 2) / 9 */
	struct counts zero = { 0 };
	d = metrics_derive(&zero, SL_OFFERED, 0);
	assert_true(isnan(d.service_level_pct) && isnan(d.abandon_rate_pct) && isnan(d.asa_s) &&
	            isnan(d.aht_s) && isnan(d.avg_abandon_wait_s));
}

static void test_duplicates(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(feed(f, "%d|c1|q|NONE|ENTERQUEUE||1|1", T0), 1);
	assert_int_equal(feed(f, "%d|c1|q|NONE|ENTERQUEUE||1|1", T0), 0);        /* same line again */
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "q")), 1);
	assert_int_equal(feed(f, "%d|c1|q|Ann|CONNECT|10|x|1", T0 + 10), 1);
	assert_int_equal(feed(f, "%d|c1|q|Ann|CONNECT|10|x|1", T0 + 10), 0);
	assert_int_equal(feed(f, "%d|c1|q|Ann|COMPLETEAGENT|10|50|1", T0 + 60), 1);
	assert_int_equal(feed(f, "%d|c1|q|Ann|COMPLETEAGENT|10|50|4", T0 + 60), 0);
	assert_int_equal(feed(f, "%d|c1|q|Ann|COMPLETEAGENT|10|50|5", T0 + 60), 0);
	/* the ENTERQUEUE line repeated after the call ended */
	assert_int_equal(feed(f, "%d|c1|q|NONE|ENTERQUEUE||1|1", T0), 0);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "q")), 0);
	const struct counts *c = today(f, "q");
	assert_int_equal(c->offered, 1);
	assert_int_equal(c->completed, 1);
	assert_int_equal(c->talk_s, 50);
	/* the same callid transferred back into the queue later: a new entry */
	assert_int_equal(feed(f, "%d|c1|q|NONE|ENTERQUEUE||1|1", T0 + 100), 1);
	assert_int_equal(feed(f, "%d|c1|q|NONE|ABANDON|1|1|5", T0 + 105), 1);
	/* ... and into another queue */
	assert_int_equal(feed(f, "%d|c1|other|NONE|ENTERQUEUE||1|1", T0 + 106), 1);
	assert_int_equal(feed(f, "%d|c1|other|NONE|ABANDON|1|1|3", T0 + 109), 1);
	assert_int_equal(today(f, "q")->offered, 2);
	assert_int_equal(today(f, "q")->abandoned, 1);
	assert_int_equal(today(f, "other")->abandoned_short, 1);
	assert_int_equal(model_stats(f->m).duplicates, 5);
}

static void test_outcome_without_enter(void **state)
{
	struct fixture *f = *state;
	/* the log began mid-call */
	feed(f, "%d|c9|q|Bo|CONNECT|6|x|6", T0);
	feed(f, "%d|c8|q|Bo|COMPLETECALLER|10|406|1", T0 + 5);
	feed(f, "%d|c7|q|NONE|ABANDON|1|1|30", T0 + 6);
	const struct counts *c = today(f, "q");
	assert_int_equal(c->offered, 2);
	assert_int_equal(c->answered, 1);
	assert_int_equal(c->abandoned, 1);
	assert_int_equal(c->completed, 1);
	assert_int_equal(c->talk_s, 406);
	assert_int_equal(agents_of(f, "q", NULL).on_call, 1);   /* still on c9 */
}

static void test_window_edges(void **state)
{
	struct fixture *f = *state;
	f->cfg.window_s = 900;
	feed(f, "%d|a|q|NONE|ABANDON|1|1|30", T0);
	feed(f, "%d|b|q|NONE|ABANDON|1|1|30", T0 + 100);
	model_advance(f->m, T0 + 899);
	assert_int_equal(window(f, "q")->abandoned, 2);
	model_advance(f->m, T0 + 900);           /* now - 900 < t fails for t = T0 */
	assert_int_equal(window(f, "q")->abandoned, 1);
	assert_int_equal(window(f, "q")->offered, 1);
	assert_int_equal(window(f, "q")->abandon_wait_s, 30);
	model_advance(f->m, T0 + 1000);
	assert_int_equal(window(f, "q")->abandoned, 0);
	assert_int_equal(window(f, "q")->offered, 0);
	assert_int_equal(today(f, "q")->abandoned, 2);
	/* a line a little out of order still lands in the window */
	feed(f, "%d|c|q|NONE|ABANDON|1|1|30", T0 + 990);
	feed(f, "%d|d|q|NONE|ABANDON|1|1|30", T0 + 980);
	assert_int_equal(window(f, "q")->abandoned, 2);
	model_advance(f->m, T0 + 1880);
	assert_int_equal(window(f, "q")->abandoned, 1);   /* d (980) expired, c (990) not yet */
	/* too old for the window: counted today only */
	feed(f, "%d|e|q|NONE|ABANDON|1|1|30", T0 + 500);
	assert_int_equal(window(f, "q")->abandoned, 1);
	assert_int_equal(today(f, "q")->abandoned, 5);
}

static void test_day_rollover(void **state)
{
	struct fixture *f = *state;
	int64_t midnight = T0 + 16 * 3600;                   /* 2026-01-02 00:00 UTC */
	feed(f, "%lld|a|q|NONE|ABANDON|1|1|30", (long long)(midnight - 10));
	assert_int_equal(model_day_start(f->m), T0 - 8 * 3600);
	assert_int_equal(today(f, "q")->abandoned, 1);
	int n;
	const struct interval *iv = model_queue_intervals(f->m, qidx(f, "q"), &n);
	assert_int_equal(n, 96);
	assert_int_equal(iv[95].abandoned, 1);
	feed(f, "%lld|b|q|NONE|ABANDON|1|1|30", (long long)(midnight + 5));
	assert_int_equal(model_day_start(f->m), midnight);
	assert_int_equal(today(f, "q")->abandoned, 1);       /* only b */
	assert_int_equal(window(f, "q")->abandoned, 2);      /* the window spans midnight */
	iv = model_queue_intervals(f->m, qidx(f, "q"), &n);
	assert_int_equal(n, 1);
	assert_int_equal(iv[0].abandoned, 1);
	/* a late line from yesterday is not today's */
	feed(f, "%lld|c|q|NONE|ABANDON|1|1|30", (long long)(midnight - 1));
	assert_int_equal(today(f, "q")->abandoned, 1);
	assert_int_equal(window(f, "q")->abandoned, 3);
}

static void test_day_start_setting(void **state)
{
	struct fixture *f = *state;
	f->cfg.day_start_min = 6 * 60;                       /* the day starts at 06:00 */
	int64_t six = T0 - 2 * 3600;
	feed(f, "%lld|a|q|NONE|ABANDON|1|1|30", (long long)(six - 60));
	assert_int_equal(model_day_start(f->m), six - 86400);
	feed(f, "%lld|b|q|NONE|ABANDON|1|1|30", (long long)(six + 60));
	assert_int_equal(model_day_start(f->m), six);
	assert_int_equal(today(f, "q")->abandoned, 1);
	int n;
	const struct interval *iv = model_queue_intervals(f->m, qidx(f, "q"), &n);
	assert_int_equal(n, 1);
	assert_int_equal(iv[0].offered, 1);
}

static void test_intervals(void **state)
{
	struct fixture *f = *state;
	/* 08:00 is interval 32 of the day */
	feed(f, "%d|a|q|NONE|ENTERQUEUE||1|1", T0);
	feed(f, "%d|a|q|X|CONNECT|10|y|1", T0 + 10);
	feed(f, "%d|b|q|NONE|ABANDON|1|1|3", T0 + 899);
	feed(f, "%d|c|q|NONE|ABANDON|1|1|30", T0 + 900);
	int n;
	const struct interval *iv = model_queue_intervals(f->m, qidx(f, "q"), &n);
	assert_int_equal(n, 34);
	assert_int_equal(iv[32].offered, 2);
	assert_int_equal(iv[32].answered_within_sl, 1);
	assert_int_equal(iv[32].abandoned_short, 1);
	assert_int_equal(iv[33].offered, 1);
	assert_int_equal(iv[33].abandoned, 1);
	assert_int_equal(iv[31].offered, 0);
}

/* What a reader's copy of the intervals may skip: the first intervals
 * nothing was counted in since its epoch. */
static void test_intervals_kept(void **state)
{
	struct fixture *f = *state;
	size_t q;
	uint32_t e1, e2;
	feed(f, "%d|a|q|NONE|ABANDON|1|1|30", T0);         /* interval 32 */
	q = qidx(f, "q");
	e1 = model_intervals_epoch(f->m);
	assert_int_equal(model_queue_intervals_kept(f->m, q, 0), 0);
	assert_int_equal(model_queue_intervals_kept(f->m, q, e1), 32);
	model_advance(f->m, T0 + 900);                     /* interval 33: a new epoch */
	e2 = model_intervals_epoch(f->m);
	assert_true(e2 > e1);
	assert_int_equal(model_queue_intervals_kept(f->m, q, e2), MODEL_MAX_INTERVALS);
	feed(f, "%d|b|q|NONE|ABANDON|1|1|30", T0 + 950);
	assert_int_equal(model_queue_intervals_kept(f->m, q, e2), 33);
	assert_int_equal(model_queue_intervals_kept(f->m, q, e1), 32);
	feed(f, "%d|c|q|NONE|ABANDON|1|1|30", T0 + 10);    /* late: interval 32 again */
	assert_int_equal(model_queue_intervals_kept(f->m, q, e2), 32);
	model_advance(f->m, T0 + 16 * 3600 + 5);           /* a new day: nothing known */
	assert_int_equal(model_queue_intervals_kept(f->m, q, e2), 0);
	e2 = model_intervals_epoch(f->m);
	assert_int_equal(model_queue_intervals_kept(f->m, q, e2), MODEL_MAX_INTERVALS);
}

static void test_waiting_and_stale(void **state)
{
	struct fixture *f = *state;
	f->cfg.stale_call_s = 3600;
	feed(f, "%d|a|q|NONE|ENTERQUEUE||1|1", T0);
	feed(f, "%d|b|q|NONE|ENTERQUEUE||1|2", T0 + 30);
	feed(f, "%d|c|r|NONE|ENTERQUEUE||1|1", T0 + 40);
	model_advance(f->m, T0 + 100);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "q")), 2);
	assert_int_equal(model_queue_longest_wait(f->m, qidx(f, "q")), 100);
	assert_int_equal(model_total_waiting(f->m), 3);
	assert_int_equal(model_total_longest_wait(f->m), 100);
	feed(f, "%d|a|q|NONE|ABANDON|1|1|105", T0 + 105);    /* the head leaves */
	assert_int_equal(model_queue_longest_wait(f->m, qidx(f, "q")), 75);
	/* a ringing call still waits; RINGNOANSWER does not end it */
	feed(f, "%d|b|q|Zed|RINGNOANSWER|15000", T0 + 120);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "q")), 1);
	model_advance(f->m, T0 + 30 + 3600);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "q")), 1);
	model_advance(f->m, T0 + 31 + 3600);                  /* b is stale */
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "q")), 0);
	assert_int_equal(model_queue_longest_wait(f->m, qidx(f, "q")), 0);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "r")), 1);
	model_advance(f->m, T0 + 41 + 3600);
	assert_int_equal(model_total_waiting(f->m), 0);
	assert_int_equal(model_stats(f->m).stale_dropped, 2);
	/* the outcome of a stale call still counts when it finally comes */
	feed(f, "%d|b|q|NONE|ABANDON|1|1|3700", T0 + 3730);
	assert_int_equal(today(f, "q")->abandoned, 2);
}

static void test_agents(void **state)
{
	struct fixture *f = *state;
	struct agent_counts a, t;
	f->cfg.stale_call_s = 100000;
	feed(f, "%d|MANAGER|sales|Ann|ADDMEMBER|", T0);
	feed(f, "%d|MANAGER|support|Ann|ADDMEMBER|", T0);
	feed(f, "%d|MANAGER|sales|Bob|ADDMEMBER|", T0);
	feed(f, "%d|MANAGER|support|Cy|ADDMEMBER|PAUSED", T0);
	a = agents_of(f, "sales", &t);
	assert_int_equal(a.logged_in, 2);
	assert_int_equal(a.available, 2);
	assert_int_equal(t.logged_in, 3);
	assert_int_equal(t.paused, 1);
	a = agents_of(f, "support", NULL);
	assert_int_equal(a.paused, 1);
	/* on a call from one queue: busy in all its queues */
	feed(f, "%d|k1|sales|NONE|ENTERQUEUE||1|1", T0 + 10);
	feed(f, "%d|k1|sales|Ann|CONNECT|5|z|2", T0 + 15);
	a = agents_of(f, "support", &t);
	assert_int_equal(a.on_call, 1);
	assert_int_equal(a.available, 0);
	assert_int_equal(t.on_call, 1);
	assert_int_equal(t.logged_in, 3);                     /* each agent once */
	/* PAUSEALL + per-queue PAUSE, as Asterisk writes them */
	feed(f, "%d|NONE|NONE|Bob|PAUSEALL|Lunch", T0 + 20);
	feed(f, "%d|NONE|sales|Bob|PAUSE|Lunch", T0 + 20);
	a = agents_of(f, "sales", &t);
	assert_int_equal(a.paused, 1);
	assert_int_equal(a.on_call, 1);
	assert_int_equal(t.paused, 2);
	/* Asterisk restarts: calls go, memberships and pauses stay */
	feed(f, "%d|NONE|NONE|NONE|QUEUESTART|", T0 + 30);
	a = agents_of(f, "sales", &t);
	assert_int_equal(a.on_call, 0);
	assert_int_equal(a.paused, 1);
	assert_int_equal(a.logged_in, 2);
	assert_int_equal(t.logged_in, 3);
	feed(f, "%d|NONE|NONE|Bob|UNPAUSEALL|", T0 + 40);
	feed(f, "%d|MANAGER|sales|Bob|REMOVEMEMBER|", T0 + 50);
	a = agents_of(f, "sales", &t);
	assert_int_equal(a.logged_in, 1);
	assert_int_equal(t.logged_in, 2);
	/* an agent seen first on a pause event is logged in to that queue */
	feed(f, "%d|NONE|vip|Dee|PAUSE|Break", T0 + 60);
	a = agents_of(f, "vip", NULL);
	assert_int_equal(a.logged_in, 1);
	assert_int_equal(a.paused, 1);
}

/* A member removed during a call: the call's end (which Asterisk logs after
 * the REMOVEMEMBER), rings and pauses do not make it a member again; only
 * ADDMEMBER or AGENTLOGIN does (SPEC 1.1). */
static void test_removed_during_call(void **state)
{
	struct fixture *f = *state;
	struct agent_counts a, t;
	feed(f, "%d|MANAGER|sales|Ann|ADDMEMBER|", T0);
	feed(f, "%d|MANAGER|support|Ann|ADDMEMBER|", T0);
	feed(f, "%d|k1|sales|NONE|ENTERQUEUE||1|1", T0 + 10);
	feed(f, "%d|k1|sales|Ann|CONNECT|5|z|2", T0 + 15);
	feed(f, "%d|MANAGER|sales|Ann|REMOVEMEMBER|", T0 + 20);
	a = agents_of(f, "sales", &t);
	assert_int_equal(a.logged_in, 0);
	assert_int_equal(t.logged_in, 1);
	assert_int_equal(t.on_call, 1);
	feed(f, "%d|k1|sales|Ann|COMPLETEAGENT|5|60|1", T0 + 75);
	a = agents_of(f, "sales", &t);
	assert_int_equal(a.logged_in, 0);                     /* not evidence */
	assert_int_equal(t.logged_in, 1);                     /* still in support */
	assert_int_equal(t.on_call, 0);
	assert_int_equal(today(f, "sales")->completed, 1);   /* the call itself counts */
	feed(f, "%d|k2|sales|NONE|ENTERQUEUE||1|1", T0 + 80);
	feed(f, "%d|k2|sales|Ann|RINGNOANSWER|15000", T0 + 95);
	feed(f, "%d|NONE|sales|Ann|PAUSE|Break", T0 + 96);
	assert_int_equal(agents_of(f, "sales", NULL).logged_in, 0);
	/* the same after AGENTLOGOFF of the queue */
	feed(f, "%d|MANAGER|support|Ann|AGENTLOGOFF|SIP/1001|300", T0 + 100);
	feed(f, "%d|k3|support|Ann|COMPLETECALLER|5|60|1", T0 + 101);
	agents_of(f, "sales", &t);
	assert_int_equal(t.logged_in, 0);
	/* ADDMEMBER joins again, and so does AGENTLOGIN */
	feed(f, "%d|MANAGER|sales|Ann|ADDMEMBER|", T0 + 200);
	assert_int_equal(agents_of(f, "sales", NULL).logged_in, 1);
	feed(f, "%d|MANAGER|support|Ann|AGENTLOGIN|SIP/1001", T0 + 201);
	a = agents_of(f, "support", &t);
	assert_int_equal(a.logged_in, 1);
	assert_int_equal(t.logged_in, 1);
	/* an agent never removed is still a member by evidence */
	feed(f, "%d|k4|sales|Bob|CONNECT|5|z|2", T0 + 210);
	assert_int_equal(agents_of(f, "sales", NULL).logged_in, 2);
}

/* AGENTLOGIN and AGENTLOGOFF with queue NONE: logged in (or off) in every queue. */
static void test_agentlogin_all_queues(void **state)
{
	struct fixture *f = *state;
	struct agent_counts a, t;
	feed(f, "%d|NONE|NONE|Agent/1001|AGENTLOGIN|SIP/1001", T0);
	struct agent_counts per[1];
	model_agent_counts(f->m, per, &t);   /* no queue yet: only the total */
	assert_int_equal(t.logged_in, 1);
	assert_int_equal(t.available, 1);
	feed(f, "%d|k1|sales|NONE|ENTERQUEUE||1|1", T0 + 10);
	feed(f, "%d|k1|sales|Agent/1001|CONNECT|5|z|2", T0 + 15);
	a = agents_of(f, "sales", &t);
	assert_int_equal(a.logged_in, 1);
	assert_int_equal(a.on_call, 1);
	assert_int_equal(t.logged_in, 1);
	feed(f, "%d|NONE|NONE|Agent/1001|AGENTLOGOFF|SIP/1001|100", T0 + 20);
	a = agents_of(f, "sales", &t);
	assert_int_equal(a.logged_in, 0);
	assert_int_equal(t.logged_in, 0);
	/* the end of the call in progress does not log it in again */
	feed(f, "%d|k1|sales|Agent/1001|COMPLETEAGENT|5|30|1", T0 + 45);
	a = agents_of(f, "sales", &t);
	assert_int_equal(a.logged_in, 0);
	assert_int_equal(t.logged_in, 0);
	feed(f, "%d|NONE|NONE|Agent/1001|AGENTLOGIN|SIP/1001", T0 + 50);
	agents_of(f, "sales", &t);
	assert_int_equal(t.logged_in, 1);
	feed(f, "%d|k2|sales|NONE|ENTERQUEUE||1|1", T0 + 60);
	feed(f, "%d|k2|sales|Agent/1001|CONNECT|5|z|2", T0 + 65);
	assert_int_equal(agents_of(f, "sales", NULL).logged_in, 1);
}

/* WITHDRAW: an outcome of its own, counted once, in today and the window. */
static void test_withdraw(void **state)
{
	struct fixture *f = *state;
	feed(f, "%d|w1|sales|NONE|ENTERQUEUE||1|1", T0);
	model_advance(f->m, T0 + 30);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "sales")), 1);
	assert_int_equal(feed(f, "%d|w1|sales|NONE|WITHDRAW|1|1|30|moved", T0 + 30), 1);
	assert_int_equal(feed(f, "%d|w1|sales|NONE|WITHDRAW|1|1|30|moved", T0 + 30), 0);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "sales")), 0);
	assert_int_equal(model_queue_longest_wait(f->m, qidx(f, "sales")), 0);
	const struct counts *c = today(f, "sales");
	assert_int_equal(c->withdrawn, 1);
	assert_int_equal(c->offered, 1);
	assert_int_equal(c->answered + c->abandoned + c->timed_out + c->exited_key +
	                 c->exited_empty, 0);
	assert_int_equal(window(f, "sales")->withdrawn, 1);
	int n;
	const struct interval *iv = model_queue_intervals(f->m, qidx(f, "sales"), &n);
	assert_int_equal(iv[(T0 + 30 - model_day_start(f->m)) / MODEL_INTERVAL_S].offered, 1);
	model_advance(f->m, T0 + 30 + 900);
	assert_int_equal(window(f, "sales")->withdrawn, 0);
	assert_int_equal(today(f, "sales")->withdrawn, 1);
}

static enum model_verdict submit(struct fixture *f, const char *fmt, ...)
{
	char line[512];
	struct qevent ev;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	assert_int_equal(queuelog_parse(line, strlen(line), &ev), QL_EVENT);
	return model_submit(f->m, &ev, MODEL_NO_WALL);
}

/* Past max_queues / max_agents a line naming a new one is refused whole, and
 * the board says so; known names go on. */
static void test_name_caps(void **state)
{
	struct fixture *f = *state;
	struct snapshot s = { 0 };
	struct snap_source h;
	f->cfg.max_queues = 2;
	f->cfg.max_agents = 2;
	assert_int_equal(submit(f, "%d|c1|a|NONE|ENTERQUEUE||1|1", T0), MODEL_APPLIED);
	assert_int_equal(submit(f, "%d|c2|b|NONE|ENTERQUEUE||1|1", T0), MODEL_APPLIED);
	assert_int_equal(submit(f, "%d|c3|c|NONE|ENTERQUEUE||1|1", T0 + 1), MODEL_QUEUE_CAP);
	assert_int_equal(submit(f, "%d|NONE|c|Ann|ADDMEMBER|", T0 + 1), MODEL_QUEUE_CAP);
	assert_int_equal(model_queue_count(f->m), 2);
	assert_int_equal(model_agent_count(f->m), 0);         /* Ann not added either */
	assert_int_equal(model_now(f->m), T0 + 1);            /* only the clock moved */
	assert_int_equal(submit(f, "%d|NONE|a|Ann|ADDMEMBER|", T0 + 2), MODEL_APPLIED);
	assert_int_equal(submit(f, "%d|c1|a|Bob|CONNECT|2|x|1", T0 + 2), MODEL_APPLIED);
	assert_int_equal(submit(f, "%d|c2|b|Cy|CONNECT|2|x|1", T0 + 3), MODEL_AGENT_CAP);
	assert_int_equal(submit(f, "%d|NONE|NONE|Cy|PAUSEALL|x", T0 + 3), MODEL_AGENT_CAP);
	assert_int_equal(submit(f, "%d|NONE|NONE|Ann|PAUSEALL|x", T0 + 3), MODEL_APPLIED);
	assert_int_equal(model_agent_count(f->m), 2);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "b")), 1);   /* c2 still waits */
	assert_int_equal(model_stats(f->m).queue_cap_lines, 2);
	assert_int_equal(model_stats(f->m).agent_cap_lines, 2);
	model_advance(f->m, T0 + 4);
	snapshot_build(&s, f->m, &f->cfg);
	assert_true(snapshot_model_health(&s, &f->cfg, &h));
	assert_string_equal(h.kind, "model");
	assert_int_equal(h.state, SRC_ERROR);
	assert_int_equal(h.bad_lines, 4);
	assert_string_equal(h.detail, "queue cap 2 reached: 2 lines refused; "
	                              "agent cap 2 reached: 2 lines refused");
	snapshot_free(&s);
}

/* A snapshot points at the model's names and pause reasons: what it shows
 * stays readable while events move the model on between builds (a redraw, or
 * the JSON line formatted off the loop) - a reason changed or a name
 * forgotten is freed only by the second model_release_names after it (the
 * sanitizers' build reads freed memory as an error). */
static void test_names_outlive_snapshot(void **state)
{
	struct fixture *f = *state;
	struct snapshot s = { 0 };
	const char *qname = NULL, *reason = NULL;
	feed(f, "%d|o1|old|NONE|ENTERQUEUE||1|1", T0);
	feed(f, "%d|o1|old|NONE|ABANDON|1|1|5", T0 + 5);
	feed(f, "%d|NONE|sales|Bob|ADDMEMBER|", T0 + 10);
	feed(f, "%d|NONE|sales|Bob|PAUSE|Lunch", T0 + 20);
	model_advance(f->m, T0 + 30);
	snapshot_build(&s, f->m, &f->cfg);
	for (size_t i = 0; i < s.n_queues; i++)
		if (strcmp(s.queues[i].name, "old") == 0)
			qname = s.queues[i].name;
	assert_non_null(qname);
	assert_int_equal(s.n_agents, 1);
	reason = s.agents[0].reason;
	assert_non_null(reason);
	feed(f, "%d|NONE|sales|Bob|UNPAUSE|", T0 + 40);
	feed(f, "%d|NONE|sales|Bob|PAUSE|Break", T0 + 50);
	assert_string_equal(reason, "Lunch");      /* the snapshot's, after the model moved */
	model_advance(f->m, T0 + 86400 + 3600);    /* "old" idle a day: forgotten */
	assert_int_equal(model_stats(f->m).forgotten_queues, 1);
	assert_string_equal(qname, "old");         /* the snapshot still shows it */
	model_release_names(f->m);
	assert_string_equal(qname, "old");         /* not before the next build */
	snapshot_build(&s, f->m, &f->cfg);
	assert_int_equal(s.n_queues, 1);
	assert_string_equal(s.agents[0].reason, "Break");
	model_release_names(f->m);                 /* freed now: no leak at the end */
	snapshot_free(&s);
}

/* Queues and agents with no members, calls or events for a day are
 * forgotten; the rest keep their figures, calls and duplicates. */
static void test_forget_idle_names(void **state)
{
	struct fixture *f = *state;
	struct agent_counts a, t;
	const int day = 86400;       /* int: the lines are written with %d */
	f->cfg.max_queues = 4;
	f->cfg.stale_call_s = 3 * 86400;
	feed(f, "%d|o1|old1|NONE|ENTERQUEUE||1|1", T0);
	feed(f, "%d|o1|old1|Gone|CONNECT|2|x|1", T0 + 2);
	feed(f, "%d|o1|old1|Gone|COMPLETECALLER|2|20|1", T0 + 22);
	feed(f, "%d|NONE|old1|Gone|REMOVEMEMBER|", T0 + 25);    /* else a member keeps it */
	feed(f, "%d|o2|old2|NONE|ENTERQUEUE||1|1", T0 + 30);
	feed(f, "%d|o2|old2|NONE|ABANDON|1|1|5", T0 + 35);
	feed(f, "%d|NONE|kept|Ann|ADDMEMBER|", T0 + 40);          /* a member keeps it */
	feed(f, "%d|w1|busy|NONE|ENTERQUEUE||1|1", T0 + 50);       /* a waiting call keeps it */
	assert_int_equal(model_queue_count(f->m), 4);
	assert_int_equal(submit(f, "%d|n1|new|NONE|ENTERQUEUE||1|1", T0 + 60), MODEL_QUEUE_CAP);
	model_advance(f->m, T0 + day + 3600);
	model_advance(f->m, T0 + 2 * day + 3600);
	assert_int_equal(model_queue_count(f->m), 2);
	assert_int_equal(model_stats(f->m).forgotten_queues, 2);
	assert_int_equal(model_agent_count(f->m), 1);              /* Gone went, Ann stays */
	assert_int_equal(model_stats(f->m).forgotten_agents, 1);
	a = agents_of(f, "kept", &t);
	assert_int_equal(a.logged_in, 1);
	assert_int_equal(t.logged_in, 1);
	size_t b = qidx(f, "busy");
	assert_int_equal(model_queue_waiting(f->m, b), 1);
	assert_int_equal(model_queue_longest_wait(f->m, b), 2 * day + 3600 - 50);
	/* the renumbered call is still found: its outcome counts once */
	feed(f, "%d|w1|busy|Bob|CONNECT|9|x|1", T0 + 2 * day + 3601);
	assert_int_equal(feed(f, "%d|w1|busy|Bob|CONNECT|9|x|1", T0 + 2 * day + 3601), 0);
	assert_int_equal(model_queue_waiting(f->m, b), 0);
	assert_int_equal(today(f, "busy")->answered, 1);
	a = agents_of(f, "busy", NULL);
	assert_int_equal(a.on_call, 1);
	/* room again under the cap */
	assert_int_equal(submit(f, "%d|n1|new|NONE|ENTERQUEUE||1|1", T0 + 2 * day + 3602),
	                 MODEL_APPLIED);
	assert_int_equal(submit(f, "%d|n1|old1|NONE|ENTERQUEUE||1|1", T0 + 2 * day + 3602),
	                 MODEL_APPLIED);
	assert_int_equal(today(f, "old1")->answered, 0);         /* a new start */
	assert_int_equal(model_queue_count(f->m), 4);
	/* the new queues took freed slots: nothing of the old tenants is left */
	model_advance(f->m, T0 + 2 * day + 3612);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "new")), 1);
	assert_int_equal(model_queue_longest_wait(f->m, qidx(f, "new")), 10);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "old1")), 1);
	assert_int_equal(today(f, "new")->offered, 0);
	feed(f, "%d|n1|new|NONE|ABANDON|1|1|11", T0 + 2 * day + 3613);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "new")), 0);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "old1")), 1);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "busy")), 0);
	/* at the cap, a line's own time first forgets what went idle (in a
	 * replay nothing else moves the clock) */
	assert_int_equal(submit(f, "%d|z|zz|NONE|ENTERQUEUE||1|1", T0 + 4 * day), MODEL_APPLIED);
	assert_int_equal(model_stats(f->m).forgotten_queues, 3);   /* "new" went */
}

/* A caller dropped as stale whose outcome comes after all: counted once, and
 * a repeat of that line within two hours is still known as one (the oracle
 * of fuzz_model found it counted twice). */
static void test_outcome_after_stale_repeated(void **state)
{
	struct fixture *f = *state;
	f->cfg.stale_call_s = 3600;
	feed(f, "%d|s1|sales|NONE|ENTERQUEUE||1|1", T0);
	model_advance(f->m, T0 + 3700);
	assert_int_equal(model_stats(f->m).stale_dropped, 1);
	assert_int_equal(feed(f, "%d|s1|sales|NONE|ABANDON|1|1|3800", T0 + 3800), 1);
	assert_int_equal(feed(f, "%d|s1|sales|NONE|ABANDON|1|1|3800", T0 + 3800 + 7150), 0);
	assert_int_equal(today(f, "sales")->abandoned, 1);
	/* the same for a late line whose entry was never seen */
	assert_int_equal(feed(f, "%d|s2|sales|NONE|ABANDON|1|1|5", T0 + 100), 1);
	assert_int_equal(feed(f, "%d|s2|sales|NONE|ABANDON|1|1|5", T0 + 3800 + 7180), 0);
	assert_int_equal(today(f, "sales")->abandoned, 2);
}

static void test_wrapup(void **state)
{
	struct fixture *f = *state;
	struct agent_counts a;
	f->cfg.defaults.wrapup_s = 10;
	model_set_config(f->m, &f->cfg);
	feed(f, "%d|MANAGER|q|Ann|ADDMEMBER|", T0);
	feed(f, "%d|k|q|NONE|ENTERQUEUE||1|1", T0);
	feed(f, "%d|k|q|Ann|CONNECT|3|z|2", T0 + 3);
	feed(f, "%d|k|q|Ann|COMPLETEAGENT|3|40|1", T0 + 43);
	model_advance(f->m, T0 + 52);
	a = agents_of(f, "q", NULL);
	assert_int_equal(a.wrapup, 1);
	model_advance(f->m, T0 + 53);
	a = agents_of(f, "q", NULL);
	assert_int_equal(a.wrapup, 0);
	assert_int_equal(a.available, 1);
}

static void test_snapshot_total(void **state)
{
	struct fixture *f = *state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	feed(f, "%d|a|zeta|NONE|ENTERQUEUE||1|1", T0);
	feed(f, "%d|a|zeta|Ann|CONNECT|25|z|2", T0 + 25);
	feed(f, "%d|b|alpha|NONE|ENTERQUEUE||1|1", T0 + 1);
	feed(f, "%d|b|alpha|Bob|CONNECT|5|z|2", T0 + 6);
	feed(f, "%d|c|alpha|NONE|ENTERQUEUE||1|1", T0 + 30);
	model_advance(f->m, T0 + 40);
	snapshot_build(&s, f->m, &f->cfg);
	assert_int_equal(s.n_queues, 2);
	assert_string_equal(s.queues[0].name, "alpha");      /* sorted by name */
	assert_string_equal(s.queues[1].name, "zeta");
	assert_int_equal(s.total.today.c.answered, 2);
	assert_int_equal(s.total.today.c.answered_within_sl, 1);
	assert_true(fabs(s.total.today.d.service_level_pct - 50.0) < 1e-9);
	assert_int_equal(s.total.waiting, 1);
	assert_int_equal(s.total.longest_wait_s, 10);
	assert_int_equal(s.total.agents.on_call, 2);
	assert_int_equal(s.as_of, T0 + 40);
	assert_string_equal(s.sla, "80/20");
	assert_int_equal(s.n_agents, 2);
	assert_string_equal(s.agents[0].name, "Ann");
	assert_int_equal(s.agents[0].state, AGENT_ON_CALL);
	assert_int_equal(s.agents[0].since, T0 + 25);
	snapshot_free(&s);
}

/* The same call from queue_log and AMI: the join may be stamped a second
 * later than ENTERQUEUE; outcomes count once; a forgotten caller stops waiting. */
static void test_two_sources_and_forget(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(feed(f, "%d|c1|q|NONE|ENTERQUEUE||1|1", T0), 1);
	assert_int_equal(feed(f, "%d|c1|q|NONE|ENTERQUEUE||1|1", T0 + 1), 0);   /* AMI's join */
	assert_int_equal(feed(f, "%d|c1|q|NONE|ABANDON|1|1|30", T0 + 30), 1);
	assert_int_equal(feed(f, "%d|c1|q|NONE|ABANDON|1|1|30", T0 + 30), 0);
	assert_int_equal(today(f, "q")->offered, 1);
	assert_int_equal(feed(f, "%d|c2|q|NONE|ENTERQUEUE||1|1", T0 + 40), 1);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "q")), 1);
	struct qevent ev = { .time = T0 + 50, .kind = EV_FORGET, .callid = "c2", .queue = "q",
	                     .hold_s = -1, .talk_s = -1, .wait_s = -1, .ring_ms = -1 };
	model_apply(f->m, &ev);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "q")), 0);
	assert_int_equal(today(f, "q")->offered, 1);
	/* ... and if its outcome turns up after all, it counts */
	assert_int_equal(feed(f, "%d|c2|q|NONE|ABANDON|1|1|20", T0 + 60), 1);
	assert_int_equal(today(f, "q")->offered, 2);
}

static struct qevent ami_ev(enum ev_kind kind, int64_t t, const char *callid, const char *queue,
                            const char *agent)
{
	return (struct qevent){ .time = t, .kind = kind, .callid = callid, .queue = queue,
	                        .agent = agent, .hold_s = -1, .talk_s = -1, .wait_s = -1,
	                        .ring_ms = -1 };
}

/* EV_BUSY (AMI: a QueueStatus shows the agent in a call whose CONNECT was not
 * seen): on a call in every queue of the agent until the made-up call ends or
 * is forgotten; nothing is counted for it, and its end counts as one whose
 * CONNECT was never seen does. */
static void test_busy_unseen_call(void **state)
{
	struct fixture *f = *state;
	static const struct counts zero;
	struct qevent ev = ami_ev(EV_ADDMEMBER, T0, NULL, "sales", "Alex");
	assert_true(model_apply(f->m, &ev));
	ev.queue = "support";
	assert_true(model_apply(f->m, &ev));
	ev = ami_ev(EV_BUSY, T0 + 10, "ami-incall-1", "sales", "Alex");
	assert_true(model_apply(f->m, &ev));
	assert_false(model_apply(f->m, &ev));          /* a made-up callid is used once */
	struct agent_counts total, a = agents_of(f, "sales", &total);
	assert_int_equal(a.on_call, 1);
	assert_int_equal(a.available, 0);
	assert_int_equal(agents_of(f, "support", NULL).on_call, 1);   /* busy in all its queues */
	assert_int_equal(total.logged_in, 1);
	assert_int_equal(total.on_call, 1);
	assert_int_equal(total.available, 0);
	struct agent_view v;
	assert_true(model_agent(f->m, 0, &v));
	assert_int_equal(v.state, AGENT_ON_CALL);
	assert_int_equal(v.since, T0 + 10);
	assert_memory_equal(today(f, "sales"), &zero, sizeof zero);
	assert_memory_equal(window(f, "sales"), &zero, sizeof zero);
	assert_int_equal(model_queue_waiting(f->m, qidx(f, "sales")), 0);
	/* a later QueueStatus shows it out of any call */
	ev = ami_ev(EV_FORGET, T0 + 70, "ami-incall-1", "sales", "Alex");
	assert_true(model_apply(f->m, &ev));
	a = agents_of(f, "sales", &total);
	assert_int_equal(a.on_call, 0);
	assert_int_equal(a.available, 1);
	assert_int_equal(total.available, 1);
	assert_memory_equal(today(f, "sales"), &zero, sizeof zero);

	/* its end, matched by member (no caller id): counted like a COMPLETEAGENT
	 * whose CONNECT the log never had */
	ev = ami_ev(EV_BUSY, T0 + 100, "ami-incall-2", "sales", "Alex");
	assert_true(model_apply(f->m, &ev));
	ev = ami_ev(EV_COMPLETE, T0 + 130, "ami-incall-2", "sales", "Alex");
	ev.talk_s = 90;
	assert_true(model_apply(f->m, &ev));
	assert_int_equal(agents_of(f, "sales", NULL).on_call, 0);
	assert_int_equal(today(f, "sales")->completed, 1);
	assert_int_equal(today(f, "sales")->talk_s, 90);
	assert_int_equal(today(f, "sales")->answered, 0);
	assert_int_equal(today(f, "sales")->offered, 0);
	assert_int_equal(feed(f, "%d|c9|sales|Alex|COMPLETEAGENT|5|60|1", T0 + 140), 1);
	assert_int_equal(today(f, "sales")->completed, 2);   /* the same rule in a queue_log */

	/* the caller's id known: its end (counted) and the made-up call's forgetting */
	ev = ami_ev(EV_BUSY, T0 + 200, "ami-incall-3", "sales", "Alex");
	assert_true(model_apply(f->m, &ev));
	ev = ami_ev(EV_COMPLETE, T0 + 230, "1.777", "sales", "Alex");
	ev.talk_s = 40;
	assert_true(model_apply(f->m, &ev));
	ev = ami_ev(EV_FORGET, T0 + 230, "ami-incall-3", "sales", "Alex");
	assert_true(model_apply(f->m, &ev));
	a = agents_of(f, "sales", &total);
	assert_int_equal(a.on_call, 0);
	assert_int_equal(total.available, 1);
	assert_int_equal(today(f, "sales")->completed, 3);
	assert_int_equal(today(f, "sales")->talk_s, 190);
	assert_int_equal(today(f, "sales")->answered, 0);
	assert_int_equal(today(f, "sales")->offered, 0);
	/* without an agent or a call there is nothing to mark */
	ev = ami_ev(EV_BUSY, T0 + 300, "ami-incall-4", "sales", NULL);
	model_apply(f->m, &ev);
	assert_int_equal(agents_of(f, "sales", NULL).on_call, 0);
	assert_string_equal(event_kind_name(EV_BUSY), "BUSY");
}

/* Which queues each agent is in, and the callers waiting in each queue. */
static void test_agent_queues_and_callers(void **state)
{
	struct fixture *f = *state;
	struct agent_queue_view aq[8];
	struct snapshot s;
	char line[128];
	int n;

	memset(&s, 0, sizeof s);
	f->cfg.stale_call_s = 100000;
	feed(f, "%d|MANAGER|zeta|Ann|ADDMEMBER|", T0);
	feed(f, "%d|MANAGER|alpha|Ann|ADDMEMBER|", T0);
	feed(f, "%d|MANAGER|alpha|Bob|ADDMEMBER|", T0);
	feed(f, "%d|NONE|zeta|Ann|PAUSE|Break", T0 + 1);
	n = model_agent_queues(f->m, 0, aq, 8);               /* Ann: in joining order */
	assert_int_equal(n, 2);
	assert_int_equal(aq[0].queue, qidx(f, "zeta"));
	assert_true(aq[0].paused);
	assert_int_equal(aq[1].queue, qidx(f, "alpha"));
	assert_false(aq[1].paused);
	assert_int_equal(model_agent_queues(f->m, 0, aq, 1), 1);   /* max is kept */
	assert_int_equal(model_agent_queues(f->m, 1, aq, 8), 1);
	feed(f, "%d|MANAGER|alpha|Bob|REMOVEMEMBER|", T0 + 2);
	assert_int_equal(model_agent_queues(f->m, 1, aq, 8), 0);

	feed(f, "%d|c1|zeta|NONE|ENTERQUEUE||+15550001|1", T0 + 10);
	feed(f, "%d|c2|zeta|NONE|ENTERQUEUE||+15550002|1", T0 + 20);
	feed(f, "%d|c3|alpha|NONE|ENTERQUEUE||bad\033[31m|1", T0 + 25);
	for (int i = 0; i < SNAP_MAX_CALLERS + 5; i++) {
		snprintf(line, sizeof line, "%%d|m%d|zeta|NONE|ENTERQUEUE||x%d|1", i, i);
		feed(f, line, T0 + 30 + i);
	}
	model_advance(f->m, T0 + 100);
	for (int round = 0; round < 2; round++) {   /* the second build reuses the memory */
		snapshot_build(&s, f->m, &f->cfg);
		assert_string_equal(s.queues[1].name, "zeta");
		assert_int_equal(s.queues[1].n_callers, SNAP_MAX_CALLERS);
		assert_string_equal(s.queues[1].callers[0].callerid, "+15550001");
		assert_int_equal(s.queues[1].callers[0].waiting_s, 90);
		assert_string_equal(s.queues[1].callers[1].callerid, "+15550002");
		assert_int_equal(s.queues[1].callers[1].waiting_s, 80);
		assert_string_equal(s.queues[1].callers[2].callerid, "x0");
		assert_int_equal(s.queues[0].n_callers, 1);
		assert_int_equal(s.queues[0].callers[0].waiting_s, 75);
		assert_int_equal(s.total.n_callers, 0);
		/* Ann's queues as snapshot indexes, sorted: alpha (0), zeta (1, paused) */
		assert_int_equal(s.n_agents, 1);
		assert_string_equal(s.agents[0].name, "Ann");
		assert_int_equal(s.agent_n_queues[0], 2);
		assert_int_equal(s.agent_queues[0][0].queue, 0);
		assert_false(s.agent_queues[0][0].paused);
		assert_int_equal(s.agent_queues[0][1].queue, 1);
		assert_true(s.agent_queues[0][1].paused);
		assert_non_null(snapshot_agent_in(&s, 0, 1));
		assert_null(snapshot_agent_in(&s, 0, 2));
	}
	feed(f, "%d|c1|zeta|NONE|ABANDON|1|1|95", T0 + 100);
	/* after the abandon, c2 is the longest */
	snapshot_build(&s, f->m, &f->cfg);
	assert_string_equal(s.queues[1].callers[0].callerid, "+15550002");
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&buf, &len);
		snapshot_write_json(&s, mem);
		fclose(mem);
		assert_non_null(strstr(buf, "\"callers\":[{\"callerid\":\"+15550002\",\"waiting_s\":80}"));
		assert_non_null(strstr(buf, "\"callerid\":\"bad\\u001B[31m\""));
		assert_null(strstr(strstr(buf, "\"total\""), "\"callers\""));
		free(buf);
	}
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_answered_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intervals_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sl_formulas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outcome_without_enter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_day_rollover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_day_start_setting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intervals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waiting_and_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_during_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agentlogin_all_queues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_withdraw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forget_idle_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_outlive_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outcome_after_stale_repeated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrapup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_total, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_sources_and_forget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_unseen_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_queues_and_callers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
