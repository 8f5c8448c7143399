/* alerts.c - alert rules ([alert.NAME]) and the state machine of each
 * (rule, queue) pair (SPEC 5). Pure: the time is an argument.
 *
 * States, per rule and queue: OK -> pending -> active (warning or critical).
 * - A level (warning, critical) fires once its condition has held for for_s,
 *   each level with its own pending timer: an alert raised at warning
 *   escalates to critical only after the critical condition held for_s too.
 *   A value that jumps straight past critical raises one critical alert.
 * - "above": the condition holds when value >= threshold (an upper limit is
 *   breached when reached); "below": when value < threshold (a target is met
 *   when reached).
 * - An active level is kept until the value is back past its threshold by the
 *   hysteresis (above: value < threshold - h; below: value >= threshold + h);
 *   then the alert eases to the lower level whose band it is still in, or
 *   clears. Easing and clearing take effect at once (no for_s).
 * - A null value (NAN), or a period with fewer than min_offered offered calls,
 *   holds no pending timer and clears an active alert (no evidence of breach).
 * - since = the moment the alert was raised; it survives escalation and
 *   easing. An escalation un-acknowledges the alert.
 */
#include "alerts.h"
#include "contacts_figures.h"
#include "figures.h"
#include "natsort.h"
#include "agent_stats.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini_value.h"
#include "util.h"

/* ---- metrics a rule can watch: the figures of the catalogue ---- */

/* A metric names a voice figure (f), a contact figure (cf), or both (abandoned,
 * abandon_rate_pct): which one a rule watches is decided with its other keys
 * (rule_is_ct). */
struct metric {
	const struct figure *f;
	const struct ct_figure *cf;
	bool forced;             /* spelt "contacts.NAME": the contact figure */
};

static bool is_no_agent(const struct metric *m)
{
	return m->f && !m->cf && strcmp(m->f->name, "no_agent_available") == 0;
}

/* ---- rules ---- */

enum { OP_UNSET = 0, OP_ABOVE = FIG_ABOVE, OP_BELOW = FIG_BELOW };

struct threshold {
	bool set;
	bool target;             /* v is an offset from the queue's sl_target_pct */
	double v;
};

struct rule {
	char name[64];
	bool enabled;
	bool has_metric;
	struct metric m;
	char *queue;             /* "*", "total" or a queue name */
	int op;
	struct threshold thr[3]; /* indexed by SEV_WARNING, SEV_CRITICAL */
	int64_t for_s;
	bool hyst_set;
	double hyst;
	bool minoff_set;
	int64_t min_offered;
	bool mincount_set;
	int64_t min_count;       /* contact figures: the denominator's count needed */
	char *channel;           /* contact figures: "*" or a channel; NULL: by queue */
	char *message;           /* template or NULL */
	char *reason;            /* pause_s: the pause reason watched, NULL any */
	int line;                /* config line of its first key (0: built in) */
	int gap_line;            /* ... of its latest warning, critical or hysteresis */
};

struct alert_rules {
	struct rule *v;
	size_t n;
};

/* ---- live state ---- */

/* What a message says of a value: its tenths as printed (alerts_format_number),
 * on which side of the threshold it is, and whether it is one (plurals). */
struct said_value {
	long long tenths;        /* LLONG_MIN: NAN */
	int cmp;
	bool one;
};

/* What each eval reads and writes of an entry comes first, the texts last:
 * a big centre's thousands of entries are walked several times a tick. */
struct entry {
	int level;               /* enum alert_severity */
	bool pend[3];
	bool ack;
	bool seen;
	bool fresh;              /* its rule changed on reload: start afresh */
	bool pub;                /* published: at out_ix of the order, placed by ... */
	int pub_sev;             /* ... this severity ... */
	int64_t pub_since;       /* ... and this since (the order's keys) */
	int64_t since;
	int64_t pending[3];
	size_t out_ix;
	size_t rank;             /* its place in a->e as last published (the ties) */
	struct entry **home;     /* its slot in its rule's binding, or NULL */
	/* what message says, to render it again only when that changes */
	bool said;               /* message is this entry's active message */
	int said_level, said_gap;
	struct said_value said_v;
	unsigned short said_vat;  /* where message says the value, and its length */
	unsigned short said_vlen; /* (0: nowhere alone: said again whole) */
	double said_t;
	char *said_label;
	const char *said_at;     /* where said_label was read: a queue's label, the
	                            same text while the binding holds; else NULL */
	char *queue;             /* qbuf when it holds the whole name, else a copy */
	char qbuf[32];
	char rule[sizeof ((struct snap_alert *)0)->rule];
	/* the alert as published, made when first active (most entries of a
	 * big centre only ever have a level pending: 200 bytes each, not 680):
	 * the snapshot points at it (no copy), its message rendered in place,
	 * its other fields set by each eval, its rule and queue set once */
	struct snap_alert *out;
};

/* A rule on queues bound to the snapshot's queues: the indexes of those it
 * watches, and the entry of each (NULL: none yet), so that an eval finds
 * them by index, not by name. Made again when the queues change. */
struct rule_bind {
	size_t *ix;
	struct entry **slot;
	size_t n;
	bool made;
};

struct alerts {
	struct alert_rules rules;
	struct entry **e;        /* sorted by (rule, queue) */
	size_t n, cap;
	/* the published alerts: out_n pointers to the entries' own (entry.out),
	 * so that an alert raised or gone moves pointers, not alerts */
	const struct snap_alert **outp;
	size_t out_n;
	struct entry **act;      /* the published entries in order (NULL: gone since) */
	struct entry **nxt;      /* the next order, being made */
	struct entry **ins;      /* the entries to place in it */
	size_t ord_cap;          /* room in each */
	bool holes;              /* act has entries gone */
	bool full;               /* the rules changed: every alert placed again */
	size_t hint;             /* where the next entry_get looks first: queues and
	                            agents come in name order, as entries are sorted */
	size_t rendered;         /* active messages rendered (alerts_messages_rendered) */
	unsigned char *mark;     /* per agent of the snapshot: an agent rule looks at it */
	size_t mark_cap;
	struct rule_bind *bind;  /* per rule of rules, for the queues of ... */
	const struct snapshot *bind_s;    /* ... this snapshot ... */
	uint64_t bind_gen;                /* ... in this order (its order_gen) ... */
	const char **bind_names;          /* ... with these names */
	size_t bind_nq, bind_names_cap;
};

static int fail(char **cause, const char *fmt, ...)
{
	va_list ap;
	if (cause) {
		va_start(ap, fmt);
		*cause = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* llround(fabs(v) * 10): v's tenths as said. Below 2^52 by hand, the
 * fraction taken off exactly (llround's call was a tenth of an alert's
 * cost); beyond, every double is whole and llround says it as before. */
static long long tenths_of(double v)
{
	double x = fabs(v) * 10.0;
	if (!(x < 0x1p52))
		return llround(x);
	long long t = (long long)x;
	return x - (double)t >= 0.5 ? t + 1 : t;
}

/* Writes v as alerts_format_number does into out (room for 32); returns
 * its length. By hand: a big centre's thousand waits re-say theirs each
 * second, and printf's machinery was most of an alert's cost. */
static size_t number_text(char out[32], double v)
{
	char d[24];
	size_t len = 0, k = 0;
	if (isnan(v)) {
		memcpy(out, "null", 5);
		return 4;
	}
	long long t = tenths_of(v);
	if (t < 0) {                         /* beyond long long: as printf says it */
		const char *sign = v < 0 ? "-" : "";
		return (size_t)(t % 10 ? snprintf(out, 32, "%s%lld.%lld", sign, t / 10, t % 10)
		                       : snprintf(out, 32, "%s%lld", sign, t / 10));
	}
	if (v < 0 && t != 0)
		out[len++] = '-';
	for (long long w = t / 10; k == 0 || w > 0; w /= 10)
		d[k++] = (char)('0' + w % 10);
	while (k > 0)
		out[len++] = d[--k];
	if (t % 10) {
		out[len++] = '.';
		out[len++] = (char)('0' + t % 10);
	}
	out[len] = '\0';
	return len;
}

void alerts_format_number(char *buf, size_t sz, double v)
{
	char text[32];
	size_t n = number_text(text, v);
	if (sz == 0)
		return;
	if (n >= sz)
		n = sz - 1;
	memcpy(buf, text, n);
	buf[n] = '\0';
}

/* ---- parsing rule values ---- */

static bool parse_metric(const char *s, struct metric *m)
{
	m->forced = strncmp(s, "contacts.", 9) == 0;
	m->f = m->forced ? NULL : figure_lookup_metric(s);
	m->cf = ct_figure_lookup_metric(s);
	return m->f != NULL || m->cf != NULL;
}

/* Whether rule x watches a contact figure: one spelt contacts.NAME, one
 * with a channel key, or one only the contacts have (oldest_unanswered_s). */
static bool rule_is_ct(const struct rule *x)
{
	return x->m.cf && (x->m.forced || x->channel || !x->m.f);
}

/* The metric's name as rules have always spelt it in messages: an agents
 * figure without its "agents." ("available"). */
static const char *metric_name(const struct rule *x)
{
	const char *key;
	if (rule_is_ct(x))
		return x->m.cf->name;
	return strcmp(figure_group(x->m.f, &key), "agents") == 0 ? key : x->m.f->name;
}

static enum fig_unit rule_unit(const struct rule *x)
{
	return rule_is_ct(x) ? x->m.cf->unit : x->m.f->unit;
}

static const char *rule_label(const struct rule *x)
{
	return rule_is_ct(x) ? x->m.cf->label : x->m.f->label;
}

static const char *rule_unit_suffix(const struct rule *x)
{
	enum fig_unit u = rule_unit(x);
	return u == FIG_UNIT_PCT ? "%" : u == FIG_UNIT_SECONDS ? " s" : "";
}

/* "70", "target", "target-10", "target + 5", "none" (unset). */
static bool parse_threshold(const char *s, struct threshold *t)
{
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0' || strcmp(s, "none") == 0) {
		*t = (struct threshold){ false, false, 0 };
		return true;
	}
	char why[128];
	if (strncmp(s, "target", 6) != 0) {
		double v;
		if (iv_double(s, -INFINITY, INFINITY, &v, why, sizeof why) < 0)
			return false;
		*t = (struct threshold){ true, false, v };
		return true;
	}
	s += 6;
	while (isspace((unsigned char)*s))
		s++;
	double off = 0;
	if (*s) {
		int sign = *s == '-' ? -1 : *s == '+' ? 1 : 0;
		if (!sign || iv_double(s + 1, 0, INFINITY, &off, why, sizeof why) < 0)
			return false;
		off *= sign;
	}
	*t = (struct threshold){ true, true, off };
	return true;
}

static const char *placeholders[] = { "rule", "queue", "label", "metric", "value", "threshold",
	"unit", "severity", "op", "for_s", NULL };

static int check_template(const char *t, char **cause)
{
	for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');
		if (!end)
			return fail(cause, "unclosed '{' in message template");
		size_t n = (size_t)(end - p - 1);
		int i;
		for (i = 0; placeholders[i]; i++)
			if (strlen(placeholders[i]) == n && strncmp(p + 1, placeholders[i], n) == 0)
				break;
		if (!placeholders[i])
			return fail(cause, "unknown placeholder '{%.*s}' in message (known: {rule} {queue} "
			            "{label} {metric} {value} {threshold} {unit} {severity} {op} {for_s})",
			            (int)n, p + 1);
	}
	return 0;
}

