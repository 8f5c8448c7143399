/* test_ui_pages.c - pages 2 (channels) and 3 (customers) drawn into a virtual
 * screen (no tty) from contacts fed event by event, read back cell by cell, at
 * 80x24, 120x40 and 220x60; keys 2 and 3; customer ids masked (or not);
 * text from outside made inert. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <curses.h>

#include "config.h"
#include "contact.h"
#include "contacts.h"
#include "event.h"
#include "fixture_screen.h"
#include "pages.h"
#include "theme.h"
#include "ui_draw.h"

#define T0 1767254400000LL   /* Thu 1 Jan 2026 08:00:00 UTC, ms */
#define MIN 60000LL
#define HOUR 3600000LL

static struct contacts *ct;
static struct snapshot snap;
static struct ui_view view;

/* Applies one JSON line at t (ms); fails the test when it is refused. */
static void ev(int64_t t, const char *rest)
{
	struct contact_parser p;
	struct contact_event e;
	char buf[1024];

	snprintf(buf, sizeof buf, "{\"ts\":%lld.%03lld,%s}", (long long)(t / 1000),
	         (long long)(t % 1000), rest);
	assert_true(contact_parse(&p, buf, strlen(buf), &e));
	assert_int_equal(contacts_apply(ct, &e), CONTACTS_APPLIED);
}

/* A created event straight into the model, text as given (no parser): the
 * screen must make it safe on its own. */
static void raw_created(int64_t t, const char *id, const char *channel, const char *customer,
                        const char *reason)
{
	struct contact_event e = { .ts_ms = t, .kind = CE_CREATED, .id = id, .channel = channel,
		.customer = customer, .reason = reason, .csat = -1, .nps = -1, .ces = -1,
		.resolved = -1 };

	contacts_apply(ct, &e);
}

/* A call event at t (ms). */
static void call(int64_t t, enum ev_kind kind, const char *callid, const char *queue,
                 const char *callerid)
{
	struct qevent e = { .time = t / 1000, .kind = kind, .callid = callid, .queue = queue,
		.callerid = callerid, .hold_s = -1, .talk_s = -1, .wait_s = -1, .ring_ms = -1 };

	contacts_on_qevent(ct, &e);
}

/* A small centre: a customer emails, gets no answer and chats two hours later
 * (a pivot while unanswered); chat is answered within its target; twelve chat
 * surveys give CSAT 25 % (critical from 10 answers); email has an escape
 * sequence in a reason and in a customer id. Two callers to call back: one
 * timed out in support after 5 min, one abandoned sales twice. */
static void build(void)
{
	struct contacts_conf cc;
	char buf[256];

	contacts_conf_from(&cc, NULL);
	ct = contacts_new(&cc);
	ev(T0, "\"event\":\"created\",\"id\":\"E1\",\"channel\":\"email\","
	       "\"customer\":\"+15550182072\",\"reason\":\"returns\"");
	call(T0 + 30 * MIN, EV_ENTER, "v1", "support", "+15550170003");
	call(T0 + 35 * MIN, EV_TIMEOUT, "v1", "support", NULL);
	call(T0 + HOUR, EV_ENTER, "v2", "sales", "+15550170001");
	call(T0 + HOUR + 45000, EV_ABANDON, "v2", "sales", NULL);
	call(T0 + HOUR + 10 * MIN, EV_ENTER, "v3", "sales", "+15550170001");
	call(T0 + HOUR + 10 * MIN + 90000, EV_ABANDON, "v3", "sales", NULL);
	ev(T0 + 2 * HOUR, "\"event\":\"created\",\"id\":\"C1\",\"channel\":\"chat\","
	       "\"customer\":\"+15550182072\",\"reason\":\"returns\"");
	ev(T0 + 2 * HOUR + 30000, "\"event\":\"first_response\",\"id\":\"C1\",\"agent\":\"a\"");
	for (int i = 0; i < 12; i++) {
		snprintf(buf, sizeof buf, "\"event\":\"created\",\"id\":\"C%d\",\"channel\":\"chat\","
		         "\"customer\":\"+1555000%04d\",\"reason\":\"billing\"", 10 + i, i);
		ev(T0 + 3 * HOUR + i * MIN, buf);
		snprintf(buf, sizeof buf, "\"event\":\"survey\",\"id\":\"C%d\",\"csat\":%d", 10 + i,
		         i < 3 ? 5 : 2);
		ev(T0 + 3 * HOUR + i * MIN + 20000, buf);
	}
	raw_created(T0 + 4 * HOUR, "E2", "email", "ann@example.com\x1b[31m", "billing\x1b[31m");
	raw_created(T0 + 4 * HOUR + MIN, "S1", "sms", "\x1b]0;pwned\x07+15550009999", "\x1b[2J");
	raw_created(T0 + 4 * HOUR + 2 * MIN, "E3", "email", "\x1b]0;pwned\x07+15550009999",
	            "returns");
	contacts_advance(ct, T0 + 4 * HOUR + 5 * MIN);

	memset(&snap, 0, sizeof snap);
	snap.as_of = contacts_now(ct) / 1000;
	snap.day_start = T0 / 1000 - 8 * 3600;
	snap.window_s = 900;
	snap.site = "Acme Support";
	snap.total.name = "total";
	snap.contacts = ct;
}

