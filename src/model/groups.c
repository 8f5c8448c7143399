/* groups.c - [group.NAME]: teams of queues, their figures as exact aggregates. */
#include "groups.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "model.h"
#include "snapshot.h"
#include "util.h"

/* Calls fn on each pattern of patterns (trimmed, not empty) until it returns
 * true; returns whether one did. */
static bool each_pattern(const char *patterns, bool (*fn)(void *ctx, const char *pat), void *ctx)
{
	char pat[256];
	const char *p = patterns ? patterns : "";
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *b = p, *e = p + n;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > b) {
			snprintf(pat, sizeof pat, "%.*s", (int)(e - b), b);
			if (fn(ctx, pat))
				return true;
		}
		p += n + (end ? 1 : 0);
	}
	return false;
}

static bool match_one(void *ctx, const char *pat)
{
	return fnmatch(pat, ctx, 0) == 0;
}

bool groups_pattern_match(const char *patterns, const char *name)
{
	return each_pattern(patterns, match_one, (void *)name);
}

struct check_ctx {
	const char **names;
	size_t n;
	char *bad;
	size_t badsz;
};

/* True (stop) at the first pattern that matches none of the names. */
static bool matches_none(void *ctx, const char *pat)
{
	struct check_ctx *c = ctx;
	for (size_t i = 0; i < c->n; i++)
		if (fnmatch(pat, c->names[i], 0) == 0)
			return false;
	snprintf(c->bad, c->badsz, "%s", pat);
	return true;
}

int groups_patterns_check(const char *patterns, const char **names, size_t n, char *bad,
                          size_t badsz)
{
	struct check_ctx c = { names, n, bad, badsz };
	return each_pattern(patterns, matches_none, &c) ? -1 : 0;
}

/* Makes room for n groups in s (new ones zeroed). */
static void groups_reserve(struct snapshot *s, size_t n)
{
	if (n <= s->cap_groups)
		return;
	s->groups = xrealloc(s->groups, n * sizeof *s->groups);
	memset(s->groups + s->cap_groups, 0, (n - s->cap_groups) * sizeof *s->groups);
	s->cap_groups = n;
}

/* Lists the queues of s that gc's patterns match into g->members, and marks
 * their model indexes in in[]. */
static void group_members(struct snapshot *s, struct snap_group *g, const struct group_conf *gc,
                          const size_t *order, bool *in, size_t nq)
{
	if (g->cap_members < s->n_queues || !g->members) {
		g->cap_members = s->n_queues ? s->n_queues : 1;
		g->members = xrealloc(g->members, g->cap_members * sizeof *g->members);
	}
	memset(in, 0, nq * sizeof *in);
	g->n_members = 0;
	for (size_t i = 0; i < s->n_queues; i++)
		if (groups_pattern_match(gc->conf.members, s->queues[i].name)) {
			g->members[g->n_members++] = (int)i;
			in[order[i]] = true;
		}
}

/* The live figures of g: waiting summed, the longest wait of its queues,
 * its agents each once. */
static void group_live(struct snap_group *g, const struct snapshot *s, const struct model *m,
                       const bool *in)
{
	g->q.waiting = 0;
	g->q.longest_wait_s = 0;
	for (size_t k = 0; k < g->n_members; k++) {
		const struct snap_queue *q = &s->queues[g->members[k]];
		g->q.waiting += q->waiting;
		if (q->longest_wait_s > g->q.longest_wait_s)
			g->q.longest_wait_s = q->longest_wait_s;
	}
	model_agent_counts_in(m, in, &g->q.agents);
}

void groups_fill(struct snapshot *s, const struct model *m, const struct config *cfg,
                 const size_t *order)
{
	size_t nq = model_queue_count(m);
	bool *in;

	s->n_groups = 0;
	if (!cfg || cfg->n_groups == 0)
		return;
	groups_reserve(s, cfg->n_groups);
	in = xmalloc((nq ? nq : 1) * sizeof *in);
	for (size_t i = 0; i < cfg->n_groups; i++) {
		const struct group_conf *gc = &cfg->groups[i];
		struct snap_group *g = &s->groups[s->n_groups++];
		struct queue_conf qc = config_group(cfg, gc->conf.name);

		group_members(s, g, gc, order, in, nq);
		g->q.name = gc->conf.name;
		g->q.display = qc.display ? qc.display : gc->conf.name;
		g->q.sl_threshold_s = qc.sl_threshold_s;
		g->q.sl_target_pct = qc.sl_target_pct;
		g->q.sl_formula = qc.sl_formula;
		g->q.wrapup_s = qc.wrapup_s;
		g->q.n_callers = 0;
		g->q.callers = NULL;
		group_live(g, s, m, in);
		snapshot_aggregate(s, &g->q, g->members, g->n_members);
	}
	free(in);
}

const struct snap_group *groups_find(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->n_groups; i++)
		if (strcmp(s->groups[i].q.name, name) == 0)
			return &s->groups[i];
	return NULL;
}

/* An agent's figures (agent_stats.h) moved from *from to *to, the queues
 * renumbered by map and those gone left out. */
