/*
 * csv.c: the CSV reader: RFC 4180 and what real exports do beyond it.
 *
 * Two layers.  The decoder turns the file's bytes into UTF-8 text a chunk
 * (64 KiB) at a time: UTF-8 is validated and passed through without a copy
 * (a BOM is dropped); a UTF-16 BOM selects UTF-16; anything iconv knows can
 * be forced with opts->encoding.  Undeclared files are read as UTF-8 until a
 * byte proves otherwise: if every byte before it was ASCII, the whole file is
 * read as Windows-1252 (a superset of Latin-1) with a warning, which gives the
 * same text as deciding up front; if UTF-8 text came before it, the file
 * mixes encodings, and from there each byte that is not UTF-8 is read as
 * Windows-1252, with one warning at the first.  A forced "utf-8" makes any
 * invalid byte an error.  Problems found by the decoder are reported when the
 * scanner reaches them, so their place is exact.
 *
 * The scanner is a state machine over the text that survives chunk
 * boundaries: quoted fields may hold delimiters, quotes ("" for one) and
 * line ends, kept exactly as written ("\r\n" stays "\r\n"); a row ends at
 * LF, CRLF or a lone CR; a quote inside an unquoted field is data (as Excel
 * reads it); text after a closing quote is kept, with a warning; a NUL byte
 * means the file is not text.  It tracks the physical line and the column
 * (in characters) of every byte without a second pass: the column is counted
 * only when a finding needs it, from the line's start or the chunk's.
 *
 * The delimiter is the most frequent of , ; TAB | outside quotes in the
 * header line (ties in that order; none: comma), unless opts->delimiter or
 * a first line "sep=;" as Excel writes it (that line is then skipped).
 * Blank rows (every cell empty) are skipped: silently at the end of the
 * file, with a warning elsewhere.  Rows with fewer cells than the header are
 * padded with NULL cells, rows with more keep them; both are warned about
 * (the first BB_CSV_LIST_MAX of each kind, then a count).
 */
#include "intake/reader_impl.h"
#include "util/bb.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BB_CSV_LIST_MAX 20	/* warnings of one kind listed before a count */

enum dec_mode {
	DEC_UTF8_AUTO,		/* UTF-8 until proven otherwise */
	DEC_UTF8_STRICT,	/* UTF-8, invalid bytes are errors */
	DEC_ICONV,		/* converted by iconv */
	DEC_MIXED,		/* UTF-8 with stray Windows-1252 bytes */
};

enum pend {
	PEND_NONE,
	PEND_BAD_UTF8,		/* strict: an invalid byte */
	PEND_SWITCH,		/* auto: read the rest as Windows-1252 */
	PEND_MIXED,		/* auto: stray bytes from here on */
	PEND_BAD_ICONV,		/* the forced encoding cannot read a byte */
	PEND_TRUNCATED,		/* the file ends inside a character */
};

enum state {
	ST_ROW,			/* before a row (swallow the LF of a CRLF) */
	ST_FIELD,		/* at the start of a field */
	ST_UNQ,			/* in an unquoted field */
	ST_QUOTED,		/* in a quoted field */
	ST_QUOTED_CR,		/* in a quoted field, just after a CR */
	ST_QUOTE2,		/* just after a quote in a quoted field */
};

struct csv {
	/* decoder */
	enum dec_mode mode;
	iconv_t cd;
	bool cd_open;
	bool cp1252;		/* iconv from Windows-1252: undefined bytes as C1 */
	char encname[64];
	unsigned char raw[BB_READ_CHUNK + 8];
	size_t rawlen, rawpos;	/* raw[rawpos..rawlen) not yet decoded */
	bool need_more;		/* what is left is an incomplete character */
	bool src_eof;
	bool started;		/* the BOM has been looked at */
	bool nonascii;		/* a non-ASCII byte was read (auto mode) */
	enum pend pending;
	unsigned char badbyte;
	char *dec;		/* decoded text, for iconv and mixed modes */
	size_t deccap;

	/* the current chunk of text */
	const char *chunk, *p, *end;

