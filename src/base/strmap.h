/* strmap.h - interning strings to small dense indexes (queue and agent names). */
#ifndef CCBOARD_STRMAP_H
#define CCBOARD_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#define STRMAP_INLINE 12      /* a key's first bytes kept in its slot */

/* A slot of the open-addressing table: the key's hash, length and first
 * bytes beside its index, so that a probe for a short key (a queue, an
 * agent's name) reads the slot alone, and for a longer one the slot and the
 * key's bytes: a line names a queue and an agent, and on a big centre their
 * tables are out of the cache by the next line. 32 bytes. */
struct strmap_slot {
	const char *key;      /* keys[ix], NULL: empty */
	uint32_t hash;
	int32_t ix;
	uint32_t len;
	char head[STRMAP_INLINE];   /* the key's first bytes, zero past its end */
};

#define STRMAP_CELL 16        /* a key of up to 15 bytes is a cell of a block */

struct strmap_block;

/* Keys of up to STRMAP_CELL bytes with their NUL ("Agent 7347") are cells
 * of blocks of this map's own rather than malloc chunks of 32 bytes each:
 * half the bytes for a big centre's 10,000 agents. A cell let go of is
 * taken again by the next short key. */
struct strmap {
	char **keys;          /* index -> owned copy of the key */
	size_t count, cap;
	struct strmap_slot *slots;
	size_t nslots;        /* power of two */
	struct strmap_block *blocks;
	char *cell_free;      /* cells let go of, linked through their first bytes */
	size_t cell_left;     /* cells of the newest block never handed out */
};

void strmap_init(struct strmap *m);
void strmap_free(struct strmap *m);
/* Returns the index of key, or -1. */
int32_t strmap_find(const struct strmap *m, const char *key);
/* The same for a key whose length and strmap_hash_n are known already. */
int32_t strmap_find_n(const struct strmap *m, const char *key, size_t len, uint32_t hash);
/* Returns the index of key, adding a copy of it when new. */
int32_t strmap_intern(struct strmap *m, const char *key);
/* The same for a key whose length and strmap_hash_n are known already. */
int32_t strmap_intern_n(struct strmap *m, const char *key, size_t len, uint32_t hash);
/* Drops and renumbers keys: map[i] is key i's new index, or -1 to drop it
 * (handed to drop, which owns it then, to let go of with strmap_key_free;
 * let go of at once when drop is NULL). Kept keys must keep their order:
 * map[i] < map[j] for i < j. */
void strmap_compact(struct strmap *m, const int32_t *map,
                    void (*drop)(void *ctx, char *key), void *ctx);
/* Lets go of key, dropped from m (strmap_compact's drop) and held since. */
void strmap_key_free(struct strmap *m, char *key);
/* Starts fetching the slot where a key of this hash is looked for first. */
static inline void strmap_prefetch(const struct strmap *m, uint32_t hash)
{
	if (m->nslots)
		__builtin_prefetch(&m->slots[hash & (m->nslots - 1)]);
}
/* A 32-bit hash of len bytes of s (not stable across builds or machines). */
uint32_t strmap_hash_n(const char *s, size_t len);
/* strmap_hash_n of a NUL-terminated string. */
uint32_t strmap_hash(const char *s);

#endif
