/* line_to_model.c - times "a line appended to the file -> its event in the
 * model" with ccboard's own pieces and nothing else: the file source (tail -F
 * on a libuv loop, with the one-second safety-net tick ccboard runs),
 * queuelog_parse and model_apply. After each line is applied it prints
 *     LINES CLOCK_MONOTONIC_NS
 * (LINES counted since start, the file's first line is 1) and flushes, so a
 * writer that noted CLOCK_MONOTONIC before each write gets the delay of every
 * line. Stops on SIGTERM or SIGINT.
 *     line_to_model FILE */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <uv.h>

#include "config.h"
#include "model.h"
#include "queuelog.h"
#include "source.h"

struct harness {
	struct model *model;
	struct source *src;
	unsigned long long lines;
	uv_timer_t tick;
	uv_signal_t sigterm, sigint;
};

static unsigned long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static void on_line(void *ctx, struct source *src, char *line, size_t len)
{
	struct harness *h = ctx;
	struct qevent ev;
	(void)src;
	if (queuelog_parse(line, len, &ev) == QL_EVENT)
		model_apply(h->model, &ev);
	printf("%llu %llu\n", ++h->lines, mono_ns());
	fflush(stdout);
}

static void on_tick(uv_timer_t *t)
{
	struct harness *h = t->data;
	source_tick(h->src, (int64_t)time(NULL));
}

static void close_handle(uv_handle_t *handle, void *arg)
{
	(void)arg;
	if (!uv_is_closing(handle))
		uv_close(handle, NULL);
}

static void on_signal(uv_signal_t *s, int signum)
{
	struct harness *h = s->data;
	(void)signum;
	source_close(h->src);
	uv_walk(s->loop, close_handle, NULL);
}

int main(int argc, char **argv)
{
	struct harness h = { 0 };
	struct config cfg;
	char *cause = NULL;
	uv_loop_t *loop = uv_default_loop();

	if (argc != 2) {
		fputs("usage: line_to_model FILE\n", stderr);
		return 2;
	}
	config_defaults(&cfg);
	h.model = model_new(&cfg);
	struct source_sink sink = { &h, on_line, NULL, NULL };
	struct source_opts so = { .follow = true, .max_line = 64 * 1024, .cfg = &cfg };
	h.src = source_open(loop, argv[1], &so, &sink, &cause);
	if (h.src == NULL) {
		fprintf(stderr, "line_to_model: %s: %s\n", argv[1], cause ? cause : "cannot open");
		return 1;
	}
	uv_timer_init(loop, &h.tick);
	h.tick.data = &h;
	uv_timer_start(&h.tick, on_tick, 1000, 1000);
	uv_signal_init(loop, &h.sigterm);
	uv_signal_init(loop, &h.sigint);
	h.sigterm.data = h.sigint.data = &h;
	uv_signal_start(&h.sigterm, on_signal, SIGTERM);
	uv_signal_start(&h.sigint, on_signal, SIGINT);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_loop_close(loop);
	model_free(h.model);
	config_free(&cfg);
	return 0;
}
