/* test_out_print.c - the live --json line formatted off the loop thread: the
 * line split in two (its end on the loop, the rest by the worker) is byte for
 * byte jansson's; published to a pipe while the model takes more lines (a
 * live feed), each line comes out whole and as jansson writes the snapshot it
 * was published with; while it is made, the output is busy (a tick skipped
 * counts as a snapshot dropped) and /snapshot's line is that same one. */
#define _GNU_SOURCE                  /* F_SETPIPE_SZ */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uv.h>

#include "config.h"
#include "contacts.h"
#include "model.h"
#include "out_print.h"
#include "queuelog.h"
#include "fixture_dump.h"
#include "fixture_model.h"
#include "snapshot.h"
#include "snapshot_json.h"

#define T0 1767254400

struct feed {
	struct config cfg;
	struct model *m;
	struct contacts *c;
	int64_t t;
	int k;
};

static void feed_open(struct feed *f)
{
	static const char *const agents[] = { "Ann", "Bob \xc3\xa9", "C\"y\\", "Dee" };
	memset(f, 0, sizeof *f);
	setenv("TZ", "UTC", 1);
	config_defaults(&f->cfg);
	f->m = model_new(&f->cfg);
	struct contacts_conf cc;
	contacts_conf_from(&cc, &f->cfg);
	f->c = contacts_new(&cc);
	for (int a = 0; a < 4; a++)
		for (int q = 0; q < 3; q++)
			fx_feed_contacts(f->m, f->c, "%d|MANAGER|q%d|%s|ADDMEMBER|",
			                 T0, q, agents[a]);
	f->t = T0 + 1;
}

/* A second of traffic: calls waiting, answered, ended, abandoned (callbacks:
 * the same number calls again), a pause now and then. */
static void feed_second(struct feed *f)
{
	static const char *const agents[] = { "Ann", "Bob \xc3\xa9", "C\"y\\", "Dee" };
	int k = f->k++, q = k % 3;
	const char *a = agents[k % 4];
	fx_feed_contacts(f->m, f->c, "%lld|c%d|q%d|NONE|ENTERQUEUE||55%d|1",
	                 (long long)f->t, k, q, k % 7);
	if (k % 4 == 1)
		fx_feed_contacts(f->m, f->c, "%lld|c%d|q%d|NONE|ABANDON|1|1|%d",
		                 (long long)f->t, k - 1, (k - 1) % 3, k % 9);
	if (k % 4 == 2)
		fx_feed_contacts(f->m, f->c, "%lld|c%d|q%d|%s|CONNECT|%d|c%d.1|2",
		                 (long long)f->t, k - 1, (k - 1) % 3, a, k % 5, k);
	if (k % 4 == 3)
		fx_feed_contacts(f->m, f->c, "%lld|c%d|q%d|%s|COMPLETEAGENT|2|%d|1",
		                 (long long)f->t, k - 2, (k - 2) % 3, agents[(k - 1) % 4], k % 11);
	if (k % 9 == 4)
		fx_feed_contacts(f->m, f->c, "%lld|NONE|NONE|Dee|PAUSEALL|Tea", (long long)f->t);
	if (k % 9 == 7)
		fx_feed_contacts(f->m, f->c, "%lld|NONE|NONE|Dee|UNPAUSEALL|", (long long)f->t);
	model_advance(f->m, f->t);
	contacts_advance(f->c, f->t * 1000);
	f->t++;
}

static void feed_close(struct feed *f)
{
	contacts_free(f->c);
	model_free(f->m);
	config_free(&f->cfg);
}

/* 40 seconds of the feed, each line made as the loop and the worker make
 * it (the end first, then the rest) and compared with jansson's bytes.
 * with_contacts_every: 5 leaves them out every fifth second; seconds_after:
 * the feed read on between the end and the rest. */
