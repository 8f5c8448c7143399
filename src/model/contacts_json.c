/* contacts_json.c - the contacts' part of the JSON snapshot (SPEC 6.4). */
#include "contacts_internal.h"
#include "contacts_figures.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "snapshot_json.h"
#include "util.h"

/* The rows of one period (or the live ones: CTF_NOW) of the catalogue, each
 * under its key, as numbers or null. */
static void rows_json(json_t *o, const struct ct_view *v, enum ctf_period p)
{
	for (size_t i = 0; i < ct_figures_count; i++) {
		const struct ct_figure *f = &ct_figures[i];
		if (f->period != p || (f->flags & CTF_NOJSON))
			continue;
		double x = ct_figure_value(f, v);
		json_object_set_new(o, f->key, isnan(x) ? json_null() : f->real ? json_real(x)
		                                       : json_integer((json_int_t)x));
	}
}

static json_t *scope_json(const struct contacts *c, const struct ct_view *v)
{
	const struct ct_scope *sc = contacts_scope(c, v->scope, v->index);
	json_t *o = json_object(), *reasons = json_object();
	json_t *today = json_object(), *window = json_object();
	if (v->scope == CS_CHANNEL) {
		json_object_set_new(o, "name", json_string(v->name));
		json_object_set_new(o, "display", json_string(v->display));
		json_object_set_new(o, "frt_target_s", json_real((double)v->frt_target_ms / 1000.0));
	}
	rows_json(o, v, CTF_NOW);
	rows_json(today, v, CTF_TODAY);
	json_object_set_new(window, "seconds", json_integer(c->conf.window_s));
	rows_json(window, v, CTF_WINDOW);
	json_object_set_new(o, "today", today);
	json_object_set_new(o, "window", window);
	for (int r = 0; sc->reasons && r < c->n_reasons; r++)
		if (sc->reasons[r])
			json_object_set_new(reasons, c->reasons[r], json_integer(sc->reasons[r]));
	json_object_set_new(o, "reasons", reasons);
	return o;
}

/* The callback list, oldest first, ids whole. */
static json_t *callbacks_json(const struct contacts *c)
{
	size_t n = contacts_callbacks(c, NULL, 0);
	struct contacts_callback *cb = xmalloc((n ? n : 1) * sizeof *cb);
	json_t *a = json_array();
	contacts_callbacks(c, cb, n);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:f, s:f, s:f, s:i}",
		        "customer", cb[i].customer, "queue", cb[i].queue,
		        "first", (double)cb[i].first_ms / 1000.0, "last", (double)cb[i].last_ms / 1000.0,
		        "waited_s", (double)cb[i].waited_ms / 1000.0, "tries", cb[i].tries));
	free(cb);
	return a;
}

/* ---- journeys ---- */

struct journey {
	const struct customer *u;
	size_t from;                /* first contact inside the span */
	int64_t last_ms;
};

static const char *state_name(const struct contact *k)
{
	switch (k->state) {
	case ST_RESOLVED: return "resolved";
	case ST_ABANDONED: return "abandoned";
	case ST_WAITING: return "waiting";
	case ST_TALKING: return "talking";
	default: return k->replied ? "replied" : "open";
	}
}

static size_t journeys_pick(const struct contacts *c, struct journey **out);

static json_t *journeys_json(const struct contacts *c)
{
	struct journey *js;
	size_t n = journeys_pick(c, &js);
	json_t *a = json_array();
	for (size_t i = 0; i < n && i < CONTACTS_MAX_JOURNEYS; i++) {
		const struct customer *u = js[i].u;
		json_t *list = json_array();
		for (size_t k = js[i].from; k < u->node.aux; k++) {
			const struct contact *ct = customer_list(u)[k];
			char id[CONTACT_TEXT_MAX + 1];
			json_array_append_new(list, json_pack("{s:s, s:s, s:f, s:s}",
			        "channel", c->channels[ct->ch].name, "id", contact_id(ct, id),
			        "created", (double)ct->created_ms / 1000.0, "state", state_name(ct)));
		}
		char key[CONTACT_TEXT_MAX + 1];
		json_array_append_new(a, json_pack("{s:s, s:o, s:b}", "customer", customer_key(u, key),
		        "contacts", list, "resolved", customer_list(u)[u->node.aux - 1]->state == ST_RESOLVED));
	}
	free(js);
	return a;
}

