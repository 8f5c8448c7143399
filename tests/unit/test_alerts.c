/* test_alerts.c - the alert rules and their state machine, on hand-made snapshots. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alerts.h"

#define MAXQ 4
#define MAXEV 64

struct fix {
	struct snapshot s;
	struct snap_queue q[MAXQ];
	struct alert_rules *rules;
	struct alerts *a;
	struct alert_event ev[MAXEV];
	int n_ev;
};

static void record(void *ctx, const struct alert_event *ev)
{
	struct fix *f = ctx;
	assert_true(f->n_ev < MAXEV);
	f->ev[f->n_ev++] = *ev;
}

/* A quiet queue: nothing waits, agents free, SL 100 %, no abandons, 100 offered. */
static void quiet_queue(struct snap_queue *q, const char *name)
{
	memset(q, 0, sizeof *q);
	q->name = (char *)name;
	q->sl_target_pct = 80;
	q->agents.logged_in = q->agents.available = 3;
	struct snap_period *p[2] = { &q->today, &q->window };
	for (int i = 0; i < 2; i++) {
		p[i]->c.offered = 100;
		p[i]->d.service_level_pct = 100;
		p[i]->d.abandon_rate_pct = 0;
		p[i]->d.asa_s = 5;
		p[i]->d.aht_s = 120;
		p[i]->d.avg_abandon_wait_s = NAN;
	}
}

/* s: n quiet queues q named q0, q1 ... (names: their room), and a quiet total. */
static void quiet_board(struct snapshot *s, struct snap_queue *q, char (*names)[8], int n)
{
	memset(s, 0, sizeof *s);
	for (int i = 0; i < n; i++) {
		snprintf(names[i], sizeof names[i], "q%d", i);
		quiet_queue(&q[i], names[i]);
	}
	quiet_queue(&s->total, "total");
	s->queues = q;
	s->n_queues = (size_t)n;
	s->order_gen = 1;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	assert_non_null(f);
	quiet_queue(&f->q[0], "sales");
	quiet_queue(&f->q[1], "support");
	quiet_queue(&f->s.total, "total");
	f->s.queues = f->q;
	f->s.n_queues = 2;
	f->rules = alert_rules_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	alerts_free(f->a);
	alert_rules_free(f->rules);
	free(f);
	return 0;
}

static void set(struct fix *f, const char *rule, const char *key, const char *value)
{
	char *cause = NULL;
	int rc = alert_rules_set(f->rules, rule, key, value, &cause);
	if (rc != 0)
		fail_msg("%s.%s = %s: %s", rule, key, value, cause);
	assert_null(cause);
}

static void start(struct fix *f)
{
	char *cause = NULL;
	if (alert_rules_validate(f->rules, &cause) != 0)
		fail_msg("validate: %s", cause);
	f->a = alerts_new(f->rules);
}

/* Evaluates at t; returns how many events came. */
static int eval(struct fix *f, int64_t t)
{
	int before = f->n_ev;
	alerts_eval(f->a, &f->s, t, record, f);
	return f->n_ev - before;
}

static const struct alert_event *last(struct fix *f)
{
	assert_true(f->n_ev > 0);
	return &f->ev[f->n_ev - 1];
}

static void sl(struct fix *f, int qi, double v)
{
	f->q[qi].window.d.service_level_pct = v;
}

/* Queues named past what an alert shows (127 bytes) and alike that far are
 * still two entries, each raised and cleared on its own. */
static void test_long_queue_names(void **state)
{
	struct fix *f = *state;
	char a[160], b[160];
	memset(a, 'q', 150);
	a[150] = '\0';
	memcpy(b, a, sizeof b);
	a[140] = 'a';
	b[140] = 'b';
	f->q[0].name = a;
	f->q[1].name = b;
	start(f);
	sl(f, 0, 75);
	sl(f, 1, 75);
	assert_int_equal(eval(f, 1000), 0);
	assert_int_equal(eval(f, 1030), 2);
	assert_int_equal(f->s.n_alerts, 2);
	assert_int_equal(strlen(f->s.alerts[0]->queue), 127);
	sl(f, 1, 100);
	assert_int_equal(eval(f, 1031), 1);
	assert_int_equal(last(f)->change, ALERT_CLEARED);
	assert_int_equal(f->s.n_alerts, 1);
	sl(f, 0, 100);
	assert_int_equal(eval(f, 1032), 1);
	assert_int_equal(f->s.n_alerts, 0);
}

static void test_defaults_valid(void **state)
{
	struct fix *f = *state;
	char *cause = NULL;
	assert_int_equal(alert_rules_validate(f->rules, &cause), 0);
	assert_null(cause);
	start(f);
	assert_int_equal(eval(f, 1000), 0);
	assert_int_equal(f->s.n_alerts, 0);
	assert_string_equal(alert_change_name(ALERT_ESCALATED), "escalated");
}

static void test_fires_exactly_at_for_s(void **state)
{
	struct fix *f = *state;
	start(f);
	sl(f, 0, 75);
	assert_int_equal(eval(f, 1000), 0);        /* pending from 1000 */
	assert_int_equal(eval(f, 1015), 0);
	assert_int_equal(eval(f, 1029), 0);
	assert_int_equal(f->s.n_alerts, 0);
	assert_int_equal(eval(f, 1030), 1);
	const struct alert_event *ev = last(f);
	assert_int_equal(ev->change, ALERT_RAISED);
	assert_string_equal(ev->alert.rule, "sl_low");
	assert_string_equal(ev->alert.queue, "sales");
	assert_int_equal(ev->alert.severity, SEV_WARNING);
	assert_int_equal(ev->alert.since, 1030);
	assert_true(ev->alert.value == 75);
	assert_string_equal(ev->alert.message, "sales: service level 75% below 80% for 30 s");
	assert_int_equal(f->s.n_alerts, 1);
	assert_string_equal(f->s.alerts[0]->rule, "sl_low");
	assert_int_equal(f->s.alerts[0]->severity, SEV_WARNING);
	assert_false(f->s.alerts[0]->acknowledged);
	/* it stays, no repeat event, the value follows */
	sl(f, 0, 71.44);
	assert_int_equal(eval(f, 1031), 0);
	assert_true(f->s.alerts[0]->value == 71.44);
	assert_string_equal(f->s.alerts[0]->message, "sales: service level 71.4% below 80% for 30 s");
}

