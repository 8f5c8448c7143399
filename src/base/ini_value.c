/* ini_value.c - the values of settings, one parser per type and one switch
 * over the types (see ini_value.h). */
#include "ini_value.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* Parses the leading whole number of v; returns how many bytes it took, or -1. */
static int leading_number(const char *v, long long *out, char *why, size_t len)
{
	char *end;
	long long n = strtoll(v, &end, 10);
	if (end == v) {
		snprintf(why, len, "not a number: '%s'", v);
		return -1;
	}
	*out = n;   /* on overflow, LLONG_MIN or LLONG_MAX: out of every range */
	return (int)(end - v);
}

/* Writes the range min..max (or ">= min" when there is no upper bound). */
static int range_text(char *buf, size_t len, double min, double max)
{
	if (isinf(max))
		return snprintf(buf, len, ">= %g", min);
	return snprintf(buf, len, "%g..%g", min, max);
}

static int check_range(double x, double min, double max, const char *v, char *why, size_t len)
{
	char range[64];
	if (x >= min && x <= max)
		return 0;
	range_text(range, sizeof range, min, max);
	snprintf(why, len, "out of range: '%s' (%s)", v, range);
	return -1;
}

int iv_int(const char *v, double min, double max, long long *out, char *why, size_t len)
{
	long long n;
	int used = leading_number(v, &n, why, len);
	if (used < 0)
		return -1;
	if (v[used] != '\0') {
		char *end;
		strtod(v, &end);
		if (*end == '\0')
			snprintf(why, len, "not a whole number: '%s'", v);
		else
			snprintf(why, len, "not a number: '%s'", v);
		return -1;
	}
	if (check_range((double)n, min, max, v, why, len) < 0)
		return -1;
	*out = n;
	return 0;
}

int iv_duration(const char *v, double min, double max, long long *out, char *why,
                size_t len)
{
	static const struct { const char *unit; long long mult; } units[] = {
		{ "", 1 }, { "s", 1 }, { "m", 60 }, { "h", 3600 },
	};
	long long n, mult = 0;
	int used = leading_number(v, &n, why, len);
	if (used < 0)
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(v + used, units[i].unit) == 0)
			mult = units[i].mult;
	if (!mult) {
		snprintf(why, len, "not a number: '%s' (seconds, or with a unit: 90s, 15m, 4h)", v);
		return -1;
	}
	if (n > LLONG_MAX / mult || n < LLONG_MIN / mult)
		n = n > 0 ? LLONG_MAX : LLONG_MIN;   /* out of every range */
	else
		n *= mult;
	if (check_range((double)n, min, max, v, why, len) < 0)
		return -1;
	*out = n;
	return 0;
}

int iv_double(const char *v, double min, double max, double *out, char *why, size_t len)
{
	char *end;
	double x = strtod(v, &end);
	if (end == v || *end != '\0' || !isfinite(x)) {
		snprintf(why, len, "not a number: '%s'", v);
		return -1;
	}
	if (check_range(x, min, max, v, why, len) < 0)
		return -1;
	*out = x;
	return 0;
}

int iv_choice(const char *v, const char *const *choices, bool nocase)
{
	for (int i = 0; choices[i]; i++)
		if ((nocase ? strcasecmp(v, choices[i]) : strcmp(v, choices[i])) == 0)
			return i;
	return -1;
}

int iv_bool(const char *v, bool *out, char *why, size_t len)
{
	/* yes[i] and no[i] pair up: an even index is true */
	static const char *const words[] = { "yes", "no", "true", "false", "on", "off",
		"1", "0", NULL };
	int i = iv_choice(v, words, true);
	if (i < 0) {
		snprintf(why, len, "not a boolean (yes/no, true/false, on/off, 1/0): '%s'", v);
		return -1;
	}
	*out = i % 2 == 0;
	return 0;
}

int iv_enum(const char *v, const char *const *choices, int *out, char *why, size_t len)
{
	int i = iv_choice(v, choices, false);
	if (i >= 0) {
		*out = i;
		return 0;
	}
	size_t n = (size_t)snprintf(why, len, "not one of ");
	for (i = 0; choices[i] && n < len; i++)
		n += (size_t)snprintf(why + n, len - n, "%s%s", i ? "|" : "", choices[i]);
	if (n < len)
		snprintf(why + n, len - n, ": '%s'", v);
	return -1;
}

