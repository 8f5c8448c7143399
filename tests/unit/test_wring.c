/* test_wring.c - the windows' storage (wring.c): records grouped by second in
 * chunks from a free list. The edge exactly at now - window_s, records out of
 * order, taking out from the tail, the chunks reused in a steady window (no
 * growth), the chunk ring wrapping around; and, through the model, many
 * agents' window figures at the edge and an agent's pauses by reason (kept
 * in room made as they come). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_stats.h"
#include "config.h"
#include "fixture_model.h"
#include "model.h"
#include "model_internal.h"
#include "wring.h"

#define T0 1767254400   /* 2026-01-01 08:00:00 UTC */

/* A 12-byte record (as the agents'): its time again, to check, and a serial. */
struct rec {
	int32_t t;
	uint32_t serial, spare;
};

struct seen {
	int64_t t[64];
	uint32_t serial[64];
	int n;
	int64_t sum;               /* of serials, for the big runs */
	size_t count;
	int bad;                   /* records whose own time is not their second's */
};

static void note(void *ctx, void *p, int64_t t)
{
	struct seen *s = ctx;
	struct rec r;
	memcpy(&r, p, sizeof r);
	if (r.t != t)
		s->bad++;
	if (s->n < 64) {
		s->t[s->n] = t;
		s->serial[s->n++] = r.serial;
	}
	s->sum += r.serial;
	s->count++;
}

static void add(struct wring *w, int64_t t, uint32_t serial)
{
	struct rec r = { (int32_t)t, serial, 0 };
	wring_add(w, t, &r);
}

static void open_ring(struct wring *w)
{
	memset(w, 0, sizeof *w);
	wring_init(w, sizeof(struct rec));   /* 12, as the agents': a chunk not a multiple */
}

