/* test_snapshot_incr.c - a snapshot rebuilt tick after tick from what the
 * last build kept (orders, buffers) equals one built from nothing, after
 * random events (agents logging in and off, new queues, calls, pauses, days
 * going by and names forgotten); and a tick where few agents came sorts only
 * those. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <unistd.h>

#include "agent_stats.h"
#include "config.h"
#include "event.h"
#include "figures.h"
#include "fixture_model.h"
#include "groups.h"
#include "model.h"
#include "snapshot.h"

#define T0 1767225600      /* 2026-01-01 00:00:00 UTC */

static unsigned rnd_state = 12345;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

/* Names that sort differently by bytes and naturally, some with leading zeros. */
static void agent_name(char *buf, size_t n, unsigned i)
{
	static const char *const pre[] = { "Agent/", "a", "A", "z-", "agent0" };
	snprintf(buf, n, "%s%u", pre[i % 5], i / 5);
}

static void queue_name(char *buf, size_t n, unsigned i)
{
	static const char *const pre[] = { "q", "sales-", "Q0", "vip" };
	snprintf(buf, n, "%s%u", pre[i % 4], i / 4);
}

static void assert_same_queue(const struct snap_queue *a, const struct snap_queue *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->waiting, b->waiting);
	assert_int_equal(a->longest_wait_s, b->longest_wait_s);
	assert_memory_equal(&a->agents, &b->agents, sizeof a->agents);
	assert_memory_equal(&a->today.c, &b->today.c, sizeof a->today.c);
	assert_memory_equal(&a->window.c, &b->window.c, sizeof a->window.c);
	assert_int_equal(a->n_intervals, b->n_intervals);
	assert_int_equal(a->iv_first, b->iv_first);
	for (int i = 0; i < a->n_intervals; i++) {
		assert_memory_equal(snapshot_interval(a, i), snapshot_interval(b, i),
		                    sizeof *a->intervals);
		for (int k = SNAP_IV_SL; k <= SNAP_IV_ABANDON; k++)
			assert_int_equal(snapshot_interval_grade(a, k, i),
			                 snapshot_interval_grade(b, k, i));
	}
	assert_memory_equal(a->grade, b->grade, sizeof a->grade);
	assert_int_equal(a->n_callers, b->n_callers);
	for (int k = 0; k < a->n_callers; k++) {
		assert_string_equal(a->callers[k].callerid, b->callers[k].callerid);
		assert_int_equal(a->callers[k].waiting_s, b->callers[k].waiting_s);
	}
}

static void assert_same_time(const struct astat_time *a, const struct astat_time *b)
{
	assert_int_equal(a->login_s, b->login_s);
	assert_int_equal(a->paused_s, b->paused_s);
	assert_int_equal(a->busy_s, b->busy_s);
	assert_memory_equal(&a->occupancy_pct, &b->occupancy_pct, sizeof a->occupancy_pct);
	assert_int_equal(a->n_pauses, b->n_pauses);
	for (int k = 0; k < a->n_pauses; k++) {
		assert_string_equal(a->pauses[k].reason, b->pauses[k].reason);
		assert_int_equal(a->pauses[k].s, b->pauses[k].s);
	}
}

/* What moves with the clock in an agent's figures: the same kept (read at
 * the snapshot's time through agent_figs_at) as read from nothing. */
static void assert_same_clock(const struct agent_figs *a, const struct agent_figs *b,
                              int64_t now)
{
	struct agent_clock ta, tb;
	agent_figs_at(a, now, &ta);
	agent_figs_at(b, now, &tb);
	assert_same_time(&ta.today, &tb.today);
	assert_same_time(&ta.window, &tb.window);
	assert_int_equal(a->on_call, b->on_call);
	assert_int_equal(a->paused_now, b->paused_now);
	assert_memory_equal(&a->window, &b->window, sizeof a->window);
}

static void assert_same(const struct snapshot *inc, const struct snapshot *full)
{
	assert_int_equal(inc->as_of, full->as_of);
	assert_int_equal(inc->n_queues, full->n_queues);
	for (size_t i = 0; i < full->n_queues; i++)
		assert_same_queue(&inc->queues[i], &full->queues[i]);
	assert_same_queue(&inc->total, &full->total);
	assert_int_equal(inc->n_agents, full->n_agents);
	assert_int_equal(inc->n_agents_off, full->n_agents_off);
	for (size_t i = 0; i < full->n_agents + full->n_agents_off; i++) {
		const struct agent_view *a = &inc->agents[i], *b = &full->agents[i];
		assert_string_equal(a->name, b->name);
		assert_int_equal(a->state, b->state);
		assert_int_equal(a->since, b->since);
		assert_int_equal(inc->agent_n_queues[i], full->agent_n_queues[i]);
		for (int k = 0; k < full->agent_n_queues[i]; k++) {
			assert_int_equal(inc->agent_queues[i][k].queue, full->agent_queues[i][k].queue);
			assert_int_equal(inc->agent_queues[i][k].paused, full->agent_queues[i][k].paused);
		}
		const struct agent_figs *fa = snapshot_agent_figs(inc, i), *fb = snapshot_agent_figs(full, i);
		assert_int_equal(fa->today.answered, fb->today.answered);
		assert_int_equal(fa->n_queues, fb->n_queues);
		assert_same_clock(fa, fb, full->as_of);
	}
}

/* Each agent's figures in kept as in full: counts, stamps, per-queue figures
 * (their queues, order and counts). */
static void assert_same_figs(const struct snapshot *kept, const struct snapshot *full)
{
	assert_int_equal(kept->n_agents + kept->n_agents_off, full->n_agents + full->n_agents_off);
	for (size_t i = 0; i < full->n_agents + full->n_agents_off; i++) {
		const struct agent_figs *a = snapshot_agent_figs(kept, i);
		const struct agent_figs *b = snapshot_agent_figs(full, i);
		assert_int_equal(a->stamp, b->stamp);
		assert_memory_equal(&a->today, &b->today, sizeof a->today);
		assert_memory_equal(&a->window, &b->window, sizeof a->window);
		assert_int_equal(a->n_queues, b->n_queues);
		for (int k = 0; k < b->n_queues; k++)
			assert_memory_equal(&a->queues[k], &b->queues[k], sizeof a->queues[k]);
	}
}

/* kept, built from build to build, equals a snapshot built from nothing
 * (its agents' figures whole too, unless kept holds them brief). */
static void assert_same_as_fresh(const struct snapshot *kept, const struct model *m,
                                 const struct config *cfg)
{
	struct snapshot full;
	memset(&full, 0, sizeof full);
	snapshot_build(&full, m, cfg);
	assert_same(kept, &full);
	if (!kept->agent_figs_brief)
		assert_same_figs(kept, &full);
	snapshot_free(&full);
}

/* The build's one visit of the agents counts them as model_agent_counts
 * does, and lists their queues as model_agent_queues does. */
