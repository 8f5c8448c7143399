/* page_agents.c - the Agents view (issue 16): one row per agent (state, time
 * in it, the call it is on, answered today, AHT, missed rings, occupancy),
 * sortable, filterable by name and by state, paged for thousands; or a grid
 * of small tiles coloured by state for the floor. Reads the snapshot only. */
#include "pages.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw_kit.h"
#include "natsort.h"
#include "textsafe.h"
#include "util.h"

enum col { COL_NAME, COL_STATE, COL_TIME, COL_ANSWERED, COL_AHT, COL_MISSED, COL_OCC,
	COL_COUNT };

static const char *const col_titles[COL_COUNT] = {
	[COL_NAME] = "name", [COL_STATE] = "state", [COL_TIME] = "time in state",
	[COL_ANSWERED] = "answered", [COL_AHT] = "AHT", [COL_MISSED] = "missed",
	[COL_OCC] = "occupancy",
};

#define FILTER_ALL (-1)

#define TILE_MAX_W 18

/* A grid tile as drawn: what it shows and its cells, drawn again as they are
 * while the agent's name, state, marks and the tile's width stay the same
 * (10,000 tiles a frame: most do not change). */
struct tile_memo {
	const char *name;
	char copy[32];             /* the name (a slot reused by another name) */
	attr_t attr;
	int w;
	unsigned marks;
	bool set;
	cchar_t cell[TILE_MAX_W];
};

struct agents_state {
	int sort;                  /* enum col */
	bool reverse;
	int filter;                /* FILTER_ALL or an enum agent_state */
	char search[64];           /* a name filter (any case) */
	bool typing;               /* '/' was pressed: keys go to search */
	int top;                   /* first row (list) or tile (grid) shown */
	int shown;                 /* how many the last frame showed: a page */
	bool grid;
	size_t *idx;               /* the agents shown, in order */
	size_t cap;
	/* every agent by name, kept while the snapshot lists the same names */
	size_t *by_name;
	const char **names;        /* the names it was made for, as the snapshot listed them */
	size_t n_by_name;
	struct tile_memo *memo;    /* the grid's tiles as last drawn, by place on the page */
	size_t n_memo;
};

static void *agents_state_new(void)
{
	struct agents_state *st = xcalloc(1, sizeof *st);
	st->filter = FILTER_ALL;
	st->sort = COL_NAME;
	return st;
}

static void agents_state_free(void *p)
{
	struct agents_state *st = p;
	if (st) {
		free(st->idx);
		free(st->by_name);
		free(st->names);
		free(st->memo);
	}
	free(st);
}

/* ---- how an agent looks ---------------------------------------------------- */

struct look { const char *tag, *glyph, *ascii; enum role role; };

static struct look look_of(enum agent_state s)
{
	switch (s) {
	case AGENT_AVAILABLE: return (struct look){ "Avail", "\u25cf", "o", ROLE_OK };
	case AGENT_RINGING: return (struct look){ "Ringing", "\u25d0", "~", ROLE_WARNING };
	case AGENT_ON_CALL: return (struct look){ "On call", "\u25a0", "#", ROLE_BUSY };
	case AGENT_WRAPUP: return (struct look){ "Wrap-up", "\u25cc", ".", ROLE_DIM };
	case AGENT_PAUSED: return (struct look){ "Paused", "\u2016", "=", ROLE_PAUSED };
	case AGENT_LOGGED_OFF: return (struct look){ "Off", "\u25cb", "-", ROLE_DIM };
	default: break;
	}
	return (struct look){ "?", "?", "?", ROLE_DIM };
}

static const char *filter_name(int f)
{
	return f == FILTER_ALL ? "all" : f == AGENT_LOGGED_OFF ? "logged off"
	     : look_of((enum agent_state)f).tag;
}

static bool long_call(const struct snapshot *s, size_t i)
{
	const struct agent_figs *f = snapshot_agent_figs(s, i);
	return s->long_call_s > 0 && f->on_call && f->call_since &&
	       s->as_of - f->call_since >= s->long_call_s;
}

static bool missed_ring(const struct snapshot *s, size_t i)
{
	return snapshot_agent_figs(s, i)->window.rna > 0;
}

/* ---- the order and the filters ------------------------------------------- */

