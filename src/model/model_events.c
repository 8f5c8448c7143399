/* model_events.c - what each event kind does to the model: the call's life
 * (enter, outcome, end, ring), the agents' (pause, membership), a restart,
 * and the checks before an event is applied (SPEC 2). */
#include "model_events.h"
#include "model_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define ENTER_SAME_S 2         /* a queue_log ENTERQUEUE and AMI's join of one
                                  call can be stamped a second or two apart */

/* ---- calls ------------------------------------------------------------ */

static bool on_enter(struct model *m, const struct qevent *ev, int32_t qi)
{
	uint32_t h = call_hash(ev, qi);
	struct call *c = calls_lookup(m, ev, qi, h);
	if (c && c->enter_t != INT64_MIN && llabs(c->enter_t - ev->time) <= ENTER_SAME_S)
		return false;                          /* the same entry again */
	if (c == NULL) {
		c = calls_new(m, ev, qi, h);           /* on no list yet */
	} else {
		calls_retire(m, c, ev->time);          /* an earlier entry with no outcome */
		list_unlink(&m->calls.done, c);
	}
	c->phase = PH_WAITING;
	c->enter_t = ev->time;
	c->key_t = ev->time;
	c->outcome_seen = 0;
	c->ended = 0;
	c->agent = -1;
	calls_set_callerid(c, ev->callerid);
	list_insert(&m->calls.live, c);
	calls_wait_insert(&m->queues[qi], c);
	return true;
}

static bool on_outcome(struct model *m, const struct qevent *ev, int32_t qi)
{
	struct call *c = calls_get(m, ev, qi);
	long value = ev->kind == EV_CONNECT ? ev->hold_s : ev->wait_s;
	call_links_prefetch(c);
	if (c->outcome_seen) {
		/* seen already (the other source): it still ends any ringing */
		calls_ring_clear(m, c);
		if (ev->kind == EV_CONNECT && ev->agent) {
			int32_t ai = model_agent_index(m, ev);
			m->agents[ai].ring_since = INT64_MIN;
		}
		return false;
	}
	c->outcome_seen = 1;
	tally_event(m, ev, qi, value);
	/* also a record already done (stale, or new for a late line): remembered
	 * TOMBSTONE_S from now, so a repeat of this outcome is known */
	calls_retire(m, c, ev->time);
	if (ev->kind == EV_CONNECT) {
		c->ended = 0;
		c->agent = -1;
		if (ev->agent) {
			int32_t ai = model_agent_index(m, ev);
			struct agent *a = &m->agents[ai];
			member_ensure(a, qi, ev->time);
			a->active_calls++;
			a->since = ev->time;
			a->ring_since = INT64_MIN;
			c->agent = ai;
		}
		list_unlink(&m->calls.done, c);
		c->phase = PH_TALKING;
		c->key_t = ev->time;
		list_insert(&m->calls.live, c);
	}
	return true;
}

static bool on_end(struct model *m, const struct qevent *ev, int32_t qi)
{
	struct call *c = calls_get(m, ev, qi);
	if (c->ended)
		return false;
	call_links_prefetch(c);
	c->ended = 1;
	c->outcome_seen = 1;
	tally_event(m, ev, qi, ev->talk_s);
	if (ev->agent) {
		int32_t ai = model_agent_index(m, ev);
		member_ensure(&m->agents[ai], qi, ev->time);
	}
	calls_retire(m, c, ev->time);
	return true;
}

/* RINGNOANSWER, RINGCANCELED: the agent stops ringing; RINGING: it rings. */
static bool on_ring(struct model *m, const struct qevent *ev, int32_t qi)
{
	struct agent *a;
	int32_t ai;
	if (ev->agent == NULL)
		return true;
	ai = model_agent_index(m, ev);
	a = &m->agents[ai];
	member_ensure(a, qi, ev->time);
	if (ev->kind != EV_RINGING) {
		a->ring_since = INT64_MIN;
		return true;
	}
	a->ring_since = ev->time;
	struct call *c = call_find(&m->calls, ev, qi, call_hash(ev, qi));
	if (c && c->phase == PH_WAITING) {
		for (int i = 0; i < MAX_RING; i++) {
			if (c->ringing[i] < 0 || c->ringing[i] == ai) {
				c->ringing[i] = ai;
				break;
			}
		}
	}
	return true;
}

