/* contact_fast.h - a strict scanner for the common shape of a contact event
 * (SPEC 6.1): one JSON object whose keys the event reads hold strings,
 * numbers, true, false or null (other keys may hold anything, nested a few
 * levels). It gives exactly what the jansson reader (contact.c) gives, or
 * declines the line, which then goes to jansson. */
#ifndef CCBOARD_CONTACT_FAST_H
#define CCBOARD_CONTACT_FAST_H

#include <stdbool.h>
#include <stddef.h>
#include "contact.h"

/* Parses one line into ev (strings into p) when it is a valid contact event
 * of the plain shape, and returns true. Returns false (ev and p undefined)
 * for anything else: an object or array under a key it reads, deep nesting,
 * an exponent, a long number, an escape in a key, a bad or doubtful object;
 * the caller then reads the line with jansson, which decides. */
bool contact_fast_parse(struct contact_parser *p, const char *line, size_t len,
                        struct contact_event *ev);

#endif
