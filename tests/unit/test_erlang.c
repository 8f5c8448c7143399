/* test_erlang.c - Erlang C and Erlang A: values known by hand, limits, and
 * (with CCBOARD_ERLANG_TABLE set, as tests/e2e/erlang.sh does) the table an
 * independent Python reference wrote over a grid of traffic 0.1-900 Erlangs,
 * AHT 30-900 s, thresholds 10-60 s and targets 50-95 %: required agents
 * exact, service level within 0.01 percentage points. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "erlang.h"

#define SL_TOL 1e-4   /* 0.01 percentage points */

/* a = 2, n = 3: B = 4/19, C = 4/9 (by hand). */
static void test_erlang_c_by_hand(void **state)
{
	(void)state;
	assert_true(fabs(erlang_c_wait(3, 2.0) - 4.0 / 9.0) < 1e-12);
	/* SL = 1 - 4/9 e^-(3-2) 20/180 */
	assert_true(fabs(erlang_c_sl(3, 2.0, 180, 20) - (1 - 4.0 / 9.0 * exp(-1.0 / 9.0))) < 1e-12);
	assert_true(erlang_c_wait(2, 2.0) == 1.0);          /* n <= a: every call waits */
	assert_true(erlang_c_sl(2, 2.0, 180, 20) == 0.0);
	assert_true(erlang_c_sl(0, 0.0, 180, 20) == 1.0);   /* no traffic */
	assert_int_equal(erlang_c_required(0.0, 180, 20, 0.8), 0);
	/* the textbook case: 10 calls in 15 min... 100 calls/30 min, AHT 180 s = 10 Erlangs,
	 * 80/20: 14 agents give 0.8885, 13 give 0.7586 */
	assert_int_equal(erlang_c_required(10.0, 180, 20, 0.8), 14);
	assert_true(fabs(erlang_c_sl(14, 10.0, 180, 20) - 0.8885) < 5e-4);
}

/* 1,000 agents and 900 Erlangs, and worse: finite, in 0..1, monotone. */
static void test_large_and_finite(void **state)
{
	(void)state;
	double prev = -1;
	for (int n = 890; n <= 1000; n++) {
		double c = erlang_c_sl(n, 900.0, 30, 20), a = erlang_a_sl(n, 900.0, 30, 120, 20);
		assert_true(isfinite(c) && c >= 0 && c <= 1);
		assert_true(isfinite(a) && a >= 0 && a <= 1);
		assert_true(c >= prev);
		prev = c;
	}
	assert_true(erlang_c_sl(1000, 900.0, 30, 20) > 0.999);
	int n = erlang_c_required(900.0, 30, 20, 0.8);
	assert_true(n > 900 && n < 1000);
	assert_true(erlang_a_required(900.0, 30, 120, 20, 0.8) <= n);
	double odd[] = { NAN, INFINITY, -1.0, 1e300 };
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		assert_true(isfinite(erlang_c_wait(10, odd[i])));
		assert_true(isfinite(erlang_c_sl(10, odd[i], 180, 20)));
		assert_true(isfinite(erlang_a_sl(10, 5.0, 180, odd[i], 20)));
		assert_true(isfinite(erlang_a_sl(10, 5.0, odd[i], 60, 20)));
		assert_int_equal(erlang_c_required(odd[i], 180, 20, 0.8), -1);
		if (i < 3)   /* a patience of 1e300 s is merely very patient */
			assert_int_equal(erlang_a_required(5.0, 180, odd[i], 20, 0.8), -1);
	}
	assert_true(erlang_c_sl(1000, 0.1, 30, 60) == 1.0);    /* 1/B far past a double */
	assert_true(isfinite(erlang_a_sl(1000, 0.1, 30, 600, 60)));
	assert_int_equal(erlang_c_required(5.0, 180, 0, 1.5), -1);   /* beyond 100 %: none */
}

/* Erlang A: n = 0 answers nobody; very patient callers behave as Erlang C;
 * impatient ones leave, so fewer agents reach the target. */
static void test_erlang_a_limits(void **state)
{
	(void)state;
	assert_true(erlang_a_sl(0, 5.0, 180, 60, 20) == 0.0);
	assert_true(erlang_a_sl(3, 0.0, 180, 60, 20) == 1.0);
	for (int n = 11; n <= 20; n++)
		assert_true(fabs(erlang_a_sl(n, 10.0, 180, 1e7, 20) - erlang_c_sl(n, 10.0, 180, 20)) < 1e-4);
	assert_true(erlang_a_sl(8, 10.0, 180, 60, 20) > 0);   /* fewer agents than Erlangs */
	assert_true(erlang_a_required(10.0, 180, 60, 20, 0.8) <= erlang_c_required(10.0, 180, 20, 0.8));
	double prev = 0;
	for (int n = 1; n < 40; n++) {
		double v = erlang_a_sl(n, 20.0, 240, 90, 30);
		assert_true(v >= prev);
		prev = v;
	}
}

