/* agent_stats.c - each agent's day (agent_stats.h): what the model's events
 * did for the agent they name, today and in the window, per queue; pauses by
 * reason and logged-in time as periods closed when the agent's state changes.
 *
 * Today's figures belong to the day they were counted in (st->day): the first
 * event of a new day, or a read, finds them stale and starts from zero. The
 * window's records are the queues' window records (model_tally.c), which an
 * agent's CONNECT or end shares with its queue's tally: each is added to its
 * agent's window figures and taken out when it leaves the window. */
#include "agent_stats.h"
#include "model_internal.h"

#include <limits.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "figures.h"
#include "natsort.h"
#include "util.h"

#define NONE INT64_MIN           /* a period (logged in, paused) not open */

/* A closed logged-in or paused period, kept while it ends in the window. */
struct period {
	int64_t from, to;
	bool paused;
	char reason[ASTAT_REASON_LEN];
};

/* What makes a RINGNOANSWER line the same as another of the same agent. */
struct rna_key {
	int64_t t;
	long ring_ms;
	int32_t queue;
	uint32_t callid_hash, callid_len;
};

/* The current call's caller id (at most 39 bytes, as a call's):
 * in place when shorter than ST_CALLER_IN ("+15552927470"), else on the
 * heap: 24 bytes an agent, not 40. */
#define ST_CALLER_IN 24
union st_caller {
	char in[ST_CALLER_IN];       /* NUL-terminated; its last byte (on_heap) 0 */
	struct {
		char *heap;
		char pad[ST_CALLER_IN - sizeof(char *) - 1];
		char on_heap;
	} h;
};
_Static_assert(sizeof(union st_caller) == ST_CALLER_IN, "union st_caller has no padding");

struct agent_stats {
	/* first what a snapshot reads of every agent each tick (one cache line) */
	uint64_t stamp;              /* agent_figs.stamp: st_touch after each change */
	uint64_t stamp_today;        /* agent_figs.stamp_today: the same but a window change */
	int64_t day;                 /* day_start of the today figures */
	int64_t login_since;
	int64_t pause_since;
	int nq;                      /* queues worked (q) ... */
	int npauses;                 /* today's pause reasons (pauses) ... */
	int nper;                    /* closed periods (per) ... */
	int nper_paused;             /* ... of them paused (model_agent_figs_pauses) */
	int capq, cappauses, capper; /* ... and room for them */
	int32_t call_queue;
	struct astat_counts today, window;
	struct agent_queue_figs *q;  /* queues worked today or in the window */
	int64_t login_s;
	char *pause_reason;          /* the current pause's (while pause_since is set): room
	                                for ASTAT_REASON_LEN bytes, made at the agent's first
	                                pause (most agents of a big centre never pause) */
	struct astat_pause *pauses;  /* today's by reason: room for cappauses, made as
	                                paused (most agents of a big centre never are) */
	int64_t call_since;          /* the latest call answered (0: none) */
	union st_caller caller;
	int64_t off_since;           /* logged off at (NONE: logged in, or never seen so) */
	struct period *per;          /* closed periods that may still end in the window */
	struct rna_key last_rna;     /* the latest missed ring: its duplicate is not counted */
};

_Static_assert(sizeof(struct agent_stats) <= 280, "struct agent_stats fits a 288-byte chunk");

/* ---- counts ------------------------------------------------------------ */

double astat_aht(const struct astat_counts *c)
{
	int64_t handled = c->completed + c->transferred;
	return handled ? (double)(c->talk_s + c->wrapup_s) / (double)handled : NAN;
}

double astat_asa(const struct astat_counts *c)
{
	return c->answered ? (double)c->hold_s / (double)c->answered : NAN;
}

static int64_t pos(int64_t v)
{
	return v > 0 ? v : 0;
}

/* What one event of kind (value: hold s, talk s or ring ms; wrapup for an
 * end) adds to an agent's counts. */
static struct astat_counts rec_delta(enum ev_kind kind, int32_t value, int wrapup)
{
	struct astat_counts d = { 0 };
	switch (kind) {
	case EV_CONNECT: d.answered = 1; d.hold_s = pos(value); break;
	case EV_COMPLETE: d.completed = 1; d.talk_s = pos(value); d.wrapup_s = wrapup; break;
	case EV_TRANSFER: d.transferred = 1; d.talk_s = pos(value); d.wrapup_s = wrapup; break;
	case EV_RINGNOANSWER: d.rna = 1; d.ring_ms = pos(value); break;
	default: break;
	}
	return d;
}

