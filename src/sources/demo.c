/* demo.c - the simulated contact centre behind --demo.
 *
 * A discrete-event simulation on an event heap, in milliseconds: callers
 * arrive by a Poisson process per queue (thinned, so the rate can follow a
 * curve), wait FIFO, ring the longest-idle skilled agent, talk, hang up; some
 * abandon, time out or press a key. Agents work shifts, take breaks, get
 * auto-paused after a missed ring. The day starts two quiet hours before
 * `start`; a busy spell (a surge of calls while part of the team is in a
 * training) begins about a minute and a half after it. Everything comes out
 * as Asterisk queue_log lines, member names in the agent field. The other
 * channels (demo_contacts.c) run beside on their own heap and random stream,
 * merged by time; they name the callers, so a customer's email and call meet. */
#include "demo.h"
#include "demo_contacts.h"
#include "demo_sim.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the centre ------------------------------------------------------- */

enum { Q_SUPPORT, Q_SALES, Q_BILLING, Q_SPANISH, Q_VIP, Q_COUNT };
#define SK(q) (1u << (q))

struct queue_def {
	const char *name;
	double occupancy;     /* offered load / capacity at load factor 1 */
	double patience_s;    /* mean seconds a caller waits before giving up */
	int timeout_s;        /* queue timeout */
	double surge;         /* arrival multiplier at the height of the busy spell */
	int priority;         /* higher is served first */
};

static const struct queue_def queue_defs[Q_COUNT] = {
	[Q_SUPPORT] = { "support", 0.80, 110.0, 120, 4.0, 0 },
	[Q_SALES]   = { "sales",   0.80, 100.0, 180, 2.5, 0 },
	[Q_BILLING] = { "billing", 0.76, 120.0, 240, 1.4, 0 },
	[Q_SPANISH] = { "spanish", 0.65, 120.0, 240, 1.4, 0 },
	[Q_VIP]     = { "vip",     0.55, 200.0, 600, 1.2, 1 },
};

struct agent_def {
	const char *name;
	unsigned skills;      /* SK(queue) bits */
};

static const struct agent_def agent_defs[] = {
	{ "Alex Morgan", SK(Q_SUPPORT) },
	{ "Jordan Lee", SK(Q_SUPPORT) },
	{ "Priya Patel", SK(Q_SUPPORT) },
	{ "Sam Okafor", SK(Q_SUPPORT) | SK(Q_BILLING) },
	{ "Chloé Dubois", SK(Q_SUPPORT) },
	{ "Marcus Reed", SK(Q_SUPPORT) },
	{ "Hannah Schmidt", SK(Q_SUPPORT) | SK(Q_BILLING) },
	{ "Tom Gallagher", SK(Q_SUPPORT) },
	{ "Aisha Khan", SK(Q_SUPPORT) },
	{ "Björn Larsson", SK(Q_SUPPORT) | SK(Q_VIP) },
	{ "Grace Liu", SK(Q_SUPPORT) },
	{ "Daniel Cohen", SK(Q_SUPPORT) | SK(Q_SALES) },
	{ "Emma Wilson", SK(Q_SUPPORT) },
	{ "Olivia Brown", SK(Q_SALES) },
	{ "Liam O'Connor", SK(Q_SALES) },
	{ "Noah Williams", SK(Q_SALES) | SK(Q_VIP) },
	{ "Zoë Martin", SK(Q_SALES) },
	{ "Ethan Clarke", SK(Q_SALES) },
	{ "Mia Rossi", SK(Q_SALES) | SK(Q_BILLING) },
	{ "Lucas Silva", SK(Q_SALES) | SK(Q_SPANISH) },
	{ "Ava Thompson", SK(Q_SALES) },
	{ "Ryan Murphy", SK(Q_SALES) },
	{ "Isabella Conti", SK(Q_SALES) },
	{ "Fatima Haddad", SK(Q_BILLING) },
	{ "Łukasz Nowak", SK(Q_BILLING) },
	{ "Renée Fischer", SK(Q_BILLING) | SK(Q_SUPPORT) },
	{ "Kevin Park", SK(Q_BILLING) },
	{ "Nina Petrova", SK(Q_BILLING) },
	{ "Oscar Lindqvist", SK(Q_BILLING) | SK(Q_SALES) },
	{ "María José Fernández", SK(Q_SPANISH) },
	{ "José Álvarez", SK(Q_SPANISH) | SK(Q_SUPPORT) },
	{ "Sofía Ramírez", SK(Q_SPANISH) },
	{ "Mateo Gutiérrez", SK(Q_SPANISH) | SK(Q_SALES) },
	{ "Lucía Moreno", SK(Q_SPANISH) | SK(Q_BILLING) },
	{ "Catherine Blake", SK(Q_VIP) },
	{ "François Petit", SK(Q_VIP) | SK(Q_SALES) },
	{ "Siobhán Kelly", SK(Q_VIP) | SK(Q_SUPPORT) },
	{ "Victor Hughes", SK(Q_VIP) },
};
#define N_AGENTS ((int)(sizeof agent_defs / sizeof agent_defs[0]))

