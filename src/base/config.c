/* config.c - config.ini: inih reads the lines, one table of keys parses,
 * validates, gives the defaults and documents every setting. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "alerts.h"
#include "groups.h"
#include "ini_value.h"
#include "util.h"

/* ---- the table of keys ------------------------------------------------- */

/* Where a key may appear; GENERAL, SOURCES and AMI keys live in struct
 * config, DEFAULTS and QUEUE keys in struct queue_conf. */
enum key_scope {
	KS_GENERAL = 1u << 0,
	KS_DEFAULTS = 1u << 1,
	KS_QUEUE = 1u << 2,
	KS_SOURCES = 1u << 3,
	KS_AMI = 1u << 4,
	KS_HTTP = 1u << 5,
	KS_HISTORY = 1u << 6,
	KS_GROUP = 1u << 7
};
#define KS_QUEUE_CONF (KS_DEFAULTS | KS_QUEUE)

struct config_key {
	unsigned scope;
	const char *name;
	enum iv_type type;
	const char *def;              /* default as written in config.ini; NULL: unset */
	double min, max;              /* KT_INT, KT_DOUBLE, KT_DURATION */
	const char *const *choices;   /* KT_ENUM, NULL-terminated */
	size_t offset;                /* into struct config or struct queue_conf */
	const char *help;
};

static const char *const sl_formula_names[] = {
	"offered", "answered", "abandons_positive", NULL
};

static const char *const erlang_names[] = { "C", "A", NULL };

#define CFG(f) offsetof(struct config, f)
#define QC(f) offsetof(struct queue_conf, f)

