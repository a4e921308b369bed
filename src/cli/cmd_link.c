/*
 * cmd_link.c: `backbone link-files` (link or deduplicate partner files
 * without a database) and `backbone encode` (turn a file into
 * privacy-preserving encodings).  Neither needs a database.
 *
 * Both read files through intake/reader.h and map columns to identity roles
 * with --map FIELD=COLUMN (repeatable; several columns for one field are
 * joined with a space in header order, e.g. street_number and address_1), or,
 * without --map, by guessing from common header names; the guess is printed
 * to standard error.  Records go to the linkage engine (link/link.h) or the
 * CLK encoder (link/encode.h).
 */
#include "cli/cli.h"
#include "intake/mapper.h"
#include "intake/reader.h"
#include "link/encode.h"
#include "link/link.h"
#include "util/bb.h"
#include "util/buf.h"
#include "util/progress.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_COLS_PER_FIELD 8
#define NO_COL ((size_t)-1)
#define NO_VAL ((size_t)-1)

static int
valid_map(const char *v, const char **why)
{
	const char *eq = strchr(v, '=');
	char field[64];
	enum bb_identity_role r;

	if (eq == NULL || eq == v || eq[1] == '\0' || (size_t)(eq - v) >= sizeof(field)) {
		*why = "must be FIELD=COLUMN";
		return BB_ERR_USAGE;
	}
	memcpy(field, v, (size_t)(eq - v));
	field[eq - v] = '\0';
	if (bb_link_role_parse(field, &r) != BB_OK) {
		*why = "FIELD must be one of given_name, family_name, birth_date, sex, "
		    "postcode, locality, address, phone, email, national_id, local_id";
		return BB_ERR_USAGE;
	}
	return BB_OK;
}

/* Where one file's fields come from. */
struct plan {
	size_t cols[BB_ID__COUNT][MAX_COLS_PER_FIELD];
	size_t ncols[BB_ID__COUNT];
	size_t idcol;		/* NO_COL: the row number */
	size_t nfields;
};

/* Header names as compared: trimmed, lower case, spaces and dashes to _. */
static void
header_key(const char *h, char *out, size_t outsz)
{
	size_t n = 0;
	if (h == NULL)
		h = "";
	while (*h == ' ' || *h == '\t')
		h++;
	for (; *h && n + 1 < outsz; h++) {
		char c = *h;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (c == ' ' || c == '-' || c == '.')
			c = '_';
		out[n++] = c;
	}
	while (n > 0 && out[n - 1] == '_')
		n--;
	out[n] = '\0';
}

static const struct {
	enum bb_identity_role role;
	const char *names;	/* space-separated header keys */
} guesses[] = {
	{ BB_ID_GIVEN_NAME, "given_name given_names given first_name firstname "
	    "forename forenames first givenname fname christian_name" },
	{ BB_ID_FAMILY_NAME, "family_name family surname last_name lastname "
	    "familyname last lname sur_name" },
	{ BB_ID_BIRTH_DATE, "date_of_birth dob birth_date birthdate birthday "
	    "birth born date_birth bdate birth_dt" },
	{ BB_ID_SEX, "sex gender" },
	{ BB_ID_POSTCODE, "postcode post_code zip zipcode zip_code postal_code "
	    "postalcode" },
	{ BB_ID_LOCALITY, "suburb city town locality municipality" },
	{ BB_ID_ADDRESS, "street_number house_number address address_1 address1 "
	    "address_line_1 street street_address addr" },
	{ BB_ID_PHONE, "phone telephone phone_number mobile tel cell" },
	{ BB_ID_EMAIL, "email e_mail email_address mail" },
	{ BB_ID_NATIONAL_ID, "soc_sec_id ssn social_security_number national_id "
	    "nin sin national_insurance_number" },
	{ BB_ID_LOCAL_ID, "local_id client_id student_id patient_id mrn "
	    "person_id" },
};

static enum bb_identity_role
guess_role(const char *header)
{
	char key[64];
	header_key(header, key, sizeof(key));
	if (key[0] == '\0')
		return BB_ID_NONE;
	for (size_t g = 0; g < BB_ARRAY_LEN(guesses); g++) {
		const char *p = guesses[g].names;
		size_t kl = strlen(key);
		while (*p) {
			size_t l = strcspn(p, " ");
			if (l == kl && memcmp(p, key, l) == 0)
				return guesses[g].role;
			p += l;
			while (*p == ' ')
				p++;
		}
	}
	return BB_ID_NONE;
}

