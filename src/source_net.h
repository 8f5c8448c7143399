/* source_net.h - listeners for pushed lines: "tcp:HOST:PORT" (HOST empty:
 * loopback) and "unix:PATH". Many clients at once, each framed on its own. */
#ifndef CCBOARD_SOURCE_NET_H
#define CCBOARD_SOURCE_NET_H

#include <uv.h>
#include "source.h"

#define NET_MAX_CLIENTS 64
#define NET_DEFAULT_PORT_HOST "127.0.0.1"

/* Opens spec as a listening source that hands every complete line of every
 * client to sink->line. A client that sends a line longer than opts->max_line
 * (64 KiB by default) or binary data is cut off; the others carry on. With
 * opts->follow false the source is done once every client that connected has
 * gone. Returns NULL with *cause (malloc'ed) when the address is unusable. */
struct source *source_net_open(uv_loop_t *loop, const char *spec, const struct source_opts *opts,
                               const struct source_sink *sink, char **cause);

/* Returns the port a "tcp:" source listens on (useful with port 0), or -1. */
int source_net_port(const struct source *src);

#endif