static void assert_visit_counts(const struct snapshot *s, const struct model *m)
{
	size_t nq = model_queue_count(m);
	struct agent_counts *ac = calloc(nq ? nq : 1, sizeof *ac), total;
	struct agent_queue_view qv[64];
	size_t *rank = calloc(nq ? nq : 1, sizeof *rank);
	for (size_t i = 0; i < s->n_queues; i++)
		rank[s->order_q[i]] = i;
	model_agent_counts(m, ac, &total);
	assert_memory_equal(&s->total.agents, &total, sizeof total);
	for (size_t i = 0; i < s->n_queues; i++)
		assert_memory_equal(&s->queues[i].agents, &ac[s->order_q[i]], sizeof *ac);
	for (size_t i = 0; i < s->n_agents; i++) {
		int k = model_agent_queues(m, s->order_a[i], qv, 64);
		assert_int_equal(s->agent_n_queues[i], k);
		for (int j = 0; j < k; j++) {
			const struct snap_member *in = snapshot_agent_in(s, i, rank[qv[j].queue]);
			assert_non_null(in);
			assert_int_equal(in->paused, qv[j].paused);
		}
	}
	/* the agents who can take each queue's calls, counted in the visit, as
	 * staffing counts them from the agents */
	assert_non_null(s->staff_avail);
	memset(ac, 0, (nq ? nq : 1) * sizeof *ac);
	for (size_t i = 0; i < s->n_agents; i++)
		for (int k = 0; k < s->agent_n_queues[i]; k++)
			if (!s->agent_queues[i][k].paused && s->agents[i].status != MS_UNAVAILABLE &&
			    s->agents[i].status != MS_INVALID)
				ac[s->agent_queues[i][k].queue].available++;
	for (size_t i = 0; i < s->n_queues; i++)
		assert_int_equal(s->staff_avail[i], ac[i].available);
	free(rank);
	free(ac);
}

/* One random event at t among nq queue names and na agent names. */
static void random_event(struct model *m, int64_t t, unsigned nq, unsigned na, unsigned *call)
{
	char q[32], a[32];
	queue_name(q, sizeof q, rnd(nq));
	agent_name(a, sizeof a, rnd(na));
	switch (rnd(9)) {
	case 0: case 1:
		fx_feed(m, "%lld|NONE|%s|%s|ADDMEMBER|", (long long)t, q, a);
		break;
	case 2:
		fx_feed(m, "%lld|NONE|%s|%s|REMOVEMEMBER|", (long long)t, q, a);
		break;
	case 3:
		fx_feed(m, "%lld|NONE|%s|%s|PAUSE|%s", (long long)t, q, a, rnd(2) ? "lunch" : "");
		break;
	case 4:
		fx_feed(m, "%lld|NONE|%s|%s|UNPAUSE|", (long long)t, q, a);
		break;
	case 5:
		++*call;
		fx_feed(m, "%lld|c%u|%s|NONE|ENTERQUEUE||55%u|1", (long long)t, *call, q, *call);
		break;
	case 6:
		fx_feed(m, "%lld|c%u|%s|%s|CONNECT|3|x|1", (long long)t, *call, q, a);
		break;
	case 7:
		fx_feed(m, "%lld|c%u|%s|%s|COMPLETECALLER|3|20|1", (long long)t, *call, q, a);
		break;
	default:
		fx_feed(m, "%lld|NONE|NONE|%s|AGENTLOGOFF|-|60", (long long)t, a);
		break;
	}
}

/* Ticks of random events, the incremental build checked against a full one
 * at each; now and then the clock leaps two days (a new day, names idle for
 * a day forgotten and the rest renumbered). */
static void test_incremental_equals_full(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot inc;
	int64_t t = T0;
	unsigned call = 0;

	fx_model_open(&cfg, &m, 5);
	memset(&inc, 0, sizeof inc);
	for (int tick = 0; tick < 300; tick++) {
		unsigned nq = 3 + (unsigned)tick / 10, na = 10 + (unsigned)tick;
		int events = (int)rnd(tick % 7 == 0 ? 60 : 6);
		if (tick % 97 == 96)
			t += 2 * 86400;
		for (int e = 0; e < events; e++)
			random_event(m, t, nq, na, &call);
		t++;
		model_advance(m, t);
		snapshot_build(&inc, m, &cfg);
		assert_same_as_fresh(&inc, m, &cfg);
		assert_visit_counts(&inc, m);
	}
	assert_true(inc.n_agents > 10);
	assert_true(inc.n_queues > 10);
	assert_true(model_stats(m).forgotten_agents > 0);     /* renumbered on the way */
	snapshot_free(&inc);
	fx_model_close(&cfg, m);
}

/* Calls coming in to two queues and answered or abandoned a few ticks
 * later, minutes going by (the day's intervals closing, calls that waited
 * across a boundary counted in the interval they came in): the intervals'
 * grades kept from the last build for the intervals still the same equal
 * those graded from nothing, some of them not ok. */
static void test_interval_grades_kept(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot inc;
	int64_t t = T0 + 8 * 3600, since[64];
	unsigned call = 0, pending[64], np = 0;
	int bad = 0;

	fx_model_open(&cfg, &m, 5);
	memset(&inc, 0, sizeof inc);
	for (int tick = 0; tick < 400; tick++) {
		for (unsigned e = rnd(6); e > 0 && np < 64; e--) {
			since[np] = t;
			pending[np++] = ++call;
			fx_feed(m, "%lld|c%u|q%u|NONE|ENTERQUEUE||55%u|1", (long long)t, call, call % 2, call);
		}
		for (unsigned e = rnd(6); e > 0 && np > 0; e--) {
			unsigned k = rnd(np), c = pending[k];
			int w = (int)(t - since[k]);
			if (rnd(10) < 3)
				fx_feed(m, "%lld|c%u|q%u|NONE|ABANDON|1|1|%d", (long long)t, c, c % 2, w);
			else
				fx_feed(m, "%lld|c%u|q%u|A%u|CONNECT|%d|x|1", (long long)t, c, c % 2, c % 7, w);
			pending[k] = pending[--np];
			since[k] = since[np];
		}
		t += tick % 3 ? 1 : 20 + rnd(100);
		model_advance(m, t);
		snapshot_build(&inc, m, &cfg);
		assert_same_as_fresh(&inc, m, &cfg);
		for (size_t i = 0; i < inc.n_queues; i++)
			for (int k = 0; k < inc.queues[i].n_intervals; k++)
				bad += snapshot_interval_grade(&inc.queues[i], SNAP_IV_SL, k) != SEV_OK ||
				       snapshot_interval_grade(&inc.queues[i], SNAP_IV_ABANDON, k) != SEV_OK;
	}
	assert_true(inc.queues[0].n_intervals > 20);
	assert_true(bad > 0);
	snapshot_free(&inc);
	fx_model_close(&cfg, m);
}

/* A board whose log begins at 10:00 holds its queues' intervals from the
 * first counted in (40), not from midnight: the room is the few since, the
 * earlier ones read as empty (SEV_OK); a late outcome counted in an earlier
 * interval moves the start there, a build kept from the last equal to one
 * from nothing. */
