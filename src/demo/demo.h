/*
 * demo.h: the synthetic initiative generator behind `backbone demo` and
 * `backbone demo generate`.
 *
 * From a framework (the embedded demo one or any other) and a seed, the
 * generator makes a population of people in households, decides which
 * partners serve whom (by age and plausible rates), and writes, for every
 * partner and each dataset it is obliged to send, one file per period in the
 * partner's own shape: derived from its crosswalk (column names, codes, date
 * formats, units, split and joined columns, file format and encoding).  Real
 * data's mess comes in at low, configurable rates, and a few deliberately
 * invalid values make receipts show problems.  Beside the partner files it
 * writes the ground truth (truth.csv, people.csv) and manifest.json.
 *
 * Same framework, options and seed: byte-identical files on any machine.
 * Memory does not grow with the number of people: people are made one
 * household at a time and every file is written as a stream.
 * docs/demo.md describes the demo initiative and the files.
 */
#ifndef BB_DEMO_H
#define BB_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct bb_framework;
struct bb_dataset;
struct bb_crosswalk;
struct bb_xw_codemap;
struct bb_diag;

#define BB_GEN_MAX_PEOPLE 5000000	/* local ids have 7 digits at least */
#define BB_GEN_MAX_PERIODS 60

struct bb_gen_opts {
	uint64_t people;	/* population size (default 2000) */
	uint64_t seed;		/* default 1 */
	int periods;		/* periods of history per obligation (default 4) */
	const char *out_dir;	/* created when missing (default "demo-files") */
	int32_t today;		/* day number the history ends before; 0 = the
				   clock's today (BACKBONE_NOW) */
	unsigned mess;		/* percent of the default rates of messy values:
				   100 default, 0 for clean files */
	bool invalid;		/* write a few deliberately invalid values (default true) */
};

/* One file written. */
struct bb_gen_file {
	char *name;		/* file name inside out_dir */
	char *partner, *dataset, *period;
	const char *format;	/* static: "csv", "xlsx", "json", "jsonl" */
	const char *encoding;	/* static: "utf-8" or "windows-1252" */
	uint64_t rows;		/* data rows written */
	uint64_t invalid;	/* of which deliberately invalid */
	char *encodings;	/* partners sharing encodings: the file of their
				   rows' keyed encodings beside it, or NULL */
};

struct bb_gen_result {
	struct bb_gen_file *files;	/* in manifest order: partner, dataset, period */
	size_t nfiles, cap;
	uint64_t people, households;
	uint64_t rows, invalid;		/* over all files */
	uint64_t skipped;		/* rows not written: the generator could not
					   make them valid for the framework */
};

void bb_gen_opts_default(struct bb_gen_opts *o);

/* Generate the files of every partner obligation of `fw` into o->out_dir.
 * Fills *res (free with bb_gen_result_clear).  Returns 0, BB_ERR_USAGE for
 * options out of range, BB_ERR_IO when a file cannot be written (d says
 * which), BB_ERR_LIMIT when a file would pass the XLSX sheet's row limit,
 * BB_ERR_INPUT when the framework gives nothing to generate or names a
 * format or sheet that cannot be written. */
int bb_gen_run(const struct bb_framework *fw, const struct bb_gen_opts *o,
    struct bb_gen_result *res, struct bb_diag *d);
void bb_gen_result_clear(struct bb_gen_result *r);

/* The embedded demo framework (examples/riverside/framework.yaml, built
 * into the binary); *len set to its size.  Static, not to be freed. */
const char *bb_demo_framework(size_t *len);

/* --- the reverse crosswalk: shared values back to a partner's shape ----- */

/* Write the date y-m-d as a crosswalk date format ("MM/DD/YYYY",
 * "DD.MM.YYYY", "YYYYMMDD", "D MMM YYYY", "excel" for a serial number,
 * "iso" or NULL for YYYY-MM-DD).  The date need not exist (to write
 * deliberately invalid dates), except for "excel".  Returns 0, or
 * BB_ERR_INPUT (unknown token, excel of an impossible date, or no room). */
int bb_gen_date_format(int y, int m, int d, const char *fmt, char *out, size_t n);

/* The partner's value for the shared code `code` under code map `cm`: the
 * `from` of a pair mapping to it (the pick-th, modulo their number, when
 * several do); `code` itself when no pair maps to it and it is not a
 * partner value meaning something else; NULL when it cannot be written. */
const char *bb_gen_code_reverse(const struct bb_xw_codemap *cm, const char *code,
    unsigned pick);

/* One cell of a partner's row. */
enum bb_gen_cell_kind {
	BB_GEN_EMPTY = 0,
	BB_GEN_TEXT,
	BB_GEN_NUMBER,		/* text holds the number */
	BB_GEN_DATE,		/* an "excel" date: y, m, d (text holds the serial) */
};

struct bb_gen_cell {
	enum bb_gen_cell_kind kind;
	struct bb_buf text;
	int y, m, d;
};

/* A shared value to write. */
struct bb_gen_value {
	const char *text;	/* canonical text (ISO dates, "true"); NULL = absent */
	const char *parts[4];	/* a joined field: the partner's pieces, when known */
	size_t nparts;
	unsigned pick;		/* which partner code when several map to one */
};

/* The partner's columns for a dataset, from its crosswalk (NULL: the shared
 * field names): renamed columns, a split column where its first field
 * stands, a join's columns where its field stands, constants left out. */
struct bb_gen_layout;

struct bb_gen_layout *bb_gen_layout_new(const struct bb_dataset *ds,
    const struct bb_crosswalk *xw);
void bb_gen_layout_free(struct bb_gen_layout *l);
size_t bb_gen_layout_ncolumns(const struct bb_gen_layout *l);
const char *bb_gen_layout_column(const struct bb_gen_layout *l, size_t i);
/* Does some column carry dataset field `field` (not a constant, not left
 * out)? */
bool bb_gen_layout_writes(const struct bb_gen_layout *l, size_t field);
/* The separator a join puts between the partner's columns when it fills
 * dataset field `field`, or NULL when no join does. */
const char *bb_gen_layout_join_separator(const struct bb_gen_layout *l, size_t field);
/* The dataset fields column i carries (several for a split column): their
 * indexes into out (at most max); returns how many. */
size_t bb_gen_layout_column_fields(const struct bb_gen_layout *l, size_t i,
    size_t *out, size_t max);
/* Cells for a layout's columns (free with bb_gen_cells_free). */
struct bb_gen_cell *bb_gen_cells_new(const struct bb_gen_layout *l);
void bb_gen_cells_free(struct bb_gen_cell *cells, size_t n);
/* Write one row of shared values (one per dataset field, in field order)
 * as the partner's cells: codes reversed, dates formatted, units scaled
 * back, split fields joined, joined fields split. */
void bb_gen_layout_row(const struct bb_gen_layout *l, const struct bb_gen_value *vals,
    struct bb_gen_cell *cells);

#endif
