/*
 * writer.c: writing a partner's file as a stream, one row at a time, in the
 * format its crosswalk names: CSV (UTF-8 with commas and LF line ends, or
 * Windows-1252 with semicolons and CRLF as a Windows export writes it), XLSX
 * (libxlsxwriter in constant-memory mode, real date cells, a fixed `created`
 * property so the bytes do not depend on the clock), JSON (an array, one
 * object a line, through jansson) and JSON Lines.  Memory stays flat
 * whatever the number of rows.
 */
#include "demo/internal.h"
#include "util/bb.h"
#include "util/diag.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

enum wfmt { W_CSV, W_XLSX, W_JSON, W_JSONL };

struct gen_writer {
	enum wfmt fmt;
	char *path;
	FILE *f;		/* CSV, JSON */
	char *fbuf;
	bool cp1252;
	char delim;
	const char *eol;
	size_t ncols;
	char **header;
	lxw_workbook *wb;	/* XLSX */
	lxw_worksheet *ws;
	lxw_format *datef;
	uint64_t rows;
	bool failed;
	struct bb_buf conv;	/* Windows-1252 bytes of one cell */
};

/* Unicode code points 0x80..0x9F of Windows-1252 (0 = unassigned). */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

int
gen_utf8_to_cp1252(const char *s, struct bb_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	int lost = 0;

	bb_buf_reset(out);
	while (*p) {
		uint32_t cp;
		int n;
		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else if ((*p & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
			cp = ((uint32_t)(*p & 0x1F) << 6) | (p[1] & 0x3F);
			n = 2;
		} else if ((*p & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
			cp = ((uint32_t)(*p & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) |
			    (p[2] & 0x3F);
			n = 3;
		} else {
			/* Four-byte sequences and broken bytes have no
			 * Windows-1252 form. */
			cp = 0xFFFD;
			n = 1;
			while (p[n] && (p[n] & 0xC0) == 0x80)
				n++;
		}
		int byte = -1;
		if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
			byte = (int)cp;
		else
			for (int i = 0; i < 32; i++)
				if (cp1252_high[i] == cp && cp != 0)
					byte = 0x80 + i;
		if (byte < 0) {
			byte = '?';
			lost++;
		}
		bb_buf_putc(out, byte);
		p += n;
	}
	return lost;
}

static bool
csv_needs_quotes(const char *s, char delim)
{
	if (*s == ' ' || (*s && s[strlen(s) - 1] == ' '))
		return true;
	for (; *s; s++)
		if (*s == delim || *s == '"' || *s == '\r' || *s == '\n')
			return true;
	return false;
}

void
gen_csv_put(FILE *f, const char *s, char delim)
{
	if (!csv_needs_quotes(s, delim)) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
csv_cell(struct gen_writer *w, const char *s)
{
	if (w->cp1252) {
		gen_utf8_to_cp1252(s, &w->conv);
		s = bb_buf_str(&w->conv);
	}
	gen_csv_put(w->f, s, w->delim);
}

static int
io_fail(struct bb_diag *d, const char *path, const char *what)
{
	bb_diag_set(d, path, 0, 0, "io", "cannot %s: %s", what, strerror(errno));
	return BB_ERR_IO;
}

int
gen_writer_open(const char *path, const char *format, const char *encoding,
    const char *sheet, const char *const *header, size_t ncols, int32_t created_day,
    struct gen_writer **out, struct bb_diag *d)
{
	struct gen_writer *w = bb_calloc(1, sizeof(*w));

	*out = NULL;
	w->path = bb_strdup(path);
	w->ncols = ncols;
	w->header = bb_calloc(ncols + 1, sizeof(char *));
	for (size_t i = 0; i < ncols; i++)
		w->header[i] = bb_strdup(header[i]);
	bb_buf_init(&w->conv, 1u << 20);
	if (format == NULL || strcmp(format, "csv") == 0)
		w->fmt = W_CSV;
	else if (strcmp(format, "xlsx") == 0)
		w->fmt = W_XLSX;
	else if (strcmp(format, "json") == 0)
		w->fmt = W_JSON;
	else if (strcmp(format, "jsonl") == 0)
		w->fmt = W_JSONL;
	else {
		bb_diag_set(d, path, 0, 0, "format", "cannot write files of format '%s'",
		    format);
		gen_writer_close(w, NULL);
		return BB_ERR_INPUT;
	}

	if (w->fmt == W_XLSX) {
		lxw_workbook_options opt;
		lxw_doc_properties props;
		memset(&opt, 0, sizeof(opt));
		opt.constant_memory = LXW_TRUE;
		w->wb = workbook_new_opt(path, &opt);
		if (w->wb == NULL) {
			int rc = io_fail(d, path, "create the workbook");
			gen_writer_close(w, NULL);
			return rc;
		}
		memset(&props, 0, sizeof(props));
		props.created = (time_t)created_day * 86400;
		workbook_set_properties(w->wb, &props);
		w->ws = workbook_add_worksheet(w->wb, sheet);
		if (w->ws == NULL) {
			bb_diag_set(d, path, 0, 0, "sheet", "'%s' cannot be a sheet name",
			    sheet ? sheet : "");
			gen_writer_close(w, NULL);
			return BB_ERR_INPUT;
		}
		lxw_format *bold = workbook_add_format(w->wb);
		format_set_bold(bold);
		w->datef = workbook_add_format(w->wb);
		format_set_num_format(w->datef, "mm/dd/yyyy");
		for (size_t c = 0; c < ncols; c++)
			worksheet_write_string(w->ws, 0, (lxw_col_t)c, header[c], bold);
		*out = w;
		return BB_OK;
	}

	w->f = fopen(path, "wb");
	if (w->f == NULL) {
		int rc = io_fail(d, path, "create the file");
		gen_writer_close(w, NULL);
		return rc;
	}
	w->fbuf = bb_malloc(1u << 16);
	setvbuf(w->f, w->fbuf, _IOFBF, 1u << 16);
	if (w->fmt == W_CSV) {
		w->cp1252 = encoding != NULL && strcmp(encoding, "windows-1252") == 0;
		w->delim = w->cp1252 ? ';' : ',';
		w->eol = w->cp1252 ? "\r\n" : "\n";
		for (size_t c = 0; c < ncols; c++) {
			if (c)
				fputc(w->delim, w->f);
			csv_cell(w, header[c]);
		}
		fputs(w->eol, w->f);
	} else if (w->fmt == W_JSON)
		fputs("[", w->f);
	*out = w;
	return BB_OK;
}

static json_t *
json_cell(const struct bb_gen_cell *c)
{
	const char *t = bb_buf_str(&c->text);
	int64_t i;
	double x;

	switch (c->kind) {
	case BB_GEN_EMPTY:
		return json_null();
	case BB_GEN_NUMBER:
	case BB_GEN_DATE:
		if (bb_parse_i64(t, &i) == BB_OK)
			return json_integer((json_int_t)i);
		if (bb_parse_double(t, &x) == BB_OK)
			return json_real(x);
		return json_string(t);
	case BB_GEN_TEXT:
		break;
	}
	return json_string(t);
}

int
gen_writer_row(struct gen_writer *w, const struct bb_gen_cell *cells)
{
	if (w->failed)
		return BB_ERR_IO;
	if (w->fmt == W_XLSX) {
		lxw_row_t r = (lxw_row_t)(w->rows + 1);
		if (w->rows + 1 >= LXW_ROW_MAX)
			return BB_ERR_LIMIT;
		for (size_t c = 0; c < w->ncols; c++) {
			const struct bb_gen_cell *cell = &cells[c];
			const char *t = bb_buf_str(&cell->text);
			double x;
			lxw_error e = LXW_NO_ERROR;
			switch (cell->kind) {
			case BB_GEN_EMPTY:
				break;
			case BB_GEN_NUMBER:
				if (bb_parse_double(t, &x) == BB_OK)
					e = worksheet_write_number(w->ws, r, (lxw_col_t)c, x, NULL);
				else
					e = worksheet_write_string(w->ws, r, (lxw_col_t)c, t, NULL);
				break;
			case BB_GEN_DATE: {
				lxw_datetime dt;
				memset(&dt, 0, sizeof(dt));
				dt.year = cell->y;
				dt.month = cell->m;
				dt.day = cell->d;
				e = worksheet_write_datetime(w->ws, r, (lxw_col_t)c, &dt, w->datef);
				break;
			}
			case BB_GEN_TEXT:
				e = worksheet_write_string(w->ws, r, (lxw_col_t)c, t, NULL);
				break;
			}
			if (e != LXW_NO_ERROR) {
				w->failed = true;
				return BB_ERR_IO;
			}
		}
		w->rows++;
		return BB_OK;
	}
	if (w->fmt == W_CSV) {
		for (size_t c = 0; c < w->ncols; c++) {
			if (c)
				fputc(w->delim, w->f);
			if (cells[c].kind != BB_GEN_EMPTY)
				csv_cell(w, bb_buf_str(&cells[c].text));
		}
		fputs(w->eol, w->f);
	} else {
		json_t *o = json_object();
		for (size_t c = 0; c < w->ncols; c++)
			json_object_set_new(o, w->header[c], json_cell(&cells[c]));
		char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
		    JSON_REAL_PRECISION(15));
		json_decref(o);
		if (s == NULL) {
			w->failed = true;
			return BB_ERR_INTERNAL;
		}
		if (w->fmt == W_JSON)
			fputs(w->rows ? ",\n" : "\n", w->f);
		fputs(s, w->f);
		if (w->fmt == W_JSONL)
			fputc('\n', w->f);
		free(s);
	}
	if (ferror(w->f)) {
		w->failed = true;
		return BB_ERR_IO;
	}
	w->rows++;
	return BB_OK;
}

uint64_t
gen_writer_rows(const struct gen_writer *w)
{
	return w->rows;
}

int
gen_writer_close(struct gen_writer *w, struct bb_diag *d)
{
	int rc = BB_OK;

	if (w == NULL)
		return BB_OK;
	if (w->wb != NULL) {
		lxw_error e = workbook_close(w->wb);
		if (e != LXW_NO_ERROR && rc == BB_OK) {
			if (d)
				bb_diag_set(d, w->path, 0, 0, "io", "cannot write the workbook: %s",
				    lxw_strerror(e));
			rc = BB_ERR_IO;
		}
	}
	if (w->f != NULL) {
		if (w->fmt == W_JSON)
			fputs(w->rows ? "\n]\n" : "]\n", w->f);
		int bad = ferror(w->f);
		if (fclose(w->f) != 0)
			bad = 1;
		if (bad && rc == BB_OK) {
			if (d)
				io_fail(d, w->path, "write the file");
			rc = BB_ERR_IO;
		}
	}
	if (w->failed && rc == BB_OK) {
		if (d)
			bb_diag_set(d, w->path, 0, 0, "io", "a row could not be written");
		rc = BB_ERR_IO;
	}
	free(w->fbuf);
	bb_buf_free(&w->conv);
	bb_strv_free(w->header, w->ncols);
	free(w->path);
	free(w);
	return rc;
}
