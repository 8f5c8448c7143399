/* ui_draw.c - the screen's frame, drawn from a snapshot on stdscr: the
 * header, the footer, the help box, the too-small message; the current page
 * (pages.h) draws the rows between. Also the keys every page shares. */
#include "ui_draw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "draw_kit.h"
#include "figures.h"
#include "natsort.h"
#include "pages.h"
#include "textsafe.h"
#include "util.h"

/* ---- header and footer --------------------------------------------------- */

struct src_look { const char *label; enum alert_severity sev; };

/* How a source state reads in the header. */
static struct src_look source_look(enum source_state st)
{
	switch (st) {
	case SRC_FOLLOWING: return (struct src_look){ "following", SEV_OK };
	case SRC_STREAMING: return (struct src_look){ "streaming", SEV_OK };
	case SRC_LISTENING: return (struct src_look){ "listening", SEV_OK };
	case SRC_DONE: return (struct src_look){ "done", SEV_OK };
	case SRC_STARTING: return (struct src_look){ "starting", SEV_WARNING };
	case SRC_WAITING: return (struct src_look){ "waiting", SEV_WARNING };
	case SRC_LAGGING: return (struct src_look){ "lagging", SEV_WARNING };
	case SRC_CONNECTING: return (struct src_look){ "connecting", SEV_WARNING };
	case SRC_AUTHENTICATING: return (struct src_look){ "logging in", SEV_WARNING };
	case SRC_RETRYING: return (struct src_look){ "retrying", SEV_WARNING };
	case SRC_AUTH_FAILED: return (struct src_look){ "login failed", SEV_CRITICAL };
	case SRC_ERROR: return (struct src_look){ "error", SEV_CRITICAL };
	}
	return (struct src_look){ "?", SEV_WARNING };
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

/* The sources' health: each source when they fit, else a summary. */
static void header_sources(const struct ui_view *v, const struct snapshot *s, int y, int x,
                           int w)
{
	char buf[512] = "", one[160];
	size_t len = 0;
	int bad = 0;
	enum alert_severity worst = SEV_OK;

	for (size_t i = 0; i < s->n_sources; i++) {
		struct src_look lk = source_look(s->sources[i].state);
		char name[64];

		textsafe_copy(name, sizeof name, base_name(s->sources[i].name), 24, v->text_flags);
		snprintf(one, sizeof one, "%s%s %s", i ? "  " : "", name, lk.label);
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s", one);
		if (len >= sizeof buf)
			len = sizeof buf - 1;
		worst = ui_sev_max(worst, lk.sev);
		bad += lk.sev != SEV_OK;
	}
	if (s->n_sources == 0)
		snprintf(buf, sizeof buf, "no source");
	if (textsafe_width(buf) + 2 > w && s->n_sources == 1)
		snprintf(buf, sizeof buf, "%s", source_look(s->sources[0].state).label);
	else if (textsafe_width(buf) + 2 > w && s->n_sources > 1)
		snprintf(buf, sizeof buf, "%zu sources, %d %s", s->n_sources, bad,
		         bad ? "not following" : "problems");
	ui_put(v, y, x, 2, worst == SEV_CRITICAL ? ROLE_CRITICAL : ROLE_HEADER,
	    worst == SEV_OK ? v->g->ok : ui_sev_glyph(v, worst));
	ui_put(v, y, x + 2, w - 2, worst == SEV_CRITICAL ? ROLE_CRITICAL : ROLE_HEADER, buf);
}

static void draw_header(const struct ui_view *v, const struct snapshot *s, struct rect r)
{
	char clock[64], left[256], alerts[64], site[80];
	time_t t = (time_t)s->as_of;
	struct tm tm;
	int x, cw, aw = 0;
	size_t unacked = 0;
	enum alert_severity worst = SEV_OK;

	ui_fill(v, r.y, r.x, r.w, ROLE_HEADER);
	localtime_r(&t, &tm);
	strftime(clock, sizeof clock, r.w >= 100 ? "%a %d %b  %H:%M:%S" : "%H:%M:%S", &tm);
	cw = textsafe_width(clock);
	ui_put(v, r.y, r.x + r.w - cw - 1, cw, ROLE_HEADER, clock);

	for (size_t i = 0; i < s->n_alerts; i++) {
		if (!s->alerts[i]->acknowledged) {
			unacked++;
			worst = ui_sev_max(worst, s->alerts[i]->severity);
		}
	}
	if (unacked)
		snprintf(alerts, sizeof alerts, " %s %zu alert%s ", ui_sev_glyph(v, worst), unacked,
		         unacked == 1 ? "" : "s");
	else
		snprintf(alerts, sizeof alerts, " %zu alert%s ", s->n_alerts,
		         s->n_alerts == 1 ? "" : "s");
	aw = textsafe_width(alerts);
	ui_put(v, r.y, r.x + r.w - cw - aw - 3, aw, worst == SEV_CRITICAL ? ROLE_CRITICAL :
	    ROLE_HEADER, alerts);

	textsafe_copy(site, sizeof site, s->site && *s->site ? s->site : "ccboard", 40,
	              v->text_flags);
	x = r.x + 1 + ui_put(v, r.y, r.x + 1, r.w / 3, ROLE_HEADER, site);
	snprintf(left, sizeof left, "  %s SLA %s  ", v->g->dot, s->sla[0] ? s->sla : "-");
	x += ui_put(v, r.y, x, r.w - x, ROLE_HEADER, left);
	header_sources(v, s, r.y, x, r.x + r.w - cw - aw - 5 - x);
}

static void draw_footer(const struct ui_view *v, const struct snapshot *s, struct rect r)
{
	char views[16], right[192];
	const char *const keys[][2] = {
		{ "q", "quit" }, { "?", "help" }, { ui_n_pages > 1 ? views : "", "view" },
		{ "Tab", "queue" }, { "a", "ack" }, { "t", "theme" }, { "^L", "redraw" },
	};
	int x = r.x + 1, rw;

	snprintf(views, sizeof views, "1-%zu", ui_n_pages);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		int need = textsafe_width(keys[i][0]) + textsafe_width(keys[i][1]) + 3;

		if (!keys[i][0][0])
			continue;
		if (x + need > r.x + r.w / 2 + 8)
			break;
		x += ui_put(v, r.y, x, need, ROLE_KEY, keys[i][0]);
		x += ui_put(v, r.y, x + 1, need, ROLE_DIM, keys[i][1]) + 3;
	}
	if (v->note[0] && s->as_of < v->note_until)
		snprintf(right, sizeof right, "%s", v->note);
	else
		snprintf(right, sizeof right, "%s%s%s%sshowing %s %s theme %s",
		         ui_n_pages > 1 ? ui_pages[v->page]->title : "", ui_n_pages > 1 ? " " : "",
		         ui_n_pages > 1 ? v->g->dot : "", ui_n_pages > 1 ? " " : "",
		         ui_selection_label(v, s), v->g->dot, v->theme_name);
	rw = r.x + r.w - x - 2;
	if (rw > 0) {
		char buf[256];
		int tw = textsafe_copy(buf, sizeof buf, right, rw, v->text_flags);

		ui_put(v, r.y, r.x + r.w - tw - 1, tw, ROLE_DIM, buf);
	}
}

