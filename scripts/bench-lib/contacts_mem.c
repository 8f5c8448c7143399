/* contacts_mem.c - the contacts model's own memory: reads FILE (queue_log
 * lines, contact events, or both mixed) into the contacts model alone, as
 * ccboard --replay does, and prints what the heap holds once it is read
 * ("ctmem_heap_kb"), the heap's peak along the way ("ctmem_peak_kb", sampled
 * every 10,000 lines) and what the model keeps ("ctmem_contacts",
 * "ctmem_customers"), and the longest one line took ("ctmem_max_line_ms": a
 * sweep, or an eviction once the store is full), each key after PREFIX
 * (argv[2], default "ctmem_"). The rest of the program (the voice model, the snapshot)
 * is measured by ccboard's own peak RSS. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contact.h"
#include "contacts.h"
#include "queuelog.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t heap_kb(void)
{
	struct mallinfo2 mi = mallinfo2();
	return (mi.uordblks + mi.hblkhd) / 1024;   /* big blocks are mmap'ed */
}

int main(int argc, char **argv)
{
	struct contacts_conf cc;
	struct contact_parser p;
	struct contact_event ce;
	struct qevent ev;
	char *line = NULL;
	size_t cap = 0, n = 0, base, peak = 0, customers;
	ssize_t len;
	double t0, worst = 0;
	FILE *fp = argc > 1 ? fopen(argv[1], "r") : NULL;

	if (!fp) {
		fprintf(stderr, "usage: contacts_mem FILE [PREFIX]\n");
		return 2;
	}
	contacts_conf_from(&cc, NULL);
	base = heap_kb();
	struct contacts *c = contacts_new(&cc);
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		t0 = now_ms();
		if (contact_line_is_event(line, (size_t)len)) {
			if (contact_parse(&p, line, (size_t)len, &ce))
				contacts_apply(c, &ce);
		} else if (queuelog_parse(line, (size_t)len, &ev) == QL_EVENT) {
			contacts_on_qevent(c, &ev);
		}
		if (now_ms() - t0 > worst)
			worst = now_ms() - t0;
		if (++n % 10000 == 0 && heap_kb() - base > peak)
			peak = heap_kb() - base;
	}
	size_t now = heap_kb() - base, stored = contacts_stored(c, &customers);
	const char *pre = argc > 2 ? argv[2] : "ctmem_";
	printf("%slines %zu\n%sheap_kb %zu\n%speak_kb %zu\n%scontacts %zu\n%scustomers %zu\n"
	       "%smax_line_ms %.1f\n", pre, n, pre, now, pre, now > peak ? now : peak, pre, stored,
	       pre, customers, pre, worst);
	contacts_free(c);
	free(line);
	fclose(fp);
	return 0;
}
