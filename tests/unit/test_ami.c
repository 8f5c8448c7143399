/* test_ami.c - AMI framing and mapping, on excerpts of a real Asterisk 22
 * recording (tests/data/ami, cut by make-fixtures.py), the Asterisk 11
 * QueueStatus reply, and the whole recording read through gzip -dc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ami.h"
#include "config.h"
#include "model.h"

#define MAX_EVENTS 4096

/* A copy of one emitted event (its strings only live during the callback). */
struct rec {
	struct qevent ev;
	char callid[64], queue[64], agent[64], callerid[64], reason[64];
};

struct run {
	struct ami_framer fr;
	struct ami_mapper map;
	double recv_time;
	size_t n;
	struct rec *ev;
	size_t banners;
	struct model *model;     /* when set, every event is applied to it too */
};

static void copy(char *dst, const char *src, const char **field)
{
	if (!src) {
		*field = NULL;
		return;
	}
	snprintf(dst, 64, "%s", src);
	*field = dst;
}

static void on_event(void *ctx, const struct qevent *ev)
{
	struct run *r = ctx;
	assert_true(r->n < MAX_EVENTS);
	struct rec *c = &r->ev[r->n++];
	c->ev = *ev;
	copy(c->callid, ev->callid, &c->ev.callid);
	copy(c->queue, ev->queue, &c->ev.queue);
	copy(c->agent, ev->agent, &c->ev.agent);
	copy(c->callerid, ev->callerid, &c->ev.callerid);
	copy(c->reason, ev->reason, &c->ev.reason);
	if (r->model)
		model_apply(r->model, ev);
}

static void on_msg(void *ctx, const struct ami_msg *msg)
{
	struct run *r = ctx;
	if (msg->banner)
		r->banners++;
	ami_mapper_feed(&r->map, msg, r->recv_time, on_event, r);
}

static struct run *run_new(void)
{
	struct run *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->ev = calloc(MAX_EVENTS, sizeof *r->ev);
	assert_non_null(r->ev);
	ami_framer_init(&r->fr);
	ami_mapper_init(&r->map);
	return r;
}

static void run_free(struct run *r)
{
	ami_framer_free(&r->fr);
	ami_mapper_free(&r->map);
	free(r->ev);
	free(r);
}

static void run_feed(struct run *r, const char *data, size_t n)
{
	ami_framer_feed(&r->fr, data, n, on_msg, r);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
		assert_non_null(buf);
	}
	fclose(f);
	*len = n;
	return buf;
}

static struct run *run_file(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/tests/data/ami/%s", CCBOARD_SRCDIR, name);
	size_t n;
	char *data = slurp(path, &n);
	struct run *r = run_new();
	run_feed(r, data, n);
	ami_mapper_finish(&r->map, on_event, r);
	free(data);
	return r;
}

static size_t count_kind(const struct run *r, enum ev_kind k)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += r->ev[i].ev.kind == k;
	return n;
}

static const struct qevent *find(const struct run *r, enum ev_kind k, const char *callid)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->ev[i].ev.kind == k && (!callid || (r->ev[i].ev.callid &&
		    strcmp(r->ev[i].ev.callid, callid) == 0)))
			return &r->ev[i].ev;
	return NULL;
}

/* ----------------------------------------------------------------- framing */

struct msgs {
	size_t n, banners;
	char first_event[64];
	char last_value[64];
};

static void on_count(void *ctx, const struct ami_msg *msg)
{
	struct msgs *m = ctx;
	m->n++;
	if (msg->banner) {
		m->banners++;
		return;
	}
	const char *e = ami_get(msg, "event");
	if (e && !m->first_event[0])
		snprintf(m->first_event, sizeof m->first_event, "%s", e);
	const char *v = ami_get(msg, "VALUE");
	if (v)
		snprintf(m->last_value, sizeof m->last_value, "%s", v);
}

static void test_framing_crlf_and_lf(void **state)
{
	(void)state;
	const char *text = "Asterisk Call Manager/1.3\r\n"
	                   "Event: One\r\nValue: a b \r\n\r\n"
	                   "\r\n"
	                   "event: Two\nvalue:c\n\n"
	                   "Event: Three\r\nValue: d\r\n";   /* no end yet */
	struct ami_framer f;
	ami_framer_init(&f);
	struct msgs m = { 0 };
	assert_int_equal(ami_framer_feed(&f, text, strlen(text), on_count, &m), 3);
	assert_int_equal(m.banners, 1);
	assert_string_equal(m.first_event, "One");
	assert_string_equal(m.last_value, "c");
	assert_int_equal(ami_framer_feed(&f, "\r\n", 2, on_count, &m), 1);
	assert_string_equal(m.last_value, "d");
	ami_framer_free(&f);
}