	/* scanner */
	enum state state;
	bool after_cr;		/* the last row ended with a CR */
	char delim;
	unsigned char sp_unq[256], sp_q[256];
	uint64_t line;		/* the line of *p */
	const char *colref;	/* columns are counted from here... */
	uint64_t col_base;	/* ...plus this many characters */
	uint64_t rec_line;	/* the line where the current row began */
	uint64_t quote_line;	/* where the open quoted field began */
	uint64_t rowno;		/* rows so far, the header being row 1 */
	size_t ncols;		/* the header's width */
	size_t nblank;		/* blank rows waiting to be reported */
	uint64_t blank_line;
	size_t nragged, njunk;
};

/* --- UTF-8 --------------------------------------------------------------- */

enum { U8_OK, U8_INCOMPLETE, U8_INVALID };

/* The length of the valid UTF-8 prefix of s[0..n); *why says what follows it
 * (an incomplete sequence only counts when more bytes may come); *nonascii
 * is set when the prefix holds a byte >= 0x80. */
static size_t
utf8_valid(const unsigned char *s, size_t n, bool eof, int *why, bool *nonascii)
{
	size_t i = 0;

	*why = U8_OK;
	while (i < n) {
		if (s[i] < 0x80) {
			/* Eight ASCII bytes at a time where we can. */
			while (i + 8 <= n) {
				uint64_t w;
				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			while (i < n && s[i] < 0x80)
				i++;
			continue;
		}
		unsigned char c = s[i];
		size_t k;
		unsigned char lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF)
			k = 2;
		else if (c >= 0xE0 && c <= 0xEF) {
			k = 3;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 4;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			*why = U8_INVALID;
			return i;
		}
		for (size_t j = 1; j < k; j++) {
			if (i + j >= n) {
				*why = eof ? U8_INVALID : U8_INCOMPLETE;
				return i;
			}
			unsigned char b = s[i + j];
			if (b < (j == 1 ? lo : 0x80) || b > (j == 1 ? hi : 0xBF)) {
				*why = U8_INVALID;
				return i;
			}
		}
		*nonascii = true;
		i += k;
	}
	return i;
}

static uint64_t
utf8_chars(const char *a, const char *b)
{
	uint64_t n = 0;
	for (; a < b; a++)
		n += ((unsigned char)*a & 0xC0) != 0x80;
	return n;
}

/* --- places -------------------------------------------------------------- */

static uint64_t
col_at(const struct csv *cs, const char *p)
{
	return cs->col_base + utf8_chars(cs->colref, p) + 1;
}

static void
newline_at(struct csv *cs, const char *after)
{
	cs->line++;
	cs->colref = after;
	cs->col_base = 0;
}

/* --- decoder ------------------------------------------------------------- */

static int
open_iconv(struct bb_reader *r, struct csv *cs, const char *from)
{
	cs->cd = iconv_open("UTF-8", from);
	if (cs->cd == (iconv_t)-1) {
		bb_reader_error(r, 0, 0, "unknown-encoding",
		    "unknown encoding '%s'", from);
		return BB_ERR_USAGE;
	}
	cs->cd_open = true;
	cs->cp1252 = strcasecmp(from, "WINDOWS-1252") == 0;
	bb_strlcpy(cs->encname, from, sizeof(cs->encname));
	cs->mode = DEC_ICONV;
	return BB_OK;
}

/* Map the name a partner gives to what iconv knows, or to UTF-8. */
static int
choose_encoding(struct bb_reader *r, struct csv *cs)
{
	const char *e = r->opts.encoding;

	cs->mode = DEC_UTF8_AUTO;
	if (e == NULL || *e == '\0')
		return BB_OK;
	if (strcasecmp(e, "utf-8") == 0 || strcasecmp(e, "utf8") == 0) {
		cs->mode = DEC_UTF8_STRICT;
		return BB_OK;
	}
	/* As browsers do: files labelled Latin-1 are Windows-1252 in practice. */
	if (strcasecmp(e, "windows-1252") == 0 || strcasecmp(e, "cp1252") == 0 ||
	    strcasecmp(e, "latin-1") == 0 || strcasecmp(e, "latin1") == 0 ||
	    strcasecmp(e, "iso-8859-1") == 0 || strcasecmp(e, "iso8859-1") == 0)
		return open_iconv(r, cs, "WINDOWS-1252");
	return open_iconv(r, cs, e);
}

static char *
dec_room(struct csv *cs, size_t need)
{
	if (cs->deccap < need) {
		cs->dec = bb_realloc(cs->dec, need);
		cs->deccap = need;
	}
	return cs->dec;
}

