/* snapshot_json.c - the queues of a JSON snapshot, written by hand. */
#include "snapshot_json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "config.h"
#include "figures.h"
#include "staffing.h"
#include "util.h"

void jbuf_grow(struct jbuf *b, size_t n)
{
	/* a quarter more, not double: the line's buffer is kept from line to
	 * line at the size it grew to (megabytes on a big centre) */
	size_t want = b->n + n + 1, more = b->cap + b->cap / 4 + 256;
	b->cap = want > more ? want : more;
	b->p = xrealloc(b->p, b->cap);
}

void jbuf_fit(struct jbuf *b, size_t need)
{
	/* a 16th over need, and only past an eighth more than that: a line a
	 * little longer than the last grows it once, not at each line (a big
	 * centre's lines differ by a few digits from one to the next) */
	size_t room = need + need / 16 + 4096;
	if (b->cap <= room + room / 8)
		return;
	b->p = xrealloc(b->p, room);
	b->cap = room;
}

static void jsegs_push(struct jsegs *g, const char *p, size_t n)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap + g->cap / 8 : 1024;   /* kept: an eighth more */
		g->v = xrealloc(g->v, g->cap * sizeof *g->v);
	}
	g->v[g->n++] = (struct iovec){ (void *)p, n };
}

/* b's bytes since the last piece become one (at its offset, for now). */
static void jsegs_cut(struct jsegs *g, const struct jbuf *b)
{
	if (b->n > g->mark)
		jsegs_push(g, (const char *)(uintptr_t)g->mark, (b->n - g->mark) | JSEG_OWN);
	g->mark = b->n;
}

void jbuf_ref_piece(struct jbuf *b, const char *p, size_t n)
{
	jsegs_cut(b->segs, b);
	jsegs_push(b->segs, p, n);
}

void jbuf_text(struct jbuf *b, const struct json_text *t)
{
	for (size_t i = 0; i < t->nv; i++) {
		jbuf_ref(b, t->v[i].iov_base, t->v[i].iov_len, 0);
		jbuf_part(b);
	}
}

void jsegs_fit(struct jsegs *segs)
{
	size_t room = segs->n + segs->n / 16 + 256;   /* as jbuf_fit */
	if (segs->cap <= room + room / 8)
		return;
	segs->v = xrealloc(segs->v, room * sizeof *segs->v);
	segs->cap = room;
}

void jsegs_start(struct jsegs *segs, struct jbuf *b)
{
	segs->n = 0;
	segs->mark = 0;
	b->n = 0;
	b->segs = segs;
}

size_t jsegs_end(struct jsegs *segs, struct jbuf *b)
{
	size_t len = 0;
	jsegs_cut(segs, b);
	b->segs = NULL;
	for (size_t i = 0; i < segs->n; i++) {
		struct iovec *v = &segs->v[i];
		if (v->iov_len & JSEG_OWN) {
			v->iov_len &= ~JSEG_OWN;
			v->iov_base = b->p + (uintptr_t)v->iov_base;
		}
		len += v->iov_len;
	}
	return len;
}

/* A part's own bytes (the glue kept from line to line at that size) and its
 * pieces (16 bytes each): small next to a big centre's line of megabytes,
 * big enough that its writes are few. */
enum { JPART_BYTES = 128 << 10, JPART_PIECES = 4096 };
size_t jpart_bytes = JPART_BYTES, jpart_pieces = JPART_PIECES;

void jbuf_part_limits(size_t bytes, size_t pieces)
{
	jpart_bytes = bytes ? bytes : JPART_BYTES;
	jpart_pieces = pieces ? pieces : JPART_PIECES;
}

void jsegs_part_out(struct jbuf *b)
{
	struct jsegs *g = b->segs;
	jsegs_end(g, b);
	g->part(g->part_ctx, g->v, g->n);
	jsegs_start(g, b);
}

void jbuf_int(struct jbuf *b, long long v)
{
	if (b->n + 24 > b->cap)
		jbuf_grow(b, 24);
	b->n = (size_t)(bytes_put_int(b->p + b->n, v) - b->p);
}

/* jansson: "%.15g", the exponent without '+' or leading zeros, then ".0"
 * when that reads as an integer. */
