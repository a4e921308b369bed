/*
 * cmd_report.c: `backbone report` (the indicator report in text, HTML,
 * JSON, CSV or XLSX, as of any submission or framework version, or the
 * difference between two runs), `backbone trace` (the records behind a
 * figure), `backbone export` (a Frictionless Data Package) and
 * `backbone values refresh` (recompute the maintained values).
 */
#include "cli/cli.h"
#include "cli/cli_framework.h"
#include "framework/framework.h"
#include "measure/compare.h"
#include "measure/export.h"
#include "measure/report.h"
#include "measure/trace.h"
#include "measure/values.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/diag.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
valid_format(const char *v, const char **why)
{
	static const char *const ok[] = { "text", "html", "json", "csv", "xlsx" };
	for (size_t i = 0; i < BB_ARRAY_LEN(ok); i++)
		if (strcmp(v, ok[i]) == 0)
			return BB_OK;
	*why = "must be text, html, json, csv or xlsx";
	return BB_ERR_USAGE;
}

static int
valid_role(const char *v, const char **why)
{
	enum bb_role r;
	if (bb_role_parse(v, &r) == BB_OK)
		return BB_OK;
	*why = "must be backbone, partner or public";
	return BB_ERR_USAGE;
}

static int
valid_period(const char *v, const char **why)
{
	struct bb_period p;
	/* The real year starts come with the framework; the shape is the same. */
	static const struct bb_year_starts ys = { 8, 7 };
	if (bb_period_parse(v, &ys, &p, why) == BB_OK)
		return BB_OK;
	if (*why == NULL)
		*why = "is not a period (2026, 2026-Q3, 2026-07, SY2026-27, FY2027, "
		    "2026-01-15..2026-03-31)";
	return BB_ERR_USAGE;
}

static int
valid_point(const char *v, const char **why)
{
	int64_t x;
	const char *at = strchr(v, '@');
	char buf[32];

	*why = "must be a submission id (12), a framework version (v2), or both (v2@12)";
	if (v[0] != 'v')
		return bb_parse_i64(v, &x) == BB_OK && x >= 0 ? BB_OK : BB_ERR_USAGE;
	if (at == NULL)
		return bb_parse_i64(v + 1, &x) == BB_OK && x >= 1 ? BB_OK : BB_ERR_USAGE;
	if ((size_t)(at - v) >= sizeof(buf))
		return BB_ERR_USAGE;
	memcpy(buf, v + 1, (size_t)(at - v - 1));
	buf[at - v - 1] = '\0';
	if (bb_parse_i64(buf, &x) != BB_OK || x < 1 || bb_parse_i64(at + 1, &x) != BB_OK ||
	    x < 0)
		return BB_ERR_USAGE;
	return BB_OK;
}

/* "v2@12" -> version 2, as of 12; "12" -> latest, 12; "v2" -> 2, now. */
static void
parse_point(const char *v, int64_t *version, int64_t *as_of)
{
	const char *at = strchr(v, '@');
	char buf[32];

	*version = 0;
	*as_of = 0;
	if (v[0] != 'v') {
		bb_parse_i64(v, as_of);
		return;
	}
	if (at == NULL) {
		bb_parse_i64(v + 1, version);
		return;
	}
	memcpy(buf, v + 1, (size_t)(at - v - 1));
	buf[at - v - 1] = '\0';
	bb_parse_i64(buf, version);
	bb_parse_i64(at + 1, as_of);
}

static int
opt_i64(struct bb_ctx *ctx, const char *name, int64_t *out)
{
	const char *v = bb_ctx_opt(ctx, name);
	*out = 0;
	if (v == NULL)
		return BB_OK;
	if (bb_parse_i64(v, out) != BB_OK || *out < 1)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "--%s takes a positive number, not '%s'",
		    name, v);
	return BB_OK;
}

/* A submission named by --as-of (or a --compare run) must exist: 0, or
 * BB_ERR_NOTFOUND with the failure set.  0 stands for "now". */
