/* demo_contacts.c - the demo's email, chat, WhatsApp, SMS and social desk.
 *
 * A discrete-event simulation like the calls' (demo.c), on its own heap and
 * random stream. Contacts arrive by a Poisson process per channel; each gets
 * a first response after a lognormal delay (or its customer gives up first,
 * on chat), a few replies, a resolution; some are surveyed, a few reopened.
 * Customers are drawn from a pool and keyed by phone number (an address or a
 * handle for some on email and social), so the same person's email, chat and
 * call meet: an email left unanswered is followed by a call, an abandoned chat
 * or call by a call, a resolution now and then by a contact on another
 * channel. Calls take their caller IDs from here (demo_contacts_caller). */
#include "demo_contacts.h"
#include "demo_sim.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum { CH_EMAIL, CH_CHAT, CH_WHATSAPP, CH_SMS, CH_SOCIAL, CH_COUNT, CH_VOICE = CH_COUNT };

struct channel_def {
	const char *name, *prefix;
	double per_hour;                /* new contacts per hour */
	double frt_mean_s, frt_sigma;   /* the first response's delay, lognormal */
	double patience_s;              /* mean wait before giving up unanswered; 0: never */
	int replies_min, replies_max;   /* replies before the resolution, the first included */
	double gap_min_s, gap_max_s;    /* between replies */
	double survey_p, reopen_p;
	const char *reasons[4];
};

static const struct channel_def channels[CH_COUNT] = {
	[CH_EMAIL] = { "email", "EM", 200, 5400, 0.9, 0, 1, 3, 1200, 7200, 0.35, 0.06,
	               { "returns", "order_status", "billing", "delivery" } },
	[CH_CHAT] = { "chat", "CH", 260, 40, 0.7, 300, 2, 6, 20, 90, 0.45, 0.0,
	              { "order_status", "technical", "account", "returns" } },
	[CH_WHATSAPP] = { "whatsapp", "WA", 120, 420, 0.8, 0, 1, 4, 60, 600, 0.30, 0.03,
	                  { "delivery", "order_status", "returns", "account" } },
	[CH_SMS] = { "sms", "SM", 50, 600, 0.8, 0, 1, 2, 120, 900, 0.20, 0.0,
	             { "delivery", "appointment", "billing", "delivery" } },
	[CH_SOCIAL] = { "social", "SO", 60, 1500, 0.9, 0, 1, 2, 300, 1800, 0.15, 0.0,
	                { "complaint", "delivery", "praise", "complaint" } },
};

static const char *const desk_agents[] = {
	"Nadia Rahman", "Owen Price", "Keiko Sato", "Pablo Ortega", "Ingrid Berg", "Tariq Aziz",
	"Lena Vogel", "Chris Adeyemi", "Mei Chen", "Rafael Costa",
};
#define N_DESK ((int)(sizeof desk_agents / sizeof desk_agents[0]))

static const char *const first_names[] = { "ana", "ben", "carla", "dev", "elif", "finn",
	"gita", "hugo", "ines", "jon", "kim", "luis" };
static const char *const last_names[] = { "silva", "ng", "moreau", "kowalski", "obi",
	"lind", "haddad", "tanaka", "rossi", "byrne" };

#define CUSTOMERS        20000
#define EMAIL_CALLS_P    0.30   /* an email whose customer calls if still unanswered */
#define EMAIL_CALL_MIN_S 900.0
#define EMAIL_CALL_MAX_S 5400.0
#define CHAT_CALLS_P     0.35   /* after giving up on a chat */
#define RETRY_P          0.45   /* a caller who left the queue tries again */
#define RETRY_MIN_S      60.0
#define RETRY_MAX_S      900.0
#define KNOWN_CALLER_P   0.08   /* a call from a customer of the pool */
#define FOLLOWUP_P       0.05   /* a resolution followed by a contact elsewhere */
#define CALL_SURVEY_P    0.25
#define PENDING_MAX      64

enum dc_kind { DC_ARRIVE, DC_CREATE, DC_FIRST, DC_REPLY, DC_RESOLVE, DC_ABANDON, DC_REOPEN,
	       DC_SURVEY, DC_CALL_CHECK };

