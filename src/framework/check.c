/*
 * check.c: what a framework means, checked: duplicate ids (pointing at the
 * second, naming the first's line), references that lead nowhere (with the
 * nearest name that exists), values outside their code lists, crosswalks
 * that map to missing fields or leave required ones empty, bad patterns and
 * date formats, ranges the wrong way round, malformed periods, and the
 * SMART lints on indicators (warnings).  docs/framework.md lists every
 * message.
 *
 * The model may be partial after shape errors (build.c), so every pointer is
 * tested before it is followed.  Lookups go through sorted name sets, so a
 * large hostile file costs n log n, not n squared.
 */
#include "framework/internal.h"
#include "framework/period.h"
#include "util/bb.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fwc {
	const struct bb_framework *fw;
	struct bb_findings *f;
	const char *file;
};

static void add(struct fwc *c, enum bb_severity sev, struct bb_loc l,
    const char *code, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
add(struct fwc *c, enum bb_severity sev, struct bb_loc l, const char *code,
    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bb_findings_add(c->f, sev, c->file, l.line, l.col, code, "%s", msg);
}

#define ERR(c, l, code, ...) add((c), BB_SEV_ERROR, (l), (code), __VA_ARGS__)
#define WARN(c, l, code, ...) add((c), BB_SEV_WARNING, (l), (code), __VA_ARGS__)

/* Where the value in `slot` was written, else `fallback`. */
static struct bb_loc
at(const struct fwc *c, const void *slot, struct bb_loc fallback)
{
	struct bb_loc l = bb_fw_loc(c->fw, slot);
	return l.line ? l : fallback;
}

static bool
iso_date(const char *s)
{
	int32_t day;
	return s != NULL && bb_date_parse_iso(s, &day);
}

/* --- name sets ----------------------------------------------------------- */

struct name {
	const char *name;
	struct bb_loc loc;
	size_t order;
	const void *what;	/* the element named */
};

struct nameset {
	struct name *v;
	size_t n, cap;
};

static void
ns_add(struct nameset *s, const char *name, struct bb_loc loc, const void *what)
{
	if (name == NULL)
		return;
	s->v = bb_grow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n].name = name;
	s->v[s->n].loc = loc;
	s->v[s->n].order = s->n;
	s->v[s->n].what = what;
	s->n++;
}

static int
cmp_name(const void *a, const void *b)
{
	const struct name *x = a, *y = b;
	int r = strcmp(x->name, y->name);
	if (r == 0)
		r = x->order < y->order ? -1 : x->order > y->order;
	return r;
}

/* Sort, and report every name seen before ("duplicate KIND 'x' (first at
 * line N)"); the set keeps the first of each. */
static void
ns_finish(struct fwc *c, struct nameset *s, const char *kind)
{
	size_t w = 0;

	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_name);
	for (size_t i = 0; i < s->n; i++) {
		if (w > 0 && strcmp(s->v[w - 1].name, s->v[i].name) == 0) {
			if (kind != NULL)
				ERR(c, s->v[i].loc, "duplicate-id",
				    "duplicate %s '%.100s' (first at line %u)", kind,
				    s->v[i].name, s->v[w - 1].loc.line);
			continue;
		}
		s->v[w++] = s->v[i];
	}
	s->n = w;
}

