/* test_demo.c - the simulated contact centre: deterministic, well-formed
 * queue_log lines, a consistent life for every call and agent, a busy spell
 * shortly after start, and incremental runs that match one long run; its
 * other channels' contact events parse cleanly and keep every channel busy,
 * with customers who go from one channel to another. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "config.h"
#include "contact.h"
#include "contacts.h"
#include "demo.h"
#include "metrics.h"
#include "model.h"
#include "queuelog.h"

#define START 1767254400LL      /* 2026-01-01 08:00:00 UTC */
#define HOUR 3600LL
#define MAX_FIELDS 16
#define MAX_QUEUE_TIMEOUT_S 600 /* the longest any caller may wait */
#define MAX_TALK_S 1800

/* ---- collecting lines ---------------------------------------------------- */

struct lines {
	char **v;
	size_t n, cap;
	size_t contact_lines;   /* collect_calls: the contact events left out */
};

static bool is_contact_line(const char *line)
{
	return line[0] == '{';
}

static void collect(void *ctx, char *line, size_t len)
{
	struct lines *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		assert_non_null(l->v);
	}
	char *s = malloc(len + 1);
	assert_non_null(s);
	memcpy(s, line, len);
	s[len] = '\0';
	assert_int_equal(strlen(s), len);   /* no NUL inside */
	l->v[l->n++] = s;
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct lines){ 0 };
}

/* The queue_log lines only (the calls' tests read those). */
static void collect_calls(void *ctx, char *line, size_t len)
{
	struct lines *l = ctx;
	if (is_contact_line(line))
		l->contact_lines++;
	else
		collect(ctx, line, len);
}

static struct lines run_with(uint64_t seed, int64_t until, void (*fn)(void *, char *, size_t))
{
	struct lines l = { 0 };
	struct demo *d = demo_new(seed, START);
	assert_non_null(d);
	size_t n = demo_run_until(d, until, fn, &l);
	assert_int_equal(n, l.n + l.contact_lines);
	demo_free(d);
	return l;
}

static struct lines run(uint64_t seed, int64_t until)
{
	return run_with(seed, until, collect_calls);
}

/* The second a line is stamped with: a queue_log epoch, a contact's "ts". */
static long long line_second(const char *line)
{
	if (is_contact_line(line)) {
		assert_memory_equal(line, "{\"ts\":", 6);
		return strtoll(line + 6, NULL, 10);
	}
	return strtoll(line, NULL, 10);
}

/* A parsed copy of one line. */
struct fields {
	char buf[512];
	char *f[MAX_FIELDS];
	int n;
	long long t;
};

static void split(const char *line, struct fields *fs)
{
	assert_true(strlen(line) < sizeof fs->buf);
	strcpy(fs->buf, line);
	fs->n = 0;
	char *p = fs->buf;
	for (;;) {
		assert_true(fs->n < MAX_FIELDS);
		fs->f[fs->n++] = p;
		char *bar = strchr(p, '|');
		if (!bar)
			break;
		*bar = '\0';
		p = bar + 1;
	}
	fs->t = fs->n > 0 ? strtoll(fs->f[0], NULL, 10) : 0;
}

static const char *ev(const struct fields *fs)
{
	return fs->n > 4 ? fs->f[4] : "";
}

static bool is(const struct fields *fs, const char *event)
{
	return strcmp(ev(fs), event) == 0;
}

static long num(const struct fields *fs, int i)
{
	assert_true(i < fs->n);
	char *end;
	long v = strtol(fs->f[i], &end, 10);
	assert_true(*fs->f[i] != '\0' && *end == '\0');
	return v;
}

static size_t count_event(const struct lines *l, const char *event, long long from, long long to)
{
	size_t n = 0;
	struct fields fs;
	for (size_t i = 0; i < l->n; i++) {
		split(l->v[i], &fs);
		n += is(&fs, event) && fs.t >= from && fs.t <= to;
	}
	return n;
}

/* ---- checks on single lines ---------------------------------------------- */

struct event_shape { const char *name; int data; int numeric_from; };

/* Data fields each event carries and the first of them that must be a number
 * to the end (-1: none). */
