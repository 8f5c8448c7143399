/* source_stream.c - byte streams read to EOF: a pipe or socket (standard
 * input) through a libuv stream, and a named pipe given by path, opened again
 * at each EOF when followed so the next writer's lines are read too.
 * Followed, a stream whose reads come less than coalesce_ms apart (a writer
 * flushing every line of a flood) stops reading for coalesce_ms after each
 * read: the kernel holds the lines meanwhile and the next read takes them all,
 * one wake-up per batch instead of one per line. A read after a quiet spell
 * is never held back. */
#include "source_stream.h"
#include "source_internal.h"
#include "linebuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STREAM_BUF_SIZE (256 * 1024)
/* A stream's tick cannot read what the kernel holds back, so it holds back
 * less than a file (SOURCE_COALESCE_MS): a line misses no snapshot by much. */
#define STREAM_COALESCE_MS 25
#define STREAM_BACKLOG (16 * 1024)  /* a read this big is a backlog (or a flood
                                     * that batches itself): read on at once */

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
	char *fifo;                /* a named pipe followed by path: reopened at EOF */
	uv_loop_t *loop;
	bool open;                 /* h is initialised and not closing */
	bool in_close;             /* h is closing; its callback decides what follows */
	bool closing;              /* source_close was called */
	uint64_t bytes_at_open;    /* src->info.bytes when the FIFO was last opened */
	int empty_eofs;            /* EOFs in a row with no byte: reopen on the tick */
	int coalesce_ms;           /* > 0: batch reads under a flood (see above) */
	bool got_before;           /* data_ms is set */
	uint64_t data_ms;          /* loop time of the last read */
	bool has_timer;            /* resume is initialised ... */
	bool timer_closed;         /* ... and closed */
	bool h_gone;               /* no stream handle left to close */
	uv_timer_t resume;         /* reading starts again when it fires */
};

static void stream_release(struct stream_src *s)
{
	linebuf_free(&s->lb);
	free(s->buf);
	free(s->fifo);
	free(s->src);
	free(s);
}

/* Frees s once both its stream handle and its timer are closed. */
static void stream_free(struct stream_src *s)
{
	s->h_gone = true;
	if (!s->has_timer || s->timer_closed)
		stream_release(s);
}

static void stream_on_timer_closed(uv_handle_t *h)
{
	struct stream_src *s = h->data;

	s->timer_closed = true;
	if (s->h_gone)
		stream_release(s);
}

static void stream_on_close(uv_handle_t *h)
{
	stream_free(h->data);
}

static void stream_close(struct source *src)
{
	struct stream_src *s = src->impl;

	s->closing = true;
	if (s->has_timer)
		uv_close((uv_handle_t *)&s->resume, stream_on_timer_closed);
	if (s->open) {
		s->open = false;
		s->in_close = true;
		uv_close(&s->h.handle, stream_on_close);
	} else if (!s->in_close) {
		stream_free(s);          /* a FIFO between two openings: no handle */
	}                                /* else fifo_on_closed sees closing and frees s */
}

static void stream_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct stream_src *s = h->data;

	*buf = uv_buf_init(s->buf, STREAM_BUF_SIZE);
}

static int stream_start(uv_loop_t *loop, struct stream_src *s, int fd, uv_close_cb on_fail);
static void fifo_on_closed(uv_handle_t *h);

/* Opens the FIFO again and reads on; on failure waits for the next tick. */
static void fifo_reopen(struct stream_src *s)
{
	int fd = open(s->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))) {
		close(fd);
		fd = -1;
		errno = EINVAL;
	}
	if (fd < 0) {
		source_set_state(s->src, SRC_WAITING, errno == ENOENT ? "named pipe gone, waiting"
		                                                      : strerror(errno));
		return;
	}
	s->bytes_at_open = s->src->info.bytes;
	int rc = stream_start(s->loop, s, fd, fifo_on_closed);
	if (rc != 0) {
		s->empty_eofs = 2;       /* retried on the tick, not at once */
		source_set_state(s->src, SRC_ERROR, uv_strerror(rc));
		return;
	}
	source_set_state(s->src, SRC_FOLLOWING, NULL);
}

static void fifo_on_closed(uv_handle_t *h)
{
	struct stream_src *s = h->data;

	s->in_close = false;
	if (s->closing) {
		stream_free(s);
		return;
	}
	if (s->empty_eofs < 2)   /* a FIFO gives no EOF before a writer came and went */
		fifo_reopen(s);  /* (else a kernel that does would spin: wait for the tick) */
}

/* The writer of a followed FIFO has gone: its partial line goes out, and the
 * FIFO is opened again for the next writer. */
