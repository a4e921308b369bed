/*
 * strsim.c: Jaro-Winkler and optimal-string-alignment distance on code
 * points (see strsim.h).  No allocation: working arrays live on the stack,
 * bounded by BB_SIM_MAX.
 */
#include "link/strsim.h"

#include <stdbool.h>
#include <string.h>
#include <utf8proc.h>

size_t
bb_utf8_decode(const char *s, size_t len, uint32_t *cp, size_t max)
{
	size_t i = 0, n = 0;
	while (i < len && n < max) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			cp[n++] = c;
			i++;
			continue;
		}
		int32_t v;
		utf8proc_ssize_t k = utf8proc_iterate((const uint8_t *)s + i,
		    (utf8proc_ssize_t)(len - i), &v);
		if (k <= 0) {
			i++;
			continue;
		}
		cp[n++] = (uint32_t)v;
		i += (size_t)k;
	}
	return n;
}

double
bb_jaro(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	bool fa[BB_SIM_MAX], fb[BB_SIM_MAX];
	size_t range, common = 0, trans = 0, k = 0;

	if (na > BB_SIM_MAX)
		na = BB_SIM_MAX;
	if (nb > BB_SIM_MAX)
		nb = BB_SIM_MAX;
	if (na == 0 || nb == 0)
		return 0.0;
	range = (na > nb ? na : nb) / 2;
	range = range > 0 ? range - 1 : 0;
	memset(fa, 0, na);
	memset(fb, 0, nb);
	for (size_t i = 0; i < na; i++) {
		size_t lo = i > range ? i - range : 0;
		size_t hi = i + range < nb - 1 ? i + range : nb - 1;
		for (size_t j = lo; j <= hi; j++) {
			if (!fb[j] && b[j] == a[i]) {
				fa[i] = fb[j] = true;
				common++;
				break;
			}
		}
	}
	if (common == 0)
		return 0.0;
	for (size_t i = 0; i < na; i++) {
		if (!fa[i])
			continue;
		while (k < nb && !fb[k])
			k++;
		if (k < nb && a[i] != b[k])
			trans++;
		k++;
	}
	trans /= 2;
	return ((double)common / (double)na + (double)common / (double)nb +
	    (double)(common - trans) / (double)common) / 3.0;
}

double
bb_jaro_winkler(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	double j = bb_jaro(a, na, b, nb);
	if (j > 0.7) {
		size_t l = 0, max = na < nb ? na : nb;
		if (max > 4)
			max = 4;
		while (l < max && a[l] == b[l])
			l++;
		j += (double)l * 0.1 * (1.0 - j);
	}
	return j;
}

unsigned
bb_osa_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
    unsigned cap)
{
	/* Three rows of the dynamic programme. */
	unsigned r0[BB_SIM_MAX + 1], r1[BB_SIM_MAX + 1], r2[BB_SIM_MAX + 1];
	unsigned *pp = r0, *p = r1, *c = r2;

	if (na > BB_SIM_MAX)
		na = BB_SIM_MAX;
	if (nb > BB_SIM_MAX)
		nb = BB_SIM_MAX;
	if ((na > nb ? na - nb : nb - na) > cap)
		return cap + 1;
	for (size_t j = 0; j <= nb; j++)
		p[j] = (unsigned)j;
	for (size_t i = 1; i <= na; i++) {
		unsigned best = c[0] = (unsigned)i;
		for (size_t j = 1; j <= nb; j++) {
			unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
			unsigned v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (p[j - 1] + cost < v)
				v = p[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
		unsigned *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[nb] > cap ? cap + 1 : p[nb];
}

double
bb_jaro_winkler_utf8(const char *a, const char *b)
{
	uint32_t ca[BB_SIM_MAX], cb[BB_SIM_MAX];
	size_t na = bb_utf8_decode(a, strlen(a), ca, BB_SIM_MAX);
	size_t nb = bb_utf8_decode(b, strlen(b), cb, BB_SIM_MAX);
	return bb_jaro_winkler(ca, na, cb, nb);
}

unsigned
bb_osa_distance_utf8(const char *a, const char *b)
{
	uint32_t ca[BB_SIM_MAX], cb[BB_SIM_MAX];
	size_t na = bb_utf8_decode(a, strlen(a), ca, BB_SIM_MAX);
	size_t nb = bb_utf8_decode(b, strlen(b), cb, BB_SIM_MAX);
	return bb_osa_distance(ca, na, cb, nb, 2 * BB_SIM_MAX);
}
