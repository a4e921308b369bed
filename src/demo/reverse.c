/*
 * reverse.c: the reverse crosswalk.  The intake mapper reads a partner's
 * file into shared fields (intake/mapper.c); this file goes the other way,
 * so the generator can write each partner's files in its own shape from
 * shared values: the partner's column names and their order, its codes, its
 * date formats, its units, split columns joined back and joined fields split
 * into the partner's columns.  What is written here must read back through
 * the crosswalk to the very values it came from (tests/unit/test_demo.c and
 * tests/e2e/demo.sh check that).
 */
#include "demo/demo.h"
#include "demo/internal.h"
#include "framework/framework.h"
#include "framework/period.h"
#include "util/bb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const month_abbr[] = { "Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

int
bb_gen_date_format(int y, int m, int d, const char *fmt, char *out, size_t n)
{
	size_t used = 0;
	int w;

	if (n == 0)
		return BB_ERR_INPUT;
	out[0] = '\0';
	if (fmt == NULL || strcmp(fmt, "iso") == 0) {
		w = snprintf(out, n, "%04d-%02d-%02d", y, m, d);
		return w < 0 || (size_t)w >= n ? BB_ERR_INPUT : BB_OK;
	}
	if (strcmp(fmt, "excel") == 0) {
		int32_t day, base;
		if (!bb_date_from_ymd(y, m, d, &day) || !bb_date_from_ymd(1899, 12, 31, &base))
			return BB_ERR_INPUT;
		/* Serial 1 is 1900-01-01; Excel counts a 1900-02-29 that never
		 * was (serial 60), so later dates are one more. */
		int64_t serial = (int64_t)day - base;
		if (serial < 1)
			return BB_ERR_INPUT;
		if (serial >= 60)
			serial++;
		w = snprintf(out, n, "%lld", (long long)serial);
		return w < 0 || (size_t)w >= n ? BB_ERR_INPUT : BB_OK;
	}
	for (const char *f = fmt; *f; ) {
		char piece[16];
		if (strncmp(f, "YYYY", 4) == 0) {
			snprintf(piece, sizeof(piece), "%04d", y);
			f += 4;
		} else if (strncmp(f, "YY", 2) == 0) {
			snprintf(piece, sizeof(piece), "%02d", ((y % 100) + 100) % 100);
			f += 2;
		} else if (strncmp(f, "MMM", 3) == 0) {
			if (m < 1 || m > 12)
				return BB_ERR_INPUT;
			snprintf(piece, sizeof(piece), "%s", month_abbr[m - 1]);
			f += 3;
		} else if (strncmp(f, "MM", 2) == 0) {
			snprintf(piece, sizeof(piece), "%02d", m);
			f += 2;
		} else if (*f == 'M') {
			snprintf(piece, sizeof(piece), "%d", m);
			f += 1;
		} else if (strncmp(f, "DD", 2) == 0) {
			snprintf(piece, sizeof(piece), "%02d", d);
			f += 2;
		} else if (*f == 'D') {
			snprintf(piece, sizeof(piece), "%d", d);
			f += 1;
		} else if ((*f >= 'A' && *f <= 'Z') || (*f >= 'a' && *f <= 'z')) {
			return BB_ERR_INPUT;
		} else {
			piece[0] = *f++;
			piece[1] = '\0';
		}
		size_t pl = strlen(piece);
		if (used + pl + 1 > n)
			return BB_ERR_INPUT;
		memcpy(out + used, piece, pl + 1);
		used += pl;
	}
	return BB_OK;
}

