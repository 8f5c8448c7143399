/* test_agent_alerts.c - the alerts on agents (issue 16) through the rules a
 * user writes: pause_s per reason and call_duration_s, each naming the agent
 * and raised at exactly its threshold; the defaults: only a long call (30
 * minutes, a warning) is watched, missed rings and pauses are not; and, read
 * from a config file, such a rule and [http] agent_metrics (the per-agent
 * series in /metrics only when it says yes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "exposition.h"
#include "fixture_model.h"
#include "snapshot.h"

#define T0 1767254400   /* 2026-01-01 08:00:00 UTC */

struct fixture {
	struct config cfg;
	struct model *m;
	struct snapshot s;
	struct alert_rules *rules;
	struct alerts *al;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	fx_model_open(&f->cfg, &f->m, 30);
	f->rules = alert_rules_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	snapshot_free(&f->s);
	if (f->al)
		alerts_free(f->al);
	alert_rules_free(f->rules);
	fx_model_close(&f->cfg, f->m);
	free(f);
	return 0;
}

#define feed(f, ...) assert_int_not_equal(fx_feed((f)->m, __VA_ARGS__), -1)

/* Sets key = value of rule name, which must be accepted. */
static void set(struct fixture *f, const char *name, const char *key, const char *value)
{
	char *cause = NULL;
	if (alert_rules_set(f->rules, name, key, value, &cause) != 0)
		fail_msg("%s %s = %s: %s", name, key, value, cause ? cause : "?");
}

static void start(struct fixture *f)
{
	char *cause = NULL;
	if (alert_rules_validate(f->rules, &cause) != 0)
		fail_msg("rules refused: %s", cause ? cause : "?");
	f->al = alerts_new(f->rules);
}

/* Evaluates the alerts as of now; returns the active alert of rule on
 * "agent:NAME", or NULL. */
static const struct snap_alert *eval(struct fixture *f, int64_t now, const char *rule,
                                     const char *agent)
{
	char q[128];
	model_advance(f->m, now);
	snapshot_build(&f->s, f->m, &f->cfg);
	alerts_eval(f->al, &f->s, now, NULL, NULL);
	snprintf(q, sizeof q, "agent:%s", agent);
	for (size_t i = 0; i < f->s.n_alerts; i++)
		if (strcmp(f->s.alerts[i]->rule, rule) == 0 && strcmp(f->s.alerts[i]->queue, q) == 0)
			return f->s.alerts[i];
	return NULL;
}

/* How many active alerts name an agent. */
static int agent_alerts(const struct fixture *f)
{
	int n = 0;
	for (size_t i = 0; i < f->s.n_alerts; i++)
		n += strncmp(f->s.alerts[i]->queue, "agent:", 6) == 0;
	return n;
}

/* pause_s with reason = lunch: a lunch of 45 minutes is a warning at exactly
 * 2700 s, critical at 3600 s, naming the agent; a break as long is not
 * watched by it; it clears when the agent unpauses. */
static void test_pause_per_reason(void **state)
{
	struct fixture *f = *state;
	const struct snap_alert *a;
	set(f, "long_lunch", "metric", "pause_s");
	set(f, "long_lunch", "reason", "lunch");
	set(f, "long_lunch", "op", "above");
	set(f, "long_lunch", "warning", "2700");
	set(f, "long_lunch", "critical", "3600");
	start(f);
	feed(f, "%d|NONE|sales|Alex|ADDMEMBER|", T0);
	feed(f, "%d|NONE|sales|Bea|ADDMEMBER|", T0);
	feed(f, "%d|NONE|sales|Alex|PAUSE|Lunch", T0 + 100);   /* any case */
	feed(f, "%d|NONE|sales|Bea|PAUSE|break", T0 + 100);
	assert_null(eval(f, T0 + 100 + 2699, "long_lunch", "Alex"));
	a = eval(f, T0 + 100 + 2700, "long_lunch", "Alex");
	assert_non_null(a);
	assert_int_equal(a->severity, SEV_WARNING);
	assert_non_null(strstr(a->message, "Alex"));
	assert_null(eval(f, T0 + 100 + 2700, "long_lunch", "Bea"));
	a = eval(f, T0 + 100 + 3600, "long_lunch", "Alex");
	assert_non_null(a);
	assert_int_equal(a->severity, SEV_CRITICAL);
	assert_null(eval(f, T0 + 100 + 3600, "long_lunch", "Bea"));   /* a break: not lunch */
	feed(f, "%d|NONE|sales|Alex|UNPAUSE|", T0 + 3800);
	assert_null(eval(f, T0 + 3801, "long_lunch", "Alex"));
}