/* Times in seconds unless named _ms. */
#define HISTORY_S        7200     /* the day begins this long before start */
#define ARRIVALS_AFTER_S 600      /* first callers once the morning team is in */
#define TALK_MEAN_S      180.0
#define TALK_SIGMA       0.6      /* of the talk time's logarithm */
#define TALK_MIN_S       15.0
#define TALK_MAX_S       1800.0
#define WRAP_MIN_S       5.0
#define WRAP_MAX_S       20.0
#define RING_MIN_S       2.0
#define RING_MAX_S       7.0
#define RING_TIMEOUT_S   15
#define NOANSWER_P       0.04     /* a ring that goes unanswered */
#define AUTOPAUSE_P      0.5      /* ... and then auto-pauses the agent */
#define AUTOPAUSE_MIN_S  20.0
#define AUTOPAUSE_MAX_S  60.0
#define QUICK_HANGUP_P   0.04     /* callers who give up within seconds */
#define QUICK_HANGUP_MAX 4.8
#define PATIENCE_MIN_S   12.0
#define KEYPRESS_P       0.04
#define KEYPRESS_MIN_S   10.0
#define KEYPRESS_MAX_S   60.0
#define TRANSFER_P       0.05
#define CALLER_ENDS_P    0.45     /* COMPLETECALLER rather than COMPLETEAGENT */
#define BREAK_GAP_S      4200.0   /* mean time between an agent's breaks */
#define BREAK_RETRY_S    120      /* a break due while paused is put off */
#define STAFFED_SHARE    0.74     /* agents logged in and not paused, expected */
#define MORNING_P        0.82     /* agents in from the start of the day */
#define MORNING_SPREAD_S 600.0
#define SHIFT_MIN_S      9000.0
#define SHIFT_MAX_S      25200.0
#define RETURN_MIN_S     1200.0
#define RETURN_MAX_S     3600.0
/* The load curve: quiet morning ramp, then waves; noise on knots. */
#define CURVE_MORNING    0.5
#define CURVE_BASE       0.92
#define CURVE_WAVE       0.08
#define CURVE_WAVE_S     2700.0
#define CURVE_SLOW       0.06
#define CURVE_SLOW_S     10800.0
#define NOISE_AMP        0.10
#define NOISE_KNOT_S     240.0
/* The busy spell, relative to start: ramp up, hold, ramp down. */
#define SPELL_UP_S       45.0
#define SPELL_FULL_S     60.0
#define SPELL_DOWN_S     240.0
#define SPELL_END_S      300.0
#define MEETING_AT_S     30
#define MEETING_SIZE     8
#define MEETING_END_MIN  330.0
#define MEETING_END_MAX  400.0

struct pause_kind { const char *reason; double weight, min_s, max_s; };
static const struct pause_kind pause_kinds[] = {
	{ "Break", 0.65, 300.0, 720.0 },
	{ "Lunch", 0.15, 1500.0, 2400.0 },
	{ "Training", 0.20, 600.0, 1200.0 },
};
#define N_PAUSE_KINDS ((int)(sizeof pause_kinds / sizeof pause_kinds[0]))
#define AUTOPAUSE_REASON "Auto-Pause"
#define MEETING_REASON "Training"

/* ---- simulation state --------------------------------------------------- */

enum sim_kind {
	SE_START, SE_ARRIVE, SE_GIVEUP, SE_TIMEOUT, SE_KEYPRESS, SE_CONNECT, SE_NOANSWER,
	SE_HANGUP, SE_WRAPPED, SE_UNPAUSE, SE_BREAK, SE_LOGIN, SE_SHIFT_END, SE_MEETING
};

enum call_state { CALL_FREE, CALL_WAITING, CALL_RINGING, CALL_TALKING };

struct call {
	enum call_state state;
	uint32_t gen;         /* bumped when the slot is freed */
	int queue, agent, origpos, next_free;
	long hold_s;
	int64_t enter_ms, ring_ms, connect_ms;
	char id[32];
	char caller[20];
};

enum agent_state { AG_OUT, AG_IDLE, AG_RINGING, AG_TALKING, AG_WRAPUP, AG_PAUSED };

struct agent {
	const struct agent_def *def;
	enum agent_state state;
	uint32_t token;       /* bumped on every state change */
	uint32_t shift;       /* bumped at each login and logoff */
	uint32_t break_gen;   /* the one live break wish */
	int call;
	int64_t idle_since;
	bool autopaused, want_logoff;
	const char *pause_reason;  /* while paused */
	const char *want_reason;   /* a pause wished for once the call is done */
	int64_t want_until_ms;     /* 0: the reason's usual length */
};

struct waitlist { int *v; int n, cap; };

