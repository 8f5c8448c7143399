/* test_tail.c - the file and standard-input sources on a real libuv loop:
 * follow like tail -F (appends, partial lines, rotation by rename, copy-
 * truncate, files that appear, vanish or fail), replay to the end, and
 * standard input as a pipe, a socket, a redirected file or a terminal.
 * Every wait is bounded by a timer, so a bug fails a test instead of hanging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "source.h"

#define WAIT_MS 3000     /* generous bound for an expected event */

struct fx {
	uv_loop_t loop;
	uv_timer_t deadline;
	bool expired;
	char dir[64];
	char path[128];
	struct source *src;
	struct source *other; /* a second source, when a test has one */
	char **lines;
	size_t n, cap;
	int done;
	bool saw_lagging;
	bool close_on_line;   /* source_close from inside sink.line */
	bool close_on_done;
	int saved_stdin;      /* -1 unless a test replaced fd 0 */
	uv_prepare_t turn;    /* counts the loop's turns (its wake-ups) */
	unsigned long turns;
	unsigned long *line_turn;  /* the turn each line arrived in */
	double *line_at;           /* and when (monotonic seconds) */
};

static void on_line(void *ctx, struct source *src, char *line, size_t len)
{
	struct fx *fx = ctx;

	assert_ptr_equal(src, fx->src);
	assert_int_equal(line[len], '\0');
	if (fx->n == fx->cap) {
		fx->cap = fx->cap ? fx->cap * 2 : 64;
		fx->lines = realloc(fx->lines, fx->cap * sizeof(*fx->lines));
		fx->line_turn = realloc(fx->line_turn, fx->cap * sizeof(*fx->line_turn));
		fx->line_at = realloc(fx->line_at, fx->cap * sizeof(*fx->line_at));
	}
	fx->line_turn[fx->n] = fx->turns;
	fx->line_at[fx->n] = (double)uv_hrtime() / 1e9;
	fx->lines[fx->n++] = strdup(line);
	if (src->info.state == SRC_LAGGING)
		fx->saw_lagging = true;
	if (fx->close_on_line) {
		source_close(src);
		fx->src = NULL;
		fx->close_on_line = false;
	}
}

static void on_done(void *ctx, struct source *src)
{
	struct fx *fx = ctx;

	fx->done++;
	if (fx->close_on_done) {
		source_close(src);
		fx->src = NULL;
	}
}

static void on_deadline(uv_timer_t *t)
{
	struct fx *fx = t->data;

	fx->expired = true;
}

/* Runs the loop until pred(fx, arg) holds or ms pass; returns pred's value. */
static bool run_until(struct fx *fx, bool (*pred)(struct fx *, long), long arg, int ms)
{
	fx->expired = false;
	uv_timer_start(&fx->deadline, on_deadline, (uint64_t)ms, 0);
	while (!(pred && pred(fx, arg)) && !fx->expired)
		uv_run(&fx->loop, UV_RUN_ONCE);
	uv_timer_stop(&fx->deadline);
	return pred && pred(fx, arg);
}

static bool has_lines(struct fx *fx, long n)
{
	return fx->n >= (size_t)n;
}

static bool is_done(struct fx *fx, long unused)
{
	return fx->done > 0;
}

static bool in_state(struct fx *fx, long st)
{
	return fx->src && fx->src->info.state == (enum source_state)st;
}

static void run_for(struct fx *fx, int ms)
{
	run_until(fx, NULL, 0, ms);
}

/* Asserts that exactly the NULL-terminated lines arrived, in order. */
static void expect_lines(struct fx *fx, const char *const *want)
{
	size_t n = 0;

	while (want[n])
		n++;
	for (size_t i = 0; i < n && i < fx->n; i++)
		assert_string_equal(fx->lines[i], want[i]);
	assert_int_equal(fx->n, n);
}

#define EXPECT(fx, ...) expect_lines(fx, (const char *const[]){ __VA_ARGS__, NULL })

