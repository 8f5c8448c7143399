/* test_out_stream.c - standard output without blocking: a stalled pipe keeps
 * the chunk being written and the newest waiting (the others counted as
 * dropped), every chunk goes out whole and in order, the shared descriptor's
 * flags are left alone, a flush is bounded, a reader that goes is EPIPE; a
 * chunk lent as pieces arrives whole, also when it is copied (detached) in
 * the middle of a write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "out_stream.h"

#define PIPE_SET_SIZE 1031       /* F_SETPIPE_SZ */
#define CHUNK 3000
#define CAP (1 << 20)

struct fixture {
	uv_loop_t loop;
	int rfd, wfd;
	struct out_stream *os;
	int errors, last_error;
	char *got;
	size_t n_got;
};

static void on_error(void *ctx, int err)
{
	struct fixture *f = ctx;
	f->errors++;
	f->last_error = err;
}

static char *chunk_of(char ch, size_t n)
{
	char *p = malloc(n);
	assert_non_null(p);
	memset(p, ch, n);
	return p;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int setup_pipe(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	f->rfd = fds[0];
	f->wfd = fds[1];
	assert_true(fcntl(f->wfd, PIPE_SET_SIZE, 4096) >= 4096);   /* one chunk fills it */
	f->got = malloc(CAP);
	assert_int_equal(uv_loop_init(&f->loop), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (f->os) {
		out_stream_stop(f->os);
		uv_run(&f->loop, UV_RUN_DEFAULT);
		out_stream_free(f->os);
	}
	assert_int_equal(uv_loop_close(&f->loop), 0);
	if (f->rfd >= 0)
		close(f->rfd);
	close(f->wfd);
	free(f->got);
	free(f);
	return 0;
}

/* Reads what comes on rfd while running the loop, until want bytes came. */
static void drain(struct fixture *f, size_t want)
{
	int64_t deadline = now_ms() + 5000;
	while (f->n_got < want && now_ms() < deadline) {
		struct pollfd p = { .fd = f->rfd, .events = POLLIN };
		uv_run(&f->loop, UV_RUN_NOWAIT);
		if (poll(&p, 1, 10) > 0) {
			ssize_t n = read(f->rfd, f->got + f->n_got, CAP - f->n_got);
			if (n > 0)
				f->n_got += (size_t)n;
		}
	}
	uv_run(&f->loop, UV_RUN_NOWAIT);
}

static void assert_run_of(const char *p, char ch, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ch)
			fail_msg("byte %zu is '%c', expected '%c'", i, p[i], ch);
}

static void test_pipe_keeps_newest(void **state)
{
	struct fixture *f = *state;
	int flags = fcntl(f->wfd, F_GETFL);
	f->os = out_stream_new(&f->loop, f->wfd, OUT_KEEP_NEWEST, on_error, f);
	for (char ch = 'a'; ch <= 'e'; ch++)                 /* returns at once: nobody reads */
		assert_int_equal(out_stream_write(f->os, chunk_of(ch, CHUNK), CHUNK), 0);
	struct out_stream_stats st = out_stream_stats(f->os);
	assert_int_equal(st.written, 1);
	assert_int_equal(st.dropped, 2);                     /* c and d, replaced by newer ones */
	assert_int_equal(st.pending, 2);                     /* b being written, e waiting */
	assert_int_equal(fcntl(f->wfd, F_GETFL), flags);     /* the shared description untouched */

	drain(f, 3 * CHUNK);
	assert_int_equal(f->n_got, 3 * CHUNK);
	assert_run_of(f->got, 'a', CHUNK);
	assert_run_of(f->got + CHUNK, 'b', CHUNK);
	assert_run_of(f->got + 2 * CHUNK, 'e', CHUNK);
	st = out_stream_stats(f->os);
	assert_int_equal(st.written, 3);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.bytes, 3 * CHUNK);
	assert_int_equal(f->errors, 0);
}

