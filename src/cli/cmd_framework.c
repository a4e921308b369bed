/*
 * cmd_framework.c: the `backbone framework` commands: check a framework
 * file, apply it as a new immutable version, show a version, list them,
 * compare two, and export or import a dataset as a Frictionless Table
 * Schema.  docs/cli.md describes each; docs/framework.md the file.
 */
#include "cli/cli.h"
#include "cli/cli_framework.h"
#include "framework/framework.h"
#include "measure/measure.h"
#include "measure/values.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/buf.h"
#include "util/diag.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* --- shared helpers ------------------------------------------------------ */

static json_t *
findings_json(const struct bb_findings *f)
{
	json_t *a = json_array();

	for (size_t i = 0; i < f->n; i++) {
		const struct bb_diag *d = &f->items[i];
		/* The file's name as given may not be UTF-8 (JSON needs it). */
		char *file = d->file ? bb_utf8_clean(d->file) : NULL;
		json_array_append_new(a, json_pack("{s:s?, s:I, s:I, s:s, s:s?, s:s}",
		    "file", file, "line", (json_int_t)d->line, "column",
		    (json_int_t)d->col, "severity", bb_severity_name(d->severity),
		    "code", d->code, "message", d->message));
		free(file);
	}
	return a;
}

/* Every finding (and a note of those not kept), then "3 errors, 2
 * warnings". */
static void
print_findings(FILE *out, const struct bb_findings *f)
{
	bb_findings_print(f, out);
	fprintf(out, "%zu error%s, %zu warning%s\n", f->errors,
	    f->errors == 1 ? "" : "s", f->warnings, f->warnings == 1 ? "" : "s");
}

/* Open the store for a command that needs it only for some arguments. */
static int
need_store(struct bb_ctx *ctx)
{
	if (ctx->store != NULL)
		return BB_OK;
	return bb_store_open(ctx->db_path, false, &ctx->store, &ctx->diag);
}

/* Read the stored version `version` (0 = latest) into *v, and when fw is
 * not NULL load it into *fw.  When there is none, fails with a message. */
static int
load_version(struct bb_ctx *ctx, int64_t version, struct bb_fw_version *v,
    struct bb_framework **fw)
{
	int rc;

	if (fw != NULL)
		*fw = NULL;
	rc = bb_store_framework_get(ctx->store, version, v);
	if (rc == BB_ERR_NOTFOUND) {
		if (version != 0)
			return bb_ctx_fail(ctx, rc, "framework version %lld does not "
			    "exist", (long long)version);
		return bb_ctx_fail(ctx, rc, "no framework applied yet; run "
		    "'backbone framework apply FILE' first");
	}
	if (rc != BB_OK)
		return bb_ctx_fail(ctx, rc, "cannot read the framework: %s",
		    bb_store_errmsg(ctx->store));
	return fw != NULL ? bb_cli_framework(ctx, v->version, fw, NULL) : BB_OK;
}

static int64_t
opt_version(const struct bb_ctx *ctx)
{
	const char *s = bb_ctx_opt(ctx, "version");
	int64_t v = 0;

	if (s != NULL)
		bb_parse_i64(s, &v);
	return v;
}

/* --- framework check ----------------------------------------------------- */

/* Check every indicator's expression (measure/), adding to the findings
 * in file order; BB_ERR_INPUT when one has errors. */
static int
check_indicators(const struct bb_framework *fw, const char *path,
    const char *data, size_t len, struct bb_findings *f)
{
	struct bb_fw_text text = { path, data, len };
	int rc = bb_measure_check(fw, &text, f);
	bb_findings_sort(f);
	return rc;
}

