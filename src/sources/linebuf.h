/* linebuf.h - pure line framing: bytes in, complete lines out. */
#ifndef CCBOARD_LINEBUF_H
#define CCBOARD_LINEBUF_H

#include <stddef.h>
#include <stdint.h>

/* Called once per complete line: line is writable, excludes the LF (and a CR
 * before it), is NUL-terminated at line[len]; it may contain NUL bytes. */
typedef void (*linebuf_fn)(void *ctx, char *line, size_t len);

struct linebuf {
	char *carry;          /* a partial line held until its newline */
	size_t len, cap;
	size_t max_line;      /* longer lines are cut off and counted */
	int discarding;       /* inside an over-long line: drop until LF */
	uint64_t overlong;    /* over-long lines dropped */
};

void linebuf_init(struct linebuf *lb, size_t max_line);
void linebuf_free(struct linebuf *lb);

/* Frames data[0..n) (data is writable: complete lines are handed out in
 * place, without a copy). Returns the number of lines handed to fn. */
size_t linebuf_feed(struct linebuf *lb, char *data, size_t n, linebuf_fn fn, void *ctx);

/* Hands out a held partial line as if it had its newline (end of a replayed
 * file). Returns 1 if there was one. */
size_t linebuf_finish(struct linebuf *lb, linebuf_fn fn, void *ctx);

/* Drops a held partial line (a truncated file starts again). */
void linebuf_reset(struct linebuf *lb);

/* Returns the over-long lines dropped since the last call (and starts
 * counting again from 0). */
uint64_t linebuf_take_overlong(struct linebuf *lb);

#endif
