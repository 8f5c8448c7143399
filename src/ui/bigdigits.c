/* bigdigits.c - the big-digit font. */
#include "bigdigits.h"

#include <string.h>

struct bigglyph {
	char c;
	int width;
	const char *rows[BIGDIGITS_ROWS];
};

static const struct bigglyph font[] = {
	{ '0', 3, { "###", "#.#", "#.#", "#.#", "###" } },
	{ '1', 3, { ".#.", "##.", ".#.", ".#.", "###" } },
	{ '2', 3, { "###", "..#", "###", "#..", "###" } },
	{ '3', 3, { "###", "..#", ".##", "..#", "###" } },
	{ '4', 3, { "#.#", "#.#", "###", "..#", "..#" } },
	{ '5', 3, { "###", "#..", "###", "..#", "###" } },
	{ '6', 3, { "###", "#..", "###", "#.#", "###" } },
	{ '7', 3, { "###", "..#", "..#", "..#", "..#" } },
	{ '8', 3, { "###", "#.#", "###", "#.#", "###" } },
	{ '9', 3, { "###", "#.#", "###", "..#", "###" } },
	{ ':', 1, { ".", "#", ".", "#", "." } },
	{ '.', 1, { ".", ".", ".", ".", "#" } },
	{ '%', 3, { "#.#", "..#", ".#.", "#..", "#.#" } },
	{ '-', 3, { "...", "...", "###", "...", "..." } },
	{ ' ', 1, { ".", ".", ".", ".", "." } },
};

static const struct bigglyph *glyph(char c)
{
	for (size_t i = 0; i < sizeof font / sizeof font[0]; i++)
		if (font[i].c == c)
			return &font[i];
	return NULL;
}

bool bigdigits_can_draw(const char *s)
{
	for (; *s; s++)
		if (!glyph(*s))
			return false;
	return true;
}

int bigdigits_width(const char *s, int scale)
{
	int w = 0;

	for (const char *p = s; *p; p++) {
		const struct bigglyph *g = glyph(*p);

		if (g)
			w += g->width * scale + (p[1] ? 1 : 0);
	}
	return w;
}

bool bigdigits_pixel(char c, int row, int col)
{
	const struct bigglyph *g = glyph(c);

	if (!g || row < 0 || row >= BIGDIGITS_ROWS || col < 0 || col >= g->width)
		return false;
	return g->rows[row][col] == '#';
}

void bigdigits_draw(WINDOW *w, int y, int x, const char *s, int scale, attr_t attr)
{
	for (const char *p = s; *p; p++) {
		const struct bigglyph *g = glyph(*p);

		if (!g)
			continue;
		for (int r = 0; r < BIGDIGITS_ROWS; r++)
			for (int c = 0; c < g->width; c++)
				if (g->rows[r][c] == '#')
					mvwhline(w, y + r, x + c * scale,
					         (chtype)' ' | attr, scale);
		x += g->width * scale + 1;
	}
}