struct contact {
	bool used, open;
	uint32_t gen;
	int ch;                   /* CH_VOICE: a call, here for its survey only */
	int pending;              /* its events still on the heap */
	int replies_left;
	int next_free;
	int64_t created_ms;
	int64_t first_ms;         /* 0: no reply yet */
	char id[32];
	char customer[48];
	char agent[32];
};

struct pending_call { int64_t due_ms; char caller[20]; };

struct demo_contacts {
	uint64_t seed;
	struct rng rng;
	int64_t now_ms;
	struct sim_heap heap;
	struct contact *c;
	int n, free_slot;
	unsigned next_id;
	struct pending_call pending[PENDING_MAX];
	int n_pending;
	bool broken;
	demo_emit_fn emit;
	void *ctx;
	int lines;
};

/* ---- customers ------------------------------------------------------------- */

static uint64_t customer_hash(const struct demo_contacts *dc, int i)
{
	uint64_t x = dc->seed ^ ((uint64_t)i * 0x9fb21c651e98df25ULL);
	return splitmix64(&x);
}

static void customer_phone(const struct demo_contacts *dc, int i, char *out, size_t size)
{
	snprintf(out, size, "+1555%07u", (unsigned)(customer_hash(dc, i) % 10000000u));
}

/* What the helpdesk of channel ch writes as customer i: the phone number for
 * most, an address on email for a quarter, a handle on social for some. */
static void customer_key(const struct demo_contacts *dc, int i, int ch, char *out, size_t size)
{
	uint64_t h = customer_hash(dc, i) >> 24;
	const char *first = first_names[h % 12], *last = last_names[(h >> 4) % 10];
	if (ch == CH_EMAIL && (h >> 8) % 4 == 0)
		snprintf(out, size, "%s.%s%d@example.com", first, last, i);
	else if (ch == CH_SOCIAL && (h >> 8) % 5 < 2)
		snprintf(out, size, "@%s_%s%d", first, last, i);
	else
		customer_phone(dc, i, out, size);
}

static bool is_phone(const char *customer)
{
	return customer[0] == '+';
}

/* ---- slots and events -------------------------------------------------------- */

static int slot_new(struct demo_contacts *dc)
{
	if (dc->free_slot < 0) {
		int n = dc->n ? dc->n * 2 : 128;
		struct contact *c = realloc(dc->c, (size_t)n * sizeof *c);
		if (!c) {
			dc->broken = true;
			return -1;
		}
		for (int i = dc->n; i < n; i++)
			c[i] = (struct contact){ .next_free = i + 1 < n ? i + 1 : -1 };
		dc->free_slot = dc->n;
		dc->c = c;
		dc->n = n;
	}
	int ci = dc->free_slot;
	struct contact *c = &dc->c[ci];
	dc->free_slot = c->next_free;
	uint32_t gen = c->gen;
	*c = (struct contact){ .used = true, .gen = gen, .next_free = -1 };
	return ci;
}

/* Frees a closed contact once nothing more is due for it. */
static void slot_release(struct demo_contacts *dc, int ci)
{
	struct contact *c = &dc->c[ci];
	if (c->open || c->pending > 0)
		return;
	c->used = false;
	c->gen++;
	c->next_free = dc->free_slot;
	dc->free_slot = ci;
}

static void after(struct demo_contacts *dc, double s, enum dc_kind kind, int ci)
{
	int64_t t = dc->now_ms + (int64_t)llround(s * 1000.0);
	uint32_t gen = ci >= 0 && kind != DC_ARRIVE ? dc->c[ci].gen : 0;
	if (!sim_heap_push(&dc->heap, t, (int)kind, ci, gen)) {
		dc->broken = true;
		return;
	}
	if (kind != DC_ARRIVE)
		dc->c[ci].pending++;
}

/* ---- output -------------------------------------------------------------------- */

/* Writes one contact event: ts, event and id, then the keys of fmt. */
static void out(struct demo_contacts *dc, const struct contact *c, const char *event,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void out(struct demo_contacts *dc, const struct contact *c, const char *event,
                const char *fmt, ...)
{
	char line[512];
	int n = snprintf(line, sizeof line, "{\"ts\":%lld.%03d,\"event\":\"%s\",\"id\":\"%s\"",
	                 (long long)(dc->now_ms / 1000), (int)(dc->now_ms % 1000), event, c->id);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)(n + m) + 2 > sizeof line)
		return;
	line[n + m] = '}';
	line[n + m + 1] = '\0';
	dc->lines++;
	if (dc->emit)
		dc->emit(dc->ctx, line, (size_t)(n + m + 1));
}