static void write_file(const char *path, const char *text, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void append(const char *path, const char *text)
{
	write_file(path, text, O_APPEND);
}

static void create(const char *path, const char *text)
{
	write_file(path, text, O_TRUNC);
}

static void path_with(struct fx *fx, char *out, size_t cap, const char *suffix)
{
	snprintf(out, cap, "%s%s", fx->path, suffix);
}

static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	struct stat st;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static void on_turn(uv_prepare_t *h)
{
	struct fx *fx = h->data;

	fx->turns++;
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_int_equal(uv_loop_init(&fx->loop), 0);
	uv_timer_init(&fx->loop, &fx->deadline);
	fx->deadline.data = fx;
	uv_prepare_init(&fx->loop, &fx->turn);
	fx->turn.data = fx;
	uv_prepare_start(&fx->turn, on_turn);
	uv_unref((uv_handle_t *)&fx->turn);
	strcpy(fx->dir, "/tmp/ccb-tail-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/queue_log", fx->dir);
	fx->saved_stdin = -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	if (fx->src)
		source_close(fx->src);
	if (fx->other)
		source_close(fx->other);
	uv_close((uv_handle_t *)&fx->deadline, NULL);
	uv_close((uv_handle_t *)&fx->turn, NULL);
	for (int i = 0; i < 100 && uv_run(&fx->loop, UV_RUN_NOWAIT); i++)
		;
	int rc = uv_loop_close(&fx->loop);
	if (fx->saved_stdin >= 0) {
		dup2(fx->saved_stdin, 0);
		close(fx->saved_stdin);
	}
	rm_tree(fx->dir);
	for (size_t i = 0; i < fx->n; i++)
		free(fx->lines[i]);
	free(fx->lines);
	free(fx->line_turn);
	free(fx->line_at);
	free(fx);
	assert_int_equal(rc, 0);
	return 0;
}

static struct source *open_spec(struct fx *fx, const char *spec, bool follow, char **cause)
{
	struct source_opts opts = { .follow = follow };
	struct source_sink sink = { .ctx = fx, .line = on_line, .done = on_done };

	*cause = NULL;
	fx->src = source_open(&fx->loop, spec, &opts, &sink, cause);
	return fx->src;
}

static void open_ok(struct fx *fx, const char *spec, bool follow)
{
	char *cause;

	open_spec(fx, spec, follow, &cause);
	if (!fx->src) {                /* fail_msg does not return: free the cause first */
		char why[256];
		snprintf(why, sizeof why, "%s", cause ? cause : "(no cause)");
		free(cause);
		fail_msg("source_open(%s): %s", spec, why);
	}
	assert_null(cause);
}

static void test_existing_content(void **state)
{
	struct fx *fx = *state;

	create(fx->path, "a1\na2\n");
	open_ok(fx, fx->path, true);
	assert_string_equal(fx->src->info.name, fx->path);
	assert_string_equal(fx->src->info.kind, "file");
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));
	assert_true(run_until(fx, in_state, SRC_FOLLOWING, WAIT_MS));
	EXPECT(fx, "a1", "a2");
	assert_int_equal(fx->src->info.lines, 2);
	assert_int_equal(fx->src->info.bytes, 6);
	assert_int_equal(fx->done, 0);
}

static void test_appends(void **state)
{
	struct fx *fx = *state;

	create(fx->path, "a1\n");
	open_ok(fx, fx->path, true);
	assert_true(run_until(fx, has_lines, 1, WAIT_MS));
	append(fx->path, "a2\na3\n");
	assert_true(run_until(fx, has_lines, 3, WAIT_MS));
	append(fx->path, "a4\r\n");
	assert_true(run_until(fx, has_lines, 4, WAIT_MS));
	run_for(fx, 50);
	EXPECT(fx, "a1", "a2", "a3", "a4");
	assert_int_equal(fx->src->info.state, SRC_FOLLOWING);
	assert_int_equal(fx->src->info.bytes, 13);
}

static void test_partial_line_held(void **state)
{
	struct fx *fx = *state;

	create(fx->path, "a1\npart");
	open_ok(fx, fx->path, true);
	assert_true(run_until(fx, has_lines, 1, WAIT_MS));
	run_for(fx, 300);
	EXPECT(fx, "a1");
	append(fx->path, "ial");
	run_for(fx, 200);
	EXPECT(fx, "a1");
	append(fx->path, "\nnext\n");
	assert_true(run_until(fx, has_lines, 3, WAIT_MS));
	EXPECT(fx, "a1", "partial", "next");
}

static void test_rotate_by_rename(void **state)
{
	struct fx *fx = *state;
	char old[160];

	path_with(fx, old, sizeof(old), ".1");
	create(fx->path, "a1\na2\n");
	open_ok(fx, fx->path, true);
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));
	append(fx->path, "a3\n");
	assert_int_equal(rename(fx->path, old), 0);
	append(old, "a4\n");             /* the writer still had the old file open */
	create(fx->path, "b1\nb2\n");
	assert_true(run_until(fx, has_lines, 6, WAIT_MS));
	run_for(fx, 100);
	EXPECT(fx, "a1", "a2", "a3", "a4", "b1", "b2");
	append(fx->path, "b3\n");
	append(old, "stale\n");          /* the old file is no longer read */
	assert_true(run_until(fx, has_lines, 7, WAIT_MS));
	run_for(fx, 100);
	EXPECT(fx, "a1", "a2", "a3", "a4", "b1", "b2", "b3");
}

static void test_rotate_gap_before_new_file(void **state)
{
	struct fx *fx = *state;
	char old[160];

	path_with(fx, old, sizeof(old), ".1");
	create(fx->path, "a1\n");
	open_ok(fx, fx->path, true);
	assert_true(run_until(fx, has_lines, 1, WAIT_MS));
	assert_int_equal(rename(fx->path, old), 0);
	assert_true(run_until(fx, in_state, SRC_WAITING, WAIT_MS));
	append(old, "a2\n");             /* late write to the renamed file */
	run_for(fx, 100);
	create(fx->path, "b1\n");
	assert_true(run_until(fx, has_lines, 3, WAIT_MS));
	run_for(fx, 100);
	EXPECT(fx, "a1", "a2", "b1");
	assert_int_equal(fx->src->info.state, SRC_FOLLOWING);
}

