/* staffing.c - Erlang staffing per queue for now and the next interval
 * (staffing.h). */
#include "staffing.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "erlang.h"
#include "event.h"
#include "snapshot.h"
#include "util.h"

const char *staffing_model_name(enum staff_model m)
{
	return m == STAFF_ERLANG_A ? "erlang_a" : "erlang_c";
}

const char *staffing_source_name(enum staff_source s)
{
	switch (s) {
	case STAFF_SRC_TODAY:   return "today_last_hour";
	case STAFF_SRC_HISTORY: return "history";
	default:                return "none";
	}
}

double staffing_patience(const struct snap_queue *q)
{
	const struct counts *c = &q->today.c;
	if (c->abandoned < STAFF_MIN_ABANDONS || c->hold_s + c->abandon_wait_s <= 0)
		return NAN;
	return (double)(c->hold_s + c->abandon_wait_s) / (double)c->abandoned;
}

/* Sets the figures of out that follow from traffic a under out's model. */
static void staff_erlang(struct staff_interval *out, double a)
{
	double t = out->sl_threshold_s, tg = out->sl_target_pct / 100.0, sl;
	int n = out->available_agents;
	if (out->model == STAFF_ERLANG_A)
		out->required_agents = erlang_a_staff(a, out->aht_s, out->patience_s, t, tg, n, &sl);
	else
		out->required_agents = erlang_c_staff(a, out->aht_s, t, tg, n, &sl);
	out->sl_predicted_pct = sl * 100.0;
	out->gap = out->required_agents >= 0 ? out->required_agents - n : -1;
}

void staffing_interval(struct staff_interval *out, const struct staff_forecast *fc,
                       int available, int sl_threshold_s, double sl_target_pct,
                       enum staff_model want, double patience_s)
{
	bool use_a = want == STAFF_ERLANG_A && isfinite(patience_s) && patience_s > 0;
	int64_t start = out->interval_start;
	*out = (struct staff_interval){
		.interval_start = start, .forecast_calls = fc->calls, .aht_s = fc->aht_s,
		.traffic_erlangs = NAN, .sl_threshold_s = sl_threshold_s,
		.sl_target_pct = sl_target_pct, .required_agents = -1,
		.available_agents = available < 0 ? 0 : available, .gap = -1,
		.sl_predicted_pct = NAN, .model = use_a ? STAFF_ERLANG_A : STAFF_ERLANG_C,
		.source = fc->source, .patience_s = use_a ? patience_s : NAN,
	};
	if (!isfinite(fc->calls) || fc->calls < 0)
		return;
	if (fc->calls == 0) {            /* nobody to answer: nothing needed, no SL */
		out->traffic_erlangs = 0;
		out->required_agents = 0;
		out->gap = -out->available_agents;
		return;
	}
	if (!isfinite(fc->aht_s) || fc->aht_s <= 0)
		return;
	out->traffic_erlangs = fc->calls / (double)MODEL_INTERVAL_S * fc->aht_s;
	staff_erlang(out, out->traffic_erlangs);
}

/* Counts, per queue of s, the agents logged in to it and not paused there
 * whose device is not unavailable: the agents who can take its calls. */
static void count_available(const struct snapshot *s, int *avail)
{
	memset(avail, 0, s->n_queues * sizeof *avail);
	for (size_t ai = 0; ai < s->n_agents; ai++) {
		int st = s->agents[ai].status;
		if (st == MS_UNAVAILABLE || st == MS_INVALID || !s->agent_queues)
			continue;
		for (int k = 0; k < s->agent_n_queues[ai]; k++) {
			const struct snap_member *m = &s->agent_queues[ai][k];
			if (!m->paused && m->queue >= 0 && (size_t)m->queue < s->n_queues)
				avail[m->queue]++;
		}
	}
}

/* Grades agents_required by the current interval's gap, as the figure is
 * made: enough agents ok; short a warning; short with the predicted service
 * level more than 10 points under target (sl_low's critical) critical. */
static void grade_need(struct snap_queue *q)
{
	static const struct figure *f;   /* the figures are a static table: found once */
	const struct staff_interval *iv = &q->staffing.iv[0];
	if (!f)
		f = figure_find("agents_required");
	enum alert_severity sev = SEV_OK;
	if (!f)
		return;
	if (q->staffing.n == STAFF_INTERVALS && iv->required_agents >= 0 && iv->gap > 0)
		sev = iv->sl_predicted_pct < iv->sl_target_pct - 10 ? SEV_CRITICAL : SEV_WARNING;
	q->grade[figure_index(f)] = (unsigned char)sev;
}

