/* contacts.c - contacts on every channel (SPEC 6.2, 6.3): what each contact
 * event does, the voice calls as contacts, the counts of today and of the
 * rolling window per channel, per queue and in total, customers' histories
 * for repeats, pivots and journeys, and forgetting. The JSON is in
 * contacts_json.c. */
#include "contacts_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "textsafe.h"
#include "util.h"

/* A sweep walks every contact: do it a few dozen times per longest window
 * (at least once a minute, at most once an hour). Forgetting late keeps a
 * little more: repeats, pivots and journeys read times, not what is stored;
 * only a stale open contact stays in the backlog up to that much longer. */
#define SWEEP_MIN_MS 60000
#define SWEEP_MAX_MS 3600000

/* ---- hash tables (chained, keyed by a string) ---------------------------- */

static uint32_t ht_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct hnode *ht_find(const struct htable *t, const char *key, uint32_t h)
{
	if (!t->nb)
		return NULL;
	for (struct hnode *n = t->b[h & (t->nb - 1)]; n; n = n->next)
		if (n->hash == h && strcmp(n->key, key) == 0)
			return n;
	return NULL;
}

static void ht_insert(struct htable *t, struct hnode *n)
{
	if (t->count + 1 > t->nb) {
		size_t nb = t->nb ? t->nb * 2 : 64;
		struct hnode **b = xcalloc(nb, sizeof *b);
		for (size_t i = 0; i < t->nb; i++)
			for (struct hnode *x = t->b[i], *next; x; x = next) {
				next = x->next;
				x->next = b[x->hash & (nb - 1)];
				b[x->hash & (nb - 1)] = x;
			}
		free(t->b);
		t->b = b;
		t->nb = nb;
	}
	n->next = t->b[n->hash & (t->nb - 1)];
	t->b[n->hash & (t->nb - 1)] = n;
	t->count++;
}

static void ht_remove(struct htable *t, struct hnode *n)
{
	for (struct hnode **p = &t->b[n->hash & (t->nb - 1)]; *p; p = &(*p)->next)
		if (*p == n) {
			*p = n->next;
			t->count--;
			return;
		}
}

/* ---- settings -------------------------------------------------------------- */

void contacts_conf_from(struct contacts_conf *cc, const struct config *cfg)
{
	cc->window_s = cfg ? cfg->window_s : 900;
	cc->day_start_min = cfg ? cfg->day_start_min : 0;
	cc->repeat_window_s = cfg ? cfg->defaults.repeat_window_s : 86400;
	cc->pivot_window_s = cfg ? cfg->defaults.pivot_window_s : 86400;
	cc->stale_contact_s = cfg ? cfg->defaults.stale_contact_s : 30 * 86400;
	cc->cfg = cfg;
}

/* The first-response target of a channel (SPEC 6.3), in ms: its
 * [channel.NAME] frt_target_s, else [defaults] frt_target_s, else the
 * built-in one of SPEC 6.3. */
static int64_t frt_target_ms(const struct contacts_conf *cc, const char *channel)
{
	static const struct { const char *name; int s; } builtin[] = {
		{"chat", 60}, {"sms", 900}, {"social", 3600}, {"whatsapp", 900}, {"email", 14400}};
	const struct channel_conf *ch = cc->cfg ? config_channel(cc->cfg, channel) : NULL;
	if (ch && ch->frt_target_s > 0)
		return (int64_t)ch->frt_target_s * 1000;
	if (cc->cfg && cc->cfg->defaults.frt_target_s > 0)
		return (int64_t)cc->cfg->defaults.frt_target_s * 1000;
	for (size_t i = 0; i < sizeof builtin / sizeof *builtin; i++)
		if (strcmp(builtin[i].name, channel) == 0)
			return (int64_t)builtin[i].s * 1000;
	return 3600 * 1000;
}

/* A queue's own first-response target ([queue.NAME] frt_target_s), in ms;
 * 0 when it has none (its contacts then take their channel's). */
static int64_t queue_frt_ms(const struct contacts_conf *cc, const char *queue)
{
	if (!cc->cfg)
		return 0;
	for (size_t i = 0; i < cc->cfg->n_queues; i++)
		if (strcmp(cc->cfg->queues[i].name, queue) == 0)
			return (int64_t)cc->cfg->queues[i].frt_target_s * 1000;
	return 0;
}

int64_t contacts_frt_target_ms(const struct contacts *c, enum contacts_scope s, size_t i)
{
	if (s == CS_CHANNEL)
		return c->channels[i].frt_ms;
	if (s == CS_QUEUE)
		return c->queues[i].frt_ms ? c->queues[i].frt_ms
		                           : c->channels[c->queues[i].first_ch].frt_ms;
	return 0;
}

struct contacts *contacts_new(const struct contacts_conf *cc)
{
	struct contacts *c = xcalloc(1, sizeof *c);
	c->conf = *cc;
	c->live = xcalloc(1, sizeof *c->live);
	c->gen = 1;
	c->day_start_ms = INT64_MIN;
	c->min_created_ms = INT64_MAX;
	return c;
}