/* ---- agents ----------------------------------------------------------- */

static void set_paused(struct agent *a, struct membership *ms, bool paused, int64_t t)
{
	if (ms->paused != paused)
		a->since = t;
	ms->paused = paused;
}

/* PAUSE, UNPAUSE: in one queue, or (queue NULL: PAUSEALL) in all. */
static bool on_pause(struct model *m, const struct qevent *ev, int32_t qi)
{
	int32_t ai = model_agent_index(m, ev);   /* may move m->agents */
	struct agent *a = &m->agents[ai];
	bool paused = ev->kind == EV_PAUSE;
	(void)qi;
	if (ev->queue) {
		struct membership *ms = member_ensure(a, model_queue_index(m, ev), ev->time);
		if (ms)
			set_paused(a, ms, paused, ev->time);
	} else {
		for (int i = 0; i < a->nmem; i++)
			set_paused(a, &a->mem[i], paused, ev->time);
		a->paused_all = paused;
	}
	agent_set_reason(m, a, paused ? ev->reason : NULL);
	return true;
}

static bool on_addmember(struct model *m, const struct qevent *ev, int32_t qi)
{
	int32_t ai = model_agent_index(m, ev);   /* may move m->agents */
	struct agent *a = &m->agents[ai];
	(void)qi;
	if (ev->queue)
		set_paused(a, member_join(a, model_queue_index(m, ev), ev->time),
		           ev->paused, ev->time);
	return true;
}

static bool on_removemember(struct model *m, const struct qevent *ev, int32_t qi)
{
	int32_t ai = model_agent_index(m, ev);
	struct agent *a = &m->agents[ai];
	(void)qi;
	if (ev->queue)
		member_remove(a, model_queue_index(m, ev), ev->time);
	return true;
}

/* In one queue, or (queue NULL) in every queue, even those it left. */
static bool on_agentlogin(struct model *m, const struct qevent *ev, int32_t qi)
{
	int32_t ai = model_agent_index(m, ev);
	struct agent *a = &m->agents[ai];
	(void)qi;
	if (ev->queue) {
		member_join(a, model_queue_index(m, ev), ev->time);
	} else {
		a->global_login = 1;
		a->nremoved = 0;
	}
	a->since = ev->time;
	return true;
}

static bool on_agentlogoff(struct model *m, const struct qevent *ev, int32_t qi)
{
	int32_t ai = model_agent_index(m, ev);
	struct agent *a = &m->agents[ai];
	(void)qi;
	if (ev->queue) {
		member_remove(a, model_queue_index(m, ev), ev->time);
	} else {
		while (a->nmem > 0)
			member_remove(a, a->mem[0].queue, ev->time);
		a->global_login = 0;
	}
	a->since = ev->time;
	return true;
}

static bool on_memberstatus(struct model *m, const struct qevent *ev, int32_t qi)
{
	int32_t ai = model_agent_index(m, ev);
	struct agent *a = &m->agents[ai];
	(void)qi;
	if (ev->queue)
		member_ensure(a, model_queue_index(m, ev), ev->time);
	a->status = ev->status;
	return true;
}

/* A call that ended while nobody watched (AMI: a waiting caller, or an
 * answered call, a QueueStatus shows gone): no longer waiting or talking, and
 * its outcome or end (if it comes after all) still counts. */
static bool on_forget(struct model *m, const struct qevent *ev, int32_t qi)
{
	struct call *c = call_find(&m->calls, ev, qi, call_hash(ev, qi));
	if (c && c->phase != PH_DONE)
		calls_retire(m, c, ev->time);
	return true;
}

/* AMI: the agent is on a call in the queue whose CONNECT was not seen (a
 * QueueStatus shows it InCall), under a callid made up for it. Like a CONNECT
 * it makes the agent busy until the call's end or EV_FORGET, but it counts
 * nothing: no answer (so no outcome is counted for this record), and an end
 * counts as one whose CONNECT was never seen does. A made-up callid is used
 * once: a record already known makes it a repeat. */