static void counts_plus(struct astat_counts *a, const struct astat_counts *d, int sign)
{
	a->answered += sign * d->answered;     /* (rec_delta's counts are 0 or 1) */
	a->completed += sign * d->completed;
	a->transferred += sign * d->transferred;
	a->rna += sign * d->rna;
	a->talk_s += sign * d->talk_s;
	a->hold_s += sign * d->hold_s;
	a->ring_ms += sign * d->ring_ms;
	a->wrapup_s += sign * d->wrapup_s;
}

static bool counts_zero(const struct astat_counts *c)
{
	static const struct astat_counts zero;
	return memcmp(c, &zero, sizeof zero) == 0;
}

/* ---- one agent's record ------------------------------------------------ */

/* The stamps of every model's agents, from one clock: a stamp names one agent
 * and one state of its figures (the model lives on the loop thread alone). */
static uint64_t stamp_clock;

static void st_touch(struct model *m, int32_t ai, struct agent_stats *st)
{
	m->astat_stamp[ai] = st->stamp_today = st->stamp = ++stamp_clock;
}

/* A change of the window's figures alone (a record leaving it). */
static void st_touch_window(struct model *m, int32_t ai, struct agent_stats *st)
{
	m->astat_stamp[ai] = st->stamp = ++stamp_clock;
}

static struct agent_stats *st_new(const struct model *m)
{
	struct agent_stats *st = xcalloc(1, sizeof *st);
	st->day = m->day_start;
	st->login_since = st->pause_since = st->off_since = NONE;
	st->call_queue = -1;
	st->last_rna.t = NONE;
	return st;
}

void astat_free(struct agent_stats *st)
{
	if (st) {
		free(st->q);
		free(st->per);
		free(st->pauses);
		free(st->pause_reason);
		if (st->caller.h.on_heap)
			free(st->caller.h.heap);
	}
	free(st);
}

static struct agent_queue_figs *queue_slot(struct agent_stats *st, int32_t qi, bool add)
{
	for (int i = 0; i < st->nq; i++)
		if (st->q[i].queue == qi)
			return &st->q[i];
	if (!add)
		return NULL;
	if (st->nq == st->capq) {
		st->capq = st->capq ? st->capq * 2 : 1;   /* most agents work one queue */
		st->q = xrealloc(st->q, (size_t)st->capq * sizeof *st->q);
	}
	memset(&st->q[st->nq], 0, sizeof st->q[st->nq]);
	st->q[st->nq].queue = qi;
	return &st->q[st->nq++];
}

/* Drops the per-queue figures with nothing left in them. */
static void queues_prune(struct agent_stats *st)
{
	int k = 0;
	for (int i = 0; i < st->nq; i++)
		if (!counts_zero(&st->q[i].today) || !counts_zero(&st->q[i].window))
			st->q[k++] = st->q[i];
	st->nq = k;
}

/* A new day: today's figures start from zero (open periods count from day). */
static void st_day(struct agent_stats *st, int64_t day)
{
	if (st->day == day)
		return;
	st->day = day;
	memset(&st->today, 0, sizeof st->today);
	st->login_s = 0;
	st->npauses = 0;
	for (int i = 0; i < st->nq; i++)
		memset(&st->q[i].today, 0, sizeof st->q[i].today);
	queues_prune(st);
}

/* The seconds of a period from since to t that fall in the day from day. */
static int64_t period_s(int64_t since, int64_t t, int64_t day)
{
	return since == NONE ? 0 : pos(t - (since > day ? since : day));
}

static void pause_add(struct astat_pause *p, int *n, const char *reason, int64_t s)
{
	int i;
	for (i = 0; i < *n; i++)
		if (strcmp(p[i].reason, reason) == 0)
			break;
	if (i == *n && *n < ASTAT_MAX_REASONS) {
		size_t len = strnlen(reason, sizeof p[i].reason - 1);   /* as "%s", cut: no printf */
		memcpy(p[i].reason, reason, len);
		p[i].reason[len] = '\0';
		p[i].s = 0;                     /* a new slot: the array is not cleared */
		(*n)++;
	} else if (i == *n) {
		i = *n - 1;                     /* past the room: the last one is "other" */
		snprintf(p[i].reason, sizeof p[i].reason, "other");
	}
	p[i].s += s;
}

/* pause_add into st's pauses, made room for first (up to ASTAT_MAX_REASONS). */
static void st_pause_add(struct agent_stats *st, const char *reason, int64_t s)
{
	if (st->npauses == st->cappauses && st->cappauses < ASTAT_MAX_REASONS) {
		st->cappauses = st->cappauses ? 2 * st->cappauses : 2;
		if (st->cappauses > ASTAT_MAX_REASONS)
			st->cappauses = ASTAT_MAX_REASONS;
		st->pauses = xrealloc(st->pauses, (size_t)st->cappauses * sizeof *st->pauses);
	}
	pause_add(st->pauses, &st->npauses, reason, s);
}

