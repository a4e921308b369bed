/*
 * parse.c: the lexer and the recursive-descent parser of indicator
 * expressions (measure/expr.h, grammar in docs/indicators.md).
 *
 * Conditions and values share one precedence-climbing parser (or < and <
 * not < comparisons < + - < * / < unary minus); whether a piece is a
 * condition or a value is decided by the checker, which can then say so
 * with the right place.  Every syntax error stops the parse with one
 * message and the byte offset where it was found.
 */
#include "measure/expr.h"
#include "store/plan.h"
#include "util/bb.h"
#include "util/buf.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tok {
	T_EOF = 0, T_IDENT, T_NUM, T_STR, T_LP, T_RP, T_LB, T_RB, T_COMMA, T_DOT,
	T_PLUS, T_MINUS, T_STAR, T_SLASH, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
};

struct lexer {
	const char *s;
	size_t len, pos;
	/* the current token */
	enum tok t;
	size_t off, tlen;
	double num;
	struct bb_buf str;
	/* failure */
	char *msg;
	size_t err_off;
	int depth;
};

static void
fail(struct lexer *lx, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct lexer *lx, size_t off, const char *fmt, ...)
{
	va_list ap;
	struct bb_buf b;

	if (lx->msg != NULL)
		return;
	bb_buf_init(&b, 4096);
	va_start(ap, fmt);
	bb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	lx->msg = bb_buf_take(&b);
	if (lx->msg == NULL)
		lx->msg = bb_strdup("syntax error");
	lx->err_off = off;
	/* No token stands after a failure: the parser unwinds on EOF. */
	lx->t = T_EOF;
	lx->tlen = 0;
}

/* How a token reads in a message: 'where', "K", 42, end of expression. */
static void
describe(struct lexer *lx, char *out, size_t outsz)
{
	if (lx->t == T_EOF)
		snprintf(out, outsz, "the end of the expression");
	else if (lx->t == T_STR)
		snprintf(out, outsz, "the text \"%.*s\"", (int)(lx->tlen - 2 > 40 ? 40 :
		    lx->tlen - 2), lx->s + lx->off + 1);
	else
		snprintf(out, outsz, "'%.*s'", (int)(lx->tlen > 40 ? 40 : lx->tlen),
		    lx->s + lx->off);
}

static bool
ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static bool
ident_char(int c)
{
	return isalnum(c) || c == '_';
}

