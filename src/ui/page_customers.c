/* page_customers.c - page 3, the customers (SPEC 6): who pivots from one
 * channel to another (by pair, today and in the window), the recent journeys
 * of customers on two channels or more, one line each, and the callback list.
 * It reads the contacts as the JSON snapshot writes them (ui_contacts_json). */
#include "pages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "custmask.h"
#include "draw_kit.h"
#include "textsafe.h"
#include "util.h"

/* How a customer id is shown: made safe, then masked ("…2072") unless
 * mask_customers = no (a floor monitor is seen by visitors; the JSON keeps
 * ids whole). */
static const char *cust_text(const struct ui_view *v, const struct snapshot *s, char *buf,
                             size_t n, const char *id)
{
	char safe[512];

	textsafe_copy(safe, sizeof safe, id ? id : "", -1, v->text_flags);
	if (!s->cfg || s->cfg->mask_customers)
		custmask_format_flags(buf, n, safe, v->g->utf8 ? 0 : CUSTMASK_ASCII);
	else
		snprintf(buf, n, "%s", safe);
	return buf;
}

static const char *arrow(const struct ui_view *v)
{
	return v->g->utf8 ? "\u2192" : "->";
}

/* ---- pivots -------------------------------------------------------------- */

struct pivot { const char *pair; json_int_t today, window, unans; };

static int pivot_cmp(const void *pa, const void *pb)
{
	const struct pivot *a = pa, *b = pb;

	if (a->today != b->today)
		return a->today > b->today ? -1 : 1;
	if (a->window != b->window)
		return a->window > b->window ? -1 : 1;
	return strcmp(a->pair, b->pair);
}

/* The pairs of the contacts' JSON, most pivots today first. Returns how many
 * (the caller frees *out). */
static size_t pivots_list(const json_t *root, struct pivot **out)
{
	const json_t *pairs = json_object_get(root, "pivots_by_pair");
	const char *key;
	json_t *val;
	size_t n = 0;

	*out = xcalloc(json_object_size(pairs) + 1, sizeof **out);
	json_object_foreach((json_t *)pairs, key, val)
		(*out)[n++] = (struct pivot){ key, json_integer_value(json_object_get(val, "today")),
			json_integer_value(json_object_get(val, "window")),
			json_integer_value(json_object_get(val, "unanswered_today")) };
	qsort(*out, n, sizeof **out, pivot_cmp);
	return n;
}

/* "email → voice" and "14 today, 9 while unanswered · 2 in 15m" of p. */
static void pivot_texts(const struct ui_view *v, const struct pivot *p, const char *win,
                        char *pair, size_t pn, char *counts, size_t cn)
{
	const char *gt = strchr(p->pair, '>');

	snprintf(pair, pn, "%.*s %s %s", gt ? (int)(gt - p->pair) : (int)strlen(p->pair), p->pair,
	         arrow(v), gt ? gt + 1 : "?");
	snprintf(counts, cn, "%lld today, %lld while unanswered %s %lld in %s", (long long)p->today,
	         (long long)p->unans, v->g->dot, (long long)p->window, win);
}

/* "email → voice    14 today · 2 in 15m": the pair in pw columns, the counts
 * right-aligned in the next cw (cut to w). */
static void pivot_entry(const struct ui_view *v, const struct pivot *p, const char *win, int y,
                        int x, int w, int pw, int cw)
{
	char pair[128], counts[64];

	pivot_texts(v, p, win, pair, sizeof pair, counts, sizeof counts);
	if (cw > w - pw - 3)
		cw = w - pw - 3;
	if (textsafe_width(counts) > cw)
		snprintf(counts, sizeof counts, "%lld today, %lld while unanswered",
		         (long long)p->today, (long long)p->unans);
	if (textsafe_width(counts) > cw)
		snprintf(counts, sizeof counts, "%lld today", (long long)p->today);
	ui_put(v, y, x + 1, pw, ROLE_NORMAL, pair);
	ui_put_right(v, y, x + pw + 2, cw, p->today ? ROLE_NORMAL : ROLE_DIM, counts);
}

#define PIVOT_PAIR_MAX_W 24

