/* snapshot.c - the model as plain data, and that data as JSON or text. */
#include "snapshot.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include "agent_stats.h"
#include "alerts.h"
#include "history.h"
#include "model_tally.h"
#include "figures.h"
#include "groups.h"
#include "natsort.h"
#include "snapshot_json.h"
#include "textsafe.h"
#include "util.h"

static const char *const source_state_names[] = {
	"starting", "following", "waiting", "lagging", "done", "error", "connecting",
	"authenticating", "streaming", "auth_failed", "retrying", "listening",
};

const char *source_state_name(enum source_state st)
{
	size_t n = sizeof source_state_names / sizeof source_state_names[0];
	return (size_t)st < n ? source_state_names[st] : "?";
}

bool snapshot_model_health(const struct snapshot *s, const struct config *cfg,
                           struct snap_source *out)
{
	uint64_t nq = s->stats.queue_cap_lines, na = s->stats.agent_cap_lines;
	int n = 0;
	if (nq == 0 && na == 0)
		return false;
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "model");
	out->kind = "model";
	out->state = SRC_ERROR;
	out->lines = s->stats.events;
	out->bad_lines = nq + na;
	if (nq)
		n = snprintf(out->detail, sizeof out->detail,
		             "queue cap %d reached: %" PRIu64 " line%s refused", cfg->max_queues, nq,
		             nq == 1 ? "" : "s");
	if (na && n >= 0 && (size_t)n < sizeof out->detail)
		snprintf(out->detail + n, sizeof out->detail - (size_t)n,
		         "%sagent cap %d reached: %" PRIu64 " line%s refused", n ? "; " : "",
		         cfg->max_agents, na, na == 1 ? "" : "s");
	return true;
}

const char *alert_severity_name(enum alert_severity sev)
{
	switch (sev) {
	case SEV_WARNING:  return "warning";
	case SEV_CRITICAL: return "critical";
	default:           return "ok";
	}
}

/* ---- building ----------------------------------------------------------- */

static const struct model *sort_model;
static size_t sort_compares;     /* name comparisons of the build under way */

/* What a build did beyond the few agents and queues a tick changes, for
 * the tick stats' slow ticks (snapshot_build_note). */
struct build_note {
	unsigned visit_all;            /* why every agent was visited (VA_*), 0: not */
	size_t order_new, off_new;     /* agents sorted into the logged-in, the off order */
	bool order_all, off_all;       /* those orders made again from nothing */
	bool queues_ordered;           /* a queue came or the queues' order was made again */
	size_t n_queues, n_agents;
	int64_t day;
	uint32_t iv_epoch;
};
enum { VA_FIRST = 1, VA_ONLY = 2, VA_MODEL = 4, VA_ORDER = 8, VA_NQ = 16, VA_RESET = 32,
       VA_CLOCK = 64, VA_FEWER = 128, VA_HOLES = 256 };

/* What a build keeps for the next: the names its orders were made of (model
 * keys: the same pointer is the same name, so an order still holds without
 * comparing names), and buffers reused from tick to tick. */
struct snap_scratch {
	const struct model *m;
	bool sla_set;                  /* s->sla written of sla_pct and sla_thr */
	double sla_pct;
	int sla_thr;
	uint64_t forgotten_queues, forgotten_agents;   /* the model renumbers on both */
	const char **qname, **aname;   /* the names of order_q and order_a, in order */
	size_t cap_qname, cap_aname;
	unsigned char *seen;           /* per model agent: kept from the last order */
	size_t cap_seen;
	struct agent_tmp *tmp;         /* agents new to the order */
	size_t cap_tmp;
	size_t *merged;                /* the queues new to an order */
	size_t cap_merged;
	size_t compares;               /* the last build's name comparisons */
	/* per tick, reused: by queue (rank, agent counts, an agent's queues) ... */
	size_t *rank;
	struct agent_counts *ac;
	struct agent_queue_view *aq;
	size_t cap_rank, cap_ac, cap_aq;
	/* ... and by agent (where its queues start in the pools; model indexes) */
	size_t *ai;
	size_t cap_ai;
	/* the agents logged off today in name order, kept for the next build
	 * (agents_off_order), and per model agent since when (INT64_MIN: not) */
	struct agent_off *offs, *offs_new;
	size_t cap_offs, n_offs, cap_offs_new;
	int64_t *off_since;
	size_t cap_off_since;
	bool offs_ok;
	/* off_since as the last build left it (offs_ok): per model agent below
	 * off_n, what offs holds of it (INT64_MIN: not there), on day off_day */
	size_t off_n;
	int64_t off_day;
	/* each queue's waiting callers: a slot of caller_pool per queue (by
	 * snapshot index), copied again only when its waiting list changed */
	struct caller_slot *cslot;
	size_t cap_cslot, n_cslot;
	int64_t *csince;               /* per caller_pool entry: since when it waits */
	struct caller_text {           /* per slot: its callers' IDs, one after the */
		char *p;                   /* other (kept through layouts but those that */
		size_t cap;                /* shrink the pool: a few hundred bytes each) */
	} *ctext;
	size_t cap_ctext;
	/* per model agent, from the one visit of a build (agents_visit): its
	 * view, and where its queues are in member_pool and how many (-1: not
	 * logged in) */
	struct agent_view *byai;
	size_t *moff;
	int *mn;
	size_t cap_byai, cap_moff, cap_mn;
	int *avail_m, *avail;          /* agents who can take a queue's calls: by model
	                                  queue, then by snapshot queue (s->staff_avail) */
	size_t cap_avail_m, cap_avail;
	/* what the visit keeps for the next (agents_visit): per model agent, its
	 * room in member_pool and when its state's time comes; the pool's end and
	 * the room agents hold in it; what the visit was made on */
	int *mcap;
	int64_t *wake;
	size_t cap_mcap, cap_wake, pool_used, pool_live;
	struct agent_counts total;
	bool vis_ok;
	uint64_t vis_mark, vis_order_gen;
	int64_t vis_now;
	size_t vis_n, vis_nq, visited;
	/* what this build's visit changed, when it visited only some agents
	 * (vis_some): those agents (model indexes), and how many of them logged
	 * in or off; per model agent, its place in order_a (pos_ok) */
	bool vis_some;
	size_t *vlist;
	size_t cap_vlist, n_in_out;
	uint32_t *pos;
	size_t cap_pos, pos_n;         /* pos set for the model agents below pos_n */
	bool pos_ok;
	uint64_t cslot_order_gen;      /* the order the slots were laid out for */
	size_t cslot_room;             /* the room of every slot laid out (the pool's end) */
	size_t callers_copied;         /* the last build's (snapshot_callers_copied) */
	/* the queues' intervals graded by the last build (its gradings, and how
	 * many queues) and, per queue, how many of its first intervals this
	 * build found as they were: their grades still hold */
	struct fig_grading iv_g[SNAP_MAX_GRADINGS];
	size_t iv_ng, iv_n;
	bool iv_graded;
	int *iv_same;
	size_t cap_iv_same;
	size_t *iv_qi;                 /* per place: the model queue its intervals are of */
	size_t cap_iv_qi;
	uint32_t iv_epoch;             /* the model's intervals' epoch at the last build */
	struct build_note note;        /* what the last build did (snapshot_build_note) */
};

struct caller_slot {
	size_t off;                    /* where its callers start in caller_pool */
	int cap;                       /* room there */
	int n;                         /* callers there */
	uint32_t wgen;                 /* the waiting list copied (model_queue_waiting_gen) */
	uint32_t wpop, wpush;          /* ... and its moves then (model_queue_waiting_moves) */
	int w;                         /* ... and its callers then (the first n here) */
	bool copied;                   /* its callers are in the pool */
};

static int name_cmp(const char *a, const char *b)
{
	sort_compares++;
	return natsort_cmp(a, b);
}

static int by_queue_name(const void *a, const void *b)
{
	return name_cmp(model_queue_name(sort_model, *(const size_t *)a),
	                model_queue_name(sort_model, *(const size_t *)b));
}

static int by_agent_name(const void *a, const void *b)
{
	return name_cmp(((const struct agent_view *)a)->name, ((const struct agent_view *)b)->name);
}

/* Room for n items and an eighth more, not twice: most of a build's arrays
 * hold one item per agent or queue, whose numbers grow a few at a time (a
 * big centre's 10,000 agents and one more would double 20 of them). */
static size_t room_for(size_t n)
{
	return n + n / 8 + 16;
}

/* Grows *p (of elem-sized items, *cap of them) to hold n. */
static void scratch_grow(void *pp, size_t *cap, size_t n, size_t elem)
{
	void **p = pp;
	if (n <= *cap && *p)
		return;
	*cap = room_for(n);
	*p = xrealloc(*p, *cap * elem);
}

static struct snap_scratch *scratch_of(struct snapshot *s)
{
	if (!s->scratch)
		s->scratch = xcalloc(1, sizeof *s->scratch);
	return s->scratch;
}

/* True when the orders of the last build were made on this model with its
 * names numbered as now (nothing forgotten since). */
static bool scratch_same_model(const struct snap_scratch *x, const struct model *m)
{
	struct model_stats st = model_stats(m);
	return x->m == m && x->forgotten_queues == st.forgotten_queues &&
	       x->forgotten_agents == st.forgotten_agents;
}

size_t snapshot_sort_compares(const struct snapshot *s)
{
	return s->scratch ? s->scratch->compares : 0;
}

static int ints_min(const int *v, size_t n)
{
	int k = v[0];
	for (size_t i = 1; i < n; i++)
		k = v[i] < k ? v[i] : k;
	return k;
}

/* How many of the first n intervals of a and b are the same. */
static int intervals_same(const struct interval *a, const struct interval *b, int n)
{
	int k = 0;
	while (k < n && memcmp(&a[k], &b[k], sizeof *a) == 0)
		k++;
	return k;
}

/* How many of the first n intervals of queue sq (held from hold, with the
 * same hold at the last build) are the same as the model's iv (iv[0] its
 * interval first), k of them known to be: those before hold were empty
 * then and are now. */
static int intervals_kept(const struct snap_queue *sq, int hold, const struct interval *iv,
                          int first, int n, int k)
{
	static const struct interval zero;
	const struct interval *held = sq->intervals;
	int upto = n < sq->n_intervals ? n : sq->n_intervals;

	k = k < upto ? k : upto;
	if (k < hold)
		k = hold < upto ? hold : upto;
	while (k < first && k < upto && memcmp(&held[k - hold], &zero, sizeof zero) == 0)
		k++;
	if (k >= first && k < upto)
		k += intervals_same(held + (k - hold), iv + (k - first), upto - k);
	return k;
}

/* Fills sq with model queue qi, its intervals held from sq->iv_first (the
 * snapshot's: snapshot_queue_room). same (NULL: none): sq holds the last
 * build's queue of its place (its intervals where they were, from the same
 * first); set to how many of its first intervals are still the same, with
 * the same levels: their grades hold and they are not copied again. kept:
 * how many of them the model knows unchanged since (sq held qi then): only
 * those after compared. */
static void fill_queue(struct snap_queue *sq, const struct model *m, size_t qi,
                       const struct agent_counts *ac, int *same, int kept)
{
	struct queue_conf qc = model_queue_conf(m, qi);
	const struct interval *iv;
	int n, first, k = 0, hold = sq->iv_first;

	sq->name = (char *)model_queue_name(m, qi);
	sq->display = qc.display ? qc.display : sq->name;
	sq->waiting = model_queue_waiting(m, qi);
	sq->longest_wait_s = model_queue_longest_wait(m, qi);
	sq->agents = *ac;
	sq->today.c = *model_queue_today(m, qi);
	sq->window.c = *model_queue_window(m, qi);
	sq->today.d = metrics_derive(&sq->today.c, qc.sl_formula, qc.wrapup_s);
	sq->window.d = metrics_derive(&sq->window.c, qc.sl_formula, qc.wrapup_s);
	sq->sl_threshold_s = qc.sl_threshold_s;
	sq->wrapup_s = qc.wrapup_s;
	/* iv[0] is interval first: the model holds none before it (zeros) */
	iv = model_queue_intervals_from(m, qi, &first, &n);
	if (same && sq->sl_target_pct == qc.sl_target_pct && sq->sl_formula == qc.sl_formula)
		k = intervals_kept(sq, hold, iv, first, n, kept);
	if (same)
		*same = k;
	sq->n_intervals = n;
	sq->sl_target_pct = qc.sl_target_pct;
	sq->sl_formula = qc.sl_formula;
	k = k > hold ? k : hold;
	if (k < first && k < n) {
		int z = first < n ? first : n;
		memset(sq->intervals + (k - hold), 0, (size_t)(z - k) * sizeof *iv);
		k = z;
	}
	if (k < n)
		memcpy(sq->intervals + (k - hold), iv + (k - first), (size_t)(n - k) * sizeof *iv);
}

/* Prefetches what fill_queue reads of the queues some places after i (of
 * order, ni intervals each): their records, then their current interval
 * and first caller in the model, and in the snapshot. */
static void queues_prefetch(const struct snapshot *s, const struct model *m,
                            const size_t *order, size_t i, int ni)
{
	if (i + 8 < s->n_queues)
		model_queue_figs_prefetch(m, order[i + 8], 0, -1);
	if (i + 4 < s->n_queues) {
		model_queue_figs_prefetch(m, order[i + 4], 1, ni - 1);
		if (ni > s->iv_first)
			__builtin_prefetch(&s->queues[i + 4].intervals[ni - 1 - s->iv_first], 1);
	}
}

void snapshot_queue_room(struct snapshot *s, struct snap_queue *q, size_t k)
{
	q->iv_first = s->iv_first;
	q->intervals = s->iv_pool + k * s->iv_room;
	q->interval_grade[SNAP_IV_SL] = s->ivg_pool + 2 * k * s->iv_room;
	q->interval_grade[SNAP_IV_ABANDON] = q->interval_grade[SNAP_IV_SL] + s->iv_room;
}

