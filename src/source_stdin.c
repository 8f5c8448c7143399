/* source_stdin.c - standard input ("-") and other byte streams read to EOF:
 * a pipe or socket through a libuv stream, a redirected regular file through
 * the file reader (uv_read_start on a regular file aborts). */
#include "source_internal.h"
#include "linebuf.h"

#include <stdlib.h>
#include <unistd.h>

#define STREAM_BUF_SIZE (256 * 1024)

struct stream_src {
	struct source *src;
	union {
		uv_handle_t handle;
		uv_stream_t stream;
		uv_pipe_t pipe;
		uv_tcp_t tcp;
	} h;
	struct linebuf lb;
	char *buf;
	bool finished;
};

static void stream_free(struct stream_src *s)
{
	linebuf_free(&s->lb);
	free(s->buf);
	free(s->src);
	free(s);
}

static void stream_on_close(uv_handle_t *h)
{
	stream_free(h->data);
}

static void stream_close(struct source *src)
{
	struct stream_src *s = src->impl;

	uv_close(&s->h.handle, stream_on_close);
}

static void stream_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct stream_src *s = h->data;

	*buf = uv_buf_init(s->buf, STREAM_BUF_SIZE);
}

/* End of the stream (or a read error): the partial line goes out, then done. */
static void stream_finish(struct stream_src *s, enum source_state st, const char *detail)
{
	uv_read_stop(&s->h.stream);
	linebuf_finish(&s->lb, source_line_cb, s->src);
	source_count_overlong(s->src, &s->lb);
	s->finished = true;
	source_set_state(s->src, st, detail);
	source_call_done(s->src);
}

static void stream_on_read(uv_stream_t *h, ssize_t n, const uv_buf_t *buf)
{
	struct stream_src *s = h->data;

	if (s->finished)
		return;
	if (n > 0) {
		s->src->info.bytes += (uint64_t)n;
		linebuf_feed(&s->lb, buf->base, (size_t)n, source_line_cb, s->src);
		source_count_overlong(s->src, &s->lb);
	} else if (n == UV_EOF) {
		stream_finish(s, SRC_DONE, NULL);
	} else if (n < 0) {
		stream_finish(s, SRC_ERROR, uv_strerror((int)n));
	}
}

/* Wraps fd in a pipe or TCP handle and starts reading; 0 or a libuv error.
 * On error the handle is closed (freeing s) and fd is closed. */
static int stream_start(uv_loop_t *loop, struct stream_src *s, int fd)
{
	bool tcp = uv_guess_handle(fd) == UV_TCP;
	int rc = tcp ? uv_tcp_init(loop, &s->h.tcp) : uv_pipe_init(loop, &s->h.pipe, 0);

	if (rc != 0) {
		close(fd);
		stream_free(s);
		return rc;
	}
	s->h.handle.data = s;
	rc = tcp ? uv_tcp_open(&s->h.tcp, fd) : uv_pipe_open(&s->h.pipe, fd);
	if (rc != 0)
		close(fd);   /* not taken by the handle */
	else
		rc = uv_read_start(&s->h.stream, stream_alloc, stream_on_read);
	if (rc != 0)
		uv_close(&s->h.handle, stream_on_close);
	return rc;
}

struct source *source_stream_open(uv_loop_t *loop, int fd, const char *name, const char *kind,
                                  const struct source_opts *opts,
                                  const struct source_sink *sink, char **cause)
{
	struct stream_src *s = calloc(1, sizeof(*s));

	if (!s || !(s->src = source_new(name, kind, sink)) || !(s->buf = malloc(STREAM_BUF_SIZE))) {
		if (s)
			stream_free(s);
		close(fd);
		*cause = source_format("out of memory");
		return NULL;
	}
	linebuf_init(&s->lb, opts->max_line ? opts->max_line : SOURCE_DEFAULT_MAX_LINE);
	int rc = stream_start(loop, s, fd);
	if (rc != 0) {
		*cause = source_format("%s", uv_strerror(rc));
		return NULL;
	}
	s->src->impl = s;
	s->src->close_impl = stream_close;
	source_set_state(s->src, SRC_FOLLOWING, NULL);
	return s->src;
}

struct source *source_stdin_open(uv_loop_t *loop, const char *spec, const struct source_opts *opts,
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
