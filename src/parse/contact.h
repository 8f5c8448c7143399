/* contact.h - contact events (SPEC 6.1): one JSON object per line. */
#ifndef CCBOARD_CONTACT_H
#define CCBOARD_CONTACT_H

#include <stdbool.h>
#include <stddef.h>
#include "contacts.h"

/* Longest contact-event line read (bytes). */
#define CONTACT_LINE_MAX 65536

/* Room for one parsed event's text fields, made safe (no control byte),
 * each at most 256 bytes. */
struct contact_parser {
	char id[257], channel[33], queue[257], customer[257], agent[257], reason[257];
};

/* True when the line's first non-blank byte is '{': a contact event, not queue_log. */
bool contact_line_is_event(const char *line, size_t len);

/* Parses one line into ev (strings into p). Returns false for a bad object:
 * not JSON, a required key missing, a key of the wrong type or out of range. */
bool contact_parse(struct contact_parser *p, const char *line, size_t len,
                   struct contact_event *ev);

/* contact_parse with jansson alone: the reference the plain-shape scanner
 * (contact_fast.h) is held to; contact_parse tries that scanner first. */
bool contact_parse_jansson(struct contact_parser *p, const char *line, size_t len,
                           struct contact_event *ev);

#endif
