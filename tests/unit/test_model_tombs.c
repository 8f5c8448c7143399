/* test_model_tombs.c - ended calls kept as compact tombstones: a repeat of an
 * ended call's line is still a duplicate once the call is a tombstone, the
 * bound by count (TOMB_MAX, the oldest goes), and queues renumbered under
 * tombstones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "model.h"
#include "model_internal.h"
#include "queuelog.h"

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

/* Feeds one queue_log line; returns what model_apply said (-1: not an event). */
static int feed(struct fixture *f, const char *fmt, ...)
{
	char line[512];
	struct qevent ev;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (queuelog_parse(line, strlen(line), &ev) != QL_EVENT)
		return -1;
	return model_apply(f->m, &ev);
}

static const struct counts *today(struct fixture *f, const char *q)
{
	for (size_t i = 0; i < model_queue_count(f->m); i++)
		if (strcmp(model_queue_name(f->m, i), q) == 0)
			return model_queue_today(f->m, i);
	fail_msg("no queue %s", q);
	return NULL;
}

/* Every line of an ended call repeated once it is a tombstone: duplicates. */
static void test_repeats_of_a_tombstone(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(feed(f, "%d|c1|q|NONE|ENTERQUEUE||1|1", T0), 1);
	assert_int_equal(feed(f, "%d|c1|q|Ann|CONNECT|10|x|1", T0 + 10), 1);
	assert_int_equal(feed(f, "%d|c1|q|Ann|COMPLETEAGENT|10|50|1", T0 + 60), 1);
	assert_int_equal(feed(f, "%d|c2|q|NONE|ENTERQUEUE||2|1", T0 + 61), 1);
	assert_int_equal(feed(f, "%d|c2|q|NONE|ABANDON|1|1|30", T0 + 91), 1);
	model_advance(f->m, T0 + 600);
	assert_int_equal(f->m->calls.tombs.n, 2);            /* no full record left */
	assert_int_equal(f->m->calls.count, 0);
	assert_int_equal(feed(f, "%d|c1|q|NONE|ENTERQUEUE||1|1", T0), 0);
	assert_int_equal(feed(f, "%d|c1|q|Ann|CONNECT|10|x|1", T0 + 10), 0);
	assert_int_equal(feed(f, "%d|c1|q|Ann|COMPLETEAGENT|10|50|1", T0 + 60), 0);
	assert_int_equal(feed(f, "%d|c2|q|NONE|ABANDON|1|1|30", T0 + 91), 0);
	assert_int_equal(feed(f, "%d|c2|q|NONE|ENTERQUEUE||2|1", T0 + 61), 0);
	model_advance(f->m, T0 + 700);                        /* tombstones again */
	assert_int_equal(feed(f, "%d|c2|q|NONE|ABANDON|1|1|30", T0 + 91), 0);
	assert_int_equal(model_stats(f->m).duplicates, 6);
	assert_int_equal(today(f, "q")->offered, 2);
	assert_int_equal(today(f, "q")->completed, 1);
	assert_int_equal(today(f, "q")->abandoned, 1);
	assert_int_equal(model_queue_waiting(f->m, 0), 0);
	/* the same callid entering again later, or in another queue: a new entry */
	assert_int_equal(feed(f, "%d|c1|q|NONE|ENTERQUEUE||1|1", T0 + 800), 1);
	assert_int_equal(feed(f, "%d|c1|other|NONE|ENTERQUEUE||1|1", T0 + 801), 1);
	assert_int_equal(model_queue_waiting(f->m, 0), 1);
	/* past TOMBSTONE_S a repeat counts again (as before) */
	model_advance(f->m, T0 + 700 + TOMBSTONE_S + 10);
	assert_int_equal(feed(f, "%d|c2|q|NONE|ABANDON|1|1|30", T0 + 700 + TOMBSTONE_S + 10), 1);
}

/* A long callid stays a full record, and is still known. */
static void test_long_callid(void **state)
{
	struct fixture *f = *state;
	const char *id = "pbx-east-1.example.com-1767254400.123456";
	assert_int_equal(feed(f, "%d|%s|q|NONE|ENTERQUEUE||1|1", T0, id), 1);
	assert_int_equal(feed(f, "%d|%s|q|NONE|ABANDON|1|1|30", T0 + 30, id), 1);
	model_advance(f->m, T0 + 600);
	assert_int_equal(f->m->calls.tombs.n, 0);
	assert_int_equal(f->m->calls.count, 1);
	assert_int_equal(feed(f, "%d|%s|q|NONE|ABANDON|1|1|30", T0 + 30, id), 0);
}