static void test_copy_truncate(void **state)
{
	struct fx *fx = *state;

	create(fx->path, "a1\na2\n");
	open_ok(fx, fx->path, true);
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));
	assert_int_equal(truncate(fx->path, 0), 0);
	run_for(fx, 100);
	append(fx->path, "b1\n");
	assert_true(run_until(fx, has_lines, 3, WAIT_MS));
	/* truncated and written again past the old size before the source
	 * looked: seen by the byte before the old offset, no longer a LF */
	assert_int_equal(truncate(fx->path, 0), 0);
	append(fx->path, "c1 longer\n");
	assert_true(run_until(fx, has_lines, 4, WAIT_MS));
	append(fx->path, "c2\n");
	assert_true(run_until(fx, has_lines, 5, WAIT_MS));
	run_for(fx, 100);
	EXPECT(fx, "a1", "a2", "b1", "c1 longer", "c2");
}

static void test_truncate_drops_partial(void **state)
{
	struct fx *fx = *state;

	create(fx->path, "a1\ntorn");
	open_ok(fx, fx->path, true);
	assert_true(run_until(fx, has_lines, 1, WAIT_MS));
	run_for(fx, 100);
	assert_int_equal(truncate(fx->path, 0), 0);
	append(fx->path, "b1\n");
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));
	run_for(fx, 100);
	EXPECT(fx, "a1", "b1");
}

static void test_appears_later(void **state)
{
	struct fx *fx = *state;

	open_ok(fx, fx->path, true);
	assert_int_equal(fx->src->info.state, SRC_WAITING);
	run_for(fx, 150);
	assert_int_equal(fx->src->info.state, SRC_WAITING);
	assert_int_equal(fx->n, 0);
	create(fx->path, "c1\nc2\n");
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));
	assert_true(run_until(fx, in_state, SRC_FOLLOWING, WAIT_MS));
	EXPECT(fx, "c1", "c2");
}

static void test_directory_appears_later(void **state)
{
	struct fx *fx = *state;
	char sub[160], path[200];

	snprintf(sub, sizeof(sub), "%s/later", fx->dir);
	snprintf(path, sizeof(path), "%s/queue_log", sub);
	open_ok(fx, path, true);
	assert_int_equal(fx->src->info.state, SRC_WAITING);
	run_for(fx, 100);
	assert_int_equal(mkdir(sub, 0755), 0);
	create(path, "d1\n");
	/* no directory to watch at first: the one-second check finds it */
	assert_true(run_until(fx, has_lines, 1, WAIT_MS));
	append(path, "d2\n");
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));
	EXPECT(fx, "d1", "d2");
}

static void test_rotated_twice_in_a_second(void **state)
{
	struct fx *fx = *state;
	char p1[160], p2[160];

	path_with(fx, p1, sizeof(p1), ".1");
	path_with(fx, p2, sizeof(p2), ".2");
	create(fx->path, "a1\n");
	open_ok(fx, fx->path, true);
	assert_true(run_until(fx, has_lines, 1, WAIT_MS));
	uint64_t t0 = uv_hrtime();
	assert_int_equal(rename(fx->path, p1), 0);
	create(fx->path, "b1\n");
	run_for(fx, 150);
	append(fx->path, "b2\n");
	run_for(fx, 150);
	assert_int_equal(rename(p1, p2), 0);
	assert_int_equal(rename(fx->path, p1), 0);
	create(fx->path, "c1\n");
	run_for(fx, 150);
	append(fx->path, "c2\n");
	assert_true(uv_hrtime() - t0 < 1000000000u);
	assert_true(run_until(fx, has_lines, 5, WAIT_MS));
	run_for(fx, 100);
	EXPECT(fx, "a1", "b1", "b2", "c1", "c2");
}

static void test_deleted_and_created_again(void **state)
{
	struct fx *fx = *state;

	create(fx->path, "a1\na2\n");
	open_ok(fx, fx->path, true);
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));
	assert_int_equal(unlink(fx->path), 0);
	assert_true(run_until(fx, in_state, SRC_WAITING, WAIT_MS));
	create(fx->path, "b1\n");
	assert_true(run_until(fx, has_lines, 3, WAIT_MS));
	assert_true(run_until(fx, in_state, SRC_FOLLOWING, WAIT_MS));
	EXPECT(fx, "a1", "a2", "b1");
}

