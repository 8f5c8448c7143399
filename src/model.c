/* model.c - calls, queues and agents from events (SPEC 2).
 *
 * Each call entry (callid, queue) is one record, found through a hash table.
 * A record is in one of three phases and on one time-ordered list:
 *   waiting  - on its queue's waiting list and the live list (by enter time)
 *   talking  - answered, on the live list (by connect time)
 *   done     - a tombstone on the done list, kept for TOMBSTONE_S so that a
 *              duplicated line is recognised; then freed.
 * Lists are kept in time order by inserting from the tail, which is O(1) for
 * logs in order and cheap for the "a little out of order" of real logs.
 * Outcomes are tallied into today, the rolling window (through a time-ordered
 * queue of small records that expire) and today's 15-minute intervals. */
#include "model.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bytes.h"
#include "strmap.h"
#include "util.h"

#define TOMBSTONE_S 7200       /* how long an ended call is remembered */
#define RING_STALE_S 120       /* an AMI "ringing" with no follow-up expires */
#define MAX_RING 4             /* agents remembered as ringing for one call */
#define ENTER_SAME_S 2         /* a queue_log ENTERQUEUE and AMI's join of one
                                  call can be stamped a second or two apart */
#define CALL_POOL_ID 32        /* callid bytes of a pooled call record, NUL included */
#define IDLE_FORGET_S 86400    /* a queue or agent idle this long is forgotten ... */
#define SWEEP_EVERY_S 3600     /* ... by a sweep this often (model time) */

enum phase { PH_WAITING, PH_TALKING, PH_DONE };

struct call {
	struct call *hnext;            /* hash chain */
	struct call **hpprev;          /* what points at this call in the chain */
	struct call *prev, *next;      /* live or done list */
	struct call *wprev, *wnext;    /* the queue's waiting list */
	int64_t key_t;                 /* the list's ordering time */
	int64_t enter_t;               /* ENTERQUEUE time (INT64_MIN: not seen) */
	uint32_t hash;
	uint32_t idlen;                /* strlen(callid) */
	int32_t queue;
	int32_t agent;                 /* the answering agent, or -1 */
	int32_t ringing[MAX_RING];     /* agents being rung (AMI), -1 */
	uint8_t phase;
	uint8_t outcome_seen;          /* an outcome counted since the last ENTER */
	uint8_t ended;                 /* an end counted since the last CONNECT */
	uint8_t pooled;                /* callid has CALL_POOL_ID bytes: reused when freed */
	char callerid[40];
	char callid[];
};

struct list {
	struct call *head, *tail;
};

struct membership {
	int32_t queue;
	uint8_t paused;
};

struct agent {
	struct membership *mem;
	int nmem, capmem;
	int32_t *removed;              /* queues left by REMOVEMEMBER or AGENTLOGOFF: only
	                                  ADDMEMBER or AGENTLOGIN joins them again */
	int nremoved, capremoved;
	int64_t last_seen;             /* the model's clock when an event last named it */
	int active_calls;
	int global_login;              /* AGENTLOGIN with no queue */
	int paused_all;                /* PAUSEALL seen while in no queue */
	int64_t wrapup_until;
	int64_t since;
	int64_t ring_since;            /* INT64_MIN: not ringing */
	int status;
	char *reason;
};

/* One outcome or end, as it is tallied and later expired from the window. */
struct tally {
	int64_t t;
	int32_t queue;
	uint8_t kind;                  /* enum ev_kind */
	uint8_t within_sl, is_short, abandon_within_sl;
	int32_t value;                 /* hold, wait or talk seconds; -1 unknown */
};

struct queue {
	struct queue_conf conf;
	struct counts today, window;
	struct interval iv[MODEL_MAX_INTERVALS];
	struct call *whead, *wtail;
	int waiting;
	int32_t ncalls;                /* call records (any phase) of this queue */
	int64_t last_seen;             /* the model's clock when an event last named it */
};

struct model {
	const struct config *cfg;
	struct strmap queue_names, agent_names;
	struct queue *queues;
	size_t cap_queues;
	struct agent *agents;
	size_t cap_agents;
	struct call **buckets;
	size_t nbuckets, ncalls;
	struct list live, done;
	struct call *spare;            /* freed pooled calls, chained by hnext */
	struct tally *win;             /* ring buffer of tallies in the window, time order;
	                                * win_cap is a power of two: index & (win_cap - 1) */
	size_t win_head, win_len, win_cap;
	int64_t now, day_start, day_end;
	int64_t next_sweep;            /* when idle queues and agents are looked for next */
	int iv_used;                   /* today's intervals holding a tally: 0..iv_used-1 */
	struct model_stats stats;
};