static const struct event_shape shapes[] = {
	{ "QUEUESTART", 1, -1 },     /* one empty data field */
	{ "ENTERQUEUE", 3, 2 },
	{ "CONNECT", 3, 2 },         /* holdtime, uniqueid, ringtime: checked below */
	{ "COMPLETECALLER", 3, 0 },
	{ "COMPLETEAGENT", 3, 0 },
	{ "BLINDTRANSFER", 5, 2 },
	{ "ABANDON", 3, 0 },
	{ "EXITWITHTIMEOUT", 3, 0 },
	{ "EXITWITHKEY", 4, 0 },
	{ "EXITEMPTY", 3, 0 },
	{ "RINGNOANSWER", 1, 0 },
	{ "RINGCANCELED", 1, 0 },
	{ "ADDMEMBER", 1, -1 },
	{ "REMOVEMEMBER", 1, -1 },
	{ "PAUSE", 1, -1 },
	{ "UNPAUSE", 1, -1 },
	{ "PAUSEALL", 1, -1 },
	{ "UNPAUSEALL", 1, -1 },
};

static const struct event_shape *shape_of(const char *event)
{
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		if (strcmp(shapes[i].name, event) == 0)
			return &shapes[i];
	return NULL;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* "1767254400.12", or one of the system ids. */
static bool callid_ok(const char *s, long long t)
{
	if (strcmp(s, "NONE") == 0 || strcmp(s, "MANAGER") == 0)
		return true;
	const char *dot = strchr(s, '.');
	if (!dot || dot == s)
		return false;
	char epoch[32];
	size_t n = (size_t)(dot - s);
	if (n >= sizeof epoch)
		return false;
	memcpy(epoch, s, n);
	epoch[n] = '\0';
	return all_digits(epoch) && all_digits(dot + 1) && strtoll(epoch, NULL, 10) <= t;
}

/* Valid UTF-8 with no control characters. */
static bool clean_utf8(const unsigned char *s)
{
	while (*s) {
		int extra = *s < 0x80 ? 0 : (*s & 0xe0) == 0xc0 ? 1 : (*s & 0xf0) == 0xe0 ? 2
		          : (*s & 0xf8) == 0xf0 ? 3 : -1;
		if (extra < 0 || *s < 0x20 || *s == 0x7f)
			return false;
		s++;
		for (int i = 0; i < extra; i++, s++)
			if ((*s & 0xc0) != 0x80)
				return false;
	}
	return true;
}

static void check_line(const char *line, long long prev_t, long long until)
{
	struct fields fs;
	assert_true(clean_utf8((const unsigned char *)line));
	split(line, &fs);
	assert_true(fs.n >= 6);            /* a data-less event still ends in '|' */
	assert_true(all_digits(fs.f[0]));
	assert_true(fs.t >= prev_t);
	assert_true(fs.t <= until);
	assert_true(callid_ok(fs.f[1], fs.t));
	assert_true(*fs.f[2] != '\0' && *fs.f[3] != '\0');
	const struct event_shape *sh = shape_of(ev(&fs));
	if (!sh)
		fail_msg("unknown event in: %s", line);
	assert_int_equal(fs.n, 5 + sh->data);
	for (int i = sh->numeric_from; i >= 0 && 5 + i < fs.n; i++)
		num(&fs, 5 + i);
	if (is(&fs, "CONNECT")) {
		num(&fs, 5);
		assert_true(callid_ok(fs.f[6], fs.t));
	}
}

/* ---- tests ----------------------------------------------------------------- */

static void test_deterministic(void **state)
{
	(void)state;
	struct lines a = run(7, START + 1800), b = run(7, START + 1800), c = run(8, START + 1800);
	assert_true(a.n > 1000);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++)
		assert_string_equal(a.v[i], b.v[i]);
	size_t same = 0;
	for (size_t i = 0; i < a.n && i < c.n; i++)
		same += strcmp(a.v[i], c.v[i]) == 0;
	assert_true(same < a.n / 2);       /* another seed, another day */
	lines_free(&a);
	lines_free(&b);
	lines_free(&c);
}

static void test_well_formed(void **state)
{
	(void)state;
	long long until = START + HOUR;
	struct lines l = run(1, until);
	assert_true(l.n > 0);
	struct fields first;
	split(l.v[0], &first);
	assert_string_equal(ev(&first), "QUEUESTART");
	assert_true(first.t < START);      /* the day has a history */
	long long prev = first.t;
	for (size_t i = 0; i < l.n; i++) {
		check_line(l.v[i], prev, until);
		struct fields fs;
		split(l.v[i], &fs);
		prev = fs.t;
	}
	lines_free(&l);
}

