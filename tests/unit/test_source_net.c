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
#include <errno.h>
#include <netdb.h>
#include <sys/time.h>

#include "config.h"

#define MAX_KIDS 80

struct harness;
typedef bool (*until_fn)(struct harness *h);

struct harness {
	uv_loop_t loop;
	uv_timer_t timer;
	struct source *src;
	struct config cfg;
	pid_t kids[MAX_KIDS];
	int n_kids, live_kids;
	int bad_exits;                  /* children that exited non-zero or died */
	char bad_exit_msg[128];
	struct sockaddr_storage dest;   /* where the next tcp client connects */
	until_fn until;
	bool timed_out;
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

/* Reaps the children that ended, noting any that did not exit 0. */
static void reap_kids(struct harness *h)
{
	for (int i = 0; i < h->n_kids; i++) {
		int st;
		if (h->kids[i] <= 0 || waitpid(h->kids[i], &st, WNOHANG) != h->kids[i])
			continue;
		h->kids[i] = 0;
		h->live_kids--;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			h->bad_exits++;
			snprintf(h->bad_exit_msg, sizeof h->bad_exit_msg, "child %d: %s %d", i,
			         WIFEXITED(st) ? "exit" : "signal",
			         WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		}
	}
}

static void on_timer(uv_timer_t *t)
{
	struct harness *h = t->data;
	reap_kids(h);
	if (h->src && h->src->info.clients > h->max_clients_seen)
		h->max_clients_seen = h->src->info.clients;
	if (h->until(h)) {
		uv_stop(&h->loop);
	} else if (++h->ticks > h->max_ticks) {
		h->timed_out = true;
		uv_stop(&h->loop);
	}
}

static void dest_set(struct harness *h, int family, const char *addr, int port)
{
	memset(&h->dest, 0, sizeof h->dest);
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&h->dest;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		assert_int_equal(inet_pton(AF_INET6, addr, &a->sin6_addr), 1);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&h->dest;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		assert_int_equal(inet_pton(AF_INET, addr, &a->sin_addr), 1);
	}
}

/* Opens spec with cfg's [sources] settings (allow, idle_timeout_s). */
static struct harness *harness_new_cfg(const char *spec, bool follow, const char *allow,
                                       int idle_s)
{
	struct harness *h = calloc(1, sizeof *h);
	assert_non_null(h);
	assert_int_equal(uv_loop_init(&h->loop), 0);
	uv_timer_init(&h->loop, &h->timer);
	h->timer.data = h;
	h->max_ticks = 600;            /* 30 s */
	config_defaults(&h->cfg);
	h->cfg.listen_allow = allow ? strdup(allow) : NULL;
	h->cfg.listen_idle_s = idle_s;
	struct source_sink sink = { h, on_line, NULL, on_done };
	struct source_opts opts = { .follow = follow, .max_line = 64 * 1024, .cfg = &h->cfg };
	char *cause = NULL;
	h->src = source_net_open(&h->loop, spec, &opts, &sink, &cause);
	if (!h->src) {                 /* fail_msg does not return: free first */
		char why[256];
		snprintf(why, sizeof why, "%s", cause ? cause : "(no cause)");
		free(cause);
		uv_close((uv_handle_t *)&h->timer, NULL);
		uv_run(&h->loop, UV_RUN_DEFAULT);
		uv_loop_close(&h->loop);
		config_free(&h->cfg);
		free(h);
		fail_msg("open %s: %s", spec, why);
	}
	if (strncmp(spec, "tcp:", 4) == 0)
		dest_set(h, AF_INET, "127.0.0.1", source_net_port(h->src));
	return h;
}

static struct harness *harness_new(const char *spec, bool follow)
{
	return harness_new_cfg(spec, follow, NULL, NET_DEFAULT_IDLE_S);
}

/* Runs the loop until the test's condition holds; fails on the deadline and
 * on any child that did not exit 0. */
static void harness_run(struct harness *h, until_fn until)
{
	h->until = until;
	h->ticks = 0;
	h->timed_out = false;
	uv_timer_start(&h->timer, on_timer, 50, 50);
	uv_run(&h->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&h->timer);
	if (h->timed_out)
		fail_msg("condition not met within %d ms; lines %llu, detail '%s'", h->max_ticks * 50,
		         (unsigned long long)h->lines, h->src->info.detail);
	if (h->bad_exits)
		fail_msg("%d client(s) failed, last %s", h->bad_exits, h->bad_exit_msg);
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
	config_free(&h->cfg);
	free(h);
}

/* --- clients (in forked children) */

static int connect_to(const char *unix_path, const struct sockaddr_storage *dest)
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
	socklen_t len = dest->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                            : sizeof(struct sockaddr_in);
	fd = socket(dest->ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)dest, len) != 0)
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