const char *
bb_gen_code_reverse(const struct bb_xw_codemap *cm, const char *code, unsigned pick)
{
	size_t count = 0;

	if (cm == NULL)
		return code;
	/* An empty partner value is read as an absent cell, never as the code
	 * it maps to, so it cannot carry a value back. */
	for (size_t i = 0; i < cm->npairs; i++)
		if (strcmp(cm->pairs[i].to, code) == 0 && cm->pairs[i].from[0] != '\0')
			count++;
	if (count > 0) {
		size_t want = pick % count;
		for (size_t i = 0; i < cm->npairs; i++) {
			if (strcmp(cm->pairs[i].to, code) != 0 || cm->pairs[i].from[0] == '\0')
				continue;
			if (want-- == 0)
				return cm->pairs[i].from;
		}
	}
	/* Written as itself, it must not be read as another code (the mapper
	 * matches partner values ignoring case). */
	for (size_t i = 0; i < cm->npairs; i++)
		if (strcasecmp(cm->pairs[i].from, code) == 0)
			return NULL;
	return code;
}

/* --- layouts ----------------------------------------------------------------- */

enum col_kind { COL_FIELD, COL_SPLIT, COL_JOIN_PART };

struct col {
	const char *name;
	enum col_kind kind;
	size_t field;			/* FIELD, JOIN_PART: dataset field index */
	const struct bb_xw_split *split;
	size_t *split_fields;		/* SPLIT: field index per part, SIZE_MAX skips */
	size_t part;			/* JOIN_PART: which of the join's columns */
	size_t nparts;			/* JOIN_PART: the join's column count */
	const char *separator;
};

/* How a shared field's value is written. */
struct fieldfmt {
	const struct bb_field *f;
	const struct bb_xw_codemap *codes;
	const char *date_format;
	double scale;
	bool has_scale;
};

struct bb_gen_layout {
	const struct bb_dataset *ds;
	struct fieldfmt *ff;
	struct col *cols;
	size_t ncols;
};

size_t
gen_field_index(const struct bb_dataset *ds, const char *name)
{
	const struct bb_field *f = bb_fw_field(ds, name);
	return f ? (size_t)(f - ds->fields) : SIZE_MAX;
}

static struct col *
add_col(struct bb_gen_layout *l, const char *name, enum col_kind kind, size_t field)
{
	struct col *c = &l->cols[l->ncols++];
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->kind = kind;
	c->field = field;
	return c;
}

struct bb_gen_layout *
bb_gen_layout_new(const struct bb_dataset *ds, const struct bb_crosswalk *xw)
{
	struct bb_gen_layout *l = bb_calloc(1, sizeof(*l));
	size_t maxcols = ds->nfields;

	l->ds = ds;
	l->ff = bb_calloc(ds->nfields + 1, sizeof(*l->ff));
	if (xw != NULL)
		for (size_t k = 0; k < xw->njoins; k++)
			maxcols += xw->joins[k].ncolumns;
	l->cols = bb_calloc(maxcols + 1, sizeof(*l->cols));

	for (size_t fi = 0; fi < ds->nfields; fi++) {
		const struct bb_field *f = &ds->fields[fi];
		struct fieldfmt *ff = &l->ff[fi];
		ff->f = f;
		if (xw == NULL) {
			add_col(l, f->name, COL_FIELD, fi);
			continue;
		}
		for (size_t k = 0; k < xw->ncodes; k++)
			if (strcmp(xw->codes[k].field, f->name) == 0)
				ff->codes = &xw->codes[k];
		for (size_t k = 0; k < xw->ndates; k++)
			if (strcmp(xw->dates[k].field, f->name) == 0)
				ff->date_format = xw->dates[k].format;
		for (size_t k = 0; k < xw->nscales; k++)
			if (strcmp(xw->scales[k].field, f->name) == 0 &&
			    xw->scales[k].factor != 0) {
				ff->scale = xw->scales[k].factor;
				ff->has_scale = true;
			}
	}
	if (xw == NULL)
		return l;

	/* Columns in the order of the fields they fill. */
	for (size_t fi = 0; fi < ds->nfields; fi++) {
		const char *name = ds->fields[fi].name;
		bool done = false;
		for (size_t k = 0; k < xw->ncolumns && !done; k++)
			if (strcmp(xw->columns[k].field, name) == 0) {
				add_col(l, xw->columns[k].column, COL_FIELD, fi);
				done = true;
			}
		for (size_t k = 0; k < xw->nsplits && !done; k++) {
			const struct bb_xw_split *sp = &xw->splits[k];
			for (size_t j = 0; j < sp->ninto && !done; j++) {
				if (strcmp(sp->into[j], name) != 0)
					continue;
				done = true;
				/* The split column stands where its first field does. */
				bool added = false;
				for (size_t c = 0; c < l->ncols; c++)
					if (l->cols[c].kind == COL_SPLIT && l->cols[c].split == sp)
						added = true;
				if (added)
					break;
				struct col *c = add_col(l, sp->column, COL_SPLIT, fi);
				c->split = sp;
				c->separator = sp->separator && *sp->separator ? sp->separator : " ";
				c->split_fields = bb_calloc(sp->ninto + 1, sizeof(size_t));
				for (size_t q = 0; q < sp->ninto; q++)
					c->split_fields[q] = gen_field_index(ds, sp->into[q]);
			}
		}
		for (size_t k = 0; k < xw->njoins && !done; k++) {
			const struct bb_xw_join *jn = &xw->joins[k];
			if (strcmp(jn->into, name) != 0)
				continue;
			done = true;
			for (size_t j = 0; j < jn->ncolumns; j++) {
				struct col *c = add_col(l, jn->columns[j], COL_JOIN_PART, fi);
				c->part = j;
				c->nparts = jn->ncolumns;
				c->separator = jn->separator ? jn->separator : " ";
			}
		}
		/* Constants, and fields the partner does not send: no column. */
	}
	return l;
}

