/* model_internal.h - what model.c, model_calls.c, model_tally.c and
 * model_events.c share: the model's structures and the functions of one file
 * the others call. Nothing outside model*.c includes it (tests may). */
#ifndef CCBOARD_MODEL_INTERNAL_H
#define CCBOARD_MODEL_INTERNAL_H

#include "model.h"
#include "agent_stats.h"
#include "model_calls.h"
#include "model_tally.h"
#include "strmap.h"

struct membership {
	int32_t queue;
	uint8_t paused;
};

/* 96 bytes on a 64-bit machine (no padding): 10,000 of them on a big centre. */
struct agent {
	struct membership *mem;
	int32_t *removed;              /* queues left by REMOVEMEMBER or AGENTLOGOFF: only
	                                  ADDMEMBER or AGENTLOGIN joins them again */
	const char *reason;            /* the model's reasons' (interned: a snapshot
	                                  may point at it until the next build) */
	struct agent_stats *st;         /* its day's figures (agent_stats.c), or NULL */
	int64_t last_seen;             /* the model's clock when an event last named it */
	int64_t wrapup_until;
	int64_t since;
	int64_t ring_since;            /* INT64_MIN: not ringing */
	int nmem, capmem;
	int nremoved, capremoved;
	int active_calls;
	int status;
	uint8_t global_login;          /* AGENTLOGIN with no queue */
	uint8_t paused_all;            /* PAUSEALL seen while in no queue */
};

struct queue {
	struct queue_conf conf;
	struct counts today, window;
	struct interval *iv;           /* today's intervals from the model's iv_first to
	                                  its iv_cover; NULL until it tallies */
	struct call *whead, *wtail;
	uint32_t wgen;                 /* changes with the waiting list (model_queue_waiting_gen) */
	uint32_t wpop, wpush;          /* of those changes, a call leaving the list's head,
	                                  one joining its tail (model_queue_waiting_moves) */
	int waiting;
	int32_t ncalls;                /* call records (any phase) of this queue */
	int32_t wtallies;              /* its tallies in the window (in_queue records) */
	int64_t last_seen;             /* the model's clock when an event last named it */
	uint32_t iv_ep;                /* the model's iv_epoch when iv was last written */
	int16_t iv_low, iv_low_prev;   /* the lowest slot written in epoch iv_ep, in the one
	                                  before it (MODEL_MAX_INTERVALS: none) */
};

struct model {
	const struct config *cfg;
	struct strmap queue_names, agent_names;
	struct strmap reasons;         /* every pause reason seen (few: an agent's points here) */
	struct name_list {             /* model_release_names */
		struct retired_name { char *name; struct strmap *from; } *v;
		size_t n, cap;
	} retired[2];
	struct queue *queues;
	size_t cap_queues;
	struct agent *agents;
	size_t cap_agents;
	struct calls calls;            /* model_calls.c */
	struct tally_window win;       /* model_tally.c: the queues' and agents' window */
	int64_t now, day_start, day_end;
	int64_t next_sweep;            /* when idle queues and agents are looked for next */
	int iv_used;                   /* today's intervals holding a tally: 0..iv_used-1 */
	int iv_cover;                  /* today's intervals covered: those a reader sees
	                                  (model_queue_intervals), no more */
	int iv_first;                  /* the first of them a queue's iv holds (its iv[0]):
	                                  the first counted in today (MODEL_MAX_INTERVALS
	                                  until one is) */
	struct interval *iv_copy;      /* model_queue_intervals' (MODEL_MAX_INTERVALS) */
	uint32_t iv_epoch;             /* a new one with each new interval covered */
	uint32_t iv_reset;             /* the epoch since which no queue's iv was cleared
	                                  or renumbered (model_queue_intervals_kept) */
	struct model_stats stats;
	bool counts_only;              /* model_batch.h: no agent figures (an import) */
	uint64_t *agent_mark;          /* per agent: agent_marks when it last changed */
	uint64_t agent_marks;          /* agent changes so far (model_agents_mark) */
	uint64_t agents_reset;         /* agent_marks when every agent changed at once */
	uint64_t *astat_stamp;         /* per agent: its figures' stamp (agent_stats.c; 0:
	                                  none), apart so that a snapshot finds the agents
	                                  whose figures changed without reading each record */
	struct astat_journal wout;     /* the agents' window records leaving (agent_stats.c) */
};

/* ---- model.c: queues, agents and the clock ----------------------------- */

/* The index of ev's queue (not NULL), added when new. */
int32_t model_queue_index(struct model *m, const struct qevent *ev);
/* The index of ev's agent (not NULL) under its [agents] name, added when new. */
int32_t model_agent_index(struct model *m, const struct qevent *ev);

/* Agent ai changed (its state, queues, pauses, ring or call), or all of
 * them did, without an event naming it: readers that keep what they read of
 * the agents read it again (model_agent_marks). */
void model_agent_touch(struct model *m, int32_t ai);
void model_agents_touch_all(struct model *m);

/* Makes the agent a member of queue qi (if it is not); returns the membership. */
struct membership *member_join(struct agent *a, int32_t qi, int64_t t);
/* member_join, unless the agent left queue qi explicitly (then the membership
 * if any, or NULL). */
struct membership *member_ensure(struct agent *a, int32_t qi, int64_t t);
/* The agent leaves queue qi explicitly. */
void member_remove(struct agent *a, int32_t qi, int64_t t);
void agent_set_reason(struct model *m, struct agent *a, const char *reason);

/* Today's interval slot (0..MODEL_MAX_INTERVALS-1) of queue qi, to count in:
 * the queues' interval arrays grow to it first (at their end, or at their
 * start for a slot before the first they hold). */
struct interval *model_queue_interval(struct model *m, int32_t qi, int slot);
/* A new day: the queues' intervals are freed (the day starts with none). */
void model_intervals_clear(struct model *m);

/* Moves the clock forward to now (an event's time or the wall clock). */
void model_clock_forward(struct model *m, int64_t now);

#endif