/* Distinct strings of one field over the lines with a real agent / queue. */
static size_t distinct(const struct lines *l, int field, bool *non_ascii)
{
	char *seen[256];
	size_t n = 0;
	struct fields fs;
	*non_ascii = false;
	for (size_t i = 0; i < l->n; i++) {
		split(l->v[i], &fs);
		const char *s = fs.f[field];
		if (strcmp(s, "NONE") == 0)
			continue;
		size_t k = 0;
		while (k < n && strcmp(seen[k], s) != 0)
			k++;
		if (k == n && n < 256)
			seen[n++] = strdup(s);
		for (const unsigned char *p = (const unsigned char *)s; *p; p++)
			*non_ascii |= *p >= 0x80;
	}
	for (size_t k = 0; k < n; k++)
		free(seen[k]);
	return n;
}

static void test_centre_shape(void **state)
{
	(void)state;
	struct lines l = run(2, START + HOUR);
	bool non_ascii;
	size_t queues = distinct(&l, 2, &non_ascii);
	assert_in_range(queues, 4, 5);
	assert_false(non_ascii);
	size_t agents = distinct(&l, 3, &non_ascii);
	assert_in_range(agents, 30, 40);
	assert_true(non_ascii);            /* Chloé, Björn, Łukasz ... */
	lines_free(&l);
}

static void test_hour_is_lively(void **state)
{
	(void)state;
	size_t timeouts = 0, keys = 0, adds = 0, removes = 0, short_ab = 0;
	for (uint64_t seed = 1; seed <= 4; seed++) {
		struct lines l = run(seed, START + HOUR);
		long long a = START, b = START + HOUR;
		assert_true(count_event(&l, "CONNECT", a, b) > 200);
		assert_true(count_event(&l, "COMPLETECALLER", a, b) > 50);
		assert_true(count_event(&l, "COMPLETEAGENT", a, b) > 50);
		assert_true(count_event(&l, "BLINDTRANSFER", a, b) > 0);
		assert_true(count_event(&l, "ABANDON", a, b) > 10);
		assert_true(count_event(&l, "RINGNOANSWER", a, b) > 0);
		assert_true(count_event(&l, "PAUSE", a, b) > 5);
		assert_true(count_event(&l, "UNPAUSE", a, b) > 5);
		assert_true(count_event(&l, "PAUSEALL", a, b) > 2);
		assert_true(count_event(&l, "UNPAUSEALL", a, b) > 2);
		timeouts += count_event(&l, "EXITWITHTIMEOUT", a, b);
		keys += count_event(&l, "EXITWITHKEY", a, b);
		adds += count_event(&l, "ADDMEMBER", a, b);
		removes += count_event(&l, "REMOVEMEMBER", a, b);
		struct fields fs;
		for (size_t i = 0; i < l.n; i++) {
			split(l.v[i], &fs);
			short_ab += is(&fs, "ABANDON") && num(&fs, 7) < 5;
		}
		/* things happen every few seconds, never a long silence */
		long long prev = START;
		for (size_t i = 0; i < l.n; i++) {
			split(l.v[i], &fs);
			if (fs.t >= START) {
				assert_true(fs.t - prev < 90);
				prev = fs.t;
			}
		}
		lines_free(&l);
	}
	assert_true(timeouts > 0);
	assert_true(keys > 0);
	assert_true(adds > 0);
	assert_true(removes > 0);
	assert_true(short_ab > 0);
}

/* ---- every call's life ------------------------------------------------------ */

struct call_rec {
	char id[32];
	char queue[32];
	char agent[64];
	long long enter_t, outcome_t, connect_t;
	long hold;
	bool ringing_canceled, outcome, connected, ended;
};

struct agent_rec {
	char name[64];
	unsigned queues;        /* bit per queue index it is a member of */
	bool paused_in[8];
	char call[32];          /* the call it is on, "" when none */
};

