/* ui.h - the ncurses wallboard: a thin shell over the snapshot. The only
 * module (with its ui_*.c, theme.c, glyphs.c) that includes curses. */
#ifndef CCBOARD_UI_H
#define CCBOARD_UI_H

#include <stdbool.h>
#include <uv.h>
#include "config.h"
#include "snapshot.h"

struct ui;

/* What the screen asks of the app. Any may be NULL. */
struct ui_actions {
	void *ctx;
	void (*quit)(void *ctx);
	void (*ack_alerts)(void *ctx);
	void (*redraw)(void *ctx);    /* the app should hand a fresh snapshot to ui_draw */
};

/* Starts the screen on /dev/tty (keyboard polled on the loop, SIGWINCH
 * handled). theme: --theme value or NULL for cfg->theme. Returns NULL with
 * *cause (malloc'ed) when there is no terminal or the theme is unusable. */
struct ui *ui_new(uv_loop_t *loop, const struct config *cfg, const char *theme,
                  const struct ui_actions *actions, char **cause);

/* Takes a reloaded configuration (kept, not owned): the bell
 * and the themes' directory follow it from the next frame. */
void ui_set_config(struct ui *ui, const struct config *cfg);

/* The screen's views (pages.h): whether name is one, and their names
 * ("queues, channels, ...") for messages. Usable before ui_new. */
bool ui_view_exists(const char *name);
const char *ui_view_names(void);
/* Shows the view called name (one ui_view_exists accepts) from the next frame. */
void ui_show_view(struct ui *ui, const char *name);

/* --cycle SECONDS: every SECONDS the screen shows the next part of its view
 * (the queue table's next rows), then the next view; a key holds the
 * rotation for a minute. 0: off. */
void ui_set_cycle(struct ui *ui, int seconds);

/* Whether the screen's view reads the agents' figures whole (the Agents
 * view; any view while --cycle rotates: the next may be it). */
bool ui_reads_agent_figs(const struct ui *ui);

/* Draws s (one doupdate). Called every tick and after input. */
void ui_draw(struct ui *ui, const struct snapshot *s);

/* Rings the bell or flashes (rate-limited inside) for a new critical alert. */
void ui_alert(struct ui *ui, const struct snap_alert *a);

/* Restores the terminal and closes the ui's handles; safe to call twice. */
void ui_free(struct ui *ui);

/* Restores the terminal if a ui is live (for fatal errors). */
void ui_emergency_restore(void);

#endif
