/* contacts_internal.h - the contacts model's state, shared by contacts.c and
 * contacts_json.c only. */
#ifndef CCBOARD_CONTACTS_INTERNAL_H
#define CCBOARD_CONTACTS_INTERNAL_H

#include <stddef.h>
#include "contacts.h"

#define CONTACT_TEXT_MAX 256

struct hnode {
	struct hnode *next;
	uint32_t hash;
	char *key;
};

struct htable {
	struct hnode **b;
	size_t nb, count;
};

/* ST_UNKNOWN: a contact whose created was never seen, before anything closed or
 * reopened it. Voice: waiting, talking, resolved, abandoned. */
enum ct_state { ST_UNKNOWN, ST_OPEN, ST_RESOLVED, ST_ABANDONED, ST_WAITING, ST_TALKING };

struct customer;

struct contact {
	struct hnode node;          /* key: the id */
	int16_t ch, q;
	bool seen, voice, replied;
	bool is_repeat, is_pivot, is_unanswered;   /* as counted at its created */
	int16_t pair;               /* the pivot's pair, -1 for none */
	unsigned char state;        /* enum ct_state */
	int32_t replies;
	int64_t created_ms, first_reply_ms, last_ms;
	struct customer *cust;      /* while in its customer's history */
};

struct customer {
	struct hnode node;          /* key: the customer string */
	struct contact **list;      /* by created, oldest first */
	size_t n, cap;
};

/* A caller to call back (SPEC 6.4 callbacks): abandoned or timed out today
 * and not answered since, on any channel. */
struct callback {
	struct hnode node;          /* key: the customer */
	int16_t q;                  /* the queue of the latest try */
	int32_t tries;
	int64_t first_ms, last_ms;  /* when the first and the latest try ended */
	int64_t waited_ms;          /* how long the latest try waited */
};

struct ct_scope {
	char *name;
	int64_t frt_ms;             /* channels: the first-response target; queues: their
	                               own (0: their contacts' channel's) */
	int16_t first_ch;           /* queues: the channel of their first contact */
	struct ct_tally today, window;
	uint32_t reasons[CONTACTS_MAX_REASONS];   /* today's created by reason */
};

struct ct_pair {
	int a, b;                   /* channel indexes: a contact on b after one on a */
	int64_t today, window;
};

/* One increment inside the window, taken back when it leaves it. field -1:
 * a pivot of pair ch. */
struct ct_rec {
	int64_t t, v;
	int16_t ch, q, field;
};

/* The live figures as last walked, and the model's change count then: the
 * alerts, the JSON and /metrics of one refresh walk the backlog once. */
struct ct_live_cache {
	uint64_t gen;               /* 0: none */
	int n_channels, n_queues;
	struct contacts_live *channels, *queues, total;
};

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
	struct ct_scope total;
	char *reasons[CONTACTS_MAX_REASONS];
	int n_reasons;
	struct ct_pair *pairs;
	int n_pairs, cap_pairs;
	struct ct_rec *recs;        /* a ring, oldest at rec_head */
	size_t rec_head, n_recs, cap_recs;
	struct htable contacts, customers, callbacks;
	int64_t created_seen;
	uint64_t gen;               /* counts changes (events, the clock, settings) */
	struct ct_live_cache *live; /* written by readers of a const model */
};

/* The first-response target of a scope, in ms: a channel's; a queue's own,
 * else that of the channel of its first contact; 0 for the total. */
int64_t contacts_frt_target_ms(const struct contacts *c, enum contacts_scope s, size_t i);
/* Adds to cb[q] the callers on the callback list whose queue is q. */
void contacts_callback_counts(const struct contacts *c, int64_t *cb);

const struct ct_scope *contacts_scope(const struct contacts *c, enum contacts_scope s, size_t i);

#endif
