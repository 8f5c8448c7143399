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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_in_order),
		cmocka_unit_test(test_one_read),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_stop_early),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
