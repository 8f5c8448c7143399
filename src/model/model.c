/* model.c - calls, queues and agents from events (SPEC 2): the model's life,
 * its queues and agents by name, forgetting idle ones, its clock and reading
 * it. The call registry is in model_calls.c, the tallies in model_tally.c,
 * what each event kind does in model_events.c. */
#include "model_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

#define RING_STALE_S 120       /* an AMI "ringing" with no follow-up expires */
#define IDLE_FORGET_S 86400    /* a queue or agent idle this long is forgotten ... */
#define SWEEP_EVERY_S 3600     /* ... by a sweep this often (model time) */

/* ---- queues and agents ------------------------------------------------ */

static void queue_conf_refresh(struct model *m, int32_t qi)
{
	m->queues[qi].conf = config_queue(m->cfg, m->queue_names.keys[qi]);
}

int32_t model_queue_index(struct model *m, const struct qevent *ev)
{
	size_t before = m->queue_names.count;
	int32_t qi = strmap_intern_n(&m->queue_names, ev->queue, ev->queue_len, ev->queue_hash);
	if (m->queue_names.count == before) {
		m->queues[qi].last_seen = m->now;
		return qi;
	}
	if ((size_t)qi >= m->cap_queues) {
		size_t old = m->cap_queues;
		m->cap_queues = m->cap_queues ? m->cap_queues * 2 : 8;
		m->queues = xrealloc(m->queues, m->cap_queues * sizeof *m->queues);
		memset(m->queues + old, 0, (m->cap_queues - old) * sizeof *m->queues);
	}
	queue_conf_refresh(m, qi);
	m->queues[qi].last_seen = m->now;
	return qi;
}

int32_t model_agent_index(struct model *m, const struct qevent *ev)
{
	const char *name = config_agent_name(m->cfg, ev->agent);
	int32_t ai = name == ev->agent
	           ? strmap_intern_n(&m->agent_names, name, ev->agent_len, ev->agent_hash)
	           : strmap_intern(&m->agent_names, name);
	if ((size_t)ai >= m->cap_agents) {
		size_t old = m->cap_agents;
		/* half again, not twice: 10,390 rather than 16,384 for 10,000 agents */
		m->cap_agents = m->cap_agents ? m->cap_agents + m->cap_agents / 2 : 16;
		m->agents = xrealloc(m->agents, m->cap_agents * sizeof *m->agents);
		memset(m->agents + old, 0, (m->cap_agents - old) * sizeof *m->agents);
		for (size_t i = old; i < m->cap_agents; i++)
			m->agents[i].ring_since = INT64_MIN;
		m->agent_mark = xrealloc(m->agent_mark, m->cap_agents * sizeof *m->agent_mark);
		memset(m->agent_mark + old, 0, (m->cap_agents - old) * sizeof *m->agent_mark);
		m->astat_stamp = xrealloc(m->astat_stamp, m->cap_agents * sizeof *m->astat_stamp);
		memset(m->astat_stamp + old, 0, (m->cap_agents - old) * sizeof *m->astat_stamp);
	}
	m->agents[ai].last_seen = m->now;
	model_agent_touch(m, ai);       /* an event naming it may change it */
	return ai;
}

void model_agent_touch(struct model *m, int32_t ai)
{
	m->agent_mark[ai] = ++m->agent_marks;
}

void model_agents_touch_all(struct model *m)
{
	m->agents_reset = ++m->agent_marks;
}

static struct membership *member_find(struct agent *a, int32_t qi)
{
	for (int i = 0; i < a->nmem; i++)
		if (a->mem[i].queue == qi)
			return &a->mem[i];
	return NULL;
}

static int removed_find(const struct agent *a, int32_t qi)
{
	for (int i = 0; i < a->nremoved; i++)
		if (a->removed[i] == qi)
			return i;
	return -1;
}