/* Returns the rows used (at most max_rows, the title included). */
static int draw_pivots(const struct ui_view *v, const json_t *root, struct rect r, int max_rows)
{
	const json_t *tot = json_object_get(json_object_get(root, "channel_total"), "today");
	struct pivot *list;
	size_t n = pivots_list(root, &list);
	int pw = 0, cw = 0, cols, col_w, rows;
	char right[96], win[16], pair[128], counts[64];

	ui_fmt_window(win, sizeof win, (int)ui_json_num(json_object_get(
	        json_object_get(root, "channel_total"), "window"), "seconds"));
	snprintf(right, sizeof right, "%.0f today, %.0f while unanswered",
	         ui_json_num(tot, "pivots"), ui_json_num(tot, "pivots_unanswered"));
	ui_section(v, r.y, r.x, r.w, "Pivots between channels", right);
	for (size_t i = 0; i < n; i++) {
		pivot_texts(v, &list[i], win, pair, sizeof pair, counts, sizeof counts);
		pw = textsafe_width(pair) > pw ? textsafe_width(pair) : pw;
		cw = textsafe_width(counts) > cw ? textsafe_width(counts) : cw;
	}
	if (pw > PIVOT_PAIR_MAX_W)
		pw = PIVOT_PAIR_MAX_W;
	cols = r.w / (pw + cw + 5) > 0 ? r.w / (pw + cw + 5) : 1;
	col_w = r.w / cols;
	if (pw > col_w - 4)
		pw = col_w - 4;
	rows = ((int)n + cols - 1) / cols;
	if (rows > max_rows - 1)
		rows = max_rows - 1;
	if (n == 0) {
		ui_put(v, r.y + 1, r.x + 1, r.w - 1, ROLE_DIM, "no customer changed channel");
		rows = 1;
	}
	/* down the columns, most first; the last slot says how many more */
	for (int i = 0; i < (int)n && i < rows * cols; i++) {
		int y = r.y + 1 + i % rows, x = r.x + (i / rows) * col_w;

		if (i == rows * cols - 1 && (int)n > rows * cols) {
			char more[32];

			snprintf(more, sizeof more, "+%d more pairs", (int)n - i);
			ui_put(v, y, x + 1, col_w - 2, ROLE_DIM, more);
			break;
		}
		pivot_entry(v, &list[i], win, y, x, col_w - 1, pw, cw);
	}
	free(list);
	return 1 + rows;
}

/* ---- journeys ------------------------------------------------------------ */

/* How a contact's state reads: the ones a lead acts on stand out. */
static enum role state_role(const char *st)
{
	if (strcmp(st, "resolved") == 0)
		return ROLE_OK;
	if (strcmp(st, "open") == 0 || strcmp(st, "waiting") == 0 || strcmp(st, "abandoned") == 0)
		return ROLE_WARNING;
	return ROLE_NORMAL;
}

/* "email 09:12" (a day before today: "Sun 09:12"). */
static void step_text(char *buf, size_t n, const json_t *c, int64_t day_start)
{
	double created = ui_json_num(c, "created");
	time_t t = (time_t)(isnan(created) ? 0 : floor(created));
	char when[16];
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof when, (int64_t)t < day_start ? "%a %H:%M" : "%H:%M", &tm);
	snprintf(buf, n, "%s %s", json_string_value(json_object_get(c, "channel")) ?: "?", when);
}

/* "email 09:12 → chat 11:40 → voice 13:05" in at most w columns: the
 * earliest steps give way first ("… → chat 11:40 → voice 13:05"). */
static void journey_path(const struct ui_view *v, char *buf, size_t n, const json_t *cs,
                         int64_t day_start, int w)
{
	size_t k = json_array_size(cs);

	for (size_t from = 0; from < k; from++) {
		size_t len = 0;

		buf[0] = '\0';
		if (from > 0)
			len += (size_t)snprintf(buf, n, "%s %s ", v->g->utf8 ? "\u2026" : "...", arrow(v));
		for (size_t i = from; i < k && len < n; i++) {
			char step[64], safe[64];

			step_text(step, sizeof step, json_array_get(cs, i), day_start);
			textsafe_copy(safe, sizeof safe, step, 40, v->text_flags);
			len += (size_t)snprintf(buf + len, n - len, "%s%s", i > from ? " " : "", safe);
			if (i + 1 < k && len < n)
				len += (size_t)snprintf(buf + len, n - len, " %s", arrow(v));
		}
		if (textsafe_width(buf) <= w || from + 1 == k)
			return;
	}
}

#define JOURNEY_ID_W 18