static void test_error_then_recovers(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(mkdir(fx->path, 0755), 0);   /* a directory where the file should be */
	open_ok(fx, fx->path, true);
	assert_int_equal(fx->src->info.state, SRC_ERROR);
	assert_string_equal(fx->src->info.detail, strerror(EISDIR));
	run_for(fx, 100);
	assert_int_equal(fx->src->info.state, SRC_ERROR);
	assert_int_equal(rmdir(fx->path), 0);
	create(fx->path, "e1\n");
	assert_true(run_until(fx, has_lines, 1, WAIT_MS));
	assert_true(run_until(fx, in_state, SRC_FOLLOWING, WAIT_MS));
	assert_string_equal(fx->src->info.detail, "");
	EXPECT(fx, "e1");
}

static void test_replay_to_end(void **state)
{
	struct fx *fx = *state;

	create(fx->path, "r1\n\nr2\r\nr3");
	open_ok(fx, fx->path, false);
	assert_true(run_until(fx, is_done, 0, WAIT_MS));
	EXPECT(fx, "r1", "", "r2", "r3");
	assert_int_equal(fx->done, 1);
	assert_int_equal(fx->src->info.state, SRC_DONE);
	assert_int_equal(fx->src->info.lines, 4);
	assert_int_equal(fx->src->info.bytes, 10);
	append(fx->path, "r4\n");          /* replay does not follow */
	run_for(fx, 200);
	assert_int_equal(fx->n, 4);
	assert_int_equal(fx->done, 1);
}

static void test_replay_big_file(void **state)
{
	struct fx *fx = *state;
	const long lines = 200000;   /* about 6 MB: several passes */
	FILE *f = fopen(fx->path, "w");

	for (long i = 0; i < lines; i++)
		fprintf(f, "%ld|1700000000.%ld|QUEUE|some padding\n", i, i);
	fclose(f);
	open_ok(fx, fx->path, false);
	assert_true(run_until(fx, is_done, 0, 4000));
	assert_int_equal(fx->n, (size_t)lines);
	for (long i = 0; i < lines; i++) {
		char want[80];
		snprintf(want, sizeof(want), "%ld|1700000000.%ld|QUEUE|some padding", i, i);
		assert_string_equal(fx->lines[i], want);
	}
	assert_true(fx->saw_lagging);
	assert_int_equal(fx->src->info.state, SRC_DONE);
}

static void test_replay_missing_file(void **state)
{
	struct fx *fx = *state;
	char *cause;

	assert_null(open_spec(fx, fx->path, false, &cause));
	assert_non_null(cause);
	assert_string_equal(cause, strerror(ENOENT));   /* the caller names the spec */
	free(cause);
}

static void test_close_inside_callbacks(void **state)
{
	struct fx *fx = *state;

	create(fx->path, "x1\nx2\nx3\n");
	fx->close_on_line = true;
	open_ok(fx, fx->path, false);
	run_until(fx, has_lines, 2, 300);
	EXPECT(fx, "x1");                  /* nothing after the close */
	assert_int_equal(fx->done, 0);
}

static void test_close_inside_done(void **state)
{
	struct fx *fx = *state;

	create(fx->path, "x1\n");
	fx->close_on_done = true;
	open_ok(fx, fx->path, false);
	assert_true(run_until(fx, is_done, 0, WAIT_MS));
	assert_null(fx->src);
	EXPECT(fx, "x1");
}

/* The network kinds are dispatched by prefix: a bad spec of each gets that
 * kind's own message, not a file error. */
static void test_network_specs_dispatched(void **state)
{
	struct fx *fx = *state;
	static const char *specs[] = { "tcp:127.0.0.1:notaport", "unix:", "ami://" };
	static const char *want[] = { "bad port: 'notaport'", "unix socket path empty",
	                              "expected ami://USER@HOST:PORT" };

	for (size_t i = 0; i < 3; i++) {
		char *cause;
		assert_null(open_spec(fx, specs[i], true, &cause));
		assert_non_null(cause);
		assert_non_null(strstr(cause, want[i]));
		free(cause);
	}
}