static void fifo_writer_gone(struct stream_src *s)
{
	linebuf_finish(&s->lb, source_line_cb, s->src);
	source_count_overlong(s->src, &s->lb);
	s->empty_eofs = s->src->info.bytes == s->bytes_at_open ? s->empty_eofs + 1 : 0;
	if (s->has_timer)
		uv_timer_stop(&s->resume);
	s->open = false;
	s->in_close = true;
	source_set_state(s->src, SRC_FOLLOWING, "waiting for a writer");
	uv_close(&s->h.handle, fifo_on_closed);
}

static void fifo_tick(struct source *src, int64_t now)
{
	struct stream_src *s = src->impl;

	(void)now;
	if (!s->open && !s->in_close && !s->closing)
		fifo_reopen(s);
}

/* End of the stream (or a read error): the partial line goes out, then done. */
static void stream_finish(struct stream_src *s, enum source_state st, const char *detail)
{
	uv_read_stop(&s->h.stream);
	if (s->has_timer)
		uv_timer_stop(&s->resume);
	linebuf_finish(&s->lb, source_line_cb, s->src);
	source_count_overlong(s->src, &s->lb);
	s->finished = true;
	source_set_state(s->src, st, detail);
	source_call_done(s->src);
}

static void stream_on_read(uv_stream_t *h, ssize_t n, const uv_buf_t *buf);

static void stream_on_resume(uv_timer_t *t)
{
	struct stream_src *s = t->data;

	if (s->open && !s->finished && !s->closing)
		uv_read_start(&s->h.stream, stream_alloc, stream_on_read);
}

/* After a read of n bytes: one that came less than coalesce_ms after the
 * last one holds reading back for coalesce_ms; a big one is a backlog, read
 * on at once (a pipe holds 64 KiB: held back, it would cap the rate). */
static void stream_settle(struct stream_src *s, ssize_t n)
{
	uint64_t now = uv_now(s->resume.loop);
	bool flood = s->got_before && now - s->data_ms < (uint64_t)s->coalesce_ms;

	s->data_ms = now;
	s->got_before = true;
	if (!flood || n >= STREAM_BACKLOG || !s->open || s->finished || s->closing)
		return;
	uv_read_stop(&s->h.stream);
	uv_timer_start(&s->resume, stream_on_resume, (uint64_t)s->coalesce_ms, 0);
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
		if (s->has_timer && s->coalesce_ms > 0)
			stream_settle(s, n);
	} else if (n == UV_EOF && s->fifo) {
		fifo_writer_gone(s);
	} else if (n == UV_EOF) {
		stream_finish(s, SRC_DONE, NULL);
	} else if (n < 0) {
		stream_finish(s, SRC_ERROR, uv_strerror((int)n));
	}
}

/* Wraps fd in a pipe or TCP handle and starts reading; 0 or a libuv error.
 * On error fd is closed, and so is the handle if it was initialised (with
 * on_fail, s->in_close set). */
static int stream_start(uv_loop_t *loop, struct stream_src *s, int fd, uv_close_cb on_fail)
{
	bool tcp = uv_guess_handle(fd) == UV_TCP;
	int rc = tcp ? uv_tcp_init(loop, &s->h.tcp) : uv_pipe_init(loop, &s->h.pipe, 0);

	if (rc != 0) {
		close(fd);
		return rc;
	}
	s->h.handle.data = s;
	rc = tcp ? uv_tcp_open(&s->h.tcp, fd) : uv_pipe_open(&s->h.pipe, fd);
	if (rc != 0)
		close(fd);   /* not taken by the handle */
	else
		rc = uv_read_start(&s->h.stream, stream_alloc, stream_on_read);
	if (rc != 0) {
		s->in_close = true;
		uv_close(&s->h.handle, on_fail);
	} else {
		s->open = true;
	}
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
	s->loop = loop;
	int rc = stream_start(loop, s, fd, stream_on_close);
	if (rc != 0) {
		if (!s->in_close)
			stream_free(s);  /* else stream_on_close frees it */
		*cause = source_format("%s", uv_strerror(rc));
		return NULL;
	}
	s->src->impl = s;
	s->src->close_impl = stream_close;
	uv_timer_init(loop, &s->resume);
	s->resume.data = s;
	s->has_timer = true;
	s->coalesce_ms = !opts->follow ? 0 : opts->coalesce_ms ? opts->coalesce_ms : STREAM_COALESCE_MS;
	source_set_state(s->src, SRC_FOLLOWING, NULL);
	return s->src;
}

struct source *source_fifo_open(uv_loop_t *loop, const char *path,
                                const struct source_opts *opts,
                                const struct source_sink *sink, char **cause)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		*cause = source_format("%s", strerror(errno));
		return NULL;
	}
	struct source *src = source_stream_open(loop, fd, path, "file", opts, sink, cause);
	if (!src || !opts->follow)
		return src;
	struct stream_src *s = src->impl;
	s->fifo = strdup(path);
	if (s->fifo)             /* without it, read until the first writer leaves */
		src->tick_impl = fifo_tick;
	return src;
}
