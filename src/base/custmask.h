/* custmask.h - customer ids masked for a screen visitors can see
 * ([general] mask_customers = yes, the default). Pure; the JSON keeps ids
 * whole, only what is drawn or printed for people is masked.
 *
 *   phone-like (digits and + - . ( ) space, 3 digits or more)
 *                  "+15550182072"       -> "…2072"   (the last 4 digits)
 *   e-mail         "jane@example.com"   -> "j…@example.com" (first letter, domain)
 *   anything else  "@jane_doe"          -> "@…oe"    (first and last two characters;
 *                  "ab12"               -> "a***"     short ids: the first only)
 *
 * A mask is never longer than the id in bytes (nor, but for ids of zero-width
 * characters, in columns): where "…" does not fit, '*' stand for the hidden
 * characters. Whatever the input (invalid
 * UTF-8, control or escape bytes), the result is valid UTF-8 with no byte
 * below 0x20 nor 0x7f: a bad byte becomes '?'. This header is stable: the
 * screen's views call it. */
#ifndef CCBOARD_CUSTMASK_H
#define CCBOARD_CUSTMASK_H

#include <stddef.h>

#define CUSTMASK_ASCII 1u   /* "..." instead of "…" (a terminal that is not UTF-8) */

/* Writes the mask of id (NULL: "") into buf of size n, NUL-terminated and
 * cut on a character boundary when n is short. Returns the length of the
 * whole mask in bytes (as snprintf: n too small when it is >= n). */
size_t custmask_format(char *buf, size_t n, const char *id);
/* The same with flags (CUSTMASK_ASCII). */
size_t custmask_format_flags(char *buf, size_t n, const char *id, unsigned flags);

#endif