/* Remembers that the agent left queue qi explicitly. */
static void removed_add(struct agent *a, int32_t qi)
{
	if (removed_find(a, qi) >= 0)
		return;
	if (a->nremoved == a->capremoved) {
		a->capremoved = a->capremoved ? a->capremoved * 2 : 2;
		a->removed = xrealloc(a->removed, (size_t)a->capremoved * sizeof *a->removed);
	}
	a->removed[a->nremoved++] = qi;
}

static void removed_clear(struct agent *a, int32_t qi)
{
	int i = removed_find(a, qi);
	if (i >= 0)
		a->removed[i] = a->removed[--a->nremoved];
}

/* Makes the agent a member of queue qi (if it is not); returns the membership. */
struct membership *member_join(struct agent *a, int32_t qi, int64_t t)
{
	struct membership *ms = member_find(a, qi);
	removed_clear(a, qi);
	if (ms)
		return ms;
	if (a->nmem == a->capmem) {
		a->capmem = a->capmem ? a->capmem * 2 : 2;
		a->mem = xrealloc(a->mem, (size_t)a->capmem * sizeof *a->mem);
	}
	if (a->nmem == 0 && !a->global_login)
		a->since = t;
	ms = &a->mem[a->nmem++];
	ms->queue = qi;
	ms->paused = (uint8_t)a->paused_all;
	return ms;
}

/* An event of the agent in queue qi (a call, a ring, a pause) is evidence
 * that it is a member there (SPEC 1.1), unless it left the queue explicitly:
 * Asterisk logs the end of a call in progress after the REMOVEMEMBER. Returns
 * the membership, or NULL when there is none. */
struct membership *member_ensure(struct agent *a, int32_t qi, int64_t t)
{
	if (removed_find(a, qi) >= 0)
		return member_find(a, qi);
	return member_join(a, qi, t);
}

void member_remove(struct agent *a, int32_t qi, int64_t t)
{
	removed_add(a, qi);
	for (int i = 0; i < a->nmem; i++) {
		if (a->mem[i].queue == qi) {
			a->mem[i] = a->mem[--a->nmem];
			if (a->nmem == 0)
				a->since = t;
			return;
		}
	}
}

static bool agent_logged_in(const struct agent *a)
{
	return a->nmem > 0 || a->global_login;
}

void agent_set_reason(struct model *m, struct agent *a, const char *reason)
{
	int32_t k = reason ? strmap_intern(&m->reasons, reason) : -1;
	a->reason = k >= 0 ? m->reasons.keys[k] : NULL;   /* keys read after the intern */
}

/* A forgotten queue's or agent's name (of map from): freed by the second
 * model_release_names from now, once no snapshot points at it. */
static void name_retire(struct model *m, struct strmap *from, char *name)
{
	struct name_list *l = &m->retired[0];
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = (struct retired_name){ name, from };
}

static void queue_name_retire(void *ctx, char *name)
{
	struct model *m = ctx;
	name_retire(m, &m->queue_names, name);
}

static void agent_name_retire(void *ctx, char *name)
{
	struct model *m = ctx;
	name_retire(m, &m->agent_names, name);
}

static void names_free(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		strmap_key_free(l->v[i].from, l->v[i].name);
	l->n = 0;
}

void model_release_names(struct model *m)
{
	struct name_list older = m->retired[1];
	names_free(&older);
	m->retired[1] = m->retired[0];
	m->retired[0] = older;
}

/* ---- public ----------------------------------------------------------- */

struct model *model_new(const struct config *cfg)
{
	struct model *m = xcalloc(1, sizeof *m);
	m->cfg = cfg;
	m->iv_epoch = m->iv_reset = 1;
	m->iv_first = MODEL_MAX_INTERVALS;
	m->iv_copy = xcalloc(MODEL_MAX_INTERVALS, sizeof *m->iv_copy);
	strmap_init(&m->queue_names);
	strmap_init(&m->agent_names);
	strmap_init(&m->reasons);
	return m;
}

