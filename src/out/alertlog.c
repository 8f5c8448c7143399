/* alertlog.c - alert changes to a log file and an `exec` hook (libuv shell).
 * One write is in flight at a time, so lines land in order; lines that come
 * meanwhile gather into the next batch, bounded in bytes, so a burst costs
 * one write and a stuck disk costs dropped (counted) lines, never unbounded
 * memory or the loop. Hooks beyond ALERTLOG_MAX_CHILDREN wait their turn in
 * a bounded ring; each runs detached (its own session and process group) so
 * it can be killed whole and never reaches the terminal. */
#include "alertlog.h"

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "textsafe.h"
#include "util.h"

extern char **environ;

struct child {
	uv_process_t proc;
	uv_timer_t timer;
	struct alertlog *al;
	int handles;                         /* handles of this slot not yet closed */
	bool used;
};

struct alertlog {
	uv_loop_t *loop;
	char *path;                          /* NULL: no log file */
	char *exec_cmd;
	uint64_t exec_timeout_ms;
	uv_file fd;                          /* -1: no log file */
	char *pend;                          /* lines for the next batch */
	size_t pend_len, pend_cap, pend_lines;
	char *batch;                         /* the batch being written */
	size_t batch_len, batch_off, batch_lines, batch_cap;
	uv_fs_t req;
	bool writing, reopen_wanted;
	struct child kids[ALERTLOG_MAX_CHILDREN];
	struct alert_event *wait;            /* ring of hooks waiting for a slot */
	size_t wait_head, wait_n;
	int busy;                            /* callbacks still to come */
	bool closed;
	struct alertlog_stats st;
};

/* ---- formatting ---- */

/* v with at most one decimal, whatever the locale; "" for null. */
static void fmt_value(char *buf, size_t sz, double v)
{
	if (isnan(v) || isinf(v))
		snprintf(buf, sz, "%s", "");
	else
		alerts_format_number(buf, sz, v);
}

static void fmt_time(char *buf, size_t sz, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm) || !strftime(buf, sz, "%Y-%m-%dT%H:%M:%S%z", &tm))
		snprintf(buf, sz, "%lld", (long long)t);
}

/* Writes raw as one field value: stripped as on the screen, then quoted
 * (with '"' and '\' escaped) when it is empty, when always is set, or when
 * it holds a space, '=', '"' or '\'. out needs 2 * strlen(raw) + 8 bytes. */
static void fmt_field(char *out, size_t sz, const char *raw, bool always)
{
	char *safe = textsafe_dup(raw, -1, textsafe_locale_flags());
	bool quote = always || !*safe || strpbrk(safe, " =\"\\") != NULL;
	size_t n = 0;
	if (quote)
		out[n++] = '"';
	for (const char *s = safe; *s && n + 4 < sz; s++) {
		if (*s == '"' || *s == '\\')
			out[n++] = '\\';
		out[n++] = *s;
	}
	if (quote)
		out[n++] = '"';
	out[n] = '\0';
	free(safe);
}

static char *format_line(const struct alert_event *ev, int64_t now)
{
	const struct snap_alert *a = &ev->alert;
	char at[40], since[40], value[32];
	char rule[2 * sizeof a->rule + 8], queue[2 * sizeof a->queue + 8];
	char msg[2 * sizeof a->message + 8];
	fmt_time(at, sizeof at, now);
	fmt_time(since, sizeof since, a->since);
	fmt_value(value, sizeof value, a->value);
	fmt_field(rule, sizeof rule, a->rule, false);
	fmt_field(queue, sizeof queue, a->queue, false);
	fmt_field(msg, sizeof msg, a->message, true);
	return xasprintf("%s %s %s rule=%s queue=%s value=%s since=%s message=%s\n", at,
	                 alert_change_name(ev->change), alert_severity_name(a->severity), rule,
	                 queue, *value ? value : "null", since, msg);
}

/* ---- the file ---- */

static void maybe_free(struct alertlog *al)
{
	if (!al->closed || al->busy > 0)
		return;
	free(al->pend);
	free(al->batch);
	free(al->wait);
	free(al->path);
	free(al->exec_cmd);
	free(al);
}