/* Moves the first n queues' intervals and grades from slots of room
 * `from` to slots of room s->iv_room (larger): from the last, each to a
 * place at or after its own. */
static void intervals_relocate(struct snapshot *s, size_t from, size_t n)
{
	size_t to = s->iv_room;
	for (size_t k = n; k-- > 0;) {
		memmove(s->iv_pool + k * to, s->iv_pool + k * from, from * sizeof *s->iv_pool);
		memmove(s->ivg_pool + 2 * k * to + to, s->ivg_pool + 2 * k * from + from, from);
		memmove(s->ivg_pool + 2 * k * to, s->ivg_pool + 2 * k * from, from);
	}
}

/* Lays the intervals' pool out for n queues, the total and the groups of
 * cfg, each with room for the model's intervals so far from the first
 * counted in today (s->iv_first, the same for every queue; sized to them,
 * not to a day's most: 1 at the day's start, 96 at its end, and as few for
 * a board started late in the day: no room for the empty morning), and
 * points the queues and total at theirs. The room grows 4 intervals at a
 * time, the queues' intervals and grades moving with their slots (the next
 * build finds them as they were, not all compared, copied and graded
 * again); the pool is made for the day's most at once (not moved again
 * through the day: only the pages used are resident). Returns whether the
 * first held moved (what was held is not where it was). */
static bool intervals_layout(struct snapshot *s, const struct model *m, const struct config *cfg,
                             size_t n)
{
	int ni = 1, first = 0;
	size_t need, want, room = s->iv_room, slots = s->iv_slots;
	bool moved;
	if (n) {
		model_queue_intervals_from(m, 0, &(int){0}, &ni);   /* the count: nothing copied */
		first = model_intervals_first(m);
		first = first < ni ? first : ni;                     /* none counted: none held */
	}
	moved = first != s->iv_first;
	s->iv_first = first;
	want = ni - first > 1 ? (size_t)(ni - first) : 1;
	s->iv_room = want <= room && room < want + 4 ? room : (want + 3) / 4 * 4;
	s->iv_slots = n;
	need = (n + 1 + cfg->n_groups) * s->iv_room;
	if (need > s->cap_iv_pool || !s->iv_pool) {
		size_t day = (n + 1 + cfg->n_groups) * MODEL_MAX_INTERVALS;
		s->cap_iv_pool = need > day ? need : day;
		need = s->cap_iv_pool;
		s->iv_pool = xrealloc(s->iv_pool, need * sizeof *s->iv_pool);
		s->ivg_pool = xrealloc(s->ivg_pool, 2 * need);
	}
	if (room && s->iv_room > room && !moved)
		intervals_relocate(s, room, slots < n ? slots : n);
	for (size_t i = 0; i < n; i++)
		snapshot_queue_room(s, &s->queues[i], i);
	snapshot_queue_room(s, &s->total, n);
	return moved;
}

/* The AHT of the queues at members (NULL: all): each adds its own wrap-up. */
static double aggregate_aht(const struct snapshot *s, const int *members, size_t n, int today)
{
	int64_t handled = 0, secs = 0;
	for (size_t i = 0; i < n; i++) {
		const struct snap_queue *q = &s->queues[members ? (size_t)members[i] : i];
		const struct counts *c = today ? &q->today.c : &q->window.c;
		handled += c->completed + c->transferred;
		secs += c->talk_s + (int64_t)q->wrapup_s * (c->completed + c->transferred);
	}
	return handled ? (double)secs / (double)handled : NAN;
}

/* Adds q's intervals from `from` on to t's (held from first), t's grown
 * with empty ones to as many as q's. */
static void intervals_add(struct snap_queue *t, const struct snap_queue *q, int first, int from)
{
	if (q->n_intervals > t->n_intervals) {
		int k = t->n_intervals > first ? t->n_intervals : first;
		if (q->n_intervals > k)
			memset(t->intervals + (k - first), 0,
			       (size_t)(q->n_intervals - k) * sizeof *t->intervals);
		t->n_intervals = q->n_intervals;
	}
	from = from > first ? from : first;
	from = from > q->iv_first ? from : q->iv_first;
	for (int k = from; k < q->n_intervals; k++) {
		struct interval *d = &t->intervals[k - first];
		const struct interval *x = &q->intervals[k - q->iv_first];
		d->offered += x->offered;
		d->answered += x->answered;
		d->answered_within_sl += x->answered_within_sl;
		d->abandoned += x->abandoned;
		d->abandoned_short += x->abandoned_short;
		d->abandoned_within_sl += x->abandoned_within_sl;
	}
}

/* snapshot_aggregate, t's first `from` intervals kept as they are (the sums
 * of the same queues' same intervals). Every queue holds its intervals from
 * s->iv_first, and so does t. */
static void aggregate_from(const struct snapshot *s, struct snap_queue *t, const int *members,
                           size_t n, int from)
{
	memset(&t->today.c, 0, sizeof t->today.c);
	memset(&t->window.c, 0, sizeof t->window.c);
	t->n_intervals = from;
	t->iv_first = s->iv_first;
	for (size_t i = 0; i < n; i++) {
		const struct snap_queue *q = &s->queues[members ? (size_t)members[i] : i];
		counts_add(&t->today.c, &q->today.c);
		counts_add(&t->window.c, &q->window.c);
		intervals_add(t, q, s->iv_first, from);
	}
	t->today.d = metrics_derive(&t->today.c, t->sl_formula, 0);
	t->window.d = metrics_derive(&t->window.c, t->sl_formula, 0);
	t->today.d.aht_s = aggregate_aht(s, members, n, 1);
	t->window.d.aht_s = aggregate_aht(s, members, n, 0);
}

void snapshot_aggregate(const struct snapshot *s, struct snap_queue *t, const int *members,
                        size_t n)
{
	aggregate_from(s, t, members, n, 0);
}

/* The total of s's queues, their callers waiting and the longest of their
 * waits as the queues were filled (what model_total_waiting and
 * model_total_longest_wait say, not read again); its first iv_from
 * intervals kept (every queue's first iv_from the same as at the last
 * build, the total where it was). */
static void fill_total(struct snapshot *s, const struct model *m, const struct config *cfg,
                       const struct agent_counts *ac, int waiting, int64_t longest,
                       int iv_from)
{
	struct snap_queue *t = &s->total;
	t->name = "total";
	t->display = "total";
	t->waiting = waiting;
	t->longest_wait_s = longest;
	t->agents = *ac;
	t->sl_threshold_s = cfg->defaults.sl_threshold_s;
	t->sl_target_pct = cfg->defaults.sl_target_pct;
	t->sl_formula = cfg->defaults.sl_formula;
	t->wrapup_s = cfg->defaults.wrapup_s;
	aggregate_from(s, t, NULL, s->n_queues, iv_from);
	if (model_queue_count(m) == 0 && model_now(m)) {
		t->n_intervals = 1;
		memset(t->intervals, 0, sizeof *t->intervals);
	} else if (model_queue_count(m) == 0) {
		t->n_intervals = 0;
	}
}

struct agent_tmp {
	struct agent_view v;
	size_t ai;
};

static int by_tmp_name(const void *a, const void *b)
{
	return by_agent_name(&((const struct agent_tmp *)a)->v, &((const struct agent_tmp *)b)->v);
}

static int by_member_queue(const void *a, const void *b)
{
	int x = ((const struct snap_member *)a)->queue, y = ((const struct snap_member *)b)->queue;
	return (x > y) - (x < y);
}

/* Grows the arrays of s that hold one entry per agent to n entries. */
static void agents_reserve(struct snapshot *s, size_t n)
{
	if (n <= s->cap_agents && s->agents)
		return;
	s->cap_agents = room_for(n);
	s->agents = xrealloc(s->agents, s->cap_agents * sizeof *s->agents);
	s->agent_queues = xrealloc(s->agent_queues, s->cap_agents * sizeof *s->agent_queues);
	s->agent_n_queues = xrealloc(s->agent_n_queues, s->cap_agents * sizeof *s->agent_n_queues);
}

/* Appends the k queues of buf (model indexes) to the member pool at *used
 * as snapshot indexes (by rank), sorted. */
static void fill_members(struct snapshot *s, const size_t *rank,
                         const struct agent_queue_view *buf, int k, size_t *used)
{
	if (*used + (size_t)k > s->cap_members || s->member_pool == NULL) {
		s->cap_members = room_for(*used + (size_t)k);
		s->member_pool = xrealloc(s->member_pool, s->cap_members * sizeof *s->member_pool);
	}
	for (int i = 0; i < k; i++) {
		s->member_pool[*used + (size_t)i].queue = (int)rank[buf[i].queue];
		s->member_pool[*used + (size_t)i].paused = buf[i].paused;
	}
	/* a few queues each, 10,000 agents a tick: insertion, not qsort */
	for (int i = 1; i < k; i++) {
		struct snap_member x = s->member_pool[*used + (size_t)i];
		int j = i;
		for (; j > 0 && by_member_queue(&s->member_pool[*used + (size_t)j - 1], &x) > 0; j--)
			s->member_pool[*used + (size_t)j] = s->member_pool[*used + (size_t)j - 1];
		s->member_pool[*used + (size_t)j] = x;
	}
	*used += (size_t)k;
}

/* Visits each model agent once (a big centre's agents are the build's
 * widest data): its view and its queues kept by model index in the scratch,
 * its states counted into ac (per model queue) and total. */
static void agents_visit_all(struct snapshot *s, const struct model *m, const size_t *rank,
                             size_t nq, struct agent_counts *ac, struct agent_counts *total)
{
	struct snap_scratch *x = scratch_of(s);
	size_t n = model_agent_count(m), used = 0;

	memset(ac, 0, nq * sizeof *ac);
	memset(total, 0, sizeof *total);
	memset(x->avail_m, 0, nq * sizeof *x->avail_m);
	for (size_t ai = 0; ai < n; ai++) {
		int k = model_agent_visit(m, ai, &x->byai[ai], x->aq, (int)nq, ac, total);
		x->mn[ai] = k;
		x->mcap[ai] = k > 0 ? k : 0;
		x->moff[ai] = used;
		x->wake[ai] = k < 0 ? INT64_MAX : model_agent_wake(m, ai);
		if (k <= 0)
			continue;
		fill_members(s, rank, x->aq, k, &used);
		if (x->byai[ai].status != MS_UNAVAILABLE && x->byai[ai].status != MS_INVALID)
			for (int j = 0; j < k; j++)     /* as staffing counts them */
				x->avail_m[x->aq[j].queue] += !x->aq[j].paused;
	}
	x->pool_used = x->pool_live = used;
}

/* Adds d (1 or -1) agents in state st with status to ac, as the model's
 * visit counts them. */
static void count_adj(struct agent_counts *ac, enum agent_state st, int status, int d)
{
	ac->logged_in += d;
	switch (st) {
	case AGENT_ON_CALL:   ac->on_call += d; break;
	case AGENT_RINGING:   ac->ringing += d; break;
	case AGENT_PAUSED:    ac->paused += d; break;
	case AGENT_WRAPUP:    ac->wrapup += d; break;
	default:              ac->available += d; break;
	}
	if (status == MS_UNAVAILABLE || status == MS_INVALID)
		ac->unavailable += d;
}

/* Takes model agent ai's last visit (its view and its queues in the member
 * pool, as snapshot indexes of order) out of ac, total and avail_m. */
static void agent_unvisit(struct snapshot *s, struct snap_scratch *x, const size_t *order,
                          size_t ai, struct agent_counts *ac, struct agent_counts *total)
{
	const struct agent_view *v = &x->byai[ai];
	/* no pool before the first member: no pointer into it either */
	const struct snap_member *mp = s->member_pool ? s->member_pool + x->moff[ai] : NULL;
	bool avail = v->status != MS_UNAVAILABLE && v->status != MS_INVALID;
	if (x->mn[ai] < 0)
		return;
	count_adj(total, v->state, v->status, -1);
	for (int j = 0; j < x->mn[ai]; j++) {
		size_t qi = order[mp[j].queue];
		/* a queue's state is the agent's, but paused where it pauses there */
		enum agent_state st = v->state == AGENT_ON_CALL || v->state == AGENT_RINGING ||
		                      !mp[j].paused ? v->state : AGENT_PAUSED;
		count_adj(&ac[qi], st, v->status, -1);
		if (avail)
			x->avail_m[qi] -= !mp[j].paused;
	}
	x->pool_live -= (size_t)x->mcap[ai];
}

/* Visits model agent ai again: its queues in its place in the pool when they
 * fit, else at the pool's end. */
static void agent_revisit(struct snapshot *s, struct snap_scratch *x, const struct model *m,
                          const size_t *rank, size_t nq, size_t ai, struct agent_counts *ac,
                          struct agent_counts *total)
{
	int k = model_agent_visit(m, ai, &x->byai[ai], x->aq, (int)nq, ac, total);
	size_t at;
	x->mn[ai] = k;
	x->wake[ai] = k < 0 ? INT64_MAX : model_agent_wake(m, ai);
	if (k > x->mcap[ai]) {
		x->moff[ai] = x->pool_used;
		x->mcap[ai] = k;
	}
	x->pool_live += (size_t)x->mcap[ai];
	if (k <= 0)
		return;
	at = x->moff[ai];
	fill_members(s, rank, x->aq, k, &at);
	if (at > x->pool_used)
		x->pool_used = at;
	if (x->byai[ai].status != MS_UNAVAILABLE && x->byai[ai].status != MS_INVALID)
		for (int j = 0; j < k; j++)
			x->avail_m[x->aq[j].queue] += !x->aq[j].paused;
}

