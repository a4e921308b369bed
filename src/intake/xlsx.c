/*
 * xlsx.c: the XLSX reader: one worksheet of an Office Open XML workbook,
 * streamed through expat straight out of the archive (libzip, zip.c).
 *
 * Opening reads the small parts whole (each capped): xl/workbook.xml for the
 * sheets in order and the date system (workbookPr date1904), its rels for
 * where each sheet, the shared strings and the styles live, and the styles'
 * cellXfs for which cells hold dates.  The shared strings are streamed into
 * one table (rich-text runs joined, phonetic runs left out, _xHHHH_ escapes
 * decoded), capped at BB_XLSX_MAX_STRINGS bytes.  The sheet itself is
 * streamed: expat is fed a chunk at a time and suspended at each </row>, so
 * one row is in memory.
 *
 * Cells become text: shared and inline strings as written; numbers in their
 * shortest exact decimal form (integers without ".0", exponents as Python
 * writes them); booleans TRUE / FALSE; errors as Excel shows them (#N/A);
 * formulas by their cached value.  A number whose style has a date format
 * (built-in 14-22, 45, 47; or a custom format with d m y h s outside quotes,
 * brackets and escapes) becomes YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS, or HH:MM:SS
 * below 1; elapsed formats ([h]:mm:ss, built-in 46) become H:MM:SS.  The
 * 1900 system keeps Excel's fictitious 1900-02-29 (serial 60), with a
 * warning.  Gaps (C7 after A7) are NULL cells; missing rows and rows with no
 * values are blank rows, skipped as in CSV.
 *
 * Places: a finding's line is the sheet's row number and its column the
 * column number; the message names the sheet and the cell ("C7").
 */
#include "intake/reader_impl.h"
#include "util/bb.h"

#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BB_XLSX_MAX_PART ((size_t)32 << 20)		/* workbook, rels, styles */
#define BB_XLSX_MAX_STRINGS ((size_t)256 << 20)	/* the shared strings table */
#define BB_XLSX_LIST_MAX 20

struct sheetref {
	char *name, *rid, *target;
};

struct xlsx {
	struct bb_reader *r;
	XML_Parser xp;
	int err;		/* set by a handler that stopped the parser */
	const char *part;	/* the part being parsed, for messages */

	/* workbook */
	bool date1904;
	struct sheetref *sheets;
	size_t nsheets, capsheets;
	struct sheetref *rels;	/* Id, Type (in name), Target */
	size_t nrels, caprels;
	char *sheet_name, *sheet_part;

	/* styles */
	struct { long id; char *code; } *fmts;
	size_t nfmts, capfmts;
	long *xf_fmt;		/* numFmtId of each cellXfs entry */
	unsigned char *xf;	/* BB_XF_* of each */
	size_t nxf, capxf;
	int in_cellxfs;

	/* shared strings: NUL-separated text, offsets of each */
	char *sst;
	size_t sst_len, sst_cap;
	size_t *sst_off;
	size_t nsst, capsst;

	/* text being collected (a <t>, a <v>) */
	struct bb_buf text;
	int in_t;		/* inside a <t> that counts */
	int rph;		/* depth inside phonetic runs (skipped) */
	int in_si, in_is, in_v, in_c, in_sheetdata;
	bool has_value;

	/* the cell being read */
	char ctype[16];
	size_t cstyle;
	uint64_t ccol;
	char cref[40];		/* the cell's name, made by cref() for messages */

	/* the row being read */
	uint64_t rownum, lastcol;
	bool row_ready, in_header;

	/* the stream */
	char buf[BB_READ_CHUNK];
	bool suspended, final_fed, done;
	uint64_t fed, last_event;

	/* rows handed out */
	uint64_t last_row;	/* sheet row of the last row handed out (or header) */
	size_t ncols;
	size_t nwide, ndup;
};

static const char *cref(struct xlsx *x);

/* --- numbers and dates (exposed for the tests) --------------------------- */

/* Whether s is already the shortest text of its number: a plain decimal
 * without needless zeros, of at most 15 significant digits (no two such
 * decimals are the same double), between 1e-4 and 1e16. */
static bool
canonical_decimal(const char *s, size_t n)
{
	size_t i = 0, sig = 0, lead = 0;
	bool point = false, nonzero = false;

	if (i < n && s[i] == '-')
		i++;
	if (i == n)
		return false;
	if (s[i] == '0') {
		i++;
		if (i < n && s[i] != '.')
			return false;
	} else if (!(s[i] >= '1' && s[i] <= '9'))
		return false;
	for (; i < n; i++) {
		char c = s[i];
		if (c == '.') {
			if (point || i + 1 == n)
				return false;
			point = true;
		} else if (c >= '0' && c <= '9') {
			if (c != '0')
				nonzero = true;
			if (nonzero)
				sig++;
			else if (point)
				lead++;
		} else
			return false;
	}
	if (!nonzero || sig > 15 || lead >= 4)
		return false;
	return !point || s[n - 1] != '0';
}

