/*
 * compile.c: the checker and compiler of indicator expressions.
 *
 * Takes the syntax tree of an indicator's `compute` (measure/parse.c) and
 * the framework, resolves datasets and fields, gives every node a type
 * (number, date, text, boolean, or a duration such as "90 days" that can
 * only be added to a date), turns text literals compared with dates into
 * dates and checks those compared with codes against the code list, and
 * builds the query plan (store/plan.h) the store runs.  Each problem is a
 * finding at the line and column of the word it is about.
 */
#include "measure/expr.h"
#include "measure/measure.h"
#include "util/bb.h"
#include "util/diag.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ty {
	TY_ERR = 0,
	TY_NUM,
	TY_DATE,
	TY_TEXT,
	TY_BOOL,
	TY_DURATION,
};

struct tv {
	enum ty t;
	struct bb_pnode *n;		/* NULL for durations and errors */
	const struct bb_field *field;	/* when the value is a field */
	const char *lit;		/* when the value is a text literal */
	double dur;			/* durations */
	enum bb_ex_unit unit;
};

struct cc {
	const struct bb_framework *fw;
	const struct bb_indicator *ind;
	const struct bb_fw_text *text;
	struct bb_findings *f;
	struct bb_plan *plan;
	size_t errors;
	/* the datasets the current value is read from */
	const struct bb_dataset **ds;
	size_t nds;
};

static void
problem(struct cc *c, enum bb_severity sev, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
problem(struct cc *c, enum bb_severity sev, size_t off, const char *fmt, ...)
{
	unsigned long line, col;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bb_measure_locate(c->text, &c->ind->compute_loc, c->ind->compute, off, &line, &col);
	bb_findings_add(c->f, sev, c->text->file, line, col, "indicator", "%s", msg);
	if (sev == BB_SEV_ERROR)
		c->errors++;
}

#define ERR(c, off, ...) problem((c), BB_SEV_ERROR, (off), __VA_ARGS__)

/* --- positions --------------------------------------------------------------- */

/* Step over source byte s[*j], counting lines and columns. */
static void
step(const char *s, size_t *j, unsigned long *l, unsigned long *cc)
{
	if (s[*j] == '\n') {
		(*l)++;
		*cc = 1;
	} else
		(*cc)++;
	(*j)++;
}

static bool
skippable(char c)
{
	return c == '\n' || c == ' ' || c == '\t' || c == '\\' || c == '\'' ||
	    c == '"' || c == '\r';
}

void
bb_measure_locate(const struct bb_fw_text *text, const struct bb_loc *start,
    const char *expr, size_t off, unsigned long *line, unsigned long *col)
{
	const char *s = text ? text->source : NULL;
	size_t len = text ? text->len : 0, j = 0, k = 0;
	unsigned long l = 1, cc = 1;

	*line = start->line;
	*col = start->col;
	if (start->line == 0)
		return;
	if (s == NULL) {
		/* Count from the expression's start. */
		while (k < off && expr[k])
			step(expr, &k, line, col);
		return;
	}
	/* Find the start position in the source. */
	while (j < len && (l < start->line || (l == start->line && cc < start->col)))
		step(s, &j, &l, &cc);
	if (j >= len)
		return;
	if (s[j] == '"' || s[j] == '\'')
		step(s, &j, &l, &cc);
	else if (s[j] == '|' || s[j] == '>')
		while (j < len && s[j] != '\n')
			j++;
	/* Walk the source and the expression together; bytes of the source
	 * that are not in the expression (line breaks and indentation of a
	 * block, escapes, doubled quotes) are skipped. */
	for (k = 0; k < off && expr[k] && j < len; k++) {
		while (j < len && s[j] != expr[k] && skippable(s[j]))
			step(s, &j, &l, &cc);
		if (j < len)
			step(s, &j, &l, &cc);
	}
	while (j < len && expr[k] && s[j] != expr[k] && skippable(s[j]))
		step(s, &j, &l, &cc);
	*line = l;
	*col = cc;
}

/* Lookups (kept here so the checker needs only the framework's data). */
static const struct bb_dataset *
find_dataset(const struct bb_framework *fw, const char *id)
{
	for (size_t i = 0; i < fw->ndatasets; i++)
		if (strcmp(fw->datasets[i].id, id) == 0)
			return &fw->datasets[i];
	return NULL;
}

static const struct bb_field *
find_field(const struct bb_dataset *ds, const char *name)
{
	for (size_t i = 0; i < ds->nfields; i++)
		if (strcmp(ds->fields[i].name, name) == 0)
			return &ds->fields[i];
	return NULL;
}

/* --- names ------------------------------------------------------------------ */

static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[65], cur[65];

	if (la > 64 || lb > 64)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t x = prev[j] + 1, y = cur[j - 1] + 1,
			    z = prev[j - 1] + (a[i - 1] != b[j - 1]);
			cur[j] = x < y ? (x < z ? x : z) : (y < z ? y : z);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

/* " (did you mean 'x'?)" for the closest of names, or "". */
static void
suggest(const char *name, const char *const *names, size_t n, char *out, size_t outsz)
{
	size_t best = 3, bi = n;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(name, names[i]);
		if (d < best) {
			best = d;
			bi = i;
		}
	}
	if (bi < n)
		snprintf(out, outsz, " (did you mean '%s'?)", names[bi]);
}

