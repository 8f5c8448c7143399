/* test_contacts_journeys.c - the journeys of SPEC 6.3 kept on events
 * (contacts_journeys) equal a walk of every customer, as they were computed
 * before, after random sequences of contacts, calls, replies, re-creates,
 * sweeps, evictions and settings changes. */
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

struct ref {
	const struct customer *u;
	size_t from;
	int64_t last_ms;
};

static char kbuf[CONTACT_TEXT_MAX + 1];   /* customer_key's room */

static int ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	if (x->last_ms != y->last_ms)
		return x->last_ms > y->last_ms ? -1 : 1;
	char kx[CONTACT_TEXT_MAX + 1], ky[CONTACT_TEXT_MAX + 1];
	return strcmp(customer_key(x->u, kx), customer_key(y->u, ky));
}

/* The full walk: every customer with contacts on two channels or more in
 * (now - pivot_window, now], sorted by their latest contact, newest first. */
static size_t ref_walk(const struct contacts *c, struct ref *out, size_t cap)
{
	int64_t edge = c->now_ms - c->conf.pivot_window_s * 1000;
	size_t n = 0;
	HT_EACH(&c->customers, h) {
			const struct customer *u = (const struct customer *)h;
			size_t from = 0, len = u->node.aux;
			struct contact *const *list = customer_list(u);
			bool multi = false;
			for (size_t i = 0; i < len; i++)     /* the mark replies read */
				assert_int_equal(list[i]->not_last, i + 1 < len);
			while (from < len && list[from]->created_ms <= edge)
				from++;
			for (size_t i = from + 1; i < len && !multi; i++)
				multi = list[i]->ch != list[from]->ch;
			if (multi) {
				assert_true(n < cap);
				out[n++] = (struct ref){u, from, list[len - 1]->created_ms};
			}
		}
	qsort(out, n, sizeof *out, ref_cmp);
	return n;
}

static void same_as_walk(const struct contacts *c)
{
	static struct ref ref[20000];
	struct ct_journey got[CONTACTS_MAX_JOURNEYS];
	size_t nr = ref_walk(c, ref, sizeof ref / sizeof *ref);
	size_t ng = contacts_journeys(c, got, CONTACTS_MAX_JOURNEYS);
	assert_int_equal(ng, nr < CONTACTS_MAX_JOURNEYS ? nr : CONTACTS_MAX_JOURNEYS);
	for (size_t i = 0; i < ng; i++) {
		assert_ptr_equal(got[i].u, ref[i].u);
		assert_int_equal(got[i].from, ref[i].from);
	}
}

/* One random run: customers from a small pool on four channels and calls,
 * time moving by up to an hour (and now and then a line from the past). */
static void run(unsigned seed, size_t max_stored, int steps)
{
	static const char *channels[] = {"email", "chat", "sms", "social"};
	struct contacts_conf cc;
	unsigned s = seed;
	char id[32], cust[64];
	int64_t t = T0;
	contacts_conf_from(&cc, NULL);
	cc.pivot_window_s = 3 * 3600;
	cc.repeat_window_s = 2 * 3600;
	cc.sweep_every_ms = 600000;
	cc.max_stored = max_stored;
	struct contacts *c = contacts_new(&cc);
	for (int i = 0; i < steps; i++) {
		unsigned r = fx_rnd(&s) % 100;
		int64_t at = t;
		t += fx_rnd(&s) % 600000;
		if (r < 5)
			at = t - (int64_t)(fx_rnd(&s) % 7200000);   /* out of order */
		else
			at = t;
		snprintf(id, sizeof id, "c%u", fx_rnd(&s) % 400);
		unsigned who = fx_rnd(&s) % 60;    /* ids of all lengths: nodes share sizes with lists */
		snprintf(cust, sizeof cust, "u%u%.*s", who, (int)(who % 30), "-----------------------------");
		if (r < 45) {
			fx_contact_event(c, at, "created", id, channels[fx_rnd(&s) % 4], NULL, fx_rnd(&s) % 10 ? cust : NULL);
		} else if (r < 60) {
			fx_contact_event(c, at, "reply", id, NULL, NULL, NULL);
		} else if (r < 70) {
			fx_contact_event(c, at, "resolved", id, NULL, NULL, NULL);
		} else if (r < 85) {
			snprintf(id, sizeof id, "v%u", fx_rnd(&s) % 200);
			fx_contact_call(c, at, EV_ENTER, id, cust);
		} else if (r < 92) {
			snprintf(id, sizeof id, "v%u", fx_rnd(&s) % 200);
			fx_contact_call(c, at, fx_rnd(&s) % 2 ? EV_CONNECT : EV_ABANDON, id, cust);
		} else if (r < 94) {
			cc.pivot_window_s = 3600 * (1 + (int64_t)(fx_rnd(&s) % 5));
			contacts_set_conf(c, &cc);
		} else {
			contacts_advance(c, t);
		}
		same_as_walk(c);
	}
	assert_true(contacts_check(c));
	contacts_free(c);
}

