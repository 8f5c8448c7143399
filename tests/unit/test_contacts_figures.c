/* test_contacts_figures.c - the contact figures beyond the model's counts:
 * the catalogue (contacts_figures.h) and what walks it (alerts on a channel
 * or a queue's contacts, min_count, the first-response 'target', the
 * built-in rules, /metrics families), per-queue first-response targets, and
 * the callback list rule by rule (abandon, timeout, retries, a later call
 * answered, a reply on another channel, another customer, the day's end). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "config.h"
#include "contact.h"
#include "contacts.h"
#include "contacts_figures.h"
#include "exposition.h"
#include "snapshot.h"

#define T0 1767254400000LL   /* 2026-01-01 08:00:00 UTC, ms */
#define S0 (T0 / 1000)

static struct contacts *fresh_conf(const struct config *cfg)
{
	struct contacts_conf cc;
	contacts_conf_from(&cc, cfg);
	return contacts_new(&cc);
}

static int ev(struct contacts *c, long long ts_ms, const char *rest)
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

/* A call of cid that waits `wait` s in queue from t, then ends with k. */
static void call_ends(struct contacts *c, int64_t t, const char *callid, const char *queue,
                      const char *cid, int64_t wait, enum ev_kind k)
{
	call(c, t, EV_ENTER, callid, queue, cid);
	call(c, t + wait, k, callid, queue, NULL);
}

static size_t callbacks(const struct contacts *c, struct contacts_callback *out)
{
	return contacts_callbacks(c, out, 16);
}

/* ---- the callback list ---- */

static void test_callbacks_abandon_and_timeout(void **state)
{
	(void)state;
	struct contacts *c = fresh_conf(NULL);
	struct contacts_callback cb[16];
	call_ends(c, S0 + 100, "1.1", "sales", "+15550001111", 40, EV_TIMEOUT);
	call_ends(c, S0 + 10, "1.2", "support", "+15550002222", 25, EV_ABANDON);
	call_ends(c, S0 + 20, "1.3", "support", "anonymous", 25, EV_ABANDON);   /* nobody */
	call_ends(c, S0 + 30, "1.4", "support", "+15550003333", 5, EV_EXITEMPTY);  /* not a try */
	assert_int_equal(callbacks(c, cb), 2);
	assert_string_equal(cb[0].customer, "+15550002222");      /* oldest first */
	assert_string_equal(cb[0].queue, "support");
	assert_int_equal(cb[0].first_ms, (S0 + 35) * 1000);
	assert_int_equal(cb[0].waited_ms, 25000);
	assert_int_equal(cb[0].tries, 1);
	assert_string_equal(cb[1].customer, "+15550001111");
	assert_string_equal(cb[1].queue, "sales");
	assert_int_equal(cb[1].waited_ms, 40000);
	contacts_free(c);
}

static void test_callbacks_retry_counts_tries(void **state)
{
	(void)state;
	struct contacts *c = fresh_conf(NULL);
	struct contacts_callback cb[16];
	call_ends(c, S0, "2.1", "sales", "+15550001111", 30, EV_ABANDON);
	call_ends(c, S0 + 300, "2.2", "support", "+15550001111", 70, EV_TIMEOUT);
	call(c, S0 + 900, EV_ENTER, "2.3", "sales", "+15550001111");   /* waiting: still listed */
	call(c, S0 + 900, EV_ABANDON, "2.2", "support", NULL);         /* a repeated line */
	assert_int_equal(callbacks(c, cb), 1);
	assert_int_equal(cb[0].tries, 2);
	assert_int_equal(cb[0].first_ms, (S0 + 30) * 1000);
	assert_int_equal(cb[0].last_ms, (S0 + 370) * 1000);
	assert_string_equal(cb[0].queue, "support");                  /* the latest try's */
	assert_int_equal(cb[0].waited_ms, 70000);
	assert_true(contacts_check(c));
	contacts_free(c);
}

