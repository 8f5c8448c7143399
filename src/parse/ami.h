/* ami.h - Asterisk Manager Interface, pure part: message framing ("Key: Value"
 * lines, a blank line ends a message, CRLF or bare LF) and the mapping of AMI
 * queue messages to struct qevent. No sockets, no clock: times are passed in. */
#ifndef CCBOARD_AMI_H
#define CCBOARD_AMI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "event.h"

#define AMI_MAX_HEADERS 128
#define AMI_MAX_MESSAGE (64 * 1024)

struct ami_header {
	const char *key;
	const char *value;
};

/* One message. banner is set (and n is 0) for the greeting line that has no
 * "Key: Value" form ("Asterisk Call Manager/11.0.0"). Strings point into the
 * framer's buffer and live until the next call to ami_framer_feed. */
struct ami_msg {
	const char *banner;
	size_t n;
	struct ami_header h[AMI_MAX_HEADERS];
};

typedef void (*ami_msg_fn)(void *ctx, const struct ami_msg *msg);

struct ami_framer {
	char *buf;            /* the message being assembled, lines NUL-separated */
	size_t len, cap;
	size_t line_start;    /* where the current (unfinished) line starts in buf */
	bool greeted;         /* the banner line has been seen (or skipped) */
	struct ami_discard {  /* the message grew past AMI_MAX_MESSAGE: drop to its end */
		bool on;
		size_t line_len;  /* bytes of the line being dropped */
		char last;        /* its last byte ('\r' alone: a blank line) */
	} disc;               /* reset as a whole when a discard ends or starts */
	uint64_t messages;    /* complete messages handed out */
	uint64_t oversized;   /* messages dropped for size or header count */
	uint64_t bad_lines;   /* lines without ':' inside a message (skipped) */
};

void ami_framer_init(struct ami_framer *f);
void ami_framer_free(struct ami_framer *f);
/* Forgets a partial message (the connection dropped) and expects a new banner. */
void ami_framer_reset(struct ami_framer *f);
/* Frames data[0..n); calls fn once per complete message. Returns how many. */
size_t ami_framer_feed(struct ami_framer *f, const char *data, size_t n, ami_msg_fn fn, void *ctx);

/* Returns the value of key in msg (case-insensitive key match), or NULL. */
const char *ami_get(const struct ami_msg *msg, const char *key);

/* Returns the event time of msg: its Timestamp header (timestampevents=yes) in
 * seconds, else recv_time. */
double ami_msg_time(const struct ami_msg *msg, double recv_time);

/* --- mapping to queue events --- */

typedef void (*ami_event_fn)(void *ctx, const struct qevent *ev);

struct ami_caller;   /* callers the mapper has seen join and not yet leave */
struct ami_member;   /* queue memberships the mapper knows */
struct ami_talk;     /* answered calls not yet completed, with their member */

/* A QueueStatus reply in progress: state of one connection's parsing. */
struct ami_status_reply {
	bool on;
	char *action_id;         /* the reply's ActionID ("" when it has none) */
	double time;
	char **queues;           /* queues listed by QueueParams in this reply */
	size_t n_queues;
};

struct ami_mapper {
	struct ami_caller *callers;
	size_t n_callers, cap_callers;
	struct ami_member *members;
	size_t n_members, cap_members;
	struct ami_talk *talks;
	size_t n_talks, cap_talks;
	double leave_grace;      /* seconds a bare QueueCallerLeave waits for AgentConnect (1.0) */
	double last_time;        /* latest message time seen */
	double skew;             /* PBX clock minus receive clock, from the latest Timestamp */
	struct ami_status_reply reply;
	/* counters */
	uint64_t messages, events, ignored, bad;
	uint64_t completes_matched;  /* AgentComplete without Uniqueid, matched by member */
	uint64_t calls_unseen;       /* calls a QueueStatus showed whose AgentConnect was not seen */
};

void ami_mapper_init(struct ami_mapper *m);
void ami_mapper_free(struct ami_mapper *m);

/* Forgets what was being parsed on the connection that ended (a QueueStatus
 * reply cut short); what is known of calls and members stays. */
void ami_mapper_reset_connection(struct ami_mapper *m);

/* Maps one message received at recv_time (epoch seconds) to zero or more
 * events, handed to fn (the event's strings live until fn returns). An event's
 * time is its Timestamp header; without one (timestampevents=no, QueueStatus
 * replies) the receive time corrected by the skew of the latest Timestamp.
 * Unknown events are counted in m->ignored. Returns the number of events emitted. */
size_t ami_mapper_feed(struct ami_mapper *m, const struct ami_msg *msg, double recv_time,
                       ami_event_fn fn, void *ctx);

/* A QueueStatus reply (the seed, or a periodic resync) corrects live state
 * only: members who left or joined unseen, pauses, callers no longer waiting
 * (EV_FORGET), answered calls whose member is no longer in a call in that queue
 * (EV_FORGET, the call and agent set), members in a call whose AgentConnect
 * was not seen (EV_BUSY under a made-up callid, ended by the member's next
 * AgentComplete in that queue or a reply showing it out of any call); it never
 * emits an outcome or an end. */

/* Settles bare QueueCallerLeave messages older than leave_grace as of now (a
 * receive-clock time, like recv_time): a caller who left with no
 * QueueCallerAbandon and no AgentConnect left by a key press (EV_EXITKEY).
 * Returns the number of events emitted. */
size_t ami_mapper_flush(struct ami_mapper *m, double now, ami_event_fn fn, void *ctx);

/* Settles every pending leave at once (end of the stream). */
size_t ami_mapper_finish(struct ami_mapper *m, ami_event_fn fn, void *ctx);

#endif
