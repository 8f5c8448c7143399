/* output.c - the snapshot holder and its list of outputs. */
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "util.h"

void outputs_add(struct outputs *o, struct output out)
{
	if (o->n >= OUTPUTS_MAX)
		fatal("internal: more than %d outputs", OUTPUTS_MAX);
	o->v[o->n++] = out;
}

const struct output *outputs_find(const struct outputs *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->v[i].ops->name, name) == 0)
			return &o->v[i];
	return NULL;
}

struct refresh_ctx {
	const struct outputs *o;
	const struct output_feed *f;
};

/* An alert change: the feed's listener first (the alert log), then the outputs. */
static void outputs_on_alert(void *ctx, const struct alert_event *ev)
{
	const struct refresh_ctx *rc = ctx;
	if (rc->f->on_alert)
		rc->f->on_alert(rc->f->ctx, ev);
	for (size_t i = 0; i < rc->o->n && !rc->o->stopped; i++)
		if (rc->o->v[i].ops->alert)
			rc->o->v[i].ops->alert(rc->o->v[i].ctx, ev);
}

void outputs_refresh(struct outputs *o, const struct output_feed *f, bool publish)
{
	struct refresh_ctx rc = { o, f };
	snapshot_build(&o->snap, f->model, f->cfg);
	if (f->collect)
		f->collect(f->ctx, &o->snap);
	alerts_eval(f->alerts, &o->snap, o->snap.as_of, outputs_on_alert, &rc);
	o->built = true;
	if (publish)
		outputs_publish(o);
}

void outputs_republish(const struct outputs *o, const struct output *out)
{
	if (out && o->built && !o->stopped)
		out->ops->publish(out->ctx, &o->snap);
}

void outputs_publish(const struct outputs *o)
{
	/* an output may stop the run from its publish (a reader gone) */
	for (size_t i = 0; i < o->n; i++)
		outputs_republish(o, &o->v[i]);
}

size_t outputs_health(const struct outputs *o, struct snap_source *dst, size_t room)
{
	size_t k = 0;
	for (size_t i = 0; i < o->n && k < room; i++)
		if (o->v[i].ops->health && o->v[i].ops->health(o->v[i].ctx, &dst[k]))
			k++;
	return k;
}

void outputs_stop(struct outputs *o)
{
	if (o->stopped)
		return;
	o->stopped = true;
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].ops->stop)
			o->v[i].ops->stop(o->v[i].ctx);
}

int outputs_close(struct outputs *o, int rc)
{
	outputs_stop(o);
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].ops->close)
			rc = o->v[i].ops->close(o->v[i].ctx, rc);
	o->n = 0;
	free(o->snap.sources);
	o->snap.sources = NULL;
	snapshot_free(&o->snap);
	return rc;
}
