/* test_output.c - the run's one snapshot and its outputs: building a snapshot
 * has no side effects, a refresh evaluates the alerts once, every output reads
 * the same snapshot; and the run modes. */
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
#include "model.h"
#include "output.h"
#include "queuelog.h"
#include "runmode.h"
#include "snapshot.h"

#define T0 1767261600   /* 2026-01-01 10:00:00 UTC */

struct fake {
	const char *name;
	int published, alerted, stopped, closed;
	const struct snapshot *last;
	bool sick;
	bool busy;               /* still reads the last snapshot off the loop */
	int busy_asked;
	bool brief;              /* reads no agent figures beyond the brief ones */
};

struct fix {
	struct config cfg;
	struct model *m;
	struct alerts *a;
	struct outputs out;
	struct output_ops ops[2];
	struct fake fk[2];
	int alert_events, collected;
};

static void fake_publish(void *ctx, const struct snapshot *s)
{
	struct fake *f = ctx;
	f->published++;
	f->last = s;
}

static void fake_alert(void *ctx, const struct alert_event *ev)
{
	struct fake *f = ctx;
	(void)ev;
	f->alerted++;
}

static bool fake_health(void *ctx, struct snap_source *out)
{
	struct fake *f = ctx;
	if (!f->sick)
		return false;
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", f->name);
	out->kind = "output";
	return true;
}

static bool fake_busy(void *ctx)
{
	struct fake *f = ctx;
	f->busy_asked++;
	return f->busy;
}

static bool fake_reads_agent_figs(void *ctx)
{
	const struct fake *f = ctx;
	return !f->brief;
}

static void fake_stop(void *ctx)
{
	struct fake *f = ctx;
	f->stopped++;
}

static int fake_close(void *ctx, int rc)
{
	struct fake *f = ctx;
	f->closed++;
	return rc + 1;
}

static void on_alert(void *ctx, const struct alert_event *ev)
{
	struct fix *f = ctx;
	(void)ev;
	f->alert_events++;
}

static void collect(void *ctx, struct snapshot *s)
{
	struct fix *f = ctx;
	f->collected++;
	s->sources = realloc(s->sources, 4 * sizeof *s->sources);
	assert_non_null(s->sources);
	s->n_sources = outputs_health(&f->out, s->sources, 4);
}

static void feed(struct fix *f, const char *fmt, ...)
{
	char line[256];
	struct qevent ev;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	assert_int_equal(queuelog_parse(line, strlen(line), &ev), QL_EVENT);
	assert_true(model_apply(f->m, &ev));
}

/* A model with one caller waiting in sales, and a rule that warns at once
 * when anyone waits there (critical from two). */
static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	char *cause = NULL;
	assert_non_null(f);
	setenv("TZ", "UTC", 1);
	config_defaults(&f->cfg);
	assert_int_equal(alert_rules_set(f->cfg.alert_rules, "anyone", "metric", "waiting", &cause), 0);
	static const char *const keys[][2] = {
		{ "queue", "sales" }, { "op", "above" }, { "warning", "1" }, { "critical", "2" },
		{ "for_s", "0" },
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_int_equal(alert_rules_set(f->cfg.alert_rules, "anyone", keys[i][0],
		                                 keys[i][1], &cause), 0);
	if (alert_rules_validate(f->cfg.alert_rules, &cause) != 0)
		fail_msg("%s", cause);
	f->m = model_new(&f->cfg);
	f->a = alerts_new(f->cfg.alert_rules);
	feed(f, "%d|c1|sales|NONE|ENTERQUEUE||555|1", T0);
	model_advance(f->m, T0 + 5);
	for (int i = 0; i < 2; i++) {
		f->fk[i].name = i ? "b" : "a";
		f->ops[i] = (struct output_ops){ f->fk[i].name, fake_publish, fake_alert, fake_health,
		                                 fake_stop, fake_close, fake_busy, NULL, NULL,
		                                 fake_reads_agent_figs };
		outputs_add(&f->out, (struct output){ &f->ops[i], &f->fk[i] });
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	outputs_close(&f->out, 0);
	alerts_free(f->a);
	model_free(f->m);
	config_free(&f->cfg);
	free(f);
	return 0;
}

static void refresh(struct fix *f, bool publish)
{
	struct output_feed feed = { f->m, &f->cfg, f->a, collect, on_alert, f };
	outputs_refresh(&f->out, &feed, publish);
}

/* snapshot_build reads the model and nothing else: built twice, no alert has
 * been evaluated, and the alerts and sources put in the snapshot stay. */
static void test_build_has_no_side_effects(void **state)
{
	struct fix *f = *state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	snapshot_build(&s, f->m, &f->cfg);
	snapshot_build(&s, f->m, &f->cfg);
	assert_int_equal(s.total.waiting, 1);
	assert_int_equal(s.n_alerts, 0);

	alerts_eval(f->a, &s, s.as_of, on_alert, f);
	assert_int_equal(f->alert_events, 1);
	assert_int_equal(s.n_alerts, 1);
	const struct snap_alert *const *list = s.alerts;
	snapshot_build(&s, f->m, &f->cfg);
	snapshot_build(&s, f->m, &f->cfg);
	assert_int_equal(f->alert_events, 1);
	assert_ptr_equal(s.alerts, list);
	assert_int_equal(s.n_alerts, 1);
	snapshot_free(&s);
}

/* One refresh: one evaluation, heard by the feed and by each output, then
 * one publish of the same snapshot to each. */
static void test_refresh_evaluates_once(void **state)
{
	struct fix *f = *state;
	refresh(f, true);
	assert_int_equal(f->collected, 1);
	assert_int_equal(f->alert_events, 1);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(f->fk[i].alerted, 1);
		assert_int_equal(f->fk[i].published, 1);
		assert_ptr_equal(f->fk[i].last, &f->out.snap);
	}
	assert_int_equal(f->out.snap.n_alerts, 1);
	assert_int_equal(f->out.snap.total.waiting, 1);
}