static const struct config_key config_keys[] = {
	{ KS_GENERAL, "site", KT_STRING, "ccboard", 0, 0, NULL, CFG(site),
	  "title shown in the header" },
	{ KS_GENERAL, "tick_ms", KT_INT, "1000", 100, 60000, NULL, CFG(tick_ms),
	  "milliseconds between screen and JSON updates" },
	{ KS_GENERAL, "window_s", KT_DURATION, "900", 60, 86400, NULL, CFG(window_s),
	  "length of the rolling window" },
	{ KS_GENERAL, "day_start", KT_TIME, "00:00", 0, 0, NULL, CFG(day_start_min),
	  "local time at which \"today\" starts" },
	{ KS_GENERAL, "stale_call_s", KT_DURATION, "14400", 60, 604800, NULL, CFG(stale_call_s),
	  "a waiting call with no outcome after this long is dropped" },
	{ KS_GENERAL, "max_queues", KT_INT, "5000", 1, 1000000, NULL, CFG(max_queues),
	  "queues known at once; a line naming a new queue past it is a bad line" },
	{ KS_GENERAL, "max_agents", KT_INT, "50000", 1, 1000000, NULL, CFG(max_agents),
	  "agents known at once; a line naming a new agent past it is a bad line" },
	{ KS_GENERAL, "theme", KT_STRING, "default", 0, 0, NULL, CFG(theme),
	  "colour theme: themes/NAME.ini" },
	{ KS_GENERAL, "themes_dir", KT_PATH, NULL, 0, 0, NULL, CFG(themes_dir),
	  "extra directory searched first for themes" },
	{ KS_GENERAL, "bell", KT_BOOL, "yes", 0, 0, NULL, CFG(bell),
	  "ring the bell when a critical alert is raised" },
	{ KS_GENERAL, "flash", KT_BOOL, "no", 0, 0, NULL, CFG(flash),
	  "flash the screen instead of ringing" },
	{ KS_GENERAL, "alert_log", KT_PATH, NULL, 0, 0, NULL, CFG(alert_log),
	  "file to which every alert change is appended" },
	{ KS_GENERAL, "alert_exec", KT_STRING, NULL, 0, 0, NULL, CFG(alert_exec),
	  "command run (sh -c) on every alert change, the alert in its environment" },
	{ KS_GENERAL, "alert_exec_timeout_s", KT_DURATION, "30", 1, 86400, NULL,
	  CFG(alert_exec_timeout_s),
	  "an alert_exec command still running after this long is killed (its process group)" },
	{ KS_GENERAL | KS_SOURCES, "source", KT_LIST, NULL, 0, 0, NULL, CFG(sources),
	  "a source to follow (file, -); repeat the key for several" },
	{ KS_SOURCES, "allow", KT_STRING, NULL, 0, 0, NULL, CFG(listen_allow),
	  "who may connect to tcp: listeners: CIDRs, comma-separated; required beyond loopback" },
	{ KS_SOURCES, "idle_timeout_s", KT_DURATION, "300", 0, 604800, NULL, CFG(listen_idle_s),
	  "a tcp:/unix: client silent this long is closed (0: never)" },
	{ KS_QUEUE_CONF | KS_GROUP, "sl_threshold_s", KT_DURATION, "20", 0, 3600, NULL, QC(sl_threshold_s),
	  "a call answered (or abandoned) within this wait is within service level" },
	{ KS_QUEUE_CONF | KS_GROUP, "sl_target_pct", KT_DOUBLE, "80", 0, 100, NULL, QC(sl_target_pct),
	  "service-level target, percent" },
	{ KS_QUEUE_CONF, "short_abandon_s", KT_DURATION, "5", 0, 3600, NULL, QC(short_abandon_s),
	  "abandons quicker than this are not counted against the queue" },
	{ KS_QUEUE_CONF, "wrapup_s", KT_DURATION, "0", 0, 3600, NULL, QC(wrapup_s),
	  "after-call work added to each handled call; agents show wrap-up meanwhile" },
	{ KS_QUEUE_CONF | KS_GROUP, "sl_formula", KT_ENUM, "offered", 0, 0, sl_formula_names, QC(sl_formula),
	  "service level over offered, answered, or abandons_positive" },
	{ KS_QUEUE_CONF, "erlang", KT_ENUM, "C", 0, 0, erlang_names, QC(erlang),
	  "staffing model: C (Erlang C), or A (Erlang A: callers give up) from 10 abandons today" },
	{ KS_DEFAULTS, "future_slack_s", KT_DURATION, "300", 0, 86400, NULL, QC(future_slack_s),
	  "a line stamped more than this after the wall clock is a bad line" },
	{ KS_DEFAULTS, "repeat_window_s", KT_DURATION, "86400", 60, 2592000, NULL,
	  QC(repeat_window_s),
	  "a contact is a repeat when its customer had another contact this recently" },
	{ KS_DEFAULTS, "pivot_window_s", KT_DURATION, "86400", 60, 2592000, NULL,
	  QC(pivot_window_s),
	  "a contact is a pivot when its customer's previous one, on another channel, is this recent" },
	{ KS_DEFAULTS, "stale_contact_s", KT_DURATION, "2592000", 3600, 31536000, NULL,
	  QC(stale_contact_s), "an open contact with no event for this long is forgotten" },
	{ KS_QUEUE_CONF, "frt_target_s", KT_DURATION, NULL, 1, 2592000, NULL, QC(frt_target_s),
	  "contacts' first-response target: [queue.NAME], else [channel.NAME], else [defaults], "
	  "else the channel's built-in one" },
	{ KS_GENERAL, "mask_customers", KT_BOOL, "yes", 0, 0, NULL, CFG(mask_customers),
	  "show customer ids masked on screen (...2072, j...@example.com); JSON keeps them whole" },
	{ KS_QUEUE | KS_GROUP, "display", KT_STRING, NULL, 0, 0, NULL, QC(display),
	  "name shown instead of the queue's own" },
	{ KS_GROUP, "queues", KT_STRING, NULL, 0, 0, NULL, QC(members),
	  "the group's queues: names and shell patterns (sales-*), comma-separated" },
	{ KS_AMI, "secret", KT_STRING, NULL, 0, 0, NULL, CFG(ami_secret),
	  "AMI password (keep this file chmod 600)" },
	{ KS_AMI, "secret_file", KT_PATH, NULL, 0, 0, NULL, CFG(ami_secret_file),
	  "file holding the AMI password" },
	{ KS_AMI, "resync_s", KT_DURATION, "60", 0, 86400, NULL, CFG(ami_resync_s),
	  "ask AMI for QueueStatus this often to correct live state (0: never)" },
	{ KS_HTTP, "listen", KT_STRING, NULL, 0, 0, NULL, CFG(http_listen),
	  "serve /metrics, /snapshot, /healthz and /events here: HOST:PORT, [::1]:PORT, *:PORT" },
	{ KS_HTTP, "token_file", KT_PATH, NULL, 0, 0, NULL, CFG(http_token_file),
	  "file (chmod 600) holding the bearer token POST /events requires" },
	{ KS_HTTP, "max_body", KT_SIZE, "1M", 1024, 1073741824, NULL, CFG(http_max_body),
	  "largest POST /events body; a larger one gets 413" },
	{ KS_HTTP, "agent_metrics", KT_BOOL, "no", 0, 0, NULL, CFG(http_agent_metrics),
	  "/metrics has series per agent too (one set per agent: mind the cardinality)" },
	{ KS_GENERAL | KS_HISTORY, "history", KT_BOOL, "yes", 0, 0, NULL, CFG(history),
	  "keep each 15-minute interval in the history database (no: none is opened)" },
	{ KS_HISTORY, "path", KT_PATH, NULL, 0, 0, NULL, CFG(history_path),
	  "the history database; default $XDG_STATE_HOME/ccboard/history.sqlite3" },
	{ KS_HISTORY, "history_weeks", KT_INT, "8", 1, 52, NULL, CFG(history_weeks),
	  "typical: the median of the same weekday's interval over this many weeks that have data" },
};

