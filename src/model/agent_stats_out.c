/* agent_stats_out.c - each agent's figures in the snapshot and its JSON
 * (agent_stats.h): the "agents" array of SPEC 3.2's snapshot. */
#include "agent_stats.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "alerts.h"
#include "bytes.h"
#include "model_internal.h"
#include "snapshot.h"
#include "snapshot_json.h"
#include "textsafe.h"
#include "util.h"

/* ---- the snapshot ------------------------------------------------------ */

/* What a fill keeps for the next (struct snapshot's agent_fill). Each
 * agent's figures are at its model index in s->agent_figs (s->agent_slot
 * maps the snapshot's name order to it): they stay put as agents log in
 * and off or come before them in name order, and those of an agent that
 * did not change are not read again nor brought to the clock (their
 * readers do: agent_figs_at). Its per-queue figures stay where they are in
 * the snapshot's pool while their number does not grow, its pauses and
 * texts in its own block. A fill reads the agents whose figures changed,
 * whose calls may have, or whose clock span ran out, found in dense arrays
 * by model index (stamps, marks, due), no agent's figures read. */
struct astat_fill {
	bool valid;                  /* the figures are those of the last fill of ... */
	const struct model *model;   /* ... this model, */
	int64_t day;                 /* ... this day, */
	uint64_t order_gen;          /* ... these queue ranks (snapshot.order_gen), */
	int window_s;                /* ... this window, */
	int64_t now;                 /* ... at this time, */
	uint64_t stamp_last;         /* ... no agent's stamp past this one (but the
	                                brief fills' since the last whole one) */
	uint64_t marks;              /* model_agents_mark at the last fill: an agent not
	                                marked since has its calls as they were */
	uint64_t wout;               /* the model's journal read up to here (whole fills) */
	/* per model index: */
	unsigned char *state;        /* FILL_IN: in this fill; FILL_KEPT: its figures are
	                                at its index, as of the last fill that read them
	                                whole; FILL_BRIEF: only what a brief fill reads
	                                (model_agent_figs_brief) is, as of the last fill */
	int64_t *due;                /* when its clocked figures run out (read again) */
	char **room;                 /* its pauses and texts (NULL: none; room_keep) */
	uint32_t *q_at, *q_cap;      /* its block in the pool, and the block's size */
	size_t cap;
	uint32_t *work;              /* the model indexes to read (or ask about: WORK_ASK) */
	size_t n_work, cap_work;
	size_t q_used;               /* of the per-queue pool ... */
	size_t q_live;               /* ... of it in the agents' blocks */
	size_t read;                 /* agents read whole (agent_stats_fill_read) */
	bool moved;                  /* the pool moved */
};

enum { FILL_IN = 1, FILL_KEPT = 2, FILL_BRIEF = 4 };

/* A model index whose figures hold unless its calls changed (model_agent_figs_current),
 * one whose clocked figures alone are to be read again (its clock span ran out). */
#define WORK_ASK 0x80000000u
#define WORK_CLOCK 0x40000000u
#define WORK_INDEX 0x3fffffffu

static void figs_reserve(struct snapshot *s, size_t n)
{
	/* a 32nd more, not double: agents come one by one, and each agent's
	 * figures are a few hundred bytes (a 10,000-agent floor: a move of 3 MB
	 * for each 300 new past the room, 0.1 MB of room kept) */
	if (n > s->cap_agent_figs || !s->agent_figs) {
		s->cap_agent_figs = n + n / 32 + 16;
		s->agent_figs = xrealloc(s->agent_figs, s->cap_agent_figs * sizeof *s->agent_figs);
	}
}

/* Room for n per-queue figures in the pool. */
static void pool_reserve(struct snapshot *s, size_t n)
{
	if (n <= s->cap_agent_figs_pool && s->agent_figs_pool)
		return;
	s->cap_agent_figs_pool = n + n / 32 + 64;   /* as figs_reserve */
	s->agent_figs_pool = xrealloc(s->agent_figs_pool,
	                              s->cap_agent_figs_pool * sizeof *s->agent_figs_pool);
}

static struct astat_fill *fill_of(struct snapshot *s, size_t count)
{
	struct astat_fill *c = s->agent_fill;
	if (!c)
		c = s->agent_fill = xcalloc(1, sizeof *c);
	if (count > c->cap) {
		size_t cap = count + count / 8 + 16, more = cap - c->cap;
		c->state = xrealloc(c->state, cap * sizeof *c->state);
		c->due = xrealloc(c->due, cap * sizeof *c->due);
		c->room = xrealloc(c->room, cap * sizeof *c->room);
		c->q_at = xrealloc(c->q_at, cap * sizeof *c->q_at);
		c->q_cap = xrealloc(c->q_cap, cap * sizeof *c->q_cap);
		memset(c->state + c->cap, 0, more * sizeof *c->state);
		memset(c->due + c->cap, 0, more * sizeof *c->due);
		memset(c->room + c->cap, 0, more * sizeof *c->room);
		memset(c->q_at + c->cap, 0, more * sizeof *c->q_at);
		memset(c->q_cap + c->cap, 0, more * sizeof *c->q_cap);
		c->cap = cap;
	}
	return c;
}

size_t agent_stats_fill_read(const struct snapshot *s)
{
	return s->agent_fill ? s->agent_fill->read : 0;
}

void agent_stats_fill_free(struct snapshot *s)
{
	struct astat_fill *c = s->agent_fill;
	if (c) {
		for (size_t k = 0; k < c->cap; k++)
			free(c->room[k]);
		free(c->state);
		free(c->due);
		free(c->room);
		free(c->q_at);
		free(c->q_cap);
		free(c->work);
		free(c);
	}
	s->agent_fill = NULL;
}

static void work_add(struct astat_fill *c, uint32_t w)
{
	if (c->n_work == c->cap_work) {
		c->cap_work = c->cap_work ? c->cap_work * 2 : 256;
		c->work = xrealloc(c->work, c->cap_work * sizeof *c->work);
	}
	c->work[c->n_work++] = w;
}

/* Marks the n agents of this fill (ai: their model indexes) and lists, in
 * model order, those the fill reads (c->work): those with no figures kept,
 * and those whose stamp is past the last fill's, whose clock span ran out
 * by now, or whose calls may have changed (marked). Reads the fill's own
 * records and the model's dense arrays, and the kept stamp alone of those
 * whose stamp moved (fill_wout may have brought it up to date). */
static void fill_plan(struct astat_fill *c, const struct snapshot *s, const struct model *m,
                      const size_t *ai, size_t n, size_t count)
{
	const uint64_t *mark = model_agent_marks(m), *stamp = model_agent_figs_stamps(m);
	int64_t now = model_now(m);
	c->n_work = 0;
	for (size_t a = 0; a < count; a++)
		c->state[a] &= FILL_KEPT;     /* (a brief one is read whole) */
	for (size_t i = 0; i < n; i++)
		c->state[ai[i]] |= FILL_IN;
	for (size_t a = 0; a < count; a++) {
		unsigned char st = c->state[a];
		if (!(st & FILL_IN))
			continue;
		/* (a stamp past the last fill's may be the kept one: fill_wout) */
		if (!(st & FILL_KEPT) ||
		    (stamp[a] > c->stamp_last && stamp[a] != s->agent_figs[a].stamp))
			work_add(c, (uint32_t)a);
		else if (c->due[a] <= now)
			work_add(c, (uint32_t)a | WORK_CLOCK);
		else if (mark[a] > c->marks)
			work_add(c, (uint32_t)a | WORK_ASK);
	}
}

/* Before a whole fill's plan: the window records that left since the last
 * whole fill, applied to the kept figures they apply to (agent_figs_wout:
 * those kept at the stamp the record left from). On a big centre about half
 * the agents whose stamp moved in a tick moved for that alone: they are not
 * read whole. The others, and all of them when the journal lost some
 * entries since the last fill, are read whole (fill_plan). */
