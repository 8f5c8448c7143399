/* linebuf.c - pure line framing: LF-terminated lines, CR before LF dropped,
 * complete lines handed out in place, a partial tail carried to the next feed,
 * over-long lines dropped (and counted) until the next LF. */
#include "linebuf.h"

#include <stdlib.h>
#include <string.h>

#define LINEBUF_DEFAULT_MAX (64 * 1024)

void linebuf_init(struct linebuf *lb, size_t max_line)
{
	memset(lb, 0, sizeof(*lb));
	lb->max_line = max_line ? max_line : LINEBUF_DEFAULT_MAX;
}

void linebuf_free(struct linebuf *lb)
{
	free(lb->carry);
	lb->carry = NULL;
	lb->len = lb->cap = 0;
	lb->discarding = 0;
}

void linebuf_reset(struct linebuf *lb)
{
	lb->len = 0;
	lb->discarding = 0;
}

/* Strips a CR before the (already removed) LF, checks the length, terminates
 * and hands the line out. Returns 1 if fn was called. */
static size_t linebuf_emit(struct linebuf *lb, char *line, size_t len, linebuf_fn fn, void *ctx)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > lb->max_line) {
		lb->overlong++;
		return 0;
	}
	line[len] = '\0';
	fn(ctx, line, len);
	return 1;
}

/* Appends data[0..n) to the carry; 0, or -1 when the carry would exceed a
 * line (plus a CR) or memory ran out: the line is then dropped and counted. */
static int linebuf_append(struct linebuf *lb, const char *data, size_t n)
{
	size_t need = lb->len + n;

	if (need > lb->max_line + 1) {
		lb->overlong++;
		lb->len = 0;
		lb->discarding = 1;
		return -1;
	}
	if (need + 1 > lb->cap) {
		size_t cap = lb->cap ? lb->cap : 256;
		while (cap < need + 1)
			cap *= 2;
		if (cap > lb->max_line + 2)
			cap = lb->max_line + 2;
		char *p = realloc(lb->carry, cap);
		if (!p) {
			lb->overlong++;
			lb->len = 0;
			lb->discarding = 1;
			return -1;
		}
		lb->carry = p;
		lb->cap = cap;
	}
	memcpy(lb->carry + lb->len, data, n);
	lb->len = need;
	return 0;
}

/* Completes a held partial line with data[0..n) (the bytes before the LF). */
static size_t linebuf_complete_carry(struct linebuf *lb, const char *data, size_t n,
                                     linebuf_fn fn, void *ctx)
{
	if (linebuf_append(lb, data, n) != 0) {
		lb->discarding = 0;   /* the LF ending it is already found */
		return 0;
	}
	size_t len = lb->len;
	lb->len = 0;
	return linebuf_emit(lb, lb->carry, len, fn, ctx);
}

size_t linebuf_feed(struct linebuf *lb, char *data, size_t n, linebuf_fn fn, void *ctx)
{
	char *p = data, *end = data + n, *lf;
	size_t count = 0;

	if (lb->discarding) {
		lf = memchr(p, '\n', n);
		if (!lf)
			return 0;
		lb->discarding = 0;
		p = lf + 1;
	}
	if (lb->len > 0 && p < end) {
		lf = memchr(p, '\n', (size_t)(end - p));
		if (!lf) {
			linebuf_append(lb, p, (size_t)(end - p));
			return count;
		}
		count += linebuf_complete_carry(lb, p, (size_t)(lf - p), fn, ctx);
		p = lf + 1;
	}
	while (p < end && (lf = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		count += linebuf_emit(lb, p, (size_t)(lf - p), fn, ctx);
		p = lf + 1;
	}
	if (p < end)
		linebuf_append(lb, p, (size_t)(end - p));
	return count;
}

size_t linebuf_finish(struct linebuf *lb, linebuf_fn fn, void *ctx)
{
	if (lb->discarding) {
		lb->discarding = 0;
		return 0;
	}
	if (lb->len == 0)
		return 0;
	size_t len = lb->len;
	lb->len = 0;
	return linebuf_emit(lb, lb->carry, len, fn, ctx);
}

uint64_t linebuf_take_overlong(struct linebuf *lb)
{
	uint64_t n = lb->overlong;

	lb->overlong = 0;
	return n;
}
