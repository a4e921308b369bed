/*
 * report_data.c: the report as JSON (every field, for other programs) and
 * as CSV (one row per figure).  Numbers are formatted here, never by
 * jansson's 17 significant digits; suppressed figures carry no numbers.
 */
#include "measure/report.h"
#include "util/bb.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void *
bb_report_json_num(double v)
{
	char buf[64];
	double r;
	if (v == floor(v) && fabs(v) < 9e15)
		return json_integer((json_int_t)v);
	/* Round to the digits the report keeps, so the text is stable; what
	 * rounds to a whole number is one (14, as CSV writes it, never the
	 * 14.0 that 7 of 50 in percent would give). */
	bb_report_num_data(v, buf, sizeof(buf));
	r = strtod(buf, NULL);
	if (r == floor(r) && fabs(r) < 9e15)
		return json_integer((json_int_t)r);
	return json_real(r);
}

#define jnum(v) ((json_t *)bb_report_json_num(v))

static const char *
suppressed_name(const struct bb_value *v)
{
	return !v->suppressed ? NULL : v->why == 'c' ? "complementary" : "primary";
}

static json_t *
figure_json(const struct bb_value *v)
{
	json_t *o = json_object();
	char *trace = bb_report_trace_command(v);

	json_object_set_new(o, "period", json_string(v->period));
	json_object_set_new(o, "partner", v->partner ? json_string(v->partner) : json_null());
	if (v->dkey[0]) {
		json_object_set_new(o, "by", json_string(v->dkey));
		json_object_set_new(o, "group", json_string(v->dvalue));
	}
	if (v->suppressed)
		json_object_set_new(o, "suppressed", json_string(suppressed_name(v)));
	else {
		json_object_set_new(o, "value", v->has_value ? jnum(v->value) : json_null());
		if (v->has_num)
			json_object_set_new(o, "numerator", jnum(v->num));
		if (v->has_den)
			json_object_set_new(o, "denominator", jnum(v->den));
		json_object_set_new(o, "count", json_integer(v->n_num));
		if (v->has_den)
			json_object_set_new(o, "denominator_count", json_integer(v->n_den));
		json_object_set_new(o, "records", json_integer(v->records));
	}
	json_object_set_new(o, "deduplication", json_pack("{s:s, s:s}", "status",
	    bb_dedup_name(v->dedup), "note", v->dedup_note ? v->dedup_note : ""));
	json_object_set_new(o, "trace", json_string(trace));
	free(trace);
	return o;
}

static json_t *
point_json(const char *period, double value)
{
	return json_pack("{s:s, s:o}", "period", period, "value", jnum(value));
}

static json_t *
item_json(const struct bb_report_item *it)
{
	const struct bb_indicator *ind = it->ind;
	json_t *o = json_object(), *a;

	json_object_set_new(o, "id", json_string(ind->id));
	json_object_set_new(o, "name", json_string(ind->name ? ind->name : ""));
	if (ind->unit)
		json_object_set_new(o, "unit", json_string(ind->unit));
	if (ind->direction)
		json_object_set_new(o, "direction", json_string(bb_direction_name(ind->direction)));
	if (ind->category)
		json_object_set_new(o, "category", json_string(bb_rba_name(ind->category)));
	if (ind->cadence)
		json_object_set_new(o, "cadence", json_string(bb_cadence_name(ind->cadence)));
	if (ind->definition)
		json_object_set_new(o, "definition", json_string(ind->definition));
	if (ind->compute)
		json_object_set_new(o, "compute", json_string(ind->compute));
	json_object_set_new(o, "computed", json_boolean(it->computable));
	if (it->withheld)
		json_object_set_new(o, "withheld", json_string("not a period of "
		    "the indicator's cadence"));
	json_object_set_new(o, "period", it->period ? json_string(it->period) : json_null());
	json_object_set_new(o, "period_in_progress", json_boolean(it->in_progress));
	json_object_set_new(o, "figure", it->headline ? figure_json(it->headline) : json_null());
	json_object_set_new(o, "target", it->target ? point_json(it->target->period,
	    it->target->value) : json_null());
	json_object_set_new(o, "baseline", ind->has_baseline && ind->baseline_period ?
	    point_json(ind->baseline_period, ind->baseline_value) : json_null());
	if (it->has_variance) {
		json_object_set_new(o, "variance", jnum(it->variance));
		json_object_set_new(o, "percent_of_target", jnum(it->pct_of_target));
	}
	a = json_array();
	for (size_t i = 0; i < it->ntrend; i++) {
		const struct bb_value *v = it->trend[i];
		json_t *p = json_pack("{s:s}", "period", v->period);
		if (v->suppressed)
			json_object_set_new(p, "suppressed", json_string(suppressed_name(v)));
		else
			json_object_set_new(p, "value", v->has_value ? jnum(v->value) : json_null());
		json_array_append_new(a, p);
	}
	json_object_set_new(o, "trend", a);
	json_object_set_new(o, "trend_direction", it->trend_len == 0 ? json_null() :
	    json_string(it->trend_dir > 0 ? "rising" : it->trend_dir < 0 ? "falling" :
	    "flat"));
	json_object_set_new(o, "trend_periods", json_integer(it->trend_len));
	a = json_array();
	for (size_t i = 0; i < it->npartners; i++)
		json_array_append_new(a, figure_json(it->partners[i]));
	json_object_set_new(o, "partners", a);
	a = json_array();
	for (size_t g = 0; g < it->ngroups; g++) {
		json_t *cells = json_array();
		for (size_t k = 0; k < it->groups[g].n; k++)
			json_array_append_new(cells, figure_json(it->groups[g].cells[k]));
		json_array_append_new(a, json_pack("{s:s, s:o}", "by", it->groups[g].key,
		    "groups", cells));
	}
	json_object_set_new(o, "disaggregations", a);
	a = json_array();
	for (size_t i = 0; i < it->nnotes; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "partner",
		    it->notes[i].partner, "dataset", it->notes[i].dataset, "note",
		    it->notes[i].note));
	json_object_set_new(o, "notes", a);
	return o;
}

