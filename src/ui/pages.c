/* pages.c - the table of the screen's pages. */
#include "pages.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

const struct ui_page *const ui_pages[] = {
	&page_queues,
};
const size_t ui_n_pages = sizeof ui_pages / sizeof ui_pages[0];

static_assert(sizeof ui_pages / sizeof ui_pages[0] <= UI_PAGES_MAX, "keys 1-9 reach every page");

int ui_page_find(const char *name)
{
	for (size_t i = 0; i < ui_n_pages; i++)
		if (strcmp(ui_pages[i]->name, name) == 0)
			return (int)i;
	return -1;
}

const char *ui_page_names(void)
{
	static char names[256];
	size_t len = 0;

	names[0] = '\0';
	for (size_t i = 0; i < ui_n_pages && len < sizeof names; i++) {
		int k = snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "",
		                 ui_pages[i]->name);
		len = k < 0 ? sizeof names : len + (size_t)k;
	}
	return names;
}

void *ui_page_state(struct ui_view *v, const struct ui_page *p)
{
	for (size_t i = 0; i < ui_n_pages; i++) {
		if (ui_pages[i] != p)
			continue;
		if (!v->page_state[i] && p->state_new)
			v->page_state[i] = p->state_new();
		return v->page_state[i];
	}
	return NULL;
}
