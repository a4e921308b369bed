/*
 * mapper.c: crosswalk and validation of one partner file, row by row.
 *
 * Built once per file (bb_mapper_new) into a plan: for each shared field of
 * the dataset, where its value comes from in the partner's file (a column,
 * a part of a split column, a join of columns, a constant), which code map,
 * date format and scale apply, and the compiled pattern.  Each row then costs
 * no allocation beyond the per-field scratch buffers, which are reused.
 */
#include "intake/mapper.h"
#include "framework/period.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/clock.h"
#include "util/hash.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum src_kind { SRC_NONE, SRC_COLUMN, SRC_SPLIT, SRC_JOIN, SRC_CONST };

struct src {
	enum src_kind kind;
	size_t col;			/* COLUMN, SPLIT: header index */
	size_t part;			/* SPLIT: which part */
	const struct bb_xw_split *split;
	const struct bb_xw_join *join;
	size_t *join_cols;		/* JOIN: header index per column, SIZE_MAX = absent */
	const char *constant;
	char *label;			/* the partner's column, for messages */
	const struct bb_xw_codemap *codemap;
	const char *date_format;
	double scale;
	bool has_scale;
	bool has_regex;
	regex_t regex;
	struct bb_pattern *pat;		/* the pattern, when simple (no regexec) */
	bool has_min_day, has_max_day;	/* date fields: the limits, parsed once */
	int32_t min_day, max_day;
};

/* A value after crosswalk and validation. */
struct val {
	bool present;		/* has a usable value */
	bool missing_code;	/* a missing-value code or placeholder */
	int64_t i;
	double d;
	int32_t day;
	bool b;
};

/* Uniqueness within a file: keyed 64-bit hashes (SipHash with a random
 * key, so values cannot be crafted to collide) with the first row seen. */
struct uniq {
	uint64_t *keys;		/* 0 = empty slot */
	uint64_t *rows;
	size_t cap, n;
	bool full;		/* at UNIQ_MEM_MAX: new keys go to the scratch set */
};

/* Values kept in memory per unique field (32 MiB of table); past that a
 * disk-backed set takes over, so memory does not grow with the file. */
#define UNIQ_MEM_MAX (1u << 20)

struct bb_mapper {
	const struct bb_framework *fw;
	const struct bb_dataset *ds;
	const struct bb_crosswalk *xw;
	size_t nfields;
	struct src *src;
	struct val *vals;
	struct bb_buf *text;		/* per field: the value's text */
	struct bb_buf scratch;
	size_t nheader;
	char **header;			/* copies of the header cells */
	char **key;			/* per field: "\"name\":" ready to append */
	size_t *keylen;
	struct uniq *uniq;		/* per field (only for unique fields) */
	unsigned char sipkey[crypto_shorthash_KEYBYTES];
	struct bb_scratch_set *spill;	/* opened when a field's table is full */
	size_t uniq_max;		/* UNIQ_MEM_MAX, or a test's smaller cap */
	bool encoded;			/* the partner sends encodings */
	size_t clk_col, blk_col;	/* encoded: "clk" and "blocks" (SIZE_MAX: none) */
};

/* --- small text helpers -------------------------------------------------- */

static void
trim(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n;
	while (len > 0 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
		p++;
		len--;
	}
	/* U+00A0 no-break space, common in spreadsheet exports. */
	while (len >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
		p += 2;
		len -= 2;
	}
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
	    p[len - 1] == '\r' || p[len - 1] == '\n'))
		len--;
	while (len >= 2 && (unsigned char)p[len - 2] == 0xC2 &&
	    (unsigned char)p[len - 1] == 0xA0)
		len -= 2;
	*s = p;
	*n = len;
}

static bool
header_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	trim(&a, &la);
	trim(&b, &lb);
	return la == lb && strncasecmp(a, b, la) == 0;
}

void
bb_json_string(struct bb_buf *b, const char *s, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t start = 0, i;

	/* Fast path: most values need no escaping. */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '"' || c == '\\')
			break;
	}
	bb_buf_addc(b, '"');
	if (i == n) {
		bb_buf_add(b, s, n);
		bb_buf_addc(b, '"');
		return;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		bb_buf_add(b, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': bb_buf_add(b, "\\\"", 2); break;
		case '\\': bb_buf_add(b, "\\\\", 2); break;
		case '\n': bb_buf_add(b, "\\n", 2); break;
		case '\r': bb_buf_add(b, "\\r", 2); break;
		case '\t': bb_buf_add(b, "\\t", 2); break;
		default: {
			char e[6] = { '\\', 'u', '0', '0', hx[c >> 4], hx[c & 15] };
			bb_buf_add(b, e, 6);
		}
		}
	}
	bb_buf_add(b, s + start, n - start);
	bb_buf_addc(b, '"');
}

