/* model_tally.c - outcomes and ends tallied into today, the rolling window
 * (through a time-ordered ring of small records that expire) and today's
 * 15-minute intervals (see model_tally.h). */
#include "model_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

/* ---- an outcome as a counts delta -------------------------------------- */

struct tally tally_make(enum ev_kind kind, int64_t t, int32_t qi, long value,
                        const struct queue_conf *qc)
{
	struct tally x = { .t = t, .queue = (uint32_t)qi, .kind = (uint32_t)kind,
	                   .value = value > INT32_MAX ? INT32_MAX : (int32_t)value };
	if (kind == EV_CONNECT)
		x.within_sl = value >= 0 && value <= qc->sl_threshold_s;
	if (kind == EV_ABANDON) {
		x.is_short = value >= 0 && value < qc->short_abandon_s;
		x.abandon_within_sl = value >= 0 && value <= qc->sl_threshold_s;
	}
	return x;
}

struct counts tally_delta(const struct tally *x)
{
	struct counts d = { 0 };
	int64_t v = x->value > 0 ? x->value : 0;
	switch ((enum ev_kind)x->kind) {
	case EV_CONNECT:
		d.offered = d.answered = 1;
		d.answered_within_sl = x->within_sl;
		d.hold_s = v;
		break;
	case EV_ABANDON:
		d.offered = d.abandoned = 1;
		d.abandoned_short = x->is_short;
		d.abandoned_within_sl = x->abandon_within_sl;
		d.abandon_wait_s = v;
		break;
	case EV_TIMEOUT:   d.offered = d.timed_out = 1; break;
	case EV_EXITKEY:   d.offered = d.exited_key = 1; break;
	case EV_EXITEMPTY: d.offered = d.exited_empty = 1; break;
	case EV_WITHDRAW:  d.offered = d.withdrawn = 1; break;
	case EV_COMPLETE:  d.completed = 1; d.talk_s = v; break;
	case EV_TRANSFER:  d.transferred = 1; d.talk_s = v; break;
	default: break;
	}
	return d;
}

/* An interval keeps some of the counts: the same delta, so that the
 * intervals add up to today. */
static void interval_add(struct interval *iv, const struct counts *d)
{
	iv->offered += (int32_t)d->offered;
	iv->answered += (int32_t)d->answered;
	iv->answered_within_sl += (int32_t)d->answered_within_sl;
	iv->abandoned += (int32_t)d->abandoned;
	iv->abandoned_short += (int32_t)d->abandoned_short;
	iv->abandoned_within_sl += (int32_t)d->abandoned_within_sl;
}

/* ---- the window ------------------------------------------------------- */

static struct wtally wtally_of(const struct tally *x)
{
	return (struct wtally){ .queue = x->queue + 1, .kind = x->kind,
		.within_sl = x->within_sl, .is_short = x->is_short,
		.abandon_within_sl = x->abandon_within_sl, .in_queue = 1, .value = x->value };
}

static struct tally tally_of(const struct wtally *w, int64_t t)
{
	return (struct tally){ .t = t, .queue = w->queue - 1, .kind = w->kind,
		.within_sl = w->within_sl, .is_short = w->is_short,
		.abandon_within_sl = w->abandon_within_sl, .value = w->value };
}

/* Takes a record leaving the window out of its queue's and its agent's
 * window figures. */
static void window_drop(struct model *m, const struct wtally *w, int64_t t)
{
	if (w->in_queue) {
		struct tally x = tally_of(w, t);
		struct counts d = tally_delta(&x);
		counts_sub(&m->queues[x.queue].window, &d);
		m->queues[x.queue].wtallies--;
	}
	if (w->agent)
		astat_window_out(m, (int32_t)w->agent - 1, (int32_t)w->queue - 1,
		                 (enum ev_kind)w->kind, w->value, (int)w->wrapup);
}

/* A record's kind, flags and wrap-up as one code's key. */
static uint32_t code_key(const struct wtally *x)
{
	return x->kind | x->within_sl << 5 | x->is_short << 6 | x->abandon_within_sl << 7 |
	       x->in_queue << 8 | x->wrapup << 9;
}


