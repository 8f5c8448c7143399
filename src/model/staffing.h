/* staffing.h - per queue, for the current and the next 15-minute interval:
 * forecast calls, AHT, traffic, the agents Erlang C (or A) says the SLA
 * needs, the agents there are, the gap and the service level predicted with
 * them (SPEC 7). Pure: reads a snapshot, writes its queues' staffing. */
#ifndef CCBOARD_STAFFING_H
#define CCBOARD_STAFFING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct snapshot;     /* snapshot.h */
struct snap_queue;

enum staff_model { STAFF_ERLANG_C, STAFF_ERLANG_A };

/* Today's abandons below which Erlang A falls back to Erlang C: too few to
 * estimate the callers' patience. */
#define STAFF_MIN_ABANDONS 10

/* Where an interval's forecast came from. */
enum staff_source {
	STAFF_SRC_NONE,          /* no forecast: nothing known */
	STAFF_SRC_TODAY,         /* today's arrival rate over the last completed hour */
	STAFF_SRC_HISTORY        /* the history's forecast (typical x today's ratio) */
};

/* One interval's staffing. Unknown numbers are NAN (forecast, AHT, traffic,
 * predicted SL) or -1 (required agents, gap). */
struct staff_interval {
	int64_t interval_start;
	double forecast_calls;        /* calls offered in the interval */
	double aht_s;
	double traffic_erlangs;       /* forecast calls / 900 s x AHT */
	int sl_threshold_s;
	double sl_target_pct;
	int required_agents;          /* -1 unknown */
	int available_agents;         /* logged in, not paused, device not unavailable */
	int gap;                      /* required - available (negative: to spare); valid
	                                 when required_agents >= 0 */
	double sl_predicted_pct;      /* with available_agents; NAN with no calls forecast */
	enum staff_model model;
	enum staff_source source;
	double patience_s;            /* Erlang A's mean patience; NAN under Erlang C */
};

/* A queue's staffing: none for the total and before the model has a clock. */
#define STAFF_INTERVALS 2          /* [0] the current interval, [1] the next */
struct staff_queue {
	int n;                                    /* 0 or STAFF_INTERVALS */
	struct staff_interval iv[STAFF_INTERVALS];
};

/* What a forecast says for one interval of one queue. */
struct staff_forecast {
	double calls;       /* calls offered in the interval */
	double aht_s;       /* NAN: unknown */
	enum staff_source source;
};

/* Returns the forecast for the interval of q (a queue of s) that starts at
 * interval_start: the history's when it has one, else today's own rate over
 * the last completed hour with today's AHT (staffing_forecast.c). */
struct staff_forecast staffing_forecast(const struct snapshot *s, const struct snap_queue *q,
                                        int64_t interval_start);

/* Fills the staffing of every queue of s (as of s->as_of, s->day_start, its
 * agents and s->cfg's erlang per queue); the total gets none. An interval
 * whose inputs (forecast, AHT, levels, agents, model) are those of the last
 * fill of s is copied from it, not computed again (s->staff_cache); so is
 * the next interval whose forecast is the current one's. */
void staffing_fill(struct snapshot *s);

/* How many intervals the fills of s have run through Erlang (not copied). */
size_t staffing_computed(const struct snapshot *s);

struct staff_cache;
/* Frees what staffing_fill keeps in a snapshot (snapshot_free calls it). */
void staffing_cache_free(struct staff_cache *c);

/* Fills one interval: the Erlang model (A only when wanted and patience is
 * known, patience_s > 0) on forecast fc with available agents. */
void staffing_interval(struct staff_interval *out, const struct staff_forecast *fc,
                       int available, int sl_threshold_s, double sl_target_pct,
                       enum staff_model want, double patience_s);

/* Returns the mean patience today's abandons show for q, or NAN with fewer
 * than STAFF_MIN_ABANDONS: (wait of answered + wait of abandoned calls) /
 * abandons, the maximum-likelihood estimate for exponential patience. */
double staffing_patience(const struct snap_queue *q);

/* Returns sq as the JSON array of SPEC 7 (new reference): one object per
 * interval with interval_start, forecast_calls, aht_s, traffic_erlangs,
 * sl_threshold_s, sl_target_pct, required_agents, available_agents, gap,
 * sl_predicted_pct, model and forecast_source; unknown numbers are null. */
struct json_t *staffing_json(const struct staff_queue *sq);

/* "erlang_c" / "erlang_a"; "today_last_hour" / "history" / "none". */
const char *staffing_model_name(enum staff_model m);
const char *staffing_source_name(enum staff_source s);

#endif