/* Count UTF-8 code points. */
static size_t
utf8_len(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* --- dates ---------------------------------------------------------------- */

static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec" };

static int
take_digits(const char **s, int min, int max, int *out)
{
	int v = 0, n = 0;
	while (n < max && isdigit((unsigned char)**s)) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	if (n < min)
		return -1;
	*out = v;
	return 0;
}

/* Two-digit years: up to this year's two digits are 20YY, above are 19YY. */
static int
yy_pivot(void)
{
	static int pivot = -1;
	if (pivot < 0) {
		int y, mo, d;
		int32_t today;
		char iso[11];
		bb_clock_today(iso);
		if (bb_date_parse_iso(iso, &today)) {
			bb_date_to_ymd(today, &y, &mo, &d);
			pivot = y % 100;
		} else
			pivot = 30;
	}
	return pivot;
}

static const char *
find(const char *p, const char *end, const char *sep, size_t sl)
{
	for (; (size_t)(end - p) >= sl; p++)
		if (memcmp(p, sep, sl) == 0)
			return p;
	return NULL;
}

static bool
parse_iso_prefix(const char *s, int32_t *day)
{
	char ymd[11];
	size_t n = strlen(s);
	if (n < 10)
		return false;
	if (n > 10 && s[10] != 'T' && s[10] != ' ')
		return false;
	memcpy(ymd, s, 10);
	ymd[10] = '\0';
	return bb_date_parse_iso(ymd, day);
}

bool
bb_mapper_parse_date(const char *s, const char *format, int32_t *day)
{
	int y = -1, m = -1, d = -1;
	const char *f = format, *p = s;

	if (parse_iso_prefix(s, day))
		return true;
	if (format == NULL || strcmp(format, "iso") == 0)
		return false;
	if (strcmp(format, "excel") == 0) {
		double v;
		if (bb_parse_double(s, &v) != BB_OK || v < 1 || v > 2958465)
			return false;
		int serial = (int)floor(v);
		/* 1900 system: serial 1 is 1900-01-01; Excel's phantom
		 * 1900-02-29 (serial 60) is refused, later serials shift. */
		if (serial == 60)
			return false;
		int32_t base;
		bb_date_from_ymd(1899, 12, 31, &base);
		*day = base + serial - (serial > 60 ? 1 : 0);
		return true;
	}
	while (*f) {
		if (strncmp(f, "YYYY", 4) == 0) {
			if (take_digits(&p, 4, 4, &y))
				return false;
			f += 4;
		} else if (strncmp(f, "YY", 2) == 0) {
			if (take_digits(&p, 2, 2, &y))
				return false;
			y += y > yy_pivot() ? 1900 : 2000;
			f += 2;
		} else if (strncmp(f, "MMM", 3) == 0) {
			int k;
			for (k = 0; k < 12; k++)
				if (strncasecmp(p, months[k], 3) == 0)
					break;
			if (k == 12)
				return false;
			m = k + 1;
			p += 3;
			/* Accept the full month name too ("January"). */
			while (isalpha((unsigned char)*p))
				p++;
			f += 3;
		} else if (strncmp(f, "MM", 2) == 0) {
			if (take_digits(&p, 2, 2, &m))
				return false;
			f += 2;
		} else if (*f == 'M') {
			if (take_digits(&p, 1, 2, &m))
				return false;
			f += 1;
		} else if (strncmp(f, "DD", 2) == 0) {
			if (take_digits(&p, 2, 2, &d))
				return false;
			f += 2;
		} else if (*f == 'D') {
			if (take_digits(&p, 1, 2, &d))
				return false;
			f += 1;
		} else {
			if (*p != *f)
				return false;
			p++;
			f++;
		}
	}
	/* A trailing time ("03/04/2020 00:00:00") is allowed. */
	if (*p != '\0' && *p != ' ' && *p != 'T')
		return false;
	if (y < 0 || m < 0 || d < 0)
		return false;
	return bb_date_from_ymd(y, m, d, day);
}

/* --- building the plan ------------------------------------------------------ */

static size_t
find_header(const struct bb_mapper *m, const char *name)
{
	for (size_t i = 0; i < m->nheader; i++)
		if (header_eq(m->header[i], name))
			return i;
	return SIZE_MAX;
}

static void
uniq_free(struct uniq *u)
{
	if (u == NULL)
		return;
	free(u->keys);
	free(u->rows);
}

void
bb_mapper_free(struct bb_mapper *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nfields; i++) {
		free(m->src[i].label);
		free(m->src[i].join_cols);
		if (m->src[i].has_regex)
			regfree(&m->src[i].regex);
		bb_pattern_free(m->src[i].pat);
		bb_buf_free(&m->text[i]);
		if (m->uniq)
			uniq_free(&m->uniq[i]);
	}
	bb_strv_free(m->key, m->nfields);
	free(m->keylen);
	free(m->src);
	free(m->vals);
	free(m->text);
	free(m->uniq);
	bb_scratch_set_free(m->spill);
	bb_buf_free(&m->scratch);
	bb_strv_free(m->header, m->nheader);
	free(m);
}

static const char *
field_label(const struct bb_field *f)
{
	return f->label && *f->label ? f->label : f->name;
}

bool
bb_mapper_private_role(enum bb_identity_role r)
{
	switch (r) {
	case BB_ID_GIVEN_NAME:
	case BB_ID_FAMILY_NAME:
	case BB_ID_BIRTH_DATE:
	case BB_ID_ADDRESS:
	case BB_ID_PHONE:
	case BB_ID_EMAIL:
	case BB_ID_NATIONAL_ID:
		return true;
	default:
		return false;
	}
}

/* A column of the file that would fill private field f, or SIZE_MAX. */
static size_t
private_column(const struct bb_mapper *m, const struct bb_crosswalk *xw,
    const struct bb_field *f)
{
	size_t c;
	for (size_t k = 0; xw && k < xw->ncolumns; k++)
		if (strcmp(xw->columns[k].field, f->name) == 0 &&
		    (c = find_header(m, xw->columns[k].column)) != SIZE_MAX)
			return c;
	for (size_t k = 0; xw && k < xw->nsplits; k++)
		for (size_t j = 0; j < xw->splits[k].ninto; j++)
			if (strcmp(xw->splits[k].into[j], f->name) == 0 &&
			    (c = find_header(m, xw->splits[k].column)) != SIZE_MAX)
				return c;
	for (size_t k = 0; xw && k < xw->njoins; k++)
		if (strcmp(xw->joins[k].into, f->name) == 0)
			for (size_t j = 0; j < xw->joins[k].ncolumns; j++)
				if ((c = find_header(m, xw->joins[k].columns[j])) != SIZE_MAX)
					return c;
	if ((c = find_header(m, f->name)) != SIZE_MAX)
		return c;
	if (f->label && (c = find_header(m, f->label)) != SIZE_MAX)
		return c;
	return SIZE_MAX;
}

int
bb_mapper_new(const struct bb_framework *fw, const struct bb_dataset *ds,
    const struct bb_crosswalk *xw, const struct bb_row *header,
    struct bb_mapper **out, struct bb_problems *probs)
{
	return bb_mapper_new_for(fw, ds, NULL, xw, header, out, probs);
}

int
bb_mapper_new_for(const struct bb_framework *fw, const struct bb_dataset *ds,
    const struct bb_partner *partner, const struct bb_crosswalk *xw,
    const struct bb_row *header, struct bb_mapper **out,
    struct bb_problems *probs)
{
	struct bb_mapper *m = bb_calloc(1, sizeof(*m));
	bool *used;
	bool fatal = false;