/* Callids past TOMB_IDB bytes made of digits and ".-_:@" are kept packed:
 * still tombstones, each known as itself (ids one character apart, of odd and
 * even lengths, up to 26); one with other characters, or longer, stays a full
 * record. */
static void test_packed_callids(void **state)
{
	struct fixture *f = *state;
	static const char *ids[] = { "1767254400.1775376", "1767254400.1775377",
	                             "1767254400.177537", "1767254400.177538",
	                             "2026-01-01_08:00@1", "1767254400.123456789012345" };
	const size_t n = sizeof ids / sizeof *ids;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(feed(f, "%d|%s|q|NONE|ENTERQUEUE||1|1", T0, ids[i]), 1);
		assert_int_equal(feed(f, "%d|%s|q|NONE|ABANDON|1|1|%d", T0 + 30, ids[i], (int)i), 1);
	}
	assert_int_equal(feed(f, "%d|pbx1-1767254400.1|q|NONE|ENTERQUEUE||1|1", T0), 1);
	assert_int_equal(feed(f, "%d|pbx1-1767254400.1|q|NONE|ABANDON|1|1|5", T0 + 30), 1);
	assert_int_equal(feed(f, "%d|1767254400.1234567890123456|q|NONE|ENTERQUEUE||1|1", T0), 1);
	assert_int_equal(feed(f, "%d|1767254400.1234567890123456|q|NONE|ABANDON|1|1|5", T0 + 30), 1);
	model_advance(f->m, T0 + 600);
	assert_int_equal(f->m->calls.tombs.n, n);
	assert_int_equal(f->m->calls.count, 2);   /* pbx1-..., and 27 bytes: full records */
	/* a near miss is a new call, each repeat a duplicate */
	assert_int_equal(feed(f, "%d|1767254400.1775378|q|NONE|ENTERQUEUE||1|1", T0 + 40), 1);
	assert_int_equal(feed(f, "%d|1767254400.17753|q|NONE|ENTERQUEUE||1|1", T0 + 40), 1);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(feed(f, "%d|%s|q|NONE|ABANDON|1|1|%d", T0 + 30, ids[i], (int)i), 0);
	assert_int_equal(feed(f, "%d|pbx1-1767254400.1|q|NONE|ABANDON|1|1|5", T0 + 30), 0);
	assert_int_equal(feed(f, "%d|1767254400.1234567890123456|q|NONE|ABANDON|1|1|5", T0 + 30), 0);
	assert_int_equal(today(f, "q")->abandoned, (int)n + 2);
	assert_int_equal(model_queue_waiting(f->m, 0), 2);
}

/* A callid with no packed form for a character at an odd place, or at an
 * even one, stays a full record (each pair of characters is read at once). */
static void test_packed_unpackable(void **state)
{
	struct fixture *f = *state;
	static const char *ids[] = { "1767254400.177537a", "1767254400.17753a7",
	                             "1767254400.177537A8" };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(feed(f, "%d|%s|q|NONE|ENTERQUEUE||1|1", T0, ids[i]), 1);
		assert_int_equal(feed(f, "%d|%s|q|NONE|ABANDON|1|1|5", T0 + 30, ids[i]), 1);
	}
	model_advance(f->m, T0 + 600);
	assert_int_equal(f->m->calls.tombs.n, 0);
	assert_int_equal(f->m->calls.count, 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(feed(f, "%d|%s|q|NONE|ABANDON|1|1|5", T0 + 30, ids[i]), 0);
}

/* Callids about a pooled record's room (21 bytes), many in one hash chain
 * and freed from any place in it: each pooled or not as its length says,
 * every one still found (its lines again are duplicates) until freed. */
static void test_pooled_room(void **state)
{
	struct fixture *f = *state;
	char id[64];
	int n = 0;
	for (int len = 19; len <= 24; len++)
		for (int i = 0; i < 300; i++, n++) {
			snprintf(id, sizeof id, "%0*d", len, i);
			assert_int_equal(feed(f, "%d|%s|q|NONE|ENTERQUEUE||1|1", T0, id), 1);
			struct call *c = f->m->calls.live.tail;
			assert_int_equal(c->idlen, len);
			assert_int_equal(c->pooled, len < 22);
			assert_string_equal(c->callid, id);
		}
	assert_int_equal(f->m->calls.count, n);
	for (int len = 24; len >= 19; len--)          /* ended in another order */
		for (int i = 0; i < 300; i += 1 + (len & 1)) {
			snprintf(id, sizeof id, "%0*d", len, i);
			assert_int_equal(feed(f, "%d|%s|q|NONE|ABANDON|1|1|5", T0 + 5, id), 1);
			assert_int_equal(feed(f, "%d|%s|q|NONE|ABANDON|1|1|5", T0 + 5, id), 0);
		}
	assert_int_equal(model_queue_waiting(f->m, 0), 150 * 3);   /* the odd lengths' odd i */
	model_advance(f->m, T0 + 60);
	for (int len = 19; len <= 24; len++)
		for (int i = 0; i < 300; i++) {
			snprintf(id, sizeof id, "%0*d", len, i);
			bool ended = (len & 1) == 0 || i % 2 == 0;
			assert_int_equal(feed(f, "%d|%s|q|NONE|ABANDON|1|1|5", T0 + 5, id), !ended);
		}
	assert_int_equal(model_queue_waiting(f->m, 0), 0);
}