void contacts_set_conf(struct contacts *c, const struct contacts_conf *cc)
{
	c->gen++;
	c->conf = *cc;
	for (int i = 0; i < c->n_channels; i++)
		c->channels[i].frt_ms = frt_target_ms(&c->conf, c->channels[i].name);
	for (int i = 0; i < c->n_queues; i++)
		c->queues[i].frt_ms = queue_frt_ms(&c->conf, c->queues[i].name);
}

static void contact_free(struct contact *k)
{
	free(k->node.key);
	free(k);
}

static void customer_free(struct customer *u)
{
	free(u->node.key);
	free(u->list);
	free(u);
}

static void callbacks_clear(struct contacts *c)
{
	if (!c->callbacks.nb)
		return;
	for (size_t i = 0; i < c->callbacks.nb; i++)
		for (struct hnode *n = c->callbacks.b[i], *next; n; n = next) {
			next = n->next;
			free(n->key);
			free(n);
		}
	memset(c->callbacks.b, 0, c->callbacks.nb * sizeof *c->callbacks.b);
	c->callbacks.count = 0;
}

void contacts_free(struct contacts *c)
{
	if (!c)
		return;
	callbacks_clear(c);
	free(c->callbacks.b);
	free(c->live->channels);
	free(c->live->queues);
	free(c->live);
	for (size_t i = 0; i < c->contacts.nb; i++)
		for (struct hnode *n = c->contacts.b[i], *next; n; n = next) {
			next = n->next;
			contact_free((struct contact *)n);
		}
	for (size_t i = 0; i < c->customers.nb; i++)
		for (struct hnode *n = c->customers.b[i], *next; n; n = next) {
			next = n->next;
			customer_free((struct customer *)n);
		}
	free(c->contacts.b);
	free(c->customers.b);
	for (int i = 0; i < c->n_channels; i++)
		free(c->channels[i].name);
	for (int i = 0; i < c->n_queues; i++)
		free(c->queues[i].name);
	for (int i = 0; i < c->n_reasons; i++)
		free(c->reasons[i]);
	free(c->queues);
	free(c->pairs);
	free(c->recs);
	free(c);
}

/* ---- names ------------------------------------------------------------------ */

static int channel_index(struct contacts *c, const char *name)
{
	for (int i = 0; i < c->n_channels; i++)
		if (strcmp(c->channels[i].name, name) == 0)
			return i;
	if (c->n_channels >= CONTACTS_MAX_CHANNELS)
		return -1;
	struct ct_scope *s = &c->channels[c->n_channels];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	s->frt_ms = frt_target_ms(&c->conf, name);
	return c->n_channels++;
}

static int queue_index(struct contacts *c, const char *name, int ch)
{
	for (int i = 0; i < c->n_queues; i++)
		if (strcmp(c->queues[i].name, name) == 0)
			return i;
	if (c->n_queues >= CONTACTS_MAX_QUEUES)
		return -1;
	if (c->n_queues == c->cap_queues) {
		c->cap_queues = c->cap_queues ? c->cap_queues * 2 : 16;
		c->queues = xrealloc(c->queues, (size_t)c->cap_queues * sizeof *c->queues);
	}
	struct ct_scope *s = &c->queues[c->n_queues];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	s->frt_ms = queue_frt_ms(&c->conf, name);
	s->first_ch = (int16_t)ch;
	return c->n_queues++;
}

static int reason_index(struct contacts *c, const char *name)
{
	for (int i = 0; i < c->n_reasons; i++)
		if (strcmp(c->reasons[i], name) == 0)
			return i;
	if (c->n_reasons >= CONTACTS_MAX_REASONS)
		return -1;
	c->reasons[c->n_reasons] = xstrdup(name);
	return c->n_reasons++;
}

static int pair_index(struct contacts *c, int a, int b)
{
	for (int i = 0; i < c->n_pairs; i++)
		if (c->pairs[i].a == a && c->pairs[i].b == b)
			return i;
	if (c->n_pairs == c->cap_pairs) {
		c->cap_pairs = c->cap_pairs ? c->cap_pairs * 2 : 16;
		c->pairs = xrealloc(c->pairs, (size_t)c->cap_pairs * sizeof *c->pairs);
	}
	c->pairs[c->n_pairs] = (struct ct_pair){.a = a, .b = b};
	return c->n_pairs++;
}

/* ---- counting ------------------------------------------------------------------ */

static void tally_add(struct contacts *c, int ch, int q, int field, int64_t v, bool today,
                      bool window)
{
	if (today) {
		c->channels[ch].today.v[field] += v;
		c->queues[q].today.v[field] += v;
		c->total.today.v[field] += v;
	}
	if (window) {
		c->channels[ch].window.v[field] += v;
		c->queues[q].window.v[field] += v;
		c->total.window.v[field] += v;
	}
}

