/* contacts_backlog.c - the live backlog (SPEC 6.3: open, unanswered and the
 * oldest of each, per channel, per queue and in total) kept on events, so a
 * tick reads it without a walk of every stored contact.
 *
 * Each contact in the backlog (seen, not a call, open) has an entry; the
 * entry sits in a min-heap by created of its channel and one of its queue,
 * and while unanswered in two more. A scope's counts are its heaps' sizes,
 * its oldest their top: O(log n) a change, O(1) a read. */
#include "contacts_internal.h"

#include <stdlib.h>
#include <string.h>
#include "util.h"

enum { BL_CH_OPEN, BL_Q_OPEN, BL_CH_UNANS, BL_Q_UNANS };

static struct ct_heap *bl_heap(struct ct_backlog *b, int kind, const struct ct_blent *e)
{
	switch (kind) {
	case BL_CH_OPEN: return &b->ch[0][e->ch];
	case BL_Q_OPEN: return &b->q[0][e->q];
	case BL_CH_UNANS: return &b->ch[1][e->ch];
	default: return &b->q[1][e->q];
	}
}

static void heap_set(struct ct_backlog *b, struct ct_heap *h, int kind, uint32_t i,
                     struct ct_hslot x)
{
	h->a[i] = x;
	b->e[x.ix].pos[kind] = i;
}

