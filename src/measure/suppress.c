/*
 * suppress.c: small-cell suppression of figures shown outside the
 * backbone, primary and complementary (docs/reports.md).
 *
 * Primary: a figure with more than none but fewer than the framework's
 * minimum cell size people (or records, or values) behind its numerator,
 * its denominator, or the rest of its denominator is suppressed.  Zero is
 * shown: it says that no one is in a group, which identifies no one.
 *
 * Complementary: a suppressed figure could be recovered by subtraction
 * from a total when it is the only one suppressed among figures that add
 * up: the groups of one disaggregation with their total, and the partners
 * of one figure with the initiative's.  In every such set with exactly one
 * suppressed figure, the smallest other figure the viewer does not already
 * know is suppressed too; this repeats until no set needs it.
 */
#include "measure/values.h"
#include "util/bb.h"

#include <stdlib.h>
#include <string.h>

static bool
small(int64_t x, int k)
{
	return x > 0 && x < k;
}

static bool
subject(const struct bb_value *v, enum bb_role role, const char *partner)
{
	if (role == BB_ROLE_BACKBONE)
		return false;
	if (role == BB_ROLE_PARTNER && v->partner && partner &&
	    strcmp(v->partner, partner) == 0)
		return false;
	return true;
}

static int64_t
size_of(const struct bb_value *v)
{
	return v->has_den ? v->n_den : v->n_num;
}

/* One set of figures that add up.  Returns true when it suppressed one. */
static bool
complement(struct bb_values *vs, const size_t *set, size_t n, enum bb_role role,
    const char *partner)
{
	size_t suppressed = 0, best = n;

	for (size_t i = 0; i < n; i++)
		suppressed += vs->v[set[i]].suppressed;
	if (suppressed != 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct bb_value *v = &vs->v[set[i]];
		if (v->suppressed || !subject(v, role, partner))
			continue;
		if (best == n)
			best = i;
		else {
			const struct bb_value *b = &vs->v[set[best]];
			int64_t sv = size_of(v), sb = size_of(b);
			/* The smallest above zero; zero only when nothing else. */
			if ((sb == 0 && sv > 0) || (sv > 0 && sv < sb))
				best = i;
		}
	}
	if (best == n)
		return false;
	vs->v[set[best]].suppressed = true;
	vs->v[set[best]].why = 'c';
	return true;
}

static bool
same_partner(const struct bb_value *a, const struct bb_value *b)
{
	if (a->partner == NULL || b->partner == NULL)
		return a->partner == b->partner;
	return strcmp(a->partner, b->partner) == 0;
}

/* The figures of one (indicator, period): [a, b). */
static void
slice(struct bb_values *vs, size_t a, size_t b, enum bb_role role,
    const char *partner)
{
	size_t *set = bb_calloc(b - a + 1, sizeof(*set));
	bool changed = true;

	for (int round = 0; changed && round < 1000; round++) {
		changed = false;
		for (size_t i = a; i < b; i++) {
			const struct bb_value *v = &vs->v[i];
			size_t n = 0;
			/* Partners with the initiative: i is the initiative's figure. */
			if (v->partner == NULL) {
				set[n++] = i;
				for (size_t k = i + 1; k < b && vs->v[k].partner &&
				    vs->v[k].group == v->group &&
				    strcmp(vs->v[k].dvalue, v->dvalue) == 0; k++)
					set[n++] = k;
				changed |= complement(vs, set, n, role, partner);
			}
			/* A disaggregation with its total: i is a total (group 0),
			 * once per group that follows. */
			if (v->group != 0)
				continue;
			for (size_t g = 1;; g++) {
				bool any = false;
				n = 0;
				set[n++] = i;
				for (size_t k = a; k < b; k++)
					if (vs->v[k].group == g && same_partner(&vs->v[k], v)) {
						set[n++] = k;
						any = true;
					}
				if (!any) {
					bool later = false;
					for (size_t k = a; k < b; k++)
						later |= vs->v[k].group > g;
					if (!later)
						break;
					continue;
				}
				changed |= complement(vs, set, n, role, partner);
			}
		}
	}
	free(set);
}

void
bb_measure_suppress(struct bb_values *vs, int min_cell_size, enum bb_role role,
    const char *partner)
{
	size_t a = 0;

	for (size_t i = 0; i < vs->n; i++) {
		struct bb_value *v = &vs->v[i];
		v->suppressed = false;
		v->why = 0;
		if (min_cell_size <= 1 || !subject(v, role, partner))
			continue;
		if (small(v->n_num, min_cell_size) ||
		    (v->has_den && (small(v->n_den, min_cell_size) ||
		    (v->n_den >= v->n_num && small(v->n_den - v->n_num, min_cell_size))))) {
			v->suppressed = true;
			v->why = 'p';
		}
	}
	if (min_cell_size <= 1 || role == BB_ROLE_BACKBONE)
		return;
	while (a < vs->n) {
		size_t b = a + 1;
		while (b < vs->n && vs->v[b].plan == vs->v[a].plan &&
		    strcmp(vs->v[b].indicator, vs->v[a].indicator) == 0 &&
		    strcmp(vs->v[b].period, vs->v[a].period) == 0)
			b++;
		slice(vs, a, b, role, partner);
		a = b;
	}
}