void
bb_xlsx_number_text(double v, char *out, size_t n)
{
	char buf[40], mant[40];
	int prec, exp;

	if (v == 0) {
		bb_strlcpy(out, "0", n);
		return;
	}
	if (fabs(v) < 1e15 && v == floor(v)) {
		char tmp[24];
		size_t k = sizeof(tmp);
		uint64_t u = (uint64_t)(v < 0 ? -v : v);
		tmp[--k] = '\0';
		do
			tmp[--k] = (char)('0' + u % 10);
		while ((u /= 10) > 0);
		if (v < 0)
			tmp[--k] = '-';
		bb_strlcpy(out, tmp + k, n);
		return;
	}
	/* The fewest significant digits that read back as v (15 nearly always). */
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	snprintf(buf, sizeof(buf), "%.*e", prec - 1, v);
	/* buf is [-]d.ddde[+-]XX: take the digits and the exponent. */
	char *e = strchr(buf, 'e');
	size_t m = 0;
	bool neg = buf[0] == '-';
	exp = (int)strtol(e + 1, NULL, 10);
	for (char *p = buf + neg; p < e; p++)
		if (*p != '.')
			mant[m++] = *p;
	while (m > 1 && mant[m - 1] == '0')
		m--;
	mant[m] = '\0';
	struct bb_buf b;
	bb_buf_init(&b, 64);
	if (neg)
		bb_buf_putc(&b, '-');
	if (exp < -4 || exp >= 16) {
		bb_buf_putc(&b, mant[0]);
		if (m > 1) {
			bb_buf_putc(&b, '.');
			bb_buf_puts(&b, mant + 1);
		}
		bb_buf_printf(&b, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
	} else if (exp < 0) {
		bb_buf_puts(&b, "0.");
		for (int i = -1; i > exp; i--)
			bb_buf_putc(&b, '0');
		bb_buf_puts(&b, mant);
	} else {
		for (int i = 0; i <= exp || i < (int)m; i++) {
			if (i == exp + 1)
				bb_buf_putc(&b, '.');
			bb_buf_putc(&b, i < (int)m ? mant[i] : '0');
		}
	}
	bb_strlcpy(out, bb_buf_str(&b), n);
	bb_buf_free(&b);
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void
civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int
bb_xlsx_serial_text(double serial, bool date1904, int kind, char *out,
    size_t n)
{
	double days;
	int64_t secs, day;

	/* 9999-12-31 is the last day either system can show. */
	if (!isfinite(serial) || serial < 0 ||
	    serial >= (date1904 ? 2957004.0 : 2958466.0))
		return BB_ERR_INPUT;
	if (kind == BB_XF_DURATION) {
		secs = (int64_t)llround(serial * 86400.0);
		snprintf(out, n, "%lld:%02d:%02d", (long long)(secs / 3600),
		    (int)(secs / 60 % 60), (int)(secs % 60));
		return BB_OK;
	}
	days = floor(serial);
	day = (int64_t)days;
	secs = (int64_t)llround((serial - days) * 86400.0);
	if (secs >= 86400) {
		day++;
		secs -= 86400;
	}
	if (serial < 1 && day == 0) {
		snprintf(out, n, "%02d:%02d:%02d", (int)(secs / 3600),
		    (int)(secs / 60 % 60), (int)(secs % 60));
		return BB_OK;
	}
	char date[32];
	if (date1904) {
		int64_t y;
		unsigned m, d;
		civil(day - 24107, &y, &m, &d);
		snprintf(date, sizeof(date), "%04lld-%02u-%02u", (long long)y, m, d);
	} else if (day == 60)
		bb_strlcpy(date, "1900-02-29", sizeof(date));	/* Excel's bug */
	else {
		int64_t y;
		unsigned m, d;
		civil(day < 60 ? day - 25568 : day - 25569, &y, &m, &d);
		snprintf(date, sizeof(date), "%04lld-%02u-%02u", (long long)y, m, d);
	}
	if (secs == 0)
		snprintf(out, n, "%s", date);
	else
		snprintf(out, n, "%sT%02d:%02d:%02d", date, (int)(secs / 3600),
		    (int)(secs / 60 % 60), (int)(secs % 60));
	return BB_OK;
}

int
bb_xlsx_format_kind(const char *code)
{
	bool date = false;

	for (const char *p = code; *p && *p != ';'; p++) {
		switch (*p) {
		case '"':
			while (p[1] && p[1] != '"')
				p++;
			if (p[1])
				p++;
			break;
		case '\\': case '_': case '*':
			if (p[1])
				p++;
			break;
		case '[': {
			const char *q = strchr(p, ']');
			if (q == NULL)
				return date ? BB_XF_DATE : BB_XF_PLAIN;
			/* [h] [hh] [m] [mm] [s] [ss]: elapsed time. */
			size_t len = (size_t)(q - p - 1);
			if (len >= 1 && len <= 2 && strchr("hHmMsS", p[1]) &&
			    (len == 1 || p[2] == p[1]))
				return BB_XF_DURATION;
			p = q;
			break;
		}
		default:
			if (strchr("dDmMyYhHsS", *p))
				date = true;
		}
	}
	return date ? BB_XF_DATE : BB_XF_PLAIN;
}

static int
builtin_kind(long id)
{
	if ((id >= 14 && id <= 22) || id == 45 || id == 47)
		return BB_XF_DATE;
	if (id == 46)
		return BB_XF_DURATION;
	return BB_XF_PLAIN;
}

/* --- XML plumbing -------------------------------------------------------- */

/* The local part of a name ("x:c" -> "c"): namespaces are not resolved
 * (cheaper, and workbooks use fixed ones). */
static const char *
local(const char *name)
{
	const char *colon = strchr(name, ':');
	return colon ? colon + 1 : name;
}

static const char *
attr(const char **atts, const char *want)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), want) == 0)
			return atts[i + 1];
	return NULL;
}