static int
known_submission(struct bb_ctx *ctx, int64_t id)
{
	struct bb_submission sub;
	int rc;

	if (id == 0)
		return BB_OK;
	memset(&sub, 0, sizeof(sub));
	rc = bb_store_submission_get(ctx->store, id, &sub);
	bb_submission_clear(&sub);
	if (rc == BB_ERR_NOTFOUND)
		return bb_ctx_fail(ctx, rc, "there is no submission %lld ('backbone "
		    "submissions' lists them)", (long long)id);
	if (rc != BB_OK)
		return bb_ctx_fail(ctx, rc, "cannot read submission %lld: %s",
		    (long long)id, bb_store_errmsg(ctx->store));
	return BB_OK;
}

/* --- report ------------------------------------------------------------------ */

static const struct bb_opt_spec report_opts[] = {
	{ "period", BB_OPT_VALUE, "P", "report this period (default: each indicator's latest)", valid_period },
	{ "partner", BB_OPT_VALUE, "ID", "report this partner's figures; with --role partner, the partner viewing", bb_valid_id },
	{ "format", BB_OPT_VALUE, "FMT", "text (default), html, json, csv or xlsx", valid_format },
	{ "out", BB_OPT_VALUE, "FILE", "write to FILE (needed for xlsx) instead of standard output", NULL },
	{ "role", BB_OPT_VALUE, "ROLE", "backbone (default: sees everything), partner or public (small cells suppressed)", valid_role },
	{ "as-of", BB_OPT_VALUE, "SUB", "the data as it stood just after submission SUB", bb_valid_positive_int },
	{ "framework-version", BB_OPT_VALUE, "V", "under framework version V (default: the latest)", bb_valid_positive_int },
	{ "from-scratch", BB_OPT_FLAG, NULL, "compute from the records, not the maintained values", NULL },
	{ "compare", BB_OPT_VALUE, "A", "explain how run A differs from run B (the argument): SUB, vV or vV@SUB", valid_point },
	{ NULL, 0, NULL, NULL, NULL },
};

static void
print_text(FILE *o, const struct bb_report *r)
{
	const struct bb_outcome *last = NULL;
	char a[64], b[64];

	fprintf(o, "%s: indicator report\n", r->initiative);
	fprintf(o, "framework version %lld (%.12s), data as of submission %lld%s%s\n",
	    (long long)r->fw_version, r->fw->sha256, (long long)r->as_of,
	    r->as_of_at ? ", received " : "", r->as_of_at ? r->as_of_at : "");
	fprintf(o, "data sha256 %s\nview: %s%s%s\n", r->data_sha256,
	    bb_role_name(r->opts.role), r->opts.partner ? ", partner " : "",
	    r->opts.partner ? r->opts.partner : "");
	for (size_t i = 0; i < r->nitems; i++) {
		const struct bb_report_item *it = &r->items[i];
		const struct bb_value *h = it->headline;
		if (it->outcome != last) {
			last = it->outcome;
			fprintf(o, "\n%s\n", last && last->name ? last->name : "");
		}
		fprintf(o, "  %-28s %-10s ", it->ind->id, it->period ? it->period : "-");
		if (it->withheld) {
			fprintf(o, "not shown: %s figures only\n",
			    bb_report_cadence_words(it->ind->cadence));
			continue;
		}
		if (h == NULL) {
			fprintf(o, "%s\n", it->computable ? "no data" : "not computed");
			continue;
		}
		if (h->suppressed)
			fprintf(o, "%10s", "*");
		else if (h->has_value) {
			bb_report_num_display(it->ind, h->value, a, sizeof(a));
			fprintf(o, "%10s", a);
		} else
			fprintf(o, "%10s", "-");
		if (!h->suppressed && h->has_num && h->has_den) {
			bb_format_double(a, sizeof(a), h->num, 2);
			bb_format_double(b, sizeof(b), h->den, 2);
			fprintf(o, "  (%s of %s)", a, b);
		}
		if (it->target) {
			bb_report_num_display(it->ind, it->target->value, a, sizeof(a));
			fprintf(o, "  target %s %s", a, it->target->period);
		}
		if (it->ntrend > 1 && it->trend_len > 0)
			fprintf(o, "  %s for %d period%s", it->trend_dir > 0 ? "rising" :
			    it->trend_dir < 0 ? "falling" : "flat", it->trend_len,
			    it->trend_len == 1 ? "" : "s");
		fputc('\n', o);
		if (it->in_progress)
			fprintf(o, "  %-28s %s is still running (data to %.10s): a "
			    "part of the period, no trend yet\n", "", it->period,
			    r->as_of_at ? r->as_of_at : "");
		if (h->dedup_note && h->dedup_note[0])
			fprintf(o, "  %-28s %s\n", "", h->dedup_note);
	}
}

