/* contacts_figures.h - the catalogue of contact figures (SPEC 6.3): one row
 * per value a channel, a queue's contacts or the channel total has (stable
 * name, unit, labels, where the value comes from). It is the sibling of the
 * voice catalogue (figures.h) and is walked the same way: the JSON writer
 * (contacts_json.c), alert metrics (alerts.c), /metrics (exposition.c) and
 * the text table (contacts_text.c) all read these rows, so a figure is
 * defined here once. Pure. */
#ifndef CCBOARD_CONTACTS_FIGURES_H
#define CCBOARD_CONTACTS_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "contacts.h"
#include "figures.h"

/* Where a row's value comes from. */
enum ctf_kind {
	CTF_LIVE,      /* the backlog as of now: index is an enum ct_live */
	CTF_COUNT,     /* a count of the period: index is an enum ct_count */
	CTF_DERIVED    /* a quotient of the period's counts: index is an enum ct_derived */
};
enum ctf_period { CTF_NOW, CTF_TODAY, CTF_WINDOW };

enum ct_live { CL_OPEN, CL_UNANSWERED, CL_OLDEST_OPEN, CL_OLDEST_UNANSWERED, CL_CALLBACKS,
	CL_COUNT };
enum ct_derived { CD_FRT_AVG, CD_FRT_WITHIN, CD_RESOLUTION_AVG, CD_REPLIES_PER_RESOLUTION,
	CD_ABANDON_RATE, CD_CSAT, CD_NPS, CD_CES, CD_FCR, CD_REPEAT_RATE, CD_SENTIMENT, CD_MIX,
	CD_COUNT };

#define CTF_NOJSON 1u  /* not a key of the SPEC 6.4 JSON (callbacks: a list of its own) */
#define CTF_TARGET 2u  /* an alert's 'target' threshold is the scope's first-response target */

struct ct_figure {
	const char *name;         /* stable: "oldest_unanswered_s", "today.csat_pct" */
	const char *key;          /* its JSON key inside its group: "csat_pct" */
	enum ctf_period period;
	enum ctf_kind kind;
	int index;
	enum fig_unit unit;
	const char *label;        /* in sentences (alert messages): "CSAT" */
	const char *short_label;  /* in column headings: "CSAT%" */
	int scale;                /* the model's units per unit of the value: 1000 for ms */
	bool real;                /* written as a JSON real (times, sums in hundredths) */
	unsigned flags;
};

extern const struct ct_figure ct_figures[];
extern const size_t ct_figures_count;

/* Returns the row named name exactly, or NULL. */
const struct ct_figure *ct_figure_find(const char *name);
/* Returns the row an alert's metric names: an exact name, or a count or
 * derived figure's bare key for the window's ("csat_pct" is window.csat_pct,
 * as the voice figures' short forms). A leading "contacts." is skipped. NULL
 * when it names none. */
const struct ct_figure *ct_figure_lookup_metric(const char *metric);
/* Returns "today", "window" or "" for f's period. */
const char *ct_figure_group(const struct ct_figure *f);

/* Everything one scope (a channel, a queue's contacts, the total) has, as
 * of the contacts' clock: what the rows read. */
struct ct_view {
	const char *name;              /* the channel's or queue's name; "total" */
	const char *display;           /* [channel.NAME] display, else the name */
	enum contacts_scope scope;
	size_t index;                  /* in the model's order (contacts_today's i) */
	const struct ct_tally *today, *window;
	struct contacts_live live;
	int64_t callbacks;             /* callers on the callback list, by their queue */
	int64_t all_today, all_window; /* every channel's created (mix_pct) */
	int64_t frt_target_ms;         /* 0: none (the total) */
};

/* The views of every channel and queue (each sorted by name) and the total. */
struct ct_views {
	size_t n_channels, n_queues;
	struct ct_view *channels, *queues;
	struct ct_view total;
};

/* Fills v from c (one walk of the backlog). Free with ct_views_free. */
void ct_views_build(struct ct_views *v, const struct contacts *c);
void ct_views_free(struct ct_views *v);

/* Returns f's value on v in its unit (seconds, percent, count); NAN when a
 * derived figure has no denominator (JSON null). */
double ct_figure_value(const struct ct_figure *f, const struct ct_view *v);
/* Returns the count f is judged on (an alert's min_count): a derived
 * figure's denominator (csat_n for csat_pct), INT64_MAX for the others. */
int64_t ct_figure_judged_count(const struct ct_figure *f, const struct ct_view *v);

/* ---- built-in alert rules on contact figures (overridden by [alert.NAME]) ---- */

struct ct_builtin {
	const char *rule;
	const char *figure;
	const char *channel;      /* "*" each channel, or a channel's name */
	int op;                   /* enum fig_op */
	struct fig_level level[3];   /* target: the scope's first-response target */
	int64_t for_s;
	int64_t min_count;
};
extern const struct ct_builtin ct_builtins[];
extern const size_t ct_builtins_count;

#endif
