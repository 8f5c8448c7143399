/* fuzz_model.c - arbitrary event sequences through model_apply,
 * model_advance, snapshot_build, alerts_eval and the JSON and text writers.
 *
 * Two input forms. Input starting with a digit is queue_log text: each line is
 * parsed with queuelog_parse and applied, so the real logs are seeds. Any
 * other input is a compact program (see run_program) that builds events
 * directly from a small alphabet of calls, queues and agents, with times that
 * jump forward, back and across days, durations that may be missing (-1),
 * settings read from the input and configuration swaps (a reload).
 *
 * Checks, at every snapshot: waiting >= 0 and longest wait 0 when nobody
 * waits; logged_in = on_call + paused + wrapup + available + ringing; no count
 * negative; offered = the six outcomes; the within-SL and short counts within
 * theirs; today = the sum of its 15-minute intervals; the total = the sum of
 * the queues; derived figures null or in range; queues sorted by name; the
 * agent list agrees with the total's counts; the JSON is valid and names
 * every queue.
 *
 * And an oracle: a small reference tally (struct ref) keeps every outcome and
 * end the model accepted, checks that no entry (callid, queue) has two
 * outcomes with no ENTERQUEUE between (while the model must still remember
 * it), and recounts each queue's today and window from them at every
 * snapshot: today from the model's day start, the window (now - window_s,
 * now] as the model's clock went (forward, or back a step: what is then past
 * now + future_slack_s leaves it).
 *
 * A program starting with 'Z' runs in a zone with DST, starting a few hours
 * before a change of clocks (see run_zone), so its days have 23 or 25 hours. */
#include <jansson.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "alerts.h"
#include "config.h"
#include "fuzz.h"
#include "model.h"
#include "natsort.h"
#include "queuelog.h"
#include "snapshot.h"

#define T0 1767225600   /* 2026-01-01T00:00:00Z */
#define REF_MAX 4096      /* outcomes the oracle follows; past it, it stops */
#define REF_TOMBSTONE_S 7200   /* the model remembers an ended entry at least this long */

/* One outcome or end the model accepted. */
struct ref_out {
	int64_t t;
	char *queue;
	enum ev_kind kind;
	long value;
	bool within_sl, is_short, abandon_within_sl;
	bool in_today, in_window;
};

/* One entry (callid, queue): whether an outcome was accepted since its last ENTER. */
struct ref_entry {
	char *callid, *queue;
	bool has_outcome;      /* and the model must still remember it */
	int64_t outcome_now;   /* the model's clock when it was accepted */
};

struct ref {
	bool off;                  /* too much to follow */
	struct ref_out *outs;
	size_t n_outs;
	struct ref_entry *ents;
	size_t n_ents;
	int64_t now, day_start;
};

struct run {
	struct config cfg[2];
	int cur;
	struct model *m;
	struct alerts *al;
	struct snapshot s;
	int64_t t;
	int64_t latest;            /* the latest as_of of a snapshot */
	struct ref ref;
};

/* ---- the oracle --------------------------------------------------------------- */

static char *ref_strdup(const char *s)
{
	char *d = strdup(s);
	FUZZ_CHECK(d != NULL);
	return d;
}

static struct ref_entry *ref_entry(struct ref *f, const char *callid, const char *queue)
{
	for (size_t i = 0; i < f->n_ents; i++)
		if (strcmp(f->ents[i].callid, callid) == 0 && strcmp(f->ents[i].queue, queue) == 0)
			return &f->ents[i];
	f->ents = realloc(f->ents, (f->n_ents + 1) * sizeof *f->ents);
	FUZZ_CHECK(f->ents != NULL);
	f->ents[f->n_ents] = (struct ref_entry){ ref_strdup(callid), ref_strdup(queue), false, 0 };
	return &f->ents[f->n_ents++];
}