static void test_callbacks_later_call_answered_removes(void **state)
{
	(void)state;
	struct contacts *c = fresh_conf(NULL);
	struct contacts_callback cb[16];
	call_ends(c, S0, "3.1", "sales", "+15550001111", 30, EV_ABANDON);
	call_ends(c, S0, "3.2", "sales", "+15550002222", 30, EV_ABANDON);
	call_ends(c, S0 + 600, "3.3", "support", "+15550001111", 10, EV_CONNECT);
	assert_int_equal(callbacks(c, cb), 1);
	assert_string_equal(cb[0].customer, "+15550002222");        /* another caller stays */
	/* a new abandon after the answer puts the caller back, one try */
	call_ends(c, S0 + 1200, "3.4", "sales", "+15550001111", 20, EV_ABANDON);
	assert_int_equal(callbacks(c, cb), 2);
	assert_string_equal(cb[1].customer, "+15550001111");
	assert_int_equal(cb[1].tries, 1);
	contacts_free(c);
}

static void test_callbacks_reply_on_email_removes(void **state)
{
	(void)state;
	struct contacts *c = fresh_conf(NULL);
	struct contacts_callback cb[16];
	ev(c, T0, "\"event\":\"created\",\"id\":\"E1\",\"channel\":\"email\","
	          "\"customer\":\"+15550001111\"");
	ev(c, T0, "\"event\":\"created\",\"id\":\"E2\",\"channel\":\"email\","
	          "\"customer\":\"jane@example.com\"");
	call_ends(c, S0 + 60, "4.1", "sales", "+15550001111", 30, EV_ABANDON);
	ev(c, T0 + 120000, "\"event\":\"reply\",\"id\":\"E2\"");       /* another customer */
	assert_int_equal(callbacks(c, cb), 1);
	ev(c, T0 + 180000, "\"event\":\"first_response\",\"id\":\"E1\"");
	assert_int_equal(callbacks(c, cb), 0);
	contacts_free(c);
}

/* An answer stamped before the first unanswered try (lines out of order)
 * does not take the caller off. */
static void test_callbacks_answer_before_try_stays(void **state)
{
	(void)state;
	struct contacts *c = fresh_conf(NULL);
	struct contacts_callback cb[16];
	ev(c, T0, "\"event\":\"created\",\"id\":\"E1\",\"channel\":\"chat\","
	          "\"customer\":\"+15550001111\"");
	call_ends(c, S0 + 600, "5.1", "sales", "+15550001111", 30, EV_ABANDON);
	ev(c, T0 + 10000, "\"event\":\"reply\",\"id\":\"E1\"");        /* late line, early time */
	assert_int_equal(callbacks(c, cb), 1);
	contacts_free(c);
}

static void test_callbacks_day_rollover(void **state)
{
	(void)state;
	struct contacts *c = fresh_conf(NULL);
	struct contacts_callback cb[16];
	call_ends(c, S0, "6.1", "sales", "+15550001111", 30, EV_ABANDON);
	assert_int_equal(callbacks(c, cb), 1);
	contacts_advance(c, T0 + 24 * 3600000LL);        /* the next day */
	assert_int_equal(callbacks(c, cb), 0);
	contacts_free(c);
}

/* The list is bounded: past CONTACTS_MAX_CALLBACKS new callers are not kept. */
static void test_callbacks_bounded(void **state)
{
	(void)state;
	struct contacts *c = fresh_conf(NULL);
	char id[32], cid[32];
	for (int i = 0; i < CONTACTS_MAX_CALLBACKS + 50; i++) {
		snprintf(id, sizeof id, "b.%d", i);
		snprintf(cid, sizeof cid, "+1555%07d", i);
		call_ends(c, S0 + 1, id, "sales", cid, 1, EV_ABANDON);
	}
	assert_int_equal(contacts_callbacks(c, NULL, 0), CONTACTS_MAX_CALLBACKS);
	struct ct_views v;
	ct_views_build(&v, c);
	assert_int_equal(v.n_queues, 1);
	assert_int_equal(v.queues[0].callbacks, CONTACTS_MAX_CALLBACKS);
	assert_int_equal(v.total.callbacks, CONTACTS_MAX_CALLBACKS);
	assert_true(ct_figure_value(ct_figure_find("callbacks"), &v.queues[0]) ==
	            CONTACTS_MAX_CALLBACKS);
	ct_views_free(&v);
	contacts_free(c);
}