static void restrict_figs(struct agent_figs *to, const struct agent_figs *from, const int *map)
{
	struct agent_queue_figs *q = (struct agent_queue_figs *)from->queues;   /* s's pool */
	int n = 0;
	if (to != from)
		*to = *from;
	for (int k = 0; k < from->n_queues; k++)
		if (map[q[k].queue] >= 0) {
			q[n] = q[k];
			q[n++].queue = map[q[k].queue];
		}
	to->n_queues = n;
	to->call_queue = from->call_queue >= 0 ? map[from->call_queue] : -1;
}

/* Keeps the agents of s with a queue left (map: old queue index to new, -1
 * gone), their queues renumbered. */
static void restrict_agents(struct snapshot *s, const int *map)
{
	size_t keep = 0;
	for (size_t i = 0; i < s->n_agents; i++) {
		struct snap_member *mq = s->agent_queues[i];
		int n = 0;
		for (int k = 0; k < s->agent_n_queues[i]; k++)
			if (map[mq[k].queue] >= 0)
				mq[n++] = (struct snap_member){ map[mq[k].queue], mq[k].paused };
		if (n == 0)
			continue;
		if (s->agent_figs)
			restrict_figs(&s->agent_figs[keep], &s->agent_figs[i], map);
		s->agents[keep] = s->agents[i];
		s->agent_queues[keep] = mq;
		s->agent_n_queues[keep++] = n;
	}
	s->n_agents = keep;
	s->n_agents_off = 0;          /* in no queue: no team's */
}

/* Keeps the queues of s at members[0..n-1] (ascending), in their order. */
static void restrict_queues(struct snapshot *s, const int *members, size_t n)
{
	int *map = xmalloc((s->n_queues ? s->n_queues : 1) * sizeof *map);
	for (size_t i = 0; i < s->n_queues; i++)
		map[i] = -1;
	for (size_t k = 0; k < n; k++) {
		map[members[k]] = (int)k;
		s->queues[k] = s->queues[members[k]];     /* members[k] >= k */
	}
	restrict_agents(s, map);
	s->n_queues = n;
	free(map);
}

/* The total of a one-queue board: that queue's figures (or none). */
static void restrict_to_queue(struct snapshot *s)
{
	int qi = -1;
	for (size_t i = 0; i < s->n_queues && qi < 0; i++)
		if (strcmp(s->queues[i].name, s->only) == 0)
			qi = (int)i;
	s->n_groups = 0;
	restrict_queues(s, &qi, qi < 0 ? 0 : 1);
	s->total.waiting = qi < 0 ? 0 : s->queues[0].waiting;
	s->total.longest_wait_s = qi < 0 ? 0 : s->queues[0].longest_wait_s;
	if (qi < 0)
		memset(&s->total.agents, 0, sizeof s->total.agents);
	else
		s->total.agents = s->queues[0].agents;
	s->total.sl_threshold_s = qi < 0 ? s->total.sl_threshold_s : s->queues[0].sl_threshold_s;
	s->total.sl_target_pct = qi < 0 ? s->total.sl_target_pct : s->queues[0].sl_target_pct;
	s->total.sl_formula = qi < 0 ? s->total.sl_formula : s->queues[0].sl_formula;
	snapshot_aggregate(s, &s->total, NULL, s->n_queues);
}

void groups_restrict(struct snapshot *s)
{
	struct snap_group *g = NULL;
	if (!s->only)
		return;
	if (s->only_queue) {
		restrict_to_queue(s);
		return;
	}
	for (size_t i = 0; i < s->n_groups && !g; i++)
		if (strcmp(s->groups[i].q.name, s->only) == 0)
			g = &s->groups[i];
	if (!g) {                               /* checked at start: cannot happen */
		restrict_queues(s, NULL, 0);
		return;
	}
	if (g != &s->groups[0]) {               /* the team's group comes first, alone */
		struct snap_group t = s->groups[0];
		s->groups[0] = *g;
		*g = t;
		g = &s->groups[0];
	}
	s->n_groups = 1;
	restrict_queues(s, g->members, g->n_members);
	for (size_t k = 0; k < g->n_members; k++)
		g->members[k] = (int)k;
	s->total = g->q;
	s->total.name = "total";
}

bool groups_health(const struct snapshot *s, const struct config *cfg, struct snap_source *out)
{
	int n = 0, empty = 0;
	if (!cfg)
		return false;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < s->n_groups && i < cfg->n_groups; i++) {
		const struct snap_group *g = &s->groups[i];
		if (g->n_members)
			continue;
		if (empty++ == 0)
			n = snprintf(out->detail, sizeof out->detail, "no queue seen yet matches");
		if (n >= 0 && (size_t)n < sizeof out->detail)
			n += snprintf(out->detail + n, sizeof out->detail - (size_t)n, "%s [group.%s]",
			              empty > 1 ? "," : "", g->q.name);
	}
	if (!empty)
		return false;
	snprintf(out->name, sizeof out->name, "groups");
	out->kind = "groups";
	out->state = SRC_WAITING;
	return true;
}