/* Decode raw[rawpos..rawlen) by iconv into cs->dec; sets the chunk. */
static void
decode_iconv(struct csv *cs)
{
	size_t inleft = cs->rawlen - cs->rawpos;
	size_t cap = inleft * 4 + 16, outleft = cap;
	char *in = (char *)cs->raw + cs->rawpos;
	char *out = dec_room(cs, cap), *o = out;

	while (inleft > 0) {
		size_t k = iconv(cs->cd, &in, &inleft, &o, &outleft);
		if (k != (size_t)-1)
			break;
		if (errno == EILSEQ && cs->cp1252 && outleft >= 2) {
			/* The five bytes Windows-1252 leaves undefined: read
			 * them as the C1 controls they are in Latin-1. */
			unsigned char b = (unsigned char)*in;
			*o++ = (char)0xC2;
			*o++ = (char)b;
			outleft -= 2;
			in++;
			inleft--;
			continue;
		}
		if (errno == EINVAL && !cs->src_eof) {
			cs->need_more = true;
			break;
		}
		if (errno == EILSEQ || errno == EINVAL) {
			cs->pending = errno == EINVAL ? PEND_TRUNCATED : PEND_BAD_ICONV;
			cs->badbyte = (unsigned char)*in;
			break;
		}
		break;	/* E2BIG: the rest is decoded on the next call */
	}
	cs->rawpos = cs->rawlen - inleft;
	cs->chunk = out;
	cs->end = o;
}

/* Decode UTF-8 with stray Windows-1252 bytes into cs->dec. */
static void
decode_mixed(struct csv *cs)
{
	const unsigned char *s = cs->raw + cs->rawpos;
	size_t n = cs->rawlen - cs->rawpos, i = 0, o = 0;
	char *out = dec_room(cs, n * 3 + 16);
	bool na;
	int why;

	while (i < n) {
		size_t v = utf8_valid(s + i, n - i, cs->src_eof, &why, &na);
		memcpy(out + o, s + i, v);
		o += v;
		i += v;
		if (why == U8_INCOMPLETE) {
			cs->need_more = true;
			break;
		}
		if (why == U8_INVALID) {
			char one = (char)s[i], *in = &one, *op = out + o;
			size_t inl = 1, outl = 4;
			if (iconv(cs->cd, &in, &inl, &op, &outl) == (size_t)-1) {
				out[o] = (char)0xC2;	/* undefined: the C1 control */
				out[o + 1] = (char)s[i];
				op = out + o + 2;
			}
			o = (size_t)(op - out);
			i++;
		}
	}
	cs->rawpos += i;
	cs->chunk = out;
	cs->end = out + o;
}

/* Decode raw[rawpos..rawlen) as UTF-8 in place. */
static void
decode_utf8(struct csv *cs)
{
	const unsigned char *s = cs->raw + cs->rawpos;
	size_t n = cs->rawlen - cs->rawpos;
	bool na = false;
	int why;
	size_t v = utf8_valid(s, n, cs->src_eof, &why, &na);

	cs->chunk = (const char *)s;
	cs->end = (const char *)s + v;
	if (why == U8_INCOMPLETE)
		cs->need_more = true;
	else if (why == U8_INVALID) {
		cs->badbyte = s[v];
		if (cs->mode == DEC_UTF8_STRICT)
			cs->pending = PEND_BAD_UTF8;
		else
			cs->pending = (cs->nonascii || na) ? PEND_MIXED : PEND_SWITCH;
	}
	cs->nonascii |= na;
	cs->rawpos += v;
}

/* Read more raw bytes after what is left undecoded. */
static int
read_raw(struct bb_reader *r, struct csv *cs)
{
	size_t left = cs->rawlen - cs->rawpos, got;
	int rc;

	memmove(cs->raw, cs->raw + cs->rawpos, left);
	cs->rawlen = left;
	cs->rawpos = 0;
	cs->need_more = false;
	if (cs->src_eof)
		return BB_OK;
	rc = bb_input_fill(r, cs->raw + left, BB_READ_CHUNK, &got);
	if (rc != BB_OK)
		return rc;
	if (got < BB_READ_CHUNK)
		cs->src_eof = true;
	cs->rawlen += got;
	if (!cs->started) {
		cs->started = true;
		if (cs->rawlen >= 3 && memcmp(cs->raw, "\xEF\xBB\xBF", 3) == 0 &&
		    cs->mode != DEC_ICONV)
			cs->rawpos = 3;
		else if (cs->rawlen >= 2 && cs->mode == DEC_UTF8_AUTO &&
		    (memcmp(cs->raw, "\xFF\xFE", 2) == 0 ||
		    memcmp(cs->raw, "\xFE\xFF", 2) == 0)) {
			rc = open_iconv(r, cs, cs->raw[0] == 0xFF ? "UTF-16LE" :
			    "UTF-16BE");
			if (rc != BB_OK)
				return rc;
			cs->rawpos = 2;
		}
	}
	return BB_OK;
}