static const char *
ty_name(enum ty t)
{
	switch (t) {
	case TY_NUM: return "a number";
	case TY_DATE: return "a date";
	case TY_TEXT: return "text";
	case TY_BOOL: return "true or false";
	case TY_DURATION: return "a duration";
	default: return "invalid";
	}
}

/* How a value reads in a message: "'grade' is a code", "this is a number". */
static void
what(const struct tv *v, char *out, size_t outsz)
{
	if (v->field)
		snprintf(out, outsz, "'%s' is %s", v->field->name,
		    v->field->type == BB_FT_CODE ? "a code" : ty_name(v->t));
	else
		snprintf(out, outsz, "this is %s", ty_name(v->t));
}

static enum ty
ty_of_field(const struct bb_field *f)
{
	switch (f->type) {
	case BB_FT_INTEGER:
	case BB_FT_DECIMAL: return TY_NUM;
	case BB_FT_DATE: return TY_DATE;
	case BB_FT_BOOLEAN: return TY_BOOL;
	default: return TY_TEXT;
	}
}

static enum bb_pv_type
pv_of(enum ty t)
{
	switch (t) {
	case TY_NUM: return BB_PV_NUM;
	case TY_DATE: return BB_PV_DATE;
	case TY_BOOL: return BB_PV_BOOL;
	default: return BB_PV_TEXT;
	}
}

static int
slot_of(struct bb_plan *p, const char *field, enum ty t)
{
	enum bb_pv_type pv = pv_of(t);
	for (size_t i = 0; i < p->nslots; i++)
		if (p->slots[i].type == pv && strcmp(p->slots[i].field, field) == 0)
			return (int)i;
	p->slots = bb_realloc(p->slots, (p->nslots + 1) * sizeof(*p->slots));
	p->slots[p->nslots].field = bb_strdup(field);
	p->slots[p->nslots].type = pv;
	return (int)p->nslots++;
}

/* --- nodes ------------------------------------------------------------------- */

static struct bb_pnode *
pn(enum bb_pn_kind k)
{
	struct bb_pnode *n = bb_calloc(1, sizeof(*n));
	n->kind = k;
	return n;
}

static struct bb_pnode *
pn2(enum bb_pn_kind k, struct bb_pnode *a, struct bb_pnode *b)
{
	struct bb_pnode *n = pn(k);
	n->kid[0] = a;
	n->kid[1] = b;
	return n;
}

static struct bb_pnode *
pn_num(double v)
{
	struct bb_pnode *n = pn(BB_PN_CONST);
	n->lit.type = BB_PV_NUM;
	n->lit.num = v;
	return n;
}

static void
tv_free(struct tv *v)
{
	bb_pnode_free(v->n);
	v->n = NULL;
}

static struct tv
err_tv(void)
{
	struct tv v;
	memset(&v, 0, sizeof(v));
	return v;
}

static bool
is_cond_node(const struct bb_pnode *n)
{
	switch (n->kind) {
	case BB_PN_CMP: case BB_PN_IN: case BB_PN_IS_NULL: case BB_PN_BETWEEN:
	case BB_PN_TRUTH: case BB_PN_AND: case BB_PN_OR: case BB_PN_NOT:
		return true;
	default:
		return false;
	}
}

static struct bb_pnode *
as_cond(struct bb_pnode *n)
{
	if (is_cond_node(n))
		return n;
	struct bb_pnode *t = pn(BB_PN_TRUTH);
	t->kid[0] = n;
	return t;
}

/* --- values ------------------------------------------------------------------ */

static struct tv value(struct cc *c, const struct bb_ex *e);

static struct tv
field_value(struct cc *c, const struct bb_ex *e)
{
	const struct bb_field *first = NULL;
	struct tv v = err_tv();

	for (size_t i = 0; i < c->nds; i++) {
		const struct bb_dataset *ds = c->ds[i];
		const struct bb_field *f = find_field(ds, e->str);
		if (f == NULL) {
			const char **names = bb_calloc(ds->nfields + 1, sizeof(*names));
			char hint[96];
			for (size_t k = 0; k < ds->nfields; k++)
				names[k] = ds->fields[k].name;
			suggest(e->str, names, ds->nfields, hint, sizeof(hint));
			free(names);
			ERR(c, e->off, "unknown field '%s' in dataset '%s'%s", e->str, ds->id, hint);
			return err_tv();
		}
		if (first && (ty_of_field(f) != ty_of_field(first) ||
		    (f->type == BB_FT_CODE) != (first->type == BB_FT_CODE))) {
			ERR(c, e->off, "field '%s' is %s in dataset '%s' but %s in '%s'",
			    e->str, first->type == BB_FT_CODE ? "a code" : ty_name(ty_of_field(first)),
			    c->ds[0]->id, f->type == BB_FT_CODE ? "a code" : ty_name(ty_of_field(f)),
			    ds->id);
			return err_tv();
		}
		if (first == NULL)
			first = f;
	}
	if (first == NULL)
		return err_tv();
	v.t = ty_of_field(first);
	v.field = first;
	v.n = pn(BB_PN_FIELD);
	v.n->slot = slot_of(c->plan, first->name, v.t);
	return v;
}

/* Is `code` a code (not a missing-value code) of the field's list? */
static bool
has_code(const struct bb_field *f, const char *code)
{
	if (f->codes == NULL)
		return true;	/* the framework checker reports the missing list */
	for (size_t i = 0; i < f->codes->ncodes; i++)
		if (strcmp(f->codes->codes[i].code, code) == 0)
			return true;
	return false;
}