/* The format asked for, or the one --out's extension names, or text. */
static const char *
format_of(struct bb_ctx *ctx)
{
	const char *f = bb_ctx_opt(ctx, "format"), *out = bb_ctx_opt(ctx, "out"), *dot;
	if (ctx->json)
		return "json";
	if (f)
		return f;
	if (out && (dot = strrchr(out, '.')) != NULL) {
		if (strcmp(dot, ".html") == 0 || strcmp(dot, ".htm") == 0)
			return "html";
		if (strcmp(dot, ".json") == 0 || strcmp(dot, ".csv") == 0 ||
		    strcmp(dot, ".xlsx") == 0)
			return dot + 1;
	}
	return "text";
}

/* What changed behind a figure whose value did not: its counts, records
 * and de-duplication, each as "name a -> b". */
static void
print_behind(FILE *o, json_t *x)
{
	static const char *const what[][2] = {
		{ "count", "count" },
		{ "denominator_count", "denominator count" },
		{ "records", "records" },
		{ "deduplication", "de-duplication" },
	};
	const char *sep = " (";

	for (size_t i = 0; i < BB_ARRAY_LEN(what); i++) {
		char ka[40], kb[40];
		snprintf(ka, sizeof(ka), "a_%s", what[i][0]);
		snprintf(kb, sizeof(kb), "b_%s", what[i][0]);
		json_t *a = json_object_get(x, ka), *b = json_object_get(x, kb);
		if (a == NULL || b == NULL || json_equal(a, b))
			continue;
		if (json_is_string(a))
			fprintf(o, "%s%s %s -> %s", sep, what[i][1], json_string_value(a),
			    json_string_value(b));
		else
			fprintf(o, "%s%s %lld -> %lld", sep, what[i][1],
			    (long long)json_integer_value(a), (long long)json_integer_value(b));
		sep = ", ";
	}
	if (*sep == ',')
		fputc(')', o);
}