/* 0 when the last build's visit still holds but for the agents the model
 * changed since (or whose time came): the same model, names and queue order,
 * no restart, the clock not back, every team shown (--group and --queue
 * renumber the pool), the pool not mostly holes; else why not (VA_*). */
static unsigned agents_visit_holds(const struct snapshot *s, const struct snap_scratch *x,
                                   const struct model *m, size_t nq)
{
	uint64_t reset;
	model_agents_mark(m, &reset);
	/* why not, as VA_* bits (0: it holds) */
	return (x->vis_ok ? 0 : VA_FIRST) | (s->only ? VA_ONLY : 0) |
	       (scratch_same_model(x, m) ? 0 : VA_MODEL) |
	       (x->vis_order_gen == s->order_gen ? 0 : VA_ORDER) | (x->vis_nq == nq ? 0 : VA_NQ) |
	       (reset <= x->vis_mark ? 0 : VA_RESET) | (model_now(m) >= x->vis_now ? 0 : VA_CLOCK) |
	       (model_agent_count(m) >= x->vis_n ? 0 : VA_FEWER) |
	       (x->pool_used <= 2 * x->pool_live + 4096 ? 0 : VA_HOLES);
}

/* Prefetches what visiting x->vlist[k..] will read: the model's records of
 * the agents some places ahead (model_agent_visit), then their last visit's
 * view and queues (agent_unvisit). */
static void visit_prefetch(const struct snapshot *s, const struct snap_scratch *x,
                           const struct model *m, size_t k, size_t nv, size_t old)
{
	size_t ai;
	if (k + 12 < nv)
		model_agent_figs_prefetch(m, x->vlist[k + 12], 0);
	if (k + 6 < nv) {
		ai = x->vlist[k + 6];
		model_agent_visit_prefetch(m, ai);
		if (ai < old) {
			__builtin_prefetch(&x->byai[ai]);
			if (s->member_pool && x->mn[ai] > 0)
				__builtin_prefetch(s->member_pool + x->moff[ai]);
		}
	}
}

/* The agents' visit: every agent on a first build (or when the last one no
 * longer holds), else only those the model changed since the last build or
 * whose state's time came (a wrap-up or ring ending): a tick of a big centre
 * changes a few hundred of its 10,000. ac and total are kept from build to
 * build. */
static void agents_visit(struct snapshot *s, const struct model *m, const size_t *rank,
                         size_t nq, struct agent_counts *ac, struct agent_counts *total)
{
	struct snap_scratch *x = scratch_of(s);
	size_t n = model_agent_count(m), old = x->vis_n;
	int64_t now = model_now(m);
	const uint64_t *mark = model_agent_marks(m);
	uint64_t reset, last = x->vis_mark;

	scratch_grow(&x->aq, &x->cap_aq, nq, sizeof *x->aq);
	scratch_grow(&x->byai, &x->cap_byai, n, sizeof *x->byai);
	scratch_grow(&x->moff, &x->cap_moff, n, sizeof *x->moff);
	scratch_grow(&x->mn, &x->cap_mn, n, sizeof *x->mn);
	scratch_grow(&x->mcap, &x->cap_mcap, n, sizeof *x->mcap);
	scratch_grow(&x->wake, &x->cap_wake, n, sizeof *x->wake);
	scratch_grow(&x->avail_m, &x->cap_avail_m, nq, sizeof *x->avail_m);
	x->visited = 0;
	x->n_in_out = 0;
	x->note.visit_all = agents_visit_holds(s, x, m, nq);
	x->vis_some = !x->note.visit_all;
	if (!x->vis_some) {
		agents_visit_all(s, m, rank, nq, ac, total);
		x->visited = n;
	} else {
		/* the agents to visit first (dense arrays), then each visited with
		 * the records of those some places ahead fetched: a few hundred of
		 * 10,000, each a cache miss apart */
		size_t nv = 0;
		for (size_t ai = 0; ai < n; ai++) {
			if (ai < old && mark[ai] <= last && now < x->wake[ai])
				continue;
			scratch_grow(&x->vlist, &x->cap_vlist, nv + 1, sizeof *x->vlist);
			x->vlist[nv++] = ai;
		}
		for (size_t k = 0; k < nv; k++) {
			size_t ai = x->vlist[k];
			bool was_in = false;
			visit_prefetch(s, x, m, k, nv, old);
			if (ai < old) {
				was_in = x->mn[ai] >= 0;
				agent_unvisit(s, x, s->order_q, ai, ac, total);
			} else {
				x->mcap[ai] = 0;
				x->moff[ai] = x->pool_used;
			}
			agent_revisit(s, x, m, rank, nq, ai, ac, total);
			x->visited++;
			x->n_in_out += was_in != (x->mn[ai] >= 0);
		}
	}
	x->vis_ok = !s->only;        /* groups_restrict renumbers the pool */
	x->vis_mark = model_agents_mark(m, &reset);
	x->vis_now = now;
	x->vis_n = n;
	x->vis_nq = nq;
	x->vis_order_gen = s->order_gen;
}

/* The first reason of bits (VA_*) every agent was visited, by name. */
static const char *visit_all_why(unsigned bits)
{
	static const char *const why[] = { "first", "teams", "model", "queue order",
		"queue count", "reset", "clock back", "fewer agents", "pool holes" };
	for (size_t k = 0; k < sizeof why / sizeof *why; k++)
		if (bits & 1u << k)
			return why[k];
	return "?";
}

size_t snapshot_agents_visited(const struct snapshot *s)
{
	return s->scratch ? s->scratch->visited : 0;
}

int snapshot_build_note(const struct snapshot *s, char *buf, size_t n)
{
	static const struct build_note none;
	const struct snap_scratch *x = s->scratch;
	const struct build_note *b = x ? &x->note : &none;
	return snprintf(buf, n, "queues %zu%s, agents %zu (visited %zu%s%s, logged in/off %zu, "
	                "sorted in %zu%s, off %zu%s), figures read %zu, callers %zu, day %lld, "
	                "intervals epoch %u", b->n_queues, b->queues_ordered ? " ordered" : "",
	                b->n_agents, x ? x->visited : 0, b->visit_all ? ", all: " : "",
	                b->visit_all ? visit_all_why(b->visit_all) : "", x ? x->n_in_out : 0,
	                b->order_new, b->order_all ? " all" : "", b->off_new, b->off_all ? " all" : "",
	                agent_stats_fill_read(s), x ? x->callers_copied : 0, (long long)b->day,
	                (unsigned)b->iv_epoch);
}

/* Hands staffing_fill the agents who can take each queue's calls, counted
 * in the visit (in snapshot order); none once queues were dropped (--group,
 * --queue: it counts them itself then). */
static void staff_avail_note(struct snapshot *s, const size_t *order, size_t n)
{
	struct snap_scratch *x = scratch_of(s);
	s->staff_avail = NULL;
	if (s->n_queues != n)
		return;
	scratch_grow(&x->avail, &x->cap_avail, n, sizeof *x->avail);
	for (size_t i = 0; i < n; i++)
		x->avail[i] = x->avail_m[order[i]];
	s->staff_avail = x->avail;
}

/* The first of the records v[lo..hi) (each size bytes, sorted by the name
 * pointer at name_at in each) whose name sorts after name. */