static void
list_codes(const struct bb_field *f, char *out, size_t outsz)
{
	size_t n = 0;
	out[0] = '\0';
	if (f->codes == NULL)
		return;
	for (size_t i = 0; i < f->codes->ncodes && n + 8 < outsz; i++) {
		int w = snprintf(out + n, outsz - n, "%s%s", i ? ", " : "",
		    f->codes->codes[i].code);
		if (w < 0 || (size_t)w >= outsz - n || i >= 11) {
			snprintf(out + n, outsz - n, ", ...");
			return;
		}
		n += (size_t)w;
	}
}

/* Make `lit` (a text literal) fit the other side `other`: a date, or a
 * code of its list.  Returns false after reporting. */
static bool
coerce_literal(struct cc *c, struct tv *lit, const struct tv *other, size_t off)
{
	if (lit->lit == NULL)
		return true;
	if (other->t == TY_DATE) {
		int32_t d;
		if (!bb_date_parse_iso(lit->lit, &d)) {
			ERR(c, off, "\"%s\" is not a date (write dates as \"YYYY-MM-DD\")", lit->lit);
			return false;
		}
		free((char *)(uintptr_t)lit->n->lit.text);
		lit->n->lit.type = BB_PV_DATE;
		lit->n->lit.text = NULL;
		lit->n->lit.len = 0;
		lit->n->lit.day = d;
		lit->t = TY_DATE;
		return true;
	}
	if (other->t == TY_TEXT && other->field && other->field->type == BB_FT_CODE &&
	    !has_code(other->field, lit->lit)) {
		char codes[256];
		list_codes(other->field, codes, sizeof(codes));
		ERR(c, off, "\"%s\" is not a code of field '%s' (codes: %s)", lit->lit,
		    other->field->name, codes);
		return false;
	}
	return true;
}

/* Can a and b be compared (after fitting a text literal to the other
 * side)?  off: the operator; aoff, boff: the sides, for literal errors. */
static bool
comparable(struct cc *c, struct tv *a, struct tv *b, size_t off, size_t aoff,
    size_t boff, const char *op)
{
	char wa[160], wb[160];

	if (a->t == TY_ERR || b->t == TY_ERR)
		return false;
	if (a->lit && !b->lit && !coerce_literal(c, a, b, aoff))
		return false;
	if (b->lit && !a->lit && !coerce_literal(c, b, a, boff))
		return false;
	if (a->t == TY_DURATION || b->t == TY_DURATION) {
		ERR(c, off, "a duration (like 90 days) can only be added to or "
		    "subtracted from a date");
		return false;
	}
	if (a->t != b->t) {
		what(a, wa, sizeof(wa));
		what(b, wb, sizeof(wb));
		ERR(c, off, "cannot compare %s with %s with '%s': %s, %s%s",
		    ty_name(a->t), ty_name(b->t), op, wa, wb,
		    (a->t == TY_DATE && b->t == TY_NUM) || (a->t == TY_NUM && b->t == TY_DATE) ?
		    " (write dates as text: \"2026-01-01\")" :
		    a->t == TY_TEXT && a->field && a->field->type == BB_FT_CODE ?
		    " (write codes as text: \"3\")" : "");
		return false;
	}
	return true;
}

static const char *
cmp_text(int op)
{
	switch (op) {
	case BB_CMP_EQ: return "=";
	case BB_CMP_NE: return "!=";
	case BB_CMP_LT: return "<";
	case BB_CMP_LE: return "<=";
	case BB_CMP_GT: return ">";
	default: return ">=";
	}
}

static struct tv
arith(struct cc *c, const struct bb_ex *e)
{
	struct tv a = value(c, e->kids[0]), b = value(c, e->kids[1]), v = err_tv();
	char wa[160], wb[160];

	if (a.t == TY_ERR || b.t == TY_ERR)
		goto out;
	/* date +/- duration */
	if ((e->op == '+' || e->op == '-') && a.t == TY_DATE && b.t == TY_DURATION) {
		double n = b.dur * (e->op == '-' ? -1 : 1);
		enum bb_pn_kind k = BB_PN_ADD_DAYS;
		if (b.unit == BB_UNIT_WEEKS)
			n *= 7;
		else if (b.unit == BB_UNIT_MONTHS)
			k = BB_PN_ADD_MONTHS;
		else if (b.unit == BB_UNIT_YEARS) {
			k = BB_PN_ADD_MONTHS;
			n *= 12;
		}
		if (n != floor(n)) {
			ERR(c, e->kids[1]->off, "a duration added to a date must be whole "
			    "days, weeks, months or years");
			goto out;
		}
		v.t = TY_DATE;
		v.n = pn2(k, a.n, pn_num(n));
		return v;
	}
	if (e->op == '+' && a.t == TY_DURATION && b.t == TY_DATE) {
		ERR(c, e->op_off, "write the date first: DATE + %g %s", a.dur,
		    a.unit == BB_UNIT_DAYS ? "days" : a.unit == BB_UNIT_WEEKS ? "weeks" :
		    a.unit == BB_UNIT_MONTHS ? "months" : "years");
		goto out;
	}
	if (e->op == '-' && a.t == TY_DATE && (b.t == TY_DATE || b.lit)) {
		if (b.lit && !coerce_literal(c, &b, &a, e->kids[1]->off))
			goto out;
		v.t = TY_NUM;
		v.n = pn2(BB_PN_DAYS_BETWEEN, a.n, b.n);
		return v;
	}
	if (a.t == TY_NUM && b.t == TY_NUM) {
		v.t = TY_NUM;
		v.n = pn2(e->op == '+' ? BB_PN_ADD : e->op == '-' ? BB_PN_SUB :
		    e->op == '*' ? BB_PN_MUL : BB_PN_DIV, a.n, b.n);
		return v;
	}
	what(&a, wa, sizeof(wa));
	what(&b, wb, sizeof(wb));
	if (a.t == TY_DATE || b.t == TY_DATE || a.t == TY_DURATION || b.t == TY_DURATION)
		ERR(c, e->op_off, "'%c' cannot combine %s and %s: %s, %s (dates take "
		    "'DATE + 90 days', 'DATE - 1 month' or 'DATE - DATE')", e->op,
		    ty_name(a.t), ty_name(b.t), wa, wb);
	else
		ERR(c, e->op_off, "'%c' needs numbers: %s, %s", e->op, wa, wb);
out:
	tv_free(&a);
	tv_free(&b);
	return err_tv();
}