/* Report what the decoder left pending at this place; BB_OK to go on. */
static int
take_pending(struct bb_reader *r, struct csv *cs)
{
	enum pend pd = cs->pending;
	uint64_t col = col_at(cs, cs->p);

	cs->pending = PEND_NONE;
	switch (pd) {
	case PEND_NONE:
		return BB_OK;
	case PEND_BAD_UTF8:
		bb_reader_error(r, cs->line, col, "bad-utf8",
		    "invalid UTF-8 (byte 0x%02X) in a file read as UTF-8",
		    cs->badbyte);
		return BB_ERR_INPUT;
	case PEND_BAD_ICONV:
		bb_reader_error(r, cs->line, col, "bad-encoding",
		    "byte 0x%02X cannot be read as %s", cs->badbyte,
		    cs->encname);
		return BB_ERR_INPUT;
	case PEND_TRUNCATED:
		bb_reader_error(r, cs->line, col, "bad-encoding",
		    "the file ends inside a %s character", cs->encname);
		return BB_ERR_INPUT;
	case PEND_SWITCH:
		bb_reader_warn(r, cs->line, col, "encoding",
		    "not UTF-8 (byte 0x%02X here): the file is read as "
		    "Windows-1252 and converted to UTF-8", cs->badbyte);
		return open_iconv(r, cs, "WINDOWS-1252");
	case PEND_MIXED:
		bb_reader_warn(r, cs->line, col, "encoding",
		    "byte 0x%02X is not UTF-8 though the text before it is: "
		    "read as Windows-1252, as is any such byte after it",
		    cs->badbyte);
		if (open_iconv(r, cs, "WINDOWS-1252") != BB_OK)
			return BB_ERR_INTERNAL;
		cs->mode = DEC_MIXED;
		return BB_OK;
	}
	return BB_OK;
}

/* Make the next chunk of text current: 1, 0 at the end, or an error. */
static int
refill(struct bb_reader *r, struct csv *cs)
{
	int rc;

	/* Columns continue from the chunk that is ending. */
	if (cs->chunk != NULL) {
		cs->col_base += utf8_chars(cs->colref, cs->end);
		cs->colref = cs->p = cs->end;
	}
	for (;;) {
		if (cs->pending != PEND_NONE) {
			cs->p = cs->end;
			if ((rc = take_pending(r, cs)) != BB_OK)
				return rc;
		}
		if (cs->rawpos == cs->rawlen || cs->need_more) {
			if (cs->src_eof && cs->rawpos == cs->rawlen)
				return 0;
			if (cs->src_eof && cs->need_more) {
				/* The file ends inside a character. */
				cs->need_more = false;
			} else if ((rc = read_raw(r, cs)) != BB_OK)
				return rc;
			if (cs->rawpos == cs->rawlen && cs->src_eof)
				return 0;
		}
		switch (cs->mode) {
		case DEC_ICONV:
			decode_iconv(cs);
			break;
		case DEC_MIXED:
			decode_mixed(cs);
			break;
		default:
			decode_utf8(cs);
			break;
		}
		cs->p = cs->chunk;
		cs->colref = cs->chunk;
		if (cs->p < cs->end)
			return 1;
	}
}

/* --- scanner ------------------------------------------------------------- */

static void
set_delimiter(struct csv *cs, char d)
{
	cs->delim = d;
	memset(cs->sp_unq, 0, sizeof(cs->sp_unq));
	memset(cs->sp_q, 0, sizeof(cs->sp_q));
	cs->sp_unq[(unsigned char)d] = 1;
	cs->sp_unq['"'] = cs->sp_unq['\r'] = cs->sp_unq['\n'] = cs->sp_unq[0] = 1;
	cs->sp_q['"'] = cs->sp_q['\r'] = cs->sp_q['\n'] = cs->sp_q[0] = 1;
}

