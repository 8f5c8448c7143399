/* snapshot.h - the model as plain data at one instant: what the screen, the
 * JSON and text outputs and the alerts all read. */
#ifndef CCBOARD_SNAPSHOT_H
#define CCBOARD_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "figures.h"
#include "metrics.h"
#include "model.h"
#include "contacts.h"
#include "agent_stats.h"
#include "staffing.h"

struct history;   /* history.h */

struct snap_period {
	struct counts c;
	struct derived d;
};

/* Room for the catalogue of figures (figures.h) in a queue's grades. */
#define SNAP_MAX_FIGURES 64
/* Room for the gradings (one per built-in alert rule). */
#define SNAP_MAX_GRADINGS 8

/* Waiting callers kept per queue in a snapshot, longest first. */
#define SNAP_MAX_CALLERS 32

/* The longest caller ID a snapshot keeps, with its NUL: as long as the
 * model keeps it (struct call's), no longer. */
#define SNAP_CALLERID_LEN 40

struct snap_caller {
	const char *callerid;    /* as received (raw: make it safe before drawing), ""
	                            none; into the snapshot's room for its queue's
	                            (10,000s of them on a big centre, most far
	                            shorter than SNAP_CALLERID_LEN) */
	int64_t waiting_s;
};

/* One queue an agent is logged in to: its index in snapshot.queues. */
struct snap_member {
	int queue;
	bool paused;             /* paused in that queue */
};

struct snap_queue {
	const char *name;        /* queue name as in the log ("total"); points into the model */
	const char *display;     /* display name from config (or name) */
	int waiting;
	int64_t longest_wait_s;
	struct agent_counts agents;
	struct snap_period today;
	struct snap_period window;
	int sl_threshold_s;
	double sl_target_pct;
	enum sl_formula sl_formula;
	int wrapup_s;
	int n_intervals;                          /* today's intervals so far */
	int iv_first;                             /* the first of them held: those
	                                             before it were empty (read them
	                                             with snapshot_interval) */
	struct interval *intervals;               /* n_intervals - iv_first of them,
	                                             [0] interval iv_first: room in the
	                                             snapshot's pool (snapshot_build),
	                                             or its maker's */
	int n_callers;                            /* none for the total */
	const struct snap_caller *callers;        /* longest first; into snapshot.caller_pool */
	/* grades (enum alert_severity), set with the values: each figure's by its
	 * index in figures[] (SEV_OK when ungraded), each caller's wait's */
	unsigned char grade[SNAP_MAX_FIGURES];
	unsigned char caller_grade[SNAP_MAX_CALLERS];
	unsigned char *interval_grade[2];         /* [SNAP_IV_SL or _ABANDON]: as many
	                                             as intervals, from iv_first too,
	                                             room as for them */
	struct staff_queue staffing;              /* now and next (staffing.h); none for the total */
};

enum { SNAP_IV_SL, SNAP_IV_ABANDON };

/* A [group.NAME]: its figures (q, named after the group) and its queues. */
struct snap_group {
	struct snap_queue q;
	size_t n_members;
	int *members;            /* indexes into snapshot.queues, in their order; owned */
	size_t cap_members;
};

enum source_state { SRC_STARTING, SRC_FOLLOWING, SRC_WAITING, SRC_LAGGING, SRC_DONE,
	SRC_ERROR, SRC_CONNECTING, SRC_AUTHENTICATING, SRC_STREAMING, SRC_AUTH_FAILED,
	SRC_RETRYING, SRC_LISTENING };

/* A source's health and counters (filled by the shell, not the model). */
struct snap_source {
	char name[256];
	const char *kind;        /* "file", "stdin", "tcp", "unix", "ami", "demo" */
	enum source_state state;
	char detail[128];        /* e.g. "retrying in 4 s", last error */
	uint64_t lines, bad_lines, ignored_events, bytes;
	int clients;             /* listeners */
};

struct snap_alert {
	char rule[64];
	char queue[128];         /* queue name or "total" */
	enum alert_severity severity;
	int64_t since;
	double value;
	char message[256];
	bool acknowledged;
};

