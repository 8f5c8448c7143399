/* hist_write.c - the history database of a 50-queue centre: fills DB with a
 * year of 15-minute intervals (queues x intervals rows, one transaction per
 * interval, as the live board writes them) and prints
 *   rows N  write_ms_mean X  write_ms_max Y  bytes Z
 * usage: hist_write DB QUEUES DAYS OPEN_HOURS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "history_store.h"

static double ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fputs("usage: hist_write DB QUEUES DAYS OPEN_HOURS\n", stderr);
		return 2;
	}
	int nq = atoi(argv[2]), days = atoi(argv[3]), open_iv = atoi(argv[4]) * 4;
	char *cause = NULL;
	struct history_store *s = history_store_open(argv[1], 1000, &cause);
	if (!s) {
		fprintf(stderr, "hist_write: %s\n", cause);
		return 1;
	}
	struct hist_row *rows = calloc((size_t)nq, sizeof *rows);
	char (*names)[16] = calloc((size_t)nq, sizeof *names);
	unsigned seed = 1;
	double sum = 0, max = 0;
	long n = 0, rows_written = 0;
	int64_t t0 = 1767225600 + 7 * 3600;       /* 2026-01-01 07:00 UTC */
	for (int d = 0; d < days; d++) {
		for (int iv = 0; iv < open_iv; iv++) {
			for (int q = 0; q < nq; q++) {
				struct hist_row *r = &rows[q];
				snprintf(names[q], sizeof names[q], "q%d", q);
				memset(r, 0, sizeof *r);
				r->kind = HIST_QUEUE;
				r->name = names[q];
				r->has_voice = true;
				r->start = t0 + (int64_t)d * 86400 + iv * 900;
				r->day = 20260101 + d;      /* only a key here */
				int calls = 1 + (int)(rand_r(&seed) % 30);
				r->voice.offered = calls;
				r->voice.answered = calls - calls / 10;
				r->voice.answered_within_sl = r->voice.answered * 8 / 10;
				r->voice.abandoned = calls / 10;
				r->voice.abandoned_short = calls / 30;
				r->voice.abandoned_within_sl = calls / 20;
				r->voice.completed = r->voice.answered;
				r->voice.talk_s = r->voice.answered * (150 + rand_r(&seed) % 100);
				r->voice.hold_s = r->voice.answered * (rand_r(&seed) % 40);
				r->voice.abandon_wait_s = r->voice.abandoned * (rand_r(&seed) % 90);
			}
			double a = ms();
			if (history_store_write(s, rows, (size_t)nq, &cause) < 0) {
				fprintf(stderr, "hist_write: %s\n", cause);
				return 1;
			}
			double t = ms() - a;
			sum += t;
			max = t > max ? t : max;
			n++;
			rows_written += nq;
		}
	}
	history_store_close(s);     /* the last connection checkpoints the WAL */
	struct stat sb;
	stat(argv[1], &sb);
	printf("rows %ld write_ms_mean %.3f write_ms_max %.3f bytes %lld\n", rows_written, sum / n,
	       max, (long long)sb.st_size);
	free(rows);
	free(names);
	return 0;
}
