/* contacts_internal.h - the contacts model's state, shared by contacts.c and
 * contacts_json.c only. */
#ifndef CCBOARD_CONTACTS_INTERNAL_H
#define CCBOARD_CONTACTS_INTERNAL_H

#include <stddef.h>
#include "contacts.h"
#include "strmap.h"
#include "wring.h"

#define CONTACT_TEXT_MAX 256
/* The smallest node of each table (see struct contact, struct customer). */
#define CONTACT_NODE_MIN 56
#define CUSTOMER_NODE_MIN 32

/* A node of a hash table (struct htable). Each kind of node ends in its key
 * (a flexible array, allocated with it: one record per node); the table
 * knows where (key_off). aux is the owner's: a contact's last event (epoch
 * seconds), a customer's contact count, a callback's tries. handle: how the
 * table and its pool name the node. */
struct hnode {
	uint32_t hash;
	uint32_t aux;
	uint32_t handle;
};

/* Where a table's nodes (and customers' lists) live: records carved from
 * big chunks, a free list per size (multiples of 8 bytes up to
 * POOL_MAX_SIZE), so a node costs its own bytes and no allocator's, and
 * freeing the store is freeing the chunks. A record's handle is its chunk
 * (counted from 1) and its offset in 8 bytes. */
#define POOL_MAX_SIZE 320
#define POOL_CHUNK (256 * 1024)
#define POOL_OFF_BITS 15                  /* POOL_CHUNK / 8 offsets */
struct ct_pool {
	void *free[POOL_MAX_SIZE / 8 + 1];   /* freed records by size, linked through their start */
	char *bump;                 /* the current chunk's unused end */
	size_t left;
	char **chunks;
	size_t n_chunks, cap_chunks;
	size_t used;                /* bytes of records in use (the store's cost) */
	size_t n_big;               /* records larger than POOL_MAX_SIZE, on the heap */
};

/* Open addressing, linear probing: a slot holds a node's hash (high 32
 * bits) and handle (low), 0 when empty, so a lookup reads one node. */
struct htable {
	uint64_t *slot;
	size_t cap, count;          /* cap: a power of two */
	size_t key_off;             /* where a node's key is */
	size_t node_size;           /* a node's size before its key's room */
	bool pack;                  /* keys of digits and ".-_:@+" are kept packed (key_pack) */
	struct ct_pool pool;
};

