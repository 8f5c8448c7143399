/* pages.h - the views of the screen, one row each: page 1 the voice board,
 * then one page per other subject. Keys 1-9 switch to the page of that rank;
 * --view NAME starts on one. A page draws the rows between the header and the
 * footer (ui_draw.c draws those, the help box and the too-small message) and
 * may handle keys of its own before the frame's. To add a page: a new
 * page_NAME.c defining `const struct ui_page page_NAME`, its extern here, and
 * its row in ui_pages[] (pages.c). */
#ifndef CCBOARD_PAGES_H
#define CCBOARD_PAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "layout.h"
#include "snapshot.h"
#include "ui_draw.h"

struct ui_page {
	const char *name;    /* for --view: lower case, one word */
	const char *title;   /* in the footer and the help box */
	/* Draws s in body. v is the page's to change (scroll positions...). */
	void (*draw)(struct ui_view *v, const struct snapshot *s, struct rect body);
	/* A key, before the frame's keys; true when it was the page's (the screen
	 * is drawn again). NULL: the page has no keys of its own. */
	bool (*key)(struct ui_view *v, int key);
	/* The page's own keys for the help box: { "keys", "what they do" }. */
	const char *const (*help)[2];
	size_t n_help;
	/* --cycle: shows the page's next part (the queue table's next rows) and
	 * returns true, or false when it was on its last (back to its first): the
	 * rotation then moves to the next view. NULL: one part. */
	bool (*cycle)(struct ui_view *v);
	/* The arrows are the page's own and it shows no selected queue: the help
	 * box leaves out the frame's "Tab arrows: select a queue". */
	bool own_arrows;
	/* State of its own kept between frames (ui_page_state), or NULL. */
	void *(*state_new)(void);
	void (*state_free)(void *state);
};

extern const struct ui_page page_queues;
extern const struct ui_page page_channels;
extern const struct ui_page page_customers;
extern const struct ui_page page_agents;
/* The Agents grid's tile width for n agents in w columns by h rows: the widest
 * that fits them all, or the narrowest (then the grid pages). */
int page_agents_tile_width(int n, int w, int h);
extern const struct ui_page page_today;     /* key 4: Today vs typical (SPEC 7) */

/* The pages in key order (ui_pages[0] is key 1). */
extern const struct ui_page *const ui_pages[];
extern const size_t ui_n_pages;

/* The rank of the page called name, or -1. */
int ui_page_find(const char *name);
/* "queues, channels, ..." for messages. */
const char *ui_page_names(void);
/* --cycle: one step of the rotation through the views and their parts;
 * notes where it is in the footer until until (cycle.c). */
void ui_view_cycle(struct ui_view *v, int64_t until);

/* The page's state in v, made by its state_new on first use. */
void *ui_page_state(struct ui_view *v, const struct ui_page *p);

#endif
