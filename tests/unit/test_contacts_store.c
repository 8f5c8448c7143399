/* test_contacts_store.c - the contacts model's storage and the keys built on
 * it: pivots by pair while unanswered, the callback list of a voice-only
 * feed, what is kept of calls and customers, and forgetting at the edge of
 * the windows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contact.h"
#include "contacts.h"
#include "event.h"

#define T0 1767254400000LL   /* 2026-01-01 08:00:00 UTC, ms */
#define H 3600000LL

static struct contacts *fresh(void)
{
	struct contacts_conf cc;
	contacts_conf_from(&cc, NULL);
	return contacts_new(&cc);
}

static int evf(struct contacts *c, long long ts_ms, const char *rest)
{
	char buf[1024];
	struct contact_parser p;
	struct contact_event e;
	snprintf(buf, sizeof buf, "{\"ts\":%lld.%03lld,%s}", ts_ms / 1000, ts_ms % 1000, rest);
	if (!contact_parse(&p, buf, strlen(buf), &e))
		return -1;
	return (int)contacts_apply(c, &e);
}

static void call(struct contacts *c, int64_t t, enum ev_kind k, const char *callid,
                 const char *queue, const char *cid)
{
	struct qevent e = {.time = t, .kind = k, .callid = callid, .queue = queue, .callerid = cid,
	                   .hold_s = -1, .talk_s = -1, .wait_s = -1};
	contacts_on_qevent(c, &e);
}

static json_t *no_queue(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
	return NULL;
}

static json_t *snap(const struct contacts *c)
{
	json_t *root = json_object();
	contacts_json(c, root, no_queue, NULL);
	return root;
}

static json_int_t pair_key(json_t *root, const char *pair, const char *key)
{
	json_t *p = json_object_get(json_object_get(root, "pivots_by_pair"), pair);
	json_t *v = json_object_get(p, key);
	if (!json_is_integer(v))
		fail_msg("pivots_by_pair.%s.%s: missing", pair, key);
	return json_integer_value(v);
}

/* Calls have their own bound (CONTACTS_MAX_CALLS, what a byte budget
 * holds): a centre taking more calls than that keeps the latest calls only,
 * while contacts of the other channels (the backlog and closed ones alike)
 * stay until their windows are over, and the counts stay exact. */
static void test_calls_bound(void **state)
{
	(void)state;
	enum { CALLS = CONTACTS_MAX_CALLS + CONTACTS_MAX_CALLS / 2 };
	struct contacts *c = fresh();
	char id[32], cid[32];
	evf(c, T0, "\"event\":\"created\",\"id\":\"E1\",\"channel\":\"email\",\"customer\":\"+15559999999\"");
	evf(c, T0 + 1, "\"event\":\"resolved\",\"id\":\"E1\"");
	evf(c, T0 + 2, "\"event\":\"created\",\"id\":\"E2\",\"channel\":\"email\",\"customer\":\"u2\"");
	for (int i = 1; i <= CALLS; i++) {
		int64_t s = T0 / 1000 + i / 10;             /* ten calls a second, each a new caller */
		snprintf(id, sizeof id, "%lld.%d", (long long)s, i);
		snprintf(cid, sizeof cid, "+1444%07d", i);
		call(c, s, EV_ENTER, id, "sales", cid);
		call(c, s, EV_CONNECT, id, "sales", NULL);
		call(c, s + 1, EV_COMPLETE, id, "sales", NULL);
	}
	size_t customers, stored = contacts_stored(c, &customers);
	assert_true(stored <= CONTACTS_MAX_CALLS + CONTACTS_MAX_CALLS / 8 + 2);
	assert_true(stored >= CONTACTS_MAX_CALLS / 2);
	const struct ct_tally *t = contacts_today(c, CS_TOTAL, 0);
	assert_int_equal(t->v[CT_CREATED], CALLS + 2);
	/* the emails stay: the resolved one's customer calls and pivots, the open one is backlog */
	call(c, T0 / 1000 + CALLS / 10 + 5, EV_ENTER, "x.1", "sales", "+15559999999");
	assert_int_equal(t->v[CT_PIVOTS], 1);
	struct contacts_live live;
	contacts_live(c, CS_TOTAL, 0, &live);
	assert_int_equal(live.open, 1);
	assert_true(contacts_check(c));
	contacts_free(c);
}

