/* exposition.c - the Prometheus text format of a snapshot (exposition.h). */
#include "exposition.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Copies s to buf without suffix when s ends with it; returns true if it did. */
static bool strip_suffix(char *buf, size_t n, const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	if (ls < lx || strcmp(s + ls - lx, suffix) != 0)
		return false;
	snprintf(buf, n, "%.*s", (int)(ls - lx), s);
	return true;
}

/* The family of a figure of group ("today", "window" or "") and key under
 * prefix ("ccboard_queue_"): a derived figure takes its period as a label, a
 * count has it in its name; _pct becomes _ratio, _s _seconds. */
static void family_name(const char *prefix, const char *group, const char *key, bool derived,
                        char *buf, size_t n, const char **label_name, const char **label_value,
                        double *divisor)
{
	char base[96];
	bool pct = strip_suffix(base, sizeof base, key, "_pct");
	bool secs = !pct && strip_suffix(base, sizeof base, key, "_s");
	if (!pct && !secs)
		snprintf(base, sizeof base, "%s", key);
	const char *unit = pct ? "_ratio" : secs ? "_seconds" : "";
	*divisor = pct ? 100 : 1;
	if (*group && derived) {                      /* a derived figure: the period a label */
		*label_name = "period";
		*label_value = group;
		snprintf(buf, n, "%s%s%s", prefix, base, unit);
	} else if (*group) {                          /* a count: the period in the name */
		snprintf(buf, n, "%s%s_%s%s", prefix, base, group, unit);
	} else {
		snprintf(buf, n, "%s%s%s", prefix, base, unit);
	}
}

void expo_figure_family(const struct figure *f, char *buf, size_t n, const char **label_name,
                        const char **label_value, double *divisor)
{
	const char *key;
	const char *group = figure_group(f, &key);
	*label_name = NULL;
	*label_value = NULL;
	*divisor = 1;
	if (strcmp(group, "agents") == 0) {
		snprintf(buf, n, "ccboard_agents");
		*label_name = "state";
		*label_value = key;
		return;
	}
	family_name("ccboard_queue_", group, key, f->type == FIG_REAL, buf, n, label_name,
	            label_value, divisor);
}

void expo_ct_family(const struct ct_figure *f, bool channel, char *buf, size_t n,
                    const char **label_name, const char **label_value, double *divisor)
{
	*label_name = NULL;
	*label_value = NULL;
	family_name(channel ? "ccboard_channel_" : "ccboard_queue_contacts_", ct_figure_group(f),
	            f->key, f->kind == CTF_DERIVED, buf, n, label_name, label_value, divisor);
}

/* Returns the length of the valid UTF-8 sequence at p (1..4), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
	         : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	unsigned c = n == 2 ? (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu)
	           : n == 3 ? (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu)
	           : n == 4 ? (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 |
	                      (p[3] & 0x3Fu) : p[0];
	static const unsigned least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (n > 1 && (c < least[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)))
		return 0;                                  /* overlong, too large, surrogate */
	return n;
}

/* A label value must be UTF-8 (Prometheus refuses the whole scrape
 * otherwise): a byte that is not is written as U+FFFD. */
void expo_label_value(FILE *out, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	const unsigned char *q = p;
	while (*q >= ' ' && *q < 0x7f && *q != '\\' && *q != '"')
		q++;
	if (*q == '\0') {                     /* the common case: plain ASCII */
		fputs(v, out);
		return;
	}
	while (*p) {
		size_t n = utf8_len(p);
		if (n == 0)
			fputs("\xEF\xBF\xBD", out);
		else if (*p == '\\')
			fputs("\\\\", out);
		else if (*p == '"')
			fputs("\\\"", out);
		else if (*p == '\n')
			fputs("\\n", out);
		else
			fwrite(p, 1, n, out);
		p += n ? n : 1;
	}
}