static void journeys_equal_full_walk(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 12; seed++)
		run(seed, 524288, 3000);
}

/* A small store: evictions take contacts still inside the window. */
static void journeys_equal_full_walk_under_cap(void **state)
{
	(void)state;
	for (unsigned seed = 100; seed <= 106; seed++)
		run(seed, 48, 3000);
}

/* Time alone makes a journey single-channel: it leaves the list. */
static void journey_ages_out(void **state)
{
	(void)state;
	struct contacts_conf cc;
	struct ct_journey j[4];
	contacts_conf_from(&cc, NULL);
	cc.pivot_window_s = 3600;
	struct contacts *c = contacts_new(&cc);
	fx_contact_event(c, T0, "created", "a", "email", NULL, "u1");
	fx_contact_event(c, T0 + 1000, "created", "b", "chat", NULL, "u1");
	fx_contact_event(c, T0 + 2000, "created", "x", "email", NULL, "u2");
	fx_contact_event(c, T0 + 3000, "created", "y", "sms", NULL, "u2");
	assert_int_equal(contacts_journeys(c, j, 4), 2);
	assert_string_equal(customer_key(j[0].u, kbuf), "u2");
	contacts_advance(c, T0 + 3600 * 1000 + 500);     /* u1's email out, u2's both in */
	assert_int_equal(contacts_journeys(c, j, 4), 1);
	assert_string_equal(customer_key(j[0].u, kbuf), "u2");
	contacts_advance(c, T0 + 3600 * 1000 + 2500);
	assert_int_equal(contacts_journeys(c, j, 4), 0);
	assert_int_equal(c->jl->n, 0);
	contacts_free(c);
}

/* The run of last contacts on one channel that journeys read: kept right when
 * a contact leaves its customer from inside the run, and a customer behind
 * many calls on one channel (a caller ID shared by thousands) still gets
 * its journey when another channel comes. */
static void runs_on_one_channel(void **state)
{
	(void)state;
	struct contacts_conf cc;
	struct ct_journey j[4];
	char id[32];
	contacts_conf_from(&cc, NULL);
	cc.pivot_window_s = 3600;
	struct contacts *c = contacts_new(&cc);
	fx_contact_event(c, T0, "created", "a", "email", NULL, "u1");
	fx_contact_event(c, T0 + 1000, "created", "b", "chat", NULL, "u1");
	fx_contact_event(c, T0 + 2000, "created", "c", "chat", NULL, "u1");
	assert_int_equal(contacts_journeys(c, j, 4), 1);
	fx_contact_event(c, T0 + 2500, "resolved", "c", NULL, NULL, NULL);
	fx_contact_event(c, T0 + 3000, "created", "c", "chat", NULL, "u2");   /* c leaves u1's run */
	assert_int_equal(contacts_journeys(c, j, 4), 1);
	assert_string_equal(customer_key(j[0].u, kbuf), "u1");
	same_as_walk(c);
	fx_contact_event(c, T0 + 3500, "resolved", "b", NULL, NULL, NULL);
	fx_contact_event(c, T0 + 4000, "created", "b", "chat", NULL, "u2");   /* and b: u1 is email only */
	assert_int_equal(contacts_journeys(c, j, 4), 0);
	same_as_walk(c);
	for (int i = 0; i < 3000; i++) {
		snprintf(id, sizeof id, "v%d", i);
		fx_contact_call(c, T0 + 5000 + i, EV_ENTER, id, "555");
	}
	assert_int_equal(contacts_journeys(c, j, 4), 0);
	fx_contact_event(c, T0 + 9000, "created", "m", "email", NULL, "555");
	assert_int_equal(contacts_journeys(c, j, 4), 1);
	assert_string_equal(customer_key(j[0].u, kbuf), "555");
	same_as_walk(c);
	contacts_free(c);
}