static void test_framing_byte_by_byte(void **state)
{
	(void)state;
	size_t n;
	char path[512];
	snprintf(path, sizeof path, "%s/tests/data/ami/answered.txt", CCBOARD_SRCDIR);
	char *data = slurp(path, &n);
	struct ami_framer whole, bytes;
	ami_framer_init(&whole);
	ami_framer_init(&bytes);
	struct msgs a = { 0 }, b = { 0 };
	ami_framer_feed(&whole, data, n, on_count, &a);
	for (size_t i = 0; i < n; i++)
		ami_framer_feed(&bytes, data + i, 1, on_count, &b);
	assert_int_equal(a.banners, 1);
	assert_int_equal(b.banners, 1);
	assert_true(a.n > 30);
	assert_int_equal(a.n, b.n);
	free(data);
	ami_framer_free(&whole);
	ami_framer_free(&bytes);
}

static void test_framing_oversized_then_recovers(void **state)
{
	(void)state;
	struct ami_framer f;
	ami_framer_init(&f);
	struct msgs m = { 0 };
	ami_framer_feed(&f, "Event: Big\r\nValue: ", 19, on_count, &m);
	char junk[4096];
	memset(junk, 'x', sizeof junk);
	for (int i = 0; i < 40; i++)      /* 160 KiB in one header */
		ami_framer_feed(&f, junk, sizeof junk, on_count, &m);
	const char *rest = "\r\nOther: y\r\n\r\nEvent: Small\r\nValue: ok\r\n\r\n";
	ami_framer_feed(&f, rest, strlen(rest), on_count, &m);
	assert_int_equal(f.oversized, 1);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.first_event, "Small");
	assert_string_equal(m.last_value, "ok");
	ami_framer_free(&f);
}

/* Feeds, in one read, a message of more than AMI_MAX_MESSAGE bytes made of
 * 1 KiB lines (as a channel's VarSet flood would be), then tail. eol is the
 * line end ("\r\n" or "\n"). */
static void feed_oversized(struct ami_framer *f, struct msgs *m, const char *eol,
                           const char *tail)
{
	size_t cap = 100 * 1024 + strlen(tail), n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	n += (size_t)sprintf(buf, "Event: Big%s", eol);
	for (int i = 0; i < 80; i++) {
		n += (size_t)sprintf(buf + n, "Var%02d: ", i);
		memset(buf + n, 'x', 1000);
		n += 1000;
		n += (size_t)sprintf(buf + n, "%s", eol);
	}
	memcpy(buf + n, tail, strlen(tail));
	n += strlen(tail);
	ami_framer_feed(f, buf, n, on_count, m);
	free(buf);
}

/* Two oversized messages in a row: the second one's tail, which looks like a
 * message of its own, is dropped as well (the first left its discard state). */
static void test_framing_two_oversized_in_a_row(void **state)
{
	(void)state;
	struct ami_framer f;
	ami_framer_init(&f);
	struct msgs m = { 0 };
	feed_oversized(&f, &m, "\r\n", "Other: y\r\n\r\n");
	feed_oversized(&f, &m, "\r\n", "Event: QueueCallerJoin\r\nQueue: q\r\nUniqueid: 1.1\r\n\r\n");
	const char *next = "Event: Small\r\nValue: ok\r\n\r\n";
	ami_framer_feed(&f, next, strlen(next), on_count, &m);
	assert_int_equal(f.oversized, 2);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.first_event, "Small");
	/* the same with bare LF */
	ami_framer_reset(&f);
	memset(&m, 0, sizeof m);
	ami_framer_feed(&f, "Asterisk Call Manager/2.0.0\n", 28, on_count, &m);
	feed_oversized(&f, &m, "\n", "\n");
	feed_oversized(&f, &m, "\n", "Event: QueueCallerJoin\n\n");
	ami_framer_feed(&f, next, strlen(next), on_count, &m);
	assert_int_equal(m.n, 2);                /* the banner and Small */
	assert_string_equal(m.first_event, "Small");
	ami_framer_free(&f);
}

static void test_framing_nul_and_reset(void **state)
{
	(void)state;
	struct ami_framer f;
	ami_framer_init(&f);
	struct msgs m = { 0 };
	const char part[] = "Event: Cut\r\nVal";
	ami_framer_feed(&f, part, sizeof part - 1, on_count, &m);
	ami_framer_reset(&f);            /* the connection dropped mid-message */
	const char again[] = "Asterisk Call Manager/2.0.0\r\nEvent: A\0B\r\nValue: v\r\n\r\n";
	ami_framer_feed(&f, again, sizeof again - 1, on_count, &m);
	assert_int_equal(m.banners, 1);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.first_event, "AB");
	ami_framer_free(&f);
}

static void test_msg_time(void **state)
{
	(void)state;
	struct ami_msg msg = { .n = 1, .h = { { "timestamp", "1795468894.225962" } } };
	assert_true(ami_msg_time(&msg, 5.0) > 1795468894.2);
	assert_true(ami_msg_time(&msg, 5.0) < 1795468894.3);
	msg.h[0].value = "junk";
	assert_true(ami_msg_time(&msg, 5.0) == 5.0);
	msg.n = 0;
	assert_true(ami_msg_time(&msg, 7.0) == 7.0);
}

/* ----------------------------------------------------------------- mapping */