/* Stop the parse with an error (the finding is already added). */
static void
stop(struct xlsx *x, int err)
{
	if (x->err == 0)
		x->err = err;
	XML_StopParser(x->xp, XML_FALSE);
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal)
{
	struct xlsx *x = ud;

	BB_UNUSED(name);
	BB_UNUSED(sysid);
	BB_UNUSED(pubid);
	BB_UNUSED(has_internal);
	bb_reader_error(x->r, 0, 0, "bad-xlsx",
	    "part '%s' declares a DOCTYPE, which a workbook never does", x->part);
	stop(x, BB_ERR_INPUT);
}

static XML_Parser
new_parser(struct xlsx *x, XML_StartElementHandler start,
    XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	XML_Parser p = XML_ParserCreate(NULL);

	if (p == NULL) {
		fprintf(stderr, "backbone: out of memory (expat)\n");
		abort();
	}
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	x->xp = p;
	x->err = 0;
	return p;
}

static int
xml_failed(struct xlsx *x)
{
	if (x->err)
		return x->err;
	bb_reader_error(x->r, 0, 0, "bad-xlsx",
	    "part '%s' is not well-formed XML (line %lu, column %lu): %s",
	    x->part, (unsigned long)XML_GetCurrentLineNumber(x->xp),
	    (unsigned long)XML_GetCurrentColumnNumber(x->xp) + 1,
	    XML_ErrorString(XML_GetErrorCode(x->xp)));
	return BB_ERR_INPUT;
}

/* Parse a whole small part with the given handlers. */
static int
parse_part(struct xlsx *x, const char *part, bool required,
    XML_StartElementHandler start, XML_EndElementHandler end)
{
	struct bb_buf b;
	int rc;

	if (!bb_zip_has(x->r, part)) {
		if (!required)
			return BB_OK;
		bb_reader_error(x->r, 0, 0, "bad-xlsx",
		    "not a workbook: the archive has no '%s'", part);
		return BB_ERR_INPUT;
	}
	bb_buf_init(&b, BB_XLSX_MAX_PART);
	if ((rc = bb_zip_read_all(x->r, part, BB_XLSX_MAX_PART, &b)) != BB_OK) {
		bb_buf_free(&b);
		return rc;
	}
	x->part = part;
	new_parser(x, start, end, NULL);
	if (XML_Parse(x->xp, b.data ? b.data : "", (int)b.len, 1) != XML_STATUS_OK)
		rc = xml_failed(x);
	XML_ParserFree(x->xp);
	x->xp = NULL;
	bb_buf_free(&b);
	return rc;
}

/* --- workbook, rels, styles ---------------------------------------------- */

static void XMLCALL
wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *n = local(name);

	if (strcmp(n, "workbookPr") == 0) {
		const char *v = attr(atts, "date1904");
		x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(n, "sheet") == 0) {
		const char *nm = attr(atts, "name"), *id = attr(atts, "id");
		if (nm == NULL || id == NULL)
			return;
		x->sheets = bb_grow(x->sheets, &x->capsheets, x->nsheets + 1,
		    sizeof(*x->sheets));
		x->sheets[x->nsheets].name = bb_strdup(nm);
		x->sheets[x->nsheets].rid = bb_strdup(id);
		x->sheets[x->nsheets].target = NULL;
		x->nsheets++;
	}
}

