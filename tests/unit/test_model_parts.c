/* test_model_parts.c - the model's inner tables and functions: one row per
 * event kind (model_events.h), checked against what applying each kind does;
 * the one function that turns an outcome into a counts delta (model_tally.h),
 * each outcome kind and the edges of the service level and short abandons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "model.h"
#include "metrics.h"
#include "model_events.h"
#include "model_tally.h"

#define T0 1767254400   /* 2026-01-01 08:00:00 UTC */

struct fixture {
	struct config cfg;
	struct model *m;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	setenv("TZ", "UTC", 1);
	config_defaults(&f->cfg);
	f->m = model_new(&f->cfg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	model_free(f->m);
	config_free(&f->cfg);
	free(f);
	return 0;
}

/* A fresh model for each case of a loop over the kinds. */
static void renew(struct fixture *f)
{
	model_free(f->m);
	f->m = model_new(&f->cfg);
}

/* Every kind has a row, with a function, and a kind that names a call is
 * hung on it: none is left to a default. */
static void test_every_kind_has_a_row(void **state)
{
	(void)state;
	for (int k = 0; k < EV_KIND_COUNT; k++) {
		const struct ev_row *row = &model_ev_rows[k];
		if (row->apply == NULL)
			fail_msg("event kind %s has no row", event_kind_name((enum ev_kind)k));
		assert_true(row->hook <= HOOK_AGENT);
		if (row->hook == HOOK_AGENT && !row->needs_agent)
			fail_msg("%s: an agent event needs an agent", event_kind_name((enum ev_kind)k));
		if (row->agent_on_call && row->hook != HOOK_CALL)
			fail_msg("%s: an agent on a call needs the call", event_kind_name((enum ev_kind)k));
	}
}

/* The kinds by what they hang on, as SPEC 2 and event.h describe them. */
static void test_rows_hooks(void **state)
{
	static const enum ev_kind calls[] = {
		EV_ENTER, EV_CONNECT, EV_COMPLETE, EV_TRANSFER, EV_ABANDON, EV_TIMEOUT,
		EV_EXITKEY, EV_EXITEMPTY, EV_WITHDRAW, EV_RINGNOANSWER, EV_RINGCANCELED,
		EV_RINGING, EV_FORGET, EV_BUSY };
	static const enum ev_kind agents[] = {
		EV_ADDMEMBER, EV_REMOVEMEMBER, EV_AGENTLOGIN, EV_AGENTLOGOFF, EV_PAUSE,
		EV_UNPAUSE, EV_MEMBERSTATUS };
	static const enum ev_kind on_call[] = {
		EV_CONNECT, EV_COMPLETE, EV_TRANSFER, EV_RINGNOANSWER, EV_RINGCANCELED,
		EV_RINGING, EV_BUSY };
	int seen[EV_KIND_COUNT] = { 0 };
	(void)state;
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		assert_int_equal(model_ev_rows[calls[i]].hook, HOOK_CALL);
		seen[calls[i]]++;
	}
	for (size_t i = 0; i < sizeof agents / sizeof agents[0]; i++) {
		assert_int_equal(model_ev_rows[agents[i]].hook, HOOK_AGENT);
		seen[agents[i]]++;
	}
	assert_int_equal(model_ev_rows[EV_QUEUESTART].hook, HOOK_NONE);
	seen[EV_QUEUESTART]++;
	for (int k = 0; k < EV_KIND_COUNT; k++)
		if (seen[k] != 1)
			fail_msg("event kind %s is listed %d times here", event_kind_name((enum ev_kind)k),
			         seen[k]);
	for (size_t i = 0; i < sizeof on_call / sizeof on_call[0]; i++)
		assert_true(model_ev_rows[on_call[i]].agent_on_call);
	assert_false(model_ev_rows[EV_ENTER].agent_on_call);
	assert_false(model_ev_rows[EV_ABANDON].agent_on_call);
}

/* Each kind, applied with every field: a call kind adds its queue, an agent
 * kind its agent; with the field it hangs on missing, it adds nothing and is
 * still applied (not a repeat). */
