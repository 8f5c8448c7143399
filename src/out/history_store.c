/* history_store.c - the history database on SQLite (see history_store.h). */
#include "history_store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "strmap.h"
#include "util.h"

struct history_store {
	sqlite3 *db;
	sqlite3_stmt *put[3], *del[3];     /* voice_counts, contact_counts, voice_more */
	sqlite3_stmt *series_add, *series_get, *day_add;
	signed char voice_at[COUNTS_NFIELDS];   /* by voice column: 0 counts, 1 more, -1 offered */
	struct strmap series[2];           /* by kind: name -> index into ids */
	int64_t *ids[2];
	size_t cap[2];
	bool in_tx;
	int32_t day_added;                 /* the day last added in this transaction (0: none):
	                                      a day's rows come together, one insert will do */
};

static const char *const kind_names[] = { "queue", "channel" };

char *history_default_path(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	if (state && *state)
		return xasprintf("%s/ccboard/history.sqlite3", state);
	if (home && *home)
		return xasprintf("%s/.local/state/ccboard/history.sqlite3", home);
	return NULL;
}

/* mkdir -p of path's directory. */
static int make_parent(const char *path, char **cause)
{
	char *dir = xstrdup(path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			*cause = xasprintf("cannot create %s: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

static int fail(struct history_store *s, char **cause, const char *what)
{
	*cause = xasprintf("%s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

static int exec(struct history_store *s, const char *sql, char **cause)
{
	char *err = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) == SQLITE_OK)
		return 0;
	*cause = xasprintf("%s", err ? err : sqlite3_errmsg(s->db));
	sqlite3_free(err);
	return -1;
}

/* The CREATE TABLE of a counts table, from the column list. */
static char *table_sql(const char *table, const struct hist_column *cols)
{
	size_t cap = 4096, len = 0;
	char *sql = xmalloc(cap);
	len += (size_t)snprintf(sql, cap,
	                        "CREATE TABLE %s (start INTEGER NOT NULL, series INTEGER NOT NULL"
	                        " REFERENCES series(id)", table);
	for (const struct hist_column *c = cols; c->name; c++)
		len += (size_t)snprintf(sql + len, cap - len, ", %s INTEGER NOT NULL DEFAULT 0",
		                        c->name);
	snprintf(sql + len, cap - len, ", PRIMARY KEY (start, series)) WITHOUT ROWID;");
	return sql;
}

/* Version 0 -> 1: the first schema. */
static int migrate_1(struct history_store *s, char **cause)
{
	char *voice = table_sql("voice", history_voice_columns);
	char *contact = table_sql("contact", history_contact_columns);
	char *sql = xasprintf(
		"CREATE TABLE series (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,"
		" UNIQUE (kind, name));"
		"CREATE TABLE days (day INTEGER PRIMARY KEY);%s%s", voice, contact);
	int rc = exec(s, sql, cause);
	free(voice);
	free(contact);
	free(sql);
	return rc;
}

/* Version 2 keys a row by one integer, id = interval number (start / 900)
 * x 100000 + series id, so that the rows, written in time order, are appended
 * to a rowid table (pages left full, the key stored once, a varint); voice
 * keeps the counts a quarter hour nearly always has in voice_counts and the
 * rare ones in voice_more (a row only when one is not 0); offered is not
 * stored: every call offered leaves one outcome (offered_other keeps any
 * difference). The views voice and contact show the version 1 columns. */
#define ID_SERIES 100000

static const char *const voice_more_cols[] = {
	"abandoned_short", "timed_out", "exited_key", "exited_empty", "withdrawn", "transferred",
	NULL
};
#define OFFERED_OUTCOMES "answered + abandoned + timed_out + exited_key + exited_empty + withdrawn"

static bool is_more(const char *col)
{
	for (int i = 0; voice_more_cols[i]; i++)
		if (strcmp(voice_more_cols[i], col) == 0)
			return true;
	return false;
}

/* The expression of column col in the views and reads (c: the counts table,
 * m: voice_more). */
static char *col_expr(int k, const char *col)
{
	if (k == 1 || !(is_more(col) || strcmp(col, "offered") == 0))
		return xasprintf("c.%s", col);
	if (is_more(col))
		return xasprintf("ifnull(m.%s, 0)", col);
	return xasprintf("c.answered + c.abandoned + ifnull(m.timed_out + m.exited_key"
	                 " + m.exited_empty + m.withdrawn + m.offered_other, 0)");
}

/* "start, series, <counts>" as stored columns of table k's view. */
static char *select_list(int k)
{
	const struct hist_column *cols = k ? history_contact_columns : history_voice_columns;
	char *sql = xasprintf("c.id / %d * %d AS start, c.id %% %d AS series", ID_SERIES,
	                      HISTORY_INTERVAL_S, ID_SERIES);
	for (const struct hist_column *c = cols; c->name; c++) {
		char *e = col_expr(k, c->name), *next = xasprintf("%s, %s AS %s", sql, e, c->name);
		free(e);
		free(sql);
		sql = next;
	}
	return sql;
}

static const char *const from_sql[] = {
	"voice_counts c LEFT JOIN voice_more m ON m.id = c.id", "contact_counts c"
};

/* CREATE TABLE of table k's counts: main (voice_counts, contact_counts) or
 * voice_more. */
static char *counts_table_sql(int k, bool more)
{
	const struct hist_column *cols = k ? history_contact_columns : history_voice_columns;
	char *sql = xasprintf("CREATE TABLE %s (id INTEGER PRIMARY KEY",
	                      more ? "voice_more" : k ? "contact_counts" : "voice_counts");
	for (const struct hist_column *c = cols; c->name; c++) {
		if (k == 0 && (strcmp(c->name, "offered") == 0 || is_more(c->name) != more))
			continue;
		char *next = xasprintf("%s, %s INTEGER NOT NULL DEFAULT 0", sql, c->name);
		free(sql);
		sql = next;
	}
	char *next = xasprintf("%s%s);", sql, more ? ", offered_other INTEGER NOT NULL DEFAULT 0" : "");
	free(sql);
	return next;
}

/* The stored columns of a counts table, comma separated (for the copy). */
static char *stored_cols(int k, bool more)
{
	const struct hist_column *cols = k ? history_contact_columns : history_voice_columns;
	char *sql = xstrdup("");
	for (const struct hist_column *c = cols; c->name; c++) {
		if (k == 0 && (strcmp(c->name, "offered") == 0 || is_more(c->name) != more))
			continue;
		char *next = xasprintf("%s, %s", sql, c->name);
		free(sql);
		sql = next;
	}
	return sql;
}

/* Version 1 -> 2: the rows copied into the integer-keyed tables, the old
 * tables replaced by views of the same name and columns. */
static int migrate_2(struct history_store *s, char **cause)
{
	char *t[3] = { counts_table_sql(0, false), counts_table_sql(0, true),
	               counts_table_sql(1, false) };
	char *c[3] = { stored_cols(0, false), stored_cols(0, true), stored_cols(1, false) };
	char *v[2] = { select_list(0), select_list(1) };
	char *sql = xasprintf(
		"%s%s%s"
		"INSERT INTO voice_counts (id%s) SELECT start / %d * %d + series%s FROM voice"
		" ORDER BY 1;"
		"INSERT INTO voice_more (id%s, offered_other) SELECT start / %d * %d + series%s,"
		" offered - (" OFFERED_OUTCOMES ") FROM voice WHERE abandoned_short OR timed_out"
		" OR exited_key OR exited_empty OR withdrawn OR transferred"
		" OR offered != " OFFERED_OUTCOMES " ORDER BY 1;"
		"INSERT INTO contact_counts (id%s) SELECT start / %d * %d + series%s FROM contact"
		" ORDER BY 1;"
		"DROP TABLE voice; DROP TABLE contact;"
		"CREATE VIEW voice AS SELECT %s FROM %s;"
		"CREATE VIEW contact AS SELECT %s FROM %s;",
		t[0], t[1], t[2],
		c[0], HISTORY_INTERVAL_S, ID_SERIES, c[0],
		c[1], HISTORY_INTERVAL_S, ID_SERIES, c[1],
		c[2], HISTORY_INTERVAL_S, ID_SERIES, c[2],
		v[0], from_sql[0], v[1], from_sql[1]);
	int rc = exec(s, sql, cause);
	for (int i = 0; i < 3; i++) {
		free(t[i]);
		free(c[i]);
	}
	free(v[0]);
	free(v[1]);
	free(sql);
	return rc;
}

/* Each step takes the schema from version i to i + 1. */
static int (*const migrations[])(struct history_store *, char **) = { migrate_1, migrate_2 };

static int user_version(struct history_store *s)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int migrate(struct history_store *s, char **cause)
{
	int n = (int)(sizeof migrations / sizeof migrations[0]);
	if (exec(s, "BEGIN IMMEDIATE", cause) < 0)
		return -1;
	int v = user_version(s);
	if (v < 0 || v > n) {
		exec(s, "ROLLBACK", cause);
		free(*cause);
		*cause = v < 0 ? xasprintf("cannot read the schema version: %s", sqlite3_errmsg(s->db))
		               : xasprintf("schema version %d is newer than this ccboard's (%d)", v, n);
		return -1;
	}
	for (; v < n; v++) {
		char *pragma = xasprintf("PRAGMA user_version = %d", v + 1);
		int rc = migrations[v](s, cause) < 0 ? -1 : exec(s, pragma, cause);
		free(pragma);
		if (rc < 0) {
			char *ignored = NULL;
			exec(s, "ROLLBACK", &ignored);
			free(ignored);
			return -1;
		}
	}
	return exec(s, "COMMIT", cause);
}

/* INSERT OR REPLACE of a counts table (main or voice_more), its columns bound
 * from 1 in the order of stored_cols, after the id. */
static char *put_sql(int k, bool more)
{
	char *cols = stored_cols(k, more), *q = xstrdup("?");
	for (const char *p = cols; *p; p++)
		if (*p == ',') {
			char *next = xasprintf("%s, ?", q);
			free(q);
			q = next;
		}
	char *sql = xasprintf("INSERT OR REPLACE INTO %s (id%s%s) VALUES (%s%s)",
	                      more ? "voice_more" : k ? "contact_counts" : "voice_counts", cols,
	                      more ? ", offered_other" : "", q, more ? ", ?" : "");
	free(cols);
	free(q);
	return sql;
}

static int prepare_put(struct history_store *s, int slot, int k, bool more)
{
	char *sql = put_sql(k, more);
	char *del = xasprintf("DELETE FROM %s WHERE id = ?",
	                      more ? "voice_more" : k ? "contact_counts" : "voice_counts");
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->put[slot], NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(s->db, del, -1, SQLITE_PREPARE_PERSISTENT, &s->del[slot], NULL);
	free(sql);
	free(del);
	return rc;
}

static int prepare(struct history_store *s, char **cause)
{
	for (int c = 0; history_voice_columns[c].name; c++)
		s->voice_at[c] = strcmp(history_voice_columns[c].name, "offered") == 0 ? -1
		                 : is_more(history_voice_columns[c].name);
	if (prepare_put(s, 0, 0, false) != SQLITE_OK || prepare_put(s, 1, 1, false) != SQLITE_OK ||
	    prepare_put(s, 2, 0, true) != SQLITE_OK)
		return fail(s, cause, "prepare");
	if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO series (kind, name) VALUES (?, ?)", -1,
	                       &s->series_add, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "SELECT id FROM series WHERE kind = ? AND name = ?", -1,
	                       &s->series_get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO days (day) VALUES (?)", -1,
	                       &s->day_add, NULL) != SQLITE_OK)
		return fail(s, cause, "prepare");
	return 0;
}

struct history_store *history_store_open(const char *path, int busy_ms, char **cause)
{
	struct history_store *s = xcalloc(1, sizeof *s);
	strmap_init(&s->series[0]);
	strmap_init(&s->series[1]);
	if (make_parent(path, cause) < 0) {
		history_store_close(s);
		return NULL;
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                                SQLITE_OPEN_NOMUTEX, NULL)   /* one thread uses it */
	    != SQLITE_OK) {
		*cause = xasprintf("%s", s->db ? sqlite3_errmsg(s->db) : "out of memory");
		history_store_close(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, busy_ms);
	/* WAL: readers never wait on the writer, and a crash mid-write leaves the
	 * last committed interval; NORMAL: a commit is one write, no fsync per
	 * transaction (a power cut may lose the last intervals, never consistency) */
	if (exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", cause) < 0 ||
	    migrate(s, cause) < 0 || prepare(s, cause) < 0) {
		history_store_close(s);
		return NULL;
	}
	return s;
}

void history_store_close(struct history_store *s)
{
	if (s == NULL)
		return;
	for (int k = 0; k < 3; k++) {
		sqlite3_finalize(s->put[k]);
		sqlite3_finalize(s->del[k]);
	}
	for (int k = 0; k < 2; k++) {
		strmap_free(&s->series[k]);
		free(s->ids[k]);
	}
	sqlite3_finalize(s->series_add);
	sqlite3_finalize(s->series_get);
	sqlite3_finalize(s->day_add);
	if (s->db)
		sqlite3_close(s->db);
	free(s);
}

/* The id of series (kind, name), added when new; -1 on error. */
static int64_t series_id(struct history_store *s, enum hist_kind kind, const char *name)
{
	int32_t i = strmap_find(&s->series[kind], name);
	if (i >= 0)
		return s->ids[kind][i];
	int64_t id = -1;
	sqlite3_stmt *st[] = { s->series_add, s->series_get };
	for (int j = 0; j < 2; j++) {
		sqlite3_reset(st[j]);
		sqlite3_bind_text(st[j], 1, kind_names[kind], -1, SQLITE_STATIC);
		sqlite3_bind_text(st[j], 2, name, -1, SQLITE_TRANSIENT);
		int rc = sqlite3_step(st[j]);
		if (j == 1 && rc == SQLITE_ROW)
			id = sqlite3_column_int64(st[j], 0);
		else if (rc != SQLITE_DONE)
			return -1;
	}
	sqlite3_reset(s->series_get);
	i = strmap_intern(&s->series[kind], name);
	if ((size_t)i >= s->cap[kind]) {
		s->cap[kind] = s->cap[kind] ? s->cap[kind] * 2 : 16;
		s->ids[kind] = xrealloc(s->ids[kind], s->cap[kind] * sizeof *s->ids[kind]);
	}
	s->ids[kind][i] = id;
	return id;
}

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Binds stmt's counts of table k (main or voice_more) from 2 on; returns
 * whether any is not 0. */
static bool bind_counts(const struct history_store *s, sqlite3_stmt *st,
                        const struct hist_row *row, int k, bool more)
{
	const struct hist_column *cols = k ? history_contact_columns : history_voice_columns;
	int i = 2;
	bool any = false;
	for (int c = 0; cols[c].name; c++) {
		if (k == 0 && s->voice_at[c] != more)
			continue;
		int64_t v = k ? row->ct.v[cols[c].offset]
		              : *(const int64_t *)(const void *)((const char *)&row->voice +
		                                                  cols[c].offset);
		sqlite3_bind_int64(st, i++, v);
		any |= v != 0;
	}
	if (more) {
		const struct counts *v = &row->voice;
		int64_t other = v->offered - (v->answered + v->abandoned + v->timed_out +
		                              v->exited_key + v->exited_empty + v->withdrawn);
		sqlite3_bind_int64(st, i, other);
		any |= other != 0;
	}
	return any;
}

static int put_del(sqlite3_stmt *del, int64_t id)
{
	sqlite3_bind_int64(del, 1, id);
	return step_done(del);
}

/* One row's table k (voice or contact): replaced, or deleted when empty. */
static int put_one(struct history_store *s, const struct hist_row *row, int k, int64_t id,
                   bool empty)
{
	if (empty)
		return put_del(s->del[k], id) < 0 || (k == 0 && put_del(s->del[2], id) < 0) ? -1 : 0;
	sqlite3_bind_int64(s->put[k], 1, id);
	bind_counts(s, s->put[k], row, k, false);
	if (step_done(s->put[k]) < 0)
		return -1;
	if (k == 1)
		return 0;
	sqlite3_bind_int64(s->put[2], 1, id);
	if (bind_counts(s, s->put[2], row, 0, true))
		return step_done(s->put[2]);
	sqlite3_clear_bindings(s->put[2]);
	return put_del(s->del[2], id);
}

static int put_row(struct history_store *s, const struct hist_row *row)
{
	int64_t id = series_id(s, row->kind, row->name);
	if (id < 0 || id >= ID_SERIES || row->start % HISTORY_INTERVAL_S != 0)
		return -1;
	id += row->start / HISTORY_INTERVAL_S * ID_SERIES;
	bool empty = hist_row_empty(row);
	if (!empty && row->day != s->day_added) {
		sqlite3_bind_int(s->day_add, 1, row->day);
		if (step_done(s->day_add) < 0)
			return -1;
		s->day_added = row->day;
	}
	if (row->has_voice && put_one(s, row, 0, id, empty) < 0)
		return -1;
	if (row->has_ct && put_one(s, row, 1, id, empty) < 0)
		return -1;
	return 0;
}

int history_store_begin(struct history_store *s, char **cause)
{
	s->day_added = 0;
	if (exec(s, "BEGIN IMMEDIATE", cause) < 0)
		return -1;
	s->in_tx = true;
	return 0;
}

int history_store_commit(struct history_store *s, char **cause)
{
	s->in_tx = false;
	s->day_added = 0;
	if (exec(s, "COMMIT", cause) == 0)
		return 0;
	char *ignored = NULL;
	exec(s, "ROLLBACK", &ignored);
	free(ignored);
	return -1;
}

int history_store_write(struct history_store *s, const struct hist_row *rows, size_t n,
                        char **cause)
{
	bool own = !s->in_tx;
	if (own && history_store_begin(s, cause) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (put_row(s, &rows[i]) < 0) {
			fail(s, cause, "write");
			s->day_added = 0;
			if (own) {
				char *ignored = NULL;
				s->in_tx = false;
				exec(s, "ROLLBACK", &ignored);
				free(ignored);
			}
			return -1;
		}
	}
	return own ? history_store_commit(s, cause) : 0;
}

int64_t history_store_days(struct history_store *s)
{
	sqlite3_stmt *st;
	int64_t n = -1;
	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM days", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static struct hist_row *rowbuf_push(struct hist_past *b, const char *name)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		b->rows = xrealloc(b->rows, b->cap * sizeof *b->rows);
		b->names = xrealloc(b->names, b->cap * sizeof *b->names);
	}
	b->names[b->n] = xstrdup(name);
	struct hist_row *r = &b->rows[b->n++];
	memset(r, 0, sizeof *r);
	r->name = b->names[b->n - 1];
	return r;
}

