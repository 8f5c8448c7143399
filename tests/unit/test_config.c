/* test_config.c - config.ini: every key type, overrides, the exact file:line
 * messages for each kind of mistake, config_queue and config_agent_name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#define DATA_DIR CCBOARD_SRCDIR "/tests/unit/data/config"

/* Loads name over the defaults; returns the error count, *errors as given. */
static int load(struct config *cfg, const char *name, char **errors)
{
	config_defaults(cfg);
	return config_load(cfg, name, errors);
}

/* Asserts that loading name gives exactly n errors and the messages want. */
static void expect_load(const char *name, int n, const char *want)
{
	struct config cfg;
	char *errors = NULL;
	int got = load(&cfg, name, &errors);
	assert_string_equal(errors ? errors : "", want);
	assert_int_equal(got, n);
	free(errors);
	config_free(&cfg);
}

static void test_defaults(void **state)
{
	(void)state;
	struct config cfg;
	config_defaults(&cfg);
	assert_null(cfg.path);
	assert_string_equal(cfg.site, "ccboard");
	assert_int_equal(cfg.tick_ms, 1000);
	assert_int_equal(cfg.window_s, 900);
	assert_int_equal(cfg.day_start_min, 0);
	assert_int_equal(cfg.stale_call_s, 14400);
	assert_string_equal(cfg.theme, "default");
	assert_null(cfg.themes_dir);
	assert_true(cfg.bell);
	assert_false(cfg.flash);
	assert_null(cfg.alert_log);
	assert_null(cfg.alert_exec);
	assert_null(cfg.sources);
	assert_int_equal(cfg.n_sources, 0);
	assert_null(cfg.defaults.name);
	assert_int_equal(cfg.defaults.sl_threshold_s, 20);
	assert_true(cfg.defaults.sl_target_pct == 80.0);
	assert_int_equal(cfg.defaults.short_abandon_s, 5);
	assert_int_equal(cfg.defaults.wrapup_s, 0);
	assert_int_equal(cfg.defaults.sl_formula, SL_OFFERED);
	assert_int_equal(cfg.n_queues, 0);
	assert_int_equal(cfg.n_agents, 0);
	assert_non_null(cfg.alert_rules);
	assert_null(cfg.ami_secret);
	assert_false(cfg.has_secret);
	config_free(&cfg);
}

static void test_good_general(void **state)
{
	(void)state;
	struct config cfg;
	char *errors = (char *)"unset";
	assert_int_equal(load(&cfg, "good.ini", &errors), 0);
	assert_null(errors);
	assert_string_equal(cfg.path, "good.ini");
	assert_string_equal(cfg.site, "Floor 2");          /* inline comment gone */
	assert_int_equal(cfg.tick_ms, 250);
	assert_int_equal(cfg.window_s, 20 * 60);           /* 20m */
	assert_int_equal(cfg.day_start_min, 6 * 60 + 30);
	assert_int_equal(cfg.stale_call_s, 4 * 3600);
	assert_string_equal(cfg.theme, "dark");
	assert_string_equal(cfg.themes_dir, "/home/tester/themes");
	assert_false(cfg.bell);
	assert_true(cfg.flash);
	assert_string_equal(cfg.alert_log, "/tmp/ccboard-alerts.log");
	assert_string_equal(cfg.alert_exec, "notify-send \"queue alert\"");
	assert_string_equal(cfg.ami_secret_file, "/home/tester/ami.secret");
	assert_null(cfg.ami_secret);
	assert_false(cfg.has_secret);
	config_free(&cfg);
}

static void test_good_sources_repeat(void **state)
{
	(void)state;
	struct config cfg;
	assert_int_equal(load(&cfg, "good.ini", NULL), 0);
	assert_int_equal(cfg.n_sources, 3);
	assert_string_equal(cfg.sources[0], "/var/log/a");   /* [general] source */
	assert_string_equal(cfg.sources[1], "/var/log/b");
	assert_string_equal(cfg.sources[2], "-");
	assert_null(cfg.sources[3]);
	config_free(&cfg);
}

