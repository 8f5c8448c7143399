/* source_file.c - a file followed like tail -F, or read to its end (replay).
 *
 * Everything funnels into one pass (file_pass), run from an idle handle so a
 * big backlog is read at most FILE_PASS_BYTES per loop turn: read the open
 * descriptor to its end, then compare stat(path) with what is open. A new
 * inode means rotation by rename or re-creation (the old descriptor is already
 * drained: open the new file at 0); the same inode but smaller than what was
 * read, or with another byte where the last one read was, means copy-truncate
 * (start again at 0); no file means wait for it.
 * Passes are started by events on the open file itself (inotify through
 * uv_fs_event: appends, truncation, its rename or removal; a flood on another
 * file of its directory wakes nobody here), on its directory while it is
 * missing or failing (to see it appear, filtered on the base name), and by a
 * one-second timer as a safety net.
 * Under a flood (a pass reads lines less than coalesce_ms after the last
 * one that did) the watch is stopped and a timer runs a pass every
 * coalesce_ms instead, until one finds nothing new: a batch of lines per
 * wake-up rather than a wake-up, a read and a stat per appended line. A line
 * after a quiet spell is still read on its event, at once; the tick reads
 * what is pending first (file_tick), so its snapshot misses nothing.
 * A replay with opts->parse is read, framed and parsed on a reader thread
 * (replay_reader.c); a pass then replays that thread's records for one pass's
 * worth of bytes. Several replayed files opened with one merge
 * (opts->merge) hand their records out merged by event time instead
 * (replay_merge.c), each file's idle running a share of a pass. */
#include "source_file.h"
#include "source_internal.h"
#include "source_stream.h"
#include "linebuf.h"
#include "replay_merge.h"
#include "replay_reader.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_BUF_SIZE (256 * 1024)    /* one read(): stays in L2 for the parser */
#define FILE_BUF_KEPT (64 * 1024)     /* followed and caught up: a pass's reads */
#define FILE_PASS_BYTES (1024 * 1024) /* at most this much per loop turn */
#define FILE_RECHECK_MS 1000
#define FILE_TICK_LEAD_MS 20          /* the flood's last poll before a tick: this early */

struct file_src {
	struct source *src;
	char *path;                  /* NULL: a descriptor handed over (stdin) */
	char *dir;
	const char *base;            /* points into path */
	int fd;                      /* -1: none open; ours to close when path is set */
	bool follow;
	bool watching;               /* the watch is running ... */
	bool watch_file;             /* ... on the file (else on its directory) */
	bool closing;
	bool finished;               /* replay reached its end */
	bool parse;                  /* replay: read and parse on a reader thread */
	struct replay_reader *reader;/* that thread, once started */
	struct replay_member *member;/* in a merge of several replayed files */
	void (*contact)(void *ctx, struct source *src, const struct contact_event *ev);
	int err;                     /* errno of the last failure */
	dev_t dev;
	ino_t ino;
	off_t offset;                /* bytes of the open file read so far */
	char last;                   /* the byte at offset - 1 */
	struct linebuf lb;
	char *buf;
	size_t buf_size;             /* FILE_BUF_SIZE, or FILE_BUF_KEPT (file_buf_fit) */
	int handles;                 /* handles not yet closed */
	int coalesce_ms;             /* > 0: batch reads under a flood (see above) */
	bool polling;                /* the flood: the poll timer reads, no watch */
	bool got;                    /* bytes read since the last look at it */
	bool got_before;             /* data_ms is set */
	uint64_t data_ms;            /* loop time of the last pass that read bytes */
	bool ticked;                 /* tick_ms is set */
	uint64_t tick_ms;            /* loop time of the last tick (the polls' phase) */
	uv_idle_t idle;
	uv_timer_t timer;
	uv_timer_t poll;
	uv_fs_event_t watch;
};

/* What to do after a check: read again now, or wait for an event. */
enum file_next { FILE_READ, FILE_WAIT };

enum file_read { FILE_EOF, FILE_MORE, FILE_FAILED };

static void file_on_idle(uv_idle_t *h);
static void file_settle(struct file_src *f);
static void file_watch(struct file_src *f, bool force);

static void file_kick(struct file_src *f)
{
	if (!f->closing && !f->finished)
		uv_idle_start(&f->idle, file_on_idle);
}

/* EINVAL stands for a path that is neither a regular file nor a named pipe. */
static const char *file_strerror(int err)
{
	return err == EINVAL ? "not a regular file" : strerror(err);
}

static enum file_next file_fail(struct file_src *f, int err)
{
	f->err = err;
	source_set_state(f->src, SRC_ERROR, file_strerror(err));
	file_watch(f, false);
	return FILE_WAIT;
}

