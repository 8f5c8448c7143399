/* contacts_json.c - the contacts' part of the JSON snapshot (SPEC 6.4). */
#include "contacts_internal.h"

#include <stdlib.h>
#include <string.h>
#include "util.h"

static const char *const count_names[CT_COUNT] = {
	"created", "created_with_customer", "resolved", "resolved_timed", "reopened",
	"abandoned", "first_responses", "first_responses_within", "frt_sum_s", "resolution_sum_s",
	"replies_resolved", "surveys", "csat_n", "csat_satisfied", "nps_n", "promoters",
	"detractors", "ces_n", "ces_sum", "fcr_n", "fcr_yes", "sentiment_n", "sentiment_sum",
	"repeats", "pivots", "pivots_unanswered"
};

static const char *const derived_names[] = {
	"frt_avg_s", "frt_within_pct", "resolution_avg_s", "replies_per_resolution",
	"abandon_rate_pct", "csat_pct", "nps", "ces_avg", "fcr_pct", "repeat_rate_pct",
	"sentiment_avg", "mix_pct"
};

static json_t *period_json(const struct ct_tally *t, int64_t all_created, int window_s)
{
	json_t *o = json_object();
	if (window_s)
		json_object_set_new(o, "seconds", json_integer(window_s));
	for (int f = 0; f < CT_COUNT; f++) {
		json_t *v;
		if (f == CT_FRT_SUM || f == CT_RESOLUTION_SUM)
			v = json_real((double)t->v[f] / 1000.0);
		else if (f == CT_SENTIMENT_SUM)
			v = json_real((double)t->v[f] / 100.0);
		else
			v = json_integer((json_int_t)t->v[f]);
		json_object_set_new(o, count_names[f], v);
	}
	for (size_t i = 0; i < sizeof derived_names / sizeof *derived_names; i++) {
		int64_t h;
		json_object_set_new(o, derived_names[i],
		                    contacts_derived(t, derived_names[i], all_created, &h)
		                    ? json_real((double)h / 100.0) : json_null());
	}
	return o;
}

static json_t *scope_json(const struct contacts *c, enum contacts_scope s, size_t i,
                          const struct contacts_live *lv)
{
	const struct ct_scope *sc = contacts_scope(c, s, i);
	struct contacts_live live = *lv;
	json_t *o = json_object(), *reasons = json_object();
	if (s == CS_CHANNEL) {
		const struct channel_conf *cc = c->conf.cfg ? config_channel(c->conf.cfg, sc->name)
		                                            : NULL;
		json_object_set_new(o, "name", json_string(sc->name));
		json_object_set_new(o, "display", json_string(cc && cc->display ? cc->display
		                                                                : sc->name));
		json_object_set_new(o, "frt_target_s", json_real((double)sc->frt_ms / 1000.0));
	}
	json_object_set_new(o, "open", json_integer(live.open));
	json_object_set_new(o, "unanswered", json_integer(live.unanswered));
	json_object_set_new(o, "oldest_open_s", json_real((double)live.oldest_open_ms / 1000.0));
	json_object_set_new(o, "oldest_unanswered_s",
	                    json_real((double)live.oldest_unanswered_ms / 1000.0));
	json_object_set_new(o, "today", period_json(&sc->today, c->total.today.v[CT_CREATED], 0));
	json_object_set_new(o, "window", period_json(&sc->window, c->total.window.v[CT_CREATED],
	                                             c->conf.window_s));
	for (int r = 0; r < c->n_reasons; r++)
		if (sc->reasons[r])
			json_object_set_new(reasons, c->reasons[r], json_integer(sc->reasons[r]));
	json_object_set_new(o, "reasons", reasons);
	return o;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* ---- journeys ---- */

struct journey {
	const struct customer *u;
	size_t from;                /* first contact inside the span */
	int64_t last_ms;
};

static int journey_cmp(const void *a, const void *b)
{
	const struct journey *x = a, *y = b;
	if (x->last_ms != y->last_ms)
		return x->last_ms > y->last_ms ? -1 : 1;
	return strcmp(x->u->node.key, y->u->node.key);
}

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

static json_t *journeys_json(const struct contacts *c)
{
	int64_t edge = c->now_ms - c->conf.pivot_window_s * 1000;
	struct journey *js = NULL;
	size_t n = 0, cap = 0;
	for (size_t b = 0; b < c->customers.nb; b++)
		for (const struct hnode *h = c->customers.b[b]; h; h = h->next) {
			const struct customer *u = (const struct customer *)h;
			size_t from = 0;
			bool multi = false;
			while (from < u->n && u->list[from]->created_ms <= edge)
				from++;
			for (size_t i = from + 1; i < u->n && !multi; i++)
				multi = u->list[i]->ch != u->list[from]->ch;
			if (!multi)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				js = xrealloc(js, cap * sizeof *js);
			}
			js[n++] = (struct journey){u, from, u->list[u->n - 1]->created_ms};
		}
	if (n)
		qsort(js, n, sizeof *js, journey_cmp);
	json_t *a = json_array();
	for (size_t i = 0; i < n && i < CONTACTS_MAX_JOURNEYS; i++) {
		const struct customer *u = js[i].u;
		json_t *list = json_array();
		for (size_t k = js[i].from; k < u->n; k++) {
			const struct contact *ct = u->list[k];
			json_array_append_new(list, json_pack("{s:s, s:s, s:f, s:s}",
			        "channel", c->channels[ct->ch].name, "id", ct->node.key,
			        "created", (double)ct->created_ms / 1000.0, "state", state_name(ct)));
		}
		json_array_append_new(a, json_pack("{s:s, s:o, s:b}", "customer", u->node.key,
		        "contacts", list, "resolved", u->list[u->n - 1]->state == ST_RESOLVED));
	}
	free(js);
	return a;
}

