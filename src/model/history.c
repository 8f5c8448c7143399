/* history.c - interval rows from today's running counts, and typical, peak
 * and forecast from past rows (see history.h). */
#include "history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "strmap.h"
#include "util.h"

#define CNT(f) { #f, offsetof(struct counts, f) }
const struct hist_column history_voice_columns[] = {
	CNT(offered), CNT(answered), CNT(answered_within_sl), CNT(abandoned), CNT(abandoned_short),
	CNT(abandoned_within_sl), CNT(timed_out), CNT(exited_key), CNT(exited_empty),
	CNT(withdrawn), CNT(completed), CNT(transferred), CNT(talk_s), CNT(hold_s),
	CNT(abandon_wait_s), { NULL, 0 }
};
_Static_assert(COUNTS_NFIELDS == 15, "a new counts field needs a history column");

const struct hist_column history_contact_columns[] = {
	{ "created", CT_CREATED }, { "created_with_customer", CT_CREATED_WITH_CUSTOMER },
	{ "resolved", CT_RESOLVED }, { "resolved_timed", CT_RESOLVED_TIMED },
	{ "reopened", CT_REOPENED }, { "abandoned", CT_ABANDONED },
	{ "first_responses", CT_FIRST_RESPONSES },
	{ "first_responses_within", CT_FIRST_RESPONSES_WITHIN }, { "frt_sum_ms", CT_FRT_SUM },
	{ "resolution_sum_ms", CT_RESOLUTION_SUM }, { "replies_resolved", CT_REPLIES_RESOLVED },
	{ "surveys", CT_SURVEYS }, { "csat_n", CT_CSAT_N }, { "csat_satisfied", CT_CSAT_SATISFIED },
	{ "nps_n", CT_NPS_N }, { "promoters", CT_PROMOTERS }, { "detractors", CT_DETRACTORS },
	{ "ces_n", CT_CES_N }, { "ces_sum", CT_CES_SUM }, { "fcr_n", CT_FCR_N },
	{ "fcr_yes", CT_FCR_YES }, { "sentiment_n", CT_SENTIMENT_N },
	{ "sentiment_sum", CT_SENTIMENT_SUM }, { "repeats", CT_REPEATS }, { "pivots", CT_PIVOTS },
	{ "pivots_unanswered", CT_PIVOTS_UNANSWERED }, { NULL, 0 }
};
_Static_assert(CT_COUNT == 26, "a new contact count needs a history column");

/* ---- day arithmetic ------------------------------------------------------ */

static int32_t day_pack(int64_t y, int m, int d)
{
	return (int32_t)(y * 10000 + m * 100 + d);
}

static int64_t day_serial(int32_t day)
{
	return util_days_from_civil(day / 10000, day / 100 % 100, day % 100);
}

/* The civil date of a day count (Howard Hinnant's days_to_civil). */
static int32_t day_from_serial(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	return day_pack(yoe + era * 400 + (m <= 2), m, d);
}

int32_t history_day_of(int64_t t, int day_start_min)
{
	int64_t start, end;
	int y, m, d;
	util_day_bounds(t, day_start_min, &start, &end);
	util_local_date(start, &y, &m, &d);
	return day_pack(y, m, d);
}

int32_t history_day_add(int32_t day, int n)
{
	return day_from_serial(day_serial(day) + n);
}

int history_weekday(int32_t day)
{
	int64_t w = (day_serial(day) + 4) % 7;    /* 1970-01-01 was a Thursday */
	return (int)(w < 0 ? w + 7 : w);
}

static bool day_in(int32_t day, const int32_t *have, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (have[i] == day)
			return true;
	return false;
}