/* ---- rule sets ---- */

static void rule_free(struct rule *r)
{
	free(r->channel);
	free(r->queue);
	free(r->message);
	free(r->reason);
}

static void rule_copy(struct rule *dst, const struct rule *src)
{
	*dst = *src;
	dst->queue = src->queue ? xstrdup(src->queue) : NULL;
	dst->channel = src->channel ? xstrdup(src->channel) : NULL;
	dst->message = src->message ? xstrdup(src->message) : NULL;
	dst->reason = src->reason ? xstrdup(src->reason) : NULL;
}

static struct rule *rules_find(const struct alert_rules *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0)
			return &r->v[i];
	return NULL;
}

static struct rule *rules_add(struct alert_rules *r, const char *name)
{
	r->v = xrealloc(r->v, (r->n + 1) * sizeof *r->v);
	struct rule *x = &r->v[r->n++];
	memset(x, 0, sizeof *x);
	snprintf(x->name, sizeof x->name, "%s", name);
	x->enabled = true;
	x->queue = xstrdup("*");
	return x;
}

static void add_default(struct alert_rules *r, const struct fig_builtin *b)
{
	struct rule *x = rules_add(r, b->rule);
	x->m.f = figure_find(b->figure);
	if (!x->m.f)
		x->m.f = figure_lookup_metric(b->figure);   /* an agent's figure */
	x->has_metric = x->m.f != NULL;
	x->op = b->op;
	for (int lv = SEV_WARNING; lv <= SEV_CRITICAL; lv++)
		x->thr[lv] = (struct threshold){ b->level[lv].set, b->level[lv].target, b->level[lv].v };
	x->for_s = b->for_s;
}

static void add_ct_default(struct alert_rules *r, const struct ct_builtin *b)
{
	struct rule *x = rules_add(r, b->rule);
	x->m.cf = ct_figure_find(b->figure);
	x->m.forced = true;
	x->has_metric = x->m.cf != NULL;
	x->channel = xstrdup(b->channel);
	x->op = b->op;
	for (int lv = SEV_WARNING; lv <= SEV_CRITICAL; lv++)
		x->thr[lv] = (struct threshold){ b->level[lv].set, b->level[lv].target, b->level[lv].v };
	x->for_s = b->for_s;
	x->mincount_set = true;
	x->min_count = b->min_count;
}

/* The built-in rule on agents: a call longer than 30 minutes. */
static const struct fig_builtin long_call_builtin = {
	"long_call", "call_duration_s", FIG_ABOVE, { { false, false, 0 }, { true, false, 1800 },
	{ false, false, 0 } }, 0 };

/* Returns a rule set holding the built-in default rules (caller frees): one
 * per row of figure_builtins, the levels the figures are graded by, then one
 * per row of ct_builtins (the contact figures'), and long_call on agents. */
struct alert_rules *alert_rules_new(void)
{
	struct alert_rules *r = xmalloc(sizeof *r);
	*r = (struct alert_rules){ NULL, 0 };
	for (size_t i = 0; i < figure_builtins_count; i++)
		add_default(r, &figure_builtins[i]);
	for (size_t i = 0; i < ct_builtins_count; i++)
		add_ct_default(r, &ct_builtins[i]);
	add_default(r, &long_call_builtin);
	return r;
}

double alert_rules_agent_level(const struct alert_rules *r, const char *metric)
{
	for (size_t i = 0; r && i < r->n; i++) {
		const struct rule *x = &r->v[i];
		if (!x->has_metric || rule_is_ct(x) || strcmp(x->m.f->name, metric) != 0 ||
		    x->op == OP_BELOW)
			continue;
		for (int lv = SEV_WARNING; lv <= SEV_CRITICAL; lv++)
			if (x->thr[lv].set)
				return x->thr[lv].v;
	}
	return 0;
}

bool alert_rules_read_agent_counts(const struct alert_rules *r)
{
	for (size_t i = 0; r && i < r->n; i++) {
		const struct rule *x = &r->v[i];
		if (x->enabled && x->has_metric && !rule_is_ct(x) && (x->m.f->flags & FIG_AGENT) &&
		    !agent_figure_brief(x->m.f))
			return true;
	}
	return false;
}

/* Frees r and everything it holds. */
void alert_rules_free(struct alert_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		rule_free(&r->v[i]);
	free(r->v);
	free(r);
}

static bool valid_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= sizeof ((struct rule *)0)->name)
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-.", *p))
			return false;
	return true;
}

/* ---- the keys of [alert.NAME]: one row each ---- */

struct rule_key;
/* Sets a key of its own syntax from the text v; returns 0, or -1 with *cause. */
typedef int (*rule_set_fn)(struct rule *x, const struct rule_key *k, const char *v,
                           char **cause);

struct rule_key {
	const char *name;
	enum iv_type type;       /* a typed key: parsed by ini_value, stored by type */
	double min, max;         /* KT_INT, KT_DOUBLE */
	size_t offset;           /* its field in struct rule (KT_INT: int64_t) */
	size_t set_flag;         /* the bool telling it was set; 0: none */
	rule_set_fn set;         /* a key of its own syntax, given the text; NULL: typed */
	const char *want;        /* what a value must be, for messages and the reference */
	const char *def;         /* the default, as the reference says it */
	const char *help;
};

_Static_assert(offsetof(struct rule, name) == 0, "set_flag 0 means none");

/* Fails with "KEY must be WANT: 'v'". */
static int bad_value(const struct rule_key *k, const char *v, char **cause)
{
	return fail(cause, "%s must be %s: '%s'", k->name, k->want, v);
}

static int set_metric(struct rule *x, const struct rule_key *k, const char *v, char **cause)
{
	(void)k;
	if (!parse_metric(v, &x->m))
		return fail(cause, "unknown metric '%s' (e.g. window.service_level_pct, "
		            "today.abandon_rate_pct, waiting, longest_wait_s, agents.available, "
		            "no_agent_available, oldest_unanswered_s, today.csat_pct)", v);
	x->has_metric = true;
	return 0;
}

static int set_queue(struct rule *x, const struct rule_key *k, const char *v, char **cause)
{
	if (!*v || strlen(v) >= sizeof ((struct snap_alert *)0)->queue)
		return bad_value(k, v, cause);
	free(x->queue);
	x->queue = xstrdup(v);
	return 0;
}