static bool name_matches(const char *name, const char *want)
{
	size_t n = strlen(want);
	if (n == 0)
		return true;
	for (const char *p = name; *p; p++) {
		size_t k = 0;
		while (k < n && p[k] && tolower((unsigned char)p[k]) == tolower((unsigned char)want[k]))
			k++;
		if (k == n)
			return true;
	}
	return false;
}

/* Agent i's occupancy today at the snapshot's time. */
static double occupancy(const struct snapshot *s, size_t i)
{
	struct agent_clock t;
	agent_figs_at(snapshot_agent_figs(s, i), s->as_of, &t);
	return t.today.occupancy_pct;
}

static double col_value(const struct snapshot *s, size_t i, int col)
{
	const struct agent_figs *f = snapshot_agent_figs(s, i);
	switch ((enum col)col) {
	case COL_STATE: return s->agents[i].state;
	case COL_TIME: return (double)(s->as_of - s->agents[i].since);
	case COL_ANSWERED: return (double)f->today.answered;
	case COL_AHT: return astat_aht(&f->today);
	case COL_MISSED: return (double)f->today.rna;
	case COL_OCC: return occupancy(s, i);
	default: return 0;
	}
}

/* One agent in the order of a figure: its key made ascending (figures the
 * largest first, the state as it is, all of it turned round by S), and its
 * rank in the snapshot for ties. */
struct sort_key {
	double k;
	long nan;                  /* a missing figure: last (first turned round) */
	long i;
};