struct world {
	struct call_rec *calls;
	size_t n_calls, cap_calls;
	struct agent_rec agents[64];
	size_t n_agents;
	char queues[8][32];
	size_t n_queues;
	size_t short_abandons;
};

static struct call_rec *find_call(struct world *w, const char *id)
{
	for (size_t i = w->n_calls; i-- > 0;)   /* recent calls are at the end */
		if (strcmp(w->calls[i].id, id) == 0)
			return &w->calls[i];
	return NULL;
}

static struct agent_rec *find_agent(struct world *w, const char *name)
{
	for (size_t i = 0; i < w->n_agents; i++)
		if (strcmp(w->agents[i].name, name) == 0)
			return &w->agents[i];
	assert_true(w->n_agents < 64);
	struct agent_rec *a = &w->agents[w->n_agents++];
	memset(a, 0, sizeof *a);
	snprintf(a->name, sizeof a->name, "%s", name);
	return a;
}

static int queue_index(struct world *w, const char *q)
{
	for (size_t i = 0; i < w->n_queues; i++)
		if (strcmp(w->queues[i], q) == 0)
			return (int)i;
	assert_true(w->n_queues < 8);
	snprintf(w->queues[w->n_queues], sizeof w->queues[0], "%s", q);
	return (int)w->n_queues++;
}

static void on_enter(struct world *w, const struct fields *fs)
{
	assert_null(find_call(w, fs->f[1]));   /* a new call */
	if (w->n_calls == w->cap_calls) {
		w->cap_calls = w->cap_calls ? w->cap_calls * 2 : 1024;
		w->calls = realloc(w->calls, w->cap_calls * sizeof *w->calls);
		assert_non_null(w->calls);
	}
	struct call_rec *c = &w->calls[w->n_calls++];
	memset(c, 0, sizeof *c);
	snprintf(c->id, sizeof c->id, "%s", fs->f[1]);
	snprintf(c->queue, sizeof c->queue, "%s", fs->f[2]);
	c->enter_t = fs->t;
	assert_true(num(fs, 7) >= 1);   /* origpos */
}

/* An outcome: exactly one per ENTERQUEUE, in the queue it entered. */
static struct call_rec *outcome(struct world *w, const struct fields *fs)
{
	struct call_rec *c = find_call(w, fs->f[1]);
	assert_non_null(c);
	assert_false(c->outcome);
	assert_string_equal(c->queue, fs->f[2]);
	c->outcome = true;
	c->outcome_t = fs->t;
	return c;
}

static void on_connect(struct world *w, const struct fields *fs)
{
	struct call_rec *c = outcome(w, fs);
	assert_false(c->ringing_canceled);
	c->connected = true;
	c->connect_t = fs->t;
	c->hold = num(fs, 5);
	assert_int_equal(c->hold, fs->t - c->enter_t);
	snprintf(c->agent, sizeof c->agent, "%s", fs->f[3]);
	struct agent_rec *a = find_agent(w, fs->f[3]);
	assert_true(a->queues & (1u << queue_index(w, fs->f[2])));   /* a member */
	assert_false(a->paused_in[queue_index(w, fs->f[2])]);
	assert_string_equal(a->call, "");                            /* one call at a time */
	snprintf(a->call, sizeof a->call, "%s", c->id);
}

static void on_end(struct world *w, const struct fields *fs, int hold_field)
{
	struct call_rec *c = find_call(w, fs->f[1]);
	assert_non_null(c);
	assert_true(c->connected);
	assert_false(c->ended);
	assert_string_equal(c->agent, fs->f[3]);
	assert_int_equal(num(fs, hold_field), c->hold);
	assert_int_equal(num(fs, hold_field + 1), fs->t - c->connect_t);
	c->ended = true;
	struct agent_rec *a = find_agent(w, fs->f[3]);
	assert_string_equal(a->call, c->id);
	a->call[0] = '\0';
}

static void on_left(struct world *w, const struct fields *fs, int wait_field)
{
	struct call_rec *c = outcome(w, fs);
	long wait = num(fs, wait_field);
	assert_int_equal(wait, fs->t - c->enter_t);
	if (is(fs, "ABANDON") && wait < 5)
		w->short_abandons++;
}

