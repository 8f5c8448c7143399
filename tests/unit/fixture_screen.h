/* fixture_screen.h - a virtual screen for the tests of the views (no tty):
 * newterm on /dev/null (or a file to count bytes), the default theme, and the
 * screen read back row by row. Shared by the tests of the screen. */
#ifndef CCBOARD_FIXTURE_SCREEN_H
#define CCBOARD_FIXTURE_SCREEN_H

#include <stdio.h>
#include <curses.h>

#include "ui_draw.h"

/* Opens a rows x cols screen writing to out (NULL: /dev/null) and sets v up
 * with the default theme's colours (and its name). */
SCREEN *fx_open_screen(struct ui_view *v, FILE *out, int rows, int cols);
/* Ends the screen, frees it and v's state. */
void fx_close_screen(SCREEN *scr, struct ui_view *v);
/* Row y of the screen as UTF-8 (a static buffer). */
const char *fx_row(int y);
/* The first row holding a and, when not NULL, b and c; -1 when none. */
int fx_find_row(const char *a, const char *b, const char *c);
/* Prints every row between bars (cmocka's messages) for a failing test. */
void fx_dump_screen(void);

#endif
