/*
 * json.c: the JSON reader: an array of objects, or JSON Lines (objects one
 * after another, as .jsonl / .ndjson files hold them), streamed.
 *
 * The file is never loaded whole.  A byte scanner finds the extent of each
 * top-level object (tracking strings, escapes and nesting depth, capped at
 * BB_JSON_MAX_DEPTH), and notes where each of the object's own values lies;
 * jansson then parses that object alone (duplicate keys refused, invalid
 * UTF-8 refused).  Its errors are moved to the place in the file.
 *
 * Values become cells: strings as they are, numbers as written (the text in
 * the file, so 1.50 stays 1.50), true / false as TRUE / FALSE, null as a
 * NULL cell, nested objects and arrays as their compact JSON text (the
 * file's text without the blanks).  The header is the keys of the first
 * object, in order; a key first seen later becomes a new column, with one
 * warning; a key an object lacks is a NULL cell.
 */
#include "intake/reader_impl.h"
#include "util/bb.h"
#include "util/hash.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define BB_JSON_MAX_DEPTH 256

struct span {
	size_t a, b;		/* value's bytes in the object's text */
};

struct jsonr {
	unsigned char buf[BB_READ_CHUNK];
	size_t pos, len;
	bool eof;
	uint64_t line, col;	/* place of buf[pos] */
	bool array;		/* objects are inside a top-level array */
	bool started;		/* the first element has been read */
	bool ended;
	bool pending;		/* the first object waits in r->row */
	int ioerr;		/* what a failed read returned */
	uint64_t nobj;

	struct bb_buf obj;	/* the current object's text */
	uint64_t obj_line, obj_col;
	struct span *vals;
	json_t **vj;		/* each value, in the parsed object */
	size_t nvals, capvals, capvj;

	size_t *map;		/* key -> column + 1, open addressing */
	size_t mapcap;
	size_t *colval;		/* column -> value index + 1 for this object */
	size_t capcol;
};

/* --- bytes and places ---------------------------------------------------- */

/* The next byte without taking it: 0..255, -1 at the end, or -2 when the
 * read failed (j->ioerr says how). */
static int
peek(struct bb_reader *r, struct jsonr *j)
{
	if (j->pos == j->len) {
		size_t got;
		int rc;
		if (j->eof)
			return -1;
		if ((rc = bb_input_read(r, j->buf, sizeof(j->buf), &got)) != BB_OK) {
			j->ioerr = rc;
			return -2;
		}
		j->pos = 0;
		j->len = got;
		if (got == 0) {
			j->eof = true;
			return -1;
		}
	}
	return j->buf[j->pos];
}

static void
take(struct jsonr *j)
{
	unsigned char c = j->buf[j->pos++];

	if (c == '\n') {
		j->line++;
		j->col = 1;
	} else if ((c & 0xC0) != 0x80)
		j->col++;
}

static bool
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skip blanks; the next byte (peeked), -1 at the end, or < -1 on error. */
static int
skip_ws(struct bb_reader *r, struct jsonr *j)
{
	int c;

	while ((c = peek(r, j)) >= 0 && is_ws(c))
		take(j);
	return c;
}


static int
unexpected(struct bb_reader *r, struct jsonr *j, int c, const char *want)
{
	if (c == -1)
		bb_reader_error(r, j->line, j->col, "bad-json",
		    "file ends where %s was expected", want);
	else if (c == 0)
		bb_reader_error(r, j->line, j->col, "binary",
		    "binary data at line %llu, column %llu: not a text file",
		    (unsigned long long)j->line, (unsigned long long)j->col);
	else
		bb_reader_error(r, j->line, j->col, "bad-json",
		    "expected %s, found '%c'", want, c >= 0x20 && c < 0x7f ? c : '?');
	return BB_ERR_INPUT;
}

/* --- one object ---------------------------------------------------------- */

/* Take the object starting at the next byte ('{') into j->obj, noting the
 * spans of its own values.  Works on the read buffer directly and copies
 * what it scanned in one piece per chunk. */