/* "…2072  email 09:12 → chat 11:40 → voice 13:05  open" */
static void journey_line(const struct ui_view *v, const struct snapshot *s, const json_t *j,
                         int y, int x, int w)
{
	const json_t *cs = json_object_get(j, "contacts");
	const char *st = json_string_value(json_object_get(json_array_get(cs,
	                 json_array_size(cs) - 1), "state")) ?: "?";
	char id[128], path[512];
	int idw = w >= 100 ? JOURNEY_ID_W + 6 : JOURNEY_ID_W, stw = 10, pw;

	cust_text(v, s, id, sizeof id, json_string_value(json_object_get(j, "customer")));
	ui_put(v, y, x + 1, idw - 2, ROLE_LABEL, id);
	pw = w - idw - stw - 2;   /* the state ends on the last column at most */
	journey_path(v, path, sizeof path, cs, s->day_start, pw);
	pw = ui_put(v, y, x + idw, pw, ROLE_NORMAL, path);
	ui_put(v, y, x + idw + pw + 2, stw, state_role(st), st);
}

static void draw_journeys(const struct ui_view *v, const struct snapshot *s, const json_t *root,
                          struct rect r)
{
	const json_t *js = json_object_get(root, "journeys");
	size_t n = json_array_size(js);
	int rows = r.h - 1;
	char right[64];

	if (r.h < 2)
		return;
	snprintf(right, sizeof right, "%zu customer%s on two channels or more", n,
	         n == 1 ? "" : "s");
	ui_section(v, r.y, r.x, r.w, "Journeys, latest first", right);
	if (n == 0)
		ui_put(v, r.y + 1, r.x + 1, r.w - 1, ROLE_DIM, "no customer on two channels yet");
	for (int i = 0; i < (int)n && i < rows; i++) {
		if (i == rows - 1 && (int)n > rows) {
			char more[32];

			snprintf(more, sizeof more, "+%d more", (int)n - i);
			ui_put(v, r.y + 1 + i, r.x + 1, r.w - 1, ROLE_DIM, more);
			break;
		}
		journey_line(v, s, json_array_get(js, (size_t)i), r.y + 1 + i, r.x, r.w);
	}
}

/* ---- the callback list -------------------------------------------------- */

/* The display name of queue name in s. */
static const char *queue_label(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->n_queues; i++)
		if (s->queues[i].name && strcmp(s->queues[i].name, name) == 0)
			return ui_queue_label(&s->queues[i], false);
	return name;
}

/* The callers to call back, oldest first: every one, or the selected queue's.
 * Returns how many (the caller frees *out). */
static size_t callbacks_pick(const struct ui_view *v, const struct snapshot *s,
                             struct contacts_callback **out)
{
	size_t n = contacts_callbacks(s->contacts, NULL, 0), k = 0;

	*out = xcalloc(n + 1, sizeof **out);
	n = contacts_callbacks(s->contacts, *out, n);
	for (size_t i = 0; i < n; i++)
		if (v->sel < 0 || strcmp((*out)[i].queue, v->sel_name) == 0)
			(*out)[k++] = (*out)[i];
	return k;
}

/* "hh:mm" of ms into buf. */
static const char *clock_text(char *buf, size_t n, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, n, "%H:%M", &tm);
	return buf;
}

/* "…2072   Sales   09:12   waited 1:35   3 tries   2h05 ago, latest 11:40":
 * when the first try ended (the list's order), how long the latest waited. */
static void callback_line(const struct ui_view *v, const struct snapshot *s,
                          const struct contacts_callback *cb, int y, int x, int w)
{
	char id[128], buf[64], when[16], ago[16];
	int idw = w >= 80 ? JOURNEY_ID_W : 14, qw = w >= 100 ? 20 : w >= 80 ? 14 : 12;
	int cx = x + 1 + idw + qw, end = x + w;

	cust_text(v, s, id, sizeof id, cb->customer);
	ui_put(v, y, x + 1, idw - 2, ROLE_LABEL, id);
	ui_put(v, y, x + 1 + idw, qw - 2, ROLE_NORMAL, queue_label(s, cb->queue));
	ui_put(v, y, cx, end - cx < 6 ? end - cx : 6, ROLE_NORMAL,
	       clock_text(when, sizeof when, cb->first_ms));
	snprintf(buf, sizeof buf, "waited %s", ui_fmt_dur(ago, sizeof ago, cb->waited_ms / 1000));
	if (cx + 21 <= end)
		ui_put_right(v, y, cx + 6, 15, ROLE_NORMAL, buf);
	snprintf(buf, sizeof buf, "%d tr%s", cb->tries, cb->tries == 1 ? "y" : "ies");
	if (cx + 31 <= end)
		ui_put_right(v, y, cx + 21, 10, cb->tries > 1 ? ROLE_WARNING : ROLE_NORMAL, buf);
	ui_fmt_age(ago, sizeof ago, s->as_of - cb->first_ms / 1000);
	if (cb->tries > 1)
		snprintf(buf, sizeof buf, "%s ago, latest %s", ago,
		         clock_text(when, sizeof when, cb->last_ms));
	else
		snprintf(buf, sizeof buf, "%s ago", ago);
	if (end - (cx + 33) < textsafe_width(buf))
		snprintf(buf, sizeof buf, "%s ago", ago);
	if (end - (cx + 33) >= textsafe_width(buf))
		ui_put(v, y, cx + 33, end - cx - 33, ROLE_DIM, buf);
}

