/* test_ini_value.c - the value parsers shared by config.ini, [alert.NAME] and
 * themes: for each type a good value, a bad one and the edges of the range,
 * and the type switch iv_parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini_value.h"

static char why[256];

static void test_bool(void **state)
{
	(void)state;
	static const char *const yes[] = { "yes", "Yes", "YES", "true", "True", "on", "ON", "1" };
	static const char *const no[] = { "no", "No", "false", "FALSE", "off", "Off", "0" };
	bool b;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		b = false;
		assert_int_equal(iv_bool(yes[i], &b, why, sizeof why), 0);
		assert_true(b);
	}
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		b = true;
		assert_int_equal(iv_bool(no[i], &b, why, sizeof why), 0);
		assert_false(b);
	}
	b = true;
	assert_int_equal(iv_bool("maybe", &b, why, sizeof why), -1);
	assert_string_equal(why, "not a boolean (yes/no, true/false, on/off, 1/0): 'maybe'");
	assert_true(b);   /* unchanged on error */
	assert_int_equal(iv_bool("2", &b, why, sizeof why), -1);
	assert_int_equal(iv_bool("yess", &b, why, sizeof why), -1);
	assert_int_equal(iv_bool("", &b, why, sizeof why), -1);
}

static void test_int(void **state)
{
	(void)state;
	long long n = 7;
	assert_int_equal(iv_int("1000", 100, 60000, &n, why, sizeof why), 0);
	assert_int_equal(n, 1000);
	assert_int_equal(iv_int("100", 100, 60000, &n, why, sizeof why), 0);     /* the edges */
	assert_int_equal(n, 100);
	assert_int_equal(iv_int("60000", 100, 60000, &n, why, sizeof why), 0);
	assert_int_equal(n, 60000);
	assert_int_equal(iv_int("99", 100, 60000, &n, why, sizeof why), -1);
	assert_string_equal(why, "out of range: '99' (100..60000)");
	assert_int_equal(iv_int("60001", 100, 60000, &n, why, sizeof why), -1);
	assert_int_equal(iv_int("-5", 0, INFINITY, &n, why, sizeof why), -1);
	assert_string_equal(why, "out of range: '-5' (>= 0)");
	assert_int_equal(iv_int("99999999999999999999", 0, 1e9, &n, why, sizeof why), -1);
	assert_int_equal(iv_int("fast", 0, 10, &n, why, sizeof why), -1);
	assert_string_equal(why, "not a number: 'fast'");
	assert_int_equal(iv_int("1.5", 0, 10, &n, why, sizeof why), -1);
	assert_string_equal(why, "not a whole number: '1.5'");
	assert_int_equal(iv_int("5x", 0, 10, &n, why, sizeof why), -1);
	assert_string_equal(why, "not a number: '5x'");
	assert_int_equal(n, 60000);   /* unchanged by the errors */
}

static void test_double(void **state)
{
	(void)state;
	double d = -1;
	assert_int_equal(iv_double("80", 0, 100, &d, why, sizeof why), 0);
	assert_true(d == 80.0);
	assert_int_equal(iv_double("99.5", 0, 100, &d, why, sizeof why), 0);
	assert_true(d == 99.5);
	assert_int_equal(iv_double("0", 0, 100, &d, why, sizeof why), 0);      /* the edges */
	assert_true(d == 0.0);
	assert_int_equal(iv_double("100", 0, 100, &d, why, sizeof why), 0);
	assert_true(d == 100.0);
	assert_int_equal(iv_double("100.01", 0, 100, &d, why, sizeof why), -1);
	assert_string_equal(why, "out of range: '100.01' (0..100)");
	assert_int_equal(iv_double("-0.5", 0, INFINITY, &d, why, sizeof why), -1);
	assert_string_equal(why, "out of range: '-0.5' (>= 0)");
	assert_int_equal(iv_double("1e300", 0, INFINITY, &d, why, sizeof why), 0);
	assert_int_equal(iv_double("nan", 0, 100, &d, why, sizeof why), -1);
	assert_string_equal(why, "not a number: 'nan'");
	assert_int_equal(iv_double("inf", 0, INFINITY, &d, why, sizeof why), -1);
	assert_int_equal(iv_double("1e999", 0, INFINITY, &d, why, sizeof why), -1);
	assert_int_equal(iv_double("12%", 0, 100, &d, why, sizeof why), -1);
	assert_int_equal(iv_double("", 0, 100, &d, why, sizeof why), -1);
}

