/* demo_contacts.h - the other channels of the --demo centre: email, chat,
 * WhatsApp, SMS and social contacts written as contact events (SPEC 6.1),
 * surveys after contacts and calls, and customers who move between channels
 * (an unanswered email followed by a call, a chat given up then a call, a
 * caller who hung up in the queue and tries again). Pure, time passed in; its
 * own random stream, so the calls' simulation runs as it does without it. */
#ifndef CCBOARD_DEMO_CONTACTS_H
#define CCBOARD_DEMO_CONTACTS_H

#include <stddef.h>
#include <stdint.h>

struct demo_contacts;

typedef void (*demo_emit_fn)(void *ctx, char *line, size_t len);

/* Returns the channels' simulation, starting at day_ms (the demo's day
 * begins), deterministic for a seed; NULL when out of memory. */
struct demo_contacts *demo_contacts_new(uint64_t seed, int64_t day_ms);
void demo_contacts_free(struct demo_contacts *dc);

/* The time (ms) of its next event. */
int64_t demo_contacts_next_ms(const struct demo_contacts *dc);

/* Runs its next event, handing each line it writes (a JSON object, no
 * newline, writable) to emit. Returns the number of lines; -1 when out of
 * memory (the simulation then stops). */
int demo_contacts_step(struct demo_contacts *dc, demo_emit_fn emit, void *ctx);

/* The caller ID of a call entering a queue at now_ms: a customer who chose to
 * call (after an unanswered email, an abandoned chat or call), sometimes a
 * known customer, else fresh. Writes it into out (size bytes). */
void demo_contacts_caller(struct demo_contacts *dc, int64_t now_ms, const char *fresh,
                          char *out, size_t size);

/* A call left the queue unanswered: its caller may try again. */
void demo_contacts_call_lost(struct demo_contacts *dc, int64_t now_ms, const char *caller);

/* An answered call ended: it may get a survey (id = the callid) and the
 * caller a follow-up on another channel. */
void demo_contacts_call_done(struct demo_contacts *dc, int64_t now_ms, const char *callid,
                             const char *caller);

#endif
