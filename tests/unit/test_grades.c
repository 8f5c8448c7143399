/* test_grades.c - each figure graded once, beside its value: the levels (at,
 * just below and just above each), and the screen's grades agreeing with the
 * alerts the built-in rules raise after for_s, as built in and as configured. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alerts.h"
#include "config.h"
#include "figures.h"
#include "snapshot.h"

/* A quiet queue: nothing waits, agents free, SL 100 %, no abandons, 100 offered. */
static void quiet_queue(struct snap_queue *q, const char *name)
{
	struct snap_period *p[2] = { &q->today, &q->window };
	memset(q, 0, sizeof *q);
	q->name = (char *)name;
	q->display = name;
	q->sl_target_pct = 80;
	q->sl_threshold_s = 20;
	q->agents.logged_in = q->agents.available = 3;
	for (int i = 0; i < 2; i++) {
		p[i]->c.offered = 100;
		p[i]->d.service_level_pct = 100;
		p[i]->d.abandon_rate_pct = 0;
		p[i]->d.asa_s = 5;
		p[i]->d.aht_s = 120;
		p[i]->d.avg_abandon_wait_s = NAN;
	}
}

/* Sets figure f of q to v (no_agent_available: v callers wait, none free). */
static void set_figure(struct snap_queue *q, const struct figure *f, double v)
{
	char *base = (char *)q + f->offset;
	switch (f->type) {
	case FIG_INT: *(int *)(void *)base = (int)v; break;
	case FIG_I64: *(int64_t *)(void *)base = (int64_t)v; break;
	case FIG_REAL: *(double *)(void *)base = v; break;
	case FIG_FN:
		assert_string_equal(f->name, "no_agent_available");
		q->waiting = (int)v;
		q->agents.available = 0;
		break;
	}
	assert_true(isnan(v) ? isnan(figure_value(f, q)) : figure_value(f, q) == v);
}

static const struct fig_builtin *builtin(const char *rule)
{
	for (size_t i = 0; i < figure_builtins_count; i++)
		if (strcmp(figure_builtins[i].rule, rule) == 0)
			return &figure_builtins[i];
	fail_msg("no built-in rule %s", rule);
	return NULL;
}

/* The grade of figure name on a quiet queue where it is v, by the built-in levels. */
static enum alert_severity grade_at(const char *rule, double v)
{
	struct fig_grading g = figure_builtin_grading(builtin(rule));
	struct snap_queue q;
	quiet_queue(&q, "sales");
	set_figure(&q, g.f, v);
	return figure_grade(&g, &q);
}

/* A figure at, just below and just above each of its levels. */
static void test_levels(void **state)
{
	(void)state;
	/* sl_low: below target (80) a warning, below target - 10 critical */
	assert_int_equal(grade_at("sl_low", 80.01), SEV_OK);
	assert_int_equal(grade_at("sl_low", 80), SEV_OK);             /* target met */
	assert_int_equal(grade_at("sl_low", 79.99), SEV_WARNING);
	assert_int_equal(grade_at("sl_low", 70.01), SEV_WARNING);
	assert_int_equal(grade_at("sl_low", 70), SEV_WARNING);
	assert_int_equal(grade_at("sl_low", 69.99), SEV_CRITICAL);
	assert_int_equal(grade_at("sl_low", NAN), SEV_OK);
	/* longest_wait: from 60 s a warning, from 120 s critical */
	assert_int_equal(grade_at("longest_wait", 59), SEV_OK);
	assert_int_equal(grade_at("longest_wait", 60), SEV_WARNING);
	assert_int_equal(grade_at("longest_wait", 61), SEV_WARNING);
	assert_int_equal(grade_at("longest_wait", 119), SEV_WARNING);
	assert_int_equal(grade_at("longest_wait", 120), SEV_CRITICAL);
	assert_int_equal(grade_at("longest_wait", 121), SEV_CRITICAL);
	/* abandon_high: from 10% a warning, from 20% critical */
	assert_int_equal(grade_at("abandon_high", 9.99), SEV_OK);
	assert_int_equal(grade_at("abandon_high", 10), SEV_WARNING);
	assert_int_equal(grade_at("abandon_high", 10.01), SEV_WARNING);
	assert_int_equal(grade_at("abandon_high", 19.99), SEV_WARNING);
	assert_int_equal(grade_at("abandon_high", 20), SEV_CRITICAL);
	assert_int_equal(grade_at("abandon_high", 20.01), SEV_CRITICAL);
	/* no_agent: critical from one caller waiting with no agent free */
	assert_int_equal(grade_at("no_agent", 0), SEV_OK);
	assert_int_equal(grade_at("no_agent", 1), SEV_CRITICAL);
	assert_int_equal(grade_at("no_agent", 2), SEV_CRITICAL);
}