/* After any call into the model: follow its clock and its day. */
static void ref_follow(struct run *r)
{
	struct ref *f = &r->ref;
	const struct config *cfg = &r->cfg[r->cur];
	int64_t now = model_now(r->m), day = model_day_start(r->m);
	for (size_t i = 0; i < f->n_outs; i++) {
		struct ref_out *o = &f->outs[i];
		if (day != f->day_start)
			o->in_today = false;
		if (now < f->now && o->t > now + cfg->defaults.future_slack_s)
			o->in_window = false;
		if (o->t <= now - cfg->window_s)
			o->in_window = false;
	}
	/* the model may forget an ended entry once its clock passed the outcome
	 * by REF_TOMBSTONE_S (even if it steps back afterwards), and after a step
	 * back, REF_TOMBSTONE_S after the clock it stepped back to */
	for (size_t i = 0; i < f->n_ents; i++) {
		struct ref_entry *e = &f->ents[i];
		if (now < f->now && now < e->outcome_now)
			e->outcome_now = now;
		if (e->has_outcome && now - e->outcome_now >= REF_TOMBSTONE_S)
			e->has_outcome = false;
	}
	f->now = now;
	f->day_start = day;
}

static bool is_outcome(enum ev_kind k)
{
	return k == EV_CONNECT || k == EV_ABANDON || k == EV_TIMEOUT || k == EV_EXITKEY ||
	       k == EV_EXITEMPTY || k == EV_WITHDRAW;
}

/* ev was applied (accepted is what model_apply said): keep what it counts. */
static void ref_event(struct run *r, const struct qevent *ev, bool accepted)
{

	struct ref *f = &r->ref;
	const struct config *cfg = &r->cfg[r->cur];
	ref_follow(r);
	if (f->off || !accepted || ev->callid == NULL || ev->queue == NULL || ev->kind > EV_WITHDRAW)
		return;
	struct ref_entry *e = ref_entry(f, ev->callid, ev->queue);
	if (ev->kind == EV_ENTER) {
		e->has_outcome = false;
		return;
	}
	if (is_outcome(ev->kind)) {
		/* one outcome per entry (SPEC 2.1) */
		if (e->has_outcome && f->now - e->outcome_now < REF_TOMBSTONE_S)
			fprintf(stderr, "second outcome %s of %s in %s at %lld (now %lld), the first at now %lld\n",
			        event_kind_name(ev->kind), ev->callid, ev->queue, (long long)ev->time,
			        (long long)f->now, (long long)e->outcome_now);
		FUZZ_CHECK(!e->has_outcome);
		e->has_outcome = true;
		e->outcome_now = f->now;
	}
	if (f->n_outs == REF_MAX) {
		f->off = true;
		return;
	}
	f->outs = realloc(f->outs, (f->n_outs + 1) * sizeof *f->outs);
	FUZZ_CHECK(f->outs != NULL);
	long v = ev->kind == EV_CONNECT ? ev->hold_s : is_outcome(ev->kind) ? ev->wait_s : ev->talk_s;
	struct queue_conf qc = config_queue(cfg, ev->queue);
	f->outs[f->n_outs++] = (struct ref_out){
		.t = ev->time, .queue = ref_strdup(ev->queue), .kind = ev->kind, .value = v,
		.within_sl = v >= 0 && v <= qc.sl_threshold_s,
		.is_short = v >= 0 && v < qc.short_abandon_s,
		.abandon_within_sl = v >= 0 && v <= qc.sl_threshold_s,
		.in_today = ev->time >= f->day_start,
		.in_window = ev->time > f->now - cfg->window_s,
	};
}

/* Adds one outcome or end to c, as SPEC 2.1 counts it. */
static void ref_count(struct counts *c, const struct ref_out *o)
{
	int64_t v = o->value > 0 ? (o->value > INT32_MAX ? INT32_MAX : o->value) : 0;
	switch (o->kind) {
	case EV_CONNECT:
		c->offered++; c->answered++; c->answered_within_sl += o->within_sl; c->hold_s += v;
		break;
	case EV_ABANDON:
		c->offered++; c->abandoned++; c->abandoned_short += o->is_short;
		c->abandoned_within_sl += o->abandon_within_sl; c->abandon_wait_s += v;
		break;
	case EV_TIMEOUT:   c->offered++; c->timed_out++; break;
	case EV_EXITKEY:   c->offered++; c->exited_key++; break;
	case EV_EXITEMPTY: c->offered++; c->exited_empty++; break;
	case EV_WITHDRAW:  c->offered++; c->withdrawn++; break;
	case EV_COMPLETE:  c->completed++; c->talk_s += v; break;
	case EV_TRANSFER:  c->transferred++; c->talk_s += v; break;
	default: break;
	}
}

