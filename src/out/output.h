/* output.h - the one snapshot of a run and the outputs that read it (the
 * screen, standard output; next the HTTP endpoints and history).
 *
 * A refresh builds the snapshot from the model (snapshot_build has no side
 * effects), lets the shell add the sources' health, evaluates the alerts on
 * it once, and may publish it: every output gets the same snapshot. An output
 * that needs the current picture again (the screen after a key) is handed the
 * snapshot already built; nothing is evaluated twice. */
#ifndef CCBOARD_OUTPUT_H
#define CCBOARD_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "alerts.h"
#include "config.h"
#include "model.h"
#include "snapshot.h"

/* What an output kind does. Only publish is required. */
struct output_ops {
	const char *name;                                      /* "screen", "stdout" */
	void (*publish)(void *ctx, const struct snapshot *s);
	/* an alert changed (during a refresh, before the publish) */
	void (*alert)(void *ctx, const struct alert_event *ev);
	/* the output's own trouble as a pseudo-source; false while there is none */
	bool (*health)(void *ctx, struct snap_source *out);
	/* closes its loop handles; publish is not called afterwards */
	void (*stop)(void *ctx);
	/* once the loop has ended: writes what is left, frees ctx; returns the
	 * exit status given rc, the status so far */
	int (*close)(void *ctx, int rc);
	/* true while the output still reads the last snapshot off the loop
	 * thread (a line being formatted): the snapshot must not change, so the
	 * refresh asked is skipped, and the output counts it as dropped */
	bool (*busy)(void *ctx);
	/* blocks until the output's work off the loop thread is done (before
	 * what it reads changes: a configuration reloaded) */
	void (*wait)(void *ctx);
	/* starts the work off the loop thread publish prepared: called right
	 * after publish, once the tick is timed (its CPU is not the tick's) */
	void (*launch)(void *ctx);
	/* whether what it publishes now reads the agents' figures beyond the
	 * brief ones (snapshot.agent_figs_brief): their counts, times, queues.
	 * NULL: it does */
	bool (*reads_agent_figs)(void *ctx);
};

struct output {
	const struct output_ops *ops;
	void *ctx;
};

#define OUTPUTS_MAX 4

/* Where the model's picture is fed from in a refresh. */
struct output_feed {
	const struct model *model;
	const struct config *cfg;
	struct alerts *alerts;
	void (*collect)(void *ctx, struct snapshot *s);        /* fills s->sources */
	alert_event_fn on_alert;                                /* may be NULL */
	void *ctx;
};

struct outputs {
	struct snapshot snap;           /* the one snapshot every output reads */
	bool built;                     /* snap holds a refresh */
	bool stopped;
	size_t n;
	struct output v[OUTPUTS_MAX];
};

/* Whether an output of o, or an alert rule of cfg, reads the agents'
 * figures whole now: a refresh builds them brief when none does (a big
 * floor's figures read whole are most of a snapshot's build). */
bool outputs_read_agent_figs(const struct outputs *o, const struct config *cfg);

/* Adds out to o (at most OUTPUTS_MAX). o starts zeroed. */
void outputs_add(struct outputs *o, struct output out);

/* Returns the output named name, or NULL. */
const struct output *outputs_find(const struct outputs *o, const char *name);

/* Builds o->snap from the model, collects the sources, evaluates the alerts
 * once at the snapshot's time (each change goes to f->on_alert, then to every
 * output), then, when publish is true, publishes. */
void outputs_refresh(struct outputs *o, const struct output_feed *f, bool publish);

/* Notes the start of a tick (before the model's clock moves): the next
 * published refresh ends it (tick stats, CCBOARD_TICK_STATS). */
void outputs_tick_mark(void);

/* Marks the tick under way as one of the start, while a source still reads
 * the backlog it found: the tick stats count those apart. */
void outputs_tick_startup(bool startup);

/* The phases of a tick the shell times (the refresh times its own). */
enum tick_phase { TICK_SOURCES, TICK_HISTORY, TICK_ADVANCE, TICK_CONTACTS, TICK_PHASES_SHELL };

/* Counts the time since the last mark (or phase) as phase's (a negative
 * phase: as none), for the tick stats' phase lines. */
void outputs_tick_phase(int phase);

/* Notes one job an output ran off the loop thread for the last snapshot
 * published (name: "json"), its CPU and wall-clock time: the tick stats
 * report them apart ("worker:NAME"), as the loop no longer pays them; not
 * those of the ticks they leave out (the first, the start-up's). On the loop
 * thread. */
void outputs_worker_time(const char *name, uint64_t cpu_ns, uint64_t wall_ns);

/* True when an output still reads o->snap off the loop thread: the caller
 * skips its tick (nothing may change the snapshot, nor what it points at in
 * the model), and the output counts the snapshot it misses as dropped. */
bool outputs_busy(const struct outputs *o);

/* Blocks until no output reads o->snap off the loop thread (what they read is
 * about to change: a reload). */
void outputs_wait(const struct outputs *o);

/* Hands o->snap to every output (nothing before the first refresh or after
 * outputs_stop). */
void outputs_publish(const struct outputs *o);

/* Hands o->snap to one output again (a redraw). */
void outputs_republish(const struct outputs *o, const struct output *out);

/* Adds each output's trouble to dst (room entries at most); returns how many. */
size_t outputs_health(const struct outputs *o, struct snap_source *dst, size_t room);

/* Stops every output (repeatable). */
void outputs_stop(struct outputs *o);

/* After the loop: closes every output; returns the exit status given rc.
 * Frees the snapshot (and s->sources, which collect allocates). */
int outputs_close(struct outputs *o, int rc);

#endif