struct demo {
	uint64_t seed;
	struct rng rng;
	int64_t start_ms, now_ms;
	struct sim_heap heap;
	struct demo_contacts *dc;  /* the other channels; they name the callers */
	struct call *calls;
	int n_calls, free_call;
	unsigned uid;
	struct agent agents[N_AGENTS];
	struct waitlist waiting[Q_COUNT];
	double rate[Q_COUNT];      /* calls per second at load factor 1 */
	double fmax[Q_COUNT];      /* bound of the load factor, for thinning */
	bool broken;               /* out of memory: stop quietly */
	void (*emit)(void *ctx, char *line, size_t len);
	void *ctx;
	size_t lines;
};

static int64_t ms_to_s(int64_t ms)
{
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

static int64_t s_to_ms(double s)
{
	return (int64_t)llround(s * 1000.0);
}

/* ---- the event heap ----------------------------------------------------- */

static void at(struct demo *d, int64_t t, enum sim_kind kind, int who, uint32_t gen)
{
	if (!sim_heap_push(&d->heap, t < d->now_ms ? d->now_ms : t, (int)kind, who, gen))
		d->broken = true;
}

static void after(struct demo *d, double s, enum sim_kind kind, int who, uint32_t gen)
{
	at(d, d->now_ms + s_to_ms(s), kind, who, gen);
}

/* ---- output ------------------------------------------------------------- */

/* Writes "epoch|callid|queue|agent|EVENT|" followed by the data fields. */
static void out(struct demo *d, const char *callid, const char *queue, const char *agent,
                const char *event, const char *fmt, ...)
{
	char line[512];
	int n = snprintf(line, sizeof line, "%lld|%s|%s|%s|%s|", (long long)ms_to_s(d->now_ms),
	                 callid, queue, agent, event);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)(n + m) >= sizeof line)
		return;
	d->lines++;
	if (d->emit)
		d->emit(d->ctx, line, (size_t)(n + m));
}

static void new_uid(struct demo *d, char *buf, size_t size)
{
	snprintf(buf, size, "%lld.%u", (long long)ms_to_s(d->now_ms), d->uid++);
}

/* ---- the load curve ----------------------------------------------------- */

/* A deterministic value in [-1, 1] for knot k of queue q. */
static double noise_knot(uint64_t seed, int q, int64_t k)
{
	uint64_t x = seed ^ ((uint64_t)q * 0x632be59bd9b4e019ULL) ^ ((uint64_t)k * 0x8cb92ba72f3d8dd7ULL);
	return (double)(splitmix64(&x) >> 11) * 0x1.0p-52 - 1.0;
}

static double noise(const struct demo *d, int q, double s)
{
	double x = (s + HISTORY_S) / NOISE_KNOT_S;
	double k = floor(x), f = x - k;
	double a = noise_knot(d->seed, q, (int64_t)k), b = noise_knot(d->seed, q, (int64_t)k + 1);
	return 1.0 + NOISE_AMP * (a + (b - a) * f);
}

/* The day's shape at s seconds after start: a quiet morning ramp up to a lull
 * at start, then waves. */
static double day_curve(double s)
{
	double lull = CURVE_BASE - CURVE_WAVE;   /* where the morning ends */
	if (s < 0) {
		double x = (s + HISTORY_S) / HISTORY_S;
		return CURVE_MORNING + (lull - CURVE_MORNING) * 0.5 * (1.0 - cos(DEMO_PI * x));
	}
	return CURVE_BASE - CURVE_WAVE * cos(2.0 * DEMO_PI * s / CURVE_WAVE_S)
	       + CURVE_SLOW * sin(2.0 * DEMO_PI * s / CURVE_SLOW_S);
}

/* How far into the busy spell s is, 0..1. */
static double spell(double s)
{
	if (s <= SPELL_UP_S || s >= SPELL_END_S)
		return 0.0;
	if (s < SPELL_FULL_S)
		return (s - SPELL_UP_S) / (SPELL_FULL_S - SPELL_UP_S);
	if (s <= SPELL_DOWN_S)
		return 1.0;
	return (SPELL_END_S - s) / (SPELL_END_S - SPELL_DOWN_S);
}

static double load_factor(const struct demo *d, int q, int64_t t_ms)
{
	double s = (double)(t_ms - d->start_ms) / 1000.0;
	double surge = 1.0 + (queue_defs[q].surge - 1.0) * spell(s);
	return day_curve(s) * noise(d, q, s) * surge;
}

static int skill_count(unsigned sk)
{
	int n = 0;
	for (; sk; sk &= sk - 1)
		n++;
	return n;
}

/* Offered load per queue: occupancy x what its agents can take, each agent
 * shared among its skills. */
