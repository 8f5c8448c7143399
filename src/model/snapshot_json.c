/* snapshot_json.c - the queues of a JSON snapshot, written by hand. */
#include "snapshot_json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "figures.h"
#include "staffing.h"
#include "util.h"

void jbuf_grow(struct jbuf *b, size_t n)
{
	size_t want = b->n + n + 1;
	b->cap = want > b->cap * 2 ? want : b->cap * 2;
	b->p = xrealloc(b->p, b->cap);
}

/* Pieces shorter than this are copied: a reference would cost more. */
enum { JSEG_REF_MIN = 96 };

static void jsegs_push(struct jsegs *g, const char *p, size_t n)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 1024;
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

void jbuf_ref(struct jbuf *b, const char *p, size_t n)
{
	if (!b->segs || n < JSEG_REF_MIN) {
		jbuf_put(b, p, n);
		return;
	}
	jsegs_cut(b->segs, b);
	jsegs_push(b->segs, p, n);
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

void jbuf_int(struct jbuf *b, long long v)
{
	char tmp[24], *e = tmp + sizeof tmp, *p = e;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	jbuf_put(b, p, (size_t)(e - p));
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
	if (k < 0 || (k == 0 && signbit(v)))
		jbuf_put(b, "-", 1);
	unsigned long long u = k < 0 ? (unsigned long long)-k : (unsigned long long)k;
	char frac[2] = { (char)('0' + u / 10 % 10), (char)('0' + u % 10) };
	jbuf_int(b, (long long)(u / 100));
	jbuf_put(b, ".", 1);
	jbuf_put(b, frac, frac[1] == '0' ? 1 : 2);     /* 70.0, 65.1, 65.19 */
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

void jbuf_string(struct jbuf *b, const char *text)
{
	const unsigned char *r = (const unsigned char *)(text ? text : "");
	const unsigned char *run = r;
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
}

static void put_key(struct jbuf *b, const char *key)
{
	jbuf_put(b, "\"", 1);
	jbuf_puts(b, key);             /* keys are ours: plain ASCII */
	jbuf_put(b, "\":", 2);
}

static void put_figure(struct jbuf *b, size_t i, const struct snap_queue *q)
{
	double v = figure_value(&figures[i], q);
	put_key(b, fig_key[i]);
	if (figures[i].type != FIG_REAL)
		jbuf_int(b, (long long)v);
	else if (isnan(v) || isinf(v))
		jbuf_put(b, "null", 4);
	else
		jbuf_real(b, round(v * 100.0) / 100.0);
}

static void put_group(struct jbuf *b, int k, const struct snap_queue *q, int window_s)
{
	bool first = true;
	put_key(b, group_name[k]);
	jbuf_put(b, "{", 1);
	if (strcmp(group_name[k], "window") == 0) {
		jbuf_puts(b, "\"seconds\":");
		jbuf_int(b, window_s);
		first = false;
	}
	for (size_t i = 0; i < n_figs; i++) {
		if (fig_group[i] != k)
			continue;
		if (!first)
			jbuf_put(b, ",", 1);
		first = false;
		put_figure(b, i, q);
	}
	jbuf_put(b, "}", 1);
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
		jbuf_puts(b, i ? ",{\"callerid\":" : "{\"callerid\":");
		jbuf_string(b, q->callers[i].callerid);
		jbuf_puts(b, ",\"waiting_s\":");
		jbuf_int(b, q->callers[i].waiting_s);
		jbuf_put(b, "}", 1);
	}
	jbuf_put(b, "]", 1);
}

void jbuf_queue_head(struct jbuf *b, const struct snapshot *s, const struct snap_queue *q,
                     bool is_total)
{
	(void)is_total;
	layout_make();
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
	if (isnan(a->value) || isinf(a->value))
		jbuf_put(b, "null", 4);
	else
		jbuf_real(b, round(a->value * 100.0) / 100.0);
	jbuf_puts(b, ",\"message\":");
	jbuf_string(b, a->message);
	jbuf_puts(b, a->acknowledged ? ",\"acknowledged\":true}" : ",\"acknowledged\":false}");
}

/* ---- staffing ---- */

/* staffing.c's jnum: rounded to 2 decimals, or null. */
static void staff_num(struct jbuf *b, double v)
{
	if (isfinite(v))
		jbuf_real(b, round(v * 100.0) / 100.0);
	else
		jbuf_puts(b, "null");
}

void jbuf_staffing_list(struct jbuf *b, const struct staff_queue *sq)
{
	jbuf_put(b, "[", 1);
	for (int k = 0; k < sq->n; k++) {
		const struct staff_interval *iv = &sq->iv[k];
		bool req = iv->required_agents >= 0;
		jbuf_puts(b, k ? ",{\"interval_start\":" : "{\"interval_start\":");
		jbuf_int(b, iv->interval_start);
		jbuf_puts(b, ",\"forecast_calls\":");
		staff_num(b, iv->forecast_calls);
		jbuf_puts(b, ",\"aht_s\":");
		staff_num(b, iv->aht_s);
		jbuf_puts(b, ",\"traffic_erlangs\":");
		staff_num(b, iv->traffic_erlangs);
		jbuf_puts(b, ",\"sl_threshold_s\":");
		jbuf_int(b, iv->sl_threshold_s);
		jbuf_puts(b, ",\"sl_target_pct\":");
		staff_num(b, iv->sl_target_pct);
		jbuf_puts(b, ",\"required_agents\":");
		if (req)
			jbuf_int(b, iv->required_agents);
		else
			jbuf_puts(b, "null");
		jbuf_puts(b, ",\"available_agents\":");
		jbuf_int(b, iv->available_agents);
		jbuf_puts(b, ",\"gap\":");
		if (req)
			jbuf_int(b, iv->gap);
		else
			jbuf_puts(b, "null");
		jbuf_puts(b, ",\"sl_predicted_pct\":");
		staff_num(b, iv->sl_predicted_pct);
		jbuf_puts(b, ",\"model\":");
		jbuf_string(b, staffing_model_name(iv->model));
		jbuf_puts(b, ",\"forecast_source\":");
		jbuf_string(b, staffing_source_name(iv->source));
		jbuf_put(b, "}", 1);
	}
	jbuf_put(b, "]", 1);
}

/* ---- fragments ---- */

void jkey_str(struct jkey *k, const char *text)
{
	if (text)
		jkey_put(k, text, strlen(text) + 1);
	else
		jkey_put(k, "\xff", 1);                 /* never a whole string: no NUL after it */
}

bool jfrag_same(struct jfrag *f, const struct jkey *k)
{
	if (f->p && f->key.a == k->a && f->key.b == k->b && f->key.n == k->n)
		return true;
	f->key = *k;
	return false;
}

static struct jbuf jfrag_scratch;

struct jbuf *jfrag_begin(void)
{
	jfrag_scratch.n = 0;
	return &jfrag_scratch;
}

void jfrag_end(struct jfrag *f, const struct jbuf *t)
{
	size_t n = t->n;
	if (n > UINT32_MAX)
		fatal("a JSON fragment of %zu bytes", n);
	if (f->p == NULL || f->cap < n || f->cap > n + n / 4 + 32) {
		free(f->p);
		f->p = xmalloc(n ? n : 1);
		f->cap = (uint32_t)n;
	}
	memcpy(f->p, t->p, n);
	f->n = (uint32_t)n;
}

void jfrag_free(struct jfrag *f)
{
	free(f->p);
	memset(f, 0, sizeof *f);
}

struct jfrag *jfrags_slot(struct jfrags *fs, size_t slot, size_t per)
{
	if (fs->per != per) {
		jfrags_free(fs);
		fs->per = per;
	}
	if (slot >= fs->n_slots) {           /* an eighth more, not double: 10,000 agents */
		size_t n = slot + 1 + fs->n_slots / 8 + 16;
		fs->v = xrealloc(fs->v, n * per * sizeof *fs->v);
		memset(fs->v + fs->n_slots * per, 0, (n - fs->n_slots) * per * sizeof *fs->v);
		fs->n_slots = n;
	}
	return fs->v + slot * per;
}

void jfrags_free(struct jfrags *fs)
{
	for (size_t i = 0; i < fs->n_slots * fs->per; i++)
		jfrag_free(&fs->v[i]);
	free(fs->v);
	memset(fs, 0, sizeof *fs);
}

/* A queue's fragments: its fields, its callers, its staffing. */
enum { QF_HEAD, QF_CALLERS, QF_STAFF, QF_N };
static struct jfrags queue_frags;
static struct jkey qkey;

/* What jbuf_queue_head writes q from. */
static void queue_head_key(struct jkey *k, const struct snapshot *s, const struct snap_queue *q)
{
	layout_make();
	jkey_str(k, q->name);
	jkey_str(k, q->display);
	jkey_put(k, &s->window_s, sizeof s->window_s);
	for (size_t i = 0; i < n_figs; i++) {
		double v;
		if (fig_group[i] == -2)
			continue;
		v = figure_value(&figures[i], q);
		jkey_put(k, &v, sizeof v);
	}
	for (size_t i = 0; i < s->n_gradings; i++) {
		const struct figure *f = s->gradings[i].f;
		if (!f)
			continue;
		jkey_put(k, &f, sizeof f);
		jkey_put(k, &q->grade[figure_index(f)], 1);
	}
	jkey_put(k, &q->sl_threshold_s, sizeof q->sl_threshold_s);
	jkey_put(k, &q->sl_target_pct, sizeof q->sl_target_pct);
	jkey_put(k, &q->sl_formula, sizeof q->sl_formula);
}

static void queue_callers_key(struct jkey *k, const struct snap_queue *q)
{
	for (int i = 0; i < q->n_callers; i++) {
		jkey_str(k, q->callers[i].callerid);
		jkey_put(k, &q->callers[i].waiting_s, sizeof q->callers[i].waiting_s);
	}
}

/* A queue's staffing, field by field: the struct's padding (and the
 * intervals past n) hold no value to hash. */
static void queue_staffing_key(struct jkey *k, const struct staff_queue *st)
{
	jkey_put(k, &st->n, sizeof st->n);
	for (int i = 0; i < st->n && i < STAFF_INTERVALS; i++) {
		const struct staff_interval *v = &st->iv[i];
		int ints[5] = { v->sl_threshold_s, v->required_agents, v->available_agents, v->gap,
		                (int)v->model * 16 + (int)v->source };
		double dbl[6] = { v->forecast_calls, v->aht_s, v->traffic_erlangs, v->sl_target_pct,
		                  v->sl_predicted_pct, v->patience_s };
		jkey_put(k, &v->interval_start, sizeof v->interval_start);
		jkey_put(k, ints, sizeof ints);
		jkey_put(k, dbl, sizeof dbl);
	}
}

/* Writes fragment f of queue q: from the cache when its key is the same. */
static void queue_frag(struct jbuf *b, struct jfrag *f, const struct snapshot *s,
                       const struct snap_queue *q, int part)
{
	jkey_start(&qkey);
	if (part == QF_HEAD)
		queue_head_key(&qkey, s, q);
	else if (part == QF_CALLERS)
		queue_callers_key(&qkey, q);
	else
		queue_staffing_key(&qkey, &q->staffing);
	if (!jfrag_same(f, &qkey)) {
		struct jbuf *t = jfrag_begin();
		if (part == QF_HEAD)
			jbuf_queue_head(t, s, q, false);
		else if (part == QF_CALLERS)
			put_callers(t, q);
		else {
			jbuf_puts(t, ",\"staffing\":");
			jbuf_staffing_list(t, &q->staffing);
		}
		jfrag_end(f, t);
	}
	jbuf_ref(b, f->p, f->n);
}

void jbuf_queue_cached(struct jbuf *b, const struct snapshot *s, size_t qi)
{
	struct jfrag *f = jfrags_slot(&queue_frags, qi, QF_N);
	for (int part = 0; part < QF_N; part++)
		queue_frag(b, &f[part], s, &s->queues[qi], part);
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
	jfrags_free(&queue_frags);
	agent_json_cache_clear();
	free(jfrag_scratch.p);
	jfrag_scratch = (struct jbuf){ 0 };
}
