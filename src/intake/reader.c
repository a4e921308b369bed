/*
 * reader.c: opening a partner file of any format, and what every format
 * shares: the row builders, the byte source with its caps, and findings
 * carrying the file's name.
 *
 * Format detection (bb_reader_open without opts->format): a ZIP signature
 * means XLSX when the archive holds xl/workbook.xml, else a bundle of files;
 * otherwise a first character of '[' or '{' (after a BOM and blanks) means
 * JSON, unless the name ends in .csv, .tsv or .txt; otherwise the extension
 * decides (.xlsx, .json, .jsonl, .ndjson, .zip), and anything else is CSV.
 */
#include "intake/reader_impl.h"
#include "util/bb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- row builders -------------------------------------------------------- */

void
bb_rowbuf_init(struct bb_rowbuf *rb, size_t max_bytes)
{
	memset(rb, 0, sizeof(*rb));
	rb->max = max_bytes;
}

void
bb_rowbuf_free(struct bb_rowbuf *rb)
{
	if (rb == NULL)
		return;
	free(rb->data);
	free(rb->start);
	free(rb->lens);
	free(rb->cells);
	memset(rb, 0, sizeof(*rb));
}

int
bb_rowbuf_reserve(struct bb_rowbuf *rb, size_t n)
{
	size_t c = rb->cap ? rb->cap : 256;

	if (n > rb->max || rb->len > rb->max - n)
		return BB_ERR_LIMIT;
	while (c - rb->len <= n)
		c *= 2;
	if (c > rb->max + 1)
		c = rb->max + 1;
	if (c != rb->cap) {
		rb->data = bb_realloc(rb->data, c);
		rb->cap = c;
	}
	return BB_OK;
}

void
bb_rowbuf_grow_slots(struct bb_rowbuf *rb)
{
	size_t c = rb->ncap;

	rb->start = bb_grow(rb->start, &c, rb->n + 1, sizeof(*rb->start));
	c = rb->ncap;
	rb->lens = bb_grow(rb->lens, &c, rb->n + 1, sizeof(*rb->lens));
	c = rb->ncap;
	rb->cells = bb_grow(rb->cells, &c, rb->n + 1, sizeof(*rb->cells));
	rb->ncap = c;
}

void
bb_rowbuf_null_cell(struct bb_rowbuf *rb)
{
	if (rb->n == rb->ncap)
		bb_rowbuf_grow_slots(rb);
	rb->start[rb->n] = SIZE_MAX;
	rb->lens[rb->n] = 0;
	rb->n++;
}

void
bb_rowbuf_pad(struct bb_rowbuf *rb, size_t n)
{
	while (rb->n < n)
		bb_rowbuf_null_cell(rb);
}

const struct bb_row *
bb_rowbuf_finish(struct bb_rowbuf *rb, uint64_t row, uint64_t line)
{
	for (size_t i = 0; i < rb->n; i++)
		rb->cells[i] = rb->start[i] == SIZE_MAX ? NULL :
		    rb->data + rb->start[i];
	rb->row.ncells = rb->n;
	rb->row.cells = rb->cells;
	rb->row.lens = rb->lens;
	rb->row.row = row;
	rb->row.line = line;
	return &rb->row;
}

void
bb_rowbuf_swap(struct bb_rowbuf *a, struct bb_rowbuf *b)
{
	struct bb_rowbuf t = *a;
	*a = *b;
	*b = t;
}

/* --- findings ------------------------------------------------------------ */

static void
add(struct bb_reader *r, enum bb_severity sev, unsigned long line,
    unsigned long col, const char *code, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	bb_findings_add(r->findings, sev, r->name, line, col, code, "%s", msg);
}

void
bb_reader_error(struct bb_reader *r, unsigned long line, unsigned long col,
    const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(r, BB_SEV_ERROR, line, col, code, fmt, ap);
	va_end(ap);
}

void
bb_reader_warn(struct bb_reader *r, unsigned long line, unsigned long col,
    const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(r, BB_SEV_WARNING, line, col, code, fmt, ap);
	va_end(ap);
}

