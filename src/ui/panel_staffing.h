/* panel_staffing.h - the staffing table as a panel any page may place: per
 * queue (or the selected one), need / have / gap / predicted SL for the
 * current and the next interval. Curses on stdscr. */
#ifndef CCBOARD_PANEL_STAFFING_H
#define CCBOARD_PANEL_STAFFING_H

#include "layout.h"
#include "snapshot.h"
#include "ui_draw.h"

/* Draws the staffing of s's queues (only the selected one when v selects one)
 * in r: a section title, a heading, one row per queue; fewer columns when r
 * is narrow, "+N more" when not every queue fits. */
void panel_staffing(const struct ui_view *v, const struct snapshot *s, struct rect r);

#endif