static void test_good_queues(void **state)
{
	(void)state;
	struct config cfg;
	assert_int_equal(load(&cfg, "good.ini", NULL), 0);
	assert_int_equal(cfg.defaults.sl_threshold_s, 25);
	assert_true(cfg.defaults.sl_target_pct == 85.5);
	assert_int_equal(cfg.defaults.short_abandon_s, 3);
	assert_int_equal(cfg.defaults.wrapup_s, 10);
	assert_int_equal(cfg.defaults.sl_formula, SL_ANSWERED);
	assert_int_equal(cfg.n_queues, 2);
	assert_string_equal(cfg.queues[0].name, "sales");
	assert_string_equal(cfg.queues[0].display, "Sales Team");
	assert_int_equal(cfg.queues[0].wrapup_s, 60);
	assert_string_equal(cfg.queues[1].name, "support");
	config_free(&cfg);
}

/* [defaults] comes after [queue.sales] in good.ini: it still fills what the
 * queue did not set, and the queue's own keys win. */
static void test_config_queue_override(void **state)
{
	(void)state;
	struct config cfg;
	assert_int_equal(load(&cfg, "good.ini", NULL), 0);
	struct queue_conf q = config_queue(&cfg, "sales");
	assert_ptr_equal(q.name, cfg.queues[0].name);
	assert_ptr_equal(q.display, cfg.queues[0].display);
	assert_int_equal(q.sl_threshold_s, 30);                 /* own */
	assert_int_equal(q.sl_formula, SL_ABANDONS_POSITIVE);   /* own, indented line */
	assert_int_equal(q.wrapup_s, 60);                       /* own */
	assert_true(q.sl_target_pct == 85.5);                   /* [defaults] */
	assert_int_equal(q.short_abandon_s, 3);                 /* [defaults] */

	q = config_queue(&cfg, "support");
	assert_ptr_equal(q.name, cfg.queues[1].name);
	assert_null(q.display);
	assert_true(q.sl_target_pct == 90.0);
	assert_int_equal(q.sl_threshold_s, 25);
	assert_int_equal(q.sl_formula, SL_ANSWERED);

	q = config_queue(&cfg, "billing");                       /* not configured */
	assert_null(q.name);
	assert_null(q.display);
	assert_int_equal(q.set_mask, 0);
	assert_int_equal(q.sl_threshold_s, 25);
	assert_int_equal(q.wrapup_s, 10);
	config_free(&cfg);
}

static void test_config_queue_builtin(void **state)
{
	(void)state;
	struct config cfg;
	config_defaults(&cfg);
	struct queue_conf q = config_queue(&cfg, "sales");
	assert_null(q.name);
	assert_int_equal(q.sl_threshold_s, 20);
	assert_true(q.sl_target_pct == 80.0);
	assert_int_equal(q.short_abandon_s, 5);
	assert_int_equal(q.wrapup_s, 0);
	assert_int_equal(q.sl_formula, SL_OFFERED);
	config_free(&cfg);
}

static void test_agent_name(void **state)
{
	(void)state;
	struct config cfg;
	assert_int_equal(load(&cfg, "good.ini", NULL), 0);
	assert_int_equal(cfg.n_agents, 3);
	assert_string_equal(config_agent_name(&cfg, "SIP/1001"), "Alexandra");
	assert_string_equal(config_agent_name(&cfg, "PJSIP/1002"), "Sam");
	assert_string_equal(config_agent_name(&cfg, "Local/201@agents/n"), "Robin Smith");
	const char *plain = "Alex";
	assert_ptr_equal(config_agent_name(&cfg, plain), plain);
	const char *other = "SIP/1003";
	assert_ptr_equal(config_agent_name(&cfg, other), other);
	const char *lower = "sip/1001";                         /* exact match only */
	assert_ptr_equal(config_agent_name(&cfg, lower), lower);
	config_free(&cfg);

	config_defaults(&cfg);
	assert_ptr_equal(config_agent_name(&cfg, plain), plain);
	config_free(&cfg);
}

