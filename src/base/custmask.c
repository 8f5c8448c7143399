/* custmask.c - customer ids masked for display (custmask.h). */
#include "custmask.h"

#include <stdbool.h>
#include <string.h>

/* Length of the valid UTF-8 character at p (1..4; 0 at the end), or -1 for a
 * byte that starts none (it is shown as '?'). */
static int cp_len(const unsigned char *p)
{
	if (!*p)
		return 0;
	if (*p < 0x80)
		return 1;
	int n = (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : -1;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return -1;
	if (n == 2 && *p < 0xC2)
		return -1;                                    /* overlong */
	if (n == 3) {
		unsigned c = (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6;
		if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))
			return -1;                                /* overlong, surrogate */
	}
	if (n == 4) {
		unsigned c = (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12;
		if (c < 0x10000 || c > 0x10FFFF)
			return -1;
	}
	return n;
}

/* A growing output cut on character boundaries at n - 1 bytes. */
struct out {
	char *buf;
	size_t n, len;    /* len: the whole mask's, written or not */
	bool full;
};

static void put(struct out *o, const char *s, size_t k)
{
	if (!o->full && o->len + k < o->n)
		memcpy(o->buf + o->len, s, k);
	else
		o->full = true;              /* nothing after a character that did not fit */
	o->len += k;
	if (!o->full && o->n)
		o->buf[o->len] = '\0';
}

/* Copies the character at p (of length k, -1: a bad byte) made safe. */
static void put_cp(struct out *o, const char *p, int k)
{
	unsigned char c = (unsigned char)*p;
	if (k < 0 || (k == 1 && (c < 0x20 || c == 0x7f)))
		put(o, "?", 1);
	else if (k == 2 && c == 0xC2 && (unsigned char)p[1] < 0xA0)
		put(o, "?", 1);              /* a C1 control (U+0080..U+009F) */
	else
		put(o, p, (size_t)k);
}

/* The characters of s: their starts and lengths (bad bytes count as one). */
static size_t chars(const char *s, const char **start, int *len, size_t max)
{
	size_t n = 0;
	for (const char *p = s; *p; ) {
		int k = cp_len((const unsigned char *)p);
		if (n < max) {
			start[n] = p;
			len[n] = k;
		}
		n++;
		p += k > 0 ? k : 1;
	}
	return n;
}

static bool phone_like(const char *s, int *digits)
{
	*digits = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			(*digits)++;
		else if (!strchr("+-.() ", *s))
			return false;
	}
	return *digits >= 3;
}

static void stars(struct out *o, size_t k)
{
	while (k--)
		put(o, "*", 1);
}

/* "…" and the last digits, as many of the 4 as fit in the id's length. */
static void mask_phone(struct out *o, const char *id, int digits, const char *ell)
{
	size_t len = strlen(id), keep = digits < 4 ? (size_t)digits : 4;
	if (len < 4) {
		stars(o, len);
		return;
	}
	if (keep > len - 3)
		keep = len - 3;
	put(o, ell, 3);
	const char *tail[4];
	size_t k = 0;
	for (const char *p = id + len; p > id && k < keep; )
		if (*--p >= '0' && *p <= '9')
			tail[k++] = p;
	while (k)
		put(o, tail[--k], 1);
}

/* The first character of the local part, "…" (or '*' where it does not fit),
 * '@' and the domain. */
static void mask_email(struct out *o, const char *id, const char *at, const char *ell)
{
	int k = cp_len((const unsigned char *)id);
	size_t first = k > 0 ? (size_t)k : 1, local = (size_t)(at - id);
	const char *s[1];
	int l[1];
	char part[257];
	size_t n = local < sizeof part ? local : sizeof part - 1;
	memcpy(part, id, n);
	part[n] = '\0';
	size_t ncp = chars(part, s, l, 1);
	if (ncp <= 1)
		put(o, "*", 1);
	else {
		put_cp(o, id, k);
		if (local >= first + 3)
			put(o, ell, 3);
		else
			stars(o, ncp - 1);
	}
	for (const char *p = at; *p; ) {
		int c = cp_len((const unsigned char *)p);
		put_cp(o, p, c);
		p += c > 0 ? c : 1;
	}
}

/* The first character, "…" and the last two; a short id its first only. */
static void mask_other(struct out *o, const char *id, const char *ell)
{
	const char *start[1];
	int len[1];
	size_t ncp = chars(id, start, len, 1);
	if (ncp == 0)
		return;
	if (ncp == 1) {
		put(o, "*", 1);
		return;
	}
	put_cp(o, start[0], len[0]);
	if (ncp < 6) {
		stars(o, ncp - 1);
		return;
	}
	put(o, ell, 3);
	const char *p = id + strlen(id), *last[2];
	int ll[2];
	for (int i = 0; i < 2; i++) {      /* back over the last two characters */
		const char *q = p - 1;
		while (q > id && ((unsigned char)*q & 0xC0) == 0x80 && p - q < 4)
			q--;
		int k = cp_len((const unsigned char *)q);
		if (k <= 0 || q + k != p) {    /* not one whole character: its last byte */
			q = p - 1;
			k = -1;
		}
		last[i] = q;
		ll[i] = k;
		p = q;
	}
	put_cp(o, last[1], ll[1]);
	put_cp(o, last[0], ll[0]);
}

size_t custmask_format_flags(char *buf, size_t n, const char *id, unsigned flags)
{
	struct out o = { buf, n, 0, false };
	const char *ell = (flags & CUSTMASK_ASCII) ? "..." : "\xE2\x80\xA6";
	const char *at;
	int digits;
	if (n)
		buf[0] = '\0';
	if (!id)
		id = "";
	at = strrchr(id, '@');
	if (phone_like(id, &digits))
		mask_phone(&o, id, digits, ell);
	else if (at && at != id && at[1])
		mask_email(&o, id, at, ell);
	else
		mask_other(&o, id, ell);
	return o.len;
}

size_t custmask_format(char *buf, size_t n, const char *id)
{
	return custmask_format_flags(buf, n, id, 0);
}