static void real_slow(struct jbuf *b, double v)
{
	char tmp[40], *e;
	snprintf(tmp, sizeof tmp, "%.15g", v);
	if ((e = strchr(tmp, 'e')) != NULL) {
		char *d = e + 1, *r;
		if (*d == '-')
			d++;
		r = d;
		while (*r == '+')
			r++;
		while (*r == '0' && r[1])
			r++;
		memmove(d, r, strlen(r) + 1);
	}
	jbuf_puts(b, tmp);
	if (!strpbrk(tmp, ".e"))
		jbuf_puts(b, ".0");
}

void jbuf_real(struct jbuf *b, double v)
{
	/* a number of hundredths (what the snapshot writes) prints exactly as
	 * its decimal digits under %.15g: write them without printf */
	if (!isfinite(v) || fabs(v) >= 1e12) {
		real_slow(b, v);
		return;
	}
	long long k = llround(v * 100.0);
	if ((double)k / 100.0 != v) {
		real_slow(b, v);
		return;
	}
	if (b->n + 32 > b->cap)
		jbuf_grow(b, 32);
	char *p = b->p + b->n;
	if (k < 0 || (k == 0 && signbit(v)))
		*p++ = '-';
	unsigned long long u = k < 0 ? 0ull - (unsigned long long)k : (unsigned long long)k;
	unsigned f = (unsigned)(u % 100);
	p = bytes_put_uint(p, u / 100);
	*p++ = '.';
	*p++ = (char)('0' + f / 10);
	if (f % 10)
		*p++ = (char)('0' + f % 10);      /* 70.0, 65.1, 65.19 */
	b->n = (size_t)(p - b->p);
}

/* Length of the valid UTF-8 sequence at s (1-4) and its code point, or 0. */
static size_t utf8_decode(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf && (s[1] & 0xc0) == 0x80) {
		*cp = (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu);
		return 2;
	}
	if (s[0] >= 0xe0 && s[0] <= 0xef && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f))
			return 0;
		*cp = (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
	    (s[3] & 0xc0) == 0x80) {
		if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
			return 0;
		*cp = (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 | (s[3] & 0x3fu);
		return 4;
	}
	return 0;
}

bool jbuf_utf8_valid(const char *text)
{
	const unsigned char *r = (const unsigned char *)text;
	unsigned cp;
	for (size_t k; *r; r += k)
		if ((k = utf8_decode(r, &cp)) == 0)
			return false;
	return true;
}

static void put_u(struct jbuf *b, unsigned cp)
{
	char tmp[8];
	snprintf(tmp, sizeof tmp, "\\u%04X", cp);
	jbuf_put(b, tmp, 6);
}

/* 1 for the bytes a JSON string takes as they are (jbuf_string's runs). */
static const unsigned char jplain[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,          /* not '"' */
	[0x30] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x40] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,          /* not '\\' */
	[0x60] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x70] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

void jbuf_quoted(struct jbuf *b, const char *text, size_t n)
{
	if (b->n + n + 3 > b->cap)
		jbuf_grow(b, n + 2);
	b->p[b->n] = '"';
	memcpy(b->p + b->n + 1, text, n);
	b->p[b->n + n + 1] = '"';
	b->n += n + 2;
}

void jbuf_string(struct jbuf *b, const char *text)
{
	const unsigned char *r = (const unsigned char *)(text ? text : "");
	const unsigned char *run = r;
	while (jplain[*r])
		r++;
	if (*r == 0) {                           /* most texts: quoted as they are */
		jbuf_quoted(b, (const char *)run, (size_t)(r - run));
		return;
	}
	r = run;
	jbuf_put(b, "\"", 1);
	while (*r) {
		unsigned cp;
		size_t k;
		if (*r >= 0x20 && *r < 0x80 && *r != '"' && *r != '\\') {
			r++;
			continue;
		}
		jbuf_put(b, (const char *)run, (size_t)(r - run));
		k = utf8_decode(r, &cp);
		if (k == 0) {
			cp = 0xfffd;
			k = 1;
		}
		r += k;
		run = r;
		switch (cp) {
		case '"':  jbuf_put(b, "\\\"", 2); break;
		case '\\': jbuf_put(b, "\\\\", 2); break;
		case '\b': jbuf_put(b, "\\b", 2); break;
		case '\f': jbuf_put(b, "\\f", 2); break;
		case '\n': jbuf_put(b, "\\n", 2); break;
		case '\r': jbuf_put(b, "\\r", 2); break;
		case '\t': jbuf_put(b, "\\t", 2); break;
		default:
			if (cp >= 0x10000) {
				cp -= 0x10000;
				put_u(b, 0xd800 | (cp >> 10));
				put_u(b, 0xdc00 | (cp & 0x3ff));
			} else {
				put_u(b, cp);
			}
		}
	}
	jbuf_put(b, (const char *)run, (size_t)(r - run));
	jbuf_put(b, "\"", 1);
}

