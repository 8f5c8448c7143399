/* test_regress.c - replays, under the normal test build (gcc, ASan, UBSan),
 * every fuzz target's seeds (tests/fuzz/seeds/NAME) and every input that once
 * crashed it (tests/fuzz/regress/NAME), with the targets' own checks; and
 * states each bug the fuzzers found as a plain test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FUZZ_NO_MAIN
#include "../fuzz/fuzz_queuelog.c"
#include "../fuzz/fuzz_linebuf.c"
#include "../fuzz/fuzz_config.c"
#include "../fuzz/fuzz_model.c"
#include "../fuzz/fuzz_contact.c"
#if __has_include("ami.h")
#include "../fuzz/fuzz_ami.c"
#define HAVE_AMI 1
#endif

static const char *current_input = "(none)";

_Noreturn void fuzz_failed(const char *file, int line, const char *cond)
{
	fail_msg("%s:%d: invariant failed: %s\n  on input %s", file, line, cond, current_input);
	abort();   /* fail_msg does not return */
}

typedef void (*one_fn)(const uint8_t *data, size_t size);

/* Reads a whole file; returns malloc'ed bytes and sets *size. */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	long n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	uint8_t *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*size = (size_t)n;
	return buf;
}

/* Runs fn on every file of dir; returns how many (0 when dir is missing). */
static int replay_dir(const char *dir, one_fn fn)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	char path[4096];

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		size_t size;
		uint8_t *data = read_file(path, &size);
		current_input = path;
		fn(data, size);
		current_input = "(none)";
		free(data);
		n++;
	}
	closedir(d);
	return n;
}

/* Seeds must exist; regressions may not (yet). */
static void replay(const char *name, one_fn fn)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/fuzz/seeds/%s", CCBOARD_SRCDIR, name);
	assert_true(replay_dir(dir, fn) > 0);
	snprintf(dir, sizeof dir, "%s/tests/fuzz/regress/%s", CCBOARD_SRCDIR, name);
	replay_dir(dir, fn);
}

static void test_replay_queuelog(void **state)
{
	(void)state;
	replay("queuelog", fuzz_queuelog_one);
}

static void test_replay_linebuf(void **state)
{
	(void)state;
	replay("linebuf", fuzz_linebuf_one);
}

static void test_replay_config(void **state)
{
	(void)state;
	replay("config", fuzz_config_one);
}

static void test_replay_model(void **state)
{
	(void)state;
	replay("model", fuzz_model_one);
}

static void test_replay_contact(void **state)
{
	(void)state;
	replay("contact", fuzz_contact_one);
}

#ifdef HAVE_AMI
static void test_replay_ami(void **state)
{
	(void)state;
	replay("ami", fuzz_ami_one);
}
#endif

/* Runs queue_log text through parser, model and snapshot; returns the JSON. */
static json_t *json_of_log(const char *text)
{
	struct config cfg;
	struct snapshot s = { 0 };
	struct qevent ev;
	char *buf = NULL;
	size_t len = 0;

	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	char *copy = strdup(text);
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n"))
		if (queuelog_parse(line, strlen(line), &ev) == QL_EVENT)
			model_apply(m, &ev);
	free(copy);
	snapshot_build(&s, m, &cfg);
	FILE *mem = open_memstream(&buf, &len);
	assert_non_null(mem);
	assert_int_equal(snapshot_write_json(&s, mem), 0);
	fclose(mem);
	json_t *root = json_loadb(buf, len, 0, NULL);
	free(buf);
	snapshot_free(&s);
	model_free(m);
	config_free(&cfg);
	return root;
}

/* Found by fuzz_model: a queue name in Latin-1 (any bytes that are not UTF-8,
 * as old PBX configs have) made jansson refuse the string, and the queue was
 * written to the JSON with no "name". */