/* A contacts model that keeps at most max_calls calls. */
static struct contacts *with_max_calls(size_t max_calls)
{
	struct contacts_conf cc;
	contacts_conf_from(&cc, NULL);
	cc.max_calls = max_calls;
	return contacts_new(&cc);
}

/* Past the calls' bound the oldest closed calls go first, one per call
 * added (no walk of the tables): the store holds the latest max_calls calls
 * whole, so a caller of any of them still repeats; a call still waiting at
 * the head of the line stays, and its abandon still lists its caller. */
static void test_calls_oldest_first(void **state)
{
	(void)state;
	struct contacts *c = with_max_calls(100);
	char id[32], cid[32];
	int64_t s0 = T0 / 1000;
	call(c, s0, EV_ENTER, "0.0", "sales", "+15550000000");       /* waits all along */
	for (int i = 1; i <= 300; i++) {
		snprintf(id, sizeof id, "%lld.%d", (long long)(s0 + i), i);
		snprintf(cid, sizeof cid, "+1444%07d", i);
		call(c, s0 + i, EV_ENTER, id, "sales", cid);
		call(c, s0 + i, EV_CONNECT, id, "sales", NULL);
		call(c, s0 + i + 1, EV_COMPLETE, id, "sales", NULL);
		assert_true(contacts_stored(c, NULL) <= 100);
	}
	assert_int_equal(contacts_stored(c, NULL), 100);
	const struct ct_tally *t = contacts_today(c, CS_TOTAL, 0);
	/* the 98 latest callers and the one waiting are stored: each repeats */
	call(c, s0 + 400, EV_ENTER, "r.1", "sales", "+14440000203");
	call(c, s0 + 400, EV_ENTER, "r.2", "sales", "+14440000300");
	assert_int_equal(t->v[CT_REPEATS], 2);
	call(c, s0 + 401, EV_ENTER, "r.3", "sales", "+14440000100");  /* long forgotten */
	assert_int_equal(t->v[CT_REPEATS], 2);
	call(c, s0 + 402, EV_ABANDON, "0.0", "sales", NULL);
	assert_int_equal(contacts_callbacks(c, NULL, 0), 1);
	assert_int_equal(t->v[CT_CREATED], 304);
	assert_true(contacts_check(c));
	contacts_free(c);
}

/* A call that leaves its queue with a key, for want of agents or withdrawn
 * is over: past the calls' bound it goes like any closed call, so a month of
 * such calls cannot fill the store with calls "in progress"; its caller is not
 * on the callback list, and a later queue of the same call makes it wait again. */
static void test_exits_close_calls(void **state)
{
	(void)state;
	struct contacts *c = with_max_calls(100);
	char id[32], cid[32];
	int64_t s0 = T0 / 1000;
	static const enum ev_kind exits[] = {EV_EXITKEY, EV_EXITEMPTY, EV_WITHDRAW, EV_FORGET};
	for (int i = 1; i <= 400; i++) {
		snprintf(id, sizeof id, "%lld.%d", (long long)(s0 + i), i);
		snprintf(cid, sizeof cid, "+1444%07d", i);
		call(c, s0 + i, EV_ENTER, id, "sales", cid);
		call(c, s0 + i + 1, exits[i % 4], id, "sales", NULL);
		assert_true(contacts_stored(c, NULL) <= 101);
	}
	assert_int_equal(contacts_callbacks(c, NULL, 0), 0);
	call(c, s0 + 500, EV_ENTER, "x.1", "sales", "+15550000001");
	call(c, s0 + 501, EV_EXITEMPTY, "x.1", "sales", NULL);
	call(c, s0 + 502, EV_ENTER, "x.1", "support", NULL);     /* the same call, queued again */
	call(c, s0 + 503, EV_ABANDON, "x.1", "support", NULL);
	assert_int_equal(contacts_callbacks(c, NULL, 0), 1);
	assert_int_equal(contacts_today(c, CS_TOTAL, 0)->v[CT_CREATED], 401);
	assert_true(contacts_check(c));
	contacts_free(c);
}

