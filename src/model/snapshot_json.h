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
/* True when text is valid UTF-8 as jansson checks it (json_string accepts it). */
bool jbuf_utf8_valid(const char *text);
/* v as jansson writes a real with JSON_REAL_PRECISION(15). */
void jbuf_real(struct jbuf *b, double v);

/* Writes q as json_queue does, without its closing brace (the caller may add
 * keys, then '}'). */
void jbuf_queue_open(struct jbuf *b, const struct snapshot *s, const struct snap_queue *q,
                     bool is_total);

/* Writes a as json_alert does. */
void jbuf_alert(struct jbuf *b, const struct snap_alert *a);

/* Writes a queue's "staffing" array as staffing_json dumps. */
struct staff_queue;
void jbuf_staffing_list(struct jbuf *b, const struct staff_queue *sq);

/* Writes the "agents" array as agent_stats_json dumps (agent_stats_out.c). */
void jbuf_agents(struct jbuf *b, const struct snapshot *s);

/* The contacts' parts of the snapshot by hand (contacts_json.c), the bytes
 * contacts_json adds. NULL when no contact event was applied; free it with
 * ct_jout_free. */
struct ct_jout;
struct ct_jout *ct_jout_new(const struct contacts *c);
void ct_jout_free(struct ct_jout *o);
/* True when some text or number could not be written as jansson would (text
 * that is not UTF-8, a real that is not finite): write it with jansson. */
bool ct_jout_bad(const struct ct_jout *o);
/* The order of the "queues" array with the queues only contacts name put in
 * (after the last one whose name sorts before theirs, as contacts_json
 * inserts them; none when !can_make). names: the n snapshot queues'. order
 * (room n + ct_jout_queue_count) gets i >= 0 for names[i] and -1 - j for
 * contact queue j (ct_jout_queue_name). Returns its length. */
size_t ct_jout_order(struct ct_jout *o, const char *const *names, size_t n, bool can_make,
                     long *order);
size_t ct_jout_queue_count(const struct ct_jout *o);
const char *ct_jout_queue_name(const struct ct_jout *o, size_t j);
/* Appends ,"contacts":{...} when contacts name the queue called name. */
void ct_jout_queue(struct ct_jout *o, struct jbuf *b, const char *name);
/* Appends ,"channels":...,"channel_total":...,"pivots_by_pair":...,
 * "journeys":...,"callbacks":... */
void ct_jout_root(struct ct_jout *o, struct jbuf *b);

#endif
