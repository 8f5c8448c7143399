/* model_tally.h - the model's tallies: today, the rolling window and today's
 * 15-minute intervals (internal to model*.c).
 *
 * Each outcome or end is one small record (struct tally), counted into
 * today's counts and interval when it falls in today, and into the window,
 * where it waits, 4 to 6 bytes (12 when it does not fit) in time-ordered
 * chunked rings grouped by second
 * (wring.h), until it expires and is taken out. The agents' window figures
 * share that ring (struct wtally). */
#ifndef CCBOARD_MODEL_TALLY_H
#define CCBOARD_MODEL_TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "event.h"
#include "metrics.h"
#include "wring.h"

struct model;

/* One outcome or end, as it is tallied and later expired from the window:
 * 16 bytes, a million of them in a 15-minute window at 2,000 lines/s. */
struct tally {
	int64_t t;
	int32_t value;                 /* hold, wait or talk seconds; -1 unknown */
	uint32_t queue : 20;           /* max_queues is at most 1,000,000 < 2^20 */
	uint32_t kind : 5;             /* enum ev_kind */
	uint32_t within_sl : 1, is_short : 1, abandon_within_sl : 1;
};
_Static_assert(EV_KIND_COUNT <= 32, "struct tally's kind has 5 bits");
_Static_assert(sizeof(struct tally) == 16, "struct tally is 16 bytes");

/* A record of the window (its time is its second's, wring.h): a queue's
 * tally, and the agent that answered or ended that call when it counts the
 * same event in its own window figures (agent_stats.c), or an agent's event
 * alone (a missed ring). 12 bytes; a CONNECT or an end is one record for the
 * queue and the agent both: a million of them in 15 minutes at 2,000 lines/s. */
#define WT_INDEX_MAX ((1 << 20) - 2)   /* the largest queue or agent index a record holds */
struct wtally {
	uint32_t queue : 20;           /* queue index + 1, 0 none (max_queues <= 1,000,000) */
	uint32_t kind : 5;             /* enum ev_kind */
	uint32_t within_sl : 1, is_short : 1, abandon_within_sl : 1;
	uint32_t in_queue : 1;         /* counted in its queue's window (a tally) */
	uint32_t agent : 20;           /* agent index + 1 counting it, 0 none (max_agents <=
	                                  1,000,000) */
	uint32_t wrapup : 12;          /* the queue's wrapup_s then, for an end (at most 3,600) */
	int32_t value;                 /* hold, wait or talk s, ring ms; -1 unknown */
};
_Static_assert(sizeof(struct wtally) == 12, "struct wtally is 12 bytes");

/* The same, 6 bytes, when it fits: a queue below NT_QUEUES and an agent
 * below NT_AGENTS (as struct wtally's, + 1), a value of -1..NT_VALUE_MAX, and
 * its kind, flags and wrap-up (its code) among the first NT_CODES the window
 * has seen. Most records do (hold, wait and talk times under two hours; a
 * missed ring's milliseconds do not); the others are kept wide. Renumbering
 * only compacts (an index never grows), so a narrow record stays narrow.
 * Packed little-endian: queue, agent, code, value + 1, from bit 0 up. */
#define NT_BYTES 6
#define NT_QUEUE_BITS 13
#define NT_AGENT_BITS 16
#define NT_CODE_BITS 6
#define NT_VALUE_BITS 13
#define NT_QUEUES ((1u << NT_QUEUE_BITS) - 1)
#define NT_AGENTS ((1u << NT_AGENT_BITS) - 1)
#define NT_CODES (1 << NT_CODE_BITS)
#define NT_VALUE_MAX ((1 << NT_VALUE_BITS) - 2)
_Static_assert(NT_QUEUE_BITS + NT_AGENT_BITS + NT_CODE_BITS + NT_VALUE_BITS == 8 * NT_BYTES,
               "a narrow record's fields fill its bytes");

/* Narrower still, 5 bytes, when it fits that too (the same layout): a queue
 * below NS_QUEUES, an agent below NS_AGENTS, a value of -1..NS_VALUE_MAX (68
 * minutes) and a code among the first NS_CODES. A centre of up to 1,022
 * queues and 16,382 agents (the big one: 1,000 and 10,000) keeps most of its
 * window so: 1.1 million records in 15 minutes, 1 MB less. */
#define NS_BYTES 5
#define NS_QUEUE_BITS 10
#define NS_AGENT_BITS 14
#define NS_CODE_BITS 4
#define NS_VALUE_BITS 12
#define NS_QUEUES ((1u << NS_QUEUE_BITS) - 1)
#define NS_AGENTS ((1u << NS_AGENT_BITS) - 1)
#define NS_CODES (1 << NS_CODE_BITS)
#define NS_VALUE_MAX ((1 << NS_VALUE_BITS) - 2)
_Static_assert(NS_QUEUE_BITS + NS_AGENT_BITS + NS_CODE_BITS + NS_VALUE_BITS == 8 * NS_BYTES,
               "a small record's fields fill its bytes");