/* ---- the reference table ---- */

struct table_stats {
	int c_rows, a_rows, sl_rows, ties;
	double worst_sl;
};

static void check_sl(double got, double want, const char *line, struct table_stats *st)
{
	double d = fabs(got - want);
	if (d > st->worst_sl)
		st->worst_sl = d;
	if (d > SL_TOL)
		fail_msg("SL %.9f, reference %.9f: %s", got, want, line);
}

static void check_required(int got, int want, int tie, const char *line, struct table_stats *st)
{
	if (tie) {      /* the reference's own SL is within 1e-9 of the target */
		st->ties++;
		assert_true(got == want || got == want - 1 || got == want + 1);
		return;
	}
	if (got != want)
		fail_msg("required %d, reference %d: %s", got, want, line);
}

static void check_line(const char *line, struct table_stats *st)
{
	double a, aht, pat, t, tg, sl, prev;
	int n, tie;
	if (sscanf(line, "C %lf %lf %lf %lf %d %lf %lf %d", &a, &aht, &t, &tg, &n, &sl, &prev,
	           &tie) == 8) {
		check_required(erlang_c_required(a, aht, t, tg), n, tie, line, st);
		check_sl(erlang_c_sl(n, a, aht, t), sl, line, st);
		check_sl(erlang_c_sl(n - 1, a, aht, t), prev, line, st);
		st->c_rows++;
	} else if (sscanf(line, "CS %d %lf %lf %lf %lf", &n, &a, &aht, &t, &sl) == 5) {
		check_sl(erlang_c_sl(n, a, aht, t), sl, line, st);
		st->sl_rows++;
	} else if (sscanf(line, "A %lf %lf %lf %lf %lf %d %lf %lf %d", &a, &aht, &pat, &t, &tg, &n,
	                  &sl, &prev, &tie) == 9) {
		check_required(erlang_a_required(a, aht, pat, t, tg), n, tie, line, st);
		check_sl(erlang_a_sl(n, a, aht, pat, t), sl, line, st);
		check_sl(erlang_a_sl(n - 1, a, aht, pat, t), prev, line, st);
		st->a_rows++;
	} else if (sscanf(line, "AS %d %lf %lf %lf %lf %lf", &n, &a, &aht, &pat, &t, &sl) == 6) {
		check_sl(erlang_a_sl(n, a, aht, pat, t), sl, line, st);
		st->sl_rows++;
	} else {
		fail_msg("bad reference line: %s", line);
	}
}

static void test_reference_table(void **state)
{
	(void)state;
	const char *path = getenv("CCBOARD_ERLANG_TABLE");
	char line[512];
	struct table_stats st = { 0 };
	FILE *f;
	if (!path || !*path)
		skip();   /* tests/e2e/erlang.sh runs this with the table */
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		check_line(line, &st);
	}
	fclose(f);
	printf("reference: %d Erlang C, %d Erlang A, %d SL rows, %d ties; worst SL gap %.2e\n",
	       st.c_rows, st.a_rows, st.sl_rows, st.ties, st.worst_sl);
	assert_true(st.c_rows >= 500 && st.a_rows >= 500 && st.sl_rows >= 100);
}

/* erlang_c_staff and erlang_a_staff give, from one walk, exactly what
 * erlang_*_required and erlang_*_sl give apart: below, at, past the
 * required agents, far past them (1/B in logs), and on bad input. */
static void test_staff_same(void **state)
{
	(void)state;
	static const double traffic[] = { 0.0, 0.3, 2.0, 7.5, 40.0, 900.0, -1.0, NAN };
	static const int agents[] = { 0, 1, 3, 8, 12, 50, 400, 1000, -2 };
	for (size_t i = 0; i < sizeof traffic / sizeof *traffic; i++)
		for (size_t j = 0; j < sizeof agents / sizeof *agents; j++) {
			double a = traffic[i], sl = -1;
			int n = agents[j];
			assert_int_equal(erlang_c_staff(a, 180, 20, 0.8, n, &sl),
			                 erlang_c_required(a, 180, 20, 0.8));
			assert_memory_equal(&sl, &(double){ erlang_c_sl(n, a, 180, 20) }, sizeof sl);
			if (a > 100)
				continue;              /* (Erlang A's sums: slow there) */
			assert_int_equal(erlang_a_staff(a, 180, 90, 20, 0.8, n, &sl),
			                 erlang_a_required(a, 180, 90, 20, 0.8));
			assert_memory_equal(&sl, &(double){ erlang_a_sl(n, a, 180, 90, 20) }, sizeof sl);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_erlang_c_by_hand),
		cmocka_unit_test(test_large_and_finite),
		cmocka_unit_test(test_erlang_a_limits),
		cmocka_unit_test(test_reference_table),
		cmocka_unit_test(test_staff_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
