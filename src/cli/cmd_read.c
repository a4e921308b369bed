/*
 * cmd_read.c: `backbone read FILE`: read a partner file (CSV, XLSX, JSON,
 * or a member of a ZIP bundle) exactly as intake will, and print its rows as
 * a JSON array of objects keyed by the header (or as CSV).  Needs no
 * database; it is how a backbone analyst sees what a reader makes of a file.
 *
 * Output is streamed a row at a time, so memory stays flat however long the
 * file.  Warnings go to standard error as FILE:LINE:COL: warning: ...; a
 * fatal problem ends the command with exit 1 and one line naming the place.
 */
#include "cli/cli.h"
#include "intake/reader.h"
#include "util/bb.h"
#include "util/buf.h"
#include "util/progress.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int
valid_out_format(const char *v, const char **why)
{
	if (strcmp(v, "json") == 0 || strcmp(v, "csv") == 0)
		return BB_OK;
	*why = "must be json or csv";
	return BB_ERR_USAGE;
}

/* The delimiter as given: one character, or "tab" / "\t". */
static char
delimiter_of(const char *v)
{
	if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0 || strcmp(v, "\t") == 0)
		return '\t';
	if (strlen(v) == 1 && v[0] != '"' && v[0] != '\r' && v[0] != '\n' &&
	    (unsigned char)v[0] < 0x80 && v[0] != '\0')
		return v[0];
	return 0;
}

static int
valid_delimiter(const char *v, const char **why)
{
	if (delimiter_of(v) != 0)
		return BB_OK;
	*why = "must be one ASCII character (not a quote) or 'tab'";
	return BB_ERR_USAGE;
}

static const struct bb_opt_spec read_opts[] = {
	{ "sheet", BB_OPT_VALUE, "NAME", "the XLSX sheet to read (default: the first)", NULL },
	{ "member", BB_OPT_VALUE, "NAME", "the file to read inside a ZIP bundle", NULL },
	{ "format", BB_OPT_VALUE, "json|csv", "output format (default json)", valid_out_format },
	{ "as", BB_OPT_VALUE, "FORMAT", "read the file as csv, xlsx, json, jsonl or zip (default: detected)", bb_valid_read_format },
	{ "delimiter", BB_OPT_VALUE, "C", "CSV delimiter: one character or 'tab' (default: detected)", valid_delimiter },
	{ "encoding", BB_OPT_VALUE, "E", "CSV encoding, e.g. utf-8 or windows-1252 (default: detected)", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

/* Append s[0..n) to b as a JSON string (the text is valid UTF-8). */
static void
json_str(struct bb_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	bb_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		bb_buf_append(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': bb_buf_puts(b, "\\\""); break;
		case '\\': bb_buf_puts(b, "\\\\"); break;
		case '\n': bb_buf_puts(b, "\\n"); break;
		case '\r': bb_buf_puts(b, "\\r"); break;
		case '\t': bb_buf_puts(b, "\\t"); break;
		default: {
			char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };
			bb_buf_puts(b, u);
		}
		}
	}
	bb_buf_append(b, s + run, n - run);
	bb_buf_putc(b, '"');
}

static void
csv_field(struct bb_buf *b, const char *s, size_t n)
{
	if (s == NULL)
		return;
	if (strcspn(s, ",\"\r\n") == n) {
		bb_buf_append(b, s, n);
		return;
	}
	bb_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			bb_buf_putc(b, '"');
		bb_buf_putc(b, s[i]);
	}
	bb_buf_putc(b, '"');
}

/* JSON keys: the header names, a repeated one suffixed _2, _3 ...  Keys
 * [0, *n) are made already (the header only grows): only the new ones are
 * added, so a header growing key by key costs no more than once. */
static char **
unique_keys(char **k, size_t *n, const struct bb_row *h)
{
	k = bb_realloc(k, (h->ncells + 1) * sizeof(*k));
	for (size_t i = *n; i < h->ncells; i++) {
		const char *base = h->cells[i] ? h->cells[i] : "";
		k[i] = bb_strdup(base);
		for (unsigned c = 2;; c++) {
			size_t j;
			for (j = 0; j < i && strcmp(k[j], k[i]) != 0; j++)
				;
			if (j == i)
				break;
			free(k[i]);
			k[i] = bb_asprintf("%s_%u", base, c);
		}
	}
	*n = h->ncells;
	return k;
}