size_t history_same_weekdays(int32_t today, int weeks, const int32_t *have, size_t n_have,
                             int32_t *out)
{
	size_t n = 0;
	for (int k = 1; k <= 2 * weeks + 4 && n < (size_t)weeks; k++) {
		int32_t d = history_day_add(today, -7 * k);
		if (day_in(d, have, n_have))
			out[n++] = d;
	}
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double history_median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- the recorder ---------------------------------------------------------- */

struct rec_series {
	enum hist_kind kind;
	bool has_voice, has_ct;        /* seen with these counts */
	struct counts base;            /* today's counts when the last interval closed */
	struct ct_tally base_ct;
	const struct counts *now_v;    /* capture's: today's counts now (NULL: absent) */
	const struct ct_tally *now_c;
};

struct hist_recorder {
	int day_start_min;
	int64_t open;
	int32_t open_day;
	int64_t day_start, day_end;    /* the open interval's day (bounds are dear to compute) */
	struct strmap names[2];        /* by kind: name -> index into series[kind] */
	struct rec_series *series[2];
	size_t cap[2];
	struct hist_row *rows;
	size_t cap_rows;
};

struct hist_recorder *hist_recorder_new(int day_start_min)
{
	struct hist_recorder *r = xcalloc(1, sizeof *r);
	r->day_start_min = day_start_min;
	strmap_init(&r->names[0]);
	strmap_init(&r->names[1]);
	return r;
}

void hist_recorder_free(struct hist_recorder *r)
{
	if (r == NULL)
		return;
	for (int k = 0; k < 2; k++) {
		strmap_free(&r->names[k]);
		free(r->series[k]);
	}
	free(r->rows);
	free(r);
}

void hist_recorder_set_day_start(struct hist_recorder *r, int day_start_min)
{
	r->day_start_min = day_start_min;
	r->day_start = r->day_end = 0;     /* the bounds computed again */
}

int64_t hist_recorder_open(const struct hist_recorder *r)
{
	return r->open;
}

static struct rec_series *series_of(struct hist_recorder *r, enum hist_kind kind,
                                    const char *name, size_t *index)
{
	size_t before = r->names[kind].count;
	int32_t i = strmap_intern(&r->names[kind], name);
	if ((size_t)i >= before) {
		if ((size_t)i >= r->cap[kind]) {
			r->cap[kind] = r->cap[kind] ? r->cap[kind] * 2 : 16;
			r->series[kind] = xrealloc(r->series[kind], r->cap[kind] * sizeof *r->series[kind]);
		}
		memset(&r->series[kind][i], 0, sizeof r->series[kind][i]);
		r->series[kind][i].kind = kind;
	}
	*index = (size_t)i;
	return &r->series[kind][i];
}

/* d = now - base, field by field; a count that went down means the series
 * started again (forgotten and seen anew, a new day): all of now. */
static void delta(int64_t *d, const int64_t *now, const int64_t *base, size_t n)
{
	bool reset = false;
	for (size_t i = 0; i < n; i++)
		reset |= now[i] < base[i];
	for (size_t i = 0; i < n; i++)
		d[i] = reset ? now[i] : now[i] - base[i];
}

/* The rows of the open interval, one per series the recorder knows (zero for
 * one absent now), into r->rows; each series' base moves to now unless keep. */
static size_t capture(struct hist_recorder *r, const struct model *m, const struct contacts *c,
                      bool keep)
{
	static const struct counts no_counts;
	static const struct ct_tally no_tally;
	size_t idx, n = 0, need;
	struct rec_series *s;
	/* today's counts read where they are, not copied: no scratch as large as
	 * the series to clear and, the first times, to fault in */
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < r->names[k].count; i++)
			r->series[k][i].now_v = NULL, r->series[k][i].now_c = NULL;
	/* learn every series present, with its today counts */
	for (size_t qi = 0; qi < model_queue_count(m); qi++) {
		s = series_of(r, HIST_QUEUE, model_queue_name(m, qi), &idx);
		s->has_voice = true;
		s->now_v = model_queue_today(m, qi);
	}
	if (c && contacts_any(c)) {
		for (size_t i = 0; i < contacts_queue_count(c); i++) {
			s = series_of(r, HIST_QUEUE, contacts_queue_name(c, i), &idx);
			s->has_ct = true;
			s->now_c = contacts_today(c, CS_QUEUE, i);
		}
		for (size_t i = 0; i < contacts_channel_count(c); i++) {
			s = series_of(r, HIST_CHANNEL, contacts_channel_name(c, i), &idx);
			s->has_ct = true;
			s->now_c = contacts_today(c, CS_CHANNEL, i);
		}
	}
	need = r->names[0].count + r->names[1].count;
	if (need > r->cap_rows) {        /* one row a series */
		r->cap_rows = need;
		r->rows = xrealloc(r->rows, need * sizeof *r->rows);
	}
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < r->names[k].count; i++) {
			s = &r->series[k][i];
			const struct counts *v = k == HIST_QUEUE && s->now_v ? s->now_v : &no_counts;
			const struct ct_tally *ct = s->now_c ? s->now_c : &no_tally;
			struct hist_row *row = &r->rows[n++];
			memset(row, 0, sizeof *row);
			row->kind = (enum hist_kind)k;
			row->name = r->names[k].keys[i];
			row->start = r->open;
			row->day = r->open_day;
			row->has_voice = s->has_voice;
			row->has_ct = s->has_ct;
			delta((int64_t *)&row->voice, (const int64_t *)v, (const int64_t *)&s->base,
			      COUNTS_NFIELDS);
			delta(row->ct.v, ct->v, s->base_ct.v, CT_COUNT);
			if (!keep) {
				s->base = *v;
				s->base_ct = *ct;
			}
		}
	}
	return n;
}

