/*
 * canonical.c: the canonical JSON form of a framework and of each
 * crosswalk, and the content hashes taken over it.
 *
 * The form is compact JSON with keys in the fixed order of this file (the
 * order docs/framework.md lists them), no locations, defaults filled in,
 * absent optional values and empty lists left out.  Lists keep the file's
 * order (it is content: the order of fields is the order of columns);
 * mappings a partner writes (crosswalk columns, codes, dates, scale,
 * constants) are sorted by key, since their order means nothing.  Whole
 * numbers print as integers, others with 15 significant digits.  So two
 * files that differ only in comments, spacing, quoting style or key order
 * hash the same.
 */
#include "framework/internal.h"
#include "util/bb.h"
#include "util/hash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

void
bb_fw_json_str(json_t *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, k, json_string(v));
}

json_t *
bb_fw_json_number(double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}


static void
put_strs(json_t *o, const char *k, char *const *v, size_t n)
{
	json_t *a;

	if (n == 0)
		return;
	a = json_array();
	for (size_t i = 0; i < n; i++)
		if (v[i] != NULL)
			json_array_append_new(a, json_string(v[i]));
	json_object_set_new(o, k, a);
}

json_t *
bb_fw_json_missing(const struct bb_missing_code *m, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *x = json_object();
		bb_fw_json_str(x, "code", m[i].code);
		bb_fw_json_str(x, "meaning", m[i].meaning);
		json_array_append_new(a, x);
	}
	return a;
}

static void
put_missing(json_t *o, const struct bb_missing_code *m, size_t n)
{
	if (n > 0)
		json_object_set_new(o, "missing", bb_fw_json_missing(m, n));
}

json_t *
bb_fw_json_code_list(const struct bb_code_list *cl)
{
	json_t *x = json_object(), *codes = json_array();

	bb_fw_json_str(x, "id", cl->id);
	bb_fw_json_str(x, "name", cl->name);
	for (size_t k = 0; k < cl->ncodes; k++) {
		json_t *c = json_object();
		bb_fw_json_str(c, "code", cl->codes[k].code);
		bb_fw_json_str(c, "label", cl->codes[k].label);
		json_array_append_new(codes, c);
	}
	json_object_set_new(x, "codes", codes);
	put_missing(x, cl->missing, cl->nmissing);
	return x;
}

/* --- sorted pair maps ---------------------------------------------------- */

struct kv {
	const char *key;
	json_t *value;
};

static int
cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

/* An object of n pairs sorted by key; frees v, steals the values. */
static json_t *
sorted_object(struct kv *v, size_t n)
{
	json_t *m = json_object();

	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_kv);
	for (size_t i = 0; i < n; i++)
		json_object_set_new(m, v[i].key, v[i].value);
	free(v);
	return m;
}

/* The same under o[k], or nothing when n is 0. */
static void
put_sorted(json_t *o, const char *k, struct kv *v, size_t n)
{
	if (n == 0)
		free(v);
	else
		json_object_set_new(o, k, sorted_object(v, n));
}

/* --- crosswalks ---------------------------------------------------------- */