static int set_channel(struct rule *x, const struct rule_key *k, const char *v, char **cause)
{
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 32;
	for (const char *p = v; *p && ok; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-';
	if (!ok && strcmp(v, "*") != 0)
		return bad_value(k, v, cause);
	free(x->channel);
	x->channel = strcmp(v, "none") == 0 ? NULL : xstrdup(v);   /* none: by queue */
	return 0;
}

static int set_op(struct rule *x, const struct rule_key *k, const char *v, char **cause)
{
	static const char *const words[] = { "above", ">", "below", "<", NULL };
	int i = iv_choice(v, words, false);
	if (i < 0)
		return bad_value(k, v, cause);
	x->op = i < 2 ? OP_ABOVE : OP_BELOW;
	return 0;
}

static int set_threshold(struct rule *x, const struct rule_key *k, const char *v,
                         char **cause)
{
	if (!parse_threshold(v, (struct threshold *)(void *)((char *)x + k->offset)))
		return bad_value(k, v, cause);
	return 0;
}

static int set_reason(struct rule *x, const struct rule_key *k, const char *v, char **cause)
{
	if (!*v || strlen(v) >= ASTAT_REASON_LEN)
		return bad_value(k, v, cause);
	free(x->reason);
	x->reason = xstrdup(v);
	return 0;
}

static int set_message(struct rule *x, const struct rule_key *k, const char *v, char **cause)
{
	(void)k;
	if (check_template(v, cause) < 0)
		return -1;
	free(x->message);
	x->message = xstrdup(v);
	return 0;
}

#define RK(f) offsetof(struct rule, f)
static const struct rule_key rule_keys[] = {
	{ "metric", KT_STRING, 0, 0, 0, 0, set_metric, "a figure's name", "none",
	  "what to watch: a live figure, or today.NAME / window.NAME" },
	{ "queue", KT_STRING, 0, 0, 0, 0, set_queue, "a queue name, '*', 'total', '@GROUP' or '@*'", "*",
	  "the queue watched: a name, * (each queue on its own), total, @GROUP (a [group.NAME]) or @* (each group)" },
	{ "channel", KT_STRING, 0, 0, 0, 0, set_channel,
	  "a channel name ([a-z0-9_-]), '*' or 'none'", "none",
	  "contact figures: the channel watched (* each on its own); none: by queue" },
	{ "op", KT_STRING, 0, 0, 0, 0, set_op, "above or below", "none",
	  "above (or >): fires at value >= threshold; below (or <): at value < threshold" },
	{ "warning", KT_STRING, 0, 0, RK(thr[SEV_WARNING]), 0, set_threshold,
	  "a number, 'target', 'target-N', 'target+N' or 'none'", "none",
	  "the warning threshold" },
	{ "critical", KT_STRING, 0, 0, RK(thr[SEV_CRITICAL]), 0, set_threshold,
	  "a number, 'target', 'target-N', 'target+N' or 'none'", "none",
	  "the critical threshold, beyond warning in the direction of op" },
	{ "for_s", KT_INT, 0, 604800, RK(for_s), 0, NULL, "whole seconds from 0 to 604800",
	  "0", "seconds a level's condition must hold before it fires" },
	{ "hysteresis", KT_DOUBLE, 0, INFINITY, RK(hyst), RK(hyst_set), NULL, "a number >= 0",
	  "2 for percentages, 5 for seconds, 0 for counts",
	  "how far back past a threshold the value must come to leave that level" },
	{ "min_offered", KT_INT, 0, 1000000000, RK(min_offered), RK(minoff_set), NULL,
	  "a whole number >= 0", "5 for rates, else 0",
	  "offered calls the period needs before the figure is judged" },
	{ "min_count", KT_INT, 0, 1000000000, RK(min_count), RK(mincount_set), NULL,
	  "a whole number >= 0", "5 for contact percentages, else 0",
	  "contact figures: answers (the figure's denominator) the period needs to be judged" },
	{ "enabled", KT_BOOL, 0, 0, RK(enabled), 0, NULL,
	  "yes or no (true/false, on/off, 1/0)", "yes", "no switches the rule off" },
	{ "message", KT_STRING, 0, 0, 0, 0, set_message, "a template", "built in",
	  "text shown instead of the built-in one, with {placeholders}" },
	{ "reason", KT_STRING, 0, 0, 0, 0, set_reason, "a pause reason of 1-31 bytes", "any",
	  "metric = pause_s only: the pause reason watched (any case), e.g. lunch" },
};
#undef RK
#define N_RULE_KEYS (sizeof rule_keys / sizeof rule_keys[0])

static const struct rule_key *rule_key_find(const char *name)
{
	for (size_t i = 0; i < N_RULE_KEYS; i++)
		if (strcmp(rule_keys[i].name, name) == 0)
			return &rule_keys[i];
	return NULL;
}

/* Parses v by the type of k and stores it in its field. */
static int set_typed(struct rule *x, const struct rule_key *k, const char *v, char **cause)
{
	const struct iv_spec spec = { k->type, k->min, k->max, NULL };
	union iv_value val;
	char why[256];
	char *field = (char *)x + k->offset;
	if (iv_parse(&spec, v, NULL, &val, why, sizeof why) < 0)
		return bad_value(k, v, cause);
	switch (k->type) {
	case KT_INT:
		*(int64_t *)(void *)field = val.i;
		break;
	case KT_DOUBLE:
		*(double *)(void *)field = val.d;
		break;
	case KT_BOOL:
		*(bool *)(void *)field = val.b;
		break;
	default:
		return fail(cause, "%s: no field of type %d", k->name, (int)k->type);
	}
	if (k->set_flag)
		*(bool *)(void *)((char *)x + k->set_flag) = true;
	return 0;
}

static int unknown_key(const char *key, char **cause)
{
	char known[256];
	size_t n = 0;
	known[0] = '\0';
	for (size_t i = 0; i < N_RULE_KEYS && n < sizeof known; i++)
		n += (size_t)snprintf(known + n, sizeof known - n, "%s%s", i ? ", " : "",
		                      rule_keys[i].name);
	return fail(cause, "unknown key '%s' (known: %s)", key, known);
}

static int set_key(struct rule *x, const char *key, const char *value, char **cause)
{
	const struct rule_key *k = rule_key_find(key);
	if (!k)
		return unknown_key(key, cause);
	return k->set ? k->set(x, k, value, cause) : set_typed(x, k, value, cause);
}

void alert_rules_write_keys(FILE *out)
{
	for (size_t i = 0; i < N_RULE_KEYS; i++) {
		const struct rule_key *k = &rule_keys[i];
		const struct iv_spec spec = { k->type, k->min, k->max, NULL };
		fprintf(out, "[alert.NAME] %s: ", k->name);
		if (k->set)
			fputs(k->want, out);
		else
			iv_write_spec(out, &spec);
		fprintf(out, ", default %s\n\t%s\n", k->def, k->help);
	}
}

/* Sets key = value of rule name, creating the rule on first use. Returns 0, or
 * -1 with *cause (malloc'ed, caller frees); on error the rule is unchanged. */
int alert_rules_set(struct alert_rules *r, const char *name, const char *key,
                    const char *value, char **cause)
{
	if (!valid_name(name))
		return fail(cause, "alert name must be 1-63 letters, digits, '_', '-' or '.': '%s'",
		            name);
	struct rule *x = rules_find(r, name);
	struct rule tmp;
	if (x)
		rule_copy(&tmp, x);
	else {
		memset(&tmp, 0, sizeof tmp);
		snprintf(tmp.name, sizeof tmp.name, "%s", name);
		tmp.enabled = true;
		tmp.queue = xstrdup("*");
	}
	if (set_key(&tmp, key, value, cause) < 0) {
		rule_free(&tmp);
		return -1;
	}
	if (!x)
		x = rules_add(r, name);
	rule_free(x);
	*x = tmp;
	return 0;
}

static const char *op_name(int op)
{
	return op == OP_BELOW ? "below" : "above";
}

static double rule_hysteresis(const struct rule *x);

/* A hysteresis wider than the gap between warning and critical would keep a
 * critical alert critical below the warning level. Returns 0, or -1 with
 * *cause. Both thresholds must be set. */
static int check_gap(const struct rule *x, char **cause)
{
	const struct threshold *w = &x->thr[SEV_WARNING], *c = &x->thr[SEV_CRITICAL];
	double h = rule_hysteresis(x), gap = fabs(c->v - w->v);
	if (h <= gap)
		return 0;
	char hs[32], gs[32];
	alerts_format_number(hs, sizeof hs, h);
	alerts_format_number(gs, sizeof gs, gap);
	return fail(cause, "[alert.%s] hysteresis %s%s is wider than the gap of %s between "
	            "warning and critical: a critical alert would stay critical below the "
	            "warning level", x->name, hs, x->hyst_set ? "" : " (the default)", gs);
}

/* The keys that say which figure and where: channel and min_count are the
 * contact figures', min_offered the calls'. */
static int validate_scope(const struct rule *x, char **cause)
{
	if (x->channel && !x->m.cf)
		return fail(cause, "[alert.%s] channel is for contact figures; '%s' is not one",
		            x->name, x->m.f->name);
	if (!rule_is_ct(x)) {
		if (x->mincount_set)
			return fail(cause, "[alert.%s] min_count is for contact figures (calls take "
			            "min_offered)", x->name);
		return 0;
	}
	if (x->channel && strcmp(x->queue, "*") != 0)
		return fail(cause, "[alert.%s] channel and queue: a rule watches one or the other",
		            x->name);
	if (x->minoff_set)
		return fail(cause, "[alert.%s] min_offered counts calls; contact figures take "
		            "min_count", x->name);
	return 0;
}

static int validate_rule(const struct rule *x, char **cause)
{
	const struct threshold *w = &x->thr[SEV_WARNING], *c = &x->thr[SEV_CRITICAL];
	if (!x->has_metric)
		return fail(cause, "[alert.%s] no metric set", x->name);
	int op = x->op;
	if (is_no_agent(&x->m) && op == OP_UNSET)
		op = OP_ABOVE;
	if (op == OP_UNSET)
		return fail(cause, "[alert.%s] no op set (above or below)", x->name);
	if (is_no_agent(&x->m) && op != OP_ABOVE)
		return fail(cause, "[alert.%s] no_agent_available takes op = above", x->name);
	if (!w->set && !c->set)
		return fail(cause, "[alert.%s] needs a warning or a critical threshold", x->name);
	bool target = (w->set && w->target) || (c->set && c->target);
	if (validate_scope(x, cause) < 0)
		return -1;
	if (target && rule_is_ct(x) && !(x->m.cf->flags & CTF_TARGET))
		return fail(cause, "[alert.%s] 'target' thresholds of contact figures apply only to "
		            "oldest_unanswered_s, oldest_open_s and frt_avg_s (the first-response "
		            "target)", x->name);
	if (target && !rule_is_ct(x) && !(strcmp(x->m.f->name, "today.service_level_pct") == 0 ||
	                strcmp(x->m.f->name, "window.service_level_pct") == 0 ||
	                strcmp(x->m.f->name, "sl_predicted_pct") == 0))
		return fail(cause, "[alert.%s] 'target' thresholds apply only to service_level_pct "
		            "and sl_predicted_pct", x->name);
	if (!w->set || !c->set)
		return 0;
	if (w->target != c->target)
		return fail(cause, "[alert.%s] warning and critical must both be numbers or both "
		            "relative to target", x->name);
	bool ok = op == OP_ABOVE ? c->v > w->v : c->v < w->v;
	if (!ok)
		return fail(cause, "[alert.%s] critical must be %s warning (op = %s)", x->name,
		            op == OP_ABOVE ? "above" : "below", op_name(op));
	return check_gap(x, cause);
}

/* Checks each enabled rule is complete and consistent. Returns 0, or -1 with
 * *cause (malloc'ed) naming the first bad rule and *line (if not NULL) its
 * config line, 0 when unknown. */
int alert_rules_check(const struct alert_rules *r, char **cause, int *line)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct rule *x = &r->v[i];
		if (!x->enabled || validate_rule(x, cause) == 0)
			continue;
		if (line) {
			bool gap = x->thr[SEV_WARNING].set && x->thr[SEV_CRITICAL].set &&
			           check_gap(x, NULL) < 0;
			*line = gap && x->gap_line ? x->gap_line : x->line;
		}
		return -1;
	}
	return 0;
}