/* What one interval's staffing was made of: staffing_interval's inputs.
 * The same inputs give the same interval, so a tick where a queue's forecast,
 * AHT, levels and agents held copies it instead of running Erlang again. */
struct staff_memo {
	bool set;
	int64_t start;
	struct staff_forecast fc;
	int avail, sl_threshold_s;
	double sl_target_pct, patience_s;
	enum staff_model want;
	struct staff_interval out;
};

/* The memos of the last fill, by queue (index in s->queues) and interval. */
struct staff_cache {
	struct staff_memo (*v)[STAFF_INTERVALS];
	size_t cap;
	size_t computed;         /* intervals run through Erlang (staffing_computed) */
};

static bool same_num(double x, double y)
{
	return x == y || (isnan(x) && isnan(y));
}

static bool memo_holds(const struct staff_memo *m, int64_t start, const struct staff_forecast *fc,
                       int avail, const struct snap_queue *q, enum staff_model want,
                       double patience)
{
	return m->set && m->start == start && same_num(m->fc.calls, fc->calls) &&
	       same_num(m->fc.aht_s, fc->aht_s) && m->fc.source == fc->source && m->avail == avail &&
	       m->sl_threshold_s == q->sl_threshold_s && same_num(m->sl_target_pct, q->sl_target_pct) &&
	       m->want == want && same_num(m->patience_s, patience);
}

static bool forecast_same(const struct staff_forecast *a, const struct staff_forecast *b)
{
	return same_num(a->calls, b->calls) && same_num(a->aht_s, b->aht_s) && a->source == b->source;
}

/* Fills interval iv (start set) of q, from memo m when its inputs held, else
 * from prev (NULL: none: the interval before, just filled from forecast
 * prev_fc with the same agents, levels and model) when the forecast is the
 * same: the next interval's is most often the current one's. */
static void staff_interval_memo(struct staff_cache *c, struct staff_memo *m,
                                struct staff_interval *iv, const struct staff_forecast *fc,
                                int avail, const struct snap_queue *q, enum staff_model want,
                                double patience, const struct staff_interval *prev,
                                const struct staff_forecast *prev_fc)
{
	int64_t start = iv->interval_start;
	if (m && memo_holds(m, start, fc, avail, q, want, patience)) {
		*iv = m->out;
		return;
	}
	if (prev && forecast_same(prev_fc, fc)) {
		*iv = *prev;
		iv->interval_start = start;
	} else {
		staffing_interval(iv, fc, avail, q->sl_threshold_s, q->sl_target_pct, want, patience);
		if (m)
			c->computed++;
	}
	if (!m)
		return;
	*m = (struct staff_memo){ true, start, *fc, avail, q->sl_threshold_s, q->sl_target_pct,
	                          patience, want, *iv };
}

static void staff_queue(struct snapshot *s, struct snap_queue *q, int avail, int64_t start,
                        struct staff_memo *memo)
{
	enum staff_model want = STAFF_ERLANG_C;
	struct staff_forecast fc[STAFF_INTERVALS];
	double patience;
	if (s->cfg && (s->cfg->n_queues ? config_queue(s->cfg, q->name).erlang
	                                : s->cfg->defaults.erlang) == STAFF_ERLANG_A)
		want = STAFF_ERLANG_A;
	patience = want == STAFF_ERLANG_A ? staffing_patience(q) : NAN;
	q->staffing.n = STAFF_INTERVALS;
	for (int k = 0; k < STAFF_INTERVALS; k++) {
		struct staff_interval *iv = &q->staffing.iv[k];
		iv->interval_start = start + (int64_t)k * MODEL_INTERVAL_S;
		fc[k] = staffing_forecast(s, q, iv->interval_start);
		staff_interval_memo(s->staff_cache, memo ? &memo[k] : NULL, iv, &fc[k], avail, q, want,
		                    patience, k ? &q->staffing.iv[k - 1] : NULL, k ? &fc[k - 1] : NULL);
	}
	grade_need(q);
}