static void reset_bases(struct hist_recorder *r)
{
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < r->names[k].count; i++) {
			memset(&r->series[k][i].base, 0, sizeof r->series[k][i].base);
			memset(&r->series[k][i].base_ct, 0, sizeof r->series[k][i].base_ct);
		}
}

static int64_t interval_of(int64_t t)
{
	int64_t r = t % HISTORY_INTERVAL_S;
	return t - (r < 0 ? r + HISTORY_INTERVAL_S : r);
}

size_t hist_recorder_before(struct hist_recorder *r, int64_t t, const struct model *m,
                            const struct contacts *c, hist_emit_fn emit, void *ctx)
{
	int64_t iv = interval_of(t);
	size_t n = 0;
	if (r->open != 0 && iv <= r->open)
		return 0;
	if (r->open != 0) {
		n = capture(r, m, c, false);
		if (n)
			emit(ctx, r->rows, n);
	}
	int32_t day = r->open_day;
	if (iv < r->day_start || iv >= r->day_end) {
		int y, mon, d;
		util_day_bounds(iv, r->day_start_min, &r->day_start, &r->day_end);
		util_local_date(r->day_start, &y, &mon, &d);
		day = day_pack(y, mon, d);
	}
	if (r->open != 0 && day != r->open_day)
		reset_bases(r);        /* the model's today starts again with that day */
	r->open = iv;
	r->open_day = day;
	return n;
}

size_t hist_recorder_flush(struct hist_recorder *r, const struct model *m,
                           const struct contacts *c, hist_emit_fn emit, void *ctx)
{
	if (r->open == 0)
		return 0;
	size_t n = capture(r, m, c, true);
	if (n)
		emit(ctx, r->rows, n);
	return n;
}

bool hist_row_empty(const struct hist_row *row)
{
	const int64_t *v = (const int64_t *)&row->voice;
	for (size_t i = 0; i < COUNTS_NFIELDS; i++)
		if (v[i])
			return false;
	for (size_t i = 0; i < CT_COUNT; i++)
		if (row->ct.v[i])
			return false;
	return true;
}

/* ---- typical, peak, forecast ------------------------------------------------ */