static void rec_push(struct contacts *c, const struct ct_rec *r)
{
	if (c->n_recs == c->cap_recs) {
		size_t cap = c->cap_recs ? c->cap_recs * 2 : 256;
		struct ct_rec *nr = xmalloc(cap * sizeof *nr);
		for (size_t i = 0; i < c->n_recs; i++)
			nr[i] = c->recs[(c->rec_head + i) % c->cap_recs];
		free(c->recs);
		c->recs = nr;
		c->cap_recs = cap;
		c->rec_head = 0;
	}
	/* lines of several sources may come a little out of time order: keep the
	 * ring sorted by time, so each record leaves the window when its time does */
	size_t i = c->n_recs++;
	while (i > 0 && c->recs[(c->rec_head + i - 1) % c->cap_recs].t > r->t) {
		c->recs[(c->rec_head + i) % c->cap_recs] = c->recs[(c->rec_head + i - 1) % c->cap_recs];
		i--;
	}
	c->recs[(c->rec_head + i) % c->cap_recs] = *r;
}

static bool in_today(const struct contacts *c, int64_t t)
{
	return c->day_start_ms != INT64_MIN && t >= c->day_start_ms;
}

static bool in_window(const struct contacts *c, int64_t t)
{
	return t > c->now_ms - (int64_t)c->conf.window_s * 1000 && t <= c->now_ms;
}

/* Counts v in field at t for channel ch, queue q and the total. */
static void count(struct contacts *c, int64_t t, int ch, int q, int field, int64_t v)
{
	bool w = in_window(c, t);
	tally_add(c, ch, q, field, v, in_today(c, t), w);
	if (w)
		rec_push(c, &(struct ct_rec){.t = t, .ch = (int16_t)ch, .q = (int16_t)q,
		                             .field = (int16_t)field, .v = v});
}

static void count_pair(struct contacts *c, int64_t t, int pair, int64_t v)
{
	if (in_today(c, t))
		c->pairs[pair].today += v;
	if (in_window(c, t)) {
		c->pairs[pair].window += v;
		rec_push(c, &(struct ct_rec){.t = t, .ch = (int16_t)pair, .field = -1, .v = v});
	}
}

static void count_reason(struct contacts *c, int64_t t, int ch, int q, const char *reason)
{
	int r;
	if (!reason || !in_today(c, t) || (r = reason_index(c, reason)) < 0)
		return;
	c->channels[ch].reasons[r]++;
	c->queues[q].reasons[r]++;
	c->total.reasons[r]++;
}

/* ---- the clock ------------------------------------------------------------------- */

static void roll_window(struct contacts *c)
{
	int64_t edge = c->now_ms - (int64_t)c->conf.window_s * 1000;
	while (c->n_recs && c->recs[c->rec_head].t <= edge) {
		const struct ct_rec *r = &c->recs[c->rec_head];
		if (r->field < 0)
			c->pairs[r->ch].window -= r->v;
		else
			tally_add(c, r->ch, r->q, r->field, -r->v, false, true);
		c->rec_head = (c->rec_head + 1) % c->cap_recs;
		c->n_recs--;
	}
}

static void new_day(struct contacts *c, int64_t start_ms)
{
	c->day_start_ms = start_ms;
	for (int i = 0; i < c->n_channels; i++) {
		memset(&c->channels[i].today, 0, sizeof c->channels[i].today);
		memset(c->channels[i].reasons, 0, sizeof c->channels[i].reasons);
	}
	for (int i = 0; i < c->n_queues; i++) {
		memset(&c->queues[i].today, 0, sizeof c->queues[i].today);
		memset(c->queues[i].reasons, 0, sizeof c->queues[i].reasons);
	}
	memset(&c->total.today, 0, sizeof c->total.today);
	memset(c->total.reasons, 0, sizeof c->total.reasons);
	for (int i = 0; i < c->n_pairs; i++)
		c->pairs[i].today = 0;
	callbacks_clear(c);       /* today's callers only */
}

static int64_t keep_ms(const struct contacts *c)
{
	int64_t k = c->conf.repeat_window_s > c->conf.pivot_window_s ? c->conf.repeat_window_s
	                                                              : c->conf.pivot_window_s;
	return k * 1000;
}

/* Forgets customers' contacts older than the longest window that needs them,
 * closed contacts with them, and open ones idle for stale_contact_s. */