static bool agent_all_paused(const struct agent *a)
{
	if (a->nmem == 0)
		return a->global_login && a->paused_all;
	for (int i = 0; i < a->nmem; i++)
		if (!a->mem[i].paused)
			return false;
	return true;
}

/* Keeps the closed period [from, to) for the window; drops the periods that
 * ended at or before edge (they are out of it). */
static void period_keep(struct agent_stats *st, int64_t from, int64_t to, bool paused,
                        const char *reason, int64_t edge)
{
	int k = 0;
	st->nper_paused = 0;
	for (int i = 0; i < st->nper; i++)
		if (st->per[i].to > edge) {
			st->nper_paused += st->per[i].paused;
			st->per[k++] = st->per[i];
		}
	st->nper = k;
	if (to <= edge || to <= from)
		return;
	if (st->nper == st->capper) {
		st->capper = st->capper ? st->capper * 2 : 1;   /* most keep one or two */
		st->per = xrealloc(st->per, (size_t)st->capper * sizeof *st->per);
	}
	st->per[st->nper] = (struct period){ .from = from, .to = to, .paused = paused };
	snprintf(st->per[st->nper].reason, sizeof st->per[st->nper].reason, "%s", reason);
	st->nper_paused += paused;
	st->nper++;
}

/* The agent's logged-in and paused periods follow its state at time t
 * (edge: the window's, for the periods it keeps). */
static void st_sync(struct agent_stats *st, const struct agent *a, int64_t t, int64_t edge)
{
	bool in = a->nmem > 0 || a->global_login;
	bool paused = in && agent_all_paused(a);
	char reason[ASTAT_REASON_LEN];
	snprintf(reason, sizeof reason, "%s", paused && a->reason ? a->reason : "");
	if (st->pause_since != NONE && (!paused || strcmp(reason, st->pause_reason) != 0)) {
		st_pause_add(st, st->pause_reason, period_s(st->pause_since, t, st->day));
		period_keep(st, st->pause_since, t, true, st->pause_reason, edge);
		st->pause_since = NONE;
	}
	if (paused && st->pause_since == NONE) {
		st->pause_since = t;
		if (!st->pause_reason)
			st->pause_reason = xmalloc(ASTAT_REASON_LEN);
		memcpy(st->pause_reason, reason, sizeof reason);
	}
	if (st->login_since != NONE && !in) {
		st->login_s += period_s(st->login_since, t, st->day);
		period_keep(st, st->login_since, t, false, "", edge);
		st->login_since = NONE;
		st->off_since = t;
	}
	if (in && st->login_since == NONE) {
		st->login_since = t;
		st->off_since = NONE;
	}
}

/* ---- the window ----------------------------------------------------------
 * The agents' window records are the queues' (model_tally.c, struct wtally):
 * a CONNECT or an end is one record for both. */

/* Keeps a leaving in the journal, the oldest lost past ASTAT_WOUT_CAP. */
static void wout_note(struct model *m, const struct astat_wout *e)
{
	struct astat_journal *j = &m->wout;
	if (!j->v)
		j->v = xmalloc(ASTAT_WOUT_CAP * sizeof *j->v);
	j->v[j->end % ASTAT_WOUT_CAP] = *e;
	if (++j->end - j->first > ASTAT_WOUT_CAP)
		j->first = j->end - ASTAT_WOUT_CAP;
}

/* The journal's entries no longer apply (agents or queues renumbered). */
static void wout_forget(struct model *m)
{
	m->wout.first = m->wout.end;
}

void model_agent_wout_span(const struct model *m, uint64_t *first, uint64_t *end)
{
	*first = m->wout.first;
	*end = m->wout.end;
}

const struct astat_wout *model_agent_wout_at(const struct model *m, uint64_t k)
{
	return &m->wout.v[k % ASTAT_WOUT_CAP];
}

void astat_window_out(struct model *m, int32_t ai, int32_t qi, enum ev_kind kind,
                      int32_t value, int wrapup)
{
	struct agent_stats *st = m->agents[ai].st;
	struct agent_queue_figs *qf;
	struct astat_counts d = rec_delta(kind, value, wrapup);
	uint64_t before;
	if (st == NULL)
		return;
	before = st->stamp;
	st_touch_window(m, ai, st);
	wout_note(m, &(struct astat_wout){ .stamp_before = before, .stamp_after = st->stamp,
		.agent = ai, .queue = qi, .value = value, .wrapup = wrapup, .kind = (int32_t)kind });
	counts_plus(&st->window, &d, -1);
	if (qi >= 0 && (qf = queue_slot(st, qi, false)) != NULL) {
		counts_plus(&qf->window, &d, -1);
		if (counts_zero(&qf->window) && counts_zero(&qf->today))
			queues_prune(st);
	}
}

