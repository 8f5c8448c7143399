/* queue_rows.h - the rows of the queue table: groups above their queues
 * (folded or not), the queues in no group after them, filtered by name and
 * sorted by a column, worst first. Pure: no curses, testable as is. */
#ifndef CCBOARD_QUEUE_ROWS_H
#define CCBOARD_QUEUE_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include "snapshot.h"

enum qrows_sort { QR_NAME, QR_WAITING, QR_LONGEST, QR_SL, QR_ABANDON, QR_SORT_COUNT };

/* A row: a group's own row (queue -1), or a queue (under group, or -1). */
struct qrow {
	int group;   /* index into snapshot.groups, or -1 */
	int queue;   /* index into snapshot.queues, or -1 */
};

struct qrows_opts {
	const char *filter;     /* "" or NULL: every queue; else a part of the name or display
	                           name, any case */
	enum qrows_sort sort;
	bool reverse;           /* best first (or Z to A) */
	const bool *folded;     /* per group index (n_folded of them): its queues hidden */
	size_t n_folded;
};

/* The most rows qrows_build can give for s. */
size_t qrows_max(const struct snapshot *s);

/* Fills out (room for qrows_max(s)) with the rows of s; returns how many.
 * Each group (in the file's order) is followed by its queues unless folded;
 * a queue in no group comes after the groups. With a filter, a queue shows
 * when its name or display name holds it (or its group's does), a group
 * when it or one of its queues does. Sorted by o->sort, the worst first
 * (most waiting, longest wait, lowest SL, highest abandon rate; a figure
 * with no value last), then by name in natural order. */
size_t qrows_build(const struct snapshot *s, const struct qrows_opts *o, struct qrow *out);

/* "name", "waiting", ... for the table's title. */
const char *qrows_sort_name(enum qrows_sort k);

#endif
