/* history_worker.h - the history database's work off the loop thread (SPEC 7):
 * interval writes and the typical day's read run in libuv's thread pool, one
 * job at a time (so writes keep their order); the pool thread touches only the
 * store and data copied in, and the history model is filled on the loop. */
#ifndef CCBOARD_HISTORY_WORKER_H
#define CCBOARD_HISTORY_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "history.h"
#include "history_store.h"

struct history_worker;

/* Called on the loop when a job is over: an open or a write done (cause NULL,
 * days_held the days the database holds), or a job failed (cause, which says
 * how many tries failed and how many rows wait for the next). */
typedef void (*history_worker_report_fn)(void *ctx, const char *cause, int64_t days_held);

/* A worker writing to and reading from s for h. s (unless NULL: see
 * history_worker_open) and h must outlive it. */
struct history_worker *history_worker_new(uv_loop_t *loop, struct history_store *s,
                                          struct history *h, history_worker_report_fn report,
                                          void *ctx);

/* Opens the database at path in the pool (the worker then owns it; s given
 * to history_worker_new was NULL): a slow disk never holds the loop. A
 * failed open is reported and tried again, as a failed write is. */
void history_worker_open(struct history_worker *w, const char *path, int busy_ms);

/* Called on each tick: starts what waits once a failure's pause is over. */
void history_worker_tick(struct history_worker *w);

/* Jobs failed so far (each tried again HW_RETRY_MS later, the rows kept). */
uint64_t history_worker_failures(const struct history_worker *w);

/* Writes rows (copied) in one transaction after the jobs before; rows given
 * while a job runs wait and go together in the next one. */
void history_worker_write(struct history_worker *w, const struct hist_row *rows, size_t n);

/* Reads the typical day of the board day [day_start, day_end) into h (see
 * history_store_load). Returns false (nothing done) while a read is under way. */
bool history_worker_load(struct history_worker *w, int64_t day_start, int64_t day_end,
                         int day_start_min, int weeks, int wrapup_s);

/* history_worker_load into another picture of the past than the worker's
 * (a replay reads the next day's while its snapshots still show today's). */
bool history_worker_load_into(struct history_worker *w, struct history *into, int64_t day_start,
                              int64_t day_end, int day_start_min, int weeks, int wrapup_s);

/* Called on the loop once each read is over (ok: the picture is filled; a
 * failure is also reported, and wanted again after a pause). */
typedef void (*history_worker_loaded_fn)(void *ctx, bool ok);
void history_worker_on_load(struct history_worker *w, history_worker_loaded_fn fn, void *ctx);

/* True while a job runs or waits. */
bool history_worker_busy(const struct history_worker *w);

/* The longest write so far, in ms (in the pool thread). */
double history_worker_write_ms_max(const struct history_worker *w);

/* At exit, once the loop has run dry: no job starts any more; rows given
 * after it wait for history_worker_free. */
void history_worker_stop(struct history_worker *w);

/* At exit, once the loop has run dry (a running job keeps it alive, so the
 * loop's last run waits for it): writes the rows still waiting synchronously
 * and frees w. */
void history_worker_free(struct history_worker *w);

/* Tests: when set, runs in the pool thread before each job. */
extern void (*history_worker_job_hook)(void);

#endif
