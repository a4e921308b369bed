/*
 * rng.c: xoshiro256** (Blackman and Vigna, public domain reference
 * algorithm) seeded by splitmix64, and unbiased bounded integers by
 * rejection.  Integer arithmetic only, so results are the same everywhere.
 */
#include "util/rng.h"

#include <assert.h>

uint64_t
bb_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t
bb_rng_mix(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t x = a;
	uint64_t h = bb_splitmix64(&x);
	x = h ^ b;
	h = bb_splitmix64(&x);
	x = h ^ c;
	return bb_splitmix64(&x);
}

void
bb_rng_seed(struct bb_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = bb_splitmix64(&x);
	/* splitmix64 never yields four zeros in a row, but be explicit. */
	if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
		r->s[0] = 1;
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
bb_rng_next(struct bb_rng *r)
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

uint64_t
bb_rng_below(struct bb_rng *r, uint64_t n)
{
	uint64_t x, threshold;

	assert(n >= 1);
	/* Reject the low values that would make the remainder uneven:
	 * 2^64 mod n of them. */
	threshold = (UINT64_C(0) - n) % n;
	do
		x = bb_rng_next(r);
	while (x < threshold);
	return x % n;
}

int64_t
bb_rng_range(struct bb_rng *r, int64_t lo, int64_t hi)
{
	assert(lo <= hi);
	uint64_t span = (uint64_t)hi - (uint64_t)lo;
	if (span == UINT64_MAX)
		return (int64_t)bb_rng_next(r);
	return (int64_t)((uint64_t)lo + bb_rng_below(r, span + 1));
}

bool
bb_rng_chance(struct bb_rng *r, uint32_t per10000)
{
	if (per10000 == 0)
		return false;
	return bb_rng_below(r, 10000) < per10000;
}
