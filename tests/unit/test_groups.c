/* test_groups.c - [group.NAME]: patterns, the load-time check, and a group's
 * figures as exact aggregates (each agent once, each call once). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "exposition.h"
#include "groups.h"
#include "model.h"
#include "queuelog.h"
#include "snapshot.h"

#define T0 1767254400

static void test_patterns(void **state)
{
	(void)state;
	assert_true(groups_pattern_match("sales-*, retention, vip", "sales-uk"));
	assert_true(groups_pattern_match("sales-*, retention, vip", "retention"));
	assert_true(groups_pattern_match(" sales-* ,retention,  vip ", "vip"));
	assert_false(groups_pattern_match("sales-*, retention, vip", "sales"));
	assert_false(groups_pattern_match("sales-*, retention, vip", "vip2"));
	assert_true(groups_pattern_match("q1?", "q12"));
	assert_false(groups_pattern_match("q1?", "q1"));
	assert_true(groups_pattern_match("[st]*", "tech"));
	assert_false(groups_pattern_match("", "x"));
	assert_false(groups_pattern_match(",,", "x"));
}

static void test_patterns_check(void **state)
{
	const char *names[] = { "sales-uk", "retention", "vip" };
	char bad[64] = "";
	(void)state;
	assert_int_equal(groups_patterns_check("sales-*, vip", names, 3, bad, sizeof bad), 0);
	assert_int_equal(groups_patterns_check("sales-*, salse-*, vip", names, 3, bad, sizeof bad),
	                 -1);
	assert_string_equal(bad, "salse-*");
	assert_int_equal(groups_patterns_check("x", names, 0, bad, sizeof bad), -1);
	assert_string_equal(bad, "x");
}

/* Loads text as a config file; returns the error count and the messages. */
static int load_text(struct config *cfg, const char *text, char **errors)
{
	char path[] = "/tmp/test_groups_XXXXXX";
	int fd = mkstemp(path), n;
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	config_defaults(cfg);
	n = config_load(cfg, path, errors);
	unlink(path);
	return n;
}

static void test_config(void **state)
{
	struct config cfg;
	char *errors = NULL;
	(void)state;
	assert_int_equal(load_text(&cfg, "[defaults]\nsl_target_pct = 90\n[queue.sales-uk]\n"
	                           "[group.emea]\nqueues = sales-*\ndisplay = EMEA\n"
	                           "sl_threshold_s = 30\n", &errors), 0);
	struct queue_conf q = config_group(&cfg, "emea");
	assert_string_equal(q.name, "emea");
	assert_string_equal(q.display, "EMEA");
	assert_int_equal(q.sl_threshold_s, 30);
	assert_true(q.sl_target_pct == 90);         /* from [defaults] */
	assert_null(config_group(&cfg, "apac").name);
	config_free(&cfg);
	free(errors);
	errors = NULL;
	assert_int_equal(load_text(&cfg, "[queue.sales]\n[group.x]\n\nqueues = sales, salse-*\n"
	                           "[group.y]\ndisplay = y\n[group.z]\nshort_abandon_s = 3\n"
	                           "queues = sales\n", &errors), 3);
	assert_non_null(strstr(errors, ":4: [group.x] queues: 'salse-*' matches no queue"));
	assert_non_null(strstr(errors, ":5: [group.y]: no queues"));
	assert_non_null(strstr(errors, ":8: [group.z] short_abandon_s: unknown key here"));
	config_free(&cfg);
	free(errors);
}

static void feed(struct model *m, const char *fmt, ...)
{
	char line[512];
	struct qevent ev;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (queuelog_parse(line, strlen(line), &ev) != QL_EVENT)
		fail_msg("not an event: %s", line);
	model_apply(m, &ev);
}

/* One agent in two queues of a group counts once; paused in one of them
 * only, it is available for the group; a call counts in its queue once. */