/* The column named `name` (compared as header keys), or NO_COL. */
static size_t
find_column(const struct bb_row *h, const char *name)
{
	char want[256], have[256];
	header_key(name, want, sizeof(want));
	for (size_t i = 0; i < h->ncells; i++) {
		header_key(h->cells[i], have, sizeof(have));
		if (strcmp(want, have) == 0)
			return i;
	}
	return NO_COL;
}

/* The record id's column: the first --id column the file has (NO_COL
 * without --id: row numbers); `dflt` is used when there is no --id. */
static int
id_column(struct bb_ctx *ctx, const char *path, const struct bb_row *h,
    const char *dflt, size_t *col)
{
	size_t n = 0;
	const char **ids = bb_ctx_opt_all(ctx, "id", &n);
	int rc = BB_OK;

	*col = NO_COL;
	for (size_t i = 0; i < n && *col == NO_COL; i++)
		*col = find_column(h, ids[i]);
	if (n == 0 && dflt)
		*col = find_column(h, dflt);
	if (n > 0 && *col == NO_COL)
		rc = bb_ctx_fail(ctx, BB_ERR_INPUT, "%s: no column '%s' for --id",
		    path, ids[0]);
	free(ids);
	return rc;
}

static void
add_col(struct plan *p, enum bb_identity_role r, size_t col)
{
	for (size_t k = 0; k < p->ncols[r]; k++)
		if (p->cols[r][k] == col)
			return;
	if (p->ncols[r] < MAX_COLS_PER_FIELD) {
		if (p->ncols[r] == 0)
			p->nfields++;
		p->cols[r][p->ncols[r]++] = col;
	}
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

/* Work out where each field comes from in one file. */
static int
make_plan(struct bb_ctx *ctx, const char *path, const struct bb_row *h,
    struct plan *p)
{
	size_t nmaps = 0;
	const char **maps = bb_ctx_opt_all(ctx, "map", &nmaps);
	int rc = BB_OK;

	memset(p, 0, sizeof(*p));
	if ((rc = id_column(ctx, path, h, NULL, &p->idcol)) != BB_OK)
		goto out;
	for (size_t i = 0; i < nmaps; i++) {
		const char *eq = strchr(maps[i], '=');
		char field[64];
		enum bb_identity_role r;
		size_t col;
		memcpy(field, maps[i], (size_t)(eq - maps[i]));
		field[eq - maps[i]] = '\0';
		bb_link_role_parse(field, &r);
		if ((col = find_column(h, eq + 1)) == NO_COL) {
			rc = bb_ctx_fail(ctx, BB_ERR_INPUT,
			    "%s: no column '%s' (for --map %s)", path, eq + 1, maps[i]);
			goto out;
		}
		add_col(p, r, col);
	}
	if (nmaps == 0) {
		struct bb_buf b;
		bb_buf_init(&b, BB_BUF_NOMAX);
		for (size_t i = 0; i < h->ncells; i++) {
			enum bb_identity_role r = guess_role(h->cells[i]);
			if (r != BB_ID_NONE && i != p->idcol)
				add_col(p, r, i);
		}
		for (int r = 1; r < BB_ID__COUNT; r++) {
			if (p->ncols[r] == 0)
				continue;
			bb_buf_printf(&b, "%s%s=", b.len ? ", " : "",
			    bb_link_role_name((enum bb_identity_role)r));
			for (size_t k = 0; k < p->ncols[r]; k++) {
				char key[256];
				header_key(h->cells[p->cols[r][k]], key, sizeof(key));
				bb_buf_printf(&b, "%s%s", k ? "+" : "", key);
			}
		}
		if (!ctx->quiet && p->nfields > 0)
			fprintf(ctx->err, "%s: guessed mapping: %s\n", path,
			    bb_buf_str(&b));
		bb_buf_free(&b);
	}
	for (int r = 1; r < BB_ID__COUNT; r++)
		qsort(p->cols[r], p->ncols[r], sizeof(size_t), cmp_size);
	if (p->nfields == 0)
		rc = bb_ctx_fail(ctx, BB_ERR_INPUT,
		    "%s: no identity field found; name them with --map FIELD=COLUMN",
		    path);
out:
	free(maps);
	return rc;
}

/* Records read from all files: values in one text arena, by offset. */
struct table {
	struct bb_buf text;
	size_t *val;		/* n * BB_ID__COUNT offsets, NO_VAL = missing */
	size_t *id;		/* offset of each record's id */
	uint32_t *file;
	size_t n, cap, capid, capfile;
	/* encode --keep: columns copied as they are */
	const char **keep;	/* the names asked for */
	size_t nkeep;
	size_t keepcol[64];	/* their columns in the file */
	size_t keephdr[64];	/* their headers as the file has them */
	size_t *kval;		/* n * nkeep offsets, NO_VAL = empty */
	size_t capk;
};

static size_t
put_text(struct table *t, const char *s, size_t n)
{
	size_t off = t->text.len;
	bb_buf_append(&t->text, s, n);
	bb_buf_putc(&t->text, '\0');
	return off;
}

/* Print findings from *shown on (warnings, and errors other than the one
 * that ends the command). */
static void
show_findings(struct bb_ctx *ctx, const struct bb_findings *f, size_t *shown)
{
	for (; *shown < f->n; (*shown)++)
		bb_diag_print(&f->items[*shown], ctx->err);
}

/* End with the last error of the findings as the command's failure. */
static int
fail_with_findings(struct bb_ctx *ctx, const struct bb_findings *f,
    size_t *shown, int rc)
{
	for (size_t i = f->n; i > *shown; i--) {
		const struct bb_diag *d = &f->items[i - 1];
		if (d->severity != BB_SEV_ERROR)
			continue;
		for (; *shown < i - 1; (*shown)++)
			bb_diag_print(&f->items[*shown], ctx->err);
		bb_diag_set(&ctx->diag, d->file, d->line, d->col, d->code, "%s",
		    d->message);
		*shown = f->n;
		return rc;
	}
	show_findings(ctx, f, shown);
	return bb_ctx_fail(ctx, rc, "cannot read the file");
}

/* Read one file's records into t by its plan (or by the columns of an
 * encoding file when `cols` is given: id, clk, blocks). */
static int
read_file(struct bb_ctx *ctx, const char *path, uint32_t fileno,
    struct table *t, bool encoded)
{
	struct bb_reader_opts o;
	struct bb_findings f;
	struct bb_reader *r = NULL;
	const struct bb_row *h, *row;
	struct plan p;
	struct bb_buf cell;
	struct bb_progress prog;
	size_t shown = 0;
	int rc;

	memset(&o, 0, sizeof(o));
	bb_findings_init(&f);
	bb_buf_init(&cell, BB_BUF_NOMAX);
	if ((rc = bb_reader_open(path, NULL, &o, &r, &f)) != BB_OK) {
		rc = fail_with_findings(ctx, &f, &shown, rc);
		goto out;
	}
	h = bb_reader_header(r);
	if (encoded) {
		/* id, clk and blocks columns; the values stored in the role
		 * slots LOCAL_ID (clk) and NATIONAL_ID (blocks) of the table. */
		memset(&p, 0, sizeof(p));
		if ((rc = id_column(ctx, path, h, "id", &p.idcol)) != BB_OK)
			goto out;
		p.cols[BB_ID_LOCAL_ID][0] = find_column(h, "clk");
		p.ncols[BB_ID_LOCAL_ID] = 1;
		p.cols[BB_ID_NATIONAL_ID][0] = find_column(h, "blocks");
		p.ncols[BB_ID_NATIONAL_ID] = p.cols[BB_ID_NATIONAL_ID][0] != NO_COL;
		if (p.cols[BB_ID_LOCAL_ID][0] == NO_COL) {
			rc = bb_ctx_fail(ctx, BB_ERR_INPUT,
			    "%s: no 'clk' column: not a file written by 'backbone encode'",
			    path);
			goto out;
		}
	} else if ((rc = make_plan(ctx, path, h, &p)) != BB_OK) {
		goto out;
	}
	for (size_t k = 0; k < t->nkeep; k++) {
		size_t col = find_column(h, t->keep[k]);
		if (col == NO_COL) {
			rc = bb_ctx_fail(ctx, BB_ERR_INPUT, "%s: no column '%s' for --keep",
			    path, t->keep[k]);
			goto out;
		}
		for (int role = 1; role < BB_ID__COUNT; role++)
			for (size_t c = 0; c < p.ncols[role]; c++)
				if (p.cols[role][c] == col &&
				    bb_mapper_private_role((enum bb_identity_role)role)) {
					rc = bb_ctx_fail(ctx, BB_ERR_USAGE, "--keep %s: the "
					    "column holds %s, which is encoded; keeping it "
					    "would send it in clear", t->keep[k],
					    bb_link_role_name((enum bb_identity_role)role));
					goto out;
				}
		t->keepcol[k] = col;
		t->keephdr[k] = put_text(t, h->cells[col] ? h->cells[col] : "",
		    h->cells[col] ? h->lens[col] : 0);
	}
	bb_progress_start(&prog, "reading", bb_reader_size(r));
	while ((rc = bb_reader_next(r, &row)) == 1) {
		size_t k = t->n;
		t->val = bb_grow(t->val, &t->cap, (k + 1) * BB_ID__COUNT,
		    sizeof(*t->val));
		t->id = bb_grow(t->id, &t->capid, k + 1, sizeof(*t->id));
		t->file = bb_grow(t->file, &t->capfile, k + 1, sizeof(*t->file));
		t->file[k] = fileno;
		if (p.idcol != NO_COL && p.idcol < row->ncells && row->cells[p.idcol])
			t->id[k] = put_text(t, row->cells[p.idcol], row->lens[p.idcol]);
		else {
			char num[32];
			snprintf(num, sizeof(num), "%llu",
			    (unsigned long long)(row->row - 1));
			t->id[k] = put_text(t, num, strlen(num));
		}
		for (int role = 0; role < BB_ID__COUNT; role++) {
			t->val[k * BB_ID__COUNT + role] = NO_VAL;
			bb_buf_reset(&cell);
			for (size_t c = 0; c < p.ncols[role]; c++) {
				size_t col = p.cols[role][c];
				const char *v;
				if (col >= row->ncells || (v = row->cells[col]) == NULL)
					continue;
				while (*v == ' ')
					v++;
				if (*v == '\0')
					continue;
				if (cell.len)
					bb_buf_putc(&cell, ' ');
				bb_buf_puts(&cell, v);
			}
			if (cell.len)
				t->val[k * BB_ID__COUNT + role] =
				    put_text(t, cell.data, cell.len);
		}
		if (t->nkeep) {
			t->kval = bb_grow(t->kval, &t->capk, (k + 1) * t->nkeep,
			    sizeof(*t->kval));
			for (size_t j = 0; j < t->nkeep; j++) {
				size_t col = t->keepcol[j];
				t->kval[k * t->nkeep + j] = col < row->ncells &&
				    row->cells[col] ? put_text(t, row->cells[col],
				    row->lens[col]) : NO_VAL;
			}
		}
		t->n++;
		if (f.n > shown)
			show_findings(ctx, &f, &shown);
		bb_progress_update(&prog, bb_reader_offset(r));
	}
	bb_progress_finish(&prog);
	if (rc < 0)
		rc = fail_with_findings(ctx, &f, &shown, rc);
	else
		rc = BB_OK;
out:
	show_findings(ctx, &f, &shown);
	bb_buf_free(&cell);
	bb_reader_free(r);
	bb_findings_free(&f);
	return rc;
}

static const char *
tval(const struct table *t, size_t rec, int role)
{
	size_t off = t->val[rec * BB_ID__COUNT + role];
	return off == NO_VAL ? NULL : t->text.data + off;
}

static struct bb_link_input *
table_inputs(const struct table *t)
{
	struct bb_link_input *in = bb_calloc(t->n ? t->n : 1, sizeof(*in));
	for (size_t i = 0; i < t->n; i++) {
		for (int r = 1; r < BB_ID__COUNT; r++)
			in[i].value[r] = tval(t, i, r);
		in[i].source = t->file[i];
	}
	return in;
}

static void
table_free(struct table *t)
{
	bb_buf_free(&t->text);
	free(t->kval);
	free(t->val);
	free(t->id);
	free(t->file);
}

static void
csv_cell(struct bb_buf *b, const char *s)
{
	if (strcspn(s, ",\"\r\n") == strlen(s)) {
		bb_buf_puts(b, s);
		return;
	}
	bb_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			bb_buf_putc(b, '"');
		bb_buf_putc(b, *s);
	}
	bb_buf_putc(b, '"');
}

