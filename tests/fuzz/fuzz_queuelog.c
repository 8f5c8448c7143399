/* fuzz_queuelog.c - queuelog_parse on any bytes (NULs, '|', no newline).
 *
 * Checks: the result is one of the four; an event has a known kind, a
 * positive time, durations that are -1 or non-negative, the fields its kind
 * needs, and strings that lie inside the line, hold no NUL and (the leading
 * fields) no '|'; parsing the same bytes again gives the same event. */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "queuelog.h"

/* s is NULL or a NUL-terminated string inside buf[0..size]. */
static void check_str(const char *s, const char *buf, size_t size, bool no_bar)
{
	if (s == NULL)
		return;
	FUZZ_CHECK(s >= buf && s <= buf + size);
	size_t len = strlen(s);
	FUZZ_CHECK(s + len <= buf + size);
	FUZZ_CHECK(len > 0);
	if (no_bar)
		FUZZ_CHECK(memchr(s, '|', len) == NULL);
}

static bool same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void check_event(const struct qevent *ev, const char *buf, size_t size)
{
	FUZZ_CHECK((unsigned)ev->kind < EV_KIND_COUNT);
	FUZZ_CHECK(ev->time > 0);
	FUZZ_CHECK(ev->hold_s >= -1 && ev->talk_s >= -1);
	FUZZ_CHECK(ev->wait_s >= -1 && ev->ring_ms >= -1);
	check_str(ev->callid, buf, size, true);
	check_str(ev->queue, buf, size, true);
	check_str(ev->agent, buf, size, true);
	check_str(ev->callerid, buf, size, false);
	check_str(ev->reason, buf, size, false);
	if (ev->kind <= EV_RINGING)
		FUZZ_CHECK(ev->callid != NULL && ev->queue != NULL);
	if (ev->kind >= EV_ADDMEMBER && ev->kind <= EV_UNPAUSE)
		FUZZ_CHECK(ev->agent != NULL);
	if (ev->kind == EV_CONNECT)
		FUZZ_CHECK(ev->hold_s >= 0);
	if (ev->kind == EV_COMPLETE || ev->kind == EV_TRANSFER)
		FUZZ_CHECK(ev->hold_s >= 0 && ev->talk_s >= 0);
	FUZZ_CHECK(strcmp(event_kind_name(ev->kind), "?") != 0);
}

static void fuzz_queuelog_one(const uint8_t *data, size_t size)
{
	/* The line as a source hands it over: writable, NUL at line[len]. */
	char *a = malloc(size + 1), *b = malloc(size + 1);
	struct qevent ea, eb;

	FUZZ_CHECK(a && b);
	memcpy(a, data, size);
	a[size] = '\0';
	memcpy(b, a, size + 1);
	memset(&ea, 0, sizeof ea);
	memset(&eb, 0, sizeof eb);
	enum ql_result ra = queuelog_parse(a, size, &ea);
	enum ql_result rb = queuelog_parse(b, size, &eb);
	FUZZ_CHECK(ra == QL_EVENT || ra == QL_IGNORED || ra == QL_BLANK || ra == QL_BAD);
	FUZZ_CHECK(ra == rb);
	if (ra == QL_BLANK) {
		/* only NULs and white space */
		for (size_t i = 0; i < size; i++)
			FUZZ_CHECK(memchr(" \t\r\n\v\f", data[i], 7) != NULL);
	}
	if (ra == QL_EVENT) {
		check_event(&ea, a, size);
		FUZZ_CHECK(ea.kind == eb.kind && ea.time == eb.time);
		FUZZ_CHECK(same_str(ea.callid, eb.callid) && same_str(ea.queue, eb.queue));
		FUZZ_CHECK(same_str(ea.agent, eb.agent) && same_str(ea.reason, eb.reason));
		FUZZ_CHECK(same_str(ea.callerid, eb.callerid));
		FUZZ_CHECK(ea.hold_s == eb.hold_s && ea.talk_s == eb.talk_s);
		FUZZ_CHECK(ea.wait_s == eb.wait_s && ea.ring_ms == eb.ring_ms);
		FUZZ_CHECK(ea.paused == eb.paused);
	}
	free(a);
	free(b);
}

FUZZ_TARGET(queuelog)