static void fill_wout(struct astat_fill *c, struct snapshot *s, const struct model *m,
                      const size_t *rank, size_t count, bool reuse)
{
	uint64_t first, end;
	size_t nq = model_queue_count(m);
	model_agent_wout_span(m, &first, &end);
	if (reuse && c->wout >= first && c->wout <= end) {
		for (uint64_t k = c->wout; k < end; k++) {
			const struct astat_wout *e = model_agent_wout_at(m, k);
			size_t a = (size_t)e->agent;
			if (a >= count || !(c->state[a] & FILL_KEPT) || e->queue >= (int32_t)nq)
				continue;
			agent_figs_wout(&s->agent_figs[a], s->agent_figs_pool + c->q_at[a], e,
			                e->queue >= 0 ? (int32_t)rank[e->queue] : -1);
		}
	}
	c->wout = end;
}

/* As fill_plan for a brief fill (s->agent_figs_brief): lists the agents
 * with nothing kept and those marked since the last fill (an event named
 * them, or their calls may have changed: what a brief read reads changes
 * with nothing else). A window's record leaving, a clock span running out
 * changes nothing of it: those agents are read whole by the next whole
 * fill, which finds their stamps past its last (stamp_last stays). */
static void fill_plan_brief(struct astat_fill *c, const struct model *m, const size_t *ai,
                            size_t n, size_t count)
{
	const uint64_t *mark = model_agent_marks(m);
	c->n_work = 0;
	for (size_t a = 0; a < count; a++)
		c->state[a] &= FILL_KEPT | FILL_BRIEF;
	for (size_t i = 0; i < n; i++)
		c->state[ai[i]] |= FILL_IN;
	for (size_t a = 0; a < count; a++) {
		unsigned char st = c->state[a];
		if ((st & FILL_IN) && (!(st & (FILL_KEPT | FILL_BRIEF)) || mark[a] > c->marks))
			work_add(c, (uint32_t)a);
	}
}

/* Forgets every agent's kept figures and blocks (a fill from nothing). */
static void fill_reset(struct astat_fill *c)
{
	if (c->cap) {                        /* (no array before the first agent) */
		memset(c->state, 0, c->cap * sizeof *c->state);
		memset(c->q_cap, 0, c->cap * sizeof *c->q_cap);
	}
	c->q_used = c->q_live = 0;
}

/* Room for n more per-queue figures at the pool's end (fill_repoint after
 * the fill when it moves). */
static void pool_room(struct astat_fill *c, struct snapshot *s, size_t n)
{
	if (c->q_used + n <= s->cap_agent_figs_pool && s->agent_figs_pool)
		return;
	pool_reserve(s, c->q_used + n);
	c->moved = true;
}

/* Points the n agents' queues (model indexes ai) at where they are now. */
static void fill_repoint(struct snapshot *s, const size_t *ai, size_t n)
{
	for (size_t j = 0; j < n; j++)
		s->agent_figs[ai[j]].queues = s->agent_figs_pool + s->agent_figs[ai[j]].pool_at;
}

/* Keeps f's pauses and texts (as read: the model's texts, pauses in the
 * caller's room) in agent ai's block, f pointed at them there: they stay
 * while the agent is unchanged, whatever the fill does with the others
 * (the snapshot never points into the model's records). Most agents have
 * no pauses, and a caller only while on a call: no block, or a small one. */
static void room_keep(struct astat_fill *c, size_t ai, struct agent_figs *f)
{
	size_t np = (size_t)(f->n_pauses + f->wtime.n_pauses);
	size_t lr = *f->pause_reason ? strnlen(f->pause_reason, ASTAT_REASON_LEN - 1) + 1 : 0;
	size_t lc = *f->callerid ? strnlen(f->callerid, 63) + 1 : 0;
	size_t need = sizeof(size_t) + np * sizeof(struct astat_pause) + lr + lc, cap;
	char *r = c->room[ai], *t, texts[ASTAT_REASON_LEN + 64];
	struct astat_pause *p;
	/* (the texts may be in the block: from the last read, the clock's alone) */
	memcpy(texts, f->pause_reason, lr);
	memcpy(texts + lr, f->callerid, lc);
	if (need == sizeof(size_t)) {
		free(r);
		c->room[ai] = NULL;
		return;
	}
	memcpy(&cap, r ? r : (const char *)&(size_t){ 0 }, sizeof cap);
	if (need > cap || cap > 2 * need + 64) {
		free(r);
		r = c->room[ai] = xmalloc(need);
		memcpy(r, &need, sizeof need);
	}
	p = (struct astat_pause *)(void *)(r + sizeof(size_t));
	if (np)
		memcpy(p, f->pauses, f->n_pauses * sizeof *p);
	if (f->wtime.n_pauses)
		memcpy(p + f->n_pauses, f->wtime.pauses, (size_t)f->wtime.n_pauses * sizeof *p);
	f->pauses = p;
	f->wtime.pauses = p + f->n_pauses;
	t = (char *)(p + np);
	memcpy(t, texts, lr + lc);
	if (lr) {
		f->pause_reason = t;
		t[lr - 1] = '\0';
	}
	if (lc) {
		f->callerid = t + lr;
		t[lr + lc - 1] = '\0';
	}
}

/* Agent ai's figures read again, its per-queue block where it was if they
 * fit (else a new one at the pool's end), queues as ranks, its pauses and
 * texts kept. */
static void fill_one(struct astat_fill *c, struct snapshot *s, const struct model *m,
                     size_t ai, const size_t *rank)
{
	struct agent_figs *f = &s->agent_figs[ai];
	struct astat_pause pauses[ASTAT_FIGS_PAUSES];
	int nq = model_agent_figs_queues(m, ai);
	struct agent_queue_figs *q;
	if ((uint32_t)nq > c->q_cap[ai]) {
		pool_room(c, s, (size_t)nq);
		c->q_live += (size_t)nq - c->q_cap[ai];
		c->q_at[ai] = (uint32_t)c->q_used;
		c->q_cap[ai] = (uint32_t)nq;
		c->q_used += (size_t)nq;
	}
	q = s->agent_figs_pool + c->q_at[ai];
	model_agent_figs(m, ai, f, q, nq, pauses);
	for (int k = 0; k < f->n_queues; k++)
		q[k].queue = (int32_t)rank[q[k].queue];
	if (f->call_queue >= 0)
		f->call_queue = (int32_t)rank[f->call_queue];
	f->slot = (uint32_t)ai;
	f->pool_at = c->q_at[ai];
	room_keep(c, ai, f);
	c->due[ai] = agent_figs_due(f);
	c->read++;
}

/* Agent ai's clocked figures read again (its clock span ran out), unless its
 * calls changed (read whole then). */
static void fill_clock(struct astat_fill *c, struct snapshot *s, const struct model *m,
                       size_t ai, const size_t *rank)
{
	struct agent_figs *f = &s->agent_figs[ai];
	struct astat_pause pauses[ASTAT_FIGS_PAUSES];
	if (!model_agent_figs_retime(m, ai, f, pauses)) {
		fill_one(c, s, m, ai, rank);
		return;
	}
	room_keep(c, ai, f);
	c->due[ai] = agent_figs_due(f);
}

/* Agent ai's brief figures (a brief fill): its whole ones are no longer
 * kept; its call's queue as a rank, its texts kept. */
static void fill_brief_one(struct astat_fill *c, struct snapshot *s, const struct model *m,
                           size_t ai, const size_t *rank)
{
	struct agent_figs *f = &s->agent_figs[ai];
	model_agent_figs_brief(m, ai, f);
	if (f->call_queue >= 0)
		f->call_queue = (int32_t)rank[f->call_queue];
	f->slot = (uint32_t)ai;
	f->pool_at = c->q_at[ai];
	room_keep(c, ai, f);
	c->state[ai] = (unsigned char)((c->state[ai] & ~FILL_KEPT) | FILL_BRIEF);
}