struct snapshot {
	int64_t as_of;
	int64_t day_start;                  /* when "today" began (intervals count from it) */
	int window_s;
	size_t n_queues;
	struct snap_queue *queues;          /* sorted by name */
	struct snap_queue total;
	size_t n_groups;
	struct snap_group *groups;          /* the [group.NAME]s, in the file's order */
	size_t cap_groups;
	const char *only;                   /* --group / --queue NAME: one team only (set by
	                                       the caller; snapshot_build keeps it) */
	bool only_queue;                    /* only names a queue, not a group */
	size_t n_agents;
	size_t n_agents_off;                /* past n_agents in agents, agent_n_queues (0) and
	                                       agent_figs: logged off today, by name
	                                       (state AGENT_LOGGED_OFF, since: logged off) */
	struct agent_view *agents;          /* logged-in agents, sorted by name; names owned */
	struct snap_member **agent_queues;  /* per agent: its queues, sorted by index ... */
	int *agent_n_queues;                /* ... and how many (0: logged in to none) */
	struct agent_figs *agent_figs;      /* per agent: its day (agent_stats.h); queues
	                                       as indexes of queues[]; at agent_slot[i] for
	                                       agents[i] (snapshot_agent_figs) */
	size_t *agent_slot;                 /* per agent: where its figures are in agent_figs
	                                       (the model's index: they stay put as agents
	                                       log in and off); NULL: at i */
	bool agent_figs_brief;              /* set by the caller before a build: nothing this
	                                       snapshot is read by reads more of agent_figs
	                                       than alerts on calls and pauses do
	                                       (model_agent_figs_brief): its agents' counts,
	                                       times and queues are not read (0, none) */
	int64_t long_call_s;                /* a call this long is marked (0: never) */
	size_t n_alerts;
	const struct snap_alert *const *alerts;   /* newest first (pointers: the alerts
	                                       live in the alert state, not copied) */
	size_t n_sources;
	struct snap_source *sources;
	struct model_stats stats;
	size_t n_gradings;                  /* how the figures were graded: the built-in */
	struct fig_grading gradings[SNAP_MAX_GRADINGS];   /* alert rules' levels */
	const char *site;
	char sla[32];
	const struct config *cfg;           /* the settings it was built with */
	const struct contacts *contacts;    /* SPEC 6 contacts, or NULL (set by the caller) */
	const struct history *history;      /* SPEC 7 typical/peak/forecast, or NULL (the caller) */                       /* "80/20" of the defaults */
	/* storage behind the pointers above, reused from build to build */
	struct snap_caller *caller_pool;
	size_t cap_callers, cap_agents;
	struct snap_member *member_pool;
	size_t cap_members;
	struct agent_queue_figs *agent_figs_pool;   /* behind agent_figs[].queues */
	size_t cap_agent_figs, cap_agent_figs_pool;
	struct astat_fill *agent_fill;      /* what agent_stats_fill keeps (agent_stats_out.c) */
	/* the last build's orders (model indexes), reused while still right:
	 * names seldom change, so a tick rarely sorts */
	size_t *order_q, n_order_q;
	size_t *order_a, n_order_a, cap_order_a;
	struct snap_scratch *scratch;       /* what a build keeps for the next (snapshot.c) */
	uint64_t order_gen;                 /* changes each time queues[] changes order */
	struct groups_cache *groups_cache;  /* what groups_fill keeps (groups.c) */
	struct staff_cache *staff_cache;    /* what staffing_fill keeps (staffing.c) */
	struct interval *iv_pool;           /* behind the queues', total's and groups'
	                                       intervals: iv_room each (snapshot_queue_room) */
	int iv_first;                       /* the first interval they all hold (iv_first):
	                                       the model's first counted in today, not
	                                       the day's first (none held while none is) */
	unsigned char *ivg_pool;            /* behind their interval_grade: 2 * iv_room each */
	size_t cap_iv_pool, iv_room, iv_slots;
	const int *staff_avail;             /* per queue: the agents who can take its calls, as
	                                       the build counted them; NULL: staffing_fill
	                                       counts them from agents */
};