/* A packed record's layout: its bytes and its fields' bits (queue, agent,
 * code, value + 1, from bit 0 up, little-endian). */
struct packing {
	int bytes, qb, ab, cb, vb;
};

static const struct packing narrow = { NT_BYTES, NT_QUEUE_BITS, NT_AGENT_BITS, NT_CODE_BITS,
                                       NT_VALUE_BITS };
static const struct packing small = { NS_BYTES, NS_QUEUE_BITS, NS_AGENT_BITS, NS_CODE_BITS,
                                      NS_VALUE_BITS };
static const struct packing tiny = { NU_BYTES, NS_QUEUE_BITS, NS_AGENT_BITS, NU_CODE_BITS,
                                     NU_VALUE_BITS };

static void nt_store(void *rec, uint64_t v, int bytes)
{
	unsigned char *p = rec;
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> 8 * i);
}

static uint64_t nt_load(const void *rec, int bytes)
{
	const unsigned char *p = rec;
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << 8 * i;
	return v;
}

static uint64_t field_max(int bits)
{
	return ((uint64_t)1 << bits) - 1;
}

/* Whether x (its code k) fits packing f. */
static bool fits(const struct packing *f, const struct wtally *x, int k)
{
	return x->value >= -1 && (uint64_t)((int64_t)x->value + 1) <= field_max(f->vb) &&
	       x->queue <= field_max(f->qb) && x->agent <= field_max(f->ab) &&
	       (uint64_t)k <= field_max(f->cb);
}

static void pack(const struct packing *f, void *rec, const struct wtally *x, int k)
{
	nt_store(rec, x->queue | (uint64_t)x->agent << f->qb | (uint64_t)k << (f->qb + f->ab) |
	              (uint64_t)(x->value + 1) << (f->qb + f->ab + f->cb), f->bytes);
}

/* The code of x when it fits a narrow record (added to the window's when
 * new and below limit), else -1. */
static int narrow_code(struct tally_window *w, const struct wtally *x, int limit)
{
	if (x->value < -1 || x->value > NT_VALUE_MAX || x->queue > NT_QUEUES ||
	    x->agent > NT_AGENTS)
		return -1;
	return wring_code_index(w->codes, &w->ncodes, limit, code_key(x));
}

/* The same, in packing f (its record already of that form: renumbering, an
 * agent sharing it). */
static bool packed_of(struct tally_window *w, const struct packing *f, const struct wtally *x,
                      void *rec)
{
	int k = narrow_code(w, x, 1 << f->cb);
	if (k < 0 || !fits(f, x, k))
		return false;
	pack(f, rec, x, k);
	return true;
}

static struct wtally unpack(const struct tally_window *w, const struct packing *f,
                            const void *rec)
{
	uint64_t v = nt_load(rec, f->bytes);
	uint32_t key = w->codes[(v >> (f->qb + f->ab)) & field_max(f->cb)];
	return (struct wtally){ .queue = (uint32_t)(v & field_max(f->qb)),
		.agent = (uint32_t)((v >> f->qb) & field_max(f->ab)),
		.kind = key & 31, .within_sl = key >> 5 & 1, .is_short = key >> 6 & 1,
		.abandon_within_sl = key >> 7 & 1, .in_queue = key >> 8 & 1,
		.wrapup = key >> 9,
		.value = (int32_t)(v >> (f->qb + f->ab + f->cb)) - 1 };
}

/* The packing of a record of bytes (NULL: a struct wtally). */
static const struct packing *packing_of(int bytes)
{
	return bytes == NU_BYTES ? &tiny : bytes == NS_BYTES ? &small
	     : bytes == NT_BYTES ? &narrow : NULL;
}

static void drop_wide(void *ctx, void *rec, int64_t t)
{
	window_drop(ctx, rec, t);
}