int
bb_report_write_json(const struct bb_report *r, FILE *f)
{
	json_t *root = json_object(), *outs = json_array(), *cur = NULL;
	const struct bb_outcome *last = NULL;
	int rc;

	json_object_set_new(root, "initiative", json_string(r->initiative));
	json_object_set_new(root, "framework", json_pack("{s:I, s:s}", "version",
	    (json_int_t)r->fw_version, "sha256", r->fw->sha256));
	json_object_set_new(root, "data", json_pack("{s:I, s:s?, s:s}",
	    "as_of_submission", (json_int_t)r->as_of, "received_at", r->as_of_at,
	    "sha256", r->data_sha256));
	json_object_set_new(root, "view", json_pack("{s:s, s:s?, s:s?, s:i}", "role",
	    bb_role_name(r->opts.role), "partner", r->opts.partner, "period",
	    r->opts.period, "min_cell_size", r->min_cell_size));
	for (size_t i = 0; i < r->nitems; i++) {
		const struct bb_report_item *it = &r->items[i];
		if (it->outcome != last || cur == NULL) {
			last = it->outcome;
			cur = json_array();
			json_array_append_new(outs, json_pack("{s:s, s:s, s:o}", "id",
			    last ? last->id : "", "name", last && last->name ? last->name : "",
			    "indicators", cur));
		}
		json_array_append_new(cur, item_json(it));
	}
	json_object_set_new(root, "outcomes", outs);
	rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(15)) == 0 && fputc('\n', f) != EOF ? BB_OK : BB_ERR_IO;
	json_decref(root);
	return rc;
}

/* --- CSV --------------------------------------------------------------------- */

void
bb_report_csv_text(FILE *f, const char *s)
{
	if (s && strpbrk(s, ",\"\r\n") != NULL) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else if (s)
		fputs(s, f);
}

void
bb_report_csv_field(FILE *f, const char *s, bool last)
{
	bb_report_csv_text(f, s);
	fputs(last ? "\r\n" : ",", f);
}

void
bb_report_csv_num(FILE *f, bool has, double v)
{
	char buf[64] = "";
	if (has)
		bb_report_num_data(v, buf, sizeof(buf));
	bb_report_csv_field(f, buf, false);
}

static void
csv_row(FILE *f, const struct bb_report_item *it, const struct bb_value *v)
{
	char n[32];
	bool show = !v->suppressed;

	bb_report_csv_field(f, it->outcome ? it->outcome->id : "", false);
	bb_report_csv_field(f, it->ind->id, false);
	bb_report_csv_field(f, v->period, false);
	bb_report_csv_field(f, v->partner ? v->partner : "", false);
	bb_report_csv_field(f, v->dkey, false);
	bb_report_csv_field(f, v->dvalue, false);
	bb_report_csv_num(f, show && v->has_value, v->value);
	bb_report_csv_num(f, show && v->has_num, v->num);
	bb_report_csv_num(f, show && v->has_den, v->den);
	bb_report_csv_num(f, it->target != NULL && v == it->headline, it->target ? it->target->value : 0);
	bb_report_csv_field(f, it->target && v == it->headline ? it->target->period : "", false);
	bb_report_csv_num(f, it->has_variance && v == it->headline, it->variance);
	bb_report_csv_num(f, it->has_variance && v == it->headline, it->pct_of_target);
	snprintf(n, sizeof(n), "%lld", (long long)v->n_num);
	bb_report_csv_field(f, show ? n : "", false);
	snprintf(n, sizeof(n), "%lld", (long long)v->records);
	bb_report_csv_field(f, show ? n : "", false);
	bb_report_csv_field(f, bb_dedup_name(v->dedup), false);
	bb_report_csv_field(f, v->dedup_note ? v->dedup_note : "", false);
	bb_report_csv_field(f, v->suppressed ? suppressed_name(v) : "", true);
}

int
bb_report_write_csv(const struct bb_report *r, FILE *f)
{
	fputs("outcome,indicator,period,partner,by,group,value,numerator,denominator,"
	    "target,target_period,variance,percent_of_target,count,records,"
	    "deduplication,deduplication_note,suppressed\r\n", f);
	for (size_t i = 0; i < r->nitems; i++) {
		const struct bb_report_item *it = &r->items[i];
		if (it->headline == NULL)
			continue;
		csv_row(f, it, it->headline);
		for (size_t k = 0; k < it->npartners; k++)
			csv_row(f, it, it->partners[k]);
		for (size_t g = 0; g < it->ngroups; g++)
			for (size_t k = 0; k < it->groups[g].n; k++)
				csv_row(f, it, it->groups[g].cells[k]);
	}
	return ferror(f) ? BB_ERR_IO : BB_OK;
}