static json_t *
crosswalk_json(const struct bb_crosswalk *xw)
{
	json_t *o = json_object(), *a;
	struct kv *v;
	size_t n;

	bb_fw_json_str(o, "dataset", xw->dataset);
	bb_fw_json_str(o, "sheet", xw->sheet);
	bb_fw_json_str(o, "file", xw->file);
	bb_fw_json_str(o, "format", xw->format);
	bb_fw_json_str(o, "encoding", xw->encoding);

	v = bb_calloc(xw->ncolumns + 1, sizeof(*v));
	for (n = 0; n < xw->ncolumns; n++)
		v[n] = (struct kv){ xw->columns[n].column ? xw->columns[n].column : "",
		    json_string(xw->columns[n].field ? xw->columns[n].field : "") };
	put_sorted(o, "columns", v, n);

	v = bb_calloc(xw->ncodes + 1, sizeof(*v));
	for (n = 0; n < xw->ncodes; n++) {
		const struct bb_xw_codemap *cm = &xw->codes[n];
		struct kv *pv = bb_calloc(cm->npairs + 1, sizeof(*pv));
		for (size_t k = 0; k < cm->npairs; k++)
			pv[k] = (struct kv){ cm->pairs[k].from ? cm->pairs[k].from : "",
			    json_string(cm->pairs[k].to ? cm->pairs[k].to : "") };
		v[n] = (struct kv){ cm->field ? cm->field : "",
		    sorted_object(pv, cm->npairs) };
	}
	put_sorted(o, "codes", v, n);

	v = bb_calloc(xw->ndates + 1, sizeof(*v));
	for (n = 0; n < xw->ndates; n++)
		v[n] = (struct kv){ xw->dates[n].field ? xw->dates[n].field : "",
		    json_string(xw->dates[n].format ? xw->dates[n].format : "") };
	put_sorted(o, "dates", v, n);

	v = bb_calloc(xw->nscales + 1, sizeof(*v));
	for (n = 0; n < xw->nscales; n++)
		v[n] = (struct kv){ xw->scales[n].field ? xw->scales[n].field : "",
		    bb_fw_json_number(xw->scales[n].factor) };
	put_sorted(o, "scale", v, n);

	if (xw->nsplits) {
		a = json_array();
		for (size_t i = 0; i < xw->nsplits; i++) {
			const struct bb_xw_split *s = &xw->splits[i];
			json_t *x = json_object(), *into = json_array();
			bb_fw_json_str(x, "column", s->column);
			bb_fw_json_str(x, "separator", s->separator);
			for (size_t k = 0; k < s->ninto; k++)
				json_array_append_new(into, json_string(s->into[k]));
			json_object_set_new(x, "into", into);
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "split", a);
	}
	if (xw->njoins) {
		a = json_array();
		for (size_t i = 0; i < xw->njoins; i++) {
			const struct bb_xw_join *j = &xw->joins[i];
			json_t *x = json_object();
			put_strs(x, "columns", j->columns, j->ncolumns);
			bb_fw_json_str(x, "separator", j->separator);
			bb_fw_json_str(x, "into", j->into);
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "join", a);
	}

	v = bb_calloc(xw->nconstants + 1, sizeof(*v));
	for (n = 0; n < xw->nconstants; n++)
		v[n] = (struct kv){ xw->constants[n].field ? xw->constants[n].field : "",
		    json_string(xw->constants[n].value ? xw->constants[n].value : "") };
	put_sorted(o, "constants", v, n);

	bb_fw_json_str(o, "notes", xw->notes);
	return o;
}

/* --- the rest ------------------------------------------------------------ */

static json_t *
field_json(const struct bb_field *f)
{
	json_t *o = json_object();

	bb_fw_json_str(o, "name", f->name);
	bb_fw_json_str(o, "label", f->label);
	bb_fw_json_str(o, "description", f->description);
	if (f->type)
		bb_fw_json_str(o, "type", bb_field_type_name(f->type));
	bb_fw_json_str(o, "code_list", f->code_list);
	json_object_set_new(o, "required", json_boolean(f->required));
	json_object_set_new(o, "unique", json_boolean(f->unique));
	json_object_set_new(o, "personal", json_boolean(f->personal));
	if (f->identity != BB_ID_NONE)
		bb_fw_json_str(o, "identity", bb_identity_role_name(f->identity));
	if (f->has_min)
		json_object_set_new(o, "min", bb_fw_json_number(f->min));
	else
		bb_fw_json_str(o, "min", f->min_date);
	if (f->has_max)
		json_object_set_new(o, "max", bb_fw_json_number(f->max));
	else
		bb_fw_json_str(o, "max", f->max_date);
	bb_fw_json_str(o, "pattern", f->pattern);
	if (f->max_length)
		json_object_set_new(o, "max_length", json_integer(f->max_length));
	put_missing(o, f->missing, f->nmissing);
	put_strs(o, "placeholders", f->placeholders, f->nplaceholders);
	return o;
}

static json_t *
dataset_json(const struct bb_dataset *ds)
{
	json_t *o = json_object(), *a;

	bb_fw_json_str(o, "id", ds->id);
	bb_fw_json_str(o, "name", ds->name);
	bb_fw_json_str(o, "description", ds->description);
	bb_fw_json_str(o, "kind", bb_dataset_kind_name(ds->kind));
	bb_fw_json_str(o, "on_error", bb_policy_name(ds->policy));
	bb_fw_json_str(o, "period_field", ds->period_field);
	bb_fw_json_str(o, "count_field", ds->count_field);
	a = json_array();
	for (size_t i = 0; i < ds->nfields; i++)
		json_array_append_new(a, field_json(&ds->fields[i]));
	json_object_set_new(o, "fields", a);
	if (ds->nrules) {
		a = json_array();
		for (size_t i = 0; i < ds->nrules; i++) {
			const struct bb_rule *r = &ds->rules[i];
			json_t *x = json_object();
			bb_fw_json_str(x, "id", r->id);
			bb_fw_json_str(x, "assert", r->text);
			bb_fw_json_str(x, "message", r->message);
			bb_fw_json_str(x, "severity", r->warning ? "warning" : "error");
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "rules", a);
	}
	return o;
}

