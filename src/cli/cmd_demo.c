/*
 * cmd_demo.c: `backbone demo generate` (write a synthetic initiative's
 * partner files, with their ground truth) and `backbone demo` (set up the
 * demo initiative in a database: init, apply the embedded framework,
 * generate the partners' files and submit every one through the intake
 * pipeline, then say what happened and what to try next).  docs/demo.md
 * describes the demo; docs/cli.md the commands.
 */
#include "cli/cli.h"
#include "cli/cli_framework.h"
#include "demo/demo.h"
#include "framework/framework.h"
#include "framework/period.h"
#include "intake/submit.h"
#include "link/arrive.h"
#include "link/encode.h"
#include "pipeline/arrival.h"
#include "store/store.h"
#include "util/bb.h"
#include "util/diag.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_FRAMEWORK_NAME "examples/riverside/framework.yaml (built in)"

static int
valid_seed(const char *v, const char **why)
{
	int64_t n;
	if (bb_parse_i64(v, &n) != BB_OK || n < 0) {
		*why = "must be a whole number of 0 or more";
		return BB_ERR_USAGE;
	}
	return BB_OK;
}

static int
valid_mess(const char *v, const char **why)
{
	int64_t n;
	if (bb_parse_i64(v, &n) != BB_OK || n < 0 || n > 1000) {
		*why = "must be a percentage from 0 to 1000";
		return BB_ERR_USAGE;
	}
	return BB_OK;
}

/* Options shared by both commands into *o; BB_ERR_USAGE (ctx->diag set)
 * when out of range. */
static int
read_opts(struct bb_ctx *ctx, struct bb_gen_opts *o)
{
	const char *v;
	int64_t n;

	bb_gen_opts_default(o);
	if ((v = bb_ctx_opt(ctx, "people")) != NULL) {
		bb_parse_i64(v, &n);
		if (n > BB_GEN_MAX_PEOPLE)
			return bb_ctx_fail(ctx, BB_ERR_USAGE, "--people %s: at most %d",
			    v, BB_GEN_MAX_PEOPLE);
		o->people = (uint64_t)n;
	}
	if ((v = bb_ctx_opt(ctx, "seed")) != NULL) {
		bb_parse_i64(v, &n);
		o->seed = (uint64_t)n;
	}
	if ((v = bb_ctx_opt(ctx, "periods")) != NULL) {
		bb_parse_i64(v, &n);
		if (n > BB_GEN_MAX_PERIODS)
			return bb_ctx_fail(ctx, BB_ERR_USAGE, "--periods %s: at most %d",
			    v, BB_GEN_MAX_PERIODS);
		o->periods = (int)n;
	}
	if ((v = bb_ctx_opt(ctx, "mess")) != NULL) {
		bb_parse_i64(v, &n);
		o->mess = (unsigned)n;
	}
	if (bb_ctx_flag(ctx, "no-invalid"))
		o->invalid = false;
	return BB_OK;
}

/* The framework to generate for: a file, or the embedded demo one. */
static int
load_framework(struct bb_ctx *ctx, const char *path, struct bb_framework **fw)
{
	struct bb_findings f;
	int rc;

	bb_findings_init(&f);
	if (path != NULL)
		rc = bb_framework_load_file(path, fw, &f);
	else {
		size_t len;
		const char *data = bb_demo_framework(&len);
		rc = bb_framework_load_buffer(DEMO_FRAMEWORK_NAME, data, len, fw, &f);
	}
	if (rc != BB_OK) {
		bb_findings_print(&f, ctx->err);
		rc = bb_ctx_fail(ctx, path ? BB_ERR_INPUT : BB_ERR_INTERNAL,
		    "%s: the framework has %zu error%s", path ? path : DEMO_FRAMEWORK_NAME,
		    f.errors, f.errors == 1 ? "" : "s");
	}
	bb_findings_free(&f);
	return rc;
}

static int
generate(struct bb_ctx *ctx, const struct bb_framework *fw, struct bb_gen_opts *o,
    struct bb_gen_result *res)
{
	struct bb_diag d;
	int rc;

	memset(&d, 0, sizeof(d));
	rc = bb_gen_run(fw, o, res, &d);
	if (rc != BB_OK) {
		char *msg = bb_diag_format(&d);
		rc = bb_ctx_fail(ctx, rc, "cannot generate the files: %s", msg);
		free(msg);
	}
	bb_diag_clear(&d);
	return rc;
}