static void test_intervals_held_from_first(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot s;
	int64_t t = T0 + 40 * 900;

	fx_model_open(&cfg, &m, 5);
	memset(&s, 0, sizeof s);
	fx_feed(m, "%lld|NONE|q1|Agent/1|ADDMEMBER|", (long long)t);
	model_advance(m, t + 1);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(model_intervals_first(m), MODEL_MAX_INTERVALS);
	assert_int_equal(s.queues[0].n_intervals, 41);
	assert_int_equal(s.queues[0].iv_first, 41);           /* none counted: none held */
	assert_int_equal(snapshot_interval(&s.queues[0], 40)->offered, 0);
	fx_feed(m, "%lld|c1|q0|NONE|ENTERQUEUE||1|1", (long long)t + 5);
	fx_feed(m, "%lld|c1|q0|A|ABANDON|1|1|40", (long long)t + 45);
	model_advance(m, t + 900 + 60);                         /* interval 41 */
	snapshot_build(&s, m, &cfg);
	assert_same_as_fresh(&s, m, &cfg);
	assert_int_equal(s.iv_first, 40);
	assert_int_equal(s.iv_room, 4);
	for (size_t i = 0; i < s.n_queues; i++)
		assert_int_equal(s.queues[i].iv_first, 40);
	assert_int_equal(s.total.iv_first, 40);
	assert_int_equal(s.total.n_intervals, 42);
	assert_int_equal(snapshot_interval(&s.total, 40)->abandoned, 1);
	assert_int_equal(snapshot_interval(&s.total, 39)->offered, 0);
	assert_int_equal(snapshot_interval_grade(&s.total, SNAP_IV_ABANDON, 39), SEV_OK);
	fx_feed(m, "%lld|c2|q1|NONE|ENTERQUEUE||1|1", (long long)t + 900 + 61);
	fx_feed(m, "%lld|c2|q1|A|CONNECT|10|x|1", (long long)T0 + 30 * 900 + 15);  /* late: 30 */
	model_advance(m, t + 900 + 62);
	snapshot_build(&s, m, &cfg);
	assert_same_as_fresh(&s, m, &cfg);
	assert_int_equal(s.iv_first, 30);
	assert_int_equal(s.iv_room, 12);
	assert_int_equal(snapshot_interval(&s.total, 30)->answered, 1);
	assert_int_equal(snapshot_interval(&s.total, 40)->abandoned, 1);
	snapshot_free(&s);
	fx_model_close(&cfg, m);
}

/* An AMI event of agent a in queue q at t: RINGING (callid) or MEMBERSTATUS. */
static void ami_event(struct model *m, int64_t t, enum ev_kind kind, const char *callid,
                      const char *q, const char *a, int status)
{
	struct qevent ev = { .time = t, .kind = kind, .callid = callid, .queue = q, .agent = a,
		.status = status };
	qevent_key(&ev);
	model_apply(m, &ev);
}

/* One random event of the kinds that change agents (calls rung, answered and
 * ended, wrap-ups, pauses in one queue or all, device status, restarts). */
static void random_agent_event(struct model *m, int64_t t, unsigned nq, unsigned na,
                               unsigned *call)
{
	char q[32], a[32], id[32];
	queue_name(q, sizeof q, rnd(nq));
	agent_name(a, sizeof a, rnd(na));
	snprintf(id, sizeof id, "c%u", *call);
	switch (rnd(14)) {
	case 0: case 1:
		fx_feed(m, "%lld|NONE|%s|%s|ADDMEMBER|", (long long)t, q, a);
		break;
	case 2:
		fx_feed(m, "%lld|NONE|%s|%s|PAUSE|x", (long long)t, q, a);
		break;
	case 3:
		fx_feed(m, "%lld|NONE|NONE|%s|%s|", (long long)t, a, rnd(2) ? "PAUSEALL" : "UNPAUSEALL");
		break;
	case 4: case 5:
		++*call;
		fx_feed(m, "%lld|c%u|%s|NONE|ENTERQUEUE||55%u|1", (long long)t, *call, q, *call);
		break;
	case 6:
		ami_event(m, t, EV_RINGING, id, q, a, 0);
		break;
	case 7:
		fx_feed(m, "%lld|c%u|%s|%s|CONNECT|3|x|1", (long long)t, *call, q, a);
		break;
	case 8:
		fx_feed(m, "%lld|c%u|%s|%s|COMPLETEAGENT|3|20|1", (long long)t, rnd(*call + 1), q, a);
		break;
	case 9:
		fx_feed(m, "%lld|c%u|%s|NONE|ABANDON|1|1|3", (long long)t, rnd(*call + 1), q);
		break;
	case 10:
		ami_event(m, t, EV_MEMBERSTATUS, NULL, q, a, (int)rnd(9));
		break;
	case 11:
		fx_feed(m, "%lld|NONE|%s|%s|UNPAUSE|", (long long)t, q, a);
		break;
	case 12:
		if (rnd(20) == 0)
			fx_feed(m, "%lld|NONE|NONE|NONE|QUEUESTART|", (long long)t);
		break;
	default:
		fx_feed(m, "%lld|NONE|NONE|%s|AGENTLOGOFF|-|60", (long long)t, a);
		break;
	}
}

/* The agents' visit kept from build to build (only the agents changed since,
 * or whose wrap-up or ring ran out, visited again) equals one from nothing,
 * with events at the build's second, ticks with no event, the clock now and
 * then stepping back; and a tick with few changes visits few agents. */
static void test_agents_visit_incremental(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot inc, full;
	int64_t t = T0;
	unsigned call = 0;
	size_t few = 0;

	fx_model_open(&cfg, &m, 7);
	memset(&inc, 0, sizeof inc);
	for (int tick = 0; tick < 400; tick++) {
		unsigned nq = 6, na = 120;
		int events = tick < 20 ? 40 : tick % 5 == 0 ? 0 : (int)rnd(5);
		for (int e = 0; e < events; e++)
			random_agent_event(m, t, nq, na, &call);
		if (tick % 3)
			t += 1 + rnd(tick % 11 == 0 ? 130 : 4);   /* rings go stale past 120 s */
		if (tick % 89 == 88)
			t -= 600;                                /* the host clock steps back */
		model_advance(m, t);
		snapshot_build(&inc, m, &cfg);
		memset(&full, 0, sizeof full);
		snapshot_build(&full, m, &cfg);
		assert_same(&inc, &full);
		for (size_t i = 0; i < full.n_agents; i++) {
			assert_int_equal(inc.agents[i].status, full.agents[i].status);
			assert_int_equal(inc.agents[i].queues, full.agents[i].queues);
			assert_ptr_equal(inc.agents[i].reason, full.agents[i].reason);
		}
		for (size_t i = 0; i < full.n_queues; i++)
			assert_int_equal(inc.staff_avail[i], full.staff_avail[i]);
		snapshot_free(&full);
		assert_visit_counts(&inc, m);
		if (tick > 20 && events == 0 && snapshot_agents_visited(&inc) < 20)
			few++;
	}
	assert_true(inc.n_agents > 50);
	assert_true(few > 10);          /* quiet ticks visit few of the 120 */
	snapshot_free(&inc);
	fx_model_close(&cfg, m);
}