void
bb_reader_quote(const char *s, size_t n, char *out, size_t outsz)
{
	size_t i = 0, chars = 0, o = 0;

	if (outsz < 8) {
		if (outsz)
			out[0] = '\0';
		return;
	}
	while (i < n && chars < 40) {
		size_t k = 1;
		unsigned char c = (unsigned char)s[i];
		if (c >= 0xF0)
			k = 4;
		else if (c >= 0xE0)
			k = 3;
		else if (c >= 0xC0)
			k = 2;
		if (i + k > n || o + k + 4 > outsz)
			break;
		for (size_t j = 0; j < k; j++) {
			unsigned char b = (unsigned char)s[i + j];
			/* Control characters would break the one-line message. */
			out[o++] = (k == 1 && (b < 0x20 || b == 0x7f)) ? '?' : (char)b;
		}
		i += k;
		chars++;
	}
	if (i < n && o + 4 <= outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* --- header checks -------------------------------------------------- */

struct name {
	const char *p;
	size_t len, col;
};

static int
cmp_name(const void *a, const void *b)
{
	const struct name *x = a, *y = b;
	size_t ml = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, ml);

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

void
bb_reader_check_header(struct bb_reader *r)
{
	const struct bb_rowbuf *h = &r->hdr;
	struct name *v = bb_calloc(h->n, sizeof(*v));
	size_t *dupof = bb_calloc(h->n, sizeof(*dupof));
	char q[192];

	for (size_t i = 0; i < h->n; i++) {
		v[i].p = h->cells[i];
		v[i].len = h->lens[i];
		v[i].col = i;
	}
	qsort(v, h->n, sizeof(*v), cmp_name);
	for (size_t i = 1, first = 0; i < h->n; i++) {
		if (v[i].len == v[first].len &&
		    memcmp(v[i].p, v[first].p, v[i].len) == 0)
			dupof[v[i].col] = v[first].col + 1;
		else
			first = i;
	}
	for (size_t i = 0; i < h->n; i++) {
		if (h->lens[i] == 0)
			bb_reader_warn(r, h->row.line, 0, "empty-header",
			    "column %zu has no name", i + 1);
		else if (dupof[i]) {
			bb_reader_quote(h->cells[i], h->lens[i], q, sizeof(q));
			bb_reader_warn(r, h->row.line, 0, "duplicate-header",
			    "column %zu repeats the name '%s' of column %zu",
			    i + 1, q, dupof[i]);
		}
	}
	free(v);
	free(dupof);
}

/* --- input --------------------------------------------------------------- */

int
bb_input_read(struct bb_reader *r, void *buf, size_t n, size_t *got)
{
	struct bb_input *in = &r->in;

	*got = 0;
	if (in->peek_at < in->npeek && n > 0) {
		size_t k = in->npeek - in->peek_at < n ? in->npeek - in->peek_at : n;
		memcpy(buf, in->peek + in->peek_at, k);
		in->peek_at += k;
		in->done += k;
		*got = k;
		return BB_OK;
	}
	if (in->eof || n == 0)
		return BB_OK;
	if (in->fd >= 0) {
		ssize_t k;
		do
			k = read(in->fd, buf, n);
		while (k < 0 && errno == EINTR);
		if (k < 0) {
			bb_reader_error(r, 0, 0, "read-failed", "cannot read: %s",
			    strerror(errno));
			return BB_ERR_IO;
		}
		if (k == 0)
			in->eof = true;
		*got = (size_t)k;
		in->done += (uint64_t)k;
		return BB_OK;
	}
	return bb_zip_member_read(r, buf, n, got);
}

int
bb_input_fill(struct bb_reader *r, void *buf, size_t n, size_t *got)
{
	size_t have = 0, k;
	int rc;

	while (have < n) {
		if ((rc = bb_input_read(r, (char *)buf + have, n - have, &k)) != BB_OK)
			return rc;
		if (k == 0)
			break;
		have += k;
	}
	*got = have;
	return BB_OK;
}

static void
input_close(struct bb_reader *r)
{
	if (r->in.fd >= 0)
		close(r->in.fd);
	r->in.fd = -1;
	free(r->in.peek);
	r->in.peek = NULL;
	r->in.npeek = r->in.peek_at = 0;
	bb_zip_close_member(r);
}

/* --- opening ------------------------------------------------------------- */

static const char *
extension(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');
	return dot ? dot + 1 : "";
}

static bool
ext_is(const char *path, const char *const *list)
{
	const char *e = extension(path);
	for (; *list; list++)
		if (strcasecmp(e, *list) == 0)
			return true;
	return false;
}

static const char *const csv_exts[] = { "csv", "tsv", "txt", "tab", NULL };
static const char *const json_exts[] = { "json", "jsonl", "ndjson", NULL };

/* The format a bundle member is read as, from its name; NULL if none. */
static const char *
member_format(const char *name)
{
	if (ext_is(name, csv_exts))
		return "csv";
	if (ext_is(name, json_exts))
		return "json";
	if (ext_is(name, (const char *const[]){ "xlsx", NULL }))
		return "xlsx";
	return NULL;
}

static const struct bb_format *
format_by_name(const char *name)
{
	if (strcmp(name, "csv") == 0)
		return &bb_format_csv;
	if (strcmp(name, "xlsx") == 0)
		return &bb_format_xlsx;
	if (strcmp(name, "json") == 0 || strcmp(name, "jsonl") == 0)
		return &bb_format_json;
	return NULL;
}

/* Guess from the first bytes and the name: "csv", "xlsx", "json", "zip". */
static const char *
sniff(struct bb_reader *r)
{
	unsigned char head[512];
	ssize_t k;
	size_t i = 0;

	k = pread(r->in.fd, head, sizeof(head), 0);
	if (k < 0 && errno == ESPIPE) {
		/* A pipe: its first bytes are read now and delivered first. */
		size_t got = 0;
		if (bb_input_fill(r, head, sizeof(head), &got) != BB_OK)
			return "csv";	/* the failure is a finding already */
		r->in.eof = false;	/* the bytes after these are still to come */
		r->in.peek = bb_malloc(got ? got : 1);
		memcpy(r->in.peek, head, got);
		r->in.npeek = got;
		r->in.done = 0;
		k = (ssize_t)got;
	}
	if (k >= 4 && memcmp(head, "PK\003\004", 4) == 0)
		return "zip";	/* xlsx or a bundle: decided after opening */
	if (k >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (k > 0 && i < (size_t)k && (head[i] == ' ' || head[i] == '\t' ||
	    head[i] == '\r' || head[i] == '\n'))
		i++;
	if (k > 0 && i < (size_t)k && (head[i] == '[' || head[i] == '{') &&
	    !ext_is(r->path, csv_exts))
		return "json";
	if (ext_is(r->path, (const char *const[]){ "xlsx", NULL }))
		return "xlsx";
	if (ext_is(r->path, (const char *const[]){ "zip", NULL }))
		return "zip";
	if (ext_is(r->path, json_exts))
		return "json";
	return "csv";
}

static const char *
own(struct bb_reader *r, int i, const char *s)
{
	r->own[i] = s ? bb_strdup(s) : NULL;
	return r->own[i];
}

static void
fill_defaults(struct bb_reader *r, const struct bb_reader_opts *from)
{
	struct bb_reader_opts *o = &r->opts;

	if (from)
		*o = *from;
	else
		memset(o, 0, sizeof(*o));
	o->format = own(r, 0, o->format);
	o->sheet = own(r, 1, o->sheet);
	o->member = own(r, 2, o->member);
	o->encoding = own(r, 3, o->encoding);
	if (o->max_cell == 0)
		o->max_cell = BB_DEFAULT_MAX_CELL;
	if (o->max_columns == 0)
		o->max_columns = BB_DEFAULT_MAX_COLUMNS;
	if (o->max_row_bytes == 0)
		o->max_row_bytes = BB_DEFAULT_MAX_ROW;
	if (o->max_uncompressed == 0)
		o->max_uncompressed = BB_DEFAULT_MAX_UNCOMPRESSED;
}

const char *
bb_member_base(const char *s)
{
	const char *slash = strrchr(s, '/');
	return slash ? slash + 1 : s;
}

bool
bb_member_named(const char *want, const char *member)
{
	return strcasecmp(want, member) == 0 ||
	    strcasecmp(bb_member_base(want), bb_member_base(member)) == 0;
}

/* Open the only (or the named) member of a bundle as r->in; sets *fmt.  A
 * name not in the archive as written may name one member folders and case
 * aside ("Client.csv" for "export/CLIENT.csv"), as a bundle sent whole
 * matches them (bundle.c). */
static int
open_bundle_member(struct bb_reader *r, const char **fmt)
{
	char **names = NULL;
	size_t n = 0;
	const char *want = r->opts.member;
	int rc;

	if ((rc = bb_zip_list(r, &names, &n)) != BB_OK)
		return rc;
	if (want == NULL) {
		if (n == 0) {
			bb_reader_error(r, 0, 0, "empty-bundle",
			    "the archive holds no CSV, JSON or XLSX file");
			rc = BB_ERR_INPUT;
		} else if (n > 1) {
			bb_reader_error(r, 0, 0, "member-needed",
			    "the archive holds %zu files; name the one to read",
			    n);
			rc = BB_ERR_USAGE;
		} else
			want = names[0];
	} else if (!bb_zip_has(r, want)) {
		const char *found = NULL;
		size_t hits = 0;
		for (size_t i = 0; i < n; i++)
			if (bb_member_named(want, names[i])) {
				found = names[i];
				hits++;
			}
		if (hits == 1)
			want = found;
	}
	if (rc == BB_OK) {
		char *full = bb_asprintf("%s/%s", r->name, want);
		*fmt = member_format(want);
		if (*fmt == NULL)
			*fmt = "csv";
		rc = bb_zip_open_member(r, want);
		if (rc == BB_ERR_NOTFOUND) {
			bb_reader_error(r, 0, 0, "no-member",
			    "the archive has no member named '%s'", want);
			rc = BB_ERR_INPUT;
		} else if (rc == BB_OK && strcmp(*fmt, "xlsx") == 0) {
			bb_reader_error(r, 0, 0, "nested-xlsx",
			    "'%s' is a workbook inside the archive; extract it "
			    "and read it on its own", want);
			rc = BB_ERR_INPUT;
		}
		free(r->name);
		r->name = full;
	}
	bb_strv_free(names, n);
	return rc;
}

int
bb_reader_open(const char *path, const char *display_name,
    const struct bb_reader_opts *opts, struct bb_reader **out,
    struct bb_findings *findings)
{
	struct bb_reader *r = bb_calloc(1, sizeof(*r));
	const char *fmt;
	struct stat st;
	size_t errors_before = findings->errors;
	int rc = BB_OK;

	*out = NULL;
	r->path = bb_strdup(path);
	r->name = bb_strdup(display_name ? display_name : path);
	r->findings = findings;
	r->in.fd = -1;
	fill_defaults(r, opts);
	bb_rowbuf_init(&r->hdr, r->opts.max_row_bytes);
	bb_rowbuf_init(&r->row, r->opts.max_row_bytes);

	fmt = r->opts.format;
	if (fmt != NULL && strcmp(fmt, "zip") != 0 && format_by_name(fmt) == NULL) {
		bb_reader_error(r, 0, 0, "unknown-format",
		    "unknown format '%s' (csv, xlsx, json, jsonl or zip)", fmt);
		rc = BB_ERR_USAGE;
		goto out;
	}
	r->in.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->in.fd < 0) {
		bb_reader_error(r, 0, 0, "open-failed", "cannot open: %s",
		    strerror(errno));
		rc = errno == ENOENT ? BB_ERR_NOTFOUND : BB_ERR_IO;
		goto out;
	}
	if (fstat(r->in.fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		bb_reader_error(r, 0, 0, "not-a-file", "is a directory");
		rc = BB_ERR_INPUT;
		goto out;
	}
	r->in.size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	if (fmt == NULL)
		fmt = sniff(r);
	if (strcmp(fmt, "zip") == 0 || strcmp(fmt, "xlsx") == 0) {
		close(r->in.fd);
		r->in.fd = -1;
		if ((rc = bb_zip_open(r)) != BB_OK)
			goto out;
		if (strcmp(fmt, "zip") == 0 && (r->opts.format != NULL ||
		    !bb_zip_has(r, "xl/workbook.xml"))) {
			if ((rc = open_bundle_member(r, &fmt)) != BB_OK)
				goto out;
		} else
			fmt = "xlsx";
	}
	r->fmt = format_by_name(fmt);
	r->format_name = r->fmt->name;
	if (strcmp(fmt, "jsonl") == 0)
		r->format_name = "jsonl";
	rc = r->fmt->open(r);
out:
	if (rc != BB_OK) {
		if (findings->errors == errors_before)
			bb_reader_error(r, 0, 0, "unreadable", "%s", bb_strerror(rc));
		bb_reader_free(r);
		return rc;
	}
	*out = r;
	return BB_OK;
}

void
bb_reader_free(struct bb_reader *r)
{
	if (r == NULL)
		return;
	if (r->fmt && r->fmt->close)
		r->fmt->close(r);
	input_close(r);
	bb_zip_close(r);
	bb_rowbuf_free(&r->hdr);
	bb_rowbuf_free(&r->row);
	for (size_t i = 0; i < BB_ARRAY_LEN(r->own); i++)
		free(r->own[i]);
	free(r->name);
	free(r->path);
	free(r);
}

const struct bb_row *
bb_reader_header(struct bb_reader *r)
{
	return &r->hdr.row;
}

int
bb_reader_next(struct bb_reader *r, const struct bb_row **row)
{
	int rc;

	*row = NULL;
	if (r->failed)
		return r->failed;
	rc = r->fmt->next(r);
	if (rc < 0)
		r->failed = rc;
	else if (rc > 0)
		*row = &r->row.row;
	return rc;
}

const char *
bb_reader_name(const struct bb_reader *r)
{
	return r->name;
}

const char *
bb_reader_format(const struct bb_reader *r)
{
	return r->format_name;
}

uint64_t
bb_reader_offset(const struct bb_reader *r)
{
	return r->in.done;
}

uint64_t
bb_reader_size(const struct bb_reader *r)
{
	return r->in.size;
}

/* A reader over the ZIP archive at path, opened (*out NULL on failure, a
 * finding says why), for the bundle functions below. */
static int
bundle_reader(const char *path, const char *display_name,
    const struct bb_reader_opts *opts, struct bb_findings *findings,
    struct bb_reader **out)
{
	struct bb_reader *r = bb_calloc(1, sizeof(*r));
	int rc;

	r->path = bb_strdup(path);
	r->name = bb_strdup(display_name ? display_name : path);
	r->findings = findings;
	r->in.fd = -1;
	fill_defaults(r, opts);
	if ((rc = bb_zip_open(r)) != BB_OK) {
		bb_reader_free(r);
		r = NULL;
	}
	*out = r;
	return rc;
}

int
bb_file_is_zip(const char *path)
{
	unsigned char magic[4] = { 0 };
	FILE *fp = fopen(path, "rb");
	size_t k;

	if (fp == NULL)
		return -1;
	k = fread(magic, 1, sizeof(magic), fp);
	fclose(fp);
	return k == 4 && memcmp(magic, "PK\003\004", 4) == 0;
}

int
bb_bundle_members(const char *path, char ***names, size_t *n,
    struct bb_findings *findings)
{
	struct bb_reader *r;
	int rc;

	*names = NULL;
	*n = 0;
	if ((rc = bundle_reader(path, NULL, NULL, findings, &r)) == BB_OK)
		rc = bb_zip_list(r, names, n);
	bb_reader_free(r);
	return rc;
}

int
bb_bundle_extract(const char *path, const char *display_name,
    const struct bb_reader_opts *opts, int fd, char **member,
    const char **format, struct bb_findings *findings)
{
	struct bb_reader *r;
	unsigned char buf[BB_READ_CHUNK];
	const char *fmt = NULL;
	int rc;

	*member = NULL;
	*format = NULL;
	if (opts && opts->format && strcmp(opts->format, "zip") != 0 &&
	    format_by_name(opts->format) == NULL)
		return BB_ERR_NOTFOUND;	/* bb_reader_open says what is wrong */
	if (opts && opts->format && strcmp(opts->format, "xlsx") == 0)
		return BB_ERR_NOTFOUND;
	if (bb_file_is_zip(path) != 1)
		return BB_ERR_NOTFOUND;	/* the caller's open says why */
	if ((rc = bundle_reader(path, display_name, opts, findings, &r)) != BB_OK)
		return rc;
	if ((!opts || opts->format == NULL) && bb_zip_has(r, "xl/workbook.xml")) {
		rc = BB_ERR_NOTFOUND;	/* a workbook */
		goto out;
	}
	if ((rc = open_bundle_member(r, &fmt)) != BB_OK)
		goto out;
	for (;;) {
		size_t got = 0, off = 0;
		if ((rc = bb_zip_member_read(r, buf, sizeof(buf), &got)) != BB_OK)
			goto out;
		if (got == 0)
			break;
		while (off < got) {
			ssize_t w = write(fd, buf + off, got - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				bb_reader_error(r, 0, 0, "write-failed", "cannot keep the "
				    "member aside to read it: %s", strerror(errno));
				rc = BB_ERR_IO;
				goto out;
			}
			off += (size_t)w;
		}
	}
	*member = bb_strdup(r->in.member);
	*format = (opts && opts->format && strcmp(opts->format, "zip") != 0) ?
	    NULL : fmt;
out:
	bb_reader_free(r);
	return rc;
}

/* Used by zip.c to pick the members worth listing. */
bool
bb_reader_member_readable(const char *name)
{
	return member_format(name) != NULL;
}
