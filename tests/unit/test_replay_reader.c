/* test_replay_reader.c - the replay reader thread: records in file order,
 * lines across reads, the partial last line, pass ends, read errors, and a
 * stop while the thread waits or reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay_merge.h"
#include "replay_reader.h"

/* A temporary file holding text; returns its descriptor (the file is unlinked). */
static int temp_file(const char *text, size_t len)
{
	char path[] = "/tmp/test_replay_reader.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	return fd;
}

static const char log_text[] =
	"1700000000|c1|q1|NONE|ENTERQUEUE||555|1\n"
	"\n"
	"garbage line\n"
	"1700000001|c1|q1|Agent/1|CONNECT|3|c1.2|2\n"
	"1700000002|NONE|NONE|NONE|QUEUESTART|\r\n"
	"1700000003|c1|q1|Agent/1|SOMETHINGNEW|x\n"
	"1700000004|c1|q1|Agent/1|COMPLETECALLER|3|60|1";   /* no newline: the end hands it out */

struct seen {
	uint64_t bytes;
	int lines, passes;
	enum ql_result result[16];
	struct qevent ev[16];
	char callid[16][8], queue[16][8], callerid[16][8];
};

static void copy_or_empty(char *dst, const char *src)
{
	snprintf(dst, 8, "%s", src ? src : "");
}

/* Takes every batch up to the last one, checking the byte count of passes. */
static int read_all(struct replay_reader *r, struct seen *s, size_t pass_bytes)
{
	struct replay_batch *b;
	int err;

	do {
		b = replay_reader_next(r);
		for (size_t i = 0; i < b->n_recs; i++) {
			const struct replay_rec *rec = &b->recs[i];
			if (rec->what == REPLAY_BYTES) {
				s->bytes += rec->n;
				continue;
			}
			assert_true(s->lines < 16);
			s->result[s->lines] = rec->result;
			if (rec->result == QL_EVENT) {
				s->ev[s->lines] = rec->ev;
				copy_or_empty(s->callid[s->lines], rec->ev.callid);
				copy_or_empty(s->queue[s->lines], rec->ev.queue);
				copy_or_empty(s->callerid[s->lines], rec->ev.callerid);
			}
			s->lines++;
		}
		if (b->pass_end) {
			s->passes++;
			assert_int_equal(s->bytes, (uint64_t)s->passes * pass_bytes);
		}
		err = b->err;
		int last = b->last;
		replay_reader_release(r, b);
		if (last)
			break;
	} while (1);
	return err;
}

static void test_records_in_order(void **state)
{
	(void)state;
	int fd = temp_file(log_text, sizeof log_text - 1);
	/* reads of 16 bytes: every line is completed from linebuf's carry */
	struct replay_reader *r = replay_reader_start(fd, 16, 48, 1024);
	struct seen s = { 0 };

	assert_non_null(r);
	assert_int_equal(read_all(r, &s, 48), 0);
	replay_reader_stop(r);
	close(fd);

	assert_int_equal(s.bytes, sizeof log_text - 1);
	assert_int_equal(s.passes, (int)((sizeof log_text - 1) / 48));
	assert_int_equal(s.lines, 7);
	assert_int_equal(s.result[0], QL_EVENT);
	assert_int_equal(s.ev[0].kind, EV_ENTER);
	assert_int_equal(s.ev[0].time, 1700000000);
	assert_string_equal(s.callid[0], "c1");
	assert_string_equal(s.queue[0], "q1");
	assert_string_equal(s.callerid[0], "555");
	assert_int_equal(s.result[1], QL_BLANK);
	assert_int_equal(s.result[2], QL_BAD);
	assert_int_equal(s.result[3], QL_EVENT);
	assert_int_equal(s.ev[3].kind, EV_CONNECT);
	assert_int_equal(s.ev[3].hold_s, 3);
	assert_int_equal(s.result[4], QL_EVENT);
	assert_int_equal(s.ev[4].kind, EV_QUEUESTART);
	assert_int_equal(s.result[5], QL_IGNORED);
	assert_int_equal(s.result[6], QL_EVENT);
	assert_int_equal(s.ev[6].kind, EV_COMPLETE);
	assert_int_equal(s.ev[6].talk_s, 60);
}

/* Lines handed out in place (reads bigger than the file) parse the same. */
static void test_one_read(void **state)
{
	(void)state;
	int fd = temp_file(log_text, sizeof log_text - 1);
	struct replay_reader *r = replay_reader_start(fd, 4096, 1 << 20, 1024);
	struct seen s = { 0 };

	assert_int_equal(read_all(r, &s, 1 << 20), 0);
	replay_reader_stop(r);
	close(fd);
	assert_int_equal(s.bytes, sizeof log_text - 1);
	assert_int_equal(s.passes, 0);
	assert_int_equal(s.lines, 7);
	assert_int_equal(s.ev[6].talk_s, 60);
	assert_string_equal(s.callid[3], "c1");
}

