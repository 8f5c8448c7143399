/* snapshot_json.h - the queues of a JSON snapshot written by hand into a
 * reused buffer: the same bytes jansson gives (snapshot.c keeps that path
 * as the reference the tests compare with), at a fraction of the cost for
 * a thousand queues every second. */
#ifndef CCBOARD_SNAPSHOT_JSON_H
#define CCBOARD_SNAPSHOT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include "snapshot.h"

struct jsegs;

/* A growing byte buffer, kept from line to line. With segs, the line is a
 * list of pieces: the buffer's own bytes and, between them, cached texts
 * referred to where they are (jbuf_ref), not copied. */
struct jbuf {
	char *p;
	size_t n, cap;
	struct jsegs *segs;
};

void jbuf_grow(struct jbuf *b, size_t n);
/* Gives back the room of a buffer kept from line to line that far exceeds
 * need (the last line's length): the first lines, made while a backlog is
 * read, are longer than those after. Only while nothing points into it. */
void jbuf_fit(struct jbuf *b, size_t need);
/* Appends n bytes at s (inline: most pieces are a few bytes, most keys literal). */
static inline void jbuf_put(struct jbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap)
		jbuf_grow(b, n);
	memcpy(b->p + b->n, s, n);
	b->n += n;
}
static inline void jbuf_puts(struct jbuf *b, const char *s)
{
	jbuf_put(b, s, strlen(s));
}
/* Appends n bytes at p that stay where they are, unchanged, until the line is
 * written: referred to when b has segs and n is at least min, else copied
 * (inline: an agent's few pieces a line, most of them short). JSEG_REF_MIN
 * for most: a shorter piece costs more referred to than copied; 0 for a
 * piece of a text that is cold (copying would read it). */
enum { JSEG_REF_MIN = 96 };
void jbuf_ref_piece(struct jbuf *b, const char *p, size_t n);
static inline void jbuf_ref(struct jbuf *b, const char *p, size_t n, size_t min)
{
	if (!b->segs || n < min)
		jbuf_put(b, p, n);
	else
		jbuf_ref_piece(b, p, n);
}

/* Appends the pieces of t (snapshot_json_tail), referred to when b has segs. */
void jbuf_text(struct jbuf *b, const struct json_text *t);

/* A line's pieces, in order, as the iovecs it is written with. While the
 * line is built, a piece of b's own buffer (which may still move) has its
 * offset in b as its base and JSEG_OWN in its length; jsegs_end makes them
 * pointers. */
#define JSEG_OWN ((size_t)1 << (sizeof(size_t) * 8 - 1))
struct jsegs {
	struct iovec *v;
	size_t n, cap;
	size_t mark;             /* where b's bytes not yet in a piece begin */
	/* set: the line goes out in parts (jbuf_part), each handed to part and
	 * let go of once it returns */
	void (*part)(void *ctx, const struct iovec *v, size_t n);
	void *part_ctx;
};
/* Gives back the room of segs that far exceeds the last line's pieces (as
 * jbuf_fit; before jsegs_start, while no one holds the pieces). */
void jsegs_fit(struct jsegs *segs);
/* Empties segs for a line built into b (b->n 0). */
void jsegs_start(struct jsegs *segs, struct jbuf *b);
/* Ends the line: the bytes of b since the last piece become one, every piece
 * points at its bytes (b's buffer moves no more); returns the line's length. */
size_t jsegs_end(struct jsegs *segs, struct jbuf *b);

/* A place where the line may be cut (between queues, between agents): with
 * segs that have a part function, once the line's own bytes or its pieces
 * pass a limit, what is built so far goes to it and b starts again, empty.
 * The line's parts are then never held whole. */
void jsegs_part_out(struct jbuf *b);
extern size_t jpart_bytes, jpart_pieces;
static inline void jbuf_part(struct jbuf *b)
{
	if (b->segs && b->segs->part && (b->n >= jpart_bytes || b->segs->n >= jpart_pieces))
		jsegs_part_out(b);
}
/* The limits (for the tests: small parts); 0 puts back the defaults. */
void jbuf_part_limits(size_t bytes, size_t pieces);

/* The n bytes at text, which need no escaping, as a JSON string. */
void jbuf_quoted(struct jbuf *b, const char *text, size_t n);
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