/* One queue's typical day and today against it. */
struct hq {
	double calls[MODEL_MAX_INTERVALS];     /* typical volume per slot; NAN: none */
	double handled[MODEL_MAX_INTERVALS];   /* summed over the past days */
	double talk[MODEL_MAX_INTERVALS];
	double sl_num[MODEL_MAX_INTERVALS], sl_den[MODEL_MAX_INTERVALS];
	double actual[MODEL_MAX_INTERVALS];    /* today's volume */
	int n_actual;                          /* today's slots observed */
	double ratio;                          /* so far; NAN unknown */
	double open_frac;                      /* how much of the open slot has passed */
	int wrapup_s;
	struct hist_days_cmp days_cmp;         /* the past peak days against the others */
};

struct history {
	char status[16], detail[128];
	char *path;
	int64_t days_held;
	int64_t day_start, day_end;
	int n_slots;
	size_t n_days;
	struct strmap names;
	struct hq *q;
	size_t cap;
};

struct history *history_new(void)
{
	struct history *h = xcalloc(1, sizeof *h);
	strmap_init(&h->names);
	snprintf(h->status, sizeof h->status, "off");
	return h;
}

void history_free(struct history *h)
{
	if (h == NULL)
		return;
	strmap_free(&h->names);
	free(h->q);
	free(h->path);
	free(h);
}

void history_set_status(struct history *h, const char *status, const char *detail,
                        const char *path, int64_t days_held)
{
	snprintf(h->status, sizeof h->status, "%s", status);
	snprintf(h->detail, sizeof h->detail, "%s", detail ? detail : "");
	if (path != h->path) {
		free(h->path);
		h->path = path ? xstrdup(path) : NULL;
	}
	h->days_held = days_held;
}

const char *history_status(const struct history *h, const char **detail)
{
	*detail = h->detail;
	return h->status;
}

static struct hq *hq_of(struct history *h, const char *name, bool add)
{
	int32_t i = add ? strmap_intern(&h->names, name) : strmap_find(&h->names, name);
	if (i < 0)
		return NULL;
	if ((size_t)i >= h->cap) {
		size_t ncap = h->cap ? h->cap * 2 : 16;
		h->q = xrealloc(h->q, ncap * sizeof *h->q);
		h->cap = ncap;
	}
	return &h->q[i];    /* a new entry is initialised by history_set_typical */
}

/* Local time of day of t, in whole intervals (0..95; a 25-hour day repeats some). */
static int tod_slot(int64_t t)
{
	int y, m, d;
	return util_local_date(t, &y, &m, &d) / HISTORY_INTERVAL_S;
}

/* Per queue and slot, the past days' volumes (of voice and of contacts). */
struct vols {
	double *v;          /* [queue][slot][day] */
	int *n;             /* [queue][slot] */
	bool *voice;        /* [queue]: the queue has calls in the past */
};

static void hq_reset(struct hq *q, int wrapup_s)
{
	memset(q, 0, sizeof *q);
	for (int i = 0; i < MODEL_MAX_INTERVALS; i++)
		q->calls[i] = NAN;
	q->ratio = NAN;
	q->wrapup_s = wrapup_s;
}

/* A channel's entry among the queues' (its name is safe text: no control
 * character, so no queue's name begins with this one). */
#define CHANNEL_KEY "\x1f"

static char *series_key(const struct hist_row *row, char *buf, size_t n)
{
	if (row->kind == HIST_QUEUE)
		return (char *)row->name;
	snprintf(buf, n, CHANNEL_KEY "%s", row->name);
	return buf;
}

/* One series' sums over one past day. */
struct dacc {
	int32_t day;
	double vol[2];                    /* offered calls, created contacts */
	double handled, talk, sl_num, sl_den, csat_n, csat_sat;
};

static void dacc_add(struct dacc *a, const struct hist_row *row)
{
	if (row->has_voice) {
		a->vol[0] += (double)row->voice.offered;
		a->handled += (double)(row->voice.completed + row->voice.transferred);
		a->talk += (double)row->voice.talk_s;
		a->sl_num += (double)row->voice.answered_within_sl;
		a->sl_den += (double)(row->voice.offered - row->voice.abandoned_short);
	}
	if (row->has_ct) {
		a->vol[1] += (double)row->ct.v[CT_CREATED];
		a->csat_n += (double)row->ct.v[CT_CSAT_N];
		a->csat_sat += (double)row->ct.v[CT_CSAT_SATISFIED];
	}
}