int iv_size(const char *v, double min, double max, long long *out, char *why, size_t len)
{
	static const char units[] = "KMG";
	char num[32];
	size_t n = strlen(v);
	const char *u = n ? strchr(units, toupper((unsigned char)v[n - 1])) : NULL;
	long long mult = 1;
	if (u && *u) {
		for (const char *p = units; p <= u; p++)
			mult *= 1024;
		n--;
	}
	if (n == 0 || n >= sizeof num) {
		snprintf(why, len, "not a size (65536, 64K, 1M): '%s'", v);
		return -1;
	}
	memcpy(num, v, n);
	num[n] = '\0';
	long long x;
	if (iv_int(num, 0, 1e12, &x, why, len) < 0)
		return -1;
	if (check_range((double)(x * mult), min, max, v, why, len) < 0)
		return -1;
	*out = x * mult;
	return 0;
}

/* Parses H:MM or HH:MM into minutes after midnight. */
int iv_time(const char *v, int *out, char *why, size_t len)
{
	const char *p = v;
	int h = 0, m = 0, nh = 0;
	while (isdigit((unsigned char)*p) && nh < 3)
		h = h * 10 + (*p++ - '0'), nh++;
	bool ok = nh >= 1 && nh <= 2 && *p == ':' && isdigit((unsigned char)p[1]) &&
	          isdigit((unsigned char)p[2]) && p[3] == '\0';
	if (ok) {
		m = (p[1] - '0') * 10 + (p[2] - '0');
		ok = h < 24 && m < 60;
	}
	if (!ok) {
		snprintf(why, len, "not a time of day (HH:MM, 00:00..23:59): '%s'", v);
		return -1;
	}
	*out = h * 60 + m;
	return 0;
}

char *iv_path(const char *path, const char *home)
{
	if (path[0] != '~' || (path[1] != '/' && path[1] != '\0') || !home || !*home)
		return xstrdup(path);
	return xasprintf("%s%s", home, path + 1);
}

int iv_parse(const struct iv_spec *spec, const char *v, const char *home,
             union iv_value *out, char *why, size_t len)
{
	const struct iv_spec *s = spec;
	if (*v == '\0' && s->type != KT_STRING && s->type != KT_PATH) {
		snprintf(why, len, "empty value");
		return -1;
	}
	switch (s->type) {
	case KT_INT:
		return iv_int(v, s->min, s->max, &out->i, why, len);
	case KT_DURATION:
		return iv_duration(v, s->min, s->max, &out->i, why, len);
	case KT_SIZE:
		return iv_size(v, s->min, s->max, &out->i, why, len);
	case KT_DOUBLE:
		return iv_double(v, s->min, s->max, &out->d, why, len);
	case KT_BOOL:
		return iv_bool(v, &out->b, why, len);
	case KT_TIME:
	case KT_ENUM: {
		int i;
		int rc = s->type == KT_TIME ? iv_time(v, &i, why, len)
		                            : iv_enum(v, s->choices, &i, why, len);
		if (rc == 0)
			out->i = i;
		return rc;
	}
	case KT_STRING:
		out->s = *v ? xstrdup(v) : NULL;
		return 0;
	case KT_PATH:
	case KT_LIST:
		out->s = *v ? iv_path(v, home) : NULL;
		return 0;
	}
	snprintf(why, len, "unknown type");
	return -1;
}

void iv_write_spec(FILE *out, const struct iv_spec *spec)
{
	static const char *const names[] = { [KT_INT] = "int", [KT_DOUBLE] = "number",
		[KT_BOOL] = "bool", [KT_STRING] = "string", [KT_PATH] = "path",
		[KT_ENUM] = "choice", [KT_TIME] = "HH:MM", [KT_DURATION] = "duration",
		[KT_LIST] = "list", [KT_SIZE] = "size" };
	char range[64];
	fputs(names[spec->type], out);
	if (spec->type == KT_INT || spec->type == KT_DOUBLE || spec->type == KT_DURATION ||
	    spec->type == KT_SIZE) {
		range_text(range, sizeof range, spec->min, spec->max);
		fprintf(out, " %s", range);
	}
	for (int c = 0; spec->type == KT_ENUM && spec->choices[c]; c++)
		fprintf(out, "%s%s", c ? "|" : " ", spec->choices[c]);
}
