/* snapshot_json.h - the queues of a JSON snapshot written by hand into a
 * reused buffer: the same bytes jansson gives (snapshot.c keeps that path
 * as the reference the tests compare with), at a fraction of the cost for
 * a thousand queues every second. */
#ifndef CCBOARD_SNAPSHOT_JSON_H
#define CCBOARD_SNAPSHOT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include "snapshot.h"

/* A growing byte buffer, kept from line to line. */
struct jbuf {
	char *p;
	size_t n, cap;
};

void jbuf_put(struct jbuf *b, const char *s, size_t n);
void jbuf_puts(struct jbuf *b, const char *s);
/* text as a JSON string: invalid UTF-8 as U+FFFD, non-ASCII as \uXXXX. */
void jbuf_string(struct jbuf *b, const char *text);
void jbuf_int(struct jbuf *b, long long v);
/* v as jansson writes a real with JSON_REAL_PRECISION(15). */
void jbuf_real(struct jbuf *b, double v);

/* Writes q as json_queue does, without its closing brace (the caller may add
 * keys, then '}'). */
void jbuf_queue_open(struct jbuf *b, const struct snapshot *s, const struct snap_queue *q,
                     bool is_total);

/* Writes a as json_alert does. */
void jbuf_alert(struct jbuf *b, const struct snap_alert *a);

#endif