/* A redraw (a key, an ack) hands one output the snapshot again: nothing is
 * built, collected or evaluated. */
static void test_republish_evaluates_nothing(void **state)
{
	struct fix *f = *state;
	const struct output *b = outputs_find(&f->out, "b");
	assert_non_null(b);
	assert_null(outputs_find(&f->out, "c"));
	outputs_republish(&f->out, b);            /* nothing built yet: nothing to show */
	assert_int_equal(f->fk[1].published, 0);
	refresh(f, true);
	feed(f, "%d|c2|sales|NONE|ENTERQUEUE||556|1", T0 + 6);   /* would escalate */
	model_advance(f->m, T0 + 6);
	for (int i = 0; i < 5; i++)
		outputs_republish(&f->out, b);
	assert_int_equal(f->fk[0].published, 1);
	assert_int_equal(f->fk[1].published, 6);
	assert_int_equal(f->collected, 1);
	assert_int_equal(f->alert_events, 1);
	assert_int_equal(f->fk[1].last->total.waiting, 1);       /* the tick's picture */

	alerts_ack(f->a);                         /* the list the snapshot points at follows */
	outputs_republish(&f->out, b);
	assert_true(f->fk[1].last->alerts[0]->acknowledged);
	assert_int_equal(f->alert_events, 1);
}

/* A refresh that does not publish (the end of a run, before the alert log is
 * flushed) still evaluates; the publish after it evaluates nothing more. */
static void test_refresh_without_publish(void **state)
{
	struct fix *f = *state;
	refresh(f, false);
	assert_int_equal(f->alert_events, 1);
	assert_int_equal(f->fk[0].published, 0);
	outputs_publish(&f->out);
	assert_int_equal(f->fk[0].published, 1);
	assert_int_equal(f->fk[1].published, 1);
	assert_int_equal(f->alert_events, 1);
}

/* The agents' figures are built brief only when no output reads them and
 * no rule watches their counts: an output without the question reads them;
 * a rule on missed rings (rna_count) reads them, one on a long call not. */
static void test_agent_figs_brief_when_unread(void **state)
{
	struct fix *f = *state;
	char *cause = NULL;
	refresh(f, true);
	assert_false(f->out.snap.agent_figs_brief);
	f->fk[0].brief = true;
	refresh(f, true);
	assert_false(f->out.snap.agent_figs_brief);     /* b still reads them */
	f->fk[1].brief = true;
	assert_false(outputs_read_agent_figs(&f->out, &f->cfg));
	refresh(f, true);
	assert_true(f->out.snap.agent_figs_brief);
	f->ops[1].reads_agent_figs = NULL;
	assert_true(outputs_read_agent_figs(&f->out, &f->cfg));
	f->ops[1].reads_agent_figs = fake_reads_agent_figs;
	assert_int_equal(alert_rules_set(f->cfg.alert_rules, "long", "metric", "call_duration_s",
	                                 &cause), 0);
	assert_false(outputs_read_agent_figs(&f->out, &f->cfg));
	assert_int_equal(alert_rules_set(f->cfg.alert_rules, "rings", "metric", "rna_count",
	                                 &cause), 0);
	assert_true(outputs_read_agent_figs(&f->out, &f->cfg));
	assert_int_equal(alert_rules_set(f->cfg.alert_rules, "rings", "enabled", "no", &cause), 0);
	assert_false(outputs_read_agent_figs(&f->out, &f->cfg));
}

/* Each output's trouble is a pseudo-source, within the room given. */
/* An output still reading the last snapshot off the loop: no refresh
 * changes it (nothing built, collected, evaluated or published); once it is
 * done, the next refresh runs whole. */
