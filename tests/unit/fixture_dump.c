/* fixture_dump.c - a snapshot writer's text as a string (fixture_dump.h). */
#include "fixture_dump.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <cmocka.h>

/* The stream's buffer and size live in a block of the heap, not in this
 * frame: once inlined, GCC 12 at -O2 took the returned text for a pointer to
 * a local the stream had been given (-Wdangling-pointer, a false alarm that
 * -Werror turns into a failed build). */
char *fx_dump(const struct snapshot *s, int (*fn)(const struct snapshot *, FILE *), size_t *n)
{
	struct { char *text; size_t n; } *m = calloc(1, sizeof *m);
	char *text;
	assert_non_null(m);
	FILE *f = open_memstream(&m->text, &m->n);
	assert_non_null(f);
	assert_int_equal(fn(s, f), 0);
	assert_int_equal(fclose(f), 0);
	text = m->text;
	if (n)
		*n = m->n;
	free(m);
	return text;
}

char *fx_join(const struct json_pieces *jp)
{
	char *t = malloc(jp->len + 1), *at = t;
	assert_non_null(t);
	for (size_t i = 0; i < jp->n; i++) {
		memcpy(at, jp->iov[i].iov_base, jp->iov[i].iov_len);
		at += jp->iov[i].iov_len;
	}
	*at = '\0';
	assert_int_equal((size_t)(at - t), jp->len);
	return t;
}

void fx_same_text(const char *got, size_t n, const char *ref, size_t rn, const char *what, ...)
{
	char name[200];
	va_list ap;
	size_t i = 0;
	if (n == rn && memcmp(got, ref, n) == 0)
		return;
	while (i < n && i < rn && got[i] == ref[i])
		i++;
	va_start(ap, what);
	vsnprintf(name, sizeof name, what, ap);
	va_end(ap);
	size_t from = i > 40 ? i - 40 : 0;
	fail_msg("%s: differ at byte %zu (%zu vs %zu bytes):\n got ...%.120s\n ref ...%.120s", name,
	         i, n, rn, got + from, ref + from);
}

char *fx_same_json(const struct snapshot *s)
{
	size_t n, rn;
	char *fast = fx_dump(s, snapshot_write_json, &n), *ref = fx_dump(s, snapshot_write_json_ref, &rn);
	fx_same_text(fast, n, ref, rn, "fast vs reference writer");
	free(ref);
	return fast;
}