static void test_answered_call(void **state)
{
	(void)state;
	struct run *r = run_file("answered.txt");
	assert_int_equal(r->banners, 1);
	const struct qevent *e = find(r, EV_ENTER, "1795468893.1");
	assert_non_null(e);
	assert_int_equal(e->time, 1795468894);
	assert_string_equal(e->queue, "billing");
	assert_string_equal(e->callerid, "01632960851");
	e = find(r, EV_RINGING, "1795468893.1");
	assert_non_null(e);
	assert_string_equal(e->agent, "Ivan");
	e = find(r, EV_CONNECT, "1795468893.1");
	assert_non_null(e);
	assert_int_equal(e->time, 1795468897);     /* queue_log: CONNECT|3|...|3 at ...897 */
	assert_int_equal(e->hold_s, 3);
	assert_int_equal(e->ring_ms, 3000);
	assert_string_equal(e->agent, "Ivan");
	e = find(r, EV_COMPLETE, "1795468893.1");
	assert_non_null(e);
	assert_int_equal(e->time, 1795468955);     /* COMPLETEAGENT|3|58|1 */
	assert_int_equal(e->hold_s, 3);
	assert_int_equal(e->talk_s, 58);
	assert_string_equal(e->reason, "agent");
	assert_null(find(r, EV_EXITKEY, NULL));     /* the bare Leave was followed by AgentConnect */
	assert_null(find(r, EV_ABANDON, NULL));
	assert_true(count_kind(r, EV_MEMBERSTATUS) > 5);
	assert_true(r->map.ignored > 0);            /* Hangup events */
	run_free(r);
}

static void test_exits(void **state)
{
	(void)state;
	struct run *r = run_file("exits.txt");
	const struct qevent *e = find(r, EV_ABANDON, "1795468953.43");
	assert_non_null(e);                          /* ABANDON|1|1|7 */
	assert_int_equal(e->wait_s, 7);
	assert_string_equal(e->queue, "tech");
	e = find(r, EV_ABANDON, "1795469314.245");   /* EXITWITHTIMEOUT|1|11|90 */
	assert_non_null(e);
	assert_int_equal(e->wait_s, 90);
	assert_int_equal(e->time, 1795469405);
	e = find(r, EV_RINGNOANSWER, "1795469314.245");
	assert_non_null(e);
	assert_string_equal(e->agent, "Judy");
	assert_int_equal(e->ring_ms, 1000);
	e = find(r, EV_ABANDON, "1795469041.83");    /* EXITEMPTY|1|1|53 */
	assert_non_null(e);
	assert_int_equal(e->wait_s, 53);
	e = find(r, EV_EXITKEY, "1795469331.269");   /* EXITWITHKEY|1|5|6|16 at ...347 */
	assert_non_null(e);
	assert_int_equal(e->time, 1795469347);
	assert_int_equal(e->wait_s, 16);
	assert_string_equal(e->queue, "tech");
	assert_int_equal(count_kind(r, EV_EXITKEY), 1);
	assert_int_equal(count_kind(r, EV_ABANDON), 3);
	assert_int_equal(count_kind(r, EV_ENTER), 4);
	assert_int_equal(count_kind(r, EV_CONNECT), 0);
	run_free(r);
}

/* A bare leave waits for AgentConnect; it is settled by time, not at once. */
static void test_leave_grace(void **state)
{
	(void)state;
	struct run *r = run_new();
	const char *join = "Event: QueueCallerJoin\r\nTimestamp: 100.0\r\nUniqueid: c1\r\n"
	                   "Queue: q\r\nCallerIDNum: 555\r\n\r\n"
	                   "Event: QueueCallerLeave\r\nTimestamp: 110.2\r\nUniqueid: c1\r\n"
	                   "Queue: q\r\n\r\n";
	run_feed(r, join, strlen(join));
	assert_int_equal(r->n, 1);
	r->recv_time = 0;                            /* skew: stamped 110.2 received at 0 */
	assert_int_equal(ami_mapper_flush(&r->map, 0.5, on_event, r), 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(ami_mapper_flush(&r->map, 2.0, on_event, r), 1);
	assert_int_equal(r->ev[1].ev.kind, EV_EXITKEY);
	assert_int_equal(r->ev[1].ev.wait_s, 10);
	assert_int_equal(r->ev[1].ev.time, 110);
	run_free(r);
}

static void test_members(void **state)
{
	(void)state;
	struct run *r = run_file("members.txt");
	assert_int_equal(count_kind(r, EV_ADDMEMBER), 14);
	assert_int_equal(count_kind(r, EV_REMOVEMEMBER), 3);
	assert_int_equal(count_kind(r, EV_PAUSE), 8);
	assert_int_equal(count_kind(r, EV_UNPAUSE), 7);
	size_t rupert = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct qevent *e = &r->ev[i].ev;
		assert_non_null(e->agent);
		assert_null(e->callid);
		if (e->kind == EV_PAUSE && strcmp(e->agent, "Rupert") == 0) {
			assert_string_equal(e->reason, "Team lead meeting");
			rupert++;
		}
		if (e->kind == EV_ADDMEMBER)
			assert_false(e->paused);
	}
	assert_int_equal(rupert, 3);
	const struct qevent *e = find(r, EV_PAUSE, NULL);
	assert_string_equal(e->agent, "Niaj");
	assert_string_equal(e->queue, "tech");
	assert_string_equal(e->reason, "Ticket follow-up");
	run_free(r);
}