/* Many aliases: every one is found, and names that are not there are not. */
static void test_agent_name_many(void **state)
{
	(void)state;
	char path[] = "/tmp/ccboard-test-config-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("[agents]\n", f);
	for (int i = 999; i >= 0; i--)           /* written unsorted */
		fprintf(f, "PJSIP/%d = Agent %d\n", 5000 + i, i);
	fclose(f);
	struct config cfg;
	assert_int_equal(load(&cfg, path, NULL), 0);
	assert_int_equal(cfg.n_agents, 1000);
	char iface[32], want[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(iface, sizeof iface, "PJSIP/%d", 5000 + i);
		snprintf(want, sizeof want, "Agent %d", i);
		assert_string_equal(config_agent_name(&cfg, iface), want);
	}
	snprintf(iface, sizeof iface, "PJSIP/%d", 6000);
	assert_ptr_equal(config_agent_name(&cfg, iface), iface);
	config_free(&cfg);
	unlink(path);
}

static void test_crlf_bom(void **state)
{
	(void)state;
	struct config cfg;
	assert_int_equal(load(&cfg, "crlf.ini", NULL), 0);
	assert_string_equal(cfg.site, "Windows");
	assert_int_equal(cfg.day_start_min, 23 * 60 + 59);
	config_free(&cfg);
}

static void test_bad_section(void **state)
{
	(void)state;
	expect_load("bad_section.ini", 4,
		"bad_section.ini:3: [bogus]: unknown section\n"
		"bad_section.ini:5: [queue.]: missing queue name\n"
		"bad_section.ini:7: [General]: unknown section\n"
		"bad_section.ini:8: [general]: duplicate section (first at line 1)\n");
	struct config cfg;
	load(&cfg, "bad_section.ini", NULL);
	assert_string_equal(cfg.site, "Before");
	assert_int_equal(cfg.tick_ms, 2000);       /* read on after the bad sections */
	assert_int_equal(cfg.n_queues, 0);
	assert_int_equal(cfg.defaults.sl_threshold_s, 20);
	config_free(&cfg);
}

static void test_bad_key(void **state)
{
	(void)state;
	expect_load("bad_key.ini", 5,
		"bad_key.ini:2: [general] colour: unknown key\n"
		"bad_key.ini:3: [general] sl_threshold_s: unknown key here; it belongs in [defaults] or [queue.NAME]\n"
		"bad_key.ini:5: [defaults] display: unknown key here; it belongs in [queue.NAME] or [group.NAME]\n"
		"bad_key.ini:7: [sources] path: unknown key here; it belongs in [history]\n"
		"bad_key.ini:9: [ami] user: unknown key\n");
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_load("bad_values.ini", 16,
		"bad_values.ini:2: [general] tick_ms: not a number: 'fast'\n"
		"bad_values.ini:3: [general] tick_ms: not a whole number: '1.5'\n"
		"bad_values.ini:4: [general] tick_ms: out of range: '50' (100..60000)\n"
		"bad_values.ini:5: [general] window_s: not a number: '10x' (seconds, or with a unit: 90s, 15m, 4h)\n"
		"bad_values.ini:6: [general] bell: not a boolean (yes/no, true/false, on/off, 1/0): 'maybe'\n"
		"bad_values.ini:7: [general] day_start: not a time of day (HH:MM, 00:00..23:59): '25:00'\n"
		"bad_values.ini:8: [general] day_start: not a time of day (HH:MM, 00:00..23:59): '7'\n"
		"bad_values.ini:9: [general] day_start: not a time of day (HH:MM, 00:00..23:59): '07:5'\n"
		"bad_values.ini:10: [general] site: empty value (default: ccboard)\n"
		"bad_values.ini:11: [general] stale_call_s: empty value\n"
		"bad_values.ini:13: [queue.sales] sl_threshold_s: not a number: 'abc'\n"
		"bad_values.ini:14: [queue.sales] sl_target_pct: out of range: '120' (0..100)\n"
		"bad_values.ini:15: [queue.sales] sl_target_pct: not a number: 'nan'\n"
		"bad_values.ini:16: [queue.sales] sl_formula: not one of offered|answered|abandons_positive: 'median'\n"
		"bad_values.ini:17: [queue.sales] short_abandon_s: out of range: '-1' (0..3600)\n"
		"bad_values.ini:18: [queue.sales] wrapup_s: out of range: '9223372036854775807h' (0..3600)\n");
	/* a bad value leaves what was there, and marks nothing as set */
	struct config cfg;
	load(&cfg, "bad_values.ini", NULL);
	assert_int_equal(cfg.tick_ms, 1000);
	assert_true(cfg.bell);
	assert_int_equal(cfg.day_start_min, 0);
	assert_string_equal(cfg.site, "ccboard");
	assert_int_equal(cfg.queues[0].set_mask, 0);
	struct queue_conf q = config_queue(&cfg, "sales");
	assert_int_equal(q.sl_threshold_s, 20);
	config_free(&cfg);
}

