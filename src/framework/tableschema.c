/*
 * tableschema.c: a dataset as a Frictionless Table Schema, and back.
 *
 * Export writes the standard parts other tools read (fields with name,
 * title, description, type, format, constraints {required, unique, minimum,
 * maximum, maxLength, pattern, enum}, categories with labels, and
 * missingValues) and keeps what Table Schema has no word for (backbone's
 * field type, code list, identity role, personal flag, the meanings of
 * missing codes, placeholders; the dataset's kind, error policy, period and
 * count fields, rules and code lists) under "x-backbone", so a schema
 * exported and imported again gives the same dataset.
 *
 * Import reads such a schema, or any Table Schema, and writes the dataset
 * (and the code lists its fields use) as framework YAML to paste into a
 * framework file.  Types without an equivalent become text, with a warning.
 */
#include "framework/internal.h"
#include "util/bb.h"
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XB "x-backbone"


static const char *
ts_type(enum bb_field_type t)
{
	switch (t) {
	case BB_FT_INTEGER: return "integer";
	case BB_FT_DECIMAL: return "number";
	case BB_FT_DATE: return "date";
	case BB_FT_BOOLEAN: return "boolean";
	default: return "string";
	}
}

static json_t *
ts_field(const struct bb_field *f)
{
	json_t *o = json_object(), *c = json_object(), *xb = json_object(), *mv;
	json_t *cats = NULL;

	bb_fw_json_str(o, "name", f->name);
	bb_fw_json_str(o, "title", f->label);
	bb_fw_json_str(o, "description", f->description);
	bb_fw_json_str(o, "type", ts_type(f->type));
	bb_fw_json_str(o, "format", "default");
	if (f->required)
		json_object_set_new(c, "required", json_true());
	if (f->unique)
		json_object_set_new(c, "unique", json_true());
	if (f->has_min)
		json_object_set_new(c, "minimum", bb_fw_json_number(f->min));
	else
		bb_fw_json_str(c, "minimum", f->min_date);
	if (f->has_max)
		json_object_set_new(c, "maximum", bb_fw_json_number(f->max));
	else
		bb_fw_json_str(c, "maximum", f->max_date);
	if (f->max_length)
		json_object_set_new(c, "maxLength", json_integer(f->max_length));
	if (f->pattern)
		bb_fw_json_str(c, "pattern", f->pattern);
	if (f->codes != NULL) {
		json_t *en = json_array();
		cats = json_array();
		for (size_t i = 0; i < f->codes->ncodes; i++) {
			const struct bb_code *cd = &f->codes->codes[i];
			json_t *cat = json_object();
			json_array_append_new(en, json_string(cd->code));
			bb_fw_json_str(cat, "value", cd->code);
			bb_fw_json_str(cat, "label", cd->label);
			json_array_append_new(cats, cat);
		}
		json_object_set_new(c, "enum", en);
	}
	if (json_object_size(c))
		json_object_set_new(o, "constraints", c);
	else
		json_decref(c);
	if (cats != NULL)
		json_object_set_new(o, "categories", cats);
	/* Every value that stands for missing: the field's codes, its code
	 * list's, and its placeholders. */
	mv = json_array();
	for (size_t i = 0; i < f->nmissing; i++)
		json_array_append_new(mv, json_string(f->missing[i].code));
	if (f->codes != NULL)
		for (size_t i = 0; i < f->codes->nmissing; i++)
			json_array_append_new(mv, json_string(f->codes->missing[i].code));
	for (size_t i = 0; i < f->nplaceholders; i++)
		json_array_append_new(mv, json_string(f->placeholders[i]));
	if (json_array_size(mv))
		json_object_set_new(o, "missingValues", mv);
	else
		json_decref(mv);

	bb_fw_json_str(xb, "type", bb_field_type_name(f->type));
	bb_fw_json_str(xb, "code_list", f->code_list);
	if (f->personal)
		json_object_set_new(xb, "personal", json_true());
	if (f->identity != BB_ID_NONE)
		bb_fw_json_str(xb, "identity", bb_identity_role_name(f->identity));
	if (f->nmissing)
		json_object_set_new(xb, "missing", bb_fw_json_missing(f->missing, f->nmissing));
	if (f->nplaceholders) {
		json_t *a = json_array();
		for (size_t i = 0; i < f->nplaceholders; i++)
			json_array_append_new(a, json_string(f->placeholders[i]));
		json_object_set_new(xb, "placeholders", a);
	}
	json_object_set_new(o, XB, xb);
	return o;
}

