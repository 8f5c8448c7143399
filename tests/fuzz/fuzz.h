/* fuzz.h - shared by the libFuzzer targets and by the unit test that replays
 * their seeds and every crash found (tests/unit/test_regress.c).
 *
 * Each target defines fuzz_NAME_one(data, size); FUZZ_TARGET(NAME) adds the
 * libFuzzer entry point unless FUZZ_NO_MAIN is defined. */
#ifndef CCBOARD_FUZZ_H
#define CCBOARD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef FUZZ_NO_MAIN
/* Replaying in a unit test: the test says which input failed, then aborts. */
_Noreturn void fuzz_failed(const char *file, int line, const char *cond);
#else
static inline _Noreturn void fuzz_failed(const char *file, int line, const char *cond)
{
	fprintf(stderr, "%s:%d: invariant failed: %s\n", file, line, cond);
	abort();
}
#endif

/* An invariant that must hold for any input: report it and abort, so that
 * libFuzzer saves the input and the replaying unit test fails. */
#define FUZZ_CHECK(cond)                                                        \
	do {                                                                    \
		if (!(cond))                                                    \
			fuzz_failed(__FILE__, __LINE__, #cond);                 \
	} while (0)

/* Set FUZZ_KNOWN=1 to skip the checks of bugs already reported and still
 * open (each marked with fuzz_known()), so a campaign can look past them. */
static inline int fuzz_known(void)
{
	const char *v = getenv("FUZZ_KNOWN");
	return v != NULL && v[0] == '1';
}

#ifdef FUZZ_NO_MAIN
#define FUZZ_TARGET(name)
#else
#define FUZZ_TARGET(name)                                                       \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);           \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)            \
	{                                                                       \
		fuzz_##name##_one(data, size);                                  \
		return 0;                                                       \
	}
#endif

/* A small deterministic generator (splitmix64) for choices derived from the
 * input, so that a saved input replays exactly. */
static inline uint64_t fuzz_rng(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Reads bytes from the front of an input, 0 when it runs out. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline unsigned fuzz_byte(struct fuzz_in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static inline unsigned fuzz_u16(struct fuzz_in *in)
{
	unsigned hi = fuzz_byte(in);
	return hi << 8 | fuzz_byte(in);
}

#endif
