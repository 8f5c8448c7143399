/* staffing_forecast.c - the calls and AHT staffing plans for (staffing.h):
 * the history's forecast when there is one, else today's own rate. */
#include "staffing.h"

#include <math.h>
#include "history.h"
#include "snapshot.h"

/* The history's forecast for the interval, when the board keeps a history
 * with a typical day for the queue: typical x the ratio today has run at
 * (SPEC 7). Returns false without one. */
static bool forecast_history(const struct snapshot *s, const struct snap_queue *q,
                             int64_t interval_start, struct staff_forecast *out)
{
	if (!s->history || !q->name ||
	    !history_forecast_calls(s->history, q->name, interval_start, &out->calls, &out->aht_s))
		return false;
	if (!isfinite(out->aht_s))
		out->aht_s = q->today.d.aht_s;   /* no handled call in the history then */
	out->source = STAFF_SRC_HISTORY;
	return true;
}

/* Today's calls per interval over the last completed hour (the up to four
 * intervals before the current one), and today's AHT. No completed interval
 * yet today: no forecast. */
static struct staff_forecast forecast_today(const struct snapshot *s, const struct snap_queue *q)
{
	struct staff_forecast fc = { NAN, q->today.d.aht_s, STAFF_SRC_NONE };
	int64_t cur = (s->as_of - s->day_start) / MODEL_INTERVAL_S;
	int first, last, n = 0;
	int64_t calls = 0;
	last = (int)(cur < q->n_intervals ? cur : q->n_intervals) - 1;
	first = last - 3 < 0 ? 0 : last - 3;
	for (int i = first; i <= last; i++, n++)
		calls += snapshot_interval(q, i)->offered;
	if (n == 0)
		return fc;
	fc.calls = (double)calls / n;
	fc.source = STAFF_SRC_TODAY;
	return fc;
}

struct staff_forecast staffing_forecast(const struct snapshot *s, const struct snap_queue *q,
                                        int64_t interval_start)
{
	struct staff_forecast fc;
	if (forecast_history(s, q, interval_start, &fc))
		return fc;
	return forecast_today(s, q);
}