/* The peak days (volume >= HISTORY_PEAK_DAY_RATIO x the median day's) against
 * the others, from one series' days d[0..n-1] (volume k). */
static struct hist_days_cmp days_compare(const struct dacc *d, size_t n, int k, int wrapup_s)
{
	struct hist_days_cmp out = { 0 };
	double vols[64], sum[2][6] = { { 0 } };
	size_t nv = 0;
	for (size_t i = 0; i < n && nv < 64; i++)
		vols[nv++] = d[i].vol[k];
	double med = history_median(vols, nv);
	out.median_volume = med;
	for (size_t i = 0; i < n; i++) {
		int p = med > 0 && d[i].vol[k] >= HISTORY_PEAK_DAY_RATIO * med ? 0 : 1;
		double add[6] = { d[i].handled, d[i].talk, d[i].sl_num, d[i].sl_den, d[i].csat_n,
		                  d[i].csat_sat };
		for (int j = 0; j < 6; j++)
			sum[p][j] += add[j];
		out.days[p]++;
	}
	for (int p = 0; p < 2; p++) {
		double *x = sum[p];
		out.aht_s[p] = x[0] > 0 ? (x[1] + wrapup_s * x[0]) / x[0] : NAN;
		out.service_level_pct[p] = x[3] > 0 ? 100 * x[2] / x[3] : NAN;
		out.csat_pct[p] = x[4] > 0 ? 100 * x[5] / x[4] : NAN;
	}
	return out;
}

/* Each series' sums per past day, then its peak days against the others. */
static void compare_days(struct history *h, const struct hist_row *rows, size_t n_rows,
                         size_t nd, const bool *has_voice)
{
	size_t nq = h->names.count;
	struct dacc *d = xcalloc(nq * nd + 1, sizeof *d);
	size_t *n = xcalloc(nq + 1, sizeof *n);
	char buf[300];
	for (size_t i = 0; i < n_rows; i++) {
		size_t qi = (size_t)strmap_find(&h->names, series_key(&rows[i], buf, sizeof buf));
		struct dacc *a = &d[qi * nd], *at = NULL;
		for (size_t j = 0; j < n[qi] && !at; j++)
			if (a[j].day == rows[i].day)
				at = &a[j];
		if (at == NULL && n[qi] < nd) {
			at = &a[n[qi]++];
			at->day = rows[i].day;
		}
		if (at)
			dacc_add(at, &rows[i]);
	}
	for (size_t qi = 0; qi < nq; qi++) {
		/* a day with data but no row of the series: 0, as for typical */
		size_t days = h->n_days > n[qi] ? h->n_days : n[qi];
		days = days > nd ? nd : days;
		h->q[qi].days_cmp = days_compare(&d[qi * nd], days, has_voice[qi] ? 0 : 1,
		                                 h->q[qi].wrapup_s);
	}
	free(d);
	free(n);
}