/* The callers who abandoned (or timed out) today and have not been answered
 * since, oldest first. */
static void draw_callbacks(const struct ui_view *v, const struct snapshot *s, struct rect r)
{
	struct contacts_callback *list;
	size_t n = callbacks_pick(v, s, &list);
	int rows = r.h - 1;
	char title[160], right[48];

	if (r.h >= 2) {
		snprintf(title, sizeof title, "Call back, oldest first%s%s", v->sel < 0 ? "" : " \u00b7 ",
		         v->sel < 0 ? "" : ui_selection_label(v, s));
		if (!v->g->utf8 && v->sel >= 0)
			snprintf(title, sizeof title, "Call back, oldest first | %s",
			         ui_selection_label(v, s));
		snprintf(right, sizeof right, "%zu caller%s", n, n == 1 ? "" : "s");
		ui_section(v, r.y, r.x, r.w, title, right);
		if (n == 0) {
			ui_put(v, r.y + 1, r.x + 1, 1, ROLE_OK, v->g->ok);
			ui_put(v, r.y + 1, r.x + 3, r.w - 3, ROLE_DIM, "no one to call back");
		}
		for (int i = 0; i < (int)n && i < rows; i++) {
			if (i == rows - 1 && (int)n > rows) {
				char more[32];

				snprintf(more, sizeof more, "+%d more", (int)n - i);
				ui_put(v, r.y + 1 + i, r.x + 1, r.w - 1, ROLE_DIM, more);
				break;
			}
			callback_line(v, s, &list[i], r.y + 1 + i, r.x, r.w);
		}
	}
	free(list);
}

/* Rows for the callback list: its title and callers, at most a third of h
 * (two rows at least). */
static int callbacks_rows(const struct ui_view *v, const struct snapshot *s, int h)
{
	struct contacts_callback *list;
	int n = (int)callbacks_pick(v, s, &list), want = 1 + (n > 0 ? n : 1), cap = h / 3;

	free(list);
	if (cap < 2)
		cap = 2;
	return want < cap ? want : cap;
}

/* ---- the page ------------------------------------------------------------ */

static void customers_draw(struct ui_view *v, const struct snapshot *s, struct rect body)
{
	json_t *root;
	int y = body.y, end = body.y + body.h, cbh;

	if (!s->contacts) {
		ui_section(v, body.y, body.x, body.w, "Customers", NULL);
		ui_put(v, body.y + 2, body.x + 2, body.w - 4, ROLE_DIM, "no contacts kept");
		return;
	}
	cbh = callbacks_rows(v, s, body.h);
	draw_callbacks(v, s, (struct rect){ end - cbh, body.x, cbh, body.w });
	end -= cbh + (body.h >= 20 ? 1 : 0);
	if ((root = ui_contacts_json(s)) == NULL) {
		ui_section(v, y, body.x, body.w, "Pivots and journeys", NULL);
		ui_put(v, y + 1, body.x + 1, body.w - 2, ROLE_DIM,
		       "no contact event yet: pivots and journeys appear with the first one (SPEC 6.1)");
		return;
	}
	y += draw_pivots(v, root, (struct rect){ y, body.x, end - y, body.w },
	                 body.h / 4 > 3 ? body.h / 4 : 3);
	if (end - y >= 6)
		y++;
	draw_journeys(v, s, root, (struct rect){ y, body.x, end - y, body.w });
	json_decref(root);
}

const struct ui_page page_customers = {
	.name = "customers",
	.title = "Customers",
	.draw = customers_draw,
};