/* Puts fd on standard input for the rest of the test (teardown restores it). */
static void replace_stdin(struct fx *fx, int fd)
{
	if (fx->saved_stdin < 0)
		fx->saved_stdin = dup(0);
	assert_true(fx->saved_stdin >= 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
}

static void test_stdin_pipe(void **state)
{
	struct fx *fx = *state;
	int p[2];

	assert_int_equal(pipe(p), 0);
	replace_stdin(fx, p[0]);
	open_ok(fx, "-", true);
	assert_string_equal(fx->src->info.name, "stdin");
	assert_string_equal(fx->src->info.kind, "stdin");
	assert_int_equal(write(p[1], "s1\ns", 4), 4);
	assert_true(run_until(fx, has_lines, 1, WAIT_MS));
	run_for(fx, 100);
	EXPECT(fx, "s1");
	assert_int_equal(write(p[1], "2\ns3", 4), 4);
	close(p[1]);
	assert_true(run_until(fx, is_done, 0, WAIT_MS));
	EXPECT(fx, "s1", "s2", "s3");
	assert_int_equal(fx->src->info.state, SRC_DONE);
	assert_int_equal(fx->src->info.bytes, 8);
	assert_int_equal(fx->src->info.lines, 3);
}

static void test_stdin_socket(void **state)
{
	struct fx *fx = *state;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	replace_stdin(fx, sv[0]);
	open_ok(fx, "-", false);
	assert_int_equal(write(sv[1], "u1\nu2\n", 6), 6);
	close(sv[1]);
	assert_true(run_until(fx, is_done, 0, WAIT_MS));
	EXPECT(fx, "u1", "u2");
}

static void test_stdin_redirected_file(void **state)
{
	struct fx *fx = *state;

	create(fx->path, "skip\nf1\nf2");
	int fd = open(fx->path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(lseek(fd, 5, SEEK_SET), 5);   /* read from where stdin is */
	replace_stdin(fx, fd);
	open_ok(fx, "-", true);
	assert_true(run_until(fx, is_done, 0, WAIT_MS));
	EXPECT(fx, "f1", "f2");
	assert_int_equal(fx->src->info.state, SRC_DONE);
	assert_string_equal(fx->src->info.kind, "stdin");
}

static void test_stdin_terminal(void **state)
{
	struct fx *fx = *state;
	char *cause;
	int fd = open("/dev/ptmx", O_RDWR | O_NOCTTY);

	if (fd < 0)
		skip();
	replace_stdin(fx, fd);
	assert_null(open_spec(fx, "-", true, &cause));
	assert_string_equal(cause, "standard input is a terminal");
	free(cause);
}

/* Not followed (--once, --replay), a named pipe is done when its writer leaves. */
static void test_named_pipe_path(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(mkfifo(fx->path, 0600), 0);
	open_ok(fx, fx->path, false);
	int w = open(fx->path, O_WRONLY);
	assert_true(w >= 0);
	assert_int_equal(write(w, "p1\np2\n", 6), 6);
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));
	close(w);
	assert_true(run_until(fx, is_done, 0, WAIT_MS));
	EXPECT(fx, "p1", "p2");
	assert_string_equal(fx->src->info.kind, "file");
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Followed, a named pipe outlives its writers: the second writer's lines
 * are read, a writer's last line without LF is not glued to the next
 * writer's, and waiting for a writer costs no CPU. */
static void test_named_pipe_followed_two_writers(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(mkfifo(fx->path, 0600), 0);
	open_ok(fx, fx->path, true);
	int w = open(fx->path, O_WRONLY);
	assert_true(w >= 0);
	assert_int_equal(write(w, "w1\nw1-torn", 10), 10);
	close(w);
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));
	double cpu0 = cpu_seconds();
	run_for(fx, 1000);                            /* nobody writes */
	double idle_cpu = cpu_seconds() - cpu0;
	assert_true(idle_cpu < 0.25);                 /* a spin would take the whole second */
	assert_int_equal(fx->done, 0);
	assert_int_equal(fx->src->info.state, SRC_FOLLOWING);
	w = open(fx->path, O_WRONLY | O_NONBLOCK);    /* the FIFO has a reader again */
	assert_true(w >= 0);
	assert_int_equal(write(w, "w2\n", 3), 3);
	close(w);
	assert_true(run_until(fx, has_lines, 3, WAIT_MS));
	EXPECT(fx, "w1", "w1-torn", "w2");
	assert_int_equal(fx->done, 0);
}

/* "<head>\n" + a line of 70 000 bytes + "\n<tail>\n": one line over the limit. */
static char *with_overlong(const char *head, const char *tail)
{
	size_t big = 70000, n = strlen(head) + big + strlen(tail) + 4;
	char *s = malloc(n);
	int k = snprintf(s, n, "%s\n", head);
	memset(s + k, 'x', big);
	snprintf(s + k + big, n - (size_t)k - big, "\n%s\n", tail);
	return s;
}

/* A line over the limit is dropped and counted as a bad line (and a line). */
static void test_overlong_line_counted(void **state)
{
	struct fx *fx = *state;
	char *text = with_overlong("a", "b");

	create(fx->path, text);
	free(text);
	open_ok(fx, fx->path, true);
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));
	EXPECT(fx, "a", "b");
	assert_int_equal(fx->src->info.lines, 3);
	assert_int_equal(fx->src->info.bad_lines, 1);
}

static void on_event_count(void *ctx, struct source *src, const struct qevent *ev)
{
	(void)ev;
	on_line(ctx, src, (char *)"event", 5);
}

/* The same in a replay parsed on the reader thread. */
static void test_overlong_line_counted_replay(void **state)
{
	struct fx *fx = *state;
	char *text = with_overlong("1596191926|c1|q|NONE|ENTERQUEUE||x|1",
	                           "1596191927|c1|q|NONE|ABANDON|1|1|1");
	create(fx->path, text);
	free(text);
	struct source_opts opts = { .follow = false, .parse = true };
	struct source_sink sink = { .ctx = fx, .event = on_event_count, .done = on_done };
	char *cause = NULL;
	fx->src = source_open(&fx->loop, fx->path, &opts, &sink, &cause);
	assert_non_null(fx->src);
	assert_true(run_until(fx, is_done, 0, WAIT_MS));
	EXPECT(fx, "event", "event");
	assert_int_equal(fx->src->info.lines, 3);
	assert_int_equal(fx->src->info.bad_lines, 1);
}