static bool on_busy(struct model *m, const struct qevent *ev, int32_t qi)
{
	int32_t ai;
	uint32_t h = call_hash(ev, qi);
	struct call *c;
	if (calls_lookup(m, ev, qi, h))
		return false;
	ai = model_agent_index(m, ev);
	struct agent *a = &m->agents[ai];
	member_ensure(a, qi, ev->time);
	a->active_calls++;
	a->since = ev->time;
	a->ring_since = INT64_MIN;
	c = calls_new(m, ev, qi, h);
	c->phase = PH_TALKING;
	c->outcome_seen = 1;
	c->agent = ai;
	c->key_t = ev->time;
	list_insert(&m->calls.live, c);
	return true;
}

/* Asterisk restarted: every call in progress is gone; memberships stay. */
static bool on_queuestart(struct model *m, const struct qevent *ev, int32_t qi)
{
	(void)qi;
	while (m->calls.live.head)
		calls_retire(m, m->calls.live.head, ev->time);
	model_agents_touch_all(m);
	for (size_t i = 0; i < m->agent_names.count; i++) {
		m->agents[i].active_calls = 0;
		m->agents[i].ring_since = INT64_MIN;
	}
	return true;
}

/* ---- applying an event ------------------------------------------------ */

/* One row per event kind: what it hangs on and what it does. */
const struct ev_row model_ev_rows[EV_KIND_COUNT] = {
	[EV_ENTER]        = { on_enter,        HOOK_CALL,  false, false },
	[EV_CONNECT]      = { on_outcome,      HOOK_CALL,  false, true  },
	[EV_COMPLETE]     = { on_end,          HOOK_CALL,  false, true  },
	[EV_TRANSFER]     = { on_end,          HOOK_CALL,  false, true  },
	[EV_ABANDON]      = { on_outcome,      HOOK_CALL,  false, false },
	[EV_TIMEOUT]      = { on_outcome,      HOOK_CALL,  false, false },
	[EV_EXITKEY]      = { on_outcome,      HOOK_CALL,  false, false },
	[EV_EXITEMPTY]    = { on_outcome,      HOOK_CALL,  false, false },
	[EV_WITHDRAW]     = { on_outcome,      HOOK_CALL,  false, false },
	[EV_RINGNOANSWER] = { on_ring,         HOOK_CALL,  false, true  },
	[EV_RINGCANCELED] = { on_ring,         HOOK_CALL,  false, true  },
	[EV_RINGING]      = { on_ring,         HOOK_CALL,  false, true  },
	[EV_ADDMEMBER]    = { on_addmember,    HOOK_AGENT, true,  false },
	[EV_REMOVEMEMBER] = { on_removemember, HOOK_AGENT, true,  false },
	[EV_AGENTLOGIN]   = { on_agentlogin,   HOOK_AGENT, true,  false },
	[EV_AGENTLOGOFF]  = { on_agentlogoff,  HOOK_AGENT, true,  false },
	[EV_PAUSE]        = { on_pause,        HOOK_AGENT, true,  false },
	[EV_UNPAUSE]      = { on_pause,        HOOK_AGENT, true,  false },
	[EV_MEMBERSTATUS] = { on_memberstatus, HOOK_AGENT, true,  false },
	[EV_QUEUESTART]   = { on_queuestart,   HOOK_NONE,  false, false },
	[EV_FORGET]       = { on_forget,       HOOK_CALL,  false, false },
	/* a QueueStatus call has an agent or nothing: its queue is not added without one */
	[EV_BUSY]         = { on_busy,         HOOK_CALL,  true,  true  },
};

/* The row of ev's kind; a kind out of range changes nothing. */
static const struct ev_row *row_of(const struct qevent *ev)
{
	static const struct ev_row none = { NULL, HOOK_NONE, false, false };
	return (unsigned)ev->kind < EV_KIND_COUNT ? &model_ev_rows[ev->kind] : &none;
}

/* Would applying ev add a queue to the model? */
static bool adds_queue(const struct model *m, const struct qevent *ev)
{
	const struct ev_row *row = row_of(ev);
	if (ev->queue == NULL)
		return false;
	if (row->hook == HOOK_CALL ? ev->callid == NULL
	                           : row->hook != HOOK_AGENT || ev->agent == NULL)
		return false;
	return strmap_find_n(&m->queue_names, ev->queue, ev->queue_len, ev->queue_hash) < 0;
}

