/* test_model_time.c - the model's clock: days of 23 and 25 hours in zones with
 * DST, a reload in the repeated hour, lines from the future, the host clock
 * stepping back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "model.h"
#include "queuelog.h"
#include "util.h"

struct fixture {
	struct config cfg;
	struct model *m;
};

static void use_zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	use_zone("UTC");
	config_defaults(&f->cfg);
	f->m = model_new(&f->cfg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	model_free(f->m);
	config_free(&f->cfg);
	free(f);
	use_zone("UTC");
	return 0;
}

static bool parse(char *line, struct qevent *ev)
{
	return queuelog_parse(line, strlen(line), ev) == QL_EVENT;
}

/* Feeds one queue_log line through model_apply. */
static void feed(struct fixture *f, const char *fmt, ...)
{
	char line[512];
	struct qevent ev;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	assert_true(parse(line, &ev));
	model_apply(f->m, &ev);
}

/* Feeds one line through model_submit with the wall clock at wall. */
static enum model_verdict submit(struct fixture *f, int64_t wall, const char *fmt, ...)
{
	char line[512];
	struct qevent ev;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	assert_true(parse(line, &ev));
	return model_submit(f->m, &ev, wall);
}

static size_t qidx(struct fixture *f, const char *name)
{
	for (size_t i = 0; i < model_queue_count(f->m); i++)
		if (strcmp(model_queue_name(f->m, i), name) == 0)
			return i;
	fail_msg("no queue %s", name);
	return 0;
}

static int intervals_now(struct fixture *f)
{
	int n;
	model_queue_intervals(f->m, 0, &n);
	return n;
}

/* ---- days of 23 and 25 hours ----------------------------------------------- */

struct dst_day {
	const char *tz;
	int64_t start, end;   /* local midnight to local midnight (zoneinfo) */
	int intervals;        /* 15-minute intervals in the day */
};

static const struct dst_day dst_days[] = {
	{ "America/New_York", 1772946000, 1773028800, 92 },    /* 2026-03-08 */
	{ "America/New_York", 1793505600, 1793595600, 100 },   /* 2026-11-01 */
	{ "Europe/Berlin", 1774738800, 1774821600, 92 },       /* 2026-03-29 */
	{ "Europe/Berlin", 1792879200, 1792969200, 100 },      /* 2026-10-25 */
};

static void test_dst_day_bounds(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < sizeof dst_days / sizeof dst_days[0]; i++) {
		const struct dst_day *d = &dst_days[i];
		use_zone(d->tz);
		model_free(f->m);
		f->m = model_new(&f->cfg);
		feed(f, "%lld|c1|q|NONE|ENTERQUEUE||1|1", (long long)d->start - 60);
		feed(f, "%lld|c1|q|A|CONNECT|5|x|1", (long long)d->start + 10);
		/* every hour of the day, the repeated one included, is the same day */
		for (int64_t t = d->start + 10; t < d->end; t += 1800) {
			model_advance(f->m, t);
			assert_int_equal(model_day_start(f->m), d->start);
			assert_int_equal(model_queue_today(f->m, 0)->answered, 1);
		}
		model_advance(f->m, d->end - 1);
		assert_int_equal(model_day_start(f->m), d->start);
		assert_int_equal(intervals_now(f), d->intervals);
		/* the last interval is the day's last quarter hour */
		feed(f, "%lld|c2|q|NONE|ENTERQUEUE||1|1", (long long)d->end - 30);
		feed(f, "%lld|c2|q|A|CONNECT|5|x|1", (long long)d->end - 2);
		const struct interval *iv = model_queue_intervals(f->m, 0, &(int){0});
		assert_int_equal(iv[d->intervals - 1].answered, 1);
		assert_int_equal(iv[0].answered, 1);
		model_advance(f->m, d->end);
		assert_int_equal(model_day_start(f->m), d->end);
		assert_int_equal(model_queue_today(f->m, 0)->answered, 0);
		assert_int_equal(intervals_now(f), 1);
	}
}

/* The pure helper: an hour that happens twice gives its first instant, an hour
 * that never happens gives the instant the clocks jump past it. */
static void test_local_epoch(void **state)
{
	(void)state;
	use_zone("America/New_York");
	assert_int_equal(util_local_epoch(2026, 11, 1, 90), 1793511000);   /* 01:30 EDT */
	assert_int_equal(util_local_epoch(2026, 3, 8, 150), 1772953200);   /* 03:00 EDT */
	assert_int_equal(util_local_epoch(2026, 3, 8, 0), 1772946000);
	assert_int_equal(util_local_epoch(2026, 2, 29, 0), util_local_epoch(2026, 3, 1, 0));
	use_zone("Europe/Berlin");
	assert_int_equal(util_local_epoch(2026, 10, 25, 150), 1792888200); /* 02:30 CEST */
	assert_int_equal(util_local_epoch(2026, 3, 29, 150), 1774746000);  /* 03:00 CEST */
	assert_int_equal(util_local_epoch(2026, 10, 24, 24 * 60 + 0), 1792879200);
}

