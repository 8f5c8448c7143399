/* main.c - ccboard: options, configuration, the loop, shutdown.
 *
 *   sources --lines--> queuelog parser --events--> model --snapshot--> screen / JSON / text
 *                                                              \--> alerts --> panel, bell, log, exec */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <getopt.h>
#include <locale.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "alertlog.h"
#include "alerts.h"
#include "config.h"
#include "demo.h"
#include "history.h"
#include "history_store.h"
#include "history_worker.h"
#include "groups.h"
#include "http.h"
#include "import.h"
#include "model.h"
#include "out_print.h"
#include "out_screen.h"
#include "output.h"
#include "queuelog.h"
#include "runmode.h"
#include "contact.h"
#include "contacts.h"
#include "replay_merge.h"
#include "snapshot.h"
#include "staffing.h"
#include "source.h"
#include "textsafe.h"
#include "ui.h"
#include "util.h"

struct options {
	bool demo, replay, once, json, check_config, headless;
	bool import;                     /* --import FILE...: into the history database */
	const char *config_path;
	const char *http;                /* --http ADDR */
	const char *only;                /* --group NAME / --queue NAME: one team only */
	int cycle_s;                     /* --cycle SECONDS: a floor monitor's rotation */
	bool only_queue;
	const char *theme;
	const char *view;                /* --view NAME: the page the screen starts on */
	uint64_t seed;
	int demo_speed;                  /* --demo-speed: the board's clock runs this many times as fast */
	char **sources;
	int n_sources;
};

struct app {
	uv_loop_t *loop;
	struct options opt;
	const struct run_mode *mode;     /* decided once from the options */
	struct config cfg;
	char *config_path;
	struct model *model;
	struct contacts *contacts;          /* SPEC 6: contact events and calls as contacts */
	struct contact_parser contact_parser;
	struct alerts *alerts;
	struct alertlog *alertlog;
	struct ui *ui;                   /* the screen's (its output owns it), for reloads */
	struct source **sources;
	size_t n_sources, n_done;
	struct source demo_src;          /* info only: the demo is driven by the tick */
	struct demo *demo;
	struct outputs out;              /* the snapshot and the outputs that read it */
	const struct output *screen;     /* among them, or NULL */
	struct snap_source config_src;   /* shows a failed reload */
	bool config_error;
	bool alertlog_reported;          /* its first error went to stderr */
	int flush_waits;                 /* ticks of 10 ms waited for the alert log */
	uv_timer_t tick;
	int64_t tick_due_ms;             /* the wall-clock boundary the tick is armed for */
	int64_t clock_origin_ms;         /* --demo-speed: the wall clock when the board's began */
	uv_signal_t sig_int, sig_term, sig_hup;
	bool stopping, finished;
	bool printed_last;               /* the snapshot owed at the end is out */
	bool caught_up;                  /* every source has read its backlog once ... */
	bool settled;                    /* ... and a tick applied what its last pass read */
	int *src_seen;                   /* headless: each source's state last logged, +1 */
	struct app_history {             /* SPEC 7: the database, its picture, the recorder */
		struct history_store *store;
		struct history *h;
		struct hist_recorder *rec;   /* NULL: this run does not write (a replay) */
		struct history_worker *worker; /* the database work, off the loop */
		struct history *next;        /* a replay: the next day's, read while h shows today */
		int64_t gate_day;            /* a replay: the day whose past its lines wait for */
		bool gate_loading;
		bool finish_waits;           /* a replay's end waits for its last day's past */
		char *path;
		bool reported;               /* its first error went to stderr */
		int64_t load_tried;          /* when the typical day was last read */
		int64_t days;                /* the days the database holds, as last reported */
	} hist;
	int exit_code;
};

/* Prints a message to standard error with what it quotes (names, values, bad
 * lines) stripped as on the screen: input never reaches the terminal raw. */
static void eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void eprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	textsafe_fputs(msg, stderr, textsafe_locale_flags());
	free(msg);
}

static void usage(FILE *out)
{
	fputs("usage: ccboard [OPTIONS] [SOURCE...]\n"
	      "A terminal wallboard for contact-centre queues (Asterisk queue_log).\n\n"
	      "SOURCE is a queue_log file (followed like tail -F), '-' for standard input,\n"
	      "tcp:HOST:PORT or unix:PATH (listen for pushed lines), ami://USER@HOST:PORT.\n\n"
	      "  --demo               a built-in simulated contact centre, live\n"
	      "  --replay             the clock follows the events; read sources to their end\n"
	      "  --once               print one snapshot once the sources are read, then exit\n"
	      "  --json               no screen: print snapshots as JSON, one per line\n"
	      "  --json-keys LIST     only these top-level keys in the JSON (e.g. queues,total)\n"
	      "  --headless           no screen: sources, alerts and HTTP as a service\n"
	      "  --http ADDR          serve /metrics, /snapshot, /healthz, /events on ADDR\n"
	      "  --import FILE...     load past logs (plain or .gz) into the history database\n"
	      "  --group NAME         show one team only: the queues of [group.NAME]\n"
	      "  --cycle SECONDS      rotate through the views and the table's pages\n"
	      "  --queue NAME         show one queue only\n"
	      "  -c, --config FILE    configuration file\n"
	      "      --check-config   validate the configuration and exit\n"
	      "  -t, --theme NAME     colour theme (default, light, high-contrast, colorblind, mono)\n"
	      "      --view NAME      the view at start: queues, channels, customers\n"
	      "      --seed N         the demo's random seed\n"
	      "      --demo-speed N   run the demo (and the board's clock) N times as fast (1-20)\n"
	      "  -h, --help           this help\n"
	      "  -V, --version        version\n\n"
	      "Configuration: -c FILE, $CCBOARD_CONFIG, $XDG_CONFIG_HOME/ccboard/config.ini,\n"
	      "/etc/ccboard/config.ini. See ccboard(1).\n", out);
}

