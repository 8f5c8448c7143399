/* figures.h - the catalogue of figures: one row per value a queue has in a
 * snapshot (stable name, unit, labels, getter), and how the graded ones are
 * graded. Alert metrics are looked up here; the JSON and text writers and the
 * screen's tables walk it. Pure. */
#ifndef CCBOARD_FIGURES_H
#define CCBOARD_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "snapshot.h"

enum fig_unit { FIG_UNIT_COUNT, FIG_UNIT_SECONDS, FIG_UNIT_PCT };
enum fig_type { FIG_INT, FIG_I64, FIG_REAL, FIG_FN };

#define FIG_RATE   1u   /* a rate: judged only on enough offered calls (min_offered 5) */
#define FIG_NOJSON 2u   /* not a key of the JSON snapshot */

struct figure {
	const char *name;         /* stable: "waiting", "agents.available", "window.asa_s" */
	enum fig_unit unit;
	const char *label;        /* in sentences (alert messages): "service level" */
	const char *short_label;  /* in column headings: "SL%" */
	enum fig_type type;
	size_t offset;            /* into struct snap_queue (FIG_INT, FIG_I64, FIG_REAL) */
	double (*get)(const struct snap_queue *q);   /* FIG_FN */
	unsigned flags;
};

/* The catalogue, in JSON order, and how many rows it has (figures[i] is the
 * figure of index i in struct snap_queue's grade[]). */
extern const struct figure figures[];
extern const size_t figures_count;

/* Returns the figure named name exactly, or NULL. */
const struct figure *figure_find(const char *name);
/* Returns the figure an alert's metric names: an exact name, or the short forms
 * alerts have always taken ("available" for agents.available, "offered" for
 * window.offered). NULL when it names none. */
const struct figure *figure_lookup_metric(const char *metric);
/* Returns f's index in figures[]. */
size_t figure_index(const struct figure *f);

/* Returns f's value on q; NAN when it has none (a rate with no calls). */
double figure_value(const struct figure *f, const struct snap_queue *q);
/* Returns "today", "window", "agents" or "" (the part of the name before the
 * dot), and the key after it through *key. Static storage. */
const char *figure_group(const struct figure *f, const char **key);
/* Returns " s", "%" or "" for f's unit. */
const char *figure_unit_suffix(const struct figure *f);

/* Returns the offered calls of the period f is judged on: today's for a today
 * figure, else the window's. */
int64_t figure_judged_offered(const struct figure *f, const struct snap_queue *q);

#endif