/* Prefetches what reading the agents of work[k..] will need: the records
 * of the agents some places ahead (cache misses apart). */
static void fill_prefetch(const struct astat_fill *c, const struct snapshot *s,
                          const struct model *m, size_t k)
{
	static const size_t ahead[3] = { 16, 8, 4 };
	if (s->agent_figs_brief) {           /* the record, then the lines a brief read reads */
		if (k + ahead[0] < c->n_work)
			model_agent_figs_prefetch(m, c->work[k + ahead[0]] & WORK_INDEX, 0);
		if (k + ahead[1] < c->n_work)
			model_agent_figs_prefetch(m, c->work[k + ahead[1]] & WORK_INDEX, 4);
		return;
	}
	for (int step = 0; step < 3; step++) {
		size_t j = k + ahead[step], a;
		if (j >= c->n_work)
			continue;
		a = c->work[j] & WORK_INDEX;
		if ((c->work[j] & WORK_ASK) && step > 0) {
			/* asked first whether its figures hold: their first line, and
			 * the stamp they are compared with */
			if (step == 1)
				model_agent_figs_prefetch(m, a, 3);
			else
				__builtin_prefetch(&s->agent_figs[a]);
			continue;
		}
		model_agent_figs_prefetch(m, a, step);
		if (step == 2) {
			__builtin_prefetch(&s->agent_figs[a], 1);
			/* where its queues' figures are copied (if they still fit) */
			if (s->agent_figs_pool)
				__builtin_prefetch(s->agent_figs_pool + c->q_at[a], 1);
			if (c->room[a])          /* room_keep reads its size, writes it */
				__builtin_prefetch(c->room[a], 1);
		}
	}
}

void agent_stats_fill(struct snapshot *s, const struct model *m, const size_t *ai,
                      const size_t *rank)
{
	size_t n = s->n_agents + s->n_agents_off;   /* the logged off of today too */
	size_t count = model_agent_count(m), pool_cap;
	struct astat_fill *c = fill_of(s, count);
	uint64_t reset, marks = model_agents_mark(m, &reset);
	/* (no agent renumbered, no restart: each agent's block is its own) */
	bool reuse = c->valid && c->model == m && c->day == m->day_start &&
	             c->order_gen == s->order_gen && c->window_s == m->cfg->window_s &&
	             reset <= c->marks && model_now(m) >= c->now;

	figs_reserve(s, count);
	if (!reuse)
		fill_reset(c);
	c->read = 0;
	if (s->agent_figs_brief) {
		fill_plan_brief(c, m, ai, n, count);
	} else {
		fill_wout(c, s, m, rank, count, reuse);
		fill_plan(c, s, m, ai, n, count);
	}
	pool_cap = s->cap_agent_figs_pool;
	pool_reserve(s, c->q_used);
	c->moved = s->cap_agent_figs_pool != pool_cap;   /* the records' queues repointed */
	for (size_t k = 0; k < c->n_work; k++) {
		size_t a = c->work[k] & WORK_INDEX;
		fill_prefetch(c, s, m, k);
		if (s->agent_figs_brief)
			fill_brief_one(c, s, m, a, rank);
		else if (c->work[k] & WORK_CLOCK)
			fill_clock(c, s, m, a, rank);
		else if (!(c->work[k] & WORK_ASK) ||
		         !model_agent_figs_current(m, a, &s->agent_figs[a]))
			fill_one(c, s, m, a, rank);
	}
	if (c->moved)
		fill_repoint(s, ai, n);
	for (size_t i = 0; i < n && !s->agent_figs_brief; i++)
		c->state[ai[i]] = (unsigned char)((c->state[ai[i]] & ~FILL_BRIEF) | FILL_KEPT);
	/* the kept figures live while the pool holds little else (--group and
	 * --queue renumber them in place: read again) */
	c->valid = !s->only && c->q_used <= 2 * c->q_live + 4096;
	c->model = m;
	c->day = m->day_start;
	c->order_gen = s->order_gen;
	c->window_s = m->cfg->window_s;
	c->now = model_now(m);
	if (!s->agent_figs_brief)
		c->stamp_last = model_agent_figs_stamp_last();
	c->marks = marks;
	s->long_call_s = m->cfg->alert_rules
	               ? (int64_t)alert_rules_agent_level(m->cfg->alert_rules, "call_duration_s")
	               : 1800;
}

/* ---- JSON -------------------------------------------------------------- */

/* Text from outside as a JSON string: invalid UTF-8 made safe. */
static json_t *ajstr(const char *text)
{
	json_t *j = json_string(text ? text : "");
	if (j)
		return j;
	char *safe = textsafe_dup(text, -1, TEXTSAFE_UTF8);
	j = json_string(safe);
	free(safe);
	return j ? j : json_string("");
}

static json_t *afig(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(round(v * 100.0) / 100.0);
}

static void counts_json(json_t *o, const struct astat_counts *c)
{
	json_object_set_new(o, "answered", json_integer(c->answered));
	json_object_set_new(o, "completed", json_integer(c->completed));
	json_object_set_new(o, "transferred", json_integer(c->transferred));
	json_object_set_new(o, "talk_s", json_integer(c->talk_s));
	json_object_set_new(o, "aht_s", afig(astat_aht(c)));
	json_object_set_new(o, "hold_s", json_integer(c->hold_s));
	json_object_set_new(o, "asa_s", afig(astat_asa(c)));
	json_object_set_new(o, "rna", json_integer(c->rna));
	json_object_set_new(o, "ring_s", json_real((double)c->ring_ms / 1000.0));   /* to the ms */
}

