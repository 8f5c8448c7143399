/* alertlog.h - each alert change appended to a log file and handed to an
 * `exec` hook (config [general] alert_log = / alert_exec =), never blocking
 * the loop: lines gather in a buffer that goes to the file in one write per
 * batch through libuv's thread pool; hooks run as at most
 * ALERTLOG_MAX_CHILDREN children, the others wait in a bounded queue.
 *
 * Log line (one per change, local time; a field holding a space, '=', '"'
 * or '\' is quoted, with '"' and '\' escaped; text from outside is stripped
 * of escape sequences and control characters as on the screen):
 *   2026-01-01T10:04:00+0100 raised critical rule=sl_low queue=sales value=71.4
 *   since=2026-01-01T10:04:00+0100 message="sales: service level 71.4% below 80% for 30 s"
 * The file is opened again on alertlog_reopen (SIGHUP) and whenever its path
 * no longer names the open file (checked before each batch), so a rename
 * rotation loses nothing.
 *
 * Hook: /bin/sh -c CMD with the environment plus CCBOARD_ALERT_RULE, _QUEUE,
 * _SEVERITY (ok|warning|critical), _CHANGE (raised|escalated|eased|cleared),
 * _VALUE (number, empty when null), _SINCE (epoch seconds), _MESSAGE (text
 * stripped as on the screen). Its stdin, stdout and stderr are /dev/null and
 * it runs in a session of its own, with no controlling terminal; its process
 * group is killed when it outlives the timeout and when ccboard exits. */
#ifndef CCBOARD_ALERTLOG_H
#define CCBOARD_ALERTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "alerts.h"

#define ALERTLOG_MAX_PENDING (4u << 20)  /* bytes waiting for the file; more lines are dropped */
#define ALERTLOG_MAX_CHILDREN 4          /* hooks running at once */
#define ALERTLOG_MAX_WAITING 1024        /* hooks waiting for a slot; more are dropped */

struct alertlog;

struct alertlog_stats {
	uint64_t lines_written;   /* lines the file took whole */
	uint64_t lines_dropped;   /* not queued: ALERTLOG_MAX_PENDING bytes were waiting */
	uint64_t write_errors;    /* lines lost to a failed write (disk full, I/O error) */
	int last_write_error;     /* libuv error code of the latest failure, 0 if none */
	uint64_t reopens;         /* times the file was opened again (rotation, SIGHUP) */
	uint64_t reopen_errors;   /* failed reopens (the old file is kept meanwhile) */
	uint64_t execs_started;
	uint64_t execs_dropped;   /* not started: ALERTLOG_MAX_WAITING hooks were waiting */
	uint64_t exec_failures;   /* could not start, or exited non-zero or by a signal */
	uint64_t exec_timeouts;   /* killed after the timeout (also counted as failures) */
	int last_exec_error;      /* libuv code of the latest spawn error, else the exit status */
	int children;             /* hooks running now */
	size_t waiting;           /* hooks waiting for a slot */
	size_t queued;            /* lines waiting for (or being written to) the file */
};

/* Opens path for appending (created 0644; NULL: no log) and remembers
 * exec_cmd (NULL or "": no hook), whose runs are killed after
 * exec_timeout_ms (0: never). Returns the new alertlog, or NULL with *cause
 * (malloc'ed, caller frees) when the file cannot be opened. */
struct alertlog *alertlog_new(uv_loop_t *loop, const char *path, const char *exec_cmd,
                              uint64_t exec_timeout_ms, char **cause);

/* Queues one change for the log and the hook; returns at once. A full buffer
 * or a full hook queue drops the work and counts it. Usable as an
 * alert_event_fn through alertlog_event_fn. */
void alertlog_emit(struct alertlog *al, const struct alert_event *ev);

/* alert_event_fn adapter: ctx is the struct alertlog *. */
void alertlog_event_fn(void *ctx, const struct alert_event *ev);

/* Opens the log file again (SIGHUP, after a rotation) once the write in
 * flight, if any, is done. */
void alertlog_reopen(struct alertlog *al);

/* Returns the counters so far. */
struct alertlog_stats alertlog_stats(const struct alertlog *al);

/* Returns true when no line is queued and no hook is running or waiting. */
bool alertlog_idle(const struct alertlog *al);

/* Stops taking changes, writes out the lines already queued, closes the file,
 * kills the process groups of the hooks still running (waiting ones never
 * start), and frees al once the loop has run their callbacks. */
void alertlog_close(struct alertlog *al);

#endif
