/* groups.h - [group.NAME]: teams of queues picked by shell patterns, and
 * their figures as exact aggregates (each call once, each agent once, the
 * total's formulas). Pure. */
#ifndef CCBOARD_GROUPS_H
#define CCBOARD_GROUPS_H

#include <stdbool.h>
#include <stddef.h>

struct snapshot;
struct snap_source;
struct groups_cache;
struct model;
struct config;

/* True when name matches one of patterns ("sales-*, retention, vip": names
 * and fnmatch(3) patterns, comma-separated, blanks around them ignored). */
bool groups_pattern_match(const char *patterns, const char *name);

/* Checks that each of patterns matches at least one of names[0..n-1].
 * Returns 0, or -1 with the first pattern that matches none copied to bad. */
int groups_patterns_check(const char *patterns, const char **names, size_t n, char *bad,
                          size_t badsz);

/* Fills s->groups from s->queues (built, in snapshot order; order[i] is the
 * model index of s->queues[i]) and the model's agents, one per [group.NAME]
 * of cfg in the file's order. Reuses s's memory. */
void groups_fill(struct snapshot *s, const struct model *m, const struct config *cfg,
                 const size_t *order);

/* With s->only set (--group / --queue): keeps in s only that group's queues
 * (or that one queue), their agents and that group; the total becomes the
 * team's figures. A queue not seen yet leaves an empty board. */
void groups_restrict(struct snapshot *s);

/* Frees what groups_fill keeps in s from build to build (snapshot_free calls it). */
void groups_cache_free(struct groups_cache *c);

/* How many queue names the last groups_fill of s matched against patterns
 * (none while the queues and the patterns are as they were). */
size_t groups_last_matches(const struct snapshot *s);

/* The groups of s with no queue yet (their patterns match a configured queue
 * the log has not named yet) as a pseudo-source (kind "groups", state
 * waiting). Returns false when every group has one. */
bool groups_health(const struct snapshot *s, const struct config *cfg, struct snap_source *out);

/* Returns the group of s named name, or NULL. */
const struct snap_group *groups_find(const struct snapshot *s, const char *name);

#endif