static void test_queuestatus_seed_is_idempotent(void **state)
{
	(void)state;
	size_t n;
	char path[512];
	snprintf(path, sizeof path, "%s/tests/data/ami/queuestatus-burst.txt", CCBOARD_SRCDIR);
	char *data = slurp(path, &n);
	struct run *r = run_new();
	/* a member the reply will not list: it left while we were away */
	const char *zed = "Event: QueueMemberAdded\r\nQueue: billing\r\nMemberName: Zed\r\n"
	                  "Interface: Local/299@agents/n\r\nPaused: 0\r\nStatus: 1\r\n\r\n";
	r->recv_time = 1000000;
	run_feed(r, zed, strlen(zed));
	run_feed(r, data, n);
	assert_int_equal(count_kind(r, EV_ADDMEMBER), 1 + 11);
	assert_int_equal(count_kind(r, EV_MEMBERSTATUS), 1 + 11);
	assert_int_equal(count_kind(r, EV_ENTER), 10);
	const struct qevent *e = find(r, EV_ENTER, "1795469261.193");
	assert_non_null(e);                      /* Wait: 17 */
	assert_int_equal(e->time, 1000000 - 17);
	assert_string_equal(e->queue, "billing");
	e = find(r, EV_REMOVEMEMBER, NULL);
	assert_non_null(e);
	assert_string_equal(e->agent, "Zed");
	assert_string_equal(e->queue, "billing");
	/* the same reply again (a reconnect) announces nobody twice */
	size_t mid = r->n;
	run_feed(r, data, n);
	for (size_t i = mid; i < r->n; i++)
		assert_int_equal(r->ev[i].ev.kind, EV_MEMBERSTATUS);
	assert_int_equal(r->n - mid, 11);
	free(data);
	run_free(r);
}

/* A QueueStatus reply cut by a dropped connection: the reply on the next
 * connection starts afresh, so a member who left meanwhile is removed. */
static void test_queuestatus_cut_then_new_reply(void **state)
{
	(void)state;
	struct run *r = run_new();
	r->recv_time = 1000000;
	const char *before =
		"Event: QueueMemberAdded\r\nQueue: billing\r\nMemberName: Zed\r\n"
		"Interface: Local/299@agents/n\r\nPaused: 0\r\nStatus: 1\r\n\r\n"
		"Event: QueueMemberAdded\r\nQueue: billing\r\nMemberName: Ann\r\n"
		"Interface: Local/201@agents/n\r\nPaused: 0\r\nStatus: 1\r\n\r\n"
		/* the first reply, cut after Zed's line */
		"Event: QueueParams\r\nQueue: billing\r\nActionID: ccb-qs-1\r\n\r\n"
		"Event: QueueMember\r\nQueue: billing\r\nName: Zed\r\nLocation: Local/299@agents/n\r\n"
		"Status: 1\r\nPaused: 0\r\nInCall: 0\r\nActionID: ccb-qs-1\r\n\r\n"
		"Event: QueueMember\r\nQueue: bil";
	run_feed(r, before, strlen(before));
	ami_framer_reset(&r->fr);                /* the connection dropped */
	/* Zed left while the board was away; the next connection's reply */
	const char *after =
		"Asterisk Call Manager/11.0.0\r\n"
		"Event: QueueParams\r\nQueue: billing\r\nActionID: ccb-qs-2\r\n\r\n"
		"Event: QueueMember\r\nQueue: billing\r\nName: Ann\r\nLocation: Local/201@agents/n\r\n"
		"Status: 1\r\nPaused: 0\r\nInCall: 0\r\nActionID: ccb-qs-2\r\n\r\n"
		"Event: QueueStatusComplete\r\nActionID: ccb-qs-2\r\nEventList: Complete\r\n\r\n";
	r->recv_time += 30;
	run_feed(r, after, strlen(after));
	const struct qevent *e = find(r, EV_REMOVEMEMBER, NULL);
	assert_non_null(e);
	assert_string_equal(e->agent, "Zed");
	assert_int_equal(count_kind(r, EV_REMOVEMEMBER), 1);
	assert_false(r->map.reply.on);
	run_free(r);
}

/* Feeds printf-formatted messages (LF line ends, as the framer accepts). */
static void feedf(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void feedf(struct run *r, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof buf);
	run_feed(r, buf, (size_t)n);
}

#define T_CALL 1795469200

