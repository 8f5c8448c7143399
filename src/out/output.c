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
 * runs from outputs_tick_mark (before the sources' timers and the model's
 * clock move) to the end of a published refresh (snapshot, alerts, draw or
 * print). 0.1 ms buckets to 100 ms: fixed memory, percentiles to 0.1 ms. The
 * first tick, which orders and lays out all that was read at start, is
 * reported apart, and so are the ticks after it while a source still reads
 * the backlog it found at start (outputs_tick_startup). Each phase of a tick (outputs_tick_phase, and the refresh's
 * own: build, collect, alerts, each output) is timed too, in the loop
 * thread's CPU time; "threads" is the rest of the process's CPU time in the
 * tick (the pool's work: history writes, reads). The ticks over
 * TICK_SLOW_NS of CPU are summed by phase apart: which phase makes them. */
#define TICK_BUCKETS 1001
#define TICK_SLOW_NS 10000000
enum { TP_BUILD = TICK_PHASES_SHELL, TP_COLLECT, TP_ALERTS, TP_OUT0,
	TP_THREADS = TP_OUT0 + OUTPUTS_MAX, TP_N };
/* [0]: wall-clock time (what a viewer waits, preemption on a busy host
 * included); [1]: the process's CPU time (what the tick itself costs) */
struct tick_hist { uint64_t max_ns, sum_ns; uint32_t b[TICK_BUCKETS]; };
static struct tick_hist tick_h[2], tick_ph[TP_N];
static struct {
	int64_t mark[2], pmark; uint64_t n, n_slow; bool had_first; uint64_t first_ns[2];
	bool startup;                        /* this tick catches up a backlog */
	bool counted;                        /* the last tick ended is in the stats */
	uint64_t n_startup, startup_max[2];  /* those ticks, apart */
	uint64_t cur[TP_N], slow_ns[TP_N];   /* this tick's phases; their sum over slow ticks */
	const char *out_name[OUTPUTS_MAX];
} tick_st;

/* The slow ticks one by one (and the jobs off the loop thread over
 * TICK_SLOW_NS): the first TICK_LOG_N, each with its phases and what the
 * build did (snapshot_build_note), to tell what makes a rare one slow. */
#define TICK_LOG_N 48
#define TICK_LOG_LEN 480
static struct {
	const struct snapshot *snap;         /* the last tick's, while a worker reads it */
	size_t n, dropped;
	char line[TICK_LOG_N][TICK_LOG_LEN];
} tick_log;

/* The jobs outputs run off the loop thread, by name: [0] CPU, [1] wall. */
#define TICK_WORKERS 2
static struct {
	const char *name;
	uint64_t n;
	struct tick_hist h[2];
} tick_workers[TICK_WORKERS];

static const char *const tick_phase_names[TP_N] = {
	[TICK_SOURCES] = "sources", [TICK_HISTORY] = "history", [TICK_ADVANCE] = "advance",
	[TICK_CONTACTS] = "contacts", [TP_BUILD] = "build", [TP_COLLECT] = "collect",
	[TP_ALERTS] = "alerts", [TP_THREADS] = "threads",
};

static int64_t tick_clock_ns(int which)
{
	static const clockid_t id[3] = { CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
	                                 CLOCK_THREAD_CPUTIME_ID };
	struct timespec ts;
	clock_gettime(id[which], &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void outputs_tick_mark(void)
{
	tick_st.mark[0] = tick_clock_ns(0);
	tick_st.mark[1] = tick_clock_ns(1);
	tick_st.pmark = tick_clock_ns(2);
	memset(tick_st.cur, 0, sizeof tick_st.cur);
}

void outputs_tick_startup(bool startup)
{
	tick_st.startup = startup;
}

void outputs_tick_phase(int phase)
{
	int64_t t = tick_clock_ns(2);
	if (phase >= 0 && phase < TP_N)
		tick_st.cur[phase] += (uint64_t)(t - tick_st.pmark);
	tick_st.pmark = t;
}

static void tick_hist_add(struct tick_hist *h, uint64_t ns)
{
	uint64_t k = ns / 100000;
	h->b[k < TICK_BUCKETS - 1 ? k : TICK_BUCKETS - 1]++;
	h->sum_ns += ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

static const char *tick_phase_name(int p, char *buf, size_t n);

/* Where the tick stats go (CCBOARD_TICK_STATS), NULL when not asked for. */
static const char *tick_stats_to(void)
{
	const char *to = getenv("CCBOARD_TICK_STATS");
	return to && *to ? to : NULL;
}

static bool tick_log_wanted(void)
{
	static int wanted = -1;
	if (wanted < 0)
		wanted = tick_stats_to() != NULL;
	return wanted;
}

/* Notes a slow tick (what: "tick" with its wall and CPU ms, or a worker's
 * name and its CPU ms) with its phases over 0.5 ms and the build's note. */
static void tick_log_add(const char *what, double wall_ms, double cpu_ms)
{
	char *l, name[48];
	const char *pn;
	int k;
	if (!tick_log.snap)
		return;
	if (tick_log.n == TICK_LOG_N) {
		tick_log.dropped++;
		return;
	}
	l = tick_log.line[tick_log.n++];
	k = snprintf(l, TICK_LOG_LEN, "tick %llu at %lld %s wall %.1f cpu %.1f ms:",
	             (unsigned long long)tick_st.n, (long long)tick_log.snap->as_of, what, wall_ms,
	             cpu_ms);
	for (int p = 0; p < TP_N && k < TICK_LOG_LEN; p++)
		if (tick_st.cur[p] >= 500000 && (pn = tick_phase_name(p, name, sizeof name)))
			k += snprintf(l + k, TICK_LOG_LEN - (size_t)k, " %s %.1f", pn,
			              (double)tick_st.cur[p] / 1e6);
	if (k < TICK_LOG_LEN)
		k += snprintf(l + k, TICK_LOG_LEN - (size_t)k, "; ");
	if (k < TICK_LOG_LEN)
		snapshot_build_note(tick_log.snap, l + k, TICK_LOG_LEN - (size_t)k);
}

static void tick_stats_add(const int64_t start[2])
{
	uint64_t ns[2], loop = 0;
	for (int w = 0; w < 2; w++)
		ns[w] = (uint64_t)(tick_clock_ns(w) - start[w]);
	tick_st.mark[0] = 0;
	tick_st.counted = false;
	if (!tick_st.had_first) {
		tick_st.first_ns[0] = ns[0];
		tick_st.first_ns[1] = ns[1];
		tick_st.had_first = true;
		return;
	}
	if (tick_st.startup) {
		tick_st.startup = false;
		tick_st.n_startup++;
		if (ns[1] > TICK_SLOW_NS)
			tick_log_add("startup", (double)ns[0] / 1e6, (double)ns[1] / 1e6);
		for (int w = 0; w < 2; w++)
			if (ns[w] > tick_st.startup_max[w])
				tick_st.startup_max[w] = ns[w];
		return;
	}
	for (int w = 0; w < 2; w++)
		tick_hist_add(&tick_h[w], ns[w]);
	for (int p = 0; p < TP_THREADS; p++)
		loop += tick_st.cur[p];
	tick_st.cur[TP_THREADS] = ns[1] > loop ? ns[1] - loop : 0;
	for (int p = 0; p < TP_N; p++)
		tick_hist_add(&tick_ph[p], tick_st.cur[p]);
	tick_st.n++;
	if (ns[1] > TICK_SLOW_NS) {
		tick_st.n_slow++;
		for (int p = 0; p < TP_N; p++)
			tick_st.slow_ns[p] += tick_st.cur[p];
		tick_log_add("", (double)ns[0] / 1e6, (double)ns[1] / 1e6);
	}
	tick_st.counted = true;
}

void outputs_worker_time(const char *name, uint64_t cpu_ns, uint64_t wall_ns)
{
	if (!tick_st.counted)                    /* the first tick's, the start-up's */
		return;
	for (int i = 0; i < TICK_WORKERS; i++) {
		if (tick_workers[i].name && strcmp(tick_workers[i].name, name) != 0)
			continue;
		tick_workers[i].name = name;
		tick_workers[i].n++;
		tick_hist_add(&tick_workers[i].h[0], cpu_ns);
		tick_hist_add(&tick_workers[i].h[1], wall_ns);
		if (cpu_ns > TICK_SLOW_NS) {
			char what[40];
			snprintf(what, sizeof what, "worker:%s", name);
			tick_log_add(what, (double)wall_ns / 1e6, (double)cpu_ns / 1e6);
		}
		return;
	}
}

/* The upper edge (ms) of the bucket of h holding fraction q of its n entries. */
static double tick_pct_of(const struct tick_hist *h, uint64_t n, double q)
{
	uint64_t want = (uint64_t)(q * (double)n + 0.999999), seen = 0;
	for (int k = 0; k < TICK_BUCKETS; k++)
		if ((seen += h->b[k]) >= want && want)
			return (k + 1) * 0.1;
	return 0;
}

/* The same of the ticks. */
static double tick_stats_pct(const struct tick_hist *h, double q)
{
	return tick_pct_of(h, tick_st.n, q);
}

/* The jobs off the loop thread: "worker:NAME N jobs, cpu mean/p99/max, wall ...". */
static void tick_stats_workers(FILE *f)
{
	static const char *const what[2] = { "cpu", "wall" };
	for (int i = 0; i < TICK_WORKERS && tick_workers[i].name; i++) {
		double n = (double)tick_workers[i].n;
		fprintf(f, "tick worker:%s (off the loop thread, ms mean/p99/max): %llu jobs",
		        tick_workers[i].name, (unsigned long long)tick_workers[i].n);
		for (int w = 0; w < 2; w++) {
			const struct tick_hist *h = &tick_workers[i].h[w];
			fprintf(f, ", %s %.2f/%.1f/%.1f", what[w], (double)h->sum_ns / n / 1e6,
			        tick_pct_of(h, tick_workers[i].n, 0.99), (double)h->max_ns / 1e6);
		}
		fputc('\n', f);
	}
}

static const char *tick_phase_name(int p, char *buf, size_t n)
{
	if (p >= TP_OUT0 && p < TP_THREADS) {
		if (!tick_st.out_name[p - TP_OUT0])
			return NULL;
		snprintf(buf, n, "out:%s", tick_st.out_name[p - TP_OUT0]);
		return buf;
	}
	return tick_phase_names[p];
}

/* The phases' lines: mean/p99/max (ms) of each; the slow ticks by phase. */
static void tick_stats_phases(FILE *f)
{
	char buf[48];
	const char *name;
	double n = tick_st.n ? (double)tick_st.n : 1, ns = tick_st.n_slow ? (double)tick_st.n_slow : 1;
	fputs("tick phases (cpu ms mean/p99/max):", f);
	for (int p = 0; p < TP_N; p++)
		if ((name = tick_phase_name(p, buf, sizeof buf)))
			fprintf(f, " %s %.2f/%.1f/%.1f", name, (double)tick_ph[p].sum_ns / n / 1e6,
			        tick_stats_pct(&tick_ph[p], 0.99), (double)tick_ph[p].max_ns / 1e6);
	fprintf(f, "\ntick slow (cpu > %d ms): %llu ticks, mean ms by phase:", TICK_SLOW_NS / 1000000,
	        (unsigned long long)tick_st.n_slow);
	for (int p = 0; p < TP_N; p++)
		if ((name = tick_phase_name(p, buf, sizeof buf)))
			fprintf(f, " %s %.2f", name, (double)tick_st.slow_ns[p] / ns / 1e6);
	fputc('\n', f);
}

static void tick_stats_report(void)
{
	const char *to = tick_stats_to();
	FILE *f;
	if (!to || !tick_st.had_first)
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
	tick_stats_phases(f);
	tick_stats_workers(f);
	fprintf(f, "tick startup: %llu ticks catching up a backlog after the first, apart: wall max "
	        "%.2f ms, cpu max %.2f ms\n", (unsigned long long)tick_st.n_startup,
	        (double)tick_st.startup_max[0] / 1e6, (double)tick_st.startup_max[1] / 1e6);
	for (size_t i = 0; i < tick_log.n; i++)
		fprintf(f, "tick slow: %s\n", tick_log.line[i]);
	if (tick_log.dropped)
		fprintf(f, "tick slow: %zu more not shown\n", tick_log.dropped);
	if (f != stderr)
		fclose(f);
}

static void outputs_launch(const struct outputs *o);
static void outputs_publish_one(const struct outputs *o, const struct output *out);

bool outputs_read_agent_figs(const struct outputs *o, const struct config *cfg)
{
	if (alert_rules_read_agent_counts(cfg->alert_rules))
		return true;
	for (size_t i = 0; i < o->n; i++)
		if (!o->v[i].ops->reads_agent_figs || o->v[i].ops->reads_agent_figs(o->v[i].ctx))
			return true;
	return false;
}

void outputs_refresh(struct outputs *o, const struct output_feed *f, bool publish)
{
	struct refresh_ctx rc = { o, f };
	if (outputs_busy(o))                     /* the last snapshot is still read */
		return;
	if (!tick_st.mark[0])                    /* a refresh outside a tick */
		outputs_tick_mark();
	int64_t start[2] = { tick_st.mark[0], tick_st.mark[1] };
	outputs_tick_phase(-1);
	o->snap.agent_figs_brief = !outputs_read_agent_figs(o, f->cfg);
	snapshot_build(&o->snap, f->model, f->cfg);
	outputs_tick_phase(TP_BUILD);
	if (f->collect)
		f->collect(f->ctx, &o->snap);
	outputs_tick_phase(TP_COLLECT);
	alerts_eval(f->alerts, &o->snap, o->snap.as_of, outputs_on_alert, &rc);
	outputs_tick_phase(TP_ALERTS);
	o->built = true;
	if (publish) {
		/* as outputs_publish, each output timed */
		for (size_t i = 0; i < o->n; i++) {
			outputs_publish_one(o, &o->v[i]);
			tick_st.out_name[i] = o->v[i].ops->name;
			outputs_tick_phase(TP_OUT0 + (int)i);
		}
		if (!tick_log.snap && tick_log_wanted())
			tick_log.snap = &o->snap;
		tick_stats_add(start);
		outputs_launch(o);
	}
}

/* Starts the outputs' work off the loop thread their publish prepared. */
static void outputs_launch(const struct outputs *o)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].ops->launch)
			o->v[i].ops->launch(o->v[i].ctx);
}

static void outputs_publish_one(const struct outputs *o, const struct output *out)
{
	if (out && o->built && !o->stopped)
		out->ops->publish(out->ctx, &o->snap);
}

bool outputs_busy(const struct outputs *o)
{
	bool busy = false;
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].ops->busy && o->v[i].ops->busy(o->v[i].ctx))
			busy = true;
	return busy;
}

void outputs_wait(const struct outputs *o)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].ops->wait)
			o->v[i].ops->wait(o->v[i].ctx);
}

void outputs_republish(const struct outputs *o, const struct output *out)
{
	outputs_publish_one(o, out);
	if (out && out->ops->launch)
		out->ops->launch(out->ctx);
}

void outputs_publish(const struct outputs *o)
{
	/* an output may stop the run from its publish (a reader gone) */
	for (size_t i = 0; i < o->n; i++)
		outputs_publish_one(o, &o->v[i]);
	outputs_launch(o);
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
