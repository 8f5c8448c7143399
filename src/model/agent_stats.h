/* agent_stats.h - each agent's day (issue 16): calls answered and handled,
 * talk and hold time, rings not answered, pauses by reason, logged-in time
 * and occupancy; today and in the rolling window, per agent and per agent
 * per queue. Fed by the model after each event it applies; read through
 * model_agent_figs. Pure: every time is passed in or is the model's clock. */
#ifndef CCBOARD_AGENT_STATS_H
#define CCBOARD_AGENT_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "event.h"

struct model;
struct figure;

/* What an agent did in a period: counts in 32 bits (a line each at most), sums
 * of times in 64 (a line's may be up to INT32_MAX). 48 bytes, no padding: the
 * model keeps two of them an agent and two in each queue it worked, and a
 * snapshot as many (10,000 agents). */
struct astat_counts {
	int32_t answered;          /* CONNECT */
	int32_t completed;         /* COMPLETECALLER / COMPLETEAGENT */
	int32_t transferred;       /* any TRANSFER */
	int32_t rna;               /* RINGNOANSWER: rung and did not answer */
	int64_t talk_s;            /* calltime of the calls it ended */
	int64_t hold_s;            /* holdtime of the calls it answered (its ASA) */
	int64_t ring_ms;           /* ringtime of the rings it did not answer */
	int64_t wrapup_s;          /* the queue's wrapup_s for each call it ended */
};
_Static_assert(sizeof(struct astat_counts) == 48, "struct astat_counts has no padding");

/* Pause reasons kept per agent a day; more fall under "other". */
#define ASTAT_MAX_REASONS 8
#define ASTAT_REASON_LEN 32

struct astat_pause {
	char reason[ASTAT_REASON_LEN];   /* as received ("" none; raw: make it safe to draw) */
	int64_t s;
};

/* Logged-in and paused time, occupancy: of today, or of the window. */
struct astat_time {
	int64_t login_s;           /* logged-in time */
	int64_t paused_s;          /* paused time (every reason) */
	int64_t busy_s;            /* talk + wrap-up (the current call's time so far too) */
	double occupancy_pct;      /* busy / (logged in - paused); NAN with no such time */
	int n_pauses;              /* pause time by reason (the current pause too) ... */
	const struct astat_pause *pauses;   /* ... (into the caller's room) */
};

/* An agent's figures in one queue it worked today (or in the window). */
struct agent_queue_figs {
	int32_t queue;             /* the model's queue index (model_queue_name) */
	struct astat_counts today, window;
};

/* Room for an agent's pauses by reason: today's, then the window's. */
#define ASTAT_FIGS_PAUSES (2 * ASTAT_MAX_REASONS)

/* An agent's figures as of the model's clock (clock_at): what moves with the
 * clock (logged-in, paused and busy time, occupancy, today's and the
 * window's) is read at another time through agent_figs_at, not from here. */
struct agent_figs {
	uint64_t stamp;            /* a new value whenever the model changed the agent's
	                              figures (an event, a window record leaving), never
	                              given to another agent; unchanged, the figures differ
	                              only by what moves with the clock (logged-in, paused
	                              and busy time, occupancy, the window's time) and by
	                              the day. 0: the agent has no figures */
	uint32_t slot;             /* the model's index of the agent (agent_stats_fill) */
	uint32_t pool_at;          /* where its queues are in the snapshot's pool (same) */
	/* what moves with the clock, read at clock_at: logged-in and busy time,
	 * today's and the window's, each grow by its rate a second for
	 * clock_span seconds more (0: they hold at clock_at alone; an agent
	 * paused now always is) */
	int64_t clock_at;
	uint32_t clock_span;
	int8_t clock_rate[4];      /* login_s, busy_s, wtime.login_s, wtime.busy_s */
	bool on_call;
	bool paused_now;
	int n_pauses;              /* today's pause time by reason (the current pause too) */
	int n_queues;              /* per-queue figures ... */
	int32_t call_queue;        /* its queue index, -1 none */
	/* at clock_at (agent_figs_at for another time): */
	int64_t login_s;           /* logged-in time today */
	int64_t paused_s;          /* paused time today (every reason) */
	int64_t busy_s;            /* talk + wrap-up today (the current call's talk so far too) */
	double occupancy_pct;      /* busy / (logged in - paused); NAN with no such time */
	const struct astat_pause *pauses;   /* today's n_pauses (into the caller's room) */
	struct astat_time wtime;   /* in the window: periods cut at clock_at - window_s;
	                              busy is the window's talk + wrap-up and the
	                              current call's time in it */
	const struct agent_queue_figs *queues;   /* ... (into the caller's buffer) */
	uint64_t stamp_today;      /* as stamp, for today's figures and the current call
	                              alone: a window record leaving keeps it */
	struct astat_counts today, window;
	int64_t pause_since;       /* when the current pause began (0: not paused) */
	int64_t call_since;        /* when the current call was answered (0: none) */
	int64_t off_since;         /* logged off today at (0: logged in, or not today) */
	/* the current pause's reason and the call's caller (raw), "" when none:
	 * model_agent_figs points them at the model's record, agent_stats_fill
	 * at the snapshot's own room (most agents have neither: no room kept in
	 * each agent's figures) */
	const char *pause_reason;
	const char *callerid;
};

