/* test_staffing.c - the staffing step: the fallback forecast, the agents who
 * count as available, required agents and gap, the model a queue gets, the
 * JSON, /metrics and the predicted-breach alert. */
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alerts.h"
#include "config.h"
#include "erlang.h"
#include "event.h"
#include "exposition.h"
#include "snapshot.h"
#include "staffing.h"

#define DAY 1767225600    /* 2026-01-01 00:00 UTC */

struct fixture {
	struct config cfg;
	struct snapshot s;
	struct snap_queue q[2];
	struct interval iv[2][MODEL_MAX_INTERVALS];      /* room for q's intervals */
	unsigned char ivg[2][2][MODEL_MAX_INTERVALS];
	struct agent_view agents[4];
	struct snap_member members[4][2];
	struct snap_member *agent_queues[4];
	int agent_n_queues[4];
};

/* Queue "sales" (index 0) and "support" (1); as of 05:01:40, intervals
 * 04:00-05:00 offered 10, 20, 30, 40 calls (and 99 in 00:00, out of the hour);
 * AHT 180 s. Agents: a1 in both, a2 paused in sales, a3 in sales with its
 * device unavailable, a4 in support. */
static struct fixture *fixture_new(void)
{
	struct fixture *f = calloc(1, sizeof *f);
	static const char *const names[] = { "sales", "support" };
	config_defaults(&f->cfg);
	for (int i = 0; i < 2; i++) {
		struct snap_queue *q = &f->q[i];
		q->name = q->display = names[i];
		q->intervals = f->iv[i];
		q->interval_grade[SNAP_IV_SL] = f->ivg[i][SNAP_IV_SL];
		q->interval_grade[SNAP_IV_ABANDON] = f->ivg[i][SNAP_IV_ABANDON];
		q->sl_threshold_s = 20;
		q->sl_target_pct = 80;
		q->n_intervals = 21;
		q->intervals[0].offered = 99;
		for (int k = 1; k <= 4; k++)
			q->intervals[15 + k].offered = 10 * k;   /* 04:00 .. 04:45 */
		q->today.c.completed = 10;
		q->today.c.talk_s = 1800;
		q->today.d.aht_s = 180;
	}
	f->s.as_of = DAY + 5 * 3600 + 100;
	f->s.day_start = DAY;
	f->s.queues = f->q;
	f->s.n_queues = 2;
	f->s.cfg = &f->cfg;
	f->s.total.name = "total";
	static const char *const an[] = { "a1", "a2", "a3", "a4" };
	int nq[] = { 2, 1, 1, 1 };
	struct snap_member m[4][2] = { { { 0, false }, { 1, false } }, { { 0, true } },
	                               { { 0, false } }, { { 1, false } } };
	for (int i = 0; i < 4; i++) {
		f->agents[i].name = an[i];
		f->agents[i].status = i == 2 ? MS_UNAVAILABLE : MS_NOT_INUSE;
		memcpy(f->members[i], m[i], sizeof m[i]);
		f->agent_queues[i] = f->members[i];
		f->agent_n_queues[i] = nq[i];
	}
	f->s.agents = f->agents;
	f->s.n_agents = 4;
	f->s.agent_queues = f->agent_queues;
	f->s.agent_n_queues = f->agent_n_queues;
	return f;
}

static void fixture_free(struct fixture *f)
{
	staffing_cache_free(f->s.staff_cache);
	config_free(&f->cfg);
	free(f);
}

/* The last completed hour's calls per interval, for now and next; paused and
 * unavailable agents do not count; gap and predicted SL follow Erlang C. */
