/* test_history.c - the pure part of SPEC 7: median, weekday matching (across
 * DST), interval rows from today's counts, typical, peak ratio, forecast. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "config.h"
#include "history.h"
#include "model.h"
#include "queuelog.h"
#include "util.h"

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void test_median(void **state)
{
	(void)state;
	double a[] = { 7, 3, 5 }, b[] = { 4, 1, 3, 2 }, c[] = { 5, 5, 3, 4, 5, 6, 7, 5 };
	assert_true(history_median(a, 3) == 5);
	assert_true(history_median(b, 4) == 2.5);
	assert_true(history_median(c, 8) == 5);
	assert_true(isnan(history_median(a, 0)));
}

static void test_day_arithmetic(void **state)
{
	(void)state;
	assert_int_equal(history_day_add(20260105, 7), 20260112);
	assert_int_equal(history_day_add(20260301, -1), 20260228);
	assert_int_equal(history_day_add(20241231, 1), 20250101);
	assert_int_equal(history_day_add(20240301, -1), 20240229);
	assert_int_equal(history_weekday(20260105), 1);     /* a Monday */
	assert_int_equal(history_weekday(19700101), 4);     /* a Thursday */
	assert_int_equal(history_weekday(19691231), 3);
}

/* The last weeks days that have data on today's weekday, newest first, and
 * never another weekday. */
static void test_same_weekdays(void **state)
{
	(void)state;
	int32_t have[] = { 20260323, 20260316, 20260317, 20260302, 20260223, 20260216, 20260209,
	                   20260202, 20260126, 20260119, 20260112 };
	int32_t out[8];
	size_t n = history_same_weekdays(20260330, 3, have, 11, out);
	assert_int_equal(n, 3);
	assert_int_equal(out[0], 20260323);
	assert_int_equal(out[1], 20260316);   /* not the Tuesday 17th */
	assert_int_equal(out[2], 20260302);   /* the 9th has no data: skipped */
	n = history_same_weekdays(20260330, 8, have, 11, out);
	assert_int_equal(n, 8);
	assert_int_equal(out[7], 20260126);
}

/* Europe/Paris moves to summer time on Sunday 2026-03-29: the board day of
 * Monday 30th at 09:00 local is 07:00 UTC, the Monday before at 09:00 local
 * 08:00 UTC; both are the same interval of the same weekday. */
static void test_dst_matching(void **state)
{
	(void)state;
	set_tz("Europe/Paris");
	int64_t mon30 = util_local_epoch(2026, 3, 30, 0), mon23 = util_local_epoch(2026, 3, 23, 0);
	int64_t start30, end30, s23, e23;
	util_day_bounds(mon30 + 3600, 0, &start30, &end30);
	util_day_bounds(mon23 + 3600, 0, &s23, &e23);
	assert_int_equal(history_day_of(mon30 + 9 * 3600, 0), 20260330);
	assert_int_equal(history_day_of(mon23 + 9 * 3600, 0), 20260323);
	/* a row at 09:00 local the week before, 10 calls */
	struct hist_row row = { .kind = HIST_QUEUE, .name = "sales", .has_voice = true,
	                        .start = util_local_epoch(2026, 3, 23, 9 * 60) };
	row.voice.offered = 10;
	struct history *h = history_new();
	history_set_typical(h, start30, end30, &row, 1, 1, 0);
	int slot9 = (int)((util_local_epoch(2026, 3, 30, 9 * 60) - start30) / 900);
	assert_int_equal(slot9, 36);
	assert_true(history_typical_calls(h, "sales", slot9) == 10);
	assert_true(history_typical_calls(h, "sales", slot9 - 4) == 0);   /* 08:00: none that day */
	/* the Sunday of the change has 23 hours: 92 slots; its 03:00 is slot 8 */
	int64_t sun, sun_end;
	util_day_bounds(util_local_epoch(2026, 3, 29, 12 * 60), 0, &sun, &sun_end);
	assert_int_equal(sun_end - sun, 23 * 3600);
	struct hist_row r3 = row;
	r3.start = util_local_epoch(2026, 3, 22, 3 * 60);
	history_set_typical(h, sun, sun_end, &r3, 1, 1, 0);
	assert_true(history_typical_calls(h, "sales", 8) == 10);
	assert_true(isnan(history_typical_calls(h, "sales", 92)));
	history_free(h);
	set_tz("UTC");
}

