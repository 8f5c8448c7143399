/* metrics.c - counts and derived figures (SPEC 2.2). */
#include "metrics.h"

#include <math.h>
#include <stddef.h>

#define F(name) { #name, offsetof(struct counts, name) }
const struct counts_field counts_fields[] = {
	F(offered), F(answered), F(answered_within_sl), F(abandoned), F(abandoned_short),
	F(abandoned_within_sl), F(timed_out), F(exited_key), F(exited_empty), F(withdrawn),
	F(completed), F(transferred), F(talk_s), F(hold_s), F(abandon_wait_s),
	{ NULL, 0 },
};
#undef F


/* num / den as a percentage, NAN when den is 0. */
static double pct(int64_t num, int64_t den)
{
	return den > 0 ? 100.0 * (double)num / (double)den : NAN;
}

static double ratio(int64_t num, int64_t den)
{
	return den > 0 ? (double)num / (double)den : NAN;
}

struct derived metrics_derive(const struct counts *c, enum sl_formula formula, int wrapup_s)
{
	struct derived d;
	int64_t counted = c->offered - c->abandoned_short;
	int64_t handled = c->completed + c->transferred;

	switch (formula) {
	case SL_ANSWERED:
		d.service_level_pct = pct(c->answered_within_sl, c->answered);
		break;
	case SL_ABANDONS_POSITIVE:
		d.service_level_pct = pct(c->answered_within_sl + c->abandoned_within_sl, counted);
		break;
	case SL_OFFERED:
	default:
		d.service_level_pct = pct(c->answered_within_sl, counted);
		break;
	}
	d.abandon_rate_pct = pct(c->abandoned - c->abandoned_short, counted);
	d.asa_s = ratio(c->hold_s, c->answered);
	d.aht_s = ratio(c->talk_s + (int64_t)wrapup_s * handled, handled);
	d.avg_abandon_wait_s = ratio(c->abandon_wait_s, c->abandoned);
	return d;
}
