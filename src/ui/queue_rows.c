/* queue_rows.c - the rows of the queue table: groups, filter, sort. */
#include "queue_rows.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const sort_names[QR_SORT_COUNT] = {
	"name", "waiting", "longest", "SL", "abandon",
};

const char *qrows_sort_name(enum qrows_sort k)
{
	return (unsigned)k < QR_SORT_COUNT ? sort_names[k] : "?";
}

size_t qrows_max(const struct snapshot *s)
{
	size_t n = s->n_queues + s->n_groups;
	for (size_t g = 0; g < s->n_groups; g++)
		n += s->groups[g].n_members;
	return n ? n : 1;
}

/* True when hay holds needle, ASCII letters in any case. */
static bool holds(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!hay)
		return false;
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] &&
		       tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return n == 0;
}

static bool q_matches(const struct snap_queue *q, const char *f)
{
	return !f || !*f || holds(q->name, f) || holds(q->display, f);
}

/* The sort key of q for k: larger is worse; NAN (no value) sorts last. */
static double badness(const struct snap_queue *q, enum qrows_sort k)
{
	switch (k) {
	case QR_WAITING: return q->waiting;
	case QR_LONGEST: return (double)q->longest_wait_s;
	case QR_SL:      return -q->window.d.service_level_pct;
	case QR_ABANDON: return q->window.d.abandon_rate_pct;
	default:         return 0;
	}
}

static const struct snapshot *cmp_s;
static const struct qrows_opts *cmp_o;

/* Queue indexes: worst first (or best first reversed), no value last, then
 * the snapshot's order (natural by name). */
static int cmp_queue(const void *pa, const void *pb)
{
	int a = *(const int *)pa, b = *(const int *)pb;
	double x = badness(&cmp_s->queues[a], cmp_o->sort);
	double y = badness(&cmp_s->queues[b], cmp_o->sort);
	int c = 0;
	if (isnan(x) != isnan(y))
		return isnan(x) ? 1 : -1;
	if (!isnan(x) && x != y)
		c = x > y ? -1 : 1;
	if (c == 0)
		c = (a > b) - (a < b);
	return cmp_o->reverse ? -c : c;
}

/* Whether idx[0..n-1] is sorted already (by name, the usual order, it is
 * each frame): the order is total (the index breaks ties), so qsort would
 * leave it as it is, at n log n compares for 1,000 queues. */
static bool in_order(const int *idx, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (cmp_queue(&idx[i - 1], &idx[i]) > 0)
			return false;
	return true;
}

/* Appends the queues idx[0..n-1] that pass the filter (all of them when
 * all), sorted; returns how many were appended. */
static size_t put_queues(const struct snapshot *s, const struct qrows_opts *o, int *idx,
                         size_t n, bool all, int group, struct qrow *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (all || q_matches(&s->queues[idx[i]], o->filter))
			idx[k++] = idx[i];
	cmp_s = s;
	cmp_o = o;
	if (!in_order(idx, k))
		qsort(idx, k, sizeof *idx, cmp_queue);
	for (size_t i = 0; i < k; i++)
		out[i] = (struct qrow){ group, idx[i] };
	return k;
}

size_t qrows_build(const struct snapshot *s, const struct qrows_opts *o, struct qrow *out)
{
	int *idx = malloc((s->n_queues ? s->n_queues : 1) * sizeof *idx);
	bool *grouped = calloc(s->n_queues ? s->n_queues : 1, sizeof *grouped);
	size_t n = 0, k;

	if (!idx || !grouped)
		abort();
	for (size_t g = 0; g < s->n_groups; g++) {
		const struct snap_group *gr = &s->groups[g];
		bool self = q_matches(&gr->q, o->filter), any = self;
		for (size_t m = 0; m < gr->n_members; m++) {
			idx[m] = gr->members[m];
			grouped[gr->members[m]] = true;
			any = any || q_matches(&s->queues[gr->members[m]], o->filter);
		}
		if (!any)
			continue;
		out[n++] = (struct qrow){ (int)g, -1 };
		if (g < o->n_folded && o->folded[g])
			continue;
		n += put_queues(s, o, idx, gr->n_members, self && o->filter && *o->filter, (int)g,
		                out + n);
	}
	k = 0;
	for (size_t i = 0; i < s->n_queues; i++)
		if (!grouped[i])
			idx[k++] = (int)i;
	n += put_queues(s, o, idx, k, false, -1, out + n);
	free(idx);
	free(grouped);
	return n;
}