static int
run_check(struct bb_ctx *ctx)
{
	const char *path = ctx->argv[0];
	/* Its name in findings and JSON: UTF-8 text whatever the path. */
	char *name = bb_utf8_clean(path);
	struct bb_framework *fw = NULL;
	struct bb_findings f;
	int rc;

	char *data = NULL;
	size_t len = 0;

	bb_findings_init(&f);
	rc = bb_framework_read(path, &data, &len, &f);
	if (rc == BB_OK)
		rc = bb_framework_load_buffer(name, data, len, &fw, &f);
	if (rc == BB_OK)
		rc = check_indicators(fw, name, data, len, &f);
	if (ctx->json) {
		json_t *o = json_pack("{s:s, s:I, s:I}", "file", name, "errors",
		    (json_int_t)f.errors, "warnings", (json_int_t)f.warnings);
		if (fw != NULL)
			json_object_set_new(o, "sha256", json_string(fw->sha256));
		json_object_set_new(o, "findings", findings_json(&f));
		bb_ctx_emit_json(ctx, o);
	} else
		print_findings(ctx->out, &f);
	free(data);
	free(name);
	bb_framework_free(fw);
	bb_findings_free(&f);
	/* The findings said why; nothing more to print. */
	return rc == BB_OK ? BB_OK : BB_ERR_INPUT;
}

const struct bb_command bb_cmd_framework_check = {
	.name = "framework check",
	.args = "FILE",
	.summary = "check a framework file (no database needed)",
	.help = "Reads the framework file and prints every problem as\n"
	    "FILE:LINE:COL: message (warnings say 'warning:'), then a summary line\n"
	    "such as '3 errors, 2 warnings'. Exits 1 when there is any error, 0\n"
	    "otherwise (warnings alone do not fail). docs/framework.md lists the rules.",
	.opts = NULL,
	.min_args = 1, .max_args = 1,
	.flags = BB_CMD_JSON,
	.run = run_check,
};

/* --- framework apply ----------------------------------------------------- */

static int
run_apply(struct bb_ctx *ctx)
{
	const char *path = ctx->argv[0];
	/* Its name in findings, JSON and the store: UTF-8 text whatever
	 * the path. */
	char *name = bb_utf8_clean(path);
	struct bb_framework *fw = NULL;
	struct bb_findings f;
	char *data = NULL;
	size_t len = 0;
	int64_t version = 0;
	bool created = false;
	int rc;

	bb_findings_init(&f);
	rc = bb_framework_read(path, &data, &len, &f);
	if (rc == BB_OK)
		rc = bb_framework_load_buffer(name, data, len, &fw, &f);
	if (rc == BB_OK && (rc = check_indicators(fw, name, data, len, &f)) != BB_OK) {
		bb_framework_free(fw);
		fw = NULL;
	}
	if (f.n > 0 && !ctx->json)
		print_findings(ctx->err, &f);
	if (rc != BB_OK) {
		if (ctx->json)
			bb_ctx_emit_json(ctx, json_pack("{s:s, s:b, s:I, s:I, s:o}",
			    "file", name, "applied", 0, "errors", (json_int_t)f.errors,
			    "warnings", (json_int_t)f.warnings, "findings",
			    findings_json(&f)));
		rc = bb_ctx_fail(ctx, BB_ERR_INPUT, "%s: not applied (%zu error%s)",
		    name, f.errors, f.errors == 1 ? "" : "s");
		goto out;
	}
	if ((rc = bb_cli_framework_store(ctx, name, data, len, fw, &version,
	    &created)) != BB_OK)
		goto out;
	if (ctx->json)
		bb_ctx_emit_json(ctx, json_pack("{s:s, s:b, s:I, s:s, s:I, s:o}",
		    "file", name, "applied", created, "version", (json_int_t)version,
		    "sha256", fw->sha256, "warnings", (json_int_t)f.warnings,
		    "findings", findings_json(&f)));
	else if (created)
		fprintf(ctx->out, "applied %s as framework version %lld (sha256 %.12s)\n",
		    name, (long long)version, fw->sha256);
	else
		fprintf(ctx->out, "framework unchanged: version %lld\n",
		    (long long)version);
out:
	free(data);
	free(name);
	bb_framework_free(fw);
	bb_findings_free(&f);
	return rc;
}

const struct bb_command bb_cmd_framework_apply = {
	.name = "framework apply",
	.args = "FILE",
	.summary = "check a framework file and store it as a new version",
	.help = "Checks the file as 'framework check' does; a file with errors is\n"
	    "refused and nothing is stored. Otherwise stores a new immutable version\n"
	    "(its number, the SHA-256 of its canonical form, the file as applied) and\n"
	    "sets the initiative's name from it, in one transaction. Applying the\n"
	    "same content again (whatever its comments or layout) stores nothing and\n"
	    "says 'framework unchanged: version N'. Content equal to an earlier\n"
	    "version (going back) is stored as a new version.",
	.opts = NULL,
	.min_args = 1, .max_args = 1,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_apply,
};