void history_set_typical(struct history *h, int64_t day_start, int64_t day_end,
                         const struct hist_row *rows, size_t n_rows, size_t n_days,
                         int wrapup_s)
{
	strmap_free(&h->names);
	strmap_init(&h->names);
	h->day_start = day_start;
	h->day_end = day_end;
	h->n_days = n_days;
	h->n_slots = (int)((day_end - day_start + HISTORY_INTERVAL_S - 1) / HISTORY_INTERVAL_S);
	if (h->n_slots > MODEL_MAX_INTERVALS)
		h->n_slots = MODEL_MAX_INTERVALS;
	/* today's slot of each local time of day (both, for the repeated hour) */
	int slot_of_tod[2][24 * 4];
	memset(slot_of_tod, -1, sizeof slot_of_tod);
	for (int i = 0; i < h->n_slots; i++) {
		int tod = tod_slot(day_start + (int64_t)i * HISTORY_INTERVAL_S);
		slot_of_tod[slot_of_tod[0][tod] < 0 ? 0 : 1][tod] = i;
	}
	char key[300];
	for (size_t i = 0; i < n_rows; i++)
		hq_of(h, series_key(&rows[i], key, sizeof key), true);
	size_t nq = h->names.count, nd = n_days ? n_days : 1;
	for (size_t i = 0; i < nq; i++)
		hq_reset(&h->q[i], wrapup_s);
	struct vols vs[2];    /* [0] voice, [1] contacts */
	for (int k = 0; k < 2; k++) {
		vs[k].v = xcalloc(nq * MODEL_MAX_INTERVALS * nd + 1, sizeof *vs[k].v);
		vs[k].n = xcalloc(nq * MODEL_MAX_INTERVALS + 1, sizeof *vs[k].n);
	}
	bool *has_voice = xcalloc(nq + 1, sizeof *has_voice);
	int64_t last_start = INT64_MIN;
	int tod = 0;
	for (size_t i = 0; i < n_rows; i++) {
		const struct hist_row *row = &rows[i];
		size_t qi = (size_t)strmap_find(&h->names, series_key(row, key, sizeof key));
		struct hq *q = &h->q[qi];
		if (row->start != last_start) {     /* rows come by start: one localtime each */
			last_start = row->start;
			tod = tod_slot(row->start);
		}
		for (int dup = 0; dup < 2; dup++) {
			int s = slot_of_tod[dup][tod];
			if (s < 0)
				continue;
			int k = row->has_voice ? 0 : 1;
			double vol = row->has_voice ? (double)row->voice.offered
			                            : (double)row->ct.v[CT_CREATED];
			size_t at = qi * MODEL_MAX_INTERVALS + (size_t)s;
			if (vs[k].n[at] < (int)nd)
				vs[k].v[at * nd + (size_t)vs[k].n[at]++] = vol;
			if (row->has_voice) {
				has_voice[qi] = true;
				q->handled[s] += (double)(row->voice.completed + row->voice.transferred);
				q->talk[s] += (double)row->voice.talk_s;
				q->sl_num[s] += (double)row->voice.answered_within_sl;
				q->sl_den[s] += (double)(row->voice.offered - row->voice.abandoned_short);
			}
		}
	}
	for (size_t qi = 0; qi < nq; qi++) {
		int k = has_voice[qi] ? 0 : 1;
		for (int s = 0; s < h->n_slots && n_days; s++) {
			size_t at = qi * MODEL_MAX_INTERVALS + (size_t)s;
			/* a past day without a row there had none: 0 (calloc) */
			h->q[qi].calls[s] = history_median(&vs[k].v[at * nd], nd);
		}
	}
	compare_days(h, rows, n_rows, nd, has_voice);
	for (int k = 0; k < 2; k++) {
		free(vs[k].v);
		free(vs[k].n);
	}
	free(has_voice);
}

int64_t history_typical_day(const struct history *h)
{
	return h->day_start;
}

static int slot_at(const struct history *h, int64_t t)
{
	if (t < h->day_start || t >= h->day_end)
		return -1;
	int s = (int)((t - h->day_start) / HISTORY_INTERVAL_S);
	return s < h->n_slots ? s : -1;
}

void history_observe(struct history *h, const char *queue, const struct interval *iv, int first,
                     int n, int64_t now)
{
	struct hq *q = hq_of(h, queue, false);
	if (q == NULL)
		return;
	if (n > h->n_slots)
		n = h->n_slots;
	q->n_actual = n;
	double act = 0, typ = 0;
	for (int i = 0; i < n; i++) {
		int32_t offered = i >= first ? iv[i - first].offered : 0;
		q->actual[i] = offered;
		double w = 1;
		if (i == n - 1) {     /* the open interval: as much of typical as has passed */
			int64_t start = h->day_start + (int64_t)i * HISTORY_INTERVAL_S;
			w = (double)(now - start + 1) / HISTORY_INTERVAL_S;
			w = w < 0 ? 0 : w > 1 ? 1 : w;
			q->open_frac = w;
		}
		if (!isnan(q->calls[i])) {
			act += offered;
			typ += q->calls[i] * w;
		}
	}
	q->ratio = typ > 0 ? act / typ : NAN;
}