/* A model of window 60 s, times in UTC (the clock tests below). */
static struct model *open_window_60(struct config *cfg)
{
	setenv("TZ", "UTC", 1);
	tzset();
	config_defaults(cfg);
	cfg->window_s = 60;
	return model_new(cfg);
}

/* One tick of those tests: events at t (many at first, none while tick %
 * 40 is below quiet), the clock on a second, now and then more. */
static void agents_tick(struct model *m, int64_t *t, int tick, int quiet, int most,
                        unsigned *call)
{
	int events = tick < 10 ? 30 : tick % 40 < quiet ? 0 : (int)rnd((unsigned)most);
	for (int e = 0; e < events; e++)
		random_agent_event(m, *t, 4, 40, call);
	*t += 1 + (tick % 50 == 49 ? rnd(90) : 0);
	model_advance(m, *t);
}

/* A window of 60 s and stretches of quiet ticks: the agents' logged-in,
 * paused and busy times kept and moved on with the clock (their periods
 * crossing the window's edge, pauses ending and leaving it, calls on) equal
 * those read from nothing at each tick. */
static void test_agent_clock_incremental(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot inc;
	int64_t t = T0 + 3600;
	unsigned call = 0;

	m = open_window_60(&cfg);
	memset(&inc, 0, sizeof inc);
	for (int tick = 0; tick < 600; tick++) {
		agents_tick(m, &t, tick, 25, 4, &call);
		snapshot_build(&inc, m, &cfg);
		assert_same_as_fresh(&inc, m, &cfg);
	}
	assert_true(inc.n_agents + inc.n_agents_off > 20);
	snapshot_free(&inc);
	fx_model_close(&cfg, m);
}

/* What a brief fill reads of an agent (model_agent_figs_brief), and the
 * values of the agent figures alerts read from it, as in a whole read. */
static void assert_same_brief(const struct agent_figs *a, const struct agent_figs *b,
                              int64_t now)
{
	assert_int_equal(a->on_call, b->on_call);
	assert_int_equal(a->call_since, b->call_since);
	assert_int_equal(a->call_queue, b->call_queue);
	assert_int_equal(a->paused_now, b->paused_now);
	assert_int_equal(a->pause_since, b->pause_since);
	assert_string_equal(a->pause_reason, b->pause_reason);
	assert_int_equal(a->off_since, b->off_since);
	for (size_t k = 0; k < agent_figures_count; k++)
		if (agent_figure_brief(&agent_figures[k])) {
			double va = agent_figure_value(&agent_figures[k], a, now, NULL);
			double vb = agent_figure_value(&agent_figures[k], b, now, NULL);
			assert_memory_equal(&va, &vb, sizeof va);
		}
}

/* Builds with the agents' figures brief (a board showing none of them) in
 * runs between whole ones, a window of 60 s: each brief build holds what
 * alerts on calls and pauses read, as read whole from nothing, and reads no
 * agent whole; each whole build after brief ones equals one from nothing
 * (the agents changed meanwhile, whose window records left or whose clock
 * ran out, read again). */
static void test_brief_then_whole(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot inc, full;
	int64_t t = T0 + 3600;
	unsigned call = 0;
	size_t briefs = 0, wholes_after = 0;
	bool was_brief = false;

	m = open_window_60(&cfg);
	memset(&inc, 0, sizeof inc);
	for (int tick = 0; tick < 800; tick++) {
		agents_tick(m, &t, tick, 20, 5, &call);
		inc.agent_figs_brief = tick > 5 && (tick / 7) % 3 != 0 && rnd(8) != 0;
		snapshot_build(&inc, m, &cfg);
		memset(&full, 0, sizeof full);
		snapshot_build(&full, m, &cfg);
		assert_int_equal(inc.n_agents + inc.n_agents_off, full.n_agents + full.n_agents_off);
		if (inc.agent_figs_brief) {
			for (size_t i = 0; i < full.n_agents + full.n_agents_off; i++)
				assert_same_brief(snapshot_agent_figs(&inc, i), snapshot_agent_figs(&full, i),
				                  full.as_of);
			assert_int_equal(agent_stats_fill_read(&inc), 0);
			briefs++;
		} else {
			assert_same(&inc, &full);
			for (size_t i = 0; i < full.n_agents + full.n_agents_off; i++) {
				const struct agent_figs *fa = snapshot_agent_figs(&inc, i);
				const struct agent_figs *fb = snapshot_agent_figs(&full, i);
				assert_memory_equal(&fa->today, &fb->today, sizeof fa->today);
				assert_int_equal(fa->stamp, fb->stamp);
				assert_string_equal(fa->callerid, fb->callerid);
				assert_same_brief(fa, fb, full.as_of);
			}
			wholes_after += was_brief;
		}
		was_brief = inc.agent_figs_brief;
		snapshot_free(&full);
	}
	assert_true(inc.n_agents + inc.n_agents_off > 20);
	assert_true(briefs > 300);
	assert_true(wholes_after > 20);
	snapshot_free(&inc);
	fx_model_close(&cfg, m);
}

/* An agent's call leaving the window with no event naming the agent (its
 * figures' stamp moves, not its mark): the kept build reads it again, and
 * only it, among 2,000 agents; and the build after that reads none. */
static struct model *open_2000_agents(struct config *cfg, struct snapshot *s);
static void test_window_leaving_read(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot s;
	long k;

	m = open_2000_agents(&cfg, &s);
	fx_feed(m, "%d|c1|q1|NONE|ENTERQUEUE||551|1", T0 + 1);
	fx_feed(m, "%d|c1|q1|A3|CONNECT|2|x|1", T0 + 3);
	fx_feed(m, "%d|c1|q1|A3|COMPLETECALLER|2|20|1", T0 + 23);
	model_advance(m, T0 + 30);
	snapshot_build(&s, m, &cfg);
	k = snapshot_agent_find(&s, "A3");
	assert_true(k >= 0);
	assert_int_equal(snapshot_agent_figs(&s, k)->window.answered, 1);
	for (int64_t t = T0 + 31; t < T0 + 100; t++) {
		model_advance(m, t);
		snapshot_build(&s, m, &cfg);
		assert_same_as_fresh(&s, m, &cfg);
		assert_true(agent_stats_fill_read(&s) <= 1);
	}
	assert_int_equal(snapshot_agent_figs(&s, k)->window.answered, 0);
	assert_int_equal(snapshot_agent_figs(&s, k)->window.completed, 0);
	assert_int_equal(snapshot_agent_figs(&s, k)->today.answered, 1);
	snapshot_free(&s);
	model_free(m);
	config_free(&cfg);
}

