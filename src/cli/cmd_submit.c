/*
 * cmd_submit.c: `backbone submit`, `backbone preview` (the intake pipeline
 * for one file), `backbone submissions`, `backbone submission show` and
 * `backbone submission raw` (following a value back to its file).
 */
#include "cli/cli.h"
#include "cli/cli_framework.h"
#include "framework/framework.h"
#include "intake/submit.h"
#include "pipeline/arrival.h"
#include "measure/values.h"
#include "store/store.h"
#include "util/bb.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct bb_opt_spec submit_opts[] = {
	{ "partner", BB_OPT_VALUE, "ID", "the partner sending the file (required)", bb_valid_id },
	{ "dataset", BB_OPT_VALUE, "NAME", "the dataset the file holds (required, but for a ZIP bundle sent whole)", bb_valid_id },
	{ "period", BB_OPT_VALUE, "P", "the reporting period (default: the last ended period of the partner's obligation)", NULL },
	{ "name", BB_OPT_VALUE, "FILE", "the file's name as the partner sent it (default: FILE)", NULL },
	{ "sheet", BB_OPT_VALUE, "NAME", "XLSX: the sheet to read (default: the crosswalk's, or the first)", NULL },
	{ "member", BB_OPT_VALUE, "NAME", "ZIP bundle: the member file to read", NULL },
	{ "format", BB_OPT_VALUE, "FMT", "csv, xlsx, json, jsonl or zip (default: detect)", bb_valid_read_format },
	{ NULL, 0, NULL, NULL, NULL },
};

void *
bb_cli_problem_json(const struct bb_problem *p)
{
	json_t *o = json_object();
	if (p->row)
		json_object_set_new(o, "row", json_integer((json_int_t)p->row));
	if (p->line)
		json_object_set_new(o, "line", json_integer((json_int_t)p->line));
	if (p->column)
		json_object_set_new(o, "column", json_string(p->column));
	if (p->field)
		json_object_set_new(o, "field", json_string(p->field));
	if (p->value)
		json_object_set_new(o, "value", json_string(p->value));
	json_object_set_new(o, "rule", json_string(p->rule ? p->rule : ""));
	json_object_set_new(o, "severity", json_string(p->severity == BB_SEV_ERROR ?
	    "error" : "warning"));
	json_object_set_new(o, "message", json_string(p->message ? p->message : ""));
	return o;
}

void
bb_cli_problem_print(FILE *f, const struct bb_problem *p)
{
	char where[64] = "file";
	if (p->row)
		snprintf(where, sizeof(where), "row %llu", (unsigned long long)p->row);
	else if (p->line)
		snprintf(where, sizeof(where), "line %llu", (unsigned long long)p->line);
	fprintf(f, "  %-7s %-9s", p->severity == BB_SEV_ERROR ? "error" : "warning", where);
	if (p->column && p->field)
		fprintf(f, " \"%s\" -> %s:", p->column, p->field);
	else if (p->column)
		fprintf(f, " \"%s\":", p->column);
	else if (p->field)
		fprintf(f, " %s:", p->field);
	fprintf(f, " %s [%s]\n", p->message ? p->message : "", p->rule ? p->rule : "");
}

/* A score as people read it: weights in bits to 2 decimals, Dice to 3. */
static double
rounded(const struct bb_link_change *c)
{
	double k = strcmp(c->method, "dice") == 0 ? 1000.0 : 100.0;
	return isfinite(c->score) ? round(c->score * k) / k : 0;
}