static void teardown_contacts(void)
{
	contacts_free(ct);
	ct = NULL;
}

/* True when no cell holds an escape, a caret form or a leftover of one. */
static bool screen_inert(void)
{
	for (int y = 0; y < LINES; y++) {
		const char *r = fx_row(y);

		if (strchr(r, '\x1b') || strchr(r, '\x07') || strstr(r, "^[") || strstr(r, "[31m") ||
		    strstr(r, "[2J") || strstr(r, "pwned"))
			return false;
	}
	return true;
}

/* Draws page (by name) at rows x cols. */
static SCREEN *draw_page(const char *name, int rows, int cols)
{
	SCREEN *scr = fx_open_screen(&view, NULL, rows, cols);

	view.page = ui_page_find(name);
	assert_true(view.page > 0);
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	return scr;
}

static void test_pages_registered(void **state)
{
	(void)state;
	assert_int_equal(ui_page_find("channels"), 1);
	assert_int_equal(ui_page_find("customers"), 2);
	assert_non_null(strstr(ui_page_names(), "queues, channels, customers"));
	ui_view_init(&view, true);
	assert_true(ui_view_key(&view, '2'));
	assert_int_equal(view.page, 1);
	assert_true(ui_view_key(&view, '3'));
	assert_int_equal(view.page, 2);
	assert_true(ui_view_key(&view, '1'));
	assert_int_equal(view.page, 0);
	ui_view_free(&view);
}

static void test_channels_80x24(void **state)
{
	SCREEN *scr;
	int y;

	(void)state;
	build();
	scr = draw_page("channels", 24, 80);
	/* tiles of the total: CSAT 3 of 12 satisfied = 25 %, critical */
	y = fx_find_row("CSAT", "NPS", "FCR");
	assert_true(y > 0);
	assert_non_null(strstr(fx_row(y + 1), "25%"));
	assert_non_null(strstr(fx_row(y + 1), "\u2716"));
	assert_non_null(strstr(fx_row(y + 2), "12 answers"));
	/* the table: chat 13 created, 12 unanswered of 13 open, CSAT 25 % critical */
	y = fx_find_row("Channel", "Open", "CSAT");
	assert_true(y > 0);
	assert_true(fx_find_row(" chat ", " 13 ", "25%") > y);
	assert_non_null(strstr(fx_row(fx_find_row(" chat ", NULL, NULL)), "\u2716"));
	assert_true(fx_find_row(" email ", " 3 ", NULL) > y);   /* E1, E2, E3 */
	assert_true(fx_find_row(" sms ", NULL, NULL) > y);
	assert_true(fx_find_row(" voice ", " 3 ", NULL) > fx_find_row(" sms ", NULL, NULL));
	assert_true(fx_find_row("Total", " 20 ", NULL) > fx_find_row(" voice ", NULL, NULL));
	/* fewer columns at 80: the replies per resolution are left out */
	assert_int_equal(fx_find_row("Replies/res", NULL, NULL), -1);
	assert_int_equal(fx_find_row("Rep/R", NULL, NULL), -1);
	/* reasons: the most frequent first, the escape gone */
	assert_true(fx_find_row("Top reasons today", NULL, NULL) > y);
	assert_true(fx_find_row("chat", "billing 12", "returns 1") > 0);
	assert_true(fx_find_row("email", "returns 2", "billing 1") > 0);
	assert_true(fx_find_row("sms", " ? 1", NULL) > 0);   /* a reason that was only an escape */
	assert_true(screen_inert());
	fx_close_screen(scr, &view);
	teardown_contacts();
}