static struct tv
call(struct cc *c, const struct bb_ex *e)
{
	struct tv a[2], v = err_tv();
	size_t n = e->nkids;
	bool is_age = strcmp(e->str, "age") == 0;

	if (!is_age && strcmp(e->str, "year") != 0 && strcmp(e->str, "month") != 0) {
		static const char *const fns[] = { "age", "year", "month" };
		char hint[96];
		suggest(e->str, fns, BB_ARRAY_LEN(fns), hint, sizeof(hint));
		ERR(c, e->off, "unknown function '%s'%s (functions: age, year, month)",
		    e->str, hint);
		return v;
	}
	if (n < 1 || n > (is_age ? 2u : 1u)) {
		ERR(c, e->off, is_age ? "age() takes a birth date, and optionally the date "
		    "to measure at (default period.end)" : "%s() takes one date", e->str);
		return v;
	}
	memset(a, 0, sizeof(a));
	for (size_t i = 0; i < n; i++) {
		a[i] = value(c, e->kids[i]);
		if (a[i].lit) {
			struct tv d = { TY_DATE, NULL, NULL, NULL, 0, 0 };
			coerce_literal(c, &a[i], &d, e->kids[i]->off);
		}
		if (a[i].t != TY_DATE) {
			if (a[i].t != TY_ERR) {
				char w[160];
				what(&a[i], w, sizeof(w));
				ERR(c, e->kids[i]->off, "%s() takes a date; %s", e->str, w);
			}
			tv_free(&a[0]);
			tv_free(&a[1]);
			return err_tv();
		}
	}
	v.t = TY_NUM;
	if (is_age)
		v.n = pn2(BB_PN_AGE, a[0].n, n == 2 ? a[1].n : pn(BB_PN_PERIOD_END));
	else {
		v.n = pn(strcmp(e->str, "year") == 0 ? BB_PN_YEAR : BB_PN_MONTH);
		v.n->kid[0] = a[0].n;
	}
	return v;
}

static struct tv cond_value(struct cc *c, const struct bb_ex *e);

static struct tv
value(struct cc *c, const struct bb_ex *e)
{
	struct tv v = err_tv();

	switch (e->kind) {
	case BB_EX_NUM:
		v.t = TY_NUM;
		v.n = pn_num(e->num);
		return v;
	case BB_EX_STR:
		v.t = TY_TEXT;
		v.n = pn(BB_PN_CONST);
		v.n->lit.type = BB_PV_TEXT;
		v.n->lit.text = bb_strdup(e->str);
		v.n->lit.len = strlen(e->str);
		v.lit = e->str;
		return v;
	case BB_EX_BOOL:
		v.t = TY_BOOL;
		v.n = pn(BB_PN_CONST);
		v.n->lit.type = BB_PV_BOOL;
		v.n->lit.num = e->num;
		return v;
	case BB_EX_DURATION:
		v.t = TY_DURATION;
		v.dur = e->num;
		v.unit = e->unit;
		return v;
	case BB_EX_FIELD:
		return field_value(c, e);
	case BB_EX_PERIOD_START:
	case BB_EX_PERIOD_END:
		v.t = TY_DATE;
		v.n = pn(e->kind == BB_EX_PERIOD_START ? BB_PN_PERIOD_START : BB_PN_PERIOD_END);
		return v;
	case BB_EX_CALL:
		return call(c, e);
	case BB_EX_NEG:
		v = value(c, e->kids[0]);
		if (v.t == TY_NUM) {
			struct bb_pnode *n = pn(BB_PN_NEG);
			n->kid[0] = v.n;
			v.n = n;
			v.field = NULL;
			return v;
		}
		if (v.t == TY_DURATION) {
			v.dur = -v.dur;
			return v;
		}
		if (v.t != TY_ERR) {
			char w[160];
			what(&v, w, sizeof(w));
			ERR(c, e->off, "'-' needs a number; %s", w);
		}
		tv_free(&v);
		return err_tv();
	case BB_EX_ARITH:
		return arith(c, e);
	default:
		return cond_value(c, e);
	}
}

/* A condition: the compiled node is a condition (wrapped when a boolean value). */
static struct bb_pnode *
condition(struct cc *c, const struct bb_ex *e, const char *where)
{
	struct tv v = value(c, e);
	char w[160];

	if (v.t == TY_BOOL)
		return as_cond(v.n);
	if (v.t != TY_ERR) {
		what(&v, w, sizeof(w));
		ERR(c, e->off, "%s must be true or false; %s", where, w);
	}
	tv_free(&v);
	return NULL;
}