static json_t *
linkage_json(const struct bb_link_receipt *l)
{
	json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "records", (json_int_t)l->records, "joined", (json_int_t)l->joined,
	    "new_participants", (json_int_t)l->new_participants,
	    "encoded", (json_int_t)l->encoded, "dice_links",
	    (json_int_t)l->dice_links, "skipped", (json_int_t)l->skipped,
	    "moved", (json_int_t)l->moved, "reviews", (json_int_t)l->reviews);
	json_t *m = json_array();
	for (size_t i = 0; i < l->nmerges; i++) {
		const struct bb_link_change *c = &l->merges[i];
		json_array_append_new(m, json_pack("{s:I, s:I, s:I, s:I, s:s, s:f}",
		    "survivor", (json_int_t)c->survivor, "other", (json_int_t)c->other,
		    "record_a", (json_int_t)c->record_a, "record_b",
		    (json_int_t)c->record_b, "method", c->method, "score", rounded(c)));
	}
	json_object_set_new(j, "merges", m);
	json_object_set_new(j, "model_estimated", json_boolean(l->trained));
	if (l->trained)
		json_object_set_new(j, "model_records", json_integer((json_int_t)l->trained_records));
	if (l->note)
		json_object_set_new(j, "note", json_string(l->note));
	return j;
}

static void
print_linkage(FILE *o, const struct bb_link_receipt *l)
{
	fprintf(o, "linkage: %llu record%s linked", (unsigned long long)l->records,
	    l->records == 1 ? "" : "s");
	if (l->records)
		fprintf(o, ", %llu to known participants, %llu new participant%s",
		    (unsigned long long)l->joined,
		    (unsigned long long)l->new_participants,
		    l->new_participants == 1 ? "" : "s");
	fputc('\n', o);
	if (l->encoded)
		fprintf(o, "  encoded    %llu record%s sent as encodings; %llu link%s by Dice\n",
		    (unsigned long long)l->encoded, l->encoded == 1 ? "" : "s",
		    (unsigned long long)l->dice_links, l->dice_links == 1 ? "" : "s");
	for (size_t i = 0; i < l->nmerges; i++) {
		const struct bb_link_change *c = &l->merges[i];
		char sc[32];
		bb_format_double(sc, sizeof(sc), rounded(c),
		    strcmp(c->method, "dice") == 0 ? 3 : 2);
		fprintf(o, "  merged     participant %lld into %lld: records %lld and "
		    "%lld (%s %s)\n", (long long)c->other, (long long)c->survivor,
		    (long long)c->record_a, (long long)c->record_b,
		    strcmp(c->method, "dice") == 0 ? "Dice" : "weight", sc);
	}
	if (l->moved)
		fprintf(o, "  moved      %llu earlier record%s to the surviving participant\n",
		    (unsigned long long)l->moved, l->moved == 1 ? "" : "s");
	if (l->reviews)
		fprintf(o, "  review     %llu pair%s queued ('backbone review list')\n",
		    (unsigned long long)l->reviews, l->reviews == 1 ? "" : "s");
	if (l->trained)
		fprintf(o, "  model      estimated from %llu records\n",
		    (unsigned long long)l->trained_records);
	if (l->skipped)
		fprintf(o, "  skipped    %llu record%s not linked (aggregate counts, or no identity fields)\n",
		    (unsigned long long)l->skipped, l->skipped == 1 ? "" : "s");
	if (l->note)
		fprintf(o, "  note       %s\n", l->note);
}

