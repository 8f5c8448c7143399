/* history_worker.c - the history database in libuv's thread pool (see
 * history_worker.h). */
#include "history_worker.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "util.h"

void (*history_worker_job_hook)(void);

enum hw_job { HW_OPEN, HW_WRITE, HW_LOAD };

/* After a failed job the rows wait this long before the next try. */
#define HW_RETRY_MS 1000

struct hw_load {
	int64_t day_start, day_end;
	int day_start_min, weeks, wrapup_s;
	struct history *into;         /* NULL: the worker's */
};

struct history_worker {
	uv_loop_t *loop;
	struct history_store *s;
	char *path;                   /* when set, the pool opens s (and w owns it) */
	int busy_ms;
	bool open_wanted;
	struct history *h;
	history_worker_report_fn report;
	void *ctx;
	uv_work_t req;
	bool running, stopped;
	/* the running job: what it writes or what it read, and how it went */
	enum hw_job job;
	struct hist_past rows;
	struct hw_load load;
	int rc;
	char *cause;
	int64_t days;
	double ms, ms_max;
	/* what waits for it */
	struct hist_past queued;
	double retry_at;              /* after a failure: no job before (monotonic ms) */
	uint64_t failures, failed_rows;
	bool load_wanted;
	struct hw_load load_next;
	history_worker_loaded_fn loaded;
	void *loaded_ctx;
};

static double hw_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct history_worker *history_worker_new(uv_loop_t *loop, struct history_store *s,
                                          struct history *h, history_worker_report_fn report,
                                          void *ctx)
{
	struct history_worker *w = xcalloc(1, sizeof *w);
	w->loop = loop;
	w->s = s;
	w->h = h;
	w->report = report;
	w->ctx = ctx;
	w->req.data = w;
	return w;
}

/* Appends copies of rows (names included) to p. */
static void hw_copy(struct hist_past *p, const struct hist_row *rows, size_t n)
{
	if (p->n + n > p->cap) {
		p->cap = p->n + n > 2 * p->cap ? p->n + n : 2 * p->cap;
		p->rows = xrealloc(p->rows, p->cap * sizeof *p->rows);
		p->names = xrealloc(p->names, p->cap * sizeof *p->names);
	}
	for (size_t i = 0; i < n; i++, p->n++) {
		p->rows[p->n] = rows[i];
		p->names[p->n] = xstrdup(rows[i].name);
		p->rows[p->n].name = p->names[p->n];
	}
}

/* The pool thread: SQLite only, on the job's own data. */
static void hw_work(uv_work_t *req)
{
	struct history_worker *w = req->data;
	if (history_worker_job_hook)
		history_worker_job_hook();
	if (w->s == NULL && w->path) {       /* the first job, or a failed open again */
		w->s = history_store_open(w->path, w->busy_ms, &w->cause);
		if (w->s == NULL) {
			w->rc = -1;
			return;
		}
	}
	if (w->s == NULL) {
		w->rc = -1;
		w->cause = xstrdup("no database");
		return;
	}
	if (w->job == HW_OPEN) {
		w->days = history_store_days(w->s);
		return;
	}
	if (w->job == HW_LOAD) {
		w->rc = history_store_read_past(w->s, w->load.day_start, w->load.day_start_min,
		                                w->load.weeks, &w->rows, &w->cause);
		return;
	}
	double t0 = hw_mono_ms();
	w->rc = history_store_write(w->s, w->rows.rows, w->rows.n, &w->cause);
	w->ms = hw_mono_ms() - t0;
	w->days = w->rc == 0 ? history_store_days(w->s) : -1;
}

static void hw_next(struct history_worker *w);

/* A job failed (a lock held past busy_ms, a full disk): its rows go back in
 * front of those waiting, the open or the read is wanted again, and nothing
 * is tried before HW_RETRY_MS; the report counts the failures. */
static void hw_failed(struct history_worker *w)
{
	w->failures++;
	if (w->job == HW_WRITE) {
		w->failed_rows += w->rows.n;
		hw_copy(&w->rows, w->queued.rows, w->queued.n);   /* the older rows first */
		hist_past_free(&w->queued);
		w->queued = w->rows;
		memset(&w->rows, 0, sizeof w->rows);
	} else if (w->job == HW_OPEN) {
		w->open_wanted = true;
	} else {
		w->load_wanted = true;
		w->load_next = w->load;
	}
	w->retry_at = hw_mono_ms() + HW_RETRY_MS;
	char *msg = xasprintf("%s (%" PRIu64 " failed tr%s, %zu rows waiting; tried again every %d s)",
	                      w->cause ? w->cause : "failed", w->failures,
	                      w->failures == 1 ? "y" : "ies", w->queued.n, HW_RETRY_MS / 1000);
	w->report(w->ctx, msg, -1);
	free(msg);
}

