/* ui_draw.h - the wallboard drawn from one snapshot onto the current curses
 * SCREEN (stdscr). No terminal, loop or signal here: ui.c is the shell, and
 * tests draw into a virtual screen. */
#ifndef CCBOARD_UI_DRAW_H
#define CCBOARD_UI_DRAW_H

#include <stdbool.h>
#include <stdint.h>
#include <curses.h>

#include "glyphs.h"
#include "layout.h"
#include "snapshot.h"
#include "theme.h"

#define UI_PAGES_MAX 9   /* keys 1-9 */

/* What the screen remembers between frames. */
struct ui_view {
	int page;                  /* rank in ui_pages[] (pages.h) */
	void *page_state[UI_PAGES_MAX];   /* each page's own, see ui_page_state */
	attr_t attr[ROLE_COUNT];   /* per role, from theme_apply */
	const struct glyphs *g;
	unsigned text_flags;       /* textsafe flags: TEXTSAFE_UTF8 with UTF-8 glyphs */
	bool help;                 /* the help box is shown */
	char sel_name[128];        /* selected queue by name; "" = the total */
	int sel;                   /* its index in the last snapshot; -1 = the total */
	size_t n_names;            /* queue names of the last snapshot, for selection */
	char **names;
	/* the contacts queues last seen (copies, in the contacts' order) and
	 * whether each is a voice queue of ct_s's queues as of ct_gen, ct_nq */
	char **ct_names;
	bool *ct_voice;
	size_t n_ct;
	const struct snapshot *ct_s;
	uint64_t ct_gen;
	size_t ct_nq;
	int queue_top;             /* first queue row shown when not all fit */
	char theme_name[64];
	char note[96];             /* a transient message in the footer */
	int64_t note_until;        /* shown while the snapshot is older than this */
	struct layout lay;         /* the layout of the last frame */
};

/* Initialises v with monochrome attributes and the glyph set for utf8. */
void ui_view_init(struct ui_view *v, bool utf8);
/* Frees what v owns. */
void ui_view_free(struct ui_view *v);

/* Draws the whole screen for s on stdscr (header, the current page, footer,
 * help), then one doupdate. */
void ui_draw_screen(struct ui_view *v, const struct snapshot *s);

/* Handles a key of the screen: the page's own first, then 1-9 (pages),
 * selection and help. Returns true when it was handled (draw again). */
bool ui_view_key(struct ui_view *v, int key);

/* Shows msg in the footer until the clock passes until. */
void ui_view_note(struct ui_view *v, const char *msg, int64_t until);

#endif