/* Derived: AHT = (talk + wrapup) / (completed + transferred), ASA = hold /
 * answered; NAN when the denominator is 0. */
double astat_aht(const struct astat_counts *c);
double astat_asa(const struct astat_counts *c);

/* What moves with the clock of an agent at a time: today's and the
 * window's logged-in, paused and busy time, occupancy and pauses. */
struct agent_clock {
	struct astat_time today, window;
};

/* f's clocked figures at now: a snapshot's (as_of) are those of its build
 * or up to their clock span later (their pauses are f's own). */
void agent_figs_at(const struct agent_figs *f, int64_t now, struct agent_clock *out);

/* Fills out with agent ai's figures as of the model's clock; its per-queue
 * figures go into buf (room for max; more are left out), its pauses into
 * pauses (room for ASTAT_FIGS_PAUSES). Returns false when the agent has none
 * (not known). */
bool model_agent_figs(const struct model *m, size_t ai, struct agent_figs *out,
                      struct agent_queue_figs *buf, int max, struct astat_pause *pauses);
/* Fills out with what alerts on agents read of agent ai (agent_figure_brief):
 * whether it is on a call, since when and in which queue, and its current
 * pause (reason at the model's record); the rest as for an agent with no
 * figures (stamp 0, no counts, no queues, no pauses by reason, no caller:
 * a text kept for each agent on a call is what costs). Returns as
 * model_agent_figs. */
bool model_agent_figs_brief(const struct model *m, size_t ai, struct agent_figs *out);
/* Whether f (a former read of the same day) still holds agent ai's figures
 * but for what moves with the clock. */
bool model_agent_figs_current(const struct model *m, size_t ai, const struct agent_figs *f);
/* When f still holds agent ai's figures (model_agent_figs_current): reads
 * what moves with the clock again as of now (its pauses into pauses, room
 * for ASTAT_FIGS_PAUSES; its texts at the model's record) and returns true.
 * Else false, f unchanged. */
bool model_agent_figs_retime(const struct model *m, size_t ai, struct agent_figs *f,
                             struct astat_pause *pauses);
/* The last stamp given to any agent (agent_figs.stamp): an agent whose stamp
 * is no more than this value read earlier has not changed since. */
uint64_t model_agent_figs_stamp_last(void);
/* Per agent (model index): its figures' stamp now (agent_figs.stamp; 0:
 * none). */
const uint64_t *model_agent_figs_stamps(const struct model *m);
/* The first time after f was read at which its clocked figures no longer
 * follow their rates (agent_figs_at): read it again then; INT64_MAX when
 * they never move. */
int64_t agent_figs_due(const struct agent_figs *f);
/* Prefetches what reading agent ai will need: its record (step 0), then,
 * some agents later, its figures' (step 1: every line), then its queues' and
 * periods' (step 2: to read it whole); step 3 instead of 1 and 2: its
 * figures' first line alone (model_agent_figs_current). Agents are read in
 * name order, their records are cache misses apart. Step 4 instead of 1 and
 * 2: what model_agent_figs_brief reads. */
void model_agent_figs_prefetch(const struct model *m, size_t ai, int step);
/* Prefetches agent ai's queues (model_agent_visit reads them), its record
 * fetched first (model_agent_figs_prefetch's step 0). */
void model_agent_visit_prefetch(const struct model *m, size_t ai);
/* Room model_agent_figs (or _retime) needs in pauses for agent ai now: no
 * more than ASTAT_FIGS_PAUSES, 0 for most. */
int model_agent_figs_pauses(const struct model *m, size_t ai);
/* How many per-queue figures agent ai has (room model_agent_figs needs). */
int model_agent_figs_queues(const struct model *m, size_t ai);

/* Whether agent_figure_value of f reads only what model_agent_figs_brief
 * fills (the current call's and pause's time): not the counts. */
bool agent_figure_brief(const struct figure *f);
/* The value of agent figure f (figures.h agent_figures[]) on a as of now;
 * reason (NULL: any) narrows pause_s to pauses with that reason. */