static void sweep(struct contacts *c)
{
	int64_t old = c->now_ms - keep_ms(c), stale = c->now_ms - c->conf.stale_contact_s * 1000;
	int64_t min_created = INT64_MAX;
	if (c->min_created_ms >= old)    /* everything forgotten is created before old */
		return;
	for (size_t i = 0; i < c->customers.nb; i++)
		for (struct hnode *n = c->customers.b[i], *next; n; n = next) {
			struct customer *u = (struct customer *)n;
			size_t drop = 0;
			next = n->next;
			/* [created - window, created): one exactly window old still counts */
			while (drop < u->n && u->list[drop]->created_ms < old)
				u->list[drop++]->cust = NULL;
			memmove(u->list, u->list + drop, (u->n - drop) * sizeof *u->list);
			u->n -= drop;
			if (u->n == 0) {
				ht_remove(&c->customers, n);
				customer_free(u);
			}
		}
	for (size_t i = 0; i < c->contacts.nb; i++)
		for (struct hnode *n = c->contacts.b[i], *next; n; n = next) {
			struct contact *k = (struct contact *)n;
			bool open = !k->voice && (k->state == ST_OPEN || k->state == ST_UNKNOWN);
			next = n->next;
			if (k->cust || k->created_ms >= old || k->last_ms >= (open ? stale : old)) {
				if (k->created_ms < min_created)
					min_created = k->created_ms;
				continue;
			}
			ht_remove(&c->contacts, n);
			contact_free(k);
		}
	c->min_created_ms = min_created;
}

void contacts_advance(struct contacts *c, int64_t now_ms)
{
	int64_t start, end;
	if (c->started && now_ms <= c->now_ms)
		return;
	c->gen++;
	c->now_ms = now_ms;
	c->started = true;
	if (c->now_ms >= c->day_end_ms || c->now_ms < c->day_start_ms) {
		int64_t s = c->now_ms >= 0 ? c->now_ms / 1000 : -((-c->now_ms + 999) / 1000);
		util_day_bounds(s, c->conf.day_start_min, &start, &end);
		c->day_end_ms = end * 1000;
		if (start * 1000 != c->day_start_ms)
			new_day(c, start * 1000);
	}
	roll_window(c);
	if (c->now_ms >= c->next_sweep_ms) {
		sweep(c);
		int64_t every = keep_ms(c) / 48;
		c->next_sweep_ms = c->now_ms + (every < SWEEP_MIN_MS ? SWEEP_MIN_MS
		                                : every > SWEEP_MAX_MS ? SWEEP_MAX_MS : every);
	}
}

int64_t contacts_now(const struct contacts *c)
{
	return c->now_ms;
}

bool contacts_any(const struct contacts *c)
{
	return c->saw_events;
}

/* ---- contacts and customers ------------------------------------------------------- */

static struct contact *contact_find(const struct contacts *c, const char *id)
{
	return (struct contact *)ht_find(&c->contacts, id, ht_hash(id));
}

static struct contact *contact_add(struct contacts *c, const char *id, int ch, int q, int64_t t)
{
	struct contact *k = xcalloc(1, sizeof *k);
	k->node.key = xstrdup(id);
	k->node.hash = ht_hash(id);
	k->ch = (int16_t)ch;
	k->q = (int16_t)q;
	k->created_ms = k->last_ms = t;
	if (t < c->min_created_ms)
		c->min_created_ms = t;
	k->state = ST_UNKNOWN;
	k->pair = -1;
	ht_insert(&c->contacts, &k->node);
	return k;
}

/* Sets whether u's contact at index i is a repeat, a pivot (and of which
 * pair) and an unanswered pivot, from its previous contact as known now,
 * counting the change at its created. Lines of several sources may come out
 * of time order (a contact or a reply learnt after a later contact of the
 * same customer): the later contact is judged again, so the counts end as if
 * the lines had come in time order. */
static void judge(struct contacts *c, struct customer *u, size_t i)
{
	struct contact *k = u->list[i];
	const struct contact *prev = i ? u->list[i - 1] : NULL;
	int64_t t = k->created_ms;
	bool rep = prev && prev->created_ms >= t - c->conf.repeat_window_s * 1000;
	bool piv = prev && prev->ch != k->ch &&
	           prev->created_ms >= t - c->conf.pivot_window_s * 1000;
	bool unans = piv && !(prev->replied && prev->first_reply_ms <= t);
	int pair = piv ? pair_index(c, prev->ch, k->ch) : -1;
	if (rep != k->is_repeat)
		count(c, t, k->ch, k->q, CT_REPEATS, rep ? 1 : -1);
	if (piv != k->is_pivot)
		count(c, t, k->ch, k->q, CT_PIVOTS, piv ? 1 : -1);
	if (unans != k->is_unanswered)
		count(c, t, k->ch, k->q, CT_PIVOTS_UNANSWERED, unans ? 1 : -1);
	if (pair != k->pair) {
		if (k->pair >= 0)
			count_pair(c, t, k->pair, -1);
		if (pair >= 0)
			count_pair(c, t, pair, 1);
	}
	k->is_repeat = rep;
	k->is_pivot = piv;
	k->is_unanswered = unans;
	k->pair = (int16_t)pair;
}

static size_t customer_pos(const struct customer *u, const struct contact *k)
{
	size_t i = 0;
	while (i < u->n && u->list[i] != k)
		i++;
	return i;
}