static void XMLCALL
rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type");
	const char *target = attr(atts, "Target"), *mode = attr(atts, "TargetMode");

	if (strcmp(local(name), "Relationship") != 0 || !id || !type || !target ||
	    (mode && strcmp(mode, "External") == 0))
		return;
	x->rels = bb_grow(x->rels, &x->caprels, x->nrels + 1, sizeof(*x->rels));
	x->rels[x->nrels].rid = bb_strdup(id);
	x->rels[x->nrels].name = bb_strdup(type);
	/* Targets are relative to xl/, or absolute from the archive's root. */
	x->rels[x->nrels].target = target[0] == '/' ? bb_strdup(target + 1) :
	    bb_asprintf("xl/%s", target);
	x->nrels++;
}

static void XMLCALL
no_end(void *ud, const XML_Char *name)
{
	BB_UNUSED(ud);
	BB_UNUSED(name);
}

static const char *
rel_target_by_type(struct xlsx *x, const char *suffix)
{
	size_t sl = strlen(suffix);
	for (size_t i = 0; i < x->nrels; i++) {
		size_t tl = strlen(x->rels[i].name);
		if (tl >= sl && strcmp(x->rels[i].name + tl - sl, suffix) == 0)
			return x->rels[i].target;
	}
	return NULL;
}

static void XMLCALL
styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *n = local(name);

	if (strcmp(n, "cellXfs") == 0)
		x->in_cellxfs++;
	else if (strcmp(n, "numFmt") == 0) {
		const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
		int64_t v;
		if (!id || !code || bb_parse_i64(id, &v) != BB_OK)
			return;
		x->fmts = bb_grow(x->fmts, &x->capfmts, x->nfmts + 1, sizeof(*x->fmts));
		x->fmts[x->nfmts].id = (long)v;
		x->fmts[x->nfmts].code = bb_strdup(code);
		x->nfmts++;
	} else if (strcmp(n, "xf") == 0 && x->in_cellxfs) {
		const char *id = attr(atts, "numFmtId");
		int64_t v = 0;
		if (id == NULL || bb_parse_i64(id, &v) != BB_OK)
			v = 0;
		x->xf_fmt = bb_grow(x->xf_fmt, &x->capxf, x->nxf + 1, sizeof(*x->xf_fmt));
		x->xf_fmt[x->nxf++] = (long)v;
	}
}

static void XMLCALL
styles_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;

	if (strcmp(local(name), "cellXfs") == 0)
		x->in_cellxfs--;
}

static void
resolve_styles(struct xlsx *x)
{
	x->xf = bb_calloc(x->nxf + 1, 1);
	for (size_t i = 0; i < x->nxf; i++) {
		long id = x->xf_fmt[i];
		int kind = builtin_kind(id);
		/* A custom format may reuse a built-in number: it wins. */
		for (size_t j = 0; j < x->nfmts; j++)
			if (x->fmts[j].id == id)
				kind = bb_xlsx_format_kind(x->fmts[j].code);
		x->xf[i] = (unsigned char)kind;
	}
}

/* --- text in <si> and <is> ----------------------------------------------- */

/* Decode the _xHHHH_ escapes of OOXML strings in place. */
static size_t
unescape_x(char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned cp = 0;
		bool ok = i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_';
		for (size_t k = 2; ok && k < 6; k++) {
			char c = s[i + k];
			int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
			    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
			ok = d >= 0;
			cp = cp * 16 + (unsigned)d;
		}
		if (ok && cp != 0 && !(cp >= 0xD800 && cp <= 0xDFFF)) {
			if (cp < 0x80)
				s[o++] = (char)cp;
			else if (cp < 0x800) {
				s[o++] = (char)(0xC0 | cp >> 6);
				s[o++] = (char)(0x80 | (cp & 0x3F));
			} else {
				s[o++] = (char)(0xE0 | cp >> 12);
				s[o++] = (char)(0x80 | (cp >> 6 & 0x3F));
				s[o++] = (char)(0x80 | (cp & 0x3F));
			}
			i += 6;
		} else
			s[o++] = s[i];
	}
	return o;
}

static void
text_start(struct xlsx *x, const char *n)
{
	if (strcmp(n, "rPh") == 0)
		x->rph++;
	else if (strcmp(n, "t") == 0 && x->rph == 0)
		x->in_t = 1;
}

static void
text_end(struct xlsx *x, const char *n)
{
	if (strcmp(n, "rPh") == 0)
		x->rph--;
	else if (strcmp(n, "t") == 0)
		x->in_t = 0;
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx *x = ud;

	x->last_event = x->fed;
	if (!(x->in_t || x->in_v) || x->err)
		return;
	if (bb_buf_append(&x->text, s, (size_t)len) != BB_OK) {
		if (x->in_si)
			bb_reader_error(x->r, 0, 0, "cell-too-long",
			    "shared string %zu is longer than the limit of %zu "
			    "bytes", x->nsst + 1, x->text.max);
		else
			bb_reader_error(x->r, x->rownum, x->ccol, "cell-too-long",
			    "sheet '%s' cell %s: longer than the limit of %zu bytes",
			    x->sheet_name, cref(x), x->text.max);
		stop(x, BB_ERR_LIMIT);
	}
}

