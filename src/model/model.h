/* model.h - calls, queues and agents, from events; every figure of SPEC 2.
 * Pure: time is always passed in, nothing here reads a clock. */
#ifndef CCBOARD_MODEL_H
#define CCBOARD_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "config.h"
#include "event.h"
#include "metrics.h"

struct model;

#define MODEL_INTERVAL_S 900
#define MODEL_MAX_INTERVALS 100   /* a 25-hour DST day of 15-minute intervals */

/* Today's figures in one 15-minute interval. */
struct interval {
	int32_t offered, answered, answered_within_sl;
	int32_t abandoned, abandoned_short, abandoned_within_sl;
};

enum agent_state { AGENT_AVAILABLE, AGENT_RINGING, AGENT_ON_CALL, AGENT_WRAPUP, AGENT_PAUSED,
	AGENT_STATE_COUNT };

struct agent_counts {
	int logged_in, on_call, paused, wrapup, available, ringing;
	int unavailable;   /* logged in but device unavailable (AMI) */
};

/* Creates an empty model that reads its settings from cfg (kept, not owned;
 * model_set_config swaps it). */
struct model *model_new(const struct config *cfg);
void model_free(struct model *m);
void model_set_config(struct model *m, const struct config *cfg);

/* What became of an event offered to model_submit. Every verdict but
 * MODEL_APPLIED leaves the model as it was (but for the clock, which a
 * refused name moves to the line's time); the last three make a bad line. */
enum model_verdict {
	MODEL_APPLIED,
	MODEL_DUPLICATE,   /* a repeat of an event already applied */
	MODEL_FUTURE,      /* stamped more than future_slack_s past the wall clock */
	MODEL_QUEUE_CAP,   /* names a new queue while max_queues are known */
	MODEL_AGENT_CAP    /* names a new agent while max_agents are known */
};

/* No wall clock to check event times against (model_submit). */
#define MODEL_NO_WALL INT64_MAX

/* Applies one event, unless it is stamped more than future_slack_s after wall
 * (the caller's wall clock, MODEL_NO_WALL for none: a log cannot come from
 * the future, and one such line must not move the model's clock) or names a
 * new queue or agent past the caps. */
enum model_verdict model_submit(struct model *m, const struct qevent *ev, int64_t wall);

/* model_submit with no wall clock: returns true when the event was applied. */
bool model_apply(struct model *m, const struct qevent *ev);

/* Moves the model's clock to now: rolls the window, today and the intervals,
 * drops stale calls, forgets idle queues and agents. Call before reading
 * figures. A now up to future_slack_s earlier than the clock changes nothing
 * (the skew of the PBX's clock); further back it is the host clock stepping
 * back: the model follows it (later events count, waits run from now) and
 * keeps today unless now is before today's start. Events never move the
 * clock back. */
void model_advance(struct model *m, int64_t now);

/* The model's clock: the latest of the times passed to model_advance and of
 * the events applied; 0 before any. */
int64_t model_now(const struct model *m);
/* Frees the names of the queues and agents forgotten (idle a day) before the
 * last call: a snapshot points at the model's names, and one built since
 * those went points at none of them. Call once a tick, before its build,
 * while nothing reads a snapshot older than the last one (the JSON line
 * formatted off the loop is done). Until then they stay allocated. */
void model_release_names(struct model *m);

/* Counters kept about the input itself. */
struct model_stats {
	uint64_t events, duplicates, stale_dropped, late_outcomes;
	uint64_t future_lines;                     /* refused: from the future */
	uint64_t queue_cap_lines, agent_cap_lines; /* refused: a new name past a cap */
	uint64_t forgotten_queues, forgotten_agents;
};
struct model_stats model_stats(const struct model *m);

/* Reading the model (for snapshot.c). Queues are in order of first sight;
 * index 0..model_queue_count-1. */
size_t model_queue_count(const struct model *m);
const char *model_queue_name(const struct model *m, size_t qi);
/* Agent ai's name (0 <= ai < model_agent_count), the model's own. */
const char *model_agent_name(const struct model *m, size_t ai);
struct queue_conf model_queue_conf(const struct model *m, size_t qi);
const struct counts *model_queue_today(const struct model *m, size_t qi);
const struct counts *model_queue_window(const struct model *m, size_t qi);
int model_queue_waiting(const struct model *m, size_t qi);
int64_t model_queue_longest_wait(const struct model *m, size_t qi);
/* Today's intervals: *n is set to how many today has had so far (>= 1 once the
 * model has a clock); the array is indexed from the start of the day (a copy,
 * valid until the next call: model_queue_intervals_from reads them in place). */
const struct interval *model_queue_intervals(const struct model *m, size_t qi, int *n);
/* The same in place: the array's [0] is interval *first (those before it hold
 * nothing), up to *n. */
const struct interval *model_queue_intervals_from(const struct model *m, size_t qi, int *first,
                                                  int *n);