static const char *pick_agent(struct demo_contacts *dc)
{
	return desk_agents[(int)(rng_unit(&dc->rng) * N_DESK)];
}

/* ---- contacts ------------------------------------------------------------------ */

/* A new contact of customer cust on channel ch, created after s seconds. */
static void plan_contact(struct demo_contacts *dc, int ch, int cust, double s)
{
	int ci = slot_new(dc);
	if (ci < 0)
		return;
	struct contact *c = &dc->c[ci];
	c->ch = ch;
	snprintf(c->id, sizeof c->id, "%s-%06u", channels[ch].prefix, dc->next_id++);
	customer_key(dc, cust, ch, c->customer, sizeof c->customer);
	after(dc, s, DC_CREATE, ci);
}

static void on_arrive(struct demo_contacts *dc, int ch)
{
	after(dc, rng_exp(&dc->rng, 3600.0 / channels[ch].per_hour), DC_ARRIVE, ch);
	plan_contact(dc, ch, (int)(rng_unit(&dc->rng) * CUSTOMERS), 0);
}

static void on_create(struct demo_contacts *dc, int ci)
{
	struct contact *c = &dc->c[ci];
	const struct channel_def *def = &channels[c->ch];
	const char *reason = def->reasons[(int)(rng_unit(&dc->rng) * 4)];
	c->open = true;
	c->created_ms = dc->now_ms;
	if (rng_unit(&dc->rng) < 0.5)
		out(dc, c, "created", ",\"channel\":\"%s\",\"customer\":\"%s\",\"reason\":\"%s\","
		    "\"sentiment\":%.2f", def->name, c->customer, reason, rng_uniform(&dc->rng, -0.8, 0.9));
	else
		out(dc, c, "created", ",\"channel\":\"%s\",\"customer\":\"%s\",\"reason\":\"%s\"",
		    def->name, c->customer, reason);
	double frt = rng_lognormal(&dc->rng, def->frt_mean_s, def->frt_sigma);
	double gives_up = def->patience_s > 0 ? rng_exp(&dc->rng, def->patience_s) : frt + 1;
	after(dc, gives_up < frt ? gives_up : frt, gives_up < frt ? DC_ABANDON : DC_FIRST, ci);
	if (c->ch == CH_EMAIL && is_phone(c->customer) && rng_unit(&dc->rng) < EMAIL_CALLS_P)
		after(dc, rng_uniform(&dc->rng, EMAIL_CALL_MIN_S, EMAIL_CALL_MAX_S), DC_CALL_CHECK, ci);
}

/* The next reply, or the resolution after the last one. */
static void plan_next(struct demo_contacts *dc, int ci)
{
	struct contact *c = &dc->c[ci];
	const struct channel_def *def = &channels[c->ch];
	double gap = rng_uniform(&dc->rng, def->gap_min_s, def->gap_max_s);
	if (c->replies_left > 0)
		after(dc, gap, DC_REPLY, ci);
	else
		after(dc, gap / 2, DC_RESOLVE, ci);
}

static void on_first(struct demo_contacts *dc, int ci)
{
	struct contact *c = &dc->c[ci];
	const struct channel_def *def = &channels[c->ch];
	snprintf(c->agent, sizeof c->agent, "%s", pick_agent(dc));
	out(dc, c, "first_response", ",\"agent\":\"%s\"", c->agent);
	c->first_ms = dc->now_ms;
	c->replies_left = def->replies_min - 1 +
	                  (int)(rng_unit(&dc->rng) * (def->replies_max - def->replies_min + 1));
	plan_next(dc, ci);
}

static void on_reply(struct demo_contacts *dc, int ci)
{
	struct contact *c = &dc->c[ci];
	out(dc, c, "reply", ",\"agent\":\"%s\"", c->agent);
	c->replies_left--;
	plan_next(dc, ci);
}

/* A follow-up contact of the same customer (a phone number) on a channel
 * where they are known by it. */
