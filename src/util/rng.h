/*
 * rng.h: a small, seeded pseudo-random number generator of our own
 * (xoshiro256** seeded through splitmix64), so the same seed gives the same
 * numbers on every machine and with every C library.  Not for secrets: keys
 * and tokens come from libsodium.
 *
 * Besides the stream, bb_rng_mix() is a stateless 64-bit mixer: it turns a
 * few integers (a seed, a person, a purpose, a day) into a well-spread
 * number, so a decision can be made again later without keeping state.
 */
#ifndef BB_RNG_H
#define BB_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct bb_rng {
	uint64_t s[4];
};

/* One step of splitmix64: advances *x and returns the next output. */
uint64_t bb_splitmix64(uint64_t *x);
/* Mix three integers into one 64-bit value (splitmix64 finalisers). */
uint64_t bb_rng_mix(uint64_t a, uint64_t b, uint64_t c);

/* Seed the stream (any seed, 0 included, gives a valid state). */
void bb_rng_seed(struct bb_rng *r, uint64_t seed);
/* The next 64 random bits. */
uint64_t bb_rng_next(struct bb_rng *r);
/* A uniform integer in [0, n); n must be at least 1.  Unbiased. */
uint64_t bb_rng_below(struct bb_rng *r, uint64_t n);
/* A uniform integer in [lo, hi] (lo <= hi). */
int64_t bb_rng_range(struct bb_rng *r, int64_t lo, int64_t hi);
/* True with probability per10000 / 10000. */
bool bb_rng_chance(struct bb_rng *r, uint32_t per10000);

#endif
