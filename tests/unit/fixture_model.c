/* fixture_model.c - a voice model for the tests (fixture_model.h). */
#include "fixture_model.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "queuelog.h"

void fx_model_open(struct config *cfg, struct model **m, int wrapup_s)
{
	setenv("TZ", "UTC", 1);
	tzset();
	config_defaults(cfg);
	cfg->defaults.wrapup_s = wrapup_s;
	*m = model_new(cfg);
}

void fx_model_close(struct config *cfg, struct model *m)
{
	model_free(m);
	config_free(cfg);
}

/* The line fmt and ap make, written to line (n bytes: the event points into
 * it) and parsed into *ev: false when it is no event. */
static bool parse_line(char *line, size_t n, struct qevent *ev, const char *fmt, va_list ap)
{
	vsnprintf(line, n, fmt, ap);
	return queuelog_parse(line, strlen(line), ev) == QL_EVENT;
}

/* The line fmt and ap make, applied to m and, when not NULL, to c: what
 * model_apply returned, or -1 when the line is no event. */
static int feed_both(struct model *m, struct contacts *c, const char *fmt, va_list ap)
{
	char line[512];
	struct qevent ev;

	if (!parse_line(line, sizeof line, &ev, fmt, ap))
		return -1;
	int rc = model_apply(m, &ev);
	if (c)
		contacts_on_qevent(c, &ev);
	return rc;
}

int fx_feed(struct model *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = feed_both(m, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int fx_feed_contacts(struct model *m, struct contacts *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = feed_both(m, c, fmt, ap);
	va_end(ap);
	return rc;
}