/* And on standard input (a pipe), the over-long line written in pieces. */
static void test_overlong_line_counted_stdin(void **state)
{
	struct fx *fx = *state;
	char *text = with_overlong("s1", "s2");
	int p[2];

	assert_int_equal(pipe(p), 0);
	replace_stdin(fx, p[0]);
	open_ok(fx, "-", true);
	size_t len = strlen(text);
	for (size_t off = 0; off < len; off += 4096) {
		size_t n = len - off < 4096 ? len - off : 4096;
		assert_int_equal(write(p[1], text + off, n), (ssize_t)n);
		run_for(fx, 1);
	}
	free(text);
	close(p[1]);
	assert_true(run_until(fx, is_done, 0, WAIT_MS));
	EXPECT(fx, "s1", "s2");
	assert_int_equal(fx->src->info.lines, 3);
	assert_int_equal(fx->src->info.bad_lines, 1);
}

/* ---- reading in batches under a flood ------------------------------------ */

static void open_coalesced(struct fx *fx, const char *spec, int coalesce_ms)
{
	struct source_opts opts = { .follow = true, .coalesce_ms = coalesce_ms };
	struct source_sink sink = { .ctx = fx, .line = on_line, .done = on_done };
	char *cause = NULL;

	fx->src = source_open(&fx->loop, spec, &opts, &sink, &cause);
	assert_null(cause);
	assert_non_null(fx->src);
}

/* The loop's turns in which lines from the first-th on arrived. */
static size_t batches_from(struct fx *fx, size_t first)
{
	size_t n = 0;

	for (size_t i = first; i < fx->n; i++)
		n += i == first || fx->line_turn[i] != fx->line_turn[i - 1];
	return n;
}

/* "l<i>" for i in [from, to), each checked in order. */
static void expect_numbered(struct fx *fx, size_t from, size_t to)
{
	char want[32];

	assert_int_equal(fx->n, to);
	for (size_t i = from; i < to; i++) {
		snprintf(want, sizeof want, "l%zu", i);
		assert_string_equal(fx->lines[i], want);
	}
}

/* Appends lines l<from>..l<to - 1>, one write each, the loop turning between
 * them (as a writer flushing every line of a flood). */
static void append_flood(struct fx *fx, size_t from, size_t to)
{
	char line[32];

	for (size_t i = from; i < to; i++) {
		snprintf(line, sizeof line, "l%zu\n", i);
		append(fx->path, line);
		uv_run(&fx->loop, UV_RUN_NOWAIT);
	}
}

/* A writer on a thread of its own appending l<from>..l<to - 1> to path, one
 * write a millisecond, while the loop waits (so its turns are wake-ups). */
struct flood {
	pthread_t th;
	const char *path;
	size_t from, to;
	atomic_bool done;
};

static void *flood_run(void *arg)
{
	struct flood *fl = arg;
	char line[32];
	int fd = open(fl->path, O_WRONLY | O_APPEND);

	for (size_t i = fl->from; fd >= 0 && i < fl->to; i++) {
		snprintf(line, sizeof line, "l%zu\n", i);
		if (write(fd, line, strlen(line)) < 0)
			break;
		usleep(1000);
	}
	if (fd >= 0)
		close(fd);
	atomic_store(&fl->done, true);
	return NULL;
}

static bool flood_done(struct fx *fx, long arg)
{
	(void)fx;
	return atomic_load(&((struct flood *)arg)->done);
}

/* Runs a flood of l<from>..l<to - 1> on path to its end; returns the loop's
 * turns meanwhile. */
static unsigned long flood_through(struct fx *fx, const char *path, size_t from, size_t to)
{
	struct flood fl = { .path = path, .from = from, .to = to };
	unsigned long t0 = fx->turns;

	atomic_init(&fl.done, false);
	assert_int_equal(pthread_create(&fl.th, NULL, flood_run, &fl), 0);
	bool ok = run_until(fx, flood_done, (long)&fl, 20 * WAIT_MS);
	pthread_join(fl.th, NULL);
	assert_true(ok);
	return fx->turns - t0;
}

/* A flood (a line on the heels of another) is read in batches: once two
 * lines came less than coalesce_ms apart, the next ones wait for the poll (or
 * for the tick, which reads what is pending), and arrive all in order, in one
 * turn of the loop; the wake-ups per appended line are gone meanwhile. */