/* Opens path for appending; returns 0 with *fd, or a libuv error code. */
static int open_log(const char *path, uv_file *fd)
{
	uv_fs_t req;
	int rc = uv_fs_open(NULL, &req, path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644,
	                    NULL);
	uv_fs_req_cleanup(&req);
	if (rc < 0)
		return rc;
	*fd = rc;
	return 0;
}

static void close_fd(struct alertlog *al)
{
	if (al->fd >= 0)
		close(al->fd);   /* a regular file: returns at once */
	al->fd = -1;
}

/* Whether the path no longer names the open file (renamed, deleted, replaced). */
static bool path_moved(const struct alertlog *al)
{
	struct stat by_path, open;
	if (fstat(al->fd, &open) != 0 || stat(al->path, &by_path) != 0)
		return true;
	return by_path.st_dev != open.st_dev || by_path.st_ino != open.st_ino;
}

/* Opens the path again; on failure keeps the old file and counts the error. */
static void reopen_now(struct alertlog *al)
{
	uv_file fd;
	int rc = open_log(al->path, &fd);
	al->reopen_wanted = false;
	if (rc < 0) {
		al->st.reopen_errors++;
		al->st.last_write_error = rc;
		return;
	}
	close_fd(al);
	al->fd = fd;
	al->st.reopens++;
}

/* Moves the pending lines into the batch (the two buffers swap). */
static void take_batch(struct alertlog *al)
{
	char *b = al->batch;
	size_t cap = al->batch_cap;
	al->batch = al->pend;
	al->batch_cap = al->pend_cap;
	al->batch_len = al->pend_len;
	al->batch_lines = al->pend_lines;
	al->batch_off = 0;
	al->pend = b;
	al->pend_cap = cap;
	al->pend_len = al->pend_lines = 0;
}

static void batch_lost(struct alertlog *al, int err)
{
	al->st.write_errors += al->batch_lines;
	al->st.last_write_error = err;
	al->batch_len = al->batch_lines = 0;
}

static void on_write(uv_fs_t *req);

/* Starts writing the batch (or the next one) when nothing is in flight. */
static void pump(struct alertlog *al)
{
	while (!al->writing && al->fd >= 0 && (al->batch_len > 0 || al->pend_len > 0)) {
		if (al->batch_len == 0) {
			if (al->reopen_wanted || path_moved(al))
				reopen_now(al);
			take_batch(al);
		}
		uv_buf_t buf = uv_buf_init(al->batch + al->batch_off,
		                           (unsigned)(al->batch_len - al->batch_off));
		al->req.data = al;
		int rc = uv_fs_write(al->loop, &al->req, al->fd, &buf, 1, -1, on_write);
		if (rc == 0) {
			al->writing = true;
			al->busy++;
			return;
		}
		batch_lost(al, rc);
	}
	if (!al->writing && al->closed)
		close_fd(al);
}

static void on_write(uv_fs_t *req)
{
	struct alertlog *al = req->data;
	ssize_t rc = req->result;
	uv_fs_req_cleanup(req);
	al->writing = false;
	al->busy--;
	if (rc <= 0) {
		batch_lost(al, rc < 0 ? (int)rc : UV_EIO);
	} else {
		al->batch_off += (size_t)rc;
		if (al->batch_off >= al->batch_len) {
			al->st.lines_written += al->batch_lines;
			al->batch_len = al->batch_lines = 0;
		}
	}
	if (al->batch_len == 0 && al->reopen_wanted)
		reopen_now(al);
	pump(al);
	maybe_free(al);
}

static void queue_line(struct alertlog *al, const struct alert_event *ev)
{
	char *line = format_line(ev, (int64_t)time(NULL));
	size_t n = strlen(line);
	if (al->pend_len + al->batch_len + n > ALERTLOG_MAX_PENDING) {
		al->st.lines_dropped++;
		free(line);
		return;
	}
	if (al->pend_len + n > al->pend_cap) {
		al->pend_cap = (al->pend_len + n) * 2;
		al->pend = xrealloc(al->pend, al->pend_cap);
	}
	memcpy(al->pend + al->pend_len, line, n);
	al->pend_len += n;
	al->pend_lines++;
	free(line);
	pump(al);
}

/* ---- the hook ---- */

static void run_waiting(struct alertlog *al);

