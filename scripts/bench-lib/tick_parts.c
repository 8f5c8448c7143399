/* tick_parts.c - what one tick costs on a big model, part by part: reads FILE
 * (a queue_log) into the model, then times N refreshes of each part: the
 * snapshot (snapshot_build), the alerts (alerts_eval) and the JSON line
 * (snapshot_write_json to /dev/null). Prints "part mean_ms" lines. Used to
 * profile the tick (perf record on it) without a live feed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts.h"
#include "config.h"
#include "model.h"
#include "queuelog.h"
#include "snapshot.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct qevent ev;
	struct snapshot s;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int n = argc > 2 ? atoi(argv[2]) : 20;
	FILE *fp = argc > 1 ? fopen(argv[1], "r") : NULL, *out = fopen("/dev/null", "w");
	double t, build = 0, eval = 0, json = 0;

	if (!fp || !out) {
		fputs("usage: tick_parts FILE [N]\n", stderr);
		return 2;
	}
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	struct alerts *a = alerts_new(cfg.alert_rules);
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (queuelog_parse(line, (size_t)len, &ev) == QL_EVENT)
			model_apply(m, &ev);
	}
	memset(&s, 0, sizeof s);
	for (int i = 0; i < n; i++) {
		model_advance(m, model_now(m) + 1);
		t = now_s();
		snapshot_build(&s, m, &cfg);
		build += now_s() - t;
		t = now_s();
		alerts_eval(a, &s, s.as_of, NULL, NULL);
		eval += now_s() - t;
		t = now_s();
		snapshot_write_json(&s, out);
		json += now_s() - t;
	}
	printf("queues %zu agents %zu alerts %zu\n", s.n_queues, s.n_agents, s.n_alerts);
	printf("build %.3f\neval %.3f\njson %.3f\n", build * 1e3 / n, eval * 1e3 / n, json * 1e3 / n);
	snapshot_free(&s);
	alerts_free(a);
	model_free(m);
	config_free(&cfg);
	free(line);
	fclose(fp);
	fclose(out);
	return 0;
}