static void test_bad_syntax(void **state)
{
	(void)state;
	expect_load("bad_syntax.ini", 4,
		"bad_syntax.ini:1: orphan: key outside any section\n"
		"bad_syntax.ini:2: syntax error: '[' without ']'\n"
		"bad_syntax.ini:3: syntax error: text after ']'\n"
		"bad_syntax.ini:4: syntax error: expected 'key = value' or '[section]'\n");
	struct config cfg;
	load(&cfg, "bad_syntax.ini", NULL);
	assert_string_equal(cfg.site, "Still read");
	config_free(&cfg);
}

/* A line over inih's buffer is reported, not cut in two: the next line keeps
 * its number and a line of exactly the limit is read whole. */
static void test_long_line(void **state)
{
	(void)state;
	expect_load("long_line.ini", 1,
		"long_line.ini:2: line too long (250 characters; at most 197)\n");
	struct config cfg;
	load(&cfg, "long_line.ini", NULL);
	assert_string_equal(cfg.site, "ccboard");
	assert_int_equal(cfg.tick_ms, 500);
	assert_int_equal(strlen(cfg.alert_exec), 197 - strlen("alert_exec = "));
	config_free(&cfg);
}

static void test_empty_values(void **state)
{
	(void)state;
	expect_load("empty_values.ini", 1, "empty_values.ini:5: [agents] SIP/1: empty value\n");
	struct config cfg;
	load(&cfg, "empty_values.ini", NULL);
	assert_null(cfg.alert_log);                 /* empty unsets an optional string */
	assert_int_equal(cfg.n_agents, 0);
	config_free(&cfg);
}

/* A section or key given twice is an error naming both lines (it was
 * merged silently); a list key (source) repeats by design. */
static void test_duplicates(void **state)
{
	(void)state;
	expect_load("duplicates.ini", 6,
		"duplicates.ini:7: [agents] SIP/1001: duplicate key (first at line 6)\n"
		"duplicates.ini:8: [queue.sales]: duplicate section (first at line 3)\n"
		"duplicates.ini:10: [queue.sales] wrapup_s: duplicate key (first at line 4)\n"
		"duplicates.ini:11: [general]: duplicate section (first at line 1)\n"
		"duplicates.ini:16: [alert.sl_low]: duplicate section (first at line 14)\n"
		"duplicates.ini:17: [alert.sl_low] for_s: duplicate key (first at line 15)\n");
	struct config cfg;
	load(&cfg, "duplicates.ini", NULL);
	assert_int_equal(cfg.n_sources, 2);
	assert_int_equal(cfg.queues[0].wrapup_s, 10);   /* the second is not applied */
	config_free(&cfg);
}

/* A hysteresis wider than the warning-critical gap is an error at its line. */
static void test_alert_hysteresis_gap(void **state)
{
	(void)state;
	expect_load("alert_gap.ini", 1,
		"alert_gap.ini:6: [alert.tight] hysteresis 3 is wider than the gap of 2 between "
		"warning and critical: a critical alert would stay critical below the warning "
		"level\n");
}

static void test_missing_file(void **state)
{
	(void)state;
	expect_load("no-such-file.ini", 1, "no-such-file.ini: cannot open: No such file or directory\n");
	expect_load(".", 1, ".: is a directory\n");
}

/* [alert.NAME] keys go to the alerts module; what it refuses comes back
 * with file:line and the section. */
static void test_alert_forwarding(void **state)
{
	(void)state;
	struct config cfg;
	char *errors = NULL;
	assert_int_equal(load(&cfg, "alert.ini", &errors), 1);
	assert_non_null(errors);
	const char *prefix = "alert.ini:2: [alert.custom] no_such_key_here: ";
	assert_memory_equal(errors, prefix, strlen(prefix));
	assert_non_null(strchr(errors + strlen(prefix), '\n'));
	free(errors);
	config_free(&cfg);
}