static void
next(struct lexer *lx)
{
	const char *s = lx->s;
	size_t p = lx->pos;
	int c;

	if (lx->msg)
		return;
	while (p < lx->len && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r'))
		p++;
	lx->off = p;
	if (p >= lx->len) {
		lx->t = T_EOF;
		lx->tlen = 0;
		lx->pos = p;
		return;
	}
	c = (unsigned char)s[p];
	if (ident_start(c)) {
		while (p < lx->len && ident_char((unsigned char)s[p]))
			p++;
		lx->t = T_IDENT;
	} else if (isdigit(c) || (c == '.' && p + 1 < lx->len && isdigit((unsigned char)s[p + 1]))) {
		char buf[64];
		char *end;
		size_t q = p;
		while (q < lx->len && (isalnum((unsigned char)s[q]) || s[q] == '.' || s[q] == '_'))
			q++;
		if (q - p >= sizeof(buf)) {
			fail(lx, p, "number too long");
			return;
		}
		memcpy(buf, s + p, q - p);
		buf[q - p] = '\0';
		/* Plain decimals only: no hex, exponents, or letters. */
		bool ok = true;
		int dots = 0;
		for (size_t i = 0; buf[i]; i++) {
			if (buf[i] == '.')
				dots++;
			else if (!isdigit((unsigned char)buf[i]))
				ok = false;
		}
		lx->num = strtod(buf, &end);
		if (!ok || dots > 1 || *end != '\0' || !isfinite(lx->num)) {
			/* "2026-01-01" unquoted lexes as 2026 - 01 - 01; catch
			 * the common "90days" here. */
			fail(lx, p, "malformed number '%s'", buf);
			return;
		}
		p = q;
		lx->t = T_NUM;
	} else if (c == '"' || c == '\'') {
		int quote = c;
		size_t start = p++;
		bb_buf_reset(&lx->str);
		for (;;) {
			if (p >= lx->len) {
				fail(lx, start, "unterminated text: %c opened here is never closed",
				    quote);
				return;
			}
			if ((unsigned char)s[p] == quote) {
				p++;
				break;
			}
			if (s[p] == '\\' && p + 1 < lx->len &&
			    ((unsigned char)s[p + 1] == quote || s[p + 1] == '\\'))
				p++;
			else if ((unsigned char)s[p] < 0x20) {
				fail(lx, p, "a control character inside text");
				return;
			}
			if (bb_buf_putc(&lx->str, s[p]) != BB_OK) {
				fail(lx, start, "text longer than 4096 bytes");
				return;
			}
			p++;
		}
		lx->t = T_STR;
	} else {
		p++;
		switch (c) {
		case '(': lx->t = T_LP; break;
		case ')': lx->t = T_RP; break;
		case '[': lx->t = T_LB; break;
		case ']': lx->t = T_RB; break;
		case ',': lx->t = T_COMMA; break;
		case '.': lx->t = T_DOT; break;
		case '+': lx->t = T_PLUS; break;
		case '-': lx->t = T_MINUS; break;
		case '*': lx->t = T_STAR; break;
		case '/': lx->t = T_SLASH; break;
		case '=':
			lx->t = T_EQ;
			if (p < lx->len && s[p] == '=')
				p++;
			break;
		case '!':
			if (p < lx->len && s[p] == '=') {
				p++;
				lx->t = T_NE;
				break;
			}
			fail(lx, p - 1, "unexpected character '!' (write 'not', or '!=')");
			return;
		case '<':
			lx->t = T_LT;
			if (p < lx->len && s[p] == '=') {
				p++;
				lx->t = T_LE;
			} else if (p < lx->len && s[p] == '>') {
				p++;
				lx->t = T_NE;
			}
			break;
		case '>':
			lx->t = T_GT;
			if (p < lx->len && s[p] == '=') {
				p++;
				lx->t = T_GE;
			}
			break;
		default:
			if (c >= 0x21 && c < 0x7f)
				fail(lx, p - 1, "unexpected character '%c'", c);
			else
				fail(lx, p - 1, "unexpected byte 0x%02x", (unsigned)c);
			return;
		}
	}
	lx->tlen = p - lx->off;
	lx->pos = p;
}

static bool
is_word(const struct lexer *lx, const char *w)
{
	size_t n = strlen(w);
	return lx->t == T_IDENT && lx->tlen == n && strncasecmp(lx->s + lx->off, w, n) == 0;
}

static bool
accept_word(struct lexer *lx, const char *w)
{
	if (!is_word(lx, w))
		return false;
	next(lx);
	return true;
}

static bool
accept(struct lexer *lx, enum tok t)
{
	if (lx->t != t)
		return false;
	next(lx);
	return true;
}

static bool
expect(struct lexer *lx, enum tok t, const char *what)
{
	char d[64];
	if (lx->msg)
		return false;
	if (lx->t == t) {
		next(lx);
		return true;
	}
	describe(lx, d, sizeof(d));
	fail(lx, lx->off, "expected %s, found %s", what, d);
	return false;
}

static const char *const reserved[] = {
	"and", "or", "not", "in", "is", "null", "between", "within", "period",
	"true", "false", "from", "where", "all", "with", "distinct",
};

static bool
is_reserved(const struct lexer *lx)
{
	for (size_t i = 0; i < BB_ARRAY_LEN(reserved); i++)
		if (is_word(lx, reserved[i]))
			return true;
	return false;
}

static char *
tokdup(const struct lexer *lx)
{
	return bb_strndup(lx->s + lx->off, lx->tlen);
}

static struct bb_ex *
node(enum bb_ex_kind k, size_t off)
{
	struct bb_ex *e = bb_calloc(1, sizeof(*e));
	e->kind = k;
	e->off = off;
	return e;
}

static void
add_kid(struct bb_ex *e, struct bb_ex *k)
{
	e->kids = bb_realloc(e->kids, (e->nkids + 1) * sizeof(*e->kids));
	e->kids[e->nkids++] = k;
}

void
bb_ex_free(struct bb_ex *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->nkids; i++)
		bb_ex_free(e->kids[i]);
	free(e->kids);
	free(e->str);
	free(e);
}