static int
scan_object(struct bb_reader *r, struct jsonr *j)
{
	int depth = 0, c;
	bool instr = false, esc = false, want_value = false, open_value = false;
	size_t last = 0;	/* one past the last non-blank byte */
	size_t max = r->opts.max_row_bytes;

	bb_buf_reset(&j->obj);
	j->nvals = 0;
	j->obj_line = j->line;
	j->obj_col = j->col;
	for (;;) {
		c = peek(r, j);
		if (c < -1)
			return j->ioerr;
		if (c == -1) {
			bb_reader_error(r, j->line, j->col, "unterminated-object",
			    "file ends inside the object that began at line %llu",
			    (unsigned long long)j->obj_line);
			return BB_ERR_INPUT;
		}
		const unsigned char *s = j->buf + j->pos, *p = s;
		const unsigned char *end = j->buf + j->len, *lim = end;
		size_t base = j->obj.len;	/* offset of s in the object */
		int rc = BB_OK;
		bool done = false;

		if ((size_t)(end - s) > max - base)
			lim = s + (max - base);
		while (p < lim && !done) {
			unsigned char ch = *p;
			size_t off = base + (size_t)(p - s);
			if (ch == 0) {
				rc = unexpected(r, j, 0, "text");
				break;
			}
			p++;
			if (ch == '\n') {
				j->line++;
				j->col = 1;
			} else if ((ch & 0xC0) != 0x80)
				j->col++;
			if (instr) {
				if (esc)
					esc = false;
				else if (ch == '\\')
					esc = true;
				else if (ch == '"')
					instr = false;
				else
					/* The plain bytes of a string, quickly. */
					while (p < lim && *p > '\n' && *p != '"' &&
					    *p != '\\') {
						j->col += (*p & 0xC0) != 0x80;
						p++;
					}
				last = base + (size_t)(p - s);
				continue;
			}
			if (is_ws(ch))
				continue;
			if (want_value) {
				want_value = false;
				open_value = true;
				if (j->nvals >= r->opts.max_columns) {
					bb_reader_error(r, j->line, j->col - 1,
					    "too-many-columns", "an object with more "
					    "than %zu keys (it begins at line %llu)",
					    r->opts.max_columns,
					    (unsigned long long)j->obj_line);
					rc = BB_ERR_LIMIT;
					break;
				}
				j->vals = bb_grow(j->vals, &j->capvals, j->nvals + 1,
				    sizeof(*j->vals));
				j->vals[j->nvals].a = off;
			}
			if (ch == '"')
				instr = true;
			else if (ch == '{' || ch == '[') {
				if (++depth > BB_JSON_MAX_DEPTH) {
					bb_reader_error(r, j->line, j->col - 1,
					    "too-deep", "JSON nested more than %d "
					    "deep", BB_JSON_MAX_DEPTH);
					rc = BB_ERR_LIMIT;
					break;
				}
			} else if (depth == 1 && ch == ':')
				want_value = true;
			if (depth == 1 && open_value && (ch == ',' || ch == '}')) {
				j->vals[j->nvals++].b = last;
				open_value = false;
			}
			if ((ch == '}' || ch == ']') && --depth == 0)
				done = true;
			last = off + 1;
		}
		j->pos = (size_t)(p - j->buf);
		if (rc != BB_OK)
			return rc;
		/* Within the cap by construction (lim). */
		bb_buf_append(&j->obj, s, (size_t)(p - s));
		if (done)
			return BB_OK;
		if (p < end) {
			bb_reader_error(r, j->line, j->col, "row-too-long",
			    "an object longer than the limit of %zu bytes (it "
			    "begins at line %llu)", max,
			    (unsigned long long)j->obj_line);
			return BB_ERR_LIMIT;
		}
	}
}

/* The column of a key, or SIZE_MAX. */
static size_t
find_key(struct bb_reader *r, struct jsonr *j, const char *k, size_t kl)
{
	size_t mask = j->mapcap - 1, i;

	if (j->mapcap == 0)
		return SIZE_MAX;
	for (i = bb_hash64(k, kl) & mask; j->map[i]; i = (i + 1) & mask) {
		size_t c = j->map[i] - 1;
		if (r->hdr.lens[c] == kl && memcmp(r->hdr.data + r->hdr.start[c], k, kl) == 0)
			return c;
	}
	return SIZE_MAX;
}

static void
map_put(struct bb_reader *r, struct jsonr *j, size_t col)
{
	size_t mask, i;

	if ((r->hdr.n + 1) * 2 > j->mapcap) {
		/* Grow and rehash every column. */
		size_t cap = j->mapcap ? j->mapcap * 2 : 64;
		while (cap < (r->hdr.n + 1) * 2)
			cap *= 2;
		free(j->map);
		j->map = bb_calloc(cap, sizeof(*j->map));
		j->mapcap = cap;
		for (size_t c = 0; c < r->hdr.n; c++)
			if (c != col)
				map_put(r, j, c);
	}
	mask = j->mapcap - 1;
	i = bb_hash64(r->hdr.data + r->hdr.start[col], r->hdr.lens[col]) & mask;
	while (j->map[i])
		i = (i + 1) & mask;
	j->map[i] = col + 1;
}

