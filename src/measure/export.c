/*
 * export.c: the indicator figures (and, for the backbone, the canonical
 * records) as a Frictionless Data Package: a directory of CSV files and a
 * datapackage.json descriptor with a Table Schema for each, which other
 * tools (frictionless, pandas, R) load as typed tables.
 *
 *   DIR/datapackage.json
 *   DIR/indicators.csv          one row per indicator
 *   DIR/indicator_values.csv    every figure (suppressed ones without numbers)
 *   DIR/records/DATASET.csv     backbone only: current canonical records, after
 *                               provenance columns named with a leading '_'
 *                               (no field name starts so)
 */
#include "measure/export.h"
#include "intake/mapper.h"
#include "measure/report.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/diag.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void
csv_int(FILE *f, bool has, int64_t v, bool last)
{
	char buf[32] = "";
	if (has)
		snprintf(buf, sizeof(buf), "%lld", (long long)v);
	bb_report_csv_field(f, buf, last);
}

static json_t *
field(const char *name, const char *type, const char *description)
{
	json_t *o = json_pack("{s:s, s:s}", "name", name, "type", type);
	if (description)
		json_object_set_new(o, "description", json_string(description));
	return o;
}

static json_t *
resource(const char *name, const char *path, json_t *fields, json_t *key)
{
	json_t *schema = json_pack("{s:o}", "fields", fields);
	if (key)
		json_object_set_new(schema, "primaryKey", key);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "name", name, "path", path,
	    "profile", "tabular-data-resource", "format", "csv", "mediatype", "text/csv",
	    "encoding", "utf-8", "schema", schema);
}

/* A field's Table Schema (from `framework export-schema`, which describes
 * a partner's file) made true of the records this package holds: a missing
 * value is written empty, whatever code or placeholder was sent (kept
 * aside by intake), so "" is the one missing value, and a field that can be
 * sent as missing, or that a partner sharing encodings never sends in
 * clear (`encoded`), is not required here; a field unique within one
 * submission is not unique across the many a package holds. */
static json_t *
record_field(json_t *own, const struct bb_field *bf, bool encoded)
{
	json_t *f = json_deep_copy(own);
	json_t *c = json_object_get(f, "constraints");
	bool missing = json_object_get(f, "missingValues") != NULL;

	if (missing)
		json_object_set_new(f, "missingValues", json_pack("[s]", ""));
	if (c && (missing || (encoded && bf && bb_mapper_private_role(bf->identity))))
		json_object_del(c, "required");
	if (c && json_object_get(c, "unique") != NULL) {
		json_t *xb = json_object_get(f, "x-backbone");
		json_object_del(c, "unique");
		if (xb)
			json_object_set_new(xb, "unique", json_string("within a submission"));
	}
	if (c && json_object_size(c) == 0)
		json_object_del(f, "constraints");
	return f;
}

static FILE *
open_in(const char *dir, const char *name, struct bb_diag *d)
{
	char *path = bb_asprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		bb_diag_set(d, path, 0, 0, "io", "cannot write: %s", strerror(errno));
	free(path);
	return f;
}

static int
close_file(FILE *f, const char *dir, const char *name, struct bb_diag *d)
{
	if (fclose(f) != 0) {
		char *path = bb_asprintf("%s/%s", dir, name);
		bb_diag_set(d, path, 0, 0, "io", "cannot write: %s", strerror(errno));
		free(path);
		return BB_ERR_IO;
	}
	return BB_OK;
}