static void check_split_lines(int with_contacts_every, int seconds_after)
{
	struct feed f;
	struct snapshot s;
	struct json_text tail = { 0 };
	feed_open(&f);
	memset(&s, 0, sizeof s);
	for (int i = 0; i < 40; i++) {
		struct json_pieces jp;
		size_t rn;
		feed_second(&f);
		snapshot_build(&s, f.m, &f.cfg);
		s.contacts = with_contacts_every && i % with_contacts_every == with_contacts_every - 1
		             ? NULL : f.c;
		char *ref = fx_dump(&s, snapshot_write_json_ref, &rn);
		assert_true(snapshot_json_tail(&s, &tail));
		for (int k = 0; k < seconds_after; k++)
			feed_second(&f);
		assert_int_equal(snapshot_json_pieces_with(&s, &tail, &jp), 0);
		char *got = fx_join(&jp);
		fx_same_text(got, jp.len, ref, rn, "second %d: split line", i);
		assert_int_equal(got[jp.len - 1], '\n');
		free(got);
		free(ref);
	}
	snapshot_json_text_free(&tail);
	snapshot_free(&s);
	feed_close(&f);
}

/* The end written on the loop and the rest by the worker: jansson's bytes,
 * line after line (the kept pieces change), with and without contacts. */
static void test_split_line_is_whole(void **state)
{
	(void)state;
	check_split_lines(5, 0);
}

/* The end refers to the callbacks' texts where they are: lines read after
 * it was made (callbacks tried again, answered: their texts changed) leave
 * the line built from it as it was when it was made. */
static void test_split_line_outlives_callbacks(void **state)
{
	(void)state;
	check_split_lines(0, 4);
}

/* Reads what the pipe has into *buf (grown). */
static void drain(int fd, char **buf, size_t *n, size_t *cap)
{
	for (;;) {
		if (*cap - *n < 65536) {
			*cap = *cap * 2 + 65536;
			*buf = realloc(*buf, *cap);
			assert_non_null(*buf);
		}
		ssize_t r = read(fd, *buf + *n, *cap - *n);
		if (r <= 0)
			return;
		*n += (size_t)r;
	}
}

static void on_fail(void *ctx, int status)
{
	(void)ctx;
	fail_msg("standard output failed (%d)", status);
}

/* Live: each snapshot published goes to the worker; the loop feeds the model
 * meanwhile; the line that comes out is the snapshot's as jansson writes it.
 * With part limits (bytes, pieces; 0: the defaults) the worker writes it to
 * the pipe itself, part by part, and /snapshot's line is made again whole. */
static void live_lines(size_t part_bytes, size_t part_pieces)
{
	struct feed f;
	struct snapshot s;
	uv_loop_t loop;
	int fds[2];
	char *out = NULL;
	size_t n_out = 0, cap = 0, want = 0;
	unsetenv("CCBOARD_JSON_ON_LOOP");
	jbuf_part_limits(part_bytes, part_pieces);
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	feed_open(&f);
	memset(&s, 0, sizeof s);
	struct output o = out_print_new(&loop, fds[1], OUT_PRINT_JSON, OUT_KEEP_NEWEST, on_fail, NULL);
	struct json_pieces jp;
	assert_false(out_print_json_latest(&jp));
	for (int i = 0; i < 30; i++) {
		size_t rn;
		feed_second(&f);
		snapshot_build(&s, f.m, &f.cfg);
		s.contacts = f.c;
		char *ref = fx_dump(&s, snapshot_write_json_ref, &rn);
		o.ops->publish(o.ctx, &s);
		if (i % 2)                               /* else /snapshot asks before the tick ends */
			o.ops->launch(o.ctx);
		assert_true(o.ops->busy(o.ctx));         /* until the loop has the line back */
		for (int k = 0; k < 3; k++)             /* lines read meanwhile */
			fx_feed_contacts(f.m, f.c, "%lld|x%d.%d|q1|NONE|ENTERQUEUE||777|1",
			                 (long long)f.t, i, k);
		size_t cn;                              /* /snapshot: the same line */
		char *copy = out_print_json_copy(&cn);
		assert_non_null(copy);
		fx_same_text(copy, cn, ref, rn, "second %d: /snapshot's copy", i);
		free(copy);
		assert_true(out_print_json_latest(&jp));
		char *got = fx_join(&jp);
		fx_same_text(got, jp.len, ref, rn, "second %d: /snapshot's line", i);
		free(got);
		while (o.ops->busy(o.ctx))
			uv_run(&loop, UV_RUN_ONCE);
		want += rn;
		for (int k = 0; k < 1000 && n_out < want; k++) {
			uv_run(&loop, UV_RUN_NOWAIT);
			drain(fds[0], &out, &n_out, &cap);
		}
		assert_int_equal(n_out, want);
		fx_same_text(out + want - rn, rn, ref, rn, "second %d: written", i); /* whole, in order */
		assert_true(out_print_json_latest(&jp));
		free(ref);
	}
	/* the busy asks above were ticks skipped: said as snapshots dropped */
	struct snap_source src;
	assert_true(o.ops->health(o.ctx, &src));
	assert_non_null(strstr(src.detail, "snapshots dropped"));
	o.ops->stop(o.ctx);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(o.ops->close(o.ctx, 0), 0);
	assert_false(out_print_json_latest(&jp));
	size_t cn;
	assert_null(out_print_json_copy(&cn));
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(uv_loop_close(&loop), 0);
	free(out);
	snapshot_free(&s);
	feed_close(&f);
	jbuf_part_limits(0, 0);
}

