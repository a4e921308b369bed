/*
 * buf.c: capped growing buffers, and reading a whole (capped) file.
 */
#include "util/buf.h"
#include "util/bb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
bb_buf_init(struct bb_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->full = false;
}

void
bb_buf_free(struct bb_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->full = false;
}

void
bb_buf_reset(struct bb_buf *b)
{
	b->len = 0;
	b->full = false;
	if (b->data)
		b->data[0] = '\0';
}

int
bb_buf_append(struct bb_buf *b, const void *p, size_t n)
{
	if (n > b->max || b->len > b->max - n) {
		b->full = true;
		return BB_ERR_LIMIT;
	}
	if (b->len + n + 1 > b->cap) {
		size_t c = b->cap ? b->cap : 64;
		while (c < b->len + n + 1)
			c *= 2;
		b->data = bb_realloc(b->data, c);
		b->cap = c;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return BB_OK;
}

int
bb_buf_append_grow(struct bb_buf *b, const void *p, size_t n)
{
	return bb_buf_append(b, p, n);
}

int
bb_buf_putc(struct bb_buf *b, int c)
{
	char ch = (char)c;
	return bb_buf_append(b, &ch, 1);
}

int
bb_buf_puts(struct bb_buf *b, const char *s)
{
	return bb_buf_append(b, s, strlen(s));
}

int
bb_buf_vprintf(struct bb_buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list cp;
	int n, rc;
	char *big;

	va_copy(cp, ap);
	n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		return BB_ERR_INTERNAL;
	if ((size_t)n < sizeof(small))
		return bb_buf_append(b, small, (size_t)n);
	big = bb_malloc((size_t)n + 1);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	rc = bb_buf_append(b, big, (size_t)n);
	free(big);
	return rc;
}

int
bb_buf_printf(struct bb_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = bb_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
bb_buf_str(const struct bb_buf *b)
{
	return b->data ? b->data : "";
}

char *
bb_buf_take(struct bb_buf *b)
{
	char *p = b->data ? b->data : bb_strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	b->full = false;
	return p;
}

int
bb_read_file(const char *path, size_t max, struct bb_buf *out, char **errmsg)
{
	FILE *f;
	char chunk[65536];
	size_t n;
	int rc = BB_OK;

	*errmsg = NULL;
	f = fopen(path, "rb");
	if (f == NULL) {
		*errmsg = bb_strdup(strerror(errno));
		return BB_ERR_IO;
	}
	out->max = max;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if ((rc = bb_buf_append(out, chunk, n)) != BB_OK) {
			*errmsg = bb_asprintf("larger than the limit of %zu bytes", max);
			break;
		}
	}
	if (rc == BB_OK && ferror(f)) {
		*errmsg = bb_strdup(strerror(errno));
		rc = BB_ERR_IO;
	}
	fclose(f);
	return rc;
}
