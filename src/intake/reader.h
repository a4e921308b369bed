/*
 * reader.h: reading partner files as rows of text cells, streaming, with
 * where each row sat.
 *
 * One interface over every format partners send: CSV (any of , ; TAB |,
 * UTF-8 with or without BOM, Windows-1252/Latin-1 converted), XLSX (a named
 * sheet or the first), JSON (an array of objects, or JSON Lines), and ZIP
 * bundles of CSV files (one reader per member).  Memory does not grow with
 * the file: a reader holds one row at a time, within caps.
 *
 * Cells are NUL-terminated UTF-8 text.  A NULL cell means absent (a JSON
 * null or missing key, an XLSX gap past the row's last cell); "" is an empty
 * field.  XLSX numbers arrive in their shortest exact decimal form, dates
 * (recognised through the cell's style) as YYYY-MM-DD or
 * YYYY-MM-DDTHH:MM:SS, booleans as TRUE / FALSE.
 *
 * Problems (a ragged row, a duplicate header, an encoding converted, a cap
 * reached) are added to the caller's findings with the file, line and
 * column; fatal ones also end the read with a negative BB_ERR_*.  After a
 * fatal error bb_reader_next() keeps returning it.
 *
 * A data row has at least as many cells as the header has names (missing
 * ones are NULL); it may have more (a CSV row longer than the header, XLSX
 * values past the last named column): those have no column, and a warning
 * said so.  Blank rows (every cell empty) are skipped, but counted in `row`.
 * docs/formats.md describes every format, cap and message.
 */
#ifndef BB_READER_H
#define BB_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bb_findings;
struct bb_reader;

struct bb_row {
	size_t ncells;
	const char *const *cells;	/* ncells entries; an entry may be NULL */
	const size_t *lens;		/* byte length of each cell (0 for NULL) */
	uint64_t row;	/* the row as a spreadsheet shows it: header is row 1
			   (JSON: the first object is row 2) */
	uint64_t line;	/* the physical line where the row starts (CSV, JSON);
			   for XLSX the sheet's row number */
};

struct bb_reader_opts {
	const char *format;	/* "csv", "xlsx", "json", "jsonl", "zip"; NULL: detect */
	const char *sheet;	/* XLSX sheet name; NULL: the first */
	const char *member;	/* ZIP member to read; NULL: the only CSV in it */
	const char *encoding;	/* "utf-8", "windows-1252"; NULL: detect */
	char delimiter;		/* CSV delimiter; 0: detect among , ; TAB | */
	size_t max_cell;	/* 0: 1 MiB */
	size_t max_columns;	/* 0: 4096 */
	size_t max_row_bytes;	/* 0: 16 MiB */
	uint64_t max_uncompressed;	/* XLSX/ZIP members; 0: 2 GiB */
	/* JSON: the header starts with these keys, in order (e.g. every key a
	 * first pass found), so later objects bring no new column.  Read only
	 * while opening. */
	const struct bb_row *columns;
};

/* Open a file.  The name used in findings is `display_name` when not NULL
 * (e.g. the partner's original file name), else `path`.  Reads the header row
 * before returning; a file without one is an error.  On failure *out is NULL
 * and at least one finding says why. */
int bb_reader_open(const char *path, const char *display_name,
    const struct bb_reader_opts *opts, struct bb_reader **out,
    struct bb_findings *findings);
void bb_reader_free(struct bb_reader *r);

/* The header row (column names). Valid for the reader's lifetime; for JSON,
 * keys first seen in later objects are appended, so re-read it after each
 * row when the count matters. */
const struct bb_row *bb_reader_header(struct bb_reader *r);
/* The next data row: 1 with *row set (valid until the next call), 0 at the
 * end, or a negative BB_ERR_* when the file cannot be read further (a finding
 * says where). */
int bb_reader_next(struct bb_reader *r, const struct bb_row **row);
/* The name findings use: the display name, or for a member of a ZIP bundle
 * "BUNDLE/MEMBER". */
const char *bb_reader_name(const struct bb_reader *r);
/* What is being read: "csv", "xlsx", "json" (an array) or "jsonl". */
const char *bb_reader_format(const struct bb_reader *r);
/* Bytes consumed so far and the file's size (for progress). */
uint64_t bb_reader_offset(const struct bb_reader *r);
uint64_t bb_reader_size(const struct bb_reader *r);

/* A ZIP bundle's member taken out, to read and keep as a file of its own:
 * when `path` is a bundle (a ZIP archive that is not a workbook), the
 * member bb_reader_open would read (opts->member, or the only one) is
 * written to `fd`, with the same bomb caps as reading it; *member is its
 * name in the archive (caller frees) and *format the format to read it as
 * ("csv", "json"; NULL to keep opts->format).  BB_ERR_NOTFOUND, writing
 * nothing, when the file is not a bundle (or cannot be opened: the
 * reader's open says why); another error with a finding when the bundle
 * or the member cannot be read. */
int bb_bundle_extract(const char *path, const char *display_name,
    const struct bb_reader_opts *opts, int fd, char **member,
    const char **format, struct bb_findings *findings);

/* ZIP bundles: the names of the CSV (and XLSX, JSON) members, in archive
 * order.  Caller frees with bb_strv_free(names, n).  Opening a bundle with
 * several members and no opts->member fails with BB_ERR_USAGE and a finding
 * whose code is "member-needed". */
int bb_bundle_members(const char *path, char ***names, size_t *n,
    struct bb_findings *findings);
/* Does `want` (a --member, a crosswalk's `file`) name the bundle member
 * `member`: the same name, or the same name without folders, in any case? */
bool bb_member_named(const char *want, const char *member);
/* A member's name without its folders. */
const char *bb_member_base(const char *name);
/* 1 when the file at path starts as a ZIP archive (a bundle or a
 * workbook), 0 when not, -1 when it cannot be read (errno says why). */
int bb_file_is_zip(const char *path);

#endif
