/* test_source_ami.c - the AMI client on a real loop against tests/fake_ami.py,
 * which plays back the Asterisk 22 recording: login accepted and refused, the
 * Asterisk 11 QueueStatus reply, drops in the middle of a message, a server
 * that accepts and closes at once (backoff, no busy loop), Ping deadlines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ami.h"
#include "source_ami.h"
#include "config.h"

#define RECORDING CCBOARD_SHARED "/data/real/asterisk22-session"
#define FAKE CCBOARD_SRCDIR "/tests/fake_ami.py"

struct harness {
	uv_loop_t loop;
	uv_timer_t timer;
	struct source *src;
	struct config cfg;
	pid_t server;
	char dir[64], port_file[96], log[96];
	int port;
	size_t kinds[EV_KIND_COUNT];
	uint64_t done_calls;
	bool (*until)(struct harness *h);
	double started, deadline_s;
	enum source_state states_seen[16];
	size_t n_states;
	bool snapshot;               /* open as --once does */
	size_t completes_without_callid;
};

static double now_s(void)
{
	uv_timeval64_t tv;
	uv_gettimeofday(&tv);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static void note_state(struct harness *h);

static void on_event(void *ctx, struct source *src, const struct qevent *ev)
{
	struct harness *h = ctx;
	(void)src;
	assert_true(ev->kind < EV_KIND_COUNT);
	h->kinds[ev->kind]++;
	if ((ev->kind == EV_COMPLETE || ev->kind == EV_TRANSFER) && !ev->callid)
		h->completes_without_callid++;
	note_state(h);
}

static void on_done(void *ctx, struct source *src)
{
	struct harness *h = ctx;
	(void)src;
	h->done_calls++;
}

static void note_state(struct harness *h)
{
	enum source_state st = h->src->info.state;
	if (h->n_states == 0 || h->states_seen[h->n_states - 1] != st)
		if (h->n_states < 16)
			h->states_seen[h->n_states++] = st;
}

static bool saw_state(const struct harness *h, enum source_state st)
{
	for (size_t i = 0; i < h->n_states; i++)
		if (h->states_seen[i] == st)
			return true;
	return false;
}

static void on_timer(uv_timer_t *t)
{
	struct harness *h = t->data;
	if (h->src) {
		note_state(h);
		if (h->src->tick_impl)
			h->src->tick_impl(h->src, (int64_t)now_s());
	}
	if ((h->until && h->until(h)) || now_s() - h->started > h->deadline_s)
		uv_stop(&h->loop);
}

/* Starts fake_ami.py with args (NULL-terminated) and waits for its port. */
static struct harness *harness_new(const char *const *args)
{
	struct harness *h = calloc(1, sizeof *h);
	assert_non_null(h);
	snprintf(h->dir, sizeof h->dir, "/tmp/ccb-ami-test-%d", (int)getpid());
	mkdir(h->dir, 0700);
	snprintf(h->port_file, sizeof h->port_file, "%s/port", h->dir);
	snprintf(h->log, sizeof h->log, "%s/log", h->dir);
	unlink(h->port_file);
	unlink(h->log);
	const char *argv[40] = { "python3", FAKE, "--recording", RECORDING, "--port-file",
		h->port_file, "--log", h->log };
	size_t n = 8;
	for (size_t i = 0; args[i] && n < 39; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	h->server = fork();
	assert_true(h->server >= 0);
	if (h->server == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);   /* no server left behind by a crash */
		execvp("python3", (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 300; i++) {          /* up to 30 s: it reads the recording */
		FILE *f = fopen(h->port_file, "r");
		if (f) {
			int ok = fscanf(f, "%d", &h->port);
			fclose(f);
			if (ok == 1)
				break;
		}
		usleep(100000);
	}
	assert_true(h->port > 0);
	assert_int_equal(uv_loop_init(&h->loop), 0);
	uv_timer_init(&h->loop, &h->timer);
	h->timer.data = h;
	h->cfg.ami_secret = "s3cret";
	h->deadline_s = 60;
	return h;
}

static void harness_open(struct harness *h, const char *opts, bool follow)
{
	char spec[256];
	snprintf(spec, sizeof spec, "ami://ccboard@127.0.0.1:%d%s", h->port, opts ? opts : "");
	struct source_sink sink = { h, NULL, on_event, on_done };
	struct source_opts so = { .follow = follow, .snapshot = h->snapshot, .cfg = &h->cfg };
	char *cause = NULL;
	h->src = source_ami_open(&h->loop, spec, &so, &sink, &cause);
	if (!h->src)
		fail_msg("%s: %s", spec, cause);
	assert_string_equal(h->src->info.kind, "ami");
}

static void harness_run(struct harness *h, double seconds, bool (*until)(struct harness *))
{
	h->until = until;
	h->deadline_s = seconds;
	h->started = now_s();
	uv_timer_start(&h->timer, on_timer, 20, 20);
	uv_run(&h->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&h->timer);
}

/* What source_close does (source.c), so that this test needs only source_ami.c. */
static void close_src(struct source *src)
{
	void (*close_impl)(struct source *) = src->close_impl;
	memset(&src->sink, 0, sizeof src->sink);
	src->close_impl = NULL;
	close_impl(src);
}

/* Counts lines of the server's log holding needle. */
static int log_count(const struct harness *h, const char *needle)
{
	FILE *f = fopen(h->log, "r");
	if (!f)
		return 0;
	char line[512];
	int n = 0;
	while (fgets(line, sizeof line, f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

static void harness_free(struct harness *h)
{
	if (h->src)
		close_src(h->src);
	uv_close((uv_handle_t *)&h->timer, NULL);
	uv_run(&h->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&h->loop), 0);
	kill(h->server, SIGTERM);
	waitpid(h->server, NULL, 0);
	unlink(h->port_file);
	unlink(h->log);
	rmdir(h->dir);
	free(h);
}

static bool is_done(struct harness *h)
{
	return h->done_calls > 0;
}

/* The whole session as seen by queue_log: 138 entries, 76 answered, ... */
static void assert_whole_session(const struct harness *h)
{
	assert_int_equal(h->kinds[EV_ENTER], 138);
	assert_int_equal(h->kinds[EV_CONNECT], 76);
	assert_int_equal(h->kinds[EV_COMPLETE], 76);
	assert_int_equal(h->kinds[EV_ABANDON], 60);     /* ABANDON 48 + EXITWITHTIMEOUT 3 + EXITEMPTY 9 */
	assert_int_equal(h->kinds[EV_EXITKEY], 2);
	assert_int_equal(h->kinds[EV_RINGNOANSWER], 6);
	assert_int_equal(h->kinds[EV_ADDMEMBER], 14);
	assert_int_equal(h->kinds[EV_REMOVEMEMBER], 3);
	assert_int_equal(h->kinds[EV_PAUSE] + h->kinds[EV_UNPAUSE], 15);
}

static void test_playback_login_accepted(void **state)
{
	(void)state;
	static const char *const args[] = { "--speed", "0", NULL };
	struct harness *h = harness_new(args);
	harness_open(h, NULL, false);
	harness_run(h, 60, is_done);
	assert_int_equal(h->done_calls, 1);
	assert_whole_session(h);
	assert_int_equal(h->src->info.state, SRC_DONE);
	assert_true(saw_state(h, SRC_STREAMING));           /* noted at each event too */
	assert_true(h->src->info.lines > 12000);
	assert_true(h->src->info.ignored_events > 10000);    /* channel events */
	assert_int_equal(log_count(h, "\"action\": \"login\""), 1);
	assert_int_equal(log_count(h, "\"action\": \"queuestatus\""), 1);
	harness_free(h);
}

static bool two_drops_and_end(struct harness *h)
{
	return h->kinds[EV_COMPLETE] >= 76 && log_count(h, "end-of-recording") == 1;
}

static void test_drop_mid_message_reconnects_nothing_lost(void **state)
{
	(void)state;
	static const char *const args[] = { "--speed", "0", "--drop-at", "2000", "--drop-at",
		"6500", NULL };
	struct harness *h = harness_new(args);
	harness_open(h, NULL, true);
	harness_run(h, 60, two_drops_and_end);
	assert_int_equal(log_count(h, "\"drop\""), 2);
	assert_int_equal(log_count(h, "\"action\": \"login\""), 3);
	assert_int_equal(log_count(h, "\"action\": \"queuestatus\""), 3);
	assert_whole_session(h);                      /* the reseed announced nobody twice */
	harness_free(h);
}

/* Some AgentComplete events come without the caller's Uniqueid or the agent
 * leg's Dest* fields: each still ends its call (the member's in that queue). */
static void test_complete_without_uniqueid(void **state)
{
	(void)state;
	static const char *const args[] = { "--speed", "0", "--strip-complete-ids", "4", NULL };
	struct harness *h = harness_new(args);
	harness_open(h, NULL, false);
	harness_run(h, 60, is_done);
	assert_whole_session(h);
	assert_int_equal(h->completes_without_callid, 0);
	harness_free(h);
}

static bool resynced(struct harness *h)
{
	return log_count(h, "\"action\": \"queuestatus\"") >= 3 && h->kinds[EV_MEMBERSTATUS] > 0;
}

/* QueueStatus again every resync_s: live state corrected, nothing announced twice. */
static void test_periodic_resync(void **state)
{
	(void)state;
	static const char *const args[] = { "--no-playback", "--qs", "ast11", "--ast11",
		CCBOARD_SHARED "/data/real/ami-queuestatus-ast11.txt", NULL };
	struct harness *h = harness_new(args);
	h->cfg.ami_resync_s = 1;
	harness_open(h, NULL, true);
	harness_run(h, 20, resynced);
	int replies = log_count(h, "\"action\": \"queuestatus\"");
	assert_true(replies >= 3);
	assert_true(h->kinds[EV_ADDMEMBER] > 0);
	/* each reply tells every member's status; only the first adds them */
	assert_true(h->kinds[EV_MEMBERSTATUS] >= 2 * h->kinds[EV_ADDMEMBER]);
	size_t members = h->kinds[EV_ADDMEMBER];
	harness_run(h, 1.5, NULL);
	assert_int_equal(h->kinds[EV_ADDMEMBER], members);
	assert_int_equal(h->kinds[EV_REMOVEMEMBER] + h->kinds[EV_ENTER] + h->kinds[EV_FORGET], 0);
	assert_int_equal(log_count(h, "\"connect\""), 1);
	assert_int_equal(h->src->info.state, SRC_STREAMING);
	harness_free(h);
}

static bool member_removed(struct harness *h)
{
	return h->kinds[EV_REMOVEMEMBER] > 0;
}

/* The seed's reply is cut after its first member; that member leaves while
 * the board is away, and the next connection's reply does not list it: it is
 * removed (the cut reply's state used to survive the reconnection, and kept
 * the member for good). */
static void test_reconnect_after_cut_inside_queuestatus(void **state)
{
	(void)state;
	static const char *const args[] = { "--no-playback", "--qs", "ast11", "--ast11",
		CCBOARD_SHARED "/data/real/ami-queuestatus-ast11.txt", "--cut-status", "1",
		"--omit-member", "Agent/220", "2", NULL };
	struct harness *h = harness_new(args);
	harness_open(h, NULL, true);
	harness_run(h, 10, member_removed);
	assert_int_equal(log_count(h, "\"cut-status\""), 1);
	assert_int_equal(log_count(h, "\"action\": \"queuestatus\""), 2);
	assert_int_equal(h->kinds[EV_REMOVEMEMBER], 1);
	assert_true(h->kinds[EV_ADDMEMBER] > 1);
	assert_int_equal(h->src->info.state, SRC_STREAMING);
	harness_free(h);
}

/* --once needs the whole QueueStatus reply: a cut one is an error, not a
 * snapshot (it used to end "done" with what had come). */
static void test_once_cut_inside_queuestatus(void **state)
{
	(void)state;
	static const char *const args[] = { "--no-playback", "--qs", "ast11", "--ast11",
		CCBOARD_SHARED "/data/real/ami-queuestatus-ast11.txt", "--cut-status", "1", NULL };
	struct harness *h = harness_new(args);
	h->snapshot = true;
	harness_open(h, NULL, false);
	harness_run(h, 10, is_done);
	assert_int_equal(h->done_calls, 1);
	assert_int_equal(h->src->info.state, SRC_ERROR);
	assert_non_null(strstr(h->src->info.detail, "before the QueueStatus reply ended"));
	harness_free(h);
}

/* --once and QueueStatus refused: an error at once (it used to wait for ever). */
static void test_once_queuestatus_refused(void **state)
{
	(void)state;
	static const char *const args[] = { "--no-playback", "--qs-error", NULL };
	struct harness *h = harness_new(args);
	h->snapshot = true;
	harness_open(h, NULL, false);
	harness_run(h, 10, is_done);
	assert_int_equal(h->done_calls, 1);
	assert_int_equal(h->src->info.state, SRC_ERROR);
	assert_non_null(strstr(h->src->info.detail, "QueueStatus refused: Permission denied"));
	harness_free(h);
}

/* --once and a server that never answers QueueStatus: an error after the
 * timeout, not a wait for ever. */
static void test_once_queuestatus_unanswered(void **state)
{
	(void)state;
	static const char *const args[] = { "--no-playback", "--qs", "none", NULL };
	struct harness *h = harness_new(args);
	h->snapshot = true;
	harness_open(h, "?timeout=0.5", false);
	harness_run(h, 10, is_done);
	assert_int_equal(h->done_calls, 1);
	assert_int_equal(h->src->info.state, SRC_ERROR);
	assert_non_null(strstr(h->src->info.detail, "QueueStatus reply timed out after 0.5 s"));
	harness_free(h);
}

static bool qs_refused(struct harness *h)
{
	return strstr(h->src->info.detail, "QueueStatus refused") != NULL;
}

/* Following, a refused QueueStatus leaves the stream up, and says so. */
static void test_queuestatus_refused_while_following(void **state)
{
	(void)state;
	static const char *const args[] = { "--no-playback", "--qs-error", NULL };
	struct harness *h = harness_new(args);
	harness_open(h, NULL, true);
	harness_run(h, 10, qs_refused);
	assert_int_equal(h->src->info.state, SRC_STREAMING);
	assert_non_null(strstr(h->src->info.detail, "QueueStatus refused: Permission denied"));
	harness_free(h);
}

static bool retried(struct harness *h)
{
	return log_count(h, "\"connect\"") >= 2 && h->src->info.state == SRC_AUTH_FAILED;
}

static void test_login_refused(void **state)
{
	(void)state;
	static const char *const args[] = { "--refuse", NULL };
	struct harness *h = harness_new(args);
	harness_open(h, NULL, true);
	harness_run(h, 10, retried);
	assert_int_equal(h->src->info.state, SRC_AUTH_FAILED);
	assert_non_null(strstr(h->src->info.detail, "login refused: Authentication failed"));
	assert_non_null(strstr(h->src->info.detail, "retrying in"));
	assert_int_equal(h->kinds[EV_ENTER] + h->kinds[EV_ADDMEMBER], 0);
	harness_free(h);
}

static void test_wrong_secret_not_following(void **state)
{
	(void)state;
	static const char *const args[] = { NULL };
	struct harness *h = harness_new(args);
	h->cfg.ami_secret = "wrong";
	harness_open(h, NULL, false);
	harness_run(h, 10, is_done);
	assert_int_equal(h->done_calls, 1);
	assert_int_equal(h->src->info.state, SRC_AUTH_FAILED);
	assert_int_equal(log_count(h, "\"connect\""), 1);
	harness_free(h);
}

static bool got_members(struct harness *h)
{
	return h->kinds[EV_ADDMEMBER] > 0 && h->kinds[EV_MEMBERSTATUS] >= h->kinds[EV_ADDMEMBER];
}

static void test_ast11_queuestatus_crlf(void **state)
{
	(void)state;
	static const char *const args[] = { "--no-playback", "--qs", "ast11", "--ast11",
		CCBOARD_SHARED "/data/real/ami-queuestatus-ast11.txt", NULL };
	struct harness *h = harness_new(args);
	harness_open(h, NULL, true);
	harness_run(h, 10, got_members);
	/* count the members in the reply itself */
	FILE *f = fopen(CCBOARD_SHARED "/data/real/ami-queuestatus-ast11.txt", "r");
	assert_non_null(f);
	char line[256];
	size_t members = 0;
	while (fgets(line, sizeof line, f))
		members += strcmp(line, "Event: QueueMember\n") == 0;
	fclose(f);
	assert_true(members > 0);
	assert_int_equal(h->kinds[EV_ADDMEMBER], members);
	assert_int_equal(h->kinds[EV_MEMBERSTATUS], members);
	assert_int_equal(h->src->info.state, SRC_STREAMING);
	harness_free(h);
}

static void test_accept_and_close_backs_off_without_busy_loop(void **state)
{
	(void)state;
	static const char *const args[] = { "--close-at-once", NULL };
	struct harness *h = harness_new(args);
	struct rusage before, after;
	getrusage(RUSAGE_SELF, &before);
	harness_open(h, NULL, true);
	harness_run(h, 6.5, NULL);
	getrusage(RUSAGE_SELF, &after);
	double cpu = (double)(after.ru_utime.tv_sec - before.ru_utime.tv_sec) +
	             (after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6 +
	             (double)(after.ru_stime.tv_sec - before.ru_stime.tv_sec) +
	             (after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
	/* backoff 1, 2, 4 s with 20 % jitter: 3 or 4 attempts in 6.5 s, never more */
	int attempts = log_count(h, "\"connect\"");
	assert_true(attempts >= 3);
	assert_true(attempts <= 4);
	assert_true(cpu < 0.5);                         /* mostly the 20 ms test timer */
	assert_int_equal(h->src->info.state, SRC_RETRYING);
	assert_non_null(strstr(h->src->info.detail, "retrying in"));
	harness_free(h);
}

static bool ping_failed(struct harness *h)
{
	return strstr(h->src->info.detail, "no answer to Ping") != NULL;
}

static void test_ping_deadline(void **state)
{
	(void)state;
	static const char *const args[] = { "--no-playback", "--no-pong", NULL };
	struct harness *h = harness_new(args);
	harness_open(h, "?ping=0.3", true);
	harness_run(h, 5, ping_failed);
	assert_non_null(strstr(h->src->info.detail, "no answer to Ping within 0.3 s"));
	assert_int_equal(h->src->info.state, SRC_RETRYING);
	assert_true(saw_state(h, SRC_STREAMING));
	harness_free(h);
}

static void test_ping_answered_stays_streaming(void **state)
{
	(void)state;
	static const char *const args[] = { "--no-playback", NULL };
	struct harness *h = harness_new(args);
	harness_open(h, "?ping=0.2", true);
	harness_run(h, 1.5, NULL);
	assert_int_equal(h->src->info.state, SRC_STREAMING);
	assert_true(log_count(h, "\"action\": \"ping\"") >= 4);
	assert_int_equal(log_count(h, "\"connect\""), 1);
	harness_free(h);
}

static bool login_timed_out(struct harness *h)
{
	return strstr(h->src->info.detail, "timed out") != NULL;
}

static void test_silent_server_times_out(void **state)
{
	(void)state;
	static const char *const args[] = { "--silent", NULL };
	struct harness *h = harness_new(args);
	harness_open(h, "?timeout=0.5", true);
	harness_run(h, 5, login_timed_out);
	assert_non_null(strstr(h->src->info.detail, "login timed out after 0.5 s"));
	assert_int_equal(h->src->info.state, SRC_RETRYING);
	harness_free(h);
}

/* Blocking work that keeps every thread of libuv's pool busy, so that a
 * name lookup queued behind it takes longer than the connect timeout. */
#define POOL_THREADS 4
#define POOL_BLOCK_US 2500000

static void pool_block(uv_work_t *w)
{
	(void)w;
	usleep(POOL_BLOCK_US);
}

static void pool_done(uv_work_t *w, int status)
{
	(void)status;
	free(w);
}

static bool streaming(struct harness *h)
{
	return h->src->info.state == SRC_STREAMING;
}

/* A lookup slower than the connect timeout: the retry starts a lookup of its
 * own while the first one is still queued (it used to reuse the request in
 * flight and crash a worker thread); the abandoned lookups' results are
 * ignored, so exactly one connection is made once the pool is free. */
static void test_slow_lookup_outlives_the_timeout(void **state)
{
	(void)state;
	static const char *const args[] = { "--no-playback", NULL };
	struct harness *h = harness_new(args);
	for (int i = 0; i < POOL_THREADS; i++) {
		uv_work_t *w = calloc(1, sizeof *w);
		assert_non_null(w);
		assert_int_equal(uv_queue_work(&h->loop, w, pool_block, pool_done), 0);
	}
	harness_open(h, "?timeout=0.2", true);
	harness_run(h, 20, streaming);
	assert_int_equal(h->src->info.state, SRC_STREAMING);
	assert_true(saw_state(h, SRC_RETRYING));
	assert_int_equal(log_count(h, "\"connect\""), 1);
	harness_free(h);
}

static void test_bad_specs_and_secrets(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct config cfg = { .ami_secret = "x" };
	struct source_opts so = { .follow = true, .cfg = &cfg };
	struct source_sink sink = { 0 };
	static const char *const bad[] = { "ami://127.0.0.1:5038", "ami://u@", "ami://u@h:0",
		"ami://u@h:99999", "ami://u@h:5038?ping=x", "ami://u@h:5038?colour=1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *cause = NULL;
		assert_null(source_ami_open(&loop, bad[i], &so, &sink, &cause));
		assert_non_null(cause);
		free(cause);
	}
	char *cause = NULL;
	assert_null(source_ami_open(&loop, "ami://u:pw@h:5038", &so, &sink, &cause));
	assert_non_null(strstr(cause, "command line"));
	free(cause);
	cfg.ami_secret = NULL;
	assert_null(source_ami_open(&loop, "ami://u@h:5038", &so, &sink, &cause));
	assert_non_null(strstr(cause, "secret"));
	free(cause);
	cfg.ami_secret_file = "/nonexistent/secret";
	assert_null(source_ami_open(&loop, "ami://u@h:5038", &so, &sink, &cause));
	assert_non_null(strstr(cause, "/nonexistent/secret"));
	free(cause);
	assert_int_equal(uv_run(&loop, UV_RUN_NOWAIT), 0);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_secret_file(void **state)
{
	(void)state;
	static const char *const args[] = { "--no-playback", NULL };
	struct harness *h = harness_new(args);
	char path[128];
	snprintf(path, sizeof path, "%s/secret", h->dir);
	FILE *f = fopen(path, "w");
	fputs("s3cret\n", f);
	fclose(f);
	h->cfg.ami_secret = NULL;
	h->cfg.ami_secret_file = path;
	harness_open(h, NULL, true);
	harness_run(h, 1.0, NULL);
	assert_int_equal(h->src->info.state, SRC_STREAMING);
	unlink(path);
	harness_free(h);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	setenv("UV_THREADPOOL_SIZE", "4", 1);    /* POOL_THREADS, before the pool starts */
	if (getenv("TEST_FILTER"))                /* e.g. TEST_FILTER=test_slow* */
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_specs_and_secrets),
		cmocka_unit_test(test_playback_login_accepted),
		cmocka_unit_test(test_drop_mid_message_reconnects_nothing_lost),
		cmocka_unit_test(test_login_refused),
		cmocka_unit_test(test_wrong_secret_not_following),
		cmocka_unit_test(test_ast11_queuestatus_crlf),
		cmocka_unit_test(test_accept_and_close_backs_off_without_busy_loop),
		cmocka_unit_test(test_ping_deadline),
		cmocka_unit_test(test_ping_answered_stays_streaming),
		cmocka_unit_test(test_silent_server_times_out),
		cmocka_unit_test(test_secret_file),
		cmocka_unit_test(test_slow_lookup_outlives_the_timeout),
		cmocka_unit_test(test_complete_without_uniqueid),
		cmocka_unit_test(test_periodic_resync),
		cmocka_unit_test(test_reconnect_after_cut_inside_queuestatus),
		cmocka_unit_test(test_once_cut_inside_queuestatus),
		cmocka_unit_test(test_once_queuestatus_refused),
		cmocka_unit_test(test_once_queuestatus_unanswered),
		cmocka_unit_test(test_queuestatus_refused_while_following),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