/* --- shared strings ------------------------------------------------------ */

static void XMLCALL
sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *n = local(name);

	BB_UNUSED(atts);
	x->last_event = x->fed;
	if (strcmp(n, "si") == 0) {
		x->in_si = 1;
		x->rph = 0;
		bb_buf_reset(&x->text);
	} else if (x->in_si)
		text_start(x, n);
}

static void XMLCALL
sst_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	const char *n = local(name);

	x->last_event = x->fed;
	if (strcmp(n, "si") != 0) {
		if (x->in_si)
			text_end(x, n);
		return;
	}
	x->in_si = 0;
	size_t len = unescape_x(x->text.data ? x->text.data : "", x->text.len);
	size_t need = x->sst_len + len + 1;
	/* The table and its index count against one cap. */
	if (need + (x->nsst + 1) * sizeof(size_t) > BB_XLSX_MAX_STRINGS) {
		bb_reader_error(x->r, 0, 0, "too-many-strings",
		    "the shared strings table is larger than the limit of %zu "
		    "MiB", BB_XLSX_MAX_STRINGS >> 20);
		stop(x, BB_ERR_LIMIT);
		return;
	}
	x->sst = bb_grow(x->sst, &x->sst_cap, need, 1);
	if (len)
		memcpy(x->sst + x->sst_len, x->text.data, len);
	x->sst[x->sst_len + len] = '\0';
	x->sst_off = bb_grow(x->sst_off, &x->capsst, x->nsst + 1, sizeof(*x->sst_off));
	x->sst_off[x->nsst++] = x->sst_len;
	x->sst_len = need;
}

/* Feed the parser from r->in until the part ends (or a row is ready, when
 * `rows`): 1 row ready, 0 done, or an error. */
static int
pump(struct xlsx *x, bool rows)
{
	struct bb_reader *r = x->r;
	enum XML_Status st;
	size_t got;
	int rc;

	for (;;) {
		x->row_ready = false;
		if (x->done)
			return 0;
		if (x->suspended) {
			x->suspended = false;
			st = XML_ResumeParser(x->xp);
		} else {
			if ((rc = bb_input_read(r, x->buf, sizeof(x->buf), &got)) != BB_OK)
				return rc;
			x->fed += got;
			x->final_fed = got == 0;
			st = XML_Parse(x->xp, x->buf, (int)got, x->final_fed);
		}
		if (st == XML_STATUS_ERROR)
			return xml_failed(x);
		if (st == XML_STATUS_SUSPENDED)
			x->suspended = true;
		else if (x->final_fed)
			x->done = true;
		if (x->row_ready && rows)
			return 1;
		/* A start tag is held whole by expat: cap what one may take. */
		if (x->fed - x->last_event > r->opts.max_row_bytes) {
			bb_reader_error(r, 0, 0, "bad-xlsx",
			    "part '%s' has an XML element longer than %zu bytes",
			    x->part, r->opts.max_row_bytes);
			return BB_ERR_LIMIT;
		}
	}
}

static int
load_strings(struct xlsx *x, const char *part)
{
	int rc;

	if (part == NULL || !bb_zip_has(x->r, part))
		return BB_OK;
	if ((rc = bb_zip_open_member(x->r, part)) != BB_OK)
		return rc;
	x->part = part;
	new_parser(x, sst_start, sst_end, on_text);
	x->text.max = x->r->opts.max_cell;
	x->fed = x->last_event = 0;
	x->done = x->suspended = false;
	rc = pump(x, false);
	XML_ParserFree(x->xp);
	x->xp = NULL;
	bb_zip_close_member(x->r);
	return rc;
}

/* --- the sheet ----------------------------------------------------------- */

/* "C7" -> column 3; 0 when not a reference. */
static uint64_t
ref_col(const char *ref)
{
	uint64_t c = 0;
	const char *p = ref;

	for (; *p >= 'A' && *p <= 'Z'; p++) {
		c = c * 26 + (uint64_t)(*p - 'A' + 1);
		if (c > 1000000)
			return 0;
	}
	return p == ref ? 0 : c;
}