static void on_child_closed(uv_handle_t *h)
{
	struct child *k = h->data;
	struct alertlog *al = k->al;
	al->busy--;
	if (--k->handles > 0)
		return;
	k->used = false;
	al->st.children--;
	run_waiting(al);
	maybe_free(al);
}

static void close_child(struct child *k)
{
	if (!uv_is_closing((uv_handle_t *)&k->proc))
		uv_close((uv_handle_t *)&k->proc, on_child_closed);
	if (k->handles > 1 && !uv_is_closing((uv_handle_t *)&k->timer))
		uv_close((uv_handle_t *)&k->timer, on_child_closed);
}

/* Kills the hook's whole process group (it leads its own session). */
static void kill_group(struct child *k)
{
	if (k->proc.pid > 0)
		kill(-k->proc.pid, SIGKILL);
}

static void on_child_exit(uv_process_t *p, int64_t status, int signal)
{
	struct child *k = p->data;
	if (status != 0 || signal != 0) {
		k->al->st.exec_failures++;
		k->al->st.last_exec_error = signal ? 128 + signal : (int)status;
	}
	close_child(k);
}

static void on_child_timeout(uv_timer_t *t)
{
	struct child *k = t->data;
	k->al->st.exec_timeouts++;
	kill_group(k);   /* the exit callback follows */
}

/* Returns "NAME=" followed by value stripped as on the screen (malloc'ed). */
static char *env_var(const char *name, const char *value)
{
	char *safe = textsafe_dup(value, -1, textsafe_locale_flags());
	char *s = xasprintf("%s%s", name, safe);
	free(safe);
	return s;
}

static bool is_alert_var(const char *e)
{
	return strncmp(e, "CCBOARD_ALERT_", 14) == 0;
}

/* Returns a NULL-terminated environment: ours plus the inherited one
 * (without stale CCBOARD_ALERT_ variables); free with free_env. */
static char **build_env(const struct alert_event *ev)
{
	const struct snap_alert *a = &ev->alert;
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **env = xcalloc(n + 8, sizeof *env);
	char value[32], since[32];
	fmt_value(value, sizeof value, a->value);
	snprintf(since, sizeof since, "%lld", (long long)a->since);
	size_t k = 0;
	env[k++] = env_var("CCBOARD_ALERT_RULE=", a->rule);
	env[k++] = env_var("CCBOARD_ALERT_QUEUE=", a->queue);
	env[k++] = env_var("CCBOARD_ALERT_SEVERITY=", alert_severity_name(a->severity));
	env[k++] = env_var("CCBOARD_ALERT_CHANGE=", alert_change_name(ev->change));
	env[k++] = env_var("CCBOARD_ALERT_VALUE=", value);
	env[k++] = env_var("CCBOARD_ALERT_SINCE=", since);
	env[k++] = env_var("CCBOARD_ALERT_MESSAGE=", a->message);
	for (size_t i = 0; i < n; i++)
		if (!is_alert_var(environ[i]))
			env[k++] = environ[i];
	return env;
}

static void free_env(char **env)
{
	for (int i = 0; i < 7; i++)
		free(env[i]);
	free(env);
}

static struct child *free_child(struct alertlog *al)
{
	for (int i = 0; i < ALERTLOG_MAX_CHILDREN; i++)
		if (!al->kids[i].used)
			return &al->kids[i];
	return NULL;
}

/* Starts the hook for ev in slot k. */
static void spawn(struct alertlog *al, struct child *k, const struct alert_event *ev)
{
	char *args[] = { "sh", "-c", al->exec_cmd, NULL };
	uv_stdio_container_t stdio[3] = { { .flags = UV_IGNORE }, { .flags = UV_IGNORE },
		{ .flags = UV_IGNORE } };   /* libuv points ignored 0-2 at /dev/null */
	char **env = build_env(ev);
	uv_process_options_t opt = { .exit_cb = on_child_exit, .file = "/bin/sh", .args = args,
		.env = env, .stdio_count = 3, .stdio = stdio, .flags = UV_PROCESS_DETACHED };
	*k = (struct child){ .al = al, .used = true, .handles = 1 };
	k->proc.data = k;
	int rc = uv_spawn(al->loop, &k->proc, &opt);
	free_env(env);
	al->st.children++;
	al->busy++;
	if (rc != 0) {
		al->st.exec_failures++;
		al->st.last_exec_error = rc;
		uv_close((uv_handle_t *)&k->proc, on_child_closed);
		return;
	}
	al->st.execs_started++;
	uv_timer_init(al->loop, &k->timer);
	k->timer.data = k;
	k->handles++;
	al->busy++;
	if (al->exec_timeout_ms > 0)
		uv_timer_start(&k->timer, on_child_timeout, al->exec_timeout_ms, 0);
}

