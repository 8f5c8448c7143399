/* test_textsafe.c - external text is made safe and cut by display width. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <locale.h>
#include <string.h>

#include "textsafe.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define FUZZ_NO_MAIN
#include "../fuzz/fuzz_textsafe.c"

static const char *current_input = "(none)";

_Noreturn void fuzz_failed(const char *file, int line, const char *cond)
{
	fail_msg("%s:%d: invariant failed: %s\n  on input %s", file, line, cond, current_input);
	abort();
}

static char buf[256];

static const char *safe(const char *src, int max_w, unsigned flags)
{
	textsafe_copy(buf, sizeof buf, src, max_w, flags);
	return buf;
}

static void test_plain_ascii_unchanged(void **state)
{
	(void)state;
	assert_int_equal(textsafe_copy(buf, sizeof buf, "sales", -1, TEXTSAFE_UTF8), 5);
	assert_string_equal(buf, "sales");
	assert_string_equal(safe(NULL, -1, 0), "");
}

static void test_escape_sequences_dropped(void **state)
{
	(void)state;
	assert_string_equal(safe("a\x1b[31mred\x1b[0m", -1, TEXTSAFE_UTF8), "ared");
	assert_string_equal(safe("x\x1b]0;title\x07y", -1, TEXTSAFE_UTF8), "xy");
	assert_string_equal(safe("x\x1b]52;c;Zm9v\x1b\\y", -1, TEXTSAFE_UTF8), "xy");
	assert_string_equal(safe("x\x1b" "cy", -1, TEXTSAFE_UTF8), "xy");
	assert_string_equal(safe("unterminated\x1b[12", -1, TEXTSAFE_UTF8), "unterminated");
}

static void test_controls_replaced(void **state)
{
	(void)state;
	assert_string_equal(safe("a\tb\nc\rd", -1, TEXTSAFE_UTF8), "a b c d");
	assert_string_equal(safe("bell\x07" "del\x7f" "bs\x08", -1, TEXTSAFE_UTF8), "bell?del?bs?");
	/* C1 CSI as UTF-8 (U+009B) and as a raw byte (invalid UTF-8). */
	assert_string_equal(safe("a\xc2\x9b" "31mb", -1, TEXTSAFE_UTF8), "a?31mb");
	assert_string_equal(safe("a\x9b" "b", -1, TEXTSAFE_UTF8), "a?b");
	/* right-to-left override */
	assert_string_equal(safe("ab\xe2\x80\xae" "cd", -1, TEXTSAFE_UTF8), "ab?cd");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	assert_string_equal(safe("\xff\xfe ok", -1, TEXTSAFE_UTF8), "?? ok");
	assert_string_equal(safe("\xc0\xaf", -1, TEXTSAFE_UTF8), "??");         /* overlong '/' */
	assert_string_equal(safe("\xed\xa0\x80", -1, TEXTSAFE_UTF8), "???");    /* surrogate */
	assert_string_equal(safe("caf\xc3", -1, TEXTSAFE_UTF8), "caf?");        /* torn */
}

static void test_non_utf8_output_is_ascii(void **state)
{
	(void)state;
	assert_string_equal(safe("Jos\xc3\xa9", -1, 0), "Jos?");
	assert_string_equal(safe("abcdefgh", 5, 0), "abcd~");
}

static void test_truncate_by_width(void **state)
{
	(void)state;
	assert_int_equal(textsafe_copy(buf, sizeof buf, "abcdefgh", 5, TEXTSAFE_UTF8), 5);
	assert_string_equal(buf, "abcd\u2026");
	assert_string_equal(safe("abcde", 5, TEXTSAFE_UTF8), "abcde");
	assert_string_equal(safe("abc", 0, TEXTSAFE_UTF8), "");
	assert_string_equal(safe("abc", 1, TEXTSAFE_UTF8), "\u2026");
	/* José: 4 columns, 5 bytes */
	assert_int_equal(textsafe_copy(buf, sizeof buf, "Jos\xc3\xa9", 4, TEXTSAFE_UTF8), 4);
	assert_string_equal(buf, "Jos\xc3\xa9");
	/* CJK is two columns wide: 東京 = 4 columns, cut at 3 keeps one ideograph */
	assert_int_equal(textsafe_copy(buf, sizeof buf, "\xe6\x9d\xb1\xe4\xba\xac", 4,
	                               TEXTSAFE_UTF8), 4);
	assert_int_equal(textsafe_copy(buf, sizeof buf, "\xe6\x9d\xb1\xe4\xba\xac", 3,
	                               TEXTSAFE_UTF8), 3);
	assert_string_equal(buf, "\xe6\x9d\xb1\u2026");
	assert_int_equal(textsafe_width("\xe6\x9d\xb1\xe4\xba\xac" "ab"), 6);
}

static void test_small_buffer(void **state)
{
	char small[6];

	(void)state;
	textsafe_copy(small, sizeof small, "abcdefghij", -1, 0);
	assert_string_equal(small, "abcd~");
	textsafe_copy(small, sizeof small, "\xc3\xa9\xc3\xa9\xc3\xa9", -1, TEXTSAFE_UTF8);
	assert_true(strlen(small) < sizeof small);
	assert_string_equal(small, "\xc3\xa9\u2026");   /* é (2 bytes) + … (3 bytes) */
	small[0] = 'x';
	textsafe_copy(small, 1, "abc", -1, 0);
	assert_string_equal(small, "");
}

static void test_dup_any_length(void **state)
{
	(void)state;
	char big[2000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	big[10] = '\x1b';
	char *d = textsafe_dup(big, -1, TEXTSAFE_UTF8);
	assert_int_equal(strlen(d), sizeof big - 3);   /* ESC a: a two-byte escape, dropped */
	free(d);
	d = textsafe_dup("q\x1b]2;PWNED\x07ueue\x9b", 6, 0);
	assert_string_equal(d, "queue?");
	free(d);
	d = textsafe_dup(NULL, -1, 0);
	assert_string_equal(d, "");
	free(d);
}

static void test_fputs_keeps_line_breaks(void **state)
{
	(void)state;
	char out[256] = "";
	FILE *fp = fmemopen(out, sizeof out, "w");
	assert_non_null(fp);
	assert_int_equal(textsafe_fputs("a.ini:1: [queue.x\x1b[2Jy] bad: '\x07'\nnext\tline\n",
	                                 fp, TEXTSAFE_UTF8), 0);
	fclose(fp);
	assert_string_equal(out, "a.ini:1: [queue.xy] bad: '?'\nnext line\n");
}

/* The fuzz target's seeds, replayed with its checks. */
static void test_fuzz_seeds(void **state)
{
	(void)state;
	const char *dir = CCBOARD_SRCDIR "/tests/fuzz/seeds/textsafe";
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		FILE *fp = fopen(path, "rb");
		assert_non_null(fp);
		uint8_t *data = malloc((size_t)st.st_size + 1);
		assert_non_null(data);
		assert_int_equal(fread(data, 1, (size_t)st.st_size, fp), (size_t)st.st_size);
		fclose(fp);
		current_input = path;
		fuzz_textsafe_one(data, (size_t)st.st_size);
		free(data);
		n++;
	}
	closedir(d);
	assert_true(n >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_ascii_unchanged),
		cmocka_unit_test(test_escape_sequences_dropped),
		cmocka_unit_test(test_controls_replaced),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_non_utf8_output_is_ascii),
		cmocka_unit_test(test_truncate_by_width),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_dup_any_length),
		cmocka_unit_test(test_fputs_keeps_line_breaks),
		cmocka_unit_test(test_fuzz_seeds),
	};

	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