/* --- link-files -------------------------------------------------------------- */

static const struct bb_opt_spec link_opts[] = {
	{ "id", BB_OPT_MULTI, "COLUMN", "the column that identifies a record; repeat for files that name it differently (default: the row number)", NULL },
	{ "map", BB_OPT_MULTI, "FIELD=COLUMN", "take FIELD (given_name, family_name, birth_date, sex, postcode, locality, address, phone, email, national_id, local_id) from COLUMN", valid_map },
	{ "encoded", BB_OPT_FLAG, NULL, "the files hold encodings written by 'backbone encode'", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

static int
link_encoded(struct bb_ctx *ctx, const struct table *t, int64_t *pid)
{
	struct bb_clk *clks = bb_malloc((t->n ? t->n : 1) * sizeof(*clks));
	struct bb_clk_blocks *bl = bb_calloc(t->n ? t->n : 1, sizeof(*bl));
	uint32_t *src = bb_malloc((t->n ? t->n : 1) * sizeof(*src));
	struct bb_clk_link_stats st;
	int rc = BB_OK;

	for (size_t i = 0; i < t->n && rc == BB_OK; i++) {
		const char *c = tval(t, i, BB_ID_LOCAL_ID);
		const char *b = tval(t, i, BB_ID_NATIONAL_ID);
		src[i] = t->file[i];
		if (c == NULL || bb_clk_from_base64(c, &clks[i]) != BB_OK)
			rc = bb_ctx_fail(ctx, BB_ERR_INPUT,
			    "%s: record %s: clk is not a %d-bit base64 encoding",
			    ctx->argv[t->file[i]], t->text.data + t->id[i], BB_CLK_BITS);
		else if (b != NULL && bb_clk_blocks_parse(b, &bl[i]) != BB_OK)
			rc = bb_ctx_fail(ctx, BB_ERR_INPUT,
			    "%s: record %s: blocks must be %d words of 16 hex digits or '-'",
			    ctx->argv[t->file[i]], t->text.data + t->id[i], BB_CLK_NBLOCKS);
	}
	if (rc == BB_OK) {
		rc = bb_clk_link(clks, bl, src, t->n, (uint32_t)ctx->argc, NULL, pid,
		    &st);
		if (rc == BB_OK && !ctx->quiet)
			fprintf(ctx->err, "compared %llu pairs of encodings; %llu at or "
			    "above Dice %.2f\n", (unsigned long long)st.comparisons,
			    (unsigned long long)st.matches,
			    ctx->argc == 1 ? BB_CLK_DICE_ONE : BB_CLK_DICE);
	}
	free(clks);
	free(bl);
	free(src);
	return rc;
}

static int
run_link_files(struct bb_ctx *ctx)
{
	bool encoded = bb_ctx_flag(ctx, "encoded");
	struct table t;
	int64_t *pid = NULL, maxpid = 0;
	struct bb_buf out;
	int rc = BB_OK;

	if (encoded && ctx->argc > 64)
		return bb_ctx_fail(ctx, BB_ERR_USAGE,
		    "at most 64 files of encodings can be linked at once");
	memset(&t, 0, sizeof(t));
	bb_buf_init(&t.text, BB_BUF_NOMAX);
	for (int i = 0; i < ctx->argc && rc == BB_OK; i++)
		rc = read_file(ctx, ctx->argv[i], (uint32_t)i, &t, encoded);
	if (rc != BB_OK)
		goto out;
	if (t.n >= UINT32_MAX / 2) {
		rc = bb_ctx_fail(ctx, BB_ERR_LIMIT, "too many records (%zu)", t.n);
		goto out;
	}
	pid = bb_calloc(t.n ? t.n : 1, sizeof(*pid));
	if (encoded) {
		if ((rc = link_encoded(ctx, &t, pid)) != BB_OK)
			goto out;
	} else {
		struct bb_link_input *in = table_inputs(&t);
		struct bb_link_index *ix = bb_link_index_new(NULL);
		struct bb_link_report rep;
		memset(&rep, 0, sizeof(rep));
		rc = bb_link_index_add(ix, in, t.n, &rep);
		for (size_t i = 0; i < t.n; i++)
			pid[i] = bb_link_index_participant(ix, i);
		if (rc == BB_OK && !ctx->quiet)
			fprintf(ctx->err, "compared %llu candidate pairs; %llu links; "
			    "%zu pairs for review\n",
			    (unsigned long long)rep.stats.candidate_pairs,
			    (unsigned long long)rep.stats.links, rep.nreviews);
		bb_link_report_free(&rep);
		bb_link_index_free(ix);
		free(in);
		if (rc != BB_OK) {
			rc = bb_ctx_fail(ctx, rc, "linkage failed");
			goto out;
		}
	}
	bb_buf_init(&out, BB_BUF_NOMAX);
	bb_buf_puts(&out, "file,id,participant_id\n");
	for (size_t i = 0; i < t.n; i++) {
		csv_cell(&out, ctx->argv[t.file[i]]);
		bb_buf_putc(&out, ',');
		csv_cell(&out, t.text.data + t.id[i]);
		bb_buf_printf(&out, ",%lld\n", (long long)pid[i]);
		if (pid[i] > maxpid)
			maxpid = pid[i];
		if (out.len >= 65536) {
			fwrite(out.data, 1, out.len, ctx->out);
			bb_buf_reset(&out);
		}
	}
	fwrite(out.data ? out.data : "", 1, out.len, ctx->out);
	bb_buf_free(&out);
	if (!ctx->quiet)
		fprintf(ctx->err, "%zu records, %lld participants\n", t.n,
		    (long long)maxpid);
out:
	free(pid);
	table_free(&t);
	return rc;
}

const struct bb_command bb_cmd_link_files = {
	.name = "link-files",
	.args = "FILE...",
	.summary = "link or deduplicate partner files; print each record's participant",
	.help = "Reads each FILE (CSV, XLSX, JSON; see 'backbone read') and finds\n"
	    "which records are one person: within a single file (deduplication),\n"
	    "and across and within several. Prints CSV with the header\n"
	    "file,id,participant_id and one line per record in input order; id is\n"
	    "the --id column (the first of several --id a file has), or the\n"
	    "record's row number (1 = the first data row).\n"
	    "Participant ids are 1, 2, ... in order of first appearance.\n\n"
	    "Fields come from --map FIELD=COLUMN (repeatable; several columns for\n"
	    "one field are joined in header order), or are guessed from common\n"
	    "header names and the guess printed to standard error. With --encoded\n"
	    "the files are encodings from 'backbone encode', compared by Dice\n"
	    "(one record of each file per participant). Method and defaults:\n"
	    "docs/linkage.md.",
	.opts = link_opts,
	.min_args = 1, .max_args = -1,
	.flags = 0,
	.run = run_link_files,
};

/* --- encode ---------------------------------------------------------------- */

static const struct bb_opt_spec encode_opts[] = {
	{ "secret-file", BB_OPT_VALUE, "KEY", "the file holding the secret shared by the partners (at least 16 bytes)", NULL },
	{ "id", BB_OPT_VALUE, "COLUMN", "the column that identifies a record (default: the row number)", NULL },
	{ "map", BB_OPT_MULTI, "FIELD=COLUMN", "take FIELD from COLUMN (as for link-files)", valid_map },
	{ "out", BB_OPT_VALUE, "FILE", "write the encodings to FILE (default: standard output)", NULL },
	{ "keep", BB_OPT_MULTI, "COLUMN", "also copy COLUMN as it is (data that is not a name, birth date, address, phone, e-mail or national id), after id,clk,blocks", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

static int
run_encode(struct bb_ctx *ctx)
{
	const char *secret = bb_ctx_opt(ctx, "secret-file");
	const char *outpath = bb_ctx_opt(ctx, "out");
	struct bb_clk_key key;
	struct table t;
	struct bb_buf out;
	char *tmp = NULL;
	FILE *f = ctx->out;
	int rc;

	if (secret == NULL)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "--secret-file KEY is required");
	if ((rc = bb_clk_key_from_file(secret, &key, &ctx->diag)) != BB_OK)
		return rc;
	memset(&t, 0, sizeof(t));
	bb_buf_init(&t.text, BB_BUF_NOMAX);
	bb_buf_init(&out, BB_BUF_NOMAX);
	t.keep = bb_ctx_opt_all(ctx, "keep", &t.nkeep);
	if (t.nkeep > BB_ARRAY_LEN(t.keepcol)) {
		rc = bb_ctx_fail(ctx, BB_ERR_USAGE, "at most %zu --keep columns",
		    BB_ARRAY_LEN(t.keepcol));
		goto out;
	}
	if ((rc = read_file(ctx, ctx->argv[0], 0, &t, false)) != BB_OK)
		goto out;
	if (outpath) {
		tmp = bb_asprintf("%s.tmp%ld", outpath, (long)getpid());
		if ((f = fopen(tmp, "wb")) == NULL) {
			rc = bb_ctx_fail(ctx, BB_ERR_IO, "%s: %s", outpath,
			    strerror(errno));
			goto out;
		}
	}
	bb_buf_puts(&out, "id,clk,blocks");
	for (size_t k = 0; k < t.nkeep; k++) {
		bb_buf_putc(&out, ',');
		csv_cell(&out, t.text.data + t.keephdr[k]);
	}
	bb_buf_putc(&out, '\n');
	for (size_t i = 0; i < t.n; i++) {
		struct bb_link_input in;
		struct bb_clk c;
		struct bb_clk_blocks bl;
		char b64[BB_CLK_B64], btext[BB_CLK_BLOCKS_TEXT];
		memset(&in, 0, sizeof(in));
		for (int r = 1; r < BB_ID__COUNT; r++)
			in.value[r] = tval(&t, i, r);
		bb_clk_encode(&key, &in, &c, &bl);
		bb_clk_to_base64(&c, b64);
		bb_clk_blocks_format(&bl, btext);
		csv_cell(&out, t.text.data + t.id[i]);
		bb_buf_printf(&out, ",%s,%s", b64, btext);
		for (size_t k = 0; k < t.nkeep; k++) {
			size_t off = t.kval[i * t.nkeep + k];
			bb_buf_putc(&out, ',');
			if (off != NO_VAL)
				csv_cell(&out, t.text.data + off);
		}
		bb_buf_putc(&out, '\n');
		if (out.len >= 65536) {
			fwrite(out.data, 1, out.len, f);
			bb_buf_reset(&out);
		}
	}
	fwrite(out.data ? out.data : "", 1, out.len, f);
	if (outpath) {
		/* A write refused on the way (a full disk) sets the error flag
		 * even when the close has nothing left to write; errno is
		 * still the refusal's then. */
		bool written = !ferror(f);
		bool closed = fclose(f) == 0;
		f = NULL;
		if (!written || !closed || rename(tmp, outpath) != 0) {
			rc = bb_ctx_fail(ctx, BB_ERR_IO, "%s: cannot write: %s",
			    outpath, strerror(errno));
			unlink(tmp);
			goto out;
		}
	}
	if (!ctx->quiet)
		fprintf(ctx->err, "encoded %zu records\n", t.n);
out:
	if (outpath && f != NULL && f != ctx->out) {
		fclose(f);
		unlink(tmp);
	}
	free(tmp);
	free(t.keep);
	bb_buf_free(&out);
	table_free(&t);
	return rc;
}

const struct bb_command bb_cmd_encode = {
	.name = "encode",
	.args = "FILE",
	.summary = "turn a file's identities into privacy-preserving encodings",
	.help = "Reads FILE and writes, for each record, a cryptographic long-term\n"
	    "key (CLK): a 1024-bit Bloom filter of the record's identity fields,\n"
	    "keyed by the secret in --secret-file, which the partners share and\n"
	    "the backbone does not hold. Output is CSV with the header\n"
	    "id,clk,blocks: the record's id (--id, or its row number), the filter\n"
	    "in base64, and keyed blocking keys; no readable personal data.\n"
	    "Link such files with 'backbone link-files --encoded'. Fields come\n"
	    "from --map FIELD=COLUMN or are guessed as for link-files.\n\n"
	    "A partner whose sharing level is 'encodings' submits this file:\n"
	    "--keep COLUMN (repeatable) copies the columns its dataset needs\n"
	    "besides identities (dates, codes, the record id under its own name)\n"
	    "after id,clk,blocks; a column encoded as a name, birth date, address,\n"
	    "phone, e-mail or national id cannot be kept.",
	.opts = encode_opts,
	.min_args = 1, .max_args = 1,
	.flags = 0,
	.run = run_encode,
};
