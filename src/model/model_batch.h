/* model_batch.h - a model kept for its queues' counts alone (an import into
 * the history: the rows take today's counts of each queue, nothing of the
 * agents' own figures). */
#ifndef CCBOARD_MODEL_BATCH_H
#define CCBOARD_MODEL_BATCH_H

#include "model.h"

/* From now on m keeps no figures per agent (agent_stats.h): the agents'
 * states and the queues' figures are the same as without it. Call on a new
 * model. */
void model_counts_only(struct model *m);

#endif
