/* bigdigits.h - a 3x5 bitmap font for the KPI tiles, drawn as reverse-video
 * blocks (tmux clock style): works in UTF-8, ASCII and monochrome alike. */
#ifndef CCBOARD_BIGDIGITS_H
#define CCBOARD_BIGDIGITS_H

#include <stdbool.h>
#include <curses.h>

#define BIGDIGITS_ROWS 5

/* Returns true when s can be drawn (every character has a glyph: 0-9 : % . - space). */
bool bigdigits_can_draw(const char *s);

/* Returns the width in columns of s drawn with pixels scale columns wide. */
int bigdigits_width(const char *s, int scale);

/* Returns whether pixel (row, col) of character c is set. */
bool bigdigits_pixel(char c, int row, int col);

/* Draws s at (y, x) of w: set pixels as spaces in attr (give A_REVERSE for
 * blocks of the foreground colour). */
void bigdigits_draw(WINDOW *w, int y, int x, const char *s, int scale, attr_t attr);

#endif