void astat_window_prefetch(const struct model *m, int32_t ai, int step)
{
	const struct agent_stats *st;
	if (step == 0) {
		__builtin_prefetch(&m->agents[ai].st);
		__builtin_prefetch(&m->astat_stamp[ai], 1);
	} else if ((st = m->agents[ai].st) != NULL && step == 1) {
		__builtin_prefetch(st, 1);                /* the stamps, nq */
		__builtin_prefetch(&st->window, 1);
		__builtin_prefetch(&st->q);
	} else if (st && st->q) {
		__builtin_prefetch(st->q, 1);
		__builtin_prefetch(&st->q->window.talk_s, 1);
	}
}

void astat_renumber_queues(struct model *m, const int32_t *map)
{
	for (size_t i = 0; i < m->agent_names.count; i++) {
		struct agent_stats *st = m->agents[i].st;
		int k = 0;
		if (!st)
			continue;
		st_touch(m, (int32_t)i, st);
		for (int j = 0; j < st->nq; j++)
			if ((st->q[j].queue = map[st->q[j].queue]) >= 0)
				st->q[k++] = st->q[j];
		st->nq = k;
		st->call_queue = st->call_queue >= 0 ? map[st->call_queue] : -1;
		st->last_rna.queue = st->last_rna.queue >= 0 ? map[st->last_rna.queue] : -1;
	}
	wout_forget(m);
}

void astat_renumber_agents(struct model *m, const int32_t *map)
{
	/* the agents moved: their stamps follow (none past them) */
	for (size_t i = 0; i < m->cap_agents; i++)
		m->astat_stamp[i] = i < m->agent_names.count && m->agents[i].st
		                  ? m->agents[i].st->stamp : 0;
	tally_window_renumber_agents(m, map);
	wout_forget(m);
}

/* ---- events ------------------------------------------------------------ */

/* Counts a CONNECT, an end or a missed ring of agent ai today and in the window. */
static void count_event(struct model *m, int32_t ai, struct agent_stats *st,
                        const struct qevent *ev, int32_t qi)
{
	long v = ev->kind == EV_CONNECT ? ev->hold_s : ev->kind == EV_RINGNOANSWER ? ev->ring_ms
	       : ev->talk_s;
	int32_t value = v > INT32_MAX ? INT32_MAX : (int32_t)v;
	int wrapup = 0;
	if ((ev->kind == EV_COMPLETE || ev->kind == EV_TRANSFER) && qi >= 0)
		wrapup = m->queues[qi].conf.wrapup_s;   /* config: 0..3600 */
	struct astat_counts d = rec_delta(ev->kind, value, wrapup);
	struct agent_queue_figs *qf = qi >= 0 ? queue_slot(st, qi, true) : NULL;
	if (ev->time >= m->day_start && ev->time < m->day_end) {
		counts_plus(&st->today, &d, 1);
		if (qf)
			counts_plus(&qf->today, &d, 1);
	}
	/* (an index past a record's room, past any max_agents, is not windowed) */
	if (ev->time > m->now - m->cfg->window_s && ai <= WT_INDEX_MAX) {
		counts_plus(&st->window, &d, 1);
		if (qf)
			counts_plus(&qf->window, &d, 1);
		tally_window_agent(m, ev->time, qi, ev->kind, value, ai, wrapup);
	}
	if (qf && counts_zero(&qf->today) && counts_zero(&qf->window))
		queues_prune(st);
}

/* Keeps id (cut to a call's room for it) as u. */
static void caller_set(union st_caller *u, const char *id)
{
	size_t len = strnlen(id, CALL_CALLERID_MAX - 1);
	if (u->h.on_heap)
		free(u->h.heap);
	if (len < ST_CALLER_IN - 1) {
		memcpy(u->in, id, len);
		memset(u->in + len, 0, ST_CALLER_IN - len);
		return;
	}
	u->h.heap = xmalloc(len + 1);
	memcpy(u->h.heap, id, len);
	u->h.heap[len] = '\0';
	u->h.on_heap = 1;
}

static const char *caller_get(const union st_caller *u)
{
	return u->h.on_heap ? u->h.heap : u->in;
}