/* A reload (SIGHUP) in the repeated hour keeps today, whatever mktime did
 * before; also with day_start itself in the repeated or the skipped hour. */
static void test_reload_in_repeated_hour(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *tz;
		int day_start_min;
		int64_t first, second;   /* one wall time, before and after the clocks go back */
		int64_t start;           /* the day's start */
	} cases[] = {
		{ "America/New_York", 0, 1793511000, 1793514600, 1793505600 },
		{ "Europe/Berlin", 0, 1792888200, 1792891800, 1792879200 },
		{ "America/New_York", 75, 1793511000, 1793514600, 1793510100 },
		{ "Europe/Berlin", 135, 1792888200, 1792891800, 1792887300 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		use_zone(cases[i].tz);
		f->cfg.day_start_min = cases[i].day_start_min;
		model_free(f->m);
		f->m = model_new(&f->cfg);
		feed(f, "%lld|c1|q|NONE|ENTERQUEUE||1|1", (long long)cases[i].first - 20);
		feed(f, "%lld|c1|q|A|CONNECT|5|x|1", (long long)cases[i].first);
		assert_int_equal(model_day_start(f->m), cases[i].start);
		for (int64_t t = cases[i].first; t <= cases[i].second + 600; t += 300) {
			/* glibc's mktime starts from the offset of its previous call:
			 * call it in summer and in winter before the reload, as any
			 * other code (or a strftime) may */
			for (int season = 0; season < 2; season++) {
				struct tm tm = { .tm_year = 126, .tm_mon = season ? 0 : 6, .tm_mday = 1,
				                 .tm_hour = 12, .tm_isdst = -1 };
				(void)mktime(&tm);
				model_advance(f->m, t);
				model_set_config(f->m, &f->cfg);
				assert_int_equal(model_day_start(f->m), cases[i].start);
				assert_int_equal(model_queue_today(f->m, qidx(f, "q"))->answered, 1);
			}
		}
	}
	f->cfg.day_start_min = 0;
}

/* ---- a line from the future ------------------------------------------------ */

#define T0 1767254400   /* 2026-01-01 08:00:00 UTC */

/* Seventeen calls waiting, some answered; one line from 2286 must be refused
 * and change nothing: the clock, today, the waits, the later answers. */
static void test_future_line(void **state)
{
	struct fixture *f = *state;
	int64_t wall = T0 + 100;
	for (int i = 0; i < 17; i++)
		assert_int_equal(submit(f, wall, "%d|w%d|sales|NONE|ENTERQUEUE||1|1", T0 + i, i),
		                 MODEL_APPLIED);
	assert_int_equal(submit(f, wall, "%d|a1|sales|NONE|ENTERQUEUE||1|1", T0 + 20), MODEL_APPLIED);
	assert_int_equal(submit(f, wall, "%d|a1|sales|Alex|CONNECT|10|x|1", T0 + 30), MODEL_APPLIED);
	assert_int_equal(submit(f, wall, "9999999999|j|sales|NONE|ENTERQUEUE||1|1"), MODEL_FUTURE);
	assert_int_equal(submit(f, wall, "9999999999|j2|newq|NONE|ENTERQUEUE||1|1"), MODEL_FUTURE);
	assert_int_equal(model_stats(f->m).future_lines, 2);
	assert_int_equal(model_now(f->m), T0 + 30);
	assert_int_equal(model_queue_count(f->m), 1);       /* "newq" not added */
	model_advance(f->m, wall);
	size_t q = qidx(f, "sales");
	assert_int_equal(model_queue_waiting(f->m, q), 17);
	assert_int_equal(model_queue_longest_wait(f->m, q), 100);
	assert_int_equal(model_stats(f->m).stale_dropped, 0);
	assert_int_equal(model_queue_today(f->m, q)->answered, 1);
	/* later answers still count */
	assert_int_equal(submit(f, wall + 10, "%d|w0|sales|Bea|CONNECT|110|x|1", T0 + 110),
	                 MODEL_APPLIED);
	assert_int_equal(model_queue_today(f->m, q)->answered, 2);
	assert_int_equal(model_queue_window(f->m, q)->answered, 2);
	/* within the slack (300 s by default) a line is accepted; past it, not */
	assert_int_equal(submit(f, wall + 10, "%d|s1|sales|NONE|ENTERQUEUE||1|1", wall + 310),
	                 MODEL_APPLIED);
	assert_int_equal(submit(f, wall + 10, "%d|s2|sales|NONE|ENTERQUEUE||1|1", wall + 311),
	                 MODEL_FUTURE);
	f->cfg.defaults.future_slack_s = 0;
	assert_int_equal(submit(f, wall + 10, "%d|s3|sales|NONE|ENTERQUEUE||1|1", wall + 11),
	                 MODEL_FUTURE);
	f->cfg.defaults.future_slack_s = 300;
	/* without a wall clock nothing is checked (the pure model_apply) */
	feed(f, "%d|s4|sales|NONE|ENTERQUEUE||1|1", wall + 400);
	assert_int_equal(model_now(f->m), wall + 400);
}

