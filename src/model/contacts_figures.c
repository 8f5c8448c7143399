/* contacts_figures.c - the catalogue of contact figures (contacts_figures.h):
 * the rows, their values on a scope's view, the derived figures' exact
 * quotients (SPEC 6.3), and the built-in alert rules on them. */
#include "contacts_figures.h"
#include "contacts_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

#define LIVE(k, i, u, label, sl, scale, real, fl) \
	{ #k, #k, CTF_NOW, CTF_LIVE, i, u, label, sl, scale, real, fl }
#define CNT(p, P, k, i, u, label, sl, scale, real) \
	{ #p "." #k, #k, P, CTF_COUNT, i, u, label, sl, scale, real, 0 }
#define DER(p, P, k, i, u, label, sl, fl) \
	{ #p "." #k, #k, P, CTF_DERIVED, i, u, label, sl, 100, true, fl }
#define C(p, P, k, i, label, sl) CNT(p, P, k, i, FIG_UNIT_COUNT, label, sl, 1, false)
/* The counts and derived figures of a period, in the JSON's order. */
#define PERIOD(p, P) \
	C(p, P, created, CT_CREATED, "contacts created", "created"), \
	C(p, P, created_with_customer, CT_CREATED_WITH_CUSTOMER, "contacts with a customer", \
	  "w/ cust"), \
	C(p, P, resolved, CT_RESOLVED, "contacts resolved", "resolved"), \
	C(p, P, resolved_timed, CT_RESOLVED_TIMED, "resolutions timed", "res timed"), \
	C(p, P, reopened, CT_REOPENED, "contacts reopened", "reopened"), \
	C(p, P, abandoned, CT_ABANDONED, "contacts abandoned", "abandon"), \
	C(p, P, first_responses, CT_FIRST_RESPONSES, "first responses", "1st resp"), \
	C(p, P, first_responses_within, CT_FIRST_RESPONSES_WITHIN, \
	  "first responses within target", "in target"), \
	CNT(p, P, frt_sum_s, CT_FRT_SUM, FIG_UNIT_SECONDS, "first-response time", "FRT sum", \
	    1000, true), \
	CNT(p, P, resolution_sum_s, CT_RESOLUTION_SUM, FIG_UNIT_SECONDS, "resolution time", \
	    "res sum", 1000, true), \
	C(p, P, replies_resolved, CT_REPLIES_RESOLVED, "replies of resolved contacts", \
	  "replies"), \
	C(p, P, surveys, CT_SURVEYS, "surveys", "surveys"), \
	C(p, P, csat_n, CT_CSAT_N, "CSAT answers", "CSAT n"), \
	C(p, P, csat_satisfied, CT_CSAT_SATISFIED, "satisfied customers", "CSAT 4-5"), \
	C(p, P, nps_n, CT_NPS_N, "NPS answers", "NPS n"), \
	C(p, P, promoters, CT_PROMOTERS, "promoters", "promot"), \
	C(p, P, detractors, CT_DETRACTORS, "detractors", "detract"), \
	C(p, P, ces_n, CT_CES_N, "CES answers", "CES n"), \
	C(p, P, ces_sum, CT_CES_SUM, "CES sum", "CES sum"), \
	C(p, P, fcr_n, CT_FCR_N, "FCR answers", "FCR n"), \
	C(p, P, fcr_yes, CT_FCR_YES, "resolved at first contact (answers)", "FCR yes"), \
	C(p, P, sentiment_n, CT_SENTIMENT_N, "sentiment scores", "sent n"), \
	CNT(p, P, sentiment_sum, CT_SENTIMENT_SUM, FIG_UNIT_COUNT, "sentiment sum", "sent sum", \
	    100, true), \
	C(p, P, repeats, CT_REPEATS, "repeat contacts", "repeats"), \
	C(p, P, pivots, CT_PIVOTS, "channel pivots", "pivots"), \
	C(p, P, pivots_unanswered, CT_PIVOTS_UNANSWERED, "pivots while unanswered", \
	  "piv unans"), \
	DER(p, P, frt_avg_s, CD_FRT_AVG, FIG_UNIT_SECONDS, "first-response time", "FRT", \
	    CTF_TARGET), \
	DER(p, P, frt_within_pct, CD_FRT_WITHIN, FIG_UNIT_PCT, "first responses within target", \
	    "in tgt%", 0), \
	DER(p, P, resolution_avg_s, CD_RESOLUTION_AVG, FIG_UNIT_SECONDS, "resolution time", \
	    "resol", 0), \
	DER(p, P, replies_per_resolution, CD_REPLIES_PER_RESOLUTION, FIG_UNIT_COUNT, \
	    "replies per resolution", "rep/res", 0), \
	DER(p, P, abandon_rate_pct, CD_ABANDON_RATE, FIG_UNIT_PCT, "abandon rate", "aband%", 0), \
	DER(p, P, csat_pct, CD_CSAT, FIG_UNIT_PCT, "CSAT", "CSAT%", 0), \
	DER(p, P, nps, CD_NPS, FIG_UNIT_COUNT, "NPS", "NPS", 0), \
	DER(p, P, ces_avg, CD_CES, FIG_UNIT_COUNT, "CES", "CES", 0), \
	DER(p, P, fcr_pct, CD_FCR, FIG_UNIT_PCT, "first contact resolution", "FCR%", 0), \
	DER(p, P, repeat_rate_pct, CD_REPEAT_RATE, FIG_UNIT_PCT, "repeat rate", "repeat%", 0), \
	DER(p, P, sentiment_avg, CD_SENTIMENT, FIG_UNIT_COUNT, "sentiment", "sentim", 0), \
	DER(p, P, mix_pct, CD_MIX, FIG_UNIT_PCT, "share of contacts", "mix%", 0)

const struct ct_figure ct_figures[] = {
	LIVE(open, CL_OPEN, FIG_UNIT_COUNT, "open contacts", "open", 1, false, 0),
	LIVE(unanswered, CL_UNANSWERED, FIG_UNIT_COUNT, "unanswered contacts", "unans", 1, false,
	     0),
	LIVE(oldest_open_s, CL_OLDEST_OPEN, FIG_UNIT_SECONDS, "oldest open contact", "oldest",
	     1000, true, CTF_TARGET),
	LIVE(oldest_unanswered_s, CL_OLDEST_UNANSWERED, FIG_UNIT_SECONDS,
	     "oldest unanswered contact", "old unans", 1000, true, CTF_TARGET),
	LIVE(callbacks, CL_CALLBACKS, FIG_UNIT_COUNT, "callers to call back", "callback", 1, false,
	     CTF_NOJSON),
	PERIOD(today, CTF_TODAY),
	PERIOD(window, CTF_WINDOW),
};
const size_t ct_figures_count = sizeof ct_figures / sizeof ct_figures[0];

#undef PERIOD
#undef C
#undef CNT
#undef DER
#undef LIVE

const struct ct_figure *ct_figure_find(const char *name)
{
	for (size_t i = 0; i < ct_figures_count; i++)
		if (strcmp(ct_figures[i].name, name) == 0)
			return &ct_figures[i];
	return NULL;
}

const struct ct_figure *ct_figure_lookup_metric(const char *s)
{
	const struct ct_figure *f;
	char buf[96];
	if (strncmp(s, "contacts.", 9) == 0)
		s += 9;
	if ((f = ct_figure_find(s)) != NULL || strchr(s, '.'))
		return f;
	int n = snprintf(buf, sizeof buf, "window.%s", s);
	return n > 0 && (size_t)n < sizeof buf ? ct_figure_find(buf) : NULL;
}

const char *ct_figure_group(const struct ct_figure *f)
{
	return f->period == CTF_TODAY ? "today" : f->period == CTF_WINDOW ? "window" : "";
}

/* ---- derived figures (SPEC 6.3) ---- */

/* num / den rounded half away from zero. */
static int64_t round_div(__int128 num, __int128 den)
{
	bool neg = (num < 0) != (den < 0);
	if (num < 0)
		num = -num;
	if (den < 0)
		den = -den;
	__int128 q = (2 * num + den) / (2 * den);
	return (int64_t)(neg ? -q : q);
}

/* The numerator (in hundredths of the figure, times in ms) and denominator of
 * derived figure d of t. */
static void derive_terms(const struct ct_tally *t, int d, int64_t all_created, __int128 *num,
                         __int128 *den)
{
	const int64_t *v = t->v;
	switch (d) {
	case CD_FRT_AVG:
		*num = v[CT_FRT_SUM], *den = (__int128)v[CT_FIRST_RESPONSES] * 10;
		break;
	case CD_FRT_WITHIN:
		*num = (__int128)v[CT_FIRST_RESPONSES_WITHIN] * 10000, *den = v[CT_FIRST_RESPONSES];
		break;
	case CD_RESOLUTION_AVG:
		*num = v[CT_RESOLUTION_SUM], *den = (__int128)v[CT_RESOLVED_TIMED] * 10;
		break;
	case CD_REPLIES_PER_RESOLUTION:
		*num = (__int128)v[CT_REPLIES_RESOLVED] * 100, *den = v[CT_RESOLVED_TIMED];
		break;
	case CD_ABANDON_RATE:
		*num = (__int128)v[CT_ABANDONED] * 10000, *den = v[CT_CREATED];
		break;
	case CD_CSAT:
		*num = (__int128)v[CT_CSAT_SATISFIED] * 10000, *den = v[CT_CSAT_N];
		break;
	case CD_NPS:
		*num = (__int128)(v[CT_PROMOTERS] - v[CT_DETRACTORS]) * 10000, *den = v[CT_NPS_N];
		break;
	case CD_CES:
		*num = (__int128)v[CT_CES_SUM] * 100, *den = v[CT_CES_N];
		break;
	case CD_FCR:   /* from surveys that answer resolved; else 100 - repeat rate */
		if (v[CT_FCR_N])
			*num = (__int128)v[CT_FCR_YES] * 10000, *den = v[CT_FCR_N];
		else
			*num = (__int128)(v[CT_CREATED_WITH_CUSTOMER] - v[CT_REPEATS]) * 10000,
			*den = v[CT_CREATED_WITH_CUSTOMER];
		break;
	case CD_REPEAT_RATE:
		*num = (__int128)v[CT_REPEATS] * 10000, *den = v[CT_CREATED_WITH_CUSTOMER];
		break;
	case CD_SENTIMENT:
		*num = v[CT_SENTIMENT_SUM], *den = v[CT_SENTIMENT_N];
		break;
	default:       /* CD_MIX */
		*num = (__int128)v[CT_CREATED] * 10000, *den = all_created;
		break;
	}
}

/* The count derived figure d is judged on: its denominator's. */
static int64_t derive_count(const struct ct_tally *t, int d, int64_t all_created)
{
	__int128 num, den;
	derive_terms(t, d, all_created, &num, &den);
	switch (d) {
	case CD_FRT_AVG:
	case CD_RESOLUTION_AVG:
		return (int64_t)(den / 10);
	default:
		return (int64_t)den;
	}
}

static bool derive(const struct ct_tally *t, int d, int64_t all_created, int64_t *h)
{
	__int128 num, den;
	derive_terms(t, d, all_created, &num, &den);
	if (den == 0)
		return false;
	*h = round_div(num, den);
	return true;
}

bool contacts_derived(const struct ct_tally *t, const char *name, int64_t all_created,
                      int64_t *h)
{
	for (size_t i = 0; i < ct_figures_count; i++)
		if (ct_figures[i].kind == CTF_DERIVED && ct_figures[i].period == CTF_TODAY &&
		    strcmp(ct_figures[i].key, name) == 0)
			return derive(t, ct_figures[i].index, all_created, h);
	return false;
}

/* ---- values on a view ---- */

static int64_t live_value(const struct ct_view *v, int i)
{
	switch (i) {
	case CL_OPEN: return v->live.open;
	case CL_UNANSWERED: return v->live.unanswered;
	case CL_OLDEST_OPEN: return v->live.oldest_open_ms;
	case CL_OLDEST_UNANSWERED: return v->live.oldest_unanswered_ms;
	default: return v->callbacks;
	}
}

double ct_figure_value(const struct ct_figure *f, const struct ct_view *v)
{
	const struct ct_tally *t = f->period == CTF_TODAY ? v->today : v->window;
	int64_t all = f->period == CTF_TODAY ? v->all_today : v->all_window, h;
	switch (f->kind) {
	case CTF_LIVE:
		return (double)live_value(v, f->index) / f->scale;
	case CTF_COUNT:
		return (double)t->v[f->index] / f->scale;
	case CTF_DERIVED:
		return derive(t, f->index, all, &h) ? (double)h / 100.0 : NAN;
	}
	return NAN;
}

int64_t ct_figure_judged_count(const struct ct_figure *f, const struct ct_view *v)
{
	if (f->kind != CTF_DERIVED)
		return INT64_MAX;
	return f->period == CTF_TODAY ? derive_count(v->today, f->index, v->all_today)
	                              : derive_count(v->window, f->index, v->all_window);
}

/* ---- views ---- */

static int view_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ct_view *)a)->name, ((const struct ct_view *)b)->name);
}