void contacts_json(const struct contacts *c, json_t *root,
                   json_t *(*make_queue)(void *ctx, const char *name), void *ctx)
{
	/* the callback list fills from voice abandons alone: there from the first snapshot */
	json_object_set_new(root, "callbacks", callbacks_json(c));
	if (!contacts_any(c))
		return;
	struct ct_views v;
	json_t *chs = json_array();
	ct_views_build(&v, c);
	for (size_t i = 0; i < v.n_channels; i++)   /* sorted by name */
		json_array_append_new(chs, scope_json(c, &v.channels[i]));
	json_object_set_new(root, "channels", chs);
	json_object_set_new(root, "channel_total", scope_json(c, &v.total));
	/* pivots by pair */
	json_t *pairs = json_object();
	for (int i = 0; i < c->n_pairs; i++) {
		char *key = xasprintf("%s>%s", c->channels[c->pairs[i].a].name,
		                      c->channels[c->pairs[i].b].name);
		const struct ct_pair *p = &c->pairs[i];
		json_object_set_new(pairs, key, json_pack("{s:I, s:I, s:I, s:I}",
		                    "today", (json_int_t)p->today, "window", (json_int_t)p->window,
		                    "unanswered_today", (json_int_t)p->unans_today,
		                    "unanswered_window", (json_int_t)p->unans_window));
		free(key);
	}
	json_object_set_new(root, "pivots_by_pair", pairs);
	json_object_set_new(root, "journeys", journeys_json(c));
	/* each queue's contacts; queues only contacts name are added */
	json_t *qs = json_object_get(root, "queues");
	if (!json_is_array(qs)) {
		qs = json_array();
		json_object_set_new(root, "queues", qs);
	}
	for (size_t i = 0; i < v.n_queues; i++) {
		const char *name = v.queues[i].name;
		json_t *q = NULL, *e;
		size_t k;
		json_array_foreach(qs, k, e)
			if (strcmp(json_string_value(json_object_get(e, "name")) ?: "", name) == 0)
				q = e;
		if (!q && (q = make_queue(ctx, name)) != NULL) {
			size_t at = 0;
			json_array_foreach(qs, k, e)
				if (strcmp(json_string_value(json_object_get(e, "name")) ?: "", name) < 0)
					at = k + 1;
			json_array_insert_new(qs, at, q);
		}
		if (q)
			json_object_set_new(q, "contacts", scope_json(c, &v.queues[i]));
	}
	ct_views_free(&v);
}

/* ---- the same bytes by hand (snapshot_json.h) -------------------------------- */

/* What contacts_json would add, written into a reused buffer. Where jansson
 * would leave a value out (text that is not UTF-8, a real that is not
 * finite), bad is set: the caller writes the snapshot with jansson instead. */
struct ct_jout {
	const struct contacts *c;
	bool any;                   /* a contact event seen: more than the callbacks */
	struct ct_views v;
	bool bad;
	bool lend;                  /* ct_jout_lend */
};

struct ct_jout *ct_jout_new(const struct contacts *c)
{
	struct ct_jout *o = xcalloc(1, sizeof *o);
	o->c = c;
	o->any = contacts_any(c);
	if (o->any)                 /* else only the callbacks, from voice alone */
		ct_views_build(&o->v, c);
	return o;
}

void ct_jout_free(struct ct_jout *o)
{
	if (!o)
		return;
	ct_views_free(&o->v);
	free(o);
}

bool ct_jout_bad(const struct ct_jout *o)
{
	return o && o->bad;
}

static void jo_str(struct ct_jout *o, struct jbuf *b, const char *s)
{
	if (!s || !jbuf_utf8_valid(s))
		o->bad = true;
	jbuf_string(b, s ? s : "");
}

/* A real as json_real writes it. */
static void jo_real(struct ct_jout *o, struct jbuf *b, double x)
{
	if (!isfinite(x))
		o->bad = true;
	jbuf_real(b, x);
}