static void test_json_queue_name_not_utf8(void **state)
{
	(void)state;
	json_t *root = json_of_log("1767261600|1.1|caf\xe9|NONE|ENTERQUEUE||5551234|1\n"
	                           "1767261630|1.1|caf\xe9|NONE|ABANDON|1|1|30\n");
	assert_non_null(root);
	json_t *q = json_array_get(json_object_get(root, "queues"), 0);
	assert_non_null(q);
	assert_true(json_is_string(json_object_get(q, "name")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(q, "today"),
	                                                    "abandoned")), 1);
	json_decref(root);
}

/* Found by fuzz_model: PAUSE / UNPAUSE with no agent (event.h allows NULL
 * strings; queue_log refuses such a line, another source may not) made the
 * model intern a NULL name (fixed: ignored like the member events are). */
static void test_pause_without_agent(void **state)
{
	(void)state;
	struct config cfg;
	struct agent_counts per[4], total;
	config_defaults(&cfg);
	struct model *m = model_new(&cfg);
	struct qevent ev = { .time = 1767261600, .kind = EV_ADDMEMBER, .queue = "sales",
		.agent = "Alex", .hold_s = -1, .talk_s = -1, .wait_s = -1, .ring_ms = -1 };
	model_apply(m, &ev);
	ev.kind = EV_PAUSE;
	ev.agent = NULL;
	ev.reason = "lunch";
	model_apply(m, &ev);
	ev.kind = EV_UNPAUSE;
	ev.queue = NULL;
	model_apply(m, &ev);
	assert_int_equal(model_queue_count(m), 1);
	model_agent_counts(m, per, &total);
	assert_int_equal(total.logged_in, 1);
	assert_int_equal(total.paused, 0);
	assert_int_equal(total.available, 1);
	model_free(m);
	config_free(&cfg);
}

#ifdef HAVE_AMI
static void keep_time(void *ctx, const struct qevent *ev)
{
	*(int64_t *)ctx = ev->time;
}

/* Maps one framed message received at 1795468875.5, keeping the event time. */
static void regress_ami_msg(void *ctx, const struct ami_msg *msg)
{
	struct { struct ami_mapper *m; int64_t *t; } *c = ctx;
	ami_mapper_feed(c->m, msg, 1795468875.5, keep_time, c->t);
}

/* Found by fuzz_ami: a Timestamp such as 1e300 passed strtod and isfinite and
 * was cast to int64_t (undefined behaviour; clang's UBSan stops there, gcc's
 * does not check float casts). An absurd stamp must not be used as the time. */
static void test_ami_timestamp_out_of_range(void **state)
{
	(void)state;
	static const char *const stamps[] = { "1e300", "-1e300", "9.3e18", "1e19" };
	for (size_t i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
		char text[256];
		int n = snprintf(text, sizeof text, "Event: QueueCallerJoin\r\nTimestamp: %s\r\n"
		                 "Queue: sales\r\nUniqueid: 1.1\r\nCallerIDNum: 555\r\n\r\n",
		                 stamps[i]);
		struct ami_framer f;
		struct ami_mapper m;
		int64_t t = 0;
		struct { struct ami_mapper *m; int64_t *t; } ctx = { &m, &t };
		ami_framer_init(&f);
		ami_mapper_init(&m);
		f.greeted = true;
		ami_framer_feed(&f, text, (size_t)n, regress_ami_msg, &ctx);
		assert_int_equal(t, 1795468875);
		ami_mapper_free(&m);
		ami_framer_free(&f);
	}
}
#endif

int main(void)
{
	setenv("TZ", "UTC", 1);
	/* The tests that abort the process (UBSan, a NULL dereference) come last. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_queue_name_not_utf8),
#ifdef HAVE_AMI
		cmocka_unit_test(test_ami_timestamp_out_of_range),
#endif
		cmocka_unit_test(test_replay_queuelog),
		cmocka_unit_test(test_replay_contact),
		cmocka_unit_test(test_replay_linebuf),
		cmocka_unit_test(test_replay_config),
		cmocka_unit_test(test_replay_model),
#ifdef HAVE_AMI
		cmocka_unit_test(test_replay_ami),
#endif
		cmocka_unit_test(test_pause_without_agent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
