/* wring.c - a rolling window's records in fixed-size chunks, grouped by
 * second (see wring.h). */
#include "wring.h"

#include <stdlib.h>
#include <string.h>
#include "util.h"

void wring_init(struct wring *r, size_t esz)
{
	r->esz = esz;
	r->per = WRING_CHUNK / esz;
}

/* ---- chunks ------------------------------------------------------------ */

static unsigned char *chunk_get(struct wring *r)
{
	void *c = r->spare;
	if (c) {
		memcpy(&r->spare, c, sizeof r->spare);
		r->nspare--;
		return c;
	}
	r->made++;
	return xmalloc(WRING_CHUNK);
}

static void chunk_put(struct wring *r, unsigned char *c)
{
	if (r->nspare >= WRING_SPARE) {
		free(c);
		return;
	}
	memcpy(c, &r->spare, sizeof r->spare);
	r->spare = c;
	r->nspare++;
}

/* One more chunk at the back (the chunk pointers' ring doubles when full:
 * 8 bytes a chunk, a few KB for a million records). */
static void chunk_push(struct wring *r)
{
	if (r->nch == r->ccap) {
		size_t ncap = r->ccap ? r->ccap * 2 : 16;
		unsigned char **n = xmalloc(ncap * sizeof *n);
		for (size_t i = 0; i < r->nch; i++)
			n[i] = r->chunk[(r->chead + i) & (r->ccap - 1)];
		free(r->chunk);
		r->chunk = n;
		r->ccap = ncap;
		r->chead = 0;
	}
	r->chunk[(r->chead + r->nch) & (r->ccap - 1)] = chunk_get(r);
	r->nch++;
}

/* ---- records ----------------------------------------------------------- */

/* Room for one more record at the back; returns it. */
static void *rec_grow(struct wring *r)
{
	if (r->first + r->len == r->nch * r->per)
		chunk_push(r);
	r->len++;
	return wring_at(r, r->len - 1);
}

static void rec_pop_front(struct wring *r)
{
	r->len--;
	if (++r->first == r->per || r->len == 0) {
		chunk_put(r, r->chunk[r->chead]);
		r->chead = (r->chead + 1) & (r->ccap - 1);
		r->nch--;
		r->first = 0;
	}
	if (r->len == 0)
		while (r->nch > 0) {          /* only when first was not at 0 */
			chunk_put(r, r->chunk[r->chead]);
			r->chead = (r->chead + 1) & (r->ccap - 1);
			r->nch--;
		}
}

static void rec_pop_back(struct wring *r)
{
	r->len--;
	/* the last chunk holds no record any more */
	if (r->nch > 0 && r->first + r->len <= (r->nch - 1) * r->per) {
		chunk_put(r, r->chunk[(r->chead + r->nch - 1) & (r->ccap - 1)]);
		r->nch--;
	}
	if (r->len == 0)
		r->first = 0;
	if (r->len == 0 && r->nch > 0) {
		chunk_put(r, r->chunk[r->chead]);
		r->nch = 0;
	}
}

/* Puts rec at place pos (<= len), moving the later records up one place. */
static void *rec_insert(struct wring *r, size_t pos, const void *rec)
{
	rec_grow(r);
	for (size_t i = r->len - 1; i > pos; i--)
		memcpy(wring_at(r, i), wring_at(r, i - 1), r->esz);
	return memcpy(wring_at(r, pos), rec, r->esz);
}

/* ---- seconds ----------------------------------------------------------- */

static struct wring_sec *sec_at(const struct wring *r, size_t i)
{
	return &r->sec[(r->shead + i) & (r->scap - 1)];
}