/* A boolean reads the same in every section: yes/no, true/false, on/off,
 * 1/0 in any case ("enabled = Yes" was refused in [alert.NAME]). */
static void test_bool_spelling(void **state)
{
	(void)state;
	struct config cfg;
	char *errors = NULL;
	assert_int_equal(load(&cfg, "bool_spelling.ini", &errors), 1);
	assert_string_equal(errors, "bool_spelling.ini:13: [alert.other] enabled: enabled must "
	                    "be yes or no (true/false, on/off, 1/0): 'maybe'\n");
	assert_false(cfg.bell);
	assert_true(cfg.flash);
	free(errors);
	config_free(&cfg);
}

/* [http]: a size with its suffix, and a size refused with the line. */
static void test_http_keys(void **state)
{
	(void)state;
	char path[] = "/tmp/ccboard-test-http-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("[http]\nlisten = [::1]:9650\ntoken_file = /etc/t\nmax_body = 64K\n"
	      "[http]\n", f);
	fclose(f);
	struct config cfg;
	char *errors = NULL;
	config_defaults(&cfg);
	assert_int_equal(cfg.http_max_body, 1 << 20);
	assert_null(cfg.http_listen);
	assert_int_equal(config_load(&cfg, path, &errors), 1);   /* the section twice */
	assert_string_equal(cfg.http_listen, "[::1]:9650");
	assert_string_equal(cfg.http_token_file, "/etc/t");
	assert_int_equal(cfg.http_max_body, 64 * 1024);
	free(errors);
	config_free(&cfg);
	f = fopen(path, "w");
	fputs("[http]\nmax_body = 12Q\n[general]\nmax_body = 1M\n", f);
	fclose(f);
	config_defaults(&cfg);
	errors = NULL;
	assert_int_equal(config_load(&cfg, path, &errors), 2);
	assert_non_null(strstr(errors, ":2: [http] max_body"));
	assert_non_null(strstr(errors, ":4: [general] max_body: unknown key here; it belongs in "
	                       "[http]"));
	free(errors);
	config_free(&cfg);
	unlink(path);
}

