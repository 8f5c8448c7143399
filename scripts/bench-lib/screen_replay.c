/* screen_replay.c - the terminal bytes of a board replayed second by second:
 * reads FILE (a queue_log) into the model up to its first time + FROM
 * seconds, then for each of the next N seconds applies that second's lines,
 * builds the snapshot and draws the view KEYS lead to (default "1", the
 * queue board) at COLSxROWS with the default theme on an xterm-256color
 * virtual terminal, as the live board does once a second. The first frame
 * goes to OUT.first, the others to OUT, and "seconds N-1" to OUT.meta:
 * what screen_bytes.py analyze reads. The same input gives the same bytes,
 * so two builds compare exactly. Also prints the draw's CPU time per frame.
 *   screen_replay FILE OUT [FROM [N [COLS [ROWS [KEYS]]]]]   (420 180 250 70 1) */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "model.h"
#include "queuelog.h"
#include "snapshot.h"
#include "theme.h"
#include "ui_draw.h"

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void apply_default_theme(struct ui_view *v)
{
	struct theme t;
	char *cause = NULL, *path = theme_find("default", NULL, &cause);

	if (!path || theme_load(&t, path, &cause) < 0) {
		fprintf(stderr, "screen_replay: %s (run from the source tree)\n", cause);
		exit(2);
	}
	free(path);
	start_color();
	use_default_colors();
	theme_apply(&t, theme_level_for(COLORS, has_colors(), NULL), v->attr);
}

/* Applies lines of fp up to time `until` (the line past it stays in *line). */
static void feed(FILE *fp, struct model *m, char **line, size_t *cap, ssize_t *len,
                 int64_t until)
{
	struct qevent ev;

	while (*len > 0) {
		char copy[4096];
		size_t n = (size_t)*len < sizeof copy ? (size_t)*len : sizeof copy - 1;

		memcpy(copy, *line, n);
		copy[n] = '\0';
		if (n && copy[n - 1] == '\n')
			copy[--n] = '\0';
		if (atoll(copy) > until)
			return;
		if (queuelog_parse(copy, n, &ev) == QL_EVENT)
			model_apply(m, &ev);
		*len = getline(line, cap, fp);
	}
}

/* Copies bytes [from, to) of in to the file path. */
static void copy_out(FILE *in, long from, long to, const char *path)
{
	FILE *o = fopen(path, "w");
	char buf[65536];

	fseek(in, from, SEEK_SET);
	while (o && from < to) {
		size_t k = fread(buf, 1, (size_t)(to - from) < sizeof buf ? (size_t)(to - from)
		                                                          : sizeof buf, in);
		if (k == 0)
			break;
		fwrite(buf, 1, k, o);
		from += (long)k;
	}
	if (o)
		fclose(o);
}

int main(int argc, char **argv)
{
	FILE *fp = argc > 2 ? fopen(argv[1], "r") : NULL, *all = tmpfile(), *meta;
	int from = argc > 3 ? atoi(argv[3]) : 420, n = argc > 4 ? atoi(argv[4]) : 180;
	int cols = argc > 5 ? atoi(argv[5]) : 250, rows = argc > 6 ? atoi(argv[6]) : 70;
	const char *keys = argc > 7 ? argv[7] : "1";
	char path[4096], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	struct config cfg;
	struct snapshot s;
	struct ui_view view;
	long first_end = 0, end;
	double draw_sum = 0, draw_max = 0;
	int64_t t0;
	SCREEN *scr;

	if (!fp || !all || n < 2) {
		fputs("usage: screen_replay FILE OUT [FROM [N [COLS [ROWS [KEYS]]]]]\n", stderr);
		return 2;
	}
	setlocale(LC_ALL, "C.UTF-8");   /* as the board under a UTF-8 locale */
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	len = getline(&line, &cap, fp);
	t0 = len > 0 ? atoll(line) : 0;
	feed(fp, m, &line, &cap, &len, t0 + from);
	model_advance(m, t0 + from);
	scr = newterm("xterm-256color", all, fopen("/dev/null", "r"));
	set_term(scr);
	resizeterm(rows, cols);
	nonl();                 /* the modes ui.c sets */
	curs_set(0);
	leaveok(stdscr, TRUE);
	ui_view_init(&view, true);
	apply_default_theme(&view);
	for (const char *p = keys; *p; p++)
		ui_view_key(&view, *p);
	memset(&s, 0, sizeof s);
	for (int i = 0; i < n; i++) {
		int64_t now = t0 + from + i;

		feed(fp, m, &line, &cap, &len, now);
		model_advance(m, now);
		snapshot_build(&s, m, &cfg);
		double c = cpu_ms();
		ui_draw_screen(&view, &s);
		c = cpu_ms() - c;
		if (i > 0) {   /* the first frame paints it whole */
			draw_sum += c;
			if (c > draw_max)
				draw_max = c;
		}
		fflush(all);
		if (i == 0)
			first_end = ftell(all);
	}
	end = ftell(all);
	snprintf(path, sizeof path, "%s.first", argv[2]);
	copy_out(all, 0, first_end, path);
	copy_out(all, first_end, end, argv[2]);
	snprintf(path, sizeof path, "%s.meta", argv[2]);
	if ((meta = fopen(path, "w"))) {
		fprintf(meta, "seconds %d\n", n - 1);
		fclose(meta);
	}
	printf("%ld bytes in %d frames: %.0f B/s; draw %.2f ms a frame (max %.2f), CPU\n",
	       end - first_end, n - 1, (double)(end - first_end) / (n - 1), draw_sum / (n - 1),
	       draw_max);
	endwin();
	delscreen(scr);
	ui_view_free(&view);
	snapshot_free(&s);
	model_free(m);
	config_free(&cfg);
	free(line);
	fclose(fp);
	fclose(all);
	return 0;
}