static struct bb_ex *expr(struct lexer *lx, int minprec);

static bool
unit_of(const struct lexer *lx, enum bb_ex_unit *u)
{
	static const struct { const char *w; enum bb_ex_unit u; } units[] = {
		{ "day", BB_UNIT_DAYS }, { "days", BB_UNIT_DAYS },
		{ "week", BB_UNIT_WEEKS }, { "weeks", BB_UNIT_WEEKS },
		{ "month", BB_UNIT_MONTHS }, { "months", BB_UNIT_MONTHS },
		{ "year", BB_UNIT_YEARS }, { "years", BB_UNIT_YEARS },
	};
	for (size_t i = 0; i < BB_ARRAY_LEN(units); i++)
		if (is_word(lx, units[i].w)) {
			*u = units[i].u;
			return true;
		}
	return false;
}

/* A literal of an `in` list: text, a number (maybe negative), true, false. */
static struct bb_ex *
literal(struct lexer *lx)
{
	struct bb_ex *e;
	size_t off = lx->off;
	char d[64];

	if (lx->t == T_STR) {
		e = node(BB_EX_STR, off);
		e->str = bb_strndup(lx->str.data ? lx->str.data : "", lx->str.len);
		next(lx);
		return e;
	}
	if (lx->t == T_NUM || lx->t == T_MINUS) {
		bool neg = accept(lx, T_MINUS);
		if (lx->t != T_NUM) {
			describe(lx, d, sizeof(d));
			fail(lx, lx->off, "expected a number after '-', found %s", d);
			return NULL;
		}
		e = node(BB_EX_NUM, off);
		e->num = neg ? -lx->num : lx->num;
		next(lx);
		return e;
	}
	if (is_word(lx, "true") || is_word(lx, "false")) {
		e = node(BB_EX_BOOL, off);
		e->num = is_word(lx, "true");
		next(lx);
		return e;
	}
	describe(lx, d, sizeof(d));
	fail(lx, off, "an 'in' list holds literal values (\"text\", numbers, true, "
	    "false); found %s", d);
	return NULL;
}

static struct bb_ex *
primary(struct lexer *lx)
{
	struct bb_ex *e;
	size_t off = lx->off;
	char d[64];

	if (lx->msg)
		return NULL;
	switch (lx->t) {
	case T_LP:
		next(lx);
		e = expr(lx, 0);
		if (e && !expect(lx, T_RP, "')'")) {
			bb_ex_free(e);
			return NULL;
		}
		return e;
	case T_NUM: {
		enum bb_ex_unit u;
		e = node(BB_EX_NUM, off);
		e->num = lx->num;
		next(lx);
		if (unit_of(lx, &u)) {
			e->kind = BB_EX_DURATION;
			e->unit = u;
			next(lx);
		}
		return e;
	}
	case T_STR:
		e = node(BB_EX_STR, off);
		e->str = bb_strndup(lx->str.data ? lx->str.data : "", lx->str.len);
		next(lx);
		return e;
	case T_IDENT:
		if (is_word(lx, "true") || is_word(lx, "false")) {
			e = node(BB_EX_BOOL, off);
			e->num = is_word(lx, "true");
			next(lx);
			return e;
		}
		if (is_word(lx, "period")) {
			next(lx);
			if (!accept(lx, T_DOT) ||
			    !(is_word(lx, "start") || is_word(lx, "end"))) {
				fail(lx, off, "'period' is written period.start or period.end "
				    "(or 'FIELD within period')");
				return NULL;
			}
			e = node(is_word(lx, "start") ? BB_EX_PERIOD_START : BB_EX_PERIOD_END, off);
			next(lx);
			return e;
		}
		if (is_reserved(lx)) {
			describe(lx, d, sizeof(d));
			fail(lx, off, "expected a value, found %s", d);
			return NULL;
		}
		e = node(BB_EX_FIELD, off);
		e->str = tokdup(lx);
		next(lx);
		if (lx->t == T_LP) {
			e->kind = BB_EX_CALL;
			next(lx);
			if (!accept(lx, T_RP)) {
				do {
					struct bb_ex *a = expr(lx, 0);
					if (a == NULL) {
						bb_ex_free(e);
						return NULL;
					}
					add_kid(e, a);
				} while (accept(lx, T_COMMA));
				if (!expect(lx, T_RP, "')' or ','")) {
					bb_ex_free(e);
					return NULL;
				}
			}
		}
		return e;
	default:
		describe(lx, d, sizeof(d));
		fail(lx, off, "expected a value, found %s", d);
		return NULL;
	}
}

