/* snapshot_agents_json.h - the snapshot's "agents" array by hand: the bytes
 * agent_stats_json gives through jansson, at a fraction of the cost. */
#ifndef CCBOARD_SNAPSHOT_AGENTS_JSON_H
#define CCBOARD_SNAPSHOT_AGENTS_JSON_H

#include "snapshot_json.h"

/* Appends s's agents as a JSON array to b. */
void jbuf_agents(struct jbuf *b, const struct snapshot *s);

#endif