static void
print_compare(FILE *o, json_t *c)
{
	json_t *sum = json_object_get(c, "summary"), *x, *arr;
	size_t i;

	fprintf(o, "a: framework version %lld, data as of submission %lld\n",
	    (long long)json_integer_value(json_object_get(json_object_get(c, "a"),
	    "framework_version")), (long long)json_integer_value(json_object_get(
	    json_object_get(c, "a"), "as_of_submission")));
	fprintf(o, "b: framework version %lld, data as of submission %lld\n",
	    (long long)json_integer_value(json_object_get(json_object_get(c, "b"),
	    "framework_version")), (long long)json_integer_value(json_object_get(
	    json_object_get(c, "b"), "as_of_submission")));
	fprintf(o, "\nsubmissions between them: %lld new, %lld corrections\n",
	    (long long)json_integer_value(json_object_get(sum, "new_submissions")),
	    (long long)json_integer_value(json_object_get(sum, "corrections")));
	arr = json_object_get(c, "submissions");
	for (i = 0; i < json_array_size(arr); i++) {
		x = json_array_get(arr, i);
		json_t *corr = json_object_get(x, "corrects");
		fprintf(o, "  %lld  %s / %s / %s  %s", (long long)json_integer_value(
		    json_object_get(x, "submission")), json_string_value(json_object_get(x,
		    "partner")), json_string_value(json_object_get(x, "dataset")),
		    json_string_value(json_object_get(x, "period")), json_string_value(
		    json_object_get(x, "file")));
		if (corr)
			fprintf(o, "  (corrects submission %lld)", (long long)json_integer_value(corr));
		fputc('\n', o);
	}
	x = json_object_get(c, "linkage");
	fprintf(o, "linkage changes: %lld records moved between participants "
	    "(merges or splits; %lld participants left), %lld records linked late\n",
	    (long long)json_integer_value(json_object_get(x, "records_moved")),
	    (long long)json_integer_value(json_object_get(x, "participants_left")),
	    (long long)json_integer_value(json_object_get(x, "records_linked_late")));
	fprintf(o, "framework changes: %lld\n", (long long)json_integer_value(
	    json_object_get(sum, "framework_changes")));
	arr = json_object_get(c, "framework");
	for (i = 0; i < json_array_size(arr); i++) {
		x = json_array_get(arr, i);
		const char *before = json_string_value(json_object_get(x, "before"));
		const char *after = json_string_value(json_object_get(x, "after"));
		fprintf(o, "  %s %s", json_string_value(json_object_get(x, "change")),
		    json_string_value(json_object_get(x, "path")));
		if (before && after)
			fprintf(o, ": %s -> %s", before, after);
		fputc('\n', o);
	}
	fprintf(o, "figures: %lld changed, %lld only in a, %lld only in b\n",
	    (long long)json_integer_value(json_object_get(sum, "figures_changed")),
	    (long long)json_integer_value(json_object_get(sum, "figures_only_in_a")),
	    (long long)json_integer_value(json_object_get(sum, "figures_only_in_b")));
	arr = json_object_get(c, "figures");
	for (i = 0; i < json_array_size(arr); i++) {
		x = json_array_get(arr, i);
		char *va = json_dumps(json_object_get(x, "a") ? json_object_get(x, "a") :
		    json_null(), JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
		char *vb = json_dumps(json_object_get(x, "b") ? json_object_get(x, "b") :
		    json_null(), JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
		json_t *p = json_object_get(x, "partner"), *by = json_object_get(x, "by");
		fprintf(o, "  %s %s %s%s%s%s%s: %s -> %s", json_string_value(
		    json_object_get(x, "indicator")), json_string_value(json_object_get(x,
		    "period")), json_is_string(p) ? json_string_value(p) : "all partners",
		    by ? " " : "", by ? json_string_value(by) : "", by ? "=" : "",
		    by ? json_string_value(json_object_get(x, "group")) : "",
		    va ? va : "", vb ? vb : "");
		/* The same value: say what changed behind it. */
		if (va && vb && strcmp(va, vb) == 0)
			print_behind(o, x);
		fputc('\n', o);
		free(va);
		free(vb);
	}
}

static int
run_compare(struct bb_ctx *ctx)
{
	struct bb_compare_point pa, pb;
	struct bb_framework *fa = NULL, *fb = NULL;
	struct bb_fw_version ca, cb;
	void *out = NULL;
	int64_t va, vb;
	int rc;

	memset(&ca, 0, sizeof(ca));
	memset(&cb, 0, sizeof(cb));
	static const char *const report_only[] = { "period", "partner", "role",
	    "out", "as-of", "framework-version", "from-scratch" };
	const char *f = bb_ctx_opt(ctx, "format");

	if (ctx->argc != 1)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "--compare A needs the second run B: "
		    "backbone report --compare A B");
	/* A comparison is of whole runs, for the backbone, on standard output:
	 * an option it would silently drop (a public view, a file) is refused. */
	for (size_t i = 0; i < BB_ARRAY_LEN(report_only); i++)
		if (bb_ctx_flag(ctx, report_only[i]))
			return bb_ctx_fail(ctx, BB_ERR_USAGE, "--compare takes no --%s "
			    "(it compares whole runs as the backbone sees them, and "
			    "prints text, or JSON with --json)", report_only[i]);
	if (f && strcmp(f, "text") != 0 && strcmp(f, "json") != 0)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "--compare prints text or json, "
		    "not --format %s", f);
	if (valid_point(ctx->argv[0], &(const char *){ NULL }) != BB_OK)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "'%s' must be a submission id (12), "
		    "a framework version (v2), or both (v2@12)", ctx->argv[0]);
	memset(&pa, 0, sizeof(pa));
	memset(&pb, 0, sizeof(pb));
	parse_point(bb_ctx_opt(ctx, "compare"), &va, &pa.as_of);
	parse_point(ctx->argv[0], &vb, &pb.as_of);
	if ((rc = known_submission(ctx, pa.as_of)) != BB_OK ||
	    (rc = known_submission(ctx, pb.as_of)) != BB_OK)
		return rc;
	if ((rc = bb_cli_framework(ctx, va, &fa, &pa.fw_version)) != BB_OK ||
	    (rc = bb_cli_framework(ctx, vb, &fb, &pb.fw_version)) != BB_OK)
		goto out;
	if (bb_store_framework_get(ctx->store, pa.fw_version, &ca) == BB_OK)
		pa.canonical = ca.canonical;
	if (bb_store_framework_get(ctx->store, pb.fw_version, &cb) == BB_OK)
		pb.canonical = cb.canonical;
	pa.fw = fa;
	pb.fw = fb;
	if ((rc = bb_measure_compare(ctx->store, &pa, &pb, &out, &ctx->diag)) != BB_OK)
		goto out;
	if (ctx->json || (bb_ctx_opt(ctx, "format") && strcmp(bb_ctx_opt(ctx, "format"),
	    "json") == 0))
		bb_ctx_emit_json(ctx, out);
	else {
		print_compare(ctx->out, out);
		json_decref(out);
	}
