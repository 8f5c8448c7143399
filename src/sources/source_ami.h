/* source_ami.h - the Asterisk Manager Interface client: a source that logs
 * in, seeds and resyncs with QueueStatus, and turns events into the model's. */
#ifndef CCBOARD_SOURCE_AMI_H
#define CCBOARD_SOURCE_AMI_H

#include <uv.h>
#include "source.h"

/* Opens "ami://USER@HOST:PORT[?ping=S&timeout=S&backoff_max=S]" as a source
 * that delivers parsed events through sink->event. The secret comes from the
 * config ([ami] secret or secret_file), never from the spec. Returns NULL with
 * *cause (malloc'ed) when the spec or the secret is unusable. */
struct source *source_ami_open(uv_loop_t *loop, const char *spec, const struct source_opts *opts,
                               const struct source_sink *sink, char **cause);

#endif
