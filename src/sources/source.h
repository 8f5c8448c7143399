/* source.h - where lines (or events) come from: files followed like tail -F,
 * standard input, and later sockets and AMI. Each kind lives in source_KIND.c
 * and hands what it reads to one sink. Thin libuv shells. */
#ifndef CCBOARD_SOURCE_H
#define CCBOARD_SOURCE_H

#include <stdbool.h>
#include <uv.h>
#include "event.h"
#include "queuelog.h"
#include "snapshot.h"

struct source;
struct replay_merge;
struct contact_event;

/* Where a source delivers. line: one complete line (writable, NUL-terminated,
 * no newline). event: an already parsed event (AMI). done: the source reached
 * its end (replay) or closed for good. Any callback may be NULL. */
struct source_sink {
	void *ctx;
	void (*line)(void *ctx, struct source *src, char *line, size_t len);
	void (*event)(void *ctx, struct source *src, const struct qevent *ev);
	void (*done)(void *ctx, struct source *src);
};

struct source_opts {
	bool follow;             /* false (--replay): read to the end, then done */
	bool snapshot;           /* --once without --replay: done once the current state is
	                            known (AMI: after the QueueStatus seed) */
	size_t max_line;         /* bytes; default 64 KiB */
	const struct config *cfg;/* for secrets and limits; may be NULL */
	bool parse;              /* replayed files: parse queue_log lines in the source (on a
	                          * thread of their own) and hand sink.event events instead
	                          * of sink.line lines, counting bad and ignored lines */
	struct replay_merge *merge; /* replayed files opened with the same merge hand out their
	                          * lines merged by event time (replay_merge.h); NULL: each
	                          * file on its own */
	/* with parse: a contact event, parsed on the reader thread too, goes here
	 * (ctx: sink.ctx) instead of its line to sink.line; may be NULL */
	void (*contact)(void *ctx, struct source *src, const struct contact_event *ev);
	/* followed files and streams: while lines keep coming, read at most once
	 * per this many ms (a line after a quiet spell is read at once);
	 * 0: SOURCE_COALESCE_MS (files; streams less), negative: read on every wake-up */
	int coalesce_ms;
};

/* Under a flood a followed file reads in batches this far apart, not on
 * every appended line: five wake-ups a second instead of one per line. The
 * snapshot is taken once a second and its tick reads what is pending first,
 * so the board, the alerts and the outputs see every line as soon as before;
 * a batch of a few hundred lines finds the model in cache (on 2,000 lines/s:
 * ~0.6 % of a core less than at 25 ms). */
#define SOURCE_COALESCE_MS 200

struct source {
	struct snap_source info; /* name, kind, state, counters: shown in the header and JSON */
	struct source_sink sink;
	void *impl;              /* the kind's own state */
	void (*close_impl)(struct source *src);
	void (*tick_impl)(struct source *src, int64_t now); /* safety-net checks; may be NULL */
};

/* Opens spec ("-", a path, later "tcp:HOST:PORT", "unix:PATH", "ami://USER@HOST:PORT")
 * on loop and starts it. Returns NULL with *cause (malloc'ed) set when spec is
 * unusable; a file that does not exist yet is not an error (it is waited for). */
struct source *source_open(uv_loop_t *loop, const char *spec, const struct source_opts *opts,
                           const struct source_sink *sink, char **cause);

/* Counts a parsed line's result in src's counters (ignored events, bad
 * lines); returns true when it is an event for the model. */
bool source_count_parsed(struct source *src, enum ql_result r);

/* Called once a second by the app (stat safety net, reconnect timers...). */
void source_tick(struct source *src, int64_t now);

/* Stops the source and frees it once its handles are closed. */
void source_close(struct source *src);

#endif