/* A queue where no rule sees anything beyond its levels keeps no state: a
 * big centre's quiet queues cost nothing; a pending level is kept while it
 * lasts, and one that stopped starts again from zero. */
static void test_quiet_queues_keep_nothing(void **state)
{
	struct fix *f = *state;
	start(f);
	assert_int_equal(eval(f, 1000), 0);
	assert_int_equal(alerts_entry_count(f->a), 0);
	sl(f, 0, 75);
	assert_int_equal(eval(f, 1010), 0);        /* pending from 1010 */
	assert_int_equal(alerts_entry_count(f->a), 1);
	sl(f, 0, 100);
	assert_int_equal(eval(f, 1020), 0);        /* quiet again: forgotten */
	assert_int_equal(alerts_entry_count(f->a), 0);
	sl(f, 0, 75);
	assert_int_equal(eval(f, 1030), 0);        /* pending from 1030, not 1010 */
	assert_int_equal(eval(f, 1059), 0);
	assert_int_equal(f->s.n_alerts, 0);
	assert_int_equal(eval(f, 1060), 1);
	assert_int_equal(last(f)->change, ALERT_RAISED);
	assert_int_equal(f->s.n_alerts, 1);
	sl(f, 0, 100);
	assert_int_equal(eval(f, 1061), 1);        /* cleared, then nothing kept */
	assert_int_equal(last(f)->change, ALERT_CLEARED);
	assert_int_equal(f->s.n_alerts, 0);
	assert_int_equal(alerts_entry_count(f->a), 0);
	assert_int_equal(eval(f, 1062), 0);
}

/* The host clock steps back an hour: a pending level holds from the step on,
 * not from an hour in the future, and an active alert is not "since" later
 * than now. */
static void test_clock_steps_back(void **state)
{
	struct fix *f = *state;
	start(f);
	sl(f, 0, 75);
	assert_int_equal(eval(f, 5000), 0);        /* pending from 5000 */
	assert_int_equal(eval(f, 1400), 0);        /* the clock steps back: pending from 1400 */
	assert_int_equal(eval(f, 1429), 0);
	assert_int_equal(eval(f, 1430), 1);
	assert_int_equal(last(f)->change, ALERT_RAISED);
	assert_int_equal(f->s.alerts[0]->since, 1430);
	assert_int_equal(eval(f, 1000), 0);        /* back again while active */
	assert_int_equal(f->s.n_alerts, 1);
	assert_int_equal(f->s.alerts[0]->since, 1000);
}

/* An active alert's message is rendered again only when what it says
 * changed: the value, the level, the queue's display name; an eval where
 * nothing changed renders nothing, and the published alert still follows. */
static void test_message_rendered_on_change(void **state)
{
	struct fix *f = *state;
	start(f);
	sl(f, 0, 75);
	f->q[1].longest_wait_s = 90;
	assert_int_equal(eval(f, 1000), 1);        /* longest_wait on support at once */
	assert_int_equal(eval(f, 1030), 1);        /* sl_low on sales */
	size_t n = alerts_messages_rendered(f->a);
	for (int t = 1031; t < 1040; t++)
		assert_int_equal(eval(f, t), 0);
	assert_int_equal(alerts_messages_rendered(f->a), n);   /* nothing changed */
	assert_int_equal(f->s.n_alerts, 2);
	sl(f, 0, 75.04);                           /* moves, but reads "75%" still */
	assert_int_equal(eval(f, 1039), 0);
	assert_int_equal(alerts_messages_rendered(f->a), n);
	for (size_t i = 0; i < f->s.n_alerts; i++)
		if (strcmp(f->s.alerts[i]->rule, "sl_low") == 0)
			assert_true(f->s.alerts[i]->value == 75.04);   /* the value follows */
	f->q[1].longest_wait_s = 91;               /* one value moves */
	assert_int_equal(eval(f, 1040), 0);
	assert_int_equal(alerts_messages_rendered(f->a), n + 1);
	for (size_t i = 0; i < f->s.n_alerts; i++)
		if (strcmp(f->s.alerts[i]->rule, "longest_wait") == 0) {
			assert_string_equal(f->s.alerts[i]->message, "support: longest wait 91 s above 60 s");
			assert_true(f->s.alerts[i]->value == 91);
		} else {
			assert_string_equal(f->s.alerts[i]->message,
			                    "sales: service level 75% below 80% for 30 s");
		}
	f->q[0].display = "Sales desk";            /* a reload renames the queue */
	assert_int_equal(eval(f, 1041), 0);
	assert_int_equal(alerts_messages_rendered(f->a), n + 2);
	for (size_t i = 0; i < f->s.n_alerts; i++)
		if (strcmp(f->s.alerts[i]->rule, "sl_low") == 0)
			assert_string_equal(f->s.alerts[i]->message,
			                    "Sales desk: service level 75% below 80% for 30 s");
	f->q[1].longest_wait_s = 130;              /* escalates: rendered, the event says it */
	assert_int_equal(eval(f, 1042), 1);
	assert_int_equal(last(f)->change, ALERT_ESCALATED);
	assert_string_equal(last(f)->alert.message, "support: longest wait 130 s above 120 s");
	assert_int_equal(alerts_messages_rendered(f->a), n + 3);
	assert_int_equal(eval(f, 1043), 0);
	assert_int_equal(alerts_messages_rendered(f->a), n + 3);
	f->q[1].longest_wait_s = 0;                /* clears, then comes back: rendered anew */
	assert_int_equal(eval(f, 1044), 1);
	assert_int_equal(f->s.n_alerts, 1);
	f->q[1].longest_wait_s = 130;
	assert_int_equal(eval(f, 1045), 1);
	assert_int_equal(last(f)->change, ALERT_RAISED);
	assert_string_equal(last(f)->alert.message, "support: longest wait 130 s above 120 s");
	assert_int_equal(f->s.n_alerts, 2);
	assert_int_equal(f->s.alerts[0]->since, 1045);
	assert_string_equal(f->s.alerts[0]->queue, "support");
}