static struct tv
cond_value(struct cc *c, const struct bb_ex *e)
{
	struct tv v = err_tv(), a, b, x;
	struct bb_pnode *l, *r;

	switch (e->kind) {
	case BB_EX_AND:
	case BB_EX_OR:
		l = condition(c, e->kids[0], e->kind == BB_EX_AND ?
		    "each side of 'and'" : "each side of 'or'");
		r = condition(c, e->kids[1], e->kind == BB_EX_AND ?
		    "each side of 'and'" : "each side of 'or'");
		if (l == NULL || r == NULL) {
			bb_pnode_free(l);
			bb_pnode_free(r);
			return v;
		}
		v.t = TY_BOOL;
		v.n = pn2(e->kind == BB_EX_AND ? BB_PN_AND : BB_PN_OR, l, r);
		return v;
	case BB_EX_NOT:
		if ((l = condition(c, e->kids[0], "what follows 'not'")) == NULL)
			return v;
		v.t = TY_BOOL;
		v.n = pn(BB_PN_NOT);
		v.n->kid[0] = l;
		return v;
	case BB_EX_CMP:
		a = value(c, e->kids[0]);
		b = value(c, e->kids[1]);
		if (!comparable(c, &a, &b, e->op_off, e->kids[0]->off, e->kids[1]->off,
		    cmp_text(e->op))) {
			tv_free(&a);
			tv_free(&b);
			return v;
		}
		if ((a.t == TY_TEXT || a.t == TY_BOOL) && e->op != BB_CMP_EQ &&
		    e->op != BB_CMP_NE) {
			ERR(c, e->op_off, "'%s' orders numbers and dates; %s can only be "
			    "compared with = and !=", cmp_text(e->op), ty_name(a.t));
			tv_free(&a);
			tv_free(&b);
			return v;
		}
		v.t = TY_BOOL;
		v.n = pn2(BB_PN_CMP, a.n, b.n);
		v.n->cmp = (enum bb_cmp)e->op;
		return v;
	case BB_EX_IN:
		a = value(c, e->kids[0]);
		if (a.t == TY_ERR)
			return v;
		if (a.t == TY_DURATION) {
			ERR(c, e->kids[0]->off, "a duration cannot be tested with 'in'");
			return v;
		}
		v.n = pn(BB_PN_IN);
		v.n->kid[0] = a.n;
		v.n->list = bb_calloc(e->nkids, sizeof(*v.n->list));
		for (size_t i = 1; i < e->nkids; i++) {
			x = value(c, e->kids[i]);
			if (!comparable(c, &x, &a, e->kids[i]->off, e->kids[i]->off,
			    e->kids[0]->off, "in")) {
				tv_free(&x);
				bb_pnode_free(v.n);
				return err_tv();
			}
			v.n->list[v.n->nlist++] = x.n->lit;
			x.n->lit.type = BB_PV_NULL;	/* the list owns the text now */
			x.n->lit.text = NULL;
			tv_free(&x);
		}
		v.t = TY_BOOL;
		if (e->negated) {
			struct bb_pnode *n = pn(BB_PN_NOT);
			n->kid[0] = v.n;
			v.n = n;
		}
		return v;
	case BB_EX_IS_NULL:
		a = value(c, e->kids[0]);
		if (a.t == TY_ERR)
			return v;
		if (a.t == TY_DURATION || a.lit || (a.n && a.n->kind == BB_PN_CONST)) {
			ERR(c, e->kids[0]->off, "'is null' tests a field or a value computed "
			    "from fields");
			tv_free(&a);
			return v;
		}
		v.t = TY_BOOL;
		v.n = pn(BB_PN_IS_NULL);
		v.n->kid[0] = a.n;
		if (e->negated) {
			struct bb_pnode *n = pn(BB_PN_NOT);
			n->kid[0] = v.n;
			v.n = n;
		}
		return v;
	case BB_EX_BETWEEN:
	case BB_EX_WITHIN:
		a = value(c, e->kids[0]);
		if (e->kind == BB_EX_WITHIN) {
			b = err_tv();
			b.t = TY_DATE;
			b.n = pn(BB_PN_PERIOD_START);
			x = err_tv();
			x.t = TY_DATE;
			x.n = pn(BB_PN_PERIOD_END);
			if (a.t != TY_DATE && a.t != TY_ERR) {
				char w[160];
				what(&a, w, sizeof(w));
				ERR(c, e->op_off, "'within period' needs a date; %s", w);
				a.t = TY_ERR;
			}
		} else {
			b = value(c, e->kids[1]);
			x = value(c, e->kids[2]);
		}
		size_t lo_off = e->kids[e->kind == BB_EX_WITHIN ? 0 : 1]->off;
		size_t hi_off = e->kids[e->kind == BB_EX_WITHIN ? 0 : 2]->off;
		if (a.t == TY_ERR ||
		    !comparable(c, &b, &a, lo_off, lo_off, e->kids[0]->off, "between") ||
		    !comparable(c, &x, &a, hi_off, hi_off, e->kids[0]->off, "between")) {
			tv_free(&a);
			tv_free(&b);
			tv_free(&x);
			return v;
		}
		if (a.t == TY_TEXT || a.t == TY_BOOL) {
			ERR(c, e->op_off, "'between' orders numbers and dates; %s cannot "
			    "be ordered", ty_name(a.t));
			tv_free(&a);
			tv_free(&b);
			tv_free(&x);
			return v;
		}
		v.t = TY_BOOL;
		v.n = pn(BB_PN_BETWEEN);
		v.n->kid[0] = a.n;
		v.n->kid[1] = b.n;
		v.n->kid[2] = x.n;
		if (e->negated) {
			struct bb_pnode *n = pn(BB_PN_NOT);
			n->kid[0] = v.n;
			v.n = n;
		}
		return v;
	default:
		ERR(c, e->off, "unexpected expression");
		return v;
	}
}

