/* fuzz_contact.c - contact events (jansson input, hostile strings) and
 * queue_log lines, mixed as one stream may mix them, through the parser and
 * the contacts model, then its JSON.
 *
 * The input is lines; a line starting with '+' moves the clock that many
 * seconds (so windows roll and contacts are forgotten). Checks after every
 * line: counts never negative, open <= created + unseen, no control byte in
 * any stored text; a parsed event's texts hold none either and fit 256
 * bytes; the JSON dumps. */
#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "contact.h"
#include "contacts.h"
#include "fuzz.h"
#include "queuelog.h"

static void contact_text_ok(const char *s)
{
	if (s == NULL)
		return;
	FUZZ_CHECK(strlen(s) <= 256);
	for (; *s; s++)
		FUZZ_CHECK((unsigned char)*s >= 0x20 && *s != 0x7f);
}

static json_t *contact_make_queue(void *ctx, const char *name)
{
	(void)ctx;
	return json_pack("{s:s}", "name", name);
}

static void contact_line(struct contacts *c, struct contact_parser *p, char *line, size_t len,
                         int64_t *clock)
{
	struct contact_event ev;
	struct qevent qe;
	if (len > 0 && line[0] == '+') {
		*clock += strtol(line + 1, NULL, 10) % 100000000 * 1000;
		contacts_advance(c, *clock);
		return;
	}
	if (contact_line_is_event(line, len)) {
		if (!contact_parse(p, line, len, &ev))
			return;
		FUZZ_CHECK(ev.id != NULL && (unsigned)ev.kind <= CE_SURVEY);
		contact_text_ok(ev.id);
		contact_text_ok(ev.channel);
		contact_text_ok(ev.queue);
		contact_text_ok(ev.customer);
		contact_text_ok(ev.agent);
		contact_text_ok(ev.reason);
		FUZZ_CHECK(ev.csat == -1 || (ev.csat >= 1 && ev.csat <= 5));
		FUZZ_CHECK(ev.nps == -1 || (ev.nps >= 0 && ev.nps <= 10));
		FUZZ_CHECK(ev.ces == -1 || (ev.ces >= 1 && ev.ces <= 7));
		FUZZ_CHECK(!ev.has_sentiment || (ev.sentiment_h >= -100 && ev.sentiment_h <= 100));
		contacts_apply(c, &ev);
	} else if (queuelog_parse(line, len, &qe) == QL_EVENT) {
		contacts_on_qevent(c, &qe);
	}
	if (contacts_now(c) > *clock)
		*clock = contacts_now(c);
}

static void fuzz_contact_one(const uint8_t *data, size_t size)
{
	struct contacts_conf cc;
	struct contact_parser p;
	int64_t clock = 0;
	char *buf = malloc(size + 1);
	FUZZ_CHECK(buf != NULL);
	memcpy(buf, data, size);
	buf[size] = '\0';
	contacts_conf_from(&cc, NULL);
	cc.window_s = 60;
	cc.repeat_window_s = 120;
	cc.pivot_window_s = 300;
	cc.stale_contact_s = 3600;
	struct contacts *c = contacts_new(&cc);
	for (char *line = buf, *end; line <= buf + size; line = end + 1) {
		end = memchr(line, '\n', (size_t)(buf + size - line));
		if (!end)
			end = buf + size;
		*end = '\0';
		contact_line(c, &p, line, (size_t)(end - line), &clock);
		FUZZ_CHECK(contacts_check(c));
	}
	json_t *root = json_object();
	json_object_set_new(root, "queues", json_array());
	contacts_json(c, root, contact_make_queue, NULL);
	char *text = json_dumps(root, JSON_COMPACT);
	FUZZ_CHECK(text != NULL);
	free(text);
	json_decref(root);
	contacts_free(c);
	free(buf);
}

FUZZ_TARGET(contact)
