/* alerts.h - alert rules (config [alert.NAME]) and their state machine (SPEC 5).
 * Pure: evaluates a snapshot at a time passed in. */
#ifndef CCBOARD_ALERTS_H
#define CCBOARD_ALERTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "snapshot.h"

struct alert_rules;   /* the rules read from config (with the defaults) */
struct alerts;        /* the live state of every rule x queue */

/* Returns a rule set holding the built-in default rules. */
struct alert_rules *alert_rules_new(void);
void alert_rules_free(struct alert_rules *r);

/* Sets key = value of rule name (config section [alert.NAME]); creates the rule
 * on first use. Returns 0, or -1 with *cause (malloc'ed) saying what is wrong. */
int alert_rules_set(struct alert_rules *r, const char *name, const char *key,
                    const char *value, char **cause);

/* Writes the reference of every key of [alert.NAME] (type or syntax, default,
 * help), from the same rows that parse them, to out. */
void alert_rules_write_keys(FILE *out);

/* Checks each rule is complete. Returns 0, or -1 with *cause. */
int alert_rules_validate(const struct alert_rules *r, char **cause);

/* As alert_rules_validate, and sets *line (if not NULL) to the config line of
 * the bad rule (the key that made it bad where known; 0: a built-in rule). */
int alert_rules_check(const struct alert_rules *r, char **cause, int *line);

/* Notes that key of rule name was set at config line line, for messages. */
void alert_rules_note_line(struct alert_rules *r, const char *name, const char *key, int line);

/* Fills out (room for max) with how the built-in rules grade the figures
 * they watch, as r has them: a site's [alert.NAME] for a built-in NAME sets
 * its figure's colour levels too (metric, op, warning, critical, min_offered;
 * enabled = no silences the alert only). Returns how many. */
size_t alert_rules_gradings(const struct alert_rules *r, struct fig_grading *out, size_t max);

struct ct_grading;
/* The same for the contact figures: how each built-in rule on them (and each
 * site's rule of the same name) grades its figure, for the screen's colours
 * (ct_figure_grade). Returns how many; the strings belong to r. */
size_t alert_rules_ct_gradings(const struct alert_rules *r, struct ct_grading *out, size_t max);
/* Returns the lowest level (warning, else critical) of the first rule of r
 * watching agent figure metric ("call_duration_s") upward, enabled or not
 * (it marks the screen as a built-in rule's levels grade it); 0 when none. */
double alert_rules_agent_level(const struct alert_rules *r, const char *metric);
/* Whether an enabled rule of r watches an agent figure beyond the brief
 * ones (agent_figure_brief: its counts, as rna_count): alerts_eval then
 * reads the agents' figures whole (snapshot.agent_figs_brief false). */
bool alert_rules_read_agent_counts(const struct alert_rules *r);

/* One change of an alert: raised, escalated, eased, cleared. */
enum alert_change { ALERT_RAISED, ALERT_ESCALATED, ALERT_EASED, ALERT_CLEARED };
struct alert_event {
	enum alert_change change;
	struct snap_alert alert;
};
typedef void (*alert_event_fn)(void *ctx, const struct alert_event *ev);

struct alerts *alerts_new(const struct alert_rules *rules);
void alerts_free(struct alerts *a);
/* Swaps in new rules (config reload): live alerts of rules that remain
 * unchanged are kept; a rule that changed starts afresh (its alert clears,
 * its pending timers restart); a rule that is gone clears. */
void alerts_set_rules(struct alerts *a, const struct alert_rules *rules);

/* Evaluates every rule on s at now; calls fn for each change; then writes the
 * active alerts, newest first, into s->alerts/n_alerts (memory owned by a). */
void alerts_eval(struct alerts *a, struct snapshot *s, int64_t now, alert_event_fn fn, void *ctx);

/* How many active alerts' messages a has rendered since alerts_new: a
 * message is rendered when what it says changed (value, threshold, level,
 * queue's display name, staffing gap), not on every eval. */
size_t alerts_messages_rendered(const struct alerts *a);
/* How many (rule, queue or agent) states a keeps: those with an alert or a
 * level pending (a quiet queue has none). */
size_t alerts_entry_count(const struct alerts *a);

/* Marks every active alert acknowledged (key 'a'). */
void alerts_ack(struct alerts *a);

const char *alert_change_name(enum alert_change c);

/* Writes v with at most one decimal, whatever the locale ("null" for NAN). */
void alerts_format_number(char *buf, size_t sz, double v);

#endif