/* A call's events as a parser gives them (lengths and hashes set, keyed)
 * or not: the same queue, the same call, the same caller, whether the text
 * is plain or must be made safe first. */
static void test_keyed_events(void **state)
{
	(void)state;
	struct contacts *c = fresh();
	int64_t s0 = T0 / 1000;
	call(c, s0, EV_ENTER, "1.1", "sales", "+15551230000");           /* not keyed */
	struct qevent e = {.time = s0 + 1, .kind = EV_ENTER, .callid = "1.2", .queue = "sales",
	                   .callerid = "+15551230000", .hold_s = -1, .talk_s = -1, .wait_s = -1};
	qevent_key(&e);
	contacts_on_qevent(c, &e);
	assert_int_equal(contacts_queue_count(c), 1);
	e = (struct qevent){.time = s0 + 2, .kind = EV_ENTER, .callid = "2\x01.3",
	                    .queue = "sa\x01les", .callerid = "+1555\x02", .hold_s = -1,
	                    .talk_s = -1, .wait_s = -1};
	qevent_key(&e);
	contacts_on_qevent(c, &e);
	assert_int_equal(contacts_queue_count(c), 2);
	call(c, s0 + 3, EV_ABANDON, "2\x01.3", "sa\x01les", NULL);     /* the same call, unkeyed */
	struct contacts_callback cb[2];
	assert_int_equal(contacts_callbacks(c, cb, 2), 1);
	assert_string_equal(cb[0].customer, "+1555?");
	assert_string_equal(cb[0].queue, "sa?les");
	const struct ct_tally *t = contacts_today(c, CS_TOTAL, 0);
	assert_int_equal(t->v[CT_CREATED], 3);
	assert_int_equal(t->v[CT_REPEATS], 1);
	assert_true(contacts_check(c));
	contacts_free(c);
}

/* A long run of calls, each from a new caller, whose ids grow a digit now
 * and then (Asterisk's "epoch.sequence"): the store levels off at the calls'
 * byte budget and an eighth (an eviction under way), whatever the ids'
 * lengths, rather than a pool of records per length. */
static void test_calls_store_ceiling(void **state)
{
	(void)state;
	enum { CALLS = 4 * CONTACTS_MAX_CALLS };
	struct contacts *c = fresh();
	char id[32], cid[32];
	size_t peak = 0;
	for (int i = 1; i <= CALLS; i++) {
		int64_t s = T0 / 1000 + i / 100;
		snprintf(id, sizeof id, "1767254400.%d", i);   /* 1 to 6 digits after the dot */
		snprintf(cid, sizeof cid, "+1444%07d", i);
		call(c, s, EV_ENTER, id, "sales", cid);
		call(c, s, EV_CONNECT, id, "sales", NULL);
		call(c, s + 1, EV_COMPLETE, id, "sales", NULL);
		if (i % 1000 == 0 && contacts_store_bytes(c) > peak)
			peak = contacts_store_bytes(c);
	}
	assert_true(peak <= CONTACTS_CALLS_BYTES + CONTACTS_CALLS_BYTES / 8 + (1u << 20));
	assert_int_equal(contacts_today(c, CS_TOTAL, 0)->v[CT_CREATED], CALLS);
	assert_true(contacts_check(c));
	contacts_free(c);
}

/* Forgetting a big store is spread over the clock's next moves (lines,
 * ticks), a few thousand slots each, never one walk of the whole store. */