static int
cmp_op(enum tok t)
{
	switch (t) {
	case T_EQ: return BB_CMP_EQ;
	case T_NE: return BB_CMP_NE;
	case T_LT: return BB_CMP_LT;
	case T_LE: return BB_CMP_LE;
	case T_GT: return BB_CMP_GT;
	case T_GE: return BB_CMP_GE;
	default: return 0;
	}
}

static struct bb_ex *
binary(enum bb_ex_kind k, size_t op_off, struct bb_ex *a, struct bb_ex *b)
{
	struct bb_ex *e = node(k, a->off);
	e->op_off = op_off;
	add_kid(e, a);
	add_kid(e, b);
	return e;
}

/* A comparison-level suffix of `left`: = < ..., [not] in, is [not] null,
 * [not] between, [not] within period.  Takes `left` and returns the new
 * node; on a syntax error frees `left` and returns NULL with lx->msg set;
 * NULL without a message (left untouched) when no comparison follows. */
static struct bb_ex *
comparison(struct lexer *lx, struct bb_ex *left)
{
	size_t op_off = lx->off;
	bool neg = false;
	struct bb_ex *e, *r;
	int op;

	if ((op = cmp_op(lx->t)) != 0) {
		next(lx);
		if ((r = expr(lx, 5)) == NULL) {
			bb_ex_free(left);
			return NULL;
		}
		e = binary(BB_EX_CMP, op_off, left, r);
		e->op = op;
		if (cmp_op(lx->t)) {
			fail(lx, lx->off, "comparisons do not chain: write 'a < b and b < c'");
			bb_ex_free(e);
			return NULL;
		}
		return e;
	}
	if (is_word(lx, "is")) {
		next(lx);
		neg = accept_word(lx, "not");
		if (!accept_word(lx, "null")) {
			char d[64];
			describe(lx, d, sizeof(d));
			fail(lx, lx->off, "expected 'null' after 'is%s', found %s",
			    neg ? " not" : "", d);
			bb_ex_free(left);
			return NULL;
		}
		e = node(BB_EX_IS_NULL, left->off);
		e->op_off = op_off;
		e->negated = neg;
		add_kid(e, left);
		return e;
	}
	if (is_word(lx, "not")) {
		next(lx);
		neg = true;
		if (!is_word(lx, "in") && !is_word(lx, "between") && !is_word(lx, "within")) {
			char d[64];
			describe(lx, d, sizeof(d));
			fail(lx, lx->off, "expected 'in', 'between' or 'within' after 'not', "
			    "found %s", d);
			bb_ex_free(left);
			return NULL;
		}
	}
	if (accept_word(lx, "in")) {
		e = node(BB_EX_IN, left->off);
		e->op_off = op_off;
		e->negated = neg;
		add_kid(e, left);
		if (!expect(lx, T_LP, "'(' to open the list after 'in'")) {
			bb_ex_free(e);
			return NULL;
		}
		do {
			struct bb_ex *lit;
			if (e->nkids > BB_EXPR_MAX_LIST) {
				fail(lx, lx->off, "an 'in' list of more than %u values",
				    BB_EXPR_MAX_LIST);
				bb_ex_free(e);
				return NULL;
			}
			if ((lit = literal(lx)) == NULL) {
				bb_ex_free(e);
				return NULL;
			}
			add_kid(e, lit);
		} while (accept(lx, T_COMMA));
		if (!expect(lx, T_RP, "')' or ',' in the 'in' list")) {
			bb_ex_free(e);
			return NULL;
		}
		return e;
	}
	if (accept_word(lx, "between")) {
		struct bb_ex *lo, *hi;
		if ((lo = expr(lx, 5)) == NULL) {
			bb_ex_free(left);
			return NULL;
		}
		if (!is_word(lx, "and")) {
			char d[64];
			describe(lx, d, sizeof(d));
			fail(lx, lx->off, "expected 'and' in 'between A and B', found %s", d);
			bb_ex_free(lo);
			bb_ex_free(left);
			return NULL;
		}
		next(lx);
		if ((hi = expr(lx, 5)) == NULL) {
			bb_ex_free(lo);
			bb_ex_free(left);
			return NULL;
		}
		e = node(BB_EX_BETWEEN, left->off);
		e->op_off = op_off;
		e->negated = neg;
		add_kid(e, left);
		add_kid(e, lo);
		add_kid(e, hi);
		return e;
	}
	if (accept_word(lx, "within")) {
		if (!accept_word(lx, "period")) {
			char d[64];
			describe(lx, d, sizeof(d));
			fail(lx, lx->off, "expected 'period' after 'within', found %s", d);
			bb_ex_free(left);
			return NULL;
		}
		e = node(BB_EX_WITHIN, left->off);
		e->op_off = op_off;
		e->negated = neg;
		add_kid(e, left);
		return e;
	}
	return NULL;
}