static void compute_rates(struct demo *d)
{
	double handle = TALK_MEAN_S + (WRAP_MIN_S + WRAP_MAX_S) / 2 + (RING_MIN_S + RING_MAX_S) / 2;
	for (int q = 0; q < Q_COUNT; q++) {
		double share = 0;
		for (int a = 0; a < N_AGENTS; a++) {
			unsigned sk = agent_defs[a].skills;
			if (sk & SK(q))
				share += 1.0 / skill_count(sk);
		}
		d->rate[q] = queue_defs[q].occupancy * share * STAFFED_SHARE / handle;
		d->fmax[q] = (CURVE_BASE + CURVE_WAVE + CURVE_SLOW) * (1.0 + NOISE_AMP)
		             * queue_defs[q].surge;
	}
}

/* ---- calls and queues ----------------------------------------------------- */

static int call_new(struct demo *d)
{
	if (d->free_call < 0) {
		int n = d->n_calls ? d->n_calls * 2 : 64;
		struct call *c = realloc(d->calls, (size_t)n * sizeof *c);
		if (!c)
			return -1;
		for (int i = n - 1; i >= d->n_calls; i--)
			c[i] = (struct call){ .state = CALL_FREE, .next_free = d->free_call };
		for (int i = d->n_calls; i < n; i++)
			c[i].next_free = i + 1 < n ? i + 1 : -1;
		d->free_call = d->n_calls;
		d->calls = c;
		d->n_calls = n;
	}
	int ci = d->free_call;
	d->free_call = d->calls[ci].next_free;
	return ci;
}

static void call_free(struct demo *d, int ci)
{
	struct call *c = &d->calls[ci];
	c->state = CALL_FREE;
	c->gen++;
	c->next_free = d->free_call;
	d->free_call = ci;
}