static int
write_indicators(const struct bb_report *r, const char *dir, struct bb_diag *d)
{
	FILE *f = open_in(dir, "indicators.csv", d);
	if (f == NULL)
		return BB_ERR_IO;
	fputs("indicator,outcome,name,unit,direction,category,cadence,definition,"
	    "compute\r\n", f);
	for (size_t i = 0; i < r->nitems; i++) {
		const struct bb_indicator *ind = r->items[i].ind;
		bb_report_csv_field(f, ind->id, false);
		bb_report_csv_field(f, r->items[i].outcome ? r->items[i].outcome->id : "", false);
		bb_report_csv_field(f, ind->name, false);
		bb_report_csv_field(f, ind->unit, false);
		bb_report_csv_field(f, ind->direction ? bb_direction_name(ind->direction) : "", false);
		bb_report_csv_field(f, ind->category ? bb_rba_name(ind->category) : "", false);
		bb_report_csv_field(f, ind->cadence ? bb_cadence_name(ind->cadence) : "", false);
		bb_report_csv_field(f, ind->definition, false);
		bb_report_csv_field(f, ind->compute, true);
	}
	return close_file(f, dir, "indicators.csv", d);
}

static int
write_values(const struct bb_report *r, const char *dir, struct bb_diag *d)
{
	FILE *f = open_in(dir, "indicator_values.csv", d);
	char a[11], b[11];

	if (f == NULL)
		return BB_ERR_IO;
	fputs("indicator,period,period_start,period_end,partner,by,group,value,"
	    "numerator,denominator,count,denominator_count,records,deduplication,"
	    "deduplication_note,suppressed\r\n", f);
	for (size_t i = 0; i < r->values.n; i++) {
		const struct bb_value *v = &r->values.v[i];
		bool show = !v->suppressed;
		bb_date_format(v->start, a);
		bb_date_format(v->end, b);
		bb_report_csv_field(f, v->indicator, false);
		bb_report_csv_field(f, v->period, false);
		bb_report_csv_field(f, a, false);
		bb_report_csv_field(f, b, false);
		bb_report_csv_field(f, v->partner ? v->partner : "", false);
		bb_report_csv_field(f, v->dkey, false);
		bb_report_csv_field(f, v->dvalue, false);
		bb_report_csv_num(f, show && v->has_value, v->value);
		bb_report_csv_num(f, show && v->has_num, v->num);
		bb_report_csv_num(f, show && v->has_den, v->den);
		csv_int(f, show, v->n_num, false);
		csv_int(f, show && v->has_den, v->n_den, false);
		csv_int(f, show, v->records, false);
		bb_report_csv_field(f, bb_dedup_name(v->dedup), false);
		bb_report_csv_field(f, v->dedup_note, false);
		bb_report_csv_field(f, v->suppressed ? "true" : "false", true);
	}
	return close_file(f, dir, "indicator_values.csv", d);
}

struct rec_arg {
	FILE *f;
	const struct bb_dataset *ds;
};

static int
record_row(const struct bb_linked_record *r, void *arg)
{
	struct rec_arg *a = arg;
	json_t *o = json_loads(r->data ? r->data : "{}", 0, NULL);
	char buf[64];

	csv_int(a->f, true, r->id, false);
	csv_int(a->f, true, r->submission_id, false);
	bb_report_csv_field(a->f, r->partner, false);
	bb_report_csv_field(a->f, r->period, false);
	csv_int(a->f, true, r->source_row, false);
	csv_int(a->f, r->participant_id != 0, r->participant_id, a->ds->nfields == 0);
	for (size_t i = 0; i < a->ds->nfields; i++) {
		json_t *v = o ? json_object_get(o, a->ds->fields[i].name) : NULL;
		bool last = i + 1 == a->ds->nfields;
		buf[0] = '\0';
		if (json_is_string(v))
			bb_report_csv_field(a->f, json_string_value(v), last);
		else {
			if (json_is_integer(v))
				snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
			else if (json_is_real(v))
				bb_format_double(buf, sizeof(buf), json_real_value(v), 10);
			else if (json_is_boolean(v))
				bb_strlcpy(buf, json_is_true(v) ? "true" : "false", sizeof(buf));
			bb_report_csv_field(a->f, buf, last);
		}
	}
	json_decref(o);
	return ferror(a->f) ? BB_ERR_IO : BB_OK;
}

static int
write_records(struct bb_store *s, const struct bb_dataset *ds, const char *dir,
    struct bb_diag *d)
{
	char *name = bb_asprintf("records/%s.csv", ds->id);
	struct rec_arg a;
	int rc;

