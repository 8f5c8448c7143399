/* out_print.c - the standard output output: format, write, report. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "out_print.h"
#include "util.h"

enum { OUT_PRINT_FLUSH_MS = 2000 };   /* live: how long the exit waits for a reader */
/* live: how long the worker waits for a reader that does not keep up before
 * what is left of the line is copied for it (the loop writes that) */
enum { OUT_PRINT_DIRECT_WAIT_MS = 200 };

/* A live JSON line formatted off the loop thread (uv_queue_work): the loop
 * writes the line's end (snapshot_json_tail), the worker the rest from the
 * snapshot, which the loop leaves as it is meanwhile (outputs_busy: the
 * ticks skip their refresh until the job is back).
 *
 * When the stream is idle, the worker writes the line itself, part by part
 * as it is made (snapshot_json_parts_with), so a big centre's line (12 MB:
 * its own bytes and pieces ~5.6 MB over the texts kept) is never held whole.
 * A reader that stops taking it gets the rest copied (its own data, as a
 * lagging reader's detach copies it), written by the loop. /snapshot then
 * makes the line again from the same snapshot and end when asked. */
struct print_job {
	uv_work_t req;
	struct out_print *p;
	const struct snapshot *s;
	struct json_text tail;
	struct json_pieces jp;   /* the line, valid until the next line is built */
	int rc;
	uint64_t cpu_ns, wall_ns;
	uv_mutex_t mu;           /* done, for out_print_json_latest's wait */
	uv_cond_t cv;
	bool done;
	bool in_flight;          /* published, its after-work not run yet */
	bool queued;             /* handed to the pool (print_launch) */
	bool latest;             /* jp is the last published snapshot's line */
	bool direct;             /* the worker writes the line in parts (jp: not whole) */
	int wait_ms;             /* direct: how long it may still wait for the reader */
	int err;                 /* direct: the write's failure (libuv code) */
	uint64_t bytes;          /* direct: bytes written */
	char *rest;              /* direct: what the reader did not take in time */
	size_t rest_n, rest_cap;
	bool spilled;            /* direct: the rest goes to rest */
	bool whole;              /* direct: jp made again whole (for /snapshot) */
	size_t line_len;         /* direct: the line's length */
};

struct out_print {
	struct out_stream *os;
	enum out_print_format fmt;
	enum out_policy policy;
	out_print_fail_fn on_fail;
	void *ctx;
	int error;               /* the stream's failure, already reported */
	bool lag_reported;       /* its first dropped snapshot went to stderr */
	uv_loop_t *loop;
	struct print_job *job;   /* live JSON: lines formatted off the loop */
	uint64_t skipped;        /* snapshots not made while a line was formatted */
};

/* The one output that formats live JSON lines (there is one standard output). */
static struct out_print *json_owner;

/* The stream failed (err: a libuv code): a reader that has gone ends ccboard
 * quietly. */
static void print_on_error(void *ctx, int err)
{
	struct out_print *p = ctx;
	p->error = err;
	if (err != UV_EPIPE)
		fprintf(stderr, "ccboard: writing to standard output: %s\n", uv_strerror(err));
	p->on_fail(p->ctx, err == UV_EPIPE ? 0 : 1);
}

/* The JSON line's cached texts are about to change: the stream copies what
 * it has not written yet of them. */
static void print_detach(void *ctx)
{
	struct out_print *p = ctx;
	out_stream_detach(p->os);
}

/* The JSON line as the snapshot's pieces, lent to the stream (no copy of the
 * line while the reader keeps up; a lagging reader's rest is copied by
 * print_detach). */
static int print_json(struct out_print *p, const struct snapshot *s)
{
	struct json_pieces jp;
	int rc;
	out_stream_drop_waiting(p->os);          /* the newer line replaces it: no copy */
	if (snapshot_json_pieces(s, &jp, print_detach, p) < 0)
		fatal("out of memory");
	rc = out_stream_write_pieces(p->os, jp.iov, jp.n, jp.len);
	if (!out_stream_borrows(p->os))
		snapshot_json_pieces_done();
	if (p->job) {                            /* the line http serves too */
		p->job->jp = jp;
		p->job->direct = false;
		p->job->rc = 0;
		p->job->latest = true;
	}
	return rc;
}

