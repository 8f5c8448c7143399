/* test_queue_rows.c - the rows of the queue table: groups above their
 * queues, folding, the filter, each sort column worst first and reversed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "queue_rows.h"

static struct snap_queue qs[5];
static struct snap_group gs[2];
static int g0[] = { 0, 1 }, g1[] = { 1, 2 };
static struct snapshot s;

static int setup(void **state)
{
	static const char *names[] = { "q2", "q10", "sales", "vip", "zeta" };
	static const int waiting[] = { 3, 0, 7, 1, 3 };
	static const double sl[] = { 90, NAN, 50, 99, 70 };
	(void)state;
	memset(&s, 0, sizeof s);
	for (int i = 0; i < 5; i++) {
		memset(&qs[i], 0, sizeof qs[i]);
		qs[i].name = names[i];
		qs[i].display = i == 3 ? "Very Important" : names[i];
		qs[i].waiting = waiting[i];
		qs[i].longest_wait_s = 10 * i;
		qs[i].window.d.service_level_pct = sl[i];
		qs[i].window.d.abandon_rate_pct = i;
	}
	gs[0] = (struct snap_group){ .q = { .name = "numbered", .display = "numbered" },
	                             .n_members = 2, .members = g0 };
	gs[1] = (struct snap_group){ .q = { .name = "mid", .display = "Mid" },
	                             .n_members = 2, .members = g1 };
	s.queues = qs;
	s.n_queues = 5;
	s.groups = gs;
	s.n_groups = 2;
	return 0;
}

/* The rows as text: "g0" for a group row, "q10" for a queue. */
static const char *rows(const struct qrows_opts *o)
{
	static char buf[256];
	struct qrow r[16];
	size_t n, used = 0;
	assert_true(qrows_max(&s) <= 16);
	n = qrows_build(&s, o, r);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", i ? " " : "",
		                         r[i].queue < 0 ? gs[r[i].group].q.name : qs[r[i].queue].name);
	return buf;
}

static void test_groups_above_their_queues(void **state)
{
	struct qrows_opts o = { .sort = QR_NAME };
	(void)state;
	/* q10 in two groups shows under each; natural order inside a group */
	assert_string_equal(rows(&o), "numbered q2 q10 mid q10 sales vip zeta");
	s.n_groups = 0;
	assert_string_equal(rows(&o), "q2 q10 sales vip zeta");
	s.n_groups = 2;
}

static void test_fold(void **state)
{
	bool folded[2] = { true, false };
	struct qrows_opts o = { .sort = QR_NAME, .folded = folded, .n_folded = 2 };
	(void)state;
	assert_string_equal(rows(&o), "numbered mid q10 sales vip zeta");
	folded[1] = true;
	assert_string_equal(rows(&o), "numbered mid vip zeta");
}

static void test_sort_worst_first(void **state)
{
	struct qrows_opts o = { .sort = QR_WAITING };
	(void)state;
	s.n_groups = 0;
	assert_string_equal(rows(&o), "sales q2 zeta vip q10");   /* ties by name */
	o.reverse = true;
	assert_string_equal(rows(&o), "q10 vip zeta q2 sales");
	o = (struct qrows_opts){ .sort = QR_SL };
	assert_string_equal(rows(&o), "sales zeta q2 vip q10");  /* no value last */
	o.reverse = true;
	assert_string_equal(rows(&o), "vip q2 zeta sales q10");  /* still last */
	o = (struct qrows_opts){ .sort = QR_LONGEST };
	assert_string_equal(rows(&o), "zeta vip sales q10 q2");
	o = (struct qrows_opts){ .sort = QR_ABANDON };
	assert_string_equal(rows(&o), "zeta vip sales q10 q2");
	o = (struct qrows_opts){ .sort = QR_NAME, .reverse = true };
	assert_string_equal(rows(&o), "zeta vip sales q10 q2");
	s.n_groups = 2;
	assert_string_equal(qrows_sort_name(QR_SL), "SL");
}

static void test_filter(void **state)
{
	struct qrows_opts o = { .sort = QR_NAME, .filter = "Q1" };
	(void)state;
	assert_string_equal(rows(&o), "numbered q10 mid q10");
	o.filter = "important";             /* the display name, any case */
	assert_string_equal(rows(&o), "vip");
	o.filter = "mid";                   /* a group's name shows all its queues */
	assert_string_equal(rows(&o), "mid q10 sales");
	o.filter = "nothing";
	assert_string_equal(rows(&o), "");
	o.filter = "";
	assert_string_equal(rows(&o), "numbered q2 q10 mid q10 sales vip zeta");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_groups_above_their_queues, setup),
		cmocka_unit_test_setup(test_fold, setup),
		cmocka_unit_test_setup(test_sort_worst_first, setup),
		cmocka_unit_test_setup(test_filter, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