/* Peggy (Local/206) in tech answers caller id; messages stamped at t. */
static void answer(struct run *r, const char *id, double t)
{
	r->recv_time = t + 4;                    /* the PBX clock and ours agree */
	feedf(r, "Event: QueueCallerJoin\nTimestamp: %.1f\nQueue: tech\nUniqueid: %s\n"
	      "CallerIDNum: 555\n\n", t, id);
	feedf(r, "Event: QueueCallerLeave\nTimestamp: %.1f\nQueue: tech\nUniqueid: %s\n\n",
	      t + 4, id);
	feedf(r, "Event: AgentConnect\nTimestamp: %.1f\nQueue: tech\nUniqueid: %s\n"
	      "Interface: Local/206@agents/n\nMemberName: Peggy\nHoldTime: 4\nRingTime: 2\n"
	      "DestUniqueid: %s9\n\n", t + 4, id, id);
}

static int on_call(const struct model *m)
{
	struct agent_counts per[8], total;
	assert_true(model_queue_count(m) <= 8);
	model_agent_counts(m, per, &total);
	return total.on_call;
}

static const struct counts *tech_today(const struct model *m)
{
	for (size_t i = 0; i < model_queue_count(m); i++)
		if (strcmp(model_queue_name(m, i), "tech") == 0)
			return model_queue_today(m, i);
	fail_msg("no queue tech");
	return NULL;
}

/* AgentComplete without the caller's Uniqueid (and without the agent leg's
 * Dest* fields, or even MemberName): the member's call in that queue ends,
 * its talk time counted; a QueueStatus that shows a member out of any call
 * ends (without counting) a call whose AgentComplete never came. */
static void test_complete_without_ids(void **state)
{
	(void)state;
	struct config cfg;
	config_defaults(&cfg);
	struct run *r = run_new();
	r->model = model_new(&cfg);
	feedf(r, "Event: QueueMemberAdded\nTimestamp: %d\nQueue: tech\nMemberName: Peggy\n"
	      "Interface: Local/206@agents/n\nPaused: 0\nStatus: 1\n\n", T_CALL - 100);
	answer(r, "1.157", T_CALL);
	assert_int_equal(on_call(r->model), 1);
	feedf(r, "Event: AgentComplete\nTimestamp: %d\nQueue: tech\nInterface: Local/206@agents/n\n"
	      "MemberName: Peggy\nHoldTime: 4\nTalkTime: 67\nReason: agent\n\n", T_CALL + 71);
	assert_int_equal(on_call(r->model), 0);
	assert_int_equal(tech_today(r->model)->completed, 1);
	assert_int_equal(tech_today(r->model)->talk_s, 67);
	const struct qevent *e = find(r, EV_COMPLETE, "1.157");
	assert_non_null(e);
	assert_string_equal(e->agent, "Peggy");

	/* by the interface alone */
	answer(r, "1.200", T_CALL + 100);
	feedf(r, "Event: AgentComplete\nTimestamp: %d\nQueue: tech\nInterface: Local/206@agents/n\n"
	      "TalkTime: 20\nReason: caller\n\n", T_CALL + 130);
	assert_int_equal(on_call(r->model), 0);
	assert_int_equal(tech_today(r->model)->completed, 2);
	assert_int_equal(tech_today(r->model)->talk_s, 87);

	/* the AgentComplete is lost: the next QueueStatus ends the call, counting nothing */
	answer(r, "1.300", T_CALL + 200);
	assert_int_equal(on_call(r->model), 1);
	const char *qs = "Event: QueueParams\nQueue: tech\nActionID: ccb-qs-%d\n\n"
		"Event: QueueMember\nQueue: tech\nName: Peggy\nLocation: Local/206@agents/n\n"
		"InCall: 0\nStatus: 1\nPaused: 0\nActionID: ccb-qs-%d\n\n"
		"Event: QueueStatusComplete\nActionID: ccb-qs-%d\n\n";
	r->recv_time = T_CALL + 300;
	feedf(r, qs, 2, 2, 2);
	assert_int_equal(on_call(r->model), 0);
	assert_int_equal(tech_today(r->model)->completed, 2);
	assert_int_equal(tech_today(r->model)->answered, 3);
	assert_non_null(find(r, EV_FORGET, "1.300"));
	/* nothing more on the next resync; a late AgentComplete still counts once */
	size_t n = r->n;
	feedf(r, qs, 3, 3, 3);
	for (size_t i = n; i < r->n; i++)
		assert_int_equal(r->ev[i].ev.kind, EV_MEMBERSTATUS);
	feedf(r, "Event: AgentComplete\nTimestamp: %d\nQueue: tech\nUniqueid: 1.300\n"
	      "MemberName: Peggy\nTalkTime: 30\nReason: agent\n\n", T_CALL + 301);
	feedf(r, "Event: AgentComplete\nTimestamp: %d\nQueue: tech\nUniqueid: 1.300\n"
	      "MemberName: Peggy\nTalkTime: 30\nReason: agent\n\n", T_CALL + 301);
	assert_int_equal(tech_today(r->model)->completed, 3);
	assert_int_equal(on_call(r->model), 0);
	/* a call answered after the reply was made is not ended by it */
	answer(r, "1.400", T_CALL + 400);
	r->recv_time = T_CALL + 404.5;
	feedf(r, qs, 4, 4, 4);
	assert_int_equal(on_call(r->model), 1);
	model_free(r->model);
	config_free(&cfg);
	run_free(r);
}