void model_free(struct model *m)
{
	if (m == NULL)
		return;
	calls_free(&m->calls);
	for (size_t i = 0; i < m->agent_names.count; i++) {
		free(m->agents[i].mem);
		free(m->agents[i].removed);
		astat_free(m->agents[i].st);
	}
	free(m->agents);
	free(m->agent_mark);
	free(m->astat_stamp);
	free(m->wout.v);
	for (int k = 0; k < 2; k++) {
		names_free(&m->retired[k]);
		free(m->retired[k].v);
	}
	strmap_free(&m->reasons);
	for (size_t i = 0; i < m->queue_names.count; i++)
		free(m->queues[i].iv);
	free(m->iv_copy);
	free(m->queues);
	tally_window_free(&m->win);
	strmap_free(&m->queue_names);
	strmap_free(&m->agent_names);
	free(m);
}

void model_set_config(struct model *m, const struct config *cfg)
{
	int64_t start, end;
	m->cfg = cfg;
	for (size_t i = 0; i < m->queue_names.count; i++)
		queue_conf_refresh(m, (int32_t)i);
	if (m->now == 0)
		return;
	/* a new day_start makes another day: its figures start from here */
	util_day_bounds(m->now, cfg->day_start_min, &start, &end);
	if (start != m->day_start)
		tally_new_day(m);
	tally_window_expire(m);
}

/* ---- today's intervals ------------------------------------------------- *
 * A queue keeps the intervals from the first counted in today (the model's
 * iv_first, the same for every queue) to now's (or the latest one counted
 * in), not the 100 of a whole day, nor those of the day before its log
 * began: a big centre's 1,000 queues hold 2.4 MB at the end of a day
 * counted from its start, 100 KB in its first hour, and as little in the
 * first hour of a board started in the evening (not 1.9 MB of empty
 * intervals from the morning). */

/* How many of today's intervals a reader sees now (model_queue_intervals). */
static int intervals_seen(const struct model *m)
{
	int64_t span = m->now >= m->day_start ? m->now - m->day_start : 0;
	int64_t n = m->now ? span / MODEL_INTERVAL_S + 1 : 0;
	if (n < m->iv_used)
		n = m->iv_used;          /* the clock stepped back: what it counted stays */
	return n > MODEL_MAX_INTERVALS ? MODEL_MAX_INTERVALS : (int)n;
}

/* Grows every queue's intervals to need, and to what a reader sees now (a
 * new interval every 15 minutes: one small realloc a queue). */
static void intervals_cover(struct model *m, int need)
{
	int seen = intervals_seen(m);
	if (need < seen)
		need = seen;
	if (need <= m->iv_cover)
		return;
	for (size_t i = 0; i < m->queue_names.count; i++) {
		struct queue *q = &m->queues[i];
		if (q->iv == NULL)
			continue;
		q->iv = xrealloc(q->iv, (size_t)(need - m->iv_first) * sizeof *q->iv);
		memset(q->iv + (m->iv_cover - m->iv_first), 0,
		       (size_t)(need - m->iv_cover) * sizeof *q->iv);
	}
	m->iv_cover = need;
	m->iv_epoch++;
}

/* Every queue's intervals start at slot first (before the first they hold;
 * the clock stepped back, or a tally came late): zeros before them. */
static void intervals_lower(struct model *m, int first)
{
	size_t old = (size_t)(m->iv_first - first);
	for (size_t i = 0; i < m->queue_names.count; i++) {
		struct queue *q = &m->queues[i];
		if (q->iv == NULL)
			continue;
		struct interval *iv = xcalloc((size_t)(m->iv_cover - first), sizeof *iv);
		memcpy(iv + old, q->iv, (size_t)(m->iv_cover - m->iv_first) * sizeof *iv);
		free(q->iv);
		q->iv = iv;
	}
	m->iv_first = first;
}

/* Notes slot of q written in the model's epoch (model_queue_intervals_kept). */
static void interval_written(const struct model *m, struct queue *q, int slot)
{
	if (q->iv_ep != m->iv_epoch) {
		q->iv_low_prev = q->iv_ep + 1 == m->iv_epoch ? q->iv_low : MODEL_MAX_INTERVALS;
		q->iv_low = MODEL_MAX_INTERVALS;
		q->iv_ep = m->iv_epoch;
	}
	if (slot < q->iv_low)
		q->iv_low = (int16_t)slot;
}