/* Records at or before edge go, after it stay: edge = now - window_s. */
static void test_edge_exact(void **state)
{
	struct wring w;
	struct seen s = { 0 };
	(void)state;
	open_ring(&w);
	add(&w, 100, 1);
	add(&w, 100, 2);
	add(&w, 101, 3);
	add(&w, 102, 4);
	wring_expire(&w, 99, note, &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(w.len, 4);
	wring_expire(&w, 100, note, &s);        /* t = 100 = edge: out of the window */
	assert_int_equal(s.n, 2);
	assert_int_equal(s.serial[0], 1);
	assert_int_equal(s.serial[1], 2);
	assert_int_equal(w.len, 2);
	assert_int_equal(wring_oldest(&w), 101);   /* t = 101 > edge: still in */
	wring_expire(&w, 102, note, &s);
	assert_int_equal(s.n, 4);
	assert_int_equal(w.len, 0);
	assert_int_equal(w.nch, 0);              /* empty: its chunk went back */
	assert_int_equal(s.bad, 0);
	wring_free(&w);
}

/* A record out of order goes after its second's records, before later ones;
 * the seconds stay in order. */
static void test_out_of_order(void **state)
{
	static const int64_t ts[] = { 5, 7, 6, 5, 7, 4, 6, 9, 8 };
	static const int64_t want_t[] = { 4, 5, 5, 6, 6, 7, 7, 8, 9 };
	static const uint32_t want_serial[] = { 5, 0, 3, 2, 6, 1, 4, 8, 7 };
	struct wring w;
	struct seen s = { 0 };
	(void)state;
	open_ring(&w);
	for (uint32_t i = 0; i < 9; i++)
		add(&w, ts[i], i);
	assert_int_equal(w.slen, 6);             /* seconds 4..9 */
	wring_expire(&w, 100, note, &s);
	assert_int_equal(s.n, 9);
	for (int i = 0; i < 9; i++) {
		assert_int_equal(s.t[i], want_t[i]);
		assert_int_equal(s.serial[i], want_serial[i]);
	}
	assert_int_equal(s.bad, 0);
	wring_free(&w);
}

/* The clock stepped back: the records after edge go, newest first. */
static void test_back(void **state)
{
	struct wring w;
	struct seen s = { 0 };
	(void)state;
	open_ring(&w);
	for (uint32_t i = 0; i < 3000; i++)      /* over several chunks */
		add(&w, 1000 + i / 10, i);
	wring_back(&w, 1200, note, &s);          /* 1201..1299 go, 1200 stays */
	assert_int_equal(s.count, 990);
	assert_int_equal(s.serial[0], 2999);
	assert_int_equal(s.t[0], 1299);
	assert_int_equal(w.len, 2010);
	assert_int_equal(wring_newest(&w), 1200);
	assert_int_equal(w.nch, (2010 + w.per - 1) / w.per);
	/* and it goes on from there */
	add(&w, 1201, 7777);
	assert_int_equal(wring_newest(&w), 1201);
	memset(&s, 0, sizeof s);
	wring_expire(&w, 1200, note, &s);
	assert_int_equal(s.count, 2010);
	assert_int_equal(w.len, 1);
	assert_int_equal(((struct rec *)wring_at(&w, 0))->serial, 7777);
	wring_back(&w, 0, note, &s);
	assert_int_equal(w.len, 0);
	assert_int_equal(w.nch, 0);
	assert_int_equal(s.bad, 0);
	wring_free(&w);
}

/* A window sliding for a long time: as many records a second go in as come
 * out, the chunks come from the free list (a bounded number ever made) and
 * the chunk ring wraps around many times; every record comes out once, in
 * order. */
static void test_steady_reuse(void **state)
{
	struct wring w;
	struct seen s = { 0 };
	const int per_s = 1000, window = 60;
	int64_t sum_in = 0;
	size_t in = 0;
	uint64_t made_at_full = 0;
	(void)state;
	open_ring(&w);
	for (int64_t now = 1; now <= 2000; now++) {
		for (int k = 0; k < per_s; k++) {
			uint32_t serial = (uint32_t)(now * per_s + k);
			/* one in 50 a second late */
			int64_t t = k % 50 == 49 ? now - 1 : now;
			add(&w, t, serial);
			sum_in += serial;
			in++;
		}
		wring_expire(&w, now - window, note, &s);
		assert_true(w.len <= (size_t)(window + 1) * per_s);
		if (now == window + 1)
			made_at_full = w.made;
	}
	/* full at 61,000 records (= 5,084 chunks of 16 KB... at 12 bytes, 1,365 a
	 * chunk: 45); after that only what the free list cannot cover */
	assert_true(w.made <= made_at_full + WRING_SPARE);
	assert_true(w.nch <= (size_t)(window + 1) * per_s / w.per + 2);
	assert_true(w.ccap < 256);               /* the ring wrapped, did not grow */
	wring_expire(&w, INT64_MAX, note, &s);
	assert_int_equal(s.count, in);
	assert_int_equal(s.sum, sum_in);
	assert_int_equal(s.bad, 0);
	assert_int_equal(w.len, 0);
	wring_free(&w);
}

/* wring_at and wring_each see the records in order, and may change them. */
static void bump(void *ctx, void *p, int64_t t)
{
	(void)ctx;
	(void)t;
	((struct rec *)p)->serial += 1000000;
}

static void test_each(void **state)
{
	struct wring w;
	(void)state;
	open_ring(&w);
	for (uint32_t i = 0; i < 5000; i++)
		add(&w, 10 + i / 7, i);
	wring_each(&w, bump, NULL);
	for (uint32_t i = 0; i < 5000; i++)
		assert_int_equal(((struct rec *)wring_at(&w, i))->serial, i + 1000000);
	wring_free(&w);
	assert_int_equal(w.len, 0);
	assert_int_equal(w.esz, 12);             /* kept: usable again */
	add(&w, 1, 1);
	assert_int_equal(w.len, 1);
	wring_free(&w);
}

/* ---- through the model --------------------------------------------------- */

/* 3,000 agents each answer and end a call at T0 + i % 300; at each second of
 * the window's edge the agents' window counts drop exactly for the records
 * at or before now - window_s. */
static void test_many_agents_edge(void **state)
{
	struct config cfg;
	struct model *m;
	struct agent_queue_figs buf[4];
	struct astat_pause pauses[ASTAT_FIGS_PAUSES];
	const int n = 3000;
	(void)state;
	fx_model_open(&cfg, &m, 5);
	cfg.window_s = 900;
	for (int i = 0; i < n; i++) {
		long long t = T0 + i % 300;
		assert_int_equal(fx_feed(m, "%lld|c%d|q%d|NONE|ENTERQUEUE||0555|1", t, i, i % 7), 1);
		assert_int_equal(fx_feed(m, "%lld|c%d|q%d|a%d|CONNECT|0|c%d.1|0", t, i, i % 7, i, i), 1);
		assert_int_equal(fx_feed(m, "%lld|c%d|q%d|a%d|COMPLETECALLER|0|20|1", t, i,
		                         i % 7, i), 1);
	}
	for (int64_t now = T0 + 899; now <= T0 + 1200; now += 50) {
		model_advance(m, now);
		int64_t edge = now - 900;
		long answered = 0, wrapup = 0;
		for (size_t ai = 0; ai < model_agent_count(m); ai++) {
			struct agent_figs a;
			assert_true(model_agent_figs(m, ai, &a, buf, 4, pauses));
			answered += (long)a.window.answered;
			wrapup += (long)a.window.wrapup_s;
			assert_int_equal(a.today.completed, 1);
		}
		/* agents i with T0 + i % 300 > edge */
		long want = 0;
		for (int i = 0; i < n; i++)
			want += T0 + i % 300 > edge;
		assert_int_equal(answered, want);
		assert_int_equal(wrapup, want * 5);
	}
	fx_model_close(&cfg, m);
}

/* An agent's CONNECT or end shares its queue's tally record; a missed ring is
 * a record of its own; both leave the queue's and the agent's window figures
 * together, exactly at the edge. */
static void test_shared_records(void **state)
{
	struct config cfg;
	struct model *m;
	struct agent_queue_figs buf[4];
	struct astat_pause pauses[ASTAT_FIGS_PAUSES];
	int rna = 0;
	(void)state;
	fx_model_open(&cfg, &m, 5);
	cfg.window_s = 900;
	for (int i = 0; i < 100; i++) {
		long long t = T0 + i;
		assert_int_equal(fx_feed(m, "%lld|c%d|q%d|NONE|ENTERQUEUE||0555|1", t, i, i % 3), 1);
		if (i % 4 == 0) {
			assert_int_equal(fx_feed(m, "%lld|c%d|q%d|a%d|RINGNOANSWER|15000", t, i,
			                         i % 3, (i + 1) % 10), 1);
			rna++;
		}
		assert_int_equal(fx_feed(m, "%lld|c%d|q%d|a%d|CONNECT|%d|c%d.1|0", t, i, i % 3,
		                         i % 10, i % 4, i), 1);
		/* the same line again: a duplicate, counted nowhere */
		assert_int_equal(fx_feed(m, "%lld|c%d|q%d|a%d|CONNECT|%d|c%d.1|0", t, i, i % 3,
		                         i % 10, i % 4, i), 0);
		assert_int_equal(fx_feed(m, "%lld|c%d|q%d|a%d|COMPLETEAGENT|%d|%d|1", t, i, i % 3,
		                         i % 10, i % 4, 20 + i), 1);
	}
	assert_int_equal(m->win.u.len + m->win.s.len + m->win.n.len + m->win.w.len, 200 + rna);     /* one record for queue and agent */
	for (int k = 0; k <= 2; k++) {
		int64_t now = T0 + 899 + 50 * k;       /* edges T0 - 1, T0 + 49, T0 + 99 */
		int64_t edge = now - 900;
		long q_answered = 0, q_talk = 0, a_answered = 0, a_talk = 0, a_rna = 0, a_wrap = 0;
		long want_n = 0, want_talk = 0, want_rna = 0;
		model_advance(m, now);
		for (size_t qi = 0; qi < model_queue_count(m); qi++) {
			q_answered += (long)model_queue_window(m, qi)->answered;
			q_talk += (long)model_queue_window(m, qi)->talk_s;
		}
		for (size_t ai = 0; ai < model_agent_count(m); ai++) {
			struct agent_figs a;
			assert_true(model_agent_figs(m, ai, &a, buf, 4, pauses));
			a_answered += (long)a.window.answered;
			a_talk += (long)a.window.talk_s;
			a_rna += (long)a.window.rna;
			a_wrap += (long)a.window.wrapup_s;
		}
		for (int i = 0; i < 100; i++)
			if (T0 + i > edge) {
				want_n++;
				want_talk += 20 + i;
				want_rna += i % 4 == 0;
			}
		assert_int_equal(q_answered, want_n);
		assert_int_equal(a_answered, want_n);
		assert_int_equal(q_talk, want_talk);
		assert_int_equal(a_talk, want_talk);
		assert_int_equal(a_wrap, 5 * want_n);
		assert_int_equal(a_rna, want_rna);
		assert_int_equal(m->win.u.len + m->win.s.len + m->win.n.len + m->win.w.len,
		                 2 * want_n + want_rna);
	}
	fx_model_close(&cfg, m);
}

/* Four calls answered a second apart from T0, held max - 1 .. max + 2 s:
 * two records at or under a record size's largest value, two past it. */
static void feed_holds_around(struct model *m, int max)
{
	for (int i = 0; i < 4; i++) {
		long long t = T0 + i;
		assert_int_equal(fx_feed(m, "%lld|c%d|q|NONE|ENTERQUEUE||0555|1", t, i), 1);
		assert_int_equal(fx_feed(m, "%lld|c%d|q|a%d|CONNECT|%d|c%d.1|0", t + 1, i, i,
		                         max - 1 + i, i), 1);
	}
}

/* The four holds of feed_holds_around(m, max) go to the ring at lo (two at
 * or under max) and the ring at hi (two past it), none elsewhere; the
 * window's figures leave exactly, lo's two first. lo, hi: offsets of rings
 * in struct tally_window. */
static void holds_split_and_leave(int max, size_t lo, size_t hi)
{
	struct config cfg;
	struct model *m;
	const struct wring *rl, *rh;
	fx_model_open(&cfg, &m, 0);
	cfg.window_s = 900;
	rl = (const struct wring *)((const char *)&m->win + lo);
	rh = (const struct wring *)((const char *)&m->win + hi);
	feed_holds_around(m, max);
	assert_int_equal(rl->len, 2);
	assert_int_equal(rh->len, 2);
	assert_int_equal(m->win.u.len + m->win.s.len + m->win.n.len + m->win.w.len, 4);
	assert_int_equal(model_queue_window(m, 0)->hold_s, 4 * max + 2);
	model_advance(m, T0 + 902);                    /* the first two leave */
	assert_int_equal(model_queue_window(m, 0)->hold_s, 2 * max + 3);
	assert_int_equal(model_queue_window(m, 0)->answered, 2);
	assert_int_equal(rl->len, 0);
	model_advance(m, T0 + 905);
	assert_int_equal(model_queue_window(m, 0)->answered, 0);
	assert_int_equal(rl->len + rh->len, 0);
	fx_model_close(&cfg, m);
}

/* Tiny records (NU_BYTES) up to NU_VALUE_MAX (29, 30), small past it (31,
 * 32). */
static void test_tiny_small(void **state)
{
	(void)state;
	holds_split_and_leave(NU_VALUE_MAX, offsetof(struct tally_window, u),
	                      offsetof(struct tally_window, s));
}

/* Small records (NS_BYTES) up to NS_VALUE_MAX (4093, 4094), narrow past it
 * (4095, 4096; and past NS_QUEUES queues). */
static void test_small_narrow(void **state)
{
	(void)state;
	holds_split_and_leave(NS_VALUE_MAX, offsetof(struct tally_window, s),
	                      offsetof(struct tally_window, n));
}

/* Records narrow (NT_BYTES) when they fit, wide otherwise: values past
 * NT_VALUE_MAX, missed rings' milliseconds, codes (kind, flags, wrap-up) past
 * the first NT_CODES the window saw (the configuration changed 100 times).
 * Both kinds leave the figures exactly at the edge. */
static void test_narrow_wide(void **state)
{
	struct config cfg;
	struct model *m;
	struct agent_queue_figs buf[4];
	struct astat_pause pauses[ASTAT_FIGS_PAUSES];
	const int n = 200;
	(void)state;
	fx_model_open(&cfg, &m, 0);
	cfg.window_s = 900;
	for (int i = 0; i < n; i++) {
		long long t = T0 + i;
		int talk = i % 2 ? NT_VALUE_MAX + i : 10 + i;   /* odd ones too long */
		cfg.defaults.wrapup_s = i / 2;                   /* 100 wrap-ups */
		model_set_config(m, &cfg);
		assert_int_equal(fx_feed(m, "%lld|c%d|q|NONE|ENTERQUEUE||0555|1", t, i), 1);
		assert_int_equal(fx_feed(m, "%lld|c%d|q|a%d|RINGNOANSWER|15000", t, i, i % 5), 1);
		assert_int_equal(fx_feed(m, "%lld|c%d|q|a%d|CONNECT|%d|c%d.1|0", t, i, i % 5,
		                         i == 0 ? NT_VALUE_MAX : i, i), 1);
		assert_int_equal(fx_feed(m, "%lld|c%d|q|a%d|COMPLETEAGENT|1|%d|1", t, i, i % 5,
		                         talk), 1);
	}
	/* narrow: the CONNECTs (two codes: within the service level or not) and
	 * the short ends, those whose code has room (wrap-ups 0..61) shared with
	 * their agent; wide: the rings, the long ends, and the agents' ends of
	 * wrap-ups 62..99 */
	/* (the short ends of wrap-ups 14..61 are small records whose code with
	 * the wrap-up came past the first NS_CODES: their agent's is a narrow
	 * record of its own) */
	assert_true(m->win.u.len > 0 && m->win.s.len > 0);
	assert_int_equal(m->win.u.len + m->win.s.len + m->win.n.len,
	                 n + n / 2 + (NT_CODES - NS_CODES));
	assert_int_equal(m->win.w.len, n + n / 2 + (n / 2 - (NT_CODES - 2)));
	assert_int_equal(m->win.ncodes, NT_CODES);
	for (int64_t now = T0 + 899; now <= T0 + 899 + n; now += 7) {
		int64_t edge = now - 900;
		long answered = 0, hold = 0, talk = 0, wrap = 0, rna = 0, ring = 0;
		long w_answered = 0, w_hold = 0, w_talk = 0, w_wrap = 0;
		model_advance(m, now);
		for (size_t ai = 0; ai < model_agent_count(m); ai++) {
			struct agent_figs a;
			assert_true(model_agent_figs(m, ai, &a, buf, 4, pauses));
			answered += (long)a.window.answered;
			hold += (long)a.window.hold_s;
			talk += (long)a.window.talk_s;
			wrap += (long)a.window.wrapup_s;
			rna += (long)a.window.rna;
			ring += (long)a.window.ring_ms;
		}
		for (int i = 0; i < n; i++)
			if (T0 + i > edge) {
				w_answered++;
				w_hold += i == 0 ? NT_VALUE_MAX : i;
				w_talk += i % 2 ? NT_VALUE_MAX + i : 10 + i;
				w_wrap += i / 2;
			}
		assert_int_equal(answered, w_answered);
		assert_int_equal(hold, w_hold);
		assert_int_equal(talk, w_talk);
		assert_int_equal(wrap, w_wrap);
		assert_int_equal(rna, w_answered);
		assert_int_equal(ring, 15000 * w_answered);
		assert_int_equal(model_queue_window(m, 0)->answered, w_answered);
		assert_int_equal(model_queue_window(m, 0)->talk_s, w_talk);
		assert_int_equal(model_queue_window(m, 0)->hold_s, w_hold);
	}
	fx_model_close(&cfg, m);
}

/* Today's pauses by reason, kept as they come (room made for them): ten
 * reasons, the first seven their own, the last slot "other" for the rest;
 * one reason again adds to its own slot. */
static void test_pause_reasons(void **state)
{
	struct config cfg;
	struct model *m;
	struct agent_queue_figs buf[4];
	struct astat_pause pauses[ASTAT_FIGS_PAUSES];
	struct agent_figs a;
	long long t = T0;
	(void)state;
	fx_model_open(&cfg, &m, 0);
	assert_int_equal(fx_feed(m, "%lld|NONE|q|Alex|ADDMEMBER|", t), 1);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(fx_feed(m, "%lld|NONE|q|Alex|PAUSE|r%d", t += 10, i), 1);
		assert_int_equal(fx_feed(m, "%lld|NONE|q|Alex|UNPAUSE|", t += 10 * (i + 1)), 1);
	}
	assert_int_equal(fx_feed(m, "%lld|NONE|q|Alex|PAUSE|r1", t += 10), 1);
	assert_int_equal(fx_feed(m, "%lld|NONE|q|Alex|UNPAUSE|", t += 5), 1);
	model_advance(m, t);
	assert_int_equal(model_agent_count(m), 1);
	assert_true(model_agent_figs(m, 0, &a, buf, 4, pauses));
	assert_int_equal(a.n_pauses, ASTAT_MAX_REASONS);
	for (int i = 0; i < ASTAT_MAX_REASONS - 1; i++) {
		char want[8];
		snprintf(want, sizeof want, "r%d", i);
		assert_string_equal(a.pauses[i].reason, want);
		assert_int_equal(a.pauses[i].s, 10 * (i + 1) + (i == 1 ? 5 : 0));
	}
	assert_string_equal(a.pauses[7].reason, "other");
	assert_int_equal(a.pauses[7].s, 80 + 90 + 100);
	assert_int_equal(a.paused_s, 550 + 5);
	fx_model_close(&cfg, m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edge_exact),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_back),
		cmocka_unit_test(test_steady_reuse),
		cmocka_unit_test(test_each),
		cmocka_unit_test(test_many_agents_edge),
		cmocka_unit_test(test_shared_records),
		cmocka_unit_test(test_narrow_wide),
		cmocka_unit_test(test_tiny_small),
		cmocka_unit_test(test_small_narrow),
		cmocka_unit_test(test_pause_reasons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
