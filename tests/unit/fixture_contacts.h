/* fixture_contacts.h - contact events and calls fed to a contacts model one
 * at a time, and the small random generator of the randomised tests. Shared
 * by the tests of the contacts' backlog and journeys. */
#ifndef CCBOARD_FIXTURE_CONTACTS_H
#define CCBOARD_FIXTURE_CONTACTS_H

#include <stdint.h>

#include "contacts.h"
#include "event.h"

/* Applies the contact event {"ts", "event": kind, "id", and channel, queue
 * and customer when not NULL} at ts_ms to c, through the real parser. */
void fx_contact_event(struct contacts *c, int64_t ts_ms, const char *kind, const char *id,
                      const char *channel, const char *queue, const char *customer);
/* Applies the call event k of callid in queue "q1" from caller id cid at ts_ms. */
void fx_contact_call(struct contacts *c, int64_t ts_ms, enum ev_kind k, const char *callid,
                     const char *cid);
/* The next of a reproducible sequence (24 bits) from seed *s. */
unsigned fx_rnd(unsigned *s);

#endif