static bool
at_comparison(const struct lexer *lx)
{
	return cmp_op(lx->t) || is_word(lx, "is") || is_word(lx, "in") ||
	    is_word(lx, "between") || is_word(lx, "within") || is_word(lx, "not");
}

/* Precedence: 1 or, 2 and, 3 not, 4 comparisons, 5 + -, 6 * /, 7 unary -. */
static struct bb_ex *
expr(struct lexer *lx, int minprec)
{
	struct bb_ex *left, *r;
	size_t off = lx->off;

	if (lx->msg)
		return NULL;
	if (++lx->depth > BB_EXPR_MAX_DEPTH) {
		fail(lx, off, "expression nested too deeply (more than %d levels)",
		    BB_EXPR_MAX_DEPTH);
		return NULL;
	}
	if (is_word(lx, "not")) {
		next(lx);
		if ((r = expr(lx, 3)) == NULL)
			goto fail;
		left = node(BB_EX_NOT, off);
		add_kid(left, r);
	} else if (lx->t == T_MINUS) {
		next(lx);
		if ((r = expr(lx, 7)) == NULL)
			goto fail;
		left = node(BB_EX_NEG, off);
		add_kid(left, r);
	} else if ((left = primary(lx)) == NULL)
		goto fail;

	for (;;) {
		size_t op_off = lx->off;
		if (lx->msg) {
			bb_ex_free(left);
			goto fail;
		}
		if (is_word(lx, "or") && minprec <= 1) {
			next(lx);
			if ((r = expr(lx, 2)) == NULL)
				goto fail_left;
			left = binary(BB_EX_OR, op_off, left, r);
		} else if (is_word(lx, "and") && minprec <= 2) {
			next(lx);
			if ((r = expr(lx, 3)) == NULL)
				goto fail_left;
			left = binary(BB_EX_AND, op_off, left, r);
		} else if (at_comparison(lx) && minprec <= 4) {
			if (is_word(lx, "not")) {
				/* "a not in (...)": only when followed by in/between/within */
				size_t save_pos = lx->pos, save_off = lx->off, save_len = lx->tlen;
				enum tok save_t = lx->t;
				next(lx);
				bool ok = is_word(lx, "in") || is_word(lx, "between") ||
				    is_word(lx, "within");
				lx->pos = save_pos;
				lx->off = save_off;
				lx->tlen = save_len;
				lx->t = save_t;
				if (!ok)
					break;
			}
			if ((r = comparison(lx, left)) == NULL) {
				if (!lx->msg)
					break;
				goto fail;	/* comparison() freed left */
			}
			left = r;
		} else if ((lx->t == T_PLUS || lx->t == T_MINUS) && minprec <= 5) {
			int op = lx->t == T_PLUS ? '+' : '-';
			next(lx);
			if ((r = expr(lx, 6)) == NULL)
				goto fail_left;
			left = binary(BB_EX_ARITH, op_off, left, r);
			left->op = op;
		} else if ((lx->t == T_STAR || lx->t == T_SLASH) && minprec <= 6) {
			int op = lx->t == T_STAR ? '*' : '/';
			next(lx);
			if ((r = expr(lx, 7)) == NULL)
				goto fail_left;
			left = binary(BB_EX_ARITH, op_off, left, r);
			left->op = op;
		} else
			break;
	}
	lx->depth--;
	return left;
fail_left:
	bb_ex_free(left);
fail:
	lx->depth--;
	return NULL;
}