static bool wait_push(struct waitlist *w, int ci)
{
	if (w->n == w->cap) {
		int cap = w->cap ? w->cap * 2 : 16;
		int *v = realloc(w->v, (size_t)cap * sizeof *v);
		if (!v)
			return false;
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = ci;
	return true;
}

/* Removes ci from its queue; returns its position (1-based) before leaving. */
static int wait_remove(struct waitlist *w, int ci)
{
	for (int i = 0; i < w->n; i++) {
		if (w->v[i] == ci) {
			memmove(&w->v[i], &w->v[i + 1], (size_t)(w->n - i - 1) * sizeof *w->v);
			w->n--;
			return i + 1;
		}
	}
	return 0;
}

static const char *qname(int q)
{
	return queue_defs[q].name;
}

static const char *aname(const struct demo *d, int ai)
{
	return d->agents[ai].def->name;
}

/* ---- agents --------------------------------------------------------------- */

static void dispatch(struct demo *d);
static void agent_ready(struct demo *d, int ai);

static bool logged_in(const struct agent *a)
{
	return a->state != AG_OUT;
}

static void set_state(struct agent *a, enum agent_state s)
{
	a->state = s;
	a->token++;
}

static void schedule_break(struct demo *d, int ai)
{
	struct agent *a = &d->agents[ai];
	a->break_gen++;
	after(d, rng_exp(&d->rng, BREAK_GAP_S), SE_BREAK, ai, a->break_gen);
}

static const struct pause_kind *pick_pause(struct demo *d)
{
	double x = rng_unit(&d->rng);
	for (int i = 0; i < N_PAUSE_KINDS - 1; i++) {
		if (x < pause_kinds[i].weight)
			return &pause_kinds[i];
		x -= pause_kinds[i].weight;
	}
	return &pause_kinds[N_PAUSE_KINDS - 1];
}

static void agent_pause(struct demo *d, int ai, const char *reason, int64_t until_ms)
{
	struct agent *a = &d->agents[ai];
	set_state(a, AG_PAUSED);
	a->autopaused = false;
	a->want_reason = NULL;
	a->pause_reason = reason;
	out(d, "NONE", "NONE", aname(d, ai), "PAUSEALL", "%s", reason);
	for (int q = 0; q < Q_COUNT; q++)
		if (a->def->skills & SK(q))
			out(d, "NONE", qname(q), aname(d, ai), "PAUSE", "%s", reason);
	at(d, until_ms, SE_UNPAUSE, ai, a->token);
}

static void agent_autopause(struct demo *d, int ai)
{
	struct agent *a = &d->agents[ai];
	set_state(a, AG_PAUSED);
	a->autopaused = true;
	a->pause_reason = AUTOPAUSE_REASON;
	for (int q = 0; q < Q_COUNT; q++)
		if (a->def->skills & SK(q))
			out(d, "NONE", qname(q), aname(d, ai), "PAUSE", AUTOPAUSE_REASON);
	after(d, rng_uniform(&d->rng, AUTOPAUSE_MIN_S, AUTOPAUSE_MAX_S), SE_UNPAUSE, ai, a->token);
}

static void agent_logoff(struct demo *d, int ai)
{
	struct agent *a = &d->agents[ai];
	for (int q = 0; q < Q_COUNT; q++)
		if (a->def->skills & SK(q))
			out(d, "MANAGER", qname(q), aname(d, ai), "REMOVEMEMBER", "");
	set_state(a, AG_OUT);
	a->shift++;
	a->want_logoff = false;
	a->want_reason = NULL;
	after(d, rng_uniform(&d->rng, RETURN_MIN_S, RETURN_MAX_S), SE_LOGIN, ai, a->shift);
}

/* The pause a wish asks for, ending at its fixed time (a wish for a meeting
 * that is already over lapses) or after the reason's usual length (until 0). */
static void agent_take_pause(struct demo *d, int ai, const char *reason, int64_t until_ms)
{
	if (until_ms > 0 && until_ms <= d->now_ms) {
		d->agents[ai].want_reason = NULL;
		agent_ready(d, ai);
		return;
	}
	if (until_ms == 0) {
		const struct pause_kind *k = NULL;
		for (int i = 0; i < N_PAUSE_KINDS; i++)
			if (strcmp(pause_kinds[i].reason, reason) == 0)
				k = &pause_kinds[i];
		double len = k ? rng_uniform(&d->rng, k->min_s, k->max_s) : pause_kinds[0].min_s;
		until_ms = d->now_ms + s_to_ms(len);
	}
	agent_pause(d, ai, reason, until_ms);
}

/* The agent is free again: leaves, pauses as wished, or takes calls. */
static void agent_ready(struct demo *d, int ai)
{
	struct agent *a = &d->agents[ai];
	if (a->want_logoff) {
		agent_logoff(d, ai);
	} else if (a->want_reason) {
		agent_take_pause(d, ai, a->want_reason, a->want_until_ms);
	} else {
		set_state(a, AG_IDLE);
		a->idle_since = d->now_ms;
		dispatch(d);
	}
}

/* Asks for a pause: now if idle, after the call if busy. */
static void request_pause(struct demo *d, int ai, const char *reason, int64_t until_ms)
{
	struct agent *a = &d->agents[ai];
	if (a->state == AG_OUT || a->state == AG_PAUSED)
		return;
	a->want_reason = reason;
	a->want_until_ms = until_ms;
	if (a->state == AG_IDLE)
		agent_ready(d, ai);
}

static void on_login(struct demo *d, int ai, uint32_t gen)
{
	struct agent *a = &d->agents[ai];
	if (gen != a->shift || logged_in(a))
		return;
	a->shift++;
	for (int q = 0; q < Q_COUNT; q++)
		if (a->def->skills & SK(q))
			out(d, "MANAGER", qname(q), aname(d, ai), "ADDMEMBER", "");
	after(d, rng_uniform(&d->rng, SHIFT_MIN_S, SHIFT_MAX_S), SE_SHIFT_END, ai, a->shift);
	schedule_break(d, ai);
	agent_ready(d, ai);
}

static void on_shift_end(struct demo *d, int ai, uint32_t gen)
{
	struct agent *a = &d->agents[ai];
	if (gen != a->shift || !logged_in(a))
		return;
	if (a->state == AG_IDLE || a->state == AG_PAUSED)
		agent_logoff(d, ai);
	else
		a->want_logoff = true;
}

static void on_break(struct demo *d, int ai, uint32_t gen)
{
	struct agent *a = &d->agents[ai];
	if (gen != a->break_gen || !logged_in(a))
		return;
	if (a->state == AG_PAUSED || a->want_reason)
		after(d, BREAK_RETRY_S, SE_BREAK, ai, gen);
	else
		request_pause(d, ai, pick_pause(d)->reason, 0);
}

static void on_unpause(struct demo *d, int ai, uint32_t token)
{
	struct agent *a = &d->agents[ai];
	if (token != a->token || a->state != AG_PAUSED)
		return;
	if (a->autopaused) {
		for (int q = 0; q < Q_COUNT; q++)
			if (a->def->skills & SK(q))
				out(d, "NONE", qname(q), aname(d, ai), "UNPAUSE", "");
	} else {
		out(d, "NONE", "NONE", aname(d, ai), "UNPAUSEALL", "");
		for (int q = 0; q < Q_COUNT; q++)
			if (a->def->skills & SK(q))
				out(d, "NONE", qname(q), aname(d, ai), "UNPAUSE", "%s", a->pause_reason);
		schedule_break(d, ai);
	}
	a->autopaused = false;
	a->pause_reason = NULL;
	agent_ready(d, ai);
}

/* A training pulls part of the support and sales teams off the phones: those
 * free at the moment first, then some finishing a call. */
static void on_meeting(struct demo *d)
{
	int pick[N_AGENTS], n = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (int ai = 0; ai < N_AGENTS; ai++) {
			const struct agent *a = &d->agents[ai];
			bool idle = a->state == AG_IDLE;
			if (logged_in(a) && a->state != AG_PAUSED && idle == (pass == 0)
			    && (a->def->skills & (SK(Q_SUPPORT) | SK(Q_SALES))))
				pick[n++] = ai;
		}
	}
	for (int i = 0; i < n && i < MEETING_SIZE; i++) {
		double end = rng_uniform(&d->rng, MEETING_END_MIN, MEETING_END_MAX);
		request_pause(d, pick[i], MEETING_REASON, d->start_ms + s_to_ms(end));
	}
}