/* Says which figures differ from the recount, before the check fails. */
static void ref_diff(const char *queue, const char *period, const struct counts *want,
                     const struct counts *got, int64_t as_of)
{
	for (const struct counts_field *k = counts_fields; k->name; k++) {
		int64_t w = *(const int64_t *)(const void *)((const char *)want + k->offset);
		int64_t g = *(const int64_t *)(const void *)((const char *)got + k->offset);
		if (w != g)
			fprintf(stderr, "as of %lld, %s %s.%s: model %lld, recount %lld\n",
			        (long long)as_of, queue, period, k->name, (long long)g, (long long)w);
	}
}

/* Each queue's today and window recounted from the accepted outcomes. */
static void ref_check(const struct run *r)
{
	const struct ref *f = &r->ref;
	if (f->off)
		return;
	for (size_t i = 0; i < f->n_outs; i++) {
		const char *name = f->outs[i].queue;
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = strcmp(f->outs[j].queue, name) != 0;
		if (!first)
			continue;
		struct counts today = { 0 }, window = { 0 };
		for (size_t j = i; j < f->n_outs; j++) {
			if (strcmp(f->outs[j].queue, name) != 0)
				continue;
			if (f->outs[j].in_today)
				ref_count(&today, &f->outs[j]);
			if (f->outs[j].in_window)
				ref_count(&window, &f->outs[j]);
		}
		const struct snap_queue *q = NULL;
		for (size_t k = 0; k < r->s.n_queues && !q; k++)
			if (strcmp(r->s.queues[k].name, name) == 0)
				q = &r->s.queues[k];
		if (q == NULL) {   /* forgotten: nothing of it may be left */
			FUZZ_CHECK(today.offered + today.completed + today.transferred == 0);
			FUZZ_CHECK(window.offered + window.completed + window.transferred == 0);
			continue;
		}
		ref_diff(name, "today", &today, &q->today.c, r->s.as_of);
		ref_diff(name, "window", &window, &q->window.c, r->s.as_of);
		FUZZ_CHECK(memcmp(&today, &q->today.c, sizeof today) == 0);
		FUZZ_CHECK(memcmp(&window, &q->window.c, sizeof window) == 0);
	}
}

static void ref_free(struct ref *f)
{
	for (size_t i = 0; i < f->n_outs; i++)
		free(f->outs[i].queue);
	for (size_t i = 0; i < f->n_ents; i++) {
		free(f->ents[i].callid);
		free(f->ents[i].queue);
	}
	free(f->outs);
	free(f->ents);
}

/* model_apply and model_advance, followed by the oracle. */
static void run_apply(struct run *r, const struct qevent *ev)
{
	ref_event(r, ev, model_apply(r->m, ev));
}

static void run_advance(struct run *r, int64_t t)
{
	model_advance(r->m, t);
	ref_follow(r);
}

static void check_counts(const struct counts *c)
{
	const int64_t *f = &c->offered;
	for (size_t i = 0; i < sizeof *c / sizeof *f; i++)
		FUZZ_CHECK(f[i] >= 0);
	FUZZ_CHECK(c->offered == c->answered + c->abandoned + c->timed_out + c->exited_key +
	                         c->exited_empty + c->withdrawn);
	FUZZ_CHECK(c->answered_within_sl <= c->answered);
	FUZZ_CHECK(c->abandoned_short <= c->abandoned);
	FUZZ_CHECK(c->abandoned_within_sl <= c->abandoned);
}

static void check_pct(double v, bool bounded)
{
	FUZZ_CHECK(isnan(v) || (isfinite(v) && v >= 0));
	if (bounded)
		FUZZ_CHECK(isnan(v) || v <= 100.0 + 1e-9);
}

static void check_period(const struct snap_period *p, enum sl_formula f)
{
	check_counts(&p->c);
	check_pct(p->d.service_level_pct, f != SL_ABANDONS_POSITIVE);
	check_pct(p->d.abandon_rate_pct, true);
	check_pct(p->d.asa_s, false);
	check_pct(p->d.aht_s, false);
	check_pct(p->d.avg_abandon_wait_s, false);
}

static void check_agents(const struct agent_counts *a)
{
	FUZZ_CHECK(a->on_call >= 0 && a->paused >= 0 && a->wrapup >= 0);
	FUZZ_CHECK(a->available >= 0 && a->ringing >= 0);
	FUZZ_CHECK(a->logged_in == a->on_call + a->paused + a->wrapup + a->available + a->ringing);
	FUZZ_CHECK(a->unavailable >= 0 && a->unavailable <= a->logged_in);
}