/* Back on the loop: the result to the model and the status, then the next job. */
static void hw_after(uv_work_t *req, int status)
{
	struct history_worker *w = req->data;
	enum hw_job job = w->job;
	(void)status;                     /* never cancelled */
	w->running = false;
	if (w->job == HW_LOAD && w->rc == 0)
		history_set_typical(w->load.into ? w->load.into : w->h, w->load.day_start, w->load.day_end, w->rows.rows, w->rows.n,
		                    w->rows.n_days, w->load.wrapup_s);
	else if (w->rc != 0)
		hw_failed(w);
	else {
		if (w->job == HW_WRITE && w->ms > w->ms_max)
			w->ms_max = w->ms;
		w->report(w->ctx, NULL, w->days);
	}
	bool ok = w->rc == 0;
	free(w->cause);
	w->cause = NULL;
	hist_past_free(&w->rows);
	hw_next(w);
	if (job == HW_LOAD && w->loaded)
		w->loaded(w->loaded_ctx, ok);
}

/* Starts the next job when none runs: the rows waiting first, then a read. */
static void hw_next(struct history_worker *w)
{
	if (w->running || w->stopped || (w->retry_at > 0 && hw_mono_ms() < w->retry_at))
		return;
	w->retry_at = 0;
	if (w->open_wanted) {
		w->job = HW_OPEN;
		w->open_wanted = false;
	} else if (w->queued.n) {
		w->job = HW_WRITE;
		w->rows = w->queued;
		memset(&w->queued, 0, sizeof w->queued);
	} else if (w->load_wanted) {
		w->job = HW_LOAD;
		w->load = w->load_next;
		w->load_wanted = false;
	} else
		return;
	w->rc = 0;
	if (uv_queue_work(w->loop, &w->req, hw_work, hw_after) != 0) {
		hist_past_free(&w->rows);
		w->report(w->ctx, "cannot queue the database work", -1);
		return;
	}
	w->running = true;
}

void history_worker_open(struct history_worker *w, const char *path, int busy_ms)
{
	free(w->path);
	w->path = xstrdup(path);
	w->busy_ms = busy_ms;
	w->open_wanted = true;
	hw_next(w);
}

void history_worker_on_load(struct history_worker *w, history_worker_loaded_fn fn, void *ctx)
{
	w->loaded = fn;
	w->loaded_ctx = ctx;
}

void history_worker_stop(struct history_worker *w)
{
	w->stopped = true;
}

void history_worker_tick(struct history_worker *w)
{
	hw_next(w);
}

uint64_t history_worker_failures(const struct history_worker *w)
{
	return w->failures;
}

void history_worker_write(struct history_worker *w, const struct hist_row *rows, size_t n)
{
	if (n == 0)
		return;
	hw_copy(&w->queued, rows, n);
	hw_next(w);
}

bool history_worker_load(struct history_worker *w, int64_t day_start, int64_t day_end,
                         int day_start_min, int weeks, int wrapup_s)
{
	return history_worker_load_into(w, NULL, day_start, day_end, day_start_min, weeks,
	                                wrapup_s);
}

bool history_worker_load_into(struct history_worker *w, struct history *into, int64_t day_start,
                              int64_t day_end, int day_start_min, int weeks, int wrapup_s)
{
	if (w->load_wanted || (w->running && w->job == HW_LOAD))
		return false;
	w->load_next = (struct hw_load){ day_start, day_end, day_start_min, weeks, wrapup_s,
	                                 into };
	w->load_wanted = true;
	hw_next(w);
	return true;
}

bool history_worker_busy(const struct history_worker *w)
{
	return w->running || w->queued.n || w->load_wanted || w->open_wanted;
}

double history_worker_write_ms_max(const struct history_worker *w)
{
	return w->ms_max;
}

void history_worker_free(struct history_worker *w)
{
	if (w == NULL)
		return;
	/* exit may block briefly: the last rows go synchronously, the loop is over */
	if (!w->running && w->queued.n) {
		char *cause = NULL;
		if (w->s == NULL && w->path)
			w->s = history_store_open(w->path, w->busy_ms, &cause);
		if (w->s == NULL || history_store_write(w->s, w->queued.rows, w->queued.n, &cause) < 0)
			w->report(w->ctx, cause ? cause : "no database", -1);
		free(cause);
	}
	hist_past_free(&w->queued);
	if (w->path)                  /* its own store */
		history_store_close(w->s);
	free(w->path);
	free(w);
}
