/* contact.c - contact events (SPEC 6.1): a JSON object per line, read with
 * jansson; typed getters refuse wrong types, every text is made safe. */
#include "contact.h"
#include "contact_fast.h"

#include <jansson.h>
#include <math.h>
#include <string.h>
#include "textsafe.h"

bool contact_line_is_event(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')
			continue;
		return line[i] == '{';
	}
	return false;
}

/* The text at key into buf (safe: no control byte, at most 256 bytes). Returns
 * 1 when set, 0 when absent (or null), -1 when not a string or too long. */
static int get_text(json_t *o, const char *key, char *buf, size_t sz)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) > 256)
		return -1;
	textsafe_copy(buf, sz, json_string_value(v), -1, TEXTSAFE_UTF8);
	return 1;
}

static bool channel_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* An integer answer in [lo, hi] at key into *out (-1 when absent). */
static bool get_answer(json_t *o, const char *key, int lo, int hi, int *out)
{
	json_t *v = json_object_get(o, key);
	*out = -1;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_number(v))
		return false;
	double d = json_number_value(v);
	if (d != floor(d) || d < lo || d > hi)
		return false;
	*out = (int)d;
	return true;
}

static bool kind_of(const char *s, enum contact_kind *k)
{
	static const char *const names[] = {"created", "first_response", "reply", "resolved",
		"reopened", "abandoned", "survey"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(s, names[i]) == 0) {
			*k = (enum contact_kind)i;
			return true;
		}
	return false;
}

static bool parse_object(struct contact_parser *p, json_t *o, struct contact_event *ev)
{
	json_t *v;
	char kind[32];
	int r;
	memset(ev, 0, sizeof *ev);
	if (!json_is_object(o))
		return false;
	v = json_object_get(o, "ts");
	if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < 0 ||
	    json_number_value(v) > 4e12)
		return false;
	ev->ts_ms = llround(json_number_value(v) * 1000.0);
	if (get_text(o, "event", kind, sizeof kind) != 1 || !kind_of(kind, &ev->kind))
		return false;
	if (get_text(o, "id", p->id, sizeof p->id) != 1 || !p->id[0])
		return false;
	ev->id = p->id;
	v = json_object_get(o, "channel");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v) || !channel_ok(json_string_value(v)))
			return false;
		strcpy(p->channel, json_string_value(v));
		ev->channel = p->channel;
	} else if (ev->kind == CE_CREATED) {
		return false;
	}
#define TEXT(key, field) \
	if ((r = get_text(o, key, p->field, sizeof p->field)) < 0) \
		return false; \
	ev->field = r && p->field[0] ? p->field : NULL;
	TEXT("queue", queue)
	TEXT("customer", customer)
	TEXT("agent", agent)
	TEXT("reason", reason)
#undef TEXT
	if (!get_answer(o, "csat", 1, 5, &ev->csat) || !get_answer(o, "nps", 0, 10, &ev->nps) ||
	    !get_answer(o, "ces", 1, 7, &ev->ces))
		return false;
	ev->resolved = -1;
	v = json_object_get(o, "resolved");
	if (ev->kind == CE_SURVEY && v && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return false;
		ev->resolved = json_is_true(v);
	}
	v = json_object_get(o, "sentiment");
	if (v && !json_is_null(v)) {
		if (!json_is_number(v) || !(json_number_value(v) >= -1.0 && json_number_value(v) <= 1.0))
			return false;
		ev->has_sentiment = true;
		ev->sentiment_h = (int)llround(json_number_value(v) * 100.0);
	}
	return true;
}

bool contact_parse_jansson(struct contact_parser *p, const char *line, size_t len,
                           struct contact_event *ev)
{
	json_error_t err;
	if (len > CONTACT_LINE_MAX)
		return false;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	if (!o)
		return false;
	bool ok = parse_object(p, o, ev);
	json_decref(o);
	return ok;
}

bool contact_parse(struct contact_parser *p, const char *line, size_t len,
                   struct contact_event *ev)
{
	return contact_fast_parse(p, line, len, ev) || contact_parse_jansson(p, line, len, ev);
}