struct interval *model_queue_interval(struct model *m, int32_t qi, int slot)
{
	struct queue *q = &m->queues[qi];
	if (m->iv_first == MODEL_MAX_INTERVALS)
		m->iv_first = slot;          /* the day's first: no queue holds any yet */
	else if (slot < m->iv_first)
		intervals_lower(m, slot);
	intervals_cover(m, slot + 1);
	if (q->iv == NULL)
		q->iv = xcalloc((size_t)(m->iv_cover - m->iv_first), sizeof *q->iv);
	interval_written(m, q, slot);
	return &q->iv[slot - m->iv_first];
}

void model_intervals_clear(struct model *m)
{
	for (size_t i = 0; i < m->queue_names.count; i++) {
		free(m->queues[i].iv);
		m->queues[i].iv = NULL;
	}
	m->iv_cover = 0;
	m->iv_first = MODEL_MAX_INTERVALS;
	m->iv_reset = ++m->iv_epoch;
	intervals_cover(m, 0);
}

/* ---- forgetting idle names ---------------------------------------------- */

/* Returns map[i] = queue i's index once the forgotten (keep[i] == 0) are gone,
 * or -1; and how many are kept. */
static size_t compact_map(const uint8_t *keep, size_t n, int32_t *map)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		map[i] = keep[i] ? (int32_t)k++ : -1;
	return k;
}

/* Queues with no members, calls, tallies in the window or events today or in
 * the last day are forgotten; the others are renumbered (in order). */
static void forget_queues(struct model *m, int64_t idle_edge)
{
	size_t n = m->queue_names.count, kept;
	uint8_t *keep = xcalloc(n, 1);
	int32_t *map = xmalloc((n ? n : 1) * sizeof *map);

	for (size_t i = 0; i < n; i++) {
		const struct queue *q = &m->queues[i];
		keep[i] = q->ncalls > 0 || q->wtallies > 0 || q->last_seen >= idle_edge ||
		          q->last_seen >= m->day_start;
	}
	for (size_t i = 0; i < m->agent_names.count; i++)
		for (int k = 0; k < m->agents[i].nmem; k++)
			keep[m->agents[i].mem[k].queue] = 1;
	kept = compact_map(keep, n, map);
	if (kept < n) {
		for (size_t i = 0; i < n; i++)
			if (map[i] < 0)
				free(m->queues[i].iv);
		for (size_t i = 0; i < n; i++)
			if (map[i] >= 0)
				m->queues[map[i]] = m->queues[i];
		/* a new queue takes a freed slot: it must start as a zeroed one does */
		memset(m->queues + kept, 0, (n - kept) * sizeof *m->queues);
		strmap_compact(&m->queue_names, map, queue_name_retire, m);
		for (size_t i = 0; i < m->calls.nbuckets; i++)
			for (struct call *c = m->calls.buckets[i]; c; c = c->hnext)
				c->queue = map[c->queue];   /* its hash is its queue's name's */
		tombs_renumber(&m->calls.tombs, map);
		astat_renumber_queues(m, map);
		tally_window_renumber(m, map);   /* a queue with tallies is kept */
		for (size_t i = 0; i < m->agent_names.count; i++) {
			struct agent *a = &m->agents[i];
			for (int k = 0; k < a->nmem; k++)
				a->mem[k].queue = map[a->mem[k].queue];
			for (int k = 0; k < a->nremoved;)
				if ((a->removed[k] = map[a->removed[k]]) < 0)
					a->removed[k] = a->removed[--a->nremoved];
				else
					k++;
		}
		m->stats.forgotten_queues += n - kept;
		m->iv_reset = ++m->iv_epoch;   /* a reader's queue index may name another now */
	}
	free(keep);
	free(map);
}

static int32_t agent_renumber(const int32_t *map, int32_t ai)
{
	return ai >= 0 ? map[ai] : -1;
}

/* Agents logged in nowhere, on no call, rung by no waiting call and named by
 * no event in the last day are forgotten; the others renumbered. */