/* The rows of period p, each after a comma unless first; returns first
 * (still true when it wrote none). */
static bool jo_rows(struct ct_jout *o, struct jbuf *b, const struct ct_view *v,
                    enum ctf_period p, bool first)
{
	for (size_t i = 0; i < ct_figures_count; i++) {
		const struct ct_figure *f = &ct_figures[i];
		if (f->period != p || (f->flags & CTF_NOJSON))
			continue;
		double x = ct_figure_value(f, v);
		jbuf_puts(b, first ? "\"" : ",\"");
		first = false;
		jbuf_puts(b, f->key);
		jbuf_puts(b, "\":");
		if (isnan(x))
			jbuf_puts(b, "null");
		else if (f->real)
			jo_real(o, b, x);
		else if (isinf(x))
			o->bad = true;
		else
			jbuf_int(b, (long long)x);
	}
	return first;
}

static void jo_scope(struct ct_jout *o, struct jbuf *b, const struct ct_view *v)
{
	const struct contacts *c = o->c;
	const struct ct_scope *sc = contacts_scope(c, v->scope, v->index);
	bool first = true;
	jbuf_put(b, "{", 1);
	if (v->scope == CS_CHANNEL) {
		jbuf_puts(b, "\"name\":");
		jo_str(o, b, v->name);
		jbuf_puts(b, ",\"display\":");
		jo_str(o, b, v->display);
		jbuf_puts(b, ",\"frt_target_s\":");
		jo_real(o, b, (double)v->frt_target_ms / 1000.0);
		first = false;
	}
	first = jo_rows(o, b, v, CTF_NOW, first);
	jbuf_puts(b, first ? "\"today\":{" : ",\"today\":{");
	jo_rows(o, b, v, CTF_TODAY, true);
	jbuf_puts(b, "},\"window\":{\"seconds\":");
	jbuf_int(b, c->conf.window_s);
	jo_rows(o, b, v, CTF_WINDOW, false);
	jbuf_puts(b, "},\"reasons\":{");
	first = true;
	for (int r = 0; sc->reasons && r < c->n_reasons; r++)
		if (sc->reasons[r]) {
			if (!first)
				jbuf_put(b, ",", 1);
			first = false;
			jo_str(o, b, c->reasons[r]);
			jbuf_put(b, ":", 1);
			jbuf_int(b, sc->reasons[r]);
		}
	jbuf_puts(b, "}}");
}

/* Callback cb's object, as the list's entries are written. */
static void jo_callback(struct ct_jout *o, struct jbuf *b, const struct callback *cb)
{
	jbuf_puts(b, "{\"customer\":");
	jo_str(o, b, cb->key);
	jbuf_puts(b, ",\"queue\":");
	jo_str(o, b, o->c->queues[cb->q].name);
	jbuf_puts(b, ",\"first\":");
	jo_real(o, b, (double)cb->first_ms / 1000.0);
	jbuf_puts(b, ",\"last\":");
	jo_real(o, b, (double)cb->last_ms / 1000.0);
	jbuf_puts(b, ",\"waited_s\":");
	jo_real(o, b, (double)cb->waited_ms / 1000.0);
	jbuf_puts(b, ",\"tries\":");
	jbuf_int(b, (long long)cb->node.aux);
	jbuf_put(b, "}", 1);
}

const char *contacts_callback_json(const struct contacts *c, const struct callback *cb,
                                   size_t *len)
{
	struct callback *mut = (struct callback *)cb;    /* a cache: what it writes is unchanged */
	if (!cb->json) {
		struct ct_jout o = {.c = c};
		struct jbuf t = {0};
		jbuf_put(&t, ",", 1);
		jo_callback(&o, &t, cb);
		if (o.bad) {
			free(t.p);
			return NULL;
		}
		mut->json = xrealloc(t.p, t.n + 1);
		mut->json[t.n] = '\0';
		mut->json_len = (uint32_t)t.n;
	}
	*len = cb->json_len;
	return cb->json;
}

