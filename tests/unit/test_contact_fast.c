/* test_contact_fast.c - the plain-shape scanner of contact events against the
 * jansson reader: what it accepts (and then gives exactly what jansson gives),
 * what it must decline (jansson decides), and its fuzz target's seeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "contact.h"
#include "contact_fast.h"

#define FUZZ_NO_MAIN
static const char *current_input = "(none)";
_Noreturn void fuzz_failed(const char *file, int line, const char *cond);
#include "../fuzz/fuzz_contact_fast.c"

_Noreturn void fuzz_failed(const char *file, int line, const char *cond)
{
	fail_msg("%s:%d: invariant failed: %s\n  on input %s", file, line, cond, current_input);
	abort();
}

enum { DECLINED = 0, FAST = 1 };
enum { BAD = 0, GOOD = 1 };

/* The scanner accepts (FAST) or declines the line; jansson finds it GOOD or
 * BAD; contact_parse agrees with jansson; an accepted line is GOOD and gives
 * jansson's event. Returns the event as contact_parse gives it. */
static struct contact_event check(const char *line, int fast, int good)
{
	static struct contact_parser pf, pj, pc;
	struct contact_event ef, ej, ec;
	size_t len = strlen(line);
	bool f = contact_fast_parse(&pf, line, len, &ef);
	bool j = contact_parse_jansson(&pj, line, len, &ej);
	if (f != (fast == FAST))
		fail_msg("scanner %s: %s", f ? "accepted" : "declined", line);
	if (j != (good == GOOD))
		fail_msg("jansson %s: %s", j ? "accepted" : "refused", line);
	assert_int_equal(contact_parse(&pc, line, len, &ec), j);
	if (f && !fast_event_same(&ef, &ej))
		fail_msg("scanner and jansson differ: %s", line);
	if (j)
		assert_true(fast_event_same(&ec, &ej));
	return ec;
}

/* Whatever the scanner decides on line, it does not contradict jansson. */
static void agree(const char *line, size_t len)
{
	static struct contact_parser pf, pj;
	struct contact_event ef, ej;
	bool f = contact_fast_parse(&pf, line, len, &ef);
	bool j = contact_parse_jansson(&pj, line, len, &ej);
	if (f && (!j || !fast_event_same(&ef, &ej)))
		fail_msg("scanner accepted what jansson %s: %s", j ? "reads otherwise" : "refuses", line);
}

/* Strings are scanned eight bytes at a time: a quote, a backslash, a
 * control byte, DEL or a byte >= 0x80 in any lane of any word is seen. */
static void test_string_lanes(void **state)
{
	(void)state;
	static const char *odd[] = {"\"", "\\", "\\n", "\x01", "\x1f", "\x7f", "\x80", "\xff",
		"\xc3\xa9", "\xe2\x82\xac", " ", "~"};
	char id[64], line[256];
	for (size_t len = 0; len < 26; len++)
		for (size_t at = 0; at <= len; at++)
			for (size_t k = 0; k < sizeof odd / sizeof *odd; k++) {
				memset(id, 'a' + (int)(len % 26), len);
				id[len] = '\0';
				int n = snprintf(line, sizeof line,
				                 "{\"ts\":1,\"event\":\"reply\",\"id\":\"%.*s%s%s\"}",
				                 (int)at, id, odd[k], id + at);
				agree(line, (size_t)n);
			}
	/* a plain id of every length is read whole */
	for (size_t len = 1; len < 40; len++) {
		memset(id, 'k', len);
		id[len] = '\0';
		snprintf(line, sizeof line, "{\"ts\":1,\"event\":\"reply\",\"id\":\"%s\"}", id);
		struct contact_event e = check(line, FAST, GOOD);
		assert_string_equal(e.id, id);
	}
}

/* The keys an event reads are matched as written, without a scan: every
 * prefix of a line, every key cut, doubled, escaped or grown by a byte reads
 * as jansson reads it (or is declined). */