static void test_rows_drive_apply(void **state)
{
	struct fixture *f = *state;
	for (int k = 0; k < EV_KIND_COUNT; k++) {
		const struct ev_row *row = &model_ev_rows[k];
		struct qevent ev = { .time = T0, .kind = (enum ev_kind)k, .callid = "c1",
		                     .queue = "sales", .agent = "Alex", .hold_s = -1, .talk_s = -1,
		                     .wait_s = -1, .ring_ms = -1 };
		renew(f);
		assert_true(model_apply(f->m, &ev));
		if (row->hook != HOOK_NONE)
			assert_int_equal(model_queue_count(f->m), 1);
		if (row->hook == HOOK_AGENT || row->agent_on_call)
			assert_int_equal(model_agent_count(f->m), 1);

		renew(f);
		ev.callid = row->hook == HOOK_CALL ? NULL : ev.callid;
		ev.agent = row->hook == HOOK_AGENT ? NULL : ev.agent;
		assert_true(model_apply(f->m, &ev));
		if (row->hook != HOOK_NONE) {
			assert_int_equal(model_queue_count(f->m), 0);
			assert_int_equal(model_agent_count(f->m), 0);
		}
	}
}

/* ---- outcome -> counts delta ------------------------------------------ */

/* Fails on the first field of got that differs from want, by name. */
static void assert_counts(const struct counts *got, const struct counts *want, const char *what)
{
	for (const struct counts_field *f = counts_fields; f->name; f++) {
		int64_t g = *(const int64_t *)((const char *)got + f->offset);
		int64_t w = *(const int64_t *)((const char *)want + f->offset);
		if (g != w)
			fail_msg("%s: %s is %lld, not %lld", what, f->name, (long long)g, (long long)w);
	}
}

/* The delta of one outcome of kind with value, under sl_threshold_s 20 and
 * short_abandon_s 5. */
static struct counts delta(enum ev_kind kind, long value)
{
	struct queue_conf qc = { .sl_threshold_s = 20, .short_abandon_s = 5 };
	struct tally x = tally_make(kind, T0, 3, value, &qc);
	assert_int_equal(x.t, T0);
	assert_int_equal(x.queue, 3);
	return tally_delta(&x);
}

static void test_delta_each_outcome(void **state)
{
	struct counts d;
	(void)state;
	d = delta(EV_CONNECT, 12);
	assert_counts(&d, &(struct counts){ .offered = 1, .answered = 1, .answered_within_sl = 1,
	                                    .hold_s = 12 }, "CONNECT 12");
	d = delta(EV_ABANDON, 30);
	assert_counts(&d, &(struct counts){ .offered = 1, .abandoned = 1, .abandon_wait_s = 30 },
	              "ABANDON 30");
	d = delta(EV_TIMEOUT, 300);
	assert_counts(&d, &(struct counts){ .offered = 1, .timed_out = 1 }, "TIMEOUT");
	d = delta(EV_EXITKEY, 3);
	assert_counts(&d, &(struct counts){ .offered = 1, .exited_key = 1 }, "EXITKEY");
	d = delta(EV_EXITEMPTY, 3);
	assert_counts(&d, &(struct counts){ .offered = 1, .exited_empty = 1 }, "EXITEMPTY");
	d = delta(EV_WITHDRAW, 3);
	assert_counts(&d, &(struct counts){ .offered = 1, .withdrawn = 1 }, "WITHDRAW");
	d = delta(EV_COMPLETE, 100);
	assert_counts(&d, &(struct counts){ .completed = 1, .talk_s = 100 }, "COMPLETE");
	d = delta(EV_TRANSFER, 100);
	assert_counts(&d, &(struct counts){ .transferred = 1, .talk_s = 100 }, "TRANSFER");
}

/* Kinds that are no outcome or end count nothing. */
static void test_delta_no_outcome(void **state)
{
	static const enum ev_kind none[] = {
		EV_ENTER, EV_RINGNOANSWER, EV_RINGCANCELED, EV_RINGING, EV_ADDMEMBER,
		EV_REMOVEMEMBER, EV_AGENTLOGIN, EV_AGENTLOGOFF, EV_PAUSE, EV_UNPAUSE,
		EV_MEMBERSTATUS, EV_QUEUESTART, EV_FORGET, EV_BUSY };
	(void)state;
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
		struct counts d = delta(none[i], 10);
		assert_counts(&d, &(struct counts){ 0 }, event_kind_name(none[i]));
	}
}

/* Answered within the service level up to and including sl_threshold_s. */
static void test_delta_sl_edges(void **state)
{
	(void)state;
	assert_int_equal(delta(EV_CONNECT, 0).answered_within_sl, 1);
	assert_int_equal(delta(EV_CONNECT, 20).answered_within_sl, 1);
	assert_int_equal(delta(EV_CONNECT, 21).answered_within_sl, 0);
	/* an abandon within the service level, for the formulas that count it */
	assert_int_equal(delta(EV_ABANDON, 20).abandoned_within_sl, 1);
	assert_int_equal(delta(EV_ABANDON, 21).abandoned_within_sl, 0);
}