/* A call answered (or found in progress): the agent's current call. */
static void note_call(struct model *m, struct agent_stats *st, const struct qevent *ev,
                      int32_t qi)
{
	const struct call *c = call_find(&m->calls, ev, qi, call_hash(ev, qi));
	st->call_since = ev->time;
	st->call_queue = qi;
	caller_set(&st->caller, c ? call_callerid(c) : "");
}

/* Whether the model took the agent an event of kind names as its own (so
 * it is known, and not made up here past max_agents): outcomes other than
 * CONNECT, ENTERQUEUE, a forgotten call and a restart name none. */
static bool names_agent(enum ev_kind kind)
{
	switch (kind) {
	case EV_ENTER: case EV_ABANDON: case EV_TIMEOUT: case EV_EXITKEY: case EV_EXITEMPTY:
	case EV_WITHDRAW: case EV_FORGET: case EV_QUEUESTART:
		return false;
	default:
		return true;
	}
}

/* True when ev repeats the agent's latest missed ring (the same call, queue,
 * ring time and timestamp: a duplicated line, as the model's outcomes and
 * ends are counted once); remembers ev as the latest otherwise. */
static bool rna_repeat(struct agent_stats *st, const struct qevent *ev, int32_t qi)
{
	struct rna_key k = { .t = ev->time, .ring_ms = ev->ring_ms, .queue = qi,
		.callid_hash = ev->callid_hash, .callid_len = ev->callid_len };
	struct rna_key *l = &st->last_rna;
	if (l->t == k.t && l->ring_ms == k.ring_ms && l->queue == k.queue &&
	    l->callid_hash == k.callid_hash && l->callid_len == k.callid_len)
		return true;
	*l = k;
	return false;
}

void astat_on_event(struct model *m, const struct qevent *ev, int32_t qi)
{
	if (m->counts_only)
		return;
	if (ev->agent == NULL || !names_agent(ev->kind))
		return;
	int32_t ai = model_agent_index(m, ev);
	struct agent *a = &m->agents[ai];
	if (!a->st)
		a->st = st_new(m);
	st_day(a->st, m->day_start);
	switch (ev->kind) {
	case EV_CONNECT:
		note_call(m, a->st, ev, qi);
		count_event(m, ai, a->st, ev, qi);
		break;
	case EV_BUSY:
		note_call(m, a->st, ev, qi);
		break;
	case EV_RINGNOANSWER:
		if (!rna_repeat(a->st, ev, qi))
			count_event(m, ai, a->st, ev, qi);
		break;
	case EV_COMPLETE: case EV_TRANSFER:
		count_event(m, ai, a->st, ev, qi);
		break;
	default:
		break;
	}
	st_sync(a->st, a, ev->time, m->now - m->cfg->window_s);
	st_touch(m, ai, a->st);
}

/* ---- reading ----------------------------------------------------------- */

int model_agent_figs_queues(const struct model *m, size_t ai)
{
	const struct agent_stats *st = m->agents[ai].st;
	return st ? st->nq : 0;
}

/* What moves with the clock today (from zero; st's closed figures when st's
 * day is today): logged-in time, pauses by reason (into pauses) and paused
 * time, the current pause. */
static void read_today(const struct model *m, const struct agent_stats *st,
                       struct agent_figs *out, struct astat_pause *pauses)
{
	int64_t day = m->day_start, now = m->now;
	bool fresh = st->day == day;
	out->login_s = fresh ? st->login_s : 0;
	out->n_pauses = fresh ? st->npauses : 0;
	out->paused_s = 0;
	out->pauses = pauses;
	if (out->n_pauses)
		memcpy(pauses, st->pauses, (size_t)out->n_pauses * sizeof *pauses);
	out->login_s += period_s(st->login_since, now, day);
	if (st->pause_since != NONE) {
		out->paused_now = true;
		out->pause_since = st->pause_since;
		out->pause_reason = st->pause_reason;
		pause_add(pauses, &out->n_pauses, st->pause_reason,
		          period_s(st->pause_since, now, day));
	}
	for (int i = 0; i < out->n_pauses; i++)
		out->paused_s += pauses[i].s;
}

/* The seconds of [from, to) in the window (edge, now]. */
static int64_t overlap_s(int64_t from, int64_t to, int64_t edge, int64_t now)
{
	return from == NONE ? 0 : pos((to < now ? to : now) - (from > edge ? from : edge));
}

/* Occupancy: busy / (logged in - paused), busy no more than that time; NAN
 * with no such time. */
static double occupancy_pct(int64_t login_s, int64_t paused_s, int64_t busy_s)
{
	int64_t avail = login_s - paused_s;
	if (avail <= 0)
		return NAN;
	return 100.0 * (double)(busy_s < avail ? busy_s : avail) / (double)avail;
}