/* A QueueStatus reply (tech and vip) at recv_time: Peggy in tech with
 * InCall tech_incall, in vip with InCall 0; Judy in vip, InCall 0. */
static void status_reply(struct run *r, int id, double recv_time, int tech_incall)
{
	r->recv_time = recv_time;
	feedf(r, "Event: QueueParams\nQueue: tech\nActionID: ccb-qs-%d\n\n"
	      "Event: QueueParams\nQueue: vip\nActionID: ccb-qs-%d\n\n"
	      "Event: QueueMember\nQueue: tech\nName: Peggy\nLocation: Local/206@agents/n\n"
	      "InCall: %d\nStatus: 2\nPaused: 0\nActionID: ccb-qs-%d\n\n"
	      "Event: QueueMember\nQueue: vip\nName: Peggy\nLocation: Local/206@agents/n\n"
	      "InCall: 0\nStatus: 2\nPaused: 0\nActionID: ccb-qs-%d\n\n"
	      "Event: QueueMember\nQueue: vip\nName: Judy\nLocation: Local/202@agents/n\n"
	      "InCall: 0\nStatus: 1\nPaused: 0\nActionID: ccb-qs-%d\n\n"
	      "Event: QueueStatusComplete\nActionID: ccb-qs-%d\n\n",
	      id, id, tech_incall, id, id, id, id);
}

/* Agents by state in queue q ("" for the total). */
static struct agent_counts agents_in(const struct model *m, const char *q)
{
	struct agent_counts per[8], total;
	assert_true(model_queue_count(m) <= 8);
	model_agent_counts(m, per, &total);
	for (size_t i = 0; *q && i < model_queue_count(m); i++)
		if (strcmp(model_queue_name(m, i), q) == 0)
			return per[i];
	assert_string_equal(q, "");
	return total;
}

/* Every count of every queue is still 0. */
static void assert_nothing_counted(const struct model *m)
{
	static const struct counts zero;
	for (size_t i = 0; i < model_queue_count(m); i++) {
		assert_memory_equal(model_queue_today(m, i), &zero, sizeof zero);
		assert_memory_equal(model_queue_window(m, i), &zero, sizeof zero);
	}
}

/* A QueueStatus shows a member in a call (InCall: 1) whose AgentConnect the
 * board never saw (it connected mid-call): the member is on a call in that
 * queue, in its other queues and in the total, nothing counted, until a reply
 * shows it out of any call or its AgentComplete comes. */
static void test_queuestatus_incall_unseen(void **state)
{
	(void)state;
	struct config cfg;
	config_defaults(&cfg);
	struct run *r = run_new();
	r->model = model_new(&cfg);
	status_reply(r, 1, T_CALL, 1);
	model_advance(r->model, T_CALL + 1);
	struct agent_counts tech = agents_in(r->model, "tech"), vip = agents_in(r->model, "vip");
	struct agent_counts total = agents_in(r->model, "");
	assert_int_equal(tech.logged_in, 1);
	assert_int_equal(tech.on_call, 1);
	assert_int_equal(tech.available, 0);
	assert_int_equal(vip.on_call, 1);           /* on a call from any queue: busy in all */
	assert_int_equal(vip.available, 1);         /* Judy */
	assert_int_equal(total.logged_in, 2);
	assert_int_equal(total.on_call, 1);
	assert_int_equal(total.available, 1);
	assert_int_equal(count_kind(r, EV_BUSY), 1);
	assert_int_equal(r->map.calls_unseen, 1);
	assert_nothing_counted(r->model);

	/* the next resync, still in that call: nothing new */
	size_t n = r->n;
	status_reply(r, 2, T_CALL + 60, 1);
	for (size_t i = n; i < r->n; i++)
		assert_int_equal(r->ev[i].ev.kind, EV_MEMBERSTATUS);
	assert_int_equal(agents_in(r->model, "").on_call, 1);

	/* the one after shows it out of any call: available again */
	status_reply(r, 3, T_CALL + 120, 0);
	model_advance(r->model, T_CALL + 121);
	tech = agents_in(r->model, "tech");
	total = agents_in(r->model, "");
	assert_int_equal(tech.on_call, 0);
	assert_int_equal(tech.available, 1);
	assert_int_equal(total.on_call, 0);
	assert_int_equal(total.available, 2);
	assert_nothing_counted(r->model);
	assert_int_equal(r->map.n_talks, 0);

	/* in a call again; its AgentComplete ends it (and counts, as a COMPLETEAGENT
	 * whose CONNECT a log never had does) */
	status_reply(r, 4, T_CALL + 180, 1);
	assert_int_equal(agents_in(r->model, "").on_call, 1);
	r->recv_time = T_CALL + 200;
	feedf(r, "Event: AgentComplete\nTimestamp: %d\nQueue: tech\nUniqueid: 7.001\n"
	      "Interface: Local/206@agents/n\nMemberName: Peggy\nHoldTime: 3\nTalkTime: 50\n"
	      "Reason: caller\n\n", T_CALL + 200);
	assert_int_equal(agents_in(r->model, "tech").on_call, 0);
	assert_int_equal(agents_in(r->model, "").available, 2);
	assert_int_equal(tech_today(r->model)->completed, 1);
	assert_int_equal(tech_today(r->model)->answered, 0);
	assert_int_equal(r->map.n_talks, 0);
	/* a reply made as that call ended may still show it: not a new call */
	status_reply(r, 5, T_CALL + 200.5, 1);
	assert_int_equal(agents_in(r->model, "").on_call, 0);

	/* a call whose AgentConnect was seen is not marked twice */
	answer(r, "7.100", T_CALL + 300);
	n = count_kind(r, EV_BUSY);
	status_reply(r, 6, T_CALL + 360, 1);
	assert_int_equal(count_kind(r, EV_BUSY), n);
	assert_int_equal(agents_in(r->model, "").on_call, 1);
	r->recv_time = T_CALL + 374;
	feedf(r, "Event: AgentComplete\nTimestamp: %d\nQueue: tech\nUniqueid: 7.100\n"
	      "MemberName: Peggy\nTalkTime: 70\nReason: agent\n\n", T_CALL + 374);
	assert_int_equal(agents_in(r->model, "").on_call, 0);

	/* unseen, then a new AgentConnect: the unseen call has ended */
	status_reply(r, 7, T_CALL + 420, 1);
	assert_int_equal(agents_in(r->model, "").on_call, 1);
	answer(r, "7.200", T_CALL + 430);
	assert_int_equal(agents_in(r->model, "").on_call, 1);
	r->recv_time = T_CALL + 444;
	feedf(r, "Event: AgentComplete\nTimestamp: %d\nQueue: tech\nUniqueid: 7.200\n"
	      "MemberName: Peggy\nTalkTime: 10\nReason: agent\n\n", T_CALL + 444);
	assert_int_equal(agents_in(r->model, "").on_call, 0);
	assert_int_equal(r->map.n_talks, 0);
	assert_int_equal(tech_today(r->model)->completed, 3);
	assert_int_equal(tech_today(r->model)->answered, 2);
	model_free(r->model);
	config_free(&cfg);
	run_free(r);
}