static void heap_up(struct ct_backlog *b, struct ct_heap *h, int kind, uint32_t i)
{
	struct ct_hslot x = h->a[i];
	while (i > 0 && x.created_ms < h->a[(i - 1) / 2].created_ms) {
		heap_set(b, h, kind, i, h->a[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(b, h, kind, i, x);
}

static void heap_down(struct ct_backlog *b, struct ct_heap *h, int kind, uint32_t i)
{
	struct ct_hslot x = h->a[i];
	for (;;) {
		uint32_t l = 2 * i + 1, m = l;
		if (l >= h->n)
			break;
		if (l + 1 < h->n && h->a[l + 1].created_ms < h->a[l].created_ms)
			m = l + 1;
		if (h->a[m].created_ms >= x.created_ms)
			break;
		heap_set(b, h, kind, i, h->a[m]);
		i = m;
	}
	heap_set(b, h, kind, i, x);
}

static void heap_add(struct ct_backlog *b, int kind, uint32_t ix)
{
	struct ct_heap *h = bl_heap(b, kind, &b->e[ix]);
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 8;
		h->a = xrealloc(h->a, h->cap * sizeof *h->a);
	}
	h->a[h->n++] = (struct ct_hslot){b->e[ix].created_ms, ix};
	heap_up(b, h, kind, h->n - 1);   /* the newest contact (most often): no move */
}

static void heap_del(struct ct_backlog *b, int kind, uint32_t ix)
{
	struct ct_heap *h = bl_heap(b, kind, &b->e[ix]);
	uint32_t i = b->e[ix].pos[kind];
	struct ct_hslot last = h->a[--h->n];
	if (i < h->n) {
		heap_set(b, h, kind, i, last);
		if (i > 0 && last.created_ms < h->a[(i - 1) / 2].created_ms)
			heap_up(b, h, kind, i);
		else
			heap_down(b, h, kind, i);
	}
	if (h->n * 4 < h->cap && h->cap > 64) {     /* a scope's backlog shrank: its room too */
		h->cap /= 2;
		h->a = xrealloc(h->a, h->cap * sizeof *h->a);
	}
}

static void bl_add(struct ct_backlog *b, struct contact *k)
{
	if (k->q >= b->cap_q) {
		int cap = b->cap_q ? b->cap_q : 16;
		while (cap <= k->q)
			cap *= 2;
		for (int j = 0; j < 2; j++) {
			b->q[j] = xrealloc(b->q[j], (size_t)cap * sizeof *b->q[j]);
			memset(b->q[j] + b->cap_q, 0, (size_t)(cap - b->cap_q) * sizeof *b->q[j]);
		}
		b->cap_q = cap;
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->e = xrealloc(b->e, b->cap * sizeof *b->e);
	}
	uint32_t ix = b->n++;
	b->e[ix] = (struct ct_blent){.created_ms = k->created_ms, .k = k, .ch = k->ch, .q = k->q,
	                             .unans = !k->replied};
	k->bl = ix + 1;
	heap_add(b, BL_CH_OPEN, ix);
	heap_add(b, BL_Q_OPEN, ix);
	if (b->e[ix].unans) {
		heap_add(b, BL_CH_UNANS, ix);
		heap_add(b, BL_Q_UNANS, ix);
	}
}

/* Takes k's entry out; the last entry moves into its place. */
static void bl_del(struct ct_backlog *b, struct contact *k)
{
	uint32_t ix = k->bl - 1, last = b->n - 1;
	int kinds = b->e[ix].unans ? 4 : 2;
	for (int kind = 0; kind < kinds; kind++)
		heap_del(b, kind, ix);
	k->bl = 0;
	b->n--;
	if (ix == last)
		return;
	b->e[ix] = b->e[last];
	b->e[ix].k->bl = ix + 1;
	for (int kind = 0; kind < (b->e[ix].unans ? 4 : 2); kind++)
		bl_heap(b, kind, &b->e[ix])->a[b->e[ix].pos[kind]].ix = ix;
	if (b->n * 4 < b->cap && b->cap > 64) {
		b->cap /= 2;
		b->e = xrealloc(b->e, b->cap * sizeof *b->e);
	}
}

void ct_backlog_sync(struct ct_backlog *b, struct contact *k)
{
	bool want = k->seen && !k->voice && k->state == ST_OPEN;
	if (!k->bl) {
		if (want)
			bl_add(b, k);
		return;
	}
	struct ct_blent *e = &b->e[k->bl - 1];
	if (!want || e->created_ms != k->created_ms || e->ch != k->ch || e->q != k->q) {
		bl_del(b, k);
		if (want)
			bl_add(b, k);
		return;
	}
	if (e->unans == !k->replied)
		return;
	uint32_t ix = k->bl - 1;
	if (e->unans) {
		heap_del(b, BL_CH_UNANS, ix);
		heap_del(b, BL_Q_UNANS, ix);
		e->unans = false;
	} else {
		e->unans = true;
		heap_add(b, BL_CH_UNANS, ix);
		heap_add(b, BL_Q_UNANS, ix);
	}
}

void ct_backlog_drop(struct ct_backlog *b, struct contact *k)
{
	if (k->bl)
		bl_del(b, k);
}

/* The live figures of one scope from its two heaps. */
static void live_of(const struct ct_heap *open, const struct ct_heap *unans, int64_t now_ms,
                    struct contacts_live *l)
{
	int64_t age;
	*l = (struct contacts_live){.open = open->n, .unanswered = unans->n};
	if (open->n && (age = now_ms - open->a[0].created_ms) > 0)
		l->oldest_open_ms = age;
	if (unans->n && (age = now_ms - unans->a[0].created_ms) > 0)
		l->oldest_unanswered_ms = age;
}

void ct_backlog_live(const struct ct_backlog *b, int n_channels, int n_queues, int64_t now_ms,
                     struct contacts_live *channels, struct contacts_live *queues,
                     struct contacts_live *total)
{
	static const struct ct_heap none;
	memset(total, 0, sizeof *total);
	for (int i = 0; i < n_channels; i++) {
		struct contacts_live *l = &channels[i];
		live_of(&b->ch[0][i], &b->ch[1][i], now_ms, l);
		total->open += l->open;
		total->unanswered += l->unanswered;
		if (l->oldest_open_ms > total->oldest_open_ms)
			total->oldest_open_ms = l->oldest_open_ms;
		if (l->oldest_unanswered_ms > total->oldest_unanswered_ms)
			total->oldest_unanswered_ms = l->oldest_unanswered_ms;
	}
	for (int i = 0; i < n_queues; i++)
		live_of(i < b->cap_q ? &b->q[0][i] : &none, i < b->cap_q ? &b->q[1][i] : &none, now_ms,
		        &queues[i]);
}

void ct_backlog_free(struct ct_backlog *b)
{
	for (int j = 0; j < 2; j++) {
		for (int i = 0; i < CONTACTS_MAX_CHANNELS; i++)
			free(b->ch[j][i].a);
		for (int i = 0; i < b->cap_q; i++)
			free(b->q[j][i].a);
		free(b->q[j]);
	}
	free(b->e);
	memset(b, 0, sizeof *b);
}
