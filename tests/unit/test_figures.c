/* test_figures.c - the catalogue of figures: names, getters, the JSON and text
 * writers that walk it, and the alert metric names it answers to. */
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "figures.h"
#include "snapshot.h"

/* A queue whose every counted, derived and agent field holds its own number,
 * so a getter reading the wrong field gives the wrong number. */
static void distinct_queue(struct snap_queue *q, const char *name, int base)
{
	int64_t *c[2] = { (int64_t *)(void *)&q->today.c, (int64_t *)(void *)&q->window.c };
	double *d[2] = { (double *)(void *)&q->today.d, (double *)(void *)&q->window.d };
	int *a = (int *)(void *)&q->agents;
	int k = base;

	memset(q, 0, sizeof *q);
	q->name = (char *)name;
	q->display = name;
	q->sl_target_pct = 80;
	q->sl_threshold_s = 20;
	q->waiting = ++k;
	q->longest_wait_s = ++k;
	for (size_t i = 0; i < sizeof q->agents / sizeof(int); i++)
		a[i] = ++k;
	for (int p = 0; p < 2; p++) {
		for (size_t i = 0; i < sizeof q->today.c / sizeof(int64_t); i++)
			c[p][i] = ++k;
		for (size_t i = 0; i < sizeof q->today.d / sizeof(double); i++)
			d[p][i] = ++k + 0.25;
	}
}

static void test_names_unique_and_labelled(void **state)
{
	(void)state;
	assert_true(figures_count >= 40);
	for (size_t i = 0; i < figures_count; i++) {
		const struct figure *f = &figures[i];
		assert_non_null(f->name);
		assert_true(f->label && *f->label);
		assert_true(f->short_label && *f->short_label);
		assert_true(f->type != FIG_FN || f->get != NULL);
		for (size_t j = i + 1; j < figures_count; j++)
			if (strcmp(f->name, figures[j].name) == 0)
				fail_msg("figure '%s' is in the catalogue twice", f->name);
		assert_ptr_equal(figure_find(f->name), f);
		assert_int_equal(figure_index(f), i);
	}
	assert_null(figure_find("bogus"));
}

/* The JSON value at the figure's group and key, or NULL. */
static json_t *json_at(json_t *queue, const struct figure *f)
{
	const char *key, *group = figure_group(f, &key);
	json_t *o = *group ? json_object_get(queue, group) : queue;
	return o ? json_object_get(o, key) : NULL;
}

static json_t *write_and_read(const struct snapshot *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	json_error_t err;
	json_t *root;

	assert_non_null(mem);
	assert_int_equal(snapshot_write_json(s, mem), 0);
	fclose(mem);
	root = json_loads(buf, 0, &err);
	free(buf);
	assert_non_null(root);
	return root;
}

/* Every getter gives the number the JSON shows, at the key its name says. */
static void test_getters_match_json(void **state)
{
	struct snap_queue q[1];
	struct snapshot s;
	json_t *root, *jq;
	size_t seen = 0;

	(void)state;
	memset(&s, 0, sizeof s);
	distinct_queue(&q[0], "sales", 0);
	distinct_queue(&s.total, "total", 1000);
	s.queues = q;
	s.n_queues = 1;
	s.window_s = 900;
	root = write_and_read(&s);
	for (int t = 0; t < 2; t++) {
		const struct snap_queue *sq = t ? &s.total : &q[0];
		jq = t ? json_object_get(root, "total") : json_array_get(json_object_get(root, "queues"), 0);
		assert_non_null(jq);
		for (size_t i = 0; i < figures_count; i++) {
			const struct figure *f = &figures[i];
			json_t *j = json_at(jq, f);
			if (f->flags & FIG_NOJSON) {
				assert_null(j);
				continue;
			}
			if (j == NULL)
				fail_msg("figure '%s' is not in the JSON", f->name);
			if (fabs(json_number_value(j) - figure_value(f, sq)) > 1e-9)
				fail_msg("figure '%s': getter %g, JSON %g", f->name, figure_value(f, sq),
				         json_number_value(j));
			assert_int_equal(json_is_integer(j), f->type != FIG_REAL);
			seen++;
		}
	}
	assert_int_equal(json_integer_value(json_object_get(json_object_get(jq, "window"),
	                                                    "seconds")), 900);
	assert_true(seen >= 2 * (figures_count - 3));   /* no_agent_available, sl_predicted_pct,
	                                                   agents_required */
	json_decref(root);
}

/* The computed figure: callers waiting while no agent is free. */
static void test_no_agent_available(void **state)
{
	const struct figure *f = figure_find("no_agent_available");
	struct snap_queue q;

	(void)state;
	memset(&q, 0, sizeof q);
	assert_non_null(f);
	q.waiting = 3;
	assert_true(figure_value(f, &q) == 3);
	q.agents.available = 1;
	assert_true(figure_value(f, &q) == 0);
	q.waiting = 0;
	q.agents.available = 0;
	assert_true(figure_value(f, &q) == 0);
}

/* Every metric name alerts have accepted resolves as before; the others do not. */
static void test_metric_names(void **state)
{
	static const char *const same[][2] = {
		{ "window.service_level_pct", "window.service_level_pct" },
		{ "today.abandon_rate_pct", "today.abandon_rate_pct" },
		{ "service_level_pct", "window.service_level_pct" },
		{ "offered", "window.offered" },
		{ "hold_s", "window.hold_s" },
		{ "today.abandon_wait_s", "today.abandon_wait_s" },
		{ "available", "agents.available" },
		{ "agents.available", "agents.available" },
		{ "agents.unavailable", "agents.unavailable" },
		{ "logged_in", "agents.logged_in" },
		{ "waiting", "waiting" },
		{ "agents.waiting", "waiting" },
		{ "longest_wait_s", "longest_wait_s" },
		{ "no_agent_available", "no_agent_available" },
		{ "agents.offered", "window.offered" },
	};
	static const char *const bad[] = { "bogus", "today.waiting", "window.available",
		"agents.today.offered", "today.", "window.seconds", "", "today.agents.available" };

	(void)state;
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		const struct figure *f = figure_lookup_metric(same[i][0]);
		if (f == NULL || strcmp(f->name, same[i][1]) != 0)
			fail_msg("metric '%s': %s, not %s", same[i][0], f ? f->name : "none",
			         same[i][1]);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (figure_lookup_metric(bad[i]) != NULL)
			fail_msg("metric '%s' is accepted", bad[i]);
	/* every figure answers to its own name */
	for (size_t i = 0; i < figures_count; i++)
		assert_ptr_equal(figure_lookup_metric(figures[i].name), &figures[i]);
}

/* The text table walks the catalogue: its headings are the short labels. */
static void test_text_headings(void **state)
{
	struct snapshot s;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	(void)state;
	memset(&s, 0, sizeof s);
	distinct_queue(&s.total, "total", 0);
	s.total.today.d.service_level_pct = NAN;
	assert_int_equal(snapshot_write_text(&s, mem), 0);
	fclose(mem);
	assert_non_null(strstr(buf, "queue             wait longest  offered answered abandon "
	                            "   SL% aband%   ASA   AHT    in avail  call pause\n"));
	assert_non_null(strstr(buf, "\ntotal                1    0:02 "));
	assert_non_null(strstr(buf, "     - "));   /* no SL today */
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_unique_and_labelled),
		cmocka_unit_test(test_getters_match_json),
		cmocka_unit_test(test_no_agent_available),
		cmocka_unit_test(test_metric_names),
		cmocka_unit_test(test_text_headings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
