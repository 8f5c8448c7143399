/* import.h - ccboard --import FILE...: past queue_logs and contact feeds
 * (plain or .gz) into the history database (SPEC 7). A batch run, off the
 * event loop: files in the order of their first timestamp, through the same
 * model and interval recorder as the live board, so an interval's rows are
 * recomputed from what was read and replace what was stored. */
#ifndef CCBOARD_IMPORT_H
#define CCBOARD_IMPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "config.h"

struct import_stats {
	uint64_t lines, bad_lines, bytes;   /* bytes: as read, uncompressed */
	uint64_t intervals, rows;
	int failed_files;
};

/* Imports files into the database at db_path. progress: a line on err
 * rewritten as the import goes (lines, MB/s, ETA). Prints problems and a
 * summary to err. Returns the exit status: 0, 1 when a file failed (what was
 * read before is kept), 2 when the database could not be opened. */
int import_run(const struct config *cfg, const char *db_path, char *const *files, int n_files,
               bool progress, FILE *err, struct import_stats *stats);

#endif