out:
	bb_fw_version_clear(&ca);
	bb_fw_version_clear(&cb);
	bb_framework_free(fa);
	bb_framework_free(fb);
	return rc;
}

static int
run_report(struct bb_ctx *ctx)
{
	struct bb_report_opts o;
	struct bb_report *r = NULL;
	struct bb_framework *fw = NULL;
	const char *fmt = format_of(ctx), *out = bb_ctx_opt(ctx, "out");
	const char *role = bb_ctx_opt(ctx, "role");
	int64_t version = 0;
	FILE *f = ctx->out;
	char *tmp = NULL;
	int rc;

	if (bb_ctx_opt(ctx, "compare"))
		return run_compare(ctx);
	if (ctx->argc != 0)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "report takes no arguments (did you "
		    "mean --compare A B?)");
	memset(&o, 0, sizeof(o));
	o.role = BB_ROLE_BACKBONE;
	if (role)
		bb_role_parse(role, &o.role);
	o.period = bb_ctx_opt(ctx, "period");
	o.partner = bb_ctx_opt(ctx, "partner");
	o.from_scratch = bb_ctx_flag(ctx, "from-scratch");
	if (o.role == BB_ROLE_PARTNER) {
		if (o.partner == NULL)
			return bb_ctx_fail(ctx, BB_ERR_USAGE, "--role partner needs --partner ID "
			    "(the partner viewing)");
		o.viewer = o.partner;
		o.partner = NULL;
	}
	if ((rc = opt_i64(ctx, "as-of", &o.as_of)) != BB_OK ||
	    (rc = opt_i64(ctx, "framework-version", &version)) != BB_OK ||
	    (rc = known_submission(ctx, o.as_of)) != BB_OK)
		return rc;
	if (strcmp(fmt, "xlsx") == 0 && out == NULL)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "--format xlsx needs --out FILE");
	if ((rc = bb_cli_framework(ctx, version, &fw, &o.fw_version)) != BB_OK)
		return rc;
	if (o.partner && bb_fw_partner(fw, o.partner) == NULL) {
		rc = bb_ctx_fail(ctx, BB_ERR_NOTFOUND, "there is no partner '%s'", o.partner);
		goto done;
	}
	if (o.viewer && bb_fw_partner(fw, o.viewer) == NULL) {
		rc = bb_ctx_fail(ctx, BB_ERR_NOTFOUND, "there is no partner '%s'", o.viewer);
		goto done;
	}
	if ((rc = bb_report_build(ctx->store, fw, &o, &r, &ctx->diag)) != BB_OK)
		goto done;
	/* A file is written beside its place and renamed into it, so a failure
	 * never leaves half a report under the name asked for. */
	if (out)
		tmp = bb_asprintf("%s.tmp-%ld", out, (long)getpid());
	if (strcmp(fmt, "xlsx") == 0) {
		if ((rc = bb_report_write_xlsx(r, tmp)) != BB_OK)
			rc = bb_ctx_fail(ctx, rc, "%s: cannot write the workbook", out);
		else if (rename(tmp, out) != 0)
			rc = bb_ctx_fail(ctx, BB_ERR_IO, "%s: cannot write: %s", out,
			    strerror(errno));
		goto done;
	}
	if (out && (f = fopen(tmp, "wb")) == NULL) {
		rc = bb_ctx_fail(ctx, BB_ERR_IO, "%s: cannot write: %s", out, strerror(errno));
		goto done;
	}
	if (strcmp(fmt, "json") == 0)
		rc = bb_report_write_json(r, f);
	else if (strcmp(fmt, "csv") == 0)
		rc = bb_report_write_csv(r, f);
	else if (strcmp(fmt, "html") == 0)
		rc = bb_report_write_html(r, f);
	else
		print_text(f, r);
	if (out && fclose(f) != 0 && rc == BB_OK)
		rc = BB_ERR_IO;
	if (out && rc == BB_OK && rename(tmp, out) != 0) {
		rc = bb_ctx_fail(ctx, BB_ERR_IO, "%s: cannot write: %s", out, strerror(errno));
		goto done;
	}
	if (rc != BB_OK)
		rc = bb_ctx_fail(ctx, rc, "%s: cannot write the report", out ? out : "stdout");
