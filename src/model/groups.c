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

/* What groups_fill keeps from tick to tick: each group's queues are matched
 * again only when the queues or the patterns changed (a glob over 1,000
 * queue names per group per tick otherwise), and which groups each model
 * queue is in, for one pass over the agents for all groups. */
struct groups_cache {
	bool valid;
	uint64_t order_gen;            /* s->order_gen it was made for */
	size_t n_queues;
	size_t n_groups;
	char **patterns;               /* copies of the groups' queues =, to see a reload */
	size_t *q_off;                 /* model queue qi's groups: q_sets[q_off[qi] .. q_off[qi + 1]) */
	int *q_sets;
	size_t cap_q_off, cap_q_sets;
	size_t matches;                /* the last fill's pattern matches */
};

static void cache_patterns_free(struct groups_cache *c)
{
	for (size_t i = 0; c->patterns && i < c->n_groups; i++)
		free(c->patterns[i]);
	free(c->patterns);
	c->patterns = NULL;
	c->n_groups = 0;
}

void groups_cache_free(struct groups_cache *c)
{
	if (!c)
		return;
	cache_patterns_free(c);
	free(c->q_off);
	free(c->q_sets);
	free(c);
}

size_t groups_last_matches(const struct snapshot *s)
{
	return s->groups_cache ? s->groups_cache->matches : 0;
}

/* Whether c still lists the groups' queues of s for cfg. A board of one team
 * (s->only) renumbers its group's members: matched again each time. */
static bool cache_valid(const struct groups_cache *c, const struct snapshot *s,
                        const struct config *cfg)
{
	if (!c->valid || s->only || c->order_gen != s->order_gen || c->n_queues != s->n_queues ||
	    c->n_groups != cfg->n_groups)
		return false;
	for (size_t i = 0; i < cfg->n_groups; i++)
		if (strcmp(c->patterns[i], cfg->groups[i].conf.members ? cfg->groups[i].conf.members
		                                                         : "") != 0)
			return false;
	return true;
}

/* Lists the queues of s that gc's patterns match into g->members. */
static void group_members(struct snapshot *s, struct snap_group *g, const struct group_conf *gc)
{
	if (g->cap_members < s->n_queues || !g->members) {
		g->cap_members = s->n_queues ? s->n_queues : 1;
		g->members = xrealloc(g->members, g->cap_members * sizeof *g->members);
	}
	g->n_members = 0;
	for (size_t i = 0; i < s->n_queues; i++) {
		s->groups_cache->matches++;
		if (groups_pattern_match(gc->conf.members, s->queues[i].name))
			g->members[g->n_members++] = (int)i;
	}
}

/* Notes the groups' queues just matched in c: each model queue's groups. */
static void cache_note(struct groups_cache *c, const struct snapshot *s,
                       const struct config *cfg, const size_t *order, size_t nq)
{
	size_t total = 0;
	cache_patterns_free(c);
	c->patterns = xmalloc((cfg->n_groups ? cfg->n_groups : 1) * sizeof *c->patterns);
	for (size_t i = 0; i < cfg->n_groups; i++) {
		c->patterns[i] = xstrdup(cfg->groups[i].conf.members ? cfg->groups[i].conf.members : "");
		total += s->groups[i].n_members;
	}
	c->n_groups = cfg->n_groups;
	if (nq + 1 > c->cap_q_off || !c->q_off) {
		c->cap_q_off = nq + 1;
		c->q_off = xrealloc(c->q_off, c->cap_q_off * sizeof *c->q_off);
	}
	if (total > c->cap_q_sets || !c->q_sets) {
		c->cap_q_sets = total ? total : 1;
		c->q_sets = xrealloc(c->q_sets, c->cap_q_sets * sizeof *c->q_sets);
	}
	/* counts, then offsets, then the sets (each queue's groups in file order) */
	memset(c->q_off, 0, (nq + 1) * sizeof *c->q_off);
	for (size_t g = 0; g < cfg->n_groups; g++)
		for (size_t k = 0; k < s->groups[g].n_members; k++)
			c->q_off[order[s->groups[g].members[k]] + 1]++;
	for (size_t q = 0; q < nq; q++)
		c->q_off[q + 1] += c->q_off[q];
	for (size_t g = 0; g < cfg->n_groups; g++)
		for (size_t k = 0; k < s->groups[g].n_members; k++)
			c->q_sets[c->q_off[order[s->groups[g].members[k]]]++] = (int)g;
	for (size_t q = nq; q > 0; q--)          /* each offset moved to its end: back */
		c->q_off[q] = c->q_off[q - 1];
	c->q_off[0] = 0;
	c->order_gen = s->order_gen;
	c->n_queues = s->n_queues;
	c->valid = true;
}