/* pause_s with no reason watches every pause. */
static void test_pause_any_reason(void **state)
{
	struct fixture *f = *state;
	set(f, "long_pause", "metric", "pause_s");
	set(f, "long_pause", "op", "above");
	set(f, "long_pause", "warning", "600");
	start(f);
	feed(f, "%d|NONE|sales|Bea|ADDMEMBER|", T0);
	feed(f, "%d|NONE|sales|Bea|PAUSE|break", T0 + 10);
	assert_null(eval(f, T0 + 609, "long_pause", "Bea"));
	assert_non_null(eval(f, T0 + 610, "long_pause", "Bea"));
}

static void on_alert_event(void *ctx, const struct alert_event *ev)
{
	struct alert_event *last = ctx;
	*last = *ev;
}

/* An agent's alert clears because its value came back (its message says
 * so), among agents of whom most are never looked at past their value; an
 * agent still paused keeps hers. */
static void test_agent_alert_clears_when_back(void **state)
{
	struct fixture *f = *state;
	struct alert_event ev = { 0 };
	set(f, "long_pause", "metric", "pause_s");
	set(f, "long_pause", "op", "above");
	set(f, "long_pause", "warning", "600");
	start(f);
	feed(f, "%d|NONE|sales|Al|ADDMEMBER|", T0);
	feed(f, "%d|NONE|sales|Bea|ADDMEMBER|", T0);
	feed(f, "%d|NONE|sales|Cy|ADDMEMBER|", T0);
	feed(f, "%d|NONE|sales|Bea|PAUSE|break", T0 + 10);
	feed(f, "%d|NONE|sales|Cy|PAUSE|break", T0 + 20);
	assert_non_null(eval(f, T0 + 620, "long_pause", "Bea"));
	assert_non_null(eval(f, T0 + 620, "long_pause", "Cy"));
	feed(f, "%d|NONE|sales|Bea|UNPAUSE|", T0 + 700);
	model_advance(f->m, T0 + 701);
	snapshot_build(&f->s, f->m, &f->cfg);
	alerts_eval(f->al, &f->s, T0 + 701, on_alert_event, &ev);
	assert_int_equal(ev.change, ALERT_CLEARED);
	assert_string_equal(ev.alert.queue, "agent:Bea");
	assert_non_null(strstr(ev.alert.message, "back under"));
	assert_int_equal(agent_alerts(f), 1);
	assert_non_null(eval(f, T0 + 702, "long_pause", "Cy"));
	assert_int_equal(alerts_entry_count(f->al), 1);
}

/* call_duration_s of a user's rule: a call of 10 minutes raises a warning at
 * exactly 600 s, naming the agent (the built-in long call stays off until 30
 * minutes). */
static void test_call_duration_rule(void **state)
{
	struct fixture *f = *state;
	const struct snap_alert *a;
	set(f, "call10", "metric", "call_duration_s");
	set(f, "call10", "op", ">");
	set(f, "call10", "warning", "600");
	start(f);
	feed(f, "%d|c1|sales|NONE|ENTERQUEUE||0555|1", T0);
	feed(f, "%d|c1|sales|Robin|CONNECT|5|c1.1|3", T0 + 5);
	assert_null(eval(f, T0 + 5 + 599, "call10", "Robin"));
	a = eval(f, T0 + 5 + 600, "call10", "Robin");
	assert_non_null(a);
	assert_int_equal(a->severity, SEV_WARNING);
	assert_non_null(strstr(a->message, "Robin"));
	assert_null(eval(f, T0 + 5 + 600, "long_call", "Robin"));
}