static void forget_agents(struct model *m, int64_t idle_edge)
{
	size_t n = m->agent_names.count, kept;
	uint8_t *keep = xcalloc(n, 1);
	int32_t *map = xmalloc((n ? n : 1) * sizeof *map);

	for (size_t i = 0; i < n; i++) {
		const struct agent *a = &m->agents[i];
		keep[i] = agent_logged_in(a) || a->active_calls > 0 || a->last_seen >= idle_edge;
	}
	for (const struct call *c = m->calls.live.head; c; c = c->next) {
		if (c->agent >= 0)
			keep[c->agent] = 1;
		for (int r = 0; r < MAX_RING; r++)
			if (c->ringing[r] >= 0)
				keep[c->ringing[r]] = 1;
	}
	kept = compact_map(keep, n, map);
	if (kept < n) {
		for (size_t i = 0; i < n; i++) {
			if (map[i] >= 0) {
				m->agents[map[i]] = m->agents[i];
			} else {
				free(m->agents[i].mem);
				free(m->agents[i].removed);
				astat_free(m->agents[i].st);
			}
		}
		memset(m->agents + kept, 0, (n - kept) * sizeof *m->agents);
		for (size_t i = kept; i < n; i++)
			m->agents[i].ring_since = INT64_MIN;
		model_agents_touch_all(m);      /* renumbered */
		strmap_compact(&m->agent_names, map, agent_name_retire, m);
		astat_renumber_agents(m, map);
		for (size_t i = 0; i < m->calls.nbuckets; i++) {
			for (struct call *c = m->calls.buckets[i]; c; c = c->hnext) {
				c->agent = agent_renumber(map, c->agent);
				for (int r = 0; r < MAX_RING; r++)
					c->ringing[r] = agent_renumber(map, c->ringing[r]);
			}
		}
		m->stats.forgotten_agents += n - kept;
	}
	free(keep);
	free(map);
}

/* Names grow without bound otherwise: a queue or agent idle for a day goes. */
static void forget_idle(struct model *m)
{
	int64_t idle_edge = m->now - IDLE_FORGET_S;
	forget_queues(m, idle_edge);
	forget_agents(m, idle_edge);
}


/* Moves the clock forward to now (an event's time or the wall clock). */
void model_clock_forward(struct model *m, int64_t now)
{
	if (now <= m->now)
		return;
	m->now = now;
	if (now >= m->day_end || m->day_start == 0)
		tally_new_day(m);
	tally_window_expire(m);
	calls_drop_stale(m);
	if (now >= m->next_sweep) {
		forget_idle(m);
		m->next_sweep = now + SWEEP_EVERY_S;
	}
	intervals_cover(m, 0);
}

/* The host clock stepped back (NTP): follow it, so that later events count in
 * the window and waits run from the new now. Tallies stamped past what the
 * wall clock may now accept leave the window; today keeps its counts unless
 * the new now is before it began. */
static void clock_back(struct model *m, int64_t now)
{
	int64_t edge = now + m->cfg->defaults.future_slack_s;
	m->now = now;
	tally_window_back(m, edge);
	if (now < m->day_start)
		tally_new_day(m);
	if (m->next_sweep > now + SWEEP_EVERY_S)
		m->next_sweep = now + SWEEP_EVERY_S;
}

void model_advance(struct model *m, int64_t now)
{
	/* within future_slack_s behind the events, the wall clock is only the
	 * skew between the PBX's clock and ours (or a sped-up simulation) */
	if (now < m->now - m->cfg->defaults.future_slack_s)
		clock_back(m, now);
	else
		model_clock_forward(m, now);
}

int64_t model_now(const struct model *m)
{
	return m->now;
}


struct model_stats model_stats(const struct model *m)
{
	return m->stats;
}

/* ---- reading ---------------------------------------------------------- */

size_t model_queue_count(const struct model *m)
{
	return m->queue_names.count;
}

const char *model_queue_name(const struct model *m, size_t qi)
{
	return m->queue_names.keys[qi];
}