char *
bb_framework_table_schema(const struct bb_framework *fw,
    const struct bb_dataset *ds)
{
	json_t *o = json_object(), *fields = json_array(), *xb = json_object();
	json_t *lists = json_array(), *mv = json_array();
	char *s;

	bb_fw_json_str(o, "name", ds->id);
	bb_fw_json_str(o, "title", ds->name);
	bb_fw_json_str(o, "description", ds->description);
	for (size_t i = 0; i < ds->nfields; i++)
		json_array_append_new(fields, ts_field(&ds->fields[i]));
	json_object_set_new(o, "fields", fields);
	json_array_append_new(mv, json_string(""));
	json_object_set_new(o, "missingValues", mv);

	bb_fw_json_str(xb, "kind", bb_dataset_kind_name(ds->kind));
	bb_fw_json_str(xb, "on_error", bb_policy_name(ds->policy));
	bb_fw_json_str(xb, "period_field", ds->period_field);
	bb_fw_json_str(xb, "count_field", ds->count_field);
	if (ds->nrules) {
		json_t *a = json_array();
		for (size_t i = 0; i < ds->nrules; i++) {
			json_t *r = json_object();
			bb_fw_json_str(r, "id", ds->rules[i].id);
			bb_fw_json_str(r, "assert", ds->rules[i].text);
			bb_fw_json_str(r, "message", ds->rules[i].message);
			bb_fw_json_str(r, "severity", ds->rules[i].warning ? "warning" : "error");
			json_array_append_new(a, r);
		}
		json_object_set_new(xb, "rules", a);
	}
	/* The code lists the fields use, each once, in the framework's order. */
	for (size_t i = 0; i < fw->ncode_lists; i++) {
		const struct bb_code_list *cl = &fw->code_lists[i];
		bool used = false;
		for (size_t k = 0; k < ds->nfields && !used; k++)
			used = ds->fields[k].codes == cl;
		if (used)
			json_array_append_new(lists, bb_fw_json_code_list(cl));
	}
	if (json_array_size(lists))
		json_object_set_new(xb, "code_lists", lists);
	else
		json_decref(lists);
	json_object_set_new(o, XB, xb);
	s = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	json_decref(o);
	if (s == NULL)
		abort();	/* only when memory is out */
	return s;
}

/* --- import: JSON to framework YAML -------------------------------------- */

struct imp {
	const char *name;
	struct bb_findings *f;
	struct bb_buf out;
	bool failed;
};

static bool
bare_ok(const char *s)
{
	static const char *const words[] = {
		"true", "false", "null", "yes", "no", "on", "off", "y", "n",
	};
	if (!(*s >= 'a' && *s <= 'z'))
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	for (size_t i = 0; i < BB_ARRAY_LEN(words); i++)
		if (strcmp(s, words[i]) == 0)
			return false;
	return true;
}

/* A string as a YAML scalar: bare when it is a plain word, else double
 * quoted with JSON escapes (which YAML's double quotes understand). */
static void
y_str(struct imp *m, const char *s)
{
	if (bare_ok(s)) {
		bb_buf_puts(&m->out, s);
		return;
	}
	{
		json_t *j = json_string(s);
		char *q = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
		bb_buf_puts(&m->out, q ? q : "\"\"");
		free(q);
		json_decref(j);
	}
}

static void
y_value(struct imp *m, const json_t *v)
{
	char buf[64];

	if (json_is_string(v))
		y_str(m, json_string_value(v));
	else if (json_is_integer(v))
		bb_buf_printf(&m->out, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v)) {
		bb_format_double(buf, sizeof(buf), json_real_value(v), 12);
		bb_buf_puts(&m->out, buf);
	} else if (json_is_boolean(v))
		bb_buf_puts(&m->out, json_is_true(v) ? "true" : "false");
	else
		bb_buf_puts(&m->out, "null");
}

