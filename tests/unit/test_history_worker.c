/* test_history_worker.c - the history database off the loop thread: writes
 * keep their order, the typical day read in the pool reaches the model on the
 * loop, and the loop keeps ticking while a (made) slow read runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <uv.h>

#include "history.h"
#include "history_store.h"
#include "history_worker.h"
#include "util.h"

struct fixture {
	char dir[64], path[96];
	struct history_store *s;
	struct history *h;
	struct history_worker *w;
	int reports, errors;
	int64_t days;
	char last_cause[256];
};

static void on_report(void *ctx, const char *cause, int64_t days)
{
	struct fixture *f = ctx;
	f->reports++;
	f->errors += cause != NULL;
	f->days = days;
	snprintf(f->last_cause, sizeof f->last_cause, "%s", cause ? cause : "");
}

static void open_fixture(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(f->dir, sizeof f->dir, "/tmp/ccboard-hw-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/h.sqlite3", f->dir);
	char *cause = NULL;
	f->s = history_store_open(f->path, 50, &cause);
	assert_non_null(f->s);
	f->h = history_new();
	f->w = history_worker_new(uv_default_loop(), f->s, f->h, on_report, f);
}

static void close_fixture(struct fixture *f)
{
	history_worker_free(f->w);
	history_store_close(f->s);
	history_free(f->h);
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_int_equal(uv_loop_close(uv_default_loop()), 0);
}

/* A row of "sales" at 10:00 a week before day0. */
static struct hist_row row_at(int64_t day0, int offered)
{
	struct hist_row r;
	memset(&r, 0, sizeof r);
	r.kind = HIST_QUEUE;
	r.name = "sales";
	r.has_voice = true;
	r.start = day0 - 7 * 86400 + 10 * 3600;
	r.day = history_day_of(r.start, 0);
	r.voice.offered = offered;
	return r;
}

/* Three writes of one row given at once: the last one stays (order kept),
 * and the read hands the typical day to the model. */
static void test_write_order_and_load(void **state)
{
	(void)state;
	struct fixture f;
	open_fixture(&f);
	int64_t day0 = util_local_epoch(2026, 3, 30, 0);
	for (int v = 1; v <= 3; v++) {
		char name[8];
		snprintf(name, sizeof name, "sales");
		struct hist_row r = row_at(day0, v * 2);
		r.name = name;            /* the worker copies: the name may go */
		history_worker_write(f.w, &r, 1);
		memset(name, 'x', 5);
	}
	assert_true(history_worker_busy(f.w));
	uv_run(uv_default_loop(), UV_RUN_DEFAULT);
	assert_false(history_worker_busy(f.w));
	assert_int_equal(f.errors, 0);
	assert_int_equal(f.reports, 2);   /* the first alone, the two queued behind it together */
	assert_int_equal(f.days, 1);
	assert_true(history_worker_load(f.w, day0, day0 + 86400, 0, 8, 30));
	assert_false(history_worker_load(f.w, day0, day0 + 86400, 0, 8, 30));
	assert_false(history_has_typical(f.h));
	uv_run(uv_default_loop(), UV_RUN_DEFAULT);
	assert_true(history_has_typical(f.h));
	assert_true(history_typical_calls(f.h, "sales", 40) == 6);
	close_fixture(&f);
}

static void slow_job(void)
{
	usleep(300 * 1000);
}

struct ticker {
	struct history_worker *w;
	int ticks;
	uint64_t last, max_gap;
};

static void on_tick(uv_timer_t *t)
{
	struct ticker *k = t->data;
	uint64_t now = uv_hrtime() / 1000000;
	if (k->last && now - k->last > k->max_gap)
		k->max_gap = now - k->last;
	k->last = now;
	k->ticks++;
	if (!history_worker_busy(k->w))
		uv_close((uv_handle_t *)t, NULL);
}

/* A read that takes 300 ms in the pool: a 10 ms timer on the loop goes on
 * firing (a read on the loop would leave a gap of 300 ms or more). */
