/* out_print.h - snapshots on standard output (--json, --once): JSON lines or
 * the text table, formatted in memory and written by out_stream without
 * blocking the loop. */
#ifndef CCBOARD_OUT_PRINT_H
#define CCBOARD_OUT_PRINT_H

#include <uv.h>
#include "out_stream.h"
#include "output.h"

enum out_print_format { OUT_PRINT_JSON, OUT_PRINT_TEXT };

/* Called once when the output fails, with the exit status the run should end
 * with: 0 when the reader has gone (as with head), else 1 after a message. */
typedef void (*out_print_fail_fn)(void *ctx, int status);

/* Returns the output writing to fd (left open) on loop. OUT_KEEP_ALL: every
 * snapshot goes out, and all of them before the exit; OUT_KEEP_NEWEST (live):
 * a lagging reader gets the newest, and the exit waits for it 2 s at most.
 * Live JSON lines are formatted off the loop thread (the tick stats'
 * worker:json) unless CCBOARD_JSON_ON_LOOP is set (to compare). */
struct output out_print_new(uv_loop_t *loop, int fd, enum out_print_format fmt,
                            enum out_policy policy, out_print_fail_fn on_fail, void *ctx);

/* The live JSON line of the snapshot last published, as standard output
 * formats it (off the loop thread; waiting for it, blocking, while it is
 * made): true with its pieces, valid until the next snapshot is published;
 * false when there is none (no live --json, or none yet). For /snapshot:
 * one line made per snapshot for both. */
bool out_print_json_latest(struct json_pieces *jp);
/* The same line copied into a malloc'ed buffer of *len bytes (the caller's),
 * NULL when there is none: a line the worker wrote in parts is made again in
 * parts straight into the copy, never held whole twice. */
char *out_print_json_copy(size_t *len);
/* True while the worker writes the last published line to standard output
 * itself (it may wait up to 200 ms for a slow reader):
 * /snapshot serves the line it has rather than wait for it on the loop. */
bool out_print_json_writing(void);

#endif