/* Writes HELP text: '\\' and newline escaped. */
static void help_text(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			fputs("\\\\", out);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

static void family_head(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s ", name);
	help_text(out, help);
	fprintf(out, "\n# TYPE %s %s\n", name, type);
}

/* The shortest text that reads back as v (0.715, not 0.71499999999999997). */
static const char *shortest(double v, char *buf, size_t n)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

static void write_value(FILE *out, double v)
{
	char buf[40];
	if (isnan(v))
		fputs(" NaN\n", out);
	else if (isinf(v))
		fputs(v > 0 ? " +Inf\n" : " -Inf\n", out);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(out, " %.0f\n", v);
	else
		fprintf(out, " %s\n", shortest(v, buf, sizeof buf));
}

/* One sample: name{k1="v1",k2="v2",...} value; labels are name/value pairs,
 * NULL-terminated. */
static void sample(FILE *out, const char *name, const char *const *labels, double v)
{
	fputs(name, out);
	for (int i = 0; labels[i]; i += 2) {
		fprintf(out, "%s%s=\"", i ? "," : "{", labels[i]);
		expo_label_value(out, labels[i + 1]);
		fputc('"', out);
		if (!labels[i + 2])
			fputc('}', out);
	}
	write_value(out, v);
}

static void write_help_of(const struct figure *f, char *help, size_t n)
{
	const char *key;
	const char *group = figure_group(f, &key);
	if (strcmp(group, "agents") == 0)
		snprintf(help, n, "Agents of the queue by state (a snapshot of now).");
	else if (*group && f->type != FIG_REAL)
		snprintf(help, n, "%s%s, %s.", f->label, f->unit == FIG_UNIT_SECONDS ? " (seconds)" : "",
		         strcmp(group, "today") == 0 ? "today (starts again from 0 each day)"
		                                     : "in the rolling window");
	else
		snprintf(help, n, "%s%s.", f->label, f->unit == FIG_UNIT_PCT ? " (ratio 0..1)"
		         : f->unit == FIG_UNIT_SECONDS ? " (seconds)" : "");
}

/* f's value on q; a derived figure rounded to 2 decimals as the JSON writes it,
 * so that /metrics and /snapshot say the same. */
static double value_of(const struct figure *f, const struct snap_queue *q)
{
	double v = figure_value(f, q);
	return f->type == FIG_REAL && !isnan(v) ? round(v * 100.0) / 100.0 : v;
}

/* Writes the samples of every figure from index i on whose family is name. */
static void figure_samples(const struct snapshot *s, size_t i, const char *name, FILE *out)
{
	for (size_t j = i; j < figures_count; j++) {
		char fam[128];
		const char *ln, *lv;
		double scale;
		expo_figure_family(&figures[j], fam, sizeof fam, &ln, &lv, &scale);
		if (strcmp(fam, name) != 0)
			continue;
		for (size_t q = 0; q < s->n_queues; q++) {
			const char *labels[] = { "queue", s->queues[q].name, ln, lv, NULL };
			sample(out, name, labels, value_of(&figures[j], &s->queues[q]) / scale);
		}
		for (size_t g = 0; g < s->n_groups; g++) {   /* [group.NAME]: a group label */
			const char *labels[] = { "group", s->groups[g].q.name, ln, lv, NULL };
			sample(out, name, labels, value_of(&figures[j], &s->groups[g].q) / scale);
		}
	}
}

/* The figures' families, each once, in the catalogue's order. */
static void write_figures(const struct snapshot *s, FILE *out)
{
	for (size_t i = 0; i < figures_count; i++) {
		char fam[128], prev[128], help[256];
		const char *ln, *lv;
		double scale;
		bool seen = false;
		if (figures[i].flags & FIG_NOEXPO)
			continue;
		expo_figure_family(&figures[i], fam, sizeof fam, &ln, &lv, &scale);
		for (size_t j = 0; j < i && !seen; j++) {
			expo_figure_family(&figures[j], prev, sizeof prev, &ln, &lv, &scale);
			seen = strcmp(prev, fam) == 0;
		}
		if (seen)
			continue;
		write_help_of(&figures[i], help, sizeof help);
		family_head(out, fam, "gauge", help);
		figure_samples(s, i, fam, out);
	}
}

/* ---- contact figures (SPEC 6.3): per channel and per queue ---- */

static void write_ct_help(const struct ct_figure *f, bool channel, char *help, size_t n)
{
	const char *of = channel ? "of the channel" : "of the queue's contacts";
	const char *u = f->unit == FIG_UNIT_PCT ? " (ratio 0..1)"
	              : f->unit == FIG_UNIT_SECONDS ? " (seconds)" : "";
	if (f->period == CTF_NOW)
		snprintf(help, n, "Contacts: %s%s %s, now.", f->label, u, of);
	else if (f->kind == CTF_COUNT)
		snprintf(help, n, "Contacts: %s%s %s, %s.", f->label, u, of,
		         f->period == CTF_TODAY ? "today (starts again from 0 each day)"
		                                : "in the rolling window");
	else
		snprintf(help, n, "Contacts: %s%s %s.", f->label, u, of);
}

/* Whether row f is exposed for channels (or queues): the callback list is
 * voice's, counted per queue only. */
static bool ct_exposed(const struct ct_figure *f, bool channel)
{
	return !(channel && f->kind == CTF_LIVE && f->index == CL_CALLBACKS);
}

/* The samples of every row from i on whose family is name, for each view. */
static void ct_samples(const struct ct_view *views, size_t nv, bool channel, size_t i,
                       const char *name, FILE *out)
{
	for (size_t j = i; j < ct_figures_count; j++) {
		char fam[128];
		const char *ln, *lv;
		double scale;
		if (!ct_exposed(&ct_figures[j], channel))
			continue;
		expo_ct_family(&ct_figures[j], channel, fam, sizeof fam, &ln, &lv, &scale);
		if (strcmp(fam, name) != 0)
			continue;
		for (size_t k = 0; k < nv; k++) {
			const char *labels[] = { channel ? "channel" : "queue", views[k].name, ln, lv, NULL };
			double x = ct_figure_value(&ct_figures[j], &views[k]);
			/* a ratio from the hundredths the JSON shows: 0.6237, not 0.62369999 */
			sample(out, name, labels, scale == 100 ? round(x * 100) / 10000 : x / scale);
		}
	}
}

/* The contact figures' families, each once, channels' then queues'. */
static void write_ct_scope(const struct ct_view *views, size_t nv, bool channel, FILE *out)
{
	for (size_t i = 0; i < ct_figures_count; i++) {
		char fam[128], prev[128], help[256];
		const char *ln, *lv;
		double scale;
		bool seen = false;
		if (!ct_exposed(&ct_figures[i], channel))
			continue;
		expo_ct_family(&ct_figures[i], channel, fam, sizeof fam, &ln, &lv, &scale);
		for (size_t j = 0; j < i && !seen; j++) {
			expo_ct_family(&ct_figures[j], channel, prev, sizeof prev, &ln, &lv, &scale);
			seen = ct_exposed(&ct_figures[j], channel) && strcmp(prev, fam) == 0;
		}
		if (seen)
			continue;
		write_ct_help(&ct_figures[i], channel, help, sizeof help);
		family_head(out, fam, "gauge", help);
		ct_samples(views, nv, channel, i, fam, out);
	}
}

static void write_contacts(const struct snapshot *s, FILE *out)
{
	struct ct_views v;
	if (!s->contacts || !contacts_any(s->contacts))
		return;
	ct_views_build(&v, s->contacts);
	write_ct_scope(v.channels, v.n_channels, true, out);
	write_ct_scope(v.queues, v.n_queues, false, out);
	ct_views_free(&v);
}

/* Staffing (SPEC 7): the agents Erlang says each queue needs, and the service
 * level it predicts with the agents there now, for the current and the next
 * interval; a queue without a forecast has no sample (not NaN). */
static void write_staffing(const struct snapshot *s, FILE *out)
{
	static const char *const when[STAFF_INTERVALS] = { "current", "next" };
	family_head(out, "ccboard_queue_agents_required", "gauge",
	            "Agents the service-level target needs in the interval (Erlang C or A).");
	for (size_t q = 0; q < s->n_queues; q++)
		for (int k = 0; k < s->queues[q].staffing.n; k++) {
			const struct staff_interval *iv = &s->queues[q].staffing.iv[k];
			const char *labels[] = { "queue", s->queues[q].name, "interval", when[k], NULL };
			if (iv->required_agents >= 0)
				sample(out, "ccboard_queue_agents_required", labels, iv->required_agents);
		}
	family_head(out, "ccboard_queue_service_level_predicted_ratio", "gauge",
	            "Service level Erlang predicts in the interval with the agents logged in and "
	            "not paused (ratio 0..1).");
	for (size_t q = 0; q < s->n_queues; q++)
		for (int k = 0; k < s->queues[q].staffing.n; k++) {
			const struct staff_interval *iv = &s->queues[q].staffing.iv[k];
			const char *labels[] = { "queue", s->queues[q].name, "interval", when[k], NULL };
			if (isfinite(iv->sl_predicted_pct))
				sample(out, "ccboard_queue_service_level_predicted_ratio", labels,
				       round(iv->sl_predicted_pct * 100.0) / 10000.0);
		}
}

static void write_alerts(const struct snapshot *s, FILE *out)
{
	family_head(out, "ccboard_alert_active", "gauge", "1 while the alert is active.");
	for (size_t i = 0; i < s->n_alerts; i++) {
		const struct snap_alert *a = s->alerts[i];
		const char *labels[] = { "rule", a->rule, "queue", a->queue, "severity",
		                         alert_severity_name(a->severity), NULL };
		sample(out, "ccboard_alert_active", labels, 1);
	}
}

bool expo_source_down(enum source_state st)
{
	return st == SRC_ERROR || st == SRC_AUTH_FAILED || st == SRC_RETRYING;
}

static void write_sources(const struct snapshot *s, FILE *out)
{
	family_head(out, "ccboard_source_up", "gauge",
	            "1 while the source is healthy, 0 when it is in error or retrying.");
	for (size_t i = 0; i < s->n_sources; i++) {
		const char *labels[] = { "source", s->sources[i].name, "kind",
		                         s->sources[i].kind ? s->sources[i].kind : "", NULL };
		sample(out, "ccboard_source_up", labels, !expo_source_down(s->sources[i].state));
	}
	static const struct { const char *name, *help; size_t off; } counters[] = {
		{ "ccboard_source_lines_total", "Lines read from the source.",
		  offsetof(struct snap_source, lines) },
		{ "ccboard_source_bad_lines_total", "Lines of the source that could not be used.",
		  offsetof(struct snap_source, bad_lines) },
		{ "ccboard_source_ignored_events_total", "Events of the source the board ignores.",
		  offsetof(struct snap_source, ignored_events) },
	};
	for (size_t c = 0; c < sizeof counters / sizeof counters[0]; c++) {
		family_head(out, counters[c].name, "counter", counters[c].help);
		for (size_t i = 0; i < s->n_sources; i++) {
			const char *labels[] = { "source", s->sources[i].name, NULL };
			uint64_t v;
			memcpy(&v, (const char *)&s->sources[i] + counters[c].off, sizeof v);
			sample(out, counters[c].name, labels, (double)v);
		}
	}
}

void expo_write_process(const struct expo_process *p, FILE *out)
{
	static const char *const none[] = { NULL };
	static const struct { const char *name, *type, *help; size_t off; } rows[] = {
		{ "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
		  offsetof(struct expo_process, cpu_seconds) },
		{ "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
		  offsetof(struct expo_process, resident_bytes) },
		{ "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
		  offsetof(struct expo_process, virtual_bytes) },
		{ "process_start_time_seconds", "gauge",
		  "Start time of the process since unix epoch in seconds.",
		  offsetof(struct expo_process, start_time_seconds) },
		{ "process_open_fds", "gauge", "Number of open file descriptors.",
		  offsetof(struct expo_process, open_fds) },
		{ "process_max_fds", "gauge", "Maximum number of open file descriptors.",
		  offsetof(struct expo_process, max_fds) },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		double v;
		memcpy(&v, (const char *)p + rows[i].off, sizeof v);
		family_head(out, rows[i].name, rows[i].type, rows[i].help);
		sample(out, rows[i].name, none, v);
	}
}

static double ag_answered(const struct agent_figs *a, int64_t now)
{
	(void)now;
	return (double)a->today.answered;
}

static double ag_handled(const struct agent_figs *a, int64_t now)
{
	(void)now;
	return (double)(a->today.completed + a->today.transferred);
}

static double ag_talk(const struct agent_figs *a, int64_t now)
{
	(void)now;
	return (double)a->today.talk_s;
}

static double ag_rna(const struct agent_figs *a, int64_t now)
{
	(void)now;
	return (double)a->today.rna;
}

static double ag_paused(const struct agent_figs *a, int64_t now)
{
	struct agent_clock t;
	agent_figs_at(a, now, &t);
	return (double)t.today.paused_s;
}

static double ag_occupancy(const struct agent_figs *a, int64_t now)
{
	struct agent_clock t;
	agent_figs_at(a, now, &t);
	return isnan(t.today.occupancy_pct) ? NAN : round(t.today.occupancy_pct * 100.0) / 10000.0;
}

static double ag_call(const struct agent_figs *a, int64_t now)
{
	return a->on_call && a->call_since && now > a->call_since ? (double)(now - a->call_since) : 0;
}

/* Series per agent ([http] agent_metrics = yes): its state, and its day; the
 * agents logged off today too, after the logged-in ones (state logged_off,
 * no call). */
static void write_agents(const struct snapshot *s, FILE *out)
{
	size_t n = s->n_agents + s->n_agents_off;
	static const struct {
		const char *name, *help;
		double (*get)(const struct agent_figs *a, int64_t now);
	} rows[] = {
		{ "ccboard_agent_answered_today", "Calls the agent answered today.", ag_answered },
		{ "ccboard_agent_handled_today", "Calls the agent ended today (completed or "
		  "transferred).", ag_handled },
		{ "ccboard_agent_talk_seconds_today", "Talk time of the calls the agent ended today "
		  "(seconds).", ag_talk },
		{ "ccboard_agent_rings_not_answered_today", "Times the agent was rung and did not "
		  "answer today.", ag_rna },
		{ "ccboard_agent_paused_seconds_today", "Time the agent was paused today (seconds).",
		  ag_paused },
		{ "ccboard_agent_occupancy_ratio", "Talk and wrap-up over logged-in time not paused, "
		  "today (ratio 0..1).", ag_occupancy },
		{ "ccboard_agent_call_duration_seconds", "Length of the agent's current call so far "
		  "(0: not on a call).", ag_call },
	};
	family_head(out, "ccboard_agent_state", "gauge", "1 for the agent's state now.");
	for (size_t i = 0; i < n; i++) {
		const char *labels[] = { "agent", s->agents[i].name, "state",
		                         agent_stats_state_name((int)s->agents[i].state), NULL };
		sample(out, "ccboard_agent_state", labels, 1);
	}
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		family_head(out, rows[r].name, "gauge", rows[r].help);
		for (size_t i = 0; i < n; i++) {
			const char *labels[] = { "agent", s->agents[i].name, NULL };
			bool off = i >= s->n_agents;
			sample(out, rows[r].name, labels,
			       off && rows[r].get == ag_call ? 0 : rows[r].get(snapshot_agent_figs(s, i), s->as_of));
		}
	}
}

int expo_write(const struct snapshot *s, const struct expo_process *p, FILE *out)
{
	static const char *const none[] = { NULL };
	write_figures(s, out);
	write_contacts(s, out);
	if (s->cfg && s->cfg->http_agent_metrics && s->agent_figs)
		write_agents(s, out);
	write_staffing(s, out);
	write_alerts(s, out);
	write_sources(s, out);
	family_head(out, "ccboard_snapshot_timestamp_seconds", "gauge",
	            "The time the figures are as of (the log's time in a replay).");
	sample(out, "ccboard_snapshot_timestamp_seconds", none, (double)s->as_of);
	if (p && p->known)
		expo_write_process(p, out);
	return ferror(out) ? -1 : 0;
}
