/* qcells.h - the queue table's figures as drawn. Each row's cells are
 * written out and held; a frame redraws the rows whose grade changed (a
 * figure crossed a level), the selected one, rows new on the page, and of
 * the rest whose figures moved at most a budget, the longest held first.
 * A big table's rows so come round in turn every few seconds while a small
 * one is redrawn whole each second, and what a terminal receives per second
 * stays bounded however many queues move (a 1,000-queue centre moves every
 * row each second). Pure: no curses. */
#ifndef CCBOARD_QCELLS_H
#define CCBOARD_QCELLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QCELLS_MAX 20   /* columns a row can have */

struct qcell {
	char text[24];
	unsigned char sev;   /* enum alert_severity */
};

struct qcells_slot {
	struct qcell c[QCELLS_MAX];
	int64_t at;          /* when the cells were taken from the snapshot */
	uint32_t key;        /* the row's name (qcells_key) */
	uint64_t frame;      /* the last frame that drew it */
	bool held;
};

struct qcells {
	struct qcells_slot *slot;   /* by queue, then by group */
	size_t n;
	size_t *wait;               /* a frame's rows waiting for the budget */
	size_t n_wait;
	int64_t last_now;
	uint64_t frame;             /* frames decided so far */
};

/* A row of a frame: its slot (the queue's index, or n_queues + the group's),
 * the key of its name, its cells now, and whether it must show them now
 * (the selected row). */
struct qcells_row {
	size_t slot;
	uint32_t key;
	const struct qcell *fresh;
	bool now;
};

/* The key of a row's name (a queue's or a group's). */
uint32_t qcells_key(const char *name);

/* Makes room for n slots; a slot beyond the old count starts empty. */
void qcells_reserve(struct qcells *h, size_t n);

/* Decides what each of the n rows of a frame at time now shows, out[i]:
 * its fresh cells (then held, stamped now) when the row is new in its slot
 * or was not in the last frame (scrolled or sorted into the page), must show
 * them now, has a grade other than the held one, or the clock
 * stood still since the last frame (a key pressed, the end of a replay);
 * else the held cells when they equal the fresh ones; else, for at most
 * budget rows, the longest held first, the fresh cells; the others keep
 * their held cells. A budget below 1 shows every row fresh. */
void qcells_frame(struct qcells *h, const struct qcells_row *rows, size_t n, int ncols,
                  int64_t now, int budget, const struct qcell **out);

/* Frees the slots. */
void qcells_free(struct qcells *h);

#endif
