/* test_snapshot_agents_json.c - the "agents" array written by hand
 * (agent_stats_out.c) is byte for byte what jansson writes
 * (snapshot_write_json_ref, through agent_stats_json): on a call, paused with
 * reasons, rung and missed, several queues, names with quotes, controls,
 * UTF-8 and invalid bytes, logged off today (one while on a call); with the
 * queues by hand and with contacts in them (jansson writes the queues, the
 * agents are still spliced in); the callers and pause reasons the snapshot
 * keeps of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "contact.h"
#include "contacts.h"
#include "model.h"
#include "queuelog.h"
#include "fixture_dump.h"
#include "fixture_model.h"
#include "snapshot.h"

#define T0 1767254400

static void same(const struct snapshot *s)
{
	char *fast = fx_same_json(s);
	assert_non_null(strstr(fast, "\"agents\":[{\"name\":"));
	assert_non_null(strstr(fast, "\"pauses\":[{\"reason\":"));
	assert_non_null(strstr(fast, "\"state\":\"logged_off\""));
	free(fast);
}

/* Two agents out by T0 + 530: one paused with a reason after a call and a
 * missed ring, one while on a call. */
static void logged_off(struct model *m, struct contacts *c)
{
	fx_feed_contacts(m, c, "%d|MANAGER|q2|Ev\xc3\xa9 \"o\"|ADDMEMBER|", T0 + 516);
	fx_feed_contacts(m, c, "%d|MANAGER|q10|Ev\xc3\xa9 \"o\"|ADDMEMBER|", T0 + 516);
	fx_feed_contacts(m, c, "%d|MANAGER|q2|F\xff|ADDMEMBER|", T0 + 516);
	fx_feed_contacts(m, c, "%d|o1|q2|NONE|ENTERQUEUE||555|1", T0 + 517);
	fx_feed_contacts(m, c, "%d|o1|q2|Ev\xc3\xa9 \"o\"|RINGNOANSWER|2500", T0 + 518);
	fx_feed_contacts(m, c, "%d|o1|q2|Ev\xc3\xa9 \"o\"|CONNECT|2|o1.1|2", T0 + 519);
	fx_feed_contacts(m, c, "%d|o1|q2|Ev\xc3\xa9 \"o\"|COMPLETEAGENT|2|5|1", T0 + 524);
	fx_feed_contacts(m, c, "%d|NONE|NONE|Ev\xc3\xa9 \"o\"|PAUSEALL|Tea \"x\"", T0 + 525);
	fx_feed_contacts(m, c, "%d|MANAGER|q2|Ev\xc3\xa9 \"o\"|REMOVEMEMBER|", T0 + 527);
	fx_feed_contacts(m, c, "%d|MANAGER|q10|Ev\xc3\xa9 \"o\"|REMOVEMEMBER|", T0 + 528);
	fx_feed_contacts(m, c, "%d|o2|q2|NONE|ENTERQUEUE||556|1", T0 + 526);
	fx_feed_contacts(m, c, "%d|o2|q2|F\xff|CONNECT|1|o2.1|2", T0 + 527);
	fx_feed_contacts(m, c, "%d|MANAGER|q2|F\xff|REMOVEMEMBER|", T0 + 529);
}

