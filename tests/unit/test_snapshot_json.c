/* test_snapshot_json.c - the JSON line written by hand (snapshot_json.c) is
 * byte for byte the one jansson writes (snapshot_write_json_ref): names with
 * quotes, controls, UTF-8 and invalid bytes; nulls, negative zero, large
 * numbers; groups; callers; alerts and sources after them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "alerts.h"
#include "config.h"
#include "figures.h"
#include "model.h"
#include "queuelog.h"
#include "fixture_model.h"
#include "fixture_dump.h"
#include "snapshot.h"
#include "snapshot_json.h"
#include "staffing.h"

#define T0 1767254400

static void same(const struct snapshot *s)
{
	free(fx_same_json(s));
}

static void test_reals(void **state)
{
	static const double v[] = { 0, -0.0, 70, 65.19, 65.1, 0.05, -0.05, -12.5, 99.99, 100,
		1e11 + 0.25, 1e12, 1e20, 0.1 + 0.2, 1.0 / 3, 123456.78, -99999.01 };
	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct jbuf b = { 0 };
		char want[64];
		json_t *j = json_real(v[i]);
		char *t = json_dumps(j, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
		jbuf_real(&b, v[i]);
		jbuf_put(&b, "", 1);
		snprintf(want, sizeof want, "%s", t);
		assert_string_equal(b.p, want);
		free(t);
		json_decref(j);
		free(b.p);
	}
}

static void test_strings(void **state)
{
	static const char *v[] = { "", "sales", "q\"1\\", "a\tb\nc\rd\be\ff\x01\x1f\x7f",
		"caf\xc3\xa9", "\xf0\x9f\x98\x80 emoji", "bad \xff\xfe bytes", "\xc3", "\xe2\x82",
		"\xed\xa0\x80 surrogate", "\xf4\x90\x80\x80 beyond", "slash /", "\xc0\xaf overlong" };
	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct snapshot s;
		struct snap_queue q;
		memset(&s, 0, sizeof s);
		memset(&q, 0, sizeof q);
		q.name = v[i];
		q.display = "x\xe9y";
		q.sl_target_pct = 80;
		s.queues = &q;
		s.n_queues = 1;
		s.total.name = "total";
		s.total.display = "total";
		same(&s);
	}
}

/* Integers at the edges of each digit count, and of their type. */
static void test_ints(void **state)
{
	static const long long v[] = { 0, 1, -1, 9, 10, 99, 100, 101, 999, 1000, 12345, -98765,
		4294967295ll, 9999999999999999ll, 10000000000000000ll, 999999999999999999ll,
		1000000000000000000ll, INT64_MAX, INT64_MIN, INT64_MIN + 1 };
	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct jbuf b = { 0 };
		char want[32];
		jbuf_put(&b, "x", 1);
		jbuf_int(&b, v[i]);
		jbuf_put(&b, "", 1);
		snprintf(want, sizeof want, "x%lld", v[i]);
		assert_string_equal(b.p, want);
		free(b.p);
	}
}

/* A kept buffer far larger than the last line gives its room back, keeping
 * its bytes; one a little larger keeps its room (no shrink at each line). */
static void test_fit(void **state)
{
	struct jbuf b = { 0 };
	(void)state;
	for (int i = 0; i < 300000; i++)
		jbuf_put(&b, i % 2 ? "ab" : "cd", 2);
	size_t big = b.cap;
	b.n = 1000;
	jbuf_fit(&b, b.n);
	assert_true(b.cap < big / 100);
	assert_true(b.cap >= 1000 + 1000 / 8);
	assert_memory_equal(b.p, "cdab", 4);
	assert_memory_equal(b.p + 996, "cdab", 4);
	size_t small = b.cap;
	jbuf_fit(&b, 900);                       /* within a quarter: kept as it is */
	assert_int_equal(b.cap, small);
	b.n = 0;
	jbuf_fit(&b, 0);                         /* never below a few pages */
	assert_true(b.cap > 0);
	jbuf_put(&b, "x", 1);
	assert_int_equal(b.n, 1);
	free(b.p);
}

/* Every figure of a queue at odd values (negative, past 2^53, halves of a
 * hundredth, not finite, huge): the same as jansson writes. */