/* Among 2,000 agents with no event after the first seconds: one paused
 * (its pause grows each second), one on a call (its busy time does), all of
 * them past their login at the window's edge (their spans run out): the kept
 * build reads none of them whole (the one whose CONNECT leaves the window
 * has it taken off its kept figures), brings only those due to the clock, and
 * its figures read at its time are those of a build from nothing. */
static void test_clock_due_kept(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot s;
	long p, c;

	m = open_2000_agents(&cfg, &s);
	fx_feed(m, "%d|NONE|q27|A5|PAUSE|lunch", T0 + 2);
	fx_feed(m, "%d|c1|q37|NONE|ENTERQUEUE||551|1", T0 + 2);
	fx_feed(m, "%d|c1|q37|A7|CONNECT|1|x|1", T0 + 3);
	model_advance(m, T0 + 4);
	snapshot_build(&s, m, &cfg);
	p = snapshot_agent_find(&s, "A5");
	c = snapshot_agent_find(&s, "A7");
	assert_true(p >= 0 && c >= 0);
	for (int64_t t = T0 + 5; t < T0 + 100; t++) {
		struct agent_clock ck;
		model_advance(m, t);
		snapshot_build(&s, m, &cfg);
		assert_same_as_fresh(&s, m, &cfg);
		/* (A7's CONNECT leaves the window at 63: its kept figures lose it,
		 * not read whole) */
		assert_int_equal(agent_stats_fill_read(&s), 0);
		agent_figs_at(snapshot_agent_figs(&s, p), s.as_of, &ck);
		assert_int_equal(ck.today.paused_s, t - (T0 + 2));
		assert_int_equal(ck.today.n_pauses, 1);
		assert_string_equal(ck.today.pauses[0].reason, "lunch");
		assert_string_equal(snapshot_agent_figs(&s, p)->pause_reason, "lunch");
		agent_figs_at(snapshot_agent_figs(&s, c), s.as_of, &ck);
		assert_int_equal(ck.today.busy_s, t - (T0 + 3));
		assert_int_equal(ck.window.login_s, t < T0 + 61 ? t - T0 : 60);
	}
	snapshot_free(&s);
	model_free(m);
	config_free(&cfg);
}

/* 2,000 agents join 50 queues at T0; the clock at T0 + 1. */
static void add_2000_agents(struct model *m)
{
	char a[32];
	for (unsigned i = 0; i < 2000; i++) {
		agent_name(a, sizeof a, i);
		fx_feed(m, "%d|NONE|q%u|%s|ADDMEMBER|", T0, i % 50, a);
	}
	model_advance(m, T0 + 1);
}

/* A model of a 60 s window with 2,000 agents in 50 queues from T0 (the clock
 * at T0 + 1), and an empty snapshot s. */
static struct model *open_2000_agents(struct config *cfg, struct snapshot *s)
{
	struct model *m;
	setenv("TZ", "UTC", 1);
	tzset();
	config_defaults(cfg);
	cfg->window_s = 60;
	m = model_new(cfg);
	memset(s, 0, sizeof *s);
	add_2000_agents(m);
	return m;
}

/* Agent i's calls (two answered and ended in its queue, a missed ring in the
 * next for one in three) at T1 + 2 + i * 188 / 2000: a window of 60 s, the
 * day ending at T1 + 200, so those of the last 60 s of the day leave the
 * window in the next one, their per-queue figures dropped then (nothing
 * left in them today). */
#define WOUT_T1 (T0 + 86400 - 200)
static void wout_calls(struct model *m, int64_t t, unsigned *call)
{
	char a[32];
	for (unsigned i = 0; i < 2000; i++) {
		if (WOUT_T1 + 2 + (int64_t)i * 188 / 2000 != t)
			continue;
		agent_name(a, sizeof a, i);
		for (int k = 0; k < 2; k++) {
			++*call;
			fx_feed(m, "%lld|c%u|q%u|NONE|ENTERQUEUE||55%u|1", (long long)t, *call, i % 50, *call);
			fx_feed(m, "%lld|c%u|q%u|%s|CONNECT|%d|x|1", (long long)t, *call, i % 50, a, k + 1);
			fx_feed(m, "%lld|c%u|q%u|%s|COMPLETECALLER|%d|%u|1", (long long)t, *call, i % 50, a,
			        k + 1, 10 + i % 7);
		}
		if (i % 3 == 0)
			fx_feed(m, "%lld|r%u|q%u|%s|RINGNOANSWER|15000", (long long)t, i, (i + 1) % 50, a);
	}
}

/* 2,000 agents' window records leaving with no event naming them (a window
 * of 60 s, across midnight: per-queue figures dropped): the kept figures
 * lose them as the model's do, none read whole; a second snapshot of the
 * same model built seldom (its own place in the model's journal) falls
 * behind the journal once (more than ASTAT_WOUT_CAP records left since its
 * last build) and reads those agents whole; each build equals one from
 * nothing. */
static void test_window_leaving_kept(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot a, b;
	unsigned call = 0;
	char name[32];
	int64_t a_last = 0, b_last = 0;

	setenv("TZ", "UTC", 1);
	tzset();
	config_defaults(&cfg);
	cfg.window_s = 60;
	m = model_new(&cfg);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	for (unsigned i = 0; i < 2000; i++) {
		agent_name(name, sizeof name, i);
		fx_feed(m, "%lld|NONE|q%u|%s|ADDMEMBER|", (long long)WOUT_T1, i % 50, name);
	}
	model_advance(m, WOUT_T1 + 1);
	snapshot_build(&a, m, &cfg);
	snapshot_build(&b, m, &cfg);
	for (int64_t t = WOUT_T1 + 2; t <= WOUT_T1 + 300; t++) {
		bool b_now = t == WOUT_T1 + 199 || (t > WOUT_T1 + 200 && t % 3 == 0);
		wout_calls(m, t, &call);
		model_advance(m, t);
		snapshot_build(&a, m, &cfg);
		assert_same_as_fresh(&a, m, &cfg);
		/* no event since the last build, the same day: none read whole */
		if (t > WOUT_T1 + 2 + 188 && a_last != WOUT_T1 + 199)
			assert_int_equal(agent_stats_fill_read(&a), 0);
		a_last = t;
		if (!b_now)
			continue;
		snapshot_build(&b, m, &cfg);
		assert_same_as_fresh(&b, m, &cfg);
		if (t == WOUT_T1 + 199)             /* behind the journal: read whole */
			assert_true(agent_stats_fill_read(&b) > 1000);
		else if (b_last > WOUT_T1 + 200)
			assert_int_equal(agent_stats_fill_read(&b), 0);
		b_last = t;
	}
	/* every record left: nothing in the window, no queue kept (none today) */
	for (size_t i = 0; i < a.n_agents; i++) {
		const struct agent_figs *f = snapshot_agent_figs(&a, i);
		assert_int_equal(f->window.answered + f->window.completed + f->window.rna, 0);
		assert_int_equal(f->n_queues, 0);
	}
	assert_int_equal(a.n_agents, 2000);
	snapshot_free(&a);
	snapshot_free(&b);
	model_free(m);
	config_free(&cfg);
}

