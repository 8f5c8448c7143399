/* model_calls.h - the model's call registry (internal to model*.c).
 *
 * Each call entry (callid, queue) is one record, found through a hash table
 * of chains. A record is in one of three phases and on one time-ordered list:
 *   waiting  - on its queue's waiting list and the live list (by enter time)
 *   talking  - answered, on the live list (by connect time)
 *   done     - ended, on the done list until it becomes a compact tombstone
 *              (model_tombs.h), as more calls end (two for each), so that no
 *              tick converts a second's worth at once; one that cannot be a
 *              tombstone (no outcome seen, a long callid) moves to the kept
 *              list. Either way it is remembered for TOMBSTONE_S so that a
 *              duplicated line is recognised; then freed.
 * Lists are kept in time order by inserting from the tail, which is O(1) for
 * logs in order and cheap for the "a little out of order" of real logs.
 * Records with short call ids live in slabs of cells, each taken from the
 * lowest slab with room; when the records in use would fit in fewer slabs,
 * those of the highest are moved down (between events: no caller holds one)
 * and its slab is freed: a rush (a catch-up's 37,000 records on a big centre
 * that keeps 11,500) leaves no holes of its records behind, nor its hash
 * buckets. */
#ifndef CCBOARD_MODEL_CALLS_H
#define CCBOARD_MODEL_CALLS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "bytes.h"
#include "event.h"
#include "model_tombs.h"

#define TOMBSTONE_S 7200       /* how long an ended call is remembered */
#define MAX_RING 4             /* agents remembered as ringing for one call */

struct model;
struct queue;
struct call_slab;

enum phase { PH_WAITING, PH_TALKING, PH_DONE };

#define CALL_CALLERID_MAX 40   /* a caller id's bytes kept, NUL included (longer: cut) */
#define CALL_CID_IN 16         /* of which a record holds this many itself */

/* 106 bytes and the callid: a pooled record (a callid of up to 21 bytes)
 * is a 136-byte cell of a slab; some 12,000 of them on a big centre. The
 * caller id is kept in the record up to CALL_CID_IN bytes (a phone number,
 * "+15552927470"), longer on the heap (call_callerid): 24 bytes less a
 * record than room for the longest in each. */
struct call {
	struct call *hnext;            /* hash chain */
	struct call *prev, *next;      /* live or done list */
	struct call *wprev, *wnext;    /* the queue's waiting list */
	int64_t key_t;                 /* the list's ordering time */
	int64_t enter_t;               /* ENTERQUEUE time (INT64_MIN: not seen) */
	uint32_t hash;
	uint32_t idlen;                /* strlen(callid) */
	int32_t queue;
	int32_t agent;                 /* the answering agent, or -1 */
	int32_t ringing[MAX_RING];     /* agents being rung (AMI), -1 */
	uint8_t phase;                 /* enum phase */
	bool outcome_seen : 1;         /* an outcome counted since the last ENTER */
	bool ended : 1;                /* an end counted since the last CONNECT */
	bool pooled : 1;               /* callid has CALL_POOL_ID bytes: a slab's cell */
	bool kept : 1;                 /* PH_DONE on the kept list, not the done list */
	bool cid_heap : 1;             /* cid holds a pointer to the caller id (calls_set_callerid) */
	char cid[CALL_CID_IN];         /* the caller id, or where it is (unaligned) */
	char callid[];
};

/* c's caller id ("" when none). */
static inline const char *call_callerid(const struct call *c)
{
	const char *p;
	if (!c->cid_heap)
		return c->cid;
	memcpy(&p, c->cid, sizeof p);
	return p;
}

struct list {
	struct call *head, *tail;
};

/* The registry's fields of struct model (embedded there). */
struct calls {
	struct call **buckets;         /* hash chains; nbuckets is 0 or a power of two */
	size_t nbuckets, count;
	struct list live, done, kept;  /* kept: ended records that cannot be tombstones */
	struct call_slab **slab;       /* the pooled records' cells (model_calls.c) */
	size_t nslab, capslab;
	size_t slab_low;               /* no slab below it has a free cell */
	size_t npooled;                /* pooled records in use */
	struct tombs tombs;            /* ended calls past their second (model_tombs.c) */
};

/* ---- the hot path: inline, as it was when all of this was one file ---- */

/* The hash of (ev's callid, its queue): of the queue's name, not of its
 * index (queue is not used), so that it is known before the queue is looked
 * up (model_submit fetches its chain ahead) and stays when queues are
 * renumbered. */