static void customer_unlink(struct contacts *c, struct contact *k)
{
	struct customer *u = k->cust;
	if (!u)
		return;
	size_t i = customer_pos(u, k);
	if (i < u->n) {
		memmove(u->list + i, u->list + i + 1, (u->n - i - 1) * sizeof *u->list);
		u->n--;
		if (i < u->n)
			judge(c, u, i);     /* its follower has another previous contact */
	}
	k->cust = NULL;    /* an emptied customer goes at the next sweep */
	k->is_repeat = k->is_pivot = k->is_unanswered = false;   /* counted: history */
	k->pair = -1;
}

/* A contact with a customer was created at t: repeats, pivots, history. */
static void customer_created(struct contacts *c, struct contact *k, const char *key, int64_t t)
{
	uint32_t h = ht_hash(key);
	struct customer *u = (struct customer *)ht_find(&c->customers, key, h);
	if (!u) {
		u = xcalloc(1, sizeof *u);
		u->node.key = xstrdup(key);
		u->node.hash = h;
		ht_insert(&c->customers, &u->node);
	}
	count(c, t, k->ch, k->q, CT_CREATED_WITH_CUSTOMER, 1);
	/* in created order: its previous contact is the latest created before t */
	size_t at = u->n;
	while (at > 0 && u->list[at - 1]->created_ms >= t)
		at--;
	if (u->n == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 4;
		u->list = xrealloc(u->list, u->cap * sizeof *u->list);
	}
	memmove(u->list + at + 1, u->list + at, (u->n - at) * sizeof *u->list);
	u->list[at] = k;
	u->n++;
	k->cust = u;
	judge(c, u, at);
	if (at + 1 < u->n)
		judge(c, u, at + 1);
}

/* Makes k a contact created at t (seen), counting it. */
static void created(struct contacts *c, struct contact *k, const char *customer,
                    const char *reason, int64_t t)
{
	customer_unlink(c, k);
	k->seen = true;
	k->created_ms = k->last_ms = t;
	if (t < c->min_created_ms)
		c->min_created_ms = t;
	k->replied = false;
	k->replies = 0;
	k->first_reply_ms = 0;
	k->state = k->voice ? ST_WAITING : ST_OPEN;
	c->created_seen++;
	count(c, t, k->ch, k->q, CT_CREATED, 1);
	if (!k->voice)
		count_reason(c, t, k->ch, k->q, reason);
	if (customer && *customer)
		customer_created(c, k, customer, t);
}

/* Time from k's created to t; 0 for an event stamped before it (systems'
 * clocks disagree, lines come out of order): a time is never negative. */
static int64_t since_created(const struct contact *k, int64_t t)
{
	return t > k->created_ms ? t - k->created_ms : 0;
}

/* ---- the callback list ---- */

/* A call of customer u ended unanswered (abandoned or timed out) at t after
 * waiting waited ms: the caller is on the list, one try more. */
static void callback_try(struct contacts *c, const struct customer *u, int q, int64_t t,
                         int64_t waited)
{
	uint32_t h = ht_hash(u->node.key);
	struct callback *cb = (struct callback *)ht_find(&c->callbacks, u->node.key, h);
	if (!cb) {
		if (c->callbacks.count >= CONTACTS_MAX_CALLBACKS)
			return;
		cb = xcalloc(1, sizeof *cb);
		cb->node.key = xstrdup(u->node.key);
		cb->node.hash = h;
		cb->first_ms = t;
		ht_insert(&c->callbacks, &cb->node);
	}
	cb->tries++;
	if (t < cb->first_ms)
		cb->first_ms = t;
	if (t >= cb->last_ms) {
		cb->last_ms = t;
		cb->q = (int16_t)q;
		cb->waited_ms = waited;
	}
}

/* Customer u was answered at t (a call connected, a reply): off the list,
 * unless the answer came before their first unanswered try. */
static void callback_answered(struct contacts *c, const struct customer *u, int64_t t)
{
	struct callback *cb;
	if (!c->callbacks.count ||
	    !(cb = (struct callback *)ht_find(&c->callbacks, u->node.key, ht_hash(u->node.key))) ||
	    t < cb->first_ms)
		return;
	ht_remove(&c->callbacks, &cb->node);
	free(cb->node.key);
	free(cb);
}

static int callback_cmp(const void *a, const void *b)
{
	const struct contacts_callback *x = a, *y = b;
	if (x->first_ms != y->first_ms)
		return x->first_ms < y->first_ms ? -1 : 1;
	return strcmp(x->customer, y->customer);
}

size_t contacts_callbacks(const struct contacts *c, struct contacts_callback *out, size_t max)
{
	size_t n = c->callbacks.count, k = 0;
	if (!n || !max)
		return n;
	struct contacts_callback *all = xmalloc(n * sizeof *all);
	for (size_t b = 0; b < c->callbacks.nb; b++)
		for (const struct hnode *h = c->callbacks.b[b]; h; h = h->next) {
			const struct callback *cb = (const struct callback *)h;
			all[k++] = (struct contacts_callback){ h->key, c->queues[cb->q].name,
				cb->first_ms, cb->last_ms, cb->waited_ms, cb->tries };
		}
	qsort(all, n, sizeof *all, callback_cmp);
	memcpy(out, all, (n < max ? n : max) * sizeof *out);
	free(all);
	return n;
}

