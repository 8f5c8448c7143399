/* model_events.h - what each event kind does to the model: one row per kind
 * (internal to model*.c; tests read the table). */
#ifndef CCBOARD_MODEL_EVENTS_H
#define CCBOARD_MODEL_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include "event.h"

struct model;

/* What an event kind hangs on: without it the event changes nothing. */
enum ev_hook {
	HOOK_NONE,    /* the whole model (QUEUESTART) */
	HOOK_CALL,    /* an entry (callid, queue); the queue is found (or added)
	                 before apply is called, with its index */
	HOOK_AGENT    /* an agent, in one queue or (queue NULL) in all of its */
};

struct ev_row {
	/* Applies the event; false when it repeats one already applied. qi is
	 * the queue's index for HOOK_CALL, -1 otherwise. */
	bool (*apply)(struct model *m, const struct qevent *ev, int32_t qi);
	uint8_t hook;          /* enum ev_hook */
	bool needs_agent;      /* without an agent it changes nothing (and adds no queue) */
	bool agent_on_call;    /* an agent it names is on the call: rung, answering, ending it */
};

/* Indexed by enum ev_kind: every kind has a row. */
extern const struct ev_row model_ev_rows[EV_KIND_COUNT];

#endif