static int key_cmp(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	if (a->nan != b->nan)
		return a->nan < b->nan ? -1 : 1;
	if (a->k != b->k)
		return a->k < b->k ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

/* Puts the key of rank k (in key_cmp's order) at a[k], the smaller before
 * it and the larger after (quickselect; keys are unique: ties by rank). */
static void select_rank(struct sort_key *a, size_t n, size_t k)
{
	size_t l = 0, r = n ? n - 1 : 0;
	while (r > l) {
		size_t m = l + (r - l) / 2, st = l;
		struct sort_key t;
		if (key_cmp(&a[m], &a[l]) < 0) { t = a[m]; a[m] = a[l]; a[l] = t; }
		if (key_cmp(&a[r], &a[l]) < 0) { t = a[r]; a[r] = a[l]; a[l] = t; }
		if (key_cmp(&a[m], &a[r]) < 0) { t = a[m]; a[m] = a[r]; a[r] = t; }
		for (size_t i = l; i < r; i++)       /* a[r]: the median of three */
			if (key_cmp(&a[i], &a[r]) < 0) {
				t = a[i]; a[i] = a[st]; a[st++] = t;
			}
		t = a[r]; a[r] = a[st]; a[st] = t;
		if (st == k)
			return;
		if (st < k)
			l = st + 1;
		else
			r = st - 1;
	}
}

/* Orders idx[lo..hi) by the sort column: the agents of ranks lo to hi - 1
 * among the n, in order; the others stay in no order (the page is what is
 * drawn). Each agent's key is worked out once, and only the page is sorted:
 * no sort of 10,000 agents a frame. */
static void sort_by_figure(struct agents_state *st, const struct snapshot *s, size_t n,
                           size_t lo, size_t hi)
{
	double sign = st->reverse ? -1 : 1, dir = st->sort == COL_STATE ? 1 : -1;
	struct sort_key *keys;
	if (lo >= hi || n == 0)
		return;
	keys = xmalloc(n * sizeof *keys);
	for (size_t k = 0; k < n; k++) {
		double x = col_value(s, st->idx[k], st->sort);
		keys[k] = (struct sort_key){ isnan(x) ? 0 : sign * dir * x,
			isnan(x) ? (long)sign : 0, (long)sign * (long)st->idx[k] };
	}
	if (lo > 0)
		select_rank(keys, n, lo);
	if (hi < n)
		select_rank(keys + lo, n - lo, hi - lo);
	qsort(keys + lo, hi - lo, sizeof *keys, key_cmp);
	for (size_t k = lo; k < hi; k++)
		st->idx[k] = (size_t)(keys[k].i < 0 ? -keys[k].i : keys[k].i);
	free(keys);
}

/* Every agent by name in st->by_name. The snapshot lists the logged-in
 * agents by name, then the logged off by name: one merge of the two runs
 * (ties: the logged in first), and only when the names listed changed. */
static void order_by_name(struct agents_state *st, const struct snapshot *s)
{
	size_t all = s->n_agents + s->n_agents_off, mid = s->n_agents, a = 0, b = mid, k = 0;
	bool same = st->n_by_name == all;
	for (size_t i = 0; same && i < all; i++)
		same = st->names[i] == s->agents[i].name;
	if (same)
		return;
	st->by_name = xrealloc(st->by_name, (all ? all : 1) * sizeof *st->by_name);
	st->names = xrealloc(st->names, (all ? all : 1) * sizeof *st->names);
	while (a < mid || b < all) {
		if (b == all || (a < mid && natsort_cmp(s->agents[a].name, s->agents[b].name) <= 0))
			st->by_name[k++] = a++;
		else
			st->by_name[k++] = b++;
	}
	for (size_t i = 0; i < all; i++)
		st->names[i] = s->agents[i].name;
	st->n_by_name = all;
}

static bool passes(const struct agents_state *st, const struct snapshot *s, size_t i)
{
	return (st->filter == FILTER_ALL || (int)s->agents[i].state == st->filter) &&
	       name_matches(s->agents[i].name, st->search);
}

/* Fills st->idx with the agents that pass the filters, by name when that is
 * the order (else in no order yet: order_page does the page); returns how many. */
static size_t pick(struct agents_state *st, const struct snapshot *s)
{
	size_t n = 0, all = s->n_agents + s->n_agents_off;
	if (all > st->cap) {
		st->cap = all;
		st->idx = xrealloc(st->idx, st->cap * sizeof *st->idx);
	}
	if (st->sort != COL_NAME) {
		for (size_t i = 0; i < all; i++)
			if (passes(st, s, i))
				st->idx[n++] = i;
		return n;
	}
	order_by_name(st, s);
	for (size_t k = 0; k < all; k++) {
		size_t i = st->by_name[st->reverse ? all - 1 - k : k];
		if (passes(st, s, i))
			st->idx[n++] = i;
	}
	return n;
}

/* Puts the agents of the page [lo, hi) in order in st->idx. */
static void order_page(struct agents_state *st, const struct snapshot *s, size_t n, size_t lo,
                       size_t hi)
{
	if (st->sort != COL_NAME)
		sort_by_figure(st, s, n, lo, hi);
}

/* ---- the title ---------------------------------------------------------- */

/* 10000 as "10,000". */
static const char *thousands(char *buf, size_t sz, size_t n)
{
	char raw[32];
	int len = snprintf(raw, sizeof raw, "%zu", n), k = 0;
	for (int i = 0; i < len && (size_t)k + 2 < sz; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = raw[i];
	}
	buf[k] = '\0';
	return buf;
}

static void draw_title(const struct ui_view *v, const struct agents_state *st, struct rect r,
                       size_t n, size_t first, size_t last)
{
	char title[192], range[96], a[32], b[32], c[32], right[160];
	if (n == 0)
		snprintf(range, sizeof range, "none of %s", st->search[0] || st->filter != FILTER_ALL
		         ? "those" : "them");
	else
		snprintf(range, sizeof range, "%s%s%s of %s", thousands(a, sizeof a, first + 1),
		         v->g->utf8 ? "\u2013" : "-", thousands(b, sizeof b, last),
		         thousands(c, sizeof c, n));
	snprintf(title, sizeof title, "Agents%s %s %s", st->grid ? " grid" : "", v->g->dot, range);
	snprintf(right, sizeof right, "by %s%s %s %s%s%s%s", col_titles[st->sort],
	         st->reverse ? " (reversed)" : "", v->g->dot, filter_name(st->filter),
	         st->search[0] || st->typing ? " /" : "", st->search, st->typing ? "_" : "");
	ui_section(v, r.y, r.x, r.w, title, right);
}

/* Keeps st->top within n items shown per a page. */
static void clamp_top(struct agents_state *st, size_t n, int per_page)
{
	st->shown = per_page > 0 ? per_page : 1;
	if (st->top > (int)n - st->shown)
		st->top = (int)n - st->shown;
	if (st->top < 0)
		st->top = 0;
}

/* ---- the list ----------------------------------------------------------- */

struct cols { int state, name, time, queue, caller, ans, aht, miss, occ; };

static struct cols col_widths(int w)
{
	struct cols c = { 10, 0, 6, 0, 0, 5, 6, 5, 5 };
	int rem = w - (c.state + c.time + c.ans + c.aht + c.miss + c.occ) - 8;
	c.name = rem * 4 / 10 > 12 ? rem * 4 / 10 : 12;
	c.queue = (rem - c.name) * 4 / 10;
	c.caller = rem - c.name - c.queue;
	return c;
}

static void list_heading(const struct ui_view *v, int y, int x, const struct cols *c)
{
	ui_put(v, y, x, c->state, ROLE_HEADING, "State");
	x += c->state + 1;
	ui_put(v, y, x, c->name, ROLE_HEADING, "Agent");
	x += c->name + 1;
	ui_put_right(v, y, x, c->time, ROLE_HEADING, "Time");
	x += c->time + 1;
	ui_put(v, y, x, c->queue, ROLE_HEADING, "Queue");
	x += c->queue + 1;
	ui_put(v, y, x, c->caller, ROLE_HEADING, "Caller");
	x += c->caller + 1;
	ui_put_right(v, y, x, c->ans, ROLE_HEADING, "Ans");
	x += c->ans + 1;
	ui_put_right(v, y, x, c->aht, ROLE_HEADING, "AHT");
	x += c->aht + 1;
	ui_put_right(v, y, x, c->miss, ROLE_HEADING, "Miss");
	x += c->miss + 1;
	ui_put_right(v, y, x, c->occ, ROLE_HEADING, "Occ");
}

static void list_row(const struct ui_view *v, const struct snapshot *s, size_t i, int y, int x,
                     const struct cols *c)
{
	const struct agent_view *a = &s->agents[i];
	const struct agent_figs *f = snapshot_agent_figs(s, i);
	struct look lk = look_of(a->state);
	char buf[160];
	bool lc = long_call(s, i);

	snprintf(buf, sizeof buf, "%s %s", v->g->utf8 ? lk.glyph : lk.ascii, lk.tag);
	ui_put(v, y, x, c->state, lk.role, buf);
	x += c->state + 1;
	if (a->state == AGENT_PAUSED && a->reason && *a->reason)
		snprintf(buf, sizeof buf, "%s (%s)", a->name, a->reason);
	else
		snprintf(buf, sizeof buf, "%s", a->name);
	ui_put(v, y, x, c->name, ROLE_NORMAL, buf);
	x += c->name + 1;
	ui_put_right(v, y, x, c->time, lc ? ROLE_WARNING : ROLE_DIM,
	             ui_fmt_age(buf, sizeof buf, s->as_of - a->since));
	x += c->time + 1;
	if (f->on_call && f->call_queue >= 0) {
		snprintf(buf, sizeof buf, "%s%s", lc ? v->g->warning : "",
		         ui_queue_label(&s->queues[f->call_queue], false));
		ui_put(v, y, x, c->queue, lc ? ROLE_WARNING : ROLE_NORMAL, buf);
		ui_put(v, y, x + c->queue + 1, c->caller, ROLE_NORMAL, f->callerid);
	}
	x += c->queue + c->caller + 2;
	snprintf(buf, sizeof buf, "%lld", (long long)f->today.answered);
	ui_put_right(v, y, x, c->ans, ROLE_NORMAL, buf);
	x += c->ans + 1;
	ui_put_right(v, y, x, c->aht, ROLE_NORMAL, ui_fmt_secs(v, buf, sizeof buf,
	             astat_aht(&f->today)));
	x += c->aht + 1;
	snprintf(buf, sizeof buf, "%lld", (long long)f->today.rna);
	ui_put_right(v, y, x, c->miss, missed_ring(s, i) ? ROLE_WARNING : ROLE_NORMAL, buf);
	x += c->miss + 1;
	ui_put_right(v, y, x, c->occ, ROLE_NORMAL, ui_fmt_pct(v, buf, sizeof buf,
	             occupancy(s, i), false));
}

static void draw_list(const struct ui_view *v, struct agents_state *st,
                      const struct snapshot *s, struct rect r, size_t n)
{
	int rows = r.h - 2;
	struct cols c = col_widths(r.w - 2);
	clamp_top(st, n, rows);
	size_t last = (size_t)st->top + (size_t)rows < n ? (size_t)st->top + (size_t)rows : n;
	order_page(st, s, n, (size_t)st->top, last);
	draw_title(v, st, r, n, (size_t)st->top, last);
	list_heading(v, r.y + 1, r.x + 1, &c);
	for (size_t k = (size_t)st->top; k < last; k++)
		list_row(v, s, st->idx[k], r.y + 2 + (int)(k - (size_t)st->top), r.x + 1, &c);
}

/* ---- the grid ----------------------------------------------------------- */

static const int tile_widths[] = { 18, 14, 11, 8, 6, 5 };

int page_agents_tile_width(int n, int w, int h)
{
	size_t k;
	for (k = 0; k + 1 < sizeof tile_widths / sizeof tile_widths[0]; k++)
		if ((long)(w / tile_widths[k]) * h >= n)
			break;
	return tile_widths[k];
}

/* A short name for a narrow tile: the first letter and any digits ("A011"),
 * or the initials of up to three words ("RM"). */
static void initials(const char *name, char *out, size_t n)
{
	size_t k = 0;
	const char *digits = NULL;
	for (const char *p = name; *p; p++)
		if (isdigit((unsigned char)*p) && (p == name || !isdigit((unsigned char)p[-1])))
			digits = p;
	if (n < 2)
		return;
	if (digits) {
		snprintf(out, n, "%c%s", name[0], digits);
		return;
	}
	for (const char *p = name; *p && k + 1 < n && k < 3; p++)
		if (p == name || (p[-1] == ' ' && *p != ' '))
			out[k++] = *p;
	out[k] = '\0';
}

static void tile_draw(const struct ui_view *v, const struct snapshot *s, size_t i, int y,
                      int x, int w, attr_t a, const char *marks)
{
	char label[160], safe[256];
	int mw = textsafe_width(marks);

	if (w - mw - 1 >= 6)
		snprintf(label, sizeof label, "%s", s->agents[i].name);
	else
		initials(s->agents[i].name, label, sizeof label);
	textsafe_copy(safe, sizeof safe, label, w - mw - 1 > 0 ? w - mw - 1 : 0, v->text_flags);
	attrset(a);
	mvhline(y, x, ' ', w);
	mvaddstr(y, x, safe);
	if (mw)
		mvaddstr(y, x + w - mw, marks);
	attrset(A_NORMAL);
}

/* Draws agent i's tile at (y, x), w wide: from m (what this place on the
 * page showed last) when it showed the same agent, name, state and marks,
 * else anew (then kept in m). */
static void tile(const struct ui_view *v, struct tile_memo *m, const struct snapshot *s,
                 size_t i, int y, int x, int w)
{
	struct look lk = look_of(s->agents[i].state);
	attr_t a = v->attr[lk.role];
	unsigned bits = (long_call(s, i) ? 1u : 0u) | (missed_ring(s, i) ? 2u : 0u) |
	                (v->g->utf8 ? 4u : 0u);
	const char *name = s->agents[i].name ? s->agents[i].name : "";
	char marks[16] = "";

	a = (a & A_REVERSE) ? a : a | A_REVERSE;
	if (m->set && m->name == name && m->attr == a && m->w == w && m->marks == bits &&
	    strcmp(m->copy, name) == 0) {
		mvadd_wchnstr(y, x, m->cell, w);
		return;
	}
	if (bits & 1u)
		strcat(marks, "!");
	if (bits & 2u)
		strcat(marks, v->g->utf8 ? "\u00d7" : "x");
	tile_draw(v, s, i, y, x, w, a, marks);
	m->set = false;
	if (w > TILE_MAX_W || strlen(name) >= sizeof m->copy)
		return;
	*m = (struct tile_memo){ .name = name, .attr = a, .w = w, .marks = bits };
	snprintf(m->copy, sizeof m->copy, "%s", name);
	m->set = mvin_wchnstr(y, x, m->cell, w) != ERR;
}

static void draw_grid(const struct ui_view *v, struct agents_state *st,
                      const struct snapshot *s, struct rect r, size_t n)
{
	int h = r.h - 1, tw = page_agents_tile_width((int)n, r.w, h);
	int per_row = r.w / tw > 0 ? r.w / tw : 1;
	clamp_top(st, n, per_row * h);
	st->top -= st->top % per_row;             /* pages start on a row */
	size_t last = (size_t)st->top + (size_t)(per_row * h) < n
	            ? (size_t)st->top + (size_t)(per_row * h) : n;
	order_page(st, s, n, (size_t)st->top, last);
	draw_title(v, st, r, n, (size_t)st->top, last);
	if (st->n_memo < (size_t)(per_row * h)) {
		st->memo = xrealloc(st->memo, (size_t)(per_row * h) * sizeof *st->memo);
		memset(st->memo + st->n_memo, 0, ((size_t)(per_row * h) - st->n_memo) * sizeof *st->memo);
		st->n_memo = (size_t)(per_row * h);
	}
	for (size_t k = (size_t)st->top; k < last; k++) {
		int slot = (int)(k - (size_t)st->top);
		if (k + 16 < last)       /* each tile reads its name: a cache miss, thousands a frame */
			__builtin_prefetch(s->agents[st->idx[k + 16]].name);
		tile(v, &st->memo[slot], s, st->idx[k], r.y + 1 + slot / per_row,
		     r.x + (slot % per_row) * tw, tw - 1);
	}
}

/* ---- the page ----------------------------------------------------------- */

static void agents_draw(struct ui_view *v, const struct snapshot *s, struct rect body)
{
	struct agents_state *st = ui_page_state(v, &page_agents);
	size_t n;
	if (!st || body.h < 3)
		return;
	n = s->agent_figs ? pick(st, s) : 0;
	if (st->grid)
		draw_grid(v, st, s, body, n);
	else
		draw_list(v, st, s, body, n);
	if (s->n_agents + s->n_agents_off == 0)
		ui_put(v, body.y + 2, body.x + 1, body.w - 2, ROLE_DIM, "no agent logged in today");
}

/* A key while typing a name: letters join it, Backspace takes one back,
 * Enter keeps it, Esc clears it. */
static bool search_key(struct agents_state *st, int key)
{
	size_t len = strlen(st->search);
	if (key == 27) {
		st->search[0] = '\0';
		st->typing = false;
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		st->typing = false;
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (len > 0)
			st->search[len - 1] = '\0';
	} else if (key >= ' ' && key < 127 && len + 1 < sizeof st->search) {
		st->search[len] = (char)key;
		st->search[len + 1] = '\0';
	} else {
		return false;
	}
	st->top = 0;
	return true;
}

static bool agents_key(struct ui_view *v, int key)
{
	struct agents_state *st = ui_page_state(v, &page_agents);
	if (!st)
		return false;
	if (st->typing)
		return search_key(st, key) || true;   /* every key is the name's while typing */
	switch (key) {
	case 's': st->sort = (st->sort + 1) % COL_COUNT; st->top = 0; break;
	case 'S': st->reverse = !st->reverse; st->top = 0; break;
	case 'f':                            /* each state, then the logged off */
		st->filter = st->filter + 1 > AGENT_LOGGED_OFF ? FILTER_ALL : st->filter + 1;
		st->top = 0;
		break;
	case '/': st->typing = true; break;
	case 27: st->search[0] = '\0'; st->top = 0; break;
	case 'g': st->grid = !st->grid; st->top = 0; break;
	case KEY_NPAGE: st->top += st->shown; break;
	case KEY_PPAGE: st->top -= st->shown; break;
	case KEY_DOWN: st->top++; break;
	case KEY_UP: st->top--; break;
	case KEY_HOME: st->top = 0; break;
	case KEY_END: st->top = INT_MAX / 2; break;
	default: return false;
	}
	return true;
}

static const char *const agents_help[][2] = {
	{ "s / S", "sort by the next column / reverse" },
	{ "/ Esc", "find agents by name / show all" },
	{ "f", "only one state, or the logged off (cycles)" },
	{ "g", "grid: every agent as a tile" },
	{ "Up Down", "scroll a row" },
	{ "PgUp PgDn", "page" },
	{ "Home End", "the first / the last page" },
	{ "! x", "marks a long call / rings not answered" },
};

const struct ui_page page_agents = {
	.name = "agents",
	.title = "Agents",
	.draw = agents_draw,
	.key = agents_key,
	.help = agents_help,
	.n_help = sizeof agents_help / sizeof agents_help[0],
	.own_arrows = true,
	.state_new = agents_state_new,
	.state_free = agents_state_free,
};