/* ---- the layout of a queue's figures, made once from the catalogue ---- */

/* Items of a queue object in the order json_figures inserts them: a
 * top-level figure, or a group ("today") with every figure of it. */
#define MAX_GROUPS 8
static const char *fig_key[SNAP_MAX_FIGURES];
static int fig_group[SNAP_MAX_FIGURES];      /* -1 top level, -2 not in JSON */
static const char *group_name[MAX_GROUPS];
static int items[SNAP_MAX_FIGURES];          /* >= 0 a figure, < 0: group -1 - item */
static size_t n_items, n_groups, n_figs;
/* Each figure's ,"key": in a slot of KEY_ROOM bytes (copied whole, a fixed
 * size: no call per key), its length; and each group's figures in order. */
enum { KEY_ROOM = 32 };
static char fig_kc[SNAP_MAX_FIGURES][KEY_ROOM];
static unsigned char fig_kcn[SNAP_MAX_FIGURES];
static unsigned char group_figs[MAX_GROUPS][SNAP_MAX_FIGURES];
static size_t group_n[MAX_GROUPS];
static bool group_window[MAX_GROUPS];

/* Figure i's key, ready to copy (a key too long for the slot: "" and 0,
 * written the slow way). */
static void layout_key(size_t i)
{
	int n = snprintf(fig_kc[i], KEY_ROOM, ",\"%s\":", fig_key[i]);
	fig_kcn[i] = n > 0 && n < KEY_ROOM ? (unsigned char)n : 0;
}

static void layout_make(void)
{
	if (n_figs)
		return;
	n_figs = figures_count < SNAP_MAX_FIGURES ? figures_count : SNAP_MAX_FIGURES;
	for (size_t i = 0; i < n_figs; i++) {
		const char *g = figure_group(&figures[i], &fig_key[i]);
		size_t k = 0;
		if (figures[i].flags & FIG_NOJSON) {
			fig_group[i] = -2;
			continue;
		}
		if (!*g) {
			fig_group[i] = -1;
			items[n_items++] = (int)i;
			continue;
		}
		while (k < n_groups && strcmp(group_name[k], g) != 0)
			k++;
		if (k == n_groups) {
			if (n_groups == MAX_GROUPS)
				fatal("internal: more than %d figure groups", MAX_GROUPS);
			group_name[n_groups++] = g;
			items[n_items++] = -1 - (int)k;
		}
		fig_group[i] = (int)k;
	}
	for (size_t i = 0; i < n_figs; i++) {
		layout_key(i);
		if (fig_group[i] >= 0)
			group_figs[fig_group[i]][group_n[fig_group[i]]++] = (unsigned char)i;
	}
	for (size_t k = 0; k < n_groups; k++)
		group_window[k] = strcmp(group_name[k], "window") == 0;
}

static void put_key(struct jbuf *b, const char *key)
{
	jbuf_put(b, "\"", 1);
	jbuf_puts(b, key);             /* keys are ours: plain ASCII */
	jbuf_put(b, "\":", 2);
}

/* Writes v at p as jbuf_real(b, round(v * 100.0) / 100.0) does (room for
 * 24), or returns NULL for a value that takes its slow way. With r =
 * round(v * 100) below 1e14, r / 100 prints as r's digits, a point and its
 * last two (one when the last is 0): what jbuf_real finds. */