static void test_pipe_keeps_all(void **state)
{
	struct fixture *f = *state;
	f->os = out_stream_new(&f->loop, f->wfd, OUT_KEEP_ALL, on_error, f);
	for (char ch = 'a'; ch <= 'h'; ch++)
		assert_int_equal(out_stream_write(f->os, chunk_of(ch, CHUNK), CHUNK), 0);
	assert_int_equal(out_stream_stats(f->os).dropped, 0);
	drain(f, 8 * CHUNK);
	assert_int_equal(f->n_got, 8 * CHUNK);
	for (int i = 0; i < 8; i++)
		assert_run_of(f->got + (size_t)i * CHUNK, (char)('a' + i), CHUNK);
}

/* A chunk bigger than the pipe goes out in pieces, whole in the end. */
static void test_big_chunk_in_pieces(void **state)
{
	struct fixture *f = *state;
	size_t big = 100000;
	f->os = out_stream_new(&f->loop, f->wfd, OUT_KEEP_NEWEST, on_error, f);
	assert_int_equal(out_stream_write(f->os, chunk_of('x', big), big), 0);
	assert_int_equal(out_stream_write(f->os, chunk_of('y', CHUNK), CHUNK), 0);
	drain(f, big + CHUNK);
	assert_int_equal(f->n_got, big + CHUNK);
	assert_run_of(f->got, 'x', big);
	assert_run_of(f->got + big, 'y', CHUNK);
}

static void test_flush_is_bounded(void **state)
{
	struct fixture *f = *state;
	f->os = out_stream_new(&f->loop, f->wfd, OUT_KEEP_NEWEST, on_error, f);
	assert_int_equal(out_stream_write(f->os, chunk_of('a', CHUNK), CHUNK), 0);
	assert_int_equal(out_stream_write(f->os, chunk_of('b', CHUNK), CHUNK), 0);
	int64_t t0 = now_ms();
	assert_int_equal(out_stream_flush(f->os, 200), UV_ETIMEDOUT);
	int64_t took = now_ms() - t0;
	assert_true(took >= 150 && took < 2000);
	/* the reader comes back: the flush finishes */
	char tmp[CHUNK];
	assert_int_equal(read(f->rfd, tmp, sizeof tmp), CHUNK);
	assert_int_equal(out_stream_flush(f->os, 2000), 0);
	assert_int_equal(out_stream_stats(f->os).pending, 0);
}

static void test_reader_gone(void **state)
{
	struct fixture *f = *state;
	f->os = out_stream_new(&f->loop, f->wfd, OUT_KEEP_NEWEST, on_error, f);
	assert_int_equal(out_stream_write(f->os, chunk_of('a', CHUNK), CHUNK), 0);
	assert_int_equal(out_stream_write(f->os, chunk_of('b', CHUNK), CHUNK), 0);
	close(f->rfd);                                      /* b is pending: found by the poll */
	f->rfd = -1;
	int64_t deadline = now_ms() + 5000;
	while (f->errors == 0 && now_ms() < deadline)
		uv_run(&f->loop, UV_RUN_ONCE);
	assert_int_equal(f->errors, 1);
	assert_int_equal(f->last_error, UV_EPIPE);
	assert_int_equal(out_stream_write(f->os, chunk_of('c', CHUNK), CHUNK), UV_EPIPE);
	assert_int_equal(out_stream_stats(f->os).pending, 0);
}

