/*
 * fuzz_common.h: what the reader harnesses share: the input written to an
 * in-memory file (memfd) whose /proc path bb_reader_open() can open, and a
 * read of every row with small caps, so the cap paths are reached too.
 */
#ifndef BB_FUZZ_COMMON_H
#define BB_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "intake/reader.h"
#include "util/diag.h"

/* A memfd holding data; its path in *path (static storage). */
static int
fuzz_file(const uint8_t *data, size_t size, char path[64])
{
	static int fd = -1;

	if (fd < 0)
		fd = memfd_create("bb-fuzz", 0);
	if (fd < 0)
		abort();
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

/* Read every row of path as `format`; the findings must name a place. */
static void
fuzz_read(const char *path, struct bb_reader_opts *o)
{
	struct bb_findings f;
	struct bb_reader *r = NULL;
	const struct bb_row *row;
	size_t rows = 0;

	bb_findings_init(&f);
	if (o->max_cell == 0)
		o->max_cell = 4096;
	if (o->max_columns == 0)
		o->max_columns = 64;
	if (o->max_row_bytes == 0)
		o->max_row_bytes = 65536;
	if (o->max_uncompressed == 0)
		o->max_uncompressed = 4 << 20;
	if (bb_reader_open(path, "fuzz", o, &r, &f) == 0) {
		const struct bb_row *h = bb_reader_header(r);
		for (size_t i = 0; i < h->ncells; i++)
			if (h->cells[i] != NULL && strlen(h->cells[i]) != h->lens[i])
				abort();
		while (bb_reader_next(r, &row) == 1 && rows++ < 100000)
			for (size_t i = 0; i < row->ncells; i++)
				if (row->cells[i] != NULL &&
				    strlen(row->cells[i]) != row->lens[i])
					abort();	/* a NUL inside a cell */
		bb_reader_free(r);
	} else if (r != NULL || f.errors == 0)
		abort();		/* a refusal must say why */
	for (size_t i = 0; i < f.n; i++)
		if (f.items[i].message == NULL)
			abort();
	bb_findings_free(&f);
}

#endif