static inline char *put_cents(char *p, double v)
{
	double r = round(v * 100.0);
	if (!(fabs(r) < 1e14))
		return NULL;
	long long k = (long long)r;
	if (k < 0 || (k == 0 && signbit(r)))
		*p++ = '-';
	unsigned long long u = k < 0 ? 0ull - (unsigned long long)k : (unsigned long long)k;
	unsigned f = (unsigned)(u % 100);
	p = bytes_put_uint(p, u / 100);
	*p++ = '.';
	*p++ = (char)('0' + f / 10);
	if (f % 10)
		*p++ = (char)('0' + f % 10);
	return p;
}

/* Writes a literal at p; returns the end. */
#define PUT_LIT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)

/* Room a figure takes at most in the fast way: key, value. */
enum { FIG_ROOM = KEY_ROOM + 32 };

/* Makes room for n more bytes at p in b; returns where p is now. */
static char *jbuf_room_at(struct jbuf *b, char *p, size_t n)
{
	b->n = (size_t)(p - b->p);
	if (b->n + n + 1 > b->cap)
		jbuf_grow(b, n);
	return b->p + b->n;
}

/* Writes ,"key":value of figure i of q at p (without the comma when !comma),
 * with FIG_ROOM bytes there; returns the end, and keeps that room after it.
 * Inlined: its call (registers saved and restored) cost a fifth of it. */
static inline __attribute__((always_inline)) char *
put_figure_at(struct jbuf *b, char *p, size_t i, const struct snap_queue *q, bool comma)
{
	const struct figure *f = &figures[i];
	const char *base = (const char *)q + f->offset;
	double v;
	if (fig_kcn[i] != 0) {
		memcpy(p, fig_kc[i] + !comma, KEY_ROOM - 1);
		p += fig_kcn[i] - !comma;
	} else {                                 /* a key too long for its slot */
		b->n = (size_t)(p - b->p);
		if (comma)
			jbuf_put(b, ",", 1);
		put_key(b, fig_key[i]);
		p = jbuf_room_at(b, b->p + b->n, FIG_ROOM);
	}
	switch (f->type) {
	case FIG_INT:
		return bytes_put_int(p, *(const int *)(const void *)base);
	case FIG_I64:                            /* through a double, as figure_value */
		return bytes_put_int(p, (long long)(double)*(const int64_t *)(const void *)base);
	case FIG_REAL:
		v = *(const double *)(const void *)base;
		break;
	default:                                 /* a getter: its value, as an integer */
		return bytes_put_int(p, (long long)figure_value(f, q));
	}
	if (isnan(v) || isinf(v)) {
		memcpy(p, "null", 4);
		return p + 4;
	}
	char *e = put_cents(p, v);
	if (e)
		return e;
	b->n = (size_t)(p - b->p);
	jbuf_real(b, round(v * 100.0) / 100.0);
	return jbuf_room_at(b, b->p + b->n, FIG_ROOM);
}

/* Writes ,"key":value of figure i of q (without the comma when !comma). */
static void put_figure_c(struct jbuf *b, size_t i, const struct snap_queue *q, bool comma)
{
	char *p = jbuf_room_at(b, b->p + b->n, FIG_ROOM);
	p = put_figure_at(b, p, i, q, comma);
	b->n = (size_t)(p - b->p);
}

static void put_figure(struct jbuf *b, size_t i, const struct snap_queue *q)
{
	put_figure_c(b, i, q, false);
}

/* Writes "name":{...} of group k of q: room for all of it made once, every
 * figure written in place. */
static void put_group(struct jbuf *b, int k, const struct snap_queue *q, int window_s)
{
	bool first = true;
	char *p;
	put_key(b, group_name[k]);
	p = jbuf_room_at(b, b->p + b->n, 32 + group_n[k] * FIG_ROOM);
	*p++ = '{';
	if (group_window[k]) {
		memcpy(p, "\"seconds\":", 10);
		p = bytes_put_int(p + 10, window_s);
		first = false;
	}
	for (size_t j = 0; j < group_n[k]; j++) {
		p = put_figure_at(b, p, group_figs[k][j], q, !first);
		first = false;
	}
	*p++ = '}';
	b->n = (size_t)(p - b->p);
}