/* The message of rule on the board (NULL: none). */
static const char *message_of(const struct fix *f, const char *rule)
{
	for (size_t i = 0; i < f->s.n_alerts; i++)
		if (strcmp(f->s.alerts[i]->rule, rule) == 0)
			return f->s.alerts[i]->message;
	return NULL;
}

/* A message whose value alone moved has that value written again in its
 * place: it reads as one rendered whole, on either side of the threshold,
 * in either plural, and cut at its size as a whole one is. */
static void test_value_said_again(void **state)
{
	struct fix *f = *state;
	static const int64_t waits[] = { 90, 101, 61, 59, 57, 121, 119, 116, 9999 };
	static const double near[] = { 75, 71.44, 75, 70, 71.44, 79.99, 7.5 };
	char name[232], want[256], v[32];
	start(f);
	for (size_t i = 0; i < sizeof waits / sizeof waits[0]; i++) {
		f->q[1].longest_wait_s = waits[i];
		eval(f, 1000 + (int64_t)i);
	}
	assert_string_equal(message_of(f, "longest_wait"), "support: longest wait 9999 s above 120 s");
	f->q[1].longest_wait_s = 117;
	eval(f, 1010);
	assert_string_equal(message_of(f, "longest_wait"),
	                    "support: longest wait 117 s, back under 120 s (clears below 115 s)");
	f->q[0].waiting = 2;                       /* no agent: "callers", then "caller" */
	f->q[0].agents.available = 0;
	eval(f, 1011);
	eval(f, 1021);
	assert_string_equal(message_of(f, "no_agent"),
	                    "sales: 2 callers waiting, no agent available for 10 s");
	f->q[0].waiting = 1;
	eval(f, 1022);
	assert_string_equal(message_of(f, "no_agent"),
	                    "sales: 1 caller waiting, no agent available for 10 s");
	f->q[0].waiting = 12;
	eval(f, 1023);
	assert_string_equal(message_of(f, "no_agent"),
	                    "sales: 12 callers waiting, no agent available for 10 s");
	f->q[0].agents.available = 1;
	sl(f, 0, 75);
	eval(f, 1040);
	eval(f, 1070);
	assert_string_equal(message_of(f, "sl_low"), "sales: service level 75% below 80% for 30 s");
	sl(f, 0, 71.44);
	eval(f, 1071);
	assert_string_equal(message_of(f, "sl_low"), "sales: service level 71.4% below 80% for 30 s");
	sl(f, 0, 80.5);
	eval(f, 1072);
	assert_string_equal(message_of(f, "sl_low"),
	                    "sales: service level 80.5%, back at 80% (clears at 82%)");
	sl(f, 0, 81.25);
	eval(f, 1073);
	assert_string_equal(message_of(f, "sl_low"),
	                    "sales: service level 81.3%, back at 80% (clears at 82%)");
	memset(name, 'D', sizeof name - 1);       /* 254 bytes said with "75": two more are cut */
	name[216] = '\0';
	f->q[0].display = name;
	for (size_t i = 0; i < sizeof near / sizeof near[0]; i++) {
		sl(f, 0, near[i]);
		eval(f, 1080 + (int64_t)i);
		alerts_format_number(v, sizeof v, near[i]);
		snprintf(want, sizeof want, "%s: service level %s%% below 80%% for 30 s", name, v);
		assert_string_equal(message_of(f, "sl_low"), want);
	}
}

/* Alerts raised at once come the most severe first, then by rule, then
 * by queue. */
static void test_order_of_ties(void **state)
{
	struct fix *f = *state;
	set(f, "no_agent", "for_s", "0");
	start(f);
	f->q[0].longest_wait_s = f->q[1].longest_wait_s = 90;
	f->q[0].waiting = f->q[1].waiting = 3;
	f->q[0].agents.available = f->q[1].agents.available = 0;
	assert_int_equal(eval(f, 1000), 4);
	assert_int_equal(f->s.n_alerts, 4);
	static const char *const want[4][2] = { { "no_agent", "sales" }, { "no_agent", "support" },
		{ "longest_wait", "sales" }, { "longest_wait", "support" } };
	for (int i = 0; i < 4; i++) {
		assert_string_equal(f->s.alerts[i]->rule, want[i][0]);
		assert_string_equal(f->s.alerts[i]->queue, want[i][1]);
	}
	f->q[1].longest_wait_s = 130;              /* escalates: critical, and by rule first */
	assert_int_equal(eval(f, 1001), 1);
	static const char *const then[4][2] = { { "longest_wait", "support" },
		{ "no_agent", "sales" }, { "no_agent", "support" }, { "longest_wait", "sales" } };
	for (int i = 0; i < 4; i++) {
		assert_string_equal(f->s.alerts[i]->rule, then[i][0]);
		assert_string_equal(f->s.alerts[i]->queue, then[i][1]);
	}
}

/* Alerts raised, escalated, eased and cleared on many queues, tick after
 * tick, on a snapshot as a build makes them (order_gen set: the rules bound
 * to its queues once): the published list is every active alert, newest
 * first, then the most severe, then by queue, each with its value. */
static void test_published_order_kept(void **state)
{
	enum { NQ = 40 };
	static struct snap_queue q[NQ];
	static char names[NQ][8];
	struct snapshot s;
	unsigned x = 12345;
	(void)state;
	quiet_board(&s, q, names, NQ);
	struct alert_rules *r = alert_rules_new();
	struct alerts *a = alerts_new(r);
	for (int t = 0; t < 400; t++) {
		size_t want = 0;
		for (int k = 0; k < 4; k++) {       /* 0, 50: none; 100: warning; 150: critical */
			x = x * 1103515245u + 12345u;
			q[(x >> 8) % NQ].longest_wait_s = (int64_t)((x >> 20) % 4) * 50;
		}
		alerts_eval(a, &s, 1000 + t, NULL, NULL);
		for (int i = 0; i < NQ; i++)
			want += q[i].longest_wait_s >= 100;
		assert_int_equal(s.n_alerts, want);
		for (size_t k = 0; k < s.n_alerts; k++) {
			const struct snap_alert *al = s.alerts[k];
			int qi = atoi(al->queue + 1);
			assert_string_equal(al->rule, "longest_wait");
			assert_true(al->value == (double)q[qi].longest_wait_s);
			assert_int_equal(al->severity, q[qi].longest_wait_s >= 150 ? SEV_CRITICAL :
			                 SEV_WARNING);
			if (k == 0)
				continue;
			const struct snap_alert *p = s.alerts[k - 1];
			assert_true(p->since > al->since || (p->since == al->since &&
			            (p->severity > al->severity || (p->severity == al->severity &&
			             atoi(p->queue + 1) < qi))));
		}
	}
	alerts_free(a);
	alert_rules_free(r);
}