/* "INDENTkey: value\n" for a string or scalar json value, when present. */
static void
y_kv(struct imp *m, int indent, const char *key, const json_t *v)
{
	if (v == NULL || json_is_null(v))
		return;
	bb_buf_printf(&m->out, "%*s%s: ", indent, "", key);
	y_value(m, v);
	bb_buf_putc(&m->out, '\n');
}

static void
y_list(struct imp *m, int indent, const char *key, const json_t *a)
{
	size_t n = json_array_size(a);

	if (n == 0)
		return;
	bb_buf_printf(&m->out, "%*s%s: [", indent, "", key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			bb_buf_puts(&m->out, ", ");
		y_value(m, json_array_get(a, i));
	}
	bb_buf_puts(&m->out, "]\n");
}

static void
y_missing(struct imp *m, int indent, const json_t *a)
{
	size_t n = json_array_size(a);

	if (n == 0)
		return;
	bb_buf_printf(&m->out, "%*smissing:\n", indent, "");
	for (size_t i = 0; i < n; i++) {
		const json_t *x = json_array_get(a, i);
		bb_buf_printf(&m->out, "%*s- code: ", indent + 2, "");
		y_value(m, json_object_get(x, "code"));
		bb_buf_puts(&m->out, "\n");
		y_kv(m, indent + 4, "meaning", json_object_get(x, "meaning"));
	}
}

static void
y_code_list(struct imp *m, const json_t *cl)
{
	const json_t *codes = json_object_get(cl, "codes");

	bb_buf_puts(&m->out, "  - id: ");
	y_value(m, json_object_get(cl, "id"));
	bb_buf_putc(&m->out, '\n');
	y_kv(m, 4, "name", json_object_get(cl, "name"));
	bb_buf_puts(&m->out, "    codes:\n");
	for (size_t i = 0; i < json_array_size(codes); i++) {
		const json_t *c = json_array_get(codes, i);
		bb_buf_puts(&m->out, "      - code: ");
		y_value(m, json_object_get(c, "code"));
		bb_buf_putc(&m->out, '\n');
		y_kv(m, 8, "label", json_object_get(c, "label"));
	}
	y_missing(m, 4, json_object_get(cl, "missing"));
}