static void check_queue(const struct snap_queue *q)
{
	FUZZ_CHECK(q->name != NULL && q->display != NULL);
	FUZZ_CHECK(q->waiting >= 0 && q->longest_wait_s >= 0);
	if (q->waiting == 0)
		FUZZ_CHECK(q->longest_wait_s == 0);
	check_agents(&q->agents);
	check_period(&q->today, q->sl_formula);
	check_period(&q->window, q->sl_formula);
	FUZZ_CHECK(q->n_intervals >= 0 && q->n_intervals <= MODEL_MAX_INTERVALS);
	struct interval sum = { 0 };
	FUZZ_CHECK(q->iv_first >= 0 && q->iv_first <= MODEL_MAX_INTERVALS);
	for (int k = 0; k < q->n_intervals; k++) {
		const struct interval *iv = snapshot_interval(q, k);
		sum.offered += iv->offered;
		sum.answered += iv->answered;
		sum.abandoned += iv->abandoned;
		sum.answered_within_sl += iv->answered_within_sl;
	}
	FUZZ_CHECK(sum.offered == q->today.c.offered);
	FUZZ_CHECK(sum.answered == q->today.c.answered);
	FUZZ_CHECK(sum.abandoned == q->today.c.abandoned);
	FUZZ_CHECK(sum.answered_within_sl == q->today.c.answered_within_sl);
}

/* The total is the sum of the queues; each agent counts once. */
static void check_total(const struct snapshot *s)
{
	struct counts today = { 0 }, window = { 0 };
	int waiting = 0;
	int64_t longest = 0;
	int max_logged = 0;
	for (size_t i = 0; i < s->n_queues; i++) {
		const struct snap_queue *q = &s->queues[i];
		if (i > 0)
			FUZZ_CHECK(natsort_cmp(s->queues[i - 1].name, q->name) < 0);
		counts_add(&today, &q->today.c);
		counts_add(&window, &q->window.c);
		waiting += q->waiting;
		if (q->longest_wait_s > longest)
			longest = q->longest_wait_s;
		if (q->agents.logged_in > max_logged)
			max_logged = q->agents.logged_in;
	}
	FUZZ_CHECK(memcmp(&today, &s->total.today.c, sizeof today) == 0);
	FUZZ_CHECK(memcmp(&window, &s->total.window.c, sizeof window) == 0);
	FUZZ_CHECK(s->total.waiting == waiting && s->total.longest_wait_s == longest);
	FUZZ_CHECK(s->total.agents.logged_in >= max_logged);
	FUZZ_CHECK((size_t)s->total.agents.logged_in == s->n_agents);
	int by_state[AGENT_STATE_COUNT] = { 0 };
	for (size_t i = 0; i < s->n_agents; i++) {
		FUZZ_CHECK((unsigned)s->agents[i].state < AGENT_STATE_COUNT);
		FUZZ_CHECK(s->agents[i].since <= s->as_of);
		by_state[s->agents[i].state]++;
	}
	FUZZ_CHECK(by_state[AGENT_ON_CALL] == s->total.agents.on_call);
	FUZZ_CHECK(by_state[AGENT_PAUSED] == s->total.agents.paused);
	FUZZ_CHECK(by_state[AGENT_WRAPUP] == s->total.agents.wrapup);
	FUZZ_CHECK(by_state[AGENT_RINGING] == s->total.agents.ringing);
	FUZZ_CHECK(by_state[AGENT_AVAILABLE] == s->total.agents.available);
}

/* The JSON parses and has every queue with its name. */
static void check_json(const struct snapshot *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	FUZZ_CHECK(mem != NULL);
	FUZZ_CHECK(snapshot_write_json(s, mem) == 0);
	FUZZ_CHECK(fclose(mem) == 0);
	json_error_t err;
	json_t *root = json_loadb(buf, len, 0, &err);
	if (root == NULL)
		fprintf(stderr, "bad JSON (%s): %.*s\n", err.text, (int)(len > 300 ? 300 : len), buf);
	FUZZ_CHECK(root != NULL);
	json_t *queues = json_object_get(root, "queues");
	FUZZ_CHECK(json_is_array(queues) && json_array_size(queues) == s->n_queues);
	/* Known: a queue name that is not UTF-8 loses its "name" (jansson refuses it). */
	for (size_t i = 0; i < s->n_queues && !fuzz_known(); i++)
		FUZZ_CHECK(json_is_string(json_object_get(json_array_get(queues, i), "name")));
	FUZZ_CHECK(json_is_object(json_object_get(root, "total")));
	json_decref(root);
	free(buf);

	FILE *null = fopen("/dev/null", "w");
	FUZZ_CHECK(null != NULL);
	snapshot_write_text(s, null);
	fclose(null);
}