static void test_sweep_spread(void **state)
{
	(void)state;
	enum { N = 20000 };
	struct contacts *c = fresh();
	char rest[128];
	for (int i = 0; i < N; i++) {
		snprintf(rest, sizeof rest, "\"event\":\"resolved\",\"id\":\"R%d\",\"channel\":\"email\"", i);
		evf(c, T0 + i, rest);
	}
	assert_int_equal(contacts_stored(c, NULL), N);
	contacts_advance(c, T0 + 25 * H);
	size_t left = contacts_stored(c, NULL);
	assert_true(left > 0 && left < N);        /* started, not done in one go */
	for (int i = 1; i <= 64 && contacts_stored(c, NULL); i++)
		contacts_advance(c, T0 + 25 * H + i);
	assert_int_equal(contacts_stored(c, NULL), 0);
	assert_int_equal(contacts_today(c, CS_TOTAL, 0)->v[CT_RESOLVED], 0);   /* a new day */
	assert_true(contacts_check(c));
	contacts_free(c);
}

/* email > voice twice: once while the email was unanswered, once after its
 * reply; and email > chat answered only after the chat came. */
static void test_pivots_by_pair_unanswered(void **state)
{
	(void)state;
	struct contacts *c = fresh();
	evf(c, T0, "\"event\":\"created\",\"id\":\"E1\",\"channel\":\"email\",\"customer\":\"+1555\"");
	call(c, T0 / 1000 + 600, EV_ENTER, "100.1", "sales", "+1555");
	evf(c, T0 + 2 * H, "\"event\":\"created\",\"id\":\"E2\",\"channel\":\"email\",\"customer\":\"+1666\"");
	evf(c, T0 + 2 * H + 1000, "\"event\":\"reply\",\"id\":\"E2\"");
	call(c, (T0 + 3 * H) / 1000, EV_ENTER, "100.2", "sales", "+1666");
	evf(c, T0 + 4 * H, "\"event\":\"created\",\"id\":\"E3\",\"channel\":\"email\",\"customer\":\"u7\"");
	evf(c, T0 + 5 * H, "\"event\":\"created\",\"id\":\"C3\",\"channel\":\"chat\",\"customer\":\"u7\"");
	evf(c, T0 + 5 * H + 1, "\"event\":\"reply\",\"id\":\"E3\"");
	json_t *root = snap(c);
	assert_int_equal(pair_key(root, "email>voice", "today"), 2);
	assert_int_equal(pair_key(root, "email>voice", "unanswered_today"), 1);
	assert_int_equal(pair_key(root, "email>voice", "window"), 0);
	assert_int_equal(pair_key(root, "email>voice", "unanswered_window"), 0);
	assert_int_equal(pair_key(root, "email>chat", "today"), 1);
	assert_int_equal(pair_key(root, "email>chat", "unanswered_today"), 1);
	assert_int_equal(pair_key(root, "email>chat", "window"), 1);
	assert_int_equal(pair_key(root, "email>chat", "unanswered_window"), 1);
	json_decref(root);
	/* the reply arrives out of order, before the chat: no longer unanswered */
	evf(c, T0 + 5 * H - 1, "\"event\":\"reply\",\"id\":\"E3\"");
	root = snap(c);
	assert_int_equal(pair_key(root, "email>chat", "today"), 1);
	assert_int_equal(pair_key(root, "email>chat", "unanswered_today"), 0);
	assert_int_equal(pair_key(root, "email>chat", "unanswered_window"), 0);
	json_decref(root);
	/* the window rolls them out, the day keeps them */
	contacts_advance(c, T0 + 6 * H);
	root = snap(c);
	assert_int_equal(pair_key(root, "email>voice", "unanswered_today"), 1);
	assert_int_equal(pair_key(root, "email>chat", "window"), 0);
	json_decref(root);
	assert_true(contacts_check(c));
	contacts_free(c);
}