#define N_KEYS (sizeof config_keys / sizeof config_keys[0])
_Static_assert(sizeof config_keys / sizeof config_keys[0] <= 64,
               "set_mask has one bit per key");

static uint64_t key_bit(const struct config_key *k)
{
	return UINT64_C(1) << (unsigned)(k - config_keys);
}

/* ---- small helpers ----------------------------------------------------- */

struct strbuf {
	char *s;
	size_t len, cap;
};

static void sb_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)n;
}

static void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

/* ---- setting a key -------------------------------------------------------- */

static void list_add(struct config *cfg, char *item)
{
	cfg->sources = xrealloc(cfg->sources, (cfg->n_sources + 2) * sizeof *cfg->sources);
	cfg->sources[cfg->n_sources++] = item;
	cfg->sources[cfg->n_sources] = NULL;
}

/* Stores the parsed x in the field of key k (its type says the field's). */
static void key_store(const struct config_key *k, union iv_value x, char *field,
                      struct config *cfg)
{
	switch (k->type) {
	case KT_INT:
	case KT_SIZE:
	case KT_DURATION:
	case KT_TIME:
		*(int *)(void *)field = (int)x.i;
		break;
	case KT_ENUM:
		*(enum sl_formula *)(void *)field = (enum sl_formula)x.i;   /* every enum is int-sized */
		break;
	case KT_DOUBLE:
		*(double *)(void *)field = x.d;
		break;
	case KT_BOOL:
		*(bool *)(void *)field = x.b;
		break;
	case KT_STRING:
	case KT_PATH:
		free(*(char **)(void *)field);
		*(char **)(void *)field = x.s;
		break;
	case KT_LIST:
		list_add(cfg, x.s);
		break;
	}
}

/* Parses v for key k into the struct at base. Returns 0, or -1 with why. */
static int key_set(const struct config_key *k, const char *v, void *base,
                   struct config *cfg, char *why, size_t len)
{
	const struct iv_spec spec = { k->type, k->min, k->max, k->choices };
	union iv_value x;
	if (*v == '\0' && k->def && (k->type == KT_STRING || k->type == KT_PATH)) {
		snprintf(why, len, "empty value (default: %s)", k->def);
		return -1;
	}
	if (iv_parse(&spec, v, getenv("HOME"), &x, why, len) < 0)
		return -1;
	key_store(k, x, (char *)base + k->offset, cfg);
	return 0;
}

static size_t key_size(const struct config_key *k)
{
	switch (k->type) {
	case KT_DOUBLE:
		return sizeof(double);
	case KT_BOOL:
		return sizeof(bool);
	case KT_ENUM:
		return sizeof(enum sl_formula);
	case KT_STRING:
	case KT_PATH:
	case KT_LIST:
		return sizeof(char *);
	default:
		return sizeof(int);
	}
}

static const struct config_key *key_find(unsigned scope, const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if ((config_keys[i].scope & scope) && strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

/* ---- defaults, free ---------------------------------------------------- */

void config_defaults(struct config *cfg)
{
	char why[256];
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct config_key *k = &config_keys[i];
		if (!k->def)
			continue;
		void *base = (k->scope & KS_QUEUE_CONF) ? (void *)&cfg->defaults : (void *)cfg;
		if (key_set(k, k->def, base, cfg, why, sizeof why) < 0)
			fatal("bad built-in default for %s: %s", k->name, why);
	}
	cfg->alert_rules = alert_rules_new();
}

/* Frees the strings of the keys of scope held in the struct at base. */
static void free_strings(void *base, unsigned scope)
{
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct config_key *k = &config_keys[i];
		if ((k->scope & scope) && (k->type == KT_STRING || k->type == KT_PATH)) {
			char **field = (char **)(void *)((char *)base + k->offset);
			free(*field);
			*field = NULL;
		}
	}
}

void config_free(struct config *cfg)
{
	free_strings(cfg, KS_GENERAL | KS_SOURCES | KS_AMI | KS_HTTP | KS_HISTORY);
	free_strings(&cfg->defaults, KS_QUEUE_CONF);
	for (size_t i = 0; i < cfg->n_queues; i++) {
		free_strings(&cfg->queues[i], KS_QUEUE_CONF);
		free(cfg->queues[i].name);
	}
	free(cfg->queues);
	for (size_t i = 0; i < cfg->n_groups; i++) {
		free_strings(&cfg->groups[i].conf, KS_GROUP);
		free(cfg->groups[i].conf.name);
	}
	free(cfg->groups);
	for (size_t i = 0; i < cfg->n_channels; i++) {
		free(cfg->channels[i].name);
		free(cfg->channels[i].display);
	}
	free(cfg->channels);
	for (size_t i = 0; i < cfg->n_sources; i++)
		free(cfg->sources[i]);
	free(cfg->sources);
	for (size_t i = 0; i < cfg->n_agents; i++) {
		free(cfg->agents[i].interface);
		free(cfg->agents[i].name);
	}
	free(cfg->agents);
	alert_rules_free(cfg->alert_rules);
	free(cfg->path);
	memset(cfg, 0, sizeof *cfg);
}