/* The memos for s's queues (kept from fill to fill in s->staff_cache). */
static struct staff_memo (*staff_memos(struct snapshot *s))[STAFF_INTERVALS]
{
	struct staff_cache *c = s->staff_cache;
	if (!c)
		c = s->staff_cache = xcalloc(1, sizeof *c);
	if (s->n_queues > c->cap) {
		size_t cap = s->n_queues > c->cap * 2 ? s->n_queues : c->cap * 2;
		c->v = xrealloc(c->v, cap * sizeof *c->v);
		memset(c->v + c->cap, 0, (cap - c->cap) * sizeof *c->v);
		c->cap = cap;
	}
	return c->v;
}

size_t staffing_computed(const struct snapshot *s)
{
	return s->staff_cache ? s->staff_cache->computed : 0;
}

void staffing_cache_free(struct staff_cache *c)
{
	if (!c)
		return;
	free(c->v);
	free(c);
}

/* Prefetches the intervals today's forecast of q reads (staffing_forecast):
 * a queue's closed intervals are not read by the build, and are apart. */
static void forecast_prefetch(const struct snapshot *s, const struct snap_queue *q)
{
	int64_t cur = (s->as_of - s->day_start) / MODEL_INTERVAL_S;
	int last = (int)(cur < q->n_intervals ? cur : q->n_intervals) - 1;
	if (last < q->iv_first || !q->intervals)
		return;
	__builtin_prefetch(snapshot_interval(q, last > 3 ? last - 3 : 0));
	__builtin_prefetch(snapshot_interval(q, last));
}

void staffing_fill(struct snapshot *s)
{
	int64_t start;
	int *avail;
	struct staff_memo (*memo)[STAFF_INTERVALS];
	s->total.staffing.n = 0;
	if (s->as_of <= 0 || s->as_of < s->day_start) {
		for (size_t i = 0; i < s->n_queues; i++) {
			s->queues[i].staffing.n = 0;
			grade_need(&s->queues[i]);
		}
		return;
	}
	start = s->day_start + (s->as_of - s->day_start) / MODEL_INTERVAL_S * MODEL_INTERVAL_S;
	avail = NULL;
	if (!s->staff_avail) {           /* a build counts them as it goes */
		avail = xmalloc((s->n_queues ? s->n_queues : 1) * sizeof *avail);
		count_available(s, avail);
	}
	memo = staff_memos(s);
	for (size_t i = 0; i < s->n_queues; i++) {
		/* the history's forecast is found by the queue's name: the names,
		 * the model's, are apart in memory (a miss each) */
		if (s->history && i + 4 < s->n_queues && s->queues[i + 4].name)
			__builtin_prefetch(s->queues[i + 4].name);
		if (i + 8 < s->n_queues)
			forecast_prefetch(s, &s->queues[i + 8]);
		staff_queue(s, &s->queues[i], avail ? avail[i] : s->staff_avail[i], start, memo[i]);
	}
	free(avail);
}

/* A number rounded to 2 decimals, or null. */
static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(round(v * 100.0) / 100.0) : json_null();
}

/* An agent count, or null when unknown (negative). */
static json_t *jcount(int v, bool known)
{
	return known ? json_integer(v) : json_null();
}

json_t *staffing_json(const struct staff_queue *sq)
{
	json_t *a = json_array();
	for (int k = 0; k < sq->n; k++) {
		const struct staff_interval *iv = &sq->iv[k];
		bool req = iv->required_agents >= 0;
		json_t *o = json_object();
		json_object_set_new(o, "interval_start", json_integer((json_int_t)iv->interval_start));
		json_object_set_new(o, "forecast_calls", jnum(iv->forecast_calls));
		json_object_set_new(o, "aht_s", jnum(iv->aht_s));
		json_object_set_new(o, "traffic_erlangs", jnum(iv->traffic_erlangs));
		json_object_set_new(o, "sl_threshold_s", json_integer(iv->sl_threshold_s));
		json_object_set_new(o, "sl_target_pct", jnum(iv->sl_target_pct));
		json_object_set_new(o, "required_agents", jcount(iv->required_agents, req));
		json_object_set_new(o, "available_agents", json_integer(iv->available_agents));
		json_object_set_new(o, "gap", jcount(iv->gap, req));
		json_object_set_new(o, "sl_predicted_pct", jnum(iv->sl_predicted_pct));
		json_object_set_new(o, "model", json_string(staffing_model_name(iv->model)));
		json_object_set_new(o, "forecast_source", json_string(staffing_source_name(iv->source)));
		json_array_append_new(a, o);
	}
	return a;
}