/* ---- time ------------------------------------------------------------- */

static void day_bounds(int64_t t, int day_start_min, int64_t *start, int64_t *end)
{
	util_day_bounds(t, day_start_min, start, end);
}

/* ---- lists ------------------------------------------------------------ */

static void list_unlink(struct list *l, struct call *c)
{
	if (c->prev) c->prev->next = c->next; else l->head = c->next;
	if (c->next) c->next->prev = c->prev; else l->tail = c->prev;
	c->prev = c->next = NULL;
}

/* Inserts c by key_t, scanning from the tail (logs are nearly in order). */
static void list_insert(struct list *l, struct call *c)
{
	struct call *after = l->tail;
	while (after && after->key_t > c->key_t)
		after = after->prev;
	c->prev = after;
	c->next = after ? after->next : l->head;
	if (c->next) c->next->prev = c; else l->tail = c;
	if (after) after->next = c; else l->head = c;
}

static void wait_unlink(struct queue *q, struct call *c)
{
	if (c->wprev) c->wprev->wnext = c->wnext; else q->whead = c->wnext;
	if (c->wnext) c->wnext->wprev = c->wprev; else q->wtail = c->wprev;
	c->wprev = c->wnext = NULL;
	q->waiting--;
}

static void wait_insert(struct queue *q, struct call *c)
{
	struct call *after = q->wtail;
	while (after && after->enter_t > c->enter_t)
		after = after->wprev;
	c->wprev = after;
	c->wnext = after ? after->wnext : q->whead;
	if (c->wnext) c->wnext->wprev = c; else q->wtail = c;
	if (after) after->wnext = c; else q->whead = c;
	q->waiting++;
}

/* Copies src (NULL: "") into dst[size], cut to fit; snprintf's "%s" without
 * its cost (a third of ENTERQUEUE's time in replay). */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;
	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- call table ------------------------------------------------------- */

static uint32_t call_hash(const struct qevent *ev, int32_t queue)
{
	return (ev->callid_hash ^ (uint32_t)queue * 2654435761u) * 16777619u;
}

/* The entry (ev's callid, queue) whose call_hash is h, or NULL. */
static struct call *call_find(struct model *m, const struct qevent *ev, int32_t queue, uint32_t h)
{
	if (m->nbuckets == 0)
		return NULL;
	for (struct call *c = m->buckets[h & (m->nbuckets - 1)]; c; c = c->hnext)
		if (c->hash == h && c->queue == queue && c->idlen == ev->callid_len &&
		    bytes_equal(c->callid, ev->callid, c->idlen))
			return c;
	return NULL;
}

/* Puts c at the head of its chain in buckets b (n of them). */
static void chain_push(struct call **b, size_t n, struct call *c)
{
	struct call **head = &b[c->hash & (n - 1)];
	c->hnext = *head;
	if (c->hnext)
		c->hnext->hpprev = &c->hnext;
	c->hpprev = head;
	*head = c;
}

