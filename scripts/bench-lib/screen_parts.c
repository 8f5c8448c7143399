/* screen_parts.c - what drawing one frame costs on a big model, view by view:
 * reads FILE (a queue_log) into the model, then for N ticks advances it a
 * second, builds the snapshot (untimed) and times the draw at 250x70 into a
 * virtual terminal writing to /dev/null, for the queue board, the Agents
 * list (by name, then by time in state) and the Agents grid. Prints
 * "view mean_ms" and "view_max max_ms" lines in CPU time (what a loaded
 * machine does not inflate) and "view_bytes" (bytes the terminal got per
 * frame). SCREEN_PARTS_ONLY=k draws view k alone, SCREEN_PARTS_REPEAT=r
 * draws each frame r times (untimed but the first), for perf record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "model.h"
#include "queuelog.h"
#include "snapshot.h"
#include "ui_draw.h"

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define VIEWS 4

int main(int argc, char **argv)
{
	static const char *const names[VIEWS] = { "queues", "agents", "agents_by_time", "grid" };
	/* the keys that lead from a fresh view to each one */
	static const char *const keys[VIEWS] = { "1", "5", "5ss", "5g" };
	struct config cfg;
	struct qevent ev;
	struct snapshot s;
	struct ui_view view[VIEWS];
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int n = argc > 2 ? atoi(argv[2]) : 20;
	FILE *fp = argc > 1 ? fopen(argv[1], "r") : NULL, *out = tmpfile();
	double sum[VIEWS] = { 0 }, max[VIEWS] = { 0 };
	long bytes[VIEWS] = { 0 };
	const char *only_env = getenv("SCREEN_PARTS_ONLY");
	int only = only_env ? atoi(only_env) : -1;
	int repeat = getenv("SCREEN_PARTS_REPEAT") ? atoi(getenv("SCREEN_PARTS_REPEAT")) : 1;
	SCREEN *scr;

	if (!fp || !out) {
		fputs("usage: screen_parts FILE [N]\n", stderr);
		return 2;
	}
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (queuelog_parse(line, (size_t)len, &ev) == QL_EVENT)
			model_apply(m, &ev);
	}
	scr = newterm("xterm-256color", out, fopen("/dev/null", "r"));
	set_term(scr);
	resizeterm(70, 250);
	memset(&s, 0, sizeof s);
	snapshot_build(&s, m, &cfg);
	for (int k = 0; k < VIEWS; k++) {
		ui_view_init(&view[k], true);
		for (const char *p = keys[k]; *p; p++)
			ui_view_key(&view[k], *p);
	}
	for (int i = 0; i < n; i++) {
		model_advance(m, model_now(m) + 1);
		snapshot_build(&s, m, &cfg);
		for (int k = 0; k < VIEWS; k++) {
			long at;
			double c, d;
			if (only >= 0 && k != only)
				continue;
			fflush(out);
			at = ftell(out);
			c = cpu_s();
			ui_draw_screen(&view[k], &s);
			d = cpu_s() - c;
			for (int r = 1; r < repeat; r++)   /* for perf: the draw outweighs the build */
				ui_draw_screen(&view[k], &s);
			fflush(out);
			if (i > 0) {   /* the first frame of a view paints it whole */
				sum[k] += d;
				bytes[k] += ftell(out) - at;
			}
			if (d > max[k])
				max[k] = d;
		}
	}
	endwin();
	printf("queues %zu agents %zu off %zu\n", s.n_queues, s.n_agents, s.n_agents_off);
	for (int k = 0; k < VIEWS; k++)
		printf("%s %.3f\n%s_max %.3f\n%s_bytes %ld\n", names[k], sum[k] * 1e3 / (n - 1),
		       names[k], max[k] * 1e3, names[k], bytes[k] / (n - 1));
	for (int k = 0; k < VIEWS; k++)
		ui_view_free(&view[k]);
	delscreen(scr);
	snapshot_free(&s);
	model_free(m);
	config_free(&cfg);
	free(line);
	fclose(fp);
	fclose(out);
	return 0;
}
