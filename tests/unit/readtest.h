/*
 * readtest.h: helpers for the reader tests: write bytes to a temporary
 * file, read it through bb_reader_*, and keep what came out as text that a
 * test compares exactly.
 */
#ifndef BB_READTEST_H
#define BB_READTEST_H

#include <stddef.h>

#include "intake/reader.h"

struct rt {
	int rc;		/* 0 when read to the end, else the error */
	char *rows;	/* header then each row: cells joined by |, NULL as ~,
			   with \ | CR LF escaped as \\ \| \r \n */
	char *lines;	/* each row's line, space-separated ("1 2 3") */
	char *rownos;	/* each row's row number */
	char *find;	/* the findings as printed, one a line */
	size_t nfind;
	size_t ncols;	/* the header's width at the end */
	char *format;	/* bb_reader_format(), or "" */
};

/* Write n bytes to a new temporary file whose name ends in ext (".csv");
 * returns its path (caller unlinks and frees). */
char *rt_write_ext(const void *p, size_t n, const char *ext);
char *rt_write(const void *p, size_t n);
/* Read a file; findings are named `display`. */
void rt_read_path(struct rt *t, const char *path, const char *display,
    const struct bb_reader_opts *o);
/* Read bytes as a file named "t" + ext (the findings' name). */
void rt_readx(struct rt *t, const void *p, size_t n, const char *ext,
    const struct bb_reader_opts *o);
/* Read CSV text (a string, or n bytes) as t.csv. */
void rt_read(struct rt *t, const char *text, const struct bb_reader_opts *o);
void rt_readn(struct rt *t, const void *p, size_t n, const struct bb_reader_opts *o);
void rt_free(struct rt *t);

#endif