static void on_alert(void *ctx, const struct alert_event *ev)
{
	const struct run *r = ctx;
	FUZZ_CHECK(ev->alert.rule[0] != '\0' && ev->alert.queue[0] != '\0');
	/* not after the latest clock: the model's clock may step back since */
	FUZZ_CHECK(ev->alert.since <= r->latest);
}

static void snapshot_check(struct run *r, bool deep)
{
	run_advance(r, r->t);
	snapshot_build(&r->s, r->m, &r->cfg[r->cur]);
	ref_check(r);
	FUZZ_CHECK(r->s.as_of == model_now(r->m));
	for (size_t i = 0; i < r->s.n_queues; i++)
		check_queue(&r->s.queues[i]);
	check_queue(&r->s.total);
	check_total(&r->s);
	if (r->s.as_of > r->latest)
		r->latest = r->s.as_of;
	alerts_eval(r->al, &r->s, r->s.as_of, on_alert, r);
	if (deep)
		check_json(&r->s);
}

static void run_init(struct run *r)
{
	memset(r, 0, sizeof *r);
	config_defaults(&r->cfg[0]);
	config_defaults(&r->cfg[1]);
	r->m = model_new(&r->cfg[0]);
	r->al = alerts_new(r->cfg[0].alert_rules);
	r->t = T0;
}

static void run_free(struct run *r)
{
	snapshot_check(r, true);
	alerts_free(r->al);
	snapshot_free(&r->s);
	model_free(r->m);
	ref_free(&r->ref);
	config_free(&r->cfg[0]);
	config_free(&r->cfg[1]);
}

/* queue_log text: one event per line. */
static void run_text(struct run *r, const uint8_t *data, size_t size)
{
	size_t start = 0, lines = 0;
	while (start < size) {
		const uint8_t *lf = memchr(data + start, '\n', size - start);
		size_t end = lf ? (size_t)(lf - data) : size;
		char *line = malloc(end - start + 1);
		struct qevent ev;
		FUZZ_CHECK(line != NULL);
		memcpy(line, data + start, end - start);
		line[end - start] = '\0';
		if (queuelog_parse(line, end - start, &ev) == QL_EVENT) {
			run_apply(r, &ev);
			if (ev.time > r->t)
				r->t = ev.time;
		}
		free(line);
		if (++lines % 64 == 0)
			snapshot_check(r, false);
		start = end + 1;
	}
}

/* Reads settings for cfg from the input. */
static void read_settings(struct config *cfg, struct fuzz_in *in)
{
	cfg->stale_call_s = 60 + (int)fuzz_byte(in) * 60;
	cfg->window_s = 60 + (int)fuzz_byte(in) * 30;
	cfg->day_start_min = (int)(fuzz_byte(in) * 6 % 1440);
	cfg->defaults.wrapup_s = (int)(fuzz_byte(in) % 40);
	cfg->defaults.sl_threshold_s = (int)(fuzz_byte(in) % 60);
	cfg->defaults.short_abandon_s = (int)(fuzz_byte(in) % 15);
	cfg->defaults.sl_formula = (enum sl_formula)(fuzz_byte(in) % 3);
}

static const char *pick(struct fuzz_in *in, const char *const *names, size_t n)
{
	return names[fuzz_byte(in) % n];
}

static const char *const callids[] = { "1.1", "1.2", "1.3", "2.1", "2.2", "9.9", NULL };
static const char *const queues[] = { "sales", "support", "billing", "\xc3\xa9t\xc3\xa9",
	"q|x", "\xff\xfe", NULL };
static const char *const agents[] = { "Alex", "Sam", "Kim", "SIP/1001", "PJSIP/1002", NULL };
static const char *const reasons[] = { "lunch", "", "a|b", NULL };

#define N_OF(a) (sizeof a / sizeof a[0])

static long duration(struct fuzz_in *in)
{
	unsigned b = fuzz_byte(in);
	return b == 255 ? -1 : (long)b * (b > 200 ? 60 : 1);
}