void history_observe_channel(struct history *h, const char *channel, double created_today,
                             int64_t now)
{
	char key[300];
	snprintf(key, sizeof key, CHANNEL_KEY "%s", channel);
	struct hq *q = hq_of(h, key, false);
	int now_slot = slot_at(h, now);
	if (q == NULL || now_slot < 0)
		return;
	int64_t start = h->day_start + (int64_t)now_slot * HISTORY_INTERVAL_S;
	double w = (double)(now - start + 1) / HISTORY_INTERVAL_S, typ = 0;
	q->open_frac = w < 0 ? 0 : w > 1 ? 1 : w;
	for (int i = 0; i <= now_slot; i++)
		if (!isnan(q->calls[i]))
			typ += q->calls[i] * (i == now_slot ? q->open_frac : 1);
	q->ratio = typ > 0 ? created_today / typ : NAN;
}

bool history_days_compare(const struct history *h, const char *queue, struct hist_days_cmp *out)
{
	struct hq *q = hq_of((struct history *)h, queue, false);
	if (q == NULL || h->n_days == 0)
		return false;
	*out = q->days_cmp;
	return true;
}

double history_peak_ratio(const struct history *h, const char *queue)
{
	struct hq *q = hq_of((struct history *)h, queue, false);
	return q ? q->ratio : NAN;
}

double history_typical_calls(const struct history *h, const char *queue, int slot)
{
	struct hq *q = hq_of((struct history *)h, queue, false);
	if (q == NULL || slot < 0 || slot >= h->n_slots)
		return NAN;
	return q->calls[slot];
}

static double hq_aht(const struct hq *q, int s)
{
	return q->handled[s] > 0 ? (q->talk[s] + q->wrapup_s * q->handled[s]) / q->handled[s] : NAN;
}

bool history_forecast_calls(const struct history *h, const char *queue, int64_t interval_start,
                            double *calls, double *aht_s)
{
	struct hq *q = hq_of((struct history *)h, queue, false);
	int s = slot_at(h, interval_start);
	if (q == NULL || s < 0 || isnan(q->calls[s]))
		return false;
	double ratio = isnan(q->ratio) ? 1.0 : q->ratio;
	*calls = q->calls[s] * ratio;
	*aht_s = hq_aht(q, s);
	return true;
}

/* ---- JSON ------------------------------------------------------------------- */

static json_t *jnum(double v)
{
	return isnan(v) ? json_null() : json_real(round(v * 100) / 100);
}

static json_t *json_typical(const struct history *h, const struct hq *q, int now_slot)
{
	json_t *o = json_object(), *iv = json_array(), *ratios = json_array();
	double so_far = 0, day = 0, num = 0, den = 0, handled = 0, talk = 0;
	for (int s = 0; s < h->n_slots; s++) {
		double c = q->calls[s];
		json_array_append_new(iv, jnum(c));
		if (isnan(c))
			continue;
		day += c;
		if (s <= now_slot) {
			so_far += s == now_slot ? c * q->open_frac : c;
			num += q->sl_num[s];
			den += q->sl_den[s];
			handled += q->handled[s];
			talk += q->talk[s];
		}
	}
	for (int s = 0; s < q->n_actual && s <= now_slot; s++)
		json_array_append_new(ratios, q->calls[s] > 0 ? jnum(q->actual[s] / q->calls[s])
		                                              : json_null());
	json_object_set_new(o, "days", json_integer((json_int_t)h->n_days));
	json_object_set_new(o, "interval_start",
	                    json_integer(h->day_start + (int64_t)now_slot * HISTORY_INTERVAL_S));
	json_object_set_new(o, "calls", jnum(now_slot >= 0 ? q->calls[now_slot] : NAN));
	json_object_set_new(o, "calls_so_far", jnum(so_far));
	json_object_set_new(o, "calls_day", jnum(day));
	json_object_set_new(o, "aht_s",
	                    jnum(handled > 0 ? (talk + q->wrapup_s * handled) / handled : NAN));
	json_object_set_new(o, "service_level_pct", jnum(den > 0 ? 100 * num / den : NAN));
	json_object_set_new(o, "intervals", iv);
	json_object_set_new(o, "peak_ratios", ratios);
	return o;
}

