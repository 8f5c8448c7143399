/* test_strmap.c - interning: short keys in cells, long ones on the heap,
 * compaction and keys dropped and let go of later. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "strmap.h"

/* Keys of every length about a cell's room, more than a block of them:
 * each found again as itself, at its index. */
static void test_short_and_long_keys(void **state)
{
	struct strmap m;
	char key[64];
	(void)state;
	strmap_init(&m);
	for (int i = 0; i < 600; i++) {
		snprintf(key, sizeof key, "%.*s%d", i % 20, "Agent Agent Agent Ag", i);
		assert_int_equal(strmap_intern(&m, key), i);
	}
	for (int i = 0; i < 600; i++) {
		snprintf(key, sizeof key, "%.*s%d", i % 20, "Agent Agent Agent Ag", i);
		assert_int_equal(strmap_find(&m, key), i);
		assert_string_equal(m.keys[i], key);
	}
	strmap_free(&m);
}

static char *held[600];
static size_t n_held;

static void hold(void *ctx, char *key)
{
	(void)ctx;
	held[n_held++] = key;
}

/* Dropped keys stay as they are while held, and their cells are taken again
 * once let go of; kept keys stay where they were. */
static void test_compact_and_reuse(void **state)
{
	struct strmap m;
	int32_t map[600];
	const char *kept[600];
	char key[64];
	(void)state;
	strmap_init(&m);
	for (int i = 0; i < 600; i++) {
		snprintf(key, sizeof key, "%s%d", i % 3 ? "A " : "a longer name, agent ", i);
		strmap_intern(&m, key);
	}
	int32_t k = 0;
	for (int i = 0; i < 600; i++) {
		map[i] = i % 2 ? -1 : k++;
		kept[i] = m.keys[i];
	}
	n_held = 0;
	strmap_compact(&m, map, hold, NULL);
	assert_int_equal(m.count, 300);
	assert_int_equal(n_held, 300);
	for (int i = 0; i < 600; i++) {
		snprintf(key, sizeof key, "%s%d", i % 3 ? "A " : "a longer name, agent ", i);
		if (i % 2) {
			assert_int_equal(strmap_find(&m, key), -1);
			assert_string_equal(held[i / 2], key);
		} else {
			assert_int_equal(strmap_find(&m, key), i / 2);
			assert_ptr_equal(m.keys[i / 2], kept[i]);
		}
	}
	for (size_t i = 0; i < n_held; i++)
		strmap_key_free(&m, held[i]);
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof key, "B %d", i);
		assert_int_equal(strmap_intern(&m, key), 300 + i);
	}
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof key, "B %d", i);
		assert_int_equal(strmap_find(&m, key), 300 + i);
	}
	strmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_and_long_keys),
		cmocka_unit_test(test_compact_and_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
