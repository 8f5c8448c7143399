/* test_contacts.c - the contacts model (SPEC 6.2, 6.3) rule by rule:
 * duplicates, reopen, a resolve with no create, a survey for a voice callid,
 * voice contacts and their customers, a pivot exactly at the window's edge,
 * the rolling window, rounding, forgetting; and the contact-event parser. */
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

#define T0 1767254400000LL   /* 2026-01-01 08:00:00 UTC, ms */
#define H 3600000LL

static struct contacts *fresh(void)
{
	struct contacts_conf cc;
	contacts_conf_from(&cc, NULL);
	return contacts_new(&cc);
}

/* Applies one JSON line; returns the verdict (-1: the parser refused it). */
static int ev(struct contacts *c, const char *json)
{
	struct contact_parser p;
	struct contact_event e;
	if (!contact_parse(&p, json, strlen(json), &e))
		return -1;
	return (int)contacts_apply(c, &e);
}

static int evf(struct contacts *c, const char *fmt, long long ts_ms, const char *rest)
{
	char buf[1024];
	snprintf(buf, sizeof buf, fmt, ts_ms / 1000, ts_ms % 1000, rest);
	return ev(c, buf);
}
#define EV(c, t, rest) evf(c, "{\"ts\":%lld.%03lld,%s}", t, rest)

static int64_t total_today(const struct contacts *c, enum ct_count f)
{
	return contacts_today(c, CS_TOTAL, 0)->v[f];
}

static size_t channel_of(const struct contacts *c, const char *name)
{
	for (size_t i = 0; i < contacts_channel_count(c); i++)
		if (strcmp(contacts_channel_name(c, i), name) == 0)
			return i;
	fail_msg("no channel %s", name);
	return 0;
}

static size_t queue_of(const struct contacts *c, const char *name)
{
	for (size_t i = 0; i < contacts_queue_count(c); i++)
		if (strcmp(contacts_queue_name(c, i), name) == 0)
			return i;
	fail_msg("no queue %s", name);
	return 0;
}

static void test_duplicates(void **state)
{
	(void)state;
	struct contacts *c = fresh();
	const char *cr = "\"event\":\"created\",\"id\":\"T1\",\"channel\":\"email\",\"customer\":\"a\"";
	assert_int_equal(EV(c, T0, cr), CONTACTS_APPLIED);
	assert_int_equal(EV(c, T0 + 1000, cr), CONTACTS_DUPLICATE);
	assert_int_equal(EV(c, T0 + 2000, "\"event\":\"resolved\",\"id\":\"T1\""), CONTACTS_APPLIED);
	assert_int_equal(EV(c, T0 + 3000, "\"event\":\"resolved\",\"id\":\"T1\""),
	                 CONTACTS_DUPLICATE);
	assert_int_equal(total_today(c, CT_CREATED), 1);
	assert_int_equal(total_today(c, CT_CREATED_WITH_CUSTOMER), 1);
	assert_int_equal(total_today(c, CT_REPEATS), 0);
	assert_int_equal(total_today(c, CT_RESOLVED), 1);
	assert_int_equal(total_today(c, CT_RESOLUTION_SUM), 2000);
	assert_true(contacts_check(c));
	contacts_free(c);
}

static void test_reopen(void **state)
{
	(void)state;
	struct contacts *c = fresh();
	struct contacts_live live;
	EV(c, T0, "\"event\":\"created\",\"id\":\"T1\",\"channel\":\"chat\"");
	EV(c, T0 + 30000, "\"event\":\"reply\",\"id\":\"T1\"");
	EV(c, T0 + 40000, "\"event\":\"first_response\",\"id\":\"T1\"");
	EV(c, T0 + 60000, "\"event\":\"resolved\",\"id\":\"T1\"");
	assert_int_equal(EV(c, T0 + 70000, "\"event\":\"reopened\",\"id\":\"T1\""), CONTACTS_APPLIED);
	contacts_live(c, CS_TOTAL, 0, &live);
	assert_int_equal(live.open, 1);
	assert_int_equal(live.unanswered, 0);
	assert_int_equal(live.oldest_open_ms, 70000);
	EV(c, T0 + 100000, "\"event\":\"resolved\",\"id\":\"T1\"");
	assert_int_equal(total_today(c, CT_RESOLVED), 2);
	assert_int_equal(total_today(c, CT_RESOLVED_TIMED), 2);
	assert_int_equal(total_today(c, CT_RESOLUTION_SUM), 60000 + 100000);
	assert_int_equal(total_today(c, CT_REPLIES_RESOLVED), 4);      /* 2 + 2 */
	assert_int_equal(total_today(c, CT_REOPENED), 1);
	assert_int_equal(total_today(c, CT_FIRST_RESPONSES), 1);       /* the first of the two */
	assert_int_equal(total_today(c, CT_FRT_SUM), 30000);
	assert_int_equal(total_today(c, CT_FIRST_RESPONSES_WITHIN), 1); /* chat: 60 s */
	contacts_live(c, CS_TOTAL, 0, &live);
	assert_int_equal(live.open, 0);
	contacts_free(c);
}

