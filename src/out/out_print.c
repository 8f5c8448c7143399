/* out_print.c - the standard output output: format, write, report. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out_print.h"
#include "util.h"

enum { OUT_PRINT_FLUSH_MS = 2000 };   /* live: how long the exit waits for a reader */

struct out_print {
	struct out_stream *os;
	enum out_print_format fmt;
	enum out_policy policy;
	out_print_fail_fn on_fail;
	void *ctx;
	int error;               /* the stream's failure, already reported */
	bool lag_reported;       /* its first dropped snapshot went to stderr */
};

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
	return rc;
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
	if (st.dropped == 0)
		return false;
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "stdout");
	out->kind = "output";
	out->state = st.pending ? SRC_LAGGING : SRC_FOLLOWING;
	out->lines = st.written;
	out->bytes = st.bytes;
	snprintf(out->detail, sizeof out->detail, "%" PRIu64 " snapshot%s dropped", st.dropped,
	         st.dropped == 1 ? "" : "s");
	if (!p->lag_reported)
		fprintf(stderr, "ccboard: standard output: the reader is lagging: %s\n", out->detail);
	p->lag_reported = true;
	return true;
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
	out_stream_free(p->os);
	free(p);
	return err != 0 && err != UV_EPIPE && err != UV_ETIMEDOUT && rc == 0 ? 1 : rc;
}

static const struct output_ops print_ops = {
	.name = "stdout",
	.publish = print_publish,
	.health = print_health,
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
	p->os = out_stream_new(loop, fd, policy, print_on_error, p);
	return (struct output){ &print_ops, p };
}
