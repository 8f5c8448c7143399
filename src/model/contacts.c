/* contacts.c - contacts on every channel (SPEC 6.2, 6.3): what each contact
 * event does, the voice calls as contacts, the counts of today and of the
 * rolling window per channel, per queue and in total, customers' histories
 * for repeats, pivots and journeys, and forgetting. The JSON is in
 * contacts_json.c. */
#include "contacts_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "bytes.h"
#include "textsafe.h"
#include "util.h"

/* A sweep walks every contact: do it a few dozen times per longest window
 * (at least once a minute, at most once an hour). Forgetting late keeps a
 * little more: repeats, pivots and journeys read times, not what is stored;
 * only a stale open contact stays in the backlog up to that much longer. */
#define SWEEP_MIN_MS 60000
#define SWEEP_MAX_MS 3600000

/* ---- hash tables (open addressing, keyed by a string) ------------------------ */

/* 64 x 64 -> 128 bits, folded: the mixing step of a multiplicative hash. */
static inline uint64_t ht_mix(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 r = (unsigned __int128)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	uint64_t r = a * b;
	return r ^ (r >> 29) ^ (r >> 47);
#endif
}

static inline uint64_t ht_read(const char *s, size_t n)
{
	uint64_t w = 0;
	memcpy(&w, s, n);
	return w;
}

/* The hash of key s: eight bytes at a time, each word multiplied in
 * (wyhash's way); ids and customers are short, so a key is one to three
 * multiplications, not a multiplication per byte. */