/* The figures of agents[i] (or of the i-th logged off past n_agents): s's
 * own, valid until the next build. */
static inline struct agent_figs *snapshot_agent_figs(const struct snapshot *s, size_t i)
{
	return &s->agent_figs[s->agent_slot ? s->agent_slot[i] : i];
}

/* Fills s from the model as of the model's clock (call model_advance first),
 * and grades each figure a built-in alert rule of cfg watches, with that
 * rule's levels. Alerts and sources are left as they were. Reuses s's memory; zero-initialise
 * s before the first call and free it with snapshot_free. */
void snapshot_build(struct snapshot *s, const struct model *m, const struct config *cfg);
void snapshot_free(struct snapshot *s);

/* The name comparisons the last snapshot_build of s made to order the queues
 * and agents (a tick where no name came makes none). */
size_t snapshot_sort_compares(const struct snapshot *s);

/* The waiting callers the last snapshot_build of s copied from the model
 * (only the queues whose waiting list changed since the build before). */
size_t snapshot_callers_copied(const struct snapshot *s);

/* The model agents the last snapshot_build of s visited (the agents changed
 * since the build before, or whose state's time came; all on a first). */
size_t snapshot_agents_visited(const struct snapshot *s);

/* What the last snapshot_build of s did, in words, into buf (n bytes, as
 * snprintf): queues and agents, those visited, sorted in, read whole, and
 * why all were when they were (the tick stats' slow ticks). */
int snapshot_build_note(const struct snapshot *s, char *buf, size_t n);

/* Points q's intervals and interval_grade at slot k of s's pool (the
 * queues' slots, then the total's, then the groups': snapshot_build lays
 * the pool out for its model's intervals so far), held from s->iv_first. */
void snapshot_queue_room(struct snapshot *s, struct snap_queue *q, size_t k);

/* Grades every figure of s's queues and total a built-in alert rule of cfg
 * watches, with that rule's levels (the built-in levels when cfg is NULL), so
 * the colours and the alerts judge alike; and the callers and intervals by
 * the same levels. snapshot_build calls it; a hand-made snapshot may. */
void snapshot_grade(struct snapshot *s, const struct config *cfg);

/* Fills t's counts, intervals and derived figures from the queues of s at
 * members[0..n-1] (indexes into s->queues; NULL: every queue) as the total
 * is made: counts and intervals summed (t's and theirs held from s->iv_first), each queue's AHT with its own
 * wrap-up, the other figures by t's sl_formula. */
void snapshot_aggregate(const struct snapshot *s, struct snap_queue *t, const int *members,
                        size_t n);

/* Interval i of q (i < q->n_intervals): an empty one before q->iv_first. */
static inline const struct interval *snapshot_interval(const struct snap_queue *q, int i)
{
	static const struct interval empty;
	return i >= q->iv_first ? &q->intervals[i - q->iv_first] : &empty;
}

/* The grade (enum alert_severity) of interval i of q on which (SNAP_IV_SL or
 * SNAP_IV_ABANDON): an empty one's (SEV_OK) before q->iv_first. */
static inline unsigned char snapshot_interval_grade(const struct snap_queue *q, int which,
                                                    int i)
{
	return i >= q->iv_first ? q->interval_grade[which][i - q->iv_first] : SEV_OK;
}

/* Returns the SL and abandon rate of interval iv of q (q's formula, no wrap-up). */
struct derived snapshot_interval_derived(const struct snap_queue *q, const struct interval *iv);

/* The index of the queue (of the logged-in agent) called name in s, found by
 * bisection in their name order, or -1 when none is. */
long snapshot_queue_find(const struct snapshot *s, const char *name);
long snapshot_agent_find(const struct snapshot *s, const char *name);

/* Returns agent ai's membership of queue qi (indexes into s), or NULL when the
 * agent is not logged in to it. */
const struct snap_member *snapshot_agent_in(const struct snapshot *s, size_t ai, size_t qi);

/* Writes s as one line of JSON (SPEC 3.2) followed by "\n". Returns 0, or -1
 * with errno set when the stream failed. */