static void drop_narrow(void *ctx, void *rec, int64_t t)
{
	struct model *m = ctx;
	struct wtally x = unpack(&m->win, &narrow, rec);
	window_drop(m, &x, t);
}

static void drop_small(void *ctx, void *rec, int64_t t)
{
	struct model *m = ctx;
	struct wtally x = unpack(&m->win, &small, rec);
	window_drop(m, &x, t);
}

static void drop_tiny(void *ctx, void *rec, int64_t t)
{
	struct model *m = ctx;
	struct wtally x = unpack(&m->win, &tiny, rec);
	window_drop(m, &x, t);
}

/* ---- expiry, looking ahead ----------------------------------------------
 * Records leave in time order, but their agents and queues are in no order:
 * each record's agent record, figures and queues' figures are cache misses
 * one after the other. The records a few places ahead are read first and
 * what they will touch fetched a step at a time (astat_window_prefetch), so
 * that the misses of several records overlap. */
#define DROP_STEP 4                /* records between a look-ahead's steps */
#define DROP_RING 16               /* > 3 * DROP_STEP, a power of two */

struct drop_ctx {
	struct model *m;
	struct wring *r;
	const struct packing *f;       /* the ring's records' (NULL: struct wtally) */
	size_t done, seen;             /* records dropped; records looked at (from the first) */
	int32_t ai[DROP_RING];         /* agent index of record i at i % DROP_RING (-1 none) */
};

static struct wtally record_of(const struct model *m, const struct packing *f, const void *rec)
{
	return f ? unpack(&m->win, f, rec) : *(const struct wtally *)rec;
}

/* Looks at the records up to 3 steps past the one to drop now (c->done). */
static void drop_ahead(struct drop_ctx *c)
{
	struct model *m = c->m;
	while (c->seen < c->done + 3 * DROP_STEP && c->seen - c->done < c->r->len) {
		struct wtally x = record_of(m, c->f, wring_at(c->r, c->seen - c->done));
		int32_t ai = (int32_t)x.agent - 1;
		if (x.in_queue) {
			__builtin_prefetch(&m->queues[x.queue - 1].window, 1);
			__builtin_prefetch(&m->queues[x.queue - 1].wtallies, 1);
		}
		if (ai >= 0)
			astat_window_prefetch(m, ai, 0);
		c->ai[c->seen++ % DROP_RING] = ai;
	}
	for (int step = 1; step <= 2; step++) {
		size_t i = c->done + (size_t)(3 - step) * DROP_STEP;
		if (i < c->seen && c->ai[i % DROP_RING] >= 0)
			astat_window_prefetch(m, c->ai[i % DROP_RING], step);
	}
}

static void drop_next(void *ctx, void *rec, int64_t t)
{
	struct drop_ctx *c = ctx;
	drop_ahead(c);
	struct wtally x = record_of(c->m, c->f, rec);
	window_drop(c->m, &x, t);
	c->done++;
}

static void expire_ring(struct model *m, struct wring *r, const struct packing *f,
                        int64_t edge)
{
	struct drop_ctx c = { .m = m, .r = r, .f = f };
	wring_expire(r, edge, drop_next, &c);
}

/* Puts x in the window at t, tiny, small or narrow if it can be; remembers it as
 * the last. share_wrapup (-1 none): the wrap-up its agent's end will add when
 * it shares the record (share_last); tiny only when that code fits it too,
 * else the end would take a record of its own. */
static void window_push(struct tally_window *w, int64_t t, const struct wtally *x,
                        int share_wrapup)
{
	unsigned char n[NT_BYTES];
	int k = narrow_code(w, x, NT_CODES);
	struct wring *r = &w->w;
	const void *rec = x;
	w->last_bytes = sizeof *x;
	if (k >= 0) {
		bool tiny_ok = fits(&tiny, x, k);
		if (tiny_ok && share_wrapup >= 0) {
			struct wtally y = *x;
			y.wrapup = (uint32_t)share_wrapup;
			int ky = narrow_code(w, &y, NU_CODES);
			tiny_ok = ky >= 0 && ky < NU_CODES;
		}
		const struct packing *f = tiny_ok ? &tiny : fits(&small, x, k) ? &small : &narrow;
		pack(f, n, x, k);
		r = f == &tiny ? &w->u : f == &small ? &w->s : &w->n;
		rec = n;
		w->last_bytes = (uint8_t)f->bytes;
	}
	if (r->esz == 0)
		wring_init(r, w->last_bytes);
	w->last = wring_add(r, t, rec);
	w->last_t = t;
}