/* ---- configuration ---- */

static struct config *load(const char *text)
{
	static struct config cfg;
	char path[] = "/tmp/ccboard-ctfig-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	char *errors = NULL;
	config_defaults(&cfg);
	int n = config_load(&cfg, path, &errors);
	unlink(path);
	if (n)
		fail_msg("config: %s", errors);
	free(errors);
	return &cfg;
}

static size_t queue_of(const struct contacts *c, const char *name)
{
	for (size_t i = 0; i < contacts_queue_count(c); i++)
		if (strcmp(contacts_queue_name(c, i), name) == 0)
			return i;
	fail_msg("no queue %s", name);
	return 0;
}

/* [queue.NAME] frt_target_s first, then [channel.NAME], then [defaults]. */
static void test_queue_frt_target(void **state)
{
	(void)state;
	struct config *cfg = load("[defaults]\nfrt_target_s = 1000\n"
	                          "[channel.email]\nfrt_target_s = 100\n"
	                          "[queue.vip]\nfrt_target_s = 10\n");
	assert_false(cfg->mask_customers == false);                    /* default yes */
	struct contacts *c = fresh_conf(cfg);
	ev(c, T0, "\"event\":\"created\",\"id\":\"A\",\"channel\":\"email\",\"queue\":\"vip\"");
	ev(c, T0, "\"event\":\"created\",\"id\":\"B\",\"channel\":\"email\"");
	ev(c, T0, "\"event\":\"created\",\"id\":\"C\",\"channel\":\"web\"");
	ev(c, T0, "\"event\":\"created\",\"id\":\"D\",\"channel\":\"chat\"");
	ev(c, T0 + 50000, "\"event\":\"reply\",\"id\":\"A\"");        /* 50 s > 10 */
	ev(c, T0 + 50000, "\"event\":\"reply\",\"id\":\"B\"");        /* 50 s <= 100 */
	ev(c, T0 + 900000, "\"event\":\"reply\",\"id\":\"C\"");       /* 900 s <= 1000 */
	ev(c, T0 + 900000, "\"event\":\"reply\",\"id\":\"D\"");       /* chat: 1000, not 60 */
	assert_int_equal(contacts_today(c, CS_QUEUE, queue_of(c, "vip"))->v[CT_FIRST_RESPONSES_WITHIN], 0);
	assert_int_equal(contacts_today(c, CS_QUEUE, queue_of(c, "email"))->v[CT_FIRST_RESPONSES_WITHIN], 1);
	assert_int_equal(contacts_today(c, CS_QUEUE, queue_of(c, "web"))->v[CT_FIRST_RESPONSES_WITHIN], 1);
	assert_int_equal(contacts_today(c, CS_QUEUE, queue_of(c, "chat"))->v[CT_FIRST_RESPONSES_WITHIN], 1);
	struct ct_views v;
	ct_views_build(&v, c);
	for (size_t i = 0; i < v.n_queues; i++) {
		int64_t want = strcmp(v.queues[i].name, "vip") == 0 ? 10000
		             : strcmp(v.queues[i].name, "email") == 0 ? 100000 : 1000000;
		assert_int_equal(v.queues[i].frt_target_ms, want);
	}
	ct_views_free(&v);
	contacts_free(c);
	config_free(cfg);
}

/* ---- the catalogue ---- */

