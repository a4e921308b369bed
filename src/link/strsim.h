/*
 * strsim.h: string similarity on Unicode code points: Jaro, Jaro-Winkler
 * and Damerau-Levenshtein distance (optimal string alignment).
 *
 * The code-point forms are what linkage calls in its inner loop (values are
 * decoded once, when interned); the UTF-8 forms decode into stack buffers and
 * are for tests, tools and explain output.  Strings longer than
 * BB_SIM_MAX code points are compared on their first BB_SIM_MAX.
 */
#ifndef BB_LINK_STRSIM_H
#define BB_LINK_STRSIM_H

#include <stddef.h>
#include <stdint.h>

#define BB_SIM_MAX 128

/* Decode UTF-8 into at most max code points (invalid bytes skipped);
 * returns how many were written. */
size_t bb_utf8_decode(const char *s, size_t len, uint32_t *cp, size_t max);

/* Jaro similarity in [0,1]; 0 when either string is empty. */
double bb_jaro(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
/* Jaro-Winkler: Jaro, boosted by 0.1 per common leading code point (up to
 * four) when Jaro exceeds 0.7.  Agrees with python3-jellyfish's
 * jaro_winkler_similarity. */
double bb_jaro_winkler(const uint32_t *a, size_t na, const uint32_t *b,
    size_t nb);
/* Optimal string alignment distance: insertions, deletions, substitutions
 * and transpositions of adjacent code points, each costing 1.  Stops early
 * and returns cap+1 once the distance must exceed `cap`. */
unsigned bb_osa_distance(const uint32_t *a, size_t na, const uint32_t *b,
    size_t nb, unsigned cap);

/* The same on UTF-8 strings (NUL-terminated). */
double bb_jaro_winkler_utf8(const char *a, const char *b);
unsigned bb_osa_distance_utf8(const char *a, const char *b);

#endif