static void test_ast11_queuestatus(void **state)
{
	(void)state;
	for (int crlf = 0; crlf < 2; crlf++) {
		size_t n;
		char *data = slurp(CCBOARD_SHARED "/data/real/ami-queuestatus-ast11.txt", &n);
		char *conv = malloc(2 * n + 1);
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			if (crlf && data[i] == '\n')
				conv[m++] = '\r';
			conv[m++] = data[i];
		}
		struct run *r = run_new();
		r->recv_time = 5000;
		run_feed(r, conv, m);
		size_t members = 0;
		for (const char *p = data; (p = strstr(p, "Event: QueueMember\n")) != NULL; p++)
			members++;
		assert_true(members >= 5);
		assert_int_equal(count_kind(r, EV_ADDMEMBER), members);
		assert_int_equal(count_kind(r, EV_MEMBERSTATUS), members);
		assert_int_equal(count_kind(r, EV_ENTER), 0);
		bool found = false;
		for (size_t i = 0; i < r->n; i++) {
			const struct qevent *e = &r->ev[i].ev;
			if (e->kind == EV_ADDMEMBER && strcmp(e->agent, "Agent/999") == 0) {
				assert_true(e->paused);
				found = true;
			}
			if (e->kind == EV_MEMBERSTATUS && strcmp(e->agent, "Agent/999") == 0)
				assert_int_equal(e->status, MS_UNAVAILABLE);
			if (e->kind == EV_ADDMEMBER && strcmp(e->agent, "Agent/220") == 0)
				assert_false(e->paused);
		}
		assert_true(found);
		assert_false(r->map.reply.on);      /* QueueStatusComplete was seen */
		free(conv);
		free(data);
		run_free(r);
	}
}

/* ------------------------------------------- the whole recording vs queue_log */

struct qlog_call {
	char callid[32], queue[16], outcome[20];
	long wait;            /* holdtime of CONNECT, waittime of the exits */
	long talk;
	int64_t t;
};

static size_t qlog_load(struct qlog_call *calls, size_t max)
{
	FILE *f = fopen(CCBOARD_SHARED "/data/real/asterisk22-session/queue_log", "r");
	assert_non_null(f);
	char line[1024];
	size_t n = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *fld[12] = { 0 };
		int nf = 0;
		for (char *p = line; p && nf < 12;) {
			fld[nf++] = p;
			if ((p = strchr(p, '|')) != NULL)
				*p++ = '\0';
		}
		if (nf < 6)
			continue;
		const char *ev = fld[4];
		long wait = -1, talk = -1;
		if (strcmp(ev, "CONNECT") == 0)
			wait = atol(fld[5]);
		else if (!strcmp(ev, "ABANDON") || !strcmp(ev, "EXITWITHTIMEOUT") || !strcmp(ev, "EXITEMPTY"))
			wait = atol(fld[7]);
		else if (!strcmp(ev, "EXITWITHKEY"))
			wait = atol(fld[8]);
		else if (!strcmp(ev, "COMPLETEAGENT") || !strcmp(ev, "COMPLETECALLER"))
			wait = atol(fld[5]), talk = atol(fld[6]);
		else
			continue;
		assert_true(n < max);
		struct qlog_call *c = &calls[n++];
		snprintf(c->callid, sizeof c->callid, "%s", fld[1]);
		snprintf(c->queue, sizeof c->queue, "%s", fld[2]);
		snprintf(c->outcome, sizeof c->outcome, "%s", ev);
		c->wait = wait;
		c->talk = talk;
		c->t = atoll(fld[0]);
	}
	fclose(f);
	return n;
}