static void test_resolve_without_create(void **state)
{
	(void)state;
	struct contacts *c = fresh();
	struct contacts_live live;
	/* no channel: it cannot be placed */
	assert_int_equal(EV(c, T0, "\"event\":\"resolved\",\"id\":\"X\""), CONTACTS_UNPLACED);
	EV(c, T0, "\"event\":\"reply\",\"id\":\"T9\",\"channel\":\"email\",\"queue\":\"billing\"");
	assert_int_equal(EV(c, T0 + 5000, "\"event\":\"resolved\",\"id\":\"T9\",\"channel\":\"email\","
	                     "\"queue\":\"billing\",\"sentiment\":-0.5"), CONTACTS_APPLIED);
	EV(c, T0 + 6000, "\"event\":\"reopened\",\"id\":\"T9\",\"channel\":\"email\"");
	assert_int_equal(total_today(c, CT_CREATED), 0);
	assert_int_equal(total_today(c, CT_RESOLVED), 1);
	assert_int_equal(total_today(c, CT_RESOLVED_TIMED), 0);
	assert_int_equal(total_today(c, CT_RESOLUTION_SUM), 0);
	assert_int_equal(total_today(c, CT_FIRST_RESPONSES), 0);
	assert_int_equal(total_today(c, CT_REOPENED), 1);
	assert_int_equal(total_today(c, CT_SENTIMENT_N), 1);
	assert_int_equal(total_today(c, CT_SENTIMENT_SUM), -50);
	assert_int_equal(contacts_today(c, CS_QUEUE, queue_of(c, "billing"))->v[CT_RESOLVED], 1);
	contacts_live(c, CS_TOTAL, 0, &live);
	assert_int_equal(live.open, 0);     /* never in the live figures */
	assert_true(contacts_check(c));
	contacts_free(c);
}

static struct qevent qev(int64_t t, enum ev_kind k, const char *callid, const char *queue,
                         const char *cid)
{
	struct qevent e = {.time = t, .kind = k, .callid = callid, .queue = queue, .callerid = cid,
	                   .hold_s = -1, .talk_s = -1, .wait_s = -1};
	return e;
}

static void test_voice_and_its_survey(void **state)
{
	(void)state;
	struct contacts *c = fresh();
	struct qevent e;
	EV(c, T0, "\"event\":\"created\",\"id\":\"E1\",\"channel\":\"email\",\"customer\":\"+1555\"");
	e = qev(T0 / 1000 + 600, EV_ENTER, "111.1", "sales", "+1555");
	contacts_on_qevent(c, &e);
	e = qev(T0 / 1000 + 700, EV_ENTER, "111.1", "support", "+1555");   /* the same call */
	contacts_on_qevent(c, &e);
	e = qev(T0 / 1000 + 720, EV_CONNECT, "111.1", "support", NULL);
	contacts_on_qevent(c, &e);
	e = qev(T0 / 1000 + 800, EV_ENTER, "222.2", "sales", "anonymous");
	contacts_on_qevent(c, &e);
	assert_int_equal(EV(c, T0 + 900000, "\"event\":\"survey\",\"id\":\"111.1\",\"channel\":\"voice\","
	                     "\"csat\":5,\"nps\":6,\"ces\":2,\"resolved\":true"), CONTACTS_APPLIED);
	size_t v = channel_of(c, "voice"), sales = queue_of(c, "sales");
	const struct ct_tally *t = contacts_today(c, CS_CHANNEL, v);
	assert_int_equal(t->v[CT_CREATED], 2);
	assert_int_equal(t->v[CT_CREATED_WITH_CUSTOMER], 1);     /* anonymous is nobody */
	assert_int_equal(t->v[CT_PIVOTS], 1);                    /* email > voice */
	assert_int_equal(t->v[CT_PIVOTS_UNANSWERED], 1);
	assert_int_equal(t->v[CT_REPEATS], 1);
	assert_int_equal(t->v[CT_FIRST_RESPONSES], 0);           /* voice times are SPEC 2's */
	assert_int_equal(t->v[CT_SURVEYS], 1);
	assert_int_equal(t->v[CT_CSAT_SATISFIED], 1);
	assert_int_equal(t->v[CT_DETRACTORS], 1);
	assert_int_equal(t->v[CT_FCR_YES], 1);
	/* the survey counts in the call's first queue, not in a queue "voice" */
	assert_int_equal(contacts_today(c, CS_QUEUE, sales)->v[CT_SURVEYS], 1);
	assert_int_equal(contacts_today(c, CS_QUEUE, sales)->v[CT_CREATED], 2);
	for (size_t i = 0; i < contacts_queue_count(c); i++)
		assert_string_not_equal(contacts_queue_name(c, i), "voice");
	struct contacts_live live;
	contacts_live(c, CS_CHANNEL, v, &live);
	assert_int_equal(live.open, 0);                          /* voice has no backlog */
	contacts_free(c);
}

