/* source_internal.h - what every source_KIND.c shares (source_base.c); not for the app. */
#ifndef CCBOARD_SOURCE_INTERNAL_H
#define CCBOARD_SOURCE_INTERNAL_H

#include <stddef.h>
#include "source.h"

#define SOURCE_DEFAULT_MAX_LINE (64 * 1024)

/* Opens one kind of source; same contract as source_open. A cause does not
 * repeat the spec: the caller prints "SPEC: CAUSE". */
typedef struct source *(*source_open_fn)(uv_loop_t *loop, const char *spec,
                                          const struct source_opts *opts,
                                          const struct source_sink *sink, char **cause);

/* Returns a zeroed source named name (truncated to fit) of kind (a static
 * string) in state SRC_STARTING with a copy of sink, or NULL when out of
 * memory. The kind frees it with free() after its last handle closed. */
struct source *source_new(const char *name, const char *kind, const struct source_sink *sink);

/* Sets the state and the detail text (NULL: empty). */
void source_set_state(struct source *src, enum source_state st, const char *detail);

/* Returns a malloc'ed printf-formatted string (NULL when out of memory). */
char *source_format(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* A linebuf_fn whose ctx is a struct source: counts the line and hands it to
 * sink.line (dropped once the source is closing: source_close clears the sink). */
void source_line_cb(void *ctx, char *line, size_t len);

struct linebuf;

/* Counts the over-long lines lb dropped since the last call as lines and bad
 * lines of src (as a line the parser refused would be); returns how many. */
uint64_t source_count_overlong(struct source *src, struct linebuf *lb);

/* Calls sink.done if there is one; call it last, the app may close src in it. */
void source_call_done(struct source *src);

#endif
