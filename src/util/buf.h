/*
 * buf.h: a growing byte buffer with a maximum (after curl's dynbuf).
 *
 * Every buffer fed by outside bytes is given a cap at init; an append that
 * would pass it fails with BB_ERR_LIMIT and leaves the buffer as it was,
 * and `full` stays set until the next reset (so a writer that ignores
 * each append's result can still tell its text was cut).
 * The data is always NUL-terminated, so text can be used as a C string.
 */
#ifndef BB_BUF_H
#define BB_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct bb_buf {
	char *data;	/* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max;	/* largest len allowed */
	bool full;	/* an append was refused (the cap) since init or reset */
};

#define BB_BUF_NOMAX ((size_t)-1 / 2)

void bb_buf_init(struct bb_buf *b, size_t max);
void bb_buf_free(struct bb_buf *b);
/* Empty the buffer, keeping its memory. */
void bb_buf_reset(struct bb_buf *b);
int bb_buf_append(struct bb_buf *b, const void *p, size_t n);
int bb_buf_putc(struct bb_buf *b, int c);
/* Slow paths of the inline functions below. */
int bb_buf_append_grow(struct bb_buf *b, const void *p, size_t n);

/* Inline fast paths for hot loops: the same contracts as bb_buf_append and
 * bb_buf_putc. */
static inline int
bb_buf_add(struct bb_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 <= b->cap && n <= b->max - b->len) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return bb_buf_append_grow(b, p, n);
}

static inline int
bb_buf_addc(struct bb_buf *b, char c)
{
	if (b->len + 2 <= b->cap && b->len < b->max) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return 0;
	}
	return bb_buf_append_grow(b, &c, 1);
}
int bb_buf_puts(struct bb_buf *b, const char *s);
int bb_buf_printf(struct bb_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int bb_buf_vprintf(struct bb_buf *b, const char *fmt, va_list ap);
/* The text so far ("" when empty); valid until the next change. */
const char *bb_buf_str(const struct bb_buf *b);
/* Hand over the data (caller frees) and re-initialise the buffer. */
char *bb_buf_take(struct bb_buf *b);

/* Read a whole file, up to max bytes. BB_ERR_IO (with errno message in
 * *errmsg, owned by caller) or BB_ERR_LIMIT when larger. */
int bb_read_file(const char *path, size_t max, struct bb_buf *out, char **errmsg);

#endif