static void test_catalogue(void **state)
{
	(void)state;
	static const char *const derived[] = { "frt_avg_s", "frt_within_pct", "resolution_avg_s",
		"replies_per_resolution", "abandon_rate_pct", "csat_pct", "nps", "ces_avg", "fcr_pct",
		"repeat_rate_pct", "sentiment_avg", "mix_pct" };
	char name[64];
	for (size_t i = 0; i < sizeof derived / sizeof *derived; i++)
		for (int p = 0; p < 2; p++) {
			snprintf(name, sizeof name, "%s.%s", p ? "window" : "today", derived[i]);
			const struct ct_figure *f = ct_figure_find(name);
			assert_non_null(f);
			assert_int_equal(f->kind, CTF_DERIVED);
		}
	/* each name once */
	for (size_t i = 0; i < ct_figures_count; i++)
		for (size_t j = i + 1; j < ct_figures_count; j++)
			assert_string_not_equal(ct_figures[i].name, ct_figures[j].name);
	/* short forms, as the voice figures' */
	assert_ptr_equal(ct_figure_lookup_metric("csat_pct"), ct_figure_find("window.csat_pct"));
	assert_ptr_equal(ct_figure_lookup_metric("contacts.today.created"),
	                 ct_figure_find("today.created"));
	assert_ptr_equal(ct_figure_lookup_metric("oldest_unanswered_s"),
	                 ct_figure_find("oldest_unanswered_s"));
	assert_null(ct_figure_lookup_metric("waiting"));
	assert_null(ct_figure_lookup_metric("today.nonsense"));
	/* /metrics families in the house style */
	char fam[128];
	const char *ln, *lv;
	double div;
	expo_ct_family(ct_figure_find("today.csat_pct"), true, fam, sizeof fam, &ln, &lv, &div);
	assert_string_equal(fam, "ccboard_channel_csat_ratio");
	assert_string_equal(ln, "period");
	assert_string_equal(lv, "today");
	assert_true(div == 100);
	expo_ct_family(ct_figure_find("window.created"), false, fam, sizeof fam, &ln, &lv, &div);
	assert_string_equal(fam, "ccboard_queue_contacts_created_window");
	assert_null(ln);
	expo_ct_family(ct_figure_find("oldest_unanswered_s"), true, fam, sizeof fam, &ln, &lv, &div);
	assert_string_equal(fam, "ccboard_channel_oldest_unanswered_seconds");
	expo_ct_family(ct_figure_find("today.frt_sum_s"), true, fam, sizeof fam, &ln, &lv, &div);
	assert_string_equal(fam, "ccboard_channel_frt_sum_today_seconds");
}

/* ---- alerts ---- */

struct seen {
	int n;
	struct alert_event last;
};

static void on_alert(void *ctx, const struct alert_event *e)
{
	struct seen *s = ctx;
	s->n++;
	s->last = *e;
}

static void eval(struct alerts *a, const struct contacts *c, int64_t now, struct seen *seen,
                 struct snapshot *s)
{
	memset(s, 0, sizeof *s);
	s->contacts = c;
	alerts_eval(a, s, now, on_alert, seen);
}

static const struct snap_alert *find_alert(const struct snapshot *s, const char *rule,
                                           const char *queue)
{
	for (size_t i = 0; i < s->n_alerts; i++)
		if (strcmp(s->alerts[i]->rule, rule) == 0 && strcmp(s->alerts[i]->queue, queue) == 0)
			return s->alerts[i];
	return NULL;
}

/* The built-in email_unanswered: warning at the channel's target, critical
 * four hours later; another channel's contacts do not count. */
