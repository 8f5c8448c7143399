/* figures.c - the catalogue of figures and their grading (figures.h).
 *
 * A new figure is one row here plus its computation (in the model, or a
 * getter below); the JSON writer, alert metrics and grades follow from the
 * row, and a view shows it by naming it in its list of columns. */
#include "figures.h"

#include <math.h>
#include <string.h>
#include "snapshot.h"

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

/* The service level Erlang predicts for the next interval with the agents
 * there now (staffing.h); NAN when unknown. */
static double get_sl_predicted(const struct snap_queue *q)
{
	return q->staffing.n == STAFF_INTERVALS ? q->staffing.iv[1].sl_predicted_pct : NAN;
}

/* The agents the current interval needs (staffing.h); NAN when unknown. */
static double get_agents_required(const struct snap_queue *q)
{
	return q->staffing.n == STAFF_INTERVALS && q->staffing.iv[0].required_agents >= 0
	       ? q->staffing.iv[0].required_agents : NAN;
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
	{ "sl_predicted_pct", FIG_UNIT_PCT, "predicted service level", "SL pred", FIG_FN, 0,
	  get_sl_predicted, FIG_NOJSON | FIG_NOEXPO },
	{ "agents_required", FIG_UNIT_COUNT, "agents required", "Need", FIG_FN, 0,
	  get_agents_required, FIG_NOJSON | FIG_NOEXPO },
};
const size_t figures_count = sizeof figures / sizeof figures[0];

_Static_assert(sizeof figures / sizeof figures[0] <= SNAP_MAX_FIGURES,
               "struct snap_queue's grade[] is too small for the catalogue");

#undef PERIOD
#undef CNT
#undef DER
#undef AGENTS

/* An agent's figures (agent_stats.c values them): the current call's length,
 * rings not answered in the window, the current pause's length. */
const struct figure agent_figures[] = {
	{ "call_duration_s", FIG_UNIT_SECONDS, "call", "call", FIG_FN, 0, NULL,
	  FIG_AGENT | FIG_NOJSON },
	{ "rna_count", FIG_UNIT_COUNT, "rings not answered", "missed", FIG_FN, 0, NULL,
	  FIG_AGENT | FIG_NOJSON },
	{ "pause_s", FIG_UNIT_SECONDS, "pause", "pause", FIG_FN, 0, NULL,
	  FIG_AGENT | FIG_NOJSON },
};
const size_t agent_figures_count = sizeof agent_figures / sizeof agent_figures[0];

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
	for (size_t i = 0; i < agent_figures_count; i++)
		if (strcmp(agent_figures[i].name, s) == 0)
			return &agent_figures[i];
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
	/* the first letter first: graded each build for every queue */
	return f->name[0] == 't' && strncmp(f->name, "today.", 6) == 0 ? q->today.c.offered
	                                                               : q->window.c.offered;
}

/* ---- grades -------------------------------------------------------------- */

#define NONE { false, false, 0 }
#define AT(x) { true, false, x }
#define TARGET(x) { true, true, x }

/* The built-in alert rules, in the order they are evaluated. Each grades the
 * figure it watches with the same levels on the screen as in the alerts panel
 * (the screen at once, the alert after for_s). The SL levels are offsets from
 * each queue's sl_target_pct. */
const struct fig_builtin figure_builtins[] = {
	{ "sl_low", "window.service_level_pct", FIG_BELOW, { NONE, TARGET(0), TARGET(-10) }, 30 },
	{ "longest_wait", "longest_wait_s", FIG_ABOVE, { NONE, AT(60), AT(120) }, 0 },
	{ "abandon_high", "window.abandon_rate_pct", FIG_ABOVE, { NONE, AT(10), AT(20) }, 30 },
	{ "no_agent", "no_agent_available", FIG_ABOVE, { NONE, NONE, AT(1) }, 10 },
};
const size_t figure_builtins_count = sizeof figure_builtins / sizeof figure_builtins[0];

#undef NONE
#undef AT
#undef TARGET

struct fig_grading figure_builtin_grading(const struct fig_builtin *b)
{
	struct fig_grading g = { figure_find(b->figure), b->op,
	                         { b->level[0], b->level[1], b->level[2] }, 0 };
	g.min_offered = g.f && (g.f->flags & FIG_RATE) ? 5 : 0;
	return g;
}

double figure_level_value(const struct fig_level *lv, const struct snap_queue *q)
{
	return lv->target ? q->sl_target_pct + lv->v : lv->v;
}

enum alert_severity figure_grade_value(const struct fig_grading *g, const struct snap_queue *q,
                                       double v)
{
	if (figure_judged_offered(g->f, q) < g->min_offered)
		return SEV_OK;
	return figure_grade_levels(g, q, v);
}

/* The levels of g on q worked out: a value is then graded by grade_levels_at
 * alone (thousands of waiting callers a build, against the same levels). */
struct grade_levels {
	int op;
	bool set[SEV_CRITICAL + 1];
	double at[SEV_CRITICAL + 1];
};

static void grade_levels_of(struct grade_levels *l, const struct fig_grading *g,
                            const struct snap_queue *q)
{
	l->op = g->op;
	for (int lv = SEV_WARNING; lv <= SEV_CRITICAL; lv++)
		if ((l->set[lv] = g->level[lv].set))
			l->at[lv] = figure_level_value(&g->level[lv], q);
}

static enum alert_severity grade_levels_at(const struct grade_levels *l, double v)
{
	if (isnan(v))
		return SEV_OK;
	for (int lv = SEV_CRITICAL; lv >= SEV_WARNING; lv--)
		if (l->set[lv] && (l->op == FIG_BELOW ? v < l->at[lv] : v >= l->at[lv]))
			return (enum alert_severity)lv;
	return SEV_OK;
}

enum alert_severity figure_grade_levels(const struct fig_grading *g, const struct snap_queue *q,
                                        double v)
{
	struct grade_levels l;
	if (isnan(v))
		return SEV_OK;
	grade_levels_of(&l, g, q);
	return grade_levels_at(&l, v);
}

enum alert_severity figure_grade(const struct fig_grading *g, const struct snap_queue *q)
{
	return figure_grade_value(g, q, figure_value(g->f, q));
}

/* Each waiting caller of q graded by g (the longest wait's grading) as
 * figure_grade_value grades its wait, the levels worked out once for the
 * queue. */
static void grade_callers(struct snap_queue *q, const struct fig_grading *g)
{
	struct grade_levels l;
	if (figure_judged_offered(g->f, q) < g->min_offered) {
		memset(q->caller_grade, SEV_OK, (size_t)q->n_callers);
		return;
	}
	grade_levels_of(&l, g, q);
	for (int k = 0; k < q->n_callers; k++)
		q->caller_grade[k] = (unsigned char)grade_levels_at(&l, (double)q->callers[k].waiting_s);
}

void figures_grade_queue(struct snap_queue *q, const struct fig_grading *g, size_t n)
{
	memset(q->grade, SEV_OK, sizeof q->grade);
	for (int k = 0; k < q->n_callers; k++)
		q->caller_grade[k] = SEV_OK;
	for (size_t i = 0; i < n; i++) {
		if (!g[i].f)
			continue;
		q->grade[figure_index(g[i].f)] = (unsigned char)figure_grade(&g[i], q);
		if (g[i].f->name[0] == 'l' && strcmp(g[i].f->name, "longest_wait_s") == 0)
			grade_callers(q, &g[i]);           /* the longest's grade is the queue's */
	}
}