static void test_channels_big(void **state)
{
	static const int sizes[][2] = { { 40, 120 }, { 60, 220 } };

	(void)state;
	build();
	for (size_t i = 0; i < 2; i++) {
		SCREEN *scr = draw_page("channels", sizes[i][0], sizes[i][1]);
		int y;

		/* big tiles under a section title; every column at 220 */
		assert_true(fx_find_row("Customer's voice", "all channels", NULL) == 1);
		assert_true(fx_find_row("CSAT", "NPS", "FIRST CONTACT RESOLUTION") == 2);
		assert_true(fx_find_row("Created", "Unanswered", "In target") > 2);
		if (sizes[i][1] == 220)
			assert_true(fx_find_row("Resolution", "Replies/res", "CES") > 2);
		assert_true(fx_find_row(" chat ", " 13 ", "25%") > 2);
		/* room for the window's table too, without the live columns */
		y = fx_find_row("Channels, last 15m", NULL, NULL);
		assert_true(y > fx_find_row("Channels today", NULL, NULL));
		assert_int_equal(fx_find_row("Channel", "Created", "Unanswered"), y - 7);
		assert_non_null(strstr(fx_row(y + 1), "Created"));
		assert_null(strstr(fx_row(y + 1), "Open"));
		assert_true(screen_inert());
		fx_close_screen(scr, &view);
	}
	teardown_contacts();
}

static void test_customers(void **state)
{
	static const int sizes[][2] = { { 24, 80 }, { 40, 120 }, { 60, 220 } };

	(void)state;
	build();
	for (size_t i = 0; i < 3; i++) {
		SCREEN *scr = draw_page("customers", sizes[i][0], sizes[i][1]);
		int y;

		/* the pivots, both while the earlier contact was unanswered */
		assert_true(fx_find_row("Pivots between channels", "2 today, 2 while unanswered", NULL) > 0);
		assert_true(fx_find_row("email \u2192 chat", "1 today, 1 while unanswered", NULL) > 0);
		assert_true(fx_find_row("sms \u2192 email", "1 today, 1 while unanswered", NULL) > 0);
		if (sizes[i][1] >= 120)
			assert_true(fx_find_row("sms \u2192 email",
			                     "1 today, 1 while unanswered \u00b7 1 in 15m", NULL) > 0);
		/* journeys, latest first: the customer with an escape in the id, then E1's */
		y = fx_find_row("Journeys", "2 customers", NULL);
		assert_true(y > 0);
		assert_true(fx_find_row("\u20269999", "sms 12:01 \u2192 email 12:02", "open") == y + 1);
		assert_true(fx_find_row("\u20262072", "email 08:00 \u2192 chat 10:00", "replied") == y + 2);
		/* the callback list, oldest first */
		y = fx_find_row("Call back, oldest first", "2 callers", NULL);
		assert_true(y > 0);
		assert_true(fx_find_row("\u20260003", "support", "08:35") == y + 1);
		assert_non_null(strstr(fx_row(y + 1), "waited 5:00"));
		assert_non_null(strstr(fx_row(y + 1), "1 try"));
		assert_true(fx_find_row("\u20260001", "sales", "09:00") == y + 2);
		assert_non_null(strstr(fx_row(y + 2), "waited 1:30"));
		assert_non_null(strstr(fx_row(y + 2), "2 tries"));
		/* masked: no whole id anywhere */
		assert_int_equal(fx_find_row("+1555", NULL, NULL), -1);
		assert_true(screen_inert());
		fx_close_screen(scr, &view);
	}
	teardown_contacts();
}