static void put_grades(struct jbuf *b, const struct snapshot *s, const struct snap_queue *q)
{
	bool first = true;
	jbuf_puts(b, ",\"grades\":{");
	for (size_t i = 0; i < s->n_gradings; i++) {
		const struct figure *f = s->gradings[i].f;
		if (!f)
			continue;
		if (!first)
			jbuf_put(b, ",", 1);
		first = false;
		jbuf_string(b, f->name);
		jbuf_put(b, ":", 1);
		jbuf_string(b, alert_severity_name((enum alert_severity)q->grade[figure_index(f)]));
	}
	jbuf_put(b, "}", 1);
}

static void put_callers(struct jbuf *b, const struct snap_queue *q)
{
	jbuf_puts(b, ",\"callers\":[");
	for (int i = 0; i < q->n_callers; i++) {
		char *p;
		jbuf_puts(b, i ? ",{\"callerid\":" : "{\"callerid\":");
		jbuf_string(b, q->callers[i].callerid);
		p = jbuf_room_at(b, b->p + b->n, 40);
		memcpy(p, ",\"waiting_s\":", 13);
		p = bytes_put_int(p + 13, q->callers[i].waiting_s);
		*p++ = '}';
		b->n = (size_t)(p - b->p);
	}
	jbuf_put(b, "]", 1);
}

/* A queue's name, display and figures (the layout's items), as the line
 * and the uncached writer both start it. */
static void put_name_and_figures(struct jbuf *b, const struct snapshot *s,
                                 const struct snap_queue *q)
{
	jbuf_puts(b, "{\"name\":");
	jbuf_string(b, q->name);
	if (q->display && strcmp(q->display, q->name) != 0) {
		jbuf_puts(b, ",\"display\":");
		jbuf_string(b, q->display);
	}
	for (size_t k = 0; k < n_items; k++) {
		jbuf_put(b, ",", 1);
		if (items[k] >= 0)
			put_figure(b, (size_t)items[k], q);
		else
			put_group(b, -1 - items[k], q, s->window_s);
	}
}

void jbuf_queue_head(struct jbuf *b, const struct snapshot *s, const struct snap_queue *q,
                     bool is_total)
{
	(void)is_total;
	layout_make();
	put_name_and_figures(b, s, q);
	put_grades(b, s, q);
	jbuf_puts(b, ",\"sl_threshold_s\":");
	jbuf_int(b, q->sl_threshold_s);
	jbuf_puts(b, ",\"sl_target_pct\":");
	jbuf_real(b, q->sl_target_pct);
	jbuf_puts(b, ",\"sl_formula\":");
	jbuf_string(b, config_sl_formula_name(q->sl_formula));
}

void jbuf_queue_callers(struct jbuf *b, const struct snap_queue *q)
{
	put_callers(b, q);
}

void jbuf_queue_open(struct jbuf *b, const struct snapshot *s, const struct snap_queue *q,
                     bool is_total)
{
	jbuf_queue_head(b, s, q, is_total);
	if (!is_total)
		put_callers(b, q);
}

void jbuf_alert(struct jbuf *b, const struct snap_alert *a)
{
	/* a place to cut the line: thousands of alerts (1.3 MB on a big centre,
	 * more as queues breach) go out in parts, not grown into the buffer */
	jbuf_part(b);
	jbuf_puts(b, "{\"rule\":");
	jbuf_string(b, a->rule);
	jbuf_puts(b, ",\"queue\":");
	jbuf_string(b, a->queue);
	if (strncmp(a->queue, "agent:", 6) == 0) {     /* a rule on agents: whose */
		jbuf_puts(b, ",\"agent\":");
		jbuf_string(b, a->queue + 6);
	}
	jbuf_puts(b, ",\"severity\":");
	jbuf_string(b, alert_severity_name(a->severity));
	jbuf_puts(b, ",\"since\":");
	jbuf_int(b, a->since);
	jbuf_puts(b, ",\"value\":");
	char *p = jbuf_room_at(b, b->p + b->n, 32);
	if (isnan(a->value) || isinf(a->value))
		p = PUT_LIT(p, "null");
	else if ((p = put_cents(p, a->value)) == NULL)
		jbuf_real(b, round(a->value * 100.0) / 100.0);
	if (p)
		b->n = (size_t)(p - b->p);
	jbuf_puts(b, ",\"message\":");
	jbuf_string(b, a->message);
	jbuf_puts(b, a->acknowledged ? ",\"acknowledged\":true}" : ",\"acknowledged\":false}");
}

