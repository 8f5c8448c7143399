/* test_source_net.c - the TCP and Unix listeners on a real loop, with forked
 * clients writing through plain blocking sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "source_net.h"

#define MAX_KIDS 80

struct harness {
	uv_loop_t loop;
	uv_timer_t timer;
	struct source *src;
	pid_t kids[MAX_KIDS];
	int n_kids, live_kids;
	uint64_t lines, expect, done_calls;
	uint64_t per_client[16];        /* lines seen by client index (from the line text) */
	uint64_t seq_errors;            /* a client's lines out of order or damaged */
	int64_t next_seq[16];
	int max_clients_seen;
	int ticks, max_ticks;
};

/* Lines look like "1596191926|c<client>-<seq>|q|NONE|ENTERQUEUE||x|1". */
static void on_line(void *ctx, struct source *src, char *line, size_t len)
{
	struct harness *h = ctx;
	(void)src;
	h->lines++;
	unsigned client;
	long seq;
	if (len != strlen(line) || sscanf(line, "1596191926|c%u-%ld|q|", &client, &seq) != 2 ||
	    client >= 16) {
		h->seq_errors++;
		return;
	}
	if (seq != h->next_seq[client])
		h->seq_errors++;
	h->next_seq[client] = seq + 1;
	h->per_client[client]++;
}

static void on_done(void *ctx, struct source *src)
{
	struct harness *h = ctx;
	(void)src;
	h->done_calls++;
}

static void on_timer(uv_timer_t *t)
{
	struct harness *h = t->data;
	for (int i = 0; i < h->n_kids; i++) {
		if (h->kids[i] > 0 && waitpid(h->kids[i], NULL, WNOHANG) == h->kids[i]) {
			h->kids[i] = 0;
			h->live_kids--;
		}
	}
	if (h->src && h->src->info.clients > h->max_clients_seen)
		h->max_clients_seen = h->src->info.clients;
	bool settled = h->live_kids == 0 && h->src && h->src->info.clients == 0;
	if ((settled && h->lines >= h->expect) || ++h->ticks > h->max_ticks)
		uv_stop(&h->loop);
}

static struct harness *harness_new(const char *spec, bool follow)
{
	struct harness *h = calloc(1, sizeof *h);
	assert_non_null(h);
	assert_int_equal(uv_loop_init(&h->loop), 0);
	uv_timer_init(&h->loop, &h->timer);
	h->timer.data = h;
	h->max_ticks = 600;            /* 30 s */
	struct source_sink sink = { h, on_line, NULL, on_done };
	struct source_opts opts = { .follow = follow, .max_line = 64 * 1024 };
	char *cause = NULL;
	h->src = source_net_open(&h->loop, spec, &opts, &sink, &cause);
	if (!h->src)
		fail_msg("open %s: %s", spec, cause);
	return h;
}

static void harness_run(struct harness *h)
{
	uv_timer_start(&h->timer, on_timer, 50, 50);
	uv_run(&h->loop, UV_RUN_DEFAULT);
}

/* What source_close does (source.c), so that this test needs only source_net.c. */
static void close_src(struct source *src)
{
	void (*close_impl)(struct source *) = src->close_impl;
	memset(&src->sink, 0, sizeof src->sink);
	src->close_impl = NULL;
	close_impl(src);
}

static void harness_free(struct harness *h)
{
	for (int i = 0; i < h->n_kids; i++)
		if (h->kids[i] > 0) {
			kill(h->kids[i], SIGKILL);
			waitpid(h->kids[i], NULL, 0);
		}
	if (h->src)
		close_src(h->src);
	uv_close((uv_handle_t *)&h->timer, NULL);
	uv_run(&h->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&h->loop), 0);
	free(h);
}

/* --- clients (in forked children) */

