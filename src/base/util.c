/* util.c - allocation, fatal errors, local calendar time. */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void (*fatal_hook)(void);

void util_set_fatal_hook(void (*hook)(void))
{
	fatal_hook = hook;
}

void fatal(const char *fmt, ...)
{
	va_list ap;
	if (fatal_hook)
		fatal_hook();
	fputs("ccboard: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(70);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

char *xvasprintf(const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	char *s;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		fatal("bad format: %s", fmt);
	s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* ---- local calendar time ----------------------------------------------- */

int64_t util_days_from_civil(int64_t y, int mon, int mday)
{
	/* H. Hinnant's days_from_civil: years start in March, eras of 400 years */
	y -= mon <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + mday - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Epoch t's local wall time, counted in seconds as if it were UTC. */
static int64_t local_wall(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (localtime_r(&tt, &tm) == NULL)
		return t;
	return util_days_from_civil(tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday) * 86400 +
	       tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

int util_local_date(int64_t t, int *y, int *mon, int *mday)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (localtime_r(&tt, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	*y = tm.tm_year + 1900;
	*mon = tm.tm_mon + 1;
	*mday = tm.tm_mday;
	return tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

#define ZONE_SPAN_S (15 * 3600)   /* no zone is further than this from UTC */

int64_t util_local_epoch(int y, int mon, int mday, int minute)
{
	int64_t want = util_days_from_civil(y, mon, mday) * 86400 + minute * 60;
	int64_t best = INT64_MAX, lo = INT64_MAX, hi = INT64_MIN;

	/* every offset in force near want gives a candidate want - offset; the
	 * ones whose local time really is want are answers, the earliest wins */
	for (int64_t p = want - ZONE_SPAN_S; p <= want + ZONE_SPAN_S; p += 1800) {
		int64_t e = want - (local_wall(p) - p);
		if (local_wall(e) == want && e < best)
			best = e;
		if (e < lo)
			lo = e;
		if (e > hi)
			hi = e;
	}
	if (best != INT64_MAX)
		return best;
	/* skipped: the first instant in [lo, hi] whose local time is past want */
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (local_wall(mid) >= want)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

void util_day_bounds(int64_t t, int day_start_min, int64_t *start, int64_t *end)
{
	int y, mon, mday;
	util_local_date(t, &y, &mon, &mday);
	int64_t s = util_local_epoch(y, mon, mday, day_start_min);
	if (s > t) {
		s = util_local_epoch(y, mon, mday - 1, day_start_min);
		mday--;
	}
	*start = s;
	*end = util_local_epoch(y, mon, mday + 1, day_start_min);
}
