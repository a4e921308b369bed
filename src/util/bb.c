/*
 * bb.c: allocation that aborts on exhaustion, strict number parsing, text
 * made safe to show (bb_utf8_clean), and the error-code table shared by
 * every room.
 */
#include "util/bb.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

static void
oom(size_t n)
{
	fprintf(stderr, "backbone: out of memory (asked for %zu bytes)\n", n);
	abort();
}

void *
bb_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

void *
bb_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom(n * size);
	return p;
}

void *
bb_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		oom(n);
	return q;
}

void *
bb_grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap;
	if (need <= c)
		return p;
	if (c < 8)
		c = 8;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			oom(SIZE_MAX);
		c *= 2;
	}
	p = bb_realloc(p, c * size);
	*cap = c;
	return p;
}

char *
bb_strdup(const char *s)
{
	return bb_strndup(s, strlen(s));
}

char *
bb_strndup(const char *s, size_t n)
{
	char *p = bb_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
bb_asprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	p = bb_malloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void
bb_strv_free(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

size_t
bb_strlcpy(char *dst, const char *src, size_t dstsz)
{
	size_t n = strlen(src);
	if (dstsz > 0) {
		size_t c = n < dstsz - 1 ? n : dstsz - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

char *
bb_utf8_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), o = 0;
	char *out = bb_malloc(n * 3 + 1);	/* a bad byte becomes 3 */

	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i,
		    (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0) {
			memcpy(out + o, "\xEF\xBF\xBD", 3);	/* U+FFFD */
			o += 3;
			i++;
		} else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			out[o++] = '?';
			i += (size_t)k;
		} else {
			memcpy(out + o, p + i, (size_t)k);
			o += (size_t)k;
			i += (size_t)k;
		}
	}
	out[o] = '\0';
	return out;
}

int
bb_parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || *s == ' ' || *s == '\t' || *s == '+')
		return BB_ERR_INPUT;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return BB_ERR_INPUT;
	*out = v;
	return BB_OK;
}

int
bb_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0' || *s == ' ' || *s == '\t')
		return BB_ERR_INPUT;
	/* Only plain decimal notation: no hex floats, inf or nan. */
	for (const char *p = s; *p; p++)
		if (!strchr("0123456789+-.eE", *p))
			return BB_ERR_INPUT;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return BB_ERR_INPUT;
	*out = v;
	return BB_OK;
}

void
bb_format_double(char *buf, size_t bufsz, double v, int digits)
{
	char *dot, *e;

	if (!isfinite(v)) {
		bb_strlcpy(buf, "", bufsz);
		return;
	}
	/* A number too long for the buffer written out in full is written
	 * with an exponent (1e+300), never cut short into another number. */
	if ((size_t)snprintf(buf, bufsz, "%.*f", digits, v) >= bufsz) {
		snprintf(buf, bufsz, "%.15g", v);
		return;
	}
	dot = strchr(buf, '.');
	if (dot != NULL) {
		e = buf + strlen(buf) - 1;
		while (e > dot && *e == '0')
			*e-- = '\0';
		if (e == dot)
			*e = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		bb_strlcpy(buf, "0", bufsz);
}

bool
bb_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

double
bb_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
bb_exit_code(int err)
{
	switch (err) {
	case BB_OK:
		return BB_EXIT_OK;
	case BB_ERR_INPUT:
	case BB_ERR_LIMIT:
	case BB_ERR_NOTFOUND:
	case BB_ERR_CONFLICT:
	case BB_ERR_EXISTS:
		return BB_EXIT_REFUSED;
	case BB_ERR_USAGE:
		return BB_EXIT_USAGE;
	default:
		return BB_EXIT_INTERNAL;
	}
}

const char *
bb_strerror(int err)
{
	switch (err) {
	case BB_OK: return "ok";
	case BB_ERR_INPUT: return "input refused";
	case BB_ERR_USAGE: return "usage error";
	case BB_ERR_INTERNAL: return "internal error";
	case BB_ERR_IO: return "input/output error";
	case BB_ERR_NOTFOUND: return "not found";
	case BB_ERR_LIMIT: return "limit exceeded";
	case BB_ERR_EXISTS: return "already exists";
	case BB_ERR_CONFLICT: return "conflict";
	default: return "unknown error";
	}
}