/* Starts waiting hooks while slots are free. */
static void run_waiting(struct alertlog *al)
{
	struct child *k;
	while (!al->closed && al->wait_n > 0 && (k = free_child(al)) != NULL) {
		struct alert_event ev = al->wait[al->wait_head];
		al->wait_head = (al->wait_head + 1) % ALERTLOG_MAX_WAITING;
		al->wait_n--;
		spawn(al, k, &ev);
	}
}

static void run_hook(struct alertlog *al, const struct alert_event *ev)
{
	if (al->wait_n == ALERTLOG_MAX_WAITING) {
		al->st.execs_dropped++;
		return;
	}
	if (!al->wait)
		al->wait = xcalloc(ALERTLOG_MAX_WAITING, sizeof *al->wait);
	al->wait[(al->wait_head + al->wait_n) % ALERTLOG_MAX_WAITING] = *ev;
	al->wait_n++;
	run_waiting(al);
}

/* ---- public ---- */

/* Returns a new alertlog (free with alertlog_close), or NULL with *cause. */
struct alertlog *alertlog_new(uv_loop_t *loop, const char *path, const char *exec_cmd,
                              uint64_t exec_timeout_ms, char **cause)
{
	uv_file fd = -1;
	if (path && *path) {
		int rc = open_log(path, &fd);
		if (rc < 0) {
			if (cause)
				*cause = xasprintf("alert_log %s: %s", path, uv_strerror(rc));
			return NULL;
		}
	}
	struct alertlog *al = xcalloc(1, sizeof *al);
	al->loop = loop;
	al->fd = fd;
	al->path = fd >= 0 ? xstrdup(path) : NULL;
	al->exec_cmd = exec_cmd && *exec_cmd ? xstrdup(exec_cmd) : NULL;
	al->exec_timeout_ms = exec_timeout_ms;
	return al;
}

/* Logs and hooks one change; returns at once. */
void alertlog_emit(struct alertlog *al, const struct alert_event *ev)
{
	if (!al || al->closed)
		return;
	if (al->fd >= 0)
		queue_line(al, ev);
	if (al->exec_cmd)
		run_hook(al, ev);
}

/* alert_event_fn adapter for alertlog_emit. */
void alertlog_event_fn(void *ctx, const struct alert_event *ev)
{
	alertlog_emit(ctx, ev);
}

/* Reopens the file now, or once the write in flight is done. */
void alertlog_reopen(struct alertlog *al)
{
	if (!al || al->closed || al->fd < 0)
		return;
	al->reopen_wanted = true;
	if (!al->writing && al->batch_len == 0)
		reopen_now(al);
}

/* Returns a copy of the counters. */
struct alertlog_stats alertlog_stats(const struct alertlog *al)
{
	struct alertlog_stats st = al->st;
	st.queued = al->pend_lines + al->batch_lines;
	st.waiting = al->wait_n;
	return st;
}

/* Returns true when nothing is queued, waiting or running. */
bool alertlog_idle(const struct alertlog *al)
{
	return al->pend_len == 0 && al->batch_len == 0 && !al->writing &&
	       al->st.children == 0 && al->wait_n == 0;
}

/* Closes al: queued lines are still written, running hooks are killed. */
void alertlog_close(struct alertlog *al)
{
	if (!al || al->closed)
		return;
	al->closed = true;
	al->st.execs_dropped += al->wait_n;
	al->wait_n = 0;
	for (int i = 0; i < ALERTLOG_MAX_CHILDREN; i++) {
		struct child *k = &al->kids[i];
		if (!k->used || uv_is_closing((uv_handle_t *)&k->proc))
			continue;
		kill_group(k);
		close_child(k);
	}
	pump(al);
	maybe_free(al);
}
