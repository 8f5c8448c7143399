/* util.h - allocation that cannot fail quietly, and the one way to die. */
#ifndef CCBOARD_UTIL_H
#define CCBOARD_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Allocators that die (restoring the terminal) when memory runs out. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Returns a malloc'ed printf-formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with a va_list (left unusable, as by vsnprintf). */
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Restores the terminal (through the hook), prints "ccboard: msg" and exits 70. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* The hook fatal() calls first (the screen's emergency restore). */
void util_set_fatal_hook(void (*hook)(void));

/* Local calendar time without mktime: mktime with tm_isdst = -1 answers an
 * ambiguous time (the repeated hour at the end of DST) from the offset of
 * its previous call. These answer from the zone alone. */

/* Days from 1970-01-01 to the proleptic Gregorian date y-mon-mday (mon 1..12;
 * mday may run past the month's end, it carries over). */
int64_t util_days_from_civil(int64_t y, int mon, int mday);
/* Epoch t's local time of day in seconds (0..86399) and local date. */
int util_local_date(int64_t t, int *y, int *mon, int *mday);
/* The first instant whose local time is y-mon-mday at minute (0..1439) after
 * midnight: of two (a time repeated when DST ends), the earlier; of none (a
 * time skipped when DST starts), the instant the clocks jump past it. */
int64_t util_local_epoch(int y, int mon, int mday, int minute);
/* The start of the day containing t (local time, day_start_min minutes after
 * midnight) and the start of the next one: 23 or 25 hours apart on the days
 * DST starts or ends. Computed from the zone alone (util_local_epoch), so the
 * same t always gives the same bounds, in the repeated hour too. */
void util_day_bounds(int64_t t, int day_start_min, int64_t *start, int64_t *end);

#endif