static json_t *
receipt_json(const struct bb_receipt *r, const struct bb_link_receipt *link,
    const struct bb_refresh_stats *vals, const double seconds[3])
{
	const struct bb_problems *pr = &r->problems;
	{
		json_t *j = json_object(), *arr = json_array();
		json_object_set_new(j, "outcome", json_string(bb_outcome_name(r->outcome)));
		/* Wall time of each stage (JSON only: the text receipt stays
		 * the same run after run). */
		json_object_set_new(j, "seconds", json_pack("{s:f, s:f, s:f}",
		    "intake", round(seconds[0] * 1000) / 1000,
		    "link", round(seconds[1] * 1000) / 1000,
		    "values", round(seconds[2] * 1000) / 1000));
		if (r->submission_id)
			json_object_set_new(j, "submission", json_integer(r->submission_id));
		if (r->supersedes)
			json_object_set_new(j, "supersedes", json_integer(r->supersedes));
		json_object_set_new(j, "partner", json_string(r->partner ? r->partner : ""));
		json_object_set_new(j, "dataset", json_string(r->dataset ? r->dataset : ""));
		if (r->period)
			json_object_set_new(j, "period", json_string(r->period));
		json_object_set_new(j, "file", json_string(r->file_name ? r->file_name : ""));
		if (r->format)
			json_object_set_new(j, "format", json_string(r->format));
		if (r->sha256[0])
			json_object_set_new(j, "sha256", json_string(r->sha256));
		json_object_set_new(j, "framework_version", json_integer(r->framework_version));
		if (r->crosswalk_sha256)
			json_object_set_new(j, "crosswalk_sha256", json_string(r->crosswalk_sha256));
		if (r->policy)
			json_object_set_new(j, "policy", json_string(r->policy));
		json_object_set_new(j, "rows", json_pack("{s:I, s:I, s:I}",
		    "read", (json_int_t)r->rows_read, "accepted", (json_int_t)r->rows_accepted,
		    "refused", (json_int_t)r->rows_refused));
		json_object_set_new(j, "errors", json_integer((json_int_t)pr->errors));
		json_object_set_new(j, "warnings", json_integer((json_int_t)pr->warnings));
		for (size_t i = 0; i < pr->n; i++)
			json_array_append_new(arr, bb_cli_problem_json(&pr->items[i]));
		json_object_set_new(j, "problems", arr);
		if (pr->dropped)
			json_object_set_new(j, "problems_not_listed", json_integer((json_int_t)pr->dropped));
		if (link && link->ran)
			json_object_set_new(j, "linkage", linkage_json(link));
		if (vals)
			json_object_set_new(j, "values", json_pack("{s:b, s:I, s:I}",
			    "recomputed_all", vals->full, "indicator_periods",
			    (json_int_t)vals->periods, "figures", (json_int_t)vals->values));
		return j;
	}
}

static void
print_receipt(struct bb_ctx *ctx, const struct bb_receipt *r, bool preview,
    const struct bb_link_receipt *link, const struct bb_refresh_stats *vals,
    const double seconds[3])
{
	FILE *o = ctx->out;
	const struct bb_problems *pr = &r->problems;

	if (ctx->json) {
		bb_ctx_emit_json(ctx, receipt_json(r, link, vals, seconds));
		return;
	}
	switch (r->outcome) {
	case BB_OUTCOME_STORED:
	case BB_OUTCOME_PARTIAL:
		fprintf(o, "stored as submission %lld: %s / %s / %s\n",
		    (long long)r->submission_id, r->partner, r->dataset, r->period);
		break;
	case BB_OUTCOME_DUPLICATE:
		fprintf(o, "already received: this exact file is submission %lld "
		    "(%s / %s / %s); nothing stored again\n",
		    (long long)r->submission_id, r->partner, r->dataset, r->period);
		return;
	case BB_OUTCOME_PREVIEW_OK:
	case BB_OUTCOME_PREVIEW_PARTIAL:
		fprintf(o, "preview (nothing stored): %s / %s / %s would be %s\n",
		    r->partner, r->dataset, r->period,
		    r->outcome == BB_OUTCOME_PREVIEW_OK ? "stored" :
		    "stored with rows quarantined");
		break;
	case BB_OUTCOME_REFUSED:
		fprintf(o, "%s: %s / %s%s%s: nothing stored\n",
		    preview ? "preview: would be refused" : "refused",
		    r->partner ? r->partner : "?", r->dataset ? r->dataset : "?",
		    r->period ? " / " : "", r->period ? r->period : "");
		break;
	}
	if (r->file_name)
		fprintf(o, "  file       %s%s%s%s\n", r->file_name,
		    r->format ? " (" : "", r->format ? r->format : "", r->format ? ")" : "");
	if (r->sha256[0])
		fprintf(o, "  sha256     %s\n", r->sha256);
	fprintf(o, "  rows       %llu read, %llu accepted, %llu refused%s\n",
	    (unsigned long long)r->rows_read, (unsigned long long)r->rows_accepted,
	    (unsigned long long)r->rows_refused,
	    r->rows_refused && r->policy && strcmp(r->policy, "quarantine_rows") == 0 &&
	    (r->outcome == BB_OUTCOME_PARTIAL || r->outcome == BB_OUTCOME_PREVIEW_PARTIAL) ?
	    " (kept in quarantine)" : "");
	fprintf(o, "  framework  version %lld%s%.12s\n", (long long)r->framework_version,
	    r->crosswalk_sha256 ? ", crosswalk " : "",
	    r->crosswalk_sha256 ? r->crosswalk_sha256 : "");
	if (r->supersedes)
		fprintf(o, "  corrects   submission %lld (kept in the history)\n",
		    (long long)r->supersedes);
	if (vals && vals->full)
		fprintf(o, "  values     all indicator values recomputed (%zu figures)\n",
		    vals->values);
	else if (vals)
		fprintf(o, "  values     %zu indicator period%s updated (%zu figures)\n",
		    vals->periods, vals->periods == 1 ? "" : "s", vals->values);
	if (link && link->ran)
		print_linkage(o, link);
	if (pr->n) {
		fprintf(o, "problems: %llu errors, %llu warnings\n",
		    (unsigned long long)pr->errors, (unsigned long long)pr->warnings);
		for (size_t i = 0; i < pr->n; i++)
			bb_cli_problem_print(o, &pr->items[i]);
		if (pr->dropped)
			fprintf(o, "  (%llu more not listed)\n", (unsigned long long)pr->dropped);
	}
}

