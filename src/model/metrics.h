/* metrics.h - outcome counts and the figures derived from them (SPEC 2.1-2.2). Pure. */
#ifndef CCBOARD_METRICS_H
#define CCBOARD_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"

/* Counts of outcomes and handled-call ends in a period. */
struct counts {
	int64_t offered, answered, answered_within_sl;
	int64_t abandoned, abandoned_short, abandoned_within_sl;
	int64_t timed_out, exited_key, exited_empty, withdrawn;
	int64_t completed, transferred, talk_s;
	int64_t hold_s;          /* sum of CONNECT holdtime (for ASA) */
	int64_t abandon_wait_s;  /* sum of ABANDON waittime */
};

/* Derived figures; NAN where the denominator is 0 (null in JSON). */
struct derived {
	double service_level_pct;
	double abandon_rate_pct;
	double asa_s;
	double aht_s;
	double avg_abandon_wait_s;
};

/* Returns the derived figures of c under formula and wrapup_s. */
struct derived metrics_derive(const struct counts *c, enum sl_formula formula, int wrapup_s);

#define COUNTS_NFIELDS (sizeof(struct counts) / sizeof(int64_t))

/* acc += c, field by field. Inline: every outcome goes through it (today,
 * the window and the intervals count one delta). */
static inline void counts_add(struct counts *acc, const struct counts *c)
{
	int64_t *a = (int64_t *)acc;
	const int64_t *b = (const int64_t *)c;
	for (size_t i = 0; i < COUNTS_NFIELDS; i++)
		a[i] += b[i];
}

/* acc -= c, field by field. */
static inline void counts_sub(struct counts *acc, const struct counts *c)
{
	int64_t *a = (int64_t *)acc;
	const int64_t *b = (const int64_t *)c;
	for (size_t i = 0; i < COUNTS_NFIELDS; i++)
		a[i] -= b[i];
}

/* One counts field by name, for tables that list them (JSON, tests). */
struct counts_field { const char *name; size_t offset; };
extern const struct counts_field counts_fields[];  /* ends with {NULL, 0} */

#endif