static void test_keys_as_written(void **state)
{
	(void)state;
	static const char *lines[] = {
		"{\"ts\":1.5,\"event\":\"survey\",\"id\":\"a\",\"channel\":\"chat\",\"queue\":\"q\","
		"\"customer\":\"c\",\"agent\":\"x\",\"reason\":\"r\",\"csat\":5,\"nps\":9,\"ces\":2,"
		"\"resolved\":true,\"sentiment\":0.5}",
		"{\"ts\":1,\"ts\":2,\"event\":\"reply\",\"id\":\"a\"}",
		"{\"ts\":1,\"event\":\"reply\",\"ids\":\"z\",\"id\":\"a\",\"i\":1,\"t\":2}",
		"{\"t\\u0073\":1,\"event\":\"reply\",\"id\":\"a\"}",
		"{ \"ts\" : 1 , \"event\" : \"reply\" , \"id\" : \"a\" }",
		"{\"ts\":1,\"event\":\"reply\",\"id\":\"a\",\"csat\":{\"csat\":1},\"cesx\":1}",
	};
	char buf[512];
	for (size_t l = 0; l < sizeof lines / sizeof *lines; l++) {
		size_t len = strlen(lines[l]);
		for (size_t cut = 0; cut <= len; cut++)
			agree(lines[l], cut);
		for (size_t at = 0; at < len; at++) {
			static const char subst[] = {'"', '\\', 'x', 's', ':', ' ', '\0'};
			for (size_t k = 0; k < sizeof subst; k++) {
				memcpy(buf, lines[l], len + 1);
				buf[at] = subst[k];
				agree(buf, len);
			}
		}
	}
	struct contact_event e = check(lines[2], FAST, GOOD);
	assert_string_equal(e.id, "a");
	e = check(lines[0], FAST, GOOD);
	assert_int_equal(e.csat, 5);
	assert_int_equal(e.resolved, 1);
	assert_string_equal(e.reason, "r");
}

static void test_plain(void **state)
{
	(void)state;
	struct contact_event e = check("{\"ts\":1767571200.092,\"event\":\"created\",\"id\":\"social-1\","
		"\"channel\":\"social\",\"queue\":\"social\",\"customer\":\"+15552806381\",\"reason\":\"delivery\"}",
		FAST, GOOD);
	assert_int_equal(e.ts_ms, 1767571200092LL);
	assert_int_equal(e.kind, CE_CREATED);
	assert_string_equal(e.id, "social-1");
	assert_string_equal(e.channel, "social");
	assert_string_equal(e.customer, "+15552806381");
	assert_null(e.agent);
	e = check(" {\"ts\":5, \"event\" : \"survey\",\"id\":\"c\",\"csat\":4,\"nps\":-0,\"ces\":2.0,"
		"\"resolved\":false,\"sentiment\":-0.675,\"queue\":null,\"agent\":\"\"}\r", FAST, GOOD);
	assert_int_equal(e.ts_ms, 5000);
	assert_int_equal(e.csat, 4);
	assert_int_equal(e.nps, 0);
	assert_int_equal(e.ces, 2);
	assert_int_equal(e.resolved, 0);
	assert_true(e.has_sentiment);
	assert_null(e.queue);
	assert_null(e.agent);
	/* not a survey: "resolved" is not read, whatever its type */
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"resolved\":\"yes\"}", FAST, GOOD);
	check("{\"ts\":1,\"event\":\"survey\",\"id\":\"x\",\"resolved\":\"yes\"}", DECLINED, BAD);
}

/* Escapes are unescaped, then made safe as jansson's strings are. */
static void test_escapes(void **state)
{
	(void)state;
	struct contact_event e = check("{\"ts\":1,\"event\":\"created\",\"id\":\"a\\\"b\\\\c\\/d\","
		"\"channel\":\"ch\\u0061t\",\"customer\":\"l1\\nl2\\tt\",\"reason\":\"\\u001b[31mred\\u001b[0m\"}",
		FAST, GOOD);
	assert_string_equal(e.id, "a\"b\\c/d");
	assert_string_equal(e.channel, "chat");
	assert_string_equal(e.customer, "l1 l2 t");
	assert_string_equal(e.reason, "red");
	e = check("{\"ts\":1,\"event\":\"reply\",\"id\":\"\\u00e9\\u20AC\\ud83d\\ude00\"}", FAST, GOOD);
	assert_string_equal(e.id, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	/* raw UTF-8, and the bytes jansson refuses */
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"n\xc2\xb0\xf0\x9f\x98\x80\"}", FAST, GOOD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"\xc0\x80\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"\xed\xa0\x80\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"\xf4\x90\x80\x80\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"a\tb\"}", DECLINED, BAD);
	/* C1 and DEL become '?' */
	e = check("{\"ts\":1,\"event\":\"reply\",\"id\":\"a\xc2\x85\x7f\"}", FAST, GOOD);
	assert_string_equal(e.id, "a??");
}