/* The published alerts are the alert state's own, pointed at: a thousand
 * raised at once are listed without a copy, and a tick that moves their
 * values and messages leaves each where it was, up to date. */
static void test_published_in_place(void **state)
{
	enum { NQ = 1000 };
	static struct snap_queue q[NQ];
	static char names[NQ][8];
	static const struct snap_alert *was[NQ];
	struct snapshot s;
	char want[64];
	(void)state;
	quiet_board(&s, q, names, NQ);
	for (int i = 0; i < NQ; i++)
		q[i].longest_wait_s = 100;
	struct alert_rules *r = alert_rules_new();
	struct alerts *a = alerts_new(r);
	alerts_eval(a, &s, 1000, NULL, NULL);
	assert_int_equal(s.n_alerts, NQ);
	for (int k = 0; k < NQ; k++) {
		was[k] = s.alerts[k];
		assert_string_equal(s.alerts[k]->queue, names[k]);   /* ties: by queue */
	}
	for (int i = 0; i < NQ; i++)
		q[i].longest_wait_s = 101 + i % 7;
	alerts_eval(a, &s, 1001, NULL, NULL);
	assert_int_equal(s.n_alerts, NQ);
	for (int k = 0; k < NQ; k++) {
		assert_ptr_equal(s.alerts[k], was[k]);
		assert_true(s.alerts[k]->value == 101 + k % 7);
		snprintf(want, sizeof want, "q%d: longest wait %d s above 60 s", k, 101 + k % 7);
		assert_string_equal(s.alerts[k]->message, want);
	}
	q[3].longest_wait_s = 0;                   /* one clears, one escalates */
	q[5].longest_wait_s = 150;
	alerts_eval(a, &s, 1002, NULL, NULL);
	assert_int_equal(s.n_alerts, NQ - 1);
	assert_string_equal(s.alerts[0]->queue, "q5");
	assert_int_equal(s.alerts[0]->severity, SEV_CRITICAL);
	for (int k = 1, i = 0; k < NQ - 1; k++, i++) {
		while (i == 3 || i == 5)           /* gone, and first */
			i++;
		assert_string_equal(s.alerts[k]->queue, names[i]);
	}
	alerts_free(a);
	alert_rules_free(r);
}

/* A queue with no name in a snapshot made by hand is named by its key in
 * messages (the total: "total"), never "(null)". */
static void test_unnamed_total_message(void **state)
{
	struct snapshot s;
	char *cause = NULL;
	(void)state;
	memset(&s, 0, sizeof s);
	quiet_queue(&s.total, NULL);
	s.total.longest_wait_s = 90;
	struct alert_rules *r = alert_rules_new();
	assert_int_equal(alert_rules_set(r, "wait_total", "metric", "longest_wait_s", &cause), 0);
	assert_int_equal(alert_rules_set(r, "wait_total", "queue", "total", &cause), 0);
	assert_int_equal(alert_rules_set(r, "wait_total", "op", "above", &cause), 0);
	assert_int_equal(alert_rules_set(r, "wait_total", "warning", "60", &cause), 0);
	struct alerts *a = alerts_new(r);
	alerts_eval(a, &s, 1000, NULL, NULL);
	assert_int_equal(s.n_alerts, 1);
	assert_string_equal(s.alerts[0]->queue, "total");
	assert_string_equal(s.alerts[0]->message, "total: longest wait 90 s above 60 s");
	alerts_free(a);
	alert_rules_free(r);
}

/* Ties between queues come in natural order: q2 before q10. */
static void test_ties_natural_order(void **state)
{
	struct fix *f = *state;
	start(f);
	f->q[0].name = "q2";
	f->q[1].name = "q10";
	f->q[0].longest_wait_s = f->q[1].longest_wait_s = 90;
	assert_int_equal(eval(f, 1000), 2);
	assert_string_equal(f->s.alerts[0]->queue, "q2");
	assert_string_equal(f->s.alerts[1]->queue, "q10");
}

static void test_escalate_ease_clear(void **state)
{
	struct fix *f = *state;
	start(f);
	sl(f, 0, 75);
	eval(f, 1000);
	assert_int_equal(eval(f, 1030), 1);        /* warning */
	alerts_ack(f->a);
	sl(f, 0, 65);                              /* critical is target-10 = 70 */
	assert_int_equal(eval(f, 1040), 0);
	assert_true(f->s.alerts[0]->acknowledged);
	assert_int_equal(eval(f, 1069), 0);        /* critical needs its own 30 s */
	assert_int_equal(eval(f, 1070), 1);
	assert_int_equal(last(f)->change, ALERT_ESCALATED);
	assert_int_equal(last(f)->alert.severity, SEV_CRITICAL);
	assert_int_equal(last(f)->alert.since, 1030);          /* since raised */
	assert_false(f->s.alerts[0]->acknowledged);             /* escalation un-acks */
	/* 71 is back above 70 but inside the hysteresis band (70 + 2): still critical */
	sl(f, 0, 71);
	assert_int_equal(eval(f, 1080), 0);
	assert_int_equal(f->s.alerts[0]->severity, SEV_CRITICAL);
	sl(f, 0, 72);                              /* past the band: eases to warning */
	assert_int_equal(eval(f, 1090), 1);
	assert_int_equal(last(f)->change, ALERT_EASED);
	assert_int_equal(last(f)->alert.severity, SEV_WARNING);
	sl(f, 0, 80);                              /* target met, but within 80 + 2 */
	assert_int_equal(eval(f, 1100), 0);
	assert_int_equal(f->s.n_alerts, 1);
	assert_string_equal(f->s.alerts[0]->message,
	                    "sales: service level 80%, back at 80% (clears at 82%)");
	sl(f, 0, 81.9);
	assert_int_equal(eval(f, 1110), 0);
	sl(f, 0, 82);
	assert_int_equal(eval(f, 1120), 1);
	assert_int_equal(last(f)->change, ALERT_CLEARED);
	assert_int_equal(last(f)->alert.severity, SEV_OK);
	assert_int_equal(last(f)->alert.since, 1030);
	assert_string_equal(last(f)->alert.message, "sales: service level 82%, back over 80%: cleared");
	assert_int_equal(f->s.n_alerts, 0);
}

