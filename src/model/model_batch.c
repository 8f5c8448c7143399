/* model_batch.c - a model kept for its queues' counts alone (see model_batch.h). */
#include "model_batch.h"
#include "model_internal.h"

void model_counts_only(struct model *m)
{
	m->counts_only = true;
}
