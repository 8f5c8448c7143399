/* strmap.c - open-addressing string interning. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>
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
	free(m->slots);
	memset(m, 0, sizeof *m);
}

uint32_t strmap_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static size_t probe(const struct strmap *m, const char *key, uint32_t h)
{
	size_t mask = m->nslots - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		int32_t ix = m->slots[i];
		if (ix < 0 || (m->hashes[ix] == h && strcmp(m->keys[ix], key) == 0))
			return i;
	}
}

int32_t strmap_find(const struct strmap *m, const char *key)
{
	if (m->nslots == 0)
		return -1;
	return m->slots[probe(m, key, strmap_hash(key))];
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
	uint32_t h = strmap_hash(key);
	size_t slot;

	if ((m->count + 1) * 2 > m->nslots)
		rehash(m, m->nslots ? m->nslots * 2 : 16);
	slot = probe(m, key, h);
	if (m->slots[slot] >= 0)
		return m->slots[slot];
	if (m->count == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->keys = xrealloc(m->keys, m->cap * sizeof *m->keys);
		m->hashes = xrealloc(m->hashes, m->cap * sizeof *m->hashes);
	}
	m->keys[m->count] = xstrdup(key);
	m->hashes[m->count] = h;
	m->slots[slot] = (int32_t)m->count;
	return (int32_t)m->count++;
}
