/*
 * readtest.c: helpers for the reader tests (readtest.h).
 */
#include "readtest.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/bb.h"
#include "util/buf.h"
#include "util/diag.h"

char *
rt_write_ext(const void *p, size_t n, const char *ext)
{
	char *path = bb_asprintf("/tmp/bb-rt-XXXXXX%s", ext);
	int fd = mkstemps(path, (int)strlen(ext));

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
	close(fd);
	return path;
}

char *
rt_write(const void *p, size_t n)
{
	return rt_write_ext(p, n, ".csv");
}

static void
cell(struct bb_buf *b, const char *s, size_t n)
{
	if (s == NULL) {
		bb_buf_putc(b, '~');
		return;
	}
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '|': bb_buf_puts(b, "\\|"); break;
		case '\\': bb_buf_puts(b, "\\\\"); break;
		case '\n': bb_buf_puts(b, "\\n"); break;
		case '\r': bb_buf_puts(b, "\\r"); break;
		default: bb_buf_putc(b, s[i]);
		}
	}
}

static void
row(struct bb_buf *b, const struct bb_row *r)
{
	for (size_t i = 0; i < r->ncells; i++) {
		if (i)
			bb_buf_putc(b, '|');
		cell(b, r->cells[i], r->lens[i]);
	}
	bb_buf_putc(b, '\n');
}

void
rt_read_path(struct rt *t, const char *path, const char *display,
    const struct bb_reader_opts *o)
{
	struct bb_findings f;
	struct bb_reader *r = NULL;
	struct bb_buf rows, lines, nos, find;
	const struct bb_row *x;
	int rc;

	memset(t, 0, sizeof(*t));
	bb_findings_init(&f);
	bb_buf_init(&rows, BB_BUF_NOMAX);
	bb_buf_init(&lines, BB_BUF_NOMAX);
	bb_buf_init(&nos, BB_BUF_NOMAX);
	bb_buf_init(&find, BB_BUF_NOMAX);
	rc = bb_reader_open(path, display, o, &r, &f);
	if (rc == BB_OK) {
		const struct bb_row *h = bb_reader_header(r);
		t->format = bb_strdup(bb_reader_format(r));
		row(&rows, h);
		bb_buf_printf(&lines, "%llu", (unsigned long long)h->line);
		bb_buf_printf(&nos, "%llu", (unsigned long long)h->row);
		while ((rc = bb_reader_next(r, &x)) == 1) {
			row(&rows, x);
			bb_buf_printf(&lines, " %llu", (unsigned long long)x->line);
			bb_buf_printf(&nos, " %llu", (unsigned long long)x->row);
		}
		h = bb_reader_header(r);
		t->ncols = h->ncells;
	} else
		t->format = bb_strdup("");
	for (size_t i = 0; i < f.n; i++) {
		char *s = bb_diag_format(&f.items[i]);
		bb_buf_printf(&find, "%s\n", s);
		free(s);
	}
	t->nfind = f.n;
	t->rc = rc;
	t->rows = bb_buf_take(&rows);
	t->lines = bb_buf_take(&lines);
	t->rownos = bb_buf_take(&nos);
	t->find = bb_buf_take(&find);
	bb_reader_free(r);
	bb_findings_free(&f);
}

void
rt_readx(struct rt *t, const void *p, size_t n, const char *ext,
    const struct bb_reader_opts *o)
{
	char *path = rt_write_ext(p, n, ext);
	char *display = bb_asprintf("t%s", ext);

	rt_read_path(t, path, display, o);
	unlink(path);
	free(path);
	free(display);
}

void
rt_read(struct rt *t, const char *text, const struct bb_reader_opts *o)
{
	rt_readx(t, text, strlen(text), ".csv", o);
}

void
rt_readn(struct rt *t, const void *p, size_t n, const struct bb_reader_opts *o)
{
	rt_readx(t, p, n, ".csv", o);
}

void
rt_free(struct rt *t)
{
	free(t->rows);
	free(t->lines);
	free(t->rownos);
	free(t->find);
	free(t->format);
	memset(t, 0, sizeof(*t));
}