/* One file through the pipeline: its receipt printed, or added to `all`
 * (a bundle's, in JSON).  Counts the outcome in `tally`. */
struct tally {
	size_t stored, refused, duplicate;
};

static int
run_one(struct bb_ctx *ctx, const struct bb_framework *fw, int64_t ver,
    const struct bb_submit_request *req, json_t *all, struct tally *t)
{
	struct bb_arrival a;
	int rc;

	bb_arrival_init(&a);
	rc = bb_arrival_submit(ctx->store, fw, ver, req, &a);
	double secs[3] = { a.intake.seconds, a.link_seconds, a.values_seconds };
	if (all != NULL)
		json_array_append_new(all, receipt_json(&a.intake, &a.link,
		    a.values_ran ? &a.values : NULL, secs));
	else
		print_receipt(ctx, &a.intake, req->preview, &a.link,
		    a.values_ran ? &a.values : NULL, secs);
	if (a.intake.outcome == BB_OUTCOME_REFUSED)
		t->refused++;
	else if (a.intake.outcome == BB_OUTCOME_DUPLICATE)
		t->duplicate++;
	else
		t->stored++;
	if (a.link_rc != BB_OK)
		rc = bb_ctx_fail(ctx, BB_ERR_INTERNAL, "stored, but linkage failed: %s "
		    "(the records are linked by the next submission)",
		    a.link_diag.message ? a.link_diag.message : bb_strerror(a.link_rc));
	else if (a.values_rc != BB_OK)
		rc = bb_ctx_fail(ctx, a.values_rc, "stored, but the indicator values "
		    "could not be updated: %s (run 'backbone values refresh')",
		    bb_store_errmsg(ctx->store));
	else if (rc != BB_OK && rc != BB_ERR_INPUT)
		rc = bb_ctx_fail(ctx, rc, "the store failed: %s", bb_store_errmsg(ctx->store));
	bb_arrival_clear(&a);
	return rc;
}

