/* fixture_model.h - a voice model for the tests of the model: the default
 * configuration in UTC, and queue_log lines fed one at a time. Shared by the
 * tests of the model and of the agents' figures. */
#ifndef CCBOARD_FIXTURE_MODEL_H
#define CCBOARD_FIXTURE_MODEL_H

#include "config.h"
#include "contacts.h"
#include "model.h"

/* Sets TZ to UTC, cfg to the defaults with wrapup_s, and *m to a new model
 * reading cfg. */
void fx_model_open(struct config *cfg, struct model **m, int wrapup_s);
/* Frees what fx_model_open made. */
void fx_model_close(struct config *cfg, struct model *m);
/* Parses one queue_log line (a printf format) and applies it to m: what
 * model_apply returned (1 applied, 0 not), or -1 when the line is no event. */
int fx_feed(struct model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* fx_feed, the event also to the contacts model c when not NULL (as the
 * board feeds both). */
int fx_feed_contacts(struct model *m, struct contacts *c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