static void imp_warn(struct imp *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void imp_err(struct imp *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
imp_add(struct imp *m, enum bb_severity sev, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	bb_findings_add(m->f, sev, m->name, 0, 0, "schema", "%s", msg);
	if (sev == BB_SEV_ERROR)
		m->failed = true;
}

static void
imp_warn(struct imp *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	imp_add(m, BB_SEV_WARNING, fmt, ap);
	va_end(ap);
}

static void
imp_err(struct imp *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	imp_add(m, BB_SEV_ERROR, fmt, ap);
	va_end(ap);
}

/* The backbone type of a Table Schema field. */
static const char *
imp_type(struct imp *m, const json_t *f, const char *name)
{
	const json_t *xb = json_object_get(f, XB);
	const char *xt = json_string_value(json_object_get(xb, "type"));
	const char *t = json_string_value(json_object_get(f, "type"));
	const json_t *en = json_object_get(json_object_get(f, "constraints"), "enum");

	if (xt != NULL) {
		static const char *const ok[] = {
			"text", "integer", "decimal", "date", "boolean", "code",
		};
		for (size_t i = 0; i < BB_ARRAY_LEN(ok); i++)
			if (strcmp(xt, ok[i]) == 0)
				return ok[i];
		imp_err(m, "field '%s': x-backbone type '%.60s' is not a field type",
		    name, xt);
		return "text";
	}
	if (t == NULL || strcmp(t, "string") == 0 || strcmp(t, "any") == 0)
		return json_array_size(en) ? "code" : "text";
	if (strcmp(t, "integer") == 0)
		return json_array_size(en) ? "code" : "integer";
	if (strcmp(t, "number") == 0)
		return "decimal";
	if (strcmp(t, "date") == 0)
		return "date";
	if (strcmp(t, "boolean") == 0)
		return "boolean";
	imp_warn(m, "field '%s': type '%.40s' has no equivalent; taken as text",
	    name, t);
	return "text";
}

static void
imp_field(struct imp *m, const json_t *f, json_t *lists)
{
	const char *name = json_string_value(json_object_get(f, "name"));
	const json_t *c = json_object_get(f, "constraints");
	const json_t *xb = json_object_get(f, XB), *v;
	const char *type;

	if (name == NULL || !bb_fw_valid_field_name(name)) {
		imp_err(m, "field name '%.60s' is not a valid field name (use "
		    "lowercase letters, digits and '_', starting with a letter)",
		    name ? name : "(none)");
		return;
	}
	type = imp_type(m, f, name);
	bb_buf_printf(&m->out, "      - name: %s\n", name);
	y_kv(m, 8, "label", json_object_get(f, "title"));
	y_kv(m, 8, "description", json_object_get(f, "description"));
	bb_buf_printf(&m->out, "        type: %s\n", type);
	if (strcmp(type, "code") == 0) {
		const char *cl = json_string_value(json_object_get(xb, "code_list"));
		json_t *x;
		if (cl == NULL) {
			/* A plain Table Schema: the enum becomes a code list named
			 * after the field, labelled from categories when given. */
			const json_t *en = json_object_get(c, "enum"),
			    *cats = json_object_get(f, "categories");
			json_t *codes = json_array();
			cl = name;
			for (size_t i = 0; i < json_array_size(en); i++) {
				const json_t *e = json_array_get(en, i);
				json_t *cd = json_object();
				char *txt = json_is_string(e) ? bb_strdup(json_string_value(e)) :
				    json_dumps(e, JSON_ENCODE_ANY);
				json_object_set_new(cd, "code", json_string(txt ? txt : ""));
				for (size_t k = 0; k < json_array_size(cats); k++) {
					const json_t *ct = json_array_get(cats, k);
					if (json_equal(json_object_get(ct, "value"), e))
						json_object_set(cd, "label", json_object_get(ct, "label"));
				}
				free(txt);
				json_array_append_new(codes, cd);
			}
			x = json_object();
			json_object_set_new(x, "id", json_string(cl));
			json_object_set_new(x, "codes", codes);
			json_array_append_new(lists, x);
		}
		bb_buf_puts(&m->out, "        code_list: ");
		y_str(m, cl);
		bb_buf_putc(&m->out, '\n');
	}
	if (json_is_true(json_object_get(c, "required")))
		bb_buf_puts(&m->out, "        required: true\n");
	if (json_is_true(json_object_get(c, "unique")))
		bb_buf_puts(&m->out, "        unique: true\n");
	if (json_is_true(json_object_get(xb, "personal")))
		bb_buf_puts(&m->out, "        personal: true\n");
	y_kv(m, 8, "identity", json_object_get(xb, "identity"));
	y_kv(m, 8, "min", json_object_get(c, "minimum"));
	y_kv(m, 8, "max", json_object_get(c, "maximum"));
	y_kv(m, 8, "pattern", json_object_get(c, "pattern"));
	y_kv(m, 8, "max_length", json_object_get(c, "maxLength"));
	if ((v = json_object_get(xb, "missing")) != NULL)
		y_missing(m, 8, v);
	else if (xb == NULL) {
		/* Field-level missingValues of a plain Table Schema. */
		const json_t *mv = json_object_get(f, "missingValues");
		json_t *a = json_array();
		for (size_t i = 0; i < json_array_size(mv); i++) {
			const char *s = json_string_value(json_array_get(mv, i));
			json_t *x;
			if (s == NULL || *s == '\0')
				continue;
			x = json_object();
			json_object_set_new(x, "code", json_string(s));
			json_object_set_new(x, "meaning", json_string("missing"));
			json_array_append_new(a, x);
		}
		y_missing(m, 8, a);
		json_decref(a);
	}
	y_list(m, 8, "placeholders", json_object_get(xb, "placeholders"));
}

int
bb_framework_import_schema(const char *name, const char *json, size_t len,
    const char *id, char **yaml, struct bb_findings *findings)
{
	struct imp m = { name, findings, { 0 }, false };
	json_error_t e;
	json_t *root, *fields, *xb, *lists, *own;
	size_t n;

	*yaml = NULL;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &e);
	if (root == NULL) {
		bb_findings_add(findings, BB_SEV_ERROR, name, (unsigned long)e.line,
		    (unsigned long)e.column, "schema", "not a JSON Table Schema: %s",
		    e.text);
		return BB_ERR_INPUT;
	}
	fields = json_object_get(root, "fields");
	if (!json_is_object(root) || !json_is_array(fields) ||
	    json_array_size(fields) == 0) {
		bb_findings_add(findings, BB_SEV_ERROR, name, 0, 0, "schema",
		    "not a Table Schema: it needs a non-empty \"fields\" list");
		json_decref(root);
		return BB_ERR_INPUT;
	}
	xb = json_object_get(root, XB);
	own = json_array();
	bb_buf_init(&m.out, BB_BUF_NOMAX);
	bb_buf_printf(&m.out, "# dataset '%s' from %s (Frictionless Table Schema)\n",
	    id, name);

	/* Fields first, into a side buffer: a plain schema's enums become
	 * code lists, which come first in the output. */
	{
		struct bb_buf head = m.out;
		struct bb_buf body;
		bb_buf_init(&body, BB_BUF_NOMAX);
		m.out = body;
		n = json_array_size(fields);
		for (size_t i = 0; i < n; i++) {
			const json_t *f = json_array_get(fields, i);
			if (!json_is_object(f)) {
				imp_err(&m, "each item of \"fields\" must be an object");
				continue;
			}
			imp_field(&m, f, own);
		}
		body = m.out;
		m.out = head;
		lists = json_object_get(xb, "code_lists");
		if (json_array_size(lists) + json_array_size(own) > 0) {
			bb_buf_puts(&m.out, "code_lists:\n");
			for (size_t i = 0; i < json_array_size(lists); i++)
				y_code_list(&m, json_array_get(lists, i));
			for (size_t i = 0; i < json_array_size(own); i++)
				y_code_list(&m, json_array_get(own, i));
		}
		bb_buf_puts(&m.out, "datasets:\n  - id: ");
		y_str(&m, id);
		bb_buf_putc(&m.out, '\n');
		{
			const json_t *t = json_object_get(root, "title");
			json_t *nm = json_is_string(t) ? NULL : json_string(id);
			y_kv(&m, 4, "name", nm ? nm : t);
			json_decref(nm);
		}
		y_kv(&m, 4, "description", json_object_get(root, "description"));
		y_kv(&m, 4, "kind", json_object_get(xb, "kind"));
		y_kv(&m, 4, "on_error", json_object_get(xb, "on_error"));
		y_kv(&m, 4, "period_field", json_object_get(xb, "period_field"));
		y_kv(&m, 4, "count_field", json_object_get(xb, "count_field"));
		bb_buf_puts(&m.out, "    fields:\n");
		bb_buf_puts(&m.out, bb_buf_str(&body));
		bb_buf_free(&body);
	}
	{
		const json_t *rules = json_object_get(xb, "rules");
		if (json_array_size(rules))
			bb_buf_puts(&m.out, "    rules:\n");
		for (size_t i = 0; i < json_array_size(rules); i++) {
			const json_t *r = json_array_get(rules, i);
			bb_buf_puts(&m.out, "      - id: ");
			y_value(&m, json_object_get(r, "id"));
			bb_buf_putc(&m.out, '\n');
			y_kv(&m, 8, "assert", json_object_get(r, "assert"));
			y_kv(&m, 8, "message", json_object_get(r, "message"));
			y_kv(&m, 8, "severity", json_object_get(r, "severity"));
		}
	}
	json_decref(own);
	json_decref(root);
	if (m.failed) {
		bb_buf_free(&m.out);
		return BB_ERR_INPUT;
	}
	*yaml = bb_buf_take(&m.out);
	return BB_OK;
}