void
bb_gen_layout_free(struct bb_gen_layout *l)
{
	if (l == NULL)
		return;
	for (size_t c = 0; c < l->ncols; c++)
		free(l->cols[c].split_fields);
	free(l->cols);
	free(l->ff);
	free(l);
}

size_t
bb_gen_layout_ncolumns(const struct bb_gen_layout *l)
{
	return l->ncols;
}

const char *
bb_gen_layout_column(const struct bb_gen_layout *l, size_t i)
{
	return i < l->ncols ? l->cols[i].name : NULL;
}

bool
bb_gen_layout_writes(const struct bb_gen_layout *l, size_t field)
{
	for (size_t c = 0; c < l->ncols; c++) {
		const struct col *col = &l->cols[c];
		if (col->kind != COL_SPLIT && col->field == field)
			return true;
		if (col->kind == COL_SPLIT)
			for (size_t q = 0; q < col->split->ninto; q++)
				if (col->split_fields[q] == field)
					return true;
	}
	return false;
}

const char *
bb_gen_layout_join_separator(const struct bb_gen_layout *l, size_t field)
{
	for (size_t c = 0; c < l->ncols; c++)
		if (l->cols[c].kind == COL_JOIN_PART && l->cols[c].field == field)
			return l->cols[c].separator;
	return NULL;
}

size_t
bb_gen_layout_column_fields(const struct bb_gen_layout *l, size_t i, size_t *out,
    size_t max)
{
	const struct col *col;
	size_t n = 0;

	if (i >= l->ncols)
		return 0;
	col = &l->cols[i];
	if (col->kind != COL_SPLIT) {
		if (max > 0)
			out[n++] = col->field;
		return n;
	}
	for (size_t q = 0; q < col->split->ninto && n < max; q++)
		if (col->split_fields[q] != SIZE_MAX)
			out[n++] = col->split_fields[q];
	return n;
}

struct bb_gen_cell *
bb_gen_cells_new(const struct bb_gen_layout *l)
{
	struct bb_gen_cell *cells = bb_calloc(l->ncols + 1, sizeof(*cells));
	for (size_t i = 0; i < l->ncols; i++)
		bb_buf_init(&cells[i].text, 1u << 16);
	return cells;
}

void
bb_gen_cells_free(struct bb_gen_cell *cells, size_t n)
{
	if (cells == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		bb_buf_free(&cells[i].text);
	free(cells);
}

/* Read "YYYY-MM-DD" without checking that the date exists. */
static bool
loose_ymd(const char *s, int *y, int *m, int *d)
{
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return false;
		} else if (s[i] < '0' || s[i] > '9')
			return false;
	}
	if (s[10] != '\0')
		return false;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	return true;
}

