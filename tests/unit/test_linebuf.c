/* test_linebuf.c - line framing: CRLF, carries at every split point,
 * over-long lines, NUL bytes, finish and reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linebuf.h"

#define MAX_LINES 64
#define LINE_CAP 256

struct got {
	size_t n;
	size_t len[MAX_LINES];
	char line[MAX_LINES][LINE_CAP];
	int terminated[MAX_LINES];   /* line[len] was NUL when handed out */
};

static void collect(void *ctx, char *line, size_t len)
{
	struct got *g = ctx;

	assert_true(g->n < MAX_LINES);
	assert_true(len < LINE_CAP);
	memcpy(g->line[g->n], line, len);
	g->len[g->n] = len;
	g->terminated[g->n] = line[len] == '\0';
	g->n++;
}

/* Feeds a copy of s (feeds take writable memory). */
static size_t feed_str(struct linebuf *lb, const char *s, size_t n, struct got *g)
{
	char *copy = malloc(n + 1);
	memcpy(copy, s, n);
	size_t r = linebuf_feed(lb, copy, n, collect, g);
	free(copy);
	return r;
}

static void assert_line(const struct got *g, size_t i, const char *want)
{
	assert_true(i < g->n);
	assert_int_equal(g->len[i], strlen(want));
	assert_memory_equal(g->line[i], want, strlen(want));
	assert_true(g->terminated[i]);
}

static void test_simple_lines(void **state)
{
	struct linebuf lb;
	struct got g = { 0 };

	linebuf_init(&lb, 0);
	assert_int_equal(lb.max_line, 64 * 1024);
	assert_int_equal(feed_str(&lb, "a|b\nsecond\n\nlast", 16, &g), 3);
	assert_int_equal(g.n, 3);
	assert_line(&g, 0, "a|b");
	assert_line(&g, 1, "second");
	assert_line(&g, 2, "");
	assert_int_equal(lb.len, 4);
	assert_int_equal(feed_str(&lb, "\n", 1, &g), 1);
	assert_line(&g, 3, "last");
	assert_int_equal(lb.len, 0);
	linebuf_free(&lb);
}

static void test_in_place(void **state)
{
	struct linebuf lb;
	char buf[] = "one\r\ntwo\n";
	struct got g = { 0 };

	linebuf_init(&lb, 100);
	assert_int_equal(linebuf_feed(&lb, buf, 9, collect, &g), 2);
	/* terminated in place: the CR and the LF became NULs */
	assert_int_equal(buf[3], '\0');
	assert_int_equal(buf[8], '\0');
	assert_line(&g, 0, "one");
	assert_line(&g, 1, "two");
	linebuf_free(&lb);
}

static void test_crlf(void **state)
{
	struct linebuf lb;
	struct got g = { 0 };

	linebuf_init(&lb, 100);
	feed_str(&lb, "a\r\nb\r\r\nc\rd\n\r\n", 13, &g);
	assert_int_equal(g.n, 4);
	assert_line(&g, 0, "a");
	assert_line(&g, 1, "b\r");     /* only one CR before the LF goes */
	assert_line(&g, 2, "c\rd");    /* a CR inside a line stays */
	assert_line(&g, 3, "");
	/* the CR and its LF in two feeds */
	feed_str(&lb, "x\r", 2, &g);
	feed_str(&lb, "\n", 1, &g);
	assert_line(&g, 4, "x");
	linebuf_free(&lb);
}

/* Every split of the text into two feeds, and into single bytes, gives the same lines. */
static void test_every_split(void **state)
{
	static const char text[] = "first line\r\n\nsecond|x|y\nthird\r\nfourth no newline";
	const size_t n = sizeof(text) - 1;
	const char *want[] = { "first line", "", "second|x|y", "third", "fourth no newline" };

	for (size_t cut = 0; cut <= n; cut++) {
		struct linebuf lb;
		struct got g = { 0 };
		linebuf_init(&lb, 64);
		size_t count = feed_str(&lb, text, cut, &g);
		count += feed_str(&lb, text + cut, n - cut, &g);
		assert_int_equal(count, 4);
		assert_int_equal(linebuf_finish(&lb, collect, &g), 1);
		assert_int_equal(g.n, 5);
		for (size_t i = 0; i < 5; i++)
			assert_line(&g, i, want[i]);
		linebuf_free(&lb);
	}
	struct linebuf lb;
	struct got g = { 0 };
	linebuf_init(&lb, 64);
	for (size_t i = 0; i < n; i++)
		feed_str(&lb, text + i, 1, &g);
	linebuf_finish(&lb, collect, &g);
	assert_int_equal(g.n, 5);
	for (size_t i = 0; i < 5; i++)
		assert_line(&g, i, want[i]);
	linebuf_free(&lb);
}

static void test_overlong_in_buffer(void **state)
{
	struct linebuf lb;
	struct got g = { 0 };

	linebuf_init(&lb, 5);
	feed_str(&lb, "12345\n123456\nok\n12345\r\n", 23, &g);
	assert_int_equal(g.n, 3);
	assert_line(&g, 0, "12345");   /* exactly max_line is kept */
	assert_line(&g, 1, "ok");
	assert_line(&g, 2, "12345");   /* the CR does not count */
	assert_int_equal(lb.overlong, 1);
	assert_int_equal(lb.len, 0);
	linebuf_free(&lb);
}

