/* config.h - config.ini: one table of keys drives parsing, validation and --check-config. */
#ifndef CCBOARD_CONFIG_H
#define CCBOARD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum sl_formula { SL_OFFERED, SL_ANSWERED, SL_ABANDONS_POSITIVE };

/* Settings that apply to one queue: [defaults] gives them to every queue,
 * [queue.NAME] overrides them for one. */
struct queue_conf {
	char *name;              /* NULL in [defaults] */
	char *display;           /* display name; NULL: the queue's own name */
	int sl_threshold_s;      /* 20 */
	double sl_target_pct;    /* 80 */
	int short_abandon_s;     /* 5 */
	int wrapup_s;            /* 0 */
	enum sl_formula sl_formula;
	int erlang;              /* staffing model: 0 Erlang C, 1 Erlang A (an enum index) */
	int future_slack_s;      /* 300; [defaults] only: a line stamped later than the
	                            wall clock plus this is a bad line */
	int repeat_window_s;     /* 86400; [defaults] only: contacts (SPEC 6.3) */
	int pivot_window_s;      /* 86400; [defaults] only */
	int stale_contact_s;     /* 2592000; [defaults] only: open contacts forgotten */
	int frt_target_s;        /* 0 (unset): contacts' first-response target (SPEC 6.3);
	                            [queue.NAME] first, then [channel.NAME], then [defaults] */
	uint64_t set_mask;       /* which keys the section set (bit per key), so
	                            [defaults] can be applied under an override */
	char *members;           /* [group.NAME] queues: the patterns as written; NULL elsewhere */
};

/* [group.NAME]: a team of queues picked by shell patterns, with its own SLA
 * keys over [defaults] (conf.name is the group's name). */
struct group_conf {
	struct queue_conf conf;
	int line;                /* where its queues = (else its section) was read */
};

/* [channel.NAME]: a contact channel (SPEC 6). */
struct channel_conf {
	char *name;
	char *display;           /* NULL: the channel's own name */
	int frt_target_s;        /* 0: the built-in default of SPEC 6.3 */
};

struct agent_alias {            /* [agents] interface = name */
	char *interface;
	char *name;
};

struct config {
	char *path;              /* the file read, or NULL for built-in defaults */
	/* [general] */
	char *site;              /* header title; default "ccboard" */
	int tick_ms;             /* 1000 */
	int window_s;            /* 900 */
	int day_start_min;       /* minutes after local midnight; 0 */
	int stale_call_s;        /* 14400 */
	int max_queues;          /* 5000: lines naming a new queue past it are bad */
	int max_agents;          /* 50000: the same for agents */
	bool mask_customers;     /* true: customer ids shown masked on screen (custmask.h) */
	char *theme;             /* "default" */
	char *themes_dir;        /* NULL: built-in search */
	bool bell;               /* ring/flash on a new critical alert; true */
	bool flash;              /* flash instead of beep; false */
	char *alert_log;         /* NULL: none */
	char *alert_exec;        /* NULL: none */
	int alert_exec_timeout_s; /* 30: a hook running longer is killed */
	char **sources;          /* [sources] or [general] source = ...; NULL-terminated */
	size_t n_sources;
	char *listen_allow;      /* [sources] allow: CIDRs that may connect to tcp: listeners */
	int listen_idle_s;       /* [sources] idle_timeout_s: 300; 0 never */
	/* [defaults] and [queue.NAME] */
	struct queue_conf defaults;
	struct queue_conf *queues;
	size_t n_queues;
	/* [group.NAME] */
	struct group_conf *groups;
	size_t n_groups;
	/* [channel.NAME] */
	struct channel_conf *channels;
	size_t n_channels;
	/* [agents] */
	struct agent_alias *agents;
	size_t n_agents;
	/* [alert.NAME] sections are handed to the alerts module as they are read. */
	void *alert_rules;       /* struct alert_rules *, owned */
	/* AMI secrets: [ami] secret = / secret_file = */
	char *ami_secret;
	char *ami_secret_file;
	int ami_resync_s;        /* [ami] resync_s: QueueStatus every N s; 60, 0: never */
	/* [http] */
	char *http_listen;       /* NULL: no listener (unless --http) */
	char *http_token_file;   /* NULL: POST /events refused */
	int http_max_body;       /* bytes; 1M */
	bool http_agent_metrics; /* series per agent in /metrics; false */
	/* history (SPEC 7) */
	bool history;            /* [general] history: yes; no: no database at all */
	char *history_path;      /* [history] path; NULL: $XDG_STATE_HOME/ccboard/history.sqlite3 */
	int history_weeks;       /* [history] history_weeks: 8 */
	/* for the file-permission warning on secrets */
	bool has_secret;
};

/* Returns [channel.NAME] of name, or NULL when the file has none. */
const struct channel_conf *config_channel(const struct config *cfg, const char *name);

/* Fills cfg with the built-in defaults (no file). */
void config_defaults(struct config *cfg);

/* Reads path into cfg (which must hold config_defaults()). Returns the number
 * of errors; each error is appended to *errors as "file:line: what" lines
 * (malloc'ed, caller frees; NULL when none). Unknown sections and keys are errors.
 * Warnings (an [ami] secret in a file open to group or others) are appended
 * too, as "warning: file:line: what" lines, but are not counted. */
int config_load(struct config *cfg, const char *path, char **errors);

/* Returns the first existing config path from $CCBOARD_CONFIG,
 * $XDG_CONFIG_HOME/ccboard/config.ini (or ~/.config/...), /etc/ccboard/config.ini,
 * or NULL. The string is malloc'ed. */
char *config_find(void);

/* Returns the settings in force for queue name: [defaults] under [queue.name].
 * The returned pointer's strings belong to cfg. */
struct queue_conf config_queue(const struct config *cfg, const char *name);

/* Returns the settings in force for group name ([defaults] under
 * [group.name]; members NULL when there is no such group). */
struct queue_conf config_group(const struct config *cfg, const char *name);

/* Returns the member name for an agent field (mapping an interface through
 * [agents]), or the field itself when it is not an interface listed there. */
const char *config_agent_name(const struct config *cfg, const char *agent);

/* Frees everything cfg owns. */
void config_free(struct config *cfg);

/* Writes the reference of every key (where, type, range, default, help),
 * from the same table that parses them, to out. */
void config_write_keys(FILE *out);

/* "offered" / "answered" / "abandons_positive" */
const char *config_sl_formula_name(enum sl_formula f);

#endif
