/* out_screen.h - the screen as an output: each snapshot published is drawn,
 * and a new critical alert rings the bell. */
#ifndef CCBOARD_OUT_SCREEN_H
#define CCBOARD_OUT_SCREEN_H

#include "output.h"
#include "ui.h"

/* Returns the output drawing on ui, which it takes: its stop frees ui. */
struct output out_screen(struct ui *ui);

#endif