void contacts_callback_counts(const struct contacts *c, int64_t *cb)
{
	for (size_t b = 0; b < c->callbacks.nb; b++)
		for (const struct hnode *h = c->callbacks.b[b]; h; h = h->next)
			cb[((const struct callback *)h)->q]++;
}

static void replied(struct contacts *c, struct contact *k, int64_t t)
{
	if (k->cust)
		callback_answered(c, k->cust, t);
	if (k->seen && !k->replied && !k->voice) {
		int64_t frt = since_created(k, t);
		count(c, t, k->ch, k->q, CT_FIRST_RESPONSES, 1);
		count(c, t, k->ch, k->q, CT_FRT_SUM, frt);
		int64_t target = c->queues[k->q].frt_ms ? c->queues[k->q].frt_ms
		                                        : c->channels[k->ch].frt_ms;
		if (frt <= target)
			count(c, t, k->ch, k->q, CT_FIRST_RESPONSES_WITHIN, 1);
	}
	bool earlier = !k->replied || t < k->first_reply_ms;
	if (earlier)
		k->first_reply_ms = t;
	k->replied = true;
	k->replies++;
	/* the next contact of the customer may be a pivot answered after all */
	if (earlier && k->cust) {
		size_t i = customer_pos(k->cust, k);
		if (i + 1 < k->cust->n)
			judge(c, k->cust, i + 1);
	}
}

static void survey(struct contacts *c, int ch, int q, const struct contact_event *ev)
{
	int64_t t = ev->ts_ms;
	count(c, t, ch, q, CT_SURVEYS, 1);
	if (ev->csat >= 1) {
		count(c, t, ch, q, CT_CSAT_N, 1);
		if (ev->csat >= 4)
			count(c, t, ch, q, CT_CSAT_SATISFIED, 1);
	}
	if (ev->nps >= 0) {
		count(c, t, ch, q, CT_NPS_N, 1);
		if (ev->nps >= 9)
			count(c, t, ch, q, CT_PROMOTERS, 1);
		else if (ev->nps <= 6)
			count(c, t, ch, q, CT_DETRACTORS, 1);
	}
	if (ev->ces >= 1) {
		count(c, t, ch, q, CT_CES_N, 1);
		count(c, t, ch, q, CT_CES_SUM, ev->ces);
	}
	if (ev->resolved >= 0) {
		count(c, t, ch, q, CT_FCR_N, 1);
		if (ev->resolved)
			count(c, t, ch, q, CT_FCR_YES, 1);
	}
}

/* The channel and queue an event names for a contact not seen before. */
static bool place(struct contacts *c, const struct contact_event *ev, int *ch, int *q)
{
	if (!ev->channel)
		return false;
	*ch = channel_index(c, ev->channel);
	*q = *ch < 0 ? -1 : queue_index(c, ev->queue ? ev->queue : ev->channel, *ch);
	return *ch >= 0 && *q >= 0;
}

/* What the event does to contact k (SPEC 6.2); false for a duplicate. */
static bool apply_to(struct contacts *c, struct contact *k, const struct contact_event *ev)
{
	int64_t t = ev->ts_ms;
	switch (ev->kind) {
	case CE_CREATED:
		return false;    /* handled by the caller */
	case CE_FIRST_RESPONSE:
	case CE_REPLY:
		if (k->voice)
			break;
		replied(c, k, t);
		break;
	case CE_RESOLVED:
		if (k->voice)
			break;
		if (k->state == ST_RESOLVED)
			return false;
		count(c, t, k->ch, k->q, CT_RESOLVED, 1);
		if (k->seen) {
			count(c, t, k->ch, k->q, CT_RESOLVED_TIMED, 1);
			count(c, t, k->ch, k->q, CT_RESOLUTION_SUM, since_created(k, t));
			count(c, t, k->ch, k->q, CT_REPLIES_RESOLVED, k->replies);
		}
		k->state = ST_RESOLVED;
		break;
	case CE_REOPENED:
		if (k->voice)
			break;
		if (k->state == ST_OPEN)
			return false;
		count(c, t, k->ch, k->q, CT_REOPENED, 1);
		k->state = ST_OPEN;
		break;
	case CE_ABANDONED:
		if (k->voice)
			break;
		if (k->state == ST_ABANDONED)
			return false;
		count(c, t, k->ch, k->q, CT_ABANDONED, 1);
		k->state = ST_ABANDONED;
		break;
	case CE_SURVEY:
		survey(c, k->ch, k->q, ev);
		break;
	}
	return true;
}