double agent_figure_value(const struct figure *f, const struct agent_figs *a, int64_t now,
                          const char *reason);

/* The state of the agents past snapshot.n_agents: logged off today. */
#define AGENT_LOGGED_OFF AGENT_STATE_COUNT

/* An agent not logged in now that was logged in today. */
struct agent_off {
	size_t ai;                 /* the model's index */
	const char *name;          /* the model's */
	int64_t since;             /* logged off at */
};

/* Whether agent ai is logged off today: *since set to when it logged off
 * (the snapshot keeps them in name order from build to build). */
bool model_agent_off_today(const struct model *m, size_t ai, int64_t *since);

/* ---- the model's side (model*.c only) ---------------------------------- */

struct agent_stats;

/* A record of an agent leaving the window (astat_window_out), kept in the
 * model's journal for the snapshot's kept figures: agent_figs_wout applies it
 * to figures read at stamp_before, making them those of stamp_after. */
struct astat_wout {
	uint64_t stamp_before, stamp_after;
	int32_t agent, queue;        /* model indexes (queue -1: none) */
	int32_t value, wrapup;       /* as astat_window_out's (rec_delta) */
	int32_t kind;
};

/* The journal: the latest ASTAT_WOUT_CAP leavings, a ring numbered from 0
 * (entry k at v[k % ASTAT_WOUT_CAP]); [first, end) are held. A big centre
 * has about 1,000 a second: 160 kB for a few seconds of them. */
#define ASTAT_WOUT_CAP 4096
struct astat_journal {
	struct astat_wout *v;        /* made at the first leaving */
	uint64_t first, end;
};

/* After the model applied ev (queue index qi, -1 for none): the figures of
 * the agent it names follow (counts, pauses, logged-in time, the call). */
void astat_on_event(struct model *m, const struct qevent *ev, int32_t qi);
/* A record of agent ai's event leaves the window (model_tally.c): its
 * figures lose it. */
void astat_window_out(struct model *m, int32_t ai, int32_t qi, enum ev_kind kind,
                      int32_t value, int wrapup);
/* Starts fetching what astat_window_out of agent ai will touch, a step at a
 * time as each arrives: its record and stamp (step 0), its figures (1), its
 * queues' (2). Records leave in time order, their agents in no order. */
void astat_window_prefetch(const struct model *m, int32_t ai, int step);
/* Queues or agents were renumbered (map[old] = new, -1 gone). Call
 * astat_renumber_agents after the agents moved. */
void astat_renumber_queues(struct model *m, const int32_t *map);
void astat_renumber_agents(struct model *m, const int32_t *map);
void astat_free(struct agent_stats *st);

/* The journal's entries held now ([*first, *end), model_agent_wout_at). */
void model_agent_wout_span(const struct model *m, uint64_t *first, uint64_t *end);
const struct astat_wout *model_agent_wout_at(const struct model *m, uint64_t k);
/* Applies e to f (figures of agent e->agent, its per-queue figures at q, their
 * queues as ranks: qrank the rank of e->queue, -1 none) when f was read at
 * e->stamp_before: its window's counts, busy time and occupancy, the queue's
 * window counts (its entry dropped, in order, when nothing is left in it),
 * its stamp. False, f unchanged, when f is of another stamp or does not have
 * the queue: read it whole. */
bool agent_figs_wout(struct agent_figs *f, struct agent_queue_figs *q,
                     const struct astat_wout *e, int32_t qrank);

#endif

/* ---- the snapshot's side (snapshot.c) ----------------------------------- */

struct snapshot;
struct json_t;

/* Fills s->agent_figs for s's agents (ai[i]: the model index of s->agents[i]),
 * each at its model index (s->agent_slot: ai), their queues as indexes of
 * s->queues (rank[model index]), as of the model's clock. Reuses s's memory
 * (freed by snapshot_free), and the figures of the last fill of agents
 * whose stamp did not change. */
void agent_stats_fill(struct snapshot *s, const struct model *m, const size_t *ai,
                      const size_t *rank);
/* How many agents the last fill read whole (their figures changed or were
 * not kept), not only brought to the clock. */
size_t agent_stats_fill_read(const struct snapshot *s);
/* Frees what agent_stats_fill keeps in s for the next fill. */
void agent_stats_fill_free(struct snapshot *s);
/* The name of an agent's state in the JSON snapshot and /metrics: the
 * model's (agent_state_name), or "logged_off" for AGENT_LOGGED_OFF. Static. */
const char *agent_stats_state_name(int state);
/* The "agents" array of the JSON snapshot (a new reference): the logged-in
 * agents, then those logged off today. */
struct json_t *agent_stats_json(const struct snapshot *s);
