/* replay_reader.h - a replayed file read, framed and parsed on a thread of its
 * own, handed to the loop thread in batches (one per read, marked where the
 * file source's pass would end, so the order of lines across several sources
 * is the one a single thread gives). */
#ifndef CCBOARD_REPLAY_READER_H
#define CCBOARD_REPLAY_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "contacts.h"
#include "event.h"
#include "queuelog.h"

/* One thing that happened while reading, in order. */
enum replay_what {
	REPLAY_BYTES,     /* n bytes were read */
	REPLAY_LINE,      /* a line, parsed: result (and ev on QL_EVENT) */
	REPLAY_CONTACT    /* a contact-event line (SPEC 6.1): line, n bytes, and parsed: result
	                   * QL_EVENT and ce, or QL_BAD */
};

struct replay_rec {
	enum replay_what what;
	enum ql_result result;
	uint64_t n;
	union {
		struct qevent ev;          /* REPLAY_LINE; strings point into the batch */
		struct contact_event ce;   /* REPLAY_CONTACT; strings copied into the batch */
	};
	char *line;           /* REPLAY_CONTACT: into the batch */
	bool timed;           /* at_ms is the line's event time (a queue_log event's
	                       * epoch, a contact event's "ts"); false: none readable */
	int64_t at_ms;
};

struct replay_batch {
	struct replay_rec *recs;
	size_t n_recs, cap_recs;
	char *buf;            /* the bytes of this read; lines are parsed in place */
	char **copies;        /* lines carried across reads, copied here */
	size_t n_copies, cap_copies;
	char **chunks;        /* the parsed contact events' strings */
	size_t n_chunks, chunk, chunk_used;
	int pass_end;         /* the file source would end its pass here */
	int last;             /* the file ended (or failed) in this batch */
	int err;              /* errno of the read that failed, 0 for the end of the file */
	struct replay_batch *next;
};

struct replay_reader;

/* Starts a thread reading fd (not closed; the caller keeps it open until
 * replay_reader_stop) from offset 0 to its end in reads of read_bytes, passes
 * ending after pass_bytes, framing lines of at most max_line bytes. Returns NULL
 * when the thread cannot be started (the caller reads on its own). */
struct replay_reader *replay_reader_start(int fd, size_t read_bytes, size_t pass_bytes,
                                          size_t max_line);

/* Returns the next batch, waiting for it; owned by the reader, valid until
 * handed back with replay_reader_release. */
struct replay_batch *replay_reader_next(struct replay_reader *r);

/* Hands a batch back for reuse. */
void replay_reader_release(struct replay_reader *r, struct replay_batch *b);

/* Stops the thread (wherever it is), waits for it and frees everything. */
void replay_reader_stop(struct replay_reader *r);

#endif