/* Waits up to secs for the listener to close the connection: exits 0 when it
 * does, 4 when it did not. */
static void hold_until_closed(int fd, long secs)
{
	struct timeval tv = { .tv_sec = secs };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char c;
	ssize_t n;
	do
		n = read(fd, &c, 1);
	while (n > 0 || (n < 0 && errno == EINTR));
	_exit(n == 0 || errno == ECONNRESET ? 0 : 4);
}

enum kid_kind { KID_LINES, KID_NO_NEWLINE, KID_GARBAGE, KID_HOLD, KID_HOLD_CLOSED };

static void kid_main(enum kid_kind kind, const char *unix_path,
                     const struct sockaddr_storage *dest, unsigned client, long n)
{
	signal(SIGPIPE, SIG_IGN);
	int fd = connect_to(unix_path, dest);
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
	case KID_HOLD_CLOSED:
		hold_until_closed(fd, n);
		break;
	}
	close(fd);
	_exit(0);
}

static void spawn(struct harness *h, enum kid_kind kind, const char *unix_path, unsigned client,
                  long n)
{
	assert_true(h->n_kids < MAX_KIDS);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		kid_main(kind, unix_path, &h->dest, client, n);
	h->kids[h->n_kids++] = pid;
	h->live_kids++;
}

static bool detail_has(struct harness *h, const char *what)
{
	return strstr(h->src->info.detail, what) != NULL;
}

/* The usual end: every client has sent everything and gone. */
static bool until_all_lines(struct harness *h)
{
	return h->lines >= h->expect && h->live_kids == 0 && h->src->info.clients == 0;
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
	harness_run(h, until_all_lines);
	assert_int_equal(h->lines, 100000);
	assert_int_equal(h->seq_errors, 0);
	for (unsigned c = 0; c < 4; c++)
		assert_int_equal(h->per_client[c], 25000);
	assert_int_equal(h->src->info.lines, 100000);
	assert_int_equal(h->src->info.bad_lines, 0);
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
	harness_run(h, until_all_lines);
	assert_int_equal(h->per_client[1], 20000);
	assert_int_equal(h->per_client[2], 20000);
	assert_int_equal(h->seq_errors, 0);        /* nothing of the bad ones got through */
	assert_int_equal(h->lines, 40000);
	assert_non_null(strstr(h->src->info.detail, "2 cut off"));
	assert_int_equal(h->src->info.bad_lines, 1);   /* the over-long line */
	assert_int_equal(h->src->info.clients, 0);
	harness_free(h);
}

static bool until_binary_cut_off(struct harness *h)
{
	return detail_has(h, "binary data") && h->live_kids == 0;
}

/* localhost is whatever the machine's resolver says (::1 first on a stock
 * Debian): the listener is on every address, so a client on 127.0.0.1 gets
 * through either way. */
static void test_tcp_garbage_detail(void **state)
{
	(void)state;
	struct harness *h = harness_new("tcp:localhost:0", true);
	spawn(h, KID_GARBAGE, NULL, 8, 1L * 1024 * 1024);
	harness_run(h, until_binary_cut_off);
	assert_int_equal(h->lines, 0);
	harness_free(h);
}

static bool until_overlong_cut_off(struct harness *h)
{
	return detail_has(h, "line longer than 65536 bytes") && h->live_kids == 0;
}

static void test_tcp_no_newline_detail(void **state)
{
	(void)state;
	struct harness *h = harness_new("tcp:127.0.0.1:0", true);
	spawn(h, KID_NO_NEWLINE, NULL, 9, 10L * 1024 * 1024);
	harness_run(h, until_overlong_cut_off);
	assert_int_equal(h->lines, 0);
	assert_int_equal(h->src->info.lines, 1);       /* counted like any bad line */
	assert_int_equal(h->src->info.bad_lines, 1);
	assert_true(h->src->info.bytes < 10L * 1024 * 1024);   /* cut off early */
	harness_free(h);
}

/* Every address localhost resolves to (as the listener resolves it) takes
 * pushed lines on the same port. */
static void test_tcp_localhost_every_address(void **state)
{
	(void)state;
	struct harness *h = harness_new("tcp:localhost:0", true);
	int port = source_net_port(h->src);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	                          .ai_flags = AI_PASSIVE }, *ai = NULL;
	assert_int_equal(getaddrinfo("localhost", NULL, &hints, &ai), 0);
	unsigned n = 0;
	for (struct addrinfo *p = ai; p && n < 8; p = p->ai_next) {
		memcpy(&h->dest, p->ai_addr, p->ai_addrlen);
		if (p->ai_family == AF_INET6)
			((struct sockaddr_in6 *)&h->dest)->sin6_port = htons((uint16_t)port);
		else
			((struct sockaddr_in *)&h->dest)->sin_port = htons((uint16_t)port);
		spawn(h, KID_LINES, NULL, n++, 100);
	}
	freeaddrinfo(ai);
	h->expect = 100 * n;
	harness_run(h, until_all_lines);
	for (unsigned c = 0; c < n; c++)
		assert_int_equal(h->per_client[c], 100);
	harness_free(h);
}