static json_t *
partner_json(const struct bb_partner *p)
{
	json_t *o = json_object(), *a;

	bb_fw_json_str(o, "id", p->id);
	bb_fw_json_str(o, "name", p->name);
	bb_fw_json_str(o, "sector", p->sector);
	if (p->sharing)
		bb_fw_json_str(o, "sharing", bb_sharing_name(p->sharing));
	if (p->nobligations) {
		a = json_array();
		for (size_t i = 0; i < p->nobligations; i++) {
			json_t *x = json_object();
			bb_fw_json_str(x, "dataset", p->obligations[i].dataset);
			if (p->obligations[i].cadence)
				bb_fw_json_str(x, "cadence", bb_cadence_name(p->obligations[i].cadence));
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "obligations", a);
	}
	if (p->ncrosswalks) {
		a = json_array();
		for (size_t i = 0; i < p->ncrosswalks; i++)
			json_array_append_new(a, crosswalk_json(&p->crosswalks[i]));
		json_object_set_new(o, "crosswalks", a);
	}
	return o;
}

static json_t *
point_json(const char *period, double value)
{
	json_t *x = json_object();
	bb_fw_json_str(x, "period", period);
	json_object_set_new(x, "value", bb_fw_json_number(value));
	return x;
}

static json_t *
indicator_json(const struct bb_indicator *ind)
{
	json_t *o = json_object(), *a;

	bb_fw_json_str(o, "id", ind->id);
	bb_fw_json_str(o, "name", ind->name);
	bb_fw_json_str(o, "definition", ind->definition);
	put_strs(o, "terms", ind->terms, ind->nterms);
	bb_fw_json_str(o, "unit", ind->unit);
	if (ind->direction)
		bb_fw_json_str(o, "direction", bb_direction_name(ind->direction));
	if (ind->category)
		bb_fw_json_str(o, "category", bb_rba_name(ind->category));
	if (ind->cadence)
		bb_fw_json_str(o, "cadence", bb_cadence_name(ind->cadence));
	put_strs(o, "disaggregations", ind->disaggregations, ind->ndisaggregations);
	if (ind->has_baseline)
		json_object_set_new(o, "baseline",
		    point_json(ind->baseline_period, ind->baseline_value));
	if (ind->ntargets) {
		a = json_array();
		for (size_t i = 0; i < ind->ntargets; i++)
			json_array_append_new(a, point_json(ind->targets[i].period,
			    ind->targets[i].value));
		json_object_set_new(o, "targets", a);
	}
	put_strs(o, "owners", ind->owners, ind->nowners);
	bb_fw_json_str(o, "compute", ind->compute);
	return o;
}

static json_t *
calendar_json(const struct bb_calendar *c)
{
	json_t *o = json_object(), *a;

	json_object_set_new(o, "fiscal_year_start", json_integer(c->fiscal_year_start));
	json_object_set_new(o, "school_year_start", json_integer(c->school_year_start));
	if (c->ndeadlines) {
		a = json_array();
		for (size_t i = 0; i < c->ndeadlines; i++) {
			json_t *x = json_object();
			if (c->deadlines[i].cadence)
				bb_fw_json_str(x, "cadence", bb_cadence_name(c->deadlines[i].cadence));
			json_object_set_new(x, "due_days", json_integer(c->deadlines[i].due_days));
			json_object_set_new(x, "grace_days", json_integer(c->deadlines[i].grace_days));
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "deadlines", a);
	}
	if (c->nperiods) {
		a = json_array();
		for (size_t i = 0; i < c->nperiods; i++) {
			const struct bb_period_def *p = &c->periods[i];
			json_t *x = json_object();
			bb_fw_json_str(x, "id", p->id);
			bb_fw_json_str(x, "start", p->start);
			bb_fw_json_str(x, "end", p->end);
			bb_fw_json_str(x, "due", p->due);
			json_object_set_new(x, "grace_days", json_integer(p->grace_days));
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "periods", a);
	}
	return o;
}

static json_t *
rights_json(const struct bb_framework *fw)
{
	json_t *o = json_object(), *a;

	if (fw->nbodies) {
		a = json_array();
		for (size_t i = 0; i < fw->nbodies; i++) {
			json_t *x = json_object();
			bb_fw_json_str(x, "id", fw->bodies[i].id);
			bb_fw_json_str(x, "name", fw->bodies[i].name);
			put_strs(x, "members", fw->bodies[i].members, fw->bodies[i].nmembers);
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "bodies", a);
	}
	if (fw->ndecision_rights) {
		a = json_array();
		for (size_t i = 0; i < fw->ndecision_rights; i++) {
			const struct bb_decision_right *r = &fw->decision_rights[i];
			json_t *x = json_object();
			bb_fw_json_str(x, "action", r->action);
			put_strs(x, "approvers", r->approvers, r->napprovers);
			bb_fw_json_str(x, "vote", bb_vote_rule_name(r->rule));
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "rules", a);
	}
	return o;
}