/* A queue selected with Tab: the tiles show its contacts, its row is added. */
static void test_selected_queue(void **state)
{
	static struct snap_queue q;
	SCREEN *scr;
	int y;

	(void)state;
	build();
	memset(&q, 0, sizeof q);
	q.name = "email";
	q.display = "Email team";
	snap.queues = &q;
	snap.n_queues = 1;
	scr = fx_open_screen(&view, NULL, 24, 80);
	view.page = ui_page_find("channels");
	ui_draw_screen(&view, &snap);                         /* learns the queues' names */
	assert_true(ui_view_key(&view, '\t'));
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	y = fx_find_row("CSAT", "NPS", "FCR");
	assert_non_null(strstr(fx_row(y + 1), "\u2013"));       /* no survey on email */
	assert_null(strstr(fx_row(y + 1), "25%"));
	assert_non_null(strstr(fx_row(y + 2), "3 contacts"));    /* FCR from repeats */
	y = fx_find_row("Email team", " 3 ", NULL);
	assert_true(y > fx_find_row("Total", NULL, NULL));
	assert_non_null(strstr(fx_row(y), "\u25b6"));
	assert_int_equal(fx_find_row("showing Email team", NULL, NULL), LINES - 1);
	fx_close_screen(scr, &view);
	teardown_contacts();
}

/* A queue only contact events name (chat: no call) is selected with Tab
 * too, after the voice queues: its contacts in the tiles and the table. */
static void test_tab_reaches_contact_queues(void **state)
{
	static struct snap_queue q;
	SCREEN *scr;
	int y;

	(void)state;
	build();
	memset(&q, 0, sizeof q);
	q.name = "email";
	q.display = "Email team";
	snap.queues = &q;
	snap.n_queues = 1;
	scr = fx_open_screen(&view, NULL, 24, 80);
	view.page = ui_page_find("channels");
	ui_draw_screen(&view, &snap);
	assert_true(ui_view_key(&view, '\t'));               /* email, the voice queue */
	assert_true(ui_view_key(&view, '\t'));               /* chat, contacts only */
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	assert_string_equal(view.sel_name, "chat");
	assert_int_equal(fx_find_row("showing chat", NULL, NULL), LINES - 1);
	y = fx_find_row("\u25b6", "chat", " 13 ");               /* its row: 13 chats created */
	assert_true(y > fx_find_row("Total", NULL, NULL));
	y = fx_find_row("CSAT", "NPS", "FCR");
	assert_non_null(strstr(fx_row(y + 1), "25%"));           /* the chat surveys */
	/* the voice board has no row for it: the total there */
	view.page = ui_page_find("queues");
	ui_draw_screen(&view, &snap);
	assert_true(fx_find_row("showing Total", NULL, NULL) == LINES - 1);
	fx_close_screen(scr, &view);
	teardown_contacts();
}

/* The smallest screen: every callback line whole, nothing wraps onto the next. */
static void test_customers_60x16(void **state)
{
	SCREEN *scr;
	int y;

	(void)state;
	build();
	scr = draw_page("customers", 16, 60);
	y = fx_find_row("Call back", "2 callers", NULL);
	assert_true(y > 0);
	assert_true(fx_find_row("\u20260003", "waited 5:00", "1 try") == y + 1);
	assert_true(fx_find_row("\u20260001", "waited 1:30", "2 tries") == y + 2);
	assert_int_equal(y + 3, LINES - 1);                   /* then the footer */
	assert_true(fx_find_row("q quit", NULL, NULL) == LINES - 1);
	for (int r = 1; r < LINES - 1; r++)
		assert_true(fx_row(r)[0] == ' ' || strncmp(fx_row(r), "\u2500", 3) == 0);
	fx_close_screen(scr, &view);
	teardown_contacts();
}