/* A voice-only feed: "callbacks" is there (empty) from the first snapshot on,
 * and fills from abandons alone. */
static void test_callbacks_voice_only(void **state)
{
	(void)state;
	struct contacts *c = fresh();
	json_t *root = snap(c), *cb;
	cb = json_object_get(root, "callbacks");
	assert_true(json_is_array(cb));
	assert_int_equal(json_array_size(cb), 0);
	json_decref(root);
	call(c, T0 / 1000, EV_ENTER, "200.1", "sales", "+15550002072");
	call(c, T0 / 1000 + 30, EV_ABANDON, "200.1", "sales", NULL);
	assert_false(contacts_any(c));
	root = snap(c);
	cb = json_object_get(root, "callbacks");
	assert_int_equal(json_array_size(cb), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cb, 0), "customer")),
	                    "+15550002072");
	assert_null(json_object_get(root, "channels"));   /* the rest waits for contact events */
	json_decref(root);
	contacts_free(c);
}

/* Forgetting at the windows' edge: a sweep exactly one window after a
 * contact keeps it (its customer's next contact then is a repeat: [created -
 * window, created)); the next sweep forgets it and its customer. */
static void test_forgetting_at_edge(void **state)
{
	(void)state;
	struct contacts *c = fresh();     /* repeat and pivot windows: 1 day */
	size_t customers;
	evf(c, T0, "\"event\":\"created\",\"id\":\"A\",\"channel\":\"email\",\"customer\":\"u1\"");
	evf(c, T0 + 1000, "\"event\":\"resolved\",\"id\":\"A\"");
	call(c, T0 / 1000 + 1, EV_ENTER, "300.1", "sales", "+15550001");
	call(c, T0 / 1000 + 2, EV_CONNECT, "300.1", "sales", NULL);
	call(c, T0 / 1000 + 60, EV_COMPLETE, "300.1", "sales", NULL);
	assert_int_equal(contacts_stored(c, &customers), 2);
	assert_int_equal(customers, 2);
	contacts_advance(c, T0 + 24 * H);     /* a sweep exactly at the edge */
	assert_int_equal(contacts_stored(c, &customers), 2);
	evf(c, T0 + 24 * H, "\"event\":\"created\",\"id\":\"A2\",\"channel\":\"chat\",\"customer\":\"u1\"");
	const struct ct_tally *t = contacts_today(c, CS_TOTAL, 0);
	assert_int_equal(t->v[CT_REPEATS], 1);
	assert_int_equal(t->v[CT_PIVOTS], 1);
	/* the call (created a second later) is a millisecond inside too */
	call(c, (T0 + 24 * H) / 1000 + 1, EV_ENTER, "300.2", "sales", "+15550001");
	assert_int_equal(t->v[CT_REPEATS], 2);
	/* half an hour on, the next sweep: A and the first call are gone, and with
	 * them nothing that any window still needs */
	contacts_advance(c, T0 + 24 * H + 30 * 60000);
	assert_int_equal(contacts_stored(c, &customers), 2);     /* A2 and 300.2 */
	assert_int_equal(customers, 2);
	assert_true(contacts_check(c));
	contacts_free(c);
}

/* Past max_stored the oldest closed contacts go; the counts stay exact, the
 * backlog and the calls in progress stay, and the store stays bounded. */
