/* alertlog.h - each alert change appended to a log file and handed to an
 * `exec` hook (config [general] alert_log = / alert_exec =), never blocking
 * the loop: file writes go through libuv's thread pool one line at a time
 * from a bounded queue, hooks run as at most ALERTLOG_MAX_CHILDREN children.
 *
 * Log line (one per change, local time):
 *   2026-01-01T10:04:00+0100 raised critical rule=sl_low queue=sales value=71.4
 *   since=2026-01-01T10:04:00+0100 message="sales: service level 71.4% below 80% for 30 s"
 * Hook: /bin/sh -c CMD with the environment plus CCBOARD_ALERT_RULE, _QUEUE,
 * _SEVERITY (ok|warning|critical), _CHANGE (raised|escalated|eased|cleared),
 * _VALUE (number, empty when null), _SINCE (epoch seconds), _MESSAGE; its
 * stdin, stdout and stderr are /dev/null (the screen stays clean). */
#ifndef CCBOARD_ALERTLOG_H
#define CCBOARD_ALERTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "alerts.h"

#define ALERTLOG_MAX_QUEUE 256    /* lines waiting for the file; more are dropped */
#define ALERTLOG_MAX_CHILDREN 4   /* hooks running at once; more are dropped */

struct alertlog;

struct alertlog_stats {
	uint64_t lines_written;   /* lines the file took whole */
	uint64_t lines_dropped;   /* not queued: the queue was full */
	uint64_t write_errors;    /* lines lost to a failed write (disk full, I/O error) */
	int last_write_error;     /* libuv error code of the latest failure, 0 if none */
	uint64_t execs_started;
	uint64_t execs_dropped;   /* not started: ALERTLOG_MAX_CHILDREN still running */
	uint64_t exec_failures;   /* could not start, or exited non-zero or by a signal */
	int last_exec_error;      /* libuv code of the latest spawn error, else the exit status */
	int children;             /* hooks running now */
	size_t queued;            /* lines waiting for (or being written to) the file */
};

/* Opens path for appending (created 0644; NULL: no log) and remembers
 * exec_cmd (NULL or "": no hook). Returns the new alertlog, or NULL with
 * *cause (malloc'ed, caller frees) when the file cannot be opened. */
struct alertlog *alertlog_new(uv_loop_t *loop, const char *path, const char *exec_cmd,
                              char **cause);

/* Queues one change for the log and starts the hook; returns at once. A full
 * queue or too many hooks drop the work and count it. Usable as an
 * alert_event_fn through alertlog_event_fn. */
void alertlog_emit(struct alertlog *al, const struct alert_event *ev);

/* alert_event_fn adapter: ctx is the struct alertlog *. */
void alertlog_event_fn(void *ctx, const struct alert_event *ev);

/* Returns the counters so far. */
struct alertlog_stats alertlog_stats(const struct alertlog *al);

/* Returns true when no line is queued and no hook is running. */
bool alertlog_idle(const struct alertlog *al);

/* Stops taking changes, writes out the lines already queued, closes the file
 * and the hooks' handles (running hooks are left to finish on their own), and
 * frees al once the loop has run their callbacks. */
void alertlog_close(struct alertlog *al);

#endif
