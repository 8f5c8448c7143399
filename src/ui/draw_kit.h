/* draw_kit.h - the drawing and formatting helpers shared by the pages of
 * the screen (ui_draw.c's frame and every page_*.c). Curses on stdscr. */
#ifndef CCBOARD_DRAW_KIT_H
#define CCBOARD_DRAW_KIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui_draw.h"

struct figure;

/* The worse of two grades, and the role a grade is drawn in (calm when ok). */
enum alert_severity ui_sev_max(enum alert_severity a, enum alert_severity b);
enum role ui_sev_role(enum alert_severity sev, enum role calm);
/* The glyph of a grade: the warning or critical mark, or a space. */
const char *ui_sev_glyph(const struct ui_view *v, enum alert_severity sev);

/* Draws text (made safe, cut to w columns) at (y, x). Returns the width drawn. */
int ui_put(const struct ui_view *v, int y, int x, int w, enum role r, const char *text);
/* The same, right-aligned or centred in the w columns at (y, x). */
void ui_put_right(const struct ui_view *v, int y, int x, int w, enum role r, const char *text);
/* The same in attributes a. */
void ui_put_right_attr(const struct ui_view *v, int y, int x, int w, attr_t a, const char *text);
/* The attributes of role r for a cell of a dense table: the role's, without
 * bold when the role has a colour of its own (its colour marks the cell; a
 * terminal then needs no reset of every attribute after each such cell). */
attr_t ui_cell_attr(const struct ui_view *v, enum role r);
void ui_put_center(const struct ui_view *v, int y, int x, int w, enum role r, const char *text);
/* Paints w blank columns in role r. */
void ui_fill(const struct ui_view *v, int y, int x, int w, enum role r);
/* A section title: "─ Title ─── right ──" across w columns (right may be NULL). */
void ui_section(const struct ui_view *v, int y, int x, int w, const char *title,
                const char *right);

/* "m:ss", or "h:mm:ss" from an hour. */
const char *ui_fmt_dur(char *buf, size_t n, int64_t s);
/* A duration in state for lists: "45s", "12m", "1h05". */
const char *ui_fmt_age(char *buf, size_t n, int64_t s);
/* "83%" (or "4.2%" below 10 with decimals), or the no-data glyph for NaN. */
const char *ui_fmt_pct(const struct ui_view *v, char *buf, size_t n, double pct, bool decimals);
/* A duration in seconds as ui_fmt_dur, or the no-data glyph for NaN. */
const char *ui_fmt_secs(const struct ui_view *v, char *buf, size_t n, double s);
/* "15m" for the rolling window. */
const char *ui_fmt_window(char *buf, size_t n, int window_s);

/* How a figure is written on the screen. */
enum ui_fmt { UF_INT, UF_DUR, UF_SECS, UF_PCT, UF_PCT1, UF_WAIT };
/* UF_WAIT, a wait in a dense table: "m:ss" below UI_WAIT_MINUTES_S, then
 * whole minutes as ui_fmt_age writes them ("7m", "1h05"): past a few minutes
 * the second no longer matters (its grade, in colour, is exact) and a
 * figure ticking each second on every row is only noise and traffic. */
#define UI_WAIT_MINUTES_S 300
/* Writes figure name of q into buf as fmt says; returns its value. */
double ui_fmt_figure(const struct ui_view *v, char *buf, size_t n, const char *name,
                     const struct snap_queue *q, enum ui_fmt fmt);
/* The grade the snapshot gave figure name on q. */
enum alert_severity ui_grade_of(const char *name, const struct snap_queue *q);
/* The same for a figure already found (figure_find): a table of a thousand
 * rows looks each column's figure up once, not once a cell. */
double ui_fmt_fig(const struct ui_view *v, char *buf, size_t n, const struct figure *f,
                  const struct snap_queue *q, enum ui_fmt fmt);
enum alert_severity ui_grade_fig(const struct figure *f, const struct snap_queue *q);

/* The selected queue (or the total) of s, and how a queue is named on screen. */
const struct snap_queue *ui_selected_queue(const struct ui_view *v, const struct snapshot *s);
const char *ui_queue_label(const struct snap_queue *q, bool is_total);
/* The selected queue's label: a voice queue's display name, a queue only
 * contact events name (raw: draw it with ui_put), or "Total". */
const char *ui_selection_label(const struct ui_view *v, const struct snapshot *s);

/* ---- added for the pages of every channel -------------------------------- */

/* A KPI tile: a figure written out, and its grade. */
struct ui_tile {
	const char *label;
	char short_label[24];    /* for narrow tiles */
	char value[32];
	char detail[96];
	char short_detail[32];
	enum alert_severity sev;
	bool calm_ok;            /* a calm value in the ok role (agents free), not the tile's */
};
/* Draws n tiles side by side across r: compact (label, value, detail; r.h 3)
 * or with big digits under a section title (r.h 8). */
void ui_tiles_draw(const struct ui_view *v, const struct ui_tile *t, int n, struct rect r,
                   bool big, const char *title, const char *right);
/* The big digits' scale for tiles t[0..n-1] in rects r: 2 when every value
 * fits its tile at double width, else 1. */
int ui_tiles_scale(const struct ui_tile *t, int n, const struct rect *r);
/* Draws tiles t[0..n-1] in rects r (a row, left to right; no title): compact,
 * a rule between two, or big at scale. */
void ui_tiles_row(const struct ui_view *v, const struct ui_tile *t, int n, const struct rect *r,
                  bool big, int scale);

/* The SPEC 6.4 keys of s (channels, channel_total, pivots_by_pair, journeys,
 * and a "queues" array of s's queues by name, each with its "contacts" when
 * it has any) as the JSON snapshot writes them, or NULL when s has no contact
 * events. The caller frees it with json_decref. */
json_t *ui_contacts_json(const struct snapshot *s);
/* The number at key of o (NAN when absent or null). */
double ui_json_num(const json_t *o, const char *key);

#endif