/* Would applying ev add an agent to the model? */
static bool adds_agent(const struct model *m, const struct qevent *ev)
{
	const struct ev_row *row = row_of(ev);
	if (ev->agent == NULL)
		return false;
	if (row->agent_on_call ? ev->queue == NULL || ev->callid == NULL : row->hook != HOOK_AGENT)
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
	model_clock_forward(m, ev->time);
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

/* Starts fetching the lines of queue qi a call's event writes: its list of
 * waiting calls and counters (the struct's tail), and for a tally (tally)
 * its settings, today's and the window's counts and the interval of ev's
 * time. A big centre's queues are cold by the next line: these
 * misses then overlap with the call's own. */
static void queue_prefetch(const struct model *m, const struct qevent *ev, int32_t qi,
                           bool tally)
{
	const struct queue *q = &m->queues[qi];
	__builtin_prefetch(&q->last_seen);
	__builtin_prefetch(&q->whead);
	if (!tally)
		return;
	__builtin_prefetch(&q->conf.sl_threshold_s);
	__builtin_prefetch(&q->today);
	__builtin_prefetch(&q->today.completed);
	__builtin_prefetch(&q->window);
	__builtin_prefetch(&q->window.completed);
	if (ev->time >= m->day_start && ev->time < m->day_end) {
		int64_t slot = (ev->time - m->day_start) / MODEL_INTERVAL_S;
		if (q->iv && slot >= m->iv_first && slot < m->iv_cover)
			__builtin_prefetch(&q->iv[slot - m->iv_first]);
	}
}

/* Starts fetching the record of ev's agent (a known one, under its own
 * name), which a call's event reads after its call's: its memberships first. */
static void agent_prefetch(const struct model *m, const struct qevent *ev)
{
	int32_t ai;
	if (ev->agent == NULL || config_agent_name(m->cfg, ev->agent) != ev->agent ||
	    (ai = strmap_find_n(&m->agent_names, ev->agent, ev->agent_len, ev->agent_hash)) < 0)
		return;
	__builtin_prefetch(&m->agents[ai].mem);
	__builtin_prefetch(&m->agents[ai].nremoved);
}

static bool apply_event(struct model *m, const struct qevent *ev)
{
	const struct ev_row *row = row_of(ev);
	int32_t qi = -1;

	model_clock_forward(m, ev->time);
	m->stats.events++;
	if (row->apply == NULL)
		return true;
	if (row->hook == HOOK_CALL && (ev->queue == NULL || ev->callid == NULL))
		return true;                    /* nothing to hang it on */
	if (row->needs_agent && ev->agent == NULL)
		return true;
	if (row->hook == HOOK_CALL) {
		call_chain_prefetch(&m->calls, call_hash(ev, -1));
		agent_prefetch(m, ev);
		qi = model_queue_index(m, ev);
		queue_prefetch(m, ev, qi, row->apply == on_outcome || row->apply == on_end);
	}
	if (row->apply(m, ev, qi)) {
		astat_on_event(m, ev, qi);
		return true;
	}
	m->stats.duplicates++;
	return false;
}

/* Starts fetching what ev will look up first - its queue's and agent's
 * slots, its call's chain, for a new entry the tombstones' index - so that
 * these cache misses (a big centre's tables are cold by the next line) come
 * at once rather than one after the other. */
static void prefetch(const struct model *m, const struct qevent *ev)
{
	if (ev->queue)
		strmap_prefetch(&m->queue_names, ev->queue_hash);
	if (ev->agent)
		strmap_prefetch(&m->agent_names, ev->agent_hash);
	if (ev->queue && ev->callid) {
		uint32_t h = call_hash(ev, -1);
		call_prefetch(&m->calls, h);
		if (ev->kind == EV_ENTER)
			tombs_prefetch(&m->calls.tombs, h);
	}
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
	prefetch(m, ev);
	v = admit(m, ev, wall);
	if (v != MODEL_APPLIED)
		return v;
	return apply_event(m, ev) ? MODEL_APPLIED : MODEL_DUPLICATE;
}

bool model_apply(struct model *m, const struct qevent *ev)
{
	return model_submit(m, ev, MODEL_NO_WALL) == MODEL_APPLIED;
}