	*out = NULL;
	m->fw = fw;
	m->ds = ds;
	m->xw = xw;
	m->nfields = ds->nfields;
	m->src = bb_calloc(ds->nfields, sizeof(*m->src));
	m->vals = bb_calloc(ds->nfields, sizeof(*m->vals));
	m->text = bb_calloc(ds->nfields, sizeof(*m->text));
	m->uniq = bb_calloc(ds->nfields, sizeof(*m->uniq));
	randombytes_buf(m->sipkey, sizeof(m->sipkey));
	m->uniq_max = UNIQ_MEM_MAX;
	{
		/* Tests make the spill happen on small files. */
		const char *e = getenv("BACKBONE_TEST_UNIQ_MEM_MAX");
		int64_t v;
		if (e && bb_parse_i64(e, &v) == BB_OK && v > 0 && v < UNIQ_MEM_MAX)
			m->uniq_max = (size_t)v;
	}
	bb_buf_init(&m->scratch, 64u << 20);
	m->nheader = header->ncells;
	m->header = bb_calloc(header->ncells + 1, sizeof(char *));
	for (size_t i = 0; i < header->ncells; i++)
		m->header[i] = bb_strdup(header->cells[i] ? header->cells[i] : "");
	m->key = bb_calloc(ds->nfields + 1, sizeof(char *));
	m->keylen = bb_calloc(ds->nfields + 1, sizeof(size_t));
	for (size_t i = 0; i < ds->nfields; i++) {
		struct bb_buf k;
		bb_buf_init(&m->text[i], 16u << 20);
		bb_buf_init(&k, BB_BUF_NOMAX);
		bb_json_string(&k, ds->fields[i].name, strlen(ds->fields[i].name));
		bb_buf_addc(&k, ':');
		m->keylen[i] = k.len;
		m->key[i] = bb_buf_take(&k);
	}
	used = bb_calloc(header->ncells + 1, sizeof(bool));
	m->encoded = partner != NULL && partner->sharing == BB_SHARE_ENCODINGS;
	m->clk_col = m->blk_col = SIZE_MAX;
	if (m->encoded) {
		size_t idc = find_header(m, "id");
		m->clk_col = find_header(m, "clk");
		m->blk_col = find_header(m, "blocks");
		if (m->clk_col == SIZE_MAX) {
			bb_problems_add(probs, BB_SEV_ERROR, 1, 1, NULL, NULL, NULL,
			    "encoding", "the file has no \"clk\" column: partner '%s' "
			    "shares identities only as encodings (sharing: encodings); "
			    "send the file 'backbone encode' writes", partner->id);
			fatal = true;
		} else
			used[m->clk_col] = true;
		if (m->blk_col != SIZE_MAX)
			used[m->blk_col] = true;
		/* The record id 'backbone encode' writes; kept when mapped. */
		if (idc != SIZE_MAX)
			used[idc] = true;
	}

	for (size_t fi = 0; fi < ds->nfields; fi++) {
		const struct bb_field *f = &ds->fields[fi];
		struct src *s = &m->src[fi];
		if (f->pattern && *f->pattern) {
			char *anch = bb_asprintf("^(%s)$", f->pattern);
			if (regcomp(&s->regex, anch, REG_EXTENDED | REG_NOSUB) == 0) {
				s->has_regex = true;
				s->pat = bb_pattern_simple(f->pattern);
			}
			free(anch);
		}
		s->has_min_day = f->min_date && bb_date_parse_iso(f->min_date,
		    &s->min_day);
		s->has_max_day = f->max_date && bb_date_parse_iso(f->max_date,
		    &s->max_day);
		if (m->encoded && bb_mapper_private_role(f->identity)) {
			/* Never in clear from this partner. */
			size_t c = private_column(m, xw, f);
			if (c != SIZE_MAX) {
				bb_problems_add(probs, BB_SEV_ERROR, 1, 1, m->header[c],
				    f->name, NULL, "privacy",
				    "column \"%s\" holds %s in clear, but partner '%s' "
				    "shares identities only as encodings (sharing: "
				    "encodings): run 'backbone encode' on the file and "
				    "send what it writes", m->header[c], f->name,
				    partner->id);
				used[c] = true;
				fatal = true;
			}
			continue;
		}
		if (xw == NULL) {
			size_t c = find_header(m, f->name);
			if (c == SIZE_MAX && f->label)
				c = find_header(m, f->label);
			if (c != SIZE_MAX) {
				s->kind = SRC_COLUMN;
				s->col = c;
				s->label = bb_strdup(m->header[c]);
				used[c] = true;
			}
			continue;
		}
		/* Crosswalk: a column, a split part, a join, or a constant. */
		for (size_t k = 0; k < xw->ncolumns && s->kind == SRC_NONE; k++) {
			if (strcmp(xw->columns[k].field, f->name) != 0)
				continue;
			size_t c = find_header(m, xw->columns[k].column);
			s->label = bb_strdup(xw->columns[k].column);
			if (c == SIZE_MAX) {
				bb_problems_add(probs, f->required ? BB_SEV_ERROR : BB_SEV_WARNING,
				    1, 1, xw->columns[k].column, f->name, NULL, "column-missing",
				    "the file has no column \"%s\" (the crosswalk maps it to %s)%s",
				    xw->columns[k].column, f->name,
				    f->required ? ", which every row needs" : "");
				if (f->required)
					fatal = true;
				s->kind = SRC_NONE;
				break;
			}
			s->kind = SRC_COLUMN;
			s->col = c;
			used[c] = true;
		}
		for (size_t k = 0; k < xw->nsplits && s->kind == SRC_NONE && !s->label; k++) {
			const struct bb_xw_split *sp = &xw->splits[k];
			for (size_t j = 0; j < sp->ninto; j++) {
				if (strcmp(sp->into[j], f->name) != 0)
					continue;
				size_t c = find_header(m, sp->column);
				s->label = bb_strdup(sp->column);
				if (c == SIZE_MAX) {
					bb_problems_add(probs, f->required ? BB_SEV_ERROR : BB_SEV_WARNING,
					    1, 1, sp->column, f->name, NULL, "column-missing",
					    "the file has no column \"%s\" (the crosswalk splits it into %s)",
					    sp->column, f->name);
					if (f->required)
						fatal = true;
					break;
				}
				s->kind = SRC_SPLIT;
				s->split = sp;
				s->col = c;
				s->part = j;
				used[c] = true;
				break;
			}
		}
		for (size_t k = 0; k < xw->njoins && s->kind == SRC_NONE && !s->label; k++) {
			const struct bb_xw_join *jn = &xw->joins[k];
			if (strcmp(jn->into, f->name) != 0)
				continue;
			struct bb_buf lb;
			bb_buf_init(&lb, BB_BUF_NOMAX);
			s->kind = SRC_JOIN;
			s->join = jn;
			s->join_cols = bb_calloc(jn->ncolumns + 1, sizeof(size_t));
			for (size_t j = 0; j < jn->ncolumns; j++) {
				size_t c = find_header(m, jn->columns[j]);
				s->join_cols[j] = c;
				if (c == SIZE_MAX)
					bb_problems_add(probs, BB_SEV_WARNING, 1, 1,
					    jn->columns[j], f->name, NULL, "column-missing",
					    "the file has no column \"%s\" (the crosswalk joins it into %s)",
					    jn->columns[j], f->name);
				else
					used[c] = true;
				bb_buf_printf(&lb, "%s%s", j ? " + " : "", jn->columns[j]);
			}
			s->label = bb_buf_take(&lb);
		}
		for (size_t k = 0; k < xw->nconstants && s->kind == SRC_NONE && !s->label; k++) {
			if (strcmp(xw->constants[k].field, f->name) != 0)
				continue;
			s->kind = SRC_CONST;
			s->constant = xw->constants[k].value;
			s->label = bb_strdup("(constant)");
		}
		for (size_t k = 0; k < xw->ncodes; k++)
			if (strcmp(xw->codes[k].field, f->name) == 0)
				s->codemap = &xw->codes[k];
		for (size_t k = 0; k < xw->ndates; k++)
			if (strcmp(xw->dates[k].field, f->name) == 0)
				s->date_format = xw->dates[k].format;
		for (size_t k = 0; k < xw->nscales; k++)
			if (strcmp(xw->scales[k].field, f->name) == 0) {
				s->scale = xw->scales[k].factor;
				s->has_scale = true;
			}
	}
	/* A required field nothing fills. */
	for (size_t fi = 0; fi < ds->nfields; fi++) {
		const struct bb_field *f = &ds->fields[fi];
		if (m->src[fi].kind != SRC_NONE || m->src[fi].label != NULL)
			continue;
		if (m->encoded && bb_mapper_private_role(f->identity))
			continue;
		if (f->required) {
			bb_problems_add(probs, BB_SEV_ERROR, 1, 1, NULL, f->name, NULL,
			    "column-missing",
			    xw ? "nothing in the file fills %s (%s), which every row needs"
			       : "the file has no column named %s (%s), which every row needs",
			    f->name, field_label(f));
			fatal = true;
		}
	}
	/* Columns nobody maps are ignored, and said so once. */
	for (size_t c = 0; c < header->ncells; c++) {
		if (used[c])
			continue;
		const char *h = m->header[c];
		if (*h == '\0')
			continue;
		bb_problems_add(probs, BB_SEV_WARNING, 1, 1, h, NULL, NULL, "column-ignored",
		    xw ? "column \"%s\" is not in the crosswalk for %s; its values are not kept"
		       : "column \"%s\" is not a field of %s; its values are not kept",
		    h, ds->id);
	}
	free(used);
	if (fatal) {
		bb_mapper_free(m);
		return BB_ERR_INPUT;
	}
	*out = m;
	return BB_OK;
}

