/* fuzz_textsafe.c - textsafe_copy (and textsafe_dup) over any bytes, with a
 * width limit, an output size and the UTF-8 flag chosen by the input.
 *
 * Input: byte 0 picks max_width (255: no limit, else 0..254), byte 1 the
 * flags (bit 0: TEXTSAFE_UTF8) and byte 2 the output size (0: 512 bytes);
 * the rest, cut at its first NUL, is the text. Checks: the output fits the
 * buffer and is NUL-terminated; it holds no ESC, no other C0 control, no DEL,
 * no C1 control (U+0080..U+009F), no bidirectional control; it is valid
 * UTF-8 (plain ASCII without TEXTSAFE_UTF8); its display width is what
 * textsafe_copy returned, what textsafe_width measures, and within the limit;
 * a text that is already safe and fits is copied unchanged; textsafe_dup with
 * no limit drops nothing but what textsafe_copy drops. */
#include <locale.h>
#include <stdbool.h>
#include <string.h>
#include <wchar.h>

#include "fuzz.h"
#include "textsafe.h"

/* Decodes one UTF-8 sequence at s; returns its length (0: invalid) and *cp. */
static size_t decode(const unsigned char *s, uint32_t *cp)
{
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
	           : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t c = len == 1 ? s[0] : len == 2 ? s[0] & 0x1fu : len == 3 ? s[0] & 0x0fu : s[0] & 0x07u;
	if (len == 0)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3fu);
	}
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static bool is_control(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	       (c >= 0x200e && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069) || c == 0x061c;
}

/* Checks out is safe for a terminal: see the top. */
static void check_safe(const char *out, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)out;
	while (*s) {
		uint32_t c;
		size_t len = decode(s, &c);
		FUZZ_CHECK(len > 0);
		FUZZ_CHECK(!is_control(c));
		FUZZ_CHECK((flags & TEXTSAFE_UTF8) || c < 0x80);
		s += len;
	}
}

/* Whether text needs no change: printable, valid, nothing stripped. */
static bool already_safe(const char *text, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)text;
	while (*s) {
		uint32_t c;
		size_t len = decode(s, &c);
		if (len == 0 || is_control(c) || (!(flags & TEXTSAFE_UTF8) && c >= 0x80) ||
		    (c >= 0x80 && wcwidth((wchar_t)c) < 0))
			return false;
		s += len;
	}
	return true;
}

static void fuzz_textsafe_one(const uint8_t *data, size_t size)
{
	static bool locale_set;
	if (!locale_set) {
		setlocale(LC_CTYPE, "C.UTF-8");
		locale_set = true;
	}
	struct fuzz_in in = { data, size };
	unsigned wpick = fuzz_byte(&in), flags = fuzz_byte(&in) & TEXTSAFE_UTF8;
	unsigned spick = fuzz_byte(&in);
	int max_w = wpick == 255 ? -1 : (int)wpick;
	size_t dstsz = spick ? spick : 512;
	char *text = malloc(in.n + 1), *dst = malloc(dstsz + 1);
	FUZZ_CHECK(text && dst);
	memcpy(text, in.p, in.n);
	text[in.n] = '\0';
	dst[dstsz] = 'X';   /* canary past the buffer */

	int w = textsafe_copy(dst, dstsz, text, max_w, flags);
	FUZZ_CHECK(dst[dstsz] == 'X');
	FUZZ_CHECK(strlen(dst) < dstsz);
	check_safe(dst, flags);
	FUZZ_CHECK(w == textsafe_width(dst));
	FUZZ_CHECK(w >= 0 && (max_w < 0 || w <= max_w));
	if (already_safe(text, flags) && strlen(text) < dstsz &&
	    (max_w < 0 || textsafe_width(text) <= max_w))
		FUZZ_CHECK(strcmp(dst, text) == 0);

	char *dup = textsafe_dup(text, max_w, flags);
	check_safe(dup, flags);
	FUZZ_CHECK(max_w < 0 || textsafe_width(dup) <= max_w);
	if (strlen(dup) < dstsz && textsafe_width(dup) == w)
		FUZZ_CHECK(strcmp(dup, dst) == 0);   /* the same text when both fit */
	free(dup);
	free(text);
	free(dst);
}

FUZZ_TARGET(textsafe)