static void test_live_lines_off_the_loop(void **state)
{
	(void)state;
	live_lines(0, 0);
}

/* Parts of a few bytes or pieces: cut between every queue and agent. */
static void test_live_lines_in_parts(void **state)
{
	(void)state;
	live_lines(1, 1 << 20);
	live_lines(1 << 20, 1);
	live_lines(200, 6);
}

/* A reader that takes nothing while the worker writes: the rest of the line
 * is copied for it, and the loop writes that once the reader reads; the
 * next line waits behind it, whole (the newest kept). */
static void test_live_slow_reader_gets_the_rest(void **state)
{
	struct feed f;
	struct snapshot s;
	uv_loop_t loop;
	int fds[2];
	char *out = NULL;
	size_t n_out = 0, cap = 0;
	(void)state;
	unsetenv("CCBOARD_JSON_ON_LOOP");
	jbuf_part_limits(64, 4);
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	assert_true(fcntl(fds[1], F_SETPIPE_SZ, 4096) > 0);
	feed_open(&f);
	memset(&s, 0, sizeof s);
	struct output o = out_print_new(&loop, fds[1], OUT_PRINT_JSON, OUT_KEEP_NEWEST, on_fail, NULL);
	char *ref[2];
	size_t rn[2];
	for (int i = 0; i < 2; i++) {
		for (int k = 0; k < 20; k++)
			feed_second(&f);
		snapshot_build(&s, f.m, &f.cfg);
		s.contacts = f.c;
		ref[i] = fx_dump(&s, snapshot_write_json_ref, &rn[i]);
		assert_true(rn[i] > 4096);           /* more than the pipe holds */
		o.ops->publish(o.ctx, &s);
		/* the first line goes out in parts from the worker (/snapshot serves
		 * the line it has meanwhile), the second whole behind its rest */
		assert_int_equal(out_print_json_writing(), i == 0);
		o.ops->launch(o.ctx);
		while (o.ops->busy(o.ctx))
			uv_run(&loop, UV_RUN_ONCE);
		assert_false(out_print_json_writing());
		size_t cn;                           /* /snapshot: still the line whole */
		char *copy = out_print_json_copy(&cn);
		assert_non_null(copy);
		fx_same_text(copy, cn, ref[i], rn[i], "line %d: /snapshot's copy", i);
		free(copy);
		struct json_pieces jp;
		assert_true(out_print_json_latest(&jp));
		char *got = fx_join(&jp);
		fx_same_text(got, jp.len, ref[i], rn[i], "line %d: /snapshot's line", i);
		free(got);
	}
	for (int k = 0; k < 100000 && n_out < rn[0] + rn[1]; k++) {
		uv_run(&loop, UV_RUN_NOWAIT);
		drain(fds[0], &out, &n_out, &cap);
	}
	assert_int_equal(n_out, rn[0] + rn[1]);
	fx_same_text(out, rn[0], ref[0], rn[0], "first line");
	fx_same_text(out + rn[0], rn[1], ref[1], rn[1], "second line");
	o.ops->stop(o.ctx);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(o.ops->close(o.ctx, 0), 0);
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(uv_loop_close(&loop), 0);
	free(out);
	free(ref[0]);
	free(ref[1]);
	snapshot_free(&s);
	feed_close(&f);
	jbuf_part_limits(0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_line_is_whole),
		cmocka_unit_test(test_split_line_outlives_callbacks),
		cmocka_unit_test(test_live_lines_off_the_loop),
		cmocka_unit_test(test_live_lines_in_parts),
		cmocka_unit_test(test_live_slow_reader_gets_the_rest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