/* Checks each enabled rule is complete and consistent. Returns 0, or -1 with
 * *cause (malloc'ed) naming the first bad rule. */
int alert_rules_validate(const struct alert_rules *r, char **cause)
{
	return alert_rules_check(r, cause, NULL);
}

/* Notes that key of rule name was set at config line line (for messages). */
void alert_rules_note_line(struct alert_rules *r, const char *name, const char *key, int line)
{
	struct rule *x = rules_find(r, name);
	if (!x)
		return;
	if (!x->line)
		x->line = line;
	if (strcmp(key, "warning") == 0 || strcmp(key, "critical") == 0 ||
	    strcmp(key, "hysteresis") == 0)
		x->gap_line = line;
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_threshold(const struct threshold *a, const struct threshold *b)
{
	return a->set == b->set && (!a->set || (a->target == b->target && a->v == b->v));
}

/* Whether two rules judge alike (their config lines aside). */
static bool rule_same(const struct rule *a, const struct rule *b)
{
	return a->enabled == b->enabled && a->has_metric == b->has_metric &&
	       (!a->has_metric || a->m.f == b->m.f) &&
	       same_text(a->queue, b->queue) && same_text(a->reason, b->reason) && a->op == b->op &&
	       same_threshold(&a->thr[SEV_WARNING], &b->thr[SEV_WARNING]) &&
	       same_threshold(&a->thr[SEV_CRITICAL], &b->thr[SEV_CRITICAL]) &&
	       a->for_s == b->for_s && a->hyst_set == b->hyst_set &&
	       (!a->hyst_set || a->hyst == b->hyst) && a->minoff_set == b->minoff_set &&
	       (!a->minoff_set || a->min_offered == b->min_offered) &&
	       a->m.cf == b->m.cf && a->m.forced == b->m.forced &&
	       same_text(a->channel, b->channel) && a->mincount_set == b->mincount_set &&
	       (!a->mincount_set || a->min_count == b->min_count) &&
	       same_text(a->message, b->message);
}

static void rules_copy_into(struct alert_rules *dst, const struct alert_rules *src)
{
	dst->n = src ? src->n : 0;
	dst->v = xmalloc(dst->n * sizeof *dst->v);
	for (size_t i = 0; i < dst->n; i++)
		rule_copy(&dst->v[i], &src->v[i]);
}

static void rules_clear(struct alert_rules *r)
{
	for (size_t i = 0; i < r->n; i++)
		rule_free(&r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static int rule_op(const struct rule *x);
static int64_t rule_min_offered(const struct rule *x);

/* The grading of each built-in rule still in r, with r's levels (even when
 * the alert is disabled: enabled silences the alert, not the colour). */
size_t alert_rules_gradings(const struct alert_rules *r, struct fig_grading *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < figure_builtins_count && n < max; i++) {
		const struct rule *x = rules_find(r, figure_builtins[i].rule);
		if (!x || !x->has_metric || rule_is_ct(x) || (x->m.f->flags & FIG_AGENT))
			continue;
		struct fig_grading *g = &out[n++];
		*g = (struct fig_grading){ .f = x->m.f, .op = rule_op(x),
		                           .min_offered = rule_min_offered(x) };
		for (int lv = SEV_WARNING; lv <= SEV_CRITICAL; lv++)
			g->level[lv] = (struct fig_level){ x->thr[lv].set, x->thr[lv].target, x->thr[lv].v };
	}
	return n;
}

static int64_t rule_min_count(const struct rule *x);

size_t alert_rules_ct_gradings(const struct alert_rules *r, struct ct_grading *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < ct_builtins_count && n < max; i++) {
		const struct rule *x = rules_find(r, ct_builtins[i].rule);
		if (!x || !x->has_metric || !rule_is_ct(x))
			continue;
		struct ct_grading *g = &out[n++];
		*g = (struct ct_grading){ .f = x->m.cf, .channel = x->channel, .op = rule_op(x),
		                          .min_count = rule_min_count(x) };
		for (int lv = SEV_WARNING; lv <= SEV_CRITICAL; lv++)
			g->level[lv] = (struct fig_level){ x->thr[lv].set, x->thr[lv].target, x->thr[lv].v };
	}
	return n;
}

/* ---- evaluating one rule on one queue ---- */

static int rule_op(const struct rule *x)
{
	return x->op == OP_UNSET ? OP_ABOVE : x->op;
}

static double rule_hysteresis(const struct rule *x)
{
	if (x->hyst_set)
		return x->hyst;
	switch (rule_unit(x)) {
	case FIG_UNIT_PCT: return 2;
	case FIG_UNIT_SECONDS: return 5;
	default: return 0;
	}
}

static int64_t rule_min_offered(const struct rule *x)
{
	if (x->minoff_set)
		return x->min_offered;
	return x->m.f->flags & FIG_RATE ? 5 : 0;
}

/* Whether the rule has data to judge on q: a number, and enough offered calls
 * (as a figure's grade asks: figure_grade). */
static bool have_data(const struct rule *x, const struct snap_queue *q, double v)
{
	return !isnan(v) && figure_judged_offered(x->m.f, q) >= rule_min_offered(x);
}

static double threshold_value(const struct threshold *t, const struct snap_queue *q)
{
	if (!t->target)
		return t->v;                /* figure_level_value's, without a call */
	const struct fig_level l = { t->set, t->target, t->v };
	return figure_level_value(&l, q);
}

/* Whether v is at or beyond threshold t in the direction of op. */
static bool beyond(int op, double v, double t)
{
	return op == OP_ABOVE ? v >= t : v < t;
}

/* Whether v is still inside the band of an active level at threshold t. */
static bool in_band(int op, double v, double t, double h)
{
	return op == OP_ABOVE ? v >= t - h : v < t + h;
}

/* A queue's name in messages: never NULL (a snapshot made by hand may leave
 * the total's name unset: its key names it then, judge_queue). */
static const char *queue_label(const struct snap_queue *q)
{
	return q->display && *q->display ? q->display : q->name ? q->name : "";
}

struct msg_ctx {
	const struct rule *x;
	const struct snap_queue *q;
	const char *qname;       /* never NULL (judged_label) */
	const char *at;          /* where qname was read when it stays the same text
	                            there (entry.said_at), else NULL */
	double v, t;
	int level;
};

static void append(char *buf, size_t sz, size_t *len, const char *s)
{
	size_t n = strlen(s);
	if (*len + n >= sz)
		n = sz - 1 - *len;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

static void placeholder(const struct msg_ctx *mc, const char *name, size_t n, char *out,
                        size_t sz)
{
	const struct rule *x = mc->x;
#define IS(s) (strlen(s) == n && strncmp(name, s, n) == 0)
	if (IS("rule"))
		snprintf(out, sz, "%s", x->name);
	else if (IS("queue"))
		snprintf(out, sz, "%s", mc->qname);
	else if (IS("label"))
		snprintf(out, sz, "%s", rule_label(x));
	else if (IS("metric"))
		snprintf(out, sz, "%s", metric_name(x));
	else if (IS("value"))
		alerts_format_number(out, sz, mc->v);
	else if (IS("threshold"))
		alerts_format_number(out, sz, mc->t);
	else if (IS("unit"))
		snprintf(out, sz, "%s", rule_unit_suffix(x));
	else if (IS("severity"))
		snprintf(out, sz, "%s", mc->level == SEV_CRITICAL ? "critical" :
		         mc->level == SEV_WARNING ? "warning" : "ok");
	else if (IS("op"))
		snprintf(out, sz, "%s", op_name(rule_op(x)));
	else if (IS("for_s"))
		snprintf(out, sz, "%lld", (long long)x->for_s);
	else
		snprintf(out, sz, "{%.*s}", (int)n, name);
#undef IS
}

static void render_template(const struct msg_ctx *mc, char *buf, size_t sz)
{
	size_t len = 0;
	buf[0] = '\0';
	for (const char *p = mc->x->message; *p;) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		char piece[160];
		if (end) {
			placeholder(mc, p + 1, (size_t)(end - p - 1), piece, sizeof piece);
			p = end + 1;
		} else {
			piece[0] = *p++;
			piece[1] = '\0';
		}
		append(buf, sz, &len, piece);
	}
}

/* On the predicted service level, how many more agents the next interval
 * needs (staffing.h): "; need 3 more agents" appended to buf. */
static int need_gap(const struct msg_ctx *mc)
{
	static const struct figure *pred;      /* the figures are a static table */
	const struct staff_interval *iv;
	if (!pred)
		pred = figure_find("sl_predicted_pct");
	if (!mc->q || rule_is_ct(mc->x) || mc->x->m.f != pred || mc->q->staffing.n < 2)
		return 0;
	iv = &mc->q->staffing.iv[1];
	return iv->required_agents < 0 || iv->gap <= 0 ? 0 : iv->gap;
}

static void append_need(const struct msg_ctx *mc, char *buf, size_t sz)
{
	size_t len = strlen(buf);
	int gap = need_gap(mc);
	if (gap <= 0 || len >= sz)
		return;
	snprintf(buf + len, sz - len, "; need %d more agent%s", gap, gap == 1 ? "" : "s");
}

/* Writes the n texts of parts one after another into buf, cut at sz as
 * snprintf cuts: a message put together by hand (printf's machinery was
 * most of an alert's cost, a thousand messages said again a tick). */
static void join(char *buf, size_t sz, const char *const *parts, size_t n, const char *mark,
                 size_t *at)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (parts[i] == mark)
			*at = len;
		append(buf, sz, &len, parts[i]);
	}
}