/* The worse of two outcomes: an internal failure, then a refusal. */
static int
worse(int a, int b)
{
	if (a == BB_OK || a == BB_ERR_INPUT)
		return b == BB_OK ? a : b;
	return a;
}

/* A ZIP bundle without --dataset: each file to the dataset it holds. */
static int
run_bundle(struct bb_ctx *ctx, const struct bb_framework *fw, int64_t ver,
    struct bb_submit_request *req)
{
	struct bb_bundle_plan pl;
	struct tally t = { 0, 0, 0 };
	const char *name = req->file_name ? req->file_name : req->path;
	json_t *all = ctx->json ? json_array() : NULL;
	int rc, worst = BB_OK;

	rc = bb_bundle_plan(fw, req->partner, req->path, &pl, &ctx->diag);
	if (rc == BB_ERR_NOTFOUND) {
		json_decref(all);
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "%s needs --dataset NAME (only a "
		    "ZIP bundle, whose files go to their datasets by name, can go "
		    "without)", req->preview ? "preview" : "submit");
	}
	if (rc != BB_OK) {
		json_decref(all);
		return rc;	/* ctx->diag says why */
	}
	/* Each member is read as what it is: a --format or --sheet meant for
	 * one file would be applied to the whole archive. */
	if ((req->format && strcmp(req->format, "zip") != 0) || req->sheet) {
		bb_bundle_plan_free(&pl);
		json_decref(all);
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "%s: a bundle sent whole is read "
		    "member by member, each as what it is: --%s needs --dataset (and "
		    "--member)", name, req->sheet ? "sheet" : "format");
	}
	if (pl.n == 0) {
		char list[512] = "";
		for (size_t i = 0; i < pl.nskipped && strlen(list) < 400; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			    i ? ", " : "", pl.skipped[i]);
		bb_bundle_plan_free(&pl);
		json_decref(all);
		return bb_ctx_fail(ctx, BB_ERR_INPUT, "%s: no file in the bundle holds "
		    "a dataset of partner '%s' (it holds %s); a crosswalk's 'file', or "
		    "a file named after its dataset, says which", name, req->partner,
		    list);
	}
	if (!ctx->json) {
		fprintf(ctx->out, "bundle %s: %zu file%s for partner %s\n", name, pl.n,
		    pl.n == 1 ? "" : "s", req->partner);
		for (size_t i = 0; i < pl.n; i++)
			fprintf(ctx->out, "  %-24s -> %s\n", pl.items[i].member,
			    pl.items[i].dataset);
		for (size_t i = 0; i < pl.nskipped; i++)
			fprintf(ctx->out, "  %-24s    skipped: no dataset of partner %s "
			    "takes it\n", pl.skipped[i], req->partner);
		for (size_t i = 0; i < pl.nmissing; i++)
			fprintf(ctx->out, "  missing: %s\n", pl.missing[i]);
	}
	for (size_t i = 0; i < pl.n; i++) {
		if (!ctx->json)
			fputc('\n', ctx->out);
		req->dataset = pl.items[i].dataset;
		req->member = pl.items[i].member;
		rc = run_one(ctx, fw, ver, req, all, &t);
		worst = worse(worst, rc);
	}
	if (ctx->json) {
		json_t *j = json_pack("{s:s, s:s, s:o, s:o, s:o, s:{s:I, s:I, s:I}}",
		    "bundle", name, "partner", req->partner, "submissions", all,
		    "skipped", json_array(), "missing", json_array(), "summary",
		    req->preview ? "would_store" : "stored", (json_int_t)t.stored,
		    "refused", (json_int_t)t.refused, "already_received",
		    (json_int_t)t.duplicate);
		for (size_t i = 0; i < pl.nskipped; i++)
			json_array_append_new(json_object_get(j, "skipped"),
			    json_string(pl.skipped[i]));
		for (size_t i = 0; i < pl.nmissing; i++)
			json_array_append_new(json_object_get(j, "missing"),
			    json_string(pl.missing[i]));
		bb_ctx_emit_json(ctx, j);
	} else
		fprintf(ctx->out, "\nbundle %s: %zu %s, %zu refused, %zu already "
		    "received\n", name, t.stored, req->preview ? "would be stored" :
		    "stored", t.refused, t.duplicate);
	bb_bundle_plan_free(&pl);
	return worst;
}

