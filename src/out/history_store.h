/* history_store.h - the history database (SQLite, WAL): one row per (queue
 * or channel, 15-minute interval), written one transaction per closed
 * interval, read back as the typical day (SPEC 7). The schema is in
 * ccboard(1); PRAGMA user_version numbers it and opening migrates it forward. */
#ifndef CCBOARD_HISTORY_STORE_H
#define CCBOARD_HISTORY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "history.h"

#define HISTORY_SCHEMA_VERSION 2

struct history_store;

/* Returns the default path, $XDG_STATE_HOME/ccboard/history.sqlite3 (or
 * ~/.local/state/...), malloc'ed; NULL when neither variable is set. */
char *history_default_path(void);

/* Opens (creating it and its directory when missing) the database at path,
 * in WAL mode, its schema migrated forward. busy_ms: how long a write waits
 * for another writer's lock. Returns NULL with *cause (malloc'ed) on failure. */
struct history_store *history_store_open(const char *path, int busy_ms, char **cause);
void history_store_close(struct history_store *s);

/* Writes rows in one transaction: each replaces the stored row of its series
 * and interval, an empty one deletes it. Returns 0, or -1 with *cause
 * (malloc'ed; "database is locked", "disk I/O error"...). */
int history_store_write(struct history_store *s, const struct hist_row *rows, size_t n,
                        char **cause);

/* Opens and commits a transaction around several history_store_write calls
 * (an import); history_store_write then writes inside it. */
int history_store_begin(struct history_store *s, char **cause);
int history_store_commit(struct history_store *s, char **cause);

/* Returns how many days the database holds (-1 on error). */
int64_t history_store_days(struct history_store *s);

/* The rows of the past days read back (names owned), and how many days. */
struct hist_past {
	struct hist_row *rows;
	char **names;
	size_t n, cap, n_days;
};
void hist_past_free(struct hist_past *p);

/* Reads into *out (no model touched: safe off the loop thread) the rows
 * history_store_load makes the typical day of. Returns 0, or -1 with *cause. */
int history_store_read_past(struct history_store *s, int64_t day_start, int day_start_min,
                            int weeks, struct hist_past *out, char **cause);

/* Fills h's typical day for the board day [day_start, day_end) from the same
 * weekday's rows of the last weeks weeks that have data. Returns the number
 * of past days used, or -1 with *cause. */
int history_store_load(struct history_store *s, struct history *h, int64_t day_start,
                       int64_t day_end, int day_start_min, int weeks, int wrapup_s,
                       char **cause);

#endif