/* Eight past days whose 10:00 interval had 3..7 calls: typical is their
 * median; today at twice typical gives ratio 2 and a forecast of typical x 2. */
static void test_typical_ratio_forecast(void **state)
{
	(void)state;
	set_tz("UTC");
	int64_t day0 = util_local_epoch(2026, 3, 30, 0), day1 = day0 + 86400;
	int vols[8] = { 4, 5, 6, 5, 7, 5, 3, 5 };
	struct hist_row rows[16];
	memset(rows, 0, sizeof rows);
	for (int w = 0; w < 8; w++) {
		for (int k = 0; k < 2; k++) {
			struct hist_row *r = &rows[w * 2 + k];
			r->kind = HIST_QUEUE;
			r->name = "sales";
			r->has_voice = true;
			r->start = day0 - (w + 1) * 7 * 86400 + 10 * 3600 + k * 900;
			r->voice.offered = vols[w] + k;
			r->voice.completed = vols[w];
			r->voice.talk_s = 120 * vols[w];
		}
	}
	struct history *h = history_new();
	history_set_typical(h, day0, day1, rows, 16, 8, 30);
	assert_true(history_typical_calls(h, "sales", 40) == 5);
	assert_true(history_typical_calls(h, "sales", 41) == 6);
	assert_true(history_typical_calls(h, "sales", 39) == 0);
	assert_true(isnan(history_peak_ratio(h, "sales")));
	/* today: 10 calls at 10:00, the 10:15 interval half gone with 6 calls */
	struct interval iv[42];
	memset(iv, 0, sizeof iv);
	iv[40].offered = 10;
	iv[41].offered = 6;
	history_observe(h, "sales", iv, 0, 42, day0 + 10 * 3600 + 900 + 449);
	/* (10 + 6) / (5 + 6 x 0.5) */
	assert_true(fabs(history_peak_ratio(h, "sales") - 2.0) < 1e-9);
	/* the same intervals held from the first with calls: the same ratio */
	history_observe(h, "sales", iv + 40, 40, 42, day0 + 10 * 3600 + 900 + 449);
	assert_true(fabs(history_peak_ratio(h, "sales") - 2.0) < 1e-9);
	double calls, aht;
	assert_true(history_forecast_calls(h, "sales", day0 + 10 * 3600 + 900, &calls, &aht));
	assert_true(fabs(calls - 12.0) < 1e-9);
	assert_true(fabs(aht - 150.0) < 1e-9);     /* 120 s talk + 30 s wrap-up */
	assert_false(history_forecast_calls(h, "other", day0 + 10 * 3600, &calls, &aht));
	assert_false(history_forecast_calls(h, "sales", day1 + 10, &calls, &aht));
	history_free(h);
}

/* The recorder: each closed interval's rows are today's counts minus what the
 * earlier intervals took; the day's change starts again from 0. */
static void collect(void *ctx, const struct hist_row *rows, size_t n)
{
	struct hist_row *out = ctx;
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].name, "sales") == 0)
			*out = rows[i];
}

static void feed(struct model *m, struct hist_recorder *r, struct hist_row *last,
                 const char *line)
{
	char buf[256];
	struct qevent ev;
	snprintf(buf, sizeof buf, "%s", line);
	assert_int_equal(queuelog_parse(buf, strlen(buf), &ev), QL_EVENT);
	hist_recorder_before(r, ev.time, m, NULL, collect, last);
	model_apply(m, &ev);
}

