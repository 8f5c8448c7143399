/* test_history_store.c - the history database's schema: every count written
 * reads back the same (offered included, though version 2 derives it), an
 * empty row deletes, and a version 1 database, made here with version 1's
 * SQL, is migrated forward with its rows intact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "history.h"
#include "history_store.h"
#include "util.h"

#define DAY0 1767571200      /* 2026-01-05 00:00 UTC, a Monday */

struct fixture {
	char dir[64], path[96];
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(f->dir, sizeof f->dir, "/tmp/ccboard-hs-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/h.sqlite3", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(cmd);
	free(f);
	return rc;
}

/* A row of queue name at start, its counts from seed (every one distinct). */
static struct hist_row row_of(const char *name, enum hist_kind kind, int64_t start, int seed)
{
	struct hist_row r;
	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.name = name;
	r.start = start;
	r.day = history_day_of(start, 0);
	r.has_voice = kind == HIST_QUEUE;
	r.has_ct = true;
	int64_t *v = (int64_t *)(void *)&r.voice;
	for (size_t i = 0; i < COUNTS_NFIELDS && r.has_voice; i++)
		v[i] = seed * 100 + (int64_t)i;
	for (int i = 0; i < CT_COUNT; i++)
		r.ct.v[i] = seed * 1000 + i;
	return r;
}

static const struct hist_row *find(const struct hist_past *p, const char *name, int64_t start,
                                   bool voice)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->rows[i].name, name) == 0 && p->rows[i].start == start &&
		    p->rows[i].has_voice == voice)
			return &p->rows[i];
	return NULL;
}

static void read_week_ago(const char *path, struct hist_past *p)
{
	char *cause = NULL;
	struct history_store *s = history_store_open(path, 50, &cause);
	assert_non_null(s);
	assert_int_equal(history_store_read_past(s, DAY0, 0, 8, p, &cause), 0);
	history_store_close(s);
}

static void assert_same(const struct hist_row *got, const struct hist_row *want)
{
	assert_non_null(got);
	if (got->has_voice)
		assert_memory_equal(&got->voice, &want->voice, sizeof want->voice);
	else
		assert_memory_equal(&got->ct, &want->ct, sizeof want->ct);
}

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	struct history_store *s = history_store_open(f->path, 50, &cause);
	assert_non_null(s);
	int64_t t = DAY0 - 7 * 86400 + 9 * 3600;
	struct hist_row rows[4] = {
		row_of("sales", HIST_QUEUE, t, 1), row_of("support", HIST_QUEUE, t, 2),
		row_of("chat", HIST_CHANNEL, t + 900, 3), row_of("sales", HIST_QUEUE, t + 900, 4),
	};
	/* a plain row: no rare count, offered = its outcomes (no voice_more row) */
	memset(&rows[1].voice, 0, sizeof rows[1].voice);
	rows[1].voice.offered = 7;
	rows[1].voice.answered = 5;
	rows[1].voice.abandoned = 2;
	rows[1].voice.talk_s = 900;
	assert_int_equal(history_store_write(s, rows, 4, &cause), 0);
	/* sales at t + 900 written empty: deleted */
	struct hist_row gone = rows[3];
	memset(&gone.voice, 0, sizeof gone.voice);
	memset(&gone.ct, 0, sizeof gone.ct);
	assert_int_equal(history_store_write(s, &gone, 1, &cause), 0);
	history_store_close(s);

	struct hist_past p;
	read_week_ago(f->path, &p);
	struct hist_row v0 = rows[0], v1 = rows[1];
	assert_same(find(&p, "sales", t, true), &v0);
	assert_same(find(&p, "sales", t, false), &v0);
	assert_same(find(&p, "support", t, true), &v1);
	assert_same(find(&p, "chat", t + 900, false), &rows[2]);
	assert_null(find(&p, "sales", t + 900, true));
	assert_null(find(&p, "sales", t + 900, false));
	hist_past_free(&p);

	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM voice_more),"
	                                    " (SELECT sum(offered) FROM voice)"
	                                    , -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);          /* only sales at t */
	assert_int_equal(sqlite3_column_int(st, 1), 100 + 7);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Version 1, as its ccboard made it: WITHOUT ROWID tables keyed by the
 * interval's epoch and the series. */
