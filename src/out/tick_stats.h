/* tick_stats.h - how long each tick's work takes, for the benchmarks: with
 * CCBOARD_TICK_STATS=FILE set, every tick is timed into a histogram of 0.1 ms
 * buckets (bounded memory), and at exit FILE gets one line:
 *   ticks=N p50_ms=X p99_ms=Y max_ms=Z cpu_p50_ms=X cpu_p99_ms=Y cpu_s=C
 * (p50/p99/max: wall time; cpu_p50/cpu_p99: the tick's own CPU time, which a
 * loaded machine does not inflate; cpu_s: the process's user + system time).
 * CCBOARD_TICK_STATS_SKIP=N leaves the first N ticks out (a warm-up).
 * Off, it costs one test a tick. */
#ifndef CCBOARD_TICK_STATS_H
#define CCBOARD_TICK_STATS_H

#include <stdint.h>

/* Reads CCBOARD_TICK_STATS once; returns a start stamp (0 when off). */
int64_t tick_stats_begin(void);
/* Adds the tick that began at start (tick_stats_begin) to the histogram. */
void tick_stats_end(int64_t start);
/* Writes the line to the file named by CCBOARD_TICK_STATS (if set). */
void tick_stats_report(void);

#endif