/* ---- ringing, talking ------------------------------------------------------ */

/* The idle agent skilled in q who has waited longest, or -1. */
static int longest_idle(const struct demo *d, int q)
{
	int best = -1;
	for (int ai = 0; ai < N_AGENTS; ai++) {
		const struct agent *a = &d->agents[ai];
		if (a->state == AG_IDLE && (a->def->skills & SK(q))
		    && (best < 0 || a->idle_since < d->agents[best].idle_since))
			best = ai;
	}
	return best;
}

static int first_waiting(const struct demo *d, int q)
{
	const struct waitlist *w = &d->waiting[q];
	for (int i = 0; i < w->n; i++)
		if (d->calls[w->v[i]].state == CALL_WAITING)
			return w->v[i];
	return -1;
}

static bool call_first(const struct demo *d, int ci, int cj)
{
	const struct call *a = &d->calls[ci], *b = &d->calls[cj];
	int pa = queue_defs[a->queue].priority, pb = queue_defs[b->queue].priority;
	return pa != pb ? pa > pb : a->enter_ms < b->enter_ms;
}

static void ring(struct demo *d, int ci, int ai)
{
	struct call *c = &d->calls[ci];
	struct agent *a = &d->agents[ai];
	c->state = CALL_RINGING;
	c->agent = ai;
	c->ring_ms = d->now_ms;
	set_state(a, AG_RINGING);
	a->call = ci;
	if (rng_unit(&d->rng) < NOANSWER_P)
		after(d, RING_TIMEOUT_S, SE_NOANSWER, ai, a->token);
	else
		after(d, rng_uniform(&d->rng, RING_MIN_S, RING_MAX_S), SE_CONNECT, ai, a->token);
}

/* Rings idle agents with the callers who have waited longest (VIP first). */
static void dispatch(struct demo *d)
{
	for (;;) {
		int best_c = -1, best_a = -1;
		for (int q = 0; q < Q_COUNT; q++) {
			int ci = first_waiting(d, q);
			if (ci < 0 || (best_c >= 0 && !call_first(d, ci, best_c)))
				continue;
			int ai = longest_idle(d, q);
			if (ai >= 0) {
				best_c = ci;
				best_a = ai;
			}
		}
		if (best_c < 0)
			return;
		ring(d, best_c, best_a);
	}
}

static void on_connect(struct demo *d, int ai, uint32_t token)
{
	struct agent *a = &d->agents[ai];
	if (token != a->token || a->state != AG_RINGING)
		return;
	struct call *c = &d->calls[a->call];
	wait_remove(&d->waiting[c->queue], a->call);
	c->hold_s = (long)(ms_to_s(d->now_ms) - ms_to_s(c->enter_ms));
	long ring_s = (long)((d->now_ms - c->ring_ms) / 1000);
	char uid[32];
	new_uid(d, uid, sizeof uid);
	out(d, c->id, qname(c->queue), aname(d, ai), "CONNECT", "%ld|%s|%ld", c->hold_s, uid,
	    ring_s < 1 ? 1L : ring_s);
	c->state = CALL_TALKING;
	c->connect_ms = d->now_ms;
	set_state(a, AG_TALKING);
	double talk = rng_lognormal(&d->rng, TALK_MEAN_S, TALK_SIGMA);
	talk = talk < TALK_MIN_S ? TALK_MIN_S : talk > TALK_MAX_S ? TALK_MAX_S : talk;
	after(d, talk, SE_HANGUP, ai, a->token);
}

static void on_hangup(struct demo *d, int ai, uint32_t token)
{
	struct agent *a = &d->agents[ai];
	if (token != a->token || a->state != AG_TALKING)
		return;
	struct call *c = &d->calls[a->call];
	long talk = (long)(ms_to_s(d->now_ms) - ms_to_s(c->connect_ms));
	double r = rng_unit(&d->rng);
	if (r < TRANSFER_P) {
		out(d, c->id, qname(c->queue), aname(d, ai), "BLINDTRANSFER", "%d|from-internal|%ld|%ld|%d",
		    2000 + (int)(rng_unit(&d->rng) * 1000), c->hold_s, talk, c->origpos);
	} else {
		const char *ev = r < TRANSFER_P + CALLER_ENDS_P ? "COMPLETECALLER" : "COMPLETEAGENT";
		out(d, c->id, qname(c->queue), aname(d, ai), ev, "%ld|%ld|%d", c->hold_s, talk, c->origpos);
	}
	demo_contacts_call_done(d->dc, d->now_ms, c->id, c->caller);
	call_free(d, a->call);
	a->call = -1;
	set_state(a, AG_WRAPUP);
	after(d, rng_uniform(&d->rng, WRAP_MIN_S, WRAP_MAX_S), SE_WRAPPED, ai, a->token);
}