static void check(struct contacts *c)
{
	struct config cfg;
	struct snapshot s;
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	const char *agents[] = { "Ann", "Bob \xc3\xa9", "C\"y\\", "D\xff\x01" };
	const char *queues[] = { "q2", "q10", "caf\xc3\xa9\xff" };
	for (int a = 0; a < 4; a++)
		for (int q = 0; q < 3; q++)
			if ((a + q) % 2 == 0 || a == 0)
				fx_feed_contacts(m, c, "%d|MANAGER|%s|%s|ADDMEMBER|", T0, queues[q], agents[a]);
	for (int i = 0; i < 40; i++) {
		const char *q = queues[i % 3], *a = agents[i % 4];
		fx_feed_contacts(m, c, "%d|c%d|%s|NONE|ENTERQUEUE||\"%d\\\xc3\xa9\x01|1", T0 + 10 * i, i, q, i);
		if (i % 5 == 0) {
			fx_feed_contacts(m, c, "%d|c%d|%s|NONE|ABANDON|1|1|%d", T0 + 10 * i + 3, i, q, i % 9);
			continue;
		}
		fx_feed_contacts(m, c, "%d|c%d|%s|%s|RINGNOANSWER|%d", T0 + 10 * i + 2, i, q, a, 1000 + i * 7);
		fx_feed_contacts(m, c, "%d|c%d|%s|%s|CONNECT|%d|c%d.1|2", T0 + 10 * i + 4, i, q, a, i, i);
		if (i < 36)
			fx_feed_contacts(m, c, "%d|c%d|%s|%s|%s|%d|%d|1", T0 + 10 * i + 9, i, q, a,
			     i % 3 ? "COMPLETEAGENT" : "COMPLETECALLER", i, 3 + i % 7);
	}
	fx_feed_contacts(m, c, "%d|NONE|NONE|Ann|PAUSEALL|Lunch \"1\"", T0 + 420);
	fx_feed_contacts(m, c, "%d|NONE|NONE|Ann|UNPAUSEALL|", T0 + 500);
	fx_feed_contacts(m, c, "%d|NONE|NONE|Ann|PAUSEALL|caf\xc3\xa9\xff", T0 + 510);
	fx_feed_contacts(m, c, "%d|NONE|q10|C\"y\\|PAUSE|\x01x", T0 + 515);
	logged_off(m, c);
	model_advance(m, T0 + 530);
	if (c)
		contacts_advance(c, (int64_t)(T0 + 530) * 1000);
	memset(&s, 0, sizeof s);
	snapshot_build(&s, m, &cfg);
	s.contacts = c;
	assert_true(s.n_agents >= 4);
	assert_int_equal(s.n_agents_off, 2);
	same(&s);
	snapshot_free(&s);
	model_free(m);
	config_free(&cfg);
}

static void test_agents_by_hand(void **state)
{
	(void)state;
	check(NULL);
}

static void test_agents_with_contacts(void **state)
{
	struct contacts_conf cc;
	(void)state;
	contacts_conf_from(&cc, NULL);
	struct contacts *c = contacts_new(&cc);
	struct contact_parser p;
	struct contact_event e;
	char line[256];
	snprintf(line, sizeof line, "{\"ts\":%d,\"event\":\"created\",\"id\":\"T1\","
	         "\"channel\":\"email\",\"customer\":\"a\",\"queue\":\"q2\"}", T0 + 5);
	assert_true(contact_parse(&p, line, strlen(line), &e));
	assert_int_equal(contacts_apply(c, &e), CONTACTS_APPLIED);
	check(c);
	assert_true(contacts_any(c));
	contacts_free(c);
}

/* One random event at t of agents and queues that come and go. */
static void random_event(struct model *m, int64_t t, int *id)
{
	static const char *const reasons[] = { "Lunch", "Break", "caf\xc3\xa9", "" };
	char q[8], a[8];
	int c = rand() % (*id + 1);
	snprintf(q, sizeof q, "q%d", rand() % 4);
	snprintf(a, sizeof a, "a%d", rand() % 12);
	switch (rand() % 12) {
	case 0: case 1: fx_feed(m, "%lld|MANAGER|%s|%s|ADDMEMBER|", (long long)t, q, a); break;
	case 2: fx_feed(m, "%lld|MANAGER|%s|%s|REMOVEMEMBER|", (long long)t, q, a); break;
	case 3: fx_feed(m, "%lld|NONE|NONE|%s|PAUSEALL|%s", (long long)t, a, reasons[rand() % 4]);
		break;
	case 4: fx_feed(m, "%lld|NONE|NONE|%s|UNPAUSEALL|", (long long)t, a); break;
	case 5: fx_feed(m, "%lld|c%d|%s|%s|RINGNOANSWER|%d", (long long)t, c, q, a, rand() % 20000);
		break;
	case 6: case 7:
		fx_feed(m, "%lld|c%d|%s|%s|CONNECT|%d|c%d.1|2", (long long)t, c, q, a, rand() % 40, c);
		break;
	case 8: fx_feed(m, "%lld|c%d|%s|%s|COMPLETEAGENT|%d|%d|1", (long long)t, c, q, a,
	                rand() % 40, rand() % 600);
		break;
	case 9: fx_feed(m, "%lld|c%d|%s|%s|TRANSFER|x|y|%d|%d|1", (long long)t, c, q, a,
	                rand() % 40, rand() % 600);
		break;
	default:
		++*id;
		fx_feed(m, "%lld|c%d|%s|NONE|ENTERQUEUE||%d|1", (long long)t, *id, q, 5550000 + *id);
	}
}