/* --- framework show ------------------------------------------------------ */

static void
show_summary(FILE *o, const struct bb_framework *fw, const struct bb_fw_version *v)
{
	size_t nind = 0;

	for (size_t i = 0; i < fw->noutcomes; i++)
		nind += fw->outcomes[i].nindicators;
	fprintf(o, "%s (%s)\n", fw->initiative.name, fw->initiative.id);
	fprintf(o, "framework version %lld, sha256 %s\napplied %s from %s\n\n",
	    (long long)v->version, v->sha256, v->applied_at, v->source_name);
	fprintf(o, "%zu glossary terms, %zu code lists, %zu datasets, %zu partners, "
	    "%zu outcomes, %zu indicators\n", fw->nglossary, fw->ncode_lists,
	    fw->ndatasets, fw->npartners, fw->noutcomes, nind);

	fprintf(o, "\noutcomes\n");
	for (size_t i = 0; i < fw->noutcomes; i++) {
		const struct bb_outcome *oc = &fw->outcomes[i];
		fprintf(o, "  %s: %s\n", oc->id, oc->name);
		for (size_t k = 0; k < oc->nindicators; k++) {
			const struct bb_indicator *ind = &oc->indicators[k];
			fprintf(o, "    %s: %s [%s, %s", ind->id, ind->name,
			    bb_rba_name(ind->category), ind->unit ? ind->unit : "no unit");
			if (ind->cadence)
				fprintf(o, ", %s", bb_cadence_name(ind->cadence));
			fprintf(o, ", %s]\n", ind->direction == BB_DIR_HIGHER ?
			    "higher is better" : ind->direction == BB_DIR_LOWER ?
			    "lower is better" : "no better direction");
		}
	}
	fprintf(o, "\ndatasets\n");
	for (size_t i = 0; i < fw->ndatasets; i++) {
		const struct bb_dataset *ds = &fw->datasets[i];
		fprintf(o, "  %s: %s (%s, %zu field%s, %zu rule%s)\n", ds->id,
		    ds->name, bb_dataset_kind_name(ds->kind), ds->nfields,
		    ds->nfields == 1 ? "" : "s", ds->nrules, ds->nrules == 1 ? "" : "s");
		for (size_t k = 0; k < ds->nfields; k++) {
			const struct bb_field *f = &ds->fields[k];
			fprintf(o, "    %-22s %s", f->name, bb_field_type_name(f->type));
			if (f->code_list)
				fprintf(o, " (%s)", f->code_list);
			if (f->required)
				fprintf(o, " required");
			if (f->unique)
				fprintf(o, " unique");
			if (f->personal)
				fprintf(o, " personal");
			if (f->identity != BB_ID_NONE)
				fprintf(o, " identity=%s", bb_identity_role_name(f->identity));
			fputc('\n', o);
		}
	}
	fprintf(o, "\npartners\n");
	for (size_t i = 0; i < fw->npartners; i++) {
		const struct bb_partner *p = &fw->partners[i];
		fprintf(o, "  %s: %s (%s%s%s)\n", p->id, p->name,
		    p->sector ? p->sector : "", p->sector ? "; shares " : "shares ",
		    bb_sharing_name(p->sharing));
		for (size_t k = 0; k < p->nobligations; k++)
			fprintf(o, "    owes %s %s\n", p->obligations[k].dataset,
			    bb_cadence_name(p->obligations[k].cadence));
		for (size_t k = 0; k < p->ncrosswalks; k++)
			fprintf(o, "    crosswalk %s (sha256 %.12s, %zu columns)\n",
			    p->crosswalks[k].dataset, p->crosswalks[k].sha256,
			    p->crosswalks[k].ncolumns);
	}
}