static const struct {
	const char *name;
	enum bb_ex_agg agg;
} aggs[] = {
	{ "count", BB_EXA_COUNT_RECORDS },
	{ "sum", BB_EXA_SUM },
	{ "mean", BB_EXA_MEAN },
	{ "avg", BB_EXA_MEAN },
	{ "average", BB_EXA_MEAN },
	{ "median", BB_EXA_MEDIAN },
	{ "percentile", BB_EXA_PERCENTILE },
	{ "min", BB_EXA_MIN },
	{ "max", BB_EXA_MAX },
};

const char *
bb_ex_agg_name(enum bb_ex_agg a)
{
	switch (a) {
	case BB_EXA_COUNT_RECORDS:
	case BB_EXA_COUNT_PEOPLE:
	case BB_EXA_COUNT_DISTINCT: return "count";
	case BB_EXA_SUM: return "sum";
	case BB_EXA_MEAN: return "mean";
	case BB_EXA_MEDIAN: return "median";
	case BB_EXA_PERCENTILE: return "percentile";
	case BB_EXA_MIN: return "min";
	case BB_EXA_MAX: return "max";
	}
	return "?";
}

static void
part_clear(struct bb_ex_part *p)
{
	bb_ex_free(p->arg);
	bb_ex_free(p->where);
	bb_strv_free(p->datasets, p->ndatasets);
	free(p->ds_off);
	memset(p, 0, sizeof(*p));
}

/* After a dataset: is a comma followed by another dataset (and not by the
 * denominator of a ratio, an aggregate with its '(')?  Consumes the comma
 * only then. */
static bool
another_dataset(struct lexer *lx)
{
	size_t p;

	if (lx->t != T_COMMA)
		return false;
	p = lx->pos;
	while (p < lx->len && (lx->s[p] == ' ' || lx->s[p] == '\t' || lx->s[p] == '\n' ||
	    lx->s[p] == '\r'))
		p++;
	while (p < lx->len && ident_char((unsigned char)lx->s[p]))
		p++;
	while (p < lx->len && (lx->s[p] == ' ' || lx->s[p] == '\t' || lx->s[p] == '\n' ||
	    lx->s[p] == '\r'))
		p++;
	if (p < lx->len && lx->s[p] == '(')
		return false;
	next(lx);
	return true;
}

