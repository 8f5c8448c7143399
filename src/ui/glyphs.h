/* glyphs.h - the characters the screen draws with: UTF-8 when the locale is
 * UTF-8, plain ASCII otherwise. */
#ifndef CCBOARD_GLYPHS_H
#define CCBOARD_GLYPHS_H

#include <stdbool.h>

#define GLYPHS_SPARK_LEVELS 8

struct glyphs {
	bool utf8;
	const char *spark[GLYPHS_SPARK_LEVELS];  /* lowest to highest */
	const char *hline;       /* section rules */
	const char *vline;
	const char *corner[4];   /* top-left, top-right, bottom-left, bottom-right */
	const char *warning;     /* severity markers, readable without colour */
	const char *critical;
	const char *ok;
	const char *selected;    /* marks the selected row */
	const char *dot;         /* separator */
	const char *up, *down;   /* more above / below */
	const char *nodata;      /* a figure with no denominator */
};

/* Returns the static UTF-8 or ASCII glyph set. */
const struct glyphs *glyphs_get(bool utf8);

/* Returns true when the current locale's codeset is UTF-8 (call after setlocale). */
bool glyphs_locale_is_utf8(void);

#endif