const char *model_agent_name(const struct model *m, size_t ai)
{
	return m->agent_names.keys[ai];
}

struct queue_conf model_queue_conf(const struct model *m, size_t qi)
{
	return m->queues[qi].conf;
}

const struct counts *model_queue_today(const struct model *m, size_t qi)
{
	return &m->queues[qi].today;
}

const struct counts *model_queue_window(const struct model *m, size_t qi)
{
	return &m->queues[qi].window;
}

int model_queue_waiting(const struct model *m, size_t qi)
{
	return m->queues[qi].waiting;
}

int64_t model_queue_longest_wait(const struct model *m, size_t qi)
{
	const struct call *c = m->queues[qi].whead;
	return c && m->now > c->enter_t ? m->now - c->enter_t : 0;
}

static const struct interval no_intervals[MODEL_MAX_INTERVALS];

const struct interval *model_queue_intervals_from(const struct model *m, size_t qi, int *first,
                                                  int *n)
{
	*n = intervals_seen(m);
	*first = m->queues[qi].iv ? m->iv_first : 0;
	return m->queues[qi].iv ? m->queues[qi].iv : no_intervals;
}

const struct interval *model_queue_intervals(const struct model *m, size_t qi, int *n)
{
	int first;
	const struct interval *iv = model_queue_intervals_from(m, qi, &first, n);
	if (first == 0)
		return iv;
	memset(m->iv_copy, 0, (size_t)first * sizeof *iv);
	memcpy(m->iv_copy + first, iv, (size_t)(*n - first) * sizeof *iv);
	return m->iv_copy;
}

int model_intervals_first(const struct model *m)
{
	return m->iv_first;
}

uint32_t model_intervals_epoch(const struct model *m)
{
	return m->iv_epoch;
}

int model_queue_intervals_kept(const struct model *m, size_t qi, uint32_t since)
{
	const struct queue *q = &m->queues[qi];
	if (since < m->iv_reset || since > m->iv_epoch)
		return 0;
	if (q->iv_ep < since)
		return MODEL_MAX_INTERVALS;      /* nothing counted in since */
	if (q->iv_ep == since)
		return q->iv_low;
	if (q->iv_ep - 1 == since)
		return q->iv_low < q->iv_low_prev ? q->iv_low : q->iv_low_prev;
	return 0;
}

int64_t model_day_start(const struct model *m)
{
	return m->day_start;
}

static bool ringing_now(const struct model *m, const struct agent *a)
{
	return a->ring_since != INT64_MIN && m->now - a->ring_since < RING_STALE_S;
}

static bool all_paused(const struct agent *a)
{
	for (int i = 0; i < a->nmem; i++)
		if (!a->mem[i].paused)
			return false;
	return a->nmem > 0;
}

/* The state of agent a in one of its queues (ms), or overall (ms NULL). */
static enum agent_state agent_state_in(const struct model *m, const struct agent *a,
                                       const struct membership *ms)
{
	if (a->active_calls > 0)
		return AGENT_ON_CALL;
	if (ringing_now(m, a))
		return AGENT_RINGING;
	if (ms ? ms->paused : all_paused(a))
		return AGENT_PAUSED;
	if (m->now < a->wrapup_until)
		return AGENT_WRAPUP;
	return AGENT_AVAILABLE;
}

static void count_state(struct agent_counts *ac, enum agent_state st, int status)
{
	ac->logged_in++;
	switch (st) {
	case AGENT_ON_CALL:   ac->on_call++; break;
	case AGENT_RINGING:   ac->ringing++; break;
	case AGENT_PAUSED:    ac->paused++; break;
	case AGENT_WRAPUP:    ac->wrapup++; break;
	default:              ac->available++; break;
	}
	if (status == MS_UNAVAILABLE || status == MS_INVALID)
		ac->unavailable++;
}