static void test_flood_read_in_batches(void **state)
{
	struct fx *fx = *state;

	create(fx->path, "");
	open_coalesced(fx, fx->path, 5000);
	assert_true(run_until(fx, in_state, SRC_FOLLOWING, WAIT_MS));
	append_flood(fx, 0, 1);
	assert_true(run_until(fx, has_lines, 1, WAIT_MS));   /* after quiet: at once */
	append_flood(fx, 1, 2);
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));   /* the flood's first */
	unsigned long turns = flood_through(fx, fx->path, 2, 200);
	assert_int_equal(fx->n, 2);                          /* held for the poll */
	assert_true(turns < 40);                             /* ~1 per line before */
	source_tick(fx->src, 0);
	expect_numbered(fx, 0, 200);
	assert_int_equal(batches_from(fx, 2), 1);
	assert_int_equal(fx->src->info.lines, 200);
}

/* The poll timer of a flood, found among the loop's handles by its period. */
struct poll_find {
	uint64_t period;
	uv_timer_t *t;
};

static void poll_find_one(uv_handle_t *h, void *arg)
{
	struct poll_find *pf = arg;

	if (h->type == UV_TIMER && uv_is_active(h) &&
	    uv_timer_get_repeat((uv_timer_t *)h) == pf->period)
		pf->t = (uv_timer_t *)h;
}

/* Under a flood the tick reads what is pending, then the poll starts again
 * from it, due a little before its period: the next tick, a whole number of
 * periods later, finds the lines of those few ms, not of a whole period. */
static void test_flood_poll_before_tick(void **state)
{
	struct fx *fx = *state;
	struct poll_find pf = { .period = 300 };

	create(fx->path, "");
	open_coalesced(fx, fx->path, 300);
	assert_true(run_until(fx, in_state, SRC_FOLLOWING, WAIT_MS));
	append_flood(fx, 0, 1);
	assert_true(run_until(fx, has_lines, 1, WAIT_MS));
	append_flood(fx, 1, 2);
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));   /* polling now */
	append(fx->path, "l2\n");
	source_tick(fx->src, 0);
	expect_numbered(fx, 0, 3);
	uv_walk(&fx->loop, poll_find_one, &pf);
	assert_non_null(pf.t);
	assert_true(uv_timer_get_due_in(pf.t) == 280);
}

/* The poll itself reads the flood on: a few batches, in order; once it finds
 * nothing the watch is back and a lone line is read at once again. */
static void test_flood_then_lone_lines(void **state)
{
	struct fx *fx = *state;
	const int w = 300;

	create(fx->path, "");
	open_coalesced(fx, fx->path, w);
	assert_true(run_until(fx, in_state, SRC_FOLLOWING, WAIT_MS));
	append_flood(fx, 0, 2);
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));
	append_flood(fx, 2, 100);
	assert_true(run_until(fx, has_lines, 100, WAIT_MS));
	expect_numbered(fx, 0, 100);
	assert_true(batches_from(fx, 2) <= 3);
	for (size_t i = 100; i < 102; i++) {
		run_for(fx, 5 * w / 2);                      /* a quiet spell */
		double t = (double)uv_hrtime() / 1e9;
		append_flood(fx, i, i + 1);
		assert_true(run_until(fx, has_lines, (long)i + 1, WAIT_MS));
		assert_true(fx->line_at[i] - t < 0.5 * w / 1000.0);
	}
	append(fx->path, "l102\n");
	assert_true(run_until(fx, has_lines, 103, WAIT_MS));
	append(fx->path, "l103\n");                        /* rotation, under the poll */
	char old[160];
	path_with(fx, old, sizeof(old), ".1");
	assert_int_equal(rename(fx->path, old), 0);
	create(fx->path, "l104\nl105\n");
	assert_true(run_until(fx, has_lines, 106, WAIT_MS));
	expect_numbered(fx, 0, 106);
}

static void count_line(void *ctx, struct source *src, char *line, size_t len)
{
	(void)src, (void)line, (void)len;
	(*(int *)ctx)++;
}

/* Another file followed in the same directory (a contacts feed beside the
 * queue_log) does not wake the loop for each line of this one's flood. */
static void test_flood_beside_another_file(void **state)
{
	struct fx *fx = *state;
	char other[160];
	int other_lines = 0;
	struct source_opts opts = { .follow = true };
	struct source_sink sink = { .ctx = &other_lines, .line = count_line };
	char *cause = NULL;

	path_with(fx, other, sizeof(other), ".contacts");
	create(other, "o1\n");
	fx->other = source_open(&fx->loop, other, &opts, &sink, &cause);
	assert_non_null(fx->other);
	create(fx->path, "");
	open_coalesced(fx, fx->path, 5000);
	assert_true(run_until(fx, in_state, SRC_FOLLOWING, WAIT_MS));
	append_flood(fx, 0, 2);
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));
	run_for(fx, 50);
	unsigned long turns = flood_through(fx, fx->path, 2, 200);
	assert_true(turns < 40);
	source_tick(fx->src, 0);
	expect_numbered(fx, 0, 200);
	append(other, "o2\n");                             /* the other one still follows */
	fx->expired = false;
	uv_timer_start(&fx->deadline, on_deadline, WAIT_MS, 0);
	while (other_lines < 2 && !fx->expired)
		uv_run(&fx->loop, UV_RUN_ONCE);
	uv_timer_stop(&fx->deadline);
	assert_int_equal(other_lines, 2);
}

