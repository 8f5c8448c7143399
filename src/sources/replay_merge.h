/* replay_merge.h - several replayed files read into one model: their records
 * handed out in the order of their lines' event times (a k-way merge over the
 * files' reader threads), so figures computed across files (a customer's
 * email in one, their call in another) come out as from one file in time
 * order. Pure of libuv: the file source drives it from its idle handle. */
#ifndef CCBOARD_REPLAY_MERGE_H
#define CCBOARD_REPLAY_MERGE_H

#include <stdbool.h>
#include <stdint.h>
#include "replay_reader.h"

struct replay_merge;
struct replay_member;

struct replay_member_ops {
	/* one record of this member's file, in merged order */
	void (*deliver)(void *ctx, const struct replay_rec *rec);
	/* the file ended (err: errno of a failed read, 0 at its end); the member
	 * has left the merge and its reader is idle: the owner stops it */
	void (*end)(void *ctx, int err);
};

/* Returns a new merge holding one reference (the caller's). */
struct replay_merge *replay_merge_new(void);

void replay_merge_ref(struct replay_merge *g);

/* Drops a reference; the last one frees the merge (members hold one each). */
void replay_merge_unref(struct replay_merge *g);

/* Adds a member whose records come from r (started, not yet read from);
 * returns its handle, valid until end is called or replay_merge_leave. The
 * member holds a reference on g. */
struct replay_member *replay_merge_join(struct replay_merge *g, struct replay_reader *r,
                                        const struct replay_member_ops *ops, void *ctx);

/* Removes a member before its end (its source is closing): the batch it holds
 * goes back to its reader, which the owner then stops. */
void replay_merge_leave(struct replay_member *m);

/* The merge m is in. */
struct replay_merge *replay_member_merge(const struct replay_member *m);

/* Members that have not ended or left. */
size_t replay_merge_members(const struct replay_merge *g);

/* True once a pass has run (records may have been taken from any member),
 * or once a gate is set: from then on a member leaves only when closed. */
bool replay_merge_begun(const struct replay_merge *g);

/* A gate asked before each timed record is handed out (at_ms, its event
 * time): false holds the record and ends the pass (the next pass asks
 * again). A replay waits there for what it reads off the loop (the history
 * of a new day). NULL: none. */
typedef bool (*replay_gate_fn)(void *ctx, int64_t at_ms);
void replay_merge_gate(struct replay_merge *g, replay_gate_fn gate, void *ctx);

/* Hands out records, earliest event time first, until budget bytes of the
 * files are read, a member ends or leaves, or none is left. Ties: queue_log
 * lines before contact events (a call's survey after the call), then the
 * order members joined; a record without a readable time goes out right after
 * the one before it in its file. Blocks on a reader thread while its next
 * read is not ready. Returns the number of members left. */
size_t replay_merge_pass(struct replay_merge *g, uint64_t budget);

#endif
