/* tick_stats.c - tick durations for the benchmarks (tick_stats.h). */
#include "tick_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#define BUCKET_NS 100000       /* 0.1 ms */
#define BUCKETS 10000          /* up to 1 s; longer ticks fall in the last */

static int state;              /* 0 unread, 1 off, 2 on */
static uint32_t hist[BUCKETS];         /* wall time */
static uint32_t cpu_hist[BUCKETS];     /* the thread's CPU time: the machine's load aside */
static uint64_t count;
static int64_t longest, cpu_start;
static long skip;              /* CCBOARD_TICK_STATS_SKIP: first ticks left out (warm-up) */

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static void hist_add(uint32_t *h, int64_t d)
{
	h[d / BUCKET_NS < BUCKETS ? d / BUCKET_NS : BUCKETS - 1]++;
}

int64_t tick_stats_begin(void)
{
	if (state == 0) {
		const char *f = getenv("CCBOARD_TICK_STATS"), *k = getenv("CCBOARD_TICK_STATS_SKIP");
		state = f && *f ? 2 : 1;
		skip = k ? strtol(k, NULL, 10) : 0;
	}
	if (state != 2)
		return 0;
	cpu_start = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	return mono_ns();
}

void tick_stats_end(int64_t start)
{
	int64_t d;
	if (state != 2 || start == 0)
		return;
	if (skip > 0) {
		skip--;
		return;
	}
	d = mono_ns() - start;
	hist_add(hist, d);
	hist_add(cpu_hist, clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_start);
	count++;
	if (d > longest)
		longest = d;
}

/* The upper edge (ms) of the bucket holding the q-th fraction of the ticks. */
static double quantile_ms(const uint32_t *h, double q)
{
	uint64_t want = (uint64_t)((double)count * q + 0.999999), seen = 0;
	for (int i = 0; i < BUCKETS; i++) {
		seen += h[i];
		if (seen >= want && seen > 0)
			return (double)(i + 1) * BUCKET_NS / 1e6;
	}
	return 0;
}

void tick_stats_report(void)
{
	const char *name = getenv("CCBOARD_TICK_STATS");
	struct rusage ru;
	FILE *f;
	if (!name || !*name || (f = fopen(name, "w")) == NULL)
		return;
	getrusage(RUSAGE_SELF, &ru);
	fprintf(f, "ticks=%llu p50_ms=%.1f p99_ms=%.1f max_ms=%.1f cpu_p50_ms=%.1f "
	        "cpu_p99_ms=%.1f cpu_s=%.2f\n",
	        (unsigned long long)count, quantile_ms(hist, 0.5), quantile_ms(hist, 0.99),
	        (double)longest / 1e6, quantile_ms(cpu_hist, 0.5), quantile_ms(cpu_hist, 0.99),
	        (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	        (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	fclose(f);
}
