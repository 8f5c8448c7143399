/* test_exposition.c - the Prometheus text format: the names dashboards rely
 * on, one HELP and TYPE per family, label values escaped, ratios 0..1, NaN for
 * a figure with no denominator. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "exposition.h"
#include "snapshot.h"

static char *render(const struct snapshot *s, const struct expo_process *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	assert_non_null(mem);
	assert_int_equal(expo_write(s, p, mem), 0);
	fclose(mem);
	return buf;
}

/* Two queues (one with a name that needs escaping), one alert, two sources. */
static void fill(struct snapshot *s, struct snap_queue q[2], struct snap_alert *al,
                 struct snap_source src[2])
{
	memset(s, 0, sizeof *s);
	memset(q, 0, 2 * sizeof *q);
	q[0].name = "sales";
	q[0].waiting = 3;
	q[0].longest_wait_s = 41;
	q[0].agents.available = 2;
	q[0].today.c.offered = 10;
	q[0].today.d.service_level_pct = 71.5;
	q[0].window.d.service_level_pct = NAN;
	q[0].today.d.asa_s = 12.25;
	q[0].window.d.aht_s = 100.0 / 3;     /* written as the JSON writes it: 33.33 */
	q[0].window.d.asa_s = NAN;
	q[1].name = "we\\ird \"q\"\nx";
	q[1].today.d.service_level_pct = NAN;
	q[1].window.d.service_level_pct = NAN;
	s->n_queues = 2;
	s->queues = q;
	memset(al, 0, sizeof *al);
	snprintf(al->rule, sizeof al->rule, "sl_low");
	snprintf(al->queue, sizeof al->queue, "sales");
	al->severity = SEV_CRITICAL;
	s->n_alerts = 1;
	static const struct snap_alert *alp;   /* the snapshot points at its alerts */
	alp = al;
	s->alerts = &alp;
	memset(src, 0, 2 * sizeof *src);
	snprintf(src[0].name, sizeof src[0].name, "/var/log/asterisk/queue_log");
	src[0].kind = "file";
	src[0].state = SRC_FOLLOWING;
	src[0].lines = 1234;
	src[0].bad_lines = 2;
	snprintf(src[1].name, sizeof src[1].name, "pbx");
	src[1].kind = "ami";
	src[1].state = SRC_RETRYING;
	s->n_sources = 2;
	s->sources = src;
	s->as_of = 1767283199;
}

static void test_names_dashboards_rely_on(void **state)
{
	struct snapshot s;
	struct snap_queue q[2];
	struct snap_alert al;
	struct snap_source src[2];
	struct expo_process p = { .known = true, .resident_bytes = 4096, .cpu_seconds = 1.5,
	                          .start_time_seconds = 1767283000 };
	(void)state;
	fill(&s, q, &al, src);
	char *t = render(&s, &p);
	static const char *const want[] = {
		"ccboard_queue_waiting{queue=\"sales\"} 3\n",
		"ccboard_queue_longest_wait_seconds{queue=\"sales\"} 41\n",
		"ccboard_queue_offered_today{queue=\"sales\"} 10\n",
		"ccboard_queue_answered_today{queue=\"sales\"} 0\n",
		"ccboard_queue_abandoned_today{queue=\"sales\"} 0\n",
		"ccboard_queue_service_level_ratio{queue=\"sales\",period=\"today\"} 0.715\n",
		"ccboard_queue_service_level_ratio{queue=\"sales\",period=\"window\"} NaN\n",
		"ccboard_queue_asa_seconds{queue=\"sales\",period=\"today\"} 12.25\n",
		"ccboard_queue_asa_seconds{queue=\"sales\",period=\"window\"} NaN\n",
		"ccboard_agents{queue=\"sales\",state=\"available\"} 2\n",
		"ccboard_queue_aht_seconds{queue=\"sales\",period=\"window\"} 33.33\n",
		"ccboard_agents{queue=\"sales\",state=\"logged_in\"} 0\n",
		"ccboard_agents{queue=\"sales\",state=\"on_call\"} 0\n",
		"ccboard_agents{queue=\"sales\",state=\"paused\"} 0\n",
		"ccboard_agents{queue=\"sales\",state=\"wrapup\"} 0\n",
		"ccboard_alert_active{rule=\"sl_low\",queue=\"sales\",severity=\"critical\"} 1\n",
		"ccboard_source_up{source=\"/var/log/asterisk/queue_log\",kind=\"file\"} 1\n",
		"ccboard_source_up{source=\"pbx\",kind=\"ami\"} 0\n",
		"ccboard_source_lines_total{source=\"/var/log/asterisk/queue_log\"} 1234\n",
		"ccboard_source_bad_lines_total{source=\"/var/log/asterisk/queue_log\"} 2\n",
		"# TYPE ccboard_source_lines_total counter\n",
		"# TYPE ccboard_queue_offered_today gauge\n",
		"process_resident_memory_bytes 4096\n",
		"process_cpu_seconds_total 1.5\n",
		"# TYPE process_cpu_seconds_total counter\n",
		"process_start_time_seconds 1767283000\n",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(t, want[i]))
			fail_msg("missing: %s\nin:\n%s", want[i], t);
	free(t);
}