/* Feeds a few calls to c, each announced by contacts_qevent_prefetch when pre
 * (and one announced, then refused by the model, as apply_event does). */
static void feed_calls(struct contacts *c, bool pre)
{
	static char longid[] = "a-call-id-much-longer-than-a-node-holds-0123456789.1";
	static const struct {
		int dt;
		enum ev_kind k;
		const char *id, *cid;
	} calls[] = {
		{ 600, EV_ENTER, "111.1", "+1555" },
		{ 610, EV_ENTER, "222.2", "+1555" },
		{ 620, EV_ENTER, longid, "+1555" },
		{ 630, EV_ENTER, "333\x01.3", "+1\x02" "555" },
		{ 635, EV_ENTER, "444.4", "anonymous" },
		{ 640, EV_CONNECT, longid, NULL },
		{ 645, EV_ABANDON, "222.2", NULL },
		{ 650, EV_ENTER, "111.1", "+1555" },     /* the same call */
		{ 660, EV_CONNECT, "333\x01.3", NULL },
	};
	for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
		struct qevent e = qev(T0 / 1000 + calls[i].dt, calls[i].k, calls[i].id, "sales",
		                      calls[i].cid);
		if (pre && i == 1) {
			struct qevent refused = qev(T0 / 1000 + 605, EV_ENTER, "999.9", "sales", "+1999");
			contacts_qevent_prefetch(c, &refused);
		} else if (pre) {
			contacts_qevent_prefetch(c, &e);
		}
		contacts_on_qevent(c, &e);
	}
}

/* Voice events announced by contacts_qevent_prefetch count as without it:
 * their hashes serve the same event only (another event's, announced and
 * refused, is not used), a long or unsafe call id is looked up as ever. */
static void test_voice_prefetched(void **state)
{
	(void)state;
	struct contacts *a = fresh(), *b = fresh();
	feed_calls(a, false);
	feed_calls(b, true);
	const struct ct_tally *ta = contacts_today(a, CS_TOTAL, 0);
	const struct ct_tally *tb = contacts_today(b, CS_TOTAL, 0);
	assert_int_equal(ta->v[CT_CREATED], 5);
	assert_int_equal(ta->v[CT_REPEATS], 2);
	for (int f = 0; f < CT_COUNT; f++) {
		assert_int_equal(ta->v[f], tb->v[f]);
		assert_int_equal(contacts_window(a, CS_TOTAL, 0)->v[f],
		                 contacts_window(b, CS_TOTAL, 0)->v[f]);
	}
	struct contacts_callback cba[4], cbb[4];
	size_t n = contacts_callbacks(a, cba, 4);
	assert_int_equal(n, 1);                                  /* +1555 abandoned */
	assert_int_equal(contacts_callbacks(b, cbb, 4), n);
	assert_string_equal(cba[0].customer, cbb[0].customer);
	assert_true(contacts_check(a) && contacts_check(b));
	contacts_free(a);
	contacts_free(b);
}

/* A pivot counts when the previous contact is exactly pivot_window_s old, and
 * not a millisecond later. */