/* The defaults: no alert on missed rings nor on a pause, however many or
 * long; only the long call, a warning at 30 minutes. */
static void test_defaults_off_but_long_call(void **state)
{
	struct fixture *f = *state;
	const struct snap_alert *a;
	start(f);
	feed(f, "%d|NONE|sales|Alex|ADDMEMBER|", T0);
	feed(f, "%d|NONE|sales|Bea|ADDMEMBER|", T0);
	for (int i = 0; i < 20; i++) {
		feed(f, "%d|r%d|sales|NONE|ENTERQUEUE||0555|1", T0 + 10 + 20 * i, i);
		feed(f, "%d|r%d|sales|Alex|RINGNOANSWER|15000", T0 + 25 + 20 * i, i);
		feed(f, "%d|r%d|sales|NONE|ABANDON|1|1|16", T0 + 26 + 20 * i, i);
	}
	feed(f, "%d|NONE|sales|Bea|PAUSE|lunch", T0 + 10);
	feed(f, "%d|c1|sales|NONE|ENTERQUEUE||0555|1", T0 + 500);
	feed(f, "%d|c1|sales|Alex|CONNECT|5|c1.1|3", T0 + 505);
	eval(f, T0 + 505 + 1799, "long_call", "Alex");
	assert_int_equal(agent_alerts(f), 0);      /* 20 rings missed, a pause of 38 min */
	a = eval(f, T0 + 505 + 1800, "long_call", "Alex");
	assert_non_null(a);
	assert_int_equal(a->severity, SEV_WARNING);
	assert_int_equal(agent_alerts(f), 1);
	a = eval(f, T0 + 505 + 4 * 3600, "long_call", "Alex");   /* 4 hours: still a warning */
	assert_non_null(a);
	assert_int_equal(a->severity, SEV_WARNING);
	assert_int_equal(agent_alerts(f), 1);
}

/* Reads text as the config file into f->cfg (defaults first). */
static void load(struct fixture *f, const char *text)
{
	char path[] = "/tmp/test_agent_alerts_XXXXXX", *errors = NULL;
	int fd = mkstemp(path);
	FILE *out = fdopen(fd, "w");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
	int n = config_load(&f->cfg, path, &errors);
	unlink(path);
	if (n != 0)
		fail_msg("config refused: %s", errors ? errors : "?");
	free(errors);
}

/* /metrics as text (the caller frees). */
static char *metrics(struct fixture *f, int64_t now)
{
	char *text = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&text, &n);
	model_advance(f->m, now);
	snapshot_build(&f->s, f->m, &f->cfg);
	expo_write(&f->s, NULL, out);
	fclose(out);
	return text;
}

/* From the file: a pause_s rule with its reason, and agent_metrics = yes. */
static void test_config_file(void **state)
{
	struct fixture *f = *state;
	char *text;
	feed(f, "%d|NONE|sales|Alex|ADDMEMBER|", T0);
	feed(f, "%d|NONE|sales|Alex|PAUSE|lunch", T0 + 10);
	text = metrics(f, T0 + 20);
	assert_null(strstr(text, "ccboard_agent_"));         /* the default: no series per agent */
	free(text);
	load(f, "[http]\nagent_metrics = yes\n"
	        "[alert.long_lunch]\nmetric = pause_s\nreason = lunch\nop = above\nwarning = 1800\n");
	assert_true(f->cfg.http_agent_metrics);
	text = metrics(f, T0 + 20);
	assert_non_null(strstr(text, "\nccboard_agent_state{agent=\"Alex\",state=\"paused\"} 1\n"));
	free(text);
	f->al = alerts_new(f->cfg.alert_rules);
	assert_null(eval(f, T0 + 10 + 1799, "long_lunch", "Alex"));
	assert_non_null(eval(f, T0 + 10 + 1800, "long_lunch", "Alex"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pause_per_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause_any_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_duration_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_alert_clears_when_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_off_but_long_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