void model_agent_counts(const struct model *m, struct agent_counts *per_queue,
                        struct agent_counts *total)
{
	memset(per_queue, 0, m->queue_names.count * sizeof *per_queue);
	memset(total, 0, sizeof *total);
	for (size_t i = 0; i < m->agent_names.count; i++) {
		const struct agent *a = &m->agents[i];
		if (!agent_logged_in(a))
			continue;
		for (int k = 0; k < a->nmem; k++)
			count_state(&per_queue[a->mem[k].queue], agent_state_in(m, a, &a->mem[k]),
			            a->status);
		count_state(total, agent_state_in(m, a, NULL), a->status);
	}
}

void model_agent_counts_in(const struct model *m, const bool *in, struct agent_counts *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < m->agent_names.count; i++) {
		const struct agent *a = &m->agents[i];
		struct membership ms = { .queue = -1, .paused = 1 };
		int k_in = 0;
		if (!agent_logged_in(a))
			continue;
		for (int k = 0; k < a->nmem; k++)
			if (in[a->mem[k].queue]) {
				k_in++;
				ms.paused &= a->mem[k].paused ? 1 : 0;
			}
		if (k_in)
			count_state(out, agent_state_in(m, a, &ms), a->status);
	}
}

void model_agent_counts_sets(const struct model *m, const size_t *q_off, const int *q_sets,
                             size_t n_sets, struct agent_counts *out)
{
	/* per set: the last agent (index + 1) that touched it, whether that
	 * agent is paused in all of the set's queues; the sets it touched */
	size_t *stamp = xcalloc(n_sets ? n_sets : 1, sizeof *stamp);
	uint8_t *paused = xmalloc(n_sets ? n_sets : 1);
	int *touched = xmalloc((n_sets ? n_sets : 1) * sizeof *touched);

	memset(out, 0, n_sets * sizeof *out);
	for (size_t i = 0; i < m->agent_names.count; i++) {
		const struct agent *a = &m->agents[i];
		size_t nt = 0;
		if (!agent_logged_in(a))
			continue;
		for (int k = 0; k < a->nmem; k++) {
			size_t qi = (size_t)a->mem[k].queue;
			for (size_t j = q_off[qi]; j < q_off[qi + 1]; j++) {
				int g = q_sets[j];
				if (stamp[g] != i + 1) {
					stamp[g] = i + 1;
					paused[g] = 1;
					touched[nt++] = g;
				}
				paused[g] &= a->mem[k].paused ? 1 : 0;
			}
		}
		for (size_t t = 0; t < nt; t++) {
			struct membership ms = { .queue = -1, .paused = paused[touched[t]] };
			count_state(&out[touched[t]], agent_state_in(m, a, &ms), a->status);
		}
	}
	free(stamp);
	free(paused);
	free(touched);
}

int model_total_waiting(const struct model *m)
{
	int n = 0;
	for (size_t i = 0; i < m->queue_names.count; i++)
		n += m->queues[i].waiting;
	return n;
}

int64_t model_total_longest_wait(const struct model *m)
{
	int64_t w = 0;
	for (size_t i = 0; i < m->queue_names.count; i++) {
		int64_t x = model_queue_longest_wait(m, i);
		if (x > w)
			w = x;
	}
	return w;
}

size_t model_agent_count(const struct model *m)
{
	return m->agent_names.count;
}

bool model_agent_present(const struct model *m, size_t ai)
{
	return agent_logged_in(&m->agents[ai]);
}

bool model_agent(const struct model *m, size_t ai, struct agent_view *out)
{
	const struct agent *a = &m->agents[ai];
	if (!agent_logged_in(a))
		return false;
	out->name = m->agent_names.keys[ai];
	out->state = agent_state_in(m, a, NULL);
	out->since = a->since;
	if (out->state == AGENT_AVAILABLE && a->wrapup_until > a->since && a->wrapup_until <= m->now)
		out->since = a->wrapup_until;
	if (out->state == AGENT_RINGING)
		out->since = a->ring_since;
	if (out->since > m->now)
		out->since = m->now;            /* the clock stepped back */
	out->queues = a->nmem;
	out->status = a->status;
	out->reason = out->state == AGENT_PAUSED ? a->reason : NULL;
	return true;
}

