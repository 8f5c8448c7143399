/* model_tally.c - outcomes and ends tallied into today, the rolling window
 * (through a time-ordered ring of small records that expire) and today's
 * 15-minute intervals (see model_tally.h). */
#include "model_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

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

/* ---- the window ------------------------------------------------------- */

static void window_push(struct tally_window *w, const struct tally *x)
{
	size_t i;
	if (w->len == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 1024;
		struct tally *n = xmalloc(ncap * sizeof *n);
		for (i = 0; i < w->len; i++)
			n[i] = w->ring[tally_slot(w, i)];
		free(w->ring);
		w->ring = n;
		w->cap = ncap;
		w->head = 0;
	}
	/* insert in time order from the tail */
	i = w->len++;
	while (i > 0 && w->ring[tally_slot(w, i - 1)].t > x->t) {
		w->ring[tally_slot(w, i)] = w->ring[tally_slot(w, i - 1)];
		i--;
	}
	w->ring[tally_slot(w, i)] = *x;
}

void tally_window_expire(struct model *m)
{
	struct tally_window *w = &m->win;
	int64_t edge = m->now - m->cfg->window_s;
	while (w->len > 0 && w->ring[w->head].t <= edge) {
		const struct tally *x = &w->ring[w->head];
		tally_apply(&m->queues[x->queue].window, x, -1);
		w->head = tally_slot(w, 1);
		w->len--;
	}
}

void tally_window_back(struct model *m, int64_t edge)
{
	struct tally_window *w = &m->win;
	while (w->len > 0) {
		const struct tally *x = &w->ring[tally_slot(w, w->len - 1)];
		if (x->t <= edge)
			break;
		tally_apply(&m->queues[x->queue].window, x, -1);
		w->len--;
	}
}

/* ---- tallying ----------------------------------------------------------- */

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
		window_push(&m->win, x);
	}
}

void tally_event(struct model *m, const struct qevent *ev, int32_t qi, long value)
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

void tally_new_day(struct model *m)
{
	util_day_bounds(m->now, m->cfg->day_start_min, &m->day_start, &m->day_end);
	m->iv_used = 0;
	for (size_t i = 0; i < m->queue_names.count; i++) {
		memset(&m->queues[i].today, 0, sizeof m->queues[i].today);
		memset(m->queues[i].iv, 0, sizeof m->queues[i].iv);
	}
}