static bool until_cap_filled(struct harness *h)
{
	return h->src->info.clients == NET_MAX_CLIENTS && h->live_kids == NET_MAX_CLIENTS;
}

static bool until_pusher_through(struct harness *h)
{
	return h->per_client[5] == 1000 && h->live_kids == NET_MAX_CLIENTS - 1;
}

/* 70 idle clients, then a pusher: at the cap the longest idle make room
 * (each sees its connection closed), and the pusher's lines all arrive. */
static void test_client_cap_closes_longest_idle(void **state)
{
	(void)state;
	struct harness *h = harness_new("tcp:127.0.0.1:0", true);
	for (int i = 0; i < NET_MAX_CLIENTS + 6; i++)
		spawn(h, KID_HOLD_CLOSED, NULL, 0, 60);
	harness_run(h, until_cap_filled);          /* 6 closed: they exited 0 */
	assert_non_null(strstr(h->src->info.detail, "6 idle closed"));
	spawn(h, KID_LINES, NULL, 5, 1000);
	harness_run(h, until_pusher_through);      /* one more holder made room */
	assert_int_equal(h->max_clients_seen, NET_MAX_CLIENTS);
	assert_non_null(strstr(h->src->info.detail, "7 idle closed"));
	assert_int_equal(h->seq_errors, 0);
	harness_free(h);
}

static bool until_idle_closed(struct harness *h)
{
	return h->live_kids == 0 && h->src->info.clients == 0;
}

static void test_idle_timeout(void **state)
{
	(void)state;
	struct harness *h = harness_new_cfg("tcp:127.0.0.1:0", true, NULL, 1);
	uint64_t t0 = uv_now(&h->loop);
	spawn(h, KID_HOLD_CLOSED, NULL, 0, 30);    /* exits 4 if not closed within 30 s */
	spawn(h, KID_LINES, NULL, 1, 10);
	h->expect = 10;
	harness_run(h, until_idle_closed);
	uv_update_time(&h->loop);
	assert_true(uv_now(&h->loop) - t0 < 10000);
	assert_int_equal(h->per_client[1], 10);
	assert_non_null(strstr(h->src->info.detail, "idle for"));
	harness_free(h);
}

static bool until_refused(struct harness *h)
{
	return detail_has(h, "1 refused") && h->live_kids == 0;
}

static void test_allow_refuses_others(void **state)
{
	(void)state;
	struct harness *h = harness_new_cfg("tcp:127.0.0.1:0", true, "10.0.0.0/8, fd00::/8",
	                                    NET_DEFAULT_IDLE_S);
	spawn(h, KID_HOLD_CLOSED, NULL, 0, 30);
	harness_run(h, until_refused);
	assert_int_equal(h->src->info.clients, 0);
	assert_non_null(strstr(h->src->info.detail, "not in allow"));
	harness_free(h);
}

/* A dual-stack listener on [::] sees an IPv4 client as ::ffff:127.0.0.1,
 * which an IPv4 CIDR allows. */
static void test_allow_mapped_ipv4(void **state)
{
	(void)state;
	struct harness *h = harness_new_cfg("tcp:[::]:0", true, "127.0.0.0/8",
	                                    NET_DEFAULT_IDLE_S);
	spawn(h, KID_LINES, NULL, 2, 50);
	h->expect = 50;
	harness_run(h, until_all_lines);
	assert_int_equal(h->per_client[2], 50);
	assert_null(strstr(h->src->info.detail, "refused"));
	harness_free(h);
}

static void test_beyond_loopback_needs_allow(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct source_sink sink = { 0 };
	struct config cfg;
	config_defaults(&cfg);
	struct source_opts opts = { .follow = true, .cfg = &cfg };
	static const char *const wide[] = { "tcp:0.0.0.0:0", "tcp:[::]:0" };
	for (size_t i = 0; i < 2; i++) {
		char *cause = NULL;
		assert_null(source_net_open(&loop, wide[i], &opts, &sink, &cause));
		assert_non_null(strstr(cause, "allow = CIDR"));
		free(cause);
	}
	char *cause = NULL;
	cfg.listen_allow = strdup("192.0.2.0/24 bogus");
	assert_null(source_net_open(&loop, "tcp:0.0.0.0:0", &opts, &sink, &cause));
	assert_non_null(strstr(cause, "'bogus'"));
	free(cause);
	free(cfg.listen_allow);
	cfg.listen_allow = strdup("192.0.2.0/24");
	struct source *s = source_net_open(&loop, "tcp:0.0.0.0:0", &opts, &sink, &cause);
	assert_non_null(s);
	close_src(s);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	config_free(&cfg);
}

