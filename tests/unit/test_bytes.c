/* test_bytes.c - the word-at-a-time byte helpers against their byte-loop meaning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "bytes.h"

/* Every length up to three words, with one byte changed at every position,
 * and the strings placed at every offset in a buffer (unaligned loads). */
static void test_equal(void **state)
{
	char a[64], b[64];
	(void)state;
	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n <= 24; n++) {
			for (size_t i = 0; i < n; i++)
				a[off + i] = b[off + i] = (char)('a' + (i * 7 + off) % 26);
			assert_true(bytes_equal(a + off, b + off, n));
			for (size_t at = 0; at < n; at++) {
				b[off + at] ^= 0x20;
				assert_false(bytes_equal(a + off, b + off, n));
				assert_true(bytes_equal(a + off, b + off, at));   /* the part before */
				b[off + at] ^= 0x20;
			}
		}
	}
}

/* bytes_match flags exactly the bytes equal to c: a match at each position
 * with every byte value just above it, and every value alone (the classic
 * "has zero byte" trick also flags the byte above a match when it is c ^ 1,
 * '}' after '|'). */
static void check_word(const unsigned char bytes[8], unsigned char c)
{
	uint64_t w, want = 0;
	for (int k = 0; k < 8; k++)
		if (bytes[k] == c)
			want |= (uint64_t)0x80 << (8 * k);
	memcpy(&w, bytes, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	assert_int_equal(bytes_match(w, c), want);
#else
	assert_int_equal(bytes_match(w, c) != 0, want != 0);
#endif
}

static void test_match_exact(void **state)
{
	(void)state;
	for (int c = 0; c < 256; c++) {
		for (int pos = 0; pos < 8; pos++) {
			for (int v = 0; v < 256; v++) {
				unsigned char bytes[8];
				memset(bytes, c ^ 0x55, sizeof bytes);
				bytes[pos] = (unsigned char)v;              /* alone */
				check_word(bytes, (unsigned char)c);
				bytes[pos] = (unsigned char)c;              /* a match, v above it */
				if (pos < 7)
					bytes[pos + 1] = (unsigned char)v;
				check_word(bytes, (unsigned char)c);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_match_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