static const char v1_sql[] =
	"CREATE TABLE series (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,"
	" UNIQUE (kind, name));"
	"CREATE TABLE days (day INTEGER PRIMARY KEY);"
	"CREATE TABLE voice (start INTEGER NOT NULL, series INTEGER NOT NULL REFERENCES series(id),"
	" offered INTEGER NOT NULL DEFAULT 0, answered INTEGER NOT NULL DEFAULT 0,"
	" answered_within_sl INTEGER NOT NULL DEFAULT 0, abandoned INTEGER NOT NULL DEFAULT 0,"
	" abandoned_short INTEGER NOT NULL DEFAULT 0, abandoned_within_sl INTEGER NOT NULL DEFAULT 0,"
	" timed_out INTEGER NOT NULL DEFAULT 0, exited_key INTEGER NOT NULL DEFAULT 0,"
	" exited_empty INTEGER NOT NULL DEFAULT 0, withdrawn INTEGER NOT NULL DEFAULT 0,"
	" completed INTEGER NOT NULL DEFAULT 0, transferred INTEGER NOT NULL DEFAULT 0,"
	" talk_s INTEGER NOT NULL DEFAULT 0, hold_s INTEGER NOT NULL DEFAULT 0,"
	" abandon_wait_s INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (start, series)) WITHOUT ROWID;"
	"CREATE TABLE contact (start INTEGER NOT NULL, series INTEGER NOT NULL REFERENCES series(id),"
	" created INTEGER NOT NULL DEFAULT 0, created_with_customer INTEGER NOT NULL DEFAULT 0,"
	" resolved INTEGER NOT NULL DEFAULT 0, resolved_timed INTEGER NOT NULL DEFAULT 0,"
	" reopened INTEGER NOT NULL DEFAULT 0, abandoned INTEGER NOT NULL DEFAULT 0,"
	" first_responses INTEGER NOT NULL DEFAULT 0,"
	" first_responses_within INTEGER NOT NULL DEFAULT 0, frt_sum_ms INTEGER NOT NULL DEFAULT 0,"
	" resolution_sum_ms INTEGER NOT NULL DEFAULT 0,"
	" replies_resolved INTEGER NOT NULL DEFAULT 0, surveys INTEGER NOT NULL DEFAULT 0,"
	" csat_n INTEGER NOT NULL DEFAULT 0, csat_satisfied INTEGER NOT NULL DEFAULT 0,"
	" nps_n INTEGER NOT NULL DEFAULT 0, promoters INTEGER NOT NULL DEFAULT 0,"
	" detractors INTEGER NOT NULL DEFAULT 0, ces_n INTEGER NOT NULL DEFAULT 0,"
	" ces_sum INTEGER NOT NULL DEFAULT 0, fcr_n INTEGER NOT NULL DEFAULT 0,"
	" fcr_yes INTEGER NOT NULL DEFAULT 0, sentiment_n INTEGER NOT NULL DEFAULT 0,"
	" sentiment_sum INTEGER NOT NULL DEFAULT 0, repeats INTEGER NOT NULL DEFAULT 0,"
	" pivots INTEGER NOT NULL DEFAULT 0, pivots_unanswered INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (start, series)) WITHOUT ROWID;"
	"INSERT INTO series VALUES (1, 'queue', 'sales'), (2, 'channel', 'chat');"
	"INSERT INTO days VALUES (20251229);"
	/* 2025-12-29 09:00 and 09:15 UTC */
	"INSERT INTO voice VALUES (1767000000 + 2400, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,"
	" 13, 14);"
	"INSERT INTO voice (start, series, offered, answered, talk_s)"
	" VALUES (1767000000 + 3300, 1, 3, 3, 300);"
	"INSERT INTO contact (start, series, created, csat_n, pivots_unanswered)"
	" VALUES (1767000000 + 2400, 2, 5, 4, 1);"
	"PRAGMA user_version = 1;";

static void test_migrate_from_1(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v1_sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	struct hist_past p;
	read_week_ago(f->path, &p);
	int64_t t = 1767000000 + 2400;
	struct hist_row want = row_of("sales", HIST_QUEUE, t, 0);
	assert_same(find(&p, "sales", t, true), &want);         /* offered 0: not its outcomes */
	const struct hist_row *r = find(&p, "sales", t + 900, true);
	assert_non_null(r);
	assert_int_equal(r->voice.offered, 3);
	assert_int_equal(r->voice.talk_s, 300);
	r = find(&p, "chat", t, false);
	assert_non_null(r);
	assert_int_equal(r->kind, HIST_CHANNEL);
	assert_int_equal(r->ct.v[CT_CREATED], 5);
	assert_int_equal(r->ct.v[CT_CSAT_N], 4);
	assert_int_equal(r->ct.v[CT_PIVOTS_UNANSWERED], 1);
	assert_int_equal(p.n, 3);
	hist_past_free(&p);

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM pragma_user_version),"
	                                    " (SELECT group_concat(type || ' ' || name, ',') FROM"
	                                    " (SELECT * FROM sqlite_schema WHERE name IN"
	                                    " ('voice', 'contact') ORDER BY name))", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), HISTORY_SCHEMA_VERSION);
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "view contact,view voice");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* A database from a newer ccboard is refused, not downgraded. */
static void test_newer_refused(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	char *cause = NULL;
	assert_null(history_store_open(f->path, 50, &cause));
	assert_non_null(strstr(cause, "newer"));
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