/* ---- the host clock stepping back --------------------------------------------- */

static void test_clock_step_back(void **state)
{
	struct fixture *f = *state;
	size_t q;
	feed(f, "%d|c1|sales|NONE|ENTERQUEUE||1|1", T0);
	feed(f, "%d|c1|sales|Alex|CONNECT|10|x|1", T0 + 10);
	feed(f, "%d|c2|sales|NONE|ENTERQUEUE||1|1", T0 + 3590);
	model_advance(f->m, T0 + 3600);
	q = qidx(f, "sales");
	assert_int_equal(model_queue_longest_wait(f->m, q), 10);

	/* NTP steps the clock back an hour: the board follows */
	model_advance(f->m, T0 + 5);
	assert_int_equal(model_now(f->m), T0 + 5);
	assert_int_equal(model_day_start(f->m), T0 - 8 * 3600);
	assert_int_equal(model_queue_today(f->m, q)->answered, 1);   /* today kept */
	assert_int_equal(model_queue_longest_wait(f->m, q), 0);      /* never negative */
	/* the answer stamped an hour ahead of the new clock left the window */
	assert_int_equal(model_queue_window(f->m, q)->answered, 0);

	/* events after the step count: in the window, today, the waits */
	feed(f, "%d|c3|sales|NONE|ENTERQUEUE||1|1", T0 + 20);
	model_advance(f->m, T0 + 50);
	assert_int_equal(model_queue_waiting(f->m, q), 2);
	assert_int_equal(model_queue_longest_wait(f->m, q), 30);
	feed(f, "%d|c3|sales|Bea|CONNECT|40|x|1", T0 + 60);
	assert_int_equal(model_queue_today(f->m, q)->answered, 2);
	assert_int_equal(model_queue_window(f->m, q)->answered, 1);
	model_advance(f->m, T0 + 61);
	assert_int_equal(model_now(f->m), T0 + 61);
	/* and the window rolls on from the new clock */
	model_advance(f->m, T0 + 60 + 900);
	assert_int_equal(model_queue_window(f->m, q)->answered, 0);
	assert_int_equal(model_queue_today(f->m, q)->answered, 2);

	/* a wall clock behind the events by no more than the slack is only skew:
	 * the clock stays, and so does what was counted */
	feed(f, "%d|c4|sales|NONE|ENTERQUEUE||1|1", T0 + 1000);
	feed(f, "%d|c4|sales|Bea|CONNECT|3|x|1", T0 + 1300);
	model_advance(f->m, T0 + 1001);
	assert_int_equal(model_now(f->m), T0 + 1300);
	assert_int_equal(model_queue_window(f->m, q)->answered, 1);
	model_advance(f->m, T0 + 999);
	assert_int_equal(model_now(f->m), T0 + 999);

	/* stepping back before today's start starts that day afresh */
	model_advance(f->m, T0 - 9 * 3600);
	assert_int_equal(model_day_start(f->m), T0 - 8 * 3600 - 86400);
	feed(f, "%d|c5|sales|NONE|ENTERQUEUE||1|1", T0 - 9 * 3600 + 1);
	feed(f, "%d|c5|sales|Bea|CONNECT|3|x|1", T0 - 9 * 3600 + 4);
	assert_int_equal(model_queue_today(f->m, q)->answered, 1);
	assert_int_equal(model_queue_window(f->m, q)->answered, 1);
}

/* After a step back, today's intervals still hold what was counted before it:
 * today stays the sum of its intervals (found by fuzz_model's zone programs). */
static void test_intervals_after_step_back(void **state)
{
	struct fixture *f = *state;
	int n;
	feed(f, "%d|c1|q|NONE|ENTERQUEUE||1|1", T0 + 2990);
	feed(f, "%d|c1|q|A|CONNECT|10|x|1", T0 + 3000);           /* 08:50, interval 35 */
	model_advance(f->m, T0 + 5);                               /* back to 08:00 */
	const struct interval *iv = model_queue_intervals(f->m, 0, &n);
	assert_true(n >= 36);
	int sum = 0;
	for (int i = 0; i < n; i++)
		sum += iv[i].answered;
	assert_int_equal(sum, model_queue_today(f->m, 0)->answered);
	assert_int_equal(sum, 1);
}

