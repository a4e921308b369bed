/*
 * bb.h: what every room of backbone shares: error codes, allocation that
 * aborts on exhaustion, small helpers.  util/ knows nothing of the domain.
 *
 * Convention: functions return 0 on success or a negative BB_ERR_* code;
 * details of a failure go into a caller-owned struct bb_diag (util/diag.h).
 * Out of memory is not an error code: bb_malloc() and friends print a message
 * and abort.
 */
#ifndef BB_H
#define BB_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum {
	BB_OK = 0,
	BB_ERR_INPUT = -1,	/* the input was refused: findings were reported */
	BB_ERR_USAGE = -2,	/* the command was called wrongly */
	BB_ERR_INTERNAL = -3,	/* a bug or an environment failure */
	BB_ERR_IO = -4,		/* a file or the database could not be read/written */
	BB_ERR_NOTFOUND = -5,	/* the thing asked for does not exist */
	BB_ERR_LIMIT = -6,	/* a cap on outside input was hit */
	BB_ERR_EXISTS = -7,	/* already there (often not an error for callers) */
	BB_ERR_CONFLICT = -8,	/* refused because of the current state */
};

/* Exit codes of the backbone program (docs/cli.md). */
enum {
	BB_EXIT_OK = 0,
	BB_EXIT_REFUSED = 1,
	BB_EXIT_USAGE = 2,
	BB_EXIT_INTERNAL = 3,
};

/* Map a BB_ERR_* code to a process exit code. */
int bb_exit_code(int err);
/* A short English name for an error code ("input refused", ...). */
const char *bb_strerror(int err);

#define BB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define BB_UNUSED(x) ((void)(x))

/* Allocation: never returns NULL; aborts with a message when memory is out. */
void *bb_malloc(size_t n);
void *bb_calloc(size_t n, size_t size);
void *bb_realloc(void *p, size_t n);
/* Grow an array of `size`-byte items to hold at least `need` items. */
void *bb_grow(void *p, size_t *cap, size_t need, size_t size);
char *bb_strdup(const char *s);
char *bb_strndup(const char *s, size_t n);
/* printf into a fresh string owned by the caller. */
char *bb_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Free each string of an array of n, then the array. Accepts NULL. */
void bb_strv_free(char **v, size_t n);

/* Copy src into dst of size dstsz, always NUL-terminating; returns strlen(src). */
size_t bb_strlcpy(char *dst, const char *src, size_t dstsz);
/* A copy of s that is valid UTF-8 text on one line (for names and messages
 * from outside that are stored and shown, also as JSON): a byte that is not
 * UTF-8 becomes U+FFFD, a control character '?'.  Caller frees. */
char *bb_utf8_clean(const char *s);
/* Strict decimal parsing: whole string, no spaces, range checked. 0 or BB_ERR_INPUT. */
int bb_parse_i64(const char *s, int64_t *out);
int bb_parse_double(const char *s, double *out);
/* Format a double with up to `digits` decimals, trailing zeros removed, "-0" as "0". */
void bb_format_double(char *buf, size_t bufsz, double v, int digits);

bool bb_streq(const char *a, const char *b);

/* Monotonic seconds, for progress and benchmarks. */
double bb_now(void);

#endif
