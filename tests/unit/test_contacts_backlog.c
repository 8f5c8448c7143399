/* test_contacts_backlog.c - the live backlog kept on events (open,
 * unanswered and the oldest of each, per channel, per queue, in total)
 * equals a walk of every stored contact, as it was computed before, after
 * random sequences of creates, replies, resolves, reopens, abandons, calls,
 * lines out of time order, sweeps of stale contacts and evictions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contact.h"
#include "fixture_contacts.h"
#include "contacts_internal.h"

#define T0 1767254400000LL

static void same_as_walk(const struct contacts *c)
{
	size_t nc = contacts_channel_count(c), nq = contacts_queue_count(c);
	struct contacts_live want[64 + 16 + 1], got[64 + 16 + 1];
	assert_true(nc + nq + 1 <= sizeof want / sizeof *want);
	contacts_live_walk(c, want, want + nc, want + nc + nq);
	contacts_live_all(c, got, got + nc, got + nc + nq);
	for (size_t i = 0; i < nc + nq + 1; i++) {
		assert_int_equal(got[i].open, want[i].open);
		assert_int_equal(got[i].unanswered, want[i].unanswered);
		assert_int_equal(got[i].oldest_open_ms, want[i].oldest_open_ms);
		assert_int_equal(got[i].oldest_unanswered_ms, want[i].oldest_unanswered_ms);
	}
}

/* One random run: a few hundred ids on four channels and eight queues,
 * time moving by up to ten minutes (now and then a line from the past),
 * stale contacts forgotten after a few hours. */
static void run(unsigned seed, size_t max_stored, int steps)
{
	static const char *channels[] = {"email", "chat", "sms", "social"};
	static const char *kinds[] = {"reply", "first_response", "resolved", "reopened", "abandoned",
	                              "survey"};
	struct contacts_conf cc;
	unsigned s = seed;
	char id[32], cust[32], queue[16];
	int64_t t = T0;
	contacts_conf_from(&cc, NULL);
	cc.pivot_window_s = cc.repeat_window_s = 3600;
	cc.stale_contact_s = 4 * 3600;
	cc.sweep_every_ms = 600000;
	cc.max_stored = max_stored;
	struct contacts *c = contacts_new(&cc);
	for (int i = 0; i < steps; i++) {
		unsigned r = fx_rnd(&s) % 100;
		t += fx_rnd(&s) % 600000;
		int64_t at = r % 20 == 0 ? t - (int64_t)(fx_rnd(&s) % 7200000) : t;   /* out of order */
		snprintf(id, sizeof id, "c%u", fx_rnd(&s) % 300);
		snprintf(cust, sizeof cust, "u%u", fx_rnd(&s) % 80);
		snprintf(queue, sizeof queue, "q%u", fx_rnd(&s) % 8);
		if (r < 40) {
			fx_contact_event(c, at, "created", id, channels[fx_rnd(&s) % 4], fx_rnd(&s) % 3 ? queue : NULL,
			      fx_rnd(&s) % 5 ? cust : NULL);
		} else if (r < 80) {
			/* an id never created is placed by its channel, when it names one */
			fx_contact_event(c, at, kinds[fx_rnd(&s) % 6], id, fx_rnd(&s) % 2 ? channels[fx_rnd(&s) % 4] : NULL,
			      NULL, NULL);
		} else if (r < 92) {
			snprintf(id, sizeof id, "v%u", fx_rnd(&s) % 100);
			static const enum ev_kind ck[] = {EV_ENTER, EV_CONNECT, EV_ABANDON, EV_COMPLETE};
			fx_contact_call(c, at, ck[fx_rnd(&s) % 4], id, cust);
		} else {
			contacts_advance(c, t);
		}
		same_as_walk(c);
	}
	contacts_advance(c, t + 5 * 3600 * 1000LL);    /* the stale ones forgotten */
	same_as_walk(c);
	assert_true(contacts_check(c));
	contacts_free(c);
}

static void backlog_equals_full_walk(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 12; seed++)
		run(seed, 524288, 4000);
}

/* A small store: evictions run (they keep the backlog; the sweep of stale
 * contacts takes from it). */
static void backlog_equals_full_walk_under_cap(void **state)
{
	(void)state;
	for (unsigned seed = 200; seed <= 205; seed++)
		run(seed, 40, 4000);
}

/* The figures the board reads, by hand: the oldest unanswered moves to the
 * next one when it is answered, the oldest open when it is resolved. */
static void oldest_follows_replies_and_resolves(void **state)
{
	(void)state;
	struct contacts_conf cc;
	struct contacts_live l;
	contacts_conf_from(&cc, NULL);
	struct contacts *c = contacts_new(&cc);
	fx_contact_event(c, T0, "created", "a", "email", NULL, "u1");
	fx_contact_event(c, T0 + 10000, "created", "b", "email", NULL, "u2");
	fx_contact_event(c, T0 + 20000, "created", "c", "chat", NULL, NULL);
	contacts_advance(c, T0 + 60000);
	contacts_live(c, CS_TOTAL, 0, &l);
	assert_int_equal(l.open, 3);
	assert_int_equal(l.unanswered, 3);
	assert_int_equal(l.oldest_unanswered_ms, 60000);
	fx_contact_event(c, T0 + 61000, "reply", "a", NULL, NULL, NULL);
	contacts_live(c, CS_CHANNEL, 0, &l);
	assert_int_equal(l.open, 2);
	assert_int_equal(l.unanswered, 1);
	assert_int_equal(l.oldest_open_ms, 61000);
	assert_int_equal(l.oldest_unanswered_ms, 51000);
	fx_contact_event(c, T0 + 62000, "resolved", "a", NULL, NULL, NULL);
	contacts_live(c, CS_TOTAL, 0, &l);
	assert_int_equal(l.open, 2);
	assert_int_equal(l.oldest_open_ms, 52000);
	fx_contact_event(c, T0 + 63000, "reopened", "a", NULL, NULL, NULL);   /* back in, answered */
	contacts_live(c, CS_CHANNEL, 0, &l);
	assert_int_equal(l.open, 2);
	assert_int_equal(l.unanswered, 1);
	assert_int_equal(l.oldest_open_ms, 63000);
	contacts_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backlog_equals_full_walk),
		cmocka_unit_test(backlog_equals_full_walk_under_cap),
		cmocka_unit_test(oldest_follows_replies_and_resolves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