static void
col_name(uint64_t col, char *out, size_t n)
{
	char tmp[16] = { 0 };
	size_t k = sizeof(tmp) - 1;

	while (col > 0 && k > 0) {
		tmp[--k] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	bb_strlcpy(out, tmp + k, n);
}

/* The current cell's name ("C7"), for a message. */
static const char *
cref(struct xlsx *x)
{
	col_name(x->ccol, x->cref, 16);
	snprintf(x->cref + strlen(x->cref), sizeof(x->cref) - 16, "%llu",
	    (unsigned long long)x->rownum);
	return x->cref;
}

/* Add the finished cell's value to the row. */
static void
put_cell(struct xlsx *x, const char *s, size_t n)
{
	struct bb_reader *r = x->r;

	if (x->ccol <= x->lastcol) {
		if (++x->ndup <= BB_XLSX_LIST_MAX)
			bb_reader_warn(r, x->rownum, x->ccol, "cell-order",
			    "sheet '%s' cell %s comes after a cell to its right "
			    "or repeats one: ignored", x->sheet_name, cref(x));
		return;
	}
	if (x->ccol > r->opts.max_columns) {
		bb_reader_error(r, x->rownum, x->ccol, "too-many-columns",
		    "sheet '%s' cell %s is past the limit of %zu columns",
		    x->sheet_name, cref(x), r->opts.max_columns);
		stop(x, BB_ERR_LIMIT);
		return;
	}
	/* A gap in the header is a column with no name, elsewhere NULL. */
	while (x->lastcol + 1 < x->ccol) {
		if (x->in_header) {
			if (bb_rowbuf_end_cell(&r->row) != BB_OK)
				goto too_long;
		} else
			bb_rowbuf_null_cell(&r->row);
		x->lastcol++;
	}
	if (bb_rowbuf_append(&r->row, s, n) != BB_OK ||
	    bb_rowbuf_end_cell(&r->row) != BB_OK)
		goto too_long;
	x->lastcol = x->ccol;
	return;
too_long:
	bb_reader_error(r, x->rownum, x->ccol, "row-too-long",
	    "sheet '%s' row %llu is longer than the limit of %zu bytes",
	    x->sheet_name, (unsigned long long)x->rownum, r->opts.max_row_bytes);
	stop(x, BB_ERR_LIMIT);
}

static void
finish_cell(struct xlsx *x)
{
	struct bb_reader *r = x->r;
	const char *t = x->ctype;
	char *v;
	size_t n;
	char out[64];

	if (!x->has_value)
		return;
	bb_buf_append(&x->text, "", 0);	/* data is never NULL after this */
	v = x->text.data;
	n = x->text.len;
	if (strcmp(t, "s") == 0) {
		int64_t i;
		if (bb_parse_i64(v, &i) != BB_OK || i < 0 || (uint64_t)i >= x->nsst) {
			bb_reader_error(r, x->rownum, x->ccol, "bad-xlsx",
			    "sheet '%s' cell %s refers to shared string '%.20s', "
			    "which the workbook does not have", x->sheet_name,
			    cref(x), v);
			stop(x, BB_ERR_INPUT);
			return;
		}
		size_t off = x->sst_off[i];
		size_t end = (size_t)i + 1 < x->nsst ? x->sst_off[i + 1] - 1 :
		    x->sst_len - 1;
		put_cell(x, x->sst + off, end - off);
	} else if (strcmp(t, "inlineStr") == 0) {
		put_cell(x, v, unescape_x(v, n));
	} else if (strcmp(t, "b") == 0) {
		bool on = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
		put_cell(x, on ? "TRUE" : "FALSE", on ? 4 : 5);
	} else if (strcmp(t, "d") == 0) {
		/* ISO 8601 already; midnight is a plain date. */
		if (n > 9 && strcmp(v + n - 9, "T00:00:00") == 0)
			n -= 9;
		put_cell(x, v, n);
	} else if (strcmp(t, "n") == 0 || t[0] == '\0') {
		double d;
		if (n == 0)
			return;
		if (bb_parse_double(v, &d) != BB_OK) {
			bb_reader_warn(r, x->rownum, x->ccol, "bad-number",
			    "sheet '%s' cell %s holds '%.20s', not a number: "
			    "kept as text", x->sheet_name, cref(x), v);
			put_cell(x, v, n);
			return;
		}
		int kind = x->cstyle < x->nxf ? x->xf[x->cstyle] : BB_XF_PLAIN;
		if (kind != BB_XF_PLAIN) {
			if (bb_xlsx_serial_text(d, x->date1904, kind, out,
			    sizeof(out)) == BB_OK) {
				if (!x->date1904 && kind == BB_XF_DATE && d >= 60 && d < 61)
					bb_reader_warn(r, x->rownum, x->ccol,
					    "excel-1900-02-29", "sheet '%s' cell %s "
					    "is 1900-02-29, a day that never was "
					    "(Excel's leap-year bug)", x->sheet_name,
					    cref(x));
				put_cell(x, out, strlen(out));
				return;
			}
			bb_reader_warn(r, x->rownum, x->ccol, "bad-date",
			    "sheet '%s' cell %s is styled as a date but %s is "
			    "not one: kept as a number", x->sheet_name, cref(x), v);
		}
		if (canonical_decimal(v, n))
			put_cell(x, v, n);
		else {
			bb_xlsx_number_text(d, out, sizeof(out));
			put_cell(x, out, strlen(out));
		}
	} else	/* str (a formula's text), e (an error), anything else */
		put_cell(x, v, n);
}

static void XMLCALL
sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *n = local(name);

	x->last_event = x->fed;
	if (!x->in_sheetdata) {
		if (strcmp(n, "sheetData") == 0)
			x->in_sheetdata = 1;
		return;
	}
	if (strcmp(n, "row") == 0) {
		const char *rv = attr(atts, "r");
		int64_t v;
		if (rv && bb_parse_i64(rv, &v) == BB_OK && v > 0)
			x->rownum = (uint64_t)v;
		else
			x->rownum++;
		x->lastcol = 0;
		bb_rowbuf_reset(&x->r->row);
	} else if (strcmp(n, "c") == 0) {
		const char *ref = attr(atts, "r"), *t = attr(atts, "t");
		const char *s = attr(atts, "s");
		int64_t sv;
		uint64_t c = ref ? ref_col(ref) : 0;
		x->ccol = c ? c : x->lastcol + 1;
		bb_strlcpy(x->ctype, t ? t : "n", sizeof(x->ctype));
		x->cstyle = s && bb_parse_i64(s, &sv) == BB_OK && sv >= 0 ?
		    (size_t)sv : 0;
		x->has_value = false;
		x->in_c = 1;
		bb_buf_reset(&x->text);
	} else if (x->in_c && strcmp(n, "v") == 0) {
		x->in_v = 1;
		x->has_value = true;
		bb_buf_reset(&x->text);
	} else if (x->in_c && strcmp(n, "is") == 0) {
		x->in_is = 1;
		x->rph = 0;
		x->has_value = true;
		bb_buf_reset(&x->text);
	} else if (x->in_is)
		text_start(x, n);
}

