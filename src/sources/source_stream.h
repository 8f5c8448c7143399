/* source_stream.h - byte streams read to EOF: pipes and sockets (standard
 * input), and named pipes given by path. */
#ifndef CCBOARD_SOURCE_STREAM_H
#define CCBOARD_SOURCE_STREAM_H

#include <uv.h>
#include "source.h"

/* Reads a pipe or socket descriptor as a stream until EOF; the stream owns fd
 * and closes it. */
struct source *source_stream_open(uv_loop_t *loop, int fd, const char *name, const char *kind,
                                  const struct source_opts *opts,
                                  const struct source_sink *sink, char **cause);

/* A named pipe given by path, read as a stream. Followed, it is opened again
 * at each EOF (its writer left), so the next writer's lines are read too;
 * otherwise it is done at the first EOF. */
struct source *source_fifo_open(uv_loop_t *loop, const char *path,
                                const struct source_opts *opts,
                                const struct source_sink *sink, char **cause);

#endif