static int
run_show(struct bb_ctx *ctx)
{
	struct bb_fw_version v;
	struct bb_framework *fw = NULL;
	bool source = bb_ctx_flag(ctx, "source");
	int rc;

	if (source && ctx->json)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "--source and --json exclude "
		    "each other");
	rc = load_version(ctx, opt_version(ctx), &v, source || ctx->json ? NULL : &fw);
	if (rc != BB_OK) {
		bb_fw_version_clear(&v);
		return rc;
	}
	if (source)
		fwrite(v.source, 1, v.source_len, ctx->out);
	else if (ctx->json) {
		json_error_t e;
		json_t *j = json_loads(v.canonical, 0, &e);
		if (j == NULL)
			rc = bb_ctx_fail(ctx, BB_ERR_INTERNAL, "stored canonical form "
			    "is not JSON");
		else
			bb_ctx_emit_json(ctx, j);
	} else
		show_summary(ctx->out, fw, &v);
	bb_framework_free(fw);
	bb_fw_version_clear(&v);
	return rc;
}

static const struct bb_opt_spec show_opts[] = {
	{ "version", BB_OPT_VALUE, "N", "the version to show (default: the latest)", bb_valid_positive_int },
	{ "source", BB_OPT_FLAG, NULL, "print the file as it was applied", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

const struct bb_command bb_cmd_framework_show = {
	.name = "framework show",
	.args = "",
	.summary = "summarise a stored framework version",
	.help = "Prints the initiative, counts, outcomes and indicators, datasets and\n"
	    "fields, and partners with their sharing, obligations and crosswalks.\n"
	    "--source prints the file as applied; --json the canonical JSON.",
	.opts = show_opts,
	.min_args = 0, .max_args = 0,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_show,
};

/* --- framework versions -------------------------------------------------- */

static int
version_line(const struct bb_fw_version *v, void *arg)
{
	struct bb_ctx *ctx = arg;

	fprintf(ctx->out, "%7lld  %.12s  %-20s  %s\n", (long long)v->version,
	    v->sha256, v->applied_at, v->source_name);
	return BB_OK;
}

static int
version_json(const struct bb_fw_version *v, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:s}", "version",
	    (json_int_t)v->version, "sha256", v->sha256, "file", v->source_name,
	    "applied_at", v->applied_at));
	return BB_OK;
}

static int
run_versions(struct bb_ctx *ctx)
{
	json_t *a = NULL;
	int rc;

	if (ctx->json)
		a = json_array();
	else
		fprintf(ctx->out, "version  sha256        applied_at            file\n");
	rc = bb_store_framework_list(ctx->store, ctx->json ? version_json :
	    version_line, ctx->json ? (void *)a : (void *)ctx);
	if (rc != BB_OK) {
		json_decref(a);
		return bb_ctx_fail(ctx, rc, "cannot list framework versions: %s",
		    bb_store_errmsg(ctx->store));
	}
	if (ctx->json)
		bb_ctx_emit_json(ctx, a);
	return BB_OK;
}

const struct bb_command bb_cmd_framework_versions = {
	.name = "framework versions",
	.args = "",
	.summary = "list the stored framework versions",
	.help = "One line per version, oldest first: number, the first 12 digits of\n"
	    "its sha256, when it was applied and from which file. --json gives the\n"
	    "full hashes.",
	.opts = NULL,
	.min_args = 0, .max_args = 0,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_versions,
};

/* --- framework diff ------------------------------------------------------ */

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The canonical JSON of a version number or a framework file. */
static int
canonical_of(struct bb_ctx *ctx, const char *arg, char **out)
{
	int rc;

	*out = NULL;
	if (all_digits(arg)) {
		struct bb_fw_version v;
		int64_t n;
		if (bb_parse_i64(arg, &n) != BB_OK || n < 1)
			return bb_ctx_fail(ctx, BB_ERR_USAGE, "'%s' is not a version "
			    "number", arg);
		if ((rc = need_store(ctx)) != BB_OK)
			return rc;
		rc = load_version(ctx, n, &v, NULL);
		if (rc == BB_OK) {
			*out = v.canonical;
			v.canonical = NULL;
		}
		bb_fw_version_clear(&v);
		return rc;
	} else {
		struct bb_framework *fw = NULL;
		struct bb_findings f;
		bb_findings_init(&f);
		rc = bb_framework_load_file(arg, &fw, &f);
		if (rc != BB_OK) {
			print_findings(ctx->err, &f);
			rc = bb_ctx_fail(ctx, BB_ERR_INPUT, "%s: cannot compare a "
			    "framework with errors", arg);
		} else
			*out = bb_framework_canonical(fw);
		bb_framework_free(fw);
		bb_findings_free(&f);
		return rc;
	}
}