static size_t name_upper(const void *v, size_t size, size_t name_at, size_t lo, size_t hi,
                         const char *name)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *at;
		memcpy(&at, (const char *)v + mid * size + name_at, sizeof at);
		if (name_cmp(at, name) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Merges the kept agents (order_a[0..kept), their views in views, sorted)
 * with the new ones (x->tmp[0..nnew), sorted) into order_a and views, in
 * place from the end (both have room for them all: no copy of every
 * agent's view beside them): each new one's place found by bisection, the
 * runs between moved whole. */
static void agent_order_merge(struct snapshot *s, struct snap_scratch *x,
                              struct agent_view *views, size_t kept, size_t nnew)
{
	size_t i = kept, k = kept + nnew;
	for (size_t j = nnew; j-- > 0;) {
		size_t lo = name_upper(views, sizeof *views, offsetof(struct agent_view, name), 0, i,
		                       x->tmp[j].v.name);
		k -= i - lo;
		memmove(s->order_a + k, s->order_a + lo, (i - lo) * sizeof *s->order_a);
		memmove(views + k, views + lo, (i - lo) * sizeof *views);
		i = lo;
		s->order_a[--k] = x->tmp[j].ai;
		views[k] = x->tmp[j].v;
	}
}

/* Keeps the agents of the last order still logged in, in their order;
 * returns how many, or SIZE_MAX when that order no longer holds (names
 * renumbered, another model). Marks them in x->seen. */
static size_t agent_order_keep(struct snapshot *s, struct snap_scratch *x, const struct model *m,
                               struct agent_view *views)
{
	size_t total = model_agent_count(m), kept = 0;
	if (!s->order_a || !scratch_same_model(x, m))
		return SIZE_MAX;
	for (size_t i = 0; i < s->n_order_a; i++) {
		size_t ai = s->order_a[i];
		if (ai >= total)
			return SIZE_MAX;
		if (x->mn[ai] < 0)
			continue;                       /* logged off since */
		views[kept] = x->byai[ai];
		if (views[kept].name != x->aname[i])
			return SIZE_MAX;
		x->seen[ai] = 1;
		s->order_a[kept++] = ai;
	}
	return kept;
}

/* The last order changed by the visit's agents alone (agents_visit went to
 * some only, a few logging in or off): those still logged in get their new
 * view in their place, those logged off leave, those logged in are sorted
 * and merged in; not every agent's view copied again. Returns how many were
 * merged in. */
static size_t agent_order_some(struct snapshot *s, struct snap_scratch *x,
                               struct agent_view *views)
{
	size_t n = s->n_order_a, first = n, nnew = 0, kept;
	for (size_t k = 0; k < x->visited; k++) {
		size_t ai = x->vlist[k], p = ai < x->pos_n ? x->pos[ai] : n;
		bool in_order = p < n && s->order_a[p] == ai;
		if (in_order && x->mn[ai] >= 0) {
			views[p] = x->byai[ai];
		} else if (in_order) {                    /* logged off: leaves */
			s->order_a[p] = SIZE_MAX;
			first = p < first ? p : first;
		} else if (x->mn[ai] >= 0) {
			scratch_grow(&x->tmp, &x->cap_tmp, nnew + 1, sizeof *x->tmp);
			x->tmp[nnew].v = x->byai[ai];
			x->tmp[nnew++].ai = ai;
		}
	}
	kept = first;
	for (size_t i = first; i < n; i++)
		if (s->order_a[i] != SIZE_MAX) {
			s->order_a[kept] = s->order_a[i];
			views[kept++] = views[i];
		}
	scratch_grow(&s->order_a, &s->cap_order_a, kept + nnew, sizeof *s->order_a);
	if (nnew) {
		qsort(x->tmp, nnew, sizeof *x->tmp, by_tmp_name);
		agent_order_merge(s, x, views, kept, nnew);
	}
	s->n_order_a = kept + nnew;
	return nnew;
}

/* Puts the model's logged-in agents in s->order_a, sorted by name, their
 * views in views (room for every agent), from the visit's (agents_visit);
 * returns how many. The last build's
 * order is kept: only the agents logged in since are sorted and merged in
 * (a big centre's agents log in and off every few ticks). */
static size_t agent_order(struct snapshot *s, const struct model *m, struct agent_view *views)
{
	struct snap_scratch *x = scratch_of(s);
	size_t total = model_agent_count(m), kept, nnew = 0;

	/* no one logged in or off since the last build (most ticks): the order
	 * holds, only the views of the agents visited again change */
	if (x->vis_some && x->n_in_out == 0 && x->pos_ok && s->order_a && scratch_same_model(x, m)) {
		for (size_t k = 0; k < x->visited; k++)
			if (x->mn[x->vlist[k]] >= 0)
				views[x->pos[x->vlist[k]]] = x->byai[x->vlist[k]];
		return s->n_order_a;
	}
	if (x->vis_some && x->pos_ok && s->order_a && scratch_same_model(x, m)) {
		x->note.order_new = agent_order_some(s, x, views);
		goto placed;
	}

	scratch_grow(&x->seen, &x->cap_seen, total, 1);
	memset(x->seen, 0, total);
	scratch_grow(&x->aname, &x->cap_aname, s->n_order_a, sizeof *x->aname);
	kept = agent_order_keep(s, x, m, views);
	x->note.order_all = kept == SIZE_MAX;
	if (kept == SIZE_MAX) {
		kept = 0;
		memset(x->seen, 0, total);
	}
	for (size_t i = 0; i < total; i++) {
		if (x->seen[i] || x->mn[i] < 0)
			continue;
		scratch_grow(&x->tmp, &x->cap_tmp, nnew + 1, sizeof *x->tmp);
		x->tmp[nnew].v = x->byai[i];
		x->tmp[nnew++].ai = i;
	}
	x->note.order_new = nnew;
	scratch_grow(&s->order_a, &s->cap_order_a, kept + nnew, sizeof *s->order_a);
	if (nnew) {
		qsort(x->tmp, nnew, sizeof *x->tmp, by_tmp_name);
		agent_order_merge(s, x, views, kept, nnew);
	}
	s->n_order_a = kept + nnew;
placed:
	/* the first build's room for every agent (half a MB on a big centre)
	 * is not kept for the few that log in at a time later */
	if (x->cap_tmp > 1024 && x->note.order_new * 8 < x->cap_tmp) {
		free(x->tmp);
		x->tmp = NULL;
		x->cap_tmp = 0;
	}
	scratch_grow(&x->aname, &x->cap_aname, s->n_order_a, sizeof *x->aname);
	scratch_grow(&x->pos, &x->cap_pos, total, sizeof *x->pos);
	for (size_t i = 0; i < s->n_order_a; i++) {
		x->aname[i] = views[i].name;
		x->pos[s->order_a[i]] = (uint32_t)i;
	}
	x->pos_n = total;
	x->pos_ok = true;
	return s->n_order_a;
}

static int by_off_name(const void *a, const void *b)
{
	return name_cmp(((const struct agent_off *)a)->name, ((const struct agent_off *)b)->name);
}

/* Keeps the agents of the last build's x->offs still logged off (x->off_since
 * not INT64_MIN), in their order and with their time now, taking them out of
 * off_since; returns how many, or SIZE_MAX when that order no longer holds
 * (names renumbered, another model). */
static size_t agents_off_keep(struct snap_scratch *x, const struct model *m)
{
	size_t n = model_agent_count(m), kept = 0;
	if (!x->offs_ok || !scratch_same_model(x, m))
		return SIZE_MAX;
	for (size_t k = 0; k < x->n_offs; k++) {
		struct agent_off o = x->offs[k];
		if (o.ai >= n || o.name != model_agent_name(m, o.ai))
			return SIZE_MAX;
		if (x->off_since[o.ai] == INT64_MIN)
			continue;                       /* logged in since, or a new day */
		o.since = x->off_since[o.ai];
		x->off_since[o.ai] = INT64_MIN;
		x->offs[kept++] = o;
	}
	return kept;
}

/* Since when model agent ai is logged off today (INT64_MIN: it is not). */
static int64_t agent_off_since(const struct snap_scratch *x, const struct model *m, size_t ai)
{
	int64_t since;
	return x->mn[ai] < 0 && model_agent_off_today(m, ai, &since) ? since : INT64_MIN;
}

/* Whether the last build's x->offs and x->off_since hold but for the agents
 * this build's visit went to: an agent logs in or off, or off again, only
 * by an event naming it (which marks it: visited), the day the same. */
static bool agents_off_hold(const struct snap_scratch *x, const struct model *m, size_t n)
{
	return x->vis_some && x->offs_ok && x->off_day == model_day_start(m) && x->off_n <= n &&
	       scratch_same_model(x, m);
}

/* agents_off_hold: the visited agents' changes into x->off_since, offs
 * left with the agents still off since the same time; those now off (or
 * since another time) into offs_new. Returns how many offs kept. */
static size_t agents_off_changes(struct snap_scratch *x, const struct model *m, size_t n,
                                 size_t *nnew)
{
	size_t kept = 0, gone = 0;
	for (size_t ai = x->off_n; ai < n; ai++)
		x->off_since[ai] = INT64_MIN;
	for (size_t k = 0; k < x->visited; k++) {
		size_t ai = x->vlist[k];
		int64_t was = x->off_since[ai], now = agent_off_since(x, m, ai);
		if (now == was)
			continue;
		gone += was != INT64_MIN;
		x->off_since[ai] = now;
		if (now == INT64_MIN)
			continue;
		scratch_grow(&x->offs_new, &x->cap_offs_new, *nnew + 1, sizeof *x->offs_new);
		x->offs_new[(*nnew)++] = (struct agent_off){ ai, model_agent_name(m, ai), now };
	}
	if (!gone)
		return x->n_offs;
	for (size_t k = 0; k < x->n_offs; k++)
		if (x->off_since[x->offs[k].ai] == x->offs[k].since)
			x->offs[kept++] = x->offs[k];
	return kept;
}

/* Puts the agents logged off today in x->offs, in natural order of their
 * names (natural order), and returns how many: only those not logged
 * in at the visit are looked at, the last build's order is kept and the
 * agents logged off since sorted and merged in (not the day's whole list
 * sorted each tick); when the visit went to some agents only, only they
 * are looked at (agents_off_hold). */
static size_t agents_off_order(struct snapshot *s, const struct model *m)
{
	struct snap_scratch *x = scratch_of(s);
	size_t n = model_agent_count(m), kept, nnew = 0, i, j, k;

	scratch_grow(&x->off_since, &x->cap_off_since, n, sizeof *x->off_since);
	if (agents_off_hold(x, m, n)) {
		kept = agents_off_changes(x, m, n, &nnew);
		x->note.off_all = false;
		goto merge;
	}
	for (size_t ai = 0; ai < n; ai++)
		x->off_since[ai] = agent_off_since(x, m, ai);
	kept = agents_off_keep(x, m);
	x->note.off_all = kept == SIZE_MAX;
	if (kept == SIZE_MAX) {
		kept = 0;
		x->n_offs = 0;
	}
	for (size_t ai = 0; ai < n; ai++) {
		if (x->off_since[ai] == INT64_MIN)
			continue;
		scratch_grow(&x->offs_new, &x->cap_offs_new, nnew + 1, sizeof *x->offs_new);
		x->offs_new[nnew++] = (struct agent_off){ ai, model_agent_name(m, ai),
		                                          x->off_since[ai] };
	}
	/* (agents_off_keep took the kept ones' out of off_since: back) */
	for (k = 0; k < kept; k++)
		x->off_since[x->offs[k].ai] = x->offs[k].since;
merge:
	x->note.off_new = nnew;
	scratch_grow(&x->offs, &x->cap_offs, kept + nnew, sizeof *x->offs);
	if (nnew > 1)                             /* (none: no array to sort) */
		qsort(x->offs_new, nnew, sizeof *x->offs_new, by_off_name);
	/* offs_new[0..nnew) sorted; offs[0..kept) kept: merged from the top, each
	 * new one's place found by bisection, the runs after it moved whole */
	for (i = kept, j = nnew, k = kept + nnew; j > 0; j--) {
		size_t up = name_upper(x->offs, sizeof *x->offs, offsetof(struct agent_off, name), 0, i,
		                       x->offs_new[j - 1].name);
		memmove(x->offs + k - (i - up), x->offs + up, (i - up) * sizeof *x->offs);
		k -= i - up;
		i = up;
		x->offs[--k] = x->offs_new[j - 1];
	}
	x->n_offs = kept + nnew;
	x->offs_ok = true;
	x->off_n = n;
	x->off_day = model_day_start(m);
	return x->n_offs;
}

/* Appends the agents logged off today after the logged-in ones, then fills
 * every agent's figures (agent_stats.h). */
static void agents_off_fill(struct snapshot *s, const struct model *m, const size_t *rank)
{
	struct snap_scratch *x = scratch_of(s);
	struct agent_off *off;
	size_t *ai;

	s->n_agents_off = agents_off_order(s, m);
	scratch_grow(&x->ai, &x->cap_ai, s->n_agents + s->n_agents_off + 1, sizeof *x->ai);
	off = x->offs;
	ai = x->ai;
	memcpy(ai, s->order_a, s->n_agents * sizeof *ai);
	for (size_t k = 0, i = s->n_agents; k < s->n_agents_off; k++, i++) {
		s->agents[i] = (struct agent_view){ .name = off[k].name, .since = off[k].since,
			.state = (enum agent_state)AGENT_LOGGED_OFF };
		s->agent_n_queues[i] = 0;
		s->agent_queues[i] = NULL;
		ai[i] = off[k].ai;
	}
	s->agent_slot = ai;                 /* each agent's figures at its model index */
	agent_stats_fill(s, m, ai, rank);
}

/* The agents in name order with their queues (agents_visit first), then
 * those logged off today and every agent's figures. */
static void fill_agents(struct snapshot *s, const struct model *m, const size_t *rank)
{
	size_t n = model_agent_count(m);
	struct snap_scratch *x = scratch_of(s);

	agents_reserve(s, n ? n : 1);
	s->n_agents = agent_order(s, m, s->agents);
	for (size_t i = 0; i < s->n_agents; i++) {   /* the pool has stopped moving */
		size_t ai = s->order_a[i];
		s->agent_n_queues[i] = x->mn[ai];
		s->agent_queues[i] = s->member_pool ? s->member_pool + x->moff[ai] : NULL;
	}
	agents_off_fill(s, m, rank);
}

static int callers_wanted(const struct model *m, size_t qi)
{
	int w = model_queue_waiting(m, qi);
	return w < 0 ? 0 : w > SNAP_MAX_CALLERS ? SNAP_MAX_CALLERS : w;
}

/* Room for a queue with w callers: a power of two from 4 up to
 * SNAP_MAX_CALLERS, so a queue's slot is laid out again only when its
 * callers double. */
static int callers_room(int w)
{
	int cap = 4;
	while (cap < w && cap < SNAP_MAX_CALLERS)
		cap *= 2;
	return cap;
}

/* Whether the slots still fit: the same queues in the same order, each with
 * room for its callers, and not four times the room they need now in all
 * (a catch-up's queues wait far longer than a live centre's: its slots,
 * laid out again, leave room for what the board reads next). A queue whose
 * callers outgrew its slot gets a new one at the pool's end while the pool
 * has room (a queue crossing a power of two each tick or so on a big
 * centre: not every slot laid out again, and copied, for it). */
static bool callers_slots_hold(const struct snapshot *s, struct snap_scratch *x,
                               const struct model *m, const size_t *order)
{
	size_t need = 0;
	if (!x->cslot || x->n_cslot != s->n_queues || x->cslot_order_gen != s->order_gen ||
	    !scratch_same_model(x, m) || !s->caller_pool)
		return false;
	for (size_t i = 0; i < s->n_queues; i++) {
		int w = callers_wanted(m, order[i]), room = callers_room(w);
		struct caller_slot *c = &x->cslot[i];
		if (w > c->cap && x->cslot_room + (size_t)room > s->cap_callers)
			return false;
		if (w > c->cap) {                 /* its callers go with it */
			memcpy(s->caller_pool + x->cslot_room, s->caller_pool + c->off,
			       (size_t)c->n * sizeof *s->caller_pool);
			memcpy(x->csince + x->cslot_room, x->csince + c->off,
			       (size_t)c->n * sizeof *x->csince);
			c->off = x->cslot_room;
			c->cap = room;
			x->cslot_room += (size_t)room;
		}
		need += (size_t)room;
	}
	return x->cslot_room <= 4 * need;
}

/* Lays the queues' slots out in caller_pool afresh, none copied. */
/* A caller kept through a layout: its ID (in its slot's text) and since. */
struct caller_kept {
	const char *callerid;
	int64_t since;
};

/* The callers of the slots (x->cslot[0..n)), one after the other, in a new
 * array: what callers_layout keeps of the slots it moves. */
static struct caller_kept *callers_save(const struct snapshot *s, const struct snap_scratch *x,
                                        size_t n)
{
	size_t held = 0;
	struct caller_kept *v;
	for (size_t i = 0; i < n; i++)
		held += x->cslot[i].copied ? (size_t)x->cslot[i].n : 0;
	v = xmalloc((held ? held : 1) * sizeof *v);
	held = 0;
	for (size_t i = 0; i < n; i++) {
		const struct caller_slot *c = &x->cslot[i];
		for (int j = 0; c->copied && j < c->n; j++, held++)
			v[held] = (struct caller_kept){ s->caller_pool[c->off + (size_t)j].callerid,
			                                x->csince[c->off + (size_t)j] };
	}
	return v;
}

/* Puts the callers saved (callers_save) back in the slots laid out anew
 * (their IDs where they were, in their slot's text), those that still fit. */
static void callers_restore(struct snapshot *s, struct snap_scratch *x,
                            const struct caller_kept *v, const struct caller_slot *was, size_t n)
{
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		struct caller_slot *c = &x->cslot[i];
		if (!was[i].copied)
			continue;
		at += (size_t)was[i].n;
		if (was[i].n > c->cap || (was[i].n > 0 && !x->ctext[i].p))
			continue;                /* (no text: the pool shrank, the IDs freed) */
		for (int j = 0; j < was[i].n; j++) {
			const struct caller_kept *k = &v[at - (size_t)was[i].n + (size_t)j];
			s->caller_pool[c->off + (size_t)j].callerid = k->callerid;
			x->csince[c->off + (size_t)j] = k->since;
		}
		c->n = was[i].n;
		c->wgen = was[i].wgen;
		c->wpop = was[i].wpop;
		c->wpush = was[i].wpush;
		c->w = was[i].w;
		c->copied = true;
	}
}

static void callers_layout(struct snapshot *s, struct snap_scratch *x, const struct model *m,
                           const size_t *order)
{
	size_t need = 0;
	/* the same queues in the same order: their callers kept, moved to
	 * their new slots (a queue outgrowing its slot lays them all out) */
	bool keep = x->cslot && x->n_cslot == s->n_queues && x->cslot_order_gen == s->order_gen &&
	            scratch_same_model(x, m) && s->caller_pool;
	struct caller_kept *saved = keep ? callers_save(s, x, s->n_queues) : NULL;
	struct caller_slot *was = NULL;
	if (keep) {
		was = xmalloc((s->n_queues ? s->n_queues : 1) * sizeof *was);
		memcpy(was, x->cslot, s->n_queues * sizeof *was);
	}
	scratch_grow(&x->cslot, &x->cap_cslot, s->n_queues, sizeof *x->cslot);
	for (size_t i = 0; i < s->n_queues; i++) {
		x->cslot[i] = (struct caller_slot){ .off = need,
			.cap = callers_room(callers_wanted(m, order[i])) };
		need += (size_t)x->cslot[i].cap;
	}
	/* the pool sized again when it grows or holds twice what it needs (the
	 * callers' IDs then too: each made again as its slot is copied) */
	bool shrink = s->caller_pool && s->cap_callers > 2 * room_for(need);
	if (need > s->cap_callers || s->caller_pool == NULL || shrink) {
		s->cap_callers = room_for(need);
		s->caller_pool = xrealloc(s->caller_pool, s->cap_callers * sizeof *s->caller_pool);
		x->csince = xrealloc(x->csince, s->cap_callers * sizeof *x->csince);
	}
	for (size_t i = 0; shrink && i < x->cap_ctext; i++) {
		free(x->ctext[i].p);
		x->ctext[i] = (struct caller_text){ NULL, 0 };
	}
	if (s->n_queues > x->cap_ctext) {
		size_t cap = room_for(s->n_queues);
		x->ctext = xrealloc(x->ctext, cap * sizeof *x->ctext);
		memset(x->ctext + x->cap_ctext, 0, (cap - x->cap_ctext) * sizeof *x->ctext);
		x->cap_ctext = cap;
	}
	x->cslot_room = need;
	x->n_cslot = s->n_queues;
	x->cslot_order_gen = s->order_gen;
	if (keep)
		callers_restore(s, x, saved, was, s->n_queues);
	free(saved);
	free(was);
}

/* Copies the k callers of cv into slot c (whose waiting list is wgen). */
static void callers_copy(struct snapshot *s, struct snap_scratch *x, struct caller_slot *c,
                         const struct caller_view *cv, int k, uint32_t wgen)
{
	struct caller_text *t = &x->ctext[c - x->cslot];
	size_t len[SNAP_MAX_CALLERS], need = 0;
	char *w;
	for (int j = 0; j < k; j++) {          /* no printf per caller */
		len[j] = strnlen(cv[j].callerid ? cv[j].callerid : "", SNAP_CALLERID_LEN - 1);
		need += len[j] + 1;
	}
	if (need > t->cap) {
		t->cap = need + need / 4 + 16;
		t->p = xrealloc(t->p, t->cap);
	}
	w = t->p;
	for (int j = 0; j < k; j++) {
		struct snap_caller *p = &s->caller_pool[c->off + (size_t)j];
		if (len[j])
			memcpy(w, cv[j].callerid, len[j]);
		w[len[j]] = '\0';
		p->callerid = w;
		w += len[j] + 1;
		x->csince[c->off + (size_t)j] = cv[j].since;
	}
	c->n = k;
	c->wgen = wgen;
	c->copied = true;
	x->callers_copied += (size_t)k;
}

/* Slot c's waiting list as model queue qi has it now, when the calls that
 * left it since the copy all left from its head and those that came all
 * joined its tail (model_queue_waiting_moves; most ticks' changes): the
 * callers still there moved up in the slot, the new ones read from the
 * list's end (not the whole list walked, a cache miss a caller). False
 * (nothing done) when the moves do not account for every change, or the
 * slot lacks callers that now come first. */
static bool callers_move(struct snapshot *s, struct snap_scratch *x, const struct model *m,
                         size_t qi, struct caller_slot *c)
{
	struct caller_view cv[SNAP_MAX_CALLERS];
	struct caller_text *t = &x->ctext[c - x->cslot];
	uint32_t pop, push, gen = model_queue_waiting_gen(m, qi);
	int w = model_queue_waiting(m, qi), k, kept, a, got;
	size_t len[SNAP_MAX_CALLERS], from = 0, keep_bytes = 0, need;
	model_queue_waiting_moves(m, qi, &pop, &push);
	pop -= c->wpop;
	push -= c->wpush;
	if (!c->copied || gen - c->wgen != pop + push || pop > (uint32_t)SNAP_MAX_CALLERS * 4 ||
	    push > (uint32_t)SNAP_MAX_CALLERS || (int64_t)c->w + push - pop != w)
		return false;
	k = w < SNAP_MAX_CALLERS ? w : SNAP_MAX_CALLERS;
	k = k < c->cap ? k : c->cap;
	/* the list now is (the old list, then the push new)[pop ..]: the old
	 * ones still first are the slot's [pop, kept + pop) */
	kept = (int)pop < c->w ? c->w - (int)pop : 0;
	kept = kept < k ? kept : k;
	if (kept > 0 && (int)pop + kept > c->n)
		return false;
	a = (int)pop > c->w ? (int)pop - c->w : 0;      /* the first of the new ones still there */
	if (k - kept > 0) {
		got = model_queue_callers_last(m, qi, (int)push - a, cv);
		if (got != (int)push - a)
			return false;
	}
	if (kept > 0) {
		const struct snap_caller *p = &s->caller_pool[c->off + pop];
		const char *end = p[kept - 1].callerid;
		from = (size_t)(p[0].callerid - t->p);
		keep_bytes = (size_t)(end - p[0].callerid) + strlen(end) + 1;
	}
	need = keep_bytes;
	for (int j = 0; j < k - kept; j++) {
		len[j] = strnlen(cv[j].callerid ? cv[j].callerid : "", SNAP_CALLERID_LEN - 1);
		need += len[j] + 1;
	}
	if (kept > 0 && from)
		memmove(t->p, t->p + from, keep_bytes);
	if (need > t->cap) {
		t->cap = need + need / 4 + 16;
		t->p = xrealloc(t->p, t->cap);
	}
	if (kept > 0 && pop)
		memmove(x->csince + c->off, x->csince + c->off + pop, (size_t)kept * sizeof *x->csince);
	char *wp = t->p;
	for (int j = 0; j < k; j++) {
		struct snap_caller *p = &s->caller_pool[c->off + (size_t)j];
		if (j < kept) {
			p->callerid = wp;
			wp += strlen(wp) + 1;
			continue;
		}
		if (len[j - kept])
			memcpy(wp, cv[j - kept].callerid, len[j - kept]);
		wp[len[j - kept]] = '\0';
		p->callerid = wp;
		wp += len[j - kept] + 1;
		x->csince[c->off + (size_t)j] = cv[j - kept].since;
	}
	c->n = k;
	c->wgen = gen;
	c->w = w;
	c->wpop += pop;
	c->wpush += push;
	x->callers_copied += (size_t)(k - kept);
	return true;
}

/* Copies the callers of the queues at snapshot indexes idx[0..n) (n at most
 * MODEL_CALLERS_BATCH), their lists walked side by side. */
static void callers_batch(struct snapshot *s, struct snap_scratch *x, const struct model *m,
                          const size_t *order, const size_t *idx, size_t n)
{
	struct caller_view cv[MODEL_CALLERS_BATCH * SNAP_MAX_CALLERS];   /* 8 KB */
	size_t qs[MODEL_CALLERS_BATCH] = { 0 };   /* n set below; zeroed for -O2 warnings */
	int counts[MODEL_CALLERS_BATCH];
	for (size_t b = 0; b < n; b++)
		qs[b] = order[idx[b]];
	model_queues_callers(m, qs, n, SNAP_MAX_CALLERS, cv, counts);
	/* the IDs' bytes, all of the batch's at once (their misses overlap, not
	 * one after another in callers_copy): an ID may cross into the next line */
	for (size_t b = 0; b < n; b++)
		for (int j = 0; j < counts[b]; j++) {
			const char *id = cv[b * SNAP_MAX_CALLERS + (size_t)j].callerid;
			if (id) {
				__builtin_prefetch(id);
				__builtin_prefetch(id + SNAP_CALLERID_LEN - 1);
			}
		}
	for (size_t b = 0; b < n; b++) {
		struct caller_slot *c = &x->cslot[idx[b]];
		int k = counts[b] < c->cap ? counts[b] : c->cap;
		callers_copy(s, x, c, cv + b * SNAP_MAX_CALLERS, k, model_queue_waiting_gen(m, qs[b]));
		c->w = model_queue_waiting(m, qs[b]);
		model_queue_waiting_moves(m, qs[b], &c->wpop, &c->wpush);
	}
}

/* Puts each queue's waiting callers (up to SNAP_MAX_CALLERS) in s: copied
 * from the model only for the queues whose waiting list changed since the
 * last build (a batch at a time), the others' waits only moved on to now. */
static void fill_callers(struct snapshot *s, const struct model *m, const size_t *order)
{
	struct snap_scratch *x = scratch_of(s);
	int64_t now = model_now(m);
	size_t batch[MODEL_CALLERS_BATCH], nb = 0;

	x->callers_copied = 0;
	if (!callers_slots_hold(s, x, m, order))
		callers_layout(s, x, m, order);
	for (size_t i = 0; i < s->n_queues; i++) {
		struct caller_slot *c = &x->cslot[i];
		if (c->copied && c->wgen == model_queue_waiting_gen(m, order[i]))
			continue;
		if (callers_move(s, x, m, order[i], c))
			continue;
		batch[nb++] = i;
		if (nb == MODEL_CALLERS_BATCH) {
			callers_batch(s, x, m, order, batch, nb);
			nb = 0;
		}
	}
	if (nb)
		callers_batch(s, x, m, order, batch, nb);
	for (size_t i = 0; i < s->n_queues; i++) {
		struct snap_queue *q = &s->queues[i];
		struct caller_slot *c = &x->cslot[i];
		q->callers = s->caller_pool + c->off;
		q->n_callers = c->n;
		for (int j = 0; j < c->n; j++) {
			int64_t since = x->csince[c->off + (size_t)j];
			s->caller_pool[c->off + (size_t)j].waiting_s =
			        since == INT64_MIN || since > now ? 0 : now - since;
		}
	}
	s->total.n_callers = 0;
	s->total.callers = NULL;
}

size_t snapshot_callers_copied(const struct snapshot *s)
{
	return s->scratch ? s->scratch->callers_copied : 0;
}

struct derived snapshot_interval_derived(const struct snap_queue *q, const struct interval *iv)
{
	struct counts c = { .offered = iv->offered, .answered = iv->answered,
		.answered_within_sl = iv->answered_within_sl, .abandoned = iv->abandoned,
		.abandoned_short = iv->abandoned_short,
		.abandoned_within_sl = iv->abandoned_within_sl };
	return metrics_derive(&c, q->sl_formula, 0);
}

/* Which interval figure each grading watches (SNAP_IV_SL, SNAP_IV_ABANDON),
 * -1 none: found once a build, not once per queue. */
static void interval_watch(const struct fig_grading *g, size_t n, int *which)
{
	for (size_t k = 0; k < n; k++) {
		const char *key;
		which[k] = -1;
		if (!g[k].f)
			continue;
		figure_group(g[k].f, &key);
		if (strcmp(key, "service_level_pct") == 0)
			which[k] = SNAP_IV_SL;
		else if (strcmp(key, "abandon_rate_pct") == 0)
			which[k] = SNAP_IV_ABANDON;
	}
}

/* Grades today's intervals of q (the trend) from `from` on as the gradings
 * grade the SL and abandon rate they watch (which: interval_watch), each
 * interval on its own calls; those before q->iv_first are not held (empty:
 * SEV_OK). */
static void grade_intervals(struct snap_queue *q, const struct fig_grading *g, size_t n,
                            const int *which, int from)
{
	int first = q->iv_first;
	from = from > first ? from : first;
	if (q->n_intervals > from) {
		memset(q->interval_grade[SNAP_IV_SL] + (from - first), SEV_OK,
		       (size_t)(q->n_intervals - from));
		memset(q->interval_grade[SNAP_IV_ABANDON] + (from - first), SEV_OK,
		       (size_t)(q->n_intervals - from));
	}
	for (size_t k = 0; k < n; k++) {
		if (which[k] < 0)
			continue;
		for (int i = from; i < q->n_intervals; i++) {
			const struct interval *iv = &q->intervals[i - first];
			struct derived d;
			if (iv->offered < g[k].min_offered)
				continue;
			d = snapshot_interval_derived(q, iv);
			q->interval_grade[which[k]][i - first] = (unsigned char)figure_grade_levels(&g[k],
			        q, which[k] == SNAP_IV_SL ? d.service_level_pct : d.abandon_rate_pct);
		}
	}
}

/* Whether gradings a[0..na) and b[0..nb) grade alike. */
static bool gradings_same(const struct fig_grading *a, size_t na, const struct fig_grading *b,
                          size_t nb)
{
	if (na != nb)
		return false;
	for (size_t k = 0; k < na; k++) {
		if (a[k].f != b[k].f || a[k].op != b[k].op || a[k].min_offered != b[k].min_offered)
			return false;
		for (int lv = 0; lv < 3; lv++)
			if (a[k].level[lv].set != b[k].level[lv].set ||
			    a[k].level[lv].target != b[k].level[lv].target ||
			    memcmp(&a[k].level[lv].v, &b[k].level[lv].v, sizeof a[k].level[lv].v) != 0)
				return false;
	}
	return true;
}

/* snapshot_grade, but for the first from[i] intervals of queue i (NULL:
 * none) whose grades the last build made with the same gradings (x: the
 * build's scratch, or NULL). */
static void grade_queues(struct snapshot *s, const struct config *cfg, struct snap_scratch *x,
                         const int *from)
{
	struct fig_grading *g = s->gradings;
	size_t n = 0;
	int which[SNAP_MAX_GRADINGS];

	if (cfg && cfg->alert_rules)
		n = alert_rules_gradings(cfg->alert_rules, g, SNAP_MAX_GRADINGS);
	else
		for (; n < figure_builtins_count && n < SNAP_MAX_GRADINGS; n++)
			g[n] = figure_builtin_grading(&figure_builtins[n]);
	s->n_gradings = n;
	if (x && !gradings_same(x->iv_g, x->iv_ng, g, n))
		from = NULL;
	interval_watch(g, n, which);
	for (size_t i = 0; i < s->n_queues; i++) {
		figures_grade_queue(&s->queues[i], g, n);
		grade_intervals(&s->queues[i], g, n, which, from ? from[i] : 0);
	}
	figures_grade_queue(&s->total, g, n);
	grade_intervals(&s->total, g, n, which, 0);
	for (size_t i = 0; i < s->n_groups; i++) {
		figures_grade_queue(&s->groups[i].q, g, n);
		grade_intervals(&s->groups[i].q, g, n, which, 0);
	}
	if (x) {
		memcpy(x->iv_g, g, n * sizeof *g);
		x->iv_ng = n;
	}
}

void snapshot_grade(struct snapshot *s, const struct config *cfg)
{
	grade_queues(s, cfg, NULL, NULL);
}

/* Puts the model's n queues in s->order_q in natural order of their names.
 * Names only come (the model numbers a new queue after the others) until the
 * model forgets some: the last order is kept while its names are, the new
 * queues sorted and merged in. */
static void queue_order(struct snapshot *s, const struct model *m, size_t n)
{
	struct snap_scratch *x = scratch_of(s);
	size_t old = s->n_order_q, i = 0, j, k = 0;
	bool keep = s->order_q && old <= n && scratch_same_model(x, m);

	for (size_t q = 0; keep && q < old; q++)
		keep = s->order_q[q] < old && model_queue_name(m, s->order_q[q]) == x->qname[q];
	if (!keep)
		old = 0;
	if (old == n && s->order_q)
		return;
	x->note.queues_ordered = true;
	s->order_gen++;
	s->order_q = xrealloc(s->order_q, (n ? n : 1) * sizeof *s->order_q);
	scratch_grow(&x->merged, &x->cap_merged, n, sizeof *x->merged);
	for (size_t q = old; q < n; q++)        /* the new ones, by index */
		x->merged[q - old] = q;
	sort_model = m;
	qsort(x->merged, n - old, sizeof *x->merged, by_queue_name);
	/* merged[0..n-old) new, sorted; order_q[0..old) kept: merge from the top */
	i = old;
	j = n - old;
	k = n;
	while (j > 0) {
		if (i > 0 && name_cmp(model_queue_name(m, s->order_q[i - 1]),
		                      model_queue_name(m, x->merged[j - 1])) > 0)
			s->order_q[--k] = s->order_q[--i];
		else
			s->order_q[--k] = x->merged[--j];
	}
	s->n_order_q = n;
	scratch_grow(&x->qname, &x->cap_qname, n, sizeof *x->qname);
	for (size_t q = 0; q < n; q++)
		x->qname[q] = model_queue_name(m, s->order_q[q]);
}

/* The orders just made hold for this model, with its names numbered as now. */
static void scratch_same_model_note(struct snapshot *s, const struct model *m)
{
	struct snap_scratch *x = scratch_of(s);
	struct model_stats st = model_stats(m);
	x->m = m;
	x->forgotten_queues = st.forgotten_queues;
	x->forgotten_agents = st.forgotten_agents;
	x->compares = sort_compares;
}

void snapshot_build(struct snapshot *s, const struct model *m, const struct config *cfg)
{
	size_t n = model_queue_count(m);
	struct snap_scratch *x = scratch_of(s);
	const size_t *order;
	size_t *rank, room = s->iv_room;
	struct agent_counts *ac, total;
	bool iv_keep, iv_kept, iv_moved;
	int64_t longest = 0;         /* the queues' longest wait ... */
	int waiting = 0;             /* ... and their callers waiting */
	int ni = 0;                  /* the model's intervals today */

	scratch_grow(&x->rank, &x->cap_rank, n, sizeof *x->rank);
	scratch_grow(&x->ac, &x->cap_ac, n, sizeof *x->ac);
	rank = x->rank;
	ac = x->ac;

	sort_compares = 0;
	x->note = (struct build_note){ .n_queues = n, .n_agents = model_agent_count(m),
	                               .day = model_day_start(m), .iv_epoch = model_intervals_epoch(m) };
	queue_order(s, m, n);
	order = s->order_q;
	for (size_t i = 0; i < n; i++)
		rank[order[i]] = i;
	agents_visit(s, m, rank, n, ac, &x->total);
	total = x->total;

	if (n > s->n_queues || s->queues == NULL)
		s->queues = xrealloc(s->queues, (n ? n : 1) * sizeof *s->queues);
	s->n_queues = n;
	iv_moved = intervals_layout(s, m, cfg, n);
	/* the intervals where the last build graded them (a day's closed ones
	 * do not change): only those that did graded again */
	iv_keep = x->iv_graded && !s->only && s->iv_room >= room && !iv_moved;
	scratch_grow(&x->iv_same, &x->cap_iv_same, n, sizeof *x->iv_same);
	iv_kept = iv_keep && scratch_same_model(x, m);
	if (n)
		model_queue_intervals_from(m, 0, &(int){0}, &ni);   /* the count: nothing copied */
	for (size_t i = 0; i < n; i++) {
		bool keep = iv_keep && i < x->iv_n;
		queues_prefetch(s, m, order, i, ni);
		x->iv_same[i] = 0;
		fill_queue(&s->queues[i], m, order[i], &ac[order[i]], keep ? &x->iv_same[i] : NULL,
		           keep && iv_kept && x->iv_qi[i] == order[i]
		           ? model_queue_intervals_kept(m, order[i], x->iv_epoch) : 0);
		longest = s->queues[i].longest_wait_s > longest ? s->queues[i].longest_wait_s : longest;
		waiting += s->queues[i].waiting;
	}
	scratch_grow(&x->iv_qi, &x->cap_iv_qi, n, sizeof *x->iv_qi);
	memcpy(x->iv_qi, order, n * sizeof *order);
	x->iv_epoch = model_intervals_epoch(m);
	fill_total(s, m, cfg, &total, waiting, longest,
	           iv_keep && n > 0 && n == x->iv_n && s->iv_room == room ? ints_min(x->iv_same, n) : 0);
	fill_callers(s, m, order);
	fill_agents(s, m, rank);
	groups_fill(s, m, cfg, order);
	groups_restrict(s);
	staff_avail_note(s, order, s->only ? 0 : n);
	grade_queues(s, cfg, x, s->only ? NULL : x->iv_same);
	x->iv_graded = !s->only;
	x->iv_n = n;
	s->as_of = model_now(m);
	s->day_start = model_day_start(m);
	s->window_s = cfg->window_s;
	s->stats = model_stats(m);
	s->site = cfg->site;
	s->cfg = cfg;
	if (!x->sla_set || x->sla_pct != cfg->defaults.sl_target_pct ||
	    x->sla_thr != cfg->defaults.sl_threshold_s) {   /* a printf of a double: not each tick */
		snprintf(s->sla, sizeof s->sla, "%g/%d", cfg->defaults.sl_target_pct,
		         cfg->defaults.sl_threshold_s);
		x->sla_pct = cfg->defaults.sl_target_pct;
		x->sla_thr = cfg->defaults.sl_threshold_s;
		x->sla_set = true;
	}
	staffing_fill(s);    /* again once a history is handed over (its forecast first) */
	scratch_same_model_note(s, m);
}

void snapshot_free(struct snapshot *s)
{
	for (size_t i = 0; i < s->cap_groups; i++)
		free(s->groups[i].members);
	free(s->groups);
	free(s->queues);
	free(s->agents);
	free(s->agent_queues);
	free(s->agent_n_queues);
	free(s->agent_figs);
	s->agent_slot = NULL;               /* (the scratch's) */
	free(s->agent_figs_pool);
	agent_stats_fill_free(s);
	free(s->caller_pool);
	free(s->member_pool);
	free(s->iv_pool);
	free(s->ivg_pool);
	free(s->order_q);
	free(s->order_a);
	groups_cache_free(s->groups_cache);
	staffing_cache_free(s->staff_cache);
	if (s->scratch) {
		free(s->scratch->qname);
		free(s->scratch->aname);
		free(s->scratch->seen);
		free(s->scratch->tmp);
		free(s->scratch->merged);
		free(s->scratch->rank);
		free(s->scratch->ac);
		free(s->scratch->aq);
		free(s->scratch->ai);
		free(s->scratch->offs);
		free(s->scratch->offs_new);
		free(s->scratch->off_since);
		free(s->scratch->cslot);
		free(s->scratch->csince);
		for (size_t i = 0; i < s->scratch->cap_ctext; i++)
			free(s->scratch->ctext[i].p);
		free(s->scratch->ctext);
		free(s->scratch->byai);
		free(s->scratch->moff);
		free(s->scratch->mn);
		free(s->scratch->avail_m);
		free(s->scratch->avail);
		free(s->scratch->mcap);
		free(s->scratch->wake);
		free(s->scratch->iv_same);
		free(s->scratch->iv_qi);
		free(s->scratch->vlist);
		free(s->scratch->pos);
		free(s->scratch);
	}
	memset(s, 0, sizeof *s);
}

/* The record of v[0..n) (each size bytes, in natsort_cmp order of the name
 * pointer at name_at, NULL reading as "") called name, or -1. natsort_cmp
 * may tie names that differ ("q01", "q1"): those ties are looked through. */
static long name_find(const void *v, size_t size, size_t name_at, size_t n, const char *name)
{
	size_t lo = 0, hi = n;
	const char *at;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		memcpy(&at, (const char *)v + mid * size + name_at, sizeof at);
		if (natsort_cmp(at, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n; lo++) {
		memcpy(&at, (const char *)v + lo * size + name_at, sizeof at);
		if (natsort_cmp(at, name) != 0)
			break;
		if (at && strcmp(at, name) == 0)
			return (long)lo;
	}
	return -1;
}

long snapshot_queue_find(const struct snapshot *s, const char *name)
{
	return name_find(s->queues, sizeof *s->queues, offsetof(struct snap_queue, name),
	                 s->n_queues, name);
}

long snapshot_agent_find(const struct snapshot *s, const char *name)
{
	return name_find(s->agents, sizeof *s->agents, offsetof(struct agent_view, name),
	                 s->n_agents, name);
}

const struct snap_member *snapshot_agent_in(const struct snapshot *s, size_t ai, size_t qi)
{
	if (ai >= s->n_agents || s->agent_queues == NULL)
		return NULL;
	for (int k = 0; k < s->agent_n_queues[ai]; k++)
		if (s->agent_queues[ai][k].queue == (int)qi)
			return &s->agent_queues[ai][k];
	return NULL;
}

/* ---- JSON ----------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. */
static size_t utf8_seq(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f))
			return 0;               /* overlong, or a surrogate */
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/* A JSON string of text from outside (queue and agent names come from the
 * log as bytes): invalid UTF-8 becomes U+FFFD so nothing is dropped. */
static json_t *jstr(const char *text)
{
	json_t *j = json_string(text ? text : "");
	if (j)
		return j;
	size_t n = strlen(text);
	char *clean = xmalloc(n * 3 + 1), *w = clean;
	for (const unsigned char *r = (const unsigned char *)text; *r;) {
		size_t k = utf8_seq(r);
		if (k == 0) {
			memcpy(w, "\xEF\xBF\xBD", 3);
			w += 3;
			r++;
		} else {
			memcpy(w, r, k);
			w += k;
			r += k;
		}
	}
	*w = '\0';
	j = json_string(clean);
	free(clean);
	return j ? j : json_string("");
}

/* A figure rounded to 2 decimals, or null. */
static json_t *jfig(double v)
{
	if (isnan(v) || isinf(v))
		return json_null();
	return json_real(round(v * 100.0) / 100.0);
}

/* One figure's value: an integer, or a number rounded to 2 decimals or null. */
static json_t *json_figure(const struct figure *f, const struct snap_queue *q)
{
	double v = figure_value(f, q);
	return f->type == FIG_REAL ? jfig(v) : json_integer((json_int_t)v);
}

/* The object of group g ("today", ...) in o, made on first use; window_s
 * leads the window's. */
static json_t *json_group(json_t *o, const char *g, int window_s)
{
	json_t *sub;
	if (!*g)
		return o;
	if ((sub = json_object_get(o, g)) != NULL)
		return sub;
	sub = json_object();
	if (strcmp(g, "window") == 0)
		json_object_set_new(sub, "seconds", json_integer(window_s));
	json_object_set_new(o, g, sub);
	return sub;
}

/* Every figure of the catalogue, each in its group ("window.asa_s" as
 * "window": {"asa_s": ...}). */
static void json_figures(json_t *o, const struct snap_queue *q, int window_s)
{
	for (size_t i = 0; i < figures_count; i++) {
		const struct figure *f = &figures[i];
		const char *key, *group;
		if (f->flags & FIG_NOJSON)
			continue;
		group = figure_group(f, &key);
		json_object_set_new(json_group(o, group, window_s), key, json_figure(f, q));
	}
}

/* The grade of each graded figure, by the figure's name. */
static json_t *json_grades(const struct snapshot *s, const struct snap_queue *q)
{
	json_t *o = json_object();
	for (size_t i = 0; i < s->n_gradings; i++) {
		const struct figure *f = s->gradings[i].f;
		if (f)
			json_object_set_new(o, f->name, json_string(alert_severity_name(
			                    (enum alert_severity)q->grade[figure_index(f)])));
	}
	return o;
}

/* The waiting callers of q, longest first. */
static json_t *json_callers(const struct snap_queue *q)
{
	json_t *a = json_array();
	for (int i = 0; i < q->n_callers; i++)
		json_array_append_new(a, json_pack("{s:o, s:I}", "callerid", jstr(q->callers[i].callerid),
		                                   "waiting_s", (json_int_t)q->callers[i].waiting_s));
	return a;
}

static json_t *json_queue(const struct snapshot *s, const struct snap_queue *q, bool is_total)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", jstr(q->name));
	if (q->display && strcmp(q->display, q->name) != 0)
		json_object_set_new(o, "display", jstr(q->display));
	json_figures(o, q, s->window_s);
	json_object_set_new(o, "grades", json_grades(s, q));
	json_object_set_new(o, "sl_threshold_s", json_integer(q->sl_threshold_s));
	json_object_set_new(o, "sl_target_pct", json_real(q->sl_target_pct));
	json_object_set_new(o, "sl_formula", json_string(config_sl_formula_name(q->sl_formula)));
	if (!is_total)
		json_object_set_new(o, "callers", json_callers(q));
	if (!is_total)
		json_object_set_new(o, "staffing", staffing_json(&q->staffing));
	return o;
}