	if ((a.f = open_in(dir, name, d)) == NULL) {
		free(name);
		return BB_ERR_IO;
	}
	a.ds = ds;
	fputs("_record_id,_submission_id,_partner,_period,_source_row,_participant_id", a.f);
	for (size_t i = 0; i < ds->nfields; i++) {
		fputc(',', a.f);
		bb_report_csv_text(a.f, ds->fields[i].name);
	}
	fputs("\r\n", a.f);
	rc = bb_store_records_linked(s, ds->id, record_row, &a);
	if (rc != BB_OK)
		bb_diag_set(d, NULL, 0, 0, "store", "cannot read the records of '%s'", ds->id);
	if (close_file(a.f, dir, name, d) != BB_OK && rc == BB_OK)
		rc = BB_ERR_IO;
	free(name);
	return rc;
}

static json_t *
descriptor(const struct bb_report *r, bool records)
{
	const struct bb_framework *fw = r->fw;
	json_t *res = json_array(), *fields;

	fields = json_array();
	json_array_append_new(fields, field("indicator", "string", NULL));
	json_array_append_new(fields, field("outcome", "string", NULL));
	json_array_append_new(fields, field("name", "string", NULL));
	json_array_append_new(fields, field("unit", "string", NULL));
	json_array_append_new(fields, field("direction", "string", NULL));
	json_array_append_new(fields, field("category", "string", NULL));
	json_array_append_new(fields, field("cadence", "string", NULL));
	json_array_append_new(fields, field("definition", "string", NULL));
	json_array_append_new(fields, field("compute", "string",
	    "the indicator expression (docs/indicators.md)"));
	json_array_append_new(res, resource("indicators", "indicators.csv", fields,
	    json_pack("[s]", "indicator")));

	fields = json_array();
	json_array_append_new(fields, field("indicator", "string", NULL));
	json_array_append_new(fields, field("period", "string", "period label"));
	json_array_append_new(fields, field("period_start", "date", NULL));
	json_array_append_new(fields, field("period_end", "date", NULL));
	json_array_append_new(fields, field("partner", "string",
	    "empty for the whole initiative"));
	json_array_append_new(fields, field("by", "string",
	    "disaggregation; empty for the total"));
	json_array_append_new(fields, field("group", "string", NULL));
	json_array_append_new(fields, field("value", "number", NULL));
	json_array_append_new(fields, field("numerator", "number", NULL));
	json_array_append_new(fields, field("denominator", "number", NULL));
	json_array_append_new(fields, field("count", "integer",
	    "people, records or values behind the numerator"));
	json_array_append_new(fields, field("denominator_count", "integer", NULL));
	json_array_append_new(fields, field("records", "integer", NULL));
	json_array_append_new(fields, field("deduplication", "string",
	    "full, partial, none or n/a"));
	json_array_append_new(fields, field("deduplication_note", "string", NULL));
	json_array_append_new(fields, field("suppressed", "boolean", NULL));
	json_array_append_new(res, resource("indicator-values", "indicator_values.csv",
	    fields, json_pack("[s, s, s, s, s]", "indicator", "period", "partner", "by",
	    "group")));

	bool encoded = false;
	for (size_t i = 0; i < fw->npartners; i++)
		encoded |= fw->partners[i].sharing == BB_SHARE_ENCODINGS;
	for (size_t i = 0; records && i < fw->ndatasets; i++) {
		const struct bb_dataset *ds = &fw->datasets[i];
		char *path = bb_asprintf("records/%s.csv", ds->id);
		char *name = bb_asprintf("records-%s", ds->id);
		/* The dataset's own Table Schema, after the provenance columns,
		 * as it holds for the records written (record_field). */
		char *text = bb_framework_table_schema(fw, ds);
		json_t *ts = text ? json_loads(text, 0, NULL) : NULL;
		json_t *own = ts ? json_object_get(ts, "fields") : NULL;
		size_t k;
		free(text);
		fields = json_array();
		json_array_append_new(fields, field("_record_id", "integer", NULL));
		json_array_append_new(fields, field("_submission_id", "integer", NULL));
		json_array_append_new(fields, field("_partner", "string", NULL));
		json_array_append_new(fields, field("_period", "string",
		    "the submission's period"));
		json_array_append_new(fields, field("_source_row", "integer",
		    "the row in the partner's file"));
		json_array_append_new(fields, field("_participant_id", "integer",
		    "empty when not linked"));
		for (k = 0; k < json_array_size(own); k++)
			json_array_append_new(fields, record_field(json_array_get(own, k),
			    k < ds->nfields ? &ds->fields[k] : NULL, encoded));
		json_decref(ts);
		json_array_append_new(res, resource(name, path, fields,
		    json_pack("[s]", "_record_id")));
		free(path);
		free(name);
	}
	return json_pack("{s:s, s:s, s:s, s:{s:I, s:s, s:I, s:s}, s:o}",
	    "profile", "tabular-data-package",
	    "name", fw->initiative.id && fw->initiative.id[0] ? fw->initiative.id : "backbone",
	    "title", r->initiative,
	    "backbone", "framework_version", (json_int_t)r->fw_version,
	    "framework_sha256", fw->sha256, "as_of_submission", (json_int_t)r->as_of,
	    "data_sha256", r->data_sha256,
	    "resources", res);
}