/* A value for a diff line: bare text when it is a simple word, else JSON. */
static void
print_value(FILE *o, const char *jtext)
{
	json_error_t e;
	json_t *j = json_loads(jtext, JSON_DECODE_ANY, &e);
	const char *s = json_string_value(j);
	bool bare = s != NULL && *s != '\0';

	for (const char *p = s; bare && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("_-./:", *p)))
			bare = false;
	fputs(bare ? s : jtext, o);
	json_decref(j);
}

static bool
is_scalarish(const char *jtext)
{
	return jtext != NULL && jtext[0] != '{' &&
	    !(jtext[0] == '[' && jtext[1] == '{');
}

static int
run_diff(struct bb_ctx *ctx)
{
	char *a = NULL, *b = NULL;
	struct bb_fw_diff d;
	int rc;

	memset(&d, 0, sizeof(d));
	if ((rc = canonical_of(ctx, ctx->argv[0], &a)) != BB_OK ||
	    (rc = canonical_of(ctx, ctx->argv[1], &b)) != BB_OK)
		goto out;
	if ((rc = bb_framework_diff(a, b, &d)) != BB_OK) {
		rc = bb_ctx_fail(ctx, BB_ERR_INTERNAL, "cannot compare the "
		    "canonical forms");
		goto out;
	}
	if (ctx->json) {
		json_t *ch = json_array();
		for (size_t i = 0; i < d.n; i++) {
			const struct bb_fw_change *c = &d.items[i];
			json_error_t e;
			json_t *x = json_pack("{s:s, s:s}", "op", c->op == '+' ? "added" :
			    c->op == '-' ? "removed" : "changed", "path", c->path);
			if (c->before)
				json_object_set_new(x, "before",
				    json_loads(c->before, JSON_DECODE_ANY, &e));
			if (c->after)
				json_object_set_new(x, "after",
				    json_loads(c->after, JSON_DECODE_ANY, &e));
			json_array_append_new(ch, x);
		}
		bb_ctx_emit_json(ctx, json_pack("{s:s, s:s, s:o}", "from",
		    ctx->argv[0], "to", ctx->argv[1], "changes", ch));
	} else if (d.n == 0)
		fprintf(ctx->out, "no differences\n");
	else
		for (size_t i = 0; i < d.n; i++) {
			const struct bb_fw_change *c = &d.items[i];
			fprintf(ctx->out, "%c %s", c->op, c->path);
			if (c->op == '~') {
				fputs(": ", ctx->out);
				print_value(ctx->out, c->before);
				fputs(" -> ", ctx->out);
				print_value(ctx->out, c->after);
			} else if (is_scalarish(c->op == '+' ? c->after : c->before)) {
				fputs(": ", ctx->out);
				print_value(ctx->out, c->op == '+' ? c->after : c->before);
			}
			fputc('\n', ctx->out);
		}
out:
	bb_fw_diff_free(&d);
	free(a);
	free(b);
	return rc;
}

const struct bb_command bb_cmd_framework_diff = {
	.name = "framework diff",
	.args = "A B",
	.summary = "show what changed between two framework versions or files",
	.help = "A and B are version numbers (all digits) or paths to framework files.\n"
	    "Prints one line per change, by a path keyed by ids:\n"
	    "  + partners.library.crosswalks.programs         added\n"
	    "  - glossary.served                              removed\n"
	    "  ~ outcomes.x.indicators.y.targets[2027].value: 55 -> 60\n"
	    "or 'no differences'. Comments and layout never count; only content.",
	.opts = NULL,
	.min_args = 2, .max_args = 2,
	.flags = BB_CMD_JSON,
	.run = run_diff,
};

/* --- framework export-schema / import-schema ----------------------------- */