/* --- simple patterns --------------------------------------------------------- */

struct pat_atom {
	unsigned char set[32];	/* bit c: byte c matches */
	unsigned min, max;
};

struct bb_pattern {
	size_t n;
	size_t fixed;		/* every count fixed: the text's length; else 0 */
	struct pat_atom atom[];
};

static void
set_add(struct pat_atom *a, unsigned char c)
{
	a->set[c >> 3] |= (unsigned char)(1u << (c & 7));
}

static bool
set_has(const struct pat_atom *a, unsigned char c)
{
	return (a->set[c >> 3] >> (c & 7)) & 1;
}

/* Literal outside brackets: characters ERE gives no meaning. */
static bool
plain_char(char c)
{
	return isalnum((unsigned char)c) || (c != '\0' && strchr(" _-:/@,#", c));
}

/* A range's ends: both digits, both capitals or both small letters. */
static int
range_kind(char c)
{
	return isdigit((unsigned char)c) ? 1 : isupper((unsigned char)c) ? 2 :
	    islower((unsigned char)c) ? 3 : 0;
}

/* One bracket expression at *p (past the '['); false when not simple. */
static bool
parse_bracket(const char **p, struct pat_atom *a)
{
	const char *q = *p;
	bool first = true;

	if (*q == '^' || *q == ']')
		return false;
	while (*q != ']') {
		char c = *q;
		if (c == '\0')
			return false;
		if (c == '-') {
			/* Literal only first or last. */
			if (!first && q[1] != ']')
				return false;
			set_add(a, '-');
			q++;
		} else if (range_kind(c) && q[1] == '-' && q[2] != ']' && q[2] != '\0') {
			char hi = q[2];
			if (range_kind(hi) != range_kind(c) || hi < c)
				return false;
			for (int x = c; x <= hi; x++)
				set_add(a, (unsigned char)x);
			q += 3;
		} else if (isalnum((unsigned char)c) || strchr(" _.+/:,@#", c)) {
			set_add(a, (unsigned char)c);
			q++;
		} else
			return false;
		first = false;
	}
	*p = q + 1;
	return true;
}

static bool
parse_count(const char **p, unsigned *out)
{
	unsigned v = 0;
	int n = 0;
	while (isdigit((unsigned char)**p) && n < 4) {
		v = v * 10 + (unsigned)(**p - '0');
		(*p)++;
		n++;
	}
	*out = v;
	return n > 0 && !isdigit((unsigned char)**p);
}

struct bb_pattern *
bb_pattern_simple(const char *pattern)
{
	size_t len = strlen(pattern);
	struct bb_pattern *pat;
	const char *p = pattern;

	if (len == 0 || len > 512)
		return NULL;
	pat = bb_calloc(1, sizeof(*pat) + len * sizeof(struct pat_atom));
	while (*p) {
		struct pat_atom *a = &pat->atom[pat->n++];
		if (*p == '[') {
			p++;
			if (!parse_bracket(&p, a))
				goto refuse;
		} else if (plain_char(*p))
			set_add(a, (unsigned char)*p++);
		else
			goto refuse;
		a->min = a->max = 1;
		if (*p == '?') {
			a->min = 0;
			p++;
		} else if (*p == '*') {
			a->min = 0;
			a->max = UINT_MAX;
			p++;
		} else if (*p == '+') {
			a->max = UINT_MAX;
			p++;
		} else if (*p == '{') {
			p++;
			if (!parse_count(&p, &a->min))
				goto refuse;
			if (*p == ',') {
				p++;
				if (*p == '}')
					a->max = UINT_MAX;
				else if (!parse_count(&p, &a->max) || a->max < a->min)
					goto refuse;
			} else
				a->max = a->min;
			if (*p++ != '}')
				goto refuse;
		}
		/* Counts one after another ("a{2}*"): left to regcomp. */
		if (*p == '?' || *p == '*' || *p == '+' || *p == '{')
			goto refuse;
	}
	for (size_t i = 0; i < pat->n && pat->atom[i].min == pat->atom[i].max; i++)
		if (i + 1 == pat->n)
			for (size_t k = 0; k < pat->n; k++)
				pat->fixed += pat->atom[k].min;
	return pat;
refuse:
	free(pat);
	return NULL;
}