const char *config_sl_formula_name(enum sl_formula f)
{
	if ((unsigned)f >= sizeof sl_formula_names / sizeof sl_formula_names[0] - 1)
		return "?";
	return sl_formula_names[f];
}

/* ---- loading ----------------------------------------------------------- */

enum section_kind { SK_NONE, SK_GENERAL, SK_DEFAULTS, SK_QUEUE, SK_AGENTS, SK_SOURCES,
	SK_AMI, SK_HTTP, SK_HISTORY, SK_ALERT, SK_CHANNEL, SK_GROUP, SK_UNKNOWN };

struct seen {                   /* a section or key already read, for duplicates */
	char *name;                 /* "[section]" or "[section]\nkey" */
	int line;
};

struct alias_seq {              /* an [agents] line, with its order for "later wins" */
	struct agent_alias a;
	size_t seq;
};

struct load {
	struct config *cfg;
	const char *path;
	FILE *fp;
	char *buf;                  /* getline's */
	size_t cap;
	int lineno;
	int n_errors;
	int last_error_line;
	int secret_line;
	struct strbuf msgs;
	size_t channel;             /* [channel.NAME]: its index in cfg->channels */
	enum section_kind kind;
	char section[256];          /* as written, for messages */
	size_t queue;               /* index of the current [queue.NAME] */
	size_t group;               /* index of the current [group.NAME] */
	char alert[256];            /* NAME of the current [alert.NAME] */
	struct alias_seq *aliases;
	size_t n_aliases;
	struct seen *seen;
	size_t n_seen;
};

/* Appends "file:line: what" (or "file: what" when line is 0) and counts it. */
static void load_error(struct load *ld, int line, const char *fmt, ...)
{
	va_list ap;
	if (line > 0)
		sb_printf(&ld->msgs, "%s:%d: ", ld->path, line);
	else
		sb_printf(&ld->msgs, "%s: ", ld->path);
	va_start(ap, fmt);
	sb_vprintf(&ld->msgs, fmt, ap);
	va_end(ap);
	sb_printf(&ld->msgs, "\n");
	ld->n_errors++;
	ld->last_error_line = line;
}

/* Returns the line where key (NULL: the section itself) of the current
 * section was first read, or 0 when it was not. */
static int seen_line(const struct load *ld, const char *key)
{
	size_t n = strlen(ld->section);
	for (size_t i = 0; i < ld->n_seen; i++) {
		const char *s = ld->seen[i].name;
		if (strncmp(s, ld->section, n) != 0)
			continue;
		if (key ? s[n] == '\n' && strcmp(s + n + 1, key) == 0 : s[n] == '\0')
			return ld->seen[i].line;
	}
	return 0;
}

/* Records key (NULL: the section) of the current section as read here. */
static void seen_add(struct load *ld, const char *key)
{
	size_t n = strlen(ld->section) + (key ? strlen(key) + 1 : 0) + 1;
	char *name = xmalloc(n);
	snprintf(name, n, key ? "%s\n%s" : "%s", ld->section, key ? key : "");
	ld->seen = xrealloc(ld->seen, (ld->n_seen + 1) * sizeof *ld->seen);
	ld->seen[ld->n_seen++] = (struct seen){ name, ld->lineno };
}

/* Reports key (NULL: the section) when it was read before; a section or key
 * given twice would be merged silently. Returns true when it was. */
static bool duplicate(struct load *ld, const char *key)
{
	int first = seen_line(ld, key);
	if (!first)
		return false;
	if (key)
		load_error(ld, ld->lineno, "%s %s: duplicate key (first at line %d)", ld->section,
		           key, first);
	else
		load_error(ld, ld->lineno, "%s: duplicate section (first at line %d)", ld->section,
		           first);
	return true;
}

static void seen_free(struct load *ld)
{
	for (size_t i = 0; i < ld->n_seen; i++)
		free(ld->seen[i].name);
	free(ld->seen);
}

static size_t queue_index(struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_queues; i++)
		if (strcmp(cfg->queues[i].name, name) == 0)
			return i;
	cfg->queues = xrealloc(cfg->queues, (cfg->n_queues + 1) * sizeof *cfg->queues);
	struct queue_conf *q = &cfg->queues[cfg->n_queues];
	memset(q, 0, sizeof *q);
	q->name = xstrdup(name);
	return cfg->n_queues++;
}

/* ---- [channel.NAME] (SPEC 6) ---- */

static bool channel_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