/* A queue keeps only the intervals up to now's: they grow as the clock
 * moves, every one a reader sees is there (zero when nothing was counted in
 * it), a queue that counted nothing reads zeros, and a new day starts with
 * none. */
static void test_intervals_grow(void **state)
{
	struct fixture *f = *state;
	int n, n2;
	int64_t day = T0 - 8 * 3600;                                 /* 00:00 */
	feed(f, "%lld|c1|q|NONE|ENTERQUEUE||1|1", (long long)day + 100);
	feed(f, "%lld|c1|q|A|CONNECT|10|x|1", (long long)day + 110);   /* interval 0 */
	feed(f, "%lld|c2|r|NONE|ENTERQUEUE||1|1", (long long)day + 120);
	const struct interval *iv = model_queue_intervals(f->m, 0, &n);
	assert_int_equal(n, 1);
	assert_int_equal(iv[0].answered, 1);
	model_advance(f->m, day + 5 * 900 + 1);                      /* interval 5 */
	iv = model_queue_intervals(f->m, 0, &n);
	assert_int_equal(n, 6);
	assert_int_equal(iv[0].answered, 1);
	for (int i = 1; i < n; i++)
		assert_int_equal(iv[i].answered + iv[i].offered, 0);
	feed(f, "%lld|c3|q|NONE|ENTERQUEUE||1|1", (long long)day + 5 * 900 + 2);
	feed(f, "%lld|c3|q|A|CONNECT|10|x|1", (long long)day + 5 * 900 + 12);
	iv = model_queue_intervals(f->m, 0, &n);
	assert_int_equal(iv[5].answered, 1);
	const struct interval *r = model_queue_intervals(f->m, 1, &n2);  /* no tally */
	assert_int_equal(n2, 6);
	for (int i = 0; i < n2; i++)
		assert_int_equal(r[i].offered + r[i].answered + r[i].abandoned, 0);
	model_advance(f->m, day + 86400 + 10);                       /* the next day */
	iv = model_queue_intervals(f->m, 0, &n);
	assert_int_equal(n, 1);
	assert_int_equal(iv[0].answered, 0);
}

/* A queue holds its intervals from the first counted in today, not from
 * the day's start (a log begun in the afternoon); a tally in an earlier one
 * (a late outcome) makes every queue's start there. Read from the day's
 * start, the intervals before are zeros. */
static void test_intervals_from_first(void **state)
{
	struct fixture *f = *state;
	int n, first;
	int64_t day = T0 - 8 * 3600;                                 /* 00:00 */
	feed(f, "%lld|c1|q|NONE|ENTERQUEUE||1|1", (long long)day + 40 * 900 + 5);
	feed(f, "%lld|c1|q|A|CONNECT|10|x|1", (long long)day + 40 * 900 + 15);   /* interval 40 */
	feed(f, "%lld|c2|r|NONE|ENTERQUEUE||1|1", (long long)day + 41 * 900 + 5);
	feed(f, "%lld|c2|r|A|CONNECT|10|x|1", (long long)day + 41 * 900 + 15);   /* 41 */
	const struct interval *iv = model_queue_intervals_from(f->m, 0, &first, &n);
	assert_int_equal(first, 40);
	assert_int_equal(n, 42);
	assert_int_equal(iv[0].answered, 1);
	assert_int_equal(iv[1].answered, 0);
	feed(f, "%lld|c3|q|NONE|ENTERQUEUE||1|1", (long long)day + 41 * 900 + 20);
	feed(f, "%lld|c3|q|A|CONNECT|10|x|1", (long long)day + 30 * 900 + 15);   /* late: 30 */
	iv = model_queue_intervals_from(f->m, 1, &first, &n);
	assert_int_equal(first, 30);
	assert_int_equal(iv[11].answered, 1);                        /* r's 41 */
	iv = model_queue_intervals(f->m, 0, &n);
	assert_int_equal(n, 42);
	for (int i = 0; i < n; i++)
		assert_int_equal(iv[i].answered, i == 30 || i == 40);
	model_advance(f->m, day + 86400 + 10);                       /* the next day */
	iv = model_queue_intervals_from(f->m, 0, &first, &n);
	assert_int_equal(first, 0);
	assert_int_equal(n, 1);
	assert_int_equal(iv[0].answered, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dst_day_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_epoch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_in_repeated_hour, setup, teardown),
		cmocka_unit_test_setup_teardown(test_future_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_step_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intervals_after_step_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intervals_grow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intervals_from_first, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