static void plan_followup(struct demo_contacts *dc, const char *who, double s)
{
	static const int phone_channels[] = { CH_EMAIL, CH_CHAT, CH_WHATSAPP, CH_SMS };
	char customer[48];
	if (!is_phone(who))
		return;
	snprintf(customer, sizeof customer, "%s", who);   /* who may lie in a slot moved by slot_new */
	int ci = slot_new(dc);
	if (ci < 0)
		return;
	struct contact *c = &dc->c[ci];
	c->ch = phone_channels[(int)(rng_unit(&dc->rng) * 4)];
	snprintf(c->id, sizeof c->id, "%s-%06u", channels[c->ch].prefix, dc->next_id++);
	snprintf(c->customer, sizeof c->customer, "%s", customer);
	after(dc, s, DC_CREATE, ci);
}

static void on_resolve(struct demo_contacts *dc, int ci)
{
	struct contact *c = &dc->c[ci];
	const struct channel_def *def = &channels[c->ch];
	out(dc, c, "resolved", ",\"agent\":\"%s\"", c->agent);
	c->open = false;
	if (rng_unit(&dc->rng) < def->survey_p)
		after(dc, rng_uniform(&dc->rng, 60, 1800), DC_SURVEY, ci);
	if (rng_unit(&dc->rng) < def->reopen_p)
		after(dc, rng_uniform(&dc->rng, 1800, 14400), DC_REOPEN, ci);
	if (rng_unit(&dc->rng) < FOLLOWUP_P)
		plan_followup(dc, c->customer, rng_uniform(&dc->rng, 1800, 14400));
}

static void on_reopen(struct demo_contacts *dc, int ci)
{
	struct contact *c = &dc->c[ci];
	out(dc, c, "reopened", "%s", "");
	c->open = true;
	c->replies_left = 1;
	plan_next(dc, ci);
}

static void push_caller(struct demo_contacts *dc, const char *caller, int64_t due_ms)
{
	if (dc->n_pending == PENDING_MAX || !is_phone(caller))
		return;
	struct pending_call *p = &dc->pending[dc->n_pending++];
	p->due_ms = due_ms;
	snprintf(p->caller, sizeof p->caller, "%s", caller);
}

static void on_abandon(struct demo_contacts *dc, int ci)
{
	struct contact *c = &dc->c[ci];
	out(dc, c, "abandoned", "%s", "");
	c->open = false;
	if (rng_unit(&dc->rng) < CHAT_CALLS_P)
		push_caller(dc, c->customer,
		            dc->now_ms + llround(rng_uniform(&dc->rng, 60, 600) * 1000.0));
}

/* Answers skewed towards satisfied, less so after a slow first response. */
static void on_survey(struct demo_contacts *dc, int ci)
{
	struct contact *c = &dc->c[ci];
	const char *ch = c->ch == CH_VOICE ? "voice" : channels[c->ch].name;
	double mood = 1.0 - 0.8 * pow(rng_unit(&dc->rng), 2.5);   /* mostly content */
	if (c->ch != CH_VOICE && c->first_ms - c->created_ms > 2000 * channels[c->ch].frt_mean_s)
		mood *= 0.8;
	int csat = 1 + (int)(mood * 4.999), nps = (int)(mood * 10.999), ces = 7 - (int)(mood * 6.999);
	char extra[96] = "";
	if (rng_unit(&dc->rng) < 0.6)
		snprintf(extra, sizeof extra, ",\"nps\":%d", nps);
	if (rng_unit(&dc->rng) < 0.5)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ",\"ces\":%d", ces);
	if (rng_unit(&dc->rng) < 0.7)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ",\"resolved\":%s",
		         mood > 0.35 ? "true" : "false");
	out(dc, c, "survey", ",\"channel\":\"%s\",\"csat\":%d%s", ch, csat, extra);
}

/* An email customer with no answer yet picks up the phone. */
static void on_call_check(struct demo_contacts *dc, int ci)
{
	struct contact *c = &dc->c[ci];
	if (c->open && c->first_ms == 0)
		push_caller(dc, c->customer, dc->now_ms);
}