/* ---- help ---------------------------------------------------------------- */

/* "10%", "1:00", "target-10" for level lv of figure f. */
static void level_text(char *buf, size_t n, const struct fig_level *lv, const struct figure *f)
{
	if (lv->target && lv->v != 0)
		snprintf(buf, n, "target%+g", lv->v);
	else if (lv->target)
		snprintf(buf, n, "target");
	else if (f->unit == FIG_UNIT_SECONDS)
		ui_fmt_dur(buf, n, (int64_t)lv->v);
	else
		snprintf(buf, n, "%g%s", lv->v, f->unit == FIG_UNIT_PCT ? "%" : "");
}

/* What grading g colours: "⚠ below target  ✖ below target-10". */
static void grading_text(const struct ui_view *v, char *buf, size_t n,
                         const struct fig_grading *g)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int lv = SEV_WARNING; lv <= SEV_CRITICAL && len < n; lv++) {
		char at[32];
		int k;
		if (!g->level[lv].set)
			continue;
		level_text(at, sizeof at, &g->level[lv], g->f);
		k = snprintf(buf + len, n - len, "%s%s %s %s", len ? "   " : "", ui_sev_glyph(v, lv),
		             g->op == FIG_BELOW ? "below" : "from", at);
		len = k < 0 ? n : len + (size_t)k;
	}
}

