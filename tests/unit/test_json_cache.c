/* test_json_cache.c - the JSON line written from fragments kept from line to
 * line (snapshot_json.h) is byte for byte the line written from scratch
 * (snapshot_write_json_ref), after random sequences of events (calls,
 * rings, pauses with reasons, logins and logoffs - the agents logged off
 * today are written too - queues appearing) and
 * clock advances alone (waits, logged-in time, occupancy and the window's
 * figures move with the clock; the window slides past old events). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "config.h"
#include "model.h"
#include "queuelog.h"
#include "fixture_model.h"
#include "fixture_dump.h"
#include "snapshot.h"
#include "snapshot_json.h"

#define T0 1767254400

/* The holder of the last line's pieces: a copy of them made when the
 * builder says they are about to change (detach). */
static struct held {
	struct json_pieces jp;
	char *copy;
	bool pending;             /* handed out, not detached yet */
	int detached;
} held;

static void on_detach(void *ctx)
{
	struct held *h = ctx;
	assert_true(h->pending);
	h->pending = false;
	char *now = fx_join(&h->jp);                 /* the pieces: still as handed out */
	assert_string_equal(now, h->copy);
	free(now);
	h->detached++;
}

/* The end of a test: the last pieces let go (no detach after this), then the
 * snapshot, model and configuration freed. */
static void done(struct snapshot *s, struct model *m, struct config *cfg)
{
	snapshot_json_pieces_done();
	held.pending = false;
	free(held.copy);
	held.copy = NULL;
	snapshot_free(s);
	model_free(m);
	config_free(cfg);
}

/* The line as pieces equals ref; the pieces stay as they were until the next
 * line is built, which detaches them first. */
static void pieces_same(const struct snapshot *s, const char *ref)
{
	struct json_pieces jp;
	assert_false(held.pending);               /* the line built since detached them */
	assert_int_equal(snapshot_json_pieces(s, &jp, on_detach, &held), 0);
	free(held.copy);
	held.jp = jp;
	held.copy = fx_join(&jp);
	held.pending = true;
	assert_string_equal(held.copy, ref);
}

/* The cached line, and the line from scratch, against jansson's. */
static void same(const struct snapshot *s, int step)
{
	size_t n, rn;
	char *fast = fx_dump(s, snapshot_write_json, &n), *ref = fx_dump(s, snapshot_write_json_ref, &rn);
	if (step % 3 == 0)
		pieces_same(s, ref);
	fx_same_text(fast, n, ref, rn, "step %d: fast vs reference writer", step);
	free(fast);
	free(ref);
}

static const char *const queues[] = { "q1", "q2", "q10", "sales", "caf\xc3\xa9" };
static const char *const agents[] = { "Ann", "Bob", "Cy", "Dee", "Eve", "Fay", "Gus" };
static const char *const reasons[] = { "Lunch", "Break", "caf\xc3\xa9\xff", "" };

/* One random event at t (call ids from *id). */
static void random_event(struct model *m, int64_t t, int *id)
{
	const char *q = queues[rand() % 5], *a = agents[rand() % 7];
	int c = rand() % (*id + 1);
	switch (rand() % 13) {
	case 0: fx_feed(m, "%lld|MANAGER|%s|%s|ADDMEMBER|", (long long)t, q, a); break;
	case 1: fx_feed(m, "%lld|MANAGER|%s|%s|REMOVEMEMBER|", (long long)t, q, a); break;
	case 2: fx_feed(m, "%lld|NONE|NONE|%s|PAUSEALL|%s", (long long)t, a, reasons[rand() % 4]); break;
	case 3: fx_feed(m, "%lld|NONE|NONE|%s|UNPAUSEALL|", (long long)t, a); break;
	case 4: fx_feed(m, "%lld|c%d|%s|NONE|ABANDON|1|1|%d", (long long)t, c, q, rand() % 60); break;
	case 5: fx_feed(m, "%lld|c%d|%s|%s|RINGNOANSWER|%d", (long long)t, c, q, a, rand() % 20000); break;
	case 6: fx_feed(m, "%lld|c%d|%s|%s|CONNECT|%d|c%d.1|2", (long long)t, c, q, a, rand() % 40, c);
		break;
	case 7: fx_feed(m, "%lld|c%d|%s|%s|COMPLETEAGENT|%d|%d|1", (long long)t, c, q, a,
	             rand() % 40, rand() % 600);
		break;
	case 8: fx_feed(m, "%lld|c%d|%s|%s|COMPLETECALLER|%d|%d|1", (long long)t, c, q, a,
	             rand() % 40, rand() % 600);
		break;
	case 9: fx_feed(m, "%lld|NONE|%s|%s|AGENTLOGIN|", (long long)t, q, a); break;
	case 10: fx_feed(m, "%lld|NONE|NONE|%s|AGENTLOGOFF|", (long long)t, a); break;
	default:
		++*id;
		fx_feed(m, "%lld|c%d|%s|NONE|ENTERQUEUE||%d|1", (long long)t, *id, q, 5550000 + *id);
	}
}

