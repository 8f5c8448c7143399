/* figures.c - the catalogue of figures and their grading (figures.h).
 *
 * A new figure is one row here plus its computation (in the model, or a
 * getter below); the JSON writer, alert metrics and grades follow from the
 * row, and a view shows it by naming it in its list of columns. */
#include "figures.h"

#include <math.h>
#include <string.h>

#define Q(member) offsetof(struct snap_queue, member)

/* A count, in seconds or calls, of period p (today or window). */
#define CNT(p, f, u, label, sl) \
	{ #p "." #f, u, label, sl, FIG_I64, Q(p.c.f), NULL, 0 }
/* A figure derived from period p's counts (NAN when its denominator is 0). */
#define DER(p, f, u, label, sl, fl) \
	{ #p "." #f, u, label, sl, FIG_REAL, Q(p.d.f), NULL, fl }
#define PERIOD(p) \
	CNT(p, offered, FIG_UNIT_COUNT, "offered", "offered"), \
	CNT(p, answered, FIG_UNIT_COUNT, "answered", "answered"), \
	CNT(p, answered_within_sl, FIG_UNIT_COUNT, "answered within SL", "in SL"), \
	CNT(p, abandoned, FIG_UNIT_COUNT, "abandoned", "abandon"), \
	CNT(p, abandoned_short, FIG_UNIT_COUNT, "short abandons", "short"), \
	CNT(p, abandoned_within_sl, FIG_UNIT_COUNT, "abandoned within SL", "ab in SL"), \
	CNT(p, timed_out, FIG_UNIT_COUNT, "timed out", "timeout"), \
	CNT(p, exited_key, FIG_UNIT_COUNT, "exited by key", "key"), \
	CNT(p, exited_empty, FIG_UNIT_COUNT, "exited empty", "empty"), \
	CNT(p, withdrawn, FIG_UNIT_COUNT, "withdrawn", "withdrawn"), \
	CNT(p, completed, FIG_UNIT_COUNT, "completed", "completed"), \
	CNT(p, transferred, FIG_UNIT_COUNT, "transferred", "transfer"), \
	CNT(p, talk_s, FIG_UNIT_SECONDS, "talk time", "talk"), \
	CNT(p, hold_s, FIG_UNIT_SECONDS, "hold time", "hold"), \
	CNT(p, abandon_wait_s, FIG_UNIT_SECONDS, "abandon wait time", "ab wait"), \
	DER(p, service_level_pct, FIG_UNIT_PCT, "service level", "SL%", FIG_RATE), \
	DER(p, abandon_rate_pct, FIG_UNIT_PCT, "abandon rate", "aband%", FIG_RATE), \
	DER(p, asa_s, FIG_UNIT_SECONDS, "ASA", "ASA", 0), \
	DER(p, aht_s, FIG_UNIT_SECONDS, "AHT", "AHT", 0), \
	DER(p, avg_abandon_wait_s, FIG_UNIT_SECONDS, "average abandon wait", "ab wait", 0)
#define AGENTS(f, label, sl) \
	{ "agents." #f, FIG_UNIT_COUNT, label, sl, FIG_INT, Q(agents.f), NULL, 0 }

/* Callers waiting while no agent of the queue is available (else 0). */
static double get_no_agent(const struct snap_queue *q)
{
	return q->waiting > 0 && q->agents.available == 0 ? q->waiting : 0;
}

const struct figure figures[] = {
	{ "waiting", FIG_UNIT_COUNT, "callers waiting", "wait", FIG_INT, Q(waiting), NULL, 0 },
	{ "longest_wait_s", FIG_UNIT_SECONDS, "longest wait", "longest", FIG_I64,
	  Q(longest_wait_s), NULL, 0 },
	AGENTS(logged_in, "agents logged in", "in"),
	AGENTS(on_call, "agents on call", "call"),
	AGENTS(paused, "agents paused", "pause"),
	AGENTS(wrapup, "agents in wrap-up", "wrap"),
	AGENTS(available, "agents available", "avail"),
	AGENTS(ringing, "agents ringing", "ring"),
	AGENTS(unavailable, "agents unavailable", "unavail"),
	PERIOD(today),
	PERIOD(window),
	{ "no_agent_available", FIG_UNIT_COUNT, "callers waiting with no agent available",
	  "no agent", FIG_FN, 0, get_no_agent, FIG_NOJSON },
};
const size_t figures_count = sizeof figures / sizeof figures[0];

#undef PERIOD
#undef CNT
#undef DER
#undef AGENTS

const struct figure *figure_find(const char *name)
{
	for (size_t i = 0; i < figures_count; i++)
		if (strcmp(figures[i].name, name) == 0)
			return &figures[i];
	return NULL;
}

/* Returns the figure name + suffix, or NULL. */
static const struct figure *find_prefixed(const char *prefix, const char *name)
{
	char buf[96];
	int n = snprintf(buf, sizeof buf, "%s%s", prefix, name);
	return n > 0 && (size_t)n < sizeof buf ? figure_find(buf) : NULL;
}

const struct figure *figure_lookup_metric(const char *s)
{
	const struct figure *f;
	if (strncmp(s, "today.", 6) == 0 || strncmp(s, "window.", 7) == 0)
		return figure_find(s);
	if (strncmp(s, "agents.", 7) == 0)
		s += 7;
	if ((f = find_prefixed("agents.", s)) != NULL)
		return f;
	if (strchr(s, '.') == NULL && (f = figure_find(s)) != NULL)
		return f;                              /* waiting, longest_wait_s, ... */
	return find_prefixed("window.", s);        /* a plain count or rate: the window's */
}

size_t figure_index(const struct figure *f)
{
	return (size_t)(f - figures);
}

double figure_value(const struct figure *f, const struct snap_queue *q)
{
	const char *base = (const char *)q + f->offset;
	switch (f->type) {
	case FIG_INT: return *(const int *)(const void *)base;
	case FIG_I64: return (double)*(const int64_t *)(const void *)base;
	case FIG_REAL: return *(const double *)(const void *)base;
	case FIG_FN: return f->get(q);
	}
	return NAN;
}

const char *figure_group(const struct figure *f, const char **key)
{
	static const char *const groups[] = { "today", "window", "agents" };
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		size_t n = strlen(groups[i]);
		if (strncmp(f->name, groups[i], n) == 0 && f->name[n] == '.') {
			if (key)
				*key = f->name + n + 1;
			return groups[i];
		}
	}
	if (key)
		*key = f->name;
	return "";
}

const char *figure_unit_suffix(const struct figure *f)
{
	return f->unit == FIG_UNIT_PCT ? "%" : f->unit == FIG_UNIT_SECONDS ? " s" : "";
}

int64_t figure_judged_offered(const struct figure *f, const struct snap_queue *q)
{
	return strncmp(f->name, "today.", 6) == 0 ? q->today.c.offered : q->window.c.offered;
}