static void test_straight_to_critical(void **state)
{
	struct fix *f = *state;
	start(f);
	sl(f, 1, 50);
	eval(f, 2000);
	assert_int_equal(eval(f, 2030), 1);
	assert_int_equal(last(f)->change, ALERT_RAISED);
	assert_int_equal(last(f)->alert.severity, SEV_CRITICAL);
	assert_string_equal(last(f)->alert.queue, "support");
	sl(f, 1, 95);                              /* far past both bands: cleared at once */
	assert_int_equal(eval(f, 2031), 1);
	assert_int_equal(last(f)->change, ALERT_CLEARED);
}

static void test_no_flapping(void **state)
{
	struct fix *f = *state;
	start(f);
	/* before it fires: a value hopping across the edge never holds 30 s */
	for (int i = 0; i < 20; i++) {
		sl(f, 0, i % 2 ? 79 : 81);
		assert_int_equal(eval(f, 1000 + 20 * i), 0);
	}
	/* once active: hovering around the threshold inside the band keeps it */
	sl(f, 0, 81);
	eval(f, 2990);
	sl(f, 0, 79);
	assert_int_equal(eval(f, 3000), 0);
	assert_int_equal(eval(f, 3030), 1);
	for (int i = 0; i < 50; i++) {
		sl(f, 0, i % 2 ? 78.5 : 81.5);
		assert_int_equal(eval(f, 3031 + i), 0);
		assert_int_equal(f->s.n_alerts, 1);
	}
}

static void test_nan_ignored(void **state)
{
	struct fix *f = *state;
	start(f);
	sl(f, 0, NAN);
	for (int t = 0; t <= 100; t += 10)
		assert_int_equal(eval(f, 1000 + t), 0);
	/* a null in the middle drops the pending timer */
	sl(f, 0, 70);
	eval(f, 2000);
	sl(f, 0, NAN);
	eval(f, 2020);
	sl(f, 0, 70);
	assert_int_equal(eval(f, 2025), 0);
	assert_int_equal(eval(f, 2050), 0);        /* 2000 + 30 would have fired */
	assert_int_equal(eval(f, 2055), 1);        /* 2025 + 30 */
	assert_int_equal(last(f)->change, ALERT_RAISED);
	/* a null while active clears it */
	sl(f, 0, NAN);
	assert_int_equal(eval(f, 2060), 1);
	assert_int_equal(last(f)->change, ALERT_CLEARED);
	assert_true(isnan(last(f)->alert.value));
	assert_int_equal(f->s.n_alerts, 0);
}

static void test_min_offered(void **state)
{
	struct fix *f = *state;
	start(f);
	f->q[0].window.c.offered = 4;              /* default 5 for rates */
	sl(f, 0, 0);
	for (int t = 0; t <= 120; t += 10)
		assert_int_equal(eval(f, 1000 + t), 0);
	f->q[0].window.c.offered = 5;
	assert_int_equal(eval(f, 1200), 0);
	assert_int_equal(eval(f, 1230), 1);
	assert_int_equal(last(f)->alert.severity, SEV_CRITICAL);
}

static void test_min_offered_set(void **state)
{
	struct fix *f = *state;
	set(f, "sl_low", "min_offered", "0");
	set(f, "sl_low", "for_s", "0");
	start(f);
	f->q[0].window.c.offered = 1;
	sl(f, 0, 0);
	assert_int_equal(eval(f, 1000), 1);
	assert_int_equal(last(f)->alert.severity, SEV_CRITICAL);
}

static void test_target_thresholds(void **state)
{
	struct fix *f = *state;
	set(f, "sl_low", "for_s", "0");
	start(f);
	f->q[0].sl_target_pct = 90;
	sl(f, 0, 85);                              /* below 90: warning */
	sl(f, 1, 85);                              /* 80 target: fine */
	assert_int_equal(eval(f, 1000), 1);
	assert_string_equal(last(f)->alert.queue, "sales");
	assert_string_equal(last(f)->alert.message, "sales: service level 85% below 90%");
	sl(f, 0, 79.9);                            /* below 90-10 */
	assert_int_equal(eval(f, 1001), 1);
	assert_int_equal(last(f)->change, ALERT_ESCALATED);
	assert_string_equal(last(f)->alert.message, "sales: service level 79.9% below 80%");
	sl(f, 1, 69);
	assert_int_equal(eval(f, 1002), 1);
	assert_string_equal(last(f)->alert.queue, "support");
	assert_int_equal(last(f)->alert.severity, SEV_CRITICAL);
}

static void test_queue_star_and_total(void **state)
{
	struct fix *f = *state;
	set(f, "many_waiting", "metric", "waiting");
	set(f, "many_waiting", "queue", "total");
	set(f, "many_waiting", "op", ">");
	set(f, "many_waiting", "warning", "5");
	set(f, "sales_paused", "metric", "agents.paused");
	set(f, "sales_paused", "queue", "sales");
	set(f, "sales_paused", "op", "above");
	set(f, "sales_paused", "critical", "2");
	start(f);
	f->q[1].longest_wait_s = 61;               /* longest_wait: each queue apart */
	f->q[0].waiting = 3;
	f->q[1].waiting = 3;
	f->s.total.waiting = 6;
	f->s.total.longest_wait_s = 61;
	f->q[1].agents.paused = 5;                 /* support: not watched by sales_paused */
	assert_int_equal(eval(f, 1000), 2);
	assert_string_equal(f->ev[0].alert.rule, "longest_wait");
	assert_string_equal(f->ev[0].alert.queue, "support");
	assert_string_equal(f->ev[0].alert.message, "support: longest wait 61 s above 60 s");
	assert_string_equal(f->ev[1].alert.rule, "many_waiting");
	assert_string_equal(f->ev[1].alert.queue, "total");
	assert_string_equal(f->ev[1].alert.message, "total: callers waiting 6 above 5");
	f->q[0].agents.paused = 2;
	assert_int_equal(eval(f, 1001), 1);
	assert_string_equal(last(f)->alert.rule, "sales_paused");
	assert_string_equal(last(f)->alert.queue, "sales");
	assert_int_equal(last(f)->alert.severity, SEV_CRITICAL);
	/* newest first */
	assert_int_equal(f->s.n_alerts, 3);
	assert_string_equal(f->s.alerts[0]->rule, "sales_paused");
	assert_int_equal(f->s.alerts[0]->since, 1001);
	assert_int_equal(f->s.alerts[1]->since, 1000);
}