static int
run_pipeline(struct bb_ctx *ctx, bool preview)
{
	struct bb_submit_request req;
	struct bb_framework *fw = NULL;
	struct tally t = { 0, 0, 0 };
	int64_t ver = 0;
	int rc;

	memset(&req, 0, sizeof(req));
	req.partner = bb_ctx_opt(ctx, "partner");
	req.dataset = bb_ctx_opt(ctx, "dataset");
	if (req.partner == NULL)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "%s needs --partner",
		    preview ? "preview" : "submit");
	req.period = bb_ctx_opt(ctx, "period");
	req.path = ctx->argv[0];
	req.file_name = bb_ctx_opt(ctx, "name");
	req.sheet = bb_ctx_opt(ctx, "sheet");
	req.member = bb_ctx_opt(ctx, "member");
	req.format = bb_ctx_opt(ctx, "format");
	req.preview = preview;
	if (req.dataset == NULL && req.member != NULL)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "--member needs --dataset");
	if ((rc = bb_cli_framework(ctx, 0, &fw, &ver)) != BB_OK)
		return rc;
	if (req.dataset == NULL)
		rc = run_bundle(ctx, fw, ver, &req);
	else
		rc = run_one(ctx, fw, ver, &req, NULL, &t);
	bb_framework_free(fw);
	return rc;
}

static int
run_submit(struct bb_ctx *ctx)
{
	return run_pipeline(ctx, false);
}

static int
run_preview(struct bb_ctx *ctx)
{
	return run_pipeline(ctx, true);
}

const struct bb_command bb_cmd_submit = {
	.name = "submit",
	.args = "FILE",
	.summary = "read, map, validate and store a partner file",
	.help = "Runs the intake pipeline on FILE: reads it (CSV, XLSX, JSON, ZIP),\n"
	    "maps the partner's columns and codes to the shared ones through the\n"
	    "partner's crosswalk, validates every value, and stores the accepted\n"
	    "records with their source row, in one transaction. Prints a receipt:\n"
	    "rows read, accepted, refused, and every problem with its row, column,\n"
	    "field, value and rule. The same file sent again stores nothing; a new\n"
	    "file for the same partner, dataset and period supersedes the earlier\n"
	    "one (which stays in the history), and the earlier file sent again\n"
	    "takes that correction back. Exit 0 when stored, 1 when refused.\n"
	    "A ZIP bundle sent without --dataset (an HMIS CSV export) goes in\n"
	    "whole: each file to the dataset whose crosswalk 'file' names it, or\n"
	    "whose id is its name (Client.csv -> client), each its own submission.",
	.opts = submit_opts,
	.min_args = 1, .max_args = 1,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_submit,
};

const struct bb_command bb_cmd_preview = {
	.name = "preview",
	.args = "FILE",
	.summary = "check a partner file as submit would, storing nothing",
	.help = "Runs every stage of 'backbone submit' but stores nothing, so a\n"
	    "partner can check a file first. Exit 0 when it would be stored, 1 when\n"
	    "it would be refused.",
	.opts = submit_opts,
	.min_args = 1, .max_args = 1,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_preview,
};

/* --- submissions --------------------------------------------------------- */

struct list_arg {
	struct bb_ctx *ctx;
	json_t *arr;
	size_t n;
};