/* The per-queue figures of one period (today: true) of agent f. */
static json_t *queues_json(const struct snapshot *s, const struct agent_figs *f, bool today)
{
	json_t *a = json_array();
	for (int k = 0; k < f->n_queues; k++) {
		const struct astat_counts *c = today ? &f->queues[k].today : &f->queues[k].window;
		json_t *o;
		if (c->answered + c->completed + c->transferred + c->rna == 0)
			continue;
		o = json_object();
		json_object_set_new(o, "queue", ajstr(s->queues[f->queues[k].queue].name));
		counts_json(o, c);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *today_json(const struct snapshot *s, const struct agent_figs *f)
{
	json_t *o = json_object(), *p = json_array();
	struct agent_clock ck;
	agent_figs_at(f, s->as_of, &ck);
	const struct astat_time *t = &ck.today;
	counts_json(o, &f->today);
	json_object_set_new(o, "login_s", json_integer(t->login_s));
	json_object_set_new(o, "paused_s", json_integer(t->paused_s));
	for (int i = 0; i < t->n_pauses; i++)
		json_array_append_new(p, json_pack("{s:o, s:I}", "reason", ajstr(t->pauses[i].reason),
		                                   "seconds", (json_int_t)t->pauses[i].s));
	json_object_set_new(o, "pauses", p);
	json_object_set_new(o, "occupancy_pct", afig(t->occupancy_pct));
	json_object_set_new(o, "queues", queues_json(s, f, true));
	return o;
}

/* Logged-in and paused time, pauses by reason and occupancy of t. */
static void time_json(json_t *o, const struct astat_time *t)
{
	json_t *p = json_array();
	json_object_set_new(o, "login_s", json_integer(t->login_s));
	json_object_set_new(o, "paused_s", json_integer(t->paused_s));
	for (int i = 0; i < t->n_pauses; i++)
		json_array_append_new(p, json_pack("{s:o, s:I}", "reason", ajstr(t->pauses[i].reason),
		                                   "seconds", (json_int_t)t->pauses[i].s));
	json_object_set_new(o, "pauses", p);
	json_object_set_new(o, "occupancy_pct", afig(t->occupancy_pct));
}

static json_t *window_json(const struct snapshot *s, const struct agent_figs *f)
{
	json_t *o = json_object();
	struct agent_clock ck;
	agent_figs_at(f, s->as_of, &ck);
	json_object_set_new(o, "seconds", json_integer(s->window_s));
	counts_json(o, &f->window);
	time_json(o, &ck.window);
	json_object_set_new(o, "queues", queues_json(s, f, false));
	return o;
}

/* Whether agent i of s is one logged off today (past the logged-in ones). */
static bool logged_off(const struct snapshot *s, size_t i)
{
	return (int)s->agents[i].state == AGENT_LOGGED_OFF;
}

const char *agent_stats_state_name(int state)
{
	return state == AGENT_LOGGED_OFF ? "logged_off" : agent_state_name((enum agent_state)state);
}

/* The agent's call (none for one logged off: a call it kept is no longer its
 * queues' work). */
static json_t *call_json(const struct snapshot *s, size_t i)
{
	const struct agent_figs *f = snapshot_agent_figs(s, i);
	if (!f->on_call || !f->call_since || logged_off(s, i))
		return json_null();
	return json_pack("{s:o, s:o, s:I}",
	                 "queue", f->call_queue >= 0 ? ajstr(s->queues[f->call_queue].name)
	                                             : json_null(),
	                 "callerid", ajstr(f->callerid), "since", (json_int_t)f->call_since);
}

static json_t *agent_json(const struct snapshot *s, size_t i)
{
	const struct agent_view *v = &s->agents[i];
	const struct agent_figs *f = snapshot_agent_figs(s, i);
	json_t *o = json_object(), *qs = json_array();
	json_object_set_new(o, "name", ajstr(v->name));
	json_object_set_new(o, "state", json_string(agent_stats_state_name((int)v->state)));
	json_object_set_new(o, "since", json_integer(v->since));
	if (v->reason)
		json_object_set_new(o, "reason", ajstr(v->reason));
	for (int k = 0; k < s->agent_n_queues[i]; k++)
		json_array_append_new(qs, ajstr(s->queues[s->agent_queues[i][k].queue].name));
	json_object_set_new(o, "queues", qs);
	json_object_set_new(o, "call", call_json(s, i));
	json_object_set_new(o, "today", today_json(s, f));
	json_object_set_new(o, "window", window_json(s, f));
	return o;
}

struct json_t *agent_stats_json(const struct snapshot *s)
{
	json_t *a = json_array();
	size_t n = s->n_agents + s->n_agents_off;   /* the logged off of today last */
	for (size_t i = 0; s->agent_figs && i < n; i++)
		json_array_append_new(a, agent_json(s, i));
	return a;
}

/* ---- JSON by hand (snapshot_json.h): the bytes agent_stats_json dumps to ---- */

/* Whether text is plain ASCII that JSON takes as it is (no quote, backslash
 * or control character): most names and reasons. */
static bool plain_ascii(const char *text, size_t *len)
{
	const unsigned char *r = (const unsigned char *)text;
	for (; *r; r++)
		if (*r < 0x20 || *r >= 0x7f || *r == '"' || *r == '\\')
			return false;
	*len = (size_t)(r - (const unsigned char *)text);
	return true;
}

/* ajstr's text: valid UTF-8 as it is, else made safe first. */
static void jb_astr(struct jbuf *b, const char *text)
{
	size_t n;
	if (text && plain_ascii(text, &n)) {    /* jbuf_string's bytes, at once */
		jbuf_quoted(b, text, n);
		return;
	}
	if (!text || jbuf_utf8_valid(text)) {
		jbuf_string(b, text ? text : "");
		return;
	}
	char *safe = textsafe_dup(text, -1, TEXTSAFE_UTF8);
	jbuf_string(b, safe);
	free(safe);
}

#define PUT_LIT(w, lit) (memcpy((w), (lit), sizeof(lit) - 1), (w) + sizeof(lit) - 1)

/* Two digits at a time. */
/* jbuf_int's bytes, stored in place: tens of thousands of numbers a line, a
 * few digits each (through a buffer and memcpy, the call cost more than the
 * rest). */
static void jb_int(struct jbuf *b, long long v)
{
	if (b->n + 24 > b->cap)
		jbuf_grow(b, 24);
	b->n = (size_t)(bytes_put_int(b->p + b->n, v) - b->p);
}

/* k hundredths as jbuf_real writes k / 100.0 (70.0, 65.1, 65.19; neg: its
 * sign, for -0.0 too). */
static void jb_hundredths(struct jbuf *b, long long k, bool neg)
{
	unsigned long long u = k < 0 ? 0ull - (unsigned long long)k : (unsigned long long)k;
	if (neg)
		jbuf_put(b, "-", 1);
	jb_int(b, (long long)(u / 100));
	if (b->n + 4 > b->cap)
		jbuf_grow(b, 4);
	b->p[b->n++] = '.';
	b->p[b->n++] = (char)('0' + u / 10 % 10);
	if (u % 10)
		b->p[b->n++] = (char)('0' + u % 10);
}

/* jbuf_real's bytes: a number of hundredths by jb_int, else jbuf_real. */
static void jb_real(struct jbuf *b, double v)
{
	long long k;
	if (!isfinite(v) || fabs(v) >= 1e12 || (double)(k = llround(v * 100.0)) / 100.0 != v) {
		jbuf_real(b, v);
		return;
	}
	jb_hundredths(b, k, k < 0 || (k == 0 && signbit(v)));
}

/* afig's bytes: v to the hundredth. r / 100.0 is what jb_real is given, and
 * jb_real finds r again in it (r < 1e14: its hundredths are exact to far
 * less than a half), so r is written as it is. */
static void jb_afig(struct jbuf *b, double v)
{
	double r, w;
	if (isnan(v) || isinf(v)) {
		jbuf_puts(b, "null");
		return;
	}
	r = round(v * 100.0);
	w = r / 100.0;
	if (fabs(w) >= 1e12) {
		jb_real(b, w);
		return;
	}
	jb_hundredths(b, (long long)r, signbit(r));
}

static void jb_key_int(struct jbuf *b, const char *key, long long v)
{
	jbuf_puts(b, key);
	jb_int(b, v);
}

/* ---- the agents' kept texts: their values, the words between them as bytes
 *
 * Most of an agent's text is keys and punctuation, the same for every agent:
 * the kept text is a list of items, each the number of a word (the bytes
 * before a value: ,"since": or },{"queue": ...), one byte, and its value as
 * written (digits, a quoted name) after a byte of its length. A length byte
 * of JV_SHORT or more stands for a value held elsewhere: a queue's name
 * (JV_QNAME, its index in s->queues, two bytes low first), counts the line
 * has just written (JV_DUP: an agent's own counts, its queue's too) or a
 * long value (JV_LONG, after four bytes of its length); or for counts
 * (JV_COUNTS): their nine values follow, each after its length, their keys
 * but the first (the item's word) known. The line lays each
 * item out in a few fixed-size copies (jb_expand): the word whole from a
 * table, the value as 16 bytes, most being shorter; no byte is scanned. */
enum jword {
	JW_NONE, JW_NAME, JW_STATE_KEY, JW_SINCE, JW_REASON, JW_QUEUES, JW_COMMA, JW_CALL_NULL,
	JW_CALL_QUEUE, JW_CALLERID, JW_CALL_TODAY, JW_TODAY, JW_QS_FIRST, JW_QS_NEXT,
	JW_QS_NONE, JW_QS_WINDOW, JW_WINDOW, JW_QS_END, JW_QS_NONE_END,
	JW_KEY,                                  /* the counts' nine keys: ,"answered": ... */
	JC_N = 9,
	JW_STATE = JW_KEY + JC_N,                /* ,"state":"...","since": of each state, */
	JW_COUNT = JW_STATE + AGENT_LOGGED_OFF + 1   /* through the logged off */
};
static const char *const jw_fixed[JW_KEY + JC_N] = {
	"", "{\"name\":", ",\"state\":", ",\"since\":", ",\"reason\":", ",\"queues\":[", ",",
	"],\"call\":null", "],\"call\":{\"queue\":", ",\"callerid\":", "},\"today\":{\"answered\":",
	",\"today\":{\"answered\":", ",\"queues\":[{\"queue\":", "},{\"queue\":", ",\"queues\":[]",
	"}]},\"window\":{\"seconds\":", "},\"window\":{\"seconds\":", "}]}}", ",\"queues\":[]}}",
	",\"answered\":", ",\"completed\":", ",\"transferred\":", ",\"talk_s\":", ",\"aht_s\":",
	",\"hold_s\":", ",\"asa_s\":", ",\"rna\":", ",\"ring_s\":",
};
/* A value's length byte: up to JV_SHORT - 1 the value's bytes follow. */
enum { JV_SHORT = 0xfc, JV_DUP = 0xfc, JV_COUNTS = 0xfd, JV_LONG = 0xfe, JV_QNAME = 0xff };
enum { JW_ROOM = 32 };                       /* a word is copied as JW_ROOM bytes */
/* A kept text's block has JX_SLACK bytes past its end: a value is copied
 * as that many with no look at where the block ends. */
enum { JX_SLACK = 16 };
/* counts' text, each value at most 24 bytes, made room for at once */
enum { JC_ROOM = 2 + JC_N * (1 + 32) };
static char jw_text[JW_COUNT][JW_ROOM];
static unsigned char jw_len[JW_COUNT];
/* What a counts' kept text grows by laid out from its first value on (its
 * keys but the first in place of the item's two bytes and nine lengths). */
static size_t jc_grow;

static void jw_make(void)
{
	if (jw_len[JW_NAME])
		return;
	for (int k = 0; k < JW_COUNT; k++) {
		int n = k < JW_STATE ? snprintf(jw_text[k], JW_ROOM, "%s", jw_fixed[k])
		                     : snprintf(jw_text[k], JW_ROOM, ",\"state\":\"%s\",\"since\":",
		                                agent_stats_state_name(k - JW_STATE));
		if (n < 0 || n >= JW_ROOM)
			fatal("internal: a JSON word of %d bytes", n);
		jw_len[k] = (unsigned char)n;
	}
	jc_grow = 0;
	for (int k = 1; k < JC_N; k++)
		jc_grow += jw_len[JW_KEY + k];
	jc_grow -= 2 + JC_N;
}

/* Starts an item of word w; returns where its value begins (its length
 * byte just before). */
static inline size_t jk_begin(struct jbuf *b, enum jword w)
{
	if (b->n + 3 > b->cap)
		jbuf_grow(b, 2);
	b->p[b->n] = (char)w;
	b->p[b->n + 1] = 0;
	b->n += 2;
	return b->n;
}

/* Ends the item whose value began at at: its length, or a long one's. */
static void jk_end(struct jbuf *b, size_t at)
{
	size_t m = b->n - at;
	uint32_t n32 = (uint32_t)m;
	if (m < JV_SHORT) {
		b->p[at - 1] = (char)m;
		return;
	}
	if (m > UINT32_MAX / 2)
		fatal("a JSON value of %zu bytes", m);
	if (b->n + 5 > b->cap)
		jbuf_grow(b, 4);
	memmove(b->p + at + 4, b->p + at, m);
	memcpy(b->p + at, &n32, 4);
	b->p[at - 1] = (char)JV_LONG;
	b->n += 4;
}

static void jk_int(struct jbuf *b, enum jword w, long long v)
{
	size_t at = jk_begin(b, w);
	jb_int(b, v);
	jk_end(b, at);
}

static void jk_str(struct jbuf *b, enum jword w, const char *text)
{
	size_t at = jk_begin(b, w);
	jb_astr(b, text);
	jk_end(b, at);
}

/* Word w alone (no value). */
static void jk_word(struct jbuf *b, enum jword w)
{
	jk_begin(b, w);
}

static inline bool put_afig(char **w, double v);

/* Counts' text: an item of word first (the first key and what comes
 * before) and JV_COUNTS, then each value after its length; the values
 * written at a pointer into room made once (the afigs jb_afig alone writes,
 * and ring_s, through the buffer). */
static void jb_counts(struct jbuf *b, const struct astat_counts *c, enum jword first)
{
	const long long v[JC_N - 1] = { c->answered, c->completed, c->transferred, c->talk_s,
		0, c->hold_s, 0, c->rna };
	const double fig[2] = { astat_aht(c), astat_asa(c) };
	size_t at;
	char *w;
	if (b->n + JC_ROOM + 1 > b->cap)
		jbuf_grow(b, JC_ROOM + 1);
	w = b->p + b->n;
	*w++ = (char)first;
	*w++ = (char)JV_COUNTS;
	for (int k = 0; k < JC_N - 1; k++) {
		char *len = w++;
		if (k == 4 || k == 6) {
			double x = fig[k == 6];
			if (isnan(x)) {
				w = PUT_LIT(w, "null");
			} else if (!put_afig(&w, x)) {
				size_t lo = (size_t)(len - b->p);
				b->n = lo + 1;
				jb_afig(b, x);
				b->p[lo] = (char)(b->n - lo - 1);
				if (b->n + JC_ROOM > b->cap)
					jbuf_grow(b, JC_ROOM);
				w = b->p + b->n;
				continue;
			}
		} else {
			w = bytes_put_int(w, v[k]);
		}
		*len = (char)(w - len - 1);
	}
	b->n = (size_t)(w - b->p) + 1;
	at = b->n;
	jb_real(b, (double)c->ring_ms / 1000.0);
	b->p[at - 1] = (char)(b->n - at);
}

/* The queue names of the snapshot as JSON strings, made once for each list
 * of names (queue_epoch): an agent's texts name a few queues each, each one
 * a snapshot queue far from the last. Each has room for JQ_PAD bytes at
 * least: most are copied as that many. */
enum { JQ_PAD = 16 };
static struct {
	char **text;
	uint32_t *len;
	size_t n, cap;
} qnames;

static void qnames_make(const struct snapshot *s)
{
	for (size_t q = 0; q < qnames.n; q++)
		free(qnames.text[q]);
	if (s->n_queues > qnames.cap) {
		qnames.cap = s->n_queues + s->n_queues / 8 + 16;
		qnames.text = xrealloc(qnames.text, qnames.cap * sizeof *qnames.text);
		qnames.len = xrealloc(qnames.len, qnames.cap * sizeof *qnames.len);
	}
	for (size_t q = 0; q < s->n_queues; q++) {
		struct jbuf *t = jpiece_begin();
		jb_astr(t, s->queues[q].name);
		qnames.text[q] = xcalloc(1, t->n > JQ_PAD ? t->n : JQ_PAD);
		memcpy(qnames.text[q], t->p, t->n);
		qnames.len[q] = (uint32_t)t->n;
	}
	qnames.n = s->n_queues;
}

static void qnames_free(void)
{
	for (size_t q = 0; q < qnames.n; q++)
		free(qnames.text[q]);
	free(qnames.text);
	free(qnames.len);
	memset(&qnames, 0, sizeof qnames);
}

/* An item of word w whose value is queue q of the snapshot (its index in
 * s->queues) as jb_astr writes its name: its index, or the name itself. */
static void jk_qname(struct jbuf *b, enum jword w, const struct snapshot *s, size_t q)
{
	if (q < qnames.n && q <= 0xffff) {
		char item[4] = { (char)w, (char)JV_QNAME, (char)(q & 0xff), (char)(q >> 8) };
		jbuf_put(b, item, 4);
	} else {
		jk_str(b, w, s->queues[q].name);
	}
}

/* Where w is in b, with room for need more bytes (b may move). */
static char *jx_room(struct jbuf *b, char *w, size_t need)
{
	b->n = (size_t)(w - b->p);
	if (b->n + need + 1 > b->cap)
		jbuf_grow(b, need);
	return b->p + b->n;
}

/* A value held elsewhere (its length byte m at v[-1], JV_SHORT or more) at
 * w: returns the end of what is written; *r past its item. dup_at, dup_n:
 * the counts JV_DUP stands for, in b (as jb_expand). */
static char *jx_far(struct jbuf *b, char *w, const unsigned char **r, const unsigned char *e,
                    size_t dup_at, size_t dup_n)
{
	const unsigned char *v = *r;
	size_t m = v[-1], q, n;
	uint32_t n32;
	switch (m) {
	case JV_QNAME:
		q = v[0] | (size_t)v[1] << 8;
		n = qnames.len[q];
		*r = v + 2;
		if (n <= JQ_PAD) {
			memcpy(w, qnames.text[q], JQ_PAD);
			return w + n;
		}
		w = jx_room(b, w, n + (size_t)(e - *r) * JW_ROOM + 2 * JW_ROOM);
		memcpy(w, qnames.text[q], n);
		return w + n;
	case JV_DUP:
		*r = v;
		w = jx_room(b, w, dup_n + (size_t)(e - *r) * JW_ROOM + 2 * JW_ROOM);
		for (n = 0; n < dup_n; n += 32)     /* (the room holds the last 32) */
			memcpy(w + n, b->p + dup_at + n, 32);
		return w + dup_n;
	default:                                 /* JV_LONG */
		memcpy(&n32, v, 4);
		memcpy(w, v + 4, n32);
		*r = v + 4 + n32;
		return w + n32;
	}
}

/* One value of counts at *r (its length, then its bytes) after its key
 * (16 bytes copied, len of them kept). */
static inline char *jx_value(char *w, const unsigned char **r, const char key[JW_ROOM],
                             size_t len)
{
	const unsigned char *v = *r + 1;
	size_t m = **r;
	memcpy(w, key, 16);
	w += len;
	if (m <= JX_SLACK)
		memcpy(w, v, JX_SLACK);
	else
		memcpy(w, v, m);
	*r = v + m;
	return w + m;
}

/* Counts' values at *r laid out at w with their keys but the first. */
static char *jx_counts(char *w, const unsigned char **r)
{
	const unsigned char *v = *r + 1;
	size_t m = **r;
	if (m <= JX_SLACK)
		memcpy(w, v, JX_SLACK);
	else
		memcpy(w, v, m);
	w += m;
	*r = v + m;
	w = jx_value(w, r, jw_text[JW_KEY + 1], jw_len[JW_KEY + 1]);
	w = jx_value(w, r, jw_text[JW_KEY + 2], jw_len[JW_KEY + 2]);
	w = jx_value(w, r, jw_text[JW_KEY + 3], jw_len[JW_KEY + 3]);
	w = jx_value(w, r, jw_text[JW_KEY + 4], jw_len[JW_KEY + 4]);
	w = jx_value(w, r, jw_text[JW_KEY + 5], jw_len[JW_KEY + 5]);
	w = jx_value(w, r, jw_text[JW_KEY + 6], jw_len[JW_KEY + 6]);
	w = jx_value(w, r, jw_text[JW_KEY + 7], jw_len[JW_KEY + 7]);
	return jx_value(w, r, jw_text[JW_KEY + 8], jw_len[JW_KEY + 8]);
}

/* Writes the n bytes of kept text at text as the line's bytes they stand
 * for, JV_DUP's the dup_n bytes at dup_at in b. The
 * room is made once: an item lays out at most 2 * JW_ROOM bytes for each
 * of its bytes (a long queue name and counts again aside). */
static void jb_expand(struct jbuf *b, const char *text, size_t n, size_t dup_at, size_t dup_n)
{
	const unsigned char *r = (const unsigned char *)text, *e = r + n;
	char *w = jx_room(b, b->p + b->n, n * JW_ROOM + 2 * JW_ROOM);
	while (r < e) {
		unsigned c = r[0];
		size_t m = r[1];
		const unsigned char *v = r + 2;
		memcpy(w, jw_text[c], JW_ROOM);
		w += jw_len[c];
		if (m <= JX_SLACK) {                 /* most values */
			memcpy(w, v, JX_SLACK);
			w += m;
			r = v + m;
		} else if (m < JV_SHORT) {
			memcpy(w, v, m);
			w += m;
			r = v + m;
		} else if (m == JV_COUNTS) {
			r = v;
			w = jx_counts(w, &r);
		} else {
			r = v;
			w = jx_far(b, w, &r, e, dup_at, dup_n);
		}
	}
	b->n = (size_t)(w - b->p);
}

/* The per-queue counts of one period (today: true) of f, a queue's that
 * are the agent's own (was: most agents work one queue) referred to
 * (JV_DUP), not kept twice; false when no queue has any. */
static bool jb_queues(struct jbuf *b, const struct snapshot *s, const struct agent_figs *f,
                      bool today, const struct astat_counts *was)
{
	bool first = true;
	for (int k = 0; k < f->n_queues; k++) {
		const struct astat_counts *c = today ? &f->queues[k].today : &f->queues[k].window;
		if (c->answered + c->completed + c->transferred + c->rna == 0)
			continue;
		jk_qname(b, first ? JW_QS_FIRST : JW_QS_NEXT, s, (size_t)f->queues[k].queue);
		first = false;
		if (memcmp(c, was, sizeof *c) == 0) {
			char item[2] = { (char)JW_KEY, (char)JV_DUP };
			jbuf_put(b, item, 2);
		} else {
			jb_counts(b, c, JW_KEY);
		}
	}
	return !first;
}

/* The agent's call up to today's counts (none for one logged off: a call
 * it kept is no longer its queues' work): the word today's counts begin with. */
static enum jword jb_call(struct jbuf *b, const struct snapshot *s, size_t i)
{
	const struct agent_figs *f = snapshot_agent_figs(s, i);
	if (!f->on_call || !f->call_since || logged_off(s, i)) {
		jk_word(b, JW_CALL_NULL);
		return JW_TODAY;
	}
	if (f->call_queue >= 0) {
		jk_qname(b, JW_CALL_QUEUE, s, (size_t)f->call_queue);
	} else {
		size_t at = jk_begin(b, JW_CALL_QUEUE);
		jbuf_put(b, "null", 4);
		jk_end(b, at);
	}
	jk_str(b, JW_CALLERID, f->callerid);
	jk_int(b, JW_SINCE, f->call_since);
	return JW_CALL_TODAY;
}

/* An agent's line is four cached texts, kept per agent (the model's index,
 * not its place in the list: one logging in would move every later one) in
 * one block, as items (jb_expand lays them out): its head (name to today's
 * counts), today's queues (to the window's "seconds"), the window's counts
 * and the window's queues. Between them what moves with the clock is
 * written as it is: logged-in time, paused time and pauses, occupancy
 * (today's and the window's).
 *
 * The texts are written from the agent's figures alone, the queue names
 * (queue_epoch), the day and the window's length: while those are the last
 * line's (lines.gen), the agent's stamps say whether they changed: today's
 * queues hold while its today stamp (agent_figs.stamp_today) does, the
 * window's texts while its stamp does (a window record leaving changes that
 * one alone: the head and today's queues stay). The head depends on the
 * snapshot's view of the agent too (state, since, reason, queues), which
 * moves without the stamps (a wrap-up ending, a call dropped): its key
 * (snapshot_json.h, jkey) is the today stamp with those few values.
 *
 * A queue's counts that are the agent's own (most agents work one queue)
 * are not kept twice (JV_DUP): today's queues refer to the head's end
 * (today's counts, n_hc bytes kept), the window's queues to the window's
 * counts. */
struct aline {
	struct jkey head;            /* what the head was written from */
	uint64_t stamp_today;        /* what today's queues were */
	uint64_t stamp;              /* what the window's texts were */
	uint32_t gen;                /* they hold while this is lines.gen (0: no text) */
	uint32_t n_head, n_today, n_win, n_tail, cap;
	uint32_t n_hc;               /* today's counts: the head's last bytes */
	uint32_t name;               /* name_tag of the name the head begins with */
	char *text;                  /* head, today's queues, window's counts, its queues */
};

static struct {
	struct aline *v;
	size_t n;
	uint32_t gen;
	uint64_t epoch;              /* what gen stands for: queue names, */
	int64_t day;                 /* day and */
	int window_s;                /* window */
} lines;

/* Queue names enter the texts as indexes into s->queues, with the number of
 * the list of names they index (queue_epoch: a new one whenever the list
 * differs from the last line's): no name read again for each agent. */
static uint64_t queue_epoch;
static struct jkey queue_names;
static bool queue_names_valid;

static void queue_epoch_update(const struct snapshot *s)
{
	struct jkey k;
	jkey_start(&k);
	for (size_t q = 0; q < s->n_queues; q++)
		jkey_str(&k, s->queues[q].name);
	if (queue_names_valid && k.a == queue_names.a && k.b == queue_names.b &&
	    k.n == queue_names.n)
		return;
	queue_names = k;
	queue_names_valid = true;
	queue_epoch++;
}

/* The texts of every agent stand for this line's queue names, day and window. */
static void lines_update(const struct snapshot *s)
{
	jw_make();
	queue_epoch_update(s);
	if (lines.gen && lines.epoch == queue_epoch && lines.day == s->day_start &&
	    lines.window_s == s->window_s)
		return;
	if (++lines.gen == 0)
		lines.gen = 1;                  /* 0: none */
	qnames_make(s);
	lines.epoch = queue_epoch;
	lines.day = s->day_start;
	lines.window_s = s->window_s;
}

static struct aline *line_of(uint32_t slot)
{
	if (slot >= lines.n) {              /* an eighth more, not double: 10,000 agents */
		size_t n = slot + 1 + lines.n / 8 + 16;
		lines.v = xrealloc(lines.v, n * sizeof *lines.v);
		memset(lines.v + lines.n, 0, (n - lines.n) * sizeof *lines.v);
		lines.n = n;
	}
	return &lines.v[slot];
}

/* The head's key: the today stamp (for an agent with no figures, 0, its name) and
 * the view's values the head shows. */
static void head_key(struct jkey *k, const struct snapshot *s, size_t i)
{
	const struct agent_view *v = &s->agents[i];
	const struct agent_figs *f = snapshot_agent_figs(s, i);
	int nq = s->agent_n_queues[i];
	uint64_t w[4] = { f->stamp_today, (uint64_t)v->since, (uint64_t)(uintptr_t)v->reason,
		(uint64_t)v->state | (uint64_t)f->on_call << 8 | (uint64_t)(uint32_t)nq << 16 };
	jkey_start(k);
	jkey_put(k, w, sizeof w);
	if (f->stamp_today == 0)
		jkey_str(k, v->name);
	for (int q = 0; q < nq; q++) {
		int32_t r = (int32_t)s->agent_queues[i][q].queue;
		jkey_put(k, &r, sizeof r);
	}
}

static void jb_pauses(struct jbuf *b, int n, const struct astat_pause *p)
{
	jbuf_puts(b, ",\"pauses\":[");
	for (int k = 0; k < n; k++) {
		jbuf_puts(b, k ? ",{\"reason\":" : "{\"reason\":");
		jb_astr(b, p[k].reason);
		jb_key_int(b, ",\"seconds\":", p[k].s);
		jbuf_put(b, "}", 1);
	}
	jbuf_put(b, "]", 1);
}

/* A tag of an agent's name: where the model keeps it (a name is written
 * again only when it moved, not read: each is cold, read once a line). */
static uint32_t name_tag(const char *name)
{
	uintptr_t p = (uintptr_t)name;
	return (uint32_t)(p ^ (uint64_t)p >> 32) | 1;   /* 0: none */
}

/* The kept length of the item at t (its word, length and value). */
static size_t jk_item_len(const unsigned char *t)
{
	uint32_t n32;
	if (t[1] < JV_SHORT)
		return 2 + (size_t)t[1];
	memcpy(&n32, t + 2, 4);                  /* JV_LONG: names are text */
	return 6 + (size_t)n32;
}

/* (*hc: where today's counts begin in b; was: the last head, whose first
 * item is the name when its tag is the name's) */
static void jb_head(struct jbuf *b, const struct snapshot *s, size_t i, size_t *hc,
                    const struct aline *was)
{
	const struct agent_view *v = &s->agents[i];
	const struct agent_figs *f = snapshot_agent_figs(s, i);
	int nq = s->agent_n_queues[i];
	enum jword today;
	if (was->text && was->n_head && was->name == name_tag(v->name))
		jbuf_put(b, was->text, jk_item_len((const unsigned char *)was->text));
	else
		jk_str(b, JW_NAME, v->name);
	if ((int)v->state >= 0 && (int)v->state <= AGENT_LOGGED_OFF) {
		jk_int(b, (enum jword)(JW_STATE + (int)v->state), v->since);
	} else {
		size_t at = jk_begin(b, JW_STATE_KEY);
		jbuf_string(b, agent_stats_state_name((int)v->state));
		jk_end(b, at);
		jk_int(b, JW_SINCE, v->since);
	}
	if (v->reason)
		jk_str(b, JW_REASON, v->reason);
	if (nq == 0)
		jk_word(b, JW_QUEUES);
	for (int k = 0; k < nq; k++)
		jk_qname(b, k ? JW_COMMA : JW_QUEUES, s, (size_t)s->agent_queues[i][k].queue);
	today = jb_call(b, s, i);
	*hc = b->n;
	jb_counts(b, &f->today, today);
}

/* Today's queues, up to the window's counts. */
static void jb_today(struct jbuf *b, const struct snapshot *s, const struct agent_figs *f)
{
	if (jb_queues(b, s, f, true, &f->today)) {
		jk_int(b, JW_QS_WINDOW, s->window_s);
	} else {
		jk_word(b, JW_QS_NONE);
		jk_int(b, JW_WINDOW, s->window_s);
	}
}

static void jb_tail(struct jbuf *b, const struct snapshot *s, const struct agent_figs *f)
{
	jk_word(b, jb_queues(b, s, f, false, &f->window) ? JW_QS_END : JW_QS_NONE_END);
}

/* Writes again what of agent i's texts no longer holds (head: its new key;
 * today: today's queues; win: the window's texts), keeping the rest, into a
 * block of their size. */
static void line_write(struct aline *l, const struct snapshot *s, size_t i,
                       const struct jkey *head, bool head_ok, bool today_ok, bool win_ok)
{
	const struct agent_figs *f = snapshot_agent_figs(s, i);
	struct jbuf *t = jpiece_begin();
	size_t at, was_win = (size_t)l->n_head + l->n_today;   /* in the old block */
	if (head_ok) {
		jbuf_put(t, l->text, l->n_head);
	} else {
		jb_head(t, s, i, &at, l);
		l->name = name_tag(s->agents[i].name);
		l->n_hc = (uint32_t)(t->n - at);
	}
	at = t->n;
	if (today_ok)
		jbuf_put(t, l->text + l->n_head, l->n_today);
	else
		jb_today(t, s, f);
	l->n_today = (uint32_t)(t->n - at);
	at = t->n;
	if (win_ok) {
		jbuf_put(t, l->text + was_win, (size_t)l->n_win + l->n_tail);
	} else {
		jb_counts(t, &f->window, JW_KEY);
		l->n_win = (uint32_t)(t->n - at);
		jb_tail(t, s, f);
		l->n_tail = (uint32_t)(t->n - at - l->n_win);
	}
	if (t->n > UINT32_MAX / 2)
		fatal("an agent's JSON of %zu bytes", t->n);
	l->n_head = (uint32_t)(t->n - l->n_today - l->n_win - l->n_tail);
	if (!l->text || l->cap < t->n || l->cap > t->n + t->n / 4 + 32) {
		free(l->text);
		l->cap = (uint32_t)t->n;
		l->text = xmalloc(t->n + JX_SLACK);
	}
	memcpy(l->text, t->p, t->n);
	l->head = *head;
	l->stamp_today = f->stamp_today;
	l->stamp = f->stamp;
	l->gen = lines.gen;
}

/* ---- what moves with the clock, each agent each line: written at a pointer
 * into room made once (no room check per number) */

/* jb_afig's bytes at w for v with no room needed past 32 bytes; false (w
 * unchanged) for what jb_afig alone writes: NAN (null), a negative or vast v.
 * round(x) for 0 <= x < 1e13 is its whole part, plus one from a half (the
 * fraction x - whole is exact). */
static inline bool put_afig(char **w, double v)
{
	double x = v * 100.0;
	if (!(x >= 0.0 && x < 1e13) || signbit(x))
		return false;
	unsigned long long u = (unsigned long long)x;
	if (x - (double)u >= 0.5)
		u++;
	unsigned long long whole = u / 100;
	unsigned r = (unsigned)(u - whole * 100);   /* the hundredths: two digits */
	char *p = bytes_put_uint(*w, whole);
	p[0] = '.';
	memcpy(p + 1, bytes_digit_pair(r), 2);
	*w = p + 2 + (p[2] != '0');                 /* 65.1, 65.19 */
	return true;
}

/* ,"login_s":L,"paused_s":0,"pauses":[],"occupancy_pct":O of an agent not
 * paused in the period (paused: paused_s is P, not 0): true when written. */
static bool put_time(struct jbuf *b, int64_t login_s, int64_t paused_s, double occ)
{
	char *w;
	if (b->n + 160 > b->cap)
		jbuf_grow(b, 160);
	w = b->p + b->n;
	w = PUT_LIT(w, ",\"login_s\":");
	w = bytes_put_int(w, login_s);
	if (paused_s == 0) {                     /* most agents: one piece */
		w = PUT_LIT(w, ",\"paused_s\":0,\"pauses\":[],\"occupancy_pct\":");
	} else {
		w = PUT_LIT(w, ",\"paused_s\":");
		w = bytes_put_int(w, paused_s);
		w = PUT_LIT(w, ",\"pauses\":[],\"occupancy_pct\":");
	}
	if (isnan(occ))
		w = PUT_LIT(w, "null");
	else if (!put_afig(&w, occ))
		return false;
	b->n = (size_t)(w - b->p);
	return true;
}

/* Today's logged-in and paused time, pauses and occupancy (t: the agent's,
 * at the line's time): what moves with the clock, written as it is each line. */
static void jb_agent_today_time(struct jbuf *b, const struct astat_time *t)
{
	if (t->n_pauses == 0 && put_time(b, t->login_s, 0, t->occupancy_pct)) {
		/* most agents */
	} else if (t->n_pauses == 0) {
		jb_key_int(b, ",\"login_s\":", t->login_s);
		jbuf_puts(b, ",\"paused_s\":0,\"pauses\":[],\"occupancy_pct\":");
		jb_afig(b, t->occupancy_pct);
	} else {
		jb_key_int(b, ",\"login_s\":", t->login_s);
		jb_key_int(b, ",\"paused_s\":", t->paused_s);
		jb_pauses(b, t->n_pauses, t->pauses);
		jbuf_puts(b, ",\"occupancy_pct\":");
		jb_afig(b, t->occupancy_pct);
	}
}

/* The window's time (t, at the line's time) as time_json writes it. */
static void jb_agent_window_time(struct jbuf *b, const struct astat_time *t)
{
	if (t->n_pauses > 0 || !put_time(b, t->login_s, t->paused_s, t->occupancy_pct)) {
		jb_key_int(b, ",\"login_s\":", t->login_s);
		jb_key_int(b, ",\"paused_s\":", t->paused_s);
		if (t->n_pauses == 0)
			jbuf_puts(b, ",\"pauses\":[]");
		else
			jb_pauses(b, t->n_pauses, t->pauses);
		jbuf_puts(b, ",\"occupancy_pct\":");
		jb_afig(b, t->occupancy_pct);
	}
}

static void jb_agent(struct jbuf *b, const struct snapshot *s, size_t i)
{
	const struct agent_figs *f = snapshot_agent_figs(s, i);
	struct aline *l = line_of(f->slot);
	struct jkey hk;
	bool held = l->gen == lines.gen, head_ok, today_ok, win_ok;
	const char *t;
	size_t hc, n_hc, wc, n_wc;           /* the counts laid out in b, for JV_DUP */
	struct agent_clock ck;               /* what moves with the clock, at the line's time */
	agent_figs_at(f, s->as_of, &ck);
	head_key(&hk, s, i);
	head_ok = held && l->head.a == hk.a && l->head.b == hk.b && l->head.n == hk.n;
	today_ok = held && l->stamp_today == f->stamp_today;
	win_ok = held && l->stamp == f->stamp;
	if (!head_ok || !today_ok || !win_ok)
		line_write(l, s, i, &hk, head_ok, today_ok, win_ok);
	/* the counts end the head and the window's counts: their bytes laid
	 * out from the first value on are known from their kept length */
	t = l->text;
	n_hc = l->n_hc + jc_grow;
	n_wc = l->n_win + jc_grow;
	jb_expand(b, t, l->n_head, 0, 0);
	hc = b->n - n_hc;
	jb_agent_today_time(b, &ck.today);
	jb_expand(b, t + l->n_head, (size_t)l->n_today + l->n_win, hc, n_hc);
	wc = b->n - n_wc;
	jb_agent_window_time(b, &ck.window);
	jb_expand(b, t + l->n_head + l->n_today + l->n_win, l->n_tail, wc, n_wc);
}

void agent_json_cache_clear(void)
{
	for (size_t i = 0; i < lines.n; i++)
		free(lines.v[i].text);
	free(lines.v);
	memset(&lines, 0, sizeof lines);
	qnames_free();
	queue_names_valid = false;
}

void jbuf_agents(struct jbuf *b, const struct snapshot *s)
{
	size_t n = s->n_agents + s->n_agents_off;   /* the logged off of today last */
	lines_update(s);
	jbuf_put(b, "[", 1);
	for (size_t i = 0; s->agent_figs && i < n; i++) {
		if (i)
			jbuf_put(b, ",", 1);
		jbuf_part(b);
		/* the agents' figures, then their texts' places, then the texts:
		 * cache misses, each a few agents ahead of what it needs */
		if (i + 16 < n) {
			__builtin_prefetch(snapshot_agent_figs(s, i + 16));
			__builtin_prefetch(&snapshot_agent_figs(s, i + 16)->wtime.pauses);
			if (s->agent_n_queues[i + 16] > 0)
				__builtin_prefetch(s->agent_queues[i + 16]);
		}
		if (i + 10 < n && snapshot_agent_figs(s, i + 10)->slot < lines.n) {
			const struct aline *l = &lines.v[snapshot_agent_figs(s, i + 10)->slot];
			__builtin_prefetch(l);
			__builtin_prefetch((const char *)l + sizeof *l - 1);
		}
		if (i + 5 < n && snapshot_agent_figs(s, i + 5)->slot < lines.n) {
			const struct aline *l = &lines.v[snapshot_agent_figs(s, i + 5)->slot];
			uintptr_t t = (uintptr_t)l->text;
			__builtin_prefetch((const void *)t);
			__builtin_prefetch((const void *)(t + 64));
			if (l->cap > 128)            /* most texts: three lines */
				__builtin_prefetch((const void *)(t + 128));
		}
		/* where the next agents' bytes and pieces go: written once a tick,
		 * cold by then (a live tick reads thousands of lines in between) */
		if (b->n + 1024 < b->cap)
			__builtin_prefetch(b->p + b->n + 1024, 1);
		if (b->segs && b->segs->n + 64 < b->segs->cap)
			__builtin_prefetch(&b->segs->v[b->segs->n + 64], 1);
		jb_agent(b, s, i);
	}
	jbuf_put(b, "]", 1);
}
