/* demo_sim.h - what the demo's two simulations share (demo.c for the calls,
 * demo_contacts.c for the other channels): random numbers and an event heap
 * in milliseconds. Header-only, static inline: both stay pure. */
#ifndef CCBOARD_DEMO_SIM_H
#define CCBOARD_DEMO_SIM_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define DEMO_PI 3.14159265358979323846

/* ---- random numbers: xoshiro256** seeded by splitmix64 ------------------ */

struct rng { uint64_t s[4]; };

static inline uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* [0, 1) */
static inline double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static inline double rng_uniform(struct rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_unit(r);
}

static inline double rng_exp(struct rng *r, double mean)
{
	return -mean * log1p(-rng_unit(r));
}

static inline double rng_lognormal(struct rng *r, double mean, double sigma)
{
	double u1 = 1.0 - rng_unit(r), u2 = rng_unit(r);
	double z = sqrt(-2.0 * log(u1)) * cos(2.0 * DEMO_PI * u2);
	return exp(log(mean) - 0.5 * sigma * sigma + sigma * z);
}

/* ---- the event heap --------------------------------------------------------- */

struct sim_ev {
	int64_t t;            /* ms */
	uint64_t seq;         /* ties broken by order of scheduling */
	int kind;             /* the simulation's own enum */
	int who;              /* queue, call slot, agent, contact ... */
	uint32_t gen;         /* the generation it was meant for */
};

struct sim_heap {
	struct sim_ev *v;
	size_t n, cap;
	uint64_t seq;
};

static inline bool sim_ev_before(const struct sim_ev *a, const struct sim_ev *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static inline void sim_heap_swap(struct sim_ev *h, size_t i, size_t j)
{
	struct sim_ev t = h[i];
	h[i] = h[j];
	h[j] = t;
}

/* Schedules an event; returns false when out of memory. */
static inline bool sim_heap_push(struct sim_heap *hp, int64_t t, int kind, int who, uint32_t gen)
{
	if (hp->n == hp->cap) {
		size_t cap = hp->cap ? hp->cap * 2 : 256;
		struct sim_ev *h = realloc(hp->v, cap * sizeof *h);
		if (!h)
			return false;
		hp->v = h;
		hp->cap = cap;
	}
	size_t i = hp->n++;
	hp->v[i] = (struct sim_ev){ t, hp->seq++, kind, who, gen };
	while (i > 0 && sim_ev_before(&hp->v[i], &hp->v[(i - 1) / 2])) {
		sim_heap_swap(hp->v, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return true;
}

/* Takes the earliest event (the heap is not empty). */
static inline struct sim_ev sim_heap_pop(struct sim_heap *hp)
{
	struct sim_ev top = hp->v[0];
	struct sim_ev *h = hp->v;
	size_t n = --hp->n, i = 0;
	h[0] = h[n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && sim_ev_before(&h[l], &h[m]))
			m = l;
		if (r < n && sim_ev_before(&h[r], &h[m]))
			m = r;
		if (m == i)
			break;
		sim_heap_swap(h, i, m);
		i = m;
	}
	return top;
}

#endif