/* Walks queue 0's waiting list and the live list both ways: every link
 * answered by its neighbour's, as many records as counted, each found in
 * its hash chain. */
static void assert_lists_whole(struct fixture *f, size_t waiting, size_t live)
{
	const struct queue *q = &f->m->queues[0];
	size_t n = 0;
	const struct call *prev = NULL;
	for (const struct call *c = q->whead; c; prev = c, c = c->wnext, n++)
		assert_ptr_equal(c->wprev, prev);
	assert_ptr_equal(q->wtail, prev);
	assert_int_equal(n, waiting);
	n = 0;
	prev = NULL;
	for (const struct call *c = f->m->calls.live.head; c; prev = c, c = c->next, n++) {
		assert_ptr_equal(c->prev, prev);
		struct qevent ev = { .callid = c->callid, .callid_len = c->idlen };
		assert_ptr_equal(call_find(&f->m->calls, &ev, 0, c->hash), c);
	}
	assert_ptr_equal(f->m->calls.live.tail, prev);
	assert_int_equal(n, live);
}

/* A rush of 20,000 waiting calls, all but every 40th ended (of those left,
 * every other one answered): their records' slabs are given back as the
 * clock moves (the 500 left moved down into two, every list and chain
 * through them still whole, each call still known), and so are the hash
 * buckets they grew; later calls take the cells left free. */
static void test_rush_given_back(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 20000; i++)
		assert_int_equal(feed(f, "%d|r%d|q|NONE|ENTERQUEUE||1|1", T0 + i / 1000, i), 1);
	assert_int_equal(f->m->calls.count, 20000);
	assert_int_equal(f->m->calls.nbuckets, 16384);
	assert_int_equal(f->m->calls.nslab, 50);
	for (int i = 0; i < 20000; i++)
		if (i % 40 != 39)
			assert_int_equal(feed(f, "%d|r%d|q|NONE|ABANDON|1|1|5", T0 + 25, i), 1);
		else if (i % 80 == 79)
			assert_int_equal(feed(f, "%d|r%d|q|A%d|CONNECT|5|x|1", T0 + 25, i, i), 1);
	for (int k = 0; k < 60; k++)
		model_advance(f->m, T0 + 60 + k);
	assert_int_equal(f->m->calls.count, 500);
	assert_int_equal(f->m->calls.npooled, 500);
	assert_int_equal(f->m->calls.nbuckets, 1024);
	assert_true(f->m->calls.nslab <= 3);
	assert_int_equal(model_queue_waiting(f->m, 0), 250);
	assert_lists_whole(f, 250, 500);
	for (int i = 0; i < 100; i++)
		assert_int_equal(feed(f, "%d|s%d|q|NONE|ENTERQUEUE||1|1", T0 + 200, i), 1);
	assert_true(f->m->calls.nslab <= 3);
	assert_lists_whole(f, 350, 600);
	for (int i = 39; i < 20000; i += 40) {
		if (i % 80 == 79) {
			assert_int_equal(feed(f, "%d|r%d|q|A%d|COMPLETEAGENT|5|100|1", T0 + 201, i, i), 1);
			assert_int_equal(feed(f, "%d|r%d|q|A%d|COMPLETEAGENT|5|100|1", T0 + 201, i, i), 0);
		} else {
			assert_int_equal(feed(f, "%d|r%d|q|NONE|ABANDON|1|1|5", T0 + 201, i), 1);
			assert_int_equal(feed(f, "%d|r%d|q|NONE|ABANDON|1|1|5", T0 + 201, i), 0);
		}
	}
	assert_int_equal(today(f, "q")->completed, 250);
	assert_int_equal(model_queue_waiting(f->m, 0), 100);
	assert_lists_whole(f, 100, 100);
}

/* More ended calls than TOMB_MAX within TOMBSTONE_S: the oldest go first; the
 * memory stays bounded, a recent repeat is still known. */
