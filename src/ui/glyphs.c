/* glyphs.c - UTF-8 and ASCII glyph sets. */
#include "glyphs.h"

#include <langinfo.h>
#include <string.h>
#include <strings.h>

static const struct glyphs glyphs_utf8 = {
	.utf8 = true,
	.spark = { "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587",
	           "\u2588" },
	.hline = "\u2500",
	.vline = "\u2502",
	.corner = { "\u256d", "\u256e", "\u2570", "\u256f" },
	.warning = "\u25b2",
	.critical = "\u2716",
	.ok = "\u25cf",
	.selected = "\u25b6",
	.dot = "\u00b7",
	.up = "\u25b4",
	.down = "\u25be",
	.nodata = "\u2013",
};

static const struct glyphs glyphs_ascii = {
	.utf8 = false,
	.spark = { ".", "_", "-", "=", "+", "*", "#", "#" },   /* " ._-=+*#" */
	.hline = "-",
	.vline = "|",
	.corner = { "+", "+", "+", "+" },
	.warning = "!",
	.critical = "X",
	.ok = "o",
	.selected = ">",
	.dot = "|",
	.up = "^",
	.down = "v",
	.nodata = "-",
};

const struct glyphs *glyphs_get(bool utf8)
{
	return utf8 ? &glyphs_utf8 : &glyphs_ascii;
}

bool glyphs_locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "UTF8") == 0);
}