int snapshot_write_json(const struct snapshot *s, FILE *out);
/* The same line (with its "\n") in a malloc'ed buffer of *len bytes, not
 * NUL-terminated, that the caller owns; NULL without memory. */
char *snapshot_json_line(const struct snapshot *s, size_t *len);

/* The line as pieces, in order (iov, n of them, len bytes in all), most of
 * them texts kept from line to line, not copied. They stay as they are until
 * snapshot_json_pieces_done, or until any JSON line is built again, which
 * first calls detach(ctx): the holder copies there what it has not written
 * yet, and lets go of the pieces. Returns 0, or -1 without memory. */
struct iovec;
struct json_pieces {
	const struct iovec *iov;
	size_t n, len;
};
int snapshot_json_pieces(const struct snapshot *s, struct json_pieces *out,
                         void (*detach)(void *ctx), void *ctx);
void snapshot_json_pieces_done(void);
/* The holder of the last line's pieces made by snapshot_json_pieces_with:
 * detach(ctx) is called before any JSON line is built again. _detach calls
 * it now (once) and forgets it. */
void snapshot_json_pieces_hold(void (*detach)(void *ctx), void *ctx);
void snapshot_json_pieces_detach(void);

/* The line built off the loop thread, in two steps. snapshot_json_tail
 * writes into t (kept from line to line; empty it with snapshot_json_text_free)
 * the line's end, what reads more than s (the contacts' callbacks, the
 * history), on the thread that owns those; false when the line cannot be
 * split so (contact events, a typical day, text jansson leaves out): build it
 * whole there. snapshot_json_pieces_with then builds the line from s and t
 * alone, on any one thread at a time, while s, t and what s points at stay as
 * they are, and no other JSON line is built: the same bytes as
 * snapshot_json_pieces, the pieces valid until the next line is built (t's
 * bytes are one of them: t unchanged until then too). It calls no detach
 * (snapshot_json_pieces_detach first, on the owner's thread).
 * Returns 0, or -1 without memory. */
struct json_text {
	char *p;
	size_t n, cap;
	struct iovec *v;         /* its pieces: p's bytes and texts referred to */
	size_t nv, capv;
};
bool snapshot_json_tail(const struct snapshot *s, struct json_text *t);
int snapshot_json_pieces_with(const struct snapshot *s, const struct json_text *tail,
                              struct json_pieces *out);
/* The same line, handed out in order as runs of pieces, part(ctx, v, n)
 * once for each, valid only during that call (the last run too): a big
 * centre's line is never held whole. Returns as snapshot_json_pieces_with. */
int snapshot_json_parts_with(const struct snapshot *s, const struct json_text *tail,
                             void (*part)(void *ctx, const struct iovec *v, size_t n),
                             void *ctx);
void snapshot_json_text_free(struct json_text *t);

/* The top-level keys of the lines snapshot_write_json and snapshot_json_line
 * write from now on: list is names separated by commas or spaces (as_of is
 * always written; the keys keep their order). Returns 0, or -1 with *cause
 * (malloc'ed) naming an unknown key. snapshot_json_keys_all: every key again. */
int snapshot_json_keys(const char *list, char **cause);
void snapshot_json_keys_all(void);
/* Whether those lines have top-level key name ("agents"). */
bool snapshot_json_has_key(const char *name);

/* The same line built with jansson throughout: the reference the tests
 * compare snapshot_write_json with (slower). */
int snapshot_write_json_ref(const struct snapshot *s, FILE *out);

/* Writes s as a plain-text table for scripts and SSH one-liners. */
int snapshot_write_text(const struct snapshot *s, FILE *out);

/* The model's own health as a pseudo-source (kind "model"): a queue or agent
 * cap reached, and how many lines it refused. Returns false (out untouched)
 * while there is nothing to say. */
bool snapshot_model_health(const struct snapshot *s, const struct config *cfg,
                           struct snap_source *out);

const char *source_state_name(enum source_state st);
const char *alert_severity_name(enum alert_severity sev);

#endif