void model_queues_callers(const struct model *m, const size_t *qs, size_t n, int max,
                          struct caller_view *out, int *counts)
{
	const struct call *cur[MODEL_CALLERS_BATCH];
	size_t live = 0;
	if (n > MODEL_CALLERS_BATCH)
		n = MODEL_CALLERS_BATCH;
	for (size_t i = 0; i < n; i++) {
		cur[i] = max > 0 ? m->queues[qs[i]].whead : NULL;
		counts[i] = 0;
		live += cur[i] != NULL;
	}
	while (live) {          /* one step down every list, then the next */
		live = 0;
		for (size_t i = 0; i < n; i++) {
			const struct call *c = cur[i];
			if (!c)
				continue;
			out[i * (size_t)max + (size_t)counts[i]] =
			        (struct caller_view){ call_callerid(c), c->enter_t };
			cur[i] = ++counts[i] < max ? c->wnext : NULL;
			if (cur[i]) {
				__builtin_prefetch(cur[i]);
				__builtin_prefetch(cur[i]->cid);
				live++;
			}
		}
	}
}

uint32_t model_queue_waiting_gen(const struct model *m, size_t qi)
{
	return m->queues[qi].wgen;
}

int model_queue_callers(const struct model *m, size_t qi, struct caller_view *out, int max)
{
	int n = 0;
	for (const struct call *c = m->queues[qi].whead; c && n < max; c = c->wnext, n++) {
		out[n].callerid = call_callerid(c);
		out[n].since = c->enter_t;
	}
	return n;
}

static const char *const state_names[AGENT_STATE_COUNT] = {
	"available", "ringing", "on_call", "wrapup", "paused",
};

const char *agent_state_name(enum agent_state s)
{
	return (unsigned)s < AGENT_STATE_COUNT ? state_names[s] : "?";
}

int model_agent_visit(const struct model *m, size_t ai, struct agent_view *view,
                      struct agent_queue_view *queues, int max, struct agent_counts *per_queue,
                      struct agent_counts *total)
{
	const struct agent *a = &m->agents[ai];
	int n = 0;
	if (ai + 8 < m->agent_names.count)        /* visits go by index: fetch ahead */
		__builtin_prefetch(m->agents[ai + 8].mem);
	if (!model_agent(m, ai, view))
		return -1;
	for (int k = 0; k < a->nmem; k++) {
		count_state(&per_queue[a->mem[k].queue], agent_state_in(m, a, &a->mem[k]), a->status);
		if (n < max) {
			queues[n].queue = (size_t)a->mem[k].queue;
			queues[n++].paused = a->mem[k].paused != 0;
		}
	}
	count_state(total, view->state, a->status);
	return n;
}

uint64_t model_agents_mark(const struct model *m, uint64_t *reset)
{
	*reset = m->agents_reset;
	return m->agent_marks;
}

const uint64_t *model_agent_marks(const struct model *m)
{
	return m->agent_mark;
}

/* t when later than now, else INT64_MAX. */
static int64_t later(int64_t t, int64_t now)
{
	return t > now ? t : INT64_MAX;
}

int64_t model_agent_wake(const struct model *m, size_t ai)
{
	const struct agent *a = &m->agents[ai];
	int64_t w = later(a->wrapup_until, m->now), x;
	/* a time past the clock is shown as the clock: it moves with it */
	if (a->since > m->now || (a->ring_since != INT64_MIN && a->ring_since > m->now))
		return m->now + 1;
	if (a->ring_since != INT64_MIN && a->ring_since < INT64_MAX - RING_STALE_S) {
		x = later(a->ring_since + RING_STALE_S, m->now);
		if (x < w)
			w = x;
	}
	return w;
}

int model_agent_queues(const struct model *m, size_t ai, struct agent_queue_view *out, int max)
{
	const struct agent *a = &m->agents[ai];
	int n = 0;

	for (int k = 0; k < a->nmem && n < max; k++, n++) {
		out[n].queue = (size_t)a->mem[k].queue;
		out[n].paused = a->mem[k].paused != 0;
	}
	return n;
}