/* join of the parts given, noting where the part v goes in *at. */
#define JOIN(buf, sz, v, at, ...) do { \
	const char *const parts_[] = { __VA_ARGS__ }; \
	join(buf, sz, parts_, sizeof parts_ / sizeof parts_[0], v, at); \
} while (0)

/* The text of an active alert, e.g. "sales: service level 71.4% below 80% for 30 s".
 * Returns the length of the value's text, and sets *at to where it is in
 * buf; 0 when the value is not said once as a number (a template). */
static size_t active_message(const struct msg_ctx *mc, char *buf, size_t sz, size_t *at)
{
	const struct rule *x = mc->x;
	if (x->message) {
		render_template(mc, buf, sz);
		return 0;
	}
	char v[32], t[32], for_s[32], c[32];
	size_t vlen = number_text(v, mc->v);
	number_text(t, mc->t);
	number_text(for_s, (double)x->for_s);      /* whole seconds: as %lld says them */
	const char *u = rule_unit_suffix(x), *for_on = x->for_s > 0 ? " for " : "";
	const char *for_n = x->for_s > 0 ? for_s : "", *for_u = x->for_s > 0 ? " s" : "";
	int op = rule_op(x);
	if (is_no_agent(&x->m)) {
		JOIN(buf, sz, v, at, mc->qname, ": ", v, " caller", mc->v == 1 ? "" : "s",
		     " waiting, no agent available", for_on, for_n, for_u);
	} else if (beyond(op, mc->v, mc->t)) {
		const char *verb = op == OP_BELOW ? "below" : mc->v > mc->t ? "above" : "at";
		JOIN(buf, sz, v, at, mc->qname, ": ", rule_label(x), " ", v, u, " ", verb, " ", t, u,
		     for_on, for_n, for_u);
		append_need(mc, buf, sz);
	} else {
		double h = rule_hysteresis(x);
		number_text(c, op == OP_ABOVE ? mc->t - h : mc->t + h);
		JOIN(buf, sz, v, at, mc->qname, ": ", rule_label(x), " ", v, u, ", back ",
		     op == OP_ABOVE ? "under" : "at", " ", t, u, " (clears ",
		     op == OP_ABOVE ? "below" : "at", " ", c, u, ")");
	}
	return vlen;
}

static void cleared_message(const struct msg_ctx *mc, const char *why, char *buf, size_t sz)
{
	const struct rule *x = mc->x;
	if (why) {
		snprintf(buf, sz, "%s: %s alert cleared (%s)", mc->qname, rule_label(x), why);
		return;
	}
	char v[32], t[32];
	alerts_format_number(v, sizeof v, mc->v);
	alerts_format_number(t, sizeof t, mc->t);
	const char *u = rule_unit_suffix(x);
	if (is_no_agent(&x->m))
		snprintf(buf, sz, "%s: callers waiting with no agent: cleared", mc->qname);
	else
		snprintf(buf, sz, "%s: %s %s%s, back %s %s%s: cleared", mc->qname, rule_label(x), v,
		         u, rule_op(x) == OP_ABOVE ? "under" : "over", t, u);
}

/* ---- the entry table ---- */

/* Entries go by rule, then by queue (or agent) in natural order: the order
 * the snapshot lists them in, so each lookup of an eval finds its entry
 * next to the last one's (entry_get's hint), not by bisection. */
static int entry_cmp(const char *rule, const char *queue, const struct entry *e)
{
	int c = strcmp(rule, e->rule);
	return c ? c : natsort_cmp(queue, e->queue);
}

/* Returns the index of (rule, queue), or where it would go with *found false. */
static size_t entry_search(const struct alerts *a, const char *rule, const char *queue,
                           bool *found)
{
	size_t lo = 0, hi = a->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = entry_cmp(rule, queue, a->e[mid]);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = false;
	return lo;
}

/* The entry of (rule, queue), or NULL: found at the hint, or known absent
 * from the hint's neighbours (lookups come in the entries' order), else by
 * bisection. The hint moves on as entry_get's does. */
static struct entry *entry_lookup(struct alerts *a, const char *rule, const char *queue)
{
	size_t h = a->hint < a->n ? a->hint : a->n;
	bool found;
	if (h < a->n && strcmp(a->e[h]->queue, queue) == 0 && strcmp(a->e[h]->rule, rule) == 0) {
		a->hint = h + 1;
		return a->e[h];
	}
	if ((h >= a->n || entry_cmp(rule, queue, a->e[h]) < 0) &&
	    (h == 0 || entry_cmp(rule, queue, a->e[h - 1]) > 0))
		return NULL;                       /* between them: none */
	h = entry_search(a, rule, queue, &found);
	a->hint = found ? h + 1 : h;
	return found ? a->e[h] : NULL;
}

static struct entry *entry_get(struct alerts *a, const char *rule, const char *queue)
{
	bool found;
	size_t i;
	if (a->hint < a->n && strcmp(a->e[a->hint]->queue, queue) == 0 &&
	    strcmp(a->e[a->hint]->rule, rule) == 0)
		return a->e[a->hint++];            /* the next one: 2 compares, not 24 */
	i = entry_search(a, rule, queue, &found);
	a->hint = i + 1;
	if (found)
		return a->e[i];
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->e = xrealloc(a->e, a->cap * sizeof *a->e);
	}
	memmove(&a->e[i + 1], &a->e[i], (a->n - i) * sizeof *a->e);
	struct entry *e = xmalloc(sizeof *e);
	memset(e, 0, sizeof *e);
	snprintf(e->rule, sizeof e->rule, "%s", rule);
	e->queue = strlen(queue) < sizeof e->qbuf ? strcpy(e->qbuf, queue) : xstrdup(queue);
	a->e[i] = e;
	a->n++;
	return e;
}

static void entry_free(struct entry *e)
{
	free(e->said_label);
	if (e->queue != e->qbuf)
		free(e->queue);
	free(e->out);
	free(e);
}

/* Takes e out of the published order: its slot is free. */
static void unpublish(struct alerts *a, struct entry *e)
{
	if (!e->pub)
		return;
	a->act[e->out_ix] = NULL;
	e->pub = false;
	a->holes = true;
}

/* Forgets e: out of the published order and of its rule's binding. */
static void entry_drop(struct alerts *a, struct entry *e)
{
	unpublish(a, e);
	if (e->home)
		*e->home = NULL;
	entry_free(e);
}

/* ---- transitions ---- */

static void emit(enum alert_change ch, const struct entry *e, int level, double v,
                 const char *msg, alert_event_fn fn, void *ctx)
{
	if (!fn)
		return;
	struct alert_event ev = { .change = ch };
	snprintf(ev.alert.rule, sizeof ev.alert.rule, "%s", e->rule);
	snprintf(ev.alert.queue, sizeof ev.alert.queue, "%s", e->queue);
	ev.alert.severity = (enum alert_severity)level;
	ev.alert.since = e->since;
	ev.alert.value = v;
	snprintf(ev.alert.message, sizeof ev.alert.message, "%s", msg);
	ev.alert.acknowledged = e->ack;
	fn(ctx, &ev);
}

static void entry_clear(struct entry *e, double v, const char *msg, alert_event_fn fn, void *ctx)
{
	if (e->level > SEV_OK)
		emit(ALERT_CLEARED, e, SEV_OK, v, msg, fn, ctx);
	e->level = SEV_OK;
	e->ack = false;
	e->said = false;
}

static bool same_number(double x, double y)
{
	return x == y || (isnan(x) && isnan(y));
}

static struct said_value said_value(double v, double t)
{
	struct said_value r = { LLONG_MIN, (v > t) - (v < t), v == 1 };
	if (!isnan(v)) {
		r.tenths = tenths_of(v);
		r.tenths = v < 0 ? -r.tenths : r.tenths;
	}
	return r;
}

/* Whether e's message says what mc would have it say, its value aside:
 * the level, the staffing gap, the side of the threshold and the plural
 * its value is on (sv), the threshold and the name. */
static bool said_but_value(const struct entry *e, const struct msg_ctx *mc, int gap,
                           const struct said_value *sv, const char *label)
{
	return e->said && e->said_level == mc->level && e->said_gap == gap &&
	       e->said_v.cmp == sv->cmp && e->said_v.one == sv->one &&
	       same_number(e->said_t, mc->t) &&
	       (label == e->said_label || strcmp(e->said_label, label) == 0);
}

/* Writes v in place of the value e's message says, the rest of it said
 * as it is. Returns false when it cannot (no value said alone, or the
 * message would be cut): e's message is then rendered whole. */