/* 2,000 agents logged in: a tick where two of them change visits those two,
 * not the 2,000. */
static void test_agents_visit_changed_only(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot s;

	fx_model_open(&cfg, &m, 5);
	memset(&s, 0, sizeof s);
	add_2000_agents(m);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(snapshot_agents_visited(&s), 2000);
	model_advance(m, T0 + 2);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(snapshot_agents_visited(&s), 0);
	fx_feed(m, "%d|NONE|q2|%s|PAUSE|lunch", T0 + 3, "A0");
	fx_feed(m, "%d|NONE|q1|%s|ADDMEMBER|", T0 + 3, "Agent/0");
	model_advance(m, T0 + 3);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(snapshot_agents_visited(&s), 2);
	assert_int_equal(s.total.agents.paused, 1);
	assert_int_equal(s.total.agents.logged_in, 2000);
	/* the intervals' room is the day's so far (1 at its start) to the next
	 * 4, not 100 */
	assert_int_equal(s.queues[0].n_intervals, 1);
	assert_int_equal(s.iv_room, 4);
	snapshot_free(&s);
	fx_model_close(&cfg, m);
}

/* The service level's text follows the defaults from build to build (it is
 * written again only when they change). */
static void test_sla_follows_config(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot s;

	fx_model_open(&cfg, &m, 5);
	memset(&s, 0, sizeof s);
	cfg.defaults.sl_target_pct = 80;
	cfg.defaults.sl_threshold_s = 20;
	snapshot_build(&s, m, &cfg);
	assert_string_equal(s.sla, "80/20");
	snapshot_build(&s, m, &cfg);
	assert_string_equal(s.sla, "80/20");
	cfg.defaults.sl_target_pct = 92.5;
	snapshot_build(&s, m, &cfg);
	assert_string_equal(s.sla, "92.5/20");
	cfg.defaults.sl_threshold_s = 30;
	snapshot_build(&s, m, &cfg);
	assert_string_equal(s.sla, "92.5/30");
	snapshot_free(&s);
	fx_model_close(&cfg, m);
}

/* The build's note (the tick stats' slow ticks) says what it did: a first
 * build visits every agent and sorts them all in; the next, nothing; one
 * with a newcomer and an agent logged off, those; a new queue orders the
 * queues again, which visits every agent again and says why. */
static void test_build_note(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot s;
	char note[400];

	fx_model_open(&cfg, &m, 5);
	memset(&s, 0, sizeof s);
	snapshot_build_note(&s, note, sizeof note);          /* none built yet */
	assert_non_null(strstr(note, "queues 0, agents 0 (visited 0,"));
	add_2000_agents(m);
	snapshot_build(&s, m, &cfg);
	snapshot_build_note(&s, note, sizeof note);
	assert_non_null(strstr(note, "queues 50 ordered, agents 2000 (visited 2000, all: first,"));
	assert_non_null(strstr(note, "sorted in 2000 all,"));
	model_advance(m, T0 + 2);
	snapshot_build(&s, m, &cfg);
	snapshot_build_note(&s, note, sizeof note);
	assert_non_null(strstr(note, "queues 50, agents 2000 (visited 0, logged in/off 0, "
	                             "sorted in 0, off 0), figures read 0,"));
	fx_feed(m, "%d|NONE|q3|%s|ADDMEMBER|", T0 + 3, "newcomer7");
	fx_feed(m, "%d|NONE|q0|%s|REMOVEMEMBER|", T0 + 3, "Agent/0");
	model_advance(m, T0 + 3);
	snapshot_build(&s, m, &cfg);
	snapshot_build_note(&s, note, sizeof note);
	assert_non_null(strstr(note, "agents 2001 (visited 2, logged in/off 2, sorted in 1, off 1)"));
	fx_feed(m, "%d|NONE|q1000|%s|ADDMEMBER|", T0 + 4, "A1");
	model_advance(m, T0 + 4);
	snapshot_build(&s, m, &cfg);
	snapshot_build_note(&s, note, sizeof note);
	assert_non_null(strstr(note, "queues 51 ordered, agents 2001 (visited 2001, all: queue order,"));
	snapshot_free(&s);
	fx_model_close(&cfg, m);
}

/* 2,000 agents logged in: a tick where one more logs in and one logs off
 * compares a few names (the newcomer merged in), not the 2,000 again; a tick
 * where nothing came compares none; a new queue is merged in too. */
static void test_few_newcomers_few_compares(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot s;

	fx_model_open(&cfg, &m, 5);
	memset(&s, 0, sizeof s);
	add_2000_agents(m);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(s.n_agents, 2000);
	assert_true(snapshot_sort_compares(&s) > 2000);      /* the first build sorts all */

	model_advance(m, T0 + 2);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(snapshot_sort_compares(&s), 0);

	fx_feed(m, "%d|NONE|q3|%s|ADDMEMBER|", T0 + 3, "newcomer7");
	fx_feed(m, "%d|NONE|q0|%s|REMOVEMEMBER|", T0 + 3, "Agent/0");
	fx_feed(m, "%d|NONE|q1000|%s|ADDMEMBER|", T0 + 3, "A1");
	model_advance(m, T0 + 3);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(s.n_agents, 2000);
	assert_int_equal(s.n_queues, 51);
	assert_string_equal(s.queues[50].name, "q1000");
	/* the newcomer's place by bisection (~11), the new queue's among 50:
	 * not a sort of 2,000 again (~20,000 comparisons) */
	assert_true(snapshot_sort_compares(&s) <= 80);
	for (size_t i = 1; i < s.n_agents; i++)
		assert_true(strcmp(s.agents[i - 1].name, s.agents[i].name) != 0);
	snapshot_free(&s);
	fx_model_close(&cfg, m);
}

/* 2,000 agents, 600 of them logged off today: a tick where one more logs
 * off merges it into the kept list of those (a few comparisons, not a sort
 * of the 600), in the order a list from nothing has. */
static void test_logged_off_kept_order(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot s;
	char a[32];

	fx_model_open(&cfg, &m, 5);
	memset(&s, 0, sizeof s);
	add_2000_agents(m);
	for (unsigned i = 0; i < 2000; i += 10)
		for (unsigned k = 0; k < 3; k++) {
			agent_name(a, sizeof a, i + k);
			fx_feed(m, "%d|NONE|NONE|%s|AGENTLOGOFF|-|60", T0 + 2, a);
		}
	model_advance(m, T0 + 3);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(s.n_agents_off, 600);
	agent_name(a, sizeof a, 1005);
	fx_feed(m, "%d|NONE|NONE|%s|AGENTLOGOFF|-|60", T0 + 4, a);
	model_advance(m, T0 + 5);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(s.n_agents_off, 601);
	assert_true(snapshot_sort_compares(&s) <= 40);
	assert_same_as_fresh(&s, m, &cfg);
	snapshot_free(&s);
	fx_model_close(&cfg, m);
}