/* The first of today's intervals any queue counted in (those before it are
 * empty in every queue), MODEL_MAX_INTERVALS until one has: a reader's copy
 * of the intervals may start there. */
int model_intervals_first(const struct model *m);
/* The epoch of the queues' intervals now: a reader that keeps a copy of them
 * notes it, and later asks model_queue_intervals_kept what changed since. */
uint32_t model_intervals_epoch(const struct model *m);
/* How many of queue qi's first intervals nothing was counted in since epoch
 * `since` began (a reader's copy of them made then still holds): 0 when not
 * known (since 0, or a new day or renumbered queues since). Lets a reader
 * compare the few recent intervals instead of the whole day's. */
int model_queue_intervals_kept(const struct model *m, size_t qi, uint32_t since);

/* Totals: every queue together, each agent once. */
int model_total_waiting(const struct model *m);
int64_t model_total_longest_wait(const struct model *m);
/* Agents by state: per_queue has model_queue_count() entries; total counts
 * each agent once (paused there only when paused in all its queues). */
void model_agent_counts(const struct model *m, struct agent_counts *per_queue,
                        struct agent_counts *total);
/* Agents of the queues marked in in[] (one flag per queue index), each once:
 * paused when paused in all of those queues, busy on a call from any queue. */
void model_agent_counts_in(const struct model *m, const bool *in, struct agent_counts *out);
/* The same for n_sets sets of queues in one pass over the agents: model queue
 * qi is in the sets q_sets[q_off[qi] .. q_off[qi + 1]); out has n_sets entries. */
void model_agent_counts_sets(const struct model *m, const size_t *q_off, const int *q_sets,
                             size_t n_sets, struct agent_counts *out);
/* Start of "today" as of the model's clock (epoch seconds). */
int64_t model_day_start(const struct model *m);

/* Agents, for the agent board: index 0..model_agent_count-1. */
struct agent_view {
	const char *name;
	enum agent_state state;
	int64_t since;           /* when the agent entered this state */
	int queues;              /* queues the agent is logged in to */
	int status;              /* enum member_status; MS_UNKNOWN without AMI */
	const char *reason;      /* pause reason or NULL */
};
size_t model_agent_count(const struct model *m);
/* Returns false for an agent that is not logged in anywhere. */
bool model_agent(const struct model *m, size_t ai, struct agent_view *out);
/* Whether model_agent would return true for ai (without working out its view). */
bool model_agent_present(const struct model *m, size_t ai);

/* Waiting callers of a queue, longest first, up to max; returns how many. */
struct caller_view { const char *callerid; int64_t since; };
int model_queue_callers(const struct model *m, size_t qi, struct caller_view *out, int max);
/* The waiting callers of queues qs[0..n) (n at most MODEL_CALLERS_BATCH),
 * as model_queue_callers gives them, up to max each: queue i's into
 * out[i * max ...], how many in counts[i]. The lists are walked side by side:
 * each is a chain of cache misses, and the chains' misses overlap. */
#define MODEL_CALLERS_BATCH 16
void model_queues_callers(const struct model *m, const size_t *qs, size_t n, int max,
                          struct caller_view *out, int *counts);
/* A number that changes whenever queue qi's waiting list does (a caller
 * comes or goes): equal numbers, the same callers. */
uint32_t model_queue_waiting_gen(const struct model *m, size_t qi);

/* The queues agent ai is logged in to (queue index, paused there), in the order
 * it joined them, up to max; returns how many. */
struct agent_queue_view { size_t queue; bool paused; };
int model_agent_queues(const struct model *m, size_t ai, struct agent_queue_view *out, int max);
/* Agent ai in one visit, as a snapshot wants it: its view (model_agent), its
 * queues (model_agent_queues, up to max) and its states added to per_queue
 * and total (as model_agent_counts counts them, the caller zeroing them
 * first). Returns how many queues, or -1 (nothing filled or counted) when
 * the agent is not logged in. */
int model_agent_visit(const struct model *m, size_t ai, struct agent_view *view,
                      struct agent_queue_view *queues, int max, struct agent_counts *per_queue,
                      struct agent_counts *total);

/* What a reader that keeps agents' visits from build to build needs: each
 * agent's change mark (model_agent_count of them; an agent whose mark is at
 * most the reader's last model_agents_mark is as it was then, but for time:
 * model_agent_wake), and the mark when every agent changed at once (a
 * restart, renumbering): read them all again then. */
uint64_t model_agents_mark(const struct model *m, uint64_t *reset);
const uint64_t *model_agent_marks(const struct model *m);
/* The first time after the clock when agent ai's visit (model_agent_visit)
 * changes with no event (a wrap-up or ring ending, a time not reached),
 * INT64_MAX when never. */
int64_t model_agent_wake(const struct model *m, size_t ai);

const char *agent_state_name(enum agent_state s);

#endif