static void on_ring(struct world *w, const struct fields *fs)
{
	struct call_rec *c = find_call(w, fs->f[1]);
	assert_non_null(c);
	assert_false(c->outcome);
	assert_false(c->ringing_canceled);
	assert_true(num(fs, 5) > 0);
	if (is(fs, "RINGCANCELED"))
		c->ringing_canceled = true;
}

static void on_member(struct world *w, const struct fields *fs)
{
	struct agent_rec *a = find_agent(w, fs->f[3]);
	int q = queue_index(w, fs->f[2]);
	if (is(fs, "ADDMEMBER")) {
		assert_false(a->queues & (1u << q));
		a->queues |= 1u << q;
		a->paused_in[q] = false;
	} else {
		assert_true(a->queues & (1u << q));
		assert_string_equal(a->call, "");   /* nobody leaves mid-call */
		a->queues &= ~(1u << q);
	}
}

static void on_pause(struct world *w, const struct fields *fs)
{
	struct agent_rec *a = find_agent(w, fs->f[3]);
	assert_string_equal(a->call, "");       /* breaks wait for the call to end */
	if (strcmp(fs->f[2], "NONE") == 0) {
		assert_true(a->queues != 0);
		return;
	}
	int q = queue_index(w, fs->f[2]);
	assert_true(a->queues & (1u << q));
	a->paused_in[q] = is(fs, "PAUSE");
}

static void world_apply(struct world *w, const struct fields *fs)
{
	if (is(fs, "ENTERQUEUE"))
		on_enter(w, fs);
	else if (is(fs, "CONNECT"))
		on_connect(w, fs);
	else if (is(fs, "COMPLETECALLER") || is(fs, "COMPLETEAGENT"))
		on_end(w, fs, 5);
	else if (is(fs, "BLINDTRANSFER"))
		on_end(w, fs, 7);
	else if (is(fs, "ABANDON") || is(fs, "EXITWITHTIMEOUT") || is(fs, "EXITEMPTY"))
		on_left(w, fs, 7);
	else if (is(fs, "EXITWITHKEY"))
		on_left(w, fs, 8);
	else if (is(fs, "RINGNOANSWER") || is(fs, "RINGCANCELED"))
		on_ring(w, fs);
	else if (is(fs, "ADDMEMBER") || is(fs, "REMOVEMEMBER"))
		on_member(w, fs);
	else if (is(fs, "PAUSE") || is(fs, "UNPAUSE") || is(fs, "PAUSEALL") || is(fs, "UNPAUSEALL"))
		on_pause(w, fs);
}

static void replay_world(struct world *w, const struct lines *l)
{
	memset(w, 0, sizeof *w);
	struct fields fs;
	for (size_t i = 0; i < l->n; i++) {
		split(l->v[i], &fs);
		world_apply(w, &fs);
	}
}

static void test_call_lives(void **state)
{
	(void)state;
	long long until = START + 2 * HOUR;
	struct lines l = run(3, until);
	struct world w;
	replay_world(&w, &l);
	assert_true(w.n_calls > 1000);
	size_t waiting = 0, talking = 0;
	for (size_t i = 0; i < w.n_calls; i++) {
		const struct call_rec *c = &w.calls[i];
		if (!c->outcome) {   /* still waiting: only the last few minutes' callers */
			assert_true(until - c->enter_t <= MAX_QUEUE_TIMEOUT_S);
			waiting++;
		} else if (c->connected && !c->ended) {
			assert_true(until - c->connect_t <= MAX_TALK_S);
			talking++;
		}
	}
	assert_true(talking > 0);
	assert_true(waiting < 40);
	assert_true(w.short_abandons > 0);
	free(w.calls);
	lines_free(&l);
}

/* A whole day and then some: agents change shifts, the floor stays staffed,
 * calls keep being answered. */
static void test_long_run_stays_staffed(void **state)
{
	(void)state;
	long long until = START + 12 * HOUR;
	struct lines l = run(4, until);
	struct world w;
	replay_world(&w, &l);
	size_t in = 0;
	for (size_t i = 0; i < w.n_agents; i++)
		in += w.agents[i].queues != 0;
	assert_true(in >= 20);
	assert_true(count_event(&l, "CONNECT", until - HOUR, until) > 200);
	assert_true(count_event(&l, "REMOVEMEMBER", START, until) > 10);
	free(w.calls);
	lines_free(&l);
}