static void test_alert_email_unanswered(void **state)
{
	(void)state;
	struct alert_rules *r = alert_rules_new();
	struct alerts *a = alerts_new(r);
	struct contacts *c = fresh_conf(NULL);
	struct seen seen = {0};
	struct snapshot s;
	ev(c, T0, "\"event\":\"created\",\"id\":\"E1\",\"channel\":\"email\"");
	ev(c, T0, "\"event\":\"created\",\"id\":\"S1\",\"channel\":\"social\"");
	contacts_advance(c, T0 + 14399000);
	eval(a, c, S0 + 14399, &seen, &s);
	assert_null(find_alert(&s, "email_unanswered", "email"));
	contacts_advance(c, T0 + 14400000);                 /* at the target: 4 h */
	eval(a, c, S0 + 14400, &seen, &s);
	const struct snap_alert *al = find_alert(&s, "email_unanswered", "email");
	assert_non_null(al);
	assert_int_equal(al->severity, SEV_WARNING);
	assert_true(al->value == 14400);
	assert_null(find_alert(&s, "email_unanswered", "social"));
	contacts_advance(c, T0 + 8 * 3600000LL);
	eval(a, c, S0 + 8 * 3600, &seen, &s);
	assert_int_equal(find_alert(&s, "email_unanswered", "email")->severity, SEV_CRITICAL);
	assert_int_equal(seen.last.change, ALERT_ESCALATED);
	ev(c, T0 + 8 * 3600000LL + 1000, "\"event\":\"reply\",\"id\":\"E1\"");   /* answered */
	eval(a, c, S0 + 8 * 3600 + 1, &seen, &s);
	assert_null(find_alert(&s, "email_unanswered", "email"));
	assert_int_equal(seen.last.change, ALERT_CLEARED);
	alerts_free(a);
	alert_rules_free(r);
	contacts_free(c);
}

/* csat_low: below 80 % only once the channel has 10 answers today. */
static void test_alert_csat_min_count(void **state)
{
	(void)state;
	struct alert_rules *r = alert_rules_new();
	struct alerts *a = alerts_new(r);
	struct contacts *c = fresh_conf(NULL);
	struct seen seen = {0};
	struct snapshot s;
	char buf[200];
	for (int i = 0; i < 9; i++) {
		snprintf(buf, sizeof buf, "\"event\":\"survey\",\"id\":\"X%d\",\"channel\":\"chat\","
		         "\"csat\":%d", i, i < 2 ? 5 : 1);
		ev(c, T0 + i * 1000, buf);
	}
	eval(a, c, S0 + 10, &seen, &s);
	assert_null(find_alert(&s, "csat_low", "chat"));    /* 9 answers: not judged */
	ev(c, T0 + 10000, "\"event\":\"survey\",\"id\":\"X9\",\"channel\":\"chat\",\"csat\":5");
	eval(a, c, S0 + 11, &seen, &s);
	const struct snap_alert *al = find_alert(&s, "csat_low", "chat");
	assert_non_null(al);                                 /* 3 of 10: 30 % */
	assert_int_equal(al->severity, SEV_CRITICAL);
	assert_true(fabs(al->value - 30) < 1e-9);
	assert_non_null(strstr(al->message, "CSAT 30%"));
	alerts_free(a);
	alert_rules_free(r);
	contacts_free(c);
}

/* A site's rule on a queue's contacts (queue =) and on every channel, and a
 * built-in switched off the way the voice ones are. */
static void test_alert_queue_and_overrides(void **state)
{
	(void)state;
	struct alert_rules *r = alert_rules_new();
	char *cause = NULL;
	assert_int_equal(alert_rules_set(r, "billing_backlog", "metric", "contacts.open", &cause), 0);
	assert_int_equal(alert_rules_set(r, "billing_backlog", "queue", "billing", &cause), 0);
	assert_int_equal(alert_rules_set(r, "billing_backlog", "op", "above", &cause), 0);
	assert_int_equal(alert_rules_set(r, "billing_backlog", "warning", "2", &cause), 0);
	assert_int_equal(alert_rules_set(r, "email_unanswered", "enabled", "no", &cause), 0);
	assert_int_equal(alert_rules_validate(r, &cause), 0);
	struct alerts *a = alerts_new(r);
	struct contacts *c = fresh_conf(NULL);
	struct seen seen = {0};
	struct snapshot s;
	ev(c, T0, "\"event\":\"created\",\"id\":\"A\",\"channel\":\"email\",\"queue\":\"billing\"");
	ev(c, T0, "\"event\":\"created\",\"id\":\"B\",\"channel\":\"chat\",\"queue\":\"billing\"");
	ev(c, T0, "\"event\":\"created\",\"id\":\"C\",\"channel\":\"email\"");
	ev(c, T0, "\"event\":\"created\",\"id\":\"D\",\"channel\":\"email\"");
	contacts_advance(c, T0 + 6 * 3600000LL);
	eval(a, c, S0 + 6 * 3600, &seen, &s);
	assert_non_null(find_alert(&s, "billing_backlog", "billing"));
	assert_null(find_alert(&s, "billing_backlog", "email"));      /* email queue: 2 open */
	assert_null(find_alert(&s, "email_unanswered", "email"));     /* switched off */
	alerts_free(a);
	alert_rules_free(r);
	contacts_free(c);
}