#define HELP_MAX_ROWS 48

/* The help box's key rows: the frame's keys, the pages, the page's own keys. */
static int help_rows(const struct ui_view *v, const char *rows[][2], char *views, size_t n)
{
	static const char *const frame_keys[][2] = {
		{ "q", "quit" },
		{ "?  Esc", "show / hide this help" },
		{ "Tab  arrows", "select a queue, or the total" },
		{ "a", "acknowledge the active alerts" },
		{ "t", "next colour theme" },
		{ "Ctrl-L", "redraw the whole screen" },
	};
	const struct ui_page *page = ui_pages[v->page];
	size_t len = 0;
	int k = 0;

	for (size_t i = 0; i < sizeof frame_keys / sizeof frame_keys[0]; i++) {
		if (page->own_arrows && i == 2)
			continue;                   /* the page's arrows do not select a queue */
		rows[k][0] = frame_keys[i][0], rows[k++][1] = frame_keys[i][1];
	}
	views[0] = '\0';
	for (size_t i = 0; i < ui_n_pages && len < n; i++) {
		int w = snprintf(views + len, n - len, "%s%zu %s", i ? "  " : "", i + 1,
		                 ui_pages[i]->title);
		len = w < 0 ? n : len + (size_t)w;
	}
	if (ui_n_pages > 1)
		rows[k][0] = "1-9", rows[k++][1] = views;
	for (size_t i = 0; i < page->n_help && k < HELP_MAX_ROWS - 2; i++, k++)
		rows[k][0] = page->help[i][0], rows[k][1] = page->help[i][1];
	rows[k][0] = "", rows[k++][1] = "";
	rows[k][0] = "Colours", rows[k++][1] = "the levels of the built-in alert rules ([alert.NAME]):";
	return k;
}

static void draw_help(const struct ui_view *v, const struct snapshot *s, int rows, int cols)
{
	const char *keys[HELP_MAX_ROWS][2];
	char views[160], title[96];
	int nk = help_rows(v, keys, views, sizeof views), n = nk + (int)s->n_gradings;
	int w = 72, h = n + 4, y, x;

	if (w > cols - 2)
		w = cols - 2;
	if (h > rows - 2)
		h = rows - 2;
	y = (rows - h) / 2;
	x = (cols - w) / 2;
	for (int i = 0; i < h; i++)
		ui_fill(v, y + i, x, w, ROLE_HELP);
	snprintf(title, sizeof title, "ccboard  %s: keys and colours", ui_pages[v->page]->title);
	ui_put(v, y, x + 2, w - 4, ROLE_HELP, title);
	for (int i = 0; i < n && i + 2 < h - 1; i++) {
		const struct fig_grading *g = i >= nk ? &s->gradings[i - nk] : NULL;
		char text[128];

		if (g && g->f)
			grading_text(v, text, sizeof text, g);
		ui_put(v, y + 2 + i, x + 3, 14, ROLE_KEY, !g ? keys[i][0] : !g->f ? "" :
		    textsafe_width(g->f->label) <= 14 ? g->f->label : g->f->short_label);
		ui_put(v, y + 2 + i, x + 18, w - 20, ROLE_HELP, !g ? keys[i][1] : g->f ? text : "");
	}
}

/* ---- the frame ----------------------------------------------------------- */

static int names_cmp(const void *a, const void *b)
{
	return natsort_cmp(*(char *const *)a, *(char *const *)b);
}

/* Whether contacts queue i (called name) is a voice queue of s: the last
 * frame's answer while its name and s's queues are the same (s's order
 * unchanged: same order_gen, not 0, and count), else a bisection. A
 * thousand bisections a frame were a tenth of the screen's time. */
