/* theme.c - theme files and colour pairs. */
#include "theme.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ini_value.h"
#include "util.h"

static const char *const role_names[ROLE_COUNT] = {
	"normal", "header", "title", "heading", "dim", "ok", "warning", "critical", "tile",
	"label", "selected", "total", "busy", "paused", "spark", "help", "key",
};

/* Attributes each role has when a theme says nothing about it (and in mono). */
static const attr_t role_default_attrs[ROLE_COUNT] = {
	[ROLE_HEADER] = A_REVERSE, [ROLE_TITLE] = A_BOLD, [ROLE_HEADING] = A_BOLD,
	[ROLE_DIM] = A_DIM, [ROLE_WARNING] = A_BOLD, [ROLE_CRITICAL] = A_BOLD | A_REVERSE,
	[ROLE_TILE] = A_BOLD, [ROLE_SELECTED] = A_REVERSE, [ROLE_TOTAL] = A_BOLD,
	[ROLE_PAUSED] = A_UNDERLINE, [ROLE_KEY] = A_BOLD, [ROLE_LABEL] = A_DIM,
};

static const char *const level_sections[THEME_LEVELS] = { "256", "16", "8", "mono" };
static const int level_colors[THEME_LEVELS] = { 256, 16, 8, 0 };

const char *theme_role_name(enum role r)
{
	return r < ROLE_COUNT ? role_names[r] : NULL;
}

static int role_by_name(const char *name)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (strcmp(role_names[i], name) == 0)
			return i;
	return -1;
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

char *theme_find(const char *name, const char *themes_dir, char **cause)
{
	const char *dirs[4];
	size_t n = strlen(name);

	if (strchr(name, '/') || (n > 4 && strcmp(name + n - 4, ".ini") == 0)) {
		if (readable(name))
			return xstrdup(name);
		*cause = xasprintf("theme %s: %s", name, strerror(errno));
		return NULL;
	}
	dirs[0] = themes_dir;
	dirs[1] = getenv("CCBOARD_THEMES");
	dirs[2] = CCBOARD_SOURCE_THEMES;
	dirs[3] = CCBOARD_DATADIR "/themes";
	for (int i = 0; i < 4; i++) {
		char *path;

		if (!dirs[i] || !*dirs[i])
			continue;
		path = xasprintf("%s/%s.ini", dirs[i], name);
		if (readable(path))
			return path;
		free(path);
	}
	*cause = xasprintf("unknown theme '%s' (looked for %s.ini in %s%s%s%s)", name, name,
	                   themes_dir ? themes_dir : "", themes_dir ? ", " : "",
	                   getenv("CCBOARD_THEMES") ? "$CCBOARD_THEMES, " : "",
	                   CCBOARD_DATADIR "/themes");
	return NULL;
}

static const char *const color_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white", NULL,
};

/* Parses a colour token (any case): a name, bright-NAME (16 colours and
 * more), a number below max, or default; returns false when it is not one. */
static bool parse_color(const char *tok, int max, short *out)
{
	static const char *const deflt[] = { "default", NULL };
	char why[128];
	long long v;
	int i;

	if (iv_choice(tok, deflt, true) == 0) {
		*out = -1;
		return true;
	}
	if ((i = iv_choice(tok, color_names, true)) >= 0) {
		*out = (short)i;
		return true;
	}
	if (strncasecmp(tok, "bright-", 7) == 0 && max > 8 &&
	    (i = iv_choice(tok + 7, color_names, true)) >= 0) {
		*out = (short)(i + 8);
		return true;
	}
	if (iv_int(tok, 0, max - 1, &v, why, sizeof why) < 0)
		return false;
	*out = (short)v;
	return true;
}

static bool parse_attr(const char *tok, attr_t *out)
{
	static const char *const names[] = { "normal", "bold", "dim", "reverse", "underline",
		"standout", "italic", "blink", NULL };
	static const attr_t attrs[] = { A_NORMAL, A_BOLD, A_DIM, A_REVERSE, A_UNDERLINE,
		A_STANDOUT, A_ITALIC, A_BLINK };
	int i = iv_choice(tok, names, true);

	if (i < 0)
		return false;
	*out |= attrs[i];
	return true;
}

struct theme_parse {
	struct theme *t;
	char err[200];
};