static void test_alert_rule_checks(void **state)
{
	(void)state;
	struct alert_rules *r = alert_rules_new();
	char *cause = NULL;
	assert_int_equal(alert_rules_validate(r, &cause), 0);        /* the built-ins are sound */
	assert_int_equal(alert_rules_set(r, "x", "channel", "E-Mail!", &cause), -1);
	free(cause);
	/* channel on a figure the contacts do not have */
	alert_rules_set(r, "a", "metric", "waiting", &cause);
	alert_rules_set(r, "a", "channel", "email", &cause);
	alert_rules_set(r, "a", "warning", "1", &cause);
	alert_rules_set(r, "a", "op", "above", &cause);
	assert_int_equal(alert_rules_validate(r, &cause), -1);
	assert_non_null(strstr(cause, "channel is for contact figures"));
	free(cause);
	alert_rules_set(r, "a", "enabled", "no", &cause);
	/* min_count on calls */
	alert_rules_set(r, "b", "metric", "window.service_level_pct", &cause);
	alert_rules_set(r, "b", "op", "below", &cause);
	alert_rules_set(r, "b", "warning", "80", &cause);
	alert_rules_set(r, "b", "min_count", "3", &cause);
	assert_int_equal(alert_rules_validate(r, &cause), -1);
	assert_non_null(strstr(cause, "min_count is for contact figures"));
	free(cause);
	alert_rules_set(r, "b", "enabled", "no", &cause);
	/* a target on a figure with none */
	alert_rules_set(r, "c", "metric", "today.csat_pct", &cause);
	alert_rules_set(r, "c", "channel", "*", &cause);
	alert_rules_set(r, "c", "op", "below", &cause);
	alert_rules_set(r, "c", "warning", "target", &cause);
	assert_int_equal(alert_rules_validate(r, &cause), -1);
	assert_non_null(strstr(cause, "'target' thresholds of contact figures"));
	free(cause);
	alert_rules_set(r, "c", "enabled", "no", &cause);
	/* channel and queue together */
	alert_rules_set(r, "d", "metric", "open", &cause);
	alert_rules_set(r, "d", "channel", "email", &cause);
	alert_rules_set(r, "d", "queue", "sales", &cause);
	alert_rules_set(r, "d", "op", "above", &cause);
	alert_rules_set(r, "d", "warning", "5", &cause);
	assert_int_equal(alert_rules_validate(r, &cause), -1);
	assert_non_null(strstr(cause, "one or the other"));
	free(cause);
	assert_int_equal(alert_rules_set(r, "d", "channel", "none", &cause), 0);   /* by queue */
	assert_int_equal(alert_rules_validate(r, &cause), 0);
	alert_rules_free(r);
}

