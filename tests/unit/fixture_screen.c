/* fixture_screen.c - a virtual screen for the tests of the views
 * (fixture_screen.h). */
#include "fixture_screen.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "theme.h"

static FILE *null_out, *null_in;   /* the screen's own /dev/null, when it opened them */

SCREEN *fx_open_screen(struct ui_view *v, FILE *out, int rows, int cols)
{
	SCREEN *scr;
	struct theme t;
	char *path, *cause = NULL;

	null_in = fopen("/dev/null", "r");
	null_out = out ? NULL : fopen("/dev/null", "w");
	scr = newterm("xterm-256color", out ? out : null_out, null_in);
	assert_non_null(scr);
	set_term(scr);
	resizeterm(rows, cols);
	start_color();
	use_default_colors();
	path = theme_find(CCBOARD_SRCDIR "/themes/default.ini", NULL, &cause);
	assert_non_null(path);
	assert_int_equal(theme_load(&t, path, &cause), 0);
	free(path);
	ui_view_init(v, true);
	theme_apply(&t, theme_level_for(COLORS, has_colors(), NULL), v->attr);
	snprintf(v->theme_name, sizeof v->theme_name, "%s", t.name);
	return scr;
}

void fx_close_screen(SCREEN *scr, struct ui_view *v)
{
	endwin();
	delscreen(scr);
	ui_view_free(v);
	if (null_out)
		fclose(null_out);
	if (null_in)
		fclose(null_in);
	null_out = null_in = NULL;
}

const char *fx_row(int y)
{
	static char out[4096];
	wchar_t w[1024];
	int n = mvwinnwstr(stdscr, y, 0, w, COLS < 1023 ? COLS : 1023);

	if (n < 0)
		n = 0;
	w[n] = L'\0';
	if (wcstombs(out, w, sizeof out) == (size_t)-1)
		out[0] = '\0';
	return out;
}

int fx_find_row(const char *a, const char *b, const char *c)
{
	for (int y = 0; y < LINES; y++) {
		const char *r = fx_row(y);

		if (strstr(r, a) && (!b || strstr(r, b)) && (!c || strstr(r, c)))
			return y;
	}
	return -1;
}

void fx_dump_screen(void)
{
	for (int y = 0; y < LINES; y++)
		print_message("|%s|\n", fx_row(y));
}
