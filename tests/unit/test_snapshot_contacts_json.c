/* test_snapshot_contacts_json.c - with contacts and agents, the JSON line
 * written by hand (snapshot_json.c, contacts_json.c, agent_stats_out.c) is
 * byte for byte the one jansson writes (snapshot_write_json_ref): channels
 * with a display, reasons, pivots, journeys, the callback list, queues only
 * contacts name put among the voice queues, agents with pauses, a call and
 * odd names; and text jansson would leave out sends the line to jansson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "contact.h"
#include "contacts.h"
#include "model.h"
#include "queuelog.h"
#include "fixture_dump.h"
#include "snapshot.h"
#include "snapshot_json.h"

#define T0 1767254400

struct world {
	struct config cfg;
	struct model *m;
	struct contacts *c;
};

static void same(const struct snapshot *s)
{
	char *ref = fx_same_json(s);
	assert_non_null(strstr(ref, "\"channels\":["));
	/* the line handed to an output whole: the same bytes */
	size_t n;
	char *line = snapshot_json_line(s, &n);
	assert_non_null(line);
	assert_int_equal(n, strlen(ref));
	assert_memory_equal(line, ref, n);
	free(line);
	free(ref);
}

static void voice(struct world *w, const char *fmt, ...)
{
	char line[512];
	struct qevent ev;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (queuelog_parse(line, strlen(line), &ev) == QL_EVENT) {
		model_apply(w->m, &ev);
		contacts_on_qevent(w->c, &ev);
	}
}

static void contact(struct world *w, const char *fmt, ...)
{
	char line[1024];
	struct contact_parser p;
	struct contact_event e;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	assert_true(contact_parse(&p, line, strlen(line), &e));
	contacts_apply(w->c, &e);
}

static void world_new(struct world *w)
{
	char *errors = NULL;
	char path[] = "/tmp/test_snapshot_contacts_json_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct contacts_conf cc;
	setenv("TZ", "UTC", 1);
	fputs("[defaults]\nwrapup_s = 7\n[queue.q10]\ndisplay = Ten \"x\"\n"
	      "[channel.email]\ndisplay = E-mail \xc3\xa9 \"x\"\nfrt_target_s = 123\n"
	      "[queue.email]\nsl_threshold_s = 30\n", f);
	fclose(f);
	config_defaults(&w->cfg);
	if (config_load(&w->cfg, path, &errors) != 0)
		fail_msg("config: %s", errors);
	unlink(path);
	free(errors);
	w->m = model_new(&w->cfg);
	contacts_conf_from(&cc, &w->cfg);
	w->c = contacts_new(&cc);
}

static void world_free(struct world *w)
{
	contacts_free(w->c);
	model_free(w->m);
	config_free(&w->cfg);
}

/* Voice queues q2, q10 and zeta; contacts on email, chat and sms, in queues
 * email (a voice queue too), aa, r and "zz top"; pivots, journeys, surveys,
 * reasons with quotes and UTF-8, a callback. */
static void world_feed(struct world *w, const char *odd_queue)
{
	voice(w, "%d|MANAGER|q2|Ann|ADDMEMBER|", T0);
	voice(w, "%d|MANAGER|q10|Bob \xc3\xa9|ADDMEMBER|", T0);
	voice(w, "%d|MANAGER|zeta|Cy|ADDMEMBER|", T0);
	voice(w, "%d|MANAGER|email|Cy|ADDMEMBER|", T0);
	voice(w, "%d|MANAGER|%s|Cy|ADDMEMBER|", T0, odd_queue);
	voice(w, "%d|NONE|q2|Ann|PAUSE|Lunch \"break\"", T0 + 1);
	voice(w, "%d|NONE|q2|Ann|UNPAUSE|", T0 + 100);
	voice(w, "%d|NONE|q10|Bob \xc3\xa9|PAUSE|caf\xc3\xa9\xff", T0 + 2);
	for (int i = 0; i < 24; i++) {
		const char *q = i % 4 == 0 ? "q2" : i % 4 == 1 ? "q10" : i % 4 == 2 ? "zeta" : odd_queue;
		voice(w, "%d|c%d|%s|NONE|ENTERQUEUE||+1555000%04d|1", T0 + 10 * i, i, q, i % 7);
		voice(w, "%d|c%d|%s|Cy|RINGNOANSWER|%d", T0 + 10 * i + 1, i, q, 1234 + 7 * i);
		if (i % 3 == 0)
			voice(w, "%d|c%d|%s|NONE|ABANDON|1|1|%d", T0 + 10 * i + 3, i, q, 3 + i % 9);
		else if (i % 3 == 1)
			voice(w, "%d|c%d|%s|Cy|CONNECT|%d|c%d.1|2", T0 + 10 * i + 4, i, q, 4, i);
	}
	voice(w, "%d|c1|q10|Cy|COMPLETECALLER|4|61|1", T0 + 400);
	static const char *const ch[] = {"email", "chat", "sms"};
	static const char *const qs[] = {"email", "aa", "r", "zz top"};
	for (int i = 0; i < 30; i++) {
		double t = T0 + 5 + 13 * i + 0.25;
		contact(w, "{\"ts\":%.3f,\"event\":\"created\",\"id\":\"k%d\",\"channel\":\"%s\","
		        "\"queue\":\"%s\",\"customer\":\"+1555000%04d\",\"reason\":\"%s\"}", t, i,
		        ch[i % 3], qs[i % 4], i % 7, i % 2 ? "r\\\"eturns\\u00e9" : "billing");
		if (i % 5 == 0)
			contact(w, "{\"ts\":%.3f,\"event\":\"first_response\",\"id\":\"k%d\",\"agent\":\"Ann\"}",
			        t + 30.5, i);
		if (i % 5 == 1)
			contact(w, "{\"ts\":%.3f,\"event\":\"resolved\",\"id\":\"k%d\"}", t + 99, i);
		if (i % 6 == 2)
			contact(w, "{\"ts\":%.3f,\"event\":\"survey\",\"id\":\"k%d\",\"csat\":%d,\"nps\":%d,"
			        "\"ces\":3,\"resolved\":true,\"sentiment\":-0.25}", t + 120, i, 1 + i % 5, i % 11);
		if (i % 7 == 3)
			contact(w, "{\"ts\":%.3f,\"event\":\"abandoned\",\"id\":\"k%d\"}", t + 7, i);
	}
	model_advance(w->m, T0 + 460);
	contacts_advance(w->c, (int64_t)(T0 + 460) * 1000);
}