static int connect_to(const char *unix_path, int port)
{
	int fd;
	if (unix_path) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		snprintf(sa.sun_path, sizeof sa.sun_path, "%s", unix_path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
			_exit(3);
		return fd;
	}
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		_exit(3);
	return fd;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			_exit(0);              /* cut off: that is what some tests expect */
		p += w;
		n -= (size_t)w;
	}
}

enum kid_kind { KID_LINES, KID_NO_NEWLINE, KID_GARBAGE, KID_HOLD };

static void kid_main(enum kid_kind kind, const char *unix_path, int port, unsigned client, long n)
{
	signal(SIGPIPE, SIG_IGN);
	int fd = connect_to(unix_path, port);
	static char buf[64 * 1024];
	size_t used = 0;
	switch (kind) {
	case KID_LINES:
		for (long i = 0; i < n; i++) {
			if (used > sizeof buf - 128) {
				write_all(fd, buf, used);
				used = 0;
			}
			used += (size_t)snprintf(buf + used, sizeof buf - used,
			                         "1596191926|c%u-%ld|q|NONE|ENTERQUEUE||x|1\n", client, i);
		}
		write_all(fd, buf, used);
		break;
	case KID_NO_NEWLINE:
		memset(buf, 'a', sizeof buf);
		for (long sent = 0; sent < n; sent += (long)sizeof buf)
			write_all(fd, buf, sizeof buf);
		break;
	case KID_GARBAGE: {
		uint32_t x = 2463534242u;
		for (size_t i = 0; i < sizeof buf; i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			buf[i] = (char)(x & 0xff);
			if (buf[i] == '\n')
				buf[i] = 'n';      /* lines stay short: only the content is bad */
		}
		for (long sent = 0; sent < n; sent += (long)sizeof buf)
			write_all(fd, buf, sizeof buf);
		break;
	}
	case KID_HOLD:
		sleep((unsigned)n);
		break;
	}
	close(fd);
	_exit(0);
}

static void spawn(struct harness *h, enum kid_kind kind, const char *unix_path, unsigned client,
                  long n)
{
	assert_true(h->n_kids < MAX_KIDS);
	int port = unix_path ? -1 : source_net_port(h->src);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		kid_main(kind, unix_path, port, client, n);
	h->kids[h->n_kids++] = pid;
	h->live_kids++;
}

/* --- tests */

static void test_tcp_100k_lines_from_four_clients(void **state)
{
	(void)state;
	struct harness *h = harness_new("tcp:127.0.0.1:0", true);
	assert_true(source_net_port(h->src) > 0);
	assert_string_equal(h->src->info.kind, "tcp");
	assert_int_equal(h->src->info.state, SRC_LISTENING);
	for (unsigned c = 0; c < 4; c++)
		spawn(h, KID_LINES, NULL, c, 25000);
	h->expect = 100000;
	harness_run(h);
	assert_int_equal(h->lines, 100000);
	assert_int_equal(h->seq_errors, 0);
	for (unsigned c = 0; c < 4; c++)
		assert_int_equal(h->per_client[c], 25000);
	assert_int_equal(h->src->info.lines, 100000);
	assert_true(h->src->info.bytes > 100000 * 40);
	assert_int_equal(h->src->info.clients, 0);
	assert_int_equal(h->done_calls, 0);        /* following: never done */
	harness_free(h);
}

static void test_tcp_bad_clients_cut_off_others_carry_on(void **state)
{
	(void)state;
	struct harness *h = harness_new("tcp::0", true);   /* empty host: loopback */
	spawn(h, KID_NO_NEWLINE, NULL, 9, 10L * 1024 * 1024);
	spawn(h, KID_GARBAGE, NULL, 8, 1L * 1024 * 1024);
	spawn(h, KID_LINES, NULL, 1, 20000);
	spawn(h, KID_LINES, NULL, 2, 20000);
	h->expect = 40000;
	harness_run(h);
	assert_int_equal(h->per_client[1], 20000);
	assert_int_equal(h->per_client[2], 20000);
	assert_int_equal(h->seq_errors, 0);        /* nothing of the bad ones got through */
	assert_int_equal(h->lines, 40000);
	assert_non_null(strstr(h->src->info.detail, "cut off"));
	assert_int_equal(h->src->info.clients, 0);
	harness_free(h);
}