/* Parses argv into o; returns -1 (after a message) on bad usage, 1 when done (help). */
static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_DEMO = 256, OPT_REPLAY, OPT_ONCE, OPT_JSON, OPT_CHECK, OPT_SEED, OPT_HEADLESS,
	       OPT_HTTP, OPT_VIEW, OPT_DEMO_SPEED, OPT_IMPORT, OPT_GROUP, OPT_QUEUE, OPT_CYCLE,
	       OPT_JSON_KEYS };
	static const struct option longopts[] = {
		{ "demo", no_argument, NULL, OPT_DEMO },
		{ "replay", no_argument, NULL, OPT_REPLAY },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "json-keys", required_argument, NULL, OPT_JSON_KEYS },
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "theme", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "demo-speed", required_argument, NULL, OPT_DEMO_SPEED },
		{ "headless", no_argument, NULL, OPT_HEADLESS },
		{ "http", required_argument, NULL, OPT_HTTP },
		{ "view", required_argument, NULL, OPT_VIEW },
		{ "import", no_argument, NULL, OPT_IMPORT },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "queue", required_argument, NULL, OPT_QUEUE },
		{ "cycle", required_argument, NULL, OPT_CYCLE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	char *end;

	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->demo_speed = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:t:hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DEMO:   o->demo = true; break;
		case OPT_REPLAY: o->replay = true; break;
		case OPT_ONCE:   o->once = true; break;
		case OPT_JSON:   o->json = true; break;
		case OPT_JSON_KEYS: {
			char *cause = NULL;
			if (snapshot_json_keys(optarg, &cause) != 0) {
				eprintf("ccboard: --json-keys: %s\n", cause);
				free(cause);
				return -1;
			}
			break;
		}
		case OPT_CHECK:  o->check_config = true; break;
		case OPT_HEADLESS: o->headless = true; break;
		case OPT_HTTP:   o->http = optarg; break;
		case OPT_IMPORT: o->import = true; break;
		case OPT_GROUP:  o->only = optarg; o->only_queue = false; break;
		case OPT_QUEUE:  o->only = optarg; o->only_queue = true; break;
		case OPT_CYCLE:
			errno = 0;
			o->cycle_s = (int)strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || o->cycle_s < 1 || o->cycle_s > 3600) {
				eprintf("ccboard: --cycle: seconds 1..3600, not '%s'\n", optarg);
				return -1;
			}
			break;
		case 'c':        o->config_path = optarg; break;
		case 't':        o->theme = optarg; break;
		case OPT_VIEW:
			if (!ui_view_exists(optarg)) {
				eprintf("ccboard: --view: no view '%s' (views: %s)\n", optarg,
				        ui_view_names());
				return -1;
			}
			o->view = optarg;
			break;
		case OPT_SEED:
			errno = 0;
			o->seed = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg) {
				eprintf("ccboard: --seed: not a number: '%s'\n", optarg);
				return -1;
			}
			break;
		case OPT_DEMO_SPEED:
			errno = 0;
			long speed = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || speed < 1 || speed > 20) {
				eprintf("ccboard: --demo-speed: not a whole number from 1 to 20: '%s'\n", optarg);
				return -1;
			}
			o->demo_speed = (int)speed;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("ccboard %s\n", CCBOARD_VERSION);
			return 1;
		case ':':
			eprintf("ccboard: %s needs a value\n", argv[optind - 1]);
			fputs("Try 'ccboard --help'.\n", stderr);
			return -1;
		default:
			eprintf("ccboard: unknown option '%s'\n", argv[optind - 1]);
			fputs("Try 'ccboard --help'.\n", stderr);
			return -1;
		}
	}
	o->sources = argv + optind;
	o->n_sources = argc - optind;
	if (o->demo_speed > 1 && (!o->demo || o->replay)) {
		fputs("ccboard: --demo-speed goes with --demo, not with --replay\n"
		      "Try 'ccboard --help'.\n", stderr);
		return -1;
	}
	if (o->headless && (o->once || o->json)) {
		fputs("ccboard: --headless takes neither --once nor --json\n"
		      "Try 'ccboard --help'.\n", stderr);
		return -1;
	}
	return 0;
}

/* ---- configuration ---------------------------------------------------------- */

/* Loads the configuration into cfg; prints problems to stderr. Returns the
 * number of errors (warnings do not count). */
static int load_config(struct config *cfg, const char *path, bool quiet_ok)
{
	char *errors = NULL;
	int n;

	config_defaults(cfg);
	if (path == NULL)
		return 0;
	n = config_load(cfg, path, &errors);
	if (errors)
		textsafe_fputs(errors, stderr, textsafe_locale_flags());
	free(errors);
	(void)quiet_ok;
	return n;
}

/* SIGHUP: the listener takes the token file again (a rotated token) and max_body. */
static void reload_http(struct app *app)
{
	const struct output *h = outputs_find(&app->out, "http");
	char *cause = NULL;
	if (h && http_reload(h->ctx, app->cfg.http_token_file, (size_t)app->cfg.http_max_body,
	                     &cause) < 0 && !app->mode->screen)
		eprintf("ccboard: http: %s (the old token stays)\n", cause);
	free(cause);
}

/* SIGHUP: read the configuration again; keep the old one if the new has errors. */
static void reload_config(struct app *app)
{
	struct config fresh;
	char *errors = NULL;
	int n;

	if (app->config_path == NULL)
		return;
	outputs_wait(&app->out);       /* a line formatted off the loop reads the settings */
	config_defaults(&fresh);
	n = config_load(&fresh, app->config_path, &errors);
	memset(&app->config_src, 0, sizeof app->config_src);
	snprintf(app->config_src.name, sizeof app->config_src.name, "%s", app->config_path);
	app->config_src.kind = "config";
	if (n > 0) {
		app->config_src.state = SRC_ERROR;
		snprintf(app->config_src.detail, sizeof app->config_src.detail, "reload failed: %s",
		         errors ? errors : "errors");
		char *nl = strchr(app->config_src.detail, '\n');
		if (nl)
			*nl = '\0';
		app->config_error = true;
		if (!app->mode->screen && errors)
			textsafe_fputs(errors, stderr, textsafe_locale_flags());
		config_free(&fresh);
	} else {
		config_free(&app->cfg);
		app->cfg = fresh;
		app->config_error = false;
		reload_http(app);
		if (app->opt.headless)
			eprintf("ccboard: %s: configuration reloaded ([http] listen needs a restart)\n",
			        app->config_path);
		model_set_config(app->model, &app->cfg);
		struct contacts_conf cc;
		contacts_conf_from(&cc, &app->cfg);
		contacts_set_conf(app->contacts, &cc);
		alerts_set_rules(app->alerts, app->cfg.alert_rules);
		ui_set_config(app->ui, &app->cfg);
		if (app->hist.rec)     /* the intervals' days from the next one on */
			hist_recorder_set_day_start(app->hist.rec, app->cfg.day_start_min);
	}
	free(errors);
}