static void handle(struct demo_contacts *dc, const struct sim_ev *ev)
{
	if (ev->kind == DC_ARRIVE) {
		on_arrive(dc, ev->who);
		return;
	}
	struct contact *c = &dc->c[ev->who];
	if (!c->used || c->gen != ev->gen)
		return;
	c->pending--;
	switch ((enum dc_kind)ev->kind) {
	case DC_CREATE:     on_create(dc, ev->who); break;
	case DC_FIRST:      on_first(dc, ev->who); break;
	case DC_REPLY:      on_reply(dc, ev->who); break;
	case DC_RESOLVE:    on_resolve(dc, ev->who); break;
	case DC_ABANDON:    on_abandon(dc, ev->who); break;
	case DC_REOPEN:     on_reopen(dc, ev->who); break;
	case DC_SURVEY:     on_survey(dc, ev->who); break;
	case DC_CALL_CHECK: on_call_check(dc, ev->who); break;
	case DC_ARRIVE:     break;
	}
	slot_release(dc, ev->who);
}

/* ---- the module ------------------------------------------------------------------ */

struct demo_contacts *demo_contacts_new(uint64_t seed, int64_t day_ms)
{
	struct demo_contacts *dc = calloc(1, sizeof *dc);
	if (!dc)
		return NULL;
	dc->seed = seed ^ 0x5bd1e9955bd1e995ULL;   /* a stream of its own */
	rng_seed(&dc->rng, dc->seed);
	dc->now_ms = day_ms;
	dc->free_slot = -1;
	dc->next_id = 100001;
	for (int ch = 0; ch < CH_COUNT; ch++)
		after(dc, rng_exp(&dc->rng, 3600.0 / channels[ch].per_hour), DC_ARRIVE, ch);
	if (dc->broken) {
		demo_contacts_free(dc);
		return NULL;
	}
	return dc;
}

void demo_contacts_free(struct demo_contacts *dc)
{
	if (!dc)
		return;
	free(dc->heap.v);
	free(dc->c);
	free(dc);
}

int64_t demo_contacts_next_ms(const struct demo_contacts *dc)
{
	return dc->broken || dc->heap.n == 0 ? INT64_MAX : dc->heap.v[0].t;
}

int demo_contacts_step(struct demo_contacts *dc, demo_emit_fn emit, void *ctx)
{
	if (dc->broken || dc->heap.n == 0)
		return dc->broken ? -1 : 0;
	struct sim_ev ev = sim_heap_pop(&dc->heap);
	dc->now_ms = ev.t;
	dc->emit = emit;
	dc->ctx = ctx;
	dc->lines = 0;
	handle(dc, &ev);
	dc->emit = NULL;
	dc->ctx = NULL;
	return dc->broken ? -1 : dc->lines;
}

void demo_contacts_caller(struct demo_contacts *dc, int64_t now_ms, const char *fresh,
                          char *out_buf, size_t size)
{
	int best = -1;
	for (int i = 0; i < dc->n_pending; i++)
		if (dc->pending[i].due_ms <= now_ms &&
		    (best < 0 || dc->pending[i].due_ms < dc->pending[best].due_ms))
			best = i;
	if (best >= 0) {
		snprintf(out_buf, size, "%s", dc->pending[best].caller);
		dc->pending[best] = dc->pending[--dc->n_pending];
	} else if (rng_unit(&dc->rng) < KNOWN_CALLER_P) {
		customer_phone(dc, (int)(rng_unit(&dc->rng) * CUSTOMERS), out_buf, size);
	} else {
		snprintf(out_buf, size, "%s", fresh);
	}
}

void demo_contacts_call_lost(struct demo_contacts *dc, int64_t now_ms, const char *caller)
{
	if (rng_unit(&dc->rng) < RETRY_P)
		push_caller(dc, caller,
		            now_ms + llround(rng_uniform(&dc->rng, RETRY_MIN_S, RETRY_MAX_S) * 1000.0));
}

void demo_contacts_call_done(struct demo_contacts *dc, int64_t now_ms, const char *callid,
                             const char *caller)
{
	dc->now_ms = now_ms > dc->now_ms ? now_ms : dc->now_ms;
	if (rng_unit(&dc->rng) < CALL_SURVEY_P) {
		int ci = slot_new(dc);
		if (ci >= 0) {
			struct contact *c = &dc->c[ci];
			c->ch = CH_VOICE;
			snprintf(c->id, sizeof c->id, "%s", callid);
			after(dc, rng_uniform(&dc->rng, 30, 300), DC_SURVEY, ci);
		}
	}
	if (rng_unit(&dc->rng) < FOLLOWUP_P)
		plan_followup(dc, caller, rng_uniform(&dc->rng, 600, 7200));
}