/* --- demo generate -------------------------------------------------------------- */

static const struct bb_opt_spec generate_opts[] = {
	{ "framework", BB_OPT_VALUE, "FILE", "the framework to generate for (default: the built-in demo framework)", NULL },
	{ "people", BB_OPT_VALUE, "N", "how many people live in the initiative (default 2000)", bb_valid_positive_int },
	{ "seed", BB_OPT_VALUE, "S", "the seed: the same seed gives the same files (default 1)", valid_seed },
	{ "periods", BB_OPT_VALUE, "K", "periods of history per obligation (default 4)", bb_valid_positive_int },
	{ "out", BB_OPT_VALUE, "DIR", "where to write the files (default ./demo-files)", NULL },
	{ "mess", BB_OPT_VALUE, "PCT", "percent of the usual rate of messy values: typos, nicknames, blanks... (default 100; 0 for clean files)", valid_mess },
	{ "no-invalid", BB_OPT_FLAG, NULL, "write no deliberately invalid values", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

static json_t *
file_json(const struct bb_gen_file *f)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "file", f->name,
	    "partner", f->partner, "dataset", f->dataset, "period", f->period,
	    "format", f->format, "encoding", f->encoding, "rows", (json_int_t)f->rows,
	    "invalid", (json_int_t)f->invalid);
	if (f->encodings)
		json_object_set_new(o, "encodings", json_string(f->encodings));
	return o;
}

static int
run_generate(struct bb_ctx *ctx)
{
	struct bb_framework *fw = NULL;
	struct bb_gen_opts o;
	struct bb_gen_result res;
	int rc;

	memset(&res, 0, sizeof(res));
	if ((rc = read_opts(ctx, &o)) != BB_OK)
		return rc;
	if (bb_ctx_opt(ctx, "out") != NULL)
		o.out_dir = bb_ctx_opt(ctx, "out");
	if ((rc = load_framework(ctx, bb_ctx_opt(ctx, "framework"), &fw)) != BB_OK)
		return rc;
	if ((rc = generate(ctx, fw, &o, &res)) != BB_OK)
		goto out;
	if (ctx->json) {
		json_t *files = json_array();
		for (size_t i = 0; i < res.nfiles; i++)
			json_array_append_new(files, file_json(&res.files[i]));
		bb_ctx_emit_json(ctx, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:o}",
		    "dir", o.out_dir, "people", (json_int_t)res.people, "households",
		    (json_int_t)res.households, "rows", (json_int_t)res.rows, "invalid",
		    (json_int_t)res.invalid, "skipped", (json_int_t)res.skipped,
		    "files", files));
	} else if (!ctx->quiet) {
		fprintf(ctx->out, "%s: %llu people in %llu households, %zu files in %s\n",
		    fw->initiative.name, (unsigned long long)res.people,
		    (unsigned long long)res.households, res.nfiles, o.out_dir);
		for (size_t i = 0; i < res.nfiles; i++) {
			const struct bb_gen_file *f = &res.files[i];
			fprintf(ctx->out, "  %-46s %-5s %7llu rows", f->name, f->format,
			    (unsigned long long)f->rows);
			if (f->invalid)
				fprintf(ctx->out, ", %llu invalid on purpose",
				    (unsigned long long)f->invalid);
			fputc('\n', ctx->out);
		}
		fprintf(ctx->out, "%llu rows, %llu of them invalid on purpose; ground truth "
		    "in %s/truth.csv and %s/people.csv, the list in %s/manifest.json\n",
		    (unsigned long long)res.rows, (unsigned long long)res.invalid,
		    o.out_dir, o.out_dir, o.out_dir);
	}
out:
	bb_gen_result_clear(&res);
	bb_framework_free(fw);
	return rc;
}

const struct bb_command bb_cmd_demo_generate = {
	.name = "demo generate",
	.args = "",
	.summary = "write a synthetic initiative's partner files, with the truth",
	.help = "Makes a population of people in households and, for every partner\n"
	    "and each dataset it is obliged to send, one file per period in the\n"
	    "partner's own shape (its columns, codes, date formats, units, file\n"
	    "format and encoding, from its crosswalk), with realistic mess and a few\n"
	    "deliberately invalid values. Writes truth.csv (who each row is),\n"
	    "people.csv (their true details) and manifest.json beside the files.\n"
	    "The same seed gives byte-identical files. The periods are the last K\n"
	    "that ended before today (set BACKBONE_NOW to fix today).",
	.opts = generate_opts,
	.min_args = 0, .max_args = 0,
	.flags = BB_CMD_JSON,
	.run = run_generate,
};