static void write_secret_file(char *path, mode_t mode)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("[general]\nsite = x\n[ami]\nsecret = hunter2\n", f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_secret_warning(void **state)
{
	(void)state;
	char path[] = "/tmp/ccboard-test-config-XXXXXX";
	write_secret_file(path, 0644);
	struct config cfg;
	char *errors = NULL;
	assert_int_equal(load(&cfg, path, &errors), 0);     /* a warning is not an error */
	assert_true(cfg.has_secret);
	assert_string_equal(cfg.ami_secret, "hunter2");
	char want[256];
	snprintf(want, sizeof want, "warning: %s:4: [ami] secret in a file open to group or "
	         "others (mode 644): chmod 600 %s\n", path, path);
	assert_non_null(errors);
	assert_string_equal(errors, want);
	free(errors);
	config_free(&cfg);

	assert_int_equal(chmod(path, 0600), 0);
	errors = (char *)"unset";
	assert_int_equal(load(&cfg, path, &errors), 0);
	assert_null(errors);
	assert_true(cfg.has_secret);
	config_free(&cfg);
	unlink(path);
}

static void test_sl_formula_name(void **state)
{
	(void)state;
	assert_string_equal(config_sl_formula_name(SL_OFFERED), "offered");
	assert_string_equal(config_sl_formula_name(SL_ANSWERED), "answered");
	assert_string_equal(config_sl_formula_name(SL_ABANDONS_POSITIVE), "abandons_positive");
}

/* The shipped config.ini loads cleanly. */
static void test_shipped_config(void **state)
{
	(void)state;
	struct config cfg;
	char *errors = NULL;
	int n = load(&cfg, CCBOARD_SRCDIR "/config.ini", &errors);
	assert_string_equal(errors ? errors : "", "");
	assert_int_equal(n, 0);
	assert_string_equal(config_queue(&cfg, "sales").display, "Sales");
	config_free(&cfg);
}

/* Every key of the table is documented in the shipped config.ini. */
static void test_shipped_config_documents_every_key(void **state)
{
	(void)state;
	char *ref = NULL, *ini = NULL;
	size_t ref_len = 0, ini_len = 0;
	FILE *f = open_memstream(&ref, &ref_len);
	config_write_keys(f);
	fclose(f);
	FILE *in = fopen(CCBOARD_SRCDIR "/config.ini", "r");
	assert_non_null(in);
	f = open_memstream(&ini, &ini_len);
	int c;
	while ((c = fgetc(in)) != EOF)
		fputc(c, f);
	fclose(f);
	fclose(in);
	int keys = 0;
	for (char *line = strtok(ref, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '\t')
			continue;
		char *colon = strstr(line, ": ");
		assert_non_null(colon);
		*colon = '\0';
		const char *key = strrchr(line, ' ') + 1;
		char want[64];
		snprintf(want, sizeof want, "\n%s = ", key);
		char want_commented[64];
		snprintf(want_commented, sizeof want_commented, "\n;%s = ", key);
		if (!strstr(ini, want) && !strstr(ini, want_commented))
			fail_msg("config.ini does not document %s", key);
		keys++;
	}
	assert_int_equal(keys, 41);   /* + erlang, alert_exec_timeout_s, allow, idle_timeout_s, resync_s,
	                                  future_slack_s, max_queues, max_agents, [http] listen,
	                                  token_file, max_body, repeat_window_s, pivot_window_s,
	                                  stale_contact_s, frt_target_s, mask_customers,
	                                  [http] agent_metrics, history, [history] path,
	                                  history_weeks, [group.NAME] queues */
	free(ref);
	free(ini);
}

static void test_find(void **state)
{
	(void)state;
	char dir[] = "/tmp/ccboard-test-xdg-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[128], file[160];
	snprintf(sub, sizeof sub, "%s/ccboard", dir);
	snprintf(file, sizeof file, "%s/config.ini", sub);
	assert_int_equal(mkdir(sub, 0700), 0);
	FILE *f = fopen(file, "w");
	fclose(f);

	setenv("CCBOARD_CONFIG", DATA_DIR "/good.ini", 1);
	char *p = config_find();
	assert_string_equal(p, DATA_DIR "/good.ini");
	free(p);

	setenv("CCBOARD_CONFIG", DATA_DIR "/missing.ini", 1);   /* not there: next */
	setenv("XDG_CONFIG_HOME", dir, 1);
	p = config_find();
	assert_string_equal(p, file);
	free(p);

	unsetenv("CCBOARD_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", dir, 1);                                 /* ~/.config/ccboard */
	snprintf(sub, sizeof sub, "%s/.config", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	char sub2[160], file2[192];
	snprintf(sub2, sizeof sub2, "%s/ccboard", sub);
	snprintf(file2, sizeof file2, "%s/config.ini", sub2);
	assert_int_equal(mkdir(sub2, 0700), 0);
	assert_int_equal(rename(file, file2), 0);
	p = config_find();
	assert_string_equal(p, file2);
	free(p);

	unlink(file2);
	rmdir(sub2);
	rmdir(sub);
	snprintf(sub, sizeof sub, "%s/ccboard", dir);
	rmdir(sub);
	rmdir(dir);
	setenv("HOME", "/home/tester", 1);
}

int main(void)
{
	if (chdir(DATA_DIR) != 0) {
		perror(DATA_DIR);
		return 1;
	}
	setenv("HOME", "/home/tester", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_good_general),
		cmocka_unit_test(test_good_sources_repeat),
		cmocka_unit_test(test_good_queues),
		cmocka_unit_test(test_config_queue_override),
		cmocka_unit_test(test_config_queue_builtin),
		cmocka_unit_test(test_agent_name),
		cmocka_unit_test(test_agent_name_many),
		cmocka_unit_test(test_crlf_bom),
		cmocka_unit_test(test_bad_section),
		cmocka_unit_test(test_bad_key),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_bad_syntax),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_empty_values),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_alert_forwarding),
		cmocka_unit_test(test_secret_warning),
		cmocka_unit_test(test_sl_formula_name),
		cmocka_unit_test(test_shipped_config),
		cmocka_unit_test(test_shipped_config_documents_every_key),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_alert_hysteresis_gap),
		cmocka_unit_test(test_bool_spelling),
		cmocka_unit_test(test_http_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