/* ---- live JSON off the loop thread ------------------------------------------- */

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Appends the pieces at v, from byte skip on, to the job's rest. */
static void job_spill(struct print_job *j, const struct iovec *v, size_t n, size_t skip)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = v[i].iov_len;
		if (skip >= k) {
			skip -= k;
			continue;
		}
		k -= skip;
		if (j->rest_n + k > j->rest_cap) {
			j->rest_cap = j->rest_n + k + (j->rest_n + k) / 4 + 4096;
			j->rest = xrealloc(j->rest, j->rest_cap);
		}
		memcpy(j->rest + j->rest_n, (const char *)v[i].iov_base + skip, k);
		j->rest_n += k;
		skip = 0;
	}
}

/* A part of the line, on the worker: to the reader, or to the rest once it
 * has not kept up (from then on, all of the line's rest). */
static void job_part(void *ctx, const struct iovec *v, size_t n)
{
	struct print_job *j = ctx;
	size_t done = 0;
	int rc;
	for (size_t i = 0; i < n; i++)
		j->line_len += v[i].iov_len;
	if (j->err)
		return;
	if (!j->spilled) {
		rc = out_stream_direct(j->p->os, v, n, &j->wait_ms, &done);
		j->bytes += done;
		if (rc == 0)
			return;
		if (rc != UV_EAGAIN) {
			j->err = rc;
			return;
		}
		j->spilled = true;
	}
	job_spill(j, v, n, done);
}

/* The worker: the line from the snapshot and the end the loop wrote. */
static void job_work(uv_work_t *req)
{
	struct print_job *j = req->data;
	uint64_t cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID), wall = clock_ns(CLOCK_MONOTONIC);
	if (j->direct)
		j->rc = snapshot_json_parts_with(j->s, &j->tail, job_part, j);
	else
		j->rc = snapshot_json_pieces_with(j->s, &j->tail, &j->jp);
	j->cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu;
	j->wall_ns = clock_ns(CLOCK_MONOTONIC) - wall;
	uv_mutex_lock(&j->mu);
	j->done = true;
	uv_cond_signal(&j->cv);
	uv_mutex_unlock(&j->mu);
}

/* Waits (blocking the loop) until the job in flight is formatted. */
static void job_wait(struct print_job *j)
{
	uv_mutex_lock(&j->mu);
	while (!j->done)
		uv_cond_wait(&j->cv, &j->mu);
	uv_mutex_unlock(&j->mu);
}

/* Back on the loop: the line to the stream, lent as print_json lends it. */
static void job_after(uv_work_t *req, int status)
{
	struct print_job *j = req->data;
	struct out_print *p = j->p;
	int rc;
	(void)status;                            /* never cancelled */
	j->in_flight = false;
	if (j->rc < 0)
		fatal("out of memory");
	j->latest = true;
	outputs_worker_time("json", j->cpu_ns, j->wall_ns);
	if (p->error)
		return;
	if (j->direct) {
		out_stream_direct_done(p->os, j->bytes, !j->spilled, j->err);
		rc = j->err;
		if (rc == 0 && j->spilled) {         /* the stream's now: a chunk of its own */
			rc = out_stream_write(p->os, j->rest, j->rest_n);
			j->rest = NULL;
			j->rest_n = j->rest_cap = 0;
		}
		if (rc != 0)
			print_on_error(p, rc);
		return;
	}
	rc = out_stream_write_pieces(p->os, j->jp.iov, j->jp.n, j->jp.len);
	if (out_stream_borrows(p->os))
		snapshot_json_pieces_hold(print_detach, p);
	if (rc != 0)
		print_on_error(p, rc);
}

/* Queues the line of s to the worker; false when it cannot be split off the
 * loop (print_json then). The stream's borrowed line is copied first (as a
 * line built on the loop does), the waiting one dropped. */
static bool print_json_async(struct out_print *p, const struct snapshot *s)
{
	struct print_job *j = p->job;
	out_stream_drop_waiting(p->os);
	snapshot_json_pieces_detach();           /* the cached texts change now */
	j->latest = false;
	if (!snapshot_json_tail(s, &j->tail))
		return false;
	j->s = s;
	j->direct = out_stream_idle(p->os);
	j->wait_ms = OUT_PRINT_DIRECT_WAIT_MS;
	j->err = 0;
	j->bytes = 0;
	j->spilled = false;
	j->rest_n = 0;
	j->line_len = 0;
	j->whole = false;
	j->done = false;
	j->in_flight = true;
	j->queued = false;                       /* print_launch, once the tick is timed */
	return true;
}