static json_t *
framework_json(const struct bb_framework *fw)
{
	json_t *o = json_object(), *a, *x;
	const struct bb_initiative *in = &fw->initiative;

	json_object_set_new(o, "backbone", json_integer(fw->format_version));
	x = json_object();
	bb_fw_json_str(x, "id", in->id);
	bb_fw_json_str(x, "name", in->name);
	bb_fw_json_str(x, "problem", in->problem);
	bb_fw_json_str(x, "population", in->population);
	bb_fw_json_str(x, "geography", in->geography);
	bb_fw_json_str(x, "theory_of_change", in->theory_of_change);
	json_object_set_new(o, "initiative", x);
	if (fw->nglossary) {
		a = json_array();
		for (size_t i = 0; i < fw->nglossary; i++) {
			x = json_object();
			bb_fw_json_str(x, "term", fw->glossary[i].term);
			bb_fw_json_str(x, "definition", fw->glossary[i].definition);
			put_strs(x, "aliases", fw->glossary[i].aliases, fw->glossary[i].naliases);
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "glossary", a);
	}
	if (fw->ncode_lists) {
		a = json_array();
		for (size_t i = 0; i < fw->ncode_lists; i++)
			json_array_append_new(a, bb_fw_json_code_list(&fw->code_lists[i]));
		json_object_set_new(o, "code_lists", a);
	}
	if (fw->ndatasets) {
		a = json_array();
		for (size_t i = 0; i < fw->ndatasets; i++)
			json_array_append_new(a, dataset_json(&fw->datasets[i]));
		json_object_set_new(o, "datasets", a);
	}
	if (fw->npartners) {
		a = json_array();
		for (size_t i = 0; i < fw->npartners; i++)
			json_array_append_new(a, partner_json(&fw->partners[i]));
		json_object_set_new(o, "partners", a);
	}
	if (fw->noutcomes) {
		a = json_array();
		for (size_t i = 0; i < fw->noutcomes; i++) {
			const struct bb_outcome *oc = &fw->outcomes[i];
			json_t *inds = json_array();
			x = json_object();
			bb_fw_json_str(x, "id", oc->id);
			bb_fw_json_str(x, "name", oc->name);
			bb_fw_json_str(x, "description", oc->description);
			for (size_t k = 0; k < oc->nindicators; k++)
				json_array_append_new(inds, indicator_json(&oc->indicators[k]));
			json_object_set_new(x, "indicators", inds);
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "outcomes", a);
	}
	json_object_set_new(o, "calendar", calendar_json(&fw->calendar));
	x = json_object();
	json_object_set_new(x, "min_cell_size", json_integer(fw->confidentiality.min_cell_size));
	put_strs(x, "restricted_fields", fw->confidentiality.restricted_fields,
	    fw->confidentiality.nrestricted);
	json_object_set_new(o, "confidentiality", x);
	x = rights_json(fw);
	if (json_object_size(x) > 0)
		json_object_set_new(o, "decision_rights", x);
	else
		json_decref(x);
	return o;
}

static char *
dump(json_t *j)
{
	char *s = json_dumps(j, DUMP_FLAGS);

	json_decref(j);
	if (s == NULL) {
		/* Only when memory is out: every string was checked UTF-8. */
		fprintf(stderr, "backbone: out of memory (canonical JSON)\n");
		abort();
	}
	return s;
}

char *
bb_framework_canonical(const struct bb_framework *fw)
{
	return dump(framework_json(fw));
}

char *
bb_framework_crosswalk_canonical(const struct bb_crosswalk *xw)
{
	return dump(crosswalk_json(xw));
}

void
bb_fw_hash(struct bb_framework *fw)
{
	char *s = bb_framework_canonical(fw);

	bb_sha256_hex(s, strlen(s), fw->sha256);
	free(s);
	for (size_t i = 0; i < fw->npartners; i++)
		for (size_t k = 0; k < fw->partners[i].ncrosswalks; k++) {
			struct bb_crosswalk *xw = &fw->partners[i].crosswalks[k];
			s = bb_framework_crosswalk_canonical(xw);
			bb_sha256_hex(s, strlen(s), xw->sha256);
			free(s);
		}
}