int
bb_pattern_match(const struct bb_pattern *p, const char *s)
{
	/* Which positions of s the atoms so far can end at. */
	bool at[BB_PATTERN_MAX_TEXT + 1], next[BB_PATTERN_MAX_TEXT + 1];
	size_t n = strnlen(s, BB_PATTERN_MAX_TEXT + 1);

	if (n > BB_PATTERN_MAX_TEXT)
		return -1;
	if (p->fixed) {
		/* Each byte in its atom's set, the length exactly theirs. */
		size_t j = 0;
		if (n != p->fixed)
			return 0;
		for (size_t i = 0; i < p->n; i++)
			for (unsigned k = 0; k < p->atom[i].min; k++, j++)
				if (!set_has(&p->atom[i], (unsigned char)s[j]))
					return 0;
		return 1;
	}
	memset(at, 0, n + 1);
	at[0] = true;
	for (size_t i = 0; i < p->n; i++) {
		const struct pat_atom *a = &p->atom[i];
		bool any = false;
		memset(next, 0, n + 1);
		for (size_t from = 0; from <= n; from++) {
			if (!at[from])
				continue;
			for (size_t k = 0; from + k <= n && k <= a->max; k++) {
				if (k >= a->min) {
					next[from + k] = true;
					any = true;
				}
				if (from + k == n || !set_has(a, (unsigned char)s[from + k]))
					break;
			}
		}
		if (!any)
			return 0;
		memcpy(at, next, n + 1);
	}
	return at[n];
}

void
bb_pattern_free(struct bb_pattern *p)
{
	free(p);
}

/* --- per row --------------------------------------------------------------- */

static const char *
cell(const struct bb_row *row, size_t c, size_t *n)
{
	if (c >= row->ncells || row->cells[c] == NULL) {
		*n = 0;
		return NULL;
	}
	*n = row->lens[c];
	return row->cells[c];
}

/* Fill m->text[fi] with the raw (trimmed) value; false when absent/empty. */
static bool
extract(struct bb_mapper *m, size_t fi, const struct bb_row *row)
{
	struct src *s = &m->src[fi];
	struct bb_buf *t = &m->text[fi];
	const char *v;
	size_t n;

	bb_buf_reset(t);
	switch (s->kind) {
	case SRC_NONE:
		return false;
	case SRC_CONST:
		bb_buf_puts(t, s->constant);
		break;
	case SRC_COLUMN:
		v = cell(row, s->col, &n);
		if (v == NULL)
			return false;
		trim(&v, &n);
		if (bb_buf_add(t, v, n) != BB_OK)
			return false;
		break;
	case SRC_SPLIT: {
		const char *sep = s->split->separator && *s->split->separator ?
		    s->split->separator : " ";
		size_t sl = strlen(sep);
		v = cell(row, s->col, &n);
		if (v == NULL)
			return false;
		/* Part k: between the k-th and (k+1)-th separator; the last
		 * part takes the rest. */
		const char *p = v, *end = v + n;
		for (size_t k = 0; k < s->part; k++) {
			const char *q = find(p, end, sep, sl);
			if (q == NULL)
				return false;
			p = q + sl;
		}
		const char *q = s->part + 1 < s->split->ninto ?
		    find(p, end, sep, sl) : NULL;
		size_t len = q ? (size_t)(q - p) : (size_t)(end - p);
		trim(&p, &len);
		bb_buf_add(t, p, len);
		break;
	}
	case SRC_JOIN: {
		const char *sep = s->join->separator ? s->join->separator : " ";
		bool any = false;
		for (size_t j = 0; j < s->join->ncolumns; j++) {
			if (s->join_cols[j] == SIZE_MAX)
				continue;
			v = cell(row, s->join_cols[j], &n);
			if (v == NULL)
				continue;
			trim(&v, &n);
			if (n == 0)
				continue;
			if (any)
				bb_buf_puts(t, sep);
			bb_buf_add(t, v, n);
			any = true;
		}
		break;
	}
	}
	return t->len > 0;
}

static bool
is_missing(const struct bb_field *f, const char *v)
{
	return bb_fw_is_missing(f, v);
}

static const char *
code_lookup(const struct bb_code_list *cl, const char *v, bool *exact)
{
	*exact = false;
	if (cl == NULL)
		return NULL;
	for (size_t i = 0; i < cl->ncodes; i++)
		if (strcmp(cl->codes[i].code, v) == 0) {
			*exact = true;
			return cl->codes[i].code;
		}
	for (size_t i = 0; i < cl->ncodes; i++)
		if (strcasecmp(cl->codes[i].code, v) == 0 ||
		    (cl->codes[i].label && strcasecmp(cl->codes[i].label, v) == 0))
			return cl->codes[i].code;
	return NULL;
}

static void
allowed_codes(const struct bb_code_list *cl, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; cl && i < cl->ncodes && i < 12; i++) {
		int w = snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
		    cl->codes[i].code);
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
	if (cl && cl->ncodes > 12 && used + 6 < n)
		snprintf(buf + used, n - used, ", ...");
}

static bool
parse_bool(const char *v, bool *out)
{
	static const char *const t[] = { "true", "yes", "y", "1", "t", NULL };
	static const char *const f[] = { "false", "no", "n", "0", "f", NULL };
	for (int i = 0; t[i]; i++)
		if (strcasecmp(v, t[i]) == 0) {
			*out = true;
			return true;
		}
	for (int i = 0; f[i]; i++)
		if (strcasecmp(v, f[i]) == 0) {
			*out = false;
			return true;
		}
	return false;
}

/* Integers: plain digits, or a decimal with no fraction ("12.0" from a
 * spreadsheet). */
static bool
parse_int(const char *v, int64_t *out)
{
	double d;
	if (bb_parse_i64(v, out) == BB_OK)
		return true;
	if (bb_parse_double(v, &d) == BB_OK && d == floor(d) && fabs(d) < 9e15) {
		*out = (int64_t)d;
		return true;
	}
	return false;
}

/* Returns true (seen before) and the first row, or records it. */
static bool
uniq_seen(struct bb_mapper *m, size_t fi, const char *v, size_t n, uint64_t row,
    uint64_t *first)
{
	struct uniq *u = &m->uniq[fi];
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t key;

	crypto_shorthash(h, (const unsigned char *)v, n, m->sipkey);
	memcpy(&key, h, sizeof(key));
	if (key == 0)
		key = 1;
	if (!u->full && u->n * 2 >= u->cap) {
		size_t nc = u->cap ? u->cap * 2 : 1024;
		uint64_t *nk = bb_calloc(nc, sizeof(uint64_t));
		uint64_t *nr = bb_calloc(nc, sizeof(uint64_t));
		for (size_t i = 0; i < u->cap; i++) {
			if (u->keys[i] == 0)
				continue;
			size_t j = (size_t)(u->keys[i] & (nc - 1));
			while (nk[j] != 0)
				j = (j + 1) & (nc - 1);
			nk[j] = u->keys[i];
			nr[j] = u->rows[i];
		}
		free(u->keys);
		free(u->rows);
		u->keys = nk;
		u->rows = nr;
		u->cap = nc;
	}
	size_t j = (size_t)(key & (u->cap - 1));
	while (u->keys[j] != 0) {
		if (u->keys[j] == key) {
			*first = u->rows[j];
			return true;
		}
		j = (j + 1) & (u->cap - 1);
	}
	if (u->n < m->uniq_max) {
		u->keys[j] = key;
		u->rows[j] = row;
		u->n++;
		return false;
	}
	/* Past the memory cap: the disk-backed set, keyed by field too. */
	u->full = true;
	if (m->spill == NULL && bb_scratch_set_open(&m->spill) != BB_OK)
		return false;	/* no temp space: the check stops here */
	bool existed = false;
	uint64_t old = 0;
	key ^= (uint64_t)(fi + 1) * 0x9E3779B97F4A7C15ULL;
	if (bb_scratch_set_put(m->spill, key, row, &existed, &old) != BB_OK)
		return false;
	if (existed)
		*first = old;
	return existed;
}

