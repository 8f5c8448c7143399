/* demo.h - a simulated contact centre for --demo: queues, arrivals that rise
 * and fall, impatient callers, agents who pause, and a busy spell early on
 * that breaches the SLA; beside the phones, email, chat, WhatsApp, SMS and
 * social contacts (demo_contacts.h). Pure: time is passed in; output is
 * queue_log lines and contact-event lines (JSON), as a real feed writes them. */
#ifndef CCBOARD_DEMO_H
#define CCBOARD_DEMO_H

#include <stddef.h>
#include <stdint.h>

struct demo;

/* Creates a centre whose day begins at start (epoch seconds); deterministic
 * for a seed. */
struct demo *demo_new(uint64_t seed, int64_t start);
void demo_free(struct demo *d);

/* Calls emit with every line the centre writes up to and including second
 * now, in time order: queue_log ("epoch|callid|queue|agent|EVENT|...") and
 * contact events ({"ts":...}), no newline, writable. Returns the number of
 * lines emitted. */
size_t demo_run_until(struct demo *d, int64_t now,
                      void (*emit)(void *ctx, char *line, size_t len), void *ctx);

#endif
