/* runmode.h - how a run goes, decided once from --replay, --once and --json:
 * the clock the model follows, when the outputs get a snapshot, how the
 * sources are read and which outputs there are. One row per combination of
 * the options (runmode.c), so no other code tests the options again. */
#ifndef CCBOARD_RUNMODE_H
#define CCBOARD_RUNMODE_H

#include <stdbool.h>

/* The model's clock: the host's, or the events' own times (--replay). */
enum run_clock { RUN_CLOCK_WALL, RUN_CLOCK_REPLAY };

/* When the outputs get a snapshot while the sources are being read. */
enum run_cadence {
	RUN_EACH_TICK,          /* every tick of the wall clock */
	RUN_EACH_LOG_SECOND,    /* each time the log's time passes a second */
	RUN_AT_END,             /* only once the sources are read */
};

/* The kinds of output. */
enum run_output {
	RUN_OUT_SCREEN,         /* the wallboard on the terminal */
	RUN_OUT_JSON_LIVE,      /* JSON lines on standard output; a slow reader gets the newest */
	RUN_OUT_JSON,           /* JSON lines on standard output, every one */
	RUN_OUT_TEXT,           /* the text table on standard output */
};

#define RUN_MAX_OUTPUTS 2

struct run_mode {
	const char *name;               /* for messages and tests: "screen", "replay json", ... */
	enum run_clock clock;
	enum run_cadence cadence;
	bool to_end;                    /* sources are read to their end, then the run finishes;
	                                   else they are followed */
	bool exits_at_end;              /* the run stops after the last snapshot (no screen) */
	const char *owed;               /* what an interrupt before the end cuts short
	                                   ("snapshot", "last snapshot"): the run then fails;
	                                   NULL when nothing is owed */
	bool screen;                    /* the screen owns the terminal: no messages on stderr */
	int n_outputs;
	enum run_output outputs[RUN_MAX_OUTPUTS];
};

/* Returns the mode of these options (static). */
const struct run_mode *run_mode_decide(bool replay, bool once, bool json);

/* Returns the mode of --headless (with --replay or not): sources, model and
 * alerts without a screen or standard output, as a service; the HTTP
 * listener, when configured, is its output. Static. */
const struct run_mode *run_mode_headless(bool replay);

/* True when the sources read what is there now and stop (--once on the live
 * clock), rather than from where a replay would start. */
bool run_mode_reads_snapshot(const struct run_mode *m);

#endif
