/* exposition.h - a snapshot in the Prometheus text format 0.0.4 (GET /metrics).
 * Pure: the process figures are passed in.
 *
 * The families come from the catalogue of figures (figures.h), one family per
 * figure name with the period as a label where it is one:
 *   waiting               -> ccboard_queue_waiting{queue}
 *   longest_wait_s        -> ccboard_queue_longest_wait_seconds{queue}
 *   agents.STATE          -> ccboard_agents{queue,state}
 *   PERIOD.COUNT          -> ccboard_queue_COUNT_PERIOD{queue}        (offered_today)
 *   PERIOD.COUNT_s        -> ccboard_queue_COUNT_PERIOD_seconds{queue}
 *   PERIOD.FIG_pct        -> ccboard_queue_FIG_ratio{queue,period}    (0..1)
 *   PERIOD.FIG_s (derived)-> ccboard_queue_FIG_seconds{queue,period}
 * The contact figures (contacts_figures.h), once contact events were seen,
 * the same way per channel and per queue:
 *   LIVE (open, oldest_unanswered_s) -> ccboard_channel_open{channel},
 *                                        ccboard_queue_contacts_open{queue}
 *   PERIOD.COUNT          -> ccboard_channel_created_today{channel}, ...
 *   PERIOD.FIG_pct        -> ccboard_channel_csat_ratio{channel,period}
 *   callbacks             -> ccboard_queue_contacts_callbacks{queue}
 * then the alerts, the sources and the process. Every family is a gauge but
 * the sources' and the process's counters (_total). A value with no
 * denominator (JSON null) is NaN. */
#ifndef CCBOARD_EXPOSITION_H
#define CCBOARD_EXPOSITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "contacts_figures.h"
#include "figures.h"
#include "snapshot.h"

#define EXPO_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* What the process says of itself (read from /proc by the shell). */
struct expo_process {
	bool known;
	double resident_bytes, virtual_bytes, cpu_seconds, start_time_seconds;
	double open_fds, max_fds;
};

/* Writes the family name of figure f to buf (size n) and the label it takes
 * on top of queue: *label_name ("period", "state" or NULL) = *label_value;
 * the value is divided by *divisor (100 for a percentage). */
void expo_figure_family(const struct figure *f, char *buf, size_t n, const char **label_name,
                        const char **label_value, double *divisor);

/* The same for contact figure f, of a channel (label channel) or of a queue's
 * contacts (label queue). */
void expo_ct_family(const struct ct_figure *f, bool channel, char *buf, size_t n,
                    const char **label_name, const char **label_value, double *divisor);

/* Writes v as a label value: '\\', '"' and newline escaped, a byte that is
 * not UTF-8 as U+FFFD. */
void expo_label_value(FILE *out, const char *v);

/* True when a source in state st counts as down (/healthz, ccboard_source_up). */
bool expo_source_down(enum source_state st);

/* Writes the process's families (process_cpu_seconds_total, ...) of p. */
void expo_write_process(const struct expo_process *p, FILE *out);

/* Writes s (and p when p is not NULL and p->known) in the text format. Returns 0, or -1 when
 * out failed. */
int expo_write(const struct snapshot *s, const struct expo_process *p, FILE *out);

#endif