/* ---- staffing ---- */

/* staffing.c's jnum at p (room for 24): rounded to 2 decimals, or null. */
static char *staff_num_at(struct jbuf *b, char *p, double v)
{
	char *e;
	if (!isfinite(v))
		return PUT_LIT(p, "null");
	if ((e = put_cents(p, v)) != NULL)
		return e;
	b->n = (size_t)(p - b->p);
	jbuf_real(b, round(v * 100.0) / 100.0);
	return jbuf_room_at(b, b->p + b->n, 512);
}

/* An interval's room: its keys (~230 bytes), numbers, model and source. */
enum { STAFF_IV_ROOM = 512 };

void jbuf_staffing_list(struct jbuf *b, const struct staff_queue *sq)
{
	jbuf_put(b, "[", 1);
	for (int k = 0; k < sq->n; k++) {
		const struct staff_interval *iv = &sq->iv[k];
		bool req = iv->required_agents >= 0;
		char *p = jbuf_room_at(b, b->p + b->n, STAFF_IV_ROOM);
		p = k ? PUT_LIT(p, ",{\"interval_start\":") : PUT_LIT(p, "{\"interval_start\":");
		p = bytes_put_int(p, iv->interval_start);
		p = staff_num_at(b, PUT_LIT(p, ",\"forecast_calls\":"), iv->forecast_calls);
		p = staff_num_at(b, PUT_LIT(p, ",\"aht_s\":"), iv->aht_s);
		p = staff_num_at(b, PUT_LIT(p, ",\"traffic_erlangs\":"), iv->traffic_erlangs);
		p = bytes_put_int(PUT_LIT(p, ",\"sl_threshold_s\":"), iv->sl_threshold_s);
		p = staff_num_at(b, PUT_LIT(p, ",\"sl_target_pct\":"), iv->sl_target_pct);
		p = PUT_LIT(p, ",\"required_agents\":");
		p = req ? bytes_put_int(p, iv->required_agents) : PUT_LIT(p, "null");
		p = bytes_put_int(PUT_LIT(p, ",\"available_agents\":"), iv->available_agents);
		p = PUT_LIT(p, ",\"gap\":");
		p = req ? bytes_put_int(p, iv->gap) : PUT_LIT(p, "null");
		p = staff_num_at(b, PUT_LIT(p, ",\"sl_predicted_pct\":"), iv->sl_predicted_pct);
		b->n = (size_t)(PUT_LIT(p, ",\"model\":") - b->p);
		jbuf_string(b, staffing_model_name(iv->model));
		jbuf_puts(b, ",\"forecast_source\":");
		jbuf_string(b, staffing_source_name(iv->source));
		jbuf_put(b, "}", 1);
	}
	jbuf_put(b, "]", 1);
}

/* ---- keys and the scratch buffer of kept pieces ---- */

void jkey_str(struct jkey *k, const char *text)
{
	if (text)
		jkey_put(k, text, strlen(text) + 1);
	else
		jkey_put(k, "\xff", 1);                 /* never a whole string: no NUL after it */
}

static struct jbuf jpiece_scratch;

struct jbuf *jpiece_begin(void)
{
	jpiece_scratch.n = 0;
	return &jpiece_scratch;
}

/* ---- a queue's pieces, kept from line to line ----
 * A queue is written as its name, then per item of the layout either a
 * top-level figure (a number, such as the longest wait that moves each
 * second: written each time) or a group (a kept piece), then its grades and
 * levels (a kept piece), its callers (their waits move each second: written
 * each time) and its staffing (a kept piece). A kept piece is written again
 * only when the bytes of the values it is written from differ from those of
 * the last line: copied and compared whole (a few hundred bytes a queue),
 * not hashed, so an unchanged piece costs a memcmp. */