/* Each group as a queue entry, plus the names of its queues. */
static json_t *json_groups(const struct snapshot *s)
{
	json_t *a = json_array();
	for (size_t i = 0; i < s->n_groups; i++) {
		const struct snap_group *g = &s->groups[i];
		json_t *o = json_queue(s, &g->q, true), *names = json_array();
		for (size_t k = 0; k < g->n_members; k++)
			json_array_append_new(names, jstr(s->queues[g->members[k]].name));
		json_object_set_new(o, "queues", names);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_alert(const struct snap_alert *a)
{
	if (strncmp(a->queue, "agent:", 6) == 0)       /* a rule on agents: whose */
		return json_pack("{s:o, s:o, s:o, s:s, s:I, s:o, s:o, s:b}",
		                 "rule", jstr(a->rule), "queue", jstr(a->queue),
		                 "agent", jstr(a->queue + 6),
		                 "severity", alert_severity_name(a->severity), "since",
		                 (json_int_t)a->since, "value", jfig(a->value),
		                 "message", jstr(a->message), "acknowledged", a->acknowledged);
	return json_pack("{s:o, s:o, s:s, s:I, s:o, s:o, s:b}",
	                 "rule", jstr(a->rule), "queue", jstr(a->queue),
	                 "severity", alert_severity_name(a->severity), "since", (json_int_t)a->since,
	                 "value", jfig(a->value), "message", jstr(a->message),
	                 "acknowledged", a->acknowledged);
}

static json_t *json_source(const struct snap_source *src)
{
	json_t *o = json_pack("{s:o, s:s, s:s, s:I, s:I, s:I, s:I}",
	                      "name", jstr(src->name), "kind", src->kind ? src->kind : "?",
	                      "state", source_state_name(src->state),
	                      "lines", (json_int_t)src->lines, "bad_lines", (json_int_t)src->bad_lines,
	                      "ignored_events", (json_int_t)src->ignored_events,
	                      "bytes", (json_int_t)src->bytes);
	if (src->detail[0])
		json_object_set_new(o, "detail", jstr(src->detail));
	if (src->clients)
		json_object_set_new(o, "clients", json_integer(src->clients));
	return o;
}

/* A queue only contact events name: zero voice figures (SPEC 6.4). */
static void contact_queue_fill(const struct snapshot *s, const char *name, struct snap_queue *q)
{
	struct queue_conf qc = config_queue(s->cfg, name);
	memset(q, 0, sizeof *q);
	q->name = name;
	q->display = qc.display ? qc.display : name;
	q->today.d = metrics_derive(&q->today.c, qc.sl_formula, qc.wrapup_s);
	q->window.d = metrics_derive(&q->window.c, qc.sl_formula, qc.wrapup_s);
	q->sl_threshold_s = qc.sl_threshold_s;
	q->sl_target_pct = qc.sl_target_pct;
	q->sl_formula = qc.sl_formula;
	q->wrapup_s = qc.wrapup_s;
}

static json_t *json_contact_queue(void *ctx, const char *name)
{
	const struct snapshot *s = ctx;
	struct snap_queue q;
	if (!s->cfg)
		return NULL;
	contact_queue_fill(s, name, &q);
	return json_queue(s, &q, false);
}

/* The keys after the queues, total and groups: alerts, sources, contacts, input. */
/* The keys after the queues: alerts (when asked), sources, then agents and
 * contacts (json_rest), then history and input (json_rest_tail). */
static void json_rest_head(const struct snapshot *s, json_t *root, bool alerts)
{
	json_t *src = json_array();
	if (alerts) {
		json_t *al = json_array();
		for (size_t i = 0; i < s->n_alerts; i++)
			json_array_append_new(al, json_alert(s->alerts[i]));
		json_object_set_new(root, "alerts", al);
	}
	for (size_t i = 0; i < s->n_sources; i++)
		json_array_append_new(src, json_source(&s->sources[i]));
	json_object_set_new(root, "sources", src);
}

static void json_rest_tail(const struct snapshot *s, json_t *root);

/* agents false: the caller writes them by hand after "sources". */
static void json_rest(const struct snapshot *s, json_t *root, bool alerts, bool agents)
{
	json_rest_head(s, root, alerts);
	if (agents)
		json_object_set_new(root, "agents", agent_stats_json(s));
	if (s->contacts)
		contacts_json(s->contacts, root, json_contact_queue, (void *)s);
	json_rest_tail(s, root);
}

static void json_rest_tail(const struct snapshot *s, json_t *root)
{
	if (s->history)
		history_json(s->history, root, s->as_of);
	json_object_set_new(root, "input", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	                    "events", (json_int_t)s->stats.events,
	                    "duplicates", (json_int_t)s->stats.duplicates,
	                    "stale_dropped", (json_int_t)s->stats.stale_dropped,
	                    "future_lines", (json_int_t)s->stats.future_lines,
	                    "cap_refused", (json_int_t)(s->stats.queue_cap_lines +
	                                                s->stats.agent_cap_lines),
	                    "forgotten_queues", (json_int_t)s->stats.forgotten_queues,
	                    "forgotten_agents", (json_int_t)s->stats.forgotten_agents));
}

static json_t *snapshot_json(const struct snapshot *s, bool agents)
{
	json_t *root = json_object(), *qs = json_array();
	json_object_set_new(root, "as_of", json_integer(s->as_of));
	for (size_t i = 0; i < s->n_queues; i++)
		json_array_append_new(qs, json_queue(s, &s->queues[i], false));
	json_object_set_new(root, "queues", qs);
	json_object_set_new(root, "total", json_queue(s, &s->total, true));
	if (s->n_groups)
		json_object_set_new(root, "groups", json_groups(s));
	json_rest(s, root, true, agents);
	return root;
}

#define JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15) | JSON_ENSURE_ASCII)

/* Writes n bytes at p and a flush; returns 0 or -1 with errno set. */
static int json_out(FILE *out, const char *p, size_t n)
{
	errno = 0;
	if (fwrite(p, 1, n, out) != n || fflush(out) == EOF) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

int snapshot_write_json_ref(const struct snapshot *s, FILE *out)
{
	json_t *root = snapshot_json(s, true);
	char *text = json_dumps(root, JSON_FLAGS);
	int rc;
	json_decref(root);
	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	size_t n = strlen(text);
	text[n] = '\n';      /* json_dumps leaves room: overwrite the NUL, write n + 1 */
	rc = json_out(out, text, n + 1);
	free(text);
	return rc;
}

/* Appends ,"staffing":[...] of queue q (as json_queue writes it). */
static void jbuf_staffing(struct jbuf *b, const struct snap_queue *q)
{
	jbuf_puts(b, ",\"staffing\":");
	jbuf_staffing_list(b, &q->staffing);
}

/* Whether the queues can be written by hand: nothing but the snapshot's own
 * keys in them (the contacts and a typical day add theirs to each queue). */
static bool json_by_hand(const struct snapshot *s)
{
	return !history_has_typical(s->history);
}

/* Appends ",KEYS" of object o dumped (nothing when it has none); frees o.
 * Returns false without memory. */
static bool jbuf_object_keys(struct jbuf *b, json_t *o)
{
	char *text = json_dumps(o, JSON_FLAGS);
	json_decref(o);
	if (!text)
		return false;
	size_t n = strlen(text);
	if (n > 2) {                             /* "{...}": its keys after ours */
		jbuf_put(b, ",", 1);
		jbuf_put(b, text + 1, n - 2);
	}
	free(text);
	return true;
}

/* The queues array; with contacts, each queue's and the queues only they name. */
static void jbuf_queues(struct jbuf *b, const struct snapshot *s, struct ct_jout *cj)
{
	size_t n = s->n_queues + (cj ? ct_jout_queue_count(cj) : 0);
	long *order = xmalloc((n ? n : 1) * sizeof *order);
	const char **names = xmalloc((s->n_queues ? s->n_queues : 1) * sizeof *names);
	for (size_t i = 0; i < s->n_queues; i++) {
		names[i] = s->queues[i].name;
		order[i] = (long)i;
	}
	n = cj ? ct_jout_order(cj, names, s->n_queues, s->cfg != NULL, order) : s->n_queues;
	for (size_t k = 0; k < n; k++) {
		struct snap_queue zero;
		const struct snap_queue *q = &zero;
		if (order[k] >= 0)
			q = &s->queues[order[k]];
		else
			contact_queue_fill(s, ct_jout_queue_name(cj, (size_t)(-1 - order[k])), &zero);
		if (k)
			jbuf_put(b, ",", 1);
		jbuf_part(b);
		if (order[k] >= 0) {
			jbuf_queue_cached(b, s, (size_t)order[k]);
		} else {
			jbuf_queue_open(b, s, q, false);
			jbuf_staffing(b, q);
		}
		if (cj)
			ct_jout_queue(cj, b, q->name);
		jbuf_put(b, "}", 1);
	}
	free(names);
	free(order);
}

/* Appends the keys of obj (its text without the braces), a comma first when
 * comma and obj has any; returns -1 (errno ENOMEM) if jansson could not. */
static int jbuf_keys(struct jbuf *b, json_t *obj, bool comma)
{
	char *text = json_dumps(obj, JSON_FLAGS);
	size_t n;
	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	n = strlen(text);
	if (n > 2) {
		if (comma)
			jbuf_put(b, ",", 1);
		jbuf_put(b, text + 1, n - 2);
	}
	free(text);
	return 0;
}

static bool json_has(const char *name);

/* Appends obj's keys, with "agents" written by hand (snapshot_agents_json.c)
 * where json_rest would have put it: right after "sources". */
static int jbuf_keys_and_agents(struct jbuf *b, const struct snapshot *s, json_t *obj,
                                bool comma)
{
	json_t *tail = json_object(), *v;
	const char *key;
	void *tmp;
	bool after = false;
	int rc;

	json_object_foreach_safe(obj, tmp, key, v) {
		if (after) {
			json_object_set(tail, key, v);
			json_object_del(obj, key);
		} else if (strcmp(key, "sources") == 0) {
			after = true;
		}
	}
	rc = jbuf_keys(b, obj, comma);
	if (rc == 0) {
		if (json_has("agents")) {
			jbuf_puts(b, ",\"agents\":");
			jbuf_agents(b, s);
		}
		rc = jbuf_keys(b, tail, true);
	}
	json_decref(tail);
	return rc;
}

/* ---- the keys a consumer asked for (--json-keys) ---- */

static const char *const json_top_keys[] = { "as_of", "queues", "total", "groups", "alerts",
	"sources", "agents", "callbacks", "channels", "channel_total", "pivots_by_pair",
	"journeys", "history", "input" };
#define N_TOP_KEYS (sizeof json_top_keys / sizeof json_top_keys[0])
static bool json_keys_set;                 /* false: every key (SPEC 3.2) */
static bool json_key_on[N_TOP_KEYS];

static int top_key_index(const char *name, size_t n)
{
	for (size_t i = 0; i < N_TOP_KEYS; i++)
		if (strlen(json_top_keys[i]) == n && strncmp(json_top_keys[i], name, n) == 0)
			return (int)i;
	return -1;
}

int snapshot_json_keys(const char *list, char **cause)
{
	bool on[N_TOP_KEYS] = { true };          /* as_of always */
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ", ");
		int k = top_key_index(p, n);
		if (n && k < 0) {
			*cause = xasprintf("no snapshot key '%.*s' (keys: as_of, queues, total, groups, "
			                   "alerts, sources, agents, callbacks, channels, channel_total, "
			                   "pivots_by_pair, journeys, history, input)", (int)n, p);
			return -1;
		}
		if (n)
			on[k] = true;
		p += n + strspn(p + n, ", ");
	}
	memcpy(json_key_on, on, sizeof on);
	json_keys_set = true;
	return 0;
}