static json_t *json_forecast(const struct history *h, const char *name, int now_slot)
{
	json_t *a = json_array();
	for (int s = now_slot < 0 ? 0 : now_slot; s < h->n_slots; s++) {
		int64_t start = h->day_start + (int64_t)s * HISTORY_INTERVAL_S;
		double calls, aht;
		if (!history_forecast_calls(h, name, start, &calls, &aht))
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "interval_start", json_integer(start));
		json_object_set_new(o, "calls", jnum(calls));
		json_object_set_new(o, "aht_s", jnum(aht));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_days_side(const struct hist_days_cmp *d, int p)
{
	return json_pack("{s:i, s:o, s:o, s:o}", "days", d->days[p], "aht_s", jnum(d->aht_s[p]),
	                 "service_level_pct", jnum(d->service_level_pct[p]),
	                 "csat_pct", jnum(d->csat_pct[p]));
}

/* "peak_days": the past days used whose volume reached the ratio of the
 * median day's, against the others. */
static json_t *json_days_cmp(const struct hist_days_cmp *d)
{
	return json_pack("{s:o, s:o, s:o, s:o}", "ratio", jnum(HISTORY_PEAK_DAY_RATIO),
	                 "median_volume", jnum(d->median_volume), "peak", json_days_side(d, 0),
	                 "normal", json_days_side(d, 1));
}

/* The channels' typical, peak_ratio and peak_days (volume: created contacts). */
static void json_channels(const struct history *h, json_t *root, int now_slot)
{
	size_t i;
	json_t *jc;
	json_array_foreach(json_object_get(root, "channels"), i, jc) {
		const char *name = json_string_value(json_object_get(jc, "name"));
		char key[300];
		if (name == NULL)
			continue;
		snprintf(key, sizeof key, CHANNEL_KEY "%s", name);
		const struct hq *q = hq_of((struct history *)h, key, false);
		if (q == NULL)
			continue;
		json_object_set_new(jc, "typical", json_typical(h, q, now_slot));
		json_object_set_new(jc, "peak_ratio", jnum(q->ratio));
		json_object_set_new(jc, "peak_days", json_days_cmp(&q->days_cmp));
	}
}

bool history_has_typical(const struct history *h)
{
	return h && h->n_days > 0;
}

void history_json(const struct history *h, json_t *root, int64_t now)
{
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string(h->status));
	if (h->detail[0])
		json_object_set_new(o, "detail", json_string(h->detail));
	json_object_set_new(o, "path", h->path ? json_string(h->path) : json_null());
	json_object_set_new(o, "days", json_integer(h->days_held));
	json_object_set_new(root, "history", o);
	json_t *queues = json_object_get(root, "queues");
	int now_slot = slot_at(h, now);
	size_t i;
	json_t *jq;
	json_array_foreach(queues, i, jq) {
		const char *name = json_string_value(json_object_get(jq, "name"));
		const struct hq *q = name ? hq_of((struct history *)h, name, false) : NULL;
		if (q == NULL || h->n_days == 0)
			continue;
		json_object_set_new(jq, "typical", json_typical(h, q, now_slot));
		json_object_set_new(jq, "peak_ratio", jnum(q->ratio));
		json_object_set_new(jq, "forecast", json_forecast(h, name, now_slot));
		json_object_set_new(jq, "peak_days", json_days_cmp(&q->days_cmp));
	}
	if (h->n_days > 0)
		json_channels(h, root, now_slot);
}