/* ---- history (SPEC 7) -------------------------------------------------------- */

/* The database failed: said in the JSON and as a pseudo-source (and once on
 * stderr off the screen); the board goes on without it. */
static void hist_error(struct app *app, const char *cause)
{
	history_set_status(app->hist.h, "error", cause, app->hist.path, -1);
	if (!app->hist.reported && !app->mode->screen)
		eprintf("ccboard: history %s: %s (the board goes on without it)\n",
		        app->hist.path ? app->hist.path : "", cause);
	app->hist.reported = true;
}

static void finish(struct app *app);
static void hist_read_over(struct app *app);

/* A job of the worker is over (on the loop): its trouble, or the days held. */
static void on_hist_report(void *ctx, const char *cause, int64_t days)
{
	struct app *app = ctx;
	if (cause) {
		hist_error(app, cause);
		hist_read_over(app);         /* a replay's lines do not wait for a retry */
	} else {
		app->hist.days = days;
		history_set_status(app->hist.h, "ok", NULL, app->hist.path, days);
	}
}

/* An interval closed: its rows (copied) to the worker, written in order. */
static void on_hist_rows_queued(void *ctx, const struct hist_row *rows, size_t n)
{
	struct app *app = ctx;
	history_worker_write(app->hist.worker, rows, n);
}

/* Before what happens at t (an event, the tick) is applied: closes the
 * interval it ends. */
static void history_before(struct app *app, int64_t t)
{
	if (app->hist.rec && app->hist.worker)
		hist_recorder_before(app->hist.rec, t, app->model, app->contacts, on_hist_rows_queued,
		                     app);
}

/* The wall clock closes an interval no event closed (a quiet queue), once an
 * event opened one and no source is still reading a backlog (whose events
 * close the intervals they belong to). */
static void history_tick(struct app *app, int64_t now)
{
	if (app->hist.worker)
		history_worker_tick(app->hist.worker);     /* a failed write tried again */
	if (app->hist.rec == NULL || hist_recorder_open(app->hist.rec) == 0)
		return;
	for (size_t i = 0; i < app->n_sources; i++) {
		enum source_state st = app->sources[i]->info.state;
		if (st == SRC_STARTING || st == SRC_LAGGING)
			return;
	}
	history_before(app, now);
}

/* A replay's read of a day's past is over (read, or failed and reported):
 * its lines go on, or its end. */
static void hist_read_over(struct app *app)
{
	app->hist.gate_loading = false;
	if (app->hist.finish_waits) {
		app->hist.finish_waits = false;
		finish(app);
	}
}

static void on_hist_loaded(void *ctx, bool ok)
{
	(void)ok;
	hist_read_over(ctx);
}

/* A replay at t: true when the past of t's day is read (or cannot be);
 * false while it is being read (the read started here). */
static bool history_day_ready(struct app *app, int64_t t)
{
	int64_t start, end;
	util_day_bounds(t, app->cfg.day_start_min, &start, &end);
	if (start == app->hist.gate_day || app->hist.gate_loading)
		return start == app->hist.gate_day && !app->hist.gate_loading;
	if (start <= history_typical_day(app->hist.h))
		return true;                 /* a line of an earlier day: today's past stays */
	app->hist.gate_day = start;
	app->hist.gate_loading = history_worker_load_into(app->hist.worker, app->hist.next, start,
	                                                  end, app->cfg.day_start_min,
	                                                  app->cfg.history_weeks,
	                                                  app->cfg.defaults.wrapup_s);
	return !app->hist.gate_loading;
}

/* A replay's record at at_ms, with snapshots all along: held while the past
 * of its day is being read, so that no snapshot of that day is built without
 * it (a replay whose one snapshot is its last waits in history_can_finish). */
static bool history_gate(void *ctx, int64_t at_ms)
{
	struct app *app = ctx;
	return app->mode->cadence == RUN_AT_END || history_day_ready(app, at_ms / 1000);
}

/* A replay ends once the past of its last day is read (hist_read_over then
 * calls finish again). */
static bool history_can_finish(struct app *app)
{
	if (app->hist.next == NULL || model_now(app->model) == 0)
		return true;
	app->hist.finish_waits = !history_day_ready(app, model_now(app->model));
	return !app->hist.finish_waits;
}

/* A replay's snapshot of a day whose past was read ahead: that picture now. */
static void history_next_day(struct app *app, int64_t start)
{
	struct history *h = app->hist.h, *next = app->hist.next;
	if (next == NULL || history_typical_day(next) != start || history_typical_day(h) == start)
		return;
	const char *detail, *status = history_status(h, &detail);
	char *st = xstrdup(status), *de = xstrdup(detail);
	history_set_status(next, st, *de ? de : NULL, app->hist.path, app->hist.days);
	free(st);
	free(de);
	app->hist.h = next;
	app->hist.next = h;
}

static void start_history(struct app *app)
{
	char *cause = NULL;
	app->hist.h = history_new();
	if (!app->cfg.history)
		return;
	if (app->opt.demo) {         /* a simulated centre is no one's history */
		history_set_status(app->hist.h, "off", "the demo keeps no history", NULL, 0);
		return;
	}
	app->hist.path = app->cfg.history_path ? xstrdup(app->cfg.history_path)
	                                       : history_default_path();
	if (app->hist.path == NULL) {
		hist_error(app, "no $XDG_STATE_HOME or $HOME for the database");
		return;
	}
	/* the live board opens, writes and reads in the pool: a slow disk never
	 * holds the first frame; a write waits at most 50 ms for another writer */
	if (app->mode->clock == RUN_CLOCK_WALL) {
		history_set_status(app->hist.h, "ok", NULL, app->hist.path, 0);
		app->hist.rec = hist_recorder_new(app->cfg.day_start_min);
		app->hist.worker = history_worker_new(app->loop, NULL, app->hist.h, on_hist_report,
		                                      app);
		history_worker_open(app->hist.worker, app->hist.path, 50);
		return;
	}
	/* a replay reads the past (--import is what writes past logs), in the
	 * pool too: its lines wait at each new day for that day's past
	 * (history_gate), so its snapshots are those of a synchronous read */
	(void)cause;
	history_set_status(app->hist.h, "ok", NULL, app->hist.path, 0);
	app->hist.next = history_new();
	app->hist.worker = history_worker_new(app->loop, NULL, app->hist.h, on_hist_report, app);
	history_worker_on_load(app->hist.worker, on_hist_loaded, app);
	history_worker_open(app->hist.worker, app->hist.path, 50);
}

