/* ini_value.h - the values of settings: one parser per type, and one switch
 * over the types that every table of keys (config.ini's sections, [alert.NAME],
 * themes) parses through. Pure: no I/O, no environment ($HOME is passed in).
 *
 * Each parser returns 0, or -1 and writes why: a short message that quotes the
 * text, e.g. "out of range: '50' (100..60000)"; the caller adds file:line and
 * the key. */
#ifndef CCBOARD_INI_VALUE_H
#define CCBOARD_INI_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The type of a key (KT_: key type, as the rows of the tables name it). */
enum iv_type {
	KT_INT,        /* whole number, min..max */
	KT_DOUBLE,     /* number, min..max */
	KT_BOOL,       /* yes/no true/false on/off 1/0, any case */
	KT_STRING,     /* text; empty means unset */
	KT_PATH,       /* text whose leading ~/ is $HOME; empty means unset */
	KT_ENUM,       /* one of choices (exact case) */
	KT_TIME,       /* HH:MM -> minutes after midnight */
	KT_DURATION,   /* seconds: 90, 90s, 15m, 4h; min..max */
	KT_LIST,       /* one item of a list (the key repeated adds one); ~/ expanded */
	KT_SIZE        /* bytes: 65536, 64K, 1M, 1G (powers of 1024); min..max */
};

/* What a key accepts: its type and, by type, its range or its choices. */
struct iv_spec {
	enum iv_type type;
	double min, max;              /* KT_INT, KT_DOUBLE, KT_DURATION (max may be INFINITY) */
	const char *const *choices;   /* KT_ENUM: NULL-terminated */
};

/* A parsed value, the member by type: i for KT_INT, KT_SIZE, KT_DURATION (seconds),
 * KT_TIME (minutes) and KT_ENUM (the index of the choice); d for KT_DOUBLE;
 * b for KT_BOOL; s for KT_STRING, KT_PATH and KT_LIST (malloc'ed, the caller
 * owns it; NULL for an empty string or path). */
union iv_value {
	long long i;
	double d;
	bool b;
	char *s;
};

/* The type switch: parses v as spec says into *out (home: $HOME for ~/, or
 * NULL). An empty v is an error except for a string or path. */
int iv_parse(const struct iv_spec *spec, const char *v, const char *home,
             union iv_value *out, char *why, size_t len);

/* Writes what spec accepts, as the key reference shows it: "int 100..60000",
 * "choice offered|answered", "bool". */
void iv_write_spec(FILE *out, const struct iv_spec *spec);

/* The parsers, one per type. */
int iv_bool(const char *v, bool *out, char *why, size_t len);
int iv_int(const char *v, double min, double max, long long *out, char *why, size_t len);
int iv_double(const char *v, double min, double max, double *out, char *why, size_t len);
int iv_duration(const char *v, double min, double max, long long *out, char *why,
                size_t len);
int iv_size(const char *v, double min, double max, long long *out, char *why, size_t len);
int iv_time(const char *v, int *out, char *why, size_t len);
int iv_enum(const char *v, const char *const *choices, int *out, char *why, size_t len);

/* Returns the index of v in the NULL-terminated choices (nocase: ignoring
 * ASCII case), or -1. */
int iv_choice(const char *v, const char *const *choices, bool nocase);

/* Returns a malloc'ed copy of path with a leading "~/" (or a lone "~") taken
 * from home; unchanged when home is NULL or empty. */
char *iv_path(const char *path, const char *home);

#endif
