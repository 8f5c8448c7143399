/* test_model_parts.c - the model's inner tables and functions: one row per
 * event kind (model_events.h), checked against what applying each kind does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "model.h"
#include "model_events.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_has_a_row),
		cmocka_unit_test(test_rows_hooks),
		cmocka_unit_test_setup_teardown(test_rows_drive_apply, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