static void occupancy(struct astat_time *t)
{
	t->occupancy_pct = occupancy_pct(t->login_s, t->paused_s, t->busy_s);
}

/* The logged-in and paused time of the window (its pauses into pauses), and
 * its occupancy. */
static void read_window(const struct model *m, const struct agent_stats *st,
                        struct agent_figs *out, struct astat_pause *pauses)
{
	struct astat_time *w = &out->wtime;
	int64_t now = m->now, edge = now - m->cfg->window_s, s;
	*w = (struct astat_time){ .pauses = pauses };
	for (int i = 0; i < st->nper; i++) {
		const struct period *p = &st->per[i];
		if ((s = overlap_s(p->from, p->to, edge, now)) == 0)
			continue;
		if (!p->paused)
			w->login_s += s;
		else
			pause_add(pauses, &w->n_pauses, p->reason, s);
	}
	w->login_s += overlap_s(st->login_since, now, edge, now);
	if ((s = overlap_s(st->pause_since, now, edge, now)) > 0)
		pause_add(pauses, &w->n_pauses, st->pause_reason, s);
	for (int i = 0; i < w->n_pauses; i++)
		w->paused_s += pauses[i].s;
	w->busy_s = out->window.talk_s + out->window.wrapup_s +
	            (out->on_call && out->call_since ? overlap_s(out->call_since, now, edge, now) : 0);
	occupancy(w);
}

static void occupancy_today(struct agent_figs *out)
{
	out->occupancy_pct = occupancy_pct(out->login_s, out->paused_s, out->busy_s);
}

static void lower(int64_t *until, int64_t t)
{
	if (t < *until)
		*until = t;
}

/* The rate (seconds a second: 0 or 1) at which period_s(since, now, day)
 * grows from now0 on; *until lowered to when it may change. */
static int period_rate(int64_t since, int64_t day, int64_t now0, int64_t *until)
{
	int64_t from = since > day ? since : day;
	if (since == NONE)
		return 0;
	if (from > now0) {
		lower(until, from);
		return 0;
	}
	return 1;
}

/* The rate (-1, 0 or 1) at which overlap_s(from, to, now - w, now) moves
 * from now0 on (to NONE: a period still open, to now); *until lowered to
 * when it may change: the window's edge or now passing the period's ends, or
 * the overlap reaching 0. */
static int overlap_rate(int64_t from, int64_t to, int64_t w, int64_t now0, int64_t *until)
{
	int64_t edge = now0 - w, end, v;
	int r;
	if (from == NONE)
		return 0;
	end = to == NONE || to > now0 ? now0 : to;
	v = end - (from > edge ? from : edge);
	r = (to == NONE || to > now0) - (edge >= from);
	if (to != NONE && to > now0)
		lower(until, to);
	if (edge < from)
		lower(until, from + w);
	if (v > 0 && r < 0)
		lower(until, now0 + v);
	else if (v < 0 && r > 0)
		lower(until, now0 - v);
	return v > 0 || (v == 0 && r > 0) ? r : 0;
}

/* Sets out's clock rates (struct agent_figs) as read_time just read them:
 * an agent not paused now whose pauses in the window do not move (the
 * window's edge not in one: most agents most of the time) has only its
 * logged-in and busy times moving, each linearly between the times its
 * periods begin, end or cross the window's edge; its pauses stay. */
static void clock_rates(const struct model *m, const struct agent_stats *st,
                        struct agent_figs *out)
{
	int64_t now = m->now, day = m->day_start, until = INT64_MAX;
	int w = m->cfg->window_s;
	int8_t *r = out->clock_rate;
	out->clock_at = now;
	out->clock_span = 0;
	if (st->pause_since != NONE)
		return;
	r[0] = (int8_t)period_rate(st->login_since, day, now, &until);
	r[1] = (int8_t)(out->on_call ? period_rate(out->call_since ? out->call_since : NONE, day,
	                                           now, &until) : 0);
	r[2] = (int8_t)overlap_rate(st->login_since, NONE, w, now, &until);
	for (int i = 0; i < st->nper; i++) {
		int ri = overlap_rate(st->per[i].from, st->per[i].to, w, now, &until);
		if (st->per[i].paused && ri != 0)
			return;
		if (!st->per[i].paused)
			r[2] = (int8_t)(r[2] + ri);
	}
	r[3] = (int8_t)(out->on_call && out->call_since
	                ? overlap_rate(out->call_since, NONE, w, now, &until) : 0);
	out->clock_span = until - now > UINT32_MAX ? UINT32_MAX : (uint32_t)(until - now);
}