void snapshot_json_keys_all(void)
{
	json_keys_set = false;
}

/* Whether the line has top-level key name. */
static bool json_has(const char *name)
{
	return !json_keys_set || json_key_on[top_key_index(name, strlen(name))];
}

bool snapshot_json_has_key(const char *name)
{
	return json_has(name);
}

/* Takes out of o the keys the consumer did not ask for. */
static void json_drop_unasked(json_t *o)
{
	const char *key;
	void *tmp;
	json_t *v;
	if (!json_keys_set)
		return;
	json_object_foreach_safe(o, tmp, key, v) {
		int k = top_key_index(key, strlen(key));
		if (k >= 0 && !json_key_on[k])
			json_object_del(o, key);
	}
}

/* The queues, the total, the groups and the alerts by hand (snapshot_json.c),
 * the rest with jansson: the same bytes as snapshot_write_json_ref, a buffer reused
 * from line to line. With contacts or a typical day in the queues, jansson
 * writes it all. */
static int json_line_build(const struct snapshot *s, struct jbuf *b,
                           const struct json_text *tail)
{
	json_t *rest;
	struct ct_jout *cj;
	bool ok;

	if (!tail && !json_by_hand(s))
		return 0;
	cj = s->contacts && !tail ? ct_jout_new(s->contacts) : NULL;

	b->n = 0;
	jbuf_puts(b, "{\"as_of\":");
	jbuf_int(b, s->as_of);
	if (json_has("queues")) {
		jbuf_puts(b, ",\"queues\":[");
		jbuf_queues(b, s, cj);
		jbuf_put(b, "]", 1);
	}
	if (json_has("total")) {
		jbuf_puts(b, ",\"total\":");
		jbuf_queue_open(b, s, &s->total, true);
		jbuf_put(b, "}", 1);
	}
	if (s->n_groups && json_has("groups")) {
		jbuf_puts(b, ",\"groups\":[");
		for (size_t i = 0; i < s->n_groups; i++) {
			const struct snap_group *g = &s->groups[i];
			if (i)
				jbuf_put(b, ",", 1);
			jbuf_queue_open(b, s, &g->q, true);
			jbuf_puts(b, ",\"queues\":[");
			for (size_t k = 0; k < g->n_members; k++) {
				if (k)
					jbuf_put(b, ",", 1);
				jbuf_string(b, s->queues[g->members[k]].name);
			}
			jbuf_puts(b, "]}");
		}
		jbuf_put(b, "]", 1);
	}
	if (json_has("alerts")) {
		jbuf_puts(b, ",\"alerts\":[");
		for (size_t i = 0; i < s->n_alerts; i++) {
			if (i)
				jbuf_put(b, ",", 1);
			jbuf_alert(b, s->alerts[i]);
		}
		jbuf_put(b, "]", 1);
	}
	rest = json_object();
	json_rest_head(s, rest, false);
	json_drop_unasked(rest);
	ok = jbuf_object_keys(b, rest);
	if (json_has("agents")) {
		jbuf_puts(b, ",\"agents\":");
		jbuf_agents(b, s);
	}
	if (tail) {                              /* made by snapshot_json_tail: kept */
		jbuf_text(b, tail);                  /* as it is until the next line */
		if (!ok) {
			errno = ENOMEM;
			return -1;
		}
		return 1;
	}
	if (cj)
		ct_jout_root_keys(cj, b, json_has);
	rest = json_object();
	json_rest_tail(s, rest);
	json_drop_unasked(rest);
	ok = jbuf_object_keys(b, rest) && ok;
	if (ct_jout_bad(cj)) {                   /* text jansson would leave out */
		ct_jout_free(cj);
		return 0;
	}
	ct_jout_free(cj);
	if (!ok) {
		errno = ENOMEM;
		return -1;
	}
	jbuf_puts(b, "}\n");
	return 1;
}