static void test_odd_figures(void **state)
{
	static const double reals[] = { 0, -0.0, -0.004, 0.005, 0.015, 1.005, -2.675, 65.19,
		99.995, 1e11 + 0.125, 999999999999.99, 1e12, 1e12 - 0.001, 3e13, 1e300, -1e15,
		NAN, INFINITY, -INFINITY, 1.0 / 3 };
	static const long long ints[] = { 0, -1, 7, 99, 100, -100000, 2147483647, -2147483647 - 1 };
	static const int64_t i64s[] = { 0, -3, 86400, 9007199254740993ll, -9007199254740993ll,
		123456789012345678ll, INT64_MAX / 2 };
	(void)state;
	for (size_t r = 0; r < sizeof reals / sizeof reals[0]; r++) {
		struct snapshot s;
		struct snap_queue q;
		memset(&s, 0, sizeof s);
		memset(&q, 0, sizeof q);
		q.name = "q";
		q.sl_target_pct = 80;
		for (size_t i = 0; i < figures_count; i++) {
			char *at = (char *)&q + figures[i].offset;
			size_t k = i + r;
			switch (figures[i].type) {
			case FIG_INT: {
				int x = (int)ints[k % (sizeof ints / sizeof ints[0])];
				memcpy(at, &x, sizeof x);
				break;
			}
			case FIG_I64:
				memcpy(at, &i64s[k % (sizeof i64s / sizeof i64s[0])], sizeof(int64_t));
				break;
			case FIG_REAL:
				memcpy(at, &reals[k % (sizeof reals / sizeof reals[0])], sizeof(double));
				break;
			default:
				break;
			}
		}
		q.staffing.n = STAFF_INTERVALS;
		for (int k = 0; k < STAFF_INTERVALS; k++) {
			struct staff_interval *iv = &q.staffing.iv[k];
			const double *rv = reals;
			size_t nr = sizeof reals / sizeof reals[0];
			iv->interval_start = T0 + 900 * k;
			iv->forecast_calls = rv[(r + 1 + k) % nr];
			iv->aht_s = rv[(r + 2 + k) % nr];
			iv->traffic_erlangs = rv[(r + 3 + k) % nr];
			iv->sl_threshold_s = 20 + k;
			iv->sl_target_pct = rv[(r + 4 + k) % nr];
			iv->required_agents = k ? -1 : (int)r;
			iv->available_agents = (int)r - 3;
			iv->gap = iv->required_agents - iv->available_agents;
			iv->sl_predicted_pct = rv[(r + 5 + k) % nr];
		}
		struct snap_alert al = { .rule = "r", .queue = "q", .severity = SEV_WARNING,
		                         .since = T0, .value = reals[r], .message = "m" };
		const struct snap_alert *alp = &al;
		s.alerts = &alp;
		s.n_alerts = 1;
		s.queues = &q;
		s.n_queues = 1;
		s.total = q;
		s.total.name = "total";
		s.total.staffing.n = 0;
		same(&s);
	}
}

/* A model with odd names, waiting callers, figures of every kind, groups
 * and alerts. */
static void test_model_snapshot(void **state)
{
	struct config cfg;
	char *errors = NULL;
	char path[] = "/tmp/test_snapshot_json_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	(void)state;
	setenv("TZ", "UTC", 1);
	fputs("[defaults]\nwrapup_s = 7\nsl_target_pct = 87.5\n[queue.q10]\ndisplay = Ten \"x\"\n"
	      "[queue.q2]\nsl_formula = answered\n[group.g]\nqueues = q*\ndisplay = G\n"
	      "[group.h]\nqueues = q2\n", f);
	fclose(f);
	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, path, &errors), 0);
	unlink(path);
	struct model *m = model_new(&cfg);
	struct alerts *al = alerts_new(cfg.alert_rules);
	fx_feed(m, "%d|MANAGER|q2|Ann|ADDMEMBER|", T0);
	fx_feed(m, "%d|MANAGER|q10|Bob \xc3\xa9|ADDMEMBER|", T0);
	fx_feed(m, "%d|MANAGER|caf\xc3\xa9\xff|Cy|ADDMEMBER|", T0);
	for (int i = 0; i < 30; i++) {
		const char *q = i % 3 == 0 ? "q2" : i % 3 == 1 ? "q10" : "caf\xc3\xa9\xff";
		fx_feed(m, "%d|c%d|%s|NONE|ENTERQUEUE||\"%d\\\x01|1", T0 + 10 * i, i, q, i);
		if (i % 4 == 0)
			fx_feed(m, "%d|c%d|%s|NONE|ABANDON|1|1|%d", T0 + 10 * i + 3, i, q, i % 9);
		else if (i % 4 == 1)
			fx_feed(m, "%d|c%d|%s|Ann|CONNECT|%d|c%d.1|2", T0 + 10 * i + 4, i, q, i, i);
	}
	fx_feed(m, "%d|c1|q10|Ann|COMPLETECALLER|5|61|1", T0 + 400);
	model_advance(m, T0 + 420);
	struct snapshot s;
	memset(&s, 0, sizeof s);
	snapshot_build(&s, m, &cfg);
	alerts_eval(al, &s, s.as_of, NULL, NULL);
	struct snap_source src = { .name = "file \"x\"", .kind = "file", .state = SRC_FOLLOWING,
	                           .lines = 12, .detail = "d\xc3\xa9" };
	s.sources = &src;
	s.n_sources = 1;
	assert_true(s.n_groups == 2);
	assert_true(s.n_alerts > 0);
	assert_true(s.queues[0].n_callers > 0 || s.queues[1].n_callers > 0);
	same(&s);
	struct snap_alert a0 = *s.alerts[0];   /* the alert state's own: changed in a copy */
	const struct snap_alert *a0p = &a0;
	a0.acknowledged = true;
	a0.value = NAN;
	snprintf(a0.message, sizeof a0.message, "caf\xc3\xa9 \"%s\"\x01", "q");
	s.alerts = &a0p;
	s.n_alerts = 1;
	same(&s);
	s.n_groups = 0;
	s.n_alerts = 0;
	s.n_sources = 0;
	same(&s);
	snapshot_free(&s);
	alerts_free(al);
	model_free(m);
	config_free(&cfg);
	free(errors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reals),
		cmocka_unit_test(test_ints),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_odd_figures),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_model_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
