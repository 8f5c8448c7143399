/* history.h - past days in 15-minute intervals (SPEC 7): the rows one
 * interval leaves per queue and per channel, and what the board makes of
 * the past: typical (the median of the same weekday's interval), peak (today
 * against typical) and the forecast for the rest of today. Pure: time is
 * passed in; the SQLite store is out/history_store. */
#ifndef CCBOARD_HISTORY_H
#define CCBOARD_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "contacts.h"
#include "metrics.h"
#include "model.h"

#define HISTORY_INTERVAL_S 900

/* What a row counts for: a voice queue (SPEC 2 counts, and the SPEC 6 counts
 * of the contacts in a queue of that name) or a contact channel (SPEC 6). */
enum hist_kind { HIST_QUEUE, HIST_CHANNEL };

/* One (queue or channel, interval) row. name points into the recorder. */
struct hist_row {
	enum hist_kind kind;
	const char *name;
	int64_t start;               /* the interval's start, epoch */
	int32_t day;                 /* its board day as YYYYMMDD (day_start applied) */
	bool has_voice, has_ct;      /* which of the two sets of counts it carries */
	struct counts voice;
	struct ct_tally ct;
};

/* The stored columns: name and offset into struct counts, name and index into
 * struct ct_tally. Each ends with a NULL name. */
struct hist_column { const char *name; size_t offset; };
extern const struct hist_column history_voice_columns[];
extern const struct hist_column history_contact_columns[];

/* ---- the recorder: closed intervals from today's running counts ---------- */

struct hist_recorder;

/* Returns a recorder for a board whose day starts day_start_min after local
 * midnight. */
struct hist_recorder *hist_recorder_new(int day_start_min);
void hist_recorder_free(struct hist_recorder *r);

/* A new day_start (a reloaded configuration): the intervals opened from now
 * on belong to the board days it makes. */
void hist_recorder_set_day_start(struct hist_recorder *r, int day_start_min);

/* Returns the start of the interval the recorder has open (0 before the first
 * time it is given). */
int64_t hist_recorder_open(const struct hist_recorder *r);

/* Called with t, the time of what is about to be applied (an event, or the
 * clock's tick), before it is applied: when t lies past the open interval,
 * that interval is closed and its rows (today's counts of m and c minus what
 * the earlier intervals took, zero rows included for series seen before) are
 * handed to emit, then the interval of t is open. Returns the number of rows
 * emitted. */
typedef void (*hist_emit_fn)(void *ctx, const struct hist_row *rows, size_t n);
size_t hist_recorder_before(struct hist_recorder *r, int64_t t, const struct model *m,
                            const struct contacts *c, hist_emit_fn emit, void *ctx);

/* Emits the open interval's rows as they stand (at exit), without closing it.
 * Returns the number of rows. */
size_t hist_recorder_flush(struct hist_recorder *r, const struct model *m,
                           const struct contacts *c, hist_emit_fn emit, void *ctx);

/* True when the row counts nothing (a zero row deletes a stored one). */
bool hist_row_empty(const struct hist_row *row);

/* ---- day arithmetic ------------------------------------------------------ */

/* Returns YYYYMMDD of the board day that contains t. */
int32_t history_day_of(int64_t t, int day_start_min);
/* Returns the day n days after day (n may be negative). */
int32_t history_day_add(int32_t day, int n);
/* Returns the weekday of day, 0 = Sunday. */
int history_weekday(int32_t day);

/* Fills out (room for weeks) with the latest days before today on today's
 * weekday that are in have[] (n_have days, any order), newest first; returns
 * how many. Days further back than 2 * weeks + 4 weeks are not looked at. */
size_t history_same_weekdays(int32_t today, int weeks, const int32_t *have, size_t n_have,
                             int32_t *out);

/* Returns the median of v[0..n-1] (sorted in place); NAN when n is 0. */
double history_median(double *v, size_t n);

/* ---- typical, peak, forecast --------------------------------------------- */

struct history;

/* Returns an empty picture of the past (no typical day: every figure null). */
struct history *history_new(void);
void history_free(struct history *h);

/* Where the picture comes from, for the JSON: status "ok", "off" or "error"
 * with a detail, the database's path and the days it holds. Copied. */
void history_set_status(struct history *h, const char *status, const char *detail,
                        const char *path, int64_t days_held);

/* Returns the status set last ("ok", "off", "error") and its detail ("" for none). */
const char *history_status(const struct history *h, const char **detail);

/* Typical intervals of one board day: past_rows are the rows of the n_days
 * past days found (the same weekday, history_same_weekdays); day_start and
 * day_end bound today. A queue's typical interval at a time of day is the
 * median of its volume (offered calls, or created contacts for a queue with
 * no calls) at that local time of day on those days, a day without a row
 * counting 0; its typical AHT and service level come from their summed
 * counts. Replaces what h held. */
void history_set_typical(struct history *h, int64_t day_start, int64_t day_end,
                         const struct hist_row *past_rows, size_t n_rows, size_t n_days,
                         int wrapup_s);

/* The start of today h's typical was built for (0: none yet). */
int64_t history_typical_day(const struct history *h);

/* Today's volume of queue (offered calls in its 15-minute intervals from the
 * day's start, n of them, the last one open; iv[0] is interval first, those
 * before it empty) as of now: sets the per-interval ratios and the ratio so
 * far (the open interval's typical weighed by how much of it has passed). */
void history_observe(struct history *h, const char *queue, const struct interval *iv, int first,
                     int n, int64_t now);

/* A channel's contacts created today so far, as of now: its ratio to typical
 * so far (no per-interval ratios: the channel's intervals are not kept today). */
void history_observe_channel(struct history *h, const char *channel, double created_today,
                             int64_t now);

/* Peak days against normal days (the seeds' comparison): among the past days
 * of the typical day, a peak day's volume is at least HISTORY_PEAK_DAY_RATIO
 * times the median day's. [0] the peak days, [1] the others; NAN where a
 * figure has no denominator. */
#define HISTORY_PEAK_DAY_RATIO 1.2
struct hist_days_cmp {
	int days[2];
	double median_volume;
	double aht_s[2], service_level_pct[2], csat_pct[2];
};

/* Fills *out for queue; false without a typical day for it. */
bool history_days_compare(const struct history *h, const char *queue, struct hist_days_cmp *out);

/* Returns queue's ratio of today to typical so far; NAN when unknown. */
double history_peak_ratio(const struct history *h, const char *queue);
/* Whether a typical day is loaded (the JSON's queues then carry typical,
 * peak_ratio and forecast). */
bool history_has_typical(const struct history *h);

/* The forecast for the interval starting at interval_start (today): typical
 * calls x today's ratio so far, and the typical AHT there (NAN when no call
 * was handled then). Returns false when there is no typical for it. */
bool history_forecast_calls(const struct history *h, const char *queue, int64_t interval_start,
                            double *calls, double *aht_s);

/* Typical calls at interval slot i of today (NAN when none). */
double history_typical_calls(const struct history *h, const char *queue, int slot);

/* Adds the JSON of SPEC 7 to root: "history" {status, path, days}, and on each
 * object of root's "queues" array whose "name" has a typical day: "typical",
 * "peak_ratio", "forecast" and "peak_days" as of now; on each of "channels"
 * with one: "typical", "peak_ratio" and "peak_days". */
void history_json(const struct history *h, json_t *root, int64_t now);

#endif
