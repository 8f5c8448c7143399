/* textsafe.h - external text (queue, agent and caller names, alert messages)
 * made safe for the screen: no control characters, no escape sequences, no
 * invalid UTF-8, cut by display width. Pure (wcwidth reads LC_CTYPE only). */
#ifndef CCBOARD_TEXTSAFE_H
#define CCBOARD_TEXTSAFE_H

#include <stddef.h>
#include <stdio.h>

enum {
	TEXTSAFE_UTF8 = 1,   /* the output may hold UTF-8; otherwise non-ASCII -> '?' */
};

/* Copies src into dst (dstsz bytes; always NUL-terminated when dstsz > 0).
 * Escape sequences (ESC [ ... final, ESC ] ... BEL/ST, ESC x) are dropped;
 * TAB, CR and LF become a space; other C0 controls, DEL, C1 (U+0080..U+009F),
 * bidirectional overrides, unprintable code points and invalid UTF-8 bytes
 * become '?'. Text wider than max_width display columns (max_width < 0: no
 * limit) is cut and ends in an ellipsis ("…", or "~" without UTF-8).
 * Returns the display width of dst. */
int textsafe_copy(char *dst, size_t dstsz, const char *src, int max_width, unsigned flags);

/* Returns the display width of s (text already made safe by textsafe_copy). */
int textsafe_width(const char *s);

/* Returns a malloc'ed safe copy of src (any length; NULL gives ""), made as
 * textsafe_copy does; the caller frees it. */
char *textsafe_dup(const char *src, int max_width, unsigned flags);

/* Returns the flags for text written where the locale decides how it shows
 * (standard output and error, files a person reads in a terminal):
 * TEXTSAFE_UTF8 when LC_CTYPE's codeset is UTF-8, else 0. */
unsigned textsafe_locale_flags(void);

/* Writes s to out made safe with flags, line by line: each '\n' of s is
 * kept as a line break, everything else goes through textsafe_copy. For
 * messages that quote input (names, values, bad lines) on standard error.
 * Returns 0, or EOF when the stream failed. */
int textsafe_fputs(const char *s, FILE *out, unsigned flags);

#endif
