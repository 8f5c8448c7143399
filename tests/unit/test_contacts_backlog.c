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

static void event(struct contacts *c, int64_t ts, const char *kind, const char *id,
                  const char *channel, const char *queue, const char *customer)
{
	char buf[512];
	struct contact_parser p;
	struct contact_event e;
	int len = snprintf(buf, sizeof buf, "{\"ts\":%lld.%03lld,\"event\":\"%s\",\"id\":\"%s\"",
	                   (long long)(ts / 1000), (long long)(ts % 1000), kind, id);
	if (channel)
		len += snprintf(buf + len, sizeof buf - (size_t)len, ",\"channel\":\"%s\"", channel);
	if (queue)
		len += snprintf(buf + len, sizeof buf - (size_t)len, ",\"queue\":\"%s\"", queue);
	if (customer)
		len += snprintf(buf + len, sizeof buf - (size_t)len, ",\"customer\":\"%s\"", customer);
	snprintf(buf + len, sizeof buf - (size_t)len, "}");
	assert_true(contact_parse(&p, buf, strlen(buf), &e));
	contacts_apply(c, &e);
}

static void call(struct contacts *c, int64_t ts_ms, enum ev_kind k, const char *callid,
                 const char *cid)
{
	struct qevent e = {.time = ts_ms / 1000, .kind = k, .callid = callid, .queue = "q1",
	                   .callerid = cid, .hold_s = -1, .talk_s = -1, .wait_s = -1};
	contacts_on_qevent(c, &e);
}

static unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
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
		unsigned r = rnd(&s) % 100;
		t += rnd(&s) % 600000;
		int64_t at = r % 20 == 0 ? t - (int64_t)(rnd(&s) % 7200000) : t;   /* out of order */
		snprintf(id, sizeof id, "c%u", rnd(&s) % 300);
		snprintf(cust, sizeof cust, "u%u", rnd(&s) % 80);
		snprintf(queue, sizeof queue, "q%u", rnd(&s) % 8);
		if (r < 40) {
			event(c, at, "created", id, channels[rnd(&s) % 4], rnd(&s) % 3 ? queue : NULL,
			      rnd(&s) % 5 ? cust : NULL);
		} else if (r < 80) {
			/* an id never created is placed by its channel, when it names one */
			event(c, at, kinds[rnd(&s) % 6], id, rnd(&s) % 2 ? channels[rnd(&s) % 4] : NULL,
			      NULL, NULL);
		} else if (r < 92) {
			snprintf(id, sizeof id, "v%u", rnd(&s) % 100);
			static const enum ev_kind ck[] = {EV_ENTER, EV_CONNECT, EV_ABANDON, EV_COMPLETE};
			call(c, at, ck[rnd(&s) % 4], id, cust);
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
	event(c, T0, "created", "a", "email", NULL, "u1");
	event(c, T0 + 10000, "created", "b", "email", NULL, "u2");
	event(c, T0 + 20000, "created", "c", "chat", NULL, NULL);
	contacts_advance(c, T0 + 60000);
	contacts_live(c, CS_TOTAL, 0, &l);
	assert_int_equal(l.open, 3);
	assert_int_equal(l.unanswered, 3);
	assert_int_equal(l.oldest_unanswered_ms, 60000);
	event(c, T0 + 61000, "reply", "a", NULL, NULL, NULL);
	contacts_live(c, CS_CHANNEL, 0, &l);
	assert_int_equal(l.open, 2);
	assert_int_equal(l.unanswered, 1);
	assert_int_equal(l.oldest_open_ms, 61000);
	assert_int_equal(l.oldest_unanswered_ms, 51000);
	event(c, T0 + 62000, "resolved", "a", NULL, NULL, NULL);
	contacts_live(c, CS_TOTAL, 0, &l);
	assert_int_equal(l.open, 2);
	assert_int_equal(l.oldest_open_ms, 52000);
	event(c, T0 + 63000, "reopened", "a", NULL, NULL, NULL);   /* back in, answered */
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