static void test_label_values_escaped(void **state)
{
	struct snapshot s;
	struct snap_queue q[2];
	struct snap_alert al;
	struct snap_source src[2];
	(void)state;
	fill(&s, q, &al, src);
	char *t = render(&s, NULL);
	assert_non_null(strstr(t, "ccboard_queue_waiting{queue=\"we\\\\ird \\\"q\\\"\\nx\"} 0\n"));
	/* no raw newline inside a sample: every line starts with # or a name */
	for (char *line = t; *line; line = strchr(line, '\n') + 1) {
		assert_true(*line == '#' || (*line >= 'a' && *line <= 'z'));
		if (!strchr(line, '\n'))
			break;
	}
	assert_null(strstr(t, "process_"));   /* no process figures when none are given */
	free(t);
}

/* Each family has exactly one HELP and one TYPE, before its samples, and its
 * samples are together. */
static char *label(const char *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	expo_label_value(mem, v);
	fclose(mem);
	return buf;
}

/* Prometheus refuses a whole scrape with a label that is not UTF-8. */
static void test_label_values_utf8(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "caf\xc3\xa9", "caf\xc3\xa9" },                 /* valid: kept */
		{ "\xe2\x82\xac 5", "\xe2\x82\xac 5" },
		{ "a\xff" "b", "a\xef\xbf\xbd" "b" },                /* a stray byte */
		{ "\xc3", "\xef\xbf\xbd" },                       /* cut short */
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },       /* overlong '/' */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },  /* a surrogate */
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = label(cases[i].in);
		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void test_one_help_and_type_per_family(void **state)
{
	struct snapshot s;
	struct snap_queue q[2];
	struct snap_alert al;
	struct snap_source src[2];
	struct expo_process p = { .known = true };
	(void)state;
	fill(&s, q, &al, src);
	char *t = render(&s, &p);
	char seen[256][128];
	size_t n = 0;
	char current[128] = "";
	for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
		char name[128];
		if (sscanf(line, "# HELP %127s", name) == 1) {
			for (size_t i = 0; i < n; i++)
				if (strcmp(seen[i], name) == 0)
					fail_msg("HELP twice for %s", name);
			assert_true(n < 256);
			snprintf(seen[n++], sizeof seen[0], "%s", name);
			snprintf(current, sizeof current, "%s", name);
		} else if (sscanf(line, "# TYPE %127s", name) == 1) {
			assert_string_equal(name, current);
		} else {
			size_t len = strcspn(line, "{ ");
			if (strlen(current) != len || strncmp(line, current, len) != 0)
				fail_msg("sample outside its family %s: %s", current, line);
		}
	}
	assert_true(n > 20);
	free(t);
}

/* Every figure of the catalogue has a family whose name follows the
 * conventions: ccboard_ prefix, _seconds or _ratio for units, no _total. */
static void test_every_figure_named(void **state)
{
	(void)state;
	for (size_t i = 0; i < figures_count; i++) {
		char fam[128];
		const char *ln, *lv;
		double scale;
		expo_figure_family(&figures[i], fam, sizeof fam, &ln, &lv, &scale);
		assert_int_equal(strncmp(fam, "ccboard_", 8), 0);
		assert_null(strstr(fam, "_total"));
		assert_null(strstr(fam, "_pct"));
		if (figures[i].unit == FIG_UNIT_PCT) {
			assert_non_null(strstr(fam, "_ratio"));
			assert_true(scale == 100);
		}
		if (figures[i].unit == FIG_UNIT_SECONDS)
			assert_non_null(strstr(fam, "_seconds"));
		for (const char *c = fam; *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') || *c == '_');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_dashboards_rely_on),
		cmocka_unit_test(test_label_values_escaped),
		cmocka_unit_test(test_label_values_utf8),
		cmocka_unit_test(test_one_help_and_type_per_family),
		cmocka_unit_test(test_every_figure_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