/* --- demo ------------------------------------------------------------------------- */

static const struct bb_opt_spec demo_opts[] = {
	{ "people", BB_OPT_VALUE, "N", "how many people live in the initiative (default 2000)", bb_valid_positive_int },
	{ "seed", BB_OPT_VALUE, "S", "the seed (default 1)", valid_seed },
	{ "dir", BB_OPT_VALUE, "DIR", "where to write the partners' files (default ./demo-files)", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

/* The store's initiative, created from the framework's name when missing. */
static int
ensure_initiative(struct bb_ctx *ctx, const struct bb_framework *fw)
{
	char *name = NULL;
	int rc = bb_store_initiative_name(ctx->store, &name);
	free(name);
	if (rc == BB_ERR_NOTFOUND)
		rc = bb_store_initiative_create(ctx->store, fw->initiative.name);
	if (rc != BB_OK)
		return bb_ctx_fail(ctx, rc, "cannot create the initiative: %s",
		    bb_store_errmsg(ctx->store));
	return BB_OK;
}

struct totals {
	uint64_t files, read, accepted, refused, errors, warnings, refused_files;
	uint64_t linked, people;	/* records linked, participants (net) */
};

/* Keep the secret the generator gave the partners sharing encodings
 * (encoding-secret.txt beside their files), so their records link with
 * everyone else's.  Nothing to do when no partner shares encodings. */
static int
set_secret(struct bb_ctx *ctx, const struct bb_gen_opts *o)
{
	struct bb_link_receipt rec;
	struct bb_clk_key key;
	struct bb_diag d;
	char *path = bb_asprintf("%s/encoding-secret.txt", o->out_dir);
	FILE *f = fopen(path, "r");
	int rc;

	if (f == NULL) {
		free(path);
		return BB_OK;
	}
	fclose(f);
	memset(&d, 0, sizeof(d));
	rc = bb_clk_key_from_file(path, &key, &ctx->diag);
	free(path);
	if (rc != BB_OK)
		return rc;
	bb_link_receipt_init(&rec);
	rc = bb_link_secret_set(ctx->store, &key, &rec, &d);
	memset(&key, 0, sizeof(key));
	if (rc != BB_OK)
		rc = bb_ctx_fail(ctx, rc, "cannot keep the encoding secret: %s",
		    d.message ? d.message : bb_strerror(rc));
	bb_diag_clear(&d);
	bb_link_receipt_clear(&rec);
	return rc;
}

static json_t *
receipt_json(const struct bb_gen_file *f, const struct bb_receipt *r)
{
	json_t *probs = json_array();
	for (size_t i = 0; i < r->problems.n; i++)
		json_array_append_new(probs, bb_cli_problem_json(&r->problems.items[i]));
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:{s:I, s:I, s:I}, s:I, s:I, s:I}",
	    "file", f->name, "partner", f->partner, "dataset", f->dataset,
	    "period", f->period, "format", f->format,
	    "outcome", bb_outcome_name(r->outcome),
	    "submission", (json_int_t)r->submission_id,
	    "rows", "read", (json_int_t)r->rows_read, "accepted", (json_int_t)r->rows_accepted,
	    "refused", (json_int_t)r->rows_refused,
	    "invalid_on_purpose", (json_int_t)f->invalid,
	    "errors", (json_int_t)r->problems.errors,
	    "warnings", (json_int_t)r->problems.warnings);
	json_object_set_new(o, "problems", probs);
	if (f->encodings)
		json_object_set_new(o, "encodings", json_string(f->encodings));
	return o;
}

static void
print_receipt_line(FILE *o, const struct bb_gen_file *f, const struct bb_receipt *r)
{
	fprintf(o, "  %-22s %-10s %-5s", f->dataset, f->period, f->format);
	if (r->outcome == BB_OUTCOME_DUPLICATE) {
		fprintf(o, " already received as submission %lld\n",
		    (long long)r->submission_id);
		return;
	}
	fprintf(o, " %6llu rows %6llu accepted %4llu refused", (unsigned long long)r->rows_read,
	    (unsigned long long)r->rows_accepted, (unsigned long long)r->rows_refused);
	if (r->outcome == BB_OUTCOME_REFUSED)
		fprintf(o, "  REFUSED");
	else
		fprintf(o, "  submission %lld", (long long)r->submission_id);
	if (r->problems.errors || r->problems.warnings)
		fprintf(o, " (%llu error%s, %llu warning%s)",
		    (unsigned long long)r->problems.errors, r->problems.errors == 1 ? "" : "s",
		    (unsigned long long)r->problems.warnings,
		    r->problems.warnings == 1 ? "" : "s");
	fputc('\n', o);
}