/* The run ends: the open interval as it stands, then the database closed. */
static void finish_history(struct app *app)
{
	/* The loop's last run waited for the worker's job (a queued work request
	 * keeps the loop alive); what still waits, and the open interval, are
	 * written synchronously: exit may block briefly on the database. */
	if (app->hist.worker && app->hist.rec && app->model) {
		history_worker_stop(app->hist.worker);
		hist_recorder_flush(app->hist.rec, app->model, app->contacts, on_hist_rows_queued,
		                    app);
	}
	history_worker_free(app->hist.worker);
	hist_recorder_free(app->hist.rec);
	history_store_close(app->hist.store);
	history_free(app->hist.h);
	history_free(app->hist.next);
	free(app->hist.path);
}

/* Hands s the picture of the past: the typical day (read again when the day
 * changes; a failed read is tried again a minute later) and today against it. */
static void history_refresh(struct app *app, struct snapshot *s)
{
	struct history *h = app->hist.h;
	s->history = h;
	int64_t now = model_now(app->model), start, end;
	if ((app->hist.store == NULL && app->hist.worker == NULL) || now == 0)
		return;
	util_day_bounds(now, app->cfg.day_start_min, &start, &end);
	if (app->hist.next) {        /* a replay: read ahead by history_gate */
		history_next_day(app, start);
		s->history = h = app->hist.h;
		if (history_typical_day(h) != start)   /* a source the gate is not on (stdin) */
			history_day_ready(app, now);
	} else if (history_typical_day(h) != start && now - app->hist.load_tried >= 60) {
		char *cause = NULL;
		app->hist.load_tried = now;
		if (app->hist.worker)    /* the live board: read in the pool, a failure retried */
			history_worker_load(app->hist.worker, start, end, app->cfg.day_start_min,
			                    app->cfg.history_weeks, app->cfg.defaults.wrapup_s);
		else if (history_store_load(app->hist.store, h, start, end, app->cfg.day_start_min,
		                       app->cfg.history_weeks, app->cfg.defaults.wrapup_s, &cause) < 0)
			hist_error(app, cause);
		free(cause);
	}
	for (size_t i = 0; i < s->n_queues; i++)
		history_observe(h, s->queues[i].name, s->queues[i].intervals, s->queues[i].iv_first,
		                s->queues[i].n_intervals, s->as_of);
	for (size_t i = 0; app->contacts && i < contacts_channel_count(app->contacts); i++)
		history_observe_channel(h, contacts_channel_name(app->contacts, i),
		                        (double)contacts_today(app->contacts, CS_CHANNEL, i)
		                        ->v[CT_CREATED], s->as_of);
}

/* The database's trouble as a pseudo-source; false while it has none. */
static bool history_health(const struct app *app, struct snap_source *out)
{
	const char *detail;
	if (app->hist.h == NULL || strcmp(history_status(app->hist.h, &detail), "error") != 0)
		return false;
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", app->hist.path ? app->hist.path : "history");
	out->kind = "history";
	out->state = SRC_ERROR;
	snprintf(out->detail, sizeof out->detail, "history: %s", detail);
	return true;
}

/* ccboard --import FILE...: a batch run, no loop. */
static int run_import(struct app *app)
{
	if (app->opt.n_sources == 0) {
		fputs("ccboard: --import needs files\nTry 'ccboard --help'.\n", stderr);
		return 2;
	}
	if (!app->cfg.history) {
		fputs("ccboard: --import: history is off in the configuration\n", stderr);
		return 2;
	}
	char *path = app->cfg.history_path ? xstrdup(app->cfg.history_path) : history_default_path();
	if (path == NULL) {
		fputs("ccboard: --import: no $XDG_STATE_HOME or $HOME for the database\n", stderr);
		return 2;
	}
	int rc = import_run(&app->cfg, path, app->opt.sources, app->opt.n_sources,
	                    isatty(STDERR_FILENO), stderr, NULL);
	free(path);
	return rc;
}

/* ---- events ----------------------------------------------------------------- */

static int64_t app_ms(const struct app *app);

static void refresh(struct app *app, bool publish);

/* Hands ev to the model against the wall clock (a line from the future, or
 * naming a new queue or agent past the caps, is a bad line of src). */
static void apply_event(struct app *app, struct source *src, const struct qevent *ev)
{
	int64_t wall = app_ms(app) / 1000;
	/* one snapshot per second of log time, before the event that ends it */
	if (app->mode->cadence == RUN_EACH_LOG_SECOND) {
		int64_t now = model_now(app->model);
		if (now != 0 && ev->time > now && ev->time <= wall + app->cfg.defaults.future_slack_s)
			refresh(app, true);
	}
	if (ev->time <= wall + app->cfg.defaults.future_slack_s)
		history_before(app, ev->time);
	contacts_qevent_prefetch(app->contacts, ev);
	enum model_verdict v = model_submit(app->model, ev, wall);
	if (v != MODEL_APPLIED && v != MODEL_DUPLICATE)
		src->info.bad_lines++;
	else
		contacts_on_qevent(app->contacts, ev);
}

/* A parsed contact event to the contacts (one that cannot be placed is a bad line). */
static void on_contact(void *ctx, struct source *src, const struct contact_event *ce)
{
	struct app *app = ctx;

	if (ce->ts_ms / 1000 > app_ms(app) / 1000 + app->cfg.defaults.future_slack_s)
		src->info.bad_lines++;     /* from the future, as a queue_log line (SPEC 3) */
	else if (history_before(app, ce->ts_ms / 1000),
	         contacts_apply(app->contacts, ce) >= CONTACTS_UNPLACED)
		src->info.bad_lines++;
	else if (app->mode->clock == RUN_CLOCK_REPLAY)
		model_advance(app->model, ce->ts_ms / 1000);   /* a replay's clock: every line */
}