static void test_recorder(void **state)
{
	(void)state;
	set_tz("UTC");
	struct config cfg;
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	struct hist_recorder *r = hist_recorder_new(0);
	struct hist_row last = { 0 };
	/* 2026-03-30 10:00:00 UTC = 1774864800 */
	feed(m, r, &last, "1774864810|c1|sales|NONE|ENTERQUEUE||100|1");
	feed(m, r, &last, "1774864830|c1|sales|Agent/1|CONNECT|20|x|1");
	feed(m, r, &last, "1774864840|c2|sales|NONE|ENTERQUEUE||101|1");
	assert_null(last.name);
	feed(m, r, &last, "1774865710|c2|sales|NONE|ABANDON|1|1|870");   /* 10:15:10 */
	assert_non_null(last.name);
	assert_int_equal(last.start, 1774864800);
	assert_int_equal(last.day, 20260330);
	assert_int_equal(last.voice.offered, 1);
	assert_int_equal(last.voice.answered, 1);
	assert_int_equal(last.voice.hold_s, 20);
	feed(m, r, &last, "1774866610|c1|sales|Agent/1|COMPLETECALLER|20|1780|1");  /* 10:30:10 */
	assert_int_equal(last.start, 1774865700);
	assert_int_equal(last.voice.offered, 1);
	assert_int_equal(last.voice.abandoned, 1);
	assert_int_equal(last.voice.answered, 0);
	assert_int_equal(last.voice.abandon_wait_s, 870);
	/* the next day: the last interval of the 30th, then counts from 0 again */
	feed(m, r, &last, "1774951210|c3|sales|NONE|ENTERQUEUE||102|1");
	assert_int_equal(last.start, 1774866600);
	assert_int_equal(last.voice.completed, 1);
	assert_int_equal(last.voice.talk_s, 1780);
	feed(m, r, &last, "1774951220|c3|sales|NONE|ABANDON|1|1|10");
	memset(&last, 0, sizeof last);
	hist_recorder_flush(r, m, NULL, collect, &last);
	assert_int_equal(last.day, 20260331);
	assert_int_equal(last.voice.offered, 1);
	assert_int_equal(last.voice.completed, 0);
	assert_false(hist_row_empty(&last));
	hist_recorder_free(r);
	model_free(m);
	config_free(&cfg);
}

/* Four past Mondays of sales (10, 11, 10, 24 calls: the last a peak day, 24 >=
 * 1.2 x the median 10.5) and of the chat channel (created 8, 8, 20, 8): AHT,
 * SL and CSAT on the peak days against the others, in the JSON for the queue
 * and the channel, and the channel's ratio today. */