/* The most frequent candidate outside quotes on the first line of text. */
static char
detect_delimiter(const char *p, const char *end)
{
	static const char cand[] = { ',', ';', '\t', '|' };
	size_t count[4] = { 0, 0, 0, 0 }, best = 0;
	bool inq = false;

	for (; p < end; p++) {
		if (*p == '"')
			inq = !inq;
		else if (!inq && (*p == '\n' || *p == '\r'))
			break;
		else if (!inq)
			for (size_t i = 0; i < 4; i++)
				count[i] += *p == cand[i];
	}
	for (size_t i = 1; i < 4; i++)
		if (count[i] > count[best])
			best = i;
	return cand[best];
}

static int
row_too_long(struct bb_reader *r, struct csv *cs, const char *p)
{
	bb_reader_error(r, cs->line, col_at(cs, p), "row-too-long",
	    "a row longer than the limit of %zu bytes (it begins at line %llu)",
	    r->opts.max_row_bytes, (unsigned long long)cs->rec_line);
	return BB_ERR_LIMIT;
}

static int __attribute__((noinline))
append_failed(struct bb_reader *r, struct csv *cs, const char *p, size_t n,
    size_t have)
{
	if (have + n > r->opts.max_cell) {
		bb_reader_error(r, cs->line, col_at(cs, p + (r->opts.max_cell - have)),
		    "cell-too-long", "a cell longer than the limit of %zu bytes "
		    "(in the row that begins at line %llu)", r->opts.max_cell,
		    (unsigned long long)cs->rec_line);
		return BB_ERR_LIMIT;
	}
	return row_too_long(r, cs, p);
}

/* Append p[0..n) to the open cell, within the caps. */
static inline int
append(struct bb_reader *r, struct csv *cs, const char *p, size_t n)
{
	size_t have = bb_rowbuf_cell_len(&r->row);

	if (have + n > r->opts.max_cell || bb_rowbuf_append(&r->row, p, n) != BB_OK)
		return append_failed(r, cs, p, n, have);
	return BB_OK;
}

/* Append the run of ordinary bytes at p (those sp does not mark). */
static inline int
take_run(struct bb_reader *r, struct csv *cs, const unsigned char *sp)
{
	const char *s = cs->p;

	while (cs->p < cs->end && !sp[(unsigned char)*cs->p])
		cs->p++;
	return append(r, cs, s, (size_t)(cs->p - s));
}

static int
end_cell(struct bb_reader *r, struct csv *cs)
{
	if (r->row.n >= r->opts.max_columns) {
		bb_reader_error(r, cs->line, col_at(cs, cs->p), "too-many-columns",
		    "more than %zu columns (in the row that begins at line %llu)",
		    r->opts.max_columns, (unsigned long long)cs->rec_line);
		return BB_ERR_LIMIT;
	}
	if (bb_rowbuf_end_cell(&r->row) != BB_OK)
		return row_too_long(r, cs, cs->p);
	return BB_OK;
}

static int
binary(struct bb_reader *r, struct csv *cs)
{
	bb_reader_error(r, cs->line, col_at(cs, cs->p), "binary",
	    "binary data at line %llu, column %llu: not a text file",
	    (unsigned long long)cs->line,
	    (unsigned long long)col_at(cs, cs->p));
	return BB_ERR_INPUT;
}