static bool allowed(const struct net_allow *a, int family, const char *addr)
{
	struct sockaddr_storage ss = { 0 };
	if (family == AF_INET6)
		inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr);
	else
		inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr);
	ss.ss_family = (sa_family_t)family;
	return net_allow_match(a, (struct sockaddr *)&ss);
}

static void test_allow_parse_and_match(void **state)
{
	(void)state;
	struct net_allow a;
	char *cause = NULL;
	assert_int_equal(net_allow_parse("10.1.0.0/16, 192.0.2.7 2001:db8::/32,::1", &a, &cause), 0);
	assert_int_equal(a.n, 4);
	assert_true(allowed(&a, AF_INET, "10.1.255.3"));
	assert_false(allowed(&a, AF_INET, "10.2.0.1"));
	assert_true(allowed(&a, AF_INET, "192.0.2.7"));
	assert_false(allowed(&a, AF_INET, "192.0.2.8"));
	assert_true(allowed(&a, AF_INET6, "::ffff:10.1.2.3"));     /* IPv4-mapped */
	assert_false(allowed(&a, AF_INET6, "::ffff:10.3.2.3"));
	assert_true(allowed(&a, AF_INET6, "2001:db8:1::5"));
	assert_false(allowed(&a, AF_INET6, "2001:db9::5"));
	assert_true(allowed(&a, AF_INET6, "::1"));
	assert_false(allowed(&a, AF_INET, "127.0.0.1"));
	net_allow_free(&a);
	assert_int_equal(net_allow_parse("10.0.0.0/12", &a, &cause), 0);   /* odd prefix */
	assert_true(allowed(&a, AF_INET, "10.15.255.255"));
	assert_false(allowed(&a, AF_INET, "10.16.0.0"));
	net_allow_free(&a);
	assert_int_equal(net_allow_parse("0.0.0.0/0", &a, &cause), 0);
	assert_true(allowed(&a, AF_INET, "203.0.113.9"));
	assert_false(allowed(&a, AF_INET6, "2001:db8::1"));
	net_allow_free(&a);
	static const char *const bad[] = { "", " , ", "10.0.0.0/33", "::/129", "10.0.0/8",
		"host.example", "10.0.0.0/", "10.0.0.0/8x" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_int_equal(net_allow_parse(bad[i], &a, &cause), -1);
		assert_non_null(cause);
		free(cause);
		assert_null(a.cidrs);
	}
}

static void test_loopback(void **state)
{
	(void)state;
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	v4->sin_family = AF_INET;
	inet_pton(AF_INET, "127.3.4.5", &v4->sin_addr);
	assert_true(net_addr_is_loopback((struct sockaddr *)&ss));
	inet_pton(AF_INET, "0.0.0.0", &v4->sin_addr);
	assert_false(net_addr_is_loopback((struct sockaddr *)&ss));
	v6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::1", &v6->sin6_addr);
	assert_true(net_addr_is_loopback((struct sockaddr *)&ss));
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &v6->sin6_addr);
	assert_true(net_addr_is_loopback((struct sockaddr *)&ss));
	inet_pton(AF_INET6, "::", &v6->sin6_addr);
	assert_false(net_addr_is_loopback((struct sockaddr *)&ss));
}

static bool until_done(struct harness *h)
{
	return h->done_calls == 1 && h->live_kids == 0;
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
	harness_run(h, until_done);
	assert_int_equal(h->lines, 10000);
	assert_int_equal(h->seq_errors, 0);
	assert_int_equal(h->done_calls, 1);        /* not following: done once all left */
	assert_int_equal(h->src->info.state, SRC_DONE);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	harness_free(h);
	assert_int_not_equal(lstat(path, &st), 0); /* removed on close */
}

/* Every failed open frees what it took (run under LeakSanitizer). */
static void test_bad_specs(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct source_sink sink = { 0 };
	static const char *const bad[] = { "tcp:7070", "tcp:127.0.0.1:70000", "tcp:127.0.0.1:x",
		"unix:", "unix:/etc/passwd", "tcp:no such host:7070", "tcp:192.0.2.1:7070",
		"tcp:[::1:7070" };
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
		cmocka_unit_test(test_tcp_localhost_every_address),
		cmocka_unit_test(test_client_cap_closes_longest_idle),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_allow_refuses_others),
		cmocka_unit_test(test_allow_mapped_ipv4),
		cmocka_unit_test(test_beyond_loopback_needs_allow),
		cmocka_unit_test(test_allow_parse_and_match),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_unix_socket_and_done),
		cmocka_unit_test(test_bad_specs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