const struct channel_conf *config_channel(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_channels; i++)
		if (strcmp(cfg->channels[i].name, name) == 0)
			return &cfg->channels[i];
	return NULL;
}

static void channel_begin(struct load *ld, const char *name)
{
	struct config *cfg = ld->cfg;
	if (!channel_name_ok(name)) {
		load_error(ld, ld->lineno, "%s: a channel name is [a-z0-9_-]{1,32}", ld->section);
		return;
	}
	ld->kind = SK_CHANNEL;
	for (ld->channel = 0; ld->channel < cfg->n_channels; ld->channel++)
		if (strcmp(cfg->channels[ld->channel].name, name) == 0)
			return;
	cfg->channels = xrealloc(cfg->channels, (cfg->n_channels + 1) * sizeof *cfg->channels);
	cfg->channels[cfg->n_channels] = (struct channel_conf){.name = xstrdup(name)};
	ld->channel = cfg->n_channels++;
}

static void channel_set(struct load *ld, const char *name, const char *value)
{
	struct channel_conf *ch = &ld->cfg->channels[ld->channel];
	if (strcmp(name, "display") == 0) {
		free(ch->display);
		ch->display = xstrdup(value);
	} else if (strcmp(name, "frt_target_s") == 0) {
		char *end;
		long v = strtol(value, &end, 10);
		if (end == value || *end || v < 1 || v > 2592000)
			load_error(ld, ld->lineno, "%s frt_target_s: expected seconds 1..2592000, got '%s'",
			           ld->section, value);
		else
			ch->frt_target_s = (int)v;
	} else {
		load_error(ld, ld->lineno, "%s %s: unknown key", ld->section, name);
	}
}

/* ---- [group.NAME] ---- */

static void group_begin(struct load *ld, const char *name)
{
	struct config *cfg = ld->cfg;
	if (!*name) {
		load_error(ld, ld->lineno, "%s: missing group name", ld->section);
		return;
	}
	ld->kind = SK_GROUP;
	for (ld->group = 0; ld->group < cfg->n_groups; ld->group++)
		if (strcmp(cfg->groups[ld->group].conf.name, name) == 0)
			return;
	cfg->groups = xrealloc(cfg->groups, (cfg->n_groups + 1) * sizeof *cfg->groups);
	cfg->groups[cfg->n_groups] = (struct group_conf){ .conf = { .name = xstrdup(name) },
	                                                  .line = ld->lineno };
	ld->group = cfg->n_groups++;
}

/* Each group has queues, and each of its patterns matches a queue the file
 * configures ([queue.NAME]): a pattern that matches nothing there is a typo
 * (queues learnt from the log join the groups whose patterns match them). */
static void groups_check(struct load *ld)
{
	struct config *cfg = ld->cfg;
	const char **names = xmalloc((cfg->n_queues + 1) * sizeof *names);
	for (size_t i = 0; i < cfg->n_queues; i++)
		names[i] = cfg->queues[i].name;
	for (size_t g = 0; g < cfg->n_groups; g++) {
		const struct group_conf *gc = &cfg->groups[g];
		char bad[256];
		if (!gc->conf.members) {
			load_error(ld, gc->line, "[group.%s]: no queues = (names or patterns of its queues)",
			           gc->conf.name);
		} else if (groups_patterns_check(gc->conf.members, names, cfg->n_queues, bad,
		                                 sizeof bad) < 0) {
			load_error(ld, gc->line, "[group.%s] queues: '%s' matches no queue of the "
			           "configuration (name it in a [queue.NAME] section)", gc->conf.name, bad);
		}
	}
	free(names);
}

/* Starts section name (trimmed, without brackets) at the current line. */
static void section_begin(struct load *ld, const char *name)
{
	static const struct { const char *name; enum section_kind kind; } fixed[] = {
		{ "general", SK_GENERAL }, { "defaults", SK_DEFAULTS }, { "agents", SK_AGENTS },
		{ "sources", SK_SOURCES }, { "ami", SK_AMI }, { "http", SK_HTTP },
		{ "history", SK_HISTORY },
	};
	snprintf(ld->section, sizeof ld->section, "[%s]", name);
	ld->kind = SK_UNKNOWN;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (strcmp(name, fixed[i].name) == 0)
			ld->kind = fixed[i].kind;
	bool queue = strncmp(name, "queue.", 6) == 0, alert = strncmp(name, "alert.", 6) == 0;
	if ((queue || alert) && name[6] == '\0') {
		load_error(ld, ld->lineno, "%s: missing %s name", ld->section,
		           queue ? "queue" : "alert");
	} else if (queue) {
		ld->kind = SK_QUEUE;
		ld->queue = queue_index(ld->cfg, name + 6);
	} else if (strncmp(name, "channel.", 8) == 0) {
		channel_begin(ld, name + 8);
	} else if (strncmp(name, "group.", 6) == 0) {
		group_begin(ld, name + 6);
	} else if (alert) {
		ld->kind = SK_ALERT;
		snprintf(ld->alert, sizeof ld->alert, "%s", name + 6);
	} else if (ld->kind == SK_UNKNOWN) {
		load_error(ld, ld->lineno, "%s: unknown section", ld->section);
	}
	if (ld->kind != SK_UNKNOWN && !duplicate(ld, NULL))
		seen_add(ld, NULL);
}