/* A socket cannot be reopened: send(MSG_DONTWAIT) leaves its flags alone. */
static void test_socket(void **state)
{
	struct fixture *f = *state;
	int sv[2], small = 4096;
	close(f->rfd);
	close(f->wfd);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	f->rfd = sv[0];
	f->wfd = sv[1];
	setsockopt(f->wfd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
	setsockopt(f->rfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	int flags = fcntl(f->wfd, F_GETFL);
	f->os = out_stream_new(&f->loop, f->wfd, OUT_KEEP_NEWEST, on_error, f);
	for (int i = 0; i < 40; i++)
		assert_int_equal(out_stream_write(f->os, chunk_of((char)('A' + i), CHUNK), CHUNK), 0);
	struct out_stream_stats st = out_stream_stats(f->os);
	assert_true(st.dropped > 0);
	assert_int_equal(st.written + st.dropped + st.pending, 40);
	assert_int_equal(fcntl(f->wfd, F_GETFL), flags);
	drain(f, (size_t)(40 - st.dropped) * CHUNK);
	assert_int_equal(f->n_got, (size_t)(40 - st.dropped) * CHUNK);
	for (size_t off = 0; off < f->n_got; off += CHUNK)   /* whole chunks, in order */
		assert_run_of(f->got + off, f->got[off], CHUNK);
	assert_int_equal(f->got[f->n_got - 1], 'A' + 39);
}

static void test_regular_file(void **state)
{
	struct fixture *f = *state;
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	int fd = fileno(tmp);
	f->os = out_stream_new(&f->loop, fd, OUT_KEEP_NEWEST, on_error, f);
	for (char ch = 'a'; ch <= 'e'; ch++)
		assert_int_equal(out_stream_write(f->os, chunk_of(ch, CHUNK), CHUNK), 0);
	struct out_stream_stats st = out_stream_stats(f->os);
	assert_int_equal(st.written, 5);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(lseek(fd, 0, SEEK_END), 5 * CHUNK);
	fclose(tmp);
}

/* ---- chunks lent as pieces ------------------------------------------------------ */

#define PIECE 37                 /* prime: a 4096-byte pipe write ends inside a piece */
#define N_PIECES 3000            /* more than IOV_MAX per writev */

/* A line lent as pieces: N_PIECES pieces of PIECE bytes spread over mem with
 * gaps between them, an empty piece after every tenth; want: the line. */
struct lent {
	char *mem, *want;
	struct iovec *iov;
	size_t n, len;
};

static void lent_make(struct lent *l, unsigned seed)
{
	size_t at = 0;
	l->mem = malloc(N_PIECES * (PIECE + 3));
	l->want = malloc(N_PIECES * PIECE);
	l->iov = calloc(N_PIECES + N_PIECES / 10 + 1, sizeof *l->iov);
	assert_true(l->mem && l->want && l->iov);
	memset(l->mem, '#', N_PIECES * (PIECE + 3));
	l->n = l->len = 0;
	for (size_t i = 0; i < N_PIECES; i++, at += PIECE + 3) {
		char *p = l->mem + at;
		for (size_t k = 0; k < PIECE; k++)          /* each byte tells where it is */
			p[k] = (char)('0' + (seed * 7 + l->len + k + (l->len + k) / 75) % 75);
		memcpy(l->want + l->len, p, PIECE);
		l->iov[l->n++] = (struct iovec){ p, PIECE };
		if (i % 10 == 0)
			l->iov[l->n++] = (struct iovec){ p, 0 };
		l->len += PIECE;
	}
}

/* What a lender does once its pieces are taken back: the bytes change, the
 * iovecs point elsewhere. */
static void lent_scribble(struct lent *l)
{
	memset(l->mem, 'Z', N_PIECES * (PIECE + 3));
	for (size_t i = 0; i < l->n; i++)
		l->iov[i].iov_base = l->mem + (i * 5) % 64;
}

static void lent_free(struct lent *l)
{
	free(l->mem);
	free(l->want);
	free(l->iov);
}

/* Reads what comes on rfd at most step bytes a time, running the loop. */
static void drain_slowly(struct fixture *f, size_t want, size_t step)
{
	int64_t deadline = now_ms() + 10000;
	while (f->n_got < want && now_ms() < deadline) {
		struct pollfd p = { .fd = f->rfd, .events = POLLIN };
		uv_run(&f->loop, UV_RUN_NOWAIT);
		if (poll(&p, 1, 10) > 0) {
			size_t room = CAP - f->n_got;
			ssize_t n = read(f->rfd, f->got + f->n_got, room < step ? room : step);
			if (n > 0)
				f->n_got += (size_t)n;
		}
	}
	uv_run(&f->loop, UV_RUN_NOWAIT);
}

static void assert_same(const char *got, const char *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("byte %zu is '%c', expected '%c'", i, got[i], want[i]);
}

/* A line lent as pieces, read slowly: it goes out in many partial writes
 * that end inside pieces, byte for byte, and is then no longer borrowed. */
static void test_pieces_read_slowly(void **state)
{
	struct fixture *f = *state;
	struct lent a;
	lent_make(&a, 1);
	f->os = out_stream_new(&f->loop, f->wfd, OUT_KEEP_NEWEST, on_error, f);
	assert_int_equal(out_stream_write_pieces(f->os, a.iov, a.n, a.len), 0);
	assert_true(out_stream_borrows(f->os));
	drain_slowly(f, a.len, 1000);
	assert_int_equal(f->n_got, a.len);
	assert_same(f->got, a.want, a.len);
	struct out_stream_stats st = out_stream_stats(f->os);
	assert_int_equal(st.written, 1);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.bytes, a.len);
	assert_false(out_stream_borrows(f->os));
	lent_free(&a);
}

/* A line half written and a newer one waiting, both lent, are detached: the
 * stream copies what is left of them, and the pieces can change at once;
 * the reader still gets both lines whole, nothing twice. The newest after
 * that replaces the waiting copy without copying itself. */
static void test_pieces_detached_mid_write(void **state)
{
	struct fixture *f = *state;
	struct lent a, b, c;
	lent_make(&a, 1);
	lent_make(&b, 2);
	lent_make(&c, 3);
	f->os = out_stream_new(&f->loop, f->wfd, OUT_KEEP_NEWEST, on_error, f);
	assert_int_equal(out_stream_write_pieces(f->os, a.iov, a.n, a.len), 0);
	drain_slowly(f, 10000, 1000);                 /* a is partly written */
	struct out_stream_stats st = out_stream_stats(f->os);
	assert_true(st.bytes > 0 && st.bytes < a.len);
	assert_true(st.bytes % PIECE != 0);           /* it stopped inside a piece */
	assert_int_equal(out_stream_write_pieces(f->os, b.iov, b.n, b.len), 0);
	assert_int_equal(out_stream_stats(f->os).pending, 2);

	out_stream_detach(f->os);
	assert_false(out_stream_borrows(f->os));
	lent_scribble(&a);
	lent_scribble(&b);

	drain_slowly(f, a.len + b.len, 777);
	assert_int_equal(f->n_got, a.len + b.len);
	assert_same(f->got, a.want, a.len);
	assert_same(f->got + a.len, b.want, b.len);
	st = out_stream_stats(f->os);
	assert_int_equal(st.written, 2);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.bytes, a.len + b.len);

	/* stalled again: c waits behind a copy of b's rest and is dropped, not
	 * copied, before a newer line; that one is then written */
	f->n_got = 0;
	lent_free(&b);
	lent_make(&b, 4);
	assert_int_equal(out_stream_write_pieces(f->os, b.iov, b.n, b.len), 0);
	assert_int_equal(out_stream_write_pieces(f->os, c.iov, c.n, c.len), 0);
	out_stream_detach(f->os);                     /* copies b's rest and c whole */
	out_stream_drop_waiting(f->os);               /* c goes */
	assert_int_equal(out_stream_stats(f->os).dropped, 1);
	assert_int_equal(out_stream_stats(f->os).pending, 1);
	lent_scribble(&b);
	drain_slowly(f, b.len, 4096);
	assert_int_equal(f->n_got, b.len);
	assert_same(f->got, b.want, b.len);
	lent_free(&a);
	lent_free(&b);
	lent_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pipe_keeps_newest, setup_pipe, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_keeps_all, setup_pipe, teardown),
		cmocka_unit_test_setup_teardown(test_big_chunk_in_pieces, setup_pipe, teardown),
		cmocka_unit_test_setup_teardown(test_flush_is_bounded, setup_pipe, teardown),
		cmocka_unit_test_setup_teardown(test_reader_gone, setup_pipe, teardown),
		cmocka_unit_test_setup_teardown(test_socket, setup_pipe, teardown),
		cmocka_unit_test_setup_teardown(test_regular_file, setup_pipe, teardown),
		cmocka_unit_test_setup_teardown(test_pieces_read_slowly, setup_pipe, teardown),
		cmocka_unit_test_setup_teardown(test_pieces_detached_mid_write, setup_pipe, teardown),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