static json_t *
submission_json(const struct bb_submission *s)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:{s:I, s:I, s:I}, s:I, s:I, s:s}",
	    "id", (json_int_t)s->id, "partner", s->partner_id, "dataset", s->dataset_id,
	    "period", s->period, "file", s->file_name, "sha256", s->sha256,
	    "format", s->format, "framework_version", (json_int_t)s->framework_version,
	    "status", s->superseded_by ? "superseded" : s->status,
	    "rows", "read", (json_int_t)s->rows_read, "accepted", (json_int_t)s->rows_accepted,
	    "refused", (json_int_t)s->rows_refused,
	    "errors", (json_int_t)s->errors, "warnings", (json_int_t)s->warnings,
	    "received_at", s->received_at);
	if (s->crosswalk_sha256)
		json_object_set_new(o, "crosswalk_sha256", json_string(s->crosswalk_sha256));
	if (s->supersedes)
		json_object_set_new(o, "supersedes", json_integer(s->supersedes));
	if (s->superseded_by)
		json_object_set_new(o, "superseded_by", json_integer(s->superseded_by));
	return o;
}

static int
list_cb(const struct bb_submission *s, void *arg)
{
	struct list_arg *a = arg;
	if (a->ctx->json) {
		json_array_append_new(a->arr, submission_json(s));
		return BB_OK;
	}
	if (a->n++ == 0)
		fprintf(a->ctx->out, "%5s  %-12s %-22s %-10s %-10s %8s %8s  %s\n", "id",
		    "partner", "dataset", "period", "status", "accepted", "refused", "file");
	fprintf(a->ctx->out, "%5lld  %-12s %-22s %-10s %-10s %8lld %8lld  %s\n",
	    (long long)s->id, s->partner_id, s->dataset_id, s->period,
	    s->superseded_by ? "superseded" : s->status, (long long)s->rows_accepted,
	    (long long)s->rows_refused, s->file_name);
	return BB_OK;
}

static const struct bb_opt_spec list_opts[] = {
	{ "partner", BB_OPT_VALUE, "ID", "only this partner's submissions", bb_valid_id },
	{ NULL, 0, NULL, NULL, NULL },
};

static int
run_submissions(struct bb_ctx *ctx)
{
	struct list_arg a = { ctx, json_array(), 0 };
	int rc = bb_store_submission_list(ctx->store, bb_ctx_opt(ctx, "partner"),
	    list_cb, &a);
	if (rc != BB_OK) {
		json_decref(a.arr);
		return bb_ctx_fail(ctx, rc, "cannot list submissions: %s",
		    bb_store_errmsg(ctx->store));
	}
	if (ctx->json)
		bb_ctx_emit_json(ctx, a.arr);
	else {
		json_decref(a.arr);
		if (a.n == 0)
			fprintf(ctx->out, "no submissions yet\n");
	}
	return BB_OK;
}

const struct bb_command bb_cmd_submissions = {
	.name = "submissions",
	.args = "",
	.summary = "list the files received, with their status",
	.help = "Lists every submission (oldest first): partner, dataset, period,\n"
	    "status (stored, partial, superseded), rows accepted and refused, file.",
	.opts = list_opts,
	.min_args = 0, .max_args = 0,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_submissions,
};

static int
parse_id(struct bb_ctx *ctx, const char *s, int64_t *id)
{
	if (bb_parse_i64(s, id) != BB_OK || *id < 1)
		return bb_ctx_fail(ctx, BB_ERR_USAGE, "'%s' is not a submission id", s);
	return BB_OK;
}

static int
problem_cb(const struct bb_problem *p, void *arg)
{
	struct list_arg *a = arg;
	if (a->ctx->json)
		json_array_append_new(a->arr, bb_cli_problem_json(p));
	else {
		if (a->n++ == 0)
			fprintf(a->ctx->out, "problems:\n");
		bb_cli_problem_print(a->ctx->out, p);
	}
	return BB_OK;
}