static void on_line(void *ctx, struct source *src, char *line, size_t len)
{
	struct app *app = ctx;
	struct qevent ev;

	if (contact_line_is_event(line, len)) {
		struct contact_event ce;
		if (!contact_parse(&app->contact_parser, line, len, &ce))
			src->info.bad_lines++;     /* a bad object is a bad line */
		else
			on_contact(app, src, &ce);
		return;
	}
	if (source_count_parsed(src, queuelog_parse(line, len, &ev)))
		apply_event(app, src, &ev);
}

static void on_event(void *ctx, struct source *src, const struct qevent *ev)
{
	apply_event(ctx, src, ev);
}

static void finish(struct app *app);

static void on_source_done(void *ctx, struct source *src)
{
	struct app *app = ctx;
	app->n_done++;
	if (!app->mode->to_end)
		return;
	/* a source that could not be read leaves the snapshot short: say so */
	if (src->info.state == SRC_ERROR || src->info.state == SRC_AUTH_FAILED) {
		fprintf(stderr, "ccboard: %s: %s\n", src->info.name,
		        src->info.detail[0] ? src->info.detail : source_state_name(src->info.state));
		app->exit_code = 1;
	}
	if (app->n_done >= app->n_sources)
		finish(app);
}

/* ---- snapshots and output ----------------------------------------------------- */

/* An alert changed: to the log and the hook (the outputs hear of it next). */
static void on_alert_change(void *ctx, const struct alert_event *ev)
{
	struct app *app = ctx;
	if (app->alertlog)
		alertlog_emit(app->alertlog, ev);
	if (app->opt.headless)
		eprintf("ccboard: alert %s %s rule=%s queue=%s: %s\n", alert_change_name(ev->change),
		        alert_severity_name(ev->alert.severity), ev->alert.rule, ev->alert.queue,
		        ev->alert.message);
}

/* Says what went wrong with the hooks ("" when nothing did). */
static void hook_problems(const struct alertlog_stats *st, char *buf, size_t sz)
{
	uint64_t failed = st->exec_failures - st->exec_timeouts;
	buf[0] = '\0';
	if (failed && st->last_exec_error < 0)
		snprintf(buf, sz, "%" PRIu64 " failed (last: %s)", failed,
		         uv_strerror(st->last_exec_error));
	else if (failed)
		snprintf(buf, sz, "%" PRIu64 " failed (last: exit %d)", failed, st->last_exec_error);
	if (st->exec_timeouts)
		snprintf(buf + strlen(buf), sz - strlen(buf), "%s%" PRIu64 " timed out",
		         *buf ? ", " : "", st->exec_timeouts);
	if (st->execs_dropped)
		snprintf(buf + strlen(buf), sz - strlen(buf), "%s%" PRIu64 " dropped",
		         *buf ? ", " : "", st->execs_dropped);
}

/* The alert log and hook as a pseudo-source, so a failing disk or hook shows
 * on screen and in the JSON. Returns false while it has no error to show. */
static bool alertlog_health(const struct app *app, struct snap_source *out)
{
	struct alertlog_stats st;
	char hooks[96];
	if (app->alertlog == NULL)
		return false;
	st = alertlog_stats(app->alertlog);
	uint64_t lost = st.write_errors + st.lines_dropped;
	hook_problems(&st, hooks, sizeof hooks);
	if (lost == 0 && st.reopen_errors == 0 && !*hooks)
		return false;
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s",
	         app->cfg.alert_log ? app->cfg.alert_log : "alert_exec");
	out->kind = app->cfg.alert_log ? "alert_log" : "alert_exec";
	out->state = SRC_ERROR;
	out->lines = st.lines_written;
	out->bad_lines = lost + st.exec_failures + st.execs_dropped;
	if (lost || st.reopen_errors)
		snprintf(out->detail, sizeof out->detail, "%" PRIu64 " alert lines lost: %s%s%s",
		         lost, st.last_write_error ? uv_strerror(st.last_write_error) : "queue full",
		         *hooks ? "; hooks: " : "", hooks);
	else
		snprintf(out->detail, sizeof out->detail, "alert_exec hooks: %s", hooks);
	return true;
}

/* Headless: one line on stderr each time a source's state changes. */
static void log_source_changes(struct app *app)
{
	if (!app->opt.headless)
		return;
	if (app->src_seen == NULL)
		app->src_seen = xcalloc(app->n_sources + 1, sizeof *app->src_seen);
	for (size_t i = 0; i < app->n_sources; i++) {
		const struct snap_source *in = &app->sources[i]->info;
		if (app->src_seen[i] == (int)in->state + 1)
			continue;
		app->src_seen[i] = (int)in->state + 1;
		eprintf("ccboard: source %s: %s%s%s\n", in->name, source_state_name(in->state),
		        in->detail[0] ? ": " : "", in->detail);
	}
}

/* Copies the sources' health into s: the sources, then the pseudo-sources
 * (a failed reload, the model's caps, the alert log, the outputs). */
static void collect_sources(void *ctx, struct snapshot *s)
{
	struct app *app = ctx;
	s->contacts = app->contacts;
	history_refresh(app, s);
	if (history_has_typical(s->history))
		staffing_fill(s);        /* again: the history's forecast comes first */
	size_t n = app->n_sources + (app->demo != NULL) + (app->config_error ? 1 : 0) + 3 +
	           app->out.n;
	size_t k = 0;
	log_source_changes(app);
	s->sources = xrealloc(s->sources, n * sizeof *s->sources);
	if (app->demo)
		s->sources[k++] = app->demo_src.info;
	for (size_t i = 0; i < app->n_sources; i++)
		s->sources[k++] = app->sources[i]->info;
	if (app->config_error)
		s->sources[k++] = app->config_src;
	if (snapshot_model_health(s, &app->cfg, &s->sources[k]))
		k++;
	if (groups_health(s, &app->cfg, &s->sources[k]))   /* a group with no queue yet */
		k++;
	if (alertlog_health(app, &s->sources[k])) {
		if (!app->alertlog_reported && !app->mode->screen)
			eprintf("ccboard: %s: %s\n", s->sources[k].name, s->sources[k].detail);
		app->alertlog_reported = true;
		k++;
	}
	if (history_health(app, &s->sources[k]))
		k++;
	k += outputs_health(&app->out, &s->sources[k], n - k);
	s->n_sources = k;
}

/* The one path from the model to the outputs: the snapshot built (no side
 * effects), the sources' health collected, the alerts evaluated once (their
 * changes go to the log, the hook and the bell), then, when publish, handed
 * to every output. */