static void call_table_grow(struct model *m)
{
	size_t n = m->nbuckets ? m->nbuckets * 2 : 1024;
	struct call **b = xcalloc(n, sizeof *b);
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct call *c = m->buckets[i], *next;
		for (; c; c = next) {
			next = c->hnext;
			chain_push(b, n, c);
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = n;
}

/* A zeroed call with room for a callid of len bytes: call ids are short, so
 * most calls come from (and go back to) the spare list rather than malloc. */
static struct call *call_alloc(struct model *m, size_t len)
{
	struct call *c;

	if (len >= CALL_POOL_ID)
		return xcalloc(1, sizeof *c + len + 1);
	c = m->spare;
	if (c) {
		m->spare = c->hnext;
		memset(c, 0, sizeof *c);
		c->pooled = 1;
		return c;
	}
	c = xcalloc(1, sizeof *c + CALL_POOL_ID);
	c->pooled = 1;
	return c;
}

static struct call *call_new(struct model *m, const struct qevent *ev, int32_t queue, uint32_t h)
{
	size_t len = ev->callid_len;
	struct call *c = call_alloc(m, len);
	memcpy(c->callid, ev->callid, len);
	c->callid[len] = '\0';
	c->idlen = (uint32_t)len;
	c->queue = queue;
	m->queues[queue].ncalls++;
	c->hash = h;
	c->agent = -1;
	c->enter_t = INT64_MIN;
	for (int i = 0; i < MAX_RING; i++)
		c->ringing[i] = -1;
	if (m->ncalls + 1 > m->nbuckets)
		call_table_grow(m);
	chain_push(m->buckets, m->nbuckets, c);
	m->ncalls++;
	c->phase = PH_DONE;             /* the caller puts it where it belongs */
	return c;
}

static void call_free(struct model *m, struct call *c)
{
	*c->hpprev = c->hnext;            /* no walk along the chain: tombstones are cold */
	if (c->hnext)
		c->hnext->hpprev = c->hpprev;
	m->ncalls--;
	m->queues[c->queue].ncalls--;
	if (c->pooled) {
		c->hnext = m->spare;
		m->spare = c;
	} else {
		free(c);
	}
}

/* ---- queues and agents ------------------------------------------------ */

static void queue_conf_refresh(struct model *m, int32_t qi)
{
	m->queues[qi].conf = config_queue(m->cfg, m->queue_names.keys[qi]);
}

/* The index of ev's queue (not NULL), added when new. */
static int32_t queue_index(struct model *m, const struct qevent *ev)
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

/* The index of ev's agent (not NULL) under its [agents] name, added when new. */
static int32_t agent_index(struct model *m, const struct qevent *ev)
{
	const char *name = config_agent_name(m->cfg, ev->agent);
	int32_t ai = name == ev->agent
	           ? strmap_intern_n(&m->agent_names, name, ev->agent_len, ev->agent_hash)
	           : strmap_intern(&m->agent_names, name);
	if ((size_t)ai >= m->cap_agents) {
		size_t old = m->cap_agents;
		m->cap_agents = m->cap_agents ? m->cap_agents * 2 : 16;
		m->agents = xrealloc(m->agents, m->cap_agents * sizeof *m->agents);
		memset(m->agents + old, 0, (m->cap_agents - old) * sizeof *m->agents);
		for (size_t i = old; i < m->cap_agents; i++)
			m->agents[i].ring_since = INT64_MIN;
	}
	m->agents[ai].last_seen = m->now;
	return ai;
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
static struct membership *member_join(struct agent *a, int32_t qi, int64_t t)
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
static struct membership *member_ensure(struct agent *a, int32_t qi, int64_t t)
{
	if (removed_find(a, qi) >= 0)
		return member_find(a, qi);
	return member_join(a, qi, t);
}

static void member_remove(struct agent *a, int32_t qi, int64_t t)
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

static void set_reason(struct agent *a, const char *reason)
{
	free(a->reason);
	a->reason = reason ? xstrdup(reason) : NULL;
}

/* ---- tallies: today, window, intervals -------------------------------- */

/* Adds (sign 1) or removes (sign -1) one tally from counts. */
static void tally_apply(struct counts *c, const struct tally *x, int sign)
{
	int64_t v = x->value > 0 ? x->value : 0;
	switch ((enum ev_kind)x->kind) {
	case EV_CONNECT:
		c->offered += sign;
		c->answered += sign;
		c->answered_within_sl += sign * x->within_sl;
		c->hold_s += sign * v;
		break;
	case EV_ABANDON:
		c->offered += sign;
		c->abandoned += sign;
		c->abandoned_short += sign * x->is_short;
		c->abandoned_within_sl += sign * x->abandon_within_sl;
		c->abandon_wait_s += sign * v;
		break;
	case EV_TIMEOUT:   c->offered += sign; c->timed_out += sign; break;
	case EV_EXITKEY:   c->offered += sign; c->exited_key += sign; break;
	case EV_EXITEMPTY: c->offered += sign; c->exited_empty += sign; break;
	case EV_WITHDRAW:  c->offered += sign; c->withdrawn += sign; break;
	case EV_COMPLETE:  c->completed += sign; c->talk_s += sign * v; break;
	case EV_TRANSFER:  c->transferred += sign; c->talk_s += sign * v; break;
	default: break;
	}
}

static void interval_apply(struct interval *iv, const struct tally *x)
{
	switch ((enum ev_kind)x->kind) {
	case EV_CONNECT:
		iv->offered++;
		iv->answered++;
		iv->answered_within_sl += x->within_sl;
		break;
	case EV_ABANDON:
		iv->offered++;
		iv->abandoned++;
		iv->abandoned_short += x->is_short;
		iv->abandoned_within_sl += x->abandon_within_sl;
		break;
	case EV_TIMEOUT: case EV_EXITKEY: case EV_EXITEMPTY: case EV_WITHDRAW:
		iv->offered++;
		break;
	default:
		break;
	}
}

/* The ring index of the i-th tally from the oldest. */
static size_t win_slot(const struct model *m, size_t i)
{
	return (m->win_head + i) & (m->win_cap - 1);
}

static void window_push(struct model *m, const struct tally *x)
{
	size_t i;
	if (m->win_len == m->win_cap) {
		size_t ncap = m->win_cap ? m->win_cap * 2 : 1024;
		struct tally *n = xmalloc(ncap * sizeof *n);
		for (i = 0; i < m->win_len; i++)
			n[i] = m->win[win_slot(m, i)];
		free(m->win);
		m->win = n;
		m->win_cap = ncap;
		m->win_head = 0;
	}
	/* insert in time order from the tail */
	i = m->win_len++;
	while (i > 0 && m->win[win_slot(m, i - 1)].t > x->t) {
		m->win[win_slot(m, i)] = m->win[win_slot(m, i - 1)];
		i--;
	}
	m->win[win_slot(m, i)] = *x;
}

static void window_expire(struct model *m)
{
	int64_t edge = m->now - m->cfg->window_s;
	while (m->win_len > 0 && m->win[m->win_head].t <= edge) {
		const struct tally *x = &m->win[m->win_head];
		tally_apply(&m->queues[x->queue].window, x, -1);
		m->win_head = win_slot(m, 1);
		m->win_len--;
	}
}

static void tally(struct model *m, const struct tally *x)
{
	struct queue *q = &m->queues[x->queue];
	if (x->t >= m->day_start && x->t < m->day_end) {
		tally_apply(&q->today, x, 1);
		int slot = (int)((x->t - m->day_start) / MODEL_INTERVAL_S);
		if (slot < MODEL_MAX_INTERVALS) {
			interval_apply(&q->iv[slot], x);
			if (slot >= m->iv_used)
				m->iv_used = slot + 1;
		}
	} else {
		m->stats.late_outcomes++;
	}
	if (x->t > m->now - m->cfg->window_s) {
		tally_apply(&q->window, x, 1);
		window_push(m, x);
	}
}

static void tally_event(struct model *m, const struct qevent *ev, int32_t qi, long value)
{
	const struct queue_conf *qc = &m->queues[qi].conf;
	struct tally x = { .t = ev->time, .queue = qi, .kind = (uint8_t)ev->kind,
	                   .value = value > INT32_MAX ? INT32_MAX : (int32_t)value };
	if (ev->kind == EV_CONNECT)
		x.within_sl = value >= 0 && value <= qc->sl_threshold_s;
	if (ev->kind == EV_ABANDON) {
		x.is_short = value >= 0 && value < qc->short_abandon_s;
		x.abandon_within_sl = value >= 0 && value <= qc->sl_threshold_s;
	}
	tally(m, &x);
}

/* ---- call life -------------------------------------------------------- */

static void ring_clear_call(struct model *m, struct call *c)
{
	for (int i = 0; i < MAX_RING; i++) {
		if (c->ringing[i] >= 0)
			m->agents[c->ringing[i]].ring_since = INT64_MIN;
		c->ringing[i] = -1;
	}
}

/* Moves a call to the done list (leaving waiting or talking). */
static void call_retire(struct model *m, struct call *c, int64_t t)
{
	struct queue *q = &m->queues[c->queue];
	if (c->phase == PH_DONE)
		list_unlink(&m->done, c);
	else
		list_unlink(&m->live, c);
	if (c->phase == PH_WAITING)
		wait_unlink(q, c);
	if (c->phase == PH_TALKING && c->agent >= 0) {
		struct agent *a = &m->agents[c->agent];
		if (a->active_calls > 0)
			a->active_calls--;
		if (a->active_calls == 0) {
			a->wrapup_until = t + q->conf.wrapup_s;
			a->since = t;
		}
	}
	ring_clear_call(m, c);
	c->phase = PH_DONE;
	c->key_t = t > m->now ? t : m->now;
	list_insert(&m->done, c);
}

static struct call *call_get(struct model *m, const struct qevent *ev, int32_t qi)
{
	uint32_t h = call_hash(ev, qi);
	struct call *c = call_find(m, ev, qi, h);
	if (c == NULL) {
		c = call_new(m, ev, qi, h);
		c->key_t = ev->time;
		list_insert(&m->done, c);
	}
	return c;
}

static bool on_enter(struct model *m, const struct qevent *ev, int32_t qi)
{
	uint32_t h = call_hash(ev, qi);
	struct call *c = call_find(m, ev, qi, h);
	if (c && c->enter_t != INT64_MIN && llabs(c->enter_t - ev->time) <= ENTER_SAME_S)
		return false;                          /* the same entry again */
	if (c == NULL) {
		c = call_new(m, ev, qi, h);    /* on no list yet */
	} else {
		call_retire(m, c, ev->time);           /* an earlier entry with no outcome */
		list_unlink(&m->done, c);
	}
	c->phase = PH_WAITING;
	c->enter_t = ev->time;
	c->key_t = ev->time;
	c->outcome_seen = 0;
	c->ended = 0;
	c->agent = -1;
	copy_str(c->callerid, sizeof c->callerid, ev->callerid);
	list_insert(&m->live, c);
	wait_insert(&m->queues[qi], c);
	return true;
}

static bool on_outcome(struct model *m, const struct qevent *ev, int32_t qi)
{
	struct call *c = call_get(m, ev, qi);
	long value = ev->kind == EV_CONNECT ? ev->hold_s : ev->wait_s;
	if (c->outcome_seen) {
		/* seen already (the other source): it still ends any ringing */
		ring_clear_call(m, c);
		if (ev->kind == EV_CONNECT && ev->agent) {
			int32_t ai = agent_index(m, ev);
			m->agents[ai].ring_since = INT64_MIN;
		}
		return false;
	}
	c->outcome_seen = 1;
	tally_event(m, ev, qi, value);
	/* also a record already done (stale, or new for a late line): remembered
	 * TOMBSTONE_S from now, so a repeat of this outcome is known */
	call_retire(m, c, ev->time);
	if (ev->kind == EV_CONNECT) {
		c->ended = 0;
		c->agent = -1;
		if (ev->agent) {
			int32_t ai = agent_index(m, ev);
			struct agent *a = &m->agents[ai];
			member_ensure(a, qi, ev->time);
			a->active_calls++;
			a->since = ev->time;
			a->ring_since = INT64_MIN;
			c->agent = ai;
		}
		list_unlink(&m->done, c);
		c->phase = PH_TALKING;
		c->key_t = ev->time;
		list_insert(&m->live, c);
	}
	return true;
}

static bool on_end(struct model *m, const struct qevent *ev, int32_t qi)
{
	struct call *c = call_get(m, ev, qi);
	if (c->ended)
		return false;
	c->ended = 1;
	c->outcome_seen = 1;
	tally_event(m, ev, qi, ev->talk_s);
	if (ev->agent) {
		int32_t ai = agent_index(m, ev);
		member_ensure(&m->agents[ai], qi, ev->time);
	}
	call_retire(m, c, ev->time);
	return true;
}

static void on_ring(struct model *m, const struct qevent *ev, int32_t qi)
{
	struct agent *a;
	int32_t ai;
	if (ev->agent == NULL)
		return;
	ai = agent_index(m, ev);
	a = &m->agents[ai];
	member_ensure(a, qi, ev->time);
	if (ev->kind != EV_RINGING) {
		a->ring_since = INT64_MIN;
		return;
	}
	a->ring_since = ev->time;
	struct call *c = call_find(m, ev, qi, call_hash(ev, qi));
	if (c && c->phase == PH_WAITING) {
		for (int i = 0; i < MAX_RING; i++) {
			if (c->ringing[i] < 0 || c->ringing[i] == ai) {
				c->ringing[i] = ai;
				break;
			}
		}
	}
}

/* ---- agents ----------------------------------------------------------- */

static void set_paused(struct agent *a, struct membership *ms, bool paused, int64_t t)
{
	if (ms->paused != paused)
		a->since = t;
	ms->paused = paused;
}

static void on_pause(struct model *m, const struct qevent *ev)
{
	int32_t ai = agent_index(m, ev);   /* may move m->agents */
	struct agent *a = &m->agents[ai];
	bool paused = ev->kind == EV_PAUSE;
	if (ev->queue) {
		struct membership *ms = member_ensure(a, queue_index(m, ev), ev->time);
		if (ms)
			set_paused(a, ms, paused, ev->time);
	} else {
		for (int i = 0; i < a->nmem; i++)
			set_paused(a, &a->mem[i], paused, ev->time);
		a->paused_all = paused;
	}
	set_reason(a, paused ? ev->reason : NULL);
}

static void on_member(struct model *m, const struct qevent *ev)
{
	int32_t ai = agent_index(m, ev);   /* may move m->agents */
	struct agent *a = &m->agents[ai];
	switch (ev->kind) {
	case EV_ADDMEMBER:
		if (ev->queue)
			set_paused(a, member_join(a, queue_index(m, ev), ev->time),
			           ev->paused, ev->time);
		break;
	case EV_REMOVEMEMBER:
		if (ev->queue)
			member_remove(a, queue_index(m, ev), ev->time);
		break;
	case EV_AGENTLOGIN:
		if (ev->queue) {
			member_join(a, queue_index(m, ev), ev->time);
		} else {
			a->global_login = 1;
			a->nremoved = 0;
		}
		a->since = ev->time;
		break;
	case EV_AGENTLOGOFF:
		if (ev->queue) {
			member_remove(a, queue_index(m, ev), ev->time);
		} else {
			while (a->nmem > 0)
				member_remove(a, a->mem[0].queue, ev->time);
			a->global_login = 0;
		}
		a->since = ev->time;
		break;
	case EV_MEMBERSTATUS:
		if (ev->queue)
			member_ensure(a, queue_index(m, ev), ev->time);
		a->status = ev->status;
		break;
	default:
		break;
	}
}

/* A call that ended while nobody watched (AMI: a waiting caller, or an
 * answered call, a QueueStatus shows gone): no longer waiting or talking, and
 * its outcome or end (if it comes after all) still counts. */
static void on_forget(struct model *m, const struct qevent *ev)
{
	int32_t qi;
	struct call *c;
	if (ev->callid == NULL || ev->queue == NULL)
		return;
	qi = queue_index(m, ev);
	c = call_find(m, ev, qi, call_hash(ev, qi));
	if (c && c->phase != PH_DONE)
		call_retire(m, c, ev->time);
}

/* AMI: the agent is on a call in the queue whose CONNECT was not seen (a
 * QueueStatus shows it InCall), under a callid made up for it. Like a CONNECT
 * it makes the agent busy until the call's end or EV_FORGET, but it counts
 * nothing: no answer (so no outcome is counted for this record), and an end
 * counts as one whose CONNECT was never seen does. A made-up callid is used
 * once: a record already known makes it a repeat. */
static bool on_busy(struct model *m, const struct qevent *ev)
{
	int32_t qi, ai;
	uint32_t h;
	struct call *c;
	if (ev->callid == NULL || ev->queue == NULL || ev->agent == NULL)
		return true;
	qi = queue_index(m, ev);
	h = call_hash(ev, qi);
	if (call_find(m, ev, qi, h))
		return false;
	ai = agent_index(m, ev);
	struct agent *a = &m->agents[ai];
	member_ensure(a, qi, ev->time);
	a->active_calls++;
	a->since = ev->time;
	a->ring_since = INT64_MIN;
	c = call_new(m, ev, qi, h);
	c->phase = PH_TALKING;
	c->outcome_seen = 1;
	c->agent = ai;
	c->key_t = ev->time;
	list_insert(&m->live, c);
	return true;
}

/* Asterisk restarted: every call in progress is gone; memberships stay. */
static void on_queuestart(struct model *m, int64_t t)
{
	while (m->live.head)
		call_retire(m, m->live.head, t);
	for (size_t i = 0; i < m->agent_names.count; i++) {
		m->agents[i].active_calls = 0;
		m->agents[i].ring_since = INT64_MIN;
	}
}

/* ---- public ----------------------------------------------------------- */

struct model *model_new(const struct config *cfg)
{
	struct model *m = xcalloc(1, sizeof *m);
	m->cfg = cfg;
	strmap_init(&m->queue_names);
	strmap_init(&m->agent_names);
	return m;
}

void model_free(struct model *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct call *c = m->buckets[i], *next;
		for (; c; c = next) {
			next = c->hnext;
			free(c);
		}
	}
	free(m->buckets);
	while (m->spare) {
		struct call *c = m->spare;
		m->spare = c->hnext;
		free(c);
	}
	for (size_t i = 0; i < m->agent_names.count; i++) {
		free(m->agents[i].mem);
		free(m->agents[i].removed);
		free(m->agents[i].reason);
	}
	free(m->agents);
	free(m->queues);
	free(m->win);
	strmap_free(&m->queue_names);
	strmap_free(&m->agent_names);
	free(m);
}

static void new_day(struct model *m);

void model_set_config(struct model *m, const struct config *cfg)
{
	int64_t start, end;
	m->cfg = cfg;
	for (size_t i = 0; i < m->queue_names.count; i++)
		queue_conf_refresh(m, (int32_t)i);
	if (m->now == 0)
		return;
	/* a new day_start makes another day: its figures start from here */
	day_bounds(m->now, cfg->day_start_min, &start, &end);
	if (start != m->day_start)
		new_day(m);
	window_expire(m);
}

/* A new day: today's counts and intervals start again. */
static void new_day(struct model *m)
{
	day_bounds(m->now, m->cfg->day_start_min, &m->day_start, &m->day_end);
	m->iv_used = 0;
	for (size_t i = 0; i < m->queue_names.count; i++) {
		memset(&m->queues[i].today, 0, sizeof m->queues[i].today);
		memset(m->queues[i].iv, 0, sizeof m->queues[i].iv);
	}
}

static void drop_stale(struct model *m)
{
	int64_t edge = m->now - m->cfg->stale_call_s;
	while (m->live.head && m->live.head->key_t < edge) {
		m->stats.stale_dropped++;
		call_retire(m, m->live.head, m->now);
	}
	edge = m->now - TOMBSTONE_S;
	while (m->done.head && m->done.head->key_t < edge) {
		struct call *c = m->done.head;
		list_unlink(&m->done, c);
		call_free(m, c);
	}
}

/* ---- forgetting idle names ---------------------------------------------- */

/* Puts every call back in the hash table after its queue was renumbered. */
static void calls_rehash(struct model *m)
{
	struct call **b = xcalloc(m->nbuckets, sizeof *b);
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct call *c = m->buckets[i], *next;
		for (; c; c = next) {
			next = c->hnext;
			struct qevent key = { .callid_hash = strmap_hash_n(c->callid, c->idlen) };
			c->hash = call_hash(&key, c->queue);
			chain_push(b, m->nbuckets, c);
		}
	}
	free(m->buckets);
	m->buckets = b;
}

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
		keep[i] = q->ncalls > 0 || q->last_seen >= idle_edge || q->last_seen >= m->day_start;
	}
	for (size_t i = 0; i < m->agent_names.count; i++)
		for (int k = 0; k < m->agents[i].nmem; k++)
			keep[m->agents[i].mem[k].queue] = 1;
	for (size_t i = 0; i < m->win_len; i++)
		keep[m->win[win_slot(m, i)].queue] = 1;
	kept = compact_map(keep, n, map);
	if (kept < n) {
		for (size_t i = 0; i < n; i++)
			if (map[i] >= 0)
				m->queues[map[i]] = m->queues[i];
		/* a new queue takes a freed slot: it must start as a zeroed one does */
		memset(m->queues + kept, 0, (n - kept) * sizeof *m->queues);
		strmap_compact(&m->queue_names, map);
		for (size_t i = 0; i < m->nbuckets; i++)
			for (struct call *c = m->buckets[i]; c; c = c->hnext)
				c->queue = map[c->queue];
		calls_rehash(m);
		for (size_t i = 0; i < m->win_len; i++)
			m->win[win_slot(m, i)].queue = map[m->win[win_slot(m, i)].queue];
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
	for (const struct call *c = m->live.head; c; c = c->next) {
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
				free(m->agents[i].reason);
			}
		}
		memset(m->agents + kept, 0, (n - kept) * sizeof *m->agents);
		for (size_t i = kept; i < n; i++)
			m->agents[i].ring_since = INT64_MIN;
		strmap_compact(&m->agent_names, map);
		for (size_t i = 0; i < m->nbuckets; i++) {
			for (struct call *c = m->buckets[i]; c; c = c->hnext) {
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
static void clock_forward(struct model *m, int64_t now)
{
	if (now <= m->now)
		return;
	m->now = now;
	if (now >= m->day_end || m->day_start == 0)
		new_day(m);
	window_expire(m);
	drop_stale(m);
	if (now >= m->next_sweep) {
		forget_idle(m);
		m->next_sweep = now + SWEEP_EVERY_S;
	}
}

/* The host clock stepped back (NTP): follow it, so that later events count in
 * the window and waits run from the new now. Tallies stamped past what the
 * wall clock may now accept leave the window; today keeps its counts unless
 * the new now is before it began. */
static void clock_back(struct model *m, int64_t now)
{
	int64_t edge = now + m->cfg->defaults.future_slack_s;
	m->now = now;
	while (m->win_len > 0) {
		const struct tally *x = &m->win[win_slot(m, m->win_len - 1)];
		if (x->t <= edge)
			break;
		tally_apply(&m->queues[x->queue].window, x, -1);
		m->win_len--;
	}
	if (now < m->day_start)
		new_day(m);
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
		clock_forward(m, now);
}

int64_t model_now(const struct model *m)
{
	return m->now;
}

static bool kind_names_call_queue(enum ev_kind k)
{
	return k <= EV_RINGING || k == EV_FORGET || k == EV_BUSY;
}

static bool kind_names_member(enum ev_kind k)
{
	return k >= EV_ADDMEMBER && k <= EV_MEMBERSTATUS;
}

/* Would applying ev add a queue to the model? */
static bool adds_queue(const struct model *m, const struct qevent *ev)
{
	if (ev->queue == NULL)
		return false;
	if (kind_names_call_queue(ev->kind) ? ev->callid == NULL
	                                    : !kind_names_member(ev->kind) || ev->agent == NULL)
		return false;
	return strmap_find_n(&m->queue_names, ev->queue, ev->queue_len, ev->queue_hash) < 0;
}

/* Would applying ev add an agent to the model? */
static bool adds_agent(const struct model *m, const struct qevent *ev)
{
	bool on_call = ev->kind == EV_CONNECT || ev->kind == EV_COMPLETE || ev->kind == EV_BUSY ||
	               ev->kind == EV_TRANSFER || (ev->kind >= EV_RINGNOANSWER && ev->kind <= EV_RINGING);
	if (ev->agent == NULL)
		return false;
	if (on_call ? ev->queue == NULL || ev->callid == NULL : !kind_names_member(ev->kind))
		return false;
	const char *name = config_agent_name(m->cfg, ev->agent);
	if (name == ev->agent)
		return strmap_find_n(&m->agent_names, name, ev->agent_len, ev->agent_hash) < 0;
	return strmap_find(&m->agent_names, name) < 0;
}

/* The verdict on ev before it is applied: a line from the future changes
 * nothing; one that names a new queue or agent past the caps only moves the
 * clock to its time (which may forget idle names and so make room: in a
 * replay nothing else moves the clock). */
static enum model_verdict admit(struct model *m, const struct qevent *ev, int64_t wall)
{
	if (wall != MODEL_NO_WALL && ev->time > wall &&
	    ev->time - wall > m->cfg->defaults.future_slack_s) {
		m->stats.future_lines++;
		return MODEL_FUTURE;
	}
	clock_forward(m, ev->time);
	if (m->queue_names.count >= (size_t)m->cfg->max_queues && adds_queue(m, ev)) {
		m->stats.queue_cap_lines++;
		return MODEL_QUEUE_CAP;
	}
	if (m->agent_names.count >= (size_t)m->cfg->max_agents && adds_agent(m, ev)) {
		m->stats.agent_cap_lines++;
		return MODEL_AGENT_CAP;
	}
	return MODEL_APPLIED;
}

static bool apply_event(struct model *m, const struct qevent *ev)
{
	int32_t qi = -1;
	bool applied = true;

	clock_forward(m, ev->time);
	m->stats.events++;
	if (ev->kind <= EV_RINGING) {
		if (ev->queue == NULL || ev->callid == NULL)
			return true;            /* nothing to hang it on */
		qi = queue_index(m, ev);
	}
	switch (ev->kind) {
	case EV_ENTER:
		applied = on_enter(m, ev, qi);
		break;
	case EV_CONNECT: case EV_ABANDON: case EV_TIMEOUT: case EV_EXITKEY:
	case EV_EXITEMPTY: case EV_WITHDRAW:
		applied = on_outcome(m, ev, qi);
		break;
	case EV_COMPLETE: case EV_TRANSFER:
		applied = on_end(m, ev, qi);
		break;
	case EV_RINGNOANSWER: case EV_RINGCANCELED: case EV_RINGING:
		on_ring(m, ev, qi);
		break;
	case EV_PAUSE: case EV_UNPAUSE:
		if (ev->agent)
			on_pause(m, ev);
		break;
	case EV_ADDMEMBER: case EV_REMOVEMEMBER: case EV_AGENTLOGIN: case EV_AGENTLOGOFF:
	case EV_MEMBERSTATUS:
		if (ev->agent)
			on_member(m, ev);
		break;
	case EV_QUEUESTART:
		on_queuestart(m, ev->time);
		break;
	case EV_FORGET:
		on_forget(m, ev);
		break;
	case EV_BUSY:
		applied = on_busy(m, ev);
		break;
	default:
		break;
	}
	if (!applied)
		m->stats.duplicates++;
	return applied;
}

enum model_verdict model_submit(struct model *m, const struct qevent *ev, int64_t wall)
{
	struct qevent keyed;
	enum model_verdict v;

	if (!ev->keyed) {
		keyed = *ev;
		qevent_key(&keyed);
		ev = &keyed;
	}
	v = admit(m, ev, wall);
	if (v != MODEL_APPLIED)
		return v;
	return apply_event(m, ev) ? MODEL_APPLIED : MODEL_DUPLICATE;
}

bool model_apply(struct model *m, const struct qevent *ev)
{
	return model_submit(m, ev, MODEL_NO_WALL) == MODEL_APPLIED;
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

const struct interval *model_queue_intervals(const struct model *m, size_t qi, int *n)
{
	int64_t span = m->now >= m->day_start ? m->now - m->day_start : 0;
	*n = m->now ? (int)(span / MODEL_INTERVAL_S) + 1 : 0;
	if (*n < m->iv_used)
		*n = m->iv_used;         /* the clock stepped back: what it counted stays */
	if (*n > MODEL_MAX_INTERVALS)
		*n = MODEL_MAX_INTERVALS;
	return m->queues[qi].iv;
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

int model_queue_callers(const struct model *m, size_t qi, struct caller_view *out, int max)
{
	int n = 0;
	for (const struct call *c = m->queues[qi].whead; c && n < max; c = c->wnext, n++) {
		out[n].callerid = c->callerid;
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
