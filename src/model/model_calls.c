/* model_calls.c - the model's call registry: records by (callid, queue) in
 * hash chains, the slabs of pooled records, the live, done and waiting lists,
 * retiring a call, stale calls and tombstones (see model_calls.h). */
#include "model_internal.h"

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

#define CALL_POOL_ID 22        /* callid bytes of a pooled call record, NUL included
                                  (Asterisk's "1767254400.1775376": 19) */
/* A pooled record's bytes, then its cell's number (struct call_slab). */
#define CALL_POOL_BYTES (offsetof(struct call, callid) + CALL_POOL_ID)
#define CALL_CELL 136          /* a cell's bytes */
#define CALL_SLAB_CELLS 400    /* cells in a slab: 54 KB */
#define CALL_SLAB_WORDS ((CALL_SLAB_CELLS + 63) / 64)
_Static_assert(CALL_POOL_BYTES >= sizeof(struct call) && CALL_POOL_BYTES % 8 == 0 &&
               CALL_POOL_BYTES + sizeof(uint32_t) <= CALL_CELL,
               "a pooled call record and its cell's number fit a cell");
#define CALL_BUCKETS_MIN 1024

/* Pooled records' cells. A rush's records freed one by one in any order
 * would leave malloc holes of 160 bytes that little else fits (2.3 MB on a
 * big centre after its catch-up); cells are moved down instead, and a slab
 * emptied is freed whole (calls_drop_stale). */
struct call_slab {
	uint64_t used[CALL_SLAB_WORDS];   /* a bit per cell; those past the last set */
	uint32_t n;                       /* cells used */
	_Alignas(8) unsigned char cell[CALL_SLAB_CELLS][CALL_CELL];
};

/* ---- waiting lists ---------------------------------------------------- */

static void wait_unlink(struct queue *q, struct call *c)
{
	q->wpop += c->wprev == NULL;
	if (c->wprev) c->wprev->wnext = c->wnext; else q->whead = c->wnext;
	if (c->wnext) c->wnext->wprev = c->wprev; else q->wtail = c->wprev;
	c->wprev = c->wnext = NULL;
	q->waiting--;
	q->wgen++;
}

void calls_wait_insert(struct queue *q, struct call *c)
{
	struct call *after = q->wtail;
	while (after && after->enter_t > c->enter_t)
		after = after->wprev;
	q->wpush += after == q->wtail;
	c->wprev = after;
	c->wnext = after ? after->wnext : q->whead;
	if (c->wnext) c->wnext->wprev = c; else q->wtail = c;
	if (after) after->wnext = c; else q->whead = c;
	q->waiting++;
	q->wgen++;
}

/* ---- hash chains and records ------------------------------------------ */

static void callerid_release(struct call *c)
{
	if (c->cid_heap) {
		char *p;
		memcpy(&p, c->cid, sizeof p);
		free(p);
		c->cid_heap = 0;
	}
}

void calls_set_callerid(struct call *c, const char *src)
{
	size_t n = src ? strnlen(src, CALL_CALLERID_MAX - 1) : 0;
	callerid_release(c);
	if (n < CALL_CID_IN) {
		if (n > 0)
			memcpy(c->cid, src, n);
		c->cid[n] = '\0';
		return;
	}
	char *p = xmalloc(n + 1);
	memcpy(p, src, n);
	p[n] = '\0';
	memcpy(c->cid, &p, sizeof p);
	c->cid_heap = 1;
}

/* Puts c at the head of its chain in buckets b (n of them). */
static void chain_push(struct call **b, size_t n, struct call *c)
{
	struct call **head = &b[c->hash & (n - 1)];
	c->hnext = *head;
	*head = c;
}

/* n buckets (a power of two), the chains made again in them. */
static void table_resize(struct calls *r, size_t n)
{
	struct call **b = xcalloc(n, sizeof *b);
	for (size_t i = 0; i < r->nbuckets; i++) {
		struct call *c = r->buckets[i], *next;
		for (; c; c = next) {
			next = c->hnext;
			chain_push(b, n, c);
		}
	}
	free(r->buckets);
	r->buckets = b;
	r->nbuckets = n;
}

/* ---- slabs of pooled records ------------------------------------------ */

/* The number of a pooled record's cell: slab * CALL_SLAB_CELLS + cell. */
static uint32_t *cell_number(struct call *c)
{
	return (uint32_t *)(void *)((unsigned char *)c + CALL_POOL_BYTES);
}

static struct call_slab *slab_new(void)
{
	struct call_slab *s = xmalloc(sizeof *s);
	memset(s->used, 0, sizeof s->used);
	for (size_t i = CALL_SLAB_CELLS; i < CALL_SLAB_WORDS * 64; i++)
		s->used[i / 64] |= (uint64_t)1 << (i % 64);
	s->n = 0;
	return s;
}

/* A free cell of the lowest slab with room (a new slab when none has). */
static struct call *cell_take(struct calls *r)
{
	while (r->slab_low < r->nslab && r->slab[r->slab_low]->n == CALL_SLAB_CELLS)
		r->slab_low++;
	if (r->slab_low == r->nslab) {
		if (r->nslab == r->capslab) {
			r->capslab = r->capslab ? r->capslab * 2 : 8;
			r->slab = xrealloc(r->slab, r->capslab * sizeof *r->slab);
		}
		r->slab[r->nslab++] = slab_new();
	}
	struct call_slab *s = r->slab[r->slab_low];
	size_t w = 0;
	while (s->used[w] == UINT64_MAX)
		w++;
	size_t i = w * 64 + (size_t)__builtin_ctzll(~s->used[w]);
	s->used[w] |= (uint64_t)1 << (i % 64);
	s->n++;
	r->npooled++;
	struct call *c = (struct call *)(void *)s->cell[i];
	*cell_number(c) = (uint32_t)(r->slab_low * CALL_SLAB_CELLS + i);
	return c;
}

static void cell_give(struct calls *r, struct call *c)
{
	uint32_t k = *cell_number(c);
	size_t si = k / CALL_SLAB_CELLS, i = k % CALL_SLAB_CELLS;
	struct call_slab *s = r->slab[si];
	s->used[i / 64] &= ~((uint64_t)1 << (i % 64));
	s->n--;
	r->npooled--;
	if (si < r->slab_low)
		r->slab_low = si;
}

/* The record at from is now at to (a copy): what pointed at it points there. */
static void call_moved(struct model *m, struct call *from, struct call *to)
{
	struct calls *r = &m->calls;
	struct call **pp = &r->buckets[to->hash & (r->nbuckets - 1)];
	while (*pp != from)
		pp = &(*pp)->hnext;
	*pp = to;
	struct list *l = to->phase != PH_DONE ? &r->live : to->kept ? &r->kept : &r->done;
	if (to->prev) to->prev->next = to; else if (l->head == from) l->head = to;
	if (to->next) to->next->prev = to; else if (l->tail == from) l->tail = to;
	struct queue *q = &m->queues[to->queue];
	if (to->wprev) to->wprev->wnext = to; else if (q->whead == from) q->whead = to;
	if (to->wnext) to->wnext->wprev = to; else if (q->wtail == from) q->wtail = to;
}

/* When the pooled records would fit below the highest slab in use with half
 * a slab to spare, moves its records down and frees it; frees empty slabs
 * at the top but one (the next rush's first). At most a slab's worth of
 * moves a call: a rush gone is given back over as many clock moves. */
static void slabs_shrink(struct model *m)
{
	struct calls *r = &m->calls;
	size_t top = r->nslab;
	while (top > 0 && r->slab[top - 1]->n == 0)
		top--;
	if (top > 0) {
		struct call_slab *s = r->slab[top - 1];
		size_t below = (top - 1) * CALL_SLAB_CELLS - (r->npooled - s->n);
		if (below >= s->n + CALL_SLAB_CELLS / 2) {
			for (size_t i = 0; i < CALL_SLAB_CELLS && s->n; i++) {
				if (!(s->used[i / 64] >> (i % 64) & 1))
					continue;
				struct call *from = (struct call *)(void *)s->cell[i];
				struct call *to = cell_take(r);    /* below: there is room there */
				uint32_t k = *cell_number(to);
				memcpy(to, from, CALL_POOL_BYTES);
				*cell_number(to) = k;
				cell_give(r, from);
				call_moved(m, from, to);
			}
			top--;
		}
	}
	while (r->nslab > top + 1) {
		free(r->slab[--r->nslab]);
		if (r->slab_low > r->nslab)
			r->slab_low = r->nslab;
	}
}

/* A zeroed call with room for a callid of len bytes: call ids are short, so
 * most calls are a slab's cell rather than a malloc chunk of their own. */
static struct call *call_alloc(struct calls *r, size_t len)
{
	struct call *c;

	if (len >= CALL_POOL_ID)
		return xcalloc(1, sizeof *c + len + 1);
	c = cell_take(r);
	memset(c, 0, CALL_POOL_BYTES);
	c->pooled = 1;
	return c;
}

struct call *calls_new(struct model *m, const struct qevent *ev, int32_t queue, uint32_t h)
{
	struct calls *r = &m->calls;
	size_t len = ev->callid_len;
	struct call *c = call_alloc(r, len);
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
	if (r->nbuckets == 0)
		table_resize(r, CALL_BUCKETS_MIN);
	else if (r->count + 1 > r->nbuckets + r->nbuckets / 2)
		table_resize(r, r->nbuckets * 2);
	chain_push(r->buckets, r->nbuckets, c);
	r->count++;
	c->phase = PH_DONE;             /* the caller puts it where it belongs */
	return c;
}

static void call_free(struct model *m, struct call *c)
{
	struct calls *r = &m->calls;
	/* chains are short (1.5 calls a bucket at most): the walk reads what
	 * unlinking would write anyway */
	struct call **pp = &r->buckets[c->hash & (r->nbuckets - 1)];
	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	r->count--;
	m->queues[c->queue].ncalls--;
	/* up to one and a half calls a bucket (calls_new), half the buckets
	 * below one call for two: a big centre's 12,400 calls take 16,384
	 * buckets (128 KB), not 32,768, and a rush (a catch-up's waiting
	 * calls) leaves no table of its size behind; half as many calls again
	 * to grow it back */
	if (r->nbuckets > CALL_BUCKETS_MIN && r->count < r->nbuckets / 2)
		table_resize(r, r->nbuckets / 2);
	callerid_release(c);
	if (c->pooled)
		cell_give(r, c);
	else
		free(c);
}

struct call *calls_lookup(struct model *m, const struct qevent *ev, int32_t qi, uint32_t h)
{
	struct call *c = call_find(&m->calls, ev, qi, h);
	struct tomb_call t;

	if (c || !tombs_take(m, ev, qi, h, &t))
		return c;
	c = calls_new(m, ev, qi, h);
	/* at the done list's tail, not at its end time: a late repeat would walk
	 * back over every call ended since (~700 a second on a big centre). Its
	 * two hours start again from now, which bounds nothing less. */
	c->key_t = t.key_t > m->now ? t.key_t : m->now;
	c->enter_t = t.enter_t;
	c->outcome_seen = (t.flags & TOMB_OUTCOME) != 0;
	c->ended = (t.flags & TOMB_ENDED) != 0;
	list_insert(&m->calls.done, c);
	return c;
}

struct call *calls_get(struct model *m, const struct qevent *ev, int32_t qi)
{
	uint32_t h = call_hash(ev, qi);
	struct call *c = calls_lookup(m, ev, qi, h);
	if (c == NULL) {
		c = calls_new(m, ev, qi, h);
		c->key_t = ev->time > m->now ? ev->time : m->now;   /* as calls_retire: the tail */
		list_insert(&m->calls.done, c);
	}
	return c;
}

/* ---- call life -------------------------------------------------------- */

void calls_ring_clear(struct model *m, struct call *c)
{
	for (int i = 0; i < MAX_RING; i++) {
		if (c->ringing[i] >= 0) {
			m->agents[c->ringing[i]].ring_since = INT64_MIN;
			model_agent_touch(m, c->ringing[i]);
		}
		c->ringing[i] = -1;
	}
}

/* The done list's head c (not held by a caller) leaves it: a tombstone, or a
 * full record on the kept list when it cannot be one. */
static void convert_head(struct model *m, struct call *c)
{
	struct calls *r = &m->calls;
	list_unlink(&r->done, c);
	if (tombs_fits(&r->tombs, c)) {
		tombs_add(m, c);
		call_free(m, c);
	} else {
		c->kept = 1;
		list_insert(&r->kept, c);     /* in time order: the done list's head is the oldest */
	}
}

/* Makes up to n ended records at the done list's head, up to the clock,
 * tombstones (or kept records); held, which a caller holds, and what ended
 * after it stay. */
static void convert_some(struct model *m, int n, const struct call *held)
{
	struct call *c;
	while (n-- > 0 && (c = m->calls.done.head) != NULL && c != held && c->key_t <= m->now)
		convert_head(m, c);
}

void calls_retire(struct model *m, struct call *c, int64_t t)
{
	struct queue *q = &m->queues[c->queue];
	if (c->phase == PH_DONE)
		list_unlink(c->kept ? &m->calls.kept : &m->calls.done, c);
	else
		list_unlink(&m->calls.live, c);
	if (c->phase == PH_WAITING)
		wait_unlink(q, c);
	if (c->phase == PH_TALKING && c->agent >= 0) {
		struct agent *a = &m->agents[c->agent];
		model_agent_touch(m, c->agent);
		if (a->active_calls > 0)
			a->active_calls--;
		if (a->active_calls == 0) {
			a->wrapup_until = t + q->conf.wrapup_s;
			a->since = t;
		}
	}
	calls_ring_clear(m, c);
	c->phase = PH_DONE;
	c->kept = 0;
	c->key_t = t > m->now ? t : m->now;
	list_insert(&m->calls.done, c);
	/* two for each that ends: the tombstones are made as lines come, also
	 * those of the clock's own second (the wall's tick moves it before the
	 * second's lines come), not ~700 at the next tick on a big centre */
	convert_some(m, 2, c);
}

/* Frees the records of list l that ended before edge. */
static void free_before(struct model *m, struct list *l, int64_t edge)
{
	while (l->head && l->head->key_t < edge) {
		struct call *c = l->head;
		list_unlink(l, c);
		call_free(m, c);
	}
}

void calls_drop_stale(struct model *m)
{
	struct calls *r = &m->calls;
	int64_t edge = m->now - m->cfg->stale_call_s;
	while (r->live.head && r->live.head->key_t < edge) {
		m->stats.stale_dropped++;
		calls_retire(m, r->live.head, m->now);
	}
	edge = m->now - TOMBSTONE_S;
	free_before(m, &r->done, edge);
	free_before(m, &r->kept, edge);
	tombs_expire(m, edge);
	/* not in the middle of an event: no caller holds a record */
	while (r->done.head && r->done.head->key_t < m->now)
		convert_head(m, r->done.head);
	slabs_shrink(m);
}

/* ---- the whole table -------------------------------------------------- */

void calls_free(struct calls *r)
{
	for (size_t i = 0; i < r->nbuckets; i++) {
		struct call *c = r->buckets[i], *next;
		for (; c; c = next) {
			next = c->hnext;
			callerid_release(c);
			if (!c->pooled)
				free(c);
		}
	}
	free(r->buckets);
	tombs_free(&r->tombs);
	for (size_t i = 0; i < r->nslab; i++)
		free(r->slab[i]);
	free(r->slab);
	r->slab = NULL;
	r->nslab = r->capslab = r->slab_low = r->npooled = 0;
}