static void test_busy_output_skips_refresh(void **state)
{
	struct fix *f = *state;
	refresh(f, true);
	f->fk[1].busy = true;
	assert_true(outputs_busy(&f->out));
	refresh(f, true);
	assert_int_equal(f->collected, 1);
	assert_int_equal(f->alert_events, 1);
	assert_int_equal(f->fk[0].published, 1);
	assert_int_equal(f->fk[1].published, 1);
	outputs_wait(&f->out);                   /* no wait op: nothing to wait for */
	f->fk[1].busy = false;
	assert_false(outputs_busy(&f->out));
	refresh(f, true);
	assert_int_equal(f->collected, 2);
	assert_int_equal(f->fk[0].published, 2);
	assert_int_equal(f->fk[1].published, 2);
}

static void test_health(void **state)
{
	struct fix *f = *state;
	struct snap_source src[2];
	assert_int_equal(outputs_health(&f->out, src, 2), 0);
	f->fk[0].sick = f->fk[1].sick = true;
	assert_int_equal(outputs_health(&f->out, src, 1), 1);
	assert_string_equal(src[0].name, "a");
	assert_int_equal(outputs_health(&f->out, src, 2), 2);
	assert_string_equal(src[1].name, "b");
	refresh(f, false);
	assert_int_equal(f->out.snap.n_sources, 2);
}

/* Stopped once however often asked; nothing is published or heard after;
 * closing passes the exit status through each output. */
static void test_stop_and_close(void **state)
{
	struct fix *f = *state;
	refresh(f, true);
	outputs_stop(&f->out);
	outputs_stop(&f->out);
	assert_int_equal(f->fk[0].stopped, 1);
	outputs_publish(&f->out);
	outputs_republish(&f->out, &f->out.v[1]);
	assert_int_equal(f->fk[0].published, 1);
	assert_int_equal(f->fk[1].published, 1);
	feed(f, "%d|c2|sales|NONE|ENTERQUEUE||556|1", T0 + 6);
	model_advance(f->m, T0 + 6);
	refresh(f, true);                         /* escalated: heard by no stopped output */
	assert_int_equal(f->alert_events, 2);
	assert_int_equal(f->fk[0].alerted, 1);
	assert_int_equal(f->fk[0].published, 1);
	assert_int_equal(outputs_close(&f->out, 3), 5);
	assert_int_equal(f->fk[0].closed, 1);
	assert_int_equal(f->fk[1].closed, 1);
	assert_int_equal(f->fk[0].stopped, 1);
	assert_int_equal(outputs_close(&f->out, 0), 0);   /* repeatable */
}

/* The modes: every combination of the options has one consistent row. */
static void test_run_modes(void **state)
{
	(void)state;
	for (int bits = 0; bits < 8; bits++) {
		bool replay = bits & 1, once = bits & 2, json = bits & 4;
		const struct run_mode *m = run_mode_decide(replay, once, json);
		assert_non_null(m->name);
		assert_int_equal(m->clock, replay ? RUN_CLOCK_REPLAY : RUN_CLOCK_WALL);
		assert_int_equal(m->to_end, replay || once);
		assert_int_equal(m->screen, !json && !once);
		assert_int_equal(m->exits_at_end, m->to_end && !m->screen);
		assert_int_equal(m->owed != NULL, m->exits_at_end);
		assert_int_equal(run_mode_reads_snapshot(m), once && !replay);
		assert_int_equal(m->n_outputs, 1);
		assert_int_equal(m->outputs[0] == RUN_OUT_SCREEN, m->screen);
		assert_int_equal(m->outputs[0] == RUN_OUT_TEXT, once && !json);
		if (once)
			assert_int_equal(m->cadence, RUN_AT_END);
	}
	const struct run_mode *m = run_mode_decide(true, false, true);
	assert_int_equal(m->cadence, RUN_EACH_LOG_SECOND);
	assert_string_equal(m->owed, "last snapshot");
	assert_int_equal(m->outputs[0], RUN_OUT_JSON);
	m = run_mode_decide(false, false, true);
	assert_int_equal(m->cadence, RUN_EACH_TICK);
	assert_int_equal(m->outputs[0], RUN_OUT_JSON_LIVE);
	assert_false(m->to_end);
	m = run_mode_decide(true, false, false);
	assert_int_equal(m->cadence, RUN_EACH_TICK);
	assert_false(m->exits_at_end);
	assert_string_equal(run_mode_decide(false, true, true)->owed, "snapshot");
	/* headless: no screen, nothing on standard output, never ends by itself,
	 * owes nothing to a signal (SIGTERM is its normal end: status 0) */
	for (int replay = 0; replay <= 1; replay++) {
		m = run_mode_headless(replay);
		assert_false(m->screen);
		assert_int_equal(m->n_outputs, 0);
		assert_false(m->exits_at_end);
		assert_null(m->owed);
		assert_int_equal(m->cadence, RUN_EACH_TICK);
		assert_int_equal(m->clock, replay ? RUN_CLOCK_REPLAY : RUN_CLOCK_WALL);
		assert_int_equal(m->to_end, replay);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_build_has_no_side_effects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_evaluates_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_republish_evaluates_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_without_publish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_output_skips_refresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_health, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_figs_brief_when_unread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_and_close, setup, teardown),
		cmocka_unit_test(test_run_modes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
