/* fixture_dump.h - what a snapshot writer writes, as a string: the tests of
 * the JSON and text writers compare one writer's text with another's. */
#ifndef CCBOARD_FIXTURE_DUMP_H
#define CCBOARD_FIXTURE_DUMP_H

#include <stddef.h>
#include <stdio.h>

#include "snapshot.h"

/* The text fn writes for s, malloc'ed and NUL-terminated; its length to *n
 * when n is not NULL. Fails the test when fn fails. */
char *fx_dump(const struct snapshot *s, int (*fn)(const struct snapshot *, FILE *), size_t *n);

/* The line jp's pieces make, malloc'ed and NUL-terminated. */
char *fx_join(const struct json_pieces *jp);

/* Fails the test, naming what (a printf format) and the first byte that
 * differs with the text around it, unless got (n bytes) equals ref (rn). */
void fx_same_text(const char *got, size_t n, const char *ref, size_t rn, const char *what, ...)
	__attribute__((format(printf, 5, 6)));

/* The fast JSON writer's text for s checked against the reference writer's
 * (fx_same_text); returns the line, malloc'ed. */
char *fx_same_json(const struct snapshot *s);

#endif