static void
fmt_num(double v, char *buf, size_t n)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "%.15g", v);
}

/* A value the crosswalk's scale takes past what a number holds. */
static void
too_large(struct bb_problems *probs, const struct bb_row *row, const char *col,
    const struct bb_field *f, const char *tv, double scale)
{
	char sc[64];

	fmt_num(scale, sc, sizeof(sc));
	bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, col, f->name, tv,
	    "range", "\"%s\" scaled by %s is too large a number", tv, sc);
}

/* Append a 64-bit integer in decimal. */
static void
put_int(struct bb_buf *b, int64_t v)
{
	char tmp[24];
	int i = 23;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	tmp[i] = '\0';
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	bb_buf_add(b, tmp + i, (size_t)(23 - i));
}

/* Append v with at most six decimal places, trailing zeros dropped; by
 * hand for the common range, printf beyond it. */
static void
put_fixed6(struct bb_buf *b, double v)
{
	char tmp[48];
	if (!(fabs(v) < 9e12)) {
		fmt_num(v, tmp, sizeof(tmp));
		bb_buf_puts(b, tmp);
		return;
	}
	int64_t r = llround(v * 1e6);
	uint64_t u = r < 0 ? (uint64_t)0 - (uint64_t)r : (uint64_t)r;
	uint64_t ip = u / 1000000, fp = u % 1000000;
	int i = 47, digits = 6;
	tmp[i] = '\0';
	while (digits > 0 && fp % 10 == 0 && fp != 0) {
		fp /= 10;
		digits--;
	}
	if (fp != 0) {
		for (int k = 0; k < digits; k++) {
			tmp[--i] = (char)('0' + fp % 10);
			fp /= 10;
		}
		tmp[--i] = '.';
	}
	do {
		tmp[--i] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip);
	if (r < 0)
		tmp[--i] = '-';
	bb_buf_add(b, tmp + i, (size_t)(47 - i));
}

/* Is s a number as JSON writes them (-?digits[.digits][e[+-]digits], no
 * leading zeros)?  Then it is kept as the partner wrote it. */
static bool
json_number(const char *s)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return false;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}


/* Typed comparison of a rule's sides: <0, 0, >0; false when incomparable. */
static bool
compare_sides(const struct bb_field *f, const struct val *a, const char *ta,
    const struct val *b, const char *tb, int *cmp)
{
	switch (f->type) {
	case BB_FT_INTEGER:
	case BB_FT_DECIMAL: {
		double x = f->type == BB_FT_INTEGER ? (double)a->i : a->d;
		double y = f->type == BB_FT_INTEGER ? (double)b->i : b->d;
		*cmp = x < y ? -1 : x > y ? 1 : 0;
		return true;
	}
	case BB_FT_DATE:
		*cmp = a->day < b->day ? -1 : a->day > b->day ? 1 : 0;
		return true;
	case BB_FT_BOOLEAN:
		*cmp = (int)a->b - (int)b->b;
		return true;
	default:
		*cmp = strcmp(ta, tb);
		return true;
	}
}

/* Parse a literal of a rule as the type of field f. */
static bool
literal_val(const struct bb_field *f, const char *lit, struct val *v)
{
	memset(v, 0, sizeof(*v));
	v->present = true;
	switch (f->type) {
	case BB_FT_INTEGER:
		return parse_int(lit, &v->i);
	case BB_FT_DECIMAL:
		return bb_parse_double(lit, &v->d) == BB_OK;
	case BB_FT_DATE:
		return bb_date_parse_iso(lit, &v->day);
	case BB_FT_BOOLEAN:
		return parse_bool(lit, &v->b);
	default:
		return true;
	}
}

static size_t
field_index(const struct bb_dataset *ds, const char *name)
{
	for (size_t i = 0; i < ds->nfields; i++)
		if (strcmp(ds->fields[i].name, name) == 0)
			return i;
	return SIZE_MAX;
}

static void
apply_rules(struct bb_mapper *m, const struct bb_row *row, struct bb_problems *probs,
    bool *ok)
{
	const struct bb_dataset *ds = m->ds;

	for (size_t r = 0; r < ds->nrules; r++) {
		const struct bb_rule *rule = &ds->rules[r];
		size_t li = field_index(ds, rule->left);
		size_t ri = rule->right_is_literal ? SIZE_MAX : field_index(ds, rule->right);
		enum bb_severity sev = rule->warning ? BB_SEV_WARNING : BB_SEV_ERROR;
		const char *msg = rule->message && *rule->message ? rule->message : rule->text;
		if (li == SIZE_MAX)
			continue;
		const struct val *a = &m->vals[li];
		if (rule->op == BB_OP_REQUIRES) {
			if (ri == SIZE_MAX || !a->present)
				continue;
			if (!m->vals[ri].present && !m->vals[ri].missing_code) {
				bb_problems_add(probs, sev, row->row, row->line,
				    m->src[ri].label, rule->right, NULL,
				    rule->id ? rule->id : "rule", "%s (%s is given, %s is empty)",
				    msg, rule->left, rule->right);
				if (sev == BB_SEV_ERROR)
					*ok = false;
			}
			continue;
		}
		struct val lit;
		const struct val *b;
		const char *tb;
		if (rule->right_is_literal) {
			if (!literal_val(&ds->fields[li], rule->right, &lit))
				continue;
			b = &lit;
			tb = rule->right;
		} else {
			if (ri == SIZE_MAX)
				continue;
			b = &m->vals[ri];
			tb = bb_buf_str(&m->text[ri]);
		}
		if (!a->present || !b->present)
			continue;
		int c;
		if (!compare_sides(&ds->fields[li], a, bb_buf_str(&m->text[li]), b, tb, &c))
			continue;
		bool holds;
		switch (rule->op) {
		case BB_OP_EQ: holds = c == 0; break;
		case BB_OP_NE: holds = c != 0; break;
		case BB_OP_LT: holds = c < 0; break;
		case BB_OP_LE: holds = c <= 0; break;
		case BB_OP_GT: holds = c > 0; break;
		case BB_OP_GE: holds = c >= 0; break;
		default: holds = true; break;
		}
		if (holds)
			continue;
		if (rule->right_is_literal)
			bb_problems_add(probs, sev, row->row, row->line, m->src[li].label,
			    rule->left, bb_buf_str(&m->text[li]), rule->id ? rule->id : "rule",
			    "%s (%s is %s)", msg, rule->left, bb_buf_str(&m->text[li]));
		else
			bb_problems_add(probs, sev, row->row, row->line, m->src[li].label,
			    rule->left, bb_buf_str(&m->text[li]), rule->id ? rule->id : "rule",
			    "%s (%s is %s, %s is %s)", msg, rule->left,
			    bb_buf_str(&m->text[li]), rule->right, tb);
		if (sev == BB_SEV_ERROR)
			*ok = false;
	}
}

