/* staffing_tick.c - the cost of staffing per tick: reads a queue_log (50
 * queues in scripts/bench) into the model, then times, over many ticks,
 * snapshot_build (the reference: what every tick already pays, staffing
 * included), staffing_fill alone under Erlang C and under Erlang A, and 50
 * queues of 200 Erlangs each (a large centre) through staffing_interval.
 * Prints "key value" lines (milliseconds per tick). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "model.h"
#include "queuelog.h"
#include "snapshot.h"
#include "staffing.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void feed(struct model *m, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct qevent ev;
	if (!fp) {
		perror(path);
		exit(1);
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (queuelog_parse(line, (size_t)n, &ev) == QL_EVENT)
			model_apply(m, &ev);
	}
	free(line);
	fclose(fp);
}

/* Milliseconds per call of staffing_fill on s, best of 5 rounds of reps;
 * its memo dropped before each call, so every queue is computed afresh (a
 * memo hit is what an unchanged queue costs, not what staffing costs). */
static double time_fill(struct snapshot *s, int reps)
{
	double best = 1e9;
	for (int round = 0; round < 5; round++) {
		double t0 = now_s();
		for (int i = 0; i < reps; i++) {
			staffing_cache_free(s->staff_cache);
			s->staff_cache = NULL;
			staffing_fill(s);
		}
		double t = (now_s() - t0) / reps * 1e3;
		best = t < best ? t : best;
	}
	return best;
}

/* 50 queues x 2 intervals of 200 Erlangs (AHT 300 s, 80/20), short by 10. */
static double time_heavy(int reps)
{
	struct staff_forecast fc = { 600, 300, STAFF_SRC_TODAY };   /* 600 calls x 300 s / 900 */
	struct staff_interval iv = { 0 };
	double best = 1e9;
	int sink = 0;
	for (int round = 0; round < 5; round++) {
		double t0 = now_s();
		for (int i = 0; i < reps; i++)
			for (int q = 0; q < 100; q++) {
				staffing_interval(&iv, &fc, 205 + q % 3, 20, 80, STAFF_ERLANG_C, NAN);
				sink += iv.required_agents;
			}
		double t = (now_s() - t0) / reps * 1e3;
		best = t < best ? t : best;
	}
	return sink ? best : -1;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct snapshot s;
	int reps = 200, staffed = 0;
	double best = 1e9;
	if (argc != 2) {
		fputs("usage: staffing_tick QUEUE_LOG\n", stderr);
		return 2;
	}
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	feed(m, argv[1]);
	memset(&s, 0, sizeof s);
	snapshot_build(&s, m, &cfg);
	for (int round = 0; round < 5; round++) {
		double t0 = now_s();
		for (int i = 0; i < reps; i++)
			snapshot_build(&s, m, &cfg);
		double t = (now_s() - t0) / reps * 1e3;
		best = t < best ? t : best;
	}
	for (size_t i = 0; i < s.n_queues; i++)
		staffed += s.queues[i].staffing.n > 0 && s.queues[i].staffing.iv[0].required_agents >= 0;
	printf("queues %zu\nstaffed %d\nsnapshot_ms %.4f\n", s.n_queues, staffed, best);
	printf("staffing_c_ms %.4f\n", time_fill(&s, reps));
	cfg.defaults.erlang = STAFF_ERLANG_A;
	printf("staffing_a_ms %.4f\n", time_fill(&s, reps));
	printf("staffing_heavy_ms %.4f\n", time_heavy(20));
	snapshot_free(&s);
	model_free(m);
	config_free(&cfg);
	return 0;
}