/* Read one row into r->row: 1, 0 at the end of the file, or an error. */
static int
scan_row(struct bb_reader *r, struct csv *cs)
{
	int rc;

	bb_rowbuf_reset(&r->row);
	cs->state = ST_ROW;
	for (;;) {
		if (cs->p == cs->end) {
			rc = refill(r, cs);
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
		}
		switch (cs->state) {
		case ST_ROW:
			if (cs->after_cr && *cs->p == '\n') {
				cs->p++;
				cs->colref = cs->p;
			}
			cs->after_cr = false;
			cs->rec_line = cs->line;
			cs->state = ST_FIELD;
			break;
		case ST_FIELD:
			if (*cs->p == '"') {
				cs->quote_line = cs->line;
				cs->p++;
				cs->state = ST_QUOTED;
			} else
				cs->state = ST_UNQ;
			break;
		case ST_UNQ: {
			if ((rc = take_run(r, cs, cs->sp_unq)) != BB_OK)
				return rc;
			if (cs->p == cs->end)
				break;
			char c = *cs->p;
			if (c == '"') {
				/* A quote inside an unquoted field is data. */
				if ((rc = append(r, cs, cs->p, 1)) != BB_OK)
					return rc;
				cs->p++;
				break;
			}
			if (c == '\0')
				return binary(r, cs);
			if ((rc = end_cell(r, cs)) != BB_OK)
				return rc;
			cs->p++;
			if (c == cs->delim) {
				cs->state = ST_FIELD;
				break;
			}
			cs->after_cr = c == '\r';
			newline_at(cs, cs->p);
			return 1;
		}
		case ST_QUOTED: {
			if ((rc = take_run(r, cs, cs->sp_q)) != BB_OK)
				return rc;
			if (cs->p == cs->end)
				break;
			char c = *cs->p;
			if (c == '\0')
				return binary(r, cs);
			if (c == '"') {
				cs->p++;
				cs->state = ST_QUOTE2;
				break;
			}
			/* A line end inside quotes is kept as written. */
			if ((rc = append(r, cs, cs->p, 1)) != BB_OK)
				return rc;
			cs->p++;
			newline_at(cs, cs->p);
			if (c == '\r')
				cs->state = ST_QUOTED_CR;
			break;
		}
		case ST_QUOTED_CR:
			cs->state = ST_QUOTED;
			if (*cs->p == '\n') {
				if ((rc = append(r, cs, cs->p, 1)) != BB_OK)
					return rc;
				cs->p++;
				cs->colref = cs->p;
			}
			break;
		case ST_QUOTE2: {
			char c = *cs->p;
			if (c == '"') {
				if ((rc = append(r, cs, cs->p, 1)) != BB_OK)
					return rc;
				cs->p++;
				cs->state = ST_QUOTED;
				break;
			}
			if (c == cs->delim || c == '\n' || c == '\r') {
				cs->state = ST_UNQ;	/* ends the field there */
				break;
			}
			if (++cs->njunk <= BB_CSV_LIST_MAX) {
				char q[64];
				unsigned char b = (unsigned char)c;
				size_t k = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
				if (k > (size_t)(cs->end - cs->p))
					k = (size_t)(cs->end - cs->p);
				bb_reader_quote(cs->p, k, q, sizeof(q));
				bb_reader_warn(r, cs->line, col_at(cs, cs->p),
				    "text-after-quote", "text after the closing quote "
				    "of a field ('%s'): kept as part of the field", q);
			}
			cs->state = ST_UNQ;
			break;
		}
		}
	}

	/* The end of the file. */
	switch (cs->state) {
	case ST_ROW:
		return 0;
	case ST_FIELD:
		if (r->row.n == 0)
			return 0;
		/* FALLTHROUGH */
	case ST_UNQ:
	case ST_QUOTE2:
		cs->p = cs->end;
		if ((rc = end_cell(r, cs)) != BB_OK)
			return rc;
		return 1;
	case ST_QUOTED:
	case ST_QUOTED_CR:
		bb_reader_error(r, cs->line, col_at(cs, cs->end), "unterminated-quote",
		    "file ends inside a quoted field that began at line %llu",
		    (unsigned long long)cs->quote_line);
		return BB_ERR_INPUT;
	}
	return BB_ERR_INTERNAL;
}

static bool
row_blank(const struct bb_rowbuf *rb)
{
	for (size_t i = 0; i < rb->n; i++)
		if (rb->lens[i] != 0)
			return false;
	return true;
}

/* The next row that is not blank: 1, 0 at the end, or an error. */
static int
next_nonblank(struct bb_reader *r, struct csv *cs)
{
	int rc;

	for (;;) {
		if ((rc = scan_row(r, cs)) <= 0)
			return rc;
		cs->rowno++;
		if (!row_blank(&r->row))
			break;
		if (cs->nblank++ == 0)
			cs->blank_line = cs->rec_line;
	}
	if (cs->nblank > 0)
		bb_reader_warn(r, cs->blank_line, 0, "blank-rows",
		    "%zu blank row%s skipped", cs->nblank,
		    cs->nblank == 1 ? "" : "s");
	cs->nblank = 0;
	return 1;
}

