/* model_tombs.c - ended calls remembered compactly: a ring in end-time order
 * and a linear-probing index over it (see model_tombs.h). */
#include "model_internal.h"

#include <stdlib.h>
#include <string.h>
#include "util.h"

#define TOMB_MIN 1024u

/* ---- callids inline ----------------------------------------------------- */

/* The 4-bit code of each byte (1..15), 0 when it has none: a table, not a
 * switch, as every call's id passes here a few times (a big centre's are
 * 18 bytes, packed). */
static const uint8_t pack_code[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
	['7'] = 8, ['8'] = 9, ['9'] = 10, ['.'] = 11, ['-'] = 12, ['_'] = 13, [':'] = 14,
	['@'] = 15,
};

/* The inline form of callid id (len bytes) into out (TOMB_IDB bytes, the
 * rest zero): as it is up to TOMB_IDB bytes, packed two characters a byte up
 * to twice that; one form for each callid, so that equal ids have equal
 * forms. False when it has none. */
static bool id_inline(const char *id, size_t len, char *out)
{
	const unsigned char *u = (const unsigned char *)id;
	memset(out, 0, TOMB_IDB);
	if (len <= TOMB_IDB) {
		memcpy(out, id, len);
		return true;
	}
	if (len > 2 * TOMB_IDB)
		return false;
	for (size_t i = 0; i < len; i += 2) {
		unsigned lo = pack_code[u[i]], hi = i + 1 < len ? pack_code[u[i + 1]] : 0;
		if (lo == 0 || (hi == 0 && i + 1 < len))
			return false;
		out[i / 2] = (char)(lo | hi << 4);
	}
	return true;
}

/* Whether v fits an int32 offset (INT32_MIN is kept for "not seen"). */
static bool fits32(int64_t v)
{
	return v > INT32_MIN && v <= INT32_MAX;
}

/* ---- the ring and its index --------------------------------------------- */

static uint32_t ring_slot(const struct tombs *t, uint32_t k)
{
	return (t->head + k) & (t->cap - 1);
}

static uint32_t index_mask(const struct tombs *t)
{
	return 2 * t->cap - 1;
}

/* Where hash h starts probing. call_hash's low bits follow the callid's last
 * bytes (sequential ids, neighbouring values: good for the chained call table,
 * long runs for linear probing): mixed first (murmur3's finaliser). */
static uint32_t index_home(const struct tombs *t, uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h & index_mask(t);
}

_Static_assert(TOMB_MAX <= 32768, "an index entry holds a home and a slot + 1 in 16 bits each");

/* An index entry: a ring slot and the home of its tombstone's hash. */
static uint32_t entry_of(uint32_t home, uint32_t slot)
{
	return home << 16 | (slot + 1);
}

static uint32_t entry_slot(uint32_t e)
{
	return (e & 0xffffu) - 1;
}

static uint32_t entry_home(uint32_t e)
{
	return e >> 16;
}

static void index_put(struct tombs *t, uint32_t slot)
{
	uint32_t mask = index_mask(t), home = index_home(t, t->ring[slot].hash), i = home;
	while (t->index[i])
		i = (i + 1) & mask;
	t->index[i] = entry_of(home, slot);
}

/* Removes index entry i, shifting later entries of its run back (no markers). */
static void index_del(struct tombs *t, uint32_t i)
{
	uint32_t mask = index_mask(t), j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (!t->index[j])
			break;
		uint32_t home = entry_home(t->index[j]);
		/* entry j may move to i if its home is not in (i, j] (cyclically) */
		if (i <= j ? home <= i || home > j : home <= i && home > j) {
			t->index[i] = t->index[j];
			i = j;
		}
	}
	t->index[i] = 0;
}

/* The index entry of ring slot slot. */
static uint32_t index_of(const struct tombs *t, uint32_t slot)
{
	uint32_t mask = index_mask(t), home = index_home(t, t->ring[slot].hash), i = home;
	while (t->index[i] != entry_of(home, slot))
		i = (i + 1) & mask;
	return i;
}

static void index_rebuild(struct tombs *t)
{
	memset(t->index, 0, 2 * (size_t)t->cap * sizeof *t->index);
	for (uint32_t k = 0; k < t->n; k++) {
		uint32_t s = ring_slot(t, k);
		if (t->ring[s].queue >= 0)
			index_put(t, s);
	}
}

/* Twice the room (up to TOMB_MAX), the ring laid out from slot 0. */
static void tombs_grow(struct tombs *t)
{
	uint32_t cap = t->cap ? t->cap * 2 : TOMB_MIN;
	struct tomb *ring = xmalloc((size_t)cap * sizeof *ring);
	for (uint32_t k = 0; k < t->n; k++)
		ring[k] = t->ring[ring_slot(t, k)];
	free(t->ring);
	free(t->index);
	t->ring = ring;
	t->cap = cap;
	t->head = 0;
	t->index = xmalloc(2 * (size_t)cap * sizeof *t->index);
	index_rebuild(t);
}