/* The bytes a piece is written from, gathered. */
enum { JIN_MAX = 1024 };
struct jin {
	size_t n;
	bool over;               /* more than JIN_MAX: never taken as the same */
	unsigned char b[JIN_MAX];
};

static inline void jin_put(struct jin *in, const void *p, size_t n)
{
	if (in->n + n > sizeof in->b) {
		in->over = true;
		return;
	}
	memcpy(in->b + in->n, p, n);
	in->n += n;
}

enum { QP_IN = 168 };       /* a staffing's values (156 bytes), 8 gradings' (88) */
struct qpiece {
	char *p;                 /* the text, exactly its size (NULL: none yet) */
	uint32_t n, cap;
	uint32_t n_in;           /* bytes in in (UINT32_MAX: none to compare) */
	unsigned char in[QP_IN]; /* the values' bytes it was written from: in place,
	                            read one queue after the other */
};

static struct qpiece *qpieces;       /* per queue (snapshot index), qp_per each */
static size_t qp_slots, qp_per;
static struct jin qin;

/* Queue qi's pieces: its grades and levels, its staffing. */
static struct qpiece *qpieces_of(size_t qi)
{
	size_t per = 2;
	if (qp_per != per) {
		snapshot_json_queues_free();
		qp_per = per;
	}
	if (qi >= qp_slots) {
		size_t n = qi + 1 + qp_slots / 8 + 16;
		qpieces = xrealloc(qpieces, n * per * sizeof *qpieces);
		memset(qpieces + qp_slots * per, 0, (n - qp_slots) * per * sizeof *qpieces);
		qp_slots = n;
	}
	return qpieces + qi * per;
}

void snapshot_json_queues_free(void)
{
	for (size_t i = 0; i < qp_slots * qp_per; i++)
		free(qpieces[i].p);
	free(qpieces);
	qpieces = NULL;
	qp_slots = qp_per = 0;
}

/* True when in holds the bytes p was written from (its text can be
 * reused); else they become p's, and false. */
static bool qpiece_same(struct qpiece *p, const struct jin *in)
{
	if (in->over || in->n > sizeof p->in) {
		p->n_in = UINT32_MAX;
		return false;
	}
	if (p->p && p->n_in == in->n && memcmp(p->in, in->b, in->n) == 0)
		return true;
	p->n_in = (uint32_t)in->n;
	memcpy(p->in, in->b, in->n);
	return false;
}

/* Keeps t's bytes as p's text, in a block of their size (no slack kept for
 * each of a thousand queues' pieces). */
static void qpiece_end(struct qpiece *p, const struct jbuf *t)
{
	size_t n = t->n;
	if (n > UINT32_MAX)
		fatal("a JSON fragment of %zu bytes", n);
	if (p->p == NULL || p->cap < n || p->cap > n + n / 4 + 32) {
		free(p->p);
		p->p = xmalloc(n ? n : 1);
		p->cap = (uint32_t)n;
	}
	memcpy(p->p, t->p, n);
	p->n = (uint32_t)n;
}

/* The bytes of figure i's value in q (the JSON text is made of them alone). */
static void jin_figure(struct jin *in, size_t i, const struct snap_queue *q)
{
	const char *base = (const char *)q + figures[i].offset;
	switch (figures[i].type) {
	case FIG_INT:  jin_put(in, base, sizeof(int)); break;
	case FIG_I64:  jin_put(in, base, sizeof(int64_t)); break;
	case FIG_REAL: jin_put(in, base, sizeof(double)); break;
	default: {                               /* a getter: its value */
		double v = figure_value(&figures[i], q);
		jin_put(in, &v, sizeof v);
	}
	}
}

/* What put_group writes group k of q from. */
static void jin_group(struct jin *in, int k, const struct snapshot *s, const struct snap_queue *q)
{
	jin_put(in, &s->window_s, sizeof s->window_s);
	for (size_t i = 0; i < n_figs; i++)
		if (fig_group[i] == k)
			jin_figure(in, i, q);
}