static void test_peak_days(void **state)
{
	(void)state;
	set_tz("UTC");
	int64_t day0 = util_local_epoch(2026, 3, 30, 0), day1 = day0 + 86400;
	int calls[4] = { 10, 11, 10, 24 }, chats[4] = { 8, 8, 20, 8 };
	struct hist_row rows[12];
	memset(rows, 0, sizeof rows);
	for (int w = 0; w < 4; w++) {
		int64_t start = day0 - (w + 1) * 7 * 86400 + 10 * 3600;
		struct hist_row *v = &rows[w * 3], *c = v + 1, *ch = v + 2;
		bool peak = w == 3;
		v->kind = c->kind = HIST_QUEUE;
		v->name = c->name = "sales";
		v->start = c->start = ch->start = start;
		v->day = c->day = ch->day = history_day_of(start, 0);
		v->has_voice = true;
		v->voice.offered = calls[w];
		v->voice.completed = calls[w];
		v->voice.talk_s = calls[w] * (peak ? 300 : 200);
		v->voice.answered_within_sl = peak ? calls[w] / 2 : calls[w];
		c->has_ct = true;
		c->ct.v[CT_CSAT_N] = 10;
		c->ct.v[CT_CSAT_SATISFIED] = peak ? 6 : 9;
		ch->kind = HIST_CHANNEL;
		ch->name = "chat";
		ch->has_ct = true;
		ch->ct.v[CT_CREATED] = chats[w];
		ch->ct.v[CT_CSAT_N] = 4;
		ch->ct.v[CT_CSAT_SATISFIED] = w == 2 ? 1 : 4;
	}
	struct history *h = history_new();
	history_set_typical(h, day0, day1, rows, 12, 4, 0);
	struct hist_days_cmp d;
	assert_true(history_days_compare(h, "sales", &d));
	assert_int_equal(d.days[0], 1);
	assert_int_equal(d.days[1], 3);
	assert_true(fabs(d.median_volume - 10.5) < 1e-9);
	assert_true(fabs(d.aht_s[0] - 300) < 1e-9 && fabs(d.aht_s[1] - 200) < 1e-9);
	assert_true(fabs(d.service_level_pct[0] - 50) < 1e-9);
	assert_true(fabs(d.service_level_pct[1] - 100) < 1e-9);
	assert_true(fabs(d.csat_pct[0] - 60) < 1e-9 && fabs(d.csat_pct[1] - 90) < 1e-9);
	assert_false(history_days_compare(h, "chat", &d));   /* a channel is not a queue */

	/* today: 12 chats by 10:15, typical so far 8 */
	history_observe_channel(h, "chat", 12, day0 + 10 * 3600 + 899);
	json_t *root = json_pack("{s:[{s:s}], s:[{s:s}]}", "queues", "name", "sales", "channels",
	                         "name", "chat");
	history_json(h, root, day0 + 10 * 3600 + 899);
	json_t *jq = json_array_get(json_object_get(root, "queues"), 0);
	json_t *jc = json_array_get(json_object_get(root, "channels"), 0);
	json_t *pd = json_object_get(jq, "peak_days");
	assert_true(json_real_value(json_object_get(pd, "ratio")) == 1.2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(pd, "peak"), "days")), 1);
	assert_true(json_real_value(json_object_get(json_object_get(pd, "normal"), "csat_pct")) == 90);
	assert_true(json_real_value(json_object_get(json_object_get(jc, "typical"), "calls")) == 8);
	assert_true(json_real_value(json_object_get(jc, "peak_ratio")) == 1.5);
	pd = json_object_get(jc, "peak_days");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(pd, "peak"), "days")), 1);
	assert_true(json_real_value(json_object_get(json_object_get(pd, "peak"), "csat_pct")) == 25);
	assert_true(json_real_value(json_object_get(json_object_get(pd, "normal"), "csat_pct")) == 100);
	assert_true(json_is_null(json_object_get(json_object_get(pd, "normal"), "aht_s")));
	json_decref(root);
	history_free(h);
}

/* A reloaded day_start (SIGHUP): the intervals opened after it carry the
 * board day it makes (03:00 belongs to the day before when days start at 06:00). */
static void test_recorder_day_start(void **state)
{
	(void)state;
	set_tz("UTC");
	struct config cfg;
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	struct hist_recorder *r = hist_recorder_new(0);
	struct hist_row last = { 0 };
	/* 2026-03-31 02:00:10 UTC */
	feed(m, r, &last, "1774922410|c1|sales|NONE|ENTERQUEUE||100|1");
	hist_recorder_set_day_start(r, 360);
	feed(m, r, &last, "1774926010|c2|sales|NONE|ENTERQUEUE||101|1");    /* 03:00:10 */
	assert_int_equal(last.start, 1774922400);
	assert_int_equal(last.day, 20260331);    /* opened before the reload */
	feed(m, r, &last, "1774926910|c2|sales|NONE|ABANDON|1|1|900");     /* 03:15:10 */
	assert_int_equal(last.start, 1774926000);
	assert_int_equal(last.day, 20260330);
	hist_recorder_free(r);
	model_free(m);
	config_free(&cfg);
}

int main(void)
{
	set_tz("UTC");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_day_arithmetic),
		cmocka_unit_test(test_same_weekdays),
		cmocka_unit_test(test_dst_matching),
		cmocka_unit_test(test_typical_ratio_forecast),
		cmocka_unit_test(test_recorder),
		cmocka_unit_test(test_recorder_day_start),
		cmocka_unit_test(test_peak_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