/* The screen's colours: the built-in rules' levels, as the alerts judge. */
static void test_gradings(void **state)
{
	(void)state;
	struct alert_rules *r = alert_rules_new();
	struct ct_grading g[8];
	char *cause = NULL;
	size_t n = alert_rules_ct_gradings(r, g, 8);
	assert_int_equal(n, 3);
	struct contacts *c = fresh_conf(NULL);
	char buf[200];
	ev(c, T0, "\"event\":\"created\",\"id\":\"E1\",\"channel\":\"email\"");
	for (int i = 0; i < 10; i++) {
		snprintf(buf, sizeof buf, "\"event\":\"survey\",\"id\":\"X%d\",\"channel\":\"chat\","
		         "\"csat\":%d", i, i < 3 ? 5 : 1);
		ev(c, T0 + i, buf);
	}
	contacts_advance(c, T0 + 5 * 3600000LL);
	struct ct_views v;
	ct_views_build(&v, c);
	const struct ct_view *chat = &v.channels[0], *email = &v.channels[1];
	assert_string_equal(chat->name, "chat");
	assert_int_equal(ct_figure_grade(&g[0], email), SEV_WARNING);   /* 5 h, target 4 h */
	assert_int_equal(ct_figure_grade(&g[0], chat), SEV_OK);         /* not its channel */
	assert_int_equal(ct_figure_grade(&g[0], &v.total), SEV_OK);
	assert_int_equal(ct_figure_grade(&g[1], chat), SEV_CRITICAL);    /* CSAT 30 % */
	assert_int_equal(ct_figure_grade(&g[1], email), SEV_OK);         /* no answers */
	ct_views_free(&v);
	/* a site's levels move the colours */
	assert_int_equal(alert_rules_set(r, "csat_low", "critical", "20", &cause), 0);
	n = alert_rules_ct_gradings(r, g, 8);
	ct_views_build(&v, c);
	assert_int_equal(ct_figure_grade(&g[1], &v.channels[0]), SEV_WARNING);
	ct_views_free(&v);
	contacts_free(c);
	alert_rules_free(r);
}

/* /metrics: the contact families with channel and queue labels. */
static void test_exposition(void **state)
{
	(void)state;
	struct contacts *c = fresh_conf(NULL);
	struct snapshot s;
	char *text = NULL;
	size_t n = 0;
	ev(c, T0, "\"event\":\"survey\",\"id\":\"X1\",\"channel\":\"email\",\"csat\":5");
	ev(c, T0, "\"event\":\"survey\",\"id\":\"X2\",\"channel\":\"email\",\"csat\":2");
	ev(c, T0, "\"event\":\"created\",\"id\":\"E\",\"channel\":\"email\",\"queue\":\"billing\"");
	call_ends(c, S0 + 1, "9.1", "sales", "+15550001111", 30, EV_ABANDON);
	memset(&s, 0, sizeof s);
	s.contacts = c;
	FILE *out = open_memstream(&text, &n);
	assert_int_equal(expo_write(&s, NULL, out), 0);
	fclose(out);
	assert_non_null(strstr(text, "\nccboard_channel_csat_ratio{channel=\"email\",period=\"today\"} 0.5\n"));
	assert_non_null(strstr(text, "\nccboard_channel_created_today{channel=\"email\"} 1\n"));
	assert_non_null(strstr(text, "\nccboard_queue_contacts_open{queue=\"billing\"} 1\n"));
	assert_non_null(strstr(text, "\nccboard_queue_contacts_callbacks{queue=\"sales\"} 1\n"));
	assert_null(strstr(text, "ccboard_channel_callbacks"));
	assert_non_null(strstr(text, "# TYPE ccboard_channel_csat_ratio gauge\n"));
	/* each family's head once */
	const char *p = strstr(text, "# TYPE ccboard_channel_csat_ratio ");
	assert_null(strstr(p + 1, "# TYPE ccboard_channel_csat_ratio "));
	free(text);
	contacts_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callbacks_abandon_and_timeout),
		cmocka_unit_test(test_callbacks_retry_counts_tries),
		cmocka_unit_test(test_callbacks_later_call_answered_removes),
		cmocka_unit_test(test_callbacks_reply_on_email_removes),
		cmocka_unit_test(test_callbacks_answer_before_try_stays),
		cmocka_unit_test(test_callbacks_day_rollover),
		cmocka_unit_test(test_callbacks_bounded),
		cmocka_unit_test(test_queue_frt_target),
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_alert_email_unanswered),
		cmocka_unit_test(test_alert_csat_min_count),
		cmocka_unit_test(test_alert_queue_and_overrides),
		cmocka_unit_test(test_alert_rule_checks),
		cmocka_unit_test(test_gradings),
		cmocka_unit_test(test_exposition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
