/* fuzz_config.c - config_load on any file content ([sections], keys, alert
 * rules, [agents], over-long lines, NULs, CRs).
 *
 * The input is written to a private temporary file (config_load takes a path).
 * Checks: the count of errors equals the number of "path:..." error lines
 * (warnings aside) and nothing is reported when there are none; every value
 * that was accepted lies in its documented range; [agents] stays sorted and
 * every alias resolves; every [queue.NAME] is found by config_queue; loading
 * the same bytes again reports the same. */
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

static char fuzz_path[64];

static void remove_path(void)
{
	unlink(fuzz_path);
}

/* Writes data to the temporary file (created once, removed at exit). */
static void write_input(const uint8_t *data, size_t size)
{
	if (fuzz_path[0] == '\0') {
		const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(fuzz_path, sizeof fuzz_path, "%s/ccboard-fuzz-cfg.XXXXXX", dir);
		int fd = mkstemp(fuzz_path);
		FUZZ_CHECK(fd >= 0);
		close(fd);
		atexit(remove_path);
	}
	FILE *fp = fopen(fuzz_path, "wb");
	FUZZ_CHECK(fp != NULL);
	FUZZ_CHECK(fwrite(data, 1, size, fp) == size);
	FUZZ_CHECK(fclose(fp) == 0);
}

/* Counts the error lines of msgs (not "warning: "), checking each names the file. */
static int count_errors(const char *msgs)
{
	int n = 0;
	size_t plen = strlen(fuzz_path);
	for (const char *s = msgs; s && *s;) {
		const char *nl = strchr(s, '\n');
		FUZZ_CHECK(nl != NULL);
		if (strncmp(s, "warning: ", 9) != 0) {
			FUZZ_CHECK(strncmp(s, fuzz_path, plen) == 0 && s[plen] == ':');
			n++;
		}
		s = nl + 1;
	}
	return n;
}

static void check_queue_conf(const struct queue_conf *q)
{
	FUZZ_CHECK(q->sl_threshold_s >= 0 && q->sl_threshold_s <= 3600);
	FUZZ_CHECK(q->sl_target_pct >= 0 && q->sl_target_pct <= 100);
	FUZZ_CHECK(q->short_abandon_s >= 0 && q->short_abandon_s <= 3600);
	FUZZ_CHECK(q->wrapup_s >= 0 && q->wrapup_s <= 3600);
	FUZZ_CHECK((unsigned)q->sl_formula <= SL_ABANDONS_POSITIVE);
	FUZZ_CHECK(strcmp(config_sl_formula_name(q->sl_formula), "?") != 0);
}

static void check_config(const struct config *cfg)
{
	FUZZ_CHECK(cfg->tick_ms >= 100 && cfg->tick_ms <= 60000);
	FUZZ_CHECK(cfg->window_s >= 60 && cfg->window_s <= 86400);
	FUZZ_CHECK(cfg->stale_call_s >= 60 && cfg->stale_call_s <= 604800);
	FUZZ_CHECK(cfg->day_start_min >= 0 && cfg->day_start_min < 24 * 60);
	FUZZ_CHECK(cfg->site != NULL && cfg->theme != NULL);
	check_queue_conf(&cfg->defaults);
	for (size_t i = 0; i < cfg->n_queues; i++) {
		const struct queue_conf *q = &cfg->queues[i];
		FUZZ_CHECK(q->name != NULL);
		check_queue_conf(q);
		struct queue_conf eff = config_queue(cfg, q->name);
		FUZZ_CHECK(eff.name != NULL && strcmp(eff.name, q->name) == 0);
		check_queue_conf(&eff);
	}
	for (size_t i = 0; i < cfg->n_sources; i++)
		FUZZ_CHECK(cfg->sources[i] != NULL);
	if (cfg->n_sources)
		FUZZ_CHECK(cfg->sources[cfg->n_sources] == NULL);
	for (size_t i = 0; i < cfg->n_agents; i++) {
		const struct agent_alias *a = &cfg->agents[i];
		FUZZ_CHECK(a->interface != NULL && a->name != NULL);
		if (i > 0)
			FUZZ_CHECK(strcmp(cfg->agents[i - 1].interface, a->interface) < 0);
		FUZZ_CHECK(strcmp(config_agent_name(cfg, a->interface), a->name) == 0);
	}
	FUZZ_CHECK(cfg->has_secret == (cfg->ami_secret != NULL));
}

static void fuzz_config_one(const uint8_t *data, size_t size)
{
	struct config a, b;
	char *ea = NULL, *eb = NULL;

	write_input(data, size);
	config_defaults(&a);
	int na = config_load(&a, fuzz_path, &ea);
	FUZZ_CHECK(na >= 0);
	FUZZ_CHECK(count_errors(ea) == na);
	check_config(&a);

	config_defaults(&b);
	int nb = config_load(&b, fuzz_path, &eb);
	FUZZ_CHECK(na == nb);
	FUZZ_CHECK((ea == NULL) == (eb == NULL));
	FUZZ_CHECK(ea == NULL || strcmp(ea, eb) == 0);
	FUZZ_CHECK(a.n_queues == b.n_queues && a.n_agents == b.n_agents);
	FUZZ_CHECK(a.n_sources == b.n_sources);

	free(ea);
	free(eb);
	config_free(&a);
	config_free(&b);
}

FUZZ_TARGET(config)