static bool say_value(struct entry *e, double v)
{
	char *msg = e->out->message, text[32];
	size_t at = e->said_vat, n, rest;
	if (!e->said_vlen)
		return false;
	n = number_text(text, v);
	rest = strlen(msg + at + e->said_vlen);
	if (at + n + rest >= sizeof e->out->message)
		return false;
	memmove(msg + at + n, msg + at + e->said_vlen, rest + 1);
	memcpy(msg + at, text, n);
	e->said_vlen = (unsigned short)n;
	return true;
}

/* Renders e's active message into out.message when what it says changed
 * since it was last rendered: the value as printed (to a tenth), the
 * threshold, the level, the name, the staffing gap. Most active alerts of a
 * big centre say the same from one tick to the next: no rendering for them;
 * most others only a value moved: that alone is written again. */
static void entry_say(struct alerts *a, struct entry *e, const struct msg_ctx *mc)
{
	int gap = need_gap(mc);
	const char *label = mc->qname;
	struct said_value sv = said_value(mc->v, mc->t);
	size_t at = 0, vlen;
	e->said_at = mc->at;
	if (said_but_value(e, mc, gap, &sv, label)) {
		if (e->said_v.tenths == sv.tenths)
			return;
		if (say_value(e, mc->v)) {
			a->rendered++;
			e->said_v = sv;
			return;
		}
	}
	if (!e->out) {
		e->out = xcalloc(1, sizeof *e->out);
		snprintf(e->out->rule, sizeof e->out->rule, "%s", e->rule);
		snprintf(e->out->queue, sizeof e->out->queue, "%s", e->queue);
	}
	vlen = active_message(mc, e->out->message, sizeof e->out->message, &at);
	if (strlen(e->out->message) + 1 >= sizeof e->out->message)
		vlen = 0;                        /* perhaps cut: no value said alone */
	a->rendered++;
	e->said = true;
	e->said_level = mc->level;
	e->said_gap = gap;
	e->said_v = sv;
	e->said_vat = (unsigned short)at;
	e->said_vlen = (unsigned short)vlen;
	e->said_t = mc->t;
	if (!e->said_label || strcmp(e->said_label, label) != 0) {
		free(e->said_label);
		e->said_label = xstrdup(label);
	}
}

/* A rule changed by a reload starts afresh: its alert clears (to be raised
 * again under the new terms) and its pending timers restart. */
static void entry_restart(struct entry *e, alert_event_fn fn, void *ctx)
{
	char msg[256];
	snprintf(msg, sizeof msg, "%s: %s alert cleared (rule changed)", e->queue, e->rule);
	entry_clear(e, NAN, msg, fn, ctx);
	e->pend[SEV_WARNING] = e->pend[SEV_CRITICAL] = false;
	e->fresh = false;
}

/* The level the rule reaches on v now, from the pending timers and the bands. */
static int next_level(const struct rule *x, struct entry *e, const double t[3], double v,
                      int64_t now)
{
	int op = rule_op(x), level = SEV_OK;
	double h = rule_hysteresis(x);
	for (int lv = SEV_WARNING; lv <= SEV_CRITICAL; lv++) {
		if (!x->thr[lv].set || !beyond(op, v, t[lv])) {
			e->pend[lv] = false;
			continue;
		}
		if (!e->pend[lv]) {
			e->pend[lv] = true;
			e->pending[lv] = now;
		}
		if (now - e->pending[lv] >= x->for_s)
			level = lv;
	}
	for (int lv = e->level; lv > level; lv--)
		if (x->thr[lv].set && in_band(op, v, t[lv], h))
			return lv;
	return level;
}

/* The lowest level the rule has a threshold for. */
static int lowest_level(const struct rule *x)
{
	return x->thr[SEV_WARNING].set ? SEV_WARNING : SEV_CRITICAL;
}

/* The host clock stepped back (NTP): a moment later than now restarts at now,
 * so a pending level is not held back by the step and no alert is raised in
 * the future. */
static void entry_follow_clock(struct entry *e, int64_t now)
{
	for (int lv = SEV_WARNING; lv <= SEV_CRITICAL; lv++)
		if (e->pend[lv] && e->pending[lv] > now)
			e->pending[lv] = now;
	if (e->level > SEV_OK && e->since > now)
		e->since = now;
}

/* What a rule sees on one queue or channel: the value, the thresholds, and
 * whether there is enough to judge (why not, when there is not). */
struct judged {
	double v;
	double t[3];
	const char *why_not;     /* NULL: judged */
	const char *label;       /* the queue's or channel's name in messages; NULL:
	                            q's label (judged_label) */
	const struct snap_queue *q;   /* the queue judged; NULL for contacts and agents */
	bool kept;               /* q's display text stays as it is while its pointer
	                            does (a bound queue of a built snapshot) */
};

/* The name of what j judged in e's messages. A bound queue's is e's copy of
 * it while its display is where e read it: a big centre's thousands of
 * labels not read again each tick. */
static const char *judged_label(const struct judged *j, const struct entry *e)
{
	if (j->label)
		return j->label;
	if (j->kept && e->said_at && e->said_at == j->q->display && e->said_label)
		return e->said_label;
	return queue_label(j->q);
}

/* Whether what rule x (its direction op) sees leaves an entry as a new one
 * is: no level, none pending (nothing judged, or no threshold reached). */
static bool quiet_at(const struct rule *x, int op, const struct judged *j)
{
	if (j->why_not)
		return true;
	for (int lv = SEV_WARNING; lv <= SEV_CRITICAL; lv++)
		if (x->thr[lv].set && beyond(op, j->v, j->t[lv]))
			return false;
	return true;
}

static bool judged_quiet(const struct rule *x, const struct judged *j)
{
	return quiet_at(x, rule_op(x), j);
}

/* Whether e holds nothing a new entry does not: no level, none pending. */
static bool entry_idle(const struct entry *e)
{
	return e->level == SEV_OK && !e->pend[SEV_WARNING] && !e->pend[SEV_CRITICAL];
}

/* Moves entry e of rule x along what it sees. */
static void entry_judge(struct alerts *a, const struct rule *x, struct entry *e,
                        const struct judged *j, int64_t now, alert_event_fn fn, void *ctx)
{
	e->seen = true;
	entry_follow_clock(e, now);
	if (e->fresh)
		entry_restart(e, fn, ctx);
	double v = j->v;
	struct msg_ctx mc = { x, j->q, judged_label(j, e), j->kept ? j->q->display : NULL, v,
	                      j->t[lowest_level(x)], e->level };
	char msg[256];
	if (j->why_not) {
		if (e->level > SEV_OK)
			cleared_message(&mc, j->why_not, msg, sizeof msg);
		entry_clear(e, v, msg, fn, ctx);
		e->pend[SEV_WARNING] = e->pend[SEV_CRITICAL] = false;
		return;
	}
	int lv = next_level(x, e, j->t, v, now);
	if (lv == SEV_OK) {
		if (e->level > SEV_OK)
			cleared_message(&mc, NULL, msg, sizeof msg);
		entry_clear(e, v, msg, fn, ctx);
		return;
	}
	mc.t = j->t[lv];
	mc.level = lv;
	entry_say(a, e, &mc);
	int old = e->level;
	if (old == SEV_OK) {
		e->since = now;
		e->ack = false;
	} else if (lv > old) {
		e->ack = false;
	}
	e->level = lv;
	if (lv != old)
		emit(old == SEV_OK ? ALERT_RAISED : lv > old ? ALERT_ESCALATED : ALERT_EASED, e, lv, v,
		     e->out->message, fn, ctx);
	e->out->severity = (enum alert_severity)lv;
	e->out->since = e->since;
	e->out->value = v;
	e->out->acknowledged = e->ack;
}

/* Moves the entry of rule x for key along what it sees. A key with no entry
 * that sees nothing beyond the rule's levels gets none (a big centre's
 * thousands of quiet queues cost neither memory nor a visit). */
static void eval_entry(struct alerts *a, const struct rule *x, const char *key,
                       const struct judged *j, int64_t now, alert_event_fn fn, void *ctx)
{
	struct entry *e = entry_lookup(a, x->name, key);
	if (!e) {
		if (judged_quiet(x, j))
			return;
		e = entry_get(a, x->name, key);
	}
	entry_judge(a, x, e, j, now, fn, ctx);
}

/* What judging a queue needs of rule x, read once a rule and eval rather
 * than once a queue (a thousand queues a rule): as have_data has them. */
struct terms {
	const struct rule *x;
	int op;
	int64_t min_offered;
};

static struct terms terms_of(const struct rule *x)
{
	return (struct terms){ x, rule_op(x), rule_min_offered(x) };
}

/* What rule tm->x sees on queue q (key: its name in alerts). */
static void judge_queue_by(const struct terms *tm, const struct snap_queue *q, const char *key,
                           struct judged *j)
{
	const struct rule *x = tm->x;
	double v = figure_value(x->m.f, q);
	j->v = v;
	j->t[SEV_OK] = 0;
	j->t[SEV_WARNING] = threshold_value(&x->thr[SEV_WARNING], q);
	j->t[SEV_CRITICAL] = threshold_value(&x->thr[SEV_CRITICAL], q);
	j->why_not = NULL;
	if (isnan(v))
		j->why_not = "no data";
	else if (figure_judged_offered(x->m.f, q) < tm->min_offered)
		j->why_not = "too few calls offered";
	j->label = q->name ? NULL : key;
	j->q = q;
	j->kept = false;
}

static void judge_queue(const struct rule *x, const struct snap_queue *q, const char *key,
                        struct judged *j)
{
	const struct terms tm = terms_of(x);
	judge_queue_by(&tm, q, key, j);
}

static void eval_one(struct alerts *a, const struct rule *x, const struct snap_queue *q,
                     const char *key, int64_t now, alert_event_fn fn, void *ctx)
{
	struct judged j;
	judge_queue(x, q, key, &j);
	eval_entry(a, x, key, &j, now, fn, ctx);
}