/* Writes a as json_alert does; the line may be cut before it (jbuf_part). */
void jbuf_alert(struct jbuf *b, const struct snap_alert *a);

/* Writes a queue's "staffing" array as staffing_json dumps. */
struct staff_queue;
void jbuf_staffing_list(struct jbuf *b, const struct staff_queue *sq);

/* Writes the "agents" array as agent_stats_json dumps (agent_stats_out.c),
 * each agent's parts kept from the last line while their inputs are the
 * same (agent_stats_out.c). */
void jbuf_agents(struct jbuf *b, const struct snapshot *s);

/* ---- keys of pieces reused from line to line -------------------------------
 * A key is a 128-bit hash of the bytes of every value a piece of the line
 * depends on (and their count), fed as the values are read, not copied nor
 * compared byte by byte: a piece whose key is the last one's is reused (two
 * different inputs giving one key is a chance of 2^-128). */
struct jkey {
	uint64_t a, b;           /* two lanes, each an xxh64-style round per word */
	uint64_t n;              /* bytes fed */
};
static inline void jkey_start(struct jkey *k)
{
	*k = (struct jkey){ 0x9E3779B185EBCA87ull, 0xC2B2AE3D27D4EB4Full, 0 };
}
static inline uint64_t jkey_round(uint64_t acc, uint64_t w)
{
	acc += w * 0xC2B2AE3D27D4EB4Full;
	acc = acc << 31 | acc >> 33;
	return acc * 0x9E3779B185EBCA87ull;
}
/* Feeds n raw bytes (or a string with its NUL, or a NULL marker) to a key. */
static inline void jkey_put(struct jkey *k, const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t w;
	k->n += n;
	for (; n >= 8; n -= 8, c += 8) {
		memcpy(&w, c, 8);
		k->a = jkey_round(k->a, w);
		k->b = jkey_round(k->b, w ^ k->n);
	}
	if (n) {
		w = 0;
		memcpy(&w, c, n);
		k->a = jkey_round(k->a, w ^ (uint64_t)n << 56);
		k->b = jkey_round(k->b, w + k->n);
	}
}
void jkey_str(struct jkey *k, const char *text);

/* An emptied buffer, shared and reused, to write a kept piece's text in. */
struct jbuf *jpiece_begin(void);

/* Writes q's fields as jbuf_queue_open does, up to (not with) its callers. */
void jbuf_queue_head(struct jbuf *b, const struct snapshot *s, const struct snap_queue *q,
                     bool is_total);
/* Writes ,"callers":[...] of q. */
void jbuf_queue_callers(struct jbuf *b, const struct snap_queue *q);
/* Writes queue qi of s (s->queues[qi]) as jbuf_queue_open and ,"staffing" do,
 * from pieces kept from the last line where their values did not change. */
void jbuf_queue_cached(struct jbuf *b, const struct snapshot *s, size_t qi);
/* Forgets the queues' kept pieces. */
void snapshot_json_queues_free(void);

/* The holder of the last line's pieces (snapshot_json_pieces): detach(ctx)
 * is called before a cached text changes; NULL: none. jline_detach calls it
 * (once) and forgets it. */
void jline_hold(void (*detach)(void *ctx), void *ctx);
void jline_detach(void);

/* Whether the last line was written by hand (else mostly by jansson). */
bool snapshot_json_last_by_hand(void);

/* Forgets the agents' fragments (agent_stats_out.c). */
void agent_json_cache_clear(void);
/* Forgets every cached fragment (the next line is written from scratch). */
void snapshot_json_cache_clear(void);

/* The contacts' parts of the snapshot by hand (contacts_json.c), the bytes
 * contacts_json adds. NULL when no contact event was applied; free it with
 * ct_jout_free. */
struct ct_jout;
struct ct_jout *ct_jout_new(const struct contacts *c);
void ct_jout_free(struct ct_jout *o);
/* The callbacks' texts are referred to (with b's segs), not copied, by what o
 * writes from now on: they stay as they are, those changed kept, until
 * ct_jout_release (for a line's end made on the loop and written elsewhere). */
void ct_jout_lend(struct ct_jout *o);
/* The texts lent before are no longer referred to: those changed since go. */
void ct_jout_release(const struct contacts *c);
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
/* The same, only the keys has(key) is true for (--json-keys). */
void ct_jout_root_keys(struct ct_jout *o, struct jbuf *b, bool (*has)(const char *key));

#endif