/* --- parts, groups, the plan --------------------------------------------------- */

static bool
is_count(enum bb_ex_agg a)
{
	return a == BB_EXA_COUNT_RECORDS || a == BB_EXA_COUNT_PEOPLE ||
	    a == BB_EXA_COUNT_DISTINCT;
}

static bool
compile_part(struct cc *c, const struct bb_ex_part *x, struct bb_plan_part *q,
    const struct bb_dataset **ds)
{
	size_t before = c->errors;

	q->windowed = !x->all;
	q->pct = x->pct;
	switch (x->agg) {
	case BB_EXA_COUNT_RECORDS: q->agg = BB_AGG_COUNT_RECORDS; break;
	case BB_EXA_COUNT_PEOPLE: q->agg = BB_AGG_COUNT_PEOPLE; break;
	case BB_EXA_COUNT_DISTINCT: q->agg = BB_AGG_COUNT_DISTINCT; break;
	case BB_EXA_SUM: q->agg = BB_AGG_SUM; break;
	case BB_EXA_MEAN: q->agg = BB_AGG_MEAN; break;
	case BB_EXA_MEDIAN: q->agg = BB_AGG_MEDIAN; break;
	case BB_EXA_PERCENTILE: q->agg = BB_AGG_PERCENTILE; break;
	case BB_EXA_MIN: q->agg = BB_AGG_MIN; break;
	case BB_EXA_MAX: q->agg = BB_AGG_MAX; break;
	}
	for (size_t i = 0; i < x->ndatasets; i++) {
		ds[i] = find_dataset(c->fw, x->datasets[i]);
		if (ds[i] == NULL) {
			const char **names = bb_calloc(c->fw->ndatasets + 1, sizeof(*names));
			char hint[96];
			for (size_t k = 0; k < c->fw->ndatasets; k++)
				names[k] = c->fw->datasets[k].id;
			suggest(x->datasets[i], names, c->fw->ndatasets, hint, sizeof(hint));
			free(names);
			ERR(c, x->ds_off[i], "unknown dataset '%s'%s", x->datasets[i], hint);
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (ds[k] == ds[i])
				ERR(c, x->ds_off[i], "dataset '%s' is named twice", ds[i]->id);
		if (ds[i]->kind == BB_DS_AGGREGATE && x->agg != BB_EXA_COUNT_RECORDS &&
		    x->agg != BB_EXA_COUNT_PEOPLE && x->agg != BB_EXA_SUM)
			ERR(c, x->off, "%s() cannot be computed from '%s': it holds "
			    "counts, not records (count(*) and count(distinct "
			    "participant) add up its counts; sum() adds a field)",
			    bb_ex_agg_name(x->agg), ds[i]->id);
		if (ds[i]->kind == BB_DS_AGGREGATE && ds[i]->count_field == NULL)
			ERR(c, x->ds_off[i], "aggregate dataset '%s' has no count_field",
			    ds[i]->id);
	}
	if (c->errors != before)
		return false;
	c->ds = ds;
	c->nds = x->ndatasets;
	q->sources = bb_calloc(x->ndatasets, sizeof(*q->sources));
	q->nsources = x->ndatasets;
	for (size_t i = 0; i < x->ndatasets; i++) {
		struct bb_plan_source *s = &q->sources[i];
		const struct bb_field *f;
		s->dataset = bb_strdup(ds[i]->id);
		s->aggregate = ds[i]->kind == BB_DS_AGGREGATE;
		s->count_slot = -1;
		s->date_slot = -1;
		if (s->aggregate && (f = find_field(ds[i], ds[i]->count_field)) != NULL)
			s->count_slot = slot_of(c->plan, f->name, TY_NUM);
		if (ds[i]->period_field &&
		    (f = find_field(ds[i], ds[i]->period_field)) != NULL &&
		    f->type == BB_FT_DATE)
			s->date_slot = slot_of(c->plan, f->name, TY_DATE);
	}
	if (x->arg) {
		struct tv a = value(c, x->arg);
		if (a.t != TY_ERR) {
			char w[160];
			what(&a, w, sizeof(w));
			if (x->agg == BB_EXA_COUNT_DISTINCT) {
				if (a.t == TY_DURATION || a.lit || a.n->kind == BB_PN_CONST) {
					ERR(c, x->arg->off, "count(distinct ...) counts the "
					    "values of a field; %s", w);
					tv_free(&a);
				}
			} else if (a.t != TY_NUM) {
				ERR(c, x->arg->off, "%s() needs a number; %s%s",
				    bb_ex_agg_name(x->agg), w, a.t == TY_DATE ?
				    " (a number of days is DATE - DATE)" : "");
				tv_free(&a);
			}
		}
		q->arg = a.n;
	}
	if (x->where)
		q->where = condition(c, x->where, "the condition after 'where'");
	return c->errors == before;
}

/* The value a band groups: a number, or TY_ERR after reporting. */
static struct tv
band_value(struct cc *c, const struct bb_ex_band *band)
{
	struct tv v = value(c, band->value);
	if (v.t == TY_NUM || v.t == TY_ERR)
		return v;
	char w[160];
	what(&v, w, sizeof(w));
	ERR(c, band->value->off, "band() needs a number (an age, a count); %s%s", w,
	    v.t == TY_DATE ? " (for an age write age(FIELD))" : "");
	tv_free(&v);
	return err_tv();
}

static const struct bb_field *
birth_date_field(const struct bb_dataset *ds)
{
	for (size_t i = 0; i < ds->nfields; i++)
		if (ds->fields[i].identity == BB_ID_BIRTH_DATE && ds->fields[i].type == BB_FT_DATE)
			return &ds->fields[i];
	return NULL;
}

static void
compile_groups(struct cc *c, const struct bb_ex_indicator *x,
    const struct bb_dataset **all, size_t nall)
{
	const struct bb_indicator *ind = c->ind;
	struct bb_plan *p = c->plan;

	p->groups = bb_calloc(ind->ndisaggregations + 1, sizeof(*p->groups));
	c->ds = all;
	c->nds = nall;
	for (size_t i = 0; i < ind->ndisaggregations; i++) {
		const char *name = ind->disaggregations[i];
		const struct bb_ex_band *band = NULL;
		struct bb_plan_group *g = &p->groups[p->ngroups];
		struct bb_loc loc = ind->loc, at;

		/* The place of this entry of the list, when the loader kept it. */
		if (c->fw->arena != NULL &&
		    (at = bb_fw_loc(c->fw, &ind->disaggregations[i])).line != 0)
			loc = at;

		for (size_t k = 0; k < x->nbands; k++)
			if (strcmp(x->bands[k].name, name) == 0)
				band = &x->bands[k];
		for (size_t k = 0; k < i; k++)
			if (strcmp(ind->disaggregations[k], name) == 0) {
				bb_findings_add(c->f, BB_SEV_ERROR, c->text->file, loc.line,
				    loc.col, "indicator", "indicator '%s': disaggregation "
				    "'%s' is listed twice", ind->id, name);
				c->errors++;
				band = NULL;
				name = NULL;
				break;
			}
		if (name == NULL)
			continue;
		if (band) {
			struct tv v = band_value(c, band);
			if (v.t != TY_NUM)
				continue;
			g->key = v.n;
			g->nbreaks = band->nbreaks;
			g->breaks = bb_calloc(band->nbreaks, sizeof(*g->breaks));
			memcpy(g->breaks, band->breaks, band->nbreaks * sizeof(*g->breaks));
			g->name = bb_strdup(name);
			p->ngroups++;
			continue;
		}
		/* A field of every dataset the indicator reads. */
		const struct bb_field *f = NULL;
		const struct bb_dataset *missing = NULL;
		for (size_t k = 0; k < nall; k++) {
			const struct bb_field *ff = find_field(all[k], name);
			if (ff == NULL && missing == NULL)
				missing = all[k];
			if (ff && f == NULL)
				f = ff;
		}
		if (missing == NULL && f) {
			if (f->type == BB_FT_DATE || f->type == BB_FT_DECIMAL) {
				bb_findings_add(c->f, BB_SEV_ERROR, c->text->file, loc.line,
				    loc.col, "indicator", "indicator '%s': disaggregation '%s' "
				    "is %s; group it with a band (with %s_band = band(...))",
				    ind->id, name, f->type == BB_FT_DATE ? "a date" :
				    "a decimal number", name);
				c->errors++;
				continue;
			}
			g->key = pn(BB_PN_FIELD);
			g->key->slot = slot_of(p, f->name, ty_of_field(f));
			g->name = bb_strdup(name);
			if (f->type == BB_FT_CODE && f->codes && f->codes->ncodes) {
				g->norder = f->codes->ncodes;
				g->order = bb_calloc(g->norder, sizeof(*g->order));
				for (size_t k = 0; k < g->norder; k++)
					g->order[k] = bb_strdup(f->codes->codes[k].code);
			}
			p->ngroups++;
			continue;
		}
		if (strcmp(name, "age_band") == 0) {
			const struct bb_field *bd = NULL;
			bool everywhere = nall > 0;
			for (size_t k = 0; k < nall; k++) {
				const struct bb_field *b = birth_date_field(all[k]);
				if (b == NULL || (bd && strcmp(bd->name, b->name) != 0))
					everywhere = false;
				if (bd == NULL)
					bd = b;
			}
			if (everywhere && bd) {
				static const double br[] = BB_AGE_BAND_BREAKS;
				struct bb_pnode *fld = pn(BB_PN_FIELD);
				fld->slot = slot_of(p, bd->name, TY_DATE);
				g->key = pn2(BB_PN_AGE, fld, pn(BB_PN_PERIOD_END));
				g->nbreaks = BB_ARRAY_LEN(br);
				g->breaks = bb_calloc(g->nbreaks, sizeof(*g->breaks));
				memcpy(g->breaks, br, sizeof(br));
				g->name = bb_strdup(name);
				p->ngroups++;
				continue;
			}
		}
		bb_findings_add(c->f, BB_SEV_ERROR, c->text->file, loc.line, loc.col,
		    "indicator", "indicator '%s': disaggregation '%s' is not a field of "
		    "dataset '%s' nor a band defined with 'with'%s", ind->id, name,
		    missing ? missing->id : "?", strcmp(name, "age_band") == 0 ?
		    " (the built-in age_band needs a birth date field with identity "
		    "birth_date)" : "");
		c->errors++;
	}
	for (size_t k = 0; k < x->nbands; k++) {
		bool listed = false;
		for (size_t i = 0; i < ind->ndisaggregations; i++)
			if (strcmp(ind->disaggregations[i], x->bands[k].name) == 0)
				listed = true;
		if (listed)
			continue;
		/* Check it all the same. */
		struct tv v = band_value(c, &x->bands[k]);
		if (v.t == TY_NUM)
			problem(c, BB_SEV_WARNING, x->bands[k].off, "band '%s' is defined "
			    "but not listed in the indicator's disaggregations",
			    x->bands[k].name);
		tv_free(&v);
	}
}

int
bb_measure_compile(const struct bb_framework *fw, const struct bb_indicator *ind,
    const struct bb_fw_text *text, struct bb_plan **out, struct bb_findings *f)
{
	struct bb_ex_indicator x;
	struct cc c;
	char *msg = NULL;
	size_t off = 0;
	const struct bb_dataset *ds[2][64], *all[128];
	size_t nall = 0;
	struct bb_fw_text deftext = { fw->source_name, NULL, 0 };

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.fw = fw;
	c.ind = ind;
	c.text = text ? text : &deftext;
	c.f = f;
	if (ind->compute == NULL)
		return BB_ERR_INPUT;
	if (bb_ex_parse(ind->compute, strlen(ind->compute), &x, &msg, &off) != BB_OK) {
		ERR(&c, off, "%s", msg);
		free(msg);
		return BB_ERR_INPUT;
	}
	c.plan = bb_calloc(1, sizeof(*c.plan));
	c.plan->indicator = bb_strdup(ind->id);
	c.plan->form = x.form == BB_EXF_PERCENT ? BB_FORM_PERCENT :
	    x.form == BB_EXF_RATIO ? BB_FORM_RATIO : BB_FORM_VALUE;
	c.plan->cadence = ind->cadence ? ind->cadence : BB_CAD_ANNUAL;
	bb_year_starts_of(fw, &c.plan->ys);
	c.plan->nparts = x.nparts;
	memset(ds, 0, sizeof(ds));
	for (size_t i = 0; i < x.nparts; i++) {
		if (x.part[i].ndatasets > 64) {
			ERR(&c, x.part[i].off, "more than 64 datasets");
			continue;
		}
		if (compile_part(&c, &x.part[i], &c.plan->part[i], ds[i]))
			for (size_t k = 0; k < x.part[i].ndatasets; k++) {
				bool seen = false;
				for (size_t j = 0; j < nall; j++)
					seen |= all[j] == ds[i][k];
				if (!seen)
					all[nall++] = ds[i][k];
			}
	}
	if (x.form == BB_EXF_PERCENT)
		for (size_t i = 0; i < x.nparts; i++)
			if (!is_count(x.part[i].agg))
				ERR(&c, x.part[i].off, "percent() takes two counts; the %s is "
				    "a %s (use ratio() for other aggregates)",
				    i == 0 ? "numerator" : "denominator",
				    bb_ex_agg_name(x.part[i].agg));
	if (c.errors == 0)
		compile_groups(&c, &x, all, nall);
	bb_ex_indicator_clear(&x);
	if (c.errors) {
		bb_plan_free(c.plan);
		return BB_ERR_INPUT;
	}
	*out = c.plan;
	return BB_OK;
}

int
bb_measure_check(const struct bb_framework *fw, const struct bb_fw_text *text,
    struct bb_findings *f)
{
	int rc = BB_OK;

	for (size_t i = 0; i < fw->noutcomes; i++)
		for (size_t k = 0; k < fw->outcomes[i].nindicators; k++) {
			const struct bb_indicator *ind = &fw->outcomes[i].indicators[k];
			struct bb_plan *p = NULL;
			if (ind->compute == NULL) {
				bb_findings_add(f, BB_SEV_WARNING, text ? text->file :
				    fw->source_name, ind->loc.line, ind->loc.col, "indicator",
				    "indicator '%s' has no compute expression: no values "
				    "will be computed for it", ind->id);
				continue;
			}
			if (bb_measure_compile(fw, ind, text, &p, f) != BB_OK)
				rc = BB_ERR_INPUT;
			bb_plan_free(p);
		}
	return rc;
}

void
bb_measure_plans_build(const struct bb_framework *fw, struct bb_measure_plans *out)
{
	struct bb_findings f;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < fw->noutcomes; i++)
		n += fw->outcomes[i].nindicators;
	out->ind = bb_calloc(n ? n : 1, sizeof(*out->ind));
	out->plan = bb_calloc(n ? n : 1, sizeof(*out->plan));
	bb_findings_init(&f);
	for (size_t i = 0; i < fw->noutcomes; i++)
		for (size_t k = 0; k < fw->outcomes[i].nindicators; k++) {
			const struct bb_indicator *ind = &fw->outcomes[i].indicators[k];
			out->ind[out->n] = ind;
			if (ind->compute)
				bb_measure_compile(fw, ind, NULL, &out->plan[out->n], &f);
			out->n++;
		}
	bb_findings_free(&f);
}

void
bb_measure_plans_free(struct bb_measure_plans *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		bb_plan_free(p->plan[i]);
	free(p->plan);
	free(p->ind);
	memset(p, 0, sizeof(*p));
}