void contacts_callback_json_drop(struct contacts *c, struct callback *cb)
{
	if (cb->json && c->json_lent) {
		if (c->n_json_old == c->cap_json_old) {
			c->cap_json_old = c->cap_json_old ? 2 * c->cap_json_old : 64;
			c->json_old = xrealloc(c->json_old, c->cap_json_old * sizeof *c->json_old);
		}
		c->json_old[c->n_json_old++] = cb->json;
	} else {
		free(cb->json);
	}
	cb->json = NULL;
}

void ct_jout_lend(struct ct_jout *o)
{
	o->lend = true;
}

void ct_jout_release(const struct contacts *c)
{
	struct contacts *mut = (struct contacts *)c;    /* the texts' cache, as above */
	for (size_t i = 0; i < c->n_json_old; i++)
		free(c->json_old[i]);
	mut->n_json_old = 0;
	mut->json_lent = false;
}

/* The callback list: each entry's text (its comma first) is kept until that
 * entry changes (a few a second of thousands), the order is kept by the
 * model. Lent (a line's end made on the loop for a worker), the texts are
 * referred to where they are: 16 bytes each rather than a copy of ~100
 * (10,000 callbacks on a big centre: 1.1 MB a line, the end's buffer kept
 * at that size). */
static void jo_callbacks(struct ct_jout *o, struct jbuf *b)
{
	size_t n = o->c->callbacks.count, len;
	struct callback *const *all = contacts_callbacks_sorted(o->c);
	if (o->lend)
		((struct contacts *)o->c)->json_lent = true;
	jbuf_puts(b, ",\"callbacks\":[");
	for (size_t i = 0; i < n; i++) {
		const char *text = contacts_callback_json(o->c, all[i], &len);
		size_t skip = i == 0;                  /* the first without its comma */
		if (text && o->lend)
			jbuf_ref(b, text + skip, len - skip, 0);
		else if (text)
			jbuf_put(b, text + skip, len - skip);
		else {
			if (i)
				jbuf_put(b, ",", 1);
			jo_callback(o, b, all[i]);
		}
	}
	jbuf_put(b, "]", 1);
}

/* The customers journeys_json lists, in its order; returns how many (*out malloc'ed). */
static size_t journeys_pick(const struct contacts *c, struct journey **out)
{
	struct ct_journey j[CONTACTS_MAX_JOURNEYS];
	size_t n = contacts_journeys(c, j, CONTACTS_MAX_JOURNEYS);
	struct journey *js = xmalloc((n ? n : 1) * sizeof *js);
	for (size_t i = 0; i < n; i++)
		js[i] = (struct journey){j[i].u, j[i].from, 0};
	*out = js;
	return n;
}

static void jo_journeys(struct ct_jout *o, struct jbuf *b)
{
	const struct contacts *c = o->c;
	struct journey *js;
	size_t n = journeys_pick(c, &js);
	jbuf_puts(b, ",\"journeys\":[");
	for (size_t i = 0; i < n && i < CONTACTS_MAX_JOURNEYS; i++) {
		const struct customer *u = js[i].u;
		jbuf_puts(b, i ? ",{\"customer\":" : "{\"customer\":");
		char key[CONTACT_TEXT_MAX + 1];
		jo_str(o, b, customer_key(u, key));
		jbuf_puts(b, ",\"contacts\":[");
		size_t n_list = u->node.aux;
		struct contact *const *list = customer_list(u);
		for (size_t k = js[i].from; k < n_list; k++) {
			const struct contact *ct = list[k];
			jbuf_puts(b, k > js[i].from ? ",{\"channel\":" : "{\"channel\":");
			jo_str(o, b, c->channels[ct->ch].name);
			char id[CONTACT_TEXT_MAX + 1];
			jbuf_puts(b, ",\"id\":");
			jo_str(o, b, contact_id(ct, id));
			jbuf_puts(b, ",\"created\":");
			jo_real(o, b, (double)ct->created_ms / 1000.0);
			jbuf_puts(b, ",\"state\":");
			jbuf_string(b, state_name(ct));
			jbuf_put(b, "}", 1);
		}
		jbuf_puts(b, list[n_list - 1]->state == ST_RESOLVED ? "],\"resolved\":true}"
		                                                   : "],\"resolved\":false}");
	}
	jbuf_put(b, "]", 1);
	free(js);
}