static void test_longest_wait_hysteresis(void **state)
{
	struct fix *f = *state;
	start(f);
	f->q[0].longest_wait_s = 60;
	assert_int_equal(eval(f, 1000), 1);        /* reaching the limit is enough */
	assert_string_equal(last(f)->alert.message, "sales: longest wait 60 s at 60 s");
	f->q[0].longest_wait_s = 55;               /* band: 60 - 5 */
	assert_int_equal(eval(f, 1001), 0);
	f->q[0].longest_wait_s = 54;
	assert_int_equal(eval(f, 1002), 1);
	assert_int_equal(last(f)->change, ALERT_CLEARED);
}

static void test_no_agent(void **state)
{
	struct fix *f = *state;
	start(f);
	f->q[0].waiting = 2;
	f->q[0].agents.available = 0;
	assert_int_equal(eval(f, 1000), 0);
	assert_int_equal(eval(f, 1009), 0);
	assert_int_equal(eval(f, 1010), 1);
	assert_string_equal(last(f)->alert.rule, "no_agent");
	assert_int_equal(last(f)->alert.severity, SEV_CRITICAL);
	assert_true(last(f)->alert.value == 2);
	assert_string_equal(last(f)->alert.message,
	                    "sales: 2 callers waiting, no agent available for 10 s");
	f->q[0].agents.available = 1;
	assert_int_equal(eval(f, 1011), 1);
	assert_int_equal(last(f)->change, ALERT_CLEARED);
}

static void test_disabled_default(void **state)
{
	struct fix *f = *state;
	set(f, "sl_low", "enabled", "no");
	start(f);
	sl(f, 0, 10);
	for (int t = 0; t <= 100; t += 10)
		assert_int_equal(eval(f, 1000 + t), 0);
}

/* enabled takes the booleans of every other key, in any case. */
static void test_enabled_any_case(void **state)
{
	struct fix *f = *state;
	set(f, "sl_low", "enabled", "No");
	set(f, "abandon_high", "enabled", "OFF");
	set(f, "no_agent", "enabled", "False");
	set(f, "longest_wait", "enabled", "0");
	start(f);
	sl(f, 0, 10);
	f->q[0].longest_wait_s = 500;
	for (int t = 0; t <= 100; t += 10)
		assert_int_equal(eval(f, 1000 + t), 0);
	set(f, "sl_low", "enabled", "Yes");
	alerts_set_rules(f->a, f->rules);
	eval(f, 1200);
	assert_int_equal(eval(f, 1230), 1);         /* for_s 30: fires again */
	assert_string_equal(last(f)->alert.rule, "sl_low");
	set(f, "sl_low", "enabled", "TRUE");
	set(f, "sl_low", "enabled", "on");
}

/* The known keys of the message are the rows, which the reference lists. */
static void test_key_reference(void **state)
{
	struct fix *f = *state;
	char *cause = NULL, *ref = NULL;
	size_t n = 0;
	assert_int_equal(alert_rules_set(f->rules, "x", "colour", "red", &cause), -1);
	assert_string_equal(cause, "unknown key 'colour' (known: metric, queue, channel, op, "
	                    "warning, critical, for_s, hysteresis, min_offered, min_count, enabled, "
	                    "message, reason)");
	FILE *out = open_memstream(&ref, &n);
	alert_rules_write_keys(out);
	fclose(out);
	int keys = 0;
	for (char *line = strtok(ref, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '\t')
			continue;
		char key[64];
		assert_int_equal(sscanf(line, "[alert.NAME] %63[a-z_]:", key), 1);
		assert_non_null(strstr(cause, key));
		keys++;
	}
	assert_int_equal(keys, 13);   /* + channel, min_count, reason (pause_s) */
	free(ref);
	free(cause);
	/* a typed key's reference gives its type and range */
	out = open_memstream(&ref, &n);
	alert_rules_write_keys(out);
	fclose(out);
	assert_non_null(strstr(ref, "[alert.NAME] for_s: int 0..604800, default 0\n"));
	assert_non_null(strstr(ref, "[alert.NAME] hysteresis: number >= 0, default "));
	assert_non_null(strstr(ref, "[alert.NAME] enabled: bool, default yes\n"));
	free(ref);
}

static void test_reload_and_vanish(void **state)
{
	struct fix *f = *state;
	start(f);
	sl(f, 0, 75);
	f->q[1].longest_wait_s = 100;
	eval(f, 1000);
	assert_int_equal(eval(f, 1030), 1);        /* sl_low on sales */
	assert_int_equal(f->s.n_alerts, 2);
	/* a reload that keeps the rule keeps the alert */
	alerts_set_rules(f->a, f->rules);
	assert_int_equal(eval(f, 1031), 0);
	assert_int_equal(f->s.n_alerts, 2);
	/* a reload that disables it clears it */
	set(f, "sl_low", "enabled", "false");
	alerts_set_rules(f->a, f->rules);
	assert_int_equal(eval(f, 1032), 1);
	assert_int_equal(last(f)->change, ALERT_CLEARED);
	assert_string_equal(last(f)->alert.rule, "sl_low");
	assert_int_equal(f->s.n_alerts, 1);
	/* the support queue vanishes: its alert clears */
	f->s.n_queues = 1;
	assert_int_equal(eval(f, 1033), 1);
	assert_int_equal(last(f)->change, ALERT_CLEARED);
	assert_string_equal(last(f)->alert.queue, "support");
	assert_string_equal(last(f)->alert.message,
	                    "support: longest_wait alert cleared (queue no longer reported)");
	assert_int_equal(f->s.n_alerts, 0);
}

