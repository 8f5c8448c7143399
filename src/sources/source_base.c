/* source_base.c - what every kind of source shares: the record, its state,
 * its counters, the hand-over of a line to the sink. */
#include "source_internal.h"
#include "linebuf.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct source *source_new(const char *name, const char *kind, const struct source_sink *sink)
{
	struct source *src = calloc(1, sizeof(*src));

	if (!src)
		return NULL;
	snprintf(src->info.name, sizeof(src->info.name), "%s", name);
	src->info.kind = kind;
	src->info.state = SRC_STARTING;
	if (sink)
		src->sink = *sink;
	return src;
}

void source_set_state(struct source *src, enum source_state st, const char *detail)
{
	src->info.state = st;
	snprintf(src->info.detail, sizeof(src->info.detail), "%s", detail ? detail : "");
}

char *source_format(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void source_line_cb(void *ctx, char *line, size_t len)
{
	struct source *src = ctx;

	if (!src->sink.line)
		return;
	src->info.lines++;
	src->sink.line(src->sink.ctx, src, line, len);
}

uint64_t source_count_overlong(struct source *src, struct linebuf *lb)
{
	uint64_t n = linebuf_take_overlong(lb);

	src->info.lines += n;
	src->info.bad_lines += n;
	return n;
}

void source_call_done(struct source *src)
{
	if (src->sink.done)
		src->sink.done(src->sink.ctx, src);
}

bool source_count_parsed(struct source *src, enum ql_result r)
{
	if (r == QL_IGNORED)
		src->info.ignored_events++;
	else if (r == QL_BAD)
		src->info.bad_lines++;
	return r == QL_EVENT;
}