/* Reads table k's rows with start in [from, to). */
static int load_table(struct history_store *s, int k, int64_t from, int64_t to, int32_t day,
                      struct hist_past *b)
{
	char *list = select_list(k);
	char *sql = xasprintf("SELECT s.kind, s.name, %s FROM %s JOIN series s ON s.id = c.id %% %d"
	                      " WHERE c.id >= ? AND c.id < ?", list, from_sql[k], ID_SERIES);
	free(list);
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, (from + HISTORY_INTERVAL_S - 1) / HISTORY_INTERVAL_S * ID_SERIES);
	sqlite3_bind_int64(st, 2, (to + HISTORY_INTERVAL_S - 1) / HISTORY_INTERVAL_S * ID_SERIES);
	const struct hist_column *cols = k ? history_contact_columns : history_voice_columns;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		struct hist_row *r = rowbuf_push(b, (const char *)sqlite3_column_text(st, 1));
		r->kind = kind && strcmp(kind, "channel") == 0 ? HIST_CHANNEL : HIST_QUEUE;
		r->start = sqlite3_column_int64(st, 2);
		r->day = day;
		r->has_voice = k == 0;
		r->has_ct = k == 1;
		for (int c = 0; cols[c].name; c++) {
			int64_t v = sqlite3_column_int64(st, c + 4);
			if (k)
				r->ct.v[cols[c].offset] = v;
			else
				*(int64_t *)(void *)((char *)&r->voice + cols[c].offset) = v;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static size_t load_days(struct history_store *s, int32_t before, int32_t *out, size_t room)
{
	sqlite3_stmt *st;
	size_t n = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT day FROM days WHERE day < ? ORDER BY day DESC", -1,
	                       &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int(st, 1, before);
	while (n < room && sqlite3_step(st) == SQLITE_ROW)
		out[n++] = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

void hist_past_free(struct hist_past *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->names[i]);
	free(p->names);
	free(p->rows);
	memset(p, 0, sizeof *p);
}

int history_store_read_past(struct history_store *s, int64_t day_start, int day_start_min,
                            int weeks, struct hist_past *b, char **cause)
{
	int32_t today = history_day_of(day_start, day_start_min);
	int32_t have[1024], days[64];
	if (weeks > 64)
		weeks = 64;
	size_t n_have = load_days(s, today, have, sizeof have / sizeof have[0]);
	size_t n_days = history_same_weekdays(today, weeks, have, n_have, days);
	int rc = 0;
	memset(b, 0, sizeof *b);
	for (size_t i = 0; i < n_days && rc == 0; i++) {
		int32_t d = days[i];
		int64_t from = util_local_epoch(d / 10000, d / 100 % 100, d % 100, day_start_min);
		int32_t next = history_day_add(d, 1);
		int64_t to = util_local_epoch(next / 10000, next / 100 % 100, next % 100,
		                              day_start_min);
		for (int k = 0; k < 2 && rc == 0; k++)
			rc = load_table(s, k, from, to, d, b);
	}
	b->n_days = n_days;
	if (rc != 0) {
		hist_past_free(b);
		return fail(s, cause, "read");
	}
	return 0;
}

int history_store_load(struct history_store *s, struct history *h, int64_t day_start,
                       int64_t day_end, int day_start_min, int weeks, int wrapup_s,
                       char **cause)
{
	struct hist_past b;
	if (history_store_read_past(s, day_start, day_start_min, weeks, &b, cause) < 0)
		return -1;
	int n_days = (int)b.n_days;
	history_set_typical(h, day_start, day_end, b.rows, b.n, b.n_days, wrapup_s);
	hist_past_free(&b);
	return n_days;
}