int
bb_measure_export_datapackage(struct bb_store *s, const struct bb_framework *fw,
    const struct bb_export_opts *o, struct bb_diag *d)
{
	struct bb_report_opts ro;
	struct bb_report *r = NULL;
	bool records = o->role == BB_ROLE_BACKBONE;
	FILE *f;
	json_t *desc;
	int rc;

	if (mkdir(o->dir, 0777) != 0 && errno != EEXIST) {
		bb_diag_set(d, o->dir, 0, 0, "io", "cannot create the directory: %s",
		    strerror(errno));
		return BB_ERR_IO;
	}
	if (!records) {
		/* A package for outside the backbone never sits beside the
		 * records of an earlier backbone export. */
		char *sub = bb_asprintf("%s/records", o->dir);
		struct stat sb;
		bool there = lstat(sub, &sb) == 0;
		if (there)
			bb_diag_set(d, sub, 0, 0, "records", "holds the records of an "
			    "earlier backbone export; a %s package is not written beside "
			    "them (remove it, or choose another --out)",
			    bb_role_name(o->role));
		free(sub);
		if (there)
			return BB_ERR_CONFLICT;
	}
	if (records) {
		char *sub = bb_asprintf("%s/records", o->dir);
		int e = mkdir(sub, 0777) != 0 && errno != EEXIST ? errno : 0;
		free(sub);
		if (e) {
			bb_diag_set(d, o->dir, 0, 0, "io", "cannot create records/: %s",
			    strerror(e));
			return BB_ERR_IO;
		}
	}
	memset(&ro, 0, sizeof(ro));
	ro.role = o->role;
	ro.viewer = o->viewer;
	ro.fw_version = o->fw_version;
	if ((rc = bb_report_build(s, fw, &ro, &r, d)) != BB_OK)
		return rc;
	if ((rc = write_indicators(r, o->dir, d)) != BB_OK ||
	    (rc = write_values(r, o->dir, d)) != BB_OK)
		goto out;
	for (size_t i = 0; records && i < fw->ndatasets && rc == BB_OK; i++)
		rc = write_records(s, &fw->datasets[i], o->dir, d);
	if (rc != BB_OK)
		goto out;
	if ((f = open_in(o->dir, "datapackage.json", d)) == NULL) {
		rc = BB_ERR_IO;
		goto out;
	}
	desc = descriptor(r, records);
	if (json_dumpf(desc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
		rc = BB_ERR_IO;
	fputc('\n', f);
	json_decref(desc);
	if (close_file(f, o->dir, "datapackage.json", d) != BB_OK)
		rc = BB_ERR_IO;
out:
	bb_report_free(r);
	return rc;
}
