/* runmode.c - the run modes: one row per combination of --replay, --once and
 * --json. */
#include "runmode.h"

enum { REPLAY = 1, ONCE = 2, JSON = 4 };

static const struct run_mode run_modes[8] = {
	[0] = { "screen", RUN_CLOCK_WALL, RUN_EACH_TICK, .screen = true,
	        .n_outputs = 1, .outputs = { RUN_OUT_SCREEN } },
	[JSON] = { "json stream", RUN_CLOCK_WALL, RUN_EACH_TICK,
	        .n_outputs = 1, .outputs = { RUN_OUT_JSON_LIVE } },
	[ONCE] = { "once", RUN_CLOCK_WALL, RUN_AT_END, .to_end = true, .exits_at_end = true,
	        .owed = "snapshot", .n_outputs = 1, .outputs = { RUN_OUT_TEXT } },
	[ONCE | JSON] = { "once json", RUN_CLOCK_WALL, RUN_AT_END, .to_end = true,
	        .exits_at_end = true, .owed = "snapshot",
	        .n_outputs = 1, .outputs = { RUN_OUT_JSON } },
	/* the screen keeps showing the end of a replay until q */
	[REPLAY] = { "replay screen", RUN_CLOCK_REPLAY, RUN_EACH_TICK, .to_end = true,
	        .screen = true, .n_outputs = 1, .outputs = { RUN_OUT_SCREEN } },
	[REPLAY | JSON] = { "replay json", RUN_CLOCK_REPLAY, RUN_EACH_LOG_SECOND, .to_end = true,
	        .exits_at_end = true, .owed = "last snapshot",
	        .n_outputs = 1, .outputs = { RUN_OUT_JSON } },
	[REPLAY | ONCE] = { "replay once", RUN_CLOCK_REPLAY, RUN_AT_END, .to_end = true,
	        .exits_at_end = true, .owed = "snapshot",
	        .n_outputs = 1, .outputs = { RUN_OUT_TEXT } },
	[REPLAY | ONCE | JSON] = { "replay once json", RUN_CLOCK_REPLAY, RUN_AT_END,
	        .to_end = true, .exits_at_end = true, .owed = "snapshot",
	        .n_outputs = 1, .outputs = { RUN_OUT_JSON } },
};

const struct run_mode *run_mode_decide(bool replay, bool once, bool json)
{
	return &run_modes[(replay ? REPLAY : 0) | (once ? ONCE : 0) | (json ? JSON : 0)];
}

bool run_mode_reads_snapshot(const struct run_mode *m)
{
	return m->to_end && m->clock == RUN_CLOCK_WALL;
}

/* Headless: nothing on the terminal; the run ends on SIGTERM or SIGINT. A
 * replay keeps serving the end of its log until then. */
static const struct run_mode headless_modes[2] = {
	{ "headless", RUN_CLOCK_WALL, RUN_EACH_TICK, .n_outputs = 0 },
	{ "replay headless", RUN_CLOCK_REPLAY, RUN_EACH_TICK, .to_end = true, .n_outputs = 0 },
};

const struct run_mode *run_mode_headless(bool replay)
{
	return &headless_modes[replay ? 1 : 0];
}
