/* strmap.c - open-addressing string interning. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>
#include "bytes.h"
#include "util.h"

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof *m);
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->count; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->hashes);
	free(m->lens);
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

static size_t probe(const struct strmap *m, const char *key, size_t len, uint32_t h)
{
	size_t mask = m->nslots - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		int32_t ix = m->slots[i];
		if (ix < 0 || (m->hashes[ix] == h && m->lens[ix] == len &&
		               bytes_equal(m->keys[ix], key, len)))
			return i;
	}
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
	return m->slots[probe(m, key, len, hash)];
}

static void rehash(struct strmap *m, size_t nslots)
{
	free(m->slots);
	m->nslots = nslots;
	m->slots = xmalloc(nslots * sizeof *m->slots);
	memset(m->slots, 0xff, nslots * sizeof *m->slots);
	for (size_t ix = 0; ix < m->count; ix++) {
		size_t mask = nslots - 1, i = m->hashes[ix] & mask;
		while (m->slots[i] >= 0)
			i = (i + 1) & mask;
		m->slots[i] = (int32_t)ix;
	}
}

int32_t strmap_intern(struct strmap *m, const char *key)
{
	size_t len = strlen(key);
	return strmap_intern_n(m, key, len, strmap_hash_n(key, len));
}

int32_t strmap_intern_n(struct strmap *m, const char *key, size_t len, uint32_t h)
{
	size_t slot;

	if ((m->count + 1) * 2 > m->nslots)
		rehash(m, m->nslots ? m->nslots * 2 : 16);
	slot = probe(m, key, len, h);
	if (m->slots[slot] >= 0)
		return m->slots[slot];
	if (m->count == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->keys = xrealloc(m->keys, m->cap * sizeof *m->keys);
		m->hashes = xrealloc(m->hashes, m->cap * sizeof *m->hashes);
		m->lens = xrealloc(m->lens, m->cap * sizeof *m->lens);
	}
	m->keys[m->count] = xmalloc(len + 1);
	memcpy(m->keys[m->count], key, len);
	m->keys[m->count][len] = '\0';
	m->hashes[m->count] = h;
	m->lens[m->count] = (uint32_t)len;
	m->slots[slot] = (int32_t)m->count;
	return (int32_t)m->count++;
}

void strmap_compact(struct strmap *m, const int32_t *map)
{
	size_t n = 0, nslots = 16;

	for (size_t i = 0; i < m->count; i++) {
		if (map[i] < 0) {
			free(m->keys[i]);
			continue;
		}
		m->keys[n] = m->keys[i];
		m->hashes[n] = m->hashes[i];
		m->lens[n] = m->lens[i];
		n++;
	}
	m->count = n;
	while ((n + 1) * 2 > nslots)
		nslots *= 2;
	rehash(m, nslots);          /* smaller again once many names are gone */
}