enum contacts_verdict contacts_apply(struct contacts *c, const struct contact_event *ev)
{
	int ch, q;
	contacts_advance(c, ev->ts_ms);
	c->gen++;
	c->saw_events = true;
	struct contact *k = contact_find(c, ev->id);
	if (ev->kind == CE_CREATED) {
		if (k && (k->state == ST_OPEN || (k->voice && k->seen)))
			return CONTACTS_DUPLICATE;
		if (!place(c, ev, &ch, &q))
			return CONTACTS_CAP;
		if (!k)
			k = contact_add(c, ev->id, ch, q, ev->ts_ms);
		k->ch = (int16_t)ch;
		k->q = (int16_t)q;
		k->voice = false;
		created(c, k, ev->customer, ev->reason, ev->ts_ms);
	} else if (!k && ev->kind == CE_SURVEY) {
		/* a survey names its own channel and queue; nothing to remember */
		if (!place(c, ev, &ch, &q))
			return ev->channel ? CONTACTS_CAP : CONTACTS_UNPLACED;
		survey(c, ch, q, ev);
		if (ev->has_sentiment) {
			count(c, ev->ts_ms, ch, q, CT_SENTIMENT_N, 1);
			count(c, ev->ts_ms, ch, q, CT_SENTIMENT_SUM, ev->sentiment_h);
		}
		return CONTACTS_APPLIED;
	} else {
		if (!k) {
			if (!place(c, ev, &ch, &q))
				return ev->channel ? CONTACTS_CAP : CONTACTS_UNPLACED;
			k = contact_add(c, ev->id, ch, q, ev->ts_ms);
		}
		if (!apply_to(c, k, ev))
			return CONTACTS_DUPLICATE;
	}
	if (ev->ts_ms > k->last_ms)
		k->last_ms = ev->ts_ms;
	if (ev->has_sentiment) {
		count(c, ev->ts_ms, k->ch, k->q, CT_SENTIMENT_N, 1);
		count(c, ev->ts_ms, k->ch, k->q, CT_SENTIMENT_SUM, ev->sentiment_h);
	}
	return CONTACTS_APPLIED;
}

static bool caller_is_customer(const char *cid)
{
	static const char *none[] = {"anonymous", "unknown", "restricted"};
	if (!cid || !*cid)
		return false;
	for (size_t i = 0; i < sizeof none / sizeof *none; i++)
		if (strcasecmp(cid, none[i]) == 0)
			return false;
	return true;
}

void contacts_on_qevent(struct contacts *c, const struct qevent *ev)
{
	int64_t t = ev->time * 1000;
	char callid[CONTACT_TEXT_MAX + 1], queue[CONTACT_TEXT_MAX + 1];
	contacts_advance(c, t);
	c->gen++;
	if (!ev->callid || !*ev->callid)
		return;
	/* stored text is safe text, as the contact events' (SPEC 6.1) */
	textsafe_copy(callid, sizeof callid, ev->callid, -1, TEXTSAFE_UTF8);
	struct contact *k = contact_find(c, callid);
	if (k && !k->voice)
		return;          /* a contact event's id, not a call */
	if (ev->kind == EV_ENTER) {
		if (k) {
			k->state = ST_WAITING;
		} else if (ev->queue) {
			textsafe_copy(queue, sizeof queue, ev->queue, -1, TEXTSAFE_UTF8);
			int ch = channel_index(c, "voice"), q = ch < 0 ? -1 : queue_index(c, queue, ch);
			if (q < 0)
				return;
			k = contact_add(c, callid, ch, q, t);
			k->voice = true;
			char cid[CONTACT_TEXT_MAX + 1] = "";
			if (caller_is_customer(ev->callerid))
				textsafe_copy(cid, sizeof cid, ev->callerid, -1, TEXTSAFE_UTF8);
			created(c, k, cid, NULL, t);
		}
	}
	if (!k)
		return;
	switch (ev->kind) {
	case EV_CONNECT:
		replied(c, k, t);
		k->state = ST_TALKING;
		break;
	case EV_COMPLETE:
	case EV_TRANSFER:
		k->state = ST_RESOLVED;
		break;
	case EV_ABANDON:
	case EV_TIMEOUT:
		if (k->state != ST_ABANDONED && k->cust && in_today(c, t))
			callback_try(c, k->cust, k->q, t, since_created(k, t));
		k->state = ST_ABANDONED;
		break;
	default:
		break;
	}
	if (t > k->last_ms)
		k->last_ms = t;
}

/* ---- reading ------------------------------------------------------------------- */

size_t contacts_channel_count(const struct contacts *c) { return (size_t)c->n_channels; }
const char *contacts_channel_name(const struct contacts *c, size_t i) { return c->channels[i].name; }
size_t contacts_queue_count(const struct contacts *c) { return (size_t)c->n_queues; }
const char *contacts_queue_name(const struct contacts *c, size_t i) { return c->queues[i].name; }

const struct ct_scope *contacts_scope(const struct contacts *c, enum contacts_scope s, size_t i)
{
	return s == CS_CHANNEL ? &c->channels[i] : s == CS_QUEUE ? &c->queues[i] : &c->total;
}

const struct ct_tally *contacts_today(const struct contacts *c, enum contacts_scope s, size_t i)
{
	return &contacts_scope(c, s, i)->today;
}