static void XMLCALL
sheet_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	const char *n = local(name);

	x->last_event = x->fed;
	if (!x->in_sheetdata)
		return;
	if (strcmp(n, "v") == 0)
		x->in_v = 0;
	else if (strcmp(n, "is") == 0)
		x->in_is = 0;
	else if (x->in_is)
		text_end(x, n);
	else if (strcmp(n, "c") == 0) {
		x->in_c = 0;
		finish_cell(x);
	} else if (strcmp(n, "row") == 0) {
		x->row_ready = true;
		if (!x->err)
			XML_StopParser(x->xp, XML_TRUE);
	} else if (strcmp(n, "sheetData") == 0)
		x->in_sheetdata = 0;
}

/* The next row with a value: 1, 0 at the end, or an error. */
static int
next_row(struct xlsx *x)
{
	int rc;

	for (;;) {
		if ((rc = pump(x, true)) <= 0)
			return rc;
		if (x->err)
			return x->err;
		for (size_t i = 0; i < x->r->row.n; i++)
			if (x->r->row.lens[i] != 0)
				return 1;
	}
}

static void
skipped(struct xlsx *x)
{
	uint64_t gap = x->rownum - x->last_row - 1;

	if (x->rownum > x->last_row + 1)
		bb_reader_warn(x->r, x->last_row + 1, 0, "blank-rows",
		    "sheet '%s': %llu blank row%s skipped", x->sheet_name,
		    (unsigned long long)gap, gap == 1 ? "" : "s");
	x->last_row = x->rownum;
}

static int
choose_sheet(struct xlsx *x)
{
	struct bb_reader *r = x->r;
	const char *want = r->opts.sheet;
	struct sheetref *s = NULL;

	for (size_t i = 0; i < x->nsheets; i++) {
		for (size_t j = 0; j < x->nrels; j++)
			if (strcmp(x->rels[j].rid, x->sheets[i].rid) == 0)
				x->sheets[i].target = x->rels[j].target;
		if (s != NULL || x->sheets[i].target == NULL)
			continue;
		if (want ? strcmp(x->sheets[i].name, want) == 0 :
		    strstr(x->sheets[i].target, "worksheets/") != NULL)
			s = &x->sheets[i];
	}
	if (s == NULL) {
		struct bb_buf b;
		bb_buf_init(&b, 4096);
		for (size_t i = 0; i < x->nsheets; i++)
			bb_buf_printf(&b, "%s'%s'", i ? ", " : "", x->sheets[i].name);
		if (want)
			bb_reader_error(r, 0, 0, "no-sheet", "no sheet named '%s' "
			    "(the workbook has %s)", want, x->nsheets ?
			    bb_buf_str(&b) : "none");
		else
			bb_reader_error(r, 0, 0, "no-sheet",
			    "the workbook has no worksheet");
		bb_buf_free(&b);
		return BB_ERR_INPUT;
	}
	if (strstr(s->target, "worksheets/") == NULL) {
		bb_reader_error(r, 0, 0, "no-sheet",
		    "sheet '%s' is a chart, not a worksheet", s->name);
		return BB_ERR_INPUT;
	}
	x->sheet_name = s->name;
	x->sheet_part = s->target;
	return BB_OK;
}