static void test_duration(void **state)
{
	(void)state;
	static const struct { const char *v; long long s; } good[] = {
		{ "90", 90 }, { "90s", 90 }, { "15m", 900 }, { "4h", 14400 }, { "0", 0 },
		{ "24h", 86400 },
	};
	long long n;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(iv_duration(good[i].v, 0, 86400, &n, why, sizeof why), 0);
		assert_int_equal(n, good[i].s);
	}
	assert_int_equal(iv_duration("1441m", 0, 86400, &n, why, sizeof why), -1);
	assert_string_equal(why, "out of range: '1441m' (0..86400)");
	assert_int_equal(iv_duration("59", 60, 86400, &n, why, sizeof why), -1);
	assert_int_equal(iv_duration("1m", 60, 86400, &n, why, sizeof why), 0);   /* the edge */
	assert_int_equal(n, 60);
	assert_int_equal(iv_duration("10x", 0, 86400, &n, why, sizeof why), -1);
	assert_string_equal(why, "not a number: '10x' (seconds, or with a unit: 90s, 15m, 4h)");
	assert_int_equal(iv_duration("15 m", 0, 86400, &n, why, sizeof why), -1);
	assert_int_equal(iv_duration("m", 0, 86400, &n, why, sizeof why), -1);
	assert_int_equal(iv_duration("9223372036854775807h", 0, 3600, &n, why, sizeof why), -1);
	assert_string_equal(why, "out of range: '9223372036854775807h' (0..3600)");
	assert_int_equal(iv_duration("-9223372036854775807h", -1e30, 0, &n, why, sizeof why), 0);
	assert_true(n == LLONG_MIN);   /* saturated, not wrapped */
}

static void test_time(void **state)
{
	(void)state;
	int m = -1;
	assert_int_equal(iv_time("07:30", &m, why, sizeof why), 0);
	assert_int_equal(m, 450);
	assert_int_equal(iv_time("7:05", &m, why, sizeof why), 0);
	assert_int_equal(m, 425);
	assert_int_equal(iv_time("00:00", &m, why, sizeof why), 0);    /* the edges */
	assert_int_equal(m, 0);
	assert_int_equal(iv_time("23:59", &m, why, sizeof why), 0);
	assert_int_equal(m, 1439);
	assert_int_equal(iv_time("24:00", &m, why, sizeof why), -1);
	assert_string_equal(why, "not a time of day (HH:MM, 00:00..23:59): '24:00'");
	assert_int_equal(iv_time("12:60", &m, why, sizeof why), -1);
	assert_int_equal(iv_time("7", &m, why, sizeof why), -1);
	assert_int_equal(iv_time("07:5", &m, why, sizeof why), -1);
	assert_int_equal(iv_time("007:00", &m, why, sizeof why), -1);
	assert_int_equal(iv_time("07:00 ", &m, why, sizeof why), -1);
	assert_int_equal(m, 1439);
}

static void test_enum(void **state)
{
	(void)state;
	static const char *const choices[] = { "offered", "answered", "abandons_positive", NULL };
	int i = -1;
	assert_int_equal(iv_enum("offered", choices, &i, why, sizeof why), 0);
	assert_int_equal(i, 0);
	assert_int_equal(iv_enum("abandons_positive", choices, &i, why, sizeof why), 0);
	assert_int_equal(i, 2);
	assert_int_equal(iv_enum("Offered", choices, &i, why, sizeof why), -1);   /* exact case */
	assert_string_equal(why, "not one of offered|answered|abandons_positive: 'Offered'");
	assert_int_equal(iv_enum("", choices, &i, why, sizeof why), -1);
	assert_int_equal(i, 2);
	/* a message cut short stays a string */
	char small[16];
	assert_int_equal(iv_enum("x", choices, &i, small, sizeof small), -1);
	assert_int_equal(strlen(small), sizeof small - 1);
	assert_int_equal(iv_choice("ANSWERED", choices, true), 1);
	assert_int_equal(iv_choice("ANSWERED", choices, false), -1);
}

static void test_path(void **state)
{
	(void)state;
	char *p = iv_path("~/logs/q", "/home/ann");
	assert_string_equal(p, "/home/ann/logs/q");
	free(p);
	p = iv_path("~", "/home/ann");
	assert_string_equal(p, "/home/ann");
	free(p);
	p = iv_path("~bob/q", "/home/ann");     /* another user's ~ is left alone */
	assert_string_equal(p, "~bob/q");
	free(p);
	p = iv_path("/var/log/q", "/home/ann");
	assert_string_equal(p, "/var/log/q");
	free(p);
	p = iv_path("~/q", NULL);
	assert_string_equal(p, "~/q");
	free(p);
	p = iv_path("~/q", "");
	assert_string_equal(p, "~/q");
	free(p);
}