void agent_figs_at(const struct agent_figs *f, int64_t now, struct agent_clock *out)
{
	int64_t dt = now - f->clock_at;
	out->today = (struct astat_time){ f->login_s, f->paused_s, f->busy_s, f->occupancy_pct,
	                                  f->n_pauses, f->pauses };
	out->window = f->wtime;
	if (f->clock_span == 0 || dt <= 0)
		return;
	if (dt > (int64_t)f->clock_span)
		dt = (int64_t)f->clock_span;    /* (not for a snapshot's own time) */
	out->today.login_s += f->clock_rate[0] * dt;
	out->today.busy_s += f->clock_rate[1] * dt;
	out->window.login_s += f->clock_rate[2] * dt;
	out->window.busy_s += f->clock_rate[3] * dt;
	occupancy(&out->today);
	occupancy(&out->window);
}

int64_t agent_figs_due(const struct agent_figs *f)
{
	/* (no figures: nothing moves) */
	return f->stamp ? f->clock_at + (int64_t)f->clock_span + 1 : INT64_MAX;
}

/* Everything of out that moves with the clock, st's closed figures as of now. */
static void read_time(const struct model *m, const struct agent_stats *st,
                      struct agent_figs *out, struct astat_pause *pauses)
{
	read_today(m, st, out, pauses);
	out->busy_s = out->today.talk_s + out->today.wrapup_s +
	              (out->on_call ? period_s(out->call_since ? out->call_since : NONE,
	                                       m->now, m->day_start) : 0);
	occupancy_today(out);
	read_window(m, st, out, pauses + out->n_pauses);
	clock_rates(m, st, out);
}

bool model_agent_figs(const struct model *m, size_t ai, struct agent_figs *out,
                      struct agent_queue_figs *buf, int max, struct astat_pause *pauses)
{
	const struct agent *a = &m->agents[ai];
	const struct agent_stats *st = a->st;
	*out = (struct agent_figs){ .call_queue = -1, .occupancy_pct = NAN, .pauses = pauses,
		.queues = buf, .on_call = a->active_calls > 0, .pause_reason = "", .callerid = "",
		.wtime = { .occupancy_pct = NAN, .pauses = pauses } };
	if (!st)
		return ai < m->agent_names.count;
	out->stamp = st->stamp;
	out->stamp_today = st->stamp_today;
	if (st->day == m->day_start)
		out->today = st->today;
	out->window = st->window;
	for (int i = 0; i < st->nq && out->n_queues < max; i++) {
		struct agent_queue_figs *q = &buf[out->n_queues];
		*q = st->q[i];
		if (st->day != m->day_start)
			memset(&q->today, 0, sizeof q->today);
		if (!counts_zero(&q->today) || !counts_zero(&q->window))
			out->n_queues++;
	}
	if (out->on_call && st->call_since) {
		out->call_since = st->call_since;
		out->call_queue = st->call_queue;
		out->callerid = caller_get(&st->caller);
	}
	read_time(m, st, out, pauses);
	if (st->off_since != NONE && st->off_since >= m->day_start)
		out->off_since = st->off_since;
	return true;
}

bool model_agent_figs_brief(const struct model *m, size_t ai, struct agent_figs *out)
{
	const struct agent *a = &m->agents[ai];
	const struct agent_stats *st = a->st;
	*out = (struct agent_figs){ .call_queue = -1, .occupancy_pct = NAN,
		.on_call = a->active_calls > 0, .pause_reason = "", .callerid = "",
		.wtime = { .occupancy_pct = NAN } };
	if (!st)
		return ai < m->agent_names.count;
	if (out->on_call && st->call_since) {
		out->call_since = st->call_since;
		out->call_queue = st->call_queue;
	}
	if (st->pause_since != NONE) {
		out->paused_now = true;
		out->pause_since = st->pause_since;
		out->pause_reason = st->pause_reason;
	}
	if (st->off_since != NONE && st->off_since >= m->day_start)
		out->off_since = st->off_since;
	return true;
}

bool model_agent_figs_current(const struct model *m, size_t ai, const struct agent_figs *f)
{
	const struct agent *a = &m->agents[ai];
	return a->st && f->stamp == a->st->stamp && f->on_call == (a->active_calls > 0);
}

