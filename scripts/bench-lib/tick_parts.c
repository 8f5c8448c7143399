/* tick_parts.c - what one tick costs on a big model, part by part: reads FILE
 * (a queue_log) into the model, then times N refreshes of each part: the
 * snapshot (snapshot_build), the alerts (alerts_eval), the JSON line
 * (snapshot_write_json to /dev/null) and the screen drawn at 250x70 into a
 * virtual terminal writing to /dev/null. Prints "part mean_ms" lines and
 * "part_max max_ms" (the first build sorts everything), and the same in
 * this process's CPU time ("part_cpu", "part_cpu_max": what a loaded machine
 * does not inflate). TICK_PARTS_ONLY=k times part k alone (0 build, 1 alerts,
 * 2 JSON, 3 screen: the build still runs, untimed), for perf record.
 * TICK_PARTS_CONFIG=FILE reads that configuration (groups, rules) first.
 * TICK_PARTS_KEYS=LIST writes only those top-level keys in the JSON line (as
 * --json-keys), e.g. "queues" to time the queues' part of the line alone.
 * TICK_PARTS_FEED=1 holds back the log's last N seconds and applies one of
 * them before each tick, as a live feed does (callers come and go, agents
 * change, alerts' values move); without it the N ticks only advance the
 * clock. Used to profile the tick without a live feed. TICK_PARTS_CHECK=1
 * checks each build against one from nothing (their JSON lines);
 * TICK_PARTS_CHECK_DUMP=DIR writes both lines of the first that differ there. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts.h"
#include "config.h"
#include "model.h"
#include "queuelog.h"
#include "snapshot.h"
#include "ui_draw.h"

static double now_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* With TICK_PARTS_FEED, the time from which fp's lines are held back (its
 * last line's time less n seconds); else INT64_MAX. Rewinds fp. */
static int64_t feed_from(FILE *fp, int n)
{
	char buf[4096];
	long end;
	int64_t last = 0;
	const char *feed = getenv("TICK_PARTS_FEED");
	if (!feed || atoi(feed) == 0 || fseek(fp, 0, SEEK_END) != 0)
		return INT64_MAX;
	end = ftell(fp);
	fseek(fp, end > (long)sizeof buf ? end - (long)sizeof buf : 0, SEEK_SET);
	while (fgets(buf, sizeof buf, fp))
		if (buf[0] >= '0' && buf[0] <= '9')
			last = strtoll(buf, NULL, 10);
	rewind(fp);
	return last - n;
}

/* Writes the kept build's line (a) and the fresh one's (b) into dir as
 * kept.json and fresh.json, to compare them. */
static void dump_lines(const char *dir, const char *a, size_t la, const char *b, size_t lb)
{
	const char *name[2] = { "kept.json", "fresh.json" }, *text[2] = { a, b };
	size_t len[2] = { la, lb };
	for (int k = 0; k < 2; k++) {
		char path[4096];
		FILE *fp;
		snprintf(path, sizeof path, "%s/%s", dir, name[k]);
		fp = fopen(path, "w");
		if (!fp || fwrite(text[k], 1, len[k], fp) != len[k])
			fprintf(stderr, "tick_parts: %s: cannot write\n", path);
		if (fp)
			fclose(fp);
	}
}

/* TICK_PARTS_CHECK=1: each tick's build (from what the last one kept) makes
 * the same JSON line as a build from nothing; exits 1 when not. */