/* Append a new column named k to the header. */
static int
add_column(struct bb_reader *r, struct jsonr *j, const char *k, size_t kl)
{
	if (r->hdr.n >= r->opts.max_columns) {
		bb_reader_error(r, j->obj_line, j->obj_col, "too-many-columns",
		    "more than %zu different keys", r->opts.max_columns);
		return BB_ERR_LIMIT;
	}
	if (bb_rowbuf_append(&r->hdr, k, kl) != BB_OK ||
	    bb_rowbuf_end_cell(&r->hdr) != BB_OK) {
		bb_reader_error(r, j->obj_line, j->obj_col, "row-too-long",
		    "the keys are longer than the limit of %zu bytes",
		    r->opts.max_row_bytes);
		return BB_ERR_LIMIT;
	}
	map_put(r, j, r->hdr.n - 1);
	bb_rowbuf_finish(&r->hdr, 1, j->obj_line);
	return BB_OK;
}

/* Append the JSON text s[0..n) without blanks outside strings. */
static int
append_compact(struct bb_rowbuf *rb, const char *s, size_t n)
{
	bool instr = false, esc = false;
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (instr) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				instr = false;
		} else if (c == '"')
			instr = true;
		else if (is_ws(c)) {
			if (bb_rowbuf_append(rb, s + run, i - run) != BB_OK)
				return BB_ERR_LIMIT;
			run = i + 1;
		}
	}
	return bb_rowbuf_append(rb, s + run, n - run);
}

/* Parse j->obj with jansson and build r->row from it. */
static int
build_row(struct bb_reader *r, struct jsonr *j)
{
	json_error_t err;
	json_t *o, *v;
	const char *k;
	size_t idx = 0;
	int rc = BB_OK;

	o = json_loadb(j->obj.data, j->obj.len, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_INT_AS_REAL, &err);
	if (o == NULL) {
		uint64_t line = j->obj_line + (uint64_t)(err.line > 0 ? err.line - 1 : 0);
		uint64_t col = err.line <= 1 ? j->obj_col + (uint64_t)(err.column > 0 ?
		    err.column - 1 : 0) : (uint64_t)err.column;
		bb_reader_error(r, line, col, "bad-json", "invalid JSON: %s",
		    err.text);
		return BB_ERR_INPUT;
	}
	if (json_object_size(o) != j->nvals) {
		json_decref(o);
		bb_reader_error(r, j->obj_line, j->obj_col, "bad-json",
		    "invalid JSON object");
		return BB_ERR_INPUT;
	}
	j->nobj++;
	/* Which value goes in each column. */
	json_object_foreach(o, k, v) {
		size_t kl = strlen(k), c = find_key(r, j, k, kl);
		if (c == SIZE_MAX) {
			if ((rc = add_column(r, j, k, kl)) != BB_OK)
				goto out;
			c = r->hdr.n - 1;
			if (j->nobj > 1) {
				char q[192];
				bb_reader_quote(k, kl, q, sizeof(q));
				bb_reader_warn(r, j->obj_line, j->obj_col, "new-key",
				    "key '%s' first appears in object %llu: it "
				    "becomes column %zu, empty in the objects before",
				    q, (unsigned long long)j->nobj, c + 1);
			}
		}
		if (r->hdr.n > j->capcol) {
			/* Columns no object has filled yet read as empty. */
			size_t was = j->capcol;
			j->colval = bb_grow(j->colval, &j->capcol, r->hdr.n,
			    sizeof(*j->colval));
			memset(j->colval + was, 0, (j->capcol - was) * sizeof(*j->colval));
		}
		j->vj = bb_grow(j->vj, &j->capvj, idx + 1, sizeof(*j->vj));
		j->vj[idx] = v;
		j->colval[c] = ++idx;
	}
	bb_rowbuf_reset(&r->row);
	for (size_t c = 0; c < r->hdr.n; c++) {
		size_t vi = c < j->capcol ? j->colval[c] : 0;
		const char *src = j->obj.data;
		int arc = BB_OK;
		if (vi == 0) {
			bb_rowbuf_null_cell(&r->row);
			continue;
		}
		j->colval[c] = 0;
		v = j->vj[vi - 1];
		const struct span *sp = &j->vals[vi - 1];
		switch (json_typeof(v)) {
		case JSON_NULL:
			bb_rowbuf_null_cell(&r->row);
			continue;
		case JSON_STRING:
			arc = bb_rowbuf_append(&r->row, json_string_value(v),
			    json_string_length(v));
			break;
		case JSON_TRUE:
			arc = bb_rowbuf_append(&r->row, "TRUE", 4);
			break;
		case JSON_FALSE:
			arc = bb_rowbuf_append(&r->row, "FALSE", 5);
			break;
		case JSON_INTEGER:
		case JSON_REAL:
			arc = bb_rowbuf_append(&r->row, src + sp->a, sp->b - sp->a);
			break;
		default:
			arc = append_compact(&r->row, src + sp->a, sp->b - sp->a);
			break;
		}
		if (arc == BB_OK && bb_rowbuf_cell_len(&r->row) > r->opts.max_cell) {
			bb_reader_error(r, j->obj_line, j->obj_col, "cell-too-long",
			    "the value of '%s' in the object at line %llu is longer "
			    "than the limit of %zu bytes", r->hdr.data + r->hdr.start[c],
			    (unsigned long long)j->obj_line, r->opts.max_cell);
			rc = BB_ERR_LIMIT;
			goto out;
		}
		if (arc != BB_OK || bb_rowbuf_end_cell(&r->row) != BB_OK) {
			bb_reader_error(r, j->obj_line, j->obj_col, "row-too-long",
			    "the object at line %llu is longer than the limit of "
			    "%zu bytes", (unsigned long long)j->obj_line,
			    r->opts.max_row_bytes);
			rc = BB_ERR_LIMIT;
			goto out;
		}
	}
	bb_rowbuf_finish(&r->row, j->nobj + 1, j->obj_line);
out:
	json_decref(o);
	return rc;
}