static void test_surrogates(void **state)
{
	(void)state;
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"\\ud83d\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"\\ud83dx\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"\\ude00\\ud83d\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"\\ud83d\\u0041\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"\\ud83d\\ud83d\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\\u0000\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\\u12\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\\q\"}", DECLINED, BAD);
	struct contact_event e = check("{\"ts\":1,\"event\":\"reply\",\"id\":\"\\udbff\\udfff\"}", FAST, GOOD);
	assert_string_equal(e.id, "?");    /* U+10FFFF: not printable */
}

/* JSON_REJECT_DUPLICATES: any key twice is a bad object, known or not. */
static void test_duplicates(void **state)
{
	(void)state;
	check("{\"ts\":1,\"ts\":2,\"event\":\"reply\",\"id\":\"x\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"b\":1,\"c\":2,\"b\":\"z\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"b\":1,\"bb\":2,\"\":3}", FAST, GOOD);
	/* an escaped key is declined: jansson compares keys unescaped */
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"\\u0074s\":2}", DECLINED, BAD);
	check("{\"t\\u0073\":1,\"event\":\"reply\",\"id\":\"x\"}", DECLINED, GOOD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"meta\":{\"v\":1,\"v\":2}}", DECLINED, BAD);
}

static void test_numbers(void **state)
{
	(void)state;
	struct contact_event e;
	check("{\"ts\":1767571200.0005,\"event\":\"reply\",\"id\":\"x\",\"sentiment\":0.005}", FAST, GOOD);
	e = check("{\"ts\":0.1,\"event\":\"reply\",\"id\":\"x\",\"sentiment\":-0.015}", FAST, GOOD);
	assert_int_equal(e.ts_ms, 100);
	check("{\"ts\":1e3,\"event\":\"reply\",\"id\":\"x\"}", DECLINED, GOOD);
	check("{\"ts\":1767571200.1234567,\"event\":\"reply\",\"id\":\"x\"}", DECLINED, GOOD);
	check("{\"ts\":01,\"event\":\"reply\",\"id\":\"x\"}", DECLINED, BAD);
	check("{\"ts\":1.,\"event\":\"reply\",\"id\":\"x\"}", DECLINED, BAD);
	check("{\"ts\":-,\"event\":\"reply\",\"id\":\"x\"}", DECLINED, BAD);
	check("{\"ts\":+1,\"event\":\"reply\",\"id\":\"x\"}", DECLINED, BAD);
	check("{\"ts\":-1,\"event\":\"reply\",\"id\":\"x\"}", DECLINED, BAD);
	check("{\"ts\":4000000000000,\"event\":\"reply\",\"id\":\"x\"}", FAST, GOOD);
	check("{\"ts\":4000000000000.001,\"event\":\"reply\",\"id\":\"x\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"n\":123456789012345678901234}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"survey\",\"id\":\"x\",\"csat\":4.5}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"survey\",\"id\":\"x\",\"ces\":0}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"sentiment\":1.01}", DECLINED, BAD);
	check("{\"ts\":\"1\",\"event\":\"reply\",\"id\":\"x\"}", DECLINED, BAD);
}

