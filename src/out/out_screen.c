/* out_screen.c - the screen output: a thin adapter over ui.c. */
#include "out_screen.h"

static void screen_publish(void *ctx, const struct snapshot *s)
{
	ui_draw(ctx, s);
}

static void screen_alert(void *ctx, const struct alert_event *ev)
{
	if (ev->alert.severity == SEV_CRITICAL &&
	    (ev->change == ALERT_RAISED || ev->change == ALERT_ESCALATED))
		ui_alert(ctx, &ev->alert);
}

static void screen_stop(void *ctx)
{
	ui_free(ctx);
}

static bool screen_reads_agent_figs(void *ctx)
{
	return ui_reads_agent_figs(ctx);
}

static const struct output_ops screen_ops = {
	.name = "screen",
	.publish = screen_publish,
	.alert = screen_alert,
	.stop = screen_stop,
	.reads_agent_figs = screen_reads_agent_figs,
};

struct output out_screen(struct ui *ui)
{
	return (struct output){ &screen_ops, ui };
}