/* Agent ai (wrapup) counts the last record too, when it is the same event:
 * false when it is not, or a narrow one has no room for the wrap-up. */
static bool share_last(struct tally_window *w, int64_t t, int32_t qi, enum ev_kind kind,
                       int32_t value, int32_t ai, int wrapup)
{
	struct wtally x;
	const struct packing *f;
	if (w->last == NULL || w->last_t != t)
		return false;
	f = packing_of(w->last_bytes);
	x = f ? unpack(w, f, w->last) : *(struct wtally *)w->last;
	if (x.agent != 0 || !x.in_queue || x.kind != (uint32_t)kind ||
	    x.queue != (uint32_t)(qi + 1) || x.value != value)
		return false;
	if (f) {
		x.agent = (uint32_t)ai + 1;
		x.wrapup = (uint32_t)wrapup;
		if (!packed_of(w, f, &x, w->last))
			return false;
	} else {
		struct wtally *e = w->last;
		e->agent = (uint32_t)ai + 1;
		e->wrapup = (uint32_t)wrapup;
	}
	return true;
}

void tally_window_agent(struct model *m, int64_t t, int32_t qi, enum ev_kind kind,
                        int32_t value, int32_t ai, int wrapup)
{
	struct tally_window *w = &m->win;
	bool shared = share_last(w, t, qi, kind, value, ai, wrapup);
	w->last = NULL;
	if (!shared) {
		struct wtally e = { .queue = (uint32_t)(qi + 1), .kind = (uint32_t)kind,
			.agent = (uint32_t)ai + 1, .wrapup = (uint32_t)wrapup, .value = value };
		window_push(w, t, &e, -1);
		w->last = NULL;
	}
}

void tally_window_expire(struct model *m)
{
	int64_t edge = m->now - m->cfg->window_s;
	m->win.last = NULL;
	expire_ring(m, &m->win.u, &tiny, edge);
	expire_ring(m, &m->win.s, &small, edge);
	expire_ring(m, &m->win.n, &narrow, edge);
	expire_ring(m, &m->win.w, NULL, edge);
}

void tally_window_back(struct model *m, int64_t edge)
{
	m->win.last = NULL;
	wring_back(&m->win.u, edge, drop_tiny, m);
	wring_back(&m->win.s, edge, drop_small, m);
	wring_back(&m->win.n, edge, drop_narrow, m);
	wring_back(&m->win.w, edge, drop_wide, m);
}

/* Each record of the rings, as struct wtally; changes written back. */
struct each_ctx {
	struct tally_window *w;
	void (*fn)(void *arg, struct wtally *x);
	void *arg;
};

static void each_wide(void *ctx, void *rec, int64_t t)
{
	struct each_ctx *c = ctx;
	(void)t;
	c->fn(c->arg, rec);
}

static void each_packed(struct each_ctx *c, const struct packing *f, void *rec)
{
	struct wtally x = unpack(c->w, f, rec);
	c->fn(c->arg, &x);
	/* renumbering only compacts: the same code, indices no larger */
	packed_of(c->w, f, &x, rec);
}

static void each_narrow(void *ctx, void *rec, int64_t t)
{
	(void)t;
	each_packed(ctx, &narrow, rec);
}

static void each_small(void *ctx, void *rec, int64_t t)
{
	(void)t;
	each_packed(ctx, &small, rec);
}

static void each_tiny(void *ctx, void *rec, int64_t t)
{
	(void)t;
	each_packed(ctx, &tiny, rec);
}