/* Print findings from *shown on, all but the last error (which the edge
 * prints as the command's failure). */
static void
show(struct bb_ctx *ctx, const struct bb_findings *f, size_t *shown, bool last)
{
	size_t stop = f->n;

	if (last) {
		for (size_t i = f->n; i > *shown; i--)
			if (f->items[i - 1].severity == BB_SEV_ERROR) {
				const struct bb_diag *d = &f->items[i - 1];
				bb_diag_set(&ctx->diag, d->file, d->line, d->col,
				    d->code, "%s", d->message);
				stop = i - 1;
				break;
			}
	}
	fflush(ctx->out);
	for (size_t i = *shown; i < f->n; i++)
		if (i != stop || !last)
			bb_diag_print(&f->items[i], ctx->err);
	*shown = f->n;
}

static int
list_members(struct bb_ctx *ctx, const char *path)
{
	struct bb_findings f;
	char **names = NULL;
	size_t n = 0;

	bb_findings_init(&f);
	if (bb_bundle_members(path, &names, &n, &f) == BB_OK) {
		fprintf(ctx->err, "%s holds:\n", path);
		for (size_t i = 0; i < n; i++)
			fprintf(ctx->err, "  %s\n", names[i]);
	}
	bb_strv_free(names, n);
	bb_findings_free(&f);
	return bb_ctx_fail(ctx, BB_ERR_USAGE,
	    "%s: name the file to read with --member NAME", path);
}

/* Read *r to its end, so that its header holds every key, then open the
 * file again with that header for the rows.  The first pass's warnings are
 * dropped (the keys they announce are all in the header now); its errors
 * stay, and end the command (before any output). */
static bool
regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int
json_all_keys(const char *path, const struct bb_reader_opts *o,
    struct bb_reader **r, struct bb_findings *f)
{
	struct bb_reader_opts again = *o;
	struct bb_reader *r2 = NULL;
	const struct bb_row *row;
	int rc;

	while ((rc = bb_reader_next(*r, &row)) == 1)
		;
	if (rc < 0)
		return rc;
	/* The second pass finds again what the first found. */
	bb_findings_free(f);
	bb_findings_init(f);
	again.columns = bb_reader_header(*r);
	rc = bb_reader_open(path, NULL, &again, &r2, f);
	bb_reader_free(*r);
	*r = r2;
	return rc;
}