static void test_pivot_window_edge(void **state)
{
	(void)state;
	struct contacts *c = fresh();
	int64_t pw = 86400000;
	EV(c, T0 - pw, "\"event\":\"created\",\"id\":\"A\",\"channel\":\"email\",\"customer\":\"u1\"");
	EV(c, T0 - pw, "\"event\":\"created\",\"id\":\"B\",\"channel\":\"email\",\"customer\":\"u2\"");
	EV(c, T0 - pw + 5000, "\"event\":\"reply\",\"id\":\"B\"");
	EV(c, T0, "\"event\":\"created\",\"id\":\"A2\",\"channel\":\"chat\",\"customer\":\"u1\"");
	EV(c, T0 + 1, "\"event\":\"created\",\"id\":\"B2\",\"channel\":\"chat\",\"customer\":\"u2\"");
	const struct ct_tally *t = contacts_today(c, CS_TOTAL, 0);
	assert_int_equal(t->v[CT_PIVOTS], 1);
	assert_int_equal(t->v[CT_PIVOTS_UNANSWERED], 1);   /* A had no reply */
	assert_int_equal(t->v[CT_REPEATS], 1);             /* the same edge for repeats */
	contacts_free(c);
}

/* Lines of two sources out of time order: a later contact learnt first is
 * judged again when the earlier one, and its reply, arrive. */
static void test_out_of_order(void **state)
{
	(void)state;
	struct contacts *c = fresh();
	EV(c, T0 + 600000, "\"event\":\"created\",\"id\":\"B\",\"channel\":\"chat\",\"customer\":\"u\"");
	assert_int_equal(total_today(c, CT_PIVOTS), 0);
	EV(c, T0, "\"event\":\"created\",\"id\":\"A\",\"channel\":\"email\",\"customer\":\"u\"");
	assert_int_equal(total_today(c, CT_PIVOTS), 1);
	assert_int_equal(total_today(c, CT_REPEATS), 1);
	assert_int_equal(total_today(c, CT_PIVOTS_UNANSWERED), 1);
	assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[CT_PIVOTS], 1);
	EV(c, T0 + 300000, "\"event\":\"reply\",\"id\":\"A\"");
	assert_int_equal(total_today(c, CT_PIVOTS_UNANSWERED), 0);
	assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[CT_PIVOTS_UNANSWERED], 0);
	/* a contact between them on chat: B is no longer a pivot, the new one is */
	EV(c, T0 + 400000, "\"event\":\"created\",\"id\":\"M\",\"channel\":\"chat\",\"customer\":\"u\"");
	assert_int_equal(total_today(c, CT_PIVOTS), 1);
	assert_int_equal(total_today(c, CT_REPEATS), 2);
	assert_true(contacts_check(c));
	contacts_advance(c, T0 + 2 * H);
	assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[CT_PIVOTS], 0);
	assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[CT_REPEATS], 0);
	assert_true(contacts_check(c));
	contacts_free(c);
}

static void test_window_rolls(void **state)
{
	(void)state;
	struct contacts *c = fresh();     /* window_s 900 */
	EV(c, T0, "\"event\":\"created\",\"id\":\"A\",\"channel\":\"sms\"");
	assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[CT_CREATED], 1);
	contacts_advance(c, T0 + 899999);
	assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[CT_CREATED], 1);
	contacts_advance(c, T0 + 900000);     /* (now - 900 s, now]: out */
	assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[CT_CREATED], 0);
	assert_int_equal(total_today(c, CT_CREATED), 1);
	contacts_advance(c, T0 + 16 * H);     /* the next day */
	assert_int_equal(total_today(c, CT_CREATED), 0);
	contacts_free(c);
}

static void test_rounding(void **state)
{
	(void)state;
	struct ct_tally t = {{0}};
	int64_t h;
	t.v[CT_SENTIMENT_N] = 2;
	t.v[CT_SENTIMENT_SUM] = -9;          /* -0.045 -> -0.05 */
	assert_true(contacts_derived(&t, "sentiment_avg", 0, &h));
	assert_int_equal(h, -5);
	t.v[CT_FIRST_RESPONSES] = 8;
	t.v[CT_FRT_SUM] = 250;               /* 31.25 ms = 0.03125 s -> 0.03 */
	assert_true(contacts_derived(&t, "frt_avg_s", 0, &h));
	assert_int_equal(h, 3);
	t.v[CT_CES_N] = 8;
	t.v[CT_CES_SUM] = 25;                /* 3.125 -> 3.13 */
	assert_true(contacts_derived(&t, "ces_avg", 0, &h));
	assert_int_equal(h, 313);
	assert_false(contacts_derived(&t, "csat_pct", 0, &h));   /* null */
	t.v[CT_CREATED_WITH_CUSTOMER] = 3;
	t.v[CT_REPEATS] = 1;                 /* no fcr answers: 100 - 33.33... */
	assert_true(contacts_derived(&t, "fcr_pct", 0, &h));
	assert_int_equal(h, 6667);
}