static uint32_t ht_hash_n(const char *s, size_t n)
{
	const uint64_t k0 = 0xa0761d6478bd642fu, k1 = 0xe7037ed1a0b428dbu;
	uint64_t h = 0x8ebc6af09c88c6e3u ^ n, w;
	for (; n > 8; s += 8, n -= 8)
		h = ht_mix(ht_read(s, 8) ^ k0, h ^ k1);
	if (n >= 4)                    /* the last 4..8 bytes, as two words that may overlap */
		w = ht_read(s, 4) << 32 | ht_read(s + n - 4, 4);
	else
		w = n ? (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[n / 2] << 8 |
		        (unsigned char)s[n - 1] : 0;
	h = ht_mix(w ^ k0, h ^ k1);
	h = ht_mix(h, k0 ^ 0x589965cc75374cc3u);
	return (uint32_t)(h ^ (h >> 32));
}

static uint32_t ht_hash(const char *s)
{
	return ht_hash_n(s, strlen(s));
}

/* The key of node n of table t. */
static const char *ht_key(const struct htable *t, const struct hnode *n)
{
	return (const char *)n + t->key_off;
}

/* ---- packed keys ---- *
 * A key of digits and ".-_:@+" only (call ids, phone numbers) is kept as KEY_PACKED, its
 * length, then two characters a byte; any other as it is (a key is clean
 * text: it never starts with KEY_PACKED). Packing is the same for every key
 * that can be: a packed key is found by its packed bytes. */
#define KEY_PACKED '\x01'
#define KEY_PACKED_MAX (2 + (CONTACT_TEXT_MAX + 1) / 2)

static const char key_chars[16] = "0123456789.-_:@+";

/* A character's code (low 4 bits), with KEY_OK when it has one (as key_chars). */
#define KEY_OK 0x10
static const unsigned char key_code[256] = {
	['0'] = 0x10, ['1'] = 0x11, ['2'] = 0x12, ['3'] = 0x13, ['4'] = 0x14, ['5'] = 0x15,
	['6'] = 0x16, ['7'] = 0x17, ['8'] = 0x18, ['9'] = 0x19, ['.'] = 0x1a, ['-'] = 0x1b,
	['_'] = 0x1c, [':'] = 0x1d, ['@'] = 0x1e, ['+'] = 0x1f,
};

/* Packs key (n bytes) into out; its size, 0 when it cannot be packed (no
 * branch a character: a node is made once a call, its key packed then). */
static size_t key_pack(const char *key, size_t n, char out[KEY_PACKED_MAX])
{
	const unsigned char *k = (const unsigned char *)key;
	unsigned ok = KEY_OK;
	size_t i = 0;
	if (n == 0 || n > 255)
		return 0;
	for (char *o = out + 2; i + 1 < n; i += 2) {
		unsigned a = key_code[k[i]], b = key_code[k[i + 1]];
		ok &= a & b;
		*o++ = (char)((a & 15) | (b & 15) << 4);
	}
	if (i < n) {
		ok &= key_code[k[i]];
		out[2 + i / 2] = (char)(key_code[k[i]] & 15);
	}
	if (!ok)
		return 0;
	out[0] = KEY_PACKED;
	out[1] = (char)n;
	return 2 + (n + 1) / 2;
}

/* Whether stored key s is key (n bytes, as received): a lookup compares a
 * packed key character by character, packing nothing (only for a node whose
 * hash matched). */
static bool key_equal(const char *s, const char *key, size_t n)
{
	if (s[0] != KEY_PACKED)
		return strcmp(s, key) == 0;   /* key ends at key[n] */
	if ((unsigned char)s[1] != n)
		return false;
	const unsigned char *p = (const unsigned char *)s + 2;
	size_t i = 0;
	for (; i + 1 < n; i += 2, p++)         /* two characters a byte: their pair at once */
		if (key_chars[*p & 15] != key[i] || key_chars[*p >> 4] != key[i + 1])
			return false;
	return i == n || key_chars[*p & 15] == key[i];
}

/* The bytes a stored key takes, its end included. */
static size_t key_size(const char *k)
{
	return k[0] == KEY_PACKED ? 2 + ((size_t)(unsigned char)k[1] + 1) / 2 : strlen(k) + 1;
}

/* Stored key k as text: in place, or unpacked into buf. */
static const char *key_text(const char *k, char buf[CONTACT_TEXT_MAX + 1])
{
	if (k[0] != KEY_PACKED)
		return k;
	size_t n = (unsigned char)k[1];
	for (size_t i = 0; i < n; i++)
		buf[i] = key_chars[(unsigned char)k[2 + i / 2] >> (i % 2 * 4) & 15];
	buf[n] = '\0';
	return buf;
}

const char *contact_id(const struct contact *k, char buf[CONTACT_TEXT_MAX + 1])
{
	return key_text(k->key, buf);
}

const char *customer_key(const struct customer *u, char buf[CONTACT_TEXT_MAX + 1])
{
	return key_text(u->key, buf);
}

/* A slot's hash: a lookup compares it before reading any node. */
static uint32_t slot_hash(uint64_t s)
{
	return (uint32_t)(s >> 32);
}

/* ht_find in a table of packed keys, of key of n bytes. */
static struct hnode *ht_find_packed(const struct htable *t, const char *key, size_t n, uint32_t h)
{
	for (size_t i = h & (t->cap - 1); t->slot[i]; i = (i + 1) & (t->cap - 1))
		if (slot_hash(t->slot[i]) == h) {
			struct hnode *nd = ht_at(t, i);
			if (key_equal(ht_key(t, nd), key, n))
				return nd;
		}
	return NULL;
}

static struct hnode *ht_find(const struct htable *t, const char *key, uint32_t h)
{
	if (!t->cap)
		return NULL;
	if (t->pack)
		return ht_find_packed(t, key, strlen(key), h);
	for (size_t i = h & (t->cap - 1); t->slot[i]; i = (i + 1) & (t->cap - 1))
		if (slot_hash(t->slot[i]) == h) {
			struct hnode *n = ht_at(t, i);
			if (strcmp(ht_key(t, n), key) == 0)
				return n;
		}
	return NULL;
}

/* ht_find of key of n bytes: a key that fits in a node's least size with its
 * NUL is compared a word at a time, NUL included (never past the node). */
static struct hnode *ht_find_n(const struct htable *t, const char *key, size_t n, uint32_t h)
{
	if (t->pack && t->cap)
		return ht_find_packed(t, key, n, h);
	if (t->key_off + n + 1 > t->node_size)
		return ht_find(t, key, h);
	if (!t->cap)
		return NULL;
	for (size_t i = h & (t->cap - 1); t->slot[i]; i = (i + 1) & (t->cap - 1))
		if (slot_hash(t->slot[i]) == h) {
			struct hnode *nd = ht_at(t, i);
			if (bytes_equal(ht_key(t, nd), key, n + 1))
				return nd;
		}
	return NULL;
}

/* ---- pools ------------------------------------------------------------------- */


static size_t pool_round(size_t size)
{
	return (size + 7) & ~(size_t)7;
}

/* size bytes (not zeroed) from p; *handle (when asked): how the tables name it. */
static void *pool_get(struct ct_pool *p, size_t size, uint32_t *handle)
{
	size = pool_round(size);
	p->used += size;
	if (size > POOL_MAX_SIZE) {      /* long lists only, never a node */
		p->n_big++;
		return xmalloc(size);
	}
	void **head = &p->free[size / 8];
	if (*head) {
		char *r = *head;
		memcpy(head, r, sizeof *head);
		if (handle)
			memcpy(handle, r + sizeof *head, sizeof *handle);
		return r;
	}
	if (p->left < size) {
		if (p->n_chunks == p->cap_chunks) {
			p->cap_chunks = p->cap_chunks ? p->cap_chunks * 2 : 16;
			p->chunks = xrealloc(p->chunks, p->cap_chunks * sizeof *p->chunks);
		}
		if (p->n_chunks + 1 >= (size_t)1 << (32 - POOL_OFF_BITS))
			fatal("contacts: the store's pool is full");
		p->bump = p->chunks[p->n_chunks++] = xmalloc(POOL_CHUNK);
		p->left = POOL_CHUNK;      /* the old chunk's tail (< 320 bytes) stays unused */
	}
	char *r = p->bump;
	if (handle)
		*handle = (uint32_t)p->n_chunks << POOL_OFF_BITS |
		          (uint32_t)((size_t)(r - p->chunks[p->n_chunks - 1]) >> 3);
	p->bump += size;
	p->left -= size;
	return r;
}

/* Gives back r, of size bytes (named handle; 0 for a list), to p. */
static void pool_put(struct ct_pool *p, void *r, size_t size, uint32_t handle)
{
	size = pool_round(size);
	p->used -= size;
	if (size > POOL_MAX_SIZE) {
		p->n_big--;
		free(r);
		return;
	}
	memcpy(r, &p->free[size / 8], sizeof(void *));
	memcpy((char *)r + sizeof(void *), &handle, sizeof handle);
	p->free[size / 8] = r;
}

static void pool_free(struct ct_pool *p)
{
	for (size_t i = 0; i < p->n_chunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	memset(p, 0, sizeof *p);
}

/* The size of node n of table t. */
static size_t node_size(const struct htable *t, const struct hnode *n)
{
	size_t len = t->pack ? key_size(ht_key(t, n)) : strlen(ht_key(t, n)) + 1;
	return t->key_off + len > t->node_size ? t->key_off + len : t->node_size;
}

/* A zeroed node for table t, with key (hashed h) at its end. */
static void *node_new(struct htable *t, const char *key, uint32_t h)
{
	char p[KEY_PACKED_MAX];
	size_t len = strlen(key) + 1, ps;
	if (t->pack && (ps = key_pack(key, len - 1, p)) > 0) {
		key = p;
		len = ps;
	}
	size_t size = t->key_off + len > t->node_size ? t->key_off + len : t->node_size;
	uint32_t handle = 0;            /* set by pool_get: a node is never a big block */
	struct hnode *n = pool_get(&t->pool, size, &handle);
	memset(n, 0, size);
	memcpy((char *)n + t->key_off, key, len);
	n->hash = h;
	n->handle = handle;
	return n;
}

_Static_assert(CONTACT_NODE_MIN >= offsetof(struct contact, key) + 2 + 22 / 2 &&
               CUSTOMER_NODE_MIN >= offsetof(struct customer, key) + 2 + 12 / 2,
               "room for common keys (packed)");
_Static_assert(offsetof(struct contact, key) + CONTACT_TEXT_MAX + 1 <= POOL_MAX_SIZE &&
               offsetof(struct customer, key) + CONTACT_TEXT_MAX + 1 <= POOL_MAX_SIZE &&
               offsetof(struct callback, key) + CONTACT_TEXT_MAX + 1 <= POOL_MAX_SIZE,
               "every node is a pool's record");

static void node_free(struct htable *t, struct hnode *n)
{
	pool_put(&t->pool, n, node_size(t, n), n->handle);
}

/* The customer named handle h (a contact's, a journeys neighbour), NULL for 0. */
static struct customer *customer_at(const struct contacts *c, uint32_t h)
{
	return h ? (struct customer *)pool_at(&c->customers.pool, h) : NULL;
}

static struct customer *customer_of(const struct contacts *c, const struct contact *k)
{
	return customer_at(c, k->cust);
}

static void ht_put(uint64_t *slot, size_t cap, uint64_t s)
{
	size_t i = slot_hash(s) & (cap - 1);
	while (slot[i])
		i = (i + 1) & (cap - 1);
	slot[i] = s;
}

static void ht_insert(struct htable *t, struct hnode *n)
{
	/* at most 4/5 full: short probes (hashes compared in the slots); 8
	 * bytes a slot, 10 to 20 a node */
	if ((t->count + 1) * 5 > t->cap * 4) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		uint64_t *slot = xcalloc(cap, sizeof *slot);
		for (size_t i = 0; i < t->cap; i++)
			if (t->slot[i])
				ht_put(slot, cap, t->slot[i]);
		free(t->slot);
		t->slot = slot;
		t->cap = cap;
	}
	ht_put(t->slot, t->cap, (uint64_t)n->hash << 32 | n->handle);
	t->count++;
}

/* Empties slot i, moving back the ones after it that belong before it
 * (linear probing without tombstones): a walk of the slots that removes
 * looks at slot i again. */
static void ht_remove_at(struct htable *t, size_t i)
{
	size_t mask = t->cap - 1;
	for (size_t j = (i + 1) & mask; t->slot[j]; j = (j + 1) & mask) {
		size_t home = slot_hash(t->slot[j]) & mask;
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;           /* its home is between: it stays */
		t->slot[i] = t->slot[j];
		i = j;
	}
	t->slot[i] = 0;
	t->count--;
}

static void ht_remove(struct htable *t, struct hnode *n)
{
	for (size_t i = n->hash & (t->cap - 1); t->slot[i]; i = (i + 1) & (t->cap - 1))
		if ((uint32_t)t->slot[i] == n->handle) {
			ht_remove_at(t, i);
			return;
		}
}

/* ---- settings -------------------------------------------------------------- */

void contacts_conf_from(struct contacts_conf *cc, const struct config *cfg)
{
	cc->window_s = cfg ? cfg->window_s : 900;
	cc->day_start_min = cfg ? cfg->day_start_min : 0;
	cc->repeat_window_s = cfg ? cfg->defaults.repeat_window_s : 86400;
	cc->pivot_window_s = cfg ? cfg->defaults.pivot_window_s : 86400;
	cc->stale_contact_s = cfg ? cfg->defaults.stale_contact_s : 30 * 86400;
	cc->max_stored = CONTACTS_MAX_STORED;
	cc->max_calls = CONTACTS_MAX_CALLS;
	cc->sweep_every_ms = 0;
	cc->cfg = cfg;
}

/* The first-response target of a channel (SPEC 6.3), in ms: its
 * [channel.NAME] frt_target_s, else [defaults] frt_target_s, else the
 * built-in one of SPEC 6.3. */
static int64_t frt_target_ms(const struct contacts_conf *cc, const char *channel)
{
	static const struct { const char *name; int s; } builtin[] = {
		{"chat", 60}, {"sms", 900}, {"social", 3600}, {"whatsapp", 900}, {"email", 14400}};
	const struct channel_conf *ch = cc->cfg ? config_channel(cc->cfg, channel) : NULL;
	if (ch && ch->frt_target_s > 0)
		return (int64_t)ch->frt_target_s * 1000;
	if (cc->cfg && cc->cfg->defaults.frt_target_s > 0)
		return (int64_t)cc->cfg->defaults.frt_target_s * 1000;
	for (size_t i = 0; i < sizeof builtin / sizeof *builtin; i++)
		if (strcmp(builtin[i].name, channel) == 0)
			return (int64_t)builtin[i].s * 1000;
	return 3600 * 1000;
}

/* A queue's own first-response target ([queue.NAME] frt_target_s), in ms;
 * 0 when it has none (its contacts then take their channel's). */
static int64_t queue_frt_ms(const struct contacts_conf *cc, const char *queue)
{
	if (!cc->cfg)
		return 0;
	for (size_t i = 0; i < cc->cfg->n_queues; i++)
		if (strcmp(cc->cfg->queues[i].name, queue) == 0)
			return (int64_t)cc->cfg->queues[i].frt_target_s * 1000;
	return 0;
}

int64_t contacts_frt_target_ms(const struct contacts *c, enum contacts_scope s, size_t i)
{
	if (s == CS_CHANNEL)
		return c->channels[i].frt_ms;
	if (s == CS_QUEUE)
		return c->queues[i].frt_ms ? c->queues[i].frt_ms
		                           : c->channels[c->queues[i].first_ch].frt_ms;
	return 0;
}

struct contacts *contacts_new(const struct contacts_conf *cc)
{
	struct contacts *c = xcalloc(1, sizeof *c);
	c->conf = *cc;
	c->jl = xcalloc(1, sizeof *c->jl);
	c->contacts.key_off = offsetof(struct contact, key);
	c->customers.key_off = offsetof(struct customer, key);
	c->callbacks.key_off = offsetof(struct callback, key);
	c->contacts.node_size = CONTACT_NODE_MIN;
	c->contacts.pack = true;
	c->customers.pack = true;
	c->customers.node_size = CUSTOMER_NODE_MIN;
	c->callbacks.node_size = sizeof(struct callback);
	strmap_init(&c->queue_names);
	strmap_init(&c->reason_names);
	c->gen = 1;
	c->day_start_ms = INT64_MIN;
	c->min_created_ms = INT64_MAX;
	return c;
}

static void jl_rebuild(struct contacts *c);

void contacts_set_conf(struct contacts *c, const struct contacts_conf *cc)
{
	bool wider = cc->pivot_window_s > c->conf.pivot_window_s;
	c->gen++;
	c->conf = *cc;
	if (wider)           /* customers left out may have journeys now */
		jl_rebuild(c);
	for (int i = 0; i < c->n_channels; i++)
		c->channels[i].frt_ms = frt_target_ms(&c->conf, c->channels[i].name);
	for (int i = 0; i < c->n_queues; i++)
		c->queues[i].frt_ms = queue_frt_ms(&c->conf, c->queues[i].name);
}

/* Room for n contacts in a list: a power of two, at least 4. */
static size_t list_cap(size_t n)
{
	size_t cap = 4;
	while (cap < n)
		cap *= 2;
	return cap;
}

static void customer_free(struct contacts *c, struct customer *u)
{
	if (u->node.aux >= 2)
		pool_put(&c->lists, u->at.many, list_cap(u->node.aux) * sizeof *u->at.many, 0);
	node_free(&c->customers, &u->node);
}

static void callbacks_clear(struct contacts *c)
{
	if (!c->callbacks.count)
		return;
	for (size_t i = 0; i < c->callbacks.cap; i++)
		if (c->callbacks.slot[i]) {
			struct callback *cb = (struct callback *)ht_at(&c->callbacks, i);
			contacts_callback_json_drop(c, cb);
			node_free(&c->callbacks, &cb->node);
		}
	memset(c->callbacks.slot, 0, c->callbacks.cap * sizeof *c->callbacks.slot);
	c->callbacks.count = 0;
}

void contacts_free(struct contacts *c)
{
	if (!c)
		return;
	callbacks_clear(c);
	for (size_t i = 0; i < c->n_json_old; i++)
		free(c->json_old[i]);
	free(c->json_old);
	free(c->cb_sorted);
	free(c->callbacks.slot);
	free(c->calls.a);
	ct_backlog_free(&c->bl);
	free(c->jl->link);
	free(c->jl);
	/* nodes and lists are in the pools: only the few larger lists need a walk */
	for (size_t i = 0; c->lists.n_big && i < c->customers.cap; i++) {
		struct hnode *n = ht_at(&c->customers, i);
		if (n && n->aux >= 2 && list_cap(n->aux) * sizeof(void *) > POOL_MAX_SIZE)
			free(((struct customer *)n)->at.many);
	}
	pool_free(&c->contacts.pool);
	pool_free(&c->customers.pool);
	pool_free(&c->callbacks.pool);
	pool_free(&c->lists);
	free(c->contacts.slot);
	free(c->customers.slot);
	for (int i = 0; i < c->n_channels; i++) {
		free(c->channels[i].name);
		free(c->channels[i].reasons);
	}
	for (int i = 0; i < c->n_queues; i++)
		free(c->queues[i].reasons);
	free(c->total.reasons);
	strmap_free(&c->queue_names);
	strmap_free(&c->reason_names);
	free(c->queues);
	free(c->pairs);
	wring_free(&c->win.t);
	wring_free(&c->win.n);
	wring_free(&c->win.w);
	free(c);
}

/* ---- names ------------------------------------------------------------------ */

static int channel_index(struct contacts *c, const char *name)
{
	for (int i = 0; i < c->n_channels; i++)
		if (strcmp(c->channels[i].name, name) == 0)
			return i;
	if (c->n_channels >= CONTACTS_MAX_CHANNELS)
		return -1;
	struct ct_scope *s = &c->channels[c->n_channels];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	s->frt_ms = frt_target_ms(&c->conf, name);
	return c->n_channels++;
}

static int queue_index(struct contacts *c, const char *name, int ch)
{
	int32_t found = strmap_find(&c->queue_names, name);
	if (found >= 0)
		return found;
	if (c->n_queues >= CONTACTS_MAX_QUEUES)
		return -1;
	if (c->n_queues == c->cap_queues) {
		c->cap_queues = c->cap_queues ? c->cap_queues * 2 : 16;
		c->queues = xrealloc(c->queues, (size_t)c->cap_queues * sizeof *c->queues);
	}
	struct ct_scope *s = &c->queues[c->n_queues];
	memset(s, 0, sizeof *s);
	int32_t at = strmap_intern(&c->queue_names, name);   /* may move keys */
	s->name = c->queue_names.keys[at];
	s->frt_ms = queue_frt_ms(&c->conf, name);
	s->first_ch = (int16_t)ch;
	return c->n_queues++;
}

static int reason_index(struct contacts *c, const char *name)
{
	int32_t found = strmap_find(&c->reason_names, name);
	if (found >= 0)
		return found;
	if (c->n_reasons >= CONTACTS_MAX_REASONS)
		return -1;
	int32_t at = strmap_intern(&c->reason_names, name);   /* may move keys */
	c->reasons[c->n_reasons] = c->reason_names.keys[at];
	return c->n_reasons++;
}

static int pair_index(struct contacts *c, int a, int b)
{
	for (int i = 0; i < c->n_pairs; i++)
		if (c->pairs[i].a == a && c->pairs[i].b == b)
			return i;
	if (c->n_pairs == c->cap_pairs) {
		c->cap_pairs = c->cap_pairs ? c->cap_pairs * 2 : 16;
		c->pairs = xrealloc(c->pairs, (size_t)c->cap_pairs * sizeof *c->pairs);
	}
	c->pairs[c->n_pairs] = (struct ct_pair){.a = a, .b = b};
	return c->n_pairs++;
}

/* ---- counting ------------------------------------------------------------------ */

static void tally_add(struct contacts *c, int ch, int q, int field, int64_t v, bool today,
                      bool window)
{
	if (today) {
		c->channels[ch].today.v[field] += v;
		c->queues[q].today.v[field] += v;
		c->total.today.v[field] += v;
	}
	if (window) {
		c->channels[ch].window.v[field] += v;
		c->queues[q].window.v[field] += v;
		c->total.window.v[field] += v;
	}
}

_Static_assert(sizeof(struct ct_rec) == 8, "a window's record is 8 bytes");
_Static_assert(CONTACTS_MAX_QUEUES <= 1 << 10 && CONTACTS_MAX_CHANNELS <= 1 << 6 &&
               CT_MASKS <= 1 << 6, "a narrow record holds every queue, channel and mask");

static void nrec_store(unsigned char *p, struct ct_nrec n)
{
	uint32_t v = (uint32_t)n.q | (uint32_t)n.ch << 10 | (uint32_t)n.mask << 16;
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
}

static struct ct_nrec nrec_load(const unsigned char *p)
{
	uint32_t v = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
	return (struct ct_nrec){ .q = v & 1023, .ch = v >> 10 & 63, .mask = v >> 16 & 63 };
}

/* A tiny record: a narrow one of channel ch (the tiny ring's) without it. */
static void trec_store(unsigned char *p, struct ct_nrec n)
{
	uint32_t v = (uint32_t)n.q | (uint32_t)n.mask << 10;
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static struct ct_nrec trec_load(const unsigned char *p, int ch)
{
	uint32_t v = p[0] | (uint32_t)p[1] << 8;
	return (struct ct_nrec){ .q = v & 1023, .ch = (uint32_t)ch, .mask = v >> 10 & 63 };
}

/* The index of unit mask v among the window's (added when new), -1: no room. */
static int mask_index(struct ct_window *w, uint32_t v)
{
	return wring_code_index(w->masks, &w->nmasks, CT_MASKS, v);
}

/* Unit r at t joins the latest narrow or tiny record when it is of the same
 * time and scope and does not count that field yet; false when it cannot. */
static bool unit_join(struct ct_window *w, const struct ct_rec *r, int64_t t)
{
	struct ct_nrec l;
	int k;
	if (!w->last || w->last_t != t)
		return false;
	l = w->last_bytes == CT_TREC_BYTES ? trec_load(w->last, w->tch - 1) : nrec_load(w->last);
	if (l.q != (uint32_t)r->q || l.ch != (uint32_t)r->ch || (w->masks[l.mask] & (uint32_t)r->v) ||
	    (k = mask_index(w, w->masks[l.mask] | (uint32_t)r->v)) < 0)
		return false;
	l.mask = (uint32_t)k;
	if (w->last_bytes == CT_TREC_BYTES)
		trec_store(w->last, l);
	else
		nrec_store(w->last, l);
	return true;
}

/* Adds r at time t to the window's records: a unit tiny or narrow when it
 * can be. Lines of several sources may come a little out of time order: the
 * rings keep time order, so each record leaves the window when its time does
 * (the rings' records are sums: which ring a record is in does not matter). */
static void rec_push(struct contacts *c, const struct ct_rec *r, int64_t t)
{
	struct ct_window *w = &c->win;
	int k;
	if (r->field == REC_UNITS) {
		if (unit_join(w, r, t))
			return;
		if ((k = mask_index(w, (uint32_t)r->v)) >= 0) {
			struct ct_nrec l = { .q = (uint32_t)r->q, .ch = (uint32_t)r->ch,
			                     .mask = (uint32_t)k };
			unsigned char n[CT_NREC_BYTES];
			if (!w->tch)
				w->tch = (uint8_t)(r->ch + 1);
			if (w->tch == r->ch + 1) {
				trec_store(n, l);
				if (w->t.esz == 0)
					wring_init(&w->t, CT_TREC_BYTES);
				w->last = wring_add(&w->t, t, n);
				w->last_bytes = CT_TREC_BYTES;
			} else {
				nrec_store(n, l);
				if (w->n.esz == 0)
					wring_init(&w->n, CT_NREC_BYTES);
				w->last = wring_add(&w->n, t, n);
				w->last_bytes = CT_NREC_BYTES;
			}
			w->last_t = t;
			return;
		}
	}
	if (w->w.esz == 0)
		wring_init(&w->w, sizeof *r);
	wring_add(&w->w, t, r);
}

static bool in_today(const struct contacts *c, int64_t t)
{
	return c->day_start_ms != INT64_MIN && t >= c->day_start_ms;
}

static bool in_window(const struct contacts *c, int64_t t)
{
	return t > c->now_ms - (int64_t)c->conf.window_s * 1000 && t <= c->now_ms;
}

_Static_assert(CT_COUNT <= 31, "a record's unit mask holds every count");

/* Counts v in field at t for channel ch, queue q and the total. */
static void count(struct contacts *c, int64_t t, int ch, int q, int field, int64_t v)
{
	bool w = in_window(c, t);
	tally_add(c, ch, q, field, v, in_today(c, t), w);
	if (!w)
		return;
	struct ct_rec r = {.ch = (int8_t)ch, .q = (int16_t)q};
	if (v == 1) {
		r.field = REC_UNITS;
		r.v = (int32_t)(1u << field);
		rec_push(c, &r, t);
		return;
	}
	r.field = (int8_t)field;
	while (v) {             /* sums of ms may pass 32 bits: in parts */
		r.v = v > INT32_MAX ? INT32_MAX : v < -INT32_MAX ? -INT32_MAX : (int32_t)v;
		v -= r.v;
		rec_push(c, &r, t);
	}
}

/* Counts v pivots of pair at t; unans: while the earlier contact was unanswered. */
static void count_pair(struct contacts *c, int64_t t, int pair, bool unans, int64_t v)
{
	struct ct_pair *p = &c->pairs[pair];
	if (in_today(c, t)) {
		p->today += v;
		p->unans_today += unans ? v : 0;
	}
	if (in_window(c, t)) {
		p->window += v;
		p->unans_window += unans ? v : 0;
		rec_push(c, &(struct ct_rec){.q = (int16_t)pair, .field = unans ? REC_PAIR_UNANS : REC_PAIR,
		                             .v = (int32_t)v}, t);
	}
}

/* s's counts by reason, made on the first. */
static uint32_t *scope_reasons(struct ct_scope *s)
{
	if (!s->reasons)
		s->reasons = xcalloc(CONTACTS_MAX_REASONS, sizeof *s->reasons);
	return s->reasons;
}

static void scope_reasons_clear(struct ct_scope *s)
{
	if (s->reasons)
		memset(s->reasons, 0, CONTACTS_MAX_REASONS * sizeof *s->reasons);
}

static void count_reason(struct contacts *c, int64_t t, int ch, int q, const char *reason)
{
	int r;
	if (!reason || !in_today(c, t) || (r = reason_index(c, reason)) < 0)
		return;
	scope_reasons(&c->channels[ch])[r]++;
	scope_reasons(&c->queues[q])[r]++;
	scope_reasons(&c->total)[r]++;
}

/* ---- the clock ------------------------------------------------------------------- */

/* A record leaving the window: its counts taken back. */
static void rec_drop(struct contacts *c, const struct ct_rec *r)
{
	if (r->field == REC_UNITS) {
		for (uint32_t m = (uint32_t)r->v; m; m &= m - 1)    /* each bit set */
			tally_add(c, r->ch, r->q, __builtin_ctz(m), -1, false, true);
	} else if (r->field < 0) {
		c->pairs[r->q].window -= r->v;
		c->pairs[r->q].unans_window -= r->field == REC_PAIR_UNANS ? r->v : 0;
	} else
		tally_add(c, r->ch, r->q, r->field, -r->v, false, true);
}

static void drop_wide(void *ctx, void *rec, int64_t t)
{
	(void)t;
	rec_drop(ctx, rec);
}

static void drop_unit(struct contacts *c, struct ct_nrec n)
{
	struct ct_rec r = { .v = (int32_t)c->win.masks[n.mask], .q = (int16_t)n.q,
	                    .ch = (int8_t)n.ch, .field = REC_UNITS };
	rec_drop(c, &r);
}

static void drop_narrow(void *ctx, void *rec, int64_t t)
{
	(void)t;
	drop_unit(ctx, nrec_load(rec));
}

static void drop_tiny(void *ctx, void *rec, int64_t t)
{
	struct contacts *c = ctx;
	(void)t;
	drop_unit(c, trec_load(rec, c->win.tch - 1));
}

static void roll_window(struct contacts *c)
{
	int64_t edge = c->now_ms - (int64_t)c->conf.window_s * 1000;
	c->win.last = NULL;
	wring_expire(&c->win.t, edge, drop_tiny, c);
	wring_expire(&c->win.n, edge, drop_narrow, c);
	wring_expire(&c->win.w, edge, drop_wide, c);
}

static void new_day(struct contacts *c, int64_t start_ms)
{
	c->day_start_ms = start_ms;
	for (int i = 0; i < c->n_channels; i++) {
		memset(&c->channels[i].today, 0, sizeof c->channels[i].today);
		scope_reasons_clear(&c->channels[i]);
	}
	for (int i = 0; i < c->n_queues; i++) {
		memset(&c->queues[i].today, 0, sizeof c->queues[i].today);
		scope_reasons_clear(&c->queues[i]);
	}
	memset(&c->total.today, 0, sizeof c->total.today);
	scope_reasons_clear(&c->total);
	for (int i = 0; i < c->n_pairs; i++)
		c->pairs[i].today = c->pairs[i].unans_today = 0;
	callbacks_clear(c);       /* today's callers only */
}

static int64_t keep_ms(const struct contacts *c)
{
	int64_t k = c->conf.repeat_window_s > c->conf.pivot_window_s ? c->conf.repeat_window_s
	                                                              : c->conf.pivot_window_s;
	return k * 1000;
}


/* The list room from n contacts to cap (their pointers) in c's customers' pool. */
static struct contact **list_move(struct contacts *c, struct contact **from, size_t n,
                                  size_t was_cap, size_t cap)
{
	struct contact **to = pool_get(&c->lists, cap * sizeof *to, NULL);
	memcpy(to, from, n * sizeof *to);
	if (was_cap)
		pool_put(&c->lists, from, was_cap * sizeof *from, 0);
	return to;
}

/* Makes room in u's list for one contact more; returns the list, where the
 * caller puts it before counting it in node.aux. */
static struct contact **customer_grow(struct contacts *c, struct customer *u)
{
	size_t n = u->node.aux;
	if (n == 0)
		return &u->at.one;
	if (n == 1)
		u->at.many = list_move(c, &u->at.one, 1, 0, list_cap(2));
	else if (list_cap(n + 1) > list_cap(n))
		u->at.many = list_move(c, u->at.many, n, list_cap(n), list_cap(n + 1));
	return u->at.many;
}

/* u's list held was contacts and now holds node.aux: gives back the room. */
static void customer_shrink(struct contacts *c, struct customer *u, size_t was)
{
	size_t n = u->node.aux;
	if (was < 2)
		return;
	if (n <= 1) {
		struct contact **many = u->at.many;
		u->at.one = n ? many[0] : NULL;
		pool_put(&c->lists, many, list_cap(was) * sizeof *many, 0);
	} else if (list_cap(n) < list_cap(was)) {
		u->at.many = list_move(c, u->at.many, n, list_cap(was), list_cap(n));
	}
}

/* ---- journeys (SPEC 6.3) ------------------------------------------------------ */

static int64_t customer_last_ms(const struct customer *u)
{
	return customer_list(u)[u->node.aux - 1]->created_ms;
}

/* The first of u's contacts created after edge (its list is in created order). */
static size_t customer_from(const struct customer *u, int64_t edge)
{
	size_t lo = 0, hi = u->node.aux;
	struct contact *const *list = customer_list(u);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (list[mid]->created_ms <= edge)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether u has contacts on two channels or more created after edge: the
 * contact just before the last run on one channel is after edge. Constant
 * time, so a caller ID behind a million calls costs no walk per call. */
static bool customer_multi(const struct customer *u, int64_t edge)
{
	size_t n = u->node.aux;
	return n > u->run && customer_list(u)[n - u->run - 1]->created_ms > edge;
}

/* Counts u's last contacts on the last one's channel again (after its list
 * changed other than at its end). */
static void customer_run_count(struct customer *u)
{
	size_t n = u->node.aux, r = n ? 1 : 0;
	struct contact *const *list = customer_list(u);
	while (r < n && list[n - r - 1]->ch == list[n - 1]->ch)
		r++;
	u->run = (uint32_t)r;
}

/* Whether u comes before v in the journeys' order (latest contact newest first, then key). */
static bool jl_before(const struct customer *u, const struct customer *v)
{
	int64_t a = customer_last_ms(u), b = customer_last_ms(v);
	char ku[CONTACT_TEXT_MAX + 1], kv[CONTACT_TEXT_MAX + 1];
	return a != b ? a > b : strcmp(customer_key(u, ku), customer_key(v, kv)) < 0;
}

/* ---- the journeys' links: beside the customers, by handle ---- */

/* u's first slot among cap (a power of two). */
static size_t jlink_slot(uint32_t u, size_t cap)
{
	return (u * 2654435761u) & (cap - 1);
}

static size_t jlink_home(const struct ct_journeys *jl, uint32_t u)
{
	return jlink_slot(u, jl->cap);
}

/* u's links, NULL when u is not in the list. */
static struct ct_jlink *jlink_find(const struct ct_journeys *jl, uint32_t u)
{
	if (!jl->cap)
		return NULL;
	for (size_t i = jlink_home(jl, u);; i = (i + 1) & (jl->cap - 1)) {
		if (jl->link[i].u == u)
			return &jl->link[i];
		if (!jl->link[i].u)
			return NULL;
	}
}

static void jlink_put(struct ct_jlink *link, size_t cap, struct ct_jlink e)
{
	size_t i = jlink_slot(e.u, cap);
	while (link[i].u)
		i = (i + 1) & (cap - 1);
	link[i] = e;
}

/* A slot for u's links (not in the list yet), at most half the slots used. */
static struct ct_jlink *jlink_add(struct ct_journeys *jl, uint32_t u)
{
	if ((jl->n + 1) * 2 > jl->cap) {
		size_t cap = jl->cap ? jl->cap * 2 : 64;
		struct ct_jlink *link = xcalloc(cap, sizeof *link);
		for (size_t i = 0; i < jl->cap; i++)
			if (jl->link[i].u)
				jlink_put(link, cap, jl->link[i]);
		free(jl->link);
		jl->link = link;
		jl->cap = cap;
	}
	jlink_put(jl->link, jl->cap, (struct ct_jlink){u, 0, 0});
	return jlink_find(jl, u);
}

/* Empties e's slot, moving back the ones after it that belong before it. */
static void jlink_del(struct ct_journeys *jl, struct ct_jlink *e)
{
	size_t mask = jl->cap - 1, i = (size_t)(e - jl->link);
	for (size_t j = (i + 1) & mask; jl->link[j].u; j = (j + 1) & mask) {
		size_t home = jlink_home(jl, jl->link[j].u);
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		jl->link[i] = jl->link[j];
		i = j;
	}
	jl->link[i].u = 0;
}

/* u's neighbour before (after: next) in the list, NULL for none (u in it). */
static struct customer *jl_prev(const struct contacts *c, const struct customer *u)
{
	return customer_at(c, jlink_find(c->jl, u->node.handle)->prev);
}

static struct customer *jl_next(const struct contacts *c, const struct customer *u)
{
	return customer_at(c, jlink_find(c->jl, u->node.handle)->next);
}

static bool jl_has(const struct contacts *c, const struct customer *u)
{
	return jlink_find(c->jl, u->node.handle) != NULL;
}

/* Makes prev and next neighbours (NULL: the head or the tail end). */
static void jl_link(const struct contacts *c, struct customer *prev, struct customer *next)
{
	struct ct_journeys *jl = c->jl;
	if (next) jlink_find(jl, next->node.handle)->prev = prev ? prev->node.handle : 0;
	else jl->tail = prev;
	if (prev) jlink_find(jl, prev->node.handle)->next = next ? next->node.handle : 0;
	else jl->head = next;
}

static void jl_remove(const struct contacts *c, struct customer *u)
{
	struct ct_jlink *e = jlink_find(c->jl, u->node.handle);
	if (!e)
		return;
	struct customer *prev = customer_at(c, e->prev), *next = customer_at(c, e->next);
	jlink_del(c->jl, e);
	jl_link(c, prev, next);
	c->jl->n--;
}

/* Puts u in its place, walking from the nearer end (a new contact is the newest: the head). */
static void jl_insert(const struct contacts *c, struct customer *u)
{
	struct ct_journeys *jl = c->jl;
	struct customer *after = NULL;      /* u goes after this one (NULL: at the head) */
	int64_t last = customer_last_ms(u);
	if (jl->head && last >= customer_last_ms(jl->head) / 2 + customer_last_ms(jl->tail) / 2) {
		for (struct customer *x = jl->head; x && jl_before(x, u); x = jl_next(c, x))
			after = x;
	} else if (jl->head) {
		after = jl->tail;
		while (after && jl_before(u, after))
			after = jl_prev(c, after);
	}
	struct customer *next = after ? jl_next(c, after) : jl->head;
	struct ct_jlink *e = jlink_add(jl, u->node.handle);
	e->prev = after ? after->node.handle : 0;
	e->next = next ? next->node.handle : 0;
	if (next) jlink_find(jl, next->node.handle)->prev = u->node.handle; else jl->tail = u;
	if (after) jlink_find(jl, after->node.handle)->next = u->node.handle; else jl->head = u;
	jl->n++;
}

/* u's contacts changed: in the list when it has a journey now. */
static void jl_update(struct contacts *c, struct customer *u)
{
	bool multi = u->node.aux && customer_multi(u, c->now_ms - c->conf.pivot_window_s * 1000);
	struct customer *prev, *next;
	if (multi && jl_has(c, u) && (!(prev = jl_prev(c, u)) || jl_before(prev, u)) &&
	    (!(next = jl_next(c, u)) || jl_before(u, next)))
		return;              /* still in its place (a sweep took older contacts) */
	jl_remove(c, u);
	if (multi)
		jl_insert(c, u);
}

static void jl_rebuild(struct contacts *c)
{
	while (c->jl->head)
		jl_remove(c, c->jl->head);
	for (size_t i = 0; i < c->customers.cap; i++)
		if (c->customers.slot[i])
			jl_update(c, (struct customer *)ht_at(&c->customers, i));
}

size_t contacts_journeys(const struct contacts *c, struct ct_journey *out, size_t max)
{
	int64_t edge = c->now_ms - c->conf.pivot_window_s * 1000;
	struct ct_journeys *jl = c->jl;
	size_t n = 0;
	for (struct customer *u = jl->head, *next; u && n < max; u = next) {
		next = jl_next(c, u);
		if (customer_last_ms(u) <= edge) {        /* it and all after: nothing inside */
			while (jl->tail != u)
				jl_remove(c, jl->tail);
			jl_remove(c, u);
			break;
		}
		if (customer_multi(u, edge))
			out[n++] = (struct ct_journey){u, customer_from(u, edge)};
		else
			jl_remove(c, u);                      /* time made it single-channel */
	}
	return n;
}

/* A contact's last event, whole seconds rounded up (kept a little longer). */
static int64_t contact_last_ms(const struct contact *k)
{
	return (int64_t)k->node.aux * 1000 + 999;
}

static int64_t first_reply_ms(const struct contact *k)
{
	return k->created_ms + k->first_reply_after;
}

static void contact_touch(struct contact *k, int64_t t)
{
	int64_t s = t >= 0 ? t / 1000 : 0;
	if (s > (int64_t)k->node.aux)
		k->node.aux = s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* A call in progress or a contact in the backlog: what a cap never forgets. */
static bool contact_live(const struct contact *k)
{
	return k->voice ? k->state == ST_WAITING || k->state == ST_TALKING
	                : k->state == ST_OPEN || k->state == ST_UNKNOWN;
}

/* What a sweep forgets: by time alone, or an eviction's (the store full),
 * which never takes a call in progress or the backlog. (The calls' bound
 * forgets the oldest calls, calls_evict.) */
enum sweep_mode { SWEEP_TIME, EVICT_ALL };

/* Whether mode keeps k whatever its times. */
static bool pinned(const struct contact *k, enum sweep_mode mode)
{
	return mode != SWEEP_TIME && contact_live(k);
}

/* Forgets the contacts of the customer in slot i created before old (all
 * of them: the customer too). True when slot i was emptied (another
 * customer may have moved in: look at it again). */
static bool sweep_customer(struct contacts *c, size_t i, int64_t old, enum sweep_mode mode)
{
	struct customer *u = (struct customer *)ht_at(&c->customers, i);
	if (!u)
		return false;
	size_t kept = 0, was = u->node.aux;
	struct contact **list = customer_list(u);
	/* [created - window, created): one exactly window old still counts */
	for (size_t j = 0; j < was; j++) {
		struct contact *k = list[j];
		if (k->created_ms >= old || pinned(k, mode))
			list[kept++] = k;
		else
			k->cust = 0;
	}
	if (kept == was && was)
		return false;
	if (kept)
		list[kept - 1]->not_last = false;
	u->node.aux = (uint32_t)kept;
	customer_shrink(c, u, was);
	customer_run_count(u);
	if (u->node.aux) {
		jl_update(c, u);
		return false;
	}
	jl_remove(c, u);
	ht_remove_at(&c->customers, i);
	customer_free(c, u);
	return true;
}

/* Forgets the contact in slot i when closed and out of every customer's
 * history with no event since old, or open and idle since stale. True
 * when slot i was emptied. */
static bool sweep_contact(struct contacts *c, size_t i, int64_t old, int64_t stale,
                          enum sweep_mode mode)
{
	struct contact *k = (struct contact *)ht_at(&c->contacts, i);
	if (!k)
		return false;
	bool open = !k->voice && (k->state == ST_OPEN || k->state == ST_UNKNOWN);
	if (k->cust || k->created_ms >= old || contact_last_ms(k) >= (open ? stale : old) ||
	    pinned(k, mode)) {
		if (k->created_ms < c->min_created_ms)
			c->min_created_ms = k->created_ms;
		return false;
	}
	c->n_calls -= k->voice;
	k->voice = false;           /* its entry in the calls' ring is stale now */
	ct_backlog_drop(&c->bl, k);
	ht_remove_at(&c->contacts, i);
	node_free(&c->contacts, &k->node);
	return true;
}

static void evict_begin(struct contacts *c, enum sweep_mode mode, int64_t old, int64_t stale);

/* Starts forgetting what no window needs any more: customers' contacts older
 * than the longest window that needs them, closed contacts with them, and
 * open ones idle for stale_contact_s; a walk of the tables spread over the
 * next lines and ticks (evict_step), not one tick's. */
static void sweep(struct contacts *c)
{
	int64_t old = c->now_ms - keep_ms(c);
	if (c->evict.on || c->min_created_ms >= old)   /* everything forgotten is created before old */
		return;
	c->min_created_ms = INT64_MAX;   /* sweep_contacts lowers it to what stays */
	evict_begin(c, SWEEP_TIME, old, c->now_ms - c->conf.stale_contact_s * 1000);
}

/* The k-th smallest of a[0..n) (k < n), reordering a: quickselect, linear on
 * average, so an eviction costs one walk and no sort. */
static int64_t select_kth(int64_t *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		int64_t x = a[lo + (hi - lo) / 2], t;
		size_t i = lo, j = hi;
		while (i <= j) {
			while (a[i] < x)
				i++;
			while (a[j] > x)
				j--;
			if (i <= j) {
				t = a[i], a[i] = a[j], a[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return a[k];
	}
	return a[k];
}

/* What stays after an eviction (backlog, calls in progress) may fill the
 * store again at once: look again an eighth of the bound later, not per line. */
static void evict_again_later(struct contacts *c)
{
	c->evict_at = c->contacts.count + c->conf.max_stored / 8;
}

#define EVICT_SAMPLE 4096   /* closed contacts whose last events set an eviction's edge */
#define EVICT_STEP 64       /* slots an eviction walks per contact stored */
#define SWEEP_STEP 4096     /* slots a time sweep walks per move of the clock (a
                               small store's sweep is done at once) */

/* The store is full (max_stored): starts forgetting about the quarter of the
 * closed contacts whose last event is oldest (the edge from a sample), and
 * customers' contacts created before that edge, a few buckets per contact
 * stored (evict_step), so no line waits for a walk of the whole store.
 * Figures stay exact while the windows hold fewer contacts than the cap;
 * past it, repeats, pivots and journeys that reach further back are lost,
 * and the memory stays bounded (a big centre's calls of a whole day). */
static void evict_start(struct contacts *c, enum sweep_mode mode)
{
	int64_t sample[EVICT_SAMPLE];
	size_t n = 0, cap = c->contacts.cap;
	size_t at = cap ? (size_t)(c->gen * 2654435761u) & (cap - 1) : 0;
	for (size_t i = 0; i < cap && n < EVICT_SAMPLE; i++, at = (at + 1) & (cap - 1)) {
		const struct contact *k = (const struct contact *)ht_at(&c->contacts, at);
		if (k && !pinned(k, mode))
			sample[n++] = contact_last_ms(k);
	}
	if (!n) {     /* all live (a million callers waiting): look again later, not per line */
		evict_again_later(c);
		return;
	}
	evict_begin(c, mode, select_kth(sample, n, n / 4) + 1, INT64_MIN);
}

static void evict_begin(struct contacts *c, enum sweep_mode mode, int64_t old, int64_t stale)
{
	c->evict = (struct ct_evict){.on = true, .mode = mode, .old = old, .stale = stale,
	                             .nb = c->customers.cap};
}

/* Walks up to steps slots of the sweep or eviction under way: the customers'
 * lists first, then the contacts (freed once out of every list). */
static void evict_step(struct contacts *c, int steps)
{
	struct ct_evict *e = &c->evict;
	for (int i = 0; i < steps && e->on; i++) {
		struct htable *t = e->phase ? &c->contacts : &c->customers;
		if (t->cap != e->nb) {            /* rehashed meanwhile: that table again */
			e->nb = t->cap;
			e->cursor = 0;
		}
		if (e->cursor < t->cap) {
			bool emptied = e->phase ? sweep_contact(c, e->cursor, e->old, e->stale, e->mode)
			                        : sweep_customer(c, e->cursor, e->old, e->mode);
			e->cursor += !emptied;
		} else if (!e->phase) {
			e->phase = 1;
			e->cursor = 0;
			e->nb = c->contacts.cap;
		} else {
			e->on = false;
			if (e->mode != SWEEP_TIME)
				evict_again_later(c);
		}
	}
}

void contacts_advance(struct contacts *c, int64_t now_ms)
{
	int64_t start, end;
	if (c->started && now_ms <= c->now_ms)
		return;
	c->gen++;
	c->now_ms = now_ms;
	c->started = true;
	if (c->now_ms >= c->day_end_ms || c->now_ms < c->day_start_ms) {
		int64_t s = c->now_ms >= 0 ? c->now_ms / 1000 : -((-c->now_ms + 999) / 1000);
		util_day_bounds(s, c->conf.day_start_min, &start, &end);
		c->day_end_ms = end * 1000;
		if (start * 1000 != c->day_start_ms)
			new_day(c, start * 1000);
	}
	roll_window(c);
	if (c->evict.on && c->evict.mode == SWEEP_TIME)
		evict_step(c, SWEEP_STEP);
	if (c->now_ms >= c->next_sweep_ms) {
		sweep(c);
		int64_t every = keep_ms(c) / 48;
		every = every < SWEEP_MIN_MS ? SWEEP_MIN_MS : every > SWEEP_MAX_MS ? SWEEP_MAX_MS : every;
		c->next_sweep_ms = c->now_ms + (c->conf.sweep_every_ms ? c->conf.sweep_every_ms : every);
		evict_step(c, SWEEP_STEP);
	}
}

int64_t contacts_now(const struct contacts *c)
{
	return c->now_ms;
}

bool contacts_any(const struct contacts *c)
{
	return c->saw_events;
}

/* ---- contacts and customers ------------------------------------------------------- */

/* ---- the calls' ring: calls forgotten oldest first --------------------------------- */

/* What names call k in the ring besides its record: a record freed and
 * reused by another call fails it (or one forgotten otherwise: not voice). */
static uint32_t call_check(const struct contact *k)
{
	return k->node.hash ^ (uint32_t)k->created_ms;
}

/* The call an entry names, NULL when it was forgotten since. */
static struct contact *call_at(const struct contacts *c, struct ct_call_ent e)
{
	const struct ct_pool *p = &c->contacts.pool;
	struct contact *k = (struct contact *)(p->chunks[(e.handle >> POOL_OFF_BITS) - 1] +
	                    ((size_t)(e.handle & ((1u << POOL_OFF_BITS) - 1)) << 3));
	return k->voice && k->node.handle == e.handle && call_check(k) == e.check ? k : NULL;
}

static void calls_put(struct ct_calls *r, struct ct_call_ent e)
{
	r->a[(r->head + r->n++) & (r->cap - 1)] = e;
}

static struct ct_call_ent calls_pop(struct ct_calls *r)
{
	struct ct_call_ent e = r->a[r->head];
	r->head = (r->head + 1) & (r->cap - 1);
	r->n--;
	return e;
}

/* A new call k goes at the end of the ring. When the ring is full, the
 * entries of calls forgotten otherwise (sweeps) go first; it doubles only
 * when more than half stays. */
static void calls_push(struct contacts *c, const struct contact *k)
{
	struct ct_calls *r = &c->calls;
	if (r->n == r->cap) {
		size_t kept = 0;
		for (size_t i = 0; i < r->n; i++) {
			struct ct_call_ent e = r->a[(r->head + i) & (r->cap - 1)];
			if (call_at(c, e))
				r->a[(r->head + kept++) & (r->cap - 1)] = e;
		}
		r->n = kept;
		if (!r->cap || kept * 2 > r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 1024;
			struct ct_call_ent *a = xmalloc(cap * sizeof *a);
			for (size_t i = 0; i < r->n; i++)
				a[i] = r->a[(r->head + i) & (r->cap - 1)];
			free(r->a);
			r->a = a;
			r->cap = cap;
			r->head = 0;
		}
	}
	calls_put(r, (struct ct_call_ent){k->node.handle, call_check(k)});
}

static void customer_cut(struct contacts *c, struct customer *u, size_t i);
static size_t customer_pos(const struct customer *u, const struct contact *k);

/* Forgets call k (closed): out of its caller's history, the caller too when
 * that was their last contact. */
static void call_forget(struct contacts *c, struct contact *k)
{
	struct customer *u = customer_of(c, k);
	if (u) {
		customer_cut(c, u, customer_pos(u, k));
		k->cust = 0;
		if (!u->node.aux) {
			jl_remove(c, u);
			ht_remove(&c->customers, &u->node);
			customer_free(c, u);
		}
	}
	c->n_calls--;
	k->voice = false;
	ht_remove(&c->contacts, &k->node);
	node_free(&c->contacts, &k->node);
}

/* Entries of the ring a call added looks at, at most: more than one, so
 * the calls get back under their bound while many at the head are in
 * progress (or left their queue with no end of call: still waiting). */
#define CALLS_STEP 16

/* Before a call is added: forgets the oldest closed calls while the calls
 * are at their bound (a call in progress goes to the end of the ring), and
 * drops the entries of calls forgotten otherwise; a few entries per call,
 * no walk of the tables. */
static void calls_evict(struct contacts *c)
{
	struct ct_calls *r = &c->calls;
	for (int i = 0; i < CALLS_STEP && r->n; i++) {
		struct contact *k = call_at(c, r->a[r->head]);
		if (k && c->n_calls < c->conf.max_calls)
			return;
		struct ct_call_ent e = calls_pop(r);
		if (k && contact_live(k))
			calls_put(r, e);
		else if (k)
			call_forget(c, k);
	}
}

static struct contact *contact_find(const struct contacts *c, const char *id, uint32_t h)
{
	return (struct contact *)ht_find(&c->contacts, id, h);
}

/* A new contact of id (hashed h). */
static struct contact *contact_add(struct contacts *c, const char *id, uint32_t h, int ch, int q,
                                   int64_t t, bool voice)
{
	if (c->evict.on)
		evict_step(c, EVICT_STEP);
	else if (c->contacts.count >= c->conf.max_stored && c->contacts.count >= c->evict_at)
		evict_start(c, EVICT_ALL);
	if (voice && c->calls.n)
		calls_evict(c);
	struct contact *k = node_new(&c->contacts, id, h);
	k->ch = (int8_t)ch;
	k->q = (int16_t)q;
	k->created_ms = t;
	if (t < c->min_created_ms)
		c->min_created_ms = t;
	contact_touch(k, t);
	k->state = ST_UNKNOWN;
	k->pair = -1;
	k->voice = voice;
	c->n_calls += voice;
	ht_insert(&c->contacts, &k->node);
	if (voice)
		calls_push(c, k);
	return k;
}

/* Sets whether u's contact at index i is a repeat, a pivot (and of which
 * pair) and an unanswered pivot, from its previous contact as known now,
 * counting the change at its created. Lines of several sources may come out
 * of time order (a contact or a reply learnt after a later contact of the
 * same customer): the later contact is judged again, so the counts end as if
 * the lines had come in time order. */
static void judge(struct contacts *c, struct customer *u, size_t i)
{
	struct contact *k = customer_list(u)[i];
	const struct contact *prev = i ? customer_list(u)[i - 1] : NULL;
	int64_t t = k->created_ms;
	bool rep = prev && prev->created_ms >= t - c->conf.repeat_window_s * 1000;
	bool piv = prev && prev->ch != k->ch &&
	           prev->created_ms >= t - c->conf.pivot_window_s * 1000;
	bool unans = piv && !(prev->replied && first_reply_ms(prev) <= t);
	int pair = piv ? pair_index(c, prev->ch, k->ch) : -1;
	if (rep != k->is_repeat)
		count(c, t, k->ch, k->q, CT_REPEATS, rep ? 1 : -1);
	if (piv != k->is_pivot)
		count(c, t, k->ch, k->q, CT_PIVOTS, piv ? 1 : -1);
	if (unans != k->is_unanswered)
		count(c, t, k->ch, k->q, CT_PIVOTS_UNANSWERED, unans ? 1 : -1);
	if (pair != k->pair || unans != k->is_unanswered) {
		if (k->pair >= 0)
			count_pair(c, t, k->pair, k->is_unanswered, -1);
		if (pair >= 0)
			count_pair(c, t, pair, unans, 1);
	}
	k->is_repeat = rep;
	k->is_pivot = piv;
	k->is_unanswered = unans;
	k->pair = (int16_t)pair;
}

static size_t customer_pos(const struct customer *u, const struct contact *k)
{
	size_t i = 0;
	while (i < u->node.aux && customer_list(u)[i] != k)
		i++;
	return i;
}

static void customer_unlink(struct contacts *c, struct contact *k)
{
	struct customer *u = customer_of(c, k);
	/* what it counted is history; a sweep may have taken it from its list already */
	k->is_repeat = k->is_pivot = k->is_unanswered = false;
	k->pair = -1;
	if (!u)
		return;
	size_t i = customer_pos(u, k);
	if (i < u->node.aux) {
		customer_cut(c, u, i);
		if (i < u->node.aux)
			judge(c, u, i);     /* its follower has another previous contact */
	}
	k->cust = 0;       /* an emptied customer goes at the next sweep */
}

/* Takes the contact at index i out of u's list (its follower keeps what it counted). */
static void customer_cut(struct contacts *c, struct customer *u, size_t i)
{
	size_t was = u->node.aux;
	struct contact **list = customer_list(u);
	memmove(list + i, list + i + 1, (was - i - 1) * sizeof *list);
	u->node.aux--;
	if (i + u->run >= was && u->run > 1)
		u->run--;                  /* one of the last run: the run is shorter */
	else if (i + u->run + 1 >= was)
		customer_run_count(u);     /* the run itself, or what bounded it */
	if (i == u->node.aux && i)
		list[i - 1]->not_last = false;
	customer_shrink(c, u, was);
	jl_update(c, u);
}

/* A contact with a customer (key, hashed h) was created at t: repeats,
 * pivots, history. */
static void customer_created(struct contacts *c, struct contact *k, const char *key, uint32_t h,
                             int64_t t)
{
	struct customer *u = (struct customer *)ht_find(&c->customers, key, h);
	if (!u) {
		u = node_new(&c->customers, key, h);
		ht_insert(&c->customers, &u->node);
	}
	count(c, t, k->ch, k->q, CT_CREATED_WITH_CUSTOMER, 1);
	/* in created order: its previous contact is the latest created before t */
	size_t at = u->node.aux;
	while (at > 0 && customer_list(u)[at - 1]->created_ms >= t)
		at--;
	struct contact **list = customer_grow(c, u);
	size_t n = u->node.aux;
	bool same = n && list[n - 1]->ch == k->ch;
	memmove(list + at + 1, list + at, (n - at) * sizeof *list);
	list[at] = k;
	u->node.aux++;
	if (at == n)                       /* the newest: the run goes on or starts */
		u->run = same ? u->run + 1 : 1;
	else if (at + u->run >= n)         /* inside the last run, or just before it */
		u->run = same ? u->run + 1 : (uint32_t)(n - at);
	k->cust = u->node.handle;
	k->not_last = at + 1 < u->node.aux;
	if (at)
		list[at - 1]->not_last = true;
	judge(c, u, at);
	if (at + 1 < u->node.aux)
		judge(c, u, at + 1);
	jl_update(c, u);
}

/* Makes k a contact created at t (seen), counting it; customer: hashed hc. */
static void created(struct contacts *c, struct contact *k, const char *customer, uint32_t hc,
                    const char *reason, int64_t t)
{
	customer_unlink(c, k);
	k->seen = true;
	k->created_ms = t;
	if (t < c->min_created_ms)
		c->min_created_ms = t;
	contact_touch(k, t);
	k->replied = false;
	k->replies = 0;
	k->first_reply_after = 0;
	k->state = k->voice ? ST_WAITING : ST_OPEN;
	c->created_seen++;
	count(c, t, k->ch, k->q, CT_CREATED, 1);
	if (!k->voice)
		count_reason(c, t, k->ch, k->q, reason);
	if (customer && *customer)
		customer_created(c, k, customer, hc, t);
}

/* Time from k's created to t; 0 for an event stamped before it (systems'
 * clocks disagree, lines come out of order): a time is never negative. */
static int64_t since_created(const struct contact *k, int64_t t)
{
	return t > k->created_ms ? t - k->created_ms : 0;
}

/* ---- the callback list ---- */

/* Whether callback a comes before b in the list: the first try first, then by customer. */
static bool callback_before(const struct callback *a, const struct callback *b)
{
	return a->first_ms != b->first_ms ? a->first_ms < b->first_ms : strcmp(a->key, b->key) < 0;
}

/* Where cb goes (or is) in the sorted list of n: the first not before it. */
static size_t callback_pos(const struct contacts *c, const struct callback *cb, size_t n)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (callback_before(c->cb_sorted[mid], cb))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Puts cb (counted in callbacks.count already) in its place in the sorted list. */
static void callback_sort_in(struct contacts *c, struct callback *cb)
{
	size_t n = c->callbacks.count - 1;   /* at most CONTACTS_MAX_CALLBACKS in all */
	if (!c->cb_sorted)
		c->cb_sorted = xmalloc(CONTACTS_MAX_CALLBACKS * sizeof *c->cb_sorted);
	size_t at = callback_pos(c, cb, n);   /* most come last: a new first try is the latest */
	memmove(c->cb_sorted + at + 1, c->cb_sorted + at, (n - at) * sizeof *c->cb_sorted);
	c->cb_sorted[at] = cb;
}

/* Takes cb out of the sorted list (of callbacks.count, cb still counted). */
static void callback_sort_out(struct contacts *c, const struct callback *cb)
{
	size_t n = c->callbacks.count, at = callback_pos(c, cb, n);
	memmove(c->cb_sorted + at, c->cb_sorted + at + 1, (n - at - 1) * sizeof *c->cb_sorted);
}

/* A call of customer u ended unanswered (abandoned or timed out) at t after
 * waiting waited ms: the caller is on the list, one try more. */
static void callback_try(struct contacts *c, const struct customer *u, int q, int64_t t,
                         int64_t waited)
{
	uint32_t h = u->node.hash;
	char key[CONTACT_TEXT_MAX + 1];
	const char *k = customer_key(u, key);
	struct callback *cb = (struct callback *)ht_find(&c->callbacks, k, h);
	if (!cb) {
		if (c->callbacks.count >= CONTACTS_MAX_CALLBACKS)
			return;
		cb = node_new(&c->callbacks, k, h);
		cb->first_ms = t;
		ht_insert(&c->callbacks, &cb->node);
		callback_sort_in(c, cb);
	}
	contacts_callback_json_drop(c, cb);
	cb->node.aux++;
	if (t < cb->first_ms) {          /* a line out of time order: its place moves */
		callback_sort_out(c, cb);
		cb->first_ms = t;
		callback_sort_in(c, cb);
	}
	if (t >= cb->last_ms) {
		cb->last_ms = t;
		cb->q = (int16_t)q;
		cb->waited_ms = waited;
	}
}

/* Customer u was answered at t (a call connected, a reply): off the list,
 * unless the answer came before their first unanswered try. */
static void callback_answered(struct contacts *c, const struct customer *u, int64_t t)
{
	struct callback *cb;
	char key[CONTACT_TEXT_MAX + 1];
	if (!c->callbacks.count ||
	    !(cb = (struct callback *)ht_find(&c->callbacks, customer_key(u, key), u->node.hash)) ||
	    t < cb->first_ms)
		return;
	callback_sort_out(c, cb);
	ht_remove(&c->callbacks, &cb->node);
	contacts_callback_json_drop(c, cb);
	node_free(&c->callbacks, &cb->node);
}

size_t contacts_callbacks(const struct contacts *c, struct contacts_callback *out, size_t max)
{
	size_t n = c->callbacks.count;
	for (size_t i = 0; i < n && i < max; i++) {
		const struct callback *cb = c->cb_sorted[i];
		out[i] = (struct contacts_callback){ cb->key, c->queues[cb->q].name,
			cb->first_ms, cb->last_ms, cb->waited_ms, (int)cb->node.aux };
	}
	return n;
}

void contacts_callback_counts(const struct contacts *c, int64_t *cb)
{
	HT_EACH(&c->callbacks, h)
			cb[((const struct callback *)h)->q]++;
}

static void replied(struct contacts *c, struct contact *k, int64_t t)
{
	if (k->cust)
		callback_answered(c, customer_of(c, k), t);
	if (k->seen && !k->replied && !k->voice) {
		int64_t frt = since_created(k, t);
		count(c, t, k->ch, k->q, CT_FIRST_RESPONSES, 1);
		count(c, t, k->ch, k->q, CT_FRT_SUM, frt);
		int64_t target = c->queues[k->q].frt_ms ? c->queues[k->q].frt_ms
		                                        : c->channels[k->ch].frt_ms;
		if (frt <= target)
			count(c, t, k->ch, k->q, CT_FIRST_RESPONSES_WITHIN, 1);
	}
	bool earlier = !k->replied || t < first_reply_ms(k);
	if (earlier) {
		int64_t d = t - k->created_ms;
		k->first_reply_after = d > INT32_MAX ? INT32_MAX : d < -INT32_MAX ? -INT32_MAX
		                                                                  : (int32_t)d;
	}
	k->replied = true;
	k->replies++;
	/* the next contact of the customer may be a pivot answered after all */
	struct customer *u = customer_of(c, k);
	if (earlier && k->not_last && u) {
		size_t i = customer_pos(u, k);
		if (i + 1 < u->node.aux)
			judge(c, u, i + 1);
	}
}

static void survey(struct contacts *c, int ch, int q, const struct contact_event *ev)
{
	int64_t t = ev->ts_ms;
	count(c, t, ch, q, CT_SURVEYS, 1);
	if (ev->csat >= 1) {
		count(c, t, ch, q, CT_CSAT_N, 1);
		if (ev->csat >= 4)
			count(c, t, ch, q, CT_CSAT_SATISFIED, 1);
	}
	if (ev->nps >= 0) {
		count(c, t, ch, q, CT_NPS_N, 1);
		if (ev->nps >= 9)
			count(c, t, ch, q, CT_PROMOTERS, 1);
		else if (ev->nps <= 6)
			count(c, t, ch, q, CT_DETRACTORS, 1);
	}
	if (ev->ces >= 1) {
		count(c, t, ch, q, CT_CES_N, 1);
		count(c, t, ch, q, CT_CES_SUM, ev->ces);
	}
	if (ev->resolved >= 0) {
		count(c, t, ch, q, CT_FCR_N, 1);
		if (ev->resolved)
			count(c, t, ch, q, CT_FCR_YES, 1);
	}
}

/* The channel and queue an event names for a contact not seen before. */
static bool place(struct contacts *c, const struct contact_event *ev, int *ch, int *q)
{
	if (!ev->channel)
		return false;
	*ch = channel_index(c, ev->channel);
	*q = *ch < 0 ? -1 : queue_index(c, ev->queue ? ev->queue : ev->channel, *ch);
	return *ch >= 0 && *q >= 0;
}

/* What the event does to contact k (SPEC 6.2); false for a duplicate. */
static bool apply_to(struct contacts *c, struct contact *k, const struct contact_event *ev)
{
	int64_t t = ev->ts_ms;
	switch (ev->kind) {
	case CE_CREATED:
		return false;    /* handled by the caller */
	case CE_FIRST_RESPONSE:
	case CE_REPLY:
		if (k->voice)
			break;
		replied(c, k, t);
		break;
	case CE_RESOLVED:
		if (k->voice)
			break;
		if (k->state == ST_RESOLVED)
			return false;
		count(c, t, k->ch, k->q, CT_RESOLVED, 1);
		if (k->seen) {
			count(c, t, k->ch, k->q, CT_RESOLVED_TIMED, 1);
			count(c, t, k->ch, k->q, CT_RESOLUTION_SUM, since_created(k, t));
			count(c, t, k->ch, k->q, CT_REPLIES_RESOLVED, k->replies);
		}
		k->state = ST_RESOLVED;
		break;
	case CE_REOPENED:
		if (k->voice)
			break;
		if (k->state == ST_OPEN)
			return false;
		count(c, t, k->ch, k->q, CT_REOPENED, 1);
		k->state = ST_OPEN;
		break;
	case CE_ABANDONED:
		if (k->voice)
			break;
		if (k->state == ST_ABANDONED)
			return false;
		count(c, t, k->ch, k->q, CT_ABANDONED, 1);
		k->state = ST_ABANDONED;
		break;
	case CE_SURVEY:
		survey(c, k->ch, k->q, ev);
		break;
	}
	return true;
}

/* Starts reading the slot of hash h in t: a created contact looks up its id
 * and its customer, two waits for memory that then overlap. */
static void ht_prefetch(const struct htable *t, uint32_t h)
{
	if (t->cap)
		__builtin_prefetch(&t->slot[h & (t->cap - 1)]);
}

enum contacts_verdict contacts_apply(struct contacts *c, const struct contact_event *ev)
{
	int ch, q;
	uint32_t hc = 0, h;
	if (ev->kind == CE_CREATED && ev->customer && *ev->customer) {
		hc = ht_hash(ev->customer);
		ht_prefetch(&c->customers, hc);
	}
	h = ht_hash(ev->id);
	ht_prefetch(&c->contacts, h);
	contacts_advance(c, ev->ts_ms);
	c->gen++;
	c->saw_events = true;
	struct contact *k = contact_find(c, ev->id, h);
	if (ev->kind == CE_CREATED) {
		if (k && (k->state == ST_OPEN || (k->voice && k->seen)))
			return CONTACTS_DUPLICATE;
		if (!place(c, ev, &ch, &q))
			return CONTACTS_CAP;
		if (!k)
			k = contact_add(c, ev->id, h, ch, q, ev->ts_ms, false);
		k->ch = (int8_t)ch;
		k->q = (int16_t)q;
		c->n_calls -= k->voice;     /* a call's id created as a contact: no longer a call */
		k->voice = false;
		created(c, k, ev->customer, hc, ev->reason, ev->ts_ms);
	} else if (!k && ev->kind == CE_SURVEY) {
		/* a survey names its own channel and queue; nothing to remember */
		if (!place(c, ev, &ch, &q))
			return ev->channel ? CONTACTS_CAP : CONTACTS_UNPLACED;
		survey(c, ch, q, ev);
		if (ev->has_sentiment) {
			count(c, ev->ts_ms, ch, q, CT_SENTIMENT_N, 1);
			count(c, ev->ts_ms, ch, q, CT_SENTIMENT_SUM, ev->sentiment_h);
		}
		return CONTACTS_APPLIED;
	} else {
		if (!k) {
			if (!place(c, ev, &ch, &q))
				return ev->channel ? CONTACTS_CAP : CONTACTS_UNPLACED;
			k = contact_add(c, ev->id, h, ch, q, ev->ts_ms, false);
		}
		if (!apply_to(c, k, ev))
			return CONTACTS_DUPLICATE;
	}
	contact_touch(k, ev->ts_ms);
	ct_backlog_sync(&c->bl, k);
	if (ev->has_sentiment) {
		count(c, ev->ts_ms, k->ch, k->q, CT_SENTIMENT_N, 1);
		count(c, ev->ts_ms, k->ch, k->q, CT_SENTIMENT_SUM, ev->sentiment_h);
	}
	return CONTACTS_APPLIED;
}

static bool caller_is_customer(const char *cid)
{
	static const char *none[] = {"anonymous", "unknown", "restricted"};
	if (!cid || !*cid)
		return false;
	for (size_t i = 0; i < sizeof none / sizeof *none; i++)
		if (strcasecmp(cid, none[i]) == 0)
			return false;
	return true;
}

/* The length of s when it is plain printable ASCII of at most
 * CONTACT_TEXT_MAX bytes (what textsafe_copy keeps as it is), else -1. */
static ptrdiff_t plain_len(const char *s)
{
	size_t n = 0;
	while (n <= CONTACT_TEXT_MAX && (unsigned char)s[n] >= 0x20 && (unsigned char)s[n] < 0x7f)
		n++;
	return s[n] || n > CONTACT_TEXT_MAX ? -1 : (ptrdiff_t)n;
}

void contacts_qevent_prefetch(struct contacts *c, const struct qevent *ev)
{
	ptrdiff_t n;
	c->pre.callid = c->pre.caller = NULL;
	if (!ev->callid || !*ev->callid || (n = plain_len(ev->callid)) < 0)
		return;
	c->pre.callid = ev->callid;
	c->pre.n = (size_t)n;
	c->pre.h = ht_hash_n(ev->callid, (size_t)n);
	ht_prefetch(&c->contacts, c->pre.h);
	if (ev->kind == EV_ENTER && caller_is_customer(ev->callerid) &&
	    (n = plain_len(ev->callerid)) >= 0) {
		c->pre.caller = ev->callerid;
		c->pre.cn = (size_t)n;
		c->pre.hc = ht_hash_n(ev->callerid, (size_t)n);
		ht_prefetch(&c->customers, c->pre.hc);
	}
}

/* The call id of ev as stored (safe text; plain ASCII as it is, without a
 * copy: safe is the room for one) with its length and hash, from the
 * prefetch when it was for this event. */
static const char *call_key(const struct ct_pre *pre, const struct qevent *ev,
                            char safe[CONTACT_TEXT_MAX + 1], size_t *n, uint32_t *h)
{
	const char *callid = ev->callid;
	ptrdiff_t len;
	if (pre->callid == callid) {
		*n = pre->n;
		*h = pre->h;
		return callid;
	}
	len = plain_len(callid);
	if (len < 0) {
		textsafe_copy(safe, CONTACT_TEXT_MAX + 1, ev->callid, -1, TEXTSAFE_UTF8);
		callid = safe;
		len = (ptrdiff_t)strlen(safe);
	}
	*n = (size_t)len;
	*h = ht_hash_n(callid, *n);
	return callid;
}

/* A call first queued (ENTERQUEUE of an id not stored): its contact, its
 * caller as the customer; NULL when its queue has no room. */
static struct contact *call_new(struct contacts *c, const struct ct_pre *pre,
                                const struct qevent *ev, const char *callid, uint32_t h,
                                int64_t t)
{
	char queue[CONTACT_TEXT_MAX + 1], cid[CONTACT_TEXT_MAX + 1] = "";
	int ch = channel_index(c, "voice"), q = -1;
	/* a known queue by the parser's hash (plain text: the name as stored) */
	if (ev->keyed && ch >= 0 && plain_len(ev->queue) == (ptrdiff_t)ev->queue_len)
		q = strmap_find_n(&c->queue_names, ev->queue, ev->queue_len, ev->queue_hash);
	if (q < 0 && ch >= 0) {
		textsafe_copy(queue, sizeof queue, ev->queue, -1, TEXTSAFE_UTF8);
		q = queue_index(c, queue, ch);
	}
	if (q < 0)
		return NULL;
	struct contact *k = contact_add(c, callid, h, ch, q, t, true);
	const char *cust = cid;
	ptrdiff_t cn = 0;
	if (pre->caller && pre->caller == ev->callerid) {
		cust = pre->caller;
		cn = (ptrdiff_t)pre->cn;
	} else if (caller_is_customer(ev->callerid) && (cn = plain_len(ev->callerid)) >= 0) {
		cust = ev->callerid;
	} else if (caller_is_customer(ev->callerid)) {
		textsafe_copy(cid, sizeof cid, ev->callerid, -1, TEXTSAFE_UTF8);
		cn = (ptrdiff_t)strlen(cid);
	}
	created(c, k, cust, !cn ? 0 : cust == pre->caller ? pre->hc
	                                : ht_hash_n(cust, (size_t)cn), NULL, t);
	return k;
}

/* What a queue event does to its call k. */
static void call_event(struct contacts *c, struct contact *k, enum ev_kind kind, int64_t t)
{
	switch (kind) {
	case EV_ENTER:
		k->state = ST_WAITING;
		break;
	case EV_CONNECT:
		replied(c, k, t);
		k->state = ST_TALKING;
		break;
	case EV_COMPLETE:
	case EV_TRANSFER:
		k->state = ST_RESOLVED;
		break;
	case EV_ABANDON:
	case EV_TIMEOUT:
		if (k->state != ST_ABANDONED && k->cust && in_today(c, t))
			callback_try(c, customer_of(c, k), k->q, t, since_created(k, t));
		k->state = ST_ABANDONED;
		break;
	case EV_EXITKEY:
	case EV_EXITEMPTY:
	case EV_WITHDRAW:
	case EV_FORGET:
		/* left the queue unanswered: no longer a call in progress (which
		 * the calls' bound would keep for ever), not on the callback list */
		if (k->state == ST_WAITING)
			k->state = ST_ABANDONED;
		break;
	default:
		break;
	}
	contact_touch(k, t);
}

void contacts_on_qevent(struct contacts *c, const struct qevent *ev)
{
	int64_t t = ev->time * 1000;
	char safe[CONTACT_TEXT_MAX + 1];
	struct ct_pre pre = c->pre;
	size_t n;
	uint32_t h;
	c->pre.callid = c->pre.caller = NULL;     /* for this event only */
	contacts_advance(c, t);
	c->gen++;
	if (!ev->callid || !*ev->callid)
		return;
	const char *callid = call_key(&pre, ev, safe, &n, &h);
	struct contact *k = (struct contact *)ht_find_n(&c->contacts, callid, n, h);
	if (k && !k->voice)
		return;          /* a contact event's id, not a call */
	if (!k && ev->kind == EV_ENTER && ev->queue)
		k = call_new(c, &pre, ev, callid, h, t);
	if (k)
		call_event(c, k, ev->kind, t);
}

/* ---- reading ------------------------------------------------------------------- */

size_t contacts_channel_count(const struct contacts *c) { return (size_t)c->n_channels; }
const char *contacts_channel_name(const struct contacts *c, size_t i) { return c->channels[i].name; }
size_t contacts_queue_count(const struct contacts *c) { return (size_t)c->n_queues; }
const char *contacts_queue_name(const struct contacts *c, size_t i) { return c->queues[i].name; }

const struct ct_scope *contacts_scope(const struct contacts *c, enum contacts_scope s, size_t i)
{
	return s == CS_CHANNEL ? &c->channels[i] : s == CS_QUEUE ? &c->queues[i] : &c->total;
}

const struct ct_tally *contacts_today(const struct contacts *c, enum contacts_scope s, size_t i)
{
	return &contacts_scope(c, s, i)->today;
}

const struct ct_tally *contacts_window(const struct contacts *c, enum contacts_scope s, size_t i)
{
	return &contacts_scope(c, s, i)->window;
}

static void live_add(struct contacts_live *l, int64_t age, bool replied)
{
	l->open++;
	if (age > l->oldest_open_ms)
		l->oldest_open_ms = age;
	if (!replied) {
		l->unanswered++;
		if (age > l->oldest_unanswered_ms)
			l->oldest_unanswered_ms = age;
	}
}

void contacts_live_walk(const struct contacts *c, struct contacts_live *channels,
                        struct contacts_live *queues, struct contacts_live *total)
{
	memset(channels, 0, (size_t)c->n_channels * sizeof *channels);
	memset(queues, 0, (size_t)c->n_queues * sizeof *queues);
	memset(total, 0, sizeof *total);
	HT_EACH(&c->contacts, n) {
			const struct contact *k = (const struct contact *)n;
			if (!k->seen || k->voice || k->state != ST_OPEN)
				continue;
			int64_t age = c->now_ms - k->created_ms;
			live_add(&channels[k->ch], age, k->replied);
			live_add(&queues[k->q], age, k->replied);
			live_add(total, age, k->replied);
		}
}

void contacts_live_all(const struct contacts *c, struct contacts_live *channels,
                       struct contacts_live *queues, struct contacts_live *total)
{
	ct_backlog_live(&c->bl, c->n_channels, c->n_queues, c->now_ms, channels, queues, total);
}

void contacts_live(const struct contacts *c, enum contacts_scope s, size_t i,
                   struct contacts_live *out)
{
	struct contacts_live *ch = xmalloc(((size_t)c->n_channels + 1) * sizeof *ch);
	struct contacts_live *q = xmalloc(((size_t)c->n_queues + 1) * sizeof *q);
	struct contacts_live total;
	contacts_live_all(c, ch, q, &total);
	*out = s == CS_CHANNEL ? ch[i] : s == CS_QUEUE ? q[i] : total;
	free(ch);
	free(q);
}

/* The backlog kept on events equals the walk. */
static bool live_check(const struct contacts *c)
{
	size_t nc = (size_t)c->n_channels, nq = (size_t)c->n_queues;
	struct contacts_live *a = xcalloc(2 * (nc + nq + 1), sizeof *a), *b = a + nc + nq + 1;
	contacts_live_walk(c, a, a + nc, a + nc + nq);
	contacts_live_all(c, b, b + nc, b + nc + nq);
	bool same = memcmp(a, b, (nc + nq + 1) * sizeof *a) == 0;
	free(a);
	return same;
}

static bool text_clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int handle_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Each call stored has an entry in the ring: the stored calls, the distinct
 * calls the entries name and n_calls agree. (A call forgotten by a sweep
 * leaves its entry; a later call of the same id and second in the same
 * record matches it too: two entries for one call, which costs nothing.) */
static bool calls_check(const struct contacts *c)
{
	size_t stored = 0, named = 0, distinct = 0;
	HT_EACH(&c->contacts, n)
		stored += ((const struct contact *)n)->voice;
	uint32_t *h = xmalloc((c->calls.n + 1) * sizeof *h);
	for (size_t i = 0; i < c->calls.n; i++) {
		const struct contact *k = call_at(c, c->calls.a[(c->calls.head + i) & (c->calls.cap - 1)]);
		if (k)
			h[named++] = k->node.handle;
	}
	qsort(h, named, sizeof *h, handle_cmp);
	for (size_t i = 0; i < named; i++)
		distinct += i == 0 || h[i] != h[i - 1];
	free(h);
	return stored == c->n_calls && distinct == c->n_calls;
}

bool contacts_check(const struct contacts *c)
{
	int64_t unseen = 0, open = 0;
	for (int s = 0; s < c->n_channels + c->n_queues + 1; s++) {
		const struct ct_scope *sc = s < c->n_channels ? &c->channels[s]
		                          : s < c->n_channels + c->n_queues
		                          ? &c->queues[s - c->n_channels] : &c->total;
		for (int f = 0; f < CT_COUNT; f++)
			if (f != CT_SENTIMENT_SUM && (sc->today.v[f] < 0 || sc->window.v[f] < 0))
				return false;
	}
	int64_t pairs[4] = {0};
	for (int i = 0; i < c->n_pairs; i++) {
		const struct ct_pair *p = &c->pairs[i];
		if (p->today < 0 || p->window < 0 || p->unans_today < 0 || p->unans_window < 0 ||
		    p->unans_today > p->today || p->unans_window > p->window)
			return false;
		pairs[0] += p->today, pairs[1] += p->window;
		pairs[2] += p->unans_today, pairs[3] += p->unans_window;
	}
	/* the pairs add up to the total's pivots */
	if (pairs[0] != c->total.today.v[CT_PIVOTS] || pairs[1] != c->total.window.v[CT_PIVOTS] ||
	    pairs[2] != c->total.today.v[CT_PIVOTS_UNANSWERED] ||
	    pairs[3] != c->total.window.v[CT_PIVOTS_UNANSWERED])
		return false;
	HT_EACH(&c->contacts, n) {
			const struct contact *k = (const struct contact *)n;
			unseen += !k->seen;
			open += k->seen && !k->voice && k->state == ST_OPEN;
			char id[CONTACT_TEXT_MAX + 1];
			if (!text_clean(contact_id(k, id)))
				return false;
		}
	HT_EACH(&c->customers, n) {
			char key[CONTACT_TEXT_MAX + 1];
			if (!text_clean(customer_key((const struct customer *)n, key)))
				return false;
		}
	for (int i = 0; i < c->n_reasons; i++)
		if (!text_clean(c->reasons[i]))
			return false;
	for (size_t i = 0; i < c->callbacks.count; i++) {   /* the sorted list is the table's */
		const struct callback *cb = c->cb_sorted[i];
		if ((i && !callback_before(c->cb_sorted[i - 1], cb)) ||
		    ht_find(&c->callbacks, cb->key, cb->node.hash) != &cb->node)
			return false;
	}
	HT_EACH(&c->callbacks, n) {
			const struct callback *cb = (const struct callback *)n;
			if (!text_clean(cb->key) || cb->node.aux < 1 || cb->q < 0 || cb->q >= c->n_queues ||
			    cb->last_ms < cb->first_ms)
				return false;
		}
	if (!calls_check(c))
		return false;
	for (int i = 0; i < c->n_channels; i++)
		if (!text_clean(c->channels[i].name))
			return false;
	for (int i = 0; i < c->n_queues; i++)
		if (!text_clean(c->queues[i].name))
			return false;
	return open <= c->created_seen + unseen && live_check(c);
}

size_t contacts_stored(const struct contacts *c, size_t *customers)
{
	if (customers)
		*customers = c->customers.count;
	return c->contacts.count;
}

static size_t pool_bytes(const struct ct_pool *p)
{
	return p->n_chunks * POOL_CHUNK + (p->n_big ? p->used : 0);
}

size_t contacts_store_bytes(const struct contacts *c)
{
	return pool_bytes(&c->contacts.pool) + pool_bytes(&c->customers.pool) +
	       pool_bytes(&c->callbacks.pool) + pool_bytes(&c->lists) +
	       (c->contacts.cap + c->customers.cap + c->callbacks.cap) * sizeof(uint64_t) +
	       c->calls.cap * sizeof *c->calls.a;
}