/* For each node n (const) of table t, in slot order. */
#define HT_EACH(t, n) \
	for (size_t n##_i = 0; n##_i < (t)->cap; n##_i++) \
		for (const struct hnode *n = ht_at((t), n##_i); n; n = NULL)

/* The record of p named handle h (not 0). */
static inline struct hnode *pool_at(const struct ct_pool *p, uint32_t h)
{
	return (struct hnode *)(p->chunks[(h >> POOL_OFF_BITS) - 1] +
	                        ((size_t)(h & ((1u << POOL_OFF_BITS) - 1)) << 3));
}

/* The node in slot i of t, NULL when empty. */
static inline struct hnode *ht_at(const struct htable *t, size_t i)
{
	if (!t->slot[i])
		return NULL;
	return pool_at(&t->pool, (uint32_t)t->slot[i]);
}

/* ST_UNKNOWN: a contact whose created was never seen, before anything closed or
 * reopened it. Voice: waiting, talking, resolved, abandoned. */
enum ct_state { ST_UNKNOWN, ST_OPEN, ST_RESOLVED, ST_ABANDONED, ST_WAITING, ST_TALKING };

struct customer;

/* 43 bytes and the id, packed at 4 bits a character when it is made of
 * digits and ".-_:@" only (contact_id reads it): Asterisk's
 * "1767254987.6730950" takes 11 bytes, not 19. A node is never smaller than
 * CONTACT_NODE_MIN (56 bytes: packed ids of up to 22 characters), so a call
 * whose id has a digit more than the previous calls' reuses their records
 * instead of starting a pool of its own size beside them. Its customer is
 * named by handle, not pointer. Some 40,000 calls kept on a big centre. */
struct contact {
	struct hnode node;          /* key: the id; aux: the last event's second */
	uint32_t cust;              /* its customer's node.handle while in its customer's
	                               history (customer_of), 0 none */
	int64_t created_ms;
	int32_t first_reply_after;  /* the first reply, ms after created (clamped to
	                               +-24.8 days: exact within any pivot window below) */
	int32_t replies;
	uint32_t bl;                /* its backlog entry + 1 (struct ct_backlog), 0: none */
	int16_t q, pair;            /* pair: the pivot's, -1 for none */
	int8_t ch;
	unsigned char state;        /* enum ct_state */
	bool seen : 1, voice : 1, replied : 1;
	bool is_repeat : 1, is_pivot : 1, is_unanswered : 1;   /* as counted at its created */
	bool not_last : 1;          /* a later contact of its customer follows it in the list */
	char key[];
};

/* A customer's contacts by created, oldest first (customer_list). One
 * contact (most callers) lives in at.one, two or more on the heap. 24 bytes
 * and the key, packed as a contact's id when it can be (customer_key reads
 * it): a node of 32 for a caller id of up to 12 characters, "+15552927470"
 * (its place in the journeys, which few customers have, is kept beside, in
 * struct ct_journeys). */
struct customer {
	struct hnode node;          /* key: the customer string; aux: how many contacts */
	uint32_t run;               /* the last contacts on the last one's channel: how many */
	union {
		struct contact *one;
		struct contact **many;
	} at;
	char key[];
};

/* k's id as received: in place, or unpacked into buf. */
const char *contact_id(const struct contact *k, char buf[CONTACT_TEXT_MAX + 1]);
/* u's key as received: in place, or unpacked into buf. */
const char *customer_key(const struct customer *u, char buf[CONTACT_TEXT_MAX + 1]);

/* u's contacts, node.aux of them. */
static inline struct contact **customer_list(const struct customer *u)
{
	return u->node.aux >= 2 ? u->at.many : (struct contact **)&u->at.one;
}

/* A caller to call back (SPEC 6.4 callbacks): abandoned or timed out today
 * and not answered since, on any channel. */
struct callback {
	struct hnode node;          /* key: the customer; aux: tries */
	uint32_t json_len;
	int64_t first_ms, last_ms;  /* when the first and the latest try ended */
	int64_t waited_ms;          /* how long the latest try waited */
	char *json;                 /* its JSON object as written last (a cache), NULL
	                               when it changed since */
	int16_t q;                  /* the queue of the latest try */
	char key[];                 /* at 50: a node of 64 for a caller id of up to 13
	                               bytes, "+15552927470" (up to 10,000 callers) */
};

struct ct_scope {
	char *name;
	int64_t frt_ms;             /* channels: the first-response target; queues: their
	                               own (0: their contacts' channel's) */
	int16_t first_ch;           /* queues: the channel of their first contact */
	struct ct_tally today, window;
	uint32_t *reasons;          /* today's created by reason (CONTACTS_MAX_REASONS),
	                               NULL until one: a voice queue has none */
};

struct ct_pair {
	int a, b;                   /* channel indexes: a contact on b after one on a */
	int64_t today, window;
	int64_t unans_today, unans_window;   /* those while a's contact was unanswered */
};

/* Increments inside the window, taken back when they leave it. Their times
 * are in the rings (wring.h: records of one ms together, the ms once).
 * field >= 0: v in that field; REC_UNITS: one in each field of the bit mask v
 * (a contact's created, with customer, repeat... share one record); REC_PAIR,
 * REC_PAIR_UNANS: v pivots of pair q. 8 bytes. */
enum { REC_UNITS = -1, REC_PAIR = -2, REC_PAIR_UNANS = -3 };
struct ct_rec {
	int32_t v;
	int16_t q;
	int8_t ch, field;
};

/* A REC_UNITS record (most of them: every call's created, answer, end): its
 * mask among the first CT_MASKS the window has seen (struct ct_window). In
 * the ring it is CT_NREC_BYTES bytes, packed little-endian from bit 0 up: q,
 * ch, mask (10, 6 and 6 bits; 3 bytes, not a 4-byte struct: the big
 * centre's 15-minute window holds about 600,000 of them). */
#define CT_MASKS 64
#define CT_NREC_BYTES 3
struct ct_nrec {
	uint32_t q : 10;            /* < CONTACTS_MAX_QUEUES */
	uint32_t ch : 6;            /* < CONTACTS_MAX_CHANNELS */
	uint32_t mask : 6;          /* masks[mask] */
};

/* A narrow record of the tiny ring's channel (struct ct_window's tch: the
 * first one's, the voice channel of a centre of calls) leaves out its
 * channel: q and mask in 2 bytes, 600 KB less on the big centre. */
#define CT_TREC_BYTES 2

/* The window's records in time order: narrow units (of the tiny ring's
 * channel, or of any), and the others. */
struct ct_window {
	struct wring t, n, w;       /* 2-byte units of channel tch, packed struct ct_nrec,
	                               struct ct_rec */
	unsigned char *last;        /* the latest narrow or tiny record, until a ring next
	                               changes: a unit of the same time and scope joins it */
	int64_t last_t;
	uint8_t last_bytes;         /* last's size: CT_TREC_BYTES or CT_NREC_BYTES */
	uint8_t tch;                /* the tiny ring's channel + 1, 0: none yet */
	uint32_t masks[CT_MASKS];
	int nmasks;
};

/* The customers with contacts on two channels or more inside the pivot
 * window as of their latest change, newest latest contact first (then by
 * key): SPEC 6.3 journeys without a walk of every customer. One that time
 * made single-channel since goes when a reader meets it. */
struct ct_jlink {
	uint32_t u, prev, next;     /* a customer's node.handle (0: an empty slot), its
	                               neighbours' (0: none) */
};
struct ct_journeys {
	struct customer *head, *tail;
	size_t n;
	struct ct_jlink *link;      /* the customers in the list: open addressing by u */
	size_t cap;                 /* a power of two, or 0 */
};

/* A journey: customer u's contacts from index from on. */
struct ct_journey {
	const struct customer *u;
	size_t from;
};

/* Fills out (room for max) with the journeys of SPEC 6.3, newest first;
 * returns how many (at most max). */
size_t contacts_journeys(const struct contacts *c, struct ct_journey *out, size_t max);

/* The live backlog kept on events (contacts_backlog.c): an entry per open
 * contact, in a min-heap by created of its channel and of its queue, open
 * ([0]) and, while unanswered, unanswered ([1]). */
struct ct_blent {
	int64_t created_ms;
	struct contact *k;
	uint32_t pos[4];            /* its place in each of its heaps */
	int16_t ch, q;
	bool unans;
};
struct ct_hslot {
	int64_t created_ms;         /* its entry's, read where the heap is (no entry read) */
	uint64_t ix;                /* the entry's index */
};
struct ct_heap {
	struct ct_hslot *a;         /* the oldest created first */
	uint32_t n, cap;
};
struct ct_backlog {
	struct ct_blent *e;
	uint32_t n, cap;
	struct ct_heap ch[2][CONTACTS_MAX_CHANNELS];
	struct ct_heap *q[2];       /* cap_q each */
	int cap_q;
};

/* k changed (state, replies, created, channel, queue): its entry follows. */
void ct_backlog_sync(struct ct_backlog *b, struct contact *k);
/* k is forgotten: out of the backlog. */
void ct_backlog_drop(struct ct_backlog *b, struct contact *k);
void ct_backlog_live(const struct ct_backlog *b, int n_channels, int n_queues, int64_t now_ms,
                     struct contacts_live *channels, struct contacts_live *queues,
                     struct contacts_live *total);
void ct_backlog_free(struct ct_backlog *b);
/* The live figures by a walk of every stored contact (what the backlog must equal). */
void contacts_live_walk(const struct contacts *c, struct contacts_live *channels,
                        struct contacts_live *queues, struct contacts_live *total);

struct contacts {
	struct contacts_conf conf;
	int64_t now_ms, day_start_ms, day_end_ms, next_sweep_ms;
	int64_t min_created_ms;     /* no contact held was created before: a sweep that
	                               could forget none is skipped */
	bool started;
	bool saw_events;            /* a contact event (not only calls) was applied */
	struct ct_scope channels[CONTACTS_MAX_CHANNELS];
	int n_channels;
	struct ct_scope *queues;
	int n_queues, cap_queues;
	struct strmap queue_names;  /* name -> queue index; owns the queues' names */
	struct ct_scope total;
	char *reasons[CONTACTS_MAX_REASONS];   /* owned by reason_names */
	int n_reasons;
	struct strmap reason_names;
	struct ct_pair *pairs;
	int n_pairs, cap_pairs;
	struct ct_window win;       /* the window's records (their times in ms) */
	struct htable contacts, customers, callbacks;
	struct callback **cb_sorted;   /* the callbacks in the list's order (callback_before),
	                                  kept on each change, never sorted whole */
	struct ct_pool lists;       /* customers' lists of two contacts or more (records
	                               with no handle: never in a node's pool) */
	size_t evict_at;            /* the store's count at which to evict again */
	size_t n_calls;             /* calls (voice contacts) stored */
	struct ct_calls {           /* the calls in the order they came (a ring): the
	                               oldest go first when the calls' bound is reached */
		struct ct_call_ent {
			uint32_t handle;    /* the call's node (its record in the contacts' pool) */
			uint32_t check;     /* its hash ^ created: a record since reused fails it */
		} *a;
		size_t head, n, cap;    /* cap: a power of two */
	} calls;
	struct ct_evict {           /* a sweep or an eviction under way (evict_step) */
		bool on;
		int mode;               /* enum sweep_mode: by time; all kinds, or calls only */
		int phase;              /* 0: customers' lists, 1: contacts */
		size_t cursor, nb;      /* the next bucket, of a table of nb */
		int64_t old;            /* forget what is older */
		int64_t stale;          /* a time sweep's: open contacts idle since */
	} evict;
	int64_t created_seen;
	uint64_t gen;               /* counts changes (events, the clock, settings) */
	struct ct_pre {             /* contacts_qevent_prefetch's work for the next
	                               contacts_on_qevent of the same event */
		const char *callid;     /* its call id (plain), NULL: none */
		size_t n;
		uint32_t h;             /* ht_hash_n of the call id */
		const char *caller;     /* its caller id as a customer (plain), NULL: none */
		size_t cn;
		uint32_t hc;
	} pre;
	struct ct_backlog bl;
	struct ct_journeys *jl;     /* likewise (a reader drops what time made stale) */
	/* The callbacks' texts a line's end refers to (ct_jout_lend) stay until
	 * the next one is made (ct_jout_release): those changed meanwhile wait
	 * here, not freed. */
	bool json_lent;
	char **json_old;
	size_t n_json_old, cap_json_old;
};

/* Lets go of cb's text (changed or gone): freed, or kept while lent. */
void contacts_callback_json_drop(struct contacts *c, struct callback *cb);

/* The JSON of the callback list's entry cb after a comma (*len bytes, the
 * comma first), written once per change of cb and kept; NULL when jansson
 * must write it (text not UTF-8). */
const char *contacts_callback_json(const struct contacts *c, const struct callback *cb,
                                   size_t *len);
/* The callbacks in the list's order: callbacks.count of them. */
static inline struct callback *const *contacts_callbacks_sorted(const struct contacts *c)
{
	return c->cb_sorted;
}

/* The first-response target of a scope, in ms: a channel's; a queue's own,
 * else that of the channel of its first contact; 0 for the total. */
int64_t contacts_frt_target_ms(const struct contacts *c, enum contacts_scope s, size_t i);
/* Adds to cb[q] the callers on the callback list whose queue is q. */
void contacts_callback_counts(const struct contacts *c, int64_t *cb);

const struct ct_scope *contacts_scope(const struct contacts *c, enum contacts_scope s, size_t i);

#endif