/* A rate is graded only on 5 offered calls or more, as its alert judges. */
static void test_rates_need_calls(void **state)
{
	struct fig_grading g = figure_builtin_grading(builtin("abandon_high"));
	struct snap_queue q;

	(void)state;
	quiet_queue(&q, "sales");
	q.window.d.abandon_rate_pct = 50;
	q.window.c.offered = 4;
	assert_int_equal(figure_grade(&g, &q), SEV_OK);
	q.window.c.offered = 5;
	assert_int_equal(figure_grade(&g, &q), SEV_CRITICAL);
	q.today.c.offered = 0;                      /* the window's calls count, not today's */
	assert_int_equal(figure_grade(&g, &q), SEV_CRITICAL);
}

/* The severity rule reaches on q after holding its value for for_s (from a
 * fresh start, at 1000 and 1000 + for_s). */
static enum alert_severity alert_after_for_s(const struct alert_rules *rules, const char *rule,
                                             int64_t for_s, struct snapshot *s)
{
	struct alerts *a = alerts_new(rules);
	enum alert_severity sev = SEV_OK;

	alerts_eval(a, s, 1000, NULL, NULL);
	alerts_eval(a, s, 1000 + for_s, NULL, NULL);
	for (size_t i = 0; i < s->n_alerts; i++)
		if (strcmp(s->alerts[i]->rule, rule) == 0 && strcmp(s->alerts[i]->queue, "sales") == 0)
			sev = s->alerts[i]->severity;
	alerts_free(a);
	s->alerts = NULL;
	s->n_alerts = 0;
	return sev;
}

/* For every built-in rule and a grid of values of its figure (and of the
 * calls offered), the grade the snapshot stores equals the severity the
 * rule reaches after for_s. Returns how many points agreed. */
static int check_agreement(const struct alert_rules *rules, const double *offered, size_t n_off)
{
	static const double grid[] = { 0, 0.5, 1, 2, 4.99, 5, 5.01, 9.99, 10, 10.01, 15, 19.99, 20,
		20.01, 30, 40, 59, 59.99, 60, 60.01, 61, 69.99, 70, 70.01, 75, 79.99, 80, 80.01, 85,
		89.99, 90, 95, 100, 119, 120, 121, 300, NAN };
	struct config cfg;
	struct snapshot s;
	struct snap_queue q[1];
	struct fig_grading g[SNAP_MAX_GRADINGS];
	size_t ng = alert_rules_gradings(rules, g, SNAP_MAX_GRADINGS);
	int points = 0;

	memset(&cfg, 0, sizeof cfg);
	cfg.alert_rules = (void *)rules;
	for (size_t b = 0; b < ng; b++) {
		const struct figure *f = g[b].f;
		const struct fig_builtin *bi = builtin(figure_builtins[b].rule);
		for (size_t o = 0; o < n_off; o++) {
			for (size_t i = 0; i < sizeof grid / sizeof grid[0]; i++) {
				enum alert_severity graded, alerted;
				if (f->type != FIG_REAL && (isnan(grid[i]) || grid[i] != floor(grid[i])))
					continue;
				memset(&s, 0, sizeof s);
				quiet_queue(&q[0], "sales");
				quiet_queue(&s.total, "total");
				q[0].window.c.offered = q[0].today.c.offered = (int64_t)offered[o];
				set_figure(&q[0], f, grid[i]);
				s.queues = q;
				s.n_queues = 1;
				snapshot_grade(&s, &cfg);
				graded = (enum alert_severity)q[0].grade[figure_index(f)];
				alerted = alert_after_for_s(rules, bi->rule, bi->for_s, &s);
				if (graded != alerted)
					fail_msg("%s = %g (%g offered): screen %s, alert %s after %lld s", f->name,
					         grid[i], offered[o], alert_severity_name(graded),
					         alert_severity_name(alerted), (long long)bi->for_s);
				points++;
			}
		}
	}
	return points;
}

/* The screen and the default alerts agree on every graded figure. */
static void test_screen_and_alerts_agree(void **state)
{
	static const double offered[] = { 0, 4, 5, 100 };
	struct alert_rules *rules = alert_rules_new();

	(void)state;
	assert_int_equal(alert_rules_gradings(rules, (struct fig_grading[8]){ 0 }, 8),
	                 figure_builtins_count);
	assert_true(check_agreement(rules, offered, 4) > 200);
	alert_rules_free(rules);
}

static void set(struct alert_rules *r, const char *name, const char *key, const char *value)
{
	char *cause = NULL;
	if (alert_rules_set(r, name, key, value, &cause) < 0)
		fail_msg("%s.%s = %s: %s", name, key, value, cause);
}

