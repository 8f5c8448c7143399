/* cycle.c - --cycle: a floor monitor rotating through the views and the
 * parts of each (the queue table's pages). */
#include <stdio.h>

#include "pages.h"

void ui_view_cycle(struct ui_view *v, int64_t until)
{
	const struct ui_page *p = ui_pages[v->page];
	char note[96];

	if (!p->cycle || !p->cycle(v)) {
		v->page = (int)(((size_t)v->page + 1) % ui_n_pages);
		p = ui_pages[v->page];
	}
	snprintf(note, sizeof note, "%s %s (page %d of %zu)", v->g->utf8 ? "\xe2\x86\xbb" : "@",
	         p->title, v->page + 1, ui_n_pages);
	ui_view_note(v, note, until);
}
