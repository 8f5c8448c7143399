/* ui.c - the screen's shell: the terminal, the keyboard on the loop, SIGWINCH,
 * themes and the bell. Drawing itself is in ui_draw.c. */
#include "ui.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <curses.h>
#include <term.h>   /* setupterm, for ui_check_term */
#undef bell          /* a term.h capability macro; ours is cfg->bell */

#include "glyphs.h"
#include "pages.h"
#include "theme.h"
#include "ui_draw.h"
#include "util.h"

#define UI_BELL_INTERVAL_MS 10000   /* at most one bell or flash per 10 s */
#define UI_NOTE_S 3                 /* how long a footer note stays */
#define UI_CYCLE_HOLD_MS 60000      /* --cycle: a key holds the rotation this long */
#define UI_KEYS_PER_PASS 64         /* keys handled per callback; the rest on the next pass */

struct ui {
	uv_loop_t *loop;
	const struct config *cfg;
	struct ui_actions actions;
	FILE *in, *out;
	bool own_out;
	SCREEN *scr;
	bool live;                 /* curses is up (endwin not yet called) */
	uv_poll_t poll;
	uv_signal_t winch;
	uv_timer_t more;           /* another pass when a pass stopped at UI_KEYS_PER_PASS */
	int open_handles;          /* freed when the last close callback ran */
	struct ui_view view;
	struct theme theme;
	enum theme_level level;
	uint64_t last_bell_ms;
	bool rang;
	int64_t as_of;             /* of the last snapshot drawn */
	int cycle_s;               /* --cycle: seconds between steps; 0: off */
	uint64_t cycle_next_ms;    /* loop time of the next step */
	uint64_t cycle_hold_ms;    /* a key holds the rotation until then */
};

static struct ui *ui_live;     /* for ui_emergency_restore */

static const char *const ui_theme_cycle[] = {
	"default", "light", "high-contrast", "colorblind", "mono",
};

static void ui_redraw(struct ui *ui)
{
	if (ui->actions.redraw)
		ui->actions.redraw(ui->actions.ctx);
}

/* Loads theme name into ui->theme. Returns 0 or -1 with *cause. */
static int ui_load_theme(struct ui *ui, const char *name, char **cause)
{
	char *path = theme_find(name, ui->cfg ? ui->cfg->themes_dir : NULL, cause);
	struct theme t;
	int rc;

	if (!path)
		return -1;
	rc = theme_load(&t, path, cause);
	free(path);
	if (rc == 0)
		ui->theme = t;
	return rc;
}

/* Applies ui->theme to the screen and the view. */
static void ui_apply_theme(struct ui *ui)
{
	theme_apply(&ui->theme, ui->level, ui->view.attr);
	snprintf(ui->view.theme_name, sizeof ui->view.theme_name, "%s%s", ui->theme.name,
	         ui->level == THEME_MONO && strcmp(ui->theme.name, "mono") != 0 ?
	         " (no colour)" : "");
}

/* Key t: the next theme of the cycle that loads. */
static void ui_next_theme(struct ui *ui)
{
	size_t n = sizeof ui_theme_cycle / sizeof ui_theme_cycle[0], at = n - 1;
	char note[96];

	for (size_t i = 0; i < n; i++)
		if (strcmp(ui->theme.name, ui_theme_cycle[i]) == 0)
			at = i;
	for (size_t k = 1; k <= n; k++) {
		char *cause = NULL;

		if (ui_load_theme(ui, ui_theme_cycle[(at + k) % n], &cause) == 0)
			break;
		free(cause);
	}
	ui_apply_theme(ui);
	snprintf(note, sizeof note, "theme %s%s", ui->theme.name,
	         ui->level == THEME_MONO ? " (no colour here)" : "");
	ui_view_note(&ui->view, note, ui->as_of + UI_NOTE_S);
	clearok(curscr, TRUE);   /* pairs changed under unchanged cells */
}

/* The one place the screen changes size (SIGWINCH). resize_term queues no
 * KEY_RESIZE, unlike resizeterm, which queues one on every call (ncurses 6.4). */