/* The submission named by the argument `arg`, or a failure set on ctx. */
static int
load_submission(struct bb_ctx *ctx, const char *arg, struct bb_submission *s)
{
	int64_t id;
	int rc;

	memset(s, 0, sizeof(*s));
	if ((rc = parse_id(ctx, arg, &id)) != BB_OK)
		return rc;
	rc = bb_store_submission_get(ctx->store, id, s);
	if (rc == BB_ERR_NOTFOUND)
		return bb_ctx_fail(ctx, rc, "there is no submission %lld", (long long)id);
	if (rc != BB_OK)
		return bb_ctx_fail(ctx, rc, "cannot read submission: %s",
		    bb_store_errmsg(ctx->store));
	return BB_OK;
}

static int
run_submission_show(struct bb_ctx *ctx)
{
	struct bb_submission s;
	int64_t id;
	int rc;

	if ((rc = load_submission(ctx, ctx->argv[0], &s)) != BB_OK)
		return rc;
	id = s.id;
	struct list_arg a = { ctx, json_array(), 0 };
	if (ctx->json) {
		json_t *j = submission_json(&s);
		rc = bb_store_problems_list(ctx->store, id, problem_cb, &a);
		json_object_set_new(j, "problems", a.arr);
		bb_ctx_emit_json(ctx, j);
	} else {
		FILE *o = ctx->out;
		fprintf(o, "submission %lld\n", (long long)s.id);
		fprintf(o, "  partner    %s\n  dataset    %s\n  period     %s\n",
		    s.partner_id, s.dataset_id, s.period);
		fprintf(o, "  file       %s (%s)\n  sha256     %s\n", s.file_name,
		    s.format, s.sha256);
		fprintf(o, "  received   %s\n", s.received_at);
		fprintf(o, "  status     %s\n", s.superseded_by ? "superseded" : s.status);
		if (s.superseded_by)
			fprintf(o, "  superseded by submission %lld\n", (long long)s.superseded_by);
		if (s.supersedes)
			fprintf(o, "  corrects   submission %lld\n", (long long)s.supersedes);
		fprintf(o, "  rows       %lld read, %lld accepted, %lld refused\n",
		    (long long)s.rows_read, (long long)s.rows_accepted,
		    (long long)s.rows_refused);
		fprintf(o, "  framework  version %lld%s%s\n", (long long)s.framework_version,
		    s.crosswalk_sha256 ? ", crosswalk " : "",
		    s.crosswalk_sha256 ? s.crosswalk_sha256 : "");
		rc = bb_store_problems_list(ctx->store, id, problem_cb, &a);
		json_decref(a.arr);
	}
	bb_submission_clear(&s);
	return rc;
}

const struct bb_command bb_cmd_submission_show = {
	.name = "submission show",
	.args = "ID",
	.summary = "one submission: status, counts, problems, framework version",
	.help = "Shows submission ID: partner, dataset, period, file and its\n"
	    "SHA-256, status, row counts, the framework and crosswalk versions that\n"
	    "mapped it, and every problem found.",
	.opts = NULL,
	.min_args = 1, .max_args = 1,
	.flags = BB_CMD_STORE | BB_CMD_JSON,
	.run = run_submission_show,
};

static int
run_submission_raw(struct bb_ctx *ctx)
{
	struct bb_submission s;
	int rc;

	if ((rc = load_submission(ctx, ctx->argv[0], &s)) != BB_OK)
		return rc;
	rc = bb_store_blob_write(ctx->store, s.sha256, ctx->out);
	bb_submission_clear(&s);
	if (rc != BB_OK)
		return bb_ctx_fail(ctx, rc, "cannot write the original bytes");
	return BB_OK;
}

const struct bb_command bb_cmd_submission_raw = {
	.name = "submission raw",
	.args = "ID",
	.summary = "write a submission's original bytes to standard output",
	.help = "Writes the file exactly as the partner sent it (its SHA-256 is in\n"
	    "'backbone submission show').",
	.opts = NULL,
	.min_args = 1, .max_args = 1,
	.flags = BB_CMD_STORE,
	.run = run_submission_raw,
};