static void on_wrapped(struct demo *d, int ai, uint32_t token)
{
	struct agent *a = &d->agents[ai];
	if (token == a->token && a->state == AG_WRAPUP)
		agent_ready(d, ai);
}

static void on_noanswer(struct demo *d, int ai, uint32_t token)
{
	struct agent *a = &d->agents[ai];
	if (token != a->token || a->state != AG_RINGING)
		return;
	struct call *c = &d->calls[a->call];
	out(d, c->id, qname(c->queue), aname(d, ai), "RINGNOANSWER", "%lld",
	    (long long)(d->now_ms - c->ring_ms));
	c->state = CALL_WAITING;
	c->agent = -1;
	a->call = -1;
	if (rng_unit(&d->rng) < AUTOPAUSE_P) {
		agent_autopause(d, ai);
		dispatch(d);
	} else {
		agent_ready(d, ai);
	}
}

/* ---- callers --------------------------------------------------------------- */

static double patience(struct demo *d, int q)
{
	if (rng_unit(&d->rng) < QUICK_HANGUP_P)
		return rng_uniform(&d->rng, 1.0, QUICK_HANGUP_MAX);
	return PATIENCE_MIN_S + rng_exp(&d->rng, queue_defs[q].patience_s - PATIENCE_MIN_S);
}

static bool queue_staffed(const struct demo *d, int q)
{
	for (int ai = 0; ai < N_AGENTS; ai++)
		if (logged_in(&d->agents[ai]) && (d->agents[ai].def->skills & SK(q)))
			return true;
	return false;
}

static void call_enter(struct demo *d, int q)
{
	int ci = call_new(d);
	if (ci < 0) {
		d->broken = true;
		return;
	}
	struct call *c = &d->calls[ci];
	c->queue = q;
	c->agent = -1;
	c->enter_ms = d->now_ms;
	c->origpos = d->waiting[q].n + 1;
	new_uid(d, c->id, sizeof c->id);
	char fresh[20];
	snprintf(fresh, sizeof fresh, "+1555%07u", (unsigned)(rng_unit(&d->rng) * 1e7));
	demo_contacts_caller(d->dc, d->now_ms, fresh, c->caller, sizeof c->caller);
	out(d, c->id, qname(q), "NONE", "ENTERQUEUE", "|%s|%d", c->caller, c->origpos);
	if (!queue_staffed(d, q)) {
		out(d, c->id, qname(q), "NONE", "EXITEMPTY", "%d|%d|0", c->origpos, c->origpos);
		demo_contacts_call_lost(d->dc, d->now_ms, c->caller);
		call_free(d, ci);
		return;
	}
	if (!wait_push(&d->waiting[q], ci)) {
		d->broken = true;
		return;
	}
	c->state = CALL_WAITING;
	after(d, patience(d, q), SE_GIVEUP, ci, c->gen);
	after(d, queue_defs[q].timeout_s, SE_TIMEOUT, ci, c->gen);
	if (rng_unit(&d->rng) < KEYPRESS_P)
		after(d, rng_uniform(&d->rng, KEYPRESS_MIN_S, KEYPRESS_MAX_S), SE_KEYPRESS, ci, c->gen);
	dispatch(d);
}

static void on_arrive(struct demo *d, int q)
{
	after(d, rng_exp(&d->rng, 1.0 / (d->rate[q] * d->fmax[q])), SE_ARRIVE, q, 0);
	if (rng_unit(&d->rng) * d->fmax[q] < load_factor(d, q, d->now_ms))
		call_enter(d, q);
}

/* The caller leaves the queue unanswered: event is the outcome line. An agent
 * being rung is released, keeping its place in the idle line. */
static void call_leave(struct demo *d, int ci, const char *event, const char *key)
{
	struct call *c = &d->calls[ci];
	int ai = c->state == CALL_RINGING ? c->agent : -1;
	if (ai >= 0)
		out(d, c->id, qname(c->queue), aname(d, ai), "RINGCANCELED", "%lld",
		    (long long)(d->now_ms - c->ring_ms));
	int pos = wait_remove(&d->waiting[c->queue], ci);
	long wait = (long)(ms_to_s(d->now_ms) - ms_to_s(c->enter_ms));
	if (key)
		out(d, c->id, qname(c->queue), "NONE", event, "%s|%d|%d|%ld", key, pos, c->origpos, wait);
	else
		out(d, c->id, qname(c->queue), "NONE", event, "%d|%d|%ld", pos, c->origpos, wait);
	demo_contacts_call_lost(d->dc, d->now_ms, c->caller);
	call_free(d, ci);
	if (ai >= 0) {
		struct agent *a = &d->agents[ai];
		a->call = -1;
		if (a->want_logoff || a->want_reason)
			agent_ready(d, ai);
		else
			set_state(a, AG_IDLE);
	}
	dispatch(d);
}