/* aggregate "from" ["all"] dataset {"," dataset} ["where" condition] */
static bool
part(struct lexer *lx, struct bb_ex_part *p)
{
	char d[64];
	size_t i;

	memset(p, 0, sizeof(*p));
	p->off = lx->off;
	if (lx->t != T_IDENT) {
		describe(lx, d, sizeof(d));
		fail(lx, lx->off, "expected an aggregate (count, sum, mean, median, "
		    "percentile, min, max), found %s", d);
		return false;
	}
	for (i = 0; i < BB_ARRAY_LEN(aggs) && !is_word(lx, aggs[i].name); i++)
		;
	if (i == BB_ARRAY_LEN(aggs)) {
		fail(lx, lx->off, "unknown aggregate '%.*s' (expected count, sum, mean, "
		    "median, percentile, min or max)", (int)(lx->tlen > 40 ? 40 : lx->tlen),
		    lx->s + lx->off);
		return false;
	}
	p->agg = aggs[i].agg;
	next(lx);
	if (!expect(lx, T_LP, "'(' after the aggregate"))
		return false;
	if (p->agg == BB_EXA_COUNT_RECORDS) {
		if (accept(lx, T_STAR) || accept_word(lx, "records"))
			;
		else if (accept_word(lx, "distinct")) {
			if (accept_word(lx, "participant") || accept_word(lx, "participants"))
				p->agg = BB_EXA_COUNT_PEOPLE;
			else {
				p->agg = BB_EXA_COUNT_DISTINCT;
				if ((p->arg = expr(lx, 5)) == NULL)
					return false;
			}
		} else {
			describe(lx, d, sizeof(d));
			fail(lx, lx->off, "count takes *, records, distinct participant or "
			    "distinct FIELD; found %s", d);
			return false;
		}
	} else {
		if ((p->arg = expr(lx, 5)) == NULL)
			return false;
		if (p->agg == BB_EXA_PERCENTILE) {
			if (!expect(lx, T_COMMA, "',' and the percentile (0 to 100)"))
				return false;
			p->pct_off = lx->off;
			if (lx->t != T_NUM) {
				describe(lx, d, sizeof(d));
				fail(lx, lx->off, "expected the percentile (a number from 0 to "
				    "100), found %s", d);
				return false;
			}
			p->pct = lx->num;
			if (p->pct < 0 || p->pct > 100) {
				fail(lx, lx->off, "the percentile must be from 0 to 100");
				return false;
			}
			next(lx);
		}
	}
	if (!expect(lx, T_RP, "')' to close the aggregate"))
		return false;
	if (!is_word(lx, "from")) {
		describe(lx, d, sizeof(d));
		fail(lx, lx->off, "expected 'from DATASET' after %s(...), found %s",
		    bb_ex_agg_name(p->agg), d);
		return false;
	}
	next(lx);
	p->all = accept_word(lx, "all");
	do {
		if (lx->t != T_IDENT || is_reserved(lx)) {
			describe(lx, d, sizeof(d));
			fail(lx, lx->off, "expected a dataset name, found %s", d);
			return false;
		}
		p->datasets = bb_realloc(p->datasets, (p->ndatasets + 1) * sizeof(*p->datasets));
		p->ds_off = bb_realloc(p->ds_off, (p->ndatasets + 1) * sizeof(*p->ds_off));
		p->datasets[p->ndatasets] = tokdup(lx);
		p->ds_off[p->ndatasets++] = lx->off;
		next(lx);
	} while (p->ndatasets < 64 && another_dataset(lx));
	if (is_word(lx, "where")) {
		p->where_off = lx->off;
		next(lx);
		if ((p->where = expr(lx, 0)) == NULL)
			return false;
	}
	return lx->msg == NULL;
}

