/* source.c - source_open: the kind of source a spec names (and what standard
 * input is), then every kind's tick and close through the record. The one
 * file that knows every kind; the kinds know only source_internal.h (and the
 * file reader, a named pipe's stream). */
#include "source.h"
#include "source_internal.h"
#include "source_ami.h"
#include "source_file.h"
#include "source_net.h"
#include "source_stream.h"

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

/* Standard input ("-"), dispatched on what fd 0 is: a pipe or socket through
 * a libuv stream, a redirected regular file through the file reader
 * (uv_read_start on a regular file aborts). */
static struct source *source_stdin_open(uv_loop_t *loop, const char *spec, const struct source_opts *opts,
                                 const struct source_sink *sink, char **cause)
{
	uv_handle_type t = uv_guess_handle(0);

	switch (t) {
	case UV_NAMED_PIPE:
	case UV_TCP:
		return source_stream_open(loop, 0, "stdin", "stdin", opts, sink, cause);
	case UV_FILE:
		return source_file_open_fd(loop, 0, "stdin", "stdin", opts, sink, cause);
	case UV_TTY:
		*cause = source_format("standard input is a terminal");
		return NULL;
	case UV_UNKNOWN_HANDLE:
		*cause = source_format("standard input is not open");
		return NULL;
	default:
		*cause = source_format("standard input: cannot read a %s", uv_handle_type_name(t));
		return NULL;
	}
}

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