/* Returns where keys of scope belong, for messages and the reference. */
static const char *scope_sections(unsigned scope)
{
	if (scope == KS_QUEUE)
		return "[queue.NAME]";
	if (scope == KS_GROUP)
		return "[group.NAME]";
	if (scope == (KS_QUEUE | KS_GROUP))
		return "[queue.NAME] or [group.NAME]";
	if (scope == KS_DEFAULTS)
		return "[defaults]";
	if (scope & KS_DEFAULTS)
		return "[defaults] or [queue.NAME]";
	if (scope & KS_SOURCES)
		return "[sources] or [general]";
	if (scope & KS_GENERAL)
		return "[general]";
	if (scope & KS_HTTP)
		return "[http]";
	if (scope & KS_HISTORY)
		return "[history]";
	return "[ami]";
}

static void unknown_key(struct load *ld, const char *name, unsigned scope)
{
	const struct config_key *k = key_find(~scope, name);
	if (k)
		load_error(ld, ld->lineno, "%s %s: unknown key here; it belongs in %s",
		           ld->section, name, scope_sections(k->scope));
	else
		load_error(ld, ld->lineno, "%s %s: unknown key", ld->section, name);
}

/* Sets a key of [general], [defaults], [queue.NAME], [sources] or [ami]. */
static void table_set(struct load *ld, const char *name, const char *value)
{
	static const unsigned scope_of[] = { [SK_GENERAL] = KS_GENERAL,
		[SK_DEFAULTS] = KS_DEFAULTS, [SK_QUEUE] = KS_QUEUE,
		[SK_SOURCES] = KS_SOURCES, [SK_AMI] = KS_AMI, [SK_HTTP] = KS_HTTP,
		[SK_HISTORY] = KS_HISTORY, [SK_GROUP] = KS_GROUP };
	struct config *cfg = ld->cfg;
	unsigned scope = scope_of[ld->kind];
	const struct config_key *k = key_find(scope, name);
	if (!k) {
		unknown_key(ld, name, scope);
		return;
	}
	struct queue_conf *q = ld->kind == SK_DEFAULTS ? &cfg->defaults
	                     : ld->kind == SK_QUEUE ? &cfg->queues[ld->queue]
	                     : ld->kind == SK_GROUP ? &cfg->groups[ld->group].conf : NULL;
	char why[512];
	if (k->type != KT_LIST && duplicate(ld, name))
		return;
	if (key_set(k, value, q ? (void *)q : (void *)cfg, cfg, why, sizeof why) < 0) {
		load_error(ld, ld->lineno, "%s %s: %s", ld->section, name, why);
		return;
	}
	if (k->type != KT_LIST)
		seen_add(ld, name);
	if (q)
		q->set_mask |= key_bit(k);
	if (ld->kind == SK_GROUP && k->offset == QC(members))
		ld->cfg->groups[ld->group].line = ld->lineno;
	if (k->offset == CFG(ami_secret) && scope == KS_AMI)
		ld->secret_line = ld->lineno;
}

static void agents_add(struct load *ld, const char *interface, const char *name)
{
	if (*name == '\0') {
		load_error(ld, ld->lineno, "%s %s: empty value", ld->section, interface);
		return;
	}
	if (duplicate(ld, interface))
		return;
	seen_add(ld, interface);
	ld->aliases = xrealloc(ld->aliases, (ld->n_aliases + 1) * sizeof *ld->aliases);
	struct alias_seq *a = &ld->aliases[ld->n_aliases];
	a->a.interface = xstrdup(interface);
	a->a.name = xstrdup(name);
	a->seq = ld->n_aliases++;
}

static int alias_seq_cmp(const void *x, const void *y)
{
	const struct alias_seq *a = x, *b = y;
	int c = strcmp(a->a.interface, b->a.interface);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Moves [agents] into cfg->agents sorted by interface, the later line winning
 * (an earlier load's aliases count as earlier lines). */
static void agents_commit(struct load *ld)
{
	struct config *cfg = ld->cfg;
	size_t n = cfg->n_agents + ld->n_aliases;
	struct alias_seq *all = xmalloc(n * sizeof *all);
	for (size_t i = 0; i < cfg->n_agents; i++)
		all[i] = (struct alias_seq){ cfg->agents[i], i };
	for (size_t i = 0; i < ld->n_aliases; i++)
		all[cfg->n_agents + i] = (struct alias_seq){ ld->aliases[i].a, cfg->n_agents + i };
	qsort(all, n, sizeof *all, alias_seq_cmp);
	cfg->agents = xrealloc(cfg->agents, n * sizeof *cfg->agents);
	cfg->n_agents = 0;
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && strcmp(all[i].a.interface, all[i + 1].a.interface) == 0) {
			free(all[i].a.interface);
			free(all[i].a.name);
			continue;
		}
		cfg->agents[cfg->n_agents++] = all[i].a;
	}
	free(all);
	free(ld->aliases);
	ld->aliases = NULL;
	ld->n_aliases = 0;
}