/* An agent logging back in (from the end of the list, the logged-off
 * agents', to its place among the logged-in) and one logging off are read
 * again, not every agent after them. */
static void test_login_reads_few(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot s;
	char a[32];

	fx_model_open(&cfg, &m, 5);
	memset(&s, 0, sizeof s);
	add_2000_agents(m);
	for (unsigned i = 0; i < 2000; i += 10) {
		agent_name(a, sizeof a, i);
		fx_feed(m, "%d|NONE|NONE|%s|AGENTLOGOFF|-|60", T0 + 2, a);
	}
	model_advance(m, T0 + 3);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(s.n_agents_off, 200);
	agent_name(a, sizeof a, 20);
	fx_feed(m, "%d|NONE|q1|%s|ADDMEMBER|", T0 + 4, a);
	agent_name(a, sizeof a, 1501);
	fx_feed(m, "%d|NONE|NONE|%s|AGENTLOGOFF|-|60", T0 + 4, a);
	model_advance(m, T0 + 5);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(s.n_agents_off, 200);
	assert_true(agent_stats_fill_read(&s) <= 4);
	assert_same_as_fresh(&s, m, &cfg);
	snapshot_free(&s);
	fx_model_close(&cfg, m);
}

/* per callers enter each of queues q0..q(nq - 1) at T0, calls c<n> from
 * *call on, their IDs the prefix then n. */
static void enter_callers(struct model *m, unsigned nq, unsigned per, unsigned prefix,
                          unsigned *call)
{
	for (unsigned q = 0; q < nq; q++)
		for (unsigned k = 0; k < per; k++, (*call)++)
			fx_feed(m, "%d|c%u|q%u|NONE|ENTERQUEUE||%u%u|1", T0, *call, q, prefix, *call);
}

/* Callers waiting in 50 queues: a tick where none came or went copies none
 * from the model (their waits still move on); a caller coming at the end
 * copies that caller only; a queue whose callers outgrow their room gets
 * another, and the build still equals one from nothing; the IDs are the
 * snapshot's own (the model's calls move on until the next build). */
static void test_callers_copied_on_change(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot s;
	unsigned call = 0;

	fx_model_open(&cfg, &m, 5);
	memset(&s, 0, sizeof s);
	enter_callers(m, 50, 3, 55, &call);
	model_advance(m, T0 + 1);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(snapshot_callers_copied(&s), 150);
	model_advance(m, T0 + 2);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(snapshot_callers_copied(&s), 0);        /* nothing came or went */
	assert_int_equal(s.queues[7].n_callers, 3);
	assert_int_equal(s.queues[7].callers[0].waiting_s, 2);   /* the waits move on */
	fx_feed(m, "%d|c%u|q7|NONE|ENTERQUEUE||55%u|1", T0 + 2, call, call);
	call++;
	model_advance(m, T0 + 3);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(snapshot_callers_copied(&s), 1);        /* q7's new one: its three
	                                                            others kept */
	assert_int_equal(s.queues[7].n_callers, 4);
	assert_same_as_fresh(&s, m, &cfg);
	for (unsigned k = 0; k < 40; k++, call++)                /* q9 outgrows its room */
		fx_feed(m, "%d|c%u|q9|NONE|ENTERQUEUE||55%u|1", T0 + 3, call, call);
	fx_feed(m, "%d|c0|q0|Agent/1|CONNECT|3|x|1", T0 + 3);
	assert_int_equal(s.queues[0].n_callers, 3);              /* the snapshot's own IDs, */
	assert_string_equal(s.queues[0].callers[0].callerid, "550");   /* as they were */
	model_advance(m, T0 + 4);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(s.queues[0].n_callers, 2);
	assert_int_equal(s.queues[9].n_callers, SNAP_MAX_CALLERS);
	assert_same_as_fresh(&s, m, &cfg);
	snapshot_free(&s);
	fx_model_close(&cfg, m);
}

/* A queue's callers answered from the head and come at the end are moved
 * up in its slot, only the new ones copied; a caller leaving from the
 * middle, or more leaving than the slot holds, copies the queue's list
 * again; each build equals one from nothing. */
static void test_callers_moved(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot s;
	unsigned call = 0;

	fx_model_open(&cfg, &m, 5);
	memset(&s, 0, sizeof s);
	enter_callers(m, 2, 5, 55, &call);                    /* c0..c4 in q0, c5..c9 in q1 */
	for (unsigned k = 0; k < 40; k++, call++)             /* q2: more than a slot holds */
		fx_feed(m, "%d|c%u|q2|NONE|ENTERQUEUE||55%u|1", T0, call, call);
	model_advance(m, T0 + 1);
	snapshot_build(&s, m, &cfg);
	fx_feed(m, "%d|c0|q0|Agent/1|CONNECT|3|x|1", T0 + 1);  /* q0: the head answered, */
	fx_feed(m, "%d|c1|q0|Agent/2|CONNECT|3|x|1", T0 + 1);
	fx_feed(m, "%d|c%u|q0|NONE|ENTERQUEUE||55%u|1", T0 + 1, call, call);   /* one more */
	call++;
	model_advance(m, T0 + 2);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(snapshot_callers_copied(&s), 1);
	assert_int_equal(s.queues[0].n_callers, 4);
	assert_string_equal(s.queues[0].callers[0].callerid, "552");
	assert_same_as_fresh(&s, m, &cfg);
	fx_feed(m, "%d|c7|q1|NONE|ABANDON|3|3|2", T0 + 2);    /* q1: from the middle */
	for (unsigned k = 10; k < 22; k++) {                   /* q2: twelve answered */
		fx_feed(m, "%d|c%u|q2|Agent/%u|CONNECT|3|x|1", T0 + 2, k, k);
		fx_feed(m, "%d|c%u|q2|Agent/%u|COMPLETECALLER|3|1|1", T0 + 2, k, k);
	}
	model_advance(m, T0 + 3);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(snapshot_callers_copied(&s), 4 + 28);  /* q2's 29th to 40th unread */
	assert_int_equal(s.queues[1].n_callers, 4);
	assert_int_equal(s.queues[2].n_callers, 28);
	assert_same_as_fresh(&s, m, &cfg);
	fx_feed(m, "%d|c2|q0|Agent/1|CONNECT|3|x|1", T0 + 3);  /* all but one of q0 leave, */
	fx_feed(m, "%d|c3|q0|Agent/2|CONNECT|3|x|1", T0 + 3);
	fx_feed(m, "%d|c4|q0|Agent/3|CONNECT|3|x|1", T0 + 3);
	for (unsigned k = 0; k < 3; k++, call++)               /* and three come */
		fx_feed(m, "%d|c%u|q0|NONE|ENTERQUEUE||55%u|1", T0 + 3, call, call);
	model_advance(m, T0 + 4);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(snapshot_callers_copied(&s), 3);
	assert_int_equal(s.queues[0].n_callers, 4);
	assert_same_as_fresh(&s, m, &cfg);
	snapshot_free(&s);
	fx_model_close(&cfg, m);
}

