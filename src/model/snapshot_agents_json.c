/* snapshot_agents_json.c - the snapshot's "agents" array written by hand into
 * the JSON line's buffer: the same bytes as agent_stats_json (agent_stats_out.c,
 * the reference the tests compare with) without building 10,000 agents' worth
 * of jansson objects every second (300 ms a tick on a 10,000-agent floor). */
#include "snapshot_agents_json.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include "agent_stats.h"
#include "textsafe.h"

/* As agent_stats_out.c's ajstr: text jansson refuses (invalid UTF-8) made safe
 * first. ASCII, the usual case, goes straight in. */
static void put_text(struct jbuf *b, const char *text)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	json_t *j = NULL;
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

static void put_key(struct jbuf *b, const char *key)
{
	jbuf_put(b, ",\"", 2);
	jbuf_puts(b, key);
	jbuf_put(b, "\":", 2);
}

/* afig: hundredths, null when not finite. */
static void put_fig(struct jbuf *b, double v)
{
	if (isnan(v) || isinf(v))
		jbuf_puts(b, "null");
	else
		jbuf_real(b, round(v * 100.0) / 100.0);
}

/* counts_json's keys (the first without a comma). */
static void put_counts(struct jbuf *b, const struct astat_counts *c)
{
	jbuf_puts(b, "\"answered\":");
	jbuf_int(b, c->answered);
	put_key(b, "completed");
	jbuf_int(b, c->completed);
	put_key(b, "transferred");
	jbuf_int(b, c->transferred);
	put_key(b, "talk_s");
	jbuf_int(b, c->talk_s);
	put_key(b, "aht_s");
	put_fig(b, astat_aht(c));
	put_key(b, "hold_s");
	jbuf_int(b, c->hold_s);
	put_key(b, "asa_s");
	put_fig(b, astat_asa(c));
	put_key(b, "rna");
	jbuf_int(b, c->rna);
	put_key(b, "ring_s");
	jbuf_real(b, (double)c->ring_ms / 1000.0);
}

static void put_queues(struct jbuf *b, const struct snapshot *s, const struct agent_figs *f,
                       bool today)
{
	bool first = true;
	put_key(b, "queues");
	jbuf_put(b, "[", 1);
	for (int k = 0; k < f->n_queues; k++) {
		const struct astat_counts *c = today ? &f->queues[k].today : &f->queues[k].window;
		if (c->answered + c->completed + c->transferred + c->rna == 0)
			continue;
		jbuf_puts(b, first ? "{\"queue\":" : ",{\"queue\":");
		first = false;
		put_text(b, s->queues[f->queues[k].queue].name);
		jbuf_put(b, ",", 1);
		put_counts(b, c);
		jbuf_put(b, "}", 1);
	}
	jbuf_put(b, "]", 1);
}

static void put_call(struct jbuf *b, const struct snapshot *s, const struct agent_figs *f)
{
	put_key(b, "call");
	if (!f->on_call || !f->call_since) {
		jbuf_puts(b, "null");
		return;
	}
	jbuf_puts(b, "{\"queue\":");
	if (f->call_queue >= 0)
		put_text(b, s->queues[f->call_queue].name);
	else
		jbuf_puts(b, "null");
	put_key(b, "callerid");
	put_text(b, f->callerid);
	put_key(b, "since");
	jbuf_int(b, f->call_since);
	jbuf_put(b, "}", 1);
}

static void put_today(struct jbuf *b, const struct snapshot *s, const struct agent_figs *f)
{
	jbuf_puts(b, ",\"today\":{");
	put_counts(b, &f->today);
	put_key(b, "login_s");
	jbuf_int(b, f->login_s);
	put_key(b, "paused_s");
	jbuf_int(b, f->paused_s);
	put_key(b, "pauses");
	jbuf_put(b, "[", 1);
	for (int i = 0; i < f->n_pauses; i++) {
		jbuf_puts(b, i ? ",{\"reason\":" : "{\"reason\":");
		put_text(b, f->pauses[i].reason);
		put_key(b, "seconds");
		jbuf_int(b, f->pauses[i].s);
		jbuf_put(b, "}", 1);
	}
	jbuf_put(b, "]", 1);
	put_key(b, "occupancy_pct");
	put_fig(b, f->occupancy_pct);
	put_queues(b, s, f, true);
	jbuf_put(b, "}", 1);
}

static void put_window(struct jbuf *b, const struct snapshot *s, const struct agent_figs *f)
{
	jbuf_puts(b, ",\"window\":{\"seconds\":");
	jbuf_int(b, s->window_s);
	jbuf_put(b, ",", 1);
	put_counts(b, &f->window);
	put_queues(b, s, f, false);
	jbuf_put(b, "}", 1);
}

static void put_agent(struct jbuf *b, const struct snapshot *s, size_t i)
{
	const struct agent_view *v = &s->agents[i];
	const struct agent_figs *f = &s->agent_figs[i];
	jbuf_puts(b, "{\"name\":");
	put_text(b, v->name);
	put_key(b, "state");
	jbuf_string(b, agent_state_name(v->state));
	put_key(b, "since");
	jbuf_int(b, v->since);
	if (v->reason) {
		put_key(b, "reason");
		put_text(b, v->reason);
	}
	put_key(b, "queues");
	jbuf_put(b, "[", 1);
	for (int k = 0; k < s->agent_n_queues[i]; k++) {
		if (k)
			jbuf_put(b, ",", 1);
		put_text(b, s->queues[s->agent_queues[i][k].queue].name);
	}
	jbuf_put(b, "]", 1);
	put_call(b, s, f);
	put_today(b, s, f);
	put_window(b, s, f);
	jbuf_put(b, "}", 1);
}

void jbuf_agents(struct jbuf *b, const struct snapshot *s)
{
	jbuf_put(b, "[", 1);
	for (size_t i = 0; s->agent_figs && i < s->n_agents; i++) {
		if (i)
			jbuf_put(b, ",", 1);
		put_agent(b, s, i);
	}
	jbuf_put(b, "]", 1);
}
