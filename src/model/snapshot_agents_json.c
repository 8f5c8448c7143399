/* snapshot_agents_json.c - the snapshot's "agents" array written by hand into
 * the JSON line's buffer: the same bytes as agent_stats_json (agent_stats_out.c,
 * the reference the tests compare with) without building 10,000 agents' worth
 * of jansson objects every second (300 ms a tick on a 10,000-agent floor). */
#include "snapshot_agents_json.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "agent_stats.h"
#include "textsafe.h"
#include "util.h"

/* Room for k more bytes (and the NUL jbuf_put keeps room for), grown as
 * jbuf_put grows it. Inline: the array is a million small pieces a tick. */
static inline void room(struct jbuf *b, size_t k)
{
	if (b->n + k + 1 > b->cap) {
		size_t want = b->n + k + 1;
		b->cap = want > b->cap * 2 ? want : b->cap * 2;
		b->p = xrealloc(b->p, b->cap);
	}
}

static inline void put(struct jbuf *b, const char *s, size_t n)
{
	room(b, n);
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

#define PUT_LIT(b, lit) put((b), (lit), sizeof(lit) - 1)

static inline void put_int(struct jbuf *b, long long v)
{
	char tmp[24], *e = tmp + sizeof tmp, *p = e;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	put(b, p, (size_t)(e - p));
}

/* As agent_stats_out.c's ajstr: text jansson refuses (invalid UTF-8) made safe
 * first. ASCII, the usual case, goes straight in. */
static void put_text(struct jbuf *b, const char *text)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	json_t *j = NULL;
	while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
		p++;
	if (!*p) {                       /* nothing to escape: as it is */
		size_t n = (size_t)((const char *)p - (text ? text : ""));
		room(b, n + 2);
		b->p[b->n++] = '"';
		memcpy(b->p + b->n, text, n);
		b->n += n;
		b->p[b->n++] = '"';
		return;
	}
	while (*p && *p < 0x80)
		p++;
	if (*p && (j = json_string((const char *)p)) == NULL) {
		char *safe = textsafe_dup(text, -1, TEXTSAFE_UTF8);
		jbuf_string(b, safe);
		free(safe);
		return;
	}
	json_decref(j);
	jbuf_string(b, text);
}

/* ,"key": */
#define PUT_KEY(b, key) PUT_LIT((b), ",\"" key "\":")

/* afig: hundredths, null when not finite. */
static void put_fig(struct jbuf *b, double v)
{
	if (isnan(v) || isinf(v))
		PUT_LIT(b, "null");
	else
		jbuf_real(b, round(v * 100.0) / 100.0);
}

/* counts_json's keys (the first without a comma). */
static void put_counts(struct jbuf *b, const struct astat_counts *c)
{
	PUT_LIT(b, "\"answered\":");
	put_int(b, c->answered);
	PUT_KEY(b, "completed");
	put_int(b, c->completed);
	PUT_KEY(b, "transferred");
	put_int(b, c->transferred);
	PUT_KEY(b, "talk_s");
	put_int(b, c->talk_s);
	PUT_KEY(b, "aht_s");
	put_fig(b, astat_aht(c));
	PUT_KEY(b, "hold_s");
	put_int(b, c->hold_s);
	PUT_KEY(b, "asa_s");
	put_fig(b, astat_asa(c));
	PUT_KEY(b, "rna");
	put_int(b, c->rna);
	PUT_KEY(b, "ring_s");
	jbuf_real(b, (double)c->ring_ms / 1000.0);
}

static void put_queues(struct jbuf *b, const struct snapshot *s, const struct agent_figs *f,
                       bool today)
{
	bool first = true;
	PUT_KEY(b, "queues");
	PUT_LIT(b, "[");
	for (int k = 0; k < f->n_queues; k++) {
		const struct astat_counts *c = today ? &f->queues[k].today : &f->queues[k].window;
		if (c->answered + c->completed + c->transferred + c->rna == 0)
			continue;
		jbuf_puts(b, first ? "{\"queue\":" : ",{\"queue\":");
		first = false;
		put_text(b, s->queues[f->queues[k].queue].name);
		PUT_LIT(b, ",");
		put_counts(b, c);
		PUT_LIT(b, "}");
	}
	PUT_LIT(b, "]");
}

static void put_call(struct jbuf *b, const struct snapshot *s, const struct agent_figs *f)
{
	PUT_KEY(b, "call");
	if (!f->on_call || !f->call_since) {
		PUT_LIT(b, "null");
		return;
	}
	PUT_LIT(b, "{\"queue\":");
	if (f->call_queue >= 0)
		put_text(b, s->queues[f->call_queue].name);
	else
		PUT_LIT(b, "null");
	PUT_KEY(b, "callerid");
	put_text(b, f->callerid);
	PUT_KEY(b, "since");
	put_int(b, f->call_since);
	PUT_LIT(b, "}");
}

static void put_today(struct jbuf *b, const struct snapshot *s, const struct agent_figs *f)
{
	PUT_LIT(b, ",\"today\":{");
	put_counts(b, &f->today);
	PUT_KEY(b, "login_s");
	put_int(b, f->login_s);
	PUT_KEY(b, "paused_s");
	put_int(b, f->paused_s);
	PUT_KEY(b, "pauses");
	PUT_LIT(b, "[");
	for (int i = 0; i < f->n_pauses; i++) {
		jbuf_puts(b, i ? ",{\"reason\":" : "{\"reason\":");
		put_text(b, f->pauses[i].reason);
		PUT_KEY(b, "seconds");
		put_int(b, f->pauses[i].s);
		PUT_LIT(b, "}");
	}
	PUT_LIT(b, "]");
	PUT_KEY(b, "occupancy_pct");
	put_fig(b, f->occupancy_pct);
	put_queues(b, s, f, true);
	PUT_LIT(b, "}");
}

static void put_window(struct jbuf *b, const struct snapshot *s, const struct agent_figs *f)
{
	PUT_LIT(b, ",\"window\":{\"seconds\":");
	put_int(b, s->window_s);
	PUT_LIT(b, ",");
	put_counts(b, &f->window);
	put_queues(b, s, f, false);
	PUT_LIT(b, "}");
}

static void put_agent(struct jbuf *b, const struct snapshot *s, size_t i)
{
	const struct agent_view *v = &s->agents[i];
	const struct agent_figs *f = &s->agent_figs[i];
	PUT_LIT(b, "{\"name\":");
	put_text(b, v->name);
	PUT_KEY(b, "state");
	put_text(b, agent_state_name(v->state));
	PUT_KEY(b, "since");
	put_int(b, v->since);
	if (v->reason) {
		PUT_KEY(b, "reason");
		put_text(b, v->reason);
	}
	PUT_KEY(b, "queues");
	PUT_LIT(b, "[");
	for (int k = 0; k < s->agent_n_queues[i]; k++) {
		if (k)
			PUT_LIT(b, ",");
		put_text(b, s->queues[s->agent_queues[i][k].queue].name);
	}
	PUT_LIT(b, "]");
	put_call(b, s, f);
	put_today(b, s, f);
	put_window(b, s, f);
	PUT_LIT(b, "}");
}

void jbuf_agents(struct jbuf *b, const struct snapshot *s)
{
	PUT_LIT(b, "[");
	for (size_t i = 0; s->agent_figs && i < s->n_agents; i++) {
		if (i)
			PUT_LIT(b, ",");
		put_agent(b, s, i);
	}
	PUT_LIT(b, "]");
}
