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

/* "00".."99": the two digits of n (< 100). */
static inline const char *bytes_digit_pair(unsigned n)
{
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	return pairs + 2 * n;
}

/* Writes u's digits at p (room for 20); returns their end. Written in place
 * from the last digit back, their count known first (most figures have a
 * few digits: compared, not counted): digits put in a scratch and copied
 * would be read back before they are stored. */
static inline char *bytes_put_uint(char *p, uint64_t u)
{
	uint64_t t;
	unsigned n;
	if (u < 10)
		n = 1;
	else if (u < 100)
		n = 2;
	else if (u < 1000)
		n = 3;
	else
		for (n = 4, t = u / 10000; t; t /= 10)
			n++;
	char *e = p + n, *d = e;
	while (u >= 100) {
		d -= 2;
		memcpy(d, bytes_digit_pair((unsigned)(u % 100)), 2);
		u /= 100;
	}
	if (u >= 10)
		memcpy(d - 2, bytes_digit_pair((unsigned)u), 2);
	else
		d[-1] = (char)('0' + u);
	return e;
}

/* Writes x at p (room for 21); returns the end. */
static inline char *bytes_put_int(char *p, long long x)
{
	if (x < 0) {
		*p++ = '-';
		return bytes_put_uint(p, 0ull - (unsigned long long)x);
	}
	return bytes_put_uint(p, (unsigned long long)x);
}

#endif
