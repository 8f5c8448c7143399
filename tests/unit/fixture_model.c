/* fixture_model.c - a voice model for the tests (fixture_model.h). */
#include "fixture_model.h"

#include <stdarg.h>
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

int fx_feed(struct model *m, const char *fmt, ...)
{
	char line[512];
	struct qevent ev;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (queuelog_parse(line, strlen(line), &ev) != QL_EVENT)
		return -1;
	return model_apply(m, &ev);
}