static void alert_set(struct load *ld, const char *key, const char *value)
{
	char *cause = NULL;
	struct alert_rules *rules = ld->cfg->alert_rules;
	if (duplicate(ld, key))
		return;
	if (alert_rules_set(rules, ld->alert, key, value, &cause) < 0) {
		load_error(ld, ld->lineno, "%s %s: %s", ld->section, key,
		           cause ? cause : "invalid");
	} else {
		seen_add(ld, key);
		alert_rules_note_line(rules, ld->alert, key, ld->lineno);
	}
	free(cause);
}

static int load_handler(void *user, const char *section, const char *name,
                        const char *value)
{
	struct load *ld = user;
	(void)section;   /* the reader tracks sections: inih's stop at 50 bytes */
	switch (ld->kind) {
	case SK_NONE:
		load_error(ld, ld->lineno, "%s: key outside any section", name);
		break;
	case SK_UNKNOWN:
		break;   /* the section was reported */
	case SK_AGENTS:
		agents_add(ld, name, value);
		break;
	case SK_ALERT:
		alert_set(ld, name, value);
		break;
	case SK_CHANNEL:
		channel_set(ld, name, value);
		break;
	default:
		table_set(ld, name, value);
		break;
	}
	return 1;
}

/* Handles "[name]" at s; returns 0, or -1 when it is malformed (reported). */
static int line_section(struct load *ld, char *s)
{
	char *end = strchr(s, ']');
	if (!end) {
		load_error(ld, ld->lineno, "syntax error: '[' without ']'");
		return -1;
	}
	const char *rest = end + 1;
	while (isspace((unsigned char)*rest))
		rest++;
	if (*rest && *rest != ';' && *rest != '#') {
		load_error(ld, ld->lineno, "syntax error: text after ']'");
		return -1;
	}
	*end = '\0';
	s++;
	while (isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	section_begin(ld, s);
	return 0;
}

/* True when s holds '=' or ':' before any inline comment, as inih wants. */
static bool line_has_value(const char *s)
{
	bool was_space = false;
	for (; *s; s++) {
		if (*s == '=' || *s == ':')
			return true;
		if (was_space && *s == ';')
			return false;
		was_space = isspace((unsigned char)*s);
	}
	return false;
}

/* Checks the raw line ld->buf of n bytes (no line ending); returns the text
 * inih should parse, or NULL when the line was dealt with here. */
static char *line_check(struct load *ld, size_t n, int num)
{
	char *s = ld->buf;
	if (ld->lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3, n -= 3;
	if (memchr(s, '\0', n)) {
		load_error(ld, ld->lineno, "NUL byte in line");
		return NULL;
	}
	if (n > (size_t)num - 3) {
		load_error(ld, ld->lineno, "line too long (%zu characters; at most %d)", n, num - 3);
		return NULL;
	}
	while (isspace((unsigned char)*s))   /* no continuation lines: indenting is fine */
		s++;
	if (*s == '\0' || *s == ';' || *s == '#')
		return NULL;
	if (*s == '[') {
		line_section(ld, s);
		return NULL;
	}
	if (!line_has_value(s)) {
		load_error(ld, ld->lineno, "syntax error: expected 'key = value' or '[section]'");
		return NULL;
	}
	return s;
}

/* inih's reader: one physical line per call, checked, counted. */
static char *load_reader(char *str, int num, void *stream)
{
	struct load *ld = stream;
	ssize_t n = getline(&ld->buf, &ld->cap, ld->fp);
	if (n < 0)
		return NULL;
	ld->lineno++;
	if (n > 0 && ld->buf[n - 1] == '\n')
		ld->buf[--n] = '\0';
	if (n > 0 && ld->buf[n - 1] == '\r')
		ld->buf[--n] = '\0';
	const char *s = line_check(ld, (size_t)n, num);
	snprintf(str, (size_t)num, "%s\n", s ? s : "");
	return str;
}

static void load_file(struct load *ld)
{
	struct config *cfg = ld->cfg;
	struct stat st;
	if (fstat(fileno(ld->fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		load_error(ld, 0, "is a directory");
		return;
	}
	int rc = ini_parse_stream(load_reader, ld, load_handler, ld);
	if (rc == -2)
		load_error(ld, 0, "out of memory");
	else if (rc > 0 && rc != ld->last_error_line)
		load_error(ld, rc, "syntax error");
	if (ferror(ld->fp))
		load_error(ld, 0, "read error: %s", strerror(errno));
	agents_commit(ld);
	groups_check(ld);
	cfg->has_secret = cfg->ami_secret != NULL;
	char *cause = NULL;
	int line = 0;
	if (alert_rules_check((const struct alert_rules *)cfg->alert_rules, &cause, &line) < 0)
		load_error(ld, line, "%s", cause ? cause : "invalid alert rules");
	free(cause);
	if (cfg->has_secret && ld->secret_line && (st.st_mode & 077))
		sb_printf(&ld->msgs, "warning: %s:%d: [ami] secret in a file open to group or "
		          "others (mode %03o): chmod 600 %s\n", ld->path, ld->secret_line,
		          (unsigned)(st.st_mode & 0777), ld->path);
}

int config_load(struct config *cfg, const char *path, char **errors)
{
	struct load ld = { .cfg = cfg, .path = path };
	free(cfg->path);
	cfg->path = xstrdup(path);
	ld.fp = fopen(path, "re");   /* "e": close-on-exec */
	if (!ld.fp) {
		load_error(&ld, 0, "cannot open: %s", strerror(errno));
	} else {
		load_file(&ld);
		fclose(ld.fp);
	}
	free(ld.buf);
	seen_free(&ld);
	if (errors)
		*errors = ld.msgs.s;
	else
		free(ld.msgs.s);
	return ld.n_errors;
}

void config_write_keys(FILE *out)
{
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct config_key *k = &config_keys[i];
		const struct iv_spec spec = { k->type, k->min, k->max, k->choices };
		fprintf(out, "%s %s: ", scope_sections(k->scope), k->name);
		iv_write_spec(out, &spec);
		fprintf(out, ", default %s\n\t%s\n", k->def ? k->def : "none", k->help);
	}
}

/* ---- lookups ----------------------------------------------------------- */

static bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* Returns dir + tail with ~ expanded when the result exists, else NULL. */
static char *candidate(const char *dir, const char *tail)
{
	size_t n = strlen(dir) + strlen(tail) + 1;
	char *joined = xmalloc(n);
	snprintf(joined, n, "%s%s", dir, tail);
	char *path = iv_path(joined, getenv("HOME"));
	free(joined);
	if (file_exists(path))
		return path;
	free(path);
	return NULL;
}

char *config_find(void)
{
	const char *env = getenv("CCBOARD_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *p = NULL;
	if (env && *env)
		p = candidate(env, "");
	if (!p && xdg && (xdg[0] == '/' || xdg[0] == '~'))
		p = candidate(xdg, "/ccboard/config.ini");
	else if (!p)
		p = candidate("~", "/.config/ccboard/config.ini");
	if (!p)
		p = candidate("/etc/ccboard/config.ini", "");
	return p;
}

struct queue_conf config_queue(const struct config *cfg, const char *name)
{
	struct queue_conf q = cfg->defaults;
	q.name = NULL;
	q.display = NULL;
	q.set_mask = 0;
	for (size_t i = 0; i < cfg->n_queues; i++) {
		const struct queue_conf *o = &cfg->queues[i];
		if (strcmp(o->name, name) != 0)
			continue;
		for (size_t j = 0; j < N_KEYS; j++) {
			const struct config_key *k = &config_keys[j];
			if (o->set_mask & key_bit(k))
				memcpy((char *)&q + k->offset, (const char *)o + k->offset, key_size(k));
		}
		q.name = o->name;
		q.set_mask = o->set_mask;
		break;
	}
	return q;
}

struct queue_conf config_group(const struct config *cfg, const char *name)
{
	struct queue_conf q = cfg->defaults;
	q.name = NULL;
	q.display = NULL;
	q.members = NULL;
	q.set_mask = 0;
	for (size_t i = 0; i < cfg->n_groups; i++) {
		const struct queue_conf *o = &cfg->groups[i].conf;
		if (strcmp(o->name, name) != 0)
			continue;
		for (size_t j = 0; j < N_KEYS; j++) {
			const struct config_key *k = &config_keys[j];
			if (o->set_mask & key_bit(k))
				memcpy((char *)&q + k->offset, (const char *)o + k->offset, key_size(k));
		}
		q.name = o->name;
		q.set_mask = o->set_mask;
		break;
	}
	return q;
}

static int alias_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct agent_alias *)elem)->interface);
}

const char *config_agent_name(const struct config *cfg, const char *agent)
{
	if (!cfg->n_agents || !agent)
		return agent;
	const struct agent_alias *a = bsearch(agent, cfg->agents, cfg->n_agents,
	                                      sizeof *cfg->agents, alias_cmp);
	return a ? a->name : agent;
}