static int
run_demo(struct bb_ctx *ctx)
{
	struct bb_framework *fw = NULL, *stored = NULL;
	struct bb_gen_opts o;
	struct bb_gen_result res;
	struct totals t;
	int64_t version = 0;
	bool created = false;
	json_t *jfiles = NULL;
	int64_t example = 0;
	size_t len;
	const char *data;
	int rc;

	memset(&res, 0, sizeof(res));
	memset(&t, 0, sizeof(t));
	if ((rc = read_opts(ctx, &o)) != BB_OK)
		return rc;
	if (bb_ctx_opt(ctx, "dir") != NULL)
		o.out_dir = bb_ctx_opt(ctx, "dir");

	/* 1. The initiative and its framework. */
	if ((rc = load_framework(ctx, NULL, &fw)) != BB_OK)
		return rc;
	if ((rc = ensure_initiative(ctx, fw)) != BB_OK)
		goto out;
	data = bb_demo_framework(&len);
	if ((rc = bb_cli_framework_store(ctx, DEMO_FRAMEWORK_NAME, data, len, fw, &version,
	    &created)) != BB_OK)
		goto out;
	/* Submit under the version as stored, as `backbone submit` does. */
	if ((rc = bb_cli_framework(ctx, version, &stored, &version)) != BB_OK)
		goto out;

	/* 2. The partners' files. */
	if ((rc = generate(ctx, stored, &o, &res)) != BB_OK)
		goto out;

	/* The partners' encoding secret, so the backbone can link the records
	 * of partners sharing encodings to everyone else's. */
	if ((rc = set_secret(ctx, &o)) != BB_OK)
		goto out;

	/* 3. Every file through the pipeline (intake, linkage, values). */
	if (ctx->json)
		jfiles = json_array();
	else
		fprintf(ctx->out, "%s: the demo initiative, set up in %s\n"
		    "  framework  version %lld (%s), sha256 %.12s\n"
		    "  people     %llu in %llu households (seed %llu), %zu partner files in %s/\n",
		    stored->initiative.name, ctx->db_path, (long long)version,
		    created ? "applied now" : "already applied", stored->sha256,
		    (unsigned long long)res.people, (unsigned long long)res.households,
		    (unsigned long long)o.seed, res.nfiles, o.out_dir);
	const char *last_partner = "";
	for (size_t i = 0; i < res.nfiles; i++) {
		const struct bb_gen_file *f = &res.files[i];
		struct bb_submit_request req;
		struct bb_arrival a;
		/* A partner sharing encodings sends what 'backbone encode'
		 * wrote from its file, never the file itself. */
		const char *sent = f->encodings ? f->encodings : f->name;
		char *path = bb_asprintf("%s/%s", o.out_dir, sent);

		memset(&req, 0, sizeof(req));
		req.partner = f->partner;
		req.dataset = f->dataset;
		req.period = f->period;
		req.path = path;
		req.file_name = sent;
		bb_arrival_init(&a);
		rc = bb_arrival_submit(ctx->store, stored, version, &req, &a);
		free(path);
		if (a.link_rc != BB_OK) {
			rc = bb_ctx_fail(ctx, a.link_rc, "%s: stored, but linkage failed: %s",
			    sent, a.link_diag.message ? a.link_diag.message : "?");
			bb_arrival_clear(&a);
			goto out;
		}
		if (rc != BB_OK && rc != BB_ERR_INPUT) {
			bb_arrival_clear(&a);
			rc = bb_ctx_fail(ctx, rc, "the store failed on %s: %s", f->name,
			    bb_store_errmsg(ctx->store));
			goto out;
		}
		struct bb_receipt r = a.intake;	/* a owns it */
		rc = BB_OK;
		t.files++;
		t.linked += a.link.records;
		t.people += a.link.new_participants;
		t.people -= a.link.nmerges < t.people ? a.link.nmerges : t.people;
		t.read += r.rows_read;
		t.accepted += r.rows_accepted;
		t.refused += r.rows_refused;
		t.errors += r.problems.errors;
		t.warnings += r.problems.warnings;
		if (r.outcome == BB_OUTCOME_REFUSED)
			t.refused_files++;
		if (example == 0 && r.problems.errors && r.submission_id)
			example = r.submission_id;
		if (ctx->json)
			json_array_append_new(jfiles, receipt_json(f, &r));
		else {
			if (strcmp(last_partner, f->partner) != 0) {
				const struct bb_partner *p = bb_fw_partner(stored, f->partner);
				fprintf(ctx->out, "\n%s: %s (shares %s)\n", f->partner,
				    p && p->name ? p->name : f->partner,
				    p ? bb_sharing_name(p->sharing) : "records");
				if (f->encodings)
					fprintf(ctx->out, "  (its identities as keyed encodings, as "
					    "'backbone encode' writes them: %s/*.clk.csv)\n",
					    o.out_dir);
				last_partner = f->partner;
			}
			print_receipt_line(ctx->out, f, &r);
			/* The first problem of a file, as an example. */
			for (size_t k = 0; k < r.problems.n; k++)
				if (r.problems.items[k].severity == BB_SEV_ERROR) {
					fputs("    ", ctx->out);
					bb_cli_problem_print(ctx->out, &r.problems.items[k]);
					break;
				}
		}
		bb_arrival_clear(&a);
	}

	/* 4. What happened, and what to try. */
	if (ctx->json) {
		bb_ctx_emit_json(ctx, json_pack("{s:s, s:s, s:I, s:b, s:I, s:I, s:I, s:s, "
		    "s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:o}",
		    "database", ctx->db_path, "initiative", stored->initiative.name,
		    "framework_version", (json_int_t)version, "framework_applied", created,
		    "people", (json_int_t)res.people, "households", (json_int_t)res.households,
		    "seed", (json_int_t)o.seed, "dir", o.out_dir,
		    "totals", "files", (json_int_t)t.files, "refused_files",
		    (json_int_t)t.refused_files, "rows", (json_int_t)t.read,
		    "accepted", (json_int_t)t.accepted, "refused", (json_int_t)t.refused,
		    "errors", (json_int_t)t.errors, "warnings", (json_int_t)t.warnings,
		    "files", jfiles));
		jfiles = NULL;
	} else {
		fprintf(ctx->out, "\ntotal: %llu files, %llu rows read, %llu accepted, "
		    "%llu refused (kept in quarantine); %llu errors, %llu warnings\n",
		    (unsigned long long)t.files, (unsigned long long)t.read,
		    (unsigned long long)t.accepted, (unsigned long long)t.refused,
		    (unsigned long long)t.errors, (unsigned long long)t.warnings);
		fprintf(ctx->out, "linked: %llu records, %llu participants (each person "
		    "once across partners)\n", (unsigned long long)t.linked,
		    (unsigned long long)t.people);
		fprintf(ctx->out, "the refused rows hold values made invalid on purpose; "
		    "%s/truth.csv says which\n\ntry next:\n", o.out_dir);
		fprintf(ctx->out, "  backbone --db %s status\n", ctx->db_path);
		fprintf(ctx->out, "  backbone --db %s submissions\n", ctx->db_path);
		fprintf(ctx->out, "  backbone --db %s participants\n", ctx->db_path);
		if (example)
			fprintf(ctx->out, "  backbone --db %s submission show %lld\n",
			    ctx->db_path, (long long)example);
		fprintf(ctx->out, "  backbone --db %s framework show\n", ctx->db_path);
	}
out:
	json_decref(jfiles);
	bb_gen_result_clear(&res);
	bb_framework_free(stored);
	bb_framework_free(fw);
	return rc;
}

const struct bb_command bb_cmd_demo = {
	.name = "demo",
	.args = "",
	.summary = "set up the demo initiative, with partners' files submitted",
	.help = "Sets up Riverside Promise, the demo initiative, in the database\n"
	    "named by --db: creates it when needed, applies the built-in framework\n"
	    "(examples/riverside/framework.yaml), generates six partners' files\n"
	    "for the last periods (as 'demo generate' does) and submits every one\n"
	    "through the same pipeline as 'backbone submit'. Prints each file's\n"
	    "receipt in short, the totals, and commands to try next. Running it\n"
	    "again stores nothing new: the files are recognised.",
	.opts = demo_opts,
	.min_args = 0, .max_args = 0,
	.flags = BB_CMD_STORE_CREATE | BB_CMD_JSON,
	.run = run_demo,
};