done:
	if (tmp) {
		unlink(tmp);	/* gone already when renamed */
		free(tmp);
	}
	bb_report_free(r);
	bb_framework_free(fw);
	return rc;
}

const struct bb_command bb_cmd_report = {
	.name = "report",
	.args = "[B]",
	.summary = "the indicator report (text, HTML, JSON, CSV, XLSX), or how two runs differ",
	.help = "Per outcome and indicator: the value with its numerator and\n"
	    "denominator, target and baseline, variance and percent of target, the\n"
	    "trend over past periods and how long it has lasted, the partners'\n"
	    "figures, each disaggregation, notes on partners whose local definition\n"
	    "differs, and how each count of people was de-duplicated. Header: the\n"
	    "framework version, the submission the data is as of, and a content hash\n"
	    "of the data. The same data and framework give the same bytes.\n"
	    "Reads the maintained values when they are current, else computes.\n"
	    "--as-of SUB counts people as linkage had them after SUB, so it gives\n"
	    "the report made when SUB was the newest submission.\n"
	    "--compare A B explains why two runs differ: the submissions between\n"
	    "them, what linkage changed (merges, splits), the framework changes,\n"
	    "and every figure that changed.",
	.opts = report_opts,
	.min_args = 0, .max_args = 1,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_report,
};

/* --- trace ---------------------------------------------------------------------- */

static const struct bb_opt_spec trace_opts[] = {
	{ "period", BB_OPT_VALUE, "P", "the figure's period (required)", valid_period },
	{ "partner", BB_OPT_VALUE, "ID", "the partner's figure (default: the initiative's)", bb_valid_id },
	{ "cell", BB_OPT_VALUE, "DISAGG=VALUE", "one group of a disaggregation (grade=K)", NULL },
	{ "as-of", BB_OPT_VALUE, "SUB", "the data as it stood just after submission SUB", bb_valid_positive_int },
	{ NULL, 0, NULL, NULL, NULL },
};

struct trace_arg {
	struct bb_ctx *ctx;
	const struct bb_trace_query *q;
	json_t *arr;
	size_t n, people;
	int64_t last_participant;
	bool headed;
};

/* The figure traced, once, before its first row (or its "0 records"):
 * nothing is printed for a query that is refused. */
static void
trace_header(struct trace_arg *a)
{
	const struct bb_trace_query *q = a->q;

	if (a->headed || a->ctx->json)
		return;
	a->headed = true;
	fprintf(a->ctx->out, "%s %s%s%s%s%s\n", q->indicator, q->period,
	    q->partner ? " partner " : " all partners", q->partner ? q->partner : "",
	    q->cell ? " " : "", q->cell ? q->cell : "");
}