static void test_overlong_across_feeds(void **state)
{
	struct linebuf lb;
	struct got g = { 0 };

	linebuf_init(&lb, 8);
	feed_str(&lb, "good\nabcdefghij", 15, &g);   /* the tail is already too long */
	assert_int_equal(lb.overlong, 1);
	assert_true(lb.discarding);
	feed_str(&lb, "klmnop", 6, &g);              /* still inside it */
	feed_str(&lb, "qr\nafter\n", 9, &g);
	assert_false(lb.discarding);
	assert_int_equal(g.n, 2);
	assert_line(&g, 0, "good");
	assert_line(&g, 1, "after");
	assert_int_equal(lb.overlong, 1);

	/* a carry that grows too long only when completed */
	feed_str(&lb, "abcde", 5, &g);
	feed_str(&lb, "fghi", 4, &g);
	assert_int_equal(lb.overlong, 1);   /* 9 bytes: might still end in a CR */
	feed_str(&lb, "\nx\n", 3, &g);
	assert_int_equal(lb.overlong, 2);
	assert_int_equal(g.n, 3);
	assert_line(&g, 2, "x");
	/* carry exactly max_line plus a CR, then the LF */
	feed_str(&lb, "12345678\r", 9, &g);
	feed_str(&lb, "\n", 1, &g);
	assert_int_equal(g.n, 4);
	assert_line(&g, 3, "12345678");
	/* carry of max_line + 1 without CR: too long once its LF comes */
	feed_str(&lb, "123456789", 9, &g);
	feed_str(&lb, "\nend\n", 5, &g);
	assert_int_equal(lb.overlong, 3);
	assert_int_equal(g.n, 5);
	assert_line(&g, 4, "end");
	linebuf_free(&lb);
}

static void test_nul_passthrough(void **state)
{
	struct linebuf lb;
	struct got g = { 0 };
	static const char text[] = "\0\0\0abc\0def\n\0\n";

	linebuf_init(&lb, 100);
	feed_str(&lb, text, sizeof(text) - 1, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.len[0], 10);
	assert_memory_equal(g.line[0], "\0\0\0abc\0def", 10);
	assert_int_equal(g.len[1], 1);
	assert_int_equal(g.line[1][0], '\0');
	/* NULs in a carried partial line too */
	feed_str(&lb, "x\0", 2, &g);
	feed_str(&lb, "y\n", 2, &g);
	assert_int_equal(g.len[2], 3);
	assert_memory_equal(g.line[2], "x\0y", 3);
	linebuf_free(&lb);
}

static void test_finish_and_reset(void **state)
{
	struct linebuf lb;
	struct got g = { 0 };

	linebuf_init(&lb, 100);
	assert_int_equal(linebuf_finish(&lb, collect, &g), 0);
	feed_str(&lb, "partial\r", 8, &g);
	assert_int_equal(g.n, 0);
	assert_int_equal(linebuf_finish(&lb, collect, &g), 1);
	assert_line(&g, 0, "partial");
	assert_int_equal(linebuf_finish(&lb, collect, &g), 0);

	feed_str(&lb, "torn", 4, &g);
	linebuf_reset(&lb);
	feed_str(&lb, "fresh\n", 6, &g);
	assert_int_equal(g.n, 2);
	assert_line(&g, 1, "fresh");

	/* finishing inside an over-long line hands nothing out */
	linebuf_free(&lb);
	linebuf_init(&lb, 3);
	feed_str(&lb, "toolong", 7, &g);
	assert_int_equal(linebuf_finish(&lb, collect, &g), 0);
	assert_false(lb.discarding);
	feed_str(&lb, "ok\n", 3, &g);
	assert_int_equal(g.n, 3);
	assert_line(&g, 2, "ok");
	/* reset also ends discarding */
	feed_str(&lb, "abcdef", 6, &g);
	linebuf_reset(&lb);
	feed_str(&lb, "yes\n", 4, &g);
	assert_line(&g, 3, "yes");
	linebuf_free(&lb);
	assert_null(lb.carry);
}

/* A large buffer of numbered lines fed in odd-sized chunks keeps every line. */
static void test_many_lines_chunked(void **state)
{
	const size_t lines = 20000;
	size_t cap = lines * 16, n = 0;
	char *text = malloc(cap);
	for (size_t i = 0; i < lines; i++)
		n += (size_t)snprintf(text + n, cap - n, "%zu|line\n", i);

	struct linebuf lb;
	linebuf_init(&lb, 64);
	size_t next = 0, off = 0, step = 1;
	while (off < n) {
		/* chunk sizes 1..193 bytes: few enough lines for one struct got */
		size_t k = step < n - off ? step : n - off;
		struct got g = { 0 };
		feed_str(&lb, text + off, k, &g);
		for (size_t i = 0; i < g.n; i++) {
			char want[32];
			snprintf(want, sizeof(want), "%zu|line", next++);
			assert_line(&g, i, want);
		}
		off += k;
		step = step * 7 % 193 + 1;
	}
	assert_int_equal(next, lines);
	assert_int_equal(lb.overlong, 0);
	linebuf_free(&lb);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_lines),
		cmocka_unit_test(test_in_place),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_overlong_in_buffer),
		cmocka_unit_test(test_overlong_across_feeds),
		cmocka_unit_test(test_nul_passthrough),
		cmocka_unit_test(test_finish_and_reset),
		cmocka_unit_test(test_many_lines_chunked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