/* --- the sequence of objects --------------------------------------------- */

/* The next object into r->row: 1, 0 at the end, or an error. */
static int
next_object(struct bb_reader *r, struct jsonr *j)
{
	int c, rc;

	if (j->ended)
		return 0;
	c = skip_ws(r, j);
	if (c < -1)
		return j->ioerr;
	if (j->array) {
		if (j->started) {
			if (c == ']')
				goto close;
			if (c != ',')
				return unexpected(r, j, c, "',' or ']' after an object");
			take(j);
			c = skip_ws(r, j);
			if (c < -1)
				return j->ioerr;
		} else if (c == ']')
			goto close;
		if (c == -1) {
			bb_reader_error(r, j->line, j->col, "unterminated-array",
			    "file ends inside the array");
			return BB_ERR_INPUT;
		}
	} else if (c == -1) {
		j->ended = true;
		return 0;
	}
	if (c != '{')
		return unexpected(r, j, c, "an object ('{')");
	j->started = true;
	if ((rc = scan_object(r, j)) != BB_OK)
		return rc;
	if ((rc = build_row(r, j)) != BB_OK)
		return rc;
	return 1;
close:
	take(j);
	j->ended = true;
	c = skip_ws(r, j);
	if (c < -1)
		return j->ioerr;
	if (c != -1)
		return unexpected(r, j, c, "nothing after the closing ']'");
	return 0;
}

static int
json_open(struct bb_reader *r)
{
	struct jsonr *j = bb_calloc(1, sizeof(*j));
	int c, rc;

	r->st = j;
	j->line = j->col = 1;
	bb_buf_init(&j->obj, r->opts.max_row_bytes);
	/* A UTF-8 BOM is not JSON, but editors write one. */
	if ((c = peek(r, j)) == 0xEF) {
		if (j->len - j->pos >= 3 && memcmp(j->buf + j->pos, "\xEF\xBB\xBF", 3) == 0)
			j->pos += 3;
	}
	c = skip_ws(r, j);
	if (c < -1)
		return j->ioerr;
	if (c == -1) {
		bb_reader_error(r, 0, 0, "empty", "empty file: no objects");
		return BB_ERR_INPUT;
	}
	if (c == '[') {
		take(j);
		j->array = true;
		r->format_name = "json";
	} else if (c == '{')
		r->format_name = "jsonl";
	else
		return unexpected(r, j, c, "'[' or '{' at the start of JSON");
	for (size_t k = 0; r->opts.columns && k < r->opts.columns->ncells; k++) {
		const char *name = r->opts.columns->cells[k];
		size_t nl = r->opts.columns->lens[k];
		if (name != NULL && find_key(r, j, name, nl) == SIZE_MAX &&
		    (rc = add_column(r, j, name, nl)) != BB_OK)
			return rc;
	}
	if ((rc = next_object(r, j)) < 0)
		return rc;
	if (rc == 0) {
		bb_reader_error(r, 0, 0, "empty", "no objects: the array is empty");
		return BB_ERR_INPUT;
	}
	j->pending = true;
	return BB_OK;
}

static int
json_next(struct bb_reader *r)
{
	struct jsonr *j = r->st;

	if (j->pending) {
		j->pending = false;
		return 1;
	}
	return next_object(r, j);
}

static void
json_close(struct bb_reader *r)
{
	struct jsonr *j = r->st;

	if (j == NULL)
		return;
	bb_buf_free(&j->obj);
	free(j->vals);
	free(j->map);
	free(j->colval);
	free(j->vj);
	free(j);
	r->st = NULL;
}

const struct bb_format bb_format_json = {
	.name = "json",
	.open = json_open,
	.next = json_next,
	.close = json_close,
};