static void window_each(struct tally_window *w, void (*fn)(void *, struct wtally *), void *arg)
{
	struct each_ctx c = { w, fn, arg };
	w->last = NULL;
	wring_each(&w->u, each_tiny, &c);
	wring_each(&w->s, each_small, &c);
	wring_each(&w->n, each_narrow, &c);
	wring_each(&w->w, each_wide, &c);
}

static void renumber_queue(void *arg, struct wtally *x)
{
	if (x->queue)
		x->queue = (uint32_t)(((const int32_t *)arg)[x->queue - 1] + 1);
}

void tally_window_renumber(struct model *m, const int32_t *map)
{
	window_each(&m->win, renumber_queue, (void *)map);
}

static void renumber_agent(void *arg, struct wtally *x)
{
	if (x->agent)
		x->agent = (uint32_t)(((const int32_t *)arg)[x->agent - 1] + 1);
}

void tally_window_renumber_agents(struct model *m, const int32_t *map)
{
	window_each(&m->win, renumber_agent, (void *)map);
}

void tally_window_free(struct tally_window *w)
{
	wring_free(&w->u);
	wring_free(&w->s);
	wring_free(&w->n);
	wring_free(&w->w);
	w->last = NULL;
}

/* ---- tallying ----------------------------------------------------------- */

static void tally(struct model *m, const struct tally *x)
{
	struct queue *q = &m->queues[x->queue];
	struct counts d = tally_delta(x);
	m->win.last = NULL;
	if (x->t >= m->day_start && x->t < m->day_end) {
		counts_add(&q->today, &d);
		int slot = (int)((x->t - m->day_start) / MODEL_INTERVAL_S);
		if (slot < MODEL_MAX_INTERVALS) {
			interval_add(model_queue_interval(m, x->queue, slot), &d);
			if (slot >= m->iv_used)
				m->iv_used = slot + 1;
		}
	} else {
		m->stats.late_outcomes++;
	}
	if (x->t > m->now - m->cfg->window_s) {
		struct wtally e = wtally_of(x);
		counts_add(&q->window, &d);
		q->wtallies++;
		bool end = x->kind == EV_COMPLETE || x->kind == EV_TRANSFER;
		window_push(&m->win, x->t, &e, end ? q->conf.wrapup_s : -1);
	}
}

void tally_event(struct model *m, const struct qevent *ev, int32_t qi, long value)
{
	struct tally x = tally_make(ev->kind, ev->time, qi, value, &m->queues[qi].conf);
	tally(m, &x);
}

void tally_new_day(struct model *m)
{
	util_day_bounds(m->now, m->cfg->day_start_min, &m->day_start, &m->day_end);
	m->iv_used = 0;
	for (size_t i = 0; i < m->queue_names.count; i++)
		memset(&m->queues[i].today, 0, sizeof m->queues[i].today);
	model_intervals_clear(m);
}

void model_queue_figs_prefetch(const struct model *m, size_t qi, int step, int iv_at)
{
	const struct queue *q = &m->queues[qi];
	if (step == 0) {
		for (size_t at = 0; at < sizeof *q; at += 64)
			__builtin_prefetch((const char *)q + at);
		return;
	}
	if (q->iv && iv_at >= 0)
		__builtin_prefetch(&q->iv[iv_at]);
	if (q->whead)
		__builtin_prefetch(q->whead);
	if (q->wtail)
		__builtin_prefetch(q->wtail);
}

void model_queue_waiting_moves(const struct model *m, size_t qi, uint32_t *pop, uint32_t *push)
{
	*pop = m->queues[qi].wpop;
	*push = m->queues[qi].wpush;
}

int model_queue_callers_last(const struct model *m, size_t qi, int k, struct caller_view *out)
{
	const struct call *c = m->queues[qi].wtail;
	int n = 0;
	for (; c && n < k; c = c->wprev)
		n++;
	c = c ? c->wnext : m->queues[qi].whead;
	for (int j = 0; j < n; j++, c = c->wnext)
		out[j] = (struct caller_view){ call_callerid(c), c->enter_t };
	return n;
}
