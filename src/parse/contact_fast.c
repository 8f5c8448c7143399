/* contact_fast.c - the plain shape of a contact event read without jansson.
 *
 * A replay of a million contact events spent most of its time building and
 * freeing jansson trees. Nearly every line is one object of strings and short
 * numbers (plus keys it does not read, some nested), so this scanner reads
 * that shape in one pass and gives what
 * contact.c gives, field by field. It accepts only what it is sure of, with
 * jansson's own rules (JSON_REJECT_DUPLICATES, no NUL in strings, strict
 * UTF-8, paired surrogates); everything else is declined and read by jansson,
 * which stays the reference (tests/fuzz/fuzz_contact_fast.c compares them). */
#include "contact_fast.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include "textsafe.h"

#define FAST_TEXT_MAX 256     /* as contact.c: longer text makes a bad object */
#define FAST_UNKNOWN_MAX 16   /* unknown keys remembered for the duplicate check */
#define FAST_DIGITS_MAX 15    /* below 2^53: the value is exact, then one division */
#define FAST_DEPTH_MAX 8      /* nesting under unknown keys read; deeper goes to jansson */

enum fast_key {
	K_TS, K_EVENT, K_ID, K_CHANNEL, K_QUEUE, K_CUSTOMER, K_AGENT, K_REASON,
	K_CSAT, K_NPS, K_CES, K_RESOLVED, K_SENTIMENT, K_COUNT
};

struct fast_name {
	const char *s;
	size_t n;
};
#define FAST_NAME(s) { s, sizeof s - 1 }

static const struct fast_name fast_keys[K_COUNT] = {
	FAST_NAME("ts"), FAST_NAME("event"), FAST_NAME("id"), FAST_NAME("channel"),
	FAST_NAME("queue"), FAST_NAME("customer"), FAST_NAME("agent"), FAST_NAME("reason"),
	FAST_NAME("csat"), FAST_NAME("nps"), FAST_NAME("ces"), FAST_NAME("resolved"),
	FAST_NAME("sentiment")
};

static const struct fast_name fast_kinds[] = {   /* in enum contact_kind's order */
	FAST_NAME("created"), FAST_NAME("first_response"), FAST_NAME("reply"),
	FAST_NAME("resolved"), FAST_NAME("reopened"), FAST_NAME("abandoned"), FAST_NAME("survey")
};

enum fast_type { V_NONE, V_NULL, V_STR, V_NUM, V_TRUE, V_FALSE, V_NESTED };

struct fast_val {
	enum fast_type t;
	const unsigned char *raw;   /* V_STR: between the quotes, as written */
	size_t raw_len;
	bool esc;                   /* V_STR: holds a backslash escape */
	bool plain;                 /* V_STR: only bytes 0x20..0x7e, no escape */
	double num;                 /* V_NUM */
};

struct fast_scan {
	const unsigned char *s, *end;
};

static void skip_ws(struct fast_scan *sc)
{
	while (sc->s < sc->end && (*sc->s == ' ' || *sc->s == '\t' || *sc->s == '\n' || *sc->s == '\r'))
		sc->s++;
}

static int hex4(const unsigned char *s)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int c = s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* The code point of the escape at s (s[0] == '\\'), its length in *n; -1 when
 * jansson would refuse it (unknown escape, bad hex, \u0000, a lone or
 * misordered surrogate). */
static long escape_at(const unsigned char *s, const unsigned char *end, size_t *n)
{
	static const char plain_from[] = "\"\\/bfnrt", plain_to[] = "\"\\/\b\f\n\r\t";
	if (end - s < 2)
		return -1;
	const char *f = s[1] ? strchr(plain_from, s[1]) : NULL;
	if (f) {
		*n = 2;
		return (unsigned char)plain_to[f - plain_from];
	}
	if (s[1] != 'u' || end - s < 6)
		return -1;
	long v = hex4(s + 2);
	if (v <= 0 || (v >= 0xdc00 && v <= 0xdfff))
		return -1;
	*n = 6;
	if (v < 0xd800 || v > 0xdbff)
		return v;
	if (end - s < 12 || s[6] != '\\' || s[7] != 'u')
		return -1;
	long lo = hex4(s + 8);
	if (lo < 0xdc00 || lo > 0xdfff)
		return -1;
	*n = 12;
	return 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
}

/* Length of the valid UTF-8 sequence at s (s[0] >= 0x80), 0 when invalid:
 * no overlong form, no surrogate, nothing above U+10FFFF (as jansson). */