/* ---- the busy spell ---------------------------------------------------------- */

/* Service level (80/20, offered formula) of outcomes in (to - 900, to]. */
static double window_sl(const struct lines *l, long long to)
{
	long offered = 0, short_ab = 0, within = 0;
	struct fields fs;
	for (size_t i = 0; i < l->n; i++) {
		split(l->v[i], &fs);
		if (fs.t <= to - 900 || fs.t > to)
			continue;
		if (is(&fs, "CONNECT")) {
			offered++;
			within += num(&fs, 5) <= 20;
		} else if (is(&fs, "ABANDON")) {
			offered++;
			short_ab += num(&fs, 7) < 5;
		} else if (is(&fs, "EXITWITHTIMEOUT") || is(&fs, "EXITWITHKEY") || is(&fs, "EXITEMPTY")) {
			offered++;
		}
	}
	assert_true(offered - short_ab > 20);
	return 100.0 * (double)within / (double)(offered - short_ab);
}

static long longest_wait(const struct lines *l, long long from, long long to)
{
	long longest = 0;
	struct fields fs;
	for (size_t i = 0; i < l->n; i++) {
		split(l->v[i], &fs);
		if (fs.t < from || fs.t > to)
			continue;
		long w = is(&fs, "CONNECT") ? num(&fs, 5) : is(&fs, "ABANDON") ? num(&fs, 7) : 0;
		longest = w > longest ? w : longest;
	}
	return longest;
}

static void test_busy_spell(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 6; seed++) {
		struct lines l = run(seed, START + 45 * 60);
		assert_true(window_sl(&l, START) >= 80.0);          /* calm when the board opens */
		assert_true(longest_wait(&l, START, START + 60) <= 60);
		assert_true(longest_wait(&l, START + 60, START + 300) > 60);
		double low = 100.0;
		for (long long t = START; t <= START + 600; t += 10) {
			double sl = window_sl(&l, t);
			low = sl < low ? sl : low;
		}
		assert_true(low < 80.0);
		assert_true(window_sl(&l, START + 45 * 60) >= 80.0);   /* recovered */
		lines_free(&l);
	}
}

/* ---- incremental runs ---------------------------------------------------------- */

static void test_incremental(void **state)
{
	(void)state;
	long long until = START + 900;
	struct lines whole = run_with(5, until, collect);   /* both kinds of line */
	struct lines steps = { 0 };
	struct demo *d = demo_new(5, START);
	assert_non_null(d);
	assert_int_equal(demo_run_until(d, START - 3 * HOUR, collect, &steps), 0);
	for (long long t = START - 2 * HOUR - 10; t <= until; t++) {
		size_t before = steps.n;
		size_t n = demo_run_until(d, t, collect, &steps);
		assert_int_equal(n, steps.n - before);
		for (size_t i = before; i < steps.n; i++)    /* exactly second t's lines */
			assert_int_equal(line_second(steps.v[i]), t);
	}
	assert_int_equal(demo_run_until(d, until - 60, collect, &steps), 0);   /* never backwards */
	demo_free(d);
	assert_int_equal(steps.n, whole.n);
	for (size_t i = 0; i < whole.n; i++)
		assert_string_equal(steps.v[i], whole.v[i]);
	lines_free(&whole);
	lines_free(&steps);
}

/* ---- through the real parser and model ---------------------------------------- */

struct feed {
	struct model *m;
	size_t events, not_events;
	size_t outcomes, connects;
};

static void feed_line(void *ctx, char *line, size_t len)
{
	struct feed *f = ctx;
	struct qevent ev;
	char copy[512];
	if (is_contact_line(line))
		return;
	assert_true(len < sizeof copy);
	memcpy(copy, line, len + 1);
	struct fields fs;
	split(copy, &fs);
	f->connects += is(&fs, "CONNECT");
	f->outcomes += is(&fs, "CONNECT") || is(&fs, "ABANDON") || is(&fs, "EXITWITHTIMEOUT")
	               || is(&fs, "EXITWITHKEY") || is(&fs, "EXITEMPTY");
	if (queuelog_parse(line, len, &ev) != QL_EVENT) {
		f->not_events++;
		return;
	}
	f->events++;
	assert_true(model_apply(f->m, &ev));   /* never a duplicate */
}

