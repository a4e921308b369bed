/*
 * reader_impl.h: what the readers of partner files share inside intake/
 * (not for other rooms: they use reader.h).
 *
 * A struct bb_reader is one open file of any format.  It holds the caller's
 * options with their defaults filled in, the name used in findings, the
 * byte source (a file, or a member of a ZIP archive, with the caps that keep
 * a bomb from inflating), two row builders (the header and the current row)
 * and the format's own state behind a small table of functions.
 *
 * A row builder (struct bb_rowbuf) collects the cells of one row in one
 * capped buffer, each cell followed by a NUL, and hands them out as a
 * struct bb_row.  Formats append bytes to the open cell, close it, and
 * finish the row; caps on cell size and columns are checked by the format
 * (it knows the place), the cap on row bytes by the buffer.
 */
#ifndef BB_READER_IMPL_H
#define BB_READER_IMPL_H

#include "intake/reader.h"
#include "util/buf.h"
#include "util/diag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct zip;
struct zip_file;

#define BB_READ_CHUNK 65536			/* bytes read from the source at a time */
#define BB_DEFAULT_MAX_CELL ((size_t)1 << 20)
#define BB_DEFAULT_MAX_COLUMNS 4096
#define BB_DEFAULT_MAX_ROW ((size_t)16 << 20)
#define BB_DEFAULT_MAX_UNCOMPRESSED ((uint64_t)2 << 30)
#define BB_ZIP_MAX_RATIO 200			/* inflated : compressed, past 1 MiB */
#define BB_ZIP_RATIO_FLOOR ((uint64_t)1 << 20)
#define BB_ZIP_MAX_ENTRIES 10000			/* files in one archive */

struct bb_rowbuf {
	char *data;		/* every cell and its NUL */
	size_t len, cap;
	size_t max;		/* the cap on len (max row bytes) */
	size_t *start;		/* offset of each cell in data; SIZE_MAX for NULL */
	size_t *lens;
	const char **cells;
	size_t n, ncap;
	size_t open;		/* offset where the open cell began */
	struct bb_row row;	/* what bb_rowbuf_finish() hands out */
};

void bb_rowbuf_init(struct bb_rowbuf *rb, size_t max_bytes);
void bb_rowbuf_free(struct bb_rowbuf *rb);
/* Make room for n more bytes (and a NUL): BB_OK or BB_ERR_LIMIT (the row's
 * byte cap). */
int bb_rowbuf_reserve(struct bb_rowbuf *rb, size_t n);
/* Room for one more cell slot. */
void bb_rowbuf_grow_slots(struct bb_rowbuf *rb);
/* Add an absent (NULL) cell. */
void bb_rowbuf_null_cell(struct bb_rowbuf *rb);
/* Pad with NULL cells up to n cells. */
void bb_rowbuf_pad(struct bb_rowbuf *rb, size_t n);
/* Point row.cells / row.lens at the cells (valid until the next change). */
const struct bb_row *bb_rowbuf_finish(struct bb_rowbuf *rb, uint64_t row,
    uint64_t line);
/* Swap two builders (the header is built in `row` and moved aside). */
void bb_rowbuf_swap(struct bb_rowbuf *a, struct bb_rowbuf *b);

/* Empty it for the next row, keeping the memory. */
static inline void
bb_rowbuf_reset(struct bb_rowbuf *rb)
{
	rb->len = 0;
	rb->n = 0;
	rb->open = 0;
}

/* Append to the open cell: BB_OK or BB_ERR_LIMIT (the row's byte cap). */
static inline int
bb_rowbuf_append(struct bb_rowbuf *rb, const void *p, size_t n)
{
	if (rb->cap - rb->len <= n && bb_rowbuf_reserve(rb, n) != 0)
		return -6;	/* BB_ERR_LIMIT */
	memcpy(rb->data + rb->len, p, n);
	rb->len += n;
	return 0;
}

/* Bytes in the open cell so far. */
static inline size_t
bb_rowbuf_cell_len(const struct bb_rowbuf *rb)
{
	return rb->len - rb->open;
}

/* Close the open cell (it may be empty): BB_OK or BB_ERR_LIMIT. */
static inline int
bb_rowbuf_end_cell(struct bb_rowbuf *rb)
{
	if (rb->cap - rb->len <= 1 && bb_rowbuf_reserve(rb, 1) != 0)
		return -6;	/* BB_ERR_LIMIT */
	rb->data[rb->len++] = '\0';
	if (rb->n == rb->ncap)
		bb_rowbuf_grow_slots(rb);
	rb->start[rb->n] = rb->open;
	rb->lens[rb->n] = rb->len - 1 - rb->open;
	rb->n++;
	rb->open = rb->len;
	return 0;
}