static size_t utf8_len(const unsigned char *s, const unsigned char *end)
{
	size_t len;
	uint32_t c, min;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2; c = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3; c = s[0] & 0x0f; min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4; c = s[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if ((size_t)(end - s) < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

/* The lanes of the 8 bytes at s that are not printable ASCII (0x20..0x7e)
 * or are '"' or '\\', as the high bit of each lane (SWAR). Lanes above the
 * first flagged one may be flagged wrongly (a borrow), never the lanes below
 * it: the lowest flag is the first byte to look at. */
static uint64_t word_bad(const unsigned char *s)
{
	const uint64_t ones = 0x0101010101010101u, highs = ones * 0x80;
	uint64_t w, q, b, d;
	memcpy(&w, s, sizeof w);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);     /* the first byte in memory the lowest lane */
#endif
	q = w ^ (ones * '"');         /* a zero lane where a quote is */
	b = w ^ (ones * '\\');
	d = w ^ (ones * 0x7f);
	return (w & highs) |                     /* >= 0x80 */
	       ((w - ones * 0x20) & ~w & highs) | /* < 0x20 */
	       ((q - ones) & ~q & highs) | ((b - ones) & ~b & highs) |
	       ((d - ones) & ~d & highs);
}

/* A string; sc->s just past its opening quote. */
static bool scan_string(struct fast_scan *sc, struct fast_val *v)
{
	const unsigned char *s = sc->s, *end = sc->end;
	v->t = V_STR;
	v->raw = s;
	v->esc = false;
	v->plain = true;
	while (s < end) {
		/* eight bytes at a time, on to the first that is not plain (printable
		 * ASCII, no quote, no backslash): the closing quote, most often */
		if (end - s >= 8) {
			uint64_t bad = word_bad(s);
			if (!bad) {
				s += 8;
				continue;
			}
			s += __builtin_ctzll(bad) >> 3;
		}
		unsigned char c = *s;
		if (c == '"') {
			v->raw_len = (size_t)(s - v->raw);
			sc->s = s + 1;
			return true;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			s++;
			continue;
		}
		size_t n = 1;
		v->plain = false;
		if (c == '\\') {
			v->esc = true;
			if (escape_at(s, end, &n) < 0)
				return false;
		} else if (c >= 0x80) {
			if ((n = utf8_len(s, end)) == 0)
				return false;
		} else if (c < 0x20) {
			return false;
		}
		s += n;
	}
	return false;
}

/* A number: -?(0|[1-9][0-9]*)(.[0-9]+)? of at most FAST_DIGITS_MAX digits,
 * its value as jansson's (strtoll, or strtod: both exact then rounded once). */
static bool scan_number(struct fast_scan *sc, struct fast_val *v)
{
	static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
		1e11, 1e12, 1e13, 1e14, 1e15};
	const unsigned char *s = sc->s, *end = sc->end;
	bool neg = false, real = false;
	uint64_t m = 0;
	int digits = 0, frac = 0;
	if (s < end && *s == '-') {
		neg = true;
		s++;
	}
	if (s == end || *s < '0' || *s > '9')
		return false;
	if (*s == '0') {
		s++;
		digits = 1;
	} else {
		for (; s < end && *s >= '0' && *s <= '9' && digits <= FAST_DIGITS_MAX; s++, digits++)
			m = m * 10 + (uint64_t)(*s - '0');
	}
	if (s < end && *s == '.') {
		real = true;
		s++;
		if (s == end || *s < '0' || *s > '9')
			return false;
		for (; s < end && *s >= '0' && *s <= '9' && digits <= FAST_DIGITS_MAX; s++, digits++, frac++)
			m = m * 10 + (uint64_t)(*s - '0');
	}
	if (digits > FAST_DIGITS_MAX || (s < end && (*s == 'e' || *s == 'E' || (*s >= '0' && *s <= '9'))))
		return false;
	v->t = V_NUM;
	if (real)
		v->num = neg ? -((double)m / pow10[frac]) : (double)m / pow10[frac];
	else
		v->num = (double)(neg ? -(int64_t)m : (int64_t)m);
	sc->s = s;
	return true;
}

static bool scan_word(struct fast_scan *sc, const char *w, enum fast_type t, struct fast_val *v)
{
	size_t n = strlen(w);
	if ((size_t)(sc->end - sc->s) < n || memcmp(sc->s, w, n) != 0)
		return false;
	sc->s += n;
	v->t = t;
	return true;
}

/* One scalar value (objects and arrays: skip_value). */
static bool scan_value(struct fast_scan *sc, struct fast_val *v)
{
	if (sc->s == sc->end)
		return false;
	switch (*sc->s) {
	case '"':
		sc->s++;
		return scan_string(sc, v);
	case 't':
		return scan_word(sc, "true", V_TRUE, v);
	case 'f':
		return scan_word(sc, "false", V_FALSE, v);
	case 'n':
		return scan_word(sc, "null", V_NULL, v);
	default:
		return scan_number(sc, v);
	}
}

static int key_index(const unsigned char *k, size_t n)
{
	for (int i = 0; i < K_COUNT; i++)
		if (fast_keys[i].n == n && fast_keys[i].s[0] == k[0] && memcmp(fast_keys[i].s, k, n) == 0)
			return i;
	return -1;
}

/* Keys of one object seen so far, for JSON_REJECT_DUPLICATES: false when key
 * was seen (or too many to remember), else remembers it. */
struct fast_keyset {
	const unsigned char *k[FAST_UNKNOWN_MAX];
	size_t n[FAST_UNKNOWN_MAX];
	int count;
};

static bool keyset_add(struct fast_keyset *ks, const struct fast_val *key)
{
	for (int j = 0; j < ks->count; j++)
		if (ks->n[j] == key->raw_len && memcmp(ks->k[j], key->raw, key->raw_len) == 0)
			return false;
	if (ks->count == FAST_UNKNOWN_MAX)
		return false;
	ks->k[ks->count] = key->raw;
	ks->n[ks->count++] = key->raw_len;
	return true;
}

static bool skip_nested(struct fast_scan *sc, int depth);

/* Any value, checked and skipped; nesting below FAST_DEPTH_MAX is declined. */
static bool skip_value(struct fast_scan *sc, int depth)
{
	struct fast_val v;
	if (sc->s < sc->end && (*sc->s == '{' || *sc->s == '['))
		return skip_nested(sc, depth + 1);
	return scan_value(sc, &v);
}

/* A key (no escape: jansson compares keys unescaped) and its colon. */
static bool scan_key(struct fast_scan *sc, struct fast_val *key)
{
	skip_ws(sc);
	if (sc->s == sc->end || *sc->s++ != '"' || !scan_string(sc, key) || key->esc)
		return false;
	skip_ws(sc);
	if (sc->s == sc->end || *sc->s++ != ':')
		return false;
	skip_ws(sc);
	return true;
}

/* After a member: true at ',' (taken), false at anything else; *closed
 * when the container ends there (close taken). */
static bool next_member(struct fast_scan *sc, char close, bool *closed)
{
	skip_ws(sc);
	*closed = false;
	if (sc->s == sc->end)
		return false;
	if (*sc->s == close) {
		sc->s++;
		*closed = true;
		return false;
	}
	return *sc->s++ == ',';
}

/* An object or array under a key the event does not read ("meta", "tags"):
 * checked as jansson checks it (duplicate keys too), then skipped. */
static bool skip_nested(struct fast_scan *sc, int depth)
{
	struct fast_keyset ks;
	bool closed;
	char close = *sc->s == '{' ? '}' : ']';
	if (depth > FAST_DEPTH_MAX)
		return false;
	sc->s++;
	skip_ws(sc);
	if (sc->s < sc->end && *sc->s == close) {
		sc->s++;
		return true;
	}
	ks.count = 0;
	for (;;) {
		struct fast_val key;
		if (close == '}' && (!scan_key(sc, &key) || !keyset_add(&ks, &key)))
			return false;
		skip_ws(sc);
		if (!skip_value(sc, depth))
			return false;
		if (!next_member(sc, close, &closed))
			return closed;
	}
}

struct fast_obj {
	struct fast_val known[K_COUNT];
	struct fast_keyset unknown;
};

/* Whether the n bytes at s start with key name, quoted. */
#define KEY_IS(name) (n >= sizeof name + 1 && memcmp(s + 1, name "\"", sizeof name) == 0)

/* The key the event reads written at sc->s as it most often is ("ts",
 * "event"...: no escape), taken with its quotes; -1 (nothing taken) for
 * anything else, which scan_key then reads. Saves a scan and a search a key. */
static int known_key(struct fast_scan *sc)
{
	const unsigned char *s = sc->s;
	size_t n = (size_t)(sc->end - s);
	int i = -1;
	if (n < 4 || s[0] != '"')
		return -1;
	switch (s[1]) {
	case 't': i = KEY_IS("ts") ? K_TS : -1; break;
	case 'e': i = KEY_IS("event") ? K_EVENT : -1; break;
	case 'i': i = KEY_IS("id") ? K_ID : -1; break;
	case 'c':
		i = KEY_IS("channel") ? K_CHANNEL : KEY_IS("customer") ? K_CUSTOMER
		  : KEY_IS("csat") ? K_CSAT : KEY_IS("ces") ? K_CES : -1;
		break;
	case 'q': i = KEY_IS("queue") ? K_QUEUE : -1; break;
	case 'a': i = KEY_IS("agent") ? K_AGENT : -1; break;
	case 'r': i = KEY_IS("reason") ? K_REASON : KEY_IS("resolved") ? K_RESOLVED : -1; break;
	case 'n': i = KEY_IS("nps") ? K_NPS : -1; break;
	case 's': i = KEY_IS("sentiment") ? K_SENTIMENT : -1; break;
	default: break;
	}
	if (i >= 0)
		sc->s += fast_keys[i].n + 2;
	return i;
}
#undef KEY_IS

/* One member of the line's object: a key the event reads gets its scalar
 * value filed; any other key's value (nested too) is checked and skipped.
 * A duplicate key is declined (jansson refuses it). */
static bool scan_member(struct fast_scan *sc, struct fast_obj *o)
{
	struct fast_val key;
	skip_ws(sc);
	int i = known_key(sc);
	if (i >= 0) {
		skip_ws(sc);
		if (sc->s == sc->end || *sc->s++ != ':')
			return false;
		skip_ws(sc);
		return o->known[i].t == V_NONE && scan_value(sc, &o->known[i]);
	}
	if (!scan_key(sc, &key))
		return false;
	i = key_index(key.raw, key.raw_len);
	if (i < 0)
		return keyset_add(&o->unknown, &key) && skip_value(sc, 0);
	return o->known[i].t == V_NONE && scan_value(sc, &o->known[i]);
}

/* The whole line: one object, nothing after it but blanks. */
static bool scan_object(struct fast_scan *sc, struct fast_obj *o)
{
	bool closed;
	skip_ws(sc);
	if (sc->s == sc->end || *sc->s++ != '{')
		return false;
	while (scan_member(sc, o))
		if (!next_member(sc, '}', &closed)) {
			if (!closed)
				return false;
			skip_ws(sc);
			return sc->s == sc->end;
		}
	return false;
}

/* A string value unescaped into buf (FAST_TEXT_MAX + 1 bytes); false when longer. */
static bool unescape(const struct fast_val *v, char *buf)
{
	const unsigned char *s = v->raw, *end = v->raw + v->raw_len;
	size_t o = 0, n;
	while (s < end) {
		long c = *s == '\\' ? escape_at(s, end, &n) : (n = 1, *s);
		char u[4];
		size_t un;
		if (c < 0)
			return false;
		if (*s != '\\' || c < 0x80) {
			u[0] = (char)c;
			un = 1;
		} else if (c < 0x800) {
			u[0] = (char)(0xc0 | (c >> 6));
			u[1] = (char)(0x80 | (c & 0x3f));
			un = 2;
		} else if (c < 0x10000) {
			u[0] = (char)(0xe0 | (c >> 12));
			u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[2] = (char)(0x80 | (c & 0x3f));
			un = 3;
		} else {
			u[0] = (char)(0xf0 | (c >> 18));
			u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
			u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[3] = (char)(0x80 | (c & 0x3f));
			un = 4;
		}
		if (o + un > FAST_TEXT_MAX)
			return false;
		memcpy(buf + o, u, un);
		o += un;
		s += n;
	}
	buf[o] = '\0';
	return true;
}

/* A text field as contact.c's get_text: 1 set, 0 absent or null, -1 declined. */
static int fast_text(const struct fast_val *v, char *buf, size_t sz)
{
	char tmp[FAST_TEXT_MAX + 1];
	if (v->t == V_NONE || v->t == V_NULL)
		return 0;
	if (v->t != V_STR)
		return -1;
	if (v->plain && v->raw_len <= FAST_TEXT_MAX && v->raw_len < sz) {
		/* textsafe_copy leaves printable ASCII as it is */
		memcpy(buf, v->raw, v->raw_len);
		buf[v->raw_len] = '\0';
		return 1;
	}
	if (!unescape(v, tmp))
		return -1;
	textsafe_copy(buf, sz, tmp, -1, TEXTSAFE_UTF8);
	return 1;
}

static bool fast_kind(const struct fast_val *v, enum contact_kind *k)
{
	if (v->t != V_STR || !v->plain)
		return false;
	for (size_t i = 0; i < sizeof fast_kinds / sizeof *fast_kinds; i++)
		if (fast_kinds[i].n == v->raw_len && memcmp(fast_kinds[i].s, v->raw, v->raw_len) == 0) {
			*k = (enum contact_kind)i;
			return true;
		}
	return false;
}

static bool fast_channel(struct contact_parser *p, const struct fast_val *v)
{
	char tmp[FAST_TEXT_MAX + 1];
	size_t n;
	if (v->plain && v->raw_len <= 32) {    /* as written: no unescaping */
		memcpy(tmp, v->raw, v->raw_len);
		tmp[v->raw_len] = '\0';
	} else if (!unescape(v, tmp)) {
		return false;
	}
	n = strlen(tmp);
	if (n < 1 || n > 32)
		return false;
	for (const char *s = tmp; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	memcpy(p->channel, tmp, n + 1);
	return true;
}

static bool fast_answer(const struct fast_val *v, int lo, int hi, int *out)
{
	*out = -1;
	if (v->t == V_NONE || v->t == V_NULL)
		return true;
	if (v->t != V_NUM || v->num != floor(v->num) || v->num < lo || v->num > hi)
		return false;
	*out = (int)v->num;
	return true;
}

/* The event from the scanned object, by contact.c's rules; false declines. */
static bool fast_apply(struct contact_parser *p, const struct fast_obj *o,
                       struct contact_event *ev)
{
	const struct fast_val *k = o->known;
	double ts = k[K_TS].num;
	memset(ev, 0, sizeof *ev);
	if (k[K_TS].t != V_NUM || !isfinite(ts) || ts < 0 || ts > 4e12)
		return false;
	ev->ts_ms = llround(ts * 1000.0);
	if (!fast_kind(&k[K_EVENT], &ev->kind))
		return false;
	if (fast_text(&k[K_ID], p->id, sizeof p->id) != 1 || !p->id[0])
		return false;
	ev->id = p->id;
	if (k[K_CHANNEL].t == V_STR) {
		if (!fast_channel(p, &k[K_CHANNEL]))
			return false;
		ev->channel = p->channel;
	} else if (k[K_CHANNEL].t != V_NONE && k[K_CHANNEL].t != V_NULL) {
		return false;
	} else if (ev->kind == CE_CREATED) {
		return false;
	}
	int r;
#define TEXT(key, field) \
	if ((r = fast_text(&k[key], p->field, sizeof p->field)) < 0) \
		return false; \
	ev->field = r && p->field[0] ? p->field : NULL;
	TEXT(K_QUEUE, queue)
	TEXT(K_CUSTOMER, customer)
	TEXT(K_AGENT, agent)
	TEXT(K_REASON, reason)
#undef TEXT
	if (!fast_answer(&k[K_CSAT], 1, 5, &ev->csat) || !fast_answer(&k[K_NPS], 0, 10, &ev->nps) ||
	    !fast_answer(&k[K_CES], 1, 7, &ev->ces))
		return false;
	ev->resolved = -1;
	enum fast_type rt = k[K_RESOLVED].t;
	if (ev->kind == CE_SURVEY && rt != V_NONE && rt != V_NULL) {
		if (rt != V_TRUE && rt != V_FALSE)
			return false;
		ev->resolved = rt == V_TRUE;
	}
	const struct fast_val *s = &k[K_SENTIMENT];
	if (s->t != V_NONE && s->t != V_NULL) {
		if (s->t != V_NUM || !(s->num >= -1.0 && s->num <= 1.0))
			return false;
		ev->has_sentiment = true;
		ev->sentiment_h = (int)llround(s->num * 100.0);
	}
	return true;
}

bool contact_fast_parse(struct contact_parser *p, const char *line, size_t len,
                        struct contact_event *ev)
{
	struct fast_obj o;
	struct fast_scan sc = { (const unsigned char *)line, (const unsigned char *)line + len };
	if (len > CONTACT_LINE_MAX)
		return false;
	o.unknown.count = 0;
	for (int i = 0; i < K_COUNT; i++)
		o.known[i].t = V_NONE;
	return scan_object(&sc, &o) && fast_apply(p, &o, ev);
}