/* Whether key is asked for (has NULL: every key). */
static bool jo_has(bool (*has)(const char *key), const char *key)
{
	return !has || has(key);
}

static void jo_pairs(struct ct_jout *o, struct jbuf *b)
{
	const struct contacts *c = o->c;
	jbuf_puts(b, ",\"pivots_by_pair\":{");
	for (int i = 0; i < c->n_pairs; i++) {
		char *key = xasprintf("%s>%s", c->channels[c->pairs[i].a].name,
		                      c->channels[c->pairs[i].b].name);
		if (i)
			jbuf_put(b, ",", 1);
		jo_str(o, b, key);
		jbuf_puts(b, ":{\"today\":");
		jbuf_int(b, c->pairs[i].today);
		jbuf_puts(b, ",\"window\":");
		jbuf_int(b, c->pairs[i].window);
		jbuf_puts(b, ",\"unanswered_today\":");
		jbuf_int(b, c->pairs[i].unans_today);
		jbuf_puts(b, ",\"unanswered_window\":");
		jbuf_int(b, c->pairs[i].unans_window);
		jbuf_put(b, "}", 1);
		free(key);
	}
	jbuf_put(b, "}", 1);
}

void ct_jout_root_keys(struct ct_jout *o, struct jbuf *b, bool (*has)(const char *key))
{
	if (jo_has(has, "callbacks"))
		jo_callbacks(o, b);
	if (!o->any)
		return;
	if (jo_has(has, "channels")) {
		jbuf_puts(b, ",\"channels\":[");
		for (size_t i = 0; i < o->v.n_channels; i++) {
			if (i)
				jbuf_put(b, ",", 1);
			jo_scope(o, b, &o->v.channels[i]);
		}
		jbuf_put(b, "]", 1);
	}
	if (jo_has(has, "channel_total")) {
		jbuf_puts(b, ",\"channel_total\":");
		jo_scope(o, b, &o->v.total);
	}
	if (jo_has(has, "pivots_by_pair"))
		jo_pairs(o, b);
	if (jo_has(has, "journeys"))
		jo_journeys(o, b);
}

void ct_jout_root(struct ct_jout *o, struct jbuf *b)
{
	ct_jout_root_keys(o, b, NULL);
}

size_t ct_jout_queue_count(const struct ct_jout *o)
{
	return o->v.n_queues;
}

const char *ct_jout_queue_name(const struct ct_jout *o, size_t j)
{
	return o->v.queues[j].name;
}

size_t ct_jout_order(struct ct_jout *o, const char *const *names, size_t n, bool can_make,
                     long *order)
{
	size_t len = n;
	for (size_t i = 0; i < n; i++) {
		order[i] = (long)i;
		if (o->any && (!names[i] || !jbuf_utf8_valid(names[i])))
			o->bad = true;      /* jansson matches the name it wrote */
	}
	for (size_t j = 0; j < o->v.n_queues; j++) {
		const char *name = o->v.queues[j].name;
		size_t at = 0;
		bool found = false;
		if (!jbuf_utf8_valid(name))
			o->bad = true;
		for (size_t k = 0; k < len; k++) {
			const char *e = order[k] >= 0 ? names[order[k]] : o->v.queues[-1 - order[k]].name;
			int d = strcmp(e ? e : "", name);
			found = found || d == 0;
			if (d < 0)
				at = k + 1;
		}
		if (found || !can_make)
			continue;
		memmove(order + at + 1, order + at, (len - at) * sizeof *order);
		order[at] = -1 - (long)j;
		len++;
	}
	return len;
}

void ct_jout_queue(struct ct_jout *o, struct jbuf *b, const char *name)
{
	for (size_t j = 0; j < o->v.n_queues; j++)
		if (strcmp(o->v.queues[j].name, name ? name : "") == 0) {
			jbuf_puts(b, ",\"contacts\":");
			jo_scope(o, b, &o->v.queues[j]);
		}
}