static void job_queue(struct out_print *p)
{
	struct print_job *j = p->job;
	j->queued = true;
	j->req.data = j;
	if (uv_queue_work(p->loop, &j->req, job_work, job_after) != 0)
		fatal("cannot start a worker thread");
}

static void print_launch(void *ctx)
{
	struct out_print *p = ctx;
	if (p->job && p->job->in_flight && !p->job->queued)
		job_queue(p);
}

/* The job of the last published snapshot's line, that line made (waiting for
 * it); NULL when there is none. */
static struct print_job *latest_job(void)
{
	struct print_job *j = json_owner ? json_owner->job : NULL;
	if (j == NULL || (!j->in_flight && !j->latest))
		return NULL;
	if (j->in_flight && !j->queued)
		job_queue(json_owner);
	if (j->in_flight)
		job_wait(j);
	return j->rc < 0 ? NULL : j;
}

bool out_print_json_writing(void)
{
	const struct print_job *j = json_owner ? json_owner->job : NULL;
	return j != NULL && j->in_flight && j->direct;
}

struct line_copy {
	char *p;
	size_t n, cap;
};

static void copy_part(void *ctx, const struct iovec *v, size_t n)
{
	struct line_copy *c = ctx;
	for (size_t i = 0; i < n; i++) {
		if (c->n + v[i].iov_len > c->cap) {
			c->cap = c->n + v[i].iov_len + (c->n + v[i].iov_len) / 4 + 4096;
			c->p = xrealloc(c->p, c->cap);
		}
		memcpy(c->p + c->n, v[i].iov_base, v[i].iov_len);
		c->n += v[i].iov_len;
	}
}

char *out_print_json_copy(size_t *len)
{
	struct print_job *j = latest_job();
	struct line_copy c = { 0 };
	if (j == NULL)
		return NULL;
	if (j->direct && !j->whole) {            /* written in parts: made again, so */
		c.cap = j->line_len + 1;
		c.p = xmalloc(c.cap);
		if (snapshot_json_parts_with(j->s, &j->tail, copy_part, &c) < 0)
			fatal("out of memory");
	} else {
		c.cap = j->jp.len + 1;
		c.p = xmalloc(c.cap);
		copy_part(&c, j->jp.iov, j->jp.n);
	}
	*len = c.n;
	return c.p;
}

bool out_print_json_latest(struct json_pieces *jp)
{
	struct print_job *j = latest_job();
	if (j == NULL)
		return false;
	if (j->direct && !j->whole) {            /* written in parts: made again, whole */
		if (snapshot_json_pieces_with(j->s, &j->tail, &j->jp) < 0)
			fatal("out of memory");
		j->whole = true;
	}
	*jp = j->jp;
	return true;
}

/* Formats s (the text in memory) and hands it to the stream, which writes it
 * without blocking the loop. */
static void print_publish(void *ctx, const struct snapshot *s)
{
	struct out_print *p = ctx;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;
	if (p->job && p->job->in_flight) {       /* outputs_busy skips such ticks */
		p->skipped++;
		return;
	}
	if (p->job && print_json_async(p, s))
		return;
	if (p->fmt == OUT_PRINT_JSON) {
		rc = print_json(p, s);
	} else {
		if ((mem = open_memstream(&buf, &len)) == NULL)
			fatal("out of memory");
		rc = snapshot_write_text(s, mem);
		if (fclose(mem) != 0 || rc != 0)
			fatal("out of memory");
		rc = out_stream_write(p->os, buf, len);
	}
	if (rc != 0)
		print_on_error(p, rc);
}

/* Standard output as a pseudo-source once its reader has lagged so far that
 * snapshots were dropped (said once on stderr). Returns false until then. */