static void test_cap_bounds_the_store(void **state)
{
	(void)state;
	struct contacts_conf cc;
	contacts_conf_from(&cc, NULL);
	cc.max_stored = 64;
	struct contacts *c = contacts_new(&cc);
	char id[32], cid[32];
	evf(c, T0, "\"event\":\"created\",\"id\":\"OPEN\",\"channel\":\"email\",\"customer\":\"u0\"");
	call(c, T0 / 1000, EV_ENTER, "1.0", "sales", "+15550000");     /* waits all along */
	for (int i = 1; i <= 1000; i++) {
		snprintf(id, sizeof id, "%d.%d", 1000 + i, i);
		snprintf(cid, sizeof cid, "+1555%07d", i % 500);       /* each calls twice */
		call(c, T0 / 1000 + i, EV_ENTER, id, "sales", cid);
		call(c, T0 / 1000 + i + 1, EV_COMPLETE, id, "sales", NULL);
		assert_true(contacts_stored(c, NULL) <= 64 + 64 / 8);
	}
	const struct ct_tally *t = contacts_today(c, CS_TOTAL, 0);
	assert_int_equal(t->v[CT_CREATED], 1002);
	assert_int_equal(t->v[CT_CREATED_WITH_CUSTOMER], 1002);
	/* each second call comes 500 calls after the first: forgotten by then */
	assert_true(t->v[CT_REPEATS] < 500);
	struct contacts_live live;
	contacts_live(c, CS_TOTAL, 0, &live);
	assert_int_equal(live.open, 1);                        /* the backlog stays */
	/* the waiting call stays too: its abandon puts the caller on the list */
	call(c, T0 / 1000 + 2000, EV_ABANDON, "1.0", "sales", NULL);
	assert_int_equal(contacts_callbacks(c, NULL, 0), 1);
	/* a customer of the last calls still repeats */
	int64_t repeats = t->v[CT_REPEATS];
	call(c, T0 / 1000 + 2001, EV_ENTER, "9.9", "sales", "+15550000499");
	assert_int_equal(t->v[CT_REPEATS], repeats + 1);
	assert_true(contacts_check(c));
	contacts_free(c);
}

/* Ids of digits and ".-_:@" are kept packed: found again by their id (a
 * second created is a duplicate, a reply finds its contact), written as
 * received, beside ids that stay as they are and a long packed one. */
static void test_packed_ids(void **state)
{
	(void)state;
	static const char *ids[] = { "12-34_56:78@9.0", "C9", "123456789012345678901234567890",
	                             "1767254987.6730950" };
	struct contacts *c = fresh();
	char rest[256];
	call(c, T0 / 1000 + 1, EV_ENTER, ids[3], "sales", "+1777");
	for (int i = 0; i < 3; i++) {
		snprintf(rest, sizeof rest, "\"event\":\"created\",\"id\":\"%s\",\"channel\":\"%s\","
		         "\"customer\":\"+1777\"", ids[i], i == 1 ? "chat" : "email");
		assert_int_equal(evf(c, T0 + 2000 + 1000 * i, rest), CONTACTS_APPLIED);
		assert_int_equal(evf(c, T0 + 2000 + 1000 * i, rest), CONTACTS_DUPLICATE);
		snprintf(rest, sizeof rest, "\"event\":\"reply\",\"id\":\"%s\"", ids[i]);
		assert_int_equal(evf(c, T0 + 2500 + 1000 * i, rest), CONTACTS_APPLIED);
	}
	json_t *root = snap(c);
	json_t *j = json_array_get(json_object_get(root, "journeys"), 0);
	json_t *list = json_object_get(j, "contacts");
	assert_int_equal(json_array_size(list), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "id")), ids[3]);
	for (int i = 0; i < 3; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(list, (size_t)i + 1),
		                                                      "id")), ids[i]);
	json_decref(root);
	assert_true(contacts_check(c));
	contacts_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forgetting_at_edge),
		cmocka_unit_test(test_cap_bounds_the_store),
		cmocka_unit_test(test_calls_bound),
		cmocka_unit_test(test_calls_oldest_first),
		cmocka_unit_test(test_exits_close_calls),
		cmocka_unit_test(test_keyed_events),
		cmocka_unit_test(test_calls_store_ceiling),
		cmocka_unit_test(test_sweep_spread),
		cmocka_unit_test(test_pivots_by_pair_unanswered),
		cmocka_unit_test(test_callbacks_voice_only),
		cmocka_unit_test(test_packed_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