static enum ev_kind qlog_kind(const char *ev)
{
	if (!strcmp(ev, "CONNECT"))
		return EV_CONNECT;
	if (!strcmp(ev, "EXITWITHKEY"))
		return EV_EXITKEY;
	if (!strncmp(ev, "COMPLETE", 8))
		return EV_COMPLETE;
	return EV_ABANDON;            /* ABANDON, EXITWITHTIMEOUT, EXITEMPTY: AMI cannot tell */
}

static void test_whole_recording(void **state)
{
	(void)state;
	FILE *p = popen("gzip -dc '" CCBOARD_SHARED
	                "/data/real/asterisk22-session/ami-transcript.raw.gz' 2>/dev/null", "r");
	if (!p)
		skip();
	struct run *r = run_new();
	char buf[8192];
	size_t got, total = 0;
	while ((got = fread(buf, 1, sizeof buf, p)) > 0) {
		run_feed(r, buf, got);
		total += got;
	}
	if (pclose(p) != 0 || total == 0) {
		run_free(r);
		skip();
	}
	ami_mapper_finish(&r->map, on_event, r);
	assert_int_equal(total, 5700404);
	assert_int_equal(r->fr.messages, 12310);
	assert_int_equal(count_kind(r, EV_ENTER), 138);
	assert_int_equal(count_kind(r, EV_CONNECT), 76);
	assert_int_equal(count_kind(r, EV_COMPLETE), 76);
	assert_int_equal(count_kind(r, EV_ABANDON), 60);
	assert_int_equal(count_kind(r, EV_EXITKEY), 2);
	assert_int_equal(count_kind(r, EV_RINGNOANSWER), 6);
	assert_int_equal(count_kind(r, EV_RINGING), 88);
	assert_int_equal(count_kind(r, EV_ADDMEMBER), 14);
	assert_int_equal(count_kind(r, EV_REMOVEMEMBER), 3);
	assert_int_equal(count_kind(r, EV_PAUSE) + count_kind(r, EV_UNPAUSE), 15);
	assert_int_equal(count_kind(r, EV_MEMBERSTATUS), 244 + 14 + 22);
	/* the burst QueueStatus shows 5 members InCall: 1, every AgentConnect seen */
	assert_int_equal(count_kind(r, EV_BUSY), 0);

	/* every outcome in queue_log has its AMI twin: same kind (as far as AMI
	 * can tell), same queue, same wait, same second */
	static struct qlog_call calls[512];
	size_t n = qlog_load(calls, 512);
	assert_int_equal(n, 76 + 62 + 76);   /* outcomes of 138 entries, and 76 ends */
	size_t off_by_one = 0;
	for (size_t i = 0; i < n; i++) {
		const struct qlog_call *c = &calls[i];
		const struct qevent *e = find(r, qlog_kind(c->outcome), c->callid);
		assert_non_null(e);
		assert_string_equal(e->queue, c->queue);
		if (qlog_kind(c->outcome) == EV_CONNECT || qlog_kind(c->outcome) == EV_COMPLETE)
			assert_int_equal(e->hold_s, c->wait);
		else
			assert_int_equal(e->wait_s, c->wait);
		if (c->talk >= 0)
			assert_int_equal(e->talk_s, c->talk);
		assert_true(e->time == c->t || e->time == c->t - 1);
		off_by_one += e->time != c->t;
	}
	assert_true(off_by_one <= n / 20);
	assert_int_equal(r->map.n_callers, 0);     /* nobody left half-followed */
	run_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_framing_crlf_and_lf),
		cmocka_unit_test(test_framing_byte_by_byte),
		cmocka_unit_test(test_framing_oversized_then_recovers),
		cmocka_unit_test(test_framing_two_oversized_in_a_row),
		cmocka_unit_test(test_framing_nul_and_reset),
		cmocka_unit_test(test_msg_time),
		cmocka_unit_test(test_answered_call),
		cmocka_unit_test(test_exits),
		cmocka_unit_test(test_leave_grace),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_queuestatus_seed_is_idempotent),
		cmocka_unit_test(test_queuestatus_cut_then_new_reply),
		cmocka_unit_test(test_queuestatus_incall_unseen),
		cmocka_unit_test(test_complete_without_ids),
		cmocka_unit_test(test_ast11_queuestatus),
		cmocka_unit_test(test_whole_recording),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