static bool print_health(void *ctx, struct snap_source *out)
{
	struct out_print *p = ctx;
	struct out_stream_stats st = out_stream_stats(p->os);
	if (st.dropped == 0 && p->skipped == 0)
		return false;
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "stdout");
	out->kind = "output";
	out->state = st.pending ? SRC_LAGGING : SRC_FOLLOWING;
	out->lines = st.written;
	out->bytes = st.bytes;
	st.dropped += p->skipped;
	snprintf(out->detail, sizeof out->detail, "%" PRIu64 " snapshot%s dropped", st.dropped,
	         st.dropped == 1 ? "" : "s");
	if (!p->lag_reported)
		fprintf(stderr, "ccboard: standard output: the reader is lagging: %s\n", out->detail);
	p->lag_reported = true;
	return true;
}

/* A tick while the worker still formats the last line: it makes no snapshot,
 * counted as one dropped (a slow consumer costs its own data). */
static bool print_busy(void *ctx)
{
	struct out_print *p = ctx;
	if (p->job == NULL || !p->job->in_flight)
		return false;
	print_launch(p);                         /* a publish not launched: now */
	p->skipped++;
	return true;
}

static void print_wait(void *ctx)
{
	struct out_print *p = ctx;
	print_launch(p);
	if (p->job && p->job->in_flight)
		job_wait(p->job);
}

static void print_stop(void *ctx)
{
	struct out_print *p = ctx;
	out_stream_stop(p->os);
}

/* Writes what is still pending: all of it under OUT_KEEP_ALL, live at most
 * OUT_PRINT_FLUSH_MS for a reader that does not read. Returns the exit status. */
static int print_close(void *ctx, int rc)
{
	struct out_print *p = ctx;
	bool whole = p->policy == OUT_KEEP_ALL;
	int err = out_stream_flush(p->os, whole ? -1 : OUT_PRINT_FLUSH_MS);
	if (err == UV_ETIMEDOUT)
		fprintf(stderr, "ccboard: standard output: the reader took nothing for %d ms: "
		        "the last snapshot is lost\n", (int)OUT_PRINT_FLUSH_MS);
	else if (err != 0 && err != UV_EPIPE && err != p->error)
		fprintf(stderr, "ccboard: writing to standard output: %s\n", uv_strerror(err));
	if (p->fmt == OUT_PRINT_JSON)
		snapshot_json_pieces_done();         /* no detach to p once it is freed */
	if (p->job) {                            /* the loop has ended: no job in flight */
		snapshot_json_text_free(&p->job->tail);
		free(p->job->rest);
		uv_cond_destroy(&p->job->cv);
		uv_mutex_destroy(&p->job->mu);
		free(p->job);
		json_owner = NULL;
	}
	out_stream_free(p->os);
	free(p);
	return err != 0 && err != UV_EPIPE && err != UV_ETIMEDOUT && rc == 0 ? 1 : rc;
}

/* The text table has no agents' figures; the JSON line has them under
 * "agents". */
static bool print_reads_agent_figs(void *ctx)
{
	const struct out_print *p = ctx;
	return p->fmt == OUT_PRINT_JSON && snapshot_json_has_key("agents");
}

static const struct output_ops print_ops = {
	.name = "stdout",
	.reads_agent_figs = print_reads_agent_figs,
	.publish = print_publish,
	.health = print_health,
	.busy = print_busy,
	.wait = print_wait,
	.launch = print_launch,
	.stop = print_stop,
	.close = print_close,
};

struct output out_print_new(uv_loop_t *loop, int fd, enum out_print_format fmt,
                            enum out_policy policy, out_print_fail_fn on_fail, void *ctx)
{
	struct out_print *p = xcalloc(1, sizeof *p);
	p->fmt = fmt;
	p->policy = policy;
	p->on_fail = on_fail;
	p->ctx = ctx;
	p->loop = loop;
	p->os = out_stream_new(loop, fd, policy, print_on_error, p);
	if (fmt == OUT_PRINT_JSON && policy == OUT_KEEP_NEWEST && !getenv("CCBOARD_JSON_ON_LOOP")) {
		p->job = xcalloc(1, sizeof *p->job);
		p->job->p = p;
		if (uv_mutex_init(&p->job->mu) != 0 || uv_cond_init(&p->job->cv) != 0)
			fatal("cannot make a lock");
		json_owner = p;
	}
	return (struct output){ &print_ops, p };
}