static void test_aggregate(void **state)
{
	struct config cfg;
	char *errors = NULL;
	struct snapshot s;
	(void)state;
	setenv("TZ", "UTC", 1);
	assert_int_equal(load_text(&cfg, "[queue.a1]\n[queue.a2]\n[queue.b]\n[group.a]\nqueues = a*\n"
	                           "[group.ab]\nqueues = a1, a2, b\n", &errors), 0);
	struct model *m = model_new(&cfg);
	feed(m, "%d|MANAGER|a1|Ann|ADDMEMBER|", T0);
	feed(m, "%d|MANAGER|a2|Ann|ADDMEMBER|", T0);
	feed(m, "%d|MANAGER|b|Bob|ADDMEMBER|", T0);
	feed(m, "%d|MANAGER|a2|Ann|PAUSE|lunch", T0 + 1);
	feed(m, "%d|c1|a1|NONE|ENTERQUEUE||100|1", T0 + 10);
	feed(m, "%d|c1|a1|Ann|CONNECT|5|c1.1|2", T0 + 15);
	feed(m, "%d|c1|a1|Ann|COMPLETECALLER|5|60|1", T0 + 75);
	feed(m, "%d|c2|b|NONE|ENTERQUEUE||101|1", T0 + 80);
	feed(m, "%d|c3|a2|NONE|ENTERQUEUE||102|1", T0 + 85);
	model_advance(m, T0 + 100);
	memset(&s, 0, sizeof s);
	snapshot_build(&s, m, &cfg);
	assert_int_equal(s.n_groups, 2);
	const struct snap_group *a = groups_find(&s, "a"), *ab = groups_find(&s, "ab");
	assert_int_equal(a->n_members, 2);
	assert_int_equal(a->q.agents.logged_in, 1);        /* Ann once */
	assert_int_equal(a->q.agents.available, 1);        /* paused in a2 only */
	assert_int_equal(a->q.today.c.offered, 1);
	assert_int_equal(a->q.today.c.answered_within_sl, 1);
	assert_int_equal(a->q.waiting, 1);                 /* c3 */
	assert_int_equal(a->q.longest_wait_s, 15);
	assert_int_equal(ab->q.agents.logged_in, 2);
	assert_int_equal(ab->q.waiting, 2);
	assert_int_equal(ab->q.longest_wait_s, 20);
	assert_true(ab->q.today.d.aht_s == 60);
	/* the group of every queue is the total, figure for figure */
	assert_memory_equal(&ab->q.today, &s.total.today, sizeof s.total.today);
	assert_memory_equal(&ab->q.agents, &s.total.agents, sizeof s.total.agents);
	assert_int_equal(ab->q.waiting, s.total.waiting);
	/* /metrics: each group is a sample of every family, with a group label */
	{
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		assert_int_equal(expo_write(&s, NULL, f), 0);
		fclose(f);
		assert_non_null(strstr(text, "ccboard_queue_waiting{group=\"a\"} 1\n"));
		assert_non_null(strstr(text, "ccboard_queue_waiting{group=\"ab\"} 2\n"));
		assert_non_null(strstr(text, "ccboard_agents{group=\"a\",state=\"logged_in\"} 1\n"));
		assert_non_null(strstr(text, "ccboard_queue_waiting{queue=\"a2\"} 1\n"));
		free(text);
	}
	/* one team only */
	s.only = "a";
	snapshot_build(&s, m, &cfg);
	assert_int_equal(s.n_queues, 2);
	assert_string_equal(s.queues[0].name, "a1");
	assert_string_equal(s.queues[1].name, "a2");
	assert_int_equal(s.n_groups, 1);
	assert_int_equal(s.n_agents, 1);
	assert_string_equal(s.agents[0].name, "Ann");
	assert_int_equal(s.agent_n_queues[0], 2);
	assert_int_equal(s.total.agents.logged_in, 1);
	assert_int_equal(s.total.waiting, 1);
	s.only = "b";
	s.only_queue = true;
	snapshot_build(&s, m, &cfg);
	assert_int_equal(s.n_queues, 1);
	assert_int_equal(s.n_agents, 1);
	assert_string_equal(s.agents[0].name, "Bob");
	assert_int_equal(s.agent_queues[0][0].queue, 0);
	assert_int_equal(s.total.waiting, 1);
	snapshot_free(&s);
	model_free(m);
	config_free(&cfg);
	free(errors);
}

/* Queues and agents in natural order in the snapshot, hence in the JSON, the
 * text table and the screen: q2 before q10, Agent 9 before Agent 10; and the
 * order is kept right as names come and go between builds. */
static void test_natural_order(void **state)
{
	struct config cfg;
	struct snapshot s;
	static const char *qn[] = { "q10", "q2", "q1", "q100", "Q3" };
	(void)state;
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	for (int i = 0; i < 5; i++)
		feed(m, "%d|MANAGER|%s|Agent %d|ADDMEMBER|", T0, qn[i], i == 0 ? 10 : 9 - i);
	model_advance(m, T0 + 1);
	memset(&s, 0, sizeof s);
	snapshot_build(&s, m, &cfg);
	const char *want[] = { "Q3", "q1", "q2", "q10", "q100" };
	for (int i = 0; i < 5; i++)
		assert_string_equal(s.queues[i].name, want[i]);
	assert_string_equal(s.agents[0].name, "Agent 5");
	assert_string_equal(s.agents[4].name, "Agent 10");
	feed(m, "%d|MANAGER|q9|Agent 1|ADDMEMBER|", T0 + 2);   /* a new name: sorted again */
	model_advance(m, T0 + 3);
	snapshot_build(&s, m, &cfg);
	assert_string_equal(s.queues[3].name, "q9");
	assert_string_equal(s.queues[4].name, "q10");
	assert_string_equal(s.agents[0].name, "Agent 1");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	snapshot_write_text(&s, f);
	fclose(f);
	assert_true(strstr(text, "\nq2 ") < strstr(text, "\nq9 "));
	assert_true(strstr(text, "\nq9 ") < strstr(text, "\nq10 "));
	free(text);
	snapshot_free(&s);
	model_free(m);
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_patterns_check),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_aggregate),
		cmocka_unit_test(test_natural_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