static const struct name *
ns_find(const struct nameset *s, const char *name)
{
	size_t lo = 0, hi = s->n;

	if (name == NULL)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(s->v[mid].name, name);
		if (r == 0)
			return &s->v[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* " (did you mean 'x'?)" or "", into buf. */
static const char *
ns_hint(struct fwc *c, const struct nameset *s, const char *name, char *buf,
    size_t bufsz)
{
	const char **cands;
	const char *near;

	buf[0] = '\0';
	/* Suggestions cost a pass over the set: stop offering them once a
	 * file has shown it is mostly wrong. */
	if (name == NULL || s->n == 0 || c->f->n > 200)
		return buf;
	cands = bb_calloc(s->n, sizeof(*cands));
	for (size_t i = 0; i < s->n; i++)
		cands[i] = s->v[i].name;
	near = bb_fw_nearest(name, cands, s->n);
	if (near != NULL)
		snprintf(buf, bufsz, " (did you mean '%s'?)", near);
	free(cands);
	return buf;
}

static void
ns_free(struct nameset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* The sets every check refers to. */
struct sets {
	struct nameset terms, code_lists, datasets, partners, bodies, all_fields;
	struct nameset *fields;	/* per dataset, parallel to fw->datasets */
};

/* A reference that must name a member of `s`; reports "PREFIX: KIND 'x'
 * is not WHAT (did you mean 'y'?)". */
static bool
ref(struct fwc *c, const struct nameset *s, const char *name, struct bb_loc l,
    const char *prefix, const char *kind, const char *what)
{
	char hint[160];

	if (name == NULL || ns_find(s, name) != NULL)
		return true;
	ERR(c, l, "unknown-ref", "%s%s%s '%.100s' is not %s%s", prefix ? prefix : "",
	    prefix ? ": " : "", kind, name, what, ns_hint(c, s, name, hint, sizeof(hint)));
	return false;
}

/* --- glossary and code lists --------------------------------------------- */

static void
check_glossary(struct fwc *c, struct sets *S)
{
	const struct bb_framework *fw = c->fw;

	for (size_t i = 0; i < fw->nglossary; i++) {
		const struct bb_glossary_term *t = &fw->glossary[i];
		ns_add(&S->terms, t->term, at(c, &t->term, t->loc), t);
		for (size_t k = 0; k < t->naliases; k++)
			ns_add(&S->terms, t->aliases[k], at(c, &t->aliases[k], t->loc), t);
	}
	ns_finish(c, &S->terms, "glossary term");
}

static void
check_code_lists(struct fwc *c, struct sets *S)
{
	const struct bb_framework *fw = c->fw;

	for (size_t i = 0; i < fw->ncode_lists; i++) {
		const struct bb_code_list *cl = &fw->code_lists[i];
		struct nameset codes = { 0 }, missing = { 0 };

		ns_add(&S->code_lists, cl->id, at(c, &cl->id, cl->loc), cl);
		for (size_t k = 0; k < cl->ncodes; k++)
			ns_add(&codes, cl->codes[k].code,
			    at(c, &cl->codes[k].code, cl->codes[k].loc), &cl->codes[k]);
		ns_finish(c, &codes, "code");
		for (size_t k = 0; k < cl->nmissing; k++) {
			const struct bb_missing_code *m = &cl->missing[k];
			const struct name *clash = ns_find(&codes, m->code);
			struct bb_loc l = at(c, &m->code, m->loc);
			if (clash != NULL)
				ERR(c, l, "code-clash", "missing code '%.100s' of code list "
				    "'%s' is also one of its codes (line %u)", m->code,
				    cl->id ? cl->id : "?", clash->loc.line);
			ns_add(&missing, m->code, l, m);
		}
		ns_finish(c, &missing, "missing code");
		ns_free(&codes);
		ns_free(&missing);
	}
	ns_finish(c, &S->code_lists, "code list id");
}

/* --- values -------------------------------------------------------------- */

static bool
is_code_of(const struct bb_code_list *cl, const char *v)
{
	for (size_t i = 0; cl && i < cl->ncodes; i++)
		if (bb_streq(cl->codes[i].code, v))
			return true;
	return false;
}

/* Is `v` a value field `f` can hold?  On no, the reason into why, to
 * follow the value ("not a whole number"). */
static bool
value_ok(const struct bb_field *f, const char *v, char *why, size_t whysz)
{
	double d;
	int64_t n;

	if (f == NULL || v == NULL || bb_fw_is_missing(f, v))
		return true;
	switch (f->type) {
	case BB_FT_CODE: {
		const struct bb_code_list *cl = f->codes;
		size_t off;
		if (cl == NULL || is_code_of(cl, v))
			return true;
		off = (size_t)snprintf(why, whysz, "not a code of code list '%s'", cl->id);
		if (cl->ncodes <= 20 && off < whysz) {
			off += (size_t)snprintf(why + off, whysz - off, " (codes:");
			for (size_t i = 0; i < cl->ncodes && off < whysz; i++)
				off += (size_t)snprintf(why + off, whysz - off, "%s %s",
				    i ? "," : "", cl->codes[i].code ? cl->codes[i].code : "?");
			for (size_t i = 0; i < cl->nmissing && off < whysz; i++)
				off += (size_t)snprintf(why + off, whysz - off, "%s %s",
				    i ? "," : "; missing codes:", cl->missing[i].code ?
				    cl->missing[i].code : "?");
			if (off < whysz)
				snprintf(why + off, whysz - off, ")");
		}
		return false;
	}
	case BB_FT_INTEGER:
		if (bb_parse_i64(v, &n) == BB_OK)
			return true;
		snprintf(why, whysz, "not a whole number");
		return false;
	case BB_FT_DECIMAL:
		if (bb_parse_double(v, &d) == BB_OK)
			return true;
		snprintf(why, whysz, "not a number");
		return false;
	case BB_FT_DATE:
		if (iso_date(v))
			return true;
		snprintf(why, whysz, "not a date written YYYY-MM-DD");
		return false;
	case BB_FT_BOOLEAN:
		if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
			return true;
		snprintf(why, whysz, "not true or false");
		return false;
	default:
		return true;
	}
}

/* --- datasets ------------------------------------------------------------ */

static bool
numeric(enum bb_field_type t)
{
	return t == BB_FT_INTEGER || t == BB_FT_DECIMAL;
}

static void
check_field(struct fwc *c, struct sets *S, const struct bb_field *f)
{
	const char *nm = f->name ? f->name : "?";

	if (f->type == BB_FT_CODE && f->code_list == NULL)
		ERR(c, f->loc, "missing-key", "field '%s' is of type code but names "
		    "no code_list", nm);
	if (f->type != 0 && f->type != BB_FT_CODE && f->code_list != NULL)
		ERR(c, at(c, &f->code_list, f->loc), "bad-value", "field '%s' has a "
		    "code_list but is of type %s (use type: code)", nm,
		    bb_field_type_name(f->type));
	if (f->type == BB_FT_CODE && f->code_list != NULL) {
		char p[160];
		snprintf(p, sizeof(p), "field '%s'", nm);
		ref(c, &S->code_lists, f->code_list, at(c, &f->code_list, f->loc), p,
		    "code list", "defined");
	}
	if (f->pattern != NULL) {
		regex_t re;
		int rc = regcomp(&re, f->pattern, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			char buf[200];
			regerror(rc, &re, buf, sizeof(buf));
			ERR(c, at(c, &f->pattern, f->loc), "bad-pattern", "field '%s': "
			    "bad pattern '%.100s': %s", nm, f->pattern, buf);
		} else
			regfree(&re);
	}
	if (f->has_min && f->has_max && f->min > f->max) {
		char a[40], b[40];
		bb_format_double(a, sizeof(a), f->min, 6);
		bb_format_double(b, sizeof(b), f->max, 6);
		ERR(c, at(c, &f->min, f->loc), "bad-range", "field '%s': min %s is "
		    "greater than max %s", nm, a, b);
	}
	if (f->min_date && f->max_date && strcmp(f->min_date, f->max_date) > 0)
		ERR(c, at(c, &f->min_date, f->loc), "bad-range", "field '%s': min %s "
		    "is after max %s", nm, f->min_date, f->max_date);
	if (f->max_length && f->type != 0 && f->type != BB_FT_TEXT &&
	    f->type != BB_FT_CODE)
		ERR(c, at(c, &f->max_length, f->loc), "bad-value", "field '%s': "
		    "max_length applies only to text and code fields", nm);
	if (f->identity == BB_ID_BIRTH_DATE && f->type != 0 && f->type != BB_FT_DATE)
		ERR(c, at(c, &f->identity, f->loc), "bad-value", "field '%s' has "
		    "identity birth_date but is of type %s (use type: date)", nm,
		    bb_field_type_name(f->type));
	{
		struct nameset ms = { 0 };
		for (size_t k = 0; k < f->nmissing; k++) {
			const struct bb_missing_code *m = &f->missing[k];
			struct bb_loc l = at(c, &m->code, m->loc);
			if (f->codes != NULL && is_code_of(f->codes, m->code))
				ERR(c, l, "code-clash", "missing code '%.100s' of field '%s' "
				    "is also a code of code list '%s'", m->code, nm,
				    f->codes->id);
			ns_add(&ms, m->code, l, m);
		}
		ns_finish(c, &ms, "missing code");
		ns_free(&ms);
	}
}

static const char *
rule_name(const struct bb_rule *r)
{
	return r->id ? r->id : "?";
}

static bool
comparable(enum bb_field_type a, enum bb_field_type b)
{
	return a == b || (numeric(a) && numeric(b)) || a == 0 || b == 0;
}

static void
check_rule(struct fwc *c, const struct bb_dataset *ds, struct nameset *fields,
    const struct bb_rule *r)
{
	const struct name *ln, *rn;
	char p[160], hint[160];
	const char *dsid = ds->id ? ds->id : "?";
	struct bb_loc l = at(c, &r->text, r->loc);

	if (r->left == NULL)
		return;
	snprintf(p, sizeof(p), "rule '%s'", rule_name(r));
	if ((ln = ns_find(fields, r->left)) == NULL) {
		ERR(c, l, "unknown-ref", "%s: '%.100s' is not a field of dataset "
		    "'%s'%s", p, r->left, dsid, ns_hint(c, fields, r->left, hint,
		    sizeof(hint)));
		return;
	}
	if (!r->right_is_literal) {
		const struct bb_field *lf = ln->what, *rf;
		if ((rn = ns_find(fields, r->right)) == NULL) {
			ERR(c, l, "unknown-ref", "%s: '%.100s' is not a field of dataset "
			    "'%s'%s", p, r->right, dsid, ns_hint(c, fields, r->right,
			    hint, sizeof(hint)));
			return;
		}
		rf = rn->what;
		if (r->op != BB_OP_REQUIRES && !comparable(lf->type, rf->type))
			ERR(c, l, "bad-rule", "%s: compares %s field '%s' with %s "
			    "field '%s'", p, bb_field_type_name(lf->type), lf->name,
			    bb_field_type_name(rf->type), rf->name);
		return;
	}
	{
		const struct bb_field *lf = ln->what;
		double d;
		if (lf->type == BB_FT_DATE && !iso_date(r->right))
			ERR(c, l, "bad-rule", "%s: '%.100s' is not a date (YYYY-MM-DD) "
			    "for date field '%s'", p, r->right, lf->name);
		else if (numeric(lf->type) && bb_parse_double(r->right, &d) != BB_OK)
			ERR(c, l, "bad-rule", "%s: '%.100s' is not a number for %s "
			    "field '%s'", p, r->right, bb_field_type_name(lf->type),
			    lf->name);
	}
}

static void
check_dataset(struct fwc *c, struct sets *S, const struct bb_dataset *ds,
    struct nameset *fieldset)
{
	struct nameset fields = { 0 }, rules = { 0 };
	const struct bb_field *by_role[BB_ID__COUNT] = { 0 };
	const char *dsid = ds->id ? ds->id : "?";
	const struct name *n;
	char hint[160];

	for (size_t i = 0; i < ds->nfields; i++) {
		const struct bb_field *f = &ds->fields[i];
		ns_add(&fields, f->name, at(c, &f->name, f->loc), f);
		ns_add(&S->all_fields, f->name, f->loc, f);
		check_field(c, S, f);
		if (f->identity != BB_ID_NONE && f->identity < BB_ID__COUNT) {
			if (by_role[f->identity] != NULL)
				ERR(c, at(c, &f->identity, f->loc), "duplicate-id",
				    "identity '%s' is already the role of field '%s' "
				    "(line %u)", bb_identity_role_name(f->identity),
				    by_role[f->identity]->name ? by_role[f->identity]->name :
				    "?", by_role[f->identity]->loc.line);
			else
				by_role[f->identity] = f;
		}
	}
	ns_finish(c, &fields, "field");
	if (ds->period_field != NULL) {
		struct bb_loc l = at(c, &ds->period_field, ds->loc);
		if ((n = ns_find(&fields, ds->period_field)) == NULL)
			ERR(c, l, "unknown-ref", "period_field '%.100s' is not a field of "
			    "dataset '%s'%s", ds->period_field, dsid,
			    ns_hint(c, &fields, ds->period_field, hint, sizeof(hint)));
		else if (((const struct bb_field *)n->what)->type != BB_FT_DATE)
			ERR(c, l, "bad-value", "period_field '%s' must be a date field",
			    ds->period_field);
	}
	if (ds->count_field != NULL) {
		struct bb_loc l = at(c, &ds->count_field, ds->loc);
		if (ds->kind != BB_DS_AGGREGATE)
			ERR(c, l, "bad-value", "count_field applies only to aggregate "
			    "datasets (kind: aggregate)");
		else if ((n = ns_find(&fields, ds->count_field)) == NULL)
			ERR(c, l, "unknown-ref", "count_field '%.100s' is not a field of "
			    "dataset '%s'%s", ds->count_field, dsid,
			    ns_hint(c, &fields, ds->count_field, hint, sizeof(hint)));
		else if (((const struct bb_field *)n->what)->type != BB_FT_INTEGER)
			ERR(c, l, "bad-value", "count_field '%s' must be an integer field",
			    ds->count_field);
	} else if (ds->kind == BB_DS_AGGREGATE)
		ERR(c, ds->loc, "missing-key", "aggregate dataset '%s' needs a "
		    "count_field (the integer field holding each cell's count)", dsid);
	for (size_t i = 0; i < ds->nrules; i++) {
		ns_add(&rules, ds->rules[i].id, at(c, &ds->rules[i].id, ds->rules[i].loc),
		    &ds->rules[i]);
		check_rule(c, ds, &fields, &ds->rules[i]);
	}
	ns_finish(c, &rules, "rule id");
	*fieldset = fields;
	ns_free(&rules);
}

/* --- partners and crosswalks --------------------------------------------- */

/* Which fields a crosswalk fills, and where first. */
struct filled {
	const struct bb_dataset *ds;
	const struct nameset *fields;
	struct bb_loc *first;	/* per field; line 0 = not filled */
	char **by;		/* per field: what fills it ("column 'Age'") */
	const char *xwp;	/* "crosswalk for 'x'" */
};

static const struct bb_field *
xw_field(struct fwc *c, struct filled *F, const char *name, struct bb_loc l,
    const char *role)
{
	const struct name *n;
	char hint[160];

	if (name == NULL)
		return NULL;
	if ((n = ns_find(F->fields, name)) != NULL)
		return n->what;
	ERR(c, l, "unknown-ref", "%s: %s '%.100s', which is not a field of dataset "
	    "'%s'%s", F->xwp, role, name, F->ds->id ? F->ds->id : "?",
	    ns_hint(c, F->fields, name, hint, sizeof(hint)));
	return NULL;
}

/* Note that `by` (at l) fills f; a second filler is an error. */
static void
fill(struct fwc *c, struct filled *F, const struct bb_field *f, struct bb_loc l,
    const char *by)
{
	size_t i = (size_t)(f - F->ds->fields);

	if (F->first[i].line != 0)
		ERR(c, l, "filled-twice", "%s: field '%s' is filled twice: by %s "
		    "(line %u) and by %s", F->xwp, f->name, F->by[i],
		    F->first[i].line, by);
	else {
		F->first[i] = l;
		F->by[i] = bb_strdup(by);
	}
}

static void
check_xw_values(struct fwc *c, struct filled *F, const struct bb_crosswalk *xw)
{
	const struct bb_field *f;
	char why[400];

	for (size_t i = 0; i < xw->ncodes; i++) {
		const struct bb_xw_codemap *cm = &xw->codes[i];
		f = xw_field(c, F, cm->field, cm->loc, "'codes' names field");
		for (size_t k = 0; f != NULL && k < cm->npairs; k++)
			if (!value_ok(f, cm->pairs[k].to, why, sizeof(why)))
				ERR(c, at(c, &cm->pairs[k].to, cm->pairs[k].loc), "bad-code",
				    "%s: code map of field '%s' maps '%.60s' to '%.60s', "
				    "which is %s", F->xwp, f->name, cm->pairs[k].from ?
				    cm->pairs[k].from : "?", cm->pairs[k].to, why);
	}
	for (size_t i = 0; i < xw->ndates; i++) {
		const struct bb_xw_date *d = &xw->dates[i];
		const char *bad;
		f = xw_field(c, F, d->field, d->loc, "'dates' names field");
		if (f != NULL && f->type != 0 && f->type != BB_FT_DATE)
			ERR(c, d->loc, "bad-value", "%s: 'dates' names field '%s', which "
			    "is a %s field, not a date field", F->xwp, f->name,
			    bb_field_type_name(f->type));
		if (d->format != NULL && bb_fw_date_format_check(d->format, &bad) != BB_OK)
			ERR(c, at(c, &d->format, d->loc), "bad-date-format", "%s: date "
			    "format '%.60s' of field '%s' %s", F->xwp, d->format,
			    d->field ? d->field : "?", bad);
	}
	for (size_t i = 0; i < xw->nscales; i++) {
		const struct bb_xw_scale *s = &xw->scales[i];
		f = xw_field(c, F, s->field, s->loc, "'scale' names field");
		if (f != NULL && f->type != 0 && !numeric(f->type))
			ERR(c, s->loc, "bad-value", "%s: 'scale' names field '%s', which "
			    "is a %s field, not a number", F->xwp, f->name,
			    bb_field_type_name(f->type));
		if (s->factor == 0)
			ERR(c, at(c, &s->factor, s->loc), "bad-value", "%s: the scale of "
			    "field '%s' must not be 0", F->xwp, s->field ? s->field : "?");
	}
	for (size_t i = 0; i < xw->nconstants; i++) {
		const struct bb_xw_constant *k = &xw->constants[i];
		f = xw_field(c, F, k->field, k->loc, "'constants' names field");
		if (f == NULL)
			continue;
		fill(c, F, f, k->loc, "constant");
		if (!value_ok(f, k->value, why, sizeof(why)))
			ERR(c, at(c, &k->value, k->loc), "bad-code", "%s: constant "
			    "'%.60s' of field '%s' is %s", F->xwp, k->value, f->name, why);
	}
}

static void
check_crosswalk(struct fwc *c, struct sets *S, const struct bb_partner *p,
    const struct nameset *owed, const struct bb_crosswalk *xw)
{
	struct filled F;
	const struct name *dn;
	const struct bb_field *f;
	char xwp[200];

	if (xw->dataset == NULL)
		return;
	snprintf(xwp, sizeof(xwp), "crosswalk for '%s'", xw->dataset);
	if (!ref(c, &S->datasets, xw->dataset, at(c, &xw->dataset, xw->loc),
	    xwp, "dataset", "a dataset"))
		return;
	dn = ns_find(&S->datasets, xw->dataset);
	F.ds = dn->what;
	F.fields = &S->fields[F.ds - c->fw->datasets];
	F.xwp = xwp;
	F.first = bb_calloc(F.ds->nfields + 1, sizeof(*F.first));
	F.by = bb_calloc(F.ds->nfields + 1, sizeof(*F.by));
	if (ns_find(owed, xw->dataset) == NULL)
		WARN(c, at(c, &xw->dataset, xw->loc), "no-obligation",
		    "partner '%s' has a crosswalk for dataset '%s' but no "
		    "obligation for it", p->id ? p->id : "?", xw->dataset);
	for (size_t i = 0; i < xw->ncolumns; i++) {
		const struct bb_xw_column *col = &xw->columns[i];
		char role[160];
		snprintf(role, sizeof(role), "column '%.60s' maps to",
		    col->column ? col->column : "?");
		f = xw_field(c, &F, col->field, at(c, &col->field, col->loc), role);
		snprintf(role, sizeof(role), "column '%.60s'",
		    col->column ? col->column : "?");
		if (f != NULL)
			fill(c, &F, f, col->loc, role);
	}
	for (size_t i = 0; i < xw->nsplits; i++) {
		const struct bb_xw_split *s = &xw->splits[i];
		for (size_t k = 0; k < s->ninto; k++) {
			char role[160];
			if (s->into[k] == NULL || *s->into[k] == '\0')
				continue;
			snprintf(role, sizeof(role), "split of column '%.60s' fills",
			    s->column ? s->column : "?");
			f = xw_field(c, &F, s->into[k], at(c, &s->into[k], s->loc), role);
			snprintf(role, sizeof(role), "the split of column '%.60s'",
			    s->column ? s->column : "?");
			if (f != NULL)
				fill(c, &F, f, at(c, &s->into[k], s->loc), role);
		}
	}
	for (size_t i = 0; i < xw->njoins; i++) {
		const struct bb_xw_join *j = &xw->joins[i];
		f = xw_field(c, &F, j->into, at(c, &j->into, j->loc),
		    "join fills");
		if (f != NULL)
			fill(c, &F, f, at(c, &j->into, j->loc), "a join");
	}
	check_xw_values(c, &F, xw);
	for (size_t i = 0; i < F.ds->nfields; i++)
		if (F.ds->fields[i].required && F.first[i].line == 0 &&
		    F.ds->fields[i].name != NULL)
			ERR(c, xw->loc, "unfilled-field", "%s never fills required "
			    "field '%s'", xwp, F.ds->fields[i].name);
	bb_strv_free(F.by, F.ds->nfields);
	free(F.first);
}

static void
check_partner(struct fwc *c, struct sets *S, const struct bb_partner *p)
{
	struct nameset owed = { 0 }, xws = { 0 };
	const char *pid = p->id ? p->id : "?";
	char pp[160];

	snprintf(pp, sizeof(pp), "partner '%s'", pid);
	for (size_t i = 0; i < p->nobligations; i++) {
		const struct bb_obligation *o = &p->obligations[i];
		struct bb_loc l = at(c, &o->dataset, o->loc);
		const struct name *dn;
		ns_add(&owed, o->dataset, l, o);
		if (!ref(c, &S->datasets, o->dataset, l, "obligation", "dataset",
		    "a dataset"))
			continue;
		dn = ns_find(&S->datasets, o->dataset);
		if (dn != NULL && p->sharing == BB_SHARE_AGGREGATES &&
		    ((const struct bb_dataset *)dn->what)->kind == BB_DS_RECORDS)
			ERR(c, l, "bad-value", "partner '%s' shares aggregates only but "
			    "owes records dataset '%s'", pid, o->dataset);
	}
	ns_finish(c, &owed, "obligation for dataset");
	for (size_t i = 0; i < p->ncrosswalks; i++) {
		const struct bb_crosswalk *xw = &p->crosswalks[i];
		ns_add(&xws, xw->dataset, at(c, &xw->dataset, xw->loc), xw);
		check_crosswalk(c, S, p, &owed, xw);
	}
	ns_finish(c, &xws, "crosswalk for dataset");
	ns_free(&owed);
	ns_free(&xws);
}

/* --- outcomes and indicators --------------------------------------------- */

static void
check_indicator(struct fwc *c, struct sets *S, const struct bb_indicator *ind)
{
	const char *id = ind->id ? ind->id : "?";
	struct nameset periods = { 0 };
	struct bb_year_starts ys;
	struct bb_period per;
	const char *why;
	char p[160];

	snprintf(p, sizeof(p), "indicator '%s'", id);
	for (size_t i = 0; i < ind->nterms; i++)
		ref(c, &S->terms, ind->terms[i], at(c, &ind->terms[i], ind->loc), p,
		    "glossary term", "defined");
	for (size_t i = 0; i < ind->nowners; i++)
		ref(c, &S->partners, ind->owners[i], at(c, &ind->owners[i], ind->loc),
		    p, "owner", "a partner");
	/* With a compute expression, measure/ checks each disaggregation
	 * against the indicator's own datasets and its bands (`with`). */
	for (size_t i = 0; ind->compute == NULL && i < ind->ndisaggregations; i++)
		ref(c, &S->all_fields, ind->disaggregations[i],
		    at(c, &ind->disaggregations[i], ind->loc), p, "disaggregation",
		    "a field of any dataset");
	bb_year_starts_of(c->fw, &ys);
	if (ind->baseline_period != NULL &&
	    bb_period_parse(ind->baseline_period, &ys, &per, &why) != BB_OK)
		ERR(c, at(c, &ind->baseline_period, ind->loc), "bad-period",
		    "%s: baseline period '%.60s' %s", p, ind->baseline_period, why);
	for (size_t i = 0; i < ind->ntargets; i++) {
		const struct bb_target *t = &ind->targets[i];
		struct bb_loc l = at(c, &t->period, t->loc);
		if (t->period == NULL)
			continue;
		if (bb_period_parse(t->period, &ys, &per, &why) != BB_OK)
			ERR(c, l, "bad-period", "%s: target period '%.60s' %s", p,
			    t->period, why);
		ns_add(&periods, t->period, l, t);
	}
	ns_finish(c, &periods, "target period");
	ns_free(&periods);

	/* SMART: specific, measurable, assignable, realistic, time-bound. */
	if (ind->definition == NULL || *ind->definition == '\0')
		WARN(c, ind->loc, "smart", "indicator '%s' has no definition (SMART: "
		    "specific)", id);
	if (ind->unit == NULL || *ind->unit == '\0')
		WARN(c, ind->loc, "smart", "indicator '%s' has no unit (SMART: "
		    "measurable)", id);
	if (ind->compute == NULL || *ind->compute == '\0')
		WARN(c, ind->loc, "smart", "indicator '%s' has no compute expression "
		    "(SMART: measurable)", id);
	if (ind->nowners == 0)
		WARN(c, ind->loc, "smart", "indicator '%s' has no owner (SMART: "
		    "assignable)", id);
	if (ind->ntargets == 0)
		WARN(c, ind->loc, "smart", "indicator '%s' has no target (SMART: "
		    "time-bound)", id);
	if (ind->cadence == 0)
		WARN(c, ind->loc, "smart", "indicator '%s' has no cadence (SMART: "
		    "time-bound)", id);
}

static void
check_outcomes(struct fwc *c, struct sets *S)
{
	const struct bb_framework *fw = c->fw;
	struct nameset outcomes = { 0 }, indicators = { 0 };

	for (size_t i = 0; i < fw->noutcomes; i++) {
		const struct bb_outcome *oc = &fw->outcomes[i];
		ns_add(&outcomes, oc->id, at(c, &oc->id, oc->loc), oc);
		if (oc->nindicators == 0)
			WARN(c, oc->loc, "smart", "outcome '%s' has no indicators",
			    oc->id ? oc->id : "?");
		for (size_t k = 0; k < oc->nindicators; k++) {
			const struct bb_indicator *ind = &oc->indicators[k];
			ns_add(&indicators, ind->id, at(c, &ind->id, ind->loc), ind);
			check_indicator(c, S, ind);
		}
	}
	ns_finish(c, &outcomes, "outcome id");
	ns_finish(c, &indicators, "indicator id");
	ns_free(&outcomes);
	ns_free(&indicators);
}

/* --- calendar, confidentiality, decision rights -------------------------- */

static void
check_calendar(struct fwc *c)
{
	const struct bb_calendar *cal = &c->fw->calendar;
	struct nameset cads = { 0 }, ids = { 0 };

	for (size_t i = 0; i < cal->ndeadlines; i++)
		if (cal->deadlines[i].cadence != 0)
			ns_add(&cads, bb_cadence_name(cal->deadlines[i].cadence),
			    cal->deadlines[i].loc, &cal->deadlines[i]);
	ns_finish(c, &cads, "deadline for cadence");
	for (size_t i = 0; i < cal->nperiods; i++) {
		const struct bb_period_def *pd = &cal->periods[i];
		const char *id = pd->id ? pd->id : "?";
		ns_add(&ids, pd->id, at(c, &pd->id, pd->loc), pd);
		if (pd->start && !iso_date(pd->start))
			ERR(c, at(c, &pd->start, pd->loc), "bad-value", "period '%s': "
			    "start '%.60s' is not a date written YYYY-MM-DD", id, pd->start);
		else if (pd->end && !iso_date(pd->end))
			ERR(c, at(c, &pd->end, pd->loc), "bad-value", "period '%s': end "
			    "'%.60s' is not a date written YYYY-MM-DD", id, pd->end);
		else if (pd->start && pd->end && strcmp(pd->start, pd->end) > 0)
			ERR(c, at(c, &pd->start, pd->loc), "bad-range", "period '%s': "
			    "start %s is after end %s", id, pd->start, pd->end);
		if (pd->due && !iso_date(pd->due))
			ERR(c, at(c, &pd->due, pd->loc), "bad-value", "period '%s': due "
			    "'%.60s' is not a date written YYYY-MM-DD", id, pd->due);
	}
	ns_finish(c, &ids, "period id");
	ns_free(&cads);
	ns_free(&ids);
}

static void
check_rights(struct fwc *c, struct sets *S)
{
	const struct bb_framework *fw = c->fw;
	const struct bb_confidentiality *cf = &fw->confidentiality;
	struct nameset actions = { 0 };

	for (size_t i = 0; i < cf->nrestricted; i++)
		ref(c, &S->all_fields, cf->restricted_fields[i],
		    at(c, &cf->restricted_fields[i], cf->loc), "confidentiality",
		    "restricted field", "a field of any dataset");
	for (size_t i = 0; i < fw->nbodies; i++) {
		const struct bb_body *b = &fw->bodies[i];
		char p[160];
		snprintf(p, sizeof(p), "body '%s'", b->id ? b->id : "?");
		for (size_t k = 0; k < b->nmembers; k++)
			ref(c, &S->partners, b->members[k], at(c, &b->members[k], b->loc),
			    p, "member", "a partner");
	}
	for (size_t i = 0; i < fw->ndecision_rights; i++) {
		const struct bb_decision_right *r = &fw->decision_rights[i];
		char p[160];
		snprintf(p, sizeof(p), "decision rule '%s'", r->action ? r->action : "?");
		ns_add(&actions, r->action, at(c, &r->action, r->loc), r);
		if (r->napprovers == 0 && r->approvers != NULL)
			ERR(c, r->loc, "missing-key", "%s names no approvers", p);
		for (size_t k = 0; k < r->napprovers; k++)
			ref(c, &S->bodies, r->approvers[k], at(c, &r->approvers[k], r->loc),
			    p, "approver", "a body");
	}
	ns_finish(c, &actions, "decision rule for");
	ns_free(&actions);
}

void
bb_fw_check(const struct bb_framework *fw, struct bb_findings *f)
{
	struct fwc c = { fw, f, fw->source_name };
	struct sets S;

	memset(&S, 0, sizeof(S));
	check_glossary(&c, &S);
	check_code_lists(&c, &S);
	for (size_t i = 0; i < fw->ndatasets; i++)
		ns_add(&S.datasets, fw->datasets[i].id,
		    at(&c, &fw->datasets[i].id, fw->datasets[i].loc), &fw->datasets[i]);
	ns_finish(&c, &S.datasets, "dataset id");
	for (size_t i = 0; i < fw->npartners; i++)
		ns_add(&S.partners, fw->partners[i].id,
		    at(&c, &fw->partners[i].id, fw->partners[i].loc), &fw->partners[i]);
	ns_finish(&c, &S.partners, "partner id");
	for (size_t i = 0; i < fw->nbodies; i++)
		ns_add(&S.bodies, fw->bodies[i].id,
		    at(&c, &fw->bodies[i].id, fw->bodies[i].loc), &fw->bodies[i]);
	ns_finish(&c, &S.bodies, "body id");

	S.fields = bb_calloc(fw->ndatasets + 1, sizeof(*S.fields));
	for (size_t i = 0; i < fw->ndatasets; i++)
		check_dataset(&c, &S, &fw->datasets[i], &S.fields[i]);
	ns_finish(&c, &S.all_fields, NULL);
	for (size_t i = 0; i < fw->npartners; i++)
		check_partner(&c, &S, &fw->partners[i]);
	check_outcomes(&c, &S);
	check_calendar(&c);
	check_rights(&c, &S);

	ns_free(&S.terms);
	ns_free(&S.code_lists);
	ns_free(&S.datasets);
	ns_free(&S.partners);
	ns_free(&S.bodies);
	ns_free(&S.all_fields);
	for (size_t i = 0; i < fw->ndatasets; i++)
		ns_free(&S.fields[i]);
	free(S.fields);
}