static void test_bound_by_count(void **state)
{
	struct fixture *f = *state;
	unsigned n = TOMB_MAX + 1000;
	for (unsigned i = 0; i < n; i++) {
		int64_t t = T0 + i / 32;                      /* 32 calls a second: 18 min */
		feed(f, "%lld|%u.1|q%u|NONE|ENTERQUEUE||1|1", (long long)t, i, i % 8);
		feed(f, "%lld|%u.1|q%u|NONE|ABANDON|1|1|0", (long long)t, i, i % 8);
	}
	model_advance(f->m, T0 + n / 32 + 2);
	assert_true(f->m->calls.tombs.n <= TOMB_MAX);
	assert_true(f->m->calls.tombs.cap <= TOMB_MAX);
	assert_true(f->m->calls.tombs.evicted >= 1000);
	assert_true(f->m->calls.count < 64);
	/* the newest are known ... */
	assert_int_equal(feed(f, "%lld|%u.1|q%u|NONE|ABANDON|1|1|0", (long long)(T0 + (n - 1) / 32),
	                      n - 1, (n - 1) % 8), 0);
	assert_int_equal(feed(f, "%lld|%u.1|q%u|NONE|ABANDON|1|1|0",
	                      (long long)(T0 + (n - 2000) / 32), n - 2000, (n - 2000) % 8), 0);
	/* ... the oldest, TOMB_MAX + 1,000 calls back, counts again: the bound's price */
	assert_int_equal(feed(f, "%lld|0.1|q0|NONE|ABANDON|1|1|0", (long long)T0), 1);
}

/* A queue forgotten (idle a day) renumbers those after it: their tombstones
 * are still found. */
static void test_renumbered_queues(void **state)
{
	struct fixture *f = *state;
	int64_t t1 = T0 + 86000;                      /* the next day, aaa kept by a sweep */
	assert_int_equal(feed(f, "%d|a1|aaa|NONE|ENTERQUEUE||1|1", T0), 1);
	assert_int_equal(feed(f, "%d|a1|aaa|NONE|ABANDON|1|1|5", T0 + 5), 1);
	assert_int_equal(feed(f, "%lld|b1|bbb|NONE|ENTERQUEUE||1|1", (long long)t1), 1);
	assert_int_equal(feed(f, "%lld|b1|bbb|NONE|ABANDON|1|1|5", (long long)t1 + 5), 1);
	model_advance(f->m, t1 + 60);
	assert_int_equal(f->m->calls.tombs.n, 1);
	assert_int_equal(model_queue_count(f->m), 2);
	model_advance(f->m, t1 + 3600);                       /* the next sweep: aaa goes */
	assert_int_equal(model_queue_count(f->m), 1);
	assert_string_equal(model_queue_name(f->m, 0), "bbb");
	assert_int_equal(f->m->queues[0].ncalls, 1);           /* its tombstone keeps it */
	assert_int_equal(feed(f, "%lld|b1|bbb|NONE|ABANDON|1|1|5", (long long)t1 + 5), 0);
	assert_int_equal(today(f, "bbb")->abandoned, 1);
}

/* The same with a packed callid. */
static void test_renumbered_packed(void **state)
{
	struct fixture *f = *state;
	int64_t t1 = T0 + 86000;
	const char *id = "1767340400.1234567";
	assert_int_equal(feed(f, "%d|a1|aaa|NONE|ENTERQUEUE||1|1", T0), 1);
	assert_int_equal(feed(f, "%d|a1|aaa|NONE|ABANDON|1|1|5", T0 + 5), 1);
	assert_int_equal(feed(f, "%lld|%s|bbb|NONE|ENTERQUEUE||1|1", (long long)t1, id), 1);
	assert_int_equal(feed(f, "%lld|%s|bbb|NONE|ABANDON|1|1|5", (long long)t1 + 5, id), 1);
	model_advance(f->m, t1 + 3600);                       /* aaa goes, bbb renumbered */
	assert_int_equal(model_queue_count(f->m), 1);
	assert_int_equal(f->m->calls.tombs.n, 1);
	assert_int_equal(feed(f, "%lld|%s|bbb|NONE|ABANDON|1|1|5", (long long)t1 + 5, id), 0);
	assert_int_equal(feed(f, "%lld|%s|bbb|NONE|ENTERQUEUE||1|1", (long long)t1, id), 0);
	assert_int_equal(today(f, "bbb")->abandoned, 1);
}

/* Calls that end in the clock's own second (the wall's tick moved it there
 * before their lines came) become tombstones as more calls end, not all at
 * the next tick. */
