/* qcells.c - the queue table's held cells (qcells.h). */
#include "qcells.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

uint32_t qcells_key(const char *name)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

void qcells_reserve(struct qcells *h, size_t n)
{
	if (n <= h->n)
		return;
	h->slot = xrealloc(h->slot, n * sizeof *h->slot);
	memset(h->slot + h->n, 0, (n - h->n) * sizeof *h->slot);
	h->n = n;
}

static bool grades_same(const struct qcell *a, const struct qcell *b, int n)
{
	for (int c = 0; c < n; c++)
		if (a[c].sev != b[c].sev)
			return false;
	return true;
}

static bool cells_same(const struct qcell *a, const struct qcell *b, int n)
{
	for (int c = 0; c < n; c++)
		if (a[c].sev != b[c].sev || strcmp(a[c].text, b[c].text) != 0)
			return false;
	return true;
}

static const struct qcell *take(struct qcells_slot *s, const struct qcells_row *r, int ncols,
                                int64_t now)
{
	memcpy(s->c, r->fresh, (size_t)ncols * sizeof *r->fresh);
	s->at = now;
	s->key = r->key;
	s->held = true;
	return s->c;
}

/* Whether row a has waited longer than row b (held earlier, then by slot). */
static bool held_longer(const struct qcells *h, const struct qcells_row *a,
                        const struct qcells_row *b)
{
	int64_t ta = h->slot[a->slot].at, tb = h->slot[b->slot].at;

	return ta != tb ? ta < tb : a->slot < b->slot;
}

/* Puts the first budget of the rows waiting, the longest held first, in
 * front (an insertion sort: a page has a few dozen rows). */
static void wait_order(struct qcells *h, const struct qcells_row *rows, size_t n)
{
	for (size_t k = 1; k < n; k++) {
		size_t v = h->wait[k], j = k;

		for (; j > 0 && held_longer(h, &rows[v], &rows[h->wait[j - 1]]); j--)
			h->wait[j] = h->wait[j - 1];
		h->wait[j] = v;
	}
}

void qcells_frame(struct qcells *h, const struct qcells_row *rows, size_t n, int ncols,
                  int64_t now, int budget, const struct qcell **out)
{
	bool still = now == h->last_now;
	size_t waiting = 0;

	h->last_now = now;
	h->frame++;
	if (n > h->n_wait) {
		h->wait = xrealloc(h->wait, n * sizeof *h->wait);
		h->n_wait = n;
	}
	for (size_t i = 0; i < n; i++) {
		const struct qcells_row *r = &rows[i];
		struct qcells_slot *s = r->slot < h->n ? &h->slot[r->slot] : NULL;
		bool shown_last = s && s->frame + 1 >= h->frame;

		if (s)
			s->frame = h->frame;
		if (!s || budget < 1 || ncols > QCELLS_MAX) {
			out[i] = r->fresh;
		} else if (r->now || still || !s->held || !shown_last || s->key != r->key ||
		           !grades_same(s->c, r->fresh, ncols)) {
			out[i] = take(s, r, ncols, now);
		} else {
			out[i] = s->c;
			if (!cells_same(s->c, r->fresh, ncols))
				h->wait[waiting++] = i;
		}
	}
	if (waiting > (size_t)budget) {
		wait_order(h, rows, waiting);
		waiting = (size_t)budget;
	}
	for (size_t k = 0; k < waiting; k++)
		out[h->wait[k]] = take(&h->slot[rows[h->wait[k]].slot], &rows[h->wait[k]], ncols, now);
}

void qcells_free(struct qcells *h)
{
	free(h->slot);
	free(h->wait);
	memset(h, 0, sizeof *h);
}