static void refresh(struct app *app, bool publish)
{
	struct output_feed feed = { app->model, &app->cfg, app->alerts, collect_sources,
	                            on_alert_change, app };
	outputs_refresh(&app->out, &feed, publish);
}

static void stop(struct app *app, int code);

/* Standard output failed: end the run with status. */
static void on_output_fail(void *ctx, int status)
{
	stop(ctx, status);
}

/* All sources read, in a run that ends there: publishes the last snapshot
 * once the alert log has written (or failed to write) the changes of the last
 * evaluation, so a failure shows in it. */
static void on_flush(uv_timer_t *t)
{
	struct app *app = t->data;
	/* 2 s for the log; running hooks, which ccboard's exit kills, get until
	 * their timeout (a hung one is killed then anyway) */
	struct alertlog_stats st = app->alertlog ? alertlog_stats(app->alertlog)
	                                         : (struct alertlog_stats){ 0 };
	int limit = st.children || st.waiting ? 100 * app->cfg.alert_exec_timeout_s + 200 : 200;
	if (app->alertlog && !alertlog_idle(app->alertlog) && ++app->flush_waits < limit)
		return;
	uv_timer_stop(t);
	collect_sources(app, &app->out.snap);   /* the alert log's health since; no new evaluation */
	outputs_publish(&app->out);
	app->printed_last = true;
	stop(app, app->exit_code);
}

static void finish(struct app *app)
{
	if (app->finished || !history_can_finish(app))
		return;
	app->finished = true;
	if (app->mode->clock == RUN_CLOCK_WALL)
		model_advance(app->model, app_ms(app) / 1000);
	if (app->mode->exits_at_end) {
		refresh(app, false);            /* evaluates the alerts: their changes go out */
		uv_timer_start(&app->tick, on_flush, 0, 10);
	} else {
		refresh(app, true);
	}
}

/* ---- the demo ------------------------------------------------------------------ */

static void demo_line(void *ctx, char *line, size_t len)
{
	struct app *app = ctx;
	app->demo_src.info.lines++;
	app->demo_src.info.bytes += len + 1;
	on_line(app, &app->demo_src, line, len);
}

static void demo_step(struct app *app, int64_t now)
{
	if (app->demo)
		demo_run_until(app->demo, now, demo_line, app);
}

/* ---- the tick ------------------------------------------------------------------- */

/* Milliseconds of the wall clock: the one clock the tick is armed and stamped
 * with (time() reads a coarser clock that can lag it by a few ms). */
static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The board's clock in ms: the wall clock, or with --demo-speed N one that
 * started with it and runs N times as fast. */
static int64_t app_ms(const struct app *app)
{
	int64_t ms = wall_ms();
	if (app->opt.demo_speed <= 1)
		return ms;
	return app->clock_origin_ms + (ms - app->clock_origin_ms) * app->opt.demo_speed;
}

/* Wall-clock milliseconds until the board's clock reaches due_ms (at least 1). */
static uint64_t wall_delay(const struct app *app, int64_t due_ms, int64_t ms)
{
	int speed = app->opt.demo_speed > 1 ? app->opt.demo_speed : 1;
	int64_t d = (due_ms - ms + speed - 1) / speed;
	return (uint64_t)(d > 0 ? d : 1);
}

/* Returns the delay to the next wall-clock boundary of tick_ms, and notes it
 * as the time the tick is due. */
static uint64_t ms_to_next_tick(struct app *app)
{
	int64_t period = app->cfg.tick_ms, ms = app_ms(app);
	app->tick_due_ms = ms - ms % period + period;
	return wall_delay(app, app->tick_due_ms, ms);
}

/* True until every source has read what it found at start once, and for the
 * tick after: the tick stats count those ticks apart (the board is still
 * catching up). The tick that first finds every source settled still
 * applies what their last passes read since the tick before: up to a loop's
 * worth of backlog (most of a big centre's agents changed: each visited and
 * read again, each one's JSON written again), not a tick's lines. */
static bool tick_catching_up(struct app *app)
{
	for (size_t i = 0; i < app->n_sources && !app->caught_up; i++) {
		enum source_state st = app->sources[i]->info.state;
		if (st == SRC_STARTING || st == SRC_LAGGING) {
			app->settled = false;
			return true;
		}
	}
	if (!app->caught_up && !app->settled) {
		app->settled = true;
		return true;
	}
	app->caught_up = true;
	return false;
}

/* One tick at now: the sources' timers, the model's clock (the wall's; a
 * replay's follows its events), then a refresh published to the outputs. */
static void tick_once(struct app *app, int64_t now)
{
	/* the last snapshot still read off the loop thread (its JSON line, which
	 * takes far less than a tick but for a starved host): this tick makes
	 * none; the model and the snapshot stay as they are until the next */
	if (outputs_busy(&app->out))
		return;
	model_release_names(app->model);    /* those the last snapshot no longer shows */
	outputs_tick_mark();
	outputs_tick_startup(tick_catching_up(app));
	for (size_t i = 0; i < app->n_sources; i++)
		source_tick(app->sources[i], now);
	outputs_tick_phase(TICK_SOURCES);
	if (app->mode->clock == RUN_CLOCK_WALL) {
		history_tick(app, now);
		demo_step(app, now);
		outputs_tick_phase(TICK_HISTORY);
		model_advance(app->model, now);
		outputs_tick_phase(TICK_ADVANCE);
		contacts_advance(app->contacts, now * 1000);
		outputs_tick_phase(TICK_CONTACTS);
	}
	refresh(app, true);
}

static void on_tick(uv_timer_t *t)
{
	struct app *app = t->data;
	int64_t ms = app_ms(app), now = ms / 1000;

	/* libuv's loop clock counts whole milliseconds, so the timer may fire up
	 * to 1 ms before the boundary: wait for the rest rather than tick twice
	 * in one period (and skip the next). */
	if (ms < app->tick_due_ms) {
		uv_update_time(app->loop);
		uv_timer_start(&app->tick, on_tick, wall_delay(app, app->tick_due_ms, ms), 0);
		return;
	}
	tick_once(app, now);
	if (!app->stopping) {
		uv_update_time(app->loop);      /* the work above took time */
		uv_timer_start(&app->tick, on_tick, ms_to_next_tick(app), 0);
	}
}

/* ---- signals and shutdown ------------------------------------------------------ */