/* One event built from the input. */
static void apply_event(struct run *r, struct fuzz_in *in, enum ev_kind kind)
{
	struct qevent ev = { .kind = kind };
	int dt = (int)(signed char)fuzz_byte(in);
	static const int scale[4] = { 1, 7, 600, 3600 };
	r->t += (int64_t)dt * scale[fuzz_byte(in) & 3];
	if (r->t < 1)
		r->t = 1;
	ev.time = r->t;
	ev.callid = pick(in, callids, N_OF(callids));
	ev.queue = pick(in, queues, N_OF(queues));
	ev.agent = pick(in, agents, N_OF(agents));
	ev.reason = pick(in, reasons, N_OF(reasons));
	ev.callerid = ev.callid ? "5551234" : NULL;
	ev.hold_s = duration(in);
	ev.talk_s = duration(in);
	ev.wait_s = duration(in);
	ev.ring_ms = duration(in) * 1000;
	unsigned b = fuzz_byte(in);
	ev.paused = b & 1;
	ev.status = (int)(b >> 1) % 9;
	run_apply(r, &ev);
}

/* The first of the four ops that are not an event: they follow the kinds up
 * to EV_FORGET, and kinds added later come after them, so that the seeds'
 * programs keep their meaning. */
#define OP_CONTROL (EV_FORGET + 1)

/* The compact program: a settings header, then one op per byte. */
static void run_program(struct run *r, struct fuzz_in *in)
{
	read_settings(&r->cfg[0], in);
	read_settings(&r->cfg[1], in);
	/* A reload that moves day_start keeps today's counts and intervals as
	 * they were (nothing to recount from), so the swap keeps it. */
	r->cfg[1].day_start_min = r->cfg[0].day_start_min;
	model_set_config(r->m, &r->cfg[0]);
	ref_follow(r);
	while (in->n > 0) {
		unsigned op = fuzz_byte(in) % (EV_KIND_COUNT + 4);
		if (op < OP_CONTROL) {
			apply_event(r, in, (enum ev_kind)op);
		} else if (op == OP_CONTROL) {
			r->t += (int64_t)fuzz_u16(in) * 7;
			run_advance(r, r->t);
		} else if (op == OP_CONTROL + 1) {
			snapshot_check(r, false);
		} else if (op == OP_CONTROL + 2) {
			r->cur ^= 1;
			model_set_config(r->m, &r->cfg[r->cur]);
			ref_follow(r);
			alerts_set_rules(r->al, r->cfg[r->cur].alert_rules);
		} else if (op == OP_CONTROL + 3) {
			snapshot_check(r, true);
		} else {
			apply_event(r, in, (enum ev_kind)(op - 4));
		}
	}
}

static void set_zone(const char *tz)
{
	const char *cur = getenv("TZ");
	if (cur && strcmp(cur, tz) == 0)
		return;
	setenv("TZ", tz, 1);
	tzset();
}

/* 'Z', then a byte that picks a zone and a change of clocks; the program
 * starts three hours before it (days of 23 and 25 hours, the repeated hour). */
static void run_zone(struct run *r, struct fuzz_in *in)
{
	static const struct { const char *tz; int64_t change; } changes[] = {
		{ "America/New_York", 1772953200 },   /* 2026-03-08 02:00 EST -> 03:00 EDT */
		{ "America/New_York", 1793512800 },   /* 2026-11-01 02:00 EDT -> 01:00 EST */
		{ "Europe/Berlin", 1774746000 },      /* 2026-03-29 02:00 CET -> 03:00 CEST */
		{ "Europe/Berlin", 1792890000 },      /* 2026-10-25 03:00 CEST -> 02:00 CET */
	};
	unsigned k = fuzz_byte(in) % 4;
	set_zone(changes[k].tz);
	r->t = changes[k].change - 3 * 3600;
	run_program(r, in);
}

static void fuzz_model_one(const uint8_t *data, size_t size)
{
	struct run r;

	run_init(&r);
	if (size > 0 && data[0] == 'Z') {
		struct fuzz_in in = { data + 1, size - 1 };
		run_zone(&r, &in);
		run_free(&r);
		return;
	}
	set_zone("UTC");
	if (size > 0 && data[0] >= '0' && data[0] <= '9') {
		run_text(&r, data, size);
	} else {
		struct fuzz_in in = { data, size };
		run_program(&r, &in);
	}
	run_free(&r);
}

FUZZ_TARGET(model)
