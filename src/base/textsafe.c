/* textsafe.c - control-character stripping and width-aware truncation. */
#include "textsafe.h"

#include <langinfo.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util.h"

struct out {
	char *p;
	size_t cap;          /* bytes usable before the NUL */
	size_t len;
	int w, max_w;
	size_t cut_len;      /* the furthest point where an ellipsis still fits */
	int cut_w;
	const char *ell;
	size_t ell_len;
	bool full;
};

/* Decodes one UTF-8 sequence at s (n bytes left). Returns its length and sets
 * *cp, or returns 0 for an invalid sequence. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2; c = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3; c = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4; c = s[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Returns how many bytes of the escape sequence starting at s (s[0] == ESC) to skip. */
static size_t escape_len(const unsigned char *s)
{
	size_t i = 1;

	if (s[1] == '[') {
		for (i = 2; s[i] && !(s[i] >= 0x40 && s[i] <= 0x7e); i++)
			;
		return s[i] ? i + 1 : i;
	}
	if (s[1] == ']' || s[1] == 'P' || s[1] == 'X' || s[1] == '^' || s[1] == '_') {
		for (i = 2; s[i]; i++) {
			if (s[i] == 0x07)
				return i + 1;
			if (s[i] == 0x1b && s[i + 1] == '\\')
				return i + 2;
		}
		return i;
	}
	if (s[1] >= 0x20 && s[1] <= 0x7e)
		return 2;
	return 1;
}

static bool is_bidi_control(uint32_t c)
{
	return (c >= 0x200e && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069) || c == 0x061c;
}

/* Appends one piece of n bytes and width w; false once the output is full. */
static bool out_put(struct out *o, const char *b, size_t n, int w)
{
	if (o->full)
		return false;
	if (o->w + w > o->max_w || o->len + n > o->cap) {
		o->len = o->cut_len;
		o->w = o->cut_w;
		if (o->len + o->ell_len <= o->cap && o->w + 1 <= o->max_w) {
			memcpy(o->p + o->len, o->ell, o->ell_len);
			o->len += o->ell_len;
			o->w++;
		}
		o->full = true;
		return false;
	}
	memcpy(o->p + o->len, b, n);
	o->len += n;
	o->w += w;
	if (o->w + 1 <= o->max_w && o->len + o->ell_len <= o->cap) {
		o->cut_len = o->len;
		o->cut_w = o->w;
	}
	return true;
}

/* Returns the width of code point c on screen, or -1 when it must be replaced. */
static int cp_width(uint32_t c, unsigned flags)
{
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || is_bidi_control(c))
		return -1;
	if (c < 0x80)
		return 1;
	if (!(flags & TEXTSAFE_UTF8))
		return -1;
	return wcwidth((wchar_t)c);
}

int textsafe_copy(char *dst, size_t dstsz, const char *src, int max_width, unsigned flags)
{
	struct out o = { .p = dst, .cap = dstsz ? dstsz - 1 : 0,
		.max_w = max_width < 0 ? INT_MAX : max_width };
	const unsigned char *s = (const unsigned char *)(src ? src : "");
	size_t i = 0, n = strlen((const char *)s);

	o.ell = (flags & TEXTSAFE_UTF8) ? "\u2026" : "~";
	o.ell_len = strlen(o.ell);
	if (dstsz == 0)
		return 0;
	/* plain printable ASCII that fits, the common case: copied as it is */
	while (i < n && s[i] >= 0x20 && s[i] < 0x7f)
		i++;
	if (i == n && n <= o.cap && n <= (size_t)o.max_w) {
		memcpy(dst, s, n);
		dst[n] = '\0';
		return (int)n;
	}
	i = 0;
	while (i < n) {
		uint32_t c;
		size_t len;
		int w;

		if (s[i] == 0x1b) {
			i += escape_len(s + i);
			continue;
		}
		if (s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
			if (!out_put(&o, " ", 1, 1))
				break;
			i++;
			continue;
		}
		len = utf8_decode(s + i, n - i, &c);
		w = len ? cp_width(c, flags) : -1;
		if (w < 0) {
			if (!out_put(&o, "?", 1, 1))
				break;
			i += len ? len : 1;
			continue;
		}
		if (!out_put(&o, (const char *)s + i, len, w))
			break;
		i += len;
	}
	dst[o.len] = '\0';
	return o.w;
}

int textsafe_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	int w = 0;

	while (i < n) {
		uint32_t c;
		size_t len = utf8_decode(p + i, n - i, &c);
		int cw;

		if (len == 0) {
			w++;
			i++;
			continue;
		}
		cw = c < 0x80 ? 1 : wcwidth((wchar_t)c);
		w += cw > 0 ? cw : 0;
		i += len;
	}
	return w;
}

/* Every output byte comes from at least one input byte, except the ellipsis. */
char *textsafe_dup(const char *src, int max_width, unsigned flags)
{
	size_t sz = (src ? strlen(src) : 0) + 4;
	char *dst = xmalloc(sz);
	textsafe_copy(dst, sz, src, max_width, flags);
	return dst;
}

unsigned textsafe_locale_flags(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0) ? TEXTSAFE_UTF8 : 0;
}

int textsafe_fputs(const char *s, FILE *out, unsigned flags)
{
	if (!s)
		return 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		char *line = xmalloc(n + 1), *safe;
		memcpy(line, s, n);
		line[n] = '\0';
		safe = textsafe_dup(line, -1, flags);
		int rc = fputs(safe, out);
		free(safe);
		free(line);
		if (rc == EOF || (nl && fputc('\n', out) == EOF))
			return EOF;
		s += n + (nl ? 1 : 0);
	}
	return 0;
}