/* 256 bytes of text after unescaping; channel [a-z0-9_-]{1,32}. */
static void test_limits(void **state)
{
	(void)state;
	char line[1024], a[300];
	memset(a, 'a', sizeof a);
	snprintf(line, sizeof line, "{\"ts\":1,\"event\":\"reply\",\"id\":\"%.256s\"}", a);
	assert_int_equal(strlen(check(line, FAST, GOOD).id), 256);
	snprintf(line, sizeof line, "{\"ts\":1,\"event\":\"reply\",\"id\":\"%.257s\"}", a);
	check(line, DECLINED, BAD);
	snprintf(line, sizeof line, "{\"ts\":1,\"event\":\"reply\",\"id\":\"%.254s\\u00e9\"}", a);
	assert_int_equal(strlen(check(line, FAST, GOOD).id), 256);
	snprintf(line, sizeof line, "{\"ts\":1,\"event\":\"reply\",\"id\":\"%.255s\\u00e9\"}", a);
	check(line, DECLINED, BAD);
	snprintf(line, sizeof line, "{\"ts\":1,\"event\":\"created\",\"id\":\"x\",\"channel\":\"%.32s\"}", a);
	check(line, FAST, GOOD);
	snprintf(line, sizeof line, "{\"ts\":1,\"event\":\"created\",\"id\":\"x\",\"channel\":\"%.33s\"}", a);
	check(line, DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"created\",\"id\":\"x\",\"channel\":\"Chat\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"created\",\"id\":\"x\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"created\",\"id\":\"x\",\"channel\":null}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"\\u001b[m\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"Reply\",\"id\":\"x\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"re\\u0070ly\",\"id\":\"x\"}", DECLINED, GOOD);
}

/* The shape: one object, nothing after it. */
static void test_shape(void **state)
{
	(void)state;
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\"} x", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\"}}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\"", DECLINED, BAD);
	check("{\"ts\":1 \"event\":\"reply\",\"id\":\"x\"}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":tru}", DECLINED, BAD);
	check("{}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":{\"v\":2}}", DECLINED, BAD);
	/* nesting under a key the event reads: declined, jansson decides */
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"resolved\":{\"a\":1}}", DECLINED, GOOD);
	/* a line cut short inside an escape, read only up to its length */
	const char *cut = "{\"ts\":1,\"event\":\"reply\",\"id\":\"x\\u00e9\"}";
	struct contact_parser p;
	struct contact_event e;
	for (size_t n = 0; n < strlen(cut); n++)
		assert_false(contact_fast_parse(&p, cut, n, &e));
}

/* Keys the event does not read may hold objects and arrays: checked as
 * jansson checks them (duplicates, syntax, strings), then skipped. */
static void test_nested(void **state)
{
	(void)state;
	struct contact_event e = check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"tags\":[\"vip\", 2 ,"
		"true,null,[],{},[[1],{\"a\":[-0.5]}]],\"meta\":{ \"v\" : 2 ,\"w\":{\"v\":\"\\u00e9\"}},"
		"\"agent\":\"Ann\"}", FAST, GOOD);
	assert_string_equal(e.agent, "Ann");
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"m\":{\"v\":1,\"w\":{},\"v\":2}}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"m\":{\"v\":{\"a\":1,\"a\":1}}}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"m\":{\"v\":1},\"n\":{\"v\":1}}", FAST, GOOD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"m\":{\"v\":1},\"m\":2}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":[1,]}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":[,1]}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":{\"a\":1,}}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":{\"a\"}}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":[1}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":{\"a\":1]}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":[\"\\ud800\"]}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":[1e999]}", DECLINED, BAD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":[1e9]}", DECLINED, GOOD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":{\"\\u0061\":1}}", DECLINED, GOOD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":[[[[[[[[1]]]]]]]]}", FAST, GOOD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":[[[[[[[[[1]]]]]]]]]}", DECLINED, GOOD);
	check("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"t\":[[[[[[[[[1]]]]]]]]}", DECLINED, BAD);
}

/* The fuzz target's seeds, with its check (scanner == jansson when accepted). */
static void test_seeds(void **state)
{
	(void)state;
	char dir[4096], path[4200];
	int n = 0;
	snprintf(dir, sizeof dir, "%s/tests/fuzz/seeds/contact_fast", CCBOARD_SRCDIR);
	DIR *d = opendir(dir);
	assert_non_null(d);
	for (struct dirent *de; (de = readdir(d)) != NULL;) {
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		FILE *fp = fopen(path, "rb");
		assert_non_null(fp);
		uint8_t *buf = malloc((size_t)st.st_size + 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf, 1, (size_t)st.st_size, fp), (size_t)st.st_size);
		fclose(fp);
		current_input = path;
		fuzz_contact_fast_one(buf, (size_t)st.st_size);
		current_input = "(none)";
		free(buf);
		n++;
	}
	closedir(d);
	assert_true(n > 0);
}

int main(void)
{
	/* the texts are made safe for UTF-8 output, as on a UTF-8 terminal */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		return 77;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_string_lanes),
		cmocka_unit_test(test_keys_as_written),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_surrogates),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_seeds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
