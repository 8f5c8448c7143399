/* core_replay.c - the replay hot path without I/O: reads FILE into memory,
 * then times queuelog_parse + model_apply over every line, the way ccboard's
 * sink does. Prints "lines seconds" on stdout. Used by scripts/bench to split
 * the replay's time between reading the file and the parser + model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "model.h"
#include "queuelog.h"

static char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long size;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0) {
		perror(path);
		exit(1);
	}
	rewind(fp);
	buf = malloc((size_t)size + 1);
	if (buf == NULL || fread(buf, 1, (size_t)size, fp) != (size_t)size) {
		perror(path);
		exit(1);
	}
	fclose(fp);
	*n = (size_t)size;
	return buf;
}

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
	size_t n, lines = 0;
	char *buf, *p, *end;
	double t0;

	if (argc != 2) {
		fputs("usage: core_replay FILE\n", stderr);
		return 2;
	}
	buf = slurp(argv[1], &n);
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	t0 = now_s();
	for (p = buf, end = buf + n; p < end; lines++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if (queuelog_parse(p, (size_t)(nl - p), &ev) == QL_EVENT)
			model_apply(m, &ev);
		p = nl + 1;
	}
	printf("%zu %.6f\n", lines, now_s() - t0);
	model_free(m);
	config_free(&cfg);
	free(buf);
	return 0;
}