/* The live figures of g: waiting summed, the longest wait of its queues. */
static void group_live(struct snap_group *g, const struct snapshot *s)
{
	g->q.waiting = 0;
	g->q.longest_wait_s = 0;
	for (size_t k = 0; k < g->n_members; k++) {
		const struct snap_queue *q = &s->queues[g->members[k]];
		g->q.waiting += q->waiting;
		if (q->longest_wait_s > g->q.longest_wait_s)
			g->q.longest_wait_s = q->longest_wait_s;
	}
}

void groups_fill(struct snapshot *s, const struct model *m, const struct config *cfg,
                 const size_t *order)
{
	size_t nq = model_queue_count(m);
	struct groups_cache *c;
	struct agent_counts *ac;
	bool keep;

	s->n_groups = 0;
	if (!cfg || cfg->n_groups == 0)
		return;
	groups_reserve(s, cfg->n_groups);
	if (!s->groups_cache)
		s->groups_cache = xcalloc(1, sizeof *s->groups_cache);
	c = s->groups_cache;
	c->matches = 0;
	keep = cache_valid(c, s, cfg);
	for (size_t i = 0; i < cfg->n_groups; i++) {
		const struct group_conf *gc = &cfg->groups[i];
		struct snap_group *g = &s->groups[s->n_groups++];
		struct queue_conf qc = config_group(cfg, gc->conf.name);

		if (!keep)
			group_members(s, g, gc);
		snapshot_queue_room(s, &g->q, s->iv_slots + 1 + i);
		g->q.name = gc->conf.name;
		g->q.display = qc.display ? qc.display : gc->conf.name;
		g->q.sl_threshold_s = qc.sl_threshold_s;
		g->q.sl_target_pct = qc.sl_target_pct;
		g->q.sl_formula = qc.sl_formula;
		g->q.wrapup_s = qc.wrapup_s;
		g->q.n_callers = 0;
		g->q.callers = NULL;
		group_live(g, s);
		snapshot_aggregate(s, &g->q, g->members, g->n_members);
	}
	if (!keep)
		cache_note(c, s, cfg, order, nq);
	/* its agents, each once: one pass over the agents for every group */
	ac = xmalloc(cfg->n_groups * sizeof *ac);
	model_agent_counts_sets(m, c->q_off, c->q_sets, cfg->n_groups, ac);
	for (size_t i = 0; i < cfg->n_groups; i++)
		s->groups[i].q.agents = ac[i];
	free(ac);
}

const struct snap_group *groups_find(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->n_groups; i++)
		if (strcmp(s->groups[i].q.name, name) == 0)
			return &s->groups[i];
	return NULL;
}

/* An agent's figures (agent_stats.h), in place: the queues renumbered by
 * map and those gone left out. */
static void restrict_figs(struct agent_figs *f, const int *map)
{
	struct agent_queue_figs *q = (struct agent_queue_figs *)f->queues;   /* s's pool */
	int n = 0;
	for (int k = 0; k < f->n_queues; k++)
		if (map[q[k].queue] >= 0) {
			q[n] = q[k];
			q[n++].queue = map[q[k].queue];
		}
	f->n_queues = n;
	f->call_queue = f->call_queue >= 0 ? map[f->call_queue] : -1;
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
		if (s->agent_figs) {
			restrict_figs(snapshot_agent_figs(s, i), map);
			if (s->agent_slot)     /* the figures stay where they are */
				s->agent_slot[keep] = s->agent_slot[i];
			else
				s->agent_figs[keep] = s->agent_figs[i];
		}
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