static void view_fill(struct ct_view *v, const struct contacts *c, enum contacts_scope s,
                      size_t i, const struct contacts_live *live)
{
	const struct ct_scope *sc = contacts_scope(c, s, i);
	memset(v, 0, sizeof *v);
	v->scope = s;
	v->index = i;
	v->name = s == CS_TOTAL ? "total" : sc->name;
	v->display = v->name;
	if (s == CS_CHANNEL && c->conf.cfg) {
		const struct channel_conf *cc = config_channel(c->conf.cfg, sc->name);
		if (cc && cc->display)
			v->display = cc->display;
	}
	v->today = &sc->today;
	v->window = &sc->window;
	v->live = *live;
	v->all_today = c->total.today.v[CT_CREATED];
	v->all_window = c->total.window.v[CT_CREATED];
	v->frt_target_ms = contacts_frt_target_ms(c, s, i);
}

void ct_views_build(struct ct_views *v, const struct contacts *c)
{
	size_t nc = contacts_channel_count(c), nq = contacts_queue_count(c);
	struct contacts_live *lch = xmalloc((nc + 1) * sizeof *lch);
	struct contacts_live *lq = xmalloc((nq + 1) * sizeof *lq), lt;
	int64_t *cb = xcalloc(nq + 1, sizeof *cb);
	contacts_live_all(c, lch, lq, &lt);
	contacts_callback_counts(c, cb);
	v->n_channels = nc;
	v->n_queues = nq;
	v->channels = xmalloc((nc + 1) * sizeof *v->channels);
	v->queues = xmalloc((nq + 1) * sizeof *v->queues);
	for (size_t i = 0; i < nc; i++)
		view_fill(&v->channels[i], c, CS_CHANNEL, i, &lch[i]);
	for (size_t i = 0; i < nq; i++) {
		view_fill(&v->queues[i], c, CS_QUEUE, i, &lq[i]);
		v->queues[i].callbacks = cb[i];
		v->total.callbacks += cb[i];
	}
	int64_t total_cb = v->total.callbacks;
	view_fill(&v->total, c, CS_TOTAL, 0, &lt);
	v->total.callbacks = total_cb;
	for (size_t i = 0; i < nc; i++)   /* the callers of the callback list are voice's */
		if (strcmp(v->channels[i].name, "voice") == 0)
			v->channels[i].callbacks = total_cb;
	qsort(v->channels, nc, sizeof *v->channels, view_cmp);
	qsort(v->queues, nq, sizeof *v->queues, view_cmp);
	free(lch);
	free(lq);
	free(cb);
}

void ct_views_free(struct ct_views *v)
{
	free(v->channels);
	free(v->queues);
	memset(v, 0, sizeof *v);
}

/* ---- built-in alert rules ---- */

#define NONE { false, false, 0 }
#define AT(x) { true, false, x }
#define TARGET(x) { true, true, x }

/* An email unanswered past its first-response target (critical four hours
 * later); CSAT below 80 % (70 % critical) on a channel's today, once it has
 * ten answers; chat abandons in the window at 20 % (30 %), once ten chats
 * came in (the simulator's centre runs near 18 %). */
const struct ct_builtin ct_builtins[] = {
	{ "email_unanswered", "oldest_unanswered_s", "email", FIG_ABOVE,
	  { NONE, TARGET(0), TARGET(14400) }, 0, 0 },
	{ "csat_low", "today.csat_pct", "*", FIG_BELOW, { NONE, AT(80), AT(70) }, 0, 10 },
	{ "chat_abandon_high", "window.abandon_rate_pct", "chat", FIG_ABOVE,
	  { NONE, AT(20), AT(30) }, 60, 10 },
};
const size_t ct_builtins_count = sizeof ct_builtins / sizeof ct_builtins[0];
