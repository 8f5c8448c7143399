/* figures.h - the catalogue of figures: one row per value a queue has in a
 * snapshot (stable name, unit, labels, getter), and how the graded ones are
 * graded. Alert metrics are looked up here; the JSON and text writers and the
 * screen's tables walk it. Pure. */
#ifndef CCBOARD_FIGURES_H
#define CCBOARD_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct snap_queue;   /* snapshot.h */

/* A figure's grade, beside its value in the snapshot. */
enum alert_severity { SEV_OK = 0, SEV_WARNING = 1, SEV_CRITICAL = 2 };

enum fig_unit { FIG_UNIT_COUNT, FIG_UNIT_SECONDS, FIG_UNIT_PCT };
enum fig_type { FIG_INT, FIG_I64, FIG_REAL, FIG_FN };

#define FIG_RATE   1u   /* a rate: judged only on enough offered calls (min_offered 5) */
#define FIG_NOJSON 2u   /* not a key of the JSON snapshot */
#define FIG_AGENT  4u   /* a figure of one agent (agent_figures[]), for alerts:
                           valued by agent_figure_value, never on a queue */
#define FIG_NOEXPO 8u   /* not a family of /metrics (written there under its own name) */

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

/* The figures of one agent that alert rules may watch (FIG_AGENT). */
extern const struct figure agent_figures[];
extern const size_t agent_figures_count;

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

/* ---- grades ---- */

enum fig_op { FIG_ABOVE = 1, FIG_BELOW = 2 };

/* One level of a grading: a number, or an offset from the queue's SL target. */
struct fig_level {
	bool set;
	bool target;
	double v;
};

/* How one figure is graded: the levels of the built-in alert rule that watches it. */
struct fig_grading {
	const struct figure *f;
	int op;                             /* enum fig_op */
	struct fig_level level[3];          /* indexed by SEV_WARNING, SEV_CRITICAL */
	int64_t min_offered;
};

/* A built-in alert rule: the default grading of one figure, and the alert. */
struct fig_builtin {
	const char *rule;                   /* the [alert.NAME] that overrides it */
	const char *figure;
	int op;
	struct fig_level level[3];
	int64_t for_s;                      /* the alert's only: a grade is at once */
};
extern const struct fig_builtin figure_builtins[];
extern const size_t figure_builtins_count;

/* Returns the grading that built-in rule b gives its figure. */
struct fig_grading figure_builtin_grading(const struct fig_builtin *b);

/* Returns the number a level stands for on q (target levels add q's SL target). */
double figure_level_value(const struct fig_level *lv, const struct snap_queue *q);
/* Returns the highest level of g that v is at or beyond (above: >=, below: <)
 * on q; SEV_OK for NAN. */
enum alert_severity figure_grade_levels(const struct fig_grading *g, const struct snap_queue *q,
                                        double v);
/* Returns the grade of value v of g's figure on q: its level, or SEV_OK when
 * the period has fewer than g->min_offered offered calls. */
enum alert_severity figure_grade_value(const struct fig_grading *g, const struct snap_queue *q,
                                       double v);
/* Returns the grade of g's figure on q (its value graded). */
enum alert_severity figure_grade(const struct fig_grading *g, const struct snap_queue *q);

/* Sets every q->grade[] from the gradings (n of them; ungraded figures are
 * SEV_OK), and each waiting caller's grade by the longest wait's grading. */
void figures_grade_queue(struct snap_queue *q, const struct fig_grading *g, size_t n);

#endif
