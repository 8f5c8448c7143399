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
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
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

/* Runs the loop until al is idle; returns the milliseconds it took (fails
 * past 30 s: the machine may be loaded, the deadline only catches a hang). */
static uint64_t run_until_idle(struct fix *f, struct alertlog *al)
{
	uv_update_time(&f->loop);
	uint64_t start = uv_now(&f->loop);
	while (!alertlog_idle(al)) {
		uv_run(&f->loop, UV_RUN_ONCE);
		if (uv_now(&f->loop) - start > 30000)
			fail_msg("alertlog not idle after 30 s");
	}
	return uv_now(&f->loop) - start;
}

/* Runs the loop until path exists (fails past 30 s). */
static void run_until_file(struct fix *f, const char *path)
{
	struct stat st;
	uv_update_time(&f->loop);
	uint64_t start = uv_now(&f->loop);
	while (stat(path, &st) != 0 || st.st_size == 0) {
		uv_run(&f->loop, UV_RUN_ONCE);
		if (uv_now(&f->loop) - start > 30000)
			fail_msg("%s not written after 30 s", path);
	}
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
	static char buf[8 << 20];
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
	struct alertlog *al = alertlog_new(&f->loop, log, cmd, 30000, &cause);
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
	expect_in(text, "message=\"say \\\"hi\\\" next\"\n");

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
	struct alertlog *al = alertlog_new(&f->loop, log, NULL, 0, NULL);
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
	assert_null(alertlog_new(&f->loop, log, NULL, 0, &cause));
	assert_non_null(cause);
	expect_in(cause, log);
	expect_in(cause, "no such file or directory");
	free(cause);
}

static void test_disk_full(void **state)
{
	struct fix *f = *state;
	struct alertlog *al = alertlog_new(&f->loop, "/dev/full", NULL, 0, NULL);
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

/* 1,000 queues breaching in one evaluation: 1,000 lines, none lost. */
static void test_burst_written_whole(void **state)
{
	struct fix *f = *state;
	char log[128];
	snprintf(log, sizeof log, "%s/alerts.log", f->dir);
	struct alertlog *al = alertlog_new(&f->loop, log, NULL, 0, NULL);
	assert_non_null(al);
	for (int i = 0; i < 1000; i++) {   /* no loop turn: nothing completes meanwhile */
		struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1, "m");
		snprintf(r.alert.queue, sizeof r.alert.queue, "q%04d", i);
		alertlog_emit(al, &r);
	}
	assert_int_equal(alertlog_stats(al).lines_dropped, 0);
	run_until_idle(f, al);
	struct alertlog_stats st = alertlog_stats(al);
	assert_int_equal(st.lines_written, 1000);
	assert_int_equal(st.lines_dropped + st.write_errors, 0);
	close_and_drain(f, al);
	char *text = slurp(log);
	assert_int_equal(count_lines(text), 1000);
	expect_in(text, " queue=q0000 ");
	expect_in(text, " queue=q0999 ");
}

/* Past ALERTLOG_MAX_PENDING bytes waiting, lines are dropped and counted. */
static void test_pending_cap_counts_drops(void **state)
{
	struct fix *f = *state;
	char log[128], msg[256];
	snprintf(log, sizeof log, "%s/alerts.log", f->dir);
	memset(msg, 'x', sizeof msg - 1);
	msg[sizeof msg - 1] = '\0';
	struct alertlog *al = alertlog_new(&f->loop, log, NULL, 0, NULL);
	assert_non_null(al);
	struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1, msg);
	int n = (int)(ALERTLOG_MAX_PENDING / 256) + 2000;
	for (int i = 0; i < n; i++)
		alertlog_emit(al, &r);
	struct alertlog_stats st = alertlog_stats(al);
	assert_true(st.lines_dropped > 0);
	run_until_idle(f, al);
	st = alertlog_stats(al);
	assert_int_equal(st.lines_written + st.lines_dropped, (uint64_t)n);
	close_and_drain(f, al);
	assert_int_equal(count_lines(slurp(log)), (int)st.lines_written);
}

/* A rename rotation: the next line goes to a new file at the path, with or
 * without a SIGHUP (alertlog_reopen). */
