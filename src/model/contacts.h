/* contacts.h - contacts on every channel (SPEC 6): created, replies,
 * resolves, surveys, repeats and pivots, from contact events and from the
 * voice events (one contact per callid). Pure: time is passed in (events'
 * own times, milliseconds), nothing here reads a clock. */
#ifndef CCBOARD_CONTACTS_H
#define CCBOARD_CONTACTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "config.h"
#include "event.h"

/* The counts of SPEC 6.3, in this order (times in ms, sentiment in hundredths). */
enum ct_count {
	CT_CREATED, CT_CREATED_WITH_CUSTOMER, CT_RESOLVED, CT_RESOLVED_TIMED, CT_REOPENED,
	CT_ABANDONED, CT_FIRST_RESPONSES, CT_FIRST_RESPONSES_WITHIN, CT_FRT_SUM, CT_RESOLUTION_SUM,
	CT_REPLIES_RESOLVED, CT_SURVEYS, CT_CSAT_N, CT_CSAT_SATISFIED, CT_NPS_N, CT_PROMOTERS,
	CT_DETRACTORS, CT_CES_N, CT_CES_SUM, CT_FCR_N, CT_FCR_YES, CT_SENTIMENT_N, CT_SENTIMENT_SUM,
	CT_REPEATS, CT_PIVOTS, CT_PIVOTS_UNANSWERED, CT_COUNT
};

struct ct_tally {
	int64_t v[CT_COUNT];
};

enum contact_kind { CE_CREATED, CE_FIRST_RESPONSE, CE_REPLY, CE_RESOLVED, CE_REOPENED,
	CE_ABANDONED, CE_SURVEY };

/* A parsed contact event. Strings point into the parser's buffers (NULL when
 * absent) and live until the next parse; they are already made safe. */
struct contact_event {
	int64_t ts_ms;
	enum contact_kind kind;
	const char *id, *channel, *queue, *customer, *agent, *reason;
	int csat, nps, ces;          /* -1: not answered */
	int resolved;                /* survey: -1 not answered, 0 no, 1 yes */
	bool has_sentiment;
	int sentiment_h;             /* hundredths, -100..100 */
};

/* Settings (SPEC 6.3), from the configuration (contacts_conf_from). */
struct contacts_conf {
	int window_s, day_start_min;
	int64_t repeat_window_s, pivot_window_s, stale_contact_s;
	size_t max_stored;           /* contacts kept at most (CONTACTS_MAX_STORED) */
	size_t max_calls;            /* of which calls at most (CONTACTS_MAX_CALLS) */
	int64_t sweep_every_ms;      /* 0: a few dozen times per window (live); an import, once */
	const struct config *cfg;    /* [channel.NAME] frt_target_s, display; may be NULL */
};

#define CONTACTS_MAX_CHANNELS 64
#define CONTACTS_MAX_QUEUES 1024
#define CONTACTS_MAX_REASONS 256
#define CONTACTS_MAX_JOURNEYS 50
#define CONTACTS_MAX_CALLBACKS 10000   /* callers on the callback list at once */
/* Contacts kept at most (calls included): a day of 200,000 customers fits,
 * a centre taking hundreds of calls a second stays bounded. */
#define CONTACTS_MAX_STORED 524288
/* Calls kept at most: CONTACTS_MAX_CALLS, in about CONTACTS_CALLS_BYTES (a
 * call costs about CONTACTS_CALL_BYTES: its contact, 64 bytes; its caller,
 * 48; their table entries). Calls come by the hundred a second on a big
 * centre, each from a new caller: without their own bound they would fill
 * the store (and the memory) with what only repeats and pivots read. The
 * contacts' memory of a voice-only centre levels off at about
 * CONTACTS_CALLS_BYTES and an eighth (an eviction under way), the tables'
 * slots, and 4 bytes per call created inside the rolling window (the
 * window's records, which keep its counts exact): some 10 MB for 650 calls
 * a second and a 15-minute window, where the store holds its last minute of
 * calls. (The count is what 6 MB held at 160 bytes a call.) */
#define CONTACTS_MAX_CALLS 39321u
#define CONTACTS_CALL_BYTES 144u
#define CONTACTS_CALLS_BYTES (CONTACTS_MAX_CALLS * CONTACTS_CALL_BYTES)

struct contacts;

void contacts_conf_from(struct contacts_conf *cc, const struct config *cfg);
struct contacts *contacts_new(const struct contacts_conf *cc);
void contacts_free(struct contacts *c);
void contacts_set_conf(struct contacts *c, const struct contacts_conf *cc);