static inline uint32_t call_hash(const struct qevent *ev, int32_t queue)
{
	(void)queue;
	return (ev->callid_hash ^ ev->queue_hash * 2654435761u) * 16777619u;
}

/* Starts fetching the chain where call_hash h is looked for. */
static inline void call_prefetch(const struct calls *r, uint32_t h)
{
	if (r->nbuckets)
		__builtin_prefetch(&r->buckets[h & (r->nbuckets - 1)]);
}

/* Starts fetching the first record of the chain of call_hash h (its chain's
 * head fetched by call_prefetch a while ago): the lines call_find reads. */
static inline void call_chain_prefetch(const struct calls *r, uint32_t h)
{
	if (r->nbuckets == 0)
		return;
	const struct call *c = r->buckets[h & (r->nbuckets - 1)];
	if (c) {
		__builtin_prefetch(c);
		__builtin_prefetch(&c->hash);
		__builtin_prefetch(c->callid);
	}
}

/* The entry (ev's callid, queue) whose call_hash is h, or NULL. */
static inline struct call *call_find(const struct calls *r, const struct qevent *ev,
                                     int32_t queue, uint32_t h)
{
	if (r->nbuckets == 0)
		return NULL;
	for (struct call *c = r->buckets[h & (r->nbuckets - 1)]; c; c = c->hnext)
		if (c->hash == h && c->queue == queue && c->idlen == ev->callid_len &&
		    bytes_equal(c->callid, ev->callid, c->idlen))
			return c;
	return NULL;
}

/* Starts fetching c's neighbours on its lists, which unlinking it writes
 * (records of other calls: cold), while the event does its other work. */
static inline void call_links_prefetch(const struct call *c)
{
	if (c->prev)
		__builtin_prefetch(&c->prev->next, 1);
	if (c->next)
		__builtin_prefetch(&c->next->prev, 1);
	if (c->wprev)
		__builtin_prefetch(&c->wprev->wnext, 1);
	if (c->wnext)
		__builtin_prefetch(&c->wnext->wprev, 1);
}

static inline void list_unlink(struct list *l, struct call *c)
{
	if (c->prev) c->prev->next = c->next; else l->head = c->next;
	if (c->next) c->next->prev = c->prev; else l->tail = c->prev;
	c->prev = c->next = NULL;
}

/* Inserts c by key_t, scanning from the tail (logs are nearly in order). */
static inline void list_insert(struct list *l, struct call *c)
{
	struct call *after = l->tail;
	while (after && after->key_t > c->key_t)
		after = after->prev;
	c->prev = after;
	c->next = after ? after->next : l->head;
	if (c->next) c->next->prev = c; else l->tail = c;
	if (after) after->next = c; else l->head = c;
}

/* ---- model_calls.c ---------------------------------------------------- */

/* Keeps src (NULL: "") as c's caller id, cut to CALL_CALLERID_MAX - 1 bytes. */
void calls_set_callerid(struct call *c, const char *src);

/* Puts c on queue q's waiting list, by enter time. */
void calls_wait_insert(struct queue *q, struct call *c);

/* A new record for (ev's callid, queue) on no list, in phase PH_DONE: the
 * caller puts it where it belongs. */
struct call *calls_new(struct model *m, const struct qevent *ev, int32_t queue, uint32_t h);

/* The record (ev's callid, queue qi) whose call_hash is h, brought back from
 * its tombstone if it has one; or NULL. */
struct call *calls_lookup(struct model *m, const struct qevent *ev, int32_t qi, uint32_t h);

/* The record for (ev's callid, queue qi); a new one on the done list if none. */
struct call *calls_get(struct model *m, const struct qevent *ev, int32_t qi);

/* Moves a call to the done list (leaving waiting or talking) at time t: its
 * agent leaves the call (wrap-up starts), its ringing agents stop ringing. */
void calls_retire(struct model *m, struct call *c, int64_t t);

/* The call's ringing agents stop ringing. */
void calls_ring_clear(struct model *m, struct call *c);

/* Retires calls live past stale_call_s, frees tombstones past TOMBSTONE_S,
 * makes ended records older than the clock tombstones (those the lines since
 * have not: in a steady flow, none) and empties the highest slab when fewer
 * would hold the pooled records (moving them: no caller may hold a record). */
void calls_drop_stale(struct model *m);

/* Frees every record (model_free). */
void calls_free(struct calls *r);

#endif