static void test_reopen_after_rotation(void **state)
{
	struct fix *f = *state;
	char log[128], log1[136], log2[136];
	snprintf(log, sizeof log, "%s/alerts.log", f->dir);
	snprintf(log1, sizeof log1, "%s.1", log);
	snprintf(log2, sizeof log2, "%s.2", log);
	struct alertlog *al = alertlog_new(&f->loop, log, NULL, 0, NULL);
	assert_non_null(al);
	struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1, "first");
	alertlog_emit(al, &r);
	run_until_idle(f, al);
	assert_int_equal(rename(log, log1), 0);
	r = event(ALERT_CLEARED, SEV_OK, 1, "second");
	alertlog_emit(al, &r);            /* no HUP: the path is checked before a batch */
	run_until_idle(f, al);
	assert_int_equal(count_lines(slurp(log1)), 1);
	expect_in(slurp(log), "message=\"second\"");
	assert_int_equal(rename(log, log2), 0);
	alertlog_reopen(al);              /* SIGHUP: a new file at once */
	struct stat st;
	assert_int_equal(stat(log, &st), 0);
	r = event(ALERT_RAISED, SEV_CRITICAL, 1, "third");
	alertlog_emit(al, &r);
	run_until_idle(f, al);
	assert_int_equal(alertlog_stats(al).reopens, 2);
	assert_int_equal(alertlog_stats(al).lines_written, 3);
	close_and_drain(f, al);
	assert_int_equal(count_lines(slurp(log2)), 1);
	char *text = slurp(log);
	assert_int_equal(count_lines(text), 1);
	expect_in(text, "message=\"third\"");
}

/* Every field is escaped: a queue name cannot forge fields or colours. */
static void test_fields_escaped(void **state)
{
	struct fix *f = *state;
	char log[128], envf[128], cmd[256];
	snprintf(log, sizeof log, "%s/alerts.log", f->dir);
	snprintf(envf, sizeof envf, "%s/env", f->dir);
	snprintf(cmd, sizeof cmd, "env | grep '^CCBOARD_ALERT_' | sort > '%s'", envf);
	struct alertlog *al = alertlog_new(&f->loop, log, cmd, 30000, NULL);
	assert_non_null(al);
	struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1,
	                             "q \x1b]2;PWNED\x07 says \\\"hi\\\" \x1b[31mred");
	snprintf(r.alert.queue, sizeof r.alert.queue, "a b\" value=99 message=\"forged\x1b[31m");
	alertlog_emit(al, &r);
	run_until_idle(f, al);
	close_and_drain(f, al);
	char *text = slurp(log);
	assert_null(strchr(text, '\x1b'));
	assert_null(strchr(text, '\x07'));
	expect_in(text, " queue=\"a b\\\" value=99 message=\\\"forged\" value=1 since=");
	expect_in(text, " message=\"q  says \\\\\\\"hi\\\\\\\" red\"\n");
	text = slurp(envf);
	assert_null(strchr(text, '\x1b'));
	assert_null(strchr(text, '\x07'));
	expect_in(text, "CCBOARD_ALERT_QUEUE=a b\" value=99 message=\"forged\n");
	expect_in(text, "CCBOARD_ALERT_MESSAGE=q  says \\\"hi\\\" red\n");
}

/* Hooks beyond ALERTLOG_MAX_CHILDREN wait their turn: a burst of 100 raised
 * and 100 cleared runs 200 hooks. */
static void test_hooks_queue_not_drop(void **state)
{
	struct fix *f = *state;
	char out[128], cmd[256];
	snprintf(out, sizeof out, "%s/runs", f->dir);
	snprintf(cmd, sizeof cmd, "echo \"$CCBOARD_ALERT_CHANGE\" >> '%s'", out);
	struct alertlog *al = alertlog_new(&f->loop, NULL, cmd, 30000, NULL);
	assert_non_null(al);
	for (int i = 0; i < 200; i++) {
		struct alert_event r = event(i < 100 ? ALERT_RAISED : ALERT_CLEARED, SEV_WARNING, 1, "m");
		alertlog_emit(al, &r);
	}
	struct alertlog_stats st = alertlog_stats(al);
	assert_int_equal(st.execs_started, ALERTLOG_MAX_CHILDREN);
	assert_int_equal(st.children, ALERTLOG_MAX_CHILDREN);
	assert_int_equal(st.waiting, 200 - ALERTLOG_MAX_CHILDREN);
	run_until_idle(f, al);
	st = alertlog_stats(al);
	assert_int_equal(st.execs_started, 200);
	assert_int_equal(st.execs_dropped + st.exec_failures, 0);
	close_and_drain(f, al);
	assert_int_equal(count_lines(slurp(out)), 200);
}

/* Past the waiting ring, hooks are dropped and counted. */
static void test_hook_queue_cap(void **state)
{
	struct fix *f = *state;
	struct alertlog *al = alertlog_new(&f->loop, NULL, "exit 0", 30000, NULL);
	assert_non_null(al);
	struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1, "m");
	int n = ALERTLOG_MAX_CHILDREN + ALERTLOG_MAX_WAITING + 5;
	for (int i = 0; i < n; i++)
		alertlog_emit(al, &r);
	assert_int_equal(alertlog_stats(al).execs_dropped, 5);
	close_and_drain(f, al);
}

static bool pid_gone(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return true;
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'Z';   /* a zombie has ended */
}

static pid_t read_pid(const char *path)
{
	return (pid_t)atoi(slurp(path));
}