static void test_tcp_garbage_detail(void **state)
{
	(void)state;
	struct harness *h = harness_new("tcp:localhost:0", true);
	spawn(h, KID_GARBAGE, NULL, 8, 1L * 1024 * 1024);
	harness_run(h);
	assert_non_null(strstr(h->src->info.detail, "binary data"));
	assert_int_equal(h->lines, 0);
	harness_free(h);
}

static void test_tcp_no_newline_detail(void **state)
{
	(void)state;
	struct harness *h = harness_new("tcp:127.0.0.1:0", true);
	spawn(h, KID_NO_NEWLINE, NULL, 9, 10L * 1024 * 1024);
	harness_run(h);
	assert_non_null(strstr(h->src->info.detail, "line longer than 65536 bytes"));
	assert_int_equal(h->lines, 0);
	assert_true(h->src->info.bytes < 10L * 1024 * 1024);   /* cut off early */
	harness_free(h);
}

static void test_client_cap(void **state)
{
	(void)state;
	struct harness *h = harness_new("tcp:127.0.0.1:0", true);
	for (int i = 0; i < NET_MAX_CLIENTS + 6; i++)
		spawn(h, KID_HOLD, NULL, 0, 2);
	harness_run(h);
	assert_int_equal(h->max_clients_seen, NET_MAX_CLIENTS);
	assert_non_null(strstr(h->src->info.detail, "0 clients"));
	harness_free(h);
}

static void test_unix_socket_and_done(void **state)
{
	(void)state;
	char path[108];
	snprintf(path, sizeof path, "/tmp/ccb-net-test-%d.sock", (int)getpid());
	char spec[128];
	snprintf(spec, sizeof spec, "unix:%s", path);
	struct harness *h = harness_new(spec, false);
	assert_string_equal(h->src->info.kind, "unix");
	spawn(h, KID_LINES, path, 3, 5000);
	spawn(h, KID_LINES, path, 4, 5000);
	h->expect = 10000;
	harness_run(h);
	assert_int_equal(h->lines, 10000);
	assert_int_equal(h->seq_errors, 0);
	assert_int_equal(h->done_calls, 1);        /* not following: done once all left */
	assert_int_equal(h->src->info.state, SRC_DONE);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	harness_free(h);
	assert_int_not_equal(lstat(path, &st), 0); /* removed on close */
}

static void test_bad_specs(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct source_sink sink = { 0 };
	static const char *const bad[] = { "tcp:7070", "tcp:127.0.0.1:70000", "tcp:127.0.0.1:x",
		"unix:", "unix:/etc/passwd", "tcp:no-such-host.invalid:7070" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *cause = NULL;
		struct source *s = source_net_open(&loop, bad[i], NULL, &sink, &cause);
		assert_null(s);
		assert_non_null(cause);
		free(cause);
	}
	/* the same port twice */
	char *cause = NULL;
	struct source *a = source_net_open(&loop, "tcp:127.0.0.1:0", NULL, &sink, &cause);
	assert_non_null(a);
	char spec[64];
	snprintf(spec, sizeof spec, "tcp:127.0.0.1:%d", source_net_port(a));
	struct source *b = source_net_open(&loop, spec, NULL, &sink, &cause);
	assert_null(b);
	assert_non_null(strstr(cause, "address already in use"));
	free(cause);
	close_src(a);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_100k_lines_from_four_clients),
		cmocka_unit_test(test_tcp_bad_clients_cut_off_others_carry_on),
		cmocka_unit_test(test_tcp_garbage_detail),
		cmocka_unit_test(test_tcp_no_newline_detail),
		cmocka_unit_test(test_client_cap),
		cmocka_unit_test(test_unix_socket_and_done),
		cmocka_unit_test(test_bad_specs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
