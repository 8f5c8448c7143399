/* alertlog.c - alert changes to a log file and an `exec` hook (libuv shell).
 * One write is in flight at a time, so lines land in order; the queue is a
 * fixed ring, so a stuck disk costs dropped lines, never memory or the loop. */
#include "alertlog.h"

#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern char **environ;

struct child {
	uv_process_t proc;
	struct alertlog *al;
	bool used;
};

struct alertlog {
	uv_loop_t *loop;
	char *exec_cmd;
	uv_file fd;                          /* -1: no log file */
	char *q[ALERTLOG_MAX_QUEUE];         /* ring of lines; q[head] is being written */
	size_t head, count;
	size_t off;                          /* bytes of q[head] already written */
	uv_fs_t req;
	bool writing;
	uv_fs_t close_req;
	struct child kids[ALERTLOG_MAX_CHILDREN];
	int busy;                            /* callbacks still to come */
	bool closed;
	struct alertlog_stats st;
};

static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *dup_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = malloc((size_t)n + 1);
	if (!s)
		abort();
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

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

/* The message with ", \ and control characters escaped, for one log line. */
static void quote(char *out, size_t sz, const char *s)
{
	size_t n = 0;
	for (; *s && n + 5 < sz; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			n += (size_t)snprintf(out + n, sz - n, "\\x%02x", c);
		} else {
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
}

static char *format_line(const struct alert_event *ev, int64_t now)
{
	const struct snap_alert *a = &ev->alert;
	char at[40], since[40], value[32], msg[4 * sizeof a->message + 1];
	fmt_time(at, sizeof at, now);
	fmt_time(since, sizeof since, a->since);
	fmt_value(value, sizeof value, a->value);
	quote(msg, sizeof msg, a->message);
	return dup_printf("%s %s %s rule=%s queue=%s value=%s since=%s message=\"%s\"\n", at,
	                  alert_change_name(ev->change), alert_severity_name(a->severity), a->rule,
	                  a->queue, *value ? value : "null", since, msg);
}

/* ---- the file ---- */

static void maybe_free(struct alertlog *al)
{
	if (!al->closed || al->busy > 0)
		return;
	for (size_t i = 0; i < al->count; i++)
		free(al->q[(al->head + i) % ALERTLOG_MAX_QUEUE]);
	free(al->exec_cmd);
	free(al);
}

static void on_fd_closed(uv_fs_t *req)
{
	struct alertlog *al = req->data;
	uv_fs_req_cleanup(req);
	al->busy--;
	maybe_free(al);
}

static void close_fd(struct alertlog *al)
{
	if (al->fd < 0)
		return;
	al->close_req.data = al;
	if (uv_fs_close(al->loop, &al->close_req, al->fd, on_fd_closed) == 0)
		al->busy++;
	al->fd = -1;
}

static void drop_head(struct alertlog *al)
{
	free(al->q[al->head]);
	al->q[al->head] = NULL;
	al->head = (al->head + 1) % ALERTLOG_MAX_QUEUE;
	al->count--;
	al->off = 0;
}

static void on_write(uv_fs_t *req);

/* Starts writing the head line when nothing is in flight. */
static void pump(struct alertlog *al)
{
	while (!al->writing && al->count > 0) {
		char *line = al->q[al->head];
		uv_buf_t buf = uv_buf_init(line + al->off, (unsigned)(strlen(line) - al->off));
		al->req.data = al;
		int rc = uv_fs_write(al->loop, &al->req, al->fd, &buf, 1, -1, on_write);
		if (rc == 0) {
			al->writing = true;
			al->busy++;
			return;
		}
		al->st.write_errors++;
		al->st.last_write_error = rc;
		drop_head(al);
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
		al->st.write_errors++;
		al->st.last_write_error = rc < 0 ? (int)rc : UV_EIO;
		drop_head(al);
	} else {
		al->off += (size_t)rc;
		if (al->off >= strlen(al->q[al->head])) {
			al->st.lines_written++;
			drop_head(al);
		}
	}
	pump(al);
	maybe_free(al);
}

static void queue_line(struct alertlog *al, const struct alert_event *ev)
{
	if (al->count == ALERTLOG_MAX_QUEUE) {
		al->st.lines_dropped++;
		return;
	}
	al->q[(al->head + al->count) % ALERTLOG_MAX_QUEUE] = format_line(ev, (int64_t)time(NULL));
	al->count++;
	pump(al);
}

/* ---- the hook ---- */

static void on_child_closed(uv_handle_t *h)
{
	struct child *k = h->data;
	struct alertlog *al = k->al;
	k->used = false;
	al->st.children--;
	al->busy--;
	maybe_free(al);
}

static void on_child_exit(uv_process_t *p, int64_t status, int signal)
{
	struct child *k = p->data;
	if (status != 0 || signal != 0) {
		k->al->st.exec_failures++;
		k->al->st.last_exec_error = signal ? 128 + signal : (int)status;
	}
	if (!uv_is_closing((uv_handle_t *)p))
		uv_close((uv_handle_t *)p, on_child_closed);
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
	char **env = calloc(n + 8, sizeof *env);
	if (!env)
		abort();
	char value[32];
	fmt_value(value, sizeof value, a->value);
	size_t k = 0;
	env[k++] = dup_printf("CCBOARD_ALERT_RULE=%s", a->rule);
	env[k++] = dup_printf("CCBOARD_ALERT_QUEUE=%s", a->queue);
	env[k++] = dup_printf("CCBOARD_ALERT_SEVERITY=%s", alert_severity_name(a->severity));
	env[k++] = dup_printf("CCBOARD_ALERT_CHANGE=%s", alert_change_name(ev->change));
	env[k++] = dup_printf("CCBOARD_ALERT_VALUE=%s", value);
	env[k++] = dup_printf("CCBOARD_ALERT_SINCE=%lld", (long long)a->since);
	env[k++] = dup_printf("CCBOARD_ALERT_MESSAGE=%s", a->message);
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

static void run_hook(struct alertlog *al, const struct alert_event *ev)
{
	struct child *k = free_child(al);
	if (!k) {
		al->st.execs_dropped++;
		return;
	}
	char *args[] = { "sh", "-c", al->exec_cmd, NULL };
	uv_stdio_container_t stdio[3] = { { .flags = UV_IGNORE }, { .flags = UV_IGNORE },
		{ .flags = UV_IGNORE } };
	char **env = build_env(ev);
	uv_process_options_t opt = { .exit_cb = on_child_exit, .file = "/bin/sh", .args = args,
		.env = env, .stdio_count = 3, .stdio = stdio };
	k->used = true;
	k->al = al;
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
}

/* ---- public ---- */

/* Returns a new alertlog (free with alertlog_close), or NULL with *cause. */
struct alertlog *alertlog_new(uv_loop_t *loop, const char *path, const char *exec_cmd,
                              char **cause)
{
	uv_file fd = -1;
	if (path && *path) {
		uv_fs_t req;
		fd = uv_fs_open(NULL, &req, path,
		                O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0644, NULL);
		uv_fs_req_cleanup(&req);
		if (fd < 0) {
			if (cause)
				*cause = dup_printf("alert_log %s: %s", path, uv_strerror(fd));
			return NULL;
		}
	}
	struct alertlog *al = calloc(1, sizeof *al);
	if (!al)
		abort();
	al->loop = loop;
	al->fd = fd;
	al->exec_cmd = exec_cmd && *exec_cmd ? dup_printf("%s", exec_cmd) : NULL;
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

/* Returns a copy of the counters. */
struct alertlog_stats alertlog_stats(const struct alertlog *al)
{
	struct alertlog_stats st = al->st;
	st.queued = al->count;
	return st;
}

/* Returns true when nothing is queued or running. */
bool alertlog_idle(const struct alertlog *al)
{
	return al->count == 0 && !al->writing && al->st.children == 0;
}

/* Closes al: queued lines are still written, then everything is freed. */
void alertlog_close(struct alertlog *al)
{
	if (!al || al->closed)
		return;
	al->closed = true;
	for (int i = 0; i < ALERTLOG_MAX_CHILDREN; i++) {
		uv_handle_t *h = (uv_handle_t *)&al->kids[i].proc;
		if (al->kids[i].used && !uv_is_closing(h))
			uv_close(h, on_child_closed);
	}
	pump(al);
	maybe_free(al);
}