/* The type switch: each type through iv_parse, and an empty value. */
static void test_parse(void **state)
{
	(void)state;
	static const char *const choices[] = { "a", "b", NULL };
	union iv_value v;
	struct iv_spec s = { KT_INT, 0, 10, NULL };
	assert_int_equal(iv_parse(&s, "10", NULL, &v, why, sizeof why), 0);
	assert_int_equal(v.i, 10);
	assert_int_equal(iv_parse(&s, "11", NULL, &v, why, sizeof why), -1);
	assert_int_equal(iv_parse(&s, "", NULL, &v, why, sizeof why), -1);
	assert_string_equal(why, "empty value");
	s = (struct iv_spec){ KT_DURATION, 0, 3600, NULL };
	assert_int_equal(iv_parse(&s, "1h", NULL, &v, why, sizeof why), 0);
	assert_int_equal(v.i, 3600);
	s = (struct iv_spec){ KT_DOUBLE, 0, 1, NULL };
	assert_int_equal(iv_parse(&s, "0.25", NULL, &v, why, sizeof why), 0);
	assert_true(v.d == 0.25);
	s = (struct iv_spec){ KT_BOOL, 0, 0, NULL };
	assert_int_equal(iv_parse(&s, "On", NULL, &v, why, sizeof why), 0);
	assert_true(v.b);
	s = (struct iv_spec){ KT_TIME, 0, 0, NULL };
	assert_int_equal(iv_parse(&s, "01:02", NULL, &v, why, sizeof why), 0);
	assert_int_equal(v.i, 62);
	s = (struct iv_spec){ KT_ENUM, 0, 0, choices };
	assert_int_equal(iv_parse(&s, "b", NULL, &v, why, sizeof why), 0);
	assert_int_equal(v.i, 1);
	assert_int_equal(iv_parse(&s, "c", NULL, &v, why, sizeof why), -1);
	assert_string_equal(why, "not one of a|b: 'c'");
	s = (struct iv_spec){ KT_STRING, 0, 0, NULL };
	assert_int_equal(iv_parse(&s, "~/x", "/h", &v, why, sizeof why), 0);
	assert_string_equal(v.s, "~/x");   /* a string is not a path */
	free(v.s);
	assert_int_equal(iv_parse(&s, "", "/h", &v, why, sizeof why), 0);
	assert_null(v.s);                  /* empty: unset */
	s = (struct iv_spec){ KT_PATH, 0, 0, NULL };
	assert_int_equal(iv_parse(&s, "~/x", "/h", &v, why, sizeof why), 0);
	assert_string_equal(v.s, "/h/x");
	free(v.s);
	s = (struct iv_spec){ KT_LIST, 0, 0, NULL };
	assert_int_equal(iv_parse(&s, "~/q", "/h", &v, why, sizeof why), 0);
	assert_string_equal(v.s, "/h/q");
	free(v.s);
	assert_int_equal(iv_parse(&s, "", "/h", &v, why, sizeof why), -1);
}

/* What the key reference prints for each kind of spec. */
static void test_write_spec(void **state)
{
	(void)state;
	static const char *const choices[] = { "above", "below", NULL };
	static const struct { struct iv_spec s; const char *want; } cases[] = {
		{ { KT_INT, 100, 60000, NULL }, "int 100..60000" },
		{ { KT_DOUBLE, 0, INFINITY, NULL }, "number >= 0" },
		{ { KT_DURATION, 0, 604800, NULL }, "duration 0..604800" },
		{ { KT_BOOL, 0, 0, NULL }, "bool" },
		{ { KT_ENUM, 0, 0, choices }, "choice above|below" },
		{ { KT_TIME, 0, 0, NULL }, "HH:MM" },
		{ { KT_PATH, 0, 0, NULL }, "path" },
		{ { KT_LIST, 0, 0, NULL }, "list" },
		{ { KT_STRING, 0, 0, NULL }, "string" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *buf = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&buf, &n);
		iv_write_spec(f, &cases[i].s);
		fclose(f);
		assert_string_equal(buf, cases[i].want);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_double),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_write_spec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