/* One shared value in the partner's terms, appended to cell->text. */
static void
format_value(const struct fieldfmt *ff, const struct bb_gen_value *v,
    struct bb_gen_cell *cell)
{
	const struct bb_field *f = ff->f;
	const char *t = v->text;
	char buf[64];
	int y, m, d;

	if (t == NULL)
		return;
	if (cell->kind == BB_GEN_EMPTY)
		cell->kind = BB_GEN_TEXT;
	if (ff->codes != NULL) {
		const char *r = bb_gen_code_reverse(ff->codes, t, v->pick);
		bb_buf_puts(&cell->text, r ? r : t);
		return;
	}
	if (f->type == BB_FT_DATE && ff->date_format != NULL && loose_ymd(t, &y, &m, &d)) {
		if (bb_gen_date_format(y, m, d, ff->date_format, buf, sizeof(buf)) != BB_OK) {
			bb_buf_puts(&cell->text, t);
			return;
		}
		bb_buf_puts(&cell->text, buf);
		if (strcmp(ff->date_format, "excel") == 0) {
			cell->kind = BB_GEN_DATE;
			cell->y = y;
			cell->m = m;
			cell->d = d;
		}
		return;
	}
	if (f->type == BB_FT_INTEGER || f->type == BB_FT_DECIMAL) {
		double x;
		if (bb_parse_double(t, &x) != BB_OK) {
			bb_buf_puts(&cell->text, t);
			return;
		}
		cell->kind = BB_GEN_NUMBER;
		if (!ff->has_scale) {
			bb_buf_puts(&cell->text, t);
			return;
		}
		/* stored = value * factor, so the partner wrote stored / factor. */
		double r = x / ff->scale;
		double ri = (double)llround(r);
		if (fabs(r - ri) < 1e-6 * (fabs(r) > 1 ? fabs(r) : 1))
			bb_buf_printf(&cell->text, "%lld", (long long)ri);
		else {
			bb_format_double(buf, sizeof(buf), r, 6);
			bb_buf_puts(&cell->text, buf);
		}
		return;
	}
	bb_buf_puts(&cell->text, t);
}

void
bb_gen_layout_row(const struct bb_gen_layout *l, const struct bb_gen_value *vals,
    struct bb_gen_cell *cells)
{
	for (size_t c = 0; c < l->ncols; c++) {
		const struct col *col = &l->cols[c];
		struct bb_gen_cell *cell = &cells[c];

		cell->kind = BB_GEN_EMPTY;
		cell->y = cell->m = cell->d = 0;
		bb_buf_reset(&cell->text);
		switch (col->kind) {
		case COL_FIELD:
			format_value(&l->ff[col->field], &vals[col->field], cell);
			break;
		case COL_SPLIT: {
			bool any = false;
			for (size_t q = 0; q < col->split->ninto; q++) {
				size_t fi = col->split_fields[q];
				if (fi != SIZE_MAX && vals[fi].text != NULL)
					any = true;
			}
			if (!any)
				break;
			for (size_t q = 0; q < col->split->ninto; q++) {
				size_t fi = col->split_fields[q];
				if (q > 0)
					bb_buf_puts(&cell->text, col->separator);
				if (fi != SIZE_MAX)
					format_value(&l->ff[fi], &vals[fi], cell);
			}
			cell->kind = BB_GEN_TEXT;
			break;
		}
		case COL_JOIN_PART: {
			const struct bb_gen_value *v = &vals[col->field];
			if (v->text == NULL)
				break;
			if (v->nparts == col->nparts) {
				const char *p = v->parts[col->part];
				if (p != NULL && *p != '\0') {
					cell->kind = BB_GEN_TEXT;
					bb_buf_puts(&cell->text, p);
				}
			} else if (col->part == 0)
				format_value(&l->ff[col->field], v, cell);
			break;
		}
		}
		if (cell->kind == BB_GEN_TEXT && cell->text.len == 0)
			cell->kind = BB_GEN_EMPTY;
	}
}