/* ---- rules on the queues, bound to them by index ---- */

/* Forgets every binding (the queues changed, or the rules). */
static void binds_drop(struct alerts *a)
{
	for (size_t i = 0; i < a->n; i++) {
		a->e[i]->home = NULL;
		a->e[i]->said_at = NULL;
	}
	for (size_t i = 0; a->bind && i < a->rules.n; i++)
		a->bind[i].made = false;
	a->bind_s = NULL;
}

/* Whether the bindings were made for the queues of s as they are: the same
 * snapshot, order and names (the model's, compared as pointers). A snapshot
 * made by hand (order_gen 0) is bound again at each eval. */
static bool binds_hold(const struct alerts *a, const struct snapshot *s)
{
	if (!s->order_gen || a->bind_s != s || a->bind_gen != s->order_gen ||
	    a->bind_nq != s->n_queues)
		return false;
	for (size_t i = 0; i < s->n_queues; i++)
		if (a->bind_names[i] != s->queues[i].name)
			return false;
	return true;
}

/* Drops the bindings unless they hold for s; notes what the new ones are for. */
static void binds_check(struct alerts *a, const struct snapshot *s)
{
	if (binds_hold(a, s))
		return;
	binds_drop(a);
	if (!a->bind)
		a->bind = xcalloc(a->rules.n ? a->rules.n : 1, sizeof *a->bind);
	if (s->n_queues > a->bind_names_cap) {
		a->bind_names_cap = s->n_queues;
		a->bind_names = xrealloc(a->bind_names, a->bind_names_cap * sizeof *a->bind_names);
	}
	for (size_t i = 0; i < s->n_queues; i++)
		a->bind_names[i] = s->queues[i].name;
	a->bind_s = s;
	a->bind_gen = s->order_gen;
	a->bind_nq = s->n_queues;
}

static void bind_free(struct rule_bind *b)
{
	free(b->ix);
	free(b->slot);
}

/* Frees every binding (the rules change). */
static void binds_free(struct alerts *a)
{
	binds_drop(a);
	for (size_t i = 0; a->bind && i < a->rules.n; i++)
		bind_free(&a->bind[i]);
	free(a->bind);
	a->bind = NULL;
}

/* Binds rule x to the queues of s it watches (all, or the one it names) and
 * to their entries. */
static void rule_bind(struct alerts *a, struct rule_bind *b, const struct rule *x,
                      const struct snapshot *s)
{
	bool all = strcmp(x->queue, "*") == 0;
	bind_free(b);
	b->ix = xmalloc((s->n_queues ? s->n_queues : 1) * sizeof *b->ix);
	b->slot = xmalloc((s->n_queues ? s->n_queues : 1) * sizeof *b->slot);
	b->n = 0;
	for (size_t i = 0; i < s->n_queues; i++) {
		const char *name = s->queues[i].name;
		if (!all && strcmp(name, x->queue) != 0)
			continue;
		struct entry *e = entry_lookup(a, x->name, name);
		b->ix[b->n] = i;
		b->slot[b->n] = e;
		if (e)
			e->home = &b->slot[b->n];
		b->n++;
	}
	b->made = true;
}

/* Rule x on the queues of s it watches, each found by its binding b. */
static void eval_queues(struct alerts *a, const struct rule *x, struct rule_bind *b,
                        const struct snapshot *s, int64_t now, alert_event_fn fn, void *ctx)
{
	const struct terms tm = terms_of(x);
	if (!b->made)
		rule_bind(a, b, x, s);
	for (size_t k = 0; k < b->n; k++) {
		const struct snap_queue *q = &s->queues[b->ix[k]];
		struct entry *e = b->slot[k];
		struct judged j;
		if (k + 4 < b->n) {              /* the next ones' value and entry: cache misses */
			__builtin_prefetch((const char *)&s->queues[b->ix[k + 4]] + x->m.f->offset);
			if (b->slot[k + 4])
				__builtin_prefetch(b->slot[k + 4]);
		}
		judge_queue_by(&tm, q, q->name, &j);
		j.kept = s->order_gen != 0;
		if (!e) {
			if (quiet_at(x, tm.op, &j))
				continue;
			e = entry_get(a, x->name, q->name);
			b->slot[k] = e;
			e->home = &b->slot[k];
		}
		entry_judge(a, x, e, &j, now, fn, ctx);
	}
}

/* Whether agent i of s is watched by x: every agent, or those of x's queue. */
static bool agent_watched(const struct rule *x, const struct snapshot *s, size_t i)
{
	if (strcmp(x->queue, "*") == 0 || strcmp(x->queue, "total") == 0)
		return true;
	for (int k = 0; k < s->agent_n_queues[i]; k++)
		if (strcmp(s->queues[s->agent_queues[i][k].queue].name, x->queue) == 0)
			return true;
	return false;
}

enum { AGENT_KEY_MAX = 128 };       /* "agent:NAME", cut there */