/* What the grades and levels of q are written from. */
static void jin_tail(struct jin *in, const struct snapshot *s, const struct snap_queue *q)
{
	for (size_t i = 0; i < s->n_gradings; i++) {
		const struct figure *f = s->gradings[i].f;
		if (!f)
			continue;
		jin_put(in, &f, sizeof f);
		jin_put(in, &q->grade[figure_index(f)], 1);
	}
	jin_put(in, &q->sl_threshold_s, sizeof q->sl_threshold_s);
	jin_put(in, &q->sl_target_pct, sizeof q->sl_target_pct);
	jin_put(in, &q->sl_formula, sizeof q->sl_formula);
}

/* A queue's staffing, field by field: the struct's padding (and the
 * intervals past n) hold no value. */
static void jin_staffing(struct jin *in, const struct staff_queue *st)
{
	jin_put(in, &st->n, sizeof st->n);
	for (int i = 0; i < st->n && i < STAFF_INTERVALS; i++) {
		const struct staff_interval *v = &st->iv[i];
		int ints[5] = { v->sl_threshold_s, v->required_agents, v->available_agents, v->gap,
		                (int)v->model * 16 + (int)v->source };
		double dbl[6] = { v->forecast_calls, v->aht_s, v->traffic_erlangs, v->sl_target_pct,
		                  v->sl_predicted_pct, v->patience_s };
		jin_put(in, &v->interval_start, sizeof v->interval_start);
		jin_put(in, ints, sizeof ints);
		jin_put(in, dbl, sizeof dbl);
	}
}

static void put_tail(struct jbuf *b, const struct snapshot *s, const struct snap_queue *q)
{
	put_grades(b, s, q);
	jbuf_puts(b, ",\"sl_threshold_s\":");
	jbuf_int(b, q->sl_threshold_s);
	jbuf_puts(b, ",\"sl_target_pct\":");
	jbuf_real(b, q->sl_target_pct);
	jbuf_puts(b, ",\"sl_formula\":");
	jbuf_string(b, config_sl_formula_name(q->sl_formula));
}

enum { QP_TAIL = -1, QP_STAFF = -2 };

/* Writes piece p of q (group k >= 0, QP_TAIL or QP_STAFF): its kept text
 * when the values it is written from are those of the last line. */
static void queue_piece(struct jbuf *b, struct qpiece *p, const struct snapshot *s,
                        const struct snap_queue *q, int k)
{
	qin.n = 0;
	qin.over = false;
	if (k >= 0)
		jin_group(&qin, k, s, q);
	else if (k == QP_TAIL)
		jin_tail(&qin, s, q);
	else
		jin_staffing(&qin, &q->staffing);
	if (!qpiece_same(p, &qin)) {
		struct jbuf *t = jpiece_begin();
		if (k >= 0) {
			jbuf_put(t, ",", 1);
			put_group(t, k, q, s->window_s);
		} else if (k == QP_TAIL) {
			put_tail(t, s, q);
		} else {
			jbuf_puts(t, ",\"staffing\":");
			jbuf_staffing_list(t, &q->staffing);
		}
		qpiece_end(p, t);
	}
	jbuf_ref(b, p->p, p->n, JSEG_REF_MIN);
}

void jbuf_queue_cached(struct jbuf *b, const struct snapshot *s, size_t qi)
{
	const struct snap_queue *q = &s->queues[qi];
	struct qpiece *p;
	layout_make();
	p = qpieces_of(qi);
	put_name_and_figures(b, s, q);
	queue_piece(b, &p[0], s, q, QP_TAIL);
	put_callers(b, q);
	queue_piece(b, &p[1], s, q, QP_STAFF);
}

static void (*jline_detach_fn)(void *ctx);
static void *jline_detach_ctx;

void jline_hold(void (*detach)(void *ctx), void *ctx)
{
	jline_detach_fn = detach;
	jline_detach_ctx = ctx;
}

void jline_detach(void)
{
	void (*fn)(void *ctx) = jline_detach_fn;
	jline_detach_fn = NULL;
	if (fn)
		fn(jline_detach_ctx);
}

void snapshot_json_cache_clear(void)
{
	jline_detach();
	snapshot_json_queues_free();
	agent_json_cache_clear();
	free(jpiece_scratch.p);
	jpiece_scratch = (struct jbuf){ 0 };
}