static void test_converted_as_lines_come(void **state)
{
	struct fixture *f = *state;
	model_advance(f->m, T0);
	for (int i = 0; i < 500; i++) {
		assert_int_equal(feed(f, "%d|%d.5|q|NONE|ENTERQUEUE||1|1", T0, i), 1);
		assert_int_equal(feed(f, "%d|%d.5|q|NONE|ABANDON|1|1|0", T0, i), 1);
	}
	assert_true(f->m->calls.count <= 2);
	assert_true(f->m->calls.tombs.n >= 498);
	/* each still known: a repeat is a duplicate */
	assert_int_equal(feed(f, "%d|0.5|q|NONE|ABANDON|1|1|0", T0), 0);
	assert_int_equal(feed(f, "%d|499.5|q|NONE|ABANDON|1|1|0", T0), 0);
	assert_int_equal(today(f, "q")->abandoned, 500);
}

/* An ended record that cannot be a tombstone (a long callid) does not hold
 * up those ended after it, nor is it walked again: it waits on its own list
 * for TOMBSTONE_S, still known, then goes. */
static void test_unfit_record_kept_apart(void **state)
{
	struct fixture *f = *state;
	const char *id = "pbx-east-1.example.com-1767254400.123456";
	assert_int_equal(feed(f, "%d|%s|q|NONE|ENTERQUEUE||1|1", T0, id), 1);
	assert_int_equal(feed(f, "%d|%s|q|NONE|ABANDON|1|1|30", T0, id), 1);
	for (int i = 0; i < 300; i++) {
		assert_int_equal(feed(f, "%d|%d.5|q|NONE|ENTERQUEUE||1|1", T0 + 1, i), 1);
		assert_int_equal(feed(f, "%d|%d.5|q|NONE|ABANDON|1|1|0", T0 + 1, i), 1);
	}
	assert_true(f->m->calls.count <= 3);                 /* the long one, the last */
	assert_non_null(f->m->calls.kept.head);
	assert_ptr_equal(f->m->calls.kept.head, f->m->calls.kept.tail);
	assert_int_equal(feed(f, "%d|%s|q|NONE|ABANDON|1|1|30", T0, id), 0);
	model_advance(f->m, T0 + TOMBSTONE_S + 10);
	assert_int_equal(f->m->calls.count, 0);
	assert_null(f->m->calls.kept.head);
	assert_int_equal(f->m->queues[0].ncalls, 0);
}

/* A queue's count of its tallies in the window (what keeps it from being
 * forgotten, without a walk over the window's records) follows the window:
 * one for each outcome and end counted there, none once they expire, and it
 * moves with the queue when an idle one before it is forgotten. */
static void test_window_tallies_counted(void **state)
{
	struct fixture *f = *state;
	int64_t t1 = T0 + 86000;
	assert_int_equal(feed(f, "%d|a1|aaa|NONE|ENTERQUEUE||1|1", T0), 1);
	assert_int_equal(feed(f, "%d|a1|aaa|NONE|ABANDON|1|1|5", T0 + 5), 1);
	assert_int_equal(f->m->queues[0].wtallies, 1);
	assert_int_equal(feed(f, "%lld|b1|bbb|NONE|ENTERQUEUE||1|1", (long long)t1), 1);
	assert_int_equal(f->m->queues[0].wtallies, 0);          /* expired long ago */
	assert_int_equal(feed(f, "%lld|b1|bbb|Ann|CONNECT|3|x|1", (long long)t1 + 3), 1);
	assert_int_equal(feed(f, "%lld|b1|bbb|Ann|COMPLETEAGENT|3|50|1", (long long)t1 + 53), 1);
	assert_int_equal(f->m->queues[1].wtallies, 2);
	model_advance(f->m, t1 + 3600);                          /* the sweep: aaa goes */
	assert_int_equal(model_queue_count(f->m), 1);
	assert_int_equal(f->m->queues[0].wtallies, 0);          /* bbb's expired too */
	assert_int_equal(feed(f, "%lld|b2|bbb|NONE|ENTERQUEUE||1|1", (long long)t1 + 3601), 1);
	assert_int_equal(feed(f, "%lld|b2|bbb|NONE|ABANDON|1|1|5", (long long)t1 + 3606), 1);
	assert_int_equal(f->m->queues[0].wtallies, 1);
	assert_int_equal(model_queue_window(f->m, 0)->abandoned, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_repeats_of_a_tombstone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_callid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pooled_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bound_by_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renumbered_queues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_packed_callids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_packed_unpackable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rush_given_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renumbered_packed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_converted_as_lines_come, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unfit_record_kept_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_tallies_counted, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
