/*
 * fuzz_normalize.c: libFuzzer harness for the linkage normaliser and the
 * other parsers of link/ that see outside bytes: every identity-role
 * normaliser and the date reader (link/normalize.c), NYSIIS and the
 * nickname lookup, the string measures (link/strsim.c), and the parsers of
 * encoding files (base64 CLKs and blocking keys, link/encode.c).
 *
 * The input is split at its first newline into two values a and b.  Checks
 * the contracts: outputs are NUL-terminated within BB_NORM_MAX, valid
 * UTF-8, a date has valid readings, measures are in range and symmetric.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "link/encode.h"
#include "link/normalize.h"
#include "link/strsim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *s)
{
	size_t n = strnlen(s, BB_NORM_MAX);
	if (n >= BB_NORM_MAX)
		abort();
	for (size_t i = 0; i < n;) {
		int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const uint8_t *)s + i,
		    (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0)
			abort();	/* not valid UTF-8 */
		i += (size_t)k;
	}
}

static void
one(const char *v)
{
	char out[BB_NORM_MAX], first[BB_NORM_MAX];
	struct bb_date d;
	uint16_t g[BB_NICK_MAX_GROUPS];
	struct bb_clk c;
	struct bb_clk_blocks bl;

	bb_norm_fold(v, strlen(v), out, sizeof(out));
	check_text(out);
	if (bb_norm_name(v, true, out, first)) {
		check_text(out);
		check_text(first);
		bb_norm_nysiis(out, first);
		check_text(first);
		bb_nick_groups_near(out, g);
	} else if (out[0] != '\0')
		abort();
	bb_norm_name(v, false, out, NULL);
	check_text(out);
	bb_norm_words(v, true, out);
	check_text(out);
	bb_norm_words(v, false, out);
	check_text(out);
	bb_norm_ident(v, 3, out);
	check_text(out);
	bb_norm_phone(v, out);
	check_text(out);
	bb_norm_email(v, out);
	check_text(out);
	bb_norm_sex(v);
	if (bb_norm_date(v, &d)) {
		if (d.n < 1 || d.n > 2)
			abort();
		for (int i = 0; i < d.n; i++)
			if (d.y[i] < 1850 || d.y[i] > 2150 || d.m[i] < 1 ||
			    d.m[i] > 12 || d.d[i] < 1 || d.d[i] > 31)
				abort();
	} else if (d.n != 0)
		abort();
	if (bb_clk_from_base64(v, &c) == 0 && strlen(v) < 172)
		abort();
	bb_clk_blocks_parse(v, &bl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a, *b;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t na = nl ? (size_t)(nl - data) : size;

	if (size > 4096)
		return 0;
	a = malloc(na + 1);
	memcpy(a, data, na);
	a[na] = '\0';
	b = nl ? strndup((const char *)nl + 1, size - na - 1) : strdup("");
	one(a);
	one(b);
	double x = bb_jaro_winkler_utf8(a, b), y = bb_jaro_winkler_utf8(b, a);
	if (!(x >= 0 && x <= 1.0 + 1e-12) || fabs(x - y) > 1e-9)
		abort();
	unsigned d1 = bb_osa_distance_utf8(a, b), d2 = bb_osa_distance_utf8(b, a);
	if (d1 != d2)
		abort();
	if (strcmp(a, b) == 0 && d1 != 0)
		abort();
	free(a);
	free(b);
	return 0;
}