static void on_call_event(struct demo *d, const struct sim_ev *ev)
{
	struct call *c = &d->calls[ev->who];
	if (c->gen != ev->gen)
		return;
	if (ev->kind == SE_KEYPRESS) {
		if (c->state == CALL_WAITING)
			call_leave(d, ev->who, "EXITWITHKEY", "1");
	} else if (c->state == CALL_WAITING || c->state == CALL_RINGING) {
		call_leave(d, ev->who, ev->kind == SE_GIVEUP ? "ABANDON" : "EXITWITHTIMEOUT", NULL);
	}
}

/* ---- the day ---------------------------------------------------------------- */

static void on_start(struct demo *d)
{
	out(d, "NONE", "NONE", "NONE", "QUEUESTART", "");
}

static void handle(struct demo *d, const struct sim_ev *ev)
{
	switch (ev->kind) {
	case SE_START:     on_start(d); break;
	case SE_ARRIVE:    on_arrive(d, ev->who); break;
	case SE_GIVEUP:
	case SE_TIMEOUT:
	case SE_KEYPRESS:  on_call_event(d, ev); break;
	case SE_CONNECT:   on_connect(d, ev->who, ev->gen); break;
	case SE_NOANSWER:  on_noanswer(d, ev->who, ev->gen); break;
	case SE_HANGUP:    on_hangup(d, ev->who, ev->gen); break;
	case SE_WRAPPED:   on_wrapped(d, ev->who, ev->gen); break;
	case SE_UNPAUSE:   on_unpause(d, ev->who, ev->gen); break;
	case SE_BREAK:     on_break(d, ev->who, ev->gen); break;
	case SE_LOGIN:     on_login(d, ev->who, ev->gen); break;
	case SE_SHIFT_END: on_shift_end(d, ev->who, ev->gen); break;
	case SE_MEETING:   on_meeting(d); break;
	}
}

/* Logins through the morning (most at opening, a few later), first callers,
 * the training. */
static void plan_day(struct demo *d)
{
	int64_t t0 = d->now_ms;
	at(d, t0, SE_START, 0, 0);
	for (int ai = 0; ai < N_AGENTS; ai++) {
		struct agent *a = &d->agents[ai];
		a->def = &agent_defs[ai];
		a->call = -1;
		double in = rng_unit(&d->rng) < MORNING_P
		            ? rng_uniform(&d->rng, 0, MORNING_SPREAD_S)
		            : rng_uniform(&d->rng, HISTORY_S / 3.0, HISTORY_S * 1.25);
		at(d, t0 + s_to_ms(in), SE_LOGIN, ai, a->shift);
	}
	for (int q = 0; q < Q_COUNT; q++)
		at(d, t0 + s_to_ms(ARRIVALS_AFTER_S), SE_ARRIVE, q, 0);
	at(d, d->start_ms + s_to_ms(MEETING_AT_S), SE_MEETING, 0, 0);
}

struct demo *demo_new(uint64_t seed, int64_t start)
{
	struct demo *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->seed = seed;
	rng_seed(&d->rng, seed);
	d->start_ms = start * 1000;
	d->now_ms = (start - HISTORY_S) * 1000;
	d->free_call = -1;
	d->dc = demo_contacts_new(seed, d->now_ms);
	d->broken = d->dc == NULL;
	compute_rates(d);
	plan_day(d);
	if (d->broken) {
		demo_free(d);
		return NULL;
	}
	return d;
}

void demo_free(struct demo *d)
{
	if (!d)
		return;
	for (int q = 0; q < Q_COUNT; q++)
		free(d->waiting[q].v);
	free(d->calls);
	free(d->heap.v);
	demo_contacts_free(d->dc);
	free(d);
}

/* Runs the calls' next event (the contacts' at the same time come after). */
static void demo_step_calls(struct demo *d)
{
	struct sim_ev ev = sim_heap_pop(&d->heap);
	d->now_ms = ev.t;
	handle(d, &ev);
}

static void demo_step_contacts(struct demo *d, int64_t t)
{
	d->now_ms = t;
	int n = demo_contacts_step(d->dc, d->emit, d->ctx);
	if (n < 0)
		d->broken = true;
	else
		d->lines += (size_t)n;
}

size_t demo_run_until(struct demo *d, int64_t now,
                      void (*emit)(void *ctx, char *line, size_t len), void *ctx)
{
	int64_t limit = (now + 1) * 1000;   /* every event of second `now` */
	d->emit = emit;
	d->ctx = ctx;
	d->lines = 0;
	while (!d->broken) {
		int64_t calls = d->heap.n > 0 ? d->heap.v[0].t : INT64_MAX;
		int64_t contacts = demo_contacts_next_ms(d->dc);
		if (calls < limit && calls <= contacts)
			demo_step_calls(d);
		else if (contacts < limit)
			demo_step_contacts(d, contacts);
		else
			break;
	}
	d->emit = NULL;
	d->ctx = NULL;
	return d->lines;
}