/* Whether the text starts with Excel's "sep=X" line; if so, skip it. */
static bool
sep_line(struct csv *cs, char *sep)
{
	const unsigned char *p = cs->raw + cs->rawpos;
	size_t n = cs->rawlen - cs->rawpos, k;

	if (cs->mode == DEC_ICONV && !cs->cp1252)
		return false;
	if (n < 5 || strncasecmp((const char *)p, "sep=", 4) != 0 ||
	    p[4] < 0x20 || p[4] >= 0x7f || p[4] == '"')
		return false;
	if (n == 5)
		k = 5;
	else if (p[5] == '\n')
		k = 6;
	else if (p[5] == '\r')
		k = n > 6 && p[6] == '\n' ? 7 : 6;
	else
		return false;
	*sep = (char)p[4];
	cs->rawpos += k;
	return true;
}

static int
csv_open(struct bb_reader *r)
{
	struct csv *cs = bb_calloc(1, sizeof(*cs));
	char sep;
	int rc;

	r->st = cs;
	cs->line = 1;
	if ((rc = choose_encoding(r, cs)) != BB_OK)
		return rc;
	if ((rc = read_raw(r, cs)) != BB_OK)
		return rc;
	if (sep_line(cs, &sep)) {
		/* Excel's "sep=;" line names the delimiter and is not data. */
		set_delimiter(cs, r->opts.delimiter ? r->opts.delimiter : sep);
		cs->line = 2;
	} else if (r->opts.delimiter != 0)
		set_delimiter(cs, r->opts.delimiter);
	else if (cs->mode == DEC_ICONV && !cs->cp1252) {
		/* Not ASCII-compatible (UTF-16): look at the decoded text. */
		if ((rc = refill(r, cs)) < 0)
			return rc;
		set_delimiter(cs, rc ? detect_delimiter(cs->p, cs->end) : ',');
	} else
		set_delimiter(cs, detect_delimiter((const char *)cs->raw + cs->rawpos,
		    (const char *)cs->raw + cs->rawlen));
	rc = next_nonblank(r, cs);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		bb_reader_error(r, 0, 0, "empty", "empty file: no header row");
		return BB_ERR_INPUT;
	}
	bb_rowbuf_swap(&r->hdr, &r->row);
	bb_rowbuf_finish(&r->hdr, cs->rowno, cs->rec_line);
	cs->ncols = r->hdr.n;
	bb_reader_check_header(r);
	return BB_OK;
}

static int
csv_next(struct bb_reader *r)
{
	struct csv *cs = r->st;
	int rc = next_nonblank(r, cs);

	if (rc <= 0) {
		if (rc == 0 && cs->nragged > BB_CSV_LIST_MAX)
			bb_reader_warn(r, 0, 0, "ragged-row",
			    "%zu more rows with a different number of cells than "
			    "the header", cs->nragged - BB_CSV_LIST_MAX);
		if (rc == 0 && cs->njunk > BB_CSV_LIST_MAX)
			bb_reader_warn(r, 0, 0, "text-after-quote",
			    "%zu more fields with text after the closing quote",
			    cs->njunk - BB_CSV_LIST_MAX);
		return rc;
	}
	if (r->row.n != cs->ncols && ++cs->nragged <= BB_CSV_LIST_MAX)
		bb_reader_warn(r, cs->rec_line, 0, "ragged-row",
		    "row %llu has %zu cell%s, the header has %zu%s",
		    (unsigned long long)cs->rowno, r->row.n,
		    r->row.n == 1 ? "" : "s", cs->ncols,
		    r->row.n < cs->ncols ? ": the missing ones are empty" :
		    ": the extra ones have no column");
	bb_rowbuf_pad(&r->row, cs->ncols);
	bb_rowbuf_finish(&r->row, cs->rowno, cs->rec_line);
	return 1;
}

static void
csv_close(struct bb_reader *r)
{
	struct csv *cs = r->st;

	if (cs == NULL)
		return;
	if (cs->cd_open)
		iconv_close(cs->cd);
	free(cs->dec);
	free(cs);
	r->st = NULL;
}

const struct bb_format bb_format_csv = {
	.name = "csv",
	.open = csv_open,
	.next = csv_next,
	.close = csv_close,
};