/* A descriptor that cannot be read ends the replay with its errno. */
static void test_read_error(void **state)
{
	(void)state;
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	struct replay_reader *r = replay_reader_start(fd, 64, 256, 1024);
	struct seen s = { 0 };

	assert_int_equal(read_all(r, &s, 256), EISDIR);
	replay_reader_stop(r);
	close(fd);
	assert_int_equal(s.bytes, 0);
	assert_int_equal(s.lines, 0);
}

/* Stopped with batches held, unread and in flight: no hang, no leak. */
static void test_stop_early(void **state)
{
	(void)state;
	size_t n = 5000, len = sizeof "1700000000|c1|q1|NONE|ENTERQUEUE||555|1\n" - 1;
	char *text = malloc(n * len);
	for (size_t i = 0; i < n; i++)
		memcpy(text + i * len, log_text, len);
	int fd = temp_file(text, n * len);
	free(text);

	struct replay_reader *r = replay_reader_start(fd, 256, 1024, 1024);
	struct replay_batch *b = replay_reader_next(r);
	assert_true(b->n_recs > 1);
	assert_int_equal(b->recs[0].what, REPLAY_BYTES);
	assert_int_equal(b->recs[0].n, 256);
	replay_reader_stop(r);              /* b was not handed back */

	r = replay_reader_start(fd, 256, 1024, 1024);
	replay_reader_stop(r);              /* nothing taken */
	close(fd);
}

/* ---- merging files by time --------------------------------------------------- */

struct merged {
	char order[32][48];
	int n, ended[2], ends;
	struct replay_member *m[2];
	int leave_at;           /* > 0: member 0 leaves once this many records are out */
};

struct member_ctx {
	struct merged *out;
	int idx;
};

static void merged_deliver(void *ctx, const struct replay_rec *rec)
{
	struct member_ctx *mc = ctx;
	struct merged *o = mc->out;

	if (rec->what == REPLAY_BYTES)
		return;
	assert_true(o->n < 32);
	static const char *const kinds[] = { "created", "first_response", "reply", "resolved",
		"reopened", "abandoned", "survey" };
	if (rec->what == REPLAY_CONTACT && rec->result == QL_EVENT)   /* parsed on the thread */
		snprintf(o->order[o->n++], 48, "%d:%lld:%s:%s:%s", mc->idx, (long long)rec->ce.ts_ms,
		         kinds[rec->ce.kind], rec->ce.id, rec->ce.channel ? rec->ce.channel : "");
	else if (rec->result == QL_EVENT)
		snprintf(o->order[o->n++], 48, "%d:%lld:%s", mc->idx, (long long)rec->ev.time,
		         rec->ev.callid);
	else
		snprintf(o->order[o->n++], 48, "%d:untimed", mc->idx);
	if (o->n == o->leave_at) {           /* its source closed while a record went out */
		replay_merge_leave(o->m[0]);
		o->m[0] = NULL;
	}
}

static void merged_end(void *ctx, int err)
{
	struct member_ctx *mc = ctx;
	assert_int_equal(err, 0);
	mc->out->ended[mc->idx] = ++mc->out->ends;
}

/* Two files, each in time order, come out as one: the earliest first, a
 * queue_log line before a contact event of the same time, a line without a
 * time after the line before it in its file. */
static void test_merge_two_files(void **state)
{
	(void)state;
	static const char ql[] =
		"100|a|q|NONE|ENTERQUEUE||555|1\n"
		"102|b|q|NONE|ENTERQUEUE||556|1\n"
		"garbage\n"
		"104|c|q|NONE|ENTERQUEUE||557|1\n";
	static const char ev[] =
		"{\"ts\":99.5,\"event\":\"created\",\"id\":\"A\",\"channel\":\"chat\"}\n"
		"{\"ts\":100,\"event\":\"survey\",\"id\":\"a\",\"csat\":5}\n"
		"{\"event\":\"reply\",\"id\":\"A\"}\n"
		"{\"ts\":103.2,\"event\":\"reply\",\"id\":\"A\"}\n";
	static const char *const want[] = {
		"1:99500:created:A:chat",
		"0:100:a",
		"1:100000:survey:a:",
		"1:untimed",
		"0:102:b",
		"0:untimed",
		"1:103200:reply:A:",
		"0:104:c",
	};
	int fds[2] = { temp_file(ql, sizeof ql - 1), temp_file(ev, sizeof ev - 1) };
	struct merged out = { 0 };
	struct member_ctx mc[2] = { { &out, 0 }, { &out, 1 } };
	static const struct replay_member_ops ops = { merged_deliver, merged_end };
	struct replay_merge *g = replay_merge_new();
	struct replay_reader *r[2];

	for (int i = 0; i < 2; i++) {
		r[i] = replay_reader_start(fds[i], 16, 64, 1024);   /* small reads: many batches */
		out.m[i] = replay_merge_join(g, r[i], &ops, &mc[i]);
	}
	assert_int_equal(replay_merge_members(g), 2);
	for (int guard = 0; guard < 100 && replay_merge_members(g) > 0; guard++)
		replay_merge_pass(g, 32);
	assert_int_equal(replay_merge_members(g), 0);
	replay_merge_unref(g);                /* the last reference: freed (ASan sees a leak) */
	assert_int_equal(out.n, 8);
	for (int i = 0; i < 8; i++)
		assert_string_equal(out.order[i], want[i]);
	assert_true(out.ended[0] > 0 && out.ended[1] > 0);
	for (int i = 0; i < 2; i++) {
		replay_reader_stop(r[i]);
		close(fds[i]);
	}
}