/* A reload that changes a rule starts it afresh: its pending timer restarts
 * (a rule given a new condition does not fire on time held under the old
 * one), and its active alert clears; an unchanged rule keeps its state. */
static void test_reload_changed_rule_starts_afresh(void **state)
{
	struct fix *f = *state;
	set(f, "crowd", "metric", "waiting");
	set(f, "crowd", "op", "above");
	set(f, "crowd", "warning", "2");
	set(f, "crowd", "for_s", "60");
	start(f);
	f->q[0].waiting = 5;
	f->q[1].longest_wait_s = 70;               /* longest_wait: unchanged, raised at once */
	assert_int_equal(eval(f, 1000), 1);        /* crowd pending from 1000 */
	/* the new condition holds too, but under the new rule only from 1050 */
	set(f, "crowd", "warning", "3");
	alerts_set_rules(f->a, f->rules);
	assert_int_equal(eval(f, 1050), 0);
	assert_int_equal(eval(f, 1060), 0);        /* the old timer would fire here */
	assert_int_equal(eval(f, 1109), 0);
	assert_int_equal(eval(f, 1110), 1);
	assert_int_equal(last(f)->change, ALERT_RAISED);
	assert_string_equal(last(f)->alert.rule, "crowd");
	assert_int_equal(last(f)->alert.since, 1110);
	/* changed while active: cleared, then raised afresh after for_s */
	set(f, "crowd", "for_s", "30");
	alerts_set_rules(f->a, f->rules);
	assert_int_equal(eval(f, 1111), 1);
	assert_int_equal(last(f)->change, ALERT_CLEARED);
	assert_string_equal(last(f)->alert.message, "sales: crowd alert cleared (rule changed)");
	assert_int_equal(eval(f, 1141), 1);
	assert_int_equal(last(f)->change, ALERT_RAISED);
	/* the unchanged rule kept its alert all along */
	assert_int_equal(f->s.n_alerts, 2);
	for (int i = 0; i < f->n_ev; i++)
		assert_true(strcmp(f->ev[i].alert.rule, "longest_wait") != 0 || i == 0);
}

static void test_ack(void **state)
{
	struct fix *f = *state;
	start(f);
	f->q[0].longest_wait_s = 70;
	eval(f, 1000);
	alerts_ack(f->a);
	assert_true(f->s.alerts[0]->acknowledged);  /* the published copy too */
	eval(f, 1001);
	assert_true(f->s.alerts[0]->acknowledged);
	f->q[0].longest_wait_s = 130;
	assert_int_equal(eval(f, 1002), 1);
	assert_int_equal(last(f)->change, ALERT_ESCALATED);
	assert_false(f->s.alerts[0]->acknowledged);
}

static void test_template(void **state)
{
	struct fix *f = *state;
	set(f, "longest_wait", "message", "{severity}: {queue} waits {value}{unit} ({op} {threshold})");
	start(f);
	f->q[0].longest_wait_s = 125;
	eval(f, 1000);
	assert_string_equal(last(f)->alert.message, "critical: sales waits 125 s (above 120)");
}

static void test_today_metric_and_hysteresis_key(void **state)
{
	struct fix *f = *state;
	set(f, "abandon_high", "metric", "today.abandon_rate_pct");
	set(f, "abandon_high", "for_s", "0");
	set(f, "abandon_high", "hysteresis", "5");
	start(f);
	f->q[0].today.d.abandon_rate_pct = 12;
	f->q[0].window.d.abandon_rate_pct = 50;    /* not watched any more */
	assert_int_equal(eval(f, 1000), 1);
	assert_int_equal(last(f)->alert.severity, SEV_WARNING);
	f->q[0].today.d.abandon_rate_pct = 5.5;
	assert_int_equal(eval(f, 1001), 0);
	f->q[0].today.d.abandon_rate_pct = 4.9;
	assert_int_equal(eval(f, 1002), 1);
	assert_int_equal(last(f)->change, ALERT_CLEARED);
}

static void expect_set_error(struct alert_rules *r, const char *name, const char *key,
                             const char *value, const char *want)
{
	char *cause = NULL;
	assert_int_equal(alert_rules_set(r, name, key, value, &cause), -1);
	assert_non_null(cause);
	if (!strstr(cause, want))
		fail_msg("cause '%s' lacks '%s'", cause, want);
	free(cause);
}

static void expect_invalid(struct alert_rules *r, const char *want)
{
	char *cause = NULL;
	assert_int_equal(alert_rules_validate(r, &cause), -1);
	assert_non_null(cause);
	if (!strstr(cause, want))
		fail_msg("cause '%s' lacks '%s'", cause, want);
	free(cause);
}

/* A hysteresis wider than the warning-critical gap is refused. */
static void test_hysteresis_wider_than_gap(void **state)
{
	struct fix *f = *state;
	struct alert_rules *r = f->rules;
	set(f, "y", "metric", "window.abandon_rate_pct");
	set(f, "y", "op", "above");
	set(f, "y", "warning", "10");
	set(f, "y", "critical", "11");
	expect_invalid(r, "[alert.y] hysteresis 2 (the default) is wider than the gap of 1");
	set(f, "y", "hysteresis", "1");            /* equal to the gap: fine */
	assert_int_equal(alert_rules_validate(r, NULL), 0);
	set(f, "sl_low", "hysteresis", "10.5");    /* target / target-10 */
	expect_invalid(r, "[alert.sl_low] hysteresis 10.5 is wider than the gap of 10");
	alert_rules_note_line(r, "sl_low", "for_s", 3);
	alert_rules_note_line(r, "sl_low", "hysteresis", 7);
	char *cause = NULL;
	int line = -1;
	assert_int_equal(alert_rules_check(r, &cause, &line), -1);
	assert_int_equal(line, 7);
	free(cause);
}

