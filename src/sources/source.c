/* source.c - source_open dispatch on the spec, and what every kind shares. */
#include "source.h"
#include "source_internal.h"
#include "ami.h"
#include "linebuf.h"
#include "source_net.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Specs that name a kind by prefix; anything else is a file path ("-" is
 * standard input). A row whose open is NULL is recognised but not built yet. */
static const struct source_kind {
	const char *prefix;
	source_open_fn open;
} source_kinds[] = {
	{ "tcp:", source_net_open },
	{ "unix:", source_net_open },
	{ "ami://", source_ami_open },
};

struct source *source_open(uv_loop_t *loop, const char *spec, const struct source_opts *opts,
                           const struct source_sink *sink, char **cause)
{
	static const struct source_opts defaults = { .follow = true };

	*cause = NULL;
	if (!opts)
		opts = &defaults;
	if (!spec || !*spec) {
		*cause = source_format("empty source");
		return NULL;
	}
	if (strcmp(spec, "-") == 0)
		return source_stdin_open(loop, spec, opts, sink, cause);
	for (size_t i = 0; i < sizeof(source_kinds) / sizeof(source_kinds[0]); i++) {
		const struct source_kind *k = &source_kinds[i];
		if (strncmp(spec, k->prefix, strlen(k->prefix)) != 0)
			continue;
		if (!k->open) {
			*cause = source_format("not supported yet: %s", spec);
			return NULL;
		}
		return k->open(loop, spec, opts, sink, cause);
	}
	return source_file_open(loop, spec, opts, sink, cause);
}

void source_tick(struct source *src, int64_t now)
{
	if (src && src->tick_impl)
		src->tick_impl(src, now);
}

void source_close(struct source *src)
{
	if (!src || !src->close_impl)
		return;
	void (*close_impl)(struct source *) = src->close_impl;

	memset(&src->sink, 0, sizeof(src->sink));
	src->close_impl = NULL;
	src->tick_impl = NULL;
	close_impl(src);
}

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
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
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