/* mask_customers = no: the ids whole (made safe), and in ASCII a masked id
 * takes "..." for the ellipsis. */
static void test_mask_off_and_ascii(void **state)
{
	struct config cfg;
	SCREEN *scr;
	int y;

	(void)state;
	build();
	config_defaults(&cfg);
	assert_true(cfg.mask_customers);   /* the default */
	cfg.mask_customers = false;
	snap.cfg = &cfg;
	scr = draw_page("customers", 24, 80);
	y = fx_find_row("Journeys", NULL, NULL);
	assert_true(fx_find_row("+15550009999", "sms 12:01", "open") == y + 1);
	assert_true(fx_find_row("+15550182072", "email 08:00", "replied") == y + 2);
	assert_true(fx_find_row("+15550170001", "sales", "2 tries") > y);
	assert_true(screen_inert());
	fx_close_screen(scr, &view);
	snap.cfg = NULL;
	scr = fx_open_screen(&view, NULL, 24, 80);
	ui_view_init(&view, false);       /* ASCII glyphs */
	view.page = ui_page_find("customers");
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	assert_true(fx_find_row("...2072", "email 08:00 -> chat 10:00", "replied") > 0);
	assert_int_equal(fx_find_row("+15550182072", NULL, NULL), -1);
	fx_close_screen(scr, &view);
	config_free(&cfg);
	teardown_contacts();
}

/* With a queue selected, the callback list is that queue's. */
static void test_callbacks_of_selected_queue(void **state)
{
	static struct snap_queue q;
	SCREEN *scr;
	int y;

	(void)state;
	build();
	memset(&q, 0, sizeof q);
	q.name = "sales";
	q.display = "Sales";
	snap.queues = &q;
	snap.n_queues = 1;
	scr = draw_page("customers", 24, 80);
	assert_true(ui_view_key(&view, '\t'));
	ui_draw_screen(&view, &snap);
	fx_dump_screen();
	y = fx_find_row("Call back, oldest first", "Sales", "1 caller");
	assert_true(y > 0);
	assert_true(fx_find_row("\u20260001", "Sales", "2 tries") == y + 1);
	assert_int_equal(fx_find_row("\u20260003", NULL, NULL), -1);
	fx_close_screen(scr, &view);
	teardown_contacts();
}

/* Calls only (a voice-only centre): no channels yet, but the callback list. */
static void test_calls_only(void **state)
{
	struct contacts_conf cc;
	SCREEN *scr;
	int y;

	(void)state;
	contacts_conf_from(&cc, NULL);
	ct = contacts_new(&cc);
	call(T0, EV_ENTER, "v1", "sales", "+15550170001");
	call(T0 + 45000, EV_ABANDON, "v1", "sales", NULL);
	memset(&snap, 0, sizeof snap);
	snap.as_of = T0 / 1000 + 60;
	snap.total.name = "total";
	snap.contacts = ct;
	scr = draw_page("channels", 24, 80);
	assert_true(fx_find_row("no contact event yet", NULL, NULL) > 0);
	fx_close_screen(scr, &view);
	scr = draw_page("customers", 24, 80);
	assert_true(fx_find_row("no contact event yet", NULL, NULL) > 0);
	y = fx_find_row("Call back, oldest first", "1 caller", NULL);
	assert_true(y > 0);
	assert_true(fx_find_row("\u20260001", "sales", "waited 0:45") == y + 1);
	fx_close_screen(scr, &view);
	teardown_contacts();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pages_registered),
		cmocka_unit_test(test_channels_80x24),
		cmocka_unit_test(test_channels_big),
		cmocka_unit_test(test_customers),
		cmocka_unit_test(test_selected_queue),
		cmocka_unit_test(test_tab_reaches_contact_queues),
		cmocka_unit_test(test_customers_60x16),
		cmocka_unit_test(test_mask_off_and_ascii),
		cmocka_unit_test(test_callbacks_of_selected_queue),
		cmocka_unit_test(test_calls_only),
	};

	setlocale(LC_ALL, "C.UTF-8");
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