/* A byte source: a file, or one member of an open ZIP archive. */
struct bb_input {
	int fd;			/* -1 when a ZIP member */
	struct zip_file *zf;
	char *member;		/* member name, for messages; owned */
	uint64_t size;		/* file size, or the member's declared size */
	uint64_t csize;		/* the member's compressed size */
	uint64_t done;		/* bytes delivered so far */
	uint64_t limit;		/* refuse to deliver more than this */
	bool eof;
	unsigned char *peek;	/* a pipe's first bytes, read to detect its
				   format, delivered before the rest; owned */
	size_t npeek, peek_at;
};

struct bb_reader;

/* One format: open reads the header (into r->hdr); next fills r->row and
 * returns 1, 0 at the end, or a negative BB_ERR_* after adding a finding;
 * close frees the format's state (r->st). */
struct bb_format {
	const char *name;
	int (*open)(struct bb_reader *r);
	int (*next)(struct bb_reader *r);
	void (*close)(struct bb_reader *r);
};

struct bb_reader {
	char *name;		/* the name findings use; owned */
	char *path;		/* owned */
	struct bb_reader_opts opts;	/* defaults filled; strings point at own[] */
	char *own[4];		/* owned copies of format, sheet, member, encoding */
	struct bb_findings *findings;
	const struct bb_format *fmt;
	const char *format_name;	/* may be refined by the format ("jsonl") */
	struct bb_input in;
	struct zip *zip;	/* the archive, for XLSX and bundles */
	struct bb_rowbuf hdr, row;
	void *st;		/* the format's state */
	int failed;		/* sticky error code once a read has failed */
};

/* Findings with the reader's file name (printf-style). */
void bb_reader_error(struct bb_reader *r, unsigned long line,
    unsigned long col, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void bb_reader_warn(struct bb_reader *r, unsigned long line,
    unsigned long col, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Read up to n bytes from the reader's input into buf: *got set (0 at the
 * end).  Errors (an I/O failure, a ZIP member inflating past its caps) add
 * a finding and return a negative BB_ERR_*. */
int bb_input_read(struct bb_reader *r, void *buf, size_t n, size_t *got);
/* Fill buf as far as possible (several reads): stops only at the end. */
int bb_input_fill(struct bb_reader *r, void *buf, size_t n, size_t *got);

/* ZIP helpers (zip.c). */
/* Open the archive at r->path into r->zip; a finding names what is wrong. */
int bb_zip_open(struct bb_reader *r);
/* Open member `name` as r->in, after checking its declared size and ratio
 * against the caps. BB_ERR_NOTFOUND (no finding) when absent. */
int bb_zip_open_member(struct bb_reader *r, const char *name);
/* Close r->in when it is a member. */
void bb_zip_close_member(struct bb_reader *r);
/* Read from the open member (bb_input_read for members), counting the
 * bytes inflated against the caps. */
int bb_zip_member_read(struct bb_reader *r, void *buf, size_t n, size_t *got);
/* The readable members (CSV, JSON, XLSX by name), in archive order; the
 * caller frees with bb_strv_free. */
int bb_zip_list(struct bb_reader *r, char ***names, size_t *n);
/* Close the archive (accepts none open). */
void bb_zip_close(struct bb_reader *r);
/* Whether a member name is one a bundle offers (by its extension). */
bool bb_reader_member_readable(const char *name);
/* Whether the archive has a member of that name. */
bool bb_zip_has(struct bb_reader *r, const char *name);
/* Read a whole (small) member into out, capped at max bytes. */
int bb_zip_read_all(struct bb_reader *r, const char *name, size_t max,
    struct bb_buf *out);

/* Warn about header names (r->hdr) that are empty or repeated; the line
 * is the header's. */
void bb_reader_check_header(struct bb_reader *r);

/* A short, printable form of outside text for messages: at most 40
 * characters, cut on a UTF-8 boundary, "..." when cut.  Into out. */
void bb_reader_quote(const char *s, size_t n, char *out, size_t outsz);

/* XLSX cell values (xlsx.c), exposed for the tests. */
enum { BB_XF_PLAIN, BB_XF_DATE, BB_XF_DURATION };
/* The shortest decimal text that reads back as v: integers without ".0",
 * an exponent (1e+16, 1.5e-05) outside 1e-4 <= |v| < 1e16. */
void bb_xlsx_number_text(double v, char *out, size_t n);
/* A date serial as YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS, HH:MM:SS (below 1) or,
 * for BB_XF_DURATION, H:MM:SS; BB_ERR_INPUT when no date (negative, past
 * 9999-12-31). Serial 60 of the 1900 system is "1900-02-29", as Excel has it. */
int bb_xlsx_serial_text(double serial, bool date1904, int kind, char *out,
    size_t n);
/* What a custom number format shows: BB_XF_PLAIN, _DATE or _DURATION. */
int bb_xlsx_format_kind(const char *code);

/* The formats. */
extern const struct bb_format bb_format_csv;
extern const struct bb_format bb_format_xlsx;
extern const struct bb_format bb_format_json;

#endif
