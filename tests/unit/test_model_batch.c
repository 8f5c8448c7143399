/* test_model_batch.c - a model kept for its queues' counts alone (an import):
 * the same queues, today's counts and intervals as a whole model fed the same
 * lines (a day of the demo centre), and no agent figures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "agent_stats.h"
#include "config.h"
#include "demo.h"
#include "model.h"
#include "model_batch.h"
#include "queuelog.h"

struct pair { struct model *whole, *counts; size_t events; };

static void feed(void *ctx, char *line, size_t len)
{
	struct pair *p = ctx;
	struct qevent ev;
	if (line[0] == '{' || queuelog_parse(line, len, &ev) != QL_EVENT)
		return;
	p->events++;
	assert_int_equal(model_submit(p->whole, &ev, MODEL_NO_WALL),
	                 model_submit(p->counts, &ev, MODEL_NO_WALL));
}

static void test_counts_only_same_counts(void **state)
{
	(void)state;
	struct config cfg, batch;
	config_defaults(&cfg);
	batch = cfg;
	batch.window_s = 0;                  /* as the import runs it */
	struct pair p = { model_new(&cfg), model_new(&batch), 0 };
	model_counts_only(p.counts);
	int64_t start = 1767571200;          /* a Monday, 00:00 UTC */
	struct demo *d = demo_new(7, start);
	for (int64_t t = start; t < start + 26 * 3600; t += 600) {   /* past midnight too */
		demo_run_until(d, t, feed, &p);
		model_advance(p.whole, t);
		model_advance(p.counts, t);
	}
	assert_true(p.events > 1000);
	assert_int_equal(model_queue_count(p.whole), model_queue_count(p.counts));
	for (size_t qi = 0; qi < model_queue_count(p.whole); qi++) {
		assert_string_equal(model_queue_name(p.whole, qi), model_queue_name(p.counts, qi));
		assert_memory_equal(model_queue_today(p.whole, qi), model_queue_today(p.counts, qi),
		                    sizeof(struct counts));
		int n1, n2;
		const struct interval *a = model_queue_intervals(p.whole, qi, &n1);
		const struct interval *b = model_queue_intervals(p.counts, qi, &n2);
		assert_int_equal(n1, n2);
		assert_memory_equal(a, b, (size_t)n1 * sizeof *a);
	}
	int with_figs = 0;
	for (size_t ai = 0; ai < model_agent_count(p.whole); ai++)
		with_figs += model_agent_figs_queues(p.whole, ai) > 0;
	assert_true(with_figs > 0);           /* the whole model keeps them */
	for (size_t ai = 0; ai < model_agent_count(p.counts); ai++)
		assert_int_equal(model_agent_figs_queues(p.counts, ai), 0);
	demo_free(d);
	model_free(p.whole);
	model_free(p.counts);
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_only_same_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
