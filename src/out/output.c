/* output.c - the snapshot holder and its list of outputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* ---- tick stats: how long a tick takes, measured here, reported at exit
 * when CCBOARD_TICK_STATS is set (a file, or "-" / "1" for stderr). A tick
 * runs from outputs_tick_mark (before the model's clock moves) to the end of
 * a published refresh (snapshot, alerts, draw or print). 0.1 ms buckets to
 * 100 ms: fixed memory, percentiles to 0.1 ms. The first tick, which orders
 * and lays out all that was read at start, is reported apart. */
#define TICK_BUCKETS 1001
/* [0]: wall-clock time (what a viewer waits, preemption on a busy host
 * included); [1]: the process's CPU time (what the tick itself costs) */
static struct tick_hist { uint64_t max_ns, sum_ns; uint32_t b[TICK_BUCKETS]; } tick_h[2];
static struct { int64_t mark[2]; uint64_t n; bool had_first; uint64_t first_ns[2]; } tick_st;

static int64_t tick_clock_ns(int which)
{
	struct timespec ts;
	clock_gettime(which ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void outputs_tick_mark(void)
{
	tick_st.mark[0] = tick_clock_ns(0);
	tick_st.mark[1] = tick_clock_ns(1);
}

static void tick_stats_add(const int64_t start[2])
{
	if (!tick_st.had_first) {
		for (int w = 0; w < 2; w++)
			tick_st.first_ns[w] = (uint64_t)(tick_clock_ns(w) - start[w]);
		tick_st.had_first = true;
		tick_st.mark[0] = 0;
		return;
	}
	for (int w = 0; w < 2; w++) {
		struct tick_hist *h = &tick_h[w];
		uint64_t ns = (uint64_t)(tick_clock_ns(w) - start[w]), k = ns / 100000;
		h->b[k < TICK_BUCKETS - 1 ? k : TICK_BUCKETS - 1]++;
		h->sum_ns += ns;
		if (ns > h->max_ns)
			h->max_ns = ns;
	}
	tick_st.n++;
	tick_st.mark[0] = 0;
}

/* The upper edge (ms) of the bucket of h holding fraction q of the ticks. */
static double tick_stats_pct(const struct tick_hist *h, double q)
{
	uint64_t want = (uint64_t)(q * (double)tick_st.n + 0.999999), seen = 0;
	for (int k = 0; k < TICK_BUCKETS; k++)
		if ((seen += h->b[k]) >= want && want)
			return (k + 1) * 0.1;
	return 0;
}

static void tick_stats_report(void)
{
	const char *to = getenv("CCBOARD_TICK_STATS");
	FILE *f;
	if (!to || !*to || !tick_st.had_first)
		return;
	f = strcmp(to, "-") == 0 || strcmp(to, "1") == 0 ? stderr : fopen(to, "we");
	if (!f)
		return;
	for (int w = 0; w < 2; w++)
		fprintf(f, "tick stats: %llu ticks, %s mean %.2f ms, p50 %.1f ms, p99 %.1f ms, "
		        "max %.2f ms, first %.2f ms\n", (unsigned long long)tick_st.n,
		        w ? "cpu" : "wall",
		        tick_st.n ? (double)tick_h[w].sum_ns / (double)tick_st.n / 1e6 : 0.0,
		        tick_stats_pct(&tick_h[w], 0.50), tick_stats_pct(&tick_h[w], 0.99),
		        (double)tick_h[w].max_ns / 1e6, (double)tick_st.first_ns[w] / 1e6);
	if (f != stderr)
		fclose(f);
}

void outputs_refresh(struct outputs *o, const struct output_feed *f, bool publish)
{
	struct refresh_ctx rc = { o, f };
	if (!tick_st.mark[0])                    /* a refresh outside a tick */
		outputs_tick_mark();
	int64_t start[2] = { tick_st.mark[0], tick_st.mark[1] };
	snapshot_build(&o->snap, f->model, f->cfg);
	if (f->collect)
		f->collect(f->ctx, &o->snap);
	alerts_eval(f->alerts, &o->snap, o->snap.as_of, outputs_on_alert, &rc);
	o->built = true;
	if (publish) {
		outputs_publish(o);
		tick_stats_add(start);
	}
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
	tick_stats_report();
	free(o->snap.sources);
	o->snap.sources = NULL;
	snapshot_free(&o->snap);
	return rc;
}