/* Drops the oldest slot (a live tombstone or a revived one's hole). */
static void tombs_pop(struct model *m, struct tombs *t)
{
	struct tomb *x = &t->ring[t->head];
	if (x->queue >= 0) {
		index_del(t, index_of(t, t->head));
		m->queues[x->queue].ncalls--;
	}
	t->head = (t->head + 1) & (t->cap - 1);
	t->n--;
	/* at the bound each new tombstone pops one: the next one's index entry
	 * and queue (cold, anywhere) are fetched while lines come */
	x = &t->ring[t->head];
	if (t->n > 0 && x->queue >= 0) {
		__builtin_prefetch(&t->index[index_home(t, x->hash)]);
		__builtin_prefetch(&m->queues[x->queue].ncalls);
	}
}

bool tombs_fits(const struct tombs *t, const struct call *c)
{
	char id[TOMB_IDB];
	return c->outcome_seen && c->queue < TOMB_QUEUES && id_inline(c->callid, c->idlen, id) &&
	       (t->n == 0 || fits32(c->key_t - t->base)) &&
	       (c->enter_t == INT64_MIN || fits32(c->key_t - c->enter_t));
}

void tombs_add(struct model *m, const struct call *c)
{
	struct tombs *t = &m->calls.tombs;
	struct tomb *x;
	uint32_t slot;

	if (t->n == t->cap) {
		if (t->cap < TOMB_MAX) {
			tombs_grow(t);
		} else {
			if (t->ring[t->head].queue >= 0)
				t->evicted++;
			tombs_pop(m, t);
		}
	}
	if (t->n == 0)
		t->base = c->key_t;
	slot = ring_slot(t, t->n++);
	x = &t->ring[slot];
	x->key_off = (int32_t)(c->key_t - t->base);
	x->enter_d = c->enter_t == INT64_MIN ? INT32_MIN : (int32_t)(c->key_t - c->enter_t);
	x->hash = c->hash;
	x->queue = (int16_t)c->queue;   /* tombs_fits: below TOMB_QUEUES */
	x->flags = (uint8_t)((c->outcome_seen ? TOMB_OUTCOME : 0) | (c->ended ? TOMB_ENDED : 0)) & 3;
	x->idlen = (uint8_t)c->idlen & 63;   /* id_inline: at most 2 * TOMB_IDB */
	id_inline(c->callid, c->idlen, x->id);   /* tombs_fits: it has a form */
	m->queues[c->queue].ncalls++;   /* the record's call_free takes its own off */
	index_put(t, slot);
}

bool tombs_take(struct model *m, const struct qevent *ev, int32_t qi, uint32_t h,
                struct tomb_call *out)
{
	struct tombs *t = &m->calls.tombs;
	uint32_t mask, home, i;
	char id[TOMB_IDB];

	if (t->n == 0 || !id_inline(ev->callid, ev->callid_len, id))
		return false;
	mask = index_mask(t);
	home = index_home(t, h);
	for (i = home; t->index[i]; i = (i + 1) & mask) {
		if (entry_home(t->index[i]) != home)
			continue;                   /* not this hash: the ring is not read */
		struct tomb *x = &t->ring[entry_slot(t->index[i])];
		if (x->hash == h && x->queue == qi && x->idlen == ev->callid_len &&
		    memcmp(x->id, id, TOMB_IDB) == 0) {
			out->key_t = t->base + x->key_off;
			out->enter_t = x->enter_d == INT32_MIN ? INT64_MIN : out->key_t - x->enter_d;
			out->flags = x->flags;
			index_del(t, i);
			m->queues[qi].ncalls--;
			x->queue = -1;        /* a hole until it reaches the head */
			return true;
		}
	}
	return false;
}

void tombs_prefetch(const struct tombs *t, uint32_t h)
{
	if (t->n)
		__builtin_prefetch(&t->index[index_home(t, h)]);
}

void tombs_expire(struct model *m, int64_t edge)
{
	struct tombs *t = &m->calls.tombs;
	while (t->n && (t->ring[t->head].queue < 0 || t->base + t->ring[t->head].key_off < edge))
		tombs_pop(m, t);
}

void tombs_renumber(struct tombs *t, const int32_t *map)
{
	/* call_hash is the queue's name's: the index stays as it is; queues are
	 * moved down (map[q] <= q), so each still fits */
	for (uint32_t k = 0; k < t->n; k++) {
		struct tomb *x = &t->ring[ring_slot(t, k)];
		if (x->queue >= 0)
			x->queue = (int16_t)map[x->queue];
	}
}

void tombs_free(struct tombs *t)
{
	free(t->ring);
	free(t->index);
	memset(t, 0, sizeof *t);
}
