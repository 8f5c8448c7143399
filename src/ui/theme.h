/* theme.h - themes/NAME.ini: semantic roles mapped to colours, with a ladder
 * 256 -> 16 -> 8 colours -> monochrome. Loading is pure; theme_apply calls curses. */
#ifndef CCBOARD_THEME_H
#define CCBOARD_THEME_H

#include <stdbool.h>
#include <curses.h>

enum role {
	ROLE_NORMAL, ROLE_HEADER, ROLE_TITLE, ROLE_HEADING, ROLE_DIM, ROLE_OK, ROLE_WARNING,
	ROLE_CRITICAL, ROLE_TILE, ROLE_LABEL, ROLE_SELECTED, ROLE_TOTAL, ROLE_BUSY,
	ROLE_PAUSED, ROLE_SPARK, ROLE_HELP, ROLE_KEY,
	ROLE_COUNT
};

/* Colour levels, best first. */
enum theme_level { THEME_256, THEME_16, THEME_8, THEME_MONO, THEME_LEVELS };

struct theme_spec {
	bool set;
	short fg, bg;        /* -1: the terminal's default */
	attr_t attrs;
};

struct theme {
	char name[64];
	struct theme_spec spec[THEME_LEVELS][ROLE_COUNT];
};

/* Returns the role's name in theme files ("critical"), or NULL. */
const char *theme_role_name(enum role r);

/* Returns the path of theme name: name itself when it holds a '/' or ends in
 * ".ini", else NAME.ini in themes_dir, $CCBOARD_THEMES, the source tree's and
 * the installed themes. NULL with *cause (malloc'ed) when not found. */
char *theme_find(const char *name, const char *themes_dir, char **cause);

/* Reads a theme file into t. Returns 0, or -1 with *cause ("file:line: what"). */
int theme_load(struct theme *t, const char *path, char **cause);

/* Returns the level for a terminal with colors colours (has_colors false:
 * none); a non-empty no_color ($NO_COLOR) means monochrome. */
enum theme_level theme_level_for(int colors, bool has_colors, const char *no_color);

/* Sets up colour pairs for t at level (start_color must have run unless the
 * level is THEME_MONO) and writes each role's attributes to out. */
void theme_apply(const struct theme *t, enum theme_level level, attr_t out[ROLE_COUNT]);

#endif