static bool contacts_voice(struct ui_view *v, const struct snapshot *s, size_t i,
                           const char *name)
{
	if (i < v->n_ct && v->ct_s == s && s->order_gen && v->ct_gen == s->order_gen &&
	    v->ct_nq == s->n_queues && v->ct_names[i] && strcmp(v->ct_names[i], name) == 0)
		return v->ct_voice[i];
	if (i >= v->n_ct) {
		v->ct_names = xrealloc(v->ct_names, (i + 1) * sizeof *v->ct_names);
		v->ct_voice = xrealloc(v->ct_voice, (i + 1) * sizeof *v->ct_voice);
		for (; v->n_ct <= i; v->n_ct++)
			v->ct_names[v->n_ct] = NULL;
	}
	if (!v->ct_names[i] || strcmp(v->ct_names[i], name) != 0) {
		free(v->ct_names[i]);
		v->ct_names[i] = xstrdup(name);
	}
	return v->ct_voice[i] = snapshot_queue_find(s, name) >= 0;
}

/* The queues only contact events name follow the voice queues in v->names
 * (by name), so that Tab reaches them too; v->sel past s->n_queues is one. */
static void view_sync_contacts(struct ui_view *v, const struct snapshot *s)
{
	size_t n = s->contacts ? contacts_queue_count(s->contacts) : 0, first = v->n_names;
	bool same = v->ct_s == s && s->order_gen && v->ct_gen == s->order_gen &&
	            v->ct_nq == s->n_queues;
	if (n == 0)
		return;
	v->names = xrealloc(v->names, (v->n_names + n) * sizeof *v->names);
	for (size_t i = 0; i < n; i++) {
		const char *name = contacts_queue_name(s->contacts, i);
		if (!contacts_voice(v, s, i, name))
			v->names[v->n_names++] = xstrdup(name);
	}
	if (!same) {   /* the answers are as of s's queues now */
		for (size_t i = n; i < v->n_ct; i++)
			if (v->ct_names[i]) {
				free(v->ct_names[i]);
				v->ct_names[i] = NULL;
			}
		v->ct_s = s;
		v->ct_gen = s->order_gen;
		v->ct_nq = s->n_queues;
	}
	qsort(v->names + first, v->n_names - first, sizeof *v->names, names_cmp);
	for (size_t i = first; i < v->n_names && v->sel < 0; i++)
		if (v->sel_name[0] && strcmp(v->names[i], v->sel_name) == 0)
			v->sel = (int)i;
}

/* Resolves the selection by name in s and remembers s's queue names. */
static void view_sync(struct ui_view *v, const struct snapshot *s)
{
	v->sel = v->sel_name[0] ? (int)snapshot_queue_find(s, v->sel_name) : -1;
	/* the names the last frame had kept where they are the same (most frames) */
	for (size_t i = s->n_queues; i < v->n_names; i++)
		free(v->names[i]);
	v->names = xrealloc(v->names, (s->n_queues ? s->n_queues : 1) * sizeof *v->names);
	for (size_t i = 0; i < s->n_queues; i++) {
		const char *name = s->queues[i].name ? s->queues[i].name : "";

		if (i < v->n_names && strcmp(v->names[i], name) == 0)
			continue;
		if (i < v->n_names)
			free(v->names[i]);
		v->names[i] = xstrdup(name);
	}
	v->n_names = s->n_queues;
	view_sync_contacts(v, s);
	if (v->sel < 0)
		v->sel_name[0] = '\0';
}

/* One line when it fits; on a narrower terminal the same words on two, so
 * the sizes are read whole rather than cut off. */
