/* source_file.h - a queue_log file followed like tail -F (rename and
 * copy-truncate survived), or read to its end. */
#ifndef CCBOARD_SOURCE_FILE_H
#define CCBOARD_SOURCE_FILE_H

#include <uv.h>
#include "source.h"

/* A path followed like tail -F, or read to its end when opts->follow is
 * false; a named pipe is handed to the stream reader. Same contract as
 * source_open. */
struct source *source_file_open(uv_loop_t *loop, const char *spec, const struct source_opts *opts,
                                const struct source_sink *sink, char **cause);

/* Reads an already open regular-file descriptor from its current position to
 * its end, then finishes (standard input redirected from a file). The
 * descriptor is not closed. src's name and kind are kept. */
struct source *source_file_open_fd(uv_loop_t *loop, int fd, const char *name, const char *kind,
                                   const struct source_opts *opts,
                                   const struct source_sink *sink, char **cause);

#endif
