/* test_custmask.c - customer ids masked for the screen (custmask.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "custmask.h"

static const char *mask(const char *id)
{
	static char buf[600];
	size_t n = custmask_format(buf, sizeof buf, id);
	assert_int_equal(n, strlen(buf));
	return buf;
}

/* Valid UTF-8 with no control byte (C0, DEL, C1). */
static bool safe_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3
		      : (*p & 0xF8) == 0xF0 ? 4 : 0;
		if (!n || *p < 0x20 || *p == 0x7f || (*p == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0) ||
		    (n == 2 && *p < 0xC2))
			return false;
		for (int i = 1; i < n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

static void test_phone(void **state)
{
	(void)state;
	assert_string_equal(mask("+15550182072"), "\xE2\x80\xA6" "2072");
	assert_string_equal(mask("+1 (555) 018-2072"), "\xE2\x80\xA6" "2072");
	assert_string_equal(mask("02072"), "\xE2\x80\xA6" "72");     /* 5 bytes: room for 2 */
	assert_string_equal(mask("2072"), "\xE2\x80\xA6" "2");
	assert_string_equal(mask("112"), "***");
}

static void test_email(void **state)
{
	(void)state;
	assert_string_equal(mask("jane@example.com"), "j\xE2\x80\xA6@example.com");
	assert_string_equal(mask("jo@example.com"), "j*@example.com");
	assert_string_equal(mask("j@example.com"), "*@example.com");
	assert_string_equal(mask("\xC3\xA9lise@example.fr"), "\xC3\xA9\xE2\x80\xA6@example.fr");
	assert_string_equal(mask("a@b@example.com"), "a**@example.com");  /* the last @ */
}

static void test_other(void **state)
{
	(void)state;
	assert_string_equal(mask("@jane_doe"), "@\xE2\x80\xA6oe");
	assert_string_equal(mask("ab12"), "a***");
	assert_string_equal(mask("x"), "*");
	assert_string_equal(mask(""), "");
	assert_string_equal(mask(NULL), "");
	assert_string_equal(mask("@"), "*");
	assert_string_equal(mask("user@"), "u****");
	/* multi-byte characters kept whole at both ends */
	assert_string_equal(mask("\xE5\xBC\xA0\xE4\xBC\x9F\xE6\x98\x8E\xE5\x8D\x8E\xE4\xB8\xBD"
	                         "\xE7\xBE\x8E"),
	                    "\xE5\xBC\xA0\xE2\x80\xA6\xE4\xB8\xBD\xE7\xBE\x8E");
	char buf[32];
	custmask_format_flags(buf, sizeof buf, "+15550182072", CUSTMASK_ASCII);
	assert_string_equal(buf, "...2072");
}

/* Escapes, controls and broken UTF-8: never in the mask, never longer. */
static void test_hostile(void **state)
{
	(void)state;
	static const char *const ids[] = {
		"\x1b[31mred\x1b[0m", "abc\x1b]0;title\x07xyz", "a\xff\xfe\xfd\xfc" "bcdef",
		"\xC3", "ab\xE2\x80", "\xF0\x9F\x98", "\xC0\xAF\xC0\xAF\xC0\xAF\xC0\xAF",
		"\xED\xA0\x80\xED\xA0\x80xyz", "x\xC2\x9B" "31mabc", "\x1b@example.com",
		"a@\x1b[2Jexample.com", "evil\x7f\x7f\x7f\x7f", "\xE2\x80\xA6\xE2\x80\xA6\xE2\x80\xA6",
		"abcdefg\xCC\x81\xCC\x81", "+1\n555\r0182072\t",
	};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		const char *m = mask(ids[i]);
		if (!safe_utf8(m))
			fail_msg("mask of id %zu is not safe UTF-8", i);
		if (strlen(m) > strlen(ids[i]))
			fail_msg("mask of id %zu is longer (%zu > %zu)", i, strlen(m), strlen(ids[i]));
		assert_null(strchr(m, '\x1b'));
	}
	/* every single byte and every pair of bytes */
	for (int a = 1; a < 256; a++)
		for (int b = 0; b < 256; b += 1) {
			char id[8] = { (char)a, (char)b, (char)a, (char)b, (char)a, (char)b, 'z', 0 };
			const char *m = mask(id);
			if (!safe_utf8(m) || strlen(m) > strlen(id))
				fail_msg("bytes %02x %02x: bad mask", a, b);
		}
	/* a long id */
	char big[1000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	char out[16];
	size_t n = custmask_format(out, sizeof out, big);
	assert_int_equal(n, 6);     /* a…aa */
	assert_string_equal(out, "a\xE2\x80\xA6" "aa");
}

/* A short buffer cuts on a character boundary, and says how long the whole is. */
static void test_short_buffer(void **state)
{
	(void)state;
	char buf[4];
	size_t n = custmask_format(buf, sizeof buf, "+15550182072");
	assert_int_equal(n, 7);
	assert_string_equal(buf, "\xE2\x80\xA6");
	n = custmask_format(buf, 3, "+15550182072");
	assert_int_equal(n, 7);
	assert_string_equal(buf, "");               /* "…" does not fit in 2 bytes */
	assert_int_equal(custmask_format(NULL, 0, "jane@example.com"), strlen(mask("jane@example.com")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_other),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_short_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