/* A site's [alert.NAME] for a built-in rule moves the colours with the alert. */
static void test_configured_levels_move_colours(void **state)
{
	static const double offered[] = { 3, 50 };
	struct alert_rules *rules = alert_rules_new();
	struct fig_grading g[SNAP_MAX_GRADINGS];
	struct snap_queue q;
	size_t n;

	(void)state;
	set(rules, "abandon_high", "warning", "5");
	set(rules, "abandon_high", "critical", "8");
	set(rules, "abandon_high", "min_offered", "10");
	set(rules, "longest_wait", "warning", "20");
	set(rules, "longest_wait", "critical", "none");
	set(rules, "sl_low", "metric", "today.service_level_pct");
	set(rules, "sl_low", "warning", "target+5");
	assert_true(check_agreement(rules, offered, 2) > 100);

	n = alert_rules_gradings(rules, g, SNAP_MAX_GRADINGS);
	quiet_queue(&q, "sales");
	q.window.d.abandon_rate_pct = 6;
	q.longest_wait_s = 500;
	q.today.d.service_level_pct = 84;
	q.window.d.service_level_pct = 10;          /* not watched any more: not coloured */
	figures_grade_queue(&q, g, n);
	assert_int_equal(q.grade[figure_index(figure_find("window.abandon_rate_pct"))], SEV_WARNING);
	assert_int_equal(q.grade[figure_index(figure_find("longest_wait_s"))], SEV_WARNING);
	assert_int_equal(q.grade[figure_index(figure_find("today.service_level_pct"))], SEV_WARNING);
	assert_int_equal(q.grade[figure_index(figure_find("window.service_level_pct"))], SEV_OK);

	/* enabled = no silences the alert, not the colour */
	set(rules, "no_agent", "enabled", "no");
	n = alert_rules_gradings(rules, g, SNAP_MAX_GRADINGS);
	q.waiting = 2;
	q.agents.available = 0;
	figures_grade_queue(&q, g, n);
	assert_int_equal(q.grade[figure_index(figure_find("no_agent_available"))], SEV_CRITICAL);
	alert_rules_free(rules);
}

/* Callers and the trend's intervals are graded by the same levels. */
static void test_callers_and_intervals(void **state)
{
	static struct snap_caller callers[3] = { { "a", 130 }, { "b", 60 }, { "c", 59 } };
	struct snapshot s;
	struct snap_queue q[1];
	struct interval iv[3];                 /* room for its intervals */
	unsigned char ivg[2][3];

	(void)state;
	memset(&s, 0, sizeof s);
	quiet_queue(&q[0], "sales");
	quiet_queue(&s.total, "total");
	q[0].intervals = iv;
	q[0].interval_grade[SNAP_IV_SL] = ivg[SNAP_IV_SL];
	q[0].interval_grade[SNAP_IV_ABANDON] = ivg[SNAP_IV_ABANDON];
	q[0].callers = callers;
	q[0].n_callers = 3;
	q[0].longest_wait_s = 130;
	q[0].n_intervals = 3;
	q[0].intervals[0] = (struct interval){ .offered = 10, .answered = 10, .answered_within_sl = 7 };
	q[0].intervals[1] = (struct interval){ .offered = 10, .answered = 7, .answered_within_sl = 7,
		.abandoned = 3 };
	q[0].intervals[2] = (struct interval){ .offered = 2, .answered = 0, .abandoned = 2 };
	s.queues = q;
	s.n_queues = 1;
	snapshot_grade(&s, NULL);
	assert_int_equal(q[0].grade[figure_index(figure_find("longest_wait_s"))], SEV_CRITICAL);
	assert_int_equal(q[0].caller_grade[0], SEV_CRITICAL);
	assert_int_equal(q[0].caller_grade[1], SEV_WARNING);
	assert_int_equal(q[0].caller_grade[2], SEV_OK);
	assert_int_equal(q[0].interval_grade[SNAP_IV_SL][0], SEV_WARNING);   /* 70% */
	assert_int_equal(q[0].interval_grade[SNAP_IV_SL][1], SEV_WARNING);
	assert_int_equal(q[0].interval_grade[SNAP_IV_ABANDON][0], SEV_OK);
	assert_int_equal(q[0].interval_grade[SNAP_IV_ABANDON][1], SEV_CRITICAL);   /* 30% */
	assert_int_equal(q[0].interval_grade[SNAP_IV_ABANDON][2], SEV_OK);    /* 2 calls */
	assert_int_equal(s.n_gradings, figure_builtins_count);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_rates_need_calls),
		cmocka_unit_test(test_screen_and_alerts_agree),
		cmocka_unit_test(test_configured_levels_move_colours),
		cmocka_unit_test(test_callers_and_intervals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