static void test_fallback_forecast(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	staffing_fill(&f->s);
	const struct staff_queue *sq = &f->q[0].staffing;
	assert_int_equal(sq->n, 2);
	assert_int_equal(sq->iv[0].interval_start, DAY + 5 * 3600);
	assert_int_equal(sq->iv[1].interval_start, DAY + 5 * 3600 + 900);
	for (int k = 0; k < 2; k++) {
		const struct staff_interval *iv = &sq->iv[k];
		assert_true(iv->forecast_calls == 25.0);           /* (10+20+30+40)/4 */
		assert_true(iv->aht_s == 180.0);
		assert_true(fabs(iv->traffic_erlangs - 5.0) < 1e-12);   /* 25/900 x 180 */
		assert_int_equal(iv->source, STAFF_SRC_TODAY);
		assert_int_equal(iv->model, STAFF_ERLANG_C);
		assert_int_equal(iv->available_agents, 1);         /* a1 only */
		assert_int_equal(iv->required_agents, erlang_c_required(5.0, 180, 20, 0.8));
		assert_int_equal(iv->gap, iv->required_agents - 1);
		assert_true(iv->sl_predicted_pct == 0.0);          /* 1 agent for 5 Erlangs */
	}
	assert_int_equal(f->q[1].staffing.iv[0].available_agents, 2);   /* a1, a4 */
	assert_int_equal(f->s.total.staffing.n, 0);
	/* 00:16: one completed interval (99 calls); 00:05: none, so no forecast */
	f->s.as_of = DAY + 1000;
	staffing_fill(&f->s);
	assert_true(f->q[0].staffing.iv[1].forecast_calls == 99.0);
	f->s.as_of = DAY + 300;
	staffing_fill(&f->s);
	assert_true(isnan(f->q[0].staffing.iv[0].forecast_calls));
	assert_int_equal(f->q[0].staffing.iv[0].required_agents, -1);
	assert_int_equal(f->q[0].staffing.iv[0].source, STAFF_SRC_NONE);
	fixture_free(f);
}

/* Today's forecast reads the queues' intervals held from the first with
 * calls (04:00, interval 16) as it reads them held from the day's start: the
 * hour before 04:15 counts the three empty intervals before 04:00 (10 calls
 * over 4 intervals). */
static void test_forecast_held_from_first(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	f->q[0].intervals[0].offered = f->q[1].intervals[0].offered = 0;   /* none before 04:00 */
	for (int held = 0; held < 2; held++) {
		for (int i = 0; held && i < 2; i++) {
			struct snap_queue *q = &f->q[i];
			q->iv_first = 16;
			q->intervals += 16;
			q->interval_grade[SNAP_IV_SL] += 16;
			q->interval_grade[SNAP_IV_ABANDON] += 16;
		}
		f->s.as_of = DAY + 4 * 3600 + 960;                 /* 04:16 */
		staffing_fill(&f->s);
		assert_true(f->q[0].staffing.iv[0].forecast_calls == 2.5);
		f->s.as_of = DAY + 5 * 3600 + 100;                 /* 05:01:40 */
		staffing_fill(&f->s);
		assert_true(f->q[0].staffing.iv[0].forecast_calls == 25.0);
	}
	fixture_free(f);
}

/* A fill whose inputs held copies the last one's intervals: Erlang runs
 * again only for a queue whose agents, forecast, levels or model changed, and
 * gives what a first fill gives. */