static void check_build(const struct snapshot *s, const struct model *m, const struct config *cfg,
                        int tick)
{
	struct snapshot f;
	size_t la, lb;
	char *a, *b;
	memset(&f, 0, sizeof f);
	snapshot_build(&f, m, cfg);
	f.n_alerts = s->n_alerts;          /* the caller's, not the build's */
	f.alerts = s->alerts;
	a = snapshot_json_line(s, &la);
	b = snapshot_json_line(&f, &lb);
	if (!a || !b || la != lb || memcmp(a, b, la) != 0) {
		fprintf(stderr, "tick_parts: tick %d: the kept build differs from a fresh one\n", tick);
		if (getenv("TICK_PARTS_CHECK_DUMP"))
			dump_lines(getenv("TICK_PARTS_CHECK_DUMP"), a, la, b, lb);
		exit(1);
	}
	free(a);
	free(b);
	f.n_alerts = 0;
	f.alerts = NULL;
	snapshot_free(&f);
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
	double t, c, d, part[4] = { 0 }, max[4] = { 0 }, cpu[4] = { 0 }, cmax[4] = { 0 };
	const char *only_env = getenv("TICK_PARTS_ONLY");
	int only = only_env ? atoi(only_env) : -1;
	double copied = 0, waiting = 0;     /* callers copied by a build, and waiting */
	double active = 0;                  /* alerts active after an eval */
	double compares = 0;                /* name comparisons of a build's sorting */
	bool check = getenv("TICK_PARTS_CHECK") && atoi(getenv("TICK_PARTS_CHECK"));
	double visited = 0;                 /* agents a build visited (snapshot_agents_visited) */
	static const char *const names[4] = { "build", "eval", "json", "draw" };
	struct ui_view view;
	SCREEN *scr;

	if (!fp || !out) {
		fputs("usage: tick_parts FILE [N]\n", stderr);
		return 2;
	}
	config_defaults(&cfg);
	if (getenv("TICK_PARTS_CONFIG")) {       /* e.g. [group.NAME]s */
		char *errors = NULL;
		/* a group's queues not named in [queue.NAME]s is an error for a
		 * board, not here: the log names them */
		config_load(&cfg, getenv("TICK_PARTS_CONFIG"), &errors);
		free(errors);
	}
	if (getenv("TICK_PARTS_KEYS")) {
		char *cause = NULL;
		if (snapshot_json_keys(getenv("TICK_PARTS_KEYS"), &cause) != 0) {
			fprintf(stderr, "tick_parts: %s\n", cause);
			return 2;
		}
	}
	struct model *m = model_new(&cfg);
	struct alerts *a = alerts_new(cfg.alert_rules);
	int64_t held = feed_from(fp, n);
	bool have = false;
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (queuelog_parse(line, (size_t)len, &ev) != QL_EVENT)
			continue;
		if (ev.time >= held) {
			have = true;               /* the first line held back */
			break;
		}
		model_apply(m, &ev);
	}
	scr = newterm("xterm-256color", out, fopen("/dev/null", "r"));
	set_term(scr);
	resizeterm(70, 250);
	ui_view_init(&view, true);
	memset(&s, 0, sizeof s);
	for (int i = 0; i < n; i++) {
		int64_t to = held == INT64_MAX ? model_now(m) + 1 : held + i + 1;
		while (have && ev.time < to) {      /* this second's lines */
			model_apply(m, &ev);
			have = false;
			while (!have && (len = getline(&line, &cap, fp)) > 0) {
				if (line[len - 1] == '\n')
					line[--len] = '\0';
				have = queuelog_parse(line, (size_t)len, &ev) == QL_EVENT;
			}
		}
		model_advance(m, to);
		for (int k = 0; k < 4; k++) {
			if (only >= 0 && k != only && k != 0)
				continue;
			t = now_s(CLOCK_MONOTONIC);
			c = now_s(CLOCK_PROCESS_CPUTIME_ID);
			if (k == 0) {
				snapshot_build(&s, m, &cfg);
				copied += snapshot_callers_copied(&s);
				compares += (double)snapshot_sort_compares(&s);
				visited += (double)snapshot_agents_visited(&s);
				if (check)
					check_build(&s, m, &cfg, i);
				waiting += s.total.waiting;
			}
			else if (k == 1) {
				alerts_eval(a, &s, s.as_of, NULL, NULL);
				active += (double)s.n_alerts;
			}
			else if (k == 2)
				snapshot_write_json(&s, out);
			else
				ui_draw_screen(&view, &s);
			d = now_s(CLOCK_MONOTONIC) - t;
			part[k] += d;
			if (d > max[k])
				max[k] = d;
			d = now_s(CLOCK_PROCESS_CPUTIME_ID) - c;
			cpu[k] += d;
			if (d > cmax[k])
				cmax[k] = d;
		}
	}
	endwin();
	printf("queues %zu agents %zu alerts %zu\n", s.n_queues, s.n_agents, s.n_alerts);
	printf("alert_states %zu\nalerts_active %.0f\n", alerts_entry_count(a), active / n);
	printf("build_callers_copied %.0f\nbuild_callers_waiting %.0f\n", copied / n, waiting / n);
	printf("build_sort_compares %.0f\n", compares / n);
	printf("build_agents_visited %.0f\n", visited / n);
	for (int k = 0; k < 4; k++)
		printf("%s %.3f\n%s_max %.3f\n%s_cpu %.3f\n%s_cpu_max %.3f\n", names[k],
		       part[k] * 1e3 / n, names[k], max[k] * 1e3, names[k], cpu[k] * 1e3 / n, names[k],
		       cmax[k] * 1e3);
	ui_view_free(&view);
	delscreen(scr);
	snapshot_free(&s);
	alerts_free(a);
	model_free(m);
	config_free(&cfg);
	free(line);
	fclose(fp);
	fclose(out);
	return 0;
}