/* Keyed blocking keys as 'backbone encode' writes them: four words of 16
 * lowercase hex digits or "-", separated by one space. */
static bool
blocks_ok(const char *v, size_t n)
{
	size_t i = 0;
	for (int w = 0; w < 4; w++) {
		if (w) {
			if (i >= n || v[i] != ' ')
				return false;
			i++;
		}
		if (i < n && v[i] == '-') {
			i++;
			continue;
		}
		for (int k = 0; k < 16; k++, i++)
			if (i >= n || !((v[i] >= '0' && v[i] <= '9') ||
			    (v[i] >= 'a' && v[i] <= 'f')))
				return false;
	}
	return i == n;
}

/* An encoded partner's row: its "clk" must be the base64 of a 1024-bit
 * filter, its "blocks" (when given) keyed blocking keys. */
static void
check_encoding(struct bb_mapper *m, const struct bb_row *row,
    struct bb_problems *probs, bool *ok)
{
	unsigned char bin[128];
	size_t n, len = 0;
	const char *v = cell(row, m->clk_col, &n), *end = NULL;

	if (v)
		trim(&v, &n);
	if (v == NULL || n == 0) {
		bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, "clk", NULL,
		    "", "required", "clk is empty; every row of an encoded file needs "
		    "its encoding");
		*ok = false;
	} else if (n != 172 || sodium_base642bin(bin, sizeof(bin), v, n, NULL, &len,
	    &end, sodium_base64_VARIANT_ORIGINAL) != 0 || len != sizeof(bin) ||
	    end != v + n) {
		bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, "clk", NULL,
		    NULL, "encoding", "clk is not an encoding written by 'backbone "
		    "encode' (the base64 of 128 bytes)");
		*ok = false;
	}
	v = cell(row, m->blk_col, &n);
	if (v != NULL) {
		trim(&v, &n);
		if (n > 0 && !blocks_ok(v, n)) {
			bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, "blocks",
			    NULL, NULL, "encoding", "blocks are not the blocking keys "
			    "'backbone encode' writes (four words of 16 hex digits or -)");
			*ok = false;
		}
	}
}

int
bb_mapper_row(struct bb_mapper *m, const struct bb_row *row, struct bb_buf *json,
    struct bb_problems *probs, bool *ok)
{
	const struct bb_dataset *ds = m->ds;
	bool any_missing = false;
	char num[64];