/* Marks the agents of s rule x has an entry for (the others have none). */
static void mark_agents_with_entries(struct alerts *a, const struct rule *x,
                                     const struct snapshot *s)
{
	size_t lo = 0, hi = a->n;
	while (lo < hi) {                       /* the rule's first entry */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(a->e[mid]->rule, x->name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < a->n && strcmp(a->e[lo]->rule, x->name) == 0; lo++) {
		const char *key = a->e[lo]->queue;
		size_t i;
		if (strncmp(key, "agent:", 6) != 0)
			continue;
		if (strlen(key) >= AGENT_KEY_MAX - 1) {  /* a name cut short: every agent it
		                                            may be (as the key was made) */
			for (i = 0; i < s->n_agents; i++)
				if (strncmp(s->agents[i].name, key + 6, strlen(key + 6)) == 0)
					a->mark[i] = 1;
			continue;
		}
		long at = snapshot_agent_find(s, key + 6);
		if (at >= 0)
			a->mark[at] = 1;
	}
}

/* A rule on agents: each agent on its own, keyed "agent:NAME". An agent with
 * no entry and nothing beyond the rule's lowest level is not looked at
 * further (a floor of thousands costs a value each while all is well); the
 * others are evaluated in the agents' order. */
static void eval_agents(struct alerts *a, const struct rule *x, struct snapshot *s, int64_t now,
                        alert_event_fn fn, void *ctx)
{
	static const struct snap_queue none;
	double lowest = threshold_value(&x->thr[lowest_level(x)], &none);
	int op = rule_op(x);
	if (!s->agent_figs || s->n_agents == 0)
		return;
	if (s->n_agents > a->mark_cap) {
		a->mark_cap = s->n_agents;
		a->mark = xrealloc(a->mark, a->mark_cap);
	}
	memset(a->mark, 0, s->n_agents);
	mark_agents_with_entries(a, x, s);
	for (size_t i = 0; i < s->n_agents; i++) {
		char key[AGENT_KEY_MAX], label[128];
		if (i + 8 < s->n_agents) {      /* the figures read: two cache misses an agent */
			__builtin_prefetch(snapshot_agent_figs(s, i + 8));
			__builtin_prefetch(&snapshot_agent_figs(s, i + 8)->call_since);
		}
		double v = agent_figure_value(x->m.f, snapshot_agent_figs(s, i), now, x->reason);
		if (!a->mark[i] && !beyond(op, v, lowest))
			continue;                       /* no entry, all is well */
		if (!agent_watched(x, s, i))
			continue;
		snprintf(key, sizeof key, "agent:%s", s->agents[i].name);
		if (x->reason)
			snprintf(label, sizeof label, "agent %s (%s)", s->agents[i].name, x->reason);
		else
			snprintf(label, sizeof label, "agent %s", s->agents[i].name);
		struct judged j = { v, { 0, threshold_value(&x->thr[1], &none),
		                         threshold_value(&x->thr[2], &none) }, NULL, label, NULL, false };
		if (!have_data(x, &none, v))
			j.why_not = isnan(v) ? "no data" : "too few calls offered";
		eval_entry(a, x, key, &j, now, fn, ctx);
	}
}

/* ---- rules on contact figures: a channel, a queue's contacts, the total ---- */

static int64_t rule_min_count(const struct rule *x)
{
	if (x->mincount_set)
		return x->min_count;
	return x->m.cf->kind == CTF_DERIVED && x->m.cf->unit == FIG_UNIT_PCT ? 5 : 0;
}

/* A threshold on view v: 'target' is v's first-response target in seconds
 * (none for the total: NAN, never reached). */
static double ct_threshold(const struct threshold *t, const struct ct_view *v)
{
	if (!t->target)
		return t->v;
	return v->frt_target_ms ? (double)v->frt_target_ms / 1000.0 + t->v : NAN;
}

static void eval_ct_one(struct alerts *a, const struct rule *x, const struct ct_view *v,
                        int64_t now, alert_event_fn fn, void *ctx)
{
	double val = ct_figure_value(x->m.cf, v);
	struct judged j = { val, { 0, ct_threshold(&x->thr[1], v), ct_threshold(&x->thr[2], v) },
	                    NULL, v->display, NULL, false };
	if (isnan(val))
		j.why_not = "no data";
	else if (ct_figure_judged_count(x->m.cf, v) < rule_min_count(x))
		j.why_not = "too few answers";
	eval_entry(a, x, v->name, &j, now, fn, ctx);
}

static void eval_ct_rule(struct alerts *a, const struct rule *x, const struct ct_views *cv,
                         int64_t now, alert_event_fn fn, void *ctx)
{
	const char *want = x->channel ? x->channel : x->queue;
	const struct ct_view *views = x->channel ? cv->channels : cv->queues;
	size_t n = x->channel ? cv->n_channels : cv->n_queues;
	if (!x->channel && strcmp(x->queue, "total") == 0) {
		eval_ct_one(a, x, &cv->total, now, fn, ctx);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(want, "*") == 0 || strcmp(views[i].name, want) == 0)
			eval_ct_one(a, x, &views[i], now, fn, ctx);
}

static void eval_rule(struct alerts *a, size_t ri, struct snapshot *s, const struct ct_views *cv,
                      int64_t now, alert_event_fn fn, void *ctx)
{
	const struct rule *x = &a->rules.v[ri];
	if (!x->enabled || validate_rule(x, NULL) < 0)
		return;
	if (rule_is_ct(x)) {
		if (cv)
			eval_ct_rule(a, x, cv, now, fn, ctx);
		return;
	}
	if (x->m.f->flags & FIG_AGENT) {
		eval_agents(a, x, s, now, fn, ctx);
		return;
	}
	if (strcmp(x->queue, "total") == 0) {
		eval_one(a, x, &s->total, "total", now, fn, ctx);
		return;
	}
	if (x->queue[0] == '@') {       /* a [group.NAME]: @NAME, or @* for each group */
		for (size_t i = 0; i < s->n_groups; i++) {
			char key[sizeof ((struct snap_alert *)0)->queue];
			snprintf(key, sizeof key, "@%s", s->groups[i].q.name);
			if (strcmp(x->queue, "@*") == 0 || strcmp(x->queue, key) == 0)
				eval_one(a, x, &s->groups[i].q, key, now, fn, ctx);
		}
		return;
	}
	eval_queues(a, x, &a->bind[ri], s, now, fn, ctx);
}

/* ---- publishing: the active alerts, newest first ---- */

/* Newest first, then the most severe, then by rule and queue (natural
 * order, as entry_cmp): the ties (raised at once, at one level) broken by
 * the entries' ranks, a->e being sorted by (rule, queue), so no string is
 * compared (thousands of alerts raised in one tick). */
static int entry_shown_cmp(const void *pa, const void *pb)
{
	const struct entry *x = *(struct entry *const *)pa, *y = *(struct entry *const *)pb;
	if (x->out->since != y->out->since)
		return x->out->since > y->out->since ? -1 : 1;
	if (x->out->severity != y->out->severity)
		return x->out->severity > y->out->severity ? -1 : 1;
	return (x->rank > y->rank) - (x->rank < y->rank);
}

/* Room in the orders for every entry of a active. */
static void publish_room(struct alerts *a)
{
	if (a->n <= a->ord_cap)
		return;
	a->ord_cap = a->n;
	a->act = xrealloc(a->act, a->ord_cap * sizeof *a->act);
	a->nxt = xrealloc(a->nxt, a->ord_cap * sizeof *a->nxt);
	a->ins = xrealloc(a->ins, a->ord_cap * sizeof *a->ins);
	a->outp = xrealloc(a->outp, a->ord_cap * sizeof *a->outp);
}

/* Notes kept entry e at rank in a->e: out of the published order when no
 * longer active or when its place changed (raised, cleared, escalated or
 * eased, since moved); into a->ins (*k of them) when active and not in it.
 * Counts the active in *n. */
static void publish_note(struct alerts *a, struct entry *e, size_t rank, size_t *n, size_t *k)
{
	bool active = e->level > SEV_OK;
	e->rank = rank;
	if (e->pub && (a->full || !active || e->pub_since != e->out->since ||
	               e->pub_sev != (int)e->out->severity))
		unpublish(a, e);
	if (!active)
		return;
	(*n)++;
	if (!e->pub)
		a->ins[(*k)++] = e;
}

/* Clears and forgets the entries no rule evaluated this time, and those
 * quiet again; notes the others for publishing (publish_note, *n active, *k
 * to place) and readies them for the next eval: one walk of the entries. */
static void sweep(struct alerts *a, alert_event_fn fn, void *ctx, size_t *n, size_t *k)
{
	size_t keep = 0;
	*n = *k = 0;
	publish_room(a);
	for (size_t i = 0; i < a->n; i++) {
		struct entry *e = a->e[i];
		if (e->seen && !entry_idle(e)) {
			e->seen = false;
			publish_note(a, e, keep, n, k);
			a->e[keep++] = e;
			continue;
		}
		if (e->seen) {                      /* quiet again: as if it had none */
			entry_drop(a, e);
			continue;
		}
		const struct rule *x = rules_find(&a->rules, e->rule);
		bool live = x && x->enabled && validate_rule(x, NULL) == 0;
		char msg[256];
		snprintf(msg, sizeof msg, "%s: %s alert cleared (%s)", e->queue, e->rule,
		         live ? "queue no longer reported" : "rule removed or disabled");
		entry_clear(e, NAN, msg, fn, ctx);
		entry_drop(a, e);
	}
	a->n = keep;
	a->full = false;
}

/* Merges the alerts kept in the published order (a->act, in order) with
 * the k sorted ones of a->ins into a->nxt (n in all). */
static void publish_merge(struct alerts *a, size_t n, size_t k)
{
	size_t i = 0, j = 0;
	for (size_t q = 0; q < n; q++) {
		while (i < a->out_n && !a->act[i])
			i++;
		if (i < a->out_n && (j == k || entry_shown_cmp(&a->act[i], &a->ins[j]) < 0))
			a->nxt[q] = a->act[i++];
		else
			a->nxt[q] = a->ins[j++];
	}
}

/* Makes the next order (a->nxt, n) the published one: a pointer to each
 * entry's alert. */
static void publish_write(struct alerts *a, size_t n)
{
	for (size_t q = 0; q < n; q++) {
		struct entry *e = a->nxt[q];
		e->pub = true;
		e->out_ix = q;
		e->pub_since = e->out->since;
		e->pub_sev = (int)e->out->severity;
		a->outp[q] = e->out;
	}
	struct entry **t = a->act;
	a->act = a->nxt;
	a->nxt = t;
	a->out_n = n;
	a->holes = false;
}

/* Points s at the active alerts (n, k of them to place: sweep). Each eval
 * writes an active alert's fields in place (entry.out), so the usual tick
 * (values move, alerts stay) has nothing to publish; an alert that came or
 * changed places is merged into the order (sorted only among those): a
 * thousand alerts raised at once move as many pointers. */
static void publish(struct alerts *a, struct snapshot *s, size_t n, size_t k)
{
	if (k > 0 || a->holes) {
		if (k > 1)
			qsort(a->ins, k, sizeof *a->ins, entry_shown_cmp);
		publish_merge(a, n, k);
		publish_write(a, n);
	}
	s->alerts = a->out_n ? a->outp : NULL;
	s->n_alerts = a->out_n;
}

/* ---- public ---- */

/* Returns the live alert state for a copy of rules (caller frees with alerts_free). */
struct alerts *alerts_new(const struct alert_rules *rules)
{
	struct alerts *a = xmalloc(sizeof *a);
	memset(a, 0, sizeof *a);
	rules_copy_into(&a->rules, rules);
	return a;
}

/* Frees a, including the alerts array last handed out in a snapshot. */
void alerts_free(struct alerts *a)
{
	if (!a)
		return;
	binds_free(a);
	for (size_t i = 0; i < a->n; i++)
		entry_free(a->e[i]);
	free(a->e);
	free(a->outp);
	free(a->act);
	free(a->nxt);
	free(a->ins);
	free(a->mark);
	free(a->bind_names);
	rules_clear(&a->rules);
	free(a);
}

/* Swaps in a copy of rules; alerts of rules that are gone clear at the next
 * eval, those of rules that changed start afresh, the others keep their state. */
void alerts_set_rules(struct alerts *a, const struct alert_rules *rules)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct rule *old = rules_find(&a->rules, a->e[i]->rule);
		const struct rule *now = rules ? rules_find(rules, a->e[i]->rule) : NULL;
		if (old && now && !rule_same(old, now))
			a->e[i]->fresh = true;
	}
	binds_free(a);
	rules_clear(&a->rules);
	rules_copy_into(&a->rules, rules);
	a->full = true;
}

/* Evaluates every rule on s at now, calling fn (may be NULL) for each change,
 * then points s->alerts at the active alerts, newest first (owned by a, valid
 * until the next alerts_eval or alerts_free). */
void alerts_eval(struct alerts *a, struct snapshot *s, int64_t now, alert_event_fn fn, void *ctx)
{
	struct ct_views cv;
	bool contacts = s->contacts && contacts_any(s->contacts);
	size_t n, k;
	if (contacts)
		ct_views_build(&cv, s->contacts);   /* one walk of the backlog for every rule */
	binds_check(a, s);
	for (size_t i = 0; i < a->rules.n; i++)
		eval_rule(a, i, s, contacts ? &cv : NULL, now, fn, ctx);
	if (contacts)
		ct_views_free(&cv);
	sweep(a, fn, ctx, &n, &k);         /* (and every entry unseen for the next) */
	publish(a, s, n, k);
}

size_t alerts_messages_rendered(const struct alerts *a)
{
	return a->rendered;
}

size_t alerts_entry_count(const struct alerts *a)
{
	return a->n;
}

/* Marks every active alert acknowledged; the next eval publishes it. */
void alerts_ack(struct alerts *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->e[i]->level > SEV_OK) {
			a->e[i]->ack = true;
			if (a->e[i]->out)
				a->e[i]->out->acknowledged = true;
		}
}

/* Returns "raised", "escalated", "eased" or "cleared" (static). */
const char *alert_change_name(enum alert_change c)
{
	switch (c) {
	case ALERT_RAISED: return "raised";
	case ALERT_ESCALATED: return "escalated";
	case ALERT_EASED: return "eased";
	case ALERT_CLEARED: return "cleared";
	}
	return "unknown";
}
