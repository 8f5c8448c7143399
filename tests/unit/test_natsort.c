/* test_natsort.c - names in natural order: q2 before q10. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "natsort.h"

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* a < b, and the order is antisymmetric. */
static void less(const char *a, const char *b)
{
	if (natsort_cmp(a, b) >= 0 || natsort_cmp(b, a) <= 0)
		fail_msg("expected '%s' < '%s' (got %d, %d)", a ? a : "(no name)", b,
		         natsort_cmp(a, b), natsort_cmp(b, a));
}

static void test_digit_runs(void **state)
{
	(void)state;
	less("q2", "q10");
	less("q9", "q10");
	less("q10", "q100");
	less("q99", "q100");
	less("q1a", "q1b");
	less("q2x9", "q2x10");
	less("a1b2", "a1b10");
	less("2", "10");
	less("file9.txt", "file10.txt");
	/* longer than any integer type */
	less("n99999999999999999999999", "n100000000000000000000000");
	assert_int_equal(natsort_cmp("q10", "q10"), 0);
}

static void test_leading_zeros(void **state)
{
	(void)state;
	less("q1", "q02");
	less("q01", "q2");
	less("q1", "q01");          /* equal numbers: fewer zeros first */
	less("q01", "q001");
	less("q0", "q00");
	less("q01x", "q1y");        /* the text after decides before the zeros */
	less("q007", "q8");
	assert_int_equal(natsort_cmp("q000", "q000"), 0);
}

static void test_equal_prefixes(void **state)
{
	(void)state;
	less("sales", "sales-uk");
	less("", "a");
	less("q", "q1");
	less("q1", "q1-");
	less("sales-uk", "sales-us");
	assert_int_equal(natsort_cmp("", ""), 0);
	assert_int_equal(natsort_cmp(NULL, ""), 0);
	less(NULL, "a");
}

static void test_utf8(void **state)
{
	(void)state;
	less("caf\xc3\xa9", "caf\xc3\xa9" "2");
	less("z", "\xc3\xa9quipe");            /* code-point order: 'z' < U+00E9 */
	less("\xc3\xa9quipe2", "\xc3\xa9quipe10");
	less("\xc3\xa9", "\xe2\x82\xac");      /* U+00E9 < U+20AC */
	less("\xe2\x82\xac" "9", "\xe2\x82\xac" "10");
}

static int qcmp(const void *a, const void *b)
{
	return natsort_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* A list sorts into the order a person expects, and the order is total. */
static void test_sorts_a_list(void **state)
{
	const char *names[] = { "q10", "q2", "q1", "billing", "q100", "q01", "q11", "q20", "q3",
		"sales-10", "sales-9", "sales" };
	const char *want[] = { "billing", "q1", "q01", "q2", "q3", "q10", "q11", "q20", "q100",
		"sales", "sales-9", "sales-10" };
	size_t n = sizeof names / sizeof names[0];
	(void)state;
	qsort(names, n, sizeof names[0], qcmp);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			assert_int_equal(sign(natsort_cmp(names[i], names[j])),
			                 sign(-natsort_cmp(names[j], names[i])));
			assert_int_equal(natsort_cmp(names[i], names[j]) == 0, i == j);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digit_runs),
		cmocka_unit_test(test_leading_zeros),
		cmocka_unit_test(test_equal_prefixes),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_sorts_a_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