/* The line jansson writes, but for the agents (by hand, the most of it on a
 * big floor): where json_line_build declines. 1, or -1 (errno). */
static int json_line_mostly_jansson(const struct snapshot *s, struct jbuf *b)
{
	json_t *rest = snapshot_json(s, false);
	int rc;
	json_drop_unasked(rest);
	b->n = 0;
	jbuf_put(b, "{", 1);
	rc = jbuf_keys_and_agents(b, s, rest, false);
	json_decref(rest);
	if (rc != 0)
		return -1;
	jbuf_put(b, "}\n", 2);
	return 1;
}

/* The line by hand in a buffer reused from line to line. */
static struct jbuf json_line_buf;
static bool json_last_by_hand;

/* Builds the line into b (with b's segs, as pieces); with tail, its end
 * (snapshot_json_tail) is that. */
static int json_line(const struct snapshot *s, struct jbuf *b, const struct json_text *tail)
{
	struct jsegs *segs = b->segs;
	int rc;
	jline_detach();                           /* the cached texts may change now */
	rc = json_line_build(s, b, tail);
	json_last_by_hand = rc == 1;
	if (rc == 0) {
		if (segs)
			jsegs_start(segs, b);             /* what the by-hand line had put */
		rc = json_line_mostly_jansson(s, b);
	}
	return rc;
}

