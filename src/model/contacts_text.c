/* contacts_text.c - the channels table of the text output (--once without
 * --json): one row per channel, sorted by name, then the total; the columns
 * are rows of the catalogue of contact figures, today's. */
#include "contacts_figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "textsafe.h"

enum ct_text_fmt { CTT_INT, CTT_HMS, CTT_0DP, CTT_1DP };
static const struct { const char *figure; int width; enum ct_text_fmt fmt; } cols[] = {
	{ "today.created", 7, CTT_INT }, { "open", 6, CTT_INT }, { "unanswered", 6, CTT_INT },
	{ "oldest_unanswered_s", 9, CTT_HMS }, { "today.frt_avg_s", 6, CTT_0DP },
	{ "today.frt_within_pct", 7, CTT_1DP }, { "today.csat_pct", 6, CTT_1DP },
	{ "today.nps", 6, CTT_1DP }, { "today.ces_avg", 5, CTT_1DP },
	{ "today.fcr_pct", 6, CTT_1DP }, { "today.abandon_rate_pct", 6, CTT_1DP },
};
#define NAME_WIDTH 16

/* v as the column writes it: "-" for null; a time as H:MM:SS. */
static void cell(char *buf, size_t n, double v, enum ct_text_fmt fmt)
{
	if (isnan(v) || fabs(v) >= 9e18) {
		snprintf(buf, n, "-");
		return;
	}
	long long s = (long long)v;
	if (fmt == CTT_HMS)
		snprintf(buf, n, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
	else if (fmt == CTT_INT)
		snprintf(buf, n, "%lld", s);
	else
		snprintf(buf, n, fmt == CTT_1DP ? "%.1f" : "%.0f", v);
}

/* The name cut and padded to NAME_WIDTH columns, escapes stripped. */
static void name_cell(FILE *out, const char *name, unsigned flags)
{
	char *safe = textsafe_dup(name, NAME_WIDTH, flags);
	fputs(safe, out);
	for (int w = textsafe_width(safe); w < NAME_WIDTH; w++)
		fputc(' ', out);
	free(safe);
}

static void row(FILE *out, const struct ct_view *v, unsigned flags)
{
	name_cell(out, v->display, flags);
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		char buf[32];
		cell(buf, sizeof buf, ct_figure_value(ct_figure_find(cols[i].figure), v), cols[i].fmt);
		fprintf(out, " %*s", cols[i].width, buf);
	}
	fputc('\n', out);
}

void contacts_write_text(const struct contacts *c, FILE *out, unsigned flags)
{
	struct ct_views v;
	if (!c || !contacts_any(c))
		return;
	ct_views_build(&v, c);
	fprintf(out, "%-*s", NAME_WIDTH, "channel");
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		fprintf(out, " %*s", cols[i].width, ct_figure_find(cols[i].figure)->short_label);
	fputc('\n', out);
	for (size_t i = 0; i < v.n_channels; i++)
		row(out, &v.channels[i], flags);
	row(out, &v.total, flags);
	ct_views_free(&v);
}