static void test_memo(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(), *g = fixture_new();
	staffing_fill(&f->s);
	/* 2 queues, each one's next interval copied from its current one (the
	 * same forecast: today's last hour) */
	assert_int_equal(staffing_computed(&f->s), 2);
	staffing_fill(&f->s);
	staffing_fill(&f->s);
	assert_int_equal(staffing_computed(&f->s), 2);          /* nothing changed */
	f->members[3][0].paused = g->members[3][0].paused = true;   /* a4 pauses in support */
	staffing_fill(&f->s);
	assert_int_equal(staffing_computed(&f->s), 3);          /* support's only */
	staffing_fill(&g->s);
	for (int q = 0; q < 2; q++)
		assert_memory_equal(&f->q[q].staffing, &g->q[q].staffing, sizeof f->q[q].staffing);
	assert_int_equal(f->q[1].staffing.iv[0].available_agents, 1);
	f->q[0].intervals[19].offered = g->q[0].intervals[19].offered = 80;   /* the forecast */
	f->q[1].sl_target_pct = g->q[1].sl_target_pct = 90;                  /* a level */
	staffing_fill(&f->s);
	assert_int_equal(staffing_computed(&f->s), 5);
	staffing_fill(&g->s);
	for (int q = 0; q < 2; q++)
		assert_memory_equal(&f->q[q].staffing, &g->q[q].staffing, sizeof f->q[q].staffing);
	f->s.as_of += 900;                                       /* the next interval */
	staffing_fill(&f->s);
	assert_int_equal(staffing_computed(&f->s), 7);
	fixture_free(f);
	fixture_free(g);
}

/* With enough agents the gap is negative and the predicted SL Erlang C's. */
static void test_gap_and_prediction(void **state)
{
	(void)state;
	struct staff_forecast fc = { 100, 180, STAFF_SRC_TODAY };   /* 20 Erlangs */
	struct staff_interval iv = { .interval_start = 42 };
	int need = erlang_c_required(20.0, 180, 20, 0.8);
	staffing_interval(&iv, &fc, need + 3, 20, 80, STAFF_ERLANG_C, NAN);
	assert_int_equal(iv.interval_start, 42);
	assert_int_equal(iv.required_agents, need);
	assert_int_equal(iv.gap, -3);
	assert_true(fabs(iv.sl_predicted_pct - 100 * erlang_c_sl(need + 3, 20.0, 180, 20)) < 1e-9);
	assert_true(iv.sl_predicted_pct > 80);
	staffing_interval(&iv, &fc, need - 2, 20, 80, STAFF_ERLANG_C, NAN);
	assert_int_equal(iv.gap, 2);
	assert_true(iv.sl_predicted_pct < 80);
	/* no calls: nothing needed, no SL to predict; no AHT: nothing known */
	fc.calls = 0;
	staffing_interval(&iv, &fc, 4, 20, 80, STAFF_ERLANG_C, NAN);
	assert_int_equal(iv.required_agents, 0);
	assert_int_equal(iv.gap, -4);
	assert_true(isnan(iv.sl_predicted_pct));
	fc.calls = 10;
	fc.aht_s = NAN;
	staffing_interval(&iv, &fc, 4, 20, 80, STAFF_ERLANG_C, NAN);
	assert_int_equal(iv.required_agents, -1);
	assert_true(isnan(iv.traffic_erlangs) && isnan(iv.sl_predicted_pct));
}

/* erlang = A gives Erlang A only once today has STAFF_MIN_ABANDONS abandons;
 * patience = (answered waits + abandoned waits) / abandons. */
static void test_model_choice(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	f->cfg.defaults.erlang = STAFF_ERLANG_A;
	f->q[0].today.c.abandoned = STAFF_MIN_ABANDONS - 1;
	f->q[0].today.c.hold_s = 600;
	f->q[0].today.c.abandon_wait_s = 300;
	staffing_fill(&f->s);
	assert_int_equal(f->q[0].staffing.iv[0].model, STAFF_ERLANG_C);
	assert_true(isnan(staffing_patience(&f->q[0])));
	f->q[0].today.c.abandoned = STAFF_MIN_ABANDONS;
	staffing_fill(&f->s);
	const struct staff_interval *iv = &f->q[0].staffing.iv[1];
	assert_int_equal(iv->model, STAFF_ERLANG_A);
	assert_true(iv->patience_s == 90.0);                   /* 900 s / 10 abandons */
	assert_int_equal(iv->required_agents, erlang_a_required(5.0, 180, 90, 20, 0.8));
	assert_true(fabs(iv->sl_predicted_pct - 100 * erlang_a_sl(1, 5.0, 180, 90, 20)) < 1e-9);
	assert_true(iv->sl_predicted_pct > 0);                  /* callers who leave: not 0 */
	assert_int_equal(f->q[1].staffing.iv[0].model, STAFF_ERLANG_C);   /* no abandons */
	fixture_free(f);
}