void contacts_json(const struct contacts *c, json_t *root,
                   json_t *(*make_queue)(void *ctx, const char *name), void *ctx)
{
	if (!contacts_any(c))
		return;
	/* channels, sorted by name */
	char *const **order = xmalloc(((size_t)c->n_channels + 1) * sizeof *order);
	json_t *chs = json_array();
	struct contacts_live *lch = xmalloc(((size_t)c->n_channels + 1) * sizeof *lch);
	struct contacts_live *lq = xmalloc(((size_t)c->n_queues + 1) * sizeof *lq), ltotal;
	contacts_live_all(c, lch, lq, &ltotal);
	for (int i = 0; i < c->n_channels; i++)
		order[i] = &c->channels[i].name;
	qsort(order, (size_t)c->n_channels, sizeof *order, by_name);
	for (int i = 0; i < c->n_channels; i++) {
		size_t ci = (size_t)((const struct ct_scope *)(const void *)order[i] - c->channels);
		json_array_append_new(chs, scope_json(c, CS_CHANNEL, ci, &lch[ci]));
	}
	json_object_set_new(root, "channels", chs);
	json_object_set_new(root, "channel_total", scope_json(c, CS_TOTAL, 0, &ltotal));
	/* pivots by pair */
	json_t *pairs = json_object();
	for (int i = 0; i < c->n_pairs; i++) {
		char *key = xasprintf("%s>%s", c->channels[c->pairs[i].a].name,
		                      c->channels[c->pairs[i].b].name);
		json_object_set_new(pairs, key, json_pack("{s:I, s:I}", "today",
		                    (json_int_t)c->pairs[i].today, "window", (json_int_t)c->pairs[i].window));
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
	for (int i = 0; i < c->n_queues; i++) {
		json_t *q = NULL, *v;
		size_t k;
		json_array_foreach(qs, k, v)
			if (strcmp(json_string_value(json_object_get(v, "name")) ?: "", c->queues[i].name) == 0)
				q = v;
		if (!q && (q = make_queue(ctx, c->queues[i].name)) != NULL) {
			size_t at = 0;
			json_array_foreach(qs, k, v)
				if (strcmp(json_string_value(json_object_get(v, "name")) ?: "",
				           c->queues[i].name) < 0)
					at = k + 1;
			json_array_insert_new(qs, at, q);
		}
		if (q)
			json_object_set_new(q, "contacts", scope_json(c, CS_QUEUE, (size_t)i, &lq[i]));
	}
	free(order);
	free(lch);
	free(lq);
}