static void test_loop_ticks_during_slow_load(void **state)
{
	(void)state;
	struct fixture f;
	open_fixture(&f);
	int64_t day0 = util_local_epoch(2026, 3, 30, 0);
	struct hist_row r = row_at(day0, 4);
	history_worker_write(f.w, &r, 1);
	uv_run(uv_default_loop(), UV_RUN_DEFAULT);
	history_worker_job_hook = slow_job;
	struct ticker k = { .w = f.w };
	uv_timer_t t;
	uv_timer_init(uv_default_loop(), &t);
	t.data = &k;
	k.last = uv_hrtime() / 1000000;
	uv_timer_start(&t, on_tick, 10, 10);
	assert_true(history_worker_load(f.w, day0, day0 + 86400, 0, 8, 30));
	uv_run(uv_default_loop(), UV_RUN_DEFAULT);
	history_worker_job_hook = NULL;
	assert_true(history_has_typical(f.h));
	assert_true(k.ticks >= 5);
	assert_true(k.max_gap < 250);
	close_fixture(&f);
}

/* Runs the loop until f has had n reports (or 5 s). */
static void run_until(struct fixture *f, int n)
{
	uint64_t end = uv_hrtime() + 5000000000ull;
	while (f->reports < n && uv_hrtime() < end) {
		history_worker_tick(f->w);
		uv_run(uv_default_loop(), UV_RUN_NOWAIT);
		usleep(10 * 1000);
	}
	assert_int_equal(f->reports, n);
}

/* The database is opened in the pool: when history_worker_open returns
 * (the job held back 300 ms), the file is not there yet; then it is. */
static void test_open_in_pool(void **state)
{
	(void)state;
	struct fixture f;
	open_fixture(&f);
	history_worker_free(f.w);
	history_store_close(f.s);
	f.s = NULL;
	char path[128];
	snprintf(path, sizeof path, "%s/later.sqlite3", f.dir);
	f.w = history_worker_new(uv_default_loop(), NULL, f.h, on_report, &f);
	history_worker_job_hook = slow_job;
	history_worker_open(f.w, path, 50);
	struct stat sb;
	assert_int_not_equal(stat(path, &sb), 0);
	run_until(&f, 1);
	history_worker_job_hook = NULL;
	assert_int_equal(f.errors, 0);
	assert_int_equal(stat(path, &sb), 0);
	int64_t day0 = util_local_epoch(2026, 3, 30, 0);
	struct hist_row r = row_at(day0, 4);
	history_worker_write(f.w, &r, 1);
	run_until(&f, 2);
	assert_int_equal(f.errors, 0);
	assert_int_equal(f.days, 1);
	close_fixture(&f);
}

/* Another process holds the write lock: the write fails within busy_ms (the
 * loop never waits), is counted and said, its rows kept; once the lock is
 * gone, the next try (a second later) writes them with the rows given since. */
static void test_locked_write_retried(void **state)
{
	(void)state;
	struct fixture f;
	open_fixture(&f);
	sqlite3 *other;
	assert_int_equal(sqlite3_open(f.path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	int64_t day0 = util_local_epoch(2026, 3, 30, 0);
	struct hist_row r = row_at(day0, 4);
	history_worker_write(f.w, &r, 1);
	run_until(&f, 1);
	assert_int_equal(f.errors, 1);
	assert_non_null(strstr(f.last_cause, "locked"));
	assert_non_null(strstr(f.last_cause, "1 failed try, 1 rows waiting"));
	assert_int_equal(history_worker_failures(f.w), 1);
	r.start += 900;                 /* the next interval closes meanwhile */
	history_worker_write(f.w, &r, 1);
	assert_true(history_worker_busy(f.w));
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	run_until(&f, 2);
	assert_int_equal(f.errors, 1);
	assert_int_equal(f.days, 1);
	assert_false(history_worker_busy(f.w));
	struct hist_past p;
	char *cause = NULL;
	assert_int_equal(history_store_read_past(f.s, day0, 0, 8, &p, &cause), 0);
	assert_int_equal(p.n, 2);
	hist_past_free(&p);
	close_fixture(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_order_and_load),
		cmocka_unit_test(test_loop_ticks_during_slow_load),
		cmocka_unit_test(test_open_in_pool),
		cmocka_unit_test(test_locked_write_retried),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