	*ok = true;
	for (size_t fi = 0; fi < ds->nfields; fi++) {
		const struct bb_field *f = &ds->fields[fi];
		struct src *s = &m->src[fi];
		struct val *v = &m->vals[fi];
		struct bb_buf *t = &m->text[fi];
		const char *col = s->label;

		memset(v, 0, sizeof(*v));
		if (!extract(m, fi, row)) {
			if (f->required && (s->kind != SRC_NONE)) {
				bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, col,
				    f->name, "", "required",
				    "%s is empty; every row needs %s", col ? col : f->name,
				    field_label(f));
				*ok = false;
			}
			bb_buf_reset(t);
			continue;
		}
		/* The partner's code to the shared one. */
		if (s->codemap != NULL) {
			const char *raw = bb_buf_str(t);
			const char *to = NULL;
			for (size_t k = 0; k < s->codemap->npairs && !to; k++)
				if (strcmp(s->codemap->pairs[k].from, raw) == 0)
					to = s->codemap->pairs[k].to;
			for (size_t k = 0; k < s->codemap->npairs && !to; k++)
				if (strcasecmp(s->codemap->pairs[k].from, raw) == 0)
					to = s->codemap->pairs[k].to;
			if (to != NULL) {
				bb_buf_reset(&m->scratch);
				bb_buf_puts(&m->scratch, to);
				bb_buf_reset(t);
				bb_buf_add(t, m->scratch.data, m->scratch.len);
			}
			if (t->len == 0)
				continue;
		}
		const char *tv = bb_buf_str(t);
		if (is_missing(f, tv)) {
			v->missing_code = true;
			any_missing = true;
			continue;
		}
		switch (f->type) {
		case BB_FT_TEXT:
			if (f->max_length > 0 && utf8_len(tv, t->len) > (size_t)f->max_length) {
				bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, col,
				    f->name, tv, "length",
				    "%s is longer than %lld characters", col,
				    (long long)f->max_length);
				*ok = false;
				continue;
			}
			break;
		case BB_FT_INTEGER:
			if (!parse_int(tv, &v->i)) {
				bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, col,
				    f->name, tv, "type", "\"%s\" is not a whole number", tv);
				*ok = false;
				continue;
			}
			if (s->has_scale) {
				double p = (double)v->i * s->scale;
				if (!(fabs(p) < 9.2e18)) {
					too_large(probs, row, col, f, tv, s->scale);
					*ok = false;
					continue;
				}
				v->i = (int64_t)llround(p);
				bb_buf_reset(t);
				put_int(t, v->i);
			}
			v->d = (double)v->i;
			break;
		case BB_FT_DECIMAL:
			if (bb_parse_double(tv, &v->d) != BB_OK) {
				bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, col,
				    f->name, tv, "type", "\"%s\" is not a number", tv);
				*ok = false;
				continue;
			}
			if (s->has_scale) {
				/* A scaled measure keeps six decimal places
				 * (minutes to hours: 79.566667); past 9e12 a
				 * double has none to keep. */
				double p = v->d * s->scale;
				if (!isfinite(p)) {
					too_large(probs, row, col, f, tv, s->scale);
					*ok = false;
					continue;
				}
				v->d = fabs(p) < 9e12 ? round(p * 1e6) / 1e6 : p;
				bb_buf_reset(t);
				put_fixed6(t, v->d);
			} else if (!json_number(tv)) {
				fmt_num(v->d, num, sizeof(num));
				bb_buf_reset(t);
				bb_buf_puts(t, num);
			}
			break;
		case BB_FT_DATE:
			if (!bb_mapper_parse_date(tv, s->date_format, &v->day)) {
				bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, col,
				    f->name, tv, "date",
				    "\"%s\" is not a real date written as %s", tv,
				    s->date_format && strcmp(s->date_format, "iso") != 0 ?
				    s->date_format : "YYYY-MM-DD");
				*ok = false;
				continue;
			}
			{
				char iso[11];
				bb_date_format(v->day, iso);
				bb_buf_reset(t);
				bb_buf_puts(t, iso);
				/* A placeholder date written in the partner's
				 * format (01.01.1900) is missing too. */
				if (is_missing(f, iso)) {
					v->missing_code = true;
					any_missing = true;
					continue;
				}
			}
			break;
		case BB_FT_BOOLEAN:
			if (!parse_bool(tv, &v->b)) {
				bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, col,
				    f->name, tv, "type",
				    "\"%s\" is not a yes/no value (expected true/false, yes/no or 1/0)", tv);
				*ok = false;
				continue;
			}
			break;
		case BB_FT_CODE: {
			bool exact;
			const char *code = code_lookup(f->codes, tv, &exact);
			if (code == NULL) {
				char allowed[256];
				allowed_codes(f->codes, allowed, sizeof(allowed));
				bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, col,
				    f->name, tv, "code",
				    "\"%s\" is not one of the codes for %s (allowed: %s)", tv,
				    field_label(f), allowed);
				*ok = false;
				continue;
			}
			if (!exact) {
				bb_buf_reset(t);
				bb_buf_puts(t, code);
			}
			break;
		}
		}
		tv = bb_buf_str(t);
		/* Range. */
		if (f->type == BB_FT_INTEGER || f->type == BB_FT_DECIMAL) {
			if ((f->has_min && v->d < f->min) || (f->has_max && v->d > f->max)) {
				char lo[64] = "", hi[64] = "";
				if (f->has_min)
					fmt_num(f->min, lo, sizeof(lo));
				if (f->has_max)
					fmt_num(f->max, hi, sizeof(hi));
				bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, col,
				    f->name, tv, "range",
				    "%s is outside the allowed range (%s to %s)", tv,
				    f->has_min ? lo : "any", f->has_max ? hi : "any");
				*ok = false;
				continue;
			}
		} else if (f->type == BB_FT_DATE) {
			if ((s->has_min_day && v->day < s->min_day) ||
			    (s->has_max_day && v->day > s->max_day)) {
				bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, col,
				    f->name, tv, "range",
				    "%s is outside the allowed dates (%s to %s)", tv,
				    f->min_date ? f->min_date : "any",
				    f->max_date ? f->max_date : "any");
				*ok = false;
				continue;
			}
		}
		int fits = s->pat ? bb_pattern_match(s->pat, tv) : -1;
		if (s->has_regex && (fits == 0 ||
		    (fits < 0 && regexec(&s->regex, tv, 0, NULL, 0) != 0))) {
			bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, col, f->name,
			    tv, "pattern", "\"%s\" does not have the expected form (%s)", tv,
			    f->pattern);
			*ok = false;
			continue;
		}
		if (f->unique) {
			uint64_t first;
			if (uniq_seen(m, fi, tv, t->len, row->row, &first)) {
				bb_problems_add(probs, BB_SEV_ERROR, row->row, row->line, col,
				    f->name, tv, "unique",
				    "\"%s\" appears more than once in this file (first on row %llu)",
				    tv, (unsigned long long)first);
				*ok = false;
				continue;
			}
		}
		v->present = true;
	}
	apply_rules(m, row, probs, ok);
	if (m->encoded)
		check_encoding(m, row, probs, ok);
	if (!*ok)
		return BB_OK;

	/* The canonical record. */
	bb_buf_reset(json);
	bb_buf_addc(json, '{');
	bool first = true;
	for (size_t fi = 0; fi < ds->nfields; fi++) {
		const struct bb_field *f = &ds->fields[fi];
		const struct val *v = &m->vals[fi];
		if (!v->present)
			continue;
		if (!first)
			bb_buf_addc(json, ',');
		first = false;
		bb_buf_add(json, m->key[fi], m->keylen[fi]);
		switch (f->type) {
		case BB_FT_INTEGER:
			put_int(json, v->i);
			break;
		case BB_FT_DECIMAL:
			/* The text is already a canonical JSON number. */
			bb_buf_add(json, m->text[fi].data, m->text[fi].len);
			break;
		case BB_FT_BOOLEAN:
			bb_buf_puts(json, v->b ? "true" : "false");
			break;
		default:
			bb_json_string(json, m->text[fi].data, m->text[fi].len);
		}
	}
	if (m->encoded) {
		size_t n;
		const char *v = cell(row, m->clk_col, &n);
		trim(&v, &n);
		if (!first)
			bb_buf_putc(json, ',');
		first = false;
		bb_buf_puts(json, "\"_clk\":");
		bb_json_string(json, v, n);
		v = cell(row, m->blk_col, &n);
		if (v != NULL) {
			trim(&v, &n);
			if (n > 0) {
				bb_buf_puts(json, ",\"_blocks\":");
				bb_json_string(json, v, n);
			}
		}
	}
	if (any_missing) {
		bool f1 = true;
		if (!first)
			bb_buf_addc(json, ',');
		bb_buf_puts(json, "\"_missing\":{");
		for (size_t fi = 0; fi < ds->nfields; fi++) {
			if (!m->vals[fi].missing_code)
				continue;
			if (!f1)
				bb_buf_addc(json, ',');
			f1 = false;
			bb_buf_add(json, m->key[fi], m->keylen[fi]);
			bb_json_string(json, m->text[fi].data, m->text[fi].len);
		}
		bb_buf_addc(json, '}');
	}
	bb_buf_addc(json, '}');
	return BB_OK;
}

void
bb_mapper_raw_json(const struct bb_mapper *m, const struct bb_row *row,
    struct bb_buf *json)
{
	bb_buf_reset(json);
	bb_buf_addc(json, '{');
	for (size_t c = 0; c < row->ncells && c < m->nheader; c++) {
		if (c)
			bb_buf_addc(json, ',');
		bb_json_string(json, m->header[c], strlen(m->header[c]));
		bb_buf_addc(json, ':');
		if (row->cells[c] == NULL)
			bb_buf_puts(json, "null");
		else
			bb_json_string(json, row->cells[c], row->lens[c]);
	}
	bb_buf_addc(json, '}');
}
