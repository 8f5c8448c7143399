/* import.c - past logs into the history database (see import.h). */
#include "import.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "contact.h"
#include "contacts.h"
#include "history.h"
#include "history_store.h"
#include "replay_reader.h"
#include "model.h"
#include "model_batch.h"
#include "queuelog.h"
#include "textsafe.h"
#include "util.h"

/* Reads of 256 KiB: a read's parsed records (2.5 times its bytes) stay in
 * the caches between the reader thread and this one (1 MiB: 5 % more CPU). */
#define IMPORT_READ (256u << 10)
/* Intervals written per transaction: a crash loses at most these, and the
 * next import writes them again. */
#define IMPORT_TX_INTERVALS 96

struct import {
	const struct config *cfg;
	/* the model's: cfg with no rolling window. A row counts today's figures;
	 * the window's tallies (the queues' and the agents') and the agents' own
	 * figures (model_counts_only) were half of the model's cost per line and
	 * none of the rows'. */
	struct config model_cfg;
	struct model *model;
	struct contacts *contacts;
	struct contact_parser parser;
	struct hist_recorder *rec;
	struct history_store *store;
	struct import_stats *st;
	FILE *err;
	bool progress;
	/* calls go to the contacts model too: once the files hold contact events
	 * (a file's first lines, or one read); until then the contacts' counts
	 * are not recorded (hist_recorder_before), and the model would only cost
	 * (half of an import of queue_logs) */
	bool contacts_on;
	int tx_intervals;
	char *write_error;            /* the first failed write */
	/* progress */
	const char *file;
	uint64_t file_size, file_pos;
	double t0, last_shown;
	uint64_t lines0;
};

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void emsg(FILE *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emsg(FILE *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	textsafe_fputs(msg, err, textsafe_locale_flags());
	free(msg);
}

/* The recorder closed an interval: its rows, in the import's transaction. */
static void on_rows(void *ctx, const struct hist_row *rows, size_t n)
{
	struct import *im = ctx;
	char *cause = NULL;
	im->st->intervals++;
	im->st->rows += n;
	if (history_store_write(im->store, rows, n, &cause) < 0 && im->write_error == NULL)
		im->write_error = cause;
	else
		free(cause);
	if (++im->tx_intervals >= IMPORT_TX_INTERVALS && im->write_error == NULL) {
		im->tx_intervals = 0;
		if (history_store_commit(im->store, &cause) < 0 ||
		    history_store_begin(im->store, &cause) < 0)
			im->write_error = cause;
	}
}

static void on_contact(struct import *im, const char *line, size_t len)
{
	struct contact_event ce;
	im->contacts_on = true;
	if (!contact_parse(&im->parser, line, len, &ce)) {
		im->st->bad_lines++;
		return;
	}
	hist_recorder_before(im->rec, ce.ts_ms / 1000, im->model, im->contacts, on_rows, im);
	if (contacts_apply(im->contacts, &ce) >= CONTACTS_UNPLACED)
		im->st->bad_lines++;
	else
		model_advance(im->model, ce.ts_ms / 1000);
}

/* One record of the reader thread: a parsed queue_log line, a contact line. */
static void on_rec(struct import *im, const struct replay_rec *rec)
{
	if (rec->what == REPLAY_BYTES) {
		im->st->bytes += rec->n;
		return;
	}
	im->st->lines++;
	if (rec->what == REPLAY_CONTACT) {
		on_contact(im, rec->line, rec->n);
		return;
	}
	if (rec->result == QL_BAD)
		im->st->bad_lines++;
	if (rec->result != QL_EVENT)
		return;
	hist_recorder_before(im->rec, rec->ev.time, im->model, im->contacts, on_rows, im);
	enum model_verdict v = model_submit(im->model, &rec->ev, MODEL_NO_WALL);
	if (v != MODEL_APPLIED && v != MODEL_DUPLICATE)
		im->st->bad_lines++;
	else if (im->contacts_on)
		contacts_on_qevent(im->contacts, &rec->ev);
}

static void show_progress(struct import *im, bool force)
{
	double now = mono_s();
	if (!im->progress || (!force && now - im->last_shown < 0.25))
		return;
	im->last_shown = now;
	double el = now - im->t0 > 1e-6 ? now - im->t0 : 1e-6;
	double mbs = (double)im->st->bytes / el / 1e6;
	double frac = im->file_size ? (double)im->file_pos / (double)im->file_size : 0;
	double eta = frac > 0 ? el * (1 - frac) / frac : 0;
	emsg(im->err, "\r%s: %" PRIu64 " lines, %.1f MB/s, ETA %.0f s   ", im->file,
	     im->st->lines, mbs, eta);
}

static bool is_gzip(int fd)
{
	unsigned char m[2];
	return pread(fd, m, 2, 0) == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

/* Reads one file (plain or gzip) through the model: read, framed and parsed
 * on the replay's reader thread, applied here. Returns 0, or -1 after a
 * message naming it (what was read before the error stays). */
static int import_file(struct import *im, const char *path)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		emsg(im->err, "%sccboard: %s: %s\n", im->progress ? "\n" : "", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	bool gz = is_gzip(fd);
	im->file = path;
	im->file_size = gz ? 0 : (uint64_t)sb.st_size;    /* no ETA through zlib */
	im->t0 = mono_s();
	uint64_t bytes0 = im->st->bytes;
	struct replay_reader *r = replay_reader_start(fd, IMPORT_READ, IMPORT_READ, 64 * 1024);
	if (r == NULL)
		fatal("cannot start a thread");
	int err = 0, last = 0;
	do {
		struct replay_batch *b = replay_reader_next(r);
		for (size_t i = 0; i < b->n_recs; i++)
			on_rec(im, &b->recs[i]);
		last = b->last;
		err = b->err;
		replay_reader_release(r, b);
		im->file_pos = im->st->bytes - bytes0;
		show_progress(im, false);
	} while (!last);
	replay_reader_stop(r);
	close(fd);
	if (err) {
		emsg(im->err, "%sccboard: %s: %s (the lines before it are imported)\n",
		     im->progress ? "\n" : "", path,
		     gz && err == EIO ? "truncated: unexpected end of the compressed data"
		                      : strerror(err));
		return -1;
	}
	return 0;
}

/* The time of a file's first line with one (INT64_MAX when none), to take
 * the files in time order whatever order they are named in. */
static int64_t first_time(const char *path, struct contact_parser *cp, bool *contacts)
{
	gzFile gz = gzopen(path, "rb");
	int64_t t = INT64_MAX;
	if (gz == NULL)
		return t;
	char line[64 * 1024];
	for (int i = 0; i < 1000 && t == INT64_MAX && gzgets(gz, line, sizeof line); i++) {
		size_t len = strcspn(line, "\r\n");
		line[len] = '\0';
		struct qevent ev;
		struct contact_event ce;
		if (contact_line_is_event(line, len)) {
			*contacts = true;
			if (contact_parse(cp, line, len, &ce))
				t = ce.ts_ms / 1000;
		} else if (queuelog_parse(line, len, &ev) != QL_BAD && ev.time > 0) {
			t = ev.time;
		}
	}
	gzclose(gz);
	return t;
}

struct named_file { const char *path; int64_t first; int order; };

static int by_first(const void *a, const void *b)
{
	const struct named_file *x = a, *y = b;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->order - y->order;
}

static void summary(struct import *im, double secs, int n_files)
{
	const struct import_stats *st = im->st;
	double s = secs > 1e-6 ? secs : 1e-6;
	emsg(im->err, "%simported %d file%s: %" PRIu64 " lines (%" PRIu64 " bad), %.1f MB in %.2f s"
	     " (%.0f lines/s, %.1f MB/s); %" PRIu64 " intervals, %" PRIu64 " rows; the database"
	     " holds %" PRId64 " days\n", im->progress ? "\n" : "", n_files, n_files == 1 ? "" : "s",
	     st->lines, st->bad_lines, (double)st->bytes / 1e6, secs, (double)st->lines / s,
	     (double)st->bytes / 1e6 / s, st->intervals, st->rows, history_store_days(im->store));
}

static void run_files(struct import *im, char *const *files, int n_files)
{
	struct named_file *order = xcalloc((size_t)n_files + 1, sizeof *order);
	for (int i = 0; i < n_files; i++)
		order[i] = (struct named_file){ files[i], first_time(files[i], &im->parser,
		                                                         &im->contacts_on), i };
	qsort(order, (size_t)n_files, sizeof *order, by_first);
	for (int i = 0; i < n_files && im->write_error == NULL; i++)
		if (import_file(im, order[i].path) < 0)
			im->st->failed_files++;
	free(order);
	hist_recorder_flush(im->rec, im->model, im->contacts, on_rows, im);
}

int import_run(const struct config *cfg, const char *db_path, char *const *files, int n_files,
               bool progress, FILE *err, struct import_stats *stats)
{
	struct import_stats local = { 0 };
	struct import im = { .cfg = cfg, .err = err, .progress = progress,
	                     .st = stats ? stats : &local };
	char *cause = NULL;
	memset(im.st, 0, sizeof *im.st);
	im.store = history_store_open(db_path, 10000, &cause);
	if (im.store == NULL || history_store_begin(im.store, &cause) < 0) {
		emsg(err, "ccboard: history %s: %s\n", db_path, cause ? cause : "cannot open");
		free(cause);
		history_store_close(im.store);
		return 2;
	}
	struct contacts_conf cc;
	contacts_conf_from(&cc, cfg);
	/* a sweep walks every contact: four times per window, not dozens
	 * (memory is not short in a batch; what is counted does not change) */
	cc.sweep_every_ms = (cc.repeat_window_s > cc.pivot_window_s ? cc.repeat_window_s
	                                                            : cc.pivot_window_s) * 1000 / 4;
	im.model_cfg = *cfg;
	im.model_cfg.window_s = 0;
	im.model = model_new(&im.model_cfg);
	model_counts_only(im.model);
	im.contacts = contacts_new(&cc);
	im.rec = hist_recorder_new(cfg->day_start_min);
	double t0 = mono_s();
	run_files(&im, files, n_files);
	int rc = im.st->failed_files ? 1 : 0;
	if (im.write_error == NULL && history_store_commit(im.store, &cause) < 0)
		im.write_error = cause;
	if (im.write_error) {
		emsg(err, "%sccboard: history %s: %s\n", progress ? "\n" : "", db_path, im.write_error);
		free(im.write_error);
		rc = 2;
	} else {
		summary(&im, mono_s() - t0, n_files);
	}
	hist_recorder_free(im.rec);
	model_free(im.model);
	contacts_free(im.contacts);
	history_store_close(im.store);
	return rc;
}