void model_agent_figs_prefetch(const struct model *m, size_t ai, int step)
{
	const struct agent_stats *st;
	if (step == 0) {
		__builtin_prefetch(&m->agents[ai]);
	} else if ((st = m->agents[ai].st) != NULL && step == 3) {
		__builtin_prefetch(st);
	} else if (st && step == 4) {
		__builtin_prefetch(st);
		__builtin_prefetch(&st->call_since);
	} else if (st && step == 1) {
		/* a read takes the record whole (its counts, call, caller and
		 * periods are past the first line): every line of it, not one */
		for (size_t at = 0; at < sizeof *st; at += 64)
			__builtin_prefetch((const char *)st + at);
	} else if (st) {
		/* its queues' figures (a few hundred bytes for a few queues) */
		size_t qb = st->q ? (size_t)st->nq * sizeof *st->q : 0;
		for (size_t at = 0; at < qb && at < 8 * 64; at += 64)
			__builtin_prefetch((const char *)st->q + at);
		if (st->nper > 0)
			__builtin_prefetch(st->per);
	}
}

void model_agent_visit_prefetch(const struct model *m, size_t ai)
{
	const struct agent *a = &m->agents[ai];
	if (a->mem)
		__builtin_prefetch(a->mem);
}

const uint64_t *model_agent_figs_stamps(const struct model *m)
{
	return m->astat_stamp;
}

int model_agent_figs_pauses(const struct model *m, size_t ai)
{
	const struct agent_stats *st = m->agents[ai].st;
	int today, window = st && st->pause_since != NONE;
	if (!st)
		return 0;
	today = st->npauses + window;
	window += st->nper_paused;
	return (today < ASTAT_MAX_REASONS ? today : ASTAT_MAX_REASONS) +
	       (window < ASTAT_MAX_REASONS ? window : ASTAT_MAX_REASONS);
}

bool model_agent_figs_retime(const struct model *m, size_t ai, struct agent_figs *out,
                             struct astat_pause *pauses)
{
	const struct agent_stats *st = m->agents[ai].st;
	if (!model_agent_figs_current(m, ai, out))
		return false;
	read_time(m, st, out, pauses);
	return true;
}

/* (the queue's entry at q[k]: dropped as model_agent_figs leaves out one
 * with nothing in it, the others in their order) */
static void wout_queue(struct agent_figs *f, struct agent_queue_figs *q, int k,
                       const struct astat_counts *d)
{
	counts_plus(&q[k].window, d, -1);
	if (!counts_zero(&q[k].window) || !counts_zero(&q[k].today))
		return;
	memmove(q + k, q + k + 1, (size_t)(f->n_queues - k - 1) * sizeof *q);
	f->n_queues--;
}

bool agent_figs_wout(struct agent_figs *f, struct agent_queue_figs *q,
                     const struct astat_wout *e, int32_t qrank)
{
	struct astat_counts d;
	int k = 0;
	if (f->stamp != e->stamp_before || f->stamp == 0)
		return false;
	if (qrank >= 0)
		for (k = 0; k < f->n_queues && q[k].queue != qrank; k++)
			;
	if (qrank >= 0 && k == f->n_queues)
		return false;
	d = rec_delta((enum ev_kind)e->kind, e->value, e->wrapup);
	counts_plus(&f->window, &d, -1);
	/* read_window's busy: the window's talk and wrap-up, and the call's
	 * time in it (which the record leaving does not change) */
	f->wtime.busy_s -= d.talk_s + d.wrapup_s;
	occupancy(&f->wtime);
	if (qrank >= 0)
		wout_queue(f, q, k, &d);
	f->stamp = e->stamp_after;
	return true;
}

uint64_t model_agent_figs_stamp_last(void)
{
	return stamp_clock;
}

/* ---- the figures alerts watch ------------------------------------------ */

bool agent_figure_brief(const struct figure *f)
{
	return f == &agent_figures[0] || f == &agent_figures[2];
}

double agent_figure_value(const struct figure *f, const struct agent_figs *a, int64_t now,
                          const char *reason)
{
	/* the rows of agent_figures[] (figures.c), by position: no strcmp per agent */
	if (f == &agent_figures[0])
		return a->on_call && a->call_since ? (double)pos(now - a->call_since) : 0;
	if (f == &agent_figures[1])
		return (double)a->window.rna;
	if (f == &agent_figures[2]) {
		if (!a->paused_now || (reason && strcasecmp(reason, a->pause_reason) != 0))
			return 0;
		return (double)pos(now - a->pause_since);
	}
	return NAN;
}

/* ---- the agents logged off today ---------------------------------------- */

bool model_agent_off_today(const struct model *m, size_t ai, int64_t *since)
{
	const struct agent *a = &m->agents[ai];
	const struct agent_stats *st = a->st;
	if (!st || st->login_since != NONE || st->off_since == NONE ||
	    st->off_since < m->day_start || a->nmem != 0 || a->global_login)
		return false;
	*since = st->off_since;
	return true;
}