/* The agents' figures a snapshot keeps from build to build (agent_stats_fill
 * reads again only those of agents whose stamp changed, moves the others
 * when agents come and go and refreshes their time) are those of a snapshot
 * built from scratch: after random events, clock steps alone, the window
 * sliding past old records and pauses, a new day; all agents, or one queue's
 * (--queue: the figures are renumbered in place, read again next time). */
static void kept_figures(unsigned seed, const char *only)
{
	struct config cfg;
	struct snapshot s, f;
	int64_t t = T0;
	int id = 0, off = 0;
	srand(seed);
	config_defaults(&cfg);
	cfg.window_s = 120;
	struct model *m = model_new(&cfg);
	memset(&s, 0, sizeof s);
	s.only = only;
	s.only_queue = only != NULL;
	for (int step = 0; step < 160; step++) {
		int n = rand() % 3 == 0 ? 0 : rand() % 10;
		for (int k = 0; k < n; k++)
			random_event(m, t + rand() % 2, &id);
		t += 1 + (rand() % 8 == 0 ? rand() % 90 : 0) + (step == 100 ? 20 * 3600 : 0);
		model_advance(m, t);
		snapshot_build(&s, m, &cfg);
		memset(&f, 0, sizeof f);
		f.only = only;
		f.only_queue = only != NULL;
		snapshot_build(&f, m, &cfg);
		size_t kn, fn;
		char *kept = fx_dump(&s, snapshot_write_json_ref, &kn);
		char *fresh = fx_dump(&f, snapshot_write_json_ref, &fn);
		char *line = fx_dump(&s, snapshot_write_json, NULL);
		fx_same_text(kept, kn, fresh, fn, "seed %u step %d: kept vs fresh build", seed, step);
		assert_string_equal(line, fresh);
		off += s.n_agents_off > 0;
		free(kept);
		free(fresh);
		free(line);
		snapshot_free(&f);
	}
	assert_true(s.n_agents > 0);
	assert_true(off > 0 || only);           /* --queue: no team's logged off */
	snapshot_free(&s);
	model_free(m);
	config_free(&cfg);
}

static void test_kept_figures(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 3; seed++)
		kept_figures(seed, NULL);
	kept_figures(4, "q1");
}

static const struct agent_figs *figs_of(const struct snapshot *s, const char *name)
{
	long i = snapshot_agent_find(s, name);
	assert_true(i >= 0);
	return snapshot_agent_figs(s, i);
}

/* The callers and pause reasons in a snapshot's agents' figures are its own
 * copies (not the model's, which moves on while the line is written off the
 * loop), kept through builds that refresh the figures rather than read them
 * again; thousands of them (past one block of their room). */
static void test_texts_kept(void **state)
{
	struct config cfg;
	struct snapshot s;
	char *line, *again;
	(void)state;
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	for (int a = 0; a < 2500; a++) {
		fx_feed(m, "%d|MANAGER|q1|a%04d|ADDMEMBER|", T0, a);
		fx_feed(m, "%d|c%d|q1|NONE|ENTERQUEUE||+1555%07d|1", T0 + 1, a, a);
		fx_feed(m, "%d|c%d|q1|a%04d|CONNECT|1|c%d.1|2", T0 + 2, a, a, a);
	}
	fx_feed(m, "%d|MANAGER|q1|p|ADDMEMBER|", T0);
	fx_feed(m, "%d|NONE|NONE|p|PAUSEALL|Lunch", T0 + 3);
	model_advance(m, T0 + 5);
	memset(&s, 0, sizeof s);
	snapshot_build(&s, m, &cfg);
	line = fx_dump(&s, snapshot_write_json, NULL);
	assert_non_null(strstr(line, "\"callerid\":\"+15550002499\""));
	/* the model moves on; the snapshot stays as built */
	fx_feed(m, "%d|NONE|NONE|p|UNPAUSEALL|", T0 + 6);
	fx_feed(m, "%d|NONE|NONE|p|PAUSEALL|Break", T0 + 6);
	fx_feed(m, "%d|c0|q1|a0000|COMPLETEAGENT|1|4|1", T0 + 6);
	fx_feed(m, "%d|d0|q1|NONE|ENTERQUEUE||+19990000000|1", T0 + 6);
	fx_feed(m, "%d|d0|q1|a0000|CONNECT|0|d0.1|1", T0 + 6);
	assert_string_equal(figs_of(&s, "p")->pause_reason, "Lunch");
	assert_string_equal(figs_of(&s, "a0000")->callerid, "+15550000000");
	again = fx_dump(&s, snapshot_write_json, NULL);
	assert_string_equal(again, line);
	free(again);
	for (int k = 0; k < 3; k++) {            /* refreshed, then read again */
		model_advance(m, T0 + 7 + k);
		snapshot_build(&s, m, &cfg);
		assert_string_equal(figs_of(&s, "p")->pause_reason, "Break");
		assert_string_equal(figs_of(&s, "a0000")->callerid, "+19990000000");
		assert_string_equal(figs_of(&s, "a2499")->callerid, "+15550002499");
		assert_string_equal(figs_of(&s, "a1000")->pause_reason, "");
	}
	free(line);
	snapshot_free(&s);
	model_free(m);
	config_free(&cfg);
}

