/* model_tombs.h - ended calls remembered compactly (internal to model*.c).
 *
 * A call that has ended (its outcome seen) stays a full record (model_calls.h)
 * only until the clock next moves; then it becomes a tombstone here: 48 bytes
 * (its key, times and two flags) instead of a record of about 200, in a ring
 * kept in end-time order with an open-addressing index. A line naming it
 * again brings the full record back (calls_lookup), so a duplicate is known
 * exactly as before.
 *
 * Bound: TOMBSTONE_S (two hours) and TOMB_MAX entries, whichever is reached
 * first; past the count the oldest goes. 131,072 ended calls take 6 MB + 1 MB
 * of index: the whole two hours up to ~18 calls/s (a centre of a few hundred
 * agents), about three minutes at 2,000 lines/s (1,000 queues, 10,000
 * agents: ~700 calls/s, where two hours of even 16-byte entries would be
 * 80 MB). The duplicates this is for - a line written twice, the same call
 * from a second source (queue_log and AMI) - come within seconds, not after
 * 131,072 later calls; a repeat that old counts again. */
#ifndef CCBOARD_MODEL_TOMBS_H
#define CCBOARD_MODEL_TOMBS_H

#include <stdbool.h>
#include <stdint.h>

#define TOMB_MAX 131072u       /* ended calls remembered at most (a power of two) */
#define TOMB_OUTCOME 1         /* struct tomb's flags */
#define TOMB_ENDED 2
#define TOMB_ID 22             /* callid bytes kept inline; a longer one stays a full record */

struct model;
struct call;
struct qevent;

struct tomb {
	int64_t key_t;                 /* when it ended (the done list's time) */
	int64_t enter_t;               /* its ENTERQUEUE time, INT64_MIN: not seen */
	uint32_t hash;                 /* call_hash */
	int32_t queue;                 /* -1: a slot whose call came back to life */
	uint8_t flags;                 /* TOMB_OUTCOME, TOMB_ENDED */
	uint8_t idlen;
	char id[TOMB_ID];              /* the callid, not NUL-terminated */
};

struct tombs {
	struct tomb *ring;             /* cap slots (a power of two), n used from head */
	uint32_t cap, head, n;
	uint32_t *index;               /* 2 * cap entries: ring slot + 1, 0 empty */
	uint64_t evicted;              /* removed by TOMB_MAX before TOMBSTONE_S */
};

/* Whether record c can become a tombstone (ended, a short enough callid). */
bool tombs_fits(const struct call *c);

/* Remembers ended record c (the caller frees it); the oldest goes past TOMB_MAX. */
void tombs_add(struct model *m, const struct call *c);

/* Takes out the tombstone of (ev's callid, queue qi) whose call_hash is h into
 * *out; false if there is none. */
bool tombs_take(struct model *m, const struct qevent *ev, int32_t qi, uint32_t h,
                struct tomb *out);

/* Forgets tombstones that ended before edge. */
void tombs_expire(struct model *m, int64_t edge);

/* Queues renumbered (map[old] = new, never -1 for a queue with tombstones). */
void tombs_renumber(struct tombs *t, const int32_t *map);

void tombs_free(struct tombs *t);

#endif