/* Runs the loop until pid is gone (fails past 30 s). */
static void run_until_gone(struct fix *f, pid_t pid)
{
	uv_update_time(&f->loop);
	uint64_t start = uv_now(&f->loop);
	while (!pid_gone(pid)) {
		uv_run(&f->loop, UV_RUN_NOWAIT);
		usleep(10000);
		uv_update_time(&f->loop);
		if (uv_now(&f->loop) - start > 30000)
			fail_msg("pid %d still running after 30 s", (int)pid);
	}
}

/* A hung hook is killed (its whole process group) after the timeout, counted,
 * and the hooks after it still run. */
static void test_hook_timeout(void **state)
{
	struct fix *f = *state;
	char pidf[128], cmd[256], out[128];
	snprintf(pidf, sizeof pidf, "%s/pid", f->dir);
	snprintf(out, sizeof out, "%s/runs", f->dir);
	snprintf(cmd, sizeof cmd, "if [ \"$CCBOARD_ALERT_CHANGE\" = raised ]; then sleep 60 & "
	         "echo $! > '%s'; wait; else echo ok >> '%s'; fi", pidf, out);
	/* 1.5 s: on a loaded machine the cleared hooks' shells must start and
	 * write within the timeout too (300 ms was missed at a load of 10) */
	struct alertlog *al = alertlog_new(&f->loop, NULL, cmd, 1500, NULL);
	assert_non_null(al);
	for (int i = 0; i < ALERTLOG_MAX_CHILDREN; i++) {
		struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1, "hang");
		alertlog_emit(al, &r);
	}
	for (int i = 0; i < 3; i++) {
		struct alert_event c = event(ALERT_CLEARED, SEV_OK, 1, "ok");
		alertlog_emit(al, &c);
	}
	run_until_file(f, pidf);
	pid_t grandchild = read_pid(pidf);
	run_until_idle(f, al);
	struct alertlog_stats st = alertlog_stats(al);
	assert_int_equal(st.exec_timeouts, ALERTLOG_MAX_CHILDREN);
	assert_int_equal(st.exec_failures, ALERTLOG_MAX_CHILDREN);
	assert_int_equal(st.execs_started, ALERTLOG_MAX_CHILDREN + 3);
	assert_int_equal(count_lines(slurp(out)), 3);
	run_until_gone(f, grandchild);   /* the hook's own child went with it */
	close_and_drain(f, al);
}

static void test_failing_hook(void **state)
{
	struct fix *f = *state;
	struct alertlog *al = alertlog_new(&f->loop, NULL, "exit 3", 30000, NULL);
	assert_non_null(al);
	struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1, "m");
	alertlog_emit(al, &r);
	run_until_idle(f, al);
	struct alertlog_stats st = alertlog_stats(al);
	assert_int_equal(st.execs_started, 1);
	assert_int_equal(st.exec_failures, 1);
	assert_int_equal(st.exec_timeouts, 0);
	assert_int_equal(st.last_exec_error, 3);
	close_and_drain(f, al);
}

/* A hook has no terminal: its own session, stdin from /dev/null. */
static void test_hook_detached(void **state)
{
	struct fix *f = *state;
	char out[128], cmd[320];
	snprintf(out, sizeof out, "%s/sess", f->dir);
	snprintf(cmd, sizeof cmd, "s=$(cut -d' ' -f6 /proc/$$/stat); "
	         "if [ \"$s\" = $$ ]; then echo leader; else echo \"not $s\"; fi > '%s'; "
	         "if [ -t 0 ]; then echo tty; else echo notty; fi >> '%s'; "
	         "(exec 3</dev/tty) 2>/dev/null && echo devtty >> '%s'; true", out, out, out);
	struct alertlog *al = alertlog_new(&f->loop, NULL, cmd, 30000, NULL);
	assert_non_null(al);
	struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1, "m");
	alertlog_emit(al, &r);
	run_until_idle(f, al);
	assert_int_equal(alertlog_stats(al).exec_failures, 0);
	close_and_drain(f, al);
	assert_string_equal(slurp(out), "leader\nnotty\n");
}

/* Closing (ccboard's exit) kills the hooks still running, at once. */
static void test_close_kills_running_hook(void **state)
{
	struct fix *f = *state;
	char pidf[128], cmd[256];
	snprintf(pidf, sizeof pidf, "%s/pid", f->dir);
	snprintf(cmd, sizeof cmd, "sleep 60 & echo $! > '%s'; wait", pidf);
	struct alertlog *al = alertlog_new(&f->loop, NULL, cmd, 0, NULL);
	assert_non_null(al);
	struct alert_event r = event(ALERT_RAISED, SEV_WARNING, 1, "m");
	alertlog_emit(al, &r);
	alertlog_emit(al, &r);
	run_until_file(f, pidf);
	pid_t grandchild = read_pid(pidf);
	close_and_drain(f, al);   /* does not wait for the hook (asserted < 3 s) */
	run_until_gone(f, grandchild);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_log_and_exec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_appends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_written_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_cap_counts_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_after_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fields_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks_queue_not_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_queue_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_detached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_kills_running_hook, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