static void ui_resize(struct ui *ui)
{
	struct winsize ws;

	if (ioctl(fileno(ui->out), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

/* One key; returns true when the screen should be drawn again. The view
 * (and its page, which may be taking text such as a filter) sees it first. */
static bool ui_key(struct ui *ui, int ch)
{
	if (ch == KEY_RESIZE)   /* only a redraw: the size changes in ui_on_winch alone */
		return true;
	if (ui->cycle_s) {      /* someone is at the keyboard: hold the rotation a minute */
		ui->cycle_hold_ms = uv_now(ui->loop) + UI_CYCLE_HOLD_MS;
		ui_view_note(&ui->view, "rotation paused for a minute", ui->as_of + UI_NOTE_S);
	}
	if (ui_view_key(&ui->view, ch))
		return true;
	switch (ch) {
	case 'q': case 'Q':
		if (ui->actions.quit)
			ui->actions.quit(ui->actions.ctx);
		return false;
	case 'a': case 'A':
		if (ui->actions.ack_alerts)
			ui->actions.ack_alerts(ui->actions.ctx);
		ui_view_note(&ui->view, "alerts acknowledged", ui->as_of + UI_NOTE_S);
		return true;
	case 12:   /* Ctrl-L */
		clearok(curscr, TRUE);
		return true;
	case 't': case 'T':
		ui_next_theme(ui);
		return true;
	}
	return false;
}

static void ui_on_more(uv_timer_t *h);

/* Handles at most UI_KEYS_PER_PASS queued keys, so that no stream of keys can
 * starve the loop; arms another pass when keys may remain. Returns true when
 * the screen should be drawn again. */
static bool ui_drain_keys(struct ui *ui)
{
	bool redraw = false;
	int ch, n = 0;

	while (ui->live && n < UI_KEYS_PER_PASS && (ch = wgetch(stdscr)) != ERR) {
		redraw |= ui_key(ui, ch);
		n++;
	}
	if (n == UI_KEYS_PER_PASS && ui->live)
		uv_timer_start(&ui->more, ui_on_more, 1, 0);
	return redraw;
}

static void ui_on_more(uv_timer_t *h)
{
	struct ui *ui = h->data;

	if (ui->live && ui_drain_keys(ui) && ui->live)
		ui_redraw(ui);
}

static void ui_on_tty(uv_poll_t *h, int status, int events)
{
	struct ui *ui = h->data;

	if (status < 0 || (events & UV_DISCONNECT)) {
		uv_poll_stop(h);   /* the terminal went away: nothing to show on */
		if (ui->actions.quit)
			ui->actions.quit(ui->actions.ctx);
		return;
	}
	if (ui_drain_keys(ui) && ui->live)
		ui_redraw(ui);
}

/* SIGWINCH: the new size, the keys queued meanwhile, then one frame laid out
 * for the new size. */
static void ui_on_winch(uv_signal_t *h, int signum)
{
	struct ui *ui = h->data;

	(void)signum;
	if (!ui->live)
		return;
	ui_resize(ui);
	ui_drain_keys(ui);
	if (ui->live)
		ui_redraw(ui);
}

/* Opens the terminal: input from /dev/tty, output to stdout when it is one. */
static int ui_open_tty(struct ui *ui, char **cause)
{
	ui->in = fopen("/dev/tty", "re");   /* "e": O_CLOEXEC, no hook inherits it */
	if (!ui->in) {
		*cause = xasprintf("no terminal for the screen (/dev/tty: %s); use --json or --once",
		                   strerror(errno));
		return -1;
	}
	if (isatty(STDOUT_FILENO)) {
		ui->out = stdout;
	} else {
		ui->out = fopen("/dev/tty", "we");
		ui->own_out = true;
		if (!ui->out) {
			*cause = xasprintf("/dev/tty: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Refuses, before curses touches the terminal, a TERM that is unknown or
 * cannot move the cursor (dumb, hard copy): the board would scroll garbage. */
static int ui_check_term(struct ui *ui, char **cause)
{
	const char *term = getenv("TERM");
	char *cup;
	int err = 0, hard;

	if (!term || !*term || setupterm(term, fileno(ui->out), &err) != OK) {
		*cause = xasprintf("cannot drive the terminal (TERM=%s); use --json or --once",
		                   term && *term ? term : "unset");
		return -1;
	}
	cup = tigetstr("cup");
	hard = tigetflag("hc") > 0 || tigetflag("gn") > 0;
	del_curterm(cur_term);
	if (cup == NULL || cup == (char *)-1 || hard) {
		*cause = xasprintf("the terminal cannot place the cursor (TERM=%s): set TERM to "
		                   "your terminal's type, or use --json or --once", term);
		return -1;
	}
	return 0;
}

static int ui_start_curses(struct ui *ui, char **cause)
{
	const char *term = getenv("TERM");

	if (ui_check_term(ui, cause) < 0)
		return -1;
	ui->scr = newterm(NULL, ui->out, ui->in);
	if (!ui->scr) {
		*cause = xasprintf("cannot drive the terminal (TERM=%s)", term ? term : "unset");
		return -1;
	}
	set_term(ui->scr);
	ui->live = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	leaveok(stdscr, TRUE);
	if (has_colors() && !(getenv("NO_COLOR") && *getenv("NO_COLOR"))) {
		start_color();
		use_default_colors();
	}
	ui->level = theme_level_for(COLORS, has_colors(), getenv("NO_COLOR"));
	return 0;
}

static void ui_close_tty(struct ui *ui)
{
	if (ui->live) {
		endwin();
		ui->live = false;
	}
	if (ui->scr) {
		delscreen(ui->scr);
		ui->scr = NULL;
	}
	if (ui->own_out && ui->out)
		fclose(ui->out);
	ui->out = NULL;
	if (ui->in)
		fclose(ui->in);
	ui->in = NULL;
}

struct ui *ui_new(uv_loop_t *loop, const struct config *cfg, const char *theme,
                  const struct ui_actions *actions, char **cause)
{
	struct ui *ui = xcalloc(1, sizeof *ui);
	const char *name = theme ? theme : cfg && cfg->theme ? cfg->theme : "default";

	ui->loop = loop;
	ui->cfg = cfg;
	if (actions)
		ui->actions = *actions;
	ui_view_init(&ui->view, glyphs_locale_is_utf8());
	if (ui_load_theme(ui, name, cause) < 0 || ui_open_tty(ui, cause) < 0) {
		ui_close_tty(ui);
		ui_view_free(&ui->view);
		free(ui);
		return NULL;
	}
	/* SIGWINCH is ours before newterm, so ncurses installs no handler of its own */
	uv_signal_init(loop, &ui->winch);
	ui->winch.data = ui;
	uv_signal_start(&ui->winch, ui_on_winch, SIGWINCH);
	uv_timer_init(loop, &ui->more);
	ui->more.data = ui;
	ui->open_handles = 2;
	if (ui_start_curses(ui, cause) < 0) {
		ui_close_tty(ui);
		ui_free(ui);
		return NULL;
	}
	ui_apply_theme(ui);
	uv_poll_init(loop, &ui->poll, fileno(ui->in));
	ui->poll.data = ui;
	uv_poll_start(&ui->poll, UV_READABLE | UV_DISCONNECT, ui_on_tty);
	ui->open_handles = 3;
	ui_live = ui;
	return ui;
}

void ui_set_config(struct ui *ui, const struct config *cfg)
{
	if (!ui)
		return;
	ui->cfg = cfg;
}

bool ui_view_exists(const char *name)
{
	return ui_page_find(name) >= 0;
}

const char *ui_view_names(void)
{
	return ui_page_names();
}

void ui_show_view(struct ui *ui, const char *name)
{
	int page = ui_page_find(name);

	if (page >= 0)
		ui->view.page = page;
}

void ui_set_cycle(struct ui *ui, int seconds)
{
	ui->cycle_s = seconds;
	ui->cycle_next_ms = uv_now(ui->loop) + (uint64_t)seconds * 1000;
}

/* --cycle: one step when it is due and no key holds it. */
static void ui_cycle(struct ui *ui)
{
	uint64_t now = uv_now(ui->loop);

	if (!ui->cycle_s || now < ui->cycle_hold_ms || now < ui->cycle_next_ms)
		return;
	ui->cycle_next_ms = now + (uint64_t)ui->cycle_s * 1000;
	ui_view_cycle(&ui->view, ui->as_of + ui->cycle_s);
}

bool ui_reads_agent_figs(const struct ui *ui)
{
	return !ui || ui->cycle_s || ui_pages[ui->view.page] == &page_agents;
}

void ui_draw(struct ui *ui, const struct snapshot *s)
{
	if (!ui || !ui->live || !s)
		return;
	ui->as_of = s->as_of;
	ui_cycle(ui);
	ui_draw_screen(&ui->view, s);
}

void ui_alert(struct ui *ui, const struct snap_alert *a)
{
	uint64_t now;

	if (!ui || !ui->live || !a || a->severity != SEV_CRITICAL || !ui->cfg || !ui->cfg->bell)
		return;
	now = uv_now(ui->loop);
	if (ui->rang && now - ui->last_bell_ms < UI_BELL_INTERVAL_MS)
		return;
	ui->rang = true;
	ui->last_bell_ms = now;
	if (ui->cfg->flash)
		flash();
	else
		beep();
}

static void ui_on_close(uv_handle_t *h)
{
	struct ui *ui = h->data;

	if (--ui->open_handles == 0) {
		ui_view_free(&ui->view);
		free(ui);
	}
}

/* The ui's memory goes with its handles' close callbacks, so call this before
 * the loop runs its last time; handles already closed by a uv_walk are left. */
void ui_free(struct ui *ui)
{
	uv_handle_t *hs[3];
	int n = 0, closing = 0;

	if (!ui)
		return;
	if (ui_live == ui)
		ui_live = NULL;
	if (ui->open_handles >= 3 && !uv_is_closing((uv_handle_t *)&ui->poll))
		uv_poll_stop(&ui->poll);   /* before its fd is closed */
	ui_close_tty(ui);
	if (ui->open_handles >= 1)
		hs[n++] = (uv_handle_t *)&ui->winch;
	if (ui->open_handles >= 2)
		hs[n++] = (uv_handle_t *)&ui->more;
	if (ui->open_handles >= 3)
		hs[n++] = (uv_handle_t *)&ui->poll;
	for (int i = 0; i < n; i++) {
		if (uv_is_closing(hs[i])) {
			ui->open_handles--;
			continue;
		}
		closing++;
		uv_close(hs[i], ui_on_close);
	}
	if (closing == 0) {
		ui_view_free(&ui->view);
		free(ui);
	}
}

void ui_emergency_restore(void)
{
	if (ui_live && ui_live->live) {
		endwin();
		ui_live->live = false;
	}
}
