/* fuzz_linebuf.c - linebuf_feed over any bytes, cut into chunks chosen by the
 * input, with a small or the default line limit.
 *
 * Input: byte 0 picks max_line (0: the default), bytes 1-2 seed the chunking,
 * the rest is the stream. Checks against a plain reference framer: the lines
 * handed out are exactly the stream's LF-separated lines (the last one, with
 * no LF, after linebuf_finish), each without one trailing CR, with those
 * longer than max_line dropped and counted in overlong; every line is
 * NUL-terminated at line[len]; feed returns how many lines it handed out; the
 * carry never grows past the limit. */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "linebuf.h"

#define DEFAULT_MAX (64 * 1024)

struct collect {
	char *out;          /* lines received, each followed by '\n' */
	size_t len, cap;
	size_t lines;
};

/* Appends line[0..len) and a '\n' to c. */
static void append(struct collect *c, const char *line, size_t len)
{
	if (c->len + len + 1 > c->cap) {
		c->cap = (c->len + len + 1) * 2;
		c->out = realloc(c->out, c->cap);
		FUZZ_CHECK(c->out != NULL);
	}
	memcpy(c->out + c->len, line, len);
	c->len += len;
	c->out[c->len++] = '\n';
	c->lines++;
}

static void collect_line(void *ctx, char *line, size_t len)
{
	struct collect *c = ctx;

	FUZZ_CHECK(line[len] == '\0');
	append(c, line, len);
}

/* The expected output of data[0..n) framed with limit max (see the top). */
static void reference(const char *data, size_t n, size_t max, struct collect *exp,
                      uint64_t *overlong)
{
	size_t start = 0;

	while (start < n) {
		const char *lf = memchr(data + start, '\n', n - start);
		size_t end = lf ? (size_t)(lf - data) : n;
		size_t len = end - start;
		if (len > 0 && data[end - 1] == '\r')
			len--;
		if (len > max)
			(*overlong)++;
		else
			append(exp, data + start, len);
		start = end + 1;
	}
}

static void fuzz_linebuf_one(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned pick = fuzz_byte(&in);
	size_t max = pick == 0 ? 0 : pick % 64 + 1;
	uint64_t seed = fuzz_u16(&in);
	size_t n = in.n;
	char *stream = malloc(n + 1), *copy = malloc(n + 1);
	struct collect got = { 0 }, exp = { 0 };
	struct linebuf lb;
	uint64_t exp_overlong = 0;
	size_t counted = 0;

	FUZZ_CHECK(stream && copy);
	memcpy(stream, in.p, n);
	memcpy(copy, in.p, n);
	linebuf_init(&lb, max);
	FUZZ_CHECK(lb.max_line == (max ? max : DEFAULT_MAX));
	for (size_t off = 0; off < n;) {
		size_t chunk = 1 + fuzz_rng(&seed) % (seed & 1 ? 4 : 97);
		if (chunk > n - off)
			chunk = n - off;
		counted += linebuf_feed(&lb, copy + off, chunk, collect_line, &got);
		FUZZ_CHECK(lb.len <= lb.max_line + 1);
		FUZZ_CHECK(lb.cap <= lb.max_line + 2);
		off += chunk;
	}
	counted += linebuf_finish(&lb, collect_line, &got);
	FUZZ_CHECK(lb.len == 0);
	FUZZ_CHECK(counted == got.lines);

	reference(stream, n, lb.max_line, &exp, &exp_overlong);
	FUZZ_CHECK(got.lines == exp.lines);
	FUZZ_CHECK(got.len == exp.len);
	FUZZ_CHECK(got.len == 0 || memcmp(got.out, exp.out, got.len) == 0);
	FUZZ_CHECK(lb.overlong == exp_overlong);

	/* Reset drops a partial line: the next line comes out whole. */
	char tail[] = "partial";
	char next[] = "\nnext\n";
	struct collect after = { 0 };
	linebuf_feed(&lb, tail, sizeof tail - 1, collect_line, &after);
	linebuf_reset(&lb);
	linebuf_feed(&lb, next + 1, sizeof next - 2, collect_line, &after);
	if (lb.max_line >= 4) {
		FUZZ_CHECK(after.lines == 1 && after.len == 5 && memcmp(after.out, "next\n", 5) == 0);
	}

	linebuf_free(&lb);
	free(after.out);
	free(got.out);
	free(exp.out);
	free(stream);
	free(copy);
}

FUZZ_TARGET(linebuf)