/* "with" name "=" "band" "(" value "," "[" number {"," number} "]" ")" */
static bool
bands(struct lexer *lx, struct bb_ex_indicator *ind)
{
	char d[64];

	do {
		struct bb_ex_band *b;
		if (lx->t != T_IDENT || is_reserved(lx)) {
			describe(lx, d, sizeof(d));
			fail(lx, lx->off, "expected a band name after 'with', found %s", d);
			return false;
		}
		ind->bands = bb_realloc(ind->bands, (ind->nbands + 1) * sizeof(*ind->bands));
		b = &ind->bands[ind->nbands++];
		memset(b, 0, sizeof(*b));
		b->name = tokdup(lx);
		b->off = lx->off;
		next(lx);
		if (!expect(lx, T_EQ, "'=' after the band's name"))
			return false;
		if (!is_word(lx, "band")) {
			describe(lx, d, sizeof(d));
			fail(lx, lx->off, "expected band(VALUE, [BREAKS]), found %s", d);
			return false;
		}
		next(lx);
		if (!expect(lx, T_LP, "'(' after band"))
			return false;
		if ((b->value = expr(lx, 5)) == NULL)
			return false;
		if (!expect(lx, T_COMMA, "',' and the list of breaks [0, 5, 12]"))
			return false;
		b->breaks_off = lx->off;
		if (!expect(lx, T_LB, "'[' to open the list of breaks"))
			return false;
		do {
			bool neg = accept(lx, T_MINUS);
			if (lx->t != T_NUM) {
				describe(lx, d, sizeof(d));
				fail(lx, lx->off, "a band's breaks are numbers; found %s", d);
				return false;
			}
			if (b->nbreaks >= BB_EXPR_MAX_LIST) {
				fail(lx, lx->off, "more than %u breaks", BB_EXPR_MAX_LIST);
				return false;
			}
			b->breaks = bb_realloc(b->breaks, (b->nbreaks + 1) * sizeof(*b->breaks));
			b->breaks[b->nbreaks] = neg ? -lx->num : lx->num;
			if (b->nbreaks && b->breaks[b->nbreaks] <= b->breaks[b->nbreaks - 1]) {
				fail(lx, lx->off, "a band's breaks must be in ascending order");
				b->nbreaks++;
				return false;
			}
			b->nbreaks++;
			next(lx);
		} while (accept(lx, T_COMMA));
		if (!expect(lx, T_RB, "']' or ',' in the list of breaks"))
			return false;
		if (!expect(lx, T_RP, "')' to close band(...)"))
			return false;
	} while (accept(lx, T_COMMA));
	return true;
}

void
bb_ex_indicator_clear(struct bb_ex_indicator *ind)
{
	if (ind == NULL)
		return;
	for (size_t i = 0; i < ind->nparts; i++)
		part_clear(&ind->part[i]);
	for (size_t i = 0; i < ind->nbands; i++) {
		free(ind->bands[i].name);
		bb_ex_free(ind->bands[i].value);
		free(ind->bands[i].breaks);
	}
	free(ind->bands);
	memset(ind, 0, sizeof(*ind));
}

int
bb_ex_parse(const char *text, size_t len, struct bb_ex_indicator *out,
    char **msg, size_t *off)
{
	struct lexer lx;
	char d[64];

	memset(out, 0, sizeof(*out));
	memset(&lx, 0, sizeof(lx));
	*msg = NULL;
	*off = 0;
	if (len > BB_EXPR_MAX_LEN) {
		*msg = bb_asprintf("expression longer than %u bytes", BB_EXPR_MAX_LEN);
		return BB_ERR_INPUT;
	}
	lx.s = text;
	lx.len = len;
	bb_buf_init(&lx.str, 4096);
	next(&lx);
	if (lx.t == T_EOF && !lx.msg)
		fail(&lx, 0, "empty expression");
	out->form = BB_EXF_VALUE;
	out->form_off = lx.off;
	if (!lx.msg && (is_word(&lx, "percent") || is_word(&lx, "ratio"))) {
		out->form = is_word(&lx, "percent") ? BB_EXF_PERCENT : BB_EXF_RATIO;
		next(&lx);
		if (expect(&lx, T_LP, out->form == BB_EXF_PERCENT ?
		    "'(' after percent" : "'(' after ratio")) {
			out->nparts = 1;
			if (part(&lx, &out->part[0]) &&
			    expect(&lx, T_COMMA, "',' and the denominator")) {
				out->nparts = 2;
				if (part(&lx, &out->part[1]))
					expect(&lx, T_RP, "')' to close the ratio");
			}
		}
	} else if (!lx.msg) {
		out->nparts = 1;
		part(&lx, &out->part[0]);
	}
	if (!lx.msg && is_word(&lx, "with")) {
		next(&lx);
		bands(&lx, out);
	}
	if (!lx.msg && lx.t != T_EOF) {
		describe(&lx, d, sizeof(d));
		fail(&lx, lx.off, "unexpected %s after the end of the expression", d);
	}
	bb_buf_free(&lx.str);
	if (lx.msg) {
		*msg = lx.msg;
		*off = lx.err_off;
		bb_ex_indicator_clear(out);
		return BB_ERR_INPUT;
	}
	return BB_OK;
}
