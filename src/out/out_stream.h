/* out_stream.h - standard output (--json, --once) written without blocking the
 * loop, so a reader that stalls never stops the sources, the listeners and the
 * signals.
 *
 * What is written to depends on the descriptor (it may be shared with other
 * processes, e.g. a shell's terminal or a pipeline's other commands, so its
 * O_NONBLOCK flag is left alone wherever possible):
 *   regular file, /dev/null  plain writes (they do not block for long)
 *   pipe, FIFO, terminal     reopened through /proc/self/fd as a description of
 *                            our own, non-blocking, watched with uv_poll
 *   socket                   send(MSG_DONTWAIT) per call, retried on a timer
 *   anything else, or no /proc: O_NONBLOCK on the shared description, put
 *                            back as it was by out_stream_free
 *
 * Chunks (one snapshot each) go out whole and in order. OUT_KEEP_NEWEST keeps
 * at most two: the one being written and the newest waiting, which a newer
 * chunk replaces (counted as dropped). OUT_KEEP_ALL keeps every chunk, up to
 * OUT_MAX_PENDING bytes; past that a write waits for the reader (back-pressure
 * for a replay, whose snapshots are a series). */
#ifndef CCBOARD_OUT_STREAM_H
#define CCBOARD_OUT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct iovec;

#define OUT_MAX_PENDING (8u << 20)

enum out_policy { OUT_KEEP_ALL, OUT_KEEP_NEWEST };

struct out_stream;

struct out_stream_stats {
	uint64_t written;        /* chunks written whole */
	uint64_t dropped;        /* chunks replaced by a newer one before any byte went out */
	uint64_t bytes;          /* bytes written */
	size_t pending;          /* chunks being written or waiting */
};

/* Called once when a write fails after out_stream_write returned (err: a
 * libuv error code, UV_EPIPE when the reader has gone). */
typedef void (*out_error_fn)(void *ctx, int err);

/* Starts writing to fd (not closed; it stays the caller's) on loop. */
struct out_stream *out_stream_new(uv_loop_t *loop, int fd, enum out_policy policy,
                                  out_error_fn on_error, void *ctx);

/* Queues buf (len bytes, malloc'ed: the stream frees it) and writes what it
 * can now. Returns 0, or a libuv error code (UV_EPIPE: the reader has gone)
 * when this or an earlier write failed. */
int out_stream_write(struct out_stream *os, char *buf, size_t len);

/* Queues a chunk of len bytes in n pieces (iov, and the bytes it points at)
 * that stay the caller's and are not copied: they must stay as they are until
 * the chunk is written (out_stream_borrows false) or out_stream_detach has
 * been called, which copies only what is not written yet into the stream's
 * own memory. Writes what it can now. Returns as out_stream_write. */
int out_stream_write_pieces(struct out_stream *os, const struct iovec *iov, size_t n,
                            size_t len);
void out_stream_detach(struct out_stream *os);
bool out_stream_borrows(const struct out_stream *os);

/* Writing straight from another thread, for a chunk made there in parts that
 * are let go of once written (never held whole). Only while the stream is
 * idle (out_stream_idle: nothing pending, no failure, not stopped), and the
 * loop writes nothing to it until out_stream_direct_done. out_stream_direct
 * writes the n pieces at iov, waiting for the reader at most *wait_ms in all
 * (taken off it); *written: the bytes that went out. Returns 0 (all of
 * them), UV_EAGAIN (the reader took no more in time: the rest is the
 * caller's to queue) or the write's libuv error code. It reads only what
 * stays as it is while idle. out_stream_direct_done, on the loop, counts
 * the bytes written so (a chunk written whole when whole) and takes err
 * (0: none) as the stream's failure. */
bool out_stream_idle(const struct out_stream *os);
int out_stream_direct(const struct out_stream *os, const struct iovec *iov, size_t n,
                      int *wait_ms, size_t *written);
void out_stream_direct_done(struct out_stream *os, uint64_t bytes, bool whole, int err);

/* OUT_KEEP_NEWEST: drops a chunk waiting behind the one being written
 * (counted as dropped), as the next write would; before a newer chunk is
 * made, so a borrowed one is not copied only to be dropped. */
void out_stream_drop_waiting(struct out_stream *os);

/* Returns the counters so far. */
struct out_stream_stats out_stream_stats(const struct out_stream *os);

/* Closes the stream's libuv handles (repeatable); what is pending stays for
 * out_stream_flush. */
void out_stream_stop(struct out_stream *os);

/* Blocks until what is pending is written, at most timeout_ms (negative: no
 * limit). For the exit, once the loop has stopped. Returns 0, UV_ETIMEDOUT or
 * the write's libuv error code. */
int out_stream_flush(struct out_stream *os, int timeout_ms);

/* Frees os and what is still pending; out_stream_stop first, and let the loop
 * run so the handles are closed. */
void out_stream_free(struct out_stream *os);

#endif