/* Queues whose callers drop to a few after a crowd (a catch-up's) lay
 * their slots out again and give the room back: the pool shrinks, the IDs
 * (copied afresh) and waits still equal a build from nothing. */
static void test_callers_room_given_back(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot s;
	unsigned call = 0;
	size_t crowd;

	fx_model_open(&cfg, &m, 5);
	memset(&s, 0, sizeof s);
	enter_callers(m, 10, 20, 77, &call);
	model_advance(m, T0 + 1);
	snapshot_build(&s, m, &cfg);
	crowd = s.cap_callers;
	assert_true(crowd >= 10 * 20);
	for (unsigned c = 0; c < call; c++)
		if (c % 20 != 19)
			fx_feed(m, "%d|c%u|q%u|NONE|ABANDON|1|1|1", T0 + 1, c, c / 20);
	model_advance(m, T0 + 2);
	snapshot_build(&s, m, &cfg);
	assert_true(s.cap_callers * 2 < crowd);
	for (unsigned q = 0; q < 10; q++) {
		char id[16];
		long qi;
		char name[16];
		snprintf(name, sizeof name, "q%u", q);
		qi = snapshot_queue_find(&s, name);
		assert_true(qi >= 0);
		snprintf(id, sizeof id, "77%u", q * 20 + 19);
		assert_int_equal(s.queues[qi].n_callers, 1);
		assert_string_equal(s.queues[qi].callers[0].callerid, id);
		assert_int_equal(s.queues[qi].callers[0].waiting_s, 2);
	}
	assert_same_as_fresh(&s, m, &cfg);
	snapshot_free(&s);
	fx_model_close(&cfg, m);
}

/* A caller id as long as the model keeps it reaches the snapshot whole. */
static void test_callerid_whole(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot s;
	struct caller_view cv[1];
	char id[128];

	memset(id, '7', sizeof id - 1);
	id[sizeof id - 1] = '\0';
	fx_model_open(&cfg, &m, 5);
	memset(&s, 0, sizeof s);
	fx_feed(m, "%d|c1|q1|NONE|ENTERQUEUE||%s|1", T0, id);
	model_advance(m, T0 + 1);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(model_queue_callers(m, 0, cv, 1), 1);
	assert_int_equal(s.queues[0].n_callers, 1);
	assert_string_equal(s.queues[0].callers[0].callerid, cv[0].callerid);
	snapshot_free(&s);
	fx_model_close(&cfg, m);
}

/* Loads text as the configuration of cfg (the fixture's defaults first). */
static void load_groups(struct config *cfg, const char *text)
{
	char path[] = "/tmp/test_snapshot_incr_XXXXXX", *errors = NULL;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	config_load(cfg, path, &errors);     /* patterns naming no [queue.NAME]: fine here */
	free(errors);
	unlink(path);
}

/* Groups over the random centre: a build from the last one's cache equals a
 * build from nothing, and each group's agents equal model_agent_counts_in
 * of its queues (the one pass over the agents for all groups against one
 * per group); the patterns are matched again only when a queue came. */
static void test_groups_incremental(void **state)
{
	(void)state;
	struct config cfg;
	struct model *m;
	struct snapshot inc, full;
	int64_t t = T0;
	unsigned call = 0;
	bool *in;

	fx_model_open(&cfg, &m, 5);
	load_groups(&cfg, "[group.sales]\nqueues = sales-*\n[group.qs]\nqueues = q*, Q0*\n"
	                  "[group.mix]\nqueues = q1, sales-1, vip*\n[group.none]\nqueues = nothing\n");
	assert_int_equal(cfg.n_groups, 4);
	model_set_config(m, &cfg);
	memset(&inc, 0, sizeof inc);
	for (int tick = 0; tick < 200; tick++) {
		unsigned nq = 3 + (unsigned)tick / 8, na = 10 + (unsigned)tick;
		size_t before = inc.n_queues;
		int events = (int)rnd(tick % 7 == 0 ? 60 : 6);
		for (int e = 0; e < events; e++)
			random_event(m, t, nq, na, &call);
		model_advance(m, ++t);
		snapshot_build(&inc, m, &cfg);
		if (tick > 0 && inc.n_queues == before)
			assert_int_equal(groups_last_matches(&inc), 0);
		else
			assert_true(groups_last_matches(&inc) > 0);
		memset(&full, 0, sizeof full);
		snapshot_build(&full, m, &cfg);
		assert_same(&inc, &full);
		assert_int_equal(inc.n_groups, 4);
		in = calloc(model_queue_count(m) + 1, sizeof *in);
		for (size_t g = 0; g < inc.n_groups; g++) {
			const struct snap_group *a = &inc.groups[g], *b = &full.groups[g];
			struct agent_counts ref;
			assert_int_equal(a->n_members, b->n_members);
			assert_memory_equal(a->members, b->members, a->n_members * sizeof *a->members);
			assert_same_queue(&a->q, &b->q);
			memset(in, 0, model_queue_count(m) * sizeof *in);
			for (size_t k = 0; k < a->n_members; k++)
				for (size_t q = 0; q < model_queue_count(m); q++)
					if (strcmp(model_queue_name(m, q), inc.queues[a->members[k]].name) == 0)
						in[q] = true;
			model_agent_counts_in(m, in, &ref);
			assert_memory_equal(&a->q.agents, &ref, sizeof ref);
		}
		free(in);
		snapshot_free(&full);
	}
	assert_true(inc.groups[0].n_members > 3);
	assert_true(inc.groups[0].q.agents.logged_in > 0);
	snapshot_free(&inc);
	fx_model_close(&cfg, m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_incremental_equals_full),
		cmocka_unit_test(test_few_newcomers_few_compares),
		cmocka_unit_test(test_callers_copied_on_change),
		cmocka_unit_test(test_callerid_whole),
		cmocka_unit_test(test_groups_incremental),
		cmocka_unit_test(test_agents_visit_incremental),
		cmocka_unit_test(test_agents_visit_changed_only),
		cmocka_unit_test(test_agent_clock_incremental),
		cmocka_unit_test(test_brief_then_whole),
		cmocka_unit_test(test_logged_off_kept_order),
		cmocka_unit_test(test_build_note),
		cmocka_unit_test(test_login_reads_few),
		cmocka_unit_test(test_interval_grades_kept),
		cmocka_unit_test(test_intervals_held_from_first),
		cmocka_unit_test(test_window_leaving_read),
		cmocka_unit_test(test_window_leaving_kept),
		cmocka_unit_test(test_clock_due_kept),
		cmocka_unit_test(test_callers_room_given_back),
		cmocka_unit_test(test_callers_moved),
		cmocka_unit_test(test_sla_follows_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
