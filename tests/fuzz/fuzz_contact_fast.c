/* fuzz_contact_fast.c - differential: the plain-shape scanner for contact
 * events (contact_fast.c) against the jansson reader (contact.c).
 *
 * The input is lines. For each, whenever the scanner accepts the line, jansson
 * must accept it too and give the same event field by field (time, kind, every
 * text byte for byte, answers, sentiment). A line the scanner declines is not
 * checked here: contact_parse then reads it with jansson. */
#include <stdbool.h>
#include <string.h>

#include "contact.h"
#include "contact_fast.h"
#include "fuzz.h"

static bool fast_text_same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* True when the two parsed events are equal field by field. */
static bool fast_event_same(const struct contact_event *a, const struct contact_event *b)
{
	return a->ts_ms == b->ts_ms && a->kind == b->kind && fast_text_same(a->id, b->id) &&
	       fast_text_same(a->channel, b->channel) && fast_text_same(a->queue, b->queue) &&
	       fast_text_same(a->customer, b->customer) && fast_text_same(a->agent, b->agent) &&
	       fast_text_same(a->reason, b->reason) && a->csat == b->csat && a->nps == b->nps &&
	       a->ces == b->ces && a->resolved == b->resolved &&
	       a->has_sentiment == b->has_sentiment &&
	       (!a->has_sentiment || a->sentiment_h == b->sentiment_h);
}

static void fast_line(const char *line, size_t len)
{
	static struct contact_parser pf, pj;
	struct contact_event ef, ej;
	if (!contact_fast_parse(&pf, line, len, &ef))
		return;
	FUZZ_CHECK(contact_parse_jansson(&pj, line, len, &ej));
	FUZZ_CHECK(fast_event_same(&ef, &ej));
}

static void fuzz_contact_fast_one(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	FUZZ_CHECK(buf != NULL);
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (char *line = buf, *end; line <= buf + size; line = end + 1) {
		end = memchr(line, '\n', (size_t)(buf + size - line));
		if (!end)
			end = buf + size;
		fast_line(line, (size_t)(end - line));
	}
	free(buf);
}

FUZZ_TARGET(contact_fast)
