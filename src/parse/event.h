/* event.h - one queue event, as every parser (queue_log, AMI) hands it to the model. */
#ifndef CCBOARD_EVENT_H
#define CCBOARD_EVENT_H

#include <stdbool.h>
#include <stdint.h>

enum ev_kind {
	EV_ENTER,          /* ENTERQUEUE: call starts waiting */
	EV_CONNECT,        /* answered; hold_s = wait */
	EV_COMPLETE,       /* COMPLETECALLER / COMPLETEAGENT: handled call ends */
	EV_TRANSFER,       /* TRANSFER / BLINDTRANSFER / ATTENDEDTRANSFER: handled call ends */
	EV_ABANDON,        /* caller hung up while waiting; wait_s */
	EV_TIMEOUT,        /* EXITWITHTIMEOUT */
	EV_EXITKEY,        /* EXITWITHKEY */
	EV_EXITEMPTY,      /* EXITEMPTY */
	EV_WITHDRAW,       /* WITHDRAW */
	EV_RINGNOANSWER,   /* an agent was rung and did not answer; ring_ms */
	EV_RINGCANCELED,   /* caller hung up while an agent rang */
	EV_RINGING,        /* AMI AgentCalled: an agent is being rung now */
	EV_ADDMEMBER,      /* agent joins a queue; paused if added paused */
	EV_REMOVEMEMBER,   /* agent leaves a queue */
	EV_AGENTLOGIN,     /* queue may be NULL: all queues */
	EV_AGENTLOGOFF,
	EV_PAUSE,          /* queue NULL: every queue of the agent (PAUSEALL) */
	EV_UNPAUSE,        /* queue NULL: every queue of the agent (UNPAUSEALL) */
	EV_MEMBERSTATUS,   /* AMI device status of a member; status */
	EV_QUEUESTART,     /* Asterisk (re)started: calls in progress are gone */
	EV_FORGET,         /* a waiting call left unseen (AMI was down): no outcome */
	EV_BUSY,           /* agent on a call whose CONNECT was not seen (AMI QueueStatus
	                      InCall: 1), under a made-up callid: nothing counted */
	EV_KIND_COUNT
};

/* Device status as AMI numbers it (QueueMemberStatus Status:). */
enum member_status {
	MS_UNKNOWN = 0, MS_NOT_INUSE = 1, MS_INUSE = 2, MS_BUSY = 3, MS_INVALID = 4,
	MS_UNAVAILABLE = 5, MS_RINGING = 6, MS_RINGINUSE = 7, MS_ONHOLD = 8
};

/* A parsed event. Strings point into the parser's buffer and live only until
 * the next line is parsed; the model copies what it keeps. A string field that
 * the source left out (or wrote as NONE) is NULL. Times are whole epoch seconds;
 * a duration the line did not carry is -1. */
struct qevent {
	int64_t time;
	enum ev_kind kind;
	const char *callid;
	const char *queue;
	const char *agent;      /* member name or interface, as written */
	const char *callerid;   /* EV_ENTER */
	const char *reason;     /* EV_PAUSE / EV_UNPAUSE free text */
	long hold_s;            /* CONNECT, COMPLETE, TRANSFER */
	long talk_s;            /* COMPLETE, TRANSFER */
	long wait_s;            /* ABANDON, TIMEOUT, EXITKEY, EXITEMPTY, WITHDRAW */
	long ring_ms;           /* RINGNOANSWER, RINGCANCELED */
	bool paused;            /* ADDMEMBER added paused */
	int status;             /* EV_MEMBERSTATUS: enum member_status */
	/* Lengths and strmap_hash_n of callid, queue and agent (0 for NULL), set
	 * with keyed = true by a parser that has the lengths at hand: in a replay
	 * it runs on the reader thread, and the model, on the busier one, need not
	 * measure and hash them again. qevent_key fills them in otherwise. */
	bool keyed;
	uint32_t callid_len, queue_len, agent_len;
	uint32_t callid_hash, queue_hash, agent_hash;
};

/* Sets the lengths and hashes above from the strings, and keyed. */
void qevent_key(struct qevent *ev);

/* Returns the event kind's name for messages and tests ("ENTER", ...). */
const char *event_kind_name(enum ev_kind kind);

#endif