/* Short abandons are strictly under short_abandon_s. */
static void test_delta_short_edges(void **state)
{
	(void)state;
	assert_int_equal(delta(EV_ABANDON, 0).abandoned_short, 1);
	assert_int_equal(delta(EV_ABANDON, 4).abandoned_short, 1);
	assert_int_equal(delta(EV_ABANDON, 5).abandoned_short, 0);
	assert_int_equal(delta(EV_ABANDON, 4).abandoned_within_sl, 1);
}

/* A duration the line did not carry (-1) is neither within nor short, and
 * adds no seconds; one past 32 bits is cut to INT32_MAX. */
static void test_delta_unknown_and_huge(void **state)
{
	struct counts d;
	(void)state;
	d = delta(EV_CONNECT, -1);
	assert_counts(&d, &(struct counts){ .offered = 1, .answered = 1 }, "CONNECT -1");
	d = delta(EV_ABANDON, -1);
	assert_counts(&d, &(struct counts){ .offered = 1, .abandoned = 1 }, "ABANDON -1");
	d = delta(EV_COMPLETE, -1);
	assert_counts(&d, &(struct counts){ .completed = 1 }, "COMPLETE -1");
	d = delta(EV_TRANSFER, 5000000000L);
	assert_int_equal(d.talk_s, INT32_MAX);
}

/* Today and the intervals come from the same delta: a call in each outcome,
 * spread over three intervals, and today is the sum of the intervals. */
static void test_delta_today_is_intervals(void **state)
{
	struct fixture *f = *state;
	static const enum ev_kind outs[] = {
		EV_CONNECT, EV_ABANDON, EV_TIMEOUT, EV_EXITKEY, EV_EXITEMPTY, EV_WITHDRAW };
	static const long values[] = { -1, 0, 4, 5, 20, 21 };
	char id[16];
	int n;
	for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
		for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
			int64_t t = T0 + (int64_t)(i * 6 + v) * 60;
			snprintf(id, sizeof id, "c%zu.%zu", i, v);
			struct qevent ev = { .time = t, .kind = EV_ENTER, .callid = id, .queue = "q",
			                     .hold_s = -1, .talk_s = -1, .wait_s = -1, .ring_ms = -1 };
			assert_true(model_apply(f->m, &ev));
			ev.time = t + 30;
			ev.kind = outs[i];
			ev.hold_s = ev.wait_s = values[v];
			assert_true(model_apply(f->m, &ev));
		}
	}
	const struct interval *iv = model_queue_intervals(f->m, 0, &n);
	const struct counts *c = model_queue_today(f->m, 0);
	struct interval sum = { 0 };
	assert_true(n >= 3);
	for (int i = 0; i < n; i++) {
		sum.offered += iv[i].offered;
		sum.answered += iv[i].answered;
		sum.answered_within_sl += iv[i].answered_within_sl;
		sum.abandoned += iv[i].abandoned;
		sum.abandoned_short += iv[i].abandoned_short;
		sum.abandoned_within_sl += iv[i].abandoned_within_sl;
	}
	assert_int_equal(c->offered, 36);
	assert_int_equal(sum.offered, c->offered);
	assert_int_equal(c->answered_within_sl, 4);        /* 0, 4, 5, 20 within; -1 not */
	assert_int_equal(sum.answered, c->answered);
	assert_int_equal(sum.answered_within_sl, c->answered_within_sl);
	assert_int_equal(sum.abandoned, c->abandoned);
	assert_int_equal(c->abandoned_short, 2);           /* 0 and 4 */
	assert_int_equal(sum.abandoned_short, c->abandoned_short);
	assert_int_equal(sum.abandoned_within_sl, c->abandoned_within_sl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delta_each_outcome),
		cmocka_unit_test(test_delta_no_outcome),
		cmocka_unit_test(test_delta_sl_edges),
		cmocka_unit_test(test_delta_short_edges),
		cmocka_unit_test(test_delta_unknown_and_huge),
		cmocka_unit_test_setup_teardown(test_delta_today_is_intervals, setup, teardown),
		cmocka_unit_test(test_every_kind_has_a_row),
		cmocka_unit_test(test_rows_hooks),
		cmocka_unit_test_setup_teardown(test_rows_drive_apply, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