/* Puts second t (no record yet) at place i of the seconds, moving later ones. */
static void sec_insert(struct wring *r, size_t i, int64_t t)
{
	if (r->slen == r->scap) {
		size_t ncap = r->scap ? r->scap * 2 : 64;
		struct wring_sec *n = xmalloc(ncap * sizeof *n);
		for (size_t k = 0; k < r->slen; k++)
			n[k] = *sec_at(r, k);
		free(r->sec);
		r->sec = n;
		r->scap = ncap;
		r->shead = 0;
	}
	r->slen++;
	for (size_t k = r->slen - 1; k > i; k--)
		*sec_at(r, k) = *sec_at(r, k - 1);
	*sec_at(r, i) = (struct wring_sec){ .t = t, .n = 0 };
}

void *wring_add(struct wring *r, int64_t t, const void *rec)
{
	struct wring_sec *s = r->slen ? sec_at(r, r->slen - 1) : NULL;
	size_t pos = r->len, j = r->slen;

	if (s && t == s->t && s->n < UINT32_MAX) {   /* the usual case: now's second */
		s->n++;
		return memcpy(rec_grow(r), rec, r->esz);
	}
	/* find the last second at or before t, from the tail (logs are nearly in order) */
	while (j > 0 && sec_at(r, j - 1)->t > t) {
		pos -= sec_at(r, j - 1)->n;
		j--;
	}
	if (j == 0 || sec_at(r, j - 1)->t != t || sec_at(r, j - 1)->n == UINT32_MAX)
		sec_insert(r, j++, t);
	sec_at(r, j - 1)->n++;
	if (pos == r->len)
		return memcpy(rec_grow(r), rec, r->esz);
	return rec_insert(r, pos, rec);
}

void wring_expire(struct wring *r, int64_t edge, wring_fn *fn, void *ctx)
{
	while (r->slen > 0 && r->sec[r->shead].t <= edge) {
		struct wring_sec *s = &r->sec[r->shead];
		for (; s->n > 0; s->n--) {
			fn(ctx, wring_at(r, 0), s->t);
			rec_pop_front(r);
		}
		r->shead = (r->shead + 1) & (r->scap - 1);
		r->slen--;
	}
}

void wring_back(struct wring *r, int64_t edge, wring_fn *fn, void *ctx)
{
	while (r->slen > 0 && sec_at(r, r->slen - 1)->t > edge) {
		struct wring_sec *s = sec_at(r, r->slen - 1);
		for (; s->n > 0; s->n--) {
			fn(ctx, wring_at(r, r->len - 1), s->t);
			rec_pop_back(r);
		}
		r->slen--;
	}
}

void wring_each(struct wring *r, wring_fn *fn, void *ctx)
{
	size_t i = 0;
	for (size_t j = 0; j < r->slen; j++) {
		const struct wring_sec *s = sec_at(r, j);
		for (uint32_t k = 0; k < s->n; k++)
			fn(ctx, wring_at(r, i++), s->t);
	}
}

int64_t wring_oldest(const struct wring *r)
{
	return sec_at(r, 0)->t;
}

int64_t wring_newest(const struct wring *r)
{
	return sec_at(r, r->slen - 1)->t;
}

size_t wring_bytes(const struct wring *r)
{
	return (r->nch + r->nspare) * (size_t)WRING_CHUNK + r->scap * sizeof *r->sec +
	       r->ccap * sizeof *r->chunk;
}

void wring_free(struct wring *r)
{
	size_t esz = r->esz;
	for (size_t i = 0; i < r->nch; i++)
		free(r->chunk[(r->chead + i) & (r->ccap - 1)]);
	while (r->spare) {
		void *c = r->spare;
		memcpy(&r->spare, c, sizeof r->spare);
		free(c);
	}
	free(r->chunk);
	free(r->sec);
	memset(r, 0, sizeof *r);
	if (esz)
		wring_init(r, esz);
}

int wring_code_index(uint32_t *codes, int *n, int cap, uint32_t key)
{
	for (int i = 0; i < *n; i++)
		if (codes[i] == key)
			return i;
	if (*n >= cap)
		return -1;
	codes[*n] = key;
	return (*n)++;
}