/* What became of a contact event. */
enum contacts_verdict { CONTACTS_APPLIED, CONTACTS_DUPLICATE, CONTACTS_UNPLACED, CONTACTS_CAP };

/* Applies one contact event (moves the clock to its time when later). */
enum contacts_verdict contacts_apply(struct contacts *c, const struct contact_event *ev);
/* Feeds one voice event: ENTERQUEUE creates the call's contact, CONNECT is its reply. */
void contacts_on_qevent(struct contacts *c, const struct qevent *ev);
/* Starts fetching what contacts_on_qevent(c, ev) will look up (its call's and
 * caller's slots) and keeps their hashes for it: called before the voice
 * model takes ev, so that these cache misses overlap with its work. */
void contacts_qevent_prefetch(struct contacts *c, const struct qevent *ev);
/* Moves the clock to now_ms (never back): rolls today and the window, forgets. */
void contacts_advance(struct contacts *c, int64_t now_ms);
int64_t contacts_now(const struct contacts *c);

/* True once a contact event was applied: until then (voice-only input) the
 * snapshot has no contact keys, and voice-only output stays as it was. */
bool contacts_any(const struct contacts *c);

/* Reading. Channels and queues are in order of first sight. */
size_t contacts_channel_count(const struct contacts *c);
const char *contacts_channel_name(const struct contacts *c, size_t i);
size_t contacts_queue_count(const struct contacts *c);
const char *contacts_queue_name(const struct contacts *c, size_t i);
/* Which: 0..channel_count-1 channels, then queues, then the total. */
enum contacts_scope { CS_CHANNEL, CS_QUEUE, CS_TOTAL };
const struct ct_tally *contacts_today(const struct contacts *c, enum contacts_scope s, size_t i);
const struct ct_tally *contacts_window(const struct contacts *c, enum contacts_scope s, size_t i);

struct contacts_live {
	int64_t open, unanswered;
	int64_t oldest_open_ms, oldest_unanswered_ms;
};
void contacts_live(const struct contacts *c, enum contacts_scope s, size_t i,
                   struct contacts_live *out);
/* The live figures of every channel, every queue and the total in one pass
 * (arrays of contacts_channel_count and contacts_queue_count entries). */
void contacts_live_all(const struct contacts *c, struct contacts_live *channels,
                       struct contacts_live *queues, struct contacts_live *total);
/* Hundredths of a derived figure (SPEC 6.3) of t; false when null. all_created:
 * every channel's created in the same period (for mix_pct). */
bool contacts_derived(const struct ct_tally *t, const char *name, int64_t all_created,
                      int64_t *hundredths);

/* One caller on the callback list: today's caller whose calls were abandoned
 * or timed out and who has not been answered since (a later call answered,
 * or a reply to any contact of theirs). Strings belong to the model and live
 * until its next change. */
struct contacts_callback {
	const char *customer;       /* whole: mask it before showing it (custmask.h) */
	const char *queue;          /* the queue of the latest try */
	int64_t first_ms, last_ms;  /* when the first and the latest try ended */
	int64_t waited_ms;          /* how long the latest try waited in the queue */
	int tries;                  /* abandoned or timed-out calls since last answered */
};
/* Fills out (room for max) with the callback list, oldest first (by
 * first_ms, then customer). Returns how many there are in all. */
size_t contacts_callbacks(const struct contacts *c, struct contacts_callback *out, size_t max);

/* The SPEC 6.4 JSON: sets channels, channel_total, pivots_by_pair and
 * journeys on root, and "contacts" on each object of the queues array whose
 * name has contacts, adding (by make_queue, sorted by name) those missing. */
void contacts_json(const struct contacts *c, json_t *root,
                   json_t *(*make_queue)(void *ctx, const char *name), void *ctx);

/* Writes the channels table of the text output (a heading, one row per
 * channel sorted by name, the total; today's figures; names made safe with
 * textsafe flags flags). Nothing before a contact event was applied. */
void contacts_write_text(const struct contacts *c, FILE *out, unsigned flags);

/* Invariants for tests: counts never negative, open <= created + unseen, no
 * control byte in any stored text (ids, customers, reasons, channels, queues,
 * callers to call back), every caller on the callback list tried at least once. */
bool contacts_check(const struct contacts *c);
/* Stored contacts and customers (for tests of forgetting). */
size_t contacts_stored(const struct contacts *c, size_t *customers);
/* The store's bytes: its pools' chunks (nodes, customers' lists) and its
 * tables' slots; not the window's records (for tests of its ceiling). */
size_t contacts_store_bytes(const struct contacts *c);

#endif
