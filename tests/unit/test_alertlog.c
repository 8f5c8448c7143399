/* test_alertlog.c - the alert log file and the exec hook, on a real libuv loop. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "alertlog.h"

struct fix {
	uv_loop_t loop;
	uv_timer_t tick;
	char dir[64];
};

static void on_tick(uv_timer_t *t)
{
	(void)t;   /* only wakes the loop so the deadline is checked */
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	assert_non_null(f);
	assert_int_equal(uv_loop_init(&f->loop), 0);
	uv_timer_init(&f->loop, &f->tick);
	uv_timer_start(&f->tick, on_tick, 10, 10);
	snprintf(f->dir, sizeof f->dir, "/tmp/ccboard-alertlog-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	uv_close((uv_handle_t *)&f->tick, NULL);
	assert_int_equal(uv_run(&f->loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Runs the loop until al is idle; returns the milliseconds it took (fails past 5 s). */
static uint64_t run_until_idle(struct fix *f, struct alertlog *al)
{
	uv_update_time(&f->loop);
	uint64_t start = uv_now(&f->loop);
	while (!alertlog_idle(al)) {
		uv_run(&f->loop, UV_RUN_ONCE);
		if (uv_now(&f->loop) - start > 5000)
			fail_msg("alertlog not idle after 5 s");
	}
	return uv_now(&f->loop) - start;
}

/* Closes al and runs the loop until its callbacks are done. */
static void close_and_drain(struct fix *f, struct alertlog *al)
{
	alertlog_close(al);
	uv_update_time(&f->loop);
	uint64_t start = uv_now(&f->loop);
	uv_timer_stop(&f->tick);
	uv_run(&f->loop, UV_RUN_DEFAULT);   /* only al's requests and handles remain */
	uv_update_time(&f->loop);
	assert_true(uv_now(&f->loop) - start < 3000);
	uv_timer_start(&f->tick, on_tick, 10, 10);
}

static struct alert_event event(enum alert_change ch, enum alert_severity sev, double value,
                                const char *msg)
{
	struct alert_event ev = { .change = ch };
	snprintf(ev.alert.rule, sizeof ev.alert.rule, "sl_low");
	snprintf(ev.alert.queue, sizeof ev.alert.queue, "sales");
	ev.alert.severity = sev;
	ev.alert.since = 1767283100;
	ev.alert.value = value;
	snprintf(ev.alert.message, sizeof ev.alert.message, "%s", msg);
	return ev;
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		fail_msg("cannot open %s", path);
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void expect_in(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' not found in:\n%s", needle, hay);
}

static void test_log_and_exec(void **state)
{
	struct fix *f = *state;
	char log[128], cmd[256], env_raised[128], env_cleared[128];
	snprintf(log, sizeof log, "%s/alerts.log", f->dir);
	snprintf(cmd, sizeof cmd, "env | grep '^CCBOARD_ALERT_' | sort > '%s'/env.$CCBOARD_ALERT_CHANGE",
	         f->dir);
	snprintf(env_raised, sizeof env_raised, "%s/env.raised", f->dir);
	snprintf(env_cleared, sizeof env_cleared, "%s/env.cleared", f->dir);
	setenv("CCBOARD_ALERT_RULE", "stale", 1);  /* must not leak into the hook */
	char *cause = NULL;
	struct alertlog *al = alertlog_new(&f->loop, log, cmd, &cause);
	assert_non_null(al);
	assert_null(cause);
	struct alert_event r = event(ALERT_RAISED, SEV_CRITICAL, 71.44,
	                             "sales: service level 71.4% below 80% for 30 s");
	struct alert_event c = event(ALERT_CLEARED, SEV_OK, NAN, "say \"hi\"\nnext");
	alertlog_emit(al, &r);
	alertlog_event_fn(al, &c);
	run_until_idle(f, al);
	unsetenv("CCBOARD_ALERT_RULE");
	struct alertlog_stats st = alertlog_stats(al);
	assert_int_equal(st.lines_written, 2);
	assert_int_equal(st.execs_started, 2);
	assert_int_equal(st.exec_failures, 0);
	assert_int_equal(st.write_errors + st.lines_dropped + st.execs_dropped, 0);
	close_and_drain(f, al);

	char *text = slurp(log);
	assert_int_equal(count_lines(text), 2);
	expect_in(text, " raised critical rule=sl_low queue=sales value=71.4 since=");
	expect_in(text, "message=\"sales: service level 71.4% below 80% for 30 s\"\n");
	expect_in(text, " cleared ok rule=sl_low queue=sales value=null since=");
	expect_in(text, "message=\"say \\\"hi\\\"\\x0anext\"\n");

	text = slurp(env_raised);
	assert_string_equal(text,
	                    "CCBOARD_ALERT_CHANGE=raised\n"
	                    "CCBOARD_ALERT_MESSAGE=sales: service level 71.4% below 80% for 30 s\n"
	                    "CCBOARD_ALERT_QUEUE=sales\n"
	                    "CCBOARD_ALERT_RULE=sl_low\n"
	                    "CCBOARD_ALERT_SEVERITY=critical\n"
	                    "CCBOARD_ALERT_SINCE=1767283100\n"
	                    "CCBOARD_ALERT_VALUE=71.4\n");
	text = slurp(env_cleared);
	expect_in(text, "CCBOARD_ALERT_CHANGE=cleared\n");
	expect_in(text, "CCBOARD_ALERT_SEVERITY=ok\n");
	expect_in(text, "CCBOARD_ALERT_VALUE=\n");
}

static void test_appends(void **state)
{
	struct fix *f = *state;
	char log[128];
	snprintf(log, sizeof log, "%s/alerts.log", f->dir);
	FILE *fp = fopen(log, "w");
	assert_non_null(fp);
	fputs("earlier line\n", fp);
	fclose(fp);
	struct alertlog *al = alertlog_new(&f->loop, log, NULL, NULL);
	assert_non_null(al);
	struct alert_event r = event(ALERT_ESCALATED, SEV_CRITICAL, 5, "m");
	alertlog_emit(al, &r);
	close_and_drain(f, al);   /* queued lines are still written on close */
	char *text = slurp(log);
	assert_int_equal(count_lines(text), 2);
	assert_int_equal(strncmp(text, "earlier line\n", 13), 0);
	expect_in(text, " escalated critical ");
}

static void test_bad_path(void **state)
{
	struct fix *f = *state;
	char log[160];
	snprintf(log, sizeof log, "%s/no-such-dir/alerts.log", f->dir);
	char *cause = NULL;
	assert_null(alertlog_new(&f->loop, log, NULL, &cause));
	assert_non_null(cause);
	expect_in(cause, log);
	expect_in(cause, "no such file or directory");
	free(cause);
}

static void test_disk_full(void **state)
{
	struct fix *f = *state;
	struct alertlog *al = alertlog_new(&f->loop, "/dev/full", NULL, NULL);
	assert_non_null(al);
	struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1, "m");
	for (int i = 0; i < 3; i++)
		alertlog_emit(al, &r);
	uint64_t ms = run_until_idle(f, al);
	assert_true(ms < 2000);
	struct alertlog_stats st = alertlog_stats(al);
	assert_int_equal(st.write_errors, 3);
	assert_int_equal(st.lines_written, 0);
	assert_int_equal(st.last_write_error, UV_ENOSPC);
	/* it keeps going: a later line is tried again */
	alertlog_emit(al, &r);
	run_until_idle(f, al);
	assert_int_equal(alertlog_stats(al).write_errors, 4);
	close_and_drain(f, al);
}

static void test_queue_cap(void **state)
{
	struct fix *f = *state;
	char log[128];
	snprintf(log, sizeof log, "%s/alerts.log", f->dir);
	struct alertlog *al = alertlog_new(&f->loop, log, NULL, NULL);
	assert_non_null(al);
	struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1, "m");
	for (int i = 0; i < 1000; i++)   /* no loop turn: nothing completes meanwhile */
		alertlog_emit(al, &r);
	struct alertlog_stats st = alertlog_stats(al);
	assert_int_equal(st.queued, ALERTLOG_MAX_QUEUE);
	assert_int_equal(st.lines_dropped, 1000 - ALERTLOG_MAX_QUEUE);
	run_until_idle(f, al);
	assert_int_equal(alertlog_stats(al).lines_written, ALERTLOG_MAX_QUEUE);
	close_and_drain(f, al);
	assert_int_equal(count_lines(slurp(log)), ALERTLOG_MAX_QUEUE);
}

static void test_children_cap(void **state)
{
	struct fix *f = *state;
	struct alertlog *al = alertlog_new(&f->loop, NULL, "sleep 0.2", NULL);
	assert_non_null(al);
	struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1, "m");
	for (int i = 0; i < ALERTLOG_MAX_CHILDREN + 2; i++)
		alertlog_emit(al, &r);
	struct alertlog_stats st = alertlog_stats(al);
	assert_int_equal(st.execs_started, ALERTLOG_MAX_CHILDREN);
	assert_int_equal(st.execs_dropped, 2);
	assert_int_equal(st.children, ALERTLOG_MAX_CHILDREN);
	run_until_idle(f, al);
	st = alertlog_stats(al);
	assert_int_equal(st.children, 0);
	assert_int_equal(st.exec_failures, 0);
	/* slots are free again */
	alertlog_emit(al, &r);
	assert_int_equal(alertlog_stats(al).execs_started, ALERTLOG_MAX_CHILDREN + 1);
	run_until_idle(f, al);
	close_and_drain(f, al);
}

static void test_failing_hook(void **state)
{
	struct fix *f = *state;
	struct alertlog *al = alertlog_new(&f->loop, NULL, "exit 3", NULL);
	assert_non_null(al);
	struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1, "m");
	alertlog_emit(al, &r);
	run_until_idle(f, al);
	struct alertlog_stats st = alertlog_stats(al);
	assert_int_equal(st.execs_started, 1);
	assert_int_equal(st.exec_failures, 1);
	assert_int_equal(st.last_exec_error, 3);
	close_and_drain(f, al);
}

static void test_close_with_running_hook(void **state)
{
	struct fix *f = *state;
	struct alertlog *al = alertlog_new(&f->loop, NULL, "sleep 4", NULL);
	assert_non_null(al);
	struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1, "m");
	alertlog_emit(al, &r);
	close_and_drain(f, al);   /* does not wait for the hook (asserted < 3 s) */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_log_and_exec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_appends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_children_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_with_running_hook, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
