/* fixture_contacts.c - see fixture_contacts.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "contact.h"
#include "fixture_contacts.h"

void fx_contact_event(struct contacts *c, int64_t ts_ms, const char *kind, const char *id,
                      const char *channel, const char *queue, const char *customer)
{
	char buf[512];
	struct contact_parser p;
	struct contact_event e;
	int len = snprintf(buf, sizeof buf, "{\"ts\":%lld.%03lld,\"event\":\"%s\",\"id\":\"%s\"",
	                   (long long)(ts_ms / 1000), (long long)(ts_ms % 1000), kind, id);
	if (channel)
		len += snprintf(buf + len, sizeof buf - (size_t)len, ",\"channel\":\"%s\"", channel);
	if (queue)
		len += snprintf(buf + len, sizeof buf - (size_t)len, ",\"queue\":\"%s\"", queue);
	if (customer)
		len += snprintf(buf + len, sizeof buf - (size_t)len, ",\"customer\":\"%s\"", customer);
	snprintf(buf + len, sizeof buf - (size_t)len, "}");
	assert_true(contact_parse(&p, buf, strlen(buf), &e));
	contacts_apply(c, &e);
}

void fx_contact_call(struct contacts *c, int64_t ts_ms, enum ev_kind k, const char *callid,
                     const char *cid)
{
	struct qevent e = {.time = ts_ms / 1000, .kind = k, .callid = callid, .queue = "q1",
	                   .callerid = cid, .hold_s = -1, .talk_s = -1, .wait_s = -1};
	contacts_on_qevent(c, &e);
}

unsigned fx_rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}