static int
xlsx_open(struct bb_reader *r)
{
	struct xlsx *x = bb_calloc(1, sizeof(*x));
	const char *p;
	int rc;

	r->st = x;
	x->r = r;
	bb_buf_init(&x->text, r->opts.max_cell);
	if ((rc = parse_part(x, "xl/workbook.xml", true, wb_start, no_end)) != BB_OK)
		return rc;
	if ((rc = parse_part(x, "xl/_rels/workbook.xml.rels", true, rels_start,
	    no_end)) != BB_OK)
		return rc;
	if ((rc = choose_sheet(x)) != BB_OK)
		return rc;
	p = rel_target_by_type(x, "/styles");
	if ((rc = parse_part(x, p ? p : "xl/styles.xml", false, styles_start,
	    styles_end)) != BB_OK)
		return rc;
	resolve_styles(x);
	p = rel_target_by_type(x, "/sharedStrings");
	if ((rc = load_strings(x, p ? p : "xl/sharedStrings.xml")) != BB_OK)
		return rc;

	if ((rc = bb_zip_open_member(r, x->sheet_part)) != BB_OK) {
		if (rc == BB_ERR_NOTFOUND) {
			bb_reader_error(r, 0, 0, "bad-xlsx", "sheet '%s' is missing "
			    "from the archive ('%s')", x->sheet_name, x->sheet_part);
			rc = BB_ERR_INPUT;
		}
		return rc;
	}
	x->part = x->sheet_part;
	new_parser(x, sheet_start, sheet_end, on_text);
	x->fed = x->last_event = 0;
	x->done = x->suspended = false;
	x->in_header = true;
	rc = next_row(x);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		bb_reader_error(r, 0, 0, "empty", "sheet '%s' is empty: no header "
		    "row", x->sheet_name);
		return BB_ERR_INPUT;
	}
	x->in_header = false;
	x->last_row = 0;
	skipped(x);
	bb_rowbuf_swap(&r->hdr, &r->row);
	bb_rowbuf_finish(&r->hdr, x->rownum, x->rownum);
	x->ncols = r->hdr.n;
	bb_reader_check_header(r);
	return BB_OK;
}

static int
xlsx_next(struct bb_reader *r)
{
	struct xlsx *x = r->st;
	int rc = next_row(x);

	if (rc <= 0) {
		if (rc == 0 && x->nwide > BB_XLSX_LIST_MAX)
			bb_reader_warn(r, 0, 0, "no-header", "sheet '%s': %zu more "
			    "rows with values in columns that have no header",
			    x->sheet_name, x->nwide - BB_XLSX_LIST_MAX);
		return rc;
	}
	skipped(x);
	if (r->row.n > x->ncols && ++x->nwide <= BB_XLSX_LIST_MAX) {
		char cn[16];
		col_name(x->ncols + 1, cn, sizeof(cn));
		bb_reader_warn(r, x->rownum, 0, "no-header",
		    "sheet '%s' row %llu has values past the last named column "
		    "(from column %s on): they have no header", x->sheet_name,
		    (unsigned long long)x->rownum, cn);
	}
	bb_rowbuf_pad(&r->row, x->ncols);
	bb_rowbuf_finish(&r->row, x->rownum, x->rownum);
	return 1;
}

static void
xlsx_close(struct bb_reader *r)
{
	struct xlsx *x = r->st;

	if (x == NULL)
		return;
	if (x->xp)
		XML_ParserFree(x->xp);
	for (size_t i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].rid);
	}
	for (size_t i = 0; i < x->nrels; i++) {
		free(x->rels[i].name);
		free(x->rels[i].rid);
		free(x->rels[i].target);
	}
	for (size_t i = 0; i < x->nfmts; i++)
		free(x->fmts[i].code);
	free(x->sheets);
	free(x->rels);
	free(x->fmts);
	free(x->xf_fmt);
	free(x->xf);
	free(x->sst);
	free(x->sst_off);
	bb_buf_free(&x->text);
	free(x);
	r->st = NULL;
}

const struct bb_format bb_format_xlsx = {
	.name = "xlsx",
	.open = xlsx_open,
	.next = xlsx_next,
	.close = xlsx_close,
};