/* A contact counted as a repeat, taken from its customer's history by a
 * sweep, then created again: its old repeat stays counted (it was: -1). */
static void recreated_after_sweep_keeps_counts(void **state)
{
	(void)state;
	struct contacts_conf cc;
	contacts_conf_from(&cc, NULL);
	cc.pivot_window_s = cc.repeat_window_s = 3600;
	cc.sweep_every_ms = 60000;
	struct contacts *c = contacts_new(&cc);
	fx_contact_event(c, T0, "created", "a", "email", NULL, "u1");
	fx_contact_event(c, T0 + 600000, "created", "b", "chat", NULL, "u1");
	fx_contact_event(c, T0 + 700000, "resolved", "b", NULL, NULL, NULL);
	assert_int_equal(contacts_today(c, CS_TOTAL, 0)->v[CT_REPEATS], 1);
	assert_int_equal(contacts_today(c, CS_TOTAL, 0)->v[CT_PIVOTS], 1);
	fx_contact_event(c, T0 + 3000000, "reply", "b", NULL, NULL, NULL);   /* b stays stored */
	contacts_advance(c, T0 + 4800000);     /* swept from u1's history */
	fx_contact_event(c, T0 + 4801000, "created", "b", "chat", NULL, "u1");
	assert_int_equal(contacts_today(c, CS_TOTAL, 0)->v[CT_REPEATS], 1);
	assert_int_equal(contacts_today(c, CS_TOTAL, 0)->v[CT_PIVOTS], 1);
	assert_true(contacts_check(c));
	contacts_free(c);
}

/* The window's records span many blocks, some lines a little out of time
 * order: the window's created count is always the contacts created in
 * (now - window, now]. */
static void window_records_across_blocks(void **state)
{
	(void)state;
	enum { N = 30000 };
	static int64_t at[N];
	struct contacts_conf cc;
	unsigned s = 7;
	char id[32];
	contacts_conf_from(&cc, NULL);
	cc.window_s = 60;
	struct contacts *c = contacts_new(&cc);
	int64_t t = T0;
	for (int i = 0; i < N; i++) {
		t += fx_rnd(&s) % 40;
		at[i] = fx_rnd(&s) % 10 ? t : t - (int64_t)(fx_rnd(&s) % 3000);
		snprintf(id, sizeof id, "w%d", i);
		fx_contact_event(c, at[i], "created", id, i % 3 ? "chat" : "email", NULL, NULL);
		if (i % 97 == 0 || i == N - 1) {
			int64_t now = contacts_now(c), want = 0;
			for (int j = 0; j <= i; j++)
				want += at[j] > now - 60000 && at[j] <= now;
			assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[CT_CREATED], want);
		}
	}
	contacts_advance(c, t + 120000);                  /* all out: the blocks go */
	assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[CT_CREATED], 0);
	assert_int_equal(c->win.t.len + c->win.n.len + c->win.w.len, 0);
	contacts_free(c);
}

/* Records keep their times in 32 bits from a base: a window never empty for
 * longer than that (26 days, a contact every 20 s) moves the base, and every
 * record leaves the window at its own time still. */
static void window_records_rebase(void **state)
{
	(void)state;
	struct contacts_conf cc;
	char id[32];
	contacts_conf_from(&cc, NULL);
	cc.window_s = 60;
	cc.repeat_window_s = cc.pivot_window_s = 60;
	struct contacts *c = contacts_new(&cc);
	int64_t t = T0;
	for (int i = 0; t < T0 + 26 * 86400000LL; i++, t += 20000 + i % 7) {
		snprintf(id, sizeof id, "r%d", i);
		fx_contact_event(c, t, "created", id, "chat", NULL, NULL);
		fx_contact_event(c, t + 1, "resolved", id, NULL, NULL, NULL);
		/* created at t, t - 20 s, t - 40 s: three inside (now - 60 s, now] */
		assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[CT_CREATED], 3 - (i < 2) * (2 - i));
	}
	contacts_advance(c, t + 60000);
	assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[CT_CREATED], 0);
	contacts_free(c);
}

