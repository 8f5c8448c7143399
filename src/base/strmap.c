/* strmap.c - open-addressing string interning. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>
#include "bytes.h"
#include "util.h"

#define STRMAP_BLOCK_CELLS 255   /* a block of 4 KB with its link */

struct strmap_block {
	struct strmap_block *next;
	_Alignas(8) char cell[STRMAP_BLOCK_CELLS][STRMAP_CELL];
};

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof *m);
}

/* Room for a key of size bytes (its NUL included). */
static char *key_alloc(struct strmap *m, size_t size)
{
	char *c;
	if (size > STRMAP_CELL)
		return xmalloc(size);
	if (m->cell_free) {
		c = m->cell_free;
		memcpy(&m->cell_free, c, sizeof m->cell_free);
		return c;
	}
	if (m->cell_left == 0) {
		struct strmap_block *b = xmalloc(sizeof *b);
		b->next = m->blocks;
		m->blocks = b;
		m->cell_left = STRMAP_BLOCK_CELLS;
	}
	return m->blocks->cell[--m->cell_left];
}

void strmap_key_free(struct strmap *m, char *key)
{
	if (strlen(key) + 1 > STRMAP_CELL) {
		free(key);
		return;
	}
	memcpy(key, &m->cell_free, sizeof m->cell_free);
	m->cell_free = key;
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->count; i++)
		if (strlen(m->keys[i]) + 1 > STRMAP_CELL)
			free(m->keys[i]);
	while (m->blocks) {
		struct strmap_block *b = m->blocks;
		m->blocks = b->next;
		free(b);
	}
	free(m->keys);
	free(m->slots);
	memset(m, 0, sizeof *m);
}

/* Eight bytes at a time: each word is folded in by xor and a multiply by an odd
 * constant (a bijection, so strings differing in one word cannot collide), then
 * murmur3's finaliser spreads the high bits into the low ones used as slots.
 * Names and call ids are 5-20 bytes: 1-3 words instead of 5-20 byte steps. */
uint32_t strmap_hash_n(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
	}
	w = 0;                    /* the tail, in registers (no store-forwarding stall) */
	for (size_t i = 0; i < len; i++)
		w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	h = (h ^ w) * 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 33;
	return (uint32_t)h;
}

uint32_t strmap_hash(const char *s)
{
	return strmap_hash_n(s, strlen(s));
}

/* The slot of key, or the empty slot where it would go. A key has no NUL
 * byte: equal first len bytes and a NUL after them make it the same key. */
static struct strmap_slot *probe(const struct strmap *m, const char *key, size_t len,
                                 uint32_t h)
{
	size_t mask = m->nslots - 1, nhead = len < STRMAP_INLINE ? len : STRMAP_INLINE;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct strmap_slot *sl = &m->slots[i];
		if (sl->key == NULL ||
		    (sl->hash == h && sl->len == len && bytes_equal(sl->head, key, nhead) &&
		     (len <= STRMAP_INLINE ||
		      bytes_equal(sl->key + STRMAP_INLINE, key + STRMAP_INLINE, len - STRMAP_INLINE))))
			return sl;
	}
}

/* The slot of key k (len bytes, hash h) at index ix. */
static struct strmap_slot slot_of(const char *k, size_t len, uint32_t h, int32_t ix)
{
	struct strmap_slot sl = { .key = k, .hash = h, .ix = ix, .len = (uint32_t)len };
	memcpy(sl.head, k, len < STRMAP_INLINE ? len : STRMAP_INLINE);
	return sl;
}

int32_t strmap_find(const struct strmap *m, const char *key)
{
	size_t len = strlen(key);
	return strmap_find_n(m, key, len, strmap_hash_n(key, len));
}

int32_t strmap_find_n(const struct strmap *m, const char *key, size_t len, uint32_t hash)
{
	if (m->nslots == 0)
		return -1;
	const struct strmap_slot *sl = probe(m, key, len, hash);
	return sl->key ? sl->ix : -1;
}

/* A table of nslots slots holding keys 0..count-1, whose hashes are those of
 * the slots of the table it replaces (or made again: compacting). */
static void rehash(struct strmap *m, size_t nslots, const uint32_t *hashes)
{
	struct strmap_slot *old = m->slots;
	size_t nold = m->nslots, mask = nslots - 1;

	m->slots = xcalloc(nslots, sizeof *m->slots);
	m->nslots = nslots;
	for (size_t k = 0; k < (hashes ? m->count : nold); k++) {
		struct strmap_slot sl = hashes
			? slot_of(m->keys[k], strlen(m->keys[k]), hashes[k], (int32_t)k) : old[k];
		if (sl.key == NULL)
			continue;
		size_t i = sl.hash & mask;
		while (m->slots[i].key)
			i = (i + 1) & mask;
		m->slots[i] = sl;
	}
	free(old);
}

int32_t strmap_intern(struct strmap *m, const char *key)
{
	size_t len = strlen(key);
	return strmap_intern_n(m, key, len, strmap_hash_n(key, len));
}

int32_t strmap_intern_n(struct strmap *m, const char *key, size_t len, uint32_t h)
{
	struct strmap_slot *sl;
	char *copy;

	if ((m->count + 1) * 4 > m->nslots * 3)      /* at most three quarters full */
		rehash(m, m->nslots ? m->nslots * 2 : 16, NULL);
	sl = probe(m, key, len, h);
	if (sl->key)
		return sl->ix;
	if (m->count == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->keys = xrealloc(m->keys, m->cap * sizeof *m->keys);
	}
	copy = key_alloc(m, len + 1);
	memcpy(copy, key, len);
	copy[len] = '\0';
	m->keys[m->count] = copy;
	*sl = slot_of(copy, len, h, (int32_t)m->count);
	return (int32_t)m->count++;
}

void strmap_compact(struct strmap *m, const int32_t *map,
                    void (*drop)(void *ctx, char *key), void *ctx)
{
	size_t n = 0, nslots = 16;
	uint32_t *hashes = xmalloc((m->count ? m->count : 1) * sizeof *hashes);

	for (size_t i = 0; i < m->count; i++) {
		if (map[i] < 0) {
			if (drop)
				drop(ctx, m->keys[i]);
			else
				strmap_key_free(m, m->keys[i]);
			continue;
		}
		m->keys[n] = m->keys[i];
		hashes[n] = strmap_hash(m->keys[n]);
		n++;
	}
	m->count = n;
	while ((n + 1) * 4 > nslots * 3)
		nslots *= 2;
	rehash(m, nslots, hashes);          /* smaller again once many names are gone */
	free(hashes);
}
