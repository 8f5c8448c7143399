/* test_queuelog.c - every queue_log event and every quirk of SPEC 1.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "queuelog.h"
#include "strmap.h"

static char buf[4096];

/* Parses a copy of text (len may include NUL bytes). */
static enum ql_result parse_n(const char *text, size_t len, struct qevent *ev)
{
	memcpy(buf, text, len);
	buf[len] = '\0';
	return queuelog_parse(buf, len, ev);
}

static enum ql_result parse(const char *text, struct qevent *ev)
{
	return parse_n(text, strlen(text), ev);
}

static void test_enterqueue(void **state)
{
	struct qevent ev;
	(void)state;
	assert_int_equal(parse("1675555753|1675555752.0|Support|NONE|ENTERQUEUE||200|1", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_ENTER);
	assert_int_equal(ev.time, 1675555753);
	assert_string_equal(ev.callid, "1675555752.0");
	assert_string_equal(ev.queue, "Support");
	assert_null(ev.agent);
	assert_string_equal(ev.callerid, "200");
	/* with a caller name field (newer Asterisk) */
	assert_int_equal(parse("100|1.1|q|NONE|ENTERQUEUE|url|+15551234|3|Jane Doe", &ev), QL_EVENT);
	assert_string_equal(ev.callerid, "+15551234");
}

static void test_connect(void **state)
{
	struct qevent ev;
	(void)state;
	assert_int_equal(parse("1675555761|1675555752.0|Support|PJSIP/400|CONNECT|8|1675555753.1|7", &ev),
	                 QL_EVENT);
	assert_int_equal(ev.kind, EV_CONNECT);
	assert_int_equal(ev.hold_s, 8);
	assert_string_equal(ev.agent, "PJSIP/400");
	/* Asterisk 1.2: holdtime only */
	assert_int_equal(parse("100|1.1|q|Agent/1|CONNECT|12", &ev), QL_EVENT);
	assert_int_equal(ev.hold_s, 12);
	/* holdtime missing or not a number */
	assert_int_equal(parse("100|1.1|q|Agent/1|CONNECT|", &ev), QL_BAD);
	assert_int_equal(parse("100|1.1|q|Agent/1|CONNECT|x1|2|3", &ev), QL_BAD);
}

static void test_complete_and_transfers(void **state)
{
	struct qevent ev;
	(void)state;
	assert_int_equal(parse("1|1.1|q|Alex|COMPLETECALLER|10|122|1", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_COMPLETE);
	assert_int_equal(ev.hold_s, 10);
	assert_int_equal(ev.talk_s, 122);
	assert_int_equal(parse("1|1.1|q|Alex|COMPLETEAGENT|6|228|1", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_COMPLETE);
	assert_int_equal(ev.talk_s, 228);
	/* <= 11: exten, context, holdtime, calltime[, origpos] */
	assert_int_equal(parse("1|1.1|q|Alex|TRANSFER|2001|from-internal|5|60", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_TRANSFER);
	assert_int_equal(ev.hold_s, 5);
	assert_int_equal(ev.talk_s, 60);
	assert_int_equal(parse("1|1.1|q|Alex|BLINDTRANSFER|2001|from-internal|7|61|2", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_TRANSFER);
	assert_int_equal(ev.hold_s, 7);
	assert_int_equal(ev.talk_s, 61);
	/* ATTENDEDTRANSFER: the last three fields, whatever comes before */
	assert_int_equal(parse("1|1.1|q|Alex|ATTENDEDTRANSFER|BRIDGE|abc-123|9|62|1", &ev), QL_EVENT);
	assert_int_equal(ev.hold_s, 9);
	assert_int_equal(ev.talk_s, 62);
	assert_int_equal(parse("1|1.1|q|Alex|ATTENDEDTRANSFER|APP|Dial|PJSIP/x|y|3|63|1", &ev), QL_EVENT);
	assert_int_equal(ev.hold_s, 3);
	assert_int_equal(ev.talk_s, 63);
	assert_int_equal(parse("1|1.1|q|Alex|COMPLETEAGENT|6", &ev), QL_BAD);
}

static void test_exits(void **state)
{
	struct qevent ev;
	(void)state;
	assert_int_equal(parse("1675720943|1675720922.0|Support|NONE|ABANDON|1|1|20", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_ABANDON);
	assert_int_equal(ev.wait_s, 20);
	assert_int_equal(parse("1|1.1|billing|NONE|EXITWITHTIMEOUT|1|3|90", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_TIMEOUT);
	assert_int_equal(ev.wait_s, 90);
	/* Asterisk 1.4: position only */
	assert_int_equal(parse("1|1.1|billing|NONE|EXITWITHTIMEOUT|1", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_TIMEOUT);
	assert_int_equal(ev.wait_s, -1);
	assert_int_equal(parse("1|1.1|tech|NONE|EXITWITHKEY|1|2|2|35", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_EXITKEY);
	assert_int_equal(ev.wait_s, 35);
	assert_int_equal(parse("1|1.1|vip|NONE|EXITEMPTY|1|2|21", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_EXITEMPTY);
	assert_int_equal(ev.wait_s, 21);
	assert_int_equal(parse("1|1.1|vip|NONE|WITHDRAW|1|1|30|some info", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_WITHDRAW);
	assert_int_equal(ev.wait_s, 30);
	assert_int_equal(parse("1|1.1|vip|NONE|ABANDON|1|1|2x", &ev), QL_BAD);
}

static void test_rings(void **state)
{
	struct qevent ev;
	(void)state;
	assert_int_equal(parse("1675720938|1675720922.0|Support|PJSIP/400|RINGNOANSWER|15000", &ev),
	                 QL_EVENT);
	assert_int_equal(ev.kind, EV_RINGNOANSWER);
	assert_int_equal(ev.ring_ms, 15000);
	assert_int_equal(parse("1546015415|1546015415.757927|201|Agent A|RINGNOANSWER|0", &ev), QL_EVENT);
	assert_int_equal(ev.ring_ms, 0);
	assert_string_equal(ev.agent, "Agent A");
	assert_int_equal(parse("1675909460|1675909448.3|Support|PJSIP/400|RINGCANCELED|11193", &ev),
	                 QL_EVENT);
	assert_int_equal(ev.kind, EV_RINGCANCELED);
	assert_int_equal(ev.ring_ms, 11193);
}

static void test_members(void **state)
{
	struct qevent ev;
	(void)state;
	assert_int_equal(parse("1657196115|MANAGER|500|SIP/1001|ADDMEMBER|", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_ADDMEMBER);
	assert_string_equal(ev.agent, "SIP/1001");
	assert_string_equal(ev.queue, "500");
	assert_false(ev.paused);
	assert_int_equal(parse("1|MANAGER|500|SIP/1001|ADDMEMBER|PAUSED", &ev), QL_EVENT);
	assert_true(ev.paused);
	assert_int_equal(parse("1795469361|CLI|vip|Rupert|REMOVEMEMBER|", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_REMOVEMEMBER);
	assert_string_equal(ev.agent, "Rupert");
	assert_int_equal(parse("1|NONE|NONE|Agent/1001|AGENTLOGIN|SIP/1001-0001", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_AGENTLOGIN);
	assert_null(ev.queue);
	assert_int_equal(parse("1|NONE|NONE|Agent/1001|AGENTLOGOFF|SIP/1001-0001|3600", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_AGENTLOGOFF);
	assert_int_equal(parse("1|MANAGER|500|NONE|ADDMEMBER|", &ev), QL_BAD);
}

static void test_pauses(void **state)
{
	struct qevent ev;
	(void)state;
	assert_int_equal(parse("1|NONE|tech|Niaj|PAUSE|Ticket follow-up", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_PAUSE);
	assert_string_equal(ev.queue, "tech");
	assert_string_equal(ev.reason, "Ticket follow-up");
	/* free text may hold '|' */
	assert_int_equal(parse("1|NONE|tech|Niaj|PAUSE|Lunch | back at 2|really", &ev), QL_EVENT);
	assert_string_equal(ev.reason, "Lunch | back at 2|really");
	assert_int_equal(parse("1|NONE|NONE|Rupert|PAUSEALL|Team lead meeting", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_PAUSE);
	assert_null(ev.queue);
	assert_int_equal(parse("1|NONE|billing|Rupert|PAUSEALL|x", &ev), QL_EVENT);
	assert_null(ev.queue);                 /* PAUSEALL means every queue */
	assert_int_equal(parse("1|NONE|500|Alex|UNPAUSE|", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_UNPAUSE);
	assert_null(ev.reason);
	assert_int_equal(parse("1|NONE|NONE|Alex|UNPAUSEALL|", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_UNPAUSE);
	assert_null(ev.queue);
}

static void test_system_and_ignored(void **state)
{
	struct qevent ev;
	(void)state;
	assert_int_equal(parse("1596191926|NONE|NONE|NONE|QUEUESTART|", &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_QUEUESTART);
	assert_int_equal(parse("1674044163|NONE|NONE|NONE|CONFIGRELOAD|", &ev), QL_IGNORED);
	assert_int_equal(parse("1658129431|1658129428.1048|500|NONE|DID|", &ev), QL_IGNORED);
	assert_int_equal(parse("1795469209|NONE|billing||INFO|shift-change", &ev), QL_IGNORED);
	assert_int_equal(parse("1|1.1|q|NONE|PENALTY|2", &ev), QL_IGNORED);
	assert_int_equal(parse("1|1.1|q|NONE|RINGINUSE|1", &ev), QL_IGNORED);
	assert_int_equal(parse("1|1.1|q|NONE|SYSCOMPAT|", &ev), QL_IGNORED);
	assert_int_equal(parse("1|1.1|q|NONE|AGENTDUMP|", &ev), QL_IGNORED);
	assert_int_equal(parse("1|1.1|q|NONE|MY_CUSTOM-EVENT|x", &ev), QL_IGNORED);
}

static void test_dirty_lines(void **state)
{
	struct qevent ev;
	static const char nul_line[] = "\0\0\0\0001658135299|NONE|NONE|NONE|QUEUESTART|";
	static const char torn[] = "1658129459|1658129428.1048|500|NONE|ABAN\0\0\0";
	(void)state;
	assert_int_equal(parse("", &ev), QL_BLANK);
	assert_int_equal(parse("   \r", &ev), QL_BLANK);
	assert_int_equal(parse_n("\0\0\0", 3, &ev), QL_BLANK);
	assert_int_equal(parse_n(nul_line, sizeof nul_line - 1, &ev), QL_EVENT);
	assert_int_equal(ev.kind, EV_QUEUESTART);
	assert_int_equal(ev.time, 1658135299);
	assert_int_equal(parse_n(torn, sizeof torn - 1, &ev), QL_IGNORED); /* "ABAN": unknown word */
	assert_int_equal(parse("1658129459|1658129428.1048|50", &ev), QL_BAD);
	assert_int_equal(parse("garbage", &ev), QL_BAD);
	assert_int_equal(parse("x|1.1|q|NONE|ABANDON|1|1|2", &ev), QL_BAD);
	assert_int_equal(parse("-5|1.1|q|NONE|ABANDON|1|1|2", &ev), QL_BAD);
	assert_int_equal(parse("0|1.1|q|NONE|ABANDON|1|1|2", &ev), QL_BAD);
	assert_int_equal(parse("1|1.1|q|NONE|\x1b[31m|1", &ev), QL_BAD);
	assert_int_equal(parse("1|NONE|q|NONE|ABANDON|1|1|2", &ev), QL_BAD);   /* no call id */
	assert_int_equal(parse("1|1.1|NONE|NONE|ABANDON|1|1|2", &ev), QL_BAD); /* no queue */
	/* CRLF and trailing white space */
	assert_int_equal(parse("1|1.1|q|NONE|ABANDON|1|1|2\r", &ev), QL_EVENT);
	assert_int_equal(ev.wait_s, 2);
	/* extra fields are harmless */
	assert_int_equal(parse("1|1.1|q|A|COMPLETECALLER|1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17", &ev),
	                 QL_EVENT);
	assert_int_equal(ev.talk_s, 2);
}

/* Every line of the real samples parses without a crash, and the counts of
 * each result are what the files hold (worked out with grep). */
static void count_file(const char *name, int *events, int *ignored, int *bad, int *blank)
{
	char path[1024], line[8192];
	FILE *f;
	struct qevent ev;
	snprintf(path, sizeof path, "%s/data/real/%s", CCBOARD_SHARED, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	*events = *ignored = *bad = *blank = 0;
	for (;;) {
		size_t n = 0;
		int c;
		while ((c = fgetc(f)) != EOF && c != '\n')
			if (n < sizeof line - 1)
				line[n++] = (char)c;
		if (c == EOF && n == 0)
			break;
		line[n] = '\0';
		switch (queuelog_parse(line, n, &ev)) {
		case QL_EVENT: (*events)++; break;
		case QL_IGNORED: (*ignored)++; break;
		case QL_BAD: (*bad)++; break;
		case QL_BLANK: (*blank)++; break;
		}
		if (c == EOF)
			break;
	}
	fclose(f);
}

static void test_real_samples(void **state)
{
	int e, i, b, bl;
	(void)state;
	/* 543 lines: 280 CONFIGRELOAD + 30 DID ignored; the rest are events */
	count_file("issabel-500-2022-07.queue_log", &e, &i, &b, &bl);
	assert_int_equal(i, 310);
	assert_int_equal(b, 0);
	assert_int_equal(e + i + b + bl, 543);
	/* 23 lines, 2 blank, 1 DID */
	count_file("freepbx-201-edited-fixture.queue_log", &e, &i, &b, &bl);
	assert_int_equal(bl, 2);
	assert_int_equal(i, 1);
	assert_int_equal(e, 20);
	/* 85 rows: CONFIGRELOAD ignored */
	count_file("pjsip-realtime-2023.queue_log", &e, &i, &b, &bl);
	assert_int_equal(b, 0);
	assert_int_equal(e + i, 85);
	/* Asterisk 22: 399 lines; CONFIGRELOAD 1 + INFO 2 ignored */
	count_file("asterisk22-session/queue_log", &e, &i, &b, &bl);
	assert_int_equal(i, 3);
	assert_int_equal(b, 0);
	assert_int_equal(e, 396);
}

/* The five leading fields and the data fields, with every field length from
 * 1 to 19 so that each '|' falls at every place in an 8-byte word; and the
 * lengths and hashes handed to the model equal those of the strings. */
static void test_split_offsets_and_keys(void **state)
{
	char callid[32], queue[32], agent[32], line[256];
	struct qevent ev;
	(void)state;
	for (int a = 1; a < 20; a++) {
		for (int b = 1; b < 20; b += 3) {
			memset(callid, 0, sizeof callid);
			memset(queue, 0, sizeof queue);
			memset(agent, 0, sizeof agent);
			memset(callid, '1', (size_t)a);
			memset(queue, 'q', (size_t)b);
			memset(agent, 'x', (size_t)((a + b) % 19 + 1));
			snprintf(line, sizeof line, "1767254401|%s|%s|%s|COMPLETEAGENT|%d|%d|1", callid,
			         queue, agent, a, b * 100);
			assert_int_equal(parse(line, &ev), QL_EVENT);
			assert_string_equal(ev.callid, callid);
			assert_string_equal(ev.queue, queue);
			assert_string_equal(ev.agent, agent);
			assert_int_equal(ev.hold_s, a);
			assert_int_equal(ev.talk_s, b * 100);
			assert_true(ev.keyed);
			assert_int_equal(ev.callid_len, strlen(callid));
			assert_int_equal(ev.queue_len, strlen(queue));
			assert_int_equal(ev.agent_len, strlen(agent));
			assert_int_equal(ev.callid_hash, strmap_hash(callid));
			assert_int_equal(ev.queue_hash, strmap_hash(queue));
			assert_int_equal(ev.agent_hash, strmap_hash(agent));
		}
	}
	/* NONE keys are NULL with length and hash 0; qevent_key agrees with the parser */
	assert_int_equal(parse("1767254401|1767254401.7|sales|NONE|ENTERQUEUE||+1555|1", &ev), QL_EVENT);
	assert_null(ev.agent);
	assert_int_equal(ev.agent_len, 0);
	assert_int_equal(ev.agent_hash, 0);
	struct qevent again = ev;
	again.keyed = false;
	qevent_key(&again);
	assert_true(again.keyed);
	assert_int_equal(again.callid_hash, ev.callid_hash);
	assert_int_equal(again.queue_hash, ev.queue_hash);
	assert_int_equal(again.callid_len, ev.callid_len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enterqueue),
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_complete_and_transfers),
		cmocka_unit_test(test_exits),
		cmocka_unit_test(test_rings),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_pauses),
		cmocka_unit_test(test_system_and_ignored),
		cmocka_unit_test(test_dirty_lines),
		cmocka_unit_test(test_real_samples),
		cmocka_unit_test(test_split_offsets_and_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