const struct ct_tally *contacts_window(const struct contacts *c, enum contacts_scope s, size_t i)
{
	return &contacts_scope(c, s, i)->window;
}

static void live_add(struct contacts_live *l, int64_t age, bool replied)
{
	l->open++;
	if (age > l->oldest_open_ms)
		l->oldest_open_ms = age;
	if (!replied) {
		l->unanswered++;
		if (age > l->oldest_unanswered_ms)
			l->oldest_unanswered_ms = age;
	}
}

static void live_walk(const struct contacts *c, struct contacts_live *channels,
                      struct contacts_live *queues, struct contacts_live *total)
{
	memset(channels, 0, (size_t)c->n_channels * sizeof *channels);
	memset(queues, 0, (size_t)c->n_queues * sizeof *queues);
	memset(total, 0, sizeof *total);
	for (size_t b = 0; b < c->contacts.nb; b++)
		for (const struct hnode *n = c->contacts.b[b]; n; n = n->next) {
			const struct contact *k = (const struct contact *)n;
			if (!k->seen || k->voice || k->state != ST_OPEN)
				continue;
			int64_t age = c->now_ms - k->created_ms;
			live_add(&channels[k->ch], age, k->replied);
			live_add(&queues[k->q], age, k->replied);
			live_add(total, age, k->replied);
		}
}

void contacts_live_all(const struct contacts *c, struct contacts_live *channels,
                       struct contacts_live *queues, struct contacts_live *total)
{
	struct ct_live_cache *k = c->live;
	if (k->gen != c->gen || k->n_channels != c->n_channels || k->n_queues != c->n_queues) {
		k->channels = xrealloc(k->channels, ((size_t)c->n_channels + 1) * sizeof *k->channels);
		k->queues = xrealloc(k->queues, ((size_t)c->n_queues + 1) * sizeof *k->queues);
		live_walk(c, k->channels, k->queues, &k->total);
		k->gen = c->gen;
		k->n_channels = c->n_channels;
		k->n_queues = c->n_queues;
	}
	memcpy(channels, k->channels, (size_t)c->n_channels * sizeof *channels);
	memcpy(queues, k->queues, (size_t)c->n_queues * sizeof *queues);
	*total = k->total;
}

void contacts_live(const struct contacts *c, enum contacts_scope s, size_t i,
                   struct contacts_live *out)
{
	struct contacts_live *ch = xmalloc(((size_t)c->n_channels + 1) * sizeof *ch);
	struct contacts_live *q = xmalloc(((size_t)c->n_queues + 1) * sizeof *q);
	struct contacts_live total;
	contacts_live_all(c, ch, q, &total);
	*out = s == CS_CHANNEL ? ch[i] : s == CS_QUEUE ? q[i] : total;
	free(ch);
	free(q);
}

static bool text_clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

bool contacts_check(const struct contacts *c)
{
	int64_t unseen = 0, open = 0;
	for (int s = 0; s < c->n_channels + c->n_queues + 1; s++) {
		const struct ct_scope *sc = s < c->n_channels ? &c->channels[s]
		                          : s < c->n_channels + c->n_queues
		                          ? &c->queues[s - c->n_channels] : &c->total;
		for (int f = 0; f < CT_COUNT; f++)
			if (f != CT_SENTIMENT_SUM && (sc->today.v[f] < 0 || sc->window.v[f] < 0))
				return false;
	}
	for (int i = 0; i < c->n_pairs; i++)
		if (c->pairs[i].today < 0 || c->pairs[i].window < 0)
			return false;
	for (size_t b = 0; b < c->contacts.nb; b++)
		for (const struct hnode *n = c->contacts.b[b]; n; n = n->next) {
			const struct contact *k = (const struct contact *)n;
			unseen += !k->seen;
			open += k->seen && !k->voice && k->state == ST_OPEN;
			if (!text_clean(k->node.key))
				return false;
		}
	for (size_t b = 0; b < c->customers.nb; b++)
		for (const struct hnode *n = c->customers.b[b]; n; n = n->next)
			if (!text_clean(n->key))
				return false;
	for (int i = 0; i < c->n_reasons; i++)
		if (!text_clean(c->reasons[i]))
			return false;
	for (size_t b = 0; b < c->callbacks.nb; b++)
		for (const struct hnode *n = c->callbacks.b[b]; n; n = n->next) {
			const struct callback *cb = (const struct callback *)n;
			if (!text_clean(n->key) || cb->tries < 1 || cb->q < 0 || cb->q >= c->n_queues ||
			    cb->last_ms < cb->first_ms)
				return false;
		}
	for (int i = 0; i < c->n_channels; i++)
		if (!text_clean(c->channels[i].name))
			return false;
	for (int i = 0; i < c->n_queues; i++)
		if (!text_clean(c->queues[i].name))
			return false;
	return open <= c->created_seen + unseen;
}

size_t contacts_stored(const struct contacts *c, size_t *customers)
{
	if (customers)
		*customers = c->customers.count;
	return c->contacts.count;
}