static int
run_read(struct bb_ctx *ctx)
{
	const char *path = ctx->argv[0];
	const char *outfmt = bb_ctx_opt(ctx, "format");
	const char *delim = bb_ctx_opt(ctx, "delimiter");
	bool csv = outfmt && strcmp(outfmt, "csv") == 0;
	struct bb_reader_opts o;
	struct bb_findings f;
	struct bb_reader *r = NULL;
	struct bb_progress prog;
	struct bb_buf b;
	const struct bb_row *h, *row;
	char **keys = NULL;
	size_t shown = 0, nkeys = 0;
	uint64_t nrows = 0;
	int rc;

	memset(&o, 0, sizeof(o));
	o.format = bb_ctx_opt(ctx, "as");
	o.sheet = bb_ctx_opt(ctx, "sheet");
	o.member = bb_ctx_opt(ctx, "member");
	o.encoding = bb_ctx_opt(ctx, "encoding");
	o.delimiter = delim ? delimiter_of(delim) : 0;
	bb_findings_init(&f);
	bb_buf_init(&b, BB_BUF_NOMAX);

	rc = bb_reader_open(path, NULL, &o, &r, &f);
	if (rc == BB_ERR_USAGE && f.n > 0 && f.items[f.n - 1].code &&
	    strcmp(f.items[f.n - 1].code, "member-needed") == 0) {
		bb_findings_free(&f);
		return list_members(ctx, path);
	}
	if (rc != BB_OK)
		goto out;
	/* JSON objects may bring new keys late, and a CSV header comes first:
	 * read the file once for every key, then again to write it (a pipe
	 * cannot be read twice: its CSV has the first object's keys, and a
	 * later key's cells follow them unnamed, with the warning). */
	if (csv && strncmp(bb_reader_format(r), "json", 4) == 0 && regular(path) &&
	    (rc = json_all_keys(path, &o, &r, &f)) != BB_OK)
		goto out;
	/* Options for other kinds of file are said to be ignored. */
	if (o.sheet && strcmp(bb_reader_format(r), "xlsx") != 0)
		fprintf(ctx->err, "%s: warning: --sheet is for XLSX workbooks; this "
		    "file is read as %s, so it is ignored\n", path, bb_reader_format(r));
	if (o.member && strcmp(bb_reader_name(r), path) == 0)
		fprintf(ctx->err, "%s: warning: --member is for ZIP bundles; this "
		    "file is not one, so it is ignored\n", path);
	bb_progress_start(&prog, "reading", bb_reader_size(r));
	h = bb_reader_header(r);
	if (csv) {
		for (size_t i = 0; i < h->ncells; i++) {
			if (i)
				bb_buf_putc(&b, ',');
			csv_field(&b, h->cells[i], h->lens[i]);
		}
		bb_buf_putc(&b, '\n');
	} else
		bb_buf_putc(&b, '[');
	while ((rc = bb_reader_next(r, &row)) == 1) {
		/* JSON keys may grow (new keys in later JSON objects). */
		h = bb_reader_header(r);
		if (!csv && h->ncells != nkeys)
			keys = unique_keys(keys, &nkeys, h);
		/* A row's warnings go out just before it, at a line's start. */
		if (!csv)
			bb_buf_puts(&b, nrows ? ",\n" : "\n");
		if (b.len >= 65536 || f.n > shown) {
			fwrite(b.data, 1, b.len, ctx->out);
			bb_buf_reset(&b);
		}
		if (f.n > shown)
			show(ctx, &f, &shown, false);
		if (csv) {
			for (size_t i = 0; i < h->ncells; i++) {
				if (i)
					bb_buf_putc(&b, ',');
				if (i < row->ncells)
					csv_field(&b, row->cells[i], row->lens[i]);
			}
			bb_buf_putc(&b, '\n');
		} else {
			bb_buf_puts(&b, "  {");
			for (size_t i = 0; i < nkeys; i++) {
				if (i)
					bb_buf_puts(&b, ", ");
				json_str(&b, keys[i], strlen(keys[i]));
				bb_buf_puts(&b, ": ");
				if (i < row->ncells && row->cells[i] != NULL)
					json_str(&b, row->cells[i], row->lens[i]);
				else
					bb_buf_puts(&b, "null");
			}
			bb_buf_putc(&b, '}');
		}
		nrows++;
		bb_progress_update(&prog, bb_reader_offset(r));
	}
	bb_progress_finish(&prog);
	if (rc == 0) {
		if (!csv)
			bb_buf_puts(&b, nrows ? "\n]\n" : "]\n");
		fwrite(b.data ? b.data : "", 1, b.len, ctx->out);
	}
out:
	show(ctx, &f, &shown, rc < 0);
	bb_strv_free(keys, nkeys);
	bb_buf_free(&b);
	bb_reader_free(r);
	bb_findings_free(&f);
	return rc < 0 ? rc : BB_OK;
}

const struct bb_command bb_cmd_read = {
	.name = "read",
	.args = "FILE",
	.summary = "read a partner file and print its rows (no database needed)",
	.help = "Reads FILE as intake will (CSV, XLSX, JSON or JSON Lines, or a\n"
	    "file inside a ZIP bundle) and prints its rows as a JSON array of\n"
	    "objects keyed by the header row, in header order, every value a\n"
	    "string (null for a missing cell); --format csv prints RFC 4180 CSV\n"
	    "with LF line ends instead. Warnings go to standard error as\n"
	    "FILE:LINE:COL: warning: ...; a file that cannot be read ends the\n"
	    "command with exit 1 and one line naming the place.",
	.opts = read_opts,
	.min_args = 1, .max_args = 1,
	.flags = 0,
	.run = run_read,
};