/* JSON: exactly the keys of SPEC 7 and the source; /metrics: both families. */
static void test_json_and_metrics(void **state)
{
	(void)state;
	static const char *const keys[] = { "interval_start", "forecast_calls", "aht_s",
		"traffic_erlangs", "sl_threshold_s", "sl_target_pct", "required_agents",
		"available_agents", "gap", "sl_predicted_pct", "model", "forecast_source" };
	struct fixture *f = fixture_new();
	char *buf = NULL;
	size_t len = 0;
	staffing_fill(&f->s);
	json_t *a = staffing_json(&f->q[0].staffing), *o;
	assert_int_equal(json_array_size(a), 2);
	o = json_array_get(a, 1);
	assert_int_equal(json_object_size(o), sizeof keys / sizeof keys[0]);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_non_null(json_object_get(o, keys[i]));
	assert_string_equal(json_string_value(json_object_get(o, "model")), "erlang_c");
	assert_string_equal(json_string_value(json_object_get(o, "forecast_source")),
	                    "today_last_hour");
	assert_int_equal(json_integer_value(json_object_get(o, "available_agents")), 1);
	assert_true(json_real_value(json_object_get(o, "traffic_erlangs")) == 5.0);
	json_decref(a);
	FILE *m = open_memstream(&buf, &len);
	assert_int_equal(expo_write(&f->s, NULL, m), 0);
	fclose(m);
	assert_non_null(strstr(buf, "# TYPE ccboard_queue_agents_required gauge\n"));
	assert_non_null(strstr(buf, "ccboard_queue_agents_required{queue=\"sales\",interval=\"next\"} "));
	assert_non_null(strstr(buf, "ccboard_queue_service_level_predicted_ratio{queue=\"support\","
	                            "interval=\"current\"} "));
	assert_null(strstr(buf, "sl_predicted"));   /* not also as a figure family */
	free(buf);
	fixture_free(f);
}

static int n_raised;
static char raised[256];
static void on_alert(void *ctx, const struct alert_event *ev)
{
	(void)ctx;
	if (ev->change == ALERT_RAISED) {
		n_raised++;
		snprintf(raised, sizeof raised, "%s", ev->alert.message);
	}
}

/* An [alert.NAME] on sl_predicted_pct fires before the breach and says how
 * many more agents the next interval needs. */
static void test_predicted_breach_alert(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	struct alert_rules *r = alert_rules_new();
	char *cause = NULL;
	const char *kv[][2] = { { "metric", "sl_predicted_pct" }, { "op", "below" },
	                        { "warning", "target" }, { "queue", "sales" }, { "for_s", "0" } };
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
		assert_int_equal(alert_rules_set(r, "staff", kv[i][0], kv[i][1], &cause), 0);
	assert_int_equal(alert_rules_validate(r, &cause), 0);
	struct alerts *a = alerts_new(r);
	staffing_fill(&f->s);
	alerts_eval(a, &f->s, f->s.as_of, on_alert, NULL);
	assert_int_equal(n_raised, 1);
	char want[64];
	int gap = f->q[0].staffing.iv[1].gap;
	assert_true(gap > 1);
	snprintf(want, sizeof want, "; need %d more agents", gap);
	assert_non_null(strstr(raised, "sales: predicted service level 0% below 80%"));
	assert_non_null(strstr(raised, want));
	alerts_free(a);
	alert_rules_free(r);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fallback_forecast),
		cmocka_unit_test(test_forecast_held_from_first),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_gap_and_prediction),
		cmocka_unit_test(test_model_choice),
		cmocka_unit_test(test_json_and_metrics),
		cmocka_unit_test(test_predicted_breach_alert),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