static void test_forgetting(void **state)
{
	(void)state;
	struct contacts *c = fresh();     /* repeat and pivot windows: 1 day; stale: 30 days */
	size_t customers;
	EV(c, T0, "\"event\":\"created\",\"id\":\"A\",\"channel\":\"email\",\"customer\":\"u1\"");
	EV(c, T0 + 1000, "\"event\":\"resolved\",\"id\":\"A\"");
	EV(c, T0, "\"event\":\"created\",\"id\":\"B\",\"channel\":\"email\",\"customer\":\"u2\"");
	assert_int_equal(contacts_stored(c, &customers), 2);
	assert_int_equal(customers, 2);
	contacts_advance(c, T0 + 24 * H + 2 * 60000);
	/* the closed one and both customers are gone, the open one stays */
	assert_int_equal(contacts_stored(c, &customers), 1);
	assert_int_equal(customers, 0);
	struct contacts_live live;
	contacts_live(c, CS_TOTAL, 0, &live);
	assert_int_equal(live.open, 1);
	contacts_advance(c, T0 + 30 * 24 * H + 2 * 60000);
	assert_int_equal(contacts_stored(c, NULL), 0);
	/* a customer forgotten is a new customer: no repeat */
	EV(c, T0 + 31 * 24 * H, "\"event\":\"created\",\"id\":\"C\",\"channel\":\"chat\",\"customer\":\"u1\"");
	assert_int_equal(total_today(c, CT_REPEATS), 0);
	contacts_free(c);
}

static void test_parser(void **state)
{
	(void)state;
	struct contact_parser p;
	struct contact_event e;
#define OK(s) assert_true(contact_parse(&p, s, strlen(s), &e))
#define BAD(s) assert_false(contact_parse(&p, s, strlen(s), &e))
	assert_true(contact_line_is_event("  {\"a\":1}", 9));
	assert_false(contact_line_is_event("1767254400|1.1|q|NONE|ENTERQUEUE||x|1", 37));
	OK("{\"ts\":1.5,\"event\":\"created\",\"id\":\"x\",\"channel\":\"e-mail_2\",\"extra\":[1]}");
	assert_int_equal(e.ts_ms, 1500);
	BAD("{\"ts\":\"1\",\"event\":\"created\",\"id\":\"x\",\"channel\":\"email\"}");   /* ts a string */
	BAD("{\"ts\":1,\"event\":\"created\",\"id\":\"x\"}");                        /* no channel */
	BAD("{\"ts\":1,\"event\":\"created\",\"id\":\"x\",\"channel\":\"Email\"}");  /* not [a-z0-9_-] */
	BAD("{\"ts\":1,\"event\":\"shipped\",\"id\":\"x\",\"channel\":\"email\"}");
	BAD("{\"ts\":1,\"event\":\"created\",\"id\":7,\"channel\":\"email\"}");
	BAD("{\"ts\":1,\"event\":\"survey\",\"id\":\"x\",\"csat\":6}");
	BAD("{\"ts\":1,\"event\":\"survey\",\"id\":\"x\",\"resolved\":\"yes\"}");
	BAD("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\",\"sentiment\":2}");
	BAD("{\"ts\":1,\"event\":\"reply\",\"id\":\"x\"");                            /* cut off */
	BAD("[1,2]");
	char big[400];
	snprintf(big, sizeof big, "{\"ts\":1,\"event\":\"reply\",\"id\":\"%0300d\"}", 0);
	BAD(big);                                                                    /* > 256 bytes */
	OK("{\"ts\":1,\"event\":\"created\",\"id\":\"x\\u001b[31m\",\"channel\":\"email\","
	   "\"reason\":\"a\\u0007b\\u009bc\",\"customer\":\"\\u001b]0;t\\u0007u\"}");
	for (const char *s = e.id; *s; s++)
		assert_true((unsigned char)*s >= 0x20 && *s != 0x7f);
	assert_null(strchr(e.reason, '\a'));
	assert_null(strstr(e.reason, "\xc2\x9b"));
	assert_null(strchr(e.customer, 0x1b));
#undef OK
#undef BAD
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_reopen),
		cmocka_unit_test(test_resolve_without_create),
		cmocka_unit_test(test_voice_and_its_survey),
		cmocka_unit_test(test_pivot_window_edge),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_window_rolls),
		cmocka_unit_test(test_voice_prefetched),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_forgetting),
		cmocka_unit_test(test_parser),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