static void test_bad_values(void **state)
{
	struct fix *f = *state;
	struct alert_rules *r = f->rules;
	expect_set_error(r, "x", "colour", "red", "unknown key 'colour'");
	expect_set_error(r, "x", "metric", "window.foo", "unknown metric 'window.foo'");
	expect_set_error(r, "x", "metric", "today.waiting", "unknown metric");
	expect_set_error(r, "x", "op", "equals", "op must be above or below");
	expect_set_error(r, "x", "warning", "abc", "warning must be a number");
	expect_set_error(r, "x", "critical", "target*2", "critical must be a number");
	expect_set_error(r, "x", "for_s", "-1", "for_s must be whole seconds");
	expect_set_error(r, "x", "for_s", "10x", "for_s must be whole seconds");
	expect_set_error(r, "x", "hysteresis", "-2", "hysteresis must be a number >= 0");
	expect_set_error(r, "x", "min_offered", "many", "min_offered must be");
	expect_set_error(r, "x", "enabled", "maybe", "enabled must be yes or no");
	expect_set_error(r, "x", "queue", "", "queue must be");
	expect_set_error(r, "x", "message", "{queue} at {vlaue}", "unknown placeholder '{vlaue}'");
	expect_set_error(r, "bad name", "op", "above", "alert name must be");
	/* none of the failed sets created rule x */
	assert_int_equal(alert_rules_validate(r, NULL), 0);
	/* a failed set leaves an existing rule as it was */
	expect_set_error(r, "sl_low", "warning", "high", "warning must be");
	assert_int_equal(alert_rules_validate(r, NULL), 0);
}

static void test_incomplete_rules(void **state)
{
	struct fix *f = *state;
	struct alert_rules *r = f->rules;
	set(f, "y", "op", "above");
	expect_invalid(r, "[alert.y] no metric set");
	set(f, "y", "metric", "waiting");
	expect_invalid(r, "[alert.y] needs a warning or a critical threshold");
	set(f, "y", "warning", "10");
	set(f, "y", "critical", "5");
	expect_invalid(r, "[alert.y] critical must be above warning");
	set(f, "y", "critical", "10");
	expect_invalid(r, "[alert.y] critical must be above warning");
	set(f, "y", "critical", "15");
	assert_int_equal(alert_rules_validate(r, NULL), 0);
	set(f, "z", "metric", "window.asa_s");
	set(f, "z", "warning", "30");
	expect_invalid(r, "[alert.z] no op set");
	set(f, "z", "op", "above");
	set(f, "z", "warning", "target");
	expect_invalid(r, "[alert.z] 'target' thresholds apply only to service_level_pct");
	set(f, "z", "enabled", "no");              /* a disabled rule is not checked */
	assert_int_equal(alert_rules_validate(r, NULL), 0);
	set(f, "sl_low", "critical", "60");
	expect_invalid(r, "[alert.sl_low] warning and critical must both be numbers or both");
	set(f, "sl_low", "critical", "target+5");
	expect_invalid(r, "[alert.sl_low] critical must be below warning");
	set(f, "sl_low", "critical", "none");
	set(f, "no_agent", "op", "below");
	expect_invalid(r, "[alert.no_agent] no_agent_available takes op = above");
}

/* The number of a message, written by hand, is what printf wrote: a tenth
 * at most, no "-0", "null" for NAN; and cut short as snprintf cuts. */
static void ref_number(char *buf, size_t sz, double v)
{
	if (isnan(v)) {
		snprintf(buf, sz, "null");
		return;
	}
	long long t = llround(fabs(v) * 10.0);
	const char *sign = (v < 0 && t != 0) ? "-" : "";
	if (t % 10)
		snprintf(buf, sz, "%s%lld.%lld", sign, t / 10, t % 10);
	else
		snprintf(buf, sz, "%s%lld", sign, t / 10);
}

static void test_format_number(void **state)
{
	const double fixed[] = { 0, -0.0, 0.04, -0.04, 0.05, -0.05, 0.95, 1, -1, 9.96, 10, 59.5,
		71.43, 100, 123456789.25, -987654.3, 1e15, 4.2e17, NAN, 1e300, -1e300, INFINITY,
		0.049999999999999996, 0.15, 0.25, 450359962737049.5, 450359962737049.55,
		450359962737049.65, 4503599627370495.5, -450359962737049.45 };
	char a[32], b[32], c[4], d[4];
	(void)state;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		alerts_format_number(a, sizeof a, fixed[i]);
		ref_number(b, sizeof b, fixed[i]);
		assert_string_equal(a, b);
		alerts_format_number(c, sizeof c, fixed[i]);
		ref_number(d, sizeof d, fixed[i]);
		assert_string_equal(c, d);
	}
	for (int k = -40000; k <= 40000; k++) {  /* the halves of a tenth, and beside them */
		const double h[] = { k * 0.05, k / 20.0, nextafter(k * 0.05, INFINITY),
		                     nextafter(k * 0.05, -INFINITY) };
		for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
			alerts_format_number(a, sizeof a, h[i]);
			ref_number(b, sizeof b, h[i]);
			assert_string_equal(a, b);
		}
	}
	srand(7);
	for (int i = 0; i < 100000; i++) {
		double v = ((double)rand() / RAND_MAX - 0.5) * pow(10, rand() % 9);
		alerts_format_number(a, sizeof a, v);
		ref_number(b, sizeof b, v);
		assert_string_equal(a, b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_queue_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fires_exactly_at_for_s, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_steps_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escalate_ease_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_rendered_on_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_said_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_of_ties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ties_natural_order, setup, teardown),
		cmocka_unit_test(test_published_order_kept),
		cmocka_unit_test(test_published_in_place),
		cmocka_unit_test(test_unnamed_total_message),
		cmocka_unit_test(test_format_number),
		cmocka_unit_test_setup_teardown(test_straight_to_critical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_flapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nan_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_min_offered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_min_offered_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_thresholds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_star_and_total, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longest_wait_hysteresis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_agent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enabled_any_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_and_vanish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_changed_rule_starts_afresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hysteresis_wider_than_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_template, setup, teardown),
		cmocka_unit_test_setup_teardown(test_today_metric_and_hysteresis_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quiet_queues_keep_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incomplete_rules, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