static int
run_export_schema(struct bb_ctx *ctx)
{
	const char *file = bb_ctx_opt(ctx, "file");
	struct bb_framework *fw = NULL;
	const struct bb_dataset *ds;
	char *s;
	int rc;

	if (file != NULL && bb_ctx_opt(ctx, "version") != NULL)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "give --version or --file, "
		    "not both");
	if (file != NULL) {
		struct bb_findings f;
		bb_findings_init(&f);
		rc = bb_framework_load_file(file, &fw, &f);
		if (rc != BB_OK) {
			print_findings(ctx->err, &f);
			rc = bb_ctx_fail(ctx, BB_ERR_INPUT, "%s has errors", file);
		}
		bb_findings_free(&f);
	} else if ((rc = need_store(ctx)) == BB_OK)
		rc = bb_cli_framework(ctx, opt_version(ctx), &fw, NULL);
	if (rc != BB_OK)
		goto out;
	if ((ds = bb_fw_dataset(fw, ctx->argv[0])) == NULL) {
		rc = bb_ctx_fail(ctx, BB_ERR_NOTFOUND, "the framework has no dataset "
		    "'%s'", ctx->argv[0]);
		goto out;
	}
	s = bb_framework_table_schema(fw, ds);
	fprintf(ctx->out, "%s\n", s);
	free(s);
out:
	bb_framework_free(fw);
	return rc;
}

static const struct bb_opt_spec export_opts[] = {
	{ "version", BB_OPT_VALUE, "N", "a stored version (default: the latest)", bb_valid_positive_int },
	{ "file", BB_OPT_VALUE, "FRAMEWORK", "read a framework file instead of the database", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

const struct bb_command bb_cmd_framework_export_schema = {
	.name = "framework export-schema",
	.args = "DATASET",
	.summary = "print a dataset as a Frictionless Table Schema",
	.help = "Prints the dataset's fields as a Table Schema (JSON): name, title,\n"
	    "description, type, format, constraints (required, unique, minimum,\n"
	    "maximum, maxLength, pattern, enum), categories and missingValues, with\n"
	    "what Table Schema cannot say kept under \"x-backbone\" so that\n"
	    "'framework import-schema' gives the dataset back.",
	.opts = export_opts,
	.min_args = 1, .max_args = 1,
	.flags = 0,
	.run = run_export_schema,
};

static int
valid_dataset_id(const char *v, const char **why)
{
	if (bb_fw_valid_id(v))
		return BB_OK;
	*why = "is not a dataset id (lowercase letters, digits, '_', '.' and '-', "
	    "starting with a letter or digit; at most 64)";
	return BB_ERR_USAGE;
}

static int
run_import_schema(struct bb_ctx *ctx)
{
	const char *path = ctx->argv[0], *id = bb_ctx_opt(ctx, "id");
	struct bb_findings f;
	struct bb_buf b;
	char *why = NULL, *yaml = NULL;
	int rc;

	if (id == NULL)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "--id ID is required (the "
		    "dataset's id)");
	bb_findings_init(&f);
	bb_buf_init(&b, BB_FW_MAX_BYTES);
	rc = bb_read_file(path, BB_FW_MAX_BYTES, &b, &why);
	if (rc != BB_OK) {
		rc = bb_ctx_fail(ctx, BB_ERR_INPUT, "%s: %s", path,
		    rc == BB_ERR_LIMIT ? "larger than 8 MiB" : why ? why : "cannot read");
		goto out;
	}
	rc = bb_framework_import_schema(path, b.data ? b.data : "", b.len, id,
	    &yaml, &f);
	bb_findings_print(&f, ctx->err);
	if (rc != BB_OK)
		rc = bb_ctx_fail(ctx, BB_ERR_INPUT, "%s: cannot import", path);
	else
		fputs(yaml, ctx->out);
out:
	free(why);
	free(yaml);
	bb_buf_free(&b);
	bb_findings_free(&f);
	return rc;
}

static const struct bb_opt_spec import_opts[] = {
	{ "id", BB_OPT_VALUE, "ID", "the dataset's id in the framework (required)", valid_dataset_id },
	{ NULL, 0, NULL, NULL, NULL },
};

const struct bb_command bb_cmd_framework_import_schema = {
	.name = "framework import-schema",
	.args = "SCHEMA.json",
	.summary = "print a Table Schema as a framework dataset (YAML)",
	.help = "Reads a Frictionless Table Schema and prints the equivalent dataset,\n"
	    "with the code lists its fields use, as framework YAML to paste into a\n"
	    "framework file. Types with no equivalent become text (with a warning).",
	.opts = import_opts,
	.min_args = 1, .max_args = 1,
	.flags = 0,
	.run = run_import_schema,
};