static enum file_next file_missing(struct file_src *f, int err)
{
	f->err = err;
	source_set_state(f->src, SRC_WAITING, f->fd >= 0 ? "file gone, waiting for a new one"
	                                               : "waiting for the file");
	file_watch(f, false);
	return FILE_WAIT;
}

/* Opens path at 0 in place of the (drained) descriptor held so far. */
static enum file_next file_reopen(struct file_src *f)
{
	if (f->fd >= 0) {
		linebuf_finish(&f->lb, source_line_cb, f->src);
		source_count_overlong(f->src, &f->lb);
		close(f->fd);
		f->fd = -1;
	}
	linebuf_reset(&f->lb);
	int fd = open(f->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? file_missing(f, errno) : file_fail(f, errno);
	struct stat st;
	int err = fstat(fd, &st) != 0 ? errno : S_ISREG(st.st_mode) ? 0
	          : S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
	if (err) {
		close(fd);
		return file_fail(f, err);
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	f->fd = fd;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->offset = 0;
	f->err = 0;
	file_watch(f, false);
	return FILE_READ;
}

/* The file was truncated: its partial line is void, read it from 0. */
static void file_restart(struct file_src *f)
{
	linebuf_reset(&f->lb);
	f->offset = 0;
}

/* Compares the path with the open descriptor (called at its end). */
static enum file_next file_check(struct file_src *f)
{
	struct stat st;

	if (stat(f->path, &st) != 0)
		return errno == ENOENT || errno == ENOTDIR ? file_missing(f, errno) : file_fail(f, errno);
	if (f->fd < 0 || st.st_dev != f->dev || st.st_ino != f->ino)
		return file_reopen(f);
	if (st.st_size < f->offset) {
		file_restart(f);
		return FILE_READ;
	}
	source_set_state(f->src, SRC_FOLLOWING, NULL);
	return st.st_size > f->offset ? FILE_READ : FILE_WAIT;
}

/* A followed file whose pass read little (up to three quarters of
 * FILE_BUF_KEPT: ~28 KB at 2,000 lines/s of a big centre, polled five times
 * a second) keeps a small buffer rather than a backlog's 256 KB, left after
 * the catch-up; a read that fills it (a backlog again) has the big one
 * back. */
static void file_buf_fit(struct file_src *f, size_t want)
{
	if (want == f->buf_size)
		return;
	free(f->buf);                /* its bytes are framed already */
	f->buf = xmalloc(want);
	f->buf_size = want;
}

/* Reads and frames at most FILE_PASS_BYTES from the open descriptor. A
 * followed file is read from the byte before offset: one pread both checks
 * that byte (file_rewritten's test) and reads on, and a short read is its end
 * for now (a regular file), so a pass over a few new lines costs one pread. */
static enum file_read file_read(struct file_src *f)
{
	size_t done = 0;
	bool tail = f->follow && f->path;

	while (done < FILE_PASS_BYTES && !f->closing) {
		size_t back = tail && f->offset > 0 ? 1 : 0;
		ssize_t n = f->path ? pread(f->fd, f->buf, f->buf_size, f->offset - (off_t)back)
		                    : read(f->fd, f->buf, f->buf_size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			f->err = errno;
			return FILE_FAILED;
		}
		if (back && (n == 0 || f->buf[0] != f->last)) {
			/* truncated, and maybe written again past where it was read
			 * (copy-truncate): only the byte before offset tells */
			file_restart(f);
			continue;
		}
		size_t got = (size_t)n - back;
		if (got == 0)
			return FILE_EOF;
		f->offset += (off_t)got;
		f->last = f->buf[n - 1];
		f->src->info.bytes += (uint64_t)got;
		f->got = true;
		done += got;
		linebuf_feed(&f->lb, f->buf + back, got, source_line_cb, f->src);
		source_count_overlong(f->src, &f->lb);
		if (tail && (size_t)n < f->buf_size) {
			file_buf_fit(f, done <= FILE_BUF_KEPT / 4 * 3 ? FILE_BUF_KEPT : f->buf_size);
			return FILE_EOF;
		}
		if (tail)
			file_buf_fit(f, FILE_BUF_SIZE);
	}
	return FILE_MORE;
}

/* The end of a replayed file (or of standard input): done. */
static void file_finish(struct file_src *f, enum source_state st, const char *detail)
{
	uv_idle_stop(&f->idle);
	linebuf_finish(&f->lb, source_line_cb, f->src);
	source_count_overlong(f->src, &f->lb);
	f->finished = true;
	source_set_state(f->src, st, detail);
	source_call_done(f->src);
}

/* Replays one record of the reader thread: the counters move as they would
 * if this thread had read the line itself; events go to sink.event. */
static void file_replay_rec(struct file_src *f, const struct replay_rec *rec)
{
	struct source *src = f->src;

	if (rec->what == REPLAY_BYTES) {
		src->info.bytes += rec->n;
		return;
	}
	src->info.lines++;
	if (rec->what == REPLAY_CONTACT && !f->contact) {
		src->sink.line(src->sink.ctx, src, rec->line, rec->n);
		return;
	}
	if (rec->what == REPLAY_CONTACT) {
		if (rec->result == QL_EVENT)
			f->contact(src->sink.ctx, src, &rec->ce);
		else
			src->info.bad_lines++;     /* a bad object is a bad line (SPEC 6.1) */
		return;
	}
	if (source_count_parsed(src, rec->result))
		src->sink.event(src->sink.ctx, src, &rec->ev);
}

/* One pass of a replay read on the reader thread: its batches up to the
 * pass's end (or the file's). */
static void file_pass_batch(struct file_src *f)
{
	int pass_end, last, err;

	do {
		struct replay_batch *b = replay_reader_next(f->reader);
		for (size_t i = 0; i < b->n_recs && f->src->sink.event; i++)
			file_replay_rec(f, &b->recs[i]);
		pass_end = b->pass_end;
		last = b->last;
		err = b->err;
		replay_reader_release(f->reader, b);
		if (f->closing)
			return;
	} while (!pass_end && !last);
	if (!last) {
		source_set_state(f->src, SRC_LAGGING, NULL);
		return;
	}
	replay_reader_stop(f->reader);   /* the thread has ended */
	f->reader = NULL;
	f->finished = true;              /* linebuf_finish was the reader's */
	uv_idle_stop(&f->idle);
	source_set_state(f->src, err ? SRC_ERROR : SRC_DONE, err ? strerror(err) : NULL);
	source_call_done(f->src);
}

static void file_merge_deliver(void *ctx, const struct replay_rec *rec)
{
	struct file_src *f = ctx;

	if (f->src->sink.event)
		file_replay_rec(f, rec);
}

/* The file's last record is out: done, as file_pass_batch ends. */
static void file_merge_end(void *ctx, int err)
{
	struct file_src *f = ctx;

	f->member = NULL;
	replay_reader_stop(f->reader);   /* the thread has ended */
	f->reader = NULL;
	f->finished = true;
	uv_idle_stop(&f->idle);
	source_set_state(f->src, err ? SRC_ERROR : SRC_DONE, err ? strerror(err) : NULL);
	source_call_done(f->src);
}

/* A share of a merged pass. A merge left with this file alone (the other
 * sources are not replayed files) is left: the file is read on its own. */
static void file_pass_merged(struct file_src *f)
{
	struct replay_merge *g = replay_member_merge(f->member);
	size_t n = replay_merge_members(g);

	if (n == 1 && !replay_merge_begun(g)) {
		replay_merge_leave(f->member);
		f->member = NULL;
		file_pass_batch(f);
		return;
	}
	replay_merge_pass(g, FILE_PASS_BYTES / n);
	if (f->member && !f->closing)
		source_set_state(f->src, SRC_LAGGING, NULL);
}

static void file_pass(struct file_src *f)
{
	if (f->member) {
		file_pass_merged(f);
		return;
	}
	if (f->reader) {
		file_pass_batch(f);
		return;
	}
	if (f->fd >= 0) {
		enum file_read r = file_read(f);
		if (f->closing)
			return;
		if (r == FILE_MORE) {
			source_set_state(f->src, SRC_LAGGING, NULL);
			file_kick(f);            /* a pass run from a timer goes on in the idle */
			return;
		}
		if (r == FILE_FAILED && !f->follow) {
			file_finish(f, SRC_ERROR, strerror(f->err));
			return;
		}
		if (r == FILE_FAILED) {
			file_fail(f, f->err);
			uv_idle_stop(&f->idle);
			return;
		}
	}
	if (!f->follow) {
		file_finish(f, SRC_DONE, NULL);
		return;
	}
	if (file_check(f) == FILE_READ) {
		file_kick(f);
		return;
	}
	uv_idle_stop(&f->idle);
	file_settle(f);
}

static void file_on_idle(uv_idle_t *h)
{
	file_pass(h->data);
}

static void file_on_event(uv_fs_event_t *h, const char *name, int events, int status);
static void file_on_poll(uv_timer_t *h);

/* Sets the flood's next poll: FILE_TICK_LEAD_MS before a multiple of
 * coalesce_ms after the last tick, the schedule held whatever the passes'
 * lateness (a repeating timer would drift by it, past the tick), so the
 * next tick (a whole number of those later: 1 s, 200 ms) finds only the
 * lines of those few ms to read. Before any tick: every coalesce_ms. */
static void file_poll_next(struct file_src *f)
{
	uint64_t now = uv_now(f->poll.loop), p = (uint64_t)f->coalesce_ms, lead = FILE_TICK_LEAD_MS;
	uint64_t due = now + p;

	if (f->ticked && p > 2 * lead && now >= f->tick_ms)
		due = f->tick_ms + ((now - f->tick_ms + lead) / p + 1) * p - lead;
	uv_timer_start(&f->poll, file_on_poll, due - now, p);
}

/* A pass of the flood: lines came since the last one, so poll on; else the
 * flood is over: the watch again, and a pass for what came before it ran. */
static void file_on_poll(uv_timer_t *h)
{
	struct file_src *f = h->data;

	file_pass(f);
	if (f->closing || !f->polling)
		return;
	if (f->got) {
		f->got = false;
		f->data_ms = uv_now(h->loop);
		file_poll_next(f);
		return;
	}
	uv_timer_stop(&f->poll);
	f->polling = false;
	file_watch(f, false);
	file_kick(f);
}

/* The end of a pass reached in watch mode: bytes read less than coalesce_ms
 * after the last ones make a flood (see the top of the file). */
static void file_settle(struct file_src *f)
{
	if (f->polling || !f->got)
		return;
	f->got = false;
	uint64_t now = uv_now(f->idle.loop);
	bool flood = f->got_before && now - f->data_ms < (uint64_t)f->coalesce_ms;
	f->data_ms = now;
	f->got_before = true;
	if (!flood || f->coalesce_ms <= 0 || !f->follow || !f->path)
		return;
	f->polling = true;
	if (f->watching)
		uv_fs_event_stop(&f->watch);
	f->watching = false;
	file_poll_next(f);
}

/* The tick: what a flood wrote since the last poll is read first, so its
 * snapshot misses nothing; the polls then run on the tick's phase
 * (file_poll_next), so the next tick reads a few ms of lines, not up to
 * coalesce_ms of them (~400 lines, 1.3 ms at 2,000 lines/s). */
static void file_tick(struct source *src, int64_t now)
{
	struct file_src *f = src->impl;

	(void)now;
	f->ticked = true;
	f->tick_ms = uv_now(f->poll.loop);
	if (!f->polling || f->closing)
		return;
	file_pass(f);
	if (f->polling && !f->closing)
		file_poll_next(f);
}

/* Starts the watch: on the file while one is open and well, else on its
 * directory; restarted when that changes, or when force (a directory may be
 * new). None under a flood (the poll reads) nor before the handles exist.
 * Without a watch the timer still works. */
static void file_watch(struct file_src *f, bool force)
{
	if (!f->follow || !f->path || f->handles == 0 || f->closing || f->polling)
		return;
	bool on_file = f->fd >= 0 && f->err == 0;
	if (f->watching && !force && on_file == f->watch_file)
		return;
	if (f->watching)
		uv_fs_event_stop(&f->watch);
	f->watch_file = on_file;
	f->watching = uv_fs_event_start(&f->watch, file_on_event, on_file ? f->path : f->dir,
	                                0) == 0;
}

static void file_on_event(uv_fs_event_t *h, const char *name, int events, int status)
{
	struct file_src *f = h->data;

	if (status < 0) {
		uv_fs_event_stop(&f->watch);
		f->watching = false;
		return;
	}
	if (!name || strcmp(name, f->base) == 0)
		file_kick(f);
}

/* The safety net: a pass every second, and the directory watch restarted
 * while the file is missing or failing (its directory may be new). */
static void file_on_timer(uv_timer_t *h)
{
	struct file_src *f = h->data;
	enum source_state st = f->src->info.state;

	if (!f->watching || st == SRC_WAITING || st == SRC_ERROR)
		file_watch(f, true);
	file_kick(f);
}

static void file_free(struct file_src *f)
{
	if (f->reader) {                 /* closed during a replay: stop, then close */
		replay_reader_stop(f->reader);
		if (f->fd >= 0 && f->path)
			close(f->fd);
	}
	linebuf_free(&f->lb);
	free(f->buf);
	free(f->path);
	free(f->dir);
	free(f->src);
	free(f);
}

static void file_on_close(uv_handle_t *h)
{
	struct file_src *f = h->data;

	if (--f->handles == 0)
		file_free(f);
}

static void file_close(struct source *src)
{
	struct file_src *f = src->impl;

	f->closing = true;
	replay_merge_leave(f->member);   /* its batch back to the reader, stopped in file_free */
	f->member = NULL;
	if (f->fd >= 0 && f->path && !f->reader)   /* else the reader thread may read it */
		close(f->fd);
	if (!f->reader)
		f->fd = -1;
	uv_close((uv_handle_t *)&f->idle, file_on_close);
	uv_close((uv_handle_t *)&f->timer, file_on_close);
	uv_close((uv_handle_t *)&f->poll, file_on_close);
	uv_close((uv_handle_t *)&f->watch, file_on_close);
}

/* Splits path into its directory and base name. */
static int file_split(struct file_src *f, const char *path)
{
	f->path = strdup(path);
	if (!f->path)
		return -1;
	char *slash = strrchr(f->path, '/');
	if (!slash) {
		f->dir = strdup(".");
		f->base = f->path;
	} else {
		size_t n = slash == f->path ? 1 : (size_t)(slash - f->path);
		f->dir = strndup(f->path, n);
		f->base = slash + 1;
	}
	return f->dir ? 0 : -1;
}

/* Allocates the source and its state; no handle yet. */
static struct file_src *file_new(const char *name, const char *kind,
                                 const struct source_opts *opts, const struct source_sink *sink)
{
	struct file_src *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->src = source_new(name, kind, sink);
	f->buf = malloc(FILE_BUF_SIZE);
	f->buf_size = FILE_BUF_SIZE;
	if (!f->src || !f->buf) {
		file_free(f);
		return NULL;
	}
	f->fd = -1;
	f->follow = opts->follow;
	f->parse = opts->parse && !opts->follow;
	f->contact = opts->contact;
	f->coalesce_ms = opts->coalesce_ms ? opts->coalesce_ms : SOURCE_COALESCE_MS;
	linebuf_init(&f->lb, opts->max_line ? opts->max_line : SOURCE_DEFAULT_MAX_LINE);
	return f;
}

/* Initialises every handle (from here on, source_close frees f) and starts. */
static struct source *file_start(uv_loop_t *loop, struct file_src *f, struct replay_merge *merge)
{
	uv_idle_init(loop, &f->idle);
	uv_timer_init(loop, &f->timer);
	uv_timer_init(loop, &f->poll);
	uv_fs_event_init(loop, &f->watch);
	f->idle.data = f->timer.data = f->poll.data = f->watch.data = f;
	f->handles = 4;
	f->src->impl = f;
	f->src->close_impl = file_close;
	if (f->follow) {
		f->src->tick_impl = file_tick;
		file_watch(f, true);
		uv_timer_start(&f->timer, file_on_timer, FILE_RECHECK_MS, FILE_RECHECK_MS);
	}
	if (f->parse && f->path && f->fd >= 0 && f->src->sink.event)
		f->reader = replay_reader_start(f->fd, FILE_BUF_SIZE, FILE_PASS_BYTES,
		                                f->lb.max_line);
	if (f->reader && merge) {
		static const struct replay_member_ops ops = { file_merge_deliver, file_merge_end };
		f->member = replay_merge_join(merge, f->reader, &ops, f);
	}
	file_kick(f);
	return f->src;
}

struct source *source_file_open(uv_loop_t *loop, const char *spec, const struct source_opts *opts,
                                const struct source_sink *sink, char **cause)
{
	struct stat st;

	if (stat(spec, &st) == 0 && S_ISFIFO(st.st_mode))
		return source_fifo_open(loop, spec, opts, sink, cause);   /* <(ssh pbx tail -F ...) */
	struct file_src *f = file_new(spec, "file", opts, sink);
	if (!f || file_split(f, spec) != 0) {
		if (f)
			file_free(f);
		*cause = source_format("out of memory");
		return NULL;
	}
	file_check(f);
	if (!f->follow && f->fd < 0) {
		*cause = source_format("%s", file_strerror(f->err));
		file_free(f);
		return NULL;
	}
	return file_start(loop, f, opts->merge);
}

struct source *source_file_open_fd(uv_loop_t *loop, int fd, const char *name, const char *kind,
                                   const struct source_opts *opts,
                                   const struct source_sink *sink, char **cause)
{
	struct source_opts once = *opts;

	once.follow = false;
	struct file_src *f = file_new(name, kind, &once, sink);
	if (!f) {
		*cause = source_format("out of memory");
		return NULL;
	}
	f->fd = fd;
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return file_start(loop, f, NULL);
}