static void run(unsigned seed, int steps)
{
	struct config cfg;
	struct snapshot s;
	int64_t t = T0;
	int id = 0, off = 0;
	srand(seed);
	config_defaults(&cfg);
	cfg.window_s = 120;                       /* a short window: it slides within the test */
	struct model *m = model_new(&cfg);
	memset(&s, 0, sizeof s);
	snapshot_json_cache_clear();
	for (int step = 0; step < steps; step++) {
		int n = rand() % 3 == 0 ? 0 : rand() % 12;   /* a third of the lines: the clock alone */
		for (int k = 0; k < n; k++)
			random_event(m, t + rand() % 2, &id);
		t += 1 + (rand() % 8 == 0 ? rand() % 90 : 0);
		model_advance(m, t);
		snapshot_build(&s, m, &cfg);
		same(&s, step);
		off += s.n_agents_off > 0;
	}
	assert_true(s.n_agents > 0);
	assert_true(off > 0 || steps < 100);      /* agents logged off today were written */
	assert_true(held.detached > 0);
	done(&s, m, &cfg);
}

static void test_cached_line_is_from_scratch(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 6; seed++)
		run(seed, 150);
}

/* A model gone and a new one at the same places: no fragment of the old one. */
static void test_new_model_same_slots(void **state)
{
	(void)state;
	run(7, 40);
	run(8, 40);
}

/* --json-keys: only the keys asked for, in the line's order, each as in the
 * full line; an unknown key is refused; every key again after _all. */
static void test_json_keys(void **state)
{
	struct config cfg;
	struct snapshot s;
	char *cause = NULL, *part, *full;
	int id = 0;
	(void)state;
	srand(3);
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	for (int k = 0; k < 200; k++)
		random_event(m, T0 + k / 4, &id);
	model_advance(m, T0 + 60);
	memset(&s, 0, sizeof s);
	snapshot_build(&s, m, &cfg);
	full = fx_dump(&s, snapshot_write_json, NULL);
	assert_int_equal(snapshot_json_keys("input, total", &cause), 0);
	part = fx_dump(&s, snapshot_write_json, NULL);
	assert_int_equal(snapshot_json_keys("total,nope", &cause), -1);
	assert_non_null(strstr(cause, "'nope'"));
	free(cause);
	snapshot_json_keys_all();

	json_t *p = json_loads(part, 0, NULL), *f = json_loads(full, 0, NULL);
	const char *key;
	json_t *v;
	const char *want[] = { "as_of", "total", "input" };
	size_t i = 0;
	assert_non_null(p);
	assert_non_null(f);
	json_object_foreach(p, key, v) {
		assert_true(i < 3);
		assert_string_equal(key, want[i++]);
		assert_true(json_equal(v, json_object_get(f, key)));
	}
	assert_int_equal(i, 3);
	assert_non_null(json_object_get(f, "agents"));
	assert_non_null(strstr(part, "\"total\":{\"name\":\"total\""));
	assert_null(strstr(part, ",\"agents\":["));
	json_decref(p);
	json_decref(f);
	same(&s, 0);                              /* every key again */
	free(part);
	free(full);
	done(&s, m, &cfg);
}

/* An agent of one queue (its queue's counts its own, kept once): its line as
 * jansson's while its head changes alone (a pause), its window alone (the
 * call leaving it), both, and after a second queue's call. */
static void test_one_queue_agent(void **state)
{
	struct config cfg;
	struct snapshot s;
	int64_t t = T0;
	(void)state;
	config_defaults(&cfg);
	cfg.window_s = 120;
	struct model *m = model_new(&cfg);
	memset(&s, 0, sizeof s);
	snapshot_json_cache_clear();
	fx_feed(m, "%lld|NONE|q1|Ann|AGENTLOGIN|", (long long)t);
	fx_feed(m, "%lld|c1|q1|NONE|ENTERQUEUE||5551|1", (long long)t + 1);
	fx_feed(m, "%lld|c1|q1|Ann|CONNECT|4|c1.1|2", (long long)t + 5);
	fx_feed(m, "%lld|c1|q1|Ann|COMPLETEAGENT|4|30|1", (long long)t + 35);
	const char *const later[] = {
		"%lld|NONE|NONE|Ann|PAUSEALL|Lunch",    /* the head alone */
		NULL,                                   /* the clock: the window empties */
		"%lld|NONE|NONE|Ann|UNPAUSEALL|",
		"%lld|c2|q2|NONE|ENTERQUEUE||5552|1",
		"%lld|c2|q2|Ann|CONNECT|3|c2.1|2",      /* a second queue's call */
		"%lld|c2|q2|Ann|COMPLETECALLER|3|20|1",
	};
	for (int step = 0; step < 3 * 7; step++) {
		t += step == 3 ? 200 : 10;
		if (step % 3 == 0 && step / 3 < 6 && later[step / 3])
			fx_feed(m, later[step / 3], (long long)t);
		model_advance(m, t);
		snapshot_build(&s, m, &cfg);
		same(&s, 0);                          /* each time as pieces too */
	}
	done(&s, m, &cfg);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cached_line_is_from_scratch),
		cmocka_unit_test(test_new_model_same_slots),
		cmocka_unit_test(test_json_keys),
		cmocka_unit_test(test_one_queue_agent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