/* Parses "fg bg attr..." (colour levels) or "attr..." (mono) into sp. */
static bool parse_spec(int level, const char *value, struct theme_spec *sp, char *err,
                       size_t errsz)
{
	char buf[200], *save = NULL, *tok;
	int i = 0;

	snprintf(buf, sizeof buf, "%s", value);
	memset(sp, 0, sizeof *sp);
	sp->fg = sp->bg = -1;
	for (tok = strtok_r(buf, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save), i++) {
		bool is_color_slot = level != THEME_MONO && i < 2;

		if (is_color_slot && parse_color(tok, level_colors[level], i ? &sp->bg : &sp->fg))
			continue;
		if (!is_color_slot && parse_attr(tok, &sp->attrs))
			continue;
		snprintf(err, errsz, "%s '%s' (want %s)", is_color_slot ? "not a colour" :
		         "not an attribute", tok, is_color_slot ? (level_colors[level] == 256 ?
		         "a name, bright-NAME, 0-255 or default" : level_colors[level] == 16 ?
		         "a name, bright-NAME, 0-15 or default" : "a name, 0-7 or default") :
		         "bold dim reverse underline standout italic blink normal");
		return false;
	}
	if (level != THEME_MONO && i < 2) {
		snprintf(err, errsz, "want 'foreground background [attributes]'");
		return false;
	}
	sp->set = true;
	return true;
}

static int theme_ini_handler(void *user, const char *section, const char *name,
                             const char *value)
{
	struct theme_parse *p = user;
	int level = -1, role;
	char why[160];

	if (strcmp(section, "theme") == 0) {
		if (strcmp(name, "name") == 0)
			snprintf(p->t->name, sizeof p->t->name, "%s", value);
		else if (strcmp(name, "description") != 0) {
			snprintf(p->err, sizeof p->err, "[theme] unknown key '%s'", name);
			return 0;
		}
		return 1;
	}
	for (int i = 0; i < THEME_LEVELS; i++)
		if (strcmp(section, level_sections[i]) == 0)
			level = i;
	if (level < 0) {
		snprintf(p->err, sizeof p->err, "unknown section [%s]", section);
		return 0;
	}
	role = role_by_name(name);
	if (role < 0) {
		snprintf(p->err, sizeof p->err, "[%s] unknown role '%s'", section, name);
		return 0;
	}
	if (!parse_spec(level, value, &p->t->spec[level][role], why, sizeof why)) {
		snprintf(p->err, sizeof p->err, "[%.8s] %.16s: %.150s", section, name, why);
		return 0;
	}
	return 1;
}

int theme_load(struct theme *t, const char *path, char **cause)
{
	struct theme_parse p = { .t = t };
	const char *base = strrchr(path, '/');
	int rc;

	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", base ? base + 1 : path);
	if (strlen(t->name) > 4 && strcmp(t->name + strlen(t->name) - 4, ".ini") == 0)
		t->name[strlen(t->name) - 4] = '\0';
	FILE *fp = fopen(path, "re");   /* "e": close-on-exec, as every fd of ours */
	rc = fp ? ini_parse_file(fp, theme_ini_handler, &p) : -1;
	if (fp)
		fclose(fp);
	if (rc < 0) {
		*cause = xasprintf("theme %s: cannot read", path);
		return -1;
	}
	if (rc > 0) {
		*cause = xasprintf("%s:%d: %s", path, rc, p.err[0] ? p.err : "syntax error");
		return -1;
	}
	return 0;
}

enum theme_level theme_level_for(int colors, bool has_colors, const char *no_color)
{
	if ((no_color && *no_color) || !has_colors)
		return THEME_MONO;
	if (colors >= 256)
		return THEME_256;
	if (colors >= 16)
		return THEME_16;
	if (colors >= 8)
		return THEME_8;
	return THEME_MONO;
}

/* Returns the spec of role r for level: the level's own or the next lower
 * colour level's; NULL when no colour level below sets it. */
static const struct theme_spec *spec_for(const struct theme *t, enum theme_level level, int r)
{
	for (int l = level; l < THEME_MONO; l++)
		if (t->spec[l][r].set)
			return &t->spec[l][r];
	return NULL;
}

void theme_apply(const struct theme *t, enum theme_level level, attr_t out[ROLE_COUNT])
{
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct theme_spec *mono = &t->spec[THEME_MONO][r];
		attr_t plain = mono->set ? mono->attrs : role_default_attrs[r];
		const struct theme_spec *sp;

		if (level == THEME_MONO) {
			out[r] = plain;
			continue;
		}
		sp = spec_for(t, level, r);
		if (!sp) {   /* no colour for this role: its monochrome look */
			init_pair((short)(r + 1), -1, -1);
			out[r] = plain | COLOR_PAIR(r + 1);
			continue;
		}
		init_pair((short)(r + 1), sp->fg, sp->bg);
		out[r] = sp->attrs | COLOR_PAIR(r + 1);
	}
}
