/* wring.h - a rolling window's records, in time order, in fixed-size chunks
 * (internal to model*.c and agent_stats.c).
 *
 * Records are small fixed-size entries with no time of their own: times are
 * whole seconds, so the records of one second are kept together and the
 * second is written once, in a small ring of (second, count) beside them.
 * The records lie in chunks of WRING_CHUNK bytes taken from (and given back
 * to) a short free list: the window grows and shrinks a chunk at a time,
 * with no doubling (no 2x overshoot, no copy of the whole window in the
 * middle of a tick). A record a little out of order is put among its
 * second's records by moving the later ones up one place, from the tail.
 *
 * A zeroed struct wring is an empty window; wring_init sets the record size. */
#ifndef CCBOARD_WRING_H
#define CCBOARD_WRING_H

#include <stddef.h>
#include <stdint.h>

#define WRING_CHUNK 16384      /* bytes of records in a chunk */
#define WRING_SPARE 8          /* free chunks kept for reuse; more are freed */

/* The records of one second. */
struct wring_sec {
	int64_t t;
	uint32_t n;
};

struct wring {
	size_t esz, per;               /* record bytes; records in a chunk */
	unsigned char **chunk;         /* ring of ccap chunk pointers (a power of two) */
	size_t ccap, chead, nch;       /* the first chunk's place in it; chunks in use */
	size_t first, len;             /* the first record's place in its chunk; records */
	struct wring_sec *sec;         /* ring of scap seconds (a power of two), in time order */
	size_t scap, shead, slen;
	void *spare;                   /* free chunks, chained through their first bytes */
	size_t nspare;
	uint64_t made;                 /* chunks ever allocated (tests: reuse) */
};

/* Called with each record taken out of the window, and its second. */
typedef void wring_fn(void *ctx, void *rec, int64_t t);

/* Sets the record size (bytes, 1..WRING_CHUNK) of an empty window. */
void wring_init(struct wring *r, size_t esz);

/* Puts rec (esz bytes) at time t: after the records of second t and before
 * later ones. Returns where it is (valid until the window next changes). */
void *wring_add(struct wring *r, int64_t t, const void *rec);

/* Takes out, oldest first, the records at or before edge, calling fn on each. */
void wring_expire(struct wring *r, int64_t edge, wring_fn *fn, void *ctx);

/* Takes out, newest first, the records after edge, calling fn on each. */
void wring_back(struct wring *r, int64_t edge, wring_fn *fn, void *ctx);

/* The i-th record from the oldest (i < r->len); it may be changed in place. */
static inline void *wring_at(const struct wring *r, size_t i)
{
	size_t k = r->first + i;
	return r->chunk[(r->chead + k / r->per) & (r->ccap - 1)] + (k % r->per) * r->esz;
}

/* Calls fn on every record, oldest first (renumbering, marking). */
void wring_each(struct wring *r, wring_fn *fn, void *ctx);

/* The oldest and newest seconds held (r->len > 0). */
int64_t wring_oldest(const struct wring *r);
int64_t wring_newest(const struct wring *r);

/* Bytes held: chunks in use and spare, the seconds' ring, the chunk ring. */
size_t wring_bytes(const struct wring *r);

/* Frees everything; r is an empty window again (its record size kept). */
void wring_free(struct wring *r);

/* Narrow records name a recurring value (a kind and its flags, a mask) by
 * its index in a small table of the window's: the index of key among
 * codes[0..*n) (appended when new, while *n < cap), or -1 when full. A cap
 * below *n (a narrower record's room) finds any, adds none. */
int wring_code_index(uint32_t *codes, int *n, int cap, uint32_t key);

#endif