static void draw_too_small(const struct ui_view *v, int rows, int cols)
{
	char msg[96], sizes[64];
	int y = rows / 2;

	snprintf(sizes, sizeof sizes, "need %dx%d, have %dx%d", LAYOUT_MIN_COLS,
	         LAYOUT_MIN_ROWS, cols, rows);
	snprintf(msg, sizeof msg, "terminal too small (%s)", sizes);
	if ((int)strlen(msg) <= cols || rows < 3) {
		ui_put_center(v, y, 0, cols, ROLE_WARNING, msg);
	} else {
		y = rows / 2 - 1;
		ui_put_center(v, y, 0, cols, ROLE_WARNING, "terminal too small");
		ui_put_center(v, ++y, 0, cols, ROLE_WARNING, sizes);
	}
	if (y + 1 < rows)
		ui_put_center(v, y + 1, 0, cols, ROLE_DIM, "q quits");
}

void ui_draw_screen(struct ui_view *v, const struct snapshot *s)
{
	const struct ui_page *page = ui_pages[v->page];

	view_sync(v, s);
	bkgdset((chtype)' ' | v->attr[ROLE_NORMAL]);
	werase(stdscr);
	if (LINES < LAYOUT_MIN_ROWS || COLS < LAYOUT_MIN_COLS) {
		draw_too_small(v, LINES, COLS);
	} else {
		draw_header(v, s, (struct rect){ 0, 0, 1, COLS });
		page->draw(v, s, (struct rect){ 1, 0, LINES - 2, COLS });
		draw_footer(v, s, (struct rect){ LINES - 1, 0, 1, COLS });
		if (v->help)
			draw_help(v, s, LINES, COLS);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

/* ---- state and keys ------------------------------------------------------ */

void ui_view_init(struct ui_view *v, bool utf8)
{
	memset(v, 0, sizeof *v);
	v->g = glyphs_get(utf8);
	v->text_flags = utf8 ? TEXTSAFE_UTF8 : 0;
	v->sel = -1;
	snprintf(v->theme_name, sizeof v->theme_name, "mono");
	for (int r = 0; r < ROLE_COUNT; r++)
		v->attr[r] = A_NORMAL;
}

void ui_view_free(struct ui_view *v)
{
	for (size_t i = 0; i < ui_n_pages; i++) {
		if (v->page_state[i] && ui_pages[i]->state_free)
			ui_pages[i]->state_free(v->page_state[i]);
		v->page_state[i] = NULL;
	}
	for (size_t i = 0; i < v->n_names; i++)
		free(v->names[i]);
	free(v->names);
	v->names = NULL;
	v->n_names = 0;
	for (size_t i = 0; i < v->n_ct; i++)
		free(v->ct_names[i]);
	free(v->ct_names);
	free(v->ct_voice);
	v->ct_names = NULL;
	v->ct_voice = NULL;
	v->n_ct = 0;
}

void ui_view_note(struct ui_view *v, const char *msg, int64_t until)
{
	snprintf(v->note, sizeof v->note, "%s", msg);
	v->note_until = until;
}

/* Moves the selection by step through the queues and the total (-1). */
static void view_select(struct ui_view *v, int step)
{
	int n = (int)v->n_names, pos = v->sel < 0 ? n : v->sel;

	pos = ((pos + step) % (n + 1) + (n + 1)) % (n + 1);
	v->sel = pos == n ? -1 : pos;
	snprintf(v->sel_name, sizeof v->sel_name, "%s", v->sel < 0 ? "" : v->names[v->sel]);
}

bool ui_view_key(struct ui_view *v, int key)
{
	const struct ui_page *page = ui_pages[v->page];

	if (!v->help && page->key && page->key(v, key))
		return true;
	if (key >= '1' && key <= '9') {
		if ((size_t)(key - '1') >= ui_n_pages)
			return false;
		v->page = key - '1';
		return true;
	}
	switch (key) {
	case '?':
		v->help = !v->help;
		return true;
	case 27:
		if (!v->help)
			return false;
		v->help = false;
		return true;
	case '\t': case KEY_DOWN: case KEY_RIGHT: case 'j':
		view_select(v, 1);
		return true;
	case KEY_BTAB: case KEY_UP: case KEY_LEFT: case 'k':
		view_select(v, -1);
		return true;
	case KEY_HOME:
		v->sel = -1;
		v->sel_name[0] = '\0';
		return true;
	}
	return false;
}