/* A gate closed at a time holds the record there: passes hand out nothing
 * more (however many run) until it opens; then the rest, in order, none lost
 * or repeated; one file alone stays in a gated merge. */
struct gate { int64_t closed_from_ms; bool open; int asked; };

static bool gate_fn(void *ctx, int64_t at_ms)
{
	struct gate *g = ctx;
	g->asked++;
	return g->open || at_ms < g->closed_from_ms;
}

static void test_merge_gate(void **state)
{
	(void)state;
	static const char ql[] =
		"100|a|q|NONE|ENTERQUEUE||555|1\n"
		"102|b|q|NONE|ENTERQUEUE||556|1\n"
		"104|c|q|NONE|ENTERQUEUE||557|1\n";
	int fd = temp_file(ql, sizeof ql - 1);
	struct merged out = { 0 };
	struct member_ctx mc = { &out, 0 };
	static const struct replay_member_ops ops = { merged_deliver, merged_end };
	struct replay_merge *g = replay_merge_new();
	struct gate gate = { .closed_from_ms = 102000 };
	struct replay_reader *r = replay_reader_start(fd, 16, 64, 1024);

	out.m[0] = replay_merge_join(g, r, &ops, &mc);
	assert_false(replay_merge_begun(g));
	replay_merge_gate(g, gate_fn, &gate);
	assert_true(replay_merge_begun(g));   /* one file is not read on its own around the gate */
	for (int i = 0; i < 20; i++)
		assert_int_equal(replay_merge_pass(g, 1 << 20), 1);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.order[0], "0:100:a");
	assert_true(gate.asked >= 20);
	gate.open = true;
	for (int guard = 0; guard < 100 && replay_merge_members(g) > 0; guard++)
		replay_merge_pass(g, 1 << 20);
	assert_int_equal(replay_merge_members(g), 0);
	replay_merge_unref(g);
	assert_int_equal(out.n, 3);
	assert_string_equal(out.order[1], "0:102:b");
	assert_string_equal(out.order[2], "0:104:c");
	replay_reader_stop(r);
	close(fd);
}

/* A member leaving mid-way (its source closed) hands its batch back; the
 * other goes on alone. */
static void test_merge_leave(void **state)
{
	(void)state;
	static const char a[] = "100|a|q|NONE|ENTERQUEUE||555|1\n300|b|q|NONE|ENTERQUEUE||556|1\n";
	static const char b[] = "200|c|q|NONE|ENTERQUEUE||557|1\n400|d|q|NONE|ENTERQUEUE||558|1\n";
	int fds[2] = { temp_file(a, sizeof a - 1), temp_file(b, sizeof b - 1) };
	struct merged out = { 0 };
	struct member_ctx mc[2] = { { &out, 0 }, { &out, 1 } };
	static const struct replay_member_ops ops = { merged_deliver, merged_end };
	struct replay_merge *g = replay_merge_new();
	struct replay_reader *r[2];

	for (int i = 0; i < 2; i++) {
		r[i] = replay_reader_start(fds[i], 4096, 1 << 20, 1024);
		out.m[i] = replay_merge_join(g, r[i], &ops, &mc[i]);
	}
	out.leave_at = 1;
	replay_merge_unref(g);                /* the members keep it */
	assert_int_equal(replay_merge_pass(g, 1 << 20), 1);   /* the pass ends with the leave */
	assert_int_equal(out.n, 1);
	assert_string_equal(out.order[0], "0:100:a");
	replay_reader_stop(r[0]);
	assert_int_equal(replay_merge_members(g), 1);
	assert_int_equal(replay_merge_pass(g, 1 << 20), 0);   /* g is freed here */
	assert_int_equal(out.n, 3);
	assert_string_equal(out.order[1], "1:200:c");
	assert_string_equal(out.order[2], "1:400:d");
	assert_true(out.ended[1] > 0 && out.ended[0] == 0);
	replay_reader_stop(r[1]);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_in_order),
		cmocka_unit_test(test_one_read),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_stop_early),
		cmocka_unit_test(test_merge_two_files),
		cmocka_unit_test(test_merge_leave),
		cmocka_unit_test(test_merge_gate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