_Static_assert(NS_QUEUE_BITS <= NT_QUEUE_BITS && NS_AGENT_BITS <= NT_AGENT_BITS &&
               NS_CODE_BITS <= NT_CODE_BITS && NS_VALUE_BITS <= NT_VALUE_BITS,
               "a small record would fit a narrow one");

/* Narrowest, 4 bytes, when it fits that too (the same layout, the same
 * queue and agent bits): a value of -1..NU_VALUE_MAX (most holds; the ends
 * of short calls) and a code among the first NU_CODES. */
#define NU_BYTES 4
#define NU_CODE_BITS 3
#define NU_VALUE_BITS 5
#define NU_CODES (1 << NU_CODE_BITS)
#define NU_VALUE_MAX ((1 << NU_VALUE_BITS) - 2)
_Static_assert(NS_QUEUE_BITS + NS_AGENT_BITS + NU_CODE_BITS + NU_VALUE_BITS == 8 * NU_BYTES,
               "a tiny record's fields fill its bytes");

/* The window's records, in time order (a field of struct model): four
 * rings, of tiny, small, narrow and wide records; each in time order. */
struct tally_window {
	struct wring u;                /* tiny (NU_BYTES) */
	struct wring s, n, w;          /* small (NS_BYTES), narrow (NT_BYTES), struct wtally */
	void *last;                    /* the latest tally's record, until the window next
	                                  changes: its agent's event may share it */
	uint8_t last_bytes;            /* last's size: NS_BYTES, NT_BYTES or a wtally's */
	int64_t last_t;
	uint32_t codes[NT_CODES];      /* kind, flags and wrap-up of narrow records */
	int ncodes;
};

/* The tally of an outcome or end of kind at time t in queue qi, its value
 * (hold, wait or talk seconds; -1 unknown) graded against qc's thresholds:
 * a CONNECT within the service level when hold <= sl_threshold_s; an ABANDON
 * short when wait < short_abandon_s, within the service level when wait <=
 * sl_threshold_s; an unknown value is neither. */
struct tally tally_make(enum ev_kind kind, int64_t t, int32_t qi, long value,
                        const struct queue_conf *qc);

/* What one tally adds to the counts (an unknown value adds 0 seconds). Today,
 * the window (added, then taken out when it expires) and the 15-minute
 * intervals all count through it, so they cannot disagree. */
struct counts tally_delta(const struct tally *x);

/* Tallies ev (an outcome or an end of queue qi) with value (hold, wait or
 * talk seconds; -1 unknown) into today, its interval and the window. */
void tally_event(struct model *m, const struct qevent *ev, int32_t qi, long value);

/* Takes out of the window the tallies it no longer covers (now - window_s). */
void tally_window_expire(struct model *m);

/* The clock stepped back: takes out of the window the tallies after edge. */
void tally_window_back(struct model *m, int64_t edge);

/* Counts in the window agent ai's event of kind (value; wrapup for an end)
 * of queue qi (-1 none) at t: on the latest tally's record when that is the
 * same event, or a record of its own. The agent's figures leave the window
 * with it (astat_window_out). */
void tally_window_agent(struct model *m, int64_t t, int32_t qi, enum ev_kind kind,
                        int32_t value, int32_t ai, int wrapup);

/* Agents renumbered (map[old] = new, -1 forgotten). */
void tally_window_renumber_agents(struct model *m, const int32_t *map);

/* Queues renumbered (map[old] = new; a queue with tallies is kept, an agent's
 * record of a forgotten queue keeps none). */
void tally_window_renumber(struct model *m, const int32_t *map);

void tally_window_free(struct tally_window *w);

/* A new day at the model's clock: today's counts and intervals start again. */
void tally_new_day(struct model *m);

/* Prefetches what the snapshot reads of queue qi (the queues are read in
 * name order, their records cache misses apart): its record (step 0), then,
 * some queues later, its interval iv_at (-1 none) and its first and last
 * waiting calls (step 1). */
void model_queue_figs_prefetch(const struct model *m, size_t qi, int step, int iv_at);

/* How many calls have left queue qi's waiting list from its head (*pop),
 * and joined it at its tail (*push), so far (counts that wrap): when they
 * account for every change of its model_queue_waiting_gen since a former
 * read, the list is that read's less its first *pop and with *push more
 * after its last. */
struct caller_view;
void model_queue_waiting_moves(const struct model *m, size_t qi, uint32_t *pop, uint32_t *push);
/* The last k (at most) callers waiting in queue qi, longest first, as
 * model_queue_callers gives them; returns how many. */
int model_queue_callers_last(const struct model *m, size_t qi, int k, struct caller_view *out);

#endif