/* Every queue's window together, as the total row shows it. */
static double model_window_sl(const struct model *m)
{
	struct counts sum = { 0 };
	for (size_t qi = 0; qi < model_queue_count(m); qi++)
		counts_add(&sum, model_queue_window(m, qi));
	return metrics_derive(&sum, SL_OFFERED, 0).service_level_pct;
}

static int64_t today_offered(const struct model *m)
{
	int64_t n = 0;
	for (size_t qi = 0; qi < model_queue_count(m); qi++)
		n += model_queue_today(m, qi)->offered;
	return n;
}

static int64_t today_answered(const struct model *m)
{
	int64_t n = 0;
	for (size_t qi = 0; qi < model_queue_count(m); qi++)
		n += model_queue_today(m, qi)->answered;
	return n;
}

/* What the board shows, second by second: the SL breaks during the busy spell
 * (with long waits and nobody free while callers wait) and recovers later. */
static void test_through_model(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);   /* the whole history falls on one day */
	tzset();
	struct config cfg;
	config_defaults(&cfg);
	struct feed f = { .m = model_new(&cfg) };
	assert_non_null(f.m);
	struct demo *d = demo_new(1, START);
	assert_non_null(d);
	demo_run_until(d, START, feed_line, &f);
	model_advance(f.m, START);
	assert_int_equal(model_queue_count(f.m), 5);
	double sl_start = model_window_sl(f.m);
	assert_true(sl_start >= 80.0);
	double sl_min = 100.0;
	int64_t longest = 0;
	bool nobody_free = false;
	struct agent_counts per_queue[8], total;
	for (int64_t t = START + 1; t <= START + 45 * 60; t++) {
		demo_run_until(d, t, feed_line, &f);
		model_advance(f.m, t);
		if (t > START + 600)
			continue;
		double sl = model_window_sl(f.m);
		sl_min = sl < sl_min ? sl : sl_min;
		int64_t lw = model_total_longest_wait(f.m);
		if (t <= START + 300)
			longest = lw > longest ? lw : longest;
		model_agent_counts(f.m, per_queue, &total);
		for (size_t qi = 0; qi < model_queue_count(f.m); qi++)
			nobody_free |= per_queue[qi].available == 0 && model_queue_waiting(f.m, qi) > 0;
	}
	assert_true(sl_min < 80.0);
	assert_true(longest > 60);
	assert_true(nobody_free);
	assert_true(model_window_sl(f.m) >= 80.0);   /* recovered */
	assert_int_equal(f.not_events, 0);          /* every line is an event the model uses */
	assert_true(f.events > 2000);
	assert_int_equal(today_offered(f.m), (int64_t)f.outcomes);
	assert_int_equal(today_answered(f.m), (int64_t)f.connects);
	assert_int_equal(model_stats(f.m).duplicates, 0);
	model_agent_counts(f.m, per_queue, &total);
	assert_in_range(total.logged_in, 20, 40);
	demo_free(d);
	model_free(f.m);
	config_free(&cfg);
}

/* ---- the other channels -------------------------------------------------------- */

struct contact_feed {
	struct contacts *c;
	struct contact_parser parser;
	size_t contact_lines, bad, calls;
	int64_t last_ms;
};

/* Both kinds of line through the parsers a real feed takes, into the contacts
 * model (voice events too: calls are contacts). */
static void contact_feed_line(void *ctx, char *line, size_t len)
{
	struct contact_feed *f = ctx;
	if (contact_line_is_event(line, len)) {
		struct contact_event ce;
		f->contact_lines++;
		if (!contact_parse(&f->parser, line, len, &ce) ||
		    contacts_apply(f->c, &ce) >= CONTACTS_UNPLACED) {
			f->bad++;
			return;
		}
		assert_true(ce.ts_ms >= f->last_ms);   /* in time order */
		f->last_ms = ce.ts_ms;
		return;
	}
	struct qevent ev;
	if (queuelog_parse(line, len, &ev) == QL_EVENT) {
		contacts_on_qevent(f->c, &ev);
		f->calls += ev.kind == EV_ENTER;
		assert_true(ev.time * 1000 + 999 >= f->last_ms);
	}
}