static int
trace_cb(const struct bb_trace_row *t, void *arg)
{
	struct trace_arg *a = arg;
	FILE *o = a->ctx->out;
	char who[32];

	a->n++;
	if (a->ctx->json) {
		json_t *r = json_pack("{s:s, s:I, s:s, s:s, s:I, s:s, s:s, s:I, s:I}",
		    "part", t->part, "record", (json_int_t)t->record_id, "dataset", t->dataset,
		    "partner", t->partner, "submission", (json_int_t)t->submission_id,
		    "file", t->file_name ? t->file_name : "", "submission_period",
		    t->submission_period ? t->submission_period : "", "row",
		    (json_int_t)t->source_row, "framework_version",
		    (json_int_t)t->framework_version);
		json_object_set_new(r, "participant", t->participant_id ?
		    json_integer(t->participant_id) : json_null());
		json_object_set_new(r, "crosswalk_sha256", t->crosswalk_sha256 ?
		    json_string(t->crosswalk_sha256) : json_null());
		json_array_append_new(a->arr, r);
		return BB_OK;
	}
	trace_header(a);
	if (a->n == 1)
		fprintf(o, "%-11s %8s  %-12s %-16s %5s  %-24s %6s  %-11s %3s  %s\n", "part",
		    "record", "partner", "dataset", "sub", "file", "row", "participant",
		    "fw", "crosswalk");
	if (t->participant_id)
		snprintf(who, sizeof(who), "%lld", (long long)t->participant_id);
	else
		bb_strlcpy(who, "not linked", sizeof(who));
	fprintf(o, "%-11s %8lld  %-12s %-16s %5lld  %-24s %6lld  %-11s v%-2lld %.12s\n",
	    t->part, (long long)t->record_id, t->partner, t->dataset,
	    (long long)t->submission_id, t->file_name ? t->file_name : "",
	    (long long)t->source_row, who, (long long)t->framework_version,
	    t->crosswalk_sha256 ? t->crosswalk_sha256 : "-");
	return BB_OK;
}

static int
run_trace(struct bb_ctx *ctx)
{
	struct bb_trace_query q;
	struct bb_framework *fw = NULL;
	struct trace_arg a;
	int64_t version = 0;
	int rc;

	memset(&q, 0, sizeof(q));
	q.indicator = ctx->argv[0];
	q.period = bb_ctx_opt(ctx, "period");
	q.partner = bb_ctx_opt(ctx, "partner");
	q.cell = bb_ctx_opt(ctx, "cell");
	if (q.period == NULL)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "trace needs --period P");
	if ((rc = opt_i64(ctx, "as-of", &q.as_of)) != BB_OK ||
	    (rc = known_submission(ctx, q.as_of)) != BB_OK)
		return rc;
	if ((rc = bb_cli_framework(ctx, 0, &fw, &version)) != BB_OK)
		return rc;
	if (q.partner && bb_fw_partner(fw, q.partner) == NULL) {
		bb_framework_free(fw);
		return bb_ctx_fail(ctx, BB_ERR_NOTFOUND, "there is no partner '%s'",
		    q.partner);
	}
	memset(&a, 0, sizeof(a));
	a.ctx = ctx;
	a.q = &q;
	a.arr = json_array();
	rc = bb_measure_trace(ctx->store, fw, &q, trace_cb, &a, &ctx->diag);
	if (rc == BB_OK && ctx->json) {
		bb_ctx_emit_json(ctx, json_pack("{s:s, s:s, s:s?, s:s?, s:I, s:o}",
		    "indicator", q.indicator, "period", q.period, "partner", q.partner,
		    "cell", q.cell, "framework_version", (json_int_t)version, "records", a.arr));
		a.arr = NULL;
	} else if (rc == BB_OK) {
		trace_header(&a);
		fprintf(ctx->out, "%zu record%s\n", a.n, a.n == 1 ? "" : "s");
	}
	json_decref(a.arr);
	bb_framework_free(fw);
	return rc;
}

const struct bb_command bb_cmd_trace = {
	.name = "trace",
	.args = "INDICATOR",
	.summary = "the records behind a figure, with partner, submission, row, participant",
	.help = "Lists every record counted in the figure of INDICATOR for --period P\n"
	    "(the initiative's, or --partner ID's; the total, or --cell DISAGG=VALUE):\n"
	    "whether it is in the numerator or the denominator, its partner and\n"
	    "dataset, the submission and file it came in, its row in that file, the\n"
	    "participant it belongs to, and the framework and crosswalk versions that\n"
	    "mapped it. 'backbone submission raw SUB' gives the file itself.",
	.opts = trace_opts,
	.min_args = 1, .max_args = 1,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_trace,
};

/* --- export ---------------------------------------------------------------------- */

static int
valid_export_format(const char *v, const char **why)
{
	if (strcmp(v, "datapackage") == 0)
		return BB_OK;
	*why = "must be datapackage";
	return BB_ERR_USAGE;
}

static const struct bb_opt_spec export_opts[] = {
	{ "format", BB_OPT_VALUE, "FMT", "datapackage (a Frictionless Data Package)", valid_export_format },
	{ "out", BB_OPT_VALUE, "DIR", "the directory to write (default: ./datapackage)", NULL },
	{ "role", BB_OPT_VALUE, "ROLE", "backbone (default: figures and records), partner or public (figures only, small cells suppressed)", valid_role },
	{ "partner", BB_OPT_VALUE, "ID", "with --role partner: the partner", bb_valid_id },
	{ NULL, 0, NULL, NULL, NULL },
};