/* The kept texts name queues by their index (two bytes: past 255 and 256
 * queues), their words laid out at write time: names longer than a word's
 * room, with quotes and UTF-8, an agent in all of them, on a call in the
 * last, its counts in several (none left out as its own). */
static void test_many_long_queues(void **state)
{
	struct config cfg;
	struct snapshot s;
	char *fast;
	(void)state;
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	for (int q = 0; q < 300; q++) {
		fx_feed(m, "%d|MANAGER|a queue with a \"long\" name, caf\xc3\xa9 n\xc2\xb0%03d|Ann|ADDMEMBER|",
		        T0, q);
		fx_feed(m, "%d|MANAGER|q%d|Bob|ADDMEMBER|", T0, q % 2);
	}
	for (int i = 0; i < 6; i++) {
		int q = i < 5 ? i * 60 : 299;
		fx_feed(m, "%d|c%d|a queue with a \"long\" name, caf\xc3\xa9 n\xc2\xb0%03d|NONE|ENTERQUEUE||55%d|1",
		        T0 + 10 * i, i, q, i);
		fx_feed(m, "%d|c%d|a queue with a \"long\" name, caf\xc3\xa9 n\xc2\xb0%03d|Ann|CONNECT|2|c%d.1|1",
		        T0 + 10 * i + 2, i, q, i);
		if (i < 5)
			fx_feed(m, "%d|c%d|a queue with a \"long\" name, caf\xc3\xa9 n\xc2\xb0%03d|Ann|COMPLETEAGENT|2|5|1",
			        T0 + 10 * i + 7, i, q);
	}
	model_advance(m, T0 + 60);
	memset(&s, 0, sizeof s);
	snapshot_build(&s, m, &cfg);
	assert_true(s.n_queues >= 300);
	for (int k = 0; k < 2; k++) {            /* written, then from the kept texts */
		fast = fx_same_json(&s);
		assert_non_null(strstr(fast, "\"call\":{\"queue\":\"a queue with a \\\"long\\\" name, "
		                             "caf\\u00E9 n\\u00B0299\""));
		free(fast);
	}
	snapshot_free(&s);
	model_free(m);
	config_free(&cfg);
}

/* Agents' kept texts that outgrow their room (and their queues' counts
 * that are not their own): thousands of agents each taking a call in one
 * more queue at each step, every line as jansson writes it. */
static void test_texts_packed(void **state)
{
	struct config cfg;
	struct snapshot s;
	(void)state;
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	memset(&s, 0, sizeof s);
	for (int k = 0; k < 6; k++) {
		int64_t t = T0 + 20 * k;
		for (int a = 0; a < 3000; a++) {
			fx_feed(m, "%d|MANAGER|queue%d|a%04d|ADDMEMBER|", (int)t, k, a);
			fx_feed(m, "%d|c%d.%d|queue%d|NONE|ENTERQUEUE||55%d|1", (int)t + 1, k, a, k, a);
			fx_feed(m, "%d|c%d.%d|queue%d|a%04d|CONNECT|1|c%d.%d.1|1", (int)t + 2, k, a, k, a, k, a);
			fx_feed(m, "%d|c%d.%d|queue%d|a%04d|COMPLETEAGENT|1|%d|1", (int)t + 9, k, a, k, a,
			        7 + a % 50);
		}
		model_advance(m, t + 10);
		snapshot_build(&s, m, &cfg);
		free(fx_same_json(&s));
	}
	snapshot_free(&s);
	model_free(m);
	config_free(&cfg);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agents_by_hand),
		cmocka_unit_test(test_agents_with_contacts),
		cmocka_unit_test(test_kept_figures),
		cmocka_unit_test(test_texts_kept),
		cmocka_unit_test(test_many_long_queues),
		cmocka_unit_test(test_texts_packed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
