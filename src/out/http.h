/* http.h - the HTTP listener ([http] listen, --http): an output of the run
 * that keeps the latest published snapshot and serves it, and a source of
 * lines (POST /events). libmicrohttpd without a thread of its own, driven by
 * the libuv loop: its epoll fd is watched with a uv_poll_t and MHD_run is
 * called when it is readable and on a uv_timer_t armed from MHD_get_timeout.
 *
 *   GET /metrics   Prometheus text format 0.0.4 (exposition.h)
 *   GET /snapshot  the JSON of --json, from the same writer and snapshot
 *   GET /healthz   200 "ok", or 503 and the sources that are down
 *   POST /events   Authorization: Bearer TOKEN; the body's lines go to the
 *                  sink's line callback as the source "http": 200 (or 400
 *                  when no line was good) {"accepted": N, "bad_lines": [k,...]},
 *                  401, 413 past max_body
 * Other methods 405, other paths 404. Nothing of a request is echoed back. */
#ifndef CCBOARD_HTTP_H
#define CCBOARD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <uv.h>
#include "output.h"
#include "source.h"

/* The daemon's limits (MHD options), as the manual states them. */
#define HTTP_MAX_CONNECTIONS 64          /* at once; more are refused */
#define HTTP_CONNECTION_TIMEOUT_S 10     /* a connection idle this long is closed */
#define HTTP_CONNECTION_MEMORY (64 * 1024) /* MHD's buffer per connection (headers) */

struct http_conf {
	const char *listen;       /* "127.0.0.1:9650", "[::1]:9650", "*:9650" */
	const char *token_file;   /* NULL: POST /events is refused (401) */
	size_t max_body;
};

/* Parses spec into *ss (its length in *len) and says whether it is a
 * loopback address. Returns 0, or -1 with *cause (malloc'ed). */
int http_parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
                      bool *loopback, char **cause);

/* Compares a and b in time that depends on their lengths only, never on where
 * they differ. Returns true when they are equal. */
bool http_token_equal(const char *a, size_t alen, const char *b, size_t blen);

/* Reads the token from path: its first line; the file must not be open to
 * group or others. Returns it malloc'ed, or NULL with *cause. */
char *http_read_token(const char *path, char **cause);

/* Starts the listener on loop: lines posted to /events go to sink->line (with
 * the listener's own struct source). Refuses (NULL, *cause) a bad address, a
 * bad token file, and any address but loopback without a token. */
struct output http_new(uv_loop_t *loop, const struct http_conf *conf,
                       const struct source_sink *sink, char **cause);

/* SIGHUP: reads token_file again and takes max_body (ctx: the output's).
 * Returns 0, or -1 with *cause when the token file cannot be used (the old
 * token stays). Without a token_file the old token stays; listen needs a
 * restart. */
int http_reload(void *ctx, const char *token_file, size_t max_body, char **cause);

#endif