static size_t channel_index(const struct contacts *c, const char *name)
{
	for (size_t i = 0; i < contacts_channel_count(c); i++)
		if (strcmp(contacts_channel_name(c, i), name) == 0)
			return i;
	fail_msg("no channel %s", name);
	return 0;
}

/* An hour of the demo (after its two hours of history), figure by figure of
 * the hour's window: every line parses, every channel has contacts, answers
 * and CSAT answers; customers move between channels, calls included. */
static void test_channels_hour(void **state)
{
	(void)state;
	static const char *const names[] = { "chat", "email", "sms", "social", "whatsapp" };
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct config cfg;
		config_defaults(&cfg);
		struct contacts_conf cc;
		contacts_conf_from(&cc, &cfg);
		cc.window_s = 3600;
		struct contact_feed f = { .c = contacts_new(&cc) };
		struct demo *d = demo_new(seed, START);
		assert_non_null(d);
		for (int64_t t = START - 3 * HOUR; t <= START + HOUR; t += 7)
			demo_run_until(d, t, contact_feed_line, &f);
		contacts_advance(f.c, (START + HOUR) * 1000);
		assert_int_equal(f.bad, 0);
		assert_true(f.contact_lines > 2000);
		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
			const struct ct_tally *w = contacts_window(f.c, CS_CHANNEL,
			                                           channel_index(f.c, names[k]));
			if (w->v[CT_CREATED] < 10 || w->v[CT_FIRST_RESPONSES] < 5 || w->v[CT_CSAT_N] < 1 ||
			    w->v[CT_RESOLVED] < 1)
				fail_msg("seed %llu %s: created %lld, answered %lld, resolved %lld, csat %lld",
				         (unsigned long long)seed, names[k], (long long)w->v[CT_CREATED],
				         (long long)w->v[CT_FIRST_RESPONSES], (long long)w->v[CT_RESOLVED],
				         (long long)w->v[CT_CSAT_N]);
		}
		const struct ct_tally *voice = contacts_window(f.c, CS_CHANNEL, channel_index(f.c, "voice"));
		assert_true(voice->v[CT_CREATED] > 100);
		assert_true(voice->v[CT_CSAT_N] > 5);
		assert_true(voice->v[CT_REPEATS] > 0);   /* callers who try again */
		const struct ct_tally *total = contacts_today(f.c, CS_TOTAL, 0);
		assert_true(total->v[CT_PIVOTS] > 10);
		assert_true(total->v[CT_PIVOTS_UNANSWERED] > 5);   /* an email unanswered, then a call */
		assert_true(total->v[CT_REOPENED] > 0);
		assert_true(total->v[CT_NPS_N] > 0 && total->v[CT_CES_N] > 0 && total->v[CT_FCR_N] > 0);
		assert_true(total->v[CT_ABANDONED] > 0);
		assert_true(contacts_check(f.c));
		demo_free(d);
		contacts_free(f.c);
		config_free(&cfg);
	}
}

/* The contact events keep a steady rate over a day and a half (no backlog
 * that grows without end, no channel that dries up): figures move every
 * minute, several times. */
static void test_channels_steady(void **state)
{
	(void)state;
	struct lines l = { 0 };
	struct demo *d = demo_new(9, START);
	assert_non_null(d);
	size_t first = 0, last = 0;
	for (int64_t t = START; t <= START + 36 * HOUR; t += 60) {
		demo_run_until(d, t, collect, &l);
		size_t contacts = 0;
		for (size_t i = 0; i < l.n; i++) {
			contacts += is_contact_line(l.v[i]);
			free(l.v[i]);
		}
		l.n = 0;
		if (t > START && t <= START + HOUR)
			first += contacts;
		if (t > START + 35 * HOUR)
			last += contacts;
		if (t > START)
			assert_true(contacts > 3);   /* every minute, several */
	}
	assert_true(first > 1200 && last > 1200);
	assert_true(last < 2 * first && first < 2 * last);
	free(l.v);
	demo_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_well_formed),
		cmocka_unit_test(test_centre_shape),
		cmocka_unit_test(test_hour_is_lively),
		cmocka_unit_test(test_call_lives),
		cmocka_unit_test(test_long_run_stays_staffed),
		cmocka_unit_test(test_busy_spell),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_through_model),
		cmocka_unit_test(test_channels_hour),
		cmocka_unit_test(test_channels_steady),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