/* Applies a survey of id on channel chat at ts_ms, answers -1 left out. */
static void survey_at(struct contacts *c, int64_t ts_ms, const char *id, int csat, int nps,
                      int ces, int resolved)
{
	char buf[512], part[64];
	struct contact_parser p;
	struct contact_event e;
	snprintf(buf, sizeof buf, "{\"ts\":%lld.%03lld,\"event\":\"survey\",\"id\":\"%s\","
	         "\"channel\":\"chat\"", (long long)(ts_ms / 1000), (long long)(ts_ms % 1000), id);
	if (csat >= 0)
		snprintf(part, sizeof part, ",\"csat\":%d", csat), strcat(buf, part);
	if (nps >= 0)
		snprintf(part, sizeof part, ",\"nps\":%d", nps), strcat(buf, part);
	if (ces >= 0)
		snprintf(part, sizeof part, ",\"ces\":%d", ces), strcat(buf, part);
	if (resolved >= 0)
		strcat(buf, resolved ? ",\"resolved\":true" : ",\"resolved\":false");
	strcat(buf, "}");
	assert_true(contact_parse(&p, buf, strlen(buf), &e));
	assert_int_equal(contacts_apply(c, &e), CONTACTS_APPLIED);
}

/* A unit record is narrow while its mask (the counts one event adds at
 * once) is among the window's first CT_MASKS, wide after: surveys with
 * every combination of answers (72 masks) between calls. Both kinds count
 * in the window exactly as today does, and both leave it at its edge. */
static void window_records_masks_run_out(void **state)
{
	(void)state;
	static const int csat[] = { -1, 5, 1 }, nps[] = { -1, 10, 0, 7 }, ces[] = { -1, 3 };
	struct contacts_conf cc;
	char id[32];
	int64_t t = T0;
	int n = 0;
	contacts_conf_from(&cc, NULL);
	cc.window_s = 3600;
	struct contacts *c = contacts_new(&cc);
	for (int a = 0; a < 3; a++)
		for (int b = 0; b < 4; b++)
			for (int d = 0; d < 2; d++)
				for (int r = -1; r <= 1; r++, n++) {
					snprintf(id, sizeof id, "s%d", n);
					fx_contact_event(c, t += 1000, "created", id, "chat", NULL, NULL);
					survey_at(c, t += 7, id, csat[a], nps[b], ces[d], r);
					snprintf(id, sizeof id, "%d.1", n);
					fx_contact_call(c, t += 500, EV_ENTER, id, "+15550100");
				}
	assert_int_equal(c->win.nmasks, CT_MASKS);
	assert_true(c->win.w.len > 0);
	for (int f = 0; f < CT_COUNT; f++)
		assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[f],
		                 contacts_today(c, CS_TOTAL, 0)->v[f]);
	assert_int_equal(contacts_today(c, CS_TOTAL, 0)->v[CT_SURVEYS], n);
	assert_int_equal(contacts_today(c, CS_TOTAL, 0)->v[CT_CREATED], 2 * n);
	/* the first contact leaves, and the first call (voice times are whole
	 * seconds: it was at T0 + 1000 too) */
	contacts_advance(c, T0 + 1000 + 3600000);
	assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[CT_CREATED], 2 * n - 2);
	assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[CT_SURVEYS], n);
	contacts_advance(c, t + 3600000);                    /* all of them */
	for (int f = 0; f < CT_COUNT; f++)
		assert_int_equal(contacts_window(c, CS_TOTAL, 0)->v[f], 0);
	assert_int_equal(c->win.t.len + c->win.n.len + c->win.w.len, 0);
	contacts_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(journeys_equal_full_walk),
		cmocka_unit_test(journeys_equal_full_walk_under_cap),
		cmocka_unit_test(journey_ages_out),
		cmocka_unit_test(runs_on_one_channel),
		cmocka_unit_test(recreated_after_sweep_keeps_counts),
		cmocka_unit_test(window_records_across_blocks),
		cmocka_unit_test(window_records_rebase),
		cmocka_unit_test(window_records_masks_run_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