bool snapshot_json_last_by_hand(void)
{
	return json_last_by_hand;
}

/* The line as pieces: the bytes written here (json_glue) and the cached texts
 * between them (snapshot_json.h), handed out as iovecs. */
static struct jbuf json_glue;
static struct jsegs json_segs;

static int json_pieces_build(const struct snapshot *s, struct json_pieces *out,
                             const struct json_text *tail)
{
	int rc;
	jline_detach();                           /* the last line's glue may move now */
	jbuf_fit(&json_glue, json_glue.n);
	jsegs_fit(&json_segs);
	jsegs_start(&json_segs, &json_glue);
	rc = json_line(s, &json_glue, tail);
	out->len = jsegs_end(&json_segs, &json_glue);
	if (rc < 0)
		return -1;
	out->iov = json_segs.v;                   /* the pieces are the iovecs */
	out->n = json_segs.n;
	return 0;
}

int snapshot_json_pieces(const struct snapshot *s, struct json_pieces *out,
                         void (*detach)(void *ctx), void *ctx)
{
	if (json_pieces_build(s, out, NULL) < 0)
		return -1;
	jline_hold(detach, ctx);
	return 0;
}

void snapshot_json_pieces_done(void)
{
	jline_hold(NULL, NULL);
}

void snapshot_json_pieces_hold(void (*detach)(void *ctx), void *ctx)
{
	jline_hold(detach, ctx);
}

void snapshot_json_pieces_detach(void)
{
	jline_detach();
}

/* The keys after "agents" read the contacts' callbacks and the history,
 * which change as lines are read (the snapshot does not): written here, on
 * the loop, for a line built elsewhere. With contact events or a typical
 * day, the queues carry theirs too: no split then. */
bool snapshot_json_tail(const struct snapshot *s, struct json_text *t)
{
	struct jbuf b = { t->p, 0, t->cap, NULL };
	struct jsegs g = { .v = t->v, .cap = t->capv };
	struct ct_jout *cj;
	json_t *rest;
	bool ok, bad;
	size_t last = t->n;

	t->n = t->nv = 0;
	if (s->contacts)
		ct_jout_release(s->contacts);        /* the last line's end is let go */
	if (!json_by_hand(s) || (s->contacts && contacts_any(s->contacts)))
		return false;
	jbuf_fit(&b, last);
	jsegs_fit(&g);
	jsegs_start(&g, &b);                      /* the callbacks' texts referred to */
	cj = s->contacts ? ct_jout_new(s->contacts) : NULL;
	if (cj) {
		ct_jout_lend(cj);
		ct_jout_root_keys(cj, &b, json_has);
	}
	rest = json_object();
	json_rest_tail(s, rest);
	json_drop_unasked(rest);
	ok = jbuf_object_keys(&b, rest);
	jbuf_puts(&b, "}\n");
	bad = ct_jout_bad(cj);                    /* text jansson would leave out */
	ct_jout_free(cj);
	jsegs_end(&g, &b);
	*t = (struct json_text){ b.p, b.n, b.cap, g.v, g.n, g.cap };
	if (!ok)
		fatal("out of memory");
	return !bad;
}

int snapshot_json_pieces_with(const struct snapshot *s, const struct json_text *tail,
                              struct json_pieces *out)
{
	return json_pieces_build(s, out, tail);
}

int snapshot_json_parts_with(const struct snapshot *s, const struct json_text *tail,
                             void (*part)(void *ctx, const struct iovec *v, size_t n),
                             void *ctx)
{
	struct json_pieces jp;
	int rc;
	json_segs.part = part;
	json_segs.part_ctx = ctx;
	rc = json_pieces_build(s, &jp, tail);
	json_segs.part = NULL;
	json_segs.part_ctx = NULL;
	if (rc == 0 && jp.n)
		part(ctx, jp.iov, jp.n);
	return rc;
}

void snapshot_json_text_free(struct json_text *t)
{
	free(t->p);
	free(t->v);
	*t = (struct json_text){ 0 };
}

/* Writes the pieces to out: straight to its descriptor when it has one. */
static int json_out_pieces(FILE *out, const struct json_pieces *jp)
{
	int fd = fileno(out);
	if (fd < 0) {                             /* a memory stream */
		errno = 0;
		for (size_t i = 0; i < jp->n; i++)
			if (fwrite(jp->iov[i].iov_base, 1, jp->iov[i].iov_len, out) != jp->iov[i].iov_len) {
				if (errno == 0)
					errno = EIO;
				return -1;
			}
		return json_out(out, "", 0);
	}
	if (fflush(out) == EOF)
		return -1;
	for (size_t i = 0, off = 0; i < jp->n;) {
		struct iovec v[64];
		int k = 0;
		for (size_t j = i; j < jp->n && k < 64; j++, k++)
			v[k] = jp->iov[j];
		v[0].iov_base = (char *)v[0].iov_base + off;
		v[0].iov_len -= off;
		ssize_t w = writev(fd, v, k);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		for (size_t left = (size_t)w; left > 0 && i < jp->n;) {
			size_t rest = jp->iov[i].iov_len - off;
			if (left < rest) {
				off += left;
				left = 0;
			} else {
				left -= rest;
				off = 0;
				i++;
			}
		}
		while (i < jp->n && jp->iov[i].iov_len == 0)
			i++;
	}
	return 0;
}

int snapshot_write_json(const struct snapshot *s, FILE *out)
{
	struct json_pieces jp;
	if (json_pieces_build(s, &jp, NULL) < 0)
		return -1;
	return json_out_pieces(out, &jp);
}

char *snapshot_json_line(const struct snapshot *s, size_t *len)
{
	int rc = json_line(s, &json_line_buf, NULL);
	char *line;
	if (rc < 0)
		return NULL;
	/* the buffer itself, not a copy: no second line kept; the next one
	 * starts at this one's size (no doubling) */
	line = json_line_buf.p;
	*len = json_line_buf.n;
	size_t hint = json_line_buf.n + json_line_buf.n / 16 + 64;
	json_line_buf = (struct jbuf){ xmalloc(hint), 0, hint, NULL };
	return line;
}

/* ---- text ----------------------------------------------------------------- */

/* Writes text made safe (escape sequences and controls stripped, as on the
 * screen), cut to width columns and, with pad, padded to them. */
static void text_put(FILE *out, const char *text, int width, bool pad, unsigned flags)
{
	char *safe = textsafe_dup(text, width, flags);
	fputs(safe, out);
	for (int w = textsafe_width(safe); pad && w < width; w++)
		fputc(' ', out);
	free(safe);
}

/* The columns of the text table: a figure, its width, how it is written.
 * The heading is the figure's short label. */
enum text_fmt { TF_INT, TF_MMSS, TF_1DP, TF_0DP };
static const struct text_col { const char *figure; int width; enum text_fmt fmt; } text_cols[] = {
	{ "waiting", 5, TF_INT }, { "longest_wait_s", 7, TF_MMSS },
	{ "today.offered", 8, TF_INT }, { "today.answered", 8, TF_INT },
	{ "today.abandoned", 7, TF_INT }, { "today.service_level_pct", 6, TF_1DP },
	{ "today.abandon_rate_pct", 6, TF_1DP }, { "today.asa_s", 5, TF_0DP },
	{ "today.aht_s", 5, TF_0DP }, { "agents.logged_in", 5, TF_INT },
	{ "agents.available", 5, TF_INT }, { "agents.on_call", 5, TF_INT },
	{ "agents.paused", 5, TF_INT },
};

static void text_cell(char *buf, size_t n, double v, enum text_fmt fmt)
{
	if (isnan(v) || fabs(v) >= 9e18) {   /* null, or beyond what a count can be */
		snprintf(buf, n, "-");
		return;
	}
	long long i = (long long)v;
	if (fmt == TF_MMSS)
		snprintf(buf, n, "%lld:%02lld", i / 60, i % 60);
	else if (fmt == TF_1DP || fmt == TF_0DP)
		snprintf(buf, n, fmt == TF_1DP ? "%.1f" : "%.0f", v);
	else
		snprintf(buf, n, "%lld", i);
}

static void text_row(FILE *out, const struct snap_queue *q, unsigned flags)
{
	text_put(out, q->display, 16, true, flags);
	for (size_t i = 0; i < sizeof text_cols / sizeof text_cols[0]; i++) {
		char buf[32];
		text_cell(buf, sizeof buf, figure_value(figure_find(text_cols[i].figure), q),
		          text_cols[i].fmt);
		fprintf(out, " %*s", text_cols[i].width, buf);
	}
	fputc('\n', out);
}

static void text_heading(FILE *out)
{
	fprintf(out, "%-16s", "queue");
	for (size_t i = 0; i < sizeof text_cols / sizeof text_cols[0]; i++)
		fprintf(out, " %*s", text_cols[i].width, figure_find(text_cols[i].figure)->short_label);
	fputc('\n', out);
}

int snapshot_write_text(const struct snapshot *s, FILE *out)
{
	unsigned flags = textsafe_locale_flags();
	char when[32] = "-";
	time_t t = (time_t)s->as_of;
	struct tm tm;
	if (s->as_of && localtime_r(&t, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	text_put(out, s->site ? s->site : "ccboard", -1, false, flags);
	fprintf(out, "  as of %s  SLA %s  (today)\n", when, s->sla);
	text_heading(out);
	for (size_t i = 0; i < s->n_queues; i++)
		text_row(out, &s->queues[i], flags);
	text_row(out, &s->total, flags);
	if (s->contacts)
		contacts_write_text(s->contacts, out, flags);   /* the channels (SPEC 6) */
	for (size_t i = 0; i < s->n_alerts; i++) {
		const struct snap_alert *a = s->alerts[i];
		fprintf(out, "ALERT %s ", alert_severity_name(a->severity));
		text_put(out, a->rule, -1, false, flags);
		fputc(' ', out);
		text_put(out, a->queue, -1, false, flags);
		fputs(": ", out);
		text_put(out, a->message, -1, false, flags);
		fputc('\n', out);
	}
	for (size_t i = 0; i < s->n_sources; i++) {
		const struct snap_source *src = &s->sources[i];
		if (!src->bad_lines && src->state != SRC_ERROR)
			continue;
		fputs("source ", out);
		text_put(out, src->name, -1, false, flags);
		fprintf(out, ": %" PRIu64 " lines, %" PRIu64 " bad", src->lines, src->bad_lines);
		if (src->detail[0]) {   /* what went wrong: a cap reached, a lost alert line */
			fputs(" (", out);
			text_put(out, src->detail, -1, false, flags);
			fputc(')', out);
		}
		fputc('\n', out);
	}
	return fflush(out) == EOF || ferror(out) ? -1 : 0;
}
