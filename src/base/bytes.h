/* bytes.h - byte-string work for the replay's hot path, a word at a time.
 * Fields and names are a few to a few dozen bytes: short enough that a library
 * call's set-up costs more than the work, long enough that a byte loop shows
 * in the profile. Loads never go past the n bytes given. */
#ifndef CCBOARD_BYTES_H
#define CCBOARD_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define BYTES_ONES 0x0101010101010101u
#define BYTES_HIGH 0x8080808080808080u

/* memcmp(a, b, n) == 0. */
static inline bool bytes_equal(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return false;
		}
		memcpy(&x, a + n - 8, 8);   /* the last word, overlapping the one before */
		memcpy(&y, b + n - 8, 8);
		return x == y;
	}
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* A mask with the high bit set in each byte of w equal to c, exactly (the
 * classic "has zero byte" test, without its false hits above a match). */
static inline uint64_t bytes_match(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (BYTES_ONES * c);
	uint64_t low7 = ~BYTES_HIGH;
	return ~(((x & low7) + low7) | x | low7);
}

#endif