static int
run_export(struct bb_ctx *ctx)
{
	struct bb_export_opts o;
	struct bb_framework *fw = NULL;
	const char *role = bb_ctx_opt(ctx, "role");
	int rc;

	memset(&o, 0, sizeof(o));
	o.dir = bb_ctx_opt(ctx, "out") ? bb_ctx_opt(ctx, "out") : "datapackage";
	o.role = BB_ROLE_BACKBONE;
	if (role)
		bb_role_parse(role, &o.role);
	o.viewer = bb_ctx_opt(ctx, "partner");
	if (o.role == BB_ROLE_PARTNER && o.viewer == NULL)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "--role partner needs --partner ID");
	if ((rc = bb_cli_framework(ctx, 0, &fw, &o.fw_version)) != BB_OK)
		return rc;
	if (o.viewer && bb_fw_partner(fw, o.viewer) == NULL) {
		bb_framework_free(fw);
		return bb_ctx_fail(ctx, BB_ERR_NOTFOUND, "there is no partner '%s'",
		    o.viewer);
	}
	rc = bb_measure_export_datapackage(ctx->store, fw, &o, &ctx->diag);
	if (rc == BB_OK && ctx->json)
		bb_ctx_emit_json(ctx, json_pack("{s:s, s:s, s:b}", "directory", o.dir,
		    "role", bb_role_name(o.role), "records", o.role == BB_ROLE_BACKBONE));
	else if (rc == BB_OK && !ctx->quiet)
		fprintf(ctx->out, "wrote %s/datapackage.json (%s)\n", o.dir,
		    o.role == BB_ROLE_BACKBONE ? "figures and records" : "figures");
	bb_framework_free(fw);
	return rc;
}

const struct bb_command bb_cmd_export = {
	.name = "export",
	.args = "",
	.summary = "write the figures (and records) as a Frictionless Data Package",
	.help = "Writes DIR/datapackage.json with indicators.csv and\n"
	    "indicator_values.csv (every figure; suppressed ones without numbers\n"
	    "outside the backbone), and for the backbone records/DATASET.csv with the\n"
	    "canonical records, their submission, row and participant. Each file has\n"
	    "a Table Schema in the descriptor, so other tools load typed tables.",
	.opts = export_opts,
	.min_args = 0, .max_args = 0,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_export,
};

/* --- values refresh ----------------------------------------------------------- */

static int
run_values_refresh(struct bb_ctx *ctx)
{
	struct bb_framework *fw = NULL;
	struct bb_refresh_stats st;
	int64_t version = 0;
	int rc;

	if ((rc = bb_cli_framework(ctx, 0, &fw, &version)) != BB_OK)
		return rc;
	rc = bb_measure_recompute(ctx->store, fw, version, &st);
	if (rc != BB_OK)
		rc = bb_ctx_fail(ctx, rc, "cannot compute the values: %s",
		    bb_store_errmsg(ctx->store));
	else if (ctx->json)
		bb_ctx_emit_json(ctx, json_pack("{s:I, s:I, s:I, s:I}", "framework_version",
		    (json_int_t)version, "indicators", (json_int_t)st.indicators,
		    "indicator_periods", (json_int_t)st.periods, "figures",
		    (json_int_t)st.values));
	else if (!ctx->quiet)
		fprintf(ctx->out, "computed %zu figures for %zu indicators over %zu "
		    "indicator periods (framework version %lld)\n", st.values,
		    st.indicators, st.periods, (long long)version);
	bb_framework_free(fw);
	return rc;
}

const struct bb_command bb_cmd_values_refresh = {
	.name = "values refresh",
	.args = "",
	.summary = "recompute every maintained indicator value",
	.help = "Recomputes all indicator values of the latest framework version from\n"
	    "the records and keeps them, with their small-cell suppression for the\n"
	    "public view. Submissions keep them up to date on their own; run this\n"
	    "after linkage changed participants, or to rebuild them.",
	.opts = NULL,
	.min_args = 0, .max_args = 0,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_values_refresh,
};