/* A copy-truncate in the middle of a flood: the new content from its start. */
static void test_flood_copy_truncate(void **state)
{
	struct fx *fx = *state;

	create(fx->path, "");
	open_coalesced(fx, fx->path, 5000);
	assert_true(run_until(fx, in_state, SRC_FOLLOWING, WAIT_MS));
	append_flood(fx, 0, 1);
	assert_true(run_until(fx, has_lines, 1, WAIT_MS));
	append_flood(fx, 1, 2);
	assert_true(run_until(fx, has_lines, 2, WAIT_MS));
	/* truncated and written again past the offset (its byte before it differs) */
	create(fx->path, "l2\nl3\r\nl4\n");
	source_tick(fx->src, 0);
	expect_numbered(fx, 0, 5);
}

/* A pipe flooded one line per write: held back for coalesce_ms after a read
 * that followed another closely, then read in one batch; a lone line after a
 * quiet spell is read at once; a backlog is not held back. */
static void test_stdin_pipe_flood(void **state)
{
	struct fx *fx = *state;
	const int w = 300;
	int p[2];
	char line[32];

	assert_int_equal(pipe(p), 0);
	replace_stdin(fx, p[0]);
	open_coalesced(fx, "-", w);
	for (size_t i = 0; i < 2; i++) {
		snprintf(line, sizeof line, "l%zu\n", i);
		assert_int_equal(write(p[1], line, strlen(line)), (ssize_t)strlen(line));
		assert_true(run_until(fx, has_lines, (long)i + 1, WAIT_MS));
	}
	unsigned long t0 = fx->turns;
	for (size_t i = 2; i < 100; i++) {
		snprintf(line, sizeof line, "l%zu\n", i);
		assert_int_equal(write(p[1], line, strlen(line)), (ssize_t)strlen(line));
		uv_run(&fx->loop, UV_RUN_NOWAIT);
	}
	run_for(fx, 50);
	assert_int_equal(fx->n, 2);                          /* held back */
	assert_true(fx->turns - t0 < 110);
	assert_true(run_until(fx, has_lines, 100, WAIT_MS));
	expect_numbered(fx, 0, 100);
	assert_int_equal(batches_from(fx, 2), 1);
	run_for(fx, 2 * w);
	double t = (double)uv_hrtime() / 1e9;
	assert_int_equal(write(p[1], "l100\n", 5), 5);
	assert_true(run_until(fx, has_lines, 101, WAIT_MS));
	assert_true(fx->line_at[100] - t < 0.5 * w / 1000.0);
	/* a backlog of 3,000 lines (more than a pipe holds) while held back */
	assert_int_equal(write(p[1], "l101\n", 5), 5);
	assert_true(run_until(fx, has_lines, 102, WAIT_MS));
	int fl = fcntl(p[1], F_GETFL);
	fcntl(p[1], F_SETFL, fl | O_NONBLOCK);
	size_t i = 102;
	double t1 = (double)uv_hrtime() / 1e9;
	while (i < 3102 && (double)uv_hrtime() / 1e9 - t1 < 5.0) {
		snprintf(line, sizeof line, "l%zu\n", i);
		ssize_t k = write(p[1], line, strlen(line));
		if (k == (ssize_t)strlen(line))
			i++;
		else
			uv_run(&fx->loop, UV_RUN_ONCE);   /* full: the reader must drain it */
	}
	close(p[1]);
	assert_true(run_until(fx, is_done, 0, WAIT_MS));
	expect_numbered(fx, 0, 3102);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_existing_content),
		T(test_appends),
		T(test_partial_line_held),
		T(test_rotate_by_rename),
		T(test_rotate_gap_before_new_file),
		T(test_copy_truncate),
		T(test_truncate_drops_partial),
		T(test_appears_later),
		T(test_directory_appears_later),
		T(test_rotated_twice_in_a_second),
		T(test_deleted_and_created_again),
		T(test_error_then_recovers),
		T(test_replay_to_end),
		T(test_replay_big_file),
		T(test_replay_missing_file),
		T(test_close_inside_callbacks),
		T(test_close_inside_done),
		T(test_network_specs_dispatched),
		T(test_stdin_pipe),
		T(test_stdin_socket),
		T(test_stdin_redirected_file),
		T(test_stdin_terminal),
		T(test_named_pipe_path),
		T(test_named_pipe_followed_two_writers),
		T(test_overlong_line_counted),
		T(test_overlong_line_counted_replay),
		T(test_overlong_line_counted_stdin),
		T(test_flood_read_in_batches),
		T(test_flood_poll_before_tick),
		T(test_flood_then_lone_lines),
		T(test_flood_beside_another_file),
		T(test_flood_copy_truncate),
		T(test_stdin_pipe_flood),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