static void close_handle(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static void stop(struct app *app, int code)
{
	if (app->stopping)
		return;
	app->stopping = true;
	app->exit_code = code;
	outputs_stop(&app->out);          /* the screen's goes with it */
	app->ui = NULL;
	for (size_t i = 0; i < app->n_sources; i++)
		source_close(app->sources[i]);
	app->n_sources = 0;
	if (app->alertlog)
		alertlog_close(app->alertlog);
	app->alertlog = NULL;
	uv_walk(app->loop, close_handle, NULL);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct app *app = h->data;
	if (signum == SIGHUP) {
		reload_config(app);
		alertlog_reopen(app->alertlog);   /* after a rotation (mv + HUP) */
	} else if (app->mode->owed && !app->printed_last) {
		/* a script must not read an empty or cut-short output as success */
		eprintf("ccboard: interrupted by %s before the %s\n",
		        signum == SIGINT ? "SIGINT" : "SIGTERM", app->mode->owed);
		stop(app, 128 + signum);
	} else {
		stop(app, 0);
	}
}

static void ui_quit(void *ctx)
{
	stop(ctx, 0);
}

/* Key a: the alerts' state changes, and with it the snapshot's alert list
 * (alerts_ack marks the list the snapshot points at): drawn again, not
 * evaluated again. */
static void ui_ack(void *ctx)
{
	struct app *app = ctx;
	alerts_ack(app->alerts);
	outputs_republish(&app->out, app->screen);
}

/* A key that changes only the view: the current snapshot drawn again; one
 * built with the agents' figures brief is built again whole when the view
 * now reads them (the Agents view). */
static void ui_redraw(void *ctx)
{
	struct app *app = ctx;
	if (app->out.built && app->out.snap.agent_figs_brief &&
	    outputs_read_agent_figs(&app->out, &app->cfg))
		refresh(app, true);
	else
		outputs_republish(&app->out, app->screen);
}

/* ---- start-up ------------------------------------------------------------------- */

static int open_sources(struct app *app)
{
	const char *const *specs = (const char *const *)app->opt.sources;
	size_t n = (size_t)app->opt.n_sources;
	struct source_sink sink = { app, on_line, on_event, on_source_done };
	struct source_opts so = { .follow = !app->mode->to_end,
	                          .snapshot = run_mode_reads_snapshot(app->mode),
	                          .max_line = 64 * 1024, .cfg = &app->cfg,
	                          .parse = app->mode->to_end, .contact = on_contact };

	if (n == 0 && !app->opt.demo) {
		specs = (const char *const *)app->cfg.sources;
		n = app->cfg.n_sources;
	}
	/* a board fed only by POST /events needs no other source */
	if (n == 0 && !app->opt.demo && outputs_find(&app->out, "http") && !app->mode->to_end)
		return 0;
	if (n == 0 && !app->opt.demo) {
		fputs("ccboard: no source: give a queue_log file, '-' for standard input, or --demo\n"
		      "Try 'ccboard --help'.\n", stderr);
		return -1;
	}
	app->sources = xcalloc(n ? n : 1, sizeof *app->sources);
	/* replayed files: their lines into the model in time order, not file after file */
	so.merge = app->mode->to_end ? replay_merge_new() : NULL;
	if (so.merge && app->hist.next)   /* a replay waits for each day's past */
		replay_merge_gate(so.merge, history_gate, app);
	for (size_t i = 0; i < n; i++) {
		char *cause = NULL;
		struct source *src = source_open(app->loop, specs[i], &so, &sink, &cause);
		if (src == NULL) {
			eprintf("ccboard: %s: %s\n", specs[i], cause ? cause : "cannot open");
			free(cause);
			replay_merge_unref(so.merge);
			return -1;
		}
		app->sources[app->n_sources++] = src;
	}
	replay_merge_unref(so.merge);
	return 0;
}

static void start_demo(struct app *app)
{
	int64_t now = app_ms(app) / 1000;
	app->demo = demo_new(app->opt.seed, now);
	snprintf(app->demo_src.info.name, sizeof app->demo_src.info.name, "demo");
	app->demo_src.info.kind = "demo";
	app->demo_src.info.state = SRC_FOLLOWING;
	demo_step(app, now);
}

/* Adds one output of the run mode's list. Returns -1 after a message. */
static int start_output(struct app *app, enum run_output kind)
{
	char *cause = NULL;
	struct ui_actions act = { app, ui_quit, ui_ack, ui_redraw };
	switch (kind) {
	case RUN_OUT_SCREEN:
		app->ui = ui_new(app->loop, &app->cfg, app->opt.theme, &act, &cause);
		if (app->ui == NULL) {
			eprintf("ccboard: %s\n", cause ? cause : "cannot start the screen");
			free(cause);
			return -1;
		}
		if (app->opt.view)
			ui_show_view(app->ui, app->opt.view);
		if (app->opt.cycle_s)
			ui_set_cycle(app->ui, app->opt.cycle_s);
		outputs_add(&app->out, out_screen(app->ui));
		app->screen = outputs_find(&app->out, "screen");
		return 0;
	case RUN_OUT_JSON_LIVE:   /* a slow reader gets the newest snapshot */
	case RUN_OUT_JSON:        /* a replay's series and --once go out whole */
	case RUN_OUT_TEXT:
		outputs_add(&app->out, out_print_new(app->loop, STDOUT_FILENO,
		            kind == RUN_OUT_TEXT ? OUT_PRINT_TEXT : OUT_PRINT_JSON,
		            kind == RUN_OUT_JSON_LIVE ? OUT_KEEP_NEWEST : OUT_KEEP_ALL,
		            on_output_fail, app));
		return 0;
	}
	return -1;
}

/* The HTTP listener, from --http, or from [http] listen in a run that does not
 * end by itself (a --once beside a running service must not fight for its
 * port). Returns -1 after a message. */
static int start_http(struct app *app)
{
	const char *listen = app->opt.http;
	if (!listen && !app->mode->exits_at_end)
		listen = app->cfg.http_listen;
	if (!listen)
		return 0;
	struct http_conf hc = { listen, app->cfg.http_token_file, (size_t)app->cfg.http_max_body };
	struct source_sink sink = { app, on_line, on_event, NULL };
	char *cause = NULL;
	struct output out = http_new(app->loop, &hc, &sink, &cause);
	if (out.ops == NULL) {
		eprintf("ccboard: http: %s\n", cause ? cause : "cannot start");
		free(cause);
		return -1;
	}
	outputs_add(&app->out, out);
	if (!app->mode->screen)
		eprintf("ccboard: http: listening on %s\n", listen);
	return 0;
}

static int start_outputs(struct app *app)
{
	char *cause = NULL;
	if (app->cfg.alert_log || app->cfg.alert_exec) {
		app->alertlog = alertlog_new(app->loop, app->cfg.alert_log, app->cfg.alert_exec,
		                             (uint64_t)app->cfg.alert_exec_timeout_s * 1000, &cause);
		if (app->alertlog == NULL) {
			eprintf("ccboard: alerts: %s\n", cause ? cause : "cannot start");
			free(cause);
			return -1;
		}
	}
	for (int i = 0; i < app->mode->n_outputs; i++)
		if (start_output(app, app->mode->outputs[i]) != 0)
			return -1;
	return start_http(app);
}

static void start_signals(struct app *app)
{
	uv_signal_t *sigs[] = { &app->sig_int, &app->sig_term, &app->sig_hup };
	int nums[] = { SIGINT, SIGTERM, SIGHUP };
	for (int i = 0; i < 3; i++) {
		uv_signal_init(app->loop, sigs[i]);
		sigs[i]->data = app;
		uv_signal_start(sigs[i], on_signal, nums[i]);
		uv_unref((uv_handle_t *)sigs[i]);
	}
	signal(SIGPIPE, SIG_IGN);
}

static int check_config(struct app *app, int errors)
{
	if (app->config_path == NULL) {
		printf("no configuration file found; the built-in defaults apply\n");
		return 0;
	}
	if (errors > 0) {
		eprintf("%s: %d error%s\n", app->config_path, errors, errors == 1 ? "" : "s");
		return 2;
	}
	printf("%s: OK\n", app->config_path);
	return 0;
}

static int run(struct app *app)
{
	int errors;

	app->config_path = app->opt.config_path ? xstrdup(app->opt.config_path) : config_find();
	errors = load_config(&app->cfg, app->config_path, app->opt.check_config);
	if (app->opt.check_config)
		return check_config(app, errors);
	if (errors > 0) {
		eprintf("ccboard: %s: %d error%s in the configuration\n", app->config_path,
		        errors, errors == 1 ? "" : "s");
		return 2;
	}
	if (app->opt.only && !app->opt.only_queue &&
	    !config_group(&app->cfg, app->opt.only).name) {
		eprintf("ccboard: --group %s: no [group.%s] in the configuration\n", app->opt.only,
		        app->opt.only);
		return 2;
	}
	app->out.snap.only = app->opt.only;         /* every output reads one team only */
	app->out.snap.only_queue = app->opt.only_queue;
	if (app->opt.import)
		return run_import(app);
	app->model = model_new(&app->cfg);
	struct contacts_conf cc;
	contacts_conf_from(&cc, &app->cfg);
	app->contacts = contacts_new(&cc);
	app->alerts = alerts_new(app->cfg.alert_rules);
	start_history(app);
	start_signals(app);
	if (start_outputs(app) != 0)
		return 2;
	util_set_fatal_hook(ui_emergency_restore);
	uv_timer_init(app->loop, &app->tick);
	app->tick.data = app;
	if (open_sources(app) != 0) {
		stop(app, 2);
		return 2;
	}
	if (app->opt.demo)
		start_demo(app);

	/* the screen shows at once; the stream's ticks fall on the wall's seconds */
	if (app->mode->cadence == RUN_EACH_TICK)
		uv_timer_start(&app->tick, on_tick, app->mode->screen ? 0 : ms_to_next_tick(app), 0);
	if (app->n_sources == 0 && app->mode->to_end)
		finish(app);
	uv_run(app->loop, UV_RUN_DEFAULT);
	return app->exit_code;
}

/* A closed standard descriptor would be taken by the next file opened (and
 * libuv refuses fds 0-2 for its own use): point it at /dev/null. Returns
 * false if standard output was closed. */
static bool guard_std_fds(void)
{
	bool stdout_ok = true;
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (fd == 1)
			stdout_ok = false;
		int nfd = open("/dev/null", O_RDWR);
		if (nfd >= 0 && nfd != fd) {
			dup2(nfd, fd);
			close(nfd);
		}
	}
	return stdout_ok;
}