static void check_world(const char *odd_queue, bool by_hand)
{
	struct world w;
	struct snapshot s;
	world_new(&w);
	world_feed(&w, odd_queue);
	memset(&s, 0, sizeof s);
	snapshot_build(&s, w.m, &w.cfg);
	s.contacts = w.c;
	assert_true(s.n_agents >= 3);
	same(&s);
	/* whether the contacts' part is written by hand or left to jansson */
	struct ct_jout *cj = ct_jout_new(w.c);
	struct jbuf b = { 0 };
	const char *names[64];
	long order[128];
	assert_non_null(cj);
	assert_true(s.n_queues < 64);
	for (size_t i = 0; i < s.n_queues; i++)
		names[i] = s.queues[i].name;
	size_t n = ct_jout_order(cj, names, s.n_queues, true, order);
	if (by_hand)
		assert_int_equal(n, s.n_queues + 3);     /* aa, r and "zz top" put in */
	ct_jout_root(cj, &b);
	assert_int_equal(ct_jout_bad(cj), !by_hand);
	ct_jout_free(cj);
	free(b.p);
	/* no configuration: the queues only contacts name are left out */
	s.cfg = NULL;
	same(&s);
	snapshot_free(&s);
	world_free(&w);
}

static void test_contacts_by_hand(void **state)
{
	(void)state;
	check_world("mid", true);
}

/* --json-keys with some of the contacts' keys: still written by hand, each
 * key asked for as in the whole line, in its order, no other. */
static void check_keys(const struct snapshot *s, const char *list, const char *const *want,
                       size_t n_want)
{
	char *cause = NULL, *full = fx_dump(s, snapshot_write_json_ref, NULL), *part;
	assert_int_equal(snapshot_json_keys(list, &cause), 0);
	part = fx_dump(s, snapshot_write_json, NULL);
	assert_true(snapshot_json_last_by_hand());
	snapshot_json_keys_all();
	json_t *p = json_loads(part, 0, NULL), *f = json_loads(full, 0, NULL);
	const char *key;
	json_t *v;
	size_t i = 0;
	assert_non_null(p);
	assert_non_null(f);
	json_object_foreach(p, key, v) {
		assert_true(i < n_want);
		assert_string_equal(key, want[i++]);
		assert_true(json_equal(v, json_object_get(f, key)));
	}
	assert_int_equal(i, n_want);
	json_decref(p);
	json_decref(f);
	free(part);
	free(full);
}

static void test_some_contacts_keys(void **state)
{
	struct world w;
	struct snapshot s;
	(void)state;
	world_new(&w);
	world_feed(&w, "mid");
	memset(&s, 0, sizeof s);
	snapshot_build(&s, w.m, &w.cfg);
	s.contacts = w.c;
	static const char *const a[] = { "as_of", "queues", "channels", "journeys" };
	check_keys(&s, "journeys,queues,channels", a, 4);
	static const char *const b[] = { "as_of", "callbacks" };
	check_keys(&s, "callbacks", b, 2);
	static const char *const c[] = { "as_of", "total", "agents", "channel_total",
	                                 "pivots_by_pair", "input" };
	check_keys(&s, "pivots_by_pair,channel_total,agents,total,input", c, 6);
	same(&s);                                 /* every key again */
	snapshot_free(&s);
	world_free(&w);
}

/* A voice queue whose name is not UTF-8: jansson writes U+FFFD and matches
 * contacts on that; the line goes to jansson whole, and stays the same. */
static void test_queue_not_utf8(void **state)
{
	(void)state;
	check_world("caf\xc3\xa9\xff", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contacts_by_hand),
		cmocka_unit_test(test_some_contacts_keys),
		cmocka_unit_test(test_queue_not_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
