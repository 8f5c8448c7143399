/* model_tombs.h - ended calls remembered compactly (internal to model*.c).
 *
 * A call that has ended (its outcome seen) stays a full record (model_calls.h)
 * only until the clock next moves; then it becomes a tombstone here: 28 bytes
 * (its key, times as 32-bit offsets, two flags) instead of a record of about
 * 180, in a ring kept in end-time order with an open-addressing index. A line
 * naming it again brings the full record back (calls_lookup), so a duplicate
 * is known exactly as before.
 *
 * The callid is kept inline: up to TOMB_IDB bytes as they are, or, longer, up
 * to twice that packed at 4 bits a character when it is made of digits and
 * ".-_:@" only (Asterisk's "1767254400.1775376" is 18 of them); any other
 * stays a full record.
 *
 * Bound: TOMBSTONE_S (two hours) and TOMB_MAX entries, whichever is reached
 * first; past the count the oldest goes. 32,768 ended calls take 896 KB +
 * 256 KB of index: the whole two hours up to ~4.5 calls/s (a centre of a
 * hundred agents or so), about 45 seconds at 2,000 lines/s (1,000 queues,
 * 10,000 agents: ~700 calls/s, where two hours of even 16-byte entries would
 * be 80 MB). The duplicates this is for - a line written twice, the same
 * call from a second source (queue_log and AMI) - come within seconds, not
 * after 32,768 later calls; a repeat that old counts again. At that size an
 * index entry holds its tombstone's home beside its slot (16 bits each), so
 * probing and deleting read the ring only for a likely match. */
#ifndef CCBOARD_MODEL_TOMBS_H
#define CCBOARD_MODEL_TOMBS_H

#include <stdbool.h>
#include <stdint.h>

#define TOMB_MAX 32768u        /* ended calls remembered at most (a power of two,
                                  at most 2^15: an index entry's 16 bits) */
#define TOMB_OUTCOME 1         /* struct tomb's flags */
#define TOMB_ENDED 2
#define TOMB_IDB 13            /* callid bytes inline: 13 as they are, 26 packed */

struct model;
struct call;
struct qevent;

struct tomb {
	int32_t key_off;               /* when it ended (the done list's time) - tombs.base */
	int32_t enter_d;               /* when it ended - its ENTERQUEUE time; INT32_MIN not seen */
	uint32_t hash;                 /* call_hash */
	int16_t queue;                 /* -1: a slot whose call came back to life (a call
	                                  of a queue past TOMB_QUEUES stays a record) */
	uint8_t flags : 2;             /* TOMB_OUTCOME, TOMB_ENDED */
	uint8_t idlen : 6;             /* the callid's length (packed past TOMB_IDB) */
	char id[TOMB_IDB];             /* the callid, not NUL-terminated, or packed */
};
#define TOMB_QUEUES INT16_MAX      /* queue numbers a tombstone holds (0 to this - 1) */
_Static_assert(sizeof(struct tomb) == 28, "struct tomb is 28 bytes");
_Static_assert(2 * TOMB_IDB < 64, "a packed callid's length fits idlen");

struct tombs {
	struct tomb *ring;             /* cap slots (a power of two), n used from head */
	uint32_t cap, head, n;
	uint32_t *index;               /* 2 * cap entries: home << 16 | (ring slot + 1),
                                  0 empty */
	int64_t base;                  /* the time key_off counts from */
	uint64_t evicted;              /* removed by TOMB_MAX before TOMBSTONE_S */
};

/* What a tombstone taken out remembered of its call. */
struct tomb_call {
	int64_t key_t, enter_t;        /* enter_t INT64_MIN: not seen */
	uint8_t flags;
};

/* Whether record c can become a tombstone of t (ended, its callid and times
 * fit). */
bool tombs_fits(const struct tombs *t, const struct call *c);

/* Remembers ended record c (the caller frees it); the oldest goes past TOMB_MAX. */
void tombs_add(struct model *m, const struct call *c);

/* Takes out the tombstone of (ev's callid, queue qi) whose call_hash is h into
 * *out; false if there is none. */
bool tombs_take(struct model *m, const struct qevent *ev, int32_t qi, uint32_t h,
                struct tomb_call *out);

/* Starts fetching where the tombstone of call_hash h is looked for first. */
void tombs_prefetch(const struct tombs *t, uint32_t h);

/* Forgets tombstones that ended before edge. */
void tombs_expire(struct model *m, int64_t edge);

/* Queues renumbered (map[old] = new, never -1 for a queue with tombstones). */
void tombs_renumber(struct tombs *t, const int32_t *map);

void tombs_free(struct tombs *t);

#endif