/* One malloc arena for every thread. glibc gives each thread that allocates
 * an arena of its own; the live JSON line is formatted by whichever of
 * libuv's pool threads takes the job, and the agents' kept texts it writes
 * (megabytes on a big floor, replaced a few at a time) spread over up to
 * four arenas, each keeping its own free space: 2.5 to 4.6 MB more peak RSS
 * with 10,000 agents, for no speed the two threads need (they allocate
 * little at once). A MALLOC_ARENA_MAX of the user's stays. */
static void malloc_one_arena(void)
{
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
	if (!getenv("MALLOC_ARENA_MAX"))
		mallopt(M_ARENA_MAX, 1);
#endif
}

int main(int argc, char **argv)
{
	struct app app;
	int rc;

	malloc_one_arena();
	setlocale(LC_CTYPE, "");
	memset(&app, 0, sizeof app);
	bool stdout_ok = guard_std_fds();
	rc = parse_options(argc, argv, &app.opt);
	if (rc != 0)
		return rc < 0 ? 2 : 0;
	app.mode = app.opt.headless ? run_mode_headless(app.opt.replay)
	                            : run_mode_decide(app.opt.replay, app.opt.once, app.opt.json);
	if (!stdout_ok && !app.mode->screen) {
		fputs("ccboard: standard output is closed\n", stderr);
		return 1;
	}
	app.loop = uv_default_loop();
	app.clock_origin_ms = wall_ms();      /* --demo-speed's clock starts now */
	rc = run(&app);
	if (!app.stopping)
		stop(&app, rc);
	uv_run(app.loop, UV_RUN_DEFAULT);
	rc = outputs_close(&app.out, rc);     /* writes what standard output still owes */
	if (uv_loop_close(app.loop) != 0)
		eprintf("ccboard: internal: handles left open at exit\n");
	alerts_free(app.alerts);
	finish_history(&app);
	model_free(app.model);
	contacts_free(app.contacts);
	demo_free(app.demo);
	free(app.sources);
	free(app.src_seen);
	free(app.config_path);
	config_free(&app.cfg);
	return rc;
}
