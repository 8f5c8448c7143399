/* contacts_cpu.c - the contacts model's CPU per event, alone: parses FILE's
 * queue_log lines once (into memory), then feeds them to the contacts model
 * ROUNDS times (a new model each round, as ccboard --replay feeds it) and
 * prints the best round's CPU ("ctcpu_ms"), per line ("ctcpu_ns_line") and
 * per second of the log's time ("ctcpu_ms_per_s": what the model costs a
 * live feed of that rate, warm caches). Usage: contacts_cpu FILE [ROUNDS]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contacts.h"
#include "queuelog.h"

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *keep(const char *s)
{
	return s ? strdup(s) : NULL;
}

int main(int argc, char **argv)
{
	FILE *fp = argc > 1 ? fopen(argv[1], "r") : NULL;
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	char *line = NULL;
	size_t cap = 0, n = 0, room = 0;
	ssize_t len;
	struct qevent *evs = NULL, ev;

	if (!fp) {
		fprintf(stderr, "usage: contacts_cpu FILE [ROUNDS]\n");
		return 2;
	}
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (queuelog_parse(line, (size_t)len, &ev) != QL_EVENT)
			continue;
		if (n == room) {
			room = room ? room * 2 : 1 << 16;
			evs = realloc(evs, room * sizeof *evs);
		}
		ev.callid = keep(ev.callid);
		ev.queue = keep(ev.queue);
		ev.agent = keep(ev.agent);
		ev.callerid = keep(ev.callerid);
		ev.reason = keep(ev.reason);
		evs[n++] = ev;
	}
	if (!n)
		return 1;
	double best = -1;
	for (int r = 0; r < rounds; r++) {
		struct contacts_conf cc;
		contacts_conf_from(&cc, NULL);
		struct contacts *c = contacts_new(&cc);
		double t0 = cpu_ms();
		for (size_t i = 0; i < n; i++)
			contacts_on_qevent(c, &evs[i]);
		double t = cpu_ms() - t0;
		if (best < 0 || t < best)
			best = t;
		contacts_free(c);
	}
	double span = (double)(evs[n - 1].time - evs[0].time);
	printf("ctcpu_lines %zu\nctcpu_ms %.1f\nctcpu_ns_line %.0f\nctcpu_ms_per_s %.3f\n", n, best,
	       best * 1e6 / (double)n, span > 0 ? best / span : 0);
	free(line);
	fclose(fp);
	return 0;
}
